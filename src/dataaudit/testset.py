"""The test set of a train/test split: ``dataaudit run train.csv --test test.csv`` (or
``audit(train, test=...)``).

The test set is loaded with the same loader, format and sheet as the training data, and given the training
data's roles (those that name one of its columns; ignored columns are dropped), exactly as a baseline data
file is (:func:`dataaudit.baseline.baseline_dataset`). It is attached as ``dataset.test``; the split checks
(``checks/split.py``) read it. Without a test set they are left out of the run, as the drift checks are
without a baseline.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from dataaudit.errors import ConfigError, DataLoadError

if TYPE_CHECKING:
    from dataaudit.dataset import Dataset

__all__ = ["load_test", "plan_test"]


def load_test(test: Any, like: Dataset, fmt: str | None = None, sheet: str | None = None) -> Dataset:
    """``test`` (a path or a DataFrame) as a Dataset with the roles of ``like`` (the training data)."""
    from dataaudit.baseline import with_roles_of
    from dataaudit.dataset import Dataset
    from dataaudit.loading import from_frame, load

    if isinstance(test, Dataset):
        return test
    if isinstance(test, pd.DataFrame):
        try:
            frame, source = from_frame(test)
        except DataLoadError as exc:  # "the DataFrame is empty": say which one
            raise DataLoadError(f"test set: {exc}") from None
    elif isinstance(test, (str, Path)):
        path = Path(test)
        if not path.exists():
            raise DataLoadError(f"{path}: test set not found")
        frame, source = load(path, fmt=fmt, sheet=sheet)
    else:
        raise DataLoadError(f"test: expected a pandas DataFrame or a path, got {type(test).__name__}")
    return with_roles_of(frame, source, like)


def plan_test(
    dataset: Dataset, test: Any, planned: list, fmt: str | None = None, sheet: str | None = None
) -> list:
    """Attach ``test`` to ``dataset`` and return the planned checks. Without a test set the split checks are
    left out of the run entirely (they would only be skipped), and selecting nothing but them is a
    configuration error."""
    from dataaudit.model import Area

    if test is None:
        kept = [p for p in planned if p.check.area != Area.SPLIT]
        if planned and not kept:
            raise ConfigError(
                "the split checks compare a test set with the training data: give one with --test TEST "
                "(or audit(train, test=...))"
            )
        return kept
    dataset.test = load_test(test, dataset, fmt=fmt, sheet=sheet)
    return planned
