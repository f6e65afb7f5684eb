"""Consistency: misspellings of a dominant value ('yxs' beside 'yes', 'birmingxam' beside 'birmingham'),
found by edit distance between the distinct values of a column and their counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import (
    PLACEHOLDERS,
    _expected,
    _grade_worst,
    _is_text,
    _pct,
)
from dataaudit.checks.consistency._text import distinct_text, placeholder_mask
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Table, count
from dataaudit.privacy import mask_example

__all__ = ["Typo", "Typos", "long_tail"]

#: values longer than this are prose, not a spelling of a category
MAX_VALUE_LENGTH = 200
#: intended values this short need SHORT_MIN_VALUES different near-misses in the column to count
SHORT = 3
SHORT_MIN_VALUES = 3


@dataclass(frozen=True, slots=True)
class Typo:
    """One likely misspelling: a rare ``value`` a few edits away from a much more frequent ``intended``."""

    column: str
    intended: str
    intended_rows: int
    value: str
    rows: int
    edits: int
    column_rows: int


@dataclass(frozen=True)
class Typos(Check):
    """Rare values that are a likely misspelling of a much more frequent value in the same column.

    In every text column, a value seen at most `1 / min_ratio` as often as another value (that other value
    seen at least `min_frequent` times) is a likely misspelling of it when the two are a few character
    edits apart (Levenshtein distance at most `max_edit_share` of the length, one edit at least), the rare
    value is nearer to it than to any other frequent value, and no farther from it than the nearest other
    value of comparable frequency is: 'yxs' ×4 beside 'yes' ×700, 'birmingxam' ×1 beside 'birmingham' ×80.
    Each is reported grouped under the value it probably means, with both counts.

    What is left alone, because chance or real vocabulary explains it: two frequent near-neighbours
    ('Austria' and 'Australia', 'Jon' and 'Joan'); a value that holds the other whole plus a prefix or
    suffix ('Unemployed' beside 'Employed'); a different number ('man.4' beside 'man.5'); a whole word
    replaced ('Downtown West' beside 'Downtown East'); the same edit repeated across several values (a
    family of real codes: 'ak_ami-1', 'ak_pn-2' beside 'al_ami-1', 'al_pn-2'); among short codes of at most
    three characters, fewer than three different near-misses (one 'ak' beside 'al' is a real state); and
    columns whose rare values are mostly not near-misses (less than `min_matched_share`: small towns,
    other styles, names) or whose frequent values cover less than `min_frequent_cover` of the rows (free
    text, names). Case, space and punctuation variants ('Yes', 'YES ') are
    `consistency.category_variants`' concern, placeholders `consistency.disguised_missing`'s, and mojibake
    `consistency.encoding_damage`'s. The check works on distinct values and their counts (at most
    `max_frequent` frequent and `max_rare` rare values per column) with RapidFuzz's edit distance.

    Why it matters: a misspelt category becomes a category of its own with a handful of rows: the model
    cannot learn from it, the real category loses those rows, and joins and lookups on the value miss. Any
    likely misspelling warns; more than 5% of a column's rows in misspellings fails.

    How to fix: map each misspelling to the intended value (the evidence lists them grouped under it),
    then validate against an allowed list at the source (`consistency.value_ranges`' `allowed`) or use a
    dropdown instead of free typing.
    """

    id: ClassVar[str] = "consistency.typos"
    title: ClassVar[str] = "Likely misspellings"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.05
    min_ratio: float = 20.0
    min_frequent: int = 10
    max_edit_share: float = 0.25
    min_frequent_cover: float = 0.5
    min_matched_share: float = 0.5
    max_frequent: int = 500
    max_rare: int = 5_000

    def run(self, data: Dataset) -> Outcome:
        found: list[Typo] = []
        examined = 0
        for c in data.columns:
            typos = self.measure(data, c)
            if typos is not None:
                examined += 1
                found.extend(typos)
        return self.judge(found, examined)

    def measure(self, data: Dataset, column: str) -> list[Typo] | None:
        """The likely misspellings in one column (None when the column is not examined)."""
        st = data.stats[column]
        if (
            st.kind not in ("categorical", "text", "numeric")
            or not _is_text(data.frame[column])
            or st.distinct < 2
        ):
            return None
        # codes written as digits ('35957', '10019'): the values that are not numbers are the candidates
        codes = st.kind == "numeric"
        vc, arr, _note = distinct_text(data, column)
        counts = vc.to_numpy()
        if long_tail(counts, self.min_frequent, self.min_frequent_cover):
            return None  # a long tail: free text or names, where rare values are the rule
        import pyarrow.compute as pc

        lengths = pc.utf8_length(arr).to_numpy(zero_copy_only=False)
        keep = ~placeholder_mask(arr, PLACEHOLDERS) & (lengths >= 2) & (lengths <= MAX_VALUE_LENGTH)
        vc = vc[keep]
        if vc.empty:
            return None
        counts = vc.to_numpy()
        frequent = counts >= self.min_frequent
        if not frequent.any():
            return None
        freq = vc[frequent].iloc[: self.max_frequent]
        # a rare value is at most 1/min_ratio of the most frequent value it could be a misspelling of
        rare = vc[counts * self.min_ratio <= int(freq.iloc[0])]
        if codes:
            rare = rare[pd.to_numeric(pd.Series(rare.index, dtype=object), errors="coerce").isna().to_numpy()]
        rare = rare.iloc[: self.max_rare]
        if rare.empty:
            return []
        typos = _match(
            column,
            rare,
            freq,
            total=int(st.count),
            min_ratio=self.min_ratio,
            max_edit_share=self.max_edit_share,
        )
        # the same edit at the same place in several values ('ak_ami-1', 'ak_pn-2' beside 'al_ami-1',
        # 'al_pn-2') is a family of real codes, not typing errors: those values are set aside
        typos, family = _drop_systematic(typos)
        # a rare tail that is mostly real values (other states' codes, small towns, other styles) makes a
        # near neighbour what chance gives: only a tail of mostly near-misses is evidence of typing errors
        if not typos or len(typos) < self.min_matched_share * (len(rare) - family):
            return []
        return typos

    def judge(self, found: list[Typo], examined: int) -> Outcome:
        """Thresholds and words: the share of each column's rows that are likely misspellings."""
        expected = _expected(self.warn_above, self.fail_above, "share of a column's rows in misspellings")
        if not found:
            return Outcome.ok(
                f"no likely misspellings in {count(examined, 'text column')}",
                observed={"columns": 0},
                expected=expected,
            )
        per_col: dict[str, list[Typo]] = {}
        for t in found:
            per_col.setdefault(t.column, []).append(t)
        shares = {c: sum(t.rows for t in ts) / max(ts[0].column_rows, 1) for c, ts in per_col.items()}
        status = _grade_worst(list(shares.values()), self.warn_above, self.fail_above)
        ranked = sorted(per_col, key=lambda c: -shares[c])
        parts = []
        for c in ranked[:4]:
            groups = _grouped(per_col[c])
            words = []
            for (intended, k), ts in groups[:2]:
                spellings = ", ".join(f"{_show(t.value, c)} ×{t.rows:,}" for t in ts[:3])
                more = f" and {len(ts) - 3} more" if len(ts) > 3 else ""
                words.append(
                    f"{count(len(ts), 'misspelling')} of {_show(intended, c)} ×{k:,}: {spellings}{more}"
                )
            if len(groups) > 2:
                words.append(f"{len(groups) - 2} more values misspelt")
            rows = sum(t.rows for t in per_col[c])
            parts.append(f"{c} {rows:,} rows ({_pct(shares[c])}): " + "; ".join(words))
        total_values = len(found)
        msg = (
            f"{count(total_values, 'likely misspelling')} in {count(len(per_col), 'column')}, each a rare "
            f"value a few edits from a value ≥{self.min_ratio:g}× as frequent — " + " | ".join(parts)
        )
        if len(ranked) > 4:
            msg += f" | and {len(ranked) - 4} more columns"
        evidence = [
            (c, _show(t.intended, c), t.intended_rows, _show(t.value, c), t.rows, t.edits)
            for c in ranked
            for (_i, _k), ts in _grouped(per_col[c])
            for t in ts
        ]
        return Outcome.make(
            status,
            msg,
            observed={
                c: {
                    "values": len(per_col[c]),
                    "rows": sum(t.rows for t in per_col[c]),
                    "share": round(shares[c], 4),
                }
                for c in ranked
            },
            expected=expected,
            columns=ranked,
            evidence=Table.of(
                ("column", "intended value", "its rows", "likely misspelling", "rows", "edits"),
                evidence,
                title="Likely misspellings, grouped under the value they probably mean",
            ),
        )


def long_tail(counts: np.ndarray, min_frequent: int, cover: float) -> bool:
    """Whether a column's values are a long tail (names, free text: rare values are the rule): the values
    seen at least ``min_frequent`` times hold less than ``cover`` of the rows. ``counts`` are the counts of
    the distinct values."""
    counts = np.asarray(counts)
    return bool(counts[counts >= min_frequent].sum() < cover * counts.sum())


def _match(
    column: str,
    rare: pd.Series,
    freq: pd.Series,
    *,
    total: int,
    min_ratio: float,
    max_edit_share: float,
) -> list[Typo]:
    """Pair each rare value with the frequent value it is nearest to, when it is a plausible misspelling."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import cdist

    fkeys = [str(v).casefold() for v in freq.index]
    rkeys = [str(v).casefold() for v in rare.index]
    flen = np.fromiter((len(k) for k in fkeys), dtype=np.int64, count=len(fkeys))
    allowed = np.maximum(1, np.floor(max_edit_share * flen)).astype(np.int64)
    cutoff = int(allowed.max())
    rcounts = rare.to_numpy()
    fcounts = freq.to_numpy()
    # how far each frequent value is from its nearest other value of comparable frequency (within
    # min_ratio): a misspelling must be no farther from it than that ('Austria' beside 'Australia')
    ff = cdist(fkeys, fkeys, scorer=Levenshtein.distance, score_cutoff=cutoff, dtype=np.int32)
    comparable = fcounts[None, :] * min_ratio > fcounts[:, None]
    ff = np.where(comparable, ff, cutoff + 1)
    np.fill_diagonal(ff, cutoff + 1)
    nearest_frequent = ff.min(axis=1)
    d = cdist(rkeys, fkeys, scorer=Levenshtein.distance, score_cutoff=cutoff, dtype=np.int32)
    # a rare value that is frequent too ('yxs' ×11 beside 'yes' ×830) is not compared with itself
    self_pos = pd.Index(freq.index).get_indexer(rare.index)
    has_self = np.flatnonzero(self_pos >= 0)
    d[has_self, self_pos[has_self]] = cutoff + 1
    ok = (
        (d <= allowed[None, :])
        & (d <= nearest_frequent[None, :])
        & (d > 0)  # identical once case-folded: a case variant, category_variants' concern
        & (fcounts[None, :] >= min_ratio * rcounts[:, None])
    )
    # the nearest value must be one: equally near two frequent values ('TN' between 'TX' and 'IN') is
    # what a real code in a dense vocabulary looks like
    near = np.where(d <= cutoff, d, cutoff + 1)
    best_d = near.min(axis=1)
    unique_best = (near == best_d[:, None]).sum(axis=1) == 1
    ok &= (near == best_d[:, None]) & unique_best[:, None]
    out = []
    for i, j in zip(*np.nonzero(ok)):  # the matched distinct values only (a handful), not rows of the data
        if _same_spelling(rkeys[i], fkeys[j]) or _mojibake(str(rare.index[i])):
            continue
        # one holding the other whole plus two or more characters is another word, not a slip of the
        # keyboard: 'Unemployed' beside 'Employed', 'Brooklyn Center MN' beside 'Brooklyn Center'
        short_key, long_key = sorted((rkeys[i], fkeys[j]), key=len)
        if len(long_key) - len(short_key) >= 2 and short_key in long_key:
            continue
        if not _word_slips(rkeys[i], fkeys[j]):
            continue
        out.append(
            Typo(
                column=str(column),
                intended=str(freq.index[j]),
                intended_rows=int(fcounts[j]),
                value=str(rare.index[i]),
                rows=int(rcounts[i]),
                edits=int(d[i, j]),
                column_rows=total,
            )
        )
    # among short codes ('al', 'yes') a near neighbour is common by chance (one real 'ak' beside 'al'):
    # one or two near-misses are no evidence there ('ecc' beside 'gcc'), three different ones are a pattern
    short = [t for t in out if len(t.intended) <= SHORT]
    if len(short) < SHORT_MIN_VALUES:
        out = [t for t in out if len(t.intended) > SHORT]
    return out


def _word_slips(a: str, b: str) -> bool:
    """Whether ``a`` differs from ``b`` the way a slip of the keyboard does: not by a different number
    ('man.4' beside 'man.5', 'ward 12' beside 'ward 13'), and, word for word when both have as many words,
    by no more than a third of any one word ('Downtown West' is not a misspelling of 'Downtown East')."""
    import re

    from rapidfuzz.distance import Levenshtein

    if re.sub(r"\d", "0", a) == re.sub(r"\d", "0", b):
        return False
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or len(wa) < 2:
        return True
    return all(x == y or Levenshtein.distance(x, y) <= max(1, int(len(y) / 3 + 0.5)) for x, y in zip(wa, wb))


def _drop_systematic(typos: list[Typo], repeats: int = 3) -> tuple[list[Typo], int]:
    """The misspellings whose edit is not shared by ``repeats`` or more of them, and how many were."""
    from rapidfuzz.distance import Levenshtein

    def signature(t: Typo) -> tuple:
        a, b = t.value.casefold(), t.intended.casefold()
        return tuple(
            (
                op.tag,
                op.src_pos,
                a[op.src_pos : op.src_pos + 1] if op.tag != "insert" else "",
                b[op.dest_pos : op.dest_pos + 1] if op.tag != "delete" else "",
            )
            for op in Levenshtein.editops(a, b)
        )

    sigs = [signature(t) for t in typos]
    seen: dict[tuple, int] = {}
    for sig in sigs:
        seen[sig] = seen.get(sig, 0) + 1
    kept = [t for t, sig in zip(typos, sigs) if seen[sig] < repeats]
    return kept, len(typos) - len(kept)


def _mojibake(value: str) -> bool:
    """Encoding damage ('CafÃ©', 'Caf�'): `consistency.encoding_damage` reports it, not as a typo."""
    if value.isascii():
        return False
    if "\ufffd" in value:
        return True
    from ftfy.badness import is_bad

    return bool(is_bad(value))


def _same_spelling(a: str, b: str) -> bool:
    """Values that differ only by spaces and punctuation: `consistency.category_variants` reports them."""
    import re

    return re.sub(r"[\W_]+", "", a) == re.sub(r"[\W_]+", "", b)


def _grouped(typos: list[Typo]) -> list[tuple[tuple[str, int], list[Typo]]]:
    """Misspellings grouped under their intended value, most misspelt rows first."""
    groups: dict[tuple[str, int], list[Typo]] = {}
    for t in typos:
        groups.setdefault((t.intended, t.intended_rows), []).append(t)
    for ts in groups.values():
        ts.sort(key=lambda t: (-t.rows, t.value))
    return sorted(groups.items(), key=lambda g: (-sum(t.rows for t in g[1]), g[0][0]))


def _show(value: str, column: str) -> str:
    return repr(mask_example(value, column=column, kind="categorical"))
