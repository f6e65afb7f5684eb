"""The default per-check time limit (300 s, 50× the slowest built-in check at 1M rows) grows with the rows
beyond 1M: the 100M-row audit's duplicate grouping took more than 300 s and would have become an error. A
limit the user sets is kept as set."""

from __future__ import annotations

import pytest

from dataaudit.config import Config
from dataaudit.runner import check_limit


@pytest.mark.parametrize(
    ("rows", "limit"), [(1_000, 300.0), (1_000_000, 300.0), (10_000_000, 3_000.0), (100_000_000, 30_000.0)]
)
def test_the_default_limit_grows_with_the_rows(rows: int, limit: float) -> None:
    assert check_limit(Config(), rows) == pytest.approx(limit)


def test_a_limit_the_user_sets_is_kept() -> None:
    assert check_limit(Config.model_validate({"check_timeout": 300}), 100_000_000) == 300.0
    assert check_limit(Config().merged(check_timeout=5.0), 100_000_000) == 5.0
    assert check_limit(Config.model_validate({"check_timeout": 0}), 100_000_000) is None
