"""The console summary on stdout: the verdict, counts per area, and each failing or warning check."""

from __future__ import annotations

import os
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from dataaudit.model import Area, Report, Status
from dataaudit.terminal import printable

STYLE = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "bold red",
    Status.ERROR: "magenta",
    Status.SKIPPED: "dim",
    Status.WAIVED: "cyan",
}


def _text(value: object) -> str:
    """Data-derived text for the console: control characters and bidi overrides shown as escapes (never raw to
    a terminal), then rich markup escaped."""
    return escape(printable(value))


def _isatty(file: TextIO) -> bool:
    try:
        return file.isatty()
    except (AttributeError, OSError, ValueError):  # no isatty, or a closed/detached stream
        return False


def use_color(file: TextIO, color: bool | None = None) -> bool:
    """Whether to colour ``file``: ``--color``/``--no-color`` (``color``) first, then ``NO_COLOR`` (set and
    not empty: no colour, https://no-color.org), then ``FORCE_COLOR`` (set, not empty, not 0/false:
    colour), else colour only on a terminal."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR", "")
    if force and force.lower() not in ("0", "false", "no"):
        return True
    return _isatty(file)


def print_summary(
    report: Report, file: TextIO, *, color: bool | None = None, outputs: dict[str, str] | None = None
) -> None:
    """Print the summary to ``file``. ``color=None``: as :func:`use_color` decides (NO_COLOR, FORCE_COLOR,
    a terminal).

    Not on a terminal (a pipe, a CI log, a file), every line is printed whole, never hard-wrapped, so each
    WARN/FAIL message stays one greppable line; the counts table keeps a fixed width.
    """
    tty = _isatty(file)
    colored = use_color(file, color)
    console = Console(
        file=file,
        highlight=False,
        emoji=False,  # a column named ":x:" is printed as written
        no_color=not colored,
        force_terminal=colored,  # explicit either way: rich's own reading of the env is not consulted
        width=None if tty else 110,
        soft_wrap=not tty,
    )
    d = report.dataset
    console.print(
        f"dataaudit {_text(report.tool['version'])}  ·  {_text(d.path or 'DataFrame')}  ·  "
        f"{d.rows:,} rows × {d.columns} columns  ·  as of {report.as_of:%Y-%m-%d %H:%M} UTC"
    )
    if d.engine != "pandas" or d.sample_rows:
        sampled = f"; row-level checks on a seeded sample of {d.sample_rows:,} rows" if d.sample_rows else ""
        console.print(f"engine: {d.engine} ({_text(d.engine_reason)}){sampled}")
    config_path = report.config.get("path") if report.config else None
    section = report.config.get("section") if report.config else None
    if config_path or section:  # say which file graded the data: one found beside it is otherwise silent
        entry = f" (datasets: {_text(repr(section))})" if section else ""
        console.print(f"config: {_text(config_path or 'the config given')}{entry}")
    table = RichTable(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("area")
    by_area = report.summary["by_area"]
    # a waived column only when something was waived: most runs have no waivers
    shown = [s for s in Status if s != Status.WAIVED or any(c[s.value] for c in by_area.values())]
    for s in shown:
        table.add_column(str(s), justify="right", style=STYLE[s])
    for area in Area:
        if area.value in by_area:
            counts = by_area[area.value]
            table.add_row(area.value, *(str(counts[s.value]) if counts[s.value] else "·" for s in shown))
    console.print(table)
    listed = [Status.FAIL, Status.ERROR, Status.WARN, Status.WAIVED]  # waived: with its reason and expiry
    flagged = [r for r in report.results if r.status in listed]
    flagged.sort(key=lambda r: listed.index(r.status))
    if flagged:
        console.print()
    for r in flagged:
        scope = f" [dim]({r.scope.short})[/]" if r.scope and r.scope.kind != "all" else ""
        console.print(
            f"[{STYLE[r.status]}]{r.status.value.upper():5}[/] {_text(r.id)}: {_text(r.message)}{scope}"
        )
    # load notes (report.dataset.notes), then the run's own; a note in both is printed once
    for note in dict.fromkeys((*d.notes, *report.notes)):
        console.print(f"[dim]note: {_text(note)}[/]")
    console.print()
    n_block = len(report.blocking)
    if report.ready:
        console.print(f"[bold green]READY[/] — nothing at or above --fail-on {report.fail_on.value}")
    else:
        console.print(
            f"[bold red]NOT READY[/] — {n_block} check(s) at or above --fail-on {report.fail_on.value}"
        )
    for label, path in (outputs or {}).items():
        console.print(f"{label}: {_text(path)}")
