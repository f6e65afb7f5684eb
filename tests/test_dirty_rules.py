"""Issue 15, items 6, 7 and 9: placeholder dates, several date/time layouts in one column, and rules between
columns (zip → city, code → description) broken by a few rows. Each on a realistic dirty table and its clean
twin, and the rules on the real hospital pair of ../shared/field (skipped when that folder is absent)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import dataaudit
from dataaudit.checks.consistency.dependencies import DependencyViolations, Rule
from tests.helpers import AS_OF, ROOT

# ../shared/field from the project's root; from a worktree (wt/NAME) it is one level further up
FIELD = next(
    (p for p in (ROOT.parent / "shared" / "field", ROOT.parent.parent / "shared" / "field") if p.is_dir()),
    ROOT.parent / "shared" / "field",
)
HOSPITAL = FIELD / "hospital"


def audit(frame: pd.DataFrame, check: str, **kw):
    return dataaudit.audit(frame, as_of=AS_OF, select=[check], **kw).result(check)


# -- item 6: placeholder dates -------------------------------------------------------------------------------


def contracts(n: int = 3000, seed: int = 1, sentinels: bool = True) -> pd.DataFrame:
    """Contracts with a start date and an end date; open-ended ones carry 9999-12-31, unknown starts
    1900-01-01 and a few 0001-01-01 (as a database export writes them)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(30, 900, n), unit="D")
    frame = pd.DataFrame(
        {
            "contract_id": np.arange(n),
            "start_date": start.strftime("%Y-%m-%d").to_numpy(dtype=object),
            "end_date": end.strftime("%Y-%m-%d").to_numpy(dtype=object),
            "monthly_fee": rng.gamma(3, 20, n).round(2),
        }
    )
    if sentinels:
        frame.loc[:119, "end_date"] = "9999-12-31"
        frame.loc[200:239, "start_date"] = "1900-01-01"
        frame.loc[300:304, "end_date"] = "0001-01-01"
    return frame


def test_placeholder_dates_in_text_are_found_with_counts():
    r = audit(contracts(), "consistency.sentinel_dates")
    assert r.status == "warn"
    assert "end_date: 125 placeholder dates (4.2%): 9999-12-31 ×120, 0001-01-01 ×5" in r.message
    assert (
        "start_date: 40 placeholder dates (1.3%): 1900-01-01 ×40; the other dates run 2019-01-01" in r.message
    )
    assert r.observed == {"end_date": {"9999-12-31": 120, "0001-01-01": 5}, "start_date": {"1900-01-01": 40}}


def test_placeholder_dates_clean_twin_is_quiet():
    r = audit(contracts(sentinels=False), "consistency.sentinel_dates")
    assert r.status == "pass"
    assert r.message == "no placeholder dates in 2 date columns"


def test_placeholder_dates_in_typed_columns_and_other_layouts(tmp_path):
    frame = contracts()
    # Parquet: real date types; the far-future date is outside pandas' nanosecond range, so it is read as
    # datetime64[ms] and must still be recognised
    typed = frame.copy()
    for c in ("start_date", "end_date"):
        typed[c] = pd.Series([dt.date.fromisoformat(v) for v in frame[c]], dtype="object")
    path = tmp_path / "contracts.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(typed, preserve_index=False), path)
    r = dataaudit.audit(path, as_of=AS_OF, select=["consistency.sentinel_dates"]).result(
        "consistency.sentinel_dates"
    )
    assert r.observed == {"end_date": {"9999-12-31": 120, "0001-01-01": 5}, "start_date": {"1900-01-01": 40}}
    # US and day-first layouts with a midnight time
    us = frame.copy()
    us["end_date"] = pd.to_datetime(frame["end_date"], errors="coerce", format="%Y-%m-%d").dt.strftime(
        "%m/%d/%Y 00:00"
    )
    us.loc[:119, "end_date"] = "12/31/9999 00:00"
    us.loc[300:304, "end_date"] = "01/01/0001"
    eu = frame.copy()
    eu["start_date"] = pd.to_datetime(frame["start_date"], errors="coerce", format="%Y-%m-%d").dt.strftime(
        "%d.%m.%Y"
    )
    r_us, r_eu = audit(us, "consistency.sentinel_dates"), audit(eu, "consistency.sentinel_dates")
    assert r_us.observed["end_date"] == {"9999-12-31": 120, "0001-01-01": 5}
    assert r_eu.observed["start_date"] == {"1900-01-01": 40}


