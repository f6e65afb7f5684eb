"""The check API and the frozen results: ``Check`` → ``Outcome`` → ``CheckResult`` → ``Report``.

A check computes an :class:`Outcome` from a :class:`~dataaudit.dataset.Dataset`; the runner wraps it into a
:class:`CheckResult` (timing, severity, errors); the :class:`Report` holds every result and is what renderers
turn into console, JSON and HTML output. Nothing here renders HTML or reads files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from dataaudit.engine.scope import Scope
from dataaudit.privacy import mask_text

if TYPE_CHECKING:
    import pandas as pd

    from dataaudit.dataset import Dataset

__all__ = [
    "Area",
    "Chart",
    "Check",
    "CheckDoc",
    "CheckResult",
    "ColumnSummary",
    "DatasetInfo",
    "Outcome",
    "Param",
    "Report",
    "UnknownCheckError",
    "Severity",
    "Status",
    "Table",
    "count",
    "grade",
    "jsonable",
    "worst_status",
]

MAX_EVIDENCE_ROWS = 50
MAX_CELL_CHARS = 200
MAX_MESSAGE_CHARS = 1000


class Area(StrEnum):
    """The five questions of the checklist (plus drift, which needs a baseline, and split, which needs a
    test set)."""

    SIZE = "size"
    CONSISTENCY = "consistency"
    BIAS = "bias"
    POLICY = "policy"
    LATENCY = "latency"
    DRIFT = "drift"
    SPLIT = "split"

    @property
    def question(self) -> str:
        return _AREA_QUESTIONS[self]


_AREA_QUESTIONS = {
    Area.SIZE: "Do we have enough data?",
    Area.CONSISTENCY: "Is it reliable, clean and consistent?",
    Area.BIAS: "Could problems or biases in it hurt a model?",
    Area.POLICY: "What are the rules governing its use?",
    Area.LATENCY: "Is it fresh and timely?",
    Area.DRIFT: "What changed since the baseline?",
    Area.SPLIT: "Is the train/test split honest?",
}


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"
    WAIVED = "waived"  # a warn/fail accepted by a waiver in dataaudit.yaml (see dataaudit.waivers)


class Severity(StrEnum):
    """The worst status a check may report. ``warn`` caps a ``fail`` outcome at ``warn``."""

    WARN = "warn"
    FAIL = "fail"


# ----------------------------------------------------------------------------------------------------------
# JSON-ready values: checks may hand us numpy / pandas scalars; they are converted here, at the edge.


def jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars, timestamps and containers to plain JSON-ready Python values."""
    if value is None or value.__class__.__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    # numpy / pandas scalars, without importing them
    kind = type(value).__module__.split(".")[0]
    if kind in ("numpy", "pandas"):
        if hasattr(value, "isoformat"):  # pd.Timestamp
            try:
                return None if value != value else value.isoformat()  # NaT != NaT
            except (TypeError, ValueError):
                return str(value)
        if hasattr(value, "total_seconds"):  # pd.Timedelta
            return None if value != value else value.total_seconds()
        if hasattr(value, "item"):
            return jsonable(value.item())
        if hasattr(value, "tolist"):
            return jsonable(value.tolist())
    return str(value)


def _cell(value: Any) -> Any:
    value = jsonable(value)
    if isinstance(value, str):  # evidence never repeats personal data: e-mails and id-like numbers masked
        return mask_text(value, MAX_CELL_CHARS)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (list, dict)):
        return _cell(str(value))
    return value


