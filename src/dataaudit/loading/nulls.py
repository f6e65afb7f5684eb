"""Null tokens: the text that stands for a missing value (``NA``, ``N/A``, ``null``, ``NaN``, an empty cell…).

By default the tokens are pandas' own default ``na_values`` list (taken from pandas, not retyped), so a file
audited from its path and the frame ``pd.read_csv`` makes of it have the same missing values. They are read
as missing on every input path:

- CSV/TSV: arrow's reader treats them as nulls while it infers the column types (a number column holding
  ``NA`` is read as numbers), exactly as pandas does; the columns that came out with nulls are read once
  more as raw text to count which token each null was.
- JSON, JSON Lines, Parquet, Excel and an in-memory DataFrame: a text cell whose whole value is a token is
  set to missing after reading (a JSON ``null``, a Parquet null, an empty Excel cell, a DataFrame's NaN are
  missing already). Matching is exact, as in pandas: ``NA`` is a token, ``na`` and `` NA `` are not (those
  are left to ``consistency.disguised_missing``).

``dataaudit.yaml`` changes the list with ``na_values:`` (extra tokens for every column, or per column as a
mapping) and ``keep_default_na: false`` (only the listed tokens; then an empty cell is missing only if
``''`` is listed), the same two settings as ``pandas.read_csv``. What was read as missing is counted per
column and token (:class:`NullCounts`): the report shows it and ``consistency.mixed_nulls`` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_NULL_TOKENS", "NullCounts", "NullTokens", "apply_null_tokens"]


def _pandas_default_tokens() -> frozenset[str]:
    # pandas' default na_values, from the module where pandas defines it (re-exported by its CSV reader)
    try:
        from pandas._libs.parsers import STR_NA_VALUES  # type: ignore[import-not-found]  # not in pandas-stubs
    except ImportError:  # pragma: no cover - a pandas that moved it
        from pandas.io.parsers.readers import STR_NA_VALUES  # type: ignore[attr-defined]
    return frozenset(str(t) for t in STR_NA_VALUES)


#: pandas' default ``na_values``: ``''``, ``NA``, ``N/A``, ``n/a``, ``NaN``, ``nan``, ``-NaN``, ``null``,
#: ``NULL``, ``None``, ``#N/A``, ``<NA>``, ``#NA``, ``1.#IND``… (pandas 2.3: 19 tokens)
DEFAULT_NULL_TOKENS: frozenset[str] = _pandas_default_tokens()

#: column → {token: cells read as missing}; the token ``''`` is an empty cell
NullCounts = dict[str, dict[str, int]]


@dataclass(frozen=True)
class NullTokens:
    """Which text is read as missing: pandas' defaults (unless ``keep_default`` is off), plus ``extra`` for
    every column, plus ``per_column`` extras."""

    keep_default: bool = True
    extra: tuple[str, ...] = ()
    per_column: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, na_values: Any = None, keep_default_na: bool = True) -> NullTokens:
        """From the config's ``na_values`` (None, a list, or a mapping column → list) and
        ``keep_default_na``."""
        if isinstance(na_values, Mapping):
            per = {str(k): tuple(str(v) for v in _listify(vs)) for k, vs in na_values.items()}
            return cls(bool(keep_default_na), (), per)
        return cls(bool(keep_default_na), tuple(str(v) for v in _listify(na_values)))

    @property
    def common(self) -> frozenset[str]:
        """The tokens for every column."""
        return (DEFAULT_NULL_TOKENS if self.keep_default else frozenset()) | frozenset(self.extra)

    def for_column(self, column: str) -> frozenset[str]:
        return self.common | frozenset(self.per_column.get(column, ()))

    def user_tokens(self, column: str) -> frozenset[str]:
        """The tokens the user listed for ``column``: only these are also compared with numbers (``-999``)."""
        return frozenset(self.extra) | frozenset(self.per_column.get(column, ()))


def _listify(values: Any) -> list[Any]:
    if values is None:
        return []
    if isinstance(values, (str, bytes, int, float)):
        return [values]
    return list(values)


DEFAULT = NullTokens()


def apply_null_tokens(
    frame: pd.DataFrame,
    tokens: NullTokens,
    *,
    extra: Iterable[str] = (),
    counts: NullCounts | None = None,
    parse_numbers: bool = False,
) -> tuple[pd.DataFrame, NullCounts]:
    """Set every text cell of ``frame`` that is a null token to missing; return the frame and the counts.

    ``extra``: tokens added for this input (e.g. Excel's error values); ``counts``: counts already made (by
    the CSV reader), added to. Text columns are object, string and categorical columns; a numeric column is
    compared only with the user's tokens that are numbers (``na_values: [-999]``). An object column left
    holding only numbers becomes numeric, as it would had the reader seen the tokens as missing; with
    ``parse_numbers`` (text read from a CSV file) so does one left holding only text that spells numbers.
    The caller's frame is not modified (the changed columns are replaced, not written into).
    """
    counts = {k: dict(v) for k, v in (counts or {}).items()}
    names = list(frame.columns)
    extra = frozenset(extra)
    replaced: dict[int, pd.Series] = {}
    positions = {name: i for i, name in enumerate(frame.columns)}  # column names are unique by now
    for name in names:
        s = frame.iloc[:, positions[name]]
        wanted = tokens.for_column(str(name)) | extra
        if not wanted:
            continue
        new, found = _apply_column(s, wanted, tokens.user_tokens(str(name)), parse_numbers)
        if found:
            col = counts.setdefault(str(name), {})
            for token, k in found.items():
                col[token] = col.get(token, 0) + k
            replaced[positions[name]] = new
    if replaced:
        frame = frame.copy(deep=False)
        for i, new in replaced.items():
            frame.isetitem(i, new)  # type: ignore[arg-type]  # pandas-stubs take a scalar only; a Series is valid
    return frame, counts


def _apply_column(
    s: pd.Series, wanted: frozenset[str], user: frozenset[str], parse_numbers: bool = False
) -> tuple[pd.Series, dict[str, int]]:
    """(the column with its tokens missing, {token: count}); an unchanged column when none was found."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return _apply_categorical(s, wanted)
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s, {}
    if pd.api.types.is_numeric_dtype(s.dtype):
        return _apply_numeric(s, user)
    if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
        return s, {}
    mask = _isin(s, wanted)
    if not mask.any():
        return s, {}
    found = {str(k): int(v) for k, v in s[mask].value_counts(dropna=True).items()}
    new = s.mask(mask)
    if new.dtype == object:
        new = _numbers_if_all(new, parse_numbers)
    return new, found


