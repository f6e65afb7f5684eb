"""Policy notes: the datasheet in dataaudit.yaml, checked against what the data contains."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.dataset import Dataset
from dataaudit.datasheet import FIELDS, Policy, declared_policy, licence_info, suggest_licence
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade
from dataaudit.pii import (
    DOB_TOKENS,
    LABELS,
    NOT_PERSON_TOKENS,
    Finding,
    is_name_column,
    known_name_shares,
    mask_match,
    name_shape_share,
    scan_column,
)
from dataaudit.roles import tokens

__all__ = ["CHECKS", "DatasheetComplete", "LicenceCheck", "PiiDetected", "Retention", "SpecialCategories"]

KINDS_SCANNED = "e-mails, phones, cards, SSNs, IBANs, IPs, addresses, birth dates, names"
NO_POLICY = "no datasheet (the policy block of dataaudit.yaml is missing or empty)"
INIT_HINT = "run 'dataaudit init DATA' for a datasheet skeleton with a prompt per field"


def _policy(data: Dataset) -> Policy | None:
    return declared_policy(data.settings)


def _list(items: list[str], limit: int = 3) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")


@dataclass(frozen=True)
class DatasheetComplete(Check):
    """The dataset's datasheet (the `policy` block of dataaudit.yaml) declares the required fields.

    The datasheet follows "Datasheets for Datasets": source, owner, licence, collection period, legal basis,
    consent, intended and prohibited uses, whether it contains personal data, jurisdictions, retention date
    and known limitations. `required` lists the fields that must be set (by default the six a reviewer cannot
    do without: where the data comes from, who answers for it, the licence, what it is for, whether it holds
    personal data, and its known limitations). The evidence lists every field, required or not, and whether
    it is declared; with a timestamp column, the period the data actually covers.

    Why it matters: a model inherits its data's obligations. Without a declared owner, licence and intended
    use, nobody can say whether training on the data is allowed, and the other policy checks have nothing
    to compare the data against. A missing field is a warning (the defaults warn above 0 missing fields and
    never fail), because it is a documentation gap rather than a defect in the data.

    Without a `policy:` block the check is skipped and the policy notes show every field as "not declared":
    a datasheet is asked for only with `policy: {required: true}` (then its absence warns), and personal or
    special-category data found without one is warned about by `policy.pii_detected` and
    `policy.special_categories`.

    How to fix: fill in the missing fields of `policy:` in dataaudit.yaml (`dataaudit init DATA` writes the
    skeleton), or change `checks: {policy.datasheet_complete: {required: [...]}}`.
    """

    id: ClassVar[str] = "policy.datasheet_complete"
    title: ClassVar[str] = "Datasheet complete"
    area: ClassVar[Area] = Area.POLICY

    required: tuple[str, ...] = (
        "source",
        "owner",
        "licence",
        "intended_uses",
        "contains_personal_data",
        "known_limitations",
    )
    warn_above: int = 0
    fail_above: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        unknown = [f for f in self.required if f not in FIELDS]
        if unknown:
            raise ValueError(
                f"required: unknown datasheet field(s) {', '.join(map(repr, unknown))} "
                f"(valid: {', '.join(FIELDS)})"
            )

    def run(self, data: Dataset) -> Outcome:
        policy = _policy(data)
        period = _data_period(data)
        observed = {"missing": list(self.required), "declared": 0, "data_period": period}
        expected = f"declared: {', '.join(self.required)}"
        if policy is None or (policy.empty and not policy.required):
            # a documentation gap, not a defect in the data: a note unless the user asked for a datasheet
            # (personal or special-category data found without one is policy.pii_detected's and
            # policy.special_categories' warning)
            return Outcome.skip(
                f"{NO_POLICY}: all {len(FIELDS)} datasheet fields are not declared, and none is required "
                f"(set 'policy: {{required: true}}' in dataaudit.yaml to require a datasheet; {INIT_HINT})",
                observed={**observed, "missing": []},
                expected=expected,
            )
        if policy.empty:
            return Outcome.warn(
                f"{NO_POLICY}, and policy.required is true: none of the {len(self.required)} required "
                f"datasheet fields is declared; {INIT_HINT}",
                observed=observed,
                expected=expected,
            )
        missing = [f for f in self.required if not policy.is_set(f)]
        declared = [f for f in FIELDS if policy.is_set(f)]
        observed = {"missing": missing, "declared": len(declared), "data_period": period}
        rows = [
            (f, "yes" if f in self.required else "no", "yes" if policy.is_set(f) else "no") for f in FIELDS
        ]
        table = Table.of(("field", "required", "declared"), rows, title="Datasheet fields")
        status = grade(len(missing), warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
        if missing:
            msg = (
                f"{count(len(missing), 'required datasheet field')} not declared: {', '.join(missing)} "
                f"({len(declared)} of {len(FIELDS)} fields declared)"
            )
        else:
            msg = (
                f"all {len(self.required)} required datasheet fields declared "
                f"({len(declared)} of {len(FIELDS)} fields in all)"
            )
        return Outcome.make(status, msg, observed=observed, expected=expected, evidence=table)


def _data_period(data: Dataset) -> str:
    """The first and last event time in the data, when a timestamp column is known: what the data shows
    beside the declared collection period."""
    col = data.roles.timestamp
    if not col or col not in data.frame.columns:
        return ""
    times = data.stats.datetimes(col)
    if times is None or times.notna().sum() == 0:
        return ""
    return f"{times.min():%Y-%m-%d} to {times.max():%Y-%m-%d}"


COMMERCIAL_TERMS = (
    "commercial",
    "product",
    "production",
    "resale",
    "resell",
    "sell",
    "sale",
    "monetis",
    "monetiz",
    "revenue",
    "profit",
    "paid",
    "advertis",
    "marketing",
)


@dataclass(frozen=True)
class LicenceCheck(Check):
    """The datasheet declares a licence, it is a known SPDX id, and it allows the declared intended uses.

    Accepts an SPDX id (case-insensitive; a compact list of the ids datasets carry: Creative Commons incl.
    CC0 and the NC/ND/SA variants, ODbL, ODC-By, PDDL, CDLA, OGL, MIT, Apache-2.0, BSD, GPL family, ...),
    a simple expression (`MIT OR Apache-2.0`), `proprietary`, or a custom `LicenseRef-...`. A non-commercial
    (NC) licence fails when an intended use reads as commercial (`commercial_terms`: "commercial",
    "product", "resale", "revenue", ...); no-derivatives (ND) and share-alike (SA, ODbL, copyleft) licences
    warn in that case, because a model or derived dataset built for a product may not be shareable on
    those terms. An unknown licence string, or none, is a warning.

    Why it matters: training on data you may not use is a legal risk that no model metric reveals, and an
    unrecognised licence string ("open", "CC BY") cannot be checked by anyone downstream.

    How to fix: declare the SPDX id (https://spdx.org/licenses/) in `policy.licence`; for a licence of
    your own, use `LicenseRef-<name>` or `proprietary`; if the licence forbids the intended use, obtain a
    different licence or change the intended use.
    """

    id: ClassVar[str] = "policy.licence"
    title: ClassVar[str] = "Licence known and compatible"
    area: ClassVar[Area] = Area.POLICY

    commercial_terms: tuple[str, ...] = COMMERCIAL_TERMS

    def run(self, data: Dataset) -> Outcome:
        policy = _policy(data)
        if policy is None:
            return Outcome.skip(f"{NO_POLICY} (see policy.datasheet_complete)")
        if not policy.licence:
            return Outcome.warn(
                "no licence declared: whether the data may be used at all is unknown; "
                "set policy.licence to an SPDX id",
                observed={"licence": None, "summary": "no licence declared"},
                expected="an SPDX licence id",
            )
        known, unknown, op = licence_info(policy.licence)
        lic = policy.licence
        if unknown or not known:
            hints = [f"{u!r} (did you mean {s}?)" if (s := suggest_licence(u)) else repr(u) for u in unknown]
            return Outcome.warn(
                f"licence {lic!r} is not a known SPDX id: {', '.join(hints)}",
                observed={"licence": lic, "unknown": unknown, "summary": f"{lic!r} is not a known SPDX id"},
                expected="an SPDX licence id, 'proprietary' or LicenseRef-...",
            )
        commercial = [u for u in policy.intended_uses if self._commercial(u)]
        # with OR the user may pick the least restrictive alternative; with AND every term applies
        pick = all if op == "OR" else any
        nc = pick(x.non_commercial for x in known)
        nd = pick(x.no_derivatives for x in known)
        sa = pick(x.share_alike for x in known)
        names = "; ".join(f"{x.id}: {x.name}" for x in known)
        restrictions = [
            r for r, on in (("non-commercial", nc), ("no-derivatives", nd), ("share-alike", sa)) if on
        ]
        rows = [(x.id, x.name, x.kind, x.non_commercial, x.no_derivatives, x.share_alike) for x in known]
        table = Table.of(
            ("licence", "name", "kind", "non-commercial", "no derivatives", "share-alike"),
            rows,
            title="Declared licence",
        )
        observed = {"licence": lic, "restrictions": restrictions, "commercial_uses": commercial}
        if commercial and (nc or nd or sa):
            conflict = ", ".join(restrictions)
            uses = "; ".join(repr(u) for u in commercial)
            status = Status.FAIL if nc else Status.WARN
            summary = f"{lic} is {conflict}, but intended uses read as commercial: {uses}"
            return Outcome.make(
                status,
                f"licence {summary}",
                observed={**observed, "summary": summary},
                expected="a licence that allows the intended uses",
                evidence=table,
            )
        kinds = {x.kind for x in known}
        if kinds & {"proprietary", "reference"}:
            summary = f"{lic}: a proprietary or custom licence; its terms must be checked with the owner"
        else:
            extra = f" ({', '.join(restrictions)})" if restrictions else ""
            summary = (
                f"{names}{extra}; no conflict with the {count(len(policy.intended_uses), 'intended use')}"
            )
        return Outcome.ok(f"licence {summary}", observed={**observed, "summary": summary}, evidence=table)

    def _commercial(self, use: str) -> bool:
        text = use.lower()
        if re.search(r"\bnon[- ]?commercial|\bnot (?:for )?commercial", text):
            return False
        return any(re.search(rf"\b{re.escape(t.lower())}", text) for t in self.commercial_terms)


@dataclass(frozen=True)
class Retention(Check):
    """The datasheet's `retention_until` date has not passed at the as-of date.

    Fails when the retention date is before the as-of date (`--as-of`, default now), warns when it is at
    most `warn_within_days` days ahead (default 30: about the time a deletion or a renewal takes to
    organise). Skipped when no retention date is declared.

    Why it matters: data kept past its retention date is held unlawfully under GDPR's storage-limitation
    principle (Art. 5(1)(e)) and most data agreements; a model trained on it may have to be withdrawn.

    How to fix: delete the data (and retrain without it), or document a renewed legal basis and move
    `policy.retention_until`.
    """

    id: ClassVar[str] = "policy.retention"
    title: ClassVar[str] = "Within retention period"
    area: ClassVar[Area] = Area.POLICY

    warn_within_days: int = 30

    def run(self, data: Dataset) -> Outcome:
        policy = _policy(data)
        if policy is None:
            return Outcome.skip(f"{NO_POLICY} (see policy.datasheet_complete)")
        until = policy.retention_until
        if until is None:
            return Outcome.skip("no retention_until declared in the datasheet")
        today = data.as_of.date()
        days = (until - today).days
        observed = {"retention_until": until.isoformat(), "as_of": today.isoformat(), "days_left": days}
        expected = f"retention_until more than {self.warn_within_days} days after the as-of date"
        if days < 0:
            summary = f"passed {count(-days, 'day')} before the as-of date {today}"
            return Outcome.fail(
                f"retention_until {until} {summary}: the data should have been deleted",
                observed={**observed, "summary": summary},
                expected=expected,
            )
        summary = f"{count(days, 'day')} left after the as-of date {today}"
        if days <= self.warn_within_days:
            return Outcome.warn(
                f"retention_until {until} is only {summary} (warn within {self.warn_within_days})",
                observed={**observed, "summary": summary},
                expected=expected,
            )
        return Outcome.ok(f"retention_until {until}: {summary}", observed={**observed, "summary": summary})


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
        head = f"personal data in {count(len(columns), 'column')}: {_list(parts)}"
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
        head = f"special-category data (GDPR Art. 9) in {n_cols}: {_list(found)}"
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


CHECKS = (DatasheetComplete, LicenceCheck, Retention, PiiDetected, SpecialCategories)
