"""``dataaudit.yaml``: found next to the data or in the cwd (or ``--config``), validated with pydantic.

Every error names the file, the key and what was expected. Command-line flags override the file.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import fnmatch
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from dataaudit.datasheet import Policy
from dataaudit.errors import ConfigError
from dataaudit.expectations_spec import ExpectationsSpec, fields_at
from dataaudit.role_table import ROLE_BY_KEY, ROLES
from dataaudit.waivers import Waiver
from dataaudit.yaml_guard import check_expansion

__all__ = ["CONFIG_NAMES", "Config", "find_config", "load_config", "close_matches"]

CONFIG_NAMES = ("dataaudit.yaml", "dataaudit.yml")
MAX_CONFIG_BYTES = 1024 * 1024


class Privacy(BaseModel):
    """The ``privacy`` block: how much of the data's values the outputs show."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    mask: Literal["auto", "all", "none"] = Field(
        "auto",
        description="auto: mask values of columns holding personal data (named like it, declared sensitive, "
        "or holding e-mails, phones, cards or names); all: mask every text value; none: mask only e-mails "
        "and id-like numbers",
    )


def _role_doc(key: str) -> str:
    return ROLE_BY_KEY[key].description


class Config(BaseModel):
    """The validated configuration. Column roles, check selection and settings, the verdict threshold, and
    sections that checks read (``policy``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # the column roles (dataaudit.role_table: their descriptions, options and hints); typed fields, so
    # config.target is checked by mypy; tests/test_role_table.py keeps them in step with the table
    target: str | None = Field(None, description=_role_doc("target"))
    sensitive: tuple[str, ...] = Field((), description=_role_doc("sensitive"))
    timestamp: str | None = Field(None, description=_role_doc("timestamp"))
    ingested_at: str | None = Field(None, description=_role_doc("ingested_at"))
    label_time: str | None = Field(None, description=_role_doc("label_time"))
    id: str | None = Field(None, description=_role_doc("id"))
    ignore_columns: tuple[str, ...] = Field((), description=_role_doc("ignore_columns"))
    select: tuple[str, ...] = Field((), description="run only checks whose id starts with one of these")
    ignore: tuple[str, ...] = Field((), description="skip checks whose id starts with one of these")
    fail_on: Literal["warn", "fail"] = Field("fail", description="lowest status that makes data not ready")
    na_values: tuple[str, ...] | dict[str, tuple[str, ...]] | None = Field(
        None,
        description="extra text read as missing: a list for every column, or a mapping column -> list "
        "(as pandas.read_csv's na_values)",
    )
    keep_default_na: bool = Field(
        True, description="also read pandas' default null tokens (NA, N/A, null, NaN, empty...) as missing"
    )
    sample_rows: int = Field(100_000, ge=1000, description="rows sampled for row-level scans and model fits")
    engine: Literal["auto", "pandas", "duckdb", "spark"] = Field(
        "auto",
        description="what holds the data: pandas (in memory), duckdb (on disk, larger than memory), spark "
        "(a cluster); auto: pandas unless the table would not fit in memory",
    )
    engine_memory: str | None = Field(
        None,
        description="memory limit of the duckdb engine, e.g. 2GB (default: half of what is free, at most "
        "1 GiB)",
    )
    catalog_table: str | None = Field(None, description="a Spark catalog table to audit (engine: spark)")
    # 5 minutes: 50× the slowest built-in check at 1M rows, so only a hung or runaway check reaches it
    check_timeout: float | None = Field(
        300, ge=0, description="seconds one check may run before it becomes an error (0 or null: no limit)"
    )
    quick: bool | None = Field(
        None,
        description="leave out the checks that fit models (--quick; for pre-commit on small files): each is "
        "reported as skipped, with the reason. Unset: `dataaudit run` and audit() run them, `dataaudit hook` "
        "leaves them out",
    )
    checks: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="per-check settings: enabled, severity, parameters"
    )
    policy: Policy | None = Field(None, description="the dataset's datasheet (policy notes)")
    croissant: str | None = Field(
        None,
        description="a Croissant file (croissant.json) to read the datasheet from; the policy block "
        "overrides it field by field (default: <data>.croissant.json or croissant.json beside the data)",
    )
    privacy: Privacy = Field(default_factory=Privacy, description="how example values are masked in outputs")
    expectations: ExpectationsSpec | None = Field(
        None,
        description="declared rules per column and/or a GX suite, run by consistency.expectations "
        "(needs dataaudit[gx])",
    )
    waivers: tuple[Waiver, ...] = Field(
        (), description="accepted risks: check, columns, reason, owner, expires (see dataaudit.waivers)"
    )
    datasets: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="per-file settings, keyed by file name or glob (e.g. 'arrests*.csv'), over the top level",
    )

    @field_validator("datasets", mode="before")
    @classmethod
    def _check_datasets(cls, v: Any, info: ValidationInfo) -> Any:
        """Each ``datasets:`` entry is a mapping of ordinary settings (no nested ``datasets:``), validated
        on its own so a typo names the entry and the key."""
        if not isinstance(v, Mapping):
            return v
        for pattern, entry in v.items():
            if entry is None:
                continue
            if not isinstance(entry, Mapping):
                got = type(entry).__name__
                raise ValueError(f"entry {pattern!r}: expected a mapping of settings, got {got}")
            if "datasets" in entry:
                raise ValueError(f"entry {pattern!r}: 'datasets:' cannot be nested")
            try:
                Config.model_validate(entry, context=info.context)
            except ValidationError as exc:
                fields = [f for f in cls.model_fields if f != "datasets"]
                raise ValueError(f"entry {pattern!r}: {describe_validation_error(exc, fields)}") from None
        return {str(k): dict(e or {}) for k, e in v.items()}

    def for_file(self, data_path: Path, base_dir: Path | None) -> tuple[Config, str | None]:
        """The settings for one data file: the first ``datasets:`` entry (in file order) whose key matches
        the file's path relative to the config's folder, or its name (``*``, ``?``, ``[...]`` globs),
        applied over the top level. Keys replace the top level's, except ``checks:``, merged per check.
        Returns the config and the matching key (None when no entry matches)."""
        if not self.datasets:
            return self, None
        rel = data_path.name
        if base_dir is not None:
            with contextlib.suppress(ValueError, OSError):
                rel = data_path.resolve().relative_to(base_dir.resolve()).as_posix()
        for pattern, entry in self.datasets.items():
            candidates = [rel] if "/" in pattern else [rel, data_path.name]
            if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
                doc = self.model_dump(exclude_unset=True, exclude={"datasets"})
                checks = {k: dict(s or {}) for k, s in (doc.get("checks") or {}).items()}
                for check_id, settings in Config.model_validate(entry).checks.items():
                    checks.setdefault(check_id, {}).update(settings)
                doc.update({k: v for k, v in entry.items() if k != "checks"})
                if checks:
                    doc["checks"] = checks
                return Config.model_validate(doc, context={"base_dir": base_dir}), pattern
        return self, None

    @field_validator(*(r.key for r in ROLES if r.many), "select", "ignore", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return (v,) if isinstance(v, str) else v

    @field_validator("na_values", mode="before")
    @classmethod
    def _na_values_as_text(cls, v: Any) -> Any:
        """Tokens are text, as in the file: ``na_values: [-999, NA]`` reads the numbers as they are written.
        One token may stand alone (``na_values: "?"``)."""

        def texts(values: Any) -> Any:
            if isinstance(values, (str, int, float)) and not isinstance(values, bool):
                values = [values]
            if isinstance(values, (list, tuple)):
                return tuple(_token_text(x) for x in values)
            return values  # anything else: pydantic says what was expected

        if isinstance(v, Mapping):
            return {str(k): texts(vs) for k, vs in v.items()}
        return None if v is None else texts(v)

    @field_validator("checks", mode="before")
    @classmethod
    def _flatten_checks(cls, v: Any) -> Any:
        """Accept ``checks: {size.min_rows: {...}}`` and the nested ``checks: {size: {min_rows: {...}}}``."""
        if not isinstance(v, Mapping):
            return v
        flat: dict[str, Any] = {}
        for key, value in v.items():
            key = str(key)
            nested = (
                "." not in key
                and isinstance(value, Mapping)
                and value
                and all(isinstance(x, Mapping) for x in value.values())
            )
            for name, settings in value.items() if nested else [(None, value)]:
                full = key if name is None else f"{key}.{name}"
                if full in flat:  # both `size.min_rows:` and `size: {min_rows: ...}`
                    raise ValueError(f"check {full!r} is set twice")
                flat[full] = settings
        return flat

    def merged(self, **overrides: Any) -> Config:
        """A copy with command-line overrides applied; ``None`` and empty tuples mean "not given"."""
        given = {k: v for k, v in overrides.items() if v is not None and v != ()}
        return self.model_validate({**self.model_dump(exclude_unset=True), **given})

    def check_settings(self, check_id: str) -> dict[str, Any]:
        return dict(self.checks.get(check_id) or {})


def _token_text(value: Any) -> Any:
    """A YAML number as the text a file holds: ``-999`` → ``'-999'``, ``1.5`` → ``'1.5'``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def find_config(data_path: Path | None, explicit: Path | None = None) -> Path | None:
    """``--config`` if given, else dataaudit.yaml next to the data file, else in the working directory."""
    if explicit is not None:
        if explicit.is_dir():
            raise ConfigError(f"{explicit}: is a folder, not a config file")
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        return explicit
    dirs = ([data_path.resolve().parent] if data_path is not None else []) + [Path.cwd()]
    for d in dirs:
        for name in CONFIG_NAMES:
            if (d / name).is_file():
                return d / name
    return None


