"""Latency: is the data fresh and timely? All times are relative to the audit's as-of time (``--as-of``).

The event time is the ``timestamp`` role (``--timestamp`` or config), else the detected datetime column (the
report notes which one was assumed, and a check on a detected event time reports at most a warning: each check
declares ``uses_roles = ("timestamp",)`` for the runner). A time of day without a date ("18:30") is not a time
here, and a two-digit year is read relative to as-of (``dataaudit.stats.settle_dates``). Times are compared in
UTC: naive values are read as UTC, offsets are converted. Values that do not parse as dates are counted and
shown, never a crash. Everything here is vectorised over numpy int64 nanoseconds; the gap analysis works on
per-period counts, not on rows.

- ``_times``: time columns parsed to UTC once per dataset, duration parameters, times in messages;
- ``freshness``: latency.freshness, latency.future_timestamps;
- ``delays``: latency.ingestion_lag, latency.label_delay (one shared delay analysis);
- ``_periods``: rows per period, the inferred cadence and the gap analysis on those counts;
- ``gaps``: latency.time_gaps, latency.coverage.
"""

from dataaudit.checks.latency._times import fmt_time as fmt_time
from dataaudit.checks.latency._times import times_of as times_of
from dataaudit.checks.latency.delays import IngestionLag, LabelDelay
from dataaudit.checks.latency.freshness import Freshness, FutureTimestamps
from dataaudit.checks.latency.gaps import Coverage, TimeGaps

__all__ = ["CHECKS", "Coverage", "Freshness", "FutureTimestamps", "IngestionLag", "LabelDelay", "TimeGaps"]

CHECKS = (Freshness, IngestionLag, FutureTimestamps, TimeGaps, Coverage, LabelDelay)
