"""Durations as people write them in ``dataaudit.yaml`` ("36h", "7d", "4w", "1d12h") and as reports show them.

Kept free of pandas so a check's ``__post_init__`` can validate its duration parameters at config time.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["format_duration", "parse_duration"]

_UNITS = {
    "s": 1,
    "sec": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "hr": 3600,
    "d": 86_400,
    "w": 604_800,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_WHOLE = re.compile(r"(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+")
#: one hundred years: anything longer is a typo, not a freshness requirement
_MAX_SECONDS = 100 * 365 * 86_400


def parse_duration(value: object, name: str = "duration") -> dt.timedelta:
    """``"36h"`` → 36 hours; ``"7d"``, ``"4w"``, ``"90m"``, ``"1d12h"``, ``"1.5d"``. Units: s, m (minutes),
    h, d, w. Raises ``ValueError`` naming ``name`` and the accepted forms."""
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
    else:
        text = str(value).strip().lower() if isinstance(value, str) else ""
        if not text or not _WHOLE.fullmatch(text):
            raise ValueError(_invalid(value, name))
        seconds = 0.0
        for number, unit in _PART.findall(text):
            if unit not in _UNITS:
                raise ValueError(_invalid(value, name))
            seconds += float(number) * _UNITS[unit]
    if seconds < 0 or seconds > _MAX_SECONDS:
        raise ValueError(f"{name}: duration {value!r} must be between 0s and 100 years")
    return dt.timedelta(seconds=seconds)


def _invalid(value: object, name: str) -> str:
    return (
        f"{name}: invalid duration {value!r}; write a number and a unit, e.g. 36h, 7d, 4w or 1d12h "
        "(units: s, m = minutes, h, d, w)"
    )


def format_duration(value: dt.timedelta | float) -> str:
    """A short human duration: ``42 s``, ``35 min``, ``3 h 14 min``, ``8 d 22 h``, ``91 d``.
    ``value`` is a timedelta or a number of seconds; negative durations get a leading minus."""
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    if seconds != seconds:  # NaN
        return "n/a"
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    if s < 60:
        return f"{sign}{s:.0f} s"
    minutes = int(round(s / 60))
    if minutes < 60:
        return f"{sign}{minutes} min"
    hours, mins = divmod(minutes, 60)
    if hours < 24:
        return f"{sign}{hours} h" + (f" {mins} min" if mins else "")
    days, hours = divmod(hours, 24)
    if days < 10 and hours:
        return f"{sign}{days} d {hours} h"
    return f"{sign}{days:,} d"