def test_a_plausible_date_is_a_placeholder_only_when_repeated_and_apart():
    rng = np.random.default_rng(3)
    # model years: January 1st of 1970..1982, 1970 included, is a real year, not the Unix epoch
    years = pd.to_datetime(rng.integers(1970, 1983, 400).astype(str), format="%Y")
    assert audit(pd.DataFrame({"model_year": years}), "consistency.sentinel_dates").status == "pass"
    # births 1930..2005 with 1900-01-01 for unknown ones: twice is not enough (min_repeats 3), 30 times is
    born = pd.Timestamp("1930-01-01") + pd.to_timedelta(rng.integers(0, 27_000, 2000), unit="D")
    births = pd.Series(born.strftime("%Y-%m-%d"), dtype=object)
    births[:2] = "1900-01-01"
    assert audit(pd.DataFrame({"birth_date": births}), "consistency.sentinel_dates").status == "pass"
    births[:30] = "1900-01-01"
    r = audit(pd.DataFrame({"birth_date": births}), "consistency.sentinel_dates")
    assert r.status == "warn" and r.observed == {"birth_date": {"1900-01-01": 30}}


def test_placeholder_dates_fail_above_five_percent():
    frame = contracts()
    frame.loc[:199, "end_date"] = "9999-12-31"
    r = audit(frame, "consistency.sentinel_dates")
    assert r.status == "fail"
    assert r.message.startswith("end_date: 205 placeholder dates (6.8%)")


# -- item 7: several layouts in one date or time column ------------------------------------------------------


def departures(n: int = 2000, seed: int = 0, dirty: bool = True) -> pd.DataFrame:
    """Scheduled departures scraped from several sites: most as '12/02/2011 6:55 a.m.', some sites give the
    time alone, one writes '12:00noon', one appends '(Estimated)'."""
    rng = np.random.default_rng(seed)
    minutes = rng.integers(5 * 60, 23 * 60, n)
    hours, mins = np.divmod(minutes, 60)
    clock = (
        pd.Series((hours % 12).astype(str)).replace("0", "12")
        + ":"
        + pd.Series(mins).astype(str).str.zfill(2)
    )
    time = clock + np.where(hours < 12, " a.m.", " p.m.")
    day = pd.Series(
        (pd.Timestamp("2011-12-01") + pd.to_timedelta(rng.integers(0, 28, n), unit="D")).strftime("%m/%d/%Y")
    )
    sched = (day + " " + time).to_numpy(dtype=object)
    if dirty:
        sched[:120] = time[:120]
        sched[120:125] = "12:00noon"
        sched[125:160] = (time[125:160] + " (Estimated)").to_numpy()
    return pd.DataFrame(
        {"sched_dep_time": sched, "flight": rng.integers(1, 500, n), "gate": rng.integers(1, 40, n)}
    )


def test_several_time_layouts_are_reported_with_shares_and_examples():
    r = audit(departures(), "consistency.unparseable_dates")
    assert r.status == "fail"  # 8% of the values are off the main layout
    assert r.message.startswith("sched_dep_time: 2 layouts: ")
    assert ", a time alone (" in r.message and ") ×160" in r.message  # 120 plain, 35 estimated, 5 noon
    assert "3 time-of-day layouts: " in r.message
    assert "a.m. (Estimated) ×35" in r.message or "p.m. (Estimated) ×35" in r.message
    assert "12:00noon ×5" in r.message
    assert r.message.endswith("; 160 values (8.0%) off the main one")
    layouts = {row[1]: row[2] for row in r.evidence[0].rows}
    assert layouts == {
        "n/n/y": 1840,
        "(time only)": 160,
        "time n:n a.a.": 1960,
        "time n:n a.a. (a)": 35,
        "time n:na": 5,
    }


def test_one_time_layout_is_quiet():
    r = audit(departures(dirty=False), "consistency.unparseable_dates")
    assert r.status == "pass"
    assert r.message == "1 text date column parse in one layout"


def test_a_column_of_times_alone_in_one_layout_is_quiet_and_mixed_is_not():
    rng = np.random.default_rng(5)
    clock = (
        pd.Series(rng.integers(0, 24, 1000)).astype(str).str.zfill(2)
        + ":"
        + pd.Series(rng.integers(0, 60, 1000)).astype(str).str.zfill(2)
    )
    assert audit(pd.DataFrame({"opens": clock}), "consistency.unparseable_dates").status == "pass"
    mixed = clock.copy()
    mixed[:40] = "9:30 p.m."
    r = audit(pd.DataFrame({"opens": mixed}), "consistency.unparseable_dates")
    assert r.status == "warn"
    assert "2 time-of-day layouts: " in r.message and "9:30 p.m. ×40" in r.message


