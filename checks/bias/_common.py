"""Shared by the bias checks: sensitive columns and the target as integer codes, computed once per Dataset,
and the small helpers that grade, order and word their findings.

Group arithmetic is done once per column on integer group codes (``numpy.bincount``), so every check scales
with the number of groups rather than the number of rows.
"""

from __future__ import annotations

import math
import re
import statistics
import warnings
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dataaudit.checks._shared import role
from dataaudit.dataset import MISSING_GROUP, Dataset
from dataaudit.model import Status

#: two-sided confidence of the intervals shown
CONFIDENCE = 0.95
#: one-vs-rest disparity is computed for at most this many classes of a multiclass target (most frequent)
MAX_CLASSES_OVR = 10
#: at most this many groups (the largest) are graded per attribute or intersection; the rest are listed
MAX_GRADED_GROUPS = 1000
#: the two tails outside the intervals shown, each
TAIL = (1 - CONFIDENCE) / 2
_ORDER = {Status.FAIL: 2, Status.WARN: 1, Status.PASS: 0}

# ----------------------------------------------------------------------------------------------------------
# Integer codes per column, computed once per Dataset and shared by the checks.

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cache(data: Dataset) -> dict:
    try:
        return _CACHE.setdefault(data, {})
    except TypeError:  # not weak-referenceable: compute without caching
        return {}


@dataclass(frozen=True)
class _Groups:
    """A sensitive column as integer codes: ``codes[i]`` indexes ``labels``; ``real`` is False for the
    ``(missing)`` group, which is shown but never graded (missing values are consistency's concern)."""

    column: str
    codes: np.ndarray
    labels: tuple[str, ...]
    counts: np.ndarray

    @property
    def real(self) -> np.ndarray:
        return np.array([lab != MISSING_GROUP for lab in self.labels], dtype=bool)


def _order_key(label: str) -> tuple:
    """Bands in numeric order (``<18``, ``18–24``, …, ``65+``), then names, then ``(missing)``."""
    if label == MISSING_GROUP:
        return (3, "")
    if label.startswith("<"):
        return (0, -math.inf, label)
    m = re.match(r"^-?\d+(\.\d+)?", label)
    if m:
        return (0, float(m.group(0)), label)
    return (1, 0.0, label.casefold())


def _groups(data: Dataset, column: str) -> _Groups:
    cache = _cache(data)
    key = ("groups", column)
    if key not in cache:
        labels = data.groups(column)
        codes, distinct = pd.factorize(labels)
        uniques = [str(u) for u in distinct]
        order = sorted(range(len(uniques)), key=lambda i: _order_key(uniques[i]))
        remap = np.empty(len(uniques), dtype=np.int64)
        remap[order] = np.arange(len(uniques))
        codes = remap[codes] if len(uniques) else codes.astype(np.int64)
        labels_sorted = tuple(uniques[i] for i in order)
        cache[key] = _Groups(column, codes, labels_sorted, np.bincount(codes, minlength=len(labels_sorted)))
    return cache[key]


# ----------------------------------------------------------------------------------------------------------
# Group counts from the engine: the same group labels as Dataset.groups(), on distinct values only


@dataclass(frozen=True)
class _Tally:
    """A sensitive column's groups counted over all rows by the engine (``group_counts``): labels in the
    order of :func:`_groups`, rows per group and, with the target, rows per group × class (``cells``,
    labelled rows only, classes in the order of :func:`_target`)."""

    column: str
    labels: tuple[str, ...]
    counts: np.ndarray
    cells: np.ndarray | None = None
    classes: tuple[str, ...] = ()
    class_counts: np.ndarray | None = None
    class_values: tuple = ()  # the target's values, aligned with ``classes``

    @property
    def real(self) -> np.ndarray:
        return np.array([lab != MISSING_GROUP for lab in self.labels], dtype=bool)

    def class_cells(self) -> np.ndarray:
        """``cells`` of a tally taken with the target (``_tally(data, column, with_target=True)``)."""
        if self.cells is None:
            raise ValueError(f"the groups of {self.column!r} were counted without the target")
        return self.cells


