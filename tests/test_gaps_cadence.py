"""latency.time_gaps reads the cadence from the distinct timestamps: yearly and monthly tables with several
rows per date are graded per year / month, sparse irregular events are not graded at all (no cadence to
miss), and a real hole in a regular daily feed is still found. As-of fixed at 2026-06-30."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dataaudit
from dataaudit.checks.latency import TimeGaps
from tests.helpers import AS_OF, make_dataset, run_check


def gaps(df: pd.DataFrame, column: str = "t", **params):
    return run_check(TimeGaps(**params), make_dataset(df, timestamp=column))


def yearly(years: range, series: int = 4, seed: int = 0) -> pd.DataFrame:
    """One row per year per series (an energy source, a country...), dated Jan 1."""
    rng = np.random.default_rng(seed)
    t = np.repeat(pd.to_datetime([f"{y}-01-01" for y in years]).to_numpy(), series)
    ids = np.tile(np.arange(series), len(years))
    return pd.DataFrame({"t": t, "series": ids, "v": rng.normal(size=t.size)})


def test_yearly_data_with_several_rows_per_year_is_graded_per_year():
    result = gaps(yearly(range(2001, 2018)))
    assert result.status == "pass", result.message
    assert "no missing years over 17 years of 't'" in result.message
    assert "cadence year (inferred)" in result.message
    assert result.observed["missing_periods"] == 0


def test_a_missing_year_in_a_yearly_table_is_still_a_gap():
    result = gaps(yearly([y for y in range(2001, 2018) if y != 2010]))
    assert result.status == "warn", result.message
    assert "1 year missing in 1 gap over 17 years" in result.message
    assert "longest gap 1 year, 2010 to 2010" in result.message
    assert "cadence year (inferred)" in result.message


def test_monthly_data_on_the_first_is_graded_per_month():
    months = pd.date_range("2019-01-01", "2025-12-01", freq="MS")
    df = pd.DataFrame({"t": np.repeat(months.to_numpy(), 3), "region": np.tile(["n", "s", "w"], len(months))})
    result = gaps(df)
    assert result.status == "pass", result.message
    assert "no missing months over 84 months" in result.message
    assert "cadence month (inferred)" in result.message


def test_quarterly_data_on_the_first_is_graded_per_quarter():
    quarters = pd.date_range("2015-01-01", "2025-10-01", freq="QS")
    result = gaps(pd.DataFrame({"t": np.repeat(quarters.to_numpy(), 2)}))
    assert result.status == "pass", result.message
    assert "no missing quarters over 44 quarters" in result.message


def test_sparse_irregular_events_are_not_graded():
    # 60 incidents: a burst of 50 over ten days, then 10 scattered over the next year and a half
    rng = np.random.default_rng(3)
    burst = pd.Timestamp("1992-04-29") + pd.to_timedelta(rng.uniform(0, 10, 50), unit="D")
    later = pd.Timestamp("1992-05-15") + pd.to_timedelta(rng.uniform(0, 540, 10), unit="D")
    result = gaps(pd.DataFrame({"t": burst.append(later).normalize()}))
    assert result.status == "skipped", result.message
    assert result.message.startswith("'t' has no regular cadence: 60 rows at ")
    assert "irregular events, not a feed, and an empty stretch is not missing data" in result.message
    assert dict(result.evidence[0].rows)["cadence"] == "none (irregular events)"


def test_a_declared_cadence_is_still_graded_on_irregular_events():
    t = pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03", "2026-02-20", "2026-02-21", "2026-02-22"])
    result = gaps(pd.DataFrame({"t": t}), cadence="1d")
    assert result.status == "fail", result.message
    assert "longest gap 47 days, 2026-01-04 to 2026-02-19" in result.message
    assert "cadence day (configured" in result.message


@pytest.mark.parametrize("hole", [0, 10])
def test_a_daily_feed_with_a_ten_day_hole_is_still_found(hole):
    rng = np.random.default_rng(7)
    days = pd.date_range("2025-06-01", "2026-05-31", freq="D")
    days = days.delete(range(150, 150 + hole))
    counts = rng.poisson(30, len(days))
    offsets = pd.to_timedelta(rng.uniform(0, 86_400, counts.sum()), unit="s").to_numpy()
    result = gaps(pd.DataFrame({"t": np.repeat(days.to_numpy(), counts) + offsets}))
    if hole == 0:
        assert result.status == "pass", result.message
        return
    assert result.status == "fail", result.message
    assert "10 days missing in 1 gap" in result.message
    assert "longest gap 10 days, 2025-10-29 to 2025-11-07" in result.message
    assert "cadence day (inferred)" in result.message


# -- real tables --------------------------------------------------------------------------------------------


def test_vega_iowa_electricity_is_a_yearly_table():
    local = pytest.importorskip("vega_datasets").local_data
    report = dataaudit.audit(local.iowa_electricity(), timestamp="year", as_of=AS_OF, select="latency")
    result = report.result("latency.time_gaps")
    assert result.status == "pass", result.message
    assert "no missing years over 17 years of 'year'; cadence year (inferred)" in result.message


def test_vega_la_riots_deaths_are_events_not_a_feed():
    local = pytest.importorskip("vega_datasets").local_data
    report = dataaudit.audit(local.la_riots(), timestamp="death_date", as_of=AS_OF, select="latency")
    result = report.result("latency.time_gaps")
    assert result.status == "skipped", result.message
    assert result.message.startswith("'death_date' has no regular cadence: 63 rows at ")
