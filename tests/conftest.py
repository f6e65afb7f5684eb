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
