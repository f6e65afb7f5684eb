"""Size: do we have enough data? Rows, rows per feature, rows per class, rows per sensitive group.

Rows, rows per feature and rows per class are rules of thumb. Where the learning curve
(``size.learning_curve``) runs to a verdict, it answers "do I have enough?" with evidence from this data, and
the rules of thumb do not warn on their own (a fail becomes a warning): when it has flattened they say so;
when it is still improving the curve reports that itself (one finding, not four); when it shows no clear gain
either way, a generic count is no evidence against this data. Where no curve can run (no target, too few
rows, the curve switched off), they remain the answer. The curve is computed once
per audit and shared (see :mod:`dataaudit.checks._shared`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks._shared import configured, role, runs
from dataaudit.checks.learning_curve import IMPROVING, NOISY, PLATEAU, LearningCurve
from dataaudit.dataset import MISSING_GROUP, Dataset
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade

__all__ = ["CHECKS", "ClassCounts", "CurveSays", "GroupCounts", "MinRows", "RowsPerFeature", "curve_says"]


@dataclass(frozen=True, slots=True)
class CurveSays:
    """What the learning curve says about a rule of thumb's shortfall: ``enough`` when it has flattened,
    measured to within its ``plateau_gain`` (so more rows of the same kind would not help); ``note``: the
    clause the message adds, with the curve's numbers."""

    enough: bool
    note: str
    #: the curve ran to a verdict on this data (a plateau, still improving, or no clear gain either way): it
    #: is the evidence, and a rule of thumb softens by one step and refers to it
    ran: bool = False


def curve_says(data: Dataset, *, per_class: bool = False) -> CurveSays:
    """Ask the learning curve (the configured one, computed once per audit) whether this data has enough
    rows. ``per_class``: the curve must have kept every class (it leaves out classes too rare to split)."""
    if not data.roles.target:
        return CurveSays(False, "")  # no curve without a target: the message's "rule of thumb" says enough
    if not runs(data, LearningCurve.id):
        return CurveSays(False, f"{LearningCurve.id} does not run in this audit, so no curve to judge by")
    # the curve reads rows: out of core it runs on the sample view, as the runner runs size.learning_curve
    view = data.sample_view()
    try:
        outcome = configured(view, LearningCurve).run(view)
    except Exception:  # the curve reports its own crash; this rule of thumb still stands on its own
        return CurveSays(False, "the learning curve could not run")
    obs = outcome.observed if isinstance(outcome.observed, dict) else {}
    verdict = obs.get("verdict")
    if outcome.status not in (Status.PASS, Status.WARN, Status.FAIL) or verdict is None:
        return CurveSays(False, "no learning curve could run on this data")
    if per_class and obs.get("classes_left_out"):
        n = len(obs["classes_left_out"])
        return CurveSays(
            False, f"the learning curve left out {count(n, 'class', 'classes')} too rare to split"
        )
    metric, gain, se = obs["metric"], obs.get("gain_last_doubling"), obs.get("gain_se")
    no_clear_gain = CurveSays(
        False,
        f"but the learning curve, measured on this data, shows no clear gain from more rows (gain "
        f"{gain or 0:+.3f}, SE {se or 0:.3f}; see {LearningCurve.id})",
        ran=True,
    )
    if verdict == PLATEAU and gain is not None and se is not None:
        bar = obs["plateau_gain"]
        if se > bar and not obs.get("at_ceiling"):
            return no_clear_gain
        if obs.get("at_ceiling"):
            return CurveSays(
                True,
                f"the learning curve has reached {metric} {obs['score']:.3f}, within {bar:.3f} of the best "
                "possible: more rows of the same kind cannot help much",
            )
        return CurveSays(
            True,
            f"the learning curve has flattened at {metric} {obs['score']:.3f} (gain {gain:+.3f}, SE "
            f"{se:.3f}, over the last doubling; plateau below {bar:+.3f}): more rows of the same kind are "
            "unlikely to help",
        )
    if verdict == IMPROVING:
        return CurveSays(
            False,
            f"the learning curve, measured on this data, is still improving ({metric} gain {gain:+.3f} per "
            f"doubling): {LearningCurve.id} reports it",
            ran=True,
        )
    if verdict == NOISY and gain is not None:
        return no_clear_gain
    return CurveSays(False, "the learning curve is too short to say")


