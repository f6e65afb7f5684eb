"""Bias, proxies: is any feature a stand-in for a sensitive attribute?"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks._shared import numeric_values
from dataaudit.checks.bias._common import _ORDER, _crosstab, _groups, _listed, _sample_positions
from dataaudit.dataset import Dataset
from dataaudit.engine.scope import note_sample
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade

__all__ = ["ProxyFeatures"]

#: free text (mean length above this) is not a proxy candidate: it needs a text model, not a contingency table
MAX_PROXY_TEXT_LENGTH = 30
#: high-cardinality categoricals are compared on their most frequent levels, the rest pooled as "other"
MAX_PROXY_LEVELS = 50


def _cramers_v(a: np.ndarray, ka: int, b: np.ndarray, kb: int) -> float:
    """Bias-corrected Cramér's V (Bergsma 2013) of two code arrays (no missing codes)."""
    n = len(a)
    if n < 2 or ka < 2 or kb < 2:
        return 0.0
    table = _crosstab(a, b, ka, kb).astype("float64")
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    r, k = table.shape
    if r < 2 or k < 2:
        return 0.0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    rc, kc = r - (r - 1) ** 2 / (n - 1), k - (k - 1) ** 2 / (n - 1)
    denom = min(kc - 1, rc - 1)
    return float(math.sqrt(phi2 / denom)) if denom > 0 else 0.0


def _correlation_ratio(x: np.ndarray, g: np.ndarray, k: int) -> float:
    """Correlation ratio η of a numeric array and group codes, adjusted for the number of groups
    (epsilon-squared), so many small groups do not show an association by chance."""
    ok = np.isfinite(x)
    x, g = x[ok], g[ok]
    n = len(x)
    if n <= k or k < 2:
        return 0.0
    x = x - x.mean()
    sst = float((x**2).sum())
    if sst == 0:
        return 0.0
    cnt = np.bincount(g, minlength=k)
    s = np.bincount(g, weights=x, minlength=k)
    with np.errstate(all="ignore"):
        ssb = float(np.nansum(np.where(cnt > 0, s**2 / cnt, 0.0)))
    groups = int((cnt > 0).sum())
    if groups < 2:
        return 0.0
    ssw = sst - ssb
    eps2 = 1 - (ssw / (n - groups)) / (sst / (n - 1))
    return float(math.sqrt(max(0.0, min(1.0, eps2))))


