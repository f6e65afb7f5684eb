"""Consistency: numbers written with units, percent signs, currencies or thousands separators in a text
column ('12.0 oz', '12 OZ.', '0.05%', '1,200 EUR'): a column of numbers that is read as text."""

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
from dataaudit.checks.consistency.text_values import JUNK_WORDS
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Status, Table, count
from dataaudit.privacy import mask_example

__all__ = ["UnitsInNumbers"]

_CURRENCY = r"[$€£¥₹]|(?:USD|EUR|GBP|CHF|JPY|CAD|AUD)\s?"
_NUMBER = r"(?:[-+]?(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)(?:[eE][-+]?\d+)?"
#: a unit or suffix starts with a letter, a percent/per-mille/degree sign or a currency symbol, and holds
#: no digit ('1981 Q1' is a quarter, '5 feet 8 inches' two numbers)
_SUFFIX = r"[A-Za-zµ°%‰$€£¥₹](?:[^\W\d]|[./%°µ²³'’ -]){0,30}?"
#: units a number is commonly written with; another word counts only as the one suffix of most values
_UNITS = (
    "oz ounce ounces fl lb lbs pound pounds kg g mg µg ug t ton tons tonnes ml l cl dl litre liter "
    "litres liters gal gallon gallons pt pint pints m cm mm km µm in inch inches ft feet foot yd yard "
    "yards mi mile miles mph kmh km/h kph s sec secs second seconds min mins minute minutes h hr hrs "
    "hour hours d day days wk week weeks mo month months y yr yrs year years % ‰ pct percent ° °c °f "
    "k kb mb gb tb kw w kwh v mah hz khz mhz ghz px dpi cal kcal bpm mmhg cwt "
    "usd eur gbp chf jpy cad aud $ € £ ¥ ₹"
)
KNOWN_UNITS = frozenset(_UNITS.split())
#: single letters that are units ('24h', '5m', '12k') rather than a code's letter ('229b')
SINGLE_LETTER_UNITS = ("h", "m", "g", "l", "k", "s", "$", "€", "£", "¥", "₹", "%")
_PATTERN = rf"^\s*(?P<pre>{_CURRENCY})?\s*(?P<num>{_NUMBER})\s*(?P<suf>{_SUFFIX})?\s*$"


@dataclass(frozen=True, slots=True)
class Affix:
    """One way the numbers of a column are written: a unit (normalised), its rows and examples."""

    unit: str
    rows: int
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UnitColumn:
    """A text column whose values are numbers once their units, signs and separators are stripped."""

    column: str
    numeric_rows: int  # rows that are a number, bare or with an affix
    plain_rows: int  # rows that are a bare number
    affixes: tuple[Affix, ...]  # most rows first
    column_rows: int  # rows holding a value that is not a placeholder
    main_units: int = 1  # units on at least 2% of the affixed rows

    @property
    def affixed_rows(self) -> int:
        return sum(a.rows for a in self.affixes)

    @property
    def mixed(self) -> bool:
        """Several ways of writing in one column: bare numbers beside affixed ones, or several affixes."""
        return self.plain_rows > 0.02 * self.column_rows or self.main_units > 1


