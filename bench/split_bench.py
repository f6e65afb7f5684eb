"""The split checks (``dataaudit run TRAIN --test TEST``): their cost at scale, and how quiet they are on
honest splits of the field corpus.

    python bench/split_bench.py cost            # 1M-row train / 250k-row test (bench.py's 20 columns)
    python bench/split_bench.py field           # every field-corpus table split honestly, select=split

``cost``: bench.py's generator writes 1.25M rows once (in --work, default a temp folder); 250k rows drawn at
random are the test set (a random split: the temporal check fails, as it should), then the same test set
with 2,500 training rows copied in (1%: the duplicate searches run in full). It reports the test file's load
time, each split check's time, and a full audit's wall time without and with ``--test``.

``field``: each corpus table is split by time when it declares a timestamp, else at random (25% test,
seed 0), stratified on a classification target; every warn/fail is printed with its message.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROLES = dict(target="target", sensitive=["group"], timestamp="event_time", ingested_at="ingested_at", id="id")


def cost(work: Path) -> None:
    import dataaudit
    from dataaudit.loading import load

    sys.path.insert(0, str(HERE))
    import bench

    full, tr_p, te_p, leak_p = (work / n for n in ("full.csv", "train.csv", "test.csv", "test_leak.csv"))
    if not leak_p.exists():
        bench.generate(1_250_000, full)
        df = pd.read_csv(full)
        is_test = np.zeros(len(df), bool)
        is_test[np.random.default_rng(0).choice(len(df), 250_000, replace=False)] = True
        train, test = df[~is_test], df[is_test]
        train.to_csv(tr_p, index=False)
        test.to_csv(te_p, index=False)
        copies = train.sample(2_500, random_state=1).assign(id=lambda d: d["id"] + 10_000_000)
        pd.concat([test, copies]).to_csv(leak_p, index=False)
    start = time.perf_counter()
    load(te_p)
    print(f"load the 250k-row test file: {time.perf_counter() - start:.2f} s", flush=True)
    runs = [
        ("full audit, no --test", {}),
        ("full audit, --test", {"test": te_p}),
        ("split checks only, --test with 1% copies", {"test": leak_p, "select": ["split"]}),
    ]
    for label, extra in runs:
        start = time.perf_counter()
        report = dataaudit.audit(tr_p, as_of="2026-06-30", **ROLES, **extra)
        wall = time.perf_counter() - start
        split = [r for r in report.results if r.area == "split"]
        print(
            f"{label}: {wall:.1f} s wall; split checks {sum(r.duration_s for r in split):.2f} s", flush=True
        )
        for r in split:
            print(f"  {r.id:24s} {r.status:5s} {r.duration_s:6.2f} s  {r.message[:110]}", flush=True)


def field() -> None:
    import dataaudit
    from dataaudit.loading import load

    sys.path.insert(0, str(HERE / "field"))
    from corpus import TABLES
    from sklearn.model_selection import train_test_split

    flagged, audited, start = 0, 0, time.perf_counter()
    for t in TABLES:
        try:
            d = t.load()
            df = (d if isinstance(d, pd.DataFrame) else load(d)[0]).reset_index(drop=True)
        except Exception as exc:  # a missing optional package: said, not fatal
            print(f"{t.name}: skipped ({type(exc).__name__}: {exc})")
            continue
        if t.timestamp and t.timestamp in df:
            ts = pd.to_datetime(df[t.timestamp], errors="coerce", utc=True, format="mixed")
            df = df.iloc[ts.argsort(kind="stable")].reset_index(drop=True)
            train, test = train_test_split(df, test_size=0.25, shuffle=False)
            how = "by time"
        else:
            y = df[t.target] if t.target and t.target in df else None
            ok = y is not None and y.nunique() <= 20 and y.notna().all() and y.value_counts().min() >= 2
            train, test = train_test_split(df, test_size=0.25, random_state=0, stratify=y if ok else None)
            how = "random, stratified" if ok else "random"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = dataaudit.audit(train, test=test, config={}, select=["split"], **t.roles())
        audited += 1
        bad = [r for r in report.results if r.status in ("warn", "fail", "error")]
        flagged += bool(bad)
        text = "; ".join(f"{r.id} {r.status}: {r.message[:200]}" for r in bad) or "quiet"
        print(f"{t.name} ({len(df):,} rows, {how}): {text}", flush=True)
    print(f"\n{flagged} of {audited} tables flagged; {time.perf_counter() - start:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["cost", "field"])
    ap.add_argument("--work", type=Path, help="folder for the generated files (default: a temp folder)")
    args = ap.parse_args()
    if args.what == "field":
        field()
    elif args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        cost(args.work)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            cost(Path(tmp))


if __name__ == "__main__":
    main()
