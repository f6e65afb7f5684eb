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

from dataaudit import __version__
from dataaudit.baseline import plan_baseline
from dataaudit.config import (
    Config,
    describe_validation_error,
    find_config,
    load_config,
    option_name,
    validate_config,
)
from dataaudit.dataset import Dataset, as_of_datetime
from dataaudit.engine import PandasEngine
from dataaudit.engine.choose import choose_engine, is_spark_frame
from dataaudit.errors import ConfigError, DataLoadError
from dataaudit.extras import require
from dataaudit.formats import detect_format
from dataaudit.loading import NullTokens, from_frame, load
from dataaudit.model import Area, DatasetInfo, Report, Severity
from dataaudit.overview import MAX_OVERVIEW_COLUMNS, column_summaries, ordered_tokens
from dataaudit.privacy import masking, policy_for
from dataaudit.registry import Registry
from dataaudit.roles import resolve_roles
from dataaudit.runner import Progress, plan, run_checks
from dataaudit.snapshot import Snapshot
from dataaudit.stats import Stats
from dataaudit.testset import plan_test
from dataaudit.waivers import apply_waivers, check_waivers

__all__ = ["audit", "prepare"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

_ROLE_KEYS = ("target", "sensitive", "timestamp", "ingested_at", "label_time", "id", "ignore_columns")


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
    cfg, cfg_path, section = _config(config, path)
    cfg_source = str(cfg_path) if cfg_path else "config"
    if section is not None:
        cfg_source += f" (datasets: {section!r})"
    try:
        cfg = cfg.merged(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid option: {describe_validation_error(exc, Config.model_fields)}") from None
    cfg = _with_croissant(cfg, cfg_path, path, croissant)  # the datasheet from a Croissant file, if any
    registry = registry or Registry.default(checks_dirs)
    planned = plan(registry, cfg, cfg_source)
    # the same null tokens on every path: a file's text and a DataFrame's text cells (dataaudit.loading.nulls)
    nulls = NullTokens.from_settings(cfg.na_values, cfg.keep_default_na)
    if cfg.expectations is not None and any(p.check.id == "consistency.expectations" for p in planned):
        require("gx", f"'expectations:' in {cfg_source}")
    origin = {
        role: option_name(role) if overrides.get(role) else f"{cfg_source}: {role}" for role in _ROLE_KEYS
    }
    engine_name, reason = _which_engine(cfg.engine, data, path, fmt, cfg.catalog_table)
    if engine_name != "pandas":
        _phase(progress, f"reading {path.name if path else 'the DataFrame'} into {engine_name}")
        dataset = _engine_dataset(data, path, fmt, nulls, cfg, engine_name, reason, as_of, origin)
    else:
        if isinstance(data, pd.DataFrame):
            numbering = isinstance(data.index, pd.RangeIndex) and data.index.name is not None
            if numbering:  # a named 0..n-1 numbering carries no data: drop the name, not a column's worth
                data = data.copy(deep=False)
                data.index = pd.RangeIndex(len(data))
            frame, source = from_frame(data, nulls=nulls)
            cfg, index_note = _index_as_id(data, frame, cfg, origin)
            if index_note:
                source = dataclasses.replace(source, notes=(*source.notes, index_note))
        else:
            assert path is not None  # a file: Spark frames and tables never reach the pandas loader
            _phase(progress, f"reading {path.name}")
            frame, source = load(path, fmt=fmt, sheet=sheet, nulls=nulls)
        name = source.path or "the DataFrame"
        _phase(progress, f"statistics over {frame.shape[1]:,} columns × {len(frame):,} rows")
        # one Stats object, over the audited columns, serves role detection and then every check
        kept = frame.drop(columns=[c for c in cfg.ignore_columns if c in frame.columns])
        stats = Stats(kept, as_of)  # as_of: two-digit years are read relative to it, not to today
        roles = resolve_roles(list(frame.columns), cfg, stats, name, origin)
        dataset = Dataset(
            kept,
            stats=stats,
            source=source,
            roles=roles,
            as_of=as_of,
            settings=cfg.model_dump(),
            sample_rows=cfg.sample_rows,
            engine=PandasEngine(kept, reason),
        )
    check_waivers(cfg.waivers, registry.ids, [a.value for a in Area], cfg_source)
    planned = plan_baseline(dataset, baseline, planned)  # drift checks run only against a baseline
    planned = plan_test(dataset, test, planned, fmt=fmt, sheet=sheet)  # split checks: only with a test set
    return dataset, planned, cfg, cfg_path, section


def _which_engine(
    requested: str, data: Any, path: Path | None, fmt: str | None, table: str | None
) -> tuple[str, str]:
    if table:
        if data is not None:
            raise ConfigError(f"table {table!r}: give a table or data to audit, not both")
        if requested not in ("auto", "spark"):
            raise ConfigError(
                f"table {table!r}: a catalog table is read by the spark engine, not {requested}"
            )
        return "spark", f"the Spark catalog table {table}"
    if data is None:
        raise DataLoadError("nothing to audit: give a path, a DataFrame, or a Spark table")
    fmt_found = compression = None
    if path is not None and path.is_file():
        fmt_found, compression = detect_format(path, fmt)
    return choose_engine(requested, path, fmt_found, compression, data)


def _engine_dataset(
    data: Any,
    path: Path | None,
    fmt: str | None,
    nulls: NullTokens,
    cfg: Config,
    engine_name: str,
    reason: str,
    as_of: dt.datetime | None,
    origin: dict[str, str],
) -> Dataset:
    """The dataset held by DuckDB or Spark: rows stay in the engine; ``frame`` is a seeded sample."""
    from dataaudit.engine.open import open_engine
    from dataaudit.engine.stats import EngineStats

    engine, source = open_engine(engine_name, data, path, fmt, nulls, cfg)
    engine.reason = reason
    try:
        sample = engine.sample(cfg.sample_rows)
        kept = sample.drop(columns=[c for c in cfg.ignore_columns if c in sample.columns])
        stats = EngineStats(engine, kept, as_of)
        roles = resolve_roles(list(sample.columns), cfg, stats, source.path or "the DataFrame", origin)
        return Dataset(
            kept,
            stats=stats,
            source=source,
            roles=roles,
            as_of=as_of,
            settings=cfg.model_dump(),
            sample_rows=cfg.sample_rows,
            engine=engine,
        )
    except BaseException:
        engine.close()
        raise


def _phase(progress: Progress | None, text: str) -> None:
    """Phases outside the checks reach ``progress`` as ``(0, 0, text)``; checks as ``(i, n, check_id)``."""
    if progress is not None:
        progress(0, 0, text)


def _index_as_id(
    data: pd.DataFrame, frame: pd.DataFrame, cfg: Config, origin: dict[str, str]
) -> tuple[Config, str | None]:
    """What a DataFrame's index means. An unnamed index (the default RangeIndex, or row labels left by a
    filter) and a RangeIndex even when named (``rename_axis("row")``: a numbering) are row numbers and are
    ignored. Any other named index is data (``customer_id`` after ``set_index``): it is audited as a
    column, and one named, unique index (not a time index) is the row id when no id is declared, so the
    duplicate checks treat it as an id (rows equal but for it are near-duplicates) rather than as data that
    makes every row distinct."""
    named = [n for n in data.index.names if n is not None]
    if not named:
        return cfg, None
    cols = ", ".join(repr(str(n)) for n in named)
    note = f"the DataFrame's named index ({cols}) is audited as a column"
    key = str(named[0])
    if (
        len(named) == 1
        # a time index (a series' dates) is an event time, not a key: role detection sees it as a column
        and not isinstance(data.index, (pd.DatetimeIndex, pd.PeriodIndex, pd.TimedeltaIndex))
        and data.index.is_unique
        and cfg.id is None
        and key in frame.columns
        and key not in cfg.ignore_columns
    ):
        cfg = cfg.model_copy(update={"id": key})
        origin["id"] = "the DataFrame's index"
        note += " and used as the row id (it is unique and no id was declared)"
    return cfg, note


def _with_croissant(cfg: Config, cfg_path: Path | None, data_path: Path | None, explicit) -> Config:
    """The config with the datasheet read from a Croissant file: ``croissant=`` (``--croissant``), else
    ``croissant:`` in dataaudit.yaml (relative to its folder), else one beside the data file. The policy
    block overrides the file field by field (see :mod:`dataaudit.croissant`)."""
    from dataaudit.croissant import find_croissant, merge_policy, read_croissant

    if explicit is not None:
        file: Path | None = Path(explicit)
    elif cfg.croissant:
        file = Path(cfg.croissant)
        if not file.is_absolute() and cfg_path is not None:
            file = cfg_path.parent / file
    else:
        file = find_croissant(data_path)
    if file is None:
        return cfg
    sheet = read_croissant(file)
    return cfg.model_copy(update={"policy": merge_policy(cfg.policy, sheet), "croissant": str(file)})


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
        target=target,
        sensitive=_names(sensitive, "sensitive"),
        timestamp=timestamp,
        ingested_at=ingested_at,
        label_time=label_time,
        id=id,
        ignore_columns=_names(ignore_columns, "ignore_columns"),
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
        results = run_checks(dataset, planned, progress, timeout=cfg.check_timeout or None)
        results, waiver_notes = apply_waivers(results, cfg.waivers, dataset.as_of)
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
        notes=report.notes + waiver_notes,
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

    _phase(progress, f"profiling with ydata-profiling ({mode}, up to {rows:,} rows)")

    return build_profile(dataset.frame, mode=mode, max_rows=rows, title=dataset.source.path or "DataFrame")


def build_report(
    dataset: Dataset,
    results,
    cfg: Config,
    cfg_path: Path | None,
    durations,
    config_missing: bool = False,
    section: str | None = None,
) -> Report:
    roles = dataset.roles
    notes: list[str] = []  # load notes stay on report.dataset.notes
    for role in sorted(roles.detected):
        notes.append(
            f"{role} column {getattr(roles, role)!r} was detected, not declared; set it in dataaudit.yaml"
        )
    for role, cols in roles.suggested.items():
        notes.append(
            f"{role} not set; likely candidate(s): {', '.join(cols)} (set {role}: in dataaudit.yaml)"
        )
    if cfg.croissant and cfg.policy is not None:
        taken = ", ".join(cfg.policy.from_croissant) or "none"
        notes.append(
            f"datasheet read from the Croissant file {cfg.croissant} (fields taken from it: {taken})"
        )
    if config_missing:
        notes.append("no dataaudit.yaml found; defaults used (run 'dataaudit init DATA' to write one)")
    overview = column_summaries(dataset)
    if dataset.n_cols > MAX_OVERVIEW_COLUMNS:
        notes.append(f"overview lists the first {MAX_OVERVIEW_COLUMNS} of {dataset.n_cols:,} columns")
    src = dataset.source
    info = DatasetInfo(
        path=src.path,
        format=src.format,
        bytes=src.bytes,
        sha256=src.sha256,
        rows=dataset.n_rows,
        columns=dataset.n_cols,
        load_seconds=src.load_seconds,
        encoding=src.encoding,
        notes=src.notes,
        null_tokens={c: dict(ordered_tokens(t)) for c, t in src.null_tokens.items() if c in dataset.columns},
        engine=dataset.engine.name,
        engine_reason=dataset.engine.reason,
        sample_rows=None if dataset.in_memory else len(dataset.sample()),
    )
    return Report(
        tool={"name": "dataaudit", "version": __version__},
        dataset=info,
        roles=roles.to_dict(),
        detected_roles=tuple(sorted(roles.detected)),
        as_of=dataset.as_of,
        fail_on=Severity(cfg.fail_on),
        results=results,
        overview=overview,
        config={
            "path": str(cfg_path) if cfg_path else None,
            "section": section,
            **cfg.model_dump(mode="json", exclude={"datasets"}),
        },
        notes=tuple(notes),
        durations=durations,
    )


def _config(
    config: Config | dict[str, Any] | str | Path | None, path: Path | None
) -> tuple[Config, Path | None, str | None]:
    """The config, its file, and the ``datasets:`` entry applied for ``path`` (if any)."""
    if isinstance(config, Config):
        cfg = config
    elif isinstance(config, dict):
        cfg = validate_config(config)
    elif (
        config is None and path is None
    ):  # a DataFrame has no folder: a stray ./dataaudit.yaml must not apply
        return Config(), None, None
    else:
        return _config_file(config, path)
    if path is not None and cfg.datasets:
        cfg, section = cfg.for_file(path, None)
        return cfg, None, section
    return cfg, None, None


def _config_file(
    config: str | os.PathLike[str] | None, path: Path | None
) -> tuple[Config, Path | None, str | None]:
    cfg_path = find_config(path, Path(config) if config is not None else None)
    cfg = load_config(cfg_path)
    if path is not None and cfg.datasets:
        cfg, section = cfg.for_file(path, cfg_path.parent if cfg_path else None)
        if section is not None:
            return cfg, cfg_path, section
    return cfg, cfg_path, None