def opened(mix: int, n: int = 2000) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    values = pd.Series(day.strftime("%d/%m/%Y"), dtype=object)
    values[:mix] = day[:mix].strftime("%m/%d/%Y")
    return pd.DataFrame({"opened": values, "amount": rng.gamma(2, 50, n).round(2)})


def test_day_first_mixed_with_month_first_is_reported():
    r = audit(opened(300), "consistency.unparseable_dates")
    assert r.status == "fail"
    assert r.message.startswith("opened: day-first and month-first mixed: 1,0")
    assert "have it second (e.g. " in r.message and "more cannot be told apart" in r.message
    # the month-first side is the smaller one: its values with a day > 12 are the ones counted as mixed
    month_first = r.message.split(" have it second")[0].rsplit(", ", 1)[1]
    assert r.message.endswith(f"; {month_first} values ({int(month_first) / 2000:.1%}) off the main one")


def test_day_first_alone_is_quiet():
    r = audit(opened(0), "consistency.unparseable_dates")
    assert r.status == "pass"


# -- item 9: rules between columns ---------------------------------------------------------------------------

CITIES = [  # zip, city, state
    ("35233", "birmingham", "al"),
    ("36608", "mobile", "al"),
    ("35801", "huntsville", "al"),
    ("36104", "montgomery", "al"),
    ("99501", "anchorage", "ak"),
    ("99701", "fairbanks", "ak"),
    ("85004", "phoenix", "az"),
    ("85701", "tucson", "az"),
    ("72201", "little rock", "ar"),
    ("90012", "los angeles", "ca"),
    ("94103", "san francisco", "ca"),
    ("92101", "san diego", "ca"),
    ("80202", "denver", "co"),
    ("06103", "hartford", "ct"),
    ("19801", "wilmington", "de"),
    ("33130", "miami", "fl"),
]
MEASURES = [
    ("ami-1", "aspirin at arrival"),
    ("ami-2", "aspirin prescribed at discharge"),
    ("hf-1", "discharge instructions"),
    ("hf-2", "evaluation of lvs function"),
    ("pn-2", "pneumococcal vaccination"),
    ("pn-3b", "blood cultures performed in the emergency department"),
    ("scip-inf-1", "antibiotic given within one hour before surgery"),
    ("scip-inf-2", "right kind of antibiotic"),
]


def visits(n: int = 3000, seed: int = 4, errors: bool = True) -> tuple[pd.DataFrame, set[tuple[int, str]]]:
    """Hospital measure rows: a site's zip, city and state repeat on each of its rows, a measure code its
    description. The dirty version has typos in a few copies; returns (frame, {(row, column)} of errors)."""
    rng = np.random.default_rng(seed)
    site = rng.integers(0, len(CITIES), n)
    measure = rng.integers(0, len(MEASURES), n)
    frame = pd.DataFrame(
        {
            "zip": [CITIES[i][0] for i in site],
            "city": [CITIES[i][1] for i in site],
            "state": [CITIES[i][2] for i in site],
            "measure_code": [MEASURES[i][0] for i in measure],
            "measure_name": [MEASURES[i][1] for i in measure],
            "score": rng.integers(40, 100, n),
            "emergency_service": rng.choice(["yes", "no"], n),
        }
    )
    planted: set[tuple[int, str]] = set()
    if errors:
        for k, row in enumerate(rng.choice(n, 45, replace=False)):
            col = ("city", "measure_name", "state")[k % 3]
            value = frame.at[row, col]
            i = int(rng.integers(0, len(value) - 1))
            frame.at[row, col] = value[:i] + "x" + value[i + 1 :]
            planted.add((int(row), col))
    return frame, planted


def test_rows_breaking_a_rule_are_found_with_the_dominant_value():
    frame, planted = visits()
    r = audit(frame, "consistency.dependency_violations")
    assert r.status == "warn"  # 15 of 3,000 rows (0.5%) per column: under the 1% fail line
    assert set(r.columns) == {"city", "measure_name", "state"}
    assert r.message.startswith("45 rows break a rule between columns in 3 columns: ")
    assert "measure_code → measure_name (holds in 99.5% of 3,000 rows" in r.message
    rows = {(int(row[2]), row[0]) for row in r.evidence[0].rows}
    assert rows == planted  # every planted typo, nothing else
    assert r.evidence[0].total_rows == 45
    assert ("city", "zip → city", "'san diego'", "'sanxdiego'") in {
        (row[0], row[1], row[4], row[5]) for row in r.evidence[0].rows
    }


