"""What a result covers: all rows, a seeded sample, or an approximation (a sketched count or quantile).

The runner opens a :func:`tracking` context around each check; the dataset notes in it when the check reads
rows of a sample (``data.frame`` of an out-of-core dataset, ``data.sample()`` smaller than the table) or an
approximate figure, and the runner turns what was noted into the result's :class:`Scope`. Nothing a check
does is assumed to cover all rows when it did not: the scope is observed, not declared.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Scope", "note_approximate", "note_sample", "tracking"]


@dataclass(frozen=True, slots=True)
class Scope:
    """``kind``: ``all`` (every row), ``sample`` (a seeded sample of ``rows`` of ``total`` rows) or
    ``approximate`` (all rows, but through a sketch: a HyperLogLog distinct count, an approximate
    quantile)."""

    kind: Literal["all", "sample", "approximate"]
    rows: int
    total: int

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rows": self.rows, "total": self.total}

    @property
    def text(self) -> str:
        if self.kind == "sample":
            return f"a seeded sample of {self.rows:,} of {self.total:,} rows"
        if self.kind == "approximate":
            return f"approximate, over all {self.total:,} rows"
        return f"all {self.total:,} rows"

    @property
    def short(self) -> str:
        """For a badge: ``sample 100,000 rows`` / ``approximate``; empty for all rows."""
        if self.kind == "sample":
            return f"sample of {self.rows:,} rows"
        return "approximate" if self.kind == "approximate" else ""


class _Tracker:
    __slots__ = ("approximate", "sample_rows")

    def __init__(self) -> None:
        self.sample_rows: int | None = None
        self.approximate = False

    def scope(self, total: int) -> Scope:
        if self.sample_rows is not None and self.sample_rows < total:
            return Scope("sample", self.sample_rows, total)
        if self.approximate:
            return Scope("approximate", total, total)
        return Scope("all", total, total)


_current: contextvars.ContextVar[_Tracker | None] = contextvars.ContextVar("dataaudit_scope", default=None)


@contextlib.contextmanager
def tracking() -> Iterator[_Tracker]:
    """Track what the code run inside reads (see :func:`note_sample`); the context is copied into the
    thread a check runs in (dataaudit.deadline), so the check's reads are noted here."""
    tracker = _Tracker()
    token = _current.set(tracker)
    try:
        yield tracker
    finally:
        _current.reset(token)


def note_sample(rows: int) -> None:
    """The running check read a sample of ``rows`` rows (the largest sample read is what is reported)."""
    tracker = _current.get()
    if tracker is not None:
        tracker.sample_rows = rows if tracker.sample_rows is None else max(tracker.sample_rows, rows)


def note_approximate() -> None:
    tracker = _current.get()
    if tracker is not None:
        tracker.approximate = True
