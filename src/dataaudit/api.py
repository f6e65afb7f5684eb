"""The library entry point: ``dataaudit.audit(frame_or_path, ...) -> Report``.

The CLI is a thin shell around it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pandas as pd
from pydantic import ValidationError

from dataaudit import read_ahead
from dataaudit.baseline import plan_baseline
from dataaudit.config import (
    Config,
    describe_validation_error,
    option_name,
)
from dataaudit.config_for import config_for, with_croissant
from dataaudit.dataset import Dataset, as_of_datetime
from dataaudit.dataset_build import engine_dataset, pandas_dataset, phase, which_engine
from dataaudit.engine.choose import is_spark_frame
from dataaudit.errors import ConfigError, DataLoadError
from dataaudit.extras import require
from dataaudit.lanes import warm_imports
from dataaudit.loading import NullTokens
from dataaudit.model import Area, Report
from dataaudit.privacy import masking, policy_for
from dataaudit.registry import Registry
from dataaudit.report_builder import build_report
from dataaudit.role_table import ROLES
from dataaudit.runner import Progress, check_limit, may_run, plan, run_checks
from dataaudit.snapshot import Snapshot
from dataaudit.startup import startup_done
from dataaudit.testset import plan_test
from dataaudit.waivers import check_waivers, waiver_notes

__all__ = ["audit", "prepare"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

_ROLE_KEYS = tuple(r.key for r in ROLES)


def _names(value: str | Iterable[str] | None, key: str) -> tuple[str, ...]:
    """A column list from the API: one string is one column (``sensitive="race"``), not its letters."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    try:
        names = tuple(value)
    except TypeError:
        raise ConfigError(
            f"{option_name(key)} expected a column name or a list of them, got {type(value).__name__}"
        ) from None
    bad = [v for v in names if not isinstance(v, str)]
    if bad:
        raise ConfigError(f"{option_name(key)} expected column names (strings), got {bad[0]!r}")
    return names


