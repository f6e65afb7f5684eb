"""Open a file as a :class:`~dataaudit.engine.duckdb.DuckDBEngine`, with the loading semantics of
:func:`dataaudit.loading.load`, without holding the file in memory.

- **CSV/TSV** (plain, or .gz/.bz2/.xz/.zip, decompressed in a stream to the temporary folder): parsed by the
  same parser as the pandas loader (pyarrow's CSV reader, here its streaming form, every column as text), so
  quoting, delimiters, ragged rows and unterminated quotes behave identically. The null tokens are set to
  NULL and counted batch by batch; each column's type is inferred as pyarrow infers it (int64, bool, date,
  time, timestamp[s|ns] with or without a zone, float64, else text: the first type every value parses as,
  checked batch by batch with pyarrow's own casts), the text goes into a DuckDB table on disk, and one
  ``CREATE TABLE … AS SELECT`` gives it those types. Integers past 64 bits stay text, as in the pandas
  loader; the user's extra null tokens are applied after typing, as there.
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

import codecs
import csv
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from dataaudit.dataset import SourceInfo
from dataaudit.engine.duckdb import _PNUM, DuckDBEngine, _position_name, connect, qi, run
from dataaudit.errors import DataLoadError
from dataaudit.formats import detect_format
from dataaudit.loading.nulls import DEFAULT, NullCounts, NullTokens
from dataaudit.loading.problems import _first_line, _NotUtf8, _Problem
from dataaudit.memory import available_bytes, describe_limits, disk_free_bytes

__all__ = ["estimate_needs", "open_duckdb"]

BLOCK = 1024 * 1024  # hashing and transcoding block
#: the CSV parser's block (as the pandas loader's); a cell larger than this is retried with a larger one
CSV_BLOCK = 16 * 1024 * 1024
#: memory the process needs beside DuckDB's own limit: the interpreter and libraries, a few parser blocks
#: in flight, the seeded sample frame the checks read (measured: ~0.25 GiB for 1M × 20 with a 100k sample)
BASE_MEMORY = 256 * 1024**2
#: DuckDB's memory limit unless one is given (less when less is free)
DEFAULT_ENGINE_MEMORY = 2 * 1024**3
#: the smallest DuckDB memory limit accepted: below it even a GROUP BY of a few columns cannot run
MIN_ENGINE_MEMORY = 32 * 1024**2
#: disk for a CSV: the raw text table and the typed table exist together while typing (DuckDB compresses
#: both; measured ~0.5× and ~0.35× of the CSV), plus spill room for GROUP BYs
DISK_PER_CSV_BYTE = 1.5
#: a compressed CSV's expansion when the format does not record it (gzip does)
COMPRESSION_RATIO = 6
GIB = 1024**3

_BOOL_TEXT = ["1", "0", "True", "TRUE", "true", "False", "FALSE", "false"]
_STAGES = ("int", "bool", "date", "time", "ts_s", "ts_s_tz", "ts_ns", "ts_ns_tz", "float", "text")
_FLOAT = r"^[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))$"
_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PLAIN_INT = r"^\s*[+-]?\d+\s*$"
_INT = r"^(-?[0-9]+|0[xX][0-9a-fA-F]+)$"
_INT_DEC = r"^-?[0-9]+$"
#: a stage every value of which also parses as these (so they need no check of their own)
_IMPLIES = {"date": {"ts_s", "ts_ns"}, "ts_s": {"ts_ns"}, "ts_s_tz": {"ts_ns_tz"}}
#: what pyarrow's ISO 8601 timestamp parser can accept (its cast then decides: ranges, the unit)
_TS = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}(:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?)?$"
_TS_TZ = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}(:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?"
    r"([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$"
)


def open_duckdb(
    path: str | Path,
    fmt: str | None = None,
    nulls: NullTokens | None = None,
    memory_limit: str | None = None,
    temp_dir: str | None = None,
    threads: int | None = None,
) -> tuple[DuckDBEngine, SourceInfo]:
    """Open ``path`` (CSV, TSV, Parquet or JSON Lines) as a DuckDB engine. ``memory_limit`` (e.g.
    ``"500MB"``): DuckDB's limit (default: half the memory available, at least 256 MiB); ``temp_dir``: where
    the temporary folder goes (default: the system's). Raises :class:`DataLoadError` (one line, starting with
    the path) as :func:`dataaudit.loading.load` does, and when memory or disk cannot be met."""
    path = Path(path)
    files = _data_files(path, fmt)
    fmt, compression = detect_format(files[0], fmt)
    if fmt not in ("csv", "tsv", "parquet", "jsonl"):
        raise DataLoadError(f"{path}: the duckdb engine reads CSV, TSV, Parquet and JSON Lines, not {fmt}")
    if fmt == "parquet" and compression:
        raise DataLoadError(f"{path}: a compressed Parquet file ({compression}) is not supported")
    if fmt == "jsonl" and len(files) > 1:
        raise DataLoadError(f"{path}: a directory of JSON Lines files is not supported; concatenate them")
    start = time.perf_counter()
    size = sum(f.stat().st_size for f in files)
    if size == 0:
        raise DataLoadError(f"{path}: file is empty (0 bytes)")
    tmp = tempfile.mkdtemp(prefix="dataaudit-", dir=temp_dir)
    notes: list[str] = []
    try:
        limit = _engine_memory(files, fmt, compression, size, memory_limit, tmp)
        digest = _sha256(*files)
        nulls = nulls or DEFAULT
        if len(files) > 1:
            notes.append(f"read {len(files)} {fmt} files of the directory, in name order, as one table")
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
    except _Problem as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DataLoadError(f"{path}: {exc}") from None
    except BaseException as exc:
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


# ---------------------------------------------------------------------- files
def _check_is_file(path: Path) -> None:
    from dataaudit.loading import _check_is_file as check

    check(path)


def _mtime(path: Path) -> Any:
    from dataaudit.loading import _mtime as mtime

    return mtime(path)


def _sha256(*paths: Path) -> str:
    """sha256 of the file (of a directory's files, one after the other), read in 1 MiB blocks."""
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            while block := f.read(BLOCK):
                h.update(block)
    return h.hexdigest()


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


def _chunks(path: Path | str, compression: str | None = None) -> Iterator[bytes]:
    """The (decompressed) bytes of a file in blocks."""
    import bz2
    import gzip
    import lzma
    import zipfile

    if compression == "zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise _Problem(f"not a valid zip archive ({_first_line(exc)})") from None
        with zf:
            members = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")]
            if len(members) != 1:
                names = ", ".join(i.filename for i in members[:5]) or "none"
                raise _Problem(f"zip archive must hold exactly one data file, found {len(members)} ({names})")
            with zf.open(members[0]) as stream:
                while block := stream.read(BLOCK):
                    yield block
        return
    opener: Any = {None: open, "gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}[compression]
    try:
        with opener(path, "rb") as stream:
            while block := stream.read(BLOCK):
                yield block
    except EOFError:
        raise _Problem(f"{compression} data is truncated (ends before the end of the stream)") from None
    except (OSError, lzma.LZMAError) as exc:
        if compression is None:
            raise
        raise _Problem(f"not valid {compression} data ({_first_line(exc)})") from None


class _Text:
    """A UTF-8 text file ready for the CSV parser: the file itself, or a decompressed / transcoded copy in
    the temporary folder; with what the pandas loader computes over its bytes (size, quote characters)."""

    def __init__(self, file: str, size: int, quotes: int, encoding: str, name: str = "") -> None:
        self.file, self.size, self.quotes, self.encoding = file, size, quotes, encoding
        self.name = name or os.path.basename(file)


def _prepare_text(path: Path, compression: str | None, fmt: str, tmp: str, k: int = 0) -> _Text:
    """Decompress (in a stream) when compressed; refuse binary data; transcode UTF-16 to UTF-8."""
    from dataaudit.loading.text import _UTF8_BOM, _UTF16_BOMS, _refuse_binary

    source: str = str(path)
    if compression:
        source = os.path.join(tmp, f"decompressed-{k}.txt")
        total = 0
        with open(source, "wb") as out:
            for block in _chunks(path, compression):
                out.write(block)
                total += len(block)
        if total == 0:
            raise _Problem(f"{compression} archive holds 0 bytes")
    head = _head(source, 65537)
    if not _has_text(source, head):
        raise _Problem("file has no data (only whitespace)")
    if head.startswith(_UTF16_BOMS):
        return _transcode(source, os.path.join(tmp, f"utf8-{k}.txt"), "utf-16", "strict", "utf-16")
    encoding = "utf-8-sig" if head.startswith(_UTF8_BOM) else "utf-8"
    if encoding == "utf-8":
        _refuse_binary(head[:8192], fmt)
    size, quotes = 0, 0
    for block in _chunks(source):
        size += len(block)
        quotes += block.count(b'"')
    return _Text(source, size, quotes, encoding)


def _head(file: str, n: int) -> bytes:
    with open(file, "rb") as f:
        return f.read(n)


def _has_text(file: str, head: bytes) -> bool:
    if head.strip():
        return True
    return any(block.strip() for block in _chunks(file))


def _transcode(source: str, target: str, encoding: str, errors: str, name: str) -> _Text:
    """``source`` decoded as ``encoding`` (in blocks) and written as UTF-8 to ``target``."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    size = quotes = 0
    try:
        with open(target, "wb") as out:
            for block in _chunks(source):
                text = decoder.decode(block).encode("utf-8")
                out.write(text)
                size += len(text)
                quotes += text.count(b'"')
            tail = decoder.decode(b"", final=True).encode("utf-8")
            out.write(tail)
            size += len(tail)
    except UnicodeDecodeError as exc:
        raise _Problem(f"not valid {name} text despite its byte-order mark ({exc.reason})") from None
    if name == "utf-16" and size >= 3:  # the BOM decodes to U+FEFF: the pandas loader's decode drops it
        with open(target, "rb") as f:
            first = f.read(3)
        if first == b"\xef\xbb\xbf":
            _strip_first(target, 3)
            size -= 3
    return _Text(target, size, quotes, name)


def _strip_first(file: str, n: int) -> None:
    tmp = file + ".tmp"
    with open(file, "rb") as src, open(tmp, "wb") as dst:
        src.seek(n)
        shutil.copyfileobj(src, dst, BLOCK)
    os.replace(tmp, file)


def _repair(text: _Text, tmp: str, notes: list[str], k: int = 0) -> _Text:
    """Text that is not valid UTF-8, the pandas loader's way (:func:`dataaudit.loading.text._repair_utf8`):
    mostly UTF-8 with stray bytes → replace them; else cp1252 if it decodes, else latin-1."""
    from dataaudit.loading.text import _NON_ASCII_UTF8

    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    damaged_utf8 = False
    replaced = 0
    for block in _chunks(text.file):
        chunk = decoder.decode(block)
        replaced += chunk.count("\ufffd") - block.count("\ufffd".encode())
        damaged_utf8 = damaged_utf8 or bool(_NON_ASCII_UTF8.search(chunk))
    target = os.path.join(tmp, f"repaired-{k}.txt")
    if damaged_utf8:
        out = _transcode(text.file, target, "utf-8", "replace", "utf-8")
        notes.append(
            f"not valid UTF-8 throughout: {replaced:,} undecodable byte sequence(s) replaced with U+FFFD"
        )
        return out
    try:
        out = _transcode(text.file, target, "cp1252", "strict", "cp1252")
        encoding = "cp1252"
    except _Problem:
        out = _transcode(text.file, target, "latin-1", "strict", "latin-1")
        encoding = "latin-1"
    notes.append(f"not valid UTF-8: decoded as {encoding} (legacy 8-bit encoding); check accented characters")
    return out


# ---------------------------------------------------------------------- CSV
def _open_csv(
    con: Any,
    files: list[Path],
    fmt: str,
    nulls: NullTokens,
    tmp: str,
    notes: list[str],
) -> tuple[tuple[Any, ...], str]:
    from dataaudit.loading.text import _sniff_delimiter

    texts = []
    for k, file in enumerate(files):
        _, compression = detect_format(file, fmt)
        text = _prepare_text(file, compression, fmt, tmp, k)
        text.name = file.name
        texts.append(text)
    sep = "\t" if fmt == "tsv" else _sniff_delimiter(_head(texts[0].file, 65537))
    repair_notes: list[str] = []
    while True:
        try:
            parts = _ingest_csv(con, texts, sep, fmt != "tsv", nulls, notes)
            break
        except _NotUtf8 as exc:
            k = exc.args[0] if exc.args else 0
            text = texts[k]
            if text.encoding != "utf-8":
                raise _Problem(f"not valid {text.encoding} text despite its byte-order mark") from None
            note: list[str] = []
            texts[k] = _repair(text, tmp, note, k)
            texts[k].name = text.name
            repair_notes += [f"{text.name}: {n}" for n in note] if len(texts) > 1 else note
            if k == 0 and fmt != "tsv":
                sep = _sniff_delimiter(_head(texts[0].file, 65537))
            run(con, "DROP TABLE IF EXISTS data")
    notes[:] = _place_repair_note(notes, repair_notes)
    encodings = sorted({t.encoding for t in texts})
    return parts, encodings[0] if len(encodings) == 1 else ", ".join(encodings)


def _other_header(text: _Text, header: Any, row: Any) -> str:
    if isinstance(header, int):
        return f"{text.name}: {row} columns, where the first file has {header}; the files must share a header"
    return f"{text.name}: header {row[:5]!r} differs from the first file's {header[:5]!r}"


def _place_repair_note(notes: list[str], repair: list[str]) -> list[str]:
    """The pandas loader adds the encoding note after the reader's notes and before the column renames."""
    renames = [n for n in notes if n.startswith("renamed ")]
    others = [n for n in notes if not n.startswith("renamed ")]
    return [*others, *repair, *renames]


class _Column:
    """Type inference of one column, as pyarrow's CSV reader infers: the first of :data:`_STAGES` that
    every value parses as. ``viable`` holds the stages no batch has ruled out yet."""

    def __init__(self) -> None:
        self.viable = list(_STAGES)
        self.plain_int = True  # every value written as a plain integer (for the 64-bit overflow rule)
        self.beyond = False  # ... and one of them beyond the int64 range as a float
        self.values = 0
        self.user_hits: dict[str, int] = {}
        self.numeric_rest = True  # the values besides the user's tokens all read as numbers (pandas)

    def update(self, values: Any, user: Any) -> None:
        """One batch's values that are not null tokens; ``user``: the user's extra tokens for the column."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if len(values) == 0:
            return
        self.values += len(values)
        if self.viable == ["text"] and not self.plain_int and user is None:
            return  # text whatever follows: nothing left to learn from its values
        trimmed = pc.utf8_trim(values, " \t")
        head, head_trimmed = values.slice(0, 64), trimmed.slice(0, 64)
        keep: list[str] = []
        implied: set[str] = set()
        decimal_ints = False
        for stage in self.viable:
            if stage == "text" or stage in implied:
                keep.append(stage)
                continue
            if (
                stage == "int"
                and _all_match(trimmed.slice(0, 64), _INT_DEC, pc)
                and _all_match(trimmed, _INT_DEC, pc)
            ):
                decimal_ints = True  # then they are floats too, and written as plain integers
                ok = pc.max(pc.utf8_length(trimmed)).as_py() < 19 or _accepts("int", values, trimmed, pa, pc)
            else:
                # the first values rule most stages out at once; the whole batch is checked only if they pass
                ok = _accepts(stage, head, head_trimmed, pa, pc) and _accepts(stage, values, trimmed, pa, pc)
            if ok:
                keep.append(stage)
                implied |= _IMPLIES.get(stage, set())
                if decimal_ints:
                    implied.add("float")
        self.viable = keep
        if self.plain_int and not decimal_ints:
            self.plain_int = bool(pc.all(pc.match_substring_regex(values, _PLAIN_INT)).as_py())
        if self.plain_int and not self.beyond and pc.max(pc.utf8_length(trimmed)).as_py() >= 19:
            x = pc.abs(pc.cast(pc.utf8_trim_whitespace(values), pa.float64()))
            self.beyond = bool(pc.max(x).as_py() >= 2.0**63)
        if user is not None:
            hit = pc.is_in(values, value_set=user)
            if pc.any(hit).as_py():
                _add_counts(self.user_hits, pc.filter(values, hit))
                values = pc.filter(values, pc.invert(hit))
            if self.numeric_rest and len(values):
                self.numeric_rest = bool(pc.all(pc.match_substring_regex(values, _PNUM)).as_py())

    @property
    def stage(self) -> str:
        return "null" if self.values == 0 else self.viable[0]


def _all_match(values: Any, pattern: str, pc: Any) -> bool:
    return bool(pc.all(pc.match_substring_regex(values, pattern)).as_py())


def _accepts(stage: str, values: Any, trimmed: Any, pa: Any, pc: Any) -> bool:
    def casts(to: Any, what: Any = trimmed) -> bool:
        try:
            pc.cast(what, to)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return False
        return True

    def matches(pattern: str) -> bool:
        return bool(pc.all(pc.match_substring_regex(trimmed, pattern)).as_py())

    if stage == "int":
        if not matches(_INT):
            return False
        # only 19 digits or more can overflow int64: cast (which checks the range) only then
        return pc.max(pc.utf8_length(trimmed)).as_py() < 19 or casts(pa.int64())
    if stage == "bool":
        return bool(pc.all(pc.is_in(values, value_set=pa.array(_BOOL_TEXT))).as_py())
    if stage == "date":
        return matches(_DATE) and casts(pa.date32())
    if stage == "time":
        return matches(_TIME)
    if stage.startswith("ts_"):
        if not matches(_TS_TZ if stage.endswith("_tz") else _TS):
            return False
        unit = "ns" if stage.startswith("ts_ns") else "s"
        return casts(pa.timestamp(unit, "UTC") if stage.endswith("_tz") else pa.timestamp(unit))
    if stage == "float":
        return matches(_FLOAT)
    return True


def _ingest_csv(
    con: Any, texts: list[_Text], sep: str, sniffed: bool, nulls: NullTokens, notes: list[str]
) -> tuple[Any, ...]:
    """Two streaming passes of pyarrow's CSV parser over the file (or the files of a directory, in order,
    each with the same header). The first reads every cell as text: it counts the null tokens, infers each
    column's type as pyarrow would over the whole file, and finds what the pandas loader checks afterwards
    (64-bit overflow, the user's tokens, an unterminated quote). The second reads with those types (pyarrow
    converts, as in the pandas loader) and appends each batch to DuckDB's table."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from dataaudit.loading import csv_guard
    from dataaudit.loading.columns import _clean_columns
    from dataaudit.loading.text import _SEP_NAMES

    parses = [pacsv.ParseOptions(delimiter=sep, newlines_in_values=t.quotes > 0) for t in texts]
    common = sorted(nulls.common)
    common_set = pa.array(common, pa.string()) if common else None
    block = CSV_BLOCK
    while True:
        header: list[str] | None = None
        names: list[str] = []
        columns: list[_Column] = []
        counts: list[dict[str, int]] = []
        user_sets: list[Any] = []
        n_rows = 0
        notes_before = list(notes)
        text = texts[0]
        try:
            for text, parse in zip(texts, parses):
                last: list[str] = []
                first_row = True
                n_cols = _count_columns(text.file, parse, block if block > CSV_BLOCK else 1024 * 1024)
                if header is not None and n_cols != len(header):
                    raise _Problem(_other_header(text, len(header), n_cols))
                for batch in _open_reader(text.file, parse, [pa.string()] * n_cols, block, None):
                    if first_row:
                        if batch.num_rows == 0:
                            continue
                        row = [batch.column(i)[0].as_py() for i in range(n_cols)]
                        if header is None:
                            header = row
                            names = _clean_names(header, notes, _clean_columns)
                            columns = [_Column() for _ in range(n_cols)]
                            counts = [{} for _ in range(n_cols)]
                            for name in names:
                                extra = sorted(nulls.for_column(name) - nulls.common)
                                user_sets.append(pa.array(extra, pa.string()) if extra else None)
                        elif row != header:
                            raise _Problem(_other_header(text, header, row))
                        batch = batch.slice(1)
                        first_row = False
                    if batch.num_rows == 0:
                        continue
                    for i in range(n_cols):
                        col = batch.column(i)
                        if common_set is not None:
                            hit = pc.is_in(col, value_set=common_set)
                            if pc.any(hit).as_py():
                                _add_counts(counts[i], pc.filter(col, hit))
                                col = pc.filter(col, pc.invert(hit))
                        columns[i].update(col, user_sets[i])
                    last = [batch.column(i)[batch.num_rows - 1].as_py() for i in range(n_cols)]
                    n_rows += batch.num_rows
                line = _unterminated_quote_line(text, last)
                if line is not None:
                    where = f"{text.name}: " if len(texts) > 1 else ""
                    raise _Problem(
                        f"{where}unterminated quote: the quoted value that starts on line {line} never closes"
                    )
            break
        except pa.ArrowInvalid as exc:
            if "straddl" in str(exc) and block < text.size:  # one cell larger than a block (tens of MB)
                block = min(max(block * 4, text.size + 1), 2**31 - 1)
                notes[:] = notes_before
                continue
            problem = _csv_problem(exc, text, sep)
            if isinstance(problem, _NotUtf8):
                raise _NotUtf8(texts.index(text)) from None
            if len(texts) > 1 and isinstance(problem, _Problem):
                problem = _Problem(f"{text.name}: {problem}")
            raise problem from None
    n_cols = len(header or [])
    if header is None:
        raise _Problem("file has no data")
    if n_rows == 0:
        raise _Problem(f"no data rows (only a header with {n_cols} column{'s' if n_cols != 1 else ''})")
    names = _clean_names(header, [], _clean_columns)
    plans = [_plan(c, name, bool(counts[i]), nulls) for i, (c, name) in enumerate(zip(columns, names))]
    kept = [name for name, plan in zip(names, plans) if plan.wide]
    if kept:
        notes.append(
            f"{len(kept)} column(s) hold integers beyond the 64-bit range, kept as text so no digit is lost: "
            + ", ".join(kept[:10])
        )
    position = _position_name(names)
    _load_typed(con, texts, parses, block, plans, common, position, names)
    null_counts: NullCounts = {}
    dtypes, kinds = {}, {}
    for i, (name, plan) in enumerate(zip(names, plans)):
        found = dict(counts[i])
        for token, k in plan.hits.items():
            found[token] = found.get(token, 0) + k
        if found:
            null_counts[name] = found
        dtypes[name], kinds[name] = plan.final()
    if sniffed and sep != ",":
        notes.insert(_reader_note_slot(notes), f"delimiter {_SEP_NAMES.get(sep, repr(sep))} detected")
    hint = csv_guard.delimiter_hint(
        pa.table({h or "": [] for h in header[:1]}) if n_cols == 1 else _Cols(n_cols), sep
    )
    if hint:
        notes.insert(_reader_note_slot(notes), hint)
    return names, dtypes, kinds, n_rows, position, null_counts


def _add_counts(into: dict[str, int], values: Any) -> None:
    import pyarrow.compute as pc

    for d in pc.value_counts(values).to_pylist():
        into[d["values"]] = into.get(d["values"], 0) + int(d["counts"])


class _Plan:
    """How the second pass reads one column and what it does to each batch; the counts it makes."""

    def __init__(self, stage: str, arrow: Any, dtype: str, kind: str) -> None:
        self.stage, self.arrow, self.dtype, self.kind = stage, arrow, dtype, kind
        self.wide = False
        self.user: Any = None  # text tokens of the user's to set missing (a text column)
        self.to_number = False  # ... after which the column holds only numbers: read them
        self.numbers: dict[str, float] = {}  # the user's numeric tokens (a numeric column)
        self.hits: dict[str, int] = {}
        self.missing = False

    def final(self) -> tuple[str, str]:
        if self.numbers and self.kind == "int" and (self.hits or self.missing):
            return "float64", "float"
        return self.dtype, self.kind


def _plan(column: _Column, name: str, missing: bool, nulls: NullTokens) -> _Plan:
    import pyarrow as pa

    stage = column.stage
    if stage == "float" and column.plain_int and column.beyond:
        plan = _Plan("text", pa.string(), "object", "text")
        plan.wide = True
        return plan
    if stage == "int":
        numbers = _numeric_tokens(nulls.user_tokens(name))
        plan = (
            _Plan(stage, pa.float64(), "float64", "float")
            if missing
            else _Plan(stage, pa.float64() if numbers else pa.int64(), "int64", "int")
        )
        plan.numbers = numbers
    elif stage == "bool":
        plan = _Plan(stage, pa.bool_(), "object" if missing else "bool", "objbool" if missing else "bool")
    elif stage == "date":
        plan = _Plan(stage, pa.date32(), "datetime64[ms]", "datetime")
    elif stage == "time":
        plan = _Plan(stage, pa.time32("s"), "object", "time")
    elif stage.startswith("ts_"):
        unit = "ns" if stage.startswith("ts_ns") else "s"
        tz = "UTC" if stage.endswith("_tz") else None
        plan = _Plan(
            stage,
            pa.timestamp(unit, tz),
            f"datetime64[{unit}, UTC]" if tz else f"datetime64[{unit}]",
            "datetime",
        )
    elif stage == "float":
        plan = _Plan(stage, pa.float64(), "float64", "float")
        plan.numbers = _numeric_tokens(nulls.user_tokens(name))
    else:  # text, or nothing but missing values
        plan = _Plan(stage, pa.string(), "object", "text")
        if column.user_hits:
            # the pandas loader applies the user's tokens after reading, then reads a column left holding only
            # numbers as numbers (dataaudit.loading.nulls._numbers_if_all)
            plan.user = pa.array(sorted(column.user_hits), pa.string())
            plan.hits = dict(column.user_hits)
            if column.numeric_rest:
                plan.to_number, plan.dtype, plan.kind = True, "float64", "float"
    plan.missing = missing
    return plan


def _load_typed(
    con: Any,
    texts: list[_Text],
    parses: list[Any],
    block: int,
    plans: list[_Plan],
    common: list[str],
    position: str,
    names: list[str],
) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    offset = 0
    created = False
    select = ", ".join([f"p AS {qi(position)}", *(f"c{i} AS {qi(n)}" for i, n in enumerate(names))])
    batches = (
        batch
        for text, parse in zip(texts, parses)
        for batch in _open_reader(text.file, parse, [p.arrow for p in plans], block, common)
    )
    for batch in batches:
        if batch.num_rows == 0:
            continue
        arrays = {"p": pa.array(range(offset, offset + batch.num_rows), pa.int64())}
        for i, plan in enumerate(plans):
            col = batch.column(i)
            if plan.user is not None:
                col = pc.if_else(pc.is_in(col, value_set=plan.user), pa.scalar(None, pa.string()), col)
                if plan.to_number:
                    col = pc.cast(pc.utf8_trim_whitespace(col), pa.float64())
            if pa.types.is_floating(col.type):
                nan = pc.is_nan(col)
                if pc.any(nan).as_py():
                    col = pc.if_else(nan, pa.scalar(None, col.type), col)
                if plan.numbers:
                    hit = pc.is_in(col, value_set=pa.array(list(plan.numbers.values()), pa.float64()))
                    if pc.any(hit).as_py():
                        for token, x in plan.numbers.items():
                            k = pc.sum(pc.equal(col, pa.scalar(x))).as_py() or 0
                            if k:
                                plan.hits[token] = plan.hits.get(token, 0) + int(k)
                        col = pc.if_else(hit, pa.scalar(None, col.type), col)
            arrays[f"c{i}"] = col
        con.register("__dataaudit_batch", pa.table(arrays))
        if not created:
            run(con, f"CREATE TABLE data AS SELECT {select} FROM __dataaudit_batch")
            created = True
        else:
            run(con, f"INSERT INTO data SELECT {select} FROM __dataaudit_batch")
        con.unregister("__dataaudit_batch")
        offset += batch.num_rows


class _Cols:
    """Enough of an Arrow table for ``csv_guard.delimiter_hint`` (which only needs the column count)."""

    def __init__(self, n: int) -> None:
        self.num_columns = n
        self.column_names = [""] * n


def _reader_note_slot(notes: list[str]) -> int:
    """Reader notes go before the column-rename note (the pandas loader renames after reading)."""
    for i, n in enumerate(notes):
        if n.startswith("renamed "):
            return i
    return len(notes)


def _clean_names(header: list[str], notes: list[str], clean: Any) -> list[str]:
    import pandas as pd

    return list(clean(pd.DataFrame(columns=pd.Index(header, dtype=object)), notes).columns)


def _count_columns(file: str, parse: Any, block: int) -> int:
    """The number of fields of the header row (read from a small first block: the types it infers do not
    matter)."""
    import pyarrow.csv as pacsv

    reader = pacsv.open_csv(
        file,
        read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=block),
        parse_options=parse,
        convert_options=pacsv.ConvertOptions(null_values=[], strings_can_be_null=False),
    )
    return len(reader.schema)


