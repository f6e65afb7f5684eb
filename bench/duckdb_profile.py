"""Where a duckdb-engine audit spends its time and memory: every SQL statement the engine runs, timed.

    python bench/duckdb_profile.py /tmp/scale/s10m.csv [--top 25] [--out FILE.json]

Runs ``dataaudit.audit(FILE, engine="duckdb", …)`` in this process with bench/bench.py's roles, after wrapping
the engine's statement runners (``run`` in every duckdb module, ``DuckDBBase._q``) and the duplicate grouping
by key hash (``DuckDBEngine._candidates``, whose parts run on the connection directly), so that each records
its wall time, and a thread samples the process's resident memory (every 20 ms). Prints the slowest
statements, the time by kind of statement, the statements during which the process held the most memory,
and the audit's phases. The seventh session found the 100M audit's duplicate grouping this way: its parts,
12 under a 1 GiB limit, each hashed all 20 key columns again (bench/SCALE.md).
"""

from __future__ import annotations

import argparse
import bisect
import importlib
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import _rss  # noqa: E402  # a process's resident memory, as bench/scale.py samples it
from spark_profile import ROLES  # noqa: E402  # bench/bench.py's roles, as the Spark profile passes them

#: kinds of statement, by the first pattern their text matches
KINDS = [
    ("load", r"^CREATE TABLE"),
    ("exact quantiles", r"quantile_cont"),
    ("approximate quantiles", r"approx_quantile"),
    ("value counts (sketch)", r"approx_top_k"),
    ("value counts", r"GROUP BY \S+ ORDER BY|^WITH g AS"),
    ("profile", r"^SELECT count\(v0\)"),
    ("group tables", r"__dataaudit_groups"),
    ("candidate rows", r"__dataaudit_candidates|__dataaudit_keyhashes"),
    ("predicate counts", r"count\(\*\) FILTER"),
    ("rows by position", r"^SELECT t\."),
]

#: (seconds, statement, start, end), start and end on time.perf_counter()'s clock
LOG: list[tuple[float, str, float, float]] = []
#: (time.perf_counter(), resident bytes) every SAMPLE_EVERY seconds while the audit runs
RSS: list[tuple[float, int]] = []
SAMPLE_EVERY = 0.02


def kind(sql: str) -> str:
    if sql.startswith("["):
        return sql
    return next((k for k, pattern in KINDS if re.search(pattern, sql)), "other")


def _timed(fn: Any, label: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            end = time.perf_counter()
            LOG.append((end - start, label(*args, **kwargs), start, end))

    return wrapper


def _sql(*args: Any, **kwargs: Any) -> str:
    text = next(a for a in args if isinstance(a, str))
    return re.sub(r"_\d+_\d+\b", "", re.sub(r"\s+", " ", text)).strip()


def sample_memory(stop: threading.Event) -> None:
    me = os.getpid()
    while not stop.is_set():
        RSS.append((time.perf_counter(), _rss(me)))
        stop.wait(SAMPLE_EVERY)


def peak_during(start: float, end: float, times: list[float]) -> int:
    """The most resident memory sampled while a statement ran (the sample before it, when none fell in);
    ``times`` are the samples' times, in order."""
    lo, hi = bisect.bisect_left(times, start), bisect.bisect_right(times, end)
    if lo < hi:
        return max(b for _, b in RSS[lo:hi])
    return RSS[lo - 1][1] if lo > 0 else 0


def instrument() -> None:
    from dataaudit.engine import duckdb as engine
    from dataaudit.engine import duckdb_base

    original = duckdb_base.run
    run = _timed(original, _sql)
    modules = ("duckdb_base", "duckdb", "duckdb_csv", "duckdb_csv_types", "duckdb_load", "duckdb_native")
    for name in (*modules, "duckdb_parquet", "duckdb_profile", "duckdb_text", "duckdb_types"):
        module = importlib.import_module(f"dataaudit.engine.{name}")
        if getattr(module, "run", None) is original:  # ``from duckdb_base import run``: each its own name
            module.run = run
    duckdb_base.DuckDBBase._q = _timed(duckdb_base.DuckDBBase._q, _sql)
    engine.DuckDBEngine._candidates = _timed(
        engine.DuckDBEngine._candidates,
        lambda self, cols, target: f"[hash grouping of {len(cols)} columns in {self._hash_parts()} part(s)]",
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--top", type=int, default=25, help="how many of the slowest statements to print")
    ap.add_argument("--out", type=Path, help="also write every statement's seconds and text as JSON")
    args = ap.parse_args(argv)

    import dataaudit

    instrument()
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(stop,), daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        report = dataaudit.audit(str(args.path), engine="duckdb", as_of="2026-01-01", **ROLES)
    finally:
        stop.set()
        sampler.join()
    wall = time.perf_counter() - start
    timed = sum(t for t, sql, *_ in LOG if not sql.startswith("["))
    print(f"{args.path}: {wall:.1f} s in the audit, {timed:.1f} s in {len(LOG)} timed statements")
    print("phases:", ", ".join(f"{k} {v:.1f} s" for k, v in report.durations.items()))
    by_kind: Counter[str] = Counter()
    for t, sql, *_ in LOG:
        by_kind[kind(sql)] += t
    print("\nby kind (a hash grouping's time includes its own statements):")
    for k, t in by_kind.most_common():
        print(f"  {t:8.2f} s  {k}")
    print(f"\nthe {args.top} slowest:")
    for t, sql, *_ in sorted(LOG, reverse=True)[: args.top]:
        print(f"  {t:8.2f} s  {sql[:110]}")
    times = [t for t, _ in RSS]
    peaks = [(peak_during(s, e, times), t, sql, s - start) for t, sql, s, e in LOG]
    top = max((b for _, b in RSS), default=0)
    print(f"\npeak resident memory {top / 1024**3:.2f} GiB; the statements that held the most:")
    for b, t, sql, at in sorted(peaks, reverse=True)[:8]:
        print(f"  {b / 1024**3:6.2f} GiB  at {at:7.1f} s, {t:7.2f} s  {sql[:100]}")
    if args.out:
        rows = [
            {"seconds": t, "sql": sql, "at": s - start, "peak_bytes": b}
            for (t, sql, s, _), (b, *_) in zip(LOG, peaks)
        ]
        args.out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
