"""``stats.sorted_quantiles`` gives ``np.quantile``'s floats to the bit, from sorted values (the shared
statistics' quantiles) and from sorted distinct values with their counts (the outlier check's), so that
neither moves a reported number when it skips ``np.quantile``'s partition."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.stats import sorted_quantiles

QS = [0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 100, 101, 1000, 100_003])
@pytest.mark.parametrize("kind", ["normal", "ties", "wide"])
def test_the_same_floats_as_np_quantile(n, kind):
    rng = np.random.default_rng(n)
    values = {
        "normal": rng.normal(size=n),
        "ties": np.round(rng.normal(size=n), 1),
        "wide": rng.normal(size=n) * 10.0 ** rng.integers(-300, 300, size=n),
    }[kind]
    expected = np.quantile(values, QS)
    assert np.array_equal(sorted_quantiles(np.sort(values), QS), expected)
    distinct, counts = np.unique(values, return_counts=True)
    assert np.array_equal(sorted_quantiles(distinct, QS, counts), expected)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=60),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5),
)
def test_the_same_floats_for_any_values_and_quantiles(values, qs):
    arr = np.array(values)
    with np.errstate(over="ignore", invalid="ignore"):  # spans near 1e308 overflow in both alike
        expected = np.quantile(arr, qs)
        got = sorted_quantiles(np.sort(arr), qs)
    assert np.array_equal(got, expected, equal_nan=True)
