"""Latency helpers: the time columns parsed to UTC (once per dataset, shared by the latency checks), the
skip without an event time, duration parameters, and how times are written in messages."""

from __future__ import annotations

import datetime as dt
import warnings
import weakref
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dataaudit.checks.latency._durations import format_duration, parse_duration
from dataaudit.dataset import Dataset
from dataaudit.model import Check, Outcome, Status, count, grade
from dataaudit.stats import settle_dates

NS = 1_000_000_000
HOUR_NS = 3600 * NS
DAY_NS = 24 * HOUR_NS
WEEK_NS = 7 * DAY_NS
#: a declared time column in no single recognisable format is parsed value by value (~100 µs each): only
#: when it has at most this many distinct values, which bounds the cost to about half a second
MAX_GUESSED_FORMATS = 5_000


# ----------------------------------------------------------------------------------------------------------
# Time columns


@dataclass(frozen=True)
class Times:
    """A time column parsed to UTC; ``values`` is aligned with the frame (NaT: missing or unparseable)."""

    column: str
    role: str
    values: pd.Series
    missing: int
    unparseable: int
    examples: tuple[str, ...]
    detected: bool = False

    @property
    def label(self) -> str:
        return f"{self.column!r}" + (" (detected as the event time)" if self.detected else "")

    @property
    def evidence_name(self) -> str:
        """The column's name in evidence tables, marked when it was detected rather than set."""
        return self.column + (" (detected)" if self.detected else "")

    @property
    def array(self) -> np.ndarray:
        """The values as a numpy datetime64[ns] array in UTC, NaT kept (aligned with the frame). Made on
        each use (3 ms for 1M rows), not kept: the times are cached for the audit, and one such array per
        time column would stay in memory to its end."""
        return self.values.to_numpy(dtype="datetime64[ns]")

    @property
    def ns(self) -> np.ndarray:
        """The parsed values as int64 nanoseconds since the epoch, NaT dropped."""
        v = self.array
        nat = np.isnat(v)
        return v.view("int64") if not nat.any() else v[~nat].view("int64")  # no copy without a NaT

    def parse_note(self) -> str:
        if not self.unparseable:
            return ""
        eg = ", ".join(repr(e) for e in self.examples[:3])
        return (
            f"; {count(self.unparseable, 'value')} of {self.column!r} could not be read as dates (e.g. {eg})"
        )


_CACHE: weakref.WeakKeyDictionary[Dataset, dict[str, Times]] = weakref.WeakKeyDictionary()


def times_of(data: Dataset, role: str) -> Times | None:
    """The column playing ``role`` (timestamp, ingested_at, label_time) parsed to UTC, or None if unset.
    Parsed once per dataset and shared by the latency checks."""
    column = getattr(data.roles, role)
    if column is None or column not in data.frame.columns:
        return None
    cache = _CACHE.setdefault(data, {})
    if role not in cache:
        cache[role] = _parse(data, column, role, role in data.roles.detected)
    return cache[role]


def _parse(data: Dataset, column: str, role: str, detected: bool) -> Times:
    s = data.frame[column]
    parsed = data.stats.datetimes(column)  # UTC, computed once per column (also used by role detection)
    if parsed is None:
        parsed = _parse_fallback(s)
        if not pd.api.types.is_numeric_dtype(s):  # text read here, as in the stats: no time of day as a
            parsed = settle_dates(s, parsed, "mixed", data.as_of)  # date, no two-digit year in the future
    elif data.stats.datetime_layout(column) == "mixed":  # the stats read it value by value: one layout?
        parsed = settle_dates(s, _one_layout(s, parsed), "mixed", data.as_of)
    parsed = _within_ns_range(parsed)
    nat = parsed.isna()
    n_nat = int(nat.sum())
    # empty vs unreadable: the shared stats already count the column's missing values
    missing = 0 if n_nat == 0 else data.stats[column].missing
    n_bad = n_nat - missing
    examples: tuple[str, ...] = ()
    if n_bad:
        bad = s.notna() & nat
        examples = tuple(str(v) for v in pd.unique(s[bad].astype(str))[:5])
    return Times(column, role, parsed, missing, n_bad, examples, detected)


