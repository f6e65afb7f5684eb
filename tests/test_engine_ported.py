"""Checks moved onto the engine seam: their counts over all rows equal counts computed independently with
pandas on generated data with planted problems (fixed seeds), and they ask the engine, not the frame: a spy
engine records every operation and how many rows it handed out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dataaudit
import dataaudit.checks.consistency.labels
from dataaudit import Dataset, Roles
from dataaudit.checks.consistency.duplicates import DuplicateIds, DuplicateRows
from dataaudit.engine import PandasEngine
from tests.helpers import AS_OF, run_check


class SpyEngine(PandasEngine):
    """The pandas engine, recording each operation called and the rows handed out by ``rows()``."""

    def __init__(self, frame: pd.DataFrame) -> None:
        super().__init__(frame)
        self.calls: list[str] = []
        self.rows_out = 0

    def __getattribute__(self, name: str):
        attr = super().__getattribute__(name)
        if name in ("profile", "value_counts", "count_where", "group_counts", "duplicates", "conflicts"):
            super().__getattribute__("calls").append(name)
        return attr

    def rows(self, positions, columns=None):
        self.calls.append("rows")
        out = super().rows(positions, columns)
        self.rows_out += len(out)
        return out


def spied(frame: pd.DataFrame, **roles) -> tuple[Dataset, SpyEngine]:
    if "sensitive" in roles:
        roles["sensitive"] = tuple(roles["sensitive"])
    engine = SpyEngine(frame)
    return Dataset(frame, roles=Roles(**roles), as_of=AS_OF, engine=engine), engine


def loans_like(n: int = 4000, seed: int = 3) -> pd.DataFrame:
    """Applications with a unique id, a timestamp, numbers and categories (no problem planted)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "app_id": [f"A{i:06d}" for i in range(n)],
            "applied": pd.Timestamp("2026-01-01")
            + pd.to_timedelta(rng.integers(0, 170 * 86400, n), unit="s"),
            "region": rng.choice(["North", "South", "East", "West"], n),
            "income": rng.lognormal(10.5, 0.4, n).round(2),
            "term": rng.choice([12, 24, 36, 60], n),
            "score": rng.integers(300, 850, n),
            "approved": rng.choice([0, 1], n, p=[0.4, 0.6]),
        }
    )


# ----------------------------------------------------------------------------------------------------------
# consistency.duplicate_rows / consistency.duplicate_ids


