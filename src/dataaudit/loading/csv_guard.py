"""What arrow's CSV reader accepts silently but an audit must not: an unterminated quote that swallows the
rest of the file, integers too large for 64 bits read as (rounded) floats, and an unrecognised delimiter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: arrow's CSV reader parses in blocks of this size; a single cell larger than one needs a larger block
BLOCK_SIZE = 16 * 1024 * 1024
_MAX_BLOCK = 2**31 - 1  # arrow's block size is a 32-bit int

#: characters that, found in the one column's name, suggest the file uses a delimiter we did not split on
_OTHER_DELIMITERS = (",", ";", "\t", "|", ":", "~", "^")
_DELIMITER_NAMES = {"\t": "tab"}


def block_for(data: bytes) -> int:
    """A block size holding all of ``data``: for a file with a cell larger than :data:`BLOCK_SIZE`."""
    return min(max(len(data) + 1, BLOCK_SIZE), _MAX_BLOCK)


def unterminated_quote_line(data: bytes, table: Any) -> int | None:
    """The line on which a quoted value opens and never closes, or None.

    Arrow reads such a value to the end of the file without complaint: the last row's value is then the whole
    rest of the file. Seen from the bytes: the data ends with that value (quotes doubled, as written) right
    after an opening quote, and the file holds an odd number of quote characters."""
    if table.num_rows == 0:
        return None
    import pyarrow as pa

    last = table.slice(table.num_rows - 1)
    for column in last.columns:
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            continue
        value = column[0].as_py()
        if not value:
            continue
        written = value.replace('"', '""').encode("utf-8")
        start = len(data) - len(written) - 1
        opens = start >= 0 and data.endswith(written) and data[start : start + 1] == b'"'
        if opens and data.count(b'"') % 2 == 1:
            newline = b"\n" if data.find(b"\n", 0, start) != -1 else b"\r"
            return data.count(newline, 0, start) + 1
    return None


def wide_integer_columns(table: Any) -> list[str]:
    """Float columns whose values are all whole numbers and some beyond the 64-bit integer range: arrow read
    integers too large for int64 as floats, which rounds them (two 20-digit ids can become equal)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names = table.column_names
    found = []
    for name, column in zip(names, table.columns, strict=True):
        if not pa.types.is_floating(column.type) or not any(_beyond_int64(c) for c in column.chunks):
            continue
        finite = pc.filter(column, pc.is_finite(column))
        if len(finite) and pc.all(pc.equal(finite, pc.floor(finite))).as_py() and names.count(name) == 1:
            found.append(name)
    return found


def _beyond_int64(chunk: Any) -> bool:
    """Whether a float chunk holds a finite value outside the int64 range (numpy: ~4x faster than arrow's
    min_max here, which matters on every CSV load)."""
    import numpy as np

    x = chunk.to_numpy(zero_copy_only=False)  # nulls become NaN, which compares False
    with np.errstate(invalid="ignore"):
        return bool((((x >= 2.0**63) & (x < np.inf)) | ((x < -(2.0**63)) & (x > -np.inf))).any())


def keep_wide_integers_as_text(table: Any, reread: Callable[[Sequence[str]], Any], notes: list[str]) -> Any:
    """Re-read the :func:`wide_integer_columns` as text, keeping those written as plain integers (every
    digit kept, as written), with a note. ``reread(columns)`` reads the file again with those as strings."""
    import pyarrow.compute as pc

    wide = wide_integer_columns(table)
    if not wide:
        return table
    text = reread(wide)
    kept = []
    for name in wide:
        column = text.column(name)
        written = pc.filter(column, pc.is_valid(column))
        if len(written) and pc.all(pc.match_substring_regex(written, r"^\s*[+-]?\d+\s*$")).as_py():
            table = table.set_column(table.column_names.index(name), name, column)
            kept.append(name)
    if kept:
        notes.append(
            f"{len(kept)} column(s) hold integers beyond the 64-bit range, kept as text so no digit is lost: "
            + ", ".join(kept[:10])
        )
    return table


def delimiter_hint(table: Any, sep: str) -> str | None:
    """A note when the file was read as one column whose name holds another likely delimiter."""
    if table.num_columns != 1:
        return None
    name = table.column_names[0]
    others = [d for d in _OTHER_DELIMITERS if d != sep and d in name]
    if not others:
        return None
    shown = ", ".join(repr(_DELIMITER_NAMES.get(d, d)) for d in others)
    return (
        f"read as a single column named {name[:60]!r}: its name contains {shown}; if that is the delimiter, "
        "the file was not split (supported delimiters: ',' ';' tab '|'; --format tsv for tabs)"
    )
