"""The check API: a :class:`Check` computes an :class:`Outcome` from a Dataset; helpers to word and grade
it (:func:`count`, :func:`grade`, :func:`worst_status`). Re-exported by :mod:`dataaudit.model`."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import inspect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

from dataaudit.privacy import mask_text
from dataaudit.values import (
    MAX_MESSAGE_CHARS,
    Area,
    Chart,
    Severity,
    Status,
    Table,
    _charts,
    _tables,
    jsonable,
)

if TYPE_CHECKING:
    from dataaudit.dataset import Dataset

__all__ = [
    "FITS_MODELS",
    "QUICK_REASON",
    "Check",
    "Cost",
    "CheckDoc",
    "Outcome",
    "Param",
    "count",
    "grade",
    "left_out_by_quick",
    "quick_audit",
    "quick_mode",
    "worst_status",
]

#: a check's ``cost`` when it trains models (scikit-learn): ``--quick`` leaves it out
FITS_MODELS: Final = "fits models"
#: what running a check costs: "light", or "fits models"
Cost = Literal["light", "fits models"]
#: the reason a check left out by ``--quick`` (``quick: true``; the pre-commit hook's default) is skipped with
QUICK_REASON = (
    "left out by a quick audit (fits models): --quick, or dataaudit hook without --full; "
    "CI's full audit runs it"
)

# the ids --quick leaves out while a quick audit's checks run, or None outside one (a ContextVar: the checks'
# worker threads run in a copy of the runner's context, see dataaudit.deadline)
_QUICK: contextvars.ContextVar[frozenset[str] | None]
_QUICK = contextvars.ContextVar("dataaudit_quick", default=None)


@contextlib.contextmanager
def quick_audit(left_out: Iterable[str]) -> Iterator[None]:
    """While the checks of a ``--quick`` audit run: ``left_out`` are the ids of the checks it leaves out."""
    token = _QUICK.set(frozenset(left_out))
    try:
        yield
    finally:
        _QUICK.reset(token)


def quick_mode() -> bool:
    """Whether the running audit is a ``--quick`` one. A check may then take a lighter path to the same
    result (the rate tables of the bias checks compute fairlearn's arithmetic without importing it)."""
    return _QUICK.get() is not None


def left_out_by_quick(check_id: str) -> bool:
    """Whether ``--quick`` leaves ``check_id`` out of the running audit: a check that reads another's result
    (the size rules of thumb read the learning curve) treats it as not run."""
    left = _QUICK.get()
    return left is not None and check_id in left


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a check found. Build one with :meth:`ok`, :meth:`warn`, :meth:`fail` or :meth:`skip`."""

    status: Status
    message: str
    observed: Any = None
    expected: Any = None
    columns: tuple[str, ...] = ()
    evidence: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()

    @classmethod
    def make(
        cls,
        status: Status,
        message: str,
        *,
        observed: Any = None,
        expected: Any = None,
        columns: Iterable[Any] = (),
        evidence: Table | Sequence[Table] | None = None,
        chart: Chart | Sequence[Chart] | None = None,
    ) -> Outcome:
        return cls(
            Status(status),
            mask_text(str(message), MAX_MESSAGE_CHARS),
            jsonable(observed),
            jsonable(expected),
            tuple(str(c) for c in columns),
            _tables(evidence),
            _charts(chart),
        )

    @classmethod
    def ok(cls, message: str, **kw: Any) -> Outcome:
        return cls.make(Status.PASS, message, **kw)

    @classmethod
    def warn(cls, message: str, **kw: Any) -> Outcome:
        return cls.make(Status.WARN, message, **kw)

    @classmethod
    def fail(cls, message: str, **kw: Any) -> Outcome:
        return cls.make(Status.FAIL, message, **kw)

    @classmethod
    def skip(cls, reason: str, **kw: Any) -> Outcome:
        return cls.make(Status.SKIPPED, reason, **kw)


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``count(1, "row")`` → ``1 row``; ``count(10150, "row")`` → ``10,150 rows``."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def worst_status(*statuses: Status) -> Status:
    """The most severe of pass, warn and fail among ``statuses`` (pass when there is none)."""
    return max(statuses, key=_GRADED.index, default=Status.PASS)


_GRADED = (Status.PASS, Status.WARN, Status.FAIL)


def grade(value: float, *, warn: float | None, fail: float | None, higher_is_worse: bool) -> Status:
    """Grade ``value`` against a warn/fail threshold pair. ``None`` disables a threshold.

    ``higher_is_worse=True``: fail when value > fail, warn when value > warn (e.g. a missing share).
    ``higher_is_worse=False``: fail when value < fail, warn when value < warn (e.g. a row count).
    """
    worse = (lambda a, b: a > b) if higher_is_worse else (lambda a, b: a < b)
    if fail is not None and worse(value, fail):
        return Status.FAIL
    if warn is not None and worse(value, warn):
        return Status.WARN
    return Status.PASS


# ----------------------------------------------------------------------------------------------------------
# Checks


@dataclass(frozen=True, slots=True)
class CheckDoc:
    """A check's docstring split into its three parts."""

    what: str
    why: str = ""
    how: str = ""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str
    default: Any


_SECTION = re.compile(r"^(what it checks|why it matters|how to fix)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Check:
    """Base class of every check. Subclass it as a frozen dataclass:

    - class constants ``id`` (``area.snake_name``), ``title``, ``area`` and the default ``severity``;
    - tunable parameters as typed dataclass fields with defaults (config keys are validated against them);
    - ``requires``: roles that must be set, e.g. ``("target",)``; without them the runner skips the check
      with the reason, so ``run`` need not test for them;
    - ``all_rows``: ``True`` for a check that takes its counts from ``data.engine`` operations and
      ``data.stats`` (exact over all rows on every engine). On data held out of core (DuckDB, Spark) any
      other check runs on the dataset's seeded sample, as if the table were that sample, and its result
      says so (``scope``); in memory every check sees every row;
    - a docstring: a first paragraph saying what it checks, then ``Why it matters:`` and ``How to fix:``;
    - ``cost``: ``"fits models"`` (:data:`FITS_MODELS`) for a check that trains models (scikit-learn's
      import alone is about 0.6 CPU-seconds): ``--quick`` (``quick: true``) leaves it out, as ``skipped``
      with :data:`QUICK_REASON`; ``"light"`` (the default) for the rest;
    - ``reads``: the ids of the checks whose results it reads (the size rules of thumb read
      ``size.learning_curve``'s, through ``data.memo``): where the checks that fit models run beside the
      others (:mod:`dataaudit.lanes`), it runs after them;
    - ``imports``: the modules its ``run`` imports that are slow to import (scikit-learn's): on two or more
      cores they are imported in the background while the data is read, which mostly waits outside the GIL
      (:func:`dataaudit.lanes.warm_imports`; a ``--quick`` audit, which avoids them, imports none ahead); an
      import that fails there fails again, in ``run``, as before;
    - ``run(data) -> Outcome``: pure; it never reads files, prints or builds HTML.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    area: ClassVar[Area]
    severity: ClassVar[Severity] = Severity.FAIL
    requires: ClassVar[tuple[str, ...]] = ()
    all_rows: ClassVar[bool] = False
    cost: ClassVar[Cost] = "light"
    reads: ClassVar[tuple[str, ...]] = ()
    imports: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        """Threshold pairs named ``*warn_below``/``*fail_below`` (and ``*_above``) must be ordered: a fail
        threshold is never laxer than its warn threshold."""
        for f in dataclasses.fields(self):
            name = f.name
            if "fail_below" in name or "fail_above" in name:
                warn_name = name.replace("fail_", "warn_")
                fail, warn = getattr(self, name), getattr(self, warn_name, None)
                if warn is None or fail is None:
                    continue
                laxer = fail > warn if name.endswith("below") else fail < warn
                if laxer:
                    op = "<=" if name.endswith("below") else ">="
                    raise ValueError(f"{name} ({fail}) must be {op} {warn_name} ({warn})")

    def run(self, data: Dataset) -> Outcome:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__}.run() is not implemented")

    @classmethod
    def doc(cls) -> CheckDoc:
        text = inspect.cleandoc(cls.__doc__ or "")
        parts: dict[str, list[str]] = {"what": [], "why": [], "how": []}
        current = "what"
        for para in re.split(r"\n\s*\n", text):
            para = " ".join(line.strip() for line in para.splitlines()).strip()
            m = _SECTION.match(para)
            if m:
                current = m.group(1).lower().split()[0]  # "what" / "why" / "how"
                para = para[m.end() :]
            if para:
                parts[current].append(para[:1].upper() + para[1:])
        return CheckDoc(*("\n\n".join(parts[k]) for k in ("what", "why", "how")))

    @classmethod
    def parameters(cls) -> tuple[Param, ...]:
        out = []
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else None
            if f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            type_name = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
            out.append(Param(f.name, type_name, default))
        return tuple(out)

    def params(self) -> dict[str, Any]:
        """The parameter values this instance runs with."""
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}
