"""Consistency: is the data reliable, clean and consistent?"""

from __future__ import annotations

CHECKS: tuple = ()
