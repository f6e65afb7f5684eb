"""Benchmark: dataaudit against peers on the same file, in one run; checks the targets and writes RESULTS.md.

    python bench/bench.py                                # 100k and 1M rows, 3 runs each, with ydata-profiling
    python bench/bench.py --rows 100000 --no-profiling   # quicker
    python bench/bench.py --rows 10000 --runs 1 --no-profiling --out x.md  # as tests/test_bench.py does

Each tool runs as its own process, one after the other; wall time and peak RSS (``os.wait4``'s ``ru_maxrss``
of that child) are the median of ``--runs`` runs. dataaudit runs with every role set (target, sensitive
attribute, event time, ingestion time, label time, id), so every area's checks run. The floors it is held
to (issue 16's Performance table, on the largest file): DuckDB ``SUMMARIZE`` of the same file (one engine
pass over every column; wall ≤ 2×), the pandas floor (read + describe + isna + duplicated; peak RSS ≤ 1×)
and ydata-profiling's minimal report (dataaudit ≥ 8× faster). Also measured: ``dataaudit --help`` and a
1,000-row audit with a target, end to end (imports included; ≤ 1.0 s). The ratios are printed as each file
is done and written with the targets. The machine's load average is recorded before and after: on a shared
machine, times are only comparable within one run.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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
SUMMARIZE = """
import sys, duckdb
path = sys.argv[1].replace("'", "''")
duckdb.connect().sql(f"SUMMARIZE SELECT * FROM read_csv('{path}')").fetchall()
"""
GENERATE = """
import sys
sys.path.insert(0, sys.argv[1])
import bench
bench.generate(int(sys.argv[2]), bench.Path(sys.argv[3]))
"""
PROFILING = """
import sys
from ydata_profiling import ProfileReport
import pandas as pd
df = pd.read_csv(sys.argv[1])
ProfileReport(df, minimal=True, progress_bar=False).to_file(sys.argv[2])
"""
ROLES = [
    "--target",
    "target",
    "--sensitive",
    "group",
    "--timestamp",
    "event_time",
    "--ingested-at",
    "ingested_at",
    "--label-time",
    "labelled_at",
    "--id",
    "id",
]
OURS, FLOOR, YDATA = "dataaudit run (all checks, all roles)", "pandas floor", "ydata-profiling minimal"
DUCKDB = "DuckDB SUMMARIZE"
#: issue 16's targets for the largest file: wall ÷ DuckDB SUMMARIZE's, ydata-profiling's wall ÷ dataaudit's,
#: peak RSS ÷ the pandas floor's
MAX_WALL_VS_SUMMARIZE, MIN_SPEEDUP_VS_YDATA, MAX_RSS_VS_FLOOR = 2.0, 8.0, 1.0
MAX_HTML, MAX_HELP_S, MAX_1K_S = 1_000_000, 0.3, 1.0


def generate(rows: int, path: Path, seed: int = 7) -> None:
    """Deterministic mixed data, 20 columns: an id, 8 numerics (some with missing values), low- and
    high-cardinality categoricals, a numeric-looking code, free text, event, ingestion and label timestamps,
    a binary target and a sensitive attribute."""
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
    words = ["the", "applicant", "called", "about", "a", "late", "payment", "and", "asked", "for", "an"]
    words += ["extension", "of", "terms"]
    picks = rng.choice(np.array(words, dtype=object), size=(rows, 6))
    text = pd.Series(picks[:, 0])
    for j in range(1, 6):
        text = text + " " + picks[:, j]
    df["text"] = text
    df["event_time"] = pd.to_datetime(event)
    df["ingested_at"] = df["event_time"] + pd.to_timedelta(rng.exponential(3600, rows).astype(int), unit="s")
    df["labelled_at"] = df["event_time"] + pd.to_timedelta(rng.integers(1, 30, rows), unit="D")
    df["group"] = rng.choice(["A", "B", "C", "D"], rows, p=[0.5, 0.3, 0.15, 0.05])
    df["target"] = (rng.random(rows) < 0.3 + 0.1 * (df["group"] == "A")).astype(int)
    df.to_csv(path, index=False)


def generate_apart(rows: int, path: Path) -> None:
    """:func:`generate` in a process of its own. A child's peak RSS (``ru_maxrss``) starts at its parent's
    high-water mark (Linux carries it across fork and exec), and building a 1M-row frame here would lift
    this process to 0.8 GiB: every tool measured after it would report at least that (dataaudit and
    DuckDB SUMMARIZE both showed 0.83 GiB). Kept apart, this process stays at its imports (~0.1 GiB)."""
    subprocess.run([sys.executable, "-c", GENERATE, str(HERE), str(rows), str(path)], check=True)


def measure(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """(wall seconds, peak RSS bytes) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if code not in ok:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... exited {code}: {err[-800:]}")
    return wall, usage.ru_maxrss * 1024


