"""Latency: is the data fresh and timely? All times are relative to the audit's as-of time (``--as-of``).

The event time is the ``timestamp`` role (``--timestamp`` or config), else the detected datetime column (the
report notes which one was assumed). Times are compared in UTC: naive values are read as UTC, offsets are
converted. Values that do not parse as dates are counted and shown, never a crash. Everything here is
vectorised over numpy int64 nanoseconds; the gap analysis works on per-period counts, not on rows.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
import weakref
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.dataset import Dataset
from dataaudit.durations import format_duration, parse_duration
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade

__all__ = ["CHECKS", "Coverage", "Freshness", "FutureTimestamps", "IngestionLag", "LabelDelay", "TimeGaps"]

NS = 1_000_000_000
HOUR_NS = 3600 * NS
DAY_NS = 24 * HOUR_NS
WEEK_NS = 7 * DAY_NS
#: 1970-01-01 was a Thursday: shift by 3 days so that weeks start on Monday
_MONDAY_SHIFT_NS = 3 * DAY_NS
#: a gap or a low-volume period is reported when chance would produce it with probability below this, after
#: a Bonferroni correction over the number of periods (so a long random stream is not "gappy" by luck)
GAP_ALPHA = 0.01
#: the gap analysis gives up (says so) rather than count more periods than this
MAX_PERIODS = 500_000
#: a declared time column in no single recognisable format is parsed value by value (~100 µs each): only
#: when it has at most this many distinct values, which bounds the cost to about half a second
MAX_GUESSED_FORMATS = 5_000
_SEVERITY = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}


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

    @cached_property
    def array(self) -> np.ndarray:
        """The values as a numpy datetime64[ns] array in UTC, NaT kept (aligned with the frame)."""
        return self.values.to_numpy(dtype="datetime64[ns]")

    @cached_property
    def ns(self) -> np.ndarray:
        """The parsed values as int64 nanoseconds since the epoch, NaT dropped."""
        v = self.array
        return v[~np.isnat(v)].view("int64")

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
    parsed = _within_ns_range(parsed)
    nat = parsed.isna()
    n_nat = int(nat.sum())
    # only when something did not parse is the (slower) text column scanned to tell empty from unreadable
    missing = 0 if n_nat == 0 else int(s.isna().sum())
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
        return pd.to_datetime(num, unit=unit, utc=True, errors="coerce")
    text = s.astype("string")
    try:
        parsed = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    except (ValueError, TypeError):
        parsed = empty
    if parsed.notna().sum() < 0.5 * s.notna().sum():
        parsed = _parse_other_formats(text, parsed)
    return parsed


def _parse_other_formats(text: pd.Series, parsed: pd.Series) -> pd.Series:
    """Text in one non-ISO format ("30 Jun 2026 10:00"): guess the format from up to 50 distinct values and
    parse the column with it (vectorised); else guess per distinct value when there are few of them."""
    from pandas.tseries.api import guess_datetime_format

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


def _skip_without_event_time(data: Dataset) -> Outcome:
    reason = "no event-time column set or detected (use --timestamp or 'timestamp:' in dataaudit.yaml)"
    mtime = getattr(data.source, "mtime", None)
    if mtime is not None:
        age = pd.Timestamp(data.as_of) - pd.Timestamp(mtime)
        reason += (
            f"; fallback: the file was last modified {fmt_time(mtime)} "
            f"({format_duration(age.to_pytimedelta())} before as-of {fmt_time(data.as_of)})"
        )
    return Outcome.skip(reason, observed={"file_modified": mtime} if mtime is not None else None)


def _event_times(data: Dataset) -> Times | Outcome:
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


def _ts(ns: int) -> pd.Timestamp:
    return pd.Timestamp(int(ns), unit="ns", tz="UTC")


def _as_of_ns(data: Dataset) -> int:
    return pd.Timestamp(data.as_of).value


def _duration(check: Check, name: str) -> dt.timedelta:
    return parse_duration(getattr(check, name), name)


def _validate_durations(check: Check, *pairs: tuple[str, str], optional: tuple[str, ...] = ()) -> None:
    """Parse every duration parameter (a clear ValueError → ConfigError at config time) and check that each
    (warn, fail) pair is ordered: the fail threshold is never laxer than the warn threshold."""
    for name in optional:
        if getattr(check, name) is not None:
            _duration(check, name)
    for warn_name, fail_name in pairs:
        warn, fail = _duration(check, warn_name), _duration(check, fail_name)
        below = "below" in warn_name
        if (fail > warn) if below else (fail < warn):
            op = "<=" if below else ">="
            fail_text, warn_text = getattr(check, fail_name), getattr(check, warn_name)
            raise ValueError(f"{fail_name} ({fail_text}) must be {op} {warn_name} ({warn_text})")


def _worst(*statuses: Status) -> Status:
    return max(statuses, key=lambda s: _SEVERITY[s])


def _share(n: int, total: int) -> float:
    return n / total if total else 0.0


# ----------------------------------------------------------------------------------------------------------
# latency.freshness


@dataclass(frozen=True)
class Freshness(Check):
    """The newest record is recent enough: the age of the newest event time at the as-of time.

    The age is as-of minus the newest event time that is not after as-of (records dated in the future are
    `latency.future_timestamps`' finding and would otherwise hide staleness). Evidence gives the newest and
    oldest timestamps, how many values are missing or unreadable as dates, and the file's modification time.
    Durations are written like "36h", "7d", "4w".

    Why it matters: a model trained on data that stopped weeks ago learns a world that has moved on (prices,
    products, behaviour, policy), and a feed that silently stopped delivering is a broken pipeline, not a
    quiet week. Defaults: warn when the newest record is more than 7 days old (a daily or weekly feed has
    missed its delivery), fail after 30 days (older than most retraining cycles).

    How to fix: re-export or re-pull the data, repair the pipeline that stopped, or pin `--as-of` to the
    extraction date when auditing a historical snapshot on purpose; for data that is refreshed monthly,
    raise `warn_after` / `fail_after` in dataaudit.yaml.
    """

    id: ClassVar[str] = "latency.freshness"
    title: ClassVar[str] = "Fresh data"
    area: ClassVar[Area] = Area.LATENCY

    warn_after: str = "7d"
    fail_after: str = "30d"

    def __post_init__(self) -> None:
        super().__post_init__()
        _validate_durations(self, ("warn_after", "fail_after"))

    def run(self, data: Dataset) -> Outcome:
        times = _event_times(data)
        if isinstance(times, Outcome):
            return times
        col = times.column
        ns = times.ns
        as_of = _as_of_ns(data)
        expected = f"newest record at most {self.warn_after} old (fail after {self.fail_after})"
        if ns.size == 0:
            return Outcome.fail(
                f"{times.label} has no usable timestamps ({count(times.missing, 'empty value')}, "
                f"{count(times.unparseable, 'unreadable value')}): freshness cannot be shown"
                + times.parse_note(),
                columns=[col],
                expected=expected,
                evidence=self._unreadable(times),
            )
        past = ns[ns <= as_of]
        future = int(ns.size - past.size)
        if past.size == 0:
            return Outcome.skip(
                f"all {count(int(ns.size), 'timestamp')} of {times.label} are after as-of "
                f"{fmt_time(data.as_of)}; see latency.future_timestamps",
            )
        newest, oldest = int(past.max()), int(ns.min())
        age = dt.timedelta(microseconds=(as_of - newest) / 1000)
        warn, fail = _duration(self, "warn_after"), _duration(self, "fail_after")
        status = grade(
            age.total_seconds(), warn=warn.total_seconds(), fail=fail.total_seconds(), higher_is_worse=True
        )
        msg = (
            f"newest {times.label} is {fmt_time(_ts(newest))}, {format_duration(age)} before as-of "
            f"{fmt_time(data.as_of)}"
        )
        if status == Status.FAIL:
            msg += f"; fail after {self.fail_after}"
        elif status == Status.WARN:
            msg += f"; warn after {self.warn_after}"
        else:
            msg += f" (warn after {self.warn_after})"
        if future:
            msg += f"; {count(future, 'row')} dated after as-of not counted (see latency.future_timestamps)"
        msg += times.parse_note()
        rows = [
            ("event-time column", col + (" (detected)" if times.detected else "")),
            ("newest", fmt_time(_ts(newest))),
            ("oldest", fmt_time(_ts(oldest))),
            ("as-of", fmt_time(data.as_of)),
            ("age of newest", format_duration(age)),
            ("rows with a timestamp", int(ns.size)),
            ("empty", times.missing),
            ("unreadable as dates", times.unparseable),
            ("after as-of", future),
        ]
        mtime = getattr(data.source, "mtime", None)
        if mtime is not None:
            rows.append(("file modified", fmt_time(mtime)))
        return Outcome.make(
            status,
            msg,
            observed={
                "newest": _ts(newest),
                "oldest": _ts(oldest),
                "age_days": round(age.total_seconds() / 86_400, 3),
                "unparseable": times.unparseable,
            },
            expected=expected,
            columns=[col],
            evidence=[
                Table.of(("measure", "value"), rows, title=f"Freshness of {col}"),
                *self._unreadable(times),
            ],
        )

    @staticmethod
    def _unreadable(times: Times) -> list[Table]:
        if not times.unparseable:
            return []
        return [
            Table.of(
                ("value",),
                [(e,) for e in times.examples],
                title=f"Values of {times.column} that are not dates ({times.unparseable:,} in all)",
            )
        ]


# ----------------------------------------------------------------------------------------------------------
# latency.ingestion_lag and latency.label_delay: the distribution of (later time − event time)


def _delay_outcome(
    data: Dataset,
    check: Check,
    later: Times,
    *,
    what: str,
    verb: str,
) -> Outcome:
    """Grade p95 of ``later − event`` against ``warn_p95_above`` / ``fail_p95_above``, and the share of
    negative delays (``later`` before the event, beyond ``negative_tolerance``) against ``negative_*``."""
    event = _event_times(data)
    if isinstance(event, Outcome):
        return event
    ev, lt = event.array, later.array
    both = ~np.isnat(ev) & ~np.isnat(lt)
    n = int(both.sum())
    cols = [event.column, later.column]
    expected = (
        f"p95 {what} <= {check.warn_p95_above} (fail above {check.fail_p95_above}); "
        f"no {what} below -{check.negative_tolerance}"
    )
    if n == 0:
        return Outcome.skip(
            f"no row has both {event.label} and {later.column!r} as readable dates"
            + event.parse_note()
            + later.parse_note()
        )
    if n == both.size:  # the common case: no copy through a boolean mask
        delay = lt.view("int64") - ev.view("int64")  # ns
    else:
        delay = lt[both].view("int64") - ev[both].view("int64")
    pos = np.flatnonzero(both)  # row positions of the delays, for the examples

    def example(i: int) -> tuple:
        j = pos[i]
        return (data.frame.index[j], fmt_time(ev[j]), fmt_time(lt[j]), d(delay[i]))

    p50, p95 = np.percentile(delay, [50, 95])
    dmax, dmin = int(delay.max()), int(delay.min())
    warn, fail = _duration(check, "warn_p95_above"), _duration(check, "fail_p95_above")
    tol = _duration(check, "negative_tolerance")
    p95_status = grade(p95 / NS, warn=warn.total_seconds(), fail=fail.total_seconds(), higher_is_worse=True)
    negative = delay < -tol.total_seconds() * NS
    n_neg = int(negative.sum())
    neg_share = n_neg / n
    neg_status = grade(
        neg_share, warn=check.negative_warn_above, fail=check.negative_fail_above, higher_is_worse=True
    )
    status = _worst(p95_status, neg_status)
    over_warn = int((delay > warn.total_seconds() * NS).sum())

    def d(ns_value: float) -> str:
        return format_duration(ns_value / NS)

    msg = f"{what} p50 {d(p50)}, p95 {d(p95)}, max {d(dmax)} over {count(n, 'row')}"
    if p95_status != Status.PASS:
        limit = check.fail_p95_above if p95_status == Status.FAIL else check.warn_p95_above
        msg += f"; p95 above {limit}"
    elif over_warn:
        msg += (
            f" ({count(over_warn, 'row')}, {over_warn / n:.2%}, {verb} more than {check.warn_p95_above} late)"
        )
    if n_neg:
        msg += (
            f"; {count(n_neg, 'row')} ({neg_share:.2%}) {verb} before the event time "
            f"(by up to {d(-dmin)}, tolerance {check.negative_tolerance})"
        )
    else:
        msg += f"; no {what} is negative"
    missing = data.n_rows - n
    if missing:
        msg += f"; {count(missing, 'row')} without both times"
    msg += event.parse_note() + later.parse_note()

    measures = Table.of(
        ("measure", "value"),
        [
            ("from", event.column + (" (detected)" if event.detected else "")),
            ("to", later.column),
            ("rows with both times", n),
            ("p50", d(p50)),
            ("p95", d(p95)),
            ("max", d(dmax)),
            ("min", d(dmin)),
            (f"rows over {check.warn_p95_above}", over_warn),
            (f"negative (beyond -{check.negative_tolerance})", n_neg),
            ("rows without both times", missing),
        ],
        title=f"{what[:1].upper()}{what[1:]}",
    )
    tables = [measures]
    if over_warn:
        k = min(5, over_warn)
        top = np.argpartition(delay, -k)[-k:]  # the k longest without sorting every row
        top = top[np.argsort(delay[top])[::-1]]
        tables.append(
            Table.of(
                ("row", event.column, later.column, what),
                [example(i) for i in top],
                title=f"Longest {what} (up to 5 rows)",
            )
        )
    if n_neg:
        neg_idx = np.flatnonzero(negative)
        worst = neg_idx[np.argsort(delay[neg_idx])[:5]]
        tables.append(
            Table.of(
                ("row", event.column, later.column, what),
                [example(i) for i in worst],
                title=f"Negative {what}: {later.column} before {event.column} (up to 5 rows)",
            )
        )
    return Outcome.make(
        status,
        msg,
        observed={
            "p50_s": round(p50 / NS, 3),
            "p95_s": round(p95 / NS, 3),
            "max_s": round(dmax / NS, 3),
            "negative": n_neg,
            "negative_share": round(neg_share, 6),
        },
        expected=expected,
        columns=cols,
        evidence=tables,
    )


@dataclass(frozen=True)
class IngestionLag(Check):
    """Rows arrive soon after their events: the distribution of ingested_at − event time (p50, p95, max).

    Rows ingested before their own event time (beyond a small clock-skew tolerance) are flagged too: they
    mean a clock or time-zone error in one of the two columns. The grade uses the p95, so a handful of
    late re-ingested rows is shown (count and the longest, up to 5 rows) without failing the whole feed.

    Why it matters: a model is served features as they exist at prediction time. If rows usually land days
    after the event, training data contains information the live model will not have yet (a form of
    leakage), and the newest days of any extract are incomplete. Defaults: warn when the p95 lag exceeds
    2 days (longer than a nightly batch needs), fail above 7 days; any negative lag beyond 5 minutes warns,
    more than 1% of rows fails.

    How to fix: find the slow stage of the pipeline (batch schedule, retries, backfills); when training,
    build features "as of" their ingestion time; fix the time zone or clock of the column that runs ahead.
    """

    id: ClassVar[str] = "latency.ingestion_lag"
    title: ClassVar[str] = "Ingestion lag"
    area: ClassVar[Area] = Area.LATENCY
    requires: ClassVar[tuple[str, ...]] = ("ingested_at",)

    warn_p95_above: str = "2d"
    fail_p95_above: str = "7d"
    negative_tolerance: str = "5m"
    negative_warn_above: float = 0.0
    negative_fail_above: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        _validate_durations(self, ("warn_p95_above", "fail_p95_above"), optional=("negative_tolerance",))

    def run(self, data: Dataset) -> Outcome:
        return _delay_outcome(
            data, self, times_of(data, "ingested_at"), what="ingestion lag", verb="ingested"
        )


@dataclass(frozen=True)
class LabelDelay(Check):
    """How long labels take to arrive: the distribution of label_time − event time (p50, p95, max).

    Runs when a `label_time` column is set. Labels dated before their event (beyond a small tolerance) are
    flagged: a label known before the event happened points to a time-zone error or to a label that was
    back-filled from later knowledge.

    Why it matters: the newest rows of a dataset are the least labelled. With a p95 label delay of months,
    the last months of data carry provisional or missing labels, and a model evaluated on them looks better
    or worse than it is; the delay also bounds how quickly a retrained model can react. Defaults: warn when
    the p95 delay exceeds 90 days, fail above 365 days (older than the data many models are trained on);
    any negative delay beyond 5 minutes warns, more than 1% of rows fails.

    How to fix: train only on events older than the p95 delay (or model the censoring), chase the slow
    labelling process, and correct label times that precede their events.
    """

    id: ClassVar[str] = "latency.label_delay"
    title: ClassVar[str] = "Label delay"
    area: ClassVar[Area] = Area.LATENCY
    requires: ClassVar[tuple[str, ...]] = ("label_time",)

    warn_p95_above: str = "90d"
    fail_p95_above: str = "365d"
    negative_tolerance: str = "5m"
    negative_warn_above: float = 0.0
    negative_fail_above: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        _validate_durations(self, ("warn_p95_above", "fail_p95_above"), optional=("negative_tolerance",))

    def run(self, data: Dataset) -> Outcome:
        return _delay_outcome(data, self, times_of(data, "label_time"), what="label delay", verb="labelled")


# ----------------------------------------------------------------------------------------------------------
# latency.future_timestamps


@dataclass(frozen=True)
class FutureTimestamps(Check):
    """No record is dated after the as-of time, beyond a small tolerance.

    Looks at the event time and, when set, ingested_at and label_time. The worst column is graded by the
    share of its rows dated after as-of + `tolerance`; evidence lists each column's count, share and latest
    value, and up to 5 rows.

    Why it matters: a future date is a typo (2062 for 2026), a default such as 2099-12-31, a time-zone error,
    or a clock that runs ahead. Such rows break time-based splits (they land in every "latest" window), hide
    staleness, and make age features negative. The tolerance (default 1 day) absorbs clock skew and naive
    local times that are up to 14 hours ahead of UTC. Defaults: any row beyond it warns; more than 1% fails.

    How to fix: correct the typos, replace placeholder dates with empty values, and store times with their
    offset (or in UTC); if the as-of time is wrong, pass `--as-of`.
    """

    id: ClassVar[str] = "latency.future_timestamps"
    title: ClassVar[str] = "No future timestamps"
    area: ClassVar[Area] = Area.LATENCY

    tolerance: str = "1d"
    warn_above: float = 0.0
    fail_above: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        _validate_durations(self, optional=("tolerance",))

    def run(self, data: Dataset) -> Outcome:
        event = _event_times(data)
        if isinstance(event, Outcome):
            return event
        cols = [event] + [
            t for t in (times_of(data, r) for r in ("ingested_at", "label_time")) if t is not None
        ]
        limit = _as_of_ns(data) + int(_duration(self, "tolerance").total_seconds() * NS)
        per_col, examples, status, worst = [], [], Status.PASS, None
        for times in cols:
            v = times.array
            ok = ~np.isnat(v)
            n = int(ok.sum())
            ahead = ok & (v.view("int64") > limit)
            k = int(ahead.sum())
            share = _share(k, n)
            latest = fmt_time(_ts(v[ahead].view("int64").max())) if k else ""
            per_col.append((times.column, n, k, round(share, 6), latest))
            s = (
                grade(share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
                if k
                else Status.PASS
            )
            if k and (worst is None or share > worst[2]):
                worst = (times.column, k, share, latest, n)
            status = _worst(status, s)
            for i in np.flatnonzero(ahead)[:5]:
                if len(examples) < 5:
                    examples.append((data.frame.index[i], times.column, fmt_time(v[i])))
        after = f"after as-of {fmt_time(data.as_of)} + {self.tolerance}"
        if worst is None:
            names = ", ".join(t.column for t in cols)
            msg = f"no timestamp {after} in {names} ({count(len(cols), 'column')} checked)"
        else:
            col, k, share, latest, n = worst
            msg = f"{k:,} of {count(n, 'row')} in {col!r} ({share:.2%}) dated {after}; latest {latest}"
            others = [c for c in per_col if c[2] and c[0] != col]
            if others:
                msg += "; also " + ", ".join(f"{c[2]:,} in {c[0]!r}" for c in others)
        tables = [
            Table.of(
                ("column", "rows with a date", "after as-of", "share", "latest"),
                per_col,
                title="Future timestamps",
            )
        ]
        if examples:
            tables.append(
                Table.of(("row", "column", "value"), examples, title="Rows dated in the future (up to 5)")
            )
        return Outcome.make(
            status,
            msg,
            observed={c[0]: c[2] for c in per_col},
            expected=f"no rows {after} (fail above {self.fail_above:.0%} of rows)",
            columns=[c[0] for c in per_col if c[2]] or [event.column],
            evidence=tables,
        )


# ----------------------------------------------------------------------------------------------------------
# Periods: rows per hour / day / week / month, and the gap analysis on those counts


@dataclass(frozen=True)
class Periods:
    """Row counts per period between the first and last timestamp."""

    name: str  # hour, day, week, month, or a configured duration such as "6h"
    counts: np.ndarray  # int64, one per period, first and last non-empty
    first: int  # index of the first period (in the unit's own numbering)
    step_ns: int | None  # None for calendar months
    phase: np.ndarray | None  # phase of each period (hour of week, day of week), or None
    window: int  # neighbours on each side used to estimate the local level

    def start(self, i: int) -> pd.Timestamp:
        k = self.first + int(i)
        if self.step_ns is None:
            return pd.Timestamp(np.datetime64(k, "M").astype("datetime64[ns]")).tz_localize("UTC")
        shift = _MONDAY_SHIFT_NS if self.step_ns == WEEK_NS else 0
        return _ts(k * self.step_ns - shift)

    def label(self, i: int) -> str:
        ts = self.start(i)
        if self.name == "month":
            return ts.strftime("%Y-%m")
        if self.step_ns is not None and self.step_ns % DAY_NS == 0:
            return ts.strftime("%Y-%m-%d")
        return ts.strftime("%Y-%m-%d %H:%M")

    def plural(self, n: int) -> str:
        noun = self.name if self.name in ("hour", "day", "week", "month") else f"{self.name} period"
        return count(n, noun)


_CANDIDATES = (("hour", HOUR_NS, 168), ("day", DAY_NS, 14), ("week", WEEK_NS, 8), ("month", None, 6))


def _index(ns: np.ndarray, step_ns: int | None) -> np.ndarray:
    if step_ns is None:
        return ns.astype("datetime64[ns]").astype("datetime64[M]").astype("int64")
    shift = _MONDAY_SHIFT_NS if step_ns == WEEK_NS else 0
    return (ns + shift) // step_ns


def periods(ns: np.ndarray, name: str, step_ns: int | None, window: int) -> Periods | None:
    """Count rows per period; None if that would be more than ``MAX_PERIODS`` periods."""
    k = _index(ns, step_ns)
    first, last = int(k.min()), int(k.max())
    if last - first + 1 > MAX_PERIODS:
        return None
    counts = np.bincount(k - first, minlength=last - first + 1)
    n = counts.size
    idx = np.arange(first, first + n)
    phase = None
    if step_ns == HOUR_NS and n >= 2 * 168:
        phase = (idx + 72) % 168  # hour of the week, Monday 00:00 = 0
    elif step_ns == HOUR_NS and n >= 48:
        phase = idx % 24
    elif step_ns == DAY_NS and n >= 14:
        phase = (idx + 3) % 7  # Monday = 0
    return Periods(name, counts, first, step_ns, phase, window)


def _phase_weights(p: Periods) -> np.ndarray:
    """Expected share of volume of each period from its phase (e.g. weekends quiet): mean rows per phase."""
    c = p.counts.astype("float64")
    if p.phase is None:
        return np.ones_like(c)
    n_phase = int(p.phase.max()) + 1
    mean = np.bincount(p.phase, weights=c, minlength=n_phase) / np.maximum(
        np.bincount(p.phase, minlength=n_phase), 1
    )
    top = mean.max()
    return (mean / top)[p.phase] if top > 0 else np.ones_like(c)


def _regular(p: Periods) -> tuple[bool, float]:
    """Whether rows arrive at this cadence: in the median block of periods (a week of hours or days, two
    months of weeks, a year of months), at least half of all periods and 90% of the busy ones (phases with
    at least a quarter of the busiest phase's volume) have rows. Medians over blocks keep a long outage from
    hiding the cadence it interrupts."""
    c = p.counts
    w = _phase_weights(p)
    block = {HOUR_NS: 168, DAY_NS: 7, WEEK_NS: 8}.get(p.step_ns, 12)
    nb = c.size // block
    if nb == 0:
        nb, block = 1, c.size
    rows = (c[: nb * block] > 0).reshape(nb, block)
    busy = (w[: nb * block] >= 0.25).reshape(nb, block)
    overall = float(np.median(rows.mean(axis=1)))
    busy_share = float(np.median((rows & busy).sum(axis=1) / np.maximum(busy.sum(axis=1), 1)))
    return overall >= 0.5 and busy_share >= 0.9, overall


@dataclass(frozen=True)
class Gaps:
    periods: Periods
    inferred: bool
    regular: bool
    dispersion: float
    runs: list[tuple[int, int, float, int]]  # significant empty runs: start, end (exclusive), expected rows,
    # and how many of their periods are busy ones (a Monday, not the quiet weekend before it)
    low: list[tuple[int, int, float]]  # (period, rows, expected rows) far below normal
    longest_empty: int  # longest run of empty periods, significant or not


def _level(cc: np.ndarray, cw: np.ndarray, start: np.ndarray, end: np.ndarray, window: int) -> np.ndarray:
    """Rows per unit of phase weight around the periods ``[start, end)``, which are left out: the lower of
    the rates over ``window`` periods before and after, so a level shift (volume doubling from one month to
    the next) is not read as the quiet side being "low". A side without periods is ignored."""
    n = cw.size - 1
    a, b = np.clip(start - window, 0, n), np.clip(end + window, 0, n)
    left_w, right_w = cw[start] - cw[a], cw[b] - cw[end]
    left = np.divide(cc[start] - cc[a], left_w, out=np.full(start.size, np.inf), where=left_w > 0)
    right = np.divide(cc[b] - cc[end], right_w, out=np.full(start.size, np.inf), where=right_w > 0)
    rate = np.minimum(left, right)
    return np.where(np.isfinite(rate), rate, 0.0)


def analyse_gaps(p: Periods, low_share: float, inferred: bool, regular: bool) -> Gaps:
    """Missing and low-volume periods under a multiplicative model: expected rows = local level × phase
    weight. The level comes from ``window`` neighbouring periods on each side (the lower side's rate; a
    run's own periods left out), the phase weight from the mean volume of the period's phase. A run of empty
    periods is missing when a quasi-Poisson model (dispersion estimated from the data) makes it less likely
    than ``GAP_ALPHA`` divided by the number of periods: a regular feed (dispersion ≈ 0) is flagged for a
    single empty period, a random stream with a few rows per period is not."""
    c = p.counts.astype("float64")
    n = c.size
    w = _phase_weights(p)
    cc = np.concatenate(([0.0], np.cumsum(c)))
    cw = np.concatenate(([0.0], np.cumsum(w)))
    i = np.arange(n)
    lam = _level(cc, cw, i, i + 1, p.window) * w
    fit = lam >= 0.5
    dispersion = float(np.mean((c[fit] - lam[fit]) ** 2 / lam[fit])) if fit.sum() >= 5 else 1.0
    phi = max(dispersion, 0.05)
    log_alpha = math.log(GAP_ALPHA / max(n, 1))

    empty = np.concatenate(([0], (c == 0).astype("int8"), [0]))
    edges = np.diff(empty)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    longest_empty = int((ends - starts).max()) if starts.size else 0
    runs: list[tuple[int, int, float, int]] = []
    if starts.size:
        expected = _level(cc, cw, starts, ends, p.window) * (cw[ends] - cw[starts])
        hit = -expected / phi < log_alpha
        cb = np.concatenate(([0], np.cumsum(w >= 0.25)))
        busy = cb[ends] - cb[starts]
        runs = [
            (int(s), int(e), float(x), int(max(k, 1)))
            for s, e, x, k in zip(starts[hit], ends[hit], expected[hit], busy[hit])
        ]

    # low volume: rows present but below low_share of expected, and unlikely (Chernoff bound on the tail)
    cand = (c > 0) & (lam >= 5) & (c < low_share * lam)
    cand[[0, -1]] = False  # the first and last periods are partial: the data starts and ends inside them
    low: list[tuple[int, int, float]] = []
    if cand.any():
        ci, li = c[cand], lam[cand]
        log_p = (ci - li + ci * np.log(li / ci)) / phi
        idx = np.flatnonzero(cand)[log_p < log_alpha]
        low = [(int(j), int(c[j]), float(lam[j])) for j in idx]
    return Gaps(p, inferred, regular, dispersion, runs, low, longest_empty)


def choose_periods(ns: np.ndarray, cadence: str | None) -> tuple[Periods | None, bool, bool]:
    """(periods, inferred, regular). A configured cadence is used as given; otherwise the finest of hour,
    day, week and month at which rows arrive regularly, or days for an irregular stream."""
    if cadence is not None:
        step = int(parse_duration(cadence, "cadence").total_seconds() * NS)
        known = {HOUR_NS: ("hour", 168), DAY_NS: ("day", 14), WEEK_NS: ("week", 8)}
        name, window = known.get(step, (cadence, 14))
        p = periods(ns, name, step, window)
        return p, False, p is not None and _regular(p)[0]
    fallback = None
    for name, step, window in _CANDIDATES:
        p = periods(ns, name, step, window)
        if p is None:
            continue
        if p.counts.size < 3:  # too short at this cadence and every coarser one: too short to judge
            return p, True, False
        if _regular(p)[0]:
            return p, True, True
        if fallback is None or name == "day":  # irregular streams are looked at per day when possible
            fallback = p
    return fallback, True, False


def _expected_text(x: float) -> str:
    return f"~{x:,.0f}" if x >= 10 else f"~{x:.1f}"


@dataclass(frozen=True)
class TimeGaps(Check):
    """Rows arrive without holes: missing periods, the longest gap, and periods with volume far below normal.

    The cadence (the period rows are expected in) is `cadence` when set ("1h", "1d", "1w"), else inferred:
    the finest of hour, day, week and month at which, in a typical stretch, most periods and 90% of the busy
    ones have rows. Expected rows per period come from the local level (neighbouring periods) times the
    period's weekly pattern, so quiet weekends, nights and seasonal dips are expected, not missing. A run of
    empty periods is a gap only when it is too unlikely to be chance, given how much the counts scatter:
    one empty day breaks a regular daily feed, while a stream of transactions at random times has empty
    stretches by nature and is not called gappy. A period is "low volume" when it has under `low_share` of
    its expected rows and that is equally unlikely by chance.

    Why it matters: a model cannot learn what happened during a hole, rolling features and lags computed
    across it are wrong, and a hole usually means a failed extract that will recur. Defaults: the longest
    gap graded in periods: warn from one missing period (a day in a daily feed), fail above six (a week
    missing); low-volume periods warn.

    How to fix: back-fill the missing periods from the source, or exclude them (and features spanning them)
    from training; set `cadence` if the inferred one is wrong.
    """

    id: ClassVar[str] = "latency.time_gaps"
    title: ClassVar[str] = "No gaps in time"
    area: ClassVar[Area] = Area.LATENCY

    cadence: str | None = None
    warn_above: int = 0
    fail_above: int = 6
    low_share: float = 0.1

    def __post_init__(self) -> None:
        super().__post_init__()
        _validate_durations(self, optional=("cadence",))
        if self.cadence is not None and parse_duration(self.cadence, "cadence").total_seconds() < 60:
            raise ValueError(f"cadence ({self.cadence}) must be at least 1m")
        if not 0 < self.low_share < 1:
            raise ValueError(f"low_share ({self.low_share}) must be between 0 and 1")

    def run(self, data: Dataset) -> Outcome:
        times = _event_times(data)
        if isinstance(times, Outcome):
            return times
        ns = times.ns
        ns = ns[ns <= _as_of_ns(data)]
        if ns.size == 0 or ns.min() == ns.max():
            return Outcome.skip(
                f"{times.label} needs at least 2 distinct timestamps up to as-of to look for gaps"
            )
        p, inferred, regular = choose_periods(ns, self.cadence)
        if p is None:
            return Outcome.skip(
                f"{times.label} spans more than {MAX_PERIODS:,} periods of {self.cadence or 'one day'}; "
                "set a coarser 'cadence'"
            )
        if p.counts.size < 3:
            return Outcome.ok(
                f"{times.label} spans {p.plural(int(p.counts.size))}: too short to look for gaps",
                columns=[times.column],
            )
        g = analyse_gaps(p, self.low_share, inferred, regular)
        longest = max((e - s for s, e, _, _ in g.runs), default=0)
        missing = sum(k for _, _, _, k in g.runs)
        status = grade(longest, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        if g.low:
            status = _worst(status, Status.WARN)
        how = "inferred" if inferred else "configured"
        kind = "" if regular else "; irregular stream, no regular cadence"
        cadence = f"cadence {p.name} ({how}{kind})"
        n = int(p.counts.size)
        if g.runs:
            s, e, x, _ = max(g.runs, key=lambda r: (r[1] - r[0], r[2]))
            msg = (
                f"{p.plural(missing)} missing in {count(len(g.runs), 'gap')} over {p.plural(n)} of "
                f"{times.label}; longest gap {p.plural(e - s)}, {p.label(s)} to {p.label(e - 1)} "
                f"with {_expected_text(x)} rows expected"
            )
        else:
            unit = p.name if p.name in ("hour", "day", "week", "month") else "period"
            msg = f"no missing {unit}s over {p.plural(n)} of {times.label}"
            if g.longest_empty:
                msg += f"; longest empty stretch {p.plural(g.longest_empty)} is within normal variation"
        if g.low:
            worst = min(g.low, key=lambda r: r[1] / r[2])
            msg += (
                f"; {p.plural(len(g.low))} with volume below {self.low_share:.0%} of normal "
                f"(lowest {p.label(worst[0])}: {count(worst[1], 'row')}, {_expected_text(worst[2])} expected)"
            )
        msg += f"; {cadence}"
        if status == Status.FAIL:
            msg += f"; fail above {p.plural(self.fail_above)}"
        tables = [
            Table.of(
                ("measure", "value"),
                [
                    ("column", times.column + (" (detected)" if times.detected else "")),
                    ("cadence", f"{p.name} ({how})"),
                    ("regular", "yes" if regular else "no (irregular stream)"),
                    ("periods", n),
                    ("periods with rows", int((p.counts > 0).sum())),
                    ("missing periods", missing),
                    ("gaps", len(g.runs)),
                    ("longest gap (periods)", longest),
                    ("longest empty stretch (periods)", g.longest_empty),
                    ("low-volume periods", len(g.low)),
                    ("dispersion (1 = random arrivals)", round(g.dispersion, 3)),
                ],
                title="Gap analysis",
            )
        ]
        if g.runs:
            ranked = sorted(g.runs, key=lambda r: (-(r[1] - r[0]), -r[2]))
            tables.append(
                Table.of(
                    ("from", "to", "periods", "busy periods", "rows expected"),
                    [(p.label(s), p.label(e - 1), e - s, k, round(x, 1)) for s, e, x, k in ranked[:10]],
                    title="Gaps, longest first",
                )
            )
        if g.low:
            ranked_low = sorted(g.low, key=lambda r: r[1] / r[2])
            tables.append(
                Table.of(
                    ("period", "rows", "rows expected"),
                    [(p.label(j), k, round(x, 1)) for j, k, x in ranked_low[:10]],
                    title=f"Periods below {self.low_share:.0%} of normal volume, lowest first",
                )
            )
        return Outcome.make(
            status,
            msg,
            observed={
                "cadence": p.name,
                "missing_periods": missing,
                "longest_gap": longest,
                "gaps": len(g.runs),
                "low_volume": len(g.low),
            },
            expected=f"no gap over {p.plural(self.warn_above)} (fail above {p.plural(self.fail_above)})",
            columns=[times.column],
            evidence=tables,
        )


# ----------------------------------------------------------------------------------------------------------
# latency.coverage


def _chart_periods(span_ns: int) -> tuple[str, int | None]:
    if span_ns <= 120 * DAY_NS:
        return "day", DAY_NS
    if span_ns <= 3 * 365 * DAY_NS:
        return "week", WEEK_NS
    return "month", None


@dataclass(frozen=True)
class Coverage(Check):
    """The data covers a long enough time span, shown as rows per period up to the as-of time.

    Span = newest − oldest event time (records after as-of left out). The chart counts rows per day, week or
    month (whichever gives at most about 160 bars) from the first record to the as-of time, so holes and a
    stale end are visible at a glance.

    Why it matters: a model sees only the seasons and regimes its data covers: with under a quarter of data
    it cannot learn yearly patterns, and an out-of-time validation split needs room on both sides. Under a
    week, even the weekly cycle is not covered once. Defaults: warn when the span is under 90 days, fail
    under 7 days.

    How to fix: extract a longer history, or lower `warn_span_below` / `fail_span_below` when the problem
    truly has no seasonality (and say so in the datasheet).
    """

    id: ClassVar[str] = "latency.coverage"
    title: ClassVar[str] = "Time span covered"
    area: ClassVar[Area] = Area.LATENCY

    warn_span_below: str = "90d"
    fail_span_below: str = "7d"

    def __post_init__(self) -> None:
        super().__post_init__()
        _validate_durations(self, ("warn_span_below", "fail_span_below"))

    def run(self, data: Dataset) -> Outcome:
        times = _event_times(data)
        if isinstance(times, Outcome):
            return times
        as_of = _as_of_ns(data)
        ns = times.ns
        ns = ns[ns <= as_of]
        if ns.size == 0:
            return Outcome.skip(f"{times.label} has no timestamps up to as-of {fmt_time(data.as_of)}")
        first, last = int(ns.min()), int(ns.max())
        span = dt.timedelta(microseconds=(last - first) / 1000)
        warn, fail = _duration(self, "warn_span_below"), _duration(self, "fail_span_below")
        status = grade(
            span.total_seconds(), warn=warn.total_seconds(), fail=fail.total_seconds(), higher_is_worse=False
        )
        name, step = _chart_periods(as_of - first)
        k = _index(ns, step)
        k_end = int(_index(np.array([as_of]), step)[0])
        k0 = int(k.min())
        counts = np.bincount(k - k0, minlength=k_end - k0 + 1)
        p = Periods(name, counts, k0, step, None, 0)
        empty = int((counts == 0).sum())
        nonzero = np.flatnonzero(counts)
        stale_end = int(counts.size - 1 - nonzero[-1]) if nonzero.size else 0
        msg = (
            f"{times.label} spans {format_duration(span)}, from {fmt_time(_ts(first))} to "
            f"{fmt_time(_ts(last))}; "
            f"{count(int(ns.size), 'row')} in {p.plural(int(counts.size))} up to as-of, {empty:,} empty"
        )
        if stale_end:
            msg += f", of which the last {p.plural(stale_end)} (stale end)"
        if status != Status.PASS:
            need = self.fail_span_below if status == Status.FAIL else self.warn_span_below
            msg += f"; at least {need} needed"
        chart = Chart.of(
            "columns",
            [p.label(i) for i in range(counts.size)],
            counts,
            title=f"Rows per {name} of {times.column}, first record to as-of",
            unit="rows",
        )
        rows = [
            ("column", times.column + (" (detected)" if times.detected else "")),
            ("first", fmt_time(_ts(first))),
            ("last (up to as-of)", fmt_time(_ts(last))),
            ("span", format_duration(span)),
            ("as-of", fmt_time(data.as_of)),
            (f"{name}s to as-of", int(counts.size)),
            (f"empty {name}s", empty),
            (f"empty {name}s at the end", stale_end),
        ]
        return Outcome.make(
            status,
            msg,
            observed={
                "span_days": round(span.total_seconds() / 86_400, 3),
                "first": _ts(first),
                "last": _ts(last),
            },
            expected=f"span >= {self.warn_span_below} (fail below {self.fail_span_below})",
            columns=[times.column],
            evidence=Table.of(("measure", "value"), rows, title=f"Coverage of {times.column}"),
            chart=chart,
        )


CHECKS = (Freshness, IngestionLag, FutureTimestamps, TimeGaps, Coverage, LabelDelay)
