"""The engine around checks: runner, severity, skips, crashes, shared stats, the model helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

import dataaudit
from dataaudit import Area, Chart, Check, Outcome, Registry, Severity, Status, Table, grade
from dataaudit.errors import ConfigError
from dataaudit.model import MAX_EVIDENCE_ROWS, jsonable
from tests.helpers import make_dataset


@dataclass(frozen=True)
class Boom(Check):
    """Always crashes."""

    id: ClassVar[str] = "consistency.boom"
    title: ClassVar[str] = "Boom"
    area: ClassVar[Area] = Area.CONSISTENCY

    def run(self, data):
        raise ZeroDivisionError("division by zero in a plugin")


@dataclass(frozen=True)
class AlwaysFails(Check):
    """Always fails."""

    id: ClassVar[str] = "consistency.always_fails"
    title: ClassVar[str] = "Always fails"
    area: ClassVar[Area] = Area.CONSISTENCY
    limit: int = 3

    def run(self, data):
        return Outcome.fail(f"failed with limit {self.limit}", observed=np.int64(self.limit))


@dataclass(frozen=True)
class NeedsTimestamp(Check):
    """Needs a timestamp."""

    id: ClassVar[str] = "latency.needs_ts"
    title: ClassVar[str] = "Needs ts"
    area: ClassVar[Area] = Area.LATENCY
    requires: ClassVar[tuple[str, ...]] = ("timestamp",)

    def run(self, data):
        return Outcome.ok("had a timestamp")


def registry(*checks) -> Registry:
    reg = Registry()
    reg.add_all(checks, "test")
    return reg


FRAME = pd.DataFrame({"a": range(10), "b": list("xyzxyzxyzx")})


def test_crashing_check_becomes_error_and_audit_goes_on():
    report = dataaudit.audit(FRAME, registry=registry(Boom, AlwaysFails))
    boom = report.result("consistency.boom")
    assert boom.status == Status.ERROR
    assert boom.error == "ZeroDivisionError: division by zero in a plugin"
    assert "check crashed" in boom.message
    assert "Traceback" in boom.traceback
    assert report.result("consistency.always_fails").status == Status.FAIL
    assert not report.ready  # an error blocks: the check could not show the data is fine


def test_severity_override_caps_fail_at_warn_and_ready():
    report = dataaudit.audit(
        FRAME,
        registry=registry(AlwaysFails),
        config={"checks": {"consistency.always_fails": {"severity": "warn"}}},
    )
    assert report.result("consistency.always_fails").status == Status.WARN
    assert report.ready
    assert not dataaudit.audit(
        FRAME,
        registry=registry(AlwaysFails),
        fail_on="warn",
        config={"checks": {"consistency.always_fails": {"severity": "warn"}}},
    ).ready


@pytest.mark.parametrize("settings", [{"enabled": False}, {"severity": "off"}])
def test_disabled_check_does_not_run(settings):
    report = dataaudit.audit(
        FRAME,
        registry=registry(AlwaysFails, NeedsTimestamp),
        config={"checks": {"consistency.always_fails": settings}},
    )
    assert [r.id for r in report.results] == ["latency.needs_ts"]


def test_parameters_are_validated_and_typed():
    report = dataaudit.audit(
        FRAME, registry=registry(AlwaysFails), config={"checks": {"consistency.always_fails": {"limit": "7"}}}
    )
    r = report.result("consistency.always_fails")
    assert r.message == "failed with limit 7"
    assert r.observed == 7 and type(r.observed) is int  # numpy scalar converted at the edge
    assert r.params == {"limit": 7}
    with pytest.raises(ConfigError, match=r"unknown parameter 'limt'; did you mean 'limit'\? \(valid: limit"):
        dataaudit.audit(
            FRAME,
            registry=registry(AlwaysFails),
            config={"checks": {"consistency.always_fails": {"limt": 1}}},
        )
    with pytest.raises(ConfigError, match=r"checks.consistency.always_fails.limit: .*integer.*got 'many'"):
        dataaudit.audit(
            FRAME,
            registry=registry(AlwaysFails),
            config={"checks": {"consistency.always_fails": {"limit": "many"}}},
        )


def test_missing_role_skips_with_reason_and_suggestion():
    df = FRAME.assign(created_at=pd.date_range("2026-01-01", periods=10, freq="D").astype(str))
    report = dataaudit.audit(FRAME, registry=registry(NeedsTimestamp))
    r = report.result("latency.needs_ts")
    assert r.status == Status.SKIPPED
    assert "no event-time column set or detected" in r.message
    detected = dataaudit.audit(df, registry=registry(NeedsTimestamp))
    assert detected.result("latency.needs_ts").status == Status.PASS
    assert detected.roles["timestamp"] == "created_at"
    assert "timestamp" in detected.detected_roles
    assert any("timestamp column 'created_at' was detected" in n for n in detected.notes)


def test_select_and_ignore_by_prefix():
    reg = registry(AlwaysFails, Boom, NeedsTimestamp)
    assert [r.id for r in dataaudit.audit(FRAME, registry=reg, select=["consistency"]).results] == [
        "consistency.always_fails",
        "consistency.boom",
    ]
    assert [
        r.id
        for r in dataaudit.audit(
            FRAME, registry=reg, select=["consistency"], ignore=["consistency.boom"]
        ).results
    ] == ["consistency.always_fails"]
    with pytest.raises(ConfigError, match=r"'consistncy' matches no check"):
        dataaudit.audit(FRAME, registry=reg, select=["consistncy"])


def test_report_summary_and_verdict():
    report = dataaudit.audit(FRAME, registry=registry(AlwaysFails, NeedsTimestamp))
    assert report.verdict == "not_ready"
    assert report.summary["by_status"]["fail"] == 1
    assert report.summary["by_area"]["latency"]["skipped"] == 1
    assert report.fail_on == Severity.FAIL


# -- model helpers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "higher", "expected"),
    [
        (0.05, True, "pass"),
        (0.11, True, "warn"),
        (0.31, True, "fail"),
        (0.1, True, "pass"),
        (50, False, "fail"),
        (150, False, "warn"),
        (1000, False, "pass"),
    ],
)
def test_grade(value, higher, expected):
    warn, fail = (0.1, 0.3) if higher else (1000, 100)
    assert grade(value, warn=warn, fail=fail, higher_is_worse=higher) == expected


def test_evidence_table_is_capped_and_cells_are_json_ready():
    t = Table.of(("n", "when"), [(np.int64(i), pd.Timestamp("2026-01-01")) for i in range(500)])
    assert len(t.rows) == MAX_EVIDENCE_ROWS and t.total_rows == 500
    assert t.rows[0] == (0, "2026-01-01T00:00:00")
    long = Table.of(("text",), [("x" * 10_000,)])
    assert len(long.rows[0][0]) == 200


def test_jsonable_handles_numpy_pandas_and_missing():
    assert jsonable(
        {"a": np.float64(1.5), "b": [np.int32(2)], "c": float("nan"), "d": pd.NaT, "e": pd.NA}
    ) == {"a": 1.5, "b": [2], "c": None, "d": None, "e": None}


def test_doc_splits_docstring_sections():
    from dataaudit.checks.size import MinRows

    doc = MinRows.doc()
    assert doc.what.startswith("The dataset has enough rows")
    assert doc.why.startswith("With fewer than about a hundred rows")
    assert doc.how.startswith("Collect more rows")


# -- shared stats ---------------------------------------------------------------------------------------


def test_stats_kinds_and_parsed_views():
    df = pd.DataFrame(
        {
            "num_text": ["1", "2", "3.5", "4", "n/a"] * 40,  # 80% numeric: stays text
            "mostly_num": ["1", "2", "3.5", "4"] * 49 + ["1", "2", "3", "oops"],
            "when": pd.date_range("2026-01-01", periods=200, freq="h").strftime("%Y-%m-%d %H:%M"),
            "flag": ["yes", "no"] * 100,
            "cat": list("abcd") * 50,
            "free": [f"customer said thing number {i} about the product" for i in range(200)],
            "empty": [None] * 200,
        }
    )
    data = make_dataset(df)
    kinds = {c: data.stats[c].kind for c in df.columns}
    assert kinds == {
        "num_text": "categorical",
        "mostly_num": "numeric",
        "when": "datetime",
        "flag": "boolean",
        "cat": "categorical",
        "free": "text",
        "empty": "empty",
    }
    assert data.stats.numeric("mostly_num").isna().sum() == 1
    assert data.stats.datetimes("when").dt.tz is not None
    q = data.stats["mostly_num"].quantiles
    assert q["min"] == 1.0 and q["max"] == 4.0


@pytest.mark.parametrize("layout", ["%d.%m.%Y %H:%M", "%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d"])
def test_text_dates_are_read_in_one_layout_for_the_whole_column(layout):
    """A day-first column is day-first for every row, including the days <= 12 that value-by-value parsing
    would read month-first (1 March, not 3 January)."""
    days = pd.date_range("2026-01-01", "2026-06-30", freq="D")
    data = make_dataset(pd.DataFrame({"when": days.strftime(layout)}))
    parsed = data.stats.datetimes("when")
    assert data.stats["when"].kind == "datetime"
    assert (parsed.dt.tz_convert(None) == days).all()
    assert data.stats.datetime_layout("when") == ("ISO8601" if layout == "%Y-%m-%d" else layout)


def test_stats_are_computed_once(monkeypatch):
    data = make_dataset(pd.DataFrame({"a": [1, 2, 2, 3]}))
    first = data.stats.value_counts("a")
    assert data.stats.value_counts("a") is first
    assert data.stats["a"] is data.stats["a"]
    assert data.stats["a"].distinct == 3 and not data.stats["a"].unique


def test_sample_is_seeded_and_stated():
    data = make_dataset(pd.DataFrame({"a": range(5000)}))
    data.sample_rows = 1000
    assert data.sample().equals(data.sample())
    assert len(data.sample()) == 1000
    assert data.sample_note() == " (on a seeded sample of 1,000 of 5,000 rows)"


def test_nearly_unique_id_is_detected_and_exact_unique_preferred():
    ids = [f"C{i:05d}" for i in range(1000)]
    near = pd.DataFrame({"customer_id": ids[:970] + ids[:30], "x": range(1000)})  # 3% repeated: still the id
    report = dataaudit.audit(near, select=["size.min_rows"])
    assert report.roles["id"] == "customer_id" and "id" in report.detected_roles
    both = near.assign(row_id=range(1000))
    assert dataaudit.audit(both, select=["size.min_rows"]).roles["id"] == "row_id"
    loose = pd.DataFrame(
        {"customer_id": ids[:800] * 1 + ids[:200], "x": range(1000)}
    )  # 20% repeated: not an id
    assert dataaudit.audit(loose, select=["size.min_rows"]).roles["id"] is None


def test_dataframe_input_keeps_named_index_and_makes_names_unique():
    df = pd.DataFrame([[1, 2, 3], [4, 5, 6]] * 100, columns=["a", "a", ""])
    df.index = pd.Index([f"c{i}" for i in range(200)], name="customer_id")
    report = dataaudit.audit(df, select=["size"])
    assert [c.name for c in report.overview] == ["customer_id", "a", "a.1", "unnamed_4"]
    assert "renamed 2 empty or duplicate column name(s)" in report.dataset.notes[0]
    assert report.roles["id"] == "customer_id"
    assert list(df.columns) == ["a", "a", ""]  # the caller's frame is untouched


# -- robustness of the engine around plugins (review findings) -----------------------------------------


@dataclass(frozen=True)
class BadChart(Check):
    """Returns a malformed chart."""

    id: ClassVar[str] = "consistency.bad_chart"
    title: ClassVar[str] = "Bad chart"
    area: ClassVar[Area] = Area.CONSISTENCY

    def run(self, data):
        return Outcome.warn("bad", chart=Chart.of("columns", ["a"], [1, 2, 3]))


@dataclass(frozen=True)
class Exits(Check):
    """Calls sys.exit."""

    id: ClassVar[str] = "consistency.exits"
    title: ClassVar[str] = "Exits"
    area: ClassVar[Area] = Area.CONSISTENCY

    def run(self, data):
        raise SystemExit(0)


@dataclass(frozen=True)
class Leaky(Check):
    """Puts raw values into its message, evidence and crash text."""

    id: ClassVar[str] = "consistency.leaky"
    title: ClassVar[str] = "Leaky"
    area: ClassVar[Area] = Area.CONSISTENCY
    crash: bool = False

    def run(self, data):
        if self.crash:
            raise ValueError("could not parse 'call awilson@example.com on +44 20 7946 0958'")
        return Outcome.fail(
            "found awilson@example.com",
            evidence=Table.of(
                ("note", "when"), [("mail awilson@example.com or (555) 014-2367", "2026-01-02 10:00")]
            ),
        )


def test_malformed_chart_becomes_an_error_result_and_the_report_renders():
    report = dataaudit.audit(FRAME, registry=registry(BadChart, AlwaysFails))
    r = report.result("consistency.bad_chart")
    assert r.status == Status.ERROR and "chart has 1 labels for 3 values" in r.error
    assert "Bad chart" in report.to_html()


def test_check_calling_sys_exit_is_an_error_not_a_silent_pass():
    report = dataaudit.audit(FRAME, registry=registry(Exits, AlwaysFails))
    assert report.result("consistency.exits").status == Status.ERROR
    assert not report.ready


@pytest.mark.parametrize("crash", [False, True])
def test_messages_evidence_and_crash_text_are_masked(crash):
    report = dataaudit.audit(
        FRAME, registry=registry(Leaky), config={"checks": {"consistency.leaky": {"crash": crash}}}
    )
    rendered = report.to_json() + report.to_html()
    assert "awilson@example.com" not in rendered
    assert "7946 0958" not in rendered and "014-2367" not in rendered
    assert "a***@e***" in rendered
    if not crash:
        assert report.result("consistency.leaky").evidence[0].rows[0][1] == "2026-01-02 10:00"  # dates stay


def test_overview_masks_names_and_long_numbers():
    df = pd.DataFrame(
        {
            "customer": ["Dmitri Ivanov", "Carla Gomez"] * 50,
            "acct": [5500000000000004, 4111111111111111] * 50,
            "national_insurance": ["AB654321D", "CD123456E"] * 50,
        }
    )
    report = dataaudit.audit(df, select=["size.min_rows"])
    text = report.to_html() + report.to_json() + str([c.examples for c in report.overview])
    for raw in ("Dmitri", "Ivanov", "5500000000000004", "AB654321D"):
        assert raw not in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"target": "a", "sensitive": ["a"]},
            # issue 17: the API names its keywords (target=), the CLI its flags (--target)
            r"column 'a' is given two roles: target \(target=\) and sensitive \(sensitive=\)",
        ),
        (
            {"config": {"target": "a", "ignore_columns": ["a"]}},
            r"column 'a' is given two roles: target \(config: target\) and ignore_columns",
        ),
        (
            {"id": "a", "timestamp": "a"},
            r"column 'a' is given two roles: timestamp \(timestamp=\) and id \(id=\)",
        ),
    ],
)
def test_a_column_has_one_role(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        dataaudit.audit(FRAME, **kwargs)


def test_selecting_no_check_is_an_error_not_ready():
    with pytest.raises(
        ConfigError, match=r"no checks to run: --select size --ignore size leaves none of the"
    ):
        dataaudit.audit(FRAME, select=["size"], ignore=["size"])


def test_area_names_and_area_ids_select_even_without_checks_installed():
    report = dataaudit.audit(FRAME, select=["size", "consistency.no_such_check"], ignore=["latency.nope"])
    assert {r.area for r in report.results} == {Area.SIZE}
    with pytest.raises(ConfigError, match=r"'sise' matches no check id or area; did you mean 'size'"):
        dataaudit.audit(FRAME, select=["sise"])


def test_dataframe_audit_ignores_a_stray_config_in_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "dataaudit.yaml").write_text("target: not_in_this_frame\n")
    monkeypatch.chdir(tmp_path)
    report = dataaudit.audit(FRAME, select=["size.min_rows"])
    assert report.roles["target"] is None


@pytest.mark.parametrize("as_of", ["2026-06-30", dt.date(2026, 6, 30), "2026-06-30T02:00:00+02:00"])
def test_as_of_accepts_text_and_dates(as_of):
    report = dataaudit.audit(FRAME, select=["size.min_rows"], as_of=as_of)
    assert report.as_of == dt.datetime(2026, 6, 30, tzinfo=dt.UTC)


def test_library_errors_use_dataaudit_error_types():
    with pytest.raises(dataaudit.DataLoadError, match="expected a pandas DataFrame or a path, got Series"):
        dataaudit.audit(FRAME["a"])
    with pytest.raises(ConfigError, match="invalid as_of 'yesterday'"):
        dataaudit.audit(FRAME, as_of="yesterday")


def test_stats_are_shared_between_role_detection_and_checks(monkeypatch):
    from dataaudit.stats import Stats

    calls = []
    original = Stats._compute
    monkeypatch.setattr(Stats, "_compute", lambda self, col: calls.append(col) or original(self, col))
    dataaudit.audit(FRAME.assign(row_id=range(10)), select=["size"])
    assert sorted(calls) == sorted(set(calls))  # each column computed once


def test_no_config_note_only_when_a_search_found_nothing(tmp_path):
    path = tmp_path / "d.csv"
    FRAME.to_csv(path, index=False)
    note = "no dataaudit.yaml found"
    assert any(note in n for n in dataaudit.audit(path, select=["size"]).notes)
    assert not any(
        note in n for n in dataaudit.audit(path, select=["size"], config={"fail_on": "warn"}).notes
    )
    assert not any(note in n for n in dataaudit.audit(FRAME, select=["size"]).notes)
