"""Consistency: is the data reliable, clean and consistent?

Column-level checks: missing and disguised-missing values, duplicate rows and ids, constant and copied
columns, mixed types, category spellings, rare categories, outliers, declared and implied value ranges, and
unparseable dates. Everything works from the shared statistics (``data.stats``) and vectorised pandas/numpy
operations; scans over distinct values are bounded, and the rare heavy ones run on the seeded sample.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import weakref
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.dataset import Dataset
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade
from dataaudit.privacy import mask_example
from dataaudit.roles import tokens

__all__ = [
    "CHECKS",
    "CategoryVariants",
    "ConstantColumns",
    "DisguisedMissing",
    "DuplicateIds",
    "DuplicateRows",
    "MissingValues",
    "MixedTypes",
    "Outliers",
    "RareCategories",
    "UnparseableDates",
    "ValueRanges",
]

#: free text longer than this on average is optional prose: its empty cells are shown but not graded
FREE_TEXT_LENGTH = 30
#: text scans over distinct values switch to the seeded sample above this many distinct values
MAX_DISTINCT_SCAN = 50_000
#: how many distinct values a cheap probe looks at before a full scan
PROBE = 200

PLACEHOLDERS = (
    "",
    "na",
    "n/a",
    "n.a.",
    "nan",
    "null",
    "none",
    "nil",
    "?",
    "??",
    "-",
    "--",
    "unknown",
    "missing",
    "not available",
    "#n/a",
    "undefined",
)
SENTINELS = (-1.0, -99.0, -999.0, -9999.0, 999.0, 9999.0, 99999.0, 999999.0)

_DATE_LIKE = re.compile(
    r"^\s*(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
    r"|\d{1,2}[ -]?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ ,-]*\d{2,4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ -]\d{1,2}(?:st|nd|rd|th)?,?[ -]\d{2,4})",
    re.IGNORECASE,
)
_DATE_LIKE_PD = _DATE_LIKE.pattern
_EXPLICIT_DATE_FORMATS = (
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d.%m.%y",
)


# ----------------------------------------------------------------------------------------------------------
# helpers shared by several checks


def _role_columns(data: Dataset) -> set[str]:
    r = data.roles
    return {c for c in (r.target, r.id, r.timestamp, r.ingested_at, r.label_time) if c}


def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)


def _pct(x: float) -> str:
    """A share as a percentage with enough digits to tell small shares apart from zero."""
    if x == 0:
        return "0%"
    if x < 0.0001:
        return f"{x:.3%}"
    if x < 0.01:
        return f"{x:.2%}"
    return f"{x:.0%}" if x >= 0.995 else f"{x:.1%}"


def _quote(values, column: str, kind: str = "categorical", n: int = 3) -> str:
    return ", ".join(repr(mask_example(v, column=column, kind=kind)) for v in list(values)[:n])


def _text_counts(data: Dataset, column: str) -> tuple[pd.Series, str]:
    """Value counts of a text column, keyed by the text of each value: from the shared statistics, or from
    the seeded sample when the column has too many distinct values to scan. Returns (counts, note)."""
    vc = data.stats.value_counts(column)
    note = ""
    if len(vc) > MAX_DISTINCT_SCAN:
        # the rows of data.sample() (same seed, same positions), taken from this one column only
        col = data.frame[column]
        if len(col) > data.sample_rows:
            col = col.sample(n=data.sample_rows, random_state=0)
        vc = col.value_counts(dropna=True)
        note = data.sample_note()
        if len(vc) > MAX_DISTINCT_SCAN:  # still huge (sample_rows raised): the most frequent values
            vc = vc.iloc[:MAX_DISTINCT_SCAN]
            note = f" (on the {MAX_DISTINCT_SCAN:,} most frequent values{data.sample_note()})"
    return pd.Series(vc.to_numpy(), index=_as_text(vc.index)), note


def _probe_keys(data: Dataset, column: str) -> pd.Series:
    """The most frequent distinct values of a column as text: a cheap look before a full scan."""
    return pd.Series(data.stats.value_counts(column).index[:PROBE], dtype=object).astype(str)


def _grade_worst(shares: list[float], warn: float | None, fail: float | None) -> Status:
    order = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}
    worst = Status.PASS
    for s in shares:
        st = grade(s, warn=warn, fail=fail, higher_is_worse=True)
        if order[st] > order[worst]:
            worst = st
    return worst


def _expected(warn: float | None, fail: float | None, what: str = "share") -> str:
    parts = []
    if warn is not None:
        parts.append(f"warn above {_pct(warn)}")
    if fail is not None:
        parts.append(f"fail above {_pct(fail)}")
    return f"{what}: " + ", ".join(parts) if parts else "not graded"


def _as_text(keys: pd.Index) -> pd.Index:
    """Distinct values as text (a no-op for text already)."""
    if pd.api.types.infer_dtype(keys, skipna=True) in ("string", "empty"):
        return pd.Index(keys, dtype=object)
    return pd.Index(keys.map(str), dtype=object)


def _placeholder_mask(keys: pd.Index, placeholders: tuple[str, ...]) -> np.ndarray:
    """Which text values are missing-value placeholders (case, surrounding whitespace ignored)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(_as_text(keys).to_numpy(), type=pa.string(), from_pandas=True)
    norm = pc.utf8_lower(pc.utf8_trim_whitespace(arr))
    wanted = pa.array(sorted({p.strip().lower() for p in placeholders}), type=pa.string())
    return pc.is_in(norm, value_set=wanted).to_numpy(zero_copy_only=False).astype(bool)


def _sentinels(data: Dataset, column: str, candidates=SENTINELS, min_repeats: int = 3) -> dict[float, int]:
    """Sentinel numbers in a numeric column (cached per dataset: three checks ask): see `_find_sentinels`."""
    cache = _SENTINEL_CACHE.setdefault(data.stats, {})
    key = (column, tuple(candidates), min_repeats)
    if key not in cache:
        cache[key] = _find_sentinels(data, column, candidates, min_repeats)
    return cache[key]


_SENTINEL_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _find_sentinels(data: Dataset, column: str, candidates, min_repeats: int) -> dict[float, int]:
    """Candidate values repeated at least ``min_repeats`` times that sit apart from every other value:
    negative in an otherwise non-negative column, or beyond the others' range by at least half their IQR,
    or beyond their 1st/99th percentile by 3 IQRs. {value: rows}."""
    st = data.stats[column]
    if st.kind != "numeric" or st.distinct <= 2 or not st.quantiles:
        return {}
    lo, hi = st.quantiles["min"], st.quantiles["max"]
    candidates = [float(c) for c in candidates if lo <= c <= hi]
    if not candidates:
        return {}
    vc = data.stats.value_counts(column)
    if not pd.api.types.is_numeric_dtype(vc.index.dtype) or pd.api.types.is_bool_dtype(vc.index.dtype):
        parsed = pd.to_numeric(pd.Series(vc.index.map(str)), errors="coerce").to_numpy()
        vc = pd.Series(vc.to_numpy(), index=parsed)
        vc = vc[vc.index.notna()].groupby(level=0).sum()
    keys = vc.index.to_numpy(dtype="float64")
    hits = np.zeros(keys.size, dtype=bool)
    for c in candidates:  # a handful of candidates: one vectorised comparison each
        hits |= keys == c
    present = pd.Series(vc.to_numpy()[hits], index=keys[hits])
    present = present[present >= min_repeats]
    if present.empty:
        return {}
    rest = pd.Series(vc.to_numpy(), index=keys)[~np.isin(keys, present.index.to_numpy())].sort_index()
    if rest.sum() < 10:
        return {}
    values, weights = rest.index.to_numpy(dtype="float64"), rest.to_numpy(dtype="float64")
    cum = np.cumsum(weights) / weights.sum()

    def q(p: float) -> float:
        return float(values[min(np.searchsorted(cum, p), len(values) - 1)])

    q01, q25, q75, q99 = q(0.01), q(0.25), q(0.75), q(0.99)
    iqr = q75 - q25 or (q99 - q01) / 4 or 1.0
    lo, hi = float(values[0]), float(values[-1])
    negative_share = float(weights[values < 0].sum() / weights.sum())
    out = {}
    for value, n in present.items():
        v = float(value)
        apart = (
            (v < 0 and negative_share <= 0.005)
            or (v > hi and v - hi >= 0.5 * iqr)
            or (v < lo and lo - v >= 0.5 * iqr)
            or v > q99 + 3 * iqr
            or v < q01 - 3 * iqr
        )
        if apart:
            out[v] = int(n)
    return out


