"""Where a spark-engine audit spends its time: every engine operation timed, with the Spark jobs it started.

    python bench/spark_profile.py /tmp/scale/s1m.csv [--plans] [--out FILE.json]

Runs ``dataaudit.audit(FILE, engine="spark", …)`` in this process with bench/bench.py's roles, after wrapping
the spark engine's operations (open, profile, value counts, counts, groups, rows…) and the audit's phases
(open, sample, roles, checks, report) so that each records its wall time and how many Spark jobs ran inside
it (the job ids Spark's status tracker knows before and after: the Spark UI is off in the local session).
Prints a table per operation (calls, seconds, jobs) and per phase, and the checks that took longest.
``--plans``: log the physical plan of every DataFrame an operation collects (``explain``), to stderr.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROLES = dict(
    target="target",
    sensitive="group",
    timestamp="event_time",
    ingested_at="ingested_at",
    label_time="labelled_at",
    id="id",
)

STATS: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])  # name -> [calls, seconds, jobs]
_DEPTH = [0]


def _jobs(sc: Any) -> int:
    """The number of jobs Spark has run so far (the highest job id + 1)."""
    ids = sc.statusTracker().getJobIdsForGroup(None)
    return (max(ids) + 1) if ids else 0


def wrap(owner: Any, attr: str, name: str, sc_holder: list[Any]) -> None:
    fn = getattr(owner, attr)

    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        sc = sc_holder[0]
        before = _jobs(sc) if sc is not None else 0
        t = time.perf_counter()
        _DEPTH[0] += 1
        try:
            return fn(*args, **kwargs)
        finally:
            _DEPTH[0] -= 1
            sc = sc_holder[0]
            s = STATS[name]
            s[0] += 1
            s[1] += time.perf_counter() - t
            s[2] += (_jobs(sc) - before) if sc is not None else 0

    setattr(owner, attr, timed)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--plans", action="store_true", help="print each collected DataFrame's physical plan")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)

    import dataaudit
    from dataaudit import api, dataset_build, runner
    from dataaudit.engine import spark_csv, spark_load
    from dataaudit.engine import stats as engine_stats
    from dataaudit.engine.spark import SparkEngine
    from dataaudit.engine.spark_session import get_session

    t0 = time.perf_counter()
    spark = get_session()
    sc = spark.sparkContext
    holder = [sc]
    start_s = time.perf_counter() - t0

    if args.plans:
        from pyspark.sql import DataFrame

        for meth in ("collect", "toPandas"):
            orig = getattr(DataFrame, meth)

            def explained(self: Any, *a: Any, _orig: Any = orig, **k: Any) -> Any:
                print("=" * 100, file=sys.stderr)
                self.explain(mode="formatted")
                return _orig(self, *a, **k)

            setattr(DataFrame, meth, explained)

    for attr in (
        "_profile_columns",
        "value_counts",
        "count_where",
        "group_counts",
        "duplicates",
        "conflicts",
        "rows",
        "sample",
    ):
        wrap(SparkEngine, attr, f"engine.{attr}", holder)
    for extra in ("top_values", "value_counts_many"):
        if hasattr(SparkEngine, extra):
            wrap(SparkEngine, extra, f"engine.{extra}", holder)
    wrap(spark_load, "open_spark", "phase.open", holder)
    wrap(spark_csv, "_open_csv", "open._open_csv", holder)
    wrap(dataset_build, "resolve_roles", "phase.roles", holder)
    wrap(api, "run_checks", "phase.checks", holder)
    wrap(api, "build_report", "phase.report", holder)
    wrap(engine_stats.EngineStats, "_compute", "stats._compute", holder)

    per_check: dict[str, tuple[float, int]] = {}
    orig_run_one = runner.run_one
    if orig_run_one is not None:

        @functools.wraps(orig_run_one)
        def run_one(*a: Any, **k: Any) -> Any:
            before = _jobs(sc)
            t = time.perf_counter()
            out = orig_run_one(*a, **k)
            per_check[str(out.id)] = (time.perf_counter() - t, _jobs(sc) - before)
            return out

        runner.run_one = run_one

    import os

    load_before = os.getloadavg()
    jobs0 = _jobs(sc)
    t1 = time.perf_counter()
    report = dataaudit.audit(args.path, engine="spark", as_of="2026-06-30", **ROLES)
    wall = time.perf_counter() - t1
    load_after = os.getloadavg()
    jobs = _jobs(sc) - jobs0

    print(
        f"session start {start_s:.1f} s; audit {wall:.1f} s, {jobs} Spark jobs; durations {report.durations}"
    )
    print(f"load average before {load_before}, after {load_after}")
    print(f"{'operation':34} {'calls':>6} {'seconds':>9} {'jobs':>6}")
    for name, (calls, secs, nj) in sorted(STATS.items(), key=lambda kv: -kv[1][1]):
        print(f"{name:34} {calls:6d} {secs:9.1f} {nj:6d}")
    if per_check:
        print("slowest checks:")
        for cid, (secs, nj) in sorted(per_check.items(), key=lambda kv: -kv[1][0])[:15]:
            print(f"  {cid:40} {secs:7.1f} s {nj:4d} jobs")
    by_id = {r.id: r for r in report.results}
    for cid in ("consistency.duplicate_rows", "consistency.duplicate_ids", "consistency.conflicting_labels"):
        r = by_id.get(cid)
        if r is not None:
            print(f"{cid}: {r.status} {r.observed}")
    if args.out:
        args.out.write_text(
            json.dumps(
                {
                    "file": str(args.path),
                    "session_start_s": start_s,
                    "audit_s": wall,
                    "jobs": jobs,
                    "durations": report.durations,
                    "load_before": load_before,
                    "load_after": load_after,
                    "operations": {k: dict(calls=v[0], seconds=v[1], jobs=v[2]) for k, v in STATS.items()},
                    "checks": {k: dict(seconds=v[0], jobs=v[1]) for k, v in per_check.items()},
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
