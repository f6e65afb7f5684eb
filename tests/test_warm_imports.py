"""The slow imports a check declares (``Check.imports``: scikit-learn's, for the checks that fit models) are
made in a background thread while the data is read, on two or more cores (dataaudit.lanes.warm_imports);
only for the checks that will run; a module that fails to import is that check's error, as before."""

from __future__ import annotations

import dataclasses
import importlib
import sys
import uuid
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

import dataaudit
import dataaudit.api
import dataaudit.lanes
from dataaudit.check_api import FITS_MODELS, Cost
from dataaudit.model import Area, Check, Outcome, Status
from dataaudit.registry import Registry
from tests.helpers import AS_OF

FRAME = pd.DataFrame({"x": np.arange(100), "y": np.arange(100) % 2})


def _probe(tmp_path, monkeypatch, body: str = "") -> str:
    """A module that records, when imported, the thread that imported it: a fresh name per test."""
    name = f"warm_probe_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text(
        f"import threading\nTHREAD = threading.current_thread().name\n{body}"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


@pytest.fixture
def warmed(monkeypatch):
    """Two cores, and each warm-up waited for as it starts (in an audit it runs while the data is read), so
    that what it imported, and in which thread, is known when the checks run."""
    monkeypatch.setattr(dataaudit.lanes, "cores", lambda: 2)
    started: list[object] = []

    def warm_and_wait(checks):
        thread = dataaudit.lanes.warm_imports(checks)
        if thread is not None:
            thread.join()
        started.append(thread)
        return thread

    monkeypatch.setattr(dataaudit.api, "warm_imports", warm_and_wait)
    return started


def _registry(module: str, requires: tuple[str, ...] = (), cost: Cost = FITS_MODELS) -> Registry:
    @dataclasses.dataclass(frozen=True)
    class _Imports(Check):
        """Imports a slow module in its run and says which thread imported it first."""

        id: ClassVar[str] = "consistency.warm_probe"
        title: ClassVar[str] = "a check with a slow import"
        area: ClassVar[Area] = Area.CONSISTENCY
        imports: ClassVar[tuple[str, ...]] = (module,)

        def run(self, data) -> Outcome:
            return Outcome.ok(f"imported in {importlib.import_module(module).THREAD}")

    _Imports.cost = cost  # type: ignore[misc]
    _Imports.requires = requires  # type: ignore[misc]
    registry = Registry()
    registry.add_all([_Imports], "test")
    return registry


def test_a_declared_import_is_made_in_the_background_while_the_data_is_read(tmp_path, monkeypatch, warmed):
    module = _probe(tmp_path, monkeypatch)
    report = dataaudit.audit(FRAME, registry=_registry(module, ("target",)), target="y", as_of=AS_OF)
    assert report.result("consistency.warm_probe").message == "imported in dataaudit-imports"


def test_on_one_core_the_check_imports_its_module_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(dataaudit.lanes, "cores", lambda: 1)
    module = _probe(tmp_path, monkeypatch)
    report = dataaudit.audit(FRAME, registry=_registry(module), as_of=AS_OF)
    result = report.result("consistency.warm_probe")
    assert result.status == Status.PASS
    assert result.message != "imported in dataaudit-imports"


@pytest.mark.parametrize(
    ("keywords", "requires"),
    [({"quick": True}, ()), ({}, ("target",))],
    ids=["left out by --quick", "its role not declared"],
)
def test_no_import_for_a_check_that_will_not_run(tmp_path, monkeypatch, warmed, keywords, requires):
    module = _probe(tmp_path, monkeypatch)
    report = dataaudit.audit(FRAME, registry=_registry(module, requires), as_of=AS_OF, **keywords)
    assert report.result("consistency.warm_probe").status == Status.SKIPPED
    assert module not in sys.modules
    assert not any(warmed)  # no thread started: nothing to import


def test_a_module_that_fails_to_import_is_the_checks_error(tmp_path, monkeypatch, warmed):
    module = _probe(tmp_path, monkeypatch, body="raise ImportError('no such backend')\n")
    report = dataaudit.audit(FRAME, registry=_registry(module, cost="light"), as_of=AS_OF)
    result = report.result("consistency.warm_probe")
    assert result.status == Status.ERROR
    assert "no such backend" in result.message
    assert warmed != [None]  # it was tried in the background first
