"""Open data in an out-of-core engine (DuckDB, Spark): the engine's own loaders, with the same loading
semantics as :func:`dataaudit.loading.load` (null tokens, encodings, one-line errors)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from dataaudit.errors import ConfigError

if TYPE_CHECKING:
    from dataaudit.config import Config
    from dataaudit.dataset import SourceInfo
    from dataaudit.engine.base import Engine
    from dataaudit.loading.nulls import NullTokens

__all__ = ["open_engine"]


def open_engine(
    name: str, data: Any, path: Path | None, fmt: str | None, nulls: NullTokens, cfg: Config
) -> tuple[Engine, SourceInfo]:
    if name == "duckdb":
        return _duckdb(data, path, fmt, nulls, cfg)
    if name == "spark":
        return _spark(data, path, fmt, nulls, cfg)
    raise ConfigError(f"engine: unknown engine {name!r}")


def _duckdb(data: Any, path: Path | None, fmt: str | None, nulls: NullTokens, cfg: Config):
    from dataaudit.engine.duckdb import DuckDBEngine
    from dataaudit.engine.duckdb_load import open_duckdb

    if path is None:
        from dataaudit.loading import from_frame

        frame, source = from_frame(data, nulls=nulls)
        return DuckDBEngine.from_frame(frame), source
    return open_duckdb(path, fmt=fmt, nulls=nulls, memory_limit=cfg.engine_memory)


def _spark(data: Any, path: Path | None, fmt: str | None, nulls: NullTokens, cfg: Config):
    from dataaudit.engine.spark_session import require_spark

    require_spark()  # pyspark and Java, or SPARK_REMOTE: one line naming the [spark] extra
    from dataaudit.engine.spark import SparkEngine
    from dataaudit.engine.spark_load import null_tokens_as_missing, open_spark

    if cfg.catalog_table:
        return open_spark(None, fmt=fmt, nulls=nulls, table=cfg.catalog_table)
    if isinstance(data, pd.DataFrame):
        from dataaudit.loading import from_frame

        frame, source = from_frame(data, nulls=nulls)
        return SparkEngine.from_pandas(frame), source
    if path is None:  # a Spark DataFrame: its text null tokens are missing, as a pandas frame's are
        df, null_tokens = null_tokens_as_missing(data, nulls)
        return SparkEngine.from_dataframe(df), _spark_source(null_tokens)
    return open_spark(path, fmt=fmt, nulls=nulls)


def _spark_source(null_tokens: dict[str, dict[str, int]]) -> SourceInfo:
    from dataaudit.dataset import SourceInfo

    return SourceInfo(format="spark dataframe", null_tokens=null_tokens)
