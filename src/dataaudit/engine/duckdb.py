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

import itertools
import math
import os
import re
import shutil
import tempfile
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from dataaudit.engine.base import QUANTILES, ColumnProfile, Engine, GroupSummary, Predicate

__all__ = ["DuckDBEngine", "qi"]

#: above this many rows, distinct counts of high-cardinality columns may be HyperLogLog sketches
EXACT_DISTINCT_ROWS = 50_000_000
#: ... for columns whose sketch says more distinct values than this
EXACT_DISTINCT_MAX = 5_000_000

#: memory limit per column of one distinct-count query (DuckDB's hash tables need a few MB each to start)
DISTINCT_MEMORY = 12 * 1024**2

#: text that ``pandas.to_numeric`` reads as a number (what the pandas engine counts as ``numbers`` of a text
#: column); values beyond the float range and NaN are then dropped as not finite, as there
_PNUM = r"^[ \t\n\r\f\v]*[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|(?i:inf|infinity))[ \t\n\r\f\v]*$"

_NUMERIC_KINDS = ("int", "float")
_names = itertools.count()


def qi(name: str) -> str:
    """A SQL identifier: double-quoted, inner double quotes doubled (``x"; DROP`` → ``"x""; DROP"``)."""
    return '"' + str(name).replace('"', '""') + '"'


def _fresh(prefix: str) -> str:
    return f"__dataaudit_{prefix}_{os.getpid()}_{next(_names)}"


