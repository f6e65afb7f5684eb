"""The engine seam: the operations checks need from the data, whatever holds it.

Three engines implement :class:`Engine`: ``pandas`` (the whole table in memory; the reference the others are
tested against), ``duckdb`` (embedded, larger than memory: the file is ingested once into an on-disk table)
and ``spark`` (a cluster, or ``local[2]``). A check that asks the engine gets an answer over **all rows**;
a check that reads ``data.frame`` of an out-of-core dataset gets a seeded sample and its result says so
(see :mod:`dataaudit.engine.scope`).

Conventions every engine keeps, so that results are identical across engines:

- rows have positions ``0 … n_rows-1`` in file order; samples are drawn by position with
  :func:`sample_positions`, the same positions on every engine;
- value counts are exact, over non-missing values, most frequent first; ties: numbers in value order, other
  values in order of first appearance;
- missing is SQL NULL / pandas NA / NaN / NaT; the null tokens of the loader are already missing;
- column names and values are never pasted into query text: identifiers are quoted, values are bound.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "ColumnProfile",
    "Engine",
    "GroupSummary",
    "Predicate",
    "sample_positions",
]

#: profile quantiles, by name (the ``quantiles`` of :class:`~dataaudit.stats.ColumnStats`)
QUANTILES: dict[str, float] = {"p01": 0.01, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p99": 0.99}


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    """One column, from one pass over all rows.

    ``dtype`` is the pandas dtype the pandas loader would give (``int64``, ``float64``, ``bool``,
    ``datetime64[ns]``, ``object``…). ``numbers`` is the count of non-missing values that read as numbers
    (equal to ``count`` for a numeric column; for a text column, how many of its values parse), ``min`` …
    ``std`` and ``quantiles`` are over those numbers (None when there are none); for a datetime column ``min``
    and ``max`` are its first and last timestamps (UTC). ``distinct`` is exact when
    ``distinct_exact``; engines may sketch it (HyperLogLog) for high-cardinality columns and say so.
    ``mean_length`` is the mean length of text values (None for non-text columns).
    """

    name: str
    dtype: str
    count: int
    missing: int
    distinct: int
    distinct_exact: bool = True
    numbers: int = 0
    min: Any = None
    max: Any = None
    mean: float | None = None
    std: float | None = None
    quantiles: Mapping[str, float] | None = None
    quantiles_exact: bool = True
    mean_length: float | None = None


@dataclass(frozen=True, slots=True)
class Predicate:
    """A condition on one column, counted by :meth:`Engine.count_where` (many in one scan).

    ``op``: ``missing``, ``present``, ``<``, ``<=``, ``>``, ``>=`` (numbers or timestamps), ``outside``
    (``value`` is ``(low, high)``: strictly below low or above high), ``in`` / ``not in`` (``value`` is a
    sequence of values; missing values are neither in nor not in)."""

    column: str
    op: Literal["missing", "present", "<", "<=", ">", ">=", "outside", "in", "not in"]
    value: Any = None


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """Groups of rows that agree on some columns (duplicates) and, for conflicts, disagree on a label.

    ``sizes``: the size of every group with more than one row (conflicts: every group holding more than one
    distinct label), largest first. ``rows``: the rows in those groups (``sizes.sum()``). ``examples``: the
    row positions of the first ``limit`` groups (largest first, ties by first row), each list ascending.
    ``labels``: for conflicts, the number of distinct labels in each group, aligned with ``sizes``."""

    sizes: np.ndarray
    examples: tuple[tuple[int, ...], ...] = ()
    labels: np.ndarray | None = None

    @property
    def groups(self) -> int:
        return len(self.sizes)

    @property
    def rows(self) -> int:
        return int(self.sizes.sum())

    @property
    def extra_copies(self) -> int:
        """Rows beyond the first of each group: what ``duplicated()`` counts."""
        return int(self.sizes.sum() - len(self.sizes))


#: up to this many rows, samples are drawn as ``DataFrame.sample(n, random_state=seed)`` draws them (a
#: permutation: 0.1 s at 2M rows, 1.9 s at 20M); above, with numpy's Generator (Floyd's algorithm, O(n))
PANDAS_PARITY_ROWS = 2_000_000


def sample_positions(n_rows: int, n: int, seed: int = 0) -> np.ndarray:
    """The sorted row positions of a seeded sample of ``n`` of ``n_rows`` rows: drawn here, once, so that
    every engine samples the same rows. Up to :data:`PANDAS_PARITY_ROWS` rows they are the rows
    ``frame.sample(n=n, random_state=seed)`` picks."""
    if n >= n_rows:
        return np.arange(n_rows, dtype=np.int64)
    if n_rows <= PANDAS_PARITY_ROWS:
        picked = np.random.RandomState(seed).choice(n_rows, size=n, replace=False)
    else:
        picked = np.random.default_rng(seed).choice(n_rows, size=n, replace=False)
    return np.sort(picked).astype(np.int64)


class Engine(abc.ABC):
    """What holds the data, and the operations checks run on it. Implementations: ``PandasEngine``
    (:mod:`dataaudit.engine.pandas`), ``DuckDBEngine``, ``SparkEngine``.

    ``name``: ``pandas`` / ``duckdb`` / ``spark``; ``reason``: why it was chosen (shown in the report
    header, e.g. "estimated 41 GiB in memory, 22 GiB available").
    """

    name: str = ""
    reason: str = ""

    # ------------------------------------------------------------------ shape
    @property
    @abc.abstractmethod
    def n_rows(self) -> int: ...

    @property
    @abc.abstractmethod
    def columns(self) -> list[str]: ...

    @property
    def in_memory(self) -> bool:
        """Whether ``frame()`` holds every row (only the pandas engine)."""
        return False

    # ------------------------------------------------------------------ one pass over all columns
    def profile(self, columns: Sequence[str] | None = None) -> dict[str, ColumnProfile]:
        """A :class:`ColumnProfile` of each column (all columns by default), in as few scans as possible;
        a column profiled once is not scanned again (the statistics and the freshness checks both ask)."""
        cache = self._profile_cache
        wanted = list(self.columns if columns is None else columns)
        todo = [c for c in dict.fromkeys(wanted) if c not in cache]
        if todo:
            cache.update(self._profile_columns(todo))
        return {c: cache[c] for c in wanted}

    @cached_property
    def _profile_cache(self) -> dict[str, ColumnProfile]:
        """The profiles computed so far, by column (created on first use: engines need not call
        ``Engine.__init__``)."""
        return {}

    @abc.abstractmethod
    def _profile_columns(self, columns: list[str]) -> dict[str, ColumnProfile]:
        """The profiles of ``columns`` (none profiled yet), in as few scans as possible."""

    # ------------------------------------------------------------------ counts
    @abc.abstractmethod
    def value_counts(self, column: str, limit: int | None = None) -> pd.Series:
        """Exact counts of each non-missing value, most frequent first (ties: numbers by value, others by
        first appearance); index = the values (as pandas would hold them), name ``count``. ``limit``: only
        the first ``limit``."""

    @abc.abstractmethod
    def count_where(self, predicates: Mapping[str, Predicate]) -> dict[str, int]:
        """How many rows meet each predicate, all in one scan."""

    @abc.abstractmethod
    def group_counts(self, columns: Sequence[str]) -> pd.DataFrame:
        """Rows per combination of values of ``columns`` (missing is a value of its own, held as None/NaN):
        a frame with those columns and ``count``, largest first. For crosstabs and per-group label rates."""

    @abc.abstractmethod
    def duplicates(self, columns: Sequence[str], limit: int = 5) -> GroupSummary:
        """Groups of rows identical on ``columns`` (missing equals missing)."""

    @abc.abstractmethod
    def conflicts(self, features: Sequence[str], target: str, limit: int = 5) -> GroupSummary:
        """Groups of rows identical on ``features`` (rows with a missing target left out) whose ``target``
        takes more than one value."""

    # ------------------------------------------------------------------ rows
    @abc.abstractmethod
    def rows(
        self, positions: Sequence[int] | np.ndarray, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The rows at ``positions`` (the index is their position), in position order."""

    def sample(self, n: int, seed: int = 0) -> pd.DataFrame:
        """A seeded sample of at most ``n`` rows, by :func:`sample_positions` (index = row positions)."""
        return self.rows(sample_positions(self.n_rows, n, seed))

    def close(self) -> None:  # noqa: B027 - engines that hold nothing need not override
        """Release what the engine holds (temporary files, a session it started)."""
