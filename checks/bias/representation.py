"""Bias, representation: are the target's classes and the sensitive groups represented well enough?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks._shared import role
from dataaudit.checks.bias._common import _class_label, _listed, _share, _Tally, _tally, _worst_first
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade

__all__ = ["ClassImbalance", "GroupRepresentation"]


@dataclass(frozen=True)
class ClassImbalance(Check):
    """The target's classes are not so unequal that a model learns to ignore the rare ones.

    For a classification target: the ratio of the rarest class's count to the most frequent class's count
    (1.0 is perfectly balanced). For a continuous (regression) target: its skewness.

    Why it matters: a model trained on 1 positive per 10 negatives can reach 91% accuracy by never
    predicting the positive class; default losses, thresholds and accuracy all favour the majority, and the
    rare class is often the one that matters (fraud, default, disease). Defaults: warn when the rarest class
    has fewer than 1 row per 10 of the largest (ratio below 0.1), fail below 1 per 100 (0.01), where most
    models predict the majority only unless the imbalance is handled deliberately. A strongly skewed
    regression target (|skewness| above 1, the usual line for "highly skewed") lets a few extreme values
    dominate a squared-error loss; no fail threshold by default (`skew_fail_above`), as a transform fixes it.
    A non-negative target whose long right tail a log takes away (|skewness of log(1 + y)| within the same
    line: prices, incomes, counts of visits) passes and says so: that is the scale to model on, not an
    imbalance. A tail the log keeps (most values zero and a few large ones) still warns.

    How to fix: use metrics that see the rare class (precision/recall, PR-AUC, balanced accuracy), class
    weights or stratified resampling, and a tuned decision threshold; collect more rare-class examples.
    For a skewed regression target, model a log or Box-Cox transform, or use a robust loss.
    """

    id: ClassVar[str] = "bias.class_imbalance"
    title: ClassVar[str] = "Class balance"
    area: ClassVar[Area] = Area.BIAS
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine
    requires: ClassVar[tuple[str, ...]] = ("target",)

    warn_below: float = 0.1
    fail_below: float = 0.01
    skew_warn_above: float = 1.0
    skew_fail_above: float | None = None

    def run(self, data: Dataset) -> Outcome:
        target = role(data, "target")
        if data.target_kind == "continuous":
            return self._skew(data, target)
        counts = data.stats.value_counts(target)
        if len(counts) < 2:
            return Outcome.skip(
                f"target {target!r} has {count(len(counts), 'class', 'classes')}: there is no balance to "
                "measure (size.class_counts reports it)",
                columns=[target],
            )
        total = int(counts.sum())
        big, small = counts.index[0], counts.index[-1]
        n_big, n_small = int(counts.iloc[0]), int(counts.iloc[-1])
        ratio = n_small / n_big
        status = grade(ratio, warn=self.warn_below, fail=self.fail_below, higher_is_worse=False)
        msg = (
            f"rarest class {_class_label(small)!r} has {count(n_small, 'row')} ({n_small / total:.1%}), "
            f"{ratio:.3g} per row of the largest class {_class_label(big)!r} "
            f"({n_big:,} rows, 1:{n_big / n_small:.1f})"
        )
        if status != Status.PASS:
            msg += f"; below {self.fail_below if status == Status.FAIL else self.warn_below:g}"
        table = Table.of(
            ("class", "rows", "share", "per row of the largest class"),
            [(_class_label(k), int(v), round(v / total, 4), round(v / n_big, 4)) for k, v in counts.items()],
            title=f"Classes of {target}",
        )
        chart = Chart.of(
            "bars",
            [_class_label(k) for k in counts.index[:30]],
            (counts.to_numpy()[:30] / total),
            title=f"Share of rows per class of {target}",
            unit="share",
        )
        return Outcome.make(
            status,
            msg,
            observed={"ratio": round(ratio, 4), "rarest": _class_label(small), "rows": n_small},
            expected=f"rarest/largest >= {self.warn_below:g} (fail below {self.fail_below:g})",
            columns=[target],
            evidence=table,
            chart=chart,
        )

    def _skew(self, data: Dataset, target: str) -> Outcome:
        values = data.stats.numeric(target)
        values = values.dropna() if values is not None else pd.Series(dtype="float64")
        if len(values) < 3 or float(values.std()) == 0.0:
            return Outcome.skip(
                f"target {target!r} has too few distinct values to measure skew", columns=[target]
            )
        skew = float(values.skew())  # type: ignore[arg-type]  # pandas-stubs: skew() of floats is a float
        status = grade(abs(skew), warn=self.skew_warn_above, fail=self.skew_fail_above, higher_is_worse=True)
        q = values.quantile([0.01, 0.5, 0.99])
        side = "right (a long tail of large values)" if skew > 0 else "left (a long tail of small values)"
        msg = f"continuous target {target!r} has skewness {skew:.2f}"
        log_skew = None
        if status != Status.PASS and skew > 0 and float(values.min()) >= 0:
            # a positive long tail that a log takes away is a scale to model on, not an imbalance
            log_skew = float(np.log1p(values).skew())
            if abs(log_skew) <= self.skew_warn_above:
                status = Status.PASS
                msg += (
                    f" on its own scale and {log_skew:.2f} on a log scale (log(1 + {target})): a long tail "
                    f"that the log takes away; model log(1 + {target}) or use a robust loss"
                )
        if status != Status.PASS:
            msg += f", skewed to the {side}; |skewness| above {self.skew_warn_above:g}"
            if log_skew is not None:
                msg += f" (still {log_skew:.2f} on a log scale: a log does not take the tail away)"
        table = Table.of(
            ("measure", "value"),
            [
                ("skewness", round(skew, 4)),
                *([("skewness of log(1 + value)", round(log_skew, 4))] if log_skew is not None else []),
                ("p01", float(q.iloc[0])),
                ("median", float(q.iloc[1])),
                ("p99", float(q.iloc[2])),
                ("mean", float(values.mean())),
                ("rows with a value", len(values)),
            ],
            title=f"Distribution of {target}",
        )
        return Outcome.make(
            status,
            msg,
            observed={"skewness": round(skew, 4)}
            | ({"log_skewness": round(log_skew, 4)} if log_skew is not None else {}),
            expected=f"|skewness| <= {self.skew_warn_above:g}",
            columns=[target],
            evidence=table,
        )


@dataclass(frozen=True)
class GroupRepresentation(Check):
    """Every group of every sensitive attribute is represented: its count and share, and the smallest group.

    Without reference shares, a group is under-represented when its share of rows is small in absolute terms
    (below `warn_below`, default 5%; `fail_below`, 2%) *and* below half of an equal split across the
    attribute's groups (`parity_factor` × 1/groups), so attributes with many naturally small groups
    (countries, postcodes) are not flagged wholesale: small absolute counts are `size.group_counts`'s
    question. With reference shares (e.g. census population shares) for an attribute, each listed group is
    compared with its reference instead: representation ratio (share ÷ reference) and difference (share −
    reference); warn when the ratio is below 0.8, fail below 0.5 (the group appears at less than half its
    expected rate). Set them with `checks: {bias.group_representation: {reference_shares: {ethnicity:
    {White: 0.8, Black: 0.04, ...}}}}`; group names match case-insensitively, numeric attributes use the
    report's band names (e.g. `18–24`). Missing values are shown as a group but not graded.

    Why it matters: a model is fitted to the rows it sees. A group that makes up 1% of the training data
    contributes 1% of the loss, so its patterns are learned poorly and its errors barely move the overall
    metrics; a sample that under-represents a population group relative to the people the model will serve
    builds that gap into every decision.

    How to fix: collect or oversample data for the under-represented groups (stratified sampling), check how
    the data was collected (channels, regions, time windows that exclude people), and report metrics per
    group; reweighting helps the loss, but not the information missing about the group.
    """

    id: ClassVar[str] = "bias.group_representation"
    title: ClassVar[str] = "Group representation"
    area: ClassVar[Area] = Area.BIAS
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    warn_below: float = 0.05
    fail_below: float = 0.02
    parity_factor: float = 0.5
    reference_shares: dict[str, dict[str, float]] | None = None
    ratio_warn_below: float = 0.8
    ratio_fail_below: float = 0.5

    def __post_init__(self) -> None:
        super().__post_init__()
        for attr, shares in (self.reference_shares or {}).items():
            for group, share in shares.items():
                if not 0 < share <= 1:
                    raise ValueError(
                        f"reference_shares.{attr}.{group}: a share must be in (0, 1], got {share}"
                    )
            if sum(shares.values()) > 1.0001:
                raise ValueError(
                    f"reference_shares.{attr}: shares add up to {sum(shares.values()):.4g}, more than 1"
                )

    def run(self, data: Dataset) -> Outcome:
        refs = {str(k): v for k, v in (self.reference_shares or {}).items()}
        findings: list[tuple[Status, str, str]] = []
        rows: list[tuple[str, str, int, float]] = []
        ref_rows: list[tuple[str, str, float, float, float, float]] = []
        charts: list[Chart] = []
        notes: list[str] = []
        smallest: tuple[str, str, int, float] | None = None
        for col in data.roles.sensitive:
            g = _tally(data, col)  # rows per group over all rows: one engine.group_counts
            total = int(g.counts.sum())
            real = g.real
            n_real = int(real.sum())
            shares = g.counts / max(total, 1)
            for lab, n, s in zip(g.labels, g.counts, shares):
                rows.append((col, lab, int(n), round(float(s), 4)))
            if n_real:
                i = int(np.argmin(np.where(real, g.counts, np.iinfo(np.int64).max)))
                if smallest is None or shares[i] < smallest[3]:
                    smallest = (col, g.labels[i], int(g.counts[i]), float(shares[i]))
            charts.append(
                Chart.of(
                    "bars", g.labels[:40], shares[:40], title=f"Share of rows per {col} group", unit="share"
                )
            )
            if n_real < 2:
                continue
            if col in refs:  # a reference describes people: compare among rows where the attribute is known
                known = g.counts / max(int(g.counts[real].sum()), 1)
                findings += self._against_reference(col, g, known, refs[col], ref_rows)
                continue
            parity = 1.0 / n_real
            bar = self.parity_factor * parity
            for lab, n, s, is_real in zip(g.labels, g.counts, shares, real):
                if not is_real or s >= bar:
                    continue
                status = grade(s, warn=self.warn_below, fail=self.fail_below, higher_is_worse=False)
                if status != Status.PASS:
                    findings.append(
                        (
                            status,
                            f"{col}={lab!r} is {_share(s)} of rows ({count(int(n), 'row')}; an equal split "
                            f"would be {parity:.0%})",
                            col,
                        )
                    )
        notes += [
            f"reference shares given for {a!r}, which is not a sensitive column"
            for a in refs
            if a not in data.roles.sensitive
        ]
        flagged, status = _worst_first(findings)
        if flagged:
            msg = _listed([f[1] for f in flagged])
            msg += (
                f" (warn below {self.warn_below:.0%} of rows and {self.parity_factor:g}× an equal split"
                + (f"; or below {self.ratio_warn_below:g}× the reference share)" if refs else ")")
            )
        elif smallest is not None:
            msg = (
                f"every group is represented; smallest {smallest[0]}={smallest[1]!r} with "
                f"{count(smallest[2], 'row')} ({_share(smallest[3])})"
            )
        else:
            return Outcome.skip(
                "no sensitive attribute has a non-missing group" + ("; " + "; ".join(notes) if notes else "")
            )
        if notes:
            msg += "; " + "; ".join(notes)
        tables = [Table.of(("attribute", "group", "rows", "share"), rows, title="Rows and share per group")]
        if ref_rows:
            tables.append(
                Table.of(
                    ("attribute", "group", "share", "share (reference)", "ratio", "share difference"),
                    ref_rows,
                    title="Share of rows with a known value against the reference share",
                )
            )
        return Outcome.make(
            status,
            msg,
            observed={
                "smallest_group": None if smallest is None else f"{smallest[0]}={smallest[1]}",
                "smallest_share": None if smallest is None else round(smallest[3], 4),
            },
            expected=(
                f"every group >= {self.warn_below:.0%} of rows or >= {self.parity_factor:g}× an equal split"
            ),
            columns=sorted({f[2] for f in flagged}) or data.roles.sensitive,
            evidence=tables,
            chart=charts,
        )

    def _against_reference(self, col, g: _Tally, shares, ref: dict[str, float], out_rows) -> list:
        found = []
        by_key = {lab.strip().casefold().replace("-", "–"): i for i, lab in enumerate(g.labels)}
        for group, expected in ref.items():
            i = by_key.get(str(group).strip().casefold().replace("-", "–"))
            share = float(shares[i]) if i is not None else 0.0
            n = int(g.counts[i]) if i is not None else 0
            ratio = share / expected
            out_rows.append(
                (col, str(group), round(share, 4), expected, round(ratio, 4), round(share - expected, 4))
            )
            status = grade(
                ratio, warn=self.ratio_warn_below, fail=self.ratio_fail_below, higher_is_worse=False
            )
            if status != Status.PASS:
                found.append(
                    (
                        status,
                        f"{col}={group!r} is {_share(share)} of rows ({count(n, 'row')}) against a reference "
                        f"of {expected:.1%}: ratio {ratio:.2f}, difference {share - expected:+.1%}",
                        col,
                    )
                )
        return found
