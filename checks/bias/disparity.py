"""Bias, disparity: are label rates similar across the groups of each sensitive attribute and across their
intersections?"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from dataaudit.checks._shared import role
from dataaudit.checks.bias._common import (
    MAX_GRADED_GROUPS,
    _bonferroni_z,
    _classes,
    _cross,
    _eval_classes,
    _groups,
    _largest,
    _listed,
    _pairs,
    _pct,
    _tally,
    _worst_first,
)
from dataaudit.checks.bias._rates import _check_n_boot, _Disparity, _grade_disparity, _rate_table, _RateTable
from dataaudit.dataset import MISSING_GROUP, Dataset
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade

__all__ = ["IntersectionalGroups", "LabelRateDisparity"]

#: intersections with more combinations than this are not crossed (the report says so)
MAX_INTERSECTION_CELLS = 100_000


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
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine
    requires: ClassVar[tuple[str, ...]] = ("target", "sensitive")
    #: the rates come from a fairlearn MetricFrame (``_rate_table``; not in a --quick audit)
    imports: ClassVar[tuple[str, ...]] = ("fairlearn.metrics",)

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
        target = role(data, "target")
        t = _classes(data)  # classes and rows per class, from the exact value counts
        if len(t.classes) < 2:
            return Outcome.skip(
                f"target {target!r} has fewer than 2 classes: no rate to compare", columns=[target]
            )
        eval_classes, how = _eval_classes(t, self.positive_label)
        findings: list[tuple[Status, str, str, _Disparity | None]] = []
        rows, charts, per_attr = [], [], {}
        for col in data.roles.sensitive:
            # rows per group × class over all labelled rows: one engine.group_counts([col, target])
            g = _tally(data, col, with_target=True)
            cells = g.class_cells()
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
            worst = rt.worst()
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
            findings.append((worst.status, self._describe(col, target, rt, worst), col, worst))
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
        if not per_attr:
            return Outcome.skip(
                "nothing to compare: " + "; ".join(f[1] for f in findings[:3]), columns=data.roles.sensitive
            )
        flagged, status = _worst_first(findings)
        if flagged:
            msg = _listed([f[1] for f in flagged])
        else:
            # the point estimates span all groups; the bounds are those of the most certain pair, which may
            # be a different pair: "similar" with "ratio 0.44 (at most 0.98)" read as a contradiction
            parts = [
                f"{f[2]} {target}={f[3].cls} difference {f[3].dp_difference:.2f}, ratio {f[3].dp_ratio:.2f} "
                f"across all groups; most certain pair: difference at least {f[3].diff_bound:.2f}, ratio at "
                f"most {f[3].ratio_bound:.2f}"
                if f[3] is not None
                else f[1]
                for f in findings
            ]
            msg = (
                "no clear gap in label rates between groups: " + "; ".join(parts)
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
        target = role(data, "target")
        y = data.stats.numeric(target)
        if y is None:
            return Outcome.skip(f"target {target!r} is not numeric", columns=[target])
        yv = y.to_numpy(dtype="float64", na_value=np.nan)
        ok = np.isfinite(yv)
        sd = float(np.std(yv[ok], ddof=1)) if ok.sum() > 1 else 0.0
        if sd == 0.0:
            return Outcome.skip(f"target {target!r} is constant: no mean to compare", columns=[target])
        overall_mean = float(np.mean(yv[ok]))
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
            z95 = _bonferroni_z(1)
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
                        round((mean[i] - overall_mean) / sd, 4),
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
            pairs = _pairs(len(idx))
            gap = float(mean[a] - mean[b])
            se_gap = float(math.sqrt(se[a] ** 2 + se[b] ** 2))
            d = gap / sd
            bound = max(0.0, (gap - _bonferroni_z(pairs) * se_gap) / sd)
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
        if not per_attr:
            return Outcome.skip(
                "nothing to compare: " + "; ".join(f[1] for f in findings[:3]), columns=data.roles.sensitive
            )
        flagged, status = _worst_first(findings)
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
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine
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
        t = _classes(data) if data.target_kind in ("binary", "multiclass") else None
        eval_classes, how = (
            _eval_classes(t, self.positive_label) if t is not None and len(t.classes) >= 2 else ([], "")
        )
        findings: list[tuple[Status, str, str]] = []
        observed: dict[str, dict[str, float | str]] = {}
        cell_rows, rate_rows, notes = [], [], []
        for combo in itertools.combinations(sens, self.order):
            gs = [_tally(data, c) for c in combo]  # each attribute's groups, counted by the engine
            name = " × ".join(combo)
            real_labels = [[lab for lab in g.labels if lab != MISSING_GROUP] for g in gs]
            n_combos = math.prod(len(r) for r in real_labels)
            if n_combos > MAX_INTERSECTION_CELLS:
                notes.append(
                    f"{name} not crossed: {n_combos:,} combinations (at most {MAX_INTERSECTION_CELLS:,})"
                )
                continue
            labels = [" × ".join(p) for p in itertools.product(*real_labels)]
            if len(labels) < 2:
                continue
            # rows per combination (a missing part drops the row), and per combination × class over
            # labelled rows: one engine.group_counts over all rows
            n_cells, crossed = _cross(data, combo, with_target=bool(eval_classes))
            order = np.argsort(n_cells, kind="stable")
            small = int(n_cells[order[0]])
            below = int((n_cells < self.cell_warn_below).sum())
            status = grade(small, warn=self.cell_warn_below, fail=self.cell_fail_below, higher_is_worse=False)
            cell_rows += [(name, labels[i], int(n_cells[i])) for i in order[:10]]
            obs: dict[str, float | str] = {"cells": len(labels), "smallest": small, "below_warn": below}
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
                # eval_classes come from the target's classes t, and _cross counted them with the target
                assert t is not None and crossed is not None
                cells = crossed
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
                    d = rt.worst()
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
                    findings.append((d.status, text, name))
            observed[name] = obs
        if not observed:
            return Outcome.skip(
                "; ".join(notes) or "no intersection has at least 2 cells of non-missing groups"
            )
        flagged, status = _worst_first(findings)
        if flagged:
            msg = _listed([f[1] for f in flagged])
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
