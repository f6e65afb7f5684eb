"""Policy notes on the datasheet itself: its fields, the licence, the retention date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from dataaudit.checks.policy._common import _policy
from dataaudit.dataset import Dataset
from dataaudit.datasheet import FIELDS
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade

__all__ = ["DatasheetComplete", "LicenceCheck", "Retention"]

NO_POLICY = "no datasheet (the policy block of dataaudit.yaml is missing or empty)"
INIT_HINT = "run 'dataaudit init DATA' for a datasheet skeleton with a prompt per field"


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
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

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
        from dataaudit.licences import licence_info, suggest_licence  # the SPDX table: only with a licence

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
    all_rows = True  # counts from data.stats / data.engine: exact over all rows on every engine

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
