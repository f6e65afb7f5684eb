"""How a :class:`~dataaudit.engine.duckdb.DuckDBEngine` stores each column kind and gives it back:
pandas <-> Arrow for a frame's columns, the loader's pandas dtypes for results, SQL literals and parameters.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


# ---------------------------------------------------------------------- types
def _frame_column(s: pd.Series) -> tuple[Any, str, str]:
    """(an Arrow array for DuckDB, the pandas dtype, the kind) of one frame column."""
    import pyarrow as pa

    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        s = s.astype(dtype.categories.dtype if dtype.categories.dtype != object else object)
        dtype = s.dtype
    if not isinstance(dtype, np.dtype) and (
        pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype)
    ):  # pandas' nullable Int64 / Float64: numbers with <NA>
        x = s.to_numpy(dtype=np.float64, na_value=np.nan)
        if pd.api.types.is_integer_dtype(dtype) and not np.isnan(x).any():
            return pa.array(s.to_numpy(dtype=np.int64)), str(dtype), "int"
        return pa.array(x, pa.float64(), mask=np.isnan(x)), str(dtype), "float"
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, np.dtype):  # nullable boolean
        values = s.astype(object).where(s.notna(), None)  # type: ignore[call-overload]  # stubs reject None; pandas takes it
        return pa.array(values.tolist(), pa.bool_()), str(dtype), "bool"  # booleans: no numbers, as pandas
    if pd.api.types.is_bool_dtype(dtype) and isinstance(dtype, np.dtype):
        return pa.array(s.to_numpy(), pa.bool_()), str(dtype), "bool"
    if pd.api.types.is_integer_dtype(dtype) and isinstance(dtype, np.dtype):
        return pa.array(s.to_numpy().astype(np.int64), pa.int64()), str(dtype), "int"
    if pd.api.types.is_float_dtype(dtype) and isinstance(dtype, np.dtype):
        x = s.to_numpy().astype(np.float64)
        return pa.array(x, pa.float64(), mask=np.isnan(x)), str(dtype), "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return pa.array(s, from_pandas=True), str(dtype), "datetime"
    values = s.astype(object).where(s.notna(), None)  # type: ignore[call-overload]  # stubs reject None; pandas takes it
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred == "boolean":
        return pa.array(values.tolist(), pa.bool_()), str(dtype), "objbool"
    if inferred == "time":
        return pa.array(values.tolist(), pa.time64("us")), str(dtype), "time"
    if inferred not in ("string", "empty"):
        values = values.map(lambda v: v if v is None else str(v))
    return pa.array(values.tolist(), pa.string()), str(dtype), "text"


def _numpy_number(dtype: str) -> bool:
    try:
        return np.dtype(dtype).kind in "iuf"
    except TypeError:  # a pandas extension dtype (Int64, Float64)
        return False


def _as_dtype(s: pd.Series, dtype: str, kind: str) -> pd.Series:
    """A column fetched from DuckDB (through Arrow) with the dtype the pandas loader gives."""
    if kind == "objbool":
        out = s.astype(object).where(s.notna(), None)  # type: ignore[call-overload]  # stubs reject None; pandas takes it
        return out if dtype == "object" else out.astype(pd.api.types.pandas_dtype(dtype))
    if kind == "decimal":  # arrow gives Decimal objects, as the pandas loader has them
        return s.astype(object).where(s.notna(), None)  # type: ignore[call-overload]  # stubs reject None; pandas takes it
    if kind == "text" or kind == "time":
        out = s.astype(object) if s.dtype != object else s
        return out.astype(pd.api.types.pandas_dtype(dtype)) if dtype not in ("object",) else out
    if kind == "datetime":
        if getattr(s.dtype, "tz", None) is None and not pd.api.types.is_datetime64_any_dtype(s.dtype):
            s = pd.to_datetime(s, utc="," in dtype)
        target = pd.api.types.pandas_dtype(dtype)
        tz = getattr(target, "tz", None)
        if tz is not None:
            s = s.dt.tz_convert(tz) if getattr(s.dtype, "tz", None) is not None else s.dt.tz_localize(tz)
        return s.astype(target)
    if str(s.dtype) != dtype:
        try:
            return s.astype(pd.api.types.pandas_dtype(dtype))
        except (ValueError, TypeError):
            return s
    return s


def _timestamp_param(value: Any) -> Any:
    ts = pd.Timestamp(value)
    return ts.to_pydatetime()


def _list_for(kind: str, dtype: str, values: list[Any]) -> tuple[str, list[Any]]:
    """The SQL list type and the values of an ``in`` predicate that can equal a value of the column."""
    if kind in ("int", "float", "objbool"):
        nums = [
            float(v)
            for v in values
            if isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v)
        ]
        return "DOUBLE", nums
    if kind == "bool":
        return "BOOLEAN", [bool(v) for v in values if isinstance(v, (bool, np.bool_))]
    if kind == "datetime":
        out = []
        for v in values:
            try:
                out.append(_timestamp_param(v))
            except (ValueError, TypeError):
                continue
        return ("TIMESTAMPTZ" if "," in dtype else "TIMESTAMP"), [
            v for v in out if v is not None and v is not pd.NaT
        ]
    if kind == "time":
        import datetime as dt

        return "TIME", [v for v in values if isinstance(v, dt.time)]
    return "VARCHAR", [v for v in values if isinstance(v, str)]
