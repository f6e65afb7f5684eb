"""The "Changes since baseline" section of the HTML report: which drift results to show, and the small
inline SVG bars comparing the baseline's shares with the new data's, per bin or category.

The numbers come from the drift checks' ``observed`` data (``bars``: labels, old and new shares); this module
only lays them out. Every label is escaped.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

from dataaudit.model import Report, Status

__all__ = ["drift_bars", "drift_rows"]

OLD_COLOR = "#adb5bd"
NEW_COLOR = "#4c6ef5"
MAX_BINS = 12


def _num(v: Any) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else 0.0


def drift_rows(report: Report) -> list[dict[str, Any]]:
    """One row per compared column (the target first), from ``drift.target`` and ``drift.distribution``;
    empty when no drift check ran."""
    rows: list[dict[str, Any]] = []
    for check_id, role in (("drift.target", "target"), ("drift.distribution", "")):
        try:
            r = report.result(check_id)
        except KeyError:
            continue
        if r.status in (Status.SKIPPED, Status.ERROR) or not isinstance(r.observed, dict):
            continue
        for bars in r.observed.get("bars") or ():
            if not isinstance(bars, dict):
                continue
            # the check names the shifted features (PSI above its warn_above): not judged again here
            flagged = check_id == "drift.distribution" and bars.get("column") in r.columns
            rows.append(
                {**bars, "role": role, "flagged": flagged or (role == "target" and r.status != "pass")}
            )
    return rows


def drift_bars(bars: dict[str, Any], width: int = 260) -> Markup:
    """Paired horizontal bars (baseline grey above, new blue below) per bin or category, with labels."""
    labels = [str(x) for x in (bars.get("labels") or ())][:MAX_BINS]
    old = [_num(x) for x in (bars.get("old") or ())][: len(labels)]
    new = [_num(x) for x in (bars.get("new") or ())][: len(labels)]
    if not labels or len(old) != len(labels) or len(new) != len(labels):
        return Markup('<span class="muted">—</span>')
    top = max([*old, *new, 1e-9])
    label_w, bar_w, row_h = 96, width - 96 - 40, 14
    parts = [
        f'<svg class="drift-bars" width="{width}" height="{row_h * len(labels) + 4}" '
        f'viewBox="0 0 {width} {row_h * len(labels) + 4}" role="img">'
    ]
    for i, (lab, o, n) in enumerate(zip(labels, old, new)):
        y = 2 + i * row_h
        short = lab if len(lab) <= 15 else lab[:14] + "…"
        parts.append(
            f'<text x="{label_w - 4}" y="{y + 10}" text-anchor="end" font-size="10">{escape(short)}'
            f"<title>{escape(lab)}: baseline {o:.1%}, new {n:.1%}</title></text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 1}" width="{bar_w * o / top:.1f}" height="5" fill="{OLD_COLOR}"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 6}" width="{bar_w * n / top:.1f}" height="5" fill="{NEW_COLOR}"/>'
        )
        parts.append(
            f'<text x="{label_w + bar_w + 4}" y="{y + 10}" font-size="9" fill="#5c636a">'
            f"{(n - o) * 100:+.1f}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
