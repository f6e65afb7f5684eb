"""pyarrow tables to pandas: Parquet, and the Arrow-read text formats; nested columns are skipped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from dataaudit.loading.problems import _first_line, _Problem


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


#: a frame still to be made from an arrow table: :func:`dataaudit.loading.load` lets go of the file's bytes
#: first, so that they, the table and the frame are never all in memory at once
Pending = Callable[[], pd.DataFrame]


def _pending(table: Any, notes: list[str], index: bool = False) -> Pending:
    """The conversion of ``table`` (``index``: a pandas index saved in it becomes columns), to run later.
    Arrow's memory pool keeps freed memory for reuse; what the conversion freed goes back to the system."""

    def convert() -> pd.DataFrame:
        import pyarrow as pa

        frame = _arrow_to_pandas(table, notes)
        pa.default_memory_pool().release_unused()
        return _index_to_columns(frame) if index else frame

    return convert


def _note_skipped(nested: list[str], notes: list[str]) -> None:
    if nested:
        notes.append(f"skipped {len(nested)} column(s) holding lists or maps: {', '.join(nested[:10])}")


def _read_parquet(data: bytes, notes: list[str]) -> Pending:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dataaudit.loading.budget import check_parquet_fits

    try:
        # pyarrow-stubs leave out the pyarrow Buffer that ParquetFile reads
        parquet = pq.ParquetFile(pa.py_buffer(data))  # type: ignore[arg-type]
        check_parquet_fits(parquet.metadata, parquet.schema_arrow)  # refuse before reading, not halfway
        table = parquet.read()
    except (pa.ArrowException, OSError) as exc:
        raise _Problem(f"not a valid Parquet file or truncated ({_first_line(exc)})") from None
    return _pending(table, notes, index=True)


def _index_to_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A pandas index saved in the Parquet metadata: a named one (e.g. ``customer_id``) is data, keep it as
    a column; an unnamed one is just row numbers."""
    named = [n for n in frame.index.names if n is not None]
    if named:
        frame = frame.reset_index(level=named, allow_duplicates=True)
    return frame.reset_index(drop=True) if not isinstance(frame.index, pd.RangeIndex) else frame


def _read_feather(data: bytes, notes: list[str]) -> Pending:
    """Feather (v1, or v2 = the Arrow IPC file format) or an Arrow IPC stream; a pandas index saved in the
    schema metadata is treated as in Parquet."""
    import pyarrow as pa
    import pyarrow.feather as feather

    try:
        # pyarrow-stubs leave out the NativeFile (BufferReader) that read_table reads
        table = feather.read_table(pa.BufferReader(data), memory_map=False)  # type: ignore[arg-type]
    except (pa.ArrowException, OSError) as file_exc:
        try:  # not the file format: maybe the stream format (.arrows)
            table = pa.ipc.open_stream(pa.BufferReader(data)).read_all()
        except (pa.ArrowException, OSError):
            raise _Problem(
                f"not a valid Feather / Arrow IPC file or truncated ({_first_line(file_exc)})"
            ) from None
    return _pending(table, notes, index=True)
