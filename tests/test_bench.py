"""The benchmark keeps working: bench/bench.py on 10k rows, ydata-profiling skipped, into a temporary file.

Not a timing test: it asserts that every measurement and target row is written, never how fast anything was.
The committed bench/RESULTS.md is left untouched.
"""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT

BENCH = ROOT / "bench" / "bench.py"
RESULTS = ROOT / "bench" / "RESULTS.md"


def test_bench_runs_on_10k_rows_into_a_given_file(tmp_path):
    committed = RESULTS.read_bytes() if RESULTS.exists() else None
    out = tmp_path / "results.md"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--rows", "10000", "--runs", "1", "--no-profiling", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    assert "## 10,000 rows × 20 columns" in text
    assert "| dataaudit run (all checks, all roles) |" in text and "| pandas floor |" in text
    assert "ydata-profiling" in text and "not run (--no-profiling)" in text
    for target in ("the pandas floor", "peak RSS ≤", "HTML ≤ 1 MB", "`dataaudit --help`", "1,000-row audit"):
        assert target in text
    assert "Load average" in text and "slowest: " in text
    # every area ran: the role-dependent checks were not skipped for lack of a role
    assert "size.learning_curve" in text or "checks (" in text
    assert (RESULTS.read_bytes() if RESULTS.exists() else None) == committed  # RESULTS.md not rewritten


def test_generated_data_is_deterministic_and_has_every_role(tmp_path):
    sys.path.insert(0, str(BENCH.parent))
    try:
        import bench
    finally:
        sys.path.remove(str(BENCH.parent))
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    bench.generate(500, a)
    bench.generate(500, b)
    assert a.read_bytes() == b.read_bytes()
    header = a.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert len(header) == 20
    roles = dict(zip(bench.ROLES[::2], bench.ROLES[1::2]))
    assert set(roles.values()) <= set(header)
    assert set(roles) == {"--target", "--sensitive", "--timestamp", "--ingested-at", "--label-time", "--id"}
