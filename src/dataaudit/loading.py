"""Load a file into a pandas frame, fast (pyarrow's readers where they apply), with one-line errors.

Every failure is a :class:`~dataaudit.errors.DataLoadError` whose text starts with the file name. Readers
raise ``_Problem`` with the rest of the line; :func:`load` adds the path.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import io
import json
import lzma
import re
import stat
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import pandas as pd

from dataaudit.dataset import SourceInfo
from dataaudit.errors import DataLoadError
from dataaudit.formats import FORMATS, detect_format

__all__ = ["FORMATS", "MAX_DECOMPRESSED_BYTES", "detect_format", "from_frame", "load"]

_TEXT_FORMATS = ("csv", "tsv", "json", "jsonl")
#: decompressed data beyond this is refused rather than filling memory (a decompression bomb)
MAX_DECOMPRESSED_BYTES = 4 * 1024**3
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a zip archive (an .xlsx workbook?)",
    b"\x1f\x8b": "gzip data",
    b"PAR1": "a Parquet file",
    b"\xd0\xcf\x11\xe0": "an old .xls workbook",
}
#: bytes that never occur in UTF-8, UTF-8-encoded or 8-bit legacy text (tab, newline, form feed, CR do)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
#: text whose first 8 KiB hold more than this share of control bytes is binary (random data: ~11%)
_MAX_CONTROL_SHARE = 0.02
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
_NON_ASCII_UTF8 = re.compile("[^\x00-\x7f\ufffd]")
_EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"})


def load(
    path: str | Path, fmt: str | None = None, sheet: str | None = None
) -> tuple[pd.DataFrame, SourceInfo]:
    """Read ``path`` into a frame. Returns the frame and a :class:`SourceInfo`.

    Raises :class:`DataLoadError` (one line, starting with the path) when the file is missing, unreadable,
    unsupported or holds no data.
    """
    path = Path(path)
    _check_is_file(path)
    fmt, compression = detect_format(path, fmt)
    if sheet is not None and fmt != "xlsx":
        raise DataLoadError(f"{path}: --sheet applies only to .xlsx workbooks, not to {fmt} data")
    start = time.perf_counter()
    raw = _read_bytes(path)
    notes: list[str] = []
    try:
        frame, encoding = _parse(raw, fmt, compression, sheet, notes)
        frame = _clean_columns(frame, notes)
        _check_shape(frame)
    except _Problem as exc:
        raise DataLoadError(f"{path}: {exc}") from None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error) as exc:
        # a reader failed in a way we did not foresee: still one line, never a traceback
        raise DataLoadError(f"{path}: cannot read as {fmt}: {_first_line(exc)}") from None
    info = SourceInfo(
        path=str(path),
        format=fmt + (f"+{compression}" if compression else ""),
        bytes=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        load_seconds=time.perf_counter() - start,
        encoding=encoding,
        notes=tuple(notes),
    )
    return frame, info


class _Problem(Exception):
    """A load problem whose text is already fit for the user; the file name is added by ``load``."""


class _NotUtf8(Exception):
    """A text reader met bytes that are not UTF-8: ``_read_text`` retries with a legacy encoding."""


def from_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, SourceInfo]:
    """An in-memory DataFrame, prepared like a loaded file: a named index becomes a column, column names
    become unique strings (tuples of a MultiIndex joined with '.'). The caller's frame is not modified."""
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
    return frame, SourceInfo(format="dataframe", load_seconds=time.perf_counter() - start, notes=tuple(notes))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


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
    except OSError as exc:
        raise DataLoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not raw:
        raise DataLoadError(f"{path}: file is empty (0 bytes)")
    return raw


def _parse(
    raw: bytes, fmt: str, compression: str | None, sheet: str | None, notes: list[str]
) -> tuple[pd.DataFrame, str | None]:
    """The frame and the text encoding (None for binary formats)."""
    data = _decompress(raw, compression) if compression else raw
    if not data:
        raise _Problem(f"{compression} archive holds 0 bytes")
    if not data.strip():
        raise _Problem("file has no data (only whitespace)")
    if fmt == "parquet":
        return _read_parquet(data, notes), None
    if fmt == "xlsx":
        return _read_excel(data, sheet, notes), None
    return _read_text(data, fmt, notes)


def _check_shape(frame: pd.DataFrame) -> None:
    n_cols = frame.shape[1]
    if n_cols == 0:
        raise _Problem("no columns found")
    if len(frame) == 0:
        raise _Problem(f"no data rows (only a header with {n_cols} column{'s' if n_cols != 1 else ''})")


# -- decompression ----------------------------------------------------------------------------------------


