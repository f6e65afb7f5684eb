"""Drift: what changed since the baseline? Schema, row count, distributions, categories, missing values, the
target and the sensitive groups, measured against ``--baseline OLD`` (a data file or a snapshot).

The checks run only when a baseline is given (without one, the audit leaves them out: see ``api.prepare``).
All of them read one shared :func:`dataaudit.checks._drift_compare.comparison`, computed once: the new data
is measured over the baseline's own bins (deciles fixed from the baseline) and categories, with the same code
that writes snapshots, so a raw baseline and its snapshot give the same results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from dataaudit.checks._drift_compare import ColumnDrift, Comparison, comparison
from dataaudit.column_profiles import OTHER
from dataaudit.dataset import Dataset
from dataaudit.formatting import Finding, flagged_columns, overall, quoted, worst_first
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade, worst_status

__all__ = [
    "CHECKS",
    "DistributionDrift",
    "GroupShareDrift",
    "MissingRateDrift",
    "NewCategories",
    "RowCountDrift",
    "SchemaDrift",
    "TargetDrift",
]

NO_BASELINE = "no baseline given (use --baseline OLD, a data file or a snapshot written with --save-snapshot)"
#: per-column bars drawn in the report's "Changes since baseline" section
MAX_BARS = 12


@dataclass(frozen=True)
class _MissingShares:
    """``drift.missing_rate``' measurements of one column: its share of missing values before and after."""

    old: float
    new: float


@dataclass(frozen=True)
class _CategoryChange:
    """``drift.new_categories``' measurements of one column: the shares of new-data rows in categories the
    baseline did not have, and of baseline rows in categories the new data lost."""

    drift: ColumnDrift
    new_share: float
    gone_share: float


@dataclass(frozen=True)
class _GroupMove:
    """``drift.group_shares``' measurements of one attribute: its share table and largest move, and the
    attribute's comparison with the baseline."""

    move: _ShareMove
    drift: ColumnDrift


def _shares(counts) -> list[float]:
    total = sum(counts)
    return [n / total if total else 0.0 for n in counts]


def _bars(d: ColumnDrift) -> dict:
    """Old and new shares per bin or category for the report's inline bars: numeric bins in order; for
    categories the ``MAX_BARS`` largest (by the larger of the two shares), the rest summed."""
    old, new = _shares(d.old_counts), _shares(d.new_counts)
    labels = list(d.labels)
    if d.old_summary is None and len(labels) > MAX_BARS:  # categories: keep the biggest, sum the rest
        order = sorted(range(len(labels)), key=lambda i: -max(old[i], new[i]))
        keep, rest = order[: MAX_BARS - 1], order[MAX_BARS - 1 :]
        labels = [labels[i] for i in keep] + [f"{len(rest)} others"]
        old = [old[i] for i in keep] + [sum(old[i] for i in rest)]
        new = [new[i] for i in keep] + [sum(new[i] for i in rest)]
    return {
        "column": d.name,
        "kind": d.kind,
        "psi": None if d.psi is None else round(d.psi, 4),
        "labels": labels,
        "old": [round(x, 4) for x in old],
        "new": [round(x, 4) for x in new],
    }


def _noise(o: float, n_old: int, n: float, n_new: int, z: float) -> float:
    """``z`` standard errors of the difference of two shares ``o`` (of ``n_old`` rows) and ``n`` (of
    ``n_new``): a smaller change is indistinguishable from sampling noise at these row counts."""
    if z <= 0 or not n_old or not n_new:
        return 0.0
    return z * math.sqrt(o * (1 - o) / n_old + n * (1 - n) / n_new)


def _biggest_move(d: ColumnDrift) -> tuple[str, float, float]:
    old, new = _shares(d.old_counts), _shares(d.new_counts)
    i = max(range(len(old)), key=lambda k: abs(new[k] - old[k]))
    return d.labels[i], old[i], new[i]


