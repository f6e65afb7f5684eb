"""Bias: could problems or biases in the data hurt a model? Works from the labels alone, no model."""

from __future__ import annotations

CHECKS: tuple = ()
