"""Smoke test of the field corpus harness (bench/field/run.py): it runs, marks and measures.

The full corpus run is a benchmark, not a test (python bench/field/run.py, about two minutes). Here: the
harness end to end on scikit-learn's bundled tables (a core dependency, always available), its marking rule,
a table whose package is missing, and, when the dirty/clean pairs are present beside the repository, the
pair measure on their first rows.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKS = {"expected", "genuine", "false alarm", "error"}


@pytest.fixture(scope="module")
def harness():
    path = ROOT / "bench" / "field" / "run.py"
    spec = importlib.util.spec_from_file_location("field_run", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["field_run"] = module
    spec.loader.exec_module(module)
    return module


def test_sklearn_tables_get_a_verdict_and_marks(harness, tmp_path):
    out = tmp_path / "results.json"
    md = tmp_path / "RESULTS.md"
    assert (
        harness.main(["--only", "iris", "diabetes", "--no-pairs", "--json", str(out), "--out", str(md)]) == 0
    )
    data = json.loads(out.read_text())
    tables = {t["name"]: t for t in data["tables"]}
    assert set(tables) == {"iris", "diabetes"}
    for t in tables.values():
        assert "skipped" not in t, t.get("skipped")
        assert t["verdict"] in ("ready", "not_ready")
        assert t["expected_verdict"] in ("ready", "not_ready")  # every corpus table has an expectation
        assert t["rows"] > 100 and t["input"] == "DataFrame"
        for f in t["flags"]:
            assert f["status"] in ("warn", "fail", "error") and f["mark"] in MARKS, f
    assert tables["diabetes"]["roles"]["sensitive"] == ["sex"]
    s = data["summary"]
    assert s["tables"] == 2 and s["clean_tables"] == 2
    fa = sum(
        1 for t in tables.values() for f in t["flags"] if f["mark"] == "false alarm" and f["status"] == "warn"
    )
    assert s["false_alarm_warnings"] == fa and s["false_alarm_warnings_per_table"] == round(fa / 2, 2)
    assert "clean tables not ready" in md.read_text()
    # --baseline: a run against itself changes nothing; a flag that went away is named
    same = harness.compare(data, data["tables"], data["pairs"], s)
    assert f"- false-alarm fails: {s['false_alarm_fails']} → {s['false_alarm_fails']}" in same
    assert not [line for line in same if line.startswith(("- iris:", "- diabetes:"))]
    old = json.loads(json.dumps(data))
    fake = {
        "check": "consistency.fake",
        "status": "fail",
        "columns": [],
        "message": "",
        "mark": "false alarm",
    }
    old["tables"][0]["flags"].append(fake)
    lines = harness.compare(old, data["tables"], data["pairs"], s)
    assert any("gone: `consistency.fake` fail (false alarm)" in line for line in lines)


def test_marking_rule(harness):
    expected = [{"check": "consistency.missing_values", "columns": ["sex"]}, {"check": "size"}]
    reviewed = [{"check": "policy.special_categories", "columns": ["race"], "why": "race of real people"}]
    mark = harness.mark
    assert mark("consistency.missing_values", "warn", ("sex", "age"), expected, reviewed)[0] == "expected"
    assert mark("consistency.missing_values", "warn", ("age",), expected, reviewed)[0] == "false alarm"
    assert mark("size.min_rows", "fail", (), expected, reviewed)[0] == "expected"  # an area prefix
    assert (
        mark("sizeable.check", "warn", (), expected, reviewed)[0] == "false alarm"
    )  # a prefix is a whole area
    assert mark("policy.special_categories", "warn", ("race",), expected, reviewed) == (
        "genuine",
        "race of real people",
    )
    assert mark("policy.special_categories", "warn", (), expected, reviewed)[0] == "false alarm"
    assert mark("consistency.outliers", "error", ("x",), expected, reviewed)[0] == "error"


def test_a_table_whose_package_is_missing_is_skipped_with_the_reason(harness):
    def load():
        import dataaudit_no_such_package  # noqa: F401

    table = harness.Table("ghost", "dataaudit-no-such-package", load, "a table from a package not installed")
    res = harness.audit_table(table, {}, {})
    assert "dataaudit-no-such-package not importable" in res["skipped"]
    summary = harness.summarize([res], [])
    assert summary["tables"] == 0 and "ghost" in summary["skipped"]


def test_pairs_measure_recall_and_clean_flags(harness):
    folder = harness.field_dir()
    if folder is None or not all((folder / p / "dirty.csv").is_file() for p in harness.PAIRS):
        pytest.skip(
            "the dirty/clean pairs (../shared/field beside the repository, "
            "or $DATAAUDIT_FIELD_DIR) are absent"
        )
    for name in harness.PAIRS:
        p = harness.audit_pair(name, folder / name, rows=120)
        assert "skipped" not in p, p.get("skipped")
        assert p["rows"] == 120 and len(p["columns"]) == p["cols"]
        assert p["dirty"]["verdict"] in ("ready", "not_ready") and p["clean"]["verdict"] in (
            "ready",
            "not_ready",
        )
        # the ground truth: some columns hold errors, every share is a share
        assert p["columns_with_errors"] >= 1
        assert all(0.0 <= c["error_share"] <= 1.0 for c in p["columns"])
        assert 0.0 <= p["recall"] <= 1.0
        for c in p["columns"]:
            assert c["found"] == (
                bool(set(c["dirty_flags"]) - set(c["clean_flags"])) if c["error_share"] >= 0.01 else None
            )
        assert p["clean_column_flags"] == sum(len(c["clean_flags"]) for c in p["columns"])
