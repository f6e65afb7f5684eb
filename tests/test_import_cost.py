"""The pre-commit path stays light (issue 16: a 1,000-row audit with a target, end to end, in about a second).

tests/test_startup.py covers ``import dataaudit``, ``--help`` and ``run`` with an HTML report. These cover
``dataaudit hook``, the path a pre-commit hook takes: a few staged files, their roles in the
``dataaudit.yaml`` beside them, no HTML unless ``--html-dir`` is given. Each runs the command in a fresh
interpreter and reads its ``sys.modules`` afterwards, never a clock: a library imported at module level
anywhere on the path shows up there even if nothing calls it. Each "not imported" is paired with the case
that does import it, so a test whose module list is wrong, or whose command did nothing, fails.
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

#: the checks that fit models, the HTML report and the console table, the optional engines and extras
MODELLING = ("sklearn", "scipy", "fairlearn", "cleanlab", "threadpoolctl", "joblib")
RENDERING = ("jinja2", "markupsafe", "rich")
EXTRAS = ("duckdb", "pyspark", "great_expectations", "ydata_profiling", "mlcroissant", "openpyxl")
#: dataaudit's own modules that only some inputs need: Excel's XML parser, the Croissant reader (SPDX table)
ONLY_WHEN_NEEDED = ("xml.etree", "dataaudit.croissant", "dataaudit.licences", "dataaudit.report.html")

_RUN = """
import gc, json, runpy, sys
sys.argv = ["dataaudit", *json.loads(sys.argv[1])]
code = None
try:
    runpy.run_module("dataaudit", run_name="__main__")
except SystemExit as exc:
    code = exc.code
state = {"code": code, "modules": sorted(sys.modules), "frozen": gc.get_freeze_count(), "gc": gc.isenabled()}
with open(OUT, "w") as f:
    json.dump(state, f)
"""


def _run(args: list[str], cwd: Path, prelude: str = "") -> dict:
    """``dataaudit ARGS`` (as ``python -m dataaudit`` runs it) in a fresh interpreter, after ``prelude``: its
    exit code, every module it imported, and how many objects its exit left frozen."""
    out = cwd / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", prelude + _RUN.replace("OUT", repr(str(out))), json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=_env(cwd),
    )
    assert out.exists(), proc.stderr[-2000:]
    result = json.loads(out.read_text())
    result["stdout"], result["stderr"] = proc.stdout, proc.stderr
    result["modules"] = set(result["modules"])
    return result


def _env(cwd: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_STEP_SUMMARY")}
    env["DATAAUDIT_CACHE_DIR"] = str(cwd / "cache")
    return env


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """Those of ``names`` (packages, or dotted modules) that ``modules`` holds."""
    tops = {m.split(".")[0] for m in modules}
    return sorted(n for n in names if (n in modules if "." in n else n in tops))


@pytest.fixture()
def staged(tmp_path: Path) -> Path:
    """A staged 400-row CSV (numbers, a category, timestamps, an id, a binary target that depends on the
    category) and the dataaudit.yaml beside it that declares its roles, as a repository using the hook has."""
    rng = np.random.default_rng(16)
    n = 400
    group = rng.choice(["north", "south", "east"], n)
    event = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 90 * 24, n), unit="h")
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "amount": rng.normal(100, 15, n).round(2),
            "age": rng.integers(18, 80, n),
            "group": group,
            "event_time": event,
            "target": (rng.random(n) < np.where(group == "north", 0.5, 0.2)).astype(int),
        }
    )
    folder = tmp_path / "repo" / "data"
    folder.mkdir(parents=True)
    frame.to_csv(folder / "loans.csv", index=False)
    (folder / "dataaudit.yaml").write_text(
        "target: target\nsensitive: [group]\ntimestamp: event_time\nid: id\n", encoding="utf-8"
    )
    return folder / "loans.csv"


def _hook(staged: Path, *extra: str) -> dict:
    result = _run(["hook", "--as-of", "2026-06-30", *extra, str(staged)], staged.parent)
    assert result["code"] in (0, 1), result["stderr"][-2000:]
    assert str(staged) in result["stdout"]  # one verdict line for the file
    assert {"pandas", "dataaudit.api", "dataaudit.checks.consistency"} <= result["modules"]  # it audited
    return result


@pytest.mark.parametrize("flag", [(), ("--quick",)], ids=["default", "--quick"])
def test_quick_hook_imports_nothing_it_does_not_use(staged, flag):
    """``hook`` (quick by default) on a CSV with a target: no model-fitting library, no HTML or console
    rendering, no optional engine, no Excel or Croissant reader."""
    result = _hook(staged, *flag)
    unwanted = (*MODELLING, *RENDERING, *EXTRAS, *ONLY_WHEN_NEEDED)
    assert _loaded(result["modules"], unwanted) == []


def test_full_hook_fits_models_but_still_renders_nothing(staged):
    """With --full the checks that fit models run (scikit-learn is imported: the module list is read
    after the checks ran), and still nothing renders HTML. (rich is left out of the list: scikit-learn 1.9
    imports it for its progress bars.)"""
    result = _hook(staged, "--full")
    assert "sklearn" in {m.split(".")[0] for m in result["modules"]}
    assert _loaded(result["modules"], ("jinja2", "markupsafe", *EXTRAS, *ONLY_WHEN_NEEDED)) == []


def test_hook_with_an_html_folder_renders(staged, tmp_path):
    """--html-dir asks for the HTML report: only then is Jinja imported."""
    result = _hook(staged, "--html-dir", str(tmp_path / "html"))
    assert (tmp_path / "html").is_dir() and any((tmp_path / "html").iterdir())
    rendering = ("jinja2", "dataaudit.report.html")
    assert _loaded(result["modules"], rendering) == sorted(rendering)
    assert _loaded(result["modules"], MODELLING) == []


def test_croissant_reader_is_imported_when_a_croissant_file_is_beside_the_data(staged):
    """The Croissant reader (and its SPDX licence table) is imported only when there is a file to read; the
    file's licence then reaches the policy checks."""
    card = {
        "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"},
        "@type": "Dataset",
        "name": "loans",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "creator": {"@type": "Organization", "name": "Credit risk team"},
    }
    (staged.parent / "croissant.json").write_text(json.dumps(card), encoding="utf-8")
    result = _hook(staged, "--quick")
    assert _loaded(result["modules"], ("dataaudit.croissant", "dataaudit.licences")) == [
        "dataaudit.croissant",
        "dataaudit.licences",
    ]
    assert _loaded(result["modules"], (*MODELLING, *RENDERING)) == []


