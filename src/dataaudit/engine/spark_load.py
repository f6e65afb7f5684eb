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

import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dataaudit.errors import ConfigError, DataLoadError

__all__ = ["get_session", "open_spark", "require_spark"]

_EXTRA = "pip install 'dataaudit[spark]'"

#: the settings of the local session dataaudit starts when the user has none (2 cores, a few GiB)
LOCAL_CONF: dict[str, str] = {
    "spark.master": "local[2]",
    "spark.app.name": "dataaudit",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "2g",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.adaptive.enabled": "true",
    "spark.driver.extraJavaOptions": "",
}

#: Spark's own log lines at start-up (hostname, native-hadoop) are noise in an audit's output: errors only
#: until the session is up (then WARN); the CSV header check always warns (the loader reads columns by
#: position), so it stays at errors
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
logger.csvheader.name = org.apache.spark.sql.catalyst.csv.CSVHeaderChecker
logger.csvheader.level = error
"""

_LOCAL: Any = None  # the session this process started (reused)


def require_spark() -> None:
    """Raise a one-line ConfigError when pyspark or Java is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ConfigError(f"the spark engine needs pyspark, which is not installed ({_EXTRA})") from None
    if not os.environ.get("SPARK_REMOTE") and not _java():
        raise ConfigError(
            "the spark engine needs Java (17 or later) to start a local Spark session: no `java` on PATH and "
            f"no JAVA_HOME (install a JDK, or set SPARK_REMOTE to use a Spark Connect server; {_EXTRA})"
        )


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def get_session() -> Any:
    """The active Spark session if there is one; else a Spark Connect session when ``SPARK_REMOTE`` is set;
    else this process' local ``local[2]`` session (started on first use, with :data:`LOCAL_CONF`)."""
    global _LOCAL
    require_spark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if _LOCAL is not None:
        try:
            _LOCAL.conf.get("spark.app.name")  # still alive?
            return _LOCAL
        except Exception:  # noqa: BLE001 - stopped by the user: start another
            _LOCAL = None
    remote = os.environ.get("SPARK_REMOTE")
    try:
        if remote:
            return SparkSession.builder.remote(remote).getOrCreate()
        builder = SparkSession.builder
        conf = dict(LOCAL_CONF)
        conf["spark.driver.extraJavaOptions"] = f"-Dlog4j.configurationFile=file:{_log4j_file()}"
        for key, value in conf.items():
            builder = builder.config(key, value)
        os.environ.setdefault("PYSPARK_PYTHON", _python())
        _LOCAL = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - the JVM did not start: one line, not a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = f"Spark Connect at {remote}" if remote else "a local Spark session (local[2])"
        raise ConfigError(f"cannot start {where}: {first[:300]}") from None
    _LOCAL.sparkContext.setLogLevel("WARN")
    return _LOCAL


def _log4j_file() -> str:
    import tempfile

    path = Path(tempfile.gettempdir()) / "dataaudit-spark-log4j2.properties"
    if not path.exists() or path.read_text() != _LOG4J:
        path.write_text(_LOG4J)
    return str(path)


def _python() -> str:
    import sys

    return sys.executable


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
        load_seconds=time.perf_counter() - start,
        encoding="utf-8" if kind in ("csv", "tsv") else None,
        notes=tuple(notes),
        mtime=_mtime(files),
        null_tokens=counts,
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line[:300]


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


