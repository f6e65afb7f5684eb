"""Drift checks: baseline/new pairs that drift by known amounts, each flagged by the right check on both sides
of its thresholds; identical data and independent samples of one distribution show no drift; a snapshot
gives the same results as the raw baseline; the sample data's planted changes are found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dataaudit
from dataaudit.checks._drift_compare import compare, psi
from dataaudit.checks.drift import (
    CHECKS,
    NO_BASELINE,
    DistributionDrift,
    GroupShareDrift,
    MissingRateDrift,
    NewCategories,
    RowCountDrift,
    SchemaDrift,
    TargetDrift,
)
from dataaudit.errors import ConfigError
from dataaudit.snapshot import Snapshot
from tests.helpers import AS_OF, SAMPLE, make_dataset, run_check

ROLES = {"target": "approved", "sensitive": ["gender"]}


def frame(n: int = 4000, seed: int = 0, *, shift: float = 0.0, approve: float = 0.5, female: float = 0.5):
    """A realistic little table: two numeric features, a categorical one, a sensitive attribute and a
    binary target whose rate is ``approve`` (exact shares, shuffled)."""
    rng = np.random.default_rng(seed)
    ones = int(round(n * approve))
    n_f = int(round(n * female))
    return pd.DataFrame(
        {
            "income": rng.lognormal(10 + shift * 0.5, 0.5, n).round(0),
            "score": rng.normal(600 + shift * 80, 80, n).round(1),
            "region": rng.choice(["north", "south", "east", "west"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "gender": rng.permutation(["F"] * n_f + ["M"] * (n - n_f)),
            "approved": rng.permutation([1] * ones + [0] * (n - ones)),
        }
    )


def against(new: pd.DataFrame, old: pd.DataFrame, roles=ROLES):
    """The new data as a Dataset with the old data's snapshot as its baseline."""
    data = make_dataset(new, **roles)
    data.baseline = Snapshot.from_dataset(make_dataset(old, **roles))
    return data


def status(check, new, old, roles=ROLES):
    return run_check(check, against(new, old, roles)).status


# -- without a baseline ------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", CHECKS)
def test_without_a_baseline_each_check_skips_with_the_reason(cls) -> None:
    result = run_check(cls(), make_dataset(frame(200), **ROLES))
    assert result.status == "skipped"
    assert result.message == NO_BASELINE


def test_audit_without_a_baseline_does_not_run_drift_checks_at_all() -> None:
    report = dataaudit.audit(frame(2000), as_of=AS_OF, target="approved", select=["size.min_rows", "drift"])
    assert report.results and not [r for r in report.results if r.area == "drift"]
    assert "drift" not in report.summary["by_area"]


def test_selecting_only_drift_without_a_baseline_is_a_config_error() -> None:
    with pytest.raises(
        ConfigError, match="the drift checks compare against a baseline: give one with --baseline"
    ):
        dataaudit.audit(frame(200), as_of=AS_OF, select=["drift"])


# -- no drift ----------------------------------------------------------------------------------------------


def test_identical_data_shows_no_drift() -> None:
    df = frame()
    report = dataaudit.audit(df, baseline=df.copy(), as_of=AS_OF, select=["drift"], **ROLES)
    assert {r.id: r.status for r in report.results} == {c.id: "pass" for c in CHECKS}
    assert report.result("drift.distribution").observed["max_psi"] == 0.0


def test_two_independent_samples_of_one_distribution_at_100k_rows_show_no_drift() -> None:
    old, new = frame(100_000, seed=1), frame(100_000, seed=2)
    report = dataaudit.audit(new, baseline=old, as_of=AS_OF, select=["drift"], **ROLES)
    assert {r.id: str(r.status) for r in report.results} == {c.id: "pass" for c in CHECKS}
    assert report.result("drift.distribution").observed["max_psi"] < 0.01