def _open_reader(file: str, parse: Any, types: list[Any], block: int, nulls: list[str] | None) -> Any:
    """pyarrow's streaming CSV reader, columns by position with ``types``. ``nulls`` None: every cell as
    written, header row included (the first pass); else the header skipped and ``nulls`` read as missing,
    quoted or not, as the pandas loader reads them."""
    import pyarrow.csv as pacsv

    names = [f"f{i}" for i in range(len(types))]
    return pacsv.open_csv(
        file,
        read_options=pacsv.ReadOptions(
            column_names=names, skip_rows=0 if nulls is None else 1, block_size=block
        ),
        parse_options=parse,
        convert_options=pacsv.ConvertOptions(
            column_types=dict(zip(names, types)),
            null_values=list(nulls or []),
            strings_can_be_null=nulls is not None,
            quoted_strings_can_be_null=nulls is not None,
        ),
    )


def _csv_problem(exc: Exception, text: _Text, sep: str) -> Exception:
    msg = _first_line(exc)
    if "Expected" in msg and "columns, got" in msg:
        return _Problem(_ragged_message(text.file, sep))
    if "invalid UTF8" in msg or "UTF8" in msg:
        return _NotUtf8()
    if "Empty CSV file" in msg:
        return _Problem("file has no data")
    return _Problem(f"malformed CSV: {msg.removeprefix('CSV parse error: ')}")