def _open_parquet(
    spark: Any, path: Path, files: list[Path]
) -> tuple[Any, list[str], dict[str, dict[str, int]]]:
    from pyspark.sql import types as T

    from dataaudit.engine.spark import SparkEngine, _nan_to_null, col, number_rows
    from dataaudit.loading.columns import _clean_columns

    try:
        df = spark.read.parquet(*[str(f) for f in files])
        fields = list(df.schema.fields)
    except Exception as exc:  # noqa: BLE001
        if "NANOS" in str(exc):
            raise DataLoadError(
                f"{path}: Spark cannot read Parquet timestamps in nanoseconds (pandas' default); write the "
                "file "
                "with microseconds (df.to_parquet(..., coerce_timestamps='us')) or use --engine duckdb"
            ) from None
        raise DataLoadError(f"{path}: not a valid Parquet file or truncated ({_first_line(exc)})") from None
    notes: list[str] = []
    nested = [f.name for f in fields if isinstance(f.dataType, (T.ArrayType, T.MapType, T.StructType))]
    if nested:
        notes.append(f"skipped {len(nested)} column(s) holding lists or maps: {', '.join(nested[:10])}")
    keep = [f.name for f in fields if f.name not in nested]
    import pandas as pd

    names = list(_clean_columns(pd.DataFrame(columns=keep), notes).columns)
    df = df.select(*[col(c).alias(n) for c, n in zip(keep, names)])
    df = _nan_to_null(df)
    dtypes = _parquet_dtypes(files, dict(zip(keep, names)))
    try:
        src, position, n_rows, non_null = number_rows(df, by_file=True)
    except Exception as exc:  # noqa: BLE001
        raise DataLoadError(f"{path}: cannot read as parquet: {_first_line(exc)}") from None
    if n_rows == 0:
        raise DataLoadError(f"{path}: no data rows")
    numbered = src.select(*[col(c) for c in names], position.alias("__dataaudit_row__")).persist()
    engine = SparkEngine(numbered, n_rows, non_null, reason="", dtypes=_with_nulls(dtypes, non_null, n_rows))
    return engine, notes, {}


def _parquet_dtypes(files: list[Path], names: Mapping[str, str]) -> dict[str, str]:
    """The pandas dtypes pyarrow gives the columns (read from the first file's schema only)."""
    try:
        import pyarrow.parquet as pq

        schema = pq.read_schema(files[0])
        empty = schema.empty_table().to_pandas(date_as_object=False)
    except Exception:  # noqa: BLE001 - fall back to the dtypes derived from Spark's schema
        return {}
    return {names[c]: str(empty[c].dtype) for c in empty.columns if c in names}


def _with_nulls(dtypes: dict[str, str], non_null: Mapping[str, int], n_rows: int) -> dict[str, str]:
    """An integer or bool column holding a missing value is float64 / object in pandas."""
    out = {}
    for c, d in dtypes.items():
        missing = non_null.get(c, n_rows) < n_rows
        if missing and d.startswith(("int", "uint")):
            d = "float64"
        elif missing and d == "bool":
            d = "object"
        out[c] = d
    return out


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
    aggs, keys = [], []
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


# ---------------------------------------------------------------------------------------------------- CSV
#: arrow's spelling of booleans (its default true_values / false_values)
_BOOL_TRUE = ("1", "True", "TRUE", "true")
_BOOL_FALSE = ("0", "False", "FALSE", "false")
_INT = r"^\s*-?\d+\s*$"
_FLOAT = r"^\s*[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[iI][nN][fF]([iI][nN][iI][tT][yY])?|[nN][aA][nN])\s*$"
_DATE = r"^\s*\d{4}-\d{2}-\d{2}\s*$"
_TS_BODY = r"\d{4}-\d{2}-\d{2}([ T]\d{2}(:\d{2}(:\d{2}(\.\d{1,9})?)?)?)?"
_TS = "^" + _TS_BODY + "$"
_TS_FRACTION = r"^\s*\d{4}-\d{2}-\d{2}[ T][^.]*\.\d"
_TS_ZONE = "^" + _TS_BODY + r"(Z|[+-]\d{2}(:?\d{2})?)$"
_NUMERIC_FIRST = tuple("0123456789+-.iInN")


