"""The console (issue 17): NO_COLOR / FORCE_COLOR / --color, -q prints the verdict only, the phase is shown
on a terminal (a real pseudo-terminal here), and the config file that was applied is named."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys

import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.cli import cli
from dataaudit.report.console import print_summary
from tests.helpers import SAMPLE

AS_OF = "2026-06-30"
ESC = "\x1b["


@pytest.fixture(scope="module")
def report():
    return dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "tty", "color", "coloured"),
    [
        ({}, True, None, True),
        ({}, False, None, False),
        ({"NO_COLOR": "1"}, True, None, False),
        ({"NO_COLOR": ""}, True, None, True),  # empty means unset (no-color.org)
        ({"FORCE_COLOR": "1"}, False, None, True),
        ({"FORCE_COLOR": "0"}, False, None, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, None, False),
        ({"NO_COLOR": "1"}, True, True, True),  # --color wins
        ({"FORCE_COLOR": "1"}, True, False, False),  # --no-color wins
    ],
)
def test_colour_follows_flag_then_no_color_then_force_color_then_terminal(
    report, monkeypatch, env, tty, color, coloured
):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    out = _Tty() if tty else io.StringIO()
    print_summary(report, out, color=color)
    assert (ESC in out.getvalue()) is coloured, out.getvalue()[:300]


def test_cli_color_flags(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    args = ["run", str(SAMPLE / "loans_clean.csv"), "--no-html", "--as-of", AS_OF, "--select", "size"]
    forced = CliRunner().invoke(cli, args)
    assert ESC in forced.stdout
    plain = CliRunner().invoke(cli, [*args, "--no-color"])
    assert ESC not in plain.stdout
    monkeypatch.delenv("FORCE_COLOR")
    assert ESC in CliRunner().invoke(cli, [*args, "--color"]).stdout


def test_summary_names_the_config_file_applied():
    res = CliRunner().invoke(cli, ["run", str(SAMPLE / "loans.csv"), "--no-html", "--as-of", AS_OF])
    assert f"config: {SAMPLE / 'dataaudit.yaml'}\n" in res.stdout, res.stdout[:500]


def _run_on_pty(*args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal (stdout piped); return (code, stdout, terminal text)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dataaudit", *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")},
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    stdout = proc.stdout.read().decode()
    code = proc.wait(timeout=120)
    os.close(master)
    return code, stdout, b"".join(chunks).decode("utf-8", "replace")


def test_terminal_shows_phases_and_checks(tmp_path):
    code, stdout, term = _run_on_pty(
        "run", str(SAMPLE / "loans_clean.csv"), "--no-html", "--as-of", AS_OF, "--select", "size"
    )
    assert code == 0, term
    assert "reading loans_clean.csv…" in term
    assert "statistics over 16 columns × " in term
    assert "checks 1/" in term
    assert term.endswith("\r\x1b[K")  # the progress line is cleared before the summary
    assert "READY" in stdout


def test_quiet_prints_the_verdict_only_and_no_progress():
    code, stdout, term = _run_on_pty(
        "run", str(SAMPLE / "loans_clean.csv"), "--no-html", "--as-of", AS_OF, "-q", "--select", "size"
    )
    assert code == 0
    assert term == ""
    assert stdout == f"READY: {SAMPLE / 'loans_clean.csv'}\n"
