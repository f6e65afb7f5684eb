"""The dataset's datasheet: the ``policy`` block of ``dataaudit.yaml``, validated (the SPDX licence list it
names is :mod:`dataaudit.licences`).

The fields follow the spirit of "Datasheets for Datasets" (Gebru et al.) and MLCommons Croissant's
responsible-AI fields. The policy checks (``checks/policy/``) compare what is declared here with what
the data contains; :func:`policy_notes` turns the declarations and those findings into the report's
"Policy notes".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "FIELDS",
    "Policy",
    "declared_policy",
    "policy_notes",
]

#: every datasheet field and the one-line prompt ``dataaudit init`` writes beside it
FIELDS: dict[str, str] = {
    "source": "where the data comes from (system, vendor, survey)",
    "owner": "who answers questions about it (team or contact)",
    "licence": "SPDX licence id, e.g. CC-BY-4.0, or 'proprietary' / LicenseRef-...",
    "collection_period": "when it was collected, e.g. 2025-01-01 to 2025-12-31",
    "legal_basis": "the legal basis for processing personal data (e.g. GDPR Art. 6(1)(b) contract)",
    "consent": "what the people in the data agreed to",
    "intended_uses": "list: what it may be used for",
    "prohibited_uses": "list: what it must not be used for",
    "contains_personal_data": "true / false: does it hold personal data?",
    "jurisdictions": "list: where the data subjects / the data live, e.g. [GB, IE]",
    "retention_until": "date after which it must be deleted, e.g. 2027-12-31",
    "known_limitations": "gaps, biases and caveats users should know",
    "anonymised": "true / false: is it claimed to be anonymised (no person can be singled out)?",
    "quasi_identifiers": "list: columns that together could single a person out (age, zip, gender...)",
    "sensitive_attributes": "list: columns whose values must not be learnt about a person (diagnosis...)",
}


class Policy(BaseModel):
    """The validated ``policy`` block. Every field is optional here; ``policy.datasheet_complete`` says which
    are required. ``license`` is accepted as a spelling of ``licence``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: str | None = Field(None, description=FIELDS["source"])
    owner: str | None = Field(None, description=FIELDS["owner"])
    licence: str | None = Field(
        None, validation_alias=AliasChoices("licence", "license"), description=FIELDS["licence"]
    )
    collection_period: str | None = Field(None, description=FIELDS["collection_period"])
    legal_basis: str | None = Field(None, description=FIELDS["legal_basis"])
    consent: str | None = Field(None, description=FIELDS["consent"])
    intended_uses: tuple[str, ...] = Field((), description=FIELDS["intended_uses"])
    prohibited_uses: tuple[str, ...] = Field((), description=FIELDS["prohibited_uses"])
    contains_personal_data: bool | None = Field(None, description=FIELDS["contains_personal_data"])
    jurisdictions: tuple[str, ...] = Field((), description=FIELDS["jurisdictions"])
    retention_until: dt.date | None = Field(None, description=FIELDS["retention_until"])
    known_limitations: str | None = Field(None, description=FIELDS["known_limitations"])
    anonymised: bool | None = Field(
        None, validation_alias=AliasChoices("anonymised", "anonymized"), description=FIELDS["anonymised"]
    )
    quasi_identifiers: tuple[str, ...] = Field((), description=FIELDS["quasi_identifiers"])
    sensitive_attributes: tuple[str, ...] = Field((), description=FIELDS["sensitive_attributes"])
    #: not a datasheet field: true makes a missing datasheet a warning (policy.datasheet_complete)
    required: bool = Field(False, description="true: this dataset must have a datasheet; without one, warn")
    #: not a datasheet field: set by dataaudit to the fields read from a Croissant file (dataaudit.croissant)
    from_croissant: tuple[str, ...] = Field(
        (), description="set by dataaudit: the fields taken from the Croissant file (croissant:)"
    )

    @field_validator("source", "owner", "licence", "legal_basis", "consent", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        # a bare YAML number or date (`collection_period: 2025`) is text the user meant; blank means unset
        if isinstance(v, (int, float, dt.date)) and not isinstance(v, bool):
            return str(v)
        return v.strip() or None if isinstance(v, str) else v

    @field_validator("collection_period", mode="before")
    @classmethod
    def _period(cls, v: Any) -> Any:
        if isinstance(v, Mapping) and set(v) <= {"start", "end", "from", "to"}:
            vals = [str(x) for x in v.values()]
            return " to ".join(vals)
        return cls._text(v)

    @field_validator("known_limitations", mode="before")
    @classmethod
    def _limitations(cls, v: Any) -> Any:
        if isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
            return "; ".join(v)
        return cls._text(v)

    @field_validator(
        "intended_uses",
        "prohibited_uses",
        "jurisdictions",
        "quasi_identifiers",
        "sensitive_attributes",
        mode="before",
    )
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        # a key uncommented from the `dataaudit init` skeleton with nothing after it reads as null: unset
        return () if v is None else (v,) if isinstance(v, str) else v

    @field_validator("retention_until", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return v.date()
        return v

    def __getitem__(self, key: str) -> Any:
        """Mapping-style access (``policy["licence"]``), as the block was a plain mapping before."""
        if key not in type(self).model_fields:
            raise KeyError(key)
        return getattr(self, key)

    def is_set(self, key: str) -> bool:
        value = getattr(self, key)
        return value is not None and value != ()

    @property
    def empty(self) -> bool:
        """No datasheet field is declared (``required`` may be)."""
        return not any(self.is_set(f) for f in FIELDS)


def declared_policy(settings: Mapping[str, Any]) -> Policy | None:
    """The datasheet from a dataset's ``settings`` (a validated dump or a Policy), or None when absent."""
    raw = settings.get("policy")
    if raw is None:
        return None
    return raw if isinstance(raw, Policy) else Policy.model_validate(raw)


# ----------------------------------------------------------------------------------------------------------
# The report's "Policy notes": each declared fact beside what the checks found in the data


def _declared_text(value: Any) -> str:
    if value is None or value == () or value == []:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def policy_notes(report: Any) -> list[dict[str, str]]:
    """Rows for the HTML "Policy notes" section: ``{"field", "declared", "found", "status"}`` for each
    datasheet field, from the report's config (the declarations) and the policy checks' ``observed``
    values (the findings). Pure: reads the frozen report only."""
    from dataaudit.privacy import mask_text

    declared = (report.config or {}).get("policy") or {}
    results = {r.id: r for r in report.results if str(r.area) == "policy"}
    found: dict[str, tuple[str, str]] = {}  # field -> (text, status)

    def from_result(check_id: str, field: str, text_key: str = "summary") -> None:
        r = results.get(check_id)
        if r is None or str(r.status) == "skipped":
            return
        obs = r.observed if isinstance(r.observed, Mapping) else {}
        text = obs.get(text_key) or r.message
        found[field] = (mask_text(str(text), 400), str(r.status))

    from_result("policy.pii_detected", "contains_personal_data")
    from_result("policy.licence", "licence")
    from_result("policy.retention", "retention_until")
    from_result("policy.special_categories", "legal_basis")
    complete = results.get("policy.datasheet_complete")
    period = ""
    if complete is not None and isinstance(complete.observed, Mapping):
        period = complete.observed.get("data_period") or ""
        if period:
            found["collection_period"] = (f"timestamps in the data run {period}", "")
    missing = (
        set(complete.observed.get("missing", ()))
        if complete and isinstance(complete.observed, Mapping)
        else set()
    )
    rows = []
    for key in FIELDS:
        text, status = found.get(key, ("", ""))
        if not text and key in missing:
            text, status = "required but not declared", str(complete.status) if complete else "warn"
        rows.append(
            {
                "field": key,
                "declared": _declared_text(declared.get(key)) or "not declared",
                "found": text,
                "status": status,
            }
        )
    return rows
