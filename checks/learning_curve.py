"""Size: is more data still worth collecting? An empirical learning curve of a fast baseline model."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from dataaudit.check_api import FITS_MODELS, Cost
from dataaudit.checks._model_matrix import (
    BASELINE_IMPORTS,
    _drop_rare_classes,
    _excluded_table,
    _features,
    _labelled,
    _target_values,
    baseline_model,
)
from dataaudit.checks._shared import role
from dataaudit.checks.consistency.leakage import leaks
from dataaudit.dataset import MAX_CLASSES, Dataset
from dataaudit.engine.scope import note_sample
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade

__all__ = ["CHECKS", "LearningCurve"]

IMPROVING = "still improving: more data likely helps"
PLATEAU = "plateau: more data unlikely to help much"
NOISY = "too noisy to say"
#: the smallest training size on the curve; smaller fits say more about the model's defaults than the data
MIN_TRAIN_ROWS = 50
#: the gain's standard error is never taken below what a fold-to-fold correlation of this much between the
#: last two sizes' scores would give: pairing removes the shared noise of the held-out rows, but three
#: paired differences cannot show that it removed nearly all of it (see ``_gain_se``)
PAIRING_CORRELATION_MAX = 0.5
METRICS = {"binary": "ROC AUC", "multiclass": "balanced accuracy", "continuous": "R²"}


@dataclass(frozen=True)
class LearningCurve(Check):
    """Would more rows still improve a model? A learning curve of a fast baseline on growing samples.

    A histogram gradient-boosting model (scikit-learn's ``HistGradientBoosting{Classifier,Regressor}``, with
    native categorical and missing-value support, so no imputation) is trained on nested, stratified, seeded
    subsamples that double in size (by default 1/16, 1/8, 1/4, 1/2 and all of the training rows) inside a
    k-fold cross-validation, and scored on the same held-out fold at every size: ROC AUC for a binary target,
    balanced accuracy for several classes, R² for a continuous one. Because every size is scored on the same
    rows, the gain over the last doubling is a paired difference, with a standard error from its spread over
    the folds. With a few folds that spread is itself very uncertain (from 3 differences it can come out near
    zero by chance), so the standard error is floored: never below the SE of the difference of the two
    sizes' mean scores if their fold scores correlated by only 0.5, i.e. the pooled fold-to-fold sd of the
    scores at the last two sizes over the square root of the number of folds. The verdict: "still improving"
    when the last doubling gained at least ``plateau_gain`` and clearly more than its noise (two standard
    errors); "plateau" when the gain plus one standard error is below ``plateau_gain``, or when the score is
    within ``plateau_gain`` of its ceiling (1: no doubling can gain more than what is left); otherwise "too
    noisy to say". The smallest leaf is scikit-learn's default of 20 rows; for a classification target, 5% of
    the training rows when that is fewer, so that the small fits at the start of a small table's curve can
    still split off a class (with 20-row leaves, iris's curve "improved" from 0.81 to 0.95 by the model's
    defaults, not by the data). A power law
    ``score = a - b·n^-c`` fitted to the curve projects the gain from doubling the data and, with
    ``target_score``, the rows needed to reach it.

    To stay cheap the curve runs on a seeded sample of at most ``max_rows`` labelled rows (stated in the
    message) and stops adding sizes when the next one would exceed ``max_seconds``. Features exclude the
    target, id, timestamps, datetime and free-text columns, id-like columns (unique integers counting rows, or
    named like an id), and leaking columns: the curve never trains on a feature that the leak rule of
    ``consistency.target_leakage`` flags (near-perfect on its own, or strong and named like a value recorded
    after the outcome), which would make it measure the leak, not the data's sufficiency. The two checks
    share one rule and one scan of the features, computed once per audit.

    The size rules of thumb (``size.min_rows``, ``size.rows_per_feature``, ``size.class_counts``) read this
    curve: where it has measurably flattened, they do not warn on their own. The curve runs once per audit
    whichever check asks for it first.

    Defaults: ``max_rows`` 10,000, 3 folds, 5 sizes and ``max_iter`` 20 (learning rate 0.4) keep the curve to
    about a CPU-second at any data size (the fits use one OpenMP thread; a fit's cost is mostly per iteration,
    so fewer, larger boosting steps are the cheap lever, while fewer rows would cut the curve short of its
    plateau); ``max_seconds`` (20) only guards slow machines and wide
    data. ``plateau_gain`` 0.01, one point of AUC, balanced accuracy or R² per doubling, is about the smallest
    gain worth collecting data for.

    Limits: the curve describes this baseline, not every model, and a sample's curve says nothing beyond its
    largest size except through the extrapolation, which is an estimate. Status: "still improving" only warns
    when the projected gain from doubling the data is at least ``gain_warn_above`` (default 0.02, two points
    of AUC, balanced accuracy or R²), because small gains rarely justify collecting twice the data; otherwise
    the verdict is reported as a pass. It never fails by default (``gain_fail_above`` unset): data that would
    profit from more rows is still usable.

    Why it matters: "more data beats a cleverer algorithm" only while the curve still rises. On a plateau,
    collecting more rows of the same kind buys little; better features, labels or cleaning help more. While
    it still rises steeply, the data is the bottleneck and more rows pay off.

    How to fix: when the curve still improves, collect more labelled rows (the estimate of rows needed is in
    the evidence with ``target_score`` set); on a plateau, invest in features and label quality instead. Tune
    ``max_rows`` / ``max_seconds`` for a longer, more precise curve.
    """

    id: ClassVar[str] = "size.learning_curve"
    title: ClassVar[str] = "More data still helps? (learning curve)"
    area: ClassVar[Area] = Area.SIZE
    requires: ClassVar[tuple[str, ...]] = ("target",)
    #: 12-15 HistGradientBoosting fits: --quick leaves it out
    cost: ClassVar[Cost] = FITS_MODELS
    imports: ClassVar[tuple[str, ...]] = (*BASELINE_IMPORTS, "sklearn.metrics", "sklearn.model_selection")

    max_rows: int = 10_000
    max_seconds: float = 20.0
    folds: int = 3
    points: int = 5
    max_iter: int = 20
    plateau_gain: float = 0.01
    gain_warn_above: float = 0.02
    gain_fail_above: float | None = None
    target_score: float | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.folds < 2:
            raise ValueError(f"folds ({self.folds}) must be at least 2")
        if self.points < 2:
            raise ValueError(f"points ({self.points}) must be at least 2")
        if self.max_rows < 3 * MIN_TRAIN_ROWS:
            raise ValueError(f"max_rows ({self.max_rows}) must be at least {3 * MIN_TRAIN_ROWS}")

    def run(self, data: Dataset) -> Outcome:
        """The curve's outcome, computed once per dataset and parameters: the size checks read it too."""
        key = (self.id, tuple(sorted(self.params().items())))
        return data.memo(key, lambda: self._run(data))

    def _run(self, data: Dataset) -> Outcome:
        start = time.perf_counter()
        target, kind = role(data, "target"), data.target_kind or ""
        labelled = _labelled(data)
        n_labelled = len(labelled)
        rng = np.random.default_rng(self.seed)
        pos = (
            np.sort(rng.choice(labelled, self.max_rows, replace=False))
            if n_labelled > self.max_rows
            else labelled
        )
        if n_labelled > self.max_rows:
            note_sample(self.max_rows)
        y, labels = _target_values(data, pos)
        dropped_classes: list[str] = []
        if kind != "continuous":
            y, dropped_classes, keep = _drop_rare_classes(y, labels, 2 * self.folds)
            pos = pos[keep]
            classes = len(np.unique(y))
            if classes < 2:
                return Outcome.skip(
                    f"target {target!r} has fewer than 2 classes with at least {2 * self.folds} "
                    "labelled rows; a learning curve needs two",
                    columns=[target],
                )
            # e.g. free text or dates as the target: one model per class and iteration is too slow
            if classes > MAX_CLASSES:
                return Outcome.skip(
                    f"target {target!r} has {classes:,} classes with at least {2 * self.folds} "
                    f"labelled rows; the learning curve handles up to {MAX_CLASSES}",
                    columns=[target],
                )
        n = len(pos)
        train_rows = n * (self.folds - 1) // self.folds
        sizes = [train_rows >> k for k in range(self.points - 1, -1, -1)]
        sizes = [m for m in sizes if m >= MIN_TRAIN_ROWS]
        if len(sizes) < 2:
            need = math.ceil(2 * MIN_TRAIN_ROWS * self.folds / (self.folds - 1))
            return Outcome.skip(
                f"only {count(n, 'labelled row')}; a learning curve needs at least {need:,} "
                f"(two training sizes of >= {MIN_TRAIN_ROWS} rows in {self.folds}-fold cross-validation)",
                columns=[target],
            )
        X, is_cat, used, excluded = _features(data, pos, dict(leaks(data)))
        if not used:
            return Outcome.skip(
                f"no usable features for a learning curve ({count(len(excluded), 'column')} excluded)",
                evidence=_excluded_table(excluded),
            )
        metric = METRICS[kind]
        scores, stopped = _curve(
            X,
            is_cat,
            y,
            kind,
            sizes,
            self.folds,
            self.max_iter,
            self.seed,
            self.max_seconds - (time.perf_counter() - start),
        )
        sizes = sizes[: scores.shape[0]]
        means, sds = scores.mean(axis=1), scores.std(axis=1, ddof=1)
        sample = (
            ""
            if n_labelled <= self.max_rows
            else f"; on a seeded sample of {n:,} of {n_labelled:,} labelled rows"
        )
        if len(dropped_classes):
            sample += f"; {count(len(dropped_classes), 'rare class', 'rare classes')} left out"
        setup = f"{self.folds}-fold CV, {count(len(used), 'feature')}{sample}"
        if stopped:
            setup += f"; stopped at {sizes[-1]:,} training rows by the {self.max_seconds:g} s budget"
        curve_table = Table.of(
            ("training rows", f"{metric} (mean)", "spread (sd)", "gain vs previous"),
            [
                (
                    m,
                    round(float(mu), 4),
                    round(float(sd), 4),
                    None if i == 0 else round(float(mu - means[i - 1]), 4),
                )
                for i, (m, mu, sd) in enumerate(zip(sizes, means, sds))
            ],
            title=f"Learning curve ({metric}, {self.folds}-fold cross-validation)",
        )
        chart = Chart.of(
            "curve",
            [f"{m:,}" for m in sizes],
            means,
            errors=sds,
            title=f"{metric} by training rows (mean ± sd over {self.folds} folds)",
            threshold=self.target_score,
            floor=0.5 if metric == "ROC AUC" else None,  # chance level: the axis starts there
        )
        tables = [curve_table]
        if len(sizes) < 2:
            tables.append(_excluded_table(excluded))
            # one point is not a curve: nothing was judged, so this is a skip, not a pass
            return Outcome.skip(
                f"no curve: the {self.max_seconds:g} s budget allowed only one training size "
                f"({sizes[0]:,} rows, {metric} {means[0]:.3f}); {setup}",
                observed={"verdict": NOISY, "metric": metric, "score": round(float(means[0]), 4)},
                columns=[target],
                evidence=[*tables],
                chart=chart,
            )
        gain, se = _gain_se(scores[-2], scores[-1])
        # every metric here is at most 1: a score within plateau_gain of it has less than that left to gain
        at_ceiling = 1.0 - means[-1] < self.plateau_gain
        if at_ceiling:
            verdict = PLATEAU
        elif gain >= self.plateau_gain and gain - 2 * se > 0:
            verdict = IMPROVING
        elif gain + se < self.plateau_gain:
            verdict = PLATEAU
        else:
            verdict = NOISY
        fit = _power_law(np.asarray(sizes, float), means, sds)
        full = n_labelled  # a model for production trains on every labelled row
        projected = None
        if fit is not None:
            projected = _law(2 * full, *fit, sizes[-1]) - _law(full, *fit, sizes[-1])
        elif n == n_labelled:  # no fit: assume the next doubling gains what the last one did
            projected = max(gain, 0.0)
        if projected is not None:  # the message, the grade and observed all use the same rounded number
            projected = round(float(projected), 4)
        status = Status.PASS
        if verdict == IMPROVING and projected is not None:
            status = grade(
                projected, warn=self.gain_warn_above, fail=self.gain_fail_above, higher_is_worse=True
            )
        # worded so that no run of digits and punctuation reads as a phone number to the masking
        msg = (
            f"{verdict}: {metric} {means[-2]:.3f} → {means[-1]:.3f} over the last doubling "
            f"({sizes[-2]:,} → {sizes[-1]:,} training rows), a gain of {gain:+.3f} (SE {se:.3f})"
        )
        if at_ceiling:
            msg += f" (within {self.plateau_gain:.3f} of the best possible {metric}, 1.000)"
        elif verdict == PLATEAU:
            msg += f" (plateau below {self.plateau_gain:+.3f} per doubling)"
        elif verdict == NOISY:
            msg += f" (neither clearly above nor clearly below {self.plateau_gain:+.3f} per doubling)"
        if projected is not None:
            msg += f"; projected {projected:+.3f} from doubling the data to {2 * full:,} rows"
            if status != Status.PASS:
                bar = self.gain_fail_above if status == Status.FAIL else self.gain_warn_above
                msg += f" (>= {bar:+.3f})"
        summary = [
            ("verdict", verdict),
            ("metric", metric),
            ("model", f"HistGradientBoosting, max_iter={self.max_iter}"),
            ("labelled rows", n_labelled),
            ("rows used", n),
            ("gain over the last doubling", round(gain, 4)),
            ("standard error of the gain", round(se, 4)),
            ("projected gain from doubling the data", projected),
            ("seconds", round(time.perf_counter() - start, 2)),
        ]
        observed = {
            "verdict": verdict,
            "metric": metric,
            "score": round(float(means[-1]), 4),
            "gain_last_doubling": round(gain, 4),
            "gain_se": round(se, 4),
            "projected_gain": projected,
            "rows_used": n,
            "plateau_gain": self.plateau_gain,
            "at_ceiling": bool(at_ceiling),
            "classes_left_out": dropped_classes,
        }
        if fit is not None:
            a, b, c = fit
            # score = a - b·(n / largest size)^-c, as three numbers (a formula in one cell reads as an id)
            summary += [("power law: asymptote a", round(a, 4)), ("power law: b", round(b, 4))]
            summary.append(("power law: exponent c", round(c, 3)))
            summary.append((f"projected {metric} at {full:,} rows", round(_law(full, *fit, sizes[-1]), 4)))
        if self.target_score is not None:
            needed = _rows_needed(self.target_score, fit, sizes[-1], means[-1])
            summary.append((f"rows needed for {metric} {self.target_score:g}", needed))
            observed["rows_needed"] = needed
            estimate = needed if isinstance(needed, str) else f"about {needed:,} training rows"
            msg += f"; for {metric} {self.target_score:g}: {estimate}"
        msg += f" ({setup})"
        tables.append(Table.of(("measure", "value"), summary, title="Method and estimates"))
        tables.append(_excluded_table(excluded))
        return Outcome.make(
            status,
            msg,
            observed=observed,
            expected=(
                f"gain per doubling < {self.plateau_gain:g} (plateau), or a projected gain from doubling the "
                f"data < {self.gain_warn_above:g}"
            ),
            columns=[target],
            evidence=tables,
            chart=chart,
        )


