"""The checks that fit models run in a second thread beside the others, where the rows are in memory and
two cores can share the work (dataaudit.lanes). Their results are those of one lane: shared work is
computed once (``Dataset.memo``), a check that reads another's result (``Check.reads``) runs after it, a
crash is still that check's ``error``, and the report keeps the checks' order."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

import dataaudit
import dataaudit.lanes
from dataaudit.check_api import FITS_MODELS, Cost
from dataaudit.model import Area, Check, Outcome, Status
from dataaudit.registry import Registry
from tests.helpers import AS_OF, SAMPLE

two_cores = pytest.mark.skipif(dataaudit.lanes.cores() < 2, reason="the second lane needs two cores")

#: what the checks below saw, in the order they saw it
EVENTS: list[str] = []
OTHER_RAN = threading.Event()
COMPUTED: list[int] = []
#: how long the model check waits for the light check
WAIT = {"seconds": 5.0}


@dataclasses.dataclass(frozen=True)
class _Waits(Check):
    """Fits a model: passes when the light check after it in the plan ran while it waited."""

    id: ClassVar[str] = "consistency.lanes_model"
    title: ClassVar[str] = "a model"
    area: ClassVar[Area] = Area.CONSISTENCY
    cost: ClassVar[Cost] = FITS_MODELS

    def run(self, data) -> Outcome:
        EVENTS.append("model started")
        seen = OTHER_RAN.wait(WAIT["seconds"])  # in one lane the light check runs only after this one
        value = data.memo("shared", _slow_compute)
        EVENTS.append("model done")
        return Outcome.ok(f"saw the light check: {seen}; {value}") if seen else Outcome.fail("ran alone")


@dataclasses.dataclass(frozen=True)
class _Light(Check):
    """Counts: asks for the value the model check shares."""

    id: ClassVar[str] = "consistency.lanes_count"
    title: ClassVar[str] = "a count"
    area: ClassVar[Area] = Area.CONSISTENCY

    def run(self, data) -> Outcome:
        EVENTS.append("light")
        OTHER_RAN.set()
        return Outcome.ok(f"{data.n_rows} rows; {data.memo('shared', _slow_compute)}")


@dataclasses.dataclass(frozen=True)
class _Reader(Check):
    """Reads the model check's result (planned before it, as the size rules come before the curve)."""

    id: ClassVar[str] = "consistency.lanes_reader"
    title: ClassVar[str] = "reads the model"
    area: ClassVar[Area] = Area.CONSISTENCY
    reads: ClassVar[tuple[str, ...]] = (_Waits.id,)

    def run(self, data) -> Outcome:
        EVENTS.append("reader")
        return Outcome.ok("read")


def _slow_compute() -> str:
    COMPUTED.append(1)
    time.sleep(0.3)  # long enough for the other lane to ask while this computes
    return "shared value"


@pytest.fixture
def plugins():
    EVENTS.clear()
    COMPUTED.clear()
    OTHER_RAN.clear()
    registry = Registry()
    registry.add_all([_Reader, _Waits, _Light], "test")
    return registry


@two_cores
@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_the_model_check_runs_beside_the_others_and_shared_work_is_computed_once(plugins, engine):
    """Out of core (duckdb) the model check reads the in-memory sample, beside the first lane's queries."""
    report = dataaudit.audit(
        pd.DataFrame({"x": np.arange(200)}), registry=plugins, as_of=AS_OF, engine=engine
    )
    assert report.dataset.engine == engine
    model = report.result("consistency.lanes_model")
    assert model.status == Status.PASS, model.message
    assert "saw the light check: True" in model.message
    assert report.result("consistency.lanes_count").message == "200 rows; shared value"
    assert COMPUTED == [1]  # both asked for "shared"; one computed it, the other waited for its value
    # the reader, planned first, ran after the model check it reads; the report keeps the plan's order
    assert EVENTS.index("reader") > EVENTS.index("model done")
    assert [r.id for r in report.results] == [_Reader.id, _Waits.id, _Light.id]


