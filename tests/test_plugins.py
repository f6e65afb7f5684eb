"""Plugin discovery: the built-in tuple, a --checks folder, the dataaudit.checks entry-point group."""

from __future__ import annotations

import importlib.metadata
import textwrap

import pandas as pd
import pytest

import dataaudit
from dataaudit.errors import PluginError
from dataaudit.registry import Registry

PLUGIN = '''
from __future__ import annotations  # must work: the module is in sys.modules before exec

from dataclasses import dataclass
from typing import ClassVar

from dataaudit import Area, Check, Outcome


@dataclass(frozen=True)
class NoNegativePrices(Check):
    """Prices are never negative.

    Why it matters: a negative price is a data-entry error.

    How to fix: correct the source system.
    """

    id: ClassVar[str] = "{id}"
    title: ClassVar[str] = "No negative prices"
    area: ClassVar[Area] = Area.{area}

    column: str = "price"

    def run(self, data):
        n = int((data.frame[self.column] < 0).sum())
        if n:
            return Outcome.fail(f"{{n}} negative prices", observed=n, columns=[self.column])
        return Outcome.ok("no negative prices")
'''


def write_plugin(folder, name="prices.py", check_id="consistency.no_negative_prices", area="CONSISTENCY"):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(PLUGIN.format(id=check_id, area=area)))
    return folder


def test_builtin_registry_lists_size_checks():
    ids = Registry.default(entry_points=False).ids
    assert ids[:4] == ["size.min_rows", "size.rows_per_feature", "size.class_counts", "size.group_counts"]


def test_folder_plugin_is_discovered_and_runs(tmp_path):
    folder = write_plugin(tmp_path / "my_checks")
    reg = Registry.default([folder], entry_points=False)
    assert "consistency.no_negative_prices" in reg
    assert reg.get("consistency.no_negative_prices").source == str(folder / "prices.py")
    report = dataaudit.audit(
        pd.DataFrame({"price": [1.0, -2.0, 3.0]}), registry=reg, select=["consistency.no_negative_prices"]
    )
    result = report.result("consistency.no_negative_prices")
    assert (result.status, result.message, result.observed) == ("fail", "1 negative prices", 1)
    assert result.doc.why == "A negative price is a data-entry error."


def test_folder_plugin_parameters_come_from_config(tmp_path):
    folder = write_plugin(tmp_path / "my_checks")
    report = dataaudit.audit(
        pd.DataFrame({"cost": [-1.0, 2.0]}),
        checks_dirs=[folder],
        select=["consistency"],
        config={"checks": {"consistency.no_negative_prices": {"column": "cost"}}},
    )
    assert report.result("consistency.no_negative_prices").message == "1 negative prices"


def test_duplicate_id_names_both_sources(tmp_path):
    folder = write_plugin(tmp_path / "dup", check_id="size.min_rows", area="SIZE")
    with pytest.raises(
        PluginError, match=r"duplicate check id 'size.min_rows': defined by builtin and by .*prices.py"
    ):
        Registry.default([folder], entry_points=False)


def test_duplicate_between_two_folder_files(tmp_path):
    folder = write_plugin(tmp_path / "f")
    write_plugin(folder, name="prices_again.py")
    with pytest.raises(PluginError, match=r"defined by .*prices.py and by .*prices_again.py"):
        Registry.default([folder], entry_points=False)


@pytest.mark.parametrize("bad_id", ["MinRows", "size", "size.MinRows", "size.min-rows", "bias.x y"])
def test_malformed_id_is_rejected(tmp_path, bad_id):
    folder = write_plugin(tmp_path / "bad", check_id=bad_id)
    with pytest.raises(PluginError, match=r"malformed id"):
        Registry.default([folder], entry_points=False)


def test_id_must_start_with_its_area(tmp_path):
    folder = write_plugin(tmp_path / "bad", check_id="size.no_negative_prices")
    with pytest.raises(PluginError, match=r"the id must start with its area 'consistency'"):
        Registry.default([folder], entry_points=False)


def test_plugin_that_fails_to_import_is_an_error(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "broken.py").write_text("import not_a_module_anywhere\n")
    with pytest.raises(PluginError, match=r"broken.py: failed to import: ModuleNotFoundError"):
        Registry.default([folder], entry_points=False)


def test_folder_file_without_checks_is_an_error(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "nothing.py").write_text("X = 1\n")
    with pytest.raises(PluginError, match=r"nothing.py: defines no checks"):
        Registry.default([folder], entry_points=False)


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(PluginError, match=r"--checks folder not found"):
        Registry.default([tmp_path / "nope"], entry_points=False)


def fake_entry_points(monkeypatch, *eps):
    real = importlib.metadata.entry_points

    def entry_points(**kw):
        if kw.get("group") == "dataaudit.checks":
            return importlib.metadata.EntryPoints(eps)
        return real(**kw)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)


def test_entry_point_plugin_is_discovered(tmp_path, monkeypatch):
    write_plugin(tmp_path / "pkg", name="acme_checks.py")
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    fake_entry_points(
        monkeypatch, importlib.metadata.EntryPoint("acme", "acme_checks:NoNegativePrices", "dataaudit.checks")
    )
    reg = Registry.default()
    assert reg.get("consistency.no_negative_prices").source == "entry point 'acme'"


def test_entry_point_module_exports_checks(tmp_path, monkeypatch):
    write_plugin(tmp_path / "pkg", name="acme_mod.py")
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    fake_entry_points(monkeypatch, importlib.metadata.EntryPoint("acme", "acme_mod", "dataaudit.checks"))
    assert "consistency.no_negative_prices" in Registry.default()


def test_broken_entry_point_is_an_error_not_skipped(monkeypatch):
    fake_entry_points(
        monkeypatch, importlib.metadata.EntryPoint("bad", "no_such_pkg_xyz:Check", "dataaudit.checks")
    )
    with pytest.raises(PluginError, match=r"entry point 'bad': failed to import no_such_pkg_xyz:Check"):
        Registry.default()
