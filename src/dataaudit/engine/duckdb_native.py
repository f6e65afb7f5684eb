"""The duckdb loader's fast CSV/TSV path: DuckDB's own parallel CSV reader (C++), every column read as text
and typed in SQL, with the pandas loader's semantics. Part of :mod:`dataaudit.engine.duckdb_load`.

1. **Head**: the first parser block (16 MiB) is read by pyarrow, as the two-pass path reads it (header row,
   column names, each column's type inferred as pyarrow infers it: :class:`~.duckdb_csv_types._Column`). That
   type is each column's *candidate*: over the whole file a column can only end up with the same type or a
   later one (a value that parses as a later type only).
2. **Load, in one parse** (one ``CREATE TABLE … AS SELECT`` over the file read as text): the null tokens
   (quoted or not, as pyarrow reads them) are NULL, and what each missing cell held goes into a hidden
   one-byte column: the empty cell, another token (the reader reads those as NULL; which one is told apart
   in the load when the head shows such tokens, else by one more parse of the columns that hold them), or a
   token of the user's; every other value of a column with a candidate type is checked against that type's
   grammar (pyarrow's, as a regular expression: a value outside it raises DuckDB's ``error()``, which fails
   the load) and cast to it by strict casts (a value DuckDB cannot cast, e.g. an int64 out of range or the
   30th of February, fails the load too); NaN and the user's tokens (``na_values``, which the pandas loader
   applies after typing) are set to NULL. Insertion order is kept, so each row's ``rowid`` is its position
   in the file; the engine's position column is ``rowid`` through a view.
3. **Facts, from the table** (one aggregate over the loaded table, columnar, far cheaper than parsing the
   file again): the rows, each column's null tokens (how many of each) and the user's; whether a text column
   left by the user's tokens holds only numbers (then it becomes one); a column whose head held only null
   tokens, loaded as text, is tested against every type and given the first that holds (``ALTER … USING``
   the same strict casts); an integer column with missing values becomes a float. The hidden columns are
   then dropped.

Where one parse cannot decide, the file is parsed twice, as before: a **Scan** (one DuckDB query over the
file read as text: null tokens, values NOT written as each column's candidate type, the plain-integer and
64-bit tests, the user's tokens), then the **Load**. That happens when the load fails (a value outside its
candidate type after the head: the scan then hands the file to the pyarrow path, as it always did) and for a
float column holding a value beyond the 64-bit range or an infinity (the pandas loader keeps a column of
plain integers beyond 64 bits as text: only the file's text can tell).

Whenever this path cannot reproduce the pandas loader exactly, it returns None and the two-pass pyarrow path
(:mod:`~.duckdb_csv`) runs instead, which is slower but gives the pandas loader's answers and messages: the
file is not valid UTF-8 (DuckDB refuses it; it is repaired as the two-pass path repairs it and read here
again), a row is ragged or a quote unterminated (those messages name the line as the pandas loader does), a
column of nothing but null tokens in the head when the user gave tokens of their own (``na_values``, which
apply after typing), a candidate type does not hold over the whole file (a value after the head that only
pyarrow parses, or none), a cell longer than DuckDB's line limit, a directory of files.
"""

from __future__ import annotations

from typing import Any

from dataaudit.engine.duckdb_base import _PNUM, _limit_bytes, _position_name, qi, run
from dataaudit.engine.duckdb_csv_types import (
    _BOOL_TEXT,
    _DATE,
    _FLOAT,
    _INT,
    _PLAIN_INT,
    _STAGES,
    _TIME,
    _TS,
    _TS_TZ,
    _Column,
    _Plan,
    _plan,
)
from dataaudit.engine.duckdb_resources import CSV_BLOCK
from dataaudit.engine.duckdb_text import _Text
from dataaudit.loading.nulls import NullTokens, numeric_tokens
from dataaudit.loading.problems import _NotUtf8

__all__ = ["native_csv"]

#: DuckDB's nullstr when nothing may be read as NULL (it needs one): text no cell is expected to hold exactly
_NO_NULL = "\x01dataaudit-no-null\x02"
#: the timestamp grammars without a fraction of a second (pyarrow's timestamp[s] refuses one)
_TS_S = _TS.replace(r"(\.[0-9]{1,9})?", "")
_TS_S_TZ = _TS_TZ.replace(r"(\.[0-9]{1,9})?", "")
_TABLE = "data_rows"


def _lit(text: str) -> str:
    """A SQL string literal (single quotes doubled; DuckDB's plain literals take no backslash escapes)."""
    return "'" + text.replace("'", "''") + "'"