# -- drift.distribution ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shift", "expected"), [(0.2, "pass"), (0.4, "warn"), (0.7, "fail")])
def test_a_moved_mean_is_graded_by_psi(shift: float, expected: str) -> None:
    old, new = frame(seed=1), frame(seed=2, shift=shift)
    result = run_check(DistributionDrift(), against(new, old))
    assert result.status == expected, result.message
    if expected != "pass":
        assert "score" in result.columns and "income" in result.columns
        assert "shifted (PSI > 0.1)" in result.message
    bars = {b["column"]: b for b in result.observed["bars"]}
    assert len(bars["score"]["labels"]) == 10 and abs(sum(bars["score"]["old"]) - 1) < 1e-3


def test_distribution_thresholds_just_below_and_above() -> None:
    data = against(frame(seed=2, shift=0.4), frame(seed=1))
    measured = run_check(DistributionDrift(), data).observed["max_psi"]
    assert run_check(DistributionDrift(warn_above=measured + 0.001, fail_above=1), data).status == "pass"
    assert run_check(DistributionDrift(warn_above=measured - 0.001, fail_above=1), data).status == "warn"
    assert run_check(DistributionDrift(warn_above=0.01, fail_above=measured - 0.001), data).status == "fail"


def test_categorical_shift_uses_the_baseline_categories() -> None:
    old = frame(seed=1)
    new = frame(seed=2)
    new["region"] = np.random.default_rng(3).choice(
        ["north", "south", "east", "west"], len(new), p=[0.1] * 3 + [0.7]
    )
    result = run_check(DistributionDrift(), against(new, old))
    assert result.status == "fail"
    assert result.columns == ("region",)
    row = next(r for r in result.evidence[0].rows if r[0] == "region")
    assert row[4].startswith("west: 10.")  # the largest move: west 10 % → 70 %


def test_small_columns_are_listed_but_not_graded() -> None:
    old, new = frame(60, seed=1), frame(60, seed=2, shift=2.0)
    result = run_check(DistributionDrift(), against(new, old))
    assert result.status == "pass"
    assert "no feature with >= 500 values" in result.message
    assert all("not graded" in r[-1] for r in result.evidence[0].rows)


def test_psi_is_symmetric_in_its_terms_and_zero_for_equal_shares() -> None:
    assert psi([10, 20, 30], [10, 20, 30]) == 0.0
    assert psi([1, 1], [2, 2]) == 0.0
    assert psi([50, 50], [90, 10]) == pytest.approx((0.4 * np.log(0.9 / 0.5)) + (-0.4 * np.log(0.1 / 0.5)))


# -- drift.new_categories ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "expected"), [(0, "pass"), (40, "warn"), (400, "fail")])
def test_a_new_category_is_graded_by_its_share_of_rows(rows: int, expected: str) -> None:
    old, new = frame(seed=1), frame(seed=2)
    new.loc[: rows - 1, "region"] = "NORTH"  # a new spelling: 1 % warns, 10 % fails
    result = run_check(NewCategories(), against(new, old))
    assert result.status == expected, result.message
    if rows:
        assert f"region: 1 new ('NORTH'; {rows / len(new):.1%} of rows)" in result.message
        assert result.evidence[0].rows[0][:4] == ("region", "new", "NORTH", rows)


def test_a_vanished_category_is_reported() -> None:
    old, new = frame(seed=1), frame(seed=2)
    new["region"] = new["region"].replace("west", "east")
    result = run_check(NewCategories(), against(new, old))
    assert result.status == "fail"  # ~10 % of the baseline's rows were in 'west'
    assert "1 vanished ('west'" in result.message


def test_new_category_threshold_just_below_and_above() -> None:
    old, new = frame(seed=1), frame(seed=2)
    new.loc[:99, "region"] = "central"  # 2.5 %
    data = against(new, old)
    assert run_check(NewCategories(warn_above=0.03, fail_above=0.04), data).status == "pass"
    assert run_check(NewCategories(warn_above=0.02, fail_above=0.03), data).status == "warn"
    assert run_check(NewCategories(warn_above=0.01, fail_above=0.02), data).status == "fail"


