"""Consistency: text damaged by a wrong character encoding (mojibake): UTF-8 read as Windows-1252 ('CafÃ©',
'donâ€™t'), U+FFFD replacement characters, and combining accents left without a letter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import _expected, _grade_worst, _pct
from dataaudit.checks.consistency._text import distinct_text, text_columns
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Table, count
from dataaudit.privacy import mask_example

__all__ = ["EncodingDamage"]

#: at most this many distinct non-ASCII values per column are judged by ftfy (a loop over distinct values)
MAX_NON_ASCII = 20_000
_REPLACEMENT = "\ufffd"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
#: a combining accent at the start of a value, or after a space or ASCII punctuation: it has no letter
_STRAY_MARK = rf"(?:^|[\s!-/:-@\[-`{{-~])[{_MARKS}]"
_NAMES = {
    "sloppy-windows-1252": "Windows-1252",
    "windows-1252": "Windows-1252",
    "latin-1": "Latin-1",
    "sloppy-windows-1251": "Windows-1251",
    "macroman": "Mac Roman",
    "cp437": "code page 437",
}


@dataclass(frozen=True, slots=True)
class Damage:
    """Damaged values of one column, by kind: (value, rows, repaired value or '')."""

    column: str
    kind: str  # "UTF-8 read as <encoding>", "replacement character", "stray combining mark"
    values: tuple[tuple[str, int, str], ...]
    column_rows: int

    @property
    def rows(self) -> int:
        return sum(k for _, k, _ in self.values)


@dataclass(frozen=True)
class EncodingDamage(Check):
    """Text damaged by a wrong character encoding (mojibake).

    Three kinds, found on each text column's distinct values: UTF-8 text that was decoded as another
    encoding ('CafÃ©' for 'Café', 'donâ€™t' for 'don’t'), recognised and repaired by the `ftfy` library
    (`ftfy.badness.is_bad`, `ftfy.fix_encoding`), which also names the wrong encoding; the U+FFFD
    replacement character '�', left where bytes could not be decoded (the original character is lost); and
    combining accents with no letter to sit on (at the start of a value or after a space or punctuation),
    left when text was cut or normalised badly. Only values with non-ASCII characters are looked at, so
    plain ASCII data costs nothing. The message says how to re-read the file.

    Why it matters: the same word spelt two ways becomes two categories, joins and lookups on names miss,
    text features learn garbage, and the damage usually spreads: a file read in the wrong encoding once is
    read wrong everywhere. Any damaged value warns; more than 5% of a column fails.

    How to fix: read the file with the encoding it was written in (UTF-8 text read as Windows-1252 is
    re-read with `encoding="utf-8"`); when the damage is already in the file (text encoded twice upstream),
    repair it with `ftfy.fix_text` and fix the exporting step; replacement characters cannot be repaired
    from this file: go back to the source and read it with its real encoding (often `cp1252`).
    """

    id: ClassVar[str] = "consistency.encoding_damage"
    title: ClassVar[str] = "Encoding damage (mojibake)"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.05

    def run(self, data: Dataset) -> Outcome:
        cols = text_columns(data)
        found = [d for c in cols for d in self.measure(data, c)]
        return self.judge(found, len(cols), data.source.encoding, data.source.notes)

    def measure(self, data: Dataset, column: str) -> list[Damage]:
        """The damaged values of one column, by kind (distinct non-ASCII values only)."""
        import pyarrow.compute as pc

        vc, arr, _ = distinct_text(data, column)
        if vc.empty:
            return []
        non_ascii = np.flatnonzero(~pc.string_is_ascii(arr).to_numpy(zero_copy_only=False).astype(bool))
        if not non_ascii.size:
            return []
        non_ascii = non_ascii[:MAX_NON_ASCII]
        keys = pd.Series(vc.index[non_ascii], dtype=object)
        counts = vc.to_numpy()[non_ascii]
        total = int(data.stats[column].count)
        # on the arrow copy, where a lone surrogate (bytes kept by 'surrogateescape') is U+FFFD too
        replacement = (
            pc.match_substring(arr.take(non_ascii), _REPLACEMENT).to_numpy(zero_copy_only=False).astype(bool)
        )
        stray = keys.str.contains(_STRAY_MARK, regex=True).to_numpy()
        out = []
        by_kind: dict[str, list[tuple[str, int, str]]] = {}
        for v, k in _mojibake(keys[~replacement], counts[~replacement]):
            by_kind.setdefault(v[0], []).append((v[1], k, v[2]))
        for kind, values in by_kind.items():
            out.append(_damage(column, kind, values, total))
        if replacement.any():
            values = [(str(v), int(k), "") for v, k in zip(keys[replacement], counts[replacement])]
            out.append(_damage(column, "replacement character", values, total))
        if (stray & ~replacement).any():
            m = stray & ~replacement
            values = [(str(v), int(k), "") for v, k in zip(keys[m], counts[m])]
            out.append(_damage(column, "stray combining mark", values, total))
        return out

    def judge(
        self, found: list[Damage], examined: int, encoding: str | None = None, notes: tuple[str, ...] = ()
    ) -> Outcome:
        """Thresholds and words: the share of each column's rows with damaged text, and how to re-read."""
        expected = _expected(self.warn_above, self.fail_above, "share of damaged text per column")
        if not found:
            return Outcome.ok(
                f"no encoding damage in {count(examined, 'text column')}",
                observed={"columns": 0},
                expected=expected,
            )
        per_col: dict[str, list[Damage]] = {}
        for d in found:
            per_col.setdefault(d.column, []).append(d)
        shares = {c: sum(d.rows for d in ds) / max(ds[0].column_rows, 1) for c, ds in per_col.items()}
        status = _grade_worst(list(shares.values()), self.warn_above, self.fail_above)
        ranked = sorted(per_col, key=lambda c: -shares[c])
        parts = []
        for c in ranked[:4]:
            kinds = "; ".join(
                f"{d.kind} "
                + ", ".join(
                    f"{_show(v, c)} ×{k:,}" + (f" → {_show(r, c)}" if r else "") for v, k, r in d.values[:2]
                )
                + (f" and {len(d.values) - 2} more" if len(d.values) > 2 else "")
                for d in per_col[c]
            )
            rows = sum(d.rows for d in per_col[c])
            parts.append(f"{c} {rows:,} rows ({_pct(shares[c])}): {kinds}")
        msg = (
            f"encoding damage in {count(len(per_col), 'text column')} — "
            + " | ".join(parts)
            + ". "
            + _advice({d.kind for d in found}, encoding, notes)
        )
        table_rows = [
            (c, d.kind, _show(v, c), k, _show(r, c) if r else "")
            for c in ranked
            for d in per_col[c]
            for v, k, r in d.values
        ]
        return Outcome.make(
            status,
            msg,
            observed={
                c: {"rows": sum(d.rows for d in per_col[c]), "share": round(shares[c], 4)} for c in ranked
            },
            expected=expected,
            columns=ranked,
            evidence=Table.of(
                ("column", "kind", "value", "rows", "repaired"), table_rows, title="Encoding damage"
            ),
        )


