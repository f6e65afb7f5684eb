"""Split: is the train/test split honest? Rows and ids present in both sets, the test set's drift from the
training data, classes and groups present in one set only, and test rows older than the newest training row.

The checks run only when a test set is given (``dataaudit run train.csv --test test.csv``, or
``audit(train, test=...)``); without one the audit leaves them out (:func:`dataaudit.testset.plan_test`). The
audited data is the training set; ``data.test`` is the test set, loaded the same way and given the training
data's roles. No model is fitted: deepchecks' train–test validation suite is the anchor, done on the data
alone.

Drift is not measured twice: ``split.drift`` runs the drift checks of ``checks/drift.py`` on one
:func:`dataaudit.checks._drift_compare.compare` of the test set against a snapshot of the training data
(training is the baseline); ``split.group_coverage`` reads the sensitive groups from the same comparison.
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks._drift_compare import Comparison, compare
from dataaudit.checks._shared import role
from dataaudit.checks.consistency.duplicates import _codes, _duplicate_groups
from dataaudit.column_profiles import category_counts
from dataaudit.dataset import MAX_CLASSES, MISSING_GROUP, Dataset
from dataaudit.formatting import quoted
from dataaudit.model import Area, Chart, Check, Outcome, Status, Table, count, worst_status
from dataaudit.privacy import mask_example
from dataaudit.snapshot import Snapshot

__all__ = [
    "CHECKS",
    "ClassCoverage",
    "GroupCoverage",
    "IdOverlap",
    "RowOverlap",
    "TemporalOverlap",
    "SplitDrift",
]

NO_TEST = "no test set given (use --test TEST, or audit(train, test=...))"
#: columns shown per example row of an overlap
EXAMPLE_COLUMNS = 4
EXAMPLES = 10


def _pct(x: float) -> str:
    return f"{x:.2%}" if 0 < x < 0.01 else f"{x:.1%}"


def _graded(rows: int, share: float, warn: float, fail: float, handful: int) -> Status:
    """Warn above ``warn`` (a share of test rows); fail above ``fail`` when also more than ``handful`` rows:
    on a small test set one row is a large share, and a handful of rows is worth a look, not a verdict."""
    if not rows:
        return Status.PASS
    if share > fail and rows > handful:
        return Status.FAIL
    return Status.WARN if share > warn else Status.PASS


def _sets(train: Dataset, test: Dataset) -> str:
    name = test.source.path or "a DataFrame"
    return f"test set ({name}, {count(test.n_rows, 'row')}) vs training ({count(train.n_rows, 'row')})"


# ----------------------------------------------------------------------------------------------------------
# shared: the comparison of the test set against a snapshot of the training data (computed once)

_CMP: weakref.WeakKeyDictionary[Any, tuple[Dataset, Comparison]] = weakref.WeakKeyDictionary()


def comparison(train: Dataset, test: Dataset) -> Comparison:
    """The test set measured against the training data's snapshot, with the drift code (training is the
    baseline); computed once per test set and shared by ``split.drift`` and ``split.group_coverage``."""
    cached = _CMP.get(test)
    if cached is None or cached[0] is not train:
        cached = (train, compare(test, Snapshot.from_dataset(train)))
        _CMP[test] = cached
    return cached[1]


@dataclass(frozen=True)
class _SplitCheck(Check):
    """Base of the split checks: skipped with a reason when there is no test set."""

    area: ClassVar[Area] = Area.SPLIT

    def run(self, data: Dataset) -> Outcome:
        test = getattr(data, "test", None)
        if test is None:
            return Outcome.skip(NO_TEST)
        return self.judge(data, test)

    def judge(self, train: Dataset, test: Dataset) -> Outcome:  # pragma: no cover - abstract
        raise NotImplementedError


# ----------------------------------------------------------------------------------------------------------
# split.row_overlap


def _shared_rows(
    train: Dataset, test: Dataset, columns: list[str], normalise: bool, decimals: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows whose values over ``columns`` occur in both sets: (training positions, their group codes, test
    positions, their group codes); equal codes mean equal rows.

    Codes of both sets together (text normalised and floats rounded with ``normalise``, as
    ``consistency.duplicate_rows`` does) are refined column by column, most distinct first; after each
    column only rows whose group still has members on both sides stay candidates, so the work shrinks fast
    (usually to nothing after the first column or two)."""
    a, b = train.frame, test.frame
    ia, ib = np.arange(len(a)), np.arange(len(b))
    ga = gb = np.empty(0, np.int64)
    if not columns or not len(a) or not len(b):
        return ia[:0], ga, ib[:0], gb

    def order(c: str) -> float:
        text = a[c].dtype == object or pd.api.types.is_string_dtype(a[c])
        return -train.stats[c].distinct * (1.0 if text else 2.0)

    g = None
    for c in sorted(columns, key=order):
        sa = a[c] if ia.size == len(a) else a[c].iloc[ia]
        sb = b[c] if ib.size == len(b) else b[c].iloc[ib]
        codes = _codes(pd.concat([sa, sb], ignore_index=True), normalise, decimals)
        if g is None:
            g = codes
        else:
            k = int(codes.max()) + 1 if codes.size else 1
            g, _ = pd.factorize(g * k + codes)
            g = np.asarray(g, dtype=np.int64)
        m = ia.size
        ga, gb = g[:m], g[m:]
        size = int(g.max()) + 1 if g.size else 0
        in_a = np.zeros(size, bool)
        in_a[ga] = True
        in_b = np.zeros(size, bool)
        in_b[gb] = True
        both = in_a & in_b
        ka, kb = both[ga], both[gb]
        ia, ga, ib, gb = ia[ka], ga[ka], ib[kb], gb[kb]
        g = np.concatenate([ga, gb])
        if not ib.size:
            break
    return ia, ga, ib, gb