def _numeric_columns(data: Dataset, columns) -> list[str]:
    out = []
    for c in columns:
        st = data.stats[c]
        if st.kind == "numeric" and st.distinct > 2 and data.stats.numeric(c) is not None:
            out.append(c)
    return out


# ----------------------------------------------------------------------------------------------------------
# consistency.missing_values


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
        empty = 0
        if cols and all(data.stats[c].missing for c in cols):
            empty = int(data.frame[cols].isna().all(axis=1).sum())
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
        status = max(statuses, key=[Status.PASS, Status.WARN, Status.FAIL].index)
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
            idx = np.flatnonzero(data.frame[cols].isna().all(axis=1).to_numpy())[:5]
            evidence.append(
                Table.of(("row",), [(int(i),) for i in idx], title="Entirely empty rows (first 5)")
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


# ----------------------------------------------------------------------------------------------------------
# duplicate detection: group codes refined column by column over a shrinking set of candidate rows


def _codes(values: pd.Series, normalise: bool, decimals: int) -> np.ndarray:
    """Integer codes equal exactly when values are equal (missing equals missing); with ``normalise``, text
    is compared trimmed, case-folded, with runs of whitespace collapsed, and floats rounded."""
    if normalise and pd.api.types.is_float_dtype(values):
        values = values.round(decimals)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(values) or pd.api.types.is_timedelta64_dtype(values):
        values = pd.Series(values.to_numpy().view("i8"))  # NaT is one fixed integer: missing equals missing
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    except TypeError:  # unhashable values (lists, dicts): compare their text
        codes, uniques = pd.factorize(values.astype(str), use_na_sentinel=False)
    if normalise and _is_text(values) and len(uniques):
        # distinct values only, then mapped back through the codes: cost grows with distinct values, not rows
        u = pd.Series(np.asarray(uniques, dtype=object))
        norm = u.astype(str).str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)
        remap, _ = pd.factorize(norm.where(u.notna(), "\x00<NA>"))
        codes = remap[codes]
    return np.asarray(codes, dtype=np.int64)


