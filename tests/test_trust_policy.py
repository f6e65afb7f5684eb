"""Issue 14.10 and 15.10 (and 14.13 for the policy checks): no datasheet is a note, not a warning, unless the
user asks for one or personal data is found; person names are confirmed against a names list, so beers,
breweries, companies and places stay quiet while first + last names in a neutrally named column are found."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dataaudit
from dataaudit.datasheet import policy_notes

AS_OF = "2026-06-30"
ROOT = Path(__file__).resolve().parents[1]
#: ../shared/field from the project's root (or from the folder above it, for a git worktree under wt/)
FIELD = next(
    (p for p in (Path(os.environ.get("DATAAUDIT_FIELD", ROOT / "missing")), ROOT.parent / "shared" / "field",
                 ROOT.parent.parent / "shared" / "field") if p.is_dir()),
    ROOT.parent / "shared" / "field",
)  # fmt: skip

#: real people (US presidents and vice presidents), written by hand rather than drawn from faker's lists
PEOPLE = [
    "George Washington", "John Adams", "Thomas Jefferson", "James Madison", "James Monroe",
    "Andrew Jackson", "Martin Van Buren", "William Harrison", "John Tyler", "James Polk",
    "Zachary Taylor", "Millard Fillmore", "Franklin Pierce", "James Buchanan", "Abraham Lincoln",
    "Andrew Johnson", "Ulysses Grant", "Rutherford Hayes", "James Garfield", "Chester Arthur",
    "Grover Cleveland", "Benjamin Harrison", "William McKinley", "Theodore Roosevelt", "William Taft",
    "Woodrow Wilson", "Warren Harding", "Calvin Coolidge", "Herbert Hoover", "Harry Truman",
    "Dwight Eisenhower", "John Kennedy", "Lyndon Johnson", "Richard Nixon", "Gerald Ford",
    "Jimmy Carter", "Ronald Reagan", "George Bush", "Bill Clinton", "Barack Obama", "Joe Biden",
    "Aaron Burr", "George Clinton", "Elbridge Gerry", "Daniel Tompkins", "John Calhoun",
    "Richard Johnson", "George Dallas", "William King", "John Breckinridge", "Hannibal Hamlin",
    "Schuyler Colfax", "Henry Wilson", "William Wheeler", "Thomas Hendricks", "Levi Morton",
    "Adlai Stevenson", "Garret Hobart", "Charles Fairbanks", "James Sherman", "Thomas Marshall",
    "Charles Dawes", "Charles Curtis", "John Garner", "Henry Wallace", "Alben Barkley", "Hubert Humphrey",
    "Spiro Agnew", "Nelson Rockefeller", "Walter Mondale", "Dan Quayle", "Al Gore", "Dick Cheney",
    "Mike Pence", "Kamala Harris",
]  # fmt: skip
COMPANIES = [
    "Endeavor Air Inc.", "American Airlines Inc.", "Alaska Airlines Inc.", "JetBlue Airways",
    "Delta Air Lines Inc.", "ExpressJet Airlines Inc.", "Frontier Airlines Inc.", "AirTran Airways",
    "Hawaiian Airlines Inc.", "Envoy Air", "SkyWest Airlines Inc.", "United Air Lines Inc.",
    "US Airways Inc.", "Virgin America", "Southwest Airlines Co.", "Mesa Airlines Inc.",
    "Acme Tools Ltd", "Northwind Traders", "Contoso Pharmaceuticals", "Blue Yonder Airlines",
    "Fabrikam Residences", "Tailspin Toys", "Wide World Importers", "Adventure Works Cycles",
]  # fmt: skip
PLACES = [
    "Bend", "Gary", "Portland", "San Diego", "Grand Rapids", "Fort Collins", "Boulder", "Denver",
    "Asheville", "Chicago", "Milwaukee", "Saint Louis", "Kansas City", "Austin", "San Antonio",
    "Little Rock", "Salt Lake City", "Santa Fe", "Long Beach", "New Orleans", "Des Moines", "Boise",
]  # fmt: skip


def accounts(holders: list[str], n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "account_holder": rng.choice(holders, n),
            "balance": rng.gamma(2.0, 800.0, n).round(2),
            "branch_code": rng.choice(["BR01", "BR02", "BR07"], n),
        }
    )


def pii(frame: pd.DataFrame, **kw):
    return dataaudit.audit(frame, as_of=AS_OF, select=["policy"], **kw)


# -- 14.10: no datasheet is a note ---------------------------------------------------------------------------


def test_a_table_without_a_policy_block_gets_no_policy_warning():
    frame = pd.DataFrame({"temp": np.linspace(3.0, 30.0, 200), "wind": np.linspace(0.5, 9.0, 200)})
    report = pii(frame)
    assert [r.id for r in report.results if r.status in ("warn", "fail")] == []
    complete = report.result("policy.datasheet_complete")
    assert complete.status == "skipped" and "policy: {required: true}" in complete.message
    rows = {r["field"]: r for r in policy_notes(report)}
    assert all(rows[f]["declared"] == "not declared" for f in ("source", "owner", "licence"))
    assert rows["owner"]["status"] == ""


def test_policy_required_true_makes_a_missing_datasheet_a_warning():
    frame = pd.DataFrame({"temp": np.linspace(3.0, 30.0, 200)})
    report = pii(frame, config={"policy": {"required": True}})
    complete = report.result("policy.datasheet_complete")
    assert complete.status == "warn"
    assert "policy.required is true" in complete.message and "none of the 6 required" in complete.message
    rows = {r["field"]: r for r in policy_notes(report)}
    assert rows["owner"]["found"] == "required but not declared" and rows["owner"]["status"] == "warn"


def test_a_partial_datasheet_still_lists_its_missing_fields():
    report = pii(pd.DataFrame({"x": range(50)}), config={"policy": {"owner": "Data team"}})
    r = report.result("policy.datasheet_complete")
    assert r.status == "warn" and "5 required datasheet fields not declared" in r.message


def test_without_a_datasheet_personal_data_found_still_warns():
    report = pii(accounts(PEOPLE))
    assert report.result("policy.datasheet_complete").status == "skipped"
    found = report.result("policy.pii_detected")
    assert found.status == "warn" and "contains_personal_data is not declared" in found.message


def test_nothing_to_scan_is_a_skip_not_a_pass():
    frame = pd.DataFrame({"x": np.arange(100), "y": np.linspace(0, 1, 100)})
    r = pii(frame).result("policy.pii_detected")
    assert r.status == "skipped" and "nothing to scan for personal data" in r.message


# -- 15.10: person names from a names list -------------------------------------------------------------------


def test_first_and_last_names_in_a_neutrally_named_column_are_found():
    r = pii(accounts(PEOPLE)).result("policy.pii_detected")
    assert r.status == "warn"
    assert r.columns == ("account_holder",) or list(r.columns) == ["account_holder"]
    finding = r.observed["findings"][0]
    assert (finding["column"], finding["kind"]) == ("account_holder", "name")
    table = r.evidence[0]
    basis = table.rows[0][2]
    assert "known first + last names" in basis
    assert "George Washington" not in str(table.rows)  # examples are masked


@pytest.mark.parametrize("values", [COMPANIES, PLACES], ids=["companies", "places"])
def test_companies_and_places_in_a_neutrally_named_column_stay_quiet(values):
    r = pii(accounts(values)).result("policy.pii_detected")
    assert r.status == "pass", r.message


def test_the_beers_pair_has_no_person_names():
    if not FIELD.is_dir():
        pytest.skip(f"field data not found at {FIELD} (see ../shared/field/README.md)")
    for version in ("dirty", "clean"):
        report = dataaudit.audit(FIELD / "beers" / f"{version}.csv", as_of=AS_OF, select=["policy"])
        r = report.result("policy.pii_detected")
        assert r.status == "pass", (version, r.message)
        assert report.result("policy.datasheet_complete").status == "skipped"


def test_brewery_names_stay_quiet_by_the_names_list_alone():
    # neutral column name: the names list, not the column name, keeps these quiet
    if not FIELD.is_dir():
        pytest.skip(f"field data not found at {FIELD} (see ../shared/field/README.md)")
    beers = pd.read_csv(FIELD / "beers" / "clean.csv")
    frame = pd.DataFrame({"maker": beers["brewery-name"], "label": beers["beer-name"]})
    assert pii(frame).result("policy.pii_detected").status == "pass"


def test_a_name_column_of_product_names_stays_quiet():
    frame = pd.DataFrame({"name": np.random.default_rng(2).choice(COMPANIES, 200)})
    assert pii(frame).result("policy.pii_detected").status == "pass"


def test_the_names_list_is_loaded_only_when_a_column_looks_like_names():
    code = (
        "import sys, pandas as pd, numpy as np, dataaudit\n"
        "dataaudit.audit(pd.DataFrame({'x': np.arange(300), 'c': ['a1', 'b2', 'c3'] * 100}),"
        " as_of='2026-06-30', select=['policy'])\n"
        "assert 'faker' not in sys.modules, 'faker imported without a name-shaped column'\n"
        "dataaudit.audit(pd.DataFrame({'holder': ['Jane Smith', 'John Brown', 'Mary Jones'] * 100}),"
        " as_of='2026-06-30', select=['policy'])\n"
        "assert 'faker' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
