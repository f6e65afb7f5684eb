"""The distinct values of a text column, shared by the checks of damaged text (typos, junk, encoding
damage, units, overlong values): computed once per dataset from the shared value counts, never from a
second pass over the rows."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import MAX_DISTINCT_SCAN, _as_text, _is_text
from dataaudit.dataset import Dataset

if TYPE_CHECKING:
    import pyarrow as pa

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def text_columns(data: Dataset) -> list[str]:
    """The columns holding text (object or string dtype) with at least one value."""
    return [c for c in data.columns if _is_text(data.frame[c]) and data.stats[c].count]


def distinct_text(data: Dataset, column: str) -> tuple[pd.Series, pa.StringArray, str]:
    """(counts keyed by the text of each value, most frequent first; the same keys as a pyarrow string
    array; a note when only the ``MAX_DISTINCT_SCAN`` most frequent values are kept).

    A column with more distinct values than that (ids, free text) keeps its most frequent ones: the
    repeated values, where junk, mojibake and misspellings that matter show up."""
    import pyarrow as pa

    cache = _CACHE.setdefault(data.stats, {})
    if column not in cache:
        vc = data.stats.value_counts(column)
        note = ""
        if len(vc) > MAX_DISTINCT_SCAN:
            note = f" (its {MAX_DISTINCT_SCAN:,} most frequent of {len(vc):,} distinct values)"
            vc = vc.iloc[:MAX_DISTINCT_SCAN]
        counts = pd.Series(vc.to_numpy(), index=_as_text(vc.index))
        try:
            arr = pa.array(counts.index.to_numpy(), type=pa.string(), from_pandas=True)
        except (UnicodeEncodeError, pa.ArrowException):
            # lone surrogates (text decoded with errors='surrogateescape') cannot be UTF-8: U+FFFD in the
            # array the scans use, the value itself unchanged in the counts
            safe = [str(v).encode("utf-8", "surrogatepass").decode("utf-8", "replace") for v in counts.index]
            arr = pa.array(safe, type=pa.string())
        cache[column] = (counts, arr, note)
    return cache[column]


def placeholder_mask(arr, placeholders) -> np.ndarray:
    """Which of the distinct values (a pyarrow string array) are one of ``placeholders``, compared trimmed
    and case-folded, as `consistency.disguised_missing` compares them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    norm = pc.utf8_lower(pc.utf8_trim_whitespace(arr))
    wanted = pa.array(sorted({p.strip().lower() for p in placeholders}), type=pa.string())
    return pc.is_in(norm, value_set=wanted).to_numpy(zero_copy_only=False).astype(bool)
