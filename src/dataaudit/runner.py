"""Run checks over a Dataset: plan from config, time each check, turn a crash into an ``error`` result."""

from __future__ import annotations

import dataclasses
import time
import traceback
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from dataaudit.check_api import FITS_MODELS, QUICK_REASON, left_out_by_quick, quick_audit
from dataaudit.config import Config, close_matches, option_name
from dataaudit.dataset import Dataset
from dataaudit.deadline import TimedOut, call_with_deadline
from dataaudit.engine import scope
from dataaudit.errors import ConfigError
from dataaudit.lanes import fits_lane, run_in_lanes
from dataaudit.memory import give_back
from dataaudit.model import Area, Check, CheckResult, Outcome, Severity, Status
from dataaudit.privacy import mask_text
from dataaudit.registry import Registry, matches
from dataaudit.role_table import ROLE_BY_NAME
from dataaudit.waivers import Waiver, waive

__all__ = ["Planned", "plan", "run_checks"]

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class Planned:
    check: Check
    severity: Severity
    source: str


def plan(registry: Registry, config: Config, source: str = "config") -> list[Planned]:
    """Instantiate the selected, enabled checks with their configured parameters and severities.
    Unknown check ids, unknown parameters and wrong types are :class:`ConfigError`\\s."""
    for key in config.checks:
        if key not in registry:
            hint = close_matches(key, registry.ids)
            raise ConfigError(f"{source}: checks: unknown check {key!r}{hint} (see 'dataaudit checks')")
    areas = [a.value for a in Area]
    names = [*registry.ids, *areas]
    for prefix in (*config.select, *config.ignore):
        # an area, or an id within a known area, is valid even when no such check is installed (yet): a
        # CI config may ignore a plugin's check on machines without the plugin
        if (
            prefix != "all"
            and prefix.split(".")[0] not in areas
            and not any(matches(i, [prefix]) for i in registry.ids)
        ):
            # select/ignore may come from the flags or the file: the merged config cannot tell which
            flags = f"{option_name('select')}/{option_name('ignore')}"
            where = flags + ("" if source == "config" else f" or {source}")
            hint = close_matches(prefix, names if "." in prefix else areas)  # 'consistncy' → the area
            if not hint and prefix in config.ignore and "." not in prefix:  # likely a column name
                hint = f"; to leave a column out of the audit, use {option_name('ignore_columns')}"
            raise ConfigError(
                f"select/ignore: {prefix!r} matches no check id or area{hint} "
                f"(set by {where}; see 'dataaudit checks')"
            )
    planned = []
    for reg in registry:
        cid = reg.check.id
        where = f"{source}: checks.{cid}"
        settings = config.check_settings(cid)
        enabled = settings.pop("enabled", True)
        severity = settings.pop("severity", None)
        if not isinstance(enabled, bool):
            raise ConfigError(f"{where}.enabled: expected true or false, got {enabled!r}")
        if severity is False:  # YAML 1.1 reads a bare `off` (or `no`, `false`) as a boolean
            severity = "off"
        if severity is not None and severity not in ("warn", "fail", "off"):
            raise ConfigError(f"{where}.severity: expected warn, fail or off, got {severity!r}")
        # parameters are validated even for a check that is off or not selected: a typo never hides
        check = build(reg.check, settings, where)
        if config.select and not matches(cid, config.select):
            continue
        if config.ignore and matches(cid, config.ignore):
            continue
        if severity == "off" or not enabled:
            continue
        planned.append(Planned(check, Severity(severity or reg.check.severity), reg.source))
    if not planned:
        chosen = " ".join(
            [*(f"--select {p}" for p in config.select), *(f"--ignore {p}" for p in config.ignore)]
        )
        raise ConfigError(
            f"no checks to run: {chosen or 'the configuration'} leaves none of the {len(registry)} available "
            "checks (see 'dataaudit checks')"
        )
    return planned


