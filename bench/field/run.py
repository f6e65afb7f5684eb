"""The field corpus harness: is the audit quiet on clean real tables and loud on dirty ones?

    python bench/field/run.py                       # all tables + the two pairs; RESULTS.md, results.json
    python bench/field/run.py --only iris hospital  # a few tables/pairs; prints (--json/--out to write)
    python bench/field/run.py --pair-rows 300       # pairs cut to their first 300 rows
    python bench/field/run.py --baseline old.json   # and what changed against an earlier results.json

Each corpus table (corpus.py) is audited with its declared roles and fixed ``as_of``: a shipped file
through ``dataaudit.audit(path, ...)`` (so loading is exercised), otherwise the package's DataFrame. Every
warn / fail / error result gets a mark:

- ``expected``: matches a problem written down in expectations.yaml before any output was seen;
- ``genuine``: listed in reviewed.yaml, a real problem of the data found on review, with the reason;
- ``false alarm``: everything else; ``error``: the check crashed (or the table could not be audited).

The dirty/clean pairs (``$DATAAUDIT_FIELD_DIR``, default ``../shared/field`` beside the repository) are
audited as files; the ground truth pairs columns by position and counts a cell as an error when its
trimmed text differs. Recall (issue 15): of the columns holding at least 1% errors, the share flagged on
the dirty version by a check that does not flag the same column on the clean version. A check flags a
column when its result is warn/fail and the column is in ``result.columns``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from corpus import BY_NAME, DEFAULT_AS_OF, TABLES, Table  # noqa: E402

FLAGGED = ("warn", "fail", "error")
PAIRS = ("hospital", "beers")
ERROR_SHARE_MIN = 0.01  # a pair column "holds errors" from this share of its cells
MESSAGE_CHARS = 220


# ------------------------------------------------------------------------------------------------------------
# expectations and review


def load_marks(path: Path) -> dict[str, dict[str, Any]]:
    """``tables:`` of expectations.yaml / reviewed.yaml: name -> {verdict?, problems: [...]}."""
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data.get("tables") or {}


def _matches(problem: dict[str, Any], check: str, columns: tuple[str, ...]) -> bool:
    want = problem["check"]
    if check != want and not check.startswith(want + "."):
        return False
    cols = [str(c) for c in problem.get("columns") or ()]
    if not cols:
        return True
    return bool(set(cols) & set(columns))


def mark(
    check: str, status: str, columns: tuple[str, ...], expected: list, reviewed: list
) -> tuple[str, str]:
    """(mark, why) of one warn/fail/error result."""
    if status == "error":
        return "error", ""
    for p in expected:
        if _matches(p, check, columns):
            return "expected", p.get("why", "")
    for p in reviewed:
        if _matches(p, check, columns):
            return "genuine", p.get("why", "")
    return "false alarm", ""


# ------------------------------------------------------------------------------------------------------------
# auditing


#: the engine every audit runs on (--engine): the same judgement is expected on each
ENGINE = "auto"


def _audit(data: Any, **kw: Any):
    import dataaudit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the harness records results; library warnings are not its output
        return dataaudit.audit(data, config={}, engine=ENGINE, **kw)


def _flags(report) -> list[dict[str, Any]]:
    return [
        {
            "check": r.id,
            "status": str(r.status),
            "columns": [str(c) for c in r.columns],
            "message": r.error if str(r.status) == "error" and r.error else r.message,
        }
        for r in report.results
        if str(r.status) in FLAGGED
    ]


def audit_table(table: Table, expectations: dict, reviewed: dict) -> dict[str, Any]:
    """Audit one corpus table; its verdict and every warn/fail/error with its mark."""
    from dataaudit.errors import DataAuditError

    exp = expectations.get(table.name) or {}
    problems = exp.get("problems") or []
    rev = (reviewed.get(table.name) or {}).get("problems") or []
    out: dict[str, Any] = {
        "name": table.name,
        "package": table.package,
        "what": table.what,
        "roles": table.roles(),
        "expected_verdict": exp.get("verdict"),
        "problems_listed": len(problems),
    }
    try:
        data = table.load()
    except ImportError as exc:  # the field extra is not installed
        return {**out, "skipped": f"{table.package} not importable ({exc})"}
    except Exception as exc:  # noqa: BLE001 - a package that no longer ships the table: say so, go on
        return {**out, "skipped": f"{type(exc).__name__}: {exc}"}
    out["input"] = f"file {data.name}" if isinstance(data, Path) else "DataFrame"
    start = time.perf_counter()
    try:
        report = _audit(data, **table.roles())
    except DataAuditError as exc:
        out.update(verdict="cannot_audit", seconds=round(time.perf_counter() - start, 2), flags=[], missed=[])
        out["flags"] = [
            {
                "check": "(audit)",
                "status": "error",
                "columns": [],
                "message": str(exc),
                "mark": "error",
                "why": "",
            }
        ]
        return out
    out["seconds"] = round(time.perf_counter() - start, 2)
    out["rows"], out["cols"] = report.dataset.rows, report.dataset.columns
    out["verdict"] = report.verdict
    flags = _flags(report)
    for f in flags:
        f["mark"], f["why"] = mark(f["check"], f["status"], tuple(f["columns"]), problems, rev)
    out["flags"] = flags
    out["missed"] = [
        p
        for p in problems
        if not any(_matches(p, f["check"], tuple(f["columns"])) for f in flags if f["status"] != "error")
    ]
    return out


def field_dir() -> Path | None:
    """``$DATAAUDIT_FIELD_DIR``, else the first ``shared/field`` beside the repository or one of its parents
    (``../shared/field`` from the repo root; a git worktree under ``wt/`` finds the same folder)."""
    env = os.environ.get("DATAAUDIT_FIELD_DIR")
    if env:
        return Path(env)
    for parent in ROOT.parents:
        if (parent / "shared" / "field").is_dir():
            return parent / "shared" / "field"
    return None


def _text(path: Path, rows: int | None) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, nrows=rows)


def _column_flags(report, n_cols: int, names: list[str]) -> tuple[list[set[str]], list[str]]:
    """Per column position, the check ids whose warn/fail result names the column; and the table-level
    flags (warn/fail results that name no column of the table)."""
    index = {n: i for i, n in enumerate(names)}
    per = [set() for _ in range(n_cols)]
    table_level = []
    for r in report.results:
        if str(r.status) not in ("warn", "fail"):
            continue
        hit = [index[c] for c in r.columns if c in index]
        for i in hit:
            per[i].add(r.id)
        if not hit:
            table_level.append(f"{r.id} ({r.status})")
    return per, table_level


def audit_pair(
    name: str, folder: Path, rows: int | None = None, as_of: str = DEFAULT_AS_OF
) -> dict[str, Any]:
    """Audit a pair's dirty.csv and clean.csv as files; per column the error share and the flags on each."""
    dirty_path, clean_path = folder / "dirty.csv", folder / "clean.csv"
    if not dirty_path.is_file() or not clean_path.is_file():
        return {"name": name, "skipped": f"{folder} has no dirty.csv and clean.csv"}
    dirty, clean = _text(dirty_path, rows), _text(clean_path, rows)
    if dirty.shape != clean.shape:
        return {"name": name, "skipped": f"dirty {dirty.shape} and clean {clean.shape} differ in shape"}
    errors = [
        float((dirty.iloc[:, i].str.strip() != clean.iloc[:, i].str.strip()).mean())
        for i in range(dirty.shape[1])
    ]
    out: dict[str, Any] = {"name": name, "rows": dirty.shape[0], "cols": dirty.shape[1], "row_limit": rows}
    with tempfile.TemporaryDirectory() as tmp:
        reports = {}
        for version, path in (("dirty", dirty_path), ("clean", clean_path)):
            if rows is not None:  # the first rows of the file, byte for byte as shipped
                cut = Path(tmp) / version / path.name
                cut.parent.mkdir()
                with path.open("rb") as src:
                    cut.write_bytes(b"".join(src.readline() for _ in range(rows + 1)))
                path = cut
            start = time.perf_counter()
            reports[version] = (_audit(path, as_of=as_of), round(time.perf_counter() - start, 2))
    dirty_flags, dirty_table = _column_flags(reports["dirty"][0], dirty.shape[1], list(dirty.columns))
    clean_flags, clean_table = _column_flags(reports["clean"][0], clean.shape[1], list(clean.columns))
    columns = []
    for i in range(dirty.shape[1]):
        new = sorted(dirty_flags[i] - clean_flags[i])
        columns.append(
            {
                "position": i,
                "dirty_name": str(dirty.columns[i]),
                "clean_name": str(clean.columns[i]),
                "error_share": round(errors[i], 4),
                "dirty_flags": sorted(dirty_flags[i]),
                "clean_flags": sorted(clean_flags[i]),
                "found": bool(new) if errors[i] >= ERROR_SHARE_MIN else None,
                "found_by": new,
            }
        )
    with_errors = [c for c in columns if c["error_share"] >= ERROR_SHARE_MIN]
    found = [c for c in with_errors if c["found"]]
    for version in ("dirty", "clean"):
        report, seconds = reports[version]
        out[version] = {
            "verdict": report.verdict,
            "seconds": seconds,
            "flags": _flags(report),
            "table_flags": dirty_table if version == "dirty" else clean_table,
        }
    out["columns"] = columns
    out["columns_with_errors"] = len(with_errors)
    out["columns_found"] = len(found)
    out["recall"] = round(len(found) / len(with_errors), 3) if with_errors else None
    out["clean_column_flags"] = sum(len(c["clean_flags"]) for c in columns)
    out["clean_flags"] = len(out["clean"]["flags"])
    return out


