"""Consistency of the label: rows without a label, and identical feature rows labelled differently."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks._shared import role
from dataaudit.checks.consistency._common import MAX_EXAMPLES, _label_placeholder_mask, _labels, _rows
from dataaudit.dataset import Dataset
from dataaudit.engine import PandasEngine
from dataaudit.engine.scope import for_an_estimate
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade

__all__ = ["ConflictingLabels", "TargetMissing", "chance_identical_pairs", "explained_by_chance"]

#: a matched-set column: this many sets at least, of at most this many rows each
MATCHED_MIN_SETS, MATCHED_MAX_SIZE = 10, 10
#: rows the chance model of identical rows is estimated on (a seeded sample above this)
CHANCE_SAMPLE = 50_000
#: columns whose pairwise dependence the model follows (the rest count as independent)
CHANCE_MAX_COLUMNS = 30


def chance_identical_pairs(
    frame: pd.DataFrame,
    columns: list[str],
    observed_pairs: float,
    discount: bool = True,
    n_rows: int | None = None,
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
    ``CHANCE_MAX_COLUMNS`` most shared ones count as independent.

    A model estimate, not a count: it is estimated on ``frame``, the rows of a table of ``n_rows`` rows
    (default: ``frame`` is the whole table), taken down to a seeded sample of at most ``CHANCE_SAMPLE`` rows
    (callers pass ``data.sample(CHANCE_SAMPLE)``: the same rows on every engine). It stays on a sample by
    design: the exact version needs the group counts of every pair of columns, up to 435 scans per audit,
    each as large as the table for two continuous columns."""
    n = len(frame) if n_rows is None else n_rows
    if n < 2 or not columns or len(frame) < 2:
        return 0.0
    pairs = n * (n - 1) / 2
    sub = frame[columns]
    if len(sub) > CHANCE_SAMPLE:
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
        cnt = np.bincount(key).astype("float64")
        return float((cnt * (cnt - 1) / 2).sum()) / m_pairs

    raw = {c: agree(codes[c]) for c in columns}
    joint: dict[tuple[str, str], float] = {}

    def both(c: str, parent: str) -> float:
        if (c, parent) not in joint:
            a, b = codes[c], codes[parent]
            # the pair's codes made compact first: a bincount over the raw product of two many-valued
            # columns (an id and a timestamp) would allocate gigabytes
            joint[(c, parent)] = agree(pd.factorize(a * (int(b.max()) + 1) + b)[0])
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
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine
    requires: ClassVar[tuple[str, ...]] = ("target",)

    warn_above: float = 0.0
    fail_above: float = 0.01
    min_distinct_share: float = 0.5

    def run(self, data: Dataset) -> Outcome:
        target = role(data, "target")
        if data.target_kind == "continuous":
            return Outcome.skip(
                f"target {target!r} is continuous: different values for equal features are noise, "
                "not conflicts"
            )
        features = [c for c in data.features if data.stats[c].kind != "empty"]
        if not features:
            return Outcome.skip("no features to compare rows on")
        m = self.measure(data, features)
        if m.labelled < 2:
            return Outcome.skip(f"{count(m.labelled, 'labelled row')}: nothing to compare")
        if m.distinct_rows < self.min_distinct_share * m.labelled:
            return Outcome.skip(
                f"the {count(len(features), 'feature')} take only {m.distinct_rows:,} distinct combinations "
                f"over {m.labelled:,} labelled rows ({m.distinct_rows / m.labelled:.1%} < "
                f"{self.min_distinct_share:.0%}): equal rows with different labels are expected there, not "
                "contradictions"
            )
        return self.word(m, self.judge(m), target, len(features))

    # -- measure: duplicate and conflicting groups over all labelled rows, from the engine
    def measure(self, data: Dataset, features: list[str]) -> LabelConflicts:
        """Every row labelled (the usual case): the engine's groups over all rows. Otherwise the labelled
        rows of ``data.frame`` (all rows in memory; the stated sample out of core) in a pandas engine of
        their own, as the engine cannot leave out placeholder labels ('?', 'unknown') or keep unlabelled
        rows out of the duplicate groups."""
        target = role(data, "target")
        counts = data.stats.value_counts(target)
        placeholders = _label_placeholder_mask(counts.index.to_series(), counts)
        if data.stats[target].missing == 0 and not placeholders.any():
            engine, n = data.engine, data.n_rows
            positions = None
            with for_an_estimate():  # the model's estimate is on the seeded sample; the counts on all rows
                chance_rows = data.sample(CHANCE_SAMPLE)
        else:
            y, labelled = _labels(data)
            frame = data.frame[labelled.to_numpy()]
            positions = np.flatnonzero(labelled.to_numpy())
            engine, n = PandasEngine(frame.reset_index(drop=True)), len(frame)
            chance_rows = frame
        if n < 2:
            return LabelConflicts(labelled=n, distinct_rows=n)
        dup = engine.duplicates(features, limit=0)
        base = LabelConflicts(
            labelled=n,
            distinct_rows=n - dup.extra_copies,
            repeated_groups=dup.groups,
            repeated_rows=dup.rows,
            identical_pairs=int(_pairs(dup.sizes)),
        )
        if n - dup.extra_copies < self.min_distinct_share * n or not dup.groups:
            return base
        conf = engine.conflicts(features, target, limit=MAX_EXAMPLES)
        if not conf.groups:
            return base
        examples = []
        for size, rows in zip(conf.sizes, conf.examples):  # ≤5 groups, not rows
            labels = engine.rows(rows, [target])[target].astype(str).value_counts()
            shown = rows if positions is None else data.frame.index[positions[list(rows)]]
            examples.append(
                (int(size), _rows(pd.Index(shown)), ", ".join(f"{k!r} × {v}" for k, v in labels.items()))
            )
        chance = chance_identical_pairs(chance_rows, features, base.identical_pairs, n_rows=n)
        matched = None
        if not explained_by_chance(base.identical_pairs, chance) and positions is None:
            matched = _matched_sets(data, features, target)
        return dataclasses.replace(
            base,
            conflicting_groups=conf.groups,
            conflicting_rows=conf.rows,
            examples=examples,
            chance_pairs=chance,
            matched=matched,
        )

    # -- judge
    def judge(self, m: LabelConflicts) -> Status:
        if not m.conflicting_groups:
            return Status.PASS
        if explained_by_chance(m.identical_pairs, m.chance_pairs):
            return Status.PASS  # equal rows no more often than chance: different labels are noise
        status = grade(m.share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        if m.matched is not None and status == Status.FAIL:
            return Status.WARN  # a matched design: identical covariates with different labels are its plan
        return status

    # -- word
    def word(self, m: LabelConflicts, status: Status, target: str, n_features: int) -> Outcome:
        expected = (
            f"<= {self.warn_above:.1%} of labelled rows in conflicting groups "
            f"(fail above {self.fail_above:.1%})"
        )
        n = m.labelled
        if not m.conflicting_groups:
            agree = (
                f"{count(m.repeated_groups, 'group')} of identical feature rows "
                f"({count(m.repeated_rows, 'row')}) all agree on {target!r}"
                if m.repeated_groups
                else f"no two labelled rows are identical on the {count(n_features, 'feature')}"
            )
            return Outcome.ok(
                f"no conflicting labels: {agree}",
                observed={"conflicting_groups": 0, "rows": 0, "share": 0.0},
                expected=expected,
                columns=[target],
            )
        msg = (
            f"{count(m.conflicting_groups, 'group')} of identical feature rows have different {target!r} "
            f"labels: {count(m.conflicting_rows, 'row')} ({m.share:.2%} of {n:,} labelled rows; "
            f"{m.conflicting_groups / max(m.repeated_groups, 1):.0%} of the "
            f"{count(m.repeated_groups, 'group')} of repeated feature rows)"
        )
        if m.matched is not None:
            column, sets, label, per_set = m.matched
            msg += (
                f"; the rows come in matched sets by {column!r} (each of its {sets:,} sets holds exactly "
                f"{count(per_set, 'row')} labelled {label!r}): in a matched design (a case-control study, "
                "a blocked experiment) rows of one set share their covariates by plan, so analyse by set "
                "(a conditional model) rather than read these as label errors (capped at warn)"
            )
        if status == Status.PASS:
            msg = (
                f"no contradiction: {msg}, but identical feature rows are no more frequent than chance "
                f"predicts for these features ({m.identical_pairs:,} pairs observed, {m.chance_pairs:,.1f} "
                "expected), so these are different records that happen to look alike"
            )
        rows = [(i + 1, *example) for i, example in enumerate(m.examples)]
        return Outcome.make(
            status,
            msg,
            observed={
                "conflicting_groups": m.conflicting_groups,
                "rows": m.conflicting_rows,
                "share": round(m.share, 5),
                "identical_pairs": m.identical_pairs,
                "chance_pairs": round(m.chance_pairs, 2),
            },
            expected=expected,
            columns=[target],
            evidence=Table.of(
                ("group", "rows", "row numbers", f"{target} labels"),
                rows,
                title=f"Conflicting groups (largest first), compared on {count(n_features, 'feature')}",
            ),
        )


@dataclass(frozen=True)
class LabelConflicts:
    """What `ConflictingLabels` measured over the labelled rows: groups of identical feature rows, those
    among them holding more than one label, examples of the largest, and the chance model's estimate of
    identical pairs among different records."""

    labelled: int
    distinct_rows: int
    repeated_groups: int = 0
    repeated_rows: int = 0
    identical_pairs: int = 0
    conflicting_groups: int = 0
    conflicting_rows: int = 0
    examples: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)
    chance_pairs: float = 0.0
    #: a matched-set column: (name, sets, the label each set holds a fixed number of, that number)
    matched: tuple[str, int, str, int] | None = None

    @property
    def share(self) -> float:
        return self.conflicting_rows / self.labelled if self.labelled else 0.0


