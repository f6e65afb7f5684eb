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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from dataaudit import __version__
from dataaudit.config import Config, describe_validation_error, find_config, load_config, validate_config
from dataaudit.dataset import Dataset, as_of_datetime
from dataaudit.errors import ConfigError, DataLoadError
from dataaudit.loading import from_frame, load
from dataaudit.model import Area, DatasetInfo, Report, Severity
from dataaudit.overview import MAX_OVERVIEW_COLUMNS, column_summaries
from dataaudit.privacy import masking, policy_for
from dataaudit.registry import Registry
from dataaudit.roles import resolve_roles
from dataaudit.runner import Progress, plan, run_checks
from dataaudit.snapshot import Snapshot, plan_baseline
from dataaudit.stats import Stats
from dataaudit.waivers import apply_waivers, check_waivers

__all__ = ["audit", "prepare"]



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
    croissant: str | Path | None = None,
    **overrides: Any,
):
    """Resolve config, plan checks and load the data, in the order that reports mistakes cheapest first.
    Returns ``(dataset, planned, config, config_path)``. Raises :class:`DataAuditError` subclasses."""
    if not isinstance(data, (pd.DataFrame, str, os.PathLike)):
        raise DataLoadError(f"expected a pandas DataFrame or a path, got {type(data).__name__}")
    path = None if isinstance(data, pd.DataFrame) else Path(data)
    as_of = as_of_datetime(as_of)
    cfg, cfg_path = _config(config, path)
    cfg_source = str(cfg_path) if cfg_path else "config"
    try:
        cfg = cfg.merged(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid option: {describe_validation_error(exc, Config.model_fields)}") from None
    cfg = _with_croissant(cfg, cfg_path, path, croissant)  # the datasheet from a Croissant file, if any
    registry = registry or Registry.default(checks_dirs)
    planned = plan(registry, cfg, cfg_source)
    if path is None:
        frame, source = from_frame(data)
    else:
        frame, source = load(path, fmt=fmt, sheet=sheet)
    name = source.path or "the DataFrame"
    origin = {
        role: f"--{role.replace('_', '-')}" if overrides.get(role) else f"{cfg_source}: {role}"
        for role in ("target", "sensitive", "timestamp", "ingested_at", "label_time", "id", "ignore_columns")
    }
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
    )
    check_waivers(cfg.waivers, registry.ids, [a.value for a in Area], cfg_source)
    planned = plan_baseline(dataset, baseline, planned)  # drift checks run only against a baseline
    return dataset, planned, cfg, cfg_path


def _with_croissant(cfg: Config, cfg_path: Path | None, data_path: Path | None, explicit) -> Config:
    """The config with the datasheet read from a Croissant file: ``croissant=`` (``--croissant``), else
    ``croissant:`` in dataaudit.yaml (relative to its folder), else one beside the data file. The policy
    block overrides the file field by field (see :mod:`dataaudit.croissant`)."""
    from dataaudit.croissant import find_croissant, merge_policy, read_croissant

    if explicit is not None:
        file = Path(explicit)
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


def _quiet_numerics(fn):
    """numpy's RuntimeWarnings on extreme data (overflow summing 1e308s, an all-NaN mean) are not the user's
    business: the checks handle inf and NaN, and a CLI's stderr carries only dataaudit's own lines."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():  # process-wide, so it also covers the checks' worker threads
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    return wrapper


@_quiet_numerics
def audit(
    data: pd.DataFrame | str | Path,
    *,
    config: Config | dict[str, Any] | str | Path | None = None,
    target: str | None = None,
    sensitive: Sequence[str] = (),
    timestamp: str | None = None,
    ingested_at: str | None = None,
    label_time: str | None = None,
    id: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fail_on: str | None = None,
    as_of: dt.datetime | dt.date | str | None = None,
    checks_dirs: Iterable[str | Path] = (),
    registry: Registry | None = None,
    fmt: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
    check_timeout: float | None = None,
    baseline: Any = None,
    snapshot: bool = False,
    profile: str | None = None,
    profile_rows: int = 100_000,
    mask: str | None = None,
    croissant: str | Path | None = None,
) -> Report:
    """Audit a DataFrame or a data file and return the :class:`Report`.

    ``baseline``: a data file, a snapshot file, a DataFrame or a :class:`~dataaudit.snapshot.Snapshot` to
    compare against (the drift checks run only with one). ``snapshot=True``: ``report.snapshot`` holds the
    audited data's snapshot, to save as the next baseline. ``profile="minimal"`` or ``"full"``: also build
    a companion ydata-profiling report on a seeded sample of at most ``profile_rows`` rows
    (``report.profile``, a :class:`~dataaudit.profile.ProfileInfo`; a failure is recorded there, not raised).
    ``mask``: ``auto`` (default), ``all`` or ``none`` — how example values are masked (see
    :mod:`dataaudit.privacy`; ``privacy: {mask: ...}`` in dataaudit.yaml).
    ``croissant``: a Croissant file (``croissant.json``) to read the datasheet from (default: ``croissant:``
    in dataaudit.yaml, else ``<data>.croissant.json`` or ``croissant.json`` beside a data file); the
    ``policy:`` block overrides it field by field (see :mod:`dataaudit.croissant`).

    ``config`` is a :class:`Config`, a mapping, or a path to ``dataaudit.yaml``; for a file, a
    ``dataaudit.yaml`` next to it (or in the cwd) is used when ``config`` is None. Keyword arguments
    override the config, as the command-line flags do.
    """
    start = time.perf_counter()
    dataset, planned, cfg, cfg_path = prepare(
        data,
        config=config,
        registry=registry,
        checks_dirs=checks_dirs,
        fmt=fmt,
        sheet=sheet,
        as_of=as_of,
        target=target,
        sensitive=tuple(sensitive),
        timestamp=timestamp,
        ingested_at=ingested_at,
        label_time=label_time,
        id=id,
        select=tuple(select),
        ignore=tuple(ignore),
        fail_on=fail_on,
        check_timeout=check_timeout,
        baseline=baseline,
        croissant=croissant,
        privacy={"mask": mask} if mask else None,
    )
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
        profile=_profile(dataset, profile, profile_rows) if profile else None,
    )


def _profile(dataset: Dataset, mode: str, rows: int):
    from dataaudit.profile import build_profile

    return build_profile(dataset.frame, mode=mode, max_rows=rows, title=dataset.source.path or "DataFrame")


def build_report(
    dataset: Dataset, results, cfg: Config, cfg_path: Path | None, durations, config_missing: bool = False
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
        config={"path": str(cfg_path) if cfg_path else None, **cfg.model_dump(mode="json")},
        notes=tuple(notes),
        durations=durations,
    )


def _config(
    config: Config | dict[str, Any] | str | Path | None, path: Path | None
) -> tuple[Config, Path | None]:
    if isinstance(config, Config):
        return config, None
    if isinstance(config, dict):
        return validate_config(config), None
    if config is None and path is None:  # a DataFrame has no folder: a stray ./dataaudit.yaml must not apply
        return Config(), None
    cfg_path = find_config(path, Path(config) if config is not None else None)
    return load_config(cfg_path), cfg_path