def _ragged_message(file: str, sep: str) -> str:
    """:func:`dataaudit.loading.text._ragged_message`, reading the file as a stream."""
    with open(file, encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=sep)
        header = next(reader, [])
        while True:
            first_line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                return "ragged rows: the number of fields varies between lines"
            if row and len(row) != len(header):
                return f"ragged rows: line {first_line} has {len(row)} fields, the header has {len(header)}"


def _unterminated_quote_line(text: _Text, last: list[str]) -> int | None:
    """:func:`dataaudit.loading.csv_guard.unterminated_quote_line` on the file: the last row's value that
    runs to the end of the file right after an opening quote, with an odd number of quotes in the file."""
    if text.quotes % 2 == 0:
        return None
    with open(text.file, "rb") as f:
        for value in last:
            if not value:
                continue
            written = value.replace('"', '""').encode("utf-8")
            start = text.size - len(written) - 1
            if start < 0:
                continue
            f.seek(start)
            if f.read(len(written) + 1) != b'"' + written:
                continue
            f.seek(0)
            remaining, newlines, crs = start, 0, 0
            while remaining > 0:
                block = f.read(min(BLOCK, remaining))
                remaining -= len(block)
                newlines += block.count(b"\n")
                crs += block.count(b"\r")
            return (newlines if newlines else crs) + 1
    return None


