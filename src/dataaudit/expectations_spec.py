"""The ``expectations:`` block of ``dataaudit.yaml``: rules declared per column, and/or an existing Great
Expectations suite. Validated with pydantic when the config loads (a bad declaration is a ``ConfigError``,
exit 2); the ``consistency.expectations`` check turns it into GX expectations and runs them.

```yaml
expectations:
  columns:
    application_id: {not_null: true, unique: true, regex: '^APP-\\d{7}$'}
    age: {type: integer, min: 18, max: 100}
    gender: {allowed: [Female, Male, Non-binary]}
    credit_score: {min: 300, max: 850, mostly: 0.99, severity: warn}
    notes:                      # listed alone: the column must exist
  suite: expectations/loans.json  # a GX 1.x expectation suite (JSON), relative to dataaudit.yaml
```

This module imports nothing heavy: great_expectations is imported by the check, only when the block is set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

__all__ = ["TYPE_NAMES", "ColumnRules", "ExpectationsSpec", "SuiteSpec", "fields_at"]

MAX_SUITE_BYTES = 1024 * 1024
_EXPECTATION_NAME = re.compile(r"^expect_[a-z0-9_]+$")

# declared ``type`` → the names GX's ExpectColumnValuesToBeInTypeList accepts for it: numpy/pandas dtype
# names for typed columns, and Python type names, which GX checks value by value in an object column. (GX
# 1.24 matches neither a bare "Int64", pyarrow strings, categoricals nor tz-aware datetimes; the check hands
# it tz-aware columns as naive UTC.)
_INTEGERS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
_NULLABLE_INTEGERS = ("Int8Dtype", "Int16Dtype", "Int32Dtype", "Int64Dtype")
_NULLABLE_UNSIGNED = ("UInt8Dtype", "UInt16Dtype", "UInt32Dtype", "UInt64Dtype")
_DATETIMES = ("datetime64", "datetime64[ns]", "datetime64[us]", "datetime64[ms]", "datetime64[s]")
TYPE_NAMES: dict[str, tuple[str, ...]] = {
    "integer": (*_INTEGERS, *_NULLABLE_INTEGERS, *_NULLABLE_UNSIGNED, "int"),
    "float": ("float16", "float32", "float64", "Float32Dtype", "Float64Dtype", "float"),
    "string": ("str", "StringDtype"),
    "boolean": ("bool", "BooleanDtype"),
    "datetime": (*_DATETIMES, "Timestamp", "datetime"),
}
TYPE_NAMES["number"] = TYPE_NAMES["integer"] + TYPE_NAMES["float"]

ColumnType = Literal["integer", "float", "number", "string", "boolean", "datetime"]


class ColumnRules(BaseModel):
    """What one column must satisfy. Listing a column at all means it must exist."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: ColumnType | None = Field(None, description="the column's type, checked against its dtype")
    not_null: bool = Field(False, description="no missing values")
    unique: bool = Field(False, description="no repeated values")
    allowed: tuple[bool | int | float | str, ...] | None = Field(None, description="the allowed values")
    min: float | None = Field(None, description="smallest allowed value (inclusive)")
    max: float | None = Field(None, description="largest allowed value (inclusive)")
    regex: str | None = Field(None, description="a regular expression every value must match")
    mostly: float = Field(1.0, gt=0, le=1, description="share of values that must comply (default all)")
    severity: Literal["warn", "fail"] = Field("fail", description="what a broken rule means for the verdict")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"invalid regular expression ({exc})") from None
        return v

    @field_validator("allowed")
    @classmethod
    def _not_empty(cls, v: tuple | None) -> tuple | None:
        if v is not None and not v:
            raise ValueError("allowed must list at least one value")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> ColumnRules:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is greater than max ({self.max:g})")
        return self


