"""How the duckdb loader types a CSV column as pyarrow would (the pandas loader's inference): the first
type every value parses as, checked batch by batch. Part of :mod:`dataaudit.engine.duckdb_load`.
"""

from __future__ import annotations

from typing import Any

from dataaudit.engine.duckdb_base import _PNUM
from dataaudit.loading.nulls import NullTokens, numeric_tokens

_BOOL_TEXT = ["1", "0", "True", "TRUE", "true", "False", "FALSE", "false"]
_STAGES = ("int", "bool", "date", "time", "ts_s", "ts_s_tz", "ts_ns", "ts_ns_tz", "float", "text")
_FLOAT = r"^[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))$"
_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PLAIN_INT = r"^\s*[+-]?\d+\s*$"
_INT = r"^(-?[0-9]+|0[xX][0-9a-fA-F]+)$"
_INT_DEC = r"^-?[0-9]+$"
#: a stage every value of which also parses as these (so they need no check of their own)
_IMPLIES = {"date": {"ts_s", "ts_ns"}, "ts_s": {"ts_ns"}, "ts_s_tz": {"ts_ns_tz"}}
#: what pyarrow's ISO 8601 timestamp parser can accept (its cast then decides: ranges, the unit)
_TS = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}(:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?)?$"
_TS_TZ = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}(:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?"
    r"([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$"
)