def test_in_one_lane_the_model_check_runs_alone(plugins, monkeypatch):
    """The same checks where only one core is free: in the plan's order, one after the other (the model
    check waits in vain for a check that has not run yet): the test above can fail."""
    monkeypatch.setattr(dataaudit.lanes, "cores", lambda: 1)
    monkeypatch.setitem(WAIT, "seconds", 0.2)
    report = dataaudit.audit(pd.DataFrame({"x": np.arange(200)}), registry=plugins, as_of=AS_OF)
    assert report.result("consistency.lanes_model").status == Status.FAIL
    assert report.result("consistency.lanes_model").message == "ran alone"
    assert EVENTS == ["reader", "model started", "model done", "light"]


@dataclasses.dataclass(frozen=True)
class _Crashes(Check):
    """Fits a model and crashes."""

    id: ClassVar[str] = "consistency.lanes_crash"
    title: ClassVar[str] = "a crashing model"
    area: ClassVar[Area] = Area.CONSISTENCY
    cost: ClassVar[Cost] = FITS_MODELS

    def run(self, data) -> Outcome:
        raise ValueError("the model could not be fitted")


@two_cores
def test_a_crash_in_the_second_lane_is_that_checks_error():
    registry = Registry()
    registry.add_all([_Crashes, _Light], "test")
    OTHER_RAN.clear()
    told: list[tuple[int, int, str]] = []
    report = dataaudit.audit(
        pd.DataFrame({"x": np.arange(50)}),
        registry=registry,
        as_of=AS_OF,
        progress=lambda i, n, check: told.append((i, n, check)) if n else None,
    )
    crash = report.result("consistency.lanes_crash")
    assert crash.status == Status.ERROR
    assert "ValueError: the model could not be fitted" in crash.message
    assert report.result("consistency.lanes_count").status == Status.PASS
    # progress: each check told once, counting up, then the end
    assert [t[0] for t in told] == [0, 1, 2]
    assert sorted(t[2] for t in told[:2]) == sorted([_Crashes.id, _Light.id])


def _results(report) -> list[tuple]:
    return [
        (r.id, r.status, r.message, json.dumps(r.observed, sort_keys=True, default=str), r.scope)
        for r in report.results
    ]


@two_cores
@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_two_lanes_give_one_lanes_results_on_the_sample_data(monkeypatch, engine):
    """loans.csv with its target: the learning curve, leak scan and label errors run in the second lane;
    every result, and the size rules that read the curve, as in one lane."""
    lanes = dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF, engine=engine)
    monkeypatch.setattr(dataaudit.lanes, "cores", lambda: 1)
    one = dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF, engine=engine)
    assert lanes.result("consistency.target_leakage").status == Status.FAIL
    assert _results(lanes) == _results(one)


SECOND_MODEL_RAN = threading.Event()


@dataclasses.dataclass(frozen=True)
class _FirstModel(Check):
    """Fits a model: passes when the second model check ran while it was fitting."""

    id: ClassVar[str] = "consistency.lanes_first_model"
    title: ClassVar[str] = "the first model"
    area: ClassVar[Area] = Area.CONSISTENCY
    cost: ClassVar[Cost] = FITS_MODELS

    def run(self, data) -> Outcome:
        seen = SECOND_MODEL_RAN.wait(WAIT["seconds"])
        return Outcome.ok("the second model ran beside it") if seen else Outcome.fail("ran alone")


@dataclasses.dataclass(frozen=True)
class _SecondModel(Check):
    """Fits another model."""

    id: ClassVar[str] = "consistency.lanes_second_model"
    title: ClassVar[str] = "the second model"
    area: ClassVar[Area] = Area.CONSISTENCY
    cost: ClassVar[Cost] = FITS_MODELS

    def run(self, data) -> Outcome:
        SECOND_MODEL_RAN.set()
        return Outcome.ok("fitted")


@two_cores
def test_the_first_lane_takes_the_next_model_check_when_it_is_done():
    """On a small table the light checks finish long before the fits: the first lane then takes the second
    lane's next check, and two fits run at once."""
    SECOND_MODEL_RAN.clear()
    registry = Registry()
    registry.add_all([_FirstModel, _SecondModel, _Light], "test")
    OTHER_RAN.clear()
    report = dataaudit.audit(pd.DataFrame({"x": np.arange(50)}), registry=registry, as_of=AS_OF)
    assert report.result(_FirstModel.id).message == "the second model ran beside it"
    assert report.result(_SecondModel.id).status == Status.PASS
    assert [r.id for r in report.results] == [_FirstModel.id, _SecondModel.id, _Light.id]
