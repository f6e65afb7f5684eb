"""The command line through click's CliRunner: exit codes, the one-line errors, the outputs, the subcommands.

Every run passes a fixed ``--as-of`` and works on a small frame written to a fresh temporary folder (the
working directory for the test), so the default report path and the config search stay inside it.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from dataaudit import __version__
from dataaudit.cli import cli
from dataaudit.config import load_config
from dataaudit.registry import Registry
from tests.helpers import CHECK_FIELDS, SAMPLE

AS_OF = "2026-06-30"
REPORT = "dataaudit-report.html"  # the default -o


pytestmark = pytest.mark.usefixtures("hermetic")


def frame(n: int, seed: int = 0) -> pd.DataFrame:
    """A clean little table: a unique id, two features, a balanced 0/1 target."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "row_id": np.arange(n),
            "x": rng.normal(size=n).round(3),
            "colour": rng.choice(["red", "green", "blue"], size=n),
            "approved": np.arange(n) % 2,
        }
    )


def write(n: int, name: str = "data.csv") -> Path:
    path = Path(name)
    frame(n).to_csv(path, index=False)
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def audit(*args: str) -> Result:
    """``dataaudit run`` with the fixed as-of date."""
    return run("run", *args, "--as-of", AS_OF)


def leftovers(folder: Path = Path(".")) -> list[str]:
    """Report files and temp files in a folder (what a failed run must not leave behind)."""
    names = [p.name for p in folder.rglob("*") if p.is_file()]
    return sorted(n for n in names if n.endswith((".tmp", ".html", ".json")))


