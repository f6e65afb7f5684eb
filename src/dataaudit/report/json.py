"""The JSON document for machines (``--json``). ``schema_version`` changes only on breaking changes."""

from __future__ import annotations

import json
from typing import Any

from dataaudit.model import Report, jsonable

SCHEMA_VERSION = 1


def report_to_dict(report: Report) -> dict[str, Any]:
    d = report.dataset
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": dict(report.tool),
        "dataset": {
            "path": d.path,
            "format": d.format,
            "bytes": d.bytes,
            "sha256": d.sha256,
            "rows": d.rows,
            "columns": d.columns,
            "load_seconds": round(d.load_seconds, 4),
            "encoding": d.encoding,
            "notes": list(d.notes),
            # column -> {token: cells}: the text read as missing ("" is an empty cell)
            "null_tokens": jsonable(d.null_tokens),
            # which engine held the data and why; sample_rows: the sample row-level checks read out of core
            "engine": {"name": d.engine, "reason": d.engine_reason, "sample_rows": d.sample_rows},
        },
        "roles": jsonable(report.roles),
        "as_of": report.as_of.isoformat(),
        "fail_on": str(report.fail_on),
        "verdict": report.verdict,
        "summary": report.summary,
        "checks": [r.to_dict() for r in report.results],
        "notes": list(report.notes),
        "durations": {k: round(v, 4) for k, v in report.durations.items()},
        "profile": report.profile.to_dict() if report.profile is not None else None,  # --profile
    }


def report_to_json(report: Report, indent: int | None = 2) -> str:
    return json.dumps(report_to_dict(report), indent=indent, ensure_ascii=False, allow_nan=False)
