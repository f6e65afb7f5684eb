"""Smaller ecosystem items (issue 17): --ignore-columns, '-' for standard input, Feather / Arrow IPC input,
`dataaudit init` guesses sensitive columns commented out and points at docs a pip user has, and
`dataaudit checks` shows what each check needs."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest
from click.testing import CliRunner

from dataaudit.cli import cli
from dataaudit.config import Config, load_config
from dataaudit.errors import ExitCode
from tests.helpers import SAMPLE

AS_OF = "2026-06-30"


@pytest.fixture()
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLE / "dataaudit.yaml", tmp_path / "dataaudit.yaml")
    return tmp_path


def _statuses(json_text: str) -> dict[str, str]:
    return {c["id"]: c["status"] for c in json.loads(json_text)["checks"]}


def test_ignore_columns_flag_leaves_a_column_out(here):
    base = ["run", str(SAMPLE / "loans.csv"), "--no-html", "--json", "-", "--as-of", AS_OF]
    full = CliRunner().invoke(cli, base)
    left = CliRunner().invoke(cli, [*base, "--ignore-columns", "notes"])
    assert full.exit_code == left.exit_code == ExitCode.NOT_READY
    full_doc, left_doc = json.loads(full.stdout), json.loads(left.stdout)
    assert left_doc["dataset"]["columns"] == full_doc["dataset"]["columns"] - 1
    pii = {c["id"]: c for c in left_doc["checks"]}["policy.pii_detected"]
    assert "'notes'" not in pii["message"]
    assert "'notes'" in {c["id"]: c for c in full_doc["checks"]}["policy.pii_detected"]["message"]


def test_ignore_with_a_column_name_points_at_ignore_columns(here):
    res = CliRunner().invoke(cli, ["run", str(SAMPLE / "loans.csv"), "--no-html", "--ignore", "notes"])
    assert res.exit_code == ExitCode.CANNOT_AUDIT
    assert (
        "'notes' matches no check id or area; to leave a column out of the audit, use --ignore-columns"
        in (res.stderr)
    )


def test_dash_reads_standard_input_like_the_file(here):
    data = (SAMPLE / "loans.csv").read_bytes()
    args = ["--no-html", "--json", "-", "--as-of", AS_OF]
    piped = CliRunner().invoke(cli, ["run", "-", *args], input=data)
    shutil.copy(SAMPLE / "loans.csv", here / "loans.csv")
    direct = CliRunner().invoke(cli, ["run", "loans.csv", *args])
    assert piped.exit_code == direct.exit_code == ExitCode.NOT_READY, piped.stderr
    assert _statuses(piped.stdout) == _statuses(direct.stdout)
    doc = json.loads(piped.stdout)
    assert doc["dataset"]["path"] == "<stdin>"
    # --format for other formats on stdin
    tsv = pd.read_csv(SAMPLE / "loans_clean.csv").to_csv(sep="\t", index=False).encode()
    res = CliRunner().invoke(
        cli, ["run", "-", "--format", "tsv", "--no-html", "-q", "--as-of", AS_OF], input=tsv
    )
    assert res.exit_code == 0, res.stderr
    assert res.stdout == "READY: <stdin>\n"


def test_empty_standard_input_is_one_line(here):
    res = CliRunner().invoke(cli, ["run", "-", "--no-html"], input=b"")
    assert res.exit_code == ExitCode.CANNOT_AUDIT
    assert res.stderr == "error: <stdin>: standard input is empty (0 bytes)\n"


def test_feather_and_arrow_ipc_input(here):
    frame = pd.read_csv(SAMPLE / "loans.csv")
    frame.to_feather(here / "loans.feather")
    table = pa.Table.from_pandas(frame.set_index("application_id"))  # a named index, kept as a column
    with ipc.new_stream(here / "loans.arrows", table.schema) as writer:
        writer.write_table(table)
    with ipc.new_file(here / "loans.arrow", table.schema) as writer:
        writer.write_table(table)
    for name in ("loans.feather", "loans.arrows", "loans.arrow"):
        res = CliRunner().invoke(cli, ["run", name, "--no-html", "--json", "-", "--as-of", AS_OF])
        assert res.exit_code == ExitCode.NOT_READY, (name, res.stderr)
        doc = json.loads(res.stdout)
        assert doc["dataset"]["format"] == "feather"
        assert doc["dataset"]["columns"] == frame.shape[1]
        statuses = _statuses(res.stdout)
        for planted in ("consistency.duplicate_rows", "consistency.target_leakage", "policy.pii_detected"):
            assert statuses[planted] == "fail", (name, planted)
    (here / "broken.feather").write_bytes(b"ARROW1\x00\x00 not really")
    res = CliRunner().invoke(cli, ["run", "broken.feather", "--no-html"])
    assert res.exit_code == ExitCode.CANNOT_AUDIT
    assert res.stderr.startswith("error: broken.feather: not a valid Feather / Arrow IPC file")
    assert res.stderr.count("\n") == 1


def test_init_writes_sensitive_guesses_commented_and_points_at_installed_docs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLE / "loans.csv", tmp_path / "loans.csv")
    res = CliRunner().invoke(cli, ["init", "loans.csv"])
    assert res.exit_code == 0, res.stderr
    text = (tmp_path / "dataaudit.yaml").read_text()
    assert "README.md" not in text
    assert "'dataaudit explain config'" in text
    assert load_config(tmp_path / "dataaudit.yaml").sensitive == ()
    assert any(line.startswith('# sensitive: ["') and '"gender"' in line for line in text.splitlines())
    docs = CliRunner().invoke(cli, ["explain", "config"])
    assert docs.exit_code == 0
    for key in Config.model_fields:
        assert f"\n  {key}: " in docs.stdout, key
    assert "datasets:" in docs.stdout


def test_checks_lists_what_each_check_needs(here):
    res = CliRunner().invoke(cli, ["checks"])
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    header = lines[0].split()
    assert header[:3] == ["id", "area", "needs"]
    # severity shows only because a built-in's default differs (consistency.mixed_nulls warns at most)
    assert ("severity" in header) == ("consistency.mixed_nulls" in res.stdout)
    rows = {line.split()[0]: line for line in lines[1:] if line.strip()}
    assert "target, sensitive" in rows["bias.label_rate_disparity"]
    assert " timestamp " in rows["latency.freshness"]
    assert " ingested_at " in rows["latency.ingestion_lag"]
    assert " baseline " in rows["drift.row_count"]
    assert " expectations: " in rows["consistency.expectations"]
    assert rows["size.min_rows"].split()[2] == "-"
