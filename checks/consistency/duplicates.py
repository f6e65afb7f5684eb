"""Consistency: duplicate rows (exact, and near-duplicates once text and floats are normalised) and
repeated ids, found by group codes refined column by column over a shrinking set of candidate rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import _expected, _factorize, _is_text, _pct, _row_list
from dataaudit.checks.consistency.labels import chance_identical_pairs, explained_by_chance
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade, worst_status
from dataaudit.privacy import mask_example
from dataaudit.roles import ID_TOKENS, NEAR_UNIQUE, tokens

__all__ = ["DuplicateIds", "DuplicateRows"]

# ----------------------------------------------------------------------------------------------------------
# duplicate detection: group codes refined column by column over a shrinking set of candidate rows


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


def _duplicate_groups(
    data: Dataset, columns: list[str], normalise: bool = False, decimals: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Rows that have at least one duplicate over ``columns``: (row positions, group code per row).

    Only a row whose value repeats in *every* column can be a duplicate. The shared value counts say, for
    each column compared as is, how many rows hold a repeated value; the most selective such column picks
    the candidate rows (none at all: no duplicates, without touching the rows). Then the remaining columns,
    most distinct first, refine group codes over the shrinking candidate set."""
    frame = data.frame
    n = len(frame)
    if not columns or n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)

    def as_is(c: str) -> bool:  # columns that normalising would not change
        s = frame[c]
        return not normalise or not (_is_text(s) or pd.api.types.is_float_dtype(s))

    def repeated_rows(c: str) -> tuple[int, pd.Index]:
        vc = data.stats.value_counts(c)
        counts = vc.to_numpy()
        k = int(np.searchsorted(-counts, -2, side="right"))
        missing = data.stats[c].missing
        return int(counts[:k].sum()) + (missing if missing >= 2 else 0), vc.index[:k]

    idx = np.arange(n)
    exact = [c for c in columns if as_is(c)]
    if exact:
        scored = [(repeated_rows(c), c) for c in exact]
        (rows, values), first = min(scored, key=lambda t: t[0][0])
        if rows == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        if rows < n:
            col = frame[first]
            mask = col.isin(values).to_numpy()
            if data.stats[first].missing >= 2:
                mask |= col.isna().to_numpy()
            idx = np.flatnonzero(mask)

    def order(c: str) -> float:
        fast = not _is_text(frame[c])
        return -data.stats[c].distinct * (2.0 if fast else 1.0)

    g = np.zeros(idx.size, dtype=np.int64)
    for i, c in enumerate(sorted(columns, key=order)):
        col = frame[c]
        sub = col if len(idx) == n else col.iloc[idx]
        codes = _codes(sub.reset_index(drop=True), normalise, decimals)
        if i == 0:
            g = codes  # the first column: its codes are the groups
        else:
            k = int(codes.max()) + 1 if codes.size else 1
            g, _ = pd.factorize(g * k + codes)
        keep = pd.Series(g).duplicated(keep=False).to_numpy()
        idx, g = idx[keep], g[keep]
        if idx.size == 0:
            break
    return idx, np.asarray(g, dtype=np.int64)


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


def _has_unique_column(data: Dataset, columns: list[str]) -> bool:
    return any(data.stats[c].unique for c in columns)