@dataclass(frozen=True, slots=True)
class Table:
    """A small evidence table. Rows beyond ``MAX_EVIDENCE_ROWS`` are dropped; ``total_rows`` says how many
    there were, so a renderer can say "showing 50 of 1,204"."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    title: str = ""
    total_rows: int = 0

    @classmethod
    def of(
        cls,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        title: str = "",
        max_rows: int = MAX_EVIDENCE_ROWS,
    ) -> Table:
        columns = tuple(str(c) for c in columns)
        all_rows = list(rows)
        for i, row in enumerate(all_rows[:max_rows]):
            if len(row) != len(columns):
                raise ValueError(f"evidence row {i} has {len(row)} values for {len(columns)} columns")
        kept = tuple(tuple(_cell(v) for v in row) for row in all_rows[:max_rows])
        return cls(columns, kept, title, len(all_rows))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, title: str = "", max_rows: int = MAX_EVIDENCE_ROWS) -> Table:
        head = frame.head(max_rows)
        table = cls.of(list(frame.columns), head.itertuples(index=False, name=None), title, max_rows)
        return dataclasses.replace(table, total_rows=len(frame))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "total_rows": self.total_rows,
        }


@dataclass(frozen=True, slots=True)
class Chart:
    """Data for a small chart; the HTML renderer draws it as inline SVG.

    kinds: ``bars`` (horizontal bars, one per label: e.g. missing share per column), ``columns`` (vertical
    bars in order: e.g. rows per day), ``curve`` (points with optional error bars: e.g. a learning curve).
    ``threshold`` draws a reference line at that value; ``floor`` starts a curve's value axis there when the
    values stay above it (0.5 for ROC AUC, where 0.5 is chance), so the picture shows how far from chance.
    """

    kind: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    title: str = ""
    unit: str = ""
    errors: tuple[float, ...] | None = None
    threshold: float | None = None
    floor: float | None = None

    KINDS: ClassVar[tuple[str, ...]] = ("bars", "columns", "curve")

    @classmethod
    def of(cls, kind: str, labels: Iterable[Any], values: Iterable[Any], **kw: Any) -> Chart:
        """Build a chart, checking its shape: a malformed chart fails inside the check (an ``error``
        result), never later in the renderer."""
        errors = kw.pop("errors", None)
        chart = cls(
            kind,
            tuple(mask_text(str(x), 80) for x in labels),
            tuple(float(jsonable(v) or 0.0) for v in values),
            errors=None if errors is None else tuple(float(jsonable(e) or 0.0) for e in errors),
            **kw,
        )
        if kind not in cls.KINDS:
            raise ValueError(f"chart kind {kind!r} is not one of {', '.join(cls.KINDS)}")
        if len(chart.labels) != len(chart.values):
            raise ValueError(f"chart has {len(chart.labels)} labels for {len(chart.values)} values")
        if chart.errors is not None and len(chart.errors) != len(chart.values):
            raise ValueError(f"chart has {len(chart.errors)} error bars for {len(chart.values)} values")
        return chart

    def to_dict(self) -> dict[str, Any]:
        return jsonable(dataclasses.asdict(self))


def _tables(evidence: Table | Sequence[Table] | None) -> tuple[Table, ...]:
    if evidence is None:
        return ()
    if isinstance(evidence, Table):
        return (evidence,)
    return tuple(evidence)


def _charts(chart: Chart | Sequence[Chart] | None) -> tuple[Chart, ...]:
    if chart is None:
        return ()
    if isinstance(chart, Chart):
        return (chart,)
    return tuple(chart)


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
    - ``run(data) -> Outcome``: pure; it never reads files, prints or builds HTML.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    area: ClassVar[Area]
    severity: ClassVar[Severity] = Severity.FAIL
    requires: ClassVar[tuple[str, ...]] = ()
    all_rows: ClassVar[bool] = False

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


@dataclass(frozen=True, slots=True, repr=False)
class CheckResult:
    """One check's result inside a report: the outcome plus what the runner knows around it.

    ``repr()`` is one line (id, status, message); every field is still an attribute, and ``to_dict()``
    has them all."""

    id: str
    area: Area
    title: str
    status: Status
    severity: Severity
    message: str
    columns: tuple[str, ...] = ()
    observed: Any = None
    expected: Any = None
    evidence: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    duration_s: float = 0.0
    source: str = "builtin"
    doc: CheckDoc = CheckDoc("")
    params: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None  # "ExceptionType: message" when status is error
    traceback: str | None = None  # kept for --debug; never rendered into reports
    waiver: Mapping[str, Any] | None = None  # the waiver that matched: check, columns, reason, owner, expires
    #: what the result covers: all rows, a seeded sample, or an approximation (None when skipped or errored)
    scope: Scope | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "area": str(self.area),
            "title": self.title,
            "status": str(self.status),
            "severity": str(self.severity),
            "message": self.message,
            "columns": list(self.columns),
            "observed": self.observed,
            "expected": self.expected,
            "evidence": [t.to_dict() for t in self.evidence],
            "charts": [c.to_dict() for c in self.charts],
            "duration_s": round(self.duration_s, 4),
            "source": self.source,
            "params": jsonable(self.params),
            "error": self.error,
            "waiver": jsonable(self.waiver),
            "scope": self.scope.to_dict() if self.scope else None,
        }

    def __repr__(self) -> str:
        return f"<CheckResult {self.id}: {self.status.value} · {_clip(self.message, 120)}>"


# ----------------------------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    path: str | None
    format: str
    bytes: int | None
    sha256: str | None
    rows: int
    columns: int
    load_seconds: float
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    #: column → {null token: cells read as missing} (see dataaudit.loading.nulls)
    null_tokens: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    #: the engine that held the data (pandas, duckdb, spark) and why it was chosen
    engine: str = "pandas"
    engine_reason: str = ""
    #: rows the row-level checks read when the data is out of core (None: every row was in memory)
    sample_rows: int | None = None


@dataclass(frozen=True, slots=True)
class ColumnSummary:
    """One line of the dataset overview. ``examples`` are already masked where they may be personal data."""

    name: str
    dtype: str
    kind: str
    missing: int
    missing_share: float
    distinct: int
    examples: tuple[str, ...]
    role: str | None = None
    #: a small picture of the values: bar heights in [0, 1], the tallest 1 (see :mod:`dataaudit.overview`)
    shape: tuple[float, ...] = ()
    #: ``histogram`` (equal-width bins, minimum to maximum), ``top`` (most frequent values' shares) or ""
    shape_kind: str = ""
    #: the null tokens read as missing in this column, most frequent first: ((token, cells), ...)
    null_tokens: tuple[tuple[str, int], ...] = ()


class UnknownCheckError(KeyError):
    """``report.result(id)`` for an id the report has no result for; the message names close matches."""

    def __str__(self) -> str:  # KeyError's str() would quote the sentence
        return str(self.args[0]) if self.args else ""


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True, repr=False)
class Report:
    """The frozen result of an audit. Renderers are pure functions of it.

    In a notebook: ``report`` renders the HTML report inline, ``repr(report)`` is one line (verdict and
    counts), ``report.to_frame()`` is one row per check, ``report.result("size.min_rows")`` one result and
    ``report.save_html("report.html")`` writes the report."""

    tool: Mapping[str, str]
    dataset: DatasetInfo
    roles: Mapping[str, Any]
    detected_roles: tuple[str, ...]
    as_of: dt.datetime
    fail_on: Severity
    results: tuple[CheckResult, ...]
    overview: tuple[ColumnSummary, ...]
    config: Mapping[str, Any]
    notes: tuple[str, ...] = ()
    durations: Mapping[str, float] = field(default_factory=dict)
    #: the audited data's :class:`~dataaudit.snapshot.Snapshot` when one was asked for (``--save-snapshot``);
    #: written to its own file, not part of the JSON report
    snapshot: Any = field(default=None, compare=False, repr=False)
    #: the companion ydata-profiling report's :class:`~dataaudit.profile.ProfileInfo` (``--profile``)
    profile: Any = field(default=None, compare=False, repr=False)

    # -- judgement --------------------------------------------------------------------------------------
    @property
    def blocking(self) -> tuple[CheckResult, ...]:
        """Results that make the data not ready under ``fail_on``. An ``error`` blocks: a check that could
        not run has not shown the data is fine."""
        blocking_statuses = {Status.FAIL, Status.ERROR}
        if self.fail_on == Severity.WARN:
            blocking_statuses.add(Status.WARN)
        return tuple(r for r in self.results if r.status in blocking_statuses)

    @property
    def ready(self) -> bool:
        return not self.blocking

    @property
    def verdict(self) -> str:
        return "ready" if self.ready else "not_ready"

    @property
    def summary(self) -> dict[str, Any]:
        statuses = [str(s) for s in Status]
        total = {s: 0 for s in statuses}
        areas: dict[str, dict[str, int]] = {}
        for r in self.results:
            total[str(r.status)] += 1
            areas.setdefault(str(r.area), {s: 0 for s in statuses})[str(r.status)] += 1
        return {"checks": len(self.results), "by_status": total, "by_area": areas}

    def by_area(self) -> dict[Area, tuple[CheckResult, ...]]:
        out: dict[Area, list[CheckResult]] = {}
        for r in self.results:
            out.setdefault(r.area, []).append(r)
        return {a: tuple(v) for a, v in out.items()}

    def result(self, check_id: str) -> CheckResult:
        """The result of check ``check_id``; :class:`UnknownCheckError` (a ``KeyError``) names close
        matches when the report has none."""
        for r in self.results:
            if r.id == check_id:
                return r
        import difflib

        ids = [r.id for r in self.results]
        close = difflib.get_close_matches(check_id, ids, n=3, cutoff=0.6)
        if not close:  # 'min_rows' for 'size.min_rows': match on the part after the area
            tails = {i.partition(".")[2]: i for i in ids}
            close = [tails[m] for m in difflib.get_close_matches(check_id, list(tails), n=3, cutoff=0.6)]
        in_area = [i for i in ids if i.startswith(check_id.rstrip(".") + ".")]
        if close:
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?"
        elif in_area:
            hint = f"; {check_id!r} is an area, its checks here: {', '.join(in_area)}"
        else:
            hint = f" (it has {len(ids)}; see [r.id for r in report.results])"
        raise UnknownCheckError(f"no result for check {check_id!r} in this report{hint}")

    def __repr__(self) -> str:
        counts = self.summary["by_status"]
        shown = ", ".join(f"{counts[s]} {s}" for s in counts if counts[s])
        name = self.dataset.path or "DataFrame"
        return (
            f"<Report {self.verdict.replace('_', ' ')}: {name} · {self.dataset.rows:,} rows × "
            f"{self.dataset.columns:,} columns · {len(self.results)} checks ({shown or 'none'}) · "
            f"fail_on={self.fail_on.value}>"
        )

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame with one row per check: id, area, title, status, severity, blocking, message,
        columns (comma-separated), observed, expected, duration_s, waived. ``observed`` and ``expected`` are
        as in the JSON report (numbers, strings or small mappings)."""
        import pandas as pd

        blocking = {r.id for r in self.blocking}
        rows = [
            {
                "id": r.id,
                "area": str(r.area),
                "title": r.title,
                "status": str(r.status),
                "severity": str(r.severity),
                "blocking": r.id in blocking,
                "message": r.message,
                "columns": ", ".join(r.columns),
                "observed": jsonable(r.observed),
                "expected": jsonable(r.expected),
                "duration_s": round(r.duration_s, 4),
                "waived": r.waiver is not None,
            }
            for r in self.results
        ]
        columns = ["id", "area", "title", "status", "severity", "blocking", "message", "columns"]
        columns += ["observed", "expected", "duration_s", "waived"]
        return pd.DataFrame(rows, columns=columns)

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the HTML report to ``path`` (UTF-8; folders are created) and return the path."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.to_html(), encoding="utf-8", newline="\n")
        return out

    # -- rendering (pure functions in dataaudit.report) --------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        from dataaudit.report.json import report_to_dict

        return report_to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        from dataaudit.report.json import report_to_json

        return report_to_json(self, indent=indent)

    def to_html(self) -> str:
        from dataaudit.report.html import render_html

        return render_html(self)

    def _repr_html_(self) -> str:
        """Jupyter: the report inside an iframe, so its styles don't leak into the notebook."""
        from dataaudit.report.html import render_notebook

        return render_notebook(self)