# ------------------------------------------------------------------------------------------------------------
# summary and rendering


def summarize(tables: list[dict], pairs: list[dict]) -> dict[str, Any]:
    done = [t for t in tables if "skipped" not in t]
    clean = [t for t in done if t.get("expected_verdict") == "ready"]
    dirty = [t for t in done if t.get("expected_verdict") == "not_ready"]
    flags = [(t["name"], f) for t in done for f in t["flags"]]
    fa = [(n, f) for n, f in flags if f["mark"] == "false alarm"]
    fa_fail = [(n, f) for n, f in fa if f["status"] == "fail"]
    fa_warn = [(n, f) for n, f in fa if f["status"] == "warn"]
    by_check = Counter(f["check"] for _, f in fa)
    fails_by_check = Counter(f["check"] for _, f in fa_fail)
    pairs_done = [p for p in pairs if "skipped" not in p]
    with_err = sum(p["columns_with_errors"] for p in pairs_done)
    found = sum(p["columns_found"] for p in pairs_done)
    return {
        "tables": len(done),
        "skipped": {t["name"]: t["skipped"] for t in tables if "skipped" in t},
        "clean_tables": len(clean),
        "clean_not_ready": [t["name"] for t in clean if t["verdict"] != "ready"],
        "dirty_tables": len(dirty),
        "dirty_ready": [t["name"] for t in dirty if t["verdict"] == "ready"],
        "false_alarm_fails": len(fa_fail),
        "false_alarm_fail_list": [f"{n}: {f['check']}" for n, f in fa_fail],
        "false_alarm_warnings": len(fa_warn),
        "false_alarm_warnings_per_table": round(len(fa_warn) / len(done), 2) if done else None,
        "false_alarm_warnings_per_clean_table": (
            round(sum(1 for n, _ in fa_warn if n in {t["name"] for t in clean}) / len(clean), 2)
            if clean
            else None
        ),
        "errors": sum(1 for _, f in flags if f["mark"] == "error"),
        "marks": dict(Counter(f["mark"] for _, f in flags)),
        "worst_checks": [
            {"check": c, "false_alarms": n, "fails": fails_by_check.get(c, 0)}
            for c, n in by_check.most_common()
        ],
        "expected_problems": sum(t.get("problems_listed", 0) for t in done),
        "expected_problems_not_flagged": sum(len(t.get("missed", [])) for t in done),
        "pairs": {
            p["name"]: {
                "recall": p["recall"],
                "columns_found": p["columns_found"],
                "columns_with_errors": p["columns_with_errors"],
                "clean_column_flags": p["clean_column_flags"],
                "clean_flags": p["clean_flags"],
                "dirty_verdict": p["dirty"]["verdict"],
                "clean_verdict": p["clean"]["verdict"],
            }
            for p in pairs_done
        },
        "pairs_skipped": {p["name"]: p["skipped"] for p in pairs if "skipped" in p},
        "pairs_recall": round(found / with_err, 3) if with_err else None,
    }


