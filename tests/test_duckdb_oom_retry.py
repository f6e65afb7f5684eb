"""The DuckDB engine runs a query that ran out of memory again on one thread (each thread holds its own hash
tables and sort runs), and gives the connection its thread count back; on one thread already, the error
stands (and reaches the check, which reports it as an error result)."""

from __future__ import annotations

import pytest

duckdb = pytest.importorskip("duckdb")

from dataaudit.engine.duckdb_base import one_thread_on_oom  # noqa: E402


def threads(con) -> int:
    return int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])


def test_out_of_memory_is_retried_on_one_thread_and_the_threads_restored():
    con = duckdb.connect(config={"threads": 2})
    seen = []

    def work():
        seen.append(threads(con))
        if len(seen) == 1:
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        return "done"

    assert one_thread_on_oom(con, work) == "done"
    assert seen == [2, 1]
    assert threads(con) == 2


def test_on_one_thread_already_the_error_stands():
    con = duckdb.connect(config={"threads": 1})

    def work():
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")

    with pytest.raises(duckdb.OutOfMemoryException):
        one_thread_on_oom(con, work)
