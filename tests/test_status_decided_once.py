"""A result's status is decided in one place (the runner: severity cap, guessed-role cap, waiver), listed in
one order by every renderer (model.STATUS_ORDER), and counted in a typed summary."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

import dataaudit
from dataaudit.model import STATUS_ORDER, Severity, Status, Summary, in_status_order
from dataaudit.registry import Registry
from dataaudit.runner import Planned, run_one
from dataaudit.waivers import Waiver
from tests.helpers import make_dataset

SMALL = pd.DataFrame({"x": range(50), "y": [0, 1] * 25})


def _min_rows():
    return Registry.default().get("size.min_rows").check()


def test_the_runner_applies_a_waiver_after_the_severity_cap():
    data = make_dataset(SMALL, target="y")
    waiver = Waiver(check="size.min_rows", reason="pilot", owner="ana", expires=dt.date(2026, 12, 31))
    plain = run_one(data, Planned(_min_rows(), Severity.FAIL, "test"))
    waived = run_one(data, Planned(_min_rows(), Severity.FAIL, "test"), waivers=[waiver])
    capped = run_one(data, Planned(_min_rows(), Severity.WARN, "test"), waivers=[waiver])
    assert plain.status == Status.FAIL
    assert waived.status == capped.status == Status.WAIVED
    assert waived.message.endswith("[waived until 2026-12-31: pilot (owner: ana)]")
    late = Waiver(check="size.min_rows", reason="pilot", owner="ana", expires=dt.date(2026, 1, 1))
    expired = run_one(data, Planned(_min_rows(), Severity.FAIL, "test"), waivers=[late])
    assert expired.status == Status.FAIL and "waiver expired on 2026-01-01" in expired.message


def test_summary_is_typed_and_its_dict_is_the_json():
    report = dataaudit.audit(SMALL, target="y", as_of="2026-06-30", select=["size"])
    summary = report.summary
    assert isinstance(summary, Summary)
    assert summary.checks == len(report.results) == sum(summary.by_status.values())
    assert json.loads(report.to_json())["summary"] == summary.to_dict()
    assert summary["by_status"] == dict(summary.by_status)  # as when it was a dict
    assert summary.by_status["fail"] >= 1


def test_results_listed_worst_first():
    report = dataaudit.audit(SMALL, target="y", as_of="2026-06-30", select=["size"])
    listed = in_status_order(report.results)
    ranks = [STATUS_ORDER.index(r.status) for r in listed]
    assert ranks == sorted(ranks) and len(listed) == len(report.results)
    assert listed[0].status == Status.FAIL
