"""Issue 14, items 1 and 12: null tokens are missing values on every input path, counted per column; mixed
null markers are a finding; disguised_missing tells a placeholder from a real value that spells one; and a
text file with terminal control characters is text."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.cli import cli
from dataaudit.errors import ConfigError, DataLoadError
from dataaudit.loading import DEFAULT_NULL_TOKENS, NullTokens, load
from tests.helpers import AS_OF, SAMPLE

MISSING_AREA = ["consistency.missing_values", "consistency.mixed_nulls", "consistency.disguised_missing"]


def audit(data, **kw):
    return dataaudit.audit(data, as_of=AS_OF, **kw)


def statuses(report) -> dict[str, str]:
    return {r.id: str(r.status) for r in report.results}


def penguins_r_export(path):
    """palmerpenguins' table written as R's write.csv does: NA for every missing value."""
    palmerpenguins = pytest.importorskip("palmerpenguins")
    frame = palmerpenguins.load_penguins()
    frame.to_csv(path, index=False, na_rep="NA")
    return frame


# -- the tokens ----------------------------------------------------------------------------------------------


def test_the_default_tokens_are_pandas_own_list():
    from pandas._libs.parsers import STR_NA_VALUES

    assert frozenset(STR_NA_VALUES) == DEFAULT_NULL_TOKENS
    assert {"", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "null", "NULL", "None", "#N/A", "<NA>"} <= (
        DEFAULT_NULL_TOKENS
    )


def test_every_default_token_is_missing_in_a_csv_and_counted_per_column(tmp_path):
    tokens = sorted(t for t in DEFAULT_NULL_TOKENS if t)
    n = len(tokens)
    text = ["x", *tokens, "y", ""]  # the empty cell too
    numbers = ["1.5", *tokens, "2", '"NA"']  # quoted NA is missing too, as in pandas
    path = tmp_path / "t.csv"
    rows = ["num,txt"] + [f"{a},{b}" for a, b in zip(numbers, text, strict=True)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    frame, info = load(path)
    assert str(frame["num"].dtype) == "float64"  # the tokens did not make the number column text
    assert frame["num"].isna().sum() == n + 1 and frame["txt"].isna().sum() == n + 1
    assert frame.isna().sum().to_dict() == pd.read_csv(path).isna().sum().to_dict()
    assert info.null_tokens["txt"] == {**dict.fromkeys(tokens, 1), "": 1}
    assert info.null_tokens["num"] == {**dict.fromkeys(tokens, 1), "NA": 2}


def test_the_report_says_which_tokens_were_read_as_missing(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,x\nNA,null\n3,\n4,y\nNA,z\n", encoding="utf-8")
    report = audit(path, select=MISSING_AREA)
    assert report.dataset.null_tokens == {"a": {"NA": 2}, "b": {"null": 1, "": 1}}
    summary = {c.name: c for c in report.overview}
    assert summary["a"].null_tokens == (("NA", 2),) and summary["a"].missing == 2
    assert summary["b"].null_tokens == (("", 1), ("null", 1))
    doc = json.loads(report.to_json())
    assert doc["dataset"]["null_tokens"] == {"a": {"NA": 2}, "b": {"": 1, "null": 1}}
    html = report.to_html()
    assert "<span class=\"mono\">'NA'</span>&nbsp;×2" in html
    missing = report.result("consistency.missing_values")
    assert ("a", "numeric", 2, 0.4, "yes", "'NA' ×2") in missing.evidence[0].rows


# -- the same statuses from the CLI on a file and from the API on pd.read_csv of it --------------------------


def cli_statuses(args) -> dict[str, str]:
    result = CliRunner().invoke(cli, ["run", *args, "--as-of", AS_OF.isoformat(), "--no-html", "--json", "-"])
    assert result.exit_code in (0, 1), result.output
    return {c["id"]: c["status"] for c in json.loads(result.stdout)["checks"]}


def test_cli_on_the_sample_and_api_on_read_csv_agree():
    on_file = cli_statuses([str(SAMPLE / "loans.csv")])
    on_frame = audit(pd.read_csv(SAMPLE / "loans.csv"), config=SAMPLE / "dataaudit.yaml")
    assert statuses(on_frame) == on_file
    assert on_file["consistency.mixed_nulls"] == "pass"


def test_cli_on_an_r_export_and_api_on_read_csv_agree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray dataaudit.yaml
    path = tmp_path / "penguins.csv"
    penguins_r_export(path)
    roles = ["--target", "species", "--sensitive", "sex"]
    on_file = cli_statuses([str(path), *roles])
    on_frame = audit(pd.read_csv(path), target="species", sensitive=["sex"])
    assert statuses(on_frame) == on_file
    # and a frame whose text cells still hold the tokens (read with keep_default_na=False) agrees too
    as_text = audit(pd.read_csv(path, keep_default_na=False), target="species", sensitive=["sex"])
    assert statuses(as_text) == on_file
    assert as_text.dataset.null_tokens["sex"] == {"NA": 11}


def test_an_r_export_has_missing_values_and_no_group_called_na(tmp_path):
    path = tmp_path / "penguins.csv"
    penguins_r_export(path)
    report = audit(path, target="species", sensitive=["sex"])
    missing = report.result("consistency.missing_values")
    assert missing.status == "warn"
    assert missing.message.startswith("sex 3.2% missing (11 of 344 rows)")
    assert report.dataset.null_tokens["sex"] == {"NA": 11}
    assert report.dataset.null_tokens["bill_length_mm"] == {"NA": 2}
    for check in ("bias.group_representation", "size.group_counts"):
        result = report.result(check)
        assert result.status == "pass", result.message
        assert "'NA'" not in result.message
    # one cause, no second finding: 'NA' is neither a placeholder nor text among numbers
    assert report.result("consistency.disguised_missing").status == "pass"
    assert report.result("consistency.mixed_types").status == "pass"
    assert report.result("consistency.mixed_nulls").status == "pass"


# -- mixed null markers --------------------------------------------------------------------------------------


def test_mixed_nulls_finds_a_column_written_two_ways(tmp_path):
    path = tmp_path / "t.csv"
    rows = ["score,city"] + [f"{i},Leeds" for i in range(40)] + ["NA,York"] * 3 + [",Hull"] * 5 + ["7,N/A"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = audit(path, select=MISSING_AREA).result("consistency.mixed_nulls")
    assert result.status == "warn"
    assert result.message == "1 column writes missing values more than one way: score: '' ×5, 'NA' ×3"
    assert result.columns == ("score",)
    assert [r[:3] for r in result.evidence[0].rows] == [("score", "''", 5), ("score", "'NA'", 3)]


def test_mixed_nulls_is_quiet_on_one_marker_and_skips_without_missing_values(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("a,b\n1,x\nN/A,y\nN/A,z\n4,w\n", encoding="utf-8")
    result = audit(one, select=MISSING_AREA).result("consistency.mixed_nulls")
    assert result.status == "pass"
    assert result.message == "the 1 column with missing values writes them one way ('N/A' in 1 column)"
    none = tmp_path / "none.csv"
    none.write_text("a,b\n1,x\n2,y\n", encoding="utf-8")
    skipped = audit(none, select=MISSING_AREA).result("consistency.mixed_nulls")
    assert skipped.status == "skipped"
    assert skipped.message == "no missing values in 2 columns: no markers to compare"


def test_mixed_nulls_in_a_dataframe_and_in_json(tmp_path):
    frame = pd.DataFrame({"a": ["x", "NA", None, "y", np.nan], "b": [1.0, 2.0, np.nan, 4.0, 5.0]})
    result = audit(frame, select=MISSING_AREA).result("consistency.mixed_nulls")
    assert result.status == "warn"
    assert result.message == "1 column writes missing values more than one way: a: 'NA' ×1, NaN/None ×2"
    path = tmp_path / "t.json"
    path.write_text(json.dumps([{"a": 1, "b": "NA"}, {"a": None, "b": None}, {"a": 3, "b": "x"}]))
    report = audit(path, select=MISSING_AREA)
    assert report.dataset.null_tokens == {"b": {"NA": 1}}
    assert report.result("consistency.mixed_nulls").message == (
        "1 column writes missing values more than one way: b: 'NA' ×1, JSON null ×1"
    )


def test_excel_text_tokens_and_error_cells_are_missing(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [("id", "score", "group"), (1, 10, "a"), (2, "NA", "b"), (3, "#DIV/0!", "NA"), (4, 12, "a")]:
        ws.append(row)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    frame, info = load(path)
    assert info.null_tokens == {"score": {"NA": 1, "#DIV/0!": 1}, "group": {"NA": 1}}
    assert frame["score"].tolist()[0] == 10 and frame["score"].isna().sum() == 2
    assert str(frame["score"].dtype) in ("float64", "Int64")  # numbers once the tokens are gone


# -- settings: na_values, keep_default_na, --na-values, na_values= ------------------------------------------


def placeholder_csv(path):
    values = [str(v) for v in np.random.default_rng(3).integers(20, 90, 200)]
    values[:12] = ["?"] * 12
    values[12:15] = ["NA"] * 3
    path.write_text("age,grp\n" + "\n".join(f"{v},{'ab'[i % 2]}" for i, v in enumerate(values)) + "\n")
    return path


def test_na_values_in_the_config_the_cli_and_the_api(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = placeholder_csv(tmp_path / "t.csv")
    default = audit(path, select=MISSING_AREA)
    assert default.dataset.null_tokens == {"age": {"NA": 3}}
    assert default.result("consistency.disguised_missing").status == "fail"  # '?' ×12 = 6%
    api = audit(path, select=MISSING_AREA, na_values=["?"])
    assert api.dataset.null_tokens == {"age": {"?": 12, "NA": 3}}
    assert api.result("consistency.disguised_missing").status == "pass"
    assert api.result("consistency.mixed_nulls").status == "warn"
    (tmp_path / "dataaudit.yaml").write_text('na_values: ["?"]\n', encoding="utf-8")
    assert audit(path, select=MISSING_AREA).dataset.null_tokens == api.dataset.null_tokens
    (tmp_path / "dataaudit.yaml").unlink()
    result = CliRunner().invoke(
        cli, ["run", str(path), "--na-values", "?", "--select", "consistency", "--no-html", "--json", "-"]
    )
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout)
    assert doc["dataset"]["null_tokens"] == {"age": {"?": 12, "NA": 3}}


def test_keep_default_na_false_keeps_the_standard_tokens_as_text(tmp_path):
    path = placeholder_csv(tmp_path / "t.csv")
    report = audit(path, select=MISSING_AREA, config={"keep_default_na": False, "na_values": ["?"]})
    assert report.dataset.null_tokens == {"age": {"?": 12}}
    # 'NA' is now a value of the column: a placeholder, which disguised_missing reports
    disguised = report.result("consistency.disguised_missing")
    assert disguised.status == "warn" and "'NA' ×3" in disguised.message


def test_per_column_and_numeric_na_values(tmp_path):
    path = tmp_path / "t.csv"
    rows = ["score,other"] + [f"{i % 50},{i % 7}" for i in range(100)] + ["-1,-1"] * 4
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = audit(path, select=MISSING_AREA, config={"na_values": {"score": [-1]}})
    assert report.dataset.null_tokens == {"score": {"-1": 4}}
    overview = {c.name: c for c in report.overview}
    assert overview["score"].missing == 4 and overview["other"].missing == 0
    # a word listed for one column: that column is numbers again, as pandas reads it
    words = tmp_path / "w.csv"
    words.write_text("age,city\n34,unknown\nunknown,Leeds\n51,York\n", encoding="utf-8")
    frame, info = load(words, nulls=NullTokens.from_settings({"age": ["unknown"]}))
    assert info.null_tokens == {"age": {"unknown": 1}}
    assert str(frame["age"].dtype) == "float64" and frame["city"].tolist() == ["unknown", "Leeds", "York"]
    expected = pd.read_csv(words, na_values={"age": ["unknown"]})
    assert frame["age"].equals(expected["age"])
    frame = pd.DataFrame({"score": [1.0, -1.0, 3.0, -1.0], "other": [-1, 2, 3, 4]})
    same = audit(frame, select=MISSING_AREA, na_values={"score": ["-1"]})
    assert same.dataset.null_tokens == {"score": {"-1": 2}}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"na_values": {"a": {"b": 1}}}, "config: na_values"),
        ({"keep_default_na": "perhaps"}, "config: keep_default_na: input should be a valid boolean"),
    ],
)
def test_bad_null_settings_are_config_errors(settings, message):
    with pytest.raises(ConfigError, match=f"^{message}"):
        audit(pd.DataFrame({"a": [1, 2]}), config=settings)


# -- disguised_missing: placeholders, and real values that spell one -----------------------------------------

FIRST_NAMES = (  # noqa: SIM905 - a list of names reads best as one string
    "Ann Nora Bea Cara Dora Edna Fay Gail Hana Ida Jane Kate Lena Mara Nell Olga Pam Rhea Sara Tara Una Vera "
    "Wren Zoe Alan Ben Carl Dan Eric Finn Gus Hugh Ivan Jack Kurt Leon Max Ned Otto Paul Ray Sam Tom Vic Walt"
).split()


def names_frame(extra: dict[str, int], seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, len(FIRST_NAMES) + 1)
    names = list(rng.choice(FIRST_NAMES, size=1500, p=weights / weights.sum()))
    for value, k in extra.items():
        names[:0] = [value] * k
    return pd.DataFrame({"first_name": names, "n": np.arange(len(names)) % 3})


def test_the_first_name_nan_is_a_name():
    report = audit(names_frame({"Nan": 3}), select=MISSING_AREA)
    result = report.result("consistency.disguised_missing")
    assert result.status == "pass", result.message
    assert report.overview[0].missing == 0  # 'Nan' is not one of pandas' tokens (NaN and nan are)


@pytest.mark.parametrize(
    ("value", "k", "why"),
    [
        ("NAN", 3, "case unlike the names"),
        ("unknown", 3, "case unlike the names"),
        ("Unknown", 200, "far more frequent than any name"),
        ("?", 3, "not a word"),
        ("n.a.", 3, "not a word"),
        ("Empty", 120, "far more frequent than any name"),
    ],
)
def test_placeholders_among_names_are_still_found(value, k, why):
    result = audit(names_frame({value: k}), select=MISSING_AREA).result("consistency.disguised_missing")
    assert result.status in ("warn", "fail"), why
    assert f"{value!r} ×{k}" in result.message


def test_none_as_a_level_of_its_own_is_a_value():
    frame = pd.DataFrame({"medication": ["continuing"] * 300 + ["reduced"] * 100 + ["none"] * 200})
    result = audit(frame, select=MISSING_AREA).result("consistency.disguised_missing")
    assert result.status == "pass", result.message
    shouting = pd.DataFrame({"medication": ["continuing"] * 300 + ["reduced"] * 100 + ["NONE"] * 20})
    result = audit(shouting, select=MISSING_AREA).result("consistency.disguised_missing")
    assert result.status == "warn" and "'NONE' ×20" in result.message


def test_a_word_placeholder_among_few_categories_is_found():
    frame = pd.DataFrame({"employment": ["employed"] * 300 + ["retired"] * 100 + ["unknown"] * 20})
    result = audit(frame, select=MISSING_AREA).result("consistency.disguised_missing")
    assert result.status == "warn" and "'unknown' ×20" in result.message


# -- mixed_types and disguised_missing: one cause, one finding ---------------------------------------------


def income_frame(text: dict[str, int]) -> pd.DataFrame:
    values = (
        np.random.default_rng(5).lognormal(10.5, 0.4, 1000).round(0).astype(int).astype(str).astype(object)
    )
    i = 0
    for value, k in text.items():
        values[i : i + k] = value
        i += k
    return pd.DataFrame({"income": values})


def test_a_placeholder_among_numbers_is_one_finding_not_two():
    report = audit(
        income_frame({"?": 30, "unknown": 10, "none": 10}), select=[*MISSING_AREA, "consistency.mixed_types"]
    )
    disguised = report.result("consistency.disguised_missing")
    assert disguised.status == "warn"
    assert "'?' ×30, 'unknown' ×10, 'none' ×10" in disguised.message
    mixed = report.result("consistency.mixed_types")
    assert mixed.status == "pass", mixed.message


def test_other_text_among_numbers_is_still_mixed_types():
    report = audit(income_frame({"?": 30, "12k": 8}), select=[*MISSING_AREA, "consistency.mixed_types"])
    mixed = report.result("consistency.mixed_types")
    assert mixed.status == "warn"
    assert mixed.message == "income: 0.80% of values are text ('12k')"
    assert "'?' ×30" in report.result("consistency.disguised_missing").message


# -- item 12: control characters are text; NUL bytes and other binary control bytes in bulk are not ---------


def test_a_csv_with_ansi_escapes_bel_and_backspace_is_text(tmp_path):
    path = tmp_path / "log.csv"
    rows = ["id,message"] + [f"{i},\x1b[31mERROR\x1b[0m disk full\x07 retry\x08\x08" for i in range(200)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    frame, _ = load(path)
    assert frame.shape == (200, 2)
    assert frame["message"].iloc[0] == "\x1b[31mERROR\x1b[0m disk full\x07 retry\x08\x08"


@pytest.mark.parametrize(
    "content",
    [
        b"a,b\n1,2\x00\x00\x00\n3,4\n",
        bytes(range(1, 32)) * 40,
        "a,b\n1,2\n".encode("utf-16-le"),
        bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8)),
    ],
    ids=["nul-bytes", "control-noise", "utf16-without-bom", "random-bytes"],
)
def test_binary_content_is_still_refused(tmp_path, content):
    path = tmp_path / "d.csv"
    path.write_bytes(content)
    with pytest.raises(DataLoadError, match=r"looks like a binary file, not CSV text \(\d+ control bytes"):
        load(path)
