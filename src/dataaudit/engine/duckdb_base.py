"""The state of a :class:`~dataaudit.engine.duckdb.DuckDBEngine` (one DuckDB table, its column kinds and
dtypes, its temporary folder) with the helpers its operations share, SQL identifiers (:func:`qi`), and the
connection (memory limit, spill folder, cleanup).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import pandas as pd

from dataaudit.engine.base import Engine
from dataaudit.engine.duckdb_types import _as_dtype

_T = TypeVar("_T")

#: above this many rows, distinct counts of high-cardinality columns may be HyperLogLog sketches
EXACT_DISTINCT_ROWS = 50_000_000
#: ... for columns whose sketch says more distinct values than this
EXACT_DISTINCT_MAX = 5_000_000

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


class DuckDBBase(Engine):
    """State and shared helpers of :class:`~dataaudit.engine.duckdb.DuckDBEngine` (which see)."""

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

    def _q(self, sql: str, params: Sequence[Any] | None = None, retry: bool = True) -> Any:
        """Run ``sql`` and return the result as an Arrow table; out of memory, once more on one thread
        (``retry``), unless the caller has a cheaper way out."""

        def work() -> Any:
            return self._con.sql(sql, params=list(params) if params else None).to_arrow_table()

        return one_thread_on_oom(self._con, work) if retry else work()

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


# ---------------------------------------------------------------------- connection and cleanup
def connect(
    database: str | None, temp_dir: str, memory_limit: str | None = None, threads: int | None = None
) -> Any:
    """A DuckDB connection spilling to ``temp_dir``, with a memory limit and thread count when given (set
    through the connection's configuration, not SQL text). A ``database`` file is the audit's scratch space:
    it is not checkpointed on close."""
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
    con = duckdb.connect(database or ":memory:", config=config)
    if database:
        # the database is the audit's scratch space, deleted with its folder: a checkpoint when it is closed
        # would write out what nobody reads again (2M rows × 20: 1.8 s and +0.24 GiB peak, at the very end).
        # A DuckDB without the pragma only costs that time: the audit goes on
        with contextlib.suppress(duckdb.Error):
            con.execute("PRAGMA disable_checkpoint_on_shutdown")
    return con


def run(con: Any, sql: str, params: Sequence[Any] | None = None) -> list[Any]:
    """Run a statement to completion (DuckDB 2 refuses new work on a connection with an unfinished result).
    Out of memory, it is run again on one thread (:func:`one_thread_on_oom`)."""
    return one_thread_on_oom(con, lambda: con.execute(sql, list(params or [])).fetchall())


def one_thread_on_oom(con: Any, work: Callable[[], _T]) -> _T:
    """``work()``, and if DuckDB runs out of memory, ``work()`` again on one thread: every thread holds
    its own hash tables and sort runs, so one thread needs the least memory and spills the rest (DuckDB's
    own first advice). The connection's thread count is restored after."""
    import duckdb

    try:
        return work()
    except duckdb.OutOfMemoryException:
        threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        if int(threads) <= 1:
            raise
        con.execute("SET threads = 1")
        try:
            return work()
        finally:
            con.execute(f"SET threads = {int(threads)}")


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
    with contextlib.suppress(Exception):  # closed twice, or after a failed query: nothing left to release
        con.close()
    if temp_dir:
        shutil.rmtree(temp_dir, ignore_errors=True)


def _position_name(columns: Sequence[str]) -> str:
    name = "__dataaudit_row"
    while name in columns:
        name = "_" + name
    return name