def _by_the_curve(status: Status, msg: str, says: CurveSays) -> tuple[Status, str]:
    """A rule of thumb's status and message, softened by one step when the curve shows enough rows or ran to
    a verdict of its own (no clear gain, or still improving: then it is the curve's finding)."""
    if status == Status.PASS:
        return status, msg
    if says.enough:
        return (Status.PASS if status == Status.WARN else Status.WARN), f"{msg}; but {says.note}"
    if says.ran:  # the curve is the evidence: it answers, or reports the shortfall itself (one finding)
        return (Status.PASS if status == Status.WARN else Status.WARN), f"{msg}; {says.note}"
    return status, f"{msg}; {says.note}" if says.note else msg


@dataclass(frozen=True)
class MinRows(Check):
    """The dataset has enough rows to train and validate a model.

    This is a rule of thumb. With a target, the learning curve (``size.learning_curve``) answers the question
    from the data itself: where it runs to a verdict (flattened, still improving, or no clear gain), this
    check does not warn on its own (a fail becomes a warning) and says what the curve found.

    Why it matters: with fewer than about a hundred rows, a train/test split leaves too few examples to
    estimate anything, and metrics swing from run to run. Below about a thousand rows, estimates are
    unstable, rare categories vanish in a split, and cross-validated scores have wide intervals. The
    defaults (warn below 1,000, fail below 100) are deliberately loose: they flag data too small for most
    tabular models, not data too small for a specific one.

    How to fix: collect more rows, merge comparable sources, or lower the bar for a small, simple model with
    `checks: {size.min_rows: {warn_below: ..., fail_below: ...}}` in dataaudit.yaml.
    """

    id: ClassVar[str] = "size.min_rows"
    title: ClassVar[str] = "Enough rows"
    area: ClassVar[Area] = Area.SIZE
    #: where the learning curve has measurably flattened, this rule of thumb does not warn on its own
    reads: ClassVar[tuple[str, ...]] = (LearningCurve.id,)
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

    warn_below: int = 1_000
    fail_below: int = 100

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        status = grade(n, warn=self.warn_below, fail=self.fail_below, higher_is_worse=False)
        expected = f">= {self.warn_below:,} rows (fail below {self.fail_below:,})"
        if status == "pass":
            return Outcome.ok(f"{n:,} rows (>= {self.warn_below:,})", observed=n, expected=expected)
        need = self.fail_below if status == "fail" else self.warn_below
        msg = f"only {count(n, 'row')}; at least {need:,} needed by the rule of thumb"
        status, msg = _by_the_curve(status, msg, curve_says(data))
        return Outcome.make(status, msg, observed=n, expected=expected)


