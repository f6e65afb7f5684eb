"""The in-memory engine: the whole table as one pandas frame. The reference every other engine is tested
against (tests/test_engine_differential.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property

import numpy as np
import pandas as pd

from dataaudit.engine.base import QUANTILES, ColumnProfile, Engine, GroupSummary, Predicate

__all__ = ["PandasEngine"]


class PandasEngine(Engine):
    name = "pandas"

    def __init__(
        self,
        frame: pd.DataFrame,
        reason: str = "",
        counts: Callable[[str], pd.Series] | None = None,
        codes: Callable[[str], np.ndarray | None] | None = None,
    ) -> None:
        self.frame = frame
        self.reason = reason
        #: the value counts of a column of ``frame`` when something already keeps them (the dataset's
        #: :class:`~dataaudit.stats.Stats`, which computes exactly these): not counted a second time
        self._counts = counts
        #: likewise a text column's ``pd.factorize`` codes (``Stats.text_codes``), for the row keys and the
        #: group counts
        self._codes = codes

    @property
    def n_rows(self) -> int:
        return len(self.frame)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    @property
    def in_memory(self) -> bool:
        return True

    def _profile_columns(self, columns: list[str]) -> dict[str, ColumnProfile]:
        return {c: _profile(self.frame[c], c, self._distinct(c)) for c in columns}

    def _distinct(self, column: str) -> int | None:
        return None if self._counts is None else len(self._counts(column))

    def value_counts(self, column: str, limit: int | None = None) -> pd.Series:
        from dataaudit.stats import _value_counts

        if self._counts is not None:
            vc = self._counts(column)
        else:
            s = self.frame[column]
            try:
                vc = _value_counts(s)
            except TypeError:  # unhashable values (lists, dicts): count their text
                vc = s.dropna().astype(str).value_counts(sort=True)
        return vc if limit is None else vc.head(limit)

    def count_where(self, predicates: Mapping[str, Predicate]) -> dict[str, int]:
        return {key: int(_mask(self.frame[p.column], p).sum()) for key, p in predicates.items()}

    def group_counts(self, columns: Sequence[str]) -> pd.DataFrame:
        counts = _coded_group_counts(self.frame, columns, self._codes)
        if counts is None:
            sizes = self.frame.groupby(list(columns), dropna=False, sort=False, observed=True).size()
            counts = sizes.rename("count").reset_index()
        return counts.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)

    def _groups(self, columns: Sequence[str]) -> np.ndarray:
        """Group numbers over ``columns``: rows equal on them share one, numbered in order of their first
        row (``pd.factorize`` of the row keys). Kept for the next call (duplicates then conflicts on the
        same features group the rows once); only the last: the checks ask for the same columns one after
        the other, and each array is as long as the table."""
        cache = self._group_cache
        key = tuple(columns)
        groups = cache.get(key)
        if groups is None:
            cache.clear()  # before hashing: the old groups are not needed while the new ones are made
            groups = pd.factorize(_row_keys(self.frame, columns, self._codes))[0]
            cache[key] = groups  # read back only through ``groups``: a check beside this one may clear it
        return groups

    @cached_property
    def _group_cache(self) -> dict[tuple[str, ...], np.ndarray]:
        """The last grouping :meth:`_groups` made, by its columns."""
        return {}

    def duplicates(self, columns: Sequence[str], limit: int = 5) -> GroupSummary:
        groups = self._groups(columns)
        return _summary(groups, np.ones(len(groups), dtype=bool), None, limit)

    def conflicts(self, features: Sequence[str], target: str, limit: int = 5) -> GroupSummary:
        labelled = self.frame[target].notna().to_numpy()
        groups = self._groups(features)
        y = pd.factorize(self.frame[target])[0]
        return _summary(groups, labelled, y, limit)

    def rows(
        self, positions: Sequence[int] | np.ndarray, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        pos = np.asarray(positions, dtype=np.int64)
        part = self.frame.iloc[pos] if columns is None else self.frame.iloc[pos][list(columns)]
        if (
            isinstance(self.frame.index, pd.RangeIndex)
            and self.frame.index.start == 0
            and self.frame.index.step == 1
        ):
            return part
        return part.set_axis(pd.Index(pos), axis=0)


def _profile(s: pd.Series, name: str, distinct: int | None = None) -> ColumnProfile:
    """``distinct``: the number of distinct values when already known (from the value counts)."""
    from dataaudit.stats import _value_counts

    present = s.notna()
    count = int(present.sum())
    if distinct is None:
        try:
            distinct = len(_value_counts(s))
        except TypeError:
            distinct = int(s.dropna().astype(str).nunique())
    numbers = None
    mean_length = None
    lo = hi = None
    if pd.api.types.is_bool_dtype(s):
        pass
    elif pd.api.types.is_datetime64_any_dtype(s):
        if count:
            lo, hi = s.min(), s.max()
    elif pd.api.types.is_numeric_dtype(s):
        numbers = s.astype("float64")
    elif pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
        text = s[present]
        # pandas-stubs take no type object in eq(); pandas compares the types element-wise
        is_str = text.map(type).eq(str) if len(text) else pd.Series([], dtype=bool)  # type: ignore[arg-type]
        strs = text[is_str.to_numpy(dtype=bool)] if len(text) else text
        mean_length = float(strs.str.len().mean()) if len(strs) else None
        numbers = pd.to_numeric(text, errors="coerce")
    prof: dict[str, object] = {}
    if numbers is not None:
        vals = numbers.to_numpy(dtype="float64", na_value=np.nan)
        vals = vals[np.isfinite(vals)]
        prof["numbers"] = len(vals)
        if len(vals):
            qs = np.quantile(vals, list(QUANTILES.values()))
            prof.update(
                min=float(vals.min()),
                max=float(vals.max()),
                mean=float(vals.mean()),
                std=float(vals.std(ddof=1)) if len(vals) > 1 else 0.0,
                quantiles=dict(zip(QUANTILES, (float(q) for q in qs))),
            )
    elif lo is not None:
        prof.update(min=lo, max=hi)
    return ColumnProfile(
        name=name,
        dtype=str(s.dtype),
        count=count,
        missing=len(s) - count,
        distinct=distinct,
        mean_length=mean_length,
        **prof,  # type: ignore[arg-type]
    )


def _mask(s: pd.Series, p: Predicate) -> np.ndarray:
    if p.op == "missing":
        return s.isna().to_numpy()
    if p.op == "present":
        return s.notna().to_numpy()
    if p.op in ("in", "not in"):
        hit = s.isin(list(p.value)).to_numpy()
        return hit if p.op == "in" else (~hit & s.notna().to_numpy())
    values = s if pd.api.types.is_datetime64_any_dtype(s) else pd.to_numeric(s, errors="coerce")
    with np.errstate(invalid="ignore"):
        if p.op == "outside":
            low, high = p.value
            out = (values < low) | (values > high)
        else:
            out = {
                "<": values < p.value,
                "<=": values <= p.value,
                ">": values > p.value,
                ">=": values >= p.value,
            }[p.op]
    return out.fillna(False).to_numpy(dtype=bool)


def _coded_group_counts(
    frame: pd.DataFrame, columns: Sequence[str], codes: Callable[[str], np.ndarray | None] | None
) -> pd.DataFrame | None:
    """``frame.groupby(columns, dropna=False, sort=False).size()`` as a frame with ``count``, groups in
    order of their first row, from integer codes: a text column's kept ``pd.factorize`` codes
    (``Stats.text_codes``) or an integer column's own; None for any other column, where pandas groups.
    pandas would hash every text value again and look for missing ones (1M rows, a text column and an
    integer target: ~0.09 s instead of ~0.03). Missing text is NaN, as in pandas' groups."""
    names = list(columns)
    if not len(frame) or not names or len(set(names)) < len(names) or "count" in names:
        return None
    parts: list[np.ndarray] = []
    for c in names:
        s = frame[c]
        kept = codes(c) if codes is not None and s.dtype == object else None
        if kept is not None and kept.max(initial=-1) >= 0:  # all missing: pandas' key is a float NaN
            parts.append(kept)
        elif isinstance(s.dtype, np.dtype) and s.dtype.kind in "iu":
            parts.append(pd.factorize(s.to_numpy())[0])
        else:
            return None
    key = np.zeros(len(frame), dtype=np.int64)
    room = 1
    for part in parts:  # one integer per combination: the codes (missing, -1, shifted to 0) in mixed radix
        radix = int(part.max(initial=-1)) + 2
        room *= radix
        if room >= 2**62:
            return None
        key *= radix
        key += part
        key += 1
    groups, _ = pd.factorize(key)  # numbered in order of first row
    # a group's first row is where its number exceeds every number before it
    first = np.flatnonzero(groups > np.maximum.accumulate(np.concatenate(([-1], groups[:-1]))))
    out = {}
    for c in names:
        values = frame[c].to_numpy()[first]
        if values.dtype == object:
            values[pd.isna(values)] = np.nan  # None read from a file is NaN in pandas' groups
        out[c] = values
    out["count"] = np.bincount(groups).astype(np.int64)
    return pd.DataFrame(out)


