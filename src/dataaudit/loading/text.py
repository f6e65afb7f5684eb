"""Text formats: encodings (UTF-8, BOMs, UTF-16, a legacy 8-bit fallback), CSV/TSV, JSON and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from dataaudit.loading import csv_guard
from dataaudit.loading.arrow import Pending, _note_skipped, _pending
from dataaudit.loading.nulls import DEFAULT, NullCounts, NullTokens, count_spellings, first_pass_counts
from dataaudit.loading.problems import _first_line, _NotUtf8, _Problem

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


#: control bytes: all but tab, newline, form feed and CR, which any text file may hold
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


#: control characters that real text does carry: terminal output pasted into a value (ANSI colour escapes,
#: BEL, backspace, vertical tab). A file full of them is still text; a high share of the other control
#: bytes (NUL above all: UTF-16 without its byte-order mark is half NULs) is binary. A stray NUL in a text
#: file is read (and escaped wherever it is shown)
_TERMINAL_CONTROLS = b"\x07\x08\x0b\x1b"
_BINARY_CONTROLS = bytes(b for b in _CONTROL_BYTES if b not in _TERMINAL_CONTROLS)


#: text whose first 8 KiB hold more than this share of binary control bytes is binary (random data: ~9%)
_MAX_CONTROL_SHARE = 0.02


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


_UTF8_BOM = b"\xef\xbb\xbf"


_NON_ASCII_UTF8 = re.compile("[^\x00-\x7f\ufffd]")


def _has_text(data: bytes) -> bool:
    """Whether ``data`` holds anything but whitespace, without copying a large buffer to strip it."""
    return bool(data[:65536].strip()) or bool(data.strip())


def _read_text(
    data: bytes,
    fmt: str,
    notes: list[str],
    tokens: NullTokens = DEFAULT,
    null_counts: NullCounts | None = None,
) -> tuple[pd.DataFrame | Pending, str]:
    """CSV, TSV, JSON or JSONL (a frame, or one still to be made from an arrow table). Tries UTF-8 (after a
    BOM, if any); falls back to a legacy 8-bit encoding.

    CSV/TSV: ``tokens`` are read as missing, and ``null_counts`` (if given) receives, per column position
    (as text), the tokens read as missing and how often."""
    data, encoding = _to_utf8(data, fmt)
    if not _has_text(data):
        raise _Problem("file has no data (only whitespace)")
    counts: NullCounts = {} if null_counts is None else null_counts
    readers: dict[str, Callable[[bytes], pd.DataFrame | Pending]] = {
        "csv": lambda d: _read_csv(d, None, notes, tokens, counts),
        "tsv": lambda d: _read_csv(d, "\t", notes, tokens, counts),
        "json": lambda d: _read_json(d, notes),
        "jsonl": lambda d: _read_jsonl(d, notes),
    }
    read = readers[fmt]
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
    binary = len(head) - len(head.translate(None, _BINARY_CONTROLS))
    if binary > _MAX_CONTROL_SHARE * len(head):
        controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
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


def _sniff_delimiter(data: bytes) -> str:
    lines = data[:65536].decode("utf-8", errors="ignore").splitlines()
    if len(data) > 65536 and len(lines) > 1:
        lines.pop()  # cut off mid-line
    sample = "\n".join(lines[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:  # one column, or no consistent delimiter
        return ","


def _read_csv(
    data: bytes,
    delimiter: str | None,
    notes: list[str],
    tokens: NullTokens = DEFAULT,
    null_counts: NullCounts | None = None,
) -> Pending:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    sep = delimiter or _sniff_delimiter(data)
    # a value can hold a line break only inside quotes: without any quote character arrow may split blocks
    # at every newline, which parses about twice as fast (a 0.05 s scan of a 180 MB file decides)
    quoted = b'"' in data
    parse_options = pacsv.ParseOptions(delimiter=sep, newlines_in_values=quoted)
    # pandas reads its null tokens as missing even when quoted ("NA"): so does arrow with these options.
    # The first read takes only the empty cell as null: the other tokens stay text, to be counted; only a
    # file that holds some is read again with all of them null (dataaudit.loading.nulls.first_pass_counts)
    null_values = sorted(tokens.common)
    first_nulls = [""] if "" in tokens.common else []

    reader = _ArrowCsv(data, parse_options, null_values)
    read, raw_text = reader.read, reader.raw_text
    block_size = csv_guard.BLOCK_SIZE
    try:
        try:
            table = read(nulls=first_nulls)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            block_size = csv_guard.block_for(data)
            table = read(block_size, nulls=first_nulls)  # one cell larger than a block (tens of MB)
    except pa.ArrowInvalid as exc:
        raise _parse_problem(exc, data, sep) from None
    if any(pa.types.is_binary(f.type) for f in table.schema):  # arrow's type for text that is not UTF-8
        raise _NotUtf8
    counts, spell, again = first_pass_counts(table, tokens)
    if again:  # tokens besides the empty cell: read with every token null, so that types are inferred
        table = read(block_size)
        if spell:
            counts = count_spellings(raw_text(spell, block_size), spell, tokens, counts)
    if null_counts is not None:
        null_counts.clear()  # a retry after a decoding repair counts afresh
        null_counts.update(counts)
    line = csv_guard.unterminated_quote_line(data, table)
    if line is not None:
        raise _Problem(f"unterminated quote: the quoted value that starts on line {line} never closes")
    table = csv_guard.keep_wide_integers_as_text(
        table, lambda cols: read(csv_guard.block_for(data), cols), notes
    )
    if delimiter is None and sep != ",":
        notes.append(f"delimiter {_SEP_NAMES.get(sep, repr(sep))} detected")
    hint = csv_guard.delimiter_hint(table, sep)
    if hint:
        notes.append(hint)
    return _pending(table, notes)


def _parse_problem(exc: Exception, data: bytes, sep: str) -> Exception:
    """What arrow's parse error means for the user: ragged rows, not UTF-8, no data, or malformed."""
    msg = _first_line(exc)
    if msg.startswith("CSV parse error: Expected") and "columns, got" in msg:
        return _Problem(_ragged_message(data, sep))
    if "invalid UTF8" in msg:
        return _NotUtf8()
    if "Empty CSV file" in msg:
        return _Problem("file has no data")
    return _Problem(f"malformed CSV: {msg.removeprefix('CSV parse error: ')}")


