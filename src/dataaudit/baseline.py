"""``--baseline OLD`` / ``audit(baseline=...)``: a snapshot file, a data file profiled with the new data's
roles, a DataFrame or a :class:`~dataaudit.snapshot.Snapshot`, read as the Snapshot the drift checks compare
with.

:func:`read_baseline` needs only the new data's roles, as-of date and sample size, so the snapshot can be
given to the ``Dataset`` when it is built (``Dataset(..., baseline=read_baseline(...))``) and
:func:`plan_drift` then keeps or drops the drift checks; :func:`plan_baseline` does both for a dataset that is
already built."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from dataaudit.errors import ConfigError, DataLoadError
from dataaudit.model import Area
from dataaudit.snapshot import Snapshot, is_snapshot

if TYPE_CHECKING:
    from dataaudit.dataset import Dataset, Roles

__all__ = [
    "baseline_dataset",
    "plan_baseline",
    "plan_drift",
    "read_baseline",
    "with_roles",
    "with_roles_of",
]


def baseline_dataset(path: str | Path, like: Dataset, fmt: str | None = None) -> Dataset:
    """Load a baseline *data file* as a Dataset with the roles of ``like`` (the new data), so its snapshot
    profiles the same target and sensitive columns."""
    from dataaudit.loading import load

    frame, source = load(path, fmt=fmt)
    return with_roles_of(frame, source, like)


def with_roles(
    frame: pd.DataFrame, source: Any, roles: Roles, as_of: dt.datetime, sample_rows: int
) -> Dataset:
    """A baseline (or test) frame as a Dataset with the ``roles`` that name one of its columns."""
    from dataaudit.dataset import Dataset, Roles

    r = roles
    cols = set(map(str, frame.columns))
    kept = Roles(
        target=r.target if r.target in cols else None,
        sensitive=tuple(c for c in r.sensitive if c in cols),
        timestamp=r.timestamp if r.timestamp in cols else None,
        ingested_at=r.ingested_at if r.ingested_at in cols else None,
        label_time=r.label_time if r.label_time in cols else None,
        id=r.id if r.id in cols else None,
        ignore=tuple(c for c in r.ignore if c in cols),
    )
    return Dataset(frame, source=source, roles=kept, as_of=as_of, sample_rows=sample_rows)


def with_roles_of(frame: pd.DataFrame, source: Any, like: Dataset) -> Dataset:
    """A baseline (or test) frame as a Dataset with the roles of ``like`` that name one of its columns."""
    return with_roles(frame, source, like.roles, like.as_of, like.sample_rows)


def read_baseline(baseline: Any, roles: Roles, as_of: dt.datetime, sample_rows: int) -> Snapshot | None:
    """``baseline`` (None, a path to a data file or a snapshot file, a DataFrame, or a :class:`Snapshot`) as
    the Snapshot to compare with; a data file or a frame is profiled with the new data's ``roles``."""
    if baseline is None or isinstance(baseline, Snapshot):
        return baseline
    if isinstance(baseline, pd.DataFrame):
        from dataaudit.loading import from_frame

        frame, source = from_frame(baseline)
        return Snapshot.from_dataset(with_roles(frame, source, roles, as_of, sample_rows))
    path = Path(baseline)
    if not path.exists():
        raise DataLoadError(f"{path}: baseline not found")
    if is_snapshot(path):
        return Snapshot.load(path)
    from dataaudit.loading import load

    frame, source = load(path)
    return Snapshot.from_dataset(with_roles(frame, source, roles, as_of, sample_rows))


def plan_drift(planned: list, baseline: Snapshot | None) -> list:
    """The planned checks: without a baseline the drift checks are left out of the run entirely (they would
    only be skipped), and selecting nothing but them is a configuration error."""
    if baseline is not None:
        return planned
    kept = [p for p in planned if p.check.area != Area.DRIFT]
    if not kept:
        raise ConfigError(
            "the drift checks compare against a baseline: give one with --baseline OLD "
            "(a data file or a snapshot written with --save-snapshot)"
        )
    return kept


def plan_baseline(dataset: Dataset, baseline: Any, planned: list) -> list:
    """Attach ``baseline`` (see :func:`read_baseline`) to an already built ``dataset`` and return the planned
    checks (see :func:`plan_drift`)."""
    if baseline is None:
        return plan_drift(planned, None)
    snap = read_baseline(baseline, dataset.roles, dataset.as_of, dataset.sample_rows)
    dataset.baseline = snap
    return plan_drift(planned, snap)
