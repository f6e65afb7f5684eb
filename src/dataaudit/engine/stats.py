"""Statistics of an out-of-core dataset: counts, distinct values, top values and quantiles over ALL rows from
the engine's one-pass profile; row-aligned views (``numeric()``, ``datetimes()``) over the dataset's sample,
noted as such in the reading check's scope."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from dataaudit.engine.base import ColumnProfile, Engine
from dataaudit.engine.scope import note_approximate, note_sample
from dataaudit.stats import CATEGORICAL_MAX_DISTINCT, TEXT_MEAN_LENGTH, ColumnStats, Stats

__all__ = ["EngineStats"]

#: value counts of a column with more distinct values than this are cut to the most frequent ones (and the
#: reading check's result says it is approximate): 100M distinct ids would not fit in memory
MAX_VALUE_COUNTS = 500_000


class EngineStats(Stats):
    """:class:`~dataaudit.stats.Stats` answered by an engine. ``frame`` is the dataset's sample: the semantic
    kind of a text column (numbers as text, dates as text) is read from it, every count from the engine."""

    def __init__(self, engine: Engine, sample: pd.DataFrame, as_of: dt.datetime | None = None) -> None:
        super().__init__(sample, as_of)
        self.engine = engine
        self._on_sample = Stats(sample, self.as_of)

    @property
    def profiles(self) -> dict[str, ColumnProfile]:
        """Every column's profile, from one pass over all rows (the engine computes it once)."""
        return self.engine.profile([str(c) for c in self.frame.columns])

    def value_counts(self, column: str) -> pd.Series:
        if column not in self._counts:
            prof = self.profiles[column]
            limit = None
            if prof.distinct > MAX_VALUE_COUNTS:
                limit = MAX_VALUE_COUNTS
            self._counts[column] = self.engine.value_counts(column, limit)
        prof = self.profiles[column]
        # cut to the most frequent, a sketched distinct count, or (out of memory) a sketch's top values
        if prof.distinct > MAX_VALUE_COUNTS or not prof.distinct_exact or column in self._sketched_counts():
            note_approximate()
        return self._counts[column]

    def _sketched_counts(self) -> set[str]:
        """Columns whose value counts the engine took from a sketch (DuckDB, out of memory)."""
        return getattr(self.engine, "approximate_counts", set())

    def numeric(self, column: str) -> pd.Series | None:
        note_sample(len(self.frame))
        return self._on_sample.numeric(column)

    def datetimes(self, column: str) -> pd.Series | None:
        note_sample(len(self.frame))
        return self._on_sample.datetimes(column)

    def datetime_layout(self, column: str) -> str | None:
        return self._on_sample.datetime_layout(column)

    def _compute(self, column: str) -> ColumnStats:
        on_sample = self._on_sample[column]
        prof = self.profiles[column]
        n = prof.count + prof.missing
        kind = on_sample.kind
        if prof.count == 0:
            kind = "empty"
        elif kind in ("categorical", "text", "empty"):
            many = prof.distinct > max(CATEGORICAL_MAX_DISTINCT, 0.05 * prof.count)
            kind = "text" if (many or (prof.mean_length or 0) > TEXT_MEAN_LENGTH) else "categorical"
        quantiles = on_sample.quantiles
        if kind == "numeric" and prof.numbers and prof.quantiles is not None:
            quantiles = {
                "min": float(prof.min),
                **{k: float(v) for k, v in prof.quantiles.items()},
                "max": float(prof.max),
                "mean": float(prof.mean) if prof.mean is not None else float("nan"),
                "std": float(prof.std) if prof.std is not None else float("nan"),
            }
        top_counts = (
            self.engine.value_counts(column, 10) if column not in self._counts else self._counts[column]
        )
        top = tuple((v, int(c)) for v, c in top_counts.head(10).items())
        return dataclasses.replace(
            on_sample,
            dtype=prof.dtype,
            kind=kind,
            count=prof.count,
            missing=prof.missing,
            distinct=prof.distinct,
            unique=prof.missing == 0 and prof.distinct == n and prof.distinct_exact,
            top=top,
            quantiles=quantiles,
            mean_length=prof.mean_length if prof.mean_length is not None else on_sample.mean_length,
        )
