"""The DuckDB engine brings the sizes of the duplicate groups into the process as (size, how many groups of
it), not one row per group: a timestamp column of 100M rows has 26M repeated values, whose (size, first
row) pairs, fetched whole, held 0.6 GiB and made the 100M audit's peak. The sizes are still every group's,
largest first, as the pandas engine gives them; the examples are still the first groups' rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit.engine.duckdb import DuckDBEngine
from dataaudit.engine.pandas import PandasEngine


def _stamps(n: int = 60_000, seed: int = 11) -> pd.DataFrame:
    """A timestamp column where most values repeat (groups of 2-4 rows, ~18,000 of them), and a label."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2025-01-01T00:00:00")
    stamps = start + rng.integers(0, n // 2, size=n).astype("timedelta64[s]")
    return pd.DataFrame({"at": stamps, "label": rng.choice(["a", "b"], size=n)})


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return _stamps()


def _fetched(monkeypatch) -> list[int]:
    """The number of rows of every result the engine fetches into the process."""
    rows: list[int] = []
    q = DuckDBEngine._q

    def spy(self, sql, params=None, retry=True):
        res = q(self, sql, params, retry)
        rows.append(res.num_rows)
        return res

    monkeypatch.setattr(DuckDBEngine, "_q", spy)
    return rows


@pytest.mark.parametrize("limit", [0, 3])
def test_many_groups_sizes_come_run_length_and_equal_the_pandas_engine(frame, monkeypatch, limit) -> None:
    want = PandasEngine(frame).duplicates(["at"], limit=limit)
    assert want.groups > 10_000  # many groups: fetching one row each would show
    fetched = _fetched(monkeypatch)
    with DuckDBEngine.from_frame(frame) as eng:
        got = eng.duplicates(["at"], limit=limit)
    np.testing.assert_array_equal(got.sizes, want.sizes)
    assert got.sizes.dtype == np.int64
    assert got.examples == want.examples
    assert fetched and max(fetched) <= max(10, sum(len(g) for g in want.examples))


def test_conflicts_keep_their_label_counts_aligned_with_the_sizes(frame) -> None:
    want = PandasEngine(frame).conflicts(["at"], "label", limit=4)
    with DuckDBEngine.from_frame(frame) as eng:
        got = eng.conflicts(["at"], "label", limit=4)
    np.testing.assert_array_equal(got.sizes, want.sizes)
    assert got.labels is not None and want.labels is not None
    np.testing.assert_array_equal(got.labels, want.labels)
    assert got.examples == want.examples
