"""Issue 14.2, 14.3, 14.11 (and 14.13 for latency): a guessed role never fails the verdict, a time of day is
not a date, two-digit years follow as-of, the audit's JSON does not depend on the day it runs, and
latency.coverage has no default minimum span."""

from __future__ import annotations

import datetime as dt
import json
import types

import dateutil.parser._parser as du
import numpy as np
import pandas as pd
import pytest

import dataaudit

AS_OF = "2026-06-30"


def daily(start: str, end: str, column: str = "date", seed: int = 0) -> pd.DataFrame:
    """A daily weather-like table (one reading per day), dates written as ISO text like a CSV export."""
    days = pd.date_range(start, end, freq="D")
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            column: days.strftime("%Y-%m-%d"),
            "temp_max": np.round(rng.normal(15, 7, len(days)), 1),
            "precipitation": np.round(rng.gamma(0.6, 4.0, len(days)), 1),
        }
    )


# -- 14.2: a guessed role caps at warn -----------------------------------------------------------------------


def test_historical_table_with_a_detected_date_is_not_failed_for_its_age():
    # like vega's seattle-weather: 2012-2015, audited in 2026; the date column is detected, not declared
    report = dataaudit.audit(daily("2012-01-01", "2015-12-31"), as_of=AS_OF)
    assert "timestamp" in report.detected_roles
    fresh = report.result("latency.freshness")
    assert fresh.status == "warn"
    assert "3,834 d before as-of 2026-06-30" in fresh.message
    assert "a warning, not a failure, because the event-time column 'date' was detected" in fresh.message
    assert "--timestamp date or 'timestamp: date' in dataaudit.yaml" in fresh.message
    assert report.ready and not any(r.status == "fail" for r in report.results if r.area == "latency")


def test_a_declared_timestamp_is_judged_as_today():
    report = dataaudit.audit(daily("2012-01-01", "2015-12-31"), as_of=AS_OF, timestamp="date")
    fresh = report.result("latency.freshness")
    assert fresh.status == "fail" and "detected" not in fresh.message
    assert not report.ready


def test_a_fresh_detected_timestamp_passes_without_a_note():
    report = dataaudit.audit(daily("2025-06-01", "2026-06-29"), as_of=AS_OF)
    fresh = report.result("latency.freshness")
    assert fresh.status == "pass" and "declare it" not in fresh.message


def test_a_detected_id_caps_duplicate_ids_at_warn_and_a_declared_one_fails():
    rng = np.random.default_rng(1)
    ids = np.arange(100_000, 102_000)
    ids[rng.choice(2000, 40, replace=False)] = ids[:40]  # 40 repeats: 2% of rows, above the 0.1% fail line
    frame = pd.DataFrame({"customer_id": ids, "spend": rng.gamma(2.0, 30.0, 2000).round(2)})
    guessed = dataaudit.audit(frame, as_of=AS_OF, select=["consistency.duplicate_ids"])
    r = guessed.result("consistency.duplicate_ids")
    assert "id" in guessed.detected_roles
    assert r.status == "warn", r.message
    # duplicate_ids caps a detected (or probable) id itself and says so in its own words
    assert "customer_id (detected as the id; declare it with --id customer_id" in r.message
    declared = dataaudit.audit(frame, as_of=AS_OF, id="customer_id", select=["consistency.duplicate_ids"])
    assert declared.result("consistency.duplicate_ids").status == "fail"


def test_severity_override_and_guess_cap_agree():
    # severity: warn on a declared role still caps; a plain pass never gets a guess note
    frame = daily("2012-01-01", "2015-12-31")
    report = dataaudit.audit(
        frame,
        as_of=AS_OF,
        timestamp="date",
        config={"checks": {"latency.freshness": {"severity": "warn"}}},
    )
    r = report.result("latency.freshness")
    assert r.status == "warn" and "detected" not in r.message


# -- 14.3: time of day is not a timestamp; two-digit years ---------------------------------------------------


