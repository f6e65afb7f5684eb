"""Start-up cost: heavy libraries are imported only where they are used, and the report's compiled templates
are kept between runs (issue 16: a 1,000-row audit end to end, as in a pre-commit hook on small files).

Each import check runs a fresh interpreter and reads its ``sys.modules`` after the command: a library imported
at module level anywhere on the path shows up there even if nothing calls it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.helpers import ROOT

#: never needed to parse a command line or print help
HEAVY = ("pandas", "numpy", "pyarrow", "sklearn", "scipy", "duckdb", "pyspark", "jinja2", "rich", "pydantic")
#: optional engines and extras: only with --engine, --profile, expectations, ...
EXTRAS = ("duckdb", "pyspark", "great_expectations", "ydata_profiling", "mlcroissant")
#: only for the checks that train a model or compare label rates, i.e. with a target
MODELLING = ("sklearn", "scipy", "fairlearn", "cleanlab", "threadpoolctl")

_RUN = """
import json, runpy, sys
sys.argv = ["dataaudit", *json.loads(sys.argv[1])]
code = 0
try:
    runpy.run_module("dataaudit", run_name="__main__")
except SystemExit as exc:
    code = exc.code
with open(OUT, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""


def _modules_after(args: list[str], tmp_path: Path) -> tuple[int, set[str]]:
    """The exit code of ``dataaudit ARGS`` in a fresh interpreter and the top-level packages it imported."""
    out = tmp_path / "modules.json"
    script = _RUN.replace("OUT", repr(str(out)))
    proc = subprocess.run(
        [sys.executable, "-c", script, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=_env(tmp_path),
    )
    assert out.exists(), proc.stderr[-2000:]
    result = json.loads(out.read_text())
    return result["code"], {m.split(".")[0] for m in result["modules"]}


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_STEP_SUMMARY")}
    env["DATAAUDIT_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def _imported_by(code: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return {m.split(".")[0] for m in json.loads(proc.stdout.splitlines()[-1])}


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 rows: numbers, a category, a timestamp, a binary target that depends on the category."""
    rng = np.random.default_rng(3)
    n = 300
    group = rng.choice(["a", "b", "c"], n)
    frame = pd.DataFrame(
        {
            "id": np.arange(n),
            "amount": rng.normal(100, 15, n).round(2),
            "age": rng.integers(18, 80, n),
            "group": group,
            "event_time": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 90 * 24, n), unit="h"),
            "target": (rng.random(n) < np.where(group == "a", 0.5, 0.2)).astype(int),
        }
    )
    path = tmp_path_factory.mktemp("startup") / "small.csv"
    frame.to_csv(path, index=False)
    return path


def test_importing_dataaudit_imports_no_heavy_library():
    loaded = _imported_by("import dataaudit")
    assert not loaded & {*HEAVY, *EXTRAS, *MODELLING}, sorted(loaded & {*HEAVY, *EXTRAS, *MODELLING})


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["hook", "--help"]])
def test_help_imports_no_heavy_library(args, tmp_path):
    code, loaded = _modules_after(args, tmp_path)
    assert code == 0
    assert not loaded & {*HEAVY, *EXTRAS, *MODELLING}, sorted(loaded & {*HEAVY, *EXTRAS, *MODELLING})


def test_audit_without_a_target_imports_no_modelling_library(small_csv, tmp_path):
    """No target: no check trains a model, so scikit-learn (and scipy under it) is never imported; -q prints
    one line, so rich (the summary table) is not either."""
    html = tmp_path / "r.html"
    args = ["run", str(small_csv), "-o", str(html), "--as-of", "2026-06-30", "-q", "--id", "id"]
    code, loaded = _modules_after(args, tmp_path)
    assert code in (0, 1)
    assert html.stat().st_size > 10_000  # the report was written: the run went through every check
    assert {"pandas", "jinja2"} <= loaded  # the run really audited and rendered
    assert not loaded & {*EXTRAS, *MODELLING, "rich"}, sorted(loaded & {*EXTRAS, *MODELLING, "rich"})


def test_audit_with_a_target_imports_no_optional_engine(small_csv, tmp_path):
    args = [
        "run",
        str(small_csv),
        "-o",
        str(tmp_path / "r.html"),
        "--json",
        str(tmp_path / "r.json"),
        "--as-of",
        "2026-06-30",
        "-q",
        "--target",
        "target",
        "--id",
        "id",
    ]
    code, loaded = _modules_after(args, tmp_path)
    assert code in (0, 1)
    assert "sklearn" in loaded  # the learning curve ran
    report = json.loads((tmp_path / "r.json").read_text())
    assert {c["id"]: c["status"] for c in report["checks"]}["size.learning_curve"] != "error"
    assert not loaded & set(EXTRAS), sorted(loaded & set(EXTRAS))


def test_quick_audit_with_a_target_and_sensitive_attribute_imports_no_modelling_library(small_csv, tmp_path):
    """--quick (pre-commit) leaves out the checks that fit models; the bias checks' rate tables are computed
    without fairlearn, which imports scikit-learn (and scipy under it): together most of a small audit's time.
    """
    args = ["run", str(small_csv), "-o", str(tmp_path / "r.html"), "--json", str(tmp_path / "r.json")]
    args += ["--as-of", "2026-06-30", "-q", "--target", "target", "--sensitive", "group", "--id", "id"]
    code, loaded = _modules_after([*args, "--quick"], tmp_path)
    assert code in (0, 1)
    report = json.loads((tmp_path / "r.json").read_text())
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["size.learning_curve"] == "skipped"
    assert statuses["bias.label_rate_disparity"] in ("pass", "warn", "fail")  # it ran, without fairlearn
    assert {"pandas", "jinja2"} <= loaded
    assert not loaded & {*EXTRAS, *MODELLING, "rich"}, sorted(loaded & {*EXTRAS, *MODELLING, "rich"})


# ---------------------------------------------------------------------------------------------------------
# the compiled-template cache


@pytest.fixture(scope="module")
def report():
    import dataaudit

    frame = pd.read_csv(ROOT / "sample_data" / "loans.csv", nrows=400)
    return dataaudit.audit(frame, as_of="2026-06-30", select=["consistency", "size"])


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source from now on."""
    from jinja2 import Environment

    compiled: list[str] = []
    original = Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Environment, "compile", counting)
    return compiled


def test_second_render_reads_compiled_templates_from_the_cache(report, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAAUDIT_CACHE_DIR", str(tmp_path))
    compiled = _compiles(monkeypatch)
    first = report.to_html()
    assert "report.html.j2" in compiled
    cached = sorted((tmp_path / "templates").iterdir())
    assert len(cached) == len(compiled)  # one entry per template, partials included
    compiled.clear()
    second = report.to_html()
    assert compiled == []  # nothing parsed or compiled again
    assert second == first


def test_unusable_cache_is_compiled_around(report, tmp_path, monkeypatch):
    """A damaged entry, or a cache folder that cannot be made, costs the compile, never the report."""
    monkeypatch.setenv("DATAAUDIT_CACHE_DIR", str(tmp_path / "none"))
    monkeypatch.setattr("dataaudit.report.html._template_cache", lambda: None)
    reference = report.to_html()
    monkeypatch.undo()

    monkeypatch.setenv("DATAAUDIT_CACHE_DIR", str(tmp_path))
    report.to_html()
    entries = list((tmp_path / "templates").iterdir())
    assert entries
    for entry in entries:  # right header, truncated body
        entry.write_bytes(entry.read_bytes()[:40])
    compiled = _compiles(monkeypatch)
    assert report.to_html() == reference
    assert "report.html.j2" in compiled

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("DATAAUDIT_CACHE_DIR", str(blocked))
    assert report.to_html() == reference


def test_cache_entries_are_keyed_by_the_compile_options(report, tmp_path, monkeypatch):
    """Templates compiled with other options (say, without trim_blocks) are different code: an entry written
    under other options is never read."""
    from dataaudit.report import html

    monkeypatch.setenv("DATAAUDIT_CACHE_DIR", str(tmp_path))
    report.to_html()
    before = {p.name.split("-")[0] for p in (tmp_path / "templates").iterdir()}
    monkeypatch.setitem(html._OPTIONS, "trim_blocks", False)
    compiled = _compiles(monkeypatch)
    report.to_html()
    assert "report.html.j2" in compiled
    after = {p.name.split("-")[0] for p in (tmp_path / "templates").iterdir()}
    assert len(after - before) == 1