def _excess(observed: int, expected: float, ratio: float) -> int:
    """Copies beyond ``expected`` and its noise: two standard deviations of the Poisson count, widened for
    the noise of ``expected`` itself (estimated on a training set ``1 / ratio`` times the test set)."""
    if expected <= 0:
        return observed
    return max(int(observed - expected - 2 * math.sqrt(expected * (1 + ratio))), 0)


def _values(frame: pd.DataFrame, pos: int, columns: list[str], data: Dataset) -> str:
    parts = []
    for c in columns[:EXAMPLE_COLUMNS]:
        v = frame[c].iloc[pos]
        text = "∅" if pd.isna(v) else mask_example(v, column=c, kind=data.stats[c].kind)
        parts.append(f"{c}={text}")
    more = f", … ({len(columns) - EXAMPLE_COLUMNS} more)" if len(columns) > EXAMPLE_COLUMNS else ""
    return ", ".join(parts) + more


def _examples(train, test, columns, ia, ga, ib, gb, kind: str, skip: np.ndarray | None = None) -> list:
    """Up to ``EXAMPLES`` shared test rows with the first training row of the same values (masked)."""
    if skip is not None and skip.size:
        keep = ~np.isin(ib, skip)
        ib, gb = ib[keep], gb[keep]
    if not ib.size:
        return []
    first_train = pd.Series(ia).groupby(ga).min()
    order = np.argsort(ib, kind="stable")[:EXAMPLES]
    rows = []
    for i in order:  # at most EXAMPLES rows
        t, pos = int(first_train[gb[i]]), int(ib[i])
        shown = columns
        if kind != "exact":  # the columns that differ before normalising first: where the copy was altered
            differ = [c for c in columns if str(test.frame[c].iloc[pos]) != str(train.frame[c].iloc[t])]
            shown = differ + [c for c in columns if c not in differ]
        tv = _values(test.frame, pos, shown, train)
        rv = _values(train.frame, t, shown, train)
        rows.append((pos, t, kind, tv, "same" if kind == "exact" else rv))
    return rows


