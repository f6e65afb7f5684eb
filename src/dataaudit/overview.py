"""The dataset overview: one :class:`~dataaudit.model.ColumnSummary` per column, from the shared statistics.

Each line carries a small picture of the column's values, computed here from aggregates (never drawn here):
a histogram of a numeric or datetime column's values, or the shares of a categorical column's most frequent
values. The renderer draws it as an inline SVG sparkline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from dataaudit.model import ColumnSummary
from dataaudit.privacy import mask_example
from dataaudit.stats import HISTOGRAM_BINS

if TYPE_CHECKING:
    from dataaudit.dataset import Dataset

__all__ = ["MAX_OVERVIEW_COLUMNS", "SPARK_BINS", "column_summaries", "ordered_tokens"]

MAX_OVERVIEW_COLUMNS = 500
#: bins of a numeric or datetime column's histogram (the statistics count them), bars of a categorical
#: column's top values
SPARK_BINS = HISTOGRAM_BINS
SPARK_BARS = 8


def column_summaries(dataset: Dataset) -> tuple[ColumnSummary, ...]:
    """The overview's lines for the first :data:`MAX_OVERVIEW_COLUMNS` columns."""
    out = []
    for col in dataset.columns[:MAX_OVERVIEW_COLUMNS]:
        st = dataset.stats[col]
        try:
            shape, shape_kind = _shape(dataset, col, st.kind)
        except (ValueError, OverflowError, TypeError):  # a picture never takes the audit down (1e308 spans)
            shape, shape_kind = (), ""
        out.append(
            ColumnSummary(
                col,
                st.dtype,
                st.kind,
                st.missing,
                st.missing_share,
                st.distinct,
                tuple(mask_example(v, column=col, kind=st.kind) for v, _ in st.top[:3]),
                dataset.roles.role_of(col),
                null_tokens=ordered_tokens(dataset.source.null_tokens.get(col, {})),
                shape=shape,
                shape_kind=shape_kind,
            )
        )
    return tuple(out)


def ordered_tokens(counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """The null tokens read as missing, {token: cells}, as ((token, cells), ...): most frequent first, then
    by token."""
    return tuple(sorted(((str(t), int(k)) for t, k in counts.items()), key=lambda tk: (-tk[1], tk[0])))


def _shape(dataset: Dataset, column: str, kind: str) -> tuple[tuple[float, ...], str]:
    """Bar heights in [0, 1] (the tallest is 1) and what they are: ``histogram`` (equal-width bins from the
    minimum to the maximum, from the statistics), ``top`` (shares of the most frequent values, most frequent
    first) or ``""``."""
    stats = dataset.stats
    if kind in ("numeric", "datetime"):
        counts = np.asarray(stats[column].histogram)
        return (_normalised(counts), "histogram") if counts.size else ((), "")
    if kind in ("categorical", "boolean"):
        counts = stats.value_counts(column).to_numpy()[:SPARK_BARS]
        if counts.size:
            return _normalised(counts), "top"
    return (), ""


def _normalised(counts: np.ndarray) -> tuple[float, ...]:
    top = float(counts.max()) or 1.0
    return tuple(round(float(c) / top, 3) for c in counts)
