"""Shared per-column statistics, computed lazily and once, used by every check.

Ten checks that need a column's value counts compute them once here. Text columns that are mostly numbers
or mostly dates get a parsed view (``numeric`` / ``datetimes``) so checks don't each re-parse them.
"""

from __future__ import annotations

import datetime as dt
import threading
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dataaudit.once import Once

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = [
    "HISTOGRAM_BINS",
    "ColumnStats",
    "Stats",
    "all_str",
    "histogram",
    "settle_dates",
    "sorted_quantiles",
]

#: share of non-missing text values that must parse for a column to count as numeric / datetime text
PARSE_SHARE = 0.95
#: at most this many distinct values (or 5% of rows) and the column is categorical rather than free text
CATEGORICAL_MAX_DISTINCT = 50
TEXT_MEAN_LENGTH = 30
#: equal-width bins of a number or time column's histogram (the overview draws it as a sparkline)
HISTOGRAM_BINS = 16
#: the time-of-day part of a text value ("7:10", "18:30:05.250"); a value with no digit left once it is taken
#: out ("7:10 a.m.", "18:30", "12:00noon", "7:15 p.m. (Estimated)") is a time of day, not a date: pandas
#: would give it the date the audit runs on
_TIME_PART = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
#: a year written in full; a date without a 4-digit run had a two-digit year (or none)
_FULL_YEAR = r"\d{4}"


@dataclass(frozen=True, slots=True)
class ColumnStats:
    """Statistics of one column.

    ``kind`` is the semantic type: ``numeric``, ``boolean``, ``datetime``, ``categorical``, ``text``
    (free text or high-cardinality strings) or ``empty`` (no values at all).
    """

    name: str
    dtype: str
    kind: str
    count: int  # non-missing values
    missing: int
    distinct: int
    unique: bool  # every non-missing value distinct and no missing values
    top: tuple[tuple[Any, int], ...]  # up to 10 (value, count), most frequent first
    quantiles: dict[str, float] | None  # numeric: min p01 p25 p50 p75 p99 max mean std
    mean_length: float | None  # text: mean string length
    #: numeric and datetime: counts of the finite values in equal-width bins (see :func:`histogram`)
    histogram: tuple[int, ...] = ()

    @property
    def rows(self) -> int:
        return self.count + self.missing

    @property
    def missing_share(self) -> float:
        return self.missing / self.rows if self.rows else 0.0


