"""Helpers over Spark DataFrames for the spark engine and loader: NaN to NULL, non-null counts, and row
positions in file order (:func:`number_rows`).
"""

from __future__ import annotations

from typing import Any

from dataaudit.engine.spark_base import col


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
