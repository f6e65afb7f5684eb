"""A user's null token that is a number (``na_values: [-999]``) is counted in number columns too, whichever
way the CSV is read: with other tokens in the file (read twice) the pandas loader made the number column's
``-999`` missing but left it out of the counts, while the duckdb engine counted it."""

from __future__ import annotations

import pytest

from dataaudit.engine.duckdb_load import open_duckdb
from dataaudit.loading import load
from dataaudit.loading.nulls import NullTokens

TOKENS = NullTokens(extra=("-999",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a text column holds the token too: the file is read again with every token null
        ("a,b\n1,x\n-999,y\n3,-999\n4,z\n", {"a": {"-999": 1}, "b": {"-999": 1}}),
        # only the number column: read once, the token set missing after typing
        ("a,b\n1,x\n-999,y\n3,w\n4,z\n", {"a": {"-999": 1}}),
        # NA elsewhere forces the second read; a float column with the token and its own NaN spelling
        (
            "a,b,c\n1.5,NA,NaN\n-999,y,2\n3,w,-999\n-999,z,1\n",
            {"a": {"-999": 2}, "b": {"NA": 1}, "c": {"NaN": 1, "-999": 1}},
        ),
    ],
)
def test_numeric_tokens_are_counted_in_number_columns_on_both_engines(tmp_path, text, expected):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    frame, info = load(path, nulls=TOKENS)
    assert frame["a"].isna().sum() == expected["a"]["-999"]
    assert info.null_tokens == expected
    engine, duck = open_duckdb(path, nulls=TOKENS)
    with engine:
        assert duck.null_tokens == expected