class Stats:
    """Lazy, cached statistics over a frame: ``stats[col]``, ``stats.value_counts(col)``,
    ``stats.numeric(col)``, ``stats.datetimes(col)``."""

    def __init__(self, frame: pd.DataFrame, as_of: dt.datetime | None = None) -> None:
        self.frame = frame
        #: two-digit years are read as the latest such year not after this time's year (see settle_dates)
        self.as_of = as_of or dt.datetime.now(dt.UTC)
        self._columns: Once[str, ColumnStats] = Once()
        self._counts: dict[str, pd.Series] = {}
        #: a number column's distinct values in order and their counts, from its value counts' sort, until
        #: its quantiles are taken from them
        self._ordered: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._codes: dict[str, np.ndarray] = {}
        self._numeric: dict[str, pd.Series | None] = {}
        self._datetimes: dict[str, pd.Series | None] = {}
        self._layouts: dict[str, str | None] = {}

    def __getitem__(self, column: str) -> ColumnStats:
        # computed once: one asking while another thread computes it (see prefetch) waits for its value
        return self._columns.get(column, lambda: self._compute(column))

    def prefetch(self, columns: Sequence[str]) -> threading.Thread:
        """Compute the statistics of ``columns`` in a background thread, the last first, while the caller asks
        for the columns in order: for numbers and timestamps, whose sorting and hashing run mostly outside
        the GIL, so that a second core shares the work (1M rows × 20 columns: 11 number and 3 time columns).
        A column whose statistics fail there is computed again, and fails, where it is asked for."""

        def work() -> None:
            for column in reversed(columns):
                try:
                    self[column]
                except Exception:  # noqa: BLE001,S112 - raised again where the column is asked for
                    continue

        thread = threading.Thread(target=work, name="dataaudit-stats", daemon=True)
        thread.start()
        return thread

    def __iter__(self) -> Iterator[ColumnStats]:
        return (self[c] for c in self.frame.columns)

    def __len__(self) -> int:
        return self.frame.shape[1]

    def value_counts(self, column: str) -> pd.Series:
        """Counts of each non-missing value, most frequent first (computed once per column)."""
        if column not in self._counts:
            s = self.frame[column]
            try:
                vc, codes = _counts_and_codes(s, self._ordered)
            except TypeError:  # unhashable values (lists, dicts): count their text
                vc, codes = s.dropna().astype(str).value_counts(sort=True), None
            if codes is not None:
                self._codes[column] = codes
            self._counts[column] = vc
        return self._counts[column]

    def text_codes(self, column: str) -> np.ndarray | None:
        """The ``pd.factorize`` codes of a column of text (every value a ``str``; missing: -1), kept from its
        value counts, which factorize it anyway: the row keys of duplicate and conflict groups (1M rows, 6
        text columns: 0.35 s less) and the pandas engine's group counts reuse them; None for any other
        column."""
        if self.frame[column].dtype != object:  # not counted for this: only object columns keep codes
            return None
        self.value_counts(column)
        return self._codes.get(column)

    def numeric(self, column: str) -> pd.Series | None:
        """The column as floats when it is numeric, or text of which ≥95% parses as numbers; else None.
        Values that do not parse are NaN."""
        if column not in self._numeric:
            self._numeric[column] = self._parse_numeric(self.frame[column])
        return self._numeric[column]

    def datetimes(self, column: str) -> pd.Series | None:
        """The column as UTC timestamps when it is a datetime, or text of which ≥95% parses as dates;
        else None. Values that do not parse are NaT, and so are times of day without a date ("18:30"); a
        two-digit year is the latest such year not after the as-of year (1/1/63 is 1963 in 2026)."""
        if column not in self._datetimes:
            s = self.frame[column]
            # a column without missing values needs no copy of its non-missing ones (1M texts: 0.05 s)
            whole = _is_text(s) and int(self.value_counts(column).sum()) == len(s)
            self._datetimes[column], self._layouts[column] = _parse_datetimes(s, self.as_of, whole)
        return self._datetimes[column]

    def datetime_layout(self, column: str) -> str | None:
        """How :meth:`datetimes` read the column: ``"dtype"`` (already datetimes), ``"ISO8601"``, one strftime
        layout such as ``"%d.%m.%Y"``, ``"mixed"`` (value by value), or None (not dates)."""
        self.datetimes(column)
        return self._layouts[column]

    # ------------------------------------------------------------------------------------------------
    def _parse_numeric(self, s: pd.Series) -> pd.Series | None:
        if pd.api.types.is_bool_dtype(s):
            return None
        if pd.api.types.is_numeric_dtype(s):
            return s.astype("float64", copy=False)  # a float column is its own view: no copy to keep
        if not _is_text(s):
            return None
        vc = self.value_counts(str(s.name))
        if vc.empty:
            return None
        # a cheap probe of the most frequent values rejects free text before parsing every distinct value
        probe = pd.to_numeric(pd.Series(vc.index[:200].astype(str)), errors="coerce")
        if probe.notna().mean() < 0.5:
            return None
        # parse distinct values only, then weight by counts: cheap for repetitive columns
        parsed = pd.to_numeric(pd.Series(vc.index.astype(str)), errors="coerce")
        share = float(vc.to_numpy()[parsed.notna().to_numpy()].sum() / vc.sum())
        if share < PARSE_SHARE:
            return None
        return pd.to_numeric(s, errors="coerce").astype("float64")

    def _compute(self, column: str) -> ColumnStats:
        s = self.frame[column]
        n = len(s)
        vc = self.value_counts(column)  # counts non-missing values: no separate isna() scan needed
        # a column of plain numbers: its distinct values, sorted by the value counts, for the quantiles
        ordered = self._ordered.pop(column, None)
        count = int(vc.sum())
        missing = n - count
        distinct = len(vc)
        top = tuple((v, int(c)) for v, c in vc.head(10).items())
        quantiles = None
        mean_length = None
        bins: tuple[int, ...] = ()
        if count == 0:
            kind = "empty"
        elif pd.api.types.is_bool_dtype(s) or (distinct <= 2 and _bool_like(vc.index)):
            kind = "boolean"
        elif pd.api.types.is_datetime64_any_dtype(s):
            kind = "datetime"
            bins = _time_histogram(self.datetimes(column))
        elif (num := self.numeric(column)) is not None:
            kind = "numeric"
            quantiles, bins = _quantiles(num, ordered)
        elif _is_text(s) and self.datetimes(column) is not None:
            kind = "datetime"
            bins = _time_histogram(self.datetimes(column))
        else:
            if _is_text(s):
                lengths = _lengths(vc.index)
                mean_length = float(np.average(lengths, weights=vc.to_numpy())) if len(lengths) else 0.0
            many = distinct > max(CATEGORICAL_MAX_DISTINCT, 0.05 * count)
            kind = "text" if (many or (mean_length or 0) > TEXT_MEAN_LENGTH) else "categorical"
        return ColumnStats(
            name=str(column),
            dtype=str(s.dtype),
            kind=kind,
            count=count,
            missing=missing,
            distinct=distinct,
            unique=missing == 0 and distinct == n,
            top=top,
            quantiles=quantiles,
            mean_length=mean_length,
            histogram=bins,
        )


