"""Consistency: values outside declared ranges, allowed sets or patterns, and values impossible for what a
column's name and type say it holds (negative ages or prices, percentages above 100, dates before 1900)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import (
    _expected,
    _grade_worst,
    _num,
    _pct,
    _quote,
    _sentinels,
    _text_counts,
)
from dataaudit.checks.consistency.outliers import _numeric_counts
from dataaudit.dataset import Dataset
from dataaudit.engine.base import Predicate
from dataaudit.model import Area, Check, Outcome, Status, Table, count, worst_status
from dataaudit.roles import tokens

__all__ = ["ValueRanges"]

Bound = float | dt.datetime | None

_AGE = {"age"}
_NONNEGATIVE = {
    "count",
    "counts",
    "qty",
    "quantity",
    "price",
    "prices",
    "amount",
    "cost",
    "fee",
    "fees",
    "salary",
    "wage",
    "duration",
    "seconds",
    "secs",
    "minutes",
    "mins",
    "hours",
    "days",
    "weeks",
    "months",
    "years",
    "tenure",
    "term",
}
_PERCENT = {"pct", "percent", "percentage", "perc"}
_SHORT_UNITS = {"days", "day", "weeks", "months", "hours", "minutes", "mins", "seconds", "secs", "ms"}
_SIGNED = {
    "change",
    "diff",
    "difference",
    "delta",
    "growth",
    "return",
    "returns",
    "balance",
    "net",
    "profit",
    "pnl",
    "adjustment",
    "offset",
    "gain",
    "loss",
    "variance",
    "residual",
    "error",
    "lat",
    "latitude",
    "lon",
    "lng",
    "longitude",
    "temp",
    "temperature",
    "score",
    "since",
    "until",
    "to",
}
_PLANNED = {
    "due",
    "expiry",
    "expires",
    "expiration",
    "maturity",
    "end",
    "until",
    "scheduled",
    "planned",
    "valid",
    "renewal",
    "next",
    "deadline",
    "forecast",
    "target",
    "expected",
}


@dataclass(frozen=True)
class ValueRanges(Check):
    """Values outside declared ranges, allowed sets or patterns, and values impossible for a column's meaning.

    Declared rules are parameters in dataaudit.yaml, one mapping per rule kind, keyed by column:

        checks:
          consistency.value_ranges:
            ranges: {age: [18, 100], income: [0, null], applied_at: [2020-01-01, null]}
            allowed: {gender: [Female, Male, Non-binary]}
            patterns: {application_id: '^APP-\\d{7}$'}

    A range is `[min, max]` (inclusive; `null` for open), numbers for numeric columns and dates for date
    columns; `allowed` lists the permitted values; a pattern is a regular expression each value must match
    in full. Without declarations, common meanings are checked from the column name and type: ages below 0
    or above 130; negative counts, prices, amounts, salaries and durations (names with words such as
    change, balance or delta are left alone); percentages outside 0–100; and dates before `min_year` or
    more than `max_future_days` after the as-of time (planned dates such as due or expiry dates are exempt
    from the future test). Sentinel numbers are `consistency.disguised_missing`'s and left out of the
    implied rules, and an implied rule that more than `implied_max_share` (25%) of a column's values break is
    listed but not applied: the column is evidently transformed (standardised ages, log prices). Set
    `implied: false` to use declared rules only.

    Why it matters: an impossible value is an error a model will learn from, and a value outside a declared
    domain means the data no longer matches what downstream code assumes. Any violation warns; more than
    1% of a column's values breaking one rule fails, as that is a systematic fault, not a stray typo.

    How to fix: correct the values at the source, or treat them as missing; if the rule is wrong, correct
    the declaration in dataaudit.yaml.
    """

    id: ClassVar[str] = "consistency.value_ranges"
    title: ClassVar[str] = "Value ranges"
    area: ClassVar[Area] = Area.CONSISTENCY
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

    ranges: dict[str, tuple[Bound, Bound]] = field(default_factory=dict)
    allowed: dict[str, list[str | int | float | bool]] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)
    implied: bool = True
    implied_max_share: float = 0.25
    min_year: int = 1900
    max_future_days: int = 365
    warn_above: float = 0.0
    fail_above: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        for col, (lo, hi) in self.ranges.items():
            if lo is not None and hi is not None and type(lo) is not type(hi):
                raise ValueError(
                    f"ranges.{col}: both bounds must be numbers or both dates, got {lo!r}, {hi!r}"
                )
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"ranges.{col}: min {lo!r} is above max {hi!r}")
        for col, values in self.allowed.items():
            if not values:
                raise ValueError(f"allowed.{col}: list at least one value")
        for col, pattern in self.patterns.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"patterns.{col}: invalid regular expression {pattern!r}: {exc}") from None

    def run(self, data: Dataset) -> Outcome:
        rules = []  # (column, rule, violations, judged, examples)
        unknown, problems = [], []
        # measure: every numeric range (declared and implied) is counted in one engine.count_where
        declared = {
            col: self._range(data, col, lo, hi, "declared")
            for col, (lo, hi) in self.ranges.items()
            if col in data.columns
        }
        implied = self._implied_rules(data) if self.implied else []
        counted = _count_ranges(data, [*declared.values(), *implied])
        implied = [_finish(r, counted) for r in implied]
        for col in self.ranges:
            if col not in declared:
                unknown.append(col)
                continue
            rule = _finish(declared[col], counted)
            if rule[3] == 0 and rule[1].endswith(("is not dates", "is not numeric")):
                problems.append(f"ranges.{col}: {rule[1].split(': ', 1)[1].replace('column', col)}")
                continue
            rules.append(rule)
        for col, values in self.allowed.items():
            if col not in data.columns:
                unknown.append(col)
                continue
            vc = data.stats.value_counts(col)
            strs = {str(v) for v in values}
            ok = vc.index.isin(values) | pd.Index(vc.index.map(str)).isin(strs)
            bad = vc[~ok]
            shown = ", ".join(str(v) for v in values[:6]) + (" …" if len(values) > 6 else "")
            rules.append(
                (
                    col,
                    f"allowed: {shown}",
                    int(bad.sum()),
                    int(vc.sum()),
                    _quote(bad.index, col, data.stats[col].kind, n=5),
                )
            )
        for col, pattern in self.patterns.items():
            if col not in data.columns:
                unknown.append(col)
                continue
            vc, note = _text_counts(data, col)
            ok = pd.Series(vc.index, dtype=object).astype(str).str.fullmatch(pattern).to_numpy(dtype=bool)
            bad = vc[~ok]
            rules.append(
                (
                    col,
                    f"pattern {pattern}{note}",
                    int(bad.sum()),
                    int(vc.sum()),
                    _quote(bad.index, col, data.stats[col].kind, n=5),
                )
            )
        if self.implied:
            seen = {(d[0], d[1]) for d in rules}
            rules += [r for r in self._implied(implied) if (r[0], r[1]) not in seen]
        expected = _expected(self.warn_above, self.fail_above, "share of a column's values breaking a rule")
        broken = sorted((r for r in rules if r[2]), key=lambda r: -r[2] / max(r[3], 1))
        status = _grade_worst([r[2] / max(r[3], 1) for r in broken], self.warn_above, self.fail_above)
        if unknown:
            problems.insert(0, f"declared column(s) not in the data: {', '.join(sorted(set(unknown)))}")
        if problems:  # a declared rule that cannot be checked is a finding, not a pass
            status = worst_status(status, Status.WARN)
        table = Table.of(
            ("column", "rule", "violations", "share", "examples"),
            [
                (c, rule, k, round(k / max(j, 1), 5), ex)
                for c, rule, k, j, ex in broken + [r for r in rules if not r[2]]
            ],
            title="Value rules",
        )
        parts = [
            f"{c}: {count(k, 'value')} ({_pct(k / max(j, 1))}) break {rule}" + (f" (e.g. {ex})" if ex else "")
            for c, rule, k, j, ex in broken[:3]
        ]
        if len(broken) > 3:
            parts.append(f"and {len(broken) - 3} more rules")
        parts += problems
        if not parts:
            n_declared = len(self.ranges) + len(self.allowed) + len(self.patterns)
            implied = len(rules) - n_declared
            if not rules:
                return Outcome.skip(
                    "no rule to check: none declared (ranges:, allowed:, patterns:) and no column whose name "
                    "or type implies one (an age, a percentage, a count)"
                )
            msg = (
                f"all values within {count(n_declared, 'declared rule')} and "
                f"{count(implied, 'rule')} implied by column names and types"
            )
            return Outcome.ok(
                msg, observed={"violations": 0}, expected=expected, evidence=table if rules else None
            )
        return Outcome.make(
            status,
            "; ".join(parts),
            observed={f"{c}: {rule}": k for c, rule, k, _, _ in broken},
            expected=expected,
            columns=sorted({r[0] for r in broken} | set(unknown)),
            evidence=table,
        )

    def _range(self, data: Dataset, col: str, lo: Bound, hi: Bound, why: str, exclude=()):
        rule = f"range [{_bound(lo)}, {_bound(hi)}]" + ("" if why == "declared" else f" ({why})")
        is_date = isinstance(lo, dt.datetime) or isinstance(hi, dt.datetime)
        if is_date:
            s = data.stats.datetimes(col)
            if s is None:
                return (col, rule + ": column is not dates", 0, 0, "")
            lo_v, hi_v = _utc(lo), _utc(hi)
        else:
            st = data.stats[col]
            # numeric: numbers, or text that parses as numbers (an empty column: as its values read)
            if st.kind != "numeric" and (st.kind != "empty" or data.stats.numeric(col) is None):
                return (col, rule + ": column is not numeric", 0, 0, "")
            # counted by the engine with the other ranges; examples from the exact value counts
            return _Range(col, rule, lo, hi, tuple(exclude), _numeric_counts(data, col))
        bad = pd.Series(False, index=s.index)
        if lo_v is not None:
            bad |= s < lo_v
        if hi_v is not None:
            bad |= s > hi_v
        if len(exclude):
            bad &= ~s.isin(list(exclude))
        k = int(bad.sum())
        ex = ""
        if k:
            vals = s[bad]
            if is_date:
                ex = ", ".join(str(v.date()) for v in vals.sort_values().iloc[[0, -1]].unique()[:3])
            else:
                ordered = np.sort(vals.to_numpy())
                ex = ", ".join(_num(v) for v in pd.unique(np.r_[ordered[:2], ordered[-2:]])[:4])
        return (col, rule, k, int(s.notna().sum()), ex)

    def _implied(self, rules: list) -> list:
        out = []
        for c, rule, k, judged, ex in rules:
            # a name-implied rule that most values break means the name misled us (a standardised age,
            # a log-price): listed, not graded; declared rules are always graded
            if judged and k / judged > self.implied_max_share:
                out.append(
                    (
                        c,
                        f"{rule}: not applied, {_pct(k / judged)} of values break it (transformed?)",
                        0,
                        judged,
                        ex,
                    )
                )
            else:
                out.append((c, rule, k, judged, ex))
        return out

    def _implied_rules(self, data: Dataset) -> list:
        out = []
        declared = set(self.ranges)
        for c in data.columns:
            if c in declared or c == data.roles.target:
                continue
            st = data.stats[c]
            t = tokens(c)
            if st.kind == "numeric" and st.distinct > 2:
                sentinels = tuple(_sentinels(data, c))
                signed = bool(t & _SIGNED)
                # an age in days or months (account_age_days) is a duration, not a person's age in years
                if t & _AGE and not signed and not t & _SHORT_UNITS:
                    out.append(self._range(data, c, 0.0, 130.0, "age", sentinels))
                elif t & _AGE and not signed:
                    out.append(self._range(data, c, 0.0, None, "age cannot be negative", sentinels))
                elif t & _PERCENT and not signed:
                    out.append(self._range(data, c, 0.0, 100.0, "percentage", sentinels))
                elif t & _NONNEGATIVE and not signed:
                    word = sorted(t & _NONNEGATIVE)[0]
                    out.append(self._range(data, c, 0.0, None, f"{word} cannot be negative", sentinels))
            elif st.kind == "datetime":
                earliest = dt.datetime(self.min_year, 1, 1)
                latest = None
                if not t & _PLANNED:
                    latest = (data.as_of + dt.timedelta(days=self.max_future_days)).replace(tzinfo=None)
                why = f"dates from {self.min_year}" + (
                    "" if latest is None else f" to as-of + {self.max_future_days} days"
                )
                out.append(self._range(data, c, earliest, latest, why))
        return out


@dataclass(frozen=True)
class _Range:
    """A numeric range rule waiting for its count: values below ``lo`` or above ``hi`` (None: open), the
    values in ``exclude`` (sentinels) left out."""

    column: str
    rule: str
    lo: float | None
    hi: float | None
    exclude: tuple
    counts: pd.Series = field(repr=False, compare=False)  # exact value counts keyed by float

    @property
    def bounds(self) -> tuple[float, float]:
        return (-np.inf if self.lo is None else self.lo, np.inf if self.hi is None else self.hi)


def _count_ranges(data: Dataset, items: list) -> dict[int, int]:
    """Values outside each numeric range, all in one engine scan over all rows: {position in items: n}."""
    ranges = [(i, r) for i, r in enumerate(items) if isinstance(r, _Range)]
    asks = {str(i): Predicate(r.column, "outside", r.bounds) for i, r in ranges}
    got = data.engine.count_where(asks) if asks else {}
    return {id(items[int(k)]): v for k, v in got.items()}


def _finish(item, counted: dict[int, int]) -> tuple:
    """A rule as (column, rule, violations, judged, examples); a numeric range from its engine count, less
    the excluded values, and its examples (the two lowest and two highest violations) from the exact value
    counts."""
    if not isinstance(item, _Range):
        return item
    vc = item.counts
    keys, weights = vc.index.to_numpy(dtype="float64"), vc.to_numpy()
    lo, hi = item.bounds
    outside = (keys < lo) | (keys > hi)
    left_out = np.isin(keys, list(item.exclude)) if item.exclude else np.zeros(keys.size, dtype=bool)
    k = counted[id(item)] - int(weights[outside & left_out].sum())
    ex = ""
    if k:
        bad = pd.Series(weights[outside & ~left_out], index=keys[outside & ~left_out]).sort_index()
        low = np.repeat(bad.index[:2], bad.to_numpy()[:2])[:2]
        high = np.repeat(bad.index[-2:], bad.to_numpy()[-2:])[-2:]
        ex = ", ".join(_num(v) for v in pd.unique(np.r_[low, high])[:4])
    return (item.column, item.rule, k, int(weights.sum()), ex)


def _utc(v: dt.datetime | None) -> pd.Timestamp | None:
    """A date bound as a UTC timestamp (a naive one is taken as UTC)."""
    if v is None:
        return None
    return pd.Timestamp(v).tz_localize("UTC") if v.tzinfo is None else pd.Timestamp(v)


def _bound(v: Bound) -> str:
    if v is None:
        return "…"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    return f"{v:g}"