def assert_cannot_audit(result: Result, message: str) -> None:
    """Exit 2, exactly one 'error: ...' line on stderr, nothing on stdout, no output file."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == f"error: {message}\n"
    assert leftovers() == []


# -- exit codes ------------------------------------------------------------------------------------------


def test_ready_exits_0_and_writes_the_report() -> None:
    write(1_200)
    result = audit("data.csv", "--select", "size")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "READY — nothing at or above --fail-on fail" in result.stdout
    assert f"report: {REPORT}" in result.stdout
    assert "1,200 rows × 4 columns" in result.stdout
    assert Path(REPORT).read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_not_ready_exits_1_naming_the_failing_check() -> None:
    write(50)
    result = audit("data.csv")
    assert result.exit_code == 1, result.output
    assert result.stderr == ""
    assert "FAIL  size.min_rows: only 50 rows; at least 100 needed" in result.stdout
    assert "NOT READY — 1 check(s) at or above --fail-on fail" in result.stdout
    assert Path(REPORT).is_file()  # a not-ready audit still writes its report


def test_quiet_prints_only_the_verdict() -> None:
    write(50)
    result = audit("data.csv", "-q", "--no-html")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "NOT READY: data.csv\n", "")
    assert not Path(REPORT).exists()


UNSUPPORTED = (
    "x.foo: unsupported file type '.foo'; supported: .csv .tsv .parquet .feather .arrow .json .jsonl .xlsx "
    "(optionally .gz/.bz2/.xz/.zip), or pass --format"
)


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        pytest.param({}, ["nope.csv"], "nope.csv: file not found", id="missing-file"),
        pytest.param({"x.foo": "a,b\n1,2\n"}, ["x.foo"], UNSUPPORTED, id="unsupported-extension"),
        pytest.param({"empty.csv": ""}, ["empty.csv"], "empty.csv: file is empty (0 bytes)", id="empty-file"),
        pytest.param(
            {"head.csv": "a,b\n"},
            ["head.csv"],
            "head.csv: no data rows (only a header with 2 columns)",
            id="header-only",
        ),
        pytest.param(
            {},
            ["data.csv", "--fail-on", "sometimes"],
            "Invalid value for '--fail-on': 'sometimes' is not one of 'warn', 'fail'. "
            "(see 'dataaudit run --help')",
            id="bad-fail-on",
        ),
        pytest.param(
            {},
            ["data.csv", "--target", "aproved"],
            "--target: column 'aproved' not found in data.csv; did you mean 'approved'?",
            id="target-typo",
        ),
        pytest.param(
            {},
            ["data.csv", "--sensitive", "row_id,gendr"],
            "--sensitive: column 'gendr' not found in data.csv",
            id="sensitive-missing",
        ),
        pytest.param(
            {},
            ["data.csv", "--as-of", "30/06/2026"],
            "invalid --as-of '30/06/2026': expected an ISO date or datetime, e.g. 2026-06-30 "
            "or 2026-06-30T12:00:00Z",
            id="bad-as-of",
        ),
        pytest.param(
            {},
            ["data.csv", "--select", "sise"],
            "select/ignore: 'sise' matches no check id or area; did you mean 'size'? "
            "(set by --select/--ignore; see 'dataaudit checks')",
            id="select-matches-nothing",
        ),
        pytest.param(
            {},
            ["data.csv", "--checks", "plugins"],
            "plugins: --checks folder not found",
            id="checks-folder-missing",
        ),
        pytest.param(
            {},
            ["data.csv", "--config", "other.yaml"],
            "other.yaml: config file not found",
            id="config-missing",
        ),
        pytest.param(
            {"conf/x": ""},
            ["data.csv", "--config", "conf"],
            "conf: is a folder, not a config file",
            id="config-is-a-folder",
        ),
        pytest.param(
            {},
            ["data.csv", "--bogus"],
            "No such option '--bogus'. (see 'dataaudit run --help')",
            id="unknown-option",
        ),
    ],
)
def test_cannot_audit_exits_2_with_one_line(files: dict[str, str], args: list[str], message: str) -> None:
    write(200)
    for name, text in files.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text, encoding="utf-8")
    # the bad-as-of case brings its own --as-of instead of the fixed one
    assert_cannot_audit(audit(*args) if "--as-of" not in args else run("run", *args), message)


def test_unknown_command_exits_2() -> None:
    assert_cannot_audit(run("audit", "data.csv"), "No such command 'audit'. (see 'dataaudit --help')")


def test_missing_argument_exits_2() -> None:
    assert_cannot_audit(run("run"), "Missing argument 'DATA'. (see 'dataaudit run --help')")


def test_a_failed_write_leaves_no_output_behind() -> None:
    write(200)
    Path("out").mkdir()
    Path("afile").write_text("not a folder", encoding="utf-8")
    result = audit("data.csv", "-o", "out/report.html", "--json", "afile/report.json")
    assert_cannot_audit(result, "afile/report.json: cannot write output (afile is not a folder)")
    assert list(Path("out").iterdir()) == []  # refused before the audit: no HTML report either


def test_internal_error_exits_3_with_a_hint_and_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("boom at row 42")

    monkeypatch.setattr("dataaudit.api.build_report", boom)
    write(200)
    result = audit("data.csv")
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    assert (
        result.stderr
        == "internal error: RuntimeError: boom at row 42 (rerun with --debug for the traceback)\n"
    )
    assert leftovers() == []

    debug = audit("data.csv", "--debug")
    assert debug.exit_code == 3
    assert debug.stdout == ""
    assert debug.stderr.startswith("Traceback (most recent call last):\n")
    assert 'raise RuntimeError("boom at row 42")' in debug.stderr
    assert debug.stderr.endswith("internal error: RuntimeError: boom at row 42\n")
    assert leftovers() == []


def test_a_multi_line_exception_still_makes_one_stderr_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("first line\nsecond line")

    monkeypatch.setattr("dataaudit.api.build_report", boom)
    write(200)
    result = audit("data.csv")
    assert result.exit_code == 3
    assert result.stderr == (
        "internal error: RuntimeError: first line second line (rerun with --debug for the traceback)\n"
    )


# -- a crashing check ------------------------------------------------------------------------------------

PLUGIN = '''
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from dataaudit import Area, Check, Outcome


@dataclass(frozen=True)
class Boom(Check):
    """Always crashes.

    Why it matters: it proves one broken check does not take down the audit.
    How to fix: nothing to fix.
    """

    id: ClassVar[str] = "consistency.boom"
    title: ClassVar[str] = "Crashes"
    area: ClassVar[Area] = Area.CONSISTENCY

    def run(self, data):
        raise ValueError(f"kaboom after {data.n_rows} rows")


@dataclass(frozen=True)
class After(Check):
    """Runs after the crash and passes."""

    id: ClassVar[str] = "consistency.after_boom"
    title: ClassVar[str] = "Runs after the crash"
    area: ClassVar[Area] = Area.CONSISTENCY
    limit: int = 3

    def run(self, data):
        return Outcome.ok(f"{data.n_cols} columns")
'''


@pytest.fixture
def plugins() -> Path:
    folder = Path("plugins")
    folder.mkdir()
    (folder / "boom.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    return folder


def test_a_crashing_check_becomes_an_error_result_and_the_audit_goes_on(plugins: Path) -> None:
    write(1_200)
    result = audit(
        "data.csv",
        "--checks",
        plugins,
        "--select",
        "size.min_rows,consistency.boom,consistency.after_boom",
        "--json",
        "r.json",
    )
    assert result.exit_code == 1, result.output  # an error blocks: the check has not shown the data is fine
    assert "ERROR consistency.boom: check crashed: ValueError: kaboom after 1200 rows" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    doc = json.loads(Path("r.json").read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in doc["checks"]}
    assert list(by_id) == ["size.min_rows", "consistency.boom", "consistency.after_boom"]
    assert by_id["consistency.boom"]["status"] == "error"
    assert by_id["consistency.boom"]["message"] == "check crashed: ValueError: kaboom after 1200 rows"
    assert by_id["consistency.boom"]["error"] == "ValueError: kaboom after 1200 rows"
    assert by_id["consistency.after_boom"]["status"] == "pass"
    assert by_id["size.min_rows"]["status"] == "pass"
    assert doc["verdict"] == "not_ready"
    assert doc["summary"]["by_status"]["error"] == 1
    assert "Traceback" not in Path("r.json").read_text(encoding="utf-8")


def test_debug_shows_a_crashed_checks_traceback(plugins: Path) -> None:
    write(200)
    result = audit("data.csv", "--checks", plugins, "--select", "consistency.boom", "--no-html", "--debug")
    assert result.exit_code == 1
    assert "--- consistency.boom crashed:\nTraceback (most recent call last):" in result.stderr
    assert "ValueError: kaboom after 200 rows" in result.stderr


# -- JSON ------------------------------------------------------------------------------------------------


def test_json_to_stdout_is_pure_json_with_the_schema_fields() -> None:
    write(500)
    result = audit("data.csv", "--json", "-", "--no-html", "--target", "approved")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # the summary went to stderr
    assert "READY" in result.stderr
    assert {"schema_version", "tool", "dataset", "roles", "verdict", "summary", "checks"} <= set(doc)
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "dataaudit", "version": __version__}
    assert doc["dataset"]["path"] == "data.csv"
    assert (doc["dataset"]["rows"], doc["dataset"]["columns"]) == (500, 4)
    assert doc["roles"]["target"] == "approved"
    assert doc["verdict"] == "ready"
    assert doc["as_of"] == "2026-06-30T00:00:00+00:00"
    assert doc["summary"]["checks"] == len(doc["checks"]) > 0
    for check in doc["checks"]:
        assert set(check) >= CHECK_FIELDS, check["id"]
        assert check["status"] in {"pass", "warn", "fail", "error", "skipped"}
        assert isinstance(check["duration_s"], float)
    min_rows = next(c for c in doc["checks"] if c["id"] == "size.min_rows")
    assert min_rows == min_rows | {
        "area": "size",
        "title": "Enough rows",
        "status": "pass",
        "severity": "fail",
        "observed": 500,
    }
    # the rule of thumb, then what the learning curve, measured on this data, says about it: the evidence
    assert min_rows["message"].startswith("only 500 rows; at least 1,000 needed by the rule of thumb; ")
    assert "the learning curve, measured on this data" in min_rows["message"]
    assert not Path(REPORT).exists()


def test_as_of_with_an_offset_is_reported_in_utc() -> None:
    write(200)
    result = run("run", "data.csv", "--json", "-", "--no-html", "--as-of", "2026-06-30T12:00:00+02:00")
    assert json.loads(result.stdout)["as_of"] == "2026-06-30T10:00:00+00:00"


# -- verdict threshold, severities and selection from the command line -----------------------------------


def test_fail_on_warn_turns_a_warning_into_exit_1() -> None:
    write(500)  # size.min_rows warns below 1,000
    assert audit("data.csv", "--select", "size.min_rows").exit_code == 0
    result = audit("data.csv", "--select", "size.min_rows", "--fail-on", "warn")
    assert result.exit_code == 1
    assert "NOT READY — 1 check(s) at or above --fail-on warn" in result.stdout


def test_select_and_ignore_by_prefix() -> None:
    write(200)
    result = audit(
        "data.csv", "--select", "size", "--ignore", "size.min_rows,size.class_counts", "--json", "-"
    )
    ids = [c["id"] for c in json.loads(result.stdout)["checks"]]
    assert ids == ["size.rows_per_feature", "size.group_counts", "size.learning_curve"]
    result = audit(
        "data.csv", "--select", "size.min_rows", "--select", "size.rows_per_feature", "--json", "-"
    )
    assert [c["id"] for c in json.loads(result.stdout)["checks"]] == [
        "size.min_rows",
        "size.rows_per_feature",
    ]


# -- output files ----------------------------------------------------------------------------------------


def test_html_and_json_are_written_atomically_with_ordinary_permissions() -> None:
    write(200)
    out = Path("out", "nested")
    out.mkdir(parents=True)  # an output folder must exist: a mistyped one is refused, not created
    result = audit("data.csv", "-o", out / "report.html", "--json", out / "report.json")
    assert result.exit_code == 0, result.output
    assert f"report: {out / 'report.html'}" in result.stdout
    assert f"json: {out / 'report.json'}" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json"]  # no .*.tmp left
    assert "<html" in (out / "report.html").read_text(encoding="utf-8")
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["verdict"] == "ready"
    umask = os.umask(0o022)
    os.umask(umask)
    for name in ("report.html", "report.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600


def test_json_and_html_on_the_same_path_is_refused_before_the_audit() -> None:
    write(200)
    result = audit("data.csv", "--json", REPORT)
    assert_cannot_audit(
        result,
        f"Invalid value for '--json': {REPORT} is also the HTML report's path (-o); give one of them another "
        "(see 'dataaudit run --help')",
    )


def test_a_second_run_replaces_the_report() -> None:
    write(50)
    audit("data.csv", "--json", "r.json")
    write(200)
    audit("data.csv", "--json", "r.json")
    assert json.loads(Path("r.json").read_text(encoding="utf-8"))["dataset"]["rows"] == 200
    assert leftovers() == ["dataaudit-report.html", "r.json"]


# -- checks, explain, version ----------------------------------------------------------------------------


def test_checks_lists_every_check_with_area_severity_title_and_source(plugins: Path) -> None:
    result = run("checks")
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    # issue 17: a 'needs' column (roles, baseline...); severity only while some check's default is not 'fail'
    reg = Registry.default(entry_points=False)
    severity = ["severity"] if any(str(i.check.severity) != "fail" for i in reg) else []
    assert lines[0].split() == ["id", "area", "needs", *severity, "title", "source"]
    assert len(lines) == 1 + len(reg)
    for line, item in zip(lines[1:], reg):
        c = item.check
        assert line.split()[:2] == [c.id, c.area.value]
        assert line.split()[-len(c.title.split()) - 1 :] == [*c.title.split(), "builtin"]
    with_plugins = run("checks", "--checks", plugins).stdout
    assert "consistency.boom" in with_plugins
    assert str(plugins / "boom.py") in with_plugins


def test_explain_prints_the_docstring_parts_and_parameters() -> None:
    result = run("explain", "size.min_rows")
    assert result.exit_code == 0
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith(
        "size.min_rows: Enough rows\narea: size · default severity: fail · source: builtin\n"
    )
    assert "\nThe dataset has enough rows to train and validate a model.\n" in out
    assert "\nWhy it matters: " in out
    assert "\nHow to fix: " in out
    assert "Parameters (set under checks: {size.min_rows: {...}} in dataaudit.yaml):" in out
    assert "  warn_below: int = 1000\n  fail_below: int = 100\n" in out
    assert out.endswith("  severity: warn | fail | off\n  enabled: true | false\n")


def test_explain_a_plugin_check(plugins: Path) -> None:
    result = run("explain", "consistency.after_boom", "--checks", plugins)
    assert result.exit_code == 0
    assert f"source: {plugins / 'boom.py'}" in result.stdout
    assert "  limit: int = 3\n" in result.stdout


def test_checks_and_explain_accept_plain_string_area_and_severity() -> None:
    """A plugin may write ``area = "consistency"`` rather than ``Area.CONSISTENCY``."""
    folder = Path("plain")
    folder.mkdir()
    (folder / "plain.py").write_text(
        textwrap.dedent('''
            from dataclasses import dataclass

            from dataaudit import Check, Outcome


            @dataclass(frozen=True)
            class Plain(Check):
                """Plain strings for the class constants."""

                id = "consistency.plain"
                title = "Plain strings"
                area = "consistency"
                severity = "warn"

                def run(self, data):
                    return Outcome.fail("always fails")
        '''),
        encoding="utf-8",
    )
    listing = run("checks", "--checks", folder)
    assert listing.exit_code == 0, listing.output
    assert listing.stdout.splitlines()[0].split()[:4] == ["id", "area", "needs", "severity"]  # shown now
    assert listing.stdout.splitlines()[-1].split()[:5] == [
        "consistency.plain",
        "consistency",
        "-",
        "warn",
        "Plain",
    ]
    explained = run("explain", "consistency.plain", "--checks", folder)
    assert explained.exit_code == 0, explained.output
    assert "area: consistency · default severity: warn · source: plain/plain.py" in explained.stdout
    write(200)
    result = audit("data.csv", "--checks", folder, "--select", "consistency.plain", "--json", "-")
    assert result.exit_code == 0  # its default severity warn caps the fail
    assert json.loads(result.stdout)["checks"][0]["status"] == "warn"


def test_explain_an_unknown_check_exits_2_with_a_close_match() -> None:
    assert_cannot_audit(
        run("explain", "size.min_row"),
        "unknown check 'size.min_row'; did you mean 'size.min_rows'? "
        "(see 'dataaudit checks'; 'dataaudit explain config' for the config keys)",
    )


def test_explain_an_area_lists_its_checks() -> None:
    ids = ", ".join(i for i in Registry.default(entry_points=False).ids if i.startswith("size."))
    assert_cannot_audit(run("explain", "size"), f"'size' is an area, not a check; its checks: {ids}")


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"dataaudit {__version__}\n", "")


def test_python_dash_m_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dataaudit", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"dataaudit {__version__}\n", "")


def test_help_lists_the_exit_codes() -> None:
    result = run("run", "--help")
    assert result.exit_code == 0
    assert "Exit codes: 0 ready, 1 not ready, 2 cannot audit" in " ".join(result.stdout.split())


def test_bare_command_shows_the_help_and_exits_2() -> None:
    result = run()
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: dataaudit [OPTIONS] COMMAND [ARGS]...")
    assert "error:" not in result.stderr


# -- init ------------------------------------------------------------------------------------------------


@pytest.fixture
def loans() -> Path:
    target = Path("loans.csv")
    target.write_bytes((SAMPLE / "loans.csv").read_bytes())
    return target


def test_init_writes_a_commented_starter_config_that_loads_back(loans: Path) -> None:
    result = run("init", loans)
    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == ("wrote dataaudit.yaml\n", "")
    text = Path("dataaudit.yaml").read_text(encoding="utf-8")
    assert text.startswith("# dataaudit configuration, written by 'dataaudit init' from loans.csv.\n")
    guessed = {line.split(":")[0] for line in text.splitlines() if "# guessed" in line}
    # sensitive guesses are written commented out: the bias checks must not grade on a guess (issue 17)
    assert guessed == {"target", "id", "timestamp", "ingested_at", "# sensitive"}
    # the id has duplicates (the planted duplicate rows copy it): still guessed, with the caveat
    assert "10,000 distinct values in 10,150 rows: 150 repeated; check for duplicates" in text
    cfg = load_config(Path("dataaudit.yaml"))
    assert (cfg.target, cfg.id, cfg.timestamp, cfg.ingested_at) == (
        "approved",
        "application_id",
        "applied_at",
        "ingested_at",
    )
    assert cfg.sensitive == ()
    sens_line = next(line for line in text.splitlines() if line.startswith("# sensitive: ["))
    assert all(f'"{c}"' in sens_line for c in ("gender", "ethnicity", "age"))
    assert cfg.fail_on == "fail"
    assert cfg.policy is None  # the policy block is all prompts, commented out
    assert leftovers() == []  # no temp file beside it


def test_init_refuses_to_overwrite_without_force(loans: Path) -> None:
    Path("dataaudit.yaml").write_text("target: mine\n", encoding="utf-8")
    assert_cannot_audit(run("init", loans), "dataaudit.yaml: already exists (use --force to overwrite)")
    assert Path("dataaudit.yaml").read_text(encoding="utf-8") == "target: mine\n"
    result = run("init", loans, "--force")
    assert result.exit_code == 0
    assert load_config(Path("dataaudit.yaml")).target == "approved"


def test_init_to_another_path_and_the_config_is_used_by_run(loans: Path) -> None:
    write(300)
    assert run("init", "data.csv", "-o", "conf/audit.yaml").exit_code == 0
    text = Path("conf/audit.yaml").read_text(encoding="utf-8")
    assert 'target: "approved"  # guessed' in text
    assert 'id: "row_id"  # guessed' in text
    result = audit("data.csv", "-c", "conf/audit.yaml", "--json", "-", "--no-html")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["roles"]["target"] == "approved"


def test_init_on_a_missing_file_exits_2() -> None:
    assert_cannot_audit(run("init", "nope.csv"), "nope.csv: file not found")
    assert not Path("dataaudit.yaml").exists()


def test_extreme_numbers_raise_no_numpy_warnings_on_stderr() -> None:
    rows = "a,b,y\n1e308,1,0\n1.7e308,2,1\n-1.7e308,3,0\ninf,4,1\n5,5,0\n"
    Path("big.csv").write_text(rows, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = audit("big.csv", "--target", "y", "--no-html", "-q")
    assert result.exit_code == 1, result.output
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert result.stderr == ""
