"""The cluster engine: a Spark DataFrame, queried through pyspark's own DataFrame API (no JVM add-ons, no
pandas-on-Spark). Gives the answers of :class:`~dataaudit.engine.pandas.PandasEngine` (the reference).

How the conventions of :mod:`dataaudit.engine.base` are kept on data without a row order:

- **Row positions**: a column ``__dataaudit_row__`` numbers the rows ``0 … n-1`` once, when the engine is
  built, and the numbered frame is cached (``persist``), so the numbers never change. A file (CSV or Parquet,
  one file or a directory of parts) is numbered in file order: by file name, then byte offset of the split,
  then the order within the split (``monotonically_increasing_id``); a DataFrame (``audit(spark_df)``, a
  catalog table) in its partition order. Both from one aggregate job over (file, split) or partition, without
  a global sort and without the RDD API (so it also works over Spark Connect).
  ``rows(positions)`` and ``sample()`` filter on that column; "first appearance" (value-count ties, group
  order) is the smallest position.
- **Missing**: NULL. A float NaN is made NULL when the engine is built (pandas counts NaN as missing).
- **Few jobs**: :meth:`SparkEngine.profile` is three aggregate queries whatever the number of columns: one
  for counts, min/max/mean/std of the numbers and mean text length, one for the exact distinct counts, one for
  the quantiles (exact ``percentile``, the same linear interpolation as ``numpy.quantile``;
  ``percentile_approx`` only for a column with more than :data:`EXACT_QUANTILE_DISTINCT` distinct values, and
  then ``quantiles_exact=False``). ``count_where`` is one
  ``agg`` for every predicate; ``duplicates``/``conflicts`` a ``groupBy`` on the columns whose examples are
  fetched for the first ``limit`` groups only.
- **Names**: every column is referenced with :func:`col` (backtick-quoted identifier); values are literals
  (``F.lit``), never text pasted into a query.
- **ANSI mode** (Spark 4's default): casts that may fail are ``try_cast`` or guarded by a pattern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from dataaudit.engine.base import QUANTILES, ColumnProfile, Engine, GroupSummary, Predicate

__all__ = ["EXACT_QUANTILE_DISTINCT", "ROW", "SparkEngine", "col"]

#: the row-position column the engine adds (0 … n_rows-1 in file order)
ROW = "__dataaudit_row__"

#: above this many distinct numbers in a column, quantiles are sketched (``percentile_approx`` at
#: :data:`APPROX_ACCURACY`) instead of exact: the exact ``percentile`` keeps a map of every distinct value
EXACT_QUANTILE_DISTINCT = 1_000_000
APPROX_ACCURACY = 1_000_000

#: at most this many row positions per example group (a group of a million identical rows is not shipped)
MAX_EXAMPLE_POSITIONS = 10_000

#: what ``pd.to_numeric`` reads as a number in a text column (finite decimal notation; no ``1d``, ``0x1``,
#: ``1_000`` that Spark's cast would take)
NUMBER_PATTERN = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"


def col(name: str) -> Any:
    """The column ``name`` as a Spark Column, whatever characters the name holds (dots, spaces, quotes,
    backticks): a backtick-quoted identifier, never an expression."""
    from pyspark.sql import functions as F

    return F.col("`" + str(name).replace("`", "``") + "`")


def _try_cast(c: Any, to: str) -> Any:
    """A cast that gives NULL instead of failing (ANSI mode); pyspark < 4 has no ``try_cast`` but runs
    without ANSI by default, where ``cast`` gives NULL."""
    return c.try_cast(to) if hasattr(c, "try_cast") else c.cast(to)


class SparkEngine(Engine):
    """A numbered, cached Spark DataFrame. Build it with :meth:`from_dataframe`, :meth:`from_pandas` or
    :func:`dataaudit.engine.spark_load.open_spark`; ``dtypes``: the pandas dtype the pandas loader would give
    each column (inferred from the Spark schema when not given)."""

    name = "spark"

    def __init__(
        self,
        numbered: Any,
        n_rows: int,
        non_null: Mapping[str, int],
        *,
        dtypes: Mapping[str, str] | None = None,
        reason: str = "",
        cached: Any = None,
    ) -> None:
        self._df = numbered
        self._cached = numbered if cached is None else cached
        self._n_rows = int(n_rows)
        self._columns = [c for c in numbered.columns if c != ROW]
        self._non_null = {c: int(non_null.get(c, 0)) for c in self._columns}
        self._kinds = {f.name: _kind(f.dataType) for f in numbered.schema.fields if f.name != ROW}
        given = dict(dtypes or {})
        self._dtypes = {
            c: given.get(c)
            or _pandas_dtype(self._kinds[c], numbered.schema[c].dataType, self._non_null[c] < n_rows)
            for c in self._columns
        }
        self.reason = reason
        self._profiles: dict[str, ColumnProfile] = {}

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dataframe(
        cls, df: Any, reason: str = "", dtypes: Mapping[str, str] | None = None
    ) -> SparkEngine:
        """A Spark DataFrame as it is (``dataaudit.audit(spark_df)``, a catalog table): rows numbered in
        partition order, float NaN made missing, cached."""
        if ROW in df.columns:
            raise ValueError(f"the DataFrame already has a column named {ROW!r}")
        df = _nan_to_null(df)
        src, position, n_rows, non_null = number_rows(df, by_file=False, cache_source=True)
        numbered = src.select(*[col(c) for c in df.columns], position.alias(ROW))
        return cls(numbered, n_rows, non_null, dtypes=dtypes, reason=reason, cached=src)

    @classmethod
    def from_pandas(cls, frame: pd.DataFrame, session: Any = None, reason: str = "") -> SparkEngine:
        """A pandas frame shipped to Spark (tests; small frames): same columns, same dtypes reported, the
        frame's row order. Naive timestamps become ``timestamp_ntz`` (no time-zone shift); object columns
        holding anything but text or booleans are shipped as their text."""
        from pyspark.sql import types as T

        from dataaudit.engine.spark_load import get_session

        spark = session or get_session()
        fields, data = [], {}
        for i, name in enumerate(frame.columns):
            s = frame.iloc[:, i]
            kind = s.dtype
            if pd.api.types.is_bool_dtype(kind):
                t, v = T.BooleanType(), s
            elif pd.api.types.is_integer_dtype(kind):
                t, v = T.LongType(), s.astype("int64")
            elif pd.api.types.is_float_dtype(kind):
                t, v = T.DoubleType(), s.astype("float64")
            elif isinstance(kind, pd.DatetimeTZDtype):
                t, v = T.TimestampType(), s.dt.tz_convert("UTC")
            elif pd.api.types.is_datetime64_any_dtype(kind):
                t, v = T.TimestampNTZType(), s.astype("datetime64[us]")
            elif pd.api.types.infer_dtype(s, skipna=True) == "boolean":  # booleans with missing values
                t, v = T.BooleanType(), s.astype(object).where(s.notna(), None)
            else:
                t = T.StringType()
                v = s.astype("string").astype(object).where(s.notna(), None)
            fields.append(T.StructField(str(name), t, True))
            data[str(name)] = v.reset_index(drop=True)
        fields.append(T.StructField(ROW, T.LongType(), False))
        data[ROW] = pd.Series(np.arange(len(frame), dtype=np.int64))
        pdf = pd.DataFrame(data)
        sdf = spark.createDataFrame(pdf, schema=T.StructType(fields))
        sdf = _nan_to_null(sdf).persist()
        non_null = _non_null_counts(sdf, [f.name for f in fields[:-1]])
        dtypes = {str(c): str(frame[c].dtype) for c in frame.columns}
        return cls(sdf, len(frame), non_null, dtypes=dtypes, reason=reason)

    # ------------------------------------------------------------------ shape
    @property
    def n_rows(self) -> int:
        return self._n_rows

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    @property
    def dataframe(self) -> Any:
        """The numbered Spark DataFrame (with the position column)."""
        return self._df

    @property
    def dtypes(self) -> dict[str, str]:
        """Column → the pandas dtype the pandas loader would give it."""
        return dict(self._dtypes)

    # ------------------------------------------------------------------ profile
    def profile(self, columns: Sequence[str] | None = None) -> dict[str, ColumnProfile]:
        """Three aggregate queries whatever the number of columns: (1) counts, the numbers' min/max/mean/std
        and mean text length of every column; (2) the exact distinct count of every column; (3) the quantiles
        of every column holding numbers. (2) is its own query because Spark computes several distinct counts
        by expanding every row once per column: measured 4× slower with the other aggregates riding along
        than the three queries apart."""
        from pyspark.sql import functions as F

        wanted = list(columns or self._columns)
        todo = [c for c in wanted if c not in self._profiles]
        if todo:
            aggs: list[Any] = [F.count(F.lit(1)).alias("n")]
            for i, c in enumerate(todo):
                aggs.append(F.count(col(c)).alias(f"c{i}"))
                num = self._number(c)
                if num is not None:
                    aggs += [
                        F.count(num).alias(f"k{i}"),
                        F.min(num).alias(f"lo{i}"),
                        F.max(num).alias(f"hi{i}"),
                        F.avg(num).alias(f"mu{i}"),
                        F.stddev_samp(num).alias(f"sd{i}"),
                    ]
                elif self._kinds[c] in ("ts", "ts_ntz", "date"):
                    aggs += [F.min(self._export(c)).alias(f"lo{i}"), F.max(self._export(c)).alias(f"hi{i}")]
                if self._dtypes[c] == "object" and self._kinds[c] == "str":
                    aggs.append(F.avg(F.char_length(col(c))).alias(f"len{i}"))
            row = self._df.agg(*aggs).collect()[0].asDict()
            distinct = self._df.agg(*[F.count_distinct(col(c)).alias(f"d{i}") for i, c in enumerate(todo)])
            row.update(distinct.collect()[0].asDict())
            quantiles = self._quantiles(todo, row)
            for i, c in enumerate(todo):
                self._profiles[c] = self._column_profile(c, i, row, quantiles.get(c))
        return {c: self._profiles[c] for c in wanted}

    def _quantiles(self, cols: list[str], row: dict[str, Any]) -> dict[str, tuple[dict[str, float], bool]]:
        """The profile quantiles of every column holding numbers, in one query: exact (``percentile``, linear
        interpolation as ``numpy.quantile``) unless the column has more than EXACT_QUANTILE_DISTINCT distinct
        values, whose map ``percentile`` would hold; then ``percentile_approx`` (relative rank error
        1/APPROX_ACCURACY, a value of the data rather than an interpolation) and ``quantiles_exact=False``."""
        from pyspark.sql import functions as F

        probs = list(QUANTILES.values())
        aggs, exact = [], {}
        for i, c in enumerate(cols):
            num = self._number(c)
            if num is None or not row.get(f"k{i}"):
                continue
            exact[c] = (row[f"d{i}"] or 0) <= EXACT_QUANTILE_DISTINCT
            if exact[c]:
                aggs.append(F.percentile(num, F.array(*[F.lit(p) for p in probs])).alias(f"q{i}"))
            else:
                aggs.append(F.percentile_approx(num, probs, APPROX_ACCURACY).alias(f"q{i}"))
        if not aggs:
            return {}
        got = self._df.agg(*aggs).collect()[0].asDict()
        return {
            c: (dict(zip(QUANTILES, (float(q) for q in got[f"q{i}"]))), exact[c])
            for i, c in enumerate(cols)
            if c in exact
        }

    def _column_profile(
        self, c: str, i: int, row: dict[str, Any], quantiles: tuple[dict[str, float], bool] | None
    ) -> ColumnProfile:
        count = int(row[f"c{i}"])
        extra: dict[str, Any] = {}
        if f"k{i}" in row:
            extra["numbers"] = int(row[f"k{i}"])
            if extra["numbers"]:
                extra.update(
                    min=float(row[f"lo{i}"]),
                    max=float(row[f"hi{i}"]),
                    mean=float(row[f"mu{i}"]),
                    std=float(row[f"sd{i}"]) if extra["numbers"] > 1 else 0.0,
                )
                if quantiles is not None:
                    extra["quantiles"], extra["quantiles_exact"] = quantiles
        elif f"lo{i}" in row and row[f"lo{i}"] is not None:
            extra.update(min=self._timestamp(c, row[f"lo{i}"]), max=self._timestamp(c, row[f"hi{i}"]))
        if f"len{i}" in row and row[f"len{i}"] is not None:
            extra["mean_length"] = float(row[f"len{i}"])
        return ColumnProfile(
            name=c,
            dtype=self._dtypes[c],
            count=count,
            missing=self._n_rows - count,
            distinct=int(row[f"d{i}"]),
            **extra,
        )

    # ------------------------------------------------------------------ counts
    def value_counts(self, column: str, limit: int | None = None) -> pd.Series:
        from pyspark.sql import functions as F

        c = col(column)
        grouped = (
            self._df.where(c.isNotNull())
            .groupBy(self._export(column).alias("v"))
            .agg(F.count(F.lit(1)).alias("n"), F.min(ROW).alias("first"))
        )
        tie = F.col("v").asc() if self._by_value(column) else F.col("first").asc()
        ordered = grouped.orderBy(F.col("n").desc(), tie)
        if limit is not None:
            ordered = ordered.limit(int(limit))
        got = ordered.select("v", "n").toPandas()
        index = self._index(got["v"], column)
        return pd.Series(got["n"].to_numpy(dtype=np.int64), index=index, name="count")

    def count_where(self, predicates: Mapping[str, Predicate]) -> dict[str, int]:
        from pyspark.sql import functions as F

        if not predicates:
            return {}
        keys = list(predicates)
        aggs = [F.count_if(self._condition(predicates[k])).alias(f"p{i}") for i, k in enumerate(keys)]
        row = self._df.agg(*aggs).collect()[0]
        return {k: int(row[f"p{i}"] or 0) for i, k in enumerate(keys)}

    def group_counts(self, columns: Sequence[str]) -> pd.DataFrame:
        from pyspark.sql import functions as F

        cols = list(columns)
        keys = [self._export(c).alias(f"g{i}") for i, c in enumerate(cols)]
        got = (
            self._df.groupBy(*keys)
            .agg(F.count(F.lit(1)).alias("n"), F.min(ROW).alias("first"))
            .orderBy(F.col("n").desc(), F.col("first").asc())
            .toPandas()
        )
        out = {c: self._values(got[f"g{i}"], c) for i, c in enumerate(cols)}
        out["count"] = got["n"].to_numpy(dtype=np.int64)
        return pd.DataFrame(out, columns=[*cols, "count"]) if cols else pd.DataFrame(out)

    def duplicates(self, columns: Sequence[str], limit: int = 5) -> GroupSummary:
        return self._groups(self._df, list(columns), None, limit)

    def conflicts(self, features: Sequence[str], target: str, limit: int = 5) -> GroupSummary:
        labelled = self._df.where(col(target).isNotNull())
        return self._groups(labelled, list(features), target, limit)

    def _groups(self, df: Any, cols: list[str], target: str | None, limit: int) -> GroupSummary:
        """Groups of ``df`` equal on ``cols`` (NULL equals NULL): all sizes (and label counts), and the
        positions of the first ``limit`` groups, fetched by a join of those groups' keys back to the rows."""
        from pyspark.sql import functions as F

        keys = [f"g{i}" for i in range(len(cols))]
        keyed = df.select(*[col(c).alias(k) for c, k in zip(cols, keys)], F.col(ROW))
        aggs = [F.count(F.lit(1)).alias("n"), F.min(ROW).alias("first")]
        if target is not None:
            keyed = df.select(
                *[col(c).alias(k) for c, k in zip(cols, keys)], col(target).alias("y"), F.col(ROW)
            )
            aggs.append(F.count_distinct(F.col("y")).alias("labels"))
        grouped = keyed.groupBy(*keys).agg(*aggs) if keys else keyed.agg(*aggs)
        grouped = grouped.where(F.col("labels") > 1 if target is not None else F.col("n") > 1)
        got = (
            grouped.select("n", "first", *(["labels"] if target else []))
            .orderBy(F.col("n").desc(), F.col("first").asc())
            .collect()
        )
        sizes = np.array([r["n"] for r in got], dtype=np.int64)
        labels = np.array([r["labels"] for r in got], dtype=np.int64) if target is not None else None
        examples: tuple[tuple[int, ...], ...] = ()
        top = [int(r["first"]) for r in got[: max(int(limit), 0)]]
        if top:
            examples = self._members(keyed, grouped, keys, top)
        return GroupSummary(sizes=sizes, examples=examples, labels=labels)

    def _members(
        self, keyed: Any, grouped: Any, keys: list[str], firsts: list[int]
    ) -> tuple[tuple[int, ...], ...]:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        chosen = grouped.where(F.col("first").isin(firsts)).select(*keys, F.col("first").alias("grp"))
        rows = keyed.alias("r")
        if keys:
            cond = [F.col(f"r.{k}").eqNullSafe(F.col(f"c.{k}")) for k in keys]
            joined = rows.join(F.broadcast(chosen.alias("c")), on=cond, how="inner")
        else:
            joined = rows.crossJoin(F.broadcast(chosen.alias("c")))
        rank = F.row_number().over(Window.partitionBy("grp").orderBy(F.col("pos")))
        got = (
            joined.select(F.col("grp"), F.col(f"r.{ROW}").alias("pos"))
            .withColumn("k", rank)
            .where(F.col("k") <= MAX_EXAMPLE_POSITIONS)
            .select("grp", "pos")
            .collect()
        )
        members: dict[int, list[int]] = {g: [] for g in firsts}
        for r in got:
            members[int(r["grp"])].append(int(r["pos"]))
        return tuple(tuple(sorted(members[g])) for g in firsts)

    # ------------------------------------------------------------------ rows
    def rows(
        self, positions: Sequence[int] | np.ndarray, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        from pyspark.sql import functions as F
        from pyspark.sql import types as T

        pos = np.asarray(positions, dtype=np.int64)
        cols = list(columns) if columns is not None else list(self._columns)
        wanted = np.unique(pos)
        if len(wanted) <= 2000:
            picked = self._df.where(F.col(ROW).isin([int(p) for p in wanted]))
        else:  # a long list: a broadcast join with the positions, not a query text holding them all
            spark = self._df.sparkSession
            pdf = pd.DataFrame({ROW: wanted})
            ids = spark.createDataFrame(pdf, schema=T.StructType([T.StructField(ROW, T.LongType(), False)]))
            picked = self._df.join(F.broadcast(ids), on=ROW, how="inner")
        exported = picked.select(F.col(ROW), *[self._export(c).alias(f"x{i}") for i, c in enumerate(cols)])
        got = exported.toPandas().set_index(ROW).reindex(pos)
        data = {c: self._values(got[f"x{i}"], c) for i, c in enumerate(cols)}
        return pd.DataFrame(data, columns=cols, index=pd.Index(pos))

    def close(self) -> None:
        import contextlib

        with contextlib.suppress(Exception):  # a stopped session has nothing left to release
            self._cached.unpersist()

    # ------------------------------------------------------------------ expressions
    def _number(self, c: str) -> Any:
        """The finite numbers of column ``c`` as doubles (NULL elsewhere), or None for a column whose profile
        has no numbers (booleans, timestamps): numeric columns as they are, text columns where the text reads
        as a number the way ``pd.to_numeric`` does."""
        from pyspark.sql import functions as F

        kind = self._kinds[c]
        if kind == "num":
            x = col(c).cast("double")
        elif kind == "str" and self._dtypes[c] == "object":
            x = F.when(col(c).rlike(NUMBER_PATTERN), _try_cast(col(c), "double"))
        elif kind == "bool" and self._dtypes[c] == "object":  # booleans with missing values: pandas' object
            x = col(c).cast("double")  # column, whose True/False pd.to_numeric reads as 1/0
        else:
            return None
        return F.when(~F.isnan(x) & (F.abs(x) < F.lit(float("inf"))), x)

    def _distinct_value(self, c: str) -> Any:
        return col(c)

    def _export(self, c: str) -> Any:
        """The column as it is fetched to Python: a tz-aware timestamp as microseconds since the epoch (Spark
        would hand it over shifted to the driver's local time), everything else as it is."""
        from pyspark.sql import functions as F

        if self._kinds[c] == "ts":
            return F.unix_micros(col(c))
        return col(c)

    def _by_value(self, c: str) -> bool:
        """Value-count ties in value order: pandas' own rule for plain number dtypes."""
        dtype = np.dtype(self._dtypes[c]) if self._dtypes[c] in _NUMPY_NUMBERS else None
        return dtype is not None and dtype.kind in "iuf"

    def _timestamp(self, c: str, value: Any) -> Any:
        if value is None:
            return None
        if self._kinds[c] == "ts":
            return pd.Timestamp(int(value), unit="us", tz="UTC")
        return pd.Timestamp(value)

    def _values(self, values: pd.Series, c: str) -> Any:
        """Fetched values (a column of ``toPandas()``) as the pandas loader would hold them (its dtype)."""
        dtype = self._dtypes[c]
        kind = self._kinds[c]
        if kind == "ts":
            micros = pd.array(values.to_numpy(dtype="float64", na_value=np.nan), dtype="Float64").astype(
                "Int64"
            )
            return _as_dtype(pd.to_datetime(pd.Series(micros), unit="us", utc=True), dtype)
        if kind in ("ts_ntz", "date"):
            return _as_dtype(pd.to_datetime(pd.Series(values.to_numpy(dtype=object))), dtype)
        if dtype in _NUMPY_NUMBERS:
            if np.dtype(dtype).kind in "iub" and not values.isna().any():
                return values.to_numpy(dtype=dtype)
            return values.to_numpy(dtype="float64", na_value=np.nan).astype(
                dtype if dtype.startswith("float") else "float64"
            )
        out = values.astype(object).to_numpy()  # text, decimals: as fetched, missing as None
        out[pd.isna(out)] = None
        return out

    def _index(self, values: pd.Series, c: str) -> pd.Index:
        index = pd.Index(self._values(values, c))
        index.name = c
        return index

    def _condition(self, p: Predicate) -> Any:
        from pyspark.sql import functions as F

        c = col(p.column)
        if p.op == "missing":
            return c.isNull()
        if p.op == "present":
            return c.isNotNull()
        kind = self._kinds[p.column]
        if p.op in ("in", "not in"):
            values = _literals_for(kind, self._dtypes[p.column], list(p.value))
            hit = c.isin(values) if values else F.lit(False)
            hit = F.coalesce(hit, F.lit(False))
            return hit if p.op == "in" else (~hit & c.isNotNull())
        if kind in ("ts", "ts_ntz", "date"):
            x, lit = c, (lambda v: _timestamp_literal(kind, v))
        else:
            x = self._comparable_number(p.column)
            lit = lambda v: F.lit(float(v))  # noqa: E731
        if p.op == "outside":
            low, high = p.value
            cond = (x < lit(low)) | (x > lit(high))
        else:
            v = lit(p.value)
            cond = {"<": x < v, "<=": x <= v, ">": x > v, ">=": x >= v}[p.op]
        return F.coalesce(cond, F.lit(False))

    def _comparable_number(self, c: str) -> Any:
        """The column as pandas compares it with a number: numeric as double, text parsed like
        ``pd.to_numeric(errors="coerce")`` (infinities kept), NULL otherwise."""
        from pyspark.sql import functions as F

        kind = self._kinds[c]
        if kind == "num":
            return col(c).cast("double")
        if kind == "bool":
            return col(c).cast("double")
        if kind == "str":
            return F.when(col(c).rlike(NUMBER_PATTERN), _try_cast(col(c), "double"))
        return F.lit(None).cast("double")


_NUMPY_NUMBERS = {
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "bool",
}


def _kind(t: Any) -> str:
    from pyspark.sql import types as T

    if isinstance(t, T.BooleanType):
        return "bool"
    if isinstance(
        t, (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType, T.DoubleType, T.DecimalType)
    ):
        return "num"
    if isinstance(t, T.TimestampNTZType):
        return "ts_ntz"
    if isinstance(t, T.TimestampType):
        return "ts"
    if isinstance(t, T.DateType):
        return "date"
    if isinstance(t, T.StringType):
        return "str"
    return "other"


def _pandas_dtype(kind: str, t: Any, has_nulls: bool) -> str:
    """The dtype pandas (via arrow) gives a column of Spark type ``t``."""
    from pyspark.sql import types as T

    if kind == "bool":
        return "object" if has_nulls else "bool"
    if kind == "num":
        if isinstance(t, T.DecimalType):
            return "object"
        if isinstance(t, (T.FloatType,)):
            return "float32"
        if isinstance(t, T.DoubleType) or has_nulls:
            return "float64"
        return {T.ByteType: "int8", T.ShortType: "int16", T.IntegerType: "int32"}.get(type(t), "int64")
    if kind == "ts_ntz":
        return "datetime64[us]"
    if kind == "ts":
        return "datetime64[us, UTC]"
    if kind == "date":
        return "datetime64[ms]"
    return "object"


def _as_dtype(s: pd.Series, dtype: str) -> Any:
    try:
        return s.astype(dtype).to_numpy() if "UTC" not in dtype else s.astype(dtype).array
    except (TypeError, ValueError):
        return s.to_numpy()


def _literals_for(kind: str, dtype: str, values: list[Any]) -> list[Any]:
    """The values of an ``in`` predicate that can equal a value of the column (pandas' ``isin`` compares by
    Python equality: the text "1" never equals the number 1); typed so that Spark compares without a cast."""
    from pyspark.sql import functions as F

    out: list[Any] = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            continue
        if kind == "str" and isinstance(v, str):
            out.append(F.lit(v))
        elif (
            kind == "num" and isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        ):
            out.append(
                F.lit(float(v)).cast("double") if isinstance(v, (float, np.floating)) else F.lit(int(v))
            )
        elif kind == "bool" and isinstance(v, (bool, np.bool_)):
            out.append(F.lit(bool(v)))
        elif kind in ("ts", "ts_ntz", "date") and isinstance(
            v, (dt.datetime, dt.date, pd.Timestamp, np.datetime64)
        ):
            out.append(_timestamp_literal(kind, v))
    return out


def _timestamp_literal(kind: str, value: Any) -> Any:
    """A timestamp literal that does not depend on the session's time zone: written out as ISO text (with
    its offset when it has one) and cast."""
    from pyspark.sql import functions as F

    ts = pd.Timestamp(value)
    if kind == "ts":
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        return F.lit(ts.strftime("%Y-%m-%d %H:%M:%S.%f") + "+00:00").cast("timestamp")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return F.lit(ts.strftime("%Y-%m-%d %H:%M:%S.%f")).cast("timestamp_ntz")


def _nan_to_null(df: Any) -> Any:
    """Float NaN as NULL: missing, as pandas counts it."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    floats = {f.name for f in df.schema.fields if isinstance(f.dataType, (T.FloatType, T.DoubleType))}
    if not floats:
        return df
    return df.select(
        *[
            F.when(~F.isnan(col(f.name)), col(f.name)).alias(f.name) if f.name in floats else col(f.name)
            for f in df.schema.fields
        ]
    )


def _non_null_counts(df: Any, cols: list[str]) -> dict[str, int]:
    from pyspark.sql import functions as F

    if not cols:
        return {}
    row = df.agg(*[F.count(col(c)).alias(f"c{i}") for i, c in enumerate(cols)]).collect()[0]
    return {c: int(row[f"c{i}"]) for i, c in enumerate(cols)}


def number_rows(df: Any, by_file: bool, cache_source: bool = False, count_columns: bool = True) -> Any:
    """Number the rows of ``df`` in one aggregate job. Returns ``(source, position, n_rows, non_null)``:
    ``source`` is ``df`` with the helper columns the ``position`` expression (a Column giving each row's
    position) reads, ``non_null`` the non-null count of each column of ``df`` (when ``count_columns``).

    Rows are grouped by where they come from: ``by_file``, by (file name, byte offset of the split) — file
    order, whatever order Spark packed the splits in; else by partition. Within a group rows keep their order,
    which ``monotonically_increasing_id`` (partition id × 2³³ + index) preserves. ``cache_source``: cache
    ``source`` before counting (a DataFrame whose partitions might come out differently when recomputed);
    a file scan is read the same way every time and need not be."""
    from pyspark.sql import functions as F

    cols = list(df.columns)
    if by_file:
        src = df.select(
            "*", F.col("_metadata.file_path").alias(_F), F.col("_metadata.file_block_start").alias(_B)
        )
        keys = [_F, _B]
    else:
        src = df.select("*", F.spark_partition_id().alias(_P))
        keys = [_P]
    src = src.withColumn(_M, F.monotonically_increasing_id())
    if cache_source:
        src = src.persist()
    aggs = [F.count(F.lit(1)).alias("__n"), F.min(_M).alias("__m")]
    if count_columns:
        aggs += [F.count(col(c)).alias(f"__c{i}") for i, c in enumerate(cols)]
    got = src.groupBy(*keys).agg(*aggs).collect()
    got.sort(key=lambda r: tuple(r[k] for k in keys))
    deltas, offset = [], 0
    for r in got:
        deltas.append((tuple(r[k] for k in keys), offset - int(r["__m"])))
        offset += int(r["__n"])
    non_null = {c: sum(int(r[f"__c{i}"]) for r in got) for i, c in enumerate(cols)} if count_columns else {}
    if by_file:
        pairs = [x for (f, b), d in deltas for x in (F.lit(f"{f}\x00{b}"), F.lit(d))]
        key = F.concat(F.col(_F), F.lit("\x00"), F.col(_B).cast("string"))
    else:
        pairs = [x for (p,), d in deltas for x in (F.lit(p), F.lit(d))]
        key = F.col(_P)
    position = (F.col(_M) + F.create_map(*pairs)[key]) if pairs else F.col(_M)
    return src, position.cast("long"), offset, non_null


_F, _B, _P, _M = "__dataaudit_file__", "__dataaudit_block__", "__dataaudit_part__", "__dataaudit_mono__"
