"""size.learning_curve: still improving on too little data, plateau on plenty, noise and odd data handled.

The synthetic signal is a noisy 3-way parity of three features (10% of labels flipped): trees need many rows
to find it, and once found, more rows add nothing (the Bayes ROC AUC is about 0.9). Curves are deterministic
(fixed seeds, one OpenMP thread); the expensive ones are module-scoped and shared by several tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.checks.learning_curve import IMPROVING, NOISY, PLATEAU, LearningCurve, _gain_se
from dataaudit.cli import cli
from tests.helpers import AS_OF, SAMPLE, make_dataset, run_check


def parity(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, 5))
    y = ((x[:, 0] > 0) ^ (x[:, 1] > 0) ^ (x[:, 2] > 0)) ^ (rng.random(n) < 0.1)
    df = pd.DataFrame(x.round(4), columns=[f"x{i}" for i in range(5)])
    df["colour"] = rng.choice(["red", "green", "blue"], n)
    df["y"] = np.where(y, "yes", "no")
    return df


@pytest.fixture(scope="module")
def small():
    return run_check(LearningCurve(), make_dataset(parity(2_000), target="y"))


@pytest.fixture(scope="module")
def large():
    return run_check(LearningCurve(), make_dataset(parity(50_000), target="y"))


@pytest.fixture(scope="module")
def loans():
    return dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF, select=["size.learning_curve"])


@pytest.fixture(scope="module")
def loans_clean():
    return dataaudit.audit(SAMPLE / "loans_clean.csv", as_of=AS_OF, select=["size.learning_curve"])


# -- the verdicts ------------------------------------------------------------------------------------------


def test_small_data_is_still_improving(small):
    assert small.observed["verdict"] == IMPROVING
    assert small.message.startswith(IMPROVING + ": ROC AUC")
    gain, se = small.observed["gain_last_doubling"], small.observed["gain_se"]
    assert gain >= 0.01 and gain > 2 * se
    assert (
        f"over the last doubling (666 → 1,333 training rows), a gain of {gain:+.3f} (SE {se:.3f})"
        in small.message
    )
    assert "3-fold CV, 6 features" in small.message and "sample" not in small.message
    assert small.observed["rows_used"] == 2_000


def test_large_data_is_a_plateau_measured_on_a_stated_sample(large):
    assert large.observed["verdict"] == PLATEAU
    assert large.status == "pass"
    assert large.message.startswith(PLATEAU + ": ROC AUC")
    assert large.observed["gain_last_doubling"] + large.observed["gain_se"] < 0.01
    assert "on a seeded sample of 10,000 of 50,000 labelled rows" in large.message
    assert large.observed["score"] > 0.85  # the signal was found: near the Bayes AUC of about 0.9


def test_curve_table_and_chart_have_each_points_spread(large):
    curve = large.evidence[0]
    assert curve.columns == ("training rows", "ROC AUC (mean)", "spread (sd)", "gain vs previous")
    assert [r[0] for r in curve.rows] == [416, 833, 1666, 3333, 6666]
    assert all(r[2] >= 0 for r in curve.rows)
    (chart,) = large.charts
    assert chart.kind == "curve" and chart.labels == ("416", "833", "1,666", "3,333", "6,666")
    assert chart.errors is not None and len(chart.errors) == 5
    assert chart.values[-1] == pytest.approx(large.observed["score"], abs=1e-4)


def test_improving_warns_only_when_the_projected_gain_is_large(small):
    projected = small.observed["projected_gain"]
    assert projected is not None and projected > 0
    assert small.status == ("warn" if projected >= 0.02 else "pass")  # the default gain_warn_above
    data = make_dataset(parity(2_000), target="y")
    below = run_check(LearningCurve(gain_warn_above=projected + 0.001), data)
    above = run_check(
        LearningCurve(gain_warn_above=projected - 0.002, gain_fail_above=projected - 0.001), data
    )
    assert below.status == "pass" and below.observed["verdict"] == IMPROVING
    assert above.status == "fail" and f"projected {projected:+.3f} from doubling the data" in above.message
    assert f"(>= {projected - 0.001:+.3f})" in above.message


def test_a_plateau_never_warns_however_low_the_threshold(large):
    assert large.observed["verdict"] == PLATEAU
    data = make_dataset(parity(50_000), target="y")
    assert run_check(LearningCurve(gain_warn_above=0.0, max_rows=2_000), data).status in ("pass",)


def test_target_score_estimates_the_rows_needed(small):
    data = make_dataset(parity(2_000), target="y")
    r = run_check(LearningCurve(target_score=0.88), data)
    needed = r.observed["rows_needed"]
    assert isinstance(needed, int) and needed > 1_333
    assert f"for ROC AUC 0.88: about {needed:,} training rows" in r.message
    reached = run_check(LearningCurve(target_score=0.6), data)
    assert reached.observed["rows_needed"] == "already reached at 1,333 training rows"
    assert reached.charts[0].threshold == 0.6


def test_nearly_equal_paired_differences_do_not_make_the_gain_certain():
    # the fold scores spread by about 0.004, but by chance each fold gains almost exactly +0.009
    before = np.array([0.8096, 0.8036, 0.8053])
    after = before + np.array([0.0089, 0.0088, 0.0090])
    gain, se = _gain_se(before, after)
    assert gain == pytest.approx(0.0089)
    spread = np.sqrt((before.var(ddof=1) + after.var(ddof=1)) / 2)
    assert se == pytest.approx(spread / np.sqrt(3))  # the floor, not the paired SE of about 0.00006
    assert se > 0.0015 and gain + se > 0.01  # so not a confident plateau below +0.01
    # a paired SE larger than the floor is kept as it is
    steady = np.array([0.800, 0.801, 0.802])
    diffs = np.array([0.0123, 0.0036, 0.0126])
    assert _gain_se(steady, steady + diffs)[1] == pytest.approx(diffs.std(ddof=1) / np.sqrt(3))


def test_loans_gain_is_not_called_a_plateau_on_a_vanishing_standard_error(loans):
    r = loans.result("size.learning_curve")
    assert r.observed["gain_se"] >= 0.001
    assert r.observed["verdict"] == NOISY and r.status == "pass"


def test_too_noisy_to_say_on_pure_noise():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"a": rng.normal(size=600), "b": rng.normal(size=600), "y": rng.integers(0, 2, 600)})
    r = run_check(LearningCurve(plateau_gain=0.001), make_dataset(df, target="y"))
    assert r.observed["verdict"] == NOISY and r.status == "pass"
    assert "neither clearly above nor clearly below +0.001 per doubling" in r.message
    assert "•" not in r.message  # a negative gain is not mistaken for a phone number by the masking


# -- what the model may learn from ---------------------------------------------------------------------------


def test_leaking_id_like_datetime_and_text_columns_are_left_out():
    df = parity(2_000)
    rng = np.random.default_rng(5)
    flip = rng.random(len(df)) < 0.005
    df["letter_sent"] = np.where((df["y"] == "yes") ^ flip, "sent", "not sent")
    df["row_number"] = np.arange(len(df))
    df["created"] = pd.date_range("2025-01-01", periods=len(df), freq="h", tz="Europe/Paris")
    df["remark"] = [f"free text remark number {i} about the case" for i in range(len(df))]
    df["empty"] = np.nan
    r = run_check(LearningCurve(max_rows=1_000, points=3), make_dataset(df, target="y"))
    left_out = dict(r.evidence[-1].rows)
    assert left_out["letter_sent"].startswith("leaks the target: it alone scores 0.99")
    assert left_out["row_number"] == "id-like: unique per row"
    assert left_out["created"] == "datetime"
    assert left_out["remark"].startswith("free text or high-cardinality text")
    assert left_out["empty"] == "empty"
    assert "6 features" in r.message  # x0..x4 and colour


def test_a_numeric_leak_is_found_for_a_continuous_target():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(1_500, 3))
    y = np.sin(x[:, 0]) + x[:, 1] ** 2 + rng.normal(0, 0.3, 1_500)
    df = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "y": y, "y_copy": 2 * y + 1})
    r = run_check(LearningCurve(points=3), make_dataset(df, target="y"))
    assert r.observed["metric"] == "R²" and "R²" in r.message
    assert dict(r.evidence[-1].rows)["y_copy"].startswith("leaks the target")
    assert 0.3 < r.observed["score"] < 1.0


def test_multiclass_uses_balanced_accuracy_and_leaves_out_rare_classes():
    rng = np.random.default_rng(4)
    n = 1_200
    x = rng.normal(size=(n, 2))
    y = np.select([x[:, 0] > 0.5, x[:, 1] > 0], ["a", "b"], "c").astype(object)
    y[:3] = "rare"
    df = pd.DataFrame({"p": x[:, 0], "q": x[:, 1], "y": y})
    r = run_check(LearningCurve(points=3), make_dataset(df, target="y"))
    assert r.observed["metric"] == "balanced accuracy"
    assert "1 rare class left out" in r.message
    assert r.observed["score"] > 0.8


# -- skips and odd data --------------------------------------------------------------------------------------


def test_without_a_target_it_is_skipped_with_the_reason():
    r = run_check(LearningCurve(), make_dataset(parity(300).drop(columns="y")))
    assert r.status == "skipped" and "no target column set" in r.message


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        (1, "fewer than 2 classes with at least 6 labelled rows"),
        (149, "only 149 labelled rows; a learning curve needs at least 150"),
        (150, None),
    ],
)
def test_minimum_rows_for_two_training_sizes(rows, reason):
    df = parity(400).iloc[:rows]
    r = run_check(LearningCurve(points=2), make_dataset(df, target="y"))
    assert r.status == ("skipped" if reason else "pass"), r.message
    assert reason is None or reason in r.message


def test_single_class_and_unlabelled_targets_are_skipped():
    df = parity(400)
    df["y"] = "yes"
    assert "fewer than 2 classes" in run_check(LearningCurve(), make_dataset(df, target="y")).message
    df["y"] = np.nan
    r = run_check(LearningCurve(), make_dataset(df, target="y"))
    assert r.status in ("skipped", "pass") and r.error is None


def test_a_target_with_too_many_classes_is_skipped():
    df = parity(1_000)
    df["y"] = [f"label {i % 25}" for i in range(1_000)]
    r = run_check(LearningCurve(), make_dataset(df, target="y"))
    assert r.status == "skipped"
    assert "has 25 classes with at least 6 labelled rows; the learning curve handles up to 20" in r.message


def test_odd_columns_do_not_crash_it():
    df = parity(600)
    df["mixed"] = [1, "a", 2.5, None, True, "b"] * 100
    df["all_missing_text"] = pd.Series([None] * 600, dtype=object)
    df["inf"] = np.where(np.arange(600) % 7 == 0, np.inf, 1.0 * np.arange(600) % 5)
    df.loc[::10, "y"] = None  # unlabelled rows are left out
    r = run_check(LearningCurve(points=3), make_dataset(df, target="y"))
    assert r.error is None and r.status in ("pass", "warn")
    assert dict(r.evidence[-1].rows)["all_missing_text"] == "empty"


def test_time_budget_stops_adding_sizes_and_says_so():
    r = run_check(LearningCurve(max_seconds=0.001), make_dataset(parity(2_000), target="y"))
    assert r.status == "skipped"  # one point is not a curve (issue 14.13: a pass must have checked something)
    assert "budget allowed only one training size (83 rows" in r.message
    assert "stopped at 83 training rows by the 0.001 s budget" in r.message


def test_invalid_parameters_are_rejected():
    with pytest.raises(ValueError, match="folds"):
        LearningCurve(folds=1)
    with pytest.raises(ValueError, match="gain_fail_above"):
        LearningCurve(gain_warn_above=0.05, gain_fail_above=0.01)


# -- sample data, API and CLI --------------------------------------------------------------------------------


def test_planted_leak_is_left_out_on_the_sample(loans):
    r = loans.result("size.learning_curve")
    assert r.status == "pass", r.message
    left_out = dict(r.evidence[-1].rows)
    assert left_out["approval_letter_sent"].startswith("leaks the target: it alone scores 0.99")
    assert "notes" in left_out
    assert r.observed["score"] < 0.9  # the curve measures the real signal, not the leak


def test_clean_sample_passes(loans_clean):
    r = loans_clean.result("size.learning_curve")
    assert r.status == "pass", r.message
    assert r.observed["verdict"] in (PLATEAU, NOISY)
    assert loans_clean.ready


def test_config_parameters_and_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parity(1_000).to_csv("data.csv", index=False)
    (tmp_path / "dataaudit.yaml").write_text(
        "target: y\nchecks:\n  size.learning_curve: {points: 3, gain_warn_above: 0.0}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli,
        ["run", "data.csv", "--as-of", "2026-06-30", "--select", "size.learning_curve", "--json", "r.json"],
    )
    assert result.exit_code in (0, 1), result.output
    import json

    doc = json.loads((tmp_path / "r.json").read_text())
    (check,) = doc["checks"]
    assert check["id"] == "size.learning_curve" and check["params"]["points"] == 3
    assert check["charts"][0]["kind"] == "curve" and len(check["charts"][0]["errors"]) == 3
    assert "<svg" in (tmp_path / "dataaudit-report.html").read_text()
