"""The spark engine's faster paths give the pandas engine's answers: value counts, distinct counts and exact
quantiles of every column from one grouping (and a fixed number of Spark jobs whatever the number of
columns), duplicates and conflicts found through a hash of the key columns (missing equal to missing), and
the CSV typing pass's fast paths for plain numbers, dates and timestamps deciding every column's type as the
pandas loader does, on the shapes right at their edges."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit.engine.pandas import PandasEngine
from dataaudit.loading import load
from tests.test_engine_spark import _MISSING, same_groups, same_profiles

pytestmark = pytest.mark.spark

if _MISSING:
    pytest.skip(_MISSING, allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from dataaudit.engine import spark_load

    return spark_load.get_session()


def _jobs(spark, group: str, fn):
    sc = spark.sparkContext
    sc.setJobGroup(group, group)
    try:
        out = fn()
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    return out, len(sc.statusTracker().getJobIdsForGroup(group))


def test_value_counts_of_every_column_come_from_one_grouping(spark):
    from dataaudit.engine.spark import SparkEngine

    rng = np.random.default_rng(3)

    def counted(width: int) -> tuple[dict[str, pd.Series], int, pd.DataFrame]:
        frame = pd.DataFrame(
            {f"c{i}": rng.choice(["a", "b", "c", None], 120) for i in range(width)}
            | {"x": np.round(rng.normal(size=120), 1), "k": rng.integers(0, 5, 120)}
        )
        engine = SparkEngine.from_pandas(frame, session=spark)

        def every() -> dict[str, pd.Series]:
            engine.profile()
            return {c: engine.value_counts(c) for c in frame.columns}

        got, jobs = _jobs(spark, f"counts-{width}", every)
        engine.close()
        return got, jobs, frame

    narrow, few, frame_n = counted(1)
    wide, many, frame_w = counted(12)
    assert few == many, (few, many)  # bundled: not one job per column
    for got, frame in ((narrow, frame_n), (wide, frame_w)):
        ref = PandasEngine(frame)
        for c in frame.columns:
            pd.testing.assert_series_equal(got[c], ref.value_counts(c), obj=c)
            pd.testing.assert_series_equal(got[c].iloc[:2], ref.value_counts(c, 2), obj=c)


def test_quantiles_are_exact_for_columns_with_many_distinct_values(spark):
    from dataaudit.engine.spark import SparkEngine

    rng = np.random.default_rng(5)
    n = 4000
    frame = pd.DataFrame(
        {
            "spread": rng.normal(size=n),  # every value distinct
            "ints": rng.integers(-(2**40), 2**40, n),
            "gaps": np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 7, n).astype(float)),
            "inf": np.r_[np.inf, -np.inf, rng.normal(size=n - 2)],
        }
    )
    engine = SparkEngine.from_pandas(frame, session=spark)
    ref = PandasEngine(frame)
    same_profiles(ref, engine)
    for c in frame.columns:
        assert engine.profile()[c].quantiles_exact
    engine.close()


def test_duplicates_through_the_hash_keep_exact_equality(spark):
    from dataaudit.engine.spark import SparkEngine

    frame = pd.DataFrame(
        {
            "id": np.arange(12, dtype=np.int64),
            "x": [0.0, 0.0, 1.5, 1.5, np.nan, np.nan, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0],
            "t": ["a", "a", "b", "b", None, None, "c", "c", "d", "e", "f", "f"],
            "y": ["p", "q", "p", "p", "p", "q", "p", "q", "p", "p", "p", "q"],
        }
    )
    engine = SparkEngine.from_pandas(frame, session=spark)
    ref = PandasEngine(frame)
    for cols in (["x", "t"], ["x"], ["t"], ["x", "t", "y"]):
        same_groups(ref.duplicates(cols), engine.duplicates(cols))
    same_groups(ref.conflicts(["x", "t"], "y"), engine.conflicts(["x", "t"], "y"))
    assert engine.duplicates(["x", "t"]).groups == 3  # (0.0, a) twice, (1.5, b), (NaN, None)
    assert engine.conflicts(["x", "t"], "y").groups == 2  # rows 0-1 and 4-5 (missing equals missing)
    engine.close()


def edge_csv() -> str:
    """Columns whose type hinges on one value just outside a fast path's plain shape."""
    columns = {
        "plain_int": ["1", "-2", "007", "0"],
        "int_19_digits": ["1", "2", "1234567890123456789", "3"],  # past 18 digits: the full test
        "plus_sign": ["1", "+2", "3", "4"],  # arrow: "+2" is no integer, but a number
        "spaced": ["1", " 2", "3", "4"],
        "float_edges": ["1.5", ".5", "-.5", "5."],
        "exponent": ["1.5", "1e3", "2", "-3"],
        "special": ["1.5", "inf", "nan", "2"],
        "bools": ["1", "0", "0", "1"],
        "dates": ["2025-01-01", "2025-02-28", "2024-02-29", "2025-12-31"],
        "bad_date": ["2025-01-01", "2025-02-30", "2025-03-01", "2025-03-02"],
        "stamps": [
            "2025-01-01 10:00:00",
            "2025-01-02T11:30:00",
            "2025-01-03 00:00:01",
            "2025-01-04 23:59:59",
        ],
        "stamp_fraction": ["2025-01-01 10:00:00", "2025-01-01 10:00:00.25", "2025-01-02 00:00:00", ""],
        "stamp_zone": ["2025-01-01 10:00:00", "2025-01-01 10:00:00Z", "2025-01-02 00:00:00", ""],
        "bad_stamp": ["2025-01-01 10:00:00", "2025-01-01 25:00:00", "2025-01-02 00:00:00", ""],
        "mixed_date_stamp": ["2025-01-01", "2025-01-01 10:00:00", "2025-01-02", ""],
        "versions": ["1.2", "1.2.3", "2.0", "3.1"],
        "text": ["alpha", "12", "-", "."],
    }
    header = list(columns)
    rows = [[columns[c][i] for c in header] for i in range(4)]
    return "\n".join(",".join(r) for r in [header, *rows]) + "\n"


