"""The command line reads and hashes the data file while it imports (dataaudit.read_ahead); ``load`` takes
those bytes only while the file is unchanged, and reads it itself otherwise."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dataaudit import read_ahead
from dataaudit.cli import cli
from dataaudit.loading import load


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    monkeypatch.setattr(read_ahead, "cores", lambda: 2)
    yield
    read_ahead.discard()


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i % 3}\n" for i in range(200)))
    return path


def test_the_bytes_and_digest_read_ahead_are_the_files(csv: Path) -> None:
    read_ahead.start(str(csv))
    taken = read_ahead.take(csv)
    assert taken is not None
    raw, digest = taken
    assert raw == csv.read_bytes() and digest == hashlib.sha256(raw).hexdigest()
    assert read_ahead.take(csv) is None  # taken once


def test_a_file_changed_since_is_read_again(csv: Path) -> None:
    read_ahead.start(str(csv))
    read_ahead._ahead.join()  # type: ignore[union-attr]  # the thread is done: the change comes after it
    with csv.open("a") as f:
        f.write("999,9\n")
    os.utime(csv, ns=(1, 1))  # a different modification time, whatever the clock's resolution
    frame, info = load(csv)
    assert len(frame) == 201 and frame["a"].iloc[-1] == 999
    assert info.sha256 == hashlib.sha256(csv.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "data, engine",
    [("-", None), ("data.csv", "duckdb"), ("data.csv", "spark"), ("missing.csv", None), (".", None)],
)
def test_nothing_is_read_ahead_for_stdin_other_engines_or_no_file(csv: Path, data, engine) -> None:
    read_ahead.start(data if data in ("-", ".") else str(csv.parent / data), engine)
    assert read_ahead.take(csv) is None


def test_large_files_and_one_core_are_left_to_load(csv: Path, monkeypatch) -> None:
    monkeypatch.setattr(read_ahead, "MAX_BYTES", 100)
    read_ahead.start(str(csv))
    assert read_ahead.take(csv) is None
    monkeypatch.setattr(read_ahead, "MAX_BYTES", 10**6)
    monkeypatch.setattr(read_ahead, "cores", lambda: 1)
    read_ahead.start(str(csv))
    assert read_ahead.take(csv) is None


def test_another_path_takes_nothing_and_discard_lets_go(csv: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("x\n1\n")
    read_ahead.start(str(csv))
    assert read_ahead.take(other) is None
    read_ahead.start(str(csv))
    read_ahead.discard()
    assert read_ahead.take(csv) is None


def test_the_command_line_reads_ahead_and_reports_the_files_digest(csv: Path, tmp_path: Path, monkeypatch):
    taken = []
    original = read_ahead.take
    monkeypatch.setattr(read_ahead, "take", lambda path: taken.append(r := original(path)) or r)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli, ["run", str(csv), "--no-html", "--json", str(out), "--as-of", "2026-01-01", "--quick"]
    )
    assert result.exit_code in (0, 1), result.output
    assert taken and taken[0] is not None
    report = json.loads(out.read_text())
    assert report["dataset"]["sha256"] == hashlib.sha256(csv.read_bytes()).hexdigest()
