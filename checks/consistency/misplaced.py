"""Consistency: values that slid into the neighbouring column ('San Francisco CA' in city, state empty)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.checks.consistency._common import _pct
from dataaudit.checks.consistency._text import distinct_text, text_columns
from dataaudit.dataset import Dataset
from dataaudit.model import Area, Check, Outcome, Status, Table, count, grade, worst_status
from dataaudit.privacy import mask_example

__all__ = ["MisplacedValues"]

#: a column whose values can slide into another: few, short values (a state, a unit, a country code)
MAX_HOST_DISTINCT = 500
MAX_HOST_LENGTH = 24


@dataclass(frozen=True)
class MisplacedValues(Check):
    """Values of one column written into another, in rows where the first is empty.

    For each pair of text columns A and B, where B holds few, short values (a state, a country code, a
    unit), the check looks for values of A that are another value of A followed by a value of B —
    ``San Francisco CA`` beside ``San Francisco``, with ``CA`` a state — in rows where B is empty. That is
    the signature of a shifted or merged field: a scraper or an export that wrote the state into the city
    and left the state blank. Only distinct values are compared; rows are counted once per finding.

    Why it matters: the city column gains spurious categories (``San Francisco CA`` is a different value
    from ``San Francisco`` to a model or a join), and the other column loses a value that was there all
    along: its missing values are not missing, they are misplaced.

    How to fix: split the trailing part off into its own column where that column is empty (e.g.
    ``df.loc[m, ["city", "state"]] = df.loc[m, "city"].str.rsplit(" ", n=1).tolist()``), then fix the export
    that merged them. The grade: any such row warns (`warn_above` 0 rows); more than `fail_above` of all
    rows fails.
    """

    id: ClassVar[str] = "consistency.misplaced_values"
    title: ClassVar[str] = "Values in the wrong column"
    area: ClassVar[Area] = Area.CONSISTENCY

    min_rows: int = 3
    #: of the rows holding such a value, at least this share must have B empty (the shift's signature)
    min_empty_share: float = 0.8
    warn_above: float = 0.0
    fail_above: float | None = 0.02

    def run(self, data: Dataset) -> Outcome:
        texts = text_columns(data)
        hosts = [c for c in texts if self._host(data, c)]
        if not hosts or len(texts) < 2:
            return Outcome.skip(
                "no pair of text columns where one holds few, short values (a state, a code, a unit) "
                f"that could slide into another ({count(len(texts), 'text column')})"
            )
        findings, checked = [], 0
        for b in hosts:
            checked += len(texts) - 1
            if data.stats[b].missing < self.min_rows:  # the signature needs B empty in those rows
                continue
            empty_b = data.frame[b].isna().to_numpy()
            findings += [f for a in texts if a != b and (f := self._pair(data, a, b, empty_b))]
        if not findings:
            return Outcome.ok(
                f"no value of one column written into another ({count(checked, 'column pair')} checked)"
            )
        return self._word(data, findings)

    def _host(self, data: Dataset, column: str) -> bool:
        st = data.stats[column]
        return 2 <= st.distinct <= MAX_HOST_DISTINCT and (st.mean_length or 0) <= MAX_HOST_LENGTH

    def _pair(self, data: Dataset, a: str, b: str, empty_b: np.ndarray) -> dict | None:
        counts, _, _ = distinct_text(data, a)
        if len(counts) < 2:
            return None
        keys = pd.Series(counts.index, dtype=object)
        parts = keys.str.extract(r"^(.*?\S)[ ,]+(\S+)$")  # the value, then a last word after a space/comma
        head, tail = parts[0], parts[1]
        b_values = set(distinct_text(data, b)[0].index)
        hit = (tail.isin(b_values) & head.isin(set(counts.index)) & (head != keys)).to_numpy()
        if not hit.any():
            return None
        values = set(keys[hit])
        # rows are looked at only where B is empty, and only the candidate values' rows counted in all
        col = data.frame[a]
        rows = int(col[empty_b].astype("object").map(str, na_action="ignore").isin(values).sum())
        if rows < self.min_rows:
            return None
        in_rows = int(counts[counts.index.isin(values)].sum())  # rows holding a candidate, B empty or not
        if rows < self.min_empty_share * in_rows:
            return None
        examples = [(v, h, t) for v, h, t in zip(keys[hit], head[hit], tail[hit])][:5]
        return {"column": a, "into": b, "rows": rows, "values": int(hit.sum()), "examples": examples}

    def _word(self, data: Dataset, findings: list[dict]) -> Outcome:
        n = data.n_rows
        findings.sort(key=lambda f: -f["rows"])
        statuses = [
            grade(f["rows"] / n, warn=self.warn_above, fail=self.fail_above, higher_is_worse=True)
            for f in findings
        ]
        status = worst_status(*statuses) if statuses else Status.PASS
        parts = []
        for f in findings[:3]:
            v, h, t = f["examples"][0]
            shown = mask_example(v, column=f["column"], kind="categorical")
            parts.append(
                f"{f['column']}: {count(f['rows'], 'row')} ({_pct(f['rows'] / n)}) end with a value of "
                f"{f['into']!r} while {f['into']!r} is empty (e.g. {shown!r} = "
                f"{mask_example(h, column=f['column'], kind='categorical')!r} + "
                f"{mask_example(t, column=f['into'], kind='categorical')!r})"
            )
        rows = [
            (
                f["column"],
                f["into"],
                mask_example(v, column=f["column"], kind="categorical"),
                mask_example(h, column=f["column"], kind="categorical"),
                mask_example(t, column=f["into"], kind="categorical"),
            )
            for f in findings
            for v, h, t in f["examples"]
        ]
        table = Table.of(
            ("column", "slid from", "value", "its own part", "the other column's part"),
            rows,
            title="Values holding another column's value",
        )
        total = int(np.sum([f["rows"] for f in findings]))
        return Outcome.make(
            status,
            "; ".join(parts) + (f"; and {len(findings) - 3} more" if len(findings) > 3 else ""),
            observed={"rows": total, "pairs": [(f["column"], f["into"], f["rows"]) for f in findings]},
            expected=f"no row holding another column's value (fail above {_pct(self.fail_above or 0)})",
            columns=sorted({c for f in findings for c in (f["column"], f["into"])}),
            evidence=table,
        )
