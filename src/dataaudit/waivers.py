"""Waivers: accepted risks that do not fail the gate, until they expire.

A gate that stays red over a known, accepted problem gets switched off; a waiver keeps it on::

    waivers:
      - check: consistency.duplicate_rows
        columns: [application_id]          # optional: waive only findings about these columns
        reason: "re-ingestion duplicates, dropped in the feature pipeline"
        owner: data-team@example.com
        expires: 2027-03-31

A ``warn`` or ``fail`` result matching a waiver becomes ``waived`` (status ``waived`` in every output, with
the reason, owner and expiry), and no longer blocks. A waiver matches a result when ``check`` is the result's
id (or its area) and, if ``columns`` is given, every column the result names is one of them, so a new problem
in another column is never hidden. After ``expires`` (compared with ``--as-of``) the finding counts again and
its message says the waiver expired. A waiver that matches no finding is reported as stale in the notes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from dataaudit.model import CheckResult

__all__ = ["Waiver", "apply_waivers", "check_waivers", "waive", "waiver_notes"]


class Waiver(BaseModel):
    """One accepted risk: which check (and optionally which columns), why, who owns it, until when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str = Field(description="the check id (or an area) whose finding is accepted")
    columns: tuple[str, ...] = Field((), description="waive only findings about these columns")
    reason: str = Field(min_length=1, description="why the risk is accepted")
    owner: str = Field(min_length=1, description="who accepted it and answers for it")
    expires: dt.date = Field(description="the last day the waiver applies (ISO date)")

    @field_validator("columns", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return (v,) if isinstance(v, str) else v

    def matches(self, result: CheckResult) -> bool:
        if result.id != self.check and str(result.area) != self.check:
            return False
        if self.columns:
            return bool(result.columns) and set(result.columns) <= set(self.columns)
        return True

    def describe(self) -> str:
        cols = f" on {', '.join(self.columns)}" if self.columns else ""
        return f"{self.check}{cols}"

    def to_dict(self, expired: bool) -> dict:
        return {
            "check": self.check,
            "columns": list(self.columns),
            "reason": self.reason,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
            "expired": expired,
        }


def check_waivers(waivers: Sequence[Waiver], ids: Iterable[str], areas: Iterable[str], source: str) -> None:
    """A waiver naming an unknown check is a config error (a typo would otherwise waive nothing, silently)."""
    from dataaudit.config import close_matches
    from dataaudit.errors import ConfigError

    ids, areas = list(ids), list(areas)
    for i, w in enumerate(waivers):
        if w.check not in ids and w.check not in areas:
            hint = close_matches(w.check, [*ids, *areas])
            raise ConfigError(
                f"{source}: waivers.{i}.check: unknown check {w.check!r}{hint} (see 'dataaudit checks')"
            )


def apply_waivers(
    results: Sequence[CheckResult], waivers: Sequence[Waiver], as_of: dt.datetime
) -> tuple[tuple[CheckResult, ...], tuple[str, ...]]:
    """Results with waived findings marked, and notes for stale waivers (:func:`waive` on each result, then
    :func:`waiver_notes`; the runner does the same as each check finishes)."""
    out = tuple(waive(r, waivers, as_of) for r in results)
    return out, waiver_notes(waivers, out)


def waive(result: CheckResult, waivers: Sequence[Waiver], as_of: dt.datetime) -> CheckResult:
    """The result with a matching waiver applied: a ``warn`` or ``fail`` becomes ``waived``, or, past the
    waiver's expiry, keeps its status and says the waiver expired. A waiver applies through its ``expires``
    day (as-of date <= expires); the first matching waiver still in force wins, else the first expired one
    (so a renewal added below an expired waiver applies)."""
    from dataaudit.model import MAX_MESSAGE_CHARS, Status
    from dataaudit.privacy import mask_config_text

    if result.status not in (Status.WARN, Status.FAIL):
        return result
    hits = [w for w in waivers if w.matches(result)]
    if not hits:
        return result
    today = as_of.date()
    w = next((w for w in hits if today <= w.expires), hits[0])
    who = f"{w.reason} (owner: {w.owner})"
    if today > w.expires:
        message = mask_config_text(
            f"{result.message} [waiver expired on {w.expires.isoformat()}: {who}]", MAX_MESSAGE_CHARS
        )
        return dataclasses.replace(result, message=message, waiver=w.to_dict(expired=True))
    message = mask_config_text(
        f"{result.message} [waived until {w.expires.isoformat()}: {who}]", MAX_MESSAGE_CHARS
    )
    return dataclasses.replace(result, status=Status.WAIVED, message=message, waiver=w.to_dict(expired=False))


def waiver_notes(waivers: Sequence[Waiver], results: Sequence[CheckResult]) -> tuple[str, ...]:
    """Notes for the waivers that matched no warning or failure among ``results`` (after :func:`waive`)."""
    from dataaudit.model import Status
    from dataaudit.privacy import mask_config_text

    found = (Status.WARN, Status.FAIL, Status.WAIVED)
    used = {i for i, w in enumerate(waivers) for r in results if r.status in found and w.matches(r)}
    before = tuple(_as_found(r) for r in results)
    return tuple(
        mask_config_text(note, None)
        for i, w in enumerate(waivers)
        if i not in used and (note := _unused_note(w, before)) is not None
    )


def _as_found(result: CheckResult) -> CheckResult:
    """A waived result as the check found it (its status before the waiver: warn or fail)."""
    from dataaudit.model import Status

    if result.status != Status.WAIVED:
        return result
    return dataclasses.replace(result, status=Status.FAIL)


def _unused_note(w: Waiver, results: Sequence[CheckResult]) -> str | None:
    """Why a waiver applied to nothing: stale, or naming only some of the columns a finding is about (then
    the finding still counts, and removing the waiver is the wrong advice). None when its check did not run
    to a verdict here (left out by select/ignore, skipped, crashed): nothing shows the waiver is stale."""
    from dataaudit.model import Status

    ran = (Status.PASS, Status.WARN, Status.FAIL)
    if not any(r.status in ran and (r.id == w.check or str(r.area) == w.check) for r in results):
        return None
    tail = f"(owner: {w.owner}, expires {w.expires.isoformat()})"
    for r in results:
        if (
            w.columns
            and r.status in (Status.WARN, Status.FAIL)
            and (r.id == w.check or str(r.area) == w.check)
            and set(r.columns) & set(w.columns)
        ):
            rest = ", ".join(c for c in r.columns if c not in w.columns)
            return (
                f"waiver not applied: {w.describe()} does not cover every column {r.id} flags (also {rest}), "
                f"so the finding still counts; fix those or add them to the waiver's columns {tail}"
            )
    return f"stale waiver: {w.describe()} matches no warning or failure in this run; remove it {tail}"
