"""Consistency: declared expectations, the rules written in ``dataaudit.yaml`` (``expectations:``) and/or an
existing Great Expectations suite, validated with great-expectations' 1.x API against the loaded frame.

great_expectations takes seconds to import, so it is imported inside the check, and only when expectations
are configured: an audit without them never loads it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from dataaudit.dataset import Dataset
from dataaudit.expectations_spec import TYPE_NAMES
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade
from dataaudit.privacy import mask_example

__all__ = ["CHECKS", "Expectations", "plan_expectations", "run_gx"]

MAX_EXAMPLES = 5

_HINT = (
    "no expectations declared: add an 'expectations:' block to dataaudit.yaml, e.g. "
    "'expectations: {columns: {age: {type: integer, min: 0, max: 120, not_null: true}}}' "
    "(type, not_null, unique, allowed, min, max, regex, mostly, severity per column), "
    "or 'suite: path/to/gx_suite.json'"
)


@dataclass(frozen=True, slots=True)
class Planned:
    """One expectation to run: GX type and kwargs, a readable description, its column and severity."""

    type: str
    kwargs: Mapping[str, Any]
    describe: str
    column: str | None
    severity: str = "fail"
    meta: Mapping[str, Any] | None = None


def _describe_rule(kind: str, column: str, rules: Mapping[str, Any]) -> str:
    if kind == "exists":
        return f"{column!r} exists"
    if kind == "type":
        return f"{column!r} is of type {rules['type']}"
    if kind == "not_null":
        return f"{column!r} has no missing values"
    if kind == "unique":
        return f"{column!r} values are unique"
    if kind == "allowed":
        shown = ", ".join(repr(v) for v in list(rules["allowed"])[:5])
        more = ", …" if len(rules["allowed"]) > 5 else ""
        return f"{column!r} values in {{{shown}{more}}}"
    if kind == "range":
        lo, hi = rules.get("min"), rules.get("max")
        if lo is not None and hi is not None:
            return f"{column!r} between {lo:g} and {hi:g}"
        return f"{column!r} >= {lo:g}" if lo is not None else f"{column!r} <= {hi:g}"
    return f"{column!r} matches /{rules['regex']}/"


def plan_expectations(spec: Mapping[str, Any], columns: list[str]) -> tuple[list[Planned], list[Planned]]:
    """The GX expectations for a validated ``expectations:`` block, and those that cannot run because
    their column is missing (its ``exists`` expectation reports that)."""
    runnable: list[Planned] = []
    blocked: list[Planned] = []
    present = set(columns)
    for column, rules in (spec.get("columns") or {}).items():
        rules = rules or {}
        sev = rules.get("severity", "fail")
        mostly = rules.get("mostly", 1.0)
        per_value = {} if mostly >= 1 else {"mostly": mostly}
        items: list[tuple[str, str, dict[str, Any]]] = [("exists", "expect_column_to_exist", {})]
        if rules.get("type"):
            items.append(
                (
                    "type",
                    "expect_column_values_to_be_in_type_list",
                    {"type_list": list(TYPE_NAMES[rules["type"]])},
                )
            )
        if rules.get("not_null"):
            items.append(("not_null", "expect_column_values_to_not_be_null", dict(per_value)))
        if rules.get("unique"):
            items.append(("unique", "expect_column_values_to_be_unique", dict(per_value)))
        if rules.get("allowed") is not None:
            items.append(
                (
                    "allowed",
                    "expect_column_values_to_be_in_set",
                    {"value_set": list(rules["allowed"]), **per_value},
                )
            )
        if rules.get("min") is not None or rules.get("max") is not None:
            items.append(
                (
                    "range",
                    "expect_column_values_to_be_between",
                    {"min_value": rules.get("min"), "max_value": rules.get("max"), **per_value},
                )
            )
        if rules.get("regex") is not None:
            items.append(
                ("regex", "expect_column_values_to_match_regex", {"regex": rules["regex"], **per_value})
            )
        for kind, gx_type, kwargs in items:
            planned = Planned(
                gx_type, {"column": column, **kwargs}, _describe_rule(kind, column, rules), column, sev
            )
            (runnable if kind == "exists" or column in present else blocked).append(planned)
    suite = spec.get("suite")
    if suite:
        for exp in suite["expectations"]:
            kwargs = dict(exp.get("kwargs") or {})
            column = kwargs.get("column")
            describe = f"{column!r}: {exp['type']}" if column is not None else exp["type"]
            planned = Planned(exp["type"], kwargs, describe, column, "fail", exp.get("meta"))
            blocked_col = (
                column is not None and column not in present and exp["type"] != "expect_column_to_exist"
            )
            (blocked if blocked_col else runnable).append(planned)
    return runnable, blocked


@contextlib.contextmanager
def _quiet_gx() -> Iterator[None]:
    """No analytics, progress bars, log lines or warnings from great_expectations while it runs."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logger = logging.getLogger("great_expectations")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


