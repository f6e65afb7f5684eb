"""Optional features and the extras that install them: ``pip install 'dataaudit[gx]'`` and ``[profile]``.

The core install audits; great-expectations (``expectations:`` in dataaudit.yaml) and ydata-profiling
(``--profile``) are large (most of the old 1.1 GB install), so each is an extra. A feature whose extra is
missing is a one-line :class:`MissingExtraError` (exit 2) naming the extra, raised before the audit runs.
Nothing here imports the optional packages: their presence is looked up with ``importlib.util.find_spec``.
"""

from __future__ import annotations

import importlib.util

from dataaudit.errors import ConfigError

__all__ = ["EXTRAS", "MissingExtraError", "is_installed", "require"]

#: extra name → (distribution named in the message, the modules its feature imports)
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "gx": ("great-expectations", ("great_expectations",)),
    # ydata-profiling imports pkg_resources (from setuptools<82) without declaring it
    "profile": ("ydata-profiling", ("ydata_profiling", "pkg_resources")),
}


class MissingExtraError(ConfigError):
    """A feature was asked for whose optional dependencies are not installed."""


def is_installed(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a finder that refuses it
        return False


def require(extra: str, feature: str) -> None:
    """Raise :class:`MissingExtraError` unless the modules behind ``extra`` are importable. ``feature`` says
    what asked for them, as the user wrote it (``--profile``, ``profile=``, ``expectations: in x.yaml``)."""
    dist, modules = EXTRAS[extra]
    missing = [m for m in modules if not is_installed(m)]
    if not missing:
        return
    what = dist
    if missing == ["pkg_resources"]:
        what = "pkg_resources (setuptools<82), which ydata-profiling imports,"
    raise MissingExtraError(f"{feature} needs {what}, not installed: pip install 'dataaudit[{extra}]'")
