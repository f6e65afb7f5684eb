"""Generate a large CSV for the scale benchmark in chunks, with a known number of planted problems.

    python bench/generate.py 10000000 /tmp/scale/s10m.csv            # ~1.9 GB, flat memory
    python bench/generate.py 1000000 /tmp/scale/s1m.csv --verify     # and recount the plants with pandas

The file has 20 columns, the same recipe as ``bench/bench.py``'s generator (an id, 8 numerics with some
missing values, categoricals of 3/8/25/200 levels, a numeric-looking code, free text, event/ingestion/label
times, a sensitive ``group`` and a binary ``target``), written ``--chunk-rows`` rows at a time: only the
current chunk and the previous one are ever in memory, so 100M rows (~20 GB) need the same memory as 2M
(measured: 1.5 GiB peak at 10M and at 100M).

Planted, seeded, ``--rate`` per row each (rows taken from the previous chunk, so copies lie far apart in the
file, across chunk boundaries):

- exact duplicate rows: a row repeated whole (its id included);
- repeated ids: a fresh row that reuses the id of an earlier, different row;
- conflicting labels: a row with an earlier row's features (every column but the id, the timestamps and the
  target) and the opposite target.

Natural rows never coincide (8 floats with 3 decimals, times to the second), so the expected findings are
exact. They are written to ``FILE.planted.json`` as the ``observed`` values the audit's
``consistency.duplicate_rows``, ``consistency.duplicate_ids`` and ``consistency.conflicting_labels`` should
report. The free disk space is checked first (from a probe chunk's bytes per row); a size that would leave
less than ``--keep-free`` GiB free is refused.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = [
    "id",
    *[f"num_{i}" for i in range(8)],
    *[f"cat_{i}" for i in range(4)],
    "code",
    "text",
    "event_time",
    "ingested_at",
    "labelled_at",
    "group",
    "target",
]
#: what dataaudit compares for conflicting labels: every column but the target, the id and the timestamps
FEATURES = [c for c in COLUMNS if c not in ("id", "event_time", "ingested_at", "labelled_at", "target")]
WORDS = np.array(
    [
        "the",
        "applicant",
        "called",
        "about",
        "a",
        "late",
        "payment",
        "and",
        "asked",
        "for",
        "an",
        "extension",
        "of",
        "terms",
    ],
    dtype=object,
)
PHRASES = np.array([f"{a} {b} {c}" for a in WORDS for b in WORDS for c in WORDS], dtype=object)
LEVELS = {k: np.array([f"level_{j}" for j in range(k)], dtype=object) for k in (3, 8, 25, 200)}


def make_chunk(rng: np.random.Generator, start: int, rows: int) -> pd.DataFrame:
    """``rows`` fresh rows with ids ``start …``: bench/bench.py's recipe, drawn from ``rng``."""
    t0 = np.datetime64("2025-01-01T00:00:00")
    event = t0 + rng.integers(0, 365 * 24 * 3600, rows).astype("timedelta64[s]")
    df = pd.DataFrame({"id": np.arange(start, start + rows, dtype=np.int64)})
    for i in range(8):
        col = rng.normal(100 * (i + 1), 10 * (i + 1), rows).round(3)
        col[rng.random(rows) < 0.02 * (i % 3)] = np.nan
        df[f"num_{i}"] = col
    for i, k in enumerate((3, 8, 25, 200)):
        df[f"cat_{i}"] = LEVELS[k][rng.integers(0, k, rows)]
    df["code"] = rng.integers(0, 50_000, rows).astype(str)
    # six independent words, drawn as two three-word phrases (one string join instead of five)
    halves = rng.integers(0, len(PHRASES), (rows, 2))
    df["text"] = pd.Series(PHRASES[halves[:, 0]]) + " " + PHRASES[halves[:, 1]]
    df["event_time"] = event
    df["ingested_at"] = event + rng.exponential(3600, rows).astype(np.int64).astype("timedelta64[s]")
    df["labelled_at"] = event + (rng.integers(1, 30, rows) * 86400).astype("timedelta64[s]")
    df["group"] = np.array(["A", "B", "C", "D"], dtype=object)[rng.choice(4, rows, p=[0.5, 0.3, 0.15, 0.05])]
    df["target"] = (rng.random(rows) < 0.3 + 0.1 * (df["group"].to_numpy() == "A")).astype(np.int64)
    return df


