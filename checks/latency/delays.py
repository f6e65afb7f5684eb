"""Delays: how long after the event its row is ingested and its label becomes known, as the distribution of
(later time − event time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from dataaudit.checks.latency._durations import format_duration
from dataaudit.checks.latency._times import (
    NS,
    Times,
    duration_param,
    event_times,
    fmt_time,
    grade_duration,
    times_of,
    validate_durations,
)
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade, worst_status

__all__ = ["IngestionLag", "LabelDelay"]


# ----------------------------------------------------------------------------------------------------------
# the distribution of (later time − event time), shared by both checks


def _delay_outcome(
    data: Dataset,
    check: _DelayCheck,
    later: Times,
    *,
    what: str,
    verb: str,
) -> Outcome:
    """Grade p95 of ``later − event`` against ``warn_p95_above`` / ``fail_p95_above``, and the share of
    negative delays (``later`` before the event, beyond ``negative_tolerance``) against ``negative_*``."""
    event = event_times(data)
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
    warn, tol = duration_param(check, "warn_p95_above"), duration_param(check, "negative_tolerance")
    p95_status = grade_duration(check, p95 / NS, "warn_p95_above", "fail_p95_above", higher_is_worse=True)
    negative = delay < -tol.total_seconds() * NS
    n_neg = int(negative.sum())
    neg_share = n_neg / n
    neg_status = grade(
        neg_share, warn=check.negative_warn_above, fail=check.negative_fail_above, higher_is_worse=True
    )
    status = worst_status(p95_status, neg_status)
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
            ("from", event.evidence_name),
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
class _DelayCheck(Check):
    """Base of the delay checks: the distribution of (the ``later_role`` column's time − event time), graded
    by ``_delay_outcome``. A subclass sets its role, the words of its messages and its p95 defaults."""

    later_role: ClassVar[str]  # the role of the later time: ingested_at, label_time
    uses_roles: ClassVar[tuple[str, ...]] = ("timestamp",)  # detected → capped at warn by the runner
    what: ClassVar[str]  # what the delay is called in messages: "ingestion lag"
    verb: ClassVar[str]  # what happened at the later time: "ingested"

    warn_p95_above: str
    fail_p95_above: str
    negative_tolerance: str = "5m"
    negative_warn_above: float = 0.0
    negative_fail_above: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        validate_durations(self, ("warn_p95_above", "fail_p95_above"), optional=("negative_tolerance",))

    def run(self, data: Dataset) -> Outcome:
        later = times_of(data, self.later_role)
        if later is None:  # not reached: the runner skips a check whose role is not set
            return Outcome.skip(f"no {self.later_role} column")
        return _delay_outcome(data, self, later, what=self.what, verb=self.verb)


# ----------------------------------------------------------------------------------------------------------
# latency.ingestion_lag and latency.label_delay


@dataclass(frozen=True)
class IngestionLag(_DelayCheck):
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
    later_role: ClassVar[str] = "ingested_at"
    what: ClassVar[str] = "ingestion lag"
    verb: ClassVar[str] = "ingested"

    warn_p95_above: str = "2d"
    fail_p95_above: str = "7d"


@dataclass(frozen=True)
class LabelDelay(_DelayCheck):
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
    later_role: ClassVar[str] = "label_time"
    what: ClassVar[str] = "label delay"
    verb: ClassVar[str] = "labelled"

    warn_p95_above: str = "90d"
    fail_p95_above: str = "365d"