def _cell(text: Any) -> str:
    s = " ".join(str(text).split()).replace("|", "\\|")
    return s if len(s) <= MESSAGE_CHARS else s[: MESSAGE_CHARS - 1] + "…"


def render(
    meta: dict, summary: dict, tables: list[dict], pairs: list[dict], against: list[str] | None = None
) -> str:
    s = summary
    lines = [
        "# Field corpus results",
        "",
        f"dataaudit {meta['dataaudit']} at commit `{meta['commit']}`; {meta['date']}; "
        f"Python {meta['python']}, pandas {meta['pandas']}; "
        f"wall time {meta['wall_s']:.0f} s on {meta['cpus']} cores. "
        f"Re-run: `{meta['command']}`. How to read this: `bench/field/README.md`.",
        "",
        "## Summary",
        "",
        f"- tables audited: {s['tables']} ({s['clean_tables']} expected ready, "
        f"{s['dirty_tables']} expected not ready); skipped: {len(s['skipped'])}"
        + "".join(f"\n  - {n}: {r}" for n, r in s["skipped"].items()),
        f"- **clean tables not ready: {len(s['clean_not_ready'])} of {s['clean_tables']}**"
        + (f" ({', '.join(s['clean_not_ready'])})" if s["clean_not_ready"] else ""),
        f"- tables expected not ready that came out ready: {len(s['dirty_ready'])} of {s['dirty_tables']}"
        + (f" ({', '.join(s['dirty_ready'])})" if s["dirty_ready"] else ""),
        f"- **false-alarm fails: {s['false_alarm_fails']}**",
        f"- **false-alarm warnings per table: {s['false_alarm_warnings_per_table']}** "
        f"({s['false_alarm_warnings']} over {s['tables']} tables; per expected-ready table: "
        f"{s['false_alarm_warnings_per_clean_table']})",
        f"- errors: {s['errors']}",
        f"- expected problems (expectations.yaml) not flagged: {s['expected_problems_not_flagged']} of "
        f"{s['expected_problems']}",
        "- marks of all warn/fail/error results: "
        + ", ".join(f"{k} {v}" for k, v in sorted(s["marks"].items())),
    ]
    for name, p in s["pairs"].items():
        lines.append(
            f"- pair **{name}**: recall {p['columns_found']}/{p['columns_with_errors']}"
            f" = {p['recall'] if p['recall'] is not None else '—'}; "
            f"flags on clean: {p['clean_column_flags']} column flags "
            f"({p['clean_flags']} warn/fail/error results); "
            f"verdict dirty {p['dirty_verdict']}, "
            f"clean {p['clean_verdict']}"
        )
    for name, reason in s["pairs_skipped"].items():
        lines.append(f"- pair {name}: skipped ({reason})")
    if against:
        lines += ["", "## Against the baseline", "", *against]
    if s["worst_checks"]:
        lines += [
            "",
            "## Checks by false alarms (corpus tables)",
            "",
            "| check | false alarms | of which fail |",
            "|---|---|---|",
        ]
        lines += [f"| `{w['check']}` | {w['false_alarms']} | {w['fails']} |" for w in s["worst_checks"]]
    if s["false_alarm_fail_list"]:
        lines += ["", "False-alarm fails: " + "; ".join(s["false_alarm_fail_list"]) + "."]
    lines += ["", "## Tables", ""]
    for t in tables:
        if "skipped" in t:
            lines += [f"### {t['name']} — skipped", "", t["skipped"], ""]
            continue
        ok = (
            "as expected"
            if t["verdict"] == t.get("expected_verdict")
            else f"expected {t.get('expected_verdict')}"
        )
        roles = ", ".join(f"{k}={v}" for k, v in t["roles"].items())
        lines += [
            f"### {t['name']} — {t['verdict']} ({ok})",
            "",
            f"{t['what']} ({t['package']}, {t['input']}, {t.get('rows', '?')} × {t.get('cols', '?')}, "
            f"{t['seconds']} s); roles: {roles}",
            "",
        ]
        if t["flags"]:
            lines += ["| check | status | columns | mark | message |", "|---|---|---|---|---|"]
            for f in t["flags"]:
                why = f" — {f['why']}" if f.get("why") and f["mark"] == "genuine" else ""
                lines.append(
                    f"| `{f['check']}` | {f['status']} | {_cell(', '.join(f['columns'][:6]))} | "
                    f"{f['mark']}{_cell(why)} | {_cell(f['message'])} |"
                )
        else:
            lines.append("No warning, failure or error.")
        if t.get("missed"):
            lines += [
                "",
                "Expected but not flagged: "
                + "; ".join(
                    f"`{p['check']}`"
                    + (f" ({', '.join(map(str, p['columns']))})" if p.get("columns") else "")
                    for p in t["missed"]
                )
                + ".",
            ]
        lines.append("")
    if pairs:
        lines += ["## Dirty/clean pairs", ""]
    for p in pairs:
        if "skipped" in p:
            lines += [f"### {p['name']} — skipped", "", p["skipped"], ""]
            continue
        limit = f", first {p['row_limit']} rows" if p["row_limit"] else ""
        lines += [
            f"### {p['name']} ({p['rows']} × {p['cols']}{limit})",
            "",
            f"Verdict: dirty **{p['dirty']['verdict']}** ({p['dirty']['seconds']} s), clean "
            f"**{p['clean']['verdict']}** ({p['clean']['seconds']} s). Recall: {p['columns_found']} of "
            f"{p['columns_with_errors']} columns with ≥ 1% errors flagged on dirty by a check that does not "
            f"flag them on clean ({p['recall']}). "
            f"Flags on clean: {p['clean_column_flags']} (check, column) pairs.",
            "",
            "| # | column (dirty / clean) | errors | flagged on dirty | flagged on clean | found |",
            "|---|---|---|---|---|---|",
        ]
        for c in p["columns"]:
            name = (
                c["dirty_name"]
                if c["dirty_name"] == c["clean_name"]
                else f"{c['dirty_name']} / {c['clean_name']}"
            )
            found = {True: "yes: " + ", ".join(f"`{x}`" for x in c["found_by"]), False: "**no**", None: ""}[
                c["found"]
            ]
            lines.append(
                f"| {c['position']} | {name} | {c['error_share']:.1%} | "
                f"{', '.join(f'`{x}`' for x in c['dirty_flags'])} | "
                f"{', '.join(f'`{x}`' for x in c['clean_flags'])} | {found} |"
            )
        for version in ("dirty", "clean"):
            fails = [f for f in p[version]["flags"] if f["status"] == "fail"]
            lines.append(
                f"\nFails on {version} (the verdict): "
                + (
                    "; ".join(f"`{f['check']}` ({_cell(', '.join(f['columns'][:8]))})" for f in fails)
                    or "none"
                )
                + "."
            )
            tl = p[version]["table_flags"]
            if tl:
                lines.append(f"\nTable-level flags on {version}: {', '.join(tl)}.")
            errs = [f for f in p[version]["flags"] if f["status"] == "error"]
            if errs:
                lines.append(
                    f"\nErrors on {version}: "
                    + "; ".join(f"`{f['check']}` {_cell(f['message'])}" for f in errs)
                )
        lines.append("")
    return "\n".join(lines) + "\n"


