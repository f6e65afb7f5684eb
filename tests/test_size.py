"""Size checks: each threshold from just below to just above, on small inline frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit.checks.size import ClassCounts, GroupCounts, MinRows, RowsPerFeature
from tests.helpers import make_dataset, run_check


def frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x": rng.normal(size=n), "c": rng.choice(["a", "b", "c"], size=n)})


# -- size.min_rows -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "status"),
    [(99, "fail"), (100, "warn"), (999, "warn"), (1000, "pass"), (5000, "pass")],
)
def test_min_rows_thresholds(rows, status):
    result = run_check(MinRows(), make_dataset(frame(rows)))
    assert result.status == status
    assert f"{rows:,} rows" in result.message
    assert result.observed == rows


def test_min_rows_custom_thresholds_and_message():
    result = run_check(MinRows(warn_below=50, fail_below=10), make_dataset(frame(30)))
    assert result.status == "warn"
    assert result.message == "only 30 rows; at least 50 needed by the rule of thumb"


# -- size.rows_per_feature ---------------------------------------------------------------------------------


def wide(rows: int, features: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({f"f{i}": rng.normal(size=rows) for i in range(features)})


@pytest.mark.parametrize(
    ("rows", "features", "status"),
    [(49, 10, "fail"), (50, 10, "warn"), (199, 10, "warn"), (200, 10, "pass")],
)
def test_rows_per_feature_thresholds(rows, features, status):
    result = run_check(RowsPerFeature(), make_dataset(wide(rows, features)))
    assert result.status == status
    assert f"{rows / features:,.1f} rows per feature" in result.message


def test_rows_per_feature_excludes_roles_and_constant_columns():
    df = wide(100, 4)
    df["target"] = [0, 1] * 50
    df["row_id"] = range(100)
    df["constant"] = 7
    df["empty"] = np.nan
    result = run_check(RowsPerFeature(), make_dataset(df, target="target", id="row_id"))
    assert result.observed == 25.0  # 100 rows / 4 usable features
    assert "4 usable features" in result.message
    measures = dict(result.evidence[0].rows)
    assert measures["not usable: constant"] == "constant"
    assert measures["not usable: empty"] == "empty"


def test_rows_per_feature_one_hot_width_counts_levels():
    df = pd.DataFrame({"num": np.arange(1000.0), "cat": ["a", "b", "c", "d"] * 250})
    measures = dict(run_check(RowsPerFeature(), make_dataset(df)).evidence[0].rows)
    assert measures["one-hot width"] == 1 + 3


def test_rows_per_feature_no_usable_features_fails():
    df = pd.DataFrame({"k": [1] * 10, "y": [0, 1] * 5})
    result = run_check(RowsPerFeature(), make_dataset(df, target="y"))
    assert result.status == "fail"
    assert result.message.startswith("no usable features")


# -- size.class_counts ---------------------------------------------------------------------------------------


def labelled(minority: int, majority: int = 2000) -> pd.DataFrame:
    y = ["yes"] * minority + ["no"] * majority
    return pd.DataFrame({"x": np.arange(len(y)), "y": y})


@pytest.mark.parametrize(
    ("minority", "status"), [(19, "fail"), (20, "warn"), (99, "warn"), (100, "pass"), (800, "pass")]
)
def test_class_counts_thresholds(minority, status):
    result = run_check(ClassCounts(), make_dataset(labelled(minority), target="y"))
    assert result.status == status
    assert f"smallest class 'yes' has {minority:,} rows" in result.message
    assert result.observed["rows"] == minority
    table = result.evidence[0]
    assert table.columns == ("class", "rows", "share")
    assert {r[0] for r in table.rows} == {"yes", "no"}


def test_class_counts_without_target_is_skipped_with_reason():
    result = run_check(ClassCounts(), make_dataset(labelled(50)))
    assert result.status == "skipped"
    assert "no target column set" in result.message


def test_class_counts_continuous_target_is_skipped():
    df = pd.DataFrame({"x": range(500), "price": np.linspace(1, 100, 500)})
    result = run_check(ClassCounts(), make_dataset(df, target="price"))
    assert result.status == "skipped"
    assert "continuous" in result.message


def test_class_counts_reports_unlabelled_rows():
    df = labelled(200)
    df.loc[:9, "y"] = None
    result = run_check(ClassCounts(), make_dataset(df, target="y"))
    assert "10 rows have no label" in result.message


def test_class_counts_multiclass_smallest_named():
    y = ["a"] * 500 + ["b"] * 300 + ["c"] * 15
    result = run_check(ClassCounts(), make_dataset(pd.DataFrame({"y": y, "x": range(815)}), target="y"))
    assert result.status == "fail"
    assert "smallest class 'c' has 15 rows" in result.message
    assert "3 classes" in result.message


# -- size.group_counts -------------------------------------------------------------------------------------


def groups(small: int, small_pos: int, big: int = 1000) -> pd.DataFrame:
    g = ["small"] * small + ["big"] * big
    y = [1] * small_pos + [0] * (small - small_pos) + [1, 0] * (big // 2)
    return pd.DataFrame({"g": g, "y": y, "x": range(len(g))})


@pytest.mark.parametrize(("small", "status"), [(29, "fail"), (30, "warn"), (99, "warn"), (100, "pass")])
def test_group_counts_group_thresholds(small, status):
    result = run_check(GroupCounts(), make_dataset(groups(small, 0), sensitive=["g"]))
    assert result.status == status
    if status != "pass":
        assert f"group g='small' has {small:,} rows" in result.message


@pytest.mark.parametrize(("positives", "status"), [(9, "fail"), (10, "warn"), (29, "warn"), (30, "pass")])
def test_group_counts_cell_thresholds(positives, status):
    # the group itself is big enough (200 rows); only its positive cell varies
    result = run_check(GroupCounts(), make_dataset(groups(200, positives), sensitive=["g"], target="y"))
    assert result.status == status
    if status != "pass":
        assert f"cell g='small' × y='1' has {positives:,} rows" in result.message
    cells = result.evidence[1]
    assert ("g", "small", "1", positives) in cells.rows


def test_group_counts_bands_ages_and_counts_missing():
    rng = np.random.default_rng(3)
    age = rng.integers(18, 90, size=3000).astype(float)
    age[:40] = np.nan
    df = pd.DataFrame({"age": age, "y": rng.integers(0, 2, 3000)})
    result = run_check(GroupCounts(), make_dataset(df, sensitive=["age"], target="y"))
    groups_seen = {r[1]: r[2] for r in result.evidence[0].rows}
    assert {"18–24", "25–34", "65+"} <= set(groups_seen)
    assert groups_seen["(missing)"] == 40  # shown in the table...
    assert result.status == "pass"  # ...but not graded: missing values are consistency's concern
    assert "(missing)" not in result.message


def test_group_counts_skipped_without_sensitive_columns():
    result = run_check(GroupCounts(), make_dataset(groups(100, 50)))
    assert result.status == "skipped"
    assert "no sensitive columns set" in result.message


def test_group_counts_quiet_on_balanced_groups():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"g": rng.choice(["a", "b", "c"], 3000), "y": rng.integers(0, 2, 3000)})
    result = run_check(GroupCounts(), make_dataset(df, sensitive=["g"], target="y"))
    assert result.status == "pass"
    assert result.message.startswith("every group has >= 100 rows")


@pytest.mark.parametrize("values", [[None] * 500, ["same"] * 500], ids=["all-missing", "constant"])
def test_group_counts_flags_sensitive_column_without_two_groups(values):
    df = pd.DataFrame({"g": values, "x": range(500)})
    result = run_check(GroupCounts(), make_dataset(df, sensitive=["g"]))
    assert result.status == "warn"
    n = 0 if values[0] is None else 1
    assert f"g has {n} non-missing group" in result.message
    assert "needs at least 2" in result.message


def test_group_counts_many_small_groups_are_summarised():
    df = pd.DataFrame({"country": [f"c{i % 300}" for i in range(3000)], "x": range(3000)})
    result = run_check(GroupCounts(), make_dataset(df, sensitive=["country"]))
    assert result.status == "fail"
    assert result.message.startswith("300 of 300 country groups below 100 rows (smallest group country=")
    assert "with 10 rows" in result.message


def test_class_counts_single_class_fails():
    df = pd.DataFrame({"y": [1] * 2000, "x": range(2000)})
    result = run_check(ClassCounts(), make_dataset(df, target="y"))
    assert result.status == "fail"
    assert (
        result.message
        == "target 'y' has a single class ('1', 2,000 rows): there is nothing to learn to tell apart"
    )


def test_messages_use_singular_for_one():
    df = pd.DataFrame({"g": ["a"] * 500 + ["b"], "x": range(501)})
    result = run_check(GroupCounts(), make_dataset(df, sensitive=["g"]))
    assert "group g='b' has 1 row " in result.message


@pytest.mark.parametrize(
    "params", [{"warn_below": 10, "fail_below": 100}, {"group_warn_below": 5, "group_fail_below": 50}]
)
def test_fail_threshold_laxer_than_warn_is_rejected(params):
    check = GroupCounts if "group_warn_below" in params else MinRows
    with pytest.raises(ValueError, match=r"fail_below \((100|50)\) must be <= .*warn_below \((10|5)\)"):
        check(**params)


def test_group_counts_cells_match_a_crosstab_including_empty_and_missing():
    rng = np.random.default_rng(5)
    n = 3_000
    df = pd.DataFrame(
        {"g": rng.choice(["a", "b", "c", None], n), "y": rng.choice([0, 1, 2], n).astype(float)}
    )
    df.loc[df["g"] == "c", "y"] = 0.0  # the cells c × 1 and c × 2 are empty: zeros, graded as fail
    df.loc[rng.random(n) < 0.1, "y"] = np.nan
    r = run_check(GroupCounts(), make_dataset(df, target="y", sensitive=["g"]))
    cells = {(g, c): n for _, g, c, n in r.evidence[1].rows}
    known = df.dropna()
    expected = pd.crosstab(known["g"], known["y"].map(str)).stack()
    assert cells == {(g, c): int(v) for (g, c), v in expected.items()}
    assert cells[("c", "1.0")] == 0 and r.status == "fail" and r.observed["smallest_cell"] == 0
    assert all(g != "(missing)" and c != "(missing)" for g, c in cells)


def test_group_counts_without_a_row_holding_both_class_and_group_grades_groups_only():
    df = pd.DataFrame({"y": [None] * 4, "s": ["a", "b", "a", "b"]})
    r = run_check(GroupCounts(), make_dataset(df, target="y", sensitive=["s"]))
    assert r.status == "fail" and "s='a' with 2 rows" in r.message
    assert r.observed["smallest_cell"] is None and len(r.evidence) == 1


def test_min_rows_message_says_one_row_in_the_singular():
    result = run_check(MinRows(), make_dataset(pd.DataFrame({"a": [1]})))
    assert result.message == "only 1 row; at least 100 needed by the rule of thumb"
