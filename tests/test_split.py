"""The split checks (``dataaudit run TRAIN --test TEST``, ``audit(train, test=...)``): a split of the sample
loans with planted overlap (exact and near-duplicate rows, shared ids, a class absent from the test set, test
rows older than the newest training row), and clean splits of real tables made with sklearn's
``train_test_split``, through the API and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

import dataaudit
from dataaudit.cli import cli
from dataaudit.errors import ConfigError
from tests.helpers import SAMPLE

CONFIG = SAMPLE / "dataaudit.yaml"
AS_OF = "2026-06-30"
#: the day after the newest row of the training part of the time split of loans_clean.csv
TRAIN_AS_OF = "2026-05-04"
SPLIT_IDS = (
    "split.row_overlap",
    "split.id_overlap",
    "split.drift",
    "split.class_coverage",
    "split.group_coverage",
    "split.temporal_overlap",
)


def run(*args) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def time_split(test_size: float = 0.2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """loans_clean.csv split by time: the first 80% of applications train, the rest test."""
    from sklearn.model_selection import train_test_split

    df = pd.read_csv(SAMPLE / "loans_clean.csv").sort_values("applied_at", kind="stable")
    train, test = train_test_split(df, test_size=test_size, shuffle=False)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def planted_split() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The time split with problems planted: 30 training rows copied into the test set (new ids), 20 more
    copied with text upper-cased or padded and incomes off by 0.001 (new ids), 15 test rows given training
    ids, a third class (50 training rows) absent from the test set, and 300 test rows dated inside the
    training period (the 50 copies keep their training dates too: 350 test rows older than training's
    newest)."""
    train, test = time_split()
    train["approved"] = train["approved"].astype(int)
    train.loc[1000:1049, "approved"] = 2
    exact = train.iloc[100:130].copy()
    exact["application_id"] = [f"APP-9{i:06d}" for i in range(len(exact))]
    near = train.iloc[200:220].copy()
    near["application_id"] = [f"APP-8{i:06d}" for i in range(len(near))]
    near["region"] = near["region"].str.upper()
    near["employment_type"] = "  " + near["employment_type"] + " "
    near["income"] = near["income"] + 0.001
    test.loc[:14, "application_id"] = train["application_id"].iloc[3000:3015].to_numpy()
    test.loc[500:799, "applied_at"] = train["applied_at"].iloc[4000:4300].to_numpy()
    return train, pd.concat([test, exact, near], ignore_index=True)


@pytest.fixture(scope="module")
def planted() -> dataaudit.Report:
    train, test = planted_split()
    return dataaudit.audit(train, test=test, config=CONFIG, as_of=TRAIN_AS_OF, select=["split"])


# -- the planted split: every problem found, with its numbers ----------------------------------------------


def test_exact_and_near_duplicates_across_the_sets_fail_with_counts_and_masked_examples(planted) -> None:
    r = planted.result("split.row_overlap")
    assert r.status == "fail"
    assert r.observed["exact"] == 30
    assert r.observed["near"] == 20
    assert r.observed["test_rows"] == 2050
    assert "30 test rows (1.5% of 2,050) exactly in training" in r.message
    assert "20 more (0.98%)" in r.message
    assert "'application_id', 'ingested_at' left out" in r.message
    rows = r.evidence[0].rows
    assert {row[2] for row in rows} == {"exact", "near"}
    first_exact = next(row for row in rows if row[2] == "exact")
    assert first_exact[:2] == (2000, 100)  # test row 2000 is training row 100
    first_near = next(row for row in rows if row[2] == "near")
    assert first_near[:2] == (2030, 200)
    assert "APP-" not in json.dumps(r.evidence[0].rows)  # ids are left out of the compared values


def test_shared_ids_warn_below_one_percent_of_test_rows(planted) -> None:
    r = planted.result("split.id_overlap")
    assert r.status == "warn"
    assert r.observed == {"shared_ids": 15, "test_rows": 15, "share": round(15 / 2050, 6)}
    assert "15 ids of application_id in both sets" in r.message
    # masked: an application id's digits (an id-like run) never appear in the evidence
    assert all(not re.search(r"APP-\d", str(row[0])) for row in r.evidence[0].rows)


def test_a_class_absent_from_the_test_set_warns_with_the_shares_side_by_side(planted) -> None:
    r = planted.result("split.class_coverage")
    assert r.status == "warn"
    assert r.observed["absent_from_test"] == ["2"]
    assert r.observed["absent_from_training"] == []
    assert "'2' (50 rows, 0.6%) of training" in r.message
    table = r.evidence[0]
    assert table.rows[0] == ("approved", "2", 50, round(50 / 8000, 4), 0, 0.0, "absent from test")
    assert r.charts and len(r.charts[0].labels) == 6  # three classes, training and test


