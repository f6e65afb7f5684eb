"""Parquet for the duckdb loader: queried in place (a view over ``read_parquet`` with its row numbers) that
sets null tokens in text columns and NaN to NULL, as the pandas loader does. Part of
:mod:`dataaudit.engine.duckdb_load`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from dataaudit.engine.duckdb_base import _position_name, qi, run
from dataaudit.loading.nulls import NullTokens
from dataaudit.loading.problems import _first_line, _Problem


# ---------------------------------------------------------------------- Parquet
def _open_parquet(con: Any, files: list[Path], nulls: NullTokens, notes: list[str]) -> tuple[Any, ...]:
    """A view over the Parquet file (or a directory's files, one after the other, with one schema), typed as
    the pandas loader types it."""
    from dataaudit.loading.arrow import _arrow_to_pandas, _index_to_columns
    from dataaudit.loading.columns import _clean_columns

    schema, rows = _read_schema(files)
    empty = _index_to_columns(_arrow_to_pandas(schema.empty_table(), notes))
    source_names = [str(c) for c in empty.columns]
    flat = dict(_flatten(schema))
    names = list(_clean_columns(empty.copy(), notes).columns)
    base = empty.dtypes
    row_position = _create_source_view(con, files, rows)
    position = _position_name(names)
    missing, found = _count_missing_and_tokens(con, schema, source_names, names, flat, base, nulls)
    exprs, dtypes, kinds = _typed_columns(con, schema, source_names, names, flat, base, missing, found)
    view_params: list[Any] = []
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


def _read_schema(files: list[Path]) -> tuple[Any, list[Any]]:
    """The files' shared Arrow schema and each file's row count (from the footers)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

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
    return schema, rows


def _create_source_view(con: Any, files: list[Path], rows: list[Any]) -> str:
    """The view ``__dataaudit_parquet`` over the files; returns the SQL expression of a row's position."""
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
    return row_position


def _count_missing_and_tokens(
    con: Any,
    schema: Any,
    source_names: list[str],
    names: list[str],
    flat: dict[str, str],
    base: Any,
    nulls: NullTokens,
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """One scan: missing values per column and the null tokens in text columns."""
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
    return missing, found


def _typed_columns(
    con: Any,
    schema: Any,
    source_names: list[str],
    names: list[str],
    flat: dict[str, str],
    base: Any,
    missing: dict[str, int],
    found: dict[str, dict[str, int]],
) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Each column's select expression (null tokens and NaN to NULL, casts) with its pandas dtype and kind."""
    exprs, dtypes, kinds = [], {}, {}
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
    return exprs, dtypes, kinds


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
