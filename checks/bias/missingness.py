"""Bias, missingness: are missing values concentrated in some groups of a sensitive attribute?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from dataaudit.checks.bias._common import _ORDER, _bonferroni_z, _groups, _listed, _pairs, _worst_first
from dataaudit.checks.bias._rates import _binomial_se, _candidate_pairs, _smoothed
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Table, count, grade

__all__ = ["MissingnessDisparity"]


@dataclass(frozen=True)
class MissingnessDisparity(Check):
    """Missing values are not concentrated in some groups of a sensitive attribute.

    For every column with missing values (the target included) and every sensitive attribute: the missing
    rate per group, and the gap between two groups (groups with at least `min_group_rows` rows; the
    `(missing)` group itself is not graded). Each gap is graded at the conservative end of its interval
    (normal approximation, with a confidence widened for the number of group pairs and columns compared), and
    the most certain gap is reported, so small groups are not over-read and big data do not flag trivial
    gaps. Defaults: warn above a gap of 5 points (e.g. 2% vs 7.5%), fail above 15 points.

    Why it matters: when one group's values are missing more often, imputation fills them with other
    groups' typical values, dropping incomplete rows removes that group disproportionately, and "is
    missing" becomes a proxy for the group. A missing label for one group means the model learns less about
    it. Such patterns often trace back to a form, channel or process that serves some people worse.

    How to fix: find out why the values are missing for that group (collection channel, optional form
    field, system migration) and fix the collection; impute within groups or add missing-indicators, and
    check the effect on per-group metrics rather than dropping rows.
    """

    id: ClassVar[str] = "bias.missingness_disparity"
    title: ClassVar[str] = "Missing values across groups"
    area: ClassVar[Area] = Area.BIAS
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    warn_above: float = 0.05
    fail_above: float = 0.15
    min_group_rows: int = 30

    def run(self, data: Dataset) -> Outcome:
        sens = list(data.roles.sensitive)
        cols = [c for c in data.columns if c not in sens and data.stats[c].missing > 0]
        if not cols:
            return Outcome.ok("no column has missing values", columns=sens)
        z95 = _bonferroni_z(1)
        results = []
        masks = {c: data.frame[c].isna().to_numpy() for c in cols}
        for s in sens:
            g = _groups(data, s)
            k = len(g.labels)
            graded = g.real & (g.counts >= self.min_group_rows)
            idx = np.flatnonzero(graded)
            if len(idx) < 2:
                continue
            n = g.counts[idx].astype("float64")
            z = _bonferroni_z(_pairs(len(idx)) * len(cols))
            for c in cols:
                miss = np.bincount(g.codes, weights=masks[c], minlength=k)[idx]
                rate = miss / n
                # candidates: every pair of groups (see _candidate_pairs); keep the most certain
                high, low = _candidate_pairs(rate)
                ses = _binomial_se(_smoothed(miss, n), n, high, low)
                bounds = np.maximum(0.0, rate[high] - rate[low] - z * ses)
                i = int(np.lexsort((rate[high] - rate[low], bounds))[-1])
                a, b, se, bound = int(high[i]), int(low[i]), float(ses[i]), float(bounds[i])
                gap = float(rate[a] - rate[b])
                status = grade(bound, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
                ci = (gap - z95 * se, gap + z95 * se)
                results.append(
                    (
                        status,
                        s,
                        c,
                        g.labels[idx[a]],
                        float(rate[a]),
                        int(n[a]),
                        g.labels[idx[b]],
                        float(rate[b]),
                        gap,
                        bound,
                        ci,
                    )
                )
        if not results:
            return Outcome.skip(
                f"no sensitive attribute has 2 groups with >= {self.min_group_rows} rows: nothing to compare",
                columns=sens,
            )
        flagged, status = _worst_first(results, key=lambda r: (-_ORDER[r[0]], -r[9]))

        def describe(r) -> str:
            _, s, c, ga, ra, na, gb, rb, gap, bound, _ci = r
            return (
                f"{c} is missing for {ra:.1%} of {s}={ga!r} ({count(na, 'row')}) vs {rb:.1%} of {s}={gb!r}: "
                f"gap {gap * 100:.1f} points (at least {bound * 100:.1f})"
            )

        if flagged:
            msg = _listed([describe(r) for r in flagged])
            msg += f" (warn above {self.warn_above * 100:g} points, fail above {self.fail_above * 100:g})"
        else:
            msg = (
                f"missing rates are similar across groups ({count(len(cols), 'column')} "
                "with missing values × "
                f"{count(len(sens), 'attribute')}); largest gap: " + describe(results[0])
            )
        rows = [
            (
                r[1],
                r[2],
                r[3],
                round(r[4], 4),
                r[6],
                round(r[7], 4),
                round(r[8], 4),
                round(r[10][0], 4),
                round(r[10][1], 4),
            )
            for r in results
        ]
        return Outcome.make(
            status,
            msg,
            observed=[
                {"attribute": r[1], "column": r[2], "gap": round(r[8], 4), "at_least": round(r[9], 4)}
                for r in (flagged or results[:1])
            ],
            expected=f"missing-rate gap <= {self.warn_above:g} (fail above {self.fail_above:g})",
            columns=sorted({r[2] for r in flagged} | {r[1] for r in flagged}) or sens,
            evidence=Table.of(
                (
                    "attribute",
                    "column",
                    "most missing in",
                    "rate missing",
                    "least missing in",
                    "rate missing",
                    "rate gap",
                    "rate gap low (95%)",
                    "rate gap high (95%)",
                ),
                rows,
                title="Missing rate gap between groups (largest first)",
            ),
        )
