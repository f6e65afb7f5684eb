"""Consistency: text values that are not data — junk (punctuation-only values, wrapped or spreadsheet
placeholders such as '#nan', '<NaN>', '#VALUE!') — and text values far longer than the rest of their
column (a 4,000-character cell among short codes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import (
    PLACEHOLDERS,
    _expected,
    _grade_worst,
    _pct,
)
from dataaudit.checks.consistency._text import distinct_text, placeholder_mask, text_columns
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Table, count, worst_status
from dataaudit.privacy import mask_example

__all__ = ["JunkValues", "TextLength"]

#: words that stand for "no value"; those that `consistency.disguised_missing` already reports are left to it
JUNK_WORDS = (
    "empty",
    "blank",
    "void",
    "nothing",
    "nan",
    "null",
    "none",
    "nil",
    "na",
    "n/a",
    "n.a.",
    "missing",
    "unknown",
    "undefined",
    "not available",
    "not applicable",
    "no data",
    "nodata",
    "tbd",
    "tba",
)
#: spreadsheet error values written out as text
SPREADSHEET_ERRORS = (
    "#value!",
    "#ref!",
    "#div/0!",
    "#name?",
    "#num!",
    "#null!",
    "#n/a",
    "#error!",
    "#spill!",
)
#: a unit or currency sign alone is a value of a column of units, not junk
UNIT_SIGNS = ("%", "‰", "$", "€", "£", "¥", "₹", "°")
_WRAPPERS = "#<>[](){}*_\"'`~|!?.:;/\\- "


def _disguised_placeholders() -> tuple[str, ...]:
    """The placeholders `consistency.disguised_missing` reports by default: junk leaves those to it."""
    from dataaudit.checks.consistency.missing import DisguisedMissing

    field = DisguisedMissing.__dataclass_fields__.get("placeholders")
    default = getattr(field, "default", None)
    return tuple(default) if isinstance(default, tuple) else PLACEHOLDERS


def _show(value: str, column: str, kind: str = "categorical") -> str:
    return repr(mask_example(value, column=column, kind=kind))


@dataclass(frozen=True, slots=True)
class Junk:
    """Junk values of one column: {value: rows}, by kind of junk."""

    column: str
    kind: str  # "punctuation only", "placeholder word", "wrapped placeholder", "spreadsheet error"
    values: tuple[tuple[str, int], ...]
    column_rows: int

    @property
    def rows(self) -> int:
        return sum(k for _, k in self.values)


@dataclass(frozen=True)
class JunkValues(Check):
    """Junk in text columns: values that hold no data but are not empty either.

    Three kinds, counted per column over its distinct values: values made only of punctuation or symbols
    ('#@$%', '?!', '{}', '^', '***'); placeholder words for "nothing" that
    `consistency.disguised_missing` does not already report ('empty', 'blank', 'void', 'tbd'), or a
    placeholder wrapped in punctuation ('#nan', '<NaN>', '[null]', '(empty)'); and spreadsheet error
    values exported as text ('#VALUE!', '#DIV/0!', '#REF!'). The boundary with
    `consistency.disguised_missing`: it owns the placeholders of its `placeholders` list ('NA', 'null',
    '?', '-', ...) and reports them as missing values; this check owns everything else that is junk, so a
    value is reported by one of the two, never both. A column where symbol-only values are a large part
    of the data (more than `max_symbol_share`, e.g. significance stars '*', '**', '***') uses them as its
    codes and is left alone.

    Why it matters: junk is read as a real value: '#@$%' and '<NaN>' become categories of their own, text
    features learn from garbage, and counts of missing values look better than they are. Any junk value
    warns; more than 5% of a column in punctuation-only, wrapped or spreadsheet-error values fails, as the
    column's statistics are then visibly distorted (a bare word such as 'not applicable' may be a real
    level, so it warns at most). In a column of near-unique values (titles, names, free text) a junk value
    must repeat to count: a film called 'Nothing' or '$' is a title.

    How to fix: convert these values to missing when loading (pandas `na_values=`), find which step of
    the export or scrape writes them, and fix spreadsheet formulas before exporting.
    """

    id: ClassVar[str] = "consistency.junk_values"
    title: ClassVar[str] = "Junk values in text"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.05
    words: tuple[str, ...] = JUNK_WORDS
    max_symbol_share: float = 0.3

    def run(self, data: Dataset) -> Outcome:
        owned_elsewhere = _disguised_placeholders()
        found = [j for c in text_columns(data) for j in self.measure(data, c, owned_elsewhere)]
        return self.judge(found, len(text_columns(data)))

    def measure(self, data: Dataset, column: str, owned_elsewhere: tuple[str, ...]) -> list[Junk]:
        """The junk values of one column, by kind (distinct values only)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        vc, arr, _ = distinct_text(data, column)
        if vc.empty:
            return []
        keys = pd.Series(vc.index, dtype=object)
        counts = vc.to_numpy()
        total = int(data.stats[column].count)

        def np_(a) -> np.ndarray:
            return a.to_numpy(zero_copy_only=False).astype(bool)

        stripped = pc.utf8_trim_whitespace(arr)
        norm = pc.utf8_lower(stripped)
        # pyarrow-stubs take no Python scalar beside an array here; pyarrow itself does
        skip = placeholder_mask(arr, owned_elsewhere) | np_(pc.equal(stripped, ""))  # type: ignore[call-overload]
        symbols = ~np_(pc.match_substring_regex(stripped, r"[\p{L}\p{N}]")) & ~skip
        symbols &= ~np_(pc.is_in(stripped, value_set=pa.array(UNIT_SIGNS)))  # '%' in a column of units
        spreadsheet = np_(pc.is_in(norm, value_set=pa.array(SPREADSHEET_ERRORS))) & ~skip
        core = pc.utf8_trim(norm, characters=_WRAPPERS)
        words = {w.casefold() for w in self.words} | {p.strip().casefold() for p in owned_elsewhere}
        words.discard("")
        placeholder = np_(pc.is_in(core, value_set=pa.array(sorted(words)))) & ~skip & ~spreadsheet & ~symbols
        # a wrapped placeholder of disguised_missing's list ('<NaN>') is junk; the bare word is theirs
        # wrapped: in brackets, quotes or after a '#' ('<NaN>', '[null]', '#nan'), not '.na' (a domain)
        wrapped = (
            placeholder
            & ~np_(pc.equal(core, norm))
            & np_(pc.match_substring_regex(norm, r"[#<>\[\](){}\"'*]"))
        )
        bare = placeholder & np_(pc.equal(core, norm))
        if data.stats[column].distinct > 0.5 * total:
            # titles, names, free text: 'Nothing', '$', ':(' are a title, a name, a smiley; junk repeats there
            repeated = counts >= 2
            symbols &= repeated
            bare &= repeated
        out = []
        if symbols.any() and counts[symbols].sum() <= self.max_symbol_share * total:
            out.append(_junk(column, "punctuation only", keys, counts, symbols, total))
        if bare.any():
            out.append(_junk(column, "placeholder word", keys, counts, bare, total))
        if wrapped.any():
            out.append(_junk(column, "wrapped placeholder", keys, counts, wrapped, total))
        if spreadsheet.any():
            out.append(_junk(column, "spreadsheet error", keys, counts, spreadsheet, total))
        return out

    def judge(self, found: list[Junk], examined: int) -> Outcome:
        """Thresholds and words: the share of each column's rows that are junk."""
        expected = _expected(self.warn_above, self.fail_above, "junk share per column")
        if not found:
            return Outcome.ok(
                f"no junk values in {count(examined, 'text column')}",
                observed={"columns": 0},
                expected=expected,
            )
        per_col: dict[str, list[Junk]] = {}
        for j in found:
            per_col.setdefault(j.column, []).append(j)
        shares = {c: sum(j.rows for j in js) / max(js[0].column_rows, 1) for c, js in per_col.items()}
        # a bare placeholder word ('not applicable' ×1,096) may be a real level: it warns, never fails alone
        sure = [
            sum(j.rows for j in js if j.kind != "placeholder word") / max(js[0].column_rows, 1)
            for js in per_col.values()
        ]
        status = worst_status(
            _grade_worst(sure, self.warn_above, self.fail_above),
            _grade_worst(list(shares.values()), self.warn_above, None),
        )
        ranked = sorted(per_col, key=lambda c: -shares[c])
        parts = []
        for c in ranked[:4]:
            kinds = "; ".join(
                f"{j.kind} "
                + ", ".join(f"{_show(v, c)} ×{k:,}" for v, k in j.values[:3])
                + (f" and {len(j.values) - 3} more" if len(j.values) > 3 else "")
                for j in per_col[c]
            )
            rows = sum(j.rows for j in per_col[c])
            parts.append(f"{c} {rows:,} rows ({_pct(shares[c])}): {kinds}")
        msg = f"junk values in {count(len(per_col), 'text column')} — " + " | ".join(parts)
        if len(ranked) > 4:
            msg += f" | and {len(ranked) - 4} more columns"
        table_rows = [(c, j.kind, _show(v, c), k) for c in ranked for j in per_col[c] for v, k in j.values]
        return Outcome.make(
            status,
            msg,
            observed={
                c: {"rows": sum(j.rows for j in per_col[c]), "share": round(shares[c], 4)} for c in ranked
            },
            expected=expected,
            columns=ranked,
            evidence=Table.of(("column", "kind", "value", "rows"), table_rows, title="Junk values"),
        )


