"""dataaudit: is this data good enough to model?

    >>> import dataaudit
    >>> report = dataaudit.audit("loans.csv", target="approved", sensitive="gender")
    >>> report                      # <Report not ready: loans.csv · ... · 45 checks (3 fail, ...)>
    >>> report.to_frame()           # one row per check
    >>> report.result("size.min_rows")
    >>> report.save_html("report.html")

Names are imported lazily (PEP 562), so ``dataaudit --help`` does not pay for pandas.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("dataaudit")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"

_EXPORTS = {
    "audit": "dataaudit.api",
    "Dataset": "dataaudit.dataset",
    "Roles": "dataaudit.dataset",
    "SourceInfo": "dataaudit.dataset",
    "ConfigError": "dataaudit.errors",
    "DataAuditError": "dataaudit.errors",
    "DataLoadError": "dataaudit.errors",
    "ExitCode": "dataaudit.errors",
    "PluginError": "dataaudit.errors",
    "Area": "dataaudit.model",
    "Chart": "dataaudit.model",
    "Check": "dataaudit.model",
    "CheckResult": "dataaudit.model",
    "Outcome": "dataaudit.model",
    "Report": "dataaudit.model",
    "Severity": "dataaudit.model",
    "Status": "dataaudit.model",
    "Table": "dataaudit.model",
    "UnknownCheckError": "dataaudit.model",
    "grade": "dataaudit.model",
    "Registry": "dataaudit.registry",
}

__all__ = [
    "Area",
    "Chart",
    "Check",
    "CheckResult",
    "ConfigError",
    "DataAuditError",
    "DataLoadError",
    "Dataset",
    "ExitCode",
    "Outcome",
    "PluginError",
    "Registry",
    "Report",
    "Roles",
    "Severity",
    "SourceInfo",
    "Status",
    "Table",
    "UnknownCheckError",
    "__version__",
    "audit",
    "grade",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'dataaudit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from dataaudit.api import audit
    from dataaudit.dataset import Dataset, Roles, SourceInfo
    from dataaudit.errors import ConfigError, DataAuditError, DataLoadError, ExitCode, PluginError
    from dataaudit.model import (
        Area,
        Chart,
        Check,
        CheckResult,
        Outcome,
        Report,
        Severity,
        Status,
        Table,
        UnknownCheckError,
        grade,
    )
    from dataaudit.registry import Registry
