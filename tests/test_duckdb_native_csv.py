"""The duckdb loader's native CSV path (DuckDB's own reader, typed in SQL): on tricky files it loads the
values, types, null-token counts and notes the pandas loader gives, and hands to the two-pass pyarrow path
exactly the files it cannot reproduce (which then load alike too, with the pandas loader's one-line
errors)."""

from __future__ import annotations

import numpy as np
import pytest

import dataaudit.engine.duckdb_native as native
from dataaudit.engine.duckdb_load import open_duckdb
from dataaudit.errors import DataLoadError
from dataaudit.loading import load
from dataaudit.loading.nulls import NullTokens
from tests.test_engine_duckdb import assert_loads_alike


@pytest.fixture
def paths(monkeypatch):
    """Which path read each file: a list of True (native) / False (handed to the two-pass path)."""
    used: list[bool] = []
    real = native.native_csv

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        used.append(got is not None)
        return got

    monkeypatch.setattr(native, "native_csv", spy)
    return used


#: files the native path reads (name -> bytes)
NATIVE: dict[str, bytes] = {
    "null_tokens.csv": (
        b'a,b,c,d\n1,NA,x,\n2,N/A,null,2020-01-02\n,3.5,NaN,2020-01-03\nNULL,nan,"",2020-01-04\n'
        b'5,"NA",#N/A,\n6,1.5,<NA>,2020-01-06\n'
    ),
    "quoted_newlines.csv": b'id,text,n\n1,"line one\nline two",3\n2,"say ""hi"", then, go",4\n3,plain,5\n',
    "crlf_quoted.csv": b'id,text\r\n1,"a\r\nb"\r\n2,c\r\n',
    "overflow.csv": b"big,small,neg\n99999999999999999999,1,-9223372036854775808\n2,2,-1\n3,3,-2\n",
    "mixed.csv": b"a,b,c\n1,x,1.5\n2,3,2\nthree,4.5,NaN\n",
    "dates.csv": (
        b"d,ts,tz,t,ns\n"
        b"2020-01-01,2020-01-01 10:11:12,2020-01-01T10:00Z,10:30,2020-01-01 10:11:12.123456789\n"
        b"2021-12-31,2021-12-31T23:59:59,2020-06-01T10:00+02:00,23:59:59,2020-01-02 00:00:00.5\n"
    ),
    "bools.csv": b"b,c,n\ntrue,True,1\nfalse,FALSE,0\n,true,1\n",
    "numbers.csv": b"f,g,h\ninf,1e5,0x1F\n-Infinity,.5,10\n1.5, 2 ,7\n-nan,+3.,8\n",
    "missing_column.csv": b"a,b\n1,\n2,\n3,\n",
    "semicolon.csv": b"a;b;c\n1;2,5;x\n3;4,5;y\n",
    "dup_names.csv": b"a,a,,b\n1,2,3,4\n5,6,7,8\n",
    "bom.csv": b"\xef\xbb\xbfa,b\n1,x\n",
    "latin1.csv": "name,city,n\nJos\xe9,M\xfcnchen,1\nAnn,K\xf6ln,2\n".encode("latin-1"),
    "cp1252.csv": "name,q\nCaf\xe9 \u201cx\u201d,1\nb,2\n".encode("cp1252"),
    "injection.csv": b'"x"" DROP TABLE data --",v\n"\'), --",1\n2,2\n',
}


@pytest.mark.parametrize("name", sorted(NATIVE))
def test_native_path_loads_as_the_pandas_loader(tmp_path, paths, name):
    path = tmp_path / name
    path.write_bytes(NATIVE[name])
    assert_loads_alike(path).close()
    assert paths and paths[-1], "the native path should have read this file"


def test_tokens_are_counted_per_column_and_token(tmp_path, paths):
    path = tmp_path / "t.csv"
    path.write_bytes(NATIVE["null_tokens.csv"])
    engine, info = open_duckdb(path)
    with engine:
        assert info.null_tokens == load(path)[1].null_tokens
        assert info.null_tokens["a"] == {"": 1, "NULL": 1}
        assert info.null_tokens["b"] == {"NA": 2, "N/A": 1, "nan": 1}
        assert engine.dtypes["b"] == "float64"
    assert paths == [True]


def test_a_non_utf8_file_is_repaired_then_read_natively(tmp_path, paths):
    path = tmp_path / "l.csv"
    path.write_bytes(NATIVE["latin1.csv"])
    engine, info = open_duckdb(path)
    with engine:
        assert info.encoding == "cp1252"
        assert engine.rows([0])["name"].tolist() == ["José"]
    assert paths == [True]


