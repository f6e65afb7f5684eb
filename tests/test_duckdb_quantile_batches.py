"""The DuckDB engine's exact quantiles when the columns' values do not all fit in memory at once: as many
columns per ``quantile_cont`` query as fit in a quarter of the memory limit, a spilling sort by rank for a
column too large alone; the same answers as the pandas engine either way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit.engine import PandasEngine
from dataaudit.engine.duckdb import DuckDBEngine


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 5_000
    big = rng.normal(50, 10, n)
    small = np.where(rng.random(n) < 0.9, np.nan, rng.exponential(3, n))  # ~500 numbers
    return pd.DataFrame(
        {
            "big": big,
            "ints": rng.integers(0, 1000, n),
            "small": small,
            "tiny": np.where(np.arange(n) < 40, rng.normal(size=n), np.nan),
            "text": [f"t{i % 17}" for i in range(n)],
        }
    )


@pytest.mark.parametrize("budget_values", [10_000, 600, 40])
def test_quantiles_in_batches_and_alone_match_pandas(frame, budget_values):
    """``budget_values``: how many values fit in the quarter of the (pretended) memory limit: all columns
    together; the small ones batched and the large ones alone; every column alone (except the tiny one)."""
    ref = PandasEngine(frame).profile()
    with DuckDBEngine.from_frame(frame) as eng:
        eng._memory_limit = 4 * 16 * budget_values
        got = eng.profile()
    for c in ("big", "ints", "small", "tiny"):
        assert got[c].quantiles is not None and ref[c].quantiles is not None
        for k, v in ref[c].quantiles.items():
            assert got[c].quantiles[k] == pytest.approx(v, rel=1e-12, abs=1e-12), (c, k, budget_values)


def test_selection_converges_when_the_approximate_brackets_keep_missing(monkeypatch):
    """Brackets that miss every rank until they span the whole column still give numpy's exact quantiles
    (the last round, min to max, cannot miss), not an error."""
    import numpy as np
    import pandas as pd

    from dataaudit.engine import duckdb_profile
    from dataaudit.engine.base import QUANTILES
    from dataaudit.engine.duckdb import DuckDBEngine

    values = np.random.default_rng(2).lognormal(0, 1, 5000)
    original = duckdb_profile.DuckDBProfile._brackets

    def wide_only(self, numeric, counts, todo, margin, source):
        got = original(self, numeric, counts, todo, margin, source)
        # every narrow bracket "misses"
        return got if margin >= 1 else {key: (0, np.empty(0), np.empty(0, np.int64)) for key in got}

    monkeypatch.setattr(duckdb_profile.DuckDBProfile, "_brackets", wide_only)
    with DuckDBEngine.from_frame(pd.DataFrame({"x": values})) as eng:
        probs = list(QUANTILES.values())
        out = eng._quantiles_by_rank({"x": "x"}, {"x": 5000}, ["x"], probs, "(SELECT x FROM data)")
    assert out["x"] == pytest.approx({k: np.quantile(values, p) for k, p in QUANTILES.items()}, rel=1e-12)


def test_a_column_of_few_values_is_selected_by_its_distinct_values(monkeypatch):
    """A 0/1 column puts most rows in one bracket (between 0 and 0): selection fetches the bracket's distinct
    values and their counts, never the rows one by one (70M values of a 100M-row 0/1 target took the process
    past an 8 GiB cap); the quantiles still equal numpy's."""
    from dataaudit.engine import duckdb_base
    from dataaudit.engine.base import QUANTILES

    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {"y": (rng.random(20_000) < 0.3).astype(np.int64), "code": rng.integers(0, 7, 20_000)}
    )
    fetched: list[int] = []
    original = duckdb_base.DuckDBBase._q

    def counting(self, sql, params=None, retry=True):
        got = original(self, sql, params, retry)
        if "BETWEEN" in sql:  # a bracket's values
            fetched.append(got.num_rows)
        return got

    monkeypatch.setattr(duckdb_base.DuckDBBase, "_q", counting)
    with DuckDBEngine.from_frame(frame) as eng:
        eng._memory_limit = 4 * 16 * 100  # every column "too large" for quantile_cont: selection by rank
        got = eng.profile()
    for c in ("y", "code"):
        want = {k: float(np.quantile(frame[c].to_numpy(), p)) for k, p in QUANTILES.items()}
        assert got[c].quantiles == pytest.approx(want, rel=1e-12)
    assert fetched and max(fetched) <= 20
