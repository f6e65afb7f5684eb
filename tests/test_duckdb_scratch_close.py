"""The DuckDB engine's database is scratch space, deleted with its temporary folder: closing it does not
checkpoint (write the log's changes into the database file), which at 2M rows × 20 cost 1.8 s and a quarter
of a GiB of peak memory at the very end of the audit, for a file nobody reads again."""

from __future__ import annotations

import os

import pytest

duckdb = pytest.importorskip("duckdb")

from dataaudit.engine.duckdb_base import connect  # noqa: E402


def _close_and_wal(con, path: str) -> int:
    con.execute("CREATE TABLE t AS SELECT range AS x, range % 7 AS y FROM range(50000)")
    con.close()
    wal = path + ".wal"
    return os.path.getsize(wal) if os.path.exists(wal) else 0


def test_the_scratch_database_is_not_checkpointed_on_close(tmp_path):
    path = str(tmp_path / "audit.duckdb")
    assert _close_and_wal(connect(path, str(tmp_path)), path) > 0  # the log is left as it was


def test_a_plain_database_is_checkpointed_on_close(tmp_path):
    # the behaviour the engine turns off: DuckDB folds the log into the file when the last connection closes
    path = str(tmp_path / "plain.duckdb")
    assert _close_and_wal(duckdb.connect(path, config={"temp_directory": str(tmp_path)}), path) == 0


def test_an_in_memory_connection_still_works(tmp_path):
    con = connect(None, str(tmp_path))
    assert con.execute("SELECT count(*) FROM range(10)").fetchall() == [(10,)]
    con.close()
