"""Value counts of every column of a :class:`~dataaudit.engine.spark.SparkEngine` in one grouping, instead of
one ``groupBy`` job per column.

Every row is exploded into one record per column, ``(ci, value)``, the value in the typed slot of its kind
(text, long, double, boolean, timestamp_ntz, date), and grouped: ``(ci, value) → rows, first position``.
That table (:class:`ColumnGroups`) is cached once and answers

- the exact distinct count of every column (the profile's ``distinct``; Spark's own ``count(DISTINCT)`` of
  many columns expands every row once per column as well, and then the value counts group it all again);
- the value counts of every column, most frequent first with the engine's tie rule, the first
  :data:`~dataaudit.engine.stats.MAX_VALUE_COUNTS` of each (what :class:`~dataaudit.engine.stats.EngineStats`
  asks for at most): one window-ranked fetch for the columns with more distinct values than that, one plain
  fetch for the others, both over the cached groups.

Columns of other types (decimals, nested…) are left out and counted one by one as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dataaudit.engine.spark_base import ROW, col

#: the typed slots of a grouped value (one is set per record), by the column kinds that use them
_SLOTS = {"s": "string", "l": "bigint", "d": "double", "b": "boolean", "t": "timestamp_ntz", "dt": "date"}


def slot(engine: Any, c: str) -> str | None:
    """The slot column ``c``'s values are grouped in, or None (counted on its own)."""
    from pyspark.sql import types as T

    kind = engine._kinds[c]
    t = engine._df.schema[c].dataType
    if kind == "str":
        return "s"
    if kind == "bool":
        return "b"
    if kind == "ts":
        return "l"  # as exported: microseconds since the epoch
    if kind == "ts_ntz":
        return "t"
    if kind == "date":
        return "dt"
    if kind == "num":
        if isinstance(t, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
            return "l"
        if isinstance(t, (T.FloatType, T.DoubleType)):
            return "d"
    return None


class ColumnGroups:
    """The cached ``(ci, value) → n, first`` groups of ``columns`` of ``engine`` (see the module)."""

    def __init__(self, engine: Any, columns: list[str], fetch_limit: int) -> None:
        from pyspark.sql import functions as F

        self.engine = engine
        self.columns = [c for c in columns if slot(engine, c) is not None]
        self.index = {c: i for i, c in enumerate(self.columns)}
        self.fetch_limit = int(fetch_limit)
        self._counts: dict[str, pd.Series] | None = None
        self.distinct: dict[str, int] = {}
        if not self.columns:
            self.groups = None
            return
        elements = []
        for i, c in enumerate(self.columns):
            s = slot(engine, c)
            value = engine._export(c)
            fields = [F.lit(i).alias("ci")]
            for name, kind in _SLOTS.items():
                fields.append((value.cast(kind) if name == s else F.lit(None).cast(kind)).alias(name))
            elements.append(F.when(col(c).isNotNull(), F.struct(*fields)))
        exploded = (
            engine._df.select(F.col(ROW), F.explode(F.array(*elements)).alias("e"))
            .where(F.col("e").isNotNull())
            .select("e.*", F.col(ROW))
        )
        self.groups = (
            exploded.groupBy("ci", *_SLOTS)
            .agg(F.count(F.lit(1)).alias("n"), F.min(ROW).alias("first"))
            .persist()
        )
        got = self.groups.groupBy("ci").agg(F.count(F.lit(1)).alias("k")).collect()
        by_ci = {int(r["ci"]): int(r["k"]) for r in got}
        self.distinct = {c: by_ci.get(i, 0) for i, c in enumerate(self.columns)}

    def counts(self) -> dict[str, pd.Series]:
        """The value counts of every grouped column (at most ``fetch_limit`` values each), fetched once
        (then the cached groups are released)."""
        if self._counts is None:
            self._counts = self._fetch()
            self.release()
        return self._counts

    def complete(self, c: str) -> bool:
        """Whether the fetched counts of ``c`` hold every distinct value."""
        return self.distinct.get(c, 0) <= self.fetch_limit

    def release(self) -> None:
        if self.groups is not None:
            import contextlib

            with contextlib.suppress(Exception):
                self.groups.unpersist()

    def _fetch(self) -> dict[str, pd.Series]:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        if self.groups is None:
            return {}
        engine = self.engine
        many = [self.index[c] for c in self.columns if not self.complete(c)]
        few = [self.index[c] for c in self.columns if self.complete(c)]
        parts = []
        if few:
            parts.append(self.groups.where(F.col("ci").isin(few)))
        if many:
            by_value = [self.index[c] for c in self.columns if engine._by_value(c)]
            is_by_value = F.col("ci").isin(by_value) if by_value else F.lit(False)
            order = [
                F.col("n").desc(),
                F.when(is_by_value, F.col("d")).asc_nulls_last(),
                F.when(is_by_value, F.col("l")).asc_nulls_last(),
                F.col("first").asc(),
            ]
            rank = F.row_number().over(Window.partitionBy("ci").orderBy(*order))
            ranked = self.groups.where(F.col("ci").isin(many)).withColumn("_r", rank)
            parts.append(ranked.where(F.col("_r") <= self.fetch_limit).drop("_r"))
        query = parts[0] if len(parts) == 1 else parts[0].unionByName(parts[1])
        import pyarrow as pa

        got = query.toArrow() if hasattr(query, "toArrow") else None
        if got is None:  # pyspark < 4: through pandas (a long slot with other columns' NULLs is float64)
            got = pa.Table.from_pandas(query.toPandas(), preserve_index=False)
        ci = got.column("ci").to_numpy()
        out: dict[str, pd.Series] = {}
        for c in self.columns:
            i = self.index[c]
            part = got.filter(pa.array(ci == i))
            s = slot(engine, c)
            assert s is not None
            raw = part.column(s).to_pandas()
            n = part.column("n").to_numpy().astype(np.int64)
            if engine._by_value(c):
                order = np.lexsort((raw.to_numpy(), -n))
            else:
                order = np.lexsort((part.column("first").to_numpy().astype(np.int64), -n))
            values = (
                pd.Series(raw.to_numpy()[order])
                if s != "dt"
                else pd.Series(raw.to_numpy(dtype=object)[order])
            )
            index = engine._index(values, c)
            out[c] = pd.Series(n[order], index=index, name="count")
        return out


def exact_quantiles(
    groups: ColumnGroups, wanted: dict[str, int], probs: list[float]
) -> dict[str, list[float]]:
    """Exact quantiles (``numpy.quantile``'s linear interpolation) of the numeric columns ``wanted``
    (column → how many finite numbers it holds), from the cached groups in one query: each column's values
    in order with their running row counts, keeping only the groups that hold the ranks the quantiles need.
    Infinities are left out, as the profile leaves them out."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if groups.groups is None:
        return {}
    ranks: dict[str, list[tuple[int, int, float]]] = {}
    conds = []
    for c, k in wanted.items():
        if c not in groups.index or k <= 0:
            continue
        need = []
        for p in probs:
            h = p * (k - 1)
            lo = int(np.floor(h))
            need.append((lo, min(lo + 1, k - 1), h - lo))
        ranks[c] = need
        wanted_ranks = sorted({r for lo, hi, _ in need for r in (lo, hi)})
        hit = F.lit(False)
        for r in wanted_ranks:
            hit = hit | ((F.col("prev") <= F.lit(r)) & (F.col("cum") > F.lit(r)))
        conds.append((F.col("ci") == F.lit(groups.index[c])) & hit)
    if not ranks:
        return {}
    cis = [groups.index[c] for c in ranks]
    x = F.coalesce(F.col("d"), F.col("l").cast("double"))
    values = groups.groups.where(F.col("ci").isin(cis)).select("ci", x.alias("x"), "n")
    values = values.where(F.abs(F.col("x")) < F.lit(float("inf")))
    w = Window.partitionBy("ci").orderBy("x").rowsBetween(Window.unboundedPreceding, Window.currentRow)
    cum = values.withColumn("cum", F.sum("n").over(w)).withColumn("prev", F.col("cum") - F.col("n"))
    hit_any = conds[0]
    for cond in conds[1:]:
        hit_any = hit_any | cond
    got = cum.where(hit_any).select("ci", "x", "prev", "cum").collect()
    by_ci: dict[int, list[tuple[int, int, float]]] = {}
    for r in got:
        by_ci.setdefault(int(r["ci"]), []).append((int(r["prev"]), int(r["cum"]), float(r["x"])))
    out: dict[str, list[float]] = {}
    for c, need in ranks.items():
        rows = sorted(by_ci.get(groups.index[c], []))

        def at(rank: int, rows: list[tuple[int, int, float]] = rows) -> float:
            for prev, cum, value in rows:
                if prev <= rank < cum:
                    return value
            raise KeyError(rank)

        # numpy's own interpolation between the two neighbours (its rounding, not a re-derivation)
        out[c] = [float(np.quantile(np.array([at(lo), at(hi)]), t)) for lo, hi, t in need]
    return out
