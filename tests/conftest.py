"""Shared fixtures. Tests are deterministic: fixed seeds and a fixed as-of time (tests/helpers.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tests.helpers import AS_OF


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