@dataclass(frozen=True)
class RowOverlap(_SplitCheck):
    """Test rows that also occur in the training data: exact copies and near-duplicates.

    A test row is an exact copy when every column but the bookkeeping ones (the id, ingestion time and
    label time; ignored columns are already dropped) equals a training row's. It is a near-duplicate when it
    equals one only once text is trimmed, case-folded and its whitespace collapsed and floats are rounded
    to `round_decimals` decimals (the normalisation of `consistency.duplicate_rows`). Only columns present
    in both sets are compared. The evidence lists example pairs by row number (0-based, in file order) with
    their first values, masked.

    Why it matters: a model is scored on the test set to estimate how it does on data it has never seen. A
    test row it was trained on is memorised, not predicted: the score is inflated, by as much as the share
    of such rows (deepchecks' "train test samples mix"). Copies usually come from duplicates in the source
    that were split row by row, or from test data re-exported into training. A handful warns (`warn_above`:
    any exact copy; `near_warn_above`: any near-duplicate); above `fail_above` (1 %) of test rows in exact
    copies, or `near_fail_above` (5 %) in near-duplicates, the test score is measurably contaminated and
    the check fails.

    Rows also repeat *within* the training data when its values do (a few categorical columns, a designed
    experiment, or duplicated records): then an honest split puts copies on both sides just as often (a
    test row has a copy in training as often as a training row has one there). Only copies beyond that
    rate (and its Poisson noise) are graded; the message gives both, and the repeats themselves are
    `consistency.duplicate_rows`' finding. A fail also needs more than `handful` (5) rows beyond it.

    How to fix: de-duplicate the whole table before splitting (see `consistency.duplicate_rows`), or drop
    from the test set every row present in training; when repeated rows belong to one entity, split by
    entity (e.g. `sklearn.model_selection.GroupShuffleSplit`).
    """

    id: ClassVar[str] = "split.row_overlap"
    title: ClassVar[str] = "No test rows in training"

    warn_above: float = 0.0
    fail_above: float = 0.01
    near_warn_above: float = 0.0
    near_fail_above: float = 0.05
    round_decimals: int = 2
    handful: int = 5

    def judge(self, train: Dataset, test: Dataset) -> Outcome:
        r = train.roles
        skip = {r.id, r.ingested_at, r.label_time}
        test_cols = set(test.columns)
        cols = [c for c in train.columns if c not in skip and c in test_cols]
        not_in_test = [c for c in train.columns if c not in skip and c not in test_cols]
        if not cols:
            return Outcome.skip("the test set has none of the training data's columns")
        n = test.n_rows
        ea, eg, eb, egb = _shared_rows(train, test, cols, normalise=False, decimals=self.round_decimals)
        na, ng, nb, ngb = _shared_rows(train, test, cols, normalise=True, decimals=self.round_decimals)
        exact = int(eb.size)
        near = int(np.setdiff1d(nb, eb).size)
        train_rows = int(np.union1d(ea, na).size)
        # how often rows repeat within the training data itself: under an honest split a test row has a copy
        # in training about as often as a training row has one there (1 − (1 − f)^(k−1) for k copies, f the
        # training share, on both sides), so only the excess over that is a leak
        within = within_near = 0.0
        if exact:
            within = _duplicate_groups(train, cols)[0].size / train.n_rows
        if exact or near:
            within_near = (
                _duplicate_groups(train, cols, normalise=True, decimals=self.round_decimals)[0].size
                / train.n_rows
            )
        ratio = n / train.n_rows
        excess = _excess(exact, within * n, ratio)
        excess_near = max(_excess(exact + near, within_near * n, ratio) - excess, 0)
        exact_share, near_share = exact / n if n else 0.0, near / n if n else 0.0
        xs, xns = excess / n if n else 0.0, excess_near / n if n else 0.0
        status = worst_status(
            _graded(excess, xs, self.warn_above, self.fail_above, self.handful),
            _graded(excess_near, xns, self.near_warn_above, self.near_fail_above, self.handful),
        )
        left_out = sorted(c for c in skip if c is not None)
        compared = f"over {count(len(cols), 'column')}" + (
            f", {quoted(left_out)} left out" if left_out else ""
        )
        note = f"; {count(len(not_in_test), 'column')} missing from the test set" if not_in_test else ""
        src = test.source
        observed = {
            "test_set": {"path": src.path, "format": src.format, "sha256": src.sha256, "rows": n},
            "test_rows": n,
            "exact": exact,
            "exact_share": round(exact_share, 6),
            "near": near,
            "near_share": round(near_share, 6),
            "training_repeat_share": round(within, 6),
            "training_near_repeat_share": round(within_near, 6),
            "exact_beyond_repeats": excess,
            "near_beyond_repeats": excess_near,
            "training_rows_involved": train_rows,
            "columns_compared": len(cols),
        }
        expected = (
            f"exact copies beyond the training data's own repeats <= {_pct(self.warn_above)} of test rows "
            f"(fail above {_pct(self.fail_above)} and {self.handful} rows); near-duplicates "
            f"<= {_pct(self.near_warn_above)} (fail above {_pct(self.near_fail_above)})"
        )
        if not exact and not near:
            return Outcome.ok(
                f"none of the {count(n, 'test row')} occurs in the training data, exactly or once text and "
                f"floats are normalised ({compared}){note}",
                observed=observed,
                expected=expected,
            )
        parts = []
        if exact:
            parts.append(f"{count(exact, 'test row')} ({_pct(exact_share)} of {n:,}) exactly in training")
        if near:
            parts.append(
                f"{near:,} more ({_pct(near_share)}) once text is trimmed and case-folded and floats "
                f"rounded to {self.round_decimals} decimals"
            )
        msg = "; ".join(parts) + f" ({compared}; {count(train_rows, 'training row')} involved){note}"
        if within_near > 0:
            msg += (
                f"; rows repeat within the training data itself ({_pct(within)} of its rows have an exact "
                f"copy there, {_pct(within_near)} a near one), so about {within * n:,.0f} exact and "
                f"{max(within_near - within, 0) * n:,.0f} near copies are expected from any split"
            )
            if status == Status.PASS:
                msg += (
                    ": no more than that, the table's values repeat (see consistency.duplicate_rows), not a "
                    "leaky split"
                )
            else:
                msg += f"; {excess:,} exact and {excess_near:,} near beyond that"
        if status != Status.PASS:
            msg += (
                f" (warn above {_pct(self.warn_above)}, fail above {_pct(self.fail_above)} of test rows and "
                f"{self.handful} rows): the test score is inflated by memorised rows"
            )
        rows = _examples(train, test, cols, ea, eg, eb, egb, "exact")
        rows += _examples(train, test, cols, na, ng, nb, ngb, "near", skip=eb)
        return Outcome.make(
            status,
            msg,
            observed=observed,
            expected=expected,
            evidence=Table.of(
                ("test row", "training row", "match", "test values", "training values"),
                rows,
                title="Test rows found in the training data (first examples, masked)",
            ),
            chart=Chart.of(
                "bars",
                ["exact copies", "near-duplicates"],
                [exact_share, near_share],
                title="Share of test rows found in training",
                unit="share",
                threshold=self.fail_above,
            ),
        )


# ----------------------------------------------------------------------------------------------------------
# split.id_overlap


def _row_numbers(data: Dataset, col: str) -> bool:
    """Whether the column is a per-file row counter (unique integers 0..n−1 or 1..n): such "ids" restart in
    every file and name no record."""
    st = data.stats[col]
    num = data.stats.numeric(col)
    if st.kind != "numeric" or num is None or st.missing or not st.unique or not len(num):
        return False
    lo, hi = float(num.min()), float(num.max())
    return lo in (0.0, 1.0) and hi - lo + 1 == data.n_rows and bool((num % 1 == 0).all())


