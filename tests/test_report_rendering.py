"""Rendering details: the notebook iframe, one-line console output in logs, notes, charts that cannot be
drawn, identifier wrapping and the print stylesheet (checked in a real PDF when Chromium is installed)."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from markupsafe import escape

import dataaudit
from dataaudit.cli import cli
from dataaudit.model import Chart, Report, Status
from dataaudit.report.console import print_summary
from dataaudit.report.html import _breakable, render_html, render_notebook
from dataaudit.report.svg import render_chart
from tests.helpers import AS_OF, SAMPLE

XSS = "<script>alert(1)</script>"
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# ~200 characters of plain words: nothing the message masking would touch
LONG = " ".join(["the quick brown fox jumps over the lazy dog"] * 5)


class Tags(HTMLParser):
    """Every start tag with its attributes, in order (attribute values come back unescaped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def small_report(**columns) -> Report:
    df = pd.DataFrame(columns or {"x": range(50), "y": [0, 1] * 25})
    return dataaudit.audit(df, as_of=AS_OF)


def with_result(report: Report, **changes) -> Report:
    """``report`` with its first result changed."""
    first = dataclasses.replace(report.results[0], **changes)
    return dataclasses.replace(report, results=(first, *report.results[1:]))


# -- notebook ---------------------------------------------------------------------------------------------


def test_notebook_is_one_sandboxed_iframe_holding_the_whole_report():
    report = small_report()
    out = render_notebook(report)
    found = tags(out)
    assert [t for t, _ in found] == ["iframe"]  # nothing else reaches the notebook page, so no global CSS
    attrs = found[0][1]
    assert attrs["sandbox"] is not None and "allow-scripts" not in attrs["sandbox"]
    style = attrs["style"] or ""
    assert "width:100%" in style and "border:0" in style and re.search(r"height:\d+px", style)
    # srcdoc is the document, escaped once; <base> keeps the report's #anchors inside the frame
    expected = render_html(report).replace("<title>", '<base href="about:srcdoc"><title>', 1)
    assert attrs["srcdoc"] == expected
    assert out.startswith("<iframe") and out.rstrip().endswith("</iframe>")


def test_notebook_escapes_hostile_text_twice_over():
    report = small_report(**{XSS: ["a", "b"] * 25, "y": [0, 1] * 25})
    out = render_notebook(report)
    assert "<script" not in out and "<base" not in out  # the document only exists inside the attribute
    srcdoc = tags(out)[0][1]["srcdoc"] or ""
    assert XSS not in srcdoc and "&lt;script&gt;" in srcdoc  # still escaped inside the frame's document
    assert report._repr_html_().startswith("<iframe")  # model.py wires _repr_html_ to render_notebook


def test_notebook_height_is_configurable():
    assert "height:600px" in render_notebook(small_report(), height=600)


def test_standalone_report_has_no_base_tag():
    assert "<base" not in render_html(small_report())


# -- console ----------------------------------------------------------------------------------------------


def test_console_keeps_each_message_on_one_line_when_not_a_tty(monkeypatch: pytest.MonkeyPatch):
    # not a terminal: no escape codes in a log file (FORCE_COLOR, the standard's override, is tested with the
    # console options in tests/test_ecosystem_console.py)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    report = with_result(small_report(), status=Status.WARN, message=LONG)
    out = io.StringIO()
    print_summary(report, out)
    text = out.getvalue()
    assert "\x1b[" not in text
    lines = text.splitlines()
    assert f"WARN  {report.results[0].id}: {LONG}" in lines
    assert next(ln for ln in lines if ln.startswith("dataaudit ")).endswith("as of 2026-06-30 00:00 UTC")
    header = next(ln for ln in lines if ln.startswith("area"))
    size = next(ln for ln in lines if ln.startswith("size"))
    # counts are right-aligned under their headers
    for status in ("pass", "warn", "fail", "error", "skipped"):
        end = header.index(status) + len(status)
        assert size[end - 1] != " " and (len(size) == end or size[end] == " "), (status, header, size)


def test_console_line_stays_whole_even_beyond_any_width():
    report = with_result(small_report(), status=Status.FAIL, message=LONG * 3)
    out = io.StringIO()
    print_summary(report, out)
    assert f"FAIL  {report.results[0].id}: {LONG * 3}\n" in out.getvalue()


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_console_colour_only_on_a_terminal_unless_told():
    report = small_report()
    tty, plain, forced = FakeTTY(), FakeTTY(), io.StringIO()
    print_summary(report, tty)
    print_summary(report, plain, color=False)
    print_summary(report, forced, color=True)
    assert "\x1b[" in tty.getvalue()
    assert "\x1b[" not in plain.getvalue()
    assert "\x1b[" in forced.getvalue()


def test_console_prints_markup_and_emoji_codes_literally():
    message = "[bold]not markup[/bold] :x: :thumbs_up:"
    out = io.StringIO()
    print_summary(with_result(small_report(), status=Status.WARN, message=message), out)
    assert message in out.getvalue()


LONG_CHECK = '''
from dataclasses import dataclass
from typing import ClassVar

from dataaudit import Area, Check, Outcome


@dataclass(frozen=True)
class Wordy(Check):
    """Always warns at length.

    Why it matters: long messages must survive CI logs.

    How to fix: nothing.
    """

    id: ClassVar[str] = "consistency.wordy"
    title: ClassVar[str] = "Wordy"
    area: ClassVar[Area] = Area.CONSISTENCY

    def run(self, data):
        return Outcome.warn({message!r})
'''


def test_cli_summary_in_a_log_has_one_line_per_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("importlib.metadata.entry_points", lambda **kw: [])
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    pd.DataFrame({"x": range(200), "y": [0, 1] * 100}).to_csv("data.csv", index=False)
    Path("plugins").mkdir()
    Path("plugins/wordy.py").write_text(textwrap.dedent(LONG_CHECK.format(message=LONG)), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["run", "data.csv", "--checks", "plugins", "--no-html", "--as-of", "2026-06-30"]
    )
    assert result.exit_code in (0, 1), result.output
    assert f"WARN  consistency.wordy: {LONG}\n" in result.stdout
    assert "\x1b[" not in result.stdout
    header = result.stdout.splitlines()[0]
    assert header.startswith("dataaudit ") and header.endswith("as of 2026-06-30 00:00 UTC")


# -- notes and links --------------------------------------------------------------------------------------


def notes_box(html: str) -> list[str]:
    box = re.search(r'<ul class="notes">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", box.group(1)) if box else []


def test_notes_box_lists_load_notes_then_run_notes_once_each():
    report = small_report()
    report = dataclasses.replace(
        report,
        dataset=dataclasses.replace(report.dataset, notes=("load note one", "load note two")),
        notes=("run note", "load note one"),  # the API used to copy load notes here: not shown twice
    )
    html = render_html(report)
    assert notes_box(html) == ["load note one", "load note two", "run note"]
    assert "<dt>note</dt><dd>load note one</dd>" in html  # the overview keeps its note rows
    assert "<dt>note</dt><dd>run note</dd>" not in html


def test_console_prints_load_notes_too():
    report = small_report()
    report = dataclasses.replace(
        report, dataset=dataclasses.replace(report.dataset, notes=("decoded as cp1252",)), notes=("run note",)
    )
    out = io.StringIO()
    print_summary(report, out)
    assert "note: decoded as cp1252\nnote: run note\n" in out.getvalue()


def test_no_notes_no_box():
    report = dataclasses.replace(small_report(), notes=())
    assert notes_box(render_html(report)) == [] and '<ul class="notes">' not in render_html(report)


def test_template_renders_no_links_from_the_report():
    assert "r.links" not in (TEMPLATES / "report.html.j2").read_text(encoding="utf-8")
    html = render_html(small_report())
    hrefs = [a.get("href") for t, a in tags(html) if "href" in a]
    assert hrefs and all((h or "").startswith("#") for h in hrefs)


# -- charts -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chart", "reason"),
    [
        (Chart("columns", ("a",), (1.0, 2.0, 3.0)), "1 label(s) for 3 value(s)"),
        (Chart("curve", ("a", "b"), (1.0, 2.0), errors=(0.1,)), "1 error bar(s) for 2 value(s)"),
        (Chart("bars", ("a",), (float("nan"),)), "value nan is not a finite number"),
        (Chart("bars", ("a",), ("x",)), "value &#39;x&#39; is not a finite number"),  # type: ignore[arg-type]
        (Chart("pie", ("a",), (1.0,)), "unknown chart kind &#39;pie&#39;"),
        (Chart("bars", (1,), (1.0,)), "TypeError"),  # type: ignore[arg-type] - fails inside the drawing
    ],
)
def test_a_malformed_chart_becomes_a_note(chart: Chart, reason: str):
    out = render_chart(chart)
    assert out.startswith('<p class="chart-error">chart could not be drawn: ')
    assert reason in out and "<svg" not in out


def test_chart_error_note_is_escaped():
    out = render_chart(Chart("columns", (XSS,), (1.0, 2.0), title=XSS))
    assert XSS not in out and "&lt;script&gt;" in out


def test_well_formed_charts_still_draw():
    for chart in (
        Chart("bars", ("a", "b"), (0.1, 0.5), unit="share", threshold=0.2),
        Chart("columns", ("d1", "d2", "d3"), (3.0, 0.0, 5.0)),
        Chart("curve", ("100", "200"), (0.6, 0.7), errors=(0.05, 0.04), threshold=0.65),
    ):
        assert str(render_chart(chart)).startswith('<svg class="chart"')


def test_report_with_a_malformed_chart_still_renders():
    report = with_result(small_report(), charts=(Chart("columns", ("a",), (1.0, 2.0, 3.0)),))
    report = dataclasses.replace(  # show it in a full card, not in a compact card's closed <details>
        report, results=(dataclasses.replace(report.results[0], status=Status.FAIL), *report.results[1:])
    )
    html = render_html(report)
    assert "chart could not be drawn: ValueError: 1 label(s) for 3 value(s)" in html
    assert "Dataset overview" in html


# -- identifiers and print --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("approval_letter_sent", "approval_letter_sent"),  # short enough: never broken
        ("size.group_counts", "size.group_counts"),
        ("2025-07-01 16:34:43", "2025-07-01 16:34:43"),
        ("customer_primary_residential_postcode", "customer_<wbr>primary_<wbr>residential_<wbr>postcode"),
        ("applicantMonthlyNetIncomeAfterTax", "applicant<wbr>Monthly<wbr>Net<wbr>Income<wbr>After<wbr>Tax"),
        ("x" * 50, "x" * 24 + "<wbr>" + "x" * 24 + "<wbr>xx"),
    ],
)
def test_long_identifiers_wrap_at_word_boundaries(text: str, expected: str):
    assert str(_breakable(text)) == expected