@dataclass(frozen=True)
class ProxyFeatures(Check):
    """No feature is a stand-in (proxy) for a sensitive attribute.

    Every feature (not the sensitive columns, the target, the id or the timestamps) is compared with every
    sensitive attribute: Cramér's V (bias-corrected) for a categorical feature, the correlation ratio η
    (adjusted for the number of groups) for a numeric or datetime one, both on a 0–1 scale where 0 is no
    association and 1 means the feature determines the group. Missing values count as a level of a
    categorical feature (missingness can itself reveal a group). Free text is left out; a high-cardinality
    categorical is compared on its 50 most frequent values with the rest pooled. Runs on a seeded sample.
    Defaults: warn above 0.5 (a strong association: the usual reading of V or η above 0.5), fail above 0.8
    (the feature nearly encodes the attribute).

    Why it matters: dropping a sensitive column does not stop a model from using it when another feature
    carries the same information: postcode for ethnicity, job title for gender, "retired" for age. A model
    can then discriminate while looking blind; fairness constraints and audits must include the proxies.

    How to fix: review each strong proxy with domain experts: is it needed for the task, or mostly a route to
    the attribute? Drop or coarsen it, decorrelate it, or keep the sensitive attribute available for
    fairness evaluation and mitigation so the proxy's effect can be measured.
    """

    id: ClassVar[str] = "bias.proxy_features"
    title: ClassVar[str] = "Proxies for sensitive attributes"
    area: ClassVar[Area] = Area.BIAS
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    warn_above: float = 0.5
    fail_above: float = 0.8
    top: int = 5

    def run(self, data: Dataset) -> Outcome:
        sens = list(data.roles.sensitive)
        skip = set(sens) | {data.roles.target}
        pos = _sample_positions(data.n_rows, data.sample_rows)
        if pos is not None:
            note_sample(len(pos))
        n = data.n_rows if pos is None else len(pos)
        results, skipped = [], []
        feats = []
        for col in data.features:
            if col in skip:
                continue
            st = data.stats[col]
            if st.distinct <= 1:
                continue
            f = self._encode(data, col, pos)
            if f is None:
                skipped.append(col)
                continue
            feats.append((col, *f))
        for s in sens:
            g = _groups(data, s)
            codes = g.codes if pos is None else g.codes[pos]
            k = len(g.labels)
            for col, kind, values, levels in feats:
                if kind == "numeric":
                    strength, measure = _correlation_ratio(values, codes, k), "correlation ratio η"
                else:
                    strength, measure = _cramers_v(values, levels, codes, k), "Cramér's V"
                results.append((s, col, measure, strength))
        if not results:
            return Outcome.skip("no feature to compare with the sensitive attributes", columns=sens)
        results.sort(key=lambda r: -r[3])
        flagged = []
        for s, col, measure, v in results:
            graded = grade(v, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
            if graded != Status.PASS:
                flagged.append((graded, s, col, measure, v))
        status = max((f[0] for f in flagged), key=_ORDER.__getitem__, default=Status.PASS)
        note = data.sample_note() if pos is not None else ""
        if flagged:
            parts = [f"{c} for {s} ({m} {v:.2f})" for _, s, c, m, v in flagged]
            msg = f"{count(len(flagged), 'strong proxy', 'strong proxies')}: {_listed(parts, self.top, ', ')}"
            msg += f" (warn above {self.warn_above:g}, fail above {self.fail_above:g}){note}"
        else:
            s, c, m, v = results[0]
            msg = (
                f"no feature strongly associated with a sensitive attribute; strongest {c} for {s} "
                f"({m} {v:.2f}, warn above {self.warn_above:g}){note}"
            )
        top_rows = []
        for s in sens:
            top_rows += [(s, c, m, round(v, 4)) for s2, c, m, v in results if s2 == s][: self.top]
        tables = [
            Table.of(
                ("sensitive attribute", "feature", "measure", "strength"),
                top_rows,
                title=f"Top {self.top} proxies per sensitive attribute (rows: {n:,})",
            )
        ]
        if skipped:
            tables.append(
                Table.of(
                    ("feature", "why not compared"),
                    [(c, "free text") for c in skipped],
                    title="Features not compared",
                )
            )
        return Outcome.make(
            status,
            msg,
            observed=[
                {"sensitive": s, "feature": c, "strength": round(v, 4)} for _, s, c, _m, v in flagged[:10]
            ]
            or {
                "strongest": {
                    "sensitive": results[0][0],
                    "feature": results[0][1],
                    "strength": round(results[0][3], 4),
                }
            },
            expected=f"association <= {self.warn_above:g} (fail above {self.fail_above:g})",
            columns=sorted({f[2] for f in flagged} | {f[1] for f in flagged}) or sens,
            evidence=tables,
        )

    @staticmethod
    def _encode(data: Dataset, col: str, pos: np.ndarray | None):
        """("numeric", floats, 0) or ("categorical", codes, levels), or None for free text."""
        st = data.stats[col]
        if st.kind == "empty":
            return None
        if st.kind == "numeric":
            num = numeric_values(data, col)
            arr = num.to_numpy(dtype="float64", na_value=np.nan)
            return "numeric", arr if pos is None else arr[pos], 0
        # a datetime column the parser did not convert (stats.datetimes None) is compared as categories
        if st.kind == "datetime" and (dts := data.stats.datetimes(col)) is not None:
            times = dts.to_numpy(dtype="datetime64[ns]")
            arr = times.astype("int64").astype("float64")
            arr[np.isnat(times)] = np.nan
            return "numeric", arr if pos is None else arr[pos], 0
        if st.kind == "text" and (st.mean_length or 0) > MAX_PROXY_TEXT_LENGTH:
            return None
        s = data.frame[col]
        s = s if pos is None else s.iloc[pos]
        try:
            codes, uniques = pd.factorize(s, use_na_sentinel=True)
        except TypeError:  # unhashable values
            codes, uniques = pd.factorize(s.astype(str), use_na_sentinel=True)
        levels = len(uniques)
        if levels > MAX_PROXY_LEVELS:
            freq = np.bincount(codes[codes >= 0], minlength=levels)
            keep = np.argsort(-freq, kind="stable")[:MAX_PROXY_LEVELS]
            remap = np.full(levels, MAX_PROXY_LEVELS, dtype=np.int64)
            remap[keep] = np.arange(MAX_PROXY_LEVELS)
            codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
            levels = MAX_PROXY_LEVELS + 1
        codes = np.where(codes >= 0, codes, levels).astype(np.int64)  # missing is a level of its own
        return "categorical", codes, levels + 1