def build(cls: type[Check], settings: dict[str, Any], where: str) -> Check:
    """Instantiate a check from config values, validating names and types against its fields."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    # the annotations are evaluated only for a check with settings: most have none (9 ms for all 62)
    hints = typing.get_type_hints(cls) if settings else {}
    values = {}
    for key, value in settings.items():
        if key not in fields:
            valid = [*fields, "severity", "enabled"]
            hint = close_matches(str(key), valid)
            raise ConfigError(f"{where}: unknown parameter {key!r}{hint} (valid: {', '.join(valid)})")
        try:
            values[key] = TypeAdapter(hints[key]).validate_python(value)
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"].lower()
            raise ConfigError(f"{where}.{key}: {msg}, got {value!r}") from None
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:  # e.g. a __post_init__ that rejects warn_below < fail_below
        raise ConfigError(f"{where}: {exc}") from None


#: the default ``check_timeout`` holds for tables up to this many rows and grows in proportion beyond: it is
#: 50× the slowest built-in check at 1M rows, and a check over 100M rows (out of core) does 100× the work
TIMEOUT_ROWS = 1_000_000


def check_limit(cfg: Config, n_rows: int) -> float | None:
    """Seconds one check may run: ``check_timeout`` as the user set it (0 or null: no limit); left at its
    default, the default scaled with the rows beyond :data:`TIMEOUT_ROWS` (300 s at 1M, 30,000 s at 100M:
    the 100M-row audit's duplicate grouping took more than 300 s and would have become an error)."""
    if not cfg.check_timeout:
        return None
    if "check_timeout" in cfg.model_fields_set:
        return float(cfg.check_timeout)
    return float(cfg.check_timeout) * max(1.0, n_rows / TIMEOUT_ROWS)


def run_checks(
    data: Dataset,
    planned: Sequence[Planned],
    progress: Progress | None = None,
    timeout: float | None = None,
    waivers: Sequence[Waiver] = (),
    quick: bool = False,
) -> tuple[CheckResult, ...]:
    """Run each planned check; ``timeout``: seconds one check may take before it becomes an ``error``
    (``None``: no limit; see :mod:`dataaudit.deadline` for how a late check is stopped); ``waivers``: the
    accepted risks of dataaudit.yaml (:mod:`dataaudit.waivers`); ``quick``: leave out the checks that fit
    models (``cost = "fits models"``), each reported as ``skipped`` with :data:`QUICK_REASON`."""
    if not quick:
        return _run_all(data, planned, progress, timeout, waivers)
    with quick_audit(p.check.id for p in planned if left_out(p.check, quick)):
        return _run_all(data, planned, progress, timeout, waivers)


def may_run(check: Check, cfg: Config) -> bool:
    """Whether ``check`` may run under ``cfg``, as far as is known before the data is read: ``--quick``
    does not leave it out, and every role it requires is declared or may be detected (id, timestamp)."""

    def may_have(role: str) -> bool:
        known = ROLE_BY_NAME.get(role)
        return known is None or known.declare is not None or bool(getattr(cfg, known.key, None))

    return not left_out(check, bool(cfg.quick)) and all(may_have(r) for r in check.requires)


def left_out(check: Check | type[Check], quick: bool) -> bool:
    """Whether a ``--quick`` audit leaves ``check`` out: it fits models."""
    return quick and getattr(check, "cost", "light") == FITS_MODELS


def _run_all(
    data: Dataset,
    planned: Sequence[Planned],
    progress: Progress | None,
    timeout: float | None,
    waivers: Sequence[Waiver],
) -> tuple[CheckResult, ...]:
    def one(p: Planned) -> CheckResult:
        result = run_one(data, p, timeout, waivers)
        give_back()  # what the check freed goes back to the system: the peak is what is in use
        return result

    # the checks that fit models run beside the others, on two cores (dataaudit.lanes)
    second = fits_lane(planned, data, lambda check: left_out_by_quick(check.id))
    if second:
        results = run_in_lanes(planned, second, one, progress)
    else:
        done = []
        for i, p in enumerate(planned):
            if progress:
                progress(i, len(planned), p.check.id)
            done.append(one(p))
        results = tuple(done)
    if progress:
        progress(len(planned), len(planned), "")
    return results


def run_one(
    data: Dataset, p: Planned, timeout: float | None = None, waivers: Sequence[Waiver] = ()
) -> CheckResult:
    """Run one check. Its status is decided here: the outcome, capped by the check's severity and by a
    guessed role, then a matching waiver (``waived``)."""
    check = p.check
    start = time.perf_counter()
    with scope.tracking() as tracker:  # what the check reads: its result's scope
        outcome, error, tb = _guarded_run(check, data, timeout)
    status, message = _capped(outcome, p, data)
    result = CheckResult(
        id=check.id,
        area=check.area,
        title=check.title,
        status=status,
        severity=p.severity,
        message=message,
        columns=outcome.columns,
        observed=outcome.observed,
        expected=outcome.expected,
        evidence=outcome.evidence,
        charts=outcome.charts,
        duration_s=time.perf_counter() - start,
        source=p.source,
        doc=check.doc(),
        params=check.params(),
        error=error,
        traceback=tb,
        # what the result covers, observed while the check ran (dataaudit.engine.scope)
        scope=tracker.scope(data.n_rows) if status not in (Status.SKIPPED, Status.ERROR) else None,
    )
    return waive(result, waivers, data.as_of) if waivers else result


def _capped(outcome: Outcome, p: Planned, data: Dataset) -> tuple[Status, str]:
    """The outcome's status and message under the check's severity (``warn`` caps a ``fail``) and its
    guessed roles (a verdict never rests on a guess: what a check built on a detected role finds is
    reported, at most as a warning, with how to declare the role so that the finding counts)."""
    status, message = outcome.status, outcome.message
    if status == Status.FAIL and p.severity == Severity.WARN:
        status = Status.WARN
    guessed = guessed_roles(p.check, data)
    if guessed and status in (Status.FAIL, Status.WARN):
        capped = status == Status.FAIL
        status = Status.WARN
        message += _guess_note(data, guessed, capped)
    return status, message


def _guarded_run(
    check: Check, data: Dataset, timeout: float | None
) -> tuple[Outcome, str | None, str | None]:
    """The check's outcome, its error (``Type: message``) and traceback: a skip when a required role is
    missing, an ``error`` outcome when it crashes or runs out of time."""
    # a missing role first: a check that could not run in a full audit either is not "left out by --quick"
    # (the pre-commit hook counts those on each file's line)
    missing = [role for role in check.requires if not _has_role(data, role)]
    if missing:
        return Outcome.skip(_skip_reason(data, missing[0])), None, None
    if left_out_by_quick(check.id):  # a --quick audit (run_checks): the checks that fit models
        return Outcome.skip(QUICK_REASON), None, None
    try:
        # out of core, a check that reads rows runs on the sample as if it were the table (and says so)
        seen = data if check.all_rows or data.in_memory else data.sample_view()
        if seen is not data:
            scope.note_sample(seen.n_rows)
        outcome = call_with_deadline(lambda: check.run(seen), timeout)
        if not isinstance(outcome, Outcome):
            raise TypeError(f"run() returned {type(outcome).__name__}, expected an Outcome")
        return outcome, None, None
    except TimedOut as exc:  # the audit goes on without it; the limit is check_timeout / --check-timeout
        message = f"check timed out: {exc} (the limit is check_timeout, or --check-timeout)"
        return Outcome.make(Status.ERROR, message), f"TimedOut: {exc}", None
    except (Exception, SystemExit) as exc:  # one crashing check never takes down (or ends) the audit
        error = mask_text(f"{type(exc).__name__}: {exc}", 500)
        return Outcome.make(Status.ERROR, f"check crashed: {error}"[:500]), error, traceback.format_exc()


def roles_used(check: Check) -> tuple[str, ...]:
    """The roles a check's result is built on: those it ``requires`` (the runner skips it without them) and
    those it reads when they are set (an optional ``uses_roles`` class attribute, e.g. the latency checks,
    which skip themselves without an event time to say when the file was last modified)."""
    return tuple(dict.fromkeys((*check.requires, *getattr(check, "uses_roles", ()))))


def guessed_roles(check: Check, data: Dataset) -> list[str]:
    """The roles this check is built on that dataaudit detected rather than was told."""
    return [r for r in roles_used(check) if r in data.roles.detected and _has_role(data, r)]


def _guess_note(data: Dataset, roles: Sequence[str], capped: bool) -> str:
    parts = []
    for role in roles:
        col = getattr(data.roles, role)
        known = ROLE_BY_NAME.get(role)
        what, how = (known.declare if known else None) or (
            f"{role} column",
            f"'{role}: {{col}}' in dataaudit.yaml",
        )
        parts.append(f"the {what} {col!r} was detected, not declared (declare it with {how.format(col=col)})")
    cap = "; a warning, not a failure, because " if capped else "; "
    return f"{cap}{'; '.join(parts)}"


def _has_role(data: Dataset, role: str) -> bool:
    return bool(getattr(data.roles, role, None))


def _skip_reason(data: Dataset, role: str) -> str:
    known = ROLE_BY_NAME.get(role)
    reason = (known.hint if known else "") or f"requires the {role!r} role"
    guesses = data.roles.suggested.get(role)
    if guesses:
        reason += f"; likely candidates: {', '.join(guesses)}"
    return reason
