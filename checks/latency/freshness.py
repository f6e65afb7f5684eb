"""Freshness: is the newest record recent enough, and is no record dated after the as-of time?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from dataaudit.checks.latency._durations import format_duration
from dataaudit.checks.latency._times import (
    NS,
    Times,
    as_of_ns,
    duration_param,
    event_times,
    fmt_time,
    grade_duration,
    share_of,
    times_of,
    to_timestamp,
    validate_durations,
)
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade, worst_status

__all__ = ["Freshness", "FutureTimestamps"]


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
    uses_roles: ClassVar[tuple[str, ...]] = ("timestamp",)  # detected → capped at warn by the runner

    warn_after: str = "7d"
    fail_after: str = "30d"

    def __post_init__(self) -> None:
        super().__post_init__()
        validate_durations(self, ("warn_after", "fail_after"))

    def run(self, data: Dataset) -> Outcome:
        times = event_times(data)
        if isinstance(times, Outcome):
            return times
        col = times.column
        ns = times.ns
        as_of = as_of_ns(data)
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
        status = grade_duration(self, age.total_seconds(), "warn_after", "fail_after", higher_is_worse=True)
        msg = (
            f"newest {times.label} is {fmt_time(to_timestamp(newest))}, {format_duration(age)} before as-of "
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
            ("event-time column", times.evidence_name),
            ("newest", fmt_time(to_timestamp(newest))),
            ("oldest", fmt_time(to_timestamp(oldest))),
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
                "newest": to_timestamp(newest),
                "oldest": to_timestamp(oldest),
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
    uses_roles: ClassVar[tuple[str, ...]] = ("timestamp",)  # detected → capped at warn by the runner

    tolerance: str = "1d"
    warn_above: float = 0.0
    fail_above: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        validate_durations(self, optional=("tolerance",))

    def run(self, data: Dataset) -> Outcome:
        event = event_times(data)
        if isinstance(event, Outcome):
            return event
        cols = [event] + [
            t for t in (times_of(data, r) for r in ("ingested_at", "label_time")) if t is not None
        ]
        limit = as_of_ns(data) + int(duration_param(self, "tolerance").total_seconds() * NS)
        examples: list[tuple[object, str, str]] = []
        per_col, status, worst = [], Status.PASS, None
        for times in cols:
            v = times.array
            ok = ~np.isnat(v)
            n = int(ok.sum())
            ahead = ok & (v.view("int64") > limit)
            k = int(ahead.sum())
            share = share_of(k, n)
            latest = fmt_time(to_timestamp(v[ahead].view("int64").max())) if k else ""
            per_col.append((times.column, n, k, round(share, 6), latest))
            s = (
                grade(share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
                if k
                else Status.PASS
            )
            if k and (worst is None or share > worst[2]):
                worst = (times.column, k, share, latest, n)
            status = worst_status(status, s)
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
