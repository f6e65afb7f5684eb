"""Inline SVG charts for the HTML report, drawn from a :class:`~dataaudit.model.Chart`'s data.

Geometry lives here, not in templates; every label is escaped. Charts are capped in size.
"""

from __future__ import annotations

import math
import numbers

from markupsafe import Markup, escape

from dataaudit.model import Chart

MAX_BARS = 40
MAX_COLUMNS = 400
MAX_REASON = 200
COLORS = {"bar": "#4c6ef5", "warn": "#e8590c", "line": "#495057"}


def _fmt(v: float, unit: str) -> str:
    if unit == "%":
        return f"{v:.1f}%"
    if unit == "share":
        return f"{v:.1%}"
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:,.3g}"


def render_chart(chart: Chart) -> Markup:
    """Draw ``chart`` as inline SVG. Malformed data (a plugin's, say) never takes the report down: it
    becomes a short, escaped "chart could not be drawn" note where the chart would have been."""
    try:
        draw = _DRAW.get(chart.kind)
        if draw is None:
            raise ValueError(f"unknown chart kind {chart.kind!r} (expected one of {', '.join(_DRAW)})")
        _validate(chart)
        return draw(chart)
    except Exception as exc:  # whatever went wrong, say so in place rather than fail the whole report
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        reason = reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"
        title = getattr(chart, "title", "")
        what = f" ({title})" if isinstance(title, str) and title else ""
        return Markup('<p class="chart-error">chart{} could not be drawn: {}</p>').format(what, reason)


def _validate(c: Chart) -> None:
    """Fail with a readable reason on data the drawing code would crash on or draw nonsense from."""
    if len(c.labels) != len(c.values):
        raise ValueError(f"{len(c.labels)} label(s) for {len(c.values)} value(s)")
    if c.errors is not None and len(c.errors) != len(c.values):
        raise ValueError(f"{len(c.errors)} error bar(s) for {len(c.values)} value(s)")
    extra = tuple(v for v in (c.threshold, c.floor) if v is not None)
    checked = [*c.values, *(c.errors or ()), *extra]
    for v in checked:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise ValueError(f"value {v!r} is not a finite number")