def _within_ns_range(parsed: pd.Series) -> pd.Series:
    """Times that fit in nanoseconds (what the checks compute in). Values stored with a coarser unit
    (Parquet, Arrow) beyond 1677–2262, such as a 9999-12-31 placeholder, become NaT and count as unreadable
    instead of silently wrapping around."""
    if parsed.dt.unit == "ns":
        return parsed
    lo, hi = parsed.min(), parsed.max()
    if pd.isna(lo) or (
        lo >= pd.Timestamp("1677-09-22", tz="UTC") and hi <= pd.Timestamp("2262-04-11", tz="UTC")
    ):
        return parsed  # the checks read it through numpy, where converting the unit is cheap
    raw = parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    bad = ~np.isnat(raw) & ((raw < np.datetime64("1677-09-22")) | (raw > np.datetime64("2262-04-11")))
    raw = np.where(bad, np.datetime64("NaT"), raw).astype("datetime64[ns]")
    return pd.Series(raw, index=parsed.index).dt.tz_localize("UTC")


def _parse_fallback(s: pd.Series) -> pd.Series:
    """A declared time column that the shared stats did not read as dates (under 95% parse, or numbers):
    epoch numbers by magnitude, else text as ISO 8601, then (for few distinct values) any date format."""
    empty = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    if pd.api.types.is_bool_dtype(s):
        return empty
    if pd.api.types.is_numeric_dtype(s):
        num = pd.to_numeric(s, errors="coerce").astype("float64")
        finite = num[np.isfinite(num)]
        if finite.empty:
            return empty
        size = float(np.median(np.abs(finite)))
        unit = next(
            (u for u, top in (("s", 1e11), ("ms", 1e14), ("us", 1e17), ("ns", 1e20)) if size < top), None
        )
        if unit is None or size < 1e8:  # small numbers are not epoch times
            return empty
        # pandas-stubs take the unit as a literal; it is picked from literals above, typed str by next()
        return pd.to_datetime(num, unit=unit, utc=True, errors="coerce")  # type: ignore[call-overload]
    text = s.astype("string")
    try:
        parsed = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    except (ValueError, TypeError):
        parsed = empty
    if parsed.notna().sum() < 0.5 * s.notna().sum():
        parsed = _parse_other_formats(text, parsed)
    return parsed


