"""Consistency: feature columns that carry little or the wrong information: constant, near-constant and
copied columns, columns mixing numbers or dates with text, and identifiers left among the features."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import (
    _DATE_LIKE_PD,
    _expected,
    _is_text,
    _pct,
    _probe_keys,
    _quote,
    _text_counts,
)
from dataaudit.checks.consistency.missing import DISGUISED_PLACEHOLDERS, DisguisedMissing, disguised_mask
from dataaudit.dataset import Dataset
from dataaudit.formatting import Finding, overall, worst_first
from dataaudit.model import Area, Check, Outcome, Table, count, grade
from dataaudit.privacy import mask_example
from dataaudit.roles import ID_TOKENS, NEAR_UNIQUE, TIME_TOKENS, tokens

__all__ = ["ConstantColumns", "IdLikeFeatures", "MixedTypes"]


@dataclass(frozen=True)
class ConstantColumns(Check):
    """Feature columns that carry (almost) no information: constant, near-constant, or exact copies.

    A constant column has one value in every non-missing row; a near-constant one has a single value in
    at least `near_constant_share` (99%) of its non-missing rows; a copy is identical, row for row, to
    another column (the target is left to `consistency.target_leakage`). Empty columns are
    `consistency.missing_values`'s concern and skipped here.

    Why it matters: a constant column teaches a model nothing and can break scaling (zero variance);
    with a 99%-dominant value, fewer than 1 row in 100 carries the signal, too few for most models to
    learn from and a split may leave none of them in a fold. A copied column doubles a feature's weight
    in distance-based and regularised models and hides a data-pipeline mistake. Each such column warns;
    the default never fails (`fail_above` unset), because they cost model quality, not correctness.

    How to fix: drop constant and copied columns; check that a near-constant column is meant to be so (a
    rare flag is fine, a default value filled in by a form is not) and encode rare flags explicitly.
    """

    id: ClassVar[str] = "consistency.constant_columns"
    title: ClassVar[str] = "Constant and copied columns"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: int = 0
    fail_above: int | None = None
    near_constant_share: float = 0.99

    def run(self, data: Dataset) -> Outcome:
        feats = data.features
        if not any(data.stats[c].count for c in feats):
            return Outcome.skip("no feature column with values to look at")
        findings = []  # (column, what, detail)
        for c in feats:
            st = data.stats[c]
            if st.count == 0:
                continue
            value, top = st.top[0]
            shown = mask_example(value, column=c, kind=st.kind)
            if st.distinct == 1:
                extra = f", {count(st.missing, 'row')} missing" if st.missing else ""
                findings.append((c, "constant", f"always {shown!r} ({st.count:,} rows{extra})"))
            elif top / st.count >= self.near_constant_share:
                findings.append(
                    (
                        c,
                        "near-constant",
                        f"{shown!r} in {_pct(top / st.count)} of {st.count:,} non-missing rows",
                    )
                )
        copies = self._copies(data)
        findings += [(b, "copy", f"identical to {a}") for a, b in copies]
        n_flagged = len({f[0] for f in findings})
        status = grade(n_flagged, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        expected = f"at most {self.warn_above} such columns"
        if not findings:
            return Outcome.ok(
                f"no constant, near-constant (>= {_pct(self.near_constant_share)} one value) or copied "
                f"columns among {count(len(feats), 'feature')}",
                observed=0,
                expected=expected,
            )
        kinds: dict[str, int] = {}
        for _, what, _ in findings:
            kinds[what] = kinds.get(what, 0) + 1
        summary = ", ".join(f"{k} {w}" for w, k in kinds.items())
        detail = "; ".join(f"{c} {d}" for c, _, d in findings[:3])
        more = f"; and {len(findings) - 3} more" if len(findings) > 3 else ""
        return Outcome.make(
            status,
            f"{count(n_flagged, 'column')} with little or no information ({summary}): {detail}{more}",
            observed=n_flagged,
            expected=expected,
            columns=sorted({f[0] for f in findings}),
            evidence=Table.of(("column", "finding", "detail"), findings, title="Constant and copied columns"),
        )

    @staticmethod
    def _copies(data: Dataset) -> list[tuple[str, str]]:
        """(original, copy) pairs: columns with identical statistics are compared in full."""
        cols = [c for c in data.columns if c != data.roles.target]
        buckets: dict[tuple, list[str]] = {}
        for c in cols:
            st = data.stats[c]
            if st.distinct < 2:
                continue
            key = (st.dtype, st.count, st.missing, st.distinct, tuple(k for _, k in st.top))
            buckets.setdefault(key, []).append(c)
        out = []
        for group in buckets.values():
            if len(group) < 2:
                continue
            # a row-hash digest splits the bucket first, so many look-alike columns (wide data with few
            # rows: every column has the same counts) cost one hash each, not a comparison per pair
            by_digest: dict[bytes, list[str]] = {}
            for c in group:
                try:
                    hashed = pd.util.hash_pandas_object(data.frame[c], index=False).to_numpy().tobytes()
                except TypeError:  # unhashable cells (lists from JSON): compared in full below
                    hashed = b""
                by_digest.setdefault(hashlib.blake2b(hashed, digest_size=16).digest(), []).append(c)
            for same in by_digest.values():
                first = data.frame[same[0]].reset_index(drop=True)
                for c in same[1:]:
                    if c in data.features and data.frame[c].reset_index(drop=True).equals(first):
                        out.append((same[0], c))
        return out


# ----------------------------------------------------------------------------------------------------------
# consistency.mixed_types


def _classify(keys: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """(is_number, is_date_like) for text values."""
    s = pd.Series(keys, dtype=object).astype(str)
    is_num = pd.to_numeric(s.str.strip(), errors="coerce").notna().to_numpy()
    is_date = s.str.contains(_DATE_LIKE_PD, regex=True, na=False).to_numpy() & ~is_num
    return is_num, is_date


@dataclass(frozen=True)
class MixedTypes(Check):
    """Columns mostly of one type (numbers, or dates) that also hold text.

    A text column where most values are numbers ("12.5", "40000") but some are not ("unknown", "12k"), or
    most are dates but some are words ("not given"), is flagged with the minority's share and examples.
    (Date-like values that fail to parse, and mixed date formats, are `consistency.unparseable_dates`'s
    concern; empty cells and null tokens such as 'NA' are `consistency.missing_values`'; placeholders
    such as '?' or 'unknown' are `consistency.disguised_missing`'s, so one cause is reported once. The id
    column is left alone: any characters may name a row.)

    Why it matters: one text value makes a whole numeric column text, so it is one-hot encoded or dropped
    instead of used as a number, or a conversion fails in production. Any text in a numeric or date column
    warns; more than 5% fails, since the column cannot then be converted without a decision about what the
    text means.

    How to fix: decide what each text value means: missing (convert to empty), a unit or suffix to parse
    ("12k" → 12000), or an error to correct at the source; then store the column with one type.
    """

    id: ClassVar[str] = "consistency.mixed_types"
    title: ClassVar[str] = "Mixed types"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.05
    majority_share: float = 0.5

    def run(self, data: Dataset) -> Outcome:
        findings: list[Finding[_MixedTypes]] = []  # scored by the share of text values
        placeholders = _placeholders(data)
        for c in data.columns:
            s = data.frame[c]
            # an id is a label: "10023" beside "A-77" is a naming scheme, not a type problem
            if not _is_text(s) or data.stats[c].count == 0 or c == data.roles.id:
                continue
            probe_num, probe_date = _classify(pd.Index(_probe_keys(data, c), dtype=object))
            if probe_num.mean() < 0.2 and probe_date.mean() < 0.2:
                continue
            vc, note = _text_counts(data, c)
            is_num, is_date = _classify(vc.index)
            w = vc.to_numpy(dtype="float64")
            total = w.sum()
            num_share, date_share = w[is_num].sum() / total, w[is_date].sum() / total
            if num_share >= self.majority_share:
                majority, minority = "numbers", ~is_num
            elif date_share >= self.majority_share:
                # date-like values that fail to parse are unparseable_dates' concern: only words count here
                has_digit = pd.Series(vc.index, dtype=object).astype(str).str.contains(r"\d").to_numpy()
                majority, minority = "dates", ~is_date & ~is_num & ~has_digit
            else:
                continue
            # placeholders ('?', 'unknown') are consistency.disguised_missing's finding: one cause, one check
            minority = minority & ~disguised_mask(vc, placeholders)
            rows = int(w[minority].sum())
            if not rows:
                continue
            share = rows / total
            status = grade(share, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
            findings.append(
                Finding(status, c, share, _MixedTypes(majority, rows, list(vc.index[minority][:5]), note))
            )
        expected = _expected(self.warn_above, self.fail_above, "share of text values")
        if not findings:
            return Outcome.ok("no column mixes numbers or dates with text", observed={}, expected=expected)
        findings = worst_first(findings)
        status = overall(findings)
        parts = [
            f"{f.column}: {_pct(f.score)} of values are text ({_quote(f.detail.examples, f.column)})"
            for f in findings[:3]
        ]
        msg = "; ".join(parts) + (f"; and {len(findings) - 3} more columns" if len(findings) > 3 else "")
        notes = [f"{f.column}{f.detail.note}" for f in findings if f.detail.note]
        if notes:
            msg += f"; scanned {', '.join(notes)}"
        table = Table.of(
            ("column", "mostly", "text values", "share", "examples"),
            [
                (
                    f.column,
                    f.detail.majority,
                    f.detail.rows,
                    round(f.score, 4),
                    _quote(f.detail.examples, f.column, n=5),
                )
                for f in findings
            ],
            title="Columns mixing types",
        )
        return Outcome.make(
            status,
            msg,
            observed={f.column: round(f.score, 4) for f in findings},
            expected=expected,
            columns=[f.column for f in findings],
            evidence=table,
        )


@dataclass(frozen=True)
class _MixedTypes:
    """``consistency.mixed_types``' measurements of one column: what most of its values are, how many rows
    hold text instead, a few of those values, and a note when only the most frequent values were read."""

    majority: str
    rows: int
    examples: list[object]
    note: str


def _placeholders(data: Dataset) -> tuple[str, ...]:
    """The placeholders `consistency.disguised_missing` runs with (its `placeholders` setting, if any)."""
    settings = (data.settings.get("checks") or {}).get(DisguisedMissing.id) or {}
    return tuple(settings.get("placeholders", DISGUISED_PLACEHOLDERS))


# ----------------------------------------------------------------------------------------------------------
# consistency.id_like_features


#: calendar periods: a yearly series' ``year`` is unique and in row order, and still time, not an identifier
_PERIOD_TOKENS = frozenset({"year", "yr", "month", "week", "day", "quarter", "season"})


@dataclass(frozen=True)
class IdLikeFeatures(Check):
    """No identifier is left among the features.

    A feature column (not the declared or detected id, not the target, not a timestamp, not named like a
    time or a calendar period such as ``year``) is id-like when it holds unique integers that look like a
    counter or key (at least ``unique_share`` of values distinct, and monotonic in row order, or filling at
    least half of their min–max range, or named like an id; measurements such as amounts are unique too but
    spread thin over their range; values that repeat are called nearly unique, never unique, and an
    id-named column at least 95% distinct is a probable id whose repeats `consistency.duplicate_ids`
    checks); or unique codes (text with at least ``unique_share`` distinct values and no spaces: codes,
    UUIDs, e-mail addresses; free text has spaces); or integers monotonic in row order with at least half the
    values distinct (a sequence number with gaps or repeats); or when it is named like an identifier (id,
    uuid, key) and at least half its values are distinct.

    Why it matters: a model given a row identifier memorises it: perfect training scores, nothing learned
    that generalises, and anything correlated with the order of ids (signup date, batch, the sort order of
    the export) leaks into predictions. One id-like column warns (drop it, or declare it as `id:` if it is
    the row key); more than one fails: a table carrying several keys (typically from joins) has not been
    prepared for modelling.

    How to fix: drop the column from the features, declare it as the `id` role, or list it under
    `ignore_columns:`. If it encodes something real (a store number, a product code), replace it with the
    attributes it stands for.
    """

    id: ClassVar[str] = "consistency.id_like_features"
    title: ClassVar[str] = "Identifiers used as features"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: int = 0
    fail_above: int = 1
    unique_share: float = 0.99
    min_rows: int = 20

    def run(self, data: Dataset) -> Outcome:
        found = []
        looked = 0
        for col in data.features:  # one pass over columns, using the shared per-column statistics
            st = data.stats[col]
            if st.kind in ("empty", "boolean", "datetime") or st.count < self.min_rows:
                continue
            name = tokens(col)
            if name & (
                TIME_TOKENS | _PERIOD_TOKENS
            ):  # epoch seconds, a yearly series' year: time, not identity
                continue
            looked += 1
            share = st.distinct / st.count
            id_named = bool(name & ID_TOKENS)
            if share < 0.5:
                continue
            reason = None
            if st.kind == "numeric":
                reason = self._integer_reason(data, col, share, id_named)
            elif share >= self.unique_share:
                values = pd.Series(data.stats.value_counts(col).index[:2000]).astype(str)
                no_space = float((~values.str.contains(r"\s", regex=True)).mean())
                if no_space >= 0.95 and values.str.len().max() <= 100:
                    reason = f"{_unique(st, 'codes')} ({share:.1%} distinct, no spaces)"
            if reason is None and id_named:
                reason = f"named like an identifier, {share:.1%} distinct"
            if reason and id_named and st.distinct < st.count and share >= NEAR_UNIQUE:
                reason += " (a probable id: its repeats are checked by consistency.duplicate_ids)"
            if reason:
                examples = ", ".join(mask_example(v, column=col, kind=st.kind) for v, _ in st.top[:3])
                found.append((col, reason, round(share, 4), st.kind, examples))
        n = len(found)
        expected = f"<= {self.warn_above} id-like feature columns (fail above {self.fail_above})"
        if not looked:
            return Outcome.skip(
                f"no feature with at least {self.min_rows} values that could hold identifiers (numbers or "
                "text, not dates, flags or time-named columns)"
            )
        if n == 0:
            return Outcome.ok(
                f"no id-like columns among the {count(len(data.features), 'feature')}",
                observed=0,
                expected=expected,
            )
        status = grade(n, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        listed = "; ".join(f"{c!r}: {why}" for c, why, *_ in found[:5])
        msg = f"{count(n, 'feature column')} look{'s' if n == 1 else ''} like identifiers: {listed}"
        if n > 5:
            msg += f"; and {n - 5} more"
        return Outcome.make(
            status,
            msg + " (drop, declare as id, or ignore)",
            observed=n,
            expected=expected,
            columns=[c for c, *_ in found],
            evidence=Table.of(
                ("column", "why", "distinct share", "kind", "examples"),
                found,
                title="Id-like feature columns",
            ),
        )

    def _integer_reason(self, data: Dataset, col: str, share: float, id_named: bool) -> str | None:
        values = data.stats.numeric(col)
        if values is None:
            return None
        x = values.dropna()
        arr = x.to_numpy(dtype="float64")
        if not np.isfinite(arr).all() or not (np.mod(arr, 1) == 0).all():
            return None  # measurements with decimals are not identifiers
        monotonic = x.is_monotonic_increasing or x.is_monotonic_decreasing
        st = data.stats[col]
        if st.quantiles is None:  # not reached: a column with numeric values has quantiles
            return None
        lo, hi = st.quantiles["min"], st.quantiles["max"]
        density = st.distinct / (hi - lo + 1) if hi >= lo else 0.0
        if share >= self.unique_share:
            what = _unique(st, "integers")
            if monotonic:
                return f"{what} in row order ({share:.1%} distinct)"
            if density >= 0.5:
                return f"{what} filling {density:.0%} of {lo:,.0f}–{hi:,.0f} (a counter or key)"
            if id_named:
                return f"{what} named like an identifier ({share:.1%} distinct)"
            return None
        if monotonic:
            return f"integers monotonic in row order ({share:.1%} distinct)"
        return None


def _unique(st, what: str) -> str:
    """'unique integers' when every value differs, else 'integers, 22 of them repeated': repeating values
    are never called unique."""
    if st.distinct >= st.count:
        return f"unique {what}"
    repeats = st.count - st.distinct
    return f"nearly unique {what} ({repeats:,} repeat{'s' if repeats != 1 else ''})"
