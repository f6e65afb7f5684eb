"""Consistency: missing values, counted per column and as entirely empty rows, and values that stand for
missing without being empty (placeholder text, sentinel numbers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from dataaudit.checks.consistency._common import (
    FREE_TEXT_LENGTH,
    MAX_DISTINCT_SCAN,
    PLACEHOLDERS,
    PROBE,
    SENTINELS,
    _expected,
    _grade_worst,
    _is_text,
    _pct,
    _placeholder_mask,
    _sentinels,
)
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade, worst_status

__all__ = ["DisguisedMissing", "MissingValues"]


@dataclass(frozen=True)
class MissingValues(Check):
    """The share of missing values per column, and rows that are entirely empty.

    Every column except the target (whose empty labels are `consistency.target_missing`'s question) is
    counted. Free-text columns (strings averaging more than 30 characters, such as notes or comments) are
    listed but not graded, because an empty note usually means "nothing to say", not a lost measurement; set
    `grade_free_text: true` to grade them too. The evidence lists every column with missing values, and a
    chart shows the missing share per column.

    Why it matters: most models cannot take missing values, so rows get dropped or values imputed, and both
    bias the data when values are not missing at random (e.g. income left blank more often by the
    self-employed). Below 1% missing, dropping or simple imputation costs little; above 1% the imputation
    choice starts to change results (default warn above 1%); above 50% a column is more gap than value
    (default fail above 50%). An entirely empty row is a loading or export fault: any one warns, more than 1%
    of rows fails.

    How to fix: find out why values are missing and recover them at the source; otherwise impute with a
    method suited to the missingness (and add a missing-indicator feature), or drop columns that are mostly
    empty. Remove blank rows from the export.
    """

    id: ClassVar[str] = "consistency.missing_values"
    title: ClassVar[str] = "Missing values"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.01
    fail_above: float = 0.5
    empty_rows_warn_above: float = 0.0
    empty_rows_fail_above: float = 0.01
    grade_free_text: bool = False

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        if n == 0:
            return Outcome.skip("no rows to examine")
        cols = [c for c in data.columns if c != data.roles.target]
        rows, graded, chart = [], [], []
        for c in cols:
            st = data.stats[c]
            share = st.missing / n
            free_text = st.kind == "text" and (st.mean_length or 0) > FREE_TEXT_LENGTH
            is_graded = not free_text or self.grade_free_text
            chart.append((c, share))
            if st.missing:
                rows.append(
                    (c, st.kind, st.missing, round(share, 4), "yes" if is_graded else "no (free text)")
                )
                if is_graded:
                    graded.append((c, st.missing, share))
        # an entirely empty row has every column missing: if any column is complete, there is none
        empty_rows = np.empty(0, dtype=np.intp)
        if cols and all(data.stats[c].missing for c in cols):
            empty_rows = np.flatnonzero(data.frame[cols].isna().all(axis=1).to_numpy())
        empty = len(empty_rows)
        empty_share = empty / n
        statuses = [_grade_worst([s for _, _, s in graded], self.warn_above, self.fail_above)]
        statuses.append(
            grade(
                empty_share,
                warn=self.empty_rows_warn_above,
                fail=self.empty_rows_fail_above,
                higher_is_worse=True,
            )
        )
        status = worst_status(*statuses)
        graded.sort(key=lambda g: -g[2])
        flagged = [g for g in graded if g[2] > self.warn_above]
        parts = []
        if flagged:
            parts.append(
                ", ".join(f"{c} {_pct(s)} missing ({m:,} of {n:,} rows)" for c, m, s in flagged[:4])
                + (f" and {len(flagged) - 4} more columns" if len(flagged) > 4 else "")
                + f" (warn above {_pct(self.warn_above)})"
            )
        elif graded:
            parts.append(
                f"{count(len(graded), 'column')} with missing values, the most {graded[0][0]} at "
                f"{_pct(graded[0][2])} ({graded[0][1]:,} rows), within {_pct(self.warn_above)}"
            )
        else:
            parts.append("no missing values" + (" in graded columns" if rows else ""))
        if empty:
            parts.append(f"{count(empty, 'entirely empty row')} ({_pct(empty_share)})")
        skipped = [r[0] for r in rows if r[4] != "yes"]
        if skipped and status == Status.PASS:
            parts.append(f"free text not graded: {', '.join(skipped[:3])}")
        chart.sort(key=lambda t: -t[1])
        evidence = [
            Table.of(
                ("column", "kind", "missing", "share", "graded"),
                sorted(rows, key=lambda r: -r[3]),
                title="Columns with missing values",
            )
        ]
        if empty:
            evidence.append(
                Table.of(("row",), [(int(i),) for i in empty_rows[:5]], title="Entirely empty rows (first 5)")
            )
        return Outcome.make(
            status,
            "; ".join(parts),
            observed={
                "columns_with_missing": len(rows),
                "max_share": round(max((s for _, _, s in graded), default=0.0), 4),
                "empty_rows": empty,
            },
            expected=_expected(self.warn_above, self.fail_above, "missing share per column"),
            columns=[c for c, _, _ in flagged] or [r[0] for r in rows],
            evidence=evidence,
            chart=Chart.of(
                "bars",
                [c for c, _ in chart[:30]],
                [s * 100 for _, s in chart[:30]],
                title="Missing share per column",
                unit="%",
                threshold=self.warn_above * 100,
            ),
        )


# ----------------------------------------------------------------------------------------------------------
# consistency.disguised_missing


@dataclass(frozen=True)
class DisguisedMissing(Check):
    """Values that stand for "missing" without being empty: placeholder strings and sentinel numbers.

    Placeholders are text values such as '', whitespace, 'NA', 'N/A', 'null', 'None', '?', '-' and
    'unknown', in any case and with any surrounding spaces (the `placeholders` parameter). Sentinels are
    numbers such as -1, -999, 999, 9999 and 99999 (the `sentinels` parameter) counted only when they are a
    spike apart from the rest of the distribution: repeated at least `min_repeats` times and negative in an
    otherwise non-negative column, or clearly beyond the range of every other value. A 999 in the middle of
    a salary distribution is a salary; a -999 among positive incomes is not.

    Why it matters: a disguised missing value is read as a real one. A model learns that -999 is a very low
    income, a '?' becomes its own category, and missing-value counts look better than they are. Any
    disguised value warns, since there is no reason for one to exist; more than 5% of a column fails, as the
    column's statistics are then visibly distorted.

    How to fix: convert placeholders and sentinels to real missing values when loading (e.g. pandas
    `na_values=`), then treat them as missing; fix the exporting system so it writes empty cells.
    """

    id: ClassVar[str] = "consistency.disguised_missing"
    title: ClassVar[str] = "Disguised missing values"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.05
    placeholders: tuple[str, ...] = PLACEHOLDERS
    sentinels: tuple[float, ...] = SENTINELS
    min_repeats: int = 3

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        found = []  # (column, kind of value, value, rows, share of column)
        notes = []
        for c in data.columns:
            st = data.stats[c]
            s = data.frame[c]
            if st.kind == "numeric" and st.distinct > 2:
                for v, k in _sentinels(data, c, self.sentinels, self.min_repeats).items():
                    found.append((c, "sentinel number", v, k, k / max(st.rows, 1)))
            if _is_text(s) and st.count:
                # every distinct value, up to 50,000; beyond that (free text, ids) the repeated values, which
                # come first in the sorted counts: a placeholder that matters repeats
                vc = data.stats.value_counts(c)
                scope = vc
                if len(vc) > MAX_DISTINCT_SCAN:
                    repeated = int(np.searchsorted(-vc.to_numpy(), -2, side="right"))
                    scope = vc.iloc[: min(max(repeated, PROBE * 5), MAX_DISTINCT_SCAN)]
                mask = _placeholder_mask(scope.index, self.placeholders)
                if mask.any():
                    if len(scope) < len(vc):
                        notes.append(f"{c} (its {len(scope):,} most frequent of {len(vc):,} distinct values)")
                    total = int(vc.sum())
                    for v, k in scope[mask].items():
                        found.append((c, "placeholder text", v, int(k), int(k) / max(total, 1)))
        if not found:
            return Outcome.ok(
                f"no placeholder strings or sentinel numbers in {count(data.n_cols, 'column')}",
                observed={"columns": 0},
                expected=_expected(self.warn_above, self.fail_above, "disguised share per column"),
            )
        per_col: dict[str, list] = {}
        for f in found:
            per_col.setdefault(f[0], []).append(f)
        shares = {c: sum(f[4] for f in fs) for c, fs in per_col.items()}
        status = _grade_worst(list(shares.values()), self.warn_above, self.fail_above)
        ranked = sorted(per_col, key=lambda c: -shares[c])
        parts = []
        for c in ranked[:4]:
            fs = sorted(per_col[c], key=lambda f: -f[3])
            vals = ", ".join(f"{_show(f[2])} ×{f[3]:,}" for f in fs[:3])
            parts.append(f"{c}: {_pct(shares[c])} ({vals})")
        msg = "disguised missing values in " + count(len(per_col), "column") + ": " + "; ".join(parts)
        if len(ranked) > 4:
            msg += f"; and {len(ranked) - 4} more"
        if notes:
            msg += f"; scanned {', '.join(notes)}"
        rows = [
            (c, what, _show(v), k, round(share, 4), round(k / n, 4) if n else 0.0)
            for c, what, v, k, share in sorted(found, key=lambda f: (-shares[f[0]], -f[3]))
        ]
        return Outcome.make(
            status,
            msg,
            observed={c: round(shares[c], 4) for c in ranked},
            expected=_expected(self.warn_above, self.fail_above, "disguised share per column"),
            columns=ranked,
            evidence=Table.of(
                ("column", "type", "value", "rows", "share of column", "share of rows"),
                rows,
                title="Disguised missing values",
            ),
        )


def _show(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    text = str(v)
    return repr(text) if text.strip() == text and text else repr(text) + " (whitespace)"
