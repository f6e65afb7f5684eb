"""The CI outputs of ``dataaudit run``: ``--junit``, ``--markdown`` (and ``$GITHUB_STEP_SUMMARY``) and
``--save-snapshot``. Paths are checked before the audit runs; the files are rendered here and written by the
CLI together with the HTML and JSON reports (all or none, atomically)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dataaudit.errors import ConfigError
from dataaudit.model import Report

__all__ = ["append_step_summary", "ci_output_paths", "render_ci_outputs"]

_FLAGS = {"junit": "--junit", "markdown": "--markdown", "snapshot": "--save-snapshot"}


def ci_output_paths(
    junit: Path | None,
    markdown: Path | None,
    snapshot: Path | None,
    data: Path | None,
    baseline: Path | None,
    html: Path | None,
    json_path: str | None,
) -> dict[str, Path]:
    """The CI output paths that were given, after refusing clashes (two outputs on one path, an output on
    the data or on a baseline *data file*) and unwritable places. Writing the snapshot over the baseline
    snapshot it was compared with is allowed: that is how a baseline is refreshed."""
    from dataaudit.outputs import check_output
    from dataaudit.snapshot import is_snapshot

    paths = {k: Path(v) for k, v in (("junit", junit), ("markdown", markdown), ("snapshot", snapshot)) if v}
    taken: dict[Path, str] = {}
    if json_path and json_path != "-":
        taken[Path(json_path).resolve()] = "--json"
    for key, path in paths.items():
        where = path.resolve()
        if where in taken:
            raise ConfigError(
                f"{path}: given to both {taken[where]} and {_FLAGS[key]}; give each output its own path"
            )
        taken[where] = _FLAGS[key]
    if html is not None and html.resolve() in taken:
        raise ConfigError(f"{html}: is also the HTML report's path (-o); give one of them another")
    inputs = ([data] if data is not None else []) + (
        [baseline] if baseline is not None and not is_snapshot(baseline) else []
    )
    for path in paths.values():
        check_output(path, inputs=inputs)
    return paths


def render_ci_outputs(
    report: Report, paths: dict[str, Path], outputs: dict[str, str]
) -> list[tuple[Path, str]]:
    """``(path, text)`` for each CI output asked for; ``outputs`` gains their labels for the summary."""
    rendered = []
    if "junit" in paths:
        from dataaudit.report.junit import render_junit

        rendered.append((paths["junit"], render_junit(report)))
        outputs["junit"] = str(paths["junit"])
    if "markdown" in paths:
        from dataaudit.report.markdown import render_markdown

        rendered.append((paths["markdown"], render_markdown(report, outputs.get("report"), artifacts_url())))
        outputs["markdown"] = str(paths["markdown"])
    if "snapshot" in paths and report.snapshot is not None:
        rendered.append((paths["snapshot"], report.snapshot.to_json()))
        outputs["snapshot"] = str(paths["snapshot"])
    return rendered


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
