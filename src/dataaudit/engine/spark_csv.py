"""CSV/TSV for the spark engine: read with every column as text, then typed the way
:func:`dataaudit.loading.load` types a file (pyarrow's inference) in one aggregate job that also numbers
the rows. Part of :mod:`dataaudit.engine.spark_load`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dataaudit.engine.spark_parquet import _with_nulls
from dataaudit.engine.spark_session import _first_line
from dataaudit.errors import DataLoadError

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
#: the plain shapes of :func:`_fits`' fast paths (each a strict subset of what the full tests accept)
_PLAIN_INT = r"^-?[0-9]+$"
_PLAIN_FLOAT = r"^-?[0-9]*\.[0-9]+$"
_PLAIN_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PLAIN_TS = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}$"


def _open_csv(
    spark: Any, path: Path, files: list[Path], kind: str, tokens: Any
) -> tuple[Any, list[str], dict[str, dict[str, int]]]:
    from pyspark.sql import types as T

    from dataaudit.engine.spark import ROW, SparkEngine
    from dataaudit.engine.spark_frames import number_rows

    sep = "\t" if kind == "tsv" else _sniff(files[0])
    header = _header(files[0], sep)
    import pandas as pd

    from dataaudit.loading.columns import _clean_columns

    notes: list[str] = []
    names = list(_clean_columns(pd.DataFrame(columns=header), notes).columns)
    raw_names = [f"c{i}" for i in range(len(names))]
    schema = T.StructType([T.StructField(n, T.StringType(), True) for n in raw_names])
    quoted = _check_quotes(files, sep)
    raw = _read_text(spark, files, schema, sep, quoted)
    cells, extra = _scan_terms(names, raw_names, tokens)
    try:
        row = raw.select(*cells).agg(*[e.alias(k) for k, e in extra.items()]).collect()[0]
        src, position, n_rows, _ = number_rows(raw, by_file=True, count_columns=False)
    except Exception as exc:  # noqa: BLE001 - a malformed row (FAILFAST), an unreadable file
        raise DataLoadError(_malformed(files, sep, exc)) from None
    totals = {k: int(row[k] or 0) for k in extra}
    if n_rows == 0:
        n = len(names)
        raise DataLoadError(f"{path}: no data rows (only a header with {n} column{'s' if n != 1 else ''})")
    typed, dtypes, counts, wide, pending = _type_columns(names, raw_names, totals, tokens)
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


def _check_quotes(files: list[Path], sep: str) -> bool:
    """Whether any file holds a quote; raises on a quoted value that never closes."""
    quotes = [_quotes(f) for f in files]
    for f, n in zip(files, quotes):
        # a quoted value that never closes: Spark would read the rest of the file into it, silently
        line = _unterminated(f, sep) if n % 2 else None
        if line is not None:
            raise DataLoadError(
                f"{f}: unterminated quote: the quoted value that starts on line {line} never closes"
            )
    return any(quotes)


def _read_text(spark: Any, files: list[Path], schema: Any, sep: str, multiline: bool) -> Any:
    """Spark's CSV reader over the files, every column as text, failing on a malformed row."""
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


def _scan_terms(names: list[str], raw_names: list[str], tokens: Any) -> tuple[list[Any], dict[str, Any]]:
    """The projected cell tests and the aggregates of the one scan over the text."""
    from pyspark.sql import functions as F

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
        fraction = dated & v.contains(".") & v.rlike(_TS_FRACTION)  # the cheap test first
        extra[f"frac{i}"] = F.bit_or(F.when(fraction, F.lit(1)).otherwise(F.lit(0)))
    return cells, extra


def _type_columns(
    names: list[str], raw_names: list[str], totals: dict[str, int], tokens: Any
) -> tuple[list[Any], dict[str, str], dict[str, dict[str, int]], list[str], list[int]]:
    """Each column's typed expression and dtype, decided as arrow decides it; the null tokens that are all
    empty cells, the columns kept as text for their wide integers and those whose tokens need a breakdown."""
    from pyspark.sql import functions as F

    typed, dtypes, counts, wide, pending = [], {}, {}, [], []
    for i, name in enumerate(names):
        t = {k: totals[f"{k}{i}"] for k in ("tok", "empty", "n")}
        fits, frac = totals[f"fits{i}"], totals[f"frac{i}"]
        t.update({k: t["n"] if fits & bit else -1 for k, bit in _BITS.items()})  # -1: not every value fits
        t.update(frac=frac, tzfrac=frac)
        c, is_token = _cell(raw_names[i], tokens.for_column(name))
        v = F.when(~is_token, c)
        expr, dtype, is_wide = _column_type(v, t)
        if is_wide:
            wide.append(name)
        typed.append(expr.alias(name))
        dtypes[name] = dtype
        if t["tok"] and t["tok"] == t["empty"]:
            counts[name] = {"": t["tok"]}
        elif t["tok"]:
            pending.append(i)
    return typed, dtypes, counts, wide, pending


def _column_type(v: Any, t: dict[str, int]) -> tuple[Any, str, bool]:
    """The first type (arrow's order) every value fits: the typed expression, its dtype, and whether the
    column holds integers past 64 bits (kept as text)."""
    from pyspark.sql import functions as F

    n = t["n"]
    wide = False
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
        wide = True
    elif t["float"] == n:
        x = _cast(F.trim(v), "double")
        expr, dtype = F.when(~F.isnan(x), x), "float64"
    else:
        expr, dtype = v, "object"
    return expr, dtype, wide


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
    # fast paths first, for the plain shapes most cells have (one short regex each, and for dates one cast
    # that succeeds): what the full tests below give those cells, without their regexes and failing casts
    plain_int = v.rlike(_PLAIN_INT)
    int_bits = F.lit(_BITS["intlike"] | _BITS["float"] | _BITS["int"]) + flag(
        v.isin(*_BOOL_TRUE, *_BOOL_FALSE), "bool"
    )
    plain_ts = v.rlike(_PLAIN_TS) & _cast(v, "timestamp_ntz").isNotNull()
    plain_date = v.rlike(_PLAIN_DATE) & _cast(v, "date").isNotNull()
    return (
        F.when(v.isNull(), F.lit(None))
        .when(plain_int & (F.length(v) <= 18), int_bits)
        .when(v.rlike(_PLAIN_FLOAT), F.lit(_BITS["float"]))
        .when(plain_ts, F.lit(_BITS["ts"]))
        .when(plain_date, F.lit(_BITS["date"] | _BITS["ts"]))
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

    aggs: list[Any] = []  # pyspark Columns
    keys: list[tuple[str, str]] = []
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
    from dataaudit.engine.spark_base import _try_cast

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
