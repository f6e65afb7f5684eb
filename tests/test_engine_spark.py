"""The Spark engine against the pandas engine (the reference): the same answers from every Engine operation on
the sample data and on generated data with planted duplicates, conflicts, missing values and null tokens; the
Spark loader against ``dataaudit.loading.load``; hostile column names; the number of Spark jobs a profile
takes. One ``local[2]`` session for the whole file (starting the JVM takes seconds)."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest

from dataaudit.engine.base import Predicate
from dataaudit.engine.pandas import PandasEngine
from dataaudit.errors import ConfigError, DataLoadError
from dataaudit.loading import load
from tests.helpers import ROOT

pytestmark = pytest.mark.spark

INJECTION = 'x"; DROP TABLE data; --'


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'dataaudit[spark]')"
    import os

    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java on PATH and no JAVA_HOME: Spark cannot start a local session"
    return None


_MISSING = _spark_missing()
if _MISSING:
    pytest.skip(_MISSING, allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from dataaudit.engine import spark_load

    session = spark_load.get_session()
    yield session


# ---------------------------------------------------------------------------------------------- data
def planted(n: int = 300, seed: int = 7) -> pd.DataFrame:
    """A frame with hostile column names, missing values, planted duplicate rows and conflicting labels."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "id": np.arange(n, dtype=np.int64),
            "x.y": np.round(rng.normal(50, 10, n), 2),
            "a b": rng.choice(["red", "green", "blue", "12", "3.5"], n),
            "tick`name": rng.choice(["p", "q"], n),
            "quote'd": rng.integers(0, 4, n),
            INJECTION: rng.choice(["'); --", "ok", "DROP"], n),
            "when": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 10_000, n), unit="min"),
            "flag": rng.random(n) < 0.3,
            "label": rng.integers(0, 2, n),
        }
    )
    frame.loc[rng.choice(n, 20, replace=False), "x.y"] = np.nan
    frame.loc[rng.choice(n, 15, replace=False), "a b"] = None
    frame.loc[rng.choice(n, 5, replace=False), "when"] = pd.NaT
    # planted: rows 10..19 repeat rows 0..9 but for the id; rows 30..33 repeat 20..23 with the label flipped
    features = [c for c in frame.columns if c not in ("id", "label")]
    frame.loc[10:19, features] = frame.loc[0:9, features].to_numpy()
    frame.loc[30:33, [*features]] = frame.loc[20:23, features].to_numpy()
    frame.loc[30:33, "label"] = 1 - frame.loc[20:23, "label"].to_numpy()
    frame.loc[40:41, :] = frame.loc[0:1, :].to_numpy()  # exact copies of whole rows
    return frame.astype(
        {"when": "datetime64[ns]", "flag": bool, "quote'd": "int64", "label": "int64", "id": "int64"}
    )


@pytest.fixture(scope="module")
def loans() -> pd.DataFrame:
    return load(ROOT / "sample_data" / "loans.csv")[0]


# ---------------------------------------------------------------------------------------------- comparing
def same_profiles(expected: PandasEngine, got, columns=None) -> None:
    want, have = expected.profile(columns), got.profile(columns)
    assert list(have) == list(want)
    for c, p in want.items():
        q = have[c]
        for field in p.__dataclass_fields__:
            x, y = getattr(p, field), getattr(q, field)
            if isinstance(x, float):
                assert y is not None and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9), (c, field, x, y)
            elif isinstance(x, dict):
                assert y is not None and set(x) == set(y), (c, field)
                for k in x:
                    assert math.isclose(x[k], y[k], rel_tol=1e-9, abs_tol=1e-9), (c, field, k, x[k], y[k])
            else:
                assert x == y, (c, field, x, y)


def same_value_counts(expected: PandasEngine, got, limit=None, columns=None) -> None:
    for c in columns or expected.columns:
        pd.testing.assert_series_equal(got.value_counts(c, limit), expected.value_counts(c, limit), obj=c)


