"""The memory and disk an audit with the duckdb engine needs, estimated before reading and checked
against what is available (:mod:`dataaudit.memory`); a shortfall is a one-line
:class:`~dataaudit.errors.DataLoadError` with the numbers. Part of :mod:`dataaudit.engine.duckdb_load`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from dataaudit.errors import DataLoadError
from dataaudit.memory import available_bytes, describe_limits, disk_free_bytes

#: the CSV parser's block (as the pandas loader's); a cell larger than this is retried with a larger one
CSV_BLOCK = 16 * 1024 * 1024
#: memory the process needs beside DuckDB's own limit: the interpreter and libraries, a few parser blocks
#: in flight, the seeded sample frame the checks read (measured: ~0.25 GiB for 1M × 20 with a 100k sample)
BASE_MEMORY = 256 * 1024**2
#: DuckDB's memory limit unless one is given (less when less is free)
DEFAULT_ENGINE_MEMORY = 1024**3
#: the smallest DuckDB memory limit accepted: below it even a GROUP BY of a few columns cannot run
MIN_ENGINE_MEMORY = 32 * 1024**2
#: disk for a CSV: the raw text table and the typed table exist together while typing (DuckDB compresses
#: both; measured ~0.5× and ~0.35× of the CSV), plus spill room for GROUP BYs
DISK_PER_CSV_BYTE = 1.5
#: a compressed CSV's expansion when the format does not record it (gzip does)
COMPRESSION_RATIO = 6
GIB = 1024**3


# ---------------------------------------------------------------------- budget
def estimate_needs(files: list[Path], fmt: str, compression: str | None, size: int) -> tuple[int, int]:
    """(bytes of memory the process needs beside DuckDB's limit, bytes of disk in the temporary folder)."""
    if fmt == "parquet":
        # queried in place: no copy; spill room for the largest GROUP BY (duplicates over every column),
        # at most the data uncompressed
        return BASE_MEMORY, sum(_parquet_uncompressed(f, f.stat().st_size) for f in files)
    text = size
    if compression == "gzip":
        text = max(size, sum(_gzip_size(f) for f in files))
    elif compression:
        text = size * COMPRESSION_RATIO
    disk = int(text * DISK_PER_CSV_BYTE) + (text if compression else 0)
    return BASE_MEMORY + 4 * CSV_BLOCK, disk


def _engine_memory(
    files: list[Path], fmt: str, compression: str | None, size: int, memory_limit: str | None, tmp: str
) -> str:
    """DuckDB's memory limit, after checking that it, the rest of the process and the disk fit."""
    path = files[0].parent if len(files) > 1 else files[0]
    memory, disk = estimate_needs(files, fmt, compression, size)
    available = available_bytes()
    if memory_limit is None:
        # half of what is free, at most DEFAULT_ENGINE_MEMORY: DuckDB fills its buffer pool up to the limit,
        # and spills (to the temporary folder) what does not fit
        default = (
            MIN_ENGINE_MEMORY * 8
            if available is None
            else min(DEFAULT_ENGINE_MEMORY, max(MIN_ENGINE_MEMORY * 8, (available - memory) // 2))
        )
        memory_limit = f"{default // 1024**2}MiB"
    engine = _bytes(memory_limit)
    if engine is None:
        raise DataLoadError(f"{path}: memory_limit must look like '500MB' or '4GiB', not {memory_limit!r}")
    if engine < MIN_ENGINE_MEMORY:
        raise DataLoadError(
            f"{path}: an engine memory limit of {engine / 1024**2:.0f} MiB is too small (at least "
            f"{MIN_ENGINE_MEMORY // 1024**2} MiB)"
        )
    if available is not None and memory + engine > available:
        raise DataLoadError(
            f"{path}: not enough memory to audit it with duckdb: the engine's limit {_human(engine)} plus "
            f"{_human(memory)} for the process need {_human(memory + engine)}, {_human(available)} available "
            f"({describe_limits()}); lower memory_limit or free memory"
        )
    free = disk_free_bytes(tmp)
    if free is not None and disk > free:
        raise DataLoadError(
            f"{path}: not enough disk for duckdb's temporary files: about {_human(disk)} needed in {tmp}, "
            f"{_human(free)} free; point the temporary folder elsewhere (TMPDIR or temp_dir)"
        )
    return memory_limit


def _parquet_uncompressed(path: Path, size: int) -> int:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception:  # noqa: BLE001 - not Parquet: the reader says so below, with its own message
        return size
    return sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)) or size


def _gzip_size(path: Path) -> int:
    """The gzip trailer's size of the uncompressed data (modulo 4 GiB: a floor, exact below 4 GiB)."""
    with open(path, "rb") as f:
        f.seek(-4, os.SEEK_END)
        return int.from_bytes(f.read(4), "little")


def _bytes(limit: str | None) -> int | None:
    if limit is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*", str(limit), re.IGNORECASE)
    if not m:
        return None
    unit = (m.group(2) or "B").upper()
    base = 1024 if "I" in unit else 1000
    return int(float(m.group(1)) * base ** ("BKMGT".index(unit[0]) if unit != "B" else 0))


def _human(n: int) -> str:
    return f"{n / GIB:.2f} GiB" if n >= GIB else f"{n / 1024**2:.0f} MiB"
