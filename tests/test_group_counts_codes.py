"""The pandas engine's group counts from integer codes (a text column's kept factorize codes, an integer
column's own) are pandas' groupby, row for row and dtype for dtype."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.engine import PandasEngine
from dataaudit.stats import Stats

TEXT = st.one_of(st.none(), st.just(float("nan")), st.sampled_from(["a", "b", "B", "", " a", "NA", "ä"]))


def _pandas(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    sizes = frame.groupby(columns, dropna=False, sort=False, observed=True).size()
    out = sizes.rename("count").reset_index()
    return out.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def _engine(frame: pd.DataFrame) -> PandasEngine:
    stats = Stats(frame)
    return PandasEngine(frame, codes=stats.text_codes)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(TEXT, TEXT, st.integers(-2, 3)), min_size=1, max_size=60),
    st.sampled_from([["s"], ["s", "y"], ["y", "s"], ["s", "t"], ["s", "t", "y"], ["y"]]),
)
def test_coded_counts_are_pandas_groupby(rows: list[tuple], columns: list[str]) -> None:
    frame = pd.DataFrame(rows, columns=["s", "t", "y"]).astype({"s": object, "t": object})
    got = _engine(frame).group_counts(columns)
    pd.testing.assert_frame_equal(got, _pandas(frame, columns))


def test_other_columns_are_grouped_by_pandas() -> None:
    frame = pd.DataFrame(
        {
            "f": [1.5, np.nan, 1.5, 2.0],
            "mixed": ["a", 1, "a", None],
            "cat": pd.Categorical(["x", "y", "x", None]),
            "y": [0, 1, 0, 1],
        }
    )
    engine = _engine(frame)
    for columns in (["f", "y"], ["mixed"], ["cat", "y"], ["mixed", "f"]):
        pd.testing.assert_frame_equal(engine.group_counts(columns), _pandas(frame, columns))


def test_many_rows_of_text_and_labels() -> None:
    rng = np.random.default_rng(0)
    n = 200_000
    frame = pd.DataFrame(
        {
            "group": rng.choice(np.array(["A", "B", "C", None], dtype=object), n),
            "city": rng.choice(np.array([f"city {i}" for i in range(500)], dtype=object), n),
            "target": rng.integers(0, 2, n),
        }
    )
    engine = _engine(frame)
    for columns in (["group"], ["group", "target"], ["city", "group", "target"]):
        pd.testing.assert_frame_equal(engine.group_counts(columns), _pandas(frame, columns))
