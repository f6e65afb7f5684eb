"""Consistency: is the data reliable, clean and consistent?

The column checks come first: missing and disguised-missing values (``missing``), duplicate rows and ids
(``duplicates``), constant and copied columns, mixed types and id-like features (``columns``), category
spellings and rare categories (``categories``), outliers (``outliers``), declared and implied value ranges
(``ranges``) and unparseable dates (``dates``). Then the label checks: missing and conflicting labels
(``labels``) and target leakage (``leakage``). Last, the expectations declared in dataaudit.yaml or a Great
Expectations suite (``expectations``). Everything works from the shared statistics (``data.stats``) and
vectorised pandas/numpy operations; scans over distinct values are bounded, and the rare heavy ones run on
the seeded sample. Helpers shared by several checks live in ``_common``.
"""

from dataaudit.checks.consistency.categories import CategoryVariants, RareCategories
from dataaudit.checks.consistency.columns import ConstantColumns, IdLikeFeatures, MixedTypes
from dataaudit.checks.consistency.dates import UnparseableDates
from dataaudit.checks.consistency.duplicates import DuplicateIds, DuplicateRows
from dataaudit.checks.consistency.expectations import Expectations
from dataaudit.checks.consistency.label_errors import LabelErrors
from dataaudit.checks.consistency.labels import ConflictingLabels, TargetMissing
from dataaudit.checks.consistency.leakage import TargetLeakage
from dataaudit.checks.consistency.missing import DisguisedMissing, MissingValues
from dataaudit.checks.consistency.outliers import Outliers
from dataaudit.checks.consistency.ranges import ValueRanges

__all__ = [
    "CHECKS",
    "COLUMN_CHECKS",
    "LABEL_CHECKS",
    "CategoryVariants",
    "ConflictingLabels",
    "ConstantColumns",
    "DisguisedMissing",
    "DuplicateIds",
    "DuplicateRows",
    "Expectations",
    "IdLikeFeatures",
    "LabelErrors",
    "MissingValues",
    "MixedTypes",
    "Outliers",
    "RareCategories",
    "TargetLeakage",
    "TargetMissing",
    "UnparseableDates",
    "ValueRanges",
]

#: the column checks, in the order the report lists them
COLUMN_CHECKS = (
    MissingValues,
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

CHECKS = (*COLUMN_CHECKS, *LABEL_CHECKS, Expectations)
