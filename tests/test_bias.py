"""Bias checks: frames whose imbalance, representation, disparity and proxy strength are known by
construction, on both sides of each threshold; the planted bias in sample_data is found, the clean twin and
balanced data stay quiet."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit import Dataset, Roles
from dataaudit.checks.bias import (
    CHECKS,
    ClassImbalance,
    GroupRepresentation,
    IntersectionalGroups,
    LabelRateDisparity,
    MissingnessDisparity,
    ProxyFeatures,
)
from dataaudit.cli import cli
from dataaudit.errors import ConfigError
from dataaudit.roles import detect
from dataaudit.runner import build
from dataaudit.sensitive import sensitive_kind
from dataaudit.stats import Stats
from tests.helpers import AS_OF, SAMPLE, make_dataset, run_check


def rated(spec: dict[str, tuple[int, int]], seed: int = 0, col: str = "g") -> pd.DataFrame:
    """One row per person: group ``name`` has ``n`` rows of which exactly ``positives`` have y=1."""
    g, y = [], []
    for name, (n, positives) in spec.items():
        g += [name] * n
        y += [1] * positives + [0] * (n - positives)
    df = pd.DataFrame({col: g, "y": y, "x": np.arange(len(g), dtype=float)})
    return df.sample(frac=1, random_state=seed).reset_index(drop=True)


def disparity(df: pd.DataFrame, **params):
    return run_check(LabelRateDisparity(**params), make_dataset(df, target="y", sensitive=["g"]))


@pytest.fixture(scope="module")
def planted():
    return dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF, select=["bias"])


@pytest.fixture(scope="module")
def clean():
    return dataaudit.audit(SAMPLE / "loans_clean.csv", as_of=AS_OF, select=["bias"])


def test_ids_are_stable_and_documented():
    assert [c.id for c in CHECKS] == [
        "bias.class_imbalance",
        "bias.group_representation",
        "bias.label_rate_disparity",
        "bias.intersectional_groups",
        "bias.proxy_features",
        "bias.missingness_disparity",
    ]
    for c in CHECKS:
        doc = c.doc()
        assert doc.what and doc.why and doc.how, c.id
        assert "Defaults" in c.__doc__ or "default" in c.__doc__.lower(), c.id


# -- bias.class_imbalance ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minority", "status"), [(9, "fail"), (10, "warn"), (99, "warn"), (100, "pass"), (700, "pass")]
)
def test_class_imbalance_thresholds(minority, status):
    df = pd.DataFrame({"y": ["rare"] * minority + ["common"] * 1000, "x": range(minority + 1000)})
    result = run_check(ClassImbalance(), make_dataset(df, target="y"))
    assert result.status == status
    assert f"rarest class 'rare' has {minority:,} rows" in result.message
    assert result.observed["ratio"] == round(minority / 1000, 4)
    assert {r[0] for r in result.evidence[0].rows} == {"rare", "common"}


def test_class_imbalance_multiclass_names_the_rarest_and_numbers_read_as_classes():
    y = [0.0] * 600 + [1.0] * 300 + [2.0] * 5
    result = run_check(ClassImbalance(), make_dataset(pd.DataFrame({"y": y, "x": range(905)}), target="y"))
    assert result.status == "fail"
    assert "rarest class '2' has 5 rows" in result.message
    assert "largest class '0'" in result.message


def test_class_imbalance_single_class_is_skipped_not_crashed():
    result = run_check(ClassImbalance(), make_dataset(pd.DataFrame({"y": [1] * 50}), target="y"))
    assert result.status == "skipped"
    assert "1 class" in result.message


@pytest.mark.parametrize(
    ("kind", "status"),
    [("near-normal", "pass"), ("zero-inflated", "warn"), ("left tail", "warn")],
)
def test_class_imbalance_regression_target_reports_skew(kind, status):
    rng = np.random.default_rng(1)
    price = {
        "near-normal": rng.lognormal(3, 0.1, 5000),
        "zero-inflated": np.where(rng.random(5000) < 0.7, 0.0, rng.lognormal(3, 1.0, 5000)),
        "left tail": 100 - rng.lognormal(2, 1.0, 5000),
    }[kind]
    result = run_check(ClassImbalance(), make_dataset(pd.DataFrame({"price": price}), target="price"))
    assert result.status == status
    skew = pd.Series(price).skew()
    assert f"skewness {skew:.2f}" in result.message
    assert result.observed["skewness"] == pytest.approx(skew, abs=1e-3)


def test_a_long_tail_that_a_log_takes_away_is_a_scale_not_an_imbalance():
    # a lognormal price (skewness about 6): normal on a log scale, so the check passes and names the scale
    price = np.random.default_rng(1).lognormal(3, 1.0, 5000)
    result = run_check(ClassImbalance(), make_dataset(pd.DataFrame({"price": price}), target="price"))
    assert result.status == "pass"
    assert f"skewness {pd.Series(price).skew():.2f} on its own scale" in result.message
    assert "model log(1 + price)" in result.message
    assert abs(result.observed["log_skewness"]) < 1


def test_class_imbalance_skew_fail_threshold_is_optional():
    rng = np.random.default_rng(1)
    visits = np.where(rng.random(5000) < 0.7, 0.0, rng.lognormal(3, 1.0, 5000))  # a log keeps this tail
    df = pd.DataFrame({"visits": visits})
    assert run_check(ClassImbalance(), make_dataset(df, target="visits")).status == "warn"
    assert run_check(ClassImbalance(skew_fail_above=2.0), make_dataset(df, target="visits")).status == "fail"


# -- bias.group_representation -----------------------------------------------------------------------------


def shares(small: int, total: int = 1000) -> pd.DataFrame:
    big = (total - small) // 2
    return pd.DataFrame({"g": ["A"] * big + ["B"] * (total - small - big) + ["C"] * small})


@pytest.mark.parametrize(("small", "status"), [(19, "fail"), (20, "warn"), (49, "warn"), (50, "pass")])
def test_group_representation_share_thresholds(small, status):
    result = run_check(GroupRepresentation(), make_dataset(shares(small), sensitive=["g"]))
    assert result.status == status
    if status != "pass":
        assert (
            f"g='C' is {small / 1000:.1%} of rows ({small} rows; an equal split would be 33%)"
            in result.message
        )
    assert ("g", "C", small, round(small / 1000, 4)) in result.evidence[0].rows


def test_group_representation_many_equal_small_groups_are_not_flagged():
    df = pd.DataFrame({"country": [f"c{i % 100}" for i in range(5000)]})  # 100 groups of 1% each
    result = run_check(GroupRepresentation(), make_dataset(df, sensitive=["country"]))
    assert result.status == "pass"
    assert "smallest country=" in result.message and "(1.0%)" in result.message


def test_group_representation_missing_values_are_shown_not_graded():
    df = shares(500)
    df.loc[:9, "g"] = None
    result = run_check(GroupRepresentation(), make_dataset(df, sensitive=["g"]))
    assert result.status == "pass"
    assert ("g", "(missing)", 10, 0.01) in result.evidence[0].rows


@pytest.mark.parametrize(
    ("share_c", "status"), [(0.049, "fail"), (0.05, "warn"), (0.079, "warn"), (0.081, "pass")]
)
def test_group_representation_against_reference_shares(share_c, status):
    n_c = round(share_c * 1000)
    check = GroupRepresentation(reference_shares={"g": {"A": 0.4, "B": 0.4, "c": 0.1}})
    result = run_check(check, make_dataset(shares(n_c), sensitive=["g"]))
    assert result.status == status
    ratio = n_c / 1000 / 0.1
    ref_rows = {r[1]: r for r in result.evidence[1].rows}
    assert ref_rows["c"] == ("g", "c", n_c / 1000, 0.1, round(ratio, 4), round(n_c / 1000 - 0.1, 4))
    if status != "pass":
        assert f"against a reference of 10.0%: ratio {ratio:.2f}" in result.message


def test_group_representation_reference_is_compared_among_known_values():
    df = shares(100)  # A 450, B 450, C 100
    df = pd.concat([df, pd.DataFrame({"g": [None] * 1000})], ignore_index=True)  # half the rows unknown
    check = GroupRepresentation(reference_shares={"g": {"C": 0.1}})
    result = run_check(check, make_dataset(df, sensitive=["g"]))
    assert result.status == "pass"  # C is 10% of the rows where g is known, as in the reference
    assert result.evidence[1].rows == (("g", "C", 0.1, 0.1, 1.0, 0.0),)


def test_group_representation_reference_group_absent_from_data_fails():
    check = GroupRepresentation(reference_shares={"g": {"A": 0.45, "B": 0.45, "D": 0.1}})
    result = run_check(check, make_dataset(shares(200), sensitive=["g"]))
    assert result.status == "fail"
    assert "g='D' is 0.0% of rows (0 rows) against a reference of 10.0%: ratio 0.00" in result.message


def test_group_representation_reference_shares_from_config_are_validated():
    ok = build(GroupRepresentation, {"reference_shares": {"eth": {"White": 0.8, "Black": 0.2}}}, "cfg")
    assert ok.reference_shares == {"eth": {"White": 0.8, "Black": 0.2}}
    with pytest.raises(ConfigError, match=r"cfg: reference_shares\.eth\.White: a share must be in \(0, 1\]"):
        build(GroupRepresentation, {"reference_shares": {"eth": {"White": 80}}}, "cfg")
    with pytest.raises(ConfigError, match="shares add up to 1.3, more than 1"):
        build(GroupRepresentation, {"reference_shares": {"eth": {"a": 0.8, "b": 0.5}}}, "cfg")
    with pytest.raises(ConfigError, match=r"cfg\.reference_shares: "):
        build(GroupRepresentation, {"reference_shares": ["White"]}, "cfg")


def test_group_representation_reference_shares_in_yaml_via_cli(tmp_path):
    df = shares(30)
    df["y"] = [0, 1] * 500
    df.to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "dataaudit.yaml").write_text(
        "sensitive: [g]\nchecks:\n  bias.group_representation:\n"
        "    reference_shares: {g: {A: 0.45, B: 0.45, C: 0.03}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.json"
    result = CliRunner().invoke(
        cli,
        [
            "run",
            str(tmp_path / "d.csv"),
            "--select",
            "bias.group_representation",
            "--no-html",
            "--json",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output  # C is 3.0% against a reference of 3%: represented
    doc = json.loads(out.read_text())
    (check,) = doc["checks"]
    assert check["status"] == "pass"
    assert check["evidence"][1]["rows"][-1] == ["g", "C", 0.03, 0.03, 1.0, 0.0]


# -- bias.label_rate_disparity ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap", "status"), [(0.0, "pass"), (0.08, "pass"), (0.13, "warn"), (0.19, "warn"), (0.22, "fail")]
)
def test_label_rate_difference_thresholds(gap, status):
    n = 20_000
    result = disparity(rated({"a": (n, n // 2), "b": (n, round(n * (0.5 - gap)))}))
    assert result.status == status
    assert result.observed["g"]["difference"] == pytest.approx(gap, abs=1e-9)
    if status != "pass":
        assert f"y=1 rate {0.5 - gap:.1%} for 'b' (20,000 rows) vs 50.0% for 'a': difference {gap:.2f}" in (
            result.message
        )


@pytest.mark.parametrize(("low", "status"), [(0.09, "pass"), (0.07, "warn"), (0.05, "fail")])
def test_label_rate_ratio_thresholds_at_low_base_rates(low, status):
    # differences of 1-5 points stay under the difference threshold: only the four-fifths ratio flags these
    n = 50_000
    result = disparity(rated({"a": (n, n // 10), "b": (n, round(n * low))}))
    assert result.status == status
    assert result.observed["g"]["ratio"] == pytest.approx(low / 0.1)
    assert result.observed["g"]["difference"] < 0.1


def test_small_group_is_not_over_read_but_the_same_gap_on_many_rows_is_flagged():
    small = disparity(rated({"a": (4000, 2000), "b": (40, 14)}))  # 35% vs 50% on 40 rows
    assert small.status == "pass"
    assert "difference 0.15, ratio 0.70 across all groups; most certain pair: difference at least 0.00" in (
        small.message
    )
    big = disparity(rated({"a": (4000, 2000), "b": (4000, 1400)}))  # 35% vs 50% on 4,000 rows
    assert big.status == "warn"
    assert "difference 0.15 (95% CI 0.13–0.17" in big.message


def test_two_small_groups_holding_the_extreme_rates_do_not_hide_a_gap_between_two_large_ones():
    # 30% vs 18% on 5,000 rows each warns; two 40-row groups at 34% and 13% (too few rows to call) hold the
    # highest and the lowest rate, and pairing only against those let the large gap through as "similar"
    large = {"A": (5000, 1500), "B": (5000, 900)}
    alone = disparity(rated(large))
    assert alone.status == "warn"
    result = disparity(rated({**large, "C": (40, 14), "D": (40, 5)}))
    assert result.status == "warn"
    assert "y=1 rate 18.0% for 'B' (5,000 rows) vs 30.0% for 'A': difference 0.12" in result.message


def test_the_most_certain_gap_is_reported_not_just_the_widest():
    # the widest gap is a 35-row group's (30% vs 50%); the most certain one is b's 4,000 rows at 35%
    result = disparity(rated({"a": (4000, 2000), "b": (4000, 1400), "c": (35, 10)}))
    assert result.status == "warn"
    assert "rate 35.0% for 'b' (4,000 rows) vs 50.0% for 'a': difference 0.15" in result.message
    assert "across all g groups: difference 0.21" in result.message
    assert result.observed["g"]["pair"] == ["b", "a"]


def test_many_small_groups_with_equal_rates_are_not_flagged():
    rng = np.random.default_rng(8)
    n = 30_000
    df = pd.DataFrame(
        {"g": np.char.add("z", rng.integers(0, 500, n).astype(str)), "y": rng.integers(0, 2, n)}
    )
    result = disparity(df)  # 500 groups of ~60 rows: some rates differ by 0.4 by chance alone
    assert result.status == "pass"
    assert result.observed["g"]["difference"] > 0.3


def test_balanced_attribute_with_equal_rates_raises_nothing_on_thousands_of_rows():
    rng = np.random.default_rng(7)
    n = 12_000
    df = pd.DataFrame({"g": rng.choice(["a", "b", "c", "d"], n), "y": rng.integers(0, 2, n)})
    result = disparity(df)
    assert result.status == "pass"
    assert result.message.startswith("no clear gap in label rates between groups: g y=1 difference 0.0")


def test_a_pass_with_wide_intervals_does_not_call_very_different_rates_similar():
    # 10% vs 25% on 40 rows each: too few rows to call, but the message must not say "similar"
    result = disparity(rated({"a": (40, 4), "b": (40, 10)}))
    assert result.status == "pass"
    assert "similar" not in result.message
    assert (
        "g y=1 difference 0.15, ratio 0.40 across all groups; most certain pair: difference at least 0.00"
        in (result.message)
    )


def test_label_rate_table_and_chart_show_intervals_per_group():
    result = disparity(rated({"a": (2000, 1000), "b": (500, 100), "tiny": (12, 1)}))
    table = {(r[1], r[2]): r for r in result.evidence[0].rows}
    _, _, _, rows, share, rate, low, high, note = table[("b", "1")]
    assert (rows, rate) == (500, 0.2) and low < 0.2 < high
    assert high - low == pytest.approx(2 * 1.96 * (0.2 * 0.8 / 500) ** 0.5, rel=0.15)  # a binomial interval
    assert table[("tiny", "1")][-1] == "fewer than 30 rows: not graded"
    (chart,) = result.charts
    assert chart.kind == "bars" and chart.unit == "share"
    assert chart.labels[0] == "overall · g" and chart.labels[2].startswith("b (")
    assert chart.errors is not None and all(e > 0 for e in chart.errors)


def test_label_rates_match_fairlearn_metricframe_on_raw_rows():
    from fairlearn.metrics import MetricFrame, selection_rate

    df = rated({"a": (300, 120), "b": (200, 150), "c": (100, 30)})
    mf = MetricFrame(metrics=selection_rate, y_true=df["y"], y_pred=df["y"], sensitive_features=df["g"])
    result = disparity(df)
    rates = {r[1]: r[5] for r in result.evidence[0].rows}
    assert rates == {k: round(v, 4) for k, v in mf.by_group.items()}
    assert result.observed["g"]["difference"] == pytest.approx(mf.difference())
    assert result.observed["g"]["ratio"] == pytest.approx(mf.ratio(), abs=1e-4)


def test_label_rate_disparity_is_deterministic():
    df = rated({"a": (3000, 1500), "b": (300, 100)})
    assert disparity(df).message == disparity(df).message


def test_multiclass_target_is_compared_one_vs_rest():
    g = ["p"] * 1000 + ["q"] * 1000
    y = ["a"] * 400 + ["b"] * 300 + ["c"] * 300 + ["a"] * 400 + ["b"] * 550 + ["c"] * 50
    result = disparity(pd.DataFrame({"g": g, "y": y}))
    assert result.status == "fail"
    assert "y=c rate 5.0% for 'q'" in result.message
    assert "classes: one-vs-rest" in result.message
    assert {r[2] for r in result.evidence[0].rows} == {"a", "b", "c"}


def test_text_labels_pick_the_truthy_class_or_the_configured_one():
    df = rated({"a": (2000, 1000), "b": (2000, 500)})
    df["y"] = df["y"].map({1: "yes", 0: "no"})
    assert "y=yes rate 25.0% for 'b'" in disparity(df).message
    assert "y=no rate 50.0% for 'a'" in disparity(df, positive_label="no").message
    bad = disparity(df, positive_label="maybe")
    assert bad.status == "error" and "positive_label 'maybe' is not a class" in bad.message


@pytest.mark.parametrize(("shift", "status"), [(0.05, "pass"), (0.35, "warn"), (0.8, "fail")])
def test_regression_target_compares_standardised_means(shift, status):
    rng = np.random.default_rng(3)
    n = 5000
    g = np.repeat(["a", "b"], n)
    y = rng.normal(10, 1, 2 * n) + np.where(g == "b", shift, 0.0)
    result = disparity(pd.DataFrame({"g": g, "y": y}))
    assert result.status == status
    d = result.observed["g"]["std_difference"]
    assert d == pytest.approx(shift / np.sqrt(1 + shift**2 / 4), abs=0.05)
    assert f"standardised difference {d:.2f}" in result.message


def test_label_rate_disparity_requires_target_and_sensitive():
    df = rated({"a": (100, 50), "b": (100, 50)})
    assert (
        "no target column set" in run_check(LabelRateDisparity(), make_dataset(df, sensitive=["g"])).message
    )
    assert "no sensitive columns set" in run_check(LabelRateDisparity(), make_dataset(df, target="y")).message


# -- bias.intersectional_groups -----------------------------------------------------------------------------


def crossed(cells: dict[tuple[str, str], tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for (a, b), (n, pos) in cells.items():
        rows += [(a, b, 1)] * pos + [(a, b, 0)] * (n - pos)
    return (
        pd.DataFrame(rows, columns=["sex", "eth", "y"]).sample(frac=1, random_state=0).reset_index(drop=True)
    )


def intersect(df: pd.DataFrame, **params):
    return run_check(IntersectionalGroups(**params), make_dataset(df, target="y", sensitive=["sex", "eth"]))


@pytest.mark.parametrize(
    ("small", "status"), [(0, "fail"), (9, "fail"), (10, "warn"), (29, "warn"), (30, "pass")]
)
def test_intersectional_smallest_cell_thresholds(small, status):
    cells = {
        ("F", "x"): (500, 250),
        ("F", "y"): (500, 250),
        ("M", "x"): (500, 250),
        ("M", "y"): (small, small // 2),
    }
    result = intersect(crossed(cells))
    assert result.status == status
    assert result.observed["sex × eth"]["smallest"] == small
    if status != "pass":
        assert f"sex × eth: 1 of 4 cells below 30 rows (smallest 'M × y' with {small:,} row" in result.message


def test_intersectional_disparity_hidden_in_the_marginals_is_found():
    cells = {
        ("F", "x"): (1000, 300),
        ("F", "y"): (1000, 700),
        ("M", "x"): (1000, 700),
        ("M", "y"): (1000, 300),
    }
    df = crossed(cells)
    marginal = run_check(LabelRateDisparity(), make_dataset(df, target="y", sensitive=["sex", "eth"]))
    assert marginal.status == "pass"  # every marginal rate is exactly 50%
    result = intersect(df)
    assert result.status == "fail"
    assert "y=1 rate 30.0% for " in result.message and "vs 70.0% for " in result.message
    assert "gap 0.40 (at least 0.3" in result.message and "across all 4 cells: 0.40" in result.message


def test_intersectional_quiet_on_balanced_cells_and_without_target_counts_only():
    rng = np.random.default_rng(11)
    n = 8000
    df = pd.DataFrame(
        {"sex": rng.choice(["F", "M"], n), "eth": rng.choice(list("wxyz"), n), "y": rng.integers(0, 2, n)}
    )
    assert intersect(df).status == "pass"
    no_target = run_check(IntersectionalGroups(), make_dataset(df, sensitive=["sex", "eth"]))
    assert no_target.status == "pass" and "rate" not in no_target.message


def test_intersectional_needs_two_attributes_and_order_is_validated():
    df = crossed({("F", "x"): (100, 50), ("M", "y"): (100, 50)})
    result = run_check(IntersectionalGroups(), make_dataset(df, target="y", sensitive=["sex"]))
    assert result.status == "skipped"
    assert "1 sensitive attribute set; intersections need at least 2" in result.message
    with pytest.raises(ConfigError, match="order must be at least 2"):
        build(IntersectionalGroups, {"order": 1}, "cfg")
    with pytest.raises(ConfigError, match="n_boot must be at least 100"):
        build(LabelRateDisparity, {"n_boot": 10}, "cfg")


# -- bias.proxy_features ------------------------------------------------------------------------------------


def proxy_frame(eta: float, n: int = 20_000, seed: int = 5) -> pd.DataFrame:
    """A numeric feature whose correlation ratio with the two-group attribute is ``eta`` by construction:
    group means ±m with unit noise give η² = m² / (m² + 1)."""
    rng = np.random.default_rng(seed)
    g = np.repeat(["a", "b"], n // 2)
    m = eta / np.sqrt(1 - eta**2)
    return pd.DataFrame(
        {
            "g": g,
            "feature": np.where(g == "a", -m, m) + rng.normal(0, 1, n),
            "noise": rng.normal(0, 1, n),
            "y": rng.integers(0, 2, n),
        }
    )


@pytest.mark.parametrize(("eta", "status"), [(0.3, "pass"), (0.45, "pass"), (0.6, "warn"), (0.9, "fail")])
def test_proxy_numeric_feature_correlation_ratio(eta, status):
    result = run_check(ProxyFeatures(), make_dataset(proxy_frame(eta), target="y", sensitive=["g"]))
    assert result.status == status
    top = result.evidence[0].rows[0]
    assert top[:3] == ("g", "feature", "correlation ratio η")
    assert top[3] == pytest.approx(eta, abs=0.02)
    if status != "pass":
        assert f"feature for g (correlation ratio η {top[3]:.2f})" in result.message


@pytest.mark.parametrize(("agree", "status"), [(0.6, "pass"), (0.8, "warn"), (0.97, "fail")])
def test_proxy_categorical_feature_cramers_v(agree, status):
    # a two-level feature that equals the group in `agree` of rows: Cramér's V = 2·agree − 1
    rng = np.random.default_rng(2)
    n = 20_000
    g = rng.choice(["a", "b"], n)
    flip = rng.random(n) > agree
    feature = np.where(flip, np.where(g == "a", "B", "A"), np.where(g == "a", "A", "B"))
    df = pd.DataFrame({"g": g, "postcode_area": feature, "y": rng.integers(0, 2, n)})
    result = run_check(ProxyFeatures(), make_dataset(df, target="y", sensitive=["g"]))
    assert result.status == status
    assert result.evidence[0].rows[0][1:3] == ("postcode_area", "Cramér's V")
    assert result.evidence[0].rows[0][3] == pytest.approx(2 * agree - 1, abs=0.02)


def test_proxy_excludes_sensitive_columns_and_target():
    df = proxy_frame(0.1)
    df["g_copy"] = df["g"]  # a second sensitive attribute identical to the first: not a proxy feature
    df["y"] = (df["g"] == "a").astype(int)  # the target equals the group: disparity's question, not a proxy
    result = run_check(ProxyFeatures(), make_dataset(df, target="y", sensitive=["g", "g_copy"]))
    assert result.status == "pass"
    features = {r[1] for r in result.evidence[0].rows}
    assert features == {"feature", "noise"}


def test_proxy_handles_odd_columns_and_says_when_it_samples():
    rng = np.random.default_rng(9)
    n = 3000
    df = pd.DataFrame(
        {
            "g": rng.choice(["a", "b", None], n),
            "when": pd.date_range("2026-01-01", periods=n, freq="h", tz="Europe/Paris"),
            "mixed": [1, "two", 3.0] * (n // 3),
            "empty": [None] * n,
            "notes": [
                f"a long free text note about applicant number {i} and their circumstances" for i in range(n)
            ],
            "y": rng.integers(0, 2, n),
        }
    )
    data = Dataset(df, roles=Roles(target="y", sensitive=("g",)), as_of=AS_OF, sample_rows=1000)
    result = run_check(ProxyFeatures(), data)
    assert result.status == "pass", result.message
    assert "(on a seeded sample of 1,000 of 3,000 rows)" in result.message
    assert {r[1] for r in result.evidence[0].rows} == {"when", "mixed"}
    assert result.evidence[1].rows == (("notes", "free text"),)


# -- bias.missingness_disparity ----------------------------------------------------------------------------


def missing_frame(rate_a: float, rate_b: float, n_a: int = 5000, n_b: int = 5000) -> pd.DataFrame:
    g = ["a"] * n_a + ["b"] * n_b
    income = np.arange(n_a + n_b, dtype=float)
    income[: round(rate_a * n_a)] = np.nan
    income[n_a : n_a + round(rate_b * n_b)] = np.nan
    return pd.DataFrame({"g": g, "income": income, "complete": 1.0})


@pytest.mark.parametrize(
    ("rate_b", "status"), [(0.02, "pass"), (0.05, "pass"), (0.1, "warn"), (0.18, "warn"), (0.3, "fail")]
)
def test_missingness_gap_thresholds(rate_b, status):
    result = run_check(MissingnessDisparity(), make_dataset(missing_frame(0.02, rate_b), sensitive=["g"]))
    assert result.status == status
    gap = rate_b - 0.02
    if gap:
        assert result.evidence[0].rows[0][:7] == ("g", "income", "b", rate_b, "a", 0.02, round(gap, 4))
    if status != "pass":
        assert (
            f"income is missing for {rate_b:.1%} of g='b' (5,000 rows) vs 2.0% of g='a': gap {gap * 100:.1f}"
            in (result.message)
        )


def test_missingness_small_group_not_over_read_and_no_missing_is_quiet():
    small = run_check(MissingnessDisparity(), make_dataset(missing_frame(0.02, 0.1, n_b=40), sensitive=["g"]))
    assert small.status == "pass"  # 4 of 40 missing: the interval is too wide to call it
    df = missing_frame(0, 0)
    result = run_check(MissingnessDisparity(), make_dataset(df, sensitive=["g"]))
    assert (result.status, result.message) == ("pass", "no column has missing values")


def test_missing_labels_count_too():
    df = missing_frame(0, 0)
    df["y"] = 1.0
    df.loc[df.index[-1000:], "y"] = np.nan  # labels missing for 20% of group b only
    result = run_check(MissingnessDisparity(), make_dataset(df, target="y", sensitive=["g"]))
    assert result.status == "fail"
    assert "y is missing for 20.0% of g='b'" in result.message


# -- robustness: odd data never crashes a bias check --------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"g": [None] * 50, "y": [0, 1] * 25, "x": range(50)}),
        pd.DataFrame({"g": ["a"], "y": [1], "x": [1.0]}),
        pd.DataFrame(
            {"g": ["a", 1, 2.5, None] * 30, "y": [0, 1, None, 1] * 30, "x": ["1", "b", None, 3] * 30}
        ),
        pd.DataFrame(
            {
                "g": ["a", "b"] * 60,
                "y": [0.5, 1.5, np.nan] * 40,
                "t": pd.date_range("2026-01-01", periods=120, freq="D", tz="UTC"),
            }
        ),
    ],
    ids=["all-missing-group", "one-row", "mixed-types", "tz-aware-and-float-target"],
)
def test_odd_data_does_not_crash(frame):
    for cls in CHECKS:
        data = make_dataset(frame, target="y", sensitive=["g"])
        result = run_check(cls(), data)
        assert result.status != "error", (cls.id, result.message)


# -- sample data and the whole pipeline --------------------------------------------------------------------


def test_planted_bias_in_loans_is_found(planted):
    rep = planted.result("bias.group_representation")
    assert rep.status == "fail"
    assert "ethnicity='Indigenous' is 1.2% of rows (121 rows" in rep.message
    assert "gender='Non-binary' is 1.0% of rows (103 rows" in rep.message
    rates = planted.result("bias.label_rate_disparity")
    assert rates.status == "fail"
    assert (
        "ethnicity: approved=1 rate 22.3% for 'Indigenous' (121 rows) vs 65.0% for 'Asian'" in rates.message
    )
    assert rates.observed["ethnicity"]["difference"] == pytest.approx(0.4266, abs=1e-3)
    assert "ethnicity" in rates.columns
    assert [c.title for c in rates.charts] == [
        f"approved=1 rate per {a} group (its share of rows), 95% interval"
        for a in ("gender", "ethnicity", "age")
    ]
    inter = planted.result("bias.intersectional_groups")
    assert inter.status == "fail" and "'Non-binary × Indigenous' with 5 rows" in inter.message


def test_clean_loans_are_quiet(clean):
    assert clean.ready
    assert {r.id: r.status for r in clean.results} == {c.id: "pass" for c in CHECKS}
    rates = clean.result("bias.label_rate_disparity")
    assert all(v["difference"] < 0.02 for v in rates.observed.values())


def test_cli_exit_codes_on_sample_data(tmp_path):
    runner = CliRunner()
    args = ["--select", "bias", "--as-of", AS_OF.isoformat(), "--no-html"]
    bad = runner.invoke(cli, ["run", str(SAMPLE / "loans.csv"), *args])
    assert bad.exit_code == 1, bad.output
    assert "bias.label_rate_disparity" in bad.stdout and "FAIL" in bad.stdout
    good = runner.invoke(cli, ["run", str(SAMPLE / "loans_clean.csv"), *args])
    assert good.exit_code == 0, good.output


def test_html_report_draws_rate_intervals_and_escapes_names():
    df = rated({"a": (500, 250), "b": (500, 100)}, col="<script>alert(1)</script>")
    report = dataaudit.audit(
        df, target="y", sensitive=["<script>alert(1)</script>"], select=["bias"], as_of=AS_OF
    )
    html = report.to_html()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "20.0% ± " in html  # the rate of group b with its interval


# -- sensitive columns detected by their values -------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["Male", "Female", "Female", "Non-binary"], "gender"),
        (["M", "F"], "gender"),
        (["White", "Black", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other"], "ethnicity"),
        (["Christian", "Muslim", "No religion", "Hindu"], "religion"),
        (["British", "Polish", "Irish"], "nationality"),
        (["Married", "Single", "Divorced", "Widowed"], "marital status"),
        (["Disabled", "Not disabled"], "disability"),
        (["North", "South", "East", "West"], None),
        (["employed", "self-employed", "retired"], None),
        (["Other", "Unknown"], None),
    ],
)
def test_sensitive_kind_by_values(values, kind):
    frame = pd.DataFrame({"col": values * 50})
    assert sensitive_kind(Stats(frame)["col"]) == kind


def test_value_detected_sensitive_columns_are_suggested_never_used():
    rng = np.random.default_rng(4)
    n = 1000
    df = pd.DataFrame(
        {
            "c1": rng.choice(["Male", "Female"], n),
            "c2": rng.choice(["North", "South"], n),
            "y": rng.integers(0, 2, n),
        }
    )
    assert detect(list(df.columns), Stats(df))["sensitive"] == ("c1",)
    report = dataaudit.audit(df, target="y", select=["bias"], as_of=AS_OF)
    result = report.result("bias.label_rate_disparity")
    assert result.status == "skipped"
    assert "no sensitive columns set" in result.message and "likely candidates: c1" in result.message
