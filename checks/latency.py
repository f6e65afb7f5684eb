"""Latency: is the data fresh and timely? All times are relative to the audit's as-of time."""

from __future__ import annotations

CHECKS: tuple = ()
