"""Bias: could problems or biases in the data hurt a model? Works from the labels alone, no model.

Group arithmetic is done once per column on integer group codes (``numpy.bincount``), so every check scales
with the number of groups rather than the number of rows. Per-group label rates, counts, and the demographic
parity difference and ratio come from fairlearn's ``MetricFrame``, fed with one weighted row per
group × class cell (labels passed as predictions: ``selection_rate`` and a weighted ``count``). Intervals use
fairlearn's bootstrap scheme (resample every row with replacement, recompute each group's rate, take
quantiles). A resample of rows is a multinomial draw over the group × class cells, so the same bootstrap is
computed here from the cell counts. ``MetricFrame(n_boot=...)`` itself recomputes every metric over every
row in Python: about 13 s for one pass over 1M rows (measured), so 100 resamples would take over 20 minutes.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import re
import statistics
import warnings
import weakref
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.dataset import MISSING_GROUP, Dataset
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade

__all__ = [
    "CHECKS",
    "ClassImbalance",
    "GroupRepresentation",
    "IntersectionalGroups",
    "LabelRateDisparity",
    "MissingnessDisparity",
    "ProxyFeatures",
]

#: two-sided confidence of the intervals shown
CONFIDENCE = 0.95
#: one-vs-rest disparity is computed for at most this many classes of a multiclass target (most frequent)
MAX_CLASSES_OVR = 10
#: free text (mean length above this) is not a proxy candidate: it needs a text model, not a contingency table
MAX_PROXY_TEXT_LENGTH = 30
#: high-cardinality categoricals are compared on their most frequent levels, the rest pooled as "other"
MAX_PROXY_LEVELS = 50
#: above this many groups, the per-group arithmetic is done with numpy rather than fairlearn's MetricFrame
MAX_FAIRLEARN_GROUPS = 100
#: above this many group × label cells the bootstrap draws each cell's count from a Poisson (the Poisson
#: bootstrap) rather than one multinomial over all cells, whose sequential draws are slow for many cells
MAX_MULTINOMIAL_CELLS = 256
#: at most this many groups (the largest) are graded per attribute or intersection; the rest are listed
MAX_GRADED_GROUPS = 1000
#: intersections with more combinations than this are not crossed (the report says so)
MAX_INTERSECTION_CELLS = 100_000
#: resamples × cells held in memory at once by the bootstrap (8 bytes each)
MAX_BOOT_CELLS = 4_000_000
_ORDER = {Status.FAIL: 2, Status.WARN: 1, Status.PASS: 0}

# ----------------------------------------------------------------------------------------------------------
# Shared helpers: integer codes per column, computed once per Dataset and shared by the checks.

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
        codes, uniques = pd.factorize(labels)
        uniques = [str(u) for u in uniques]
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
        codes, uniques = pd.factorize(data.target, sort=True)
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


# ----------------------------------------------------------------------------------------------------------
# Label rates per group, with fairlearn and a bootstrap of the cell counts.


@dataclass(frozen=True)
class _Disparity:
    """One class's rate disparity across the graded groups of one attribute (or one intersection)."""

    cls: str
    j: int  # column of this class in the rate table
    high: int  # the graded pair: indexes (into the graded groups) of its higher-rate and lower-rate group
    low: int
    difference: float  # the pair's rate difference and ratio
    ratio: float
    diff_ci: tuple[float, float]
    ratio_ci: tuple[float, float]
    diff_bound: float  # the smallest difference consistent with the data (graded)
    ratio_bound: float  # the largest ratio consistent with the data (graded)
    status: Status = Status.PASS
    dp_difference: float = 0.0  # demographic parity difference across all graded groups (highest − lowest)
    dp_ratio: float = 1.0  # and ratio (lowest ÷ highest)


@dataclass(frozen=True)
class _RateTable:
    labels: tuple[str, ...]  # graded groups
    n: np.ndarray  # rows with a label, per graded group
    rates: np.ndarray  # (groups, classes)
    lo: np.ndarray
    hi: np.ndarray
    overall: np.ndarray  # (classes,)
    overall_err: np.ndarray  # (classes,) the larger side of the overall rate's 95% interval
    disparities: tuple[_Disparity, ...]


def _weighted_count(y_true, y_pred, sample_weight) -> float:
    """fairlearn's ``count`` for rows that stand for ``sample_weight`` rows each."""
    return float(np.asarray(sample_weight, dtype="float64").sum())


