"""Engines: what holds the data and runs the operations checks need (see :mod:`dataaudit.engine.base`)."""

from dataaudit.engine.base import ColumnProfile, Engine, GroupSummary, Predicate, sample_positions
from dataaudit.engine.pandas import PandasEngine

__all__ = ["ColumnProfile", "Engine", "GroupSummary", "PandasEngine", "Predicate", "sample_positions"]