def _isin(s: pd.Series, wanted: frozenset[str]) -> np.ndarray:
    try:
        return s.isin(list(wanted)).to_numpy(dtype=bool)
    except TypeError:  # unhashable cells (lists from JSON): compare the text cells only
        text = s.map(lambda v: v if isinstance(v, str) else None)
        return text.isin(list(wanted)).to_numpy(dtype=bool)


def _apply_categorical(s: pd.Series, wanted: frozenset[str]) -> tuple[pd.Series, dict[str, int]]:
    cats = s.cat.categories
    hit = [c for c in cats if isinstance(c, str) and c in wanted]
    if not hit:
        return s, {}
    vc = s.value_counts(dropna=True)
    found = {str(c): int(vc.get(c, 0)) for c in hit if vc.get(c, 0)}
    return s.cat.remove_categories(hit), found


def numeric_tokens(tokens: Iterable[str]) -> dict[str, float]:
    """The tokens that spell a number (``-999``, ``nan``), each with its value, in token order: the user's
    tokens a number column is compared with (here, and by the duckdb loader)."""
    out = {}
    for t in sorted(tokens):
        try:
            out[t] = float(t)
        except ValueError:
            continue
    return out


def _apply_numeric(s: pd.Series, user: frozenset[str]) -> tuple[pd.Series, dict[str, int]]:
    numbers = numeric_tokens(user)
    if not numbers:
        return s, {}
    found, mask = {}, np.zeros(len(s), dtype=bool)
    values = s.to_numpy(dtype="float64", na_value=np.nan)
    for token, x in numbers.items():
        hit = values == x
        if hit.any():
            found[token] = int(hit.sum())
            mask |= hit
    if not found:
        return s, {}
    return s.mask(mask), found


