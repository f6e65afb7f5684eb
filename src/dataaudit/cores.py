"""How many cores this process may run on: whether a second thread can share the work (the checks' lanes,
the statistics' prefetch, the command line's read-ahead). No heavy import here: the read-ahead asks before
pandas is imported."""

from __future__ import annotations

import os

__all__ = ["cores"]


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1
