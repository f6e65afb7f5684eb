"""mypy over src/dataaudit and checks/ (configured in pyproject.toml), run by the suite and so by .ci/run.

checks/ is installed as ``dataaudit.checks`` (pyproject's package-dir), a layout mypy cannot be told about: it
follows neither setuptools' editable finder nor package-dir. So the package is laid out as it installs, with
symlinks in a temporary folder, and mypy checks ``-p dataaudit`` there; the paths in its messages are mapped
back to the repository's. ``python tests/test_types.py`` prints the errors.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: mypy's incremental cache: a cold run takes 40-90 s on two busy cores, a warm one a few seconds
CACHE = Path(tempfile.gettempdir()) / "dataaudit-mypy-cache"


def _layout(into: Path) -> Path:
    """``into/dataaudit``: every entry of src/dataaudit, plus checks/ as dataaudit/checks (symlinks)."""
    pkg = into / "dataaudit"
    pkg.mkdir()
    for entry in (ROOT / "src" / "dataaudit").iterdir():
        if entry.name != "__pycache__":
            (pkg / entry.name).symlink_to(entry)
    (pkg / "checks").symlink_to(ROOT / "checks")
    return pkg


def run_mypy() -> tuple[int, str]:
    """mypy's exit status and its output, with paths as in the repository."""
    with tempfile.TemporaryDirectory() as tmp:
        _layout(Path(tmp))
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--config-file",
                str(ROOT / "pyproject.toml"),
                "--cache-dir",
                str(CACHE),
                "-p",
                "dataaudit",
            ],
            cwd=tmp,
            capture_output=True,
            text=True,
            env={**os.environ, "MYPYPATH": tmp},
        )
    out = proc.stdout + proc.stderr
    out = re.sub(r"^dataaudit/checks/", "checks/", out, flags=re.M)
    return proc.returncode, re.sub(r"^dataaudit/", "src/dataaudit/", out, flags=re.M)


def test_mypy_is_clean_over_src_and_checks():
    code, out = run_mypy()
    assert code == 0, out


if __name__ == "__main__":
    code, out = run_mypy()
    print(out, end="")
    sys.exit(code)
