"""Consistency: category values, spellings of the same category ('Self-employed', 'SELF-EMPLOYED', 'M' beside
'Male') and categories with too few rows to generalise from."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from dataaudit.checks.consistency._common import (
    FREE_TEXT_LENGTH,
    PLACEHOLDERS,
    _expected,
    _grade_worst,
    _is_text,
    _pct,
    _placeholder_mask,
)
from dataaudit.checks.consistency.typos import long_tail
from dataaudit.dataset import Dataset
from dataaudit.formatting import Finding, overall, worst_first
from dataaudit.model import Area, Check, Outcome, Table, count, grade
from dataaudit.privacy import mask_example
from dataaudit.roles import tokens

__all__ = ["CategoryVariants", "RareCategories"]


#: a longer value is prose, not a category spelling (and a 40 MB cell is not walked char by char)
MAX_CATEGORY_LENGTH = 200


def _variant_key(value: str) -> str:
    text = str(value)
    if len(text) > MAX_CATEGORY_LENGTH:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "", text.casefold())


def _initials(value: str) -> str:
    words = [w for w in re.split(r"[\W_]+", str(value).casefold()) if w]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


_ROMAN = re.compile(r"^(?=[mdclxvi])m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


def _ordinal_codes(short: str, target: str) -> bool:
    """Two levels of a code, not a word and its abbreviation: roman numerals ('I' beside 'III', 'V' beside
    'VII') or a code written with the short value's letters only ('A' beside 'AAA', 'B' beside 'BBB')."""
    return set(target) <= set(short) or bool(_ROMAN.match(short) and _ROMAN.match(target))


@dataclass(frozen=True)
class CategoryVariants(Check):
    """Category values that are spellings of the same thing.

    In columns with at most `max_distinct` values, values that differ only by case, whitespace, punctuation
    or accents ('Self-employed', 'SELF-EMPLOYED', 'self employed ') form a group. In columns with at most
    `abbreviation_max_distinct` values, a short value (1–3 letters) that is the prefix or the initials of
    exactly one more frequent value ('M' next to 'Male', 'NB' next to 'Non-binary') joins that value's group.
    Not abbreviations: a short value that begins another short value (1–3 characters) of the column ('I'
    beside 'II' and 'III', 'A' beside 'AA' and 'AAA': a set of codes), and ordinal codes ('I' beside 'III',
    'A' beside 'AAA'). Each group is reported with the count of every spelling; the most frequent spelling is
    taken as the canonical one. Left out are columns of mostly one-off values (rows in values seen once
    outnumber the rest, as `consistency.typos` decides a long tail): person names or free text, where
    'Juana' ×1 and 'Juan A.' ×1 are two people, not two spellings. Placeholders for missing values are
    `consistency.disguised_missing`'s concern.

    Why it matters: a model treats every spelling as its own category, so one real category is split into
    several small ones, each with fewer examples and noisier estimates; group statistics and fairness
    metrics are split too. Any variant warns; more than 1% of rows in non-canonical spellings fails, as
    that is enough to shift per-category rates.

    How to fix: normalise the values (trim, case-fold, map abbreviations) in the pipeline, and validate
    against an allowed list at the source (see `consistency.value_ranges`' `allowed`).
    """

    id: ClassVar[str] = "consistency.category_variants"
    title: ClassVar[str] = "Category spelling variants"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.01
    max_distinct: int = 100
    abbreviation_max_distinct: int = 20

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        findings: list[_Variants] = []
        examined = 0
        one_off = []  # columns of mostly one-off values: names or free text, not categories
        for c in data.columns:
            st = data.stats[c]
            if not _is_text(data.frame[c]) or st.distinct < 2 or st.distinct > self.max_distinct:
                continue
            if st.kind not in ("categorical", "boolean", "text"):
                continue
            vc = data.stats.value_counts(c)
            if long_tail(vc.to_numpy(), 2, 0.5):
                one_off.append(c)
                continue
            examined += 1
            keys = [str(v) for v in vc.index]
            counts = [int(k) for k in vc.to_numpy()]
            placeholder = _placeholder_mask(pd.Index(keys, dtype=object), PLACEHOLDERS)
            groups: dict[str, list[tuple[str, int, str]]] = {}
            for value, k, ph in zip(keys, counts, placeholder):
                if ph:
                    continue
                key = _variant_key(value)
                if key:
                    groups.setdefault(key, []).append((value, k, "spelling"))
            if len(groups) <= self.abbreviation_max_distinct:
                self._abbreviations(groups)
            for members in groups.values():
                if len(members) < 2:
                    continue
                members.sort(key=lambda m: -m[1])
                canonical = members[0][0]
                variant_rows = sum(m[1] for m in members[1:])
                findings.append(_Variants(c, canonical, members, variant_rows))
        expected = _expected(self.warn_above, self.fail_above, "share of rows in non-canonical spellings")
        left_out = ""
        if one_off:
            shown = ", ".join(one_off[:5]) + (" …" if len(one_off) > 5 else "")
            left_out = (
                f"; left out {count(len(one_off), 'column')} of mostly one-off values (names, free text): "
                + shown
            )
        if not examined:
            return Outcome.skip(
                f"no text column with 2 to {self.max_distinct} distinct values: no categories to compare"
                + left_out
            )
        if not findings:
            return Outcome.ok(
                f"no spelling variants in {count(examined, 'categorical column')}" + left_out,
                observed={"groups": 0},
                expected=expected,
            )
        per_col: dict[str, int] = {}
        for f in findings:
            per_col[f.column] = per_col.get(f.column, 0) + f.variant_rows
        status = _grade_worst([r / n for r in per_col.values()], self.warn_above, self.fail_above)
        findings.sort(key=lambda f: -f.variant_rows)
        parts = []
        for f in findings[:3]:
            c = f.column
            spellings = ", ".join(f"{_show_cat(v, c)} {k:,}" for v, k, _ in f.members[:5])
            parts.append(
                f"{c}: {count(len(f.members), 'spelling')} of {_show_cat(f.canonical, c)} ({spellings})"
            )
        total_rows = sum(per_col.values())
        msg = (
            f"{count(len(findings), 'category', 'categories')} written several ways in "
            f"{count(len(per_col), 'column')}, "
            f"{total_rows:,} rows ({_pct(total_rows / n)}) in non-canonical spellings: " + "; ".join(parts)
        )
        if len(findings) > 3:
            msg += f"; and {len(findings) - 3} more groups"
        table_rows = [
            (f.column, _show_cat(f.canonical, f.column), _show_cat(v, f.column), k, how if i else "canonical")
            for f in findings
            for i, (v, k, how) in enumerate(f.members)
        ]
        return Outcome.make(
            status,
            msg,
            observed={c: {"variant_rows": r, "share": round(r / n, 4)} for c, r in per_col.items()},
            expected=expected,
            columns=list(per_col),
            evidence=Table.of(
                ("column", "group", "spelling", "rows", "kind"), table_rows, title="Spelling variants"
            ),
        )

    @staticmethod
    def _abbreviations(groups: dict[str, list[tuple[str, int, str]]]) -> None:
        """Move short values that abbreviate exactly one more frequent value into that value's group."""
        totals = {k: sum(m[1] for m in v) for k, v in groups.items()}
        initials = {k: _initials(max(v, key=lambda m: m[1])[0]) for k, v in groups.items()}
        codes = [k for k in groups if 1 <= len(k) <= 3]
        for short in [k for k in codes if k.isalpha()]:
            if short not in groups:
                continue
            # the start of another short value ('I' beside 'II', 'A' beside 'AA'): a set of codes
            if any(k != short and k.startswith(short) for k in codes):
                continue
            targets = [
                k
                for k in groups
                if k != short
                and len(k) >= len(short) + 2
                and (k.startswith(short) or initials[k] == short)
                and totals[k] > totals[short]
            ]
            if len(targets) == 1 and not _ordinal_codes(short, targets[0]):
                groups[targets[0]] += [(v, c, "abbreviation") for v, c, _ in groups.pop(short)]


