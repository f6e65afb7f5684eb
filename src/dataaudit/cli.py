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
from dataaudit.options import as_of_option, config_option, format_option, sheet_option, target_option
from dataaudit.run_helpers import one_line as _one_line
from dataaudit.run_helpers import parse_as_of, write_all, write_atomic
from dataaudit.run_helpers import split_values as _split
from dataaudit.terminal import printable

checks_option = click.option(
    "--checks",
    "checks_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder of extra check files (repeatable).",
)
EPILOG = "Exit codes: 0 ready, 1 not ready, 2 cannot audit (bad input or option), 3 internal error."


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


def _progress(quiet: bool = False):
    """On a terminal (stderr), one line rewritten in place: the phase (reading, statistics, profiling) or
    the check running, ``checks 12/45: bias.proxy_features``. Nothing with -q or off a terminal."""
    if quiet or not sys.stderr.isatty():
        return None

    def show(i: int, n: int, text: str) -> None:
        if n == 0:  # a phase outside the checks
            line = f"{printable(text)}…" if text else ""
        else:
            line = f"checks {i + 1}/{n}: {printable(text)}" if text else ""
        sys.stderr.write("\r\033[K" + line)
        sys.stderr.flush()

    return show


@cli.command(epilog=EPILOG)
@click.argument("data", type=click.Path(path_type=Path, dir_okay=True), required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("dataaudit-report.html"),
    show_default=True,
    help="HTML report path.",
)
@click.option("--no-html", is_flag=True, help="Do not write the HTML report.")
@click.option("--json", "json_path", metavar="PATH", help="Write the JSON report to PATH ('-' for stdout).")
@config_option
@target_option
@click.option(
    "--sensitive", multiple=True, help="Sensitive attribute column (repeatable, or comma-separated)."
)
@click.option("--timestamp", help="Event-time column.")
@click.option("--ingested-at", help="Ingestion-time column.")
@click.option("--label-time", help="Column with the time each label became known.")
@click.option("--id", "id_column", help="Row id column.")
@click.option(
    "--ignore-columns",
    multiple=True,
    help="Leave a column out of the audit (repeatable, or comma-separated).",
)
@click.option("--select", multiple=True, help="Run only checks whose id starts with this (repeatable).")
@click.option(
    "--ignore",
    multiple=True,
    help="Skip checks whose id starts with this (repeatable; columns: --ignore-columns).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["warn", "fail"]),
    help="Lowest status that makes the data not ready [default: fail].",
)
@as_of_option
@click.option(
    "--check-timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Time one check may take before it becomes an error [default: 300; 0: no limit].",
)
@click.option(
    "--mask",
    type=click.Choice(["auto", "all", "none"]),
    help="Which example values outputs mask: auto (columns holding personal data), all, or none (only "
    "e-mails and id-like numbers) [default: auto; also privacy: {mask: ...} in dataaudit.yaml].",
)
@checks_option
@format_option
@sheet_option
@click.option(
    "--na-values",
    "na_values",
    multiple=True,
    metavar="TEXT",
    help="Also read TEXT as a missing value (repeatable), besides pandas' default null tokens "
    "(NA, N/A, null, NaN, empty...).",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    help="Compare with OLD: a data file or a snapshot (--save-snapshot); runs the drift checks.",
)
@click.option(
    "--save-snapshot", type=click.Path(path_type=Path), help="Write a snapshot of DATA (a future --baseline)."
)
@click.option(
    "--test",
    "test_path",
    type=click.Path(path_type=Path),
    help="DATA is a training set and TEST its test set (same format and roles); runs the split checks.",
)
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), help="Also write JUnit XML to PATH.")
@click.option(
    "--markdown",
    "markdown_path",
    type=click.Path(path_type=Path),
    help="Also write a Markdown summary to PATH (and append it to $GITHUB_STEP_SUMMARY when set).",
)
@click.option("--exit-zero", is_flag=True, help="Always exit 0 when the audit ran (report-only jobs).")
@click.option("--profile", is_flag=True, help="Also write a ydata-profiling report, <report>-profile.html.")
@click.option(
    "--profile-mode",
    type=click.Choice(["minimal", "full"]),
    default="minimal",
    show_default=True,
    help="ydata-profiling mode for --profile.",
)
@click.option(
    "--profile-rows",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    metavar="N",
    help="--profile works on a seeded sample of at most N rows.",
)
@click.option(
    "--croissant",
    "croissant_path",
    type=click.Path(path_type=Path),
    help="Read the datasheet from this Croissant file (default: croissant: in dataaudit.yaml, else "
    "<data>.croissant.json or croissant.json beside DATA); the policy block overrides it field by field.",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "pandas", "duckdb", "spark"]),
    help="What holds the data: pandas (in memory), duckdb (on disk, for tables larger than memory), spark "
    "(a cluster, or local) [default: auto: pandas unless the table would not fit in memory].",
)
@click.option(
    "--engine-memory",
    metavar="SIZE",
    help="Memory limit of the duckdb engine, e.g. 2GB [default: 60% of free].",
)
@click.option("--table", metavar="NAME", help="Audit a Spark catalog table instead of DATA (--engine spark).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the verdict line (no progress).")
@click.option(
    "--color/--no-color",
    "color",
    default=None,
    help="Colour the summary [default: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it].",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors and crashed checks.")
def run(
    data: Path,
    output: Path,
    no_html: bool,
    json_path: str | None,
    config_path: Path | None,
    target,
    sensitive,
    timestamp,
    ingested_at,
    label_time,
    id_column,
    ignore_columns,
    select,
    ignore,
    fail_on,
    as_of,
    checks_dirs,
    fmt,
    sheet,
    na_values,
    check_timeout,
    mask,
    baseline,
    save_snapshot,
    test_path,
    junit_path,
    markdown_path,
    exit_zero,
    profile,
    profile_mode,
    profile_rows,
    croissant_path,
    engine,
    engine_memory,
    table,
    quiet,
    color,
    debug,
) -> int:
    """Audit DATA (CSV, TSV, Parquet, Feather/Arrow IPC, JSON, JSONL, Excel; optionally .gz/.bz2/.xz/.zip;
    '-' reads standard input, CSV unless --format says otherwise); write the report."""
    from dataaudit.api import audit
    from dataaudit.ci import append_step_summary, ci_output_paths, render_ci_outputs
    from dataaudit.outputs import check_output
    from dataaudit.report.console import print_summary

    if (data is None) == (table is None):
        raise click.UsageError(
            "Missing argument 'DATA'."
            if data is None
            else f"give DATA or --table, not both ({data}, {table})"
        )
    if json_path and json_path != "-" and not no_html and Path(json_path).resolve() == output.resolve():
        raise click.BadParameter(
            f"{json_path} is also the HTML report's path (-o); give one of them another",
            param_hint="'--json'",
        )
    # refuse an unwritable output, or the input itself, before the audit runs (dataaudit/outputs.py)
    json_file = [Path(json_path)] if json_path and json_path != "-" else []
    outs = [*([] if no_html else [output]), *json_file]
    if profile:
        from dataaudit.profile import profile_path

        outs.append(profile_path(output))  # written even with --no-html, beside where the report would be
    for out in outs:
        check_output(out, inputs=[*([data] if data else []), *([test_path] if test_path else [])])
    if profile:
        from dataaudit.extras import require

        require("profile", "--profile")
    html_path = None if no_html else output
    ci_paths = ci_output_paths(junit_path, markdown_path, save_snapshot, data, baseline, html_path, json_path)
    from dataaudit.config import cli_flags

    with cli_flags():  # errors name --sensitive, not sensitive=
        report = audit(
            data,
            config=config_path,
            target=target,
            sensitive=_split(sensitive),
            timestamp=timestamp,
            ingested_at=ingested_at,
            label_time=label_time,
            id=id_column,
            ignore_columns=_split(ignore_columns),
            select=_split(select),
            ignore=_split(ignore),
            fail_on=fail_on,
            as_of=parse_as_of(as_of),
            checks_dirs=checks_dirs,
            fmt=fmt,
            sheet=sheet,
            progress=_progress(quiet),
            check_timeout=check_timeout,
            baseline=baseline,
            test=test_path,
            snapshot=save_snapshot is not None,
            profile=profile_mode if profile else None,
            profile_rows=profile_rows,
            mask=mask,
            na_values=na_values or None,
            croissant=croissant_path,
            engine=engine,
            engine_memory=engine_memory,
            table=table,
        )
    if sys.stderr.isatty() and not quiet:
        sys.stderr.write("\r\033[K")
    # render everything first, then write: an error leaves no partial output behind
    outputs: dict[str, str] = {}
    rendered: list[tuple[Path, str]] = []
    if report.profile is not None:  # --profile: the file beside the report, which links to it
        from dataaudit.profile import profile_outputs

        report, rendered = profile_outputs(report, output, outputs)
        if report.profile.error:  # the audit goes on; the report shows the failure too
            click.echo(f"note: profile not written: {_one_line(report.profile.error)}", err=True)
    if not no_html:
        rendered.append((output, report.to_html()))
        outputs["report"] = str(output)
    json_text = report.to_json() if json_path else None
    if json_path and json_path != "-" and json_text is not None:
        rendered.append((Path(json_path), json_text))
        outputs["json"] = json_path
    rendered += render_ci_outputs(report, ci_paths, outputs)
    write_all(rendered)
    append_step_summary(report, markdown_path, outputs.get("report"))
    if debug:
        for r in report.results:
            if r.traceback:
                click.echo(f"--- {r.id} crashed:\n{printable(r.traceback, keep_newlines=True)}", err=True)
    if json_path == "-":
        click.echo(json_text)
        summary_out = sys.stderr  # keep stdout pure JSON
    else:
        summary_out = sys.stdout
    if quiet:
        click.echo(
            f"{'READY' if report.ready else 'NOT READY'}: {printable(report.dataset.path or 'DataFrame')}",
            file=summary_out,
        )
    else:
        print_summary(report, summary_out, outputs=outputs, color=color)
    return ExitCode.READY if report.ready or exit_zero else ExitCode.NOT_READY


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


cli.add_command(hook)  # `dataaudit hook FILE...`: several files at once, for pre-commit (dataaudit/hook.py)


def main() -> None:
    cli.main()


if __name__ == "__main__":  # pragma: no cover
    main()
