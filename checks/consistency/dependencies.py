"""Consistency: rules between columns (zip → city, a code → its description) and the rows that break them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import (
    PLACEHOLDERS,
    _expected,
    _grade_worst,
    _pct,
    _placeholder_mask,
)
from dataaudit.dataset import Dataset
from dataaudit.engine.scope import note_sample
from dataaudit.model import Area, Check, Outcome, Table, count
from dataaudit.privacy import looks_personal, mask_example
from dataaudit.roles import ID_TOKENS, tokens

__all__ = ["DependencyViolations", "Rule"]

#: rows of the seeded subsample on which a pair of columns is first screened, on tables over 4x as large
SCREEN_ROWS = 20_000
#: words in the name of an integer column saying its numbers are codes (a zip, a provider number), not amounts
_CODE_TOKENS = frozenset(
    ["zip", "zipcode", "postcode", "postal", "plz", "code", "codes", "id", "phone", "fips", "provider"]
    + ["key", "sku", "isbn", "ean", "iata", "icao", "naics", "sic", "cpt", "icd"]
)


@dataclass(frozen=True)
class Rule:
    """One dependency found in the data: ``determinant`` → ``dependent``, and the rows that break it.

    ``support`` is the rows in determinant groups of two rows or more (the rows that can agree or not),
    ``agreement`` the share of them holding their group's dominant value, ``chance`` the same share after
    shuffling the dependent column (what chance alone gives). ``rows`` are the row labels breaking the rule,
    ``keys``/``expected``/``found`` the determinant value, the group's dominant value and the value found."""

    determinant: str
    dependent: str
    support: int
    groups: int
    agreement: float
    chance: float
    rows: tuple
    keys: tuple
    expected: tuple
    found: tuple

    @property
    def strength(self) -> float:
        """How well the rule is established: more supporting rows and fewer exceptions rank first."""
        return self.support * self.agreement


