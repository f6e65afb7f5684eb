"""Consistency: target leakage, features that give the label away: near-perfect on their own, or strong
and named like a value recorded after the outcome. Each feature is scored alone with a shallow
cross-validated tree and a value → label lookup; the scores are computed once per audit and shared with the
learning curve, which follows the same rule (:func:`leaks`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.check_api import FITS_MODELS, Cost
from dataaudit.checks._shared import configured, numeric_values, role
from dataaudit.checks.consistency._common import _factorize, _labels
from dataaudit.dataset import Dataset
from dataaudit.engine.scope import note_sample
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count
from dataaudit.privacy import mask_example
from dataaudit.roles import tokens

__all__ = ["AFTER_OUTCOME_TOKENS", "LeakScan", "Scored", "TargetLeakage", "leaks"]

#: words of a column name that say its value is recorded at or after the outcome (a letter *sent*, a
#: *final* status, the *result*, the *decision*): with a strong score, such a feature is a suspected leak
AFTER_OUTCOME_TOKENS = frozenset(
    {
        "after",
        "sent",
        "outcome",
        "outcomes",
        "result",
        "results",
        "final",
        "decision",
        "decided",
        "resolved",
        "resolution",
        "closed",
        "closure",
        "approval",
        "approved",
        "rejected",
        "rejection",
        "repaid",
        "refunded",
        "cancelled",
        "canceled",
        "churned",
        "discharged",
        "followup",
        "posthoc",
    }
)


def _auc(positive: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (Mann–Whitney U with tied scores ranked alike); 0.5 for a single class."""
    n1 = int(positive.sum())
    n0 = len(positive) - n1
    if n1 == 0 or n0 == 0:
        return 0.5
    ranks = pd.Series(score).rank(method="average").to_numpy()
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _balanced_accuracy(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    """Mean recall over the classes present in ``y``."""
    per_class = np.bincount(y, minlength=k)
    hits = np.bincount(y[pred == y], minlength=k)
    present = per_class > 0
    return float(np.mean(hits[present] / per_class[present]))


@dataclass(frozen=True, slots=True)
class Scored:
    """One feature scored alone: ``score`` is the higher of the single-feature score and the value → label
    lookup (``mapping``, None when the feature has too many values for a lookup table)."""

    column: str
    score: float
    single: float
    mapping: float | None
    route: str
    #: the column's name reads as a value recorded at or after the outcome (see ``AFTER_OUTCOME_TOKENS``)
    after_outcome: bool


@dataclass(frozen=True, slots=True)
class LeakScan:
    """Every scorable feature's scores against the target (best first), on ``rows`` rows; or why none
    could be scored (``skip``)."""

    scored: tuple[Scored, ...] = ()
    metric: str = ""
    rows: int = 0
    note: str = ""
    positions: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    skip: str | None = None


def leaks(data: Dataset) -> list[tuple[str, str]]:
    """The features the leak rule flags, as (column, why), worst first: the one rule that
    ``consistency.target_leakage`` grades and the learning curve follows (it never trains on these).
    Uses target_leakage's configured thresholds and its scan, computed once per audit."""
    check = configured(data, TargetLeakage)
    scan = check.scan(data)
    return [(r.column, check.why(r, scan.metric)) for r in scan.scored if check.judge(r) != Status.PASS]


@dataclass(frozen=True)
class TargetLeakage(Check):
    """No feature gives the target away: none is near-perfect on its own, and none named like a value
    recorded after the outcome is strong on its own.

    Each feature is scored alone, with no model trained on the whole table, by two routes.

    The single-feature score: the cross-validated (3 folds, seeded) AUC for a binary target, or balanced
    accuracy for a multiclass one, of a depth-3 decision tree on that one feature. Numbers and dates are
    pre-binned into 32 quantile bins; categories (the 31 most frequent, the rest pooled) are target-encoded
    inside each fold. For a continuous target: |Spearman| of the feature, or of its out-of-fold target
    encoding for a category.

    The deterministic mapping: for a feature with at most 50 distinct values (and at least 20 rows per value
    on average), how well looking the target up by the feature's value reproduces it: the balanced accuracy
    of the value → majority-label table (the correlation ratio η for a continuous target). A one-to-one
    recoding of the target scores 1.0. For a category with more values than the tree sees (beyond its 31
    most frequent), the lookup is held out: each fold's rows are looked up in a table built on the other
    folds, so that a recoding of the label through hundreds of codes is found while a unique id, whose
    values are never seen twice, is not.

    A feature's score is the higher of the two. Scoring runs on a seeded sample of at most ``sample_rows``
    rows, stated in the message.

    The rule. A feature is a leak (fail) when its score is above ``fail_above`` (0.98): near-perfect on its
    own, as a copy or a recoding of the label is, and as genuine measurements are not (real tumour
    measurements reach an AUC of about 0.97 alone, iris petals a balanced accuracy of 0.95, a credit balance
    against default 0.92). It is a suspected leak (warn) when its score is above ``warn_above`` (0.90) *and*
    its name reads as a value recorded at or after the outcome (words such as sent, after, outcome, result,
    final, decision, approval, closed, resolved, repaid). A strong feature with an ordinary name is an honest
    predictor: it is listed in the evidence, and passes. The learning curve (``size.learning_curve``) leaves
    out exactly the features this rule flags.

    Why it matters: a feature that gives the answer away is almost always information recorded after the
    outcome (a letter sent after approval, a status updated after default, a field derived from the label).
    It makes validation scores look excellent and the model useless in production, where the feature is not
    yet known.

    How to fix: for each flagged feature, ask when its value becomes known relative to the label. Drop it if
    it is recorded at or after the outcome, or rebuild it from data available at prediction time. If it is
    genuinely available beforehand and this strong, the task may be trivial: check the label definition.
    """

    id: ClassVar[str] = "consistency.target_leakage"
    title: ClassVar[str] = "Target leakage"
    area: ClassVar[Area] = Area.CONSISTENCY
    requires: ClassVar[tuple[str, ...]] = ("target",)
    #: a decision tree per feature and fold: --quick leaves it out
    cost: ClassVar[Cost] = FITS_MODELS
    imports: ClassVar[tuple[str, ...]] = ("sklearn.tree",)

    warn_above: float = 0.90
    fail_above: float = 0.98
    sample_rows: int = 20_000
    folds: int = 3
    max_depth: int = 3
    bins: int = 32

    MAPPING_MAX_DISTINCT: ClassVar[int] = 50
    MIN_ROWS: ClassVar[int] = 30

    # -- the rule --------------------------------------------------------------------------------------
    def judge(self, r: Scored) -> Status:
        """Fail: near-perfect on its own. Warn: strong and named as recorded after the outcome."""
        if r.score > self.fail_above:
            return Status.FAIL
        if r.score > self.warn_above and r.after_outcome:
            return Status.WARN
        return Status.PASS

    def why(self, r: Scored, metric: str) -> str:
        """The reason a flagged feature is flagged, with its numbers."""
        if r.score > self.fail_above:
            return f"leaks the target: it alone scores {r.score:.3f} (near-perfect, > {self.fail_above:g})"
        return (
            f"suspected leak: it alone scores {r.score:.3f} (> {self.warn_above:g}) and its name reads as "
            "recorded after the outcome"
        )

    def run(self, data: Dataset) -> Outcome:
        target = role(data, "target")
        scan = self.scan(data)
        if scan.skip:
            return Outcome.skip(scan.skip)
        scored, metric, n, note = scan.scored, scan.metric, scan.rows, scan.note
        graded = [(r, self.judge(r)) for r in scored]
        flagged = [r for r, st in graded if st != Status.PASS]
        status = max((st for _, st in graded), key=[Status.PASS, Status.WARN, Status.FAIL].index)
        top = scored[0]
        expected = (
            f"every feature's score <= {self.fail_above:g}, and <= {self.warn_above:g} for a feature named "
            "like a value recorded after the outcome"
        )
        if not flagged:
            strong = sum(r.score > self.warn_above for r in scored)
            msg = (
                f"no feature predicts {target!r} on its own: best is {top.column!r} with {metric} "
                f"{top.single:.3f}"
                + (f", value → label lookup {top.mapping:.3f}" if top.route == "mapping" else "")
            )
            if strong:
                msg += (
                    f" ({count(strong, 'strong predictor')} above {self.warn_above:g}, none near-perfect "
                    f"(> {self.fail_above:g}) or named like a value recorded after the outcome)"
                )
            else:
                msg += f" (<= {self.warn_above:g})"
            msg += f"; {count(len(scored), 'feature')} scored on {n:,} rows{note}"
        else:
            named = "; ".join(
                f"{r.column!r} {r.score:.3f} ({metric} {r.single:.3f}"
                + ("" if r.mapping is None else f", value → label lookup {r.mapping:.3f}")
                + (")" if r.score > self.fail_above else "; named like a value recorded after the outcome)")
                for r in flagged[:3]
            )
            more = f"; and {len(flagged) - 3} more" if len(flagged) > 3 else ""
            near = "almost perfectly" if any(r.score > self.fail_above for r in flagged) else "strongly"
            msg = (
                f"{count(len(flagged), 'feature')} predict{'s' if len(flagged) == 1 else ''} {target!r} "
                f"{near} on {'its' if len(flagged) == 1 else 'their'} own: {named}{more} "
                f"(fail above {self.fail_above:g}; warn above {self.warn_above:g} when named like a value "
                f"recorded after the outcome); scored on {n:,} rows{note}"
            )
        mapping_name = "η (value → mean)" if data.target_kind == "continuous" else "value → label lookup"
        table = Table.of(
            (
                "feature",
                "score",
                f"single-feature {metric}",
                mapping_name,
                "route",
                "distinct values",
                "named as after the outcome",
                "verdict",
            ),
            [
                (
                    r.column,
                    r.score,
                    r.single,
                    r.mapping,
                    r.route,
                    data.stats[r.column].distinct,
                    "yes" if r.after_outcome else "no",
                    st.value if st != Status.PASS else ("strong" if r.score > self.warn_above else "ok"),
                )
                for r, st in graded
            ],
            title=f"Features by how well each alone predicts {target} ({n:,} rows{note})",
        )
        evidence = [table]
        y_raw = data.frame[target].iloc[scan.positions]
        for r in flagged[:3]:
            mapping_table = self._mapping_table(
                data.frame[r.column].iloc[scan.positions], y_raw, data.stats[r.column].kind
            )
            if mapping_table is not None:
                evidence.append(mapping_table)
        chart = Chart.of(
            "bars",
            [r.column for r in scored[:15]],
            [r.score for r in scored[:15]],
            title="Score of each feature alone",
            threshold=self.fail_above,
        )
        return Outcome.make(
            status,
            msg,
            observed={"feature": top.column, "score": top.score, "metric": metric, "rows": n},
            expected=expected,
            columns=[r.column for r in flagged] or [target],
            evidence=evidence,
            chart=chart,
        )

    # -- the scores, once per audit ----------------------------------------------------------------------
    def scan(self, data: Dataset) -> LeakScan:
        """Every feature scored alone (cached on the dataset per scoring parameters: target_leakage and the
        learning curve share one scan)."""
        key = (self.id, self.sample_rows, self.folds, self.max_depth, self.bins)
        return data.memo(key, lambda: self._scan(data))

    def _scan(self, data: Dataset) -> LeakScan:
        target = role(data, "target")
        _, labelled = _labels(data)
        positions = np.flatnonzero(labelled.to_numpy())
        n_labelled = len(positions)
        n_cap = min(self.sample_rows, data.sample_rows)
        note = ""
        if n_labelled > n_cap:  # a seeded sample of row positions: only the columns scored are touched
            positions = np.sort(np.random.default_rng(0).choice(positions, n_cap, replace=False))
            note_sample(n_cap)
            note = f" (a seeded sample of {n_cap:,} of {n_labelled:,} labelled rows)"
        n = len(positions)
        if n < self.MIN_ROWS:
            return LeakScan(
                skip=f"only {count(n, 'labelled row')}; at least {self.MIN_ROWS} needed to score features"
            )
        kind = data.target_kind
        if kind == "continuous":
            y = numeric_values(data, target).to_numpy(dtype="float64")[positions]
            metric = "|Spearman|"
        else:
            y_raw = data.frame[target].iloc[positions]
            y, classes = pd.factorize(y_raw.astype("object").map(str), sort=True)
            if len(classes) < 2:
                single_class = f"target {target!r} has a single class in the sample; nothing to predict"
                return LeakScan(skip=single_class)
            metric = "AUC" if len(classes) == 2 else "balanced accuracy"
        folds = np.random.default_rng(0).permutation(n) % self.folds
        scored = []
        for col in data.features:  # a loop over columns; each column's work is vectorised
            st = data.stats[col]
            if st.kind == "empty" or st.distinct < 2:
                continue
            codes, ordered = self._codes(data, col, positions)
            if codes is None:
                continue
            # a lookup table is only trusted with enough rows per value (>= 20 on average)
            few_values = st.distinct <= min(self.MAPPING_MAX_DISTINCT, n / 20)
            if kind == "continuous":
                single = self._spearman(data, col, positions, codes, ordered, y, folds)
                mapping = self._eta(codes, y) if few_values else None
            else:
                single = self._tree_score(codes, ordered, y, folds, metric)
                if few_values:
                    mapping = self._lookup(codes, y)
                elif not ordered and st.distinct > self.bins - 1:  # categories beyond the pooled top values
                    mapping = self._held_out_lookup(data, col, positions, y, folds)
                else:
                    mapping = None
            best = max(single, mapping if mapping is not None else -1.0)
            route = "mapping" if mapping is not None and mapping > single else "single-feature"
            scored.append(
                Scored(
                    col,
                    round(best, 4),
                    round(single, 4),
                    None if mapping is None else round(mapping, 4),
                    route,
                    bool(tokens(col) & AFTER_OUTCOME_TOKENS),
                )
            )
        if not scored:
            return LeakScan(skip="no feature with at least 2 distinct values to score")
        scored.sort(key=lambda r: -r.score)
        return LeakScan(tuple(scored), metric, n, note, positions)

    # -- encoding --------------------------------------------------------------------------------------
    def _codes(self, data: Dataset, col: str, positions: np.ndarray) -> tuple[np.ndarray | None, bool]:
        """Small integer codes for the sampled values of ``col`` (0 = missing) and whether they are
        ordered (binned numbers/dates) or nominal (categories)."""
        st = data.stats[col]
        x = None
        if st.kind == "numeric":
            x = numeric_values(data, col).to_numpy(dtype="float64")[positions]
        elif st.kind == "datetime":
            dts = data.stats.datetimes(col)
            if dts is not None:
                picked = dts.iloc[positions]
                x = (
                    picked.dt.tz_localize(None)
                    .astype("int64")
                    .astype("float64")
                    .where(picked.notna())
                    .to_numpy()
                )
        if x is not None:
            finite = np.isfinite(x)
            if not finite.any():
                return None, True
            uniq = np.unique(x[finite])
            if len(uniq) <= self.bins:
                edges = uniq[1:]
            else:
                edges = np.unique(np.quantile(x[finite], np.linspace(0, 1, self.bins + 1)[1:-1]))
            codes = np.searchsorted(edges, x, side="right") + 1
            codes[~finite] = 0
            return codes.astype(np.int64), True
        s = data.frame[col].iloc[positions]
        raw, uniques = _factorize(s, sort=False)
        raw = raw.astype(np.int64)
        if len(uniques) >= self.bins:
            # keep the (bins - 1) most frequent values; pool the rest into one code
            freq = np.bincount(raw[raw >= 0], minlength=len(uniques))
            keep = np.argsort(-freq, kind="stable")[: self.bins - 1]
            remap = np.full(len(uniques), self.bins, dtype=np.int64)
            remap[keep] = np.arange(1, len(keep) + 1)
            codes = np.where(raw >= 0, remap[np.maximum(raw, 0)], 0)
        else:
            codes = raw + 1  # -1 (missing) → 0
        return codes, False

    @staticmethod
    def _encode(codes: np.ndarray, target: np.ndarray, train: np.ndarray, m: int) -> np.ndarray:
        """Per-code mean of ``target`` over the training rows, one value per code (unseen codes: the
        training mean)."""
        sums = np.bincount(codes[train], weights=target[train], minlength=m)
        counts = np.bincount(codes[train], minlength=m)
        return np.where(counts > 0, sums / np.maximum(counts, 1), target[train].mean())

    def _tree_score(
        self, codes: np.ndarray, ordered: bool, y: np.ndarray, folds: np.ndarray, metric: str
    ) -> float:
        """Out-of-fold score of a shallow tree on one feature. The feature takes at most ``bins + 1``
        values, so each fold's tree is fitted on the distinct (value, class) pairs weighted by their
        counts, which is the same tree as on the rows, and predicts per value."""
        from sklearn import config_context
        from sklearn.tree import DecisionTreeClassifier

        k = int(y.max()) + 1
        m = int(codes.max()) + 1
        proba = np.zeros(len(y))
        pred = np.zeros(len(y), dtype=np.int64)
        for f in range(self.folds):
            test = folds == f
            train = ~test
            table = np.bincount(codes[train] * k + y[train], minlength=m * k).reshape(m, k)
            if (table.sum(axis=0) > 0).sum() < 2:
                continue
            if ordered:
                per_code = np.arange(m, dtype="float64").reshape(-1, 1)
            else:  # in-fold target encoding: the class rates of each value
                totals = table.sum(axis=1, keepdims=True)
                prior = table.sum(axis=0) / table.sum()
                rates = np.where(totals > 0, table / np.maximum(totals, 1), prior)
                per_code = rates[:, 1:2] if k == 2 else rates
            value_idx, cls = np.nonzero(table)
            n_train = int(train.sum())
            tree = DecisionTreeClassifier(
                max_depth=self.max_depth, min_weight_fraction_leaf=max(5 / n_train, 0.002), random_state=0
            )
            X = np.ascontiguousarray(per_code, dtype=np.float32)  # the tree's own dtype: no input copies
            # inputs are built here, finite and well-formed: skip sklearn's per-call validation (most of the
            # cost of fitting a tree on a few dozen weighted points)
            with config_context(assume_finite=True, skip_parameter_validation=True):
                tree.fit(
                    X[value_idx],
                    cls,
                    sample_weight=table[value_idx, cls].astype("float64"),
                    check_input=False,
                )
                if metric == "AUC":
                    p = tree.predict_proba(X, check_input=False)
                    classes = list(tree.classes_)
                    proba[test] = p[codes[test], classes.index(1)] if 1 in classes else 0.0
                else:
                    pred[test] = tree.predict(X, check_input=False)[codes[test]]
        if metric == "AUC":
            return _auc(y == 1, proba)
        return _balanced_accuracy(y, pred, k)

    @staticmethod
    def _lookup(codes: np.ndarray, y: np.ndarray) -> float:
        """Balanced accuracy of predicting ``y`` by the majority class of each code (a lookup table)."""
        k = int(y.max()) + 1
        m = int(codes.max()) + 1
        table = np.bincount(codes * k + y, minlength=m * k).reshape(m, k)
        return _balanced_accuracy(y, table.argmax(axis=1)[codes], k)

    def _held_out_lookup(
        self, data: Dataset, col: str, positions: np.ndarray, y: np.ndarray, folds: np.ndarray
    ) -> float | None:
        """Balanced accuracy of looking each held-out row's label up by its value's majority label in the
        other folds, over the held-out rows whose value was seen there; None when fewer than half of the
        rows were (the values hardly repeat: a lookup cannot be judged). A recoding of the label through
        hundreds of codes scores near 1; an honest many-valued category does not (its labels are mixed)."""
        raw, _ = _factorize(data.frame[col].iloc[positions], sort=False)
        raw = raw.astype(np.int64) + 1  # 0 = missing
        k = int(y.max()) + 1
        m = int(raw.max()) + 1
        pred = np.full(len(y), -1, dtype=np.int64)
        for f in range(self.folds):
            test = folds == f
            train = ~test
            table = np.bincount(raw[train] * k + y[train], minlength=m * k).reshape(m, k)
            per_value = np.where(table.sum(axis=1) > 0, table.argmax(axis=1), -1)
            pred[test] = per_value[raw[test]]
        seen = pred >= 0
        if seen.sum() < max(self.MIN_ROWS, len(y) / 2):
            return None
        return _balanced_accuracy(y[seen], pred[seen], k)

    @staticmethod
    def _eta(codes: np.ndarray, y: np.ndarray) -> float | None:
        """Correlation ratio η of a continuous ``y`` on the codes (1.0 when the value fixes y)."""
        ok = np.isfinite(y)
        c, v = codes[ok], y[ok]
        if len(v) < 2 or v.var() == 0:
            return None
        m = int(c.max()) + 1
        counts = np.bincount(c, minlength=m)
        means = np.bincount(c, weights=v, minlength=m) / np.maximum(counts, 1)
        between = float((counts * (means - v.mean()) ** 2).sum())
        return float(np.sqrt(between / ((v - v.mean()) ** 2).sum()))

    def _spearman(
        self,
        data: Dataset,
        col: str,
        positions: np.ndarray,
        codes: np.ndarray,
        ordered: bool,
        y: np.ndarray,
        folds: np.ndarray,
    ) -> float:
        """|Spearman| of the feature (numbers as they are, dates by their bins, categories by their
        out-of-fold target mean) with a continuous target."""
        if ordered:
            values = data.stats.numeric(col)
            if values is None:  # dates: their codes are in time order
                x = np.where(codes == 0, np.nan, codes.astype("float64"))
            else:
                x = values.to_numpy(dtype="float64")[positions]
        else:
            x = np.zeros(len(y))
            yy = np.where(np.isfinite(y), y, np.nanmean(y))
            m = int(codes.max()) + 1
            for f in range(self.folds):
                test = folds == f
                x[test] = self._encode(codes, yy, ~test, m)[codes[test]]
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.sum() < 3:
            return 0.0
        rx = pd.Series(x[ok]).rank().to_numpy()
        ry = pd.Series(y[ok]).rank().to_numpy()
        if rx.std() == 0 or ry.std() == 0:
            return 0.0
        return float(abs(np.corrcoef(rx, ry)[0, 1]))

    @staticmethod
    def _mapping_table(x: pd.Series, y: pd.Series, kind: str) -> Table | None:
        """For a flagged feature with few values: value → most common label, and how often it holds
        (values masked as in the overview: a column named as personal never shows them raw)."""
        if x.nunique(dropna=False) > 10:
            return None
        xs = x.astype("object").where(x.notna(), "(missing)").astype(str)
        ys = y.astype("object").astype(str)
        crosstab = pd.crosstab(xs, ys)
        rows = []
        for value, counts in crosstab.iterrows():  # ≤10 values
            total = int(counts.sum())
            shown = value if value == "(missing)" else mask_example(value, column=str(x.name), kind=kind)
            rows.append((shown, counts.idxmax(), total, round(counts.max() / total, 4)))
        return Table.of(
            (str(x.name), f"most common {y.name}", "rows", "share with that label"),
            rows,
            title=f"{x.name} → {y.name}",
        )
