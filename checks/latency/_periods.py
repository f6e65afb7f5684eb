"""Periods: rows per hour / day / week / month, the cadence they arrive at, and the gap analysis on those
counts (used by latency.time_gaps and latency.coverage)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dataaudit.checks.latency._durations import parse_duration
from dataaudit.checks.latency._times import DAY_NS, HOUR_NS, NS, WEEK_NS, to_timestamp
from dataaudit.model import count

#: 1970-01-01 was a Thursday: shift by 3 days so that weeks start on Monday
_MONDAY_SHIFT_NS = 3 * DAY_NS
#: a gap or a low-volume period is reported when chance would produce it with probability below this, after
#: a Bonferroni correction over the number of periods (so a long random stream is not "gappy" by luck)
GAP_ALPHA = 0.01
#: the gap analysis gives up (says so) rather than count more periods than this
MAX_PERIODS = 500_000


@dataclass(frozen=True)
class Periods:
    """Row counts per period between the first and last timestamp."""

    name: str  # hour, day, week, month, quarter, year, or a configured duration such as "6h"
    counts: np.ndarray  # int64, one per period, first and last non-empty
    first: int  # index of the first period (in the unit's own numbering)
    step_ns: int | None  # None for calendar months, quarters and years
    phase: np.ndarray | None  # phase of each period (hour of week, day of week), or None
    window: int  # neighbours on each side used to estimate the local level
    months: int = 1  # calendar months per period when step_ns is None (1 month, 3 quarter, 12 year)

    def start(self, i: int) -> pd.Timestamp:
        k = self.first + int(i)
        if self.step_ns is None:
            month = np.datetime64(k * self.months, "M").astype("datetime64[ns]")
            return pd.Timestamp(month).tz_localize("UTC")
        shift = _MONDAY_SHIFT_NS if self.step_ns == WEEK_NS else 0
        return to_timestamp(k * self.step_ns - shift)

    def label(self, i: int) -> str:
        ts = self.start(i)
        if self.name == "year":
            return ts.strftime("%Y")
        if self.step_ns is None:
            return ts.strftime("%Y-%m")
        if self.step_ns is not None and self.step_ns % DAY_NS == 0:
            return ts.strftime("%Y-%m-%d")
        return ts.strftime("%Y-%m-%d %H:%M")

    def plural(self, n: int) -> str:
        noun = self.name if self.name in CALENDAR_UNITS else f"{self.name} period"
        return count(n, noun)


CALENDAR_UNITS = ("hour", "day", "week", "month", "quarter", "year")
#: (name, step in ns or None for calendar months, neighbours each side for the local level, months per period)
_CANDIDATES = (
    ("hour", HOUR_NS, 168, 1),
    ("day", DAY_NS, 14, 1),
    ("week", WEEK_NS, 8, 1),
    ("month", None, 6, 1),
    ("year", None, 3, 12),
)
#: calendar cadences recognised from timestamps that all fall at midnight on the 1st of a month
_CALENDAR = {1: ("month", 6), 3: ("quarter", 4), 12: ("year", 3)}


def period_index(ns: np.ndarray, step_ns: int | None, months: int = 1) -> np.ndarray:
    if step_ns is None:
        return ns.astype("datetime64[ns]").astype("datetime64[M]").astype("int64") // months
    shift = _MONDAY_SHIFT_NS if step_ns == WEEK_NS else 0
    return (ns + shift) // step_ns


def periods(ns: np.ndarray, name: str, step_ns: int | None, window: int, months: int = 1) -> Periods | None:
    """Count rows per period; None if that would be more than ``MAX_PERIODS`` periods."""
    k = period_index(ns, step_ns, months)
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
    return Periods(name, counts, first, step_ns, phase, window, months)


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


def _regular(p: Periods) -> bool:
    """Whether rows arrive at this cadence: in the median block of periods (a week of hours or days, two
    months of weeks, a year of months), at least half of all periods and 90% of the busy ones (phases with
    at least a quarter of the busiest phase's volume) have rows. Medians over blocks keep a long outage from
    hiding the cadence it interrupts."""
    c = p.counts
    w = _phase_weights(p)
    block = {HOUR_NS: 168, DAY_NS: 7, WEEK_NS: 8}.get(p.step_ns or 0, 12) if p.months == 1 else 12
    nb = c.size // block
    if nb == 0:
        nb, block = 1, c.size
    rows = (c[: nb * block] > 0).reshape(nb, block)
    busy = (w[: nb * block] >= 0.25).reshape(nb, block)
    overall = float(np.median(rows.mean(axis=1)))
    busy_share = float(np.median((rows & busy).sum(axis=1) / np.maximum(busy.sum(axis=1), 1)))
    return overall >= 0.5 and busy_share >= 0.9


@dataclass(frozen=True)
class Gaps:
    periods: Periods
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


def analyse_gaps(p: Periods, low_share: float) -> Gaps:
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
    return Gaps(p, dispersion, runs, low, longest_empty)


def _calendar_cadence(ns: np.ndarray) -> tuple[str, int, int] | None:
    """(name, window, months) when the DISTINCT timestamps all fall at midnight on the 1st of a month and
    are most often 1, 3 or 12 months apart (monthly, quarterly, yearly figures: several rows may share a
    date, one per series). Works on the distinct values, so ten series reported each January read as a
    yearly table, not as 364 missing days a year."""
    probe = ns[:: max(1, ns.size // 2000)].astype("datetime64[ns]")  # most columns fail here, before a sort
    if not (probe == probe.astype("datetime64[M]").astype("datetime64[ns]")).all():
        return None
    u = np.unique(ns)
    if u.size < 2:
        return None
    t = u.astype("datetime64[ns]")
    month = t.astype("datetime64[M]")
    if not (t == month.astype("datetime64[ns]")).all():
        return None
    m = month.astype("int64")
    step = int(np.median(np.diff(m)))
    if step not in _CALENDAR or (m % step != m[0] % step).any():
        return None
    name, window = _CALENDAR[step]
    return name, window, step


def choose_periods(ns: np.ndarray, cadence: str | None) -> tuple[Periods | None, bool, bool]:
    """(periods, inferred, regular). A configured cadence is used as given. Otherwise, timestamps all on
    the 1st of a month at the spacing of a calendar month, quarter or year (see ``_calendar_cadence``) are
    read at that cadence; else the finest of hour, day, week, month and year at which rows arrive
    regularly. An irregular stream (sparse or bursty events, no cadence) comes back with ``regular`` False,
    per day when possible, for the evidence only: a gap is measured against a cadence the data follows."""
    if cadence is not None:
        step = int(parse_duration(cadence, "cadence").total_seconds() * NS)
        known = {HOUR_NS: ("hour", 168), DAY_NS: ("day", 14), WEEK_NS: ("week", 8)}
        name, window = known.get(step, (cadence, 14))
        p = periods(ns, name, step, window)
        return p, False, p is not None and _regular(p)
    calendar = _calendar_cadence(ns)
    if calendar is not None:
        name, window, months = calendar
        p = periods(ns, name, None, window, months)
        return p, True, p is not None and p.counts.size >= 3
    fallback = None
    for name, candidate_step, window, months in _CANDIDATES:
        p = periods(ns, name, candidate_step, window, months)
        if p is None:
            continue
        if p.counts.size < 3:
            if name == "year":  # a stream over two calendar years is not a yearly feed: irregular
                break
            return p, True, False  # too short at this cadence and every coarser one
        if _regular(p):
            return p, True, True
        if fallback is None or name == "day":  # irregular streams are looked at per day when possible
            fallback = p
    return fallback, True, False