TIMES_OF_DAY = ["7:10 a.m.", "18:30", "12:00noon", "6:55 a.m.", "7:15 p.m. (Estimated)", "11:05 p.m.", "9:40"]
#: the ones pandas reads as datetimes (on the day it runs): a column of only these looked like event times
READABLE_TIMES = ["7:10 a.m.", "18:30", "6:55 a.m.", "11:05 p.m.", "9:40", "7:10am", "18:30:05"]


def flights(n: int = 140, times=READABLE_TIMES) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "flight": rng.choice(["AA-3063", "UA-1701", "DL-2220", "WN-118"], n),
            "sched_dep_time": rng.choice(times, n),
            "delay_min": rng.integers(-5, 90, n),
        }
    )


def test_a_time_of_day_column_is_not_an_event_time():
    report = dataaudit.audit(flights(), as_of=AS_OF)
    assert report.roles["timestamp"] is None and "timestamp" not in report.detected_roles
    assert report.result("latency.future_timestamps").status == "skipped"


@pytest.mark.parametrize("times", [READABLE_TIMES, TIMES_OF_DAY])
def test_declared_time_of_day_values_are_unreadable_not_dated_today(times):
    report = dataaudit.audit(
        flights(times=times), as_of=AS_OF, timestamp="sched_dep_time", select=["latency"]
    )
    future = report.result("latency.future_timestamps")
    assert future.status != "fail", future.message
    fresh = report.result("latency.freshness")
    assert "no usable timestamps" in fresh.message and "140 unreadable values" in fresh.message


def test_times_without_a_date_inside_a_date_column_are_not_dated_today():
    # 12/02/2011 6:55 a.m. beside 6:55 a.m.: the second has no date, and must not land on the audit's day
    dates = pd.date_range("2011-11-01", periods=120, freq="D").strftime("%m/%d/%Y") + " 6:55 a.m."
    values = list(dates) + ["6:55 a.m.", "18:30"]
    frame = pd.DataFrame({"actual_departure": values, "delay_min": range(len(values))})
    report = dataaudit.audit(frame, as_of=AS_OF, timestamp="actual_departure", select=["latency"])
    assert report.result("latency.future_timestamps").status == "pass"
    fresh = report.result("latency.freshness")
    assert "2 values of 'actual_departure' could not be read as dates" in fresh.message
    assert "newest 'actual_departure' is 2012-02-28 06:55 UTC" in fresh.message


@pytest.mark.parametrize(
    ("as_of", "years"),
    [("2026-06-30", [1963, 1980, 1999, 2005, 2026]), ("2070-01-01", [2063, 1980, 1999, 2005, 2026])],
)
def test_two_digit_years_never_land_after_the_as_of_year(as_of, years):
    frame = pd.DataFrame({"date": ["1/1/63", "2/2/80", "3/15/99", "4/1/05", "6/1/26"] * 30, "x": range(150)})
    report = dataaudit.audit(frame, as_of=as_of, timestamp="date", select=["latency"])
    parsed = report.dataset  # the frozen report keeps no frame: read what the checks saw
    fresh = report.result("latency.freshness")
    assert report.result("latency.future_timestamps").status == "pass"
    newest, oldest = fresh.observed["newest"][:4], fresh.observed["oldest"][:4]
    assert (int(oldest), int(newest)) == (min(years), max(years)), parsed


def test_dotted_two_digit_years_follow_as_of_too():
    # 15.01.63: no 4-digit year, read value by value (pandas would say 2063)
    days = pd.date_range("1963-01-01", periods=60, freq="7D")
    frame = pd.DataFrame({"date": days.strftime("%d.%m.%y"), "x": range(60)})
    report = dataaudit.audit(frame, as_of=AS_OF, timestamp="date", select=["latency"])
    assert report.result("latency.future_timestamps").status == "pass"
    fresh = report.result("latency.freshness").observed
    assert (fresh["oldest"][:4], fresh["newest"][:4]) == ("1963", "1964")


