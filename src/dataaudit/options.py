"""Command-line options that several commands take (``run``, ``croissant``, ``init``, ``hook``), defined once.

A light module (click and the format list only), so the commands' modules import it at top level.
"""

from __future__ import annotations

from pathlib import Path

import click

from dataaudit.formats import FORMATS
from dataaudit.role_table import ROLE_BY_KEY, role_option

__all__ = [
    "EPILOG",
    "as_of_option",
    "checks_option",
    "config_option",
    "format_option",
    "hook_quick_option",
    "quick_option",
    "sheet_option",
    "target_option",
]

config_option = click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Config file (default: dataaudit.yaml next to DATA, or in the cwd).",
)
target_option = role_option(ROLE_BY_KEY["target"])
as_of_option = click.option(
    "--as-of", help="Reference time for time-based checks (ISO date/datetime; default now, UTC)."
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Input format (default: from the extension)."
)
sheet_option = click.option("--sheet", help="Excel sheet to read (default: the first).")
checks_option = click.option(
    "--checks",
    "checks_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder of extra check files (repeatable).",
)
quick_option = click.option(
    "--quick",
    is_flag=True,
    default=None,
    help="Leave out the checks that fit models (learning curve, label errors, target leakage), each "
    "reported as skipped: for pre-commit on small files, where scikit-learn's import and the fits are most "
    "of the time; run without --quick in CI [also quick: true in dataaudit.yaml].",
)
hook_quick_option = click.option(
    "--quick/--full",
    default=None,
    help="--quick (the hook's default): leave out the checks that fit models (learning curve, label errors, "
    "target leakage), each reported as skipped, so that a commit waits about a second, not three; --full: "
    "run them too. Without either, quick unless dataaudit.yaml says quick: false.",
)
EPILOG = "Exit codes: 0 ready, 1 not ready, 2 cannot audit (bad input or option), 3 internal error."
