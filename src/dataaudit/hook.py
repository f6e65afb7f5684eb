"""``dataaudit hook FILE...``: audit several data files in one call, for pre-commit (.pre-commit-hooks.yaml).

pre-commit passes the staged files that match the hook's pattern. Each is audited as ``dataaudit run`` would
(its ``dataaudit.yaml`` found next to it), with one line per file and each blocking check below it. With
``--snapshots``, a file is compared with ``FILE.snapshot.json`` beside it when there is one (the drift checks
then run). The hook is quick by default: the checks that fit models (scikit-learn's import and the fits are
two thirds of a small file's audit) are left out, and each file's line says so, unless ``--full`` or the
file's dataaudit.yaml says ``quick: false``; CI runs the full audit. Exit code: 0 when every file is ready,
1 when one is not, 2 when one cannot be audited (the others are still audited).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from dataaudit.errors import DataAuditError, ExitCode
from dataaudit.options import as_of_option, hook_quick_option
from dataaudit.run_helpers import one_line, parse_as_of, split_values, write_atomic

__all__ = ["SNAPSHOT_SUFFIX", "hook"]

SNAPSHOT_SUFFIX = ".snapshot.json"


@click.command("hook")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-c", "--config", "config_path", type=click.Path(path_type=Path), help="Config file for all FILES."
)
@click.option(
    "--fail-on", type=click.Choice(["warn", "fail"]), help="Lowest status that blocks [default: fail]."
)
@as_of_option
@click.option("--select", multiple=True, help="Run only checks whose id starts with this (repeatable).")
@click.option("--ignore", multiple=True, help="Skip checks whose id starts with this (repeatable).")
@hook_quick_option
@click.option("--snapshots", is_flag=True, help=f"Compare FILE with FILE{SNAPSHOT_SUFFIX} when it exists.")
@click.option(
    "--html-dir", type=click.Path(path_type=Path, file_okay=False), help="Write each file's HTML report here."
)
def hook(files, config_path, fail_on, as_of, select, ignore, quick, snapshots, html_dir) -> int:
    """Audit each data FILE (for pre-commit); exit 1 if one is not ready, 2 if one cannot be audited."""
    from dataaudit.api import audit
    from dataaudit.check_api import QUICK_REASON
    from dataaudit.config import cli_flags
    from dataaudit.config_for import config_for
    from dataaudit.errors import DataLoadError
    from dataaudit.formats import detect_format
    from dataaudit.model import Status

    when = parse_as_of(as_of)
    worst = ExitCode.READY
    for path in files:
        if path.name.endswith(SNAPSHOT_SUFFIX):
            continue  # a baseline snapshot is not data
        try:
            fmt, compression = detect_format(path)
        except DataLoadError:
            # a user's `files: ^data/` replaces the hook's pattern, so the config, a README... are passed too
            click.echo(f"SKIPPED    {path} (not a data file)")
            continue
        if fmt == "json" and compression is None and _json_object(path):
            # the hook matches every .json: settings.json, renovate.json... are objects, never tables
            click.echo(f"SKIPPED    {path} (a JSON object, not a table of records)")
            continue
        baseline = Path(str(path) + SNAPSHOT_SUFFIX)
        try:
            with cli_flags():
                # neither --quick nor --full: as the file's dataaudit.yaml says, and quick when it is silent
                quick_here = quick
                if quick_here is None and config_for(config_path, path)[0].quick is None:
                    quick_here = True
                report = audit(
                    path,
                    config=config_path,
                    fail_on=fail_on,
                    as_of=when,
                    select=split_values(select),
                    ignore=split_values(ignore),
                    baseline=baseline if snapshots and baseline.is_file() else None,
                    quick=quick_here,
                )
            if html_dir is not None:
                # named after the whole relative path: data/a/x.csv and data/b/x.csv must not overwrite
                name = str(path).replace(os.sep, "_").replace("/", "_").lstrip("_")
                write_atomic(Path(html_dir) / f"{name}.html", report.to_html())
        except DataAuditError as exc:
            message = one_line(str(exc))
            message = message.removeprefix(f"{path}: ")  # most errors already start with the file
            click.echo(f"CANNOT AUDIT  {path}: {message}", err=True)
            worst = max(worst, ExitCode.CANNOT_AUDIT)
            continue
        counts = report.summary.by_status
        tail = f"{counts[Status.FAIL]} fail, {counts[Status.ERROR]} error, {counts[Status.WARN]} warn"
        left_out = sum(r.message == QUICK_REASON for r in report.results)
        if left_out:
            tail += f"; {left_out} model {'check' if left_out == 1 else 'checks'} left out, --full runs them"
        if report.ready:
            click.echo(f"READY      {path} ({tail})")
            continue
        worst = max(worst, ExitCode.NOT_READY)
        click.echo(f"NOT READY  {path} ({tail})")
        for r in report.blocking:
            click.echo(f"  {r.status.value.upper():5} {r.id}: {one_line(r.message, 300)}")
    return int(worst)


def _json_object(path: Path) -> bool:
    """Whether the file's JSON starts with ``{`` (an object: a config file, not an array of records)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False  # the audit reports it
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(encoding, errors="ignore").encode()
            break
    return head.lstrip().startswith(b"{")
