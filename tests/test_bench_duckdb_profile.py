"""bench/duckdb_profile.py keeps working: on a small generated file it times the engine's statements (the
load, the value counts, the duplicate grouping by key hash), names those that held the most resident memory
and writes them as JSON. Not a timing test."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import ROOT

pytest.importorskip("duckdb")

BENCH = ROOT / "bench"


def test_duckdb_profile_times_the_engines_statements(tmp_path):
    sys.path.insert(0, str(BENCH))
    try:
        import bench
    finally:
        sys.path.remove(str(BENCH))
    data, out = tmp_path / "small.csv", tmp_path / "statements.json"
    bench.generate(3000, data)
    proc = subprocess.run(
        [sys.executable, str(BENCH / "duckdb_profile.py"), str(data), "--top", "5", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "timed statements" in proc.stdout and "by kind" in proc.stdout and "the 5 slowest:" in proc.stdout
    statements = json.loads(out.read_text())
    texts = [s["sql"] for s in statements]
    assert any(t.startswith("CREATE TABLE") for t in texts)  # the load
    assert any(t.startswith("[hash grouping of ") for t in texts)  # duplicates and conflicts by key hash
    assert all(s["seconds"] >= 0 for s in statements)
    assert "peak resident memory" in proc.stdout
    assert all(s["peak_bytes"] > 0 and s["at"] >= 0 for s in statements)  # sampled on Linux
