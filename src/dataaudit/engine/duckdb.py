"""The embedded engine: DuckDB, for data larger than memory on one machine.

The data lives in one DuckDB table (on disk in a temporary folder when it came from a file, see
:mod:`dataaudit.engine.duckdb_load`; in memory for :meth:`DuckDBEngine.from_frame`) with a ``BIGINT`` row
position column, so that every operation can keep the pandas engine's order conventions (ties by first
appearance, samples by position). Each column has a *kind* that fixes how it is stored and how it comes back
to pandas, with the dtype the pandas loader gives:

============  ======================  =====================================================
kind          DuckDB type             pandas dtype
============  ======================  =====================================================
``int``       BIGINT                  int64 (int32… for a frame or Parquet that had it)
``float``     DOUBLE (NaN is NULL)    float64 (an integer column with missing values too)
``bool``      BOOLEAN                 bool
``objbool``   BOOLEAN with NULLs      object (True/False/None, as arrow gives pandas)
``datetime``  DATE/TIMESTAMP[_NS|TZ]  datetime64[ms|s|ns] or datetime64[s, UTC]…
``time``      TIME                    object (datetime.time)
``text``      VARCHAR                 object
``decimal``   DECIMAL (Parquet)       object (decimal.Decimal)
============  ======================  =====================================================

Column names reach SQL only through :func:`qi` (double-quoted, inner quotes doubled) and values only as bound
parameters or registered Arrow tables.

Costs at scale (100M rows): counts, sums, min/max and GROUP BYs stream and spill to the temporary folder
under ``memory_limit``. ``count(DISTINCT)`` is exact and spills; above :data:`EXACT_DISTINCT_ROWS` rows a
column whose HyperLogLog estimate exceeds :data:`EXACT_DISTINCT_MAX` keeps the sketch
(``distinct_exact=False``).
``quantile_cont`` is exact but holistic: it holds every value of the column in memory while it runs (8 bytes a
value: 100M rows × 10 numeric columns ≈ 8 GB), so when the values would not fit in a quarter of the memory
limit the quantiles come from one windowed query instead (a spilling sort of all numeric values, then the
ranks that ``quantile_cont`` interpolates between): still exact, slower (minutes at 100M × 10).
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from dataaudit.engine.base import GroupSummary, Predicate
from dataaudit.engine.duckdb_base import (
    _NUMERIC_KINDS,
    _fresh,
    _limit_bytes,
    _position_name,
    connect,
    qi,
    run,
)
from dataaudit.engine.duckdb_profile import DuckDBProfile
from dataaudit.engine.duckdb_types import _as_dtype, _frame_column, _list_for, _numpy_number, _timestamp_param
from dataaudit.engine.workdir import make_workdir

__all__ = ["DuckDBEngine", "qi"]

#: duplicate and conflict groups are found by a key hash first unless more than this share of the rows
#: would then be candidates (most rows duplicated: the exact grouping of the whole table is cheaper)
CANDIDATE_SHARE = 0.5
#: memory per entry of a GROUP BY on a 64-bit hash: the row (key, count, the group's own hash: ~32 bytes)
#: and the pointer array, whose power-of-two size is allocated whole (10M rows under a 100 MB limit, 7 parts
#: at 32 bytes: one thread's table of 1.4M keys asked for a 32 MiB array at 64 of 95 MiB used, and failed)
HASH_ENTRY_BYTES = 64
#: out of memory all the same, the hash space is grouped again in this many times more parts, up to
#: :data:`MAX_HASH_PARTS` (each part is one more scan of the key columns)
HASH_PARTS_GROWTH = 4
MAX_HASH_PARTS = 1024
#: value counts that run out of memory fall back to the exact counts of the values DuckDB's ``approx_top_k``
#: sketch takes for the most frequent, at most this many (marked approximate): the sketch's cost grows with
#: k (2M distinct texts: k=100 1.1 s, 1,000 6 s, 10,000 67 s)
APPROXIMATE_TOP = 100
#: the duplicate candidates of the last key columns are kept for the next ask when at most this many rows
CACHED_CANDIDATES = 1_000_000


def _key_hash(keys: Sequence[str]) -> str:
    """The SQL of one 64-bit hash of the (quoted) key columns: DuckDB's ``hash``, NULL-safe (a missing value
    hashes to a fixed value) and equal for values that GROUP BY counts equal. Only a filter: the groups are
    then made by the columns themselves, so a collision costs time, never a wrong count."""
    return f"hash({', '.join(keys)})"


class DuckDBEngine(DuckDBProfile):
    """An :class:`Engine` over one DuckDB table. Build it with :meth:`from_frame` or
    :func:`dataaudit.engine.duckdb_load.open_duckdb`; use it as a context manager, or call :meth:`close`
    (which also removes its temporary folder; done at exit too)."""

    name = "duckdb"

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        memory_limit: str | None = None,
        temp_dir: str | None = None,
        threads: int | None = None,
        reason: str = "",
    ) -> DuckDBEngine:
        """A pandas frame ingested into an in-memory DuckDB database (spilling to a temporary folder). The
        frame is expected prepared like a loaded file (string column names, unique; see
        :func:`dataaudit.loading.from_frame`). Object columns holding anything but text, booleans or times
        (mixed Python objects) are stored as their text."""
        import pyarrow as pa

        tmp = make_workdir(temp_dir)
        try:
            con = connect(None, tmp, memory_limit, threads)
            columns = [str(c) for c in frame.columns]
            position = _position_name(columns)
            arrays, dtypes, kinds = {}, {}, {}
            for i, name in enumerate(columns):
                s = frame.iloc[:, i]
                values, dtypes[name], kinds[name] = _frame_column(s)
                arrays[name] = values
            arrays[position] = pa.array(np.arange(len(frame), dtype=np.int64))
            table = pa.table(arrays)
            view = _fresh("frame")
            con.register(view, table)
            run(con, f"CREATE TABLE data AS SELECT * FROM {qi(view)}")
            con.unregister(view)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls(con, "data", columns, dtypes, kinds, len(frame), position, tmp, reason, _limit_bytes(con))

    def __enter__(self) -> DuckDBEngine:
        return self

    # ------------------------------------------------------------------ what the engine keeps
    @cached_property
    def _value_counts_cache(self) -> dict[str, tuple[pd.Series, bool]]:
        """Each column's value counts fetched so far, and whether they are all of them."""
        return {}

    @cached_property
    def _n_distinct(self) -> dict[str, int]:
        """Each column's number of distinct non-missing values, where a GROUP BY counted them."""
        return {}

    @cached_property
    def approximate_counts(self) -> set[str]:
        """The columns whose value counts came from the sketch (their exact GROUP BY ran out of memory)."""
        return set()

    @cached_property
    def _candidate_cache(self) -> dict[tuple[str, ...], str]:
        """The table holding the candidate rows of duplicate and conflict grouping, by the columns grouped."""
        return {}

    # ------------------------------------------------------------------ counts
    def value_counts(self, column: str, limit: int | None = None) -> pd.Series:
        return self._value_counts_of(column, limit, groups=False)

    def _value_counts_of(self, column: str, limit: int | None, groups: bool) -> pd.Series:
        """:meth:`value_counts`; with ``groups``, also how many groups there are (``_n_distinct``)."""
        import duckdb

        self._check([column])
        # one GROUP BY per column: the statistics ask for the top 10 first, the checks for all counts (at most
        # MAX_VALUE_COUNTS) later, so the first ask fetches up to that many and the later ones read them
        cache, n_distinct = self._value_counts_cache, self._n_distinct
        if column in cache and (not groups or column in n_distinct):
            got, complete = cache[column]
            if complete or (limit is not None and limit <= len(got)):  # a new Series: callers may change it
                return got.copy(deep=False) if limit is None or limit >= len(got) else got.head(limit)
        from dataaudit.engine.stats import MAX_VALUE_COUNTS

        fetch = None if limit is None else max(int(limit), MAX_VALUE_COUNTS)
        sketched = self.approximate_counts
        # a column whose exact GROUP BY ran out of memory once goes to the sketch straight away
        sketch = limit is not None and not groups and column in sketched
        if not sketch:
            try:
                counts, n = self._fetch_value_counts(column, fetch, groups, retry=groups or fetch is None)
                complete = n <= len(counts) if n is not None else fetch is None or len(counts) < fetch
            except duckdb.OutOfMemoryException:
                if groups or fetch is None:
                    raise
                sketch = True
        if sketch:
            assert limit is not None
            counts, n = self._approximate_counts(column, min(max(int(limit), 10), APPROXIMATE_TOP)), None
            complete = False
            sketched.add(column)
        if n is not None:
            n_distinct[column] = n
        cache[column] = (counts, complete)
        return counts.copy(deep=False) if limit is None or limit >= len(counts) else counts.head(limit)

    def _distinct_values(self, cols: Sequence[str]) -> list[int]:
        """Exact distinct non-missing values of each column: the number of groups of its value counts, which
        the statistics ask for anyway (one GROUP BY gives both; a separate exact distinct count of every
        column cost 11 s of a 120 s audit at 10M rows × 20)."""
        groups = self._n_distinct
        for c in cols:
            if c not in groups:
                self._value_counts_of(c, 10, groups=True)
        return [groups[c] for c in cols]

    def _tie(self, column: str, table: str = "") -> str:
        """How value counts break ties, as pandas does: plain numbers by value; anything else, nullable
        Int64 included, by first appearance."""
        q = f"{table}{qi(column)}"
        numeric = self._kinds[column] in _NUMERIC_KINDS and _numpy_number(self._dtypes[column])
        return q if numeric else f"min({table}{self._pos})"

    def _fetch_value_counts(
        self, column: str, limit: int | None, groups: bool, retry: bool = True
    ) -> tuple[pd.Series, int | None]:
        """The value counts (at most ``limit``) and, with ``groups``, how many groups (distinct non-missing
        values) there are in all (None without)."""
        q = qi(column)
        if limit is not None and groups:
            # the number of groups before the LIMIT, counted over the aggregate kept once: a window
            # (``count(*) OVER ()``) materialised every group again, 20-30% of the query on a column of 5-9M
            # distinct values at 10M rows
            tie = self._tie(column)
            order = "v" if tie == q else "p"
            first = "" if tie == q else f", {tie} AS p"
            sql = (
                f"WITH g AS (SELECT {q} AS v, count(*) AS c{first} FROM {self._table} WHERE {q} IS NOT NULL "
                f"GROUP BY {q}) SELECT v, c, (SELECT count(*) FROM g) FROM g ORDER BY c DESC, {order} LIMIT ?"
            )
        else:
            sql = (
                f"SELECT {q}, count(*) FROM {self._table} WHERE {q} IS NOT NULL GROUP BY {q} "
                f"ORDER BY 2 DESC, {self._tie(column)}" + (" LIMIT ?" if limit is not None else "")
            )
        res = self._q(sql, [int(limit)] if limit is not None else [], retry=retry)
        counts = self._counts_series(column, res)
        if limit is None:
            return counts, len(counts)
        return counts, (int(res.column(2)[0].as_py()) if res.num_rows else 0) if groups else None

    def _approximate_counts(self, column: str, k: int) -> pd.Series:
        """The exact counts of the ``k`` values DuckDB's ``approx_top_k`` (a constant-memory sketch) takes
        for the most frequent: when the exact GROUP BY runs out of memory (100M distinct ids under 1 GiB).
        The result is marked approximate."""
        from dataaudit.engine.scope import note_approximate

        q = qi(column)
        sql = (
            f"WITH top AS (SELECT unnest(approx_top_k({q}, {int(k)})) AS v FROM {self._table}) "
            f"SELECT t.{q}, count(*) FROM {self._table} t JOIN top ON t.{q} = top.v "
            f"GROUP BY t.{q} ORDER BY 2 DESC, {self._tie(column, 't.')}"
        )
        note_approximate()
        return self._counts_series(column, self._q(sql))

    def _counts_series(self, column: str, res: Any) -> pd.Series:
        """Value counts as pandas gives them, from a result of (value, count) rows."""
        values = _as_dtype(
            res.column(0).to_pandas(date_as_object=False), self._dtypes[column], self._kinds[column]
        )
        index = pd.Index(values, name=column, tupleize_cols=False)
        if self._kinds[column] == "objbool":
            index = pd.Index(values.astype(object), dtype=object, name=column)
        return pd.Series(res.column(1).to_numpy().astype(np.int64), index=index, name="count")

    def count_where(self, predicates: Mapping[str, Predicate]) -> dict[str, int]:
        if not predicates:
            return {}
        self._check([p.column for p in predicates.values()])
        parts, params = [], []
        for i, p in enumerate(predicates.values()):
            cond, ps = self._condition(p)
            parts.append(f"count(*) FILTER (WHERE {cond}) AS c{i}")
            params += ps
        row = self._q(f"SELECT {', '.join(parts)} FROM {self._table}", params).to_pylist()[0]
        return {key: int(row[f"c{i}"]) for i, key in enumerate(predicates)}

    def _condition(self, p: Predicate) -> tuple[str, list[Any]]:
        q, kind = qi(p.column), self._kinds[p.column]
        if p.op == "missing":
            return f"{q} IS NULL", []
        if p.op == "present":
            return f"{q} IS NOT NULL", []
        if p.op in ("in", "not in"):
            sqltype, values = _list_for(kind, self._dtypes[p.column], list(p.value))
            listed = f"CAST({q} AS DOUBLE)" if sqltype == "DOUBLE" else q
            if p.op == "in":
                return f"list_contains(?::{sqltype}[], {listed})", [values]
            return f"{q} IS NOT NULL AND NOT list_contains(?::{sqltype}[], {listed})", [values]
        expr: str | None
        cast: Callable[[Any], Any]
        if kind == "datetime":
            expr, cast = q, _timestamp_param
        else:
            # pandas compares pd.to_numeric(column): booleans as 0/1 (though the profile counts no numbers)
            expr, cast = self._number(p.column) or (f"CAST({q} AS DOUBLE)" if kind == "bool" else None), float
            if expr is None:
                return "false", []
        if p.op == "outside":
            low, high = p.value
            return f"({expr} < ? OR {expr} > ?)", [cast(low), cast(high)]
        op = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}[p.op]
        return f"{expr} {op} ?", [cast(p.value)]

    def group_counts(self, columns: Sequence[str]) -> pd.DataFrame:
        cols = list(columns)
        self._check(cols)
        keys = ", ".join(qi(c) for c in cols)
        res = self._q(
            f"SELECT {keys}, count(*) FROM {self._table} GROUP BY {keys} "
            f"ORDER BY {len(cols) + 1} DESC, min({self._pos})"
        )
        frame = self._to_pandas(res.select(list(range(len(cols)))), cols)
        for i in range(len(cols)):  # pandas' groupby keys hold a missing text value as NaN
            if frame.dtypes.iloc[i] == np.dtype(object):
                frame.isetitem(i, frame.iloc[:, i].where(frame.iloc[:, i].notna(), np.nan).to_numpy())
        frame["count"] = res.column(len(cols)).to_numpy().astype(np.int64)
        return frame

    def duplicates(self, columns: Sequence[str], limit: int = 5) -> GroupSummary:
        self._check(list(columns))
        return self._groups(list(columns), None, limit)

    def conflicts(self, features: Sequence[str], target: str, limit: int = 5) -> GroupSummary:
        self._check([*features, target])
        return self._groups(list(features), target, limit)

    def _groups(self, cols: list[str], target: str | None, limit: int) -> GroupSummary:
        """The groups over the rows that can be in one: grouped exactly (by the columns themselves), but only
        among the *candidate* rows that :meth:`_candidates` keeps by a 64-bit hash of the key columns.
        A single column that is not text is grouped directly (its GROUP BY is as cheap as the hash's)."""
        if not cols or (len(cols) == 1 and self._kinds[cols[0]] != "text"):
            return self._exact_groups(self._table, cols, target, limit)
        rows, owned = self._candidate_rows(cols, target)
        if rows is None:  # most rows are candidates: the exact grouping of the table itself is cheaper
            return self._exact_groups(self._table, cols, target, limit)
        try:
            return self._exact_groups(rows, cols, target, limit)
        finally:
            if owned:
                run(self._con, f"DROP TABLE IF EXISTS {rows}")

    def _candidate_rows(self, cols: list[str], target: str | None) -> tuple[str | None, bool]:
        """The candidate rows' table, and whether the caller drops it. The duplicate candidates of the last
        key columns asked (up to :data:`CACHED_CANDIDATES` rows) are kept: the checks ask for the same columns
        again (duplicate rows, then ids), and for conflicts on the features they just asked duplicates of;
        a conflicting group's rows repeat their key, so they are among those candidates, whose labels then
        come by a join on the row position (two columns read, no hashing of the table again)."""
        cache = self._candidate_cache
        key = tuple(cols)
        if key in cache:
            if target is None:
                return cache[key], False
            labelled, y = qi(_fresh("candidates")), qi(target)
            label = "" if target in cols else f", t.{y}"
            run(
                self._con,
                f"CREATE TEMP TABLE {labelled} AS SELECT c.*{label} FROM {cache[key]} c "
                f"JOIN {self._table} t ON t.{self._pos} = c.{self._pos} WHERE t.{y} IS NOT NULL",
            )
            return labelled, True
        rows = self._candidates(cols, target)
        if target is not None or rows is None:
            return rows, True
        if run(self._con, f"SELECT count(*) FROM {rows}")[0][0] > CACHED_CANDIDATES:
            return rows, True
        for old in cache.values():
            run(self._con, f"DROP TABLE IF EXISTS {old}")
        cache.clear()
        cache[key] = rows
        return rows, False

    def _hash_parts(self) -> int:
        """Parts of the hash space to group one at a time: one, unless a hash table of every row's key
        (about :data:`HASH_ENTRY_BYTES` each) would need more than half the engine's memory limit."""
        if self._memory_limit is None:
            return 1
        return max(1, math.ceil(self._n_rows * HASH_ENTRY_BYTES / (self._memory_limit / 2)))

    def _candidates(self, cols: list[str], target: str | None) -> str | None:
        """A temporary table of the rows (key columns, target, position) whose key hash repeats
        (duplicates) or holds more than one label (conflicts): a GROUP BY on one 64-bit value instead of on
        all the key columns (1M rows x 15-20 columns: the wide GROUP BY costs several times more and spills
        sooner). Rows equal on the keys have equal hashes (DuckDB's ``hash`` is NULL-safe and hashes the
        values its GROUP BY counts equal, -0.0 and 0.0 alike), so every group of :meth:`_exact_groups` is
        among these rows whole; a collision only brings in rows that the exact grouping then keeps apart.
        None when more than :data:`CANDIDATE_SHARE` of the rows would be candidates (nothing to gain)."""
        import duckdb

        h = qi(self._alias("hash"))
        hashed = _key_hash([qi(c) for c in cols])
        y = qi(target) if target else None
        where = f"WHERE {y} IS NOT NULL" if y else ""
        having = f"min({y}) <> max({y})" if y else "count(*) > 1"
        n = qi(self._alias("n"))
        cand = qi(_fresh("hashes"))
        # the hash table holds one entry per distinct key: under a memory limit too small for all of them,
        # the hash space is grouped in parts, one scan of the kept hashes each (each part's result is small:
        # repeats only); a part that still runs out of memory starts the grouping again in more parts
        parts = self._hash_parts()
        inner = f"SELECT {hashed} AS {h}{', ' + y if y else ''} FROM {self._table} {where}"
        hashes = qi(_fresh("keyhashes"))
        stored = False
        try:
            while True:
                if parts > 1 and not stored:
                    # in parts, the key hash is computed once and kept (8 bytes a row, and the label), so that
                    # each part reads that column instead of reading and hashing every key column again (100M
                    # rows × 20 columns under a 1 GiB limit: 12 parts)
                    run(self._con, f"CREATE TEMP TABLE {hashes} AS {inner}")
                    inner, stored = f"SELECT * FROM {hashes}", True
                try:
                    for i in range(parts):
                        part = f"WHERE {h} % {parts} = {i}" if parts > 1 else ""
                        select = (
                            f"SELECT {h}, count(*) AS {n} FROM ({inner}) {part} GROUP BY {h} HAVING {having}"
                        )
                        into = f"CREATE TEMP TABLE {cand} AS" if i == 0 else f"INSERT INTO {cand}"
                        # not :func:`run`: its retry on one thread gives one thread's table every key
                        # of the part
                        self._con.execute(f"{into} {select}").fetchall()
                    break
                except duckdb.OutOfMemoryException:
                    run(self._con, f"DROP TABLE IF EXISTS {cand}")
                    if parts >= MAX_HASH_PARTS:
                        raise
                    parts = min(MAX_HASH_PARTS, parts * HASH_PARTS_GROWTH)
        finally:
            if stored:
                run(self._con, f"DROP TABLE IF EXISTS {hashes}")
        try:
            total = run(self._con, f"SELECT coalesce(sum({n}), 0) FROM {cand}")[0][0]
            if total > CANDIDATE_SHARE * self._n_rows:
                return None
            rows = qi(_fresh("candidates"))
            keep = ", ".join(qi(c) for c in dict.fromkeys([*cols, *([target] if target else [])]))
            also = f"AND {y} IS NOT NULL" if y else ""
            run(
                self._con,
                f"CREATE TEMP TABLE {rows} AS SELECT {keep}, {self._pos} FROM {self._table} "
                f"WHERE {hashed} IN (SELECT {h} FROM {cand}) {also}",
            )
            return rows
        finally:
            run(self._con, f"DROP TABLE IF EXISTS {cand}")

    def _exact_groups(self, table: str, cols: list[str], target: str | None, limit: int) -> GroupSummary:
        """GROUP BY the columns themselves over ``table`` (exact: no hash collisions; DuckDB spills the
        groups to disk), keeping the groups of more than one row (conflicts: of more than one label); the
        examples are the rows of the first ``limit`` groups, fetched by a join on those groups only."""
        pos = self._pos
        keys = ", ".join(qi(c) for c in cols)
        where = f"WHERE {qi(target)} IS NOT NULL" if target else ""
        # more than one label: min <> max (a plain aggregate; count(DISTINCT) per group costs 2.5x the GROUP
        # BY), then the labels are counted for those groups only
        having = f"min({qi(target)}) <> max({qi(target)})" if target else "count(*) > 1"
        n, f = (qi(self._alias(a)) for a in ("n", "first"))
        g = qi(_fresh("groups"))
        run(
            self._con,
            f"CREATE TEMP TABLE {g} AS SELECT {keys}, count(*) AS {n}, min({pos}) AS {f} "
            f"FROM {table} {where} GROUP BY {keys} HAVING {having}",
        )
        on = " AND ".join(f"t.{qi(c)} IS NOT DISTINCT FROM top.{qi(c)}" for c in cols)
        try:
            # the sizes, largest first, come as (size, how many groups of it): a timestamp of 100M rows has
            # 26M repeated values, whose (size, first row) pairs fetched whole held 0.6 GiB in this process
            res = self._q(f"SELECT {n}, count(*) FROM {g} GROUP BY {n} ORDER BY {n} DESC")
            sizes = np.repeat(
                res.column(0).to_numpy().astype(np.int64), res.column(1).to_numpy().astype(np.int64)
            )
            del res
            n_labels = None
            if target:
                n_labels = np.zeros(len(sizes), dtype=np.int64)
                if len(sizes):
                    got = self._q(  # every group of g has rows with a label: one row each, in g's order
                        f"SELECT count(DISTINCT t.{qi(target)}) FROM {table} t JOIN {g} top ON {on} "
                        f"WHERE t.{qi(target)} IS NOT NULL GROUP BY top.{f}, top.{n} "
                        f"ORDER BY top.{n} DESC, top.{f}"
                    )
                    n_labels = got.column(0).to_numpy().astype(np.int64)
            examples: tuple[tuple[int, ...], ...] = ()
            if limit > 0 and len(sizes):
                also = f"AND t.{qi(target)} IS NOT NULL" if target else ""
                rows = self._q(
                    f"WITH top AS (SELECT * FROM {g} ORDER BY {n} DESC, {f} LIMIT ?) "
                    f"SELECT top.{f}, t.{pos} FROM {table} t JOIN top ON {on} {also} "
                    f"ORDER BY top.{n} DESC, top.{f}, t.{pos}",
                    [int(limit)],
                )
                grouped: dict[int, list[int]] = {}
                for first, p in zip(rows.column(0).to_pylist(), rows.column(1).to_pylist()):
                    grouped.setdefault(first, []).append(int(p))
                examples = tuple(tuple(v) for v in grouped.values())
        finally:
            run(self._con, f"DROP TABLE IF EXISTS {g}")
        return GroupSummary(sizes=sizes, examples=examples, labels=n_labels)

    # ------------------------------------------------------------------ rows
    def rows(
        self, positions: Sequence[int] | np.ndarray, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        import pyarrow as pa

        cols = list(self._columns if columns is None else columns)
        self._check(cols)
        pos = np.asarray(positions, dtype=np.int64).reshape(-1)
        if len(pos) and (pos.min() < -self._n_rows or pos.max() >= self._n_rows):
            raise IndexError(f"positions out of bounds for {self._n_rows:,} rows")
        pos = np.where(pos < 0, pos + self._n_rows, pos)
        name = _fresh("pos")
        self._con.register(
            name, pa.table({"i": pa.array(np.arange(len(pos), dtype=np.int64)), "p": pa.array(pos)})
        )
        try:
            select = ", ".join(f"t.{qi(c)}" for c in cols) or "NULL AS __none"
            res = self._q(
                f"SELECT {select} FROM {qi(name)} w JOIN {self._table} t ON t.{self._pos} = w.p ORDER BY w.i"
            )
        finally:
            self._con.unregister(name)
        if not cols:
            return pd.DataFrame(index=pd.Index(pos))
        frame = self._to_pandas(res, cols)
        frame.index = pd.RangeIndex(len(pos)) if np.array_equal(pos, np.arange(len(pos))) else pd.Index(pos)
        return frame