@dataclass(frozen=True)
class IdOverlap(_SplitCheck):
    """Ids (the id column, configured or detected) present in both the training and the test set.

    Compares the distinct ids of both sets (as text when their types differ) and counts the test rows whose
    id also names a training row. The evidence lists the most frequent shared ids, masked. When both files
    number their rows from 0 or 1 (an index written with the data), the "ids" restart in every file and are
    not compared.

    Why it matters: an id names a record or an entity (a customer, a patient, an application). The same id
    on both sides means the same entity was trained on and tested on: the model has seen that customer's
    other rows, so the test score overstates how it does on new customers (group leakage; deepchecks'
    "index train test leakage"). A handful warns (`warn_above`: any shared id); above `fail_above` (1 %)
    of test rows, and more than `handful` (5) rows, the split is measurably leaky and the check fails.

    How to fix: split by id, not by row (`sklearn.model_selection.GroupShuffleSplit` or `GroupKFold` with
    the id as the group), or drop the shared ids from the test set. If the column is not an identifier,
    declare another (`id:` in dataaudit.yaml).
    """

    id: ClassVar[str] = "split.id_overlap"
    title: ClassVar[str] = "No ids in both sets"
    requires: ClassVar[tuple[str, ...]] = ("id",)

    warn_above: float = 0.0
    fail_above: float = 0.01
    handful: int = 5

    def judge(self, train: Dataset, test: Dataset) -> Outcome:
        col = role(train, "id")
        detected = " (detected)" if "id" in train.roles.detected else ""
        if col not in test.frame.columns:
            return Outcome.skip(f"the test set has no id column {col!r}")
        if _row_numbers(train, col) and _row_numbers(test, col):
            return Outcome.skip(
                f"{col}{detected} numbers the rows of each file from the same start (0..n−1 or 1..n): row "
                "numbers, not identifiers, so not compared"
            )
        a = train.stats.value_counts(col)
        b = test.stats.value_counts(col)
        ka, kb = a.index, b.index
        if ka.dtype != kb.dtype and (ka.dtype == object or kb.dtype == object):
            ka, kb = ka.astype(str), kb.astype(str)
        shared = kb.isin(ka)
        n = test.n_rows
        shared_ids = int(shared.sum())
        rows = int(b.to_numpy()[shared].sum())
        share = rows / n if n else 0.0
        status = _graded(rows, share, self.warn_above, self.fail_above, self.handful)
        observed = {"shared_ids": shared_ids, "test_rows": rows, "share": round(share, 6)}
        expected = (
            f"<= {_pct(self.warn_above)} of test rows with a training id (fail above {_pct(self.fail_above)})"
        )
        if not shared_ids:
            return Outcome.ok(
                f"none of the {len(kb):,} ids of the test set ({col}{detected}) occurs among the "
                f"{len(ka):,} training ids",
                observed=observed,
                expected=expected,
                columns=[col],
            )
        kind = train.stats[col].kind
        train_counts = pd.Series(a.to_numpy(), index=ka)
        keys, originals, counts = kb[shared], b.index[shared], b.to_numpy()[shared]
        examples = [
            (
                mask_example(originals[i], column=col, kind=kind),
                int(train_counts.get(keys[i], 0)),
                int(counts[i]),
            )
            for i in np.argsort(-counts, kind="stable")[:EXAMPLES]
        ]
        msg = (
            f"{count(shared_ids, 'id')} of {col}{detected} in both sets: {count(rows, 'test row')} "
            f"({_pct(share)} of {n:,}) belong to ids also in training"
        )
        if status != Status.PASS:
            msg += (
                f" (warn above {_pct(self.warn_above)}, fail above {_pct(self.fail_above)} and "
                f"{self.handful} rows): the same entities are trained and tested on"
            )
        return Outcome.make(
            status,
            msg,
            observed=observed,
            expected=expected,
            columns=[col],
            evidence=Table.of(
                ("id (masked)", "training rows", "test rows"),
                examples,
                title="Ids in both sets (most test rows first)",
            ),
        )


# ----------------------------------------------------------------------------------------------------------
# split.drift


def _chance_categories(d, counts: pd.Series, m: int) -> tuple[bool, bool]:
    """Whether a column's new and its vanished categories are within what any sample of ``m`` rows shows.

    New: the Good–Turing estimate, the share of training rows whose value occurs once there (plus one), is
    the chance that a fresh row shows a value training never saw. Vanished: a value with training share p
    is absent from m test values with probability (1 − p)^m, a value seen once is taken as unique to its
    row; the vanished share is compared with its expectation plus two standard deviations."""
    n = int(counts.sum())
    if not n or not m:
        return True, True
    new_share = sum(k for _, k in d.new_categories) / d.new_values if d.new_values else 0.0
    q = (float((counts == 1).sum()) + 1) / (n + 1)  # add-one: an unseen value is never impossible
    new_ok = new_share <= q + 2 * math.sqrt(q * (1 - q) / m)
    k = counts.to_numpy(dtype="float64")
    p = k / n
    # a value seen once is most likely unique in the whole table (Good–Turing again): it cannot recur
    absent = np.where(k == 1, 1.0, np.exp(m * np.log1p(-np.minimum(p, 1 - 1e-12))))
    expected = float((p * absent).sum())
    sd = math.sqrt(float((p**2 * absent * (1 - absent)).sum()))
    gone = sum(k for _, k in d.vanished) / d.old_values if d.old_values else 0.0
    return new_ok, gone <= expected + 2 * sd + 1e-9