@dataclass(frozen=True)
class _DriftCheck(Check):
    """Base of the drift checks: skipped with a reason when there is no baseline."""

    area: ClassVar[Area] = Area.DRIFT

    def run(self, data: Dataset) -> Outcome:
        cmp = comparison(data)
        if cmp is None:
            return Outcome.skip(NO_BASELINE)
        return self.judge(cmp, data)

    def judge(self, cmp: Comparison, data: Dataset) -> Outcome:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class SchemaDrift(_DriftCheck):
    """The columns and their types are the same as in the baseline.

    Lists columns added and removed, columns whose kind changed (numeric, categorical, boolean, datetime,
    text), columns whose storage type changed within a kind (e.g. int64 → float64, often a sign that missing
    values appeared), and removed/added pairs that look like one column renamed (same kind and the same
    distribution, or a close name).

    Why it matters: a pipeline or a trained model reads columns by name and type. A removed or retyped column
    breaks it, or worse, is silently filled with defaults; a renamed one looks like a removal to every
    consumer. Added columns are harmless to existing consumers but deserve a look. Defaults: any change warns
    (`warn_above: 0` changes); a removed column or a kind change fails (`fail_above: 0` breaking changes).

    How to fix: if the change is intended, update the consumers and the baseline (write a new snapshot with
    `--save-snapshot`); otherwise restore the column in the export that produced the data.
    """

    id: ClassVar[str] = "drift.schema"
    title: ClassVar[str] = "Schema unchanged"

    warn_above: int = 0
    fail_above: int = 0

    def judge(self, cmp: Comparison, data: Dataset) -> Outcome:
        rows = [("removed", c, cmp.baseline.kind_of(c), "—") for c in cmp.removed]
        rows += [("kind changed", c, old, new) for c, (old, new) in cmp.kinds.items()]
        rows += [("added", c, "—", data.stats[c].kind) for c in cmp.added]
        rows += [("dtype changed", c, old, new) for c, (old, new) in cmp.dtypes.items()]
        rows += [("likely renamed", f"{old} → {new}", old, f"{new} ({why})") for old, new, why in cmp.renames]
        breaking = len(cmp.removed) + len(cmp.kinds)
        changes = breaking + len(cmp.added) + len(cmp.dtypes)
        status = worst_status(
            grade(breaking, warn=None, fail=self.fail_above, higher_is_worse=True),
            grade(changes, warn=self.warn_above, fail=None, higher_is_worse=True),
        )
        n_old = len(cmp.baseline.columns)
        if not changes:
            return Outcome.ok(
                f"same {count(data.n_cols, 'column')} with the same kinds as the baseline",
                observed={"added": 0, "removed": 0, "kind_changes": 0, "dtype_changes": 0},
            )
        parts = []
        if cmp.removed:
            parts.append(f"{len(cmp.removed)} removed ({quoted(cmp.removed)})")
        if cmp.added:
            parts.append(f"{len(cmp.added)} added ({quoted(cmp.added)})")
        if cmp.kinds:
            parts.append(
                f"{count(len(cmp.kinds), 'kind change')} ("
                + ", ".join(f"{c}: {o} → {n}" for c, (o, n) in list(cmp.kinds.items())[:5])
                + ")"
            )
        if cmp.dtypes:
            parts.append(
                f"{count(len(cmp.dtypes), 'dtype change')} ("
                + ", ".join(f"{c}: {o} → {n}" for c, (o, n) in list(cmp.dtypes.items())[:5])
                + ")"
            )
        msg = f"{n_old} → {data.n_cols} columns: " + "; ".join(parts)
        if cmp.renames:
            msg += "; likely renamed: " + ", ".join(f"{o!r} → {n!r}" for o, n, _ in cmp.renames[:5])
        return Outcome.make(
            status,
            msg,
            observed={
                "added": list(cmp.added),
                "removed": list(cmp.removed),
                "kind_changes": {c: list(v) for c, v in cmp.kinds.items()},
                "dtype_changes": {c: list(v) for c, v in cmp.dtypes.items()},
                "renames": [[o, n] for o, n, _ in cmp.renames],
            },
            expected=(f"<= {self.warn_above} changes, <= {self.fail_above} removed columns or kind changes"),
            columns=[*cmp.removed, *cmp.kinds, *cmp.added, *cmp.dtypes],
            evidence=Table.of(("change", "column", "baseline", "new"), rows, title="Schema changes"),
        )


