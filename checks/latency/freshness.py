"""Freshness: is the newest record recent enough, and is no record dated after the as-of time?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.latency._durations import format_duration
from dataaudit.checks.latency._times import (
    NS,
    Times,
    _skip_without_event_time,
    as_of_ns,
    duration_param,
    fmt_time,
    grade_duration,
    share_of,
    times_of,
    to_timestamp,
    validate_durations,
)
from dataaudit.dataset import Dataset
from dataaudit.engine.base import Predicate
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade, worst_status

__all__ = ["Freshness", "FutureTimestamps"]

#: the span of int64 nanoseconds: a typed column beyond it is read row by row (its values there count as
#: unreadable, as in dataaudit.checks.latency._times)
_NS_SPAN = (pd.Timestamp("1677-09-22", tz="UTC"), pd.Timestamp("2262-04-11", tz="UTC"))


@dataclass(frozen=True)
class TimeSummary:
    """One time column, measured: how many values it has, how many are empty or unreadable, its oldest and
    newest time (ns, UTC), and how many lie after a limit, with the newest of those that do not."""

    column: str
    label: str
    evidence_name: str
    count: int
    missing: int
    unparseable: int
    oldest: int | None
    newest: int | None  # the newest value at or before the limit
    latest: int | None  # the newest value of all
    after: int  # values after the limit
    parse_note: str = ""
    examples: tuple[str, ...] = ()
    rows_after: tuple[int, ...] = ()  # positions of up to five rows after the limit (row path only)


def _has_role(data: Dataset, role: str) -> bool:
    column = getattr(data.roles, role)
    return column is not None and column in data.columns


def _role_of(data: Dataset, column: str) -> str:
    return next(r for r in ("timestamp", "ingested_at", "label_time") if getattr(data.roles, r) == column)


def _times(data: Dataset, role: str) -> Times:
    """``times_of(data, role)`` for a role that is set and in the data (the only roles ``summarize`` is
    given, checked with ``_has_role``)."""
    times = times_of(data, role)
    if times is None:
        raise ValueError(f"the {role!r} role is not set or not in the data")
    return times


def _utc(value) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def summarize(data: Dataset, roles: list[str], limits: list[int]) -> list[TimeSummary]:
    """The time columns playing ``roles`` (each set, and in the data) measured against ``limits`` (ns, UTC).

    A column typed as datetimes is measured by the engine over all rows: one ``profile`` of those columns
    (count, missing, first and last time) and one ``count_where`` of the values after each limit; with
    none after it, the newest value at or before the limit is the last time. Otherwise (text read as
    dates, times beyond 1677–2262, or values after the limit, whose newest earlier value and example rows
    no aggregate gives) the column is parsed row by row as before (``dataaudit.checks.latency._times``)."""
    columns = [getattr(data.roles, r) for r in roles]
    typed = sorted({c for c in columns if data.stats[c].dtype.startswith("datetime64")})
    profiles = data.engine.profile(typed) if typed else {}
    in_span = {
        c
        for c in typed
        if profiles[c].count and _NS_SPAN[0] <= _utc(profiles[c].min) and _utc(profiles[c].max) <= _NS_SPAN[1]
    }

    def bound(c: str, limit: int) -> pd.Timestamp:  # the limit as the column holds times (naive: UTC)
        ts = pd.Timestamp(limit, unit="ns", tz="UTC")
        return ts if getattr(profiles[c].min, "tzinfo", None) is not None else ts.tz_localize(None)

    asks = {
        f"{c}\x00{i}": Predicate(c, ">", bound(c, limit))
        for i, (c, limit) in enumerate(zip(columns, limits))
        if c in in_span
    }
    counted = data.engine.count_where(asks) if asks else {}
    out = []
    for i, (role, column, limit) in enumerate(zip(roles, columns, limits)):
        if counted.get(f"{column}\x00{i}", -1) == 0:
            prof = profiles[column]
            detected = role in data.roles.detected
            out.append(
                TimeSummary(
                    column=column,
                    label=f"{column!r}" + (" (detected as the event time)" if detected else ""),
                    evidence_name=column + (" (detected)" if detected else ""),
                    count=prof.count,
                    missing=prof.missing,
                    unparseable=0,
                    oldest=_utc(prof.min).value,
                    newest=_utc(prof.max).value,
                    latest=_utc(prof.max).value,
                    after=0,
                )
            )
        else:
            out.append(_from_rows(_times(data, role), limit))
    return out


def _from_rows(times: Times, limit: int) -> TimeSummary:
    """A time column measured from its values parsed row by row."""
    ns = times.ns
    past = ns[ns <= limit]
    v = times.array
    ahead = ~np.isnat(v) & (v.view("int64") > limit)
    return TimeSummary(
        column=times.column,
        label=times.label,
        evidence_name=times.evidence_name,
        count=int(ns.size),
        missing=times.missing,
        unparseable=times.unparseable,
        oldest=int(ns.min()) if ns.size else None,
        newest=int(past.max()) if past.size else None,
        latest=int(ns.max()) if ns.size else None,
        after=int(ns.size - past.size),
        parse_note=times.parse_note(),
        examples=times.examples,
        rows_after=tuple(int(i) for i in np.flatnonzero(ahead)[:5]),
    )


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
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine
    uses_roles: ClassVar[tuple[str, ...]] = ("timestamp",)  # detected → capped at warn by the runner

    warn_after: str = "7d"
    fail_after: str = "30d"

    def __post_init__(self) -> None:
        super().__post_init__()
        validate_durations(self, ("warn_after", "fail_after"))

    def run(self, data: Dataset) -> Outcome:
        if not _has_role(data, "timestamp"):
            return _skip_without_event_time(data)
        m = summarize(data, ["timestamp"], [as_of_ns(data)])[0]  # measure
        col = m.column
        expected = f"newest record at most {self.warn_after} old (fail after {self.fail_after})"
        if m.count == 0:
            return Outcome.fail(
                f"{m.label} has no usable timestamps ({count(m.missing, 'empty value')}, "
                f"{count(m.unparseable, 'unreadable value')}): freshness cannot be shown" + m.parse_note,
                columns=[col],
                expected=expected,
                evidence=self._unreadable(m),
            )
        if m.newest is None:
            return Outcome.skip(
                f"all {count(m.count, 'timestamp')} of {m.label} are after as-of "
                f"{fmt_time(data.as_of)}; see latency.future_timestamps",
            )
        age = dt.timedelta(microseconds=(as_of_ns(data) - m.newest) / 1000)
        status = grade_duration(self, age.total_seconds(), "warn_after", "fail_after", higher_is_worse=True)
        return self.word(data, m, age, status, expected)

    def word(
        self, data: Dataset, m: TimeSummary, age: dt.timedelta, status: Status, expected: str
    ) -> Outcome:
        newest, oldest, future = m.newest, m.oldest, m.after
        # run() words only a column with timestamps (so an oldest) and one at or before as-of (a newest)
        assert newest is not None and oldest is not None
        msg = (
            f"newest {m.label} is {fmt_time(to_timestamp(newest))}, {format_duration(age)} before as-of "
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
        msg += m.parse_note
        rows = [
            ("event-time column", m.evidence_name),
            ("newest", fmt_time(to_timestamp(newest))),
            ("oldest", fmt_time(to_timestamp(oldest))),
            ("as-of", fmt_time(data.as_of)),
            ("age of newest", format_duration(age)),
            ("rows with a timestamp", m.count),
            ("empty", m.missing),
            ("unreadable as dates", m.unparseable),
            ("after as-of", future),
        ]
        mtime = getattr(data.source, "mtime", None)
        if mtime is not None:
            rows.append(("file modified", fmt_time(mtime)))
        return Outcome.make(
            status,
            msg,
            observed={
                "newest": to_timestamp(newest),
                "oldest": to_timestamp(oldest),
                "age_days": round(age.total_seconds() / 86_400, 3),
                "unparseable": m.unparseable,
            },
            expected=expected,
            columns=[m.column],
            evidence=[
                Table.of(("measure", "value"), rows, title=f"Freshness of {m.column}"),
                *self._unreadable(m),
            ],
        )

    @staticmethod
    def _unreadable(times: TimeSummary) -> list[Table]:
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
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine
    uses_roles: ClassVar[tuple[str, ...]] = ("timestamp",)  # detected → capped at warn by the runner

    tolerance: str = "1d"
    warn_above: float = 0.0
    fail_above: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        validate_durations(self, optional=("tolerance",))

    def run(self, data: Dataset) -> Outcome:
        if not _has_role(data, "timestamp"):
            return _skip_without_event_time(data)
        roles = ["timestamp"] + [r for r in ("ingested_at", "label_time") if _has_role(data, r)]
        limit = as_of_ns(data) + int(duration_param(self, "tolerance").total_seconds() * NS)
        cols = summarize(data, roles, [limit] * len(roles))  # measure
        examples: list[tuple[object, str, str]] = []
        per_col, status, worst = [], Status.PASS, None
        for times in cols:
            n, k = times.count, times.after
            share = share_of(k, n)
            # a column with values after the limit has a newest of all
            latest = fmt_time(to_timestamp(times.latest)) if k and times.latest is not None else ""
            per_col.append((times.column, n, k, round(share, 6), latest))
            s = (
                grade(share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
                if k
                else Status.PASS
            )
            if k and (worst is None or share > worst[2]):
                worst = (times.column, k, share, latest, n)
            status = worst_status(status, s)
            if times.rows_after:
                values = _times(data, _role_of(data, times.column)).array
                for i in times.rows_after:
                    if len(examples) < 5:
                        examples.append((data.frame.index[i], times.column, fmt_time(values[i])))
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
            columns=[c[0] for c in per_col if c[2]] or [cols[0].column],
            evidence=tables,
        )
