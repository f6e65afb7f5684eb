"""A concise Markdown summary (``--markdown PATH``) for pull-request comments and GitHub's step summary.

The verdict, counts per area, then each failing, erroring and warning check with its message, waived
findings with their reason, owner and expiry, and the notes. Every piece of text from the data or the config
is escaped: Markdown punctuation and HTML are shown literally, pipes cannot break a table, newlines cannot
start a new block.
"""

from __future__ import annotations

import re
from pathlib import Path

from dataaudit.model import Area, Report, Status

__all__ = ["md_escape", "render_markdown"]

MAX_LISTED = 50
MAX_MESSAGE = 400
_ICON = {
    Status.FAIL: "❌",
    Status.ERROR: "💥",
    Status.WARN: "⚠️",
    Status.WAIVED: "🛡️",
    Status.PASS: "✅",
    Status.SKIPPED: "⏭️",
}
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LEADING = re.compile(r"^([#+\-=])")
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")


def md_escape(text: object, limit: int | None = MAX_MESSAGE) -> str:
    """``text`` shown literally in Markdown, on one line: special characters backslash-escaped (pipes too,
    so a table cell stays one cell), ``&`` as an entity, whitespace runs as one space."""
    s = " ".join(str(text).split())
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "…"
    s = _SPECIAL.sub(r"\\\1", s.replace("&", "&amp;"))
    # a leading "#", "-" or "1." would start a heading or a list
    return _LEADING_NUMBER.sub(r"\1\\\2", _LEADING.sub(r"\\\1", s))


def _code(text: object) -> str:
    """An identifier in a code span; backticks inside are impossible to escape there, so they are dropped
    and pipes are escaped (GitHub splits table cells on them even inside code)."""
    s = " ".join(str(text).split()).replace("`", "'").replace("|", "\\|")
    return f"`{s}`"


def _version(text: object) -> str:
    """A version string mid-line: only the characters a version uses (PEP 440), none of them Markdown."""
    return re.sub(r"[^A-Za-z0-9.+!-]", "", str(text))[:40]


def render_markdown(report: Report, html: str | None = None, artifacts_url: str | None = None) -> str:
    """The summary. ``html``: the HTML report's path, named at the end; ``artifacts_url``: where the CI run
    keeps it (GitHub Actions: the run page's artifacts), linked beside it."""
    d = report.dataset
    name = d.path or "DataFrame"
    icon = "✅" if report.ready else "❌"
    verdict = "READY" if report.ready else "NOT READY"
    lines = [
        f"## {icon} dataaudit: {verdict} — {_code(name)}",
        "",
        f"{d.rows:,} rows × {d.columns:,} columns · as of {report.as_of:%Y-%m-%d %H:%M} UTC · "
        # not md_escape: its rule against a leading "1." (an ordered list) made 0.1.0 read "0\\.1.0"
        f"fail on: {report.fail_on} · dataaudit {_version(report.tool.get('version', ''))}",
        "",
    ]
    statuses = [
        s for s in (Status.FAIL, Status.ERROR, Status.WARN, Status.WAIVED, Status.PASS, Status.SKIPPED)
    ]
    by_area = report.summary["by_area"]
    lines.append("| area | " + " | ".join(f"{_ICON[s]} {s}" for s in statuses) + " |")
    lines.append("|---|" + "---:|" * len(statuses))
    for area in Area:
        counts = by_area.get(area.value)
        if counts:
            lines.append(
                f"| {area.value} | " + " | ".join(str(counts.get(s.value, 0) or "·") for s in statuses) + " |"
            )
    lines.append("")
    order = [Status.FAIL, Status.ERROR, Status.WARN]
    shown = sorted((r for r in report.results if r.status in order), key=lambda r: order.index(r.status))
    if shown:
        blocking = {r.id for r in report.blocking}
        lines += ["### Failing and warning checks", "", "| | check | message |", "|---|---|---|"]
        for r in shown[:MAX_LISTED]:
            mark = " (blocks)" if r.id in blocking else ""
            scope = f" _({r.scope.short})_" if r.scope and r.scope.kind != "all" else ""
            lines.append(
                f"| {_ICON[r.status]} {r.status}{mark} | {_code(r.id)} | {md_escape(r.message)}{scope} |"
            )
        if len(shown) > MAX_LISTED:
            lines.append(f"| | | and {len(shown) - MAX_LISTED} more |")
        lines.append("")
    waived = [r for r in report.results if r.status == Status.WAIVED]
    if waived:
        lines += [
            "### Waived (accepted risks)",
            "",
            "| check | reason | owner | expires |",
            "|---|---|---|---|",
        ]
        for r in waived[:MAX_LISTED]:
            w = r.waiver or {}
            lines.append(
                f"| {_code(r.id)} | {md_escape(w.get('reason', ''))} | {md_escape(w.get('owner', ''))} | "
                f"{md_escape(w.get('expires', ''))} |"
            )
        lines.append("")
    notes = list(dict.fromkeys((*d.notes, *report.notes)))
    if notes:
        lines += ["<details><summary>Notes</summary>", ""]
        lines += [f"- {md_escape(n)}" for n in notes[:MAX_LISTED]]
        lines += ["", "</details>", ""]
    if not shown and not waived:
        lines += [f"All {report.summary['checks']} checks passed or were skipped.", ""]
    if html:
        where = f" in [the run's artifacts]({artifacts_url})" if artifacts_url else ""
        lines += [f"Full report: {_code(Path(html).name)}{where}.", ""]
    return "\n".join(lines)
