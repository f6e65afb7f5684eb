"""Issue 14: the last false-alarm fail of the field corpus, R's ``infert`` (a matched case-control study: each
case with two controls of the same age, education and parity in one ``stratum``). Its identical covariate
rows with different labels are the design, not label errors: ``conflicting_labels`` recognises matched sets
and caps at warn, saying why; copies of records with flipped labels still fail."""

from __future__ import annotations

import numpy as np
import pandas as pd

import dataaudit

CHECK = "consistency.conflicting_labels"


def case_control(strata: int = 83, seed: int = 0) -> pd.DataFrame:
    """Like ``infert``: per stratum one case and two controls sharing age, education and parity; the
    exposures (previous induced and spontaneous abortions, 0-2) differ by chance, more often for cases."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(1, strata + 1):
        age, edu, parity = rng.integers(21, 45), rng.integers(0, 3), rng.integers(1, 7)
        for case in (1, 0, 0):
            p = [0.4, 0.35, 0.25] if case else [0.6, 0.3, 0.1]
            rows.append((edu, age, parity, rng.choice(3, p=p), rng.choice(3, p=p), case, s))
    cols = ["education", "age", "parity", "induced", "spontaneous", "case", "stratum"]
    return pd.DataFrame(rows, columns=cols)


def conflicts(df: pd.DataFrame):
    return dataaudit.audit(df, target="case", as_of="2026-06-30", select=[CHECK]).result(CHECK)


def test_a_matched_case_control_design_warns_and_says_why():
    r = conflicts(case_control())
    assert r.status == "warn", r.message
    assert r.observed["share"] > 0.01  # above the fail line: the matched design is what caps it
    assert "matched sets by 'stratum' (each of its 83 sets holds exactly 1 row labelled '1')" in r.message
    assert "capped at warn" in r.message


def test_copies_with_flipped_labels_still_fail_beside_a_set_column():
    rng = np.random.default_rng(1)
    n = 600
    df = pd.DataFrame(
        {
            "income": rng.lognormal(10, 0.5, n).round(2),
            "age": rng.integers(18, 80, n),
            "branch": np.repeat(np.arange(100), 6),  # 100 branches of 6 rows: sets, but not matched on labels
            "case": rng.integers(0, 2, n),
        }
    )
    copies = df.iloc[:30].copy()
    copies["case"] = 1 - copies["case"]  # the same records, labelled the other way
    r = conflicts(pd.concat([df, copies], ignore_index=True))
    assert r.status == "fail", r.message
    assert "matched sets" not in r.message
