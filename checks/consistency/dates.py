"""Consistency: text columns that hold dates which do not parse or are written in several layouts, and
placeholder dates (9999-12-31, 1900-01-01) standing for "no date"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import (
    _DATE_LIKE_PD,
    _expected,
    _grade_worst,
    _is_text,
    _pct,
    _probe_keys,
    _quote,
    _text_counts,
)
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Table, count
from dataaudit.privacy import mask_example

__all__ = ["SentinelDates", "UnparseableDates"]

_EXPLICIT_DATE_FORMATS = (
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d.%m.%y",
)


def _date_shape(values: pd.Series) -> pd.Series:
    """The layout of a date's date part: 2026-06-30 → y-n-n, 30/06/2026 → n/n/y, 30 Jun 2026 → n a y."""
    date_part = values.str.strip().str.split(r"[ T](?=\d{1,2}:)", n=1, regex=True).str[0]
    shape = date_part.str.replace(r"\d{3,4}", "y", regex=True).str.replace(r"\d{1,2}", "n", regex=True)
    return shape.str.replace(r"[A-Za-z]{2,}", "a", regex=True).str.replace(r",", "", regex=False)


_TIME_LIKE = r"^\s*\d{1,2}:\d{2}"
#: a real time of day: hours 0-23, minutes and seconds 0-59 (not a case id 2:94:1, not a duration 35:00:00)
_TIME_OF_DAY = r"^\s*(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?(?![\d:])"
_DATE_OR_TIME = f"(?:{_DATE_LIKE_PD})|(?:{_TIME_LIKE})"
_TIME_ONLY = "(time only)"
_ZERO_DIGITS = str.maketrans("123456789", "000000000")
_NNY_START = r"^\s*\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b"


def _time_shape(values: pd.Series) -> pd.Series:
    """The layout of a value's time of day (missing where it has none), from its shape: 6:55 a.m. → n:n a.a.,
    12:00noon → n:na, 18:55:02.5 → n:n:n, 7:15 p.m. (Estimated) → n:n a.a. (a). Digits become n (one or
    two) or y (more), letter runs a; fractions of a second are dropped."""
    part = values.str.lower().str.extract(r"(\d{1,2}:\d{2}.*)$", expand=False)
    shape = part.str.replace(r"(:\d{2})[.,]\d+", r"\1", regex=True)
    shape = shape.str.replace(r"[a-z]+", "a", regex=True)  # letters first: the n and y below are letters
    shape = shape.str.replace(r"\d{3,}", "y", regex=True).str.replace(r"\d{1,2}", "n", regex=True)
    return shape.str.replace(r"\s+", " ", regex=True).str.strip()


def _day_month_order(values: pd.Series, weights: np.ndarray):
    """Day-first and month-first dates mixed in one column: among nn/nn/yyyy values (any separator), rows
    whose first field is over 12 (only day-first reads them) and rows whose second is (only month-first);
    None unless both occur. Returns (day-first rows, month-first rows, ambiguous rows, (example, example))."""
    values = values.reset_index(drop=True)
    parts = values.str.extract(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.]\d{2,4}\b")
    a = pd.to_numeric(parts[0], errors="coerce").to_numpy()
    b = pd.to_numeric(parts[1], errors="coerce").to_numpy()
    day_first = (a > 12) & (a <= 31) & (b <= 12)
    month_first = (b > 12) & (b <= 31) & (a <= 12)
    if not day_first.any() or not month_first.any():
        return None
    ambiguous = (a <= 12) & (b <= 12)
    ex = (str(values[day_first].iloc[0]), str(values[month_first].iloc[0]))
    return weights[day_first].sum(), weights[month_first].sum(), weights[ambiguous].sum(), ex


def _parses(values: pd.Series) -> np.ndarray:
    """Which text values parse as dates: ISO 8601 first (fast), then common explicit layouts, then the
    general parser on at most 2,000 leftovers."""
    ok = pd.to_datetime(values, errors="coerce", format="ISO8601").notna().to_numpy()
    for fmt in _EXPLICIT_DATE_FORMATS:
        if ok.all():
            break
        rest = ~ok
        stripped = values[rest].str.strip().str.split(r"[ T]", n=1, regex=True).str[0]
        ok[rest] = pd.to_datetime(stripped, errors="coerce", format=fmt).notna().to_numpy()
    left = np.flatnonzero(~ok)[:2000]
    if left.size:
        ok[left] = pd.to_datetime(values.iloc[left], errors="coerce", format="mixed").notna().to_numpy()
    return ok