def _value_labels(data: Dataset, column: str, values: pd.Series, weights: np.ndarray) -> np.ndarray:
    """The group label (``Dataset.groups``) of each distinct value of ``column``: its text, missing as
    ``(missing)``; numbers with many values in bands, ages in the usual bands, others in quintiles whose
    edges are the quantiles of the rows, taken from the distinct values weighted by their ``weights`` (the
    same edges as ``pd.qcut`` over the rows)."""
    from dataaudit.dataset import AGE_BANDS, MAX_CLASSES
    from dataaudit.roles import tokens
    from dataaudit.stats import sorted_quantiles

    values = values.reset_index(drop=True)
    st = data.stats[column]
    if st.kind == "numeric" and st.distinct > MAX_CLASSES:
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            num = values.astype("float64")
        else:
            num = pd.to_numeric(values, errors="coerce").astype("float64")
        if "age" in tokens(column):
            edges = list(AGE_BANDS)
            names = ["<18"] + [f"{lo:g}–{hi - 1:g}" for lo, hi in zip(edges[1:-2], edges[2:-1])] + ["65+"]
            banded = pd.cut(num, edges, right=False, labels=names)
        else:
            x = num.to_numpy()
            known = ~np.isnan(x)
            order = np.argsort(x[known], kind="stable")
            # pd.qcut's edges: Series.quantile, i.e. np.percentile at 100·q, i.e. q·100/100
            levels = list(np.linspace(0, 1, 6) * 100.0 / 100)
            bins = [
                float(b) for b in sorted_quantiles(x[known][order], levels, np.asarray(weights)[known][order])
            ]
            banded = pd.cut(num, bins, include_lowest=True, duplicates="drop")
            banded = banded.cat.rename_categories(
                [f"{iv.left:g}–{iv.right:g}" for iv in banded.cat.categories]
            )
        values = banded
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    group_names = np.array([str(u) for u in uniques] + [MISSING_GROUP], dtype=object)
    return group_names[codes]


def _group_frame(data: Dataset, columns: Sequence[str]) -> pd.DataFrame:
    """``engine.group_counts(columns)``, asked once per Dataset (several bias and size checks share it)."""
    cache = _cache(data)
    key = ("group_counts", tuple(columns))
    if key not in cache:
        cache[key] = data.engine.group_counts(list(columns))
    return cache[key]


def _group_sizes(data: Dataset, column: str) -> pd.Series:
    """Rows per group label of ``column`` (``Dataset.groups``), largest first, over all rows. Ties: for
    values that are their own group, the engine's order (the pandas engine: first row, as before); for
    bands of numbers, band order (before: the band's first row)."""
    gc = _group_frame(data, [column])
    labels = _value_labels(data, column, gc[column], gc["count"].to_numpy(dtype=np.int64))
    sizes = pd.Series(gc["count"].to_numpy(dtype=np.int64)).groupby(labels, sort=False).sum()
    sizes.index = pd.Index([str(x) for x in sizes.index], dtype=object)
    if len(sizes) < len(gc):  # banded numbers: equal-sized bands (quintiles) in band order
        sizes = sizes.iloc[np.array(sorted(range(len(sizes)), key=lambda i: _order_key(str(sizes.index[i]))))]
    return sizes.sort_values(ascending=False, kind="stable")


def _tally(data: Dataset, column: str, with_target: bool = False) -> _Tally:
    """Rows per group of ``column`` (and per group × class with the target) from one ``group_counts``
    over all rows; computed once per Dataset."""
    cache = _cache(data)
    key = ("tally", column, with_target)
    if key in cache:
        return cache[key]
    cols = [column]
    if with_target and role(data, "target") != column:
        cols.append(role(data, "target"))
    gc = _group_frame(data, cols)
    n = gc["count"].to_numpy(dtype=np.int64)
    # a value held in several combinations is listed once per combination: the quintile edges, taken from
    # the values sorted with their counts, are the same
    labels = _value_labels(data, column, gc[column], n)
    found = pd.unique(labels)
    order = sorted(range(len(found)), key=lambda i: (_order_key(str(found[i])), found[i]))
    label_order = tuple(str(found[i]) for i in order)
    g = pd.Index(label_order, dtype=object).get_indexer(pd.Index(labels)).astype(np.int64)
    counts = np.bincount(g, weights=n, minlength=len(label_order)).astype(np.int64)
    out = _Tally(column, label_order, counts)
    if len(cols) == 2:
        t = _classes(data)
        y = gc[cols[1]]
        lab = y.notna().to_numpy()
        cls = pd.Index(t.values).get_indexer(y[lab])
        cells = np.zeros((len(label_order), len(t.classes)), dtype=np.int64)
        np.add.at(cells, (g[lab], cls), n[lab])
        out = _Tally(column, label_order, counts, cells, t.classes, t.counts, tuple(t.values))
    cache[key] = out
    return out


