"""The duckdb loader's two-pass CSV/TSV ingest: pyarrow's streaming CSV reader (every column as text) into
a DuckDB table on disk, then one ``CREATE TABLE … AS SELECT`` with the inferred types. Part of
:mod:`dataaudit.engine.duckdb_load`.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from dataaudit.engine.duckdb_base import _position_name, qi, run
from dataaudit.engine.duckdb_csv_types import _add_counts, _Column, _Plan, _plan
from dataaudit.engine.duckdb_resources import CSV_BLOCK
from dataaudit.engine.duckdb_text import BLOCK, _head, _prepare_text, _repair, _Text
from dataaudit.formats import detect_format
from dataaudit.loading.nulls import NullCounts, NullTokens
from dataaudit.loading.problems import _first_line, _NotUtf8, _Problem


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
    if len(texts) == 1:  # DuckDB's own parallel reader where it gives the pandas loader's answers
        native, sep = _native(con, texts, fmt, sep, nulls, tmp, notes, repair_notes)
        if native is not None:
            notes[:] = _place_repair_note(notes, repair_notes)
            return native, texts[0].encoding
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


def _native(
    con: Any,
    texts: list[_Text],
    fmt: str,
    sep: str,
    nulls: NullTokens,
    tmp: str,
    notes: list[str],
    repair_notes: list[str],
) -> tuple[tuple[Any, ...] | None, str]:
    """The native path (:mod:`~.duckdb_native`) on one file; text that is not UTF-8 is repaired as the
    two-pass path repairs it (into ``texts[0]``, noted in ``repair_notes``), then read natively too. None: the
    two-pass path reads it (with the separator returned)."""
    from dataaudit.engine.duckdb_native import native_csv

    for attempt in range(2):
        try:
            return native_csv(con, texts[0], sep, fmt != "tsv", nulls, notes), sep
        except _NotUtf8:
            text = texts[0]
            if attempt or text.encoding != "utf-8":
                break  # the two-pass path says what is wrong
            texts[0] = _repair(text, tmp, repair_notes, 0)
            texts[0].name = text.name
            if fmt != "tsv":
                sep = _sniff_delimiter_of(texts[0])
    return None, sep


def _sniff_delimiter_of(text: _Text) -> str:
    from dataaudit.loading.text import _sniff_delimiter

    return _sniff_delimiter(_head(text.file, 65537))


def _other_header(text: _Text, header: Any, row: Any) -> str:
    if isinstance(header, int):
        return f"{text.name}: {row} columns, where the first file has {header}; the files must share a header"
    return f"{text.name}: header {row[:5]!r} differs from the first file's {header[:5]!r}"


def _place_repair_note(notes: list[str], repair: list[str]) -> list[str]:
    """The pandas loader adds the encoding note after the reader's notes and before the column renames."""
    renames = [n for n in notes if n.startswith("renamed ")]
    others = [n for n in notes if not n.startswith("renamed ")]
    return [*others, *repair, *renames]


def _ingest_csv(
    con: Any, texts: list[_Text], sep: str, sniffed: bool, nulls: NullTokens, notes: list[str]
) -> tuple[Any, ...]:
    """Two streaming passes of pyarrow's CSV parser over the file (or the files of a directory, in order,
    each with the same header). The first reads every cell as text: it counts the null tokens, infers each
    column's type as pyarrow would over the whole file, and finds what the pandas loader checks afterwards
    (64-bit overflow, the user's tokens, an unterminated quote). The second reads with those types (pyarrow
    converts, as in the pandas loader) and appends each batch to DuckDB's table."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from dataaudit.loading import csv_guard
    from dataaudit.loading.columns import _clean_columns
    from dataaudit.loading.text import _SEP_NAMES

    parses = [pacsv.ParseOptions(delimiter=sep, newlines_in_values=t.quotes > 0) for t in texts]
    common = sorted(nulls.common)
    common_set = pa.array(common, pa.string()) if common else None
    scan, block = _scan_texts(texts, parses, sep, nulls, notes, common_set)
    header, counts, n_rows = scan.header, scan.counts, scan.n_rows
    n_cols = len(header or [])
    if header is None:
        raise _Problem("file has no data")
    if n_rows == 0:
        raise _Problem(f"no data rows (only a header with {n_cols} column{'s' if n_cols != 1 else ''})")
    names = _clean_names(header, [], _clean_columns)
    plans = [_plan(c, name, bool(counts[i]), nulls) for i, (c, name) in enumerate(zip(scan.columns, names))]
    kept = [name for name, plan in zip(names, plans) if plan.wide]
    if kept:
        notes.append(
            f"{len(kept)} column(s) hold integers beyond the 64-bit range, kept as text so no digit is lost: "
            + ", ".join(kept[:10])
        )
    position = _position_name(names)
    _load_typed(con, texts, parses, block, plans, common, position, names)
    null_counts, dtypes, kinds = _final_nulls_and_types(names, plans, counts)
    if sniffed and sep != ",":
        notes.insert(_reader_note_slot(notes), f"delimiter {_SEP_NAMES.get(sep, repr(sep))} detected")
    hint = csv_guard.delimiter_hint(
        pa.table({h or "": [] for h in header[:1]}) if n_cols == 1 else _Cols(n_cols), sep
    )
    if hint:
        notes.insert(_reader_note_slot(notes), hint)
    return names, dtypes, kinds, n_rows, position, null_counts


class _Scan:
    """What the first (text) pass gathers: header, names, each column's inference, null counts, rows."""

    def __init__(self) -> None:
        self.header: list[str] | None = None
        self.names: list[str] = []
        self.columns: list[_Column] = []
        self.counts: list[dict[str, int]] = []
        self.user_sets: list[Any] = []
        self.n_rows = 0


