"""Errors dataaudit raises on purpose, and the one place they are turned into exit codes.

    DataAuditError            anything we raise on purpose: the user can fix it (exit 2, "cannot audit")
    ├── ConfigError           dataaudit.yaml or a command-line option is wrong
    ├── DataLoadError         the data file is missing, unreadable, unsupported or empty
    └── PluginError           a check plugin cannot be loaded or its id is malformed / duplicated

Any other exception is a bug (exit 3, "internal error"). This module imports nothing from click: the CLI
translates these once, in ``cli.py``.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "ConfigError",
    "DataAuditError",
    "DataAuditWarning",
    "DataLoadError",
    "ExitCode",
    "PluginError",
]


class ExitCode(IntEnum):
    """Process exit codes: what a CI job gates on."""

    READY = 0
    NOT_READY = 1
    CANNOT_AUDIT = 2
    INTERNAL_ERROR = 3


class DataAuditError(Exception):
    """Base of every error dataaudit raises on purpose. ``str(err)`` is one line fit for stderr."""


class ConfigError(DataAuditError):
    """The configuration file or a command-line option is invalid."""


class DataLoadError(DataAuditError):
    """The data cannot be loaded: missing, unreadable, unsupported format, or empty."""


class PluginError(DataAuditError):
    """A check plugin cannot be imported, or declares a malformed or duplicate id."""


class DataAuditWarning(UserWarning):
    """Warnings dataaudit itself emits (the test-suite turns them into errors)."""