def _pairs(sizes: np.ndarray) -> float:
    """Pairs of identical rows in groups of these sizes."""
    sizes = np.asarray(sizes, dtype="float64")
    return float((sizes * (sizes - 1) / 2).sum())


def _matched_sets(data: Dataset, features: list[str], target: str) -> tuple[str, int, str, int] | None:
    """A feature that splits the rows into matched sets: at least ``MATCHED_MIN_SETS`` values holding 2 to
    ``MATCHED_MAX_SIZE`` rows each, every one of them with the same number of rows of one label (a
    case-control study's strata: one case and two controls each; a blocked experiment's blocks). Copies of
    a record with a flipped label do not line up that way. From the engine's group counts (all rows)."""
    n = data.n_rows
    for col in features:
        st = data.stats[col]
        if st.missing or not (MATCHED_MIN_SETS <= st.distinct <= n / 2):
            continue
        sizes = data.stats.value_counts(col)  # rows per set, from the shared statistics
        if sizes.min() < 2 or sizes.max() > MATCHED_MAX_SIZE:
            continue
        cells = data.engine.group_counts([col, target])
        per_label = cells.pivot_table(index=col, columns=target, values="count", aggfunc="sum", fill_value=0)
        smallest = int(per_label.sum(axis=1).min())  # exact over every set (value counts may be capped)
        # the rarer label first: one case per set
        for label in per_label.sum().sort_values(kind="stable").index:
            held = per_label[label]
            if held.min() >= 1 and held.nunique() == 1 and held.iloc[0] < smallest:
                return col, int(st.distinct), str(label), int(held.iloc[0])
    return None