def _rate_table(
    cells: np.ndarray,
    labels: list[str],
    classes: tuple[str, ...],
    eval_classes: list[int],
    n_boot: int,
    seed: int,
    judge,
    use_fairlearn: bool = True,
) -> _RateTable:
    """Rates of ``eval_classes`` per group from ``cells``, the (groups, classes) row counts of the graded
    groups, with bootstrap intervals; ``judge(diff_bound, ratio_bound) -> Status`` picks the pair reported.
    With ``use_fairlearn``, the rates, counts, difference and ratio come from a fairlearn ``MetricFrame``
    over one weighted row per non-empty cell; else (intersections, where ``MetricFrame``'s ~0.1 s fixed cost
    per call adds up, and attributes with more than ``MAX_FAIRLEARN_GROUPS`` groups, where its per-group
    Python loop does) the same arithmetic is done directly."""
    k, m = cells.shape
    n = cells.sum(axis=1).astype("float64")
    if use_fairlearn and k <= MAX_FAIRLEARN_GROUPS:
        from fairlearn.metrics import MetricFrame, selection_rate

        gi, ci = np.nonzero(cells)
        weights = cells[gi, ci].astype("float64")
        metrics = {f"c{c}": functools.partial(selection_rate, pos_label=c) for c in eval_classes}
        metrics["count"] = _weighted_count
        mf = MetricFrame(
            metrics=metrics,
            y_true=ci,
            y_pred=ci,
            sensitive_features=pd.Series(gi, name="group"),
            sample_params={name: {"sample_weight": weights} for name in metrics},
        )
        by_group = mf.by_group.reindex(range(k))
        rates = by_group[[f"c{c}" for c in eval_classes]].to_numpy(dtype="float64")
        n = by_group["count"].to_numpy(dtype="float64")
        diffs = mf.difference(method="between_groups")
        ratios = mf.ratio(method="between_groups")
        fl_diff = [float(diffs[f"c{c}"]) for c in eval_classes]
        fl_ratio = [float(ratios[f"c{c}"]) for c in eval_classes]
    else:
        rates = cells[:, eval_classes] / n[:, None]
        fl_diff = list(rates.max(axis=0) - rates.min(axis=0))
        with np.errstate(all="ignore"):
            fl_ratio = list(rates.min(axis=0) / rates.max(axis=0))

    rng = np.random.default_rng(seed)
    # memory stays bounded for attributes with thousands of groups: fewer resamples, never below 200
    n_boot = min(n_boot, max(200, MAX_BOOT_CELLS // (2 * k)))
    total = int(cells.sum())
    lo = np.full_like(rates, np.nan)
    hi = np.full_like(rates, np.nan)
    overall = cells[:, eval_classes].sum(axis=0) / max(total, 1)
    overall_err = np.zeros(len(eval_classes))
    tail = (1 - CONFIDENCE) / 2
    # Bonferroni over every group pair (and class) that could have been picked: the bound holds for all of
    # them at once, so the pair with the largest bound can be reported without over-reading the widest gap
    z = _z(tail / (max(1, k * (k - 1) // 2) * len(eval_classes)))
    disparities = []
    for j, c in enumerate(eval_classes):
        pos = cells[:, c].astype("float64")
        flat = np.concatenate([pos, n - pos])
        if 2 * k <= MAX_MULTINOMIAL_CELLS:
            draws = rng.multinomial(total, flat / total, size=n_boot).astype("float64")
        else:  # the Poisson bootstrap: the same resampling for many cells, without the sequential draws
            draws = rng.poisson(flat, size=(n_boot, 2 * k)).astype("float64")
        rp, rn = draws[:, :k], draws[:, :k] + draws[:, k:]
        with np.errstate(all="ignore"):
            reps = rp / rn  # a group absent from a resample has no rate there (NaN), as in fairlearn
        lo[:, j], hi[:, j] = _q(reps, [tail, 1 - tail])
        o_lo, o_hi = _q(rp.sum(axis=1) / total, [tail, 1 - tail])
        overall_err[j] = max(overall[j] - o_lo, o_hi - overall[j])
        if k < 2:
            continue
        disparities.append(_pair_disparity(classes[c], j, rates[:, j], pos, n, reps, z, judge))
        disparities[-1] = dataclasses.replace(
            disparities[-1],
            dp_difference=float(fl_diff[j]),
            dp_ratio=float(fl_ratio[j]) if rates[:, j].max() > 0 else 1.0,
        )
    return _RateTable(tuple(labels), n, rates, lo, hi, overall, overall_err, tuple(disparities))


def _pair_disparity(cls, j, r, pos, n, reps, z, judge) -> _Disparity:
    """The pair of groups whose gap is most certain. Candidates: every group against the highest-rate group
    and against the lowest-rate one. Each gets a conservative bound (normal approximation with the larger of
    the bootstrap and the binomial standard error, and the Bonferroni ``z``): the difference on its own
    scale, the ratio on the log scale. The candidate graded worst by ``judge`` is kept."""
    a, b = int(np.argmax(r)), int(np.argmin(r))
    others = np.arange(len(r))
    high = np.concatenate([np.full(len(r), a), others])
    low = np.concatenate([others, np.full(len(r), b)])
    keep = high != low
    high, low = high[keep], low[keep]
    ptil = (pos + 0.5) / (n + 1)  # keeps a standard error away from zero at rates of exactly 0 or 1
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        d_rep = reps[:, high] - reps[:, low]
        se_d = np.maximum(
            np.nan_to_num(np.nanstd(d_rep, axis=0)),
            np.sqrt(ptil[high] * (1 - ptil[high]) / n[high] + ptil[low] * (1 - ptil[low]) / n[low]),
        )
        lr_rep = np.log(reps[:, low]) - np.log(reps[:, high])
        lr_rep[~np.isfinite(lr_rep)] = np.nan
        se_lr = np.maximum(
            np.nan_to_num(np.nanstd(lr_rep, axis=0)),
            np.sqrt((1 - ptil[high]) / (n[high] * ptil[high]) + (1 - ptil[low]) / (n[low] * ptil[low])),
        )
        diff = r[high] - r[low]
        ratio = np.where(r[high] > 0, r[low] / r[high], 1.0)
        d_bound = np.maximum(0.0, diff - z * se_d)
        r_bound = np.minimum(1.0, np.exp(np.log(ptil[low] / ptil[high]) + z * se_lr))
    statuses = [judge(db, rb) for db, rb in zip(d_bound, r_bound)]
    i = max(range(len(statuses)), key=lambda x: (_ORDER[statuses[x]], d_bound[x], -r_bound[x]))
    h, lw = int(high[i]), int(low[i])
    with np.errstate(all="ignore"):
        pair_ratio = np.where(reps[:, h] > 0, reps[:, lw] / reps[:, h], 1.0)
    tail = (1 - CONFIDENCE) / 2
    return _Disparity(
        cls=cls,
        j=j,
        high=h,
        low=lw,
        difference=float(diff[i]),
        ratio=float(ratio[i]),
        diff_ci=tuple(float(x) for x in _q(d_rep[:, i], [tail, 1 - tail])),
        ratio_ci=tuple(float(x) for x in _q(pair_ratio, [tail, 1 - tail])),
        diff_bound=float(d_bound[i]),
        ratio_bound=float(r_bound[i]),
        status=statuses[i],
    )


def _check_n_boot(n_boot: int) -> None:
    if n_boot < 100:
        raise ValueError(
            f"n_boot must be at least 100 (bootstrap resamples behind each interval), got {n_boot}"
        )


def _grade_disparity(diff_bound: float, ratio_bound: float, check) -> Status:
    by_diff = grade(
        diff_bound, warn=check.difference_warn_above, fail=check.difference_fail_above, higher_is_worse=True
    )
    by_ratio = grade(
        ratio_bound, warn=check.ratio_warn_below, fail=check.ratio_fail_below, higher_is_worse=False
    )
    return max(by_diff, by_ratio, key=_ORDER.__getitem__)


# ----------------------------------------------------------------------------------------------------------
# The checks


@dataclass(frozen=True)
class ClassImbalance(Check):
    """The target's classes are not so unequal that a model learns to ignore the rare ones.

    For a classification target: the ratio of the rarest class's count to the most frequent class's count
    (1.0 is perfectly balanced). For a continuous (regression) target: its skewness.

    Why it matters: a model trained on 1 positive per 10 negatives can reach 91% accuracy by never
    predicting the positive class; default losses, thresholds and accuracy all favour the majority, and the
    rare class is often the one that matters (fraud, default, disease). Defaults: warn when the rarest class
    has fewer than 1 row per 10 of the largest (ratio below 0.1), fail below 1 per 100 (0.01), where most
    models predict the majority only unless the imbalance is handled deliberately. A strongly skewed
    regression target (|skewness| above 1, the usual line for "highly skewed") lets a few extreme values
    dominate a squared-error loss; no fail threshold by default (`skew_fail_above`), as a transform fixes it.

    How to fix: use metrics that see the rare class (precision/recall, PR-AUC, balanced accuracy), class
    weights or stratified resampling, and a tuned decision threshold; collect more rare-class examples.
    For a skewed regression target, model a log or Box-Cox transform, or use a robust loss.
    """

    id: ClassVar[str] = "bias.class_imbalance"
    title: ClassVar[str] = "Class balance"
    area: ClassVar[Area] = Area.BIAS
    requires: ClassVar[tuple[str, ...]] = ("target",)

    warn_below: float = 0.1
    fail_below: float = 0.01
    skew_warn_above: float = 1.0
    skew_fail_above: float | None = None

    def run(self, data: Dataset) -> Outcome:
        target = data.roles.target
        if data.target_kind == "continuous":
            return self._skew(data, target)
        counts = data.stats.value_counts(target)
        if len(counts) < 2:
            return Outcome.skip(
                f"target {target!r} has {count(len(counts), 'class', 'classes')}: there is no balance to "
                "measure (size.class_counts reports it)",
                columns=[target],
            )
        total = int(counts.sum())
        big, small = counts.index[0], counts.index[-1]
        n_big, n_small = int(counts.iloc[0]), int(counts.iloc[-1])
        ratio = n_small / n_big
        status = grade(ratio, warn=self.warn_below, fail=self.fail_below, higher_is_worse=False)
        msg = (
            f"rarest class {_class_label(small)!r} has {count(n_small, 'row')} ({n_small / total:.1%}), "
            f"{ratio:.3g} per row of the largest class {_class_label(big)!r} "
            f"({n_big:,} rows, 1:{n_big / n_small:.1f})"
        )
        if status != Status.PASS:
            msg += f"; below {self.fail_below if status == Status.FAIL else self.warn_below:g}"
        table = Table.of(
            ("class", "rows", "share", "per row of the largest class"),
            [(_class_label(k), int(v), round(v / total, 4), round(v / n_big, 4)) for k, v in counts.items()],
            title=f"Classes of {target}",
        )
        chart = Chart.of(
            "bars",
            [_class_label(k) for k in counts.index[:30]],
            (counts.to_numpy()[:30] / total),
            title=f"Share of rows per class of {target}",
            unit="share",
        )
        return Outcome.make(
            status,
            msg,
            observed={"ratio": round(ratio, 4), "rarest": _class_label(small), "rows": n_small},
            expected=f"rarest/largest >= {self.warn_below:g} (fail below {self.fail_below:g})",
            columns=[target],
            evidence=table,
            chart=chart,
        )

    def _skew(self, data: Dataset, target: str) -> Outcome:
        values = data.stats.numeric(target)
        values = values.dropna() if values is not None else pd.Series(dtype="float64")
        if len(values) < 3 or float(values.std()) == 0.0:
            return Outcome.skip(
                f"target {target!r} has too few distinct values to measure skew", columns=[target]
            )
        skew = float(values.skew())
        status = grade(abs(skew), warn=self.skew_warn_above, fail=self.skew_fail_above, higher_is_worse=True)
        q = values.quantile([0.01, 0.5, 0.99])
        side = "right (a long tail of large values)" if skew > 0 else "left (a long tail of small values)"
        msg = f"continuous target {target!r} has skewness {skew:.2f}"
        if status != Status.PASS:
            msg += f", skewed to the {side}; |skewness| above {self.skew_warn_above:g}"
        table = Table.of(
            ("measure", "value"),
            [
                ("skewness", round(skew, 4)),
                ("p01", float(q.iloc[0])),
                ("median", float(q.iloc[1])),
                ("p99", float(q.iloc[2])),
                ("mean", float(values.mean())),
                ("rows with a value", len(values)),
            ],
            title=f"Distribution of {target}",
        )
        return Outcome.make(
            status,
            msg,
            observed={"skewness": round(skew, 4)},
            expected=f"|skewness| <= {self.skew_warn_above:g}",
            columns=[target],
            evidence=table,
        )


@dataclass(frozen=True)
class GroupRepresentation(Check):
    """Every group of every sensitive attribute is represented: its count and share, and the smallest group.

    Without reference shares, a group is under-represented when its share of rows is small in absolute terms
    (below `warn_below`, default 5%; `fail_below`, 2%) *and* below half of an equal split across the
    attribute's groups (`parity_factor` × 1/groups), so attributes with many naturally small groups
    (countries, postcodes) are not flagged wholesale: small absolute counts are `size.group_counts`'s
    question. With reference shares (e.g. census population shares) for an attribute, each listed group is
    compared with its reference instead: representation ratio (share ÷ reference) and difference (share −
    reference); warn when the ratio is below 0.8, fail below 0.5 (the group appears at less than half its
    expected rate). Set them with `checks: {bias.group_representation: {reference_shares: {ethnicity:
    {White: 0.8, Black: 0.04, ...}}}}`; group names match case-insensitively, numeric attributes use the
    report's band names (e.g. `18–24`). Missing values are shown as a group but not graded.

    Why it matters: a model is fitted to the rows it sees. A group that makes up 1% of the training data
    contributes 1% of the loss, so its patterns are learned poorly and its errors barely move the overall
    metrics; a sample that under-represents a population group relative to the people the model will serve
    builds that gap into every decision.

    How to fix: collect or oversample data for the under-represented groups (stratified sampling), check how
    the data was collected (channels, regions, time windows that exclude people), and report metrics per
    group; reweighting helps the loss, but not the information missing about the group.
    """

    id: ClassVar[str] = "bias.group_representation"
    title: ClassVar[str] = "Group representation"
    area: ClassVar[Area] = Area.BIAS
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    warn_below: float = 0.05
    fail_below: float = 0.02
    parity_factor: float = 0.5
    reference_shares: dict[str, dict[str, float]] | None = None
    ratio_warn_below: float = 0.8
    ratio_fail_below: float = 0.5

    def __post_init__(self) -> None:
        super().__post_init__()
        for attr, shares in (self.reference_shares or {}).items():
            for group, share in shares.items():
                if not 0 < share <= 1:
                    raise ValueError(
                        f"reference_shares.{attr}.{group}: a share must be in (0, 1], got {share}"
                    )
            if sum(shares.values()) > 1.0001:
                raise ValueError(
                    f"reference_shares.{attr}: shares add up to {sum(shares.values()):.4g}, more than 1"
                )

    def run(self, data: Dataset) -> Outcome:
        refs = {str(k): v for k, v in (self.reference_shares or {}).items()}
        findings: list[tuple[Status, str, str]] = []
        rows, ref_rows, charts, notes = [], [], [], []
        smallest: tuple[str, str, int, float] | None = None
        for col in data.roles.sensitive:
            g = _groups(data, col)
            total = int(g.counts.sum())
            real = g.real
            n_real = int(real.sum())
            shares = g.counts / max(total, 1)
            for lab, n, s in zip(g.labels, g.counts, shares):
                rows.append((col, lab, int(n), round(float(s), 4)))
            if n_real:
                i = int(np.argmin(np.where(real, g.counts, np.iinfo(np.int64).max)))
                if smallest is None or shares[i] < smallest[3]:
                    smallest = (col, g.labels[i], int(g.counts[i]), float(shares[i]))
            charts.append(
                Chart.of(
                    "bars", g.labels[:40], shares[:40], title=f"Share of rows per {col} group", unit="share"
                )
            )
            if n_real < 2:
                continue
            if col in refs:  # a reference describes people: compare among rows where the attribute is known
                known = g.counts / max(int(g.counts[real].sum()), 1)
                findings += self._against_reference(col, g, known, refs[col], ref_rows)
                continue
            parity = 1.0 / n_real
            bar = self.parity_factor * parity
            for lab, n, s, is_real in zip(g.labels, g.counts, shares, real):
                if not is_real or s >= bar:
                    continue
                status = grade(s, warn=self.warn_below, fail=self.fail_below, higher_is_worse=False)
                if status != Status.PASS:
                    findings.append(
                        (
                            status,
                            f"{col}={lab!r} is {_share(s)} of rows ({count(int(n), 'row')}; an equal split "
                            f"would be {parity:.0%})",
                            col,
                        )
                    )
        notes += [
            f"reference shares given for {a!r}, which is not a sensitive column"
            for a in refs
            if a not in data.roles.sensitive
        ]
        findings.sort(key=lambda f: -_ORDER[f[0]])
        flagged = [f for f in findings if f[0] != Status.PASS]
        status = flagged[0][0] if flagged else Status.PASS
        if flagged:
            msg = "; ".join(f[1] for f in flagged[:3])
            if len(flagged) > 3:
                msg += f"; and {len(flagged) - 3} more"
            msg += (
                f" (warn below {self.warn_below:.0%} of rows and {self.parity_factor:g}× an equal split"
                + (f"; or below {self.ratio_warn_below:g}× the reference share)" if refs else ")")
            )
        elif smallest is not None:
            msg = (
                f"every group is represented; smallest {smallest[0]}={smallest[1]!r} with "
                f"{count(smallest[2], 'row')} ({_share(smallest[3])})"
            )
        else:
            msg = "no sensitive attribute has a non-missing group"
        if notes:
            msg += "; " + "; ".join(notes)
        tables = [Table.of(("attribute", "group", "rows", "share"), rows, title="Rows and share per group")]
        if ref_rows:
            tables.append(
                Table.of(
                    ("attribute", "group", "share", "share (reference)", "ratio", "share difference"),
                    ref_rows,
                    title="Share of rows with a known value against the reference share",
                )
            )
        return Outcome.make(
            status,
            msg,
            observed={
                "smallest_group": None if smallest is None else f"{smallest[0]}={smallest[1]}",
                "smallest_share": None if smallest is None else round(smallest[3], 4),
            },
            expected=(
                f"every group >= {self.warn_below:.0%} of rows or >= {self.parity_factor:g}× an equal split"
            ),
            columns=sorted({f[2] for f in flagged}) or data.roles.sensitive,
            evidence=tables,
            chart=charts,
        )

    def _against_reference(self, col, g: _Groups, shares, ref: dict[str, float], out_rows) -> list:
        found = []
        by_key = {lab.strip().casefold().replace("-", "–"): i for i, lab in enumerate(g.labels)}
        for group, expected in ref.items():
            i = by_key.get(str(group).strip().casefold().replace("-", "–"))
            share = float(shares[i]) if i is not None else 0.0
            n = int(g.counts[i]) if i is not None else 0
            ratio = share / expected
            out_rows.append(
                (col, str(group), round(share, 4), expected, round(ratio, 4), round(share - expected, 4))
            )
            status = grade(
                ratio, warn=self.ratio_warn_below, fail=self.ratio_fail_below, higher_is_worse=False
            )
            if status != Status.PASS:
                found.append(
                    (
                        status,
                        f"{col}={group!r} is {_share(share)} of rows ({count(n, 'row')}) against a reference "
                        f"of {expected:.1%}: ratio {ratio:.2f}, difference {share - expected:+.1%}",
                        col,
                    )
                )
        return found


@dataclass(frozen=True)
class LabelRateDisparity(Check):
    """The rate of each label is similar across the groups of every sensitive attribute.

    Per sensitive attribute: the positive-label rate per group (fairlearn `MetricFrame` with the labels
    passed as predictions: `selection_rate` and `count`), the demographic parity difference (highest rate −
    lowest) and ratio (lowest ÷ highest), with 95% bootstrap intervals per group and for both measures.
    Multiclass targets are compared one-vs-rest per class (the worst class is reported). A continuous target
    is compared on its mean per group: the standardised difference (gap between the highest and lowest
    group means ÷ the target's standard deviation, Cohen's d), with normal-approximation intervals.

    Grading uses the conservative end of the intervals, so a small group's rate is not over-read and large
    data do not flag trivial gaps: for each pair of groups, the smallest difference and the largest ratio the
    data are consistent with (the larger of the bootstrap and the binomial standard error; the ratio on the
    log scale), with a confidence widened for the number of group pairs that could have been picked
    (Bonferroni). The pair graded worst is reported, with the demographic parity difference and ratio across
    all groups. Groups with fewer than `min_group_rows` rows and the `(missing)` group are shown but not
    graded. Defaults: warn when the difference is above 0.1
    (10 points) or the ratio below 0.8; fail above 0.2 or below 0.6. Standardised difference: warn above 0.2,
    fail above 0.5 (Cohen's small and medium effects).

    The ratio threshold of 0.8 is the "four-fifths rule" from US employment-selection guidance. It is a
    heuristic, not a test: it ignores sample size (hence the intervals), it is harsh at low base rates
    (2% vs 3% is a ratio of 0.67 but a 1-point gap) and lenient at high ones (72% vs 90% passes), and equal
    label rates are not the same as fairness when the groups genuinely differ in the outcome. That is why the
    difference is graded too, and why a finding is a reason to investigate, not a verdict.

    Why it matters: a model learns the label rates it is shown. If historic decisions approved one group far
    less often, a model trained on them reproduces (and automates) that gap, whether the gap came from
    genuine differences or from biased past decisions, labelling or sampling.

    How to fix: find out where the gap comes from (the decision process, how labels were assigned, how the
    sample was drawn); fix biased labels at the source; consider reweighing or fairness-constrained training
    (e.g. fairlearn's reductions) and audit the trained model's error rates per group.
    """

    id: ClassVar[str] = "bias.label_rate_disparity"
    title: ClassVar[str] = "Label rates across groups"
    area: ClassVar[Area] = Area.BIAS
    requires: ClassVar[tuple[str, ...]] = ("target", "sensitive")

    difference_warn_above: float = 0.1
    difference_fail_above: float = 0.2
    ratio_warn_below: float = 0.8
    ratio_fail_below: float = 0.6
    std_diff_warn_above: float = 0.2
    std_diff_fail_above: float = 0.5
    min_group_rows: int = 30
    positive_label: str | None = None
    n_boot: int = 2000
    seed: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_n_boot(self.n_boot)

    def run(self, data: Dataset) -> Outcome:
        if data.target_kind == "continuous":
            return self._continuous(data)
        target = data.roles.target
        t = _target(data)
        if len(t.classes) < 2:
            return Outcome.skip(
                f"target {target!r} has fewer than 2 classes: no rate to compare", columns=[target]
            )
        eval_classes, how = _eval_classes(t, self.positive_label)
        labelled = t.codes >= 0
        findings, rows, charts, per_attr = [], [], [], {}
        for col in data.roles.sensitive:
            g = _groups(data, col)
            k, m = len(g.labels), len(t.classes)
            cells = np.bincount(g.codes[labelled] * m + t.codes[labelled], minlength=k * m).reshape(k, m)
            n = cells.sum(axis=1)
            graded = _largest(g.real & (n >= self.min_group_rows), n)
            idx = np.flatnonzero(graded)
            total = max(int(n.sum()), 1)
            for i in np.flatnonzero(~graded):
                if n[i] == 0:
                    continue
                why = (
                    "(missing): not graded"
                    if not g.real[i]
                    else f"fewer than {self.min_group_rows} rows: not graded"
                    if n[i] < self.min_group_rows
                    else f"not among the {MAX_GRADED_GROUPS:,} largest groups: not graded"
                )
                for c in eval_classes:
                    rows.append(
                        (
                            col,
                            g.labels[i],
                            t.classes[c],
                            int(n[i]),
                            round(n[i] / total, 4),
                            round(cells[i, c] / n[i], 4),
                            None,
                            None,
                            why,
                        )
                    )
            if len(idx) < 2:
                findings.append(
                    (Status.PASS, f"{col}: fewer than 2 groups with >= {self.min_group_rows} rows", col, None)
                )
                continue
            rt = _rate_table(
                cells[idx],
                [g.labels[i] for i in idx],
                t.classes,
                eval_classes,
                self.n_boot,
                self.seed,
                judge=functools.partial(_grade_disparity, check=self),
            )
            for gi, lab in enumerate(rt.labels):
                for j, c in enumerate(eval_classes):
                    rows.append(
                        (
                            col,
                            lab,
                            t.classes[c],
                            int(rt.n[gi]),
                            round(rt.n[gi] / total, 4),
                            round(rt.rates[gi, j], 4),
                            round(rt.lo[gi, j], 4),
                            round(rt.hi[gi, j], 4),
                            "",
                        )
                    )
            graded_d = [(d.status, d) for d in rt.disparities]
            status, worst = max(graded_d, key=lambda x: (_ORDER[x[0]], x[1].diff_bound))
            j = worst.j
            per_attr[col] = {
                "class": worst.cls,
                "difference": round(worst.dp_difference, 4),  # demographic parity, all graded groups
                "ratio": round(worst.dp_ratio, 4),
                "pair": [rt.labels[worst.low], rt.labels[worst.high]],
                "pair_difference": round(worst.difference, 4),
                "pair_difference_ci": [round(x, 4) for x in worst.diff_ci],
                "difference_at_least": round(worst.diff_bound, 4),
                "pair_ratio": round(worst.ratio, 4),
                "pair_ratio_ci": [round(x, 4) for x in worst.ratio_ci],
                "ratio_at_most": round(worst.ratio_bound, 4),
            }
            findings.append((status, self._describe(col, target, rt, worst), col, worst))
            errors = np.maximum(rt.rates[:, j] - rt.lo[:, j], rt.hi[:, j] - rt.rates[:, j])
            charts.append(
                Chart.of(
                    "bars",
                    [
                        f"overall · {col}",
                        *(f"{lab} ({rt.n[i] / total:.1%} of rows)" for i, lab in enumerate(rt.labels)),
                    ],
                    [rt.overall[j], *rt.rates[:, j]],
                    errors=[rt.overall_err[j], *np.nan_to_num(errors)],
                    unit="share",
                    title=f"{target}={worst.cls} rate per {col} group (its share of rows), 95% interval",
                )
            )
        findings.sort(key=lambda f: -_ORDER[f[0]])
        flagged = [f for f in findings if f[0] != Status.PASS]
        status = findings[0][0] if findings else Status.PASS
        if flagged:
            msg = "; ".join(f[1] for f in flagged[:3])
            if len(flagged) > 3:
                msg += f"; and {len(flagged) - 3} more"
        else:
            parts = [
                f"{f[2]} {target}={f[3].cls} difference {f[3].dp_difference:.2f} (at least "
                f"{f[3].diff_bound:.2f}), ratio {f[3].dp_ratio:.2f} (at most {f[3].ratio_bound:.2f})"
                if f[3] is not None
                else f[1]
                for f in findings
            ]
            msg = (
                "label rates are similar across groups: " + "; ".join(parts)
                if parts
                else "nothing to compare"
            )
            msg += (
                f" (warn above a difference of {self.difference_warn_above:g} or below a ratio of "
                f"{self.ratio_warn_below:g}, at the conservative end of the 95% intervals)"
            )
        if how:
            msg += f" (classes: {how})"
        table = Table.of(
            (
                "attribute",
                "group",
                "class",
                "rows",
                "share",
                "rate",
                "rate low (95%)",
                "rate high (95%)",
                "note",
            ),
            rows,
            title=f"Rate of each {target} class per group (labels as predictions, fairlearn MetricFrame)",
        )
        return Outcome.make(
            status,
            msg,
            observed=per_attr,
            expected=(
                f"difference <= {self.difference_warn_above:g} and ratio >= {self.ratio_warn_below:g} "
                f"(fail above {self.difference_fail_above:g} / below {self.ratio_fail_below:g})"
            ),
            columns=sorted({f[2] for f in flagged}) or [target, *data.roles.sensitive],
            evidence=table,
            chart=charts,
        )

    @staticmethod
    def _describe(col: str, target: str, rt: _RateTable, d: _Disparity) -> str:
        hi, lo = d.high, d.low
        return (
            f"{col}: {target}={d.cls} rate {_pct(rt.rates[lo, d.j])} for {rt.labels[lo]!r} "
            f"({count(int(rt.n[lo]), 'row')}) vs {_pct(rt.rates[hi, d.j])} for {rt.labels[hi]!r}: "
            f"difference {d.difference:.2f} (95% CI {d.diff_ci[0]:.2f}–{d.diff_ci[1]:.2f}, at least "
            f"{d.diff_bound:.2f}), ratio {d.ratio:.2f} (95% CI {d.ratio_ci[0]:.2f}–{d.ratio_ci[1]:.2f}, "
            f"at most {d.ratio_bound:.2f})"
            + (
                f"; across all {col} groups: difference {d.dp_difference:.2f}, ratio {d.dp_ratio:.2f}"
                if abs(d.dp_difference - d.difference) > 1e-9
                else ""
            )
        )

    def _continuous(self, data: Dataset) -> Outcome:
        target = data.roles.target
        y = data.stats.numeric(target)
        if y is None:
            return Outcome.skip(f"target {target!r} is not numeric", columns=[target])
        yv = y.to_numpy(dtype="float64", na_value=np.nan)
        ok = np.isfinite(yv)
        sd = float(np.std(yv[ok], ddof=1)) if ok.sum() > 1 else 0.0
        if sd == 0.0:
            return Outcome.skip(f"target {target!r} is constant: no mean to compare", columns=[target])
        findings, rows, charts, per_attr = [], [], [], {}
        for col in data.roles.sensitive:
            g = _groups(data, col)
            k = len(g.labels)
            codes = g.codes[ok]
            n = np.bincount(codes, minlength=k).astype("float64")
            s1 = np.bincount(codes, weights=yv[ok], minlength=k)
            s2 = np.bincount(codes, weights=yv[ok] ** 2, minlength=k)
            with np.errstate(all="ignore"):
                mean = s1 / n
                var = np.maximum(s2 / n - mean**2, 0) * n / np.maximum(n - 1, 1)
                se = np.sqrt(var / n)
            graded = _largest(g.real & (n >= self.min_group_rows), n)
            idx = np.flatnonzero(graded)
            z95 = _z((1 - CONFIDENCE) / 2)
            total = max(int(n.sum()), 1)
            for i in range(k):
                if n[i] == 0:
                    continue
                note = (
                    ""
                    if graded[i]
                    else (
                        "(missing): not graded"
                        if not g.real[i]
                        else f"fewer than {self.min_group_rows} rows: not graded"
                    )
                )
                rows.append(
                    (
                        col,
                        g.labels[i],
                        int(n[i]),
                        round(n[i] / total, 4),
                        float(mean[i]),
                        float(mean[i] - z95 * se[i]),
                        float(mean[i] + z95 * se[i]),
                        round((mean[i] - float(np.mean(yv[ok]))) / sd, 4),
                        note,
                    )
                )
            if len(idx) < 2:
                findings.append(
                    (Status.PASS, f"{col}: fewer than 2 groups with >= {self.min_group_rows} rows", col)
                )
                continue
            a = idx[int(np.argmax(mean[idx]))]
            b = idx[int(np.argmin(mean[idx]))]
            pairs = len(idx) * (len(idx) - 1) // 2
            gap = float(mean[a] - mean[b])
            se_gap = float(math.sqrt(se[a] ** 2 + se[b] ** 2))
            d = gap / sd
            bound = max(0.0, (gap - _z((1 - CONFIDENCE) / 2 / pairs) * se_gap) / sd)
            status = grade(
                bound, warn=self.std_diff_warn_above, fail=self.std_diff_fail_above, higher_is_worse=True
            )
            per_attr[col] = {"std_difference": round(d, 4), "at_least": round(bound, 4)}
            findings.append(
                (
                    status,
                    f"{col}: mean {target} {float(mean[b]):,.4g} for {g.labels[b]!r} "
                    f"({count(int(n[b]), 'row')}) vs {float(mean[a]):,.4g} for {g.labels[a]!r}: "
                    f"standardised difference {d:.2f} (at least {bound:.2f})",
                    col,
                )
            )
            if (mean[idx] >= 0).all():  # bars start at zero: a negative mean has no bar to draw
                charts.append(
                    Chart.of(
                        "bars",
                        [f"{g.labels[i]} ({n[i] / total:.1%} of rows)" for i in idx],
                        mean[idx],
                        errors=z95 * se[idx],
                        title=f"mean {target} per {col} group (share of rows), with 95% intervals",
                    )
                )
        findings.sort(key=lambda f: -_ORDER[f[0]])
        flagged = [f for f in findings if f[0] != Status.PASS]
        status = findings[0][0] if findings else Status.PASS
        msg = "; ".join(f[1] for f in (flagged or findings)[:3])
        if not flagged:
            msg = "no disparity beyond the thresholds: " + msg
        table = Table.of(
            (
                "attribute",
                "group",
                "rows",
                "share",
                "mean",
                "95% low",
                "95% high",
                "standardised vs overall",
                "note",
            ),
            rows,
            title=f"Mean {target} per group",
        )
        return Outcome.make(
            status,
            msg,
            observed=per_attr,
            expected=(
                f"standardised difference <= {self.std_diff_warn_above:g} "
                f"(fail above {self.std_diff_fail_above:g})"
            ),
            columns=sorted({f[2] for f in flagged}) or [target, *data.roles.sensitive],
            evidence=table,
            chart=charts,
        )


@dataclass(frozen=True)
class IntersectionalGroups(Check):
    """Intersections of sensitive attributes (e.g. gender × ethnicity) have enough rows, and similar label
    rates.

    Every combination of `order` sensitive attributes (default 2: every pair) is crossed; each cell is a
    combination of real groups (missing values are left out). A combination with no rows at all counts as a
    cell of 0. Graded: the smallest cell (warn below 30 rows, fail below 10, as for `size.group_counts`'s
    group × class cells), and, with a classification target, the spread of the positive-label rate across
    the cells that have at least `min_cell_rows` rows: the most certain gap between two cells, graded at the
    conservative end of its interval (allowing for the number of cell pairs), as in
    `bias.label_rate_disparity`. Defaults: warn above a gap of 0.1, fail above 0.2.

    Why it matters: harms concentrate where groups intersect. Each attribute can look fine on its own while
    one combination (say, older women of one ethnicity) is nearly absent from the data or labelled very
    differently; a model then knows little about exactly those people, and per-attribute metrics hide it.

    How to fix: collect data for the thin intersections (stratify sampling on the combination), merge
    categories only where that is meaningful, and evaluate models on the intersections as well as on each
    attribute; for a large gap, investigate the labelling process for that combination.
    """

    id: ClassVar[str] = "bias.intersectional_groups"
    title: ClassVar[str] = "Intersections of groups"
    area: ClassVar[Area] = Area.BIAS
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    order: int = 2
    cell_warn_below: int = 30
    cell_fail_below: int = 10
    min_cell_rows: int = 30
    spread_warn_above: float = 0.1
    spread_fail_above: float = 0.2
    positive_label: str | None = None
    n_boot: int = 2000
    seed: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.order < 2:
            raise ValueError(f"order must be at least 2 (attributes crossed at a time), got {self.order}")
        _check_n_boot(self.n_boot)

    def run(self, data: Dataset) -> Outcome:
        sens = list(data.roles.sensitive)
        if len(sens) < self.order:
            return Outcome.skip(
                f"{count(len(sens), 'sensitive attribute')} set; intersections need at least {self.order}"
            )
        t = _target(data) if data.target_kind in ("binary", "multiclass") else None
        eval_classes, how = (
            _eval_classes(t, self.positive_label) if t is not None and len(t.classes) >= 2 else ([], "")
        )
        findings, cell_rows, rate_rows, observed, notes = [], [], [], {}, []
        for combo in itertools.combinations(sens, self.order):
            gs = [_groups(data, c) for c in combo]
            name = " × ".join(combo)
            real_labels = [[lab for lab in g.labels if lab != MISSING_GROUP] for g in gs]
            # combined code over real groups; rows with a missing part drop out
            keep = np.ones(data.n_rows, dtype=bool)
            code = np.zeros(data.n_rows, dtype=np.int64)
            for g in gs:
                remap = np.full(len(g.labels), -1, dtype=np.int64)
                remap[g.real] = np.arange(int(g.real.sum()))
                part = remap[g.codes]
                keep &= part >= 0
                code = code * max(int(g.real.sum()), 1) + np.maximum(part, 0)
            n_combos = math.prod(len(r) for r in real_labels)
            if n_combos > MAX_INTERSECTION_CELLS:
                notes.append(
                    f"{name} not crossed: {n_combos:,} combinations (at most {MAX_INTERSECTION_CELLS:,})"
                )
                continue
            labels = [" × ".join(p) for p in itertools.product(*real_labels)]
            if len(labels) < 2:
                continue
            n_cells = np.bincount(code[keep], minlength=len(labels))
            order = np.argsort(n_cells, kind="stable")
            small = int(n_cells[order[0]])
            below = int((n_cells < self.cell_warn_below).sum())
            status = grade(small, warn=self.cell_warn_below, fail=self.cell_fail_below, higher_is_worse=False)
            cell_rows += [(name, labels[i], int(n_cells[i])) for i in order[:10]]
            obs = {"cells": len(labels), "smallest": small, "below_warn": below}
            if status != Status.PASS:
                findings.append(
                    (
                        status,
                        f"{name}: {below} of {len(labels)} cells below {self.cell_warn_below} rows "
                        f"(smallest {labels[order[0]]!r} with {count(small, 'row')})",
                        name,
                    )
                )
            if eval_classes:
                m = len(t.classes)
                ok = keep & (t.codes >= 0)
                cells = np.bincount(code[ok] * m + t.codes[ok], minlength=len(labels) * m).reshape(
                    len(labels), m
                )
                size = cells.sum(axis=1)
                idx = np.flatnonzero(_largest(size >= self.min_cell_rows, size))
                if len(idx) >= 2:
                    rt = _rate_table(
                        cells[idx],
                        [labels[i] for i in idx],
                        t.classes,
                        eval_classes,
                        self.n_boot,
                        self.seed,
                        judge=functools.partial(_grade_spread, check=self),
                        use_fairlearn=False,
                    )
                    graded_d = [(d.status, d) for d in rt.disparities]
                    s2, d = max(graded_d, key=lambda x: (_ORDER[x[0]], x[1].diff_bound))
                    obs.update(
                        spread=round(d.difference, 4), spread_at_least=round(d.diff_bound, 4), cls=d.cls
                    )
                    rate_rows += [
                        (
                            name,
                            rt.labels[i],
                            d.cls,
                            int(rt.n[i]),
                            round(rt.rates[i, d.j], 4),
                            round(rt.lo[i, d.j], 4),
                            round(rt.hi[i, d.j], 4),
                        )
                        for i in np.argsort(rt.rates[:, d.j], kind="stable")
                    ]
                    text = (
                        f"{name}: {data.roles.target}={d.cls} rate {_pct(rt.rates[d.low, d.j])} for "
                        f"{rt.labels[d.low]!r} ({count(int(rt.n[d.low]), 'row')}) vs "
                        f"{_pct(rt.rates[d.high, d.j])} for {rt.labels[d.high]!r} "
                        f"({count(int(rt.n[d.high]), 'row')}): gap {d.difference:.2f} (at least "
                        f"{d.diff_bound:.2f}; across all {count(len(idx), 'cell')}: {d.dp_difference:.2f})"
                    )
                    findings.append((s2, text, name))
            observed[name] = obs
        if not observed:
            return Outcome.skip(
                "; ".join(notes) or "no intersection has at least 2 cells of non-missing groups"
            )
        findings.sort(key=lambda f: -_ORDER[f[0]])
        flagged = [f for f in findings if f[0] != Status.PASS]
        status = flagged[0][0] if flagged else Status.PASS
        if flagged:
            msg = "; ".join(f[1] for f in flagged[:3])
            if len(flagged) > 3:
                msg += f"; and {len(flagged) - 3} more"
        else:
            smallest = min(observed.items(), key=lambda kv: kv[1]["smallest"])
            msg = (
                f"{count(len(observed), 'intersection')} checked; every cell has >= "
                f"{self.cell_warn_below} rows "
                f"(smallest in {smallest[0]}: {smallest[1]['smallest']:,})"
            )
            spreads = [(k, v["spread"]) for k, v in observed.items() if "spread" in v]
            if spreads:
                k, v = max(spreads, key=lambda kv: kv[1])
                msg += f"; largest label-rate gap {v:.2f} ({k})"
        if how:
            msg += f" (classes: {how})"
        if notes:
            msg += "; " + "; ".join(notes)
        tables = [
            Table.of(("intersection", "cell", "rows"), cell_rows, title="Smallest cells per intersection")
        ]
        if rate_rows:
            tables.append(
                Table.of(
                    ("intersection", "cell", "class", "rows", "rate", "rate low (95%)", "rate high (95%)"),
                    rate_rows,
                    title="Label rate per cell (cells with enough rows)",
                )
            )
        involved = sorted({c for f in flagged for c in f[2].split(" × ")})
        return Outcome.make(
            status,
            msg,
            observed=observed,
            expected=(
                f"every cell >= {self.cell_warn_below} rows (fail below {self.cell_fail_below}); "
                f"rate gap <= {self.spread_warn_above:g} (fail above {self.spread_fail_above:g})"
            ),
            columns=involved or sens,
            evidence=tables,
        )


def _grade_spread(diff_bound: float, ratio_bound: float, check: IntersectionalGroups) -> Status:
    return grade(diff_bound, warn=check.spread_warn_above, fail=check.spread_fail_above, higher_is_worse=True)


def _cramers_v(a: np.ndarray, ka: int, b: np.ndarray, kb: int) -> float:
    """Bias-corrected Cramér's V (Bergsma 2013) of two code arrays (no missing codes)."""
    n = len(a)
    if n < 2 or ka < 2 or kb < 2:
        return 0.0
    table = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb).astype("float64")
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    r, k = table.shape
    if r < 2 or k < 2:
        return 0.0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    rc, kc = r - (r - 1) ** 2 / (n - 1), k - (k - 1) ** 2 / (n - 1)
    denom = min(kc - 1, rc - 1)
    return float(math.sqrt(phi2 / denom)) if denom > 0 else 0.0


def _correlation_ratio(x: np.ndarray, g: np.ndarray, k: int) -> float:
    """Correlation ratio η of a numeric array and group codes, adjusted for the number of groups
    (epsilon-squared), so many small groups do not show an association by chance."""
    ok = np.isfinite(x)
    x, g = x[ok], g[ok]
    n = len(x)
    if n <= k or k < 2:
        return 0.0
    x = x - x.mean()
    sst = float((x**2).sum())
    if sst == 0:
        return 0.0
    cnt = np.bincount(g, minlength=k)
    s = np.bincount(g, weights=x, minlength=k)
    with np.errstate(all="ignore"):
        ssb = float(np.nansum(np.where(cnt > 0, s**2 / cnt, 0.0)))
    groups = int((cnt > 0).sum())
    if groups < 2:
        return 0.0
    ssw = sst - ssb
    eps2 = 1 - (ssw / (n - groups)) / (sst / (n - 1))
    return float(math.sqrt(max(0.0, min(1.0, eps2))))


@dataclass(frozen=True)
class ProxyFeatures(Check):
    """No feature is a stand-in (proxy) for a sensitive attribute.

    Every feature (not the sensitive columns, the target, the id or the timestamps) is compared with every
    sensitive attribute: Cramér's V (bias-corrected) for a categorical feature, the correlation ratio η
    (adjusted for the number of groups) for a numeric or datetime one, both on a 0–1 scale where 0 is no
    association and 1 means the feature determines the group. Missing values count as a level of a
    categorical feature (missingness can itself reveal a group). Free text is left out; a high-cardinality
    categorical is compared on its 50 most frequent values with the rest pooled. Runs on a seeded sample.
    Defaults: warn above 0.5 (a strong association: the usual reading of V or η above 0.5), fail above 0.8
    (the feature nearly encodes the attribute).

    Why it matters: dropping a sensitive column does not stop a model from using it when another feature
    carries the same information: postcode for ethnicity, job title for gender, "retired" for age. A model
    can then discriminate while looking blind; fairness constraints and audits must include the proxies.

    How to fix: review each strong proxy with domain experts: is it needed for the task, or mostly a route to
    the attribute? Drop or coarsen it, decorrelate it, or keep the sensitive attribute available for
    fairness evaluation and mitigation so the proxy's effect can be measured.
    """

    id: ClassVar[str] = "bias.proxy_features"
    title: ClassVar[str] = "Proxies for sensitive attributes"
    area: ClassVar[Area] = Area.BIAS
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    warn_above: float = 0.5
    fail_above: float = 0.8
    top: int = 5

    def run(self, data: Dataset) -> Outcome:
        sens = list(data.roles.sensitive)
        skip = set(sens) | {data.roles.target}
        pos = _sample_positions(data.n_rows, data.sample_rows)
        n = data.n_rows if pos is None else len(pos)
        results, skipped = [], []
        feats = []
        for col in data.features:
            if col in skip:
                continue
            st = data.stats[col]
            if st.distinct <= 1:
                continue
            f = self._encode(data, col, pos)
            if f is None:
                skipped.append(col)
                continue
            feats.append((col, *f))
        for s in sens:
            g = _groups(data, s)
            codes = g.codes if pos is None else g.codes[pos]
            k = len(g.labels)
            for col, kind, values, levels in feats:
                if kind == "numeric":
                    strength, measure = _correlation_ratio(values, codes, k), "correlation ratio η"
                else:
                    strength, measure = _cramers_v(values, levels, codes, k), "Cramér's V"
                results.append((s, col, measure, strength))
        if not results:
            return Outcome.ok("no feature to compare with the sensitive attributes", columns=sens)
        results.sort(key=lambda r: -r[3])
        flagged = []
        for s, col, measure, v in results:
            st = grade(v, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
            if st != Status.PASS:
                flagged.append((st, s, col, measure, v))
        status = max((f[0] for f in flagged), key=_ORDER.__getitem__, default=Status.PASS)
        note = data.sample_note() if pos is not None else ""
        if flagged:
            parts = [f"{c} for {s} ({m} {v:.2f})" for _, s, c, m, v in flagged[: self.top]]
            msg = f"{count(len(flagged), 'strong proxy', 'strong proxies')}: " + ", ".join(parts)
            if len(flagged) > self.top:
                msg += f"; and {len(flagged) - self.top} more"
            msg += f" (warn above {self.warn_above:g}, fail above {self.fail_above:g}){note}"
        else:
            s, c, m, v = results[0]
            msg = (
                f"no feature strongly associated with a sensitive attribute; strongest {c} for {s} "
                f"({m} {v:.2f}, warn above {self.warn_above:g}){note}"
            )
        top_rows = []
        for s in sens:
            top_rows += [(s, c, m, round(v, 4)) for s2, c, m, v in results if s2 == s][: self.top]
        tables = [
            Table.of(
                ("sensitive attribute", "feature", "measure", "strength"),
                top_rows,
                title=f"Top {self.top} proxies per sensitive attribute (rows: {n:,})",
            )
        ]
        if skipped:
            tables.append(
                Table.of(
                    ("feature", "why not compared"),
                    [(c, "free text") for c in skipped],
                    title="Features not compared",
                )
            )
        return Outcome.make(
            status,
            msg,
            observed=[
                {"sensitive": s, "feature": c, "strength": round(v, 4)} for _, s, c, _m, v in flagged[:10]
            ]
            or {
                "strongest": {
                    "sensitive": results[0][0],
                    "feature": results[0][1],
                    "strength": round(results[0][3], 4),
                }
            },
            expected=f"association <= {self.warn_above:g} (fail above {self.fail_above:g})",
            columns=sorted({f[2] for f in flagged} | {f[1] for f in flagged}) or sens,
            evidence=tables,
        )

    @staticmethod
    def _encode(data: Dataset, col: str, pos: np.ndarray | None):
        """("numeric", floats, 0) or ("categorical", codes, levels), or None for free text."""
        st = data.stats[col]
        if st.kind == "empty":
            return None
        if st.kind == "numeric":
            num = data.stats.numeric(col)
            arr = num.to_numpy(dtype="float64", na_value=np.nan)
            return "numeric", arr if pos is None else arr[pos], 0
        if st.kind == "datetime":
            dts = data.stats.datetimes(col)
            if dts is None:  # a datetime dtype the parser did not convert: compare as categories
                pass
            else:
                arr = dts.to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64")
                arr[np.isnat(dts.to_numpy(dtype="datetime64[ns]"))] = np.nan
                return "numeric", arr if pos is None else arr[pos], 0
        if st.kind == "text" and (st.mean_length or 0) > MAX_PROXY_TEXT_LENGTH:
            return None
        s = data.frame[col]
        s = s if pos is None else s.iloc[pos]
        try:
            codes, uniques = pd.factorize(s, use_na_sentinel=True)
        except TypeError:  # unhashable values
            codes, uniques = pd.factorize(s.astype(str), use_na_sentinel=True)
        levels = len(uniques)
        if levels > MAX_PROXY_LEVELS:
            freq = np.bincount(codes[codes >= 0], minlength=levels)
            keep = np.argsort(-freq, kind="stable")[:MAX_PROXY_LEVELS]
            remap = np.full(levels, MAX_PROXY_LEVELS, dtype=np.int64)
            remap[keep] = np.arange(MAX_PROXY_LEVELS)
            codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
            levels = MAX_PROXY_LEVELS + 1
        codes = np.where(codes >= 0, codes, levels).astype(np.int64)  # missing is a level of its own
        return "categorical", codes, levels + 1


@dataclass(frozen=True)
class MissingnessDisparity(Check):
    """Missing values are not concentrated in some groups of a sensitive attribute.

    For every column with missing values (the target included) and every sensitive attribute: the missing
    rate per group, and the gap between two groups (groups with at least `min_group_rows` rows; the
    `(missing)` group itself is not graded). Each gap is graded at the conservative end of its interval
    (normal approximation, with a confidence widened for the number of group pairs and columns compared), and
    the most certain gap is reported, so small groups are not over-read and big data do not flag trivial
    gaps. Defaults: warn above a gap of 5 points (e.g. 2% vs 7.5%), fail above 15 points.

    Why it matters: when one group's values are missing more often, imputation fills them with other
    groups' typical values, dropping incomplete rows removes that group disproportionately, and "is
    missing" becomes a proxy for the group. A missing label for one group means the model learns less about
    it. Such patterns often trace back to a form, channel or process that serves some people worse.

    How to fix: find out why the values are missing for that group (collection channel, optional form
    field, system migration) and fix the collection; impute within groups or add missing-indicators, and
    check the effect on per-group metrics rather than dropping rows.
    """

    id: ClassVar[str] = "bias.missingness_disparity"
    title: ClassVar[str] = "Missing values across groups"
    area: ClassVar[Area] = Area.BIAS
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    warn_above: float = 0.05
    fail_above: float = 0.15
    min_group_rows: int = 30

    def run(self, data: Dataset) -> Outcome:
        sens = list(data.roles.sensitive)
        cols = [c for c in data.columns if c not in sens and data.stats[c].missing > 0]
        if not cols:
            return Outcome.ok("no column has missing values", columns=sens)
        z95 = _z((1 - CONFIDENCE) / 2)
        results, rows = [], []
        masks = {c: data.frame[c].isna().to_numpy() for c in cols}
        for s in sens:
            g = _groups(data, s)
            k = len(g.labels)
            graded = g.real & (g.counts >= self.min_group_rows)
            idx = np.flatnonzero(graded)
            if len(idx) < 2:
                continue
            n = g.counts[idx].astype("float64")
            pairs = len(idx) * (len(idx) - 1) // 2
            z = _z((1 - CONFIDENCE) / 2 / (pairs * len(cols)))
            for c in cols:
                miss = np.bincount(g.codes, weights=masks[c], minlength=k)[idx]
                rate = miss / n
                # candidates: every group against the most- and the least-missing one; keep the most certain
                top, bottom = int(np.argmax(rate)), int(np.argmin(rate))
                others = np.arange(len(idx))
                high = np.concatenate([np.full(len(idx), top), others])
                low = np.concatenate([others, np.full(len(idx), bottom)])
                high, low = high[high != low], low[high != low]
                pt = (miss + 0.5) / (n + 1)  # a standard error away from zero at rates of exactly 0 or 1
                ses = np.sqrt(pt[high] * (1 - pt[high]) / n[high] + pt[low] * (1 - pt[low]) / n[low])
                bounds = np.maximum(0.0, rate[high] - rate[low] - z * ses)
                i = int(np.lexsort((rate[high] - rate[low], bounds))[-1])
                a, b, se, bound = int(high[i]), int(low[i]), float(ses[i]), float(bounds[i])
                gap = float(rate[a] - rate[b])
                status = grade(bound, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
                ci = (gap - z95 * se, gap + z95 * se)
                results.append(
                    (
                        status,
                        s,
                        c,
                        g.labels[idx[a]],
                        float(rate[a]),
                        int(n[a]),
                        g.labels[idx[b]],
                        float(rate[b]),
                        gap,
                        bound,
                        ci,
                    )
                )
        if not results:
            return Outcome.ok(
                f"no sensitive attribute has 2 groups with >= {self.min_group_rows} rows", columns=sens
            )
        results.sort(key=lambda r: (-_ORDER[r[0]], -r[9]))
        flagged = [r for r in results if r[0] != Status.PASS]
        status = flagged[0][0] if flagged else Status.PASS

        def describe(r) -> str:
            _, s, c, ga, ra, na, gb, rb, gap, bound, _ci = r
            return (
                f"{c} is missing for {ra:.1%} of {s}={ga!r} ({count(na, 'row')}) vs {rb:.1%} of {s}={gb!r}: "
                f"gap {gap * 100:.1f} points (at least {bound * 100:.1f})"
            )

        if flagged:
            msg = "; ".join(describe(r) for r in flagged[:3])
            if len(flagged) > 3:
                msg += f"; and {len(flagged) - 3} more"
            msg += f" (warn above {self.warn_above * 100:g} points, fail above {self.fail_above * 100:g})"
        else:
            msg = (
                f"missing rates are similar across groups ({count(len(cols), 'column')} "
                "with missing values × "
                f"{count(len(sens), 'attribute')}); largest gap: " + describe(results[0])
            )
        rows = [
            (
                r[1],
                r[2],
                r[3],
                round(r[4], 4),
                r[6],
                round(r[7], 4),
                round(r[8], 4),
                round(r[10][0], 4),
                round(r[10][1], 4),
            )
            for r in results
        ]
        return Outcome.make(
            status,
            msg,
            observed=[
                {"attribute": r[1], "column": r[2], "gap": round(r[8], 4), "at_least": round(r[9], 4)}
                for r in (flagged or results[:1])
            ],
            expected=f"missing-rate gap <= {self.warn_above:g} (fail above {self.fail_above:g})",
            columns=sorted({r[2] for r in flagged} | {r[1] for r in flagged}) or sens,
            evidence=Table.of(
                (
                    "attribute",
                    "column",
                    "most missing in",
                    "rate missing",
                    "least missing in",
                    "rate missing",
                    "rate gap",
                    "rate gap low (95%)",
                    "rate gap high (95%)",
                ),
                rows,
                title="Missing rate gap between groups (largest first)",
            ),
        )


CHECKS = (
    ClassImbalance,
    GroupRepresentation,
    LabelRateDisparity,
    IntersectionalGroups,
    ProxyFeatures,
    MissingnessDisparity,
)
