"""The wheel ships the engine, the checklist (dataaudit.checks) and the report templates."""

from __future__ import annotations

import zipfile

from tests.helpers import ROOT


def test_wheel_contains_checks_and_templates(built_wheel):
    wheel = built_wheel
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "dataaudit/__init__.py",
        "dataaudit/loading/__init__.py",
        "dataaudit/loading/text.py",
        "dataaudit/report/html.py",
        "dataaudit/cli.py",
        "dataaudit/py.typed",
        "dataaudit/checks/__init__.py",
        "dataaudit/checks/size.py",
        "dataaudit/templates/report.html.j2",
        "dataaudit/templates/report.css",
    ):
        assert required in names, f"{required} missing from {wheel.name}"
    # every module of the source tree is in the wheel (pyproject lists packages explicitly)
    for path in (ROOT / "src" / "dataaudit").rglob("*.py"):
        assert path.relative_to(ROOT / "src").as_posix() in names, f"{path} missing from the wheel"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "dataaudit = dataaudit.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
