"""Issue 14.7, the outliers still failing clean field tables: a fail needs far values that are systematic (at
least ``min_count`` of them) and that stand apart from the rest of the column (a gap, as an extra zero or a
unit mix-up leaves), not a long tail that thins out continuously past the fences (Boston's ``black``) or one
far value in a small column (the Los Angeles riots' longitudes, star98's share of charter schools)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import dataaudit

OUTLIERS = "consistency.outliers"


def outliers(df: pd.DataFrame):
    return dataaudit.audit(df, as_of="2026-06-30", select=[OUTLIERS]).result(OUTLIERS)


def bounded_with_long_tail(n: int = 506, seed: int = 0) -> pd.DataFrame:
    """Like Boston's ``black`` (1000 (Bk - 0.63)^2): piled up against its maximum of 396.9, with a long
    continuous tail of real low values down to nearly 0."""
    rng = np.random.default_rng(seed)
    body = 396.9 - np.abs(rng.normal(0, 15, n - 45))
    body[: n // 4] = 396.9
    tail = np.linspace(0.3, 350, 45) + rng.uniform(-3, 3, 45)  # thinning out evenly, no empty stretch
    return pd.DataFrame({"black": np.round(np.r_[body, tail], 2), "x": rng.normal(size=n)})


def test_a_continuous_long_tail_warns_but_does_not_fail():
    r = outliers(bounded_with_long_tail())
    assert r.status == "warn", r.message
    assert "black:" in r.message
    note = {row[0]: row[-1] for row in r.evidence[0].rows}["black"]
    assert "without a gap" in note


def test_one_far_value_in_a_small_column_warns_but_does_not_fail():
    rng = np.random.default_rng(4)
    lon = np.r_[rng.normal(-118.3, 0.05, 61), [-118.0, -117.7]]  # 63 deaths, two further east
    r = outliers(pd.DataFrame({"longitude": lon, "age": rng.integers(15, 70, 63)}))
    assert r.status == "warn", r.message
    assert "longitude: 2 values" in r.message


def test_a_unit_mix_up_in_many_rows_still_fails():
    rng = np.random.default_rng(1)
    height = rng.normal(170, 9, 1000).round(1)
    height[rng.choice(1000, 30, replace=False)] *= 10  # 3% entered in millimetres
    r = outliers(pd.DataFrame({"height_cm": height, "x": rng.normal(size=1000)}))
    assert r.status == "fail", r.message
    assert "height_cm: 30 values" in r.message


def test_a_long_tail_with_a_block_of_extra_zeros_still_fails():
    df = bounded_with_long_tail()
    df.loc[:19, "black"] = df.loc[:19, "black"] * 100  # twenty values with two extra zeros: a gap, far out
    r = outliers(df)
    assert r.status == "fail", r.message


def test_a_heavy_but_clean_tail_is_quiet_where_the_same_share_of_slips_warns():
    rng = np.random.default_rng(5)
    body = rng.normal(50, 5, 20_000)
    q1, q3 = np.quantile(body, [0.25, 0.75])
    # 0.3% of the values thin out past the upper fence, evenly, short of the far fence: a long real tail
    tail = np.linspace(q3 + 3.1 * (q3 - q1), q3 + 5.5 * (q3 - q1), 60)
    clean = pd.DataFrame({"reading": np.r_[body, tail].round(3), "x": rng.normal(size=20_060)})
    r = outliers(clean)
    assert r.status == "pass", r.message
    assert "0.50% in a continuous tail" in r.message
    # the same share entered with an extra zero: far out, standing apart from the column
    dirty = pd.DataFrame({"reading": np.r_[body, tail * 10].round(3), "x": clean["x"]})
    r = outliers(dirty)
    assert r.status == "warn", r.message
    assert r.observed["reading"] > 0.002