def _open_csv(
    spark: Any, path: Path, files: list[Path], kind: str, tokens: Any
) -> tuple[Any, list[str], dict[str, dict[str, int]]]:
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from dataaudit.engine.spark import ROW, SparkEngine, number_rows

    sep = "\t" if kind == "tsv" else _sniff(files[0])
    header = _header(files[0], sep)
    import pandas as pd

    from dataaudit.loading.columns import _clean_columns

    notes: list[str] = []
    names = list(_clean_columns(pd.DataFrame(columns=header), notes).columns)
    raw_names = [f"c{i}" for i in range(len(names))]
    schema = T.StructType([T.StructField(n, T.StringType(), True) for n in raw_names])
    quotes = [_quotes(f) for f in files]
    for f, n in zip(files, quotes):
        # a quoted value that never closes: Spark would read the rest of the file into it, silently
        line = _unterminated(f, sep) if n % 2 else None
        if line is not None:
            raise DataLoadError(
                f"{f}: unterminated quote: the quoted value that starts on line {line} never closes"
            )
    quoted = any(quotes)

    def reader(multiline: bool) -> Any:
        return spark.read.csv(
            [str(f) for f in files],
            schema=schema,
            header=True,
            sep=sep,
            quote='"',
            escape='"',
            multiLine=multiline,
            mode="FAILFAST",
            enforceSchema=True,
            ignoreLeadingWhiteSpace=False,
            ignoreTrailingWhiteSpace=False,
            encoding="UTF-8",
        )

    raw = reader(quoted)
    # per column: the null tokens found, and the types every other value fits (a bit each, ANDed over rows);
    # the cell tests are projected once (v, token?, empty?) so the aggregates do not repeat them; one global
    # aggregate (grouping it by file split as the numbering does measured 2x slower)
    extra: dict[str, Any] = {}
    cells: list[Any] = []
    for i, name in enumerate(names):
        c, is_token = _cell(raw_names[i], tokens.for_column(name))
        cells += [
            F.when(~is_token, c).alias(f"v{i}"),
            is_token.alias(f"t{i}"),
            (c == F.lit("")).alias(f"e{i}"),
        ]
        v = F.col(f"v{i}")
        extra[f"tok{i}"] = F.count_if(F.col(f"t{i}"))
        extra[f"empty{i}"] = F.count_if(F.col(f"e{i}"))
        extra[f"n{i}"] = F.count(v)
        extra[f"fits{i}"] = F.bit_and(_fits(v))
        dated = F.substring(F.ltrim(v), 5, 1) == F.lit("-")
        extra[f"frac{i}"] = F.bit_or(F.when(dated & v.rlike(_TS_FRACTION), F.lit(1)).otherwise(F.lit(0)))

    try:
        row = raw.select(*cells).agg(*[e.alias(k) for k, e in extra.items()]).collect()[0]
        src, position, n_rows, _ = number_rows(raw, by_file=True, count_columns=False)
    except Exception as exc:  # noqa: BLE001 - a malformed row (FAILFAST), an unreadable file
        raise DataLoadError(_malformed(files, sep, exc)) from None
    totals = {k: int(row[k] or 0) for k in extra}
    if n_rows == 0:
        n = len(names)
        raise DataLoadError(f"{path}: no data rows (only a header with {n} column{'s' if n != 1 else ''})")
    # each column's type, decided as arrow decides it
    typed, dtypes, counts, wide, pending = [], {}, {}, [], []
    for i, name in enumerate(names):
        t = {k: totals[f"{k}{i}"] for k in ("tok", "empty", "n")}
        fits, frac = totals[f"fits{i}"], totals[f"frac{i}"]
        t.update({k: t["n"] if fits & bit else -1 for k, bit in _BITS.items()})  # -1: not every value fits
        t.update(frac=frac, tzfrac=frac)
        c, is_token = _cell(raw_names[i], tokens.for_column(name))
        v = F.when(~is_token, c)
        n = t["n"]
        if n == 0:
            expr, dtype = v, "object"
        elif t["int"] == n:
            expr, dtype = _cast(F.trim(v), "long"), "int64"
        elif t["bool"] == n:
            expr, dtype = (
                F.when(v.isin(*_BOOL_TRUE), F.lit(True)).when(v.isin(*_BOOL_FALSE), F.lit(False)),
                "bool",
            )
        elif t["date"] == n:
            expr, dtype = _cast(F.trim(v), "timestamp_ntz"), "datetime64[ms]"
        elif t["ts"] == n:
            expr, dtype = _cast(v, "timestamp_ntz"), "datetime64[ns]" if t["frac"] else "datetime64[s]"
        elif t["tz"] == n:
            expr, dtype = (
                _cast(v, "timestamp"),
                "datetime64[ns, UTC]" if t["tzfrac"] else "datetime64[s, UTC]",
            )
        elif t["intlike"] == n:  # integers, some past 64 bits: arrow would round them to floats
            expr, dtype = v, "object"
            wide.append(name)
        elif t["float"] == n:
            x = _cast(F.trim(v), "double")
            expr, dtype = F.when(~F.isnan(x), x), "float64"
        else:
            expr, dtype = v, "object"
        typed.append(expr.alias(name))
        dtypes[name] = dtype
        if t["tok"] and t["tok"] == t["empty"]:
            counts[name] = {"": t["tok"]}
        elif t["tok"]:
            pending.append(i)
    if wide:
        notes.append(
            f"{len(wide)} column(s) hold integers beyond the 64-bit range, kept as text so no digit is lost: "
            + ", ".join(wide[:10])
        )
    if pending:
        counts.update(_breakdown(src, [(names[i], raw_names[i]) for i in pending], tokens))
        counts = {name: counts[name] for name in names if name in counts}
    numbered = src.select(*typed, position.alias(ROW)).persist()
    non_null = {name: totals[f"n{i}"] for i, name in enumerate(names)}
    dtypes = _with_nulls(dtypes, non_null, n_rows)
    engine = SparkEngine(numbered, n_rows, non_null, dtypes=dtypes)
    return engine, notes, counts