def _value_counts(s: pd.Series) -> pd.Series:
    """``s.value_counts(dropna=True)``, most frequent first, ties in order of first appearance (see
    :func:`_counts_and_codes`)."""
    return _counts_and_codes(s)[0]


def _counts_and_codes(
    s: pd.Series, ordered: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
) -> tuple[pd.Series, np.ndarray | None]:
    """``s.value_counts(dropna=True)``, most frequent first, ties in order of first appearance; and for a
    column of ``str`` (numpy object dtype), the ``pd.factorize`` codes they were counted from (int32), else
    None.

    Built from ``pd.factorize`` and ``np.bincount``: the same result as ``Series.value_counts`` but 3–4×
    faster on high-cardinality text and timestamps (1M free-text values: 0.45 s instead of 1.8 s), where
    pandas' own value_counts spends most of its time building and sorting an object result.
    Categoricals keep pandas' behaviour (unused categories are listed with a count of 0). ``ordered``
    receives a column of plain numbers' distinct values in order with their counts, by its name."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.value_counts(dropna=True, sort=True), None
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in "iuf":
        # plain numbers: a sort beats hashing (1M floats with 300k distinct values: 0.02 s instead of 0.1 s);
        # ties then come in value order
        values = s.to_numpy()
        if s.dtype.kind == "f":
            values = values[~np.isnan(values)]
        uniques, counts = np.unique(values, return_counts=True)
        if ordered is not None:
            ordered[str(s.name)] = (uniques, counts)
        order = np.argsort(-counts, kind="stable")
        return pd.Series(counts[order], index=pd.Index(uniques[order], name=s.name), name="count"), None
    codes, distinct = pd.factorize(s, use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
    order = np.argsort(-counts, kind="stable")
    index = pd.Index(distinct).take(order)
    index.name = s.name
    text = len(distinct) < 2**31 and all_str(s.dtype, distinct)
    return pd.Series(counts[order], index=index, name="count"), codes.astype(np.int32) if text else None


def all_str(dtype: Any, uniques: Any) -> bool:
    """Whether a column of this dtype with these distinct values holds text only: numpy object dtype, every
    value a ``str`` (or none at all). Its ``pd.factorize`` codes then stand for its values one to one, as the
    row keys use them (``engine.pandas._column_hash``)."""
    return (
        isinstance(dtype, np.dtype)
        and dtype.kind == "O"
        and not pd.get_option("future.infer_string")
        and pd.api.types.infer_dtype(uniques, skipna=False) in ("string", "empty")
    )


def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)


def _lengths(values: pd.Index) -> np.ndarray:
    """The length of each value's text: ``len`` itself where every value is a ``str`` (1M distinct texts:
    0.04 s instead of 0.25 s through ``.str.len()``)."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return np.fromiter(map(len, values.to_numpy()), dtype=np.int64, count=len(values))
    return pd.Series(values.astype(str)).str.len().to_numpy()


