"""Consistency: duplicate rows (exact, and near-duplicates once text and floats are normalised) and
repeated ids, found by group codes refined column by column over a shrinking set of candidate rows."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import (
    MAX_EXAMPLES,
    _expected,
    _factorize,
    _is_text,
    _pct,
    _row_list,
)
from dataaudit.checks.consistency.labels import (
    CHANCE_SAMPLE,
    _row_hash,
    chance_identical_pairs,
    explained_by_chance,
)
from dataaudit.dataset import Dataset
from dataaudit.engine.base import GroupSummary
from dataaudit.engine.scope import for_an_estimate, note_sample
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade, worst_status
from dataaudit.privacy import mask_example
from dataaudit.roles import ID_TOKENS, NEAR_UNIQUE, tokens

__all__ = ["DuplicateIds", "DuplicateRows"]

#: out of core, near-duplicates are sought among at most this many candidate rows, which come into memory
#: with every column (10M rows × 20: 1.1M candidates, 210 MiB from DuckDB and 1.2 GiB more at the peak;
#: 100M rows: past an 8 GiB cap)
NEAR_ROWS_MAX = 250_000

# ----------------------------------------------------------------------------------------------------------
# duplicate detection: exact groups from the engine (all rows); near-duplicates by group codes refined
# column by column over the candidate rows the engine names


def _codes(values: pd.Series, normalise: bool, decimals: int) -> np.ndarray:
    """Integer codes equal exactly when values are equal (missing equals missing); with ``normalise``, text
    is compared trimmed, case-folded, with runs of whitespace collapsed, and floats rounded."""
    if normalise and pd.api.types.is_float_dtype(values):
        values = values.round(decimals)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(values) or pd.api.types.is_timedelta64_dtype(values):
        values = pd.Series(values.to_numpy().view("i8"))  # NaT is one fixed integer: missing equals missing
    codes, uniques = _factorize(values, use_na_sentinel=False)
    if normalise and _is_text(values) and len(uniques):
        # distinct values only, then mapped back through the codes: cost grows with distinct values, not rows
        u = pd.Series(np.asarray(uniques, dtype=object))
        norm = u.astype(str).str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)
        remap, _ = pd.factorize(norm.where(u.notna(), "\x00<NA>"))
        codes = remap[codes]
    return np.asarray(codes, dtype=np.int64)


def _exact_duplicates(data: Dataset, columns: list[str], limit: int = MAX_EXAMPLES) -> GroupSummary:
    """Groups of rows identical over ``columns``, over all rows (``engine.duplicates``), computed once per
    audit and shared by both checks. A column unique per row (e.g. the id) rules them out without a scan."""
    if data.n_rows < 2 or not columns or any(data.stats[c].unique for c in columns):
        return GroupSummary(sizes=np.empty(0, np.int64))
    key = ("engine.duplicates", tuple(columns), limit)
    return data.memo(key, lambda: data.engine.duplicates(columns, limit=limit))


def _candidates(
    data: Dataset, columns: list[str], normalise: bool, budget: int | None = None
) -> tuple[np.ndarray | None, int, str]:
    """Row positions that may have a (near-)duplicate over ``columns`` (None means every row), how many
    rows may, and the column that picked them.

    Only a row whose value repeats in *every* column can be a duplicate. The exact value counts say, for
    each column that normalising would not change, how many rows hold a repeated value; the most selective
    such column picks the candidates (none at all: no duplicates, without touching the rows), and the
    engine names their positions (the repeated groups of that one column). With ``budget``, at most that
    many: whole groups of that column's repeated values, the most repeated first (a duplicate pair shares
    its value there, so no pair is split); None when even the largest group is over it."""
    n = data.n_rows

    def as_is(c: str) -> bool:  # columns that normalising would not change (by the column's pandas dtype)
        dtype = pd.api.types.pandas_dtype(data.stats[c].dtype)
        text = pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
        return not normalise or not (text or pd.api.types.is_float_dtype(dtype))

    def repeated(c: str) -> np.ndarray:  # the sizes of the groups of rows sharing a value, largest first
        counts = data.stats.value_counts(c).to_numpy()
        k = int(np.searchsorted(-counts, -2, side="right"))
        missing = data.stats[c].missing
        sizes = np.append(counts[:k], [missing] if missing >= 2 else []).astype(np.int64)
        return -np.sort(-sizes)

    exact = [c for c in columns if as_is(c)]
    if not exact:
        return None, n, ""
    sizes, first = min(((repeated(c), c) for c in exact), key=lambda t: int(t[0].sum()))
    rows, groups = int(sizes.sum()), len(sizes)
    if rows == 0:
        return np.empty(0, np.int64), 0, first
    if rows == n:
        return None, n, first
    if budget is not None and rows > budget:
        groups = int(np.searchsorted(np.cumsum(sizes), budget, side="right"))
        if groups == 0:
            return None, rows, first
    summary = data.engine.duplicates([first], limit=groups)
    picked = int(sizes[:groups].sum())
    return (
        np.sort(np.fromiter((p for g in summary.examples for p in g), dtype=np.int64, count=picked)),
        rows,
        first,
    )


def _near_groups(data: Dataset, columns: list[str], decimals: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Rows that have at least one near-duplicate over ``columns``: (row positions, group code per row, a
    sample note). The candidate rows are fetched by position (``engine.rows``) and their group codes refined
    column by column, most distinct first, over a shrinking set. When the data is not in memory, at most
    :data:`NEAR_ROWS_MAX` candidate rows are fetched (whole groups; the note says so), and when no column
    narrows the candidates enough, the seeded sample stands in for the rows (and the note says so)."""
    none = np.empty(0, np.int64)
    if not columns or data.n_rows < 2:
        return none, none, ""
    idx, total, first = _candidates(data, columns, True, None if data.engine.in_memory else NEAR_ROWS_MAX)
    note = ""
    if idx is not None and idx.size < total:  # the rows come into memory: a bounded part of them
        note_sample(int(idx.size))
        note = (
            f" (sought among the {idx.size:,} rows of the most repeated values of {first}, of the {total:,} "
            f"rows whose {first} repeats)"
        )
    if idx is None:
        if data.engine.in_memory or data.n_rows <= data.sample_rows:
            idx = np.arange(data.n_rows, dtype=np.int64)
        else:  # every row would have to come into memory: the stated sample instead
            idx = np.asarray(data.sample().index, dtype=np.int64)
            note = data.sample_note()
    if idx.size == 0:
        return none, none, ""
    part = data.engine.rows(idx, columns)
    local = np.arange(len(part))

    def order(c: str) -> float:
        fast = not _is_text(part[c])
        return -data.stats[c].distinct * (2.0 if fast else 1.0)

    g = np.zeros(idx.size, dtype=np.int64)
    for i, c in enumerate(sorted(columns, key=order)):
        col = part[c]
        sub = col if len(local) == len(part) else col.iloc[local]
        codes = _codes(sub.reset_index(drop=True), True, decimals)
        if i == 0:
            g = codes  # the first column: its codes are the groups
        else:
            k = int(codes.max()) + 1 if codes.size else 1
            g, _ = pd.factorize(g * k + codes)
        keep = pd.Series(g).duplicated(keep=False).to_numpy()
        idx, g, local = idx[keep], g[keep], local[keep]
        if idx.size == 0:
            break
    return idx, np.asarray(g, dtype=np.int64), note


