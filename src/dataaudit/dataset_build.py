"""The :class:`~dataaudit.dataset.Dataset` of the data being audited: which engine holds it, read by pandas
(a file or a DataFrame, whose named index may be the row id) or by an out-of-core engine (DuckDB, Spark), with
its statistics and resolved roles."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from dataaudit.config import Config
from dataaudit.cores import cores
from dataaudit.dataset import Dataset
from dataaudit.engine import PandasEngine
from dataaudit.engine.choose import choose_engine
from dataaudit.errors import ConfigError, DataLoadError
from dataaudit.formats import detect_format
from dataaudit.loading import NullTokens, from_frame, load
from dataaudit.memory import give_back
from dataaudit.roles import resolve_roles
from dataaudit.runner import Progress
from dataaudit.stats import Stats

__all__ = ["engine_dataset", "pandas_dataset", "phase", "which_engine"]

#: from this many rows a column's statistics take long enough (~10 ms) for a second thread to pay off
PREFETCH_ROWS = 100_000


def pandas_dataset(
    data: Any,
    path: Path | None,
    fmt: str | None,
    sheet: str | None,
    nulls: NullTokens,
    cfg: Config,
    reason: str,
    as_of: dt.datetime | None,
    origin: dict[str, str],
    progress: Progress | None,
) -> tuple[Dataset, Config]:
    """The dataset held in memory by pandas, and the config (a DataFrame's unique named index may become
    its id)."""
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
        phase(progress, f"reading {path.name}")
        frame, source = load(path, fmt=fmt, sheet=sheet, nulls=nulls)
        give_back()  # what reading freed (the file's bytes, arrow's buffers) goes back to the system
    name = source.path or "the DataFrame"
    phase(progress, f"statistics over {frame.shape[1]:,} columns × {len(frame):,} rows")
    # one Stats object, over the audited columns, serves role detection and then every check
    columns = list(frame.columns)
    dropped = [c for c in cfg.ignore_columns if c in frame.columns]
    # a frame just read from a file is ours: with no column to leave out it is used as it is (``drop``
    # copies every column, and both copies lived until this function returned); a caller's DataFrame is
    # copied, so that nothing done in the audit reaches it
    own = not isinstance(data, pd.DataFrame) and not dropped
    kept = frame if own else frame.drop(columns=dropped)
    del frame
    stats = Stats(kept, as_of)  # as_of: two-digit years are read relative to it, not to today
    if len(kept) >= PREFETCH_ROWS and cores() >= 2:  # numbers and times beside role detection's asking
        stats.prefetch([c for c in kept.columns if getattr(kept[c].dtype, "kind", "O") in "iufmM"])
    roles = resolve_roles(columns, cfg, stats, name, origin)
    dataset = Dataset(
        kept,
        stats=stats,
        source=source,
        roles=roles,
        as_of=as_of,
        settings=cfg.model_dump(),
        sample_rows=cfg.sample_rows,
        engine=PandasEngine(kept, reason, counts=stats.value_counts, codes=stats.text_codes),
    )
    return dataset, cfg


def which_engine(
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


def engine_dataset(
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


def phase(progress: Progress | None, text: str) -> None:
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
