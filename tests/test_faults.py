"""Faults: a plugin check that raises, returns the wrong thing or runs far too long becomes an ``error``
result and the rest of the report is intact; an interrupted run (Ctrl-C) leaves no partial report and keeps an
earlier one; a run that cannot audit (exit 2) or crashes (exit 3) does not delete an earlier report either.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

import dataaudit
from dataaudit import run_helpers
from dataaudit.cli import cli
from dataaudit.deadline import TimedOut, call_with_deadline
from dataaudit.model import Status
from tests.helpers import ROOT

pytestmark = pytest.mark.usefixtures("hermetic")

AS_OF = "2026-06-30"

PLUGIN = '''
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import ClassVar

from dataaudit import Area, Check, Outcome

#: a C-level wait the tests release; an async exception cannot interrupt it
RELEASE = threading.Event()


@dataclass(frozen=True)
class Faulty(Check):
    """Misbehaves as told.

    Why it matters: proves a broken plugin cannot take down the audit.
    How to fix: nothing to fix.
    """

    id: ClassVar[str] = "consistency.faulty"
    title: ClassVar[str] = "Misbehaves"
    area: ClassVar[Area] = Area.CONSISTENCY
    mode: str = "ok"

    def run(self, data):
        if self.mode == "raise":
            raise ZeroDivisionError(f"bad maths on {data.n_rows} rows")
        if self.mode == "none":
            return None
        if self.mode == "dict":
            return {"status": "pass"}
        if self.mode == "string":
            return "pass"
        if self.mode == "exit":
            raise SystemExit(0)
        if self.mode == "spin":  # a pure-Python runaway loop, even one that swallows Exception
            while True:
                try:
                    sum(range(100))
                except Exception:
                    pass
        if self.mode == "wait":
            RELEASE.wait()
            return Outcome.ok("released")
        if self.mode == "sleep":
            time.sleep(0.3)
            return Outcome.ok("slept 0.3 s")
        if self.mode == "signal":  # tell the test we are running, then take long enough to be interrupted
            open(os.environ["DATAAUDIT_TEST_STARTED"], "w").close()
            time.sleep(60)
        return Outcome.ok("fine")


@dataclass(frozen=True)
class After(Check):
    """Runs after the faulty check."""

    id: ClassVar[str] = "consistency.after_faulty"
    title: ClassVar[str] = "Runs after"
    area: ClassVar[Area] = Area.CONSISTENCY

    def run(self, data):
        return Outcome.ok(f"{data.n_cols} columns")
'''


def write_data(n: int = 1_200) -> Path:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"row_id": np.arange(n), "x": rng.normal(size=n).round(3), "y": np.arange(n) % 2})
    frame.to_csv("data.csv", index=False)
    return Path("data.csv")


@pytest.fixture
def plugins() -> Path:
    folder = Path("plugins")
    folder.mkdir()
    (folder / "faulty.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    return folder


def config(mode: str, **extra: object) -> Path:
    lines = [f"checks: {{consistency.faulty: {{mode: {mode}}}}}"] + [f"{k}: {v}" for k, v in extra.items()]
    Path("dataaudit.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path("dataaudit.yaml")


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def audit_faulty(mode: str, *args: object, **extra: object) -> tuple[Result, dict]:
    """Run the size checks, the faulty check and the one after it; return the CLI result and the JSON."""
    write_data()
    config(mode, **extra)
    result = run(
        "run", "data.csv", "--checks", "plugins", "--select", "size.min_rows,consistency.faulty",
        "--select", "consistency.after_faulty", "--json", "r.json", "--as-of", AS_OF, *args,
    )  # fmt: skip
    doc = json.loads(Path("r.json").read_text(encoding="utf-8")) if Path("r.json").exists() else {}
    return result, doc


def by_id(doc: dict) -> dict[str, dict]:
    return {c["id"]: c for c in doc["checks"]}


def assert_rest_intact(result: Result, doc: dict) -> None:
    """The faulty check is the only error; the others ran and passed; the HTML report was written."""
    assert result.exit_code == 1, result.output  # an error blocks the verdict
    checks = by_id(doc)
    assert list(checks) == ["size.min_rows", "consistency.faulty", "consistency.after_faulty"]
    assert checks["consistency.faulty"]["status"] == "error"
    assert checks["size.min_rows"]["status"] == "pass"
    assert checks["consistency.after_faulty"] == {**checks["consistency.after_faulty"], "status": "pass"}
    assert "<html" in Path("dataaudit-report.html").read_text(encoding="utf-8")
    assert "Traceback" not in result.stdout + result.stderr


# -- a check that raises or returns the wrong thing ----------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("raise", "check crashed: ZeroDivisionError: bad maths on 1200 rows"),
        ("none", "check crashed: TypeError: run() returned NoneType, expected an Outcome"),
        ("dict", "check crashed: TypeError: run() returned dict, expected an Outcome"),
        ("string", "check crashed: TypeError: run() returned str, expected an Outcome"),
        ("exit", "check crashed: SystemExit: 0"),
    ],
)
def test_a_check_that_raises_or_returns_the_wrong_thing_is_an_error(plugins: Path, mode: str, message: str):
    result, doc = audit_faulty(mode)
    assert_rest_intact(result, doc)
    assert by_id(doc)["consistency.faulty"]["message"] == message
    assert f"ERROR consistency.faulty: {message}" in result.stdout


# -- a check that takes far too long -------------------------------------------------------------------------


def test_a_runaway_python_loop_is_stopped_at_the_time_limit(plugins: Path):
    start = time.perf_counter()
    result, doc = audit_faulty("spin", "--check-timeout", "0.5")
    assert time.perf_counter() - start < 10
    assert_rest_intact(result, doc)
    faulty = by_id(doc)["consistency.faulty"]
    assert faulty["message"] == (
        "check timed out: did not finish within 0.5 s; stopped "
        "(the limit is check_timeout, or --check-timeout)"
    )
    assert faulty["error"] == "TimedOut: did not finish within 0.5 s; stopped"
    assert not [t for t in threading.enumerate() if t.name == "dataaudit-check"]  # the worker has ended


def test_a_check_stuck_in_a_c_call_is_abandoned_and_said_to_be(plugins: Path):
    result, doc = audit_faulty("wait", "--check-timeout", "0.3")
    try:
        assert_rest_intact(result, doc)
        assert by_id(doc)["consistency.faulty"]["message"] == (
            "check timed out: did not finish within 0.3 s; abandoned, and may still be using CPU until the "
            "process exits (the limit is check_timeout, or --check-timeout)"
        )
        stuck = [t for t in threading.enumerate() if t.name == "dataaudit-check"]
        assert stuck and all(t.daemon for t in stuck)  # never keeps the process alive
    finally:
        sys.modules["dataaudit_local_checks.faulty"].RELEASE.set()
    for t in stuck:
        t.join(5)
        assert not t.is_alive()  # once the C call returns, the pending stop ends it


@pytest.mark.parametrize(("limit", "status"), [("0.1", "error"), ("5", "pass"), ("0", "pass")])
def test_the_time_limit_comes_from_the_config_file(plugins: Path, limit: str, status: str):
    result, doc = audit_faulty("sleep", check_timeout=limit)
    assert by_id(doc)["consistency.faulty"]["status"] == status, result.output


def test_the_flag_overrides_the_config_file(plugins: Path):
    _, doc = audit_faulty("sleep", "--check-timeout", "5", check_timeout="0.1")
    assert by_id(doc)["consistency.faulty"]["status"] == "pass"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check-timeout", "-1"], "Invalid value for '--check-timeout': -1.0 is not in the range x>=0."),
        (
            ["--check-timeout", "soon"],
            "Invalid value for '--check-timeout': 'soon' is not a valid float range.",
        ),
    ],
)
def test_an_invalid_time_limit_flag_exits_2(args: list[str], message: str):
    write_data()
    result = run("run", "data.csv", "--as-of", AS_OF, *args)
    assert result.exit_code == 2
    assert result.stderr == f"error: {message} (see 'dataaudit run --help')\n"
    assert not Path("dataaudit-report.html").exists()


@pytest.mark.parametrize(
    ("value", "problem"), [("-5", "greater than or equal to 0"), ("later", "valid number")]
)
def test_an_invalid_time_limit_in_the_config_exits_2(value: str, problem: str):
    write_data()
    Path("dataaudit.yaml").write_text(f"check_timeout: {value}\n", encoding="utf-8")
    result = run("run", "data.csv", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {Path('dataaudit.yaml').resolve()}: check_timeout: ")
    assert problem in result.stderr


def test_the_default_limit_is_five_minutes_and_the_library_takes_it_too():
    frame = pd.DataFrame({"a": range(200), "y": [0, 1] * 100})
    report = dataaudit.audit(frame, select=["size.min_rows"], check_timeout=0.5)
    assert report.config["check_timeout"] == 0.5
    assert dataaudit.audit(frame, select=["size.min_rows"]).config["check_timeout"] == 300


def test_call_with_deadline_passes_values_and_exceptions_through():
    assert call_with_deadline(lambda: 42, 1) == 42
    assert call_with_deadline(lambda: 42, None) == 42
    with pytest.raises(KeyError, match="inner"):
        call_with_deadline(lambda: {}["inner"], 1)
    with pytest.raises(TimedOut) as info:
        call_with_deadline(lambda: time.sleep(0.6), 0.05)
    assert not info.value.stopped  # time.sleep is a C call: the stop lands only when it returns


def test_a_timed_out_result_is_an_error_in_every_output(plugins: Path):
    result, doc = audit_faulty("spin", "--check-timeout", "0.2")
    assert doc["summary"]["by_status"]["error"] == 1
    assert "check timed out" in Path("dataaudit-report.html").read_text(encoding="utf-8")
    assert "ERROR consistency.faulty: check timed out" in result.stdout


# -- interrupted and failed runs keep an earlier report -----------------------------------------------------


EARLIER = "<html>an earlier report</html>\n"


def test_ctrl_c_during_the_audit_leaves_no_partial_report_and_keeps_the_earlier_one(plugins: Path, tmp_path):
    write_data()
    config("signal")
    Path("dataaudit-report.html").write_text(EARLIER, encoding="utf-8")
    Path("r.json").write_text("{}", encoding="utf-8")
    started = tmp_path / "started"
    env = {**os.environ, "DATAAUDIT_TEST_STARTED": str(started), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dataaudit", "run", "data.csv", "--checks", "plugins", "--json", "r.json",
         "--select", "consistency.faulty", "--as-of", AS_OF],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists(), proc.communicate()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2, (out, err)
    assert err.strip() == "aborted"
    assert Path("dataaudit-report.html").read_text(encoding="utf-8") == EARLIER
    assert Path("r.json").read_text(encoding="utf-8") == "{}"
    assert sorted(p.name for p in Path(".").iterdir() if p.name.endswith(".tmp")) == []


def test_ctrl_c_while_writing_leaves_no_temp_file_and_no_half_report(monkeypatch: pytest.MonkeyPatch):
    write_data()
    Path("dataaudit-report.html").write_text(EARLIER, encoding="utf-8")
    real_replace = os.replace

    def interrupted(src, dst):
        if str(dst).endswith(".html"):
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(run_helpers.os, "replace", interrupted)
    result = run("run", "data.csv", "--as-of", AS_OF, "--select", "size")
    assert result.exit_code == 2
    assert result.stderr.strip() == "aborted"
    assert Path("dataaudit-report.html").read_text(encoding="utf-8") == EARLIER
    assert sorted(p.name for p in Path(".").iterdir()) == ["data.csv", "dataaudit-report.html"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["missing.csv"], 2),  # the input is missing
        (["data.csv", "--target", "nope"], 2),  # a bad option
        (["data.csv", "-o", "no/such/folder/r.html", "--json", "dataaudit-report.html"], 2),
    ],
)
def test_a_run_that_cannot_audit_keeps_an_earlier_report(args: list[str], code: int):
    """The chosen behaviour: exit 2 writes nothing and deletes nothing. An earlier report at the same path
    stays as it was (its own header says which data and when), rather than a run that audited nothing
    removing a file it did not write."""
    write_data()
    Path("dataaudit-report.html").write_text(EARLIER, encoding="utf-8")
    result = run("run", *args, "--as-of", AS_OF)
    assert result.exit_code == code, result.output
    assert Path("dataaudit-report.html").read_text(encoding="utf-8") == EARLIER


def test_an_internal_error_keeps_an_earlier_report(monkeypatch: pytest.MonkeyPatch):
    write_data()
    Path("dataaudit-report.html").write_text(EARLIER, encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("renderer bug")

    monkeypatch.setattr("dataaudit.model.Report.to_html", boom)
    result = run("run", "data.csv", "--as-of", AS_OF)
    assert result.exit_code == 3
    assert Path("dataaudit-report.html").read_text(encoding="utf-8") == EARLIER


def test_a_crash_in_one_check_keeps_every_other_result_in_the_library_report(plugins: Path):
    write_data()
    config("raise")
    report = dataaudit.audit("data.csv", checks_dirs=["plugins"], select=["size", "consistency.faulty"])
    statuses = {r.id: r.status for r in report.results}
    assert statuses["consistency.faulty"] == Status.ERROR
    assert [i for i, s in statuses.items() if s == Status.ERROR] == ["consistency.faulty"]
    assert statuses["size.min_rows"] == Status.PASS
    assert not report.ready