def median_of(cmd: list[str], runs: int, ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    results = [measure(cmd, ok) for _ in range(runs)]
    return statistics.median(r[0] for r in results), int(statistics.median(r[1] for r in results))


def dataaudit_cmd(data: Path, work: Path) -> tuple[list[str], Path, Path]:
    html, js = work / f"{data.stem}-report.html", work / f"{data.stem}-report.json"
    cmd = [sys.executable, "-m", "dataaudit", "run", str(data), "-o", str(html), "--json", str(js)]
    return [*cmd, "--as-of", "2026-01-01", "-q", *ROLES], html, js


def bench_size(rows: int, work: Path, runs: int, profiling: bool) -> dict:
    """Every tool on one generated file: {tool: {wall, rss, html}}, plus dataaudit's own durations."""
    data = work / f"bench_{rows}.csv"
    generate_apart(rows, data)
    size_mib = data.stat().st_size / 1024**2
    print(f"{rows:,} rows x 20 columns, {size_mib:.0f} MiB CSV; {runs} run(s) per tool", flush=True)
    cmd, html, js = dataaudit_cmd(data, work)
    tools: dict[str, tuple[list[str], Path | None, tuple[int, ...]]] = {
        OURS: (cmd, html, (0, 1)),  # exit 1: "not ready" is a verdict, not a failure
        DUCKDB: ([sys.executable, "-c", SUMMARIZE, str(data)], None, (0,)),
        FLOOR: ([sys.executable, "-c", PANDAS_FLOOR, str(data)], None, (0,)),
    }
    if profiling:
        profile = work / f"{data.stem}-profile.html"
        tools[YDATA] = ([sys.executable, "-c", PROFILING, str(data), str(profile)], profile, (0,))
    out: dict = {"rows": rows, "mib": size_mib, "tools": {}}
    for name, (tool_cmd, out_file, ok) in tools.items():
        wall, rss = median_of(tool_cmd, runs, ok)
        size = out_file.stat().st_size if out_file is not None and out_file.exists() else None
        out["tools"][name] = {"wall": wall, "rss": rss, "html": size}
        extra = f", HTML {size / 1024:.0f} KiB" if size else ""
        print(f"  {name}: {wall:.2f} s, {rss / 1024**3:.2f} GiB{extra}", flush=True)
    report = json.loads(js.read_text(encoding="utf-8"))
    out["durations"] = report.get("durations", {})
    checks = sorted(report.get("checks", []), key=lambda c: -(c.get("duration_s") or 0))
    out["slowest"] = [(c["id"], c.get("duration_s") or 0.0) for c in checks[:6]]
    out["n_checks"] = len(checks)
    out["statuses"] = {
        s: sum(c["status"] == s for c in checks) for s in sorted({c["status"] for c in checks})
    }
    print("  " + "; ".join(f"{name} {value}" for name, value, _ in ratios(out)), flush=True)
    return out


def ratios(result: dict) -> list[tuple[str, str, bool | None]]:
    """The measures issue 16 sets targets for, on one file: (what, measured, met or None if not run)."""
    t = result["tools"]
    ours = t[OURS]
    out: list[tuple[str, str, bool | None]] = []
    if DUCKDB in t:
        wall = ours["wall"] / t[DUCKDB]["wall"]
        out.append(
            (
                f"wall ≤ {MAX_WALL_VS_SUMMARIZE:g}× DuckDB SUMMARIZE's",
                f"{wall:.2f}× ({ours['wall']:.2f} s vs {t[DUCKDB]['wall']:.2f} s)",
                wall <= MAX_WALL_VS_SUMMARIZE,
            )
        )
    floor = t[FLOOR]
    rss = ours["rss"] / floor["rss"]
    out.append(
        (
            f"peak RSS ≤ {MAX_RSS_VS_FLOOR:g}× the pandas floor's",
            f"{rss:.2f}× ({_gib(ours['rss'])} vs {_gib(floor['rss'])})",
            rss <= MAX_RSS_VS_FLOOR,
        )
    )
    if YDATA in t:
        speedup = t[YDATA]["wall"] / ours["wall"]
        out.append(
            (
                f"≥ {MIN_SPEEDUP_VS_YDATA:g}× faster than ydata-profiling minimal",
                f"{speedup:.1f}× ({t[YDATA]['wall']:.2f} s vs {ours['wall']:.2f} s)",
                speedup >= MIN_SPEEDUP_VS_YDATA,
            )
        )
    else:
        out.append(
            (
                f"≥ {MIN_SPEEDUP_VS_YDATA:g}× faster than ydata-profiling minimal",
                "not run (--no-profiling)",
                None,
            )
        )
    wall_floor = ours["wall"] / floor["wall"]
    out.append(("wall ÷ the pandas floor's (no target)", f"{wall_floor:.2f}×", None))
    return out


def small_timings(work: Path, runs: int) -> dict:
    """``dataaudit --help`` and a 1,000-row audit, end to end (a fresh interpreter each time), in full and
    with ``--quick`` (pre-commit: the checks that fit models left out). Python's bytecode is cached (in
    ``work``), as an installed package's is: with ``PYTHONDONTWRITEBYTECODE`` set, every run would compile
    dataaudit's ~110 modules again (0.2 s a run), which no user's run does. One run before the timed ones
    writes the cache."""
    help_cmd = [sys.executable, "-m", "dataaudit", "--help"]
    small = work / "bench_1000.csv"
    generate_apart(1_000, small)
    cmd, _, _ = dataaudit_cmd(small, work)
    # the pre-commit path: `dataaudit hook FILE` (no HTML unless asked), its roles in the dataaudit.yaml
    # beside FILE, as a repository that uses the hook keeps them
    staged = work / "hook" / "bench_1000.csv"
    staged.parent.mkdir(exist_ok=True)
    shutil.copy(small, staged)
    pairs = dict(zip(ROLES[::2], ROLES[1::2]))
    (staged.parent / "dataaudit.yaml").write_text(
        "".join(f"{flag.lstrip('-').replace('-', '_')}: {col}\n" for flag, col in pairs.items()),
        encoding="utf-8",
    )
    hook = [sys.executable, "-m", "dataaudit", "hook", "--as-of", "2026-01-01", str(staged)]
    saved = {k: os.environ.get(k) for k in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    try:
        measure(cmd, (0, 1))  # writes the bytecode cache
        return {
            "help": median_of(help_cmd, runs)[0],
            "run_1k": median_of(cmd, runs, (0, 1))[0],
            "run_1k_quick": median_of([*cmd, "--quick"], runs, (0, 1))[0],
            "hook_1k": median_of(hook, runs, (0, 1))[0],  # quick by default
            "hook_1k_full": median_of([*hook[:4], "--full", *hook[4:]], runs, (0, 1))[0],
        }
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _gib(b: int) -> str:
    return f"{b / 1024**3:.2f} GiB"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def render(results: list[dict], small: dict, runs: int, loads: tuple[str, str]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, pandas {pd.__version__}, "
        f"{platform.system()} {platform.machine()}. Median of {runs} run(s) per tool, each tool in its own "
        "process, one after the other, in one run of `bench/bench.py`. dataaudit runs every check with every "
        "role set (target, sensitive attribute, event, ingestion and label time, id).",
        "",
        f"Load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]} "
        "(other processes share the machine: compare ratios within this run, not absolute times across "
        "runs).",
        "",
    ]
    for r in results:
        t = r["tools"]
        ours = t[OURS]
        lines += [
            f"## {r['rows']:,} rows × 20 columns ({r['mib']:.0f} MiB CSV)",
            "",
            "| tool | wall time | peak RSS | HTML | wall ÷ dataaudit's | peak RSS ÷ dataaudit's |",
            "|---|---|---|---|---|---|",
        ]
        for name, m in t.items():
            same = name == OURS
            wall_ratio = "—" if same else f"{m['wall'] / ours['wall']:.2f}×"
            rss_ratio = "—" if same else f"{m['rss'] / ours['rss']:.2f}×"
            html = f"{m['html'] / 1024:.0f} KiB" if m["html"] else ""
            lines.append(
                f"| {name} | {m['wall']:.2f} s | {_gib(m['rss'])} | {html} | {wall_ratio} | {rss_ratio} |"
            )
        d = r["durations"]
        slow = ", ".join(f"{cid} {s:.2f} s" for cid, s in r["slowest"])
        statuses = ", ".join(f"{n} {s}" for s, n in r["statuses"].items())
        lines += [
            "",
            f"dataaudit's own split (last run): load {d.get('load_s', 0):.2f} s, checks "
            f"{d.get('checks_s', 0):.2f} s, total {d.get('total_s', 0):.2f} s of the wall time above "
            "(the total adds role detection and the shared statistics; the wall time adds interpreter start, "
            f"imports and writing the reports). {r['n_checks']} checks ({statuses}); "
            f"slowest: {slow}.",
            "",
        ]
    big = results[-1]
    ours = big["tools"][OURS]
    lines += [
        f"## Targets (on the {big['rows']:,}-row file)",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    for name, value, ok in ratios(big):
        lines.append(f"| {name} | {value} | {'' if ok is None else _met(ok)} |")
    lines += [
        f"| HTML ≤ 1 MB | {(ours['html'] or 0) / 1024:.0f} KiB | {_met((ours['html'] or 0) <= MAX_HTML)} |",
        f"| `dataaudit --help` < {MAX_HELP_S:g} s | {small['help']:.2f} s | "
        f"{_met(small['help'] < MAX_HELP_S)} |",
        f"| 1,000-row audit with a target, end to end ≤ {MAX_1K_S:g} s | {small['run_1k']:.2f} s | "
        f"{_met(small['run_1k'] <= MAX_1K_S)} |",
        f"| same with `--quick` (pre-commit: the checks that fit models left out) ≤ {MAX_1K_S:g} s | "
        f"{small['run_1k_quick']:.2f} s | {_met(small['run_1k_quick'] <= MAX_1K_S)} |",
        f"| the pre-commit hook on that file (`dataaudit hook`: roles in dataaudit.yaml, no HTML, quick "
        f"by default) ≤ {MAX_1K_S:g} s | {small['hook_1k']:.2f} s | {_met(small['hook_1k'] <= MAX_1K_S)} |",
        f"| same with `--full` (every check) | {small['hook_1k_full']:.2f} s | |",
    ]
    if len(results) > 1:
        a, b = results[0], results[-1]
        grow = b["rows"] / a["rows"]
        ours_grow = b["tools"][OURS]["wall"] / a["tools"][OURS]["wall"]
        floor_grow = b["tools"][FLOOR]["wall"] / a["tools"][FLOOR]["wall"]
        checks_grow = (b["durations"].get("checks_s") or 0) / max(a["durations"].get("checks_s") or 0, 1e-9)
        lines += [
            f"| cost grows at most linearly with rows ({a['rows']:,} → {b['rows']:,}, {grow:g}× the rows) | "
            f"wall {ours_grow:.1f}× (pandas floor {floor_grow:.1f}×), checks alone {checks_grow:.1f}× | "
            f"{_met(ours_grow <= grow * 1.1)} |",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000], help="row counts to run")
    ap.add_argument("--runs", type=int, default=3, help="runs per tool; the median is reported")
    ap.add_argument("--no-profiling", action="store_true", help="skip ydata-profiling (slow)")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the results")
    ap.add_argument("--notes", type=Path, help="a Markdown file appended to the results (analysis)")
    args = ap.parse_args(argv)
    loads_before = load_average()
    results = []
    with tempfile.TemporaryDirectory(prefix="dataaudit-bench-") as tmp:
        work = Path(tmp)
        for rows in sorted(args.rows):
            results.append(bench_size(rows, work, args.runs, not args.no_profiling))
        small = small_timings(work, args.runs)
    print(
        f"dataaudit --help {small['help']:.2f} s; 1,000-row audit {small['run_1k']:.2f} s, "
        f"with --quick {small['run_1k_quick']:.2f} s; pre-commit hook (quick) {small['hook_1k']:.2f} s, "
        f"with --full {small['hook_1k_full']:.2f} s"
    )
    for name, value, ok in ratios(results[-1]):  # the targets, on the largest file
        print(f"{name}: {value}" + ("" if ok is None else f" ({_met(ok).strip('*')})"))
    text = render(results, small, args.runs, (loads_before, load_average()))
    if args.notes is not None:
        text += "\n" + args.notes.read_text(encoding="utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    main()
