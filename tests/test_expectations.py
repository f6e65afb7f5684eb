"""consistency.expectations: declared expectations and GX suites, validated with great-expectations.

great_expectations takes seconds to import, so the GX runs are few and shared: one module-scoped fixture
validates each scenario once. Bad declarations are config errors, caught before GX is ever imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.checks.consistency.expectations import plan_expectations
from dataaudit.cli import cli
from dataaudit.config import validate_config
from dataaudit.errors import ConfigError
from tests.helpers import AS_OF

CHECK = "consistency.expectations"


def frame(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "loan_id": [f"L-{i:05d}" for i in range(n)],
            "age": rng.integers(18, 80, n),
            "status": rng.choice(["open", "closed", "default"], n),
            "rate": rng.uniform(1.0, 9.0, n).round(2),
            "email": [f"user{i}@example.com" for i in range(n)],
            "opened": pd.date_range("2025-01-01", periods=n, freq="D"),
        }
    )


RULES = {
    "loan_id": {"not_null": True, "unique": True, "regex": r"^L-\d{5}$"},
    "age": {"type": "integer", "min": 18, "max": 100},
    "status": {"allowed": ["open", "closed", "default"]},
    "rate": {"type": "float", "min": 0, "max": 10, "mostly": 0.99},
    "email": {"regex": r"^[^@\s]+@[^@\s]+$", "severity": "warn"},
    "opened": {"type": "datetime", "not_null": True},
}


def broken() -> pd.DataFrame:
    df = frame()
    df.loc[[3, 9], "loan_id"] = "L-00001"  # 2 duplicates of row 1 (3 rows not unique)
    df.loc[5, "loan_id"] = "bad id"  # fails the regex
    df.loc[[10, 11, 12], "age"] = [7, 130, 150]  # out of range
    df.loc[20, "status"] = "Closed"  # not an allowed value
    df.loc[30, "rate"] = 55.0  # 1 of 400 out of range: 99.75% comply, mostly 0.99 → passes
    df.loc[40, "email"] = "jane.doe at example.com"  # warn-severity regex
    df.loc[50, "opened"] = pd.NaT
    return df


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Each scenario validated once with GX (the import is paid once for the module)."""
    folder = tmp_path_factory.mktemp("gx")
    suite = folder / "suite.json"
    suite.write_text(
        json.dumps(
            {
                "name": "loans_suite",
                "expectations": [
                    {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1000}},
                    {
                        "type": "expect_column_values_to_be_between",
                        "kwargs": {"column": "rate", "min_value": 0, "max_value": 10},
                    },
                    {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "branch"}},
                ],
            }
        )
    )
    out = {}

    def run(name, df, expectations, **params):
        config = {"expectations": expectations}
        if params:
            config["checks"] = {CHECK: params}
        report = dataaudit.audit(df, config=config, select=[CHECK], as_of=AS_OF)
        out[name] = report.result(CHECK)

    run("broken", broken(), {"columns": RULES})
    run("clean", frame(), {"columns": RULES})
    warn_only = frame()
    warn_only.loc[40, "email"] = "no-at-sign"
    run("warn_only", warn_only, {"columns": RULES})
    run(
        "tolerant",
        broken(),
        {"columns": {"status": {"allowed": ["open", "closed", "default"]}}},
        fail_above=1,
    )
    run("missing_column", frame(), {"columns": {"branch": {"not_null": True, "allowed": ["A"]}, "age": None}})
    run("suite", frame(), {"suite": str(suite), "columns": {"age": {"min": 18}}})
    typed = pd.DataFrame(
        {
            "n": pd.array([1, None, 3, 4], dtype="Int64"),
            "x": [0.5, 1.5, None, 2.0],
            "when": pd.date_range("2025-01-01", periods=4, freq="D", tz="Europe/Paris"),
            "flag": [True, False, True, True],
            "code": ["a", "b", None, "d"],
            "mixed": ["a", 2, "c", 3.5],
        }
    )
    types = {
        "n": "integer",
        "x": "float",
        "when": "datetime",
        "flag": "boolean",
        "code": "string",
        "mixed": "string",
    }
    run("types", typed, {"columns": {c: {"type": t} for c, t in types.items()}})
    bad_suite = folder / "bad_suite.json"
    bad_suite.write_text(json.dumps({"expectations": [{"type": "expect_column_to_be_purple", "kwargs": {}}]}))
    run("unknown_type", frame(), {"suite": str(bad_suite)})
    return out


def rows_of(result):
    return {r[0]: r for r in result.evidence[0].rows}


