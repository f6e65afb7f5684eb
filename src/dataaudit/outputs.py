"""The outputs of ``dataaudit run`` (:class:`OutputPlan`): every path checked once, before the audit runs;
the files rendered after it and written together (all or none, atomically).

Output paths are checked before the audit runs, so a mistyped ``-o`` fails in a second, not after a long
audit, and never overwrites the data being audited.

A path is refused (``ConfigError``, exit 2) when it is a directory, when its folder does not exist (it is
not created: a typo in a folder name should not silently make a new folder), when the folder is not
writable, or when it is the input data file itself (also through a symlink or a hard link).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click

from dataaudit.errors import ConfigError
from dataaudit.model import Report

__all__ = ["OutputPlan", "Rendered", "check_output"]

_FLAGS = {"junit": "--junit", "markdown": "--markdown", "snapshot": "--save-snapshot"}


@dataclass(frozen=True, slots=True)
class Rendered:
    """The outputs' text, ready to write together; ``labels`` name the written files for the summary
    (``{"report": path, "json": path, ...}``, in the order they are listed)."""

    report: Report
    files: list[tuple[Path, str]]
    labels: dict[str, str]
    json_text: str | None


@dataclass(frozen=True, slots=True)
class OutputPlan:
    """Every file ``dataaudit run`` writes. :meth:`check` refuses clashes (two outputs on one path, an output
    on the data, the test set or a baseline data file) and unwritable places before the audit runs;
    :meth:`render` makes every file's text after it; ``run_helpers.write_all`` writes them together."""

    html: Path | None = None
    #: a path, or '-' for standard output
    json: str | None = None
    #: --profile: the ydata-profiling report beside the HTML report (written even with --no-html)
    profile: Path | None = None
    junit: Path | None = None
    markdown: Path | None = None
    snapshot: Path | None = None

    @classmethod
    def check(
        cls,
        *,
        html: Path | None,
        json: str | None = None,
        profile: Path | None = None,
        junit: Path | None = None,
        markdown: Path | None = None,
        snapshot: Path | None = None,
        data: Path | None = None,
        test: Path | None = None,
        baseline: Path | None = None,
    ) -> OutputPlan:
        """The plan, once its paths are checked (``ConfigError`` / ``click.BadParameter``, exit 2)."""
        if json and json != "-" and html is not None and Path(json).resolve() == html.resolve():
            raise click.BadParameter(
                f"{json} is also the HTML report's path (-o); give one of them another",
                param_hint="'--json'",
            )
        json_file = [Path(json)] if json and json != "-" else []
        inputs = [*([data] if data else []), *([test] if test else [])]
        for out in [*([html] if html is not None else []), *json_file, *([profile] if profile else [])]:
            check_output(out, inputs=inputs)
        if profile:
            from dataaudit.extras import require

            require("profile", "--profile")
        plan = cls(html, json, profile, junit, markdown, snapshot)
        plan._check_ci(data, baseline)
        return plan

    def _check_ci(self, data: Path | None, baseline: Path | None) -> None:
        """The CI outputs (JUnit, Markdown, snapshot). Writing the snapshot over the baseline snapshot it was
        compared with is allowed: that is how a baseline is refreshed."""
        from dataaudit.snapshot import is_snapshot

        paths = self.ci_paths()
        taken: dict[Path, str] = {}
        if self.json and self.json != "-":
            taken[Path(self.json).resolve()] = "--json"
        for key, path in paths.items():
            where = path.resolve()
            if where in taken:
                raise ConfigError(
                    f"{path}: given to both {taken[where]} and {_FLAGS[key]}; give each output its own path"
                )
            taken[where] = _FLAGS[key]
        if self.html is not None and self.html.resolve() in taken:
            raise ConfigError(f"{self.html}: is also the HTML report's path (-o); give one of them another")
        inputs = ([data] if data is not None else []) + (
            [baseline] if baseline is not None and not is_snapshot(baseline) else []
        )
        for path in paths.values():
            check_output(path, inputs=inputs)

    def ci_paths(self) -> dict[str, Path]:
        given = (("junit", self.junit), ("markdown", self.markdown), ("snapshot", self.snapshot))
        return {k: Path(v) for k, v in given if v}

    def render(self, report: Report) -> Rendered:
        """Every output's text (nothing written yet), and the report as the HTML shows it (with its
        profile's file name)."""
        labels: dict[str, str] = {}
        files: list[tuple[Path, str]] = []
        info = report.profile
        if self.profile is not None and info is not None and info.html is not None:
            labels["profile"] = str(self.profile)
            report = dataclasses.replace(report, profile=dataclasses.replace(info, path=self.profile.name))
            files.append((self.profile, info.html))
        if self.html is not None:
            files.append((self.html, report.to_html()))
            labels["report"] = str(self.html)
        json_text = report.to_json() if self.json else None
        if self.json and self.json != "-" and json_text is not None:
            files.append((Path(self.json), json_text))
            labels["json"] = self.json
        if self.junit is not None:
            from dataaudit.report.junit import render_junit

            files.append((self.junit, render_junit(report)))
            labels["junit"] = str(self.junit)
        if self.markdown is not None:
            from dataaudit.ci import artifacts_url
            from dataaudit.report.markdown import render_markdown

            files.append((self.markdown, render_markdown(report, labels.get("report"), artifacts_url())))
            labels["markdown"] = str(self.markdown)
        if self.snapshot is not None and report.snapshot is not None:
            files.append((self.snapshot, report.snapshot.to_json()))
            labels["snapshot"] = str(self.snapshot)
        return Rendered(report, files, labels, json_text)


def check_output(path: str | Path, inputs: Iterable[str | Path] = (), new_folder_ok: bool = False) -> None:
    """Raise :class:`ConfigError` ``"<path>: cannot write output (<why>)"`` if ``path`` cannot be written or
    is one of ``inputs``. ``new_folder_ok``: a missing folder is fine (the writer creates it; ``init``)."""
    if str(path) == "-":  # `--json -` is stdout; elsewhere '-' would silently become a file named '-'
        _refuse(Path("-"), "'-' for standard output works with --json only; give a file path")
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        _refuse(path, "it is a directory")
    if not folder.exists():
        if new_folder_ok:
            return
        _refuse(path, f"folder {folder} does not exist")
    if not folder.is_dir():
        _refuse(path, f"{folder} is not a folder")
    for given in inputs:
        if _same_file(path, Path(given)):
            _refuse(path, "it is the input data file; refusing to overwrite it")
    if path.exists() and not os.access(path, os.W_OK):
        _refuse(path, "the file is read-only")
    try:  # a real probe: os.access says yes to root even on a folder that refuses new files
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        _refuse(path, f"folder {folder} is not writable: {exc.strerror or exc}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _refuse(path: Path, why: str) -> None:
    raise ConfigError(f"{path}: cannot write output ({why})")