def test_clean_twin_has_no_broken_rules():
    frame, planted = visits(errors=False)
    assert not planted
    r = audit(frame, "consistency.dependency_violations")
    assert r.status == "pass"
    assert (
        r.message
        == "no rule between columns is broken (6 categorical or code columns, 30 ordered pairs examined)"
    )


def test_a_common_second_value_and_chance_patterns_are_not_rules():
    rng = np.random.default_rng(8)
    n = 3000
    # a city name in two states, both common: two real cities, not one with a wrong state
    city = rng.choice(["springfield", "portland", "salem"], n)
    state = np.where(rng.random(n) < 0.7, "or", "il")
    # a small table where a column "determines" another by chance (groups of 2-3 rows)
    small = pd.DataFrame({"a": rng.integers(0, 15, 40).astype(str), "b": rng.choice(["x", "y"], 40)})
    assert (
        audit(pd.DataFrame({"city": city, "state": state}), "consistency.dependency_violations").status
        == "pass"
    )
    assert audit(small, "consistency.dependency_violations").status == "pass"


def test_judge_thresholds_on_hand_made_rules():
    def rule(k: int) -> Rule:
        rows = tuple(range(k))
        return Rule(
            "zip", "city", 1000, 40, 0.99, 0.1, rows, ("35233",) * k, ("birmingham",) * k, ("bxrm",) * k
        )

    check = DependencyViolations()
    assert check.judge([], 5, 20, 1000).status == "pass"
    assert check.judge([rule(1)], 5, 20, 1000).status == "warn"
    assert check.judge([rule(10)], 5, 20, 1000).status == "warn"  # 1.0%: not above
    assert check.judge([rule(11)], 5, 20, 1000).status == "fail"


def test_personal_values_are_masked_in_the_evidence():
    frame, _ = visits()
    frame["contact_name"] = frame["city"].map(lambda c: f"dr {c} smith")
    r = audit(frame, "consistency.dependency_violations")
    shown = " ".join(str(cell) for row in r.evidence[0].rows for cell in row) + r.message
    assert "smith" not in shown


@pytest.mark.skipif(not HOSPITAL.is_dir(), reason=f"field data not present at {HOSPITAL}")
def test_hospital_dirty_rows_are_real_errors_and_clean_is_quiet():
    dirty = pd.read_csv(HOSPITAL / "dirty.csv", dtype=str, keep_default_na=False)
    clean = pd.read_csv(HOSPITAL / "clean.csv", dtype=str, keep_default_na=False)
    clean.columns = dirty.columns  # the clean file names its columns differently: pair them by position
    errors = dirty.apply(lambda s: s.str.strip()) != clean.apply(lambda s: s.str.strip())

    from dataaudit.dataset import Dataset

    frame = pd.read_csv(HOSPITAL / "dirty.csv")
    rules, _, _ = DependencyViolations().measure(Dataset(frame, as_of=AS_OF))
    cells = {(row, r.dependent) for r in rules for row in r.rows}
    real = sum(bool(errors.at[row, col]) for row, col in cells)
    assert len(cells) >= 300 and real / len(cells) >= 0.95, (real, len(cells))
    flagged = {col for _, col in cells}
    assert {"city", "zip", "county", "measure_name", "measure_code", "condition"} <= flagged

    r_dirty = dataaudit.audit(
        HOSPITAL / "dirty.csv", as_of=AS_OF, select=["consistency.dependency_violations"]
    )
    assert r_dirty.result("consistency.dependency_violations").status == "fail"
    r_clean = dataaudit.audit(
        HOSPITAL / "clean.csv", as_of=AS_OF, select=["consistency.dependency_violations"]
    )
    assert r_clean.result("consistency.dependency_violations").status == "pass"


def test_a_large_table_is_judged_on_a_stated_seeded_sample():
    from tests.helpers import make_dataset, run_check

    frame, planted = visits(n=3000)
    check = DependencyViolations(max_rows=2000)
    first, again = run_check(check, make_dataset(frame)), run_check(check, make_dataset(frame))
    assert "(on a seeded sample of 2,000 of 3,000 rows)" in first.message
    assert first.message == again.message  # the same seed, the same rows
    rows = {(int(row[2]), row[0]) for row in first.evidence[0].rows}
    assert rows and rows <= planted  # the rows reported are labelled as in the full table