@dataclass(frozen=True)
class UnparseableDates(Check):
    """Text columns that are mostly dates or times but hold values that do not parse, or dates and times
    written in several layouts.

    A text column counts as dates when at least `min_date_share` (80%) of its values look like dates
    (digits with - / . separators, or month names) or times of day (6:55, 6:55 a.m.). Among those, a value
    that looks like a date but is not one (2026-02-30, 13/13/2025) is unparseable. Layouts are compared by
    the shape of the distinct values (digits become n or y, letter runs a): the date part (2026-06-30 →
    y-n-n, 30/06/2026 → n/n/y; a time alone, 6:55 a.m. beside 12/02/2011 6:55 a.m., has no date and is a
    layout of its own) and, where values carry one, the time of day (6:55 a.m. → n:n a.a., 12:00noon → n:na,
    7:15 p.m. (Estimated) → n:n a.a. (a)); every value outside the most common layout counts as a mixed
    format. Day-first and month-first dates mixed in one column (31/01/2025 beside 01/31/2025) share a shape:
    they are told apart by the values whose first field is over 12 (day-first) and those whose second is
    (month-first); when both occur, the smaller side counts as mixed, and the values with both fields ≤ 12
    are reported as impossible to tell apart. Words in a date column ('unknown') are
    `consistency.mixed_types`' concern.

    Why it matters: unparseable dates become missing (or crash a pipeline) when the column is converted,
    and mixed layouts are worse: 03/04/2025 is read as March or April depending on the parser, silently
    corrupting time features, time-based splits and freshness checks. Any such value warns; more than 5%
    fails, where the column cannot be converted without deciding the layout row by row.

    How to fix: export dates in one unambiguous layout (ISO 8601, YYYY-MM-DD, with a 24-hour time), fix the
    impossible ones at the source, move notes such as '(Estimated)' to a column of their own, and parse
    with an explicit format; a column mixing day-first and month-first cannot be repaired from its values
    alone (the ambiguous ones need the source).
    """

    id: ClassVar[str] = "consistency.unparseable_dates"
    title: ClassVar[str] = "Unparseable dates"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.05
    min_date_share: float = 0.8

    def run(self, data: Dataset) -> Outcome:
        findings: list[_DateLayouts] = []
        examined = 0
        orders = {}  # column -> (day-first values, month-first values, ambiguous values, examples)
        for c in data.columns:
            s = data.frame[c]
            if not _is_text(s) or data.stats[c].count == 0:
                continue
            probe = _probe_keys(data, c).str.contains(_DATE_OR_TIME, regex=True, na=False)
            if probe.mean() < 0.5:
                continue
            vc, note = _text_counts(data, c)
            keys = pd.Series(vc.index, dtype=object).astype(str)
            # the regular expressions run on the few distinct signatures (every digit a 0), not the values
            codes, distinct_sigs = pd.factorize(keys.str.translate(_ZERO_DIGITS))
            sigs = pd.Series(distinct_sigs, dtype=object)
            sig_date = sigs.str.contains(_DATE_LIKE_PD, regex=True, na=False).to_numpy()
            like = sig_date[codes]
            # a time alone: the signature says maybe, the digits say whether it is a real time of day
            maybe_time = (~sig_date & sigs.str.contains(_TIME_LIKE, regex=True, na=False).to_numpy())[codes]
            if maybe_time.any():
                like[maybe_time] = (
                    keys[maybe_time].str.contains(_TIME_OF_DAY, regex=True, na=False).to_numpy()
                )
            w = vc.to_numpy(dtype="float64")
            if w[like].sum() < self.min_date_share * w.sum():
                continue
            examined += 1
            vals = keys[like].reset_index(drop=True)
            codes = codes[like]
            wl = w[like]
            is_date = sig_date[codes]
            ok = np.ones(len(vals), dtype=bool)
            ok[is_date] = _parses(vals[is_date])  # a time of day alone is not judged as a date
            bad = int(wl[~ok].sum())
            # the layout of the date part (a time of day alone has none), then of the time part where any
            shapes = pd.Series(np.where(sig_date, _date_shape(sigs), _TIME_ONLY)[codes], dtype=object)
            per_shape = pd.Series(wl).groupby(shapes.to_numpy()).sum().sort_values(ascending=False)
            times = pd.Series(_time_shape(sigs).to_numpy(dtype=object)[codes], dtype=object)
            has_time = times.notna().to_numpy()
            per_time = pd.Series(wl[has_time]).groupby(times[has_time].to_numpy()).sum()
            per_time = per_time.sort_values(ascending=False)
            off = shapes.to_numpy() != per_shape.index[0]
            if len(per_time) > 1:
                off |= has_time & (times.to_numpy() != per_time.index[0])
            mixed = int(wl[off].sum())
            nny = sigs.str.contains(_NNY_START, regex=True, na=False).to_numpy()[codes]
            order = _day_month_order(vals[nny], wl[nny]) if nny.any() else None
            if order is not None:
                orders[c] = order
                mixed += int(min(order[0], order[1]))
            if bad or mixed:
                layouts = [
                    (str(k), int(v), _example_of(vals, shapes, str(k), ok)) for k, v in per_shape.items()
                ]
                if len(per_time) > 1:
                    layouts += [
                        (f"time {k}", int(v), _example_of(vals, times.fillna(""), str(k), ok))
                        for k, v in per_time.items()
                    ]
                findings.append(
                    _DateLayouts(c, bad, mixed, int(wl.sum()), list(vals[~ok][:5]), layouts, note)
                )
        expected = _expected(self.warn_above, self.fail_above, "share of unparseable or off-layout dates")
        if not examined:
            typed = [c for c in data.columns if data.stats[c].dtype.startswith("datetime")]
            if typed:
                # the loader parsed them (pyarrow reads ISO dates as timestamps; pd.read_csv keeps them as
                # text, which the branch above judges): the same answer whichever way the file was read
                return Outcome.ok(
                    f"{count(len(typed), 'date column')} typed on load: every value parsed",
                    observed={},
                    expected=expected,
                    columns=typed,
                )
            return Outcome.skip("no column holds dates: nothing to parse")
        if not findings:
            return Outcome.ok(
                f"{count(examined, 'text date column')} parse in one layout"
                if examined
                else "no text columns hold dates (date columns are already typed)",
                observed={},
                expected=expected,
            )
        status = _grade_worst(
            [max(f.bad, f.mixed) / f.judged for f in findings], self.warn_above, self.fail_above
        )
        parts = []
        for f in findings[:3]:
            c, bad, mixed, judged, ex, layouts = f.column, f.bad, f.mixed, f.judged, f.examples, f.layouts
            bits = []
            if bad:
                bits.append(
                    f"{count(bad, 'value')} ({_pct(bad / judged)}) do not parse ({_quote(ex, c, 'datetime')})"
                )
            if mixed:
                order = orders.get(c)
                date_layouts = [t for t in layouts if not t[0].startswith("time ")]
                time_layouts = [t for t in layouts if t[0].startswith("time ")]
                if len(date_layouts) > 1:
                    shown = ", ".join(f"{e} ×{k:,}" for _, k, e in date_layouts[:3])
                    bits.append(f"{count(len(date_layouts), 'layout')}: {shown}")
                if time_layouts:
                    shown = ", ".join(f"{e} ×{k:,}" for _, k, e in time_layouts[:4])
                    bits.append(f"{count(len(time_layouts), 'time-of-day layout')}: {shown}")
                if order is not None:
                    day_first, month_first, ambiguous, ex = order
                    bits.append(
                        f"day-first and month-first mixed: {int(day_first):,} values have a day > 12 first "
                        f"(e.g. {ex[0]}), {int(month_first):,} have it second (e.g. {ex[1]}); "
                        f"{int(ambiguous):,} more cannot be told apart"
                    )
                bits[-1] += f"; {mixed:,} values ({_pct(mixed / judged)}) off the main one"
            parts.append(f"{c}{f.note}: " + "; ".join(bits))
        table = Table.of(
            ("column", "layout", "values", "example"),
            [(f.column, shape, k, e) for f in findings for shape, k, e in f.layouts[:10]],
            title="Date layouts",
        )
        bad_table = Table.of(
            ("column", "unparseable value"),
            [
                (f.column, mask_example(v, column=f.column, kind="datetime"))
                for f in findings
                for v in f.examples
            ],
            title="Unparseable dates (examples)",
        )
        return Outcome.make(
            status,
            " | ".join(parts),
            observed={
                f.column: {"unparseable": f.bad, "off_layout": f.mixed, "values": f.judged} for f in findings
            },
            expected=expected,
            columns=[f.column for f in findings],
            evidence=[table, bad_table],
        )


