"""Snapshots: versioned compact JSON of per-column statistics, no raw rows or personal data, exact round trip,
clear errors for files that are not (or not yet readable) snapshots."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dataaudit.errors import DataLoadError
from dataaudit.snapshot import (
    N_BINS,
    OTHER,
    SNAPSHOT_FORMAT,
    SNAPSHOT_VERSION,
    TOP_K,
    Snapshot,
    is_snapshot,
)
from tests.helpers import SAMPLE, make_dataset


def people(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "email": [f"person{i}@example.com" for i in range(n)],
            "customer_name": rng.choice(["Jonathan Smith", "Maria Garcia", "Li Wei"], n),
            "notes": [f"call me on +44 7700 900{i % 1000:03d} about the loan, thanks" for i in range(n)],
            "account_ref": rng.choice(["ACC 1234567890", "ACC 9876543210"], n),
            "income": rng.lognormal(10, 0.5, n).round(0),
            "plan": rng.choice(["basic", "plus", "pro"], n),
            "approved": rng.integers(0, 2, n),
            "gender": rng.choice(["F", "M"], n),
        }
    )


def snap(df: pd.DataFrame, **roles) -> Snapshot:
    return Snapshot.from_dataset(make_dataset(df, **roles))


def test_format_version_and_contents() -> None:
    s = snap(people(), target="approved", sensitive=["gender"])
    doc = json.loads(s.to_json())
    assert (doc["format"], doc["version"]) == (SNAPSHOT_FORMAT, SNAPSHOT_VERSION)
    assert doc["rows"] == 2000
    cols = {c["name"]: c for c in doc["columns"]}
    assert set(cols) == set(people().columns)
    income = cols["income"]
    assert income["kind"] == "numeric" and len(income["edges"]) == N_BINS - 1
    assert sum(income["bins"]) == 2000 and set(income["summary"]) == {"mean", "std", "min", "p50", "max"}
    assert dict(map(tuple, cols["plan"]["categories"])).keys() == {"basic", "plus", "pro"}
    assert cols["plan"]["complete"] is True and cols["plan"]["other"] == 0
    assert doc["target"]["column"] == "approved" and doc["target"]["kind"] == "binary"
    assert sum(n for _, n in doc["target"]["classes"]) == 2000
    assert doc["groups"][0]["column"] == "gender"


def test_no_raw_rows_and_no_personal_data() -> None:
    df = people()
    text = snap(df, target="approved").to_json()
    assert "@example.com" not in text and "person1" not in text
    assert "7700" not in text and "loan" not in text  # free text: counts only
    assert "Jonathan" not in text and "Garcia" not in text  # a personal column: labels masked word by word
    assert "J******* S****" in text
    assert "1234567890" not in text  # id-like numbers masked even in an ordinary category
    cols = {c["name"]: c for c in json.loads(text)["columns"]}
    assert "categories" not in cols["email"] and "categories" not in cols["notes"]
    assert len(text) < 20_000  # compact: statistics, not data


def test_many_categories_keep_the_top_k_and_count_the_rest() -> None:
    values = [f"c{i:03d}" for i in range(80)]
    df = pd.DataFrame({"code": np.repeat(values, np.arange(80, 0, -1) + 20)})
    col = snap(df).column("code")
    assert col.kind == "categorical"
    assert len(col.categories) == TOP_K and col.complete is False
    assert col.other == len(df) - sum(n for _, n in col.categories)
    assert col.categories[0] == ("c000", 100)


def test_more_distinct_values_than_labelled_are_counted_as_other() -> None:
    from dataaudit.column_profiles import MAX_LABELLED, category_counts

    df = pd.DataFrame({"k": [f"v{i}" for i in range(MAX_LABELLED + 500)] * 2})
    counts = category_counts(make_dataset(df), "k")
    assert counts[OTHER] == 1000 and len(counts) == MAX_LABELLED + 1


def test_round_trip_is_exact(tmp_path) -> None:
    s = snap(people(), target="approved", sensitive=["gender", "income"])
    path = tmp_path / "old.snapshot.json"
    path.write_text(s.to_json(), encoding="utf-8")
    assert is_snapshot(path)
    assert Snapshot.load(path) == s


def test_sample_snapshot_loads_and_is_small(tmp_path) -> None:
    import dataaudit

    report = dataaudit.audit(
        SAMPLE / "loans_clean.csv",
        config=SAMPLE / "dataaudit.yaml",
        as_of="2026-06-30",
        snapshot=True,
        select=["size.min_rows"],
    )
    text = report.snapshot.to_json()
    assert len(text) < 30_000
    assert "@" not in text
    assert report.snapshot.source["name"] == "loans_clean.csv"
    assert report.snapshot.target == "approved"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format": "something-else"}', "not a dataaudit snapshot"),
        ('{"format": "dataaudit-snapshot", "version": 99, "rows": 1, "columns": []}', "version 99 is newer"),
        (
            '{"format": "dataaudit-snapshot", "version": 1, "columns": []}',
            "malformed snapshot (KeyError: 'rows')",
        ),
        (
            '{"format": "dataaudit-snapshot", "version": 1, "rows": 1, "columns": [{"name": "a"}]}',
            "malformed",
        ),
        ('{"format": "dataaudit-snapshot", ', "invalid JSON in snapshot"),
    ],
)
def test_bad_snapshots_are_load_errors(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataLoadError, match="bad.json: .*" + message.replace("(", r"\(").replace(")", r"\)")):
        Snapshot.load(path)


def test_a_json_data_file_is_not_a_snapshot(tmp_path) -> None:
    path = tmp_path / "records.json"
    path.write_text('[{"a": 1}, {"a": 2}]', encoding="utf-8")
    assert not is_snapshot(path)
    assert not is_snapshot(tmp_path / "missing.json")


def test_odd_columns_profile_without_crashing() -> None:
    df = pd.DataFrame(
        {
            "empty": [None, None, None],
            "mixed": [1, "a", 2.5],
            "when": pd.to_datetime(["2026-01-01", "2026-01-02", None]).tz_localize("UTC"),
            "inf": [1.0, np.inf, -np.inf],
        }
    )
    s = snap(df)
    assert Snapshot.from_json(s.to_json()) == s
    assert s.column("empty").kind == "empty"
