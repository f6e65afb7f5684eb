"""Where checks come from: the built-in tuple, the ``dataaudit.checks`` entry-point group, ``--checks DIR``.

Registration is explicit; nothing registers itself at import time. A malformed or duplicate id is a
:class:`~dataaudit.errors.PluginError` naming both sources; a plugin that fails to import is an error too.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import importlib.util
import inspect
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from dataaudit.errors import PluginError
from dataaudit.model import Area, Check

__all__ = ["ENTRY_POINT_GROUP", "Registered", "Registry", "matches"]

ENTRY_POINT_GROUP = "dataaudit.checks"
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Registered:
    check: type[Check]
    source: str  # "builtin", "entry point NAME (dist)", or a file path


def matches(check_id: str, prefixes: Iterable[str]) -> bool:
    """``size`` matches ``size.min_rows``; ``size.min_rows`` matches itself; ``all`` matches everything."""
    for p in prefixes:
        p = p.strip()
        if p in ("all", check_id) or check_id.startswith(p.rstrip(".") + "."):
            return True
    return False


class Registry:
    """An ordered set of check classes, each with the source it came from."""

    def __init__(self) -> None:
        self._checks: dict[str, Registered] = {}

    @classmethod
    def default(cls, check_dirs: Iterable[str | Path] = (), entry_points: bool = True) -> Registry:
        from dataaudit.checks import BUILTIN

        reg = cls()
        reg.add_all(BUILTIN, "builtin")
        if entry_points:
            reg.add_entry_points()
        for d in check_dirs:
            reg.add_dir(Path(d))
        return reg

    # -- adding ---------------------------------------------------------------------------------------
    def add(self, check: Any, source: str) -> None:
        _validate(check, source)
        if check.id in self._checks:
            other = self._checks[check.id].source
            raise PluginError(f"duplicate check id {check.id!r}: defined by {other} and by {source}")
        self._checks[check.id] = Registered(check, source)

    def add_all(self, checks: Iterable[Any], source: str) -> None:
        for c in checks:
            self.add(c, source)

    def add_entry_points(self) -> None:
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = getattr(getattr(ep, "dist", None), "name", None)
            source = f"entry point {ep.name!r}" + (f" ({dist})" if dist else "")
            try:
                obj = ep.load()
            except Exception as exc:  # a broken plugin is an error with its name, never silently skipped
                raise PluginError(
                    f"{source}: failed to import {ep.value}: {type(exc).__name__}: {exc}"
                ) from exc
            self.add_all(_checks_in(obj, source), source)

    def add_dir(self, folder: Path) -> None:
        if not folder.is_dir():
            raise PluginError(f"{folder}: --checks folder not found")
        for file in sorted(folder.glob("*.py")):
            if file.name.startswith("_"):
                continue
            module = _import_file(file)
            self.add_all(_checks_in(module, str(file)), str(file))

    # -- reading --------------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Registered]:
        return iter(self._checks.values())

    def __len__(self) -> int:
        return len(self._checks)

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._checks

    def get(self, check_id: str) -> Registered:
        return self._checks[check_id]

    @property
    def ids(self) -> list[str]:
        return list(self._checks)


def _validate(check: Any, source: str) -> None:
    if not (inspect.isclass(check) and issubclass(check, Check)):
        raise PluginError(f"{source}: {check!r} is not a subclass of dataaudit.Check")
    cid = getattr(check, "id", None)
    if not isinstance(cid, str) or not ID_PATTERN.match(cid):
        raise PluginError(
            f"{source}: {check.__name__} has malformed id {cid!r}; "
            "ids read 'area.snake_name', e.g. 'size.min_rows'"
        )
    area = getattr(check, "area", None)
    if area not in set(Area):
        raise PluginError(f"{source}: {cid}: area {area!r} is not one of {', '.join(a.value for a in Area)}")
    if cid.split(".")[0] != Area(area).value:
        raise PluginError(f"{source}: {cid}: the id must start with its area {Area(area).value!r}")
    if not isinstance(getattr(check, "title", None), str):
        raise PluginError(f"{source}: {cid}: missing a 'title'")
    if not dataclasses.is_dataclass(check):
        raise PluginError(f"{source}: {cid}: a check must be a @dataclass(frozen=True)")
    if check.run is Check.run:
        raise PluginError(f"{source}: {cid}: does not implement run(data)")


def _checks_in(obj: Any, source: str) -> list[Any]:
    """A check class, an iterable of them, or a module (its ``CHECKS`` tuple, or the Check subclasses it
    defines, in definition order)."""
    if inspect.isclass(obj):
        return [obj]
    if isinstance(obj, ModuleType):
        if hasattr(obj, "CHECKS"):
            return list(obj.CHECKS)
        found = [
            v
            for v in vars(obj).values()
            if inspect.isclass(v) and issubclass(v, Check) and v is not Check and v.__module__ == obj.__name__
        ]
        if not found:
            raise PluginError(f"{source}: defines no checks (no Check subclass and no CHECKS tuple)")
        return found
    if isinstance(obj, (list, tuple)):
        return list(obj)
    raise PluginError(f"{source}: expected a Check subclass, a tuple of them or a module, got {obj!r}")


def _import_file(file: Path) -> ModuleType:
    name = f"dataaudit_local_checks.{file.stem}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise PluginError(f"{file}: cannot import")
    module = importlib.util.module_from_spec(spec)
    # in sys.modules before exec: @dataclass with `from __future__ import annotations` looks the module up
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise PluginError(f"{file}: failed to import: {type(exc).__name__}: {exc}") from exc
    return module
