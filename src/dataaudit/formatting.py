"""What checks share when they word a result: a graded :class:`Finding` per column, ranked worst first, and
the formatters of shares and lists their messages use.

A check that grades several columns builds one ``Finding`` per column, with its own typed measurements in
``detail`` (no positional tuples), ranks them with :func:`worst_first` and reads the overall status and the
flagged columns from :func:`overall` and :func:`flagged_columns`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from dataaudit.model import Status, worst_status

__all__ = ["Finding", "flagged_columns", "listed", "overall", "percent", "quoted", "worst_first"]

T = TypeVar("T")


@dataclass(frozen=True)
class Finding(Generic[T]):
    """One column (or attribute) graded by a check: its status, the number it is ranked by (larger is worse)
    and the check's own measurements of it."""

    status: Status
    column: str
    score: float
    detail: T


def worst_first(findings: Iterable[Finding[T]]) -> list[Finding[T]]:
    """The findings by score, largest first (ties keep their order)."""
    return sorted(findings, key=lambda f: -f.score)


def overall(findings: Iterable[Finding[T]]) -> Status:
    """The worst status among the findings (pass when there is none)."""
    return worst_status(*(f.status for f in findings))


def flagged_columns(findings: Iterable[Finding[T]]) -> list[str]:
    """The columns of the findings that did not pass, in order."""
    return [f.column for f in findings if f.status != Status.PASS]


def percent(x: float) -> str:
    """A share as a percentage with enough digits to tell small shares apart from zero."""
    if x == 0:
        return "0%"
    if x < 0.0001:
        return f"{x:.3%}"
    if x < 0.01:
        return f"{x:.2%}"
    return f"{x:.0%}" if x >= 0.995 else f"{x:.1%}"


def listed(texts: Sequence[str], limit: int = 3, sep: str = "; ") -> str:
    """The first ``limit`` texts joined, and how many more there are: ``a; b; c; and 2 more``."""
    shown = sep.join(texts[:limit])
    return shown + (f"; and {len(texts) - limit} more" if len(texts) > limit else "")


def quoted(names: Iterable[object], limit: int = 5) -> str:
    """The first ``limit`` names quoted, and how many more there are: ``'a', 'b' and 2 more``."""
    items = list(names)
    text = ", ".join(repr(c) for c in items[:limit])
    return text + (f" and {len(items) - limit} more" if len(items) > limit else "")