def _duplicate_groups(
    data: Dataset, columns: list[str], normalise: bool = False, decimals: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Rows that have at least one duplicate over ``columns``: (row positions, group code per row).

    Only a row whose value repeats in *every* column can be a duplicate. The shared value counts say, for
    each column compared as is, how many rows hold a repeated value; the most selective such column picks
    the candidate rows (none at all: no duplicates, without touching the rows). Then the remaining columns,
    most distinct first, refine group codes over the shrinking candidate set."""
    frame = data.frame
    n = len(frame)
    if not columns or n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)

    def as_is(c: str) -> bool:  # columns that normalising would not change
        s = frame[c]
        return not normalise or not (_is_text(s) or pd.api.types.is_float_dtype(s))

    def repeated_rows(c: str) -> tuple[int, pd.Index]:
        vc = data.stats.value_counts(c)
        counts = vc.to_numpy()
        k = int(np.searchsorted(-counts, -2, side="right"))
        missing = data.stats[c].missing
        return int(counts[:k].sum()) + (missing if missing >= 2 else 0), vc.index[:k]

    idx = np.arange(n)
    remaining = list(columns)
    exact = [c for c in columns if as_is(c)]
    if exact:
        scored = [(repeated_rows(c), c) for c in exact]
        (rows, values), first = min(scored, key=lambda t: t[0][0])
        if rows == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        if rows < n:
            col = frame[first]
            mask = col.isin(values).to_numpy()
            if data.stats[first].missing >= 2:
                mask |= col.isna().to_numpy()
            idx = np.flatnonzero(mask)

    def order(c: str) -> float:
        fast = not _is_text(frame[c])
        return -data.stats[c].distinct * (2.0 if fast else 1.0)

    g = np.zeros(idx.size, dtype=np.int64)
    for i, c in enumerate(sorted(remaining, key=order)):
        col = frame[c]
        sub = col if len(idx) == n else col.iloc[idx]
        codes = _codes(sub.reset_index(drop=True), normalise, decimals)
        if i == 0:
            g = codes  # the first column: its codes are the groups
        else:
            k = int(codes.max()) + 1 if codes.size else 1
            g, _ = pd.factorize(g * k + codes)
        keep = pd.Series(g).duplicated(keep=False).to_numpy()
        idx, g = idx[keep], g[keep]
        if idx.size == 0:
            break
    return idx, np.asarray(g, dtype=np.int64)


def _group_examples(idx: np.ndarray, g: np.ndarray, limit: int = 5) -> list[tuple[str, int]]:
    """The first ``limit`` duplicate groups as ('row, row, …', size)."""
    if idx.size == 0:
        return []
    order = np.lexsort((idx, g))
    groups = pd.Series(idx[order]).groupby(g[order], sort=False)
    firsts = groups.min().sort_values().index[:limit]
    out = []
    for key in firsts:
        rows = groups.get_group(key).to_numpy()
        shown = ", ".join(str(int(r)) for r in rows[:5]) + (" …" if len(rows) > 5 else "")
        out.append((shown, len(rows)))
    return out


def _has_unique_column(data: Dataset, columns: list[str]) -> bool:
    return any(data.stats[c].unique for c in columns)


# ----------------------------------------------------------------------------------------------------------
# consistency.duplicate_rows


@dataclass(frozen=True)
class DuplicateRows(Check):
    """Exact duplicate rows, and, reported separately, near-duplicates.

    An exact duplicate repeats every column of an earlier row. A near-duplicate becomes a duplicate once
    text is trimmed, case-folded and its whitespace collapsed, and floats are rounded to `round_decimals`
    decimals; near-duplicates ignore the id column (the same record entered twice usually gets a new id),
    and rows already counted as exact duplicates are not counted again. The evidence gives example groups
    by row number (0-based, in file order).

    Why it matters: duplicates over-weight some records, and when copies land on both sides of a
    train/test split the test score is inflated by memorised rows. Any exact duplicate warns (real-world
    tables rarely have a legitimate one); more than 1% of rows fails, where a split is measurably
    contaminated. Near-duplicates only warn (above `near_warn_above`), as some may be distinct records.

    How to fix: de-duplicate at the source or with `DataFrame.drop_duplicates()` before splitting; for
    near-duplicates, normalise text and decide which copy to keep. If repeated rows are real (e.g. identical
    purchases), add the column that tells them apart (a timestamp or transaction id).
    """

    id: ClassVar[str] = "consistency.duplicate_rows"
    title: ClassVar[str] = "Duplicate rows"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.01
    near_warn_above: float = 0.0
    round_decimals: int = 2

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        cols = data.columns
        if n < 2 or not cols:
            return Outcome.ok(f"{count(n, 'row')}: nothing to compare", observed={"exact": 0, "near": 0})
        # a column unique per row (e.g. the id) rules out exact duplicates without a scan
        if _has_unique_column(data, cols):
            e_idx = e_g = np.empty(0, np.int64)
        else:
            e_idx, e_g = _duplicate_groups(data, cols)
        exact = int(e_idx.size - np.unique(e_g).size) if e_idx.size else 0
        near_cols = [c for c in cols if c != data.roles.id]
        n_idx, n_g = _duplicate_groups(data, near_cols, normalise=True, decimals=self.round_decimals)
        # every exact group lies inside one near group: the near surplus beyond exact copies is the difference
        near_total = int(n_idx.size - np.unique(n_g).size) if n_idx.size else 0
        near = max(near_total - exact, 0)
        exact_share, near_share = exact / n, near / n
        status = grade(exact_share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        if status == Status.PASS and near_share > self.near_warn_above:
            status = Status.WARN
        parts = []
        if exact:
            parts.append(f"{count(exact, 'exact duplicate row')} ({_pct(exact_share)} of {n:,})")
        else:
            parts.append(f"no exact duplicate rows among {n:,}")
        if near:
            parts.append(
                f"{count(near, 'more near-duplicate row')} ({_pct(near_share)}) once text is trimmed and "
                f"case-folded and floats rounded to {self.round_decimals} decimals"
                + (f", ignoring {data.roles.id}" if data.roles.id else "")
            )
        evidence = []
        if exact:
            evidence.append(
                Table.of(
                    ("rows", "copies"), _group_examples(e_idx, e_g), title="Exact duplicates (first groups)"
                )
            )
        if near:
            exact_rows = set(e_idx.tolist())
            mask = ~np.isin(n_idx, list(exact_rows)) if exact_rows else np.ones(n_idx.size, bool)
            # groups that contain a row outside the exact groups
            near_groups = np.unique(n_g[mask])
            keep = np.isin(n_g, near_groups)
            evidence.append(
                Table.of(
                    ("rows", "copies"),
                    _group_examples(n_idx[keep], n_g[keep]),
                    title="Near-duplicates (first groups)",
                )
            )
        return Outcome.make(
            status,
            "; ".join(parts),
            observed={"exact": exact, "exact_share": round(exact_share, 4), "near": near},
            expected=_expected(self.warn_above, self.fail_above, "exact duplicate share")
            + f"; near-duplicates warn above {_pct(self.near_warn_above)}",
            columns=[],
            evidence=evidence,
        )


# ----------------------------------------------------------------------------------------------------------
# consistency.duplicate_ids


@dataclass(frozen=True)
class DuplicateIds(Check):
    """Values of the id column (configured, or detected and said so in the report) that occur more than once.

    The evidence lists the most repeated ids and says whether their rows are identical copies (then they
    are also exact duplicate rows) or different records sharing an id.

    Why it matters: an id is meant to name one record. A repeated id breaks joins (rows multiply), lets one
    entity appear in both training and test data, and often means two records were merged or one was
    re-sent. Any repeat warns; more than 0.1% of rows fails, since then it is a systematic fault rather
    than a stray re-send.

    How to fix: de-duplicate exact copies; for conflicting records with one id, find which one is current
    (e.g. the latest by ingestion time), or fix the key if the id is not really unique per row.
    """

    id: ClassVar[str] = "consistency.duplicate_ids"
    title: ClassVar[str] = "Unique ids"
    area: ClassVar[Area] = Area.CONSISTENCY
    requires: ClassVar[tuple[str, ...]] = ("id",)

    warn_above: float = 0.0
    fail_above: float = 0.001

    def run(self, data: Dataset) -> Outcome:
        col = data.roles.id
        n = data.n_rows
        st = data.stats[col]
        detected = " (detected)" if "id" in data.roles.detected else ""
        vc = data.stats.value_counts(col)
        repeated = vc[vc > 1]
        extra = int((repeated - 1).sum())
        rows_involved = int(repeated.sum())
        share = extra / n if n else 0.0
        status = grade(share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        missing = f"; {count(st.missing, 'row')} without an id" if st.missing else ""
        if not extra:
            return Outcome.ok(
                f"all {st.count:,} values of {col}{detected} are unique{missing}",
                observed={"repeated_ids": 0, "extra_rows": 0},
                expected=_expected(self.warn_above, self.fail_above, "share of repeated-id rows"),
                columns=[col],
            )
        s = data.frame[col]
        involved = np.flatnonzero(s.isin(repeated.index).to_numpy())
        # rows that are exact duplicates over every column (the id included) are plain copies; the same
        # grouping as consistency.duplicate_rows, so the two checks agree and the cost stays bounded
        copies, _ = _duplicate_groups(data, data.columns)
        identical = int(np.isin(involved, copies).sum())
        conflicting = rows_involved - identical
        nature = (
            "all are exact duplicate rows"
            if conflicting == 0
            else f"{count(conflicting, 'row')} differ in other columns (conflicting records)"
        )
        msg = (
            f"{count(len(repeated), 'id')} of {col}{detected} repeated: {extra:,} extra rows "
            f"({_pct(share)} of {n:,}); {nature}{missing}"
        )
        values = s.to_numpy()
        examples = []
        for value in repeated.index[:5]:  # five vectorised scans, one per example id
            rows = np.flatnonzero(values == value)
            rows_text = ", ".join(str(int(r)) for r in rows[:5]) + (" …" if len(rows) > 5 else "")
            ident = bool(rows.size and np.isin(rows, copies).all())
            examples.append(
                (mask_example(value, column=col, kind=st.kind), int(repeated[value]), rows_text, ident)
            )
        return Outcome.make(
            status,
            msg,
            observed={"repeated_ids": len(repeated), "extra_rows": extra, "share": round(share, 4)},
            expected=_expected(self.warn_above, self.fail_above, "share of repeated-id rows"),
            columns=[col],
            evidence=Table.of(
                ("id", "rows", "row numbers", "identical rows"), examples, title="Most repeated ids"
            ),
        )


# ----------------------------------------------------------------------------------------------------------
# consistency.constant_columns


@dataclass(frozen=True)
class ConstantColumns(Check):
    """Feature columns that carry (almost) no information: constant, near-constant, or exact copies.

    A constant column has one value in every non-missing row; a near-constant one has a single value in
    at least `near_constant_share` (99%) of its non-missing rows; a copy is identical, row for row, to
    another column (the target is left to `consistency.target_leakage`). Empty columns are
    `consistency.missing_values`'s concern and skipped here.

    Why it matters: a constant column teaches a model nothing and can break scaling (zero variance);
    with a 99%-dominant value, fewer than 1 row in 100 carries the signal, too few for most models to
    learn from and a split may leave none of them in a fold. A copied column doubles a feature's weight
    in distance-based and regularised models and hides a data-pipeline mistake. Each such column warns;
    the default never fails (`fail_above` unset), because they cost model quality, not correctness.

    How to fix: drop constant and copied columns; check that a near-constant column is meant to be so (a
    rare flag is fine, a default value filled in by a form is not) and encode rare flags explicitly.
    """

    id: ClassVar[str] = "consistency.constant_columns"
    title: ClassVar[str] = "Constant and copied columns"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: int = 0
    fail_above: int | None = None
    near_constant_share: float = 0.99

    def run(self, data: Dataset) -> Outcome:
        feats = data.features
        findings = []  # (column, what, detail)
        for c in feats:
            st = data.stats[c]
            if st.count == 0:
                continue
            value, top = st.top[0]
            shown = mask_example(value, column=c, kind=st.kind)
            if st.distinct == 1:
                extra = f", {count(st.missing, 'row')} missing" if st.missing else ""
                findings.append((c, "constant", f"always {shown!r} ({st.count:,} rows{extra})"))
            elif top / st.count >= self.near_constant_share:
                findings.append(
                    (
                        c,
                        "near-constant",
                        f"{shown!r} in {_pct(top / st.count)} of {st.count:,} non-missing rows",
                    )
                )
        copies = self._copies(data)
        findings += [(b, "copy", f"identical to {a}") for a, b in copies]
        n_flagged = len({f[0] for f in findings})
        status = grade(n_flagged, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        expected = f"at most {self.warn_above} such columns"
        if not findings:
            return Outcome.ok(
                f"no constant, near-constant (>= {_pct(self.near_constant_share)} one value) or copied "
                f"columns among {count(len(feats), 'feature')}",
                observed=0,
                expected=expected,
            )
        kinds = {}
        for _, what, _ in findings:
            kinds[what] = kinds.get(what, 0) + 1
        summary = ", ".join(f"{k} {w}" for w, k in kinds.items())
        detail = "; ".join(f"{c} {d}" for c, _, d in findings[:3])
        more = f"; and {len(findings) - 3} more" if len(findings) > 3 else ""
        return Outcome.make(
            status,
            f"{count(n_flagged, 'column')} with little or no information ({summary}): {detail}{more}",
            observed=n_flagged,
            expected=expected,
            columns=sorted({f[0] for f in findings}),
            evidence=Table.of(("column", "finding", "detail"), findings, title="Constant and copied columns"),
        )

    @staticmethod
    def _copies(data: Dataset) -> list[tuple[str, str]]:
        """(original, copy) pairs: columns with identical statistics are compared in full."""
        cols = [c for c in data.columns if c != data.roles.target]
        buckets: dict[tuple, list[str]] = {}
        for c in cols:
            st = data.stats[c]
            if st.distinct < 2:
                continue
            key = (st.dtype, st.count, st.missing, st.distinct, tuple(k for _, k in st.top))
            buckets.setdefault(key, []).append(c)
        out = []
        for group in buckets.values():
            seen: list[str] = []
            for c in group:
                s = data.frame[c]
                match = next(
                    (
                        a
                        for a in seen
                        if s.reset_index(drop=True).equals(data.frame[a].reset_index(drop=True))
                    ),
                    None,
                )
                if match is None:
                    seen.append(c)
                elif c in data.features:
                    out.append((match, c))
        return out


# ----------------------------------------------------------------------------------------------------------
# consistency.mixed_types


def _classify(keys: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """(is_number, is_date_like) for text values."""
    s = pd.Series(keys, dtype=object).astype(str)
    is_num = pd.to_numeric(s.str.strip(), errors="coerce").notna().to_numpy()
    is_date = s.str.contains(_DATE_LIKE_PD, regex=True, na=False).to_numpy() & ~is_num
    return is_num, is_date


@dataclass(frozen=True)
class MixedTypes(Check):
    """Columns mostly of one type (numbers, or dates) that also hold text.

    A text column where most values are numbers ("12.5", "40000") but some are not ("unknown", "12k"), or
    most are dates but some are words ("not given"), is flagged with the minority's share and examples.
    (Date-like values that fail to parse, and mixed date formats, are `consistency.unparseable_dates`'s
    concern; empty cells are `consistency.missing_values`'. The id column is left alone: any characters
    may name a row.)

    Why it matters: one text value makes a whole numeric column text, so it is one-hot encoded or dropped
    instead of used as a number, or a conversion fails in production. Any text in a numeric or date column
    warns; more than 5% fails, since the column cannot then be converted without a decision about what the
    text means.

    How to fix: decide what each text value means: missing (convert to empty), a unit or suffix to parse
    ("12k" → 12000), or an error to correct at the source; then store the column with one type.
    """

    id: ClassVar[str] = "consistency.mixed_types"
    title: ClassVar[str] = "Mixed types"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.05
    majority_share: float = 0.5

    def run(self, data: Dataset) -> Outcome:
        findings = []  # (column, majority, minority share, minority rows, examples, note)
        for c in data.columns:
            s = data.frame[c]
            # an id is a label: "10023" beside "A-77" is a naming scheme, not a type problem
            if not _is_text(s) or data.stats[c].count == 0 or c == data.roles.id:
                continue
            probe_num, probe_date = _classify(pd.Index(_probe_keys(data, c), dtype=object))
            if probe_num.mean() < 0.2 and probe_date.mean() < 0.2:
                continue
            vc, note = _text_counts(data, c)
            is_num, is_date = _classify(vc.index)
            w = vc.to_numpy(dtype="float64")
            total = w.sum()
            num_share, date_share = w[is_num].sum() / total, w[is_date].sum() / total
            if num_share >= self.majority_share:
                majority, minority = "numbers", ~is_num
            elif date_share >= self.majority_share:
                # date-like values that fail to parse are unparseable_dates' concern: only words count here
                has_digit = pd.Series(vc.index, dtype=object).astype(str).str.contains(r"\d").to_numpy()
                majority, minority = "dates", ~is_date & ~is_num & ~has_digit
            else:
                continue
            rows = int(w[minority].sum())
            if not rows:
                continue
            examples = vc.index[minority][:5]
            findings.append((c, majority, rows / total, rows, list(examples), note))
        expected = _expected(self.warn_above, self.fail_above, "share of text values")
        if not findings:
            return Outcome.ok("no column mixes numbers or dates with text", observed={}, expected=expected)
        findings.sort(key=lambda f: -f[2])
        status = _grade_worst([f[2] for f in findings], self.warn_above, self.fail_above)
        parts = [
            f"{c}: {_pct(share)} of values are text ({_quote(ex, c)})"
            for c, _, share, _, ex, _ in findings[:3]
        ]
        msg = "; ".join(parts) + (f"; and {len(findings) - 3} more columns" if len(findings) > 3 else "")
        notes = [f"{f[0]}{f[5]}" for f in findings if f[5]]
        if notes:
            msg += f"; scanned {', '.join(notes)}"
        table = Table.of(
            ("column", "mostly", "text values", "share", "examples"),
            [(c, maj, k, round(share, 4), _quote(ex, c, n=5)) for c, maj, share, k, ex, _ in findings],
            title="Columns mixing types",
        )
        return Outcome.make(
            status,
            msg,
            observed={f[0]: round(f[2], 4) for f in findings},
            expected=expected,
            columns=[f[0] for f in findings],
            evidence=table,
        )


# ----------------------------------------------------------------------------------------------------------
# consistency.category_variants


def _variant_key(value: str) -> str:
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "", text.casefold())


def _initials(value: str) -> str:
    words = [w for w in re.split(r"[\W_]+", str(value).casefold()) if w]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


@dataclass(frozen=True)
class CategoryVariants(Check):
    """Category values that are spellings of the same thing.

    In columns with at most `max_distinct` values, values that differ only by case, whitespace, punctuation
    or accents ('Self-employed', 'SELF-EMPLOYED', 'self employed ') form a group. In columns with at most
    `abbreviation_max_distinct` values, a short value (1–3 letters) that is the prefix or the initials of
    exactly one more frequent value ('M' next to 'Male', 'NB' next to 'Non-binary') joins that value's group.
    Each group is reported with the count of every spelling; the most frequent spelling is taken as the
    canonical one. Placeholders for missing values are `consistency.disguised_missing`'s concern.

    Why it matters: a model treats every spelling as its own category, so one real category is split into
    several small ones, each with fewer examples and noisier estimates; group statistics and fairness
    metrics are split too. Any variant warns; more than 1% of rows in non-canonical spellings fails, as
    that is enough to shift per-category rates.

    How to fix: normalise the values (trim, case-fold, map abbreviations) in the pipeline, and validate
    against an allowed list at the source (see `consistency.value_ranges`' `allowed`).
    """

    id: ClassVar[str] = "consistency.category_variants"
    title: ClassVar[str] = "Category spelling variants"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.01
    max_distinct: int = 100
    abbreviation_max_distinct: int = 20

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        findings = []  # (column, canonical, [(value, rows, how)], variant rows)
        examined = 0
        for c in data.columns:
            st = data.stats[c]
            if not _is_text(data.frame[c]) or st.distinct < 2 or st.distinct > self.max_distinct:
                continue
            if st.kind not in ("categorical", "boolean", "text"):
                continue
            examined += 1
            vc = data.stats.value_counts(c)
            keys = [str(v) for v in vc.index]
            counts = [int(k) for k in vc.to_numpy()]
            placeholder = _placeholder_mask(pd.Index(keys, dtype=object), PLACEHOLDERS)
            groups: dict[str, list[tuple[str, int, str]]] = {}
            for value, k, ph in zip(keys, counts, placeholder):
                if ph:
                    continue
                key = _variant_key(value)
                if key:
                    groups.setdefault(key, []).append((value, k, "spelling"))
            if len(groups) <= self.abbreviation_max_distinct:
                self._abbreviations(groups)
            for members in groups.values():
                if len(members) < 2:
                    continue
                members.sort(key=lambda m: -m[1])
                canonical = members[0][0]
                variant_rows = sum(m[1] for m in members[1:])
                findings.append((c, canonical, members, variant_rows))
        expected = _expected(self.warn_above, self.fail_above, "share of rows in non-canonical spellings")
        if not findings:
            return Outcome.ok(
                f"no spelling variants in {count(examined, 'categorical column')}",
                observed={"groups": 0},
                expected=expected,
            )
        per_col: dict[str, int] = {}
        for c, _, _, rows in findings:
            per_col[c] = per_col.get(c, 0) + rows
        status = _grade_worst([r / n for r in per_col.values()], self.warn_above, self.fail_above)
        findings.sort(key=lambda f: -f[3])
        parts = []
        for c, canonical, members, _rows in findings[:3]:
            spellings = ", ".join(f"{_show_cat(v, c)} {k:,}" for v, k, _ in members[:5])
            parts.append(f"{c}: {count(len(members), 'spelling')} of {_show_cat(canonical, c)} ({spellings})")
        total_rows = sum(per_col.values())
        msg = (
            f"{count(len(findings), 'category', 'categories')} written several ways in "
            f"{count(len(per_col), 'column')}, "
            f"{total_rows:,} rows ({_pct(total_rows / n)}) in non-canonical spellings: " + "; ".join(parts)
        )
        if len(findings) > 3:
            msg += f"; and {len(findings) - 3} more groups"
        rows = [
            (c, _show_cat(canonical, c), _show_cat(v, c), k, how if i else "canonical")
            for c, canonical, members, _ in findings
            for i, (v, k, how) in enumerate(members)
        ]
        return Outcome.make(
            status,
            msg,
            observed={c: {"variant_rows": r, "share": round(r / n, 4)} for c, r in per_col.items()},
            expected=expected,
            columns=list(per_col),
            evidence=Table.of(
                ("column", "group", "spelling", "rows", "kind"), rows, title="Spelling variants"
            ),
        )

    @staticmethod
    def _abbreviations(groups: dict[str, list[tuple[str, int, str]]]) -> None:
        """Move short values that abbreviate exactly one more frequent value into that value's group."""
        totals = {k: sum(m[1] for m in v) for k, v in groups.items()}
        initials = {k: _initials(max(v, key=lambda m: m[1])[0]) for k, v in groups.items()}
        for short in [k for k in groups if 1 <= len(k) <= 3 and k.isalpha()]:
            if short not in groups:
                continue
            targets = [
                k
                for k in groups
                if k != short
                and len(k) >= len(short) + 2
                and (k.startswith(short) or initials[k] == short)
                and totals[k] > totals[short]
            ]
            if len(targets) == 1:
                groups[targets[0]] += [(v, c, "abbreviation") for v, c, _ in groups.pop(short)]


def _show_cat(value: str, column: str) -> str:
    shown = mask_example(value, column=column, kind="categorical")
    return repr(shown)


# ----------------------------------------------------------------------------------------------------------
# consistency.rare_categories


def _category_like(st) -> bool:
    """Categorical columns, and short high-cardinality text that still repeats (codes, cities), but not
    free text or values unique to nearly every row (names, ids)."""
    if st.kind == "categorical":
        return True
    return st.kind == "text" and (st.mean_length or 0) <= FREE_TEXT_LENGTH and st.distinct <= 0.5 * st.count


@dataclass(frozen=True)
class RareCategories(Check):
    """Categories with too few rows to generalise from.

    In every categorical feature, and every short-text feature whose values repeat (a city or a product
    code; not free text or near-unique values), a category with fewer than `min_count` rows is rare. The
    target is `size.class_counts`' concern and sensitive attributes are `size.group_counts`'. The check
    grades the share of rows that fall in rare categories, per column.

    Why it matters: a model cannot learn a reliable effect for a category seen a handful of times: it
    memorises those rows, and with 5-fold cross-validation a 10-row category has about 2 rows per fold.
    Unseen or rare levels also break encoders at prediction time. The default `min_count` of 10 is the
    smallest count at which a per-category rate means anything; any rare category warns, and more than 5%
    of rows in rare categories fails, where a model's treatment of a sizeable part of the data is guesswork.

    How to fix: merge rare categories into an "other" level or a meaningful parent, collect more data for
    them, or use an encoder that shrinks rare levels towards the overall mean (target or count encoding).
    """

    id: ClassVar[str] = "consistency.rare_categories"
    title: ClassVar[str] = "Rare categories"
    area: ClassVar[Area] = Area.CONSISTENCY

    min_count: int = 10
    warn_above: float = 0.0
    fail_above: float = 0.05

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        sensitive = set(data.roles.sensitive)
        findings = []  # (column, [(value, rows)], rare rows, levels)
        examined = 0
        for c in data.features:
            st = data.stats[c]
            if c in sensitive or not _category_like(st):
                continue
            examined += 1
            vc = data.stats.value_counts(c)
            rare = vc[vc < self.min_count]
            if len(rare):
                findings.append((c, list(rare.items()), int(rare.sum()), len(vc)))
        expected = f"categories with < {self.min_count} rows; " + _expected(
            self.warn_above, self.fail_above, "share of rows in them"
        )
        if not findings:
            return Outcome.ok(
                f"every category of {count(examined, 'categorical feature')} has >= {self.min_count} rows",
                observed={"rare": 0},
                expected=expected,
            )
        status = _grade_worst([r / n for _, _, r, _ in findings], self.warn_above, self.fail_above)
        findings.sort(key=lambda f: -f[2])
        parts = []
        for c, rare, rows, levels in findings[:3]:
            smallest = ", ".join(f"{_show_cat(v, c)} {k}" for v, k in sorted(rare, key=lambda r: r[1])[:3])
            parts.append(
                f"{c}: {len(rare)} of {levels} categories below {self.min_count} rows "
                f"({rows:,} rows, {_pct(rows / n)}; {smallest})"
            )
        msg = "; ".join(parts) + (f"; and {len(findings) - 3} more columns" if len(findings) > 3 else "")
        table_rows = [
            (c, _show_cat(v, c), int(k), round(int(k) / n, 5))
            for c, rare, _, _ in findings
            for v, k in sorted(rare, key=lambda r: r[1])
        ]
        return Outcome.make(
            status,
            msg,
            observed={c: {"rare_categories": len(r), "rows": rows} for c, r, rows, _ in findings},
            expected=expected,
            columns=[f[0] for f in findings],
            evidence=Table.of(("column", "category", "rows", "share"), table_rows, title="Rare categories"),
        )


# ----------------------------------------------------------------------------------------------------------
# consistency.outliers

_TRANSFORMS = {
    "raw": (lambda x: x, lambda y: y),
    "sqrt": (np.sqrt, lambda y: np.sign(y) * y * y),
    "log": (np.log, np.exp),
}


#: (p99 - p75) / IQR of a normal distribution: how long a tail looks on a scale where the data is normal
_NORMAL_TAIL = (2.3263 - 0.6745) / 1.3490


@dataclass(frozen=True)
class Outliers(Check):
    """Robust numeric outliers per column: values beyond Tukey's far-out fences on the column's natural scale.

    For every numeric feature with more than two values, each tail is judged on the scale, among raw,
    square root and log (the latter two for non-negative and positive data), on which that tail looks most
    like a normal one (its 1st/99th percentile about 1.2 interquartile ranges beyond the quartile), so a
    lognormal income or a waiting time is judged where it looks normal and its long tail is not called an
    outlier. Outliers lie more than `k` (3) interquartile ranges beyond the quartiles on that scale. A
    column with fewer than `min_count` (3) outliers, none of them beyond twice that distance, is listed but
    not graded: in a few hundred rows one value just past a fence estimated from those rows is noise.
    Sentinel numbers (`consistency.disguised_missing`'s concern) are left out, and so is a spike of zeros
    in a non-negative column (a separate mode, not an outlier).

    Why it matters: gross outliers (an extra zero, a unit mix-up, a test record) dominate squared-error
    losses, scaling and linear models. With k = 3 on the right scale, clean normal or lognormal data has
    about one such value per million, so the defaults warn when more than 0.1% of a column's values are
    outliers and fail above 1%, where they are systematic.

    How to fix: look at the examples: correct unit or entry errors at the source, drop test records, and
    for real extremes use a robust loss, a transformation or winsorising.
    """

    id: ClassVar[str] = "consistency.outliers"
    title: ClassVar[str] = "Outliers"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.001
    fail_above: float = 0.01
    k: float = 3.0
    min_count: int = 3

    def run(self, data: Dataset) -> Outcome:
        findings, table = [], []
        cols = _numeric_columns(data, data.features)
        for c in cols:
            res = self._column(data, c)
            if res is None:
                continue
            scale, lo, hi, n_out, far, n_judged, low_ex, high_ex, note = res
            share = n_out / n_judged if n_judged else 0.0
            table.append(
                (c, scale, _num(lo), _num(hi), n_out, round(share, 5), _examples(low_ex, high_ex), note)
            )
            if n_out >= self.min_count or far:
                findings.append((c, share, n_out, n_judged, scale, lo, hi, low_ex, high_ex))
        expected = _expected(self.warn_above, self.fail_above, f"share beyond {self.k:g} IQR fences")
        status = _grade_worst([f[1] for f in findings], self.warn_above, self.fail_above)
        table.sort(key=lambda r: -r[5])
        evidence = Table.of(
            ("column", "scale", "lower fence", "upper fence", "outliers", "share", "examples", "note"),
            table,
            title="Outliers per numeric column",
        )
        flagged = sorted((f for f in findings if f[1] > self.warn_above), key=lambda f: -f[1])
        if not flagged:
            most = max(findings, key=lambda f: f[1], default=None)
            tail = (
                f"; the most {most[0]} with {count(most[2], 'value')} ({_pct(most[1])}), within "
                f"{_pct(self.warn_above)}"
                if most
                else ""
            )
            return Outcome.ok(
                f"no column has more than {_pct(self.warn_above)} outliers among "
                f"{count(len(cols), 'numeric feature')}{tail}",
                observed={f[0]: round(f[1], 5) for f in findings},
                expected=expected,
                evidence=evidence,
            )
        parts = [
            f"{c}: {count(k, 'value')} ({_pct(s)}) outside [{_num(lo)}, {_num(hi)}] on the {scale} scale "
            f"(e.g. {_examples(le, he)})"
            for c, s, k, _, scale, lo, hi, le, he in flagged[:3]
        ]
        msg = "; ".join(parts) + (f"; and {len(flagged) - 3} more columns" if len(flagged) > 3 else "")
        return Outcome.make(
            status,
            msg,
            observed={f[0]: round(f[1], 5) for f in findings},
            expected=expected,
            columns=[f[0] for f in flagged],
            evidence=evidence,
        )

    def _column(self, data: Dataset, c: str):
        x = data.stats.numeric(c)
        st = data.stats[c]
        q = st.quantiles
        if q is None:
            return None
        sentinels = _sentinels(data, c)
        note = []
        exclude = rest = None
        zeros = int((x == 0).sum())
        zero_spike = zeros >= 0.01 * st.count
        if sentinels or zero_spike:
            arr = x.to_numpy(dtype="float64", na_value=np.nan)
            exclude = np.isin(arr, list(sentinels)) if sentinels else np.zeros(arr.size, dtype=bool)
            rest = arr[~exclude & np.isfinite(arr)]
            if zero_spike and rest.size and rest.min() >= 0:  # a spike of zeros is its own mode
                exclude |= arr == 0
                rest = rest[rest != 0]
                note.append(f"{count(zeros, 'zero')} left out")
            elif not sentinels:
                exclude, rest = None, None
            if sentinels:
                note.insert(0, "sentinels " + ", ".join(f"{v:g}" for v in sentinels) + " left out")
        if rest is not None:
            if rest.size < 10:
                return None
            vmin, p01, q1, q2, q3, p99 = np.quantile(rest, [0.0, 0.01, 0.25, 0.5, 0.75, 0.99])
        else:
            vmin, p01, q1, q2, q3, p99 = (q[k] for k in ("min", "p01", "p25", "p50", "p75", "p99"))
        options = ["raw"] + (["sqrt"] if vmin >= 0 else []) + (["log"] if vmin > 0 else [])
        best = {}  # side -> (distance from a normal tail, scale, fence)
        for name in options:
            fwd, inv = _TRANSFORMS[name]
            with np.errstate(all="ignore"):
                t01, t1, _, t3, t99 = (float(fwd(v)) for v in (p01, q1, q2, q3, p99))
            iqr = t3 - t1
            if not iqr > 0:
                continue
            for side, tail, fence, far in (
                ("low", (t1 - t01) / iqr, t1 - self.k * iqr, t1 - 2 * self.k * iqr),
                ("high", (t99 - t3) / iqr, t3 + self.k * iqr, t3 + 2 * self.k * iqr),
            ):
                distance = abs(np.log(tail / _NORMAL_TAIL)) if tail > 0 else np.inf
                # a stronger transform must fit the tail clearly better (options go raw → sqrt → log): the
                # log scale stretches values near zero, so a waiting time's short lower tail stays on sqrt
                if side not in best or distance < 0.75 * best[side][0]:
                    if side == "low":
                        raw = [-np.inf if name == "sqrt" and f <= 0 else float(inv(f)) for f in (fence, far)]
                    else:
                        raw = [float(inv(f)) for f in (fence, far)]
                    best[side] = (distance, name, *raw)
        if not best:
            note.append("interquartile range is 0: not judged")
            return "—", np.nan, np.nan, 0, 0, int(st.count), [], [], "; ".join(note)
        lo, hi = best["low"][2], best["high"][2]
        far_lo, far_hi = best["low"][3], best["high"][3]
        scale = best["low"][1] if best["low"][1] == best["high"][1] else f"{best['low'][1]}/{best['high'][1]}"
        arr = x.to_numpy(dtype="float64", na_value=np.nan)
        out = (arr < lo) | (arr > hi)
        if exclude is not None:
            out &= ~exclude
        n_out = int(out.sum())
        judged = int(st.count - (exclude.sum() if exclude is not None else 0))
        low_ex = high_ex = []
        far = 0
        if n_out:
            picked = arr[out]
            far = int(((picked < far_lo) | (picked > far_hi)).sum())
            low_ex = np.sort(picked[picked < lo])[:3].tolist()
            high_ex = np.sort(picked[picked > hi])[::-1][:3].tolist()
            if n_out < self.min_count and not far:
                far_k = 2 * self.k
                note.append(
                    f"{count(n_out, 'value')} just past the fence, none beyond {far_k:g} IQRs: not graded"
                )
        return scale, lo, hi, n_out, far, judged, low_ex, high_ex, "; ".join(note)


def _num(v: float) -> str:
    if v is None or not np.isfinite(v):
        return "—"
    return f"{v:,.4g}" if abs(v) < 1e6 else f"{v:.4g}"


def _examples(low: list[float], high: list[float]) -> str:
    return ", ".join(_num(v) for v in [*high, *low][:5])


# ----------------------------------------------------------------------------------------------------------
# consistency.value_ranges

Bound = float | dt.datetime | None

_AGE = {"age"}
_NONNEGATIVE = {
    "count",
    "counts",
    "qty",
    "quantity",
    "price",
    "prices",
    "amount",
    "cost",
    "fee",
    "fees",
    "salary",
    "wage",
    "duration",
    "seconds",
    "secs",
    "minutes",
    "mins",
    "hours",
    "days",
    "weeks",
    "months",
    "years",
    "tenure",
    "term",
}
_PERCENT = {"pct", "percent", "percentage", "perc"}
_SHORT_UNITS = {"days", "day", "weeks", "months", "hours", "minutes", "mins", "seconds", "secs", "ms"}
_SIGNED = {
    "change",
    "diff",
    "difference",
    "delta",
    "growth",
    "return",
    "returns",
    "balance",
    "net",
    "profit",
    "pnl",
    "adjustment",
    "offset",
    "gain",
    "loss",
    "variance",
    "residual",
    "error",
    "lat",
    "latitude",
    "lon",
    "lng",
    "longitude",
    "temp",
    "temperature",
    "score",
    "since",
    "until",
    "to",
}
_PLANNED = {
    "due",
    "expiry",
    "expires",
    "expiration",
    "maturity",
    "end",
    "until",
    "scheduled",
    "planned",
    "valid",
    "renewal",
    "next",
    "deadline",
    "forecast",
    "target",
    "expected",
}


@dataclass(frozen=True)
class ValueRanges(Check):
    """Values outside declared ranges, allowed sets or patterns, and values impossible for a column's meaning.

    Declared rules are parameters in dataaudit.yaml, one mapping per rule kind, keyed by column:

        checks:
          consistency.value_ranges:
            ranges: {age: [18, 100], income: [0, null], applied_at: [2020-01-01, null]}
            allowed: {gender: [Female, Male, Non-binary]}
            patterns: {application_id: '^APP-\\d{7}$'}

    A range is `[min, max]` (inclusive; `null` for open), numbers for numeric columns and dates for date
    columns; `allowed` lists the permitted values; a pattern is a regular expression each value must match
    in full. Without declarations, common meanings are checked from the column name and type: ages below 0
    or above 130; negative counts, prices, amounts, salaries and durations (names with words such as
    change, balance or delta are left alone); percentages outside 0–100; and dates before `min_year` or
    more than `max_future_days` after the as-of time (planned dates such as due or expiry dates are exempt
    from the future test). Sentinel numbers are `consistency.disguised_missing`'s and left out of the
    implied rules, and an implied rule that more than `implied_max_share` (25%) of a column's values break is
    listed but not applied: the column is evidently transformed (standardised ages, log prices). Set
    `implied: false` to use declared rules only.

    Why it matters: an impossible value is an error a model will learn from, and a value outside a declared
    domain means the data no longer matches what downstream code assumes. Any violation warns; more than
    1% of a column's values breaking one rule fails, as that is a systematic fault, not a stray typo.

    How to fix: correct the values at the source, or treat them as missing; if the rule is wrong, correct
    the declaration in dataaudit.yaml.
    """

    id: ClassVar[str] = "consistency.value_ranges"
    title: ClassVar[str] = "Value ranges"
    area: ClassVar[Area] = Area.CONSISTENCY

    ranges: dict[str, tuple[Bound, Bound]] = field(default_factory=dict)
    allowed: dict[str, list[str | int | float | bool]] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)
    implied: bool = True
    implied_max_share: float = 0.25
    min_year: int = 1900
    max_future_days: int = 365
    warn_above: float = 0.0
    fail_above: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        for col, (lo, hi) in self.ranges.items():
            if lo is not None and hi is not None and type(lo) is not type(hi):
                raise ValueError(
                    f"ranges.{col}: both bounds must be numbers or both dates, got {lo!r}, {hi!r}"
                )
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"ranges.{col}: min {lo!r} is above max {hi!r}")
        for col, values in self.allowed.items():
            if not values:
                raise ValueError(f"allowed.{col}: list at least one value")
        for col, pattern in self.patterns.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"patterns.{col}: invalid regular expression {pattern!r}: {exc}") from None

    def run(self, data: Dataset) -> Outcome:
        rules = []  # (column, rule, violations, judged, examples)
        unknown, problems = [], []
        for col, (lo, hi) in self.ranges.items():
            if col not in data.frame.columns:
                unknown.append(col)
                continue
            rule = self._range(data, col, lo, hi, "declared")
            if rule[3] == 0 and rule[1].endswith(("is not dates", "is not numeric")):
                problems.append(f"ranges.{col}: {rule[1].split(': ', 1)[1].replace('column', col)}")
                continue
            rules.append(rule)
        for col, values in self.allowed.items():
            if col not in data.frame.columns:
                unknown.append(col)
                continue
            vc = data.stats.value_counts(col)
            strs = {str(v) for v in values}
            ok = vc.index.isin(values) | pd.Index(vc.index.map(str)).isin(strs)
            bad = vc[~ok]
            shown = ", ".join(str(v) for v in values[:6]) + (" …" if len(values) > 6 else "")
            rules.append(
                (col, f"allowed: {shown}", int(bad.sum()), int(vc.sum()), _masked(bad.index[:5], data, col))
            )
        for col, pattern in self.patterns.items():
            if col not in data.frame.columns:
                unknown.append(col)
                continue
            vc, note = _text_counts(data, col)
            ok = pd.Series(vc.index, dtype=object).astype(str).str.fullmatch(pattern).to_numpy(dtype=bool)
            bad = vc[~ok]
            rules.append(
                (
                    col,
                    f"pattern {pattern}{note}",
                    int(bad.sum()),
                    int(vc.sum()),
                    _masked(bad.index[:5], data, col),
                )
            )
        if self.implied:
            rules += [r for r in self._implied(data) if (r[0], r[1]) not in {(d[0], d[1]) for d in rules}]
        rules = [r for r in rules if r is not None]
        expected = _expected(self.warn_above, self.fail_above, "share of a column's values breaking a rule")
        broken = sorted((r for r in rules if r[2]), key=lambda r: -r[2] / max(r[3], 1))
        status = _grade_worst([r[2] / max(r[3], 1) for r in broken], self.warn_above, self.fail_above)
        if unknown:
            problems.insert(0, f"declared column(s) not in the data: {', '.join(sorted(set(unknown)))}")
        if problems:  # a declared rule that cannot be checked is a finding, not a pass
            status = max(status, Status.WARN, key=[Status.PASS, Status.WARN, Status.FAIL].index)
        table = Table.of(
            ("column", "rule", "violations", "share", "examples"),
            [
                (c, rule, k, round(k / max(j, 1), 5), ex)
                for c, rule, k, j, ex in broken + [r for r in rules if not r[2]]
            ],
            title="Value rules",
        )
        parts = [
            f"{c}: {count(k, 'value')} ({_pct(k / max(j, 1))}) break {rule}" + (f" (e.g. {ex})" if ex else "")
            for c, rule, k, j, ex in broken[:3]
        ]
        if len(broken) > 3:
            parts.append(f"and {len(broken) - 3} more rules")
        parts += problems
        if not parts:
            n_declared = len(self.ranges) + len(self.allowed) + len(self.patterns)
            implied = len(rules) - n_declared
            msg = (
                f"all values within {count(n_declared, 'declared rule')} and "
                f"{count(implied, 'rule')} implied by column names and types"
            )
            return Outcome.ok(
                msg, observed={"violations": 0}, expected=expected, evidence=table if rules else None
            )
        return Outcome.make(
            status,
            "; ".join(parts),
            observed={f"{c}: {rule}": k for c, rule, k, _, _ in broken},
            expected=expected,
            columns=sorted({r[0] for r in broken} | set(unknown)),
            evidence=table,
        )

    def _range(self, data: Dataset, col: str, lo: Bound, hi: Bound, why: str, exclude=()):
        rule = f"range [{_bound(lo)}, {_bound(hi)}]" + ("" if why == "declared" else f" ({why})")
        is_date = isinstance(lo, dt.datetime) or isinstance(hi, dt.datetime)
        if is_date:
            s = data.stats.datetimes(col)
            if s is None:
                return (col, rule + ": column is not dates", 0, 0, "")
            lo_v = (
                None
                if lo is None
                else pd.Timestamp(lo).tz_localize("UTC")
                if lo.tzinfo is None
                else pd.Timestamp(lo)
            )
            hi_v = (
                None
                if hi is None
                else pd.Timestamp(hi).tz_localize("UTC")
                if hi.tzinfo is None
                else pd.Timestamp(hi)
            )
        else:
            s = data.stats.numeric(col)
            if s is None:
                return (col, rule + ": column is not numeric", 0, 0, "")
            lo_v, hi_v = lo, hi
        bad = pd.Series(False, index=s.index)
        if lo_v is not None:
            bad |= s < lo_v
        if hi_v is not None:
            bad |= s > hi_v
        if len(exclude):
            bad &= ~s.isin(list(exclude))
        k = int(bad.sum())
        ex = ""
        if k:
            vals = s[bad]
            if is_date:
                ex = ", ".join(str(v.date()) for v in vals.sort_values().iloc[[0, -1]].unique()[:3])
            else:
                ex = ", ".join(
                    _num(v)
                    for v in pd.unique(np.r_[np.sort(vals.to_numpy())[:2], np.sort(vals.to_numpy())[-2:]])[:4]
                )
        return (col, rule, k, int(s.notna().sum()), ex)

    def _implied(self, data: Dataset) -> list:
        rules = self._implied_rules(data)
        out = []
        for c, rule, k, judged, ex in rules:
            # a name-implied rule that most values break means the name misled us (a standardised age,
            # a log-price): listed, not graded; declared rules are always graded
            if judged and k / judged > self.implied_max_share:
                out.append(
                    (
                        c,
                        f"{rule}: not applied, {_pct(k / judged)} of values break it (transformed?)",
                        0,
                        judged,
                        ex,
                    )
                )
            else:
                out.append((c, rule, k, judged, ex))
        return out

    def _implied_rules(self, data: Dataset) -> list:
        out = []
        declared = set(self.ranges)
        for c in data.columns:
            if c in declared or c == data.roles.target:
                continue
            st = data.stats[c]
            t = tokens(c)
            if st.kind == "numeric" and st.distinct > 2:
                sentinels = tuple(_sentinels(data, c))
                signed = bool(t & _SIGNED)
                # an age in days or months (account_age_days) is a duration, not a person's age in years
                if t & _AGE and not signed and not t & _SHORT_UNITS:
                    out.append(self._range(data, c, 0.0, 130.0, "age", sentinels))
                elif t & _AGE and not signed:
                    out.append(self._range(data, c, 0.0, None, "age cannot be negative", sentinels))
                elif t & _PERCENT and not signed:
                    out.append(self._range(data, c, 0.0, 100.0, "percentage", sentinels))
                elif t & _NONNEGATIVE and not signed:
                    word = sorted(t & _NONNEGATIVE)[0]
                    out.append(self._range(data, c, 0.0, None, f"{word} cannot be negative", sentinels))
            elif st.kind == "datetime":
                earliest = dt.datetime(self.min_year, 1, 1)
                latest = None
                if not t & _PLANNED:
                    latest = (data.as_of + dt.timedelta(days=self.max_future_days)).replace(tzinfo=None)
                why = f"dates from {self.min_year}" + (
                    "" if latest is None else f" to as-of + {self.max_future_days} days"
                )
                out.append(self._range(data, c, earliest, latest, why))
        return out


