"""Scale: a Parquet file too big for the memory available is refused up front, with the memory it needs.

The estimate comes from the file's metadata (before reading any data); the check is exercised by lowering
the memory the loader believes is available, not by building a huge file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.cli import cli
from dataaudit.errors import DataLoadError
from dataaudit.loading import budget
from tests.helpers import AS_OF


def _frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "id": np.arange(rows),
            "x": rng.normal(size=rows),
            "when": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 86_400, rows), unit="s"),
            "city": rng.choice(["Lisbon", "Porto", "Braga"], rows),
            "note": [f"free text number {i}" for i in range(rows)],
        }
    )


@pytest.fixture
def parquet(tmp_path):
    path = tmp_path / "data.parquet"
    _frame(20_000).to_parquet(path, row_group_size=5_000)
    return path


def test_the_estimate_is_close_to_the_real_frame(parquet):
    f = pq.ParquetFile(parquet)
    estimate = budget.parquet_frame_bytes(f.metadata, f.schema_arrow)
    actual = pd.read_parquet(parquet).memory_usage(deep=True, index=False).sum()
    assert 0.7 * actual <= estimate <= 1.5 * actual


def test_dictionary_encoded_text_is_counted_as_python_strings(tmp_path):
    path = tmp_path / "dict.parquet"
    table = pa.table({"c": pa.array(["a", "b"] * 10_000).dictionary_encode()})
    pq.write_table(table, path)
    f = pq.ParquetFile(path)
    assert budget.parquet_frame_bytes(f.metadata, f.schema_arrow) >= 20_000 * budget.STR_OVERHEAD


def test_too_big_is_refused_with_the_memory_it_needs(parquet, monkeypatch):
    f = pq.ParquetFile(parquet)
    needed = budget.parquet_frame_bytes(f.metadata, f.schema_arrow) * budget.WORKING_FACTOR
    monkeypatch.setattr(budget, "available_bytes", lambda: int(needed) - 1)
    with pytest.raises(
        DataLoadError, match=r"too big to audit in memory: 20,000 rows × 5 columns need about"
    ):
        dataaudit.audit(parquet, as_of=AS_OF)
    result = CliRunner().invoke(cli, ["run", str(parquet), "--no-html", "--as-of", AS_OF])
    assert result.exit_code == 2
    assert "GiB available" in result.output and "Traceback" not in result.output


def test_just_enough_memory_or_an_unknown_amount_audits_it(parquet, monkeypatch):
    f = pq.ParquetFile(parquet)
    needed = budget.parquet_frame_bytes(f.metadata, f.schema_arrow) * budget.WORKING_FACTOR
    monkeypatch.setattr(budget, "available_bytes", lambda: int(needed) + 1)
    assert dataaudit.audit(parquet, as_of=AS_OF, select=["size.min_rows"]).dataset.rows == 20_000
    monkeypatch.setattr(budget, "available_bytes", lambda: None)
    assert dataaudit.audit(parquet, as_of=AS_OF, select=["size.min_rows"]).dataset.rows == 20_000
