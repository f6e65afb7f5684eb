"""``--quick`` (``quick=True``, ``quick: true`` in dataaudit.yaml): the checks that fit models are left out,
for pre-commit on small files (issue 16: a 1,000-row audit end to end). Each left-out check is reported as
``skipped`` with the reason; every other check gives the same result as in a full audit."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.check_api import FITS_MODELS, QUICK_REASON, Cost
from dataaudit.cli import cli
from dataaudit.model import Area, Check, Outcome, Status
from dataaudit.registry import Registry
from tests.helpers import AS_OF, SAMPLE

MODEL_CHECKS = {"size.learning_curve", "consistency.label_errors", "consistency.target_leakage"}


@pytest.fixture(scope="module")
def full_and_quick():
    full = dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF)
    quick = dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF, quick=True)
    return full, quick


def _result(r) -> tuple:
    return r.status, r.message, json.dumps(r.observed, sort_keys=True, default=str), r.evidence, r.columns


def test_the_checks_that_fit_models_are_marked_by_their_cost():
    marked = {r.check.id for r in Registry.default(entry_points=False) if r.check.cost == FITS_MODELS}
    assert marked == MODEL_CHECKS


def test_quick_skips_exactly_the_model_checks_with_the_reason(full_and_quick):
    full, quick = full_and_quick
    assert [r.id for r in quick.results] == [r.id for r in full.results]  # nothing left out of the report
    left_out = {r.id for r in quick.results if r.message == QUICK_REASON}
    assert left_out == MODEL_CHECKS
    for r in quick.results:
        if r.id in MODEL_CHECKS:
            assert r.status == Status.SKIPPED
            assert r.message == (
                "left out by a quick audit (fits models): --quick, or dataaudit hook without --full; "
                "CI's full audit runs it"
            )
    # in the full audit they ran: the planted leak is found there
    assert full.result("consistency.target_leakage").status == Status.FAIL
    assert full.result("size.learning_curve").status not in (Status.SKIPPED, Status.ERROR)


def test_quick_leaves_every_other_result_unchanged(full_and_quick):
    """loans.csv has a target and three sensitive attributes: the bias checks' rate tables, computed without
    fairlearn in a quick audit, give the same rates, intervals and verdicts."""
    full, quick = full_and_quick
    others = [(f, q) for f, q in zip(full.results, quick.results) if f.id not in MODEL_CHECKS]
    assert len(others) > 40
    bias = [f.id for f, _ in others if f.id.startswith("bias.") and f.status != Status.SKIPPED]
    assert "bias.label_rate_disparity" in bias
    changed = [f.id for f, q in others if _result(f) != _result(q)]
    assert changed == []


def test_size_rules_of_thumb_treat_the_curve_as_not_run():
    """Where the learning curve would pardon a small table, a quick audit cannot ask it: the rule of thumb
    stands on its own and says so (as with ``--ignore size.learning_curve``)."""
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True).frame
    full = dataaudit.audit(iris, target="target", as_of=AS_OF, select=["size"])
    quick = dataaudit.audit(iris, target="target", as_of=AS_OF, select=["size"], quick=True)
    ignored = dataaudit.audit(
        iris, target="target", as_of=AS_OF, select=["size"], ignore="size.learning_curve"
    )
    assert full.result("size.min_rows").status == Status.PASS
    assert "the learning curve, measured on this data" in full.result("size.min_rows").message
    assert quick.result("size.min_rows").status == Status.WARN
    assert "size.learning_curve does not run in this audit" in quick.result("size.min_rows").message
    assert quick.result("size.min_rows").message == ignored.result("size.min_rows").message


def test_quick_from_the_config_and_overridden_by_the_call():
    frame = pd.read_csv(SAMPLE / "loans.csv", nrows=600)
    config = {"target": "approved", "quick": True}
    by_config = dataaudit.audit(frame, config=config, as_of=AS_OF, select=["consistency.target_leakage"])
    assert by_config.result("consistency.target_leakage").message == QUICK_REASON
    full = dataaudit.audit(
        frame, config=config, quick=False, as_of=AS_OF, select=["consistency.target_leakage"]
    )
    assert full.result("consistency.target_leakage").status == Status.FAIL  # approval_letter_sent leaks


@dataclasses.dataclass(frozen=True)
class _Fitted(Check):
    """A plugin check that trains a model."""

    id: ClassVar[str] = "consistency.plugin_model"
    title: ClassVar[str] = "A plugin's model"
    area: ClassVar[Area] = Area.CONSISTENCY
    cost: ClassVar[Cost] = FITS_MODELS

    def run(self, data) -> Outcome:
        return Outcome.warn("the plugin's model ran")


@dataclasses.dataclass(frozen=True)
class _Light(Check):
    """A plugin check that counts rows."""

    id: ClassVar[str] = "consistency.plugin_count"
    title: ClassVar[str] = "A plugin's count"
    area: ClassVar[Area] = Area.CONSISTENCY

    def run(self, data) -> Outcome:
        return Outcome.ok(f"{data.n_rows} rows")


def test_a_plugin_check_is_left_out_by_its_cost_not_by_its_id():
    registry = Registry()
    registry.add_all([_Fitted, _Light], "test")
    frame = pd.DataFrame({"x": np.arange(200)})
    full = dataaudit.audit(frame, registry=registry, as_of=AS_OF)
    quick = dataaudit.audit(frame, registry=registry, as_of=AS_OF, quick=True)
    assert full.result("consistency.plugin_model").status == Status.WARN
    assert quick.result("consistency.plugin_model").status == Status.SKIPPED
    assert quick.result("consistency.plugin_model").message == QUICK_REASON
    assert quick.result("consistency.plugin_count").message == full.result("consistency.plugin_count").message


# ---------------------------------------------------------------------------------------------------------
# the command line


def _leaky(n: int = 600) -> pd.DataFrame:
    """A binary target and a column recorded after it (a perfect leak)."""
    rng = np.random.default_rng(5)
    approved = rng.integers(0, 2, n)
    return pd.DataFrame(
        {
            "income": rng.normal(40_000, 8_000, n).round(0),
            "region": rng.choice(["north", "south", "east"], n),
            "letter_sent": np.where(approved == 1, "yes", "no"),
            "approved": approved,
        }
    )


@pytest.mark.usefixtures("hermetic")
def test_run_quick_reports_the_left_out_checks_in_the_json():
    _leaky().to_csv("data.csv", index=False)
    args = ["run", "data.csv", "--no-html", "--as-of", "2026-06-30", "--target", "approved", "--json"]
    full = CliRunner().invoke(cli, [*args, "full.json"])
    quick = CliRunner().invoke(cli, [*args, "quick.json", "--quick"])
    # the leak fails the full audit only
    assert (full.exit_code, quick.exit_code) == (1, 0), (full.output, quick.output)
    checks = json.loads(Path("quick.json").read_text())["checks"]
    statuses = {c["id"]: (c["status"], c["message"]) for c in checks}
    for cid in MODEL_CHECKS:
        assert statuses[cid] == ("skipped", QUICK_REASON)
    full_statuses = {c["id"]: c["status"] for c in json.loads(Path("full.json").read_text())["checks"]}
    assert full_statuses["consistency.target_leakage"] == "fail"


@pytest.mark.usefixtures("hermetic")
def test_hook_is_quick_unless_told_full_on_the_command_line_or_in_the_config():
    """The pre-commit hook leaves the model checks out by default and says so on the file's line; --full or
    ``quick: false`` in dataaudit.yaml runs them (the leak blocks the commit); --quick beats the config."""
    _leaky().to_csv("data.csv", index=False)
    select = "consistency.target_leakage,consistency.missing_values"
    args = ["hook", "--as-of", "2026-06-30", "--select", select]
    Path("dataaudit.yaml").write_text("target: approved\n")
    quick_line = "READY      data.csv (0 fail, 0 error, 0 warn; 1 model check left out, --full runs them)\n"
    by_default = CliRunner().invoke(cli, [*args, "data.csv"])
    assert (by_default.exit_code, by_default.stdout) == (0, quick_line)
    quick = CliRunner().invoke(cli, [*args, "--quick", "data.csv"])
    assert (quick.exit_code, quick.stdout) == (0, quick_line)
    full = CliRunner().invoke(cli, [*args, "--full", "data.csv"])
    assert full.exit_code == 1
    assert "FAIL  consistency.target_leakage" in full.stdout and "left out" not in full.stdout
    Path("dataaudit.yaml").write_text("target: approved\nquick: false\n")
    by_config = CliRunner().invoke(cli, [*args, "data.csv"])
    assert (by_config.exit_code, by_config.stdout) == (1, full.stdout)
    told_quick = CliRunner().invoke(cli, [*args, "--quick", "data.csv"])
    assert (told_quick.exit_code, told_quick.stdout) == (0, quick_line)
    Path("dataaudit.yaml").write_text("target: approved\nquick: true\n")
    told_full = CliRunner().invoke(cli, [*args, "--full", "data.csv"])
    assert (told_full.exit_code, told_full.stdout) == (1, full.stdout)


@pytest.mark.usefixtures("hermetic")
def test_without_a_target_the_hook_counts_nothing_as_left_out():
    """A check that could not run in a full audit either (no target) is skipped for that reason, not counted
    as left out by the quick hook: the line would send users to --full for nothing."""
    _leaky().drop(columns=["approved"]).to_csv("data.csv", index=False)
    args = ["hook", "--as-of", "2026-06-30", "data.csv"]
    quick = CliRunner().invoke(cli, args)
    assert quick.exit_code == 0 and "left out" not in quick.stdout, quick.stdout
    report = dataaudit.audit("data.csv", as_of=AS_OF, quick=True, select=sorted(MODEL_CHECKS))
    assert {r.id for r in report.results} == set(MODEL_CHECKS)
    for r in report.results:
        assert r.status == Status.SKIPPED and r.message != QUICK_REASON and "target" in r.message