def _mojibake(keys: pd.Series, counts: np.ndarray):
    """(kind, value, repaired) and rows for each value ftfy finds to be mojibake it can repair."""
    import ftfy
    from ftfy.badness import is_bad

    for value, k in zip(keys, counts):  # distinct non-ASCII values only, at most MAX_NON_ASCII
        text = str(value)
        if not is_bad(text):
            continue
        fixed, steps = ftfy.fix_and_explain(
            text,
            unescape_html=False,
            uncurl_quotes=False,
            fix_latin_ligatures=False,
            fix_character_width=False,
            normalization=None,
        )
        # only a re-decoding is mojibake; other repairs (quotes, control characters) are not this check's
        if fixed == text or not any(op == "decode" for op, _ in steps or ()):
            continue
        wrong = next((arg for op, arg in steps or () if op == "encode"), "")
        kind = f"UTF-8 read as {_NAMES.get(wrong, wrong or 'another encoding')}"
        yield (kind, text, fixed), int(k)


def _advice(kinds: set[str], encoding: str | None, notes: tuple[str, ...]) -> str:
    """How to re-read the file, from the kinds of damage and the encoding the file was read with."""
    advice = []
    read_as = next((k.removeprefix("UTF-8 read as ") for k in kinds if k.startswith("UTF-8 read as")), None)
    if read_as:
        if encoding and encoding.lower() not in ("utf-8", "utf-8-sig"):
            advice.append(
                f"the file was read as {encoding}, but its text is UTF-8: re-read it with encoding='utf-8'"
            )
        elif encoding:
            advice.append(
                f"the file itself holds UTF-8 text that was decoded as {read_as} and saved again "
                "upstream: re-reading will not help; repair it with ftfy.fix_text and fix the export"
            )
        else:
            advice.append(
                f"UTF-8 text was decoded as {read_as}: if the frame was read with "
                "encoding='latin-1' or 'cp1252', re-read it with encoding='utf-8'; otherwise repair "
                "it with ftfy.fix_text"
            )
    if "replacement character" in kinds:
        replaced_here = any("U+FFFD" in n for n in notes)
        advice.append(
            (
                "bytes that are not UTF-8 were replaced while reading this file"
                if replaced_here
                else "characters were lost (U+FFFD) before the data reached this file"
            )
            + ": read the original with its real encoding, often encoding='cp1252'"
        )
    if "stray combining mark" in kinds:
        advice.append(
            "accents without a letter: normalise with unicodedata.normalize('NFC', ...) after "
            "fixing the encoding, and check where values were cut"
        )
    return "How to re-read: " + "; ".join(advice) if advice else ""


def _damage(column: str, kind: str, values: list[tuple[str, int, str]], total: int) -> Damage:
    values = sorted(values, key=lambda v: -v[1])
    return Damage(str(column), kind, tuple(values), total)


def _show(value: str, column: str) -> str:
    return repr(mask_example(value, column=column, kind="categorical"))