# ----------------------------------------------------------------------------------------------------------
# consistency.rare_categories


#: words of a column name that say it holds names, addresses or prose rather than categories
_NAME_TOKENS = frozenset(
    {"name", "names", "address", "addr", "street", "title", "email", "url", "phone"}
    | {"description", "desc", "comment", "comments", "note", "notes", "text"}
)
_NUMBER_WITH_UNIT = r"^\s*[-+$€£]?\d[\d,.]*\s*[%A-Za-z. ]{0,12}$"


def _numbers_with_units(keys: pd.Index) -> bool:
    """Most distinct values are numbers, perhaps with a unit ('36%', '516 patients'): a quantity kept as
    text (`consistency.mixed_types`' and the units check's concern), not a category."""
    text = pd.Series(keys[:2000], dtype=object).astype(str)
    return bool(len(text)) and float(text.str.match(_NUMBER_WITH_UNIT).mean()) >= 0.9


def _category_like(st) -> bool:
    """Categorical columns, and short high-cardinality text that still repeats (codes, cities), but not
    free text or values unique to nearly every row (names, ids)."""
    if st.kind == "categorical":
        return True
    return st.kind == "text" and (st.mean_length or 0) <= FREE_TEXT_LENGTH and st.distinct <= 0.5 * st.count


