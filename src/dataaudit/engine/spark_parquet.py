"""Parquet for the spark engine: read as Spark types it, with the pandas dtypes the pandas loader would give.
Part of :mod:`dataaudit.engine.spark_load`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dataaudit.engine.spark_session import _first_line
from dataaudit.errors import DataLoadError


def _open_parquet(
    spark: Any, path: Path, files: list[Path]
) -> tuple[Any, list[str], dict[str, dict[str, int]]]:
    from pyspark.sql import types as T

    from dataaudit.engine.spark import SparkEngine, col
    from dataaudit.engine.spark_frames import _nan_to_null, number_rows
    from dataaudit.loading.columns import _clean_columns

    try:
        df = spark.read.parquet(*[str(f) for f in files])
        fields = list(df.schema.fields)
    except Exception as exc:  # noqa: BLE001
        if "NANOS" in str(exc):
            raise DataLoadError(
                f"{path}: Spark cannot read Parquet timestamps in nanoseconds (pandas' default); write the "
                "file "
                "with microseconds (df.to_parquet(..., coerce_timestamps='us')) or use --engine duckdb"
            ) from None
        raise DataLoadError(f"{path}: not a valid Parquet file or truncated ({_first_line(exc)})") from None
    notes: list[str] = []
    nested = [f.name for f in fields if isinstance(f.dataType, (T.ArrayType, T.MapType, T.StructType))]
    if nested:
        notes.append(f"skipped {len(nested)} column(s) holding lists or maps: {', '.join(nested[:10])}")
    keep = [f.name for f in fields if f.name not in nested]
    import pandas as pd

    names = list(_clean_columns(pd.DataFrame(columns=keep), notes).columns)
    df = df.select(*[col(c).alias(n) for c, n in zip(keep, names)])
    df = _nan_to_null(df)
    dtypes = _parquet_dtypes(files, dict(zip(keep, names)))
    try:
        src, position, n_rows, non_null = number_rows(df, by_file=True)
    except Exception as exc:  # noqa: BLE001
        raise DataLoadError(f"{path}: cannot read as parquet: {_first_line(exc)}") from None
    if n_rows == 0:
        raise DataLoadError(f"{path}: no data rows")
    numbered = src.select(*[col(c) for c in names], position.alias("__dataaudit_row__")).persist()
    engine = SparkEngine(numbered, n_rows, non_null, reason="", dtypes=_with_nulls(dtypes, non_null, n_rows))
    return engine, notes, {}


def _parquet_dtypes(files: list[Path], names: Mapping[str, str]) -> dict[str, str]:
    """The pandas dtypes pyarrow gives the columns (read from the first file's schema only)."""
    try:
        import pyarrow.parquet as pq

        schema = pq.read_schema(files[0])
        empty = schema.empty_table().to_pandas(date_as_object=False)
    except Exception:  # noqa: BLE001 - fall back to the dtypes derived from Spark's schema
        return {}
    return {names[c]: str(empty[c].dtype) for c in empty.columns if c in names}


def _with_nulls(dtypes: dict[str, str], non_null: Mapping[str, int], n_rows: int) -> dict[str, str]:
    """An integer or bool column holding a missing value is float64 / object in pandas."""
    out = {}
    for c, d in dtypes.items():
        missing = non_null.get(c, n_rows) < n_rows
        if missing and d.startswith(("int", "uint")):
            d = "float64"
        elif missing and d == "bool":
            d = "object"
        out[c] = d
    return out
