"""consistency.category_variants: ordinal codes (I/II/III, A/AA/AAA) are levels, not abbreviations of one
another, and columns of one-off person names are not categories; real spelling variants are still found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dataaudit
from tests.helpers import AS_OF, SAMPLE

CHECK = "consistency.category_variants"


def _variants(frame: pd.DataFrame):
    return dataaudit.audit(frame, as_of=AS_OF, select=[CHECK], config={}).result(CHECK)


def _grades(n: int = 686, seed: int = 14) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.choice(["I", "II", "III"], n, p=[0.12, 0.65, 0.23]).astype(object)


def test_roman_numeral_grades_are_levels_not_abbreviations():
    result = _variants(pd.DataFrame({"tgrade": _grades()}))
    assert result.status == "pass", result.message
    # 'I' and 'III' only ('II' absent): still two grades, not 'I' short for 'III'
    grades = _grades()
    grades[grades == "II"] = "III"
    assert _variants(pd.DataFrame({"tgrade": grades})).status == "pass"
    four = np.random.default_rng(3).choice(["I", "II", "III", "IV"], 800).astype(object)
    assert _variants(pd.DataFrame({"stage": four})).status == "pass"


def test_roman_numeral_grades_written_two_ways_are_still_variants():
    grades = _grades()
    grades[np.flatnonzero(grades == "III")[:12]] = "iii"
    result = _variants(pd.DataFrame({"tgrade": grades}))
    assert result.status == "fail", result.message  # 12 of 686 rows = 1.7%
    assert "tgrade: 2 spellings of 'III'" in result.message and "'iii' 12" in result.message
    assert {row[2] for row in result.evidence[0].rows} == {"'III'", "'iii'"}


def test_credit_ratings_are_levels_not_abbreviations():
    rng = np.random.default_rng(7)
    ratings = rng.choice(["AAA", "AA", "A", "BBB", "BB", "B"], 1500, p=[0.1, 0.2, 0.3, 0.25, 0.1, 0.05])
    assert _variants(pd.DataFrame({"rating": ratings})).status == "pass"
    # only 'A' and 'AAA' (and 'B', 'BBB'): ratings still, 'A' is no abbreviation of 'AAA'
    sparse = rng.choice(["AAA", "A", "BBB", "B"], 1500, p=[0.5, 0.2, 0.2, 0.1])
    assert _variants(pd.DataFrame({"rating": sparse})).status == "pass"


def test_gbsg2_tumour_grade_is_quiet():
    datasets = pytest.importorskip("lifelines.datasets")
    frame = datasets.load_gbsg2()
    result = _variants(frame)
    assert result.status == "pass", result.message


def _names() -> list[str]:
    first = ["Cesar", "George", "Wilson", "Brian", "Vivian", "Franklin", "Carol", "Patrick", "Hector"]
    initials = ["", " A.", " E.", " L.", " M."]
    names = [f"{f}{i}" for f in first + ["Jerel"] for i in initials]  # 50 people, each seen once
    return names + ["Juana", "Juan A."]  # two people; 'juana' is both once case and punctuation go


def test_one_off_names_with_and_without_a_middle_initial_are_quiet():
    names = _names()
    assert len(set(names)) == len(names)
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"first_name": names, "gender": rng.choice(["Male", "Female"], len(names))})
    result = _variants(frame)
    assert result.status == "pass", result.message
    assert "left out 1 column of mostly one-off values (names, free text): first_name" in result.message


def test_a_category_beside_a_name_column_is_still_checked():
    names = _names()
    gender = np.random.default_rng(1).choice(["Male", "Female"], len(names)).astype(object)
    gender[:3] = "MALE"
    result = _variants(pd.DataFrame({"first_name": names, "gender": gender}))
    assert result.status == "fail", result.message
    assert result.columns == ("gender",)
    assert "first_name" not in result.message.split("; left out")[0]


def test_la_riots_first_names_are_quiet():
    local_data = pytest.importorskip("vega_datasets").local_data
    frame = local_data.la_riots()
    result = _variants(frame)
    assert result.status == "pass", result.message
    assert "first_name" in result.message


def test_planted_spellings_in_the_sample_are_still_found():
    result = dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF, select=[CHECK], config={}).result(CHECK)
    assert result.status == "fail"
    assert result.columns == ("employment_type",)
    groups = {(row[1], row[2]) for row in result.evidence[0].rows}
    assert {("'Self-employed'", "'SELF-EMPLOYED'"), ("'Self-employed'", "'self employed'")} <= groups
    assert ("'Employed'", "'EMPLOYED'") in groups
