"""Label checks: target_missing, conflicting_labels, target_leakage, id_like_features.

Tiny seeded frames just below and just above each threshold, odd data that must not crash, and the sample
data: the planted leak in loans.csv is found and loans_clean.csv stays quiet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dataaudit
from dataaudit.checks.consistency import (
    ConflictingLabels,
    IdLikeFeatures,
    TargetLeakage,
    TargetMissing,
)
from tests.helpers import AS_OF, SAMPLE, make_dataset, run_check

LABEL_CHECKS = [
    "consistency.target_missing",
    "consistency.conflicting_labels",
    "consistency.target_leakage",
    "consistency.id_like_features",
]


def features(n: int, seed: int = 0) -> pd.DataFrame:
    """Realistic features: a skewed income, an age, a category, free text; a label from a noisy model."""
    rng = np.random.default_rng(seed)
    income = rng.lognormal(10.5, 0.6, n).round(2)
    age = rng.integers(18, 86, n)
    region = rng.choice(["North", "South", "East", "West"], n)
    logit = 0.8 * (np.log(income) - 10.5) / 0.6 + 0.02 * (age - 50) + rng.normal(0, 1.5, n)
    return pd.DataFrame(
        {
            "income": income,
            "age": age,
            "region": region,
            "notes": rng.choice(["called back", "documents ok", "asked about terms", ""], n),
            "y": (logit > 0).astype(int),
        }
    )


# -- consistency.target_missing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "status"), [(0, "pass"), (1, "warn"), (50, "warn"), (51, "fail"), (400, "fail")]
)
def test_target_missing_thresholds(missing, status):
    df = features(1000)
    df["y"] = df["y"].astype("float64")
    df.loc[df.index[:missing], "y"] = np.nan
    result = run_check(TargetMissing(), make_dataset(df, target="y"))
    assert result.status == status
    assert result.observed["unlabelled"] == missing
    if missing:
        assert f"{missing:,} row" in result.message and f"({missing / 1000:.1%} of 1,000)" in result.message
        expected_rows = ", ".join(str(i) for i in range(min(missing, 5))) + (", …" if missing > 5 else "")
        assert dict(result.evidence[0].rows)["example rows"] == expected_rows


def test_target_missing_counts_placeholder_labels():
    df = features(200)
    df["y"] = np.where(df["y"] == 1, "approved", "declined").astype(object)
    df.loc[3, "y"] = "?"
    df.loc[7, "y"] = " Unknown "
    df.loc[9, "y"] = None
    result = run_check(TargetMissing(), make_dataset(df, target="y"))
    assert result.status == "warn"
    assert result.observed == {"unlabelled": 3, "share": 0.015, "empty": 1, "placeholder": 2}
    assert "1 empty, 2 placeholder ('?', ' Unknown ')" in result.message


def test_target_missing_late_labels_are_called_out():
    df = features(1000)
    df["ts"] = pd.date_range("2025-01-01", periods=1000, freq="h")
    df["y"] = df["y"].astype("float64")
    df.loc[df.index[-80:], "y"] = np.nan  # the latest outcomes are not known yet
    result = run_check(TargetMissing(), make_dataset(df, target="y", timestamp="ts"))
    assert result.status == "fail"
    assert "bunch up at the end (80% of the latest 10% by time)" in result.message


def test_target_missing_without_target_is_skipped():
    assert run_check(TargetMissing(), make_dataset(features(50))).status == "skipped"


# -- consistency.conflicting_labels ----------------------------------------------------------------------


def with_conflicts(pairs: int, same_label_pairs: int = 0, n: int = 1000) -> pd.DataFrame:
    """``n`` rows with unique features; the first ``pairs`` rows are copied with the label flipped."""
    df = features(n)
    flipped = df.iloc[:pairs].copy()
    flipped["y"] = 1 - flipped["y"]
    agreeing = df.iloc[pairs : pairs + same_label_pairs].copy()
    return pd.concat([df, flipped, agreeing], ignore_index=True)


@pytest.mark.parametrize(
    ("pairs", "status"), [(0, "pass"), (1, "warn"), (5, "warn"), (6, "fail"), (40, "fail")]
)
def test_conflicting_labels_thresholds(pairs, status):
    # share = 2 × pairs / (1000 + pairs) labelled rows; fail above 1%: 10/1005 is 0.995%, 12/1006 is 1.19%
    df = with_conflicts(pairs)
    result = run_check(ConflictingLabels(), make_dataset(df, target="y"))
    assert result.status == status
    assert result.observed["conflicting_groups"] == pairs
    assert result.observed["rows"] == 2 * pairs
    if pairs:
        assert f"{pairs} group" in result.message and f"{2 * pairs} rows" in result.message
        table = result.evidence[0]
        assert table.total_rows == min(pairs, 5)
        first = table.rows[0]
        assert first[1] == 2 and "'0' × 1" in first[3] and "'1' × 1" in first[3]
        rows = {int(r) for r in first[2].split(", ")}
        assert len(rows) == 2 and max(rows) >= 1000  # the original and its flipped copy


def test_conflicting_labels_ignores_duplicates_that_agree():
    result = run_check(ConflictingLabels(), make_dataset(with_conflicts(0, same_label_pairs=30), target="y"))
    assert result.status == "pass"
    assert "30 groups of identical feature rows (60 rows) all agree on 'y'" in result.message


def test_conflicting_labels_compare_every_feature_text_and_missing_alike():
    # text-only features (no numeric column to prune with), missing values equal to each other
    df = pd.DataFrame(
        {
            "code": [f"C{i:04d}" for i in range(300)],
            "city": ["Leeds", None, "York"] * 100,
            "branch": ["B1", "B2", "B3", "B4", "B5"] * 60,
            "y": ["a", "b"] * 150,
        }
    )
    twin = df.iloc[[1, 4]].copy()  # city None and 'Leeds'
    twin["y"] = ["a", "a"]  # row 1 was 'b' → conflict; row 4 was 'a' → agrees
    near = df.iloc[[7]].copy()
    near["city"] = "Hull"  # differs on one feature: not a twin
    near["y"] = "b" if df.loc[7, "y"] == "a" else "a"
    result = run_check(
        ConflictingLabels(), make_dataset(pd.concat([df, twin, near], ignore_index=True), target="y")
    )
    assert result.status == "warn"
    assert result.observed["conflicting_groups"] == 1
    assert result.evidence[0].rows[0][2] == "1, 300"


def test_conflicting_labels_excludes_id_and_timestamp():
    # rows differ only in their id and time: still the same features, so a conflict
    df = with_conflicts(3)
    df["row_id"] = np.arange(len(df))
    df["ts"] = pd.date_range("2025-01-01", periods=len(df), freq="min")
    result = run_check(ConflictingLabels(), make_dataset(df, target="y", id="row_id", timestamp="ts"))
    assert result.observed["conflicting_groups"] == 3


def test_conflicting_labels_chance_coincidences_are_not_contradictions():
    # two features, one of them rounded: equal rows happen by chance, as often as the features predict
    rng = np.random.default_rng(11)
    df = pd.DataFrame(
        {
            "x": rng.normal(size=2000).round(3),
            "colour": rng.choice(["r", "g", "b"], 2000),
            "y": np.arange(2000) % 2,
        }
    )
    result = run_check(ConflictingLabels(), make_dataset(df, target="y"))
    assert result.status == "pass"
    assert result.observed["conflicting_groups"] > 10
    assert result.observed["identical_pairs"] <= 1.5 * result.observed["chance_pairs"]
    assert result.message.startswith("no contradiction: ")
    assert "no more frequent than chance predicts for these features" in result.message
    # the same records copied with flipped labels are far above chance: graded
    copies = df.iloc[:150].assign(y=lambda d: 1 - d["y"])
    copied = run_check(
        ConflictingLabels(), make_dataset(pd.concat([df, copies], ignore_index=True), target="y")
    )
    assert copied.status == "fail"


def test_conflicting_labels_skips_coarse_features_and_continuous_targets():
    rng = np.random.default_rng(3)
    coarse = pd.DataFrame({"g": rng.choice(["a", "b", "c"], 500), "y": rng.integers(0, 2, 500)})
    result = run_check(ConflictingLabels(), make_dataset(coarse, target="y"))
    assert result.status == "skipped"
    assert "take only 3 distinct combinations over 500 labelled rows" in result.message
    continuous = features(300).assign(y=lambda d: d["income"] * 0.1 + d["age"])
    assert run_check(ConflictingLabels(), make_dataset(continuous, target="y")).status == "skipped"


# -- consistency.target_leakage --------------------------------------------------------------------------


def leaky(flip: float, n: int = 4000, seed: int = 1) -> pd.DataFrame:
    """Honest features plus 'letter_sent', equal to the label except in a ``flip`` share of rows."""
    df = features(n, seed)
    rng = np.random.default_rng(seed + 100)
    flipped = rng.random(n) < flip
    df["letter_sent"] = np.where(df["y"].astype(bool) ^ flipped, "yes", "no")
    return df


@pytest.mark.parametrize(("flip", "status"), [(0.0, "fail"), (0.015, "fail"), (0.05, "warn"), (0.15, "pass")])
def test_target_leakage_thresholds(flip, status):
    # the score of a copy of the label with a share ``flip`` flipped is about 1 - flip: 0.985 fails
    # (> 0.98), 0.95 warns (> 0.90: the name letter_sent reads as after the outcome), 0.85 passes
    result = run_check(TargetLeakage(), make_dataset(leaky(flip), target="y"))
    assert result.status == status
    score = dict((r[0], r[1]) for r in result.evidence[0].rows)["letter_sent"]
    assert score == pytest.approx(1 - flip, abs=0.015)
    if status != "pass":
        assert result.columns == ("letter_sent",)
        assert f"'letter_sent' {score:.3f} (AUC" in result.message
        mapping = result.evidence[1]
        assert mapping.columns[:2] == ("letter_sent", "most common y")
        assert {r[0]: r[1] for r in mapping.rows} == {"no": "0", "yes": "1"}
    else:
        assert result.message.startswith("no feature predicts 'y' on its own")


def test_target_leakage_honest_predictors_and_unique_ids_pass():
    df = features(4000)
    df["customer_no"] = np.random.default_rng(5).permutation(
        4000
    )  # unique per row: memorisable, not predictive
    result = run_check(TargetLeakage(), make_dataset(df, target="y"))
    assert result.status == "pass"
    scores = {r[0]: r[1] for r in result.evidence[0].rows}
    assert 0.6 < scores["income"] < 0.9  # honestly predictive
    assert scores["customer_no"] < 0.6
    assert "4,000 rows" in result.message


def test_target_leakage_numeric_and_high_cardinality_category():
    df = features(3000)
    rng = np.random.default_rng(2)
    df["days_to_decision"] = np.where(df["y"] == 1, rng.integers(1, 5, 3000), rng.integers(8, 30, 3000))
    # 40 status codes, each used for one class only: a deterministic mapping through many values
    df["status_code"] = [f"S{c:02d}" for c in (df["y"] * 20 + rng.integers(0, 20, 3000))]
    result = run_check(TargetLeakage(), make_dataset(df, target="y"))
    assert result.status == "fail"
    assert set(result.columns) == {"days_to_decision", "status_code"}
    assert "2 features predict 'y' almost perfectly on their own" in result.message


def test_target_leakage_multiclass_uses_balanced_accuracy():
    df = features(3000)
    rng = np.random.default_rng(4)
    df["y"] = rng.choice(["low", "mid", "high"], 3000, p=[0.6, 0.3, 0.1])
    df["grade"] = df["y"].map({"low": "C", "mid": "B", "high": "A"})
    result = run_check(TargetLeakage(), make_dataset(df, target="y"))
    assert result.status == "fail"
    assert result.observed["metric"] == "balanced accuracy"
    assert result.observed["feature"] == "grade" and result.observed["score"] == pytest.approx(1.0)
    others = {r[0]: r[1] for r in result.evidence[0].rows if r[0] != "grade"}
    assert max(others.values()) < 0.5  # chance is 1/3


def test_target_leakage_regression_spearman():
    df = features(3000)
    rng = np.random.default_rng(6)
    df["y"] = df["income"] * 0.3 + rng.normal(0, 8000, 3000)
    df["repaid_amount"] = df["y"] * 1.02 + rng.normal(0, 50, 3000)  # recorded after the outcome
    result = run_check(TargetLeakage(), make_dataset(df, target="y"))
    assert result.status == "fail"
    assert result.observed["metric"] == "|Spearman|"
    assert result.columns == ("repaid_amount",)
    scores = {r[0]: r[1] for r in result.evidence[0].rows}
    assert 0.3 < scores["income"] < 0.9


def test_target_leakage_samples_large_data_and_says_so():
    result = run_check(TargetLeakage(sample_rows=1000), make_dataset(leaky(0.0, n=3000), target="y"))
    assert result.status == "fail"
    assert "scored on 1,000 rows (a seeded sample of 1,000 of 3,000 labelled rows)" in result.message
    again = run_check(TargetLeakage(sample_rows=1000), make_dataset(leaky(0.0, n=3000), target="y"))
    assert again.evidence[0].rows == result.evidence[0].rows  # seeded: the same sample


def test_target_leakage_odd_data_does_not_crash():
    df = leaky(0.0, n=600)
    df["empty"] = np.nan
    df["mixed"] = [1, "a", 2.5, None] * 150
    df["when"] = pd.date_range("2025-01-01", periods=600, freq="D", tz="Europe/Paris")
    df["flag"] = [True, False] * 300
    result = run_check(TargetLeakage(), make_dataset(df, target="y"))
    assert result.status == "fail" and result.columns == ("letter_sent",)
    one_row = run_check(TargetLeakage(), make_dataset(df.iloc[:1], target="y"))
    assert one_row.status == "skipped"
    single_class = run_check(TargetLeakage(), make_dataset(df.assign(y=1), target="y"))
    assert single_class.status == "skipped"


# -- consistency.id_like_features ------------------------------------------------------------------------


def test_id_like_features_finds_counters_codes_and_sequences():
    n = 500
    rng = np.random.default_rng(7)
    df = features(n)
    df["customer_no"] = rng.permutation(np.arange(100_000, 100_000 + n))  # a dense key, shuffled
    result = run_check(IdLikeFeatures(), make_dataset(df, target="y"))
    assert result.status == "warn"
    assert result.columns == ("customer_no",)
    assert (
        "1 feature column looks like identifiers: 'customer_no': unique integers filling 100%"
        in result.message
    )
    df["ref"] = [f"REF-{i:06d}" for i in rng.permutation(n)]  # unique codes
    df["seq"] = np.sort(rng.integers(0, 400, n))  # monotonic, with repeats
    result = run_check(IdLikeFeatures(), make_dataset(df, target="y"))
    assert result.status == "fail"
    assert set(result.columns) == {"customer_no", "ref", "seq"}
    why = {r[0]: r[1] for r in result.evidence[0].rows}
    assert why["ref"].startswith("unique codes")
    df["contact_email"] = [f"person{i}@example.com" for i in range(n)]  # an identifier, and personal
    rows = {r[0]: r for r in run_check(IdLikeFeatures(), make_dataset(df, target="y")).evidence[0].rows}
    assert rows["contact_email"][1].startswith("unique codes")
    assert "example.com" not in rows["contact_email"][4] and "person" not in rows["contact_email"][4]
    assert why["seq"].startswith("integers monotonic in row order")


def test_id_like_features_leaves_measurements_text_roles_and_timestamps_alone():
    n = 500
    rng = np.random.default_rng(8)
    df = features(n)
    df["amount"] = rng.permutation(np.arange(n)) * 997 + 1000  # unique integers spread thin: an amount
    df["reading"] = rng.normal(size=n)  # unique floats
    df["comment"] = [f"called on day {i} about the loan" for i in range(n)]  # unique free text
    df["row_id"] = np.arange(n)  # the declared id
    df["created_ts"] = np.arange(1_700_000_000, 1_700_000_000 + n)  # epoch seconds, named as time
    df["age_sorted"] = np.sort(df["age"].to_numpy())  # monotonic but few distinct values
    result = run_check(IdLikeFeatures(), make_dataset(df, target="y", id="row_id"))
    assert result.status == "pass", result.message
    assert result.message == "no id-like columns among the 9 features"


@pytest.mark.parametrize(("distinct", "flagged"), [(494, False), (495, True)])
def test_id_like_features_unique_share_threshold(distinct, flagged):
    # 500 rows, unique_share 0.99: 494 distinct (98.8%) is not unique enough, 495 (99%) is
    rng = np.random.default_rng(9)
    values = np.concatenate([np.arange(distinct), np.arange(500 - distinct)])
    df = pd.DataFrame({"key_b": rng.permutation(values) + 5000, "x": rng.normal(size=500)})
    df = df.rename(columns={"key_b": "member"})  # not named like an id: only the value rule applies
    result = run_check(IdLikeFeatures(), make_dataset(df))
    assert (result.status == "warn") is flagged


def test_id_like_features_named_like_id_with_many_values():
    rng = np.random.default_rng(10)
    df = pd.DataFrame({"store_id": rng.integers(0, 700, 1000), "x": rng.normal(size=1000)})
    result = run_check(IdLikeFeatures(), make_dataset(df, id=None))
    assert result.status == "warn"
    assert "named like an identifier" in result.message


# -- public API, CLI and the sample data -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_reports():
    return {
        name: dataaudit.audit(
            SAMPLE / name, as_of=AS_OF, config=SAMPLE / "dataaudit.yaml", select=LABEL_CHECKS
        )
        for name in ("loans.csv", "loans_clean.csv")
    }


def test_sample_data_planted_leak_is_found(sample_reports):
    report = sample_reports["loans.csv"]
    leak = report.result("consistency.target_leakage")
    assert leak.status == "fail"
    assert leak.columns == ("approval_letter_sent",)
    assert "'approval_letter_sent' 0.99" in leak.message
    scores = {r[0]: r[1] for r in leak.evidence[0].rows}
    assert scores["approval_letter_sent"] > 0.99
    assert scores["credit_score"] < 0.85  # honestly predictive, not a leak
    for check in (
        "consistency.target_missing",
        "consistency.conflicting_labels",
        "consistency.id_like_features",
    ):
        assert report.result(check).status == "pass", report.result(check).message


def test_sample_data_clean_stays_quiet(sample_reports):
    report = sample_reports["loans_clean.csv"]
    assert {r.id: str(r.status) for r in report.results} == dict.fromkeys(LABEL_CHECKS, "pass")
    assert report.ready


def test_cli_reports_the_leak(hermetic):
    from click.testing import CliRunner

    from dataaudit.cli import cli

    df = leaky(0.0, n=800)
    df.to_csv("data.csv", index=False)
    args = [
        "run",
        "data.csv",
        "--target",
        "y",
        "--select",
        "consistency.target_leakage",
        "--as-of",
        "2026-06-30",
    ]
    result = CliRunner().invoke(cli, [*args, "--json", "-"])
    assert result.exit_code == 1, result.output
    assert '"consistency.target_leakage"' in result.stdout and "letter_sent" in result.stdout


def odd_frames() -> dict[str, pd.DataFrame]:
    n = 120
    base = pd.DataFrame(
        {
            "empty": [np.nan] * n,
            "mixed": [1, "a", 2.5, None] * (n // 4),
            "tags": [["x"], ["y", "z"], [], ["x"]] * (n // 4),  # unhashable cells
            "when": pd.date_range("2025-01-01", periods=n, freq="h", tz="America/New_York"),
            "flag": [True, False, True] * (n // 3),
            "y": [True, False] * (n // 2),
        }
    )
    return {
        "odd columns": base,
        "one row": base.iloc[:1],
        "all labels missing": base.assign(y=None),
        "only the target": base[["y"]],
    }


@pytest.mark.parametrize("name", list(odd_frames()))
@pytest.mark.parametrize("check", [TargetMissing(), ConflictingLabels(), TargetLeakage(), IdLikeFeatures()])
def test_label_checks_do_not_crash_on_odd_data(name, check):
    result = run_check(check, make_dataset(odd_frames()[name], target="y"))
    assert result.status != "error", result.error
    assert result.message


def test_clean_realistic_table_is_quiet_through_the_public_api():
    """Skewed incomes, dates, free text, categories, an id and an honest label: all four checks pass."""
    n = 3000
    rng = np.random.default_rng(12)
    df = features(n, seed=12)
    df.insert(0, "application_id", [f"APP-{i:07d}" for i in rng.permutation(n)])
    df["applied_at"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(
        np.sort(rng.integers(0, 365 * 86400, n)), "s"
    )
    df["notes"] = [
        f"customer called about {w} on day {d}" for w, d in zip(rng.choice(["rates", "terms"], n), range(n))
    ]
    df["loan_amount"] = (rng.lognormal(9, 0.8, n) // 100 * 100).astype(int)
    report = dataaudit.audit(
        df, target="y", id="application_id", timestamp="applied_at", select=LABEL_CHECKS, as_of=AS_OF
    )
    assert {r.id: str(r.status) for r in report.results} == dict.fromkeys(LABEL_CHECKS, "pass"), [
        r.message for r in report.results
    ]