@dataclass(frozen=True)
class RowCountDrift(_DriftCheck):
    """The number of rows is close to the baseline's.

    Measures the relative change (new − old) / old.

    Why it matters: rows that vanish between two versions of a dataset usually mean a filter, a join or an
    export went wrong (a missing partition, a day that failed to load); a sudden jump can mean duplicated
    loads. A routine refresh adds or drops a few percent. Defaults: warn beyond ±10 %, fail beyond ±30 %
    (a halved table fails).

    How to fix: compare the row counts per partition or per day with the baseline to find what went missing
    or was loaded twice; if the change is intended, refresh the baseline.
    """

    id: ClassVar[str] = "drift.row_count"
    title: ClassVar[str] = "Row count stable"

    warn_above: float = 0.10
    fail_above: float = 0.30

    def judge(self, cmp: Comparison, data: Dataset) -> Outcome:
        old, new = cmp.baseline.rows, cmp.new_rows
        change = (new - old) / old if old else (0.0 if not new else float("inf"))
        status = grade(abs(change), warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        direction = "more" if new > old else "fewer"
        msg = f"{old:,} → {new:,} rows ({change:+.1%})"
        if status != Status.PASS:
            limit = self.fail_above if status == Status.FAIL else self.warn_above
            msg += f": {abs(new - old):,} {direction} rows, beyond ±{limit:.0%}"
        return Outcome.make(
            status,
            msg,
            observed={"baseline_rows": old, "rows": new, "change": round(change, 4) if old else None},
            expected=f"within ±{self.warn_above:.0%} (fail beyond ±{self.fail_above:.0%})",
            chart=Chart.of("bars", ["baseline", "new"], [old, new], title="Rows", unit="rows"),
        )


@dataclass(frozen=True)
class DistributionDrift(_DriftCheck):
    """Each feature's distribution is close to the baseline's (population stability index, PSI).

    Numeric columns are compared over ten bins fixed at the baseline's deciles; categorical and boolean
    columns over the baseline's categories (plus any new ones). PSI = Σ (new share − old share) · ln(new
    share / old share); the Jensen–Shannon distance (0 to 1) is shown beside it. Columns with fewer than
    `min_values` values on either side are listed but not graded (PSI is noisy on small samples: two samples
    of 100 values from one distribution give a PSI around 0.2 by chance, of 500 values about 0.03, with a 95th
    percentile of 0.07 — hence the default of 500). Dates, ids, the target and free text are not compared
    here.

    Why it matters: a model learnt the baseline's distributions; when a feature's distribution moves, its
    predictions move too, or it is fed values it never saw. The thresholds are the industry convention for
    PSI: below 0.1 no meaningful change, 0.1–0.25 a moderate shift worth investigating, above 0.25 a major
    shift (defaults: warn above 0.1, fail above 0.25). PSI measures how large the shift is, not whether it
    is statistically detectable: on large data a p-value flags even negligible shifts, so none is used.

    How to fix: find out why the column moved (a new source, a unit or encoding change, a changed
    population); fix the pipeline if it is an error, otherwise retrain or recalibrate and refresh the
    baseline.
    """

    id: ClassVar[str] = "drift.distribution"
    title: ClassVar[str] = "Feature distributions stable"

    warn_above: float = 0.10
    fail_above: float = 0.25
    min_values: int = 500

    def judge(self, cmp: Comparison, data: Dataset) -> Outcome:
        features = set(data.features)
        drifts = [d for c, d in cmp.columns.items() if c in features and d.compared]
        graded = [d for d in drifts if min(d.old_values, d.new_values) >= self.min_values]
        small = [d for d in drifts if d not in graded]
        not_compared = [d for c, d in cmp.columns.items() if c in features and not d.compared]
        graded.sort(key=lambda d: -d.score)
        flagged = [d for d in graded if d.score > self.warn_above]
        status = worst_status(
            *(
                grade(d.score, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
                for d in graded
            )
        )
        rows: list[tuple[Any, ...]] = []
        for d in [*graded, *small]:
            label, old_share, new_share = _biggest_move(d)
            if d.old_summary is not None:
                old_v = d.old_summary.get("p50")
                new_v = (d.new_summary or {}).get("p50")
                where = f"median {old_v:.4g} → {new_v:.4g}" if new_v is not None else ""
            else:
                where = ""
            rows.append(
                (
                    d.name,
                    d.kind,
                    round(d.score, 4),
                    round(d.distance, 4),
                    f"{label}: {old_share:.1%} → {new_share:.1%}",
                    where,
                    "graded" if d in graded else f"not graded: < {self.min_values} values",
                )
            )
        rows += [(d.name, d.kind, None, None, "", "", f"not compared: {d.note}") for d in not_compared]
        if not graded:
            return Outcome.ok(
                f"no feature with >= {self.min_values} values on both sides to compare"
                + (f" ({count(len(not_compared), 'column')} not comparable)" if not_compared else ""),
                evidence=Table.of(
                    ("column", "kind", "PSI", "JS distance", "largest change", "", "note"), rows
                )
                if rows
                else None,
            )
        top = graded[0]
        if flagged:
            msg = (
                f"{count(len(flagged), 'feature')} of {len(graded)} shifted (PSI > {self.warn_above:g}): "
                + ", ".join(f"{d.name} {d.score:.3f}" for d in flagged[:5])
                + (f" and {len(flagged) - 5} more" if len(flagged) > 5 else "")
            )
        else:
            msg = (
                f"{len(graded)} features stable: largest PSI {top.score:.3f} ({top.name}) "
                f"<= {self.warn_above:g}"
            )
        return Outcome.make(
            status,
            msg,
            observed={
                "max_psi": round(top.score, 4),
                "psi": {d.name: round(d.score, 4) for d in graded},
                "bars": [_bars(d) for d in graded[:40]],
            },
            expected=f"PSI <= {self.warn_above:g} per feature (fail above {self.fail_above:g})",
            columns=[d.name for d in flagged],
            evidence=Table.of(
                ("column", "kind", "PSI", "JS distance", "largest change", "centre", "note"),
                rows,
                title="Distribution shift per feature (largest PSI first)",
            ),
            chart=Chart.of(
                "bars",
                [d.name for d in graded[:20]],
                [d.score for d in graded[:20]],
                title="PSI per feature",
                threshold=self.warn_above,
            ),
        )


@dataclass(frozen=True)
class NewCategories(_DriftCheck):
    """Categorical columns have no new categories, and none of the baseline's categories vanished.

    Compares the categories of each categorical or boolean column with the baseline's (where the baseline
    listed all of them: it stores up to 50 per column). A column's finding is graded by the share of rows
    involved: rows of the new data in categories the baseline never had, or baseline rows in categories that
    are gone.

    Why it matters: a model or an encoder has never seen a new category: it errors, or maps it to "unknown"
    and predicts blind for those rows. New spellings (`EMPLOYED` beside `employed`) are a classic cause. A
    vanished category can mean a broken upstream mapping. Defaults: any new or vanished category warns
    (`warn_above: 0`); more than 5 % of rows in them fails (a twentieth of the data outside what was
    learnt).

    How to fix: map new spellings back onto the known categories at the source; if the category is real,
    retrain with examples of it and refresh the baseline.
    """

    id: ClassVar[str] = "drift.new_categories"
    title: ClassVar[str] = "No new or vanished categories"

    warn_above: float = 0.0
    fail_above: float = 0.05

    def judge(self, cmp: Comparison, data: Dataset) -> Outcome:
        rows: list[tuple[str, str, str, int, float]] = []
        findings: list[Finding[_CategoryChange]] = []
        unknown: list[str] = []
        compared = 0
        for col, d in cmp.columns.items():
            if d.old_kind not in ("categorical", "boolean") or not d.compared:
                continue
            if not d.categories_known:
                unknown.append(col)
                continue
            compared += 1
            new_rows = sum(n for _, n in d.new_categories)
            gone_rows = sum(n for _, n in d.vanished)
            new_share = new_rows / d.new_values if d.new_values else 0.0
            gone_share = gone_rows / d.old_values if d.old_values else 0.0
            if not d.new_categories and not d.vanished:
                continue
            share = max(new_share, gone_share)
            status = grade(share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
            findings.append(Finding(status, col, share, _CategoryChange(d, new_share, gone_share)))
            rows += [
                (col, "new", k if k != OTHER else "(other new values)", n, round(n / d.new_values, 4))
                for k, n in d.new_categories
            ]
            rows += [(col, "vanished", k, n, round(n / d.old_values, 4)) for k, n in d.vanished]
        findings = worst_first(findings)
        status = overall(findings)
        note = f"; {count(len(unknown), 'column')} with over 50 categories not checked" if unknown else ""
        if not findings:
            return Outcome.ok(
                f"{count(compared, 'categorical column')}: same categories as the baseline{note}",
                observed={"columns": compared},
            )
        parts = []
        for f in findings[:5]:
            d, ns, gs = f.detail.drift, f.detail.new_share, f.detail.gone_share
            bits = []
            if d.new_categories:
                names = ", ".join(repr(k) for k, _ in d.new_categories[:3])
                more = f" +{len(d.new_categories) - 3}" if len(d.new_categories) > 3 else ""
                bits.append(f"{len(d.new_categories)} new ({names}{more}; {ns:.1%} of rows)")
            if d.vanished:
                names = ", ".join(repr(k) for k, _ in d.vanished[:3])
                bits.append(f"{len(d.vanished)} vanished ({names}; {gs:.1%} of baseline rows)")
            parts.append(f"{f.column}: " + ", ".join(bits))
        msg = "; ".join(parts) + (f"; and {len(findings) - 5} more columns" if len(findings) > 5 else "")
        if status != Status.PASS:
            msg += f" (warn above {self.warn_above:.0%}, fail above {self.fail_above:.0%} of rows)"
        return Outcome.make(
            status,
            msg + note,
            observed={
                f.column: {
                    "new_share": round(f.detail.new_share, 4),
                    "vanished_share": round(f.detail.gone_share, 4),
                }
                for f in findings
            },
            expected=f"no new or vanished categories (fail above {self.fail_above:.0%} of rows)",
            columns=flagged_columns(findings),
            evidence=Table.of(
                ("column", "change", "category", "rows", "share"),
                rows,
                title="New and vanished categories",
            ),
        )


@dataclass(frozen=True)
class MissingRateDrift(_DriftCheck):
    """Each column's share of missing values is close to the baseline's.

    Measures, per column present in both, the change in the missing share in percentage points.

    Why it matters: a jump in missing values usually means an upstream field stopped being filled (a form
    change, a failed join); a model imputes them with values it learnt from complete rows, and its quality
    drops quietly. A sudden drop can mean someone started filling blanks with defaults. Defaults: warn beyond
    2 points, fail beyond 10 points.

    Changes smaller than `noise_z` (2) standard errors of the two shares are treated as sampling noise and not
    graded, so small datasets do not warn by chance (0 turns this off); the threshold is what is judged, the
    noise guard only keeps chance out.

    How to fix: trace the column back to where it is filled and fix the source; if the change is expected,
    refresh the baseline.
    """

    id: ClassVar[str] = "drift.missing_rate"
    title: ClassVar[str] = "Missing values stable"

    warn_above: float = 0.02
    fail_above: float = 0.10
    noise_z: float = 2.0

    def judge(self, cmp: Comparison, data: Dataset) -> Outcome:
        changes = sorted(
            ((c, d.old_missing, d.new_missing) for c, d in cmp.columns.items()),
            key=lambda x: -abs(x[2] - x[1]),
        )
        if not changes:
            return Outcome.ok("no columns in common with the baseline")

        def beyond_noise(c: str, o: float, n: float) -> float:
            d = cmp.columns[c]
            return abs(n - o) if abs(n - o) > _noise(o, d.old_rows, n, d.new_rows, self.noise_z) else 0.0

        graded = [  # largest change first, as ``changes``
            Finding(
                grade(
                    beyond_noise(c, o, n), warn=self.warn_above, fail=self.fail_above, higher_is_worse=True
                ),
                c,
                abs(n - o),
                _MissingShares(o, n),
            )
            for c, o, n in changes
        ]
        flagged = [f for f in graded if f.status != Status.PASS]
        status = overall(graded)
        rows = [
            (f.column, round(f.detail.old, 4), round(f.detail.new, 4), round(f.detail.new - f.detail.old, 4))
            for f in graded
            if f.detail.new != f.detail.old
        ]
        if not flagged:
            c, o, n = changes[0]
            return Outcome.ok(
                f"{count(len(changes), 'column')}: largest change {abs(n - o) * 100:.1f} points ({c}: "
                f"{o:.1%} → {n:.1%}), within {self.warn_above * 100:g} points"
                + (" or sampling noise" if abs(n - o) > self.warn_above else ""),
                observed={"max_change": round(abs(n - o), 4)},
                evidence=Table.of(
                    ("column", "share missing (baseline)", "share missing (new)", "share change"),
                    rows,
                    title="Missing share per column",
                )
                if rows
                else None,
            )
        msg = f"{count(len(flagged), 'column')} changed by more than {self.warn_above * 100:g} points: " + (
            ", ".join(f"{f.column} {f.detail.old:.1%} → {f.detail.new:.1%}" for f in flagged[:5])
        )
        if len(flagged) > 5:
            msg += f" and {len(flagged) - 5} more"
        return Outcome.make(
            status,
            msg,
            observed={
                f.column: {"baseline": round(f.detail.old, 4), "new": round(f.detail.new, 4)} for f in flagged
            },
            expected=(
                f"missing share within ±{self.warn_above * 100:g} points "
                f"(fail beyond ±{self.fail_above * 100:g})"
            ),
            columns=flagged_columns(flagged),
            evidence=Table.of(
                ("column", "share missing (baseline)", "share missing (new)", "share change"),
                rows,
                title="Missing share per column (largest change first)",
            ),
            chart=Chart.of(
                "bars",
                [f.column for f in flagged[:20]],
                [f.score for f in flagged[:20]],
                title="Change in missing share",
                unit="share",
                threshold=self.warn_above,
            ),
        )


@dataclass(frozen=True)
class _ShareMove:
    """A column's share table (one row per class or group) and its largest change beyond sampling noise:
    ``graded`` is that change (0 when every change is within noise), ``label`` with its ``old_share`` and
    ``new_share`` the class or group it is in, ``noise`` whether the largest change overall was left
    ungraded as noise."""

    table: Table
    graded: float
    label: str
    old_share: float
    new_share: float
    noise: bool


def _share_table(d: ColumnDrift, what: str, z: float) -> _ShareMove:
    """The share table of ``d`` and its largest change beyond sampling noise."""
    old, new = _shares(d.old_counts), _shares(d.new_counts)
    n_old, n_new = sum(d.old_counts), sum(d.new_counts)
    rows = [(d.name, k, round(o, 4), round(n, 4), round(n - o, 4)) for k, o, n in zip(d.labels, old, new)]
    rows.sort(key=lambda r: -abs(r[4]))
    table = Table.of(
        ("column", what, "share (baseline)", "share (new)", "share change"),
        rows,
        title=f"{what.capitalize()} shares",
    )
    if not old:
        return _ShareMove(table, 0.0, "", 0.0, 0.0, False)
    real = [k for k in range(len(old)) if abs(new[k] - old[k]) > _noise(old[k], n_old, new[k], n_new, z)]
    i = max(real or range(len(old)), key=lambda k: abs(new[k] - old[k]))
    biggest = abs(new[i] - old[i]) if real else 0.0
    noise = not real and any(n != o for o, n in zip(old, new))
    return _ShareMove(table, biggest, d.labels[i], old[i], new[i], noise)


@dataclass(frozen=True)
class TargetDrift(_DriftCheck):
    """The target's distribution is close to the baseline's (label shift).

    For a classification target: the change in each class's share, in percentage points (a class that is
    new or gone counts with its whole share). For a continuous target: PSI over the baseline's decile bins.

    Why it matters: a model's predicted probabilities are calibrated to the class balance it learnt; when the
    base rate moves, its scores and thresholds are off even if nothing else changed, and a label that
    suddenly shifts often means the labelling process changed. Defaults: warn when a class's share moves
    more than 5 points, fail beyond 15; for a continuous target, the PSI convention (warn above 0.1, fail
    above 0.25).

    Changes smaller than `noise_z` (2) standard errors of the two shares are treated as sampling noise and not
    graded, so small datasets do not warn by chance (0 turns this off); the threshold is what is judged, the
    noise guard only keeps chance out.

    How to fix: check whether the labelling rule or the population changed; recalibrate or retrain on data
    with the new balance, and refresh the baseline.
    """

    id: ClassVar[str] = "drift.target"
    title: ClassVar[str] = "Target distribution stable"
    requires: ClassVar[tuple[str, ...]] = ("target",)

    warn_above: float = 0.05
    fail_above: float = 0.15
    noise_z: float = 2.0
    psi_warn_above: float = 0.10
    psi_fail_above: float = 0.25

    def judge(self, cmp: Comparison, data: Dataset) -> Outcome:
        target = data.roles.target
        d = cmp.target
        if d is None:
            base = cmp.baseline.target
            why = (
                f"the baseline has no target column {target!r}"
                if base is None or base != target
                else f"target {target!r} is not comparable with the baseline's"
            )
            return Outcome.skip(why)
        if d.old_summary is not None:  # continuous
            status = grade(d.score, warn=self.psi_warn_above, fail=self.psi_fail_above, higher_is_worse=True)
            label, o, n = _biggest_move(d)
            med_o, med_n = d.old_summary.get("p50"), (d.new_summary or {}).get("p50")
            msg = f"target {target!r} PSI {d.score:.3f}; largest change in bin {label}: {o:.1%} → {n:.1%}"
            if med_n is not None:
                msg += f"; median {med_o:.4g} → {med_n:.4g}"
            return Outcome.make(
                status,
                msg,
                observed={"psi": round(d.score, 4), "bars": [_bars(d)]},
                expected=f"PSI <= {self.psi_warn_above:g} (fail above {self.psi_fail_above:g})",
                columns=[target],
            )
        move = _share_table(d, "class", self.noise_z)
        table, biggest, label, o, n = move.table, move.graded, move.label, move.old_share, move.new_share
        status = grade(biggest, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        msg = (
            f"target {target!r}: largest class share change {abs(n - o) * 100:.1f} points "
            f"({label!r}: {o:.1%} → {n:.1%})"
        )
        if move.noise:
            msg += f" (within sampling noise at {d.old_values:,} and {d.new_values:,} labels)"
        if d.new_categories:
            msg += f"; new classes: {quoted(k for k, _ in d.new_categories)}"
        if d.vanished:
            msg += f"; classes gone: {quoted(k for k, _ in d.vanished)}"
        if status != Status.PASS:
            msg += f" (warn above {self.warn_above * 100:g} points)"
        return Outcome.make(
            status,
            msg,
            observed={"max_change": round(biggest, 4), "psi": round(d.score, 4), "bars": [_bars(d)]},
            expected=(
                f"class shares within ±{self.warn_above * 100:g} points "
                f"(fail beyond ±{self.fail_above * 100:g})"
            ),
            columns=[target],
            evidence=table,
        )


@dataclass(frozen=True)
class GroupShareDrift(_DriftCheck):
    """The shares of each sensitive attribute's groups are close to the baseline's.

    Per sensitive attribute: the change in each group's share of rows, in percentage points (groups as in the
    bias checks: categories, ages in bands, other numbers in the baseline's decile bins; missing values are
    their own group). Groups that are new or have vanished are named.

    Why it matters: a model's fairness was measured on the baseline's mix of groups; if a group's share
    drops, its errors weigh less in every aggregate metric and the model may serve it worse without the
    metrics noticing; a vanished group can no longer be evaluated at all. Defaults: warn when a group's share
    moves more than 5 points, fail beyond 15.

    Changes smaller than `noise_z` (2) standard errors of the two shares are treated as sampling noise and not
    graded, so small datasets do not warn by chance (0 turns this off); the threshold is what is judged, the
    noise guard only keeps chance out.

    How to fix: find out whether the population or the collection changed (a channel, a region, a form that
    drops an option); rebalance or collect more data for the shrinking group and re-run the bias checks.
    """

    id: ClassVar[str] = "drift.group_shares"
    title: ClassVar[str] = "Sensitive group shares stable"
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    warn_above: float = 0.05
    fail_above: float = 0.15
    noise_z: float = 2.0

    def judge(self, cmp: Comparison, data: Dataset) -> Outcome:
        if not cmp.groups:
            return Outcome.skip(
                f"the baseline has no group shares for {quoted(data.roles.sensitive)} "
                "(not sensitive when the baseline was profiled)"
            )
        tables: list[Table] = []
        findings: list[Finding[_GroupMove]] = []
        for col, d in cmp.groups.items():
            move = _share_table(d, "group", self.noise_z)
            tables.append(move.table)
            status = grade(move.graded, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
            findings.append(Finding(status, col, abs(move.new_share - move.old_share), _GroupMove(move, d)))
        findings = worst_first(findings)
        status = overall(findings)
        parts = []
        for f in findings[:4]:
            move, d = f.detail.move, f.detail.drift
            text = (
                f"{f.column}={move.label!r} {move.old_share:.1%} → {move.new_share:.1%} "
                f"({f.score * 100:.1f} points)"
            )
            if move.noise:
                text += " (within sampling noise)"
            if d.vanished:
                text += f"; vanished: {quoted(k for k, _ in d.vanished)}"
            if d.new_categories:
                text += f"; new: {quoted(k for k, _ in d.new_categories)}"
            parts.append(text)
        lead = "largest group share change: " if status == Status.PASS else "group shares moved: "
        msg = lead + "; ".join(parts)
        if status != Status.PASS:
            msg += f" (warn above {self.warn_above * 100:g} points, fail above {self.fail_above * 100:g})"
        return Outcome.make(
            status,
            msg,
            observed={
                f.column: {"max_change": round(f.score, 4), "group": f.detail.move.label} for f in findings
            },
            expected=(
                f"group shares within ±{self.warn_above * 100:g} points "
                f"(fail beyond ±{self.fail_above * 100:g})"
            ),
            columns=flagged_columns(findings),
            evidence=tables,
        )


CHECKS = (
    SchemaDrift,
    RowCountDrift,
    DistributionDrift,
    NewCategories,
    MissingRateDrift,
    TargetDrift,
    GroupShareDrift,
)