def test_excel_reader_is_imported_for_a_workbook(staged):
    """openpyxl and the XML parser it raises errors from are imported for a workbook, not for a CSV."""
    pytest.importorskip("openpyxl")
    workbook = staged.with_suffix(".xlsx")
    pd.read_csv(staged).to_excel(workbook, index=False)
    result = _hook(workbook, "--quick")
    assert _loaded(result["modules"], ("openpyxl", "xml.etree")) == ["openpyxl", "xml.etree"]


def test_the_command_collects_no_garbage_at_start_up_or_exit_but_does_while_auditing(staged, tmp_path):
    """The command turns the garbage collector off while it imports and back on before it reads the data
    (dataaudit.startup), and freezes its objects as it ends (the collection at interpreter exit costs
    ~0.1 s): after ``python -m dataaudit run``, the collector is on and objects are frozen; the report is
    complete; an atexit handler still runs."""
    out = tmp_path / "r.json"
    marker = tmp_path / "atexit-ran"
    prelude = f"import atexit, pathlib\natexit.register(pathlib.Path({str(marker)!r}).touch)\n"
    args = ["run", str(staged), "--no-html", "--json", str(out), "--as-of", "2026-06-30", "-q", "--quick"]
    result = _run(args, staged.parent, prelude)
    assert result["code"] in (0, 1), result["stderr"][-2000:]
    assert result["gc"] is True  # back on before the data was read
    assert result["frozen"] > 10_000  # everything the imports made
    assert json.loads(out.read_text())["dataset"]["rows"] == 400
    assert marker.exists()


def test_init_reads_its_data_with_the_collector_on(staged, tmp_path):
    """``dataaudit init`` reads the data without dataaudit.api: loading turns the collector back on too."""
    out = tmp_path / "starter.yaml"
    result = _run(["init", str(staged), "-o", str(out)], staged.parent)
    assert result["code"] == 0, result["stderr"][-2000:]
    assert "target" in out.read_text()
    assert result["gc"] is True


def test_the_click_group_called_in_process_leaves_the_collector_alone(staged):
    """Tests and applications call the ``cli`` group in-process: it must not freeze their heap (every cycle
    made after a freeze and dropped would stay in memory) nor turn their collector off."""
    import gc

    from click.testing import CliRunner

    from dataaudit.cli import cli

    before = gc.get_freeze_count()
    res = CliRunner().invoke(cli, ["hook", "--quick", "--as-of", "2026-06-30", str(staged)])
    assert res.exit_code in (0, 1), res.output
    assert "loans.csv" in res.output
    assert gc.get_freeze_count() == before
    assert gc.isenabled()