class _ArrowCsv:
    """pyarrow's CSV reader over one file's bytes, with its parse options and null tokens."""

    def __init__(self, data: bytes, parse_options: Any, null_values: Sequence[str]) -> None:
        self.data, self.parse_options, self.null_values = data, parse_options, list(null_values)

    def read(
        self,
        block_size: int = csv_guard.BLOCK_SIZE,
        text_columns: Sequence[str] = (),
        nulls: Sequence[str] | None = None,
    ) -> Any:
        """The file as an arrow table, each column's type inferred over all rows (``text_columns``: only
        those, as text). Types are first inferred from the first block, and the whole file read with them:
        arrow's reader, left to infer over all rows, keeps every block it parsed until the end (it may have
        to convert them again), about 2.3× the table at its peak; told the types, it lets each block go once
        converted. When a later block does not fit the first block's types (an integer column with a decimal
        further down, a column empty at first), the file is read again as before, inferring over all rows.
        Either way the types are the ones inference over all rows gives: the first type in arrow's order
        (null, integer, boolean, date, time, timestamp, …, float, text) that every row converts to, and that
        type is tried first exactly when it is the first one the first block converts to."""
        import pyarrow as pa

        if text_columns:
            return self._read(block_size, nulls, {c: pa.string() for c in text_columns}, list(text_columns))
        try:
            schema = self._first_block_schema(block_size, nulls)
            if schema is not None:
                return self._read(block_size, nulls, dict(zip(schema.names, schema.types)), [])
        except pa.ArrowException:
            pass  # a later block that does not fit (or a malformed file: the read below says how)
        return self._read(block_size, nulls, {}, [])

    def _first_block_schema(self, block_size: int, nulls: Sequence[str] | None) -> Any:
        """The column types inferred from the first block; None when column names repeat (types are given
        by name)."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        reader = pacsv.open_csv(
            pa.py_buffer(self.data),  # type: ignore[arg-type]  # pyarrow-stubs leave out Buffer; pyarrow reads it
            read_options=pacsv.ReadOptions(block_size=block_size, use_threads=False),
            parse_options=self.parse_options,
            convert_options=self._convert(nulls, {}, []),
        )
        try:
            schema = reader.schema
        finally:
            reader.close()
        return schema if len(set(schema.names)) == len(schema.names) else None

    def _read(
        self, block_size: int, nulls: Sequence[str] | None, types: dict[str, Any], include: list[str]
    ) -> Any:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        return pacsv.read_csv(
            pa.py_buffer(self.data),  # type: ignore[arg-type]  # pyarrow-stubs leave out Buffer; pyarrow reads it
            read_options=pacsv.ReadOptions(block_size=block_size),
            parse_options=self.parse_options,
            convert_options=self._convert(nulls, types, include),
        )

    def _convert(self, nulls: Sequence[str] | None, types: dict[str, Any], include: list[str]) -> Any:
        import pyarrow.csv as pacsv

        return pacsv.ConvertOptions(
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=self.null_values if nulls is None else list(nulls),
            column_types=types,
            include_columns=include,
        )

    def raw_text(self, positions: Sequence[int], block_size: int) -> Any:
        """The columns at ``positions`` as written (no nulls, no type inference), header row dropped."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        names = [f"f{i}" for i in positions]  # by position: header names may repeat or be empty
        table = pacsv.read_csv(
            pa.py_buffer(self.data),  # type: ignore[arg-type]  # pyarrow-stubs leave out Buffer; pyarrow reads it
            read_options=pacsv.ReadOptions(block_size=block_size, autogenerate_column_names=True),
            parse_options=self.parse_options,
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                column_types=dict.fromkeys(names, pa.binary()),  # bytes: no UTF-8 check, only tokens matter
                include_columns=names,
            ),
        )
        return table.slice(1)


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


def _read_jsonl(data: bytes, notes: list[str]) -> pd.DataFrame | Pending:
    import pyarrow as pa
    import pyarrow.json as pajson

    text = _utf8_text(data)  # arrow's JSON reader lets invalid UTF-8 through into its strings
    try:
        buffer = pa.py_buffer(data)
        return _pending(pajson.read_json(buffer), notes)  # type: ignore[arg-type]  # as read_csv
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
