"""``--baseline OLD`` / ``audit(baseline=...)``: a snapshot file, a data file profiled with the new data's
roles, a DataFrame or a :class:`~dataaudit.snapshot.Snapshot`, attached to the audited dataset for the drift
checks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from dataaudit.errors import ConfigError, DataLoadError
from dataaudit.model import Area
from dataaudit.snapshot import Snapshot, is_snapshot

if TYPE_CHECKING:
    from dataaudit.dataset import Dataset

__all__ = ["baseline_dataset", "load_baseline", "plan_baseline", "with_roles_of"]


def baseline_dataset(path: str | Path, like: Dataset, fmt: str | None = None) -> Dataset:
    """Load a baseline *data file* as a Dataset with the roles of ``like`` (the new data), so its snapshot
    profiles the same target and sensitive columns."""
    from dataaudit.loading import load

    frame, source = load(path, fmt=fmt)
    return with_roles_of(frame, source, like)


def with_roles_of(frame: pd.DataFrame, source: Any, like: Dataset) -> Dataset:
    """A baseline frame as a Dataset with the roles of ``like`` that name one of its columns."""
    from dataaudit.dataset import Dataset, Roles

    r = like.roles
    cols = set(map(str, frame.columns))
    roles = Roles(
        target=r.target if r.target in cols else None,
        sensitive=tuple(c for c in r.sensitive if c in cols),
        timestamp=r.timestamp if r.timestamp in cols else None,
        ingested_at=r.ingested_at if r.ingested_at in cols else None,
        label_time=r.label_time if r.label_time in cols else None,
        id=r.id if r.id in cols else None,
        ignore=tuple(c for c in r.ignore if c in cols),
    )
    return Dataset(frame, source=source, roles=roles, as_of=like.as_of, sample_rows=like.sample_rows)


def load_baseline(path: str | Path, like: Dataset) -> Snapshot:
    """``--baseline OLD``: a snapshot file, or a data file profiled with the roles of ``like``."""
    path = Path(path)
    if not path.exists():
        raise DataLoadError(f"{path}: baseline not found")
    if is_snapshot(path):
        return Snapshot.load(path)
    return Snapshot.from_dataset(baseline_dataset(path, like))


def plan_baseline(dataset: Dataset, baseline: Any, planned: list) -> list:
    """Attach ``baseline`` (a path to a data file or snapshot, a DataFrame, or a :class:`Snapshot`) to
    ``dataset`` and return the planned checks. Without a baseline the drift checks are left out of the run
    entirely (they would only be skipped), and selecting nothing but them is a configuration error."""
    if baseline is None:
        kept = [p for p in planned if p.check.area != Area.DRIFT]
        if not kept:
            raise ConfigError(
                "the drift checks compare against a baseline: give one with --baseline OLD "
                "(a data file or a snapshot written with --save-snapshot)"
            )
        return kept
    if isinstance(baseline, Snapshot):
        snap = baseline
    elif isinstance(baseline, pd.DataFrame):
        from dataaudit.loading import from_frame

        frame, source = from_frame(baseline)
        snap = Snapshot.from_dataset(with_roles_of(frame, source, dataset))
    else:
        snap = load_baseline(baseline, dataset)
    dataset.baseline = snap
    return planned
