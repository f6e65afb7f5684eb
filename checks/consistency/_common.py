"""Helpers shared by the consistency checks: thresholds and wording, text scans over distinct values,
placeholder and sentinel detection, masked examples, and what counts as a real label."""

from __future__ import annotations

import re
import weakref
from typing import Any

import numpy as np
import pandas as pd

from dataaudit.checks._shared import role
from dataaudit.dataset import Dataset
from dataaudit.formatting import percent as _pct  # the name the consistency checks import
from dataaudit.model import Status, grade, worst_status
from dataaudit.privacy import mask_example
from dataaudit.stats import _is_text

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


# -- wording and grading -------------------------------------------------------------------------------------


def _num(v: float) -> str:
    """A number for a message: four significant digits, '—' when missing or infinite."""
    if v is None or not np.isfinite(v):
        return "—"
    return f"{v:,.4g}" if abs(v) < 1e6 else f"{v:.4g}"


def _quote(values, column: str, kind: str = "categorical", n: int = 3) -> str:
    """The first ``n`` values, masked as in the overview and quoted: ``'a', 'b', 'c'``."""
    return ", ".join(repr(mask_example(v, column=column, kind=kind)) for v in list(values)[:n])


def _row_list(rows, n: int = 5, more: str = " …") -> str:
    """``"12, 48, 301 …"``: the first ``n`` row numbers or labels, and ``more`` when there are others."""
    return ", ".join(str(r) for r in rows[:n]) + (more if len(rows) > n else "")


def _grade_worst(shares: list[float], warn: float | None, fail: float | None) -> Status:
    """The worst grade of several shares against one warn/fail pair (higher is worse)."""
    return worst_status(*(grade(s, warn=warn, fail=fail, higher_is_worse=True) for s in shares))


def _expected(warn: float | None, fail: float | None, what: str = "share") -> str:
    parts = []
    if warn is not None:
        parts.append(f"warn above {_pct(warn)}")
    if fail is not None:
        parts.append(f"fail above {_pct(fail)}")
    return f"{what}: " + ", ".join(parts) if parts else "not graded"


# -- values and distinct values ------------------------------------------------------------------------------


def _factorize(values: pd.Series, **kwargs: Any) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize``, comparing the text of unhashable values (lists, dicts) instead of failing."""
    try:
        return pd.factorize(values, **kwargs)
    except TypeError:
        return pd.factorize(values.astype(str), **kwargs)


def _as_text(keys: pd.Index) -> pd.Index:
    """Distinct values as text (a no-op for text already)."""
    if pd.api.types.infer_dtype(keys, skipna=True) in ("string", "empty"):
        return pd.Index(keys, dtype=object)
    return pd.Index(keys.map(str), dtype=object)


def _text_counts(data: Dataset, column: str) -> tuple[pd.Series, str]:
    """Value counts of a text column, keyed by the text of each value: from the shared statistics, or from
    the seeded sample when the column has too many distinct values to scan. Returns (counts, note)."""
    vc = data.stats.value_counts(column)
    note = ""
    if len(vc) > MAX_DISTINCT_SCAN:
        # the rows of data.sample() (same seed, same positions), taken from this one column only
        col = data.frame[column]
        if len(col) > data.sample_rows:
            col = col.iloc[data.sample_positions()]
        vc = col.value_counts(dropna=True)
        note = data.sample_note()
        if len(vc) > MAX_DISTINCT_SCAN:  # still huge (sample_rows raised): the most frequent values
            vc = vc.iloc[:MAX_DISTINCT_SCAN]
            note = f" (on the {MAX_DISTINCT_SCAN:,} most frequent values{data.sample_note()})"
    return pd.Series(vc.to_numpy(), index=_as_text(vc.index)), note


def _probe_keys(data: Dataset, column: str) -> pd.Series:
    """The most frequent distinct values of a column as text: a cheap look before a full scan."""
    return pd.Series(data.stats.value_counts(column).index[:PROBE], dtype=object).astype(str)


# -- disguised missing values: placeholders and sentinels ----------------------------------------------------


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
        return float(values[min(int(np.searchsorted(cum, p)), len(values) - 1)])

    q01, q25, q75, q99 = q(0.01), q(0.25), q(0.75), q(0.99)
    iqr = q75 - q25 or (q99 - q01) / 4 or 1.0
    lo, hi = float(values[0]), float(values[-1])
    negative_share = float(weights[values < 0].sum() / weights.sum())
    out = {}
    for value, n in zip(present.index.to_numpy(dtype="float64"), present.to_numpy()):
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


# -- labels --------------------------------------------------------------------------------------------------

#: label values that stand for "no label" (compared trimmed and case-folded)
LABEL_PLACEHOLDERS = frozenset(
    ["", "na", "n/a", "nan", "null", "none", "?", "-", "--", "unknown", "unlabeled", "unlabelled", "missing"]
)
MAX_EXAMPLES = 5


def _rows(index: pd.Index, n: int = MAX_EXAMPLES) -> str:
    """``"12, 48, 301"``: the first ``n`` row labels of ``index``."""
    return _row_list(index, n, more=", …")


def _label_placeholder_mask(s: pd.Series, counts: pd.Series) -> pd.Series:
    """Rows whose (text) label is a placeholder for "no label"; computed on the distinct values only."""
    if not _is_text(s) or counts.empty:
        return pd.Series(False, index=s.index)
    values = pd.Index(counts.index)
    flagged = values[
        pd.Series(values.astype(str)).str.strip().str.casefold().isin(LABEL_PLACEHOLDERS).to_numpy()
    ]
    if flagged.empty:
        return pd.Series(False, index=s.index)
    return s.isin(flagged)


def _labels(data: Dataset) -> tuple[pd.Series, pd.Series]:
    """The target and a mask of rows that have a real label (not missing, not a placeholder)."""
    target = role(data, "target")
    y = data.frame[target]
    counts = data.stats.value_counts(target)
    labelled = y.notna() & ~_label_placeholder_mask(y, counts)
    return y, labelled
