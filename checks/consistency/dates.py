"""Consistency: text columns that hold dates which do not parse, or dates written in several layouts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import (
    _DATE_LIKE_PD,
    _expected,
    _grade_worst,
    _is_text,
    _pct,
    _probe_keys,
    _quote,
    _text_counts,
)
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Table, count
from dataaudit.privacy import mask_example

__all__ = ["UnparseableDates"]

_EXPLICIT_DATE_FORMATS = (
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d.%m.%y",
)


def _date_shape(values: pd.Series) -> pd.Series:
    """The layout of a date's date part: 2026-06-30 → y-n-n, 30/06/2026 → n/n/y, 30 Jun 2026 → n a y."""
    date_part = values.str.strip().str.split(r"[ T](?=\d{1,2}:)", n=1, regex=True).str[0]
    shape = date_part.str.replace(r"\d{3,4}", "y", regex=True).str.replace(r"\d{1,2}", "n", regex=True)
    return shape.str.replace(r"[A-Za-z]{2,}", "a", regex=True).str.replace(r",", "", regex=False)


def _parses(values: pd.Series) -> np.ndarray:
    """Which text values parse as dates: ISO 8601 first (fast), then common explicit layouts, then the
    general parser on at most 2,000 leftovers."""
    ok = pd.to_datetime(values, errors="coerce", format="ISO8601").notna().to_numpy()
    for fmt in _EXPLICIT_DATE_FORMATS:
        if ok.all():
            break
        rest = ~ok
        stripped = values[rest].str.strip().str.split(r"[ T]", n=1, regex=True).str[0]
        ok[rest] = pd.to_datetime(stripped, errors="coerce", format=fmt).notna().to_numpy()
    rest = np.flatnonzero(~ok)[:2000]
    if rest.size:
        ok[rest] = pd.to_datetime(values.iloc[rest], errors="coerce", format="mixed").notna().to_numpy()
    return ok


@dataclass(frozen=True)
class UnparseableDates(Check):
    """Text columns that are mostly dates but hold values that do not parse, or dates in several layouts.

    A text column counts as dates when at least `min_date_share` (80%) of its values look like dates
    (digits with - / . separators, or month names). Among those, a value that looks like a date but is not
    one (2026-02-30, 13/13/2025) is unparseable, and the layouts of the date parts (2026-06-30 → y-n-n,
    30/06/2026 → n/n/y) are compared: every value outside the most common layout counts as a mixed format.
    Words in a date column ('unknown') are `consistency.mixed_types`' concern.

    Why it matters: unparseable dates become missing (or crash a pipeline) when the column is converted,
    and mixed layouts are worse: 03/04/2025 is read as March or April depending on the parser, silently
    corrupting time features, time-based splits and freshness checks. Any such value warns; more than 5%
    fails, where the column cannot be converted without deciding the layout row by row.

    How to fix: export dates in one unambiguous layout (ISO 8601, YYYY-MM-DD), fix the impossible ones at
    the source, and parse with an explicit format.
    """

    id: ClassVar[str] = "consistency.unparseable_dates"
    title: ClassVar[str] = "Unparseable dates"
    area: ClassVar[Area] = Area.CONSISTENCY

    warn_above: float = 0.0
    fail_above: float = 0.05
    min_date_share: float = 0.8

    def run(self, data: Dataset) -> Outcome:
        findings = []  # (column, bad, mixed, judged, bad examples, layouts, note)
        examined = 0
        for c in data.columns:
            s = data.frame[c]
            if not _is_text(s) or data.stats[c].count == 0:
                continue
            probe = _probe_keys(data, c).str.contains(_DATE_LIKE_PD, regex=True, na=False)
            if probe.mean() < 0.5:
                continue
            vc, note = _text_counts(data, c)
            keys = pd.Series(vc.index, dtype=object).astype(str)
            like = keys.str.contains(_DATE_LIKE_PD, regex=True, na=False).to_numpy()
            w = vc.to_numpy(dtype="float64")
            if w[like].sum() < self.min_date_share * w.sum():
                continue
            examined += 1
            vals = keys[like].reset_index(drop=True)
            wl = w[like]
            ok = _parses(vals)
            bad = int(wl[~ok].sum())
            shapes = _date_shape(vals)
            per_shape = pd.Series(wl).groupby(shapes.to_numpy()).sum().sort_values(ascending=False)
            mixed = int(per_shape.iloc[1:].sum())
            if bad or mixed:
                layouts = [(k, int(v), _example_of(vals, shapes, k, ok)) for k, v in per_shape.items()]
                findings.append((c, bad, mixed, int(wl.sum()), list(vals[~ok][:5]), layouts, note))
        expected = _expected(self.warn_above, self.fail_above, "share of unparseable or off-layout dates")
        if not examined:
            return Outcome.skip(
                "no text column holds dates (date columns are already typed): nothing to parse"
            )
        if not findings:
            return Outcome.ok(
                f"{count(examined, 'text date column')} parse in one layout"
                if examined
                else "no text columns hold dates (date columns are already typed)",
                observed={},
                expected=expected,
            )
        status = _grade_worst(
            [max(b, m) / j for _, b, m, j, _, _, _ in findings], self.warn_above, self.fail_above
        )
        parts = []
        for c, bad, mixed, judged, ex, layouts, note in findings[:3]:
            bits = []
            if bad:
                bits.append(
                    f"{count(bad, 'value')} ({_pct(bad / judged)}) do not parse ({_quote(ex, c, 'datetime')})"
                )
            if mixed:
                shown = ", ".join(f"{e} ×{k:,}" for _, k, e in layouts[:3])
                bits.append(
                    f"{count(len(layouts), 'layout')}: {shown}; "
                    f"{mixed:,} values ({_pct(mixed / judged)}) off the main one"
                )
            parts.append(f"{c}{note}: " + "; ".join(bits))
        table = Table.of(
            ("column", "layout", "values", "example"),
            [(c, shape, k, e) for c, _, _, _, _, layouts, _ in findings for shape, k, e in layouts[:10]],
            title="Date layouts",
        )
        bad_table = Table.of(
            ("column", "unparseable value"),
            [
                (c, mask_example(v, column=c, kind="datetime"))
                for c, _, _, _, ex, _, _ in findings
                for v in ex
            ],
            title="Unparseable dates (examples)",
        )
        return Outcome.make(
            status,
            " | ".join(parts),
            observed={
                c: {"unparseable": b, "off_layout": m, "values": j} for c, b, m, j, _, _, _ in findings
            },
            expected=expected,
            columns=[f[0] for f in findings],
            evidence=[table, bad_table],
        )


def _example_of(vals: pd.Series, shapes: pd.Series, shape: str, ok: np.ndarray) -> str:
    """The most common value of a layout that parses (an impossible 31/02/2026 does not illustrate it)."""
    of_shape = shapes.to_numpy() == shape
    hit = vals[of_shape & ok]
    if not len(hit):
        hit = vals[of_shape]
    return str(hit.iloc[0]) if len(hit) else ""
