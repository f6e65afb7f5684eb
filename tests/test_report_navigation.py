"""The HTML report as a reader moves through it: a navigation bar, what to review first, the dataset overview
near the top with a picture per column, long evidence collapsed, check ids linked, the file's name (not its
folders) in the header; and how much of the data's values the outputs show (``privacy: {mask: ...}``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.cli import cli
from dataaudit.model import Chart
from dataaudit.report.html import render_html
from dataaudit.report.svg import render_chart
from tests.helpers import AS_OF, SAMPLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def sample_html() -> str:
    return render_html(dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF))


def test_navigation_bar_links_every_area_the_overview_and_what_to_review(sample_html: str):
    nav = re.search(r'<nav class="topnav".*?</nav>', sample_html, re.S)
    assert nav is not None
    for anchor in (
        "#review",
        "#overview",
        "#run",
        *(f"#area-{a}" for a in dataaudit.Area if a not in ("drift", "split")),
    ):
        assert f'href="{anchor}"' in nav.group(0)
        assert f'id="{anchor[1:]}"' in sample_html  # every link lands somewhere
    assert "not ready" in nav.group(0)


def test_overview_comes_before_the_first_area_and_review_lists_every_blocking_check(sample_html: str):
    assert sample_html.index('id="overview"') < sample_html.index('id="area-size"')
    review = sample_html[sample_html.index('id="review"') : sample_html.index('id="overview"')]
    blocking = dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF).blocking
    assert len(blocking) > 6  # so the banner shortens its list
    for r in blocking:
        assert f'href="#{r.id}"' in review
    assert re.search(r'<a href="#review">and \d+ more</a>', sample_html)  # "and N more" is a link


def test_header_shows_the_file_name_and_the_run_section_the_full_path(tmp_path: Path):
    folder = tmp_path / "private" / "home"
    folder.mkdir(parents=True)
    data = folder / "table.csv"
    pd.DataFrame({"x": range(200), "y": [0, 1] * 100}).to_csv(data, index=False)
    html = render_html(dataaudit.audit(data, as_of=AS_OF))
    header = html[: html.index('id="review"')]
    assert "table.csv" in header and str(folder) not in header
    run = html[html.index('id="run"') :]
    assert str(data) in run


def test_overview_draws_a_histogram_or_top_values_per_column():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "amount": rng.lognormal(3, 1, 2000),
            "colour": ["red"] * 1200 + ["green"] * 600 + ["blue"] * 200,
            "y": rng.integers(0, 2, 2000),
        }
    )
    report = dataaudit.audit(df, target="y", as_of=AS_OF)
    by_name = {c.name: c for c in report.overview}
    assert by_name["amount"].shape_kind == "histogram" and len(by_name["amount"].shape) == 16
    assert max(by_name["amount"].shape) == 1.0 and by_name["amount"].shape[0] > by_name["amount"].shape[-1]
    assert by_name["colour"].shape_kind == "top" and by_name["colour"].shape == (1.0, 0.5, 0.167)
    html = render_html(report)
    assert html.count('<svg class="spark"') == 3


def test_extreme_values_do_not_break_the_overview_picture():
    df = pd.DataFrame({"x": [-1e308, 1e308] * 100, "y": [0, 1] * 100})
    report = dataaudit.audit(df, as_of=AS_OF)
    assert report.overview[0].shape == ()  # no picture, no crash


def test_long_evidence_shows_a_preview_and_the_rest_behind_show_all():
    rng = np.random.default_rng(1)
    # 40 near-empty columns: missing_values lists 40 evidence rows
    df = pd.DataFrame({f"c{i}": np.where(rng.random(500) < 0.5, np.nan, 1.0) for i in range(40)})
    html = render_html(dataaudit.audit(df, as_of=AS_OF, select=["consistency.missing_values"]))
    card = html[html.index('id="consistency.missing_values"') :]
    card = card[: card.index("</section>")]
    assert re.search(r"<summary>show all \d+ rows</summary>", card)
    preview = card[: card.index("<details")]
    assert preview.count("<tr>") == 1 + 8  # header + preview rows


def test_check_ids_in_messages_link_to_their_cards(sample_html: str):
    card = sample_html[sample_html.index('id="consistency.duplicate_ids"') :]
    card = card[: card.index("</section>")]
    # the message of duplicate_ids refers to the duplicate rows: only ids of this report become links
    for m in re.finditer(r'<a href="#([a-z_.]+)">', card):
        assert f'id="{m.group(1)}"' in sample_html


def test_roc_auc_axis_starts_at_chance():
    chart = Chart.of("curve", ["100", "200", "400"], [0.9, 0.93, 0.94], floor=0.5)
    svg = str(render_chart(chart))
    assert ">0.5<" in svg  # the axis is labelled at chance
    no_floor = str(render_chart(Chart.of("curve", ["100", "200", "400"], [0.9, 0.93, 0.94])))
    assert ">0.5<" not in no_floor
    # a curve below the floor is drawn on its own range, not clipped
    assert ">0.5<" not in str(render_chart(Chart.of("curve", ["1", "2"], [0.4, 0.45], floor=0.5)))


# -- masking ----------------------------------------------------------------------------------------------

PEOPLE = pd.DataFrame(
    {
        "order_code": [f"ORD-{c}{d}" for c in "ABCDEFGHIJ" for d in "KLMNOPQRST"] * 2,
        "account_holder": [
            f"{f} {s}"
            for f in ("Maria", "John", "Aisha", "Wei", "Olga")
            for s in ("Garcia", "Smith", "Khan", "Chen", "Ivanova", "Brown", "Lopez", "Novak")
        ]
        * 5,
        "comment": ["arrived late, box damaged", "fine", "great service", "reorder soon"] * 50,
        "y": [0, 1] * 100,
    }
)


def _examples(mode: str | None) -> dict[str, tuple[str, ...]]:
    report = dataaudit.audit(PEOPLE, target="y", id="order_code", as_of=AS_OF, mask=mode)
    return {c.name: c.examples for c in report.overview}


def test_auto_masks_personal_values_and_shows_the_rest():
    ex = _examples(None)  # auto is the default
    assert ex["order_code"][0].startswith("ORD-") and "*" not in ex["order_code"][0]
    assert "*" not in ex["comment"][0]  # harmless comments are shown
    assert all("*" in e for e in ex["account_holder"])  # person names (found in the values) are masked


def test_mask_all_masks_every_text_value_and_none_shows_them():
    everything = _examples("all")
    assert all("*" in e for e in (*everything["order_code"], *everything["comment"]))
    nothing = _examples("none")
    assert "*" not in "".join(nothing["account_holder"])


def test_mask_applies_inside_the_checks_threads_too():
    df = pd.DataFrame({"code": ["QX-ab", "QX-ab", *[f"QX-{i:02d}z" for i in range(198)]], "y": [0, 1] * 100})
    for mode, masked in (("auto", False), ("all", True)):
        r = dataaudit.audit(df, id="code", as_of=AS_OF, mask=mode, select=["consistency.duplicate_ids"])
        shown = r.result("consistency.duplicate_ids").evidence[0].rows[0][0]
        assert ("*" in shown) is masked, (mode, shown)


def test_emails_stay_masked_in_every_mode():
    df = pd.DataFrame({"contact": [f"user{i}@example.org" for i in range(100)] * 2, "y": [0, 1] * 100})
    for mode in ("auto", "all", "none"):
        report = dataaudit.audit(df, as_of=AS_OF, mask=mode)
        assert "@example.org" not in report.to_json() and "@example.org" not in render_html(report)


def test_mask_is_a_cli_flag_and_a_config_key(tmp_path: Path):
    data = tmp_path / "t.csv"
    PEOPLE.to_csv(data, index=False)
    out = tmp_path / "r.html"
    args = ["run", str(data), "--as-of", "2026-06-30", "-o", str(out)]
    res = CliRunner().invoke(cli, [*args, "--mask", "all"])
    assert res.exit_code in (0, 1), res.output
    assert "Maria Garcia" not in out.read_text()
    (tmp_path / "dataaudit.yaml").write_text("privacy:\n  mask: none\n")
    res = CliRunner().invoke(cli, ["run", str(data), "--as-of", "2026-06-30", "-o", str(out)])
    assert "Maria Garcia" in out.read_text()
    (tmp_path / "dataaudit.yaml").write_text("privacy:\n  mask: some\n")
    res = CliRunner().invoke(cli, ["run", str(data), "--as-of", "2026-06-30", "-o", str(out)])
    assert res.exit_code == 2 and "mask" in res.output


@pytest.mark.skipif(
    not (CHROMIUM and shutil.which("pdftotext")), reason="needs headless Chromium and poppler's pdftotext"
)
def test_screen_at_1400px_keeps_the_navigation_and_print_hides_it(tmp_path: Path, sample_html: str):
    html = tmp_path / "report.html"
    html.write_text(sample_html, encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
    flags += ["--disable-background-networking", "--disable-component-update", "--no-pdf-header-footer"]
    flags += [f"--user-data-dir={tmp_path / 'chr'}"]
    png, pdf = tmp_path / "shot.png", tmp_path / "report.pdf"
    subprocess.run(
        [CHROMIUM, *flags, "--window-size=1400,1000", f"--screenshot={png}", html.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert png.stat().st_size > 10_000
    subprocess.run(
        [CHROMIUM, *flags, f"--print-to-pdf={pdf}", html.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    pages = [p for p in text.stdout.split("\f") if p.strip()]
    assert "to review" not in pages[0].splitlines()[0].lower()  # the screen-only bar does not print
    header = re.compile(r"^\s*(column\s+type\s+missing|attribute\s+group|check\s+status\s+seconds)\b")
    for page in pages:
        lines = [line for line in page.splitlines() if line.strip()]
        assert not header.match(lines[-1]), lines[-1]  # no table header orphaned at a page foot