def _split_view(cmp: Comparison, train: Dataset) -> tuple[Comparison, list[str]]:
    """The comparison as the drift checks should judge a split rather than two versions of one table.

    Two differences are sampling, not drift, when the sets are disjoint samples of one table: a text column
    classed categorical on one side and free text on the other (the class follows the share of distinct
    values, which depends on the number of rows), and new or vanished categories no more frequent than
    chance allows (rare values fall on one side; an identifier-like column, at least half of its values
    distinct, has only new and vanished ones). Those are left out of the view, and said."""
    notes = []
    text_kinds = {c: k for c, k in cmp.kinds.items() if set(k) <= {"categorical", "text"}}
    columns = dict(cmp.columns)
    by_chance = []
    for c, d in cmp.columns.items():
        if not d.categories_known or not (d.new_categories or d.vanished):
            continue
        counts = train.stats.value_counts(c)
        if len(counts) >= 0.5 * counts.sum():  # identifier-like: mostly distinct values, names rows
            new_ok = gone_ok = True
        else:
            new_ok, gone_ok = _chance_categories(d, counts, d.new_values)
        new_ok, gone_ok = new_ok and bool(d.new_categories), gone_ok and bool(d.vanished)
        if new_ok or gone_ok:  # something within chance is taken out
            columns[c] = dataclasses.replace(
                d,
                new_categories=() if new_ok else d.new_categories,
                vanished=() if gone_ok else d.vanished,
            )
            by_chance.append(c)
    if text_kinds:
        notes.append(
            f"categorical ↔ text class of {quoted(text_kinds)} not compared (the same strings; the class "
            "follows the share of distinct values, which changes with the number of rows)"
        )
    if by_chance:
        notes.append(
            f"new or vanished categories of {quoted(by_chance)} within chance for samples of these sizes, "
            "not graded"
        )
    kinds = {c: k for c, k in cmp.kinds.items() if c not in text_kinds}
    return dataclasses.replace(cmp, kinds=kinds, columns=columns), notes


@dataclass(frozen=True)
class SplitDrift(_SplitCheck):
    """The test set is distributed like the training data: the drift checks, with training as the baseline.

    Runs the drift checks (`drift.schema`, `drift.distribution`, `drift.new_categories`,
    `drift.missing_rate`, `drift.target` with a target, `drift.group_shares` with sensitive columns; see
    `dataaudit explain` for each) on one comparison of the test set against a snapshot of the training data,
    and reports the worst of them with each one's finding. The row count is not compared (a test set is
    smaller by design). The thresholds are the drift checks' defaults and can be set here: PSI per feature
    (`psi_warn_above` 0.1, `psi_fail_above` 0.25, graded from `min_values` 500 values on both sides),
    rows in categories of one set only (`category_warn_above` 0, `category_fail_above` 5 %), missing shares
    (`missing_warn_above` 2, `missing_fail_above` 10 points), class and group shares (`share_warn_above` 5,
    `share_fail_above` 15 points); changes within sampling noise are not graded.

    What sampling alone explains is not graded, as the drift checks do with their noise guards: new or
    vanished categories no more frequent than chance allows for samples of these sizes (a Good–Turing
    estimate for new values, (1 − p)^m for vanished ones: rare values fall on one side, an identifier-like
    column has only new ones), a column read as categorical on one side and free text on the other, and a
    continuous target's PSI on fewer than `min_values` values.

    Why it matters: a test set is meant to be a sample of the same population as the training data (or,
    for a temporal split, of the next period). When its features, classes or groups are distributed
    differently, the test score measures the model on another population: the split was not random or
    not stratified, or one set came from another source or period (deepchecks' "feature drift", "label
    drift", "new category").

    How to fix: split at random, stratified on the target (`train_test_split(..., stratify=y)`); if the
    shift is real (a temporal split across a change), say so where the score is reported, or validate on
    several periods.
    """

    id: ClassVar[str] = "split.drift"
    title: ClassVar[str] = "Test set distributed like training"

    psi_warn_above: float = 0.10
    psi_fail_above: float = 0.25
    min_values: int = 500
    category_warn_above: float = 0.0
    category_fail_above: float = 0.05
    missing_warn_above: float = 0.02
    missing_fail_above: float = 0.10
    share_warn_above: float = 0.05
    share_fail_above: float = 0.15

    def judges(self, test: Dataset) -> list:
        from dataaudit.checks import drift

        out = [
            drift.SchemaDrift(),
            drift.DistributionDrift(
                warn_above=self.psi_warn_above, fail_above=self.psi_fail_above, min_values=self.min_values
            ),
            drift.NewCategories(warn_above=self.category_warn_above, fail_above=self.category_fail_above),
            drift.MissingRateDrift(warn_above=self.missing_warn_above, fail_above=self.missing_fail_above),
        ]
        if test.roles.target:
            out.append(
                drift.TargetDrift(
                    warn_above=self.share_warn_above,
                    fail_above=self.share_fail_above,
                    psi_warn_above=self.psi_warn_above,
                    psi_fail_above=self.psi_fail_above,
                )
            )
        if test.roles.sensitive:
            out.append(
                drift.GroupShareDrift(warn_above=self.share_warn_above, fail_above=self.share_fail_above)
            )
        return out

    def judge(self, train: Dataset, test: Dataset) -> Outcome:
        cmp, notes = _split_view(comparison(train, test), train)
        results = []
        for j in self.judges(test):
            o = j.judge(cmp, test)
            d = cmp.target
            if (
                j.id == "drift.target"
                and d is not None
                and d.old_summary is not None  # a continuous target: PSI, noisy on few values
                and min(d.old_values, d.new_values) < self.min_values
                and o.status in (Status.WARN, Status.FAIL)
            ):
                o = Outcome.ok(
                    f"{o.message} (not graded: fewer than {self.min_values} values on a side, where PSI is "
                    "mostly sampling noise)",
                    observed=o.observed,
                    evidence=o.evidence,
                )
            results.append((j, o))
        graded = [(j, o) for j, o in results if o.status in (Status.PASS, Status.WARN, Status.FAIL)]
        flagged = [(j, o) for j, o in graded if o.status != Status.PASS]
        status = worst_status(*(o.status for _, o in graded))
        observed = {
            j.id: {
                "status": str(o.status),
                "message": o.message,
                **(
                    {k: v for k, v in o.observed.items() if k != "bars"}
                    if isinstance(o.observed, dict)
                    else {}
                ),
            }
            for j, o in results
        }
        evidence, charts, columns = [], [], []
        flagged_ids = {j.id for j, _ in flagged}
        for j, o in sorted(graded, key=lambda x: x[0].id not in flagged_ids):  # flagged first
            evidence += [dataclasses.replace(t, title=f"{j.id}: {t.title or j.title}") for t in o.evidence]
            if j.id in flagged_ids:
                charts += list(o.charts)
                columns += [c for c in o.columns if c not in columns]
        names = ", ".join(j.id.split(".", 1)[1] for j, _ in graded)
        if not flagged:
            dist = next((o for j, o in results if j.id == "drift.distribution"), None)
            msg = f"{_sets(train, test)}: no shift found by {names}" + (f"; {dist.message}" if dist else "")
        else:
            msg = f"{_sets(train, test)}: " + "; ".join(f"{j.id}: {o.message}" for j, o in flagged)
        if notes:
            msg += "; " + "; ".join(notes)
        skipped = [(j, o) for j, o in results if o.status == Status.SKIPPED]
        if skipped:
            msg += "; not compared: " + ", ".join(f"{j.id} ({o.message})" for j, o in skipped)
        return Outcome.make(
            status,
            msg,
            observed=observed,
            expected="each drift check passes with the test set against training as the baseline",
            columns=columns,
            evidence=evidence,
            chart=charts,
        )