@dataclass(frozen=True)
class _DateLayouts:
    """``consistency.unparseable_dates``' measurements of one text column of dates: values that do not parse,
    values off the main layout, values judged, a few unparseable ones, the layouts (layout, values, example)
    and a note when only the most frequent values were read."""

    column: str
    bad: int
    mixed: int
    judged: int
    examples: list[str]
    layouts: list[tuple[str, int, str]]
    note: str


def _example_of(vals: pd.Series, shapes: pd.Series, shape: str, ok: np.ndarray) -> str:
    """The most common value of a layout that parses (an impossible 31/02/2026 does not illustrate it)."""
    of_shape = shapes.to_numpy() == shape
    hit = vals[of_shape & ok]
    if not len(hit):
        hit = vals[of_shape]
    if not len(hit):
        return ""
    # a no-break space between date and time: the masking of long digit runs (phone numbers) would
    # otherwise read '12/02/2011 6' as one number and hide a date that is no personal data
    example = re.sub(r"(\d) (\d{1,2}:\d{2})", "\\1\u00a0\\2", str(hit.iloc[0]))
    return f"a time alone ({example})" if shape == _TIME_ONLY else example


# -- placeholder dates ---------------------------------------------------------------------------------------

#: dates that are never real in business data: the far-future "open end" and the calendar's first day
ALWAYS_SENTINEL_DATES = ("9999-12-31", "9999-01-01", "9999-09-09", "2999-12-31", "3000-01-01", "0001-01-01")
#: dates that systems write for "unknown" but that can be real: counted only when repeated and apart
PLAUSIBLE_SENTINEL_DATES = (
    "1900-01-01",
    "1899-12-30",
    "1899-12-31",
    "1753-01-01",
    "1970-01-01",
    "2099-12-31",
    "2100-01-01",
)
# a date, and an optional time of day that is midnight or the last second of the day
_SENTINEL_TIME = r"(?:[ T](?:00:00(?::00(?:\.0+)?)?|23:59(?::59(?:\.9+)?)?)(?:Z|[+-]00:?00)?)?"
_YMD = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _SENTINEL_TIME + r"\s*$")
_NNY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _SENTINEL_TIME + r"\s*$")


