"""``Stats.prefetch``: the statistics of some columns computed in a background thread while the caller asks
for them in order (the pandas loader's number and time columns, beside role detection). Each column is
computed once, whichever thread asks first; the values are those computed in one thread; a column that
fails in the background fails where it is asked for."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

from dataaudit.stats import Stats
from tests.helpers import AS_OF


def _frame(n: int = 20_000) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "amount": rng.lognormal(3, 1, n).round(2),
            "count": rng.integers(0, 50, n),
            "when": pd.to_datetime("2025-01-01") + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s"),
            "city": rng.choice(["Lyon", "Paris", "Nice", None], n),
            "note": [f"note {i}" for i in rng.integers(0, 5000, n)],
            "score": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)),
        }
    )


def test_prefetched_statistics_are_those_computed_in_one_thread():
    frame = _frame()
    stats = Stats(frame, AS_OF)
    thread = stats.prefetch(["amount", "count", "when", "score"])
    asked = {c: stats[c] for c in frame.columns}  # in order, while the thread works from the end
    thread.join()
    alone = Stats(frame, AS_OF)
    for c in frame.columns:
        assert asked[c] == alone[c], c
        assert stats.value_counts(c).equals(alone.value_counts(c)), c


class _Counting(Stats):
    """Counts each column's computation, slowly enough for both threads to ask at once."""

    def __init__(self, frame: pd.DataFrame) -> None:
        super().__init__(frame, AS_OF)
        self.computed: list[str] = []
        self.guard = threading.Lock()

    def _compute(self, column: str):
        with self.guard:
            self.computed.append(column)
        time.sleep(0.05)
        if column == "bad":
            raise ValueError("cannot summarise 'bad'")
        return super()._compute(column)


def test_each_column_is_computed_once_whichever_thread_asks_first():
    frame = _frame(2_000)
    stats = _Counting(frame)
    thread = stats.prefetch(list(frame.columns))
    for c in frame.columns:
        stats[c]
    thread.join()
    assert sorted(stats.computed) == sorted(frame.columns)


def test_a_column_that_fails_in_the_background_fails_where_it_is_asked_for():
    frame = _frame(2_000).assign(bad=1.0)
    stats = _Counting(frame)
    stats.prefetch(["amount", "bad", "count"]).join()  # the thread goes on past the failure
    assert {"amount", "count"} <= set(stats.computed)
    with pytest.raises(ValueError, match="cannot summarise 'bad'"):
        stats["bad"]
    assert stats["amount"] == Stats(frame, AS_OF)["amount"]
