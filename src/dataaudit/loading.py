"""Load a file into a pandas frame, fast (pyarrow's readers where they apply), with one-line errors.

Every failure is a :class:`~dataaudit.errors.DataLoadError` whose text starts with the file name.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import io
import json
import lzma
import time
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from dataaudit.dataset import SourceInfo
from dataaudit.errors import DataLoadError

__all__ = ["FORMATS", "detect_format", "load"]

FORMATS = ("csv", "tsv", "parquet", "json", "jsonl", "xlsx")
_EXTENSIONS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx", ".xlsm": "xlsx",
}
_COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zip": "zip"}
#: decompressed data beyond this is refused rather than filling memory (a decompression bomb)
MAX_DECOMPRESSED_BYTES = 4 * 1024**3
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"%PDF": "a PDF",
    b"PK\x03\x04": "a zip archive", b"\x1f\x8b": "gzip data", b"PAR1": "a Parquet file",
}


def detect_format(path: Path, fmt: str | None = None) -> tuple[str, str | None]:
    """(format, compression) from ``--format`` or the file's extensions, e.g. ``x.csv.gz`` → (csv, gzip)."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = _COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if compression:
        suffixes = suffixes[:-1]
    if fmt:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise DataLoadError(f"{path}: unsupported --format {fmt!r} (choose from {', '.join(FORMATS)})")
        return fmt, compression
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]], compression
    if compression:  # data.gz: assume CSV inside
        return "csv", compression
    ext = path.suffix or "(none)"
    raise DataLoadError(
        f"{path}: unsupported file type {ext!r}; supported: .csv .tsv .parquet .json .jsonl .xlsx "
        f"(optionally .gz/.bz2/.xz/.zip), or pass --format"
    )


def load(path: str | Path, fmt: str | None = None, sheet: str | None = None) -> tuple[pd.DataFrame, SourceInfo]:
    """Read ``path`` into a frame. Returns the frame and a :class:`SourceInfo`."""
    path = Path(path)
    if not path.exists():
        raise DataLoadError(f"{path}: file not found")
    if path.is_dir():
        raise DataLoadError(f"{path}: is a directory, not a data file")
    fmt, compression = detect_format(path, fmt)
    start = time.perf_counter()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataLoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not raw:
        raise DataLoadError(f"{path}: file is empty (0 bytes)")
    sha = hashlib.sha256(raw).hexdigest()
    notes: list[str] = []
    encoding: str | None = None
    try:
        if fmt == "parquet":
            frame = _read_parquet(raw, notes)
        elif fmt == "xlsx":
            frame = _read_excel(raw, sheet, notes)
        else:
            data = _decompress(raw, compression, path) if compression else raw
            if not data.strip():
                raise _Problem("file has no data (only whitespace)")
            if fmt in ("csv", "tsv"):
                frame, encoding = _read_csv(data, "\t" if fmt == "tsv" else None, notes)
            elif fmt == "jsonl":
                frame = _read_jsonl(data, notes)
            else:
                frame = _read_json(data)
    except _Problem as exc:
        raise DataLoadError(f"{path}: {exc}") from None
    except DataLoadError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, KeyError) as exc:
        raise DataLoadError(f"{path}: cannot read as {fmt}: {_first_line(exc)}") from None
    frame = _clean_columns(frame, notes)
    if frame.shape[1] == 0:
        raise DataLoadError(f"{path}: no columns found")
    if len(frame) == 0:
        raise DataLoadError(f"{path}: no data rows (only a header with {frame.shape[1]} columns)")
    info = SourceInfo(
        path=str(path),
        format=fmt + (f"+{compression}" if compression else ""),
        bytes=len(raw),
        sha256=sha,
        load_seconds=time.perf_counter() - start,
        encoding=encoding,
        notes=tuple(notes),
    )
    return frame, info


