"""Issue 14, items 4–6: "do I have enough?" answered by the learning curve where it runs; one leak rule
shared by target_leakage and the learning curve; honest strong predictors are not leaks.

Real tables are scikit-learn's bundled ones (offline, part of the install): breast_cancer (569 rows, 30
tumour measurements, single-feature AUC up to 0.965), iris, wine, diabetes (a continuous target).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dataaudit
from dataaudit.checks.consistency.leakage import TargetLeakage
from dataaudit.checks.learning_curve import PLATEAU
from tests.helpers import AS_OF, SAMPLE

SIZE = ("size.min_rows", "size.rows_per_feature", "size.class_counts", "size.learning_curve")
LEAK = "consistency.target_leakage"


def sk(name: str) -> pd.DataFrame:
    from sklearn import datasets

    return getattr(datasets, f"load_{name}")(as_frame=True).frame


def audit(frame, **kw):
    kw.setdefault("select", [*SIZE, LEAK])
    return dataaudit.audit(frame, as_of=AS_OF, **kw)


@pytest.fixture(scope="module")
def cancer():
    return sk("breast_cancer")


@pytest.fixture(scope="module")
def cancer_report(cancer):
    return audit(cancer, target="target")


# -- 14.4: enough rows, by evidence ----------------------------------------------------------------------


def test_a_flattened_curve_answers_enough_rows_for_the_rules_of_thumb(cancer_report):
    curve = cancer_report.result("size.learning_curve")
    assert curve.status == "pass" and curve.observed["verdict"] == PLATEAU
    assert curve.observed["score"] > 0.98
    rows = cancer_report.result("size.min_rows")
    per_feature = cancer_report.result("size.rows_per_feature")
    # 569 rows < 1,000 and 19.0 rows per feature < 20: both rules of thumb are short, the curve says enough
    assert rows.status == "pass" and per_feature.status == "pass"
    assert rows.message.startswith("only 569 rows; at least 1,000 needed by the rule of thumb; but the")
    assert "19.0 rows per feature" in per_feature.message and "rule of thumb" in per_feature.message
    assert f"ROC AUC {curve.observed['score']:.3f}" in rows.message
    assert cancer_report.result("size.class_counts").status == "pass"  # 212 rows in the smaller class


def test_the_rules_of_thumb_remain_where_no_curve_runs(cancer):
    no_target = audit(cancer, select=["size.min_rows", "size.rows_per_feature"])
    rows = no_target.result("size.min_rows")
    assert rows.status == "warn"
    assert rows.message == "only 569 rows; at least 1,000 needed by the rule of thumb"
    off = audit(cancer, target="target", config={"checks": {"size.learning_curve": {"enabled": False}}})
    assert off.result("size.min_rows").status == "warn"
    assert "size.learning_curve does not run in this audit" in off.result("size.min_rows").message
    not_selected = audit(cancer, target="target", select=["size.min_rows"])
    assert not_selected.result("size.min_rows").status == "warn"


def test_a_curve_with_no_clear_gain_is_the_evidence_not_the_rule_of_thumb():
    wine = audit(sk("wine"), target="target")  # 178 rows: the curve shows no clear gain either way
    curve = wine.result("size.learning_curve")
    assert curve.observed["verdict"] != PLATEAU and curve.status == "pass"
    for cid in ("size.min_rows", "size.class_counts"):
        r = wine.result(cid)
        assert r.status == "pass", cid  # a generic count is no evidence against this data's own curve
        assert "needed by the rule of thumb" in r.message
        assert "shows no clear gain from more rows" in r.message and "size.learning_curve" in r.message


def test_a_minority_class_keeps_its_warning_when_the_curve_cannot_speak_for_it():
    wine = sk("wine")
    few = pd.concat([wine[wine.target != 2], wine[wine.target == 2].head(22)])  # class 2: 22 of 152 rows
    report = audit(few, target="target")
    assert report.result("size.learning_curve").observed["verdict"] != PLATEAU
    assert report.result("size.min_rows").status == "pass"  # the whole table: the curve is the evidence
    r = report.result("size.class_counts")
    assert r.status == "warn"
    assert "cannot speak for a class this small (14.5% of rows" in r.message


def test_a_curve_still_improving_is_one_finding_and_a_fail_of_the_rule_stays_a_warning():
    from sklearn.datasets import make_classification

    x, y = make_classification(n_samples=400, n_features=90, n_informative=20, random_state=3)
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(90)]).assign(target=y)
    report = audit(frame, target="target")
    curve = report.result("size.learning_curve")
    assert curve.observed["verdict"].startswith("still improving") and curve.status == "warn"
    rows = report.result("size.min_rows")  # 400 rows: the curve reports the shortfall, one finding
    assert (
        rows.status == "pass" and "still improving" in rows.message and "size.learning_curve" in rows.message
    )
    per_feature = report.result("size.rows_per_feature")  # 4.4 rows per feature: below the fail line of 5
    assert per_feature.status == "warn" and "still improving" in per_feature.message
    # the same data without a target: no curve, so the rules of thumb are the answer
    alone = audit(frame, select=["size.min_rows", "size.rows_per_feature"])
    assert (alone.result("size.min_rows").status, alone.result("size.rows_per_feature").status) == (
        "warn",
        "fail",
    )


def test_the_curve_runs_once_per_audit_whichever_check_asks_first(cancer, monkeypatch):
    import dataaudit.checks.consistency.leakage as leakage
    import dataaudit.checks.learning_curve as lc

    calls = {"curve": 0, "scan": 0}
    curve, scan = lc._curve, leakage.TargetLeakage._scan

    def counted_curve(*a, **k):
        calls["curve"] += 1
        return curve(*a, **k)

    def counted_scan(self, data):
        calls["scan"] += 1
        return scan(self, data)

    monkeypatch.setattr(lc, "_curve", counted_curve)
    monkeypatch.setattr(leakage.TargetLeakage, "_scan", counted_scan)
    # configured parameters: the size checks ask for the same curve the learning curve check runs
    config = {"checks": {"size.learning_curve": {"max_rows": 5_000, "folds": 4}, LEAK: {"warn_above": 0.92}}}
    report = audit(cancer, target="target", config=config)
    assert calls == {"curve": 1, "scan": 1}
    assert "4-fold CV" in report.result("size.learning_curve").message
    assert report.result("size.min_rows").status == "pass"


# -- 14.5: the curve never trains on a leak ----------------------------------------------------------------


def test_the_curve_leaves_out_exactly_what_target_leakage_flags(cancer):
    # a small table (the curve's old scorer skipped numeric leaks under 200 rows) with a copy of the label
    small = cancer.sample(180, random_state=0).reset_index(drop=True)
    rng = np.random.default_rng(0)
    small["diagnosis_code"] = small["target"] * 10 + rng.normal(0, 1, len(small))
    report = audit(small, target="target")
    leak = report.result(LEAK)
    assert leak.status == "fail" and leak.columns == ("diagnosis_code",)
    left_out = dict(report.result("size.learning_curve").evidence[-1].rows)
    assert left_out["diagnosis_code"].startswith("leaks the target: it alone scores 0.99")
    flagged = {c for c, why in left_out.items() if "leak" in why}
    assert flagged == set(leak.columns)
    assert report.result("size.learning_curve").observed["score"] < 0.999  # the real signal, not the leak


def test_a_log_of_a_continuous_target_is_left_out_of_the_curve():
    # the old curve scored leaks by R² of 20 bin means, which a log of a skewed target escapes (ISLR Wage's
    # logwage: the curve reported a plateau at R² 0.998)
    rng = np.random.default_rng(1)
    n = 1_500
    x = rng.normal(size=(n, 3))
    wage = np.exp(4 + 0.3 * x[:, 0] + 0.2 * x[:, 1] + rng.normal(0, 0.5, n))
    df = pd.DataFrame({"age": x[:, 0], "education": x[:, 1], "noise": x[:, 2], "wage": wage})
    df["log_wage"] = np.log(df["wage"])
    report = audit(df, target="wage", select=[LEAK, "size.learning_curve"])
    assert report.result(LEAK).status == "fail" and report.result(LEAK).columns == ("log_wage",)
    curve = report.result("size.learning_curve")
    assert dict(curve.evidence[-1].rows)["log_wage"].startswith("leaks the target")
    assert curve.observed["score"] < 0.5


def test_small_classification_fits_can_split_so_iris_does_not_improve_by_the_models_defaults():
    curve = audit(sk("iris"), target="target", select=["size.learning_curve"]).result("size.learning_curve")
    assert curve.status == "pass"
    assert curve.observed["score"] > 0.9
    assert curve.evidence[0].rows[0][1] > 0.9  # already at 50 training rows (was 0.81 with 20-row leaves)


def test_loans_planted_leak_is_left_out_of_the_curve_even_without_target_leakage_selected():
    report = dataaudit.audit(
        SAMPLE / "loans.csv", target="approved", as_of=AS_OF, select=["size.learning_curve"]
    )
    assert [r.id for r in report.results] == ["size.learning_curve"]
    left_out = dict(report.result("size.learning_curve").evidence[-1].rows)
    assert left_out["approval_letter_sent"].startswith("leaks the target: it alone scores 0.99")


# -- 14.6: an honest strong feature is not a leak ----------------------------------------------------------


def test_real_tumour_measurements_are_strong_predictors_not_leaks(cancer_report):
    leak = cancer_report.result(LEAK)
    assert leak.status == "pass"
    scores = {r[0]: r[1] for r in leak.evidence[0].rows}
    assert 0.95 < scores["worst perimeter"] < 0.98  # strong, honest
    assert "11 strong predictors above 0.9, none near-perfect (> 0.98)" in leak.message
    verdicts = {r[0]: r[-1] for r in leak.evidence[0].rows}
    assert verdicts["worst perimeter"] == "strong"


@pytest.mark.parametrize(("name", "target"), [("iris", "target"), ("wine", "target"), ("diabetes", "target")])
def test_real_tables_have_no_leakage_finding(name, target):
    assert audit(sk(name), target=target, select=[LEAK]).result(LEAK).status == "pass"


def test_penguins_species_has_no_leakage_finding():
    palmerpenguins = pytest.importorskip("palmerpenguins")
    report = audit(palmerpenguins.load_penguins(), target="species", select=[LEAK])
    assert report.result(LEAK).status == "pass"


def test_a_strong_feature_named_as_recorded_after_the_outcome_warns(cancer):
    # the same measurement, honest under its own name, is suspect when its name says it came after the outcome
    df = cancer[["worst perimeter", "mean texture", "target"]].copy()
    df["final_review_perimeter"] = df["worst perimeter"]
    report = audit(df, target="target", select=[LEAK, "size.learning_curve"])
    leak = report.result(LEAK)
    assert leak.status == "warn" and leak.columns == ("final_review_perimeter",)
    assert "named like a value recorded after the outcome" in leak.message
    left_out = dict(report.result("size.learning_curve").evidence[-1].rows)
    assert left_out["final_review_perimeter"].startswith("suspected leak: it alone scores 0.96")
    assert "worst perimeter" not in left_out


def test_the_rule_is_configurable_in_one_place_and_the_curve_follows_it(cancer):
    df = cancer[["worst perimeter", "mean texture", "target"]]
    config = {"checks": {LEAK: {"fail_above": 0.95}}}
    report = audit(df, target="target", select=[LEAK, "size.learning_curve"], config=config)
    assert report.result(LEAK).status == "fail" and "worst perimeter" in report.result(LEAK).columns
    left_out = dict(report.result("size.learning_curve").evidence[-1].rows)
    assert left_out["worst perimeter"].startswith("leaks the target")


def test_a_recoding_of_the_label_through_hundreds_of_codes_is_a_leak_a_many_valued_category_is_not():
    rng = np.random.default_rng(0)
    n = 3_000
    y = rng.integers(0, 2, n)
    df = pd.DataFrame({"income": rng.normal(50, 10, n) + 5 * y, "y": y})
    df["ref_code"] = [f"R{c:03d}" for c in y * 300 + rng.integers(0, 300, n)]  # 600 codes, one label each
    df["zip"] = [f"Z{c:03d}" for c in rng.integers(0, 400, n)]  # 400 values, labels mixed
    df["customer"] = [f"C{i:05d}" for i in rng.permutation(n)]  # unique: never seen twice
    r = audit(df, target="y", select=[LEAK]).result(LEAK)
    assert r.status == "fail" and r.columns == ("ref_code",)
    assert "value → label lookup 1.000" in r.message
    rows = {row[0]: row for row in r.evidence[0].rows}
    assert rows["zip"][1] < 0.6
    assert rows["customer"][3] is None  # no value repeats: no lookup to judge
    assert rows["customer"][1] < 0.6


# -- 14.13: a pass has checked something -------------------------------------------------------------------


def test_nothing_to_score_is_a_skip_with_the_reason():
    df = pd.DataFrame({"a": [1] * 200, "b": ["x"] * 200, "y": [0, 1] * 100})
    r = audit(df, target="y", select=[LEAK]).result(LEAK)
    assert r.status == "skipped" and r.message == "no feature with at least 2 distinct values to score"


def test_target_leakage_rule_defaults():
    check = TargetLeakage()
    assert (check.warn_above, check.fail_above) == (0.90, 0.98)