# ----------------------------------------------------------------------------------------------------------
# split.class_coverage and split.group_coverage


def _coverage_rows(col: str, labels, a_counts, b_counts) -> tuple[list, list, list]:
    """Side-by-side shares; the labels only in training, and only in the test set."""
    na, nb = sum(a_counts), sum(b_counts)
    rows, only_a, only_b = [], [], []
    for k, x, y in zip(labels, a_counts, b_counts):
        note = ""
        if x and not y:
            note = "absent from test"
            only_a.append((k, x))
        elif y and not x:
            note = "absent from training"
            only_b.append((k, y))
        rows.append((col, k, x, round(x / na, 4) if na else 0.0, y, round(y / nb, 4) if nb else 0.0, note))
    rows.sort(key=lambda r: (r[6] == "", -r[2] - r[4]))
    return rows, only_a, only_b


_COVERAGE_COLUMNS = ("column", "value", "training rows", "training share", "test rows", "test share", "")


def _share_chart(labels, a_counts, b_counts, title: str) -> Chart | None:
    if not 0 < len(labels) <= 12:
        return None
    na, nb = sum(a_counts) or 1, sum(b_counts) or 1
    names, values = [], []
    for k, x, y in zip(labels, a_counts, b_counts):
        names += [f"{k} · training", f"{k} · test"]
        values += [x / na, y / nb]
    return Chart.of("bars", names, values, title=title, unit="share")


def _list(items, total: int) -> str:
    shown = ", ".join(f"{k!r} ({n:,} rows, {n / total:.1%})" if total else repr(k) for k, n in items[:5])
    return shown + (f" and {len(items) - 5} more" if len(items) > 5 else "")


