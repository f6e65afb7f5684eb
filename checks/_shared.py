"""What one check may know of another in the same audit: the instance this audit's configuration describes,
and whether the configuration runs it.

Checks never call each other's ``run()``. Where two checks need the same expensive evidence, the check that
owns it exposes the computation, cached on the dataset with :meth:`Dataset.memo` and keyed by the owner's
configured parameters; the other check asks for the owner's *configured* instance (:func:`configured`), so
both land on the same key and the work runs once per audit, whichever of them runs first:

- the size rules of thumb (``size.min_rows``, ``size.rows_per_feature``, ``size.class_counts``) read the
  learning curve's verdict (``size.learning_curve``);
- the learning curve leaves out the features that the leak rule of ``consistency.target_leakage`` flags.
"""

from __future__ import annotations

from typing import Any, TypeVar

import pandas as pd

from dataaudit.dataset import Dataset
from dataaudit.model import Check

__all__ = ["configured", "numeric_values", "role", "runs"]

C = TypeVar("C", bound=Check)


def _settings(data: Dataset, check_id: str) -> dict[str, Any]:
    return dict((data.settings.get("checks") or {}).get(check_id) or {})


def configured(data: Dataset, cls: type[C]) -> C:
    """The instance of ``cls`` with the parameters this audit's configuration gives it (validated as the
    runner validates them, so its ``params()`` equal those of the instance the runner runs)."""
    from dataaudit.runner import build  # the runner imports the registry, which imports the checks

    settings = _settings(data, cls.id)
    settings.pop("enabled", None)
    settings.pop("severity", None)
    check = build(cls, settings, f"checks.{cls.id}")
    assert isinstance(check, cls)  # build() returns an instance of the class it is given
    return check


def role(data: Dataset, name: str) -> str:
    """The column a single-column role (``target``, ``timestamp``, ``id``...) names, for a check that
    ``requires`` it: the runner skips such a check when the role is not set, so here it always is."""
    column = getattr(data.roles, name)
    if column is None:
        raise ValueError(f"the {name!r} role is not set; a check that uses it must list it in `requires`")
    return str(column)


def numeric_values(data: Dataset, column: str) -> pd.Series:
    """``data.stats.numeric(column)`` for a column the caller knows is numeric (its kind is ``numeric``, or
    the check's role is a continuous target)."""
    values = data.stats.numeric(column)
    if values is None:
        raise ValueError(f"column {column!r} is not numeric")
    return values


def runs(data: Dataset, check_id: str) -> bool:
    """Whether this audit's configuration runs ``check_id``: not switched off (``enabled: false``,
    ``severity: off``), kept by ``select`` / ``ignore`` and not left out by ``--quick``. A dataset built
    without a configuration runs every check."""
    from dataaudit.check_api import left_out_by_quick
    from dataaudit.registry import matches

    if left_out_by_quick(check_id):  # a --quick audit leaves out the checks that fit models
        return False
    settings = _settings(data, check_id)
    if settings.get("enabled") is False or settings.get("severity") in ("off", False):
        return False
    select, ignore = data.settings.get("select") or (), data.settings.get("ignore") or ()
    if select and not matches(check_id, select):
        return False
    return not (ignore and matches(check_id, ignore))
