"""Benchmark: dataaudit against peers on the same file, in one run; prints ratios and writes RESULTS.md.

    python bench/bench.py                 # 100k rows, 3 runs each
    python bench/bench.py --rows 1000000  # the 1M-row file
    python bench/bench.py --no-profiling  # skip ydata-profiling (slow)

Each tool runs as its own process; wall time and peak RSS (from os.wait4) are the median of --runs runs.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent

PANDAS_FLOOR = """
import sys, pandas as pd
df = pd.read_csv(sys.argv[1])
df.describe(include="all"); df.isna().sum(); df.duplicated().sum()
"""
PROFILING = """
import sys
from ydata_profiling import ProfileReport
import pandas as pd
df = pd.read_csv(sys.argv[1])
ProfileReport(df, minimal=True, progress_bar=False).to_file(sys.argv[2])
"""


def generate(rows: int, path: Path, seed: int = 7) -> None:
    """Deterministic mixed data: id, numerics with missing values, low/high-cardinality categoricals,
    free text, event and ingestion timestamps, a binary target and a sensitive attribute (20 columns)."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2025-01-01T00:00:00")
    event = start + rng.integers(0, 365 * 24 * 3600, rows).astype("timedelta64[s]")
    df = pd.DataFrame({"id": np.arange(rows)})
    for i in range(8):
        col = rng.normal(100 * (i + 1), 10 * (i + 1), rows).round(3)
        col[rng.random(rows) < 0.02 * (i % 3)] = np.nan
        df[f"num_{i}"] = col
    for i, k in enumerate((3, 8, 25, 200)):
        df[f"cat_{i}"] = rng.choice([f"level_{j}" for j in range(k)], rows)
    df["code"] = rng.integers(0, 50_000, rows).astype(str)
    words = np.array(
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
        ]
    )
    df["text"] = [" ".join(w) for w in rng.choice(words, size=(rows, 6))]
    df["event_time"] = pd.to_datetime(event)
    df["ingested_at"] = df["event_time"] + pd.to_timedelta(rng.exponential(3600, rows).astype(int), unit="s")
    df["group"] = rng.choice(["A", "B", "C", "D"], rows, p=[0.5, 0.3, 0.15, 0.05])
    df["target"] = (rng.random(rows) < 0.3 + 0.1 * (df["group"] == "A")).astype(int)
    df.to_csv(path, index=False)


def measure(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, int, int]:
    """(wall seconds, peak RSS bytes, exit code) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise RuntimeError(f"{cmd[:3]} exited {proc.returncode}: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss * 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-profiling", action="store_true")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dataaudit-bench-"))
    data = work / f"bench_{args.rows}.csv"
    generate(args.rows, data)
    size_mib = data.stat().st_size / 1024**2
    print(f"data: {data.name}, {args.rows:,} rows x 20 columns, {size_mib:.0f} MiB; {args.runs} runs each")

    py = sys.executable
    report = work / "report.html"
    tools = {
        "dataaudit run (all checks, all roles)": (
            [
                py,
                "-m",
                "dataaudit",
                "run",
                str(data),
                "-o",
                str(report),
                "--as-of",
                "2026-01-01",
                "--target",
                "target",
                "--sensitive",
                "group",
                "--timestamp",
                "event_time",
                "--ingested-at",
                "ingested_at",
                "--id",
                "id",
            ],
            report,
        ),
        "pandas floor (read + describe + isna + duplicated)": ([py, "-c", PANDAS_FLOOR, str(data)], None),
    }
    if not args.no_profiling:
        profile = work / "profile.html"
        tools["ydata-profiling minimal"] = ([py, "-c", PROFILING, str(data), str(profile)], profile)

    rows = []
    for name, (cmd, out) in tools.items():
        ok = (0, 1) if name.startswith("dataaudit") else (0,)  # dataaudit exits 1 for "not ready"
        runs = [measure(cmd, ok) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        rss = statistics.median(r[1] for r in runs)
        html = out.stat().st_size if out is not None and out.exists() else None
        rows.append((name, wall, rss, html))
        print(
            f"  {name}: {wall:.2f} s, {rss / 1024**3:.2f} GiB"
            + (f", HTML {html / 1024:.0f} KiB" if html else "")
        )

    ours, floor = rows[0], rows[1]
    lines = [
        f"# Benchmark results ({args.rows:,} rows × 20 columns, {size_mib:.0f} MiB CSV)",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, pandas {pd.__version__}. "
        f"Median of {args.runs} runs, each tool in its own process, in one run of `bench/bench.py`.",
        "",
        "| tool | wall time | peak RSS | HTML | wall time ÷ dataaudit's |",
        "|---|---|---|---|---|",
    ]
    for name, wall, rss, html in rows:
        ratio = "—" if name == ours[0] else f"{wall / ours[1]:.2f}×"
        html_s = f"{html / 1024:.0f} KiB" if html else ""
        lines.append(f"| {name} | {wall:.2f} s | {rss / 1024**3:.2f} GiB | {html_s} | {ratio} |")
    lines += [
        "",
        f"dataaudit / pandas floor: wall {ours[1] / floor[1]:.2f}×, peak RSS {ours[2] / floor[2]:.2f}×.",
    ]
    text = "\n".join(lines) + "\n"
    (HERE / "RESULTS.md").write_text(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