def test_broken_data_fails_with_counts_shares_and_examples(results):
    r = results["broken"]
    assert r.status == "fail"
    assert r.observed == {"expectations": 17, "failed": 6, "not_run": 0}
    assert r.message.startswith("6 of 17 expectations from dataaudit.yaml failed: ")
    assert "'loan_id' values are unique (3 unexpected values, 0.75%)" in r.message
    rows = rows_of(r)
    unique = rows["'loan_id' values are unique"]
    assert unique[1:5] == ("failed", "fail", 3, 0.75)
    assert unique[6] == "1, 3, 9"  # the rows involved
    regex = rows["'loan_id' matches /^L-\\d{5}$/"]
    assert regex[3] == 1 and regex[6] == "5"
    age = rows["'age' between 18 and 100"]
    assert age[3] == 3 and age[5] == "7, 130, 150" and age[6] == "10, 11, 12"
    assert rows["'status' values in {'open', 'closed', 'default'}"][5] == "Closed"
    assert rows["'opened' has no missing values"][5] == "(missing)"
    assert rows["'rate' between 0 and 10"][1] == "passed"  # 1 of 400 out: within mostly 0.99
    assert rows["'age' is of type integer"][1] == "passed"
    assert rows["'opened' is of type datetime"][1] == "passed"
    # examples are masked: the e-mail rule's failing value is shown word-masked, never raw
    email = rows["'email' matches /^[^@\\s]+@[^@\\s]+$/"]
    assert email[1:3] == ("failed", "warn") and "jane.doe" not in email[5] and "j*******" in email[5]
    assert set(r.columns) == {"loan_id", "age", "status", "email", "opened"}
    # failures are listed first
    assert [row[1] for row in r.evidence[0].rows[:6]] == ["failed"] * 6


def test_clean_data_passes(results):
    r = results["clean"]
    assert r.status == "pass"
    assert r.message == "all 17 expectations from dataaudit.yaml passed"


def test_only_warn_severity_failures_warn(results):
    r = results["warn_only"]
    assert r.status == "warn"
    assert r.observed["failed"] == 1


def test_fail_above_tolerates_a_known_number(results):
    r = results["tolerant"]  # 1 failed expectation, fail_above 1: warn (above warn_above 0), not fail
    assert r.status == "warn"
    assert "1 of 2 expectations from dataaudit.yaml failed" in r.message


def test_types_checked_against_the_dtype_and_value_by_value_in_object_columns(results):
    r = results["types"]
    rows = rows_of(r)
    passed = {k for k, row in rows.items() if row[1] == "passed"}
    assert {  # nullable Int64 and tz-aware datetimes included
        "'n' is of type integer",
        "'x' is of type float",
        "'when' is of type datetime",
        "'flag' is of type boolean",
        "'code' is of type string",
    } <= passed
    mixed = rows["'mixed' is of type string"]
    assert mixed[1] == "failed" and mixed[3] == 2 and mixed[5] == "2, 3.5" and mixed[6] == "1, 3"
    assert r.status == "fail" and r.observed["failed"] == 1


def test_missing_column_fails_presence_and_its_other_rules_are_not_run(results):
    r = results["missing_column"]
    assert r.status == "fail"
    assert r.observed == {"expectations": 4, "failed": 1, "not_run": 2}
    assert "'branch' exists" in r.message and "(2 not run: column missing)" in r.message
    rows = rows_of(r)
    assert rows["'branch' exists"][5] == "column not found"
    assert rows["'branch' has no missing values"][1] == "not run: column missing"
    assert rows["'age' exists"][1] == "passed"


def test_suite_json_runs_through_gx(results):
    r = results["suite"]
    assert r.status == "fail"
    assert "from dataaudit.yaml and suite 'loans_suite'" in r.message
    rows = rows_of(r)
    assert rows["expect_table_row_count_to_be_between"][1] == "failed"
    assert "observed: 400" in rows["expect_table_row_count_to_be_between"][5]
    assert rows["'branch': expect_column_to_exist"][1] == "failed"  # the 0.x key expectation_type is read
    assert rows["'rate': expect_column_values_to_be_between"][1] == "passed"
    assert rows["'age' >= 18"][1] == "passed"


def test_unknown_expectation_type_in_a_suite_is_an_error_naming_it(results):
    r = results["unknown_type"]
    assert r.status == "error"
    assert "expect_column_to_be_purple" in r.message and "not a valid GX expectation" in r.message


