"""The audit's vocabulary: areas, statuses and severities, and the evidence values a check hands over
(tables, charts, JSON-ready numbers). Re-exported by :mod:`dataaudit.model`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from dataaudit.privacy import mask_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_EVIDENCE_ROWS", "STATUS_ORDER", "Area", "Chart", "Severity", "Status", "Table", "jsonable"]

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


#: worst first: the order every renderer lists statuses and results in (console, Markdown, JUnit, HTML)
STATUS_ORDER: tuple[Status, ...] = (
    Status.FAIL,
    Status.ERROR,
    Status.WARN,
    Status.WAIVED,
    Status.PASS,
    Status.SKIPPED,
)


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
