"""The Python API in a notebook (issue 17): short reprs, to_frame(), save_html(), a typed audit(), one
string = one column, errors that name the keyword, result() with a did-you-mean, and what an index means."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.cli import cli
from dataaudit.errors import ConfigError, ExitCode
from tests.helpers import ROOT, SAMPLE

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def loans_report():
    return dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF)


def _people(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "race": rng.choice(["Asian", "Black", "White", "Other"], n),
            "city": rng.choice(["Oslo", "Rome", "Lima", "Pune"], n),
            "approved": rng.integers(0, 2, n),
        }
    )


def test_report_repr_is_one_short_line_with_verdict_and_counts(loans_report):
    text = repr(loans_report)
    assert len(text) < 300, text
    assert "\n" not in text
    counts = loans_report.summary["by_status"]
    assert text.startswith("<Report not ready: ")
    assert f"{counts['fail']} fail" in text and f"{counts['pass']} pass" in text
    assert f"{len(loans_report.results)} checks" in text
    assert str(loans_report) == text  # print(report) too
    r = loans_report.result("size.min_rows")
    assert repr(r) == f"<CheckResult size.min_rows: {r.status.value} · {r.message}>"
    assert all(len(repr(x)) < 200 for x in loans_report.results)


def test_to_frame_is_one_row_per_check(loans_report):
    frame = loans_report.to_frame()
    assert list(frame["id"]) == [r.id for r in loans_report.results]
    assert list(frame.columns[:8]) == [
        "id",
        "area",
        "title",
        "status",
        "severity",
        "blocking",
        "message",
        "columns",
    ]
    blocking = set(frame.loc[frame["blocking"], "id"])
    assert blocking == {r.id for r in loans_report.blocking} and blocking
    assert set(frame["status"]) <= {"pass", "warn", "fail", "error", "skipped", "waived"}
    assert (
        frame.set_index("id").loc["size.min_rows", "observed"]
        == loans_report.result("size.min_rows").observed
    )


def test_save_html_writes_the_report(loans_report, tmp_path):
    out = loans_report.save_html(tmp_path / "reports" / "loans.html")
    assert out == tmp_path / "reports" / "loans.html"
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    assert "size.min_rows" in text


def test_result_unknown_id_says_did_you_mean(loans_report):
    with pytest.raises(KeyError) as info:
        loans_report.result("size.min_row")
    assert (
        str(info.value) == "no result for check 'size.min_row' in this report; did you mean 'size.min_rows'?"
    )
    with pytest.raises(dataaudit.UnknownCheckError, match="did you mean 'size.min_rows'"):
        loans_report.result("min_rows")
    with pytest.raises(KeyError, match="'bias' is an area, its checks here: bias."):
        loans_report.result("bias")
    with pytest.raises(KeyError, match=r"no result for check 'nope' in this report \(it has \d+;"):
        loans_report.result("nope")


def test_a_string_is_one_column_and_the_keywords_take_one_or_many():
    df = _people()
    one = dataaudit.audit(df, target="approved", sensitive="race", as_of=AS_OF)
    many = dataaudit.audit(df, target="approved", sensitive=["race"], as_of=AS_OF)
    assert one.roles["sensitive"] == ["race"] == many.roles["sensitive"]
    assert one.result("bias.group_representation").status != "skipped"
    ignored = dataaudit.audit(df, target="approved", ignore_columns="city", select="size", as_of=AS_OF)
    assert ignored.dataset.columns == 3
    assert {r.area for r in ignored.results} == {"size"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sensitive": "rac"}, "sensitive=: column 'rac' not found in the DataFrame"),
        ({"target": "label"}, "target=: column 'label' not found in the DataFrame"),
        ({"ignore_columns": ["nope"]}, "ignore_columns=: column 'nope' not found in the DataFrame"),
        ({"sensitive": 3}, "sensitive= expected a column name or a list of them, got int"),
        ({"select": "sizee"}, "set by select=/ignore="),
    ],
)
def test_api_errors_name_the_keyword_not_the_flag(kwargs, message):
    with pytest.raises(ConfigError) as info:
        dataaudit.audit(_people(), as_of=AS_OF, **kwargs)
    assert message in str(info.value)
    assert "--" not in str(info.value).split(";")[0]


def test_cli_errors_still_name_the_flag(tmp_path):
    path = tmp_path / "people.csv"
    _people().to_csv(path, index=False)
    res = CliRunner().invoke(cli, ["run", str(path), "--no-html", "--sensitive", "rac", "--as-of", AS_OF])
    assert res.exit_code == ExitCode.CANNOT_AUDIT
    assert "--sensitive: column 'rac' not found" in res.stderr
    # and the API, called afterwards in the same process, names the keyword again
    with pytest.raises(ConfigError, match="^sensitive=: column 'rac'"):
        dataaudit.audit(_people(), sensitive="rac", as_of=AS_OF)


def _duplicated() -> pd.DataFrame:
    base = _people(300, seed=1)
    return pd.concat([base, *[base.iloc[:240]] * 4], ignore_index=True)  # 1,260 rows, 83.5% repeats


def test_default_and_unnamed_indexes_are_row_numbers_and_ignored():
    df = _duplicated()
    plain = dataaudit.audit(df, target="approved", as_of=AS_OF)
    assert plain.dataset.columns == 4
    assert plain.result("consistency.duplicate_rows").status != "pass"
    # a filtered frame keeps its old labels (gaps); a named RangeIndex is a numbering too
    for variant in (df[df.age > 20], df.rename_axis("row")):
        r = dataaudit.audit(variant, target="approved", as_of=AS_OF)
        assert r.dataset.columns == 4
        assert "row" not in [c.name for c in r.overview]
        # found, not hidden by the index (a heavy copy of few-level columns grades warn against chance)
        assert r.result("consistency.duplicate_rows").status != "pass", r.result("consistency.duplicate_rows")


def test_a_named_index_is_a_column_and_the_row_id():
    df = _duplicated()
    keyed = df.set_index(pd.Index([f"C{i:05d}" for i in range(len(df))], name="customer_id"))
    r = dataaudit.audit(keyed, target="approved", as_of=AS_OF)
    assert r.dataset.columns == 5
    assert r.roles["id"] == "customer_id"
    assert any(
        "named index ('customer_id') is audited as a column and used as the row id" in n
        for n in r.dataset.notes
    )
    dup = r.result("consistency.duplicate_rows")
    plain = dataaudit.audit(df, target="approved", select="consistency.duplicate_rows", as_of=AS_OF)
    exact = plain.result("consistency.duplicate_rows").observed["exact"]
    assert exact > 0.75 * len(df)
    # the repeats are not hidden by the unique key: they are near-duplicates (the id's rule), a warning
    assert dup.status == "warn" and f"{exact:,} more near-duplicate rows" in dup.message, dup
    assert "ignoring customer_id" in dup.message
    # a declared id wins; the index is then just another column
    r2 = dataaudit.audit(keyed.assign(ref=range(len(keyed))), target="approved", id="ref", as_of=AS_OF)
    assert r2.roles["id"] == "ref"


def test_audit_signature_is_visible_to_type_checkers(tmp_path):
    """mypy sees audit()'s own parameters and its Report return type through the decorator."""
    pytest.importorskip("mypy")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        textwrap.dedent(
            """
            import dataaudit
            reveal_type(dataaudit.audit)
            report = dataaudit.audit("data.csv", target="y", sensitive="race")
            reveal_type(report)
            reveal_type(report.result("size.min_rows"))
            """
        )
    )
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}  # an editable install hides src/ from mypy
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--follow-imports=silent",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(snippet),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    audit_type = next(line for line in out.splitlines() if ":3: note" in line)
    assert "def (data: " in audit_type and "*, config: " in audit_type, audit_type
    assert "sensitive: str | typing.Sequence[str]" in audit_type, audit_type
    assert audit_type.rstrip('"').endswith("-> dataaudit.model.Report"), audit_type
    assert 'Revealed type is "dataaudit.model.Report"' in out
    assert 'Revealed type is "dataaudit.model.CheckResult"' in out


def test_a_named_time_index_is_a_column_the_time_checks_find():
    """Real data: statsmodels' US macro series (1959-2009) with its quarters as a DatetimeIndex."""
    sm = pytest.importorskip("statsmodels.api")
    macro = sm.datasets.macrodata.load_pandas().data
    macro.index = pd.date_range("1959-01-01", periods=len(macro), freq="QS", name="quarter")
    r = dataaudit.audit(macro.drop(columns=["year", "quarter"]), as_of=AS_OF)
    assert r.roles["timestamp"] == "quarter" and r.roles["id"] is None
    assert r.dataset.notes == ("the DataFrame's named index ('quarter') is audited as a column",)
    fresh = r.result("latency.freshness")
    # the index was detected as the event time, not declared: a guessed role caps at warn (issue 14.2)
    assert fresh.status == "warn" and "2009-07-01" in fresh.message and "detected" in fresh.message, fresh
