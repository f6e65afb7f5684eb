"""Size: do we have enough data? Rows, rows per feature, rows per class, rows per sensitive group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from dataaudit.dataset import Dataset
from dataaudit.model import Area, Chart, Check, Outcome, Table, grade

__all__ = ["CHECKS", "ClassCounts", "GroupCounts", "MinRows", "RowsPerFeature"]


@dataclass(frozen=True)
class MinRows(Check):
    """The dataset has enough rows to train and validate a model.

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

    warn_below: int = 1_000
    fail_below: int = 100

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        status = grade(n, warn=self.warn_below, fail=self.fail_below, higher_is_worse=False)
        expected = f">= {self.warn_below:,} rows (fail below {self.fail_below:,})"
        if status == "pass":
            return Outcome.ok(f"{n:,} rows (>= {self.warn_below:,})", observed=n, expected=expected)
        need = self.fail_below if status == "fail" else self.warn_below
        return Outcome.make(
            status, f"only {n:,} rows; at least {need:,} needed", observed=n, expected=expected
        )


@dataclass(frozen=True)
class RowsPerFeature(Check):
    """There are enough rows for the number of usable features (rows ÷ features).

    Usable features are the columns a model would learn from: everything except the target, the id, the
    timestamps and ignored columns, and except empty or constant columns. The evidence also gives the
    one-hot width (numeric columns plus the levels of categorical ones), which is what a linear model sees.

    Why it matters: with few rows per feature, a model can fit noise: the classic "one in ten" rule for
    regression asks for at least ten events per variable, and flexible models want far more. The defaults
    warn below 20 rows per feature and fail below 5, where overfitting is near certain.

    How to fix: collect more rows, drop or merge redundant features, group rare categories, or use a
    strongly regularised model; tune `warn_below` / `fail_below` if your model is known to cope.
    """

    id: ClassVar[str] = "size.rows_per_feature"
    title: ClassVar[str] = "Rows per feature"
    area: ClassVar[Area] = Area.SIZE

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
        if not usable:
            return Outcome.fail(
                f"no usable features: all {len(data.features)} candidate columns are empty or constant",
                observed=0,
                columns=[c for c, _ in dropped],
            )
        ratio = data.n_rows / len(usable)
        status = grade(ratio, warn=self.warn_below, fail=self.fail_below, higher_is_worse=False)
        rows = [
            ("rows", data.n_rows),
            ("usable features", len(usable)),
            ("rows per feature", round(ratio, 1)),
            ("one-hot width", onehot),
            ("rows per one-hot column", round(data.n_rows / onehot, 1)),
        ]
        rows += [(f"not usable: {c}", why) for c, why in dropped]
        msg = f"{ratio:,.1f} rows per feature ({data.n_rows:,} rows / {len(usable)} usable features)"
        if status != "pass":
            msg += f"; at least {self.warn_below:g} recommended"
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
    requires: ClassVar[tuple[str, ...]] = ("target",)

    warn_below: int = 100
    fail_below: int = 20

    def run(self, data: Dataset) -> Outcome:
        target = data.roles.target
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
        status = grade(n_min, warn=self.warn_below, fail=self.fail_below, higher_is_worse=False)
        table = Table.of(
            ("class", "rows", "share"),
            [(str(k), int(v), round(v / total, 4)) for k, v in counts.items()],
            title=f"Rows per class of {target}",
        )
        msg = (
            f"smallest class {str(smallest)!r} has {n_min:,} rows ({n_min / total:.1%} of {total:,}); "
            f"{len(counts)} classes"
        )
        if status != "pass":
            msg += f"; at least {self.fail_below if status == 'fail' else self.warn_below:,} needed"
        if missing:
            msg += f"; {missing:,} rows have no label"
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
            observed={"class": smallest, "rows": n_min, "share": n_min / total},
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
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    group_warn_below: int = 100
    group_fail_below: int = 30
    cell_warn_below: int = 30
    cell_fail_below: int = 10

    def run(self, data: Dataset) -> Outcome:
        target = data.roles.target if data.target_kind in ("binary", "multiclass") else None
        y = data.target.astype("object").map(str, na_action="ignore") if target else None
        group_rows, cell_rows, worst = [], [], []
        for col in data.roles.sensitive:
            g = data.groups(col)
            counts = g.value_counts()
            for name, n in counts.items():
                group_rows.append((col, name, int(n), round(n / data.n_rows, 4)))
            gname, gmin = counts.index[-1], int(counts.iloc[-1])
            worst.append(
                (
                    grade(
                        gmin, warn=self.group_warn_below, fail=self.group_fail_below, higher_is_worse=False
                    ),
                    f"group {col}={gname!r} has {gmin:,} rows",
                    col,
                )
            )
            if y is not None:
                cells = pd.crosstab(g, y)
                stacked = cells.stack().sort_values()
                for (grp, cls), n in stacked.items():
                    cell_rows.append((col, grp, cls, int(n)))
                (cg, cc), cmin = stacked.index[0], int(stacked.iloc[0])
                worst.append(
                    (
                        grade(
                            cmin, warn=self.cell_warn_below, fail=self.cell_fail_below, higher_is_worse=False
                        ),
                        f"cell {col}={cg!r} × {target}={cc!r} has {cmin:,} rows",
                        col,
                    )
                )
        order = {"fail": 2, "warn": 1, "pass": 0}
        worst.sort(key=lambda w: -order[w[0]])
        status = worst[0][0]
        flagged = [w for w in worst if w[0] != "pass"]
        if flagged:
            msg = "; ".join(w[1] for w in flagged[:3])
            if len(flagged) > 3:
                msg += f"; and {len(flagged) - 3} more"
            msg += (
                f" (warn below {self.group_warn_below} rows per group / {self.cell_warn_below} per cell"
                if y is not None
                else f" (warn below {self.group_warn_below} rows per group"
            ) + ")"
        else:
            smallest = min(group_rows, key=lambda r: r[2])
            msg = (
                f"every group has >= {self.group_warn_below} rows; smallest {smallest[0]}={smallest[1]!r} "
                f"with {smallest[2]:,}"
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
                    ("attribute", "group", target, "rows"),
                    sorted(cell_rows, key=lambda r: r[3]),
                    title="Rows per group × class (smallest first)",
                )
            )
        return Outcome.make(
            status,
            msg,
            columns=sorted({w[2] for w in flagged}) or data.roles.sensitive,
            observed={
                "smallest_group": min(r[2] for r in group_rows),
                "smallest_cell": min((r[3] for r in cell_rows), default=None),
            },
            expected=(
                f">= {self.group_warn_below} rows per group, >= {self.cell_warn_below} per group × class"
            ),
            evidence=tables,
        )


CHECKS = (MinRows, RowsPerFeature, ClassCounts, GroupCounts)
