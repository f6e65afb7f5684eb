"""Policy notes: the datasheet in dataaudit.yaml, checked against what the data contains."""

from __future__ import annotations

CHECKS: tuple = ()
