"""A wide CSV larger than DuckDB's CSV buffer loads under the smallest engine memory limit accepted (32 MiB):
the reader's buffers are sized to the limit. With DuckDB's default (32 MB a buffer, one per reading thread)
a 20-column file stopped with "could not allocate block of size 30.5 MiB" under 34-64 MB, though the
engine accepts 32 MiB."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit.engine.duckdb_load import open_duckdb


@pytest.fixture(scope="module")
def wide_csv(tmp_path_factory):
    rng = np.random.default_rng(5)
    n = 250_000  # ~34 MB: more than one default buffer
    frame = pd.DataFrame(
        {
            **{f"num_{j}": np.round(rng.normal(size=n), 4) for j in range(10)},
            **{f"cat_{j}": rng.choice(["north", "south", "east", "west", ""], n) for j in range(6)},
            "id": np.arange(n),
            "code": rng.integers(0, 50_000, n),
            "when": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s"),
            "target": rng.integers(0, 2, n),
        }
    )
    path = tmp_path_factory.mktemp("wide") / "wide.csv"
    frame.to_csv(path, index=False)
    assert path.stat().st_size > 32_000_000
    return path, frame


def test_a_wide_file_loads_under_a_small_engine_memory_limit(wide_csv):
    path, frame = wide_csv
    engine, info = open_duckdb(path, memory_limit="34MB", threads=2)
    with engine:
        assert engine.n_rows == len(frame)
        ids = engine.rows(np.arange(0, len(frame), 997), ["id", "cat_0"])
        assert (ids["id"].to_numpy() == np.arange(0, len(frame), 997)).all()  # the file's order
        assert info.null_tokens["cat_0"] == {"": int((frame["cat_0"] == "").sum())}