def _numeric_tokens(tokens: frozenset[str]) -> dict[str, float]:
    out = {}
    for t in sorted(tokens):
        try:
            out[t] = float(t)
        except ValueError:
            continue
    return out


# ---------------------------------------------------------------------- Parquet
def _open_parquet(con: Any, files: list[Path], nulls: NullTokens, notes: list[str]) -> tuple[Any, ...]:
    """A view over the Parquet file (or a directory's files, one after the other, with one schema), typed as
    the pandas loader types it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dataaudit.loading.arrow import _arrow_to_pandas, _index_to_columns
    from dataaudit.loading.columns import _clean_columns

    schemas, rows = [], []
    for path in files:
        try:
            meta = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            where = f"{path.name}: " if len(files) > 1 else ""
            raise _Problem(f"{where}not a valid Parquet file or truncated ({_first_line(exc)})") from None
        schemas.append(meta.schema_arrow)
        rows.append(meta.metadata.num_rows)
    schema = schemas[0]
    for path, other in zip(files[1:], schemas[1:]):
        if not other.equals(schema, check_metadata=False):
            raise _Problem(
                f"{path.name}: its columns differ from {files[0].name}'s; the files must share a schema"
            )
    empty = _index_to_columns(_arrow_to_pandas(schema.empty_table(), notes))
    source_names = [str(c) for c in empty.columns]
    flat = dict(_flatten(schema))
    names = list(_clean_columns(empty.copy(), notes).columns)
    base = empty.dtypes
    if len(files) == 1:
        con.read_parquet(str(files[0]), file_row_number=True).create_view("__dataaudit_parquet")
        row_position = "file_row_number"
    else:  # positions continue from file to file: each file's first row is the rows of those before it
        con.read_parquet([str(f) for f in files], file_row_number=True, filename=True).create_view(
            "__dataaudit_parquet"
        )
        run(con, "CREATE TABLE __dataaudit_offsets (__dataaudit_file VARCHAR, __dataaudit_offset BIGINT)")
        offsets = np.concatenate([[0], np.cumsum(rows)[:-1]]).tolist()
        for f, off in zip(files, offsets):
            run(con, "INSERT INTO __dataaudit_offsets VALUES (?, ?)", [str(f), int(off)])
        row_position = "__dataaudit_offset + file_row_number"
    position = _position_name(names)
    # one scan: missing values per column and the null tokens in text columns
    parts, params, text_cols = [], [], []
    for i, (src, name) in enumerate(zip(source_names, names)):
        expr = flat.get(src)
        if expr is None:
            raise _Problem(f"cannot map column {src!r} of the Parquet file")
        parts.append(f"count(*) - count({expr})")
        if base.iloc[i] == np.dtype(object) and _is_text_field(schema, src):
            text_cols.append(i)
            parts.append(f"histogram({expr}) FILTER (WHERE list_contains(?::VARCHAR[], {expr}))")
            params.append(sorted(nulls.for_column(name)))
    row = run(con, f"SELECT {', '.join(parts)} FROM __dataaudit_parquet", params)[0]
    values = iter(row)
    missing, found = {}, {}
    for i, name in enumerate(names):
        missing[name] = int(next(values))
        if i in text_cols:
            hist = next(values)
            if hist:
                found[name] = {str(k): int(v) for k, v in (hist.items() if isinstance(hist, dict) else hist)}
    exprs, dtypes, kinds = [], {}, {}
    view_params: list[Any] = []
    for i, (src, name) in enumerate(zip(source_names, names)):
        expr, dtype = flat[src], str(base.iloc[i])
        n_missing = missing[name] + sum(found.get(name, {}).values())
        if name in found:
            var = _variable(con, sorted(found[name]))
            expr = f"CASE WHEN list_contains(getvariable({var}), {expr}) THEN NULL ELSE {expr} END"
        kind = _parquet_kind(dtype, schema, src)
        if kind == "float":
            expr = f"NULLIF(CAST({expr} AS DOUBLE), 'NaN'::DOUBLE)"
        if kind == "int" and n_missing:
            expr, dtype, kind = f"CAST({expr} AS DOUBLE)", "float64", "float"
        if kind == "bool" and n_missing:
            dtype, kind = "object", "objbool"
        if kind == "text" and _is_text_field(schema, src) is False:
            expr = f"CAST({expr} AS VARCHAR)"
        exprs.append(f"{expr} AS {qi(name)}")
        dtypes[name], kinds[name] = dtype, kind
    run(
        con,
        f"CREATE VIEW data AS SELECT {row_position} AS {qi(position)}, {', '.join(exprs)} "
        "FROM __dataaudit_parquet"
        + ("" if len(files) == 1 else " JOIN __dataaudit_offsets ON filename = __dataaudit_file"),
        view_params,
    )
    n_rows = int(run(con, "SELECT count(*) FROM data")[0][0])
    if not names:
        raise _Problem("no columns found")
    if n_rows == 0:
        raise _Problem(
            f"no data rows (only a header with {len(names)} column{'s' if len(names) != 1 else ''})"
        )
    return names, dtypes, kinds, n_rows, position, found


_variables = iter(range(10**9))


def _variable(con: Any, values: list[Any], sqltype: str = "VARCHAR") -> str:
    """A DuckDB variable holding the list ``values`` (a view cannot take bound parameters, and several
    lists in one statement are easier to keep apart by name; the values are still bound when the variable is
    set); returns its name as a SQL string literal."""
    var = f"dataaudit_tokens_{next(_variables)}"
    run(con, f"SET VARIABLE {var} = ?::{sqltype}[]", [values])
    return f"'{var}'"


def _flatten(schema: Any, prefix: str = "", expr: str = "") -> Iterator[tuple[str, str]]:
    """(the flattened pandas name, a DuckDB expression) of each non-nested field; structs become
    ``parent.child`` (as ``Table.flatten``)."""
    import pyarrow as pa

    for field in schema:
        name = f"{prefix}{field.name}"
        e = f"{expr}.{qi(field.name)}" if expr else qi(field.name)
        if pa.types.is_struct(field.type):
            yield from _flatten(list(field.type), name + ".", e)
        elif not pa.types.is_nested(field.type):
            yield name, e


def _field(schema: Any, name: str) -> Any:
    import pyarrow as pa

    for f in schema:
        if f.name == name:
            return f
    fields, parts = list(schema), name.split(".")
    for depth, part in enumerate(parts):  # a struct's child: parent.child
        match = next((f for f in fields if f.name == part), None)
        if match is None:
            return None
        if depth == len(parts) - 1:
            return match
        if not pa.types.is_struct(match.type):
            return None
        fields = list(match.type)
    return None


def _is_text_field(schema: Any, name: str) -> bool:
    import pyarrow as pa

    f = _field(schema, name)
    if f is None:
        return False
    t = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _parquet_kind(dtype: str, schema: Any, name: str) -> str:
    import pyarrow as pa

    f = _field(schema, name)
    t = None if f is None else (f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
    if t is not None:
        if pa.types.is_boolean(t):
            return "bool"
        if pa.types.is_integer(t):
            return "int"
        if pa.types.is_floating(t):
            return "float"
        if pa.types.is_decimal(t):  # pandas holds Decimal objects (an object column that reads as numbers)
            return "decimal"
        if pa.types.is_timestamp(t) or pa.types.is_date(t):
            return "datetime"
        if pa.types.is_time(t):
            return "time"
    return "text"


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
