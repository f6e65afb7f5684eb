"""The self-contained HTML report: Jinja2 with autoescape and StrictUndefined, inline CSS and SVG."""

from __future__ import annotations

import importlib.resources
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dataaudit.model import Area, Report, Status
from dataaudit.report.svg import meter, render_chart

STATUS_ORDER = [Status.FAIL, Status.ERROR, Status.WARN, Status.PASS, Status.SKIPPED]


def _env() -> Environment:
    folder = importlib.resources.files("dataaudit.templates")
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["chart"] = render_chart
    env.filters["meter"] = meter
    env.filters["num"] = _num
    env.filters["cell"] = _cell
    return env


def _num(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return "—" if v is None else str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _cell(v: Any, column: str = "") -> str:
    """A table cell; floats in a column named like ``share``/``rate`` read as percentages."""
    if isinstance(v, float) and column.split(" ")[0].endswith(("share", "rate")) and -1 <= v <= 1:
        return f"{v:.1%}"
    return "" if v is None else _num(v) if isinstance(v, (int, float)) else str(v)


def _size(n: int | None) -> str:
    if n is None:
        return "in memory"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def render_html(report: Report) -> str:
    by_area = report.by_area()
    areas = []
    for area in Area:
        results = sorted(by_area.get(area, ()), key=lambda r: STATUS_ORDER.index(r.status))
        if not results and area == Area.DRIFT:
            continue
        counts = {s.value: sum(r.status == s for r in results) for s in Status}
        worst = next((s for s in STATUS_ORDER if counts[s.value]), None)
        areas.append(
            {
                "area": area,
                "question": area.question,
                "results": results,
                "counts": counts,
                "worst": worst.value if worst else "none",
            }
        )
    config = {k: v for k, v in report.config.items() if k != "path" and v not in (None, [], {}, ())}
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            r=report,
            areas=areas,
            blocking=report.blocking,
            statuses=[s.value for s in STATUS_ORDER],
            size=_size(report.dataset.bytes),
            config_yaml=yaml.safe_dump(config, sort_keys=False, allow_unicode=True, default_flow_style=False),
        )
    )
