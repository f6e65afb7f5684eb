"""The scale benchmark keeps working: bench/generate.py plants exactly what its JSON says, and bench/scale.py
measures a small file end to end and finds the plants in dataaudit's report.

Not a timing test: nothing here asserts how fast anything was.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import ROOT

GENERATE = ROOT / "bench" / "generate.py"
SCALE = ROOT / "bench" / "scale.py"


def _generate(path, rows=3000, chunk=1000, rate=0.003, *extra):
    cmd = [
        sys.executable,
        str(GENERATE),
        str(rows),
        str(path),
        "--chunk-rows",
        str(chunk),
        "--rate",
        str(rate),
    ]
    return subprocess.run([*cmd, "-q", *extra], capture_output=True, text=True, timeout=120)


def test_generated_plants_are_recounted_exactly_across_chunks(tmp_path):
    data = tmp_path / "g.csv"
    proc = _generate(data, 3000, 1000, 0.003, "--verify")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    info = json.loads((tmp_path / "g.csv.planted.json").read_text())
    assert info["planted"] == {"exact": 9, "ids": 9, "conflicts": 9}  # 3 chunks x round(0.003 x 1000)
    assert info["expected"]["consistency.duplicate_ids"] == {
        "repeated_ids": 18,
        "extra_rows": 18,
        "copies": 9,
    }
    assert "verify: exact" in proc.stdout
    text = data.read_text()
    assert text.splitlines()[0].startswith("id,num_0,") and '"' not in text  # no quotes anywhere
    assert len(text.splitlines()) == 3001


def test_generate_refuses_a_size_the_disk_cannot_hold(tmp_path):
    proc = _generate(tmp_path / "big.csv", 1000, 1000, 0.003, "--keep-free", "1000000")
    assert proc.returncode != 0
    assert "refusing" in proc.stderr and "GiB free" in proc.stderr
    assert not (tmp_path / "big.csv").exists()


def test_scale_measures_floors_and_an_audit_and_finds_the_plants(tmp_path):
    data = tmp_path / "s.csv"
    assert _generate(data, 2000, 1000, 0.005).returncode == 0
    out = tmp_path / "scale.md"
    cmd = [sys.executable, str(SCALE), str(data), "--engines", "pandas", "--pause", "0", "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    for row in ("DuckDB SUMMARIZE (floor)", "DuckDB CSV ingest", "pandas floor", "dataaudit --engine pandas"):
        assert f"| {row} |" in text
    raw = json.loads(out.with_suffix(".json").read_text())
    audit = next(r for r in raw["results"] if r["name"] == "dataaudit --engine pandas")
    assert audit["rss"] > 0 and audit["durations"]["total_s"] > 0
    assert {cid: p["exact"] for cid, p in audit["planted"].items()} == {
        "consistency.duplicate_rows": True,
        "consistency.duplicate_ids": True,
        "consistency.conflicting_labels": True,
    }


def test_rev_runs_the_audit_from_a_git_revision(tmp_path):
    """``--rev`` lays dataaudit's source at a revision out as the installed package (git archive, no
    checkout) and the audit runs from it: the report's header names the commit, the plants are found. A
    revision that does not exist is a one-line refusal, with no work folder left behind."""
    data = tmp_path / "s.csv"
    assert _generate(data, 2000, 1000, 0.005).returncode == 0
    out = tmp_path / "rev.md"
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    cmd = [sys.executable, str(SCALE), str(data), "--engines", "pandas", "--no-floors", "--no-pandas-floor"]
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run(
        [*cmd, "--pause", "0", "--rev", "HEAD", "--work", str(work), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    raw = json.loads(out.with_suffix(".json").read_text())
    assert raw["code"].startswith("git archive of HEAD: commit ")
    audit = next(r for r in raw["results"] if r["name"] == "dataaudit --engine pandas")
    assert all(p["exact"] for p in audit["planted"].values())
    bad = subprocess.run(
        [*cmd, "--rev", "no-such-revision", "--work", str(work)], capture_output=True, text=True, timeout=120
    )
    assert bad.returncode != 0 and "--rev no-such-revision: no dataaudit source there" in bad.stderr
    assert list(work.iterdir()) == []