def compare(old: dict[str, Any], tables: list[dict], pairs: list[dict], summary: dict) -> list[str]:
    """Markdown lines: what changed against an earlier results.json (``--baseline``): the headline numbers
    (when both runs cover the same tables and pairs), each table's verdict, the warn/fail/error results that
    appeared or went away (by check and status) and each pair column's finding."""
    lines: list[str] = [
        f"Against `{old.get('meta', {}).get('commit', '?')}` ({old.get('meta', {}).get('date', '?')}):",
        "",
    ]
    before = {t["name"]: t for t in old.get("tables", []) if "skipped" not in t}
    now = {t["name"]: t for t in tables if "skipped" not in t}
    s0 = old.get("summary", {})
    same = set(before) == set(now) and set(s0.get("pairs", {})) == set(summary["pairs"])
    if same:
        heads = [
            ("clean tables not ready", len(s0["clean_not_ready"]), len(summary["clean_not_ready"])),
            ("false-alarm fails", s0["false_alarm_fails"], summary["false_alarm_fails"]),
            (
                "false-alarm warnings per table",
                s0["false_alarm_warnings_per_table"],
                summary["false_alarm_warnings_per_table"],
            ),
            ("errors", s0["errors"], summary["errors"]),
        ]
        for name, p in summary["pairs"].items():
            p0 = s0["pairs"][name]
            heads += [
                (f"{name} recall", p0["recall"], p["recall"]),
                (f"{name} clean column flags", p0["clean_column_flags"], p["clean_column_flags"]),
                (
                    f"{name} verdicts dirty/clean",
                    f"{p0['dirty_verdict']}/{p0['clean_verdict']}",
                    f"{p['dirty_verdict']}/{p['clean_verdict']}",
                ),
            ]
        lines += [f"- {n}: {a} → {b}" for n, a, b in heads]
    else:
        lines.append("- the two runs cover different tables or pairs: headline numbers not compared")
    for name in [t["name"] for t in tables if t["name"] in before and t["name"] in now]:
        t0, t1 = before[name], now[name]
        k0 = {(f["check"], f["status"]): f for f in t0["flags"]}
        k1 = {(f["check"], f["status"]): f for f in t1["flags"]}
        gone = [f"`{c}` {st} ({k0[(c, st)]['mark']})" for c, st in k0 if (c, st) not in k1]
        new = [f"`{c}` {st} ({k1[(c, st)]['mark']})" for c, st in k1 if (c, st) not in k0]
        verdict = f"{t0['verdict']} → {t1['verdict']}" if t0["verdict"] != t1["verdict"] else ""
        if gone or new or verdict:
            parts = [
                p
                for p in (
                    verdict,
                    "gone: " + ", ".join(gone) if gone else "",
                    "new: " + ", ".join(new) if new else "",
                )
                if p
            ]
            lines.append(f"- {name}: " + "; ".join(parts))
    old_pairs = {p["name"]: p for p in old.get("pairs", []) if "skipped" not in p}
    for p in pairs:
        if "skipped" in p or p["name"] not in old_pairs:
            continue
        cols0 = old_pairs[p["name"]]["columns"]
        for c0, c1 in zip(cols0, p["columns"]):
            if (c0["found"], c0["clean_flags"]) != (c1["found"], c1["clean_flags"]):
                lines.append(
                    f"- {p['name']}.{c1['dirty_name']}: found {c0['found']} → {c1['found']}; "
                    f"clean flags {c0['clean_flags']} → {c1['clean_flags']}"
                )
    return lines