def predicates(frame: pd.DataFrame) -> dict[str, Predicate]:
    out: dict[str, Predicate] = {}
    for c in frame.columns:
        s = frame[c]
        out[f"{c}|missing"] = Predicate(c, "missing")
        out[f"{c}|present"] = Predicate(c, "present")
        values = s.dropna().unique()[:3].tolist()
        out[f"{c}|in"] = Predicate(c, "in", values)
        out[f"{c}|not in"] = Predicate(c, "not in", values)
        if pd.api.types.is_datetime64_any_dtype(s):
            mid = s.dropna().sort_values().iloc[len(s.dropna()) // 2]
            out[f"{c}|<"] = Predicate(c, "<", mid)
            out[f"{c}|>="] = Predicate(c, ">=", mid)
        elif not pd.api.types.is_bool_dtype(s):
            out[f"{c}|>"] = Predicate(c, ">", 3)
            out[f"{c}|<="] = Predicate(c, "<=", 40.5)
            out[f"{c}|outside"] = Predicate(c, "outside", (1, 50))
    return out


def same_groups(a, b) -> None:
    assert a.sizes.tolist() == b.sizes.tolist()
    assert a.examples == b.examples
    assert (a.labels is None) == (b.labels is None)
    if a.labels is not None:
        assert a.labels.tolist() == b.labels.tolist()


def same_group_counts(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert a["count"].tolist() == b["count"].tolist()
    for c in a.columns:
        left = [None if pd.isna(v) else v for v in a[c]]
        right = [None if pd.isna(v) else v for v in b[c]]
        assert left == right, c


def same_everything(frame: pd.DataFrame, engine, target: str | None, counted=None) -> None:
    """Every Engine operation gives the pandas engine's answer (value counts of the ``counted`` columns: all
    by default; each query costs a Spark job, and the suite has a time budget)."""
    ref = PandasEngine(frame)
    assert engine.n_rows == ref.n_rows and engine.columns == ref.columns
    same_profiles(ref, engine)
    same_value_counts(ref, engine, columns=counted)
    same_value_counts(ref, engine, limit=3, columns=(counted or ref.columns)[:3])
    preds = predicates(frame)
    assert engine.count_where(preds) == ref.count_where(preds)
    cols = ref.columns
    same_group_counts(ref.group_counts(cols[2:4]), engine.group_counts(cols[2:4]))
    same_groups(ref.duplicates(cols), engine.duplicates(cols))
    same_groups(ref.duplicates(cols[1:4], limit=3), engine.duplicates(cols[1:4], limit=3))
    if target:
        features = [c for c in cols if c not in (target, cols[0])]
        same_groups(ref.conflicts(features, target), engine.conflicts(features, target))
        same_groups(
            ref.conflicts(features[:2], target, limit=2), engine.conflicts(features[:2], target, limit=2)
        )
    positions = [p for p in (5, 0, len(frame) - 1, 17) if p < len(frame)]
    pd.testing.assert_frame_equal(engine.rows(positions), ref.rows(positions))
    pd.testing.assert_frame_equal(engine.rows([3, 1], cols[1:3]), ref.rows([3, 1], cols[1:3]))
    pd.testing.assert_frame_equal(engine.sample(50, seed=3), ref.sample(50, seed=3))


# ---------------------------------------------------------------------------------------------- tests
def test_every_operation_matches_pandas_on_planted_data(spark):
    from dataaudit.engine.spark import SparkEngine

    frame = planted()
    engine = SparkEngine.from_pandas(frame, session=spark)
    same_everything(frame, engine, "label")
    # the plants are found
    features = [c for c in frame.columns if c not in ("id", "label")]
    assert engine.duplicates(features).extra_copies >= 16  # rows 10-19, 30-33, 40-41 repeat earlier ones
    assert engine.conflicts(features, "label").groups >= 4  # rows 30-33 flip the label of rows 20-23
    engine.close()


def test_profile_takes_the_same_few_jobs_whatever_the_number_of_columns(spark):
    """Aggregates are bundled: never one Spark job per column."""
    from dataaudit.engine.spark import SparkEngine

    def jobs_of_profile(frame: pd.DataFrame) -> int:
        engine = SparkEngine.from_pandas(frame, session=spark)
        sc = spark.sparkContext
        group = f"profile-{frame.shape[1]}"
        sc.setJobGroup(group, "profile")
        try:
            profiles = engine.profile()
        finally:
            sc.setLocalProperty("spark.jobGroup.id", None)
        assert len(profiles) == frame.shape[1]
        n = len(sc.statusTracker().getJobIdsForGroup(group))
        engine.close()
        return n

    rng = np.random.default_rng(1)
    narrow = pd.DataFrame({f"n{i}": rng.normal(size=200) for i in range(2)})
    wide = pd.DataFrame({f"n{i}": rng.normal(size=200) for i in range(24)} | {"t": ["a", "b"] * 100})
    few, many = jobs_of_profile(narrow), jobs_of_profile(wide)
    assert few == many, (few, many)
    # three aggregate queries; with adaptive execution each shuffle stage is submitted as a job of its own
    assert 1 <= many <= 9, many


# ---------------------------------------------------------------------------------------------- loading
def tricky_csv() -> str:
    """Null tokens of several spellings, numbers with missing values, booleans, dates, timestamps, integers
    past 64 bits, a value that looks like SQL, and a column named like an injection."""
    header = ["id", "score", "ratio", "ok", "maybe", "day", "at", "big", "text", INJECTION, "spaced name"]
    rows = [
        [
            "1",
            "10",
            "1.5",
            "true",
            "true",
            "2025-01-01",
            "2025-01-01 10:00:00",
            "123456789012345678901",
            "a",
            "'); --",
            "x",
        ],
        ["2", "NA", "2.5", "false", "", "2025-01-02", "2025-01-02 11:30:00", "2", "b", "ok", "y"],
        ["3", "12", "", "true", "false", "2025-01-03", "", "3", "null", "DROP", "x"],
        ["4", "13", "NaN", "false", "true", "2025-01-04", "2025-01-04 09:15:00", "4", "N/A", "ok", "z"],
        ["5", "", "4.0", "true", "true", "", "2025-01-05 18:00:00", "5", "e", "", "x"],
        [
            "6",
            "15",
            "-1e3",
            "true",
            "false",
            "2025-01-06",
            "2025-01-06 00:00:01",
            "6",
            "f, with comma",
            "ok",
            "y",
        ],
    ]

    def cell(v: str) -> str:
        return f'"{v}"' if ("," in v or '"' in v) else v

    return "\n".join(",".join(cell(v) for v in r) for r in [header, *rows]) + "\n"


def spark_rows(engine) -> pd.DataFrame:
    return engine.rows(np.arange(engine.n_rows))


def test_csv_loads_like_the_pandas_loader(spark, tmp_path):
    from dataaudit.engine.spark_load import open_spark

    path = tmp_path / "tricky.csv"
    path.write_text(tricky_csv())
    expected, info = load(path)
    engine, sinfo = open_spark(path, session=spark)
    pd.testing.assert_frame_equal(spark_rows(engine), expected)
    assert engine.dtypes == {c: str(t) for c, t in expected.dtypes.items()}
    assert sinfo.null_tokens == info.null_tokens
    assert any("64-bit" in n and "big" in n for n in sinfo.notes)
    same_profiles(PandasEngine(expected), engine)
    preds = predicates(expected)
    assert engine.count_where(preds) == PandasEngine(expected).count_where(preds)
    engine.close()


def test_a_directory_of_csv_parts_loads_like_the_whole_file(spark, tmp_path, loans):
    from dataaudit.engine.spark_load import open_spark

    parts = tmp_path / "parts"
    parts.mkdir()
    text = (ROOT / "sample_data" / "loans.csv").read_text().splitlines(keepends=True)
    header, body = text[0], text[1:]
    # uneven parts, so that Spark's size-ordered packing of splits differs from file order
    cuts = [0, 1500, 1700, 6000, len(body)]
    for k in range(len(cuts) - 1):
        (parts / f"part-{k:05d}.csv").write_text(header + "".join(body[cuts[k] : cuts[k + 1]]))
    (parts / "_SUCCESS").write_text("")
    engine, info = open_spark(parts, session=spark)
    assert engine.n_rows == len(loans)
    pd.testing.assert_frame_equal(spark_rows(engine), loans)
    assert info.null_tokens == load(ROOT / "sample_data" / "loans.csv")[1].null_tokens
    engine.close()


def test_parquet_loads_like_the_pandas_loader(spark, tmp_path):
    from dataaudit.engine.spark_load import open_spark

    frame = planted(120)
    path = tmp_path / "planted.parquet"
    # microseconds: Spark refuses Parquet's TIMESTAMP(NANOS), pandas' default (a one-line error, tested below)
    frame.to_parquet(path, index=False, coerce_timestamps="us", allow_truncated_timestamps=True)
    expected, _ = load(path)
    engine, info = open_spark(path, session=spark)
    assert info.format == "parquet"
    pd.testing.assert_frame_equal(spark_rows(engine), expected)
    same_profiles(PandasEngine(expected), engine)
    engine.close()


def test_a_ragged_row_is_a_one_line_error_naming_the_file_and_line(spark, tmp_path):
    from dataaudit.engine.spark_load import open_spark

    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n6,7\n")
    with pytest.raises(DataLoadError) as err:
        open_spark(path, session=spark)
    message = str(err.value)
    assert "\n" not in message and str(path) in message and "line 3" in message


def test_an_unterminated_quote_is_the_pandas_loaders_one_line_error(spark, tmp_path):
    from dataaudit.engine.spark_load import open_spark

    path = tmp_path / "quote.csv"
    path.write_text('a,b\n1,2\n3,"x\n4,5\n6,7\n')
    with pytest.raises(DataLoadError) as err:
        open_spark(path, session=spark)
    with pytest.raises(DataLoadError) as expected:
        load(path)
    assert str(err.value) == str(expected.value)
    assert "line 3 never closes" in str(err.value)
    # a quote inside an unquoted value is text, not an opening quote: read as the pandas loader reads it
    path.write_text('a,b\n1,2\n3,5" screen\n')
    engine, _ = open_spark(path, session=spark)
    pd.testing.assert_frame_equal(spark_rows(engine), load(path)[0])


def test_missing_pyspark_or_java_is_a_one_line_config_error(monkeypatch):
    import sys

    from dataaudit.engine import spark_load

    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    with pytest.raises(ConfigError, match=r"pyspark.*dataaudit\[spark\]"):
        spark_load.require_spark()
    monkeypatch.delitem(sys.modules, "pyspark")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ConfigError, match=r"Java.*dataaudit\[spark\]"):
        spark_load.require_spark()


def test_a_spark_dataframe_is_numbered_in_its_order(spark):
    """``SparkEngine.from_dataframe`` (what ``audit(spark_df)`` uses): positions follow the DataFrame's
    partition order, NaN is missing, and the operations agree with pandas on the same rows."""
    from dataaudit.engine.spark import SparkEngine

    frame = planted(90).drop(columns=["when"])
    frame["k"] = np.arange(90)
    sdf = spark.createDataFrame(frame).repartition(3).sortWithinPartitions("k")
    engine = SparkEngine.from_dataframe(sdf)
    got = spark_rows(engine)
    order = got["k"].to_numpy()
    assert sorted(order) == list(range(90)) and list(order) != list(range(90))
    same = frame.iloc[order].reset_index(drop=True)
    ref = PandasEngine(same)
    same_profiles(ref, engine)
    pd.testing.assert_series_equal(engine.value_counts("a b"), ref.value_counts("a b"))
    features = [c for c in same.columns if c not in ("id", "label", "k")]
    same_groups(ref.conflicts(features, "label"), engine.conflicts(features, "label"))
    engine.close()


def test_a_column_named_like_an_injection_is_audited_like_any_other(spark):
    """Column names are quoted identifiers and values are literals: a column named ``x"; DROP TABLE data; --``
    holding ``'); --`` is counted, grouped and fetched, and the data is still there afterwards."""
    from dataaudit.engine.spark import SparkEngine

    frame = pd.DataFrame(
        {INJECTION: ["'); --", "ok", "'); --", None, "`; --"], "a`b": [1, 2, 1, 2, 1], "c.d e": list("xyzxy")}
    )
    engine = SparkEngine.from_pandas(frame, session=spark)
    ref = PandasEngine(frame)
    pd.testing.assert_series_equal(engine.value_counts(INJECTION), ref.value_counts(INJECTION))
    preds = {
        "hit": Predicate(INJECTION, "in", ["'); --", "`; --"]),
        "miss": Predicate(INJECTION, "not in", ["'); --"]),
        "gone": Predicate("a`b", "missing"),
        "big": Predicate("a`b", ">", 1),
    }
    assert engine.count_where(preds) == ref.count_where(preds) == {"hit": 3, "miss": 2, "gone": 0, "big": 2}
    same_group_counts(ref.group_counts([INJECTION, "a`b"]), engine.group_counts([INJECTION, "a`b"]))
    same_groups(ref.duplicates([INJECTION, "a`b"]), engine.duplicates([INJECTION, "a`b"]))
    same_profiles(ref, engine)
    assert engine.n_rows == 5 and engine.dataframe.count() == 5


def test_a_catalog_table_opens_by_name(spark):
    from dataaudit.engine.spark_load import open_spark

    frame = planted(60).drop(columns=["when"])
    frame.loc[[3, 7], "a b"] = "NA"  # a null token in a text column: missing, as from_frame makes it
    spark.createDataFrame(frame).createOrReplaceTempView("dataaudit_planted")
    engine, info = open_spark(table="dataaudit_planted", session=spark)
    assert (info.path, info.format, engine.n_rows) == ("dataaudit_planted", "table", 60)
    expected, expected_info = __import__("dataaudit.loading", fromlist=["from_frame"]).from_frame(frame)
    assert info.null_tokens == expected_info.null_tokens
    assert info.null_tokens["a b"]["NA"] == 2
    same_profiles(PandasEngine(expected), engine)
    with pytest.raises(DataLoadError, match="no_such_table"):
        open_spark(table="no_such_table", session=spark)
    engine.close()


def test_the_cli_on_a_missing_catalog_table_prints_one_line_and_exits_2(tmp_path):
    """``--table`` through the command line, in a fresh process: exit 2 and exactly one line on stderr, not
    the JVM's start-up banner or log lines."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "dataaudit", "run", "--table", "nosuch.table", "--engine", "spark", "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: nosuch.table: cannot read the table"), lines
    assert list(tmp_path.iterdir()) == []  # no half-written report


def test_duplicate_group_sizes_reach_the_driver_run_length(spark, monkeypatch):
    """Many repeated values (a timestamp): the sizes of every group equal pandas', and no result the driver
    collects has a row per group (100M rows of a timestamp: 26M groups, as Row objects)."""
    from dataaudit.engine.spark import SparkEngine

    rng = np.random.default_rng(11)
    start = np.datetime64("2025-01-01T00:00:00")
    frame = pd.DataFrame({"at": start + rng.integers(0, 2000, size=4000).astype("timedelta64[s]")})
    want = PandasEngine(frame).duplicates(["at"], limit=3)
    assert want.groups > 1000
    engine = SparkEngine.from_pandas(frame, session=spark)
    sizes: list[int] = []
    frames = type(engine._df)  # pyspark 4: the classic (or Connect) DataFrame class, not pyspark.sql's base
    collect = frames.collect

    def spy(self):
        got = collect(self)
        sizes.append(len(got))
        return got

    monkeypatch.setattr(frames, "collect", spy)
    got = engine.duplicates(["at"], limit=3)
    monkeypatch.undo()
    engine.close()
    np.testing.assert_array_equal(got.sizes, want.sizes)
    assert got.examples == want.examples
    assert sizes and max(sizes) <= max(10, sum(len(g) for g in want.examples))