class _Column:
    """Type inference of one column, as pyarrow's CSV reader infers: the first of :data:`_STAGES` that
    every value parses as. ``viable`` holds the stages no batch has ruled out yet."""

    def __init__(self) -> None:
        self.viable = list(_STAGES)
        self.plain_int = True  # every value written as a plain integer (for the 64-bit overflow rule)
        self.beyond = False  # ... and one of them beyond the int64 range as a float
        self.values = 0
        self.user_hits: dict[str, int] = {}
        self.numeric_rest = True  # the values besides the user's tokens all read as numbers (pandas)

    def update(self, values: Any, user: Any) -> None:
        """One batch's values that are not null tokens; ``user``: the user's extra tokens for the column."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if len(values) == 0:
            return
        self.values += len(values)
        if self.viable == ["text"] and not self.plain_int and user is None:
            return  # text whatever follows: nothing left to learn from its values
        trimmed = pc.utf8_trim(values, " \t")
        head, head_trimmed = values.slice(0, 64), trimmed.slice(0, 64)
        keep: list[str] = []
        implied: set[str] = set()
        decimal_ints = False
        for stage in self.viable:
            if stage == "text" or stage in implied:
                keep.append(stage)
                continue
            if (
                stage == "int"
                and _all_match(trimmed.slice(0, 64), _INT_DEC, pc)
                and _all_match(trimmed, _INT_DEC, pc)
            ):
                decimal_ints = True  # then they are floats too, and written as plain integers
                ok = pc.max(pc.utf8_length(trimmed)).as_py() < 19 or _accepts("int", values, trimmed, pa, pc)
            else:
                # the first values rule most stages out at once; the whole batch is checked only if they pass
                ok = _accepts(stage, head, head_trimmed, pa, pc) and _accepts(stage, values, trimmed, pa, pc)
            if ok:
                keep.append(stage)
                implied |= _IMPLIES.get(stage, set())
                if decimal_ints:
                    implied.add("float")
        self.viable = keep
        if self.plain_int and not decimal_ints:
            self.plain_int = bool(pc.all(pc.match_substring_regex(values, _PLAIN_INT)).as_py())
        if self.plain_int and not self.beyond and pc.max(pc.utf8_length(trimmed)).as_py() >= 19:
            x = pc.abs(pc.cast(pc.utf8_trim_whitespace(values), pa.float64()))
            self.beyond = bool(pc.max(x).as_py() >= 2.0**63)
        if user is not None:
            hit = pc.is_in(values, value_set=user)
            if pc.any(hit).as_py():
                _add_counts(self.user_hits, pc.filter(values, hit))
                values = pc.filter(values, pc.invert(hit))
            if self.numeric_rest and len(values):
                self.numeric_rest = bool(pc.all(pc.match_substring_regex(values, _PNUM)).as_py())

    @property
    def stage(self) -> str:
        return "null" if self.values == 0 else self.viable[0]


def _all_match(values: Any, pattern: str, pc: Any) -> bool:
    return bool(pc.all(pc.match_substring_regex(values, pattern)).as_py())


def _accepts(stage: str, values: Any, trimmed: Any, pa: Any, pc: Any) -> bool:
    def casts(to: Any, what: Any = trimmed) -> bool:
        try:
            pc.cast(what, to)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return False
        return True

    def matches(pattern: str) -> bool:
        return bool(pc.all(pc.match_substring_regex(trimmed, pattern)).as_py())

    if stage == "int":
        if not matches(_INT):
            return False
        # only 19 digits or more can overflow int64: cast (which checks the range) only then
        return pc.max(pc.utf8_length(trimmed)).as_py() < 19 or casts(pa.int64())
    if stage == "bool":
        return bool(pc.all(pc.is_in(values, value_set=pa.array(_BOOL_TEXT))).as_py())
    if stage == "date":
        return matches(_DATE) and casts(pa.date32())
    if stage == "time":
        return matches(_TIME)
    if stage.startswith("ts_"):
        if not matches(_TS_TZ if stage.endswith("_tz") else _TS):
            return False
        unit = "ns" if stage.startswith("ts_ns") else "s"
        return casts(pa.timestamp(unit, "UTC") if stage.endswith("_tz") else pa.timestamp(unit))
    if stage == "float":
        return matches(_FLOAT)
    return True


def _add_counts(into: dict[str, int], values: Any) -> None:
    import pyarrow.compute as pc

    for d in pc.value_counts(values).to_pylist():
        into[d["values"]] = into.get(d["values"], 0) + int(d["counts"])


class _Plan:
    """How the second pass reads one column and what it does to each batch; the counts it makes."""

    def __init__(self, stage: str, arrow: Any, dtype: str, kind: str) -> None:
        self.stage, self.arrow, self.dtype, self.kind = stage, arrow, dtype, kind
        self.wide = False
        self.user: Any = None  # text tokens of the user's to set missing (a text column)
        self.to_number = False  # ... after which the column holds only numbers: read them
        self.numbers: dict[str, float] = {}  # the user's numeric tokens (a numeric column)
        self.hits: dict[str, int] = {}
        self.missing = False

    def final(self) -> tuple[str, str]:
        if self.numbers and self.kind == "int" and (self.hits or self.missing):
            return "float64", "float"
        return self.dtype, self.kind


def _plan(column: _Column, name: str, missing: bool, nulls: NullTokens) -> _Plan:
    import pyarrow as pa

    stage = column.stage
    if stage == "float" and column.plain_int and column.beyond:
        plan = _Plan("text", pa.string(), "object", "text")
        plan.wide = True
        return plan
    if stage == "int":
        numbers = numeric_tokens(nulls.user_tokens(name))
        plan = (
            _Plan(stage, pa.float64(), "float64", "float")
            if missing
            else _Plan(stage, pa.float64() if numbers else pa.int64(), "int64", "int")
        )
        plan.numbers = numbers
    elif stage == "bool":
        plan = _Plan(stage, pa.bool_(), "object" if missing else "bool", "objbool" if missing else "bool")
    elif stage == "date":
        plan = _Plan(stage, pa.date32(), "datetime64[ms]", "datetime")
    elif stage == "time":
        plan = _Plan(stage, pa.time32("s"), "object", "time")
    elif stage.startswith("ts_"):
        unit = "ns" if stage.startswith("ts_ns") else "s"
        tz = "UTC" if stage.endswith("_tz") else None
        plan = _Plan(
            stage,
            pa.timestamp(unit, tz),
            f"datetime64[{unit}, UTC]" if tz else f"datetime64[{unit}]",
            "datetime",
        )
    elif stage == "float":
        plan = _Plan(stage, pa.float64(), "float64", "float")
        plan.numbers = numeric_tokens(nulls.user_tokens(name))
    else:  # text, or nothing but missing values
        plan = _Plan(stage, pa.string(), "object", "text")
        if column.user_hits:
            # the pandas loader applies the user's tokens after reading, then reads a column left holding only
            # numbers as numbers (dataaudit.loading.nulls._numbers_if_all)
            plan.user = pa.array(sorted(column.user_hits), pa.string())
            plan.hits = dict(column.user_hits)
            if column.numeric_rest:
                plan.to_number, plan.dtype, plan.kind = True, "float64", "float"
    plan.missing = missing
    return plan
