"""examples/github-actions.yml: its audit step, run as GitHub runs it (bash -eo pipefail) in a throwaway git
repository whose pull request modifies one data file and moves (and edits) another."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.helpers import ROOT

pytestmark = [
    pytest.mark.usefixtures("hermetic"),
    pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="needs git, bash"),
]


def _audit_step() -> str:
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in workflow["jobs"]["audit"]["steps"] if s.get("name", "").startswith("Audit")]
    return step["run"]


def _git(*args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True, env=env).stdout.strip()


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x": rng.normal(0, 1, n).round(3), "approved": np.arange(n) % 2})


def test_the_example_audits_modified_and_moved_files_against_the_base_branch(tmp_path: Path) -> None:
    _git("init", "-q")
    Path("data").mkdir()
    Path("data/dataaudit.yaml").write_text("select: [size.min_rows, drift]\n", encoding="utf-8")
    _frame(2000, 0).to_csv("data/loans.csv", index=False)
    _frame(2000, 1).to_csv("data/other.csv", index=False)
    _git("add", "-A")
    _git("commit", "-qm", "base")
    base = _git("rev-parse", "HEAD")
    _frame(1000, 0).to_csv("data/loans.csv", index=False)  # rows halved: drift.row_count fails
    _git("mv", "data/other.csv", "data/moved.csv")
    _frame(1990, 1).to_csv("data/moved.csv", index=False)  # moved, 10 rows dropped: git sees a rename
    _git("add", "-A")
    _git("commit", "-qm", "pull request")

    env = {**os.environ, "BASE": base, "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _audit_step()],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1, done.stderr  # data/loans.csv is not ready
    assert Path("changed.txt").read_text(encoding="utf-8").split() == ["data/loans.csv", "data/moved.csv"]
    loans = json.loads(Path("reports/data_loans.csv.json").read_text(encoding="utf-8"))
    assert next(c for c in loans["checks"] if c["id"] == "drift.row_count")["status"] == "fail"  # base copy
    assert Path("reports/data_moved.csv.xml").is_file()
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8").splitlines()
    assert [line for line in summary if line.startswith("## ")] == [
        "## ❌ dataaudit: NOT READY — `data/loans.csv`",
        "## ✅ dataaudit: READY — `data/moved.csv`",
    ]
