"""The duckdb loader's native CSV path parses the file once in the common case: the load itself checks each
value against its column's candidate type and records which null token each cell held, and the counts come
from the loaded table. Where one parse cannot decide (a value outside the candidate type after the head, a
float column of integers beyond 64 bits) it gives the answers of the two parses (scan, then load) or of the
two-pass pyarrow path, exactly as before; every file here loads as the pandas loader loads it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dataaudit.engine.duckdb_native as native
from dataaudit.engine.duckdb_load import open_duckdb
from dataaudit.loading import load
from dataaudit.loading.nulls import NullTokens
from tests.test_engine_duckdb import assert_loads_alike


class _Recording:
    """A DuckDB connection that records the SQL the native loader sends through it."""

    def __init__(self, con: Any, log: list[str]) -> None:
        self._con, self._log = con, log

    def execute(self, sql: str, *args: Any) -> Any:
        self._log.append(sql)
        return self._con.execute(sql, *args)

    def sql(self, sql: str, *args: Any) -> Any:
        self._log.append(sql)
        return self._con.sql(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


class _Calls:
    def __init__(self) -> None:
        self.sql: list[str] = []
        self.native: list[bool] = []  # per file: True when the native path read it

    @property
    def parses(self) -> int:
        """How many statements read the CSV file (each is one parse of it by DuckDB's reader)."""
        return sum("read_csv(" in q for q in self.sql)


@pytest.fixture
def calls(monkeypatch):
    got = _Calls()
    real = native.native_csv

    def spy(con, *args, **kwargs):
        out = real(_Recording(con, got.sql), *args, **kwargs)
        got.native.append(out is not None)
        return out

    monkeypatch.setattr(native, "native_csv", spy)
    return got


def _write_typical(path, n: int, seed: int = 5) -> None:
    """A realistic file: ids, floats with empty cells and tokens, integers, dates, timestamps, booleans,
    categories and free text with quotes and commas."""
    rng = np.random.default_rng(seed)
    tokens = np.array(["", "NA", "N/A", "null", "NaN"])
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,amount,score,count,day,at,flag,city,note\n")
        for i in range(n):
            amount = f"{rng.normal(100, 30):.3f}" if rng.random() > 0.05 else tokens[rng.integers(5)]
            score = f"{rng.random():.4f}" if rng.random() > 0.01 else ""
            day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
            at = f"2024-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{(7 * i) % 60:02d}"
            flag = "true" if rng.random() > 0.5 else "false"
            city = ["Lyon", "Köln", "São Paulo", "NA"][int(rng.integers(4))]
            note = '"said ""hi"", left"' if i % 7 == 0 else "plain"
            f.write(f"{i},{amount},{score},{int(rng.integers(0, 50))},{day},{at},{flag},{city},{note}\n")


def test_a_typical_file_is_parsed_once_and_loads_as_the_pandas_loader(tmp_path, calls):
    path = tmp_path / "typical.csv"
    _write_typical(path, 5000)
    engine = assert_loads_alike(path)
    with engine:
        assert engine.dtypes["amount"] == "float64" and engine.dtypes["day"] == "datetime64[ms]"
        assert engine.dtypes["flag"] == "bool" and engine.dtypes["count"] == "int64"
    assert calls.native == [True]
    assert calls.parses == 1, calls.sql


def test_the_counts_come_from_the_table_not_a_second_parse(tmp_path, calls):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,NA,x\n2,,N/A\n3,2.5,\n4,null,y\n5,NaN,NA\n")
    engine, info = open_duckdb(path)
    with engine:
        assert info.null_tokens == load(path)[1].null_tokens
        assert info.null_tokens["b"] == {"NA": 1, "": 1, "null": 1, "NaN": 1}
        assert info.null_tokens["c"] == {"N/A": 1, "": 1, "NA": 1}
        # the hidden "which token" columns are gone from the table and never in the view
        table = [r[0] for r in engine._con.execute("DESCRIBE data_rows").fetchall()]
        assert table == ["a", "b", "c"]
        assert engine.columns == ["a", "b", "c"]
    assert calls.parses == 1


@pytest.mark.parametrize(
    "late, why",
    [
        (b"2.5", "float"),
        (b"unknown", "text"),
        (b"99999999999999999999", "beyond 64 bits"),
        (b"0x1G", "not hex"),
    ],
)
def test_a_value_outside_the_candidate_type_after_the_head_gives_todays_answer(
    tmp_path, monkeypatch, calls, late, why
):
    monkeypatch.setattr(native, "CSV_BLOCK", 64)  # the head: the first 64 bytes
    path = tmp_path / "late.csv"
    path.write_bytes(b"a,b\n" + b"".join(b"%d,x\n" % i for i in range(40)) + late + b",y\n")
    assert_loads_alike(path).close()
    # the one parse failed on the value, the two parses' scan found it, and the pyarrow path read the file
    assert calls.native == [False]
    assert any("error(" in q for q in calls.sql)
    assert calls.parses >= 2


def test_an_integer_column_missing_values_after_the_head_becomes_float_in_one_parse(
    tmp_path, monkeypatch, calls
):
    monkeypatch.setattr(native, "CSV_BLOCK", 64)
    path = tmp_path / "late_empty.csv"
    path.write_bytes(b"a,b\n" + b"".join(b"%d,%d\n" % (i, i) for i in range(40)) + b"41,\n42,\n")
    engine = assert_loads_alike(path)
    with engine:
        assert engine.dtypes["b"] == "float64"
        assert engine.rows([40, 41])["b"].isna().all()
    assert calls.parses == 1


def test_tokens_the_head_did_not_show_are_told_apart_by_one_more_parse(tmp_path, monkeypatch, calls):
    """The reader reads the tokens besides the empty cell as NULL; which of them a column held is asked of
    the file once more (the two parses needed a third for it)."""
    monkeypatch.setattr(native, "CSV_BLOCK", 64)
    path = tmp_path / "late_na.csv"
    path.write_bytes(b"a,b\n" + b"".join(b"%d,%d\n" % (i, i) for i in range(40)) + b"41,NA\n42,\n43,null\n")
    engine, info = open_duckdb(path)
    with engine:
        assert engine.dtypes["b"] == "float64"
        assert info.null_tokens == {"b": {"NA": 1, "": 1, "null": 1}}
    assert calls.parses == 2
    assert_loads_alike(path).close()


def test_tokens_in_the_head_are_told_apart_in_the_one_parse(tmp_path, calls):
    path = tmp_path / "na.csv"
    path.write_text("a,b\n1,NA\n2,\n3,null\n4,N/A\n5,2.5\n")
    engine, info = open_duckdb(path)
    with engine:
        assert info.null_tokens == {"b": {"NA": 1, "": 1, "null": 1, "N/A": 1}}
    assert calls.parses == 1


def test_a_column_of_tokens_in_the_head_is_typed_from_the_table(tmp_path, monkeypatch, calls):
    monkeypatch.setattr(native, "CSV_BLOCK", 64)
    path = tmp_path / "late.csv"
    body = b"".join(b"%d,,NA\n" % i for i in range(40))
    path.write_bytes(b"a,b,c\n" + body + b"41,2020-01-05,1.5\n42,NA,\n43,2020-02-29,7\n")
    engine = assert_loads_alike(path)
    with engine:
        assert engine.dtypes["b"] == "datetime64[ms]" and engine.dtypes["c"] == "float64"
    assert calls.parses == 1


@pytest.mark.parametrize(
    "tokens",
    [
        NullTokens(extra=("-",)),
        NullTokens(per_column={"c": ("-", "missing"), "b": ("-",)}),
        NullTokens(keep_default=False),
        NullTokens(per_column={"d": ("-999",), "a": ("7",)}),
        NullTokens(keep_default=False, per_column={"d": ("-999",), "b": ("-",)}),
    ],
    ids=["extra", "per-column", "no-defaults", "numeric-per-column", "numeric-no-defaults"],
)
def test_the_users_tokens_are_counted_in_the_same_parse(tmp_path, calls, tokens):
    path = tmp_path / "user.csv"
    path.write_text("a,b,c,d,e\n1,-,x,-999,true\n7,2,-,5.5,\n3,4,y,-999.0,false\n,n/a,missing,1,true\n")
    assert_loads_alike(path, nulls=tokens).close()
    assert calls.native == [True]
    assert calls.parses == 1


def test_a_text_column_left_with_numbers_by_the_users_tokens_is_numeric_in_one_parse(tmp_path, calls):
    path = tmp_path / "u.csv"
    path.write_text("a,b\n1,2.5\n2,missing\n3, 4 \n")
    engine = assert_loads_alike(path, nulls=NullTokens(extra=("missing",)))
    with engine:
        assert engine.dtypes["b"] == "float64"
    assert calls.parses == 1


def test_floats_beyond_64_bits_take_the_two_parses_and_stay_text_only_if_all_plain(tmp_path, calls):
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b"big,n\n99999999999999999999,1\n2,2\n3,3\n")
    engine = assert_loads_alike(wide)
    with engine:
        assert engine.dtypes["big"] == "object"  # kept as text, so no digit is lost
    assert calls.parses >= 2
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(b"big,n\n1.5,1\n99999999999999999999,2\n3,3\n")
    engine = assert_loads_alike(mixed)
    with engine:
        assert engine.dtypes["big"] == "float64"