def _bool_like(values: pd.Index) -> bool:
    tokens = {str(v).strip().lower() for v in values}
    return bool(tokens) and tokens <= {"true", "false", "yes", "no", "y", "n", "t", "f"}


def _quantiles(
    num: pd.Series, ordered: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[dict[str, float] | None, tuple[int, ...]]:
    """The quantiles, mean and sd of the finite values, and their histogram: both from one sort, or from
    ``ordered``, the column's distinct values in order with their counts (the value counts sorted them)."""
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return None, ()
    names = ("min", "p01", "p25", "p50", "p75", "p99", "max")
    if ordered is None:
        values, counts = np.sort(arr), None
    else:  # as floats (integers beyond 2**53 may meet), the infinities left out
        values, counts = ordered[0].astype("float64"), ordered[1]
        finite = np.isfinite(values)
        if not finite.all():
            values, counts = values[finite], counts[finite]
    out = {k: float(v) for k, v in zip(names, sorted_quantiles(values, _QUANTILES, counts))}
    out["mean"] = float(arr.mean())
    out["std"] = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
    return out, histogram(values, is_sorted=True, counts=counts)


def _time_histogram(times: pd.Series | None) -> tuple[int, ...]:
    """The histogram of timestamps (NaT left out) as nanoseconds."""
    if times is None:
        return ()
    try:
        ns = times.to_numpy(dtype="datetime64[ns]")
    except (ValueError, OverflowError):  # beyond nanoseconds (year 2262 on): no picture, the rest stands
        return ()
    nat = np.isnat(ns)
    # as floats, NaT left out (one row-sized copy less than dropna)
    return histogram((ns[~nat] if nat.any() else ns).view("int64").astype("float64"))


def histogram(
    values: np.ndarray, is_sorted: bool = False, counts: np.ndarray | None = None
) -> tuple[int, ...]:
    """Counts of the finite ``values`` in :data:`HISTOGRAM_BINS` equal-width bins from their minimum to their
    maximum, the last bin closed: ``np.histogram``'s counts (tests/test_stats_histogram.py), taken from
    ``values`` already sorted by binary search when ``is_sorted`` (1M floats: microseconds, not ~15 ms),
    each value occurring ``counts`` times (default once; sorted values only). One bin when every value is the
    same; () when there is none, or when the span is too wide or too narrow for finite bins (1e308 to -1e308,
    or two neighbouring floats)."""
    if counts is not None and not is_sorted:
        raise ValueError("histogram: counts go with sorted values (is_sorted=True)")
    if not is_sorted:
        values = values[np.isfinite(values)]
    if values.size == 0:
        return ()
    ends = (values[0], values[-1]) if is_sorted else (values.min(), values.max())
    lo, hi = float(ends[0]), float(ends[1])
    total = int(values.size if counts is None else counts.sum())
    if lo == hi:
        return (total,)
    with np.errstate(all="ignore"):
        edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1)  # np.histogram's edges
    if not (np.isfinite(edges).all() and (edges[:-1] < edges[1:]).all()):
        return ()
    if not is_sorted:
        binned, _ = np.histogram(values, bins=HISTOGRAM_BINS, range=(lo, hi))
        return tuple(int(c) for c in binned)
    # a value on an edge belongs to the bin above it, the maximum to the last bin
    inner = np.searchsorted(values, edges[1:-1], side="left")
    if counts is not None:  # values below each inner edge, counted
        inner = np.concatenate([[0], np.cumsum(counts)])[inner]
    return tuple(int(c) for c in np.diff(inner, prepend=0, append=total))