#: the types a text value may fit, one bit each (arrow tries them in this order)
_BITS = {"int": 1, "bool": 2, "date": 4, "ts": 8, "tz": 16, "intlike": 32, "float": 64}


def _fits(v: Any) -> Any:
    """The types the text ``v`` fits, as a bit mask of :data:`_BITS` (NULL for a missing cell): one CASE, so
    that a cell meets at most three patterns (free text: two), and a cast runs only where a pattern matched
    (a failing ``try_cast`` costs an exception inside Spark: 356 s for 300k failing casts to long, against 4 s
    for 300k that succeed, measured on this loaded 2-core machine)."""
    from pyspark.sql import functions as F

    def flag(cond: Any, name: str) -> Any:
        return F.when(cond, F.lit(_BITS[name])).otherwise(F.lit(0))

    def parses(pattern: str, to: str) -> Any:  # the cast only where the pattern matched
        return F.when(v.rlike(pattern), _cast(v, to).isNotNull()).otherwise(F.lit(False))

    boolean = flag(v.isin(*_BOOL_TRUE, *_BOOL_FALSE), "bool")
    # up to 18 digits always fit 64 bits; only longer ones are cast (a failed cast is the costly case)
    fits_long = F.when(F.length(F.trim(v)) <= 18, F.lit(True)).otherwise(_cast(v, "long").isNotNull())
    integer = F.lit(_BITS["intlike"] | _BITS["float"]) + flag(fits_long, "int") + boolean
    numeric = F.when(v.rlike(_INT), integer).when(v.rlike(_FLOAT), F.lit(_BITS["float"])).otherwise(F.lit(0))
    dated = (
        flag(parses(_DATE, "date"), "date")
        + flag(parses(_TS, "timestamp_ntz"), "ts")
        + flag(parses(_TS_ZONE, "timestamp"), "tz")
    )
    # the first tests without a regex (each pattern match copies the cell into a Java string: measured the
    # main cost of this pass); leading spaces as arrow allows them, tabs not
    start = F.ltrim(v)
    looks_dated = (F.substring(start, 5, 1) == F.lit("-")) & (F.substring(start, 8, 1) == F.lit("-"))
    looks_numeric = F.substring(start, 1, 1).isin(*_NUMERIC_FIRST)
    return (
        F.when(v.isNull(), F.lit(None))
        .when(looks_dated, dated)  # before numbers: a date starts with digits
        .when(looks_numeric, numeric)
        .otherwise(boolean)
    )


