"""Load a file into a pandas frame, fast (pyarrow's readers where they apply), with one-line errors.

Every failure is a :class:`~dataaudit.errors.DataLoadError` whose text starts with the file name. Readers
raise ``_Problem`` with the rest of the line; :func:`load` adds the path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import lzma
import stat
import time
import zipfile
import zlib
from pathlib import Path

import pandas as pd

from dataaudit import read_ahead
from dataaudit.dataset import SourceInfo
from dataaudit.errors import DataLoadError
from dataaudit.formats import FORMATS, detect_format
from dataaudit.loading.arrow import Pending, _index_to_columns, _read_feather, _read_parquet
from dataaudit.loading.columns import _clean_columns
from dataaudit.loading.compressed import MAX_DECOMPRESSED_BYTES, _decompress
from dataaudit.loading.excel import _EXCEL_ERRORS, _read_excel
from dataaudit.loading.nulls import DEFAULT, DEFAULT_NULL_TOKENS, NullCounts, NullTokens, apply_null_tokens
from dataaudit.loading.problems import _first_line, _Problem
from dataaudit.loading.text import _has_text, _read_text
from dataaudit.startup import startup_done

__all__ = [
    "DEFAULT_NULL_TOKENS",
    "FORMATS",
    "MAX_DECOMPRESSED_BYTES",
    "NullTokens",
    "detect_format",
    "from_frame",
    "load",
]


def load(
    path: str | Path, fmt: str | None = None, sheet: str | None = None, nulls: NullTokens | None = None
) -> tuple[pd.DataFrame, SourceInfo]:
    """Read ``path`` into a frame. Returns the frame and a :class:`SourceInfo`.

    ``nulls``: the text read as missing (default: pandas' default ``na_values``; see
    :mod:`dataaudit.loading.nulls`); ``SourceInfo.null_tokens`` says per column which were found, how often.
    Raises :class:`DataLoadError` (one line, starting with the path) when the file is missing, unreadable,
    unsupported or holds no data.
    """
    startup_done()  # from the command line: collect garbage again before the data is read (dataaudit.startup)
    stdin = str(path) == "-"  # standard input: CSV unless fmt says otherwise; named <stdin> in messages
    path = Path("<stdin>") if stdin else Path(path)
    if stdin:
        fmt, compression = (fmt or "csv").lower(), None
        if fmt not in FORMATS:
            raise DataLoadError(f"{path}: unsupported --format {fmt!r} (choose from {', '.join(FORMATS)})")
    else:
        _check_is_file(path)
        fmt, compression = detect_format(path, fmt)
    if sheet is not None and fmt != "xlsx":
        raise DataLoadError(f"{path}: --sheet applies only to .xlsx workbooks, not to {fmt} data")
    start = time.perf_counter()
    # the command line may have read and hashed the file already, while it imported (dataaudit.read_ahead)
    ahead = None if stdin else read_ahead.take(path)
    if ahead is None:
        raw = _read_stdin() if stdin else _read_bytes(path)
        sha256 = hashlib.sha256(raw).hexdigest()
    else:
        raw, sha256 = ahead
        del ahead  # ``del raw`` below must let go of the bytes: no other reference may hold them
    size = len(raw)
    notes: list[str] = []
    nulls = nulls or DEFAULT
    try:
        parsed, encoding, by_position = _parse(raw, fmt, compression, sheet, notes, nulls)
        del raw  # the file's bytes go before an arrow table becomes the frame: never all three at once
        frame = parsed if isinstance(parsed, pd.DataFrame) else parsed()
        del parsed
        frame = _clean_columns(frame, notes)
        frame, null_tokens = _null_tokens(frame, fmt, nulls, by_position)
        _check_shape(frame)
    except _Problem as exc:
        raise DataLoadError(f"{path}: {exc}") from None
    except MemoryError:  # e.g. under a ulimit -v: a clear refusal, not an internal error
        raise DataLoadError(f"{path}: not enough memory to load it ({size:,} bytes on disk)") from None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error) as exc:
        # a reader failed in a way we did not foresee: still one line, never a traceback
        raise DataLoadError(f"{path}: cannot read as {fmt}: {_first_line(exc)}") from None
    info = SourceInfo(
        path=str(path),
        format=fmt + (f"+{compression}" if compression else ""),
        bytes=size,
        sha256=sha256,
        load_seconds=time.perf_counter() - start,
        encoding=encoding,
        notes=tuple(notes),
        mtime=None if stdin else _mtime(path),
        null_tokens=null_tokens,
    )
    return frame, info


def _read_stdin() -> bytes:
    import sys

    try:
        raw = sys.stdin.buffer.read()
    except (AttributeError, OSError, ValueError) as exc:  # no stdin (closed, detached) or not binary
        raise DataLoadError(f"<stdin>: cannot read standard input ({exc})") from None
    if not raw:
        raise DataLoadError("<stdin>: standard input is empty (0 bytes)")
    return raw


def _null_tokens(
    frame: pd.DataFrame, fmt: str, nulls: NullTokens, by_position: NullCounts
) -> tuple[pd.DataFrame, NullCounts]:
    """The null tokens of a loaded frame: CSV/TSV counted by the reader (by column position), other formats
    applied here. Excel's error values (``#DIV/0!``…) are missing in a workbook whatever the settings."""
    counts = {str(frame.columns[int(i)]): c for i, c in by_position.items()}
    if fmt in ("csv", "tsv"):
        # the reader applied the tokens common to every column; numbers and per-column tokens remain
        if not (nulls.extra or nulls.per_column):
            return frame, counts
        return apply_null_tokens(frame, nulls, counts=counts, parse_numbers=True)
    return apply_null_tokens(frame, nulls, extra=_EXCEL_ERRORS if fmt == "xlsx" else (), counts=counts)