@dataclass(frozen=True)
class ClassCoverage(_SplitCheck):
    """Every class of the target is present in both the training and the test set.

    Compares the classes of a classification target (as the drift checks label them: integral floats as
    integers, personal-looking labels masked) and shows each class's share in both sets side by side.
    A continuous target is not checked here (`split.drift` compares its distribution).

    Why it matters: a class absent from the test set is never evaluated, so the test score says nothing
    about it (often a rare class that a non-stratified split left out); a class absent from the training
    data is one the model cannot predict: every test row of it is an error the model could not avoid, or
    the labels were written differently in the two files. A class absent from the test set warns; one
    absent from training warns, and fails when its test rows exceed `unseen_fail_above` (1 %).

    How to fix: split stratified on the target (`train_test_split(..., stratify=y)`); map labels spelled
    differently onto one spelling; for a class too rare to appear in both, collect more of it or merge it.
    """

    id: ClassVar[str] = "split.class_coverage"
    title: ClassVar[str] = "Classes present in both sets"
    requires: ClassVar[tuple[str, ...]] = ("target",)

    unseen_fail_above: float = 0.01

    def judge(self, train: Dataset, test: Dataset) -> Outcome:
        t = role(train, "target")
        if t not in test.frame.columns:
            return Outcome.skip(f"the test set has no target column {t!r}")
        a, b = category_counts(train, t), category_counts(test, t)
        labels = list(a) + [k for k in b if k not in a]
        # classes as Dataset.target_kind defines them, over both sets: a number with more values is continuous
        if train.target_kind == "continuous" or (
            train.stats[t].kind == "numeric" and len(labels) > MAX_CLASSES
        ):
            return Outcome.skip(
                f"target {t!r} is continuous ({len(labels):,} distinct values in the two sets): its "
                "distribution is compared by split.drift"
            )
        ac, bc = [a.get(k, 0) for k in labels], [b.get(k, 0) for k in labels]
        rows, only_train, only_test = _coverage_rows(t, labels, ac, bc)
        na, nb = sum(ac), sum(bc)
        unseen = sum(n for _, n in only_test) / nb if nb else 0.0
        status = Status.WARN if only_train or only_test else Status.PASS
        if unseen > self.unseen_fail_above:
            status = Status.FAIL
        observed = {
            "classes": len(labels),
            "absent_from_test": [k for k, _ in only_train],
            "absent_from_training": [k for k, _ in only_test],
            "shares": {
                k: {"training": round(x / na, 4) if na else 0.0, "test": round(y / nb, 4) if nb else 0.0}
                for k, x, y in list(zip(labels, ac, bc))[:50]
            },
        }
        chart = _share_chart(labels, ac, bc, f"Class shares of {t}")
        table = Table.of(_COVERAGE_COLUMNS, rows, title="Class shares, training and test side by side")
        if status == Status.PASS:
            return Outcome.ok(
                f"all {count(len(labels), 'class', 'classes')} of {t!r} are in both sets",
                observed=observed,
                columns=[t],
                evidence=table,
                chart=chart,
            )
        parts = []
        if only_train:
            parts.append(
                f"{count(len(only_train), 'class', 'classes')} of {t!r} absent from the test set: "
                f"{_list(only_train, na)} of training (never evaluated)"
            )
        if only_test:
            parts.append(
                f"{count(len(only_test), 'class', 'classes')} absent from training: "
                f"{_list(only_test, nb)} of the test set (the model cannot predict them; "
                f"fail above {_pct(self.unseen_fail_above)})"
            )
        return Outcome.make(
            status,
            "; ".join(parts),
            observed=observed,
            expected="every class in both sets",
            columns=[t],
            evidence=table,
            chart=chart,
        )


@dataclass(frozen=True)
class GroupCoverage(_SplitCheck):
    """Every group of each sensitive attribute is present in both the training and the test set.

    Groups as in the bias and drift checks (categories, ages in bands, other numbers in the training data's
    decile bins), each group's share in both sets side by side. Rows with the attribute missing are shown
    but not graded.

    Why it matters: fairness is measured on the test set. A group absent from it cannot be evaluated at all,
    so a disparity in the model's errors for that group goes unseen; a group absent from training is one
    the model never learnt from. Any group absent from one set warns (the message gives its size in the
    other).

    How to fix: stratify the split on the sensitive attribute as well as the target (e.g. on their
    combination), or collect more data for the group; report the group as not evaluated if it stays absent.
    """

    id: ClassVar[str] = "split.group_coverage"
    title: ClassVar[str] = "Sensitive groups present in both sets"
    requires: ClassVar[tuple[str, ...]] = ("sensitive",)

    def judge(self, train: Dataset, test: Dataset) -> Outcome:
        cmp = comparison(train, test)
        if not cmp.groups:
            return Outcome.skip(
                f"the test set has none of the sensitive columns {quoted(train.roles.sensitive)}"
            )
        rows, charts = [], []
        findings: list[_OneSided] = []
        for col, d in cmp.groups.items():
            labels, ac, bc = list(d.labels), list(d.old_counts), list(d.new_counts)
            r, only_a, only_b = _coverage_rows(col, labels, ac, bc)
            rows += r
            only_a = [(k, n) for k, n in only_a if k != MISSING_GROUP]
            only_b = [(k, n) for k, n in only_b if k != MISSING_GROUP]
            if only_a or only_b:
                findings.append(_OneSided(col, only_a, only_b, sum(ac), sum(bc)))
                chart = _share_chart(labels, ac, bc, f"Group shares of {col}")
                if chart is not None:
                    charts.append(chart)
        observed = {
            f.column: {
                "absent_from_test": [k for k, _ in f.only_train],
                "absent_from_training": [k for k, _ in f.only_test],
            }
            for f in findings
        }
        table = Table.of(_COVERAGE_COLUMNS, rows, title="Group shares, training and test side by side")
        if not findings:
            groups = sum(len(d.labels) for d in cmp.groups.values())
            return Outcome.ok(
                f"all {count(groups, 'group')} of {quoted(cmp.groups)} are in both sets",
                observed=observed,
                evidence=table,
            )
        parts = []
        for f in findings[:4]:
            bits = []
            if f.only_train:
                bits.append(f"absent from test: {_list(f.only_train, f.train_rows)} of training")
            if f.only_test:
                bits.append(f"absent from training: {_list(f.only_test, f.test_rows)} of test")
            parts.append(f"{f.column}: " + "; ".join(bits))
        return Outcome.warn(
            f"{count(len(findings), 'sensitive attribute')} with groups in one set only: "
            + " | ".join(parts),
            observed=observed,
            expected="every group in both sets",
            columns=[f.column for f in findings],
            evidence=table,
            chart=charts,
        )