def _cross(data: Dataset, columns: Sequence[str], with_target: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Rows per combination of the real groups of ``columns`` (missing parts dropped), in the order of
    ``itertools.product`` over each column's real labels (:func:`_tally`'s order), and, with the target,
    rows per combination × class over labelled rows; from one ``group_counts`` of every sensitive attribute
    (and the target) over all rows, shared by every combination."""
    tallies = [_tally(data, c) for c in columns]
    targets = [role(data, "target")] if with_target else []
    # every sensitive attribute (and the target) in ONE group_counts, shared by all combinations
    cols = list(dict.fromkeys([*data.roles.sensitive, *columns, *targets]))
    gc = _group_frame(data, cols)
    n = gc["count"].to_numpy(dtype=np.int64)
    keep = np.ones(len(gc), dtype=bool)
    code = np.zeros(len(gc), dtype=np.int64)
    cache = _cache(data)
    for c, t in zip(columns, tallies):
        real = pd.Index([lab for lab in t.labels if lab != MISSING_GROUP], dtype=object)
        key = ("cross labels", tuple(cols), c)
        if key not in cache:
            cache[key] = _value_labels(data, c, gc[c], n)
        part = real.get_indexer(cache[key]).astype(np.int64)  # missing: -1
        keep &= part >= 0
        code = code * max(len(real), 1) + np.maximum(part, 0)
    size = math.prod(max(len([x for x in t.labels if x != MISSING_GROUP]), 1) for t in tallies)
    n_cells = np.bincount(code[keep], weights=n[keep], minlength=size).astype(np.int64)
    if not with_target:
        return n_cells, None
    k = _classes(data)
    y = gc[targets[0]]
    ok = keep & y.notna().to_numpy()
    cls = pd.Index(k.values).get_indexer(y[ok])
    cells = np.zeros((size, len(k.classes)), dtype=np.int64)
    np.add.at(cells, (code[ok], cls), n[ok])
    return n_cells, cells


@dataclass(frozen=True)
class _Classes:
    """The target's classes as :func:`_target` orders them (sorted values), with rows per class: from the
    exact value counts, no row read."""

    values: pd.Index
    classes: tuple[str, ...]
    counts: np.ndarray


def _classes(data: Dataset) -> _Classes:
    cache = _cache(data)
    if "classes" not in cache:
        vc = data.stats.value_counts(role(data, "target"))
        codes, uniques = pd.factorize(pd.Series(vc.index), sort=True)
        counts = np.zeros(len(uniques), dtype=np.int64)
        np.add.at(counts, codes, vc.to_numpy(dtype=np.int64))
        cache["classes"] = _Classes(pd.Index(uniques), tuple(_class_label(u) for u in uniques), counts)
    return cache["classes"]


def _class_label(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class _Target:
    """The target as integer class codes (-1 where missing) and the class labels as text."""

    codes: np.ndarray
    classes: tuple[str, ...]
    counts: np.ndarray


def _target(data: Dataset) -> _Target:
    cache = _cache(data)
    if "target" not in cache:
        codes, uniques = pd.factorize(data.frame[role(data, "target")], sort=True)
        classes = tuple(_class_label(u) for u in uniques)
        valid = codes >= 0
        cache["target"] = _Target(
            codes.astype(np.int64), classes, np.bincount(codes[valid], minlength=len(classes))
        )
    return cache["target"]


_TRUTHY = {"1", "true", "yes", "y", "t", "positive", "pos"}


def _positive_class(t: _Target | _Classes, override: str | None) -> tuple[int, str]:
    """The class whose rate is compared for a binary target, and how it was chosen."""
    if override is not None:
        if override not in t.classes:
            raise ValueError(
                f"positive_label {override!r} is not a class of the target ({', '.join(t.classes)})"
            )
        return t.classes.index(override), "set by positive_label"
    for i, c in enumerate(t.classes):
        if c.strip().casefold() in _TRUTHY:
            return i, ""
    i = int(np.argmin(t.counts))
    return i, "the rarer class; set positive_label to choose"


def _eval_classes(t: _Target | _Classes, override: str | None) -> tuple[list[int], str]:
    """Classes whose rate per group is compared: the positive one of a binary target, one-vs-rest for a
    multiclass target (its most frequent classes)."""
    if len(t.classes) <= 2:
        pos, how = _positive_class(t, override)
        return [pos], how
    top = list(np.argsort(-t.counts, kind="stable")[:MAX_CLASSES_OVR])
    how = "one-vs-rest" + (
        f", {MAX_CLASSES_OVR} most frequent of {len(t.classes)} classes"
        if len(t.classes) > MAX_CLASSES_OVR
        else ""
    )
    return [int(c) for c in top], how


def _largest(mask: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``mask`` narrowed to its ``MAX_GRADED_GROUPS`` largest groups, which bounds the bootstrap's memory and
    time for attributes (or intersections) with thousands of groups."""
    if mask.sum() <= MAX_GRADED_GROUPS:
        return mask
    keep = np.flatnonzero(mask)
    keep = keep[np.argsort(-sizes[keep], kind="stable")[:MAX_GRADED_GROUPS]]
    out = np.zeros_like(mask)
    out[keep] = True
    return out


