"""The check API and the frozen results: ``Check`` → ``Outcome`` → ``CheckResult`` → ``Report``.

The results and the report live here; the vocabulary (areas, statuses, tables, charts) in
:mod:`dataaudit.values` and the check API (``Check``, ``Outcome``, ``grade``...) in
:mod:`dataaudit.check_api`, both re-exported, so ``from dataaudit.model import Check`` keeps working.

A check computes an :class:`Outcome` from a :class:`~dataaudit.dataset.Dataset`; the runner wraps it into a
:class:`CheckResult` (timing, severity, errors); the :class:`Report` holds every result and is what renderers
turn into console, JSON and HTML output. Nothing here renders HTML or reads files.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

# the vocabulary and the check API live in their own modules; ``from dataaudit.model import X`` keeps working
from dataaudit.check_api import Check, CheckDoc, Outcome, Param, count, grade, worst_status
from dataaudit.engine.scope import Scope
from dataaudit.values import (
    MAX_CELL_CHARS,
    MAX_EVIDENCE_ROWS,
    MAX_MESSAGE_CHARS,
    STATUS_ORDER,
    Area,
    Chart,
    Severity,
    Status,
    Table,
    jsonable,
)

if TYPE_CHECKING:
    import pandas as pd

    from dataaudit.profile import ProfileInfo
    from dataaudit.snapshot import Snapshot

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_EVIDENCE_ROWS",
    "MAX_MESSAGE_CHARS",
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
    "STATUS_ORDER",
    "Status",
    "Summary",
    "Table",
    "count",
    "grade",
    "in_status_order",
    "jsonable",
    "worst_status",
]


def in_status_order(
    results: Iterable[CheckResult], statuses: Iterable[Status] = STATUS_ORDER
) -> list[CheckResult]:
    """The results whose status is one of ``statuses``, worst first (:data:`STATUS_ORDER`), stable."""
    keep = set(statuses)
    return sorted((r for r in results if r.status in keep), key=lambda r: STATUS_ORDER.index(r.status))


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


@dataclass(frozen=True, slots=True)
class Summary:
    """How many checks ended in each status, overall and per area (every status listed, zeros too)."""

    checks: int
    by_status: Mapping[str, int]
    by_area: Mapping[str, Mapping[str, int]]

    @classmethod
    def of(cls, results: Sequence[CheckResult]) -> Summary:
        statuses = [str(s) for s in Status]
        total = {s: 0 for s in statuses}
        areas: dict[str, dict[str, int]] = {}
        for r in results:
            total[str(r.status)] += 1
            areas.setdefault(str(r.area), {s: 0 for s in statuses})[str(r.status)] += 1
        return cls(len(results), total, areas)

    def to_dict(self) -> dict[str, Any]:
        """As in the JSON report: ``{"checks": n, "by_status": {...}, "by_area": {area: {...}}}``."""
        return {
            "checks": self.checks,
            "by_status": dict(self.by_status),
            "by_area": {a: dict(c) for a, c in self.by_area.items()},
        }

    def __getitem__(self, key: str) -> Any:
        """``report.summary["by_status"]``, as when the summary was a dict."""
        return self.to_dict()[key]


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
    snapshot: Snapshot | None = field(default=None, compare=False, repr=False)
    #: the companion ydata-profiling report's :class:`~dataaudit.profile.ProfileInfo` (``--profile``)
    profile: ProfileInfo | None = field(default=None, compare=False, repr=False)

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
    def summary(self) -> Summary:
        return Summary.of(self.results)

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
        counts = self.summary.by_status
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
