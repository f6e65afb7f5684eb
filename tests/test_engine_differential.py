"""Differential tests: every :class:`~dataaudit.engine.base.Engine` operation gives the same answer on the
DuckDB engine as on the pandas engine (the reference), on the sample data, on a generated frame with planted
duplicates, conflicts and missing values, on hypothesis-generated frames, and out of core (a 2M-row file
under a 60 MB engine memory limit still gives exact duplicate, id and conflict counts)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.engine.base import Engine, Predicate
from dataaudit.engine.duckdb import DuckDBEngine
from dataaudit.engine.duckdb_load import open_duckdb
from dataaudit.engine.pandas import PandasEngine
from dataaudit.loading import load

LOANS = Path(__file__).resolve().parents[1] / "sample_data" / "loans.csv"


def _same_missing(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


def _predicates(ref: PandasEngine) -> dict[str, Predicate]:
    preds: dict[str, Predicate] = {}
    for c in ref.columns:
        s = ref.frame[c]
        preds[f"{c}:missing"] = Predicate(c, "missing")
        preds[f"{c}:present"] = Predicate(c, "present")
        top = list(ref.value_counts(c, limit=2).index)
        preds[f"{c}:in"] = Predicate(c, "in", top)
        preds[f"{c}:not in"] = Predicate(c, "not in", top)
        if pd.api.types.is_datetime64_any_dtype(s):
            present = s.dropna()
            if len(present):
                mid = present.iloc[len(present) // 2]
                preds[f"{c}:>"] = Predicate(c, ">", mid)
                preds[f"{c}:<="] = Predicate(c, "<=", mid)
        else:
            preds[f"{c}:<"] = Predicate(c, "<", 1)
            preds[f"{c}:>="] = Predicate(c, ">=", 0.5)
            preds[f"{c}:outside"] = Predicate(c, "outside", (0, 100))
    return preds


def assert_same(ref: PandasEngine, eng: Engine, groups: list[list[str]] | None = None) -> None:
    cols = ref.columns
    assert eng.columns == cols and eng.n_rows == ref.n_rows
    expected, got = ref.profile(), eng.profile()
    for c in cols:
        for field in expected[c].__dataclass_fields__:
            a, b = getattr(expected[c], field), getattr(got[c], field)
            assert _close(a, b), (c, field, a, b)
    for c in cols:
        pd.testing.assert_series_equal(eng.value_counts(c), ref.value_counts(c), obj=c)
        pd.testing.assert_series_equal(eng.value_counts(c, limit=3), ref.value_counts(c, limit=3), obj=c)
    preds = _predicates(ref)
    assert eng.count_where(preds) == ref.count_where(preds)
    groups = groups or [cols[:1], cols[:2], cols]
    for g in groups:
        a, b = ref.group_counts(g), eng.group_counts(g)
        pd.testing.assert_frame_equal(_same_missing(b), _same_missing(a), check_dtype=False, obj=str(g))
        for limit in (0, 3):
            a, b = ref.duplicates(g, limit), eng.duplicates(g, limit)
            assert np.array_equal(a.sizes, b.sizes) and a.examples == b.examples, (g, a, b)
    for target in cols:
        features = [c for c in cols if c != target][:2]
        if not features:
            continue
        a, b = ref.conflicts(features, target), eng.conflicts(features, target)
        assert np.array_equal(a.sizes, b.sizes), (features, target)
        assert a.examples == b.examples and np.array_equal(a.labels, b.labels), (features, target)
    n = ref.n_rows
    for positions in ([0], [n - 1, 0], list(range(0, n, 3))):
        pd.testing.assert_frame_equal(_same_missing(eng.rows(positions)), _same_missing(ref.rows(positions)))
    pd.testing.assert_frame_equal(
        _same_missing(eng.rows([0, n - 1], columns=cols[-1:])), _same_missing(ref.rows([0, n - 1], cols[-1:]))
    )
    for size, seed in ((5, 0), (n, 1), (max(1, n // 2), 7)):
        pd.testing.assert_frame_equal(
            _same_missing(eng.sample(size, seed)), _same_missing(ref.sample(size, seed))
        )


# ---------------------------------------------------------------------- sample data
@pytest.fixture(scope="module")
def loans() -> pd.DataFrame:
    return load(LOANS)[0]


def test_loans_from_frame(loans):
    with DuckDBEngine.from_frame(loans) as eng:
        assert_same(
            PandasEngine(loans),
            eng,
            groups=[["gender"], ["region", "loan_purpose"], list(loans.columns), ["application_id"]],
        )


def test_profile_under_a_small_memory_limit_is_still_exact(loans):
    """Under a small limit the distinct counts go in a few spilling GROUP BYs and the quantiles come from a
    spilling sort by rank instead of ``quantile_cont`` (which holds every value in memory): same answers."""
    with DuckDBEngine.from_frame(loans, memory_limit="40MB") as eng:
        eng._memory_limit = 1  # pretend every quantile_cont would overflow: the by-rank path for all
        ref = PandasEngine(loans).profile()
        got = eng.profile()
        for c in loans.columns:
            for field in ref[c].__dataclass_fields__:
                assert _close(getattr(ref[c], field), getattr(got[c], field)), (c, field)


def test_loans_from_the_file(loans):
    engine, _ = open_duckdb(LOANS, memory_limit="100MB")
    with engine:
        assert_same(PandasEngine(loans), engine, groups=[["gender", "approved"], list(loans.columns)])


# ---------------------------------------------------------------------- planted problems
def planted_frame(n: int = 3000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "id": np.arange(n),
            "region": rng.choice(["north", "south", "east", "west"], n),
            "age": rng.integers(18, 80, n),
            "income": np.round(rng.normal(50_000, 12_000, n), 2),
            "joined": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
            "vip": rng.random(n) < 0.1,
            "note": rng.choice(["ok", "call back", "'); --", "naïve café"], n),
            "label": rng.integers(0, 2, n),
        }
    )
    frame.loc[rng.random(n) < 0.08, "income"] = np.nan
    frame.loc[rng.random(n) < 0.05, "note"] = None
    frame.loc[rng.random(n) < 0.03, "joined"] = pd.NaT
    # 40 exact duplicate rows (their ids too), and 25 rows that repeat features with the other label
    dup = frame.sample(40, random_state=1)
    conflict = frame.sample(25, random_state=2).assign(
        label=lambda f: 1 - f["label"], id=lambda f: f["id"] + n
    )
    return pd.concat([frame, dup, conflict], ignore_index=True)


def test_planted_duplicates_conflicts_and_missing():
    frame = planted_frame()
    ref = PandasEngine(frame)
    features = ["region", "age", "income", "joined", "vip", "note"]
    with DuckDBEngine.from_frame(frame) as eng:
        assert_same(ref, eng, groups=[["region"], ["region", "vip"], list(frame.columns), ["id"], features])
        assert eng.duplicates(list(frame.columns)).extra_copies == 40
        assert eng.duplicates(["id"]).extra_copies == 40
        conflicts = eng.conflicts(features, "label")
        assert conflicts.groups == ref.conflicts(features, "label").groups >= 25
        assert eng.profile()["income"].missing == int(frame["income"].isna().sum())


def test_nullable_pandas_dtypes():
    frame = pd.DataFrame(
        {
            "n": pd.array([3, None, 1, 3, 1, 2], dtype="Int64"),
            "m": pd.array([1, 2, 2, 1, 5, 5], dtype="Int64"),
            "x": pd.array([0.5, None, 0.5, 1.5, 2.5, 1.5], dtype="Float64"),
            "b": pd.array([True, None, False, True, True, False], dtype="boolean"),
            "s": pd.array(["a", None, "b", "a", "c", "a"], dtype="string"),
        }
    )
    with DuckDBEngine.from_frame(frame) as eng:
        assert_same(PandasEngine(frame), eng)


# ---------------------------------------------------------------------- hypothesis frames
_TEXT = st.sampled_from(["a", "b", "ü", "'); --", 'x"y', "", "  ", None])
_FLOAT = st.sampled_from([0.5, 1.0, -2.25, 3.0, 1e6, math.nan, math.inf])
_TIME = st.sampled_from(
    [dt.datetime(2020, 1, 1), dt.datetime(2021, 6, 30, 12, 30), dt.datetime(1999, 12, 31), None]
)


@st.composite
def frames(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 25))
    cols = {
        "i": draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n)),
        "f": draw(st.lists(_FLOAT, min_size=n, max_size=n)),
        "s": draw(st.lists(_TEXT, min_size=n, max_size=n)),
        "b": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        "t": draw(st.lists(_TIME, min_size=n, max_size=n)),
        "ob": draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)),
    }
    frame = pd.DataFrame(
        {
            'x"; DROP TABLE data; --': np.array(cols["i"], dtype=np.int64),
            "f": np.array(cols["f"], dtype=np.float64),
            "s": pd.Series(cols["s"], dtype=object),
            "b": np.array(cols["b"], dtype=bool),
            "t": pd.to_datetime(pd.Series(cols["t"], dtype=object)).astype("datetime64[s]"),
            "ob": pd.Series(cols["ob"], dtype=object),
        }
    )
    order = draw(st.permutations(list(frame.columns)))
    return frame[order]


@settings(derandomize=True, max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_hypothesis_frames(frame):
    with DuckDBEngine.from_frame(frame) as eng:
        assert_same(PandasEngine(frame), eng)


# ---------------------------------------------------------------------- out of core
def _write_big(path: Path, n: int, chunk: int = 500_000) -> dict[str, int]:
    """A CSV of ``n`` rows written in chunks (never a frame of all of them): every 1000th row repeats the row
    before it (an exact duplicate, its id included); rows come in groups of 4 (``grp``), every 50th group
    holding both labels (a conflict). Returns the planted counts."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with pacsv.CSVWriter(
        str(path),
        pa.schema([("id", pa.int64()), ("key", pa.int64()), ("grp", pa.int64()), ("label", pa.int64())]),
    ) as w:
        for start in range(0, n, chunk):
            i = np.arange(start, min(n, start + chunk))
            repeat = i % 1000 == 999
            src = np.where(repeat, i - 1, i)  # the row a duplicate copies
            w.write_table(
                pa.table(
                    {
                        "id": src,
                        "key": src % 7919,
                        "grp": src // 4,
                        # a grp of 4 rows holds labels 0,0,1,1 when grp % 50 == 0 (a conflict), else one label
                        "label": np.where((src // 4) % 50 == 0, (src % 4) // 2, (src // 4) % 2),
                    }
                )
            )
    groups = n // 4
    return {
        "duplicates": n // 1000,
        "conflict_groups": len(range(0, groups, 50)),
    }


def test_out_of_core_exact_counts_under_a_tiny_memory_limit(tmp_path):
    path = tmp_path / "big.csv"
    n = 2_000_000
    expected = _write_big(path, n)
    engine, info = open_duckdb(path, memory_limit="60MB")
    with engine:
        assert engine.n_rows == n
        assert engine._memory_limit <= 60 * 1000**2
        assert engine.duplicates(engine.columns).extra_copies == expected["duplicates"]
        ids = engine.duplicates(["id"], limit=2)
        assert ids.extra_copies == expected["duplicates"] and ids.examples == ((998, 999), (1998, 1999))
        conflicts = engine.conflicts(["grp"], "label", limit=1)
        assert conflicts.groups == expected["conflict_groups"]
        assert conflicts.examples == ((0, 1, 2, 3),)
        assert engine.value_counts("label").sum() == n
    assert info.bytes == path.stat().st_size