def _sample_positions(n: int, size: int, seed: int = 0) -> np.ndarray | None:
    """Sorted positions of a seeded sample of ``size`` rows, or None to use every row."""
    if n <= size:
        return None
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def _q(x: np.ndarray, q: float | list[float], axis: int = 0) -> np.ndarray:
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: a group absent from every resample
        # np.quantile is vectorised; nanquantile loops over columns in Python: use it only when needed
        return np.nanquantile(x, q, axis=axis) if np.isnan(x).any() else np.quantile(x, q, axis=axis)


def _z(tail: float) -> float:
    return statistics.NormalDist().inv_cdf(1 - tail)


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _share(x: float) -> str:
    """A share of rows as a percentage, with more digits below 0.1% so a tiny group never reads as 0.0%."""
    return f"{x:.1%}" if x >= 0.001 or x == 0 else f"{x:.3%}"


def _crosstab(a: np.ndarray, b: np.ndarray, ka: int, kb: int) -> np.ndarray:
    """Rows per pair of codes: a (ka, kb) table of counts of ``a`` (codes below ka) × ``b`` (below kb)."""
    return np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb)


def _pairs(k: int) -> int:
    """How many pairs ``k`` groups make."""
    return k * (k - 1) // 2


def _bonferroni_z(comparisons: int) -> float:
    """The normal quantile of the intervals shown, widened (Bonferroni) for ``comparisons`` made at once."""
    return _z(TAIL / comparisons)


def _interval(x: np.ndarray) -> np.ndarray:
    """The low and high ends of the interval shown, from resampled values (along the first axis)."""
    return _q(x, [TAIL, 1 - TAIL])


# ----------------------------------------------------------------------------------------------------------
# Findings: ``(status, text, column, ...)`` tuples, graded worst first and summed up in one message.


def _worst_first(findings: list, key: Callable | None = None) -> tuple[list, Status]:
    """Sorts ``findings`` worst first (by status, or by ``key``) and returns the flagged ones (warn or fail)
    and the overall status."""
    findings.sort(key=key or (lambda f: -_ORDER[f[0]]))
    flagged = [f for f in findings if f[0] != Status.PASS]
    return flagged, flagged[0][0] if flagged else Status.PASS


def _listed(texts: Sequence[str], limit: int = 3, sep: str = "; ") -> str:
    """The first ``limit`` texts joined, and how many more there are."""
    msg = sep.join(texts[:limit])
    if len(texts) > limit:
        msg += f"; and {len(texts) - limit} more"
    return msg
