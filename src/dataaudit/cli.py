"""The command line: parse, call, exit. The one place errors become exit codes."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import click

from dataaudit import __version__
from dataaudit.errors import ConfigError, DataAuditError, ExitCode
from dataaudit.hook import hook
from dataaudit.options import (
    EPILOG,
    as_of_option,
    checks_option,
    config_option,
    format_option,
    sheet_option,
    target_option,
)
from dataaudit.run_command import run
from dataaudit.run_helpers import one_line as _one_line
from dataaudit.run_helpers import parse_as_of, write_atomic
from dataaudit.terminal import printable


class _Cli(click.Group):
    """Runs commands non-standalone so every error ends as one stderr line and an ExitCode."""

    # click's stubs overload main() on standalone_mode (Never when True); this one always runs non-standalone
    def main(self, args: Any = None, prog_name: str | None = None, **kw: Any) -> Any:  # type: ignore[override]
        kw.pop("standalone_mode", None)
        debug = "--debug" in (sys.argv[1:] if args is None else list(args))
        code: int
        try:
            rv = super().main(args=args, prog_name=prog_name or "dataaudit", standalone_mode=False, **kw)
            code = rv if isinstance(rv, int) else ExitCode.READY
        except click.exceptions.NoArgsIsHelpError as exc:  # bare `dataaudit`: the help, as click prints it
            click.echo(exc.format_message(), err=True)
            code = ExitCode.CANNOT_AUDIT
        except click.UsageError as exc:
            command = " ".join(exc.ctx.command_path.split()[1:]) if exc.ctx else ""
            hint = f" (see 'dataaudit {command + ' ' if command else ''}--help')"
            click.echo(f"error: {_one_line(exc.format_message())}{hint}", err=True)
            code = ExitCode.CANNOT_AUDIT
        except click.ClickException as exc:
            click.echo(f"error: {_one_line(exc.format_message())}", err=True)
            code = ExitCode.CANNOT_AUDIT
        except click.Abort:
            click.echo("aborted", err=True)
            code = ExitCode.CANNOT_AUDIT
        except DataAuditError as exc:
            click.echo(f"error: {_one_line(str(exc))}", err=True)
            code = ExitCode.CANNOT_AUDIT
        except Exception as exc:  # a bug: short message, traceback only with --debug
            if debug:
                traceback.print_exc()
            hint = "" if debug else " (rerun with --debug for the traceback)"
            click.echo(f"internal error: {type(exc).__name__}: {_one_line(str(exc))}{hint}", err=True)
            code = ExitCode.INTERNAL_ERROR
        sys.exit(int(code))


@click.group(
    name="dataaudit",
    cls=_Cli,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="dataaudit", message="%(prog)s %(version)s")
def cli() -> None:
    """dataaudit: is this data good enough to model?

    Audits a dataset for size, consistency, bias, policy notes and latency, writes an HTML readiness report
    and exits 0 when the data is ready.
    """


@cli.command("checks")
@checks_option
def list_checks(checks_dirs) -> int:
    """List every available check: id, area, what it needs to run, title and source (and the default
    severity when a check's is not 'fail')."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from dataaudit.registry import Registry

    reg = Registry.default(checks_dirs)
    items = list(reg)
    # every built-in check can fail: the column only earns its place when a plugin's default differs
    show_severity = any(str(i.check.severity) != "fail" for i in items)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("id", "area", "needs", *(["severity"] if show_severity else []), "title", "source"):
        table.add_column(col)
    for item in items:
        c = item.check
        cells = [c.id, c.area, ", ".join(_needs(c)) or "-"]
        cells += [c.severity] if show_severity else []
        # plugins may use plain str; a plugin's title is neither markup nor terminal control
        table.add_row(*(escape(printable(v)) for v in (*cells, c.title, item.source)))
    Console(highlight=False, width=None if sys.stdout.isatty() else 140).print(table)
    return ExitCode.READY


def _needs(check: Any) -> list[str]:
    """What a check needs beyond the data: declared roles, an event time, a baseline, a config block."""
    needs = [str(r) for r in check.requires]
    if str(check.area) == "latency" and not needs:
        needs.append("timestamp")  # an event-time column, declared or detected
    if str(check.area) == "drift":
        needs.append("baseline")
    if check.id == "consistency.expectations":
        needs.append("expectations:")
    return needs


@cli.command()
@click.argument("check_id")
@checks_option
def explain(check_id: str, checks_dirs) -> int:
    """Show what a check does, why it matters, how to fix it, and its parameters; 'dataaudit explain config'
    lists every dataaudit.yaml key."""
    from dataaudit.config import close_matches
    from dataaudit.registry import Registry

    if check_id in ("config", "dataaudit.yaml"):
        from dataaudit.config import describe_config

        click.echo(describe_config())
        return ExitCode.READY
    reg = Registry.default(checks_dirs)
    if check_id not in reg:
        in_area = [i for i in reg.ids if i.startswith(check_id.rstrip(".") + ".")]
        if in_area:
            raise ConfigError(f"{check_id!r} is an area, not a check; its checks: {', '.join(in_area)}")
        raise ConfigError(
            f"unknown check {check_id!r}{close_matches(check_id, reg.ids)} "
            "(see 'dataaudit checks'; 'dataaudit explain config' for the config keys)"
        )
    item = reg.get(check_id)
    c, doc = item.check, item.check.doc()
    out = [
        f"{c.id}: {c.title}",
        f"area: {c.area} · default severity: {c.severity} · source: {item.source}",
    ]
    if c.requires:
        out.append(f"requires: {', '.join(c.requires)}")
    out += ["", doc.what]
    if doc.why:
        out += ["", "Why it matters: " + doc.why]
    if doc.how:
        out += ["", "How to fix: " + doc.how]
    params = c.parameters()
    out += ["", "Parameters (set under checks: {" + c.id + ": {...}} in dataaudit.yaml):"]
    out += [f"  {p.name}: {p.type} = {p.default!r}" for p in params] or ["  (none)"]
    out += ["  severity: warn | fail | off", "  enabled: true | false"]
    click.echo(printable("\n".join(out), keep_newlines=True))
    return ExitCode.READY


@cli.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write (default: dataaudit.yaml next to DATA).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@format_option
@sheet_option
def init(data: Path, output: Path | None, force: bool, fmt, sheet) -> int:
    """Write a commented starter dataaudit.yaml inferred from DATA (guesses are marked)."""
    from dataaudit.dataset import Dataset
    from dataaudit.loading import load
    from dataaudit.starter import starter_config

    target = output or data.parent / "dataaudit.yaml"
    from dataaudit.outputs import check_output

    check_output(target, inputs=[data], new_folder_ok=True)
    if target.exists() and not force:
        raise ConfigError(f"{target}: already exists (use --force to overwrite)")
    frame, source = load(data, fmt=fmt, sheet=sheet)
    write_atomic(target, starter_config(Dataset(frame, source=source)))
    click.echo(f"wrote {printable(target)}")
    return ExitCode.READY


@cli.command("croissant", epilog=EPILOG)
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write the Croissant JSON-LD.",
)
@config_option
@target_option
@as_of_option
@format_option
@sheet_option
@click.option(
    "--validate", is_flag=True, help="Validate the written file with mlcroissant (dataaudit[croissant])."
)
def croissant_cmd(data: Path, output: Path, config_path, target, as_of, fmt, sheet, validate: bool) -> int:
    """Audit DATA and write a Croissant (MLCommons JSON-LD) description of it, with the Responsible-AI
    fields filled from the datasheet and from what the audit found."""
    from dataaudit.api import audit
    from dataaudit.croissant_writer import croissant_json, validate_croissant
    from dataaudit.outputs import check_output

    check_output(output, inputs=[data])
    if validate:
        validate_croissant(None)  # the extra is missing: say so before the audit runs
    report = audit(data, config=config_path, target=target, as_of=parse_as_of(as_of), fmt=fmt, sheet=sheet)
    write_atomic(output, croissant_json(report, output))
    click.echo(f"wrote {printable(output)}")
    if validate:
        for line in validate_croissant(output):
            click.echo(f"mlcroissant warning: {printable(line)}")
        click.echo("mlcroissant: valid")
    return ExitCode.READY