def prepare(
    data: pd.DataFrame | str | Path,
    *,
    config: Config | dict[str, Any] | str | Path | None = None,
    registry: Registry | None = None,
    checks_dirs: Iterable[str | Path] = (),
    fmt: str | None = None,
    sheet: str | None = None,
    as_of: dt.datetime | dt.date | str | None = None,
    baseline: Any = None,
    test: Any = None,
    progress: Progress | None = None,
    croissant: str | Path | None = None,
    **overrides: Any,
):
    """Resolve config, plan checks and load the data, in the order that reports mistakes cheapest first.
    Returns ``(dataset, planned, config, config_path, section)``, ``section`` being the ``datasets:`` entry
    of the config applied to this file (or None). Raises :class:`DataAuditError` subclasses.
    ``progress`` is told the phases as ``(0, 0, "reading x.csv")``."""
    table = overrides.get("catalog_table")
    if data is None and table:  # a Spark catalog table: read by the spark engine, never a path
        data = None
    elif not isinstance(data, (pd.DataFrame, str, os.PathLike)) and not is_spark_frame(data):
        raise DataLoadError(f"expected a pandas DataFrame or a path, got {type(data).__name__}")
    path = None if data is None or isinstance(data, pd.DataFrame) or is_spark_frame(data) else Path(data)
    as_of = as_of_datetime(as_of)
    cfg, cfg_path, section = config_for(config, path)
    cfg_source = str(cfg_path) if cfg_path else "config"
    if section is not None:
        cfg_source += f" (datasets: {section!r})"
    try:
        cfg = cfg.merged(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid option: {describe_validation_error(exc, Config.model_fields)}") from None
    cfg = with_croissant(cfg, cfg_path, path, croissant)  # the datasheet from a Croissant file, if any
    registry = registry or Registry.default(checks_dirs)
    planned = plan(registry, cfg, cfg_source)
    # the same null tokens on every path: a file's text and a DataFrame's text cells (dataaudit.loading.nulls)
    nulls = NullTokens.from_settings(cfg.na_values, cfg.keep_default_na)
    if cfg.expectations is not None and any(p.check.id == "consistency.expectations" for p in planned):
        require("gx", f"'expectations:' in {cfg_source}")
    origin = {
        role: option_name(role) if overrides.get(role) else f"{cfg_source}: {role}" for role in _ROLE_KEYS
    }
    startup_done()  # from the command line: collect garbage again before the data is read (dataaudit.startup)
    if not cfg.quick:  # the slow imports of the checks to run, while the data is read (dataaudit.lanes)
        warm_imports(p.check for p in planned if may_run(p.check, cfg))
    engine_name, reason = which_engine(cfg.engine, data, path, fmt, cfg.catalog_table)
    if engine_name != "pandas":
        read_ahead.discard()  # the engine reads the file in place
        phase(progress, f"reading {path.name if path else 'the DataFrame'} into {engine_name}")
        dataset = engine_dataset(data, path, fmt, nulls, cfg, engine_name, reason, as_of, origin)
    else:
        dataset, cfg = pandas_dataset(data, path, fmt, sheet, nulls, cfg, reason, as_of, origin, progress)
    check_waivers(cfg.waivers, registry.ids, [a.value for a in Area], cfg_source)
    planned = plan_baseline(dataset, baseline, planned)  # drift checks run only against a baseline
    planned = plan_test(dataset, test, planned, fmt=fmt, sheet=sheet)  # split checks: only with a test set
    return dataset, planned, cfg, cfg_path, section


def _quiet_numerics(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """numpy's RuntimeWarnings on extreme data (overflow summing 1e308s, an all-NaN mean) are not the user's
    business: the checks handle inf and NaN, and a CLI's stderr carries only dataaudit's own lines.
    Typed with ParamSpec, so type checkers and IDEs see the wrapped function's own signature."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with warnings.catch_warnings():  # process-wide, so it also covers the checks' worker threads
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    return wrapper


@_quiet_numerics
def audit(
    data: pd.DataFrame | str | Path | Any = None,
    *,
    config: Config | dict[str, Any] | str | Path | None = None,
    target: str | None = None,
    sensitive: str | Sequence[str] = (),
    timestamp: str | None = None,
    ingested_at: str | None = None,
    label_time: str | None = None,
    id: str | None = None,
    ignore_columns: str | Sequence[str] = (),
    select: str | Sequence[str] = (),
    ignore: str | Sequence[str] = (),
    fail_on: str | None = None,
    as_of: dt.datetime | dt.date | str | None = None,
    checks_dirs: Iterable[str | Path] = (),
    registry: Registry | None = None,
    fmt: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
    check_timeout: float | None = None,
    baseline: Any = None,
    test: Any = None,
    snapshot: bool = False,
    profile: str | None = None,
    profile_rows: int = 100_000,
    mask: str | None = None,
    na_values: Sequence[str] | dict[str, Sequence[str]] | None = None,
    croissant: str | Path | None = None,
    engine: str | None = None,
    engine_memory: str | None = None,
    table: str | None = None,
    quick: bool | None = None,
) -> Report:
    """Audit a DataFrame or a data file and return the :class:`Report`.

    ``baseline``: a data file, a snapshot file, a DataFrame or a :class:`~dataaudit.snapshot.Snapshot` to
    compare against (the drift checks run only with one). ``test``: the test set of a train/test split (a
    path or a DataFrame, loaded like ``data`` and given its roles); the split checks run only with one.
    ``snapshot=True``: ``report.snapshot`` holds the
    audited data's snapshot, to save as the next baseline. ``profile="minimal"`` or ``"full"``: also build
    a companion ydata-profiling report on a seeded sample of at most ``profile_rows`` rows
    (``report.profile``, a :class:`~dataaudit.profile.ProfileInfo`; a failure is recorded there, not raised).
    ``mask``: ``auto`` (default), ``all`` or ``none`` — how example values are masked (see
    :mod:`dataaudit.privacy`; ``privacy: {mask: ...}`` in dataaudit.yaml).
    ``croissant``: a Croissant file (``croissant.json``) to read the datasheet from (default: ``croissant:``
    in dataaudit.yaml, else ``<data>.croissant.json`` or ``croissant.json`` beside a data file); the
    ``policy:`` block overrides it field by field (see :mod:`dataaudit.croissant`).

    ``engine``: ``auto`` (default), ``pandas``, ``duckdb`` or ``spark`` — what holds the data (see
    :mod:`dataaudit.engine.choose`); a Spark DataFrame is audited by Spark. ``engine_memory``: the DuckDB
    memory limit (e.g. ``"2GB"``). ``table``: a Spark catalog table to audit instead of ``data`` (``None``).

    ``quick=True`` (``quick: true`` in dataaudit.yaml, ``--quick``): leave out the checks that fit models
    (``size.learning_curve``, ``consistency.label_errors``, ``consistency.target_leakage``: those whose
    ``cost`` is ``"fits models"``), each reported as ``skipped`` with the reason; for pre-commit on small
    files, where scikit-learn's import and the fits are most of the time. ``None``: as the config says (when
    it says nothing, they run; ``dataaudit hook`` leaves them out unless told ``--full`` or ``quick: false``).

    ``na_values``: extra text read as missing (a list, or a mapping column → list), added to pandas' default
    null tokens unless the config says ``keep_default_na: false``; as ``pandas.read_csv``'s ``na_values``.
    The tokens apply to a DataFrame's text cells too, so ``audit(path)`` and ``audit(pd.read_csv(path))``
    see the same missing values.

    ``progress(i, n, check_id)`` is called before each check, and with ``(0, 0, phase)`` for the phases
    around them (reading, statistics, profiling).

    ``config`` is a :class:`Config`, a mapping, or a path to ``dataaudit.yaml``; for a file, a
    ``dataaudit.yaml`` next to it (or in the cwd) is used when ``config`` is None. Keyword arguments
    override the config, as the command-line flags do. ``sensitive``, ``ignore_columns``, ``select`` and
    ``ignore`` take one name or a list of names. A DataFrame's unnamed index is ignored; a named index is
    audited as a column (see docs/api.md).
    """
    start = time.perf_counter()
    # the role keywords, as the role table lists them: one column, or a list of them (one name is one column)
    given = locals()
    roles = {r.key: _names(given[r.key], r.key) if r.many else given[r.key] for r in ROLES}
    if profile:
        require("profile", "profile=")
    dataset, planned, cfg, cfg_path, section = prepare(
        data,
        config=config,
        registry=registry,
        checks_dirs=checks_dirs,
        fmt=fmt,
        sheet=sheet,
        as_of=as_of,
        **roles,
        select=_names(select, "select"),
        ignore=_names(ignore, "ignore"),
        fail_on=fail_on,
        check_timeout=check_timeout,
        baseline=baseline,
        croissant=croissant,
        privacy={"mask": mask} if mask else None,
        na_values=_na_override(na_values),
        test=test,
        progress=progress,
        engine=engine,
        engine_memory=engine_memory,
        catalog_table=table,
        quick=quick,
    )
    try:
        return _audit_prepared(
            data,
            dataset,
            planned,
            cfg,
            cfg_path,
            section,
            config,
            start,
            snapshot,
            profile,
            profile_rows,
            progress,
        )
    finally:
        dataset.engine.close()  # an out-of-core engine's temporary files, a session it started


def _audit_prepared(
    data: Any,
    dataset: Dataset,
    planned: Any,
    cfg: Config,
    cfg_path: Path | None,
    section: str | None,
    config: Any,
    start: float,
    snapshot: bool,
    profile: str | None,
    profile_rows: int,
    progress: Progress | None,
) -> Report:
    checks_start = time.perf_counter()
    with masking(policy_for(dataset, cfg.privacy.mask, dataset.roles.sensitive)):
        # each result's status is decided by the runner: severity cap, guessed-role cap, waivers
        results = run_checks(
            dataset,
            planned,
            progress,
            timeout=check_limit(cfg, dataset.n_rows),
            waivers=cfg.waivers,
            quick=bool(cfg.quick),
        )
        notes = waiver_notes(cfg.waivers, results)
        checks_s = time.perf_counter() - checks_start
        searched = config is None and not isinstance(data, pd.DataFrame)
        report = build_report(
            dataset,
            results,
            cfg,
            cfg_path,
            config_missing=searched and cfg_path is None,
            section=section,
            durations={
                "load_s": dataset.source.load_seconds,
                "checks_s": checks_s,
                "total_s": time.perf_counter() - start,
            },
        )
    return dataclasses.replace(
        report,
        notes=report.notes + notes,
        snapshot=Snapshot.from_dataset(dataset) if snapshot else None,
        profile=_profile(dataset, profile, profile_rows, progress) if profile else None,
    )


def _na_override(na_values: Any) -> Any:
    """``na_values=`` as the config holds it: None (not given), a tuple, or a mapping of tuples."""
    if na_values is None:
        return None
    if isinstance(na_values, dict):
        return {k: (v,) if isinstance(v, str) else tuple(v) for k, v in na_values.items()}
    return (na_values,) if isinstance(na_values, str) else tuple(na_values)


def _profile(dataset: Dataset, mode: str, rows: int, progress: Progress | None = None):
    from dataaudit.profile import build_profile

    phase(progress, f"profiling with ydata-profiling ({mode}, up to {rows:,} rows)")

    return build_profile(dataset.frame, mode=mode, max_rows=rows, title=dataset.source.path or "DataFrame")