def native_csv(
    con: Any, text: _Text, sep: str, sniffed: bool, nulls: NullTokens, notes: list[str]
) -> tuple[Any, ...] | None:
    """The table ``data`` from one UTF-8 CSV file with DuckDB's reader: (names, dtypes, kinds, rows, position
    column, null counts), or None when the pyarrow path must read it (see the module's docstring)."""
    import duckdb

    if len(sep) != 1:
        return None
    head_notes: list[str] = []
    head = _head(text, sep, nulls, head_notes)
    if head is None:
        return None
    header, names, columns, head_counts = head
    common = sorted(nulls.common)
    users = [_UserTokens(nulls, name) for name in names]
    if any((user.text or user.numbers) and col.stage == "null" for user, col in zip(users, columns)):
        return None  # which of the user's tokens apply depends on a type the head does not show
    position = _position_name(names)
    try:
        # which null token each cell held is told apart in the load itself when the head holds tokens besides
        # the empty cell and there are several; otherwise the reader reads them as NULL (cheaper)
        exact = len([t for t in common if t]) > 1 and any(set(c) - {""} for c in head_counts)
        loaded = _one_parse(con, text, sep, common, columns, users, names, position, nulls, exact)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        _drop(con)
        if "Invalid unicode" in str(exc):
            raise _NotUtf8() from None
        loaded = None  # a value outside its candidate type, a ragged row...: the two parses decide, as before
    if loaded is None:
        try:
            loaded = _scan_and_load(con, text, sep, common, columns, users, names, position, nulls)
        except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
            _drop(con)
            if "Invalid unicode" in str(exc):
                raise _NotUtf8() from None
            return None
        if loaded is None:
            return None
    n_rows, counts, plans = loaded
    if n_rows == 0:
        _drop(con)
        return None
    return _finish(header, names, plans, counts, n_rows, position, sep, sniffed, notes, head_notes)


def _finish(
    header: list[str],
    names: list[str],
    plans: list[_Plan],
    counts: list[dict[str, int]],
    n_rows: int,
    position: str,
    sep: str,
    sniffed: bool,
    notes: list[str],
    head_notes: list[str],
) -> tuple[Any, ...]:
    """The notes the two-pass path writes, in its order, and its result tuple."""
    import pyarrow as pa

    from dataaudit.engine.duckdb_csv import _Cols, _final_nulls_and_types, _reader_note_slot
    from dataaudit.loading import csv_guard
    from dataaudit.loading.text import _SEP_NAMES

    notes.extend(head_notes)
    kept = [name for name, plan in zip(names, plans) if plan.wide]
    if kept:
        notes.append(
            f"{len(kept)} column(s) hold integers beyond the 64-bit range, kept as text so no digit is lost: "
            + ", ".join(kept[:10])
        )
    null_counts, dtypes, kinds = _final_nulls_and_types(names, plans, counts)
    if sniffed and sep != ",":
        notes.insert(_reader_note_slot(notes), f"delimiter {_SEP_NAMES.get(sep, repr(sep))} detected")
    n_cols = len(header)
    hint = csv_guard.delimiter_hint(
        pa.table({h or "": [] for h in header[:1]}) if n_cols == 1 else _Cols(n_cols), sep
    )
    if hint:
        notes.insert(_reader_note_slot(notes), hint)
    return names, dtypes, kinds, n_rows, position, null_counts


