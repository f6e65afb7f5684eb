"""``dataaudit run --profile``: the companion ydata-profiling report, end to end on sample_data.

One real ydata-profiling run (module-scoped, on a 300-row sample to stay fast); failures and options are
tested without running ydata-profiling.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.cli import cli
from dataaudit.profile import ProfileInfo, build_profile, profile_path
from tests.helpers import AS_OF, SAMPLE

SELECT = ("--select", "size.min_rows")  # the profile is under test here, not the checks


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [v for k, v in attrs if k == "href" and v]


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


@pytest.fixture(scope="module")
def profiled(tmp_path_factory):
    out = tmp_path_factory.mktemp("profiled")
    result = CliRunner().invoke(
        cli,
        [
            "run",
            str(SAMPLE / "loans.csv"),
            "--as-of",
            AS_OF.isoformat(),
            *SELECT,
            "-o",
            str(out / "audit.html"),
            "--json",
            str(out / "audit.json"),
            "--profile",
            "--profile-rows",
            "300",
        ],
    )
    return out, result


def test_profile_is_written_beside_the_report_and_linked(profiled):
    out, result = profiled
    assert result.exit_code == 0, result.output
    html = (out / "audit.html").read_text(encoding="utf-8")
    external = [h for h in links(html) if not h.startswith("#")]
    assert external == ["audit-profile.html"]  # relative: the two files travel together
    assert (out / external[0]).is_file()
    assert sorted(p.name for p in out.iterdir()) == ["audit-profile.html", "audit.html", "audit.json"]
    assert not re.search(r"https?://", html)  # the report itself stays self-contained
    assert "profile: " in result.stdout and "audit-profile.html" in result.stdout


def test_both_reports_state_the_sample(profiled):
    out, _ = profiled
    note = "a seeded sample of 300 of 10,150 rows"
    assert note in (out / "audit.html").read_text(encoding="utf-8")
    assert note in (out / "audit-profile.html").read_text(encoding="utf-8")
    doc = json.loads((out / "audit.json").read_text())
    assert doc["profile"] == {
        "path": "audit-profile.html",
        "mode": "minimal",
        "rows": 300,
        "total_rows": 10_150,
        "sample": note,
        "seconds": doc["profile"]["seconds"],
        "error": None,
    }


def test_profile_is_redacted_and_quiet(profiled):
    out, result = profiled
    profile = (out / "audit-profile.html").read_text(encoding="utf-8")
    assert "<html" in profile.lower() and "ydata" in profile.lower()
    assert "@example." not in profile and "APP-00" not in profile  # e-mails in notes, application ids
    assert "Summarize dataset" not in result.output and "%|" not in result.output  # no progress bars


def test_a_failing_profile_is_shown_and_the_audit_completes(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError("profiling ran out of memory")

    monkeypatch.setattr("dataaudit.profile._render", broken)
    result = CliRunner().invoke(
        cli,
        [
            "run",
            str(SAMPLE / "loans.csv"),
            "--as-of",
            AS_OF.isoformat(),
            *SELECT,
            "-o",
            str(tmp_path / "r.html"),
            "--json",
            str(tmp_path / "r.json"),
            "--profile",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "note: profile not written: MemoryError: profiling ran out of memory" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.json"]
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "profiling failed" in html and "MemoryError: profiling ran out of memory" in html
    assert all(h.startswith("#") for h in links(html))
    profile = json.loads((tmp_path / "r.json").read_text())["profile"]
    assert profile["error"] == "MemoryError: profiling ran out of memory" and profile["path"] is None


def test_build_profile_samples_with_a_seed_and_never_raises(monkeypatch):
    frame = pd.DataFrame({"x": range(50), "y": ["a", "b"] * 25})
    monkeypatch.setattr("dataaudit.profile._render", lambda sample, info, title: f"{len(sample)} rows")
    info = build_profile(frame, max_rows=20)
    assert (info.rows, info.total_rows, info.html) == (20, 50, "20 rows")
    assert info.sample_note == "a seeded sample of 20 of 50 rows"
    assert build_profile(frame, max_rows=100).sample_note == "all 50 rows"

    def fails(*a):
        raise ValueError("bad column")

    monkeypatch.setattr("dataaudit.profile._render", fails)
    failed = build_profile(frame, mode="full")
    assert failed.error == "ValueError: bad column" and failed.html is None and failed.mode == "full"


def test_profile_path_sits_beside_the_report():
    assert profile_path(Path("out/audit.html")) == Path("out/audit-profile.html")
    assert profile_path("dataaudit-report.html") == Path("dataaudit-report-profile.html")


def test_the_api_returns_profile_info_without_writing(monkeypatch):
    monkeypatch.setattr("dataaudit.profile._render", lambda sample, info, title: "<html></html>")
    df = pd.DataFrame({"a": range(40), "b": ["x", "y"] * 20})
    report = dataaudit.audit(df, as_of=AS_OF, profile="minimal", profile_rows=10)
    assert isinstance(report.profile, ProfileInfo) and report.profile.rows == 10
    assert report.profile.path is None  # nothing written: no link
    assert all(h.startswith("#") for h in links(report.to_html()))
    assert dataaudit.audit(df, as_of=AS_OF).to_dict()["profile"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--profile-rows", "0"), "Invalid value for '--profile-rows'"),
        (("--profile-mode", "huge"), "Invalid value for '--profile-mode'"),
    ],
)
def test_bad_profile_options_cannot_audit(tmp_path, args, message):
    result = CliRunner().invoke(
        cli, ["run", str(SAMPLE / "loans.csv"), "-o", str(tmp_path / "r.html"), *args]
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert not list(tmp_path.iterdir())


def test_an_unwritable_profile_path_is_refused_before_the_audit(tmp_path):
    (tmp_path / "r-profile.html").mkdir()  # where the profile would go is a directory
    result = CliRunner().invoke(
        cli, ["run", str(SAMPLE / "loans.csv"), "-o", str(tmp_path / "r.html"), "--profile", *SELECT]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"error: {tmp_path / 'r-profile.html'}: cannot write output (it is a directory)"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["r-profile.html"]


def test_ydata_profiling_is_imported_only_for_a_profile():
    code = (
        "import sys, pandas as pd, dataaudit\n"
        "dataaudit.audit(pd.DataFrame({'a': range(30), 'y': [0, 1] * 15}), target='y')\n"
        "assert 'ydata_profiling' not in sys.modules, 'imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