# -- drift.schema ------------------------------------------------------------------------------------------


def test_a_dropped_column_fails_and_an_added_one_warns() -> None:
    old = frame(seed=1)
    dropped = run_check(SchemaDrift(), against(old.drop(columns=["score"]), old))
    assert dropped.status == "fail"
    assert "1 removed ('score')" in dropped.message
    added = run_check(SchemaDrift(), against(old.assign(extra=1.5), old))
    assert added.status == "warn"
    assert "1 added ('extra')" in added.message
    tolerant = run_check(SchemaDrift(warn_above=1, fail_above=1), against(old.assign(extra=1.5), old))
    assert tolerant.status == "pass"


def test_kind_change_fails_and_a_rename_is_recognised() -> None:
    old = frame(seed=1)
    new = old.rename(columns={"income": "annual_income"}).assign(score=old["score"].map(lambda v: f"s{v}"))
    result = run_check(SchemaDrift(), against(new, old))
    assert result.status == "fail"
    assert "score: numeric → text" in result.message
    assert "likely renamed: 'income' → 'annual_income'" in result.message
    assert result.observed["renames"] == [["income", "annual_income"]]


# -- drift.row_count ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "expected"), [(3800, "pass"), (3400, "warn"), (2000, "fail"), (6000, "fail")])
def test_row_count_change(n: int, expected: str) -> None:
    old = frame(4000, seed=1)
    result = run_check(RowCountDrift(), against(frame(n, seed=2), old))
    assert result.status == expected
    assert f"4,000 → {n:,} rows" in result.message


# -- drift.missing_rate ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("missing", "expected"), [(40, "pass"), (200, "warn"), (800, "fail")])
def test_missing_rate_change(missing: int, expected: str) -> None:
    old, new = frame(seed=1), frame(seed=2)
    new.loc[: missing - 1, "income"] = np.nan  # 1 %, 5 %, 20 % of 4,000
    result = run_check(MissingRateDrift(), against(new, old))
    assert result.status == expected, result.message
    if expected != "pass":
        assert result.columns == ("income",)
        assert f"income 0.0% → {missing / 4000:.1%}" in result.message


# -- drift.target ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rate", "expected"), [(0.53, "pass"), (0.58, "warn"), (0.70, "fail")])
def test_label_shift(rate: float, expected: str) -> None:
    result = run_check(TargetDrift(), against(frame(seed=2, approve=rate), frame(seed=1, approve=0.5)))
    assert result.status == expected, result.message
    assert f"{abs(rate - 0.5) * 100:.1f} points" in result.message


def test_continuous_target_uses_psi() -> None:
    roles = {"target": "score"}
    stable = run_check(TargetDrift(), against(frame(seed=2), frame(seed=1), roles))
    moved = run_check(TargetDrift(), against(frame(seed=2, shift=0.7), frame(seed=1), roles))
    assert (stable.status, moved.status) == ("pass", "fail")
    assert moved.message.startswith("target 'score' PSI ")


def test_target_missing_from_the_baseline_is_skipped() -> None:
    old = frame(seed=1).drop(columns=["approved"])
    result = run_check(TargetDrift(), against(frame(seed=2), old, {"target": "approved"}))
    assert result.status == "skipped"
    assert "the baseline has no target column 'approved'" in result.message


# -- drift.group_shares ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("female", "expected"), [(0.52, "pass"), (0.58, "warn"), (0.70, "fail")])
def test_group_share_shift(female: float, expected: str) -> None:
    result = run_check(GroupShareDrift(), against(frame(seed=2, female=female), frame(seed=1, female=0.5)))
    assert result.status == expected, result.message
    assert f"({abs(female - 0.5) * 100:.1f} points)" in result.message


def test_numeric_sensitive_groups_use_the_baseline_bins() -> None:
    old, new = frame(seed=1), frame(seed=2)
    roles = {"sensitive": ["income"]}
    result = run_check(GroupShareDrift(), against(new, old, roles))
    assert result.status == "pass"  # quintile bands of each side would differ; fixed bins do not