def _decompress(raw: bytes, compression: str) -> bytes:
    if compression == "zip":
        return _unzip(raw)
    opener: Callable[[Any], Any] = {
        "gzip": lambda f: gzip.GzipFile(fileobj=f),
        "bz2": bz2.BZ2File,
        "xz": lzma.LZMAFile,
    }[compression]
    try:
        with opener(io.BytesIO(raw)) as stream:
            return _read_bounded(stream)
    except EOFError:
        raise _Problem(f"{compression} data is truncated (ends before the end of the stream)") from None
    except (OSError, lzma.LZMAError, zlib.error) as exc:
        raise _Problem(f"not valid {compression} data ({_first_line(exc)})") from None


def _unzip(raw: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            members = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")]
            if len(members) != 1:
                names = ", ".join(i.filename for i in members[:5]) or "none"
                raise _Problem(f"zip archive must hold exactly one data file, found {len(members)} ({names})")
            with zf.open(members[0]) as stream:
                return _read_bounded(stream)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as exc:
        # RuntimeError: encrypted member; NotImplementedError: unsupported compression method
        raise _Problem(f"not a valid zip archive ({_first_line(exc)})") from None


def _read_bounded(stream: Any) -> bytes:
    chunks, total = [], 0
    while chunk := stream.read(16 * 1024 * 1024):
        total += len(chunk)
        if total > MAX_DECOMPRESSED_BYTES:
            raise _Problem(
                f"decompresses to more than {_human_bytes(MAX_DECOMPRESSED_BYTES)}; refusing "
                "(possible decompression bomb)"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _human_bytes(n: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


# -- text: encodings --------------------------------------------------------------------------------------


def _read_text(data: bytes, fmt: str, notes: list[str]) -> tuple[pd.DataFrame, str]:
    """CSV, TSV, JSON or JSONL. Tries UTF-8 (after a BOM, if any); falls back to a legacy 8-bit encoding."""
    data, encoding = _to_utf8(data, fmt)
    if not data.strip():
        raise _Problem("file has no data (only whitespace)")
    read: Callable[[bytes], pd.DataFrame] = {
        "csv": lambda d: _read_csv(d, None, notes),
        "tsv": lambda d: _read_csv(d, "\t", notes),
        "json": lambda d: _read_json(d, notes),
        "jsonl": lambda d: _read_jsonl(d, notes),
    }[fmt]
    try:
        return read(data), encoding
    except _NotUtf8:
        if encoding != "utf-8":
            raise _Problem(f"not valid {encoding} text despite its byte-order mark") from None
    data, encoding, note = _repair_utf8(data)
    frame = read(data)
    notes.append(note)
    return frame, encoding


def _to_utf8(data: bytes, fmt: str) -> tuple[bytes, str]:
    """Strip a UTF-8 BOM or transcode UTF-16; refuse binary data. Returns (bytes, encoding read)."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _Problem(f"not valid utf-16 text despite its byte-order mark ({exc.reason})") from None
    if data.startswith(_UTF8_BOM):
        return data[len(_UTF8_BOM) :], "utf-8-sig"
    _refuse_binary(data[:8192], fmt)
    return data, "utf-8"


def _refuse_binary(head: bytes, fmt: str) -> None:
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise _Problem(f"looks like {what}, not {fmt.upper()} text")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(head):
        raise _Problem(
            f"looks like a binary file, not {fmt.upper()} text ({controls} control bytes in the first "
            f"{len(head)}; UTF-16 needs a byte-order mark)"
        )


def _repair_utf8(data: bytes) -> tuple[bytes, str, str]:
    """Text that is not valid UTF-8: (UTF-8 bytes, encoding, note). Mostly UTF-8 with a few stray bytes
    (files concatenated from two sources): replace those. Otherwise a legacy 8-bit encoding: cp1252
    (Windows' Western default) if it decodes, else latin-1, which decodes any bytes."""
    text = data.decode("utf-8", errors="replace")
    if _NON_ASCII_UTF8.search(text):  # valid multi-byte sequences: it is UTF-8, damaged
        bad = text.count("\ufffd") - data.count("\ufffd".encode())
        note = f"not valid UTF-8 throughout: {bad:,} undecodable byte sequence(s) replaced with U+FFFD"
        return text.encode("utf-8"), "utf-8", note
    try:
        encoding, text = "cp1252", data.decode("cp1252")
    except UnicodeDecodeError:
        encoding, text = "latin-1", data.decode("latin-1")
    note = f"not valid UTF-8: decoded as {encoding} (legacy 8-bit encoding); check accented characters"
    return text.encode("utf-8"), encoding, note


def _utf8_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8 from None


# -- CSV / TSV ----------------------------------------------------------------------------------------------


def _sniff_delimiter(data: bytes) -> str:
    lines = data[:65536].decode("utf-8", errors="ignore").splitlines()
    if len(data) > 65536 and len(lines) > 1:
        lines.pop()  # cut off mid-line
    sample = "\n".join(lines[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:  # one column, or no consistent delimiter
        return ","


def _read_csv(data: bytes, delimiter: str | None, notes: list[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    sep = delimiter or _sniff_delimiter(data)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(block_size=16 * 1024 * 1024),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""]
            ),
        )
    except pa.ArrowInvalid as exc:
        msg = _first_line(exc)
        if msg.startswith("CSV parse error: Expected") and "columns, got" in msg:
            raise _Problem(_ragged_message(data, sep)) from None
        if "invalid UTF8" in msg:
            raise _NotUtf8 from None
        if "Empty CSV file" in msg:
            raise _Problem("file has no data") from None
        raise _Problem(f"malformed CSV: {msg.removeprefix('CSV parse error: ')}") from None
    if any(pa.types.is_binary(f.type) for f in table.schema):  # arrow's type for text that is not UTF-8
        raise _NotUtf8
    if delimiter is None and sep != ",":
        notes.append(f"delimiter {_SEP_NAMES.get(sep, repr(sep))} detected")
    return _arrow_to_pandas(table, notes)


_SEP_NAMES = {"\t": "tab", ";": "';'", "|": "'|'"}


def _ragged_message(data: bytes, sep: str) -> str:
    """Name the first line whose field count differs from the header's (arrow does not know line numbers)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""), delimiter=sep)
    header = next(reader, [])
    while True:
        first_line = reader.line_num + 1  # a quoted value may span lines: name the one the row starts on
        row = next(reader, None)
        if row is None:
            return "ragged rows: the number of fields varies between lines"
        if row and len(row) != len(header):
            return f"ragged rows: line {first_line} has {len(row)} fields, the header has {len(header)}"


# -- JSON / JSON Lines -------------------------------------------------------------------------------------


def _read_json(data: bytes, notes: list[str]) -> pd.DataFrame:
    text = _utf8_text(data)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Problem(f"invalid JSON ({_first_line(exc)}); JSON Lines files should end in .jsonl") from None
    except RecursionError:
        raise _Problem("JSON nested too deeply to be a table") from None
    if isinstance(doc, dict):  # {"data": [...]}: one key holding the records
        lists = [v for v in doc.values() if isinstance(v, list)]
        if len(lists) == 1:
            doc = lists[0]
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise _Problem("JSON is not tabular: expected an array of objects (records)")
    if not doc:
        raise _Problem("no data rows (empty JSON array)")
    return _records_to_frame(doc, notes)


def _read_jsonl(data: bytes, notes: list[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.json as pajson

    text = _utf8_text(data)  # arrow's JSON reader lets invalid UTF-8 through into its strings
    try:
        return _arrow_to_pandas(pajson.read_json(pa.py_buffer(data)), notes)
    except pa.ArrowInvalid:
        pass  # a malformed line, or a field whose type changes: the slower, forgiving reader below
    records, bad = [], []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            rec = None
        if isinstance(rec, dict):
            records.append(rec)
        else:
            bad.append(lineno)
    if len(bad) > len(records):
        total = len(bad) + len(records)
        raise _Problem(f"not JSON Lines: {len(bad):,} of {total:,} lines are not JSON objects")
    if bad:
        notes.append(f"skipped {len(bad):,} malformed JSON line(s) (first at line {bad[0]})")
    return _records_to_frame(records, notes)


def _records_to_frame(records: list[dict[str, Any]], notes: list[str]) -> pd.DataFrame:
    """Nested objects become ``parent.child`` columns; columns holding arrays are dropped with a note."""
    frame = pd.json_normalize(records)  # column names are unique: it builds one dict per record
    nested = [
        name
        for name, col in frame.items()
        if col.dtype == object and col.map(lambda v: isinstance(v, list | dict)).any()
    ]
    _note_skipped([str(n) for n in nested], notes)
    return frame.drop(columns=nested)


# -- Arrow (CSV, JSONL, Parquet) -------------------------------------------------------------------------


def _arrow_to_pandas(table: Any, notes: list[str]) -> pd.DataFrame:
    """Struct columns become ``parent.child`` columns; list and map columns are dropped with a note. Dates
    become datetime64 (not Python ``date`` objects)."""
    import pyarrow as pa

    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    nested = [f.name for f in table.schema if pa.types.is_nested(f.type)]
    _note_skipped(nested, notes)
    table = table.drop_columns(nested) if nested else table
    return table.to_pandas(split_blocks=True, self_destruct=True, date_as_object=False)


def _note_skipped(nested: list[str], notes: list[str]) -> None:
    if nested:
        notes.append(f"skipped {len(nested)} column(s) holding lists or maps: {', '.join(nested[:10])}")


# -- Parquet -----------------------------------------------------------------------------------------------


def _read_parquet(data: bytes, notes: list[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(pa.py_buffer(data)).read()
    except (pa.ArrowException, OSError) as exc:
        raise _Problem(f"not a valid Parquet file or truncated ({_first_line(exc)})") from None
    return _index_to_columns(_arrow_to_pandas(table, notes))


def _index_to_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A pandas index saved in the Parquet metadata: a named one (e.g. ``customer_id``) is data, keep it as
    a column; an unnamed one is just row numbers."""
    named = [n for n in frame.index.names if n is not None]
    if named:
        frame = frame.reset_index(level=named, allow_duplicates=True)
    return frame.reset_index(drop=True) if not isinstance(frame.index, pd.RangeIndex) else frame


# -- Excel -------------------------------------------------------------------------------------------------


def _read_excel(data: bytes, sheet: str | None, notes: list[str]) -> pd.DataFrame:
    """The first row is the header; empty rows are skipped; cells keep their types (numbers, dates)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Problem(
            "looks like an old .xls workbook or an encrypted .xlsx; save it as an unencrypted .xlsx"
        )
    bad_workbook = (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        TypeError,
        InvalidFileException,
        ParseError,
    )
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except bad_workbook as exc:
        raise _Problem(f"not a valid .xlsx workbook ({_first_line(exc)})") from None
    try:
        rows = _sheet_rows(_pick_sheet(wb, sheet, notes))
    except bad_workbook as exc:
        raise _Problem(f"cannot read the worksheet ({_first_line(exc)})") from None
    finally:
        wb.close()
    if not rows:
        raise _Problem("the sheet is empty")
    frame = pd.DataFrame(rows[1:], columns=range(len(rows[0])))
    frame.columns = pd.Index(rows[0], dtype=object)
    return frame


def _pick_sheet(wb: Any, sheet: str | None, notes: list[str]) -> Any:
    sheets = wb.worksheets  # not chartsheets
    names = [ws.title for ws in sheets]
    if not sheets:
        raise _Problem("workbook has no worksheets")
    if sheet is None:
        if len(sheets) > 1:
            notes.append(
                f"read sheet {names[0]!r}, the first of {len(names)} ({', '.join(names)}); "
                "choose with --sheet"
            )
        return sheets[0]
    if sheet not in names:
        raise _Problem(f"no sheet named {sheet!r} (sheets: {', '.join(names)})")
    return sheets[names.index(sheet)]


def _sheet_rows(ws: Any) -> list[list[Any]]:
    """Non-empty rows, padded to one width, without trailing empty columns. Error cells become missing."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # read-only sheets trust the file's declared size, which writers get wrong
    rows = [
        [None if isinstance(v, str) and v in _EXCEL_ERRORS else v for v in row]
        for row in ws.iter_rows(values_only=True)
    ]
    rows = [row for row in rows if any(v is not None for v in row)]
    width = max((max(i for i, v in enumerate(row) if v is not None) + 1 for row in rows), default=0)
    return [row[:width] + [None] * (width - len(row)) for row in rows]


# -- column names -------------------------------------------------------------------------------------------


def _clean_columns(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Column names as strings; an empty name becomes ``unnamed_N`` (N its 1-based position) and a repeated
    one ``name.1``, ``name.2``…, with a note listing the renames."""
    taken: set[str] = set()
    counters: dict[str, int] = {}
    out, renamed = [], []
    for i, col in enumerate(frame.columns, 1):
        name = "" if col is None or (isinstance(col, float) and col != col) else str(col)
        new = _unique(name if name.strip() else f"unnamed_{i}", taken, counters)
        if new != name:
            renamed.append(f"{name!r}→{new!r}")
        out.append(new)
    frame.columns = out
    if renamed:
        more = f" and {len(renamed) - 5} more" if len(renamed) > 5 else ""
        listed = ", ".join(renamed[:5])
        notes.append(f"renamed {len(renamed)} empty or duplicate column name(s): {listed}{more}")
    return frame


def _unique(name: str, taken: set[str], counters: dict[str, int]) -> str:
    new, k = name, counters.get(name, 0)
    while new in taken:
        k += 1
        new = f"{name}.{k}"
    counters[name] = k
    taken.add(new)
    return new