def test_breaking_a_hostile_identifier_still_escapes_it():
    out = str(_breakable(XSS * 3))
    assert "<script" not in out and out.replace("<wbr>", "") == str(escape(XSS * 3))


def print_css() -> str:
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return css[css.index("@media print") :]


def test_print_css_keeps_only_small_things_whole():
    css = print_css()
    avoid = " ".join(re.findall(r"([^{}]+)\{[^}]*break-inside:\s*avoid", css))
    selectors = {s.strip() for s in avoid.split(",")}
    assert ".check.compact" in selectors and "tr" in selectors
    assert ".check" not in selectors and "table" not in selectors  # taller than a page: they must split
    assert re.search(r"thead\s*\{\s*display:\s*table-header-group", css)
    assert re.search(r"h2[^{]*\{[^}]*break-after:\s*avoid", css)


def test_configuration_and_timings_print_outside_details():
    html = render_html(small_report())
    block = html[html.index('<div class="print-only">') :]
    block = block[: block.index("<footer>")]
    assert "<details" not in block
    assert '<pre class="config">' in block and '<table class="timings">' in block
    assert ".print-only { display:none; }" in html and ".print-only { display:block; }" in html


def test_missing_meter_and_number_do_not_wrap_apart():
    html = render_html(small_report())
    assert re.search(r'<td class="missing"><svg class="meter"[^>]*>.*?</svg>0\.0%</td>', html)
    assert re.search(r"\.overview td\.missing[^{]*\{[^}]*white-space:nowrap", html)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(
    not (CHROMIUM and shutil.which("pdftotext")), reason="needs headless Chromium and poppler's pdftotext"
)
def test_sample_report_prints_without_blank_pages(tmp_path: Path):
    report = dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF)
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    html.write_text(render_html(report), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
    flags += ["--disable-background-networking", "--disable-component-update", "--no-pdf-header-footer"]
    flags += [f"--user-data-dir={tmp_path / 'chr'}", f"--print-to-pdf={pdf}"]
    subprocess.run([CHROMIUM, *flags, html.as_uri()], check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    pages = text.stdout.split("\f")
    assert "To review" in pages[0]  # what to review follows the verdict on page 1
    assert all(p.strip() for p in pages[:-1])  # no blank page (the last "page" is the trailing form feed)
    heading = next(i for i, p in enumerate(pages) if "Dataset overview" in p)
    assert "application_id" in pages[heading]  # the overview heading is on the page its table starts on
    assert re.search(r"\bapproval_letter_sent\b", text.stdout)  # not broken mid-word
    assert "Configuration used" in text.stdout and "sample_rows" in text.stdout  # the config prints
    assert "Check timings and parameters" in text.stdout


def test_wide_data_with_long_names_stays_bounded():
    rng = np.random.default_rng(0)
    names = [f"customer_primary_residential_address_line_{i}" for i in range(600)]
    df = pd.DataFrame(rng.integers(0, 3, size=(50, 600)), columns=names)
    html = render_html(dataaudit.audit(df, as_of=AS_OF))
    assert len(html.encode()) < 1_000_000
    assert "customer_<wbr>primary_<wbr>residential_<wbr>address_<wbr>line_<wbr>0</strong>" in html