def _bars(c: Chart) -> Markup:
    labels, values = c.labels[:MAX_BARS], c.values[:MAX_BARS]
    if not values:
        return Markup("")
    # optional error bars: a whisker of ± errors[i] around each bar's end (e.g. a rate's 95% interval)
    errs = c.errors[:MAX_BARS] if c.errors else (0.0,) * len(values)
    top = max(max(v + e for v, e in zip(values, errs)), c.threshold or 0) or 1.0
    row, label_w, bar_w, val_w = 18, 170, 360, 120 if c.errors else 70
    height = row * len(values) + 8
    width = label_w + bar_w + val_w
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(c.title)}</title>",
    ]
    for i, (lab, v, e) in enumerate(zip(labels, values, errs)):
        y = 4 + i * row
        w = max(1.0, bar_w * v / top) if v > 0 else 0
        over = c.threshold is not None and v > c.threshold and c.unit in ("%", "share")
        short = lab if len(lab) <= 26 else lab[:25] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{escape(short)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" '
            f'fill="{COLORS["warn"] if over else COLORS["bar"]}"/>'
        )
        text_x = label_w + w + 4
        if e > 0:
            x1, x2 = label_w + bar_w * max(v - e, 0) / top, label_w + bar_w * (v + e) / top
            ym = y + 2 + (row - 5) / 2
            parts.append(
                f'<path d="M{x1:.1f},{ym - 3:.1f}v6M{x1:.1f},{ym:.1f}H{x2:.1f}M{x2:.1f},{ym - 3:.1f}v6" '
                f'stroke="{COLORS["line"]}" fill="none"/>'
            )
            text_x = max(text_x, x2 + 4)
        value = _fmt(v, c.unit) + (f" ± {_fmt(e, c.unit)}" if e > 0 else "")
        parts.append(f'<text x="{text_x:.1f}" y="{y + 12}">{escape(value)}</text>')
    if c.threshold is not None:
        x = label_w + bar_w * c.threshold / top
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height}" stroke="{COLORS["line"]}" '
            'stroke-dasharray="3 3"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _columns(c: Chart) -> Markup:
    labels, values = c.labels[-MAX_COLUMNS:], c.values[-MAX_COLUMNS:]
    if not values:
        return Markup("")
    top = max(values) or 1.0
    width, height, pad = 720, 160, 24
    step = (width - 2 * pad) / len(values)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 20}" '
        f'width="{width}" height="{height + 20}">',
        f"<title>{escape(c.title)}</title>",
    ]
    for i, v in enumerate(values):
        h = (height - 10) * v / top
        fill = COLORS["warn"] if v == 0 else COLORS["bar"]
        h = max(h, 2.0) if v == 0 else h
        parts.append(
            f'<rect x="{pad + i * step:.2f}" y="{height - h:.1f}" width="{max(step - 0.5, 0.5):.2f}" '
            f'height="{h:.1f}" fill="{fill}">'
            f"<title>{escape(labels[i])}: {escape(_fmt(v, c.unit))}</title></rect>"
        )
    parts.append(f'<text x="{pad}" y="{height + 15}">{escape(labels[0])}</text>')
    parts.append(f'<text x="{width - pad}" y="{height + 15}" text-anchor="end">{escape(labels[-1])}</text>')
    parts.append(f'<text x="{pad}" y="10">max {escape(_fmt(top, c.unit))} {escape(c.unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _curve(c: Chart) -> Markup:
    if not c.values:
        return Markup("")
    errs = c.errors or tuple(0.0 for _ in c.values)
    lo = min(v - e for v, e in zip(c.values, errs))
    hi = max(v + e for v, e in zip(c.values, errs))
    if c.threshold is not None:
        lo, hi = min(lo, c.threshold), max(hi, c.threshold)
    if c.floor is not None and lo >= c.floor:
        lo = c.floor  # e.g. ROC AUC from 0.5 (chance): the height shows the distance from chance
    span = (hi - lo) or 1.0
    width, height, pad = 520, 200, 40
    n = len(c.values)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
        return x, height - pad - (height - 2 * pad) * (v - lo) / span

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(c.title)}</title>",
    ]
    pts = [xy(i, v) for i, v in enumerate(c.values)]
    parts.append(
        '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            COLORS["bar"], " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        )
    )
    if c.floor is not None and lo == c.floor:
        _, y0 = xy(0, lo)
        parts.append(
            f'<line x1="{pad}" x2="{width - pad}" y1="{y0:.1f}" y2="{y0:.1f}" stroke="{COLORS["line"]}"/>'
            f'<text x="{pad - 4}" y="{y0 + 4:.1f}" text-anchor="end">{escape(_fmt(lo, c.unit))}</text>'
        )
    for i, ((x, y), v, e) in enumerate(zip(pts, c.values, errs)):
        if e:
            _, y1 = xy(i, v - e)
            _, y2 = xy(i, v + e)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y1:.1f}" y2="{y2:.1f}" stroke="{COLORS["line"]}"/>'
            )
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLORS["bar"]}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{height - pad + 16}" text-anchor="middle">{escape(c.labels[i])}</text>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">{escape(_fmt(v, c.unit))}</text>'
        )
    if c.threshold is not None:
        _, y = xy(0, c.threshold)
        parts.append(
            f'<line x1="{pad}" x2="{width - pad}" y1="{y:.1f}" y2="{y:.1f}" stroke="{COLORS["warn"]}" '
            'stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


_DRAW = {"bars": _bars, "columns": _columns, "curve": _curve}


def sparkline(heights: tuple[float, ...], kind: str) -> Markup:
    """The overview's picture of one column: a histogram (bars side by side) or the most frequent values'
    shares (bars with gaps), drawn from bar heights in [0, 1]."""
    if not heights or kind not in ("histogram", "top"):
        return Markup("")
    n = len(heights[:MAX_BARS])
    width, height = 72, 16
    gap = 0.0 if kind == "histogram" else 1.5
    step = width / n
    what = "histogram of the values" if kind == "histogram" else "shares of the most frequent values"
    parts = [
        f'<svg class="spark" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>{what}</title>"
    ]
    for i, h in enumerate(heights[:MAX_BARS]):
        bh = max(1.0, (height - 1) * max(0.0, min(1.0, float(h)))) if h > 0 else 0.0
        parts.append(
            f'<rect x="{i * step:.2f}" y="{height - bh:.2f}" width="{max(step - gap - 0.4, 0.6):.2f}" '
            f'height="{bh:.2f}" fill="{COLORS["bar"]}"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def meter(share: float) -> Markup:
    """A tiny inline bar for a share in [0, 1] (the overview's missing column)."""
    w = max(0.0, min(1.0, share)) * 60
    color = COLORS["warn"] if share > 0.05 else COLORS["bar"]
    return Markup(
        f'<svg class="meter" width="60" height="8" aria-hidden="true"><rect width="60" height="8" '
        f'fill="#e9ecef"/><rect width="{w:.1f}" height="8" fill="{color}"/></svg>'
    )
