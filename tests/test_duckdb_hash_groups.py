"""The DuckDB engine finds duplicate and conflicting-label groups by a 64-bit hash of the key columns first,
then groups only the candidate rows exactly: the same GroupSummary as the pandas engine (the reference) on
keys with missing values, text holding NULL beside the string 'None', NaN, and many groups; and, with the
hash forced to collide, still the exact counts (the hash only chooses candidates, never decides a group)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit.engine import duckdb as duck
from dataaudit.engine.base import GroupSummary
from dataaudit.engine.duckdb import DuckDBEngine
from dataaudit.engine.pandas import PandasEngine


def _frame(n: int = 3000, seed: int = 3) -> pd.DataFrame:
    """Mostly unique rows, plus many planted duplicate groups (sizes 2-5) whose keys hold missing values,
    None beside 'None', NaN; some copies carry another label (conflicts), some labels are missing."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "num": rng.normal(size=n).round(6),
            "count": rng.integers(0, 1_000_000, size=n).astype("float64"),
            "city": rng.choice(np.array(["Oslo", "None", "Lima", "nan", ""], dtype=object), size=n),
            "note": [f"note {i}" for i in range(n)],
            "label": rng.choice(np.array(["yes", "no"], dtype=object), size=n),
        }
    )
    frame.loc[rng.random(n) < 0.1, "num"] = np.nan
    frame.loc[rng.random(n) < 0.1, "count"] = np.nan
    frame.loc[rng.random(n) < 0.15, "city"] = None
    frame.loc[rng.random(n) < 0.05, "note"] = None
    frame.loc[rng.random(n) < 0.03, "label"] = None
    copies = []
    for g, source in enumerate(rng.choice(n, size=400, replace=False)):
        row = frame.iloc[[source]]
        for k in range(1 + g % 4):
            copy = row.copy()
            if k == 0 and g % 3 == 0:  # a conflict: the same features, the other label
                copy["label"] = "no" if row["label"].iloc[0] == "yes" else "yes"
            copies.append(copy)
    out = pd.concat([frame, *copies], ignore_index=True)
    return out.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _same(a: GroupSummary, b: GroupSummary) -> None:
    np.testing.assert_array_equal(a.sizes, b.sizes)
    assert a.examples == b.examples
    if a.labels is None:
        assert b.labels is None
    else:
        np.testing.assert_array_equal(a.labels, b.labels)


KEYS = [
    ["num", "count", "city", "note"],
    ["city", "note"],
    ["num", "city"],
    ["city"],  # one text column: hashed too
    ["count"],  # one column that is not text: grouped directly
]


@pytest.fixture(scope="module")
def engines():
    frame = _frame()
    with DuckDBEngine.from_frame(frame) as duck_engine:
        yield PandasEngine(frame), duck_engine


@pytest.mark.parametrize("keys", KEYS)
def test_duplicates_and_conflicts_equal_the_pandas_engine(engines, keys: list[str]) -> None:
    ref, eng = engines
    dup = eng.duplicates(keys, limit=10_000)
    _same(ref.duplicates(keys, limit=10_000), dup)
    _same(ref.conflicts(keys, "label", limit=10_000), eng.conflicts(keys, "label", limit=10_000))
    _same(ref.duplicates(keys, limit=3), eng.duplicates(keys, limit=3))
    if len(keys) > 1:
        assert dup.groups >= 300 and dup.rows > 1000  # many groups, many of them holding missing keys


def test_the_hash_path_runs_and_the_string_none_is_not_missing(monkeypatch) -> None:
    seen: list[str] = []
    exact = DuckDBEngine._exact_groups

    def spy(self, table, cols, target, limit):
        seen.append(table)
        return exact(self, table, cols, target, limit)

    monkeypatch.setattr(DuckDBEngine, "_exact_groups", spy)
    frame = pd.DataFrame(
        {
            "a": ["None", None, "None", None, "x", "x", *(f"u{i}" for i in range(20))],
            "b": [1.0, 1.0, 1.0, 1.0, np.nan, np.nan, *range(20)],
        }
    )
    with DuckDBEngine.from_frame(frame) as small:
        got = small.duplicates(["a", "b"], limit=5)
        table = small._table
    # 'None' rows together, missing rows together, NaN equal to NaN: three groups of two, none merged
    assert got.sizes.tolist() == [2, 2, 2] and got.examples == ((0, 2), (1, 3), (4, 5))
    _same(PandasEngine(frame).duplicates(["a", "b"], limit=5), got)
    assert seen and seen[-1] != table  # grouped exactly over the candidate rows, not the table


def test_minus_zero_groups_as_duckdb_groups_it_with_or_without_the_hash(monkeypatch) -> None:
    """DuckDB counts -0.0 equal to 0.0 (as ``DataFrame.duplicated`` and Spark do); its hash agrees, so the
    hash path finds the same groups as the plain GROUP BY of the whole table."""
    frame = pd.DataFrame({"x": [0.0, -0.0, np.nan, np.nan, 1.5, 1.5], "t": ["a", "b", "a", "b", "a", "a"]})
    assert frame.duplicated(["x"]).tolist() == [False, True, False, True, False, True]
    with DuckDBEngine.from_frame(frame) as eng:
        hashed = eng.duplicates(["x", "x"], limit=5), eng.conflicts(["x", "x"], "t", limit=5)
        plain = (
            eng._exact_groups(eng._table, ["x", "x"], None, 5),
            eng._exact_groups(eng._table, ["x", "x"], "t", 5),
        )
    _same(hashed[0], plain[0])
    _same(hashed[1], plain[1])
    assert hashed[0].sizes.tolist() == [2, 2, 2] and hashed[1].sizes.tolist() == [2, 2]


