"""Out of core, near-duplicate rows are sought among a bounded number of candidate rows (they come into memory
with every column): whole groups of the most selective column's repeated values, the most repeated first, so
no near-duplicate pair is split; the result says so and its scope is a sample. At 10M rows × 20 the unbounded
fetch was 1.1M rows (1.2 GiB at the peak); at 100M it took the audit past an 8 GiB cap."""

from __future__ import annotations

import numpy as np
import pandas as pd

import dataaudit
from dataaudit.checks.consistency import duplicates


def _frame(n: int = 4000, seed: int = 4) -> pd.DataFrame:
    """Rows unique once text is normalised, but for 60 near-duplicate pairs (the same row with its name's case
    and spacing changed); ``day`` repeats (about 2 rows a value), so it picks the candidates."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "day": rng.integers(0, n // 2, n),
            "amount": rng.normal(100, 20, n).round(2),
            "name": [f"customer {i}" for i in range(n)],
        }
    )
    src = rng.choice(n, 60, replace=False)
    copies = frame.iloc[src].copy()
    copies["name"] = copies["name"].str.upper() + "  "
    return pd.concat([frame, copies], ignore_index=True)


def _near(report) -> tuple[int, dict, str]:
    result = report.result("consistency.duplicate_rows")
    doc = result.to_dict()
    return int(doc["observed"]["near"]), doc.get("scope") or {}, result.message


def test_near_duplicates_out_of_core_are_sought_in_whole_groups_within_the_bound(monkeypatch) -> None:
    frame = _frame()
    full_near, full_scope, full_message = _near(dataaudit.audit(frame, engine="duckdb", as_of="2026-06-30"))
    assert full_near == 60 and full_scope.get("kind") == "all" and "sought among" not in full_message

    monkeypatch.setattr(duplicates, "NEAR_ROWS_MAX", 1000)
    near, scope, message = _near(dataaudit.audit(frame, engine="duckdb", as_of="2026-06-30"))
    assert 0 < near < 60  # the pairs in the picked groups, each found whole
    assert scope["kind"] == "sample" and scope["rows"] <= 1000
    assert "sought among the" in message and "rows whose day repeats" in message

    # in memory (the pandas engine) nothing is bounded
    near_pd, scope_pd, _ = _near(dataaudit.audit(frame, as_of="2026-06-30"))
    assert near_pd == 60 and scope_pd.get("kind", "all") == "all"
