"""Consistency: missing values, counted per column and as entirely empty rows; missing values written more
than one way in one column (mixed null markers); and values that stand for missing without being read as
missing (placeholder text, sentinel numbers).

The standard null tokens (pandas' default ``na_values``: ``NA``, ``N/A``, ``null``, ``NaN``, an empty cell…)
are read as missing when the data is loaded (``dataaudit.loading.nulls``), on every input path; which
token marked how many cells of a column is ``data.source.null_tokens``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import (
    FREE_TEXT_LENGTH,
    MAX_DISTINCT_SCAN,
    PLACEHOLDERS,
    PROBE,
    SENTINELS,
    _as_text,
    _expected,
    _grade_worst,
    _is_text,
    _pct,
    _placeholder_mask,
    _sentinels,
)
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Chart, Check, Outcome, Severity, Status, Table, count, grade, worst_status

__all__ = ["DISGUISED_PLACEHOLDERS", "DisguisedMissing", "MissingValues", "MixedNulls", "disguised_mask"]

#: placeholder text that stands for missing (compared trimmed and case-folded): the shared list, plus the
#: word 'empty' that some exports write in empty cells
DISGUISED_PLACEHOLDERS = (*PLACEHOLDERS, "empty")


@dataclass(frozen=True)
class MissingValues(Check):
    """The share of missing values per column, and rows that are entirely empty.

    Every column except the target (whose empty labels are `consistency.target_missing`'s question) is
    counted. Missing means empty or one of the standard null tokens (pandas' default `na_values`: NA, N/A,
    null, NULL, NaN, None, #N/A…), read as missing when the data is loaded whatever the format, and in a
    DataFrame's text cells too; `na_values:` and `keep_default_na:` in dataaudit.yaml change the list.
    Free-text columns (strings averaging more than 30 characters, such as notes or comments) are listed but
    not graded, because an empty note usually means "nothing to say", not a lost measurement; set
    `grade_free_text: true` to grade them too. The evidence lists every column with missing values and how
    they were written (e.g. 'NA' ×11), and a chart shows the missing share per column.

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
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

    warn_above: float = 0.01
    fail_above: float = 0.5
    empty_rows_warn_above: float = 0.0
    empty_rows_fail_above: float = 0.01
    grade_free_text: bool = False

    def run(self, data: Dataset) -> Outcome:
        if data.n_rows == 0:
            return Outcome.skip("no rows to examine")
        m = self.measure(data)
        return self.word(m, self.judge(m))

    # -- measure: missing cells per column from the shared statistics (exact over all rows), empty rows
    def measure(self, data: Dataset) -> MissingCounts:
        n = data.n_rows
        cols = [c for c in data.columns if c != data.roles.target]
        rows, graded, chart = [], [], []
        for c in cols:
            st = data.stats[c]
            share = st.missing / n
            free_text = st.kind == "text" and (st.mean_length or 0) > FREE_TEXT_LENGTH
            is_graded = not free_text or self.grade_free_text
            chart.append((c, share))
            if st.missing:
                markers = _markers_text(_markers(data, c))
                rows.append(
                    (
                        c,
                        st.kind,
                        st.missing,
                        round(share, 4),
                        "yes" if is_graded else "no (free text)",
                        markers,
                    )
                )
                if is_graded:
                    graded.append((c, st.missing, share))
        # an entirely empty row has every column missing: if any column is complete, there is none. Only
        # then are rows read (data.frame: all rows in memory; the stated sample out of core), as no engine
        # operation counts rows meeting several predicates at once
        empty_rows = np.empty(0, dtype=np.intp)
        if cols and all(data.stats[c].missing for c in cols):
            empty_rows = np.flatnonzero(data.frame[cols].isna().all(axis=1).to_numpy())
        return MissingCounts(n, rows, graded, chart, empty_rows)

    # -- judge: the worst graded column share, and the share of empty rows
    def judge(self, m: MissingCounts) -> Status:
        empty = grade(
            len(m.empty_rows) / m.rows,
            warn=self.empty_rows_warn_above,
            fail=self.empty_rows_fail_above,
            higher_is_worse=True,
        )
        return worst_status(
            _grade_worst([s for _, _, s in m.graded], self.warn_above, self.fail_above), empty
        )

    # -- word
    def word(self, m: MissingCounts, status: Status) -> Outcome:
        n, rows, empty_rows = m.rows, m.columns, m.empty_rows
        empty = len(empty_rows)
        empty_share = empty / n
        graded = sorted(m.graded, key=lambda g: -g[2])
        flagged = [g for g in graded if g[2] > self.warn_above]
        parts = []
        if flagged:
            parts.append(
                ", ".join(f"{c} {_pct(s)} missing ({k:,} of {n:,} rows)" for c, k, s in flagged[:4])
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
        chart = sorted(m.chart, key=lambda t: -t[1])
        evidence = [
            Table.of(
                ("column", "kind", "missing", "share", "graded", "written as"),
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


@dataclass(frozen=True)
class MissingCounts:
    """What `MissingValues` measured: per column with gaps (column, kind, missing, share, graded, how they
    were written), the graded (column, missing, share), every column's share for the chart, and the
    positions of entirely empty rows."""

    rows: int
    columns: list[tuple]
    graded: list[tuple[str, int, float]]
    chart: list[tuple[str, float]]
    empty_rows: np.ndarray


# ----------------------------------------------------------------------------------------------------------
# consistency.mixed_nulls

#: how a format marks a missing value that was never text (a JSON null, a DataFrame's NaN)
_NATIVE_NULL = {
    "dataframe": "NaN/None",
    "json": "JSON null",
    "jsonl": "JSON null",
    "parquet": "null",
    "xlsx": "empty cell",
}


def _markers(data: Dataset, column: str) -> dict[str, int]:
    """How the missing values of ``column`` were written: {marker: cells}. Text tokens appear quoted
    (``'NA'``, ``''`` for an empty cell); the format's own null (a JSON null, a DataFrame's NaN) by name."""
    tokens = dict((data.source.null_tokens or {}).get(column, {}))
    out = {repr(str(t)): int(k) for t, k in sorted(tokens.items(), key=lambda tk: -tk[1])}
    native = data.stats[column].missing - sum(tokens.values())
    if native > 0:
        fmt = data.source.format.split("+")[0]
        out[_NATIVE_NULL.get(fmt, "null")] = native
    return out


def _markers_text(markers: dict[str, int]) -> str:
    return ", ".join(f"{m} ×{k:,}" for m, k in markers.items())


@dataclass(frozen=True)
class MixedNulls(Check):
    """Columns whose missing values are written in more than one way ("mixed nulls"): `NA` in some rows and
    an empty cell, `null` or `N/A` in others.

    All of the standard null tokens (pandas' default `na_values`) are read as missing, so the audit's
    counts are right either way; this check looks at how they were written, per column. For a file, that is
    the text in the cells; for a DataFrame, the text cells that were null tokens beside the frame's own NaN
    or None (a DataFrame from `pd.read_csv` holds only NaN: pandas already read the tokens, so their
    spelling is no longer visible and its columns count one marker). A column marked one way passes; two or
    more warn (`warn_above`, the number of distinct markers allowed); the check never fails by default.

    Why it matters: one column written two ways usually means two sources or two export steps were joined,
    and the two markers may not mean the same thing: R writes `NA` for an unknown value and `""` for an
    empty text, a form may store "not asked" apart from "not answered". Read as one kind of missing, that
    difference is lost, and a loader that knows only one of the markers keeps the other as a category.

    How to fix: find where each marker comes from; if they mean different things, keep the difference in
    an explicit column (e.g. `reason_missing`); otherwise write one marker (an empty cell) at the source.
    """

    id: ClassVar[str] = "consistency.mixed_nulls"
    title: ClassVar[str] = "Mixed null markers"
    area: ClassVar[Area] = Area.CONSISTENCY
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine
    severity: ClassVar[Severity] = Severity.WARN

    warn_above: int = 1
    fail_above: int | None = None

    def run(self, data: Dataset) -> Outcome:
        per_column = {c: _markers(data, c) for c in data.columns if data.stats[c].missing}
        expected = f"at most {count(self.warn_above, 'way')} of writing missing values per column"
        if not per_column:
            return Outcome.skip(f"no missing values in {count(data.n_cols, 'column')}: no markers to compare")
        mixed = {c: m for c, m in per_column.items() if len(m) > self.warn_above}
        if not mixed:
            used: dict[str, int] = {}  # marker → columns written with it
            for m in per_column.values():
                for marker in m:
                    used[marker] = used.get(marker, 0) + 1
            how = ", ".join(f"{m} in {count(k, 'column')}" for m, k in used.items())
            return Outcome.ok(
                f"{'each of ' if len(per_column) > 1 else ''}the {count(len(per_column), 'column')} with "
                f"missing values writes them one way ({how})",
                observed={c: len(m) for c, m in per_column.items()},
                expected=expected,
            )
        status = worst_status(
            *(
                grade(len(m), warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
                for m in mixed.values()
            )
        )
        ranked = sorted(mixed, key=lambda c: (-len(mixed[c]), -sum(mixed[c].values())))
        parts = [f"{c}: {_markers_text(mixed[c])}" for c in ranked[:4]]
        verb = "writes" if len(mixed) == 1 else "write"
        msg = f"{count(len(mixed), 'column')} {verb} missing values more than one way: " + "; ".join(parts)
        if len(ranked) > 4:
            msg += f"; and {len(ranked) - 4} more"
        rows = [
            (c, marker, k, round(k / max(sum(mixed[c].values()), 1), 4))
            for c in ranked
            for marker, k in mixed[c].items()
        ]
        return Outcome.make(
            status,
            msg,
            observed={c: len(mixed[c]) for c in ranked},
            expected=expected,
            columns=ranked,
            evidence=Table.of(
                ("column", "written as", "cells", "share of missing"), rows, title="Null markers"
            ),
        )


# ----------------------------------------------------------------------------------------------------------
# consistency.disguised_missing


@dataclass(frozen=True)
class DisguisedMissing(Check):
    """Values that stand for "missing" without being empty: placeholder strings and sentinel numbers.

    The standard null tokens (NA, N/A, null, NaN, None, #N/A, an empty cell…) are already read as missing
    when the data is loaded; what is left here is the rest. Placeholders are text values such as
    whitespace, '?', '-', 'n.a.', 'unknown', 'missing', 'empty' and the standard tokens written another way
    ('Null', 'NONE', ' na '), in any case and with any surrounding spaces (the `placeholders` parameter).
    A placeholder that is a word can also be a real value: the first name 'Nan' in a column of first names,
    'none' as a level of 'medication' (no medication). Such a word is taken as a value, not a placeholder,
    when the column around it is text (80% of the other distinct values hold letters), written in
    the case of at least a quarter of them ('Nan' among 'Ann', 'Nora'; not 'NAN' or 'nan' among them), and
    either it names an absence ('none') or it is one of many values (at least 20 others) and no more
    frequent than the common ones: a placeholder stands in for many different values, so it stands out
    ('Unknown' in 12% of the rows of a name column is flagged). Sentinels are
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
    placeholders: tuple[str, ...] = DISGUISED_PLACEHOLDERS
    sentinels: tuple[float, ...] = SENTINELS
    min_repeats: int = 3

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        # (column, kind of value, value, rows, share of column)
        found: list[tuple[str, str, Any, int, float]] = []
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
                mask = disguised_mask(scope, self.placeholders)
                if mask.any():
                    if len(scope) < len(vc):
                        notes.append(f"{c} (its {len(scope):,} most frequent of {len(vc):,} distinct values)")
                    total = int(vc.sum())
                    for text, k in scope[mask].items():
                        found.append((c, "placeholder text", text, int(k), int(k) / max(total, 1)))
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


#: a word placeholder ('nan', 'unknown') may be a real value only in a column of text: at least this share
#: of the other distinct values hold letters (names, cities, titles; not numbers, codes of digits or dates)
WORD_COLUMN_MIN_SHARE = 0.8
#: ... and, unless it names an absence, among at least this many other distinct values
WORD_COLUMN_MIN_DISTINCT = 20
#: the word's case (lower, UPPER, Title) is that of at least this share of the other values
CASE_STYLE_MIN_SHARE = 0.25
#: and the word is no more frequent than this quantile of the other values' counts
COMMON_COUNT_QUANTILE = 0.95
#: placeholders that name the absence of a thing rather than of information: 'none' is a level of its own
#: (no medication, no religion, no degree) among other words written the same way
ABSENCE_WORDS = frozenset({"none"})

_WORD = r"[^\W\d_]+(?:[ '’.\-][^\W\d_]+)*"


def disguised_mask(counts: pd.Series, placeholders: tuple[str, ...] = DISGUISED_PLACEHOLDERS) -> np.ndarray:
    """Which distinct text values stand for missing: ``counts`` is a column's value counts (distinct value →
    rows). A placeholder is flagged unless it is a word that reads as a real value of this column (see
    `DisguisedMissing`): the column is made of words, written in the same case, and the word is either a
    level naming an absence ('none') or one value among many that is no more frequent than the others."""
    keys = counts.index
    mask = _placeholder_mask(keys, placeholders)
    if not mask.any():
        return mask
    stripped = pd.Series(_as_text(keys), dtype=object).str.strip()
    words = mask & stripped.str.fullmatch(_WORD, na=False).to_numpy(dtype=bool)
    others = ~mask
    if not words.any() or not others.any():
        return mask
    other_text = stripped[others]
    if other_text.str.contains(r"[^\W\d_]", regex=True, na=False).mean() < WORD_COLUMN_MIN_SHARE:
        return mask  # numbers, codes of digits, dates: a word among them is a placeholder
    style_share = _case_style(other_text).value_counts(normalize=True)
    same_style = _case_style(stripped).map(style_share).fillna(0.0).to_numpy() >= CASE_STYLE_MIN_SHARE
    absence = stripped.str.casefold().isin(ABSENCE_WORDS).to_numpy(dtype=bool)
    real = words & same_style & absence
    if others.sum() >= WORD_COLUMN_MIN_DISTINCT:
        common = float(np.quantile(counts.to_numpy(dtype="float64")[others], COMMON_COUNT_QUANTILE))
        real |= words & same_style & (counts.to_numpy(dtype="float64") <= common)
    return mask & ~real


def _case_style(text: pd.Series) -> pd.Series:
    """'lower', 'upper', 'title' or 'mixed' for each (stripped) text value."""
    out = np.full(len(text), "mixed", dtype=object)
    out[text.str.istitle().to_numpy(dtype=bool)] = "title"
    out[text.str.isupper().to_numpy(dtype=bool)] = "upper"
    out[text.str.islower().to_numpy(dtype=bool)] = "lower"
    return pd.Series(out, index=text.index)
