"""CI outputs through the CLI: --baseline/--save-snapshot, JUnit XML parsed back with xml.etree, the Markdown
summary (and $GITHUB_STEP_SUMMARY), --exit-zero, atomic writes, hostile content, and the pre-commit hook."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from dataaudit.cli import cli
from dataaudit.model import Area, CheckResult, DatasetInfo, Report, Severity, Status
from dataaudit.report.junit import render_junit
from dataaudit.report.markdown import md_escape, render_markdown
from tests.helpers import AS_OF

pytestmark = pytest.mark.usefixtures("hermetic")


def frame(n: int = 2000, seed: int = 0, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(shift, 1, n).round(3),
            "colour": rng.choice(["red", "green", "blue"], n),
            "approved": np.arange(n) % 2,
        }
    )


def run(*args) -> Result:
    return CliRunner().invoke(cli, ["run", *(str(a) for a in args), "--as-of", "2026-06-30"])


SELECT = ("--select", "size.min_rows,drift")


# -- baseline and snapshot ---------------------------------------------------------------------------------


def test_save_snapshot_then_compare_against_it_equals_comparing_against_the_raw_file() -> None:
    frame(seed=1).to_csv("old.csv", index=False)
    frame(seed=2, shift=0.6).to_csv("new.csv", index=False)
    saved = run(
        "old.csv",
        "--no-html",
        "--select",
        "size.min_rows",
        "--save-snapshot",
        "old.snapshot.json",
        "--target",
        "approved",
    )
    assert saved.exit_code == 0, saved.output
    assert "snapshot: old.snapshot.json" in saved.stdout
    assert json.loads(Path("old.snapshot.json").read_text())["format"] == "dataaudit-snapshot"
    a = run(
        "new.csv", "--no-html", *SELECT, "--baseline", "old.csv", "--json", "a.json", "--target", "approved"
    )
    b = run(
        "new.csv",
        "--no-html",
        *SELECT,
        "--baseline",
        "old.snapshot.json",
        "--json",
        "b.json",
        "--target",
        "approved",
    )
    assert a.exit_code == b.exit_code == 1, a.output
    assert "FAIL  drift.distribution: 1 feature of 2 shifted (PSI > 0.1): x " in a.stdout

    def checks(path):
        return [
            {k: v for k, v in c.items() if k != "duration_s"}
            for c in json.loads(Path(path).read_text())["checks"]
        ]

    assert checks("a.json") == checks("b.json")


def test_a_missing_baseline_is_exit_2_with_one_line() -> None:
    frame().to_csv("new.csv", index=False)
    result = run("new.csv", "--baseline", "nope.json")
    assert (result.exit_code, result.stderr) == (2, "error: nope.json: baseline not found\n")
    assert not Path("dataaudit-report.html").exists()


def test_drift_section_in_the_html_report() -> None:
    frame(seed=1).to_csv("old.csv", index=False)
    frame(seed=2, shift=0.6).to_csv("new.csv", index=False)
    assert run("new.csv", *SELECT, "--baseline", "old.csv").exit_code == 1
    html = Path("dataaudit-report.html").read_text(encoding="utf-8")
    assert 'id="drift-changes"' in html and "Changes since baseline" in html
    assert html.count('class="drift-bars"') == 3  # x, colour and approved (no target set: a feature)
    frame().to_csv("plain.csv", index=False)
    assert run("plain.csv", "--select", "size.min_rows").exit_code == 0
    assert "Changes since baseline" not in Path("dataaudit-report.html").read_text(encoding="utf-8")


# -- JUnit -------------------------------------------------------------------------------------------------


def _result(cid: str, status: Status, message: str = "m", **kw) -> CheckResult:
    area = Area(cid.split(".")[0])
    return CheckResult(cid, area, cid, status, Severity.FAIL, message, **kw)


def _report(results, fail_on=Severity.FAIL, path="data.csv") -> Report:
    info = DatasetInfo(path, "csv", 10, None, 100, 3, 0.0)
    return Report({"name": "dataaudit", "version": "0"}, info, {}, (), AS_OF, fail_on, tuple(results), (), {})


HOSTILE = 'col <script>alert(1)</script> & "q" | *x* \x1b[31m\x00'


def test_junit_structure_parses_back() -> None:
    report = _report(
        [
            _result("size.min_rows", Status.PASS),
            _result("size.class_counts", Status.WARN, "few rows"),
            _result(
                "consistency.duplicate_rows", Status.FAIL, "150 duplicates", expected="0", columns=("a",)
            ),
            _result("consistency.boom", Status.ERROR, "check crashed", error="ValueError: kaboom"),
            _result("latency.freshness", Status.SKIPPED, "no timestamp column"),
            _result("drift.schema", Status.WAIVED, "accepted", waiver={"reason": "r"}),
        ]
    )
    root = ET.fromstring(render_junit(report))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "6",
        "1",
        "1",
        "1",
    )
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["dataaudit.size", "dataaudit.consistency", "dataaudit.latency", "dataaudit.drift"]
    size = suites["dataaudit.size"]
    assert (size.get("tests"), size.get("failures")) == ("2", "0")
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["size.min_rows"].find("*") is None or cases["size.min_rows"].find("failure") is None
    warn = cases["size.class_counts"]
    assert warn.find("failure") is None and warn.find("system-out").text.startswith("WARN: few rows")
    fail = cases["consistency.duplicate_rows"].find("failure")
    assert fail.get("message") == "150 duplicates" and "expected: 0" in fail.text
    err = cases["consistency.boom"].find("error")
    assert err.get("message") == "check crashed" and "ValueError: kaboom" in err.text
    assert cases["latency.freshness"].find("skipped").get("message") == "no timestamp column"
    assert cases["drift.schema"].find("system-out").text.startswith("WAIVED: accepted")
    assert all(c.get("classname").startswith("dataaudit.") and c.get("time") for c in cases.values())


def test_junit_warn_is_a_failure_when_warnings_block() -> None:
    report = _report([_result("size.class_counts", Status.WARN, "few rows")], fail_on=Severity.WARN)
    root = ET.fromstring(render_junit(report))
    assert root.get("failures") == "1"
    assert next(root.iter("failure")).get("type") == "warn"


def test_junit_escapes_hostile_content() -> None:
    report = _report([_result("consistency.x", Status.FAIL, HOSTILE, columns=(HOSTILE,))], path=HOSTILE)
    text = render_junit(report)
    root = ET.fromstring(text)  # well-formed despite markup, quotes and control characters
    failure = next(root.iter("failure"))
    assert failure.get("message").startswith('col <script>alert(1)</script> & "q" | *x* ')
    assert "<script>" not in text and "\x00" not in text and "\x1b" not in text


# -- Markdown ----------------------------------------------------------------------------------------------


def test_markdown_summary() -> None:
    report = _report(
        [
            _result("size.min_rows", Status.PASS),
            _result("consistency.duplicate_rows", Status.FAIL, "150 duplicate rows (1.5%)"),
            _result("size.class_counts", Status.WARN, "smallest class has 27 rows"),
        ]
    )
    md = render_markdown(report)
    assert md.startswith("## ❌ dataaudit: NOT READY — `data.csv`")
    assert "| size | · | · | 1 | · | 1 | · |" in md
    assert "| ❌ fail (blocks) | `consistency.duplicate_rows` | 150 duplicate rows (1.5%) |" in md
    assert "| ⚠️ warn | `size.class_counts` | smallest class has 27 rows |" in md


def test_markdown_escapes_pipes_and_markup_in_cells() -> None:
    md = render_markdown(_report([_result("consistency.x", Status.FAIL, HOSTILE)], path="a|b`c.csv"))
    row = next(line for line in md.splitlines() if "consistency.x" in line)
    assert row.count(" | ") == 2 + 0 and row.endswith(" |")  # three cells: the pipe in the message is escaped
    assert "\\<script\\>" in row and "&amp;" in row and "\\|" in row and "\\*x\\*" in row
    assert md.splitlines()[0] == "## ❌ dataaudit: NOT READY — `a\\|b'c.csv`"
    assert md_escape("- item") == "\\- item" and md_escape("1. item") == "1\\. item"


def test_markdown_file_and_step_summary_and_exit_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    frame(50).to_csv("small.csv", index=False)
    Path("summary.md").write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(Path("summary.md").resolve()))
    result = run(
        "small.csv", "--select", "size.min_rows", "--markdown", "out.md", "--junit", "out.xml", "--exit-zero"
    )
    assert result.exit_code == 0, result.output  # not ready, but report-only
    assert "NOT READY" in result.stdout
    md = Path("out.md").read_text(encoding="utf-8")
    assert "`size.min_rows` | only 50 rows; at least 100 needed by the rule of thumb |" in md
    assert Path("summary.md").read_text(encoding="utf-8") == "earlier step\n" + md + "\n"
    assert ET.parse("out.xml").getroot().get("failures") == "1"
    assert run("small.csv", "--select", "size.min_rows", "--no-html").exit_code == 1  # without it: 1


def test_no_step_summary_without_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    frame(200).to_csv("d.csv", index=False)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(Path("summary.md").resolve()))
    assert run("d.csv", "--select", "size.min_rows", "--no-html").exit_code == 0
    assert not Path("summary.md").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--junit", "same.out", "--markdown", "same.out"],
            "same.out: given to both --junit and --markdown; give each output its own path",
        ),
        (
            ["--junit", "r.json", "--json", "r.json"],
            "r.json: given to both --json and --junit; give each output its own path",
        ),
        (
            ["--markdown", "d.csv"],
            "d.csv: cannot write output (it is the input data file; refusing to overwrite it)",
        ),
        (
            ["--junit", "no/such/dir/j.xml"],
            "no/such/dir/j.xml: cannot write output (folder no/such/dir does not exist)",
        ),
    ],
)
def test_bad_output_paths_are_refused_before_the_audit_and_nothing_is_written(args, message) -> None:
    frame(200).to_csv("d.csv", index=False)
    result = run("d.csv", "--select", "size.min_rows", *args)
    assert (result.exit_code, result.stderr) == (2, f"error: {message}\n")
    assert sorted(p.name for p in Path(".").iterdir()) == ["d.csv"]


def test_a_failed_write_leaves_no_partial_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    frame(200).to_csv("d.csv", index=False)
    import dataaudit.report.markdown as markdown

    def broken(report):
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(markdown, "render_markdown", broken)
    result = run(
        "d.csv", "--select", "size.min_rows", "--junit", "j.xml", "--markdown", "m.md", "--json", "r.json"
    )
    assert result.exit_code == 3
    assert sorted(p.name for p in Path(".").iterdir()) == ["d.csv"]


@pytest.mark.parametrize("flag", ["--junit", "--markdown", "--save-snapshot", "-o"])
def test_dash_is_stdout_for_json_only_and_never_a_file_named_dash(flag) -> None:
    frame(200).to_csv("d.csv", index=False)
    result = run("d.csv", "--select", "size.min_rows", flag, "-")
    assert result.exit_code == 2
    assert "'-' for standard output works with --json only" in result.stderr
    assert not Path("-").exists()


# -- pre-commit hook ---------------------------------------------------------------------------------------


def _hook_spec() -> dict:
    import yaml

    from tests.helpers import ROOT

    (spec,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return spec


def test_pre_commit_hook_spec_matches_data_files_only() -> None:
    import re

    spec = _hook_spec()
    assert spec["id"] == "dataaudit" and spec["entry"] == "dataaudit hook" and spec["language"] == "python"
    wanted = ["data/loans.csv", "a.parquet", "x.jsonl", "y.csv.gz", "z.xlsx", "t.tsv"]
    unwanted = ["README.md", "data/loans.csv.snapshot.json", "package.json", "dataaudit.yaml", "a.py"]
    matches = lambda f: re.search(spec["files"], f) and not re.search(spec["exclude"], f)  # noqa: E731
    assert all(matches(f) for f in wanted)
    assert not any(matches(f) for f in unwanted)


def test_pre_commit_hook_entry_point_on_files() -> None:
    import subprocess
    import sys

    frame(2000).to_csv("good.csv", index=False)
    frame(50).to_csv("small.csv", index=False)
    entry = _hook_spec()["entry"].split()
    assert entry[0] == "dataaudit"
    args = ["--as-of", "2026-06-30", "--select", "size.min_rows"]
    # the installed entry point, as pre-commit runs it (through `python -m dataaudit`, the same command)
    done = subprocess.run(
        [sys.executable, "-m", "dataaudit", *entry[1:], *args, "good.csv"], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (0, "READY      good.csv (0 fail, 0 error, 0 warn)\n")
    result = CliRunner().invoke(cli, [*entry[1:], *args, "good.csv", "small.csv", "missing.csv"])
    assert result.exit_code == 2  # the worst: one file cannot be audited, the others still are
    assert result.stdout == (
        "READY      good.csv (0 fail, 0 error, 0 warn)\n"
        "NOT READY  small.csv (1 fail, 0 error, 0 warn)\n"
        "  FAIL  size.min_rows: only 50 rows; at least 100 needed by the rule of thumb\n"
    )
    assert result.stderr == "CANNOT AUDIT  missing.csv: file not found\n"
    assert not list(Path(".").glob("*.html"))  # the hook writes no report unless --html-dir


def test_pre_commit_hook_skips_files_that_are_not_data() -> None:
    # the README's `files: ^data/` replaces the hook's own pattern, so pre-commit also passes the folder's
    # dataaudit.yaml or README.md: committing a config change (say, a new waiver) must not be blocked
    frame(2000).to_csv("good.csv", index=False)
    Path("dataaudit.yaml").write_text("target: approved\n", encoding="utf-8")
    Path("README.md").write_text("# data\n", encoding="utf-8")
    args = [
        "hook",
        "--as-of",
        "2026-06-30",
        "--select",
        "size.min_rows",
        "good.csv",
        "dataaudit.yaml",
        "README.md",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "READY      good.csv (0 fail, 0 error, 0 warn)\n"
        "SKIPPED    dataaudit.yaml (not a data file)\n"
        "SKIPPED    README.md (not a data file)\n"
    )
    # the hook's own pattern matches every .json: a config object is skipped, records are audited
    Path("settings.json").write_text('{"editor.tabSize": 2}\n', encoding="utf-8")
    Path("rows.json").write_text('[{"x": 1.0, "approved": 0}]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, [*args[:5], "settings.json", "rows.json"])
    assert result.exit_code == 1, result.output  # rows.json: 1 row, size.min_rows fails
    assert result.stdout.splitlines()[0] == "SKIPPED    settings.json (a JSON object, not a table of records)"
    assert result.stdout.splitlines()[1].startswith("NOT READY  rows.json")


def test_pre_commit_hook_html_reports_of_same_named_files_do_not_overwrite_each_other() -> None:
    for folder, n in (("a", 2000), ("b", 50)):
        Path(folder).mkdir()
        frame(n).to_csv(f"{folder}/x.csv", index=False)
    args = ["hook", "--as-of", "2026-06-30", "--select", "size.min_rows", "--html-dir", "out"]
    assert CliRunner().invoke(cli, [*args, "a/x.csv", "b/x.csv"]).exit_code == 1
    assert sorted(p.name for p in Path("out").iterdir()) == ["a_x.csv.html", "b_x.csv.html"]
    assert "b/x.csv" in Path("out/b_x.csv.html").read_text(encoding="utf-8")


def test_pre_commit_hook_compares_with_a_snapshot_beside_the_file() -> None:
    frame(2000, seed=1).to_csv("d.csv", index=False)
    assert (
        run(
            "d.csv", "--no-html", "--select", "size.min_rows", "--save-snapshot", "d.csv.snapshot.json"
        ).exit_code
        == 0
    )
    frame(1000, seed=2).to_csv("d.csv", index=False)  # rows halved
    args = ["hook", "--as-of", "2026-06-30", "--select", "size.min_rows,drift.row_count", "d.csv"]
    assert CliRunner().invoke(cli, args).exit_code == 0  # without --snapshots: no drift
    result = CliRunner().invoke(
        cli, [*args[:-1], "--snapshots", "--html-dir", ".", "d.csv", "d.csv.snapshot.json"]
    )
    assert result.exit_code == 1
    assert "  FAIL  drift.row_count: 2,000 → 1,000 rows (-50.0%)" in result.stdout
    assert Path("d.csv.html").is_file()
