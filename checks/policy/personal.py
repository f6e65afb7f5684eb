"""Policy notes on personal data: what the values hold, compared with what the datasheet declares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.policy._common import _policy
from dataaudit.checks.policy._pii import (
    DOB_TOKENS,
    NOT_PERSON_TOKENS,
    Finding,
    is_name_column,
    known_name_shares,
    scan_column,
)
from dataaudit.dataset import Dataset
from dataaudit.formatting import listed
from dataaudit.model import Area, Check, Outcome, Status, Table, count
from dataaudit.pii import LABELS, mask_match, name_shape_share
from dataaudit.roles import tokens

__all__ = ["PiiDetected", "SpecialCategories"]

KINDS_SCANNED = "e-mails, phones, cards, SSNs, IBANs, IPs, addresses, birth dates, names"


@dataclass(frozen=True)
class PiiDetected(Check):
    """Personal data in the values, compared with the datasheet's `contains_personal_data`.

    Scans every text column (and integer columns long enough to be card numbers) for e-mail addresses,
    phone numbers (international, US/Canada, UK national and 7-digit local formats), payment card numbers
    (Luhn-validated, known card prefixes), US social security numbers (valid area/group/serial), IBANs
    (mod-97 validated), IPv4 (each octet <= 255) and IPv6 addresses, and street addresses (number +
    capitalised name + street word); dates of birth by column name (dob, birth_date, ...) plus date values;
    person names by value shape (at least `name_share` of the values are 1-4 capitalised words) confirmed
    against faker's per-locale first and last name lists on the distinct values: in a column named for
    names (name, first_name, surname, ...) `name_list_share` of the values start with a known first name or
    end with a known last name; in any other column (`account_holder`) `name_list_share` are known first
    and last names and twice that start with a known first name. Beer, brewery, product, company and place
    names stay quiet. Order numbers and ids in id-named columns, 16-digit numbers
    failing Luhn, dotted versions (4.12.300.2048), ISO dates, timestamps and decimals do not match. Per
    column: the kind, the rows and share of rows holding it, and masked examples only.

    Columns are scanned through their distinct values, so shares are exact; a column with more than
    `scan_limit` distinct values (default 50,000: a fraction of a second of regex work) is first scanned on
    a seeded sample of that many rows, and only kinds found there are counted over the whole column.

    Why it matters: personal data in a training set brings legal obligations (GDPR, CCPA), can be memorised
    and leaked by a model, and identifiers in free text are the usual leak nobody declared. Declared
    `contains_personal_data: false` and personal data found → fail; declared true → pass with a note of
    what was found (so the datasheet can list it); not declared → warn. `min_rows` (default 1) is the
    number of matching rows at which a column is reported: one real card number is already a finding.

    How to fix: remove or pseudonymise the identifiers (drop the column, or scrub free text before export),
    or, if the data lawfully holds personal data, declare `contains_personal_data: true` with a legal basis.
    """

    id: ClassVar[str] = "policy.pii_detected"
    title: ClassVar[str] = "Personal data matches the datasheet"
    area: ClassVar[Area] = Area.POLICY

    scan_limit: int = 50_000
    min_rows: int = 1
    name_share: float = 0.5
    name_list_share: float = 0.2
    dob_share: float = 0.5

    def run(self, data: Dataset) -> Outcome:
        policy = _policy(data)
        declared = policy.contains_personal_data if policy else None
        findings: list[Finding] = []
        sampled: list[str] = []
        scanned = 0
        for col in data.columns:
            found, was_sampled, was_scanned = self._scan(data, col)
            scanned += was_scanned
            findings += [f for f in found if f.rows >= self.min_rows]
            if was_sampled:
                sampled.append(col)
        sample_note = (
            f"; {count(len(sampled), 'column')} with more than {self.scan_limit:,} distinct values "
            f"first scanned on a seeded sample of {self.scan_limit:,} rows"
            if sampled
            else ""
        )
        observed = {
            "declared": declared,
            "findings": [
                {"column": f.column, "kind": f.kind, "rows": f.rows, "share": round(f.share, 4)}
                for f in findings
            ],
            "sampled_columns": sampled,
            "scan_limit": self.scan_limit,
        }
        declared_text = {None: "not declared", True: "true", False: "false"}[declared]
        if not scanned:
            return Outcome.skip(
                f"nothing to scan for personal data: none of the {count(data.n_cols, 'column')} holds text, "
                "numbers long enough to be card numbers (12+ digits) or dates named as birth dates",
                observed=observed,
            )
        if not findings:
            note = (
                "; contains_personal_data is declared true: what it holds is beyond these patterns "
                "(e.g. names in free text), so list it in the datasheet"
                if declared
                else ""
            )
            summary = f"no personal data found in {count(scanned, 'column')} scanned{note}"
            return Outcome.ok(
                f"{summary} ({KINDS_SCANNED}){sample_note}",
                observed={**observed, "summary": summary},
                columns=(),
            )
        parts = [f"{f.label} in {f.column!r} ({f.rows:,} rows, {f.share:.1%})" for f in findings]
        summary = "; ".join(f"{LABELS[f.kind]} in {f.column} ({f.share:.1%} of rows)" for f in findings)
        columns = list(dict.fromkeys(f.column for f in findings))
        table = Table.of(
            ("column", "kind", "found by", "rows", "share of rows", "share of values", "examples (masked)"),
            [
                (
                    f.column,
                    f.label,
                    f.basis,
                    f.rows,
                    round(f.share, 4),
                    round(f.share_of_values, 4),
                    " · ".join(f.examples),
                )
                for f in findings
            ],
            title=f"Personal data found{sample_note.replace('; ', ' (') + ')' if sample_note else ''}",
        )
        head = f"personal data in {count(len(columns), 'column')}: {listed(parts)}"
        if declared is False:
            status, tail = Status.FAIL, "; the datasheet declares contains_personal_data: false"
        elif declared is True:
            status, tail = (
                Status.PASS,
                "; declared contains_personal_data: true (list these in the datasheet)",
            )
        else:
            status, tail = Status.WARN, "; contains_personal_data is not declared in the datasheet"
        return Outcome.make(
            status,
            head + tail + sample_note,
            observed={**observed, "summary": f"{summary} (declared: {declared_text})"},
            expected="contains_personal_data declared true, or no personal data in the values",
            columns=columns,
            evidence=table,
        )

    def _scan(self, data: Dataset, col: str) -> tuple[list[Finding], bool, bool]:
        """Findings in one column, whether it was sampled, and whether anything in it could be scanned."""
        s = data.frame[col]
        t = tokens(col)
        st = data.stats[col]
        if st.kind == "empty":
            return [], False, False
        found: list[Finding] = []
        if t & DOB_TOKENS or {"date", "birth"} <= t:
            dob = self._dob(data, col)
            if dob is not None:
                found.append(dob)
        is_text = pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)
        is_id = col == data.roles.id
        dob_named = bool(t & DOB_TOKENS or {"date", "birth"} <= t)
        if st.kind == "datetime":  # dates hold no other kind; birth dates are handled above
            return found, False, dob_named
        if st.kind == "numeric":
            # numbers (or text that parses as numbers) can only be card numbers, and only when long enough
            q = st.quantiles or {}
            long = max(abs(q.get("max", 0.0)), abs(q.get("min", 0.0))) >= 1e12
            if not long or not (is_text or pd.api.types.is_integer_dtype(s)):
                return found, False, dob_named
            counts = data.stats.value_counts(col)
            if not is_text:
                s = s.astype("Int64").astype("string")
                counts = counts.set_axis(counts.index.astype("int64").astype(str))
            values, sampled = scan_column(
                s, counts, column_tokens=t, is_id=is_id, scan_limit=self.scan_limit, kinds=("card",)
            )
            return found + values, sampled, True
        if not is_text:
            return found, False, dob_named
        counts = data.stats.value_counts(col)
        values, sampled = scan_column(s, counts, column_tokens=t, is_id=is_id, scan_limit=self.scan_limit)
        found += values
        if st.kind in ("categorical", "text") and not t & NOT_PERSON_TOKENS:
            name = self._names(data, col, t, counts)
            if name is not None:
                found.append(name)
        return found, sampled, True

    def _names(self, data: Dataset, col: str, t: set[str], counts: pd.Series) -> Finding | None:
        """Person names: most values shaped like names (1-4 capitalised words, judged on the most frequent
        values), confirmed against faker's first and last name lists on the distinct values. A column named
        for names needs `name_list_share` of its values to start with a known first name or end with a known
        last name; a neutrally named column (`account_holder`) needs full names: `name_list_share` with a
        known first and last name and twice that with a known first name. Beers, breweries, companies,
        products and places are shaped like names but rarely start with a first name."""
        share, examples = name_shape_share(counts.head(self.scan_limit))
        if share < self.name_share:
            return None
        first, last, both, n = known_name_shares(counts.index[: self.scan_limit])
        by_name = is_name_column(t)
        if by_name:
            if max(first, last) < self.name_list_share:
                return None
            basis = "column name + values + names list"
        else:
            if both < self.name_list_share or first < 2 * self.name_list_share:
                return None
            basis = f"values: {both:.0%} of {n:,} distinct values are known first + last names"
        rows = int(round(share * data.stats[col].count))
        return Finding(col, "name", rows, rows / data.n_rows, share, examples, basis)

    def _dob(self, data: Dataset, col: str) -> Finding | None:
        times = data.stats.datetimes(col)
        st = data.stats[col]
        if times is None or st.count == 0:
            return None
        years = times.dt.year
        plausible = times.notna() & (years >= 1900) & (times <= data.as_of)
        n = int(plausible.sum())
        if n / st.count < self.dob_share:
            return None
        examples = tuple(mask_match("dob", f"{v:%Y-%m-%d}") for v in times[plausible].head(3))
        return Finding(col, "dob", n, n / data.n_rows, n / st.count, examples, "column name + values")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: GDPR Art. 9 special categories (and Art. 10 criminal records): column-name words and value words
SPECIAL_CATEGORIES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "health": (
        _words(
            "health medical diagnosis diagnoses disease illness disability disabled medication prescription "
            "pregnancy pregnant hiv mental bmi symptom symptoms icd treatment allergy allergies vaccination "
            "vaccinated sickness patient"
        ),
        _words(
            "diabetes diabetic cancer asthma depression anxiety hiv aids dementia epilepsy pregnant "
            "schizophrenia hypertension covid-19 disabled"
        ),
    ),
    "religion or belief": (
        _words("religion religious faith belief beliefs denomination church worship"),
        _words(
            "christian muslim islam jewish judaism hindu hinduism buddhist buddhism sikh catholic protestant "
            "orthodox atheist agnostic"
        ),
    ),
    "racial or ethnic origin": (
        _words("ethnicity ethnic race racial ethnicities"),
        _words("white black asian hispanic latino latina latinx indigenous caucasian african mixed arab"),
    ),
    "sex life or sexual orientation": (
        _words("sexual orientation sexuality lgbt lgbtq lgbtqia"),
        _words("heterosexual homosexual gay lesbian bisexual asexual pansexual queer straight"),
    ),
    "political opinions": (
        _words("political politics voting vote voter votes"),
        _words("democrat republican labour conservative liberal socialist communist libertarian"),
    ),
    "genetic or biometric data": (
        _words(
            "biometric biometrics fingerprint fingerprints facial faceprint iris retina voiceprint dna "
            "genetic "
            "genome genotype gait"
        ),
        frozenset(),
    ),
    "trade-union membership": (_words("union unionised unionized unions syndicate"), frozenset()),
    "criminal convictions and offences": (
        _words(
            "criminal conviction convictions offence offences offense offenses arrest arrests crime crimes "
            "felony felonies prison incarceration probation parole"
        ),
        frozenset(),
    ),
}
_NAME_EXCEPTIONS = {"union": frozenset({"european", "eu", "credit"})}


@dataclass(frozen=True)
class SpecialCategories(Check):
    """Columns holding special-category data (GDPR Art. 9, and criminal records under Art. 10).

    Found by column name (ethnicity, religion, diagnosis, sexual_orientation, political, fingerprint,
    trade_union, conviction, ...) and by values: a text column where at least `value_share` of the values
    (default 0.5) are category words (e.g. Christian/Muslim/Jewish, White/Black/Asian/Hispanic) with at
    least two different such words. Each becomes a note that processing needs an Art. 9(2) condition; a
    warning when the datasheet declares no `legal_basis`.

    Why it matters: special-category data may only be processed under an explicit condition (explicit
    consent, employment law, substantial public interest, ...), and models that use it, or proxies for it,
    face the strictest fairness and data-protection scrutiny. Keeping such columns for fairness review is
    legitimate, but it has to be decided and documented.

    How to fix: drop the column if it is not needed; otherwise record the legal basis and the Art. 9(2)
    condition in `policy.legal_basis` and restrict its use (e.g. fairness review only).
    """

    id: ClassVar[str] = "policy.special_categories"
    title: ClassVar[str] = "Special-category data has a legal basis"
    area: ClassVar[Area] = Area.POLICY
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

    value_share: float = 0.5

    def run(self, data: Dataset) -> Outcome:
        policy = _policy(data)
        basis = policy.legal_basis if policy else None
        rows = []
        for col in data.columns:
            for category, how in self._classify(data, col):
                rows.append((col, category, how))
        observed = {
            "columns": [{"column": c, "category": k, "found_by": h} for c, k, h in rows],
            "legal_basis": basis,
        }
        if not rows:
            summary = "no special-category columns found"
            return Outcome.ok(
                f"{summary} by column name or values in {count(data.n_cols, 'column')}",
                observed={**observed, "summary": summary},
            )
        found = [f"{k} in {c!r} (by {h})" for c, k, h in rows]
        summary = "special categories: " + "; ".join(f"{k} in {c}" for c, k, _ in rows)
        table = Table.of(("column", "special category", "found by"), rows, title="Special-category columns")
        n_cols = count(len({r[0] for r in rows}), "column")
        head = f"special-category data (GDPR Art. 9) in {n_cols}: {listed(found)}"
        if basis:
            return Outcome.ok(
                f"{head}; legal basis declared ({basis[:80]}): make sure it covers an Art. 9(2) condition",
                observed={
                    **observed,
                    "summary": summary + "; a legal basis is declared: it must cover an Art. 9(2) condition",
                },
                columns=[r[0] for r in rows],
                evidence=table,
            )
        return Outcome.warn(
            f"{head}; no legal_basis declared in the datasheet",
            observed={**observed, "summary": summary + "; no legal basis declared"},
            expected="policy.legal_basis declared",
            columns=[r[0] for r in rows],
            evidence=table,
        )

    def _classify(self, data: Dataset, col: str) -> list[tuple[str, str]]:
        t = tokens(col)
        st = data.stats[col]
        words = None  # first word of each frequent value, computed once per column when needed
        out = []
        for category, (name_words, value_vocab) in SPECIAL_CATEGORIES.items():
            by_name = any(not (t & _NAME_EXCEPTIONS.get(h, frozenset())) for h in t & name_words)
            by_values = False
            if value_vocab and st.kind in ("categorical", "text") and st.count:
                if words is None:
                    words = _first_words(data.stats.value_counts(col))
                first, weights, total = words
                hit = first.isin(value_vocab).to_numpy()
                share = float(weights[hit].sum() / total)
                by_values = share >= self.value_share and first[hit].nunique() >= 2
            if by_name or by_values:
                how = " and ".join(x for x, on in (("column name", by_name), ("values", by_values)) if on)
                out.append((category, how))
        return out


def _first_words(counts: pd.Series) -> tuple[pd.Series, np.ndarray, int]:
    """The lower-cased first word of the 1,000 most frequent values, their counts, and the total count:
    category columns are short, and free text is not a category."""
    top = counts.head(1000)
    text = pd.Series(top.index.astype(str), dtype=object).str.strip().str.lower()
    first = text.str.split(r"[\s/,;]+", n=1, regex=True).str[0]
    return first, top.to_numpy(), max(int(counts.sum()), 1)