def _bound(v: Bound) -> str:
    if v is None:
        return "…"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    return f"{v:g}"


def _masked(values, data: Dataset, col: str) -> str:
    kind = data.stats[col].kind
    return ", ".join(repr(mask_example(v, column=col, kind=kind)) for v in list(values)[:5])


# ----------------------------------------------------------------------------------------------------------
# consistency.unparseable_dates


def _date_shape(values: pd.Series) -> pd.Series:
    """The layout of a date's date part: 2026-06-30 → y-n-n, 30/06/2026 → n/n/y, 30 Jun 2026 → n a y."""
    date_part = values.str.strip().str.split(r"[ T](?=\d{1,2}:)", n=1, regex=True).str[0]
    shape = date_part.str.replace(r"\d{3,4}", "y", regex=True).str.replace(r"\d{1,2}", "n", regex=True)
    return shape.str.replace(r"[A-Za-z]{2,}", "a", regex=True).str.replace(r",", "", regex=False)


def _parses(values: pd.Series) -> np.ndarray:
    """Which text values parse as dates: ISO 8601 first (fast), then common explicit layouts, then the
    general parser on at most 2,000 leftovers."""
    ok = pd.to_datetime(values, errors="coerce", format="ISO8601").notna().to_numpy()
    for fmt in _EXPLICIT_DATE_FORMATS:
        if ok.all():
            break
        rest = ~ok
        stripped = values[rest].str.strip().str.split(r"[ T]", n=1, regex=True).str[0]
        ok[rest] = pd.to_datetime(stripped, errors="coerce", format=fmt).notna().to_numpy()
    rest = np.flatnonzero(~ok)[:2000]
    if rest.size:
        ok[rest] = pd.to_datetime(values.iloc[rest], errors="coerce", format="mixed").notna().to_numpy()
    return ok


