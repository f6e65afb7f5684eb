"""Consistency of the label: rows without a label, and identical feature rows labelled differently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import MAX_EXAMPLES, _labels, _rows
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade

__all__ = ["ConflictingLabels", "TargetMissing"]


def _row_hash(frame: pd.DataFrame) -> pd.Series:
    """One 64-bit hash per row (equal rows, equal hashes; missing values hash alike)."""
    try:
        return pd.util.hash_pandas_object(frame, index=False)
    except TypeError:  # unhashable cells (lists, dicts): hash their text
        return pd.util.hash_pandas_object(frame.astype(str), index=False)


# ----------------------------------------------------------------------------------------------------------
# consistency.target_missing


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
# consistency.conflicting_labels


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