def _scan_texts(
    texts: list[_Text], parses: list[Any], sep: str, nulls: NullTokens, notes: list[str], common_set: Any
) -> tuple[_Scan, int]:
    """The first pass over every file (restarted with a larger block for a cell larger than a block)."""
    import pyarrow as pa

    block = CSV_BLOCK
    while True:
        scan = _Scan()
        notes_before = list(notes)
        text = texts[0]
        try:
            for text, parse in zip(texts, parses):
                _scan_text(scan, text, parse, block, len(texts), nulls, notes, common_set)
            return scan, block
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


def _scan_text(
    scan: _Scan, text: _Text, parse: Any, block: int, n: int, nulls: NullTokens, notes: list[str], common: Any
) -> None:
    """The first pass over one file: its header (the first file's, or checked against it), then every
    batch of cells as text; an unterminated quote at the end is a problem."""
    import pyarrow as pa

    last: list[str] = []
    first_row = True
    n_cols = _count_columns(text.file, parse, block if block > CSV_BLOCK else 1024 * 1024)
    if scan.header is not None and n_cols != len(scan.header):
        raise _Problem(_other_header(text, len(scan.header), n_cols))
    for batch in _open_reader(text.file, parse, [pa.string()] * n_cols, block, None):
        if first_row:
            if batch.num_rows == 0:
                continue
            row = [batch.column(i)[0].as_py() for i in range(n_cols)]
            if scan.header is None:
                _start_scan(scan, row, n_cols, nulls, notes)
            elif row != scan.header:
                raise _Problem(_other_header(text, scan.header, row))
            batch = batch.slice(1)
            first_row = False
        if batch.num_rows == 0:
            continue
        _scan_batch(scan, batch, n_cols, common)
        last = [batch.column(i)[batch.num_rows - 1].as_py() for i in range(n_cols)]
        scan.n_rows += batch.num_rows
    line = _unterminated_quote_line(text, last)
    if line is not None:
        where = f"{text.name}: " if n > 1 else ""
        raise _Problem(f"{where}unterminated quote: the quoted value that starts on line {line} never closes")


def _start_scan(scan: _Scan, row: list[str], n_cols: int, nulls: NullTokens, notes: list[str]) -> None:
    """The first file's header row: names, per-column inference and counts, each column's own tokens."""
    import pyarrow as pa

    from dataaudit.loading.columns import _clean_columns

    scan.header = row
    scan.names = _clean_names(row, notes, _clean_columns)
    scan.columns = [_Column() for _ in range(n_cols)]
    scan.counts = [{} for _ in range(n_cols)]
    for name in scan.names:
        extra = sorted(nulls.for_column(name) - nulls.common)
        scan.user_sets.append(pa.array(extra, pa.string()) if extra else None)


def _scan_batch(scan: _Scan, batch: Any, n_cols: int, common_set: Any) -> None:
    """One batch of text cells: common null tokens counted and set aside, the rest fed to inference."""
    import pyarrow.compute as pc

    for i in range(n_cols):
        col = batch.column(i)
        if common_set is not None:
            hit = pc.is_in(col, value_set=common_set)
            if pc.any(hit).as_py():
                _add_counts(scan.counts[i], pc.filter(col, hit))
                col = pc.filter(col, pc.invert(hit))
        scan.columns[i].update(col, scan.user_sets[i])


def _final_nulls_and_types(
    names: list[str], plans: list[_Plan], counts: list[dict[str, int]]
) -> tuple[NullCounts, dict[str, Any], dict[str, Any]]:
    """Each column's null-token counts (both passes) and its final dtype and kind."""
    null_counts: NullCounts = {}
    dtypes, kinds = {}, {}
    for i, (name, plan) in enumerate(zip(names, plans)):
        found = dict(counts[i])
        for token, k in plan.hits.items():
            found[token] = found.get(token, 0) + k
        if found:
            null_counts[name] = found
        dtypes[name], kinds[name] = plan.final()
    return null_counts, dtypes, kinds


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


def _open_reader(
    file: str, parse: Any, types: list[Any], block: int, nulls: list[str] | None, threads: bool = True
) -> Any:
    """pyarrow's streaming CSV reader, columns by position with ``types``. ``nulls`` None: every cell as
    written, header row included (the first pass); else the header skipped and ``nulls`` read as missing,
    quoted or not, as the pandas loader reads them. ``threads`` False: no blocks read ahead (one block)."""
    import pyarrow.csv as pacsv

    names = [f"f{i}" for i in range(len(types))]
    return pacsv.open_csv(
        file,
        read_options=pacsv.ReadOptions(
            column_names=names, skip_rows=0 if nulls is None else 1, block_size=block, use_threads=threads
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