@dataclass(frozen=True)
class UnparseableDates(Check):
    """Text columns that are mostly dates but hold values that do not parse, or dates in several layouts.

    A text column counts as dates when at least `min_date_share` (80%) of its values look like dates
    (digits with - / . separators, or month names). Among those, a value that looks like a date but is not
    one (2026-02-30, 13/13/2025) is unparseable, and the layouts of the date parts (2026-06-30 → y-n-n,
    30/06/2026 → n/n/y) are compared: every value outside the most common layout counts as a mixed format.
    Words in a date column ('unknown') are `consistency.mixed_types`' concern.

    Why it matters: unparseable dates become missing (or crash a pipeline) when the column is converted,
    and mixed layouts are worse: 03/04/2025 is read as March or April depending on the parser, silently
    corrupting time features, time-based splits and freshness checks. Any such value warns; more than 5%
    fails, where the column cannot be converted without deciding the layout row by row.

    How to fix: export dates in one unambiguous layout (ISO 8601, YYYY-MM-DD), fix the impossible ones at
    the source, and parse with an explicit format.
    """

    id: ClassVar[str] = "consistency.unparseable_dates"
    title: ClassVar[str] = "Unparseable dates"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.05
    min_date_share: float = 0.8

    def run(self, data: Dataset) -> Outcome:
        findings = []  # (column, bad, mixed, judged, bad examples, layouts, note)
        examined = 0
        for c in data.columns:
            s = data.frame[c]
            if not _is_text(s) or data.stats[c].count == 0:
                continue
            probe = _probe_keys(data, c).str.contains(_DATE_LIKE_PD, regex=True, na=False)
            if probe.mean() < 0.5:
                continue
            vc, note = _text_counts(data, c)
            keys = pd.Series(vc.index, dtype=object).astype(str)
            like = keys.str.contains(_DATE_LIKE_PD, regex=True, na=False).to_numpy()
            w = vc.to_numpy(dtype="float64")
            if w[like].sum() < self.min_date_share * w.sum():
                continue
            examined += 1
            vals = keys[like].reset_index(drop=True)
            wl = w[like]
            ok = _parses(vals)
            bad = int(wl[~ok].sum())
            shapes = _date_shape(vals)
            per_shape = pd.Series(wl).groupby(shapes.to_numpy()).sum().sort_values(ascending=False)
            mixed = int(per_shape.iloc[1:].sum())
            if bad or mixed:
                layouts = [(k, int(v), _example_of(vals, shapes, k)) for k, v in per_shape.items()]
                findings.append((c, bad, mixed, int(wl.sum()), list(vals[~ok][:5]), layouts, note))
        expected = _expected(self.warn_above, self.fail_above, "share of unparseable or off-layout dates")
        if not findings:
            return Outcome.ok(
                f"{count(examined, 'text date column')} parse in one layout"
                if examined
                else "no text columns hold dates (date columns are already typed)",
                observed={},
                expected=expected,
            )
        status = _grade_worst(
            [max(b, m) / j for _, b, m, j, _, _, _ in findings], self.warn_above, self.fail_above
        )
        parts = []
        for c, bad, mixed, judged, ex, layouts, note in findings[:3]:
            bits = []
            if bad:
                bits.append(
                    f"{count(bad, 'value')} ({_pct(bad / judged)}) do not parse ({_quote(ex, c, 'datetime')})"
                )
            if mixed:
                shown = ", ".join(f"{e} ×{k:,}" for _, k, e in layouts[:3])
                bits.append(
                    f"{count(len(layouts), 'layout')}: {shown}; "
                    f"{mixed:,} values ({_pct(mixed / judged)}) off the main one"
                )
            parts.append(f"{c}{note}: " + "; ".join(bits))
        table = Table.of(
            ("column", "layout", "values", "example"),
            [(c, shape, k, e) for c, _, _, _, _, layouts, _ in findings for shape, k, e in layouts[:10]],
            title="Date layouts",
        )
        bad_table = Table.of(
            ("column", "unparseable value"),
            [
                (c, mask_example(v, column=c, kind="datetime"))
                for c, _, _, _, ex, _, _ in findings
                for v in ex
            ],
            title="Unparseable dates (examples)",
        )
        return Outcome.make(
            status,
            " | ".join(parts),
            observed={
                c: {"unparseable": b, "off_layout": m, "values": j} for c, b, m, j, _, _, _ in findings
            },
            expected=expected,
            columns=[f[0] for f in findings],
            evidence=[table, bad_table],
        )


def _example_of(vals: pd.Series, shapes: pd.Series, shape: str) -> str:
    hit = vals[shapes.to_numpy() == shape]
    return str(hit.iloc[0]) if len(hit) else ""


CHECKS = (
    MissingValues,
    DisguisedMissing,
    DuplicateRows,
    DuplicateIds,
    ConstantColumns,
    MixedTypes,
    CategoryVariants,
    RareCategories,
    Outliers,
    ValueRanges,
    UnparseableDates,
)