cli.add_command(run)  # `dataaudit run DATA`: the audit (dataaudit/run_command.py)
cli.add_command(hook)  # `dataaudit hook FILE...`: several files at once, for pre-commit (dataaudit/hook.py)


def main() -> None:
    """The ``dataaudit`` command: the console script and ``python -m dataaudit``. The garbage collector
    waits while modules are imported (:mod:`dataaudit.startup`) and is left out at exit."""
    from dataaudit.startup import defer_collection

    defer_collection()
    try:
        cli.main()
    finally:
        _exit_without_collecting()


def _exit_without_collecting() -> None:
    """The process ends next: leave its objects to the operating system instead of the garbage collector.

    On the way out the interpreter collects every reference cycle its imports made (each module's classes
    and functions: ~150,000 tracked objects once pandas and the checks are loaded), 0.06-0.15 s of a
    1,000-row audit's ~1 s. Freezing moves them out of the collector's sight, as ``os._exit`` would, but
    atexit handlers still run (an engine's temporary files), standard streams are still flushed and every
    object outside a cycle is still freed; the outputs are written and closed by now. Only ``__del__``
    methods of objects in cycles are skipped, which Python never promises at exit. Here, not in ``cli``:
    tests call ``cli`` in-process, where a frozen heap would keep every later cycle's garbage alive, and a
    collector left off would collect nothing."""
    import gc

    gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
