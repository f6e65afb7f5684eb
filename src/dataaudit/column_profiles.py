"""Per-column profiles (what a snapshot stores for a column) and the counting code that builds them.

The same functions measure new data over a baseline's bins and categories (:func:`numeric_counts`,
:func:`category_counts`, :func:`group_counts`), so comparing against the raw baseline and against its
snapshot gives identical results. Category labels are masked with :func:`dataaudit.privacy.mask_example`
(e-mails and id-like numbers masked; columns whose name says personal masked word by word).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dataaudit.dataset import MAX_CLASSES, MISSING_GROUP
from dataaudit.privacy import looks_personal, mask_example
from dataaudit.roles import tokens

if TYPE_CHECKING:
    from dataaudit.dataset import Dataset

__all__ = [
    "EDGE_SAMPLE",
    "MAX_LABELLED",
    "N_BINS",
    "OTHER",
    "TOP_K",
    "ColumnProfile",
    "GroupProfile",
    "bin_labels",
    "category_counts",
    "column_summary",
    "group_counts",
    "numeric_counts",
    "profile_column",
]

#: categories stored per categorical column (the rest are counted in ``other``)
TOP_K = 50
#: numeric columns are binned at the baseline's deciles (the usual PSI setup: ten equal-mass bins)
N_BINS = 10
#: the new side of a comparison labels at most this many distinct values per column; rarer ones are
#: counted together (bounded work on a column that suddenly holds many distinct values)
MAX_LABELLED = 1000
#: numeric bin edges are the deciles of at most this many values (a seeded sample of larger columns)
EDGE_SAMPLE = 100_000
#: proportions are floored at this value in PSI, so an empty bin gives a large but finite term
OTHER = "(other)"
_STORED_KINDS = ("categorical", "boolean")


@dataclass(frozen=True)
class ColumnProfile:
    """One column's statistics. ``edges``/``bins`` for numeric columns; ``categories``/``other`` for
    categorical and boolean ones (``complete``: every category is listed)."""

    name: str
    dtype: str
    kind: str
    rows: int
    missing: int
    distinct: int
    edges: tuple[float, ...] | None = None
    bins: tuple[int, ...] | None = None
    summary: Mapping[str, float] | None = None
    categories: tuple[tuple[str, int], ...] | None = None
    other: int = 0
    complete: bool = False

    @property
    def missing_share(self) -> float:
        return self.missing / self.rows if self.rows else 0.0

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "dtype": self.dtype,
            "kind": self.kind,
            "rows": self.rows,
            "missing": self.missing,
            "distinct": self.distinct,
        }
        if self.edges is not None:
            d["edges"] = list(self.edges)
            d["bins"] = list(self.bins or ())
            d["summary"] = dict(self.summary or {})
        if self.categories is not None:
            d["categories"] = [[k, n] for k, n in self.categories]
            d["other"] = self.other
            d["complete"] = self.complete
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ColumnProfile:
        edges = d.get("edges")
        cats = d.get("categories")
        return cls(
            name=str(d["name"]),
            dtype=str(d["dtype"]),
            kind=str(d["kind"]),
            rows=int(d["rows"]),
            missing=int(d["missing"]),
            distinct=int(d["distinct"]),
            edges=None if edges is None else tuple(float(e) for e in edges),
            bins=None if edges is None else tuple(int(b) for b in d["bins"]),
            summary=None if edges is None else {str(k): float(v) for k, v in d.get("summary", {}).items()},
            categories=None if cats is None else tuple((str(k), int(n)) for k, n in cats),
            other=int(d.get("other", 0)),
            complete=bool(d.get("complete", False)),
        )


@dataclass(frozen=True)
class GroupProfile:
    """Counts of one sensitive attribute's groups. ``edges``: the groups are the column's numeric bins."""

    column: str
    counts: tuple[tuple[str, int], ...]
    edges: tuple[float, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"column": self.column, "counts": [[k, n] for k, n in self.counts]}
        if self.edges is not None:
            d["edges"] = list(self.edges)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> GroupProfile:
        edges = d.get("edges")
        return cls(
            str(d["column"]),
            tuple((str(k), int(n)) for k, n in d["counts"]),
            None if edges is None else tuple(float(e) for e in edges),
        )


def _finite(data: Dataset, col: str) -> np.ndarray | None:
    num = data.stats.numeric(col)
    if num is None:
        return None
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    return arr[np.isfinite(arr)]


def numeric_counts(data: Dataset, col: str, edges: Sequence[float]) -> tuple[int, ...] | None:
    """Counts of the column's finite values in the right-closed bins ``(-inf, e0], (e0, e1], ... (ek, inf)``;
    None when the column is not numeric."""
    arr = _finite(data, col)
    return None if arr is None else _bin_counts(arr, edges)


def _bin_counts(arr: np.ndarray, edges: Sequence[float]) -> tuple[int, ...]:
    # one vectorised comparison per edge (at most N_BINS - 1): faster than a binary search per value
    at_most = [int(np.count_nonzero(arr <= e)) for e in edges]
    return tuple(int(n) for n in np.diff([0, *at_most, arr.size]))


_NEEDS_MASK = re.compile(r"@|\d")


def _labels(values: pd.Index, column: str) -> list[str]:
    """Stored labels of category values: text (integral floats as integers, so 1.0 and 1 agree), masked as
    the report masks a low-cardinality category."""
    out = []
    for v in values:  # distinct values only, at most MAX_LABELLED
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        text = str(v)
        out.append(mask_example(text, column=column, kind="categorical") if _masked(text, column) else text)
    return out


def _masked(text: str, column: str) -> bool:
    return bool(_NEEDS_MASK.search(text)) or looks_personal(column) or len(text) > 40


def category_counts(data: Dataset, col: str) -> dict[str, int]:
    """Counts per (masked) category label, most frequent first. Values beyond the ``MAX_LABELLED`` most
    frequent are counted under ``(other)``."""
    vc = data.stats.value_counts(col)
    head, rest = vc.iloc[:MAX_LABELLED], vc.iloc[MAX_LABELLED:]
    counts = pd.Series(head.to_numpy(), index=_labels(head.index, col), dtype="int64")
    counts = counts.groupby(level=0, sort=False).sum().sort_values(ascending=False, kind="stable")
    out = {str(k): int(n) for k, n in counts.items()}
    if len(rest):
        out[OTHER] = out.get(OTHER, 0) + int(rest.sum())
    return out


def profile_column(data: Dataset, col: str) -> ColumnProfile:
    """What a snapshot stores for column ``col`` of ``data``."""
    st = data.stats[col]
    base: dict[str, Any] = {
        "name": col,
        "dtype": st.dtype,
        "kind": st.kind,
        "rows": st.rows,
        "missing": st.missing,
        "distinct": st.distinct,
    }
    if st.kind == "numeric":
        arr = _finite(data, col)
        if arr is not None and arr.size:
            probe = arr  # deciles from a seeded sample: the bins are fixed, counts use all rows
            if arr.size > EDGE_SAMPLE:
                probe = arr[np.random.default_rng(0).integers(0, arr.size, EDGE_SAMPLE)]
            qs = np.quantile(probe, np.arange(1, N_BINS) / N_BINS)
            edges = tuple(float(e) for e in np.unique(qs))
            return ColumnProfile(
                **base, edges=edges, bins=_bin_counts(arr, edges), summary=column_summary(data, col)
            )
    if st.kind in _STORED_KINDS:
        counts = category_counts(data, col)
        other = counts.pop(OTHER, 0)
        items = list(counts.items())
        top, rest = items[:TOP_K], items[TOP_K:]
        return ColumnProfile(
            **base,
            categories=tuple(top),
            other=other + sum(n for _, n in rest),
            complete=not rest and not other,
        )
    return ColumnProfile(**base)


def group_counts(
    data: Dataset, col: str, *, own: ColumnProfile | None = None, ref: GroupProfile | None = None
) -> GroupProfile:
    """A sensitive attribute's group counts. Groups are :meth:`Dataset.groups` labels, except for a numeric
    attribute banded in quantiles: its bands would move with the data, so it uses the baseline column's fixed
    bins instead (``ref.edges`` when comparing, ``own.edges`` when profiling)."""
    edges = ref.edges if ref is not None else None
    quantile_banded = own is not None and own.distinct > MAX_CLASSES and "age" not in tokens(col)
    if ref is None and own is not None and own.edges is not None and quantile_banded:
        edges = own.edges
    if edges is not None:
        bins = numeric_counts(data, col, edges) or ()
        labels = bin_labels(edges)
        missing = data.stats[col].missing
        pairs = [(lab, n) for lab, n in zip(labels, bins)]
        if missing:
            pairs.append((MISSING_GROUP, missing))
        return GroupProfile(col, tuple(pairs), tuple(edges))
    st = data.stats[col]
    if st.kind == "numeric" and st.distinct > MAX_CLASSES:  # ages, in the bias checks' fixed bands
        vc = data.groups(col).value_counts()
        counts = dict(zip(_labels(vc.index, col), (int(n) for n in vc.to_numpy())))
    else:  # categories: the shared value counts, labelled as in the column's profile
        counts = category_counts(data, col)
        if st.missing:
            counts[MISSING_GROUP] = counts.get(MISSING_GROUP, 0) + st.missing
    pairs = sorted(counts.items(), key=lambda kv: -kv[1])
    return GroupProfile(col, tuple(pairs))


def _edge(x: float) -> str:
    return f"{x:,.0f}" if 1e4 <= abs(x) < 1e15 else f"{x:.4g}"


def bin_labels(edges: Sequence[float]) -> list[str]:
    if not len(edges):
        return ["all values"]
    e = [_edge(x) for x in edges]
    return [f"≤ {e[0]}", *(f"{a}–{b}" for a, b in zip(e[:-1], e[1:])), f"> {e[-1]}"]


def column_summary(data: Dataset, col: str) -> dict[str, float] | None:
    """Mean, std, min, median and max, from the column's shared statistics (computed once per column)."""
    q = data.stats[col].quantiles
    return None if q is None else {k: float(q[k]) for k in ("mean", "std", "min", "p50", "max")}