def test_without_expectations_skipped_with_a_hint_and_gx_never_imported():
    code = textwrap.dedent(
        """
        import sys
        import dataaudit.cli
        assert "great_expectations" not in sys.modules, "imported by the CLI module"
        import pandas as pd, dataaudit
        df = pd.DataFrame({"x": range(200), "c": ["a", "b"] * 100, "y": [0, 1, 1, 0] * 50})
        report = dataaudit.audit(df, target="y", as_of="2026-06-30")
        r = report.result("consistency.expectations")
        assert r.status == "skipped", r.status
        assert "add an 'expectations:' block to dataaudit.yaml" in r.message, r.message
        assert "great_expectations" not in sys.modules, "imported without expectations"
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_plan_turns_rules_into_gx_expectations():
    spec = validate_config({"expectations": {"columns": RULES}}).model_dump()["expectations"]
    runnable, blocked = plan_expectations(spec, list(frame().columns))
    assert blocked == []
    by_type = {}
    for p in runnable:
        by_type.setdefault(p.type, []).append(p)
    assert len(by_type["expect_column_to_exist"]) == 6
    rate = next(p for p in by_type["expect_column_values_to_be_between"] if p.column == "rate")
    assert dict(rate.kwargs) == {"column": "rate", "min_value": 0.0, "max_value": 10.0, "mostly": 0.99}
    age_type = next(p for p in by_type["expect_column_values_to_be_in_type_list"] if p.column == "age")
    assert "int64" in age_type.kwargs["type_list"]
    assert {p.severity for p in runnable if p.column == "email"} == {"warn"}


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            {"columns": {"age": {"maxx": 3}}},
            "unknown key 'expectations.columns.age.maxx'; did you mean 'max'? (expected one of: type,",
        ),
        ({"columns": {"age": {"min": 10, "max": 5}}}, "min (10) is greater than max (5)"),
        ({"columns": {"id": {"regex": "(["}}}, "expectations.columns.id.regex: invalid regular expression"),
        ({"columns": {"age": {"type": "int"}}}, "expectations.columns.age.type: input should be 'integer'"),
        ({"columns": {"age": {"mostly": 1.5}}}, "expectations.columns.age.mostly: input should be less than"),
        ({"columns": {"age": {"allowed": []}}}, "allowed must list at least one value"),
        ({}, "declare 'columns' (rules per column) or a 'suite'"),
        ({"suite": "nowhere.json"}, "nowhere.json' not found"),
        ({"colums": {}}, "unknown key 'expectations.colums'; did you mean 'columns'?"),
    ],
)
def test_bad_declarations_are_config_errors(block, message):
    with pytest.raises(ConfigError) as info:
        validate_config({"expectations": block}, "dataaudit.yaml")
    text = str(info.value)
    assert text.startswith("dataaudit.yaml: ") and "expectations" in text
    assert message in text
    assert "\n" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"name": "s"}', "is not an expectation suite (no 'expectations' list)"),
        ('{"expectations": [{"type": "drop_table"}]}', "'type' must name a GX expectation (expect_...)"),
        (
            '{"expectations": [{"type": "expect_column_to_exist", "kwargs": [1]}]}',
            "'kwargs' must be a mapping",
        ),
        ('{"expectations": []}', "the suite has no expectations"),
    ],
)
def test_bad_suite_files_are_config_errors(tmp_path, content, message):
    (tmp_path / "suite.json").write_text(content)
    with pytest.raises(ConfigError, match="expectations.suite") as info:
        validate_config({"expectations": {"suite": "suite.json"}}, "cfg", base_dir=tmp_path)
    assert message in str(info.value)


def test_cli_bad_declaration_exits_2_with_one_line(hermetic):
    frame(50).to_csv("data.csv", index=False)
    Path("dataaudit.yaml").write_text("expectations:\n  columns:\n    age: {min: 10, max: 5}\n")
    result = CliRunner().invoke(cli, ["run", "data.csv", "--as-of", "2026-06-30"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "error: "
    ) and "expectations.columns.age: min (10) is greater than max (5)" in (result.stderr)


def test_cli_suite_path_is_relative_to_the_config_file(hermetic):
    Path("conf").mkdir()
    Path("conf/suite.json").write_text(
        json.dumps(
            {
                "expectations": [
                    {
                        "type": "expect_column_values_to_be_in_set",
                        "kwargs": {"column": "status", "value_set": ["open"]},
                    }
                ]
            }
        )
    )
    Path("conf/dataaudit.yaml").write_text("expectations:\n  suite: suite.json\n")
    frame(60).to_csv("data.csv", index=False)
    args = ["run", "data.csv", "-c", "conf/dataaudit.yaml", "--select", CHECK, "--as-of", "2026-06-30"]
    result = CliRunner().invoke(cli, [*args, "--json", "-"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    r = next(c for c in doc["checks"] if c["id"] == CHECK)
    assert r["status"] == "fail"
    assert "'status': expect_column_values_to_be_in_set" in r["message"]
    assert "from suite 'suite' failed" in r["message"]  # named after the file, read from conf/
