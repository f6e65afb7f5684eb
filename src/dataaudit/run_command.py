"""``dataaudit run DATA``: audit one dataset and write its reports (the command's options, the audit call,
the outputs written together, the summary printed). Registered on the ``dataaudit`` group by
:mod:`dataaudit.cli`, the one place errors become exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dataaudit.errors import ExitCode
from dataaudit.options import (
    EPILOG,
    as_of_option,
    checks_option,
    config_option,
    format_option,
    quick_option,
    sheet_option,
)
from dataaudit.role_table import ROLES, role_options
from dataaudit.run_helpers import one_line as _one_line
from dataaudit.run_helpers import parse_as_of, write_all
from dataaudit.run_helpers import split_values as _split
from dataaudit.terminal import printable

if TYPE_CHECKING:
    from dataaudit.model import Report

__all__ = ["run"]


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


@click.command(epilog=EPILOG)
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
@role_options  # --target, --sensitive, ... (dataaudit/role_table.py)
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
@quick_option
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
    help="Memory limit of the duckdb engine, e.g. 2GB [default: half of what is free, at most 1 GiB].",
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
    select,
    ignore,
    fail_on,
    as_of,
    quick,
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
    **roles: Any,
) -> int:
    """Audit DATA (CSV, TSV, Parquet, Feather/Arrow IPC, JSON, JSONL, Excel; optionally .gz/.bz2/.xz/.zip;
    '-' reads standard input, CSV unless --format says otherwise); write the report."""
    from dataaudit import read_ahead

    read_ahead.start(data, engine)  # the file read and hashed while the audit's modules are imported
    from dataaudit.api import audit
    from dataaudit.ci import append_step_summary
    from dataaudit.outputs import OutputPlan
    from dataaudit.profile import profile_path

    if (data is None) == (table is None):
        raise click.UsageError(
            "Missing argument 'DATA'."
            if data is None
            else f"give DATA or --table, not both ({data}, {table})"
        )
    # every output is checked before the audit runs: a clash, an unwritable place, the input itself
    plan = OutputPlan.check(
        html=None if no_html else output,
        json=json_path,
        profile=profile_path(output) if profile else None,  # written even with --no-html
        junit=junit_path,
        markdown=markdown_path,
        snapshot=save_snapshot,
        data=data,
        test=test_path,
        baseline=baseline,
    )
    from dataaudit.config import cli_flags

    role_values: dict[str, Any] = {r.key: _split(roles[r.key]) if r.many else roles[r.key] for r in ROLES}
    with cli_flags():  # errors name --sensitive, not sensitive=
        report = audit(
            data,
            config=config_path,
            **role_values,
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
            quick=quick or None,  # absent: as dataaudit.yaml says
        )
    if sys.stderr.isatty() and not quiet:
        sys.stderr.write("\r\033[K")
    if report.profile is not None and report.profile.error:  # the audit goes on; the report shows it too
        click.echo(f"note: profile not written: {_one_line(report.profile.error)}", err=True)
    # render everything first, then write: an error leaves no partial output behind
    rendered = plan.render(report)
    report, outputs, json_text = rendered.report, rendered.labels, rendered.json_text
    write_all(rendered.files)
    append_step_summary(report, markdown_path, outputs.get("report"))
    _tell(report, outputs, json_text if json_path == "-" else None, quiet, color, debug)
    return ExitCode.READY if report.ready or exit_zero else ExitCode.NOT_READY


def _tell(
    report: Report,
    outputs: dict[str, str],
    stdout_json: str | None,
    quiet: bool,
    color: bool | None,
    debug: bool,
) -> None:
    """After the files are written: crashed checks' tracebacks (--debug), the JSON on stdout (--json -),
    then the summary (on stderr when stdout carries the JSON), or only the verdict line with -q."""
    if debug:
        for r in report.results:
            if r.traceback:
                click.echo(f"--- {r.id} crashed:\n{printable(r.traceback, keep_newlines=True)}", err=True)
    if stdout_json is not None:
        click.echo(stdout_json)
        summary_out = sys.stderr  # keep stdout pure JSON
    else:
        summary_out = sys.stdout
    if quiet:
        click.echo(
            f"{'READY' if report.ready else 'NOT READY'}: {printable(report.dataset.path or 'DataFrame')}",
            file=summary_out,
        )
    else:
        from dataaudit.report.console import print_summary  # rich: only for the summary, not with -q

        print_summary(report, summary_out, outputs=outputs, color=color)
