"""Scale benchmark (issue 16): dataaudit's engines against DuckDB and pandas floors on one generated file, in
one run; prints a Markdown table of wall time, peak memory and ratios, and whether the planted problems were
found.

    python bench/generate.py 1000000 /tmp/scale/s1m.csv
    python bench/scale.py /tmp/scale/s1m.csv --engines pandas duckdb spark --ydata
    python bench/scale.py /tmp/scale/s100m.csv --engines duckdb --cap 8GiB --no-pandas-floor --out x.md
    python bench/scale.py /tmp/scale/s10m.csv --engines duckdb --rev c2af068 --out before.md  # an A/B's "A"

Every measurement is its own process tree, one after the other, on the same file:

- DuckDB ``SUMMARIZE`` of the CSV (the wall-time floor: one engine pass over every column);
- DuckDB CSV ingest (``CREATE TABLE AS`` into an on-disk database: what an out-of-core audit pays first);
- the pandas floor (read + describe + isna + duplicated, as bench/bench.py), only where it fits in memory;
- ydata-profiling minimal (``--ydata``; only where it fits);
- ``dataaudit run FILE --engine E`` for each ``--engines`` (``none``: no ``--engine`` option), every role set
  as bench/bench.py sets them, a fixed ``--as-of``, the JSON report read back for its phase durations, and its
  ``consistency.duplicate_rows`` / ``duplicate_ids`` / ``conflicting_labels`` results compared with the counts
  ``FILE.planted.json`` says were planted.

Peak memory: each process tree runs in its own cgroup v1 child group (of this process's memory cgroup) when
one can be made; the peak is the largest sum of the tree's resident sets (``/proc/PID/status`` VmRSS of every
process in the group, polled every 50 ms) or the largest single process's ``ru_maxrss`` (``os.wait4``),
whichever is larger. The group's ``memory.max_usage_in_bytes`` is recorded too, but it counts the page cache
(the CSV read through it), so it is an upper bound, not the process's memory. ``--cap`` sets the group's
``memory.limit_in_bytes`` (no swap on these machines: above it the kernel kills the tree); without cgroups
the cap falls back to ``RLIMIT_AS`` (virtual memory, far stricter for a JVM or DuckDB: said in the output).
Not a test: nothing here asserts a time. Times on this shared 2-core machine are comparable only within one
run; the load average is recorded before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import planted_path  # noqa: E402

from bench import PANDAS_FLOOR, PROFILING, ROLES  # noqa: E402  (bench/bench.py: the same floors and roles)

AS_OF = "2026-06-30"
MEMORY_ROOT = Path("/sys/fs/cgroup/memory")
#: peak memory per CSV byte, measured on the 1M-row file (bench/RESULTS.md): to decide what fits
PANDAS_FLOOR_PER_BYTE, YDATA_PER_BYTE = 4.6, 14.6

SUMMARIZE = """
import sys, duckdb
path = sys.argv[1].replace("'", "''")
duckdb.connect().sql(f"SUMMARIZE SELECT * FROM read_csv('{path}')").fetchall()
"""
INGEST = """
import sys, duckdb
path, db, tmp = (a.replace("'", "''") for a in sys.argv[1:4])
con = duckdb.connect(db)
con.execute(f"SET temp_directory = '{tmp}'")
con.execute(f"CREATE TABLE data AS SELECT * FROM read_csv('{path}')")
print(con.execute("SELECT count(*) FROM data").fetchone()[0])
con.close()
"""
PLANTED_CHECKS = ("consistency.duplicate_rows", "consistency.duplicate_ids", "consistency.conflicting_labels")


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*([\d.]+)\s*([kmgt]?)(i?b?)\s*", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 8GiB, 500MB)")
    unit = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}[m.group(2)]
    return int(float(m.group(1)) * unit)


def gib(b: float | None) -> str:
    return "—" if b is None else f"{b / 1024**3:.2f} GiB"


# ---------------------------------------------------------------------------------------------------------
# process trees: a cgroup v1 child group per measurement, or /proc polling and RLIMIT_AS without one


class Group:
    """A cgroup v1 memory child group of this process's own group (removed again by :meth:`remove`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @staticmethod
    def own() -> Path | None:
        try:
            lines = Path("/proc/self/cgroup").read_text().splitlines()
        except OSError:
            return None
        for line in lines:
            _, controllers, rel = line.split(":", 2)
            if "memory" in controllers.split(","):
                for base in (MEMORY_ROOT / rel.lstrip("/"), MEMORY_ROOT):  # namespaced: the mount is ours
                    if (base / "memory.limit_in_bytes").exists():
                        return base
        return None

    @classmethod
    def make(cls, name: str, limit: int | None) -> Group | None:
        base = cls.own()
        if base is None:
            return None
        path = base / name
        try:
            path.mkdir()
        except OSError:
            return None
        group = cls(path)
        try:
            if limit is not None:
                (path / "memory.limit_in_bytes").write_text(str(limit))
                if (path / "memory.memsw.limit_in_bytes").exists():
                    (path / "memory.memsw.limit_in_bytes").write_text(str(limit))
        except OSError:
            group.remove()
            return None
        return group

    def join(self) -> None:  # in the child, before exec
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def read(self, name: str) -> int | None:
        try:
            return int((self.path / name).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def oom_kills(self) -> int:
        try:
            for line in (self.path / "memory.oom_control").read_text().splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def remove(self) -> None:
        for _ in range(50):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:  # stragglers of the tree we started (e.g. a JVM): ours to end
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)
        with contextlib.suppress(OSError):
            self.path.rmdir()


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it (from /proc/*/stat parent ids)."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                parent[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, frontier = [root], [root]
    while frontier:
        frontier = [p for p, pp in parent.items() if pp in frontier]
        out += frontier
    return out


@dataclass
class Measured:
    name: str
    wall: float | None = None
    rss: int | None = None  # peak of the tree (see the module docstring)
    rss_largest: int | None = None  # the largest single process (ru_maxrss)
    cgroup_max: int | None = None  # memory.max_usage_in_bytes, page cache included
    exit: int | None = None
    killed_at_cap: bool = False
    note: str = ""
    durations: dict = field(default_factory=dict)
    planted: dict = field(default_factory=dict)  # check id -> {"status", "observed", "expected", "exact"}
    scopes: dict = field(default_factory=dict)
    engine: str | None = None
    stderr_tail: str = ""


def measure(
    name: str, cmd: list[str], cap: int | None, timeout: float | None, ok=(0,), env: dict | None = None
) -> Measured:
    """Run ``cmd`` as its own process tree and measure it (wall, peak memory of the tree)."""
    tag = f"dataaudit-bench-{os.getpid()}-{int(time.time() * 1000) % 10**8}"
    group = Group.make(tag, cap)
    limit_as = cap if (group is None and cap) else None

    def pre() -> None:
        os.setsid()
        if group is not None:
            group.join()
        if limit_as:
            resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))

    err_file = tempfile.TemporaryFile()  # noqa: SIM115  (closed below, after the child wrote to it)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err_file, preexec_fn=pre, env=env)
    peak, usage, status = 0, None, 0
    timed_out = False
    try:
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            pids = group.pids() if group is not None else _descendants(proc.pid)
            peak = max(peak, sum(_rss(p) for p in pids))
            if timeout and time.perf_counter() - start > timeout:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.05)
        wall = time.perf_counter() - start
        m = Measured(name, wall=wall, exit=os.waitstatus_to_exitcode(status))
        m.rss_largest = usage.ru_maxrss * 1024 if usage else None
        m.rss = max(peak, m.rss_largest or 0)
        if group is not None:
            m.cgroup_max = group.read("memory.max_usage_in_bytes")
            m.killed_at_cap = bool(cap) and group.oom_kills() > 0
    finally:
        if group is not None:
            group.remove()
        else:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)  # stragglers of our own session only
    err_file.seek(0)
    err = err_file.read().decode(errors="replace")
    m.stderr_tail = err[-600:]
    if m.exit not in ok and err.strip():  # a failed run's stderr (a traceback with --extra --debug), whole
        print(f"--- stderr of {name} (exit {m.exit}) ---\n{err[-8000:]}--- end ---", flush=True)
    err_file.close()
    if timed_out:
        m.note = f"stopped after the {timeout:g} s timeout"
    elif m.killed_at_cap:
        m.note = f"killed at the {gib(cap)} memory cap (cgroup OOM)"
    elif m.exit not in ok:
        m.note = f"exit {m.exit}: " + " ".join(m.stderr_tail.strip().splitlines()[-1:])[:200]
    return m


# ---------------------------------------------------------------------------------------------------------
# what runs


def dataaudit(
    path: Path, engine: str, work: Path, cap, timeout, html: bool, extra: list[str], code: Path | None
) -> Measured:
    js = work / f"{path.stem}-{engine}.json"
    cmd = [sys.executable, "-m", "dataaudit", "run", str(path), "--json", str(js), "--as-of", AS_OF, "-q"]
    cmd += ["-o", str(work / f"{path.stem}-{engine}.html")] if html else ["--no-html"]
    cmd += [*ROLES, *extra]
    if engine != "none":
        cmd += ["--engine", engine]
    label = f"dataaudit --engine {engine}" if engine != "none" else "dataaudit (no --engine)"
    env = None
    if code is not None:  # another checkout's source tree (src/dataaudit with checks/ and templates/ inside)
        env = {**os.environ, "PYTHONPATH": str(code), "PYTHONDONTWRITEBYTECODE": "1"}
    m = measure(label, cmd, cap, timeout, ok=(0, 1), env=env)  # exit 1 is the verdict "not ready"
    if js.exists() and m.exit in (0, 1):
        read_report(m, json.loads(js.read_text(encoding="utf-8")), path)
        js.unlink()
    return m


def read_report(m: Measured, report: dict, path: Path) -> None:
    m.durations = report.get("durations") or {}
    ds = report.get("dataset") or {}
    eng = ds.get("engine")
    m.engine = json.dumps(eng) if isinstance(eng, dict) else eng
    scopes: dict[str, int] = {}
    for c in report.get("checks", []):
        kind = (c.get("scope") or {}).get("kind") if isinstance(c.get("scope"), dict) else None
        key = kind or ("not run" if c["status"] in ("skipped", "error") else "unstated")
        scopes[key] = scopes.get(key, 0) + 1
    m.scopes = scopes
    planted_file = planted_path(path)
    expected = json.loads(planted_file.read_text())["expected"] if planted_file.exists() else {}
    by_id = {c["id"]: c for c in report.get("checks", [])}
    for cid in PLANTED_CHECKS:
        c = by_id.get(cid)
        want = expected.get(cid, {})
        got = (c or {}).get("observed") or {}
        sub = {k: got.get(k) for k in want}
        m.planted[cid] = {
            "status": c["status"] if c else "missing",
            "observed": sub,
            "expected": want,
            "exact": bool(want) and sub == want,
            "error": (c or {}).get("error"),
        }


def mem_available() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def tree_at(rev: str, into: Path) -> Path:
    """dataaudit's source at ``rev`` of this repository (``git archive``: no checkout, no install), laid out
    as the installed package is (``checks/`` and ``templates/`` inside ``dataaudit/``): a folder for
    ``PYTHONPATH``, what ``--code`` takes. The dependencies are this environment's."""
    archive = into / f"code-{re.sub(r'[^0-9A-Za-z._-]', '_', rev)}"
    tree = archive / "tree"
    tree.mkdir(parents=True)
    paths = ["src/dataaudit", "checks", "templates"]
    raw = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", "--format=tar", rev, *paths],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        tar.extractall(tree, filter="data")
    package = archive / "dataaudit"
    shutil.move(tree / "src" / "dataaudit", package)
    shutil.move(tree / "checks", package / "checks")
    shutil.move(tree / "templates", package / "templates")
    shutil.rmtree(tree)
    return archive


def _commit(folder: Path, rev: str = "HEAD") -> str:
    """``rev`` of the git checkout at ``folder`` as its short hash and commit time; "" when unknown."""
    try:
        return subprocess.run(
            ["git", "-C", str(folder), "log", "-1", "--format=%h %cd", "--date=format:%H:%M", rev],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def rev_version(rev: str) -> str:
    """``rev`` as the commit it names, for the report's header."""
    return f"git archive of {rev}: commit {_commit(HERE.parent, rev) or '?'}"


def code_version(folder: Path) -> str:
    """The commit dataaudit ran from."""
    head = _commit(folder)
    return f"{folder}: commit {head}" if head else str(folder)


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def versions() -> str:
    out = [f"Python {platform.python_version()}"]
    for mod in ("duckdb", "pandas", "pyarrow", "pyspark"):
        with contextlib.suppress(Exception):  # absent or broken: say nothing
            out.append(f"{mod} {__import__(mod).__version__}")
    try:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=20).stderr
        out.append(java.splitlines()[0].strip())
    except (OSError, subprocess.SubprocessError, IndexError):
        pass
    return ", ".join(out)


def run(args: argparse.Namespace) -> dict:
    path: Path = args.file.resolve()
    size = path.stat().st_size
    info = json.loads(planted_path(path).read_text()) if planted_path(path).exists() else {}
    rows = info.get("rows")
    budget = args.cap or int(mem_available() * 0.7)
    work = Path(tempfile.mkdtemp(prefix="dataaudit-scale-", dir=args.work))
    if args.rev:
        try:
            args.code = tree_at(args.rev, work)
        except (subprocess.SubprocessError, OSError) as exc:
            shutil.rmtree(work, ignore_errors=True)
            why = (getattr(exc, "stderr", b"") or str(exc).encode()).decode().strip()[:200]
            raise SystemExit(f"--rev {args.rev}: no dataaudit source there ({why})") from None
    group_ok = Group.make(f"dataaudit-bench-probe-{os.getpid()}", None)
    if group_ok is not None:
        group_ok.remove()
        how = "cgroup v1 child group, memory.limit_in_bytes" if args.cap else "none"
        memory = "peak of the tree's summed VmRSS (cgroup v1 child group, polled every 50 ms) or ru_maxrss"
    else:
        how = "RLIMIT_AS (virtual memory; stricter than resident memory)" if args.cap else "none"
        memory = "peak of the tree's summed VmRSS (/proc polled every 50 ms) or ru_maxrss"
    out = {
        "file": str(path),
        "rows": rows,
        "bytes": size,
        "machine": f"{os.cpu_count()} cores, {gib(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES'))} "
        f"RAM, {platform.system()} {platform.release()} {platform.machine()}",
        "versions": versions(),
        "cap": args.cap,
        "cap_how": how,
        "memory_how": memory,
        "load_before": load_average(),
        "code": rev_version(args.rev) if args.rev else code_version(args.code or HERE.parent),
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "results": [],
    }
    print(
        f"{path.name}: {rows or '?'} rows, {size / 1024**2:,.0f} MiB; "
        f"cap {gib(args.cap) if args.cap else 'none'}"
        f" ({how}); work dir {work}",
        flush=True,
    )

    def record(m: Measured) -> None:
        out["results"].append(asdict(m))
        extra = f"; {m.note}" if m.note else ""
        print(f"  {m.name}: {m.wall:.1f} s, {gib(m.rss)}{extra}", flush=True)
        time.sleep(args.pause)

    try:
        py = sys.executable
        if not args.no_floors:
            record(
                measure("DuckDB SUMMARIZE (floor)", [py, "-c", SUMMARIZE, str(path)], args.cap, args.timeout)
            )
        if not args.no_floors and not args.no_ingest:
            db, tmp = work / "ingest.duckdb", work / "ingest.tmp"
            record(
                measure(
                    "DuckDB CSV ingest",
                    [py, "-c", INGEST, str(path), str(db), str(tmp)],
                    args.cap,
                    args.timeout,
                )
            )
            shutil.rmtree(tmp, ignore_errors=True)
            db.unlink(missing_ok=True)
        fits = size * PANDAS_FLOOR_PER_BYTE < budget
        if not args.no_pandas_floor and fits:
            record(measure("pandas floor", [py, "-c", PANDAS_FLOOR, str(path)], args.cap, args.timeout))
        elif not args.no_pandas_floor:
            out["results"].append(
                asdict(
                    Measured(
                        "pandas floor",
                        note=f"not run: needs about "
                        f"{gib(size * PANDAS_FLOOR_PER_BYTE)}, {gib(budget)} available",
                    )
                )
            )
        if args.ydata:
            if size * YDATA_PER_BYTE < budget:
                prof = work / "profile.html"
                record(
                    measure(
                        "ydata-profiling minimal",
                        [py, "-c", PROFILING, str(path), str(prof)],
                        args.cap,
                        args.timeout,
                    )
                )
            else:
                out["results"].append(
                    asdict(
                        Measured(
                            "ydata-profiling minimal",
                            note=f"not run: needs about "
                            f"{gib(size * YDATA_PER_BYTE)}, {gib(budget)} available",
                        )
                    )
                )
        for engine in args.engines:
            record(dataaudit(path, engine, work, args.cap, args.timeout, args.html, args.extra, args.code))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["load_after"] = load_average()
    return out


# ---------------------------------------------------------------------------------------------------------
# the table


def render(out: dict) -> str:
    res = out["results"]
    by = {r["name"]: r for r in res}
    floor = by.get("DuckDB SUMMARIZE (floor)")
    pfloor = by.get("pandas floor")
    rows = f"{out['rows']:,}" if out["rows"] else "?"
    lines = [
        f"## {rows} rows × 20 columns ({out['bytes'] / 1024**2:,.0f} MiB CSV)",
        "",
        f"Machine: {out['machine']}; {out['versions']}. Started {out['started']}; "
        "load average (1, 5, 15 min) "
        f"before {out['load_before']}, after {out['load_after']}. Memory cap: "
        + (f"{gib(out['cap'])} ({out['cap_how']})" if out["cap"] else "none")
        + f". Peak memory: {out['memory_how']}. dataaudit from {out.get('code', '?')}.",
        "",
        "| measure | wall | phases (load / checks / total in the report) | peak RSS (tree) | largest process"
        " | cgroup max (incl. page cache) | wall ÷ SUMMARIZE | RSS ÷ pandas floor | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res:
        if r["wall"] is None:
            lines.append(f"| {r['name']} | — | | | | | | | {r['note']} |")
            continue
        d = r["durations"]
        phases = (
            f"{d.get('load_s', 0):.1f} / {d.get('checks_s', 0):.1f} / {d.get('total_s', 0):.1f} s"
            if d
            else ""
        )
        wr = f"{r['wall'] / floor['wall']:.2f}×" if floor and floor["wall"] and r is not floor else "—"
        rr = (
            f"{r['rss'] / pfloor['rss']:.2f}×"
            if pfloor and pfloor.get("rss") and r is not pfloor and r["rss"]
            else "—"
        )
        lines.append(
            f"| {r['name']} | {r['wall']:.1f} s | {phases} | {gib(r['rss'])} | {gib(r['rss_largest'])} | "
            f"{gib(r['cgroup_max'])} | {wr} | {rr} | {r['note']} |"
        )
    audits = [r for r in res if r["planted"]]
    if audits:
        lines += [
            "",
            "Planted problems (from the generator's `.planted.json`) against each audit's `observed`:",
            "",
            "| audit | check | status | observed | planted | exact |",
            "|---|---|---|---|---|---|",
        ]
        for r in audits:
            for cid, p in r["planted"].items():
                got = ", ".join(f"{k} {v}" for k, v in p["observed"].items())
                want = ", ".join(f"{k} {v}" for k, v in p["expected"].items())
                lines.append(
                    f"| {r['name']} | {cid} | {p['status']} | {got} | {want} | "
                    f"{'yes' if p['exact'] else '**no**'} |"
                )
        lines += [
            "",
            "Results by scope (checks per audit): "
            + "; ".join(
                f"{r['name']}: " + ", ".join(f"{k} {v}" for k, v in sorted(r["scopes"].items()))
                for r in audits
            ),
        ]
        engines = [f"{r['name']}: {r['engine']}" for r in audits if r.get("engine")]
        if engines:
            lines += ["", "Engine named in the report: " + "; ".join(engines)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("file", type=Path, help="a CSV from bench/generate.py (FILE.planted.json beside it)")
    ap.add_argument(
        "--engines",
        nargs="*",
        default=["none"],
        help="dataaudit engines to run: pandas duckdb spark auto, or none (no --engine option)",
    )
    ap.add_argument("--cap", type=parse_size, help="memory cap for every measurement, e.g. 8GiB")
    ap.add_argument("--timeout", type=float, help="seconds before a measurement is stopped")
    ap.add_argument("--ydata", action="store_true", help="also ydata-profiling minimal (where it fits)")
    ap.add_argument("--no-floors", action="store_true", help="skip DuckDB SUMMARIZE and ingest")
    ap.add_argument("--no-ingest", action="store_true", help="skip the DuckDB ingest floor")
    ap.add_argument("--no-pandas-floor", action="store_true", help="skip the pandas floor")
    ap.add_argument("--html", action="store_true", help="let dataaudit write its HTML report too")
    ap.add_argument("--pause", type=float, default=3.0, help="seconds between measurements")
    ap.add_argument(
        "--work", type=Path, help="folder for reports and DuckDB files (default: the system temp)"
    )
    ap.add_argument("--extra", nargs=argparse.REMAINDER, default=[], help="more options for dataaudit run")
    ap.add_argument(
        "--code",
        type=Path,
        help="run dataaudit from this source folder (PYTHONPATH) instead of the installed one",
    )
    ap.add_argument(
        "--rev",
        help="run dataaudit as it was at this git revision (git archive of src/, checks/ and templates/ into "
        "the work folder, run through PYTHONPATH): the other side of an A/B on the same file and machine",
    )
    ap.add_argument("--out", type=Path, help="also write the Markdown here (and the raw numbers as .json)")
    args = ap.parse_args(argv)
    out = run(args)
    text = render(out)
    print()
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