def _row_keys(
    frame: pd.DataFrame, columns: Sequence[str], codes: Callable[[str], np.ndarray | None] | None = None
) -> np.ndarray:
    """One integer per row, equal for rows equal on ``columns`` (missing equals missing):
    ``pd.util.hash_pandas_object(frame[columns], index=False)``, column by column, without the copy of every
    column that ``frame[columns]`` makes (1M rows × 20 columns: 0.25 GiB at the audit's peak)."""
    try:
        return _combine((_column_hash(frame[c], codes and codes(c)) for c in columns), len(columns))
    except TypeError:  # unhashable cells: every column's text, as hash_pandas_object(sub.astype(str))
        return _combine((_column_hash(frame[c].astype(str)) for c in columns), len(columns))


def _column_hash(s: pd.Series, codes: np.ndarray | None = None) -> np.ndarray:
    """One 64-bit key per row, equal for equal values (missing equals missing). For a column of ``str``: its
    ``pd.factorize`` codes, each mixed into 64 bits (splitmix64, one-to-one, so distinct values keep
    distinct keys), which is what hashing the distinct values' UTF-8 bytes (``hash_pandas_object``) gives a
    grouping, in about 55% of the time (1M distinct texts: 0.18 s instead of 0.32 s). Other columns:
    ``pd.util.hash_pandas_object(s, index=False)``, as mixed objects (``1`` and ``"1"``) are told apart
    by their text there."""
    from dataaudit.stats import all_str

    if codes is not None:  # the column's codes, kept by the statistics: a column of str (Stats.text_codes)
        return _mix(codes)
    values = s.to_numpy()
    if values.dtype == object and not pd.get_option("future.infer_string"):
        codes, uniques = pd.factorize(values, sort=False)
        if all_str(values.dtype, uniques):
            return _mix(codes)
    if values.dtype.kind == "f":  # -0.0 and 0.0 are one value, as DataFrame.duplicated and SQL engines count
        s = s + 0.0
    return pd.util.hash_pandas_object(s, index=False).to_numpy()