def from_frame(frame: pd.DataFrame, nulls: NullTokens | None = None) -> tuple[pd.DataFrame, SourceInfo]:
    """An in-memory DataFrame, prepared like a loaded file: a named index becomes a column, column names
    become unique strings (tuples of a MultiIndex joined with '.'), and text cells that are null tokens
    (``nulls``, default pandas' default ``na_values``) become missing, as they would in a file read by
    ``load`` or by ``pd.read_csv``. A frame from ``pd.read_csv`` holds none (pandas read them as NaN); one
    built from strings, a database or ``keep_default_na=False`` may. The caller's frame is not modified."""
    if not isinstance(frame, pd.DataFrame):
        raise DataLoadError(f"expected a pandas DataFrame or a path, got {type(frame).__name__}")
    if frame.shape[1] == 0 or len(frame) == 0:
        raise DataLoadError(f"the DataFrame is empty ({len(frame)} rows × {frame.shape[1]} columns)")
    start = time.perf_counter()
    notes: list[str] = []
    frame = _index_to_columns(frame.copy(deep=False))
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [".".join(str(p) for p in c if str(p)) for c in frame.columns]
    frame = _clean_columns(frame, notes)
    frame, null_tokens = apply_null_tokens(frame, nulls or DEFAULT)
    return frame, SourceInfo(
        format="dataframe",
        load_seconds=time.perf_counter() - start,
        notes=tuple(notes),
        null_tokens=null_tokens,
    )


def _mtime(path: Path) -> dt.datetime | None:
    """The file's modification time in UTC (None if the file system cannot say)."""
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except (OSError, ValueError, OverflowError):
        return None


def _check_is_file(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise DataLoadError(f"{path}: file not found") from None
    except OSError as exc:  # e.g. a parent directory without permission, a symlink loop
        raise DataLoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise DataLoadError(f"{path}: is a directory, not a data file")
    if not stat.S_ISREG(mode):  # a FIFO or device would block or never end
        raise DataLoadError(f"{path}: not a regular file")


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except MemoryError:
        raise DataLoadError(f"{path}: not enough memory to read it ({path.stat().st_size:,} bytes)") from None
    except OSError as exc:
        raise DataLoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not raw:
        raise DataLoadError(f"{path}: file is empty (0 bytes)")
    return raw


def _parse(
    raw: bytes, fmt: str, compression: str | None, sheet: str | None, notes: list[str], nulls: NullTokens
) -> tuple[pd.DataFrame | Pending, str | None, NullCounts]:
    """The frame (or the conversion that makes it from an arrow table, for the caller to run once the
    bytes are gone), the text encoding (None for binary formats) and the null tokens the CSV reader counted
    (by column position)."""
    data = _decompress(raw, compression) if compression else raw
    if not data:
        raise _Problem(f"{compression} archive holds 0 bytes")
    if not _has_text(data):
        raise _Problem("file has no data (only whitespace)")
    if fmt == "parquet":
        return _read_parquet(data, notes), None, {}
    if fmt == "feather":
        return _read_feather(data, notes), None, {}
    if fmt == "xlsx":
        return _read_excel(data, sheet, notes), None, {}
    counts: NullCounts = {}
    frame, encoding = _read_text(data, fmt, notes, nulls, counts)
    return frame, encoding, counts


def _check_shape(frame: pd.DataFrame) -> None:
    n_cols = frame.shape[1]
    if n_cols == 0:
        raise _Problem("no columns found")
    if len(frame) == 0:
        raise _Problem(f"no data rows (only a header with {n_cols} column{'s' if n_cols != 1 else ''})")
