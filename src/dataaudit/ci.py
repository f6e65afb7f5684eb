"""GitHub Actions around ``dataaudit run``: the run's artifacts link and ``$GITHUB_STEP_SUMMARY``. The CI
outputs themselves (``--junit``, ``--markdown``, ``--save-snapshot``) are part of the run's
:class:`~dataaudit.outputs.OutputPlan`: checked before the audit, written with the other outputs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dataaudit.model import Report

__all__ = ["append_step_summary", "artifacts_url"]


def artifacts_url() -> str | None:
    """In GitHub Actions, the run page's artifacts section (where an upload-artifact step puts the HTML
    reports); None elsewhere."""
    env = os.environ
    if env.get("GITHUB_ACTIONS") != "true" or not all(
        env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    ):
        return None
    return (
        f"{env['GITHUB_SERVER_URL']}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}#artifacts"
    )


def append_step_summary(report: Report, markdown: Path | None, html: str | None = None) -> None:
    """With ``--markdown``, append the summary to ``$GITHUB_STEP_SUMMARY`` when it is set (GitHub Actions
    shows it on the run's page). An append cannot be atomic: it is one write; a failure is a warning."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if markdown is None or not target:
        return
    from dataaudit.report.markdown import render_markdown

    try:
        with open(target, "a", encoding="utf-8", newline="\n") as fh:
            fh.write(render_markdown(report, html, artifacts_url()) + "\n")
    except OSError as exc:
        print(f"warning: cannot append to $GITHUB_STEP_SUMMARY ({exc.strerror or exc})", file=sys.stderr)