@dataclass(frozen=True)
class _OneSided:
    """``split.group_coverage``' finding for one sensitive attribute: the groups (with rows) found only in the
    training set and only in the test set, and each set's rows."""

    column: str
    only_train: list[tuple[str, int]]
    only_test: list[tuple[str, int]]
    train_rows: int
    test_rows: int


# ----------------------------------------------------------------------------------------------------------
# split.temporal_overlap


@dataclass(frozen=True)
class TemporalOverlap(_SplitCheck):
    """For a temporal split (an event-time column is set): no test row is older than the newest training row.

    Reads the timestamp column of both sets (parsed as the latency checks parse it, or as numbers: years,
    epoch seconds) and counts the test
    rows dated before the newest training row, and the training rows dated after the oldest test row; the
    overlap window runs from the oldest test row to the newest training row. Rows at the same time as the
    newest training row are not counted.

    Why it matters: a model is deployed on the future. When training holds rows newer than test rows, it
    has learnt from the future of the period it is scored on (seasonality, trends, later corrections and
    the labels that followed), so the test score is optimistic (deepchecks' "date train test leakage
    overlap"). A random split of time-ordered data does this to nearly every test row. A handful of older
    test rows warns (late-arriving records); above `fail_above` (5 %) of test rows, and more than `handful`
    (5) rows, the check fails.

    How to fix: split by time: train on everything before a cut-off date, test on what follows
    (`sklearn.model_selection.TimeSeriesSplit` for several folds); if the rows are independent of time and
    a random split is intended, switch this check off (`split.temporal_overlap: {enabled: false}`).
    """

    id: ClassVar[str] = "split.temporal_overlap"
    title: ClassVar[str] = "Test set after training (temporal split)"
    requires: ClassVar[tuple[str, ...]] = ("timestamp",)

    warn_above: float = 0.0
    fail_above: float = 0.05
    handful: int = 5

    def judge(self, train: Dataset, test: Dataset) -> Outcome:
        col = role(train, "timestamp")
        if col not in test.frame.columns:
            return Outcome.skip(f"the test set has no timestamp column {col!r}")
        a, b = train.stats.datetimes(col), test.stats.datetimes(col)
        if a is None and b is None and train.stats[col].kind == "numeric":  # years, epoch seconds: in order
            a, b = train.stats.numeric(col), test.stats.numeric(col)
        if a is None or b is None:
            which = "training" if a is None else "test"
            return Outcome.skip(f"{col!r} does not read as dates in the {which} set")
        a, b = a.dropna(), b.dropna()
        if not len(a) or not len(b):
            return Outcome.skip(f"{col!r} has no dates in the {'training' if not len(a) else 'test'} set")
        newest_train, oldest_test = a.max(), b.min()
        older = int((b < newest_train).sum())
        newer_train = int((a > oldest_test).sum())
        n = len(b)
        share = older / n
        status = _graded(older, share, self.warn_above, self.fail_above, self.handful)
        fmt = "%Y-%m-%d %H:%M:%S"

        def day(x) -> str:
            if not hasattr(x, "strftime"):
                return f"{x:g}"
            text = x.strftime(fmt)
            return text[:10] if text.endswith("00:00:00") else text

        observed = {
            "test_rows_older": older,
            "share": round(share, 6),
            "training_rows_newer": newer_train,
            "newest_training": day(newest_train),
            "oldest_test": day(oldest_test),
        }
        evidence = Table.of(
            ("set", "rows with a date", "oldest", "newest"),
            [
                ("training", len(a), day(a.min()), day(newest_train)),
                ("test", n, day(oldest_test), day(b.max())),
            ],
            title=f"Time ranges of {col}",
        )
        expected = (
            f"<= {_pct(self.warn_above)} of test rows before the newest training row "
            f"(fail above {_pct(self.fail_above)})"
        )
        if not older:
            return Outcome.ok(
                f"every test row is at or after the newest training row, at {day(newest_train)} ({col}: test "
                f"rows from {day(oldest_test)} to {day(b.max())})",
                observed=observed,
                expected=expected,
                columns=[col],
                evidence=evidence,
            )
        msg = (
            f"{count(older, 'test row')} ({_pct(share)} of {n:,}) are older than the newest training row; "
            f"overlap window {day(oldest_test)} to {day(newest_train)}, in which "
            f"{count(newer_train, 'training row')} are newer than the oldest test row"
        )
        if status != Status.PASS:
            msg += (
                f" (warn above {_pct(self.warn_above)}, fail above {_pct(self.fail_above)} and "
                f"{self.handful} rows): the model is trained on the future of its test set"
            )
        return Outcome.make(
            status, msg, observed=observed, expected=expected, columns=[col], evidence=evidence
        )


CHECKS = (RowOverlap, IdOverlap, SplitDrift, ClassCoverage, GroupCoverage, TemporalOverlap)