def test_csv_typing_fast_paths_type_every_column_as_the_pandas_loader(spark, tmp_path):
    from dataaudit.engine.spark_load import open_spark

    path = tmp_path / "edges.csv"
    path.write_text(edge_csv())
    expected, _ = load(path)
    engine, _ = open_spark(path, session=spark)
    assert engine.dtypes == {c: str(t) for c, t in expected.dtypes.items()}
    got = engine.rows(np.arange(engine.n_rows))
    pd.testing.assert_frame_equal(got, expected)
    engine.close()


def test_an_audit_leaves_no_spark_scratch_files_behind(tmp_path):
    """Spark's shuffle and spill files go to a dataaudit temporary folder, removed when the process ends
    (a 10M-row audit left a 1.6 GB blockmgr-* folder in /tmp before)."""
    import os
    import subprocess
    import sys

    data = tmp_path / "data.csv"
    data.write_text("a,b\n" + "".join(f"{i % 7},{i % 3}\n" for i in range(200)))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    code = (
        "import dataaudit; from dataaudit.engine.spark_session import get_session;"
        "s = get_session(); print(s.conf.get('spark.local.dir'));"
        f"dataaudit.audit({str(data)!r}, engine='spark', as_of='2026-06-30')"
    )
    env = {**os.environ, "TMPDIR": str(scratch)}
    env.pop("SPARK_REMOTE", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    local_dir = out.stdout.strip().splitlines()[-1]
    assert local_dir.startswith(str(scratch / "dataaudit-")), local_dir
    assert not os.path.exists(local_dir)
    # the session's fixed files (its log configuration, an empty catalog folder) are shared, not scratch
    left = sorted(
        p.name
        for p in scratch.iterdir()
        if p.name.startswith(("blockmgr-", "dataaudit-")) and not p.name.startswith("dataaudit-spark-")
    )
    assert left == [], left