def _duplicate_groups(
    data: Dataset, columns: list[str], normalise: bool = False, decimals: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Rows that have at least one duplicate over ``columns`` (with ``normalise``, a near-duplicate):
    (row positions, group code per row)."""
    if normalise:
        return _near_groups(data, columns, decimals)[:2]
    summary = _exact_duplicates(data, columns)
    if summary.groups and len(summary.examples) < summary.groups:
        summary = data.engine.duplicates(columns, limit=summary.groups)
    if not summary.groups:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    idx = np.concatenate([np.asarray(g, dtype=np.int64) for g in summary.examples])
    g = np.repeat(np.arange(summary.groups, dtype=np.int64), summary.sizes)
    order = np.argsort(idx, kind="stable")
    return idx[order], g[order]


def _group_examples(idx: np.ndarray, g: np.ndarray, limit: int = 5) -> list[tuple[str, int]]:
    """The first ``limit`` duplicate groups as ('row, row, …', size)."""
    if idx.size == 0:
        return []
    order = np.lexsort((idx, g))
    groups = pd.Series(idx[order]).groupby(g[order], sort=False)
    firsts = groups.min().sort_values().index[:limit]
    out = []
    for key in firsts:
        rows = groups.get_group(key).to_numpy()
        out.append((_row_list(rows), len(rows)))
    return out


def _pairs(sizes: np.ndarray) -> float:
    """Pairs of identical rows in groups of these sizes."""
    sizes = np.asarray(sizes, dtype="float64")
    return float((sizes * (sizes - 1) / 2).sum())


# ----------------------------------------------------------------------------------------------------------
# consistency.duplicate_rows


@dataclass(frozen=True)
class DuplicateCounts:
    """What `DuplicateRows` measured: exact copies over all rows (with the chance model's estimates of
    identical pairs among different records) and near-duplicates beyond them, with example groups."""

    rows: int
    exact: int
    exact_pairs: float
    exact_examples: list[tuple[str, int]]
    chance: float | None
    chance_raw: (
        float | None
    )  # without the copy discount (only for a coarse table the discount did not explain)
    near: int
    near_pairs: float
    near_chance: float | None
    near_examples: list[tuple[str, int]]
    near_note: str  # the sample note when near-duplicates were sought on the sample


@dataclass(frozen=True)
class DuplicateRows(Check):
    """Exact duplicate rows, and, reported separately, near-duplicates.

    An exact duplicate repeats every column of an earlier row. A near-duplicate becomes a duplicate once
    text is trimmed, case-folded and its whitespace collapsed, and floats are rounded to `round_decimals`
    decimals; near-duplicates ignore the id column (the same record entered twice usually gets a new id),
    and rows already counted as exact duplicates are not counted again. The evidence gives example groups
    by row number (0-based, in file order).

    Why it matters: duplicates over-weight some records, and when copies land on both sides of a
    train/test split the test score is inflated by memorised rows. Any exact duplicate warns (real-world
    tables rarely have a legitimate one); more than 1% of rows fails, where a split is measurably
    contaminated. Where every column has few levels, identical rows also occur by chance: exact duplicates
    no more frequent than chance predicts for these columns (`consistency.conflicting_labels`' model,
    which follows the dependencies between columns; for a table whose rows take fewer distinct
    combinations than `min_distinct_share` of the rows, without discounting copies) pass and say so; in
    such a coarse table, more than chance is capped at warn. Near-duplicates only warn (above
    `near_warn_above`), as some may be distinct records.

    How to fix: de-duplicate at the source or with `DataFrame.drop_duplicates()` before splitting; for
    near-duplicates, normalise text and decide which copy to keep. If repeated rows are real (e.g. identical
    purchases), add the column that tells them apart (a timestamp or transaction id).
    """

    id: ClassVar[str] = "consistency.duplicate_rows"
    title: ClassVar[str] = "Duplicate rows"
    area: ClassVar[Area] = Area.CONSISTENCY
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

    warn_above: float = 0.0
    fail_above: float = 0.01
    near_warn_above: float = 0.0
    round_decimals: int = 2
    min_distinct_share: float = 0.5

    def run(self, data: Dataset) -> Outcome:
        n, cols = data.n_rows, data.columns
        if n < 2 or not cols:
            return Outcome.skip(f"{count(n, 'row')}, {count(len(cols), 'column')}: no rows to compare")
        m = self.measure(data)
        return self.word(m, *self.judge(m), id_column=data.roles.id)

    # -- measure: engine calls over all rows -> counts and example groups
    def measure(self, data: Dataset) -> DuplicateCounts:
        n, cols = data.n_rows, data.columns
        exact = _exact_duplicates(data, cols)
        near_cols = [c for c in cols if c != data.roles.id]
        n_idx, n_g, note = _near_groups(data, near_cols, self.round_decimals)
        # every exact group lies inside one near group: the near surplus beyond exact copies is the difference
        near_total = int(n_idx.size - np.unique(n_g).size) if n_idx.size else 0
        near = max(near_total - exact.extra_copies, 0)
        pairs = _pairs(exact.sizes)
        chance = chance_raw = near_chance = None
        if exact.groups:
            # a model estimate on the seeded sample, not a count: see chance_identical_pairs
            with for_an_estimate():  # the counts are over all rows; chance is a model, fitted on a sample
                rows = data.sample(CHANCE_SAMPLE)
            chance = chance_identical_pairs(rows, cols, pairs, n_rows=n)
            if not explained_by_chance(pairs, chance) and self._coarse(n, exact.extra_copies):
                chance_raw = chance_identical_pairs(rows, cols, pairs, discount=False, n_rows=n)
        near_pairs = 0.0
        near_examples: list[tuple[str, int]] = []
        if near:
            sizes = np.unique(n_g, return_counts=True)[1]
            near_pairs = _pairs(sizes)
            with for_an_estimate():
                near_rows = data.sample(CHANCE_SAMPLE)
            near_chance = chance_identical_pairs(near_rows, near_cols, near_pairs, n_rows=n)
            # groups holding a row outside the exact groups; exact groups lie inside the near rows, so the
            # near rows alone (fetched by position) say which rows are exact copies
            in_exact = np.zeros(n_idx.size, dtype=bool)
            if exact.groups:
                full = data.engine.rows(n_idx, cols)
                in_exact = _row_hash(full).duplicated(keep=False).to_numpy()
            keep = np.isin(n_g, np.unique(n_g[~in_exact]))
            near_examples = _group_examples(n_idx[keep], n_g[keep])
        return DuplicateCounts(
            rows=n,
            exact=exact.extra_copies,
            exact_pairs=pairs,
            exact_examples=[(_row_list(g), int(size)) for g, size in zip(exact.examples, exact.sizes)],
            chance=chance,
            chance_raw=chance_raw,
            near=near,
            near_pairs=near_pairs,
            near_chance=near_chance,
            near_examples=near_examples,
            near_note=note,
        )

    def _coarse(self, n: int, exact: int) -> bool:
        """The rows take fewer distinct combinations than ``min_distinct_share`` of them."""
        return (n - exact) < self.min_distinct_share * n

    # -- judge: status from the thresholds and the chance model
    def judge(self, m: DuplicateCounts) -> tuple[Status, str, bool]:
        """(status, how the exact count compares with chance: ``""``, ``explained`` or ``capped``, whether
        the near-duplicates are explained by chance)."""
        status = grade(m.exact / m.rows, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        verdict = ""
        if m.exact and m.chance is not None:
            explained = explained_by_chance(m.exact_pairs, m.chance)
            coarse = self._coarse(m.rows, m.exact)
            if not explained and coarse and m.chance_raw is not None:  # rows that cannot all differ
                explained = explained_by_chance(m.exact_pairs, m.chance_raw)
            if not explained and coarse and status == Status.FAIL:
                status, verdict = Status.WARN, "capped"  # copies cannot be told apart from coincidences
            if explained:
                status, verdict = Status.PASS, "explained"
        # near-duplicates (ignoring the id) are judged against chance like exact ones: a table of few-level
        # columns repeats rows by chance once its row number is set aside
        near_explained = bool(m.near) and explained_by_chance(m.near_pairs, m.near_chance or 0.0)
        if status == Status.PASS and m.near / m.rows > self.near_warn_above and not near_explained:
            status = Status.WARN
        return status, verdict, near_explained

    # -- word: message, observed values and evidence
    def word(
        self, m: DuplicateCounts, status: Status, verdict: str, near_explained: bool, id_column: str | None
    ) -> Outcome:
        n, exact, near = m.rows, m.exact, m.near
        exact_share, near_share = exact / n, near / n
        observed: dict[str, object] = {"exact": exact, "exact_share": round(exact_share, 4), "near": near}
        # the estimate the verdict rests on: without the copy discount when the table is coarse
        chance = m.chance if m.chance_raw is None else m.chance_raw
        if exact and chance is not None:
            observed.update(identical_pairs=int(m.exact_pairs), chance_pairs=round(chance, 2))
        chance_note = ""
        if verdict == "capped":
            chance_note = (
                f", more than chance predicts for these columns ({m.exact_pairs:,.0f} identical pairs, "
                f"{chance:,.1f} expected), but the rows take only {n - exact:,} distinct combinations, "
                "so many coincide anyway (capped at warn)"
            )
        elif verdict == "explained":
            chance_note = (
                f", no more than chance predicts for these columns ({m.exact_pairs:,.0f} identical pairs, "
                f"{chance:,.1f} expected): different records that look alike (add the column that "
                "tells them apart, an id or a time, if they are not)"
            )
        near_note = ""
        if near_explained:
            near_note = (
                f", no more than chance predicts for these columns ({m.near_pairs:,.0f} identical pairs, "
                f"{m.near_chance:,.1f} expected)"
            )
        parts = []
        if exact:
            parts.append(f"{count(exact, 'exact duplicate row')} ({_pct(exact_share)} of {n:,}){chance_note}")
        else:
            parts.append(f"no exact duplicate rows among {n:,}")
        if near:
            parts.append(
                f"{count(near, 'more near-duplicate row')} ({_pct(near_share)}) once text is trimmed and "
                f"case-folded and floats rounded to {self.round_decimals} decimals"
                + (f", ignoring {id_column}" if id_column else "")
                + near_note
                + m.near_note
            )
        evidence = []
        if exact:
            evidence.append(
                Table.of(("rows", "copies"), m.exact_examples, title="Exact duplicates (first groups)")
            )
        if near:
            evidence.append(
                Table.of(("rows", "copies"), m.near_examples, title="Near-duplicates (first groups)")
            )
        return Outcome.make(
            status,
            "; ".join(parts),
            observed=observed,
            expected=_expected(self.warn_above, self.fail_above, "exact duplicate share")
            + f"; near-duplicates warn above {_pct(self.near_warn_above)}",
            columns=[],
            evidence=evidence,
        )


# ----------------------------------------------------------------------------------------------------------
# consistency.duplicate_ids


@dataclass(frozen=True)
class IdRepeats:
    """What `DuplicateIds` measured on one id column: its repeated values (exact, all rows), how many of the
    rows holding them are exact copies of another row, and the most repeated ids with their row positions."""

    column: str
    how: str  # declared, detected or probable
    rows: int
    count: int
    distinct: int
    missing: int
    kind: str
    repeated_ids: int = 0
    extra: int = 0  # rows beyond the first of each repeated id
    involved: int = 0  # rows holding a repeated id
    identical: int = 0  # of those, rows in a group of exact copies
    extra_copies: int = 0  # of the extra rows, exact copies of another row
    examples: list[tuple[object, int, str, bool]] = dataclasses.field(default_factory=list)

    @property
    def graded_share(self) -> float:
        return (self.extra - self.extra_copies) / self.rows if self.rows else 0.0


@dataclass(frozen=True)
class DuplicateIds(Check):
    """Values of the id column (configured, or detected and said so in the report), and of probable ids,
    that occur more than once.

    A probable id is a feature named like an identifier (id, key, uuid) whose values are almost all
    distinct (at least 95%) but not quite: an id that was never declared and repeats. It is checked like the
    id, the report says it was detected and how to declare it. Findings on a detected or probable id cap at
    warn (a guessed role reports but does not fail the verdict); a declared id is graded in full.

    The evidence lists the most repeated ids and says whether their rows are identical copies or different
    records sharing an id. Rows that are exact copies of another row (the id included) are
    `consistency.duplicate_rows`' finding: they are counted here and referred to, not graded twice.

    Why it matters: an id is meant to name one record. A repeated id breaks joins (rows multiply), lets one
    entity appear in both training and test data, and often means two records were merged or one was
    re-sent. Any repeat warns; more than 0.1% of rows fails, since then it is a systematic fault rather
    than a stray re-send.

    How to fix: de-duplicate exact copies; for conflicting records with one id, find which one is current
    (e.g. the latest by ingestion time), or fix the key if the id is not really unique per row.
    """

    id: ClassVar[str] = "consistency.duplicate_ids"
    title: ClassVar[str] = "Unique ids"
    area: ClassVar[Area] = Area.CONSISTENCY
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

    warn_above: float = 0.0
    fail_above: float = 0.001
    near_unique: float = NEAR_UNIQUE
    min_rows: int = 20

    def probable_ids(self, data: Dataset) -> list[str]:
        """Features named like an id, at least ``near_unique`` distinct, with repeats."""
        out = []
        for c in data.features:
            st = data.stats[c]
            if st.kind not in ("numeric", "categorical", "text") or st.count < self.min_rows:
                continue
            if tokens(c) & ID_TOKENS and self.near_unique * st.count <= st.distinct < st.count:
                out.append(c)
        return out

    def run(self, data: Dataset) -> Outcome:
        targets = []
        if data.roles.id:
            how = "detected" if "id" in data.roles.detected else "declared"
            targets.append((data.roles.id, how))
        targets += [(c, "probable") for c in self.probable_ids(data)]
        if not targets:
            return Outcome.skip("no id column set or detected (use --id or 'id:' in dataaudit.yaml)")
        measured = [self.measure(data, col, how) for col, how in targets]
        statuses, parts, evidence = [], [], []
        observed: dict[str, dict[str, object]] = {}
        for m in measured:
            status = self.judge(m)
            part, obs, table = self.word(m, status)
            statuses.append(status)
            parts.append(part)
            observed[m.column] = obs
            if table is not None:
                evidence.append(table)
        return Outcome.make(
            worst_status(*statuses),
            "; ".join(parts),
            observed=(observed[targets[0][0]] if len(targets) == 1 else observed),
            expected=_expected(
                self.warn_above, self.fail_above, "share of repeated-id rows that are not copies"
            ),
            columns=[col for col, _ in targets],
            evidence=evidence,
        )

    # -- measure: exact value counts of the id, exact duplicate groups, a few example groups by position
    def measure(self, data: Dataset, col: str, how: str) -> IdRepeats:
        st = data.stats[col]
        vc = data.stats.value_counts(col)
        repeated = vc[vc > 1]
        extra = int((repeated - 1).sum())
        base = IdRepeats(
            column=col,
            how=how,
            rows=data.n_rows,
            count=st.count,
            distinct=st.distinct,
            missing=st.missing,
            kind=st.kind,
        )
        if not extra:
            return base
        # rows that are exact duplicates over every column (the id included) are plain copies: the same
        # groups as consistency.duplicate_rows, so the two checks agree. A copy shares its id, so every row
        # of those groups holds a repeated id, unless the id is missing there.
        exact = _exact_duplicates(data, data.columns)
        sizes = exact.sizes
        if exact.groups and st.missing:
            every = data.memo(
                ("engine.duplicates", tuple(data.columns), exact.groups),
                lambda: data.engine.duplicates(data.columns, limit=exact.groups),
            )
            firsts = [g[0] for g in every.examples]
            sizes = every.sizes[data.engine.rows(firsts, [col])[col].notna().to_numpy()]
        # the most repeated ids: the engine's largest groups of this one column (missing is no id)
        groups = data.engine.duplicates([col], limit=MAX_EXAMPLES + int(st.missing >= 2))
        values = data.engine.rows([g[0] for g in groups.examples], [col])[col].tolist()
        examples: list[tuple[object, int, str, bool]] = []
        for value, size, rows in zip(values, groups.sizes, groups.examples):
            if pd.isna(value) or len(examples) == MAX_EXAMPLES:
                continue
            examples.append(
                (value, int(size), _row_list(rows), self._identical(data, col, value, rows, exact))
            )
        return dataclasses.replace(
            base,
            repeated_ids=len(repeated),
            extra=extra,
            involved=int(repeated.sum()),
            identical=int(sizes.sum()),
            extra_copies=int((sizes - 1).sum()),
            examples=examples,
        )

    #: an id group with more rows than this is not fetched to tell whether its rows are copies
    MAX_FETCH: ClassVar[int] = 10_000

    def _identical(self, data: Dataset, col: str, value, rows: tuple[int, ...], exact: GroupSummary) -> bool:
        """Whether every row holding ``value`` is an exact copy of another row. A copy shares its id, so
        its whole group of copies lies among these rows: fetched by position and compared; for a very
        large id group, the exact groups' sizes are summed by their id instead (their first rows fetched)."""
        if not exact.groups:
            return False
        if len(rows) <= self.MAX_FETCH:
            return bool(_row_hash(data.engine.rows(rows, data.columns)).duplicated(keep=False).all())
        every = data.memo(
            ("engine.duplicates", tuple(data.columns), exact.groups),
            lambda: data.engine.duplicates(data.columns, limit=exact.groups),
        )
        ids = data.engine.rows([g[0] for g in every.examples], [col])[col].to_numpy()
        return int(every.sizes[ids == value].sum()) == len(rows)

    # -- judge: the share of extra rows that are not plain copies against the thresholds
    def judge(self, m: IdRepeats) -> Status:
        if not m.extra:
            return Status.PASS
        status = grade(m.graded_share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        if m.how in ("probable", "detected") and status == Status.FAIL:
            status = Status.WARN  # a guessed role reports but does not fail the verdict
        return status

    # -- word: the message part, observed values and the table of examples
    def word(self, m: IdRepeats, status: Status) -> tuple[str, dict[str, object], Table | None]:
        col, n = m.column, m.rows
        share_distinct = m.distinct / m.count if m.count else 0.0
        if m.how == "detected":
            tag = f" (detected as the id; declare it with --id {col} or 'id: {col}' in dataaudit.yaml)"
        elif m.how == "probable":
            tag = (
                f" (detected as a probable id: named like one, {share_distinct:.1%} distinct; declare it "
                f"with --id {col} or 'id: {col}' in dataaudit.yaml)"
            )
        else:
            tag = ""
        missing = f"; {count(m.missing, 'row')} without an id" if m.missing else ""
        if not m.extra:
            return (
                f"all {m.count:,} values of {col}{tag} are unique{missing}",
                {"repeated_ids": 0, "extra_rows": 0},
                None,
            )
        conflicting = m.involved - m.identical
        if conflicting == 0:
            nature = "all are exact duplicate rows, counted by consistency.duplicate_rows (not graded here)"
        else:
            nature = f"{count(conflicting, 'row')} differ in other columns (conflicting records)"
            if m.extra_copies:
                nature += (
                    f"; {count(m.extra_copies, 'extra row')} exact copies of another row, counted by "
                    "consistency.duplicate_rows"
                )
        part = (
            f"{count(m.repeated_ids, 'id')} of {col}{tag} repeated: {m.extra:,} extra rows "
            f"({_pct(m.extra / n)} of {n:,}); {nature}{missing}"
        )
        observed: dict[str, object] = {
            "repeated_ids": m.repeated_ids,
            "extra_rows": m.extra,
            "copies": m.extra_copies,
            "share": round(m.graded_share, 4),
        }
        table = Table.of(
            ("id", "rows", "row numbers", "identical rows"),
            [
                (mask_example(v, column=col, kind=m.kind), size, rows, ident)
                for v, size, rows, ident in m.examples
            ],
            title=f"Most repeated ids of {col}",
        )
        return part, observed, table