@dataclass(frozen=True)
class DependencyViolations(Check):
    """Rows breaking a rule that holds between two columns everywhere else: one column determines another
    (zip → city, city → state, a code → its description) in nearly every row, and a few rows disagree.

    The rules are found in the data, not declared. Candidates are the categorical and code columns (text
    and boolean columns, and integer columns named like a code: zip, id, provider, phone…) with 2 to
    `max_distinct` distinct values whose values repeat (on average at least twice), the target left out;
    placeholder values ('n/a', 'unknown') count as missing. For each ordered pair the rows are grouped by the
    determinant (vectorised counts per value pair, on a seeded sample of `max_rows` rows when the table is
    larger) and, in groups of two rows or more, the dominant dependent value is found. A rule holds when at
    least `min_agreement` (95%) of those rows hold their group's dominant value, at least `min_support`
    rows in `min_groups` (5) groups support it, and it explains the dependent column far better than
    chance: the exceptions are at most `max_chance_ratio` (20%) of what the same grouping gives after a
    seeded shuffle of the dependent column (`few_groups_chance_ratio`, 5%, under `few_groups` (10) groups),
    and that shuffle agrees in at most `max_chance` (90%) of rows
    (this keeps near-constant columns, a few large groups that merely lean one way, and chance patterns of
    small tables out). Numbers written as text (measurements) are not categories and are left out. A
    row breaks the rule when its value differs from its group's dominant value and is rare within the group
    (at most `max_exception_share` of the dominant value's rows, or a single row), and rare in the whole
    column (at most `max_found_rows` rows or `max_found_share` of the dominant value's rows: a value common
    elsewhere, 'no' in an otherwise 'yes' group, is more often a real second case than an error); a group
    whose second value is common is two real cases (a city name in two states), not an error, and so are
    exceptions that share a value of a third column making up most of its rows (the one Alaskan hospital
    breaking measure code → state average). An id-named column (brewery_id) is never a dependent,
    and an exception whose id differs from the one its group usually holds is another entity (a second
    brewery of the same name, in another city), not an error. Rows are reported per
    dependent column, with the rule, the determinant value, the dominant value and the value found, masked
    where the column is personal.

    Why it matters: a rule that holds in 95%+ of rows is how the data works (a zip code has one city, a
    measure code one name); the few rows breaking it are almost always errors: a typo in one copy of a
    repeated description, the wrong city for a zip, a value pasted into the wrong row. They split one
    category into several, and a model learns the typo as a separate case. Any such row warns; more than 1%
    of a column's rows fails.

    How to fix: look at the listed rows; correct the value to the dominant one where it is a typo (or the
    determinant, where that is the wrong one), ideally at the source, and keep repeated attributes in one
    lookup table joined by the code instead of copied into every row.
    """

    id: ClassVar[str] = "consistency.dependency_violations"
    title: ClassVar[str] = "Rules between columns"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.01
    min_agreement: float = 0.95
    min_support: int = 50
    min_groups: int = 5
    few_groups: int = 10
    few_groups_chance_ratio: float = 0.05
    max_chance: float = 0.9
    max_chance_ratio: float = 0.2
    max_exception_share: float = 0.1
    max_found_share: float = 0.05
    max_found_rows: int = 2
    max_distinct: int = 5_000
    max_columns: int = 40
    max_rows: int = 200_000
    seed: int = 0

    def run(self, data: Dataset) -> Outcome:
        rules, examined, pairs = self.measure(data)
        return self.judge(rules, examined, pairs, data.n_rows, data.sample_note(self.max_rows))

    # -- measure ---------------------------------------------------------------------------------------------

    def candidates(self, data: Dataset) -> list[str]:
        """Columns that may take part in a rule: categorical, boolean, text and code-like integer columns
        with 2..max_distinct distinct values that repeat (at most one distinct value per two rows)."""
        target = data.roles.target
        out = []
        for c in data.columns:
            if c == target:
                continue
            st = data.stats[c]
            kind = st.kind
            if kind == "numeric":
                num = data.stats.numeric(c)
                if num is None or not tokens(c) & _CODE_TOKENS:
                    continue
                sample = num.dropna().iloc[:1000].to_numpy(dtype="float64")
                if not np.all(np.mod(sample, 1) == 0):
                    continue
            elif kind not in ("categorical", "text", "boolean"):
                continue
            elif not tokens(c) & _CODE_TOKENS and _numbers_as_text(data, c):
                continue  # measurements written as text ('1.2', '11.24') are not categories
            if 2 <= st.distinct <= self.max_distinct and st.distinct * 2 <= max(st.count, 1):
                out.append((st.count, c))
        # the most filled columns first, when there are too many to pair
        return [c for _, c in sorted(out, key=lambda t: -t[0])[: self.max_columns]]

    def measure(self, data: Dataset) -> tuple[list[Rule], int, int]:
        """The rules that hold and the rows breaking them; (rules, columns examined, pairs examined)."""
        frame = data.frame
        cols = self.candidates(data)
        if data.n_rows > self.max_rows:
            # a seeded sample of rows, taken from the candidate columns only
            pos = np.sort(np.random.default_rng(self.seed).choice(data.n_rows, self.max_rows, replace=False))
            note_sample(self.max_rows)
            frame = pd.DataFrame({c: frame[c].iloc[pos] for c in cols})
        if len(cols) < 2:
            return [], len(cols), 0
        rng = np.random.default_rng(self.seed)
        codes: dict[str, np.ndarray] = {}
        uniques: dict[str, pd.Index] = {}
        shuffled: dict[str, np.ndarray] = {}
        for c in cols:
            cc, un = _codes(frame[c])
            codes[c], uniques[c] = cc, un
            shuffled[c] = cc[rng.permutation(cc.size)]
        labels = frame.index
        screen = None
        if len(frame) > 4 * SCREEN_ROWS:
            screen = rng.choice(len(frame), SCREEN_ROWS, replace=False)
        codes_screen = {c: codes[c][screen] for c in cols} if screen is not None else {}
        # id-named columns with repeated values (brewery_id beside brewery_name): the entity a row is about
        keys = [c for c in cols if tokens(c) & ID_TOKENS]
        rules: list[Rule] = []
        pairs = 0
        for x in cols:
            cx, nx = codes[x], len(uniques[x])
            if nx * 2 > int((cx >= 0).sum()):  # the determinant's values must repeat in this frame
                continue
            cx_screen = codes_screen[x] if screen is not None else None
            for y in cols:
                # an id is no attribute: two breweries of one name have two ids, neither is an error
                if y == x or len(uniques[y]) < 2 or y in keys:
                    continue
                pairs += 1
                if cx_screen is not None:
                    # a cheap look on a seeded subsample first; it overrates agreement (small groups agree
                    # more often), so a pair far below the bar there is below it on the whole sample too
                    quick = _Pairs.count(cx_screen, codes_screen[y], nx, len(uniques[y])).agreement
                    if quick < self.min_agreement - 0.05:
                        continue
                others = [codes[z] for z in cols if z not in (x, y)]
                rule = self._pair(x, y, cx, nx, codes[y], shuffled[y], uniques, labels, others)
                if rule is not None:
                    rule = _same_entity(rule, frame.index, cx, nx, [codes[k] for k in keys if k != x])
                if rule is not None:
                    rules.append(rule)
        return rules, len(cols), pairs

    def _pair(self, x, y, cx, nx, cy, cy_shuffled, uniques, labels, others) -> Rule | None:
        ny = len(uniques[y])
        t = _Pairs.count(cx, cy, nx, ny)
        if t.support < self.min_support or t.groups < self.min_groups:
            return None
        if t.agreement < self.min_agreement or t.agreement == 1:
            return None
        chance = _Pairs.count(cx, cy_shuffled, nx, ny).agreement
        ratio = self.max_chance_ratio if t.groups >= self.few_groups else self.few_groups_chance_ratio
        if chance > self.max_chance or (1 - t.agreement) > ratio * (1 - chance):
            return None
        # an exception: not the dominant value, rare in its group, in a group with a clear dominant value
        dom_count = t.dom_count[t.xk]
        limit = np.maximum(1.0, self.max_exception_share * dom_count)
        bad = (t.yk != t.dom[t.xk]) & (t.cnt <= limit) & (t.cnt < dom_count) & (dom_count >= 2)
        # the value found must be rare in the whole column (a typo, a one-off): a value that is common
        # elsewhere ('no' for an otherwise 'yes' state, a plane that changed carrier) is more often a real
        # second case than an error, and the data alone cannot tell them apart
        y_total = np.bincount(cy[cy >= 0], minlength=ny)
        bad &= y_total[t.yk] <= np.maximum(self.max_found_rows, self.max_found_share * y_total[t.dom[t.xk]])
        if not bad.any():
            return None
        valid = (cx >= 0) & (cy >= 0)
        row_key = np.where(valid, cx * ny + cy, -1)
        where = np.clip(np.searchsorted(t.keys, row_key), 0, len(t.keys) - 1)
        hit = valid & (t.keys[where] == row_key) & bad[where]
        pos = np.flatnonzero(hit)
        pos = pos[~_explained(pos, [codes for codes in others])] if others else pos
        if not pos.size:
            return None
        ux, uy = uniques[x], uniques[y]
        return Rule(
            x,
            y,
            t.support,
            t.groups,
            t.agreement,
            float(chance),
            tuple(labels[pos]),
            tuple(ux[cx[pos]]),
            tuple(uy[t.dom[cx[pos]]]),
            tuple(uy[cy[pos]]),
        )

    # -- judge -----------------------------------------------------------------------------------------------

    def judge(self, rules: list[Rule], examined: int, pairs: int, n_rows: int, note: str = "") -> Outcome:
        expected = _expected(self.warn_above, self.fail_above, "share of a column's rows breaking a rule")
        if not rules:
            what = (
                f"no rule between columns is broken ({count(examined, 'categorical or code column')}, "
                f"{count(pairs, 'ordered pair')} examined{note})"
                if examined >= 2
                else "fewer than 2 categorical or code columns: no rules between columns to look for"
            )
            return Outcome.ok(what, observed={}, expected=expected)
        by_col: dict[str, list[Rule]] = {}
        for r in rules:
            by_col.setdefault(r.dependent, []).append(r)
        per_col = []  # (column, rows breaking any rule, rules by strength)
        for col, rs in by_col.items():
            # the strongest rule first; a determinant that is not personal first, so the example is readable
            rs = sorted(rs, key=lambda r: (looks_personal(r.determinant), -r.strength))
            rows = pd.Index([row for r in rs for row in r.rows]).unique()
            per_col.append((col, len(rows), rs))
        per_col.sort(key=lambda t: -t[1])
        sample_rows = n_rows if not note else None
        shares = [k / (sample_rows or self.max_rows) for _, k, _ in per_col]
        status = _grade_worst(shares, self.warn_above, self.fail_above)
        total = len(pd.Index([row for _, _, rs in per_col for r in rs for row in r.rows]).unique())
        parts = []
        for col, k, rs in per_col[:4]:
            best = rs[0]
            parts.append(
                f"{col}: {count(k, 'row')} break "
                + (f"{count(len(rs), 'rule')}, e.g. " if len(rs) > 1 else "")
                + f"{best.determinant} → {col} (holds in {_held(best.agreement)} of {best.support:,} rows, "
                f"{_pct(best.chance)} by chance): row {best.rows[0]} has {col} {_show(best.found[0], col)} "
                f"where the other rows of {best.determinant} {_show(best.keys[0], best.determinant)} have "
                f"{_show(best.expected[0], col)}"
            )
        more = f"; {len(per_col) - 4} more columns" if len(per_col) > 4 else ""
        message = (
            f"{count(total, 'row')} break a rule between columns in {count(len(per_col), 'column')}{note}: "
            + " | ".join(parts)
            + more
        )
        rows_table = Table.of(
            ("column", "rule", "row", "determinant value", "dominant value", "found"),
            [
                (
                    col,
                    f"{r.determinant} → {col}",
                    row,
                    _show(key, r.determinant),
                    _show(exp, col),
                    _show(found, col),
                )
                for col, _, rs in per_col
                for r in rs[:1]
                for row, key, exp, found in zip(r.rows, r.keys, r.expected, r.found)
            ],
            title="Rows breaking a rule (strongest rule per column)",
        )
        rules_table = Table.of(
            ("rule", "holds in", "supporting rows", "groups", "chance", "rows breaking it"),
            [
                (
                    f"{r.determinant} → {col}",
                    _held(r.agreement),
                    r.support,
                    r.groups,
                    _pct(r.chance),
                    len(r.rows),
                )
                for col, _, rs in per_col
                for r in rs
            ],
            title="Rules found",
        )
        return Outcome.make(
            status,
            message,
            observed={
                col: {
                    "rows": k,
                    "rules": [f"{r.determinant} -> {col}" for r in rs],
                }
                for col, k, rs in per_col
            },
            expected=expected,
            columns=[c for c, _, _ in per_col],
            evidence=[rows_table, rules_table],
        )


