"""Latency checks: frames with known staleness, lags, gaps and future records on both sides of each threshold
(as-of fixed at 2026-06-30), the sample data, config-time validation of durations, and the CLI flags."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.checks.latency import (
    Coverage,
    Freshness,
    FutureTimestamps,
    IngestionLag,
    LabelDelay,
    TimeGaps,
    fmt_time,
    times_of,
)
from dataaudit.checks.latency._durations import format_duration, parse_duration
from dataaudit.cli import cli
from dataaudit.errors import ConfigError
from tests.helpers import AS_OF, SAMPLE, make_dataset, run_check

NOW = pd.Timestamp(AS_OF)
DAYS = pd.date_range("2025-06-01", "2026-05-31", freq="D")  # one row a day for a year


def events(ts, **extra) -> pd.DataFrame:
    return pd.DataFrame({"t": ts, **extra})


def check(c, df: pd.DataFrame, **roles):
    roles.setdefault("timestamp", "t")
    return run_check(c, make_dataset(df, **roles))


def uniform_times(n: int, seed: int, days: int = 365) -> pd.DatetimeIndex:
    rng = np.random.default_rng(seed)
    return pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.uniform(0, days * 86_400, n), unit="s")


# -- durations ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("36h", 129_600),
        ("7d", 604_800),
        ("4w", 2_419_200),
        ("90m", 5_400),
        ("1d12h", 129_600),
        ("1.5d", 129_600),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text).total_seconds() == seconds
    assert parse_duration(f" {text.upper()} ").total_seconds() == seconds


@pytest.mark.parametrize("bad", ["", "7", "seven days", "7y", "-3d", "d7", 7, None])
def test_parse_duration_rejects_with_the_accepted_forms(bad):
    with pytest.raises(ValueError, match=r"warn_after: invalid duration .*e\.g\. 36h, 7d, 4w"):
        parse_duration(bad, "warn_after")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (42, "42 s"),
        (35 * 60, "35 min"),
        (3 * 3600 + 14 * 60, "3 h 14 min"),
        (8 * 86_400 + 22 * 3600, "8 d 22 h"),
        (91 * 86_400 + 3600, "91 d"),
        (-7200, "-2 h"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text
    assert format_duration(dt.timedelta(seconds=seconds)) == text


def test_durations_are_validated_at_config_time():
    df = events(DAYS)
    with pytest.raises(
        ConfigError, match=r"checks\.latency\.freshness: warn_after: invalid duration 'a week'"
    ):
        dataaudit.audit(df, timestamp="t", config={"checks": {"latency.freshness": {"warn_after": "a week"}}})
    with pytest.raises(ConfigError, match=r"fail_after \(2d\) must be >= warn_after \(7d\)"):
        dataaudit.audit(df, timestamp="t", config={"checks": {"latency.freshness": {"fail_after": "2d"}}})
    with pytest.raises(ConfigError, match=r"fail_span_below \(100d\) must be <= warn_span_below \(90d\)"):
        dataaudit.audit(
            df,
            timestamp="t",
            config={"checks": {"latency.coverage": {"warn_span_below": "90d", "fail_span_below": "100d"}}},
        )
    with pytest.raises(ConfigError, match=r"cadence: invalid duration 'daily'"):
        dataaudit.audit(df, timestamp="t", config={"checks": {"latency.time_gaps": {"cadence": "daily"}}})
    # the yaml form works: hours and weeks
    report = dataaudit.audit(
        df,
        timestamp="t",
        as_of=AS_OF,
        select=["latency.freshness"],
        config={"checks": {"latency.freshness": {"warn_after": "36h", "fail_after": "5w"}}},
    )
    assert report.result("latency.freshness").status == "warn"  # 30 days old: above 36h, below 5 weeks


# -- latency.freshness -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "status"),
    [("6d23h", "pass"), ("7d1h", "warn"), ("29d", "warn"), ("30d1h", "fail"), ("400d", "fail")],
)
def test_freshness_thresholds(age, status):
    newest = NOW - parse_duration(age)
    df = events(pd.date_range(end=newest, periods=200, freq="h"))
    result = check(Freshness(), df)
    assert result.status == status
    text = f"newest 't' is {fmt_time(newest)}, {format_duration(parse_duration(age))} before as-of 2026-06-30"
    assert result.message.startswith(text)
    assert result.observed["newest"].startswith(f"{newest:%Y-%m-%dT%H:%M}")
    measures = dict(result.evidence[0].rows)
    assert measures["newest"] == fmt_time(newest)
    assert measures["oldest"] == fmt_time(newest - pd.Timedelta(hours=199))


def test_freshness_custom_thresholds():
    df = events(pd.date_range(end=NOW - pd.Timedelta(hours=40), periods=50, freq="h"))
    assert check(Freshness(warn_after="36h", fail_after="4w"), df).status == "warn"
    assert check(Freshness(warn_after="2d", fail_after="4w"), df).status == "pass"
    assert check(Freshness(warn_after="1d", fail_after="36h"), df).status == "fail"


def test_freshness_ignores_future_rows_and_reports_unreadable_values():
    ts = ["2026-05-01 10:00", "2026-05-02 11:00", "2099-01-01", "not a date", "", "2026-05-03 09:30"]
    df = events(pd.Series(ts, dtype="object").replace("", None))
    result = check(Freshness(), df)
    assert result.status == "fail"  # newest real record 2026-05-03, 57 days old; 2099 does not make it fresh
    assert "newest 't' is 2026-05-03 09:30 UTC" in result.message
    assert "1 row dated after as-of not counted" in result.message
    assert "1 value of 't' could not be read as dates (e.g. 'not a date')" in result.message
    assert result.observed["unparseable"] == 1
    measures = dict(result.evidence[0].rows)
    assert (measures["empty"], measures["unreadable as dates"], measures["after as-of"]) == (1, 1, 1)
    assert result.evidence[1].rows == (("not a date",),)


def test_freshness_time_zones_are_compared_in_utc():
    # 2026-06-29 23:30 at +02:00 is 21:30 UTC; naive text is read as UTC; an aware Tokyo time is converted
    df = events(["2026-06-20T10:00:00Z", "2026-06-29T23:30:00+02:00", "2026-06-25 08:00"])
    result = check(Freshness(), df)
    assert "newest 't' is 2026-06-29 21:30 UTC, 2 h 30 min before as-of" in result.message
    tokyo = events(pd.date_range("2026-06-01", periods=30, freq="D", tz="Asia/Tokyo"))
    assert "newest 't' is 2026-06-29 15:00 UTC" in check(Freshness(), tokyo).message


def test_freshness_reads_epoch_numbers_and_fails_without_any_date():
    epoch = events([pd.Timestamp("2026-06-28", tz="UTC").timestamp() * 1000, np.nan])  # milliseconds
    assert "newest 't' is 2026-06-28, 2 d before as-of" in check(Freshness(), epoch).message
    result = check(Freshness(), events([None, None, "n/a"]))
    assert result.status == "fail"
    assert result.message.startswith("'t' has no usable timestamps (2 empty values, 1 unreadable value)")


def test_without_a_timestamp_every_check_skips_and_shows_the_file_time(tmp_path):
    path = tmp_path / "data.csv"
    pd.DataFrame({"x": range(50), "y": [0, 1] * 25}).to_csv(path, index=False)
    os.utime(path, (1_780_000_000, 1_780_000_000))  # 2026-05-28 20:26:40 UTC
    report = dataaudit.audit(path, as_of=AS_OF, select=["latency"], ingested_at=None)
    for cid in ("latency.freshness", "latency.future_timestamps", "latency.time_gaps", "latency.coverage"):
        r = report.result(cid)
        assert r.status == "skipped"
        assert r.message.startswith("no event-time column set or detected (use --timestamp")
        assert "the file was last modified 2026-05-28 20:26 UTC (32 d before as-of 2026-06-30)" in r.message
    assert report.result("latency.ingestion_lag").status == "skipped"
    assert report.result("latency.label_delay").status == "skipped"
    # a file modified after a pinned (earlier) as-of time is "after" it, not a negative "-57 d before"
    early = dataaudit.audit(path, as_of="2026-04-01", select=["latency.freshness"])
    message = early.result("latency.freshness").message
    assert "(57 d after as-of 2026-04-01)" in message and "-57" not in message
    # a DataFrame has no file time: the reason alone
    frame_report = dataaudit.audit(pd.DataFrame({"x": range(50)}), as_of=AS_OF, select=["latency.freshness"])
    assert "last modified" not in frame_report.result("latency.freshness").message


def test_a_detected_timestamp_is_named_as_assumed():
    df = pd.DataFrame({"x": range(100), "created": pd.date_range(end="2026-06-29", periods=100).astype(str)})
    report = dataaudit.audit(df, as_of=AS_OF, select=["latency"])
    assert report.roles["timestamp"] == "created"
    r = report.result("latency.freshness")
    assert r.status == "pass"
    assert r.message.startswith("newest 'created' (detected as the event time) is 2026-06-29")
    assert dict(r.evidence[0].rows)["event-time column"] == "created (detected)"


def test_a_birth_date_is_never_assumed_to_be_the_event_time():
    df = pd.DataFrame(
        {"x": range(100), "date_of_birth": pd.date_range("1960-01-01", periods=100, freq="90D")}
    )
    report = dataaudit.audit(df, as_of=AS_OF, select=["latency.freshness"])
    assert report.roles["timestamp"] is None
    assert report.result("latency.freshness").status == "skipped"


# -- latency.ingestion_lag ---------------------------------------------------------------------------------


def lagged(lags: np.ndarray) -> pd.DataFrame:
    t = pd.date_range("2026-01-01", periods=len(lags), freq="h")
    return events(t, ing=t + pd.to_timedelta(lags, unit="s"))


@pytest.mark.parametrize(
    ("lag", "status"), [("47h", "pass"), ("49h", "warn"), ("6d23h", "warn"), ("7d1h", "fail")]
)
def test_ingestion_lag_p95_thresholds(lag, status):
    seconds = parse_duration(lag).total_seconds()
    result = check(IngestionLag(), lagged(np.full(500, seconds)), ingested_at="ing")
    assert result.status == status
    assert f"p95 {format_duration(seconds)}" in result.message
    assert result.observed["p95_s"] == seconds


def test_a_few_late_rows_are_shown_but_do_not_fail():
    rng = np.random.default_rng(3)
    lags = rng.uniform(60, 3600, 1000)
    lags[rng.choice(1000, 12, replace=False)] = rng.uniform(3, 9, 12) * 86_400
    result = check(IngestionLag(), lagged(lags), ingested_at="ing")
    assert result.status == "pass"
    assert "(12 rows, 1.20%, ingested more than 2d late)" in result.message
    assert f"max {format_duration(lags.max())}" in result.message
    longest = result.evidence[1]
    assert longest.title == "Longest ingestion lag (up to 5 rows)"
    assert len(longest.rows) == 5
    assert longest.rows[0][0] == int(np.argmax(lags))  # the row number of the latest arrival


@pytest.mark.parametrize(
    ("n_negative", "lag", "status"),
    [(0, -60, "pass"), (1, -60, "pass"), (1, -3600, "warn"), (10, -3600, "warn"), (11, -3600, "fail")],
)
def test_negative_ingestion_lags(n_negative, lag, status):
    lags = np.full(1000, 600.0)
    lags[:n_negative] = lag  # -1 min is within the 5 min clock-skew tolerance; -1 h is not
    result = check(IngestionLag(), lagged(lags), ingested_at="ing")
    assert result.status == status
    if status != "pass":
        assert (
            f"{n_negative} row{'s' if n_negative > 1 else ''} ({n_negative / 1000:.2%}) ingested before"
            in (result.message)
        )
        assert "by up to 1 h" in result.message
        assert result.evidence[-1].title.startswith("Negative ingestion lag")
    else:
        assert "no ingestion lag is negative" in result.message


def test_ingestion_lag_needs_both_columns():
    assert check(IngestionLag(), events(DAYS)).status == "skipped"  # no ingested_at role
    df = lagged(np.full(10, 60.0))
    df.loc[:4, "ing"] = pd.NaT
    result = check(IngestionLag(), df, ingested_at="ing")
    assert result.status == "pass"
    assert "over 5 rows" in result.message and "5 rows without both times" in result.message


# -- latency.future_timestamps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ahead", "n_future", "status"),
    [("12h", 1, "pass"), ("2d", 1, "warn"), ("2d", 10, "warn"), ("2d", 11, "fail")],
)
def test_future_timestamps(ahead, n_future, status):
    t = pd.Series(pd.date_range(end=NOW, periods=1000, freq="h"))
    t[:n_future] = NOW + parse_duration(ahead)
    result = check(FutureTimestamps(), events(t))
    assert result.status == status
    if status == "pass":
        assert result.message == "no timestamp after as-of 2026-06-30 + 1d in t (1 column checked)"
    else:
        text = f"{n_future} of 1,000 rows in 't' ({n_future / 1000:.2%}) dated after as-of"
        assert result.message.startswith(text)
        assert len(result.evidence[1].rows) == min(n_future, 5)


def test_future_ingestion_times_are_found_too():
    t = pd.date_range(end="2026-06-01", periods=200, freq="h")
    ing = pd.Series(t + pd.Timedelta("5min"))
    ing[7] = pd.Timestamp("2062-06-01")  # a typo for 2026
    result = check(FutureTimestamps(), events(t, ing=ing), ingested_at="ing")
    assert result.status == "warn"
    assert (
        "1 of 200 rows in 'ing' (0.50%) dated after as-of 2026-06-30 + 1d; latest 2062-06-01"
        in result.message
    )
    assert result.evidence[1].rows == ((7, "ing", "2062-06-01"),)


# -- latency.time_gaps -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "status", "text"),
    [
        (0, "pass", "no missing days over 365 days"),
        (1, "warn", "1 day missing in 1 gap"),
        (6, "warn", "longest gap 6 days, 2025-09-09 to 2025-09-14"),
        (7, "fail", "longest gap 7 days, 2025-09-09 to 2025-09-15"),
        (30, "fail", "30 days missing in 1 gap"),
    ],
)
def test_a_daily_series_with_missing_days(missing, status, text):
    result = check(TimeGaps(), events(DAYS.delete(range(100, 100 + missing))))
    assert result.status == status
    assert text in result.message
    assert "cadence day (inferred)" in result.message
    assert result.observed["longest_gap"] == missing


def test_a_busy_daily_feed_with_a_missing_day_and_a_near_empty_day():
    rng = np.random.default_rng(5)
    counts = rng.poisson(20, len(DAYS))
    ok = check(TimeGaps(), events(np.repeat(DAYS.to_numpy(), counts)))
    assert ok.status == "pass"
    counts[50], counts[200] = 0, 1
    result = check(TimeGaps(), events(np.repeat(DAYS.to_numpy(), counts)))
    assert result.status == "warn"
    assert "1 day missing in 1 gap" in result.message
    assert "1 day with volume below 10% of normal (lowest 2025-12-18: 1 row, ~2" in result.message
    assert result.evidence[2].rows[0][:2] == ("2025-12-18", 1)


@pytest.mark.parametrize("n", [60, 400, 3_000, 40_000])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_event_streams_are_not_gappy(n, seed):
    result = check(TimeGaps(), events(uniform_times(n, seed)))
    assert result.status == "pass", result.message
    assert result.observed["missing_periods"] == 0


@pytest.mark.parametrize(
    "rate",
    [
        np.linspace(1, 200, len(DAYS)),
        np.where(np.arange(len(DAYS)) < 180, 5, 50),
        np.linspace(100, 2, len(DAYS)),
    ],
    ids=["growth", "step-up", "decline"],
)
@pytest.mark.parametrize("seed", range(4))
def test_trends_and_level_shifts_are_not_gaps(rate, seed):
    rng = np.random.default_rng(seed)
    counts = rng.poisson(rate)
    offsets = pd.to_timedelta(rng.uniform(0, 86_400, counts.sum()), unit="s").to_numpy()
    result = check(TimeGaps(), events(np.repeat(DAYS.to_numpy(), counts) + offsets))
    assert result.status == "pass", result.message


def test_a_random_stream_with_a_real_outage_is_gappy():
    ts = uniform_times(20_000, 0)
    outage = (ts >= "2025-10-01") & (ts < "2025-10-04")
    result = check(TimeGaps(), events(ts[~outage]))
    assert result.status == "fail"  # 72 hours without a row, where ~160 rows were expected
    assert re.search(r"longest gap 7\d hours, 2025-10-01 00:00 to 2025-10-0[34] \d\d:00", result.message)


def test_weekday_feed_with_quiet_weekends_is_not_gappy_but_a_missing_week_is():
    weekdays = DAYS[DAYS.dayofweek < 5]
    assert check(TimeGaps(), events(weekdays)).status == "pass"
    monday = weekdays.get_loc(pd.Timestamp("2025-09-08"))
    one = check(TimeGaps(), events(weekdays.delete(monday)))
    assert one.status == "warn"
    assert (
        "1 day missing in 1 gap" in one.message
        and "longest gap 3 days, 2025-09-06 to 2025-09-08" in one.message
    )
    week = check(TimeGaps(), events(weekdays.delete(range(monday, monday + 5))))
    assert week.status == "fail"
    assert "5 days missing in 1 gap" in week.message


def test_configured_cadence():
    hours = pd.date_range("2026-01-01", "2026-03-01", freq="h")
    result = check(TimeGaps(cadence="1h"), events(hours.delete([500, 501, 502])))
    assert result.status == "warn"
    assert "3 hours missing" in result.message and "cadence hour (configured)" in result.message
    six = check(TimeGaps(cadence="6h"), events(hours.delete(range(500, 520))))
    assert six.status == "warn"
    assert "cadence 6h (configured)" in six.message
    with pytest.raises(ValueError, match="cadence"):
        TimeGaps(cadence="30s")


def test_time_gaps_on_too_little_data():
    assert check(TimeGaps(), events(["2026-06-01 10:00"])).status == "skipped"
    short = check(TimeGaps(), events(["2026-06-01 10:00", "2026-06-01 11:00"]))
    assert (short.status, short.message) == ("skipped", "'t' spans 2 hours: too short to look for gaps")


# -- latency.coverage --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "status"), [(5, "fail"), (6, "fail"), (8, "warn"), (89, "warn"), (90, "pass"), (400, "pass")]
)
def test_coverage_span(days, status):
    # issue 14.11: there is no default minimum span; these are declared
    df = events(pd.date_range(end="2026-06-29", periods=days + 1, freq="D"))
    result = check(Coverage(warn_span_below="90d", fail_span_below="7d"), df)
    assert result.status == status
    assert f"'t' spans {format_duration(days * 86_400)}" in result.message
    assert result.observed["span_days"] == days


def test_coverage_chart_shows_gaps_and_a_stale_end():
    ts = pd.date_range("2026-03-15", "2026-06-10 23:00", freq="h")
    ts = ts[(ts < "2026-04-10") | (ts >= "2026-04-20")]
    result = check(Coverage(), events(ts))
    chart = result.charts[0]
    assert chart.kind == "columns" and chart.unit == "rows"
    # first record to as-of; as-of is 2026-06-30 00:00, so the last day that has begun is 2026-06-29
    assert chart.labels[0] == "2026-03-15" and chart.labels[-1] == "2026-06-29"
    assert chart.values[0] == 24 and chart.values[-1] == 0
    assert chart.values[chart.labels.index("2026-04-12")] == 0
    assert "of which the last 19 days (stale end)" in result.message
    assert dict(result.evidence[0].rows)["empty days"] == 29


def test_coverage_as_of_at_midnight_is_not_an_empty_day():
    # readings every 5 minutes up to 23:55 the day before as-of (2026-06-30 00:00): nothing is stale
    ts = pd.date_range("2026-05-01", "2026-06-29 23:55", freq="5min")
    result = check(Coverage(), events(ts))
    assert "empty" in result.message and "stale end" not in result.message
    assert result.charts[0].labels[-1] == "2026-06-29" and result.charts[0].values[-1] == 288
    assert dict(result.evidence[0].rows)["empty days"] == 0
    # a row exactly at the as-of instant still counts, in the as-of day
    result = check(Coverage(), events(ts.append(pd.DatetimeIndex([NOW.tz_localize(None)]))))
    assert result.charts[0].labels[-1] == "2026-06-30" and result.charts[0].values[-1] == 1


# -- latency.label_delay -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("delay", "status"), [("89d", "pass"), ("91d", "warn"), ("366d", "fail")])
def test_label_delay_thresholds(delay, status):
    t = pd.date_range("2024-01-01", periods=300, freq="D")
    df = events(t, labelled=t + parse_duration(delay))
    result = check(LabelDelay(), df, label_time="labelled")
    assert result.status == status
    assert f"label delay p50 {format_duration(parse_duration(delay))}" in result.message


def test_labels_before_their_event_are_flagged():
    t = pd.date_range("2024-01-01", periods=300, freq="D")
    labelled = pd.Series(t + pd.Timedelta("30d"))
    labelled[:2] = t[:2] - pd.Timedelta("1d")
    result = check(LabelDelay(), events(t, labelled=labelled), label_time="labelled")
    assert result.status == "warn"
    assert "2 rows (0.67%) labelled before the event time (by up to 1 d" in result.message


def test_label_delay_without_label_time_is_skipped():
    result = check(LabelDelay(), events(DAYS))
    assert result.status == "skipped"
    assert "no label-time column set" in result.message


# -- shared parsing -----------------------------------------------------------------------------------------


def test_time_columns_are_parsed_once_per_dataset():
    data = make_dataset(events(DAYS.astype(str)), timestamp="t")
    assert times_of(data, "timestamp") is times_of(data, "timestamp")
    assert times_of(data, "ingested_at") is None


@pytest.mark.parametrize("fmt", ["%d.%m.%Y %H:%M", "%d %b %Y %H:%M", "%m/%d/%Y %I:%M %p"])
def test_a_declared_column_in_one_non_iso_format_with_many_bad_values(fmt):
    # 10% placeholders: too many for the shared stats to call it a date column, so the check parses it
    ts = pd.date_range("2026-01-01", periods=5_000, freq="37min")
    text = pd.Series(np.where(np.arange(5_000) % 10 == 0, "unknown", ts.strftime(fmt)))
    result = check(Freshness(), events(text))
    newest = ts[np.arange(5_000) % 10 != 0].max()
    assert result.message.startswith(f"newest 't' is {fmt_time(newest)}")
    assert "500 values of 't' could not be read as dates (e.g. 'unknown')" in result.message


def test_placeholder_dates_beyond_the_nanosecond_range_are_unreadable_not_wrapped():
    raw = np.array(["2026-06-01", "2026-06-02", "9999-12-31", "1500-01-01", "NaT"], dtype="datetime64[s]")
    df = events(pd.Series(raw))
    result = check(Freshness(), df)
    assert "newest 't' is 2026-06-02" in result.message
    assert "2 values of 't' could not be read as dates (e.g. '9999-12-31', '1500-01-01')" in result.message
    assert dict(result.evidence[0].rows)["empty"] == 1
    assert check(FutureTimestamps(), df).status == "pass"  # no 2084 ghost from an overflow
    gaps = check(TimeGaps(), df)
    assert (gaps.status, gaps.message) == ("skipped", "'t' spans 2 days: too short to look for gaps")


def test_odd_time_columns_do_not_crash():
    frames = [
        events([True, False, True]),
        events([1, 2, 3]),
        events(pd.Series([None, None], dtype="object")),
        events([pd.Timestamp("2026-06-01", tz="UTC"), "2026-06-02", 5, None]),
        events(pd.to_datetime(["2026-06-01"])),
    ]
    for df in frames:
        for c in (Freshness(), FutureTimestamps(), TimeGaps(), Coverage()):
            assert check(c, df).status != "error", (c.id, df)


# -- sample data and the CLI --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def planted():
    return dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF, select=["latency"])


@pytest.fixture(scope="module")
def clean():
    return dataaudit.audit(SAMPLE / "loans_clean.csv", as_of=AS_OF, select=["latency"])


def test_sample_stale_data_is_found(planted):
    r = planted.result("latency.freshness")
    assert r.status == "fail"
    assert r.message.startswith("newest 'applied_at' is 2026-03-31 21:48 UTC, 90 d before as-of 2026-06-30")
    assert r.observed["newest"].startswith("2026-03-31T21:48")
    assert r.observed["oldest"].startswith("2025-01-01")
    coverage = planted.result("latency.coverage")
    assert coverage.status == "skipped"  # issue 14.11: no span declared; the span and chart are still shown
    assert "of which the last 13 weeks (stale end)" in coverage.message
    assert coverage.charts[0].values[-13:] == (0.0,) * 13


def test_sample_late_reingested_rows_are_evidence_not_a_failure(planted):
    r = planted.result("latency.ingestion_lag")
    assert r.status == "pass"
    assert "p50 35 min" in r.message and "max 8 d 21 h" in r.message
    assert "(12 rows, 0.12%, ingested more than 2d late)" in r.message
    for cid in ("latency.future_timestamps", "latency.time_gaps"):
        assert planted.result(cid).status == "pass", planted.result(cid).message


def test_sample_clean_variant_is_fresh_and_quiet(clean):
    statuses = {r.id: r.status for r in clean.results}
    assert statuses == {
        "latency.freshness": "pass",
        "latency.ingestion_lag": "pass",
        "latency.future_timestamps": "pass",
        "latency.time_gaps": "pass",  # weekday pattern, quiet weekends and the Christmas dip are normal
        "latency.coverage": "skipped",  # no minimum span declared (issue 14.11)
        "latency.label_delay": "skipped",  # the sample has no label-time column
    }
    assert "cadence day (inferred)" in clean.result("latency.time_gaps").message
    assert "1 h 59 min before as-of" in clean.result("latency.freshness").message


def test_cli_flags_reach_the_latency_checks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t = pd.date_range(end="2026-06-20", periods=120, freq="D")
    pd.DataFrame(
        {
            "x": range(120),
            "happened": t,
            "loaded": t + pd.Timedelta("3d"),
            "decided": t + pd.Timedelta("5d"),
        }
    ).to_csv("data.csv", index=False)
    args = ["run", "data.csv", "--no-html", "--json", "-", "--select", "latency"]
    result = CliRunner().invoke(
        cli,
        [
            *args,
            "--as-of",
            "2026-06-30",
            "--timestamp",
            "happened",
            "--ingested-at",
            "loaded",
            "--label-time",
            "decided",
        ],
    )
    checks = {c["id"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["latency.freshness"]["status"] == "warn"  # 10 days old at the given as-of
    assert checks["latency.ingestion_lag"]["status"] == "warn"  # 3 days
    assert checks["latency.label_delay"]["observed"]["p50_s"] == 5 * 86_400
    assert checks["latency.freshness"]["columns"] == ["happened"]
    assert result.exit_code == 0  # warnings do not block under --fail-on fail
    later = CliRunner().invoke(cli, [*args, "--as-of", "2026-09-30", "--timestamp", "happened"])
    assert later.exit_code == 1
    assert json.loads(later.stdout)["checks"][0]["status"] == "fail"
    assert "NOT READY" in later.stderr


def test_config_file_thresholds_reach_the_checks(tmp_path):
    data = tmp_path / "data.csv"
    pd.DataFrame({"when": pd.date_range(end="2026-06-20", periods=200, freq="D")}).to_csv(data, index=False)
    (tmp_path / "dataaudit.yaml").write_text(
        "timestamp: when\nchecks:\n  latency:\n    freshness: {warn_after: 2w, fail_after: 8w}\n",
        encoding="utf-8",
    )
    report = dataaudit.audit(data, as_of=AS_OF, select=["latency.freshness"])
    assert report.result("latency.freshness").status == "pass"
    assert report.result("latency.freshness").params == {"warn_after": "2w", "fail_after": "8w"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("checks:\n  latency.freshness: {warn_after: 7}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yaml: checks\.latency\.freshness\.warn_after"):
        dataaudit.audit(data, config=Path(bad), as_of=AS_OF)


def test_day_first_text_dates_are_read_in_one_layout_not_value_by_value():
    # 01.03.2026 and 13.03.2026 in one column: read value by value, days up to 12 became months (3 January,
    # then 13 March ... 12 June read as 6 December), so a table ending on 3 July looked 5 months in the future
    hours = pd.date_range("2026-03-01", periods=3000, freq="h")
    df = pd.DataFrame({"Datum": hours.strftime("%d.%m.%Y %H:%M"), "x": np.arange(3000) % 7})
    report = dataaudit.audit(df, timestamp="Datum", as_of="2026-07-15", select=["latency"])
    fresh = report.result("latency.freshness")
    assert fresh.message.startswith("newest 'Datum' is 2026-07-03 23:00 UTC, 11 d before as-of 2026-07-15")
    assert "after as-of" not in fresh.message
    assert report.result("latency.future_timestamps").status == "pass"
    # ISO text is read as before
    iso = pd.DataFrame({"t": hours.strftime("%Y-%m-%d %H:%M"), "x": 1})
    assert (
        "2026-07-03 23:00 UTC"
        in dataaudit.audit(iso, timestamp="t", as_of="2026-07-15").result("latency.freshness").message
    )
