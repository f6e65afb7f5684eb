"""Consistency of the label and of what would predict it: missing labels, identical rows labelled
differently, features that leak the label, and identifiers that would be used as features."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.dataset import Dataset
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, grade
from dataaudit.privacy import mask_example

__all__ = ["CHECKS", "ConflictingLabels", "IdLikeFeatures", "TargetLeakage", "TargetMissing"]

#: label values that stand for "no label" (compared trimmed and case-folded)
LABEL_PLACEHOLDERS = frozenset(
    ["", "na", "n/a", "nan", "null", "none", "?", "-", "--", "unknown", "unlabeled", "unlabelled", "missing"]
)
MAX_EXAMPLES = 5


def _rows(index: pd.Index, n: int = MAX_EXAMPLES) -> str:
    """``"12, 48, 301"``: the first ``n`` row labels of ``index``."""
    return ", ".join(str(i) for i in index[:n]) + (", …" if len(index) > n else "")


def _placeholder_mask(s: pd.Series, counts: pd.Series) -> pd.Series:
    """Rows whose (text) value is a placeholder for missing; computed on the distinct values only."""
    if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)) or counts.empty:
        return pd.Series(False, index=s.index)
    values = pd.Index(counts.index)
    flagged = values[
        pd.Series(values.astype(str)).str.strip().str.casefold().isin(LABEL_PLACEHOLDERS).to_numpy()
    ]
    if flagged.empty:
        return pd.Series(False, index=s.index)
    return s.isin(flagged)


def _row_hash(frame: pd.DataFrame) -> pd.Series:
    """One 64-bit hash per row (equal rows, equal hashes; missing values hash alike)."""
    try:
        return pd.util.hash_pandas_object(frame, index=False)
    except TypeError:  # unhashable cells (lists, dicts): hash their text
        return pd.util.hash_pandas_object(frame.astype(str), index=False)


def _labels(data: Dataset) -> tuple[pd.Series, pd.Series]:
    """The target and a mask of rows that have a real label (not missing, not a placeholder)."""
    y = data.target
    counts = data.stats.value_counts(data.roles.target)
    labelled = y.notna() & ~_placeholder_mask(y, counts)
    return y, labelled


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


# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetMissing(Check):
    """Every row has a label: the target is neither empty nor a placeholder such as 'NA', '?' or 'unknown'.

    Reports the rows without a label (empty cells and placeholder text, counted separately) with example row
    numbers, and, when an event-time column is set, whether they bunch up at the end of the period: the
    usual sign of labels that arrive late (outcomes not yet known), which is not the same problem as labels
    lost at random.

    Why it matters: every training pipeline silently drops unlabelled rows, so the model learns from a
    smaller, and usually not random, subset: recent rows, rejected applications or hard cases are the ones
    whose outcome is missing. Any unlabelled row is worth knowing about (warn above 0%); above 5% the
    labelled rows may no longer represent the population the model will serve (fail).

    How to fix: find out why the labels are missing. Backfill them from the source of truth, wait for late
    outcomes and cut the training window before them, or, if missingness cannot be fixed, keep the
    unlabelled rows out explicitly and state it in the datasheet. Never impute a target.
    """

    id: ClassVar[str] = "consistency.target_missing"
    title: ClassVar[str] = "Rows without a label"
    area: ClassVar[Area] = Area.CONSISTENCY
    requires: ClassVar[tuple[str, ...]] = ("target",)

    warn_above: float = 0.0
    fail_above: float = 0.05

    def run(self, data: Dataset) -> Outcome:
        target = data.roles.target
        y, labelled = _labels(data)
        n = data.n_rows
        if n == 0:
            return Outcome.skip("the table has no rows")
        empty = y.isna()
        missing = ~labelled
        n_missing, n_empty = int(missing.sum()), int(empty.sum())
        n_placeholder = n_missing - n_empty
        share = n_missing / n
        expected = f"<= {self.warn_above:.1%} of rows unlabelled (fail above {self.fail_above:.1%})"
        if n_missing == 0:
            return Outcome.ok(
                f"all {count(n, 'row')} have a label in {target!r}",
                observed={"unlabelled": 0, "share": 0.0},
                expected=expected,
                columns=[target],
            )
        status = grade(share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        parts = []
        if n_empty:
            parts.append(f"{n_empty:,} empty")
        if n_placeholder:
            shown = ", ".join(repr(str(v)) for v in y[missing & ~empty].drop_duplicates().head(3))
            parts.append(f"{n_placeholder:,} placeholder ({shown})")
        msg = f"{count(n_missing, 'row')} ({share:.1%} of {n:,}) have no label in {target!r}: " + ", ".join(
            parts
        )
        rows = [
            ("rows", n),
            ("without a label", n_missing),
            ("share", round(share, 4)),
            ("empty cells", n_empty),
            ("placeholder values", n_placeholder),
            ("example rows", _rows(y.index[missing.to_numpy()])),
        ]
        late = self._late_share(data, missing)
        if late is not None:
            tail_share, rest_share = late
            rows.append(("unlabelled share in the latest 10% of rows by time", round(tail_share, 4)))
            rows.append(("unlabelled share in the other 90%", round(rest_share, 4)))
            if tail_share >= 0.5 and tail_share > 3 * rest_share:
                msg += (
                    f"; they bunch up at the end ({tail_share:.0%} of the latest 10% by time): "
                    "labels arriving late?"
                )
        return Outcome.make(
            status,
            msg,
            observed={
                "unlabelled": n_missing,
                "share": round(share, 4),
                "empty": n_empty,
                "placeholder": n_placeholder,
            },
            expected=expected,
            columns=[target],
            evidence=Table.of(("measure", "value"), rows, title=f"Rows without a label in {target}"),
        )

    @staticmethod
    def _late_share(data: Dataset, missing: pd.Series) -> tuple[float, float] | None:
        ts_col = data.roles.timestamp
        if not ts_col:
            return None
        ts = data.stats.datetimes(ts_col)
        if ts is None or ts.notna().sum() < 20:
            return None
        cut = ts.quantile(0.9)
        tail = (ts > cut).to_numpy()
        rest = (ts <= cut).to_numpy()
        if not tail.any() or not rest.any():
            return None
        m = missing.to_numpy()
        return float(m[tail].mean()), float(m[rest].mean())


# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictingLabels(Check):
    """Rows with identical features carry the same label.

    Rows are compared on every feature (all columns but the target, the id, the timestamps and ignored
    columns) by hashing each row; groups of identical feature rows whose labels differ are conflicts. The
    share graded is the share of labelled rows that sit in a conflicting group; the evidence lists example
    groups with their row numbers and labels. Applies to classification targets: in regression, different
    targets for equal features are ordinary noise.

    When the features do not tell rows apart (fewer distinct feature rows than ``min_distinct_share`` of the
    rows, e.g. three coarse categorical columns), equal rows with different labels are expected and the
    check is skipped with that reason. Likewise, when identical feature rows are no more frequent than chance
    predicts for these features (pairs of rows × the product over features of the chance that two rows share
    a value, plus three standard deviations), they are different records that happen to look alike (two
    features, one rounded): the check passes and says so. Real copies of a record outnumber that by far.

    Why it matters: when the same input carries two labels, at least one is wrong (a labelling mistake, a
    row updated after it was labelled, or a merge of two sources), or the features miss what decided the
    label. The model cannot fit both, and the test metric is capped by the contradictions. Each conflict is
    worth a look (warn above 0%); above 1% of rows, label noise of that size visibly lowers a model's
    ceiling and biases its evaluation (fail).

    How to fix: look at the conflicting groups: deduplicate records that are the same event, correct the
    wrong labels against the source of truth, or add the feature that explains the difference.
    """

    id: ClassVar[str] = "consistency.conflicting_labels"
    title: ClassVar[str] = "Identical rows, different labels"
    area: ClassVar[Area] = Area.CONSISTENCY
    requires: ClassVar[tuple[str, ...]] = ("target",)

    warn_above: float = 0.0
    fail_above: float = 0.01
    min_distinct_share: float = 0.5

    PRUNE_COLUMNS: ClassVar[int] = 3

    def _candidates(self, frame: pd.DataFrame, features: list[str], data: Dataset) -> np.ndarray:
        """Rows that may have an identical twin. Rows identical on every feature are identical on any
        subset, so cheap scans prune first: a joint hash of the numeric, boolean and datetime columns (fast
        to hash), then one-column duplicate scans of the text columns with the most distinct values, on the
        remaining rows only. Whole feature rows are hashed for the survivors alone."""
        candidates = np.ones(len(frame), dtype=bool)
        cheap = [c for c in features if frame[c].dtype.kind in "biufcmM"]
        if cheap:
            candidates = _row_hash(frame[cheap]).duplicated(keep=False).to_numpy()
        rest = sorted((c for c in features if c not in cheap), key=lambda c: -data.stats[c].distinct)
        for col in rest[: self.PRUNE_COLUMNS]:
            if not candidates.any():
                break
            values = frame[col][candidates]
            try:
                again = values.duplicated(keep=False).to_numpy()
            except TypeError:  # unhashable values: compare their text
                again = values.astype(str).duplicated(keep=False).to_numpy()
            candidates[np.flatnonzero(candidates)[~again]] = False
        return candidates

    @staticmethod
    def _chance_pairs(data: Dataset, features: list[str], n: int) -> float:
        """Pairs of rows expected to be identical by chance if the features were independent: the number
        of pairs times the product over features of the share of pairs of rows that share a value (missing
        counting as a value). Real copies of a record outnumber this by far; coincidences do not."""
        match = 1.0
        for col in features:
            st = data.stats[col]
            c = data.stats.value_counts(col).to_numpy(dtype="float64")
            same = float((c * (c - 1)).sum()) + st.missing * (st.missing - 1)  # ordered pairs sharing a value
            match *= same / max(st.rows * (st.rows - 1), 1)
            if match == 0.0:
                break
        return n * (n - 1) / 2 * match

    def run(self, data: Dataset) -> Outcome:
        target = data.roles.target
        if data.target_kind == "continuous":
            return Outcome.skip(
                f"target {target!r} is continuous: different values for equal features are noise, "
                "not conflicts"
            )
        features = [c for c in data.features if data.stats[c].kind != "empty"]
        if not features:
            return Outcome.skip("no features to compare rows on")
        y, labelled = _labels(data)
        y = y[labelled]
        n = len(y)
        if n < 2:
            return Outcome.skip(f"{count(n, 'labelled row')}: nothing to compare")
        frame = data.frame if bool(labelled.all()) else data.frame[labelled.to_numpy()]
        candidates = self._candidates(frame, features, data)
        keys = (
            _row_hash(frame.loc[candidates, features]) if candidates.any() else pd.Series([], dtype="uint64")
        )
        groups = pd.DataFrame(
            {"key": keys.to_numpy(), "y": y[candidates].to_numpy()}, index=y.index[candidates]
        )
        distinct_rows = int(n - candidates.sum() + groups["key"].nunique())
        expected = (
            f"<= {self.warn_above:.1%} of labelled rows in conflicting groups "
            f"(fail above {self.fail_above:.1%})"
        )
        if distinct_rows < self.min_distinct_share * n:
            return Outcome.skip(
                f"the {count(len(features), 'feature')} take only {distinct_rows:,} distinct combinations "
                f"over {n:,} labelled rows ({distinct_rows / n:.1%} < {self.min_distinct_share:.0%}): equal "
                "rows with different labels are expected there, not contradictions"
            )
        dup = groups[groups["key"].duplicated(keep=False)]
        labels_per_key = dup.groupby("key", sort=False)["y"].nunique()
        bad_keys = labels_per_key.index[labels_per_key.to_numpy() > 1]
        in_conflict = dup[dup["key"].isin(bad_keys)]
        n_rows, n_groups = len(in_conflict), len(bad_keys)
        share = n_rows / n
        n_dup_groups = len(labels_per_key)
        if n_groups == 0:
            agree = (
                f"{count(n_dup_groups, 'group')} of identical feature rows ({count(len(dup), 'row')}) all "
                f"agree on {target!r}"
                if n_dup_groups
                else f"no two labelled rows are identical on the {count(len(features), 'feature')}"
            )
            return Outcome.ok(
                f"no conflicting labels: {agree}",
                observed={"conflicting_groups": 0, "rows": 0, "share": 0.0},
                expected=expected,
                columns=[target],
            )
        status = grade(share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        group_sizes = dup.groupby("key", sort=False).size().to_numpy()
        observed_pairs = int((group_sizes * (group_sizes - 1) // 2).sum())
        chance_pairs = self._chance_pairs(data, features, n)
        if observed_pairs <= chance_pairs + 3 * chance_pairs**0.5:
            status = Status.PASS  # equal rows no more often than chance: different labels are noise
        msg = (
            f"{count(n_groups, 'group')} of identical feature rows have different {target!r} labels: "
            f"{count(n_rows, 'row')} ({share:.2%} of {n:,} labelled rows; "
            f"{n_groups / max(n_dup_groups, 1):.0%} of the {count(n_dup_groups, 'group')} of repeated "
            "feature rows)"
        )
        if status == Status.PASS:
            msg = (
                f"no contradiction: {msg}, but identical feature rows are no more frequent than chance "
                f"predicts for these features ({observed_pairs:,} pairs observed, {chance_pairs:,.1f} "
                "expected), so these are different records that happen to look alike"
            )
        # evidence: the largest conflicting groups, ≤5, each with its rows and label counts
        sizes = in_conflict.groupby("key", sort=False).size().sort_values(ascending=False, kind="stable")
        examples = in_conflict[in_conflict["key"].isin(sizes.index[:MAX_EXAMPLES])]
        rows = []
        for key, grp in examples.groupby("key", sort=False):  # ≤5 groups, not rows
            labels = grp["y"].astype(str).value_counts()
            rows.append(
                (
                    len(rows) + 1,
                    int(sizes[key]),
                    _rows(grp.index),
                    ", ".join(f"{k!r} × {v}" for k, v in labels.items()),
                )
            )
        return Outcome.make(
            status,
            msg,
            observed={
                "conflicting_groups": n_groups,
                "rows": n_rows,
                "share": round(share, 5),
                "identical_pairs": observed_pairs,
                "chance_pairs": round(chance_pairs, 2),
            },
            expected=expected,
            columns=[target],
            evidence=Table.of(
                ("group", "rows", "row numbers", f"{target} labels"),
                rows,
                title=f"Conflicting groups (largest first), compared on {count(len(features), 'feature')}",
            ),
        )


# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetLeakage(Check):
    """No single feature predicts the target (almost) perfectly on its own.

    Each feature is scored alone, with no model trained on the whole table, by two routes.

    The single-feature score: the cross-validated (3 folds, seeded) AUC for a binary target, or balanced
    accuracy for a multiclass one, of a depth-3 decision tree on that one feature. Numbers and dates are
    pre-binned into 32 quantile bins; categories (the 31 most frequent, the rest pooled) are target-encoded
    inside each fold. For a continuous target: |Spearman| of the feature, or of its out-of-fold target
    encoding for a category.

    The deterministic mapping: for a feature with at most 50 distinct values (and at least 20 rows per value
    on average), how well looking the target up by the feature's value reproduces it: the balanced accuracy
    of the value → majority-label table (the correlation ratio η for a continuous target). A one-to-one
    recoding of the target scores 1.0.

    A feature's score is the higher of the two. Scoring runs on a seeded sample of at most ``sample_rows``
    rows, stated in the message.

    Why it matters: a feature that gives the answer away is almost always information recorded after the
    outcome (a letter sent after approval, a status updated after default, a field derived from the label).
    It makes validation scores look excellent and the model useless in production, where the feature is not
    yet known. Honest strong predictors rarely exceed an AUC of about 0.85–0.9 on their own (a credit
    bureau score against default, for example), so the defaults warn above 0.90 and fail above 0.97.

    How to fix: for each flagged feature, ask when its value becomes known relative to the label. Drop it if
    it is recorded at or after the outcome, or rebuild it from data available at prediction time. If it is
    genuinely available beforehand and this strong, the task may be trivial: check the label definition.
    """

    id: ClassVar[str] = "consistency.target_leakage"
    title: ClassVar[str] = "Target leakage"
    area: ClassVar[Area] = Area.CONSISTENCY
    requires: ClassVar[tuple[str, ...]] = ("target",)

    warn_above: float = 0.90
    fail_above: float = 0.97
    sample_rows: int = 20_000
    folds: int = 3
    max_depth: int = 3
    bins: int = 32

    MAPPING_MAX_DISTINCT: ClassVar[int] = 50
    MIN_ROWS: ClassVar[int] = 30

    def run(self, data: Dataset) -> Outcome:
        target = data.roles.target
        _, labelled = _labels(data)
        positions = np.flatnonzero(labelled.to_numpy())
        n_labelled = len(positions)
        n_cap = min(self.sample_rows, data.sample_rows)
        note = ""
        if n_labelled > n_cap:  # a seeded sample of row positions: only the columns scored are touched
            positions = np.sort(np.random.default_rng(0).choice(positions, n_cap, replace=False))
            note = f" (a seeded sample of {n_cap:,} of {n_labelled:,} labelled rows)"
        n = len(positions)
        if n < self.MIN_ROWS:
            return Outcome.skip(
                f"only {count(n, 'labelled row')}; at least {self.MIN_ROWS} needed to score features"
            )
        kind = data.target_kind
        y_raw = data.frame[target].iloc[positions]
        if kind == "continuous":
            y = data.stats.numeric(target).to_numpy(dtype="float64")[positions]
            metric = "|Spearman|"
        else:
            y, classes = pd.factorize(y_raw.astype("object").map(str), sort=True)
            if len(classes) < 2:
                return Outcome.skip(f"target {target!r} has a single class in the sample; nothing to predict")
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
                mapping = self._lookup(codes, y) if few_values else None
            best = max(single, mapping if mapping is not None else -1.0)
            route = "mapping" if mapping is not None and mapping > single else "single-feature"
            scored.append(
                (col, round(best, 4), round(single, 4), None if mapping is None else round(mapping, 4), route)
            )
        if not scored:
            return Outcome.skip("no feature with at least 2 distinct values to score")
        scored.sort(key=lambda r: -r[1])
        flagged = [r for r in scored if r[1] > self.warn_above]
        top = scored[0]
        status = grade(top[1], warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        expected = f"every feature's score <= {self.warn_above:g} (fail above {self.fail_above:g})"
        if not flagged:
            msg = (
                f"no feature predicts {target!r} on its own: best is {top[0]!r} with {metric} {top[2]:.3f} "
                f"(<= {self.warn_above:g}); {count(len(scored), 'feature')} scored on {n:,} rows{note}"
            )
        else:
            named = "; ".join(
                f"{c!r} {sc:.3f} ({metric} {sf:.3f}"
                + ("" if m is None else f", value → label lookup {m:.3f}")
                + ")"
                for c, sc, sf, m, _ in flagged[:3]
            )
            more = f"; and {len(flagged) - 3} more" if len(flagged) > 3 else ""
            msg = (
                f"{count(len(flagged), 'feature')} predict{'s' if len(flagged) == 1 else ''} {target!r} "
                f"almost perfectly on {'its' if len(flagged) == 1 else 'their'} own: {named}{more} "
                f"(warn above {self.warn_above:g}, fail above {self.fail_above:g}); "
                f"scored on {n:,} rows{note}"
            )
        mapping_name = "η (value → mean)" if kind == "continuous" else "value → label lookup"
        table = Table.of(
            ("feature", "score", f"single-feature {metric}", mapping_name, "route", "distinct values"),
            [(*r, data.stats[r[0]].distinct) for r in scored],
            title=f"Features by how well each alone predicts {target} ({n:,} rows{note})",
        )
        evidence = [table]
        for col, *_ in flagged[:3]:
            mapping_table = self._mapping_table(data.frame[col].iloc[positions], y_raw, data.stats[col].kind)
            if mapping_table is not None:
                evidence.append(mapping_table)
        chart = Chart.of(
            "bars",
            [r[0] for r in scored[:15]],
            [r[1] for r in scored[:15]],
            title="Score of each feature alone",
            threshold=self.warn_above,
        )
        return Outcome.make(
            status,
            msg,
            observed={"feature": top[0], "score": top[1], "metric": metric, "rows": n},
            expected=expected,
            columns=[r[0] for r in flagged] or [target],
            evidence=evidence,
            chart=chart,
        )

    # -- encoding --------------------------------------------------------------------------------------
    def _codes(self, data: Dataset, col: str, positions: np.ndarray) -> tuple[np.ndarray | None, bool]:
        """Small integer codes for the sampled values of ``col`` (0 = missing) and whether they are
        ordered (binned numbers/dates) or nominal (categories)."""
        st = data.stats[col]
        x = None
        if st.kind == "numeric":
            x = data.stats.numeric(col).to_numpy(dtype="float64")[positions]
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
        try:
            raw, uniques = pd.factorize(s, sort=False)
        except TypeError:  # unhashable values: factorize their text
            raw, uniques = pd.factorize(s.astype(str), sort=False)
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


# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdLikeFeatures(Check):
    """No identifier is left among the features.

    A feature column (not the declared or detected id, not the target, not a timestamp, not named like a
    time) is id-like when it holds unique integers that look like a counter or key (at least
    ``unique_share`` of values distinct, and monotonic in row order, or filling at least half of their
    min–max range, or named like an id; measurements such as amounts are unique too but spread thin over
    their range); or unique codes (text with at least ``unique_share`` distinct values and no spaces: codes,
    UUIDs, e-mail addresses; free text has spaces); or integers monotonic in row order with at least half the
    values distinct (a sequence number with gaps or repeats); or when it is named like an identifier (id,
    uuid, key) and at least half its values are distinct.

    Why it matters: a model given a row identifier memorises it: perfect training scores, nothing learned
    that generalises, and anything correlated with the order of ids (signup date, batch, the sort order of
    the export) leaks into predictions. One id-like column warns (drop it, or declare it as `id:` if it is
    the row key); more than one fails: a table carrying several keys (typically from joins) has not been
    prepared for modelling.

    How to fix: drop the column from the features, declare it as the `id` role, or list it under
    `ignore_columns:`. If it encodes something real (a store number, a product code), replace it with the
    attributes it stands for.
    """

    id: ClassVar[str] = "consistency.id_like_features"
    title: ClassVar[str] = "Identifiers used as features"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: int = 0
    fail_above: int = 1
    unique_share: float = 0.99
    min_rows: int = 20

    def run(self, data: Dataset) -> Outcome:
        from dataaudit.roles import ID_TOKENS, TIME_TOKENS, tokens

        found = []
        for col in data.features:  # one pass over columns, using the shared per-column statistics
            st = data.stats[col]
            if st.kind in ("empty", "boolean", "datetime") or st.count < self.min_rows:
                continue
            name = tokens(col)
            if name & TIME_TOKENS:  # epoch seconds and the like are time, not identity
                continue
            share = st.distinct / st.count
            id_named = bool(name & ID_TOKENS)
            if share < 0.5:
                continue
            reason = None
            if st.kind == "numeric":
                reason = self._integer_reason(data, col, share, id_named)
            elif share >= self.unique_share:
                values = pd.Series(data.stats.value_counts(col).index[:2000]).astype(str)
                no_space = float((~values.str.contains(r"\s", regex=True)).mean())
                if no_space >= 0.95 and values.str.len().max() <= 100:
                    reason = f"unique codes ({share:.1%} distinct, no spaces)"
            if reason is None and id_named:
                reason = f"named like an identifier, {share:.1%} distinct"
            if reason:
                examples = ", ".join(mask_example(v, column=col, kind=st.kind) for v, _ in st.top[:3])
                found.append((col, reason, round(share, 4), st.kind, examples))
        n = len(found)
        expected = f"<= {self.warn_above} id-like feature columns (fail above {self.fail_above})"
        if n == 0:
            return Outcome.ok(
                f"no id-like columns among the {count(len(data.features), 'feature')}",
                observed=0,
                expected=expected,
            )
        status = grade(n, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        listed = "; ".join(f"{c!r}: {why}" for c, why, *_ in found[:5])
        msg = f"{count(n, 'feature column')} look{'s' if n == 1 else ''} like identifiers: {listed}"
        if n > 5:
            msg += f"; and {n - 5} more"
        return Outcome.make(
            status,
            msg + " (drop, declare as id, or ignore)",
            observed=n,
            expected=expected,
            columns=[c for c, *_ in found],
            evidence=Table.of(
                ("column", "why", "distinct share", "kind", "examples"),
                found,
                title="Id-like feature columns",
            ),
        )

    def _integer_reason(self, data: Dataset, col: str, share: float, id_named: bool) -> str | None:
        values = data.stats.numeric(col)
        if values is None:
            return None
        x = values.dropna()
        arr = x.to_numpy(dtype="float64")
        if not np.isfinite(arr).all() or not (np.mod(arr, 1) == 0).all():
            return None  # measurements with decimals are not identifiers
        monotonic = x.is_monotonic_increasing or x.is_monotonic_decreasing
        st = data.stats[col]
        lo, hi = st.quantiles["min"], st.quantiles["max"]
        density = st.distinct / (hi - lo + 1) if hi >= lo else 0.0
        if share >= self.unique_share:
            if monotonic:
                return f"unique integers in row order ({share:.1%} distinct)"
            if density >= 0.5:
                return f"unique integers filling {density:.0%} of {lo:,.0f}–{hi:,.0f} (a counter or key)"
            if id_named:
                return f"unique integers named like an identifier ({share:.1%} distinct)"
            return None
        if monotonic:
            return f"integers monotonic in row order ({share:.1%} distinct)"
        return None


CHECKS = (TargetMissing, ConflictingLabels, TargetLeakage, IdLikeFeatures)