class _Problem(Exception):
    """A load problem whose text is already fit for the user; the file name is added by ``load``."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


# -- decompression ----------------------------------------------------------------------------------------


def _decompress(raw: bytes, compression: str, path: Path) -> bytes:
    if compression == "zip":
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            members = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")]
            if len(members) != 1:
                names = ", ".join(i.filename for i in members[:5]) or "none"
                raise _Problem(f"zip archive must hold exactly one data file, found {len(members)} ({names})")
            stream: Any = zf.open(members[0])
            return _read_bounded(stream, path)
    opener = {"gzip": gzip.GzipFile, "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}[compression]
    try:
        with opener(io.BytesIO(raw)) as stream:
            return _read_bounded(stream, path)
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise _Problem(f"not valid {compression} data or truncated ({_first_line(exc)})") from None


def _read_bounded(stream: Any, path: Path) -> bytes:
    chunks, total = [], 0
    while chunk := stream.read(16 * 1024 * 1024):
        total += len(chunk)
        if total > MAX_DECOMPRESSED_BYTES:
            raise _Problem(
                f"decompresses to more than {MAX_DECOMPRESSED_BYTES // 1024**3} GiB; refusing "
                "(possible decompression bomb)"
            )
        chunks.append(chunk)
    return b"".join(chunks)


# -- CSV --------------------------------------------------------------------------------------------------


def _sniff_encoding(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    head = data[:8192]
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise _Problem(f"looks like {what}, not delimited text")
    if head.count(b"\x00") > len(head) // 10:
        raise _Problem("looks like a binary file, not delimited text (many NUL bytes)")
    return "utf-8"


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_csv(data: bytes, delimiter: str | None, notes: list[str]) -> tuple[pd.DataFrame, str]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    encoding = _sniff_encoding(data)
    if encoding == "utf-16":
        data = data.decode("utf-16").encode("utf-8")
    elif encoding == "utf-8-sig":
        data = data[3:]
    candidates = ["utf-8", "cp1252", "latin-1"] if encoding == "utf-8" else ["utf-8"]
    last: Exception | None = None
    for enc in candidates:
        try:
            head = data[:65536].decode(enc, errors="ignore" if enc == "utf-8" else "strict")
        except UnicodeDecodeError as exc:
            last = exc
            continue
        sep = delimiter or _sniff_delimiter(head)
        try:
            table = pacsv.read_csv(
                pa.py_buffer(data),
                read_options=pacsv.ReadOptions(encoding=enc, block_size=16 * 1024 * 1024),
                parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""]
                ),
            )
        except pa.ArrowInvalid as exc:
            msg = _first_line(exc)
            if "UTF8" in msg or "utf8" in msg.lower():
                last = exc
                continue
            if "Empty CSV file" in msg:
                raise _Problem("file has no data") from None
            raise _Problem(f"malformed CSV: {msg.removeprefix('CSV parse error: ')}") from None
        if enc != "utf-8":
            notes.append(f"not valid UTF-8: decoded as {enc} (legacy 8-bit encoding)")
        reported = {"utf-8": "utf-8", "cp1252": "cp1252", "latin-1": "latin-1"}[enc]
        if encoding != "utf-8":
            reported = encoding
        return _arrow_to_pandas(table), reported
    raise _Problem(f"cannot decode text ({_first_line(last) if last else 'unknown encoding'})")


def _arrow_to_pandas(table: Any) -> pd.DataFrame:
    return table.to_pandas(split_blocks=True, self_destruct=True)


# -- Parquet, JSON, Excel -------------------------------------------------------------------------------------


def _read_parquet(raw: bytes, notes: list[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(pa.py_buffer(raw))
        nested = [f.name for f in pf.schema_arrow if pa.types.is_nested(f.type)]
        flat = [f.name for f in pf.schema_arrow if not pa.types.is_nested(f.type)]
        table = pf.read(columns=flat)
    except (pa.ArrowException, OSError) as exc:
        raise _Problem(f"not a valid Parquet file or truncated ({_first_line(exc)})") from None
    if nested:
        notes.append(f"skipped {len(nested)} nested column(s) (struct/list/map): {', '.join(nested[:10])}")
    return _arrow_to_pandas(table)


def _read_json(data: bytes) -> pd.DataFrame:
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
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
    return pd.DataFrame.from_records(doc)


def _read_jsonl(data: bytes, notes: list[str]) -> pd.DataFrame:
    records, bad = [], []
    for lineno, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            bad.append(lineno)
            continue
        if isinstance(rec, dict):
            records.append(rec)
        else:
            bad.append(lineno)
    if bad and len(bad) > len(records):
        raise _Problem(f"not JSON Lines: {len(bad):,} of {len(bad) + len(records):,} lines are not JSON objects")
    if bad:
        notes.append(f"skipped {len(bad):,} malformed JSON line(s) (first at line {bad[0]})")
    return pd.DataFrame.from_records(records)


def _read_excel(raw: bytes, sheet: str | None, notes: list[str]) -> pd.DataFrame:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _Problem(f"not a valid .xlsx workbook ({_first_line(exc)})") from None
    names = wb.sheetnames
    wb.close()
    if sheet is not None and sheet not in names:
        raise _Problem(f"no sheet named {sheet!r} (sheets: {', '.join(names)})")
    chosen = sheet or names[0]
    if len(names) > 1 and sheet is None:
        notes.append(f"read sheet {chosen!r}, the first of {len(names)} ({', '.join(names)}); choose with --sheet")
    return pd.read_excel(io.BytesIO(raw), sheet_name=chosen, engine="openpyxl")


# -- column names -------------------------------------------------------------------------------------------


def _clean_columns(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    names = [str(c) if c is not None else "" for c in frame.columns]
    seen: dict[str, int] = {}
    out, renamed = [], []
    for i, name in enumerate(names, 1):
        new = name.strip() or f"unnamed_{i}"
        if name.startswith("Unnamed: ") and frame.columns[i - 1] == name:
            new = name
        base = new
        while new in seen:
            seen[base] += 1
            new = f"{base}.{seen[base]}"
        seen.setdefault(new, 0)
        if new != name:
            renamed.append(f"{name!r}→{new!r}")
        out.append(new)
    if renamed:
        notes.append(f"renamed {len(renamed)} empty or duplicate column name(s): {', '.join(renamed[:5])}")
        frame.columns = out
    return frame
