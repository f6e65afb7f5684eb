"""Consistency of the label: rows without a label, and identical feature rows labelled differently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import MAX_EXAMPLES, _labels, _rows
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade

__all__ = ["ConflictingLabels", "TargetMissing", "chance_identical_pairs", "explained_by_chance"]

#: rows the chance model of identical rows is estimated on (a seeded sample above this)
CHANCE_SAMPLE = 50_000
#: columns whose pairwise dependence the model follows (the rest count as independent)
CHANCE_MAX_COLUMNS = 30


def chance_identical_pairs(
    frame: pd.DataFrame, columns: list[str], observed_pairs: float, discount: bool = True
) -> float:
    """Pairs of rows expected to be identical over ``columns`` by coincidence, for different records.

    The chance that two random rows agree on every column is built as a tree of pairwise dependencies
    (Chow–Liu style): start from the column two rows most often share, then repeatedly add the column
    most likely to agree given agreement on a column already added, multiplying those conditional
    chances. Agreements are counted over pairs of rows, from the value counts of single columns and of
    column pairs. A pair of columns is followed only where its agreements outnumber the
    ``observed_pairs`` of fully identical rows tenfold, so real copies of a record cannot explain
    themselves (two continuous columns and copied rows: chance 0); elsewhere the column counts as
    independent. With ``discount``, the identical pairs that chance does not explain (copies) are also
    taken out of each column's agreements, as copies agree on every column and would otherwise raise the
    estimate meant to judge them; without it, the estimate suits a table whose rows cannot all differ
    (three coarse columns). So correlated coarse columns (age and years married in a survey) are
    followed, and tables where identical rows are unavoidable are recognised. Columns beyond the
    ``CHANCE_MAX_COLUMNS`` most shared ones count as independent. Estimated on a seeded sample of at most
    ``CHANCE_SAMPLE`` rows."""
    n = len(frame)
    if n < 2 or not columns:
        return 0.0
    pairs = n * (n - 1) / 2
    sub = frame[columns]
    if n > CHANCE_SAMPLE:
        sub = sub.sample(n=CHANCE_SAMPLE, random_state=0)
    m = len(sub)
    m_pairs = m * (m - 1) / 2
    full = observed_pairs / pairs  # the share of pairs that are identical rows (copies or chance)
    codes = {}
    for c in columns:
        try:
            k, _ = pd.factorize(sub[c], use_na_sentinel=False)
        except TypeError:  # unhashable cells: their text
            k, _ = pd.factorize(sub[c].astype(str), use_na_sentinel=False)
        codes[c] = np.asarray(k, dtype=np.int64)

    def agree(key: np.ndarray) -> float:
        # a pair key spans up to distinct(a) x distinct(b): counted densely only when that range is small
        if key.size and int(key.max()) > 4 * key.size:
            cnt = np.unique(key, return_counts=True)[1].astype("float64")
        else:
            cnt = np.bincount(key).astype("float64")
        return float((cnt * (cnt - 1) / 2).sum()) / m_pairs

    raw = {c: agree(codes[c]) for c in columns}
    joint: dict[tuple[str, str], float] = {}

    def both(c: str, parent: str) -> float:
        if (c, parent) not in joint:
            a, b = codes[c], codes[parent]
            joint[(c, parent)] = agree(a * (int(b.max()) + 1) + b)
        return joint[(c, parent)]

    def chance(copies: float) -> float:
        single = {c: max(raw[c] - copies, 0.0) for c in columns}
        ordered = sorted(columns, key=lambda c: -single[c])
        tree, independent = ordered[:CHANCE_MAX_COLUMNS], ordered[CHANCE_MAX_COLUMNS:]
        p = single[tree[0]]
        used, rest = [tree[0]], tree[1:]
        while rest and p > 0:
            best, pick = -1.0, rest[0]
            for c in rest:
                for parent in used:
                    agree_both = both(c, parent)
                    # a pair whose agreements are mostly the identical rows themselves says nothing
                    if single[parent] and agree_both >= 10 * full:
                        cond = max(agree_both - copies, 0.0) / single[parent]
                    else:
                        cond = single[c]
                    if cond > best:
                        best, pick = cond, c
            p *= min(best, 1.0)
            used.append(pick)
            rest.remove(pick)
        for c in independent:
            p *= single[c]
        return p

    if not discount:
        return pairs * chance(0.0)
    # copies agree on every column and would raise the estimate meant to judge them: take out the identical
    # pairs that chance does not explain (a few fixed-point steps: copies = identical - chance(copies))
    copies = full
    for _ in range(6):
        copies = max(full - chance(copies), 0.0)
    return pairs * chance(copies)


def explained_by_chance(observed_pairs: float, chance_pairs: float) -> bool:
    """Identical pairs no more than chance predicts: within 1.5 times the model's estimate (it cannot
    follow every dependency between columns, and under-estimates) plus three standard deviations."""
    return observed_pairs <= 1.5 * chance_pairs + 3 * chance_pairs**0.5


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
    predicts for these features (`chance_identical_pairs`, shared with `consistency.duplicate_rows`: a tree
    of pairwise agreements between features, within twice its estimate plus three standard deviations), they
    are different records that happen to look alike (two features, one rounded): the check passes and says
    so. Real copies of a record outnumber that by far.

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
        chance_pairs = chance_identical_pairs(frame, features, observed_pairs)
        if explained_by_chance(observed_pairs, chance_pairs):
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
        rows: list[tuple[int, int, str, str]] = []
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