def run_gx(
    frame: pd.DataFrame, planned: list[Planned], suite_name: str = "dataaudit"
) -> list[dict[str, Any]]:
    """Validate ``planned`` against ``frame`` with GX: an ephemeral context, a pandas data source, a
    whole-dataframe batch. Returns one dict per expectation: success, unexpected count and share, up to 5
    unexpected values and row labels, and the error text when GX could not evaluate it."""
    with _quiet_gx():
        try:
            import great_expectations as gx
        except ImportError as exc:  # audit() says so before any check runs; this covers a direct call
            raise ImportError(
                f"expectations need great-expectations ({exc}): pip install 'dataaudit[gx]'"
            ) from None
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        # GX's type check does not know tz-aware datetimes: hand it their naive UTC wall time
        aware = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
        if aware:
            frame = frame.assign(
                **{str(c): frame[c].dt.tz_convert("UTC").dt.tz_localize(None) for c in aware}
            )
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        batch = (
            context.data_sources.add_pandas("dataaudit")
            .add_dataframe_asset("data")
            .add_batch_definition_whole_dataframe("all rows")
            .get_batch(batch_parameters={"dataframe": frame})
        )
        expectations = []
        for i, p in enumerate(planned, 1):
            config = ExpectationConfiguration(
                type=p.type, kwargs=dict(p.kwargs), meta={"dataaudit_index": i - 1}
            )
            try:
                expectations.append(config.to_domain_obj())
            except Exception as exc:  # an unknown type or bad kwargs in a suite: name it, one line
                raise ValueError(
                    f"expectation {i} ({p.describe}) is not a valid GX expectation: {exc}"
                ) from None
        suite = gx.ExpectationSuite(name=suite_name, expectations=expectations)
        result = batch.validate(
            suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": MAX_EXAMPLES}
        )
    out: list[dict[str, Any] | None] = [None] * len(planned)
    for r in result.results:
        planned_config = r.expectation_config
        meta = planned_config.meta if planned_config is not None else None
        i = int((meta or {}).get("dataaudit_index", -1))
        if not 0 <= i < len(planned) or out[i] is not None:
            continue
        res = r.result or {}
        info = r.exception_info or {}
        if "raised_exception" not in info and info:  # {metric id: {exception_message: ...}}
            info = next(iter(info.values()), {})
        error = info.get("exception_message") if info.get("raised_exception") else None
        out[i] = {
            "success": bool(r.success) and error is None,
            "unexpected": res.get("unexpected_count"),
            "percent": res.get("unexpected_percent"),
            "values": list(res.get("partial_unexpected_list") or [])[:MAX_EXAMPLES],
            "rows": list(res.get("partial_unexpected_index_list") or [])[:MAX_EXAMPLES],
            "observed": res.get("observed_value"),
            "error": error,
        }
    return [o or {"success": False, "error": "no result returned by great_expectations"} for o in out]