def _held(share: float) -> str:
    """A rule's agreement, rounded down: a rule broken by 1 row in 1,000 holds in 99.9%, never '100%'."""
    return f"{np.floor(share * 1000) / 10:.1f}%"


def _show(value, column: str) -> str:
    return repr(mask_example(value, column=column, kind="categorical"))


def _same_entity(
    rule: Rule, labels: pd.Index, cx: np.ndarray, nx: int, keys: list[np.ndarray]
) -> Rule | None:
    """The rule's exceptions left after dropping rows about another entity: their value in an id-named
    column differs from the one most rows of their determinant group hold (a second brewery of the same
    name, in another city, is a homonym, not a wrong city)."""
    if not keys:
        return rule
    where = labels.get_indexer(pd.Index(rule.rows))
    keep = np.ones(where.size, dtype=bool)
    for ck in keys:
        t = _Pairs.count(cx, ck, nx, int(ck.max()) + 1)
        own = ck[where]
        keep &= (own < 0) | (own == t.dom[cx[where]])
    if keep.all():
        return rule
    if not keep.any():
        return None
    pick = np.flatnonzero(keep)
    return dataclasses.replace(
        rule,
        rows=tuple(rule.rows[i] for i in pick),
        keys=tuple(rule.keys[i] for i in pick),
        expected=tuple(rule.expected[i] for i in pick),
        found=tuple(rule.found[i] for i in pick),
    )