def planted_duplicates(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = loans_like(seed=seed)
    copies = f.iloc[rng.choice(len(f), 37, replace=False)]  # 37 exact copies
    triple = f.iloc[[10, 10]]  # row 10 three times in all
    near = f.iloc[rng.choice(len(f), 9, replace=False)].copy()  # 9 near copies: new id, region re-typed
    near["app_id"] = [f"N{i}" for i in range(len(near))]
    near["region"] = "  " + near["region"].str.upper()
    out = pd.concat([f, copies, triple, near], ignore_index=True)
    return out.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def test_duplicate_rows_counts_equal_pandas_over_all_rows():
    frame = planted_duplicates()
    exact = int(frame.duplicated().sum())
    norm = frame.drop(columns="app_id").assign(region=frame["region"].str.strip().str.casefold())
    near = int(norm.duplicated().sum()) - exact
    assert (exact, near) == (39, 9)  # the plant, as pandas counts it
    report = dataaudit.audit(frame, id="app_id", target="approved", as_of=AS_OF)
    r = report.result("consistency.duplicate_rows")
    assert r.status == "warn"  # 39 of 4,046 rows: under the 1% that fails
    assert r.observed["exact"] == exact and r.observed["near"] == near
    sizes = frame[frame.duplicated(keep=False)].groupby(list(frame.columns)).size()
    assert r.observed["identical_pairs"] == int((sizes * (sizes - 1) // 2).sum())
    # the examples: the largest group first (the row planted three times), with its rows
    triple = np.flatnonzero(frame["app_id"].eq("A000010").to_numpy())
    assert r.evidence[0].rows[0] == (", ".join(map(str, triple)), 3)


def test_duplicate_rows_asks_the_engine_and_fetches_few_rows():
    frame = planted_duplicates()
    data, engine = spied(frame, id="app_id", target="approved")
    result = run_check(DuplicateRows(), data)
    assert result.status == "warn"
    assert "duplicates" in engine.calls
    # rows fetched by position: the near-duplicate candidates and the rows of example groups, not the table
    assert 0 < engine.rows_out < len(frame) // 20


def test_duplicate_rows_quiet_on_clean_rows():
    data, engine = spied(loans_like(), id="app_id", target="approved")
    result = run_check(DuplicateRows(), data)
    assert result.status == "pass" and result.observed["exact"] == 0 and result.observed["near"] == 0
    assert engine.rows_out < 200


def test_duplicate_ids_counts_equal_pandas_with_missing_ids():
    rng = np.random.default_rng(5)
    f = loans_like(seed=5)
    f.loc[rng.choice(len(f), 25, replace=False), "app_id"] = None  # ids lost
    f.loc[rng.choice(len(f), 12, replace=False), "app_id"] = "A000042"  # one id reused by other records
    copies = f.iloc[rng.choice(len(f), 30, replace=False)]  # exact copies, some with a missing id
    frame = pd.concat([f, copies], ignore_index=True)
    ids = frame["app_id"]
    vc = ids.value_counts()
    extra = int((vc[vc > 1] - 1).sum())
    dup = frame.duplicated() & ids.notna()  # later exact copies that hold an id
    data, engine = spied(frame, id="app_id", target="approved")
    r = run_check(DuplicateIds(), data)
    assert r.observed["extra_rows"] == extra
    assert r.observed["repeated_ids"] == int((vc > 1).sum())
    assert r.observed["copies"] == int(dup.sum())
    assert r.observed["share"] == round((extra - int(dup.sum())) / len(frame), 4)
    table = r.evidence[0]
    assert table.rows[0][1] == int(vc.max()) and table.rows[0][0] != "None"
    assert table.rows[0][3] is False  # the reused id: different records
    assert "duplicates" in engine.calls and engine.rows_out < len(frame) // 10


def test_duplicate_ids_pass_on_unique_ids():
    data, _ = spied(loans_like(), id="app_id")
    r = run_check(DuplicateIds(), data)
    assert r.status == "pass" and r.observed == {"repeated_ids": 0, "extra_rows": 0}


@pytest.mark.parametrize("seed", [1, 2])
def test_duplicate_ids_identical_flag_matches_pandas(seed):
    f = loans_like(n=500, seed=seed)
    frame = pd.concat([f, f.iloc[[3, 3, 7]]], ignore_index=True)  # id of row 3: three identical rows
    frame.loc[len(frame)] = f.iloc[7].to_dict() | {"score": 1}  # id of row 7: a copy and a different record
    data, _ = spied(frame, id="app_id")
    r = run_check(DuplicateIds(), data)
    # ties in size: by first row; ids are masked
    assert [row[1:] for row in r.evidence[0].rows] == [(3, "3, 500, 501", True), (3, "7, 502, 503", False)]
    assert r.observed["copies"] == 3 and r.observed["extra_rows"] == 4


# ----------------------------------------------------------------------------------------------------------
# consistency.conflicting_labels


def planted_conflicts(seed: int = 4, unlabelled: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = loans_like(seed=seed)
    flipped = f.iloc[rng.choice(len(f), 15, replace=False)].copy()  # same features, the other label
    flipped["approved"] = 1 - flipped["approved"]
    agreeing = f.iloc[rng.choice(len(f), 15, replace=False)]  # same features, same label
    frame = pd.concat([f, flipped, agreeing], ignore_index=True).drop(columns="app_id")
    if unlabelled:
        frame["approved"] = frame["approved"].map({0: "no", 1: "yes"})
        frame.loc[rng.choice(len(frame), 60, replace=False), "approved"] = None
        frame.loc[rng.choice(len(frame), 9, replace=False), "approved"] = "unknown"
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def conflict_counts(frame: pd.DataFrame, target: str) -> tuple[int, int]:
    """(groups, rows) of identical feature rows with more than one label, among labelled rows: pandas."""
    labelled = frame[frame[target].notna() & (frame[target] != "unknown")]
    features = [c for c in frame.columns if c not in (target, "applied")]
    labels = labelled.groupby(features)[target].agg(["nunique", "size"])
    bad = labels[labels["nunique"] > 1]
    return len(bad), int(bad["size"].sum())


def test_conflicting_labels_counts_equal_pandas_over_all_rows():
    frame = planted_conflicts()
    groups, rows = conflict_counts(frame, "approved")
    assert groups >= 14  # the plant (a flipped copy of an agreeing pair still conflicts)
    data, engine = spied(frame, target="approved", timestamp="applied")
    r = run_check(dataaudit.checks.consistency.labels.ConflictingLabels(), data)
    assert r.status == "warn"  # ~1% of rows
    assert (r.observed["conflicting_groups"], r.observed["rows"]) == (groups, rows)
    assert {"duplicates", "conflicts"} <= set(engine.calls)
    assert engine.rows_out <= 5 * 3  # the labels of the five example groups, nothing more
    # examples: the largest groups first, with their labels
    sizes = [row[1] for row in r.evidence[0].rows]
    assert sizes == sorted(sizes, reverse=True) and "×" in r.evidence[0].rows[0][3]


def test_conflicting_labels_with_unlabelled_rows_counts_labelled_rows_only():
    frame = planted_conflicts(unlabelled=True)
    groups, rows = conflict_counts(frame, "approved")
    data, _ = spied(frame, target="approved", timestamp="applied")
    r = run_check(dataaudit.checks.consistency.labels.ConflictingLabels(), data)
    assert (r.observed["conflicting_groups"], r.observed["rows"]) == (groups, rows)
    n = int((frame["approved"].notna() & (frame["approved"] != "unknown")).sum())
    assert f"of {n:,} labelled rows" in r.message


def test_conflicting_labels_quiet_when_labels_agree():
    frame = loans_like(seed=8)
    frame = pd.concat([frame, frame.iloc[:30]], ignore_index=True).drop(columns="app_id")
    data, engine = spied(frame, target="approved", timestamp="applied")
    r = run_check(dataaudit.checks.consistency.labels.ConflictingLabels(), data)
    assert r.status == "pass" and r.observed["conflicting_groups"] == 0
    assert "30 groups of identical feature rows (60 rows) all agree" in r.message
    assert engine.rows_out == 0


# ----------------------------------------------------------------------------------------------------------
# consistency.outliers


def planted_outliers(seed: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 6000
    f = pd.DataFrame(
        {
            "temp": rng.normal(20, 4, n).round(1),
            "price": rng.lognormal(4, 0.6, n).round(2),
            "visits": rng.poisson(3, n).astype(float),
            "y": rng.choice(["a", "b"], n),
        }
    )
    f.loc[rng.choice(n, 11, replace=False), "temp"] = 2000.0  # a unit mix-up: far out
    f.loc[rng.choice(n, 30, replace=False), "temp"] = 9999.0  # a sentinel: left out, not an outlier
    f.loc[rng.choice(n, 700, replace=False), "price"] = 0.0  # a spike of zeros: its own mode
    f.loc[rng.choice(n, 9, replace=False), "price"] = 1e6  # entry errors
    return f


def test_outliers_counts_equal_pandas_in_one_engine_scan():
    from dataaudit.checks.consistency.outliers import Outliers

    frame = planted_outliers()
    data, engine = spied(frame, target="y")
    r = run_check(Outliers(), data)
    table = {row[0]: row for row in r.evidence[0].rows}
    assert table["temp"][4] == int((frame["temp"] == 2000.0).sum()) == 11
    assert "sentinels 9999 left out" in table["temp"][7]
    assert table["price"][4] == int((frame["price"] == 1e6).sum()) == 9
    assert f"{int((frame['price'] == 0).sum())} zeros left out" in table["price"][7]
    # shares are over the values judged: sentinels and the zero spike left out
    judged_temp = int(frame["temp"].notna().sum() - (frame["temp"] == 9999.0).sum())
    assert r.observed["temp"] == round(11 / judged_temp, 5)
    assert r.status == "warn"  # 0.18% of temp past the fences warns; far out, but under the 1% that fails
    assert engine.calls.count("count_where") == 1 and engine.rows_out == 0


def test_outliers_quiet_on_clean_numbers():
    from dataaudit.checks.consistency.outliers import Outliers

    rng = np.random.default_rng(9)
    n = 5000
    frame = pd.DataFrame(
        {"a": rng.normal(0, 1, n), "b": rng.lognormal(3, 0.5, n), "y": rng.choice([0, 1], n)}
    )
    data, engine = spied(frame, target="y")
    r = run_check(Outliers(), data)
    assert r.status == "pass" and engine.rows_out == 0


# ----------------------------------------------------------------------------------------------------------
# latency.freshness / latency.future_timestamps


def timed(seed: int = 12, future: int = 0, tz: str | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 3000
    t = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 170 * 86400, n), unit="s")
    f = pd.DataFrame({"event": t, "loaded": t + pd.Timedelta(hours=2), "x": rng.normal(0, 1, n)})
    f.loc[rng.choice(n, 40, replace=False), "event"] = pd.NaT
    if future:
        f.loc[rng.choice(n, future, replace=False), "event"] = pd.Timestamp("2062-01-01")
    if tz:
        f["event"] = f["event"].dt.tz_localize("UTC").dt.tz_convert(tz)
    return f


@pytest.mark.parametrize("tz", [None, "America/New_York"])
def test_freshness_on_typed_times_asks_the_engine(tz):
    from dataaudit.checks.latency.freshness import Freshness, FutureTimestamps

    frame = timed(tz=tz)
    data, engine = spied(frame, timestamp="event", ingested_at="loaded")
    r = run_check(Freshness(), data)
    newest = pd.Timestamp(frame["event"].max())
    newest = newest.tz_localize("UTC") if newest.tzinfo is None else newest.tz_convert("UTC")
    assert r.observed["newest"] == newest.isoformat()
    rows = dict(r.evidence[0].rows)
    assert rows["rows with a timestamp"] == int(frame["event"].notna().sum())
    assert rows["empty"] == 40 and rows["after as-of"] == 0
    assert {"profile", "count_where"} <= set(engine.calls) and engine.rows_out == 0
    f = run_check(FutureTimestamps(), data)
    assert f.status == "pass" and f.observed == {"event": 0, "loaded": 0}


def test_future_timestamps_counts_equal_pandas():
    from dataaudit.checks.latency.freshness import Freshness, FutureTimestamps

    frame = timed(future=9)
    data, _ = spied(frame, timestamp="event", ingested_at="loaded")
    r = run_check(FutureTimestamps(), data)
    limit = pd.Timestamp(AS_OF).tz_localize(None) + pd.Timedelta(days=1)
    assert r.observed["event"] == int((frame["event"] > limit).sum()) == 9
    assert len(r.evidence[1].rows) == 5
    fresh = run_check(Freshness(), data)  # the newest time not after as-of, the future rows set aside
    past = frame["event"][frame["event"] <= pd.Timestamp(AS_OF).tz_localize(None)]
    assert fresh.observed["newest"] == past.max().tz_localize("UTC").isoformat()
    assert "9 rows dated after as-of not counted" in fresh.message


# ----------------------------------------------------------------------------------------------------------
# bias.group_representation / bias.label_rate_disparity


def planted_bias(seed: int = 15) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 5000
    f = pd.DataFrame(
        {
            "region": rng.choice(["North", "South", "East", "Islands"], n, p=[0.5, 0.3, 0.185, 0.015]),
            "income": rng.lognormal(10, 0.5, n).round(0),  # many values: quintile bands
            "age": rng.integers(18, 80, n),  # age bands
            "x": rng.normal(0, 1, n),
        }
    )
    f.loc[rng.choice(n, 60, replace=False), "region"] = None
    f["approved"] = (rng.random(n) < np.where(f["region"] == "South", 0.7, 0.4)).astype(float)
    f.loc[rng.choice(n, 90, replace=False), "approved"] = np.nan  # unlabelled rows
    return f


def test_representation_counts_equal_pandas_and_bands_match_dataset_groups():
    from dataaudit.checks.bias.representation import GroupRepresentation

    frame = planted_bias()
    data, engine = spied(frame, target="approved", sensitive=["region", "income", "age"])
    r = run_check(GroupRepresentation(), data)
    table = {(a, g): n for a, g, n, _ in r.evidence[0].rows}
    for col in ("region", "income", "age"):  # the labels of Dataset.groups() over the rows, counted by pandas
        expected = data.groups(col).value_counts()
        assert {g: n for (a, g), n in table.items() if a == col} == expected.to_dict()
    assert table[("region", "Islands")] == int((frame["region"] == "Islands").sum())
    assert r.status == "fail" and "region='Islands'" in r.message
    assert engine.calls.count("group_counts") == 3 and engine.rows_out == 0


def test_label_rate_cells_equal_pandas_crosstab():
    from dataaudit.checks.bias.disparity import LabelRateDisparity

    frame = planted_bias()
    data, engine = spied(frame, target="approved", sensitive=["region"])
    r = run_check(LabelRateDisparity(n_boot=200), data)
    labelled = frame[frame["approved"].notna() & frame["region"].notna()]
    rates = labelled.groupby("region")["approved"].mean()
    sizes = labelled.groupby("region").size()
    got = {row[1]: (row[3], row[5]) for row in r.evidence[0].rows if row[1] != "(missing)"}
    assert got == {g: (int(sizes[g]), round(float(rates[g]), 4)) for g in sizes.index}
    assert r.status == "fail" and r.observed["region"]["pair"] == ["North", "South"]
    assert "group_counts" in engine.calls and engine.rows_out == 0


# ----------------------------------------------------------------------------------------------------------
# consistency.value_ranges


def test_value_ranges_count_all_numeric_rules_in_one_scan():
    from dataaudit.checks.consistency.ranges import ValueRanges

    rng = np.random.default_rng(17)
    n = 4000
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 90, n).astype(float),
            "discount_pct": rng.uniform(0, 60, n).round(1),
            "height": rng.normal(1.7, 0.1, n).round(2),
        }
    )
    frame.loc[rng.choice(n, 7, replace=False), "age"] = 200.0
    frame.loc[rng.choice(n, 25, replace=False), "age"] = -1.0  # a sentinel, left out
    frame.loc[rng.choice(n, 5, replace=False), "discount_pct"] = 180.0
    frame.loc[rng.choice(n, 4, replace=False), "height"] = 17.0
    data, engine = spied(frame)
    r = run_check(ValueRanges(ranges={"height": (0.5, 2.5)}), data)
    got = {row[0]: row[2] for row in r.evidence[0].rows}
    assert got == {
        "age": int((frame["age"] > 130).sum()),  # -1 is a sentinel: not counted
        "discount_pct": int((frame["discount_pct"] > 100).sum()),
        "height": int(((frame["height"] < 0.5) | (frame["height"] > 2.5)).sum()),
    }
    assert got == {"age": 7, "discount_pct": 5, "height": 4}
    assert engine.calls.count("count_where") == 1 and engine.rows_out == 0


# ----------------------------------------------------------------------------------------------------------
# No ported check reads rows through data.frame: a guard stands in for it (shape, columns and the stated
# sample stay available; any other access fails the test)


class FrameGuard:
    """Stands in for ``Dataset.frame`` after the shared statistics are built: length, columns and index
    pass; row data (``[...]``, ``.iloc``, ``.to_numpy()``, …) raises. ``data.sample()``, the sanctioned
    way to a stated sample, is served from the real frame."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def __len__(self) -> int:
        return len(self._frame)

    @property
    def shape(self):
        return self._frame.shape

    @property
    def columns(self):
        return self._frame.columns

    @property
    def index(self):
        return self._frame.index

    def __getitem__(self, key):
        raise AssertionError(f"a ported check read data.frame[{key!r}]")

    def __getattr__(self, name):
        raise AssertionError(f"a ported check read data.frame.{name}")


def guarded(frame: pd.DataFrame, **roles) -> tuple[Dataset, SpyEngine]:
    data, engine = spied(frame, **roles)
    for c in data.columns:  # the statistics the engine-backed Dataset serves exactly, built beforehand
        data.stats[c]
        data.stats.value_counts(c)
    _ = data.features, data.target_kind
    unguarded = Dataset.sample.__get__(spied(frame, **roles)[0])
    data.sample = unguarded  # the stated sample is the sanctioned way to rows (scoped as such)
    data._frame = FrameGuard(frame)  # what Dataset.frame hands out
    return data, engine


def _guarded_cases():
    from dataaudit.checks.bias.disparity import IntersectionalGroups, LabelRateDisparity
    from dataaudit.checks.bias.representation import GroupRepresentation
    from dataaudit.checks.consistency.labels import ConflictingLabels
    from dataaudit.checks.consistency.outliers import Outliers
    from dataaudit.checks.consistency.ranges import ValueRanges
    from dataaudit.checks.latency.freshness import Freshness, FutureTimestamps
    from dataaudit.checks.size import GroupCounts

    bias = planted_bias().dropna(subset=["approved"]).reset_index(drop=True)
    return [
        (DuplicateRows(), planted_duplicates(), {"id": "app_id", "target": "approved"}),
        (DuplicateIds(), planted_duplicates(), {"id": "app_id"}),
        (ConflictingLabels(), planted_conflicts(), {"target": "approved", "timestamp": "applied"}),
        (Outliers(), planted_outliers(), {"target": "y"}),
        (ValueRanges(ranges={"temp": (-50.0, 60.0)}), planted_outliers(), {}),
        (Freshness(), timed(), {"timestamp": "event", "ingested_at": "loaded"}),
        (FutureTimestamps(), timed(), {"timestamp": "event", "ingested_at": "loaded"}),
        (GroupRepresentation(), bias, {"target": "approved", "sensitive": ["region", "income", "age"]}),
        (LabelRateDisparity(n_boot=100), bias, {"target": "approved", "sensitive": ["region", "age"]}),
        (
            IntersectionalGroups(n_boot=100),
            bias,
            {"target": "approved", "sensitive": ["region", "income", "age"]},
        ),
        (GroupCounts(), bias, {"target": "approved", "sensitive": ["region", "income", "age"]}),
    ]


@pytest.mark.parametrize("case", range(11))
def test_ported_checks_read_no_row_through_data_frame(case):
    check, frame, roles = _guarded_cases()[case]
    plain = run_check(check, spied(frame, **roles)[0])
    data, _ = guarded(frame, **roles)
    result = run_check(check, data)
    assert result.status != "error", result.message
    # the same answer as with the frame in reach
    assert (result.status, result.message, result.observed) == (plain.status, plain.message, plain.observed)


def test_intersectional_cells_equal_pandas_crosstab_of_groups():
    from dataaudit.checks.bias.disparity import IntersectionalGroups

    frame = planted_bias()
    data, engine = spied(frame, target="approved", sensitive=["region", "age"])
    r = run_check(IntersectionalGroups(n_boot=100), data)
    g = pd.DataFrame({"region": data.groups("region"), "age": data.groups("age")})
    g = g[(g != "(missing)").all(axis=1)]
    expected = g.groupby(["region", "age"]).size()
    got = {row[1]: row[2] for row in r.evidence[0].rows}  # the ten smallest cells
    assert got and all(got[f"{a} × {b}"] == n for (a, b), n in expected.items() if f"{a} × {b}" in got)
    assert min(got.values()) == int(expected.min())
    assert "group_counts" in engine.calls and engine.rows_out == 0


def test_group_counts_equal_pandas_counts_of_groups():
    from dataaudit.checks.size import GroupCounts

    frame = planted_bias()
    data, engine = spied(frame, target="approved", sensitive=["region", "income", "age"])
    r = run_check(GroupCounts(), data)
    groups = {(a, g): n for a, g, n, _ in r.evidence[0].rows}
    for col in ("region", "income", "age"):
        assert {g: n for (a, g), n in groups.items() if a == col} == data.groups(col).value_counts().to_dict()
    cells = {(a, g, c): n for a, g, c, n in r.evidence[1].rows}
    y = data.groups("approved")
    for col in ("region", "age"):
        g = data.groups(col)
        known = (g != "(missing)") & (y != "(missing)")
        expected = pd.crosstab(g[known], y[known])
        assert {(gr, cl): n for (a, gr, cl), n in cells.items() if a == col} == {
            (gr, cl): int(expected.loc[gr, cl]) for gr in expected.index for cl in expected.columns
        }
    assert r.status == "warn" and "region='Islands'" in r.message  # 81 rows: under 100 warns
    assert engine.rows_out == 0


def test_chance_model_stays_small_for_two_many_valued_columns():
    """The pairwise agreements of an id and a timestamp: compact codes, not a bincount over their product
    (which took 10 GiB on 50,000 rows and had the audit killed)."""
    import tracemalloc

    from dataaudit.checks.consistency.labels import chance_identical_pairs

    n = 6000
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "id": np.arange(n),
            "t": rng.integers(0, 3000, n) * 7,
            "g": rng.choice(["a", "b"], n),
            "h": rng.choice(["x", "y", "z"], n),
        }
    )
    frame = pd.concat([frame, frame.iloc[:40]], ignore_index=True)  # 40 copies: 40 identical pairs
    tracemalloc.start()
    chance = chance_identical_pairs(frame, list(frame.columns), observed_pairs=40.0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 40 * 2**20  # the bincount over the raw product of id and t codes took 238 MiB here
    assert 0 <= chance < 40


def test_duplicate_ids_identical_flag_for_a_large_id_group_without_fetching_it(monkeypatch):
    f = loans_like(n=400, seed=4)
    frame = pd.concat([f, f.iloc[[5] * 30], f.iloc[[9] * 30]], ignore_index=True)  # two ids, 31 copies each
    frame.loc[len(frame)] = f.iloc[9].to_dict() | {"score": 2}  # id of row 9: one different record too
    monkeypatch.setattr(DuplicateIds, "MAX_FETCH", 10)
    data, engine = spied(frame, id="app_id")
    r = run_check(DuplicateIds(), data)
    flags = [row[3] for row in r.evidence[0].rows]
    assert [row[1] for row in r.evidence[0].rows] == [32, 31] and flags == [False, True]
    assert engine.rows_out < 10  # the first row of each group of copies, not the 63 rows of the two ids
