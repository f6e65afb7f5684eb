"""Consistency: is the data reliable, clean and consistent?

The column checks come first: missing values, mixed null markers and disguised-missing values
(``missing``), duplicate rows and ids (``duplicates``), constant and copied columns, mixed types and
id-like features (``columns``), category spellings and rare categories (``categories``), outliers
(``outliers``), declared and implied value ranges (``ranges``) and unparseable dates (``dates``). Then
damaged text values: typos, junk, encoding damage, units inside numbers and overlong values (``typos``,
``text_values``, ``encoding``, ``units``, sharing ``_text``), and the rules values break: placeholder dates
(``dates``), dependencies between columns (``dependencies``) and values written into the wrong column
(``misplaced``). Then the label checks: missing and
conflicting labels (``labels``) and target leakage (``leakage``). Last, the expectations declared in
dataaudit.yaml or a Great Expectations suite (``expectations``). Everything works
from the shared statistics (``data.stats``) and vectorised pandas/numpy operations; scans over distinct
values are bounded, and the rare heavy ones run on the seeded sample. Helpers shared by several checks live
in ``_common``.
"""

from dataaudit.checks.consistency.categories import CategoryVariants, RareCategories
from dataaudit.checks.consistency.columns import ConstantColumns, IdLikeFeatures, MixedTypes
from dataaudit.checks.consistency.dates import SentinelDates, UnparseableDates
from dataaudit.checks.consistency.dependencies import DependencyViolations
from dataaudit.checks.consistency.duplicates import DuplicateIds, DuplicateRows
from dataaudit.checks.consistency.encoding import EncodingDamage
from dataaudit.checks.consistency.expectations import Expectations
from dataaudit.checks.consistency.label_errors import LabelErrors
from dataaudit.checks.consistency.labels import ConflictingLabels, TargetMissing
from dataaudit.checks.consistency.leakage import TargetLeakage
from dataaudit.checks.consistency.misplaced import MisplacedValues
from dataaudit.checks.consistency.missing import DisguisedMissing, MissingValues, MixedNulls
from dataaudit.checks.consistency.outliers import Outliers
from dataaudit.checks.consistency.ranges import ValueRanges
from dataaudit.checks.consistency.text_values import JunkValues, TextLength
from dataaudit.checks.consistency.typos import Typos
from dataaudit.checks.consistency.units import UnitsInNumbers

__all__ = [
    "CHECKS",
    "COLUMN_CHECKS",
    "LABEL_CHECKS",
    "CategoryVariants",
    "ConflictingLabels",
    "ConstantColumns",
    "DependencyViolations",
    "DisguisedMissing",
    "DuplicateIds",
    "DuplicateRows",
    "EncodingDamage",
    "Expectations",
    "IdLikeFeatures",
    "JunkValues",
    "LabelErrors",
    "MisplacedValues",
    "MissingValues",
    "MixedNulls",
    "MixedTypes",
    "Outliers",
    "RULE_CHECKS",
    "RareCategories",
    "SentinelDates",
    "TargetLeakage",
    "TEXT_CHECKS",
    "TargetMissing",
    "TextLength",
    "Typos",
    "UnitsInNumbers",
    "UnparseableDates",
    "ValueRanges",
]

#: the column checks, in the order the report lists them
COLUMN_CHECKS = (
    MissingValues,
    MixedNulls,
    DisguisedMissing,
    DuplicateRows,
    DuplicateIds,
    ConstantColumns,
    MixedTypes,
    CategoryVariants,
    RareCategories,
    Outliers,
    ValueRanges,
    UnparseableDates,
)
#: the checks of the label and of what would predict it
LABEL_CHECKS = (TargetMissing, ConflictingLabels, TargetLeakage, IdLikeFeatures, LabelErrors)

#: the checks of damaged text values (issue 15): misspellings, junk, encoding damage, units, long values
TEXT_CHECKS = (Typos, JunkValues, EncodingDamage, UnitsInNumbers, TextLength)
#: rules the values break: placeholder dates, dependencies between columns (zip → city), values written
#: into the neighbouring column
RULE_CHECKS = (SentinelDates, DependencyViolations, MisplacedValues)

CHECKS = (*COLUMN_CHECKS, *TEXT_CHECKS, *RULE_CHECKS, *LABEL_CHECKS, Expectations)