def _numbers_as_text(data: Dataset, column: str) -> bool:
    """Whether most of a text column's most frequent distinct values are numbers."""
    keys = pd.Series(data.stats.value_counts(column).index[:200], dtype=object).astype(str)
    return bool(len(keys)) and pd.to_numeric(keys.str.strip(), errors="coerce").notna().mean() >= 0.8


def _explained(pos: np.ndarray, others: list[np.ndarray], min_rows: int = 3) -> np.ndarray:
    """Which exception rows a third column explains: they share a value of it (≥ ``min_rows`` of them) of
    which they are at least half the rows. Stateavg 'ak_hf-1' breaking measure_code → Stateavg in the rows of
    the one Alaskan hospital is a rule on two columns (state and measure code), not an error; scattered
    typos share no such value."""
    out = np.zeros(pos.size, dtype=bool)
    if pos.size < min_rows:
        return out
    for cz in others:
        z = cz[pos]
        ok = z >= 0
        if not ok.any():
            continue
        n_z = int(cz.max()) + 1
        among = np.bincount(z[ok], minlength=n_z)
        total = np.bincount(cz[cz >= 0], minlength=n_z)
        mostly = (among >= min_rows) & (among * 2 >= total)
        out[ok] |= mostly[z[ok]]
    return out


def _codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a column (-1 for missing values and placeholder text) and its distinct values."""
    try:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
    except TypeError:
        codes, uniques = pd.factorize(s.astype(str), use_na_sentinel=True)
    uniques = pd.Index(uniques)
    if uniques.dtype == object and len(uniques):
        placeholder = _placeholder_mask(uniques, PLACEHOLDERS + ("empty", "#nan", "<nan>"))
        if placeholder.any():
            codes = np.where(placeholder[np.maximum(codes, 0)] & (codes >= 0), -1, codes)
    return codes.astype(np.int64), uniques


@dataclass(frozen=True)
class _Pairs:
    """Counts per (determinant, dependent) value pair, sparse: ``keys`` (sorted x * ny + y), ``xk``, ``yk``,
    ``cnt``; per determinant value its dominant dependent value ``dom`` and that value's rows ``dom_count``;
    ``support``/``groups``: rows and groups in determinant groups of 2+ rows; ``agreement``: the share of
    those rows holding their group's dominant value."""

    keys: np.ndarray
    xk: np.ndarray
    yk: np.ndarray
    cnt: np.ndarray
    dom: np.ndarray
    dom_count: np.ndarray
    support: int
    groups: int
    agreement: float

    @classmethod
    def count(cls, cx: np.ndarray, cy: np.ndarray, nx: int, ny: int) -> _Pairs:
        valid = (cx >= 0) & (cy >= 0)
        key = cx[valid] * ny + cy[valid]
        if nx * ny <= max(4 * key.size, 65_536):  # dense counting beats sorting unless the table is sparse
            full = np.bincount(key, minlength=nx * ny)
            keys = np.flatnonzero(full)
            cnt = full[keys]
        else:
            keys, cnt = np.unique(key, return_counts=True)
        xk, yk = keys // ny, keys % ny
        size = np.bincount(xk, weights=cnt, minlength=nx)
        order = np.lexsort((-cnt, xk))  # per determinant value, its most frequent dependent value first
        first = order[np.r_[True, xk[order][1:] != xk[order][:-1]]] if order.size else order
        dom = np.full(nx, -1, dtype=np.int64)
        dom_count = np.zeros(nx, dtype=np.int64)
        dom[xk[first]] = yk[first]
        dom_count[xk[first]] = cnt[first]
        multi = size >= 2
        support = int(size[multi].sum())
        agreement = float(dom_count[multi].sum() / support) if support else 0.0
        return cls(keys, xk, yk, cnt, dom, dom_count, support, int(multi.sum()), agreement)