class SuiteSpec(BaseModel):
    """An existing GX expectation suite: each expectation's ``type`` and ``kwargs`` (GX 1.x JSON; the 0.x
    key ``expectation_type`` is read too). Given in the config as a path to the JSON file, which is read
    when the config loads; ``path`` keeps where it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str | None = None
    name: str = "suite"
    expectations: tuple[dict[str, Any], ...]

    @field_validator("expectations", mode="before")
    @classmethod
    def _shape(cls, v: Any) -> Any:
        if not isinstance(v, Sequence) or isinstance(v, (str, bytes)):
            raise ValueError("expected a list of expectations")
        out = []
        for i, item in enumerate(v, 1):
            if not isinstance(item, Mapping):
                raise ValueError(f"expectation {i} is not a mapping")
            name = item.get("type", item.get("expectation_type"))
            if not isinstance(name, str) or not _EXPECTATION_NAME.match(name):
                raise ValueError(
                    f"expectation {i}: 'type' must name a GX expectation (expect_...), got {name!r}"
                )
            kwargs = item.get("kwargs", {})
            if not isinstance(kwargs, Mapping):
                raise ValueError(f"expectation {i} ({name}): 'kwargs' must be a mapping")
            meta = item.get("meta") or {}
            meta = dict(meta) if isinstance(meta, Mapping) else {}
            out.append({"type": name, "kwargs": dict(kwargs), "meta": meta})
        if not out:
            raise ValueError("the suite has no expectations")
        return out


class ExpectationsSpec(BaseModel):
    """The ``expectations:`` block: ``columns`` (name → rules, or nothing for "must exist") and/or
    ``suite`` (a path to a GX suite JSON, relative to the config file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, ColumnRules] = Field(default_factory=dict, description="rules per column")
    suite: SuiteSpec | None = Field(None, description="a GX expectation suite JSON file")

    @field_validator("columns", mode="before")
    @classmethod
    def _presence_only(cls, v: Any) -> Any:
        """``notes:`` with nothing after it (YAML null) means "notes must exist"."""
        if isinstance(v, Mapping):
            return {str(k): ({} if rules is None else rules) for k, rules in v.items()}
        return v

    @field_validator("suite", mode="before")
    @classmethod
    def _load_suite(cls, v: Any, info: ValidationInfo) -> Any:
        if not isinstance(v, (str, Path)):
            return v  # an inline suite, or one already loaded (a re-validated config)
        base = (info.context or {}).get("base_dir") or Path.cwd()
        path = Path(v).expanduser()
        path = path if path.is_absolute() else Path(base) / path
        try:
            if path.stat().st_size > MAX_SUITE_BYTES:
                raise ValueError(f"suite file {str(path)!r} is larger than {MAX_SUITE_BYTES // 1024} KiB")
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ValueError(f"suite file {str(path)!r} not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read suite file {str(path)!r} ({exc})") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"suite file {str(path)!r} is not valid JSON ({exc})") from None
        if not isinstance(doc, Mapping) or "expectations" not in doc:
            raise ValueError(f"suite file {str(path)!r} is not an expectation suite (no 'expectations' list)")
        return {
            "path": str(path.resolve()),
            "name": str(doc.get("name") or doc.get("expectation_suite_name") or path.stem),
            "expectations": doc["expectations"],
        }

    @model_validator(mode="after")
    def _something(self) -> ExpectationsSpec:
        if not self.columns and self.suite is None:
            raise ValueError("declare 'columns' (rules per column) or a 'suite' (a GX suite JSON file)")
        return self


def fields_at(loc: Sequence[Any]) -> list[str]:
    """The valid keys at a config location inside the block, e.g. ``("expectations", "columns", "age",
    "maxx")`` → the fields of :class:`ColumnRules`; for error messages."""
    inner = [str(p) for p in loc[1:-1]]
    if not inner:
        return list(ExpectationsSpec.model_fields)
    if inner[0] == "columns":
        return list(ColumnRules.model_fields)
    if inner[0] == "suite":
        return list(SuiteSpec.model_fields)
    return list(ExpectationsSpec.model_fields)
