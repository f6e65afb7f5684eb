"""DuckDB value counts that run out of memory (a GROUP BY of 100M distinct ids under the engine's 1 GiB limit
stopped the 100M-row audit) fall back to the exact counts of the values DuckDB's ``approx_top_k`` sketch takes
for the most frequent; the statistics then mark the column's counts approximate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataaudit.engine.duckdb import DuckDBEngine
from dataaudit.engine.pandas import PandasEngine
from dataaudit.engine.scope import tracking
from dataaudit.engine.stats import EngineStats


class _OutOfMemoryOn:
    """A connection whose exact GROUP BY of ``column`` runs out of memory; everything else is real."""

    def __init__(self, con, column: str) -> None:
        self._con, self._column, self.failed = con, column, 0

    def sql(self, query, *args, **kwargs):
        import duckdb

        if "GROUP BY" in query and f'"{self._column}"' in query and "approx_top_k" not in query:
            self.failed += 1
            raise duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block of size 256.0 KiB")
        return self._con.sql(query, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _frame(n: int = 20_000) -> pd.DataFrame:
    rng = np.random.default_rng(8)
    city = rng.choice(np.array(["Oslo", "Lima", "Pune", "Kyiv"], dtype=object), n, p=[0.4, 0.3, 0.2, 0.1])
    return pd.DataFrame({"id": np.arange(n) % (n - 50), "city": city, "x": rng.normal(size=n)})


def test_value_counts_out_of_memory_fall_back_to_a_sketch_with_exact_counts() -> None:
    frame = _frame()
    ref = PandasEngine(frame)
    with DuckDBEngine.from_frame(frame) as eng:
        real = eng._con
        eng._con = spy = _OutOfMemoryOn(real, "city")
        try:
            with tracking() as scope:
                got = eng.value_counts("city", 500_000)
            # the ids are fine: their exact counts are not affected
            ids = eng.value_counts("id", 500_000)
        finally:
            eng._con = real
    assert spy.failed >= 1
    pd.testing.assert_series_equal(got, ref.value_counts("city"))  # 4 values: the sketch holds them all
    assert scope.approximate
    assert "city" in eng.approximate_counts and "id" not in eng.approximate_counts
    pd.testing.assert_series_equal(ids, ref.value_counts("id", 500_000))


def test_the_statistics_of_a_sketched_column_survive_an_exact_group_by_out_of_memory(monkeypatch) -> None:
    """As at 100M rows: distinct counts sketched (HyperLogLog), the id's exact GROUP BY out of memory. The
    statistics' top values come from the sketch, counted exactly, and read as approximate."""
    from dataaudit.engine import duckdb_profile
    from dataaudit.engine import stats as engine_stats

    monkeypatch.setattr(duckdb_profile, "EXACT_DISTINCT_ROWS", 1000)
    monkeypatch.setattr(duckdb_profile, "EXACT_DISTINCT_MAX", 100)
    monkeypatch.setattr(engine_stats, "MAX_VALUE_COUNTS", 1000)  # 20k ids: "too many" to count all
    frame = _frame()
    # 10 ids 100 times each: the heavy hitters
    frame.loc[: 10 * 100 - 1, "id"] = np.repeat(np.arange(10), 100)
    with DuckDBEngine.from_frame(frame) as eng:
        stats = EngineStats(eng, frame.head(1000))
        real = eng._con
        eng._con = spy = _OutOfMemoryOn(real, "id")
        try:
            top = stats["id"].top
            with tracking() as scope:
                counts = stats.value_counts("id")
            city = stats["city"].top
        finally:
            eng._con = real
    assert spy.failed == 1  # once out of memory, the column goes to the sketch straight away (no retry)
    assert scope.approximate and "id" in eng.approximate_counts
    want = PandasEngine(frame).value_counts("id")
    assert top == tuple(want.head(10).items())  # the heavy hitters, counted exactly
    pd.testing.assert_series_equal(counts.head(10), want.head(10))
    assert city == tuple(frame["city"].value_counts().items())  # exact: its GROUP BY ran