def plant(
    rng: np.random.Generator, df: pd.DataFrame, prev: pd.DataFrame, prev_used: np.ndarray, k: int
) -> tuple[np.ndarray, dict[str, int]]:
    """Overwrite 3×k rows of ``df`` with copies from ``prev`` (``k`` of each kind), in place.

    Sources are distinct rows of ``prev`` not in ``prev_used`` (rows already planted or used as sources), so
    every planted group has exactly two rows. When ``prev is df`` (the first chunk), sources come from the
    first half and targets from the second. Returns the rows of ``df`` now used (targets, and sources when
    ``prev is df``) and the counts planted."""
    n, same = len(df), prev is df
    if same:
        pool = np.arange(n // 2)
        targets = rng.choice(np.arange(n // 2, n), 3 * k, replace=False)
    else:
        pool = np.setdiff1d(np.arange(len(prev)), prev_used)
        targets = rng.choice(n, 3 * k, replace=False)
    sources = rng.choice(pool, 3 * k, replace=False)
    exact_t, id_t, conf_t = targets[:k], targets[k : 2 * k], targets[2 * k :]
    exact_s, id_s, conf_s = sources[:k], sources[k : 2 * k], sources[2 * k :]
    for c in COLUMNS:  # a whole row, the id included
        col = df[c].to_numpy(copy=True)
        col[exact_t] = prev[c].to_numpy()[exact_s]
        if c == "id":
            col[id_t] = prev[c].to_numpy()[id_s]
        if c in FEATURES:
            col[conf_t] = prev[c].to_numpy()[conf_s]
        if c == "target":
            col[conf_t] = 1 - prev[c].to_numpy()[conf_s]
        df[c] = col
    used = np.concatenate([targets, sources]) if same else targets
    return np.unique(used), {"exact": k, "ids": k, "conflicts": k}


def expected_findings(totals: dict[str, int]) -> dict[str, dict[str, int]]:
    """The ``observed`` values dataaudit's checks report for these plants (run with ``--id id --target
    target`` and the three time roles)."""
    e, i, c = totals["exact"], totals["ids"], totals["conflicts"]
    return {
        "consistency.duplicate_rows": {"exact": e, "near": 0},
        "consistency.duplicate_ids": {"repeated_ids": e + i, "extra_rows": e + i, "copies": e},
        "consistency.conflicting_labels": {"conflicting_groups": c, "rows": 2 * c},
    }


def _csv(df: pd.DataFrame, header: bool) -> bytes:
    """The chunk as CSV text: Arrow's writer (about 14x faster than ``DataFrame.to_csv`` with dates), no
    quotes (no value holds a comma, quote or line break; Arrow raises if one did), empty fields for missing
    values, times as ``YYYY-MM-DD HH:MM:SS``."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    sink = pa.BufferOutputStream()
    table = pa.Table.from_pandas(df, preserve_index=False)
    pcsv.write_csv(table, sink, pcsv.WriteOptions(include_header=False, quoting_style="none"))
    head = (",".join(df.columns) + "\n").encode() if header else b""  # Arrow would quote the names
    return head + sink.getvalue().to_pybytes()


def bytes_per_row(seed: int) -> float:
    probe = make_chunk(np.random.default_rng([seed, 999_999]), 10**9, 20_000)
    return len(_csv(probe, False)) / len(probe)


def generate(
    rows: int,
    path: Path,
    *,
    seed: int = 7,
    chunk_rows: int = 1_000_000,
    rate: float = 1e-4,
    keep_free_gib: float = 5.0,
    quiet: bool = False,
) -> dict:
    """Write the CSV and ``FILE.planted.json``; returns the JSON's content. Raises SystemExit (a one-line
    message) when the disk cannot hold it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    need = bytes_per_row(seed) * rows * 1.02  # ids grow longer than the probe's: a small margin
    free = shutil.disk_usage(path.parent).free + (path.stat().st_size if path.exists() else 0)
    if need > free - keep_free_gib * 1024**3:
        raise SystemExit(
            f"refusing: {rows:,} rows need about {need / 1024**3:.1f} GiB, {free / 1024**3:.1f} GiB free on "
            f"{path.parent} and {keep_free_gib:g} GiB must stay free"
        )
    totals = {"exact": 0, "ids": 0, "conflicts": 0}
    prev, prev_used = None, np.empty(0, np.int64)
    t0 = time.perf_counter()
    with open(path, "wb") as fh:
        for start in range(0, rows, chunk_rows):
            m = min(chunk_rows, rows - start)
            rng = np.random.default_rng([seed, start // chunk_rows])
            df = make_chunk(rng, start, m)
            k = int(round(rate * m))
            fresh = prev is None or len(prev) - len(prev_used) < 3 * k
            if k and (not fresh or m >= 6 * k):
                # the rows of df now used (targets, and sources when planted from df itself)
                prev_used, got = plant(rng, df, df if fresh else prev, prev_used, k)
                totals = {key: totals[key] + got[key] for key in totals}
            else:
                prev_used = np.empty(0, np.int64)
            fh.write(_csv(df, start == 0))
            prev = df
            if not quiet:
                done = start + m
                el = time.perf_counter() - t0
                print(f"\r{done:,} / {rows:,} rows, {el:.0f} s", end="", file=sys.stderr, flush=True)
    if not quiet:
        print(file=sys.stderr)
    info = {
        "file": path.name,
        "rows": rows,
        "columns": len(COLUMNS),
        "bytes": path.stat().st_size,
        "seed": seed,
        "chunk_rows": chunk_rows,
        "rate": rate,
        "planted": totals,
        "roles": {
            "id": "id",
            "target": "target",
            "sensitive": "group",
            "timestamp": "event_time",
            "ingested_at": "ingested_at",
            "label_time": "labelled_at",
        },
        "expected": expected_findings(totals),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    planted_path(path).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def planted_path(path: Path) -> Path:
    return path.with_name(path.name + ".planted.json")


def verify(path: Path) -> dict[str, dict[str, int]]:
    """Recount the plants with pandas (only for files that fit in memory): the same definitions as the
    checks: exact = rows repeating an earlier row whole; ids repeated; feature groups with two labels."""
    df = pd.read_csv(path)
    exact = int(df.duplicated().sum())
    vc = df["id"].value_counts()
    rep = vc[vc > 1]
    copies = int(df[df["id"].isin(rep.index)].duplicated().sum())
    near = int(df.drop(columns="id").round(2).duplicated().sum()) - exact
    grp = df.groupby(FEATURES, dropna=False, sort=False)["target"]
    nun, size = grp.transform("nunique"), grp.transform("size")
    bad = (nun > 1) & (size > 1)
    groups = int(df[bad].groupby(FEATURES, dropna=False).ngroups)
    return {
        "consistency.duplicate_rows": {"exact": exact, "near": near},
        "consistency.duplicate_ids": {
            "repeated_ids": len(rep),
            "extra_rows": int((rep - 1).sum()),
            "copies": copies,
        },
        "consistency.conflicting_labels": {"conflicting_groups": groups, "rows": int(bad.sum())},
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("rows", type=int)
    ap.add_argument("path", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--chunk-rows", type=int, default=1_000_000)
    ap.add_argument("--rate", type=float, default=1e-4, help="planted rows of each kind per row")
    ap.add_argument("--keep-free", type=float, default=5.0, help="GiB of disk that must stay free")
    ap.add_argument("--verify", action="store_true", help="recount the plants with pandas afterwards")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    info = generate(
        args.rows,
        args.path,
        seed=args.seed,
        chunk_rows=args.chunk_rows,
        rate=args.rate,
        keep_free_gib=args.keep_free,
        quiet=args.quiet,
    )
    print(
        f"{args.path}: {info['rows']:,} rows, {info['bytes'] / 1024**2:,.0f} MiB in {info['seconds']} s; "
        f"planted {info['planted']}"
    )
    if args.verify:
        got = verify(args.path)
        ok = got == info["expected"]
        print(f"verify: {'exact' if ok else 'MISMATCH'}: {got}")
        if not ok:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
