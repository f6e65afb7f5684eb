"""dataaudit: is this data good enough to model?

    >>> import dataaudit
    >>> report = dataaudit.audit("loans.csv", target="approved", sensitive=["gender"])
    >>> report.verdict, report.to_json(), report.to_html()
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dataaudit")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"

from dataaudit.api import audit
from dataaudit.dataset import Dataset, Roles, SourceInfo
from dataaudit.errors import ConfigError, DataAuditError, DataLoadError, ExitCode, PluginError
from dataaudit.model import Area, Chart, Check, CheckResult, Outcome, Report, Severity, Status, Table, grade
from dataaudit.registry import Registry

__all__ = [
    "Area", "Chart", "Check", "CheckResult", "ConfigError", "DataAuditError", "DataLoadError", "Dataset",
    "ExitCode", "Outcome", "PluginError", "Registry", "Report", "Roles", "Severity", "SourceInfo", "Status",
    "Table", "__version__", "audit", "grade",
]
