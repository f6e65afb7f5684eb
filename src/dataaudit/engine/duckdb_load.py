"""Open a file as a :class:`~dataaudit.engine.duckdb.DuckDBEngine`, with the loading semantics of
:func:`dataaudit.loading.load`, without holding the file in memory.

- **CSV/TSV** (plain, or .gz/.bz2/.xz/.zip, decompressed in a stream to the temporary folder): one file is
  read by DuckDB's own parallel reader and typed in SQL with the same semantics
  (:mod:`~dataaudit.engine.duckdb_native`: one pass of C++ over the file in the common case, the types
  pyarrow infers checked by pyarrow's grammar); what that path cannot reproduce (see there) and a
  directory of files are parsed by the same parser as the pandas loader (pyarrow's CSV reader, here its
  streaming form, every column as text), so quoting, delimiters, ragged rows and unterminated quotes behave
  identically. The null tokens are set to
  NULL and counted batch by batch; each column's type is inferred as pyarrow infers it (int64, bool, date,
  time, timestamp[s|ns] with or without a zone, float64, else text: the first type every value parses as,
  checked batch by batch with pyarrow's own casts), the text goes into a DuckDB table on disk, and one
  ``CREATE TABLE … AS SELECT`` gives it those types. Integers past 64 bits stay text, as in the pandas loader;
  the user's extra null tokens are applied after typing, as there.
- **Encodings**: UTF-8 (with or without a BOM) is read in place; UTF-16 (by its BOM) and text that is not
  valid UTF-8 (damaged UTF-8 with replacement characters, else cp1252, else latin-1: the pandas loader's
  rule) are transcoded in chunks to a UTF-8 file in the temporary folder first.
- **Parquet** is queried in place (a view over ``read_parquet`` with its row numbers): it is already
  columnar, compressed and typed, so ingesting it would only copy it; the view sets null tokens in text
  columns and NaN to NULL, as the pandas loader does.
- **JSON Lines** is read by the pandas loader (in memory) and ingested: its readers (pyarrow's, then a
  forgiving line-by-line one) have no streaming form with the same semantics. Not out of core.

The file is hashed in 1 MiB blocks. Everything DuckDB writes (its database, spill files, transcoded text)
lives in one ``tempfile.mkdtemp(prefix="dataaudit-")`` folder that ``close()`` removes (also at exit and
through the engine's context manager). The memory and disk the audit needs are estimated before reading
and compared with what is available (:mod:`dataaudit.memory`); a shortfall is a one-line
:class:`~dataaudit.errors.DataLoadError` with the numbers.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from dataaudit.dataset import SourceInfo
from dataaudit.engine.duckdb import DuckDBEngine
from dataaudit.engine.duckdb_base import connect
from dataaudit.engine.duckdb_csv import _open_csv
from dataaudit.engine.duckdb_parquet import _open_parquet
from dataaudit.engine.duckdb_resources import _bytes, _engine_memory, estimate_needs
from dataaudit.engine.workdir import make_workdir
from dataaudit.errors import DataLoadError
from dataaudit.formats import detect_format
from dataaudit.loading.digest import BackgroundDigest
from dataaudit.loading.nulls import DEFAULT, NullCounts, NullTokens
from dataaudit.loading.problems import _first_line, _Problem

__all__ = ["estimate_needs", "open_duckdb"]


def open_duckdb(
    path: str | Path,
    fmt: str | None = None,
    nulls: NullTokens | None = None,
    memory_limit: str | None = None,
    temp_dir: str | None = None,
    threads: int | None = None,
) -> tuple[DuckDBEngine, SourceInfo]:
    """Open ``path`` (CSV, TSV, Parquet or JSON Lines) as a DuckDB engine. ``memory_limit`` (e.g.
    ``"500MB"``): DuckDB's limit (default: a fixed 1 GiB, or half the memory available when that is less);
    ``temp_dir``: where the temporary folder goes (default: the system's). Raises :class:`DataLoadError`
    (one line, starting with the path) as :func:`dataaudit.loading.load` does, and when memory or disk cannot
    be met."""
    path = Path(path)
    files = _data_files(path, fmt)
    fmt, compression = detect_format(files[0], fmt)
    _check_supported(path, fmt, compression, files)
    start = time.perf_counter()
    size = sum(f.stat().st_size for f in files)
    if size == 0:
        raise DataLoadError(f"{path}: file is empty (0 bytes)")
    tmp = make_workdir(temp_dir)
    notes: list[str] = []
    hashing: BackgroundDigest | None = None
    try:
        limit = _engine_memory(files, fmt, compression, size, memory_limit, tmp)
        hashing = BackgroundDigest(*files)  # beside the load, which reads the same bytes
        nulls = nulls or DEFAULT
        if len(files) > 1:
            notes.append(f"read {len(files)} {fmt} files of the directory, in name order, as one table")
        engine, encoding, counts = _open_engine(path, files, fmt, nulls, limit, tmp, threads, notes)
        try:
            digest = hashing.result()
        except BaseException:
            engine.close()
            raise
    except _Problem as exc:
        if hashing is not None:
            hashing.cancel()
        shutil.rmtree(tmp, ignore_errors=True)
        raise DataLoadError(f"{path}: {exc}") from None
    except BaseException as exc:
        if hashing is not None:
            hashing.cancel()
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, DataLoadError | KeyboardInterrupt | SystemExit):
            raise
        if _is_duckdb_error(exc) or isinstance(exc, ValueError | OSError | MemoryError):
            raise DataLoadError(f"{path}: cannot read as {fmt} with duckdb: {_first_line(exc)}") from None
        raise
    info = SourceInfo(
        path=str(path),
        format=fmt + (f"+{compression}" if compression else ""),
        bytes=size,
        sha256=digest,
        load_seconds=time.perf_counter() - start,
        encoding=encoding,
        notes=tuple(notes),
        mtime=max((m for m in map(_mtime, files) if m is not None), default=None),
        null_tokens=counts,
    )
    return engine, info


def _check_supported(path: Path, fmt: str, compression: str | None, files: list[Path]) -> None:
    """The formats (and combinations) the duckdb engine reads."""
    if fmt not in ("csv", "tsv", "parquet", "jsonl"):
        raise DataLoadError(f"{path}: the duckdb engine reads CSV, TSV, Parquet and JSON Lines, not {fmt}")
    if fmt == "parquet" and compression:
        raise DataLoadError(f"{path}: a compressed Parquet file ({compression}) is not supported")
    if fmt == "jsonl" and len(files) > 1:
        raise DataLoadError(f"{path}: a directory of JSON Lines files is not supported; concatenate them")


def _open_engine(
    path: Path,
    files: list[Path],
    fmt: str,
    nulls: NullTokens,
    limit: str,
    tmp: str,
    threads: int | None,
    notes: list[str],
) -> tuple[DuckDBEngine, str | None, NullCounts]:
    """The engine over the files read into (CSV, JSON Lines) or viewed from (Parquet) a DuckDB database in
    ``tmp``, the text encoding and the null tokens found."""
    if fmt == "jsonl":
        engine, encoding, counts = _open_jsonl(path, fmt, nulls, limit, tmp, threads, notes)
    else:
        con = connect(os.path.join(tmp, "audit.duckdb"), tmp, limit, threads)
        try:
            if fmt == "parquet":
                parts = _open_parquet(con, files, nulls, notes)
                encoding = None
            else:
                parts, encoding = _open_csv(con, files, fmt, nulls, tmp, notes)
        except BaseException:
            con.close()
            raise
        columns, dtypes, kinds, n_rows, position, counts = parts
        engine = DuckDBEngine(
            con, "data", columns, dtypes, kinds, n_rows, position, tmp, memory_limit_bytes=_bytes(limit)
        )
    return engine, encoding, counts


# ---------------------------------------------------------------------- files
def _check_is_file(path: Path) -> None:
    from dataaudit.loading import _check_is_file as check

    check(path)


def _mtime(path: Path) -> Any:
    from dataaudit.loading import _mtime as mtime

    return mtime(path)


def _data_files(path: Path, fmt: str | None) -> list[Path]:
    """The file, or a directory's data files in name order (hidden files and Spark's ``_SUCCESS``-style
    markers left out), all of one format."""
    if not path.is_dir():
        _check_is_file(path)
        return [path]
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "_")))
    if not files:
        raise DataLoadError(f"{path}: the directory holds no data files")
    kinds = {}
    for f in files:
        try:
            kinds[f.name] = detect_format(f, fmt)[0]
        except DataLoadError:
            kinds[f.name] = "?"
    if len(set(kinds.values())) > 1:
        shown = ", ".join(f"{n} ({k})" for n, k in list(kinds.items())[:5])
        raise DataLoadError(f"{path}: the directory mixes formats: {shown}; audit one format at a time")
    return files


def _is_duckdb_error(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb")


# ---------------------------------------------------------------------- JSON Lines
def _open_jsonl(
    path: Path, fmt: str, nulls: NullTokens, limit: str, tmp: str, threads: int | None, notes: list[str]
) -> tuple[DuckDBEngine, str | None, NullCounts]:
    """JSON Lines: read by the pandas loader (identical semantics), then ingested (not out of core)."""
    from dataaudit.loading import load

    frame, info = load(path, fmt=fmt, nulls=nulls)
    notes.extend(info.notes)
    notes.append("JSON Lines read in memory by the pandas loader, then ingested into duckdb")
    # the engine makes its own temporary folder beside ours, which is no longer needed
    engine = DuckDBEngine.from_frame(
        frame, memory_limit=limit, temp_dir=os.path.dirname(tmp), threads=threads
    )
    shutil.rmtree(tmp, ignore_errors=True)
    return engine, info.encoding, {k: dict(v) for k, v in info.null_tokens.items()}
