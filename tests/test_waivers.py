"""Waivers: an accepted risk shows as ``waived`` in every output and does not fail the gate until it expires;
an expired waiver fails again and says so; a waiver that matches nothing is reported as stale."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.cli import cli
from dataaudit.errors import ConfigError
from tests.helpers import AS_OF

pytestmark = pytest.mark.usefixtures("hermetic")

SMALL = pd.DataFrame(
    {"x": np.arange(50, dtype=float), "y": np.arange(50) % 2}
)  # size.min_rows fails: 50 rows


def waiver(**kw) -> dict:
    w = {"check": "size.min_rows", "reason": "pilot data, more coming", "owner": "ana@example.org"}
    w["expires"] = "2026-12-31"
    w.update(kw)
    return w


def audit(waivers, frame=SMALL, **kw):
    config = {"waivers": waivers, "select": ["size.min_rows", "size.rows_per_feature"]}
    return dataaudit.audit(frame, config=config, as_of=AS_OF, **kw)


def test_a_waived_failure_does_not_block_and_says_why() -> None:
    report = audit([waiver()])
    r = report.result("size.min_rows")
    assert r.status == "waived"
    assert r.message == (
        "only 50 rows; at least 100 needed by the rule of thumb "
        "[waived until 2026-12-31: pilot data, more coming "
        "(owner: ana@example.org)]"  # the owner the user typed is not data: shown unless mask=all
    )
    assert report.ready and report.summary["by_status"]["waived"] == 1
    doc = json.loads(report.to_json())
    check = next(c for c in doc["checks"] if c["id"] == "size.min_rows")
    assert check["status"] == "waived"
    assert check["waiver"] == {
        "check": "size.min_rows",
        "columns": [],
        "reason": "pilot data, more coming",
        "owner": "ana@example.org",
        "expires": "2026-12-31",
        "expired": False,
    }
    assert 'class="pill waived"' in report.to_html()


def test_the_waiver_applies_through_its_expiry_day_and_fails_after() -> None:
    assert audit([waiver(expires="2026-06-30")]).result("size.min_rows").status == "waived"
    report = audit([waiver(expires="2026-06-29")])
    r = report.result("size.min_rows")
    assert r.status == "fail" and not report.ready
    assert "[waiver expired on 2026-06-29: pilot data, more coming" in r.message
    assert r.waiver["expired"] is True


def test_a_waiver_matching_nothing_is_stale() -> None:
    big = pd.DataFrame({"x": np.arange(2000, dtype=float), "y": np.arange(2000) % 2})
    report = audit([waiver()], frame=big)
    assert report.result("size.min_rows").status == "pass"
    assert report.notes[-1] == (
        "stale waiver: size.min_rows matches no warning or failure in this run; remove it "
        "(owner: ana@example.org, expires 2026-12-31)"
    )


def test_columns_restrict_the_waiver() -> None:
    wide = pd.DataFrame({f"f{i}": np.arange(300.0) * i for i in range(1, 40)})  # 300 rows / 39 features: warn
    base = audit([], frame=wide).result("size.rows_per_feature")
    assert base.status in ("warn", "fail")
    other_cols = audit([waiver(check="size.rows_per_feature", columns=["somewhere_else"])], frame=wide)
    assert other_cols.result("size.rows_per_feature").status == base.status  # it names no column: not covered
    area = audit([waiver(check="size")], frame=wide)
    assert area.result("size.rows_per_feature").status == "waived"  # an area waives all its checks


def test_an_unknown_check_is_a_config_error() -> None:
    with pytest.raises(
        ConfigError, match=r"waivers.0.check: unknown check 'size.min_row'; did you mean 'size.min_rows'"
    ):
        audit([waiver(check="size.min_row")])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"reason": ""}, "waivers.0.reason: string should have at least 1 character"),
        ({"expires": "soon"}, "waivers.0.expires: input should be a valid date"),
        ({"owner": None}, "waivers.0.owner: input should be a valid string"),
        ({"colour": "red"}, "unknown key 'waivers.0.colour'"),
    ],
)
def test_malformed_waivers_are_config_errors(bad, message) -> None:
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        audit([waiver(**bad)])


def test_waived_in_every_cli_output(tmp_path: Path) -> None:
    SMALL.to_csv("small.csv", index=False)
    Path("dataaudit.yaml").write_text(
        textwrap.dedent(
            """\
            waivers:
              - check: size.min_rows
                reason: pilot | data
                owner: data-team
                expires: 2027-03-31
            """
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "small.csv",
            "--as-of",
            "2026-06-30",
            "--select",
            "size.min_rows",
            "--junit",
            "j.xml",
            "--markdown",
            "m.md",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "READY" in result.stdout
    assert (
        "WAIVED size.min_rows: only 50 rows; at least 100 needed by the rule of thumb "
        "[waived until 2027-03-31: pilot | data" in (result.stdout)
    )
    case = next(ET.parse("j.xml").getroot().iter("testcase"))
    assert case.find("failure") is None and case.find("system-out").text.startswith("WAIVED: only 50 rows")
    md = Path("m.md").read_text(encoding="utf-8")
    assert "| `size.min_rows` | pilot \\| data | data-team | 2027-03-31 |" in md


def test_a_renewal_added_below_an_expired_waiver_applies() -> None:
    report = audit([waiver(expires="2026-06-01"), waiver(expires="2026-12-31", reason="renewed")])
    r = report.result("size.min_rows")
    assert r.status == "waived" and report.ready
    assert "[waived until 2026-12-31: renewed" in r.message
    assert not [n for n in report.notes if "waiver" in n]  # the expired one is superseded, not stale


def test_a_waiver_covering_only_some_flagged_columns_is_not_called_stale() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400), "y": np.arange(400) % 2})
    frame.loc[:39, "a"] = np.nan
    frame.loc[100:139, "b"] = np.nan  # both 10% missing: consistency.missing_values warns on a and b
    w = waiver(check="consistency.missing_values", columns=["a"])
    config = {"waivers": [w], "select": ["consistency.missing_values"]}
    report = dataaudit.audit(frame, config=config, as_of=AS_OF)
    r = report.result("consistency.missing_values")
    assert r.status == "warn" and set(r.columns) == {"a", "b"}  # b is not waived, so the finding counts
    note = next(n for n in report.notes if "consistency.missing_values on a" in n)
    assert "stale" not in note and "remove it" not in note
    assert "does not cover every column consistency.missing_values flags (also b)" in note


def test_a_waiver_for_a_check_that_did_not_run_is_not_called_stale() -> None:
    # select/ignore leave consistency.duplicate_rows out (as a CI job running only the drift checks would)
    report = audit([waiver(check="consistency.duplicate_rows"), waiver(check="latency")])
    assert report.result("size.min_rows").status == "fail"
    assert not [n for n in report.notes if "waiver" in n]


def test_mask_all_masks_the_waiver_owner_too() -> None:
    r = audit([waiver()], mask="all").result("size.min_rows")
    assert r.status == "waived" and r.message.endswith("(owner: a***@e***)]")