@pytest.fixture
def fake_today(monkeypatch):
    """Fake dateutil's clock (its ``datetime.now`` and the pivot year it reads two-digit years around, which
    pandas uses for text in mixed layouts); returns a function that sets the day."""

    def set_day(day: dt.date) -> None:
        class FakeDateTime(dt.datetime):
            @classmethod
            def now(cls, tz=None):
                return cls(day.year, day.month, day.day, 12, tzinfo=tz)

        fake = types.SimpleNamespace(**{k: getattr(dt, k) for k in dir(dt) if not k.startswith("__")})
        fake.datetime = FakeDateTime
        monkeypatch.setattr(du, "datetime", fake)
        monkeypatch.setattr(du.DEFAULTPARSER.info, "_year", day.year)
        monkeypatch.setattr(du.DEFAULTPARSER.info, "_century", day.year // 100 * 100)

    return set_day


def _stable(doc):
    """The report's JSON without timings (the only fields that may differ between two runs)."""
    if isinstance(doc, dict):
        return {k: _stable(v) for k, v in doc.items() if k not in ("duration_s", "durations", "load_seconds")}
    if isinstance(doc, list):
        return [_stable(v) for v in doc]
    return doc


def test_same_file_and_as_of_give_the_same_json_on_any_day(tmp_path, fake_today):
    path = tmp_path / "departures.csv"
    rng = np.random.default_rng(7)
    n = 200
    pd.DataFrame(
        {
            "flight_date": rng.choice(["1/12/80", "2/3/81", "11/30/79", "6/1/82"], n),
            "sched_dep_time": rng.choice(TIMES_OF_DAY, n),
            "delay_min": rng.integers(-5, 90, n),
        }
    ).to_csv(path, index=False)
    docs = []
    for day in (dt.date(2026, 12, 6), dt.date(2031, 3, 1)):
        fake_today(day)
        # the fake is in force: pandas reads an '80' year around the faked day (1980 in 2026, 2080 in 2031)
        raw = pd.to_datetime(pd.Series(["2/2/80"]), format="mixed")[0]
        assert raw.year == (1980 if day.year == 2026 else 2080)
        report = dataaudit.audit(path, as_of=AS_OF, timestamp="flight_date")
        docs.append(_stable(json.loads(report.to_json())))
        fresh = report.result("latency.freshness")
        assert fresh.observed["newest"].startswith("1982-06-01"), fresh.message
    assert docs[0] == docs[1]


# -- 14.11: latency.coverage has no default minimum span -----------------------------------------------------


def test_an_89_day_event_table_is_not_a_coverage_problem_by_default():
    frame = daily("2026-04-01", "2026-06-28")
    report = dataaudit.audit(frame, as_of=AS_OF, timestamp="date", select=["latency"])
    r = report.result("latency.coverage")
    assert r.status == "skipped"
    assert "no minimum span declared" in r.message and "'date' spans 88 d" in r.message
    assert r.charts and r.observed["span_days"] == 88


def test_a_declared_span_is_graded():
    frame = daily("2026-04-01", "2026-06-28")
    config = {"checks": {"latency.coverage": {"warn_span_below": "365d"}}}
    r = dataaudit.audit(frame, as_of=AS_OF, timestamp="date", select=["latency"], config=config)
    cov = r.result("latency.coverage")
    assert cov.status == "warn" and "at least 365d declared" in cov.message
    config = {"checks": {"latency.coverage": {"warn_span_below": "60d", "fail_span_below": "7d"}}}
    r = dataaudit.audit(frame, as_of=AS_OF, timestamp="date", select=["latency"], config=config)
    assert r.result("latency.coverage").status == "pass"
    config = {"checks": {"latency.coverage": {"fail_span_below": "120d"}}}
    r = dataaudit.audit(frame, as_of=AS_OF, timestamp="date", select=["latency"], config=config)
    assert r.result("latency.coverage").status == "fail"