def test_test_rows_older_than_the_newest_training_row_fail_with_the_window(planted) -> None:
    r = planted.result("split.temporal_overlap")
    assert r.status == "fail"
    assert r.observed["test_rows_older"] == 350
    assert "350 test rows (17.1% of 2,050) are older than the newest training row" in r.message
    assert "overlap window 2025-07-03 15:12:07 to 2026-05-03 19:48:12" in r.message


def test_drift_reuses_the_drift_checks_and_names_the_new_spellings(planted) -> None:
    r = planted.result("split.drift")
    assert r.status == "warn"
    assert "drift.new_categories" in r.message and "NORTH" in r.message
    assert set(r.observed) == {
        "drift.schema",
        "drift.distribution",
        "drift.new_categories",
        "drift.missing_rate",
        "drift.target",
        "drift.group_shares",
    }
    assert r.observed["drift.distribution"]["status"] == "pass"


def test_a_handful_of_copies_warns_and_a_missing_class_in_training_fails() -> None:
    train, test = time_split()
    test = pd.concat([test, train.iloc[[5, 6, 7]]], ignore_index=True)  # 3 of 2,003: a handful
    test.loc[:39, "approved"] = 7  # 40 test rows (2%) of a class training never saw
    report = dataaudit.audit(
        train,
        test=test,
        config=CONFIG,
        as_of=TRAIN_AS_OF,
        select=["split.row_overlap", "split.class_coverage"],
    )
    rows = report.result("split.row_overlap")
    assert rows.status == "warn" and rows.observed["exact"] == 3
    classes = report.result("split.class_coverage")
    assert classes.status == "fail"
    assert classes.observed["absent_from_training"] == ["7"]
    assert "40 rows, 2.0%" in classes.message


def test_a_random_split_of_time_ordered_data_fails_the_temporal_check() -> None:
    from sklearn.model_selection import train_test_split

    df = pd.read_csv(SAMPLE / "loans_clean.csv")
    train, test = train_test_split(df, test_size=0.2, random_state=0, stratify=df["approved"])
    report = dataaudit.audit(train, test=test, config=CONFIG, as_of=AS_OF, select=["split"])
    r = report.result("split.temporal_overlap")
    assert r.status == "fail" and r.observed["share"] > 0.9
    # everything else about this random, stratified split is honest
    others = [x for x in report.results if x.id != "split.temporal_overlap"]
    assert [(x.id, x.status) for x in others if x.status not in ("pass", "skipped")] == []


def test_group_absent_from_the_test_set_warns() -> None:
    train, test = time_split()
    test = test[test["gender"] != "Non-binary"]
    report = dataaudit.audit(
        train, test=test, config=CONFIG, as_of=TRAIN_AS_OF, select=["split.group_coverage"]
    )
    r = report.result("split.group_coverage")
    assert r.status == "warn"
    assert r.observed == {"gender": {"absent_from_test": ["Non-binary"], "absent_from_training": []}}
    assert "Non-binary" in r.message and "of training" in r.message


def test_per_file_row_numbers_are_not_compared_as_ids() -> None:
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split

    df = load_iris(as_frame=True).frame
    train, test = train_test_split(df, test_size=0.3, random_state=0, stratify=df["target"])
    train = train.reset_index(drop=True).reset_index(names="row")
    test = test.reset_index(drop=True).reset_index(names="row")
    report = dataaudit.audit(train, test=test, target="target", id="row", as_of=AS_OF, select=["split"])
    r = report.result("split.id_overlap")
    assert r.status == "skipped" and "row numbers, not identifiers" in r.message


# -- clean splits of real tables: quiet --------------------------------------------------------------------


def test_clean_stratified_split_of_breast_cancer_is_quiet_through_the_api() -> None:
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    df = load_breast_cancer(as_frame=True).frame
    train, test = train_test_split(df, test_size=0.25, random_state=0, stratify=df["target"])
    report = dataaudit.audit(train, test=test, target="target", as_of=AS_OF)
    split = [r for r in report.results if r.area == "split"]
    assert {r.id for r in split} == set(SPLIT_IDS)
    assert [(r.id, r.status) for r in split if r.status not in ("pass", "skipped")] == []
    assert report.result("split.row_overlap").observed["exact"] == 0
    assert report.result("split.class_coverage").status == "pass"