@dataclass(frozen=True)
class RowsPerFeature(Check):
    """There are enough rows for the number of usable features (rows ÷ features).

    Usable features are the columns a model would learn from: everything except the target, the id, the
    timestamps and ignored columns, and except empty or constant columns. The evidence also gives the
    one-hot width (numeric columns plus the levels of categorical ones), which is what a linear model sees.

    This is a rule of thumb: where the learning curve (``size.learning_curve``) runs to a verdict, it does not
    warn on its own (a fail becomes a warning).

    Why it matters: with few rows per feature, a model can fit noise: the classic "one in ten" rule for
    regression asks for at least ten events per variable, and flexible models want far more. The defaults
    warn below 20 rows per feature and fail below 5, where overfitting is near certain.

    How to fix: collect more rows, drop or merge redundant features, group rare categories, or use a
    strongly regularised model; tune `warn_below` / `fail_below` if your model is known to cope.
    """

    id: ClassVar[str] = "size.rows_per_feature"
    title: ClassVar[str] = "Rows per feature"
    area: ClassVar[Area] = Area.SIZE
    #: where the learning curve has measurably flattened, this rule of thumb does not warn on its own
    reads: ClassVar[tuple[str, ...]] = (LearningCurve.id,)
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

    warn_below: float = 20.0
    fail_below: float = 5.0

    def run(self, data: Dataset) -> Outcome:
        usable, dropped, onehot = [], [], 0
        for col in data.features:
            st = data.stats[col]
            if st.distinct <= 1:
                dropped.append((col, "empty" if st.distinct == 0 else "constant"))
                continue
            usable.append(col)
            onehot += st.distinct - 1 if st.kind in ("categorical", "boolean") else 1
        if not data.features:
            return Outcome.fail(
                f"no feature columns: all {count(data.n_cols, 'column')} are the target, the id or "
                "timestamps",
                observed=0,
            )
        if not usable:
            return Outcome.fail(
                f"no usable features: all {len(data.features)} candidate columns are empty or constant",
                observed=0,
                columns=[c for c, _ in dropped],
            )
        ratio = data.n_rows / len(usable)
        status = grade(ratio, warn=self.warn_below, fail=self.fail_below, higher_is_worse=False)
        rows: list[tuple[str, object]] = [
            ("rows", data.n_rows),
            ("usable features", len(usable)),
            ("rows per feature", round(ratio, 1)),
            ("one-hot width", onehot),
            ("rows per one-hot column", round(data.n_rows / onehot, 1)),
        ]
        rows += [(f"not usable: {c}", why) for c, why in dropped]
        msg = f"{ratio:,.1f} rows per feature ({data.n_rows:,} rows / {len(usable)} usable features)"
        if status != "pass":
            msg += f"; at least {self.warn_below:g} recommended by the rule of thumb"
            status, msg = _by_the_curve(status, msg, curve_says(data))
        return Outcome.make(
            status,
            msg,
            observed=round(ratio, 2),
            expected=f">= {self.warn_below:g} (fail below {self.fail_below:g})",
            evidence=Table.of(("measure", "value"), rows, title="Features"),
        )


@dataclass(frozen=True)
class ClassCounts(Check):
    """Every class of the target has enough examples.

    Reports the smallest class's count and share, with a table of every class. Applies to classification
    targets (text, booleans, or numbers with at most 20 distinct values); a continuous target is skipped.

    These counts are a rule of thumb: where the learning curve (``size.learning_curve``) kept every class and
    runs to a verdict, this check does not warn on its own (a fail becomes a warning), unless the smallest
    class holds under half an equal share of the rows and the curve has not flattened: one score over all
    classes can hide a minority class.

    Why it matters: a model learns a class from its examples. With fewer than about 20, 5-fold
    cross-validation leaves 4 or fewer per test fold, so its recall cannot be measured; below about 100,
    estimates for that class are noisy. Defaults: warn below 100 examples, fail below 20. (How *unequal* the
    classes are is `bias.class_imbalance`'s question; this one is about absolute counts.)

    How to fix: collect more examples of the rare class, merge rare classes that mean the same thing, or
    re-frame the task; oversampling hides the problem from the metrics, it does not add information.
    """

    id: ClassVar[str] = "size.class_counts"
    title: ClassVar[str] = "Examples per class"
    area: ClassVar[Area] = Area.SIZE
    #: where the learning curve has measurably flattened, this rule of thumb does not warn on its own
    reads: ClassVar[tuple[str, ...]] = (LearningCurve.id,)
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine
    requires: ClassVar[tuple[str, ...]] = ("target",)

    warn_below: int = 100
    fail_below: int = 20

    def run(self, data: Dataset) -> Outcome:
        target = role(data, "target")
        if data.target_kind == "continuous":
            st = data.stats[target]
            return Outcome.skip(
                f"target {target!r} is continuous ({st.distinct:,} distinct values); "
                "class counts apply to classification"
            )
        counts = data.stats.value_counts(target)
        missing = data.stats[target].missing
        if counts.empty:
            return Outcome.fail(f"target {target!r} has no values", columns=[target], observed=0)
        total = int(counts.sum())
        smallest, n_min = counts.index[-1], int(counts.iloc[-1])
        if len(counts) < 2:
            return Outcome.fail(
                f"target {target!r} has a single class ({str(smallest)!r}, {count(n_min, 'row')}): "
                "there is nothing to learn to tell apart",
                observed={"classes": 1},
                expected="at least 2 classes",
                columns=[target],
            )
        status = grade(n_min, warn=self.warn_below, fail=self.fail_below, higher_is_worse=False)
        table = Table.of(
            ("class", "rows", "share"),
            [(str(k), int(v), round(v / total, 4)) for k, v in counts.items()],
            title=f"Rows per class of {target}",
        )
        msg = (
            f"smallest class {str(smallest)!r} has {count(n_min, 'row')} ({n_min / total:.1%} of {total:,}); "
            f"{len(counts)} classes"
        )
        if missing:
            msg += f"; {count(missing, 'row')} {'has' if missing == 1 else 'have'} no label"
        if status != "pass":
            need = self.fail_below if status == "fail" else self.warn_below
            msg += f"; at least {need:,} needed by the rule of thumb"
            says = curve_says(data, per_class=True)
            if says.ran and n_min / total < 0.5 / len(counts):
                # the curve's one score over all classes can hide a minority class: no evidence for it
                says = CurveSays(
                    False,
                    f"the learning curve's score over all classes cannot speak for a class this small "
                    f"({n_min / total:.1%} of rows, under half an equal share)",
                )
            status, msg = _by_the_curve(status, msg, says)
        chart = Chart.of(
            "bars",
            counts.index[:30],
            counts.to_numpy()[:30],
            title="Rows per class",
            unit="rows",
            threshold=self.warn_below,
        )
        return Outcome.make(
            status,
            msg,
            observed={"class": smallest, "rows": n_min, "share": round(n_min / total, 4)},
            expected=f">= {self.warn_below:,} rows per class (fail below {self.fail_below:,})",
            columns=[target],
            evidence=table,
            chart=chart,
        )


