"""Peak memory of the in-memory (pandas) engine: the loader reads CSV with the types the first block gives
when every block fits them (arrow then lets each parsed block go), and the same table as inference over all
rows either way; rows are hashed column by column; a loaded frame is not copied before the audit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import dataaudit
from dataaudit.engine.pandas import _row_keys
from dataaudit.loading import load
from dataaudit.loading.text import _ArrowCsv
from dataaudit.stats import Stats

BLOCK = 256  # bytes: every file below spans many blocks


def _lines(header: str, first: list[str], later: list[str]) -> bytes:
    """A CSV whose first blocks hold ``first`` rows and whose last rows are ``later``."""
    return ("\n".join([header, *first * 400, *later]) + "\n").encode()


CASES = {
    "consistent": _lines("a,b,c", ["1,x,2025-01-01 10:00:00", "2,y,2025-01-02 11:00:00"], ["3,z,2025-01-03"]),
    "int then decimal": _lines("a,b", ["1,x", "2,y"], ["2.5,z"]),
    "empty then text": _lines("a,b", [",x", ",y"], ["hello,z"]),
    "empty then int": _lines("a,b", [",x", ",y"], ["7,z"]),
    "int then text": _lines("a,b", ["1,x", "2,y"], ["n/a,z"]),
    "bool then text": _lines("a,b", ["true,x", "false,y"], ["maybe,z"]),
    "seconds then fraction": _lines("t,b", ["2025-01-01 10:00:00,x"], ["2025-01-01 10:00:00.250,z"]),
    "date then timestamp": _lines("t,b", ["2025-01-01,x"], ["2025-01-01 10:00:00,z"]),
    "repeated names": _lines("a,a", ["1,2", "3,4"], ["5,6.5"]),
    "quoted line breaks": _lines("a,b", ['1,"two\nlines"', '2,"x"'], ['3.5,"y"']),
}


def _reference(data: bytes, nulls: list[str]) -> pa.Table:
    """Arrow's reader inferring every column's type over all rows (what the loader read before)."""
    return pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(block_size=BLOCK),
        parse_options=pacsv.ParseOptions(newlines_in_values=b'"' in data),
        convert_options=pacsv.ConvertOptions(
            strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=nulls
        ),
    )


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("nulls", [[""], ["", "n/a", "NA"]])
def test_csv_types_are_those_inferred_over_all_rows(name, nulls, monkeypatch):
    data = CASES[name]
    reads = []
    original = _ArrowCsv._read

    def counted(self, block_size, nulls_, types, include):
        reads.append(dict(types))
        return original(self, block_size, nulls_, types, include)

    monkeypatch.setattr(_ArrowCsv, "_read", counted)
    reader = _ArrowCsv(data, pacsv.ParseOptions(newlines_in_values=b'"' in data), nulls)
    table = reader.read(block_size=BLOCK)
    expected = _reference(data, nulls)
    assert table.schema == expected.schema
    assert table.equals(expected)
    if name == "consistent":
        assert len(reads) == 1 and reads[0], "the first block's types fit: one read, with types"
    elif name == "repeated names":
        assert reads == [{}], "types are given by name: with repeated names, inference over all rows"
    elif (name, tuple(nulls)) != ("int then text", ("", "n/a", "NA")):  # n/a is null there: types fit
        assert len(reads) == 2 and reads[0] and not reads[1], "a later block did not fit: read again"


def test_loaded_csv_matches_pandas(tmp_path):
    """End to end through load(): the frame is the one pandas reads (numbers, text, missing cells)."""
    rng = np.random.default_rng(3)
    n = 5000
    frame = pd.DataFrame(
        {
            "n": rng.integers(0, 100, n),
            "x": np.round(rng.normal(size=n), 3),
            "s": rng.choice(["a", "b", "c d"], n),
        }
    )
    frame.loc[n - 1, "n"] = -1  # still integers
    frame.loc[rng.random(n) < 0.1, "x"] = np.nan
    path = tmp_path / "f.csv"
    frame.to_csv(path, index=False)
    loaded, info = load(path)
    pd.testing.assert_frame_equal(loaded, pd.read_csv(path))
    assert info.bytes == path.stat().st_size


@pytest.mark.parametrize("columns", [["a", "b", "c", "d"], ["c"], ["b", "d"], ["b"], ["e"], ["b", "e"]])
def test_row_keys_group_rows_as_pandas_groups_them(columns):
    """Rows equal on ``columns`` share a key, and only they (missing equals missing). Text columns are keyed
    by their factorize codes (changed on purpose from pandas' row hashes, which hash each distinct text's
    bytes: the same groups in about half the time); mixed objects by their text, as before (1 and "1" are
    one value)."""
    frame = pd.DataFrame(
        {
            "a": [1, 2, 1, 2, 1],
            "b": ["x", None, "x", np.nan, "y"],
            "c": [0.5, np.nan, 0.5, np.nan, -0.0],
            "d": pd.to_datetime(["2025-01-01", None, "2025-01-01", None, "2025-01-01"]),
            "e": [1, "1", 1, "1", 1.5],
        }
    )
    keys = _row_keys(frame, columns)
    assert keys.dtype == np.uint64
    expected = frame[columns].astype({"e": str} if "e" in columns else {})
    groups = expected.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()
    assert (pd.factorize(keys)[0] == pd.factorize(groups)[0]).all()
    assert keys[0] == keys[2] and keys[1] == keys[3]
    assert (keys[0] == keys[1]) == (columns == ["e"])
    # the same keys from the codes the statistics kept (their value counts factorize each text column)
    assert np.array_equal(_row_keys(frame, columns, Stats(frame).text_codes), keys)


def test_the_statistics_keep_codes_of_text_columns_only():
    frame = pd.DataFrame(
        {
            "text": ["x", None, "y", "x"],
            "none": pd.Series([None] * 4, dtype=object),
            "mixed": [1, "1", 1, None],
            "lists": [[1], [2], [1], None],
            "n": [1.0, 2.0, 1.0, np.nan],
        }
    )
    stats = Stats(frame)
    assert stats.text_codes("text").tolist() == [0, -1, 1, 0]
    assert stats.text_codes("none").tolist() == [-1] * 4
    assert [stats.text_codes(c) for c in ("mixed", "lists", "n")] == [None] * 3
    assert np.array_equal(
        _row_keys(frame, list(frame.columns), stats.text_codes), _row_keys(frame, frame.columns)
    )


def test_row_keys_of_unhashable_cells_group_by_the_text():
    frame = pd.DataFrame({"a": [[1], [2], [1], ["1"]], "b": [1, 2, 1, 1]})
    keys = _row_keys(frame, ["a", "b"])
    assert keys[0] == keys[2] and len(set(keys[:3].tolist())) == 2
    assert keys[3] != keys[0]  # ['1'] is not [1] as text


def test_callers_frame_is_not_shared_with_the_audit():
    frame = pd.DataFrame({"x": np.arange(200.0), "y": ["a", "b"] * 100})
    report = dataaudit.audit(frame, as_of="2026-06-30")
    assert report.result("consistency.duplicate_rows").status.value == "pass"
    assert frame["x"].tolist() == list(np.arange(200.0))  # untouched
