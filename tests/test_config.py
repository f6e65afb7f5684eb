"""dataaudit.yaml through the command line: validation errors (file, key, what was expected), per-check
settings, selection, and flags overriding the file. Plus the loader itself: where the file is found and how it
refuses what it must refuse."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from dataaudit.cli import cli
from dataaudit.config import Config, find_config, load_config
from dataaudit.errors import ConfigError
from dataaudit.registry import Registry
from dataaudit.runner import plan
from tests.helpers import SAMPLE

AS_OF = "2026-06-30"
FIELDS = ", ".join(Config.model_fields)


pytestmark = pytest.mark.usefixtures("hermetic")


@pytest.fixture
def data() -> Path:
    """50 rows: size.min_rows fails (below 100), so severities and selection show in the verdict."""
    return write_data(50)


def write_data(n: int, name: str = "data.csv") -> Path:
    rng = np.random.default_rng(1)
    path = Path(name)
    pd.DataFrame(
        {
            "row_id": np.arange(n),
            "x": rng.normal(size=n).round(3),
            "approved": np.arange(n) % 2,
            "gender": rng.choice(["f", "m"], size=n),
        }
    ).to_csv(path, index=False)
    return path


def write_config(text: str, name: str = "dataaudit.yaml") -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def audit(*args: str) -> Result:
    return CliRunner().invoke(cli, ["run", *map(str, args), "--as-of", AS_OF, "--no-html"])


def audit_json(*args: str) -> tuple[int, dict]:
    result = audit(*args, "--json", "-")
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)


def statuses(doc: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in doc["checks"]}


def config_error(text: str, *args: str) -> str:
    """The stderr line of a run whose dataaudit.yaml is ``text`` (asserting exit 2 and nothing else)."""
    write_config(text)
    result = audit("data.csv", *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert not Path("dataaudit-report.html").exists()
    return result.stderr.removeprefix("error: ").rstrip("\n")


def found_at() -> str:
    """How an auto-discovered dataaudit.yaml is named in messages (next to the data, resolved)."""
    return str(Path("data.csv").resolve().parent / "dataaudit.yaml")


# -- the file's top-level keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param(
            "targt: approved\n",
            f"unknown key 'targt'; did you mean 'target'? (expected one of: {FIELDS})",
            id="unknown-key",
        ),
        pytest.param(
            "targt: approved\nfail_onn: warn\n",
            f"unknown key 'targt'; did you mean 'target'? (expected one of: {FIELDS}); "
            "unknown key 'fail_onn'; did you mean 'fail_on'?",
            id="two-unknown-keys-list-once",
        ),
        pytest.param(
            "fail_on: maybe\n", "fail_on: input should be 'warn' or 'fail', got 'maybe'", id="bad-literal"
        ),
        pytest.param(
            "sample_rows: lots\n",
            "sample_rows: input should be a valid integer, unable to parse string as an integer, got 'lots'",
            id="not-an-int",
        ),
        pytest.param(
            "sample_rows: 10\n",
            "sample_rows: input should be greater than or equal to 1000, got 10",
            id="too-small",
        ),
        pytest.param("target: 5\n", "target: input should be a valid string, got 5", id="int-for-str"),
        pytest.param(
            "sensitive: {gender: 1}\n", "sensitive: input should be a valid list", id="mapping-for-list"
        ),
        pytest.param(
            "- target\n", "expected a mapping of settings at the top level, got list", id="top-level-list"
        ),
        pytest.param(
            "target: [approved\n",
            "invalid YAML at line 2, column 1: expected ',' or ']', but got '<stream end>'",
            id="yaml-syntax",
        ),
        pytest.param(
            "target: approved\nfail_on: warn\ntarget: gender\n",
            "invalid YAML at line 3, column 1: duplicate key 'target' (first at line 1)",
            id="duplicate-key",
        ),
        pytest.param(
            "checks:\n  size.min_rows: {}\n  size.min_rows: {severity: warn}\n",
            "invalid YAML at line 3, column 3: duplicate key 'size.min_rows' (first at line 2)",
            id="duplicate-nested-key",
        ),
    ],
)
def test_invalid_config_names_the_file_the_key_and_the_expectation(
    data: Path, text: str, problem: str
) -> None:
    assert config_error(text) == f"{found_at()}: {problem}"


def test_python_tags_are_refused_by_the_safe_loader(data: Path) -> None:
    text = '!!python/object/apply:os.system ["touch pwned"]\n'
    assert config_error(text) == (
        f"{found_at()}: invalid YAML at line 1, column 1: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"
    )
    assert not Path("pwned").exists()
    assert "could not determine a constructor" in config_error("target: !!python/object:builtins.dict {}\n")


def test_an_explicit_config_is_named_as_given(data: Path) -> None:
    write_config("fail_on: never\n", "conf/audit.yaml")
    result = audit("data.csv", "--config", "conf/audit.yaml")
    assert result.exit_code == 2
    assert result.stderr == "error: conf/audit.yaml: fail_on: input should be 'warn' or 'fail', got 'never'\n"


# -- per-check settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param(
            "checks: {size.min_row: {}}\n",
            "checks: unknown check 'size.min_row'; did you mean 'size.min_rows'? (see 'dataaudit checks')",
            id="unknown-check",
        ),
        pytest.param(
            "checks: {sise: {min_rows: {}}}\n",
            "checks: unknown check 'sise.min_rows'; did you mean 'size.min_rows'? (see 'dataaudit checks')",
            id="unknown-check-nested",
        ),
        pytest.param(
            "checks: {size: {}}\n", "checks: unknown check 'size' (see 'dataaudit checks')", id="empty-area"
        ),
        pytest.param(
            "checks: {size.min_rows: {fail_belw: 3}}\n",
            "checks.size.min_rows: unknown parameter 'fail_belw'; did you mean 'fail_below' or 'warn_below'? "
            "(valid: warn_below, fail_below, severity, enabled)",
            id="unknown-parameter",
        ),
        pytest.param(
            "checks: {size.min_rows: {severty: warn}}\n",
            "checks.size.min_rows: unknown parameter 'severty'; did you mean 'severity'? "
            "(valid: warn_below, fail_below, severity, enabled)",
            id="misspelt-severity",
        ),
        pytest.param(
            "checks: {size.min_rows: {fail_below: lots}}\n",
            "checks.size.min_rows.fail_below: input should be a valid integer, unable to parse string as an "
            "integer, got 'lots'",
            id="parameter-type",
        ),
        pytest.param(
            "checks: {size.min_rows: {severity: high}}\n",
            "checks.size.min_rows.severity: expected warn, fail or off, got 'high'",
            id="bad-severity",
        ),
        pytest.param(
            "checks: {size.min_rows: {enabled: maybe}}\n",
            "checks.size.min_rows.enabled: expected true or false, got 'maybe'",
            id="enabled-not-bool",
        ),
        pytest.param(
            "checks: {size.min_rows: 3}\n",
            "checks.size.min_rows: input should be a valid dictionary, got 3",
            id="settings-not-a-mapping",
        ),
        pytest.param(
            "checks: [size.min_rows]\n", "checks: input should be a valid dictionary", id="checks-a-list"
        ),
        pytest.param(
            "checks: {size: {min_rows: {severity: warn}}, size.min_rows: {fail_below: 5}}\n",
            "checks: check 'size.min_rows' is set twice",
            id="flat-and-nested",
        ),
        # parameters are validated even when the check is switched off or not selected: a typo never hides
        pytest.param(
            "checks: {size.class_counts: {enabled: false, fail_belw: 3}}\n",
            "checks.size.class_counts: unknown parameter 'fail_belw'; did you mean 'fail_below' or "
            "'warn_below'? (valid: warn_below, fail_below, severity, enabled)",
            id="typo-in-disabled-check",
        ),
        pytest.param(
            "select: [size.min_rows]\nchecks: {size.class_counts: {warn_below: many}}\n",
            "checks.size.class_counts.warn_below: input should be a valid integer, unable to parse string "
            "as an integer, got 'many'",
            id="typo-in-unselected-check",
        ),
    ],
)
def test_invalid_check_settings(data: Path, text: str, problem: str) -> None:
    assert config_error(text) == f"{found_at()}: {problem}"


def test_select_in_the_file_that_matches_nothing(data: Path) -> None:
    assert config_error("select: [consistncy]\n") == (
        "select/ignore: 'consistncy' matches no check id or area; did you mean 'consistency'? "
        f"(set by --select/--ignore or {found_at()}; "
        "see 'dataaudit checks')"
    )


def test_severity_warn_caps_a_fail_at_warn(data: Path) -> None:
    code, doc = audit_json("data.csv", "--select", "size.min_rows")
    assert (code, statuses(doc)) == (1, {"size.min_rows": "fail"})
    write_config("checks: {size.min_rows: {severity: warn}}\n")
    code, doc = audit_json("data.csv", "--select", "size.min_rows")
    assert (code, statuses(doc)) == (0, {"size.min_rows": "warn"})
    assert doc["checks"][0]["severity"] == "warn"
    # the message keeps the numbers
    assert doc["checks"][0]["message"] == "only 50 rows; at least 100 needed by the rule of thumb"
    # and --fail-on warn makes that capped warning block again
    assert audit("data.csv", "--select", "size.min_rows", "--fail-on", "warn").exit_code == 1


@pytest.mark.parametrize(
    "settings",
    [
        "{enabled: false}",
        "{enabled: off}",
        "{severity: 'off'}",
        "{severity: off}",
    ],  # YAML 1.1 reads a bare off as false: it must still mean off, not the default
)
def test_a_check_switched_off_is_not_run(data: Path, settings: str) -> None:
    write_config(f"checks: {{size.min_rows: {settings}}}\n")
    code, doc = audit_json("data.csv", "--select", "size")
    assert "size.min_rows" not in statuses(doc)
    assert "size.rows_per_feature" in statuses(doc)
    assert code == 0


def test_nested_checks_form_sets_parameters(data: Path) -> None:
    write_config(
        "checks:\n  size:\n    min_rows: {warn_below: 40, fail_below: 10}\n"
        "    rows_per_feature: {severity: warn}\n"
    )
    code, doc = audit_json("data.csv", "--select", "size.min_rows,size.rows_per_feature")
    by_id = {c["id"]: c for c in doc["checks"]}
    assert by_id["size.min_rows"]["status"] == "pass"
    assert by_id["size.min_rows"]["params"] == {"warn_below": 40, "fail_below": 10}
    assert by_id["size.min_rows"]["expected"] == ">= 40 rows (fail below 10)"
    assert by_id["size.rows_per_feature"]["severity"] == "warn"
    assert code == 0


def test_parameter_values_are_coerced_to_the_declared_type(data: Path) -> None:
    write_config("checks: {size.min_rows: {warn_below: '60', fail_below: 40}}\n")
    _, doc = audit_json("data.csv", "--select", "size.min_rows")
    assert doc["checks"][0]["params"] == {"warn_below": 60, "fail_below": 40}
    assert doc["checks"][0]["status"] == "warn"


# -- selection and flags over the file -------------------------------------------------------------------


def test_select_and_ignore_in_the_file(data: Path) -> None:
    write_config("select: [size]\nignore: [size.min_rows, size.group_counts]\n")
    code, doc = audit_json("data.csv")
    assert list(statuses(doc)) == ["size.rows_per_feature", "size.class_counts", "size.learning_curve"]
    assert code == 0  # the failing size.min_rows is ignored


def test_select_flag_replaces_the_files_select(data: Path) -> None:
    write_config("select: [size.rows_per_feature]\n")
    _, doc = audit_json("data.csv", "--select", "size.min_rows")
    assert list(statuses(doc)) == ["size.min_rows"]


def test_target_flag_overrides_the_file(data: Path) -> None:
    assert config_error("target: nope\n") == f"{found_at()}: target: column 'nope' not found in data.csv"
    _, doc = audit_json("data.csv", "--target", "approved", "--select", "size")
    assert doc["roles"]["target"] == "approved"
    assert statuses(doc)["size.class_counts"] in ("warn", "fail")  # ran: 25 rows per class


def test_fail_on_flag_overrides_the_file(data: Path) -> None:
    write_config("fail_on: warn\n")
    write_data(500)  # size.min_rows warns
    assert audit("data.csv", "--select", "size.min_rows").exit_code == 1
    assert audit("data.csv", "--select", "size.min_rows", "--fail-on", "fail").exit_code == 0


def test_sensitive_flag_comma_separated(data: Path) -> None:
    write_config("sensitive: [x]\n")
    _, doc = audit_json("data.csv", "--sensitive", "gender, row_id", "--select", "size.min_rows")
    assert doc["roles"]["sensitive"] == ["gender", "row_id"]


def test_an_empty_config_file_means_defaults(data: Path) -> None:
    write_config("# nothing set yet\n")
    code, doc = audit_json("data.csv", "--select", "size.min_rows")
    assert code == 1
    assert not any("no dataaudit.yaml found" in n for n in doc["notes"])


# -- the loader ------------------------------------------------------------------------------------------


def test_find_config_prefers_explicit_then_next_to_the_data_then_the_cwd(tmp_path: Path) -> None:
    data = tmp_path / "d" / "data.csv"
    data.parent.mkdir()
    data.write_text("a\n1\n", encoding="utf-8")
    assert find_config(data) is None
    cwd_cfg = write_config("{}\n", "dataaudit.yml")
    assert find_config(data) == tmp_path / "dataaudit.yml"
    beside = write_config("{}\n", "d/dataaudit.yaml")
    assert find_config(data) == beside.resolve()
    assert find_config(data, cwd_cfg) == cwd_cfg
    with pytest.raises(ConfigError, match=r"^other.yaml: config file not found$"):
        find_config(data, Path("other.yaml"))


def test_the_sample_config_loads() -> None:
    cfg = load_config(SAMPLE / "dataaudit.yaml")
    assert (cfg.target, cfg.id, cfg.timestamp, cfg.ingested_at) == (
        "approved",
        "application_id",
        "applied_at",
        "ingested_at",
    )
    assert cfg.sensitive == ("gender", "ethnicity", "age")
    assert cfg.policy is not None and cfg.policy["contains_personal_data"] is False


def test_config_with_a_byte_order_mark_and_a_scalar_for_a_list() -> None:
    Path("c.yaml").write_bytes("\ufeffsensitive: gender\nselect: size\n".encode())
    cfg = load_config(Path("c.yaml"))
    assert (cfg.sensitive, cfg.select) == (("gender",), ("size",))


def test_config_that_is_not_utf8() -> None:
    Path("c.yaml").write_bytes(b"target: \xff\n")
    with pytest.raises(
        ConfigError, match=r"^c.yaml: cannot read config \('utf-8' codec can't decode byte 0xff"
    ):
        load_config(Path("c.yaml"))


def test_merged_treats_none_and_empty_as_not_given() -> None:
    cfg = Config(target="a", sensitive=("s",), fail_on="warn")
    assert cfg.merged(target=None, sensitive=(), fail_on=None) == cfg
    assert cfg.merged(target="b", fail_on="fail").model_dump(include={"target", "fail_on", "sensitive"}) == {
        "target": "b",
        "fail_on": "fail",
        "sensitive": ("s",),
    }


def test_plan_applies_settings_to_the_check_instances() -> None:
    reg = Registry.default(entry_points=False)
    cfg = Config.model_validate(
        {"checks": {"size": {"min_rows": {"fail_below": 7, "severity": "warn"}}}, "select": ["size.min_rows"]}
    )
    (planned,) = plan(reg, cfg, "x.yaml")
    assert (planned.check.fail_below, planned.check.warn_below, planned.severity) == (7, 1000, "warn")