#: files the native path hands over (its candidate types come from a small head: 64 bytes here), and why
HANDED: dict[str, bytes] = {
    # an integer column whose later value is a float: pyarrow's type is float
    "late_float.csv": b"a,b\n" + b"".join(b"%d,x\n" % i for i in range(40)) + b"2.5,y\n",
    # ... or text
    "late_text.csv": b"a,b\n" + b"".join(b"%d,x\n" % i for i in range(40)) + b"unknown,y\n",
    # an integer beyond 64 bits after the head: kept as text by the pandas loader
    "late_overflow.csv": b"a,b\n" + b"".join(b"%d,x\n" % i for i in range(40)) + b"99999999999999999999,y\n",
    # a timestamp with a fraction of a second after whole seconds: timestamp[ns]
    "late_fraction.csv": b"t\n" + b"2020-01-01 10:00:00\n" * 10 + b"2020-01-01 10:00:00.5\n",
    # an hour-only timestamp pyarrow reads and DuckDB does not
    "hour_only.csv": b"t,u\n2020-01-01 10,1\n2020-01-02 11,2\n",
}


@pytest.mark.parametrize("name", sorted(HANDED))
def test_what_the_native_path_cannot_reproduce_loads_alike_through_the_other(
    tmp_path, monkeypatch, paths, name
):
    monkeypatch.setattr(native, "CSV_BLOCK", 64)
    path = tmp_path / name
    path.write_bytes(HANDED[name])
    assert_loads_alike(path).close()
    assert paths == [False]


def test_a_column_missing_in_the_head_is_typed_over_the_whole_file(tmp_path, monkeypatch, paths):
    monkeypatch.setattr(native, "CSV_BLOCK", 64)
    path = tmp_path / "late.csv"
    path.write_bytes(b"a,b\n" + b"".join(b"%d,\n" % i for i in range(40)) + b"41,2020-01-05\n42,NA\n")
    engine = assert_loads_alike(path)
    with engine:
        assert engine.dtypes["b"] == "datetime64[ms]"
    assert paths == [True]


@pytest.mark.parametrize(
    "body",
    [b"h,n\n5'11\",1\n6'0\",2\n", b'a,b\n1,"x"\n2,y"z\n', b'a,b\n1,"x""\n2,y\n'],
    ids=["stray-quotes", "quote-inside", "odd-doubled"],
)
def test_stray_quotes_load_alike_or_are_refused_alike(tmp_path, paths, body):
    path = tmp_path / "q.csv"
    path.write_bytes(body)
    try:
        load(path)
    except DataLoadError as refused:
        with pytest.raises(DataLoadError) as got:
            open_duckdb(path)
        assert str(got.value) == str(refused)
        return
    assert_loads_alike(path).close()


def test_ragged_rows_and_unterminated_quotes_name_the_line(tmp_path, paths):
    ragged = tmp_path / "ragged.csv"
    ragged.write_bytes(b"a,b\n1,2\n3,4\n5,6,7\n8,9\n")
    with pytest.raises(DataLoadError, match="line 4 has 3 fields, the header has 2") as got:
        open_duckdb(ragged)
    with pytest.raises(DataLoadError) as expected:
        load(ragged)
    assert str(got.value) == str(expected.value)
    quote = tmp_path / "quote.csv"
    quote.write_bytes(b'a,b\n1,"ok"\n2,"never\nends,3\n4,5\n')
    with pytest.raises(DataLoadError, match="starts on line 3 never closes"):
        open_duckdb(quote)


@pytest.mark.parametrize(
    "tokens",
    [
        NullTokens(extra=("-",)),
        NullTokens(per_column={"c": ("-", "missing"), "b": ("-",)}),
        NullTokens(keep_default=False),
        NullTokens(extra=("-", "missing")),
        NullTokens(per_column={"d": ("-999",), "a": ("7",)}),
    ],
    ids=["extra", "per-column", "no-defaults", "two-extra", "numeric-per-column"],
)
def test_the_users_null_tokens_natively_as_the_pandas_loader(tmp_path, paths, tokens):
    path = tmp_path / "user.csv"
    path.write_text("a,b,c,d,e\n1,-,x,-999,true\n7,2,-,5.5,\n3,4,y,-999.0,false\n,n/a,missing,1,true\n")
    assert_loads_alike(path, nulls=tokens).close()
    assert paths == [True]


def test_a_text_column_left_with_numbers_by_the_users_tokens_is_numeric(tmp_path, paths):
    path = tmp_path / "u.csv"
    path.write_text("a,b\n1,2.5\n2,missing\n3, 4 \n")
    engine = assert_loads_alike(path, nulls=NullTokens(extra=("missing",)))
    with engine:
        assert engine.dtypes["b"] == "float64"
    assert paths == [True]


def test_rows_keep_the_files_order_across_parallel_readers(tmp_path, paths):
    rng = np.random.default_rng(7)
    n = 300_000
    path = tmp_path / "order.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("i,x,s\n")
        x = rng.normal(size=n)
        for i in range(n):
            f.write(f"{i},{x[i]:.6f},s{i % 97}\n")
    engine, _ = open_duckdb(path, threads=2)
    with engine:
        got = engine.rows(np.arange(n), ["i"])["i"].to_numpy()
        assert (got == np.arange(n)).all()
        sample = engine.sample(1000, seed=3)
        assert (sample["i"].to_numpy() == sample.index.to_numpy()).all()
    assert paths == [True]
