"""Which engine holds the data: ``--engine auto|pandas|duckdb|spark`` (``engine:`` in dataaudit.yaml).

``auto`` keeps the whole table in memory (pandas: the fastest for what fits) unless the estimated peak of an
in-memory audit exceeds half of the memory this process can still use, and then ingests the file into DuckDB
(on disk, within a memory limit). Spark is used only when asked for, or for a Spark DataFrame: starting a
JVM costs seconds that a table on one machine does not need. The reason is shown in the report's header.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dataaudit.errors import ConfigError

__all__ = ["ENGINES", "choose_engine", "estimated_memory", "is_spark_frame"]

ENGINES = ("auto", "pandas", "duckdb", "spark")
GIB = 1024**3
#: peak RSS of an in-memory audit as a multiple of an uncompressed text file's size (measured: 1M rows × 20
#: mixed columns, a 185 MB CSV, peaked at 1.05 GiB; 5M rows, 887 MiB: 3.9 GiB)
TEXT_PEAK_FACTOR = 5.0
#: a compressed text file expands about this much (CSV under gzip: 3-6×; an overestimate is the safe side)
COMPRESSION_FACTOR = 6.0
#: formats the DuckDB engine reads; others are loaded by pandas whatever their size
DUCKDB_FORMATS = ("csv", "tsv", "parquet", "jsonl")
#: auto picks DuckDB when an in-memory audit would need more than this share of the memory available
AUTO_SHARE = 0.5


def estimated_memory(path: Path, fmt: str, compression: str | None) -> int | None:
    """Bytes an in-memory (pandas) audit of the file would peak at, or None when it cannot be estimated."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if fmt == "parquet" and not compression:
        try:
            import pyarrow.parquet as pq

            from dataaudit.loading.budget import WORKING_FACTOR, parquet_frame_bytes

            meta = pq.ParquetFile(path)
            return int(parquet_frame_bytes(meta.metadata, meta.schema_arrow) * WORKING_FACTOR)
        except Exception:  # noqa: BLE001 - a broken file is the loader's to report, with its message
            return None
    factor = TEXT_PEAK_FACTOR * (COMPRESSION_FACTOR if compression else 1.0)
    return int(size * factor)


def choose_engine(
    requested: str, path: Path | None, fmt: str | None, compression: str | None, data: Any = None
) -> tuple[str, str]:
    """The engine to use and why (one clause for the report header)."""
    if requested not in ENGINES:
        raise ConfigError(f"engine: expected one of {', '.join(ENGINES)}, got {requested!r}")
    if is_spark_frame(data):
        if requested not in ("auto", "spark"):
            raise ConfigError(f"engine {requested!r} cannot audit a Spark DataFrame; use engine='spark'")
        return "spark", "a Spark DataFrame was given"
    if requested != "auto":
        return requested, f"--engine {requested} (or engine: in dataaudit.yaml)"
    if path is None:
        return "pandas", "a pandas DataFrame is already in memory"
    if fmt not in DUCKDB_FORMATS:
        return "pandas", f"{fmt} files are read in memory"
    from dataaudit.memory import available_bytes

    need, available = estimated_memory(path, fmt, compression), available_bytes()
    if need is None or available is None:
        return "pandas", "the memory it needs could not be estimated"
    if need > AUTO_SHARE * available:
        return "duckdb", f"an in-memory audit would need about {_gib(need)}, {_gib(available)} available"
    # the reason names no free-memory figure: the same file gives the same report on any day
    return "pandas", f"fits in memory (an in-memory audit needs about {_gib(need)})"


def _gib(n: int) -> str:
    return f"{n / GIB:.1f} GiB" if n >= GIB / 10 else f"{n / 1024**2:.0f} MiB"


def is_spark_frame(data: Any) -> bool:
    module = type(data).__module__ or ""
    return module.startswith("pyspark.") and type(data).__name__ == "DataFrame"
