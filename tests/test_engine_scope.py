"""Every result says what it covers (all rows, a seeded sample, an approximation), and the report says which
engine held the data and why: through the API, the JSON, the console and the HTML."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.cli import cli
from dataaudit.engine import PandasEngine, sample_positions
from tests.helpers import AS_OF, SAMPLE


@pytest.fixture(scope="module")
def planted():
    return dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF)


def test_in_memory_results_cover_all_rows(planted):
    ran = [r for r in planted.results if r.status.value not in ("skipped", "error")]
    assert ran
    # the learning curve fits on a seeded sample of at most 10,000 labelled rows; every other check reads all
    sampled = {r.id: (r.scope.rows, r.scope.total) for r in ran if r.scope.kind != "all"}
    assert sampled == {"size.learning_curve": (10_000, 10_150)}
    assert {r.scope.total for r in ran} == {10_150}
    skipped = [r for r in planted.results if r.status.value == "skipped"]
    assert all(r.scope is None for r in skipped)
    assert planted.dataset.engine == "pandas"
    assert planted.dataset.engine_reason.startswith("fits in memory (an in-memory audit needs about")


def test_a_check_that_samples_says_so():
    rng = np.random.default_rng(7)
    n = 6_000
    frame = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n), "y": rng.integers(0, 2, size=n)})
    config = {"sample_rows": 2_000, "checks": {"size.learning_curve": {"max_rows": 3_000}}}
    report = dataaudit.audit(frame, target="y", as_of=AS_OF, config=config)
    curve = report.result("size.learning_curve")
    assert curve.scope.kind == "sample" and curve.scope.rows == 3_000 and curve.scope.total == n
    assert curve.scope.text == "a seeded sample of 3,000 of 6,000 rows"
    # counts from the shared statistics cover every row
    assert report.result("consistency.missing_values").scope.kind == "all"
    doc = json.loads(report.to_json())
    scopes = {c["id"]: c["scope"] for c in doc["checks"]}
    assert scopes["size.learning_curve"] == {"kind": "sample", "rows": 3_000, "total": n}
    assert scopes["consistency.missing_values"] == {"kind": "all", "rows": n, "total": n}
    assert doc["dataset"]["engine"]["name"] == "pandas"


def test_samples_are_the_rows_pandas_picks():
    # the same positions on every engine: up to 2M rows, the ones DataFrame.sample(n, random_state) picks
    frame = pd.DataFrame({"a": range(50_000)})
    expected = frame.sample(n=1_000, random_state=3).sort_index().index.to_numpy()
    assert (sample_positions(50_000, 1_000, seed=3) == expected).all()
    got = PandasEngine(frame).sample(1_000, seed=3)
    assert (got.index.to_numpy() == expected).all()


def test_engine_option_is_named_in_console_and_html(tmp_path):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        cli,
        [
            "run",
            str(SAMPLE / "loans_clean.csv"),
            "--engine",
            "pandas",
            "--as-of",
            AS_OF,
            "-o",
            str(out),
            "--json",
            str(tmp_path / "r.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "engine pandas" in html and "--engine pandas" in html
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["dataset"]["engine"] == {
        "name": "pandas",
        "reason": "--engine pandas (or engine: in dataaudit.yaml)",
        "sample_rows": None,
    }


def test_unknown_engine_is_a_usage_error():
    result = CliRunner().invoke(cli, ["run", str(SAMPLE / "loans.csv"), "--engine", "polars"])
    assert result.exit_code == 2
    assert "polars" in result.output


def test_table_and_data_together_are_refused():
    result = CliRunner().invoke(cli, ["run", str(SAMPLE / "loans.csv"), "--table", "db.loans"])
    assert result.exit_code == 2
    assert "not both" in result.output
