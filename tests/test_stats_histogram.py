"""The statistics' histogram (the overview's sparkline of a number or time column): numpy's counts, taken from
the sort the quantiles make anyway."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.stats import HISTOGRAM_BINS, Stats, histogram

FINITE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


def _numpy(values: np.ndarray) -> tuple[int, ...]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return ()
    lo, hi = values.min(), values.max()
    if lo == hi:
        return (values.size,)
    try:
        counts, _ = np.histogram(values, bins=HISTOGRAM_BINS, range=(lo, hi))
    except ValueError:  # "Cannot create 16 finite-sized bins": the overview drew no picture
        return ()
    return tuple(int(c) for c in counts)


@settings(max_examples=300, deadline=None)
@given(st.lists(FINITE, max_size=300), st.integers(0, 3))
def test_counts_are_numpys_sorted_or_not(values: list[float], repeat: int) -> None:
    x = np.asarray(values * (repeat + 1), dtype="float64")
    expected = _numpy(x)
    assert histogram(np.sort(x), is_sorted=True) == expected
    assert histogram(x) == expected


def test_values_on_the_edges_go_to_the_bin_above_and_the_maximum_to_the_last() -> None:
    edges = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
    x = np.concatenate([edges, edges[5:9]])
    counts = histogram(np.sort(x), is_sorted=True)
    assert counts == _numpy(x)
    assert counts[-1] == 2 and counts[5] == 2 and sum(counts) == x.size


def test_no_picture_where_bins_cannot_be_finite() -> None:
    assert histogram(np.array([-1e308, 1e308])) == ()  # the span overflows
    assert histogram(np.sort(np.array([0.0, 5e-324])), is_sorted=True) == ()  # neighbouring floats
    assert histogram(np.array([np.nan, np.inf])) == ()
    assert histogram(np.array([3.0, 3.0, np.nan])) == (2,)


def test_the_statistics_carry_it_for_numbers_and_times_only() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=500),
            "when": pd.date_range("2024-01-01", periods=500, freq="h"),
            "as_text": pd.date_range("2024-01-01", periods=500, freq="D").strftime("%Y-%m-%d"),
            "colour": rng.choice(["red", "green"], 500),
        }
    )
    stats = Stats(frame)
    assert stats["x"].histogram == _numpy(frame["x"].to_numpy())
    ns = frame["when"].to_numpy().view("int64").astype("float64")
    assert stats["when"].histogram == _numpy(ns) and sum(stats["when"].histogram) == 500
    assert sum(stats["as_text"].histogram) == 500
    assert stats["colour"].histogram == ()


def test_the_overview_draws_it() -> None:
    frame = pd.DataFrame({"x": [1.0] * 9 + [2.0, 3.0], "big": [-1e308, 1e308] * 5 + [0.0]})
    report = dataaudit.audit(frame, as_of="2026-01-01")
    shapes = {c.name: (c.shape, c.shape_kind) for c in report.overview}
    # 2.0 is the edge between bins 7 and 8: it counts in bin 8
    assert shapes["x"] == ((1.0,) + (0.0,) * 7 + (0.111,) + (0.0,) * 6 + (0.111,), "histogram")
    assert shapes["big"] == ((), "")


NUMBERS = st.lists(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True, width=32),
        st.integers(-(2**60), 2**60).map(float),
        st.sampled_from([0.0, -0.0, 1.5, 2.0**53, 2.0**53 + 2]),
    ),
    min_size=1,
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(NUMBERS, st.booleans())
def test_quantiles_and_histogram_from_the_counts_sort_are_numpys(values: list[float], ints: bool) -> None:
    x = np.asarray(values, dtype="float64")
    whole = np.clip(np.nan_to_num(x, nan=0, posinf=0, neginf=0), -(2.0**62), 2.0**62)
    column = pd.Series(whole.astype("int64") if ints else x)
    stats = Stats(pd.DataFrame({"x": column}))
    stats.value_counts("x")  # counted first, as role detection does: the quantiles reuse its sort
    got = stats["x"]
    finite = column.to_numpy(dtype="float64")
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        assert got.quantiles is None and got.histogram == ()
        return
    assert got.quantiles is not None
    expected = np.quantile(finite, [0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0])
    assert [got.quantiles[k] for k in ("min", "p01", "p25", "p50", "p75", "p99", "max")] == list(expected)
    assert got.histogram == _numpy(finite)