def test_clean_time_split_of_loans_is_ready_with_no_warning_through_the_cli(tmp_path: Path) -> None:
    train, test = time_split()
    tr, te = tmp_path / "train.csv", tmp_path / "test.csv"
    train.to_csv(tr, index=False)
    test.to_csv(te, index=False)
    out = tmp_path / "report.html"
    res = run(
        "run", tr, "--test", te, "-c", CONFIG, "--as-of", TRAIN_AS_OF, "--fail-on", "warn",
        "-o", out, "--json", tmp_path / "r.json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "r.json").read_text())
    split = {c["id"]: c for c in doc["checks"] if c["area"] == "split"}
    assert set(split) == set(SPLIT_IDS)
    assert {c["status"] for c in split.values()} == {"pass"}
    assert split["split.id_overlap"]["observed"]["shared_ids"] == 0
    html = out.read_text()
    assert 'id="area-split"' in html and "Is the train/test split honest?" in html
    assert "split" in res.stdout  # the console's per-area table


def test_planted_split_through_the_cli_is_not_ready(tmp_path: Path) -> None:
    train, test = planted_split()
    tr, te = tmp_path / "train.csv", tmp_path / "test.csv"
    train.to_csv(tr, index=False)
    test.to_csv(te, index=False)
    res = run(
        "run", tr, "--test", te, "-c", CONFIG, "--as-of", TRAIN_AS_OF, "--select", "split",
        "--no-html", "--json", "-",
    )  # fmt: skip
    assert res.exit_code == 1, res.output
    doc = json.loads(res.stdout)
    status = {c["id"]: c["status"] for c in doc["checks"]}
    assert status == {
        "split.row_overlap": "fail",
        "split.id_overlap": "warn",
        "split.drift": "warn",
        "split.class_coverage": "warn",
        "split.group_coverage": "pass",
        "split.temporal_overlap": "fail",
    }
    overlap = next(c for c in doc["checks"] if c["id"] == "split.row_overlap")
    assert overlap["observed"]["exact"] == 30 and overlap["observed"]["near"] == 20


# -- without a test set, and bad input ---------------------------------------------------------------------


def test_without_a_test_set_the_split_checks_do_not_run_and_have_no_section(tmp_path: Path) -> None:
    train, _ = time_split()
    report = dataaudit.audit(train, config=CONFIG, as_of=TRAIN_AS_OF, select=["consistency.duplicate_rows"])
    assert not [r for r in report.results if r.area == "split"]
    assert 'id="area-split"' not in report.to_html()


def test_selecting_only_split_checks_without_a_test_set_is_a_config_error(tmp_path: Path) -> None:
    train, _ = time_split()
    with pytest.raises(ConfigError, match="--test"):
        dataaudit.audit(train, config=CONFIG, select=["split"])
    tr = tmp_path / "train.csv"
    train.to_csv(tr, index=False)
    res = run("run", tr, "-c", CONFIG, "--select", "split", "--no-html")
    assert res.exit_code == 2 and "--test" in res.stderr and "Traceback" not in res.output


def test_a_missing_test_file_exits_2_with_one_line(tmp_path: Path) -> None:
    train, _ = time_split()
    tr = tmp_path / "train.csv"
    train.to_csv(tr, index=False)
    res = run("run", tr, "--test", tmp_path / "nope.csv", "-c", CONFIG, "--no-html")
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and "test set not found" in res.stderr


def test_the_test_file_is_loaded_like_the_training_file(tmp_path: Path) -> None:
    """Same loader (a Parquet test set beside a CSV training set), the training roles applied, ignored
    columns dropped from both."""
    train, test = time_split()
    tr, te = tmp_path / "train.csv", tmp_path / "test.parquet"
    train.to_csv(tr, index=False)
    test.to_parquet(te, index=False)
    report = dataaudit.audit(
        tr, test=te, config={"target": "approved", "id": "application_id", "ignore_columns": ["notes"]},
        as_of=TRAIN_AS_OF, select=["split.row_overlap", "split.id_overlap", "split.class_coverage"],
    )  # fmt: skip
    assert report.result("split.row_overlap").observed["columns_compared"] == 14  # 16 − id − notes
    assert report.result("split.id_overlap").status == "pass"
    assert report.result("split.class_coverage").status == "pass"


@pytest.mark.parametrize("check_id", SPLIT_IDS)
def test_explain_shows_what_why_and_how(check_id: str) -> None:
    res = run("explain", check_id)
    assert res.exit_code == 0
    assert "area: split" in res.stdout and "Why it matters:" in res.stdout and "How to fix:" in res.stdout


def test_row_overlap_is_vectorised_over_codes_not_rows() -> None:
    """50k × 50k rows with 1% planted copies: found exactly, quickly (a per-row loop would take seconds)."""
    import time

    rng = np.random.default_rng(0)
    n = 50_000
    df = pd.DataFrame(
        {
            "x": rng.normal(size=2 * n),
            "k": rng.integers(0, 1000, 2 * n),
            "c": rng.choice(["a", "b", "c"], 2 * n),
        }
    )
    train, test = df.iloc[:n].reset_index(drop=True), df.iloc[n:].reset_index(drop=True)
    test.iloc[:500] = train.iloc[1000:1500].to_numpy()
    start = time.perf_counter()
    report = dataaudit.audit(train, test=test, as_of=AS_OF, select=["split.row_overlap"])
    assert time.perf_counter() - start < 10
    r = report.result("split.row_overlap")
    assert r.observed["exact"] == 500 and r.status == "warn"  # 500 of 50,000 = 1.0%: not above 1%


# -- what sampling alone explains is not graded (real tables) ----------------------------------------------


def fair_split() -> tuple[pd.DataFrame, pd.DataFrame]:
    """statsmodels' Fair affairs survey (6,366 rows of a few coded answers: 16% of its rows repeat another),
    split at random."""
    import statsmodels.api as sm
    from sklearn.model_selection import train_test_split

    df = sm.datasets.fair.load_pandas().data
    return train_test_split(df, test_size=0.25, random_state=0)


def test_repeats_of_a_discrete_table_are_not_a_leak_but_copies_beyond_them_are() -> None:
    train, test = fair_split()
    report = dataaudit.audit(train, test=test, target="affairs", as_of=AS_OF, select=["split.row_overlap"])
    r = report.result("split.row_overlap")
    assert r.status == "pass"
    assert r.observed["exact"] > 300  # over a fifth of the test rows have an identical training row...
    assert r.observed["exact_beyond_repeats"] == 0  # ...as often as training rows repeat within training
    assert "rows repeat within the training data itself" in r.message and "not a leaky split" in r.message
    # the same split with 100 training rows copied into the test set (6% of it): the excess is found
    leaked = pd.concat([test, train.sample(100, random_state=1)], ignore_index=True)
    report = dataaudit.audit(train, test=leaked, target="affairs", as_of=AS_OF, select=["split.row_overlap"])
    r = report.result("split.row_overlap")
    assert r.status == "fail"
    assert r.observed["exact_beyond_repeats"] >= 20  # beyond the repeats and their noise (±45 rows)
    assert "beyond that" in r.message


def test_rare_and_identifier_like_categories_are_not_drift_in_a_random_split() -> None:
    """statecrime's 51 states (one row each) and mpg-like rare categories fall on one side by chance."""
    import statsmodels.api as sm
    from sklearn.model_selection import train_test_split

    df = sm.datasets.statecrime.load_pandas().data.reset_index(names="state")
    train, test = train_test_split(df, test_size=0.25, random_state=0)
    report = dataaudit.audit(train, test=test, as_of=AS_OF, select=["split.drift"])
    r = report.result("split.drift")
    assert r.status == "pass", r.message
    assert "'state'" in r.message and "within chance" in r.message
    # a real new spelling is still graded: the planted split's upper-cased regions (1% of test rows)
    train, test = planted_split()
    report = dataaudit.audit(train, test=test, config=CONFIG, as_of=TRAIN_AS_OF, select=["split.drift"])
    assert report.result("split.drift").status == "warn"


def test_a_continuous_target_on_few_rows_is_not_graded_by_psi() -> None:
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    df = load_diabetes(as_frame=True).frame
    train, test = train_test_split(df, test_size=0.25, random_state=0)
    report = dataaudit.audit(
        train, test=test, target="target", as_of=AS_OF, select=["split.drift", "split.class_coverage"]
    )
    drift = report.result("split.drift")
    assert drift.status == "pass"
    assert drift.observed["drift.target"]["status"] == "pass"
    assert report.result("split.class_coverage").status == "skipped"


def test_on_a_small_test_set_a_handful_of_rows_warns_and_does_not_fail() -> None:
    """penguins: 86 test rows; 2 shared ids (2.3%) and 3 rows dated before training's newest (3.5%) are
    large shares of a small set but a handful of rows: warn, not fail; 10 shared ids fail."""
    penguins = pytest.importorskip("palmerpenguins", reason="the field extra is not installed")
    load_penguins = penguins.load_penguins

    df = load_penguins().reset_index(names="penguin").sort_values("year", kind="stable")
    df["penguin"] += 1000
    train, test = df.iloc[:258].copy(), df.iloc[258:].copy()
    test.iloc[:2, 0] = train["penguin"].iloc[:2].to_numpy()
    test.iloc[2:5, test.columns.get_loc("year")] = 2007
    kw = dict(target="species", id="penguin", timestamp="year", as_of=AS_OF)
    report = dataaudit.audit(train, test=test, select=["split.id_overlap", "split.temporal_overlap"], **kw)
    assert report.result("split.id_overlap").status == "warn"
    assert report.result("split.temporal_overlap").status == "warn"
    test.iloc[:10, 0] = train["penguin"].iloc[:10].to_numpy()
    report = dataaudit.audit(train, test=test, select=["split.id_overlap"], **kw)
    assert report.result("split.id_overlap").status == "fail"