# ---------------------------------------------------------------------- head
def _head(
    text: _Text, sep: str, nulls: NullTokens, notes: list[str]
) -> tuple[list[str], list[str], list[_Column], list[dict[str, int]]] | None:
    """The header, the column names, each column's inference and null-token counts over the first block
    (pyarrow's reader, as the two-pass path's first pass); None when pyarrow cannot read that block
    as a CSV."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from dataaudit.engine.duckdb_csv import _count_columns, _open_reader, _Scan, _scan_batch, _start_scan

    # values may hold line breaks (inside quotes); without quotes in the file the answer is the same
    parse = pacsv.ParseOptions(delimiter=sep, newlines_in_values=True)
    common = sorted(nulls.common)
    common_set = pa.array(common, pa.string()) if common else None
    scan = _Scan()
    try:
        n_cols = _count_columns(text.file, parse, 1024 * 1024)
        # one block, no read-ahead: the threaded reader parses several blocks ahead (0.7 GiB held on a 2 GB
        # file, kept by Arrow's memory pool), which the head does not need
        reader = _open_reader(text.file, parse, [pa.string()] * n_cols, CSV_BLOCK, None, threads=False)
        for batch in reader:
            if batch.num_rows == 0:
                continue
            if scan.header is None:
                row = [batch.column(i)[0].as_py() for i in range(n_cols)]
                _start_scan(scan, row, n_cols, nulls, notes)
                batch = batch.slice(1)
            if batch.num_rows:
                _scan_batch(scan, batch, n_cols, common_set)
                break
    except (pa.ArrowInvalid, OSError) as exc:
        if "UTF8" in str(exc):
            raise _NotUtf8() from None
        return None
    finally:
        reader = batch = None
        pa.default_memory_pool().release_unused()
    if scan.header is None:
        return None
    return scan.header, scan.names, scan.columns, scan.counts


# ---------------------------------------------------------------------- one parse
#: SQL types of the loaded columns (by ``_Plan.stage``; an integer column with missing values is a float)
_SQL_TYPES = {
    "int": "BIGINT",
    "bool": "BOOLEAN",
    "date": "DATE",
    "time": "TIME",
    "ts_s": "TIMESTAMP_S",
    "ts_ns": "TIMESTAMP_NS",
    "ts_s_tz": "TIMESTAMPTZ",
    "ts_ns_tz": "TIMESTAMPTZ",
    "float": "DOUBLE",
}


def _sql_type(plan: _Plan) -> str:
    import pyarrow as pa

    if pa.types.is_floating(plan.arrow):
        return "DOUBLE"
    return _SQL_TYPES.get(plan.stage, "VARCHAR") if plan.stage != "text" else "VARCHAR"


def _hidden_names(names: list[str], position: str) -> list[str]:
    """One name per column for its hidden "which token" column, clashing with no column of the file."""
    taken = set(names) | {position}
    prefix = "__dataaudit_token_"
    while any(n.startswith(prefix) for n in taken):
        prefix = "_" + prefix
    return [f"{prefix}{i}" for i in range(len(names))]


#: what a hidden column holds: the empty cell, another null token (read as NULL by the reader: which one is
#: counted from the file only when a column holds one and there are several), then the user's tokens
_EMPTY, _OTHER, _USER = 1, 2, 3


def _one_parse(
    con: Any,
    text: _Text,
    sep: str,
    common: list[str],
    head: list[_Column],
    users: list[_UserTokens],
    names: list[str],
    position: str,
    nulls: NullTokens,
    exact: bool,
) -> tuple[int, list[dict[str, int]], list[_Plan]] | None:
    """The scan and the load in one parse of the file: (rows, each column's null-token counts, plans), or
    None when the two parses must decide (a float column holding a value beyond the 64-bit range, which the
    pandas loader keeps as text if every value is a plain integer: only the file's text can tell).

    The reader reads the null tokens other than the empty cell as NULL (as the scan did); or, ``exact``, reads
    every cell as it is written and finds each token's place in the list. A column with a
    candidate type is cast to it in the same ``SELECT``, and a value that is not written as that type raises
    DuckDB's ``error()``: the load fails where the scan would have found the mismatch (the caller then runs
    the two parses). What each missing cell held (the empty cell, another token, a token of the user's) goes
    into a hidden one-byte column of the table (NULL for a value: DuckDB stores a column of NULLs in almost
    nothing), counted afterwards by an aggregate over the table and then dropped. Which of several tokens a
    NULL was is asked of the file again only for a column that holds such tokens (one more parse, as the
    scan needed one). A column whose head held only null tokens is loaded as text and typed from the table,
    as the scan types it from the file."""
    hidden = _hidden_names(names, position)
    empty = "" in common
    kinds: list[list[str]] = []  # per column: the user's tokens its hidden column counts (from _USER on)
    select = []
    inner = []
    listed = f"[{', '.join(map(_lit, common))}]"
    for i, (column, user, name) in enumerate(zip(head, users, names)):
        v, stage = f"c{i}", column.stage
        theirs = user.text if stage == "text" else list(user.numbers) if stage in ("int", "float") else []
        kinds.append(theirs)
        inner.append(v)
        if exact:  # the common tokens' places come after the user's tokens
            inner.append(f"list_position({listed}, {v}) AS t{i}")
            missing = [f"WHEN t{i} IS NOT NULL THEN {_USER + len(theirs) - 1} + t{i}"]
            token = f"t{i} IS NOT NULL"
        else:
            missing = [f"WHEN {v} IS NULL THEN {_OTHER}"] if len(common) > empty else []
            if empty:
                missing.append(f"WHEN {v} = '' THEN {_EMPTY}")
            token = f"{v} IS NULL OR {v} = ''" if empty else f"{v} IS NULL"
        if stage in ("null", "text"):
            value = f"CASE WHEN {token} THEN NULL ELSE {v} END" if exact or empty else v
            if user.text and stage == "text":
                own = f"[{', '.join(map(_lit, user.text))}]"
                value = f"CASE WHEN list_position({own}, {v}) IS NOT NULL THEN NULL ELSE {value} END"
                missing.append(
                    f"WHEN list_position({own}, {v}) IS NOT NULL THEN {_USER - 1} + list_position({own}, {v})"
                )
            select.append(f"{value} AS {qi(name)}")
        else:
            if column.plain_int and column.beyond:
                return None  # a float column of integers beyond 64 bits so far: text, or float, by the rest
            stub = _Column()
            stub.values, stub.viable = 1, [stage]
            plan = _plan(stub, name, False, nulls)  # the type as if no value were missing
            failed = f"error({_lit(f'dataaudit: column {i} is not {stage}')})"
            select.append(
                f"CASE WHEN {token} THEN NULL WHEN NOT {_accepts_sql(stage, v)} THEN {failed} "
                f"ELSE {_cast_sql(plan, v)} END AS {qi(name)}"
            )
            if plan.numbers:  # the user's numeric tokens, found by value (``-999.0`` is ``-999``)
                base = _cast_sql(_Plan(plan.stage, plan.arrow, plan.dtype, plan.kind), v)
                missing += [
                    f"WHEN {base} = {number!r}::DOUBLE THEN {_USER + k}"
                    for k, number in enumerate(user.numbers.values())
                ]
        if missing:
            small = "UTINYINT" if _USER + len(theirs) + len(common) < 256 else "USMALLINT"  # a byte a row
            select.append(f"CAST(CASE {' '.join(missing)} END AS {small}) AS {qi(hidden[i])}")
    readers = [t for t in common if t]
    source = _source(con, text, sep, len(head), [] if exact else readers)
    if exact:
        source = f"(SELECT {', '.join(inner)} FROM {source})"
    _create(con, f"CREATE TABLE {_TABLE} AS SELECT {', '.join(select)} FROM {source}")
    has_hidden = [bool(common) or bool(kinds[i]) for i in range(len(head))]
    facts = _facts(con, head, users, names, hidden, has_hidden, kinds, common)
    if facts is None:
        _drop(con)
        return None
    n_rows, counts, columns, others = facts
    if others:  # which of several tokens: asked of the file, for the columns holding them only
        recounted = _token_counts(con, text, sep, common, len(head), others)
        for i in others:
            counts[i] = recounted[i]
    plans = [_plan(col, name, bool(counts[i]), nulls) for i, (col, name) in enumerate(zip(columns, names))]
    for i, (plan, col) in enumerate(zip(plans, columns)):
        if plan.numbers:
            plan.hits = {t: k for t, k in col.user_hits.items() if k and t in plan.numbers}
        _retype(con, head[i].stage, plan, names[i])
    for i, h in enumerate(hidden):
        if has_hidden[i]:
            run(con, f"ALTER TABLE {_TABLE} DROP COLUMN {qi(h)}")
    _view(con, names, position)
    return n_rows, counts, plans


def _facts(
    con: Any,
    head: list[_Column],
    users: list[_UserTokens],
    names: list[str],
    hidden: list[str],
    has_hidden: list[bool],
    kinds: list[list[str]],
    common: list[str],
) -> tuple[int, list[dict[str, int]], list[_Column], list[int]] | None:
    """What the scan learns from the file, from the loaded table in one aggregate: (rows, each column's
    null-token counts, each column's inference, the columns holding null tokens besides the empty cell when
    there are several kinds: which ones, only the file can say); None when a float column holds a value
    beyond the 64-bit range (then the file's text decides)."""
    parts = ["count(*) AS n"]
    for i, column in enumerate(head):
        c, stage = qi(names[i]), column.stage
        if has_hidden[i]:
            h = qi(hidden[i])
            parts += [f"count({h}) AS h{i}", f"min({h}) AS lo{i}", f"max({h}) AS hi{i}"]
        if stage == "float":  # an infinity too sends the column to the two parses (rare)
            parts.append(f"max(abs({c})) AS m{i}")
        elif stage == "text" and users[i].text:
            parts.append(
                f"count(*) FILTER (WHERE {c} IS NOT NULL AND NOT regexp_full_match({c}, {_lit(_PNUM)})) "
                f"AS r{i}"
            )
        elif stage == "null":  # only null tokens in the head: the text loaded is typed as the scan types it
            other = f"count(*) FILTER (WHERE {c} IS NOT NULL AND NOT"
            parts += [f"{other} {_accepts_sql(s, c)}) AS b{i}_{s}" for s in _STAGES[:-1]]
            parts.append(f"{other} regexp_full_match({c}, {_lit(_PLAIN_INT)})) AS p{i}")
            parts.append(f"max(CASE WHEN strlen({c}) >= 19 THEN abs(TRY_CAST({c} AS DOUBLE)) END) AS m{i}")
    got = _table_row(con, parts)
    # what the missing cells held: a column holding one kind is counted already, another once per kind
    # between its least and its greatest (one more aggregate, over those hidden columns only)
    held = {
        i: range(int(got[f"lo{i}"]), int(got[f"hi{i}"]) + 1) for i in range(len(head)) if got.get(f"h{i}")
    }
    several = [
        f"count(*) FILTER (WHERE {qi(hidden[i])} = {k}) AS w{i}_{k}"
        for i, ks in held.items()
        if len(ks) > 1
        for k in ks
    ]
    each = _table_row(con, several) if several else {}
    readers = [t for t in common if t]
    n_rows = int(got["n"])
    counts: list[dict[str, int]] = []
    out: list[_Column] = []
    others: list[int] = []
    for i, column in enumerate(head):
        stage = column.stage
        ks = held.get(i, range(0))
        found = {ks[0]: int(got[f"h{i}"])} if len(ks) == 1 else {k: int(each[f"w{i}_{k}"]) for k in ks}
        found = {k: n for k, n in found.items() if n}
        mine = {"": found[_EMPTY]} if _EMPTY in found else {}
        if _OTHER in found:
            if len(readers) == 1:
                mine[readers[0]] = found[_OTHER]
            else:
                others.append(i)
        first = _USER + len(kinds[i])  # exact: the common tokens' places
        for k, n in found.items():
            if k >= first:
                mine[common[k - first]] = n
        theirs = {kinds[i][k - _USER]: n for k, n in found.items() if _USER <= k < first}
        counts.append(mine)
        col = _Column()
        col.values = n_rows - sum(n for k, n in found.items() if k < _USER or k >= first)
        if stage == "float" and got[f"m{i}"] is not None and float(got[f"m{i}"]) >= 2.0**63:
            return None
        if stage == "null":
            passing = [s for s in _STAGES[:-1] if got[f"b{i}_{s}"] == 0]
            col.viable = passing[:1] + ["text"] if col.values else ["text"]
            col.beyond = got[f"m{i}"] is not None and float(got[f"m{i}"]) >= 2.0**63
            col.plain_int = got[f"p{i}"] == 0
        else:
            col.viable = [stage, "text"] if stage != "text" and col.values else ["text"]
            col.beyond = col.plain_int = False
        if stage == "text" and users[i].text:
            col.user_hits = theirs
            col.numeric_rest = got[f"r{i}"] == 0
        elif stage in ("int", "float") and users[i].numbers:
            col.user_hits = {t: theirs.get(t, 0) for t in users[i].numbers}
        out.append(col)
    return n_rows, counts, out, others


def _retype(con: Any, head_stage: str, plan: _Plan, name: str) -> None:
    """The loaded column given its final type where the table's facts change it: an integer column with
    missing values becomes a float, a text column left with numbers by the user's tokens a number, a column
    whose head held only null tokens its type over the whole file."""
    col = qi(name)
    if head_stage == "text" and plan.to_number:
        using = f"nullif(CAST({col} AS DOUBLE), 'NaN'::DOUBLE)"
    elif head_stage == "null" and plan.stage not in ("null", "text"):
        using = _cast_sql(plan, col)
    elif head_stage == "int" and _sql_type(plan) == "DOUBLE" and not plan.numbers:
        using = f"CAST({col} AS DOUBLE)"
    else:
        return
    run(con, f"ALTER TABLE {_TABLE} ALTER {col} SET DATA TYPE {_sql_type(plan)} USING {using}")


# ---------------------------------------------------------------------- scan
def _source(con: Any, text: _Text, sep: str, n_cols: int, null_tokens: list[str]) -> str:
    """DuckDB's reader over the file: columns ``c0…`` as text, the header row skipped, ``null_tokens`` read
    as NULL (quoted or not), strict (a ragged row or an unterminated quote is an error), its buffers sized
    to the engine's memory (:func:`_buffer_size`)."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n_cols)) + "}"
    tokens = "[" + ", ".join(_lit(t) for t in (null_tokens or [_NO_NULL])) + "]"
    return (
        f"read_csv({_lit(text.file)}, header = true, delim = {_lit(sep)}, quote = '\"', escape = '\"', "
        f"nullstr = {tokens}, allow_quoted_nulls = true, strict_mode = true, auto_detect = false, "
        f"buffer_size = {_buffer_size(con)}, columns = {columns})"
    )


#: DuckDB's CSV buffer unless the engine's memory is small (its default: 16 lines of the 2 MB line limit)
READ_BUFFER = 32_000_000
#: the smallest buffer: twice DuckDB's line limit (a buffer holds at least one whole line)
MIN_READ_BUFFER = 4_000_000


def _buffer_size(con: Any) -> int:
    """The reader's buffer: DuckDB's default, or an eighth of the engine's memory limit when that is less.
    Each reading thread holds buffers of this size: under a 34-64 MB limit the default's 30.5 MiB blocks
    did not fit, and a 20-column file could not be read (the engine's smallest accepted limit is 32 MiB)."""
    limit = _limit_bytes(con)
    return READ_BUFFER if limit is None else max(MIN_READ_BUFFER, min(READ_BUFFER, limit // 8))


def _padded(pattern: str) -> str:
    """``pattern`` (anchored) with spaces and tabs allowed around the value, as pyarrow trims them."""
    return r"^[ \t]*(" + pattern.removeprefix("^").removesuffix("$") + r")[ \t]*$"


def _accepts_sql(stage: str, v: str) -> str:
    """SQL true when the text ``v`` is written as pyarrow's grammar for ``stage`` (the regular expressions
    of :func:`~.duckdb_csv_types._accepts`). What the grammar cannot see (an int64's range, a real day of the
    month, a timestamp DuckDB cannot cast) makes the load's strict cast fail; the two-pass path decides."""

    def match(pattern: str) -> str:
        return f"regexp_full_match({v}, {_lit(_padded(pattern))})"

    if stage == "int":  # only 19 characters or more can overflow int64
        return (
            f"(CASE WHEN NOT {match(_INT)} THEN false WHEN strlen({v}) < 19 THEN true "
            f"ELSE TRY_CAST({v} AS BIGINT) IS NOT NULL END)"
        )
    if stage == "bool":
        return f"({v} IN ({', '.join(map(_lit, _BOOL_TEXT))}))"
    pattern = {
        "date": _DATE,
        "time": _TIME,
        "ts_s": _TS_S,
        "ts_ns": _TS,
        "ts_s_tz": _TS_S_TZ,
        "ts_ns_tz": _TS_TZ,
        "float": _FLOAT,
    }.get(stage)
    return match(pattern) if pattern else "true"


class _UserTokens:
    """A column's tokens of the user's (``na_values``), applied after typing as the pandas loader does: on a
    text column the ones that are not common tokens (then a column left holding only numbers is read as
    numbers), on a numeric column those that read as numbers (``-999``)."""

    def __init__(self, nulls: NullTokens, name: str) -> None:
        self.text = sorted(nulls.for_column(name) - nulls.common)
        numbers = numeric_tokens(nulls.user_tokens(name))
        self.numbers = {t: x for t, x in numbers.items() if x == x}  # NaN equals nothing in pyarrow


def _scan_and_load(
    con: Any,
    text: _Text,
    sep: str,
    common: list[str],
    head: list[_Column],
    users: list[_UserTokens],
    names: list[str],
    position: str,
    nulls: NullTokens,
) -> tuple[int, list[dict[str, int]], list[_Plan]] | None:
    """The two parses (the scan, then the load) where one cannot decide; None: the two-pass pyarrow path."""
    scanned = _scan(con, text, sep, common, head, users)
    if scanned is None:
        return None
    n_rows, counts, stages = scanned
    if n_rows == 0:
        return 0, counts, []
    plans = [_plan(col, name, bool(counts[i]), nulls) for i, (col, name) in enumerate(zip(stages, names))]
    for plan, col in zip(plans, stages):
        if plan.numbers:  # the user's numeric tokens found in a numeric column (counted by the scan)
            plan.hits = {t: k for t, k in col.user_hits.items() if k and t in plan.numbers}
    _load(con, text, sep, common, plans, names, position)
    return n_rows, counts, plans


def _scan(
    con: Any, text: _Text, sep: str, common: list[str], head: list[_Column], users: list[_UserTokens]
) -> tuple[int, list[dict[str, int]], list[_Column]] | None:
    """(rows, each column's null-token counts, each column's inference), or None when a column's candidate
    type does not hold over the whole file. One query over the file tests the values that are not null
    tokens, the tokens read as NULL by the reader (cheap), except the empty cell, counted as such (the usual
    token, and often the only one). A second query, only when a column held other tokens, counts which token
    each was; a third, only for a float column with a value beyond the 64-bit range, asks whether all its
    values are plain integers (then the pandas loader keeps it as text)."""
    empty = "" in common
    readers = [t for t in common if t]
    parts = ["count(*) AS n"]
    checks: list[list[str]] = []
    for i, column in enumerate(head):
        v = f"c{i}"
        value = f"{v} IS NOT NULL AND {v} <> ''" if empty else f"{v} IS NOT NULL"
        parts.append(f"count({v}) AS k{i}")
        if empty:
            parts.append(f"count(*) FILTER (WHERE {v} = '') AS e{i}")
        stage = column.stage
        stages = [s for s in _STAGES if s != "text"] if stage == "null" else [stage]
        stages = [s for s in stages if s != "text"]
        checks.append(stages)
        for s in stages:
            parts.append(f"count(*) FILTER (WHERE {value} AND NOT {_accepts_sql(s, v)}) AS b{i}_{s}")
        if "float" in stages:
            parts.append(f"max(CASE WHEN strlen({v}) >= 19 THEN abs(TRY_CAST({v} AS DOUBLE)) END) AS m{i}")
        user = users[i]
        if (user.text or user.numbers) and stage == "null":
            return None  # which of the user's tokens apply depends on a type the head does not show
        if user.text and stage == "text":
            listed = ", ".join(_lit(t) for t in user.text)
            parts.append(f"histogram({v}) FILTER (WHERE {v} IN ({listed})) AS u{i}")
            number = f"regexp_full_match({v}, {_lit(_PNUM)})"
            parts.append(
                f"count(*) FILTER (WHERE {value} AND {v} NOT IN ({listed}) AND NOT {number}) AS r{i}"
            )
        if user.numbers and stage in ("int", "float"):
            x = (
                f"TRY_CAST(TRY_CAST({v} AS BIGINT) AS DOUBLE)"
                if stage == "int"
                else f"TRY_CAST({v} AS DOUBLE)"
            )
            for k, number_value in enumerate(user.numbers.values()):
                parts.append(f"count(*) FILTER (WHERE {x} = {number_value!r}::DOUBLE) AS x{i}_{k}")
    got = _one_row(con, parts, _source(con, text, sep, len(head), readers))
    n_rows = int(got["n"])
    others = [i for i in range(len(head)) if int(got[f"k{i}"]) < n_rows]  # tokens besides the empty cell
    counts = _token_counts(con, text, sep, common, len(head), others)
    for i in range(len(head)):
        if empty and i not in others and got[f"e{i}"]:
            counts[i] = {"": int(got[f"e{i}"])}
    beyond = [i for i in range(len(head)) if got.get(f"m{i}") is not None and float(got[f"m{i}"]) >= 2.0**63]
    plain = _plain_ints(con, text, sep, common, len(head), beyond)
    out: list[_Column] = []
    for i, column in enumerate(head):
        values = n_rows - sum(counts[i].values())
        passing = [s for s in checks[i] if got[f"b{i}_{s}"] == 0]
        if column.stage != "null" and column.stage != "text" and not passing:
            return None  # a value past the head that pyarrow may read differently: the two-pass path decides
        col = _Column()
        col.values = values
        col.viable = passing[:1] + ["text"] if values else ["text"]
        col.beyond = i in beyond
        col.plain_int = plain.get(i, False)
        if f"u{i}" in got:  # the user's text tokens: counted, and whether the rest are all numbers
            col.user_hits = {str(t): int(k) for t, k in (got[f"u{i}"] or {}).items()}
            col.numeric_rest = got[f"r{i}"] == 0
        elif users[i].numbers and column.stage in ("int", "float"):
            col.user_hits = {t: int(got[f"x{i}_{k}"]) for k, t in enumerate(users[i].numbers)}
        out.append(col)
    return n_rows, counts, out


def _table_row(con: Any, parts: list[str]) -> dict[str, Any]:
    """``SELECT parts FROM`` the loaded table as {alias: value} (run again on one thread if out of memory)."""
    row = run(con, f"SELECT {', '.join(parts)} FROM {_TABLE}")[0]
    return dict(zip([p.rsplit(" AS ", 1)[1] for p in parts], row))


def _one_row(con: Any, parts: list[str], source: str) -> dict[str, Any]:
    """``SELECT parts FROM source`` as {alias: value} (every part ends ``AS alias``)."""
    row = con.sql(f"SELECT {', '.join(parts)} FROM {source}").fetchall()[0]
    return dict(zip([p.rsplit(" AS ", 1)[1] for p in parts], row))


def _token_counts(
    con: Any, text: _Text, sep: str, common: list[str], n_cols: int, columns: list[int]
) -> list[dict[str, int]]:
    """How many cells of each of ``columns`` hold each null token (the file read with no null tokens)."""
    counts: list[dict[str, int]] = [{} for _ in range(n_cols)]
    if not columns:
        return counts
    longest = max(len(t.encode("utf-8")) for t in common)
    listed = ", ".join(_lit(t) for t in common)
    parts = [
        f"histogram(c{i}) FILTER (WHERE strlen(c{i}) <= {longest} AND c{i} IN ({listed})) AS h{i}"
        for i in columns
    ]
    got = _one_row(con, parts, _source(con, text, sep, n_cols, []))
    for i in columns:
        counts[i] = {str(k): int(c) for k, c in (got[f"h{i}"] or {}).items()}
    return counts


def _plain_ints(
    con: Any, text: _Text, sep: str, common: list[str], n_cols: int, columns: list[int]
) -> dict[int, bool]:
    """Whether every value (null tokens aside) of each of ``columns`` is written as a plain integer."""
    if not columns:
        return {}
    pattern = _lit(_PLAIN_INT)
    parts = [
        f"count(*) FILTER (WHERE c{i} IS NOT NULL AND NOT regexp_full_match(c{i}, {pattern})) AS p{i}"
        for i in columns
    ]
    got = _one_row(con, parts, _source(con, text, sep, n_cols, common))
    return {i: got[f"p{i}"] == 0 for i in columns}


# ---------------------------------------------------------------------- load
def _cast_sql(plan: _Plan, v: str) -> str:
    """The column's value as the type the two-pass path gives it (``plan.arrow``), NaN as NULL. The casts are
    strict: a value the scan let through that DuckDB cannot read fails the load (and the two-pass path reads
    the file). DuckDB's casts to numbers skip the spaces and tabs pyarrow trims; its casts to dates and times
    refuse them, and so send such a file to the two-pass path."""
    import pyarrow as pa

    t = plan.arrow
    if plan.user is not None:  # a text column: the user's tokens missing, then maybe read as numbers
        listed = ", ".join(_lit(str(u)) for u in plan.user.to_pylist())
        kept = f"CASE WHEN {v} IN ({listed}) THEN NULL ELSE {v} END"
        return f"nullif(CAST({kept} AS DOUBLE), 'NaN'::DOUBLE)" if plan.to_number else kept
    if plan.numbers and pa.types.is_floating(t):  # a numeric column: the user's numeric tokens missing
        listed = ", ".join(f"{x!r}::DOUBLE" for x in plan.numbers.values() if x == x)
        base = _Plan(plan.stage, t, plan.dtype, plan.kind)
        x = _cast_sql(base, v)
        return f"CASE WHEN {x} IN ({listed}) THEN NULL ELSE {x} END" if listed else x
    if plan.stage == "int":
        x = f"CAST({v} AS BIGINT)"
        return f"CAST({x} AS DOUBLE)" if pa.types.is_floating(t) else x
    if plan.stage == "bool":
        true = ", ".join(_lit(b) for b in _BOOL_TEXT if b in ("1", "True", "TRUE", "true"))
        return f"CASE WHEN {v} IS NULL THEN NULL WHEN {v} IN ({true}) THEN true ELSE false END"
    if plan.stage == "date":
        return f"CAST({v} AS DATE)"
    if plan.stage == "time":
        return f"CAST({v} AS TIME)"
    if plan.stage == "ts_s":
        return f"CAST(CAST({v} AS TIMESTAMP) AS TIMESTAMP_S)"
    if plan.stage == "ts_ns":
        return f"CAST({v} AS TIMESTAMP_NS)"
    if plan.stage in ("ts_s_tz", "ts_ns_tz"):
        return f"CAST({v} AS TIMESTAMPTZ)"
    if plan.stage == "float" and pa.types.is_floating(t):
        return f"nullif(CAST({v} AS DOUBLE), 'NaN'::DOUBLE)"  # DuckDB's NaN equals NaN
    return v  # text (also integers beyond 64 bits, and a column of nothing but missing values)


def _load(
    con: Any, text: _Text, sep: str, common: list[str], plans: list[_Plan], names: list[str], position: str
) -> None:
    """The typed table, in file order (its ``rowid`` is the row's position), and the view ``data`` over it
    with the position column."""
    select = ", ".join(
        f"{_cast_sql(plan, f'c{i}')} AS {qi(name)}" for i, (plan, name) in enumerate(zip(plans, names))
    )
    source = _source(con, text, sep, len(plans), common)
    _create(con, f"CREATE TABLE {_TABLE} AS SELECT {select} FROM {source}")
    _view(con, names, position)


def _create(con: Any, create: str) -> None:
    """Run ``create`` (a ``CREATE TABLE … AS SELECT`` over the file) keeping the file's order."""
    import duckdb

    run(con, "SET preserve_insertion_order = true")
    # DuckDB rewrites a long IN list into a join, which does not keep the file's order (booleans, the user's
    # tokens): the lists are compared value by value instead
    disabled = run(con, "SELECT current_setting('disabled_optimizers')")[0][0]
    run(con, f"SET disabled_optimizers = {_lit(','.join(filter(None, [disabled, 'in_clause'])))}")
    try:
        try:
            run(con, create)
        except duckdb.OutOfMemoryException:
            # keeping the file's order across parallel readers holds batches back; under a very small memory
            # limit one reader (which needs no reordering) still fits
            threads = run(con, "SELECT current_setting('threads')")[0][0]
            run(con, f"DROP TABLE IF EXISTS {_TABLE}")
            run(con, "SET threads = 1")
            try:
                run(con, create)
            finally:
                run(con, f"SET threads = {int(threads)}")
    finally:
        run(con, "SET preserve_insertion_order = false")
        run(con, f"SET disabled_optimizers = {_lit(disabled)}")


def _view(con: Any, names: list[str], position: str) -> None:
    """The view ``data``: the position column (``rowid``, the row's place in the file), then the columns."""
    columns = ", ".join(qi(name) for name in names)
    run(con, f"CREATE VIEW data AS SELECT rowid AS {qi(position)}, {columns} FROM {_TABLE}")


def _drop(con: Any) -> None:
    run(con, "DROP VIEW IF EXISTS data")
    run(con, f"DROP TABLE IF EXISTS {_TABLE}")
