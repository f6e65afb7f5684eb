"""Consistency: robust numeric outliers, judged per tail on the scale (raw, square root or log) where the
tail looks normal, so a lognormal income's long tail is not called an outlier."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import _expected, _grade_worst, _num, _pct, _sentinels
from dataaudit.dataset import Dataset
from dataaudit.engine.base import Predicate
from dataaudit.model import Area, Check, Outcome, Status, Table, count, worst_status
from dataaudit.roles import ID_TOKENS
from dataaudit.stats import sorted_quantiles

__all__ = ["Outliers"]

_TRANSFORMS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "raw": (lambda x: x, lambda y: y),
    "sqrt": (np.sqrt, lambda y: np.sign(y) * y * y),
    "log": (np.log, np.exp),
}


#: words of a column name that say its numbers are codes, not quantities (a zip code, a phone number)
_CODE_TOKENS = frozenset(
    {"zip", "zipcode", "postal", "postcode", "postalcode", "plz", "fips"}  # places
    | {"phone", "telephone", "tel", "fax"}  # phone numbers
    | {"isbn", "issn", "ssn", "iban", "npi", "ein", "sku", "ean", "upc", "gtin", "serial", "code", "issue"}
    | {"rownames", "rowname", "index", "idx", "rownum"}  # row labels
    | ID_TOKENS
)
#: the last word of a name such as ``ProviderNumber`` or ``account_no``: a number that names something
_NUMBER_TOKENS = frozenset({"number", "no", "nr", "num"})
#: words that make a name a quantity again (``id_count``, ``number_of_codes``, ``zip_population``)
_QUANTITY_TOKENS = frozenset(
    {"count", "counts", "amount", "total", "sum", "balance", "price", "rate", "ratio", "share", "size"}
    | {"mean", "avg", "average", "median", "of", "per", "population", "length", "weight"}
)


@dataclass(frozen=True)
class Outliers(Check):
    """Robust numeric outliers per column: values beyond Tukey's far-out fences on the column's natural scale.

    For every numeric feature with more than two values, each tail is judged on the scale, among raw,
    square root and log (the latter two for non-negative and positive data), on which that tail looks most
    like a normal one (its 1st/99th percentile about 1.2 interquartile ranges beyond the quartile), so a
    lognormal income or a waiting time is judged where it looks normal and its long tail is not called an
    outlier. Outliers lie more than `k` (3) interquartile ranges beyond the quartiles on that scale. A
    column with fewer than `min_count` (3) outliers, none of them beyond twice that distance, is listed but
    not graded: in a few hundred rows one value just past a fence estimated from those rows is noise.
    Sentinel numbers (`consistency.disguised_missing`'s concern) are left out, and so is a spike of zeros
    in a non-negative column (a separate mode, not an outlier). In a small column the tail's shape is read
    further in (at least three values beyond the percentile used), so one ×100 entry error does not make
    its own tail look long. A value is an outlier only if it is also beyond the same fences drawn over the
    column's distinct values: a value that holds most rows (a survival time censored at 52 weeks) or a
    coarse scale (a 1–7 rating) does not make every other value an outlier; when one value holds the
    middle half of the rows, those fences alone judge. A column of two values (a 0/1 flag) with a few
    values far from both (a 7) has those as its outliers. Codes are not quantities and are not judged: whole
    numbers whose name says so (zip, phone, fips, id, ``ProviderNumber``, an issue number) or whose values
    share one width of eight or more digits, and unique counters or keys. With nothing to judge (no numeric
    feature with more than two values, or only codes), the check is skipped and says why.

    Why it matters: gross outliers (an extra zero, a unit mix-up, a test record) dominate squared-error
    losses, scaling and linear models. With k = 3 on the right scale, clean normal or lognormal data has
    about one such value per million, so the defaults warn when more than 0.1% of a column's values are
    outliers with some far out and standing apart from the rest (beyond twice that distance, or on positive
    data three times a fence's magnitude, past an empty stretch: an extra zero, a unit mix-up), and fail
    when more than 1% are (at least `min_count` of them), where they are systematic. Real, clean
    columns have heavier tails than the normal (in the field corpus, gapminder's GDP per capita has 0.29% of
    its values past the fences, email's message lengths 0.26%, all real): values past the fences that
    continue the tail without a gap warn only above 0.5% (`tail_warn_above`), and never fail: no fence can
    tell them from errors.

    How to fix: look at the examples: correct unit or entry errors at the source, drop test records, and
    for real extremes use a robust loss, a transformation or winsorising.
    """

    id: ClassVar[str] = "consistency.outliers"
    title: ClassVar[str] = "Outliers"
    area: ClassVar[Area] = Area.CONSISTENCY
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

    warn_above: float = 0.001
    tail_warn_above: float = 0.005
    fail_above: float = 0.01
    k: float = 3.0
    min_count: int = 3

    def run(self, data: Dataset) -> Outcome:
        cols = _numeric_columns(data, data.features)
        if not cols:
            return Outcome.skip("no numeric feature with more than two values")
        measured = self.measure(data, cols)
        judged = [m for m in measured if m.scale != "—"]
        if not judged:
            why = "; ".join(f"{m.column}: {m.note}" for m in measured[:5]) or "too few values"
            return Outcome.skip(f"no numeric feature could be judged ({why})")
        return self.word(measured, self.judge(measured), len(judged))

    # -- measure: fences from the exact quantiles and value counts, counts beyond them in one engine scan
    def measure(self, data: Dataset, cols: list[str]) -> list[ColumnOutliers]:
        done: dict[str, ColumnOutliers] = {}
        plans: dict[str, _Plan] = {}
        for c in cols:
            res = self._plan(data, c)
            if isinstance(res, ColumnOutliers):
                done[c] = res
            elif res is not None:
                plans[c] = res
        # every column's fences and far fences, counted together in one scan over all rows
        counted = data.engine.count_where(
            {
                f"{c}\x00{what}": Predicate(c, "outside", fences)
                for c, plan in plans.items()
                for what, fences in (("out", (plan.lo, plan.hi)), ("far", plan.far_fences))
            }
        )
        for c, plan in plans.items():
            done[c] = self._finish(plan, counted[f"{c}\x00out"], counted[f"{c}\x00far"])
        return [done[c] for c in cols if c in done]

    def _finish(self, plan: _Plan, beyond: int, beyond_far: int) -> ColumnOutliers:
        """The counts beyond the fences, less the values left out (sentinels, a spike of zeros), and the
        most extreme values on each side as examples, from the exact value counts."""
        keys, weights = plan.counts.index.to_numpy(dtype="float64"), plan.counts.to_numpy()
        left_out = np.isin(keys, plan.excluded)
        (far_lo, far_hi), note = plan.far_fences, list(plan.note)
        n_out = beyond - int(weights[left_out & ((keys < plan.lo) | (keys > plan.hi))].sum())
        far = beyond_far - int(weights[left_out & ((keys < far_lo) | (keys > far_hi))].sum())
        low_ex = high_ex = []
        if n_out:
            low = np.sort(keys[~left_out & (keys < plan.lo)])
            high = np.sort(keys[~left_out & (keys > plan.hi)])[::-1]
            by_value = pd.Series(weights, index=keys)
            low_ex = np.repeat(low[:3], by_value.reindex(low[:3]).to_numpy(dtype=np.int64))[:3].tolist()
            high_ex = np.repeat(high[:3], by_value.reindex(high[:3]).to_numpy(dtype=np.int64))[:3].tolist()
            if n_out < self.min_count and not far:
                none_far = f"none beyond {2 * self.k:g} IQRs"
                note.append(f"{count(n_out, 'value')} just past the fence, {none_far}: not graded")
        apart = far > 0 and _far_apart(plan, keys[~left_out])
        if far and not apart:
            note.append("the far values continue the tail without a gap (a long tail, not a slip): warn only")
        return ColumnOutliers(
            plan.column,
            plan.scale,
            plan.lo,
            plan.hi,
            n_out,
            far,
            plan.judged,
            low_ex,
            high_ex,
            "; ".join(note),
            apart,
        )

    # -- judge: a share past the fences warns; only values far past them fail
    def judge(self, measured: list[ColumnOutliers]) -> Status:
        # twice the distance (an extra zero, a unit mix-up) fails, since a real heavy tail just past a fence
        # and an error look alike there
        findings = [m for m in measured if m.graded(self.min_count)]
        systematic = [m.far_share for m in findings if m.far >= self.min_count and m.far_apart]
        return worst_status(
            Status.WARN if any(self._flagged(m) for m in findings) else Status.PASS,
            _grade_worst(systematic, None, self.fail_above),
        )

    def _warn_line(self, m: ColumnOutliers) -> float:
        """The share that warns: ``warn_above`` where values far out stand apart (an error's signature),
        ``tail_warn_above`` where the values past the fences continue the column's tail."""
        return self.warn_above if m.far and m.far_apart else self.tail_warn_above

    def _flagged(self, m: ColumnOutliers) -> bool:
        return m.share > self._warn_line(m)

    # -- word
    def word(self, measured: list[ColumnOutliers], status: Status, n_judged: int) -> Outcome:
        findings = [m for m in measured if m.graded(self.min_count)]
        table = [
            (
                m.column,
                m.scale,
                _num(m.lo),
                _num(m.hi),
                m.n_out,
                round(m.share, 5),
                _examples(m.low_ex, m.high_ex),
                m.note,
            )
            for m in measured
        ]
        expected = _expected(self.warn_above, self.fail_above, f"share beyond {self.k:g} IQR fences")
        table.sort(key=lambda r: -r[5])
        evidence = Table.of(
            ("column", "scale", "lower fence", "upper fence", "outliers", "share", "examples", "note"),
            table,
            title="Outliers per numeric column",
        )
        observed = {m.column: round(m.share, 5) for m in findings}
        flagged = sorted((m for m in findings if self._flagged(m)), key=lambda m: -m.share)
        if not flagged:
            most = max(findings, key=lambda m: m.share, default=None)
            tail = (
                f"; the most {most.column} with {count(most.n_out, 'value')} ({_pct(most.share)}), within "
                f"{_pct(self._warn_line(most))}"
                + (" for a tail without a gap" if self._warn_line(most) != self.warn_above else "")
                if most
                else ""
            )
            return Outcome.ok(
                f"no column has more than {_pct(self.warn_above)} outliers standing apart or "
                f"{_pct(self.tail_warn_above)} in a continuous tail among "
                f"{count(n_judged, 'numeric feature')} judged{tail}",
                observed=observed,
                expected=expected,
                evidence=evidence,
            )
        parts = [
            f"{m.column}: {count(m.n_out, 'value')} ({_pct(m.share)}) far from the column's two values "
            f"{_num(m.lo + 2 * (m.hi - m.lo) / 5)} and {_num(m.hi - 2 * (m.hi - m.lo) / 5)} "
            f"(e.g. {m.examples})"
            if m.scale == "two values"
            else f"{m.column}: {count(m.n_out, 'value')} ({_pct(m.share)}) outside "
            f"[{_num(m.lo)}, {_num(m.hi)}] on the {m.scale} scale (e.g. {m.examples})"
            for m in flagged[:3]
        ]
        msg = "; ".join(parts) + (f"; and {len(flagged) - 3} more columns" if len(flagged) > 3 else "")
        return Outcome.make(
            status,
            msg,
            observed=observed,
            expected=expected,
            columns=[m.column for m in flagged],
            evidence=evidence,
        )

    def _plan(self, data: Dataset, c: str) -> _Plan | ColumnOutliers | None:
        """The fences of one column, from its exact quantiles and value counts (no row is read): a plan to
        count, or the finished answer for a code or a two-value column, or None (too few values)."""
        st = data.stats[c]
        q = st.quantiles
        if q is None:
            return None
        counts = _numeric_counts(data, c)
        code = _code_reason(data, c, counts)
        if code:
            return ColumnOutliers(c, "—", np.nan, np.nan, 0, 0, int(st.count), [], [], f"{code}: not judged")
        sentinels = _sentinels(data, c)
        two = self._two_values(counts, st, sentinels)
        if two is not None:
            return ColumnOutliers(c, *two)
        # the values sorted, with their counts: every quantile below is numpy's, taken from the counts
        ordered = counts.sort_index()
        values, weights = ordered.index.to_numpy(dtype="float64"), ordered.to_numpy(dtype=np.int64)
        note = []
        excluded: list[float] = []
        # the values judged (without sentinels or a spike of zeros) as (values, counts)
        rest: tuple[np.ndarray, np.ndarray] | None = None
        zeros_out = False
        zeros = int(weights[values == 0].sum())
        zero_spike = zeros >= 0.01 * st.count
        if sentinels or zero_spike:
            finite = np.isfinite(values)
            keep = finite & ~np.isin(values, list(sentinels))
            excluded = list(sentinels)
            rest = (values[keep], weights[keep])
            if zero_spike and rest[0].size and rest[0].min() >= 0:  # a spike of zeros is its own mode
                zeros_out = True
                excluded.append(0.0)
                rest = (rest[0][rest[0] != 0], rest[1][rest[0] != 0])
                note.append(f"{count(zeros, 'zero')} left out")
            elif not sentinels:
                excluded, rest = [], None
            if sentinels:
                note.insert(0, "sentinels " + ", ".join(f"{v:g}" for v in sentinels) + " left out")
        if rest is not None:
            if rest[1].sum() < 10:
                return None
            vmin, q1, q2, q3 = sorted_quantiles(rest[0], [0.0, 0.25, 0.5, 0.75], rest[1])
        else:
            vmin, q1, q2, q3 = (q[k] for k in ("min", "p25", "p50", "p75"))
        # the tail's shape is read at the 1st/99th percentile, or, in a small column, further in (at least
        # three values beyond it), so that one wrong value does not make its own tail look long
        n_judged = int(rest[1].sum() if rest is not None else st.count)
        p_tail = min(max(0.01, 3 / max(n_judged, 1)), 0.10)
        if p_tail > 0.01:
            at, times = rest if rest is not None else (values, weights)
            p01, p99 = sorted_quantiles(at, [p_tail, 1 - p_tail], times)
        elif rest is not None:
            p01, p99 = sorted_quantiles(rest[0], [0.01, 0.99], rest[1])
        else:
            p01, p99 = q["p01"], q["p99"]
        normal_tail = (NormalDist().inv_cdf(1 - p_tail) - 0.6745) / 1.3490
        options = ["raw"] + (["sqrt"] if vmin >= 0 else []) + (["log"] if vmin > 0 else [])
        best: dict[str, tuple[float, str]] = {}  # side -> (distance from a normal tail, scale)
        for name in options:
            fwd, _ = _TRANSFORMS[name]
            with np.errstate(all="ignore"):
                t01, t1, _, t3, t99 = (float(fwd(v)) for v in (p01, q1, q2, q3, p99))
            iqr = t3 - t1
            if not iqr > 0:
                continue
            for side, tail in (("low", (t1 - t01) / iqr), ("high", (t99 - t3) / iqr)):
                distance = abs(np.log(tail / normal_tail)) if tail > 0 else np.inf
                # a stronger transform must fit the tail clearly better (options go raw → sqrt → log): the
                # log scale stretches values near zero, so a waiting time's short lower tail stays on sqrt
                if side not in best or distance < 0.75 * best[side][0]:
                    best[side] = (distance, name)
        # the distinct values, for fences that a dominant value or a coarse scale cannot collapse
        levels = counts.index.to_numpy(dtype="float64")
        levels = levels[np.isfinite(levels)]
        if sentinels:
            levels = levels[~np.isin(levels, list(sentinels))]
        if zeros_out:
            levels = levels[levels != 0]
        if not best:
            # one value holds the middle half of the rows: judge the other values by the spread of the
            # distinct values alone
            if levels.size < 3:
                note.append("interquartile range is 0: not judged")
                return ColumnOutliers(c, "—", np.nan, np.nan, 0, 0, int(st.count), [], [], "; ".join(note))
            best = {"low": (0.0, "raw"), "high": (0.0, "raw")}
            lo = far_lo = np.inf
            hi = far_hi = -np.inf
            levels_only = True
        else:
            lo, far_lo = self._fence(q1, q3, best["low"][1], "low")
            hi, far_hi = self._fence(q1, q3, best["high"][1], "high")
            levels_only = False
        scale = best["low"][1] if best["low"][1] == best["high"][1] else f"{best['low'][1]}/{best['high'][1]}"
        keys = counts.index.to_numpy(dtype="float64")
        judged_keys = keys[~np.isin(keys, excluded)]
        widened = False
        if ((judged_keys < lo) | (judged_keys > hi)).any() and levels.size >= 3:
            # a value is an outlier only if it is also beyond the fences drawn over the distinct values: a
            # 7-point scale's 1 or a censored column's many small values are not outliers because one or
            # two values hold most rows (for continuous data the two sets of fences coincide)
            lq1, lq3 = np.quantile(levels, [0.25, 0.75])
            l_lo, l_far_lo = self._fence(lq1, lq3, best["low"][1], "low")
            l_hi, l_far_hi = self._fence(lq1, lq3, best["high"][1], "high")
            if lq3 > lq1:
                widened = l_lo < lo or l_hi > hi
                lo, far_lo = min(lo, l_lo), min(far_lo, l_far_lo)
                hi, far_hi = max(hi, l_hi), max(far_hi, l_far_hi)
            elif levels_only:
                lo = far_lo = -np.inf
                hi = far_hi = np.inf
        if levels_only:
            note.append("one value holds the middle half of the rows: fences drawn over the distinct values")
        elif widened:
            note.append("fences widened to those of the distinct values (a dominant value or a coarse scale)")
        # far: beyond twice the fence distance, or below a third of a positive lower fence / above three
        # times a positive upper one: on a log scale the far fence is orders of magnitude out, and an extra
        # zero or a unit mix-up (×10, ×100, ×1000) is what such a value looks like
        far_fences = (max(far_lo, lo / 3) if lo > 0 else far_lo, min(far_hi, 3 * hi) if hi > 0 else far_hi)
        judged = int(st.count - weights[np.isin(values, excluded)].sum())
        return _Plan(c, scale, lo, hi, far_fences, excluded, judged, note, counts)

    def _fence(self, q1: float, q3: float, name: str, side: str) -> tuple[float, float]:
        """(fence, far fence) in raw units, ``k`` and ``2k`` interquartile ranges beyond a quartile on the
        scale ``name``."""
        fwd, inv = _TRANSFORMS[name]
        with np.errstate(all="ignore"):
            t1, t3 = float(fwd(q1)), float(fwd(q3))
        iqr = t3 - t1
        if side == "low":
            fences = (t1 - self.k * iqr, t1 - 2 * self.k * iqr)
            low, far_low = (-np.inf if name == "sqrt" and f <= 0 else float(inv(f)) for f in fences)
            return low, far_low
        high, far_high = (float(inv(f)) for f in (t3 + self.k * iqr, t3 + 2 * self.k * iqr))
        return high, far_high

    def _two_values(self, vc: pd.Series, st, sentinels: dict):
        """A column of two values (0/1, 1/2) with a few values far from both: those are the outliers.

        The two values hold at least 99% of the rows, and every other value lies more than twice their
        distance beyond them (a 0/1 flag with a 7, a 1/2 code with a 9), so a count that is mostly 0 and 1
        with a few 2s and 3s is left to the ordinary fences."""
        if st.distinct < 3:
            return None
        if len(vc) < 3 or vc.iloc[:2].sum() < 0.99 * st.count:
            return None
        a, b = sorted(float(v) for v in vc.index[:2])
        gap = b - a
        others = vc.iloc[2:]
        others = others[~np.isin(others.index.to_numpy(dtype="float64"), list(sentinels))]
        if others.empty or not gap > 0:
            return None
        ov = others.index.to_numpy(dtype="float64")
        lo, hi = a - 2 * gap, b + 2 * gap
        if not ((ov < lo) | (ov > hi)).all():
            return None
        n_out = int(others.sum())
        low_ex = np.sort(ov[ov < lo])[:3].tolist()
        high_ex = np.sort(ov[ov > hi])[::-1][:3].tolist()
        held = vc.iloc[:2].sum() / st.count
        note = (
            f"two values ({a:g}, {b:g}) hold {_pct(held)} of the rows; any other value more than twice their "
            "distance away is an outlier"
        )
        return "two values", lo, hi, n_out, n_out, int(st.count), low_ex, high_ex, note


@dataclass(frozen=True)
class ColumnOutliers:
    """What `Outliers` measured on one column: its scale and fences, the values beyond them (all rows), the
    values far beyond them, the values judged, the most extreme values on each side and a note."""

    column: str
    scale: str  # raw, sqrt, log, low/high mixes, "two values", or "—" (not judged)
    lo: float
    hi: float
    n_out: int
    far: int
    judged: int
    low_ex: list[float]
    high_ex: list[float]
    note: str
    far_apart: bool = True  # the far values stand apart from the rest (a gap), not a continuous long tail

    @property
    def share(self) -> float:
        return self.n_out / self.judged if self.judged else 0.0

    @property
    def far_share(self) -> float:
        return self.far / self.judged if self.judged else 0.0

    @property
    def examples(self) -> str:
        return _examples(self.low_ex, self.high_ex)

    def graded(self, min_count: int) -> bool:
        """Enough values past the fence, or one far past it, to grade the column."""
        return self.scale != "—" and (self.n_out >= min_count or self.far > 0)


@dataclass(frozen=True)
class _Plan:
    """One column's fences, before the engine counts the values beyond them."""

    column: str
    scale: str
    lo: float
    hi: float
    far_fences: tuple[float, float]
    excluded: list[float]  # values left out: sentinels, a spike of zeros
    judged: int
    note: list[str]
    counts: pd.Series  # exact value counts keyed by float


def _far_apart(plan: _Plan, keys: np.ndarray) -> bool:
    """Whether, on some side with values beyond the far fence, those values stand apart from the rest: an
    empty stretch at least half as wide as the one between the fence and the far fence (on that side's
    scale) separates them from the column's other values, as an extra zero or a unit mix-up leaves. A
    heavy tail that thins out continuously past the fences (Boston's ``black``) has no such gap."""
    keys = np.sort(keys[np.isfinite(keys)])
    names = plan.scale.split("/")
    sides = (("low", names[0], plan.lo, plan.far_fences[0]), ("high", names[-1], plan.hi, plan.far_fences[1]))
    for side, name, fence, far in sides:
        fwd = _TRANSFORMS.get(name, _TRANSFORMS["raw"])[0]
        beyond = keys < far if side == "low" else keys > far
        if not beyond.any() or not np.isfinite(fence) or not np.isfinite(far):
            continue
        # from the farthest value in to the first value inside the fence: the widest empty stretch
        inside = keys >= fence if side == "low" else keys <= fence
        stretch = np.concatenate(
            [keys[~inside], keys[inside][:1]] if side == "low" else [keys[inside][-1:], keys[~inside]]
        )
        with np.errstate(all="ignore"):
            t = np.asarray(fwd(stretch), dtype="float64")
            width = abs(float(fwd(far)) - float(fwd(fence)))
        t = t[np.isfinite(t)]
        if t.size > 1 and width > 0 and float(np.max(np.diff(t))) >= 0.5 * width:
            return True
    return False


def _examples(low: list[float], high: list[float]) -> str:
    return ", ".join(_num(v) for v in [*high, *low][:5])


def _name_words(name: str) -> list[str]:
    """Words of a column name in order (``ProviderNumber`` → provider, number)."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name))
    return [t for t in re.split(r"[\W_]+", name.casefold()) if t]


def _numeric_counts(data: Dataset, c: str) -> pd.Series:
    """Value counts of a numeric column keyed by float (text numbers parsed), most frequent first."""
    vc = data.stats.value_counts(c)
    if pd.api.types.is_numeric_dtype(vc.index.dtype) and not pd.api.types.is_bool_dtype(vc.index.dtype):
        return pd.Series(vc.to_numpy(), index=vc.index.astype("float64"))
    parsed = pd.to_numeric(pd.Series(vc.index.map(str)), errors="coerce").to_numpy(dtype="float64")
    out = pd.Series(vc.to_numpy(), index=parsed)
    out = out[out.index.notna()].groupby(level=0).sum()
    return out.sort_values(ascending=False, kind="stable")


def _code_reason(data: Dataset, c: str, vc: pd.Series) -> str | None:
    """Why a numeric column holds codes rather than quantities, or None.

    A code has whole numbers only, and either a name that says so (zip, phone, fips, id, ``...Number``) and
    no word of a quantity, or values of one fixed width of eight digits or more (phone and account
    numbers), where differences and means mean nothing; or it is a unique counter or key, as
    `consistency.id_like_features` judges integers."""
    st = data.stats[c]
    keys = vc.index.to_numpy(dtype="float64")
    if not (np.mod(keys[:200], 1) == 0).all():  # a cheap look first: measurements with decimals
        return None
    finite = np.isfinite(keys)
    keys, weights = keys[finite], vc.to_numpy(dtype="float64")[finite]
    if keys.size == 0 or not (np.mod(keys, 1) == 0).all() or keys.min() < 0:
        return None
    words = _name_words(c)
    wordset = set(words)
    if not wordset & _QUANTITY_TOKENS:
        if wordset & _CODE_TOKENS:
            return f"a code by its name ({', '.join(sorted(wordset & _CODE_TOKENS))})"
        if len(words) >= 2 and words[-1] in _NUMBER_TOKENS:
            return f"a code by its name (… {words[-1]})"
    digits = np.floor(np.log10(np.maximum(keys, 1))).astype(int) + 1
    width = np.bincount(digits, weights=weights)
    top = int(width.argmax())
    if top >= 8 and width[top] >= 0.99 * st.count:
        return f"a code by its values ({_pct(width[top] / st.count)} are {top}-digit numbers)"
    if st.count >= 20 and st.distinct / st.count >= 0.99:
        from dataaudit.checks.consistency.columns import IdLikeFeatures

        reason = IdLikeFeatures()._integer_reason(data, c, st.distinct / st.count, False)
        if reason:
            return f"a key or counter ({reason}; see consistency.id_like_features)"
    return None


def _numeric_columns(data: Dataset, columns) -> list[str]:
    out = []
    for c in columns:
        st = data.stats[c]
        if st.kind == "numeric" and st.distinct > 2:  # numeric: numbers, or text that parses as numbers
            out.append(c)
    return out