def _numbers_if_all(s: pd.Series, parse_numbers: bool = False) -> pd.Series:
    """An object column whose remaining values are all Python numbers (a JSON field that mixed numbers and
    ``"NA"``) becomes numeric. Text that spells numbers stays text in a DataFrame (``"00123"`` may be a code
    on purpose) but not in a CSV file (``parse_numbers``), where the reader would have typed it."""
    inferred = pd.api.types.infer_dtype(s, skipna=True)
    if inferred in ("integer", "floating", "mixed-integer-float"):
        return s.infer_objects()
    if parse_numbers and inferred == "string":
        try:
            return pd.to_numeric(s)
        except (ValueError, TypeError):
            return s
    return s


def first_pass_counts(table: Any, tokens: NullTokens) -> tuple[NullCounts, list[int], bool]:
    """Null tokens counted on a CSV read with only the empty cell as null (``tokens`` permitting), so that
    the other tokens are still text. Returns ({column position as str: {token: count}}, the positions of
    float columns holding NaN, whose spelling (``NaN``, ``nan``, ``-nan``…) only the raw text tells, and
    whether the file must be read again with every token as null).

    Most files write a missing value as an empty cell (pandas, spreadsheets): they are read once, and the
    counts are arrow's null counts. A file with ``NA`` and the like (R) is read a second time, so that a
    number column holding ``NA`` is typed as numbers (measured on a 63 MB, 1M-row CSV with nulls in 4 of 10
    columns: 2.2 s written with empty cells, 3.8 s written with ``NA``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    empty_is_null = "" in tokens.common
    others = tokens.common - {""}
    value_set = _value_set(others, pa.string())
    nan_spelled = any(_is_nan_text(t) for t in others)
    numbers = _numbers(others)
    counts: NullCounts = {}
    spell: list[int] = []
    numeric: list[int] = []
    again = False
    for i, col in enumerate(table.columns):
        found: dict[str, int] = {}
        if empty_is_null and col.null_count:
            found[""] = int(col.null_count)
        if others and (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            hits = pc.filter(col, pc.is_in(col, value_set=value_set))
            if len(hits):
                found.update({str(d["values"]): int(d["counts"]) for d in pc.value_counts(hits).to_pylist()})
                again = True
        elif nan_spelled and pa.types.is_floating(col.type) and pc.any(pc.is_nan(col)).as_py():
            spell.append(i)  # arrow parsed the text 'NaN' as a float NaN: a token, spelled somehow
            again = True
        elif numbers is not None and (pa.types.is_integer(col.type) or pa.types.is_floating(col.type)):
            as_float = pc.cast(col, pa.float64(), safe=False)
            if pc.any(pc.is_in(as_float, value_set=numbers)).as_py():
                numeric.append(i)  # a number column holding a token such as -999
        if found:
            counts[str(i)] = found
    if again and numeric:
        # read again with every token null, a number column's ``-999`` becomes missing there, uncounted: its
        # cells are counted from the text, as the spelled NaNs are (without a second read, the tokens still
        # in number columns are counted and set missing later: apply_null_tokens)
        spell = sorted({*spell, *numeric})
    return counts, spell, again


def _numbers(tokens: frozenset[str]) -> Any:
    """The tokens that are finite numbers (``-999``), as an arrow array of floats, or None."""
    import pyarrow as pa

    values = sorted({v for v in numeric_tokens(tokens).values() if np.isfinite(v)})
    return pa.array(values, type=pa.float64()) if values else None


def count_spellings(raw: Any, positions: list[int], tokens: NullTokens, counts: NullCounts) -> NullCounts:
    """Add to ``counts`` the non-empty tokens found in ``raw`` (the columns at ``positions`` as bytes)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    value_set = _value_set(tokens.common - {""}, pa.binary())
    out = {k: dict(v) for k, v in counts.items()}
    for i, text in zip(positions, raw.columns, strict=True):
        hits = pc.filter(text, pc.is_in(text, value_set=value_set))
        for d in pc.value_counts(hits).to_pylist():
            out.setdefault(str(i), {})[_text(d["values"])] = int(d["counts"])
    return out


def _is_nan_text(token: str) -> bool:
    try:
        return bool(np.isnan(float(token)))
    except ValueError:
        return False


def _value_set(tokens: frozenset[str], kind: Any) -> Any:
    import pyarrow as pa

    values = sorted(tokens)
    if pa.types.is_binary(kind):
        return pa.array([t.encode("utf-8") for t in values], type=kind)
    return pa.array(values, type=kind)


def _text(value: Any) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
