"""Spark sessions, and data opened in Spark with the pandas loader's semantics.

:func:`get_session`: the user's session when there is one (an active session, or Spark Connect when
``SPARK_REMOTE`` is set), else one ``local[2]`` session per process with small defaults for a laptop-sized
machine (spark-defaults.conf and ``PYSPARK_SUBMIT_ARGS`` still apply on top: a setting there wins).

:func:`open_spark`: a CSV file or a directory of CSV parts, a Parquet file or directory, or a catalog table,
as a :class:`~dataaudit.engine.spark.SparkEngine` and a :class:`~dataaudit.dataset.SourceInfo`. CSV is read
with every column as text and then typed the way :func:`dataaudit.loading.load` types a file (pyarrow's
inference, which pandas uses): the null tokens (:class:`~dataaudit.loading.nulls.NullTokens`, pandas' default
``na_values`` unless configured) are missing and counted per column; a column is ``int64`` when every value is
an integer that fits 64 bits, ``bool`` when every value is ``true``/``false``/``1``/``0`` (as arrow spells
them), a date or timestamp when every value is an ISO 8601 date or date-time, ``float64`` when every value is
a number, and text otherwise; integers past 64 bits stay text, with a note. All of that is one aggregate job
over the text (which also numbers the rows), then the typed table is cached.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from dataaudit.engine.spark_csv import _open_csv
from dataaudit.engine.spark_parquet import _open_parquet
from dataaudit.engine.spark_session import _first_line, get_session, require_spark
from dataaudit.errors import DataLoadError
from dataaudit.loading.digest import file_sha256

__all__ = ["get_session", "open_spark", "require_spark"]


# ---------------------------------------------------------------------------------------------------- open
def open_spark(
    path_or_dir_or_table: str | Path | None = None,
    fmt: str | None = None,
    nulls: Any = None,
    session: Any = None,
    table: str | None = None,
) -> tuple[Any, Any]:
    """Open data in Spark: a CSV/TSV file or directory of parts, a Parquet file or directory, or (``table``)
    a catalog table. Returns ``(SparkEngine, SourceInfo)``. One-line :class:`DataLoadError` when the data
    cannot be read (naming the file), :class:`ConfigError` when Spark cannot run."""
    from dataaudit.dataset import SourceInfo
    from dataaudit.engine.spark import SparkEngine
    from dataaudit.loading.nulls import DEFAULT

    spark = session or get_session()
    tokens = nulls or DEFAULT
    start = time.perf_counter()
    if table is not None or (path_or_dir_or_table is not None and fmt == "table"):
        name = table or str(path_or_dir_or_table)
        try:
            df = spark.table(name)
        except Exception as exc:  # noqa: BLE001 - AnalysisException: no such table
            raise DataLoadError(f"{name}: cannot read the table ({_first_line(exc)})") from None
        df, counts = null_tokens_as_missing(df, tokens)
        engine = SparkEngine.from_dataframe(df)
        return engine, SourceInfo(
            path=name, format="table", load_seconds=time.perf_counter() - start, null_tokens=counts
        )
    if path_or_dir_or_table is None:
        raise DataLoadError("nothing to open: give a file, a directory or --table NAME")
    path = Path(path_or_dir_or_table)
    kind, files = _files(path, fmt)
    if kind == "parquet":
        engine, notes, counts = _open_parquet(spark, path, files)
    else:
        engine, notes, counts = _open_csv(spark, path, files, kind, tokens)
    size = sum(f.stat().st_size for f in files)
    return engine, SourceInfo(
        path=str(path),
        format=kind,
        bytes=size,
        sha256=file_sha256(*files),  # local files, read in blocks (a cluster's files are not read here)
        load_seconds=time.perf_counter() - start,
        encoding="utf-8" if kind in ("csv", "tsv") else None,
        notes=tuple(notes),
        mtime=_mtime(files),
        null_tokens=counts,
    )


def _files(path: Path, fmt: str | None) -> tuple[str, list[Path]]:
    """(format, the data files): a file, or the part files of a directory (hidden and ``_``-prefixed files
    such as ``_SUCCESS`` skipped, as Spark does)."""
    if not path.exists():
        raise DataLoadError(f"{path}: file not found")
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and not p.name.startswith((".", "_")) and p.stat().st_size
        )
        if not files:
            raise DataLoadError(f"{path}: the directory holds no data files")
    else:
        files = [path]
    if fmt:
        kind = fmt.lower()
    else:
        suffixes = {_suffix(p) for p in files}
        if len(suffixes) > 1:
            shown = ", ".join(sorted(s or "(none)" for s in suffixes))
            raise DataLoadError(f"{path}: the directory mixes file types ({shown}); pass --format")
        kind = suffixes.pop() or "csv"
    if kind not in ("csv", "tsv", "parquet"):
        raise DataLoadError(f"{path}: the spark engine reads csv, tsv and parquet, not {kind}")
    if files[0].stat().st_size == 0:
        raise DataLoadError(f"{files[0]}: file is empty (0 bytes)")
    return kind, files


def _suffix(p: Path) -> str:
    s = p.suffix.lower().lstrip(".")
    return {"pq": "parquet", "txt": "csv", "": "csv"}.get(s, s)


def _mtime(files: list[Path]) -> Any:
    import datetime as dt

    try:
        return dt.datetime.fromtimestamp(max(f.stat().st_mtime for f in files), dt.UTC)
    except (OSError, ValueError):
        return None


def null_tokens_as_missing(df: Any, tokens: Any = None) -> tuple[Any, dict[str, dict[str, int]]]:
    """A Spark DataFrame's text cells that are null tokens (``NA``, ``null``, ``''``…; pandas' defaults unless
    configured) become NULL, as :func:`dataaudit.loading.from_frame` does for a pandas frame; returns the
    DataFrame and the counts per column and token. One aggregate job to find them (and one more to tell the
    tokens apart when a column holds any besides the empty string); none when there are no text columns.
    For ``dataaudit.audit(spark_df)`` and catalog tables, before :meth:`SparkEngine.from_dataframe`."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from dataaudit.engine.spark import col
    from dataaudit.loading.nulls import DEFAULT

    tokens = tokens or DEFAULT
    text = [
        f.name for f in df.schema.fields if isinstance(f.dataType, T.StringType) and tokens.for_column(f.name)
    ]
    if not text:
        return df, {}
    hits = df.agg(
        *[F.count_if(col(c).isin(*sorted(tokens.for_column(c)))).alias(f"t{i}") for i, c in enumerate(text)]
    ).collect()[0]
    found = [c for i, c in enumerate(text) if hits[f"t{i}"]]
    if not found:
        return df, {}
    aggs: list[Any] = []  # pyspark Columns
    keys: list[tuple[str, str]] = []
    for c in found:
        for token in sorted(tokens.for_column(c)):
            aggs.append(F.count_if(col(c) == F.lit(token)).alias(f"k{len(keys)}"))
            keys.append((c, token))
    row = df.agg(*aggs).collect()[0]
    counts: dict[str, dict[str, int]] = {}
    for j, (c, token) in enumerate(keys):
        if row[f"k{j}"]:
            counts.setdefault(c, {})[token] = int(row[f"k{j}"])
    cleaned = df.select(
        *[
            F.when(~col(f.name).isin(*sorted(tokens.for_column(f.name))), col(f.name)).alias(f.name)
            if f.name in counts
            else col(f.name)
            for f in df.schema.fields
        ]
    )
    return cleaned, counts
