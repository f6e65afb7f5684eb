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

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from dataaudit.engine.base import QUANTILES, ColumnProfile, GroupSummary, Predicate
from dataaudit.engine.spark_base import (
    APPROX_ACCURACY,
    EXACT_QUANTILE_DISTINCT,
    MAX_EXAMPLE_POSITIONS,
    ROW,
    SparkBase,
    col,
)
from dataaudit.engine.spark_counts import ColumnGroups, exact_quantiles
from dataaudit.engine.spark_frames import _nan_to_null, _non_null_counts, number_rows

__all__ = ["EXACT_QUANTILE_DISTINCT", "ROW", "SparkEngine", "col"]


class SparkEngine(SparkBase):
    """A numbered, cached Spark DataFrame. Build it with :meth:`from_dataframe`, :meth:`from_pandas` or
    :func:`dataaudit.engine.spark_load.open_spark`; ``dtypes``: the pandas dtype the pandas loader would give
    each column (inferred from the Spark schema when not given)."""

    name = "spark"

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
            t: T.DataType
            v: pd.Series
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
                # pandas-stubs refuse None as the replacement; pandas puts None where the value is missing
                t, v = T.BooleanType(), s.astype(object).where(s.notna(), None)  # type: ignore[call-overload]
            else:
                t = T.StringType()
                v = s.astype("string").astype(object).where(s.notna(), None)  # type: ignore[call-overload]  # as above
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

    # ------------------------------------------------------------------ profile
    def _profile_columns(self, columns: list[str]) -> dict[str, ColumnProfile]:
        """Three aggregate queries whatever the number of columns: (1) counts, the numbers' min/max/mean/std
        and mean text length of every column; (2) the exact distinct count of every column; (3) the quantiles
        of every column holding numbers. (2) is its own query because Spark computes several distinct counts
        by expanding every row once per column: measured 4× slower with the other aggregates riding along
        than the three queries apart."""
        from pyspark.sql import functions as F

        todo = columns
        profiles: dict[str, ColumnProfile] = {}
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
            grouped = self._column_groups()
            rest = [(i, c) for i, c in enumerate(todo) if c not in grouped.distinct]
            row.update({f"d{i}": grouped.distinct[c] for i, c in enumerate(todo) if c in grouped.distinct})
            if rest:  # columns of other types (decimals): Spark's own distinct count
                distinct = self._df.agg(*[F.count_distinct(col(c)).alias(f"d{i}") for i, c in rest])
                row.update(distinct.collect()[0].asDict())
            quantiles = self._quantiles(todo, row)
            for i, c in enumerate(todo):
                profiles[c] = self._column_profile(c, i, row, quantiles.get(c))
        return profiles

    def _quantiles(self, cols: list[str], row: dict[str, Any]) -> dict[str, tuple[dict[str, float], bool]]:
        """The profile quantiles of every column holding numbers, in one query: exact (``percentile``, linear
        interpolation as ``numpy.quantile``) unless the column has more than EXACT_QUANTILE_DISTINCT distinct
        values, whose map ``percentile`` would hold; then ``percentile_approx`` (relative rank error
        1/APPROX_ACCURACY, a value of the data rather than an interpolation) and ``quantiles_exact=False``."""
        from pyspark.sql import functions as F

        probs = list(QUANTILES.values())
        aggs, exact = [], {}
        grouped = self._column_groups()
        # numeric columns: exact, from the value groups (one window query for all of them)
        numeric = {
            c: int(row[f"k{i}"])
            for i, c in enumerate(cols)
            if self._kinds[c] == "num" and c in grouped.index and row.get(f"k{i}")
        }
        done = exact_quantiles(grouped, numeric, probs) if numeric else {}
        for i, c in enumerate(cols):
            num = self._number(c)
            if num is None or not row.get(f"k{i}") or c in done:
                continue
            exact[c] = (row[f"d{i}"] or 0) <= EXACT_QUANTILE_DISTINCT
            if exact[c]:
                aggs.append(F.percentile(num, F.array(*[F.lit(p) for p in probs])).alias(f"q{i}"))
            else:
                aggs.append(F.percentile_approx(num, probs, APPROX_ACCURACY).alias(f"q{i}"))
        out = {c: (dict(zip(QUANTILES, qs)), True) for c, qs in done.items()}
        if not aggs:
            return out
        got = self._df.agg(*aggs).collect()[0].asDict()
        out.update(
            {
                c: (dict(zip(QUANTILES, (float(q) for q in got[f"q{i}"]))), exact[c])
                for i, c in enumerate(cols)
                if c in exact
            }
        )
        return out

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
    def _column_groups(self) -> ColumnGroups:
        """The value groups of every column, built once (:mod:`dataaudit.engine.spark_counts`)."""
        if self._value_groups is None:
            from dataaudit.engine.stats import MAX_VALUE_COUNTS

            self._value_groups = ColumnGroups(self, list(self._columns), MAX_VALUE_COUNTS)
        return self._value_groups

    def value_counts(self, column: str, limit: int | None = None) -> pd.Series:
        from pyspark.sql import functions as F

        grouped = self._column_groups()
        if column in grouped.index and (
            grouped.complete(column) or (limit is not None and limit <= grouped.fetch_limit)
        ):
            counts = grouped.counts()[column]
            return counts if limit is None else counts.iloc[: int(limit)]
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
        small = kept = None
        if keys:
            # first the rows whose 64-bit hash of the key columns repeats (and, for conflicts, whose hash
            # group holds two labels): a shuffle of hashes, not of the columns' values; the exact grouping
            # below then runs on those candidate rows only (a hash collision adds candidates, never loses one)
            floats = {
                c for c in cols if self._kinds.get(c) == "num" and self._dtypes.get(c, "").startswith("float")
            }
            # x + 0.0 makes -0.0 the +0.0 it equals (the exact grouping treats them as one value)
            parts = [F.col(k) + F.lit(0.0) if c in floats else F.col(k) for c, k in zip(cols, keys)]
            h = F.xxhash64(*parts).alias("_h")
            hashed = keyed.select(h, *keyed.columns)
            if target is None:
                hot = hashed.groupBy("_h").agg(F.count(F.lit(1)).alias("_n")).where(F.col("_n") > 1)
            else:
                hot = hashed.groupBy("_h").agg(F.min("y").alias("_lo"), F.max("y").alias("_hi"))
                hot = hot.where(F.col("_lo") != F.col("_hi"))
            small = hashed.join(hot.select("_h"), on="_h", how="left_semi").drop("_h").persist()
            keyed = small
        try:
            grouped = keyed.groupBy(*keys).agg(*aggs) if keys else keyed.agg(*aggs)
            grouped = grouped.where(F.col("labels") > 1 if target is not None else F.col("n") > 1)
            if target is None:  # the runs, the first groups and their members read the groups: kept once
                grouped = kept = grouped.persist()
            ordered = grouped.orderBy(F.col("n").desc(), F.col("first").asc())
            labels = None
            if target is None:
                # the sizes as (size, how many groups of it), not a row per group: a timestamp of 100M rows
                # has 26M repeated values, which the driver would hold as Row objects
                runs = grouped.groupBy("n").agg(F.count(F.lit(1)).alias("k")).orderBy(F.col("n").desc())
                got = runs.collect()
                sizes = np.repeat(
                    np.array([r["n"] for r in got], dtype=np.int64),
                    np.array([r["k"] for r in got], dtype=np.int64),
                )
                firsts = ordered.select("first").limit(int(limit)).collect() if limit > 0 else []
                top = [int(r["first"]) for r in firsts]
            else:  # each group's label count, in the groups' order (conflicting groups: candidates only)
                got = ordered.select("n", "first", "labels").collect()
                sizes = np.array([r["n"] for r in got], dtype=np.int64)
                labels = np.array([r["labels"] for r in got], dtype=np.int64)
                top = [int(r["first"]) for r in got[: max(int(limit), 0)]]
            examples = self._members(keyed, grouped, keys, top) if top else ()
            return GroupSummary(sizes=sizes, examples=examples, labels=labels)
        finally:
            if kept is not None:
                kept.unpersist()
            if small is not None:
                small.unpersist()

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
        # the range first: the cached table keeps each batch's smallest and largest position, so batches
        # outside it are skipped without being read
        span = self._df
        if len(wanted):
            span = span.where(F.col(ROW).between(int(wanted[0]), int(wanted[-1])))
        if len(wanted) <= 2000:
            picked = span.where(F.col(ROW).isin([int(p) for p in wanted]))
        else:  # a long list: a broadcast join with the positions, not a query text holding them all
            spark = self._df.sparkSession
            pdf = pd.DataFrame({ROW: wanted})
            ids = spark.createDataFrame(pdf, schema=T.StructType([T.StructField(ROW, T.LongType(), False)]))
            picked = span.join(F.broadcast(ids), on=ROW, how="inner")
        exported = picked.select(F.col(ROW), *[self._export(c).alias(f"x{i}") for i, c in enumerate(cols)])
        got = exported.toPandas().set_index(ROW).reindex(pos)
        data = {c: self._values(got[f"x{i}"], c) for i, c in enumerate(cols)}
        return pd.DataFrame(data, columns=cols, index=pd.Index(pos))