def _mix(codes: np.ndarray) -> np.ndarray:
    """splitmix64 of the codes (missing, -1, is one code like the others): the golden-ratio step, then the
    finaliser; every step is one-to-one on 64-bit integers, and the outputs look random, as the row keys'
    combination (:func:`_combine`) expects of a column's hash."""
    z = codes.astype(np.uint64)
    z += np.uint64(0x9E3779B97F4A7C15)
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return z


def _combine(hashes: Iterator[np.ndarray], n: int) -> np.ndarray:
    """Per-column hashes combined into one per row, as ``hash_pandas_object`` combines a frame's columns
    (pandas.core.util.hashing.combine_hash_arrays: CPython's tuple hash), in place."""
    out: np.ndarray | None = None
    mult = np.uint64(1000003)
    for i, h in enumerate(hashes):
        if out is None:
            out = np.full(len(h), 0x345678, dtype=np.uint64)
        out ^= h
        out *= mult
        mult += np.uint64(82520 + 2 * (n - i))
    if out is None:
        return np.array([], dtype=np.uint64)
    out += np.uint64(97531)
    return out


def _summary(groups: np.ndarray, use: np.ndarray, labels: np.ndarray | None, limit: int) -> GroupSummary:
    """The groups of rows among those in ``use``, from ``groups`` (group numbers in order of first row, as
    :meth:`PandasEngine._groups` gives). Lean on memory (it runs over every row): when every row is used,
    they are the groups as they are; otherwise renumbered over the rows used. Either way group numbers
    ascend with their first row, so that order by first row is order by group number."""
    every = bool(use.all())
    positions = None if every else np.flatnonzero(use)
    codes = groups if positions is None else pd.factorize(groups[positions])[0]
    sizes = np.bincount(codes)
    if labels is not None:
        # only a group of more than one row can hold two labels: the (group, label) pairs of those rows
        multi = np.flatnonzero(sizes[codes] > 1)
        g = codes[multi]
        y = labels[multi] if positions is None else labels[positions[multi]]
        base = int(y.max()) + 2 if len(y) else 2  # labels are codes, -1 for missing
        pairs = np.unique(g * base + (y + 1))  # each (group, label) once
        n_labels = np.bincount(pairs // base, minlength=len(sizes))
        del multi, g, y, pairs
        keep = n_labels > 1
    else:
        n_labels = None
        keep = sizes > 1
    kept = np.flatnonzero(keep)
    # largest first, ties by first row: group numbers ascend with their first row
    order = kept[np.argsort(-sizes[kept], kind="stable")]
    # the rows of the first ``limit`` groups in one pass (a scan per group is quadratic for large limits)
    shown = order[:limit]
    examples: list[tuple[int, ...]] = []
    if len(shown):
        rank = np.full(len(sizes), -1, dtype=np.int64)
        rank[shown] = np.arange(len(shown))
        sel = np.flatnonzero(rank[codes] >= 0)
        r = rank[codes[sel]]
        del rank
        o = np.argsort(r, kind="stable")  # grouped by rank, ascending within each group
        sel, r = sel[o], r[o]
        rows = sel if positions is None else positions[sel]
        parts = np.split(rows, np.cumsum(np.bincount(r, minlength=len(shown)))[:-1])
        examples = [tuple(part.tolist()) for part in parts]
    return GroupSummary(
        sizes=sizes[order],
        examples=tuple(examples),
        labels=None if n_labels is None else n_labels[order],
    )
