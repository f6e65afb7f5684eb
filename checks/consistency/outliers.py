"""Consistency: robust numeric outliers, judged per tail on the scale (raw, square root or log) where the
tail looks normal, so a lognormal income's long tail is not called an outlier."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from dataaudit.checks.consistency._common import _expected, _grade_worst, _num, _pct, _sentinels
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Table, count

__all__ = ["Outliers"]

_TRANSFORMS = {
    "raw": (lambda x: x, lambda y: y),
    "sqrt": (np.sqrt, lambda y: np.sign(y) * y * y),
    "log": (np.log, np.exp),
}


#: (p99 - p75) / IQR of a normal distribution: how long a tail looks on a scale where the data is normal
_NORMAL_TAIL = (2.3263 - 0.6745) / 1.3490


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
    in a non-negative column (a separate mode, not an outlier).

    Why it matters: gross outliers (an extra zero, a unit mix-up, a test record) dominate squared-error
    losses, scaling and linear models. With k = 3 on the right scale, clean normal or lognormal data has
    about one such value per million, so the defaults warn when more than 0.1% of a column's values are
    outliers and fail above 1%, where they are systematic.

    How to fix: look at the examples: correct unit or entry errors at the source, drop test records, and
    for real extremes use a robust loss, a transformation or winsorising.
    """

    id: ClassVar[str] = "consistency.outliers"
    title: ClassVar[str] = "Outliers"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.001
    fail_above: float = 0.01
    k: float = 3.0
    min_count: int = 3

    def run(self, data: Dataset) -> Outcome:
        findings, table = [], []
        cols = _numeric_columns(data, data.features)
        for c in cols:
            res = self._column(data, c)
            if res is None:
                continue
            scale, lo, hi, n_out, far, n_judged, low_ex, high_ex, note = res
            share = n_out / n_judged if n_judged else 0.0
            table.append(
                (c, scale, _num(lo), _num(hi), n_out, round(share, 5), _examples(low_ex, high_ex), note)
            )
            if n_out >= self.min_count or far:
                findings.append((c, share, n_out, n_judged, scale, lo, hi, low_ex, high_ex))
        expected = _expected(self.warn_above, self.fail_above, f"share beyond {self.k:g} IQR fences")
        status = _grade_worst([f[1] for f in findings], self.warn_above, self.fail_above)
        table.sort(key=lambda r: -r[5])
        evidence = Table.of(
            ("column", "scale", "lower fence", "upper fence", "outliers", "share", "examples", "note"),
            table,
            title="Outliers per numeric column",
        )
        flagged = sorted((f for f in findings if f[1] > self.warn_above), key=lambda f: -f[1])
        if not flagged:
            most = max(findings, key=lambda f: f[1], default=None)
            tail = (
                f"; the most {most[0]} with {count(most[2], 'value')} ({_pct(most[1])}), within "
                f"{_pct(self.warn_above)}"
                if most
                else ""
            )
            return Outcome.ok(
                f"no column has more than {_pct(self.warn_above)} outliers among "
                f"{count(len(cols), 'numeric feature')}{tail}",
                observed={f[0]: round(f[1], 5) for f in findings},
                expected=expected,
                evidence=evidence,
            )
        parts = [
            f"{c}: {count(k, 'value')} ({_pct(s)}) outside [{_num(lo)}, {_num(hi)}] on the {scale} scale "
            f"(e.g. {_examples(le, he)})"
            for c, s, k, _, scale, lo, hi, le, he in flagged[:3]
        ]
        msg = "; ".join(parts) + (f"; and {len(flagged) - 3} more columns" if len(flagged) > 3 else "")
        return Outcome.make(
            status,
            msg,
            observed={f[0]: round(f[1], 5) for f in findings},
            expected=expected,
            columns=[f[0] for f in flagged],
            evidence=evidence,
        )

    def _column(self, data: Dataset, c: str):
        x = data.stats.numeric(c)
        st = data.stats[c]
        q = st.quantiles
        if q is None:
            return None
        sentinels = _sentinels(data, c)
        note = []
        exclude = rest = None
        zeros = int((x == 0).sum())
        zero_spike = zeros >= 0.01 * st.count
        if sentinels or zero_spike:
            arr = x.to_numpy(dtype="float64", na_value=np.nan)
            exclude = np.isin(arr, list(sentinels)) if sentinels else np.zeros(arr.size, dtype=bool)
            rest = arr[~exclude & np.isfinite(arr)]
            if zero_spike and rest.size and rest.min() >= 0:  # a spike of zeros is its own mode
                exclude |= arr == 0
                rest = rest[rest != 0]
                note.append(f"{count(zeros, 'zero')} left out")
            elif not sentinels:
                exclude, rest = None, None
            if sentinels:
                note.insert(0, "sentinels " + ", ".join(f"{v:g}" for v in sentinels) + " left out")
        if rest is not None:
            if rest.size < 10:
                return None
            vmin, p01, q1, q2, q3, p99 = np.quantile(rest, [0.0, 0.01, 0.25, 0.5, 0.75, 0.99])
        else:
            vmin, p01, q1, q2, q3, p99 = (q[k] for k in ("min", "p01", "p25", "p50", "p75", "p99"))
        options = ["raw"] + (["sqrt"] if vmin >= 0 else []) + (["log"] if vmin > 0 else [])
        best = {}  # side -> (distance from a normal tail, scale, fence)
        for name in options:
            fwd, inv = _TRANSFORMS[name]
            with np.errstate(all="ignore"):
                t01, t1, _, t3, t99 = (float(fwd(v)) for v in (p01, q1, q2, q3, p99))
            iqr = t3 - t1
            if not iqr > 0:
                continue
            for side, tail, fence, far in (
                ("low", (t1 - t01) / iqr, t1 - self.k * iqr, t1 - 2 * self.k * iqr),
                ("high", (t99 - t3) / iqr, t3 + self.k * iqr, t3 + 2 * self.k * iqr),
            ):
                distance = abs(np.log(tail / _NORMAL_TAIL)) if tail > 0 else np.inf
                # a stronger transform must fit the tail clearly better (options go raw → sqrt → log): the
                # log scale stretches values near zero, so a waiting time's short lower tail stays on sqrt
                if side not in best or distance < 0.75 * best[side][0]:
                    if side == "low":
                        raw = [-np.inf if name == "sqrt" and f <= 0 else float(inv(f)) for f in (fence, far)]
                    else:
                        raw = [float(inv(f)) for f in (fence, far)]
                    best[side] = (distance, name, *raw)
        if not best:
            note.append("interquartile range is 0: not judged")
            return "—", np.nan, np.nan, 0, 0, int(st.count), [], [], "; ".join(note)
        lo, hi = best["low"][2], best["high"][2]
        far_lo, far_hi = best["low"][3], best["high"][3]
        scale = best["low"][1] if best["low"][1] == best["high"][1] else f"{best['low'][1]}/{best['high'][1]}"
        arr = x.to_numpy(dtype="float64", na_value=np.nan)
        out = (arr < lo) | (arr > hi)
        if exclude is not None:
            out &= ~exclude
        n_out = int(out.sum())
        judged = int(st.count - (exclude.sum() if exclude is not None else 0))
        low_ex = high_ex = []
        far = 0
        if n_out:
            picked = arr[out]
            far = int(((picked < far_lo) | (picked > far_hi)).sum())
            low_ex = np.sort(picked[picked < lo])[:3].tolist()
            high_ex = np.sort(picked[picked > hi])[::-1][:3].tolist()
            if n_out < self.min_count and not far:
                far_k = 2 * self.k
                note.append(
                    f"{count(n_out, 'value')} just past the fence, none beyond {far_k:g} IQRs: not graded"
                )
        return scale, lo, hi, n_out, far, judged, low_ex, high_ex, "; ".join(note)


def _examples(low: list[float], high: list[float]) -> str:
    return ", ".join(_num(v) for v in [*high, *low][:5])


def _numeric_columns(data: Dataset, columns) -> list[str]:
    out = []
    for c in columns:
        st = data.stats[c]
        if st.kind == "numeric" and st.distinct > 2 and data.stats.numeric(c) is not None:
            out.append(c)
    return out