def load_config(path: Path | None) -> Config:
    """Read and validate a config file (``None``: defaults)."""
    if path is None:
        return Config()
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: config file larger than {MAX_CONFIG_BYTES // 1024} KiB")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc})") from None
    try:
        # a SafeLoader: YAML tags that construct Python objects (!!python/object) are refused
        doc = yaml.load(text, Loader=_StrictLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: invalid YAML{where}: {problem}") from None
    except RecursionError:  # PyYAML's composer recurses once per level of nesting
        raise ConfigError(f"{path}: invalid YAML: nested too deeply") from None
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ConfigError(
            f"{path}: expected a mapping of settings at the top level, got {type(doc).__name__}"
        )
    return validate_config(doc, str(path), base_dir=path.parent)


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but a key given twice in one mapping is an error, not silently the last one, and
    aliases that expand beyond reason ("billion laughs") are refused (see dataaudit/yaml_guard.py)."""

    def construct_document(self, node: yaml.Node) -> Any:
        check_expansion(node)
        return super().construct_document(node)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[str, int] = {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key_node.value!r} (first at line {seen[key_node.value] + 1})",
                    key_node.start_mark,
                )
            seen[key_node.value] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def validate_config(doc: Mapping[str, Any], source: str = "config", base_dir: Path | None = None) -> Config:
    """Validate a config document; relative paths inside it (an expectation suite) are read from
    ``base_dir``, the config file's folder (default: the working directory)."""
    try:
        return Config.model_validate(doc, context={"base_dir": base_dir})
    except ValidationError as exc:
        raise ConfigError(f"{source}: {describe_validation_error(exc, Config.model_fields)}") from None


def describe_validation_error(exc: ValidationError, fields: Iterable[str]) -> str:
    """One line per problem, joined: the key, what was wrong, and what was expected."""
    problems, listed = [], False
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            if err["loc"][0] == "expectations":  # a key inside the expectations block: that block's fields
                names = fields_at(err["loc"])
                hint = close_matches(str(err["loc"][-1]), names)
                problems.append(f"unknown key {key!r}{hint} (expected one of: {', '.join(names)})")
                continue
            if err["loc"][0] == "policy" and len(err["loc"]) == 2:  # a datasheet key: the datasheet's fields
                names = list(Policy.model_fields)
                hint = close_matches(str(err["loc"][-1]), [*names, "license"])
                if err["loc"][-1] in ("licence", "license"):  # both spellings given: one field twice
                    hint = "; licence and license are the same field: give one"
                problems.append(f"unknown key {key!r}{hint} (expected one of: {', '.join(names)})")
                continue
            hint = close_matches(str(err["loc"][-1]), fields)
            valid = "" if listed else f" (expected one of: {', '.join(fields)})"  # the list once is enough
            listed = True
            problems.append(f"unknown key {key!r}{hint}{valid}")
        else:
            got = err.get("input")
            got_text = "" if isinstance(got, (dict, list)) else f", got {got!r}"
            # users write YAML lists; "tuple" is our implementation detail
            msg = err["msg"].replace("valid tuple", "valid list").removeprefix("Value error, ")
            msg = msg[:1].lower() + msg[1:]
            problems.append(f"{key}: {msg}{got_text}")
    return "; ".join(problems)


def close_matches(word: str, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` or ``""``."""
    found = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    if not found:
        return ""
    return "; did you mean " + " or ".join(repr(f) for f in found) + "?"


#: set by the CLI around its audit() call, so errors name ``--sensitive`` there and ``sensitive=`` in Python
CLI_FLAGS: contextvars.ContextVar[bool] = contextvars.ContextVar("dataaudit_cli_flags", default=False)


def option_name(key: str) -> str:
    """How the caller spells an option: ``--ignore-columns`` on the command line, ``ignore_columns=`` in
    Python (``dataaudit.audit``)."""
    return f"--{key.replace('_', '-')}" if CLI_FLAGS.get() else f"{key}="


@contextlib.contextmanager
def cli_flags() -> Iterator[None]:
    """Within this block (the CLI's audit calls), :func:`option_name` gives command-line flags."""
    token = CLI_FLAGS.set(True)
    try:
        yield
    finally:
        CLI_FLAGS.reset(token)


def describe_config() -> str:
    """``dataaudit explain config``: every top-level key of dataaudit.yaml with its default and meaning,
    generated from :class:`Config`, so the installed package documents itself."""
    lines = [
        "dataaudit.yaml: found next to the data file, else in the working directory (or --config PATH).",
        "Command-line flags and audit() keywords override it. Keys:",
        "",
    ]
    for name, field in Config.model_fields.items():
        default = field.get_default(call_default_factory=True)
        shown = "" if default in (None, (), {}) else f" (default: {default!r})"
        lines.append(f"  {name}: {field.description}{shown}")
    lines += [
        "",
        "A check's parameters: 'dataaudit explain CHECK_ID'; the checks: 'dataaudit checks'.",
        "Per-file settings for a folder with several tables (first matching key wins; keys replace the top",
        "level, checks: merged per check):",
        "",
        "  target: approved",
        "  datasets:",
        "    arrests_*.csv: {target: arrest, sensitive: [race]}",
        "    archive/*.parquet: {fail_on: warn}",
    ]
    return "\n".join(lines)