_QUANTILES = np.array([0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0])


def sorted_quantiles(values: np.ndarray, qs: Sequence[float] | np.ndarray, counts: np.ndarray | None = None):
    """``np.quantile(np.repeat(values, counts), qs)`` from sorted ``values`` without NaN, each occurring
    ``counts`` times (default once): numpy's default, linear method in numpy's own arithmetic, so the floats
    are the same to the bit (tests/test_sorted_quantiles.py), without expanding counts to rows or
    ``np.quantile``'s partition around every index it needs (1M floats: 0.037 s, where a sort takes 0.005)."""
    q = np.asarray(qs, dtype="float64")
    cum = None if counts is None else np.cumsum(np.asarray(counts, dtype=np.int64))
    n = values.size if cum is None else int(cum[-1])
    virtual = np.asanyarray((n - 1) * q)
    prev = np.floor(virtual)
    nxt = prev + 1
    above = virtual >= n - 1
    prev[above] = nxt[above] = n - 1
    below = virtual < 0
    prev[below] = nxt[below] = 0
    gamma_prev = prev.copy()
    gamma_prev[above] = -1  # as numpy marks the last element (both ends equal there: gamma is moot)
    lo, hi = prev.astype(np.int64), nxt.astype(np.int64)
    if cum is not None:  # the row positions, as positions among the distinct values
        lo, hi = np.searchsorted(cum, lo, side="right"), np.searchsorted(cum, hi, side="right")
    a, b = values[lo], values[hi]
    t = np.asanyarray(virtual - gamma_prev)
    diff = b - a
    out = np.asanyarray(a + diff * t)
    np.subtract(b, diff * (1 - t), out=out, where=t >= 0.5)
    return out