def _ymd(date: str) -> int:
    y, m, d = (int(p) for p in date.split("-"))
    return y * 10_000 + m * 100 + d


@dataclass(frozen=True)
class SentinelFinding:
    """Placeholder dates in one column: {canonical date: rows}, the rows judged, and the real dates' range
    (as yyyymmdd integers, 0 when unknown)."""

    column: str
    found: dict
    rows: int
    first: int
    last: int
    note: str = ""


@dataclass(frozen=True)
class SentinelDates(Check):
    """Placeholder dates: 9999-12-31, 0001-01-01, 1900-01-01 and their kin, written where the date is
    unknown or open-ended, in date columns (typed, as read from Parquet or a CSV whose dates were
    recognised) and in text columns that hold dates (distinct values, any of the layouts yyyy-mm-dd,
    dd/mm/yyyy, mm/dd/yyyy, with an optional midnight or 23:59:59 time).

    Two lists (parameters): `always` (9999-12-31, 9999-01-01, 2999-12-31, 0001-01-01…) are never real dates
    and count from the first row; `plausible` (1900-01-01, 1899-12-30 — Excel's day zero, 1753-01-01 — SQL
    Server's first date, 1970-01-01 — the Unix epoch, 2099-12-31…) can be real, and count only when repeated
    at least `min_repeats` times and apart from the column's other dates: more than two years outside their
    1st–99th percentile range, or at least `spike` times as frequent as an average date of the column (the
    model year 1970 beside 1971–1982 is a real year).

    Why it matters: a placeholder date is a missing value in disguise. Read as a date it stretches every
    duration and age computed from it (a contract 'ending' in 9999 lasts 8,000 years, a customer 'born' in
    1900 is 126), pulls means and time features, opens a century-long gap in time-based checks and splits,
    and hides how many dates are really missing. Any placeholder warns; more than 5% of a column fails.

    How to fix: convert them to missing values when loading (pandas `na_values`, or
    `col.mask(col.isin([...]))`), and keep an explicit flag (`is_open_ended`) where the placeholder meant
    "no end date" rather than "unknown".
    """

    id: ClassVar[str] = "consistency.sentinel_dates"
    title: ClassVar[str] = "Placeholder dates"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.05
    always: tuple[str, ...] = ALWAYS_SENTINEL_DATES
    plausible: tuple[str, ...] = PLAUSIBLE_SENTINEL_DATES
    min_repeats: int = 3
    spike: float = 20.0

    def run(self, data: Dataset) -> Outcome:
        found, examined = [], 0
        for c in data.columns:
            f = self.measure(data, c)
            if f is None:
                continue
            examined += 1
            if f.found:
                found.append(f)
        return self.judge(found, examined)

    def measure(self, data: Dataset, column: str) -> SentinelFinding | None:
        """The placeholder dates of one column, or None when it holds no dates."""
        s = data.frame[column]
        if pd.api.types.is_datetime64_any_dtype(s):
            return self._typed(column, s)
        if not _is_text(s) or data.stats[column].count == 0:
            return None
        probe = _probe_keys(data, column).str.contains(_DATE_LIKE_PD, regex=True, na=False)
        if probe.mean() < 0.5:
            return None
        vc, note = _text_counts(data, column)
        keys = pd.Series(vc.index, dtype=object).astype(str)
        # one cheap pass first: a placeholder holds one of a few years
        years = "|".join(sorted({d[:4] for d in (*self.always, *self.plausible)}))
        if not keys.str.contains(years, regex=True).any():
            return SentinelFinding(column, {}, int(vc.sum()), 0, 0, note)
        ymd = self._text_ymd(keys)
        real = ymd > 0
        return self._judge_column(column, ymd[real], vc.to_numpy()[real], int(vc.sum()), note)

    def _typed(self, column: str, s: pd.Series) -> SentinelFinding | None:
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)  # the wall-clock date, as written
        arr = s.to_numpy()
        valid = ~np.isnat(arr)
        rows = int(valid.sum())
        if not rows:
            return None
        # whole days by integer division of the raw ticks (any unit: s, ms, ns), ~20x faster than a cast
        unit, step = np.datetime_data(arr.dtype)
        # numpy's stubs take the unit as a literal; datetime_data gives it as a str
        per_day = int(np.timedelta64(1, "D") // np.timedelta64(step, unit))  # type: ignore[call-overload]
        ticks = arr.view(np.int64)
        days = ticks // per_day
        wanted = np.array(sorted({*self.always, *self.plausible}), dtype="datetime64[D]").astype(np.int64)
        hit = np.isin(days, wanted) & valid
        if not hit.any():
            return SentinelFinding(column, {}, rows, 0, 0)
        # the same day at another time of day is a real value: only midnight or the day's last second count
        tod = ticks[hit] - days[hit] * per_day
        edge = (tod == 0) | (tod >= per_day - max(per_day // 86_400, 1))
        hit[np.flatnonzero(hit)[~edge]] = False
        uniq, counts = np.unique(days[valid & ~np.isin(days, wanted)], return_counts=True)
        found_days, found_counts = np.unique(days[hit], return_counts=True)
        uniq, counts = np.concatenate([uniq, found_days]), np.concatenate([counts, found_counts])
        text = pd.Series(np.datetime_as_string(uniq.astype("datetime64[D]"), unit="D"))
        ymd = pd.to_numeric(text.str.replace("-", "", regex=False), errors="coerce").fillna(0)
        return self._judge_column(column, ymd.to_numpy(dtype=np.int64), counts, rows, "")

    def _text_ymd(self, keys: pd.Series) -> np.ndarray:
        """Distinct text dates as yyyymmdd integers (0 where not a plain date): yyyy-mm-dd, and dd/mm/yyyy or
        mm/dd/yyyy (the reading naming a placeholder first, then the column's reading where it is valid)."""
        sentinels = np.array([_ymd(d) for d in (*self.always, *self.plausible)], dtype=np.int64)

        def fields(pattern: re.Pattern) -> tuple[np.ndarray, ...]:
            parts = keys.str.extract(pattern).apply(pd.to_numeric, errors="coerce").fillna(0)
            return tuple(parts[i].to_numpy(dtype=np.int64) for i in range(3))

        def valid(y, m, d) -> np.ndarray:
            return (y > 0) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31)

        y, m, d = fields(_YMD)
        ymd = np.where(valid(y, m, d), y * 10_000 + m * 100 + d, 0)
        a, b, y = fields(_NNY)
        month_first = np.where(valid(y, a, b), y * 10_000 + a * 100 + b, 0)
        day_first = np.where(valid(y, b, a), y * 10_000 + b * 100 + a, 0)
        # the column's reading: day-first when more values have a day > 12 first than second
        first, second = (
            (day_first, month_first) if (a > 12).sum() > (b > 12).sum() else (month_first, day_first)
        )
        nny = np.select(
            [np.isin(month_first, sentinels), np.isin(day_first, sentinels), first > 0],
            [month_first, day_first, first],
            second,
        )
        return np.where(ymd > 0, ymd, nny)

    def _judge_column(self, column: str, ymd, weights, rows: int, note: str) -> SentinelFinding:
        """Which of a column's distinct dates (yyyymmdd, with their rows) are placeholders."""
        always = {_ymd(d): d for d in self.always}
        plausible = {_ymd(d): d for d in self.plausible}
        is_sentinel = np.isin(ymd, list(always) + list(plausible))
        found: dict[str, int] = {}
        others, w_others = ymd[~is_sentinel], np.asarray(weights, dtype="float64")[~is_sentinel]
        first = last = 0
        if others.size:
            order = np.argsort(others)
            o, w = others[order], w_others[order]
            cum = np.cumsum(w) / w.sum()
            q01 = int(o[min(np.searchsorted(cum, 0.01), o.size - 1)])
            q99 = int(o[min(np.searchsorted(cum, 0.99), o.size - 1)])
            first, last = int(o[0]), int(o[-1])
            per_date = float(w.sum()) / max(o.size, 1)
        for key, n in zip(ymd[is_sentinel], np.asarray(weights)[is_sentinel]):
            key, n = int(key), int(n)
            if n <= 0:
                continue
            if key in always:
                found[always[key]] = found.get(always[key], 0) + n
            elif n >= self.min_repeats and (
                not others.size or q01 - key > 20_000 or key - q99 > 20_000 or n >= self.spike * per_date
            ):
                found[plausible[key]] = found.get(plausible[key], 0) + n
        return SentinelFinding(column, found, rows, first, last, note)

    def judge(self, found: list[SentinelFinding], examined: int) -> Outcome:
        expected = _expected(self.warn_above, self.fail_above, "share of placeholder dates in a column")
        if not found:
            return Outcome.ok(
                f"no placeholder dates in {count(examined, 'date column')}"
                if examined
                else "no date columns",
                observed={},
                expected=expected,
            )
        shares = [sum(f.found.values()) / max(f.rows, 1) for f in found]
        status = _grade_worst(shares, self.warn_above, self.fail_above)
        parts = []
        for f, share in sorted(zip(found, shares), key=lambda t: -t[1])[:5]:
            k = sum(f.found.values())
            shown = ", ".join(f"{d} ×{n:,}" for d, n in sorted(f.found.items(), key=lambda t: -t[1]))
            span = ""
            if f.first and f.first == f.last:
                span = f"; the other dates are all {_fmt_ymd(f.first)}"
            elif f.first:
                span = f"; the other dates run {_fmt_ymd(f.first)} to {_fmt_ymd(f.last)}"
            parts.append(f"{f.column}{f.note}: {count(k, 'placeholder date')} ({_pct(share)}): {shown}{span}")
        return Outcome.make(
            status,
            " | ".join(parts),
            observed={f.column: dict(f.found) for f in found},
            expected=expected,
            columns=[f.column for f in found],
            evidence=Table.of(
                ("column", "placeholder date", "rows", "share of the column"),
                [(f.column, d, n, _pct(n / max(f.rows, 1))) for f in found for d, n in f.found.items()],
                title="Placeholder dates",
            ),
        )


def _fmt_ymd(v: int) -> str:
    return f"{v // 10_000:04d}-{v // 100 % 100:02d}-{v % 100:02d}"
