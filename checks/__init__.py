"""The built-in checklist, one module per area. Each module lists its checks in a ``CHECKS`` tuple, and
``BUILTIN`` below is the explicit tuple the registry starts from. A ``--checks DIR`` folder looks the same."""

from dataaudit.checks import (
    bias,
    consistency,
    drift,
    latency,
    learning_curve,
    policy,
    reidentification,
    size,
    split,
)

BUILTIN = (
    *size.CHECKS,
    *learning_curve.CHECKS,
    *consistency.CHECKS,
    *bias.CHECKS,
    *policy.CHECKS,
    *reidentification.CHECKS,
    *latency.CHECKS,
    *drift.CHECKS,
    *split.CHECKS,
)

__all__ = ["BUILTIN"]
