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


def _positive_class(t: _Target, override: str | None) -> tuple[int, str]:
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


def _eval_classes(t: _Target, override: str | None) -> tuple[list[int], str]:
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
