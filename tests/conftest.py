"""Shared fixtures. Tests are deterministic: fixed seeds and a fixed as-of time (tests/helpers.py)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import AS_OF, ROOT


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(42)


@pytest.fixture
def as_of() -> dt.datetime:
    return AS_OF


@pytest.fixture
def hermetic(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in tmp_path; no installed plugins, colours or CI summary files leak in from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("importlib.metadata.entry_points", lambda **kw: [])
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "GITHUB_STEP_SUMMARY", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once per test session from a copy of the tree (building writes build/ and
    *.egg-info into the tree it builds)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    for folder in ("src", "checks", "templates", "docs"):
        if (ROOT / folder).is_dir():
            shutil.copytree(
                ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
    out = tmp / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = out.glob("dataaudit-*.whl")
    return wheel
