"""Spark types of a :class:`~dataaudit.engine.spark.SparkEngine`: the column kind of a Spark type, the
pandas dtype the pandas loader gives it, and Spark literals for pandas values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

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
        # pandas-stubs take dtype names as literals only; pandas takes any dtype name
        return s.astype(dtype).to_numpy() if "UTC" not in dtype else s.astype(dtype).array  # type: ignore[call-overload]
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