@dataclass(frozen=True)
class GroupCounts(Check):
    """Every sensitive group, and every group × class cell, has enough rows.

    For each sensitive attribute: the rows per group (numbers with many values are banded: ages in the usual
    bands, others in quintiles; missing values form their own group) and, with a classification target, the
    rows per group × class. The smallest group and the smallest cell are graded.

    Why it matters: a model's behaviour for a group can only be learned, and its fairness only measured, from
    that group's rows. With fewer than about 30 rows in a group × class cell, a per-group error rate has a
    95% interval wider than ±15 points, so disparities can be neither trusted nor ruled out. Defaults: warn
    when a group has fewer than 100 rows or a cell fewer than 30; fail below 30 rows per group or 10 per cell.

    How to fix: collect more data for the small groups (targeted sampling), or merge groups where that is
    meaningful and agreed with the people affected; report per-group metrics with their intervals.
    """

    id: ClassVar[str] = "size.group_counts"
    title: ClassVar[str] = "Rows per sensitive group"
    area: ClassVar[Area] = Area.SIZE
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    group_warn_below: int = 100
    group_fail_below: int = 30
    cell_warn_below: int = 30
    cell_fail_below: int = 10

    def run(self, data: Dataset) -> Outcome:
        from dataaudit.checks.bias._common import _group_sizes, _tally

        target = data.roles.target if data.target_kind in ("binary", "multiclass") else None
        y = target  # cells per group × class when the target has classes
        group_rows, cell_rows, findings = [], [], []
        for col in data.roles.sensitive:
            counts = _group_sizes(data, col)  # rows per group over all rows: engine.group_counts
            group_rows += [(col, name, int(n), round(n / data.n_rows, 4)) for name, n in counts.items()]
            # missing values are shown as a group but not graded as one: they are consistency's concern
            real = counts.drop(MISSING_GROUP, errors="ignore")
            if len(real) < 2:
                findings.append(
                    (
                        Status.WARN,
                        f"{col} has {count(len(real), 'non-missing group')}; "
                        "per-group analysis needs at least 2",
                        col,
                    )
                )
                continue
            findings.append(
                self._grade(
                    real,
                    self.group_warn_below,
                    self.group_fail_below,
                    lambda k, c=col: f"group {c}={k!r}",
                    f"{col} groups",
                    col,
                )
            )
            if y is None:
                continue
            cells = _cells(_tally(data, col, with_target=True))  # engine.group_counts([col, target])
            if cells.empty:  # no row holds both a class and a group (e.g. an all-missing target)
                continue
            cell_rows += [
                (col, grp, cls, int(n)) for (grp, cls), n in zip(cells.index.tolist(), cells.tolist())
            ]
            cells.index = [f"{grp!r} × {target}={cls!r}" for grp, cls in cells.index]
            findings.append(
                self._grade(
                    cells,
                    self.cell_warn_below,
                    self.cell_fail_below,
                    lambda k, c=col: f"cell {c}={k}",
                    f"{col} × {target} cells",
                    col,
                )
            )
        order = {Status.FAIL: 2, Status.WARN: 1, Status.PASS: 0}
        findings.sort(key=lambda f: -order[f[0]])
        flagged = [f for f in findings if f[0] != Status.PASS]
        status = findings[0][0] if findings else Status.PASS
        if flagged:
            msg = "; ".join(f[1] for f in flagged[:3])
            if len(flagged) > 3:
                msg += f"; and {len(flagged) - 3} more"
            per_cell = f" / {self.cell_warn_below} per cell" if y is not None else ""
            msg += f" (warn below {self.group_warn_below} rows per group{per_cell})"
        else:
            smallest = min((r for r in group_rows if r[1] != MISSING_GROUP), key=lambda r: r[2])
            msg = (
                f"every group has >= {self.group_warn_below} rows; smallest {smallest[0]}={smallest[1]!r} "
                f"with {count(smallest[2], 'row')}"
            )
        tables = [
            Table.of(
                ("attribute", "group", "rows", "share"),
                sorted(group_rows, key=lambda r: r[2]),
                title="Rows per group (smallest first)",
            )
        ]
        if cell_rows:
            tables.append(
                Table.of(
                    ("attribute", "group", str(target), "rows"),
                    sorted(cell_rows, key=lambda r: r[3]),
                    title="Rows per group × class (smallest first)",
                )
            )
        return Outcome.make(
            status,
            msg,
            columns=sorted({f[2] for f in flagged}) or data.roles.sensitive,
            observed={
                "smallest_group": min((r[2] for r in group_rows if r[1] != MISSING_GROUP), default=0),
                "smallest_cell": min((r[3] for r in cell_rows), default=None),
            },
            expected=(
                f">= {self.group_warn_below} rows per group, >= {self.cell_warn_below} per group × class"
            ),
            evidence=tables,
        )

    @staticmethod
    def _grade(
        counts: pd.Series, warn: int, fail: int, name, plural: str, col: str
    ) -> tuple[Status, str, str]:
        """Grade the smallest of ``counts`` (sorted descending or ascending); one line naming it, or how
        many fall below the warn threshold when several do."""
        counts = counts.sort_values()
        key, n = counts.index[0], int(counts.iloc[0])
        status = grade(n, warn=warn, fail=fail, higher_is_worse=False)
        below = int((counts < warn).sum())
        if below > 1:
            smallest = f"smallest {name(key)} with {count(n, 'row')}"
            text = f"{below} of {len(counts)} {plural} below {warn} rows ({smallest})"
        else:
            text = f"{name(key)} has {count(n, 'row')}"
        return status, text, col


def _cells(tally) -> pd.Series:
    """Rows per (group, class) among rows where both are known, every combination (zeros included), smallest
    first; ties in group then class order (both as text, sorted). From the engine's group × class counts."""
    groups = np.array(tally.labels, dtype=object)
    known = np.flatnonzero(groups != MISSING_GROUP)
    classes = np.array([str(v) for v in tally.class_values], dtype=object)  # as Dataset.groups() writes them
    g_order, c_order = np.argsort(groups[known], kind="stable"), np.argsort(classes, kind="stable")
    grid = tally.cells[known[g_order]][:, c_order].reshape(-1)
    order = np.argsort(grid, kind="stable")
    index = pd.MultiIndex.from_product([pd.Index(groups[known][g_order]), pd.Index(classes[c_order])])
    return pd.Series(grid[order], index=index.take(order))


CHECKS = (MinRows, RowsPerFeature, ClassCounts, GroupCounts)
