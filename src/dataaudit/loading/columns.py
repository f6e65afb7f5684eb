"""Column names: strings, unique, never empty."""

from __future__ import annotations

import pandas as pd


def _clean_columns(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Column names as strings; an empty name becomes ``unnamed_N`` (N its 1-based position) and a repeated
    one ``name.1``, ``name.2``…, with a note listing the renames."""
    taken: set[str] = set()
    counters: dict[str, int] = {}
    out, renamed = [], []
    for i, col in enumerate(frame.columns, 1):
        name = "" if col is None or (isinstance(col, float) and col != col) else str(col)
        new = _unique(name if name.strip() else f"unnamed_{i}", taken, counters)
        if new != name:
            renamed.append(f"{name!r}→{new!r}")
        out.append(new)
    frame.columns = out
    if renamed:
        more = f" and {len(renamed) - 5} more" if len(renamed) > 5 else ""
        listed = ", ".join(renamed[:5])
        notes.append(f"renamed {len(renamed)} empty or duplicate column name(s): {listed}{more}")
    return frame


def _unique(name: str, taken: set[str], counters: dict[str, int]) -> str:
    new, k = name, counters.get(name, 0)
    while new in taken:
        k += 1
        new = f"{name}.{k}"
    counters[name] = k
    taken.add(new)
    return new