def _one_layout(s: pd.Series, parsed: pd.Series) -> pd.Series:
    """Text dates that are not ISO 8601 were read value by value, where 01.03.2026 becomes 3 January and
    13.03.2026 13 March in one column. Parse such a column in one layout, guessed both day-first and
    month-first, when that reads at least as many values; ISO 8601 text is kept as it was read."""
    text = s.astype("string")
    try:
        iso = int(pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601").notna().sum())
    except (ValueError, TypeError):
        iso = 0
    n = int(parsed.notna().sum())
    if iso >= n:
        return parsed
    one = _parse_other_formats(text, pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]"))
    return one if int(one.notna().sum()) >= n else parsed


def _parse_other_formats(text: pd.Series, parsed: pd.Series) -> pd.Series:
    """Text in one non-ISO format ("30 Jun 2026 10:00"): guess the format from up to 50 distinct values and
    parse the column with it (vectorised); else guess per distinct value when there are few of them."""
    from pandas.tseries.api import guess_datetime_format  # type: ignore[attr-defined]  # not in pandas-stubs

    valid = int(text.notna().sum())
    sample = [str(v) for v in pd.unique(text.dropna())[:50]]
    with warnings.catch_warnings():  # "dayfirst" hints: both readings are tried below
        warnings.simplefilter("ignore")
        guesses = Counter(
            g for v in sample for first in (False, True) if (g := guess_datetime_format(v, dayfirst=first))
        )
    best, best_n = parsed, int(parsed.notna().sum())
    for fmt, _ in guesses.most_common(3):  # e.g. 01.02.2026 reads as %m.%d and %d.%m: keep what parses more
        out = pd.to_datetime(text, errors="coerce", utc=True, format=fmt)
        if (n := int(out.notna().sum())) > best_n:
            best, best_n = out, n
    if best_n >= 0.5 * valid:
        return best
    uniques = pd.Series(pd.unique(text.dropna()))
    if len(uniques) > MAX_GUESSED_FORMATS:
        return parsed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = pd.to_datetime(uniques, errors="coerce", utc=True, format="mixed").to_numpy()
    return pd.to_datetime(text.map(pd.Series(values, index=uniques)), utc=True, errors="coerce")


# ----------------------------------------------------------------------------------------------------------
# The event time


def _skip_without_event_time(data: Dataset) -> Outcome:
    reason = "no event-time column set or detected (use --timestamp or 'timestamp:' in dataaudit.yaml)"
    mtime = getattr(data.source, "mtime", None)
    if mtime is not None:
        age = (pd.Timestamp(data.as_of) - pd.Timestamp(mtime)).to_pytimedelta()
        # a file written after a pinned as-of time (a back-dated run) is "after", never "-144 d before"
        relation = (
            f"{format_duration(age)} before" if age >= dt.timedelta(0) else f"{format_duration(-age)} after"
        )
        when = f"{fmt_time(mtime)} ({relation} as-of {fmt_time(data.as_of)})"
        reason += f"; fallback: the file was last modified {when}"
    return Outcome.skip(reason, observed={"file_modified": mtime} if mtime is not None else None)


def event_times(data: Dataset) -> Times | Outcome:
    """The event times, or the skip outcome that says why there are none."""
    times = times_of(data, "timestamp")
    if times is None:
        return _skip_without_event_time(data)
    return times


def fmt_time(value) -> str:
    """``2026-03-31 21:48 UTC`` (seconds dropped; midnight shown as the date alone)."""
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    if ts == ts.normalize():
        return ts.strftime("%Y-%m-%d")
    return ts.strftime("%Y-%m-%d %H:%M UTC")


# ----------------------------------------------------------------------------------------------------------
# Times in messages, duration parameters and grades


def to_timestamp(ns: int) -> pd.Timestamp:
    return pd.Timestamp(int(ns), unit="ns", tz="UTC")


def as_of_ns(data: Dataset) -> int:
    return pd.Timestamp(data.as_of).value


def duration_param(check: Check, name: str) -> dt.timedelta:
    return parse_duration(getattr(check, name), name)


def grade_duration(
    check: Check, seconds: float, warn_name: str, fail_name: str, *, higher_is_worse: bool
) -> Status:
    """Grade a duration in seconds against the check's duration parameters ``warn_name`` / ``fail_name``."""
    warn, fail = duration_param(check, warn_name), duration_param(check, fail_name)
    return grade(
        seconds, warn=warn.total_seconds(), fail=fail.total_seconds(), higher_is_worse=higher_is_worse
    )


def validate_durations(check: Check, *pairs: tuple[str, str], optional: tuple[str, ...] = ()) -> None:
    """Parse every duration parameter (a clear ValueError → ConfigError at config time) and check that each
    (warn, fail) pair is ordered: the fail threshold is never laxer than the warn threshold."""
    for name in optional:
        if getattr(check, name) is not None:
            duration_param(check, name)
    for warn_name, fail_name in pairs:
        warn, fail = duration_param(check, warn_name), duration_param(check, fail_name)
        below = "below" in warn_name
        if (fail > warn) if below else (fail < warn):
            op = "<=" if below else ">="
            fail_text, warn_text = getattr(check, fail_name), getattr(check, warn_name)
            raise ValueError(f"{fail_name} ({fail_text}) must be {op} {warn_name} ({warn_text})")


def share_of(n: int, total: int) -> float:
    return n / total if total else 0.0
