"""Packaging (issue 17): a light core install; great-expectations and ydata-profiling are extras, and a
feature whose extra is missing is one line on stderr naming the extra (exit 2), before any audit runs.

Absence is simulated in a child process by a ``sys.meta_path`` finder that refuses the module, as an
environment without the package would: nothing is uninstalled."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile

import pytest

# the child: refuse the BLOCKED modules, then run the CLI (or a snippet) as a user would
_WRAPPER = textwrap.dedent(
    """
    import sys
    BLOCKED = set(sys.argv[1].split(","))

    class Refuse:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Refuse())
    if sys.argv[2] == "-c":
        exec(sys.argv[3])
    else:
        sys.argv = ["dataaudit", *sys.argv[2:]]
        from dataaudit.cli import main
        main()
    """
)


def _run(blocked: str, *args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _WRAPPER, blocked, *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=cwd,
    )


@pytest.fixture()
def small_csv(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text("age,score\n" + "".join(f"{20 + i % 50},{i % 7}\n" for i in range(200)))
    return path


def test_profile_without_ydata_profiling_is_one_line_naming_the_extra(small_csv, tmp_path):
    out = tmp_path / "r.html"
    proc = _run(
        "ydata_profiling", "run", str(small_csv), "-o", str(out), "--profile", "--as-of", "2026-06-30"
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr == (
        "error: --profile needs ydata-profiling, not installed: pip install 'dataaudit[profile]'\n"
    )
    assert proc.stdout == ""
    assert not out.exists()  # refused before the audit: nothing written


def test_profile_without_pkg_resources_names_setuptools_and_the_extra(small_csv, tmp_path):
    # setuptools 82 removed pkg_resources, which ydata-profiling imports at import time
    proc = _run("pkg_resources", "run", str(small_csv), "--no-html", "--profile", "--as-of", "2026-06-30")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "pkg_resources (setuptools<82)" in proc.stderr
    assert "pip install 'dataaudit[profile]'" in proc.stderr


def test_expectations_without_great_expectations_is_one_line_naming_the_extra(small_csv):
    (small_csv.parent / "dataaudit.yaml").write_text(
        "expectations:\n  columns:\n    age: {min: 0, max: 120}\n"
    )
    proc = _run("great_expectations", "run", str(small_csv), "--no-html", "--as-of", "2026-06-30")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr == (
        f"error: 'expectations:' in {small_csv.parent / 'dataaudit.yaml'} needs great-expectations, "
        "not installed: pip install 'dataaudit[gx]'\n"
    )


def test_without_the_extras_the_core_audit_still_runs(small_csv):
    """The core install audits: no expectations, no profile, neither package importable."""
    proc = _run(
        "great_expectations,ydata_profiling",
        "run",
        str(small_csv),
        "--no-html",
        "-q",
        "--as-of",
        "2026-06-30",
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert proc.stdout.startswith(("READY", "NOT READY")), proc.stdout


def test_api_errors_name_the_keyword_and_the_extra():
    snippet = textwrap.dedent(
        """
        import pandas as pd, dataaudit
        from dataaudit.extras import MissingExtraError
        df = pd.DataFrame({"age": range(300)})
        try:
            dataaudit.audit(df, profile="minimal", as_of="2026-06-30")
        except MissingExtraError as exc:
            print(exc)
        try:
            dataaudit.audit(df, config={"expectations": {"columns": {"age": {"min": 0}}}}, as_of="2026-06-30")
        except MissingExtraError as exc:
            print(exc)
        # a deselected expectations check needs nothing
        r = dataaudit.audit(df, config={"expectations": {"columns": {"age": {"min": 0}}}},
                            select=["size"], as_of="2026-06-30")
        print(r.verdict)
        """
    )
    proc = _run("great_expectations,ydata_profiling", "-c", snippet)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "profile= needs ydata-profiling, not installed: pip install 'dataaudit[profile]'"
    assert lines[1] == (
        "'expectations:' in config needs great-expectations, not installed: pip install 'dataaudit[gx]'"
    )
    assert lines[2] in ("ready", "not ready")


def test_wheel_metadata_core_is_light_and_licence_ships(built_wheel):
    wheel = built_wheel
    zf = zipfile.ZipFile(wheel)
    names = zf.namelist()
    licence = [n for n in names if ".dist-info/licenses/" in n]
    assert licence, names
    assert "Apache License" in zf.read(licence[0]).decode()
    meta = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requires = [
        line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Requires-Dist:")
    ]
    core = [r for r in requires if "extra ==" not in r]
    for heavy in ("great-expectations", "ydata-profiling", "setuptools"):
        assert not any(r.startswith(heavy) for r in core), (heavy, core)
    assert any(r.startswith("great-expectations") and 'extra == "gx"' in r for r in requires)
    assert any(r.startswith("ydata-profiling") and 'extra == "profile"' in r for r in requires)
    assert any(r.startswith("setuptools<82") and 'extra == "profile"' in r for r in requires)
    assert "Classifier: Typing :: Typed" in meta
    assert "License-Expression: Apache-2.0" in meta
