"""Helpers for tests: build a Dataset from an inline frame and run one check the way the runner does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from dataaudit import Dataset, Roles
from dataaudit.model import Check, CheckResult
from dataaudit.runner import Planned, run_one

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
AS_OF = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)
#: fields every check carries in the JSON report (schema_version 1)
CHECK_FIELDS = frozenset(
    {
        "id",
        "area",
        "title",
        "status",
        "severity",
        "message",
        "columns",
        "observed",
        "expected",
        "evidence",
        "duration_s",
    }
)


def make_dataset(frame: pd.DataFrame, **roles) -> Dataset:
    """A Dataset from an inline frame; roles as keyword arguments (sensitive as a list)."""
    if "sensitive" in roles:
        roles["sensitive"] = tuple(roles["sensitive"])
    return Dataset(frame, roles=Roles(**roles), as_of=AS_OF)


def run_check(check: Check, data: Dataset) -> CheckResult:
    """Run one check as the runner does (requires-skips, severity cap, crash → error)."""
    return run_one(data, Planned(check, check.severity, "test"))
