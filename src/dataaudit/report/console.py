"""The console summary on stdout: the verdict, counts per area, and each failing or warning check."""

from __future__ import annotations

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


def print_summary(
    report: Report, file: TextIO, *, color: bool | None = None, outputs: dict[str, str] | None = None
) -> None:
    """Print the summary to ``file``. ``color=None``: colour only on a terminal.

    Not on a terminal (a pipe, a CI log, a file), every line is printed whole, never hard-wrapped, so each
    WARN/FAIL message stays one greppable line; the counts table keeps a fixed width.
    """
    tty = _isatty(file)
    use_color = tty if color is None else color
    console = Console(
        file=file,
        highlight=False,
        emoji=False,  # a column named ":x:" is printed as written
        no_color=not use_color,
        force_terminal=use_color,  # explicit either way, so FORCE_COLOR/TTY env vars cannot colour a log
        width=None if tty else 110,
        soft_wrap=not tty,
    )
    d = report.dataset
    console.print(
        f"dataaudit {_text(report.tool['version'])}  ·  {_text(d.path or 'DataFrame')}  ·  "
        f"{d.rows:,} rows × {d.columns} columns  ·  as of {report.as_of:%Y-%m-%d %H:%M} UTC"
    )
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
    shown = [r for r in report.results if r.status in listed]
    shown.sort(key=lambda r: listed.index(r.status))
    if shown:
        console.print()
    for r in shown:
        console.print(f"[{STYLE[r.status]}]{r.status.value.upper():5}[/] {_text(r.id)}: {_text(r.message)}")
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