def test_a_column_named_like_a_hidden_column_is_kept(tmp_path, calls):
    path = tmp_path / "names.csv"
    path.write_text("__dataaudit_token_0,__dataaudit_token_1\nNA,1\n2,\n3,NA\n")
    engine = assert_loads_alike(path)
    with engine:
        assert engine.columns == ["__dataaudit_token_0", "__dataaudit_token_1"]
    assert calls.parses == 1


def test_file_order_is_kept_in_one_parse_under_a_small_memory_limit(tmp_path, calls):
    path = tmp_path / "order.csv"
    _write_typical(path, 200_000, seed=11)
    engine, info = open_duckdb(path, memory_limit="64MB", threads=2)
    with engine:
        ids = engine.rows(np.arange(engine.n_rows), ["id"])["id"].to_numpy()
        assert (ids == np.arange(200_000)).all()
        assert info.null_tokens["amount"] and sum(info.null_tokens["amount"].values()) > 9000
    assert calls.parses == 1


def test_many_boolean_columns_with_several_tokens_load_under_a_small_memory_limit(tmp_path, calls):
    """Booleans are checked against a list of eight spellings (which DuckDB may turn into a join that loses
    the file's order) and the token counts come from the table: both within 64 MB, in the file's order."""
    rng = np.random.default_rng(3)
    n, k = 150_000, 12
    cells = np.array(["false", "true", "", "NA"])[rng.choice(4, size=(n, k), p=[0.49, 0.49, 0.01, 0.01])]
    path = tmp_path / "bools.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("id," + ",".join(f"b{j}" for j in range(k)) + "\n")
        f.writelines(f"{i}," + ",".join(row) + "\n" for i, row in enumerate(cells))
    engine, info = open_duckdb(path, memory_limit="64MB", threads=2)
    with engine:
        ids = engine.rows(np.arange(n), ["id", "b0"])
        assert (ids["id"].to_numpy() == np.arange(n)).all()
        assert engine.dtypes["b0"] == "object"  # booleans with missing values, as pandas holds them
        for j in range(k):
            expected = {t: int((cells[:, j] == t).sum()) for t in ("", "NA") if (cells[:, j] == t).any()}
            assert info.null_tokens[f"b{j}"] == expected
    assert calls.parses == 1