def _junk(column: str, kind: str, keys: pd.Series, counts: np.ndarray, mask: np.ndarray, total: int) -> Junk:
    idx = np.flatnonzero(mask)
    idx = idx[np.argsort(-counts[idx], kind="stable")]
    values = tuple((str(keys.iloc[i]), int(counts[i])) for i in idx)
    return Junk(column=str(column), kind=kind, values=values, column_rows=total)


# ----------------------------------------------------------------------------------------------------------
# consistency.text_length


@dataclass(frozen=True, slots=True)
class LongValues:
    """Values of one column far longer than its typical value."""

    column: str
    typical: int  # the typical_quantile of lengths, over rows
    limit: int
    values: tuple[tuple[str, int, int], ...]  # (value, length, rows), longest first
    column_rows: int

    @property
    def rows(self) -> int:
        return sum(k for _, _, k in self.values)


@dataclass(frozen=True)
class TextLength(Check):
    """Text values far longer than the rest of their column: one 4,000-character value among short codes.

    For each text column with at least `min_values` values, the 95th percentile of value lengths (over
    rows, `typical_quantile`) is the typical length; a value longer than `ratio` times that and at least
    `min_excess` characters longer is an outlier. A column of notes with a few long notes is not flagged:
    its typical length is already long. The check works on the distinct values and their counts (at most
    the 50,000 most frequent per column).

    Why it matters: an overlong value in a column of codes or names is almost always a fault: two fields
    run together by a missing delimiter or quote, a whole record or HTML page pasted into a cell, a log
    line in a code column. The rows around it may be shifted too, and the value breaks encoders,
    tokenisers and database columns sized for short text. Any such value warns; more than 1% of a column
    fails, as that is a systematic fault in how the column was filled.

    How to fix: look at the listed rows in the raw file (a stray quote or delimiter usually shows), fix
    the export or parsing, and validate a maximum length at the source.
    """

    id: ClassVar[str] = "consistency.text_length"
    title: ClassVar[str] = "Overlong text values"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.01
    ratio: float = 10.0
    min_excess: int = 100
    typical_quantile: float = 0.95
    min_values: int = 20

    def run(self, data: Dataset) -> Outcome:
        cols = text_columns(data)
        found = [f for c in cols if (f := self.measure(data, c)) is not None]
        return self.judge(found, len(cols))

    def measure(self, data: Dataset, column: str) -> LongValues | None:
        """The overlong values of one column (None when there are none)."""
        if data.stats[column].count < self.min_values:
            return None
        import pyarrow.compute as pc

        vc, arr, _ = distinct_text(data, column)
        lengths = pc.utf8_length(arr).to_numpy(zero_copy_only=False)
        counts = vc.to_numpy()
        order = np.argsort(lengths, kind="stable")
        rank = int(self.typical_quantile * (counts.sum() - 1))  # the value at this rank, over rows
        typical = int(
            lengths[order][
                min(int(np.searchsorted(np.cumsum(counts[order]), rank, side="right")), len(order) - 1)
            ]
        )
        limit = int(max(self.ratio * typical, typical + self.min_excess))
        long = np.flatnonzero(lengths > limit)
        if not long.size:
            return None
        long = long[np.argsort(-lengths[long], kind="stable")]
        values = tuple((str(vc.index[i]), int(lengths[i]), int(counts[i])) for i in long)
        return LongValues(str(column), typical, limit, values, int(data.stats[column].count))

    def judge(self, found: list[LongValues], examined: int) -> Outcome:
        """Thresholds and words: the share of each column's rows that are overlong."""
        expected = _expected(self.warn_above, self.fail_above, "share of overlong values per column")
        if not found:
            return Outcome.ok(
                f"no overlong values in {count(examined, 'text column')}",
                observed={"columns": 0},
                expected=expected,
            )
        shares = {f.column: f.rows / max(f.column_rows, 1) for f in found}
        status = _grade_worst(list(shares.values()), self.warn_above, self.fail_above)
        found = sorted(found, key=lambda f: -shares[f.column])
        parts = [
            f"{f.column}: {count(f.rows, 'value')} of up to {f.values[0][1]:,} characters where 95% are at "
            f"most {f.typical:,} (e.g. {_show(f.values[0][0], f.column, 'text')})"
            for f in found[:4]
        ]
        msg = f"overlong values in {count(len(found), 'text column')} — " + "; ".join(parts)
        if len(found) > 4:
            msg += f"; and {len(found) - 4} more columns"
        rows = [
            (f.column, f.typical, f.limit, length, k, _show(v, f.column, "text"))
            for f in found
            for v, length, k in f.values
        ]
        return Outcome.make(
            status,
            msg,
            observed={
                f.column: {"rows": f.rows, "max_length": f.values[0][1], "typical": f.typical} for f in found
            },
            expected=expected,
            columns=[f.column for f in found],
            evidence=Table.of(
                ("column", "typical length (p95)", "limit", "length", "rows", "value"),
                rows,
                title="Overlong text values",
            ),
        )