# ----------------------------------------------------------------------------------------------------------
# the curve


def _curve(X, is_cat, y, kind, sizes, folds, max_iter, seed, budget):
    """Scores [size, fold] of the baseline trained on nested stratified subsets of each fold's training rows,
    all scored on that fold's held-out rows. Stops before a size that would exceed ``budget`` seconds."""
    from sklearn import config_context
    from sklearn.metrics import balanced_accuracy_score, r2_score, roc_auc_score
    from sklearn.model_selection import KFold, StratifiedKFold
    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    classify = kind != "continuous"
    rng = np.random.default_rng(seed)
    splitter = (StratifiedKFold if classify else KFold)(n_splits=folds, shuffle=True, random_state=seed)
    splits = []
    for train, test in splitter.split(X, y if classify else None):
        order = rng.permutation(train)
        if classify:  # per class, a random order: every prefix keeps the class shares
            by_class = [order[y[order] == c] for c in range(int(y.max()) + 1)]
            share = len(order)
            subsets = [
                np.concatenate([b[: max(1, round(m * len(b) / share))] for b in by_class]) for m in sizes
            ]
        else:
            subsets = [order[:m] for m in sizes]
        splits.append((subsets, test))
    scores: list[list[float]] = []
    last = None
    # one OpenMP thread: these small fits run many times slower with threads contending for busy cores; the
    # inputs are built here, finite where not NaN and well-formed: sklearn's per-call checks of them and of
    # the model's parameters are skipped (the same fits, scores and curve; ~10% of the curve's time)
    with (
        threadpool_limits(limits=1, user_api="openmp"),
        config_context(assume_finite=True, skip_parameter_validation=True),
    ):
        for i, m in enumerate(sizes):
            if last is not None and (time.perf_counter() - start) + last * m / sizes[i - 1] > budget:
                break
            t0 = time.perf_counter()
            row = []
            for subsets, test in splits:
                train = subsets[i]
                model = baseline_model(classify, len(train), is_cat, max_iter, seed)
                model.fit(X[train], y[train])
                if kind == "binary":
                    row.append(roc_auc_score(y[test], model.predict_proba(X[test])[:, 1]))
                elif kind == "multiclass":
                    row.append(balanced_accuracy_score(y[test], model.predict(X[test])))
                else:
                    row.append(r2_score(y[test], model.predict(X[test])))
            scores.append(row)
            last = time.perf_counter() - t0
    return np.asarray(scores, dtype=float), len(scores) < len(sizes)