@dataclass(frozen=True)
class UnitsInNumbers(Check):
    """Numbers written with units, suffixes or formats inside a text column.

    A text column counts when at least `min_numeric_share` of its values are a number once a unit or
    suffix ('12.0 oz', '8.4 ounce', '12 OZ.', '37 patients'), a percent sign ('0.05%'), a currency ('$12',
    '1,200 EUR') or thousands separators ('1,200') are stripped, and at least `min_rows` values, and
    `min_affixed_share` of them, carry such an affix (a few odd values among bare numbers are
    `consistency.mixed_types`' concern). A suffix is a known unit ('oz', 'kg', 'hours', '%', a currency) or
    the one word that most affixed values carry; ordinals ('3rd'), times ('6am') and code letters ('229b')
    are not units, and at most `max_units` different units may appear. Units are compared case-folded and
    without trailing dots ('OZ.' is 'oz'). Dates and times never match (they have separators inside the
    number). A column of at most `category_levels` distinct values all written with the same unit ('0.0cwt',
    '0.2cwt', '0.4cwt') reads as an ordered category and is left alone. The message names the pattern ("96%
    of values are numbers followed by 'oz'"), with each spelling of the unit and its count, and says the
    column becomes numeric once stripped. Placeholders ('empty', 'N/A') are left out of the shares.

    Why it matters: a column of numbers read as text is useless to a model as a number: it becomes a
    category per distinct value (25 'ounces' categories instead of one numeric feature), or is dropped;
    mixed units ('oz' beside 'ounce', '%' beside a bare fraction) hide different scales in one column. A
    column written consistently with one unit warns; a column that mixes ways of writing (bare numbers
    beside affixed ones, or several spellings of the unit) fails when more than `fail_above` of its values
    carry an affix, since values then need converting, not just stripping.

    How to fix: strip the unit when loading (e.g. `pd.to_numeric(s.str.replace(r"[^\\d.\\-]", "",
    regex=True))`), converting values written in other units or scales first ('0.05%' → 0.0005 when bare
    values are fractions), put the unit in the column name ('ounces_oz'), and export numbers without units.
    """

    id: ClassVar[str] = "consistency.units_in_numbers"
    title: ClassVar[str] = "Units inside numbers"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.2
    min_numeric_share: float = 0.9
    min_rows: int = 3
    min_affixed_share: float = 0.1
    category_levels: int = 10
    max_units: int = 6

    def run(self, data: Dataset) -> Outcome:
        cols = text_columns(data)
        found = [f for c in cols if (f := self.measure(data, c)) is not None]
        return self.judge(found, len(cols))

    def measure(self, data: Dataset, column: str) -> UnitColumn | None:
        """How the numbers of one column are written (None when it is not numbers with affixes)."""
        if data.stats[column].kind in ("datetime", "boolean"):
            return None
        vc, arr, _ = distinct_text(data, column)
        if vc.empty:
            return None
        # a cheap look at the most frequent values first: most text columns are not numbers at all
        head = pd.Series(vc.index[:200], dtype=object).str.match(_PATTERN).to_numpy(dtype=bool)
        if float(vc.to_numpy()[:200][head].sum()) < 0.5 * vc.to_numpy()[:200].sum():
            return None
        # placeholders ('empty', 'N/A') are other checks' concern: shares are of the values that are data
        vc = vc[~placeholder_mask(arr, (*PLACEHOLDERS, *JUNK_WORDS))]
        total = int(vc.sum())
        if total == 0:
            return None
        keys = pd.Series(vc.index, dtype=object)
        counts = vc.to_numpy()
        parts = keys.str.extract(_PATTERN)
        numeric = parts["num"].notna().to_numpy()
        pre = parts["pre"].fillna("").str.strip()
        suf = parts["suf"].fillna("").str.strip()
        grouped = parts["num"].fillna("").str.contains(r"\d[,\u00a0\u202f ]\d{3}", regex=True).to_numpy()
        unit = (pre + " " + suf).str.strip().str.casefold().str.rstrip(". ")
        # the first word of a long suffix is the unit ('oz. Alumi-Tek' is 'oz')
        unit = unit.str.replace(r"^(\S+?)\.?\s.*$", r"\1", regex=True)
        # ordinals ('1st', '3rd'), times ('6am'), and single letters other than common units ('229b', '12A')
        # are not numbers with a unit
        not_unit = unit.str.fullmatch(r"st|nd|rd|th|am|pm|a\.m|p\.m|[a-z]", case=False) & ~unit.isin(
            SINGLE_LETTER_UNITS
        )
        numeric &= ~not_unit.to_numpy()
        # a word that is not a known unit counts only as the suffix of most affixed values ('37 patients');
        # otherwise ('8 pregnant' beside '1 virgin', '1Story' beside '1.5Fin') the values are labels
        has_unit = numeric & (unit != "").to_numpy()
        if has_unit.any():
            rows_by_unit = pd.Series(counts[has_unit]).groupby(unit[has_unit].to_numpy()).sum()
            dominant = str(rows_by_unit.idxmax())
            accepted = set(KNOWN_UNITS)
            if rows_by_unit[dominant] >= 0.8 * rows_by_unit.sum():
                accepted.add(dominant)
            numeric &= ~(has_unit & ~unit.isin(accepted).to_numpy())
        if counts[numeric].sum() < self.min_numeric_share * total:
            return None
        affixed = numeric & ((unit != "").to_numpy() | grouped)
        if counts[affixed].sum() < max(self.min_rows, self.min_affixed_share * total):
            return None
        unit = unit.where(unit != "", "thousands separator")
        table = pd.DataFrame(
            {"unit": unit[affixed].to_numpy(), "rows": counts[affixed], "value": keys[affixed].to_numpy()}
        )
        by_unit = table.groupby("unit", sort=False)["rows"].sum().sort_values(ascending=False, kind="stable")
        # units on fewer than 2% of the affixed rows are stray (a typo in the unit, 'paxienxs'): listed,
        # but they neither make the column "mixed" nor count towards max_units
        main = by_unit[by_unit >= 0.02 * by_unit.sum()]
        if len(main) > self.max_units:
            return None
        affixes = tuple(
            Affix(str(u), int(k), tuple(table.loc[table["unit"] == u, "value"].astype(str).iloc[:3]))
            for u, k in by_unit.items()
        )
        plain = numeric & ~affixed
        if (
            len(main) <= 1
            and counts[plain].sum() <= 0.02 * total
            and int(affixed.sum()) <= self.category_levels
        ):
            return None  # a few levels written one way ('0.2cwt', '0.4cwt'): an ordered category, not a fault
        return UnitColumn(
            str(column), int(counts[numeric].sum()), int(counts[plain].sum()), affixes, total, len(main)
        )

    def judge(self, found: list[UnitColumn], examined: int) -> Outcome:
        """A column written with one unit throughout warns; a mixed one fails above `fail_above`."""
        expected = (
            "numbers without units; "
            + _expected(self.warn_above, self.fail_above, "affixed share")
            + " when the column mixes ways of writing"
        )
        if not found:
            return Outcome.ok(
                f"no numbers with units in {count(examined, 'text column')}",
                observed={"columns": 0},
                expected=expected,
            )
        statuses = {}
        for f in found:
            share = f.affixed_rows / max(f.column_rows, 1)
            statuses[f.column] = (
                _grade_worst([share], self.warn_above, self.fail_above)
                if f.mixed
                else _grade_worst([share], self.warn_above, None)
            )
        status = max(statuses.values(), key=[Status.PASS, Status.WARN, Status.FAIL].index)
        found = sorted(found, key=lambda f: -f.affixed_rows / max(f.column_rows, 1))
        parts = []
        for f in found[:4]:
            top = f.affixes[0]
            what = _what(top.unit)
            spellings = ", ".join(
                f"{_show(a.examples[0], f.column)} ({a.unit}) ×{a.rows:,}" for a in f.affixes[:3]
            )
            more = ""
            if f.plain_rows:
                more = f", {_pct(f.plain_rows / f.column_rows)} bare numbers"
            parts.append(
                f"{f.column}: {_pct(top.rows / f.column_rows)} of values are numbers {what}{more} "
                f"[{spellings}]; {_pct(f.numeric_rows / f.column_rows)} become numeric once stripped"
            )
        msg = f"numbers written with units in {count(len(found), 'text column')} — " + "; ".join(parts)
        if len(found) > 4:
            msg += f"; and {len(found) - 4} more columns"
        rows = [
            (
                f.column,
                a.unit,
                a.rows,
                round(a.rows / max(f.column_rows, 1), 4),
                ", ".join(_show(e, f.column) for e in a.examples),
            )
            for f in found
            for a in f.affixes
        ]
        return Outcome.make(
            status,
            msg,
            observed={
                f.column: {
                    "affixed_rows": f.affixed_rows,
                    "plain_rows": f.plain_rows,
                    "numeric_share": round(f.numeric_rows / max(f.column_rows, 1), 4),
                    "units": [a.unit for a in f.affixes],
                }
                for f in found
            },
            expected=expected,
            columns=[f.column for f in found],
            evidence=Table.of(
                ("column", "unit", "rows", "share", "examples"), rows, title="Numbers with units"
            ),
        )


def _what(unit: str) -> str:
    if unit == "thousands separator":
        return "with thousands separators"
    if unit in ("%", "‰"):
        return f"followed by '{unit}'"
    if np.any([unit.startswith(c) for c in "$€£¥₹"]) or unit[:3].upper() in (
        "USD",
        "EUR",
        "GBP",
        "CHF",
        "JPY",
    ):
        return f"with the currency '{unit}'"
    return f"followed by '{unit}'"


def _show(value: str, column: str) -> str:
    return repr(mask_example(value, column=column, kind="categorical"))