# ----------------------------------------------------------------------------------------------------------
# consistency.duplicate_rows


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

    warn_above: float = 0.0
    fail_above: float = 0.01
    near_warn_above: float = 0.0
    round_decimals: int = 2
    min_distinct_share: float = 0.5

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        cols = data.columns
        if n < 2 or not cols:
            return Outcome.skip(f"{count(n, 'row')}, {count(len(cols), 'column')}: no rows to compare")
        # a column unique per row (e.g. the id) rules out exact duplicates without a scan
        if _has_unique_column(data, cols):
            e_idx = e_g = np.empty(0, np.int64)
        else:
            e_idx, e_g = _duplicate_groups(data, cols)
        exact = int(e_idx.size - np.unique(e_g).size) if e_idx.size else 0
        near_cols = [c for c in cols if c != data.roles.id]
        n_idx, n_g = _duplicate_groups(data, near_cols, normalise=True, decimals=self.round_decimals)
        # every exact group lies inside one near group: the near surplus beyond exact copies is the difference
        near_total = int(n_idx.size - np.unique(n_g).size) if n_idx.size else 0
        near = max(near_total - exact, 0)
        exact_share, near_share = exact / n, near / n
        status = grade(exact_share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        chance_note = ""
        observed = {"exact": exact, "exact_share": round(exact_share, 4), "near": near}
        if exact:
            sizes = np.unique(e_g, return_counts=True)[1].astype("float64")
            pairs = float((sizes * (sizes - 1) / 2).sum())
            chance = chance_identical_pairs(data.frame, cols, pairs)
            explained = explained_by_chance(pairs, chance)
            coarse = (n - exact) < self.min_distinct_share * n
            if not explained and coarse:  # rows that cannot all differ: no copy discount
                chance = chance_identical_pairs(data.frame, cols, pairs, discount=False)
                explained = explained_by_chance(pairs, chance)
            observed.update(identical_pairs=int(pairs), chance_pairs=round(chance, 2))
            if not explained and coarse and status == Status.FAIL:
                status = Status.WARN  # many rows would coincide anyway: copies cannot be told apart from them
                chance_note = (
                    f", more than chance predicts for these columns ({pairs:,.0f} identical pairs, "
                    f"{chance:,.1f} expected), but the rows take only {n - exact:,} distinct combinations, "
                    "so many coincide anyway (capped at warn)"
                )
            if explained:
                status = Status.PASS
                chance_note = (
                    f", no more than chance predicts for these columns ({pairs:,.0f} identical pairs, "
                    f"{chance:,.1f} expected): different records that look alike (add the column that "
                    "tells them apart, an id or a time, if they are not)"
                )
        near_note = ""
        if near:
            # near-duplicates (ignoring the id) are judged against chance like exact ones: a table of
            # few-level columns repeats rows by chance once its row number is set aside
            sizes = np.unique(n_g, return_counts=True)[1].astype("float64")
            near_pairs = float((sizes * (sizes - 1) / 2).sum())
            near_chance = chance_identical_pairs(data.frame, near_cols, near_pairs)
            if explained_by_chance(near_pairs, near_chance):
                near_note = (
                    f", no more than chance predicts for these columns ({near_pairs:,.0f} identical pairs, "
                    f"{near_chance:,.1f} expected)"
                )
        if status == Status.PASS and near_share > self.near_warn_above and not near_note:
            status = Status.WARN
        parts = []
        if exact:
            parts.append(f"{count(exact, 'exact duplicate row')} ({_pct(exact_share)} of {n:,}){chance_note}")
        else:
            parts.append(f"no exact duplicate rows among {n:,}")
        if near:
            parts.append(
                f"{count(near, 'more near-duplicate row')} ({_pct(near_share)}) once text is trimmed and "
                f"case-folded and floats rounded to {self.round_decimals} decimals"
                + (f", ignoring {data.roles.id}" if data.roles.id else "")
                + near_note
            )
        evidence = []
        if exact:
            evidence.append(
                Table.of(
                    ("rows", "copies"), _group_examples(e_idx, e_g), title="Exact duplicates (first groups)"
                )
            )
        if near:
            # groups that contain a row outside the exact groups
            near_groups = np.unique(n_g[~np.isin(n_idx, e_idx)])
            keep = np.isin(n_g, near_groups)
            evidence.append(
                Table.of(
                    ("rows", "copies"),
                    _group_examples(n_idx[keep], n_g[keep]),
                    title="Near-duplicates (first groups)",
                )
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
        n = data.n_rows
        targets = []
        if data.roles.id:
            how = "detected" if "id" in data.roles.detected else "declared"
            targets.append((data.roles.id, how))
        targets += [(c, "probable") for c in self.probable_ids(data)]
        if not targets:
            return Outcome.skip("no id column set or detected (use --id or 'id:' in dataaudit.yaml)")
        expected = _expected(
            self.warn_above, self.fail_above, "share of repeated-id rows that are not copies"
        )
        copies = None
        statuses, parts, columns, evidence = [], [], [], []
        observed: dict[str, dict[str, Any]] = {}
        for col, how in targets:
            st = data.stats[col]
            share_distinct = st.distinct / st.count if st.count else 0.0
            if how == "detected":
                tag = f" (detected as the id; declare it with --id {col} or 'id: {col}' in dataaudit.yaml)"
            elif how == "probable":
                tag = (
                    f" (detected as a probable id: named like one, {share_distinct:.1%} distinct; declare it "
                    f"with --id {col} or 'id: {col}' in dataaudit.yaml)"
                )
            else:
                tag = ""
            vc = data.stats.value_counts(col)
            repeated = vc[vc > 1]
            extra = int((repeated - 1).sum())
            missing = f"; {count(st.missing, 'row')} without an id" if st.missing else ""
            columns.append(col)
            if not extra:
                statuses.append(Status.PASS)
                parts.append(f"all {st.count:,} values of {col}{tag} are unique{missing}")
                observed[col] = {"repeated_ids": 0, "extra_rows": 0}
                continue
            if copies is None:
                # rows that are exact duplicates over every column (the id included) are plain copies; the
                # same grouping as consistency.duplicate_rows, so the two checks agree
                c_idx, c_g = _duplicate_groups(data, data.columns)
                later = c_idx[pd.Series(c_g).duplicated().to_numpy()]  # copies of an earlier row
                copies = (c_idx, later)
            c_idx, later = copies
            s = data.frame[col]
            involved = np.flatnonzero(s.isin(repeated.index).to_numpy())
            identical = int(np.isin(involved, c_idx).sum())
            extra_copies = int(np.isin(later, involved).sum())
            extra_graded = extra - extra_copies
            share = extra_graded / n if n else 0.0
            status = grade(share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
            if how in ("probable", "detected") and status == Status.FAIL:
                status = Status.WARN  # a guessed role reports but does not fail the verdict
            statuses.append(status)
            conflicting = len(involved) - identical
            if conflicting == 0:
                nature = (
                    "all are exact duplicate rows, counted by consistency.duplicate_rows (not graded here)"
                )
            else:
                nature = f"{count(conflicting, 'row')} differ in other columns (conflicting records)"
                if extra_copies:
                    nature += (
                        f"; {count(extra_copies, 'extra row')} exact copies of another row, counted by "
                        "consistency.duplicate_rows"
                    )
            parts.append(
                f"{count(len(repeated), 'id')} of {col}{tag} repeated: {extra:,} extra rows "
                f"({_pct(extra / n)} of {n:,}); {nature}{missing}"
            )
            observed[col] = {
                "repeated_ids": len(repeated),
                "extra_rows": extra,
                "copies": extra_copies,
                "share": round(share, 4),
            }
            values = s.to_numpy()
            examples = []
            for value in repeated.index[:5]:  # five vectorised scans, one per example id
                rows = np.flatnonzero(values == value)
                ident = bool(rows.size and np.isin(rows, c_idx).all())
                examples.append(
                    (
                        mask_example(value, column=col, kind=st.kind),
                        int(repeated[value]),
                        _row_list(rows),
                        ident,
                    )
                )
            evidence.append(
                Table.of(
                    ("id", "rows", "row numbers", "identical rows"),
                    examples,
                    title=f"Most repeated ids of {col}",
                )
            )
        single = len(targets) == 1
        return Outcome.make(
            worst_status(*statuses),
            "; ".join(parts),
            observed=(observed[targets[0][0]] if single else observed),
            expected=expected,
            columns=columns,
            evidence=evidence,
        )