def _gain_se(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """The mean gain from fold scores ``before`` to ``after`` (paired: the same held-out rows) and its
    standard error: the paired SE, floored by the SE the same folds would give if the two sizes' scores
    correlated by only ``PAIRING_CORRELATION_MAX`` (from the pooled fold-to-fold spread at both sizes), so
    that a few nearly equal differences cannot claim near-zero noise by chance."""
    diffs = after - before
    k = len(diffs)
    paired = float(diffs.std(ddof=1)) / math.sqrt(k)
    pooled_var = (float(before.var(ddof=1)) + float(after.var(ddof=1))) / 2
    floor = math.sqrt(2 * (1 - PAIRING_CORRELATION_MAX) * pooled_var / k)
    return float(diffs.mean()), max(paired, floor)


def _law(n: float, a: float, b: float, c: float, ref: float) -> float:
    return a - b * (n / ref) ** (-c)


def _power_law(sizes: np.ndarray, means: np.ndarray, sds: np.ndarray) -> tuple[float, float, float] | None:
    """Fit ``score = a - b·(n/n_max)^-c`` (a <= 1, b >= 0, 0.05 <= c <= 2); None when it does not fit."""
    if len(sizes) < 4:
        return None
    import warnings

    from scipy.optimize import curve_fit

    x = sizes / sizes[-1]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            params, _ = curve_fit(
                lambda x, a, b, c: a - b * x ** (-c),
                x,
                means,
                p0=(min(means[-1] + 0.01, 1.0), max(means[-1] - means[0], 1e-3), 0.5),
                sigma=np.maximum(sds, 1e-3),
                bounds=([-np.inf, 0.0, 0.05], [1.0, np.inf, 2.0]),
                maxfev=2000,
            )
    except (RuntimeError, ValueError):
        return None
    if not np.all(np.isfinite(params)):
        return None
    a, b, c = (float(p) for p in params)
    return a, b, c


def _rows_needed(target: float, fit, n_max: int, best: float) -> int | str:
    if best >= target:
        return f"already reached at {n_max:,} training rows"
    if fit is None:
        return "no estimate (the power law did not fit)"
    a, b, c = fit
    if target >= a or b <= 0:
        return f"not reachable: the fitted curve levels off at {a:.3f}"
    return int(math.ceil(n_max * (b / (a - target)) ** (1 / c)))


CHECKS = (LearningCurve,)