def test_minus_zero_equals_the_pandas_engine() -> None:
    frame = pd.DataFrame({"x": [0.0, -0.0, 2.0], "y": ["a", "a", "b"]})
    with DuckDBEngine.from_frame(frame) as eng:
        _same(PandasEngine(frame).duplicates(["x", "y"]), eng.duplicates(["x", "y"]))


@pytest.mark.parametrize(
    "hash_sql",
    [
        lambda keys: "0::UBIGINT",  # every row collides with every other
        lambda keys: f"hash({keys[0]}) % 7",  # rows collide whenever their first key does, and across keys
    ],
    ids=["constant", "first-key-mod-7"],
)
def test_forced_collisions_keep_the_counts_exact(engines, monkeypatch, hash_sql) -> None:
    ref, _ = engines
    monkeypatch.setattr(duck, "_key_hash", hash_sql)
    monkeypatch.setattr(duck, "CANDIDATE_SHARE", 1.0)  # no shortcut to the table: verify every candidate
    seen: list[str] = []
    exact = DuckDBEngine._exact_groups

    def spy(self, table, cols, target, limit):
        seen.append(table)
        return exact(self, table, cols, target, limit)

    monkeypatch.setattr(DuckDBEngine, "_exact_groups", spy)
    with DuckDBEngine.from_frame(ref.frame) as eng:  # a fresh engine: no candidates kept from other tests
        for keys in KEYS[:3]:
            # conflicts from their own candidates, then duplicates, then conflicts from the kept candidates
            _same(ref.conflicts(keys, "label", limit=10_000), eng.conflicts(keys, "label", limit=10_000))
            _same(ref.duplicates(keys, limit=10_000), eng.duplicates(keys, limit=10_000))
            _same(ref.conflicts(keys, "label", limit=10_000), eng.conflicts(keys, "label", limit=10_000))
            _same(ref.duplicates(keys, limit=2), eng.duplicates(keys, limit=2))
        assert len(seen) == 12 and eng._table not in seen


def test_mostly_duplicated_rows_group_the_whole_table(monkeypatch) -> None:
    """When over CANDIDATE_SHARE of the rows are candidates, the table is grouped directly (same answer)."""
    frame = pd.DataFrame({"a": ["p", "q"] * 50 + ["r"], "b": [1, 2] * 50 + [3], "y": ["u", "v"] * 50 + ["u"]})
    seen: list[str] = []
    exact = DuckDBEngine._exact_groups

    def spy(self, table, cols, target, limit):
        seen.append(table)
        return exact(self, table, cols, target, limit)

    monkeypatch.setattr(DuckDBEngine, "_exact_groups", spy)
    with DuckDBEngine.from_frame(frame) as eng:
        got = eng.duplicates(["a", "b"], limit=5)
        assert seen == [eng._table]
    assert got.sizes.tolist() == [50, 50]
    _same(PandasEngine(frame).duplicates(["a", "b"], limit=5), got)


@pytest.mark.parametrize("keys", [["num", "count", "city", "note"], ["city", "note"]])
def test_hash_space_grouped_in_parts_under_a_small_memory_limit(monkeypatch, keys: list[str]) -> None:
    """Under a memory limit too small for a hash table of every row's key, the hash space is grouped in
    parts, one scan each: the same summaries."""
    frame = _frame()
    ref = PandasEngine(frame)
    monkeypatch.setattr(duck, "HASH_ENTRY_BYTES", 200_000)  # 3,000 rows "need" 600 MB: parts under 256MB
    with DuckDBEngine.from_frame(frame, memory_limit="256MB") as eng:
        assert eng._hash_parts() > 1
        _same(ref.duplicates(keys, limit=5), eng.duplicates(keys, limit=5))
        _same(ref.conflicts(keys, "label", limit=5), eng.conflicts(keys, "label", limit=5))


class _OutOfMemoryOnce:
    """A connection that runs out of memory on the first hash grouping of the whole hash space (no part
    filter), as DuckDB did on 10M rows under a 100 MB limit; everything else goes to the real connection."""

    def __init__(self, con) -> None:
        self._con, self.asked = con, []

    def execute(self, sql, *args):
        import duckdb

        if "GROUP BY" in sql and ("hash(" in sql or "keyhashes" in sql):
            self.asked.append(sql)
            if len(self.asked) == 1:
                raise duckdb.OutOfMemoryException(
                    "Out of Memory Error: failed to allocate data of size 32.0 MiB"
                )
        return self._con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


@pytest.mark.parametrize("target", [None, "label"])
def test_out_of_memory_groups_the_hash_space_again_in_more_parts(target) -> None:
    """A hash grouping that runs out of memory is done again in more parts (not on one thread, which gives
    one thread's table every key), each reading the key hash computed once: the same summaries as the pandas
    engine, and no table left behind."""
    frame = _frame()
    keys = ["num", "count", "city", "note"]
    ref = PandasEngine(frame)
    with DuckDBEngine.from_frame(frame, memory_limit="256MB") as eng:
        assert eng._hash_parts() == 1
        real = eng._con
        eng._con = spy = _OutOfMemoryOnce(real)
        try:
            got = eng.conflicts(keys, target, limit=5) if target else eng.duplicates(keys, limit=5)
        finally:
            eng._con = real
        want = ref.conflicts(keys, target, limit=5) if target else ref.duplicates(keys, limit=5)
        _same(want, got)
        parts = duck.HASH_PARTS_GROWTH
        assert "%" not in spy.asked[0]
        assert [f"% {parts} = {i}" in q for i, q in enumerate(spy.asked[1:])] == [True] * parts
        # the parts read the key hash computed once, not the key columns again
        assert all("keyhashes" in q and "hash(" not in q for q in spy.asked[1:])
        left = real.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '%hashes%'"
        ).fetchall()
        assert left == []