def _meta(wall: float, argv: list[str]) -> dict[str, Any]:
    import dataaudit

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        if subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "checks"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip():
            commit += " + uncommitted changes in src/ or checks/"
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {
        "dataaudit": dataaudit.__version__,
        "commit": commit,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "cpus": os.cpu_count(),
        "wall_s": round(wall, 1),
        "command": "python bench/field/run.py" + (" " + " ".join(argv) if argv else ""),
    }


def run(
    names: list[str] | None = None,
    *,
    pairs: bool = True,
    pair_rows: int | None = None,
    expectations: Path = HERE / "expectations.yaml",
    reviewed: Path = HERE / "reviewed.yaml",
    echo: bool = False,
) -> tuple[list[dict], list[dict], dict]:
    """Audit the corpus tables (all, or those named) and the pairs; returns (tables, pairs, summary)."""
    exp, rev = load_marks(expectations), load_marks(reviewed)
    chosen = [t for t in TABLES if not names or t.name in names]
    tables = []
    for t in chosen:
        res = audit_table(t, exp, rev)
        tables.append(res)
        if echo:
            _echo_table(res)
    pair_results = []
    if pairs:
        folder = field_dir()
        for name in PAIRS:
            if names and name not in names:
                continue
            if folder is None or not (folder / name).is_dir():
                res = {
                    "name": name,
                    "skipped": f"no {name}/ under {folder or '../shared/field'} (set DATAAUDIT_FIELD_DIR)",
                }
            else:
                res = audit_pair(name, folder / name, rows=pair_rows)
            pair_results.append(res)
            if echo:
                _echo_pair(res)
    return tables, pair_results, summarize(tables, pair_results)