def _parse_datetimes(
    s: pd.Series, as_of: dt.datetime, whole: bool = False
) -> tuple[pd.Series | None, str | None]:
    """The column parsed to UTC (or None when under ``PARSE_SHARE`` of it is dates) and the layout used.
    ``whole``: the caller knows that no value is missing."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return (s.dt.tz_localize("UTC") if s.dt.tz is None else s.dt.tz_convert("UTC")), "dtype"
    if not _is_text(s):
        return None, None
    sample = s if whole else s.dropna()
    if sample.empty:
        return None, None
    # a probe spread over the column: the first rows of a sorted feed may all have days <= 12
    sample = sample.iloc[np.unique(np.linspace(0, len(sample) - 1, 200).astype(int))].astype(str)
    # cheap reject: dates contain digits and a separator, and are not plain numbers
    if not sample.str.contains(r"\d{1,4}[-/.:]\d{1,2}", regex=True).mean() >= PARSE_SHARE:
        return None, None
    probe = pd.to_datetime(sample, errors="coerce", utc=True, format="mixed")
    if probe.notna().mean() >= PARSE_SHARE:  # times of day are not dates, whatever pandas makes of them
        probe = probe.mask(_time_of_day(sample))
    if probe.notna().mean() < PARSE_SHARE:
        return None, None
    enough = PARSE_SHARE * (len(s) if whole else s.notna().sum())
    layout: str | None = "ISO8601"
    try:
        parsed = pd.to_datetime(s, errors="coerce", utc=True, format=layout)
    except (ValueError, TypeError):
        parsed = None
    if parsed is None or parsed.notna().sum() < enough:
        # one layout for the whole column (30.06.2026 is day-first everywhere, not only where the day > 12),
        # and parsing with a format is ~100x faster than value by value
        layout = _one_layout(sample)
        parsed = None if layout is None else pd.to_datetime(s, errors="coerce", utc=True, format=layout)
    if parsed is None or parsed.notna().sum() < enough:
        layout = "mixed"
        parsed = pd.to_datetime(s, errors="coerce", utc=True, format=layout)
    parsed = settle_dates(s, parsed, layout, as_of)
    if parsed.notna().sum() < enough:
        return None, None
    return parsed, layout


def _time_of_day(text: pd.Series | np.ndarray) -> np.ndarray:
    """True where a text value is a time of day with no date: no digit is left once the time is taken out.
    Matched with RE2 in pyarrow (200k distinct values: ~0.3 s, a quarter of Python's ``re``)."""
    import pyarrow.compute as pc

    rest = pc.replace_substring_regex(_arrow_text(text), _TIME_PART, "")
    return ~np.asarray(pc.match_substring_regex(rest, r"\d"), dtype=bool)


def _arrow_text(text: pd.Series | np.ndarray):
    import pyarrow as pa

    values = text.to_numpy(dtype=object) if isinstance(text, pd.Series) else np.asarray(text, dtype=object)
    return pa.array(values, type=pa.string(), from_pandas=True)


def settle_dates(s: pd.Series, parsed: pd.Series, layout: str | None, as_of: dt.datetime) -> pd.Series:
    """Make text parsed as dates independent of the day the audit runs: a time of day with no date
    ("7:10 a.m.", "18:30", which pandas dates today) becomes NaT, and a two-digit year (which pandas reads
    around the current year) becomes the latest year with those two digits not after ``as_of``'s year, so
    1/1/63 is 1963 and never lands in the future. ``layout`` is how ``parsed`` was read: ISO 8601 always has
    a full year and one strftime layout either always or never has ``%y``; any other (value by value) is
    looked at per distinct value."""
    if layout in ("dtype", "ISO8601") or parsed.isna().all():
        return parsed
    if layout is not None and layout != "mixed":
        return _pivot_years(parsed, parsed.notna(), as_of) if "%y" in layout else parsed
    import pyarrow.compute as pc

    uniques = pd.unique(s.dropna())
    text = pd.Series(uniques, dtype=object).astype(str)
    time_only = _time_of_day(text)
    short_year = ~time_only & ~np.asarray(pc.match_substring_regex(_arrow_text(text), _FULL_YEAR), dtype=bool)
    if time_only.any():
        parsed = parsed.mask(s.isin(uniques[time_only]))
    if short_year.any():
        parsed = _pivot_years(parsed, s.isin(uniques[short_year]) & parsed.notna(), as_of)
    return parsed


def _pivot_years(parsed: pd.Series, rows: pd.Series, as_of: dt.datetime) -> pd.Series:
    """Move the dates in ``rows`` by whole centuries to the latest year with the same last two digits that
    is not after ``as_of``'s year."""
    pos = np.flatnonzero(rows.to_numpy())
    if pos.size == 0:
        return parsed
    years = parsed.iloc[pos].dt.year.to_numpy()
    shift = (as_of.year - (as_of.year - years) % 100) - years
    out = parsed.copy()
    for k in np.unique(shift):
        if k:
            at = pos[shift == k]
            with warnings.catch_warnings():  # a DateOffset over a Series is "not vectorized": few centuries
                warnings.simplefilter("ignore")
                out.iloc[at] = (parsed.iloc[at] + pd.DateOffset(years=int(k))).array
    return out


def _one_layout(sample: pd.Series) -> str | None:
    """The single strftime layout (month-first or day-first) under which the most of ``sample`` parses, if
    that is at least ``PARSE_SHARE``; month-first wins a tie, as in pandas."""
    from pandas.tseries.api import guess_datetime_format  # type: ignore[attr-defined]  # not in pandas-stubs

    layouts: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for value in sample.iloc[:20]:
            for dayfirst in (False, True):
                layout = guess_datetime_format(value, dayfirst=dayfirst)
                if layout and layout not in layouts:
                    layouts.append(layout)
    best, best_share = None, PARSE_SHARE - 1e-9
    for layout in layouts[:6]:
        share = pd.to_datetime(sample, errors="coerce", format=layout).notna().mean()
        if share > best_share:
            best, best_share = layout, share
    return best
