"""The column roles, in one table: each role's config key, command-line option, what it takes (one column or
many), and the texts that tell a user how to set it.

Derived from it: the ``run`` command's role options (:func:`role_options`), the skip hint of a check that
needs an unset role and how to declare a detected one (``dataaudit.runner``), ``Roles.columns()`` and
``Roles.to_dict()``, the role keywords ``api.prepare`` passes on, the config fields' descriptions, the
starter config (``dataaudit init``) and the roles a baseline or test set keeps. A new role is a line here,
a field on ``Config`` and ``Roles`` (typed, so checks read ``data.roles.x`` checked by mypy), an ``audit()``
keyword, and its checks.

A light module (click only), so the CLI imports it at top level.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import click

__all__ = ["ROLES", "ROLE_BY_KEY", "Role", "role_option", "role_options"]

_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Role:
    """One column role."""

    #: the key in dataaudit.yaml and the ``audit()`` keyword (``ignore_columns``)
    key: str
    #: one column (``str | None``) or many (``tuple[str, ...]``, repeatable and comma-separated on the CLI)
    many: bool
    #: the command-line option's help
    help: str
    #: the config field's description (``dataaudit explain config``)
    description: str
    #: why a check that needs the role was skipped, when it is not set ("": "requires the 'x' role")
    hint: str
    #: the attribute on :class:`~dataaudit.dataset.Roles`, when it differs from ``key``
    attr: str = ""
    #: the starter config's comment (``dataaudit init``), and where the role comes there (lower first)
    starter: str = ""
    starter_rank: int = 99
    #: ``dataaudit init`` guesses it (``roles.detect``); a guessed list is written commented out, with this
    starter_guess: str = ""
    detectable: bool = False
    #: a detected role: what to call its column, and how to declare it (``{col}`` is the column)
    declare: tuple[str, str] | None = None

    @property
    def name(self) -> str:
        """The attribute on ``Roles`` and the role's name in the report (``ignore``)."""
        return self.attr or self.key

    @property
    def option(self) -> str:
        """The command-line option: ``--ingested-at``."""
        return "--" + self.key.replace("_", "-")


ROLES: tuple[Role, ...] = (
    Role(
        "target",
        many=False,
        detectable=True,
        help="Target (label) column.",
        description="the label column a model would predict",
        hint="no target column set (use --target or 'target:' in dataaudit.yaml)",
        starter="the label a model would predict",
        starter_rank=0,
    ),
    Role(
        "sensitive",
        many=True,
        help="Sensitive attribute column (repeatable, or comma-separated).",
        description="sensitive attributes (e.g. gender, age band)",
        hint="no sensitive columns set (use --sensitive or 'sensitive:' in dataaudit.yaml)",
        starter="sensitive attributes, e.g. [gender, age]",
        detectable=True,
        starter_guess="guessed sensitive attributes: uncomment what is right",
        starter_rank=4,
    ),
    Role(
        "timestamp",
        many=False,
        detectable=True,
        help="Event-time column.",
        description="the event-time column",
        hint="no event-time column set or detected (use --timestamp or 'timestamp:' in dataaudit.yaml)",
        starter="event time of each row",
        starter_rank=2,
        declare=("event-time column", "--timestamp {col} or 'timestamp: {col}' in dataaudit.yaml"),
    ),
    Role(
        "ingested_at",
        many=False,
        detectable=True,
        help="Ingestion-time column.",
        description="when each row was ingested",
        hint="no ingestion-time column set (use --ingested-at or 'ingested_at:' in dataaudit.yaml)",
        starter="when each row was ingested",
        starter_rank=3,
    ),
    Role(
        "label_time",
        many=False,
        help="Column with the time each label became known.",
        description="when each row's label became known",
        hint="no label-time column set ('label_time:' in dataaudit.yaml)",
        starter="when each row's label became known",
        starter_rank=5,
    ),
    Role(
        "id",
        many=False,
        detectable=True,
        help="Row id column.",
        description="the row identifier column",
        hint="no id column set or detected (use --id or 'id:' in dataaudit.yaml)",
        starter="unique row identifier",
        starter_rank=1,
        declare=("id column", "--id {col} or 'id: {col}' in dataaudit.yaml"),
    ),
    Role(
        "ignore_columns",
        many=True,
        help="Leave a column out of the audit (repeatable, or comma-separated).",
        description="columns left out of the audit",
        hint="",
        attr="ignore",
        starter="columns left out of the audit",
        starter_rank=6,
    ),
)

ROLE_BY_KEY: Mapping[str, Role] = {r.key: r for r in ROLES}
#: by the role's name on ``Roles`` (``ignore``, not ``ignore_columns``)
ROLE_BY_NAME: Mapping[str, Role] = {r.name: r for r in ROLES}


def role_option(role: Role) -> Callable[[_F], _F]:
    """The click option of one role: ``--target``, or ``--sensitive`` (repeatable)."""
    return click.option(role.option, role.key, multiple=role.many, help=role.help)


def role_options(fn: _F) -> _F:
    """Every role's option, in the table's order (the command receives them as keywords named by key)."""
    for role in reversed(ROLES):
        fn = role_option(role)(fn)
    return fn