class DuckDBEngine(Engine):
    """An :class:`Engine` over one DuckDB table. Build it with :meth:`from_frame` or
    :func:`dataaudit.engine.duckdb_load.open_duckdb`; use it as a context manager, or call :meth:`close`
    (which also removes its temporary folder; done at exit too)."""

    name = "duckdb"

    def __init__(
        self,
        con: Any,
        table: str,
        columns: Sequence[str],
        dtypes: Mapping[str, str],
        kinds: Mapping[str, str],
        n_rows: int,
        position: str,
        temp_dir: str | None = None,
        reason: str = "",
        memory_limit_bytes: int | None = None,
    ) -> None:
        self._con = con
        self._table = table  # already quoted
        self._columns = [str(c) for c in columns]
        self._dtypes = dict(dtypes)
        self._kinds = dict(kinds)
        self._n_rows = int(n_rows)
        self._pos = qi(position)
        self._temp_dir = temp_dir
        self._memory_limit = memory_limit_bytes
        self.reason = reason
        self._closed = False
        # called by close(), when the engine is collected, and at interpreter exit (weakref.finalize registers
        # itself with atexit: also after Ctrl-C, which unwinds as KeyboardInterrupt)
        self._finalizer = weakref.finalize(self, _cleanup, con, temp_dir)

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

        tmp = tempfile.mkdtemp(prefix="dataaudit-", dir=temp_dir)
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

    # ------------------------------------------------------------------ shape
    @property
    def n_rows(self) -> int:
        return self._n_rows

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    @property
    def dtypes(self) -> dict[str, str]:
        """Column → the pandas dtype the pandas loader gives it."""
        return dict(self._dtypes)

    @property
    def temp_dir(self) -> str | None:
        return self._temp_dir

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection and remove the temporary folder (database and spill files)."""
        self._closed = True
        self._finalizer()

    # ------------------------------------------------------------------ helpers
    def _alias(self, base: str) -> str:
        """A column alias no data column has."""
        name = f"__dataaudit_{base}"
        while name in self._kinds:
            name = "_" + name
        return name

    def _q(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """Run ``sql`` and return the result as an Arrow table."""
        return self._con.sql(sql, params=list(params) if params else None).to_arrow_table()

    def _check(self, columns: Sequence[str]) -> None:
        missing = [c for c in columns if c not in self._kinds]
        if missing:
            raise KeyError(f"no column(s) {', '.join(map(repr, missing))}")

    def _number(self, col: str) -> str | None:
        """A DOUBLE expression of the values the pandas engine reads as numbers (None: no numbers)."""
        kind, q = self._kinds[col], qi(col)
        if kind in ("int", "float", "objbool", "decimal"):
            return f"CAST({q} AS DOUBLE)"
        if kind == "text":
            # the regular expression (pandas.to_numeric's grammar) runs only on text DuckDB can cast
            x = f"TRY_CAST(trim({q}) AS DOUBLE)"
            return f"CASE WHEN {x} IS NULL THEN NULL WHEN regexp_full_match({q}, '{_PNUM}') THEN {x} END"
        return None

    def _to_pandas(self, table: Any, columns: Sequence[str]) -> pd.DataFrame:
        """An Arrow result whose columns are data columns (same order) → a frame with the loader's dtypes."""
        frame = table.to_pandas(date_as_object=False)
        frame.columns = list(columns)
        for i, col in enumerate(columns):
            frame.isetitem(i, _as_dtype(frame.iloc[:, i], self._dtypes[col], self._kinds[col]))
        return frame

    # ------------------------------------------------------------------ one pass over all columns
    def profile(self, columns: Sequence[str] | None = None) -> dict[str, ColumnProfile]:
        cols = list(columns or self._columns)
        self._check(cols)
        if not cols:
            return {}
        n = self._n_rows
        sketch = n > EXACT_DISTINCT_ROWS
        parts: list[str] = []
        numeric: dict[str, str] = {}
        project: list[str] = []
        for i, col in enumerate(cols):
            q = qi(col)
            project.append(f"{q} AS v{i}")
            parts.append(f"count(v{i}) AS n{i}")
            if sketch:
                parts.append(f"approx_count_distinct(v{i}) AS d{i}")
            x = self._number(col)
            if x is not None:
                # the finite numbers, computed once per row in the projection below
                numeric[col] = f"x{i}"
                project.append(f"CASE WHEN isfinite({x}) THEN {x} END AS x{i}")
                parts += [
                    f"count(x{i}) AS k{i}",
                    f"min(x{i}) AS lo{i}",
                    f"max(x{i}) AS hi{i}",
                    f"avg(x{i}) AS mu{i}",
                    f"stddev_samp(x{i}) AS sd{i}",
                ]
            elif self._kinds[col] == "datetime":
                parts += [f"min(v{i}) AS lo{i}", f"max(v{i}) AS hi{i}"]
            if self._kinds[col] == "text":
                parts.append(f"avg(length(v{i})) AS ml{i}")
        source = f"(SELECT {', '.join(project)} FROM {self._table})"
        row = self._q(f"SELECT {', '.join(parts)} FROM {source}").to_pylist()[0]
        if not sketch:
            row.update({f"d{i}": d for i, d in enumerate(self._distinct(cols))})
        counts = {col: int(row[f"k{i}"]) for i, col in enumerate(cols) if col in numeric}
        quantiles = self._quantiles(numeric, counts, source)
        distinct_exact = dict.fromkeys(cols, True)
        if sketch:
            big = {c: int(row[f"d{i}"]) for i, c in enumerate(cols)}
            exact = [c for c in cols if big[c] <= EXACT_DISTINCT_MAX]
            if exact:
                for c, v in zip(exact, self._distinct(exact)):
                    row[f"d{cols.index(c)}"] = v
            for c in cols:
                distinct_exact[c] = c in exact
        out = {}
        for i, col in enumerate(cols):
            count = int(row[f"n{i}"])
            prof: dict[str, Any] = {}
            if col in numeric:
                k = counts[col]
                prof["numbers"] = k
                if k:
                    prof.update(
                        min=float(row[f"lo{i}"]),
                        max=float(row[f"hi{i}"]),
                        mean=float(row[f"mu{i}"]),
                        std=float(row[f"sd{i}"]) if k > 1 else 0.0,
                        quantiles=quantiles[col],
                    )
            elif self._kinds[col] == "datetime" and count:
                lo, hi = _as_dtype(pd.Series([row[f"lo{i}"], row[f"hi{i}"]]), self._dtypes[col], "datetime")
                prof.update(min=lo, max=hi)
            ml = row.get(f"ml{i}")
            out[col] = ColumnProfile(
                name=col,
                dtype=self._dtypes[col],
                count=count,
                missing=self._n_rows - count,
                distinct=int(row[f"d{i}"]),
                distinct_exact=distinct_exact[col],
                mean_length=None if ml is None else float(ml),
                **prof,
            )
        return out

    def _distinct(self, cols: Sequence[str]) -> list[int]:
        """Exact distinct non-missing values of each column: one GROUP BY per column as GROUPING SETS in one
        query (each spills to disk), then the non-missing groups of each set counted. Every hash table
        needs a few MB of its own, so under a small memory limit the columns go in a few queries of
        :data:`DISTINCT_MEMORY` each (halved again if DuckDB still runs out of memory)."""
        import duckdb

        cols = list(cols)
        per = len(cols) if self._memory_limit is None else max(1, self._memory_limit // DISTINCT_MEMORY)
        out: list[int] = []
        start = 0
        while start < len(cols):
            part = cols[start : start + per]
            sets = ", ".join(f"({qi(c)})" for c in part)
            counts = ", ".join(f"count({qi(c)})" for c in part)
            keys = ", ".join(qi(c) for c in part)
            sql = f"SELECT {counts} FROM (SELECT {keys} FROM {self._table} GROUP BY GROUPING SETS ({sets}))"
            try:
                out += [int(v) for v in self._q(sql).to_pylist()[0].values()]
            except duckdb.OutOfMemoryException:
                if per == 1:
                    raise
                per = max(1, per // 2)
                continue
            start += len(part)
        return out

    def _quantiles(
        self, numeric: Mapping[str, str], counts: Mapping[str, int], source: str
    ) -> dict[str, dict[str, float]]:
        """Exact quantiles (linear interpolation, as ``numpy.quantile``) of the finite numbers of each column:
        ``quantile_cont`` in one query when the values fit in a quarter of the memory limit, else one
        spilling windowed sort of all of them."""
        cols = [c for c in numeric if counts[c]]
        if not cols:
            return {}
        probs = list(QUANTILES.values())
        values_bytes = 16 * sum(counts[c] for c in cols)
        if self._memory_limit is None or values_bytes <= self._memory_limit // 4:
            import duckdb

            parts = [f"quantile_cont({numeric[c]}, ?::DOUBLE[]) AS q{i}" for i, c in enumerate(cols)]
            try:
                row = self._q(f"SELECT {', '.join(parts)} FROM {source}", [probs] * len(cols)).to_pylist()[0]
            except duckdb.OutOfMemoryException:  # the estimate was short: the spilling way
                return self._quantiles_by_rank(numeric, counts, cols, probs, source)
            return {c: dict(zip(QUANTILES, map(float, row[f"q{i}"]))) for i, c in enumerate(cols)}
        return self._quantiles_by_rank(numeric, counts, cols, probs, source)

    def _quantiles_by_rank(
        self,
        numeric: Mapping[str, str],
        counts: Mapping[str, int],
        cols: list[str],
        probs: list[float],
        source: str,
    ) -> dict[str, dict[str, float]]:
        import pyarrow as pa

        wanted_k, wanted_r = [], []
        for i, c in enumerate(cols):
            for p in probs:
                h = (counts[c] - 1) * p
                for r in {math.floor(h), math.ceil(h)}:
                    wanted_k.append(i)
                    wanted_r.append(r + 1)
        ranks = _fresh("ranks")
        self._con.register(
            ranks, pa.table({"k": pa.array(wanted_k, pa.int64()), "r": pa.array(wanted_r, pa.int64())})
        )
        try:
            unions = " UNION ALL ".join(
                f"SELECT {i}::BIGINT AS k, {numeric[c]} AS x FROM {source} WHERE {numeric[c]} IS NOT NULL"
                for i, c in enumerate(cols)
            )
            sql = (
                f"WITH v AS ({unions}), "
                "o AS (SELECT k, x, row_number() OVER (PARTITION BY k ORDER BY x) AS r "
                f"FROM v) SELECT o.k, o.r, o.x FROM o SEMI JOIN {qi(ranks)} w ON o.k = w.k AND o.r = w.r"
            )
            got = self._q(sql).to_pydict()
        finally:
            self._con.unregister(ranks)
        at = {(k, r): x for k, r, x in zip(got["k"], got["r"], got["x"])}
        out = {}
        for i, c in enumerate(cols):
            qs = {}
            for name, p in QUANTILES.items():
                h = (counts[c] - 1) * p
                lo, hi = at[(i, math.floor(h) + 1)], at[(i, math.ceil(h) + 1)]
                qs[name] = float(lo + (h - math.floor(h)) * (hi - lo))
            out[c] = qs
        return out

    # ------------------------------------------------------------------ counts
    def value_counts(self, column: str, limit: int | None = None) -> pd.Series:
        self._check([column])
        q = qi(column)
        # pandas sorts plain numbers (ties in value order); anything else, nullable Int64 included, it
        # factorizes (ties in order of first appearance)
        tie = (
            q
            if self._kinds[column] in _NUMERIC_KINDS and _numpy_number(self._dtypes[column])
            else f"min({self._pos})"
        )
        sql = (
            f"SELECT {q}, count(*) FROM {self._table} WHERE {q} IS NOT NULL GROUP BY {q} "
            f"ORDER BY 2 DESC, {tie}" + (" LIMIT ?" if limit is not None else "")
        )
        res = self._q(sql, [int(limit)] if limit is not None else [])
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
        """GROUP BY the columns themselves (exact: no hash collisions; DuckDB spills the groups to disk),
        keeping the groups of more than one row (conflicts: of more than one label); the examples are the rows
        of the first ``limit`` groups, fetched by a join on those groups only."""
        pos = self._pos
        keys = ", ".join(qi(c) for c in cols)
        where = f"WHERE {qi(target)} IS NOT NULL" if target else ""
        having = f"count(DISTINCT {qi(target)}) > 1" if target else "count(*) > 1"
        n, f, lab = (qi(self._alias(a)) for a in ("n", "first", "labels"))
        labels = f", count(DISTINCT {qi(target)}) AS {lab}" if target else ""
        g = qi(_fresh("groups"))
        run(
            self._con,
            f"CREATE TEMP TABLE {g} AS SELECT {keys}, count(*) AS {n}, min({pos}) AS {f}{labels} "
            f"FROM {self._table} {where} GROUP BY {keys} HAVING {having}",
        )
        try:
            res = self._q(f"SELECT {n}{', ' + lab if target else ''} FROM {g} ORDER BY {n} DESC, {f}")
            sizes = res.column(0).to_numpy().astype(np.int64)
            n_labels = res.column(1).to_numpy().astype(np.int64) if target else None
            examples: tuple[tuple[int, ...], ...] = ()
            if limit > 0 and len(sizes):
                on = " AND ".join(f"t.{qi(c)} IS NOT DISTINCT FROM top.{qi(c)}" for c in cols)
                also = f"AND t.{qi(target)} IS NOT NULL" if target else ""
                rows = self._q(
                    f"WITH top AS (SELECT * FROM {g} ORDER BY {n} DESC, {f} LIMIT ?) "
                    f"SELECT top.{f}, t.{pos} FROM {self._table} t JOIN top ON {on} {also} "
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


# ---------------------------------------------------------------------- connection and cleanup
def connect(
    database: str | None, temp_dir: str, memory_limit: str | None = None, threads: int | None = None
) -> Any:
    """A DuckDB connection spilling to ``temp_dir``, with a memory limit and thread count when given (set
    through the connection's configuration, not SQL text)."""
    import duckdb

    # every table carries its row positions, and every query that needs an order says so: DuckDB need not
    # keep insertion order, which lets it write and read in parallel (1M rows × 20 on disk: 5.3 s, not 7.9 s)
    config: dict[str, Any] = {"temp_directory": temp_dir, "preserve_insertion_order": False}
    if memory_limit:
        if not re.fullmatch(r"\s*\d+(\.\d+)?\s*([KMGT]i?B|B)?\s*", str(memory_limit), re.IGNORECASE):
            raise ValueError(f"memory_limit must look like '500MB' or '4GiB', not {memory_limit!r}")
        config["memory_limit"] = str(memory_limit)
    if threads:
        config["threads"] = int(threads)
    return duckdb.connect(database or ":memory:", config=config)


def run(con: Any, sql: str, params: Sequence[Any] | None = None) -> list[Any]:
    """Run a statement to completion (DuckDB 2 refuses new work on a connection with an unfinished result)."""
    return con.execute(sql, list(params or [])).fetchall()


def _limit_bytes(con: Any) -> int | None:
    try:
        return _parse_size(run(con, "SELECT current_setting('memory_limit')")[0][0])
    except (ValueError, TypeError, IndexError):  # a limit DuckDB spells differently: unknown
        return None


def _parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*([\d.]+)\s*([KMGTP]?i?B)?\s*", text, re.IGNORECASE)
    if not m:
        raise ValueError(text)
    unit = (m.group(2) or "B").upper()
    base = 1024 if "I" in unit else 1000
    power = "BKMGTP".index(unit[0]) if unit != "B" else 0
    return int(float(m.group(1)) * base**power)


def _cleanup(con: Any, temp_dir: str | None) -> None:
    import contextlib

    with contextlib.suppress(Exception):  # closed twice, or after a failed query: nothing left to release
        con.close()
    if temp_dir:
        shutil.rmtree(temp_dir, ignore_errors=True)


def _position_name(columns: Sequence[str]) -> str:
    name = "__dataaudit_row"
    while name in columns:
        name = "_" + name
    return name


# ---------------------------------------------------------------------- types
def _frame_column(s: pd.Series) -> tuple[Any, str, str]:
    """(an Arrow array for DuckDB, the pandas dtype, the kind) of one frame column."""
    import pyarrow as pa

    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        s = s.astype(dtype.categories.dtype if dtype.categories.dtype != object else object)
        dtype = s.dtype
    if not isinstance(dtype, np.dtype) and (
        pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype)
    ):  # pandas' nullable Int64 / Float64: numbers with <NA>
        x = s.to_numpy(dtype=np.float64, na_value=np.nan)
        if pd.api.types.is_integer_dtype(dtype) and not np.isnan(x).any():
            return pa.array(s.to_numpy(dtype=np.int64)), str(dtype), "int"
        return pa.array(x, pa.float64(), mask=np.isnan(x)), str(dtype), "float"
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, np.dtype):  # nullable boolean
        values = s.astype(object).where(s.notna(), None)  # type: ignore[call-overload]  # stubs reject None; pandas takes it
        return pa.array(values.tolist(), pa.bool_()), str(dtype), "bool"  # booleans: no numbers, as pandas
    if pd.api.types.is_bool_dtype(dtype) and isinstance(dtype, np.dtype):
        return pa.array(s.to_numpy(), pa.bool_()), str(dtype), "bool"
    if pd.api.types.is_integer_dtype(dtype) and isinstance(dtype, np.dtype):
        return pa.array(s.to_numpy().astype(np.int64), pa.int64()), str(dtype), "int"
    if pd.api.types.is_float_dtype(dtype) and isinstance(dtype, np.dtype):
        x = s.to_numpy().astype(np.float64)
        return pa.array(x, pa.float64(), mask=np.isnan(x)), str(dtype), "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return pa.array(s, from_pandas=True), str(dtype), "datetime"
    values = s.astype(object).where(s.notna(), None)  # type: ignore[call-overload]  # stubs reject None; pandas takes it
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred == "boolean":
        return pa.array(values.tolist(), pa.bool_()), str(dtype), "objbool"
    if inferred == "time":
        return pa.array(values.tolist(), pa.time64("us")), str(dtype), "time"
    if inferred not in ("string", "empty"):
        values = values.map(lambda v: v if v is None else str(v))
    return pa.array(values.tolist(), pa.string()), str(dtype), "text"


def _numpy_number(dtype: str) -> bool:
    try:
        return np.dtype(dtype).kind in "iuf"
    except TypeError:  # a pandas extension dtype (Int64, Float64)
        return False


def _as_dtype(s: pd.Series, dtype: str, kind: str) -> pd.Series:
    """A column fetched from DuckDB (through Arrow) with the dtype the pandas loader gives."""
    if kind == "objbool":
        out = s.astype(object).where(s.notna(), None)  # type: ignore[call-overload]  # stubs reject None; pandas takes it
        return out if dtype == "object" else out.astype(pd.api.types.pandas_dtype(dtype))
    if kind == "decimal":  # arrow gives Decimal objects, as the pandas loader has them
        return s.astype(object).where(s.notna(), None)  # type: ignore[call-overload]  # stubs reject None; pandas takes it
    if kind == "text" or kind == "time":
        out = s.astype(object) if s.dtype != object else s
        return out.astype(pd.api.types.pandas_dtype(dtype)) if dtype not in ("object",) else out
    if kind == "datetime":
        if getattr(s.dtype, "tz", None) is None and not pd.api.types.is_datetime64_any_dtype(s.dtype):
            s = pd.to_datetime(s, utc="," in dtype)
        target = pd.api.types.pandas_dtype(dtype)
        tz = getattr(target, "tz", None)
        if tz is not None:
            s = s.dt.tz_convert(tz) if getattr(s.dtype, "tz", None) is not None else s.dt.tz_localize(tz)
        return s.astype(target)
    if str(s.dtype) != dtype:
        try:
            return s.astype(pd.api.types.pandas_dtype(dtype))
        except (ValueError, TypeError):
            return s
    return s


def _timestamp_param(value: Any) -> Any:
    ts = pd.Timestamp(value)
    return ts.to_pydatetime()


def _list_for(kind: str, dtype: str, values: list[Any]) -> tuple[str, list[Any]]:
    """The SQL list type and the values of an ``in`` predicate that can equal a value of the column."""
    if kind in ("int", "float", "objbool"):
        nums = [
            float(v)
            for v in values
            if isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v)
        ]
        return "DOUBLE", nums
    if kind == "bool":
        return "BOOLEAN", [bool(v) for v in values if isinstance(v, (bool, np.bool_))]
    if kind == "datetime":
        out = []
        for v in values:
            try:
                out.append(_timestamp_param(v))
            except (ValueError, TypeError):
                continue
        return ("TIMESTAMPTZ" if "," in dtype else "TIMESTAMP"), [
            v for v in out if v is not None and v is not pd.NaT
        ]
    if kind == "time":
        import datetime as dt

        return "TIME", [v for v in values if isinstance(v, dt.time)]
    return "VARCHAR", [v for v in values if isinstance(v, str)]