def _echo_table(t: dict) -> None:
    if "skipped" in t:
        print(f"{t['name']:<18} skipped: {t['skipped']}", flush=True)
        return
    marks = Counter(f["mark"] for f in t["flags"])
    flag = "" if t["verdict"] == t.get("expected_verdict") else f"  (expected {t.get('expected_verdict')})"
    print(
        f"{t['name']:<18} {t['verdict']:<10} {t['seconds']:>6.1f} s  "
        + ", ".join(f"{k} {v}" for k, v in sorted(marks.items()))
        + flag,
        flush=True,
    )
    for f in t["flags"]:
        if f["mark"] in ("false alarm", "error"):
            print(
                f"    {f['mark']:<11} {f['status']:<5} {f['check']} {','.join(f['columns'][:4])}", flush=True
            )


def _echo_pair(p: dict) -> None:
    if "skipped" in p:
        print(f"pair {p['name']}: skipped ({p['skipped']})", flush=True)
        return
    print(
        f"pair {p['name']}: dirty {p['dirty']['verdict']}, clean {p['clean']['verdict']}; recall "
        f"{p['columns_found']}/{p['columns_with_errors']}; clean column flags {p['clean_column_flags']}",
        flush=True,
    )
    for c in p["columns"]:
        print(
            f"    {c['position']:>2} {c['dirty_name'][:24]:<24} err {c['error_share']:6.1%}  dirty "
            f"{','.join(c['dirty_flags']) or '-'}  | clean {','.join(c['clean_flags']) or '-'}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", metavar="NAME", help="tables and/or pairs (hospital, beers) to run")
    ap.add_argument("--json", type=Path, help="results JSON (default bench/field/results.json on a full run)")
    ap.add_argument(
        "--out", type=Path, help="results Markdown (default bench/field/RESULTS.md on a full run)"
    )
    ap.add_argument("--no-pairs", action="store_true", help="skip the dirty/clean pairs")
    ap.add_argument("--pair-rows", type=int, help="audit only the first N rows of each pair")
    ap.add_argument("--baseline", type=Path, help="an earlier results.json: print (and write) what changed")
    ap.add_argument(
        "--engine",
        default="auto",
        choices=["auto", "pandas", "duckdb", "spark"],
        help="the engine to audit on",
    )
    args = ap.parse_args(argv)
    global ENGINE
    ENGINE = args.engine
    unknown = sorted(set(args.only or ()) - set(BY_NAME) - set(PAIRS))
    if unknown:
        ap.error(f"unknown table(s): {', '.join(unknown)}; known: {', '.join([*BY_NAME, *PAIRS])}")
    start = time.perf_counter()
    tables, pairs, summary = run(args.only, pairs=not args.no_pairs, pair_rows=args.pair_rows, echo=True)
    meta = _meta(time.perf_counter() - start, argv)
    full = not args.only and not args.no_pairs and not args.pair_rows
    json_path = args.json or (HERE / "results.json" if full else None)
    md_path = args.out or (HERE / "RESULTS.md" if full else None)
    s = summary
    print(
        f"\nclean tables not ready: {len(s['clean_not_ready'])} of {s['clean_tables']}; false-alarm fails: "
        f"{s['false_alarm_fails']}; false-alarm warnings per table: {s['false_alarm_warnings_per_table']}; "
        f"errors: {s['errors']}"
    )
    for name, p in s["pairs"].items():
        print(
            f"pair {name}: recall {p['recall']}; clean column flags {p['clean_column_flags']}; dirty "
            f"{p['dirty_verdict']}, clean {p['clean_verdict']}"
        )
    print(f"wall time {meta['wall_s']} s")
    against = None
    if args.baseline:
        against = compare(json.loads(args.baseline.read_text(encoding="utf-8")), tables, pairs, summary)
        print("\n" + "\n".join(against))
    if json_path:
        json_path.write_text(
            json.dumps(
                {"meta": meta, "summary": summary, "tables": tables, "pairs": pairs}, indent=1, default=str
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"wrote {json_path}")
    if md_path:
        md_path.write_text(render(meta, summary, tables, pairs, against), encoding="utf-8")
        print(f"wrote {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
