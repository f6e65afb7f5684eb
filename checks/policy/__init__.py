"""Policy notes: the datasheet in dataaudit.yaml, checked against what the data contains.

``datasheet`` checks the datasheet itself (fields, licence, retention); ``personal`` compares the personal
data found in the values with what the datasheet declares, with the column-level detectors of ``_pii``."""

from dataaudit.checks.policy.datasheet import DatasheetComplete, LicenceCheck, Retention
from dataaudit.checks.policy.personal import PiiDetected, SpecialCategories

__all__ = ["CHECKS", "DatasheetComplete", "LicenceCheck", "PiiDetected", "Retention", "SpecialCategories"]

CHECKS = (DatasheetComplete, LicenceCheck, Retention, PiiDetected, SpecialCategories)
