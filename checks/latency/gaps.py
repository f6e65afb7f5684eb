"""Gaps and coverage: do rows arrive without holes, and over a long enough span up to the as-of time?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from dataaudit.checks.latency._durations import format_duration, parse_duration
from dataaudit.checks.latency._periods import (
    CALENDAR_UNITS,
    MAX_PERIODS,
    Periods,
    analyse_gaps,
    choose_periods,
    period_index,
)
from dataaudit.checks.latency._times import (
    DAY_NS,
    WEEK_NS,
    Times,
    as_of_ns,
    duration_param,
    event_times,
    fmt_time,
    to_timestamp,
    validate_durations,
)
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade, worst_status

__all__ = ["Coverage", "TimeGaps"]


# ----------------------------------------------------------------------------------------------------------
# latency.time_gaps


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
    uses_roles: ClassVar[tuple[str, ...]] = ("timestamp",)  # detected → capped at warn by the runner

    cadence: str | None = None
    warn_above: int = 0
    fail_above: int = 6
    low_share: float = 0.1

    def __post_init__(self) -> None:
        super().__post_init__()
        validate_durations(self, optional=("cadence",))
        if self.cadence is not None and parse_duration(self.cadence, "cadence").total_seconds() < 60:
            raise ValueError(f"cadence ({self.cadence}) must be at least 1m")
        if not 0 < self.low_share < 1:
            raise ValueError(f"low_share ({self.low_share}) must be between 0 and 1")

    def run(self, data: Dataset) -> Outcome:
        times = event_times(data)
        if isinstance(times, Outcome):
            return times
        ns = times.ns
        ns = ns[ns <= as_of_ns(data)]
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
            return Outcome.skip(  # nothing checked: not a pass (issue 14.13)
                f"{times.label} spans {p.plural(int(p.counts.size))}: too short to look for gaps",
                columns=[times.column],
            )
        if inferred and not regular:
            return self._irregular(times, ns, p)
        g = analyse_gaps(p, self.low_share)
        longest = max((e - s for s, e, _, _ in g.runs), default=0)
        missing = sum(k for _, _, _, k in g.runs)
        status = grade(longest, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        if g.low:
            status = worst_status(status, Status.WARN)
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
            unit = p.name if p.name in CALENDAR_UNITS else "period"
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
                    ("column", times.evidence_name),
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

    @staticmethod
    def _irregular(times: Times, ns: np.ndarray, p: Periods) -> Outcome:
        """No cadence inferred: sparse or bursty events (deaths, orders, incidents) have empty stretches by
        nature, so there is no expected volume to call an empty stretch "missing". Skipped, with the shape
        of the data, rather than graded against a cadence the data does not follow."""
        distinct = int(np.unique(ns).size)
        empty = np.concatenate(([0], (p.counts == 0).astype("int8"), [0]))
        runs = np.diff(empty)
        longest = int((np.flatnonzero(runs == -1) - np.flatnonzero(runs == 1)).max(initial=0))
        with_rows = int((p.counts > 0).sum())
        spanned = p.plural(int(p.counts.size))
        msg = (
            f"{times.label} has no regular cadence: {count(int(ns.size), 'row')} at "
            f"{count(distinct, 'distinct time')}, with rows in {with_rows:,} of {spanned} "
            f"(longest empty stretch {p.plural(longest)}); in no hour, day, week, month or year do most "
            "periods have rows, so these are irregular events, not a feed, and an empty stretch is not "
            "missing data; gaps not graded (set 'cadence' if the rows are meant to arrive on a schedule)"
        )
        table = Table.of(
            ("measure", "value"),
            [
                ("column", times.evidence_name),
                ("cadence", "none (irregular events)"),
                ("rows", int(ns.size)),
                ("distinct times", distinct),
                (f"{p.name}s spanned", int(p.counts.size)),
                (f"{p.name}s with rows", with_rows),
                (f"longest empty stretch ({p.name}s)", longest),
            ],
            title="Gap analysis",
        )
        return Outcome.skip(msg, observed={"cadence": None}, columns=[times.column], evidence=table)


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
    """The data covers the time span the user declared it must cover, shown as rows per period up to as-of.

    Span = newest − oldest event time (records after as-of left out). The chart counts rows per day, week or
    month (whichever gives at most about 160 bars) from the first record to the as-of time, so holes and a
    stale end are visible at a glance.

    There is no default minimum: how much history a problem needs (a year for yearly seasonality, a week for
    the weekly cycle, a day for a one-off experiment) is the user's to say. With neither `warn_span_below`
    nor `fail_span_below` set, the check reports the span it saw and is skipped, because there is nothing to
    compare it with; set one (e.g. `warn_span_below: 365d`) and a shorter span warns or fails.

    Why it matters: a model sees only the seasons and regimes its data covers: with under a year of data it
    cannot learn yearly patterns, and an out-of-time validation split needs room on both sides.

    How to fix: extract a longer history, or lower the declared span when the problem truly has no
    seasonality (and say so in the datasheet).
    """

    id: ClassVar[str] = "latency.coverage"
    title: ClassVar[str] = "Time span covered"
    area: ClassVar[Area] = Area.LATENCY
    uses_roles: ClassVar[tuple[str, ...]] = ("timestamp",)  # detected → capped at warn by the runner

    warn_span_below: str | None = None
    fail_span_below: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        names = ("warn_span_below", "fail_span_below")
        both = self.warn_span_below is not None and self.fail_span_below is not None
        validate_durations(self, *([names] if both else []), optional=names)

    def run(self, data: Dataset) -> Outcome:
        times = event_times(data)
        if isinstance(times, Outcome):
            return times
        as_of = as_of_ns(data)
        ns = times.ns
        ns = ns[ns <= as_of]
        if ns.size == 0:
            return Outcome.skip(f"{times.label} has no timestamps up to as-of {fmt_time(data.as_of)}")
        first, last = int(ns.min()), int(ns.max())
        span = dt.timedelta(microseconds=(last - first) / 1000)
        status, expected = self._grade(span)
        name, step = _chart_periods(as_of - first)
        k = period_index(ns, step)
        # the last period is the one holding the instant before as-of: at as-of midnight the as-of day has not
        # begun, so it is not an empty day (nor a "stale end" for data written minutes earlier)
        k_end = max(int(period_index(np.array([as_of - 1]), step)[0]), int(k.max()))
        k0 = int(k.min())
        counts = np.bincount(k - k0, minlength=k_end - k0 + 1)
        p = Periods(name, counts, k0, step, None, 0)
        empty = int((counts == 0).sum())
        nonzero = np.flatnonzero(counts)
        stale_end = int(counts.size - 1 - nonzero[-1]) if nonzero.size else 0
        msg = (
            f"{times.label} spans {format_duration(span)}, from {fmt_time(to_timestamp(first))} to "
            f"{fmt_time(to_timestamp(last))}; "
            f"{count(int(ns.size), 'row')} in {p.plural(int(counts.size))} up to as-of, {empty:,} empty"
        )
        if stale_end:
            msg += f", of which the last {p.plural(stale_end)} (stale end)"
        if status == Status.SKIPPED:
            msg = (
                "no minimum span declared (set checks.latency.coverage.warn_span_below, e.g. 365d, in "
                f"dataaudit.yaml to require one): {msg}"
            )
        elif status != Status.PASS:
            need = self.fail_span_below if status == Status.FAIL else self.warn_span_below
            msg += f"; at least {need} declared"
        else:
            msg += f"; {expected}"
        chart = Chart.of(
            "columns",
            [p.label(i) for i in range(counts.size)],
            counts,
            title=f"Rows per {name} of {times.column}, first record to as-of",
            unit="rows",
        )
        rows = [
            ("column", times.evidence_name),
            ("first", fmt_time(to_timestamp(first))),
            ("last (up to as-of)", fmt_time(to_timestamp(last))),
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
                "first": to_timestamp(first),
                "last": to_timestamp(last),
            },
            expected=expected,
            columns=[times.column],
            evidence=Table.of(("measure", "value"), rows, title=f"Coverage of {times.column}"),
            chart=chart,
        )

    def _grade(self, span: dt.timedelta) -> tuple[Status, str | None]:
        """The span graded against the declared minimums (either may be unset); skipped when none is."""
        warn, fail = self.warn_span_below, self.fail_span_below
        if warn is None and fail is None:
            return Status.SKIPPED, None
        seconds = span.total_seconds()
        if fail is not None and seconds < duration_param(self, "fail_span_below").total_seconds():
            status = Status.FAIL
        elif warn is not None and seconds < duration_param(self, "warn_span_below").total_seconds():
            status = Status.WARN
        else:
            status = Status.PASS
        if warn and fail:
            expected = f"span >= {warn} (fail below {fail}) declared"
        else:
            expected = f"span >= {warn or fail} declared"
        return status, expected