# -- snapshot round trip, odd data, sample data ------------------------------------------------------------


def _results(data):
    return {c.id: run_check(c(), data).to_dict() | {"duration_s": 0} for c in CHECKS}


def test_a_snapshot_round_trip_gives_the_same_results_as_the_raw_baseline() -> None:
    old = frame(seed=1)
    new = frame(seed=2, shift=0.5, approve=0.6, female=0.6).drop(columns=["income"]).assign(extra="x")
    new.loc[:99, "region"] = "NORTH"
    raw = against(new, old)
    restored = make_dataset(new, **ROLES)
    restored.baseline = Snapshot.from_json(raw.baseline.to_json())
    assert restored.baseline == raw.baseline
    assert _results(restored) == _results(raw)
    assert compare(restored, restored.baseline) == compare(raw, raw.baseline)


def test_odd_data_does_not_crash_the_drift_checks() -> None:
    old = pd.DataFrame(
        {
            "empty": [None, None, None],
            "mixed": [1, "a", 2.5],
            "when": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]).tz_localize("Europe/Paris"),
            "flag": [True, False, True],
        }
    )
    for new in (old.iloc[:1], old.assign(empty=[1.0, 2.0, 3.0]), old.drop(columns=["mixed"])):
        data = against(new, old, {})
        for c in CHECKS:
            assert run_check(c(), data).status != "error", c.id


def test_sample_data_changes_are_found_against_the_clean_baseline() -> None:
    report = dataaudit.audit(
        SAMPLE / "loans.csv",
        baseline=SAMPLE / "loans_clean.csv",
        config=SAMPLE / "dataaudit.yaml",
        as_of="2026-06-30",
        select=["drift"],
    )
    status = {r.id: str(r.status) for r in report.results}
    assert "approval_letter_sent" in report.result("drift.schema").message
    assert "employment_type: 5 new" in report.result("drift.new_categories").message
    assert "income 0.3% → 6.0%" in report.result("drift.missing_rate").message
    assert status["drift.group_shares"] == "fail"  # Indigenous 10 % → 1.2 % and more
    assert status["drift.row_count"] == "pass"  # 10,000 → 10,150 (+1.5 %)


def test_sample_clean_data_against_itself_stays_ready() -> None:
    clean = SAMPLE / "loans_clean.csv"
    report = dataaudit.audit(
        clean, baseline=clean, config=SAMPLE / "dataaudit.yaml", as_of="2026-06-30", select=["drift"]
    )
    assert report.ready
    assert {r.id: str(r.status) for r in report.results} == {c.id: "pass" for c in CHECKS}


# -- sampling noise on small data --------------------------------------------------------------------------


def test_small_samples_do_not_warn_by_chance_but_large_ones_do() -> None:
    # 8 points more women: at 100 rows per side that is within 2 standard errors (about 14 points)
    small = against(frame(100, seed=2, female=0.58, approve=0.58), frame(100, seed=1, female=0.5))
    group = run_check(GroupShareDrift(), small)
    assert group.status == "pass" and "(within sampling noise)" in group.message
    target = run_check(TargetDrift(), small)
    assert target.status == "pass" and "within sampling noise at 100 and 100 labels" in target.message
    assert run_check(GroupShareDrift(noise_z=0), small).status == "warn"  # the guard can be turned off
    large = against(frame(4000, seed=2, female=0.58), frame(4000, seed=1, female=0.5))
    assert run_check(GroupShareDrift(), large).status == "warn"


def test_missing_rate_noise_guard() -> None:
    old, new = frame(100, seed=1), frame(100, seed=2)
    new.loc[:2, "income"] = np.nan  # 3 of 100 rows: 3 points, within noise at 100 rows
    result = run_check(MissingRateDrift(), against(new, old))
    assert result.status == "pass"
    assert "within 2 points or sampling noise" in result.message
    assert run_check(MissingRateDrift(noise_z=0), against(new, old)).status == "warn"
