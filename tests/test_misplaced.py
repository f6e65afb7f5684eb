"""consistency.misplaced_values: a value of one column written into another (the state appended to the city,
the state left empty), found on a scraped table and quiet on its corrected version and on clean tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dataaudit
from tests.helpers import AS_OF

CHECK = "consistency.misplaced_values"
FIELD = Path(__file__).resolve().parents[2] / "shared" / "field" / "beers"


def breweries(n: int = 1200, shifted: int = 0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    places = [("Portland", "OR"), ("Denver", "CO"), ("Austin", "TX"), ("San Diego", "CA"), ("Boston", "MA")]
    pick = rng.integers(0, len(places), n)
    df = pd.DataFrame(
        {
            "brewery": [f"Brewery {i % 300}" for i in range(n)],
            "city": [places[i][0] for i in pick],
            "state": [places[i][1] for i in pick],
            "abv": rng.normal(0.06, 0.01, n).round(3),
        }
    )
    rows = rng.choice(n, shifted, replace=False)
    df.loc[rows, "city"] = df.loc[rows, "city"] + " " + df.loc[rows, "state"]
    df.loc[rows, "state"] = None
    return df


def run(df: pd.DataFrame):
    return dataaudit.audit(df, config={}, as_of=AS_OF, select=[CHECK]).result(CHECK)


def test_state_written_into_the_city_is_found_with_counts_and_the_split():
    r = run(breweries(shifted=60))
    assert r.status == "fail"  # 5% of rows > 2%
    assert r.message.startswith("city: 60 rows (5.0%) end with a value of 'state' while 'state' is empty")
    assert set(r.columns) == {"city", "state"}
    assert r.observed["rows"] == 60
    few = run(breweries(shifted=5))
    assert few.status == "warn"


def test_clean_twin_and_tables_without_a_short_column_stay_quiet():
    assert run(breweries()).status == "pass"
    assert run(pd.DataFrame({"x": range(50), "y": [0, 1] * 25})).status == "skipped"


def test_a_city_that_really_ends_in_a_state_like_word_is_not_flagged_when_the_state_is_there():
    df = breweries()
    df.loc[:9, "city"] = "Kansas City MO"  # a real name ending like a state code, state column filled in
    df.loc[:9, "state"] = "MO"
    df.loc[10:19, "city"] = "Kansas City"
    assert run(df).status == "pass"


@pytest.mark.skipif(not FIELD.is_dir(), reason="../shared/field/beers (the Raha/Baran pair) is not present")
def test_real_scraped_beers_table_and_its_corrected_version():
    dirty = dataaudit.audit(FIELD / "dirty.csv", config={}, as_of=AS_OF, select=[CHECK]).result(CHECK)
    clean = dataaudit.audit(FIELD / "clean.csv", config={}, as_of=AS_OF, select=[CHECK]).result(CHECK)
    assert dirty.status == "fail" and "city" in dirty.columns and dirty.observed["rows"] >= 100
    assert clean.status == "pass"
