"""Column roles: check the declared ones exist, and guess the rest.

Declared roles always win. An undeclared ``id`` or ``timestamp`` is detected and applied, and the report says
it was assumed; a check built on a detected role (see ``runner.roles_used``) reports at most a warning and
says how to declare the role, so a verdict never rests on a guess. A target and sensitive attributes are never
applied silently: guesses become suggestions shown as notes (and ``dataaudit init`` writes them into the
starter config, marked as guesses).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from dataaudit.config import Config, close_matches
from dataaudit.dataset import Roles
from dataaudit.errors import ConfigError
from dataaudit.role_table import ROLE_BY_KEY, ROLES
from dataaudit.sensitive import sensitive_kind
from dataaudit.stats import Stats

__all__ = ["detect", "resolve_roles", "tokens"]

SENSITIVE_TOKENS = {
    "sex",
    "gender",
    "race",
    "ethnicity",
    "ethnic",
    "age",
    "religion",
    "religious",
    "nationality",
    "citizenship",
    "disability",
    "disabled",
    "marital",
    "pregnant",
    "pregnancy",
    "orientation",
    "caste",
}
TARGET_NAMES = {
    "target",
    "label",
    "y",
    "class",
    "outcome",
    "churn",
    "churned",
    "default",
    "defaulted",
    "fraud",
    "is_fraud",
    "approved",
    "survived",
    "response",
    "converted",
    "income_class",
    "readmitted",
}
ID_TOKENS = {"id", "uuid", "guid", "key"}
TIME_TOKENS = {"date", "time", "timestamp", "ts", "at", "datetime", "created", "occurred", "event"}
#: an id-named column this close to unique is still the id: its duplicates are a finding (duplicate rows copy
#: their id too), not a reason to leave the role unset
NEAR_UNIQUE = 0.95
INGEST_TOKENS = {"ingested", "ingest", "ingestion", "loaded", "received", "arrival", "processed", "updated"}
#: dates that describe a person or a contract, not when the row's event happened: never the detected event
#: time (a birth date as "event time" would make every freshness check fail)
NOT_EVENT_TOKENS = {"birth", "birthday", "birthdate", "dob", "born", "expiry", "expires", "expiration"}


def tokens(name: str) -> set[str]:
    """Words of a column name: ``applicationId`` / ``application_id`` → {application, id}; accents are
    dropped (``âge`` → age) and other scripts kept as words."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name))
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return {t for t in re.split(r"[\W_]+", name.casefold()) if t}


def detect(columns: Sequence[str], stats: Stats) -> dict[str, tuple[str, ...]]:
    """Guess roles from names and values: ``{"id": (...), "timestamp": (...), "target": (...), ...}``."""
    out: dict[str, list[str]] = {"id": [], "timestamp": [], "ingested_at": [], "target": [], "sensitive": []}
    for col in columns:
        t = tokens(col)
        st = stats[col]
        if (
            t & ID_TOKENS
            and st.kind in ("numeric", "categorical", "text")
            and st.distinct >= NEAR_UNIQUE * st.rows
        ):
            out["id"].append(col)
        if t & SENSITIVE_TOKENS or sensitive_kind(st):  # by name, or by values (Male/Female, ...)
            out["sensitive"].append(col)
        if st.kind == "datetime" and not t & NOT_EVENT_TOKENS:
            (out["ingested_at"] if t & INGEST_TOKENS else out["timestamp"]).append(col)
        if str(col).lower() in TARGET_NAMES and 2 <= st.distinct <= 20:
            out["target"].append(col)
    # prefer an exactly unique id, and a timestamp whose name says it is one
    out["id"].sort(key=lambda c: not stats[c].unique)
    out["timestamp"].sort(key=lambda c: not (tokens(c) & TIME_TOKENS))
    return {k: tuple(v) for k, v in out.items() if v}


def resolve_roles(
    columns: Sequence[str], config: Config, stats: Stats, source: str, origin: Mapping[str, str] | None = None
) -> Roles:
    """Roles from config (flags already merged in), validated against the columns, plus detection.
    ``origin`` maps a role to where it was set (e.g. ``--target`` or the config file), for error messages."""
    cols = [str(c) for c in columns]
    present = set(cols)
    declared: dict[str, str | None] = {r.key: getattr(config, r.key) for r in ROLES if not r.many}
    for role, col in _role_columns(declared, config):
        if col is not None and col not in present:
            where = (origin or {}).get(role, role)
            raise ConfigError(f"{where}: column {col!r} not found in {source}{close_matches(col, cols)}")
    _check_one_role_per_column(declared, config, origin or {})
    guesses = detect([c for c in cols if c not in config.ignore_columns], stats)
    detected: set[str] = set()
    for role in ("id", "timestamp"):
        taken = {v for v in declared.values() if v} | set(config.sensitive)
        candidates = [c for c in guesses.get(role, ()) if c not in taken]
        if declared[role] is None and candidates:
            declared[role] = candidates[0]
            detected.add(role)
    suggested = {}
    for role in ("target", "ingested_at"):
        if declared[role] is None and guesses.get(role):
            suggested[role] = guesses[role]
    if not config.sensitive and guesses.get("sensitive"):
        suggested["sensitive"] = guesses["sensitive"]
    named: dict[str, Any] = {ROLE_BY_KEY[k].name: v for k, v in declared.items()}
    named.update({r.name: tuple(getattr(config, r.key)) for r in ROLES if r.many})
    return Roles(
        **named,
        detected=frozenset(detected),
        suggested=suggested,
    )


def _check_one_role_per_column(
    declared: Mapping[str, str | None], config: Config, origin: Mapping[str, str]
) -> None:
    """A column plays one role: a target that is also ignored, or also a sensitive attribute, is a mistake."""
    seen: dict[str, str] = {}
    for role, col in _role_columns(declared, config):
        if col is None:
            continue
        other = seen.setdefault(col, role)
        if other != role:
            raise ConfigError(
                f"column {col!r} is given two roles: {other} ({origin.get(other, other)}) and "
                f"{role} ({origin.get(role, role)}); a column can have only one"
            )


def _role_columns(declared: Mapping[str, str | None], config: Config) -> list[tuple[str, str | None]]:
    """(role key, column) for every role: the one-column roles as ``declared``, then the others' columns."""
    many = [(r.key, c) for r in ROLES if r.many for c in getattr(config, r.key)]
    return [*declared.items(), *many]
