"""Per-file settings for a folder of datasets (issue 17): a ``datasets:`` map in dataaudit.yaml, keyed by file
name or glob, applied over the top level; exercised through the pre-commit hook on two tables with different
targets, and the Actions example and Markdown summary details."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import dataaudit
from dataaudit.cli import cli
from dataaudit.errors import ConfigError, ExitCode
from tests.helpers import ROOT, SAMPLE

AS_OF = "2026-06-30"


def _arrests(n: int = 800, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "stop_id": [f"S{i:06d}" for i in range(n)],
            "age": rng.integers(16, 80, n),
            "district": rng.choice(["North", "South", "East", "West"], n),
            "hour": rng.integers(0, 24, n),
            "arrest": rng.choice(["yes", "no"], n, p=[0.3, 0.7]),
        }
    )


@pytest.fixture()
def folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE / "loans_clean.csv", data / "loans.csv")
    _arrests().to_csv(data / "arrests_2026.csv", index=False)
    return data


TOP = "target: approved\nsensitive: [gender]\nid: application_id\n"
PER_FILE = (
    TOP
    + "datasets:\n"
    + "  arrests_*.csv:\n"
    + "    target: arrest\n"
    + "    sensitive: []\n"
    + "    id: stop_id\n"
    + "    checks: {size.min_rows: {warn_below: 500}}\n"
)


def test_one_folder_config_breaks_the_second_table(folder, monkeypatch):
    """The failure the issue reports: one dataaudit.yaml cannot describe two tables."""
    (folder / "dataaudit.yaml").write_text(TOP)
    monkeypatch.chdir(folder.parent)
    res = CliRunner().invoke(cli, ["hook", "data/loans.csv", "data/arrests_2026.csv", "--as-of", AS_OF])
    assert res.exit_code == ExitCode.CANNOT_AUDIT
    assert "READY      data/loans.csv" in res.stdout
    assert "CANNOT AUDIT  data/arrests_2026.csv" in res.stderr and "'approved' not found" in res.stderr


def test_hook_applies_each_files_datasets_entry(folder, monkeypatch):
    (folder / "dataaudit.yaml").write_text(PER_FILE)
    monkeypatch.chdir(folder.parent)
    html = folder.parent / "reports"
    res = CliRunner().invoke(
        cli,
        ["hook", "data/loans.csv", "data/arrests_2026.csv", "--as-of", AS_OF, "--html-dir", str(html)],
    )
    assert res.exit_code == ExitCode.READY, res.stdout + res.stderr
    assert res.stderr == ""
    assert res.stdout.splitlines()[0].startswith("READY      data/loans.csv")
    assert res.stdout.splitlines()[1].startswith("READY      data/arrests_2026.csv")
    # the same resolution through the API: each table with its own target, id, sensitive and settings
    loans = dataaudit.audit(folder / "loans.csv", as_of=AS_OF)
    arrests = dataaudit.audit(folder / "arrests_2026.csv", as_of=AS_OF)
    assert (loans.roles["target"], loans.roles["id"]) == ("approved", "application_id")
    assert loans.config["section"] is None
    assert (arrests.roles["target"], arrests.roles["id"], arrests.roles["sensitive"]) == (
        "arrest",
        "stop_id",
        [],
    )
    assert arrests.config["section"] == "arrests_*.csv"
    assert arrests.result("size.min_rows").params["warn_below"] == 500
    assert loans.result("size.min_rows").params["warn_below"] == 1000
    assert "arrest" in (html / "data_arrests_2026.csv.html").read_text(encoding="utf-8")


def test_console_names_the_entry_applied(folder):
    (folder / "dataaudit.yaml").write_text(PER_FILE)
    res = CliRunner().invoke(cli, ["run", str(folder / "arrests_2026.csv"), "--no-html", "--as-of", AS_OF])
    assert res.exit_code == 0, res.stdout + res.stderr
    assert f"config: {folder / 'dataaudit.yaml'} (datasets: 'arrests_*.csv')" in res.stdout


def test_first_matching_entry_wins_and_paths_are_relative_to_the_config(folder):
    cfg = yaml.safe_load(PER_FILE)
    cfg["datasets"] = {
        "data/*.csv": {"target": "hour", "id": "stop_id", "sensitive": []},
        **cfg["datasets"],
    }  # order matters: first wins
    (folder.parent / "dataaudit.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    r = dataaudit.audit(
        folder / "arrests_2026.csv", config=folder.parent / "dataaudit.yaml", as_of=AS_OF, select="size"
    )
    assert r.roles["target"] == "hour" and r.config["section"] == "data/*.csv"


@pytest.mark.parametrize(
    ("datasets", "message"),
    [
        ({"x.csv": {"taget": "y"}}, "datasets: entry 'x.csv': unknown key 'taget'; did you mean 'target'?"),
        ({"x.csv": ["target"]}, "datasets: entry 'x.csv': expected a mapping of settings, got list"),
        ({"x.csv": {"datasets": {}}}, "datasets: entry 'x.csv': 'datasets:' cannot be nested"),
    ],
)
def test_datasets_entries_are_validated(tmp_path, datasets, message):
    path = tmp_path / "dataaudit.yaml"
    path.write_text(yaml.safe_dump({"datasets": datasets}))
    data = tmp_path / "x.csv"
    data.write_text("a\n1\n")
    with pytest.raises(ConfigError) as info:
        dataaudit.audit(data)
    assert message in str(info.value)


def test_actions_example_gates_like_the_hook():
    text = (ROOT / "examples" / "github-actions.yml").read_text()
    workflow = yaml.safe_load(text)
    job = next(iter(workflow["jobs"].values()))
    assert job["timeout-minutes"] <= 30
    setup = next(s for s in job["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["cache"] == "pip"
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    exts = hook["files"].split("(", 1)[1].split(")", 1)[0]  # csv|tsv|...
    for ext in exts.split("|"):
        assert f".{ext}" in text or f"|{ext}" in text or f"{ext}|" in text, ext
    on = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on:` as true
    paths = on["pull_request"]["paths"]
    assert any("dataaudit.yaml" in p for p in paths), paths


def test_markdown_summary_version_unescaped_and_links_the_artifact(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.example")
    monkeypatch.setenv("GITHUB_REPOSITORY", "org/repo")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    md = tmp_path / "summary.md"
    res = CliRunner().invoke(
        cli,
        [
            "run",
            str(SAMPLE / "loans_clean.csv"),
            "-o",
            str(tmp_path / "r.html"),
            "--markdown",
            str(md),
            "--as-of",
            AS_OF,
        ],
    )
    assert res.exit_code == 0, res.stderr
    text = md.read_text()
    assert f"dataaudit {dataaudit.__version__}" in text and "0\\.1" not in text
    assert "https://github.example/org/repo/actions/runs/42" in text


def test_actions_example_reaudits_a_folder_when_only_its_config_changes(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    env.pop("GITHUB_STEP_SUMMARY", None)

    def git(*args):
        return subprocess.run(
            ["git", *args], check=True, capture_output=True, text=True, env=env
        ).stdout.strip()

    git("init", "-q")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "dataaudit.yaml").write_text("select: [size.min_rows]\n")
    for name in ("a.csv", "b.tab", "c.ndjson"):
        frame = pd.DataFrame({"x": range(50)})
        if name.endswith(".ndjson"):
            frame.to_json(tmp_path / "data" / name, orient="records", lines=True)
        else:
            frame.to_csv(tmp_path / "data" / name, index=False, sep="\t" if name.endswith(".tab") else ",")
    (tmp_path / "data" / "notes.md").write_text("not data\n")
    git("add", "-A")
    git("commit", "-qm", "base")
    base = git("rev-parse", "HEAD")
    (tmp_path / "data" / "dataaudit.yaml").write_text(
        "select: [size.min_rows]\nchecks: {size.min_rows: {warn_below: 10, fail_below: 5}}\n"
    )
    git("commit", "-qam", "only the config")
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text())
    (step,) = [s for s in workflow["jobs"]["audit"]["steps"] if s.get("name", "").startswith("Audit")]
    run_env = {**env, "BASE": base, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"}
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        capture_output=True,
        text=True,
        env=run_env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "changed.txt").read_text().split() == ["data/a.csv", "data/b.tab", "data/c.ndjson"]
    assert (tmp_path / "reports" / "data_b.tab.json").is_file()