def _cell(raw: str, wanted: frozenset[str]) -> tuple[Any, Any]:
    """(the cell as text, an empty cell as ``''``; whether it is one of the null tokens ``wanted``)."""
    from pyspark.sql import functions as F

    c = F.coalesce(F.col(raw), F.lit(""))  # Spark reads an unquoted empty cell as NULL
    return c, (c.isin(*sorted(wanted)) if wanted else F.lit(False))


def _breakdown(src: Any, columns: list[tuple[str, str]], tokens: Any) -> dict[str, dict[str, int]]:
    """Which token each missing cell was, for the columns that held tokens besides the empty cell: one more
    aggregate job (only for files that spell missing values, as ``NA`` or ``null``)."""
    from pyspark.sql import functions as F

    aggs, keys = [], []
    for name, raw in columns:
        c = F.coalesce(F.col(raw), F.lit(""))
        for token in sorted(tokens.for_column(name)):
            aggs.append(F.count_if(c == F.lit(token)).alias(f"t{len(keys)}"))
            keys.append((name, token))
    row = src.agg(*aggs).collect()[0]
    out: dict[str, dict[str, int]] = {}
    for j, (name, token) in enumerate(keys):
        if row[f"t{j}"]:
            out.setdefault(name, {})[token] = int(row[f"t{j}"])
    return out


def _cast(c: Any, to: str) -> Any:
    from dataaudit.engine.spark import _try_cast

    return _try_cast(c, to)


def _quotes(f: Path) -> int:
    """How many quote characters the file holds, read in 16 MiB chunks (never whole): any, and a value may
    span lines (Spark must then read each file whole, ``multiLine``); an odd number, and one never closes."""
    n = 0
    with f.open("rb") as fh:
        while chunk := fh.read(16 * 1024 * 1024):
            n += chunk.count(b'"')
    return n


def _unterminated(f: Path, sep: str) -> int | None:
    """The line where a quoted value opens and never closes (the pandas loader's test: the file ends with the
    last row's last value, as written, right after an opening quote), or None; not checked for a file over
    256 MiB (a quote inside an unquoted value is text, so an odd count alone proves nothing)."""
    import csv
    import io

    if f.stat().st_size > 256 * 1024 * 1024:
        return None
    data = f.read_bytes()
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""), delimiter=sep)
    start, last = 1, None
    while True:
        begins = reader.line_num + 1
        try:
            row = next(reader, None)
        except csv.Error:
            return begins
        if row is None:
            break
        start, last = begins, row
    if not last or not last[-1]:
        return None
    written = last[-1].replace('"', '""').encode("utf-8")
    at = len(data) - len(written) - 1
    return start if at >= 0 and data.endswith(written) and data[at : at + 1] == b'"' else None
def _sniff(f: Path) -> str:
    from dataaudit.loading.text import _sniff_delimiter

    with f.open("rb") as fh:
        return _sniff_delimiter(fh.read(65536 + 1))


def _header(f: Path, sep: str) -> list[str]:
    """The column names on the first line of ``f`` (a header split by Python's csv reader, BOM stripped)."""
    import csv
    import io

    with f.open("rb") as fh:
        head = fh.read(1024 * 1024)
    if not head.strip():
        raise DataLoadError(f"{f}: file has no data (only whitespace)")
    text = head.decode("utf-8-sig", errors="replace")
    row = next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), None)
    if not row:
        raise DataLoadError(f"{f}: no columns found")
    return row


def _malformed(files: list[Path], sep: str, exc: BaseException) -> str:
    """One line naming the file and, when it can be found, the first ragged line."""
    from dataaudit.loading.text import _ragged_message

    for f in files:
        if f.stat().st_size > 256 * 1024 * 1024:
            continue
        msg = _ragged_message(f.read_bytes(), sep)
        if "line" in msg and "varies" not in msg:
            return f"{f}: {msg}"
    text = str(exc)
    if "MALFORMED" in text.upper() or "Malformed" in text:
        where = files[0] if len(files) == 1 else files[0].parent
        return f"{where}: malformed CSV: a row does not match the header"
    return f"{files[0] if len(files) == 1 else files[0].parent}: cannot read as CSV: {_first_line(exc)}"