@dataclass(frozen=True)
class Expectations(Check):
    """The data meets the expectations declared in dataaudit.yaml, validated with Great Expectations.

    Declared per column under `expectations: columns:` (a listed column must exist): `type` (integer,
    float, number, string, boolean, datetime: checked against the loaded dtype, and value by value in a
    column of mixed objects), `not_null`, `unique`, `allowed` values, `min` / `max` (inclusive numbers),
    `regex`, with `mostly` (the share of values that must comply, default all) and `severity` (warn or fail,
    default fail). An existing GX 1.x expectation suite can be given as `expectations: suite: path.json`
    (relative to dataaudit.yaml). Each expectation runs through great-expectations (an ephemeral context, a
    pandas data source, a batch of the loaded frame); each failed one is listed with its unexpected count
    and share and up to 5 masked examples with their row labels. Without an `expectations:` block the check
    is skipped (and great_expectations is not imported).

    Why it matters: declared expectations are the team's own contract with the data: the allowed codes,
    the valid ranges, the keys that must be unique. A broken one means the data is not what downstream code
    was written for. So, by default, any broken fail-severity expectation fails the check (fail above 0)
    and any broken warn-severity one warns (warn above 0); raise the thresholds to tolerate a known number.

    How to fix: correct the data at its source, or, if the expectation was wrong, change it in
    dataaudit.yaml (or the suite), e.g. loosen it with `mostly: 0.99` or mark it `severity: warn`.
    """

    id: ClassVar[str] = "consistency.expectations"
    title: ClassVar[str] = "Declared expectations"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: int = 0
    fail_above: int = 0

    def run(self, data: Dataset) -> Outcome:
        spec = data.settings.get("expectations")
        if not spec:
            return Outcome.skip(_HINT)
        runnable, blocked = plan_expectations(spec, data.columns)
        suite = spec.get("suite") or {}
        results = (
            run_gx(data.frame, runnable, suite_name=str(suite.get("name") or "dataaudit")) if runnable else []
        )
        rows, failed = [], []
        for p, r in zip(runnable, results):
            if r["success"]:
                rows.append((p.describe, "passed", p.severity, r.get("unexpected"), None, "", ""))
                continue
            failed.append((p, r))
            rows.append(self._failed_row(data, p, r))
        for p in blocked:
            rows.append((p.describe, "not run: column missing", p.severity, None, None, "", ""))
        total = len(runnable) + len(blocked)
        n_failed = len(failed)
        n_fail_sev = sum(1 for p, _ in failed if p.severity == "fail")
        status = grade(n_fail_sev, warn=None, fail=self.fail_above, higher_is_worse=True)
        if status == Status.PASS:
            status = grade(n_failed, warn=self.warn_above, fail=None, higher_is_worse=True)
        source = f"suite {suite.get('name')!r}" if suite else "dataaudit.yaml"
        if suite and spec.get("columns"):
            source = f"dataaudit.yaml and suite {suite.get('name')!r}"
        expected = f"<= {self.fail_above} failed expectations (warn above {self.warn_above})"
        observed = {"expectations": total, "failed": n_failed, "not_run": len(blocked)}
        rows.sort(key=lambda r: r[1] == "passed")  # failures first
        table = Table.of(
            ("expectation", "result", "severity", "unexpected", "unexpected %", "examples", "rows"),
            rows,
            title=f"Expectations from {source}, validated with great-expectations",
        )
        if not failed:
            msg = f"all {count(len(runnable), 'expectation')} from {source} passed"
            if blocked:
                msg += f" ({len(blocked)} not run)"
            return Outcome.ok(msg, observed=observed, expected=expected, evidence=table)
        shown = "; ".join(self._summary(p, r) for p, r in failed[:3])
        more = f"; and {n_failed - 3} more" if n_failed > 3 else ""
        msg = f"{n_failed} of {count(total, 'expectation')} from {source} failed: {shown}{more}"
        if blocked:
            msg += f" ({len(blocked)} not run: column missing)"
        return Outcome.make(
            status,
            msg,
            observed=observed,
            expected=expected,
            columns=sorted({p.column for p, _ in failed if p.column and p.column in data.frame.columns}),
            evidence=table,
        )

    @staticmethod
    def _summary(p: Planned, r: Mapping[str, Any]) -> str:
        if r.get("error"):
            return f"{p.describe} (could not be evaluated)"
        if r.get("unexpected") is not None:
            pct = r.get("percent")
            share = f", {pct:.2f}%" if isinstance(pct, (int, float)) else ""
            return f"{p.describe} ({count(int(r['unexpected']), 'unexpected value')}{share})"
        if r.get("observed") is not None:
            return f"{p.describe} (observed {r['observed']})"
        return p.describe

    @staticmethod
    def _failed_row(data: Dataset, p: Planned, r: Mapping[str, Any]) -> tuple:
        col = p.column if p.column in data.frame.columns else None
        kind = data.stats[col].kind if col is not None else ""
        if r.get("error"):
            detail = f"error: {str(r['error']).splitlines()[0][:150]}"
            return (p.describe, detail, p.severity, None, None, "", "")
        values = ", ".join(
            "(missing)"
            if v is None or v is pd.NaT or (isinstance(v, float) and v != v)
            else mask_example(v, column=col or "", kind=kind)
            for v in r.get("values") or []
        )
        if not values and r.get("observed") is not None:
            values = f"observed: {r['observed']}"
        if p.type == "expect_column_to_exist" and p.column not in data.frame.columns:
            values = "column not found"
        rows = ", ".join(str(i) for i in r.get("rows") or [])
        pct = r.get("percent")
        return (
            p.describe,
            "failed",
            p.severity,
            r.get("unexpected"),
            round(pct, 3) if isinstance(pct, (int, float)) else None,
            values,
            rows,
        )


CHECKS = (Expectations,)