@dataclass(frozen=True)
class RareCategories(Check):
    """Categories with too few rows to generalise from, in the categorical features a model will encode.

    In every categorical feature, and every short-text feature whose values repeat (a product code; not
    free text or near-unique values), a category with fewer than `min_count` rows is rare. Left out, and
    listed, are columns that are not categories a one-hot encoder learns from: those whose categories hold
    fewer than `min_count` rows on average (names, addresses, cities or titles with many one-off values,
    identifiers: see `consistency.id_like_features`), those with more than `name_levels` levels named like
    names or prose (``HospitalName``, ``address``, ``title``), and numbers kept as text ('36%'). The
    target is `size.class_counts`' concern and sensitive attributes are `size.group_counts`'. The check
    grades the share of rows that fall in rare categories, per column. With no categorical feature to look
    at, the check is skipped and says why.

    Why it matters: a model cannot learn a reliable effect for a category seen a handful of times: it
    memorises those rows, and with 5-fold cross-validation a 10-row category has about 2 rows per fold.
    Unseen or rare levels also break encoders at prediction time. The default `min_count` of 10 is the
    smallest count at which a per-category rate means anything; any rare category warns. It does not fail
    by default (`fail_above` unset): rare levels cost a model precision on a few rows, and merging or
    shrinking them is a modelling choice, not a fault in the data.

    How to fix: merge rare categories into an "other" level or a meaningful parent, collect more data for
    them, or use an encoder that shrinks rare levels towards the overall mean (target or count encoding).
    """

    id: ClassVar[str] = "consistency.rare_categories"
    title: ClassVar[str] = "Rare categories"
    area: ClassVar[Area] = Area.CONSISTENCY
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

    min_count: int = 10
    warn_above: float = 0.0
    fail_above: float | None = None
    name_levels: int = 20

    def run(self, data: Dataset) -> Outcome:
        n = data.n_rows
        sensitive = set(data.roles.sensitive)
        findings: list[Finding[_Rare]] = []  # scored by the share of rows in rare categories
        examined = 0
        wide = []  # (column, levels): too many levels for the rows to be categories
        for c in data.features:
            st = data.stats[c]
            if c in sensitive or not _category_like(st):
                continue
            vc = data.stats.value_counts(c)
            if st.count < self.min_count * len(vc):
                wide.append((c, len(vc), f"fewer than {self.min_count} rows per category on average"))
                continue
            if len(vc) > self.name_levels and {t.rstrip("0123456789") for t in tokens(c)} & _NAME_TOKENS:
                wide.append((c, len(vc), "named like names or free text"))
                continue
            if _numbers_with_units(vc.index):
                wide.append((c, len(vc), "numbers, not categories"))
                continue
            examined += 1
            rare = vc[vc < self.min_count]
            if len(rare):
                share = int(rare.sum()) / n
                status = grade(share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
                values = [(str(v), int(k)) for v, k in rare.items()]
                findings.append(Finding(status, c, share, _Rare(values, int(rare.sum()), len(vc))))
        expected = f"categories with < {self.min_count} rows; " + _expected(
            self.warn_above, self.fail_above, "share of rows in them"
        )
        left_out = ""
        if wide:
            shown = ", ".join(f"{c} ({k:,} levels, {why})" for c, k, why in wide[:5])
            shown += " …" if len(wide) > 5 else ""
            left_out = (
                f"; left out {count(len(wide), 'column')} that are not categories to encode (names, free "
                f"text, identifiers or numbers): {shown}"
            )
        if not examined:
            return Outcome.skip(
                "no categorical feature to look at"
                + (
                    left_out.replace("; left out", ": left out")
                    if wide
                    else " (categorical or short repeated text)"
                )
            )
        if not findings:
            return Outcome.ok(
                f"every category of {count(examined, 'categorical feature')} has >= {self.min_count} rows"
                + left_out,
                observed={"rare": 0},
                expected=expected,
            )
        findings = worst_first(findings)
        status = overall(findings)
        parts = []
        for f in findings[:3]:
            c, r = f.column, f.detail
            smallest = ", ".join(
                f"{_show_cat(v, c)} {k}" for v, k in sorted(r.values, key=lambda x: x[1])[:3]
            )
            parts.append(
                f"{c}: {len(r.values)} of {r.levels} categories below {self.min_count} rows "
                f"({r.rows:,} rows, {_pct(r.rows / n)}; {smallest})"
            )
        msg = "; ".join(parts) + (f"; and {len(findings) - 3} more columns" if len(findings) > 3 else "")
        msg += left_out
        table_rows = [
            (f.column, _show_cat(v, f.column), int(k), round(int(k) / n, 5))
            for f in findings
            for v, k in sorted(f.detail.values, key=lambda x: x[1])
        ]
        return Outcome.make(
            status,
            msg,
            observed={
                f.column: {"rare_categories": len(f.detail.values), "rows": f.detail.rows} for f in findings
            },
            expected=expected,
            columns=[f.column for f in findings],
            evidence=Table.of(("column", "category", "rows", "share"), table_rows, title="Rare categories"),
        )


@dataclass(frozen=True)
class _Variants:
    """One category written several ways in ``column``: its most frequent spelling, every spelling with its
    rows and how it was matched, and the rows in the other spellings."""

    column: str
    canonical: str
    members: list[tuple[str, int, str]]
    variant_rows: int


@dataclass(frozen=True)
class _Rare:
    """``consistency.rare_categories``' measurements of one column: its rare categories with their rows, the
    rows in them, and how many categories it has."""

    values: list[tuple[str, int]]
    rows: int
    levels: int


def _show_cat(value: str, column: str) -> str:
    shown = mask_example(value, column=column, kind="categorical")
    return repr(shown)
