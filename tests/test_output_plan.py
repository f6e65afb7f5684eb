"""The run command's outputs are one plan (dataaudit/outputs.py): checked together before the audit, rendered
after it, written together."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd
import pytest

import dataaudit
from dataaudit.errors import ConfigError
from dataaudit.outputs import OutputPlan


def test_plan_refuses_each_clash_before_the_audit(tmp_path: Path):
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n")
    html = tmp_path / "r.html"
    with pytest.raises(click.BadParameter, match="is also the HTML report's path"):
        OutputPlan.check(html=html, json=str(html), data=data)
    with pytest.raises(ConfigError, match="given to both --json and --junit"):
        OutputPlan.check(html=html, json=str(tmp_path / "r.json"), junit=tmp_path / "r.json", data=data)
    with pytest.raises(ConfigError, match="it is the input data file"):
        OutputPlan.check(html=html, markdown=data, data=data)
    with pytest.raises(ConfigError, match="does not exist"):
        OutputPlan.check(html=tmp_path / "nope" / "r.html", data=data)
    assert not list(tmp_path.glob("r.*"))


def test_plan_renders_every_output_in_order_and_writes_none_before(tmp_path: Path):
    frame = pd.DataFrame({"x": range(200), "y": [0, 1] * 100})
    report = dataaudit.audit(frame, target="y", as_of="2026-06-30", select=["size"], snapshot=True)
    plan = OutputPlan.check(
        html=tmp_path / "r.html",
        json=str(tmp_path / "r.json"),
        junit=tmp_path / "r.xml",
        markdown=tmp_path / "r.md",
        snapshot=tmp_path / "s.json",
    )
    rendered = plan.render(report)
    assert list(rendered.labels) == ["report", "json", "junit", "markdown", "snapshot"]
    assert [p.name for p, _ in rendered.files] == ["r.html", "r.json", "r.xml", "r.md", "s.json"]
    assert rendered.json_text is not None and '"verdict"' in rendered.json_text
    assert not list(tmp_path.iterdir())  # rendering writes nothing
