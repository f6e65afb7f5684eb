"""Renderers: the HTML is escaped, self-contained and bounded; the JSON follows its schema."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

import dataaudit
from tests.helpers import AS_OF, CHECK_FIELDS

XSS = "<script>alert(1)</script>"


def test_hostile_column_name_and_values_are_escaped():
    df = pd.DataFrame({XSS: ["<img src=x onerror=alert(2)>"] * 5 + ["b"] * 5, "y": [0, 1] * 5})
    report = dataaudit.audit(df, sensitive=[XSS], target="y", as_of=AS_OF)
    html = report.to_html()
    assert XSS not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror" not in html or "&lt;img" in html
    notebook = report._repr_html_()  # an iframe: the report's CSS must not restyle the notebook
    assert (
        notebook.startswith("<iframe")
        and "&amp;lt;script&amp;gt;alert(1)" in notebook
        and "<script>" not in notebook
    )


def test_html_is_self_contained():
    report = dataaudit.audit(pd.DataFrame({"a": range(50), "b": ["x", "y"] * 25}), as_of=AS_OF)
    html = report.to_html()
    assert not re.search(r"https?://", html)
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"""(src|href)=["'](?!#)""", html)  # only in-page anchors
    assert "<style>" in html and "@media print" in html


def test_html_size_is_bounded_for_wide_data():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.integers(0, 5, size=(200, 3000)), columns=[f"col_{i}" for i in range(3000)])
    report = dataaudit.audit(df, as_of=AS_OF)
    html = report.to_html()
    assert len(html.encode()) < 1_000_000
    assert "overview lists the first 500 of 3,000 columns" in html


def test_overview_masks_personal_values():
    df = pd.DataFrame(
        {
            "email": [f"person{i}@example.com" for i in range(20)],
            "notes": [f"call me on +44 20 7946 09{i:02d}" for i in range(20)],
            "amount": np.arange(20) * 1.5,
        }
    )
    report = dataaudit.audit(df, as_of=AS_OF)
    rendered = report.to_html() + report.to_json()
    assert "person0@example.com" not in rendered
    assert "7946 0900" not in rendered
    amount = next(c for c in report.overview if c.name == "amount")
    assert amount.examples[0] in {str(v) for v in df["amount"]}  # plain numbers are shown as they are


def test_json_schema_fields():
    df = pd.DataFrame({"x": range(300), "y": [0, 1, 1] * 100, "g": ["a", "b", "c"] * 100})
    doc = json.loads(dataaudit.audit(df, target="y", sensitive=["g"], as_of=AS_OF).to_json())
    assert doc["schema_version"] == 1
    assert doc["tool"]["name"] == "dataaudit"
    assert doc["dataset"]["rows"] == 300 and doc["dataset"]["columns"] == 3
    assert doc["roles"]["target"] == "y" and doc["roles"]["sensitive"] == ["g"]
    assert doc["verdict"] in ("ready", "not_ready")
    assert doc["as_of"] == "2026-06-30T00:00:00+00:00"
    assert set(doc["summary"]) == {"checks", "by_status", "by_area"}
    for check in doc["checks"]:
        assert set(check) >= CHECK_FIELDS
        assert check["status"] in ("pass", "warn", "fail", "error", "skipped")
    min_rows = next(c for c in doc["checks"] if c["id"] == "size.min_rows")
    assert (min_rows["status"], min_rows["observed"]) == ("fail", 300) or min_rows["status"] == "warn"


def test_html_shows_verdict_scorecard_sections_and_run_metadata():
    df = pd.DataFrame({"x": range(50), "y": [0, 1] * 25})
    html = dataaudit.audit(df, target="y", as_of=AS_OF).to_html()
    assert "NOT READY" in html  # 50 rows < 100 → size.min_rows fails
    for area in ("size", "consistency", "bias", "policy", "latency"):
        assert f'id="area-{area}"' in html
    assert "Why it matters" in html and "How to fix" in html
    assert "only 50 rows; at least 100 needed" in html
    assert 'id="overview"' in html and "2026-06-30T00:00:00+00:00" in html
