"""The state of a :class:`~dataaudit.engine.spark.SparkEngine` (a numbered DataFrame, its non-null counts
and pandas dtypes) with the column expressions its operations share, and the engine's constants.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from dataaudit.engine.base import Engine, Predicate
from dataaudit.engine.spark_types import (
    _NUMPY_NUMBERS,
    _as_dtype,
    _kind,
    _literals_for,
    _pandas_dtype,
    _timestamp_literal,
)

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


class SparkBase(Engine):
    """State and shared expressions of :class:`~dataaudit.engine.spark.SparkEngine` (which see)."""

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
        self._value_groups: Any = None  # the value groups of every column (spark_counts.ColumnGroups), once

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

    def close(self) -> None:
        import contextlib

        with contextlib.suppress(Exception):  # a stopped session has nothing left to release
            if self._value_groups is not None:
                self._value_groups.release()
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
