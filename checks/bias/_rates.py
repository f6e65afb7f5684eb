"""Label rates per group, with fairlearn and a bootstrap of the cell counts, and the graded disparity of the
pair of groups whose gap is most certain; shared by ``bias.label_rate_disparity`` and
``bias.intersectional_groups`` (``bias.missingness_disparity`` uses the same candidate pairs and binomial
standard errors for its missing rates).

Per-group label rates, counts, and the demographic parity difference and ratio come from fairlearn's
``MetricFrame``, fed with one weighted row per group × class cell (labels passed as predictions:
``selection_rate`` and a weighted ``count``). Intervals use fairlearn's bootstrap scheme (resample every row
with replacement, recompute each group's rate, take quantiles). A resample of rows is a multinomial draw over
the group × class cells, so the same bootstrap is computed here from the cell counts.
``MetricFrame(n_boot=...)`` itself recomputes every metric over every row in Python: about 13 s for one pass
over 1M rows (measured), so 100 resamples would take over 20 minutes.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dataaudit.check_api import quick_mode
from dataaudit.checks.bias._common import _ORDER, _bonferroni_z, _interval, _pairs
from dataaudit.model import Status, grade

#: above this many groups, the per-group arithmetic is done with numpy rather than fairlearn's MetricFrame
MAX_FAIRLEARN_GROUPS = 100
#: above this many group × label cells the bootstrap draws each cell's count from a Poisson (the Poisson
#: bootstrap) rather than one multinomial over all cells, whose sequential draws are slow for many cells
MAX_MULTINOMIAL_CELLS = 256
#: resamples × cells held in memory at once by the bootstrap (8 bytes each)
MAX_BOOT_CELLS = 4_000_000


@dataclass(frozen=True)
class _Disparity:
    """One class's rate disparity across the graded groups of one attribute (or one intersection)."""

    cls: str
    j: int  # column of this class in the rate table
    high: int  # the graded pair: indexes (into the graded groups) of its higher-rate and lower-rate group
    low: int
    difference: float  # the pair's rate difference and ratio
    ratio: float
    diff_ci: tuple[float, ...]
    ratio_ci: tuple[float, ...]
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

    def worst(self) -> _Disparity:
        """The class whose disparity is graded worst (the most certain gap among equals)."""
        return max(self.disparities, key=lambda d: (_ORDER[d.status], d.diff_bound))


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
    # a --quick audit does the same arithmetic without importing fairlearn (which imports scikit-learn,
    # about 0.6 CPU-seconds: most of a pre-commit audit of a small file)
    if use_fairlearn and k <= MAX_FAIRLEARN_GROUPS and not quick_mode():
        from fairlearn.metrics import MetricFrame, selection_rate

        gi, ci = np.nonzero(cells)
        weights = cells[gi, ci].astype("float64")
        metrics: dict[str, Callable[..., float]] = {
            f"c{c}": functools.partial(selection_rate, pos_label=c) for c in eval_classes
        }
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
    # Bonferroni over every group pair (and class) that could have been picked: the bound holds for all of
    # them at once, so the pair with the largest bound can be reported without over-reading the widest gap
    z = _bonferroni_z(max(1, _pairs(k)) * len(eval_classes))
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
        lo[:, j], hi[:, j] = _interval(reps)
        o_lo, o_hi = _interval(rp.sum(axis=1) / total)
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


#: up to this many groups every pair is a candidate (the Bonferroni z already allows for all of them)
ALL_PAIRS_MAX_GROUPS = 100


def _candidate_pairs(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indexes of the higher-rate and the lower-rate group of each candidate pair: every pair of groups (up
    to ``ALL_PAIRS_MAX_GROUPS``), so two large groups far apart are found even when small groups with wide
    intervals hold the extreme rates; beyond that, every group against the highest-rate group and against
    the lowest-rate one (a group is never paired with itself)."""
    if len(r) <= ALL_PAIRS_MAX_GROUPS:
        i, j = np.triu_indices(len(r), 1)
        swap = r[i] < r[j]
        return np.where(swap, j, i), np.where(swap, i, j)
    a, b = int(np.argmax(r)), int(np.argmin(r))
    others = np.arange(len(r))
    high = np.concatenate([np.full(len(r), a), others])
    low = np.concatenate([others, np.full(len(r), b)])
    keep = high != low
    return high[keep], low[keep]


def _smoothed(pos: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Rates of ``pos`` in ``n`` rows nudged towards 1/2, which keeps a standard error away from zero at rates
    of exactly 0 or 1."""
    return (pos + 0.5) / (n + 1)


def _binomial_se(p: np.ndarray, n: np.ndarray, high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """The binomial standard error of each pair's rate difference, from the smoothed rates ``p``."""
    return np.sqrt(p[high] * (1 - p[high]) / n[high] + p[low] * (1 - p[low]) / n[low])


def _pair_disparity(cls, j, r, pos, n, reps, z, judge) -> _Disparity:
    """The pair of groups whose gap is most certain. Candidates: see ``_candidate_pairs``. Each gets a
    conservative bound (normal approximation with the larger of the bootstrap and the binomial standard
    error, and the Bonferroni ``z``): the difference on its own scale, the ratio on the log scale. The
    candidate graded worst by ``judge`` is kept."""
    high, low = _candidate_pairs(r)
    ptil = _smoothed(pos, n)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        d_rep = reps[:, high] - reps[:, low]
        se_d = np.maximum(np.nan_to_num(np.nanstd(d_rep, axis=0)), _binomial_se(ptil, n, high, low))
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
    return _Disparity(
        cls=cls,
        j=j,
        high=h,
        low=lw,
        difference=float(diff[i]),
        ratio=float(ratio[i]),
        diff_ci=tuple(float(x) for x in _interval(d_rep[:, i])),
        ratio_ci=tuple(float(x) for x in _interval(pair_ratio)),
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
