"""New data measured against a baseline snapshot: per-column PSI and JS distance over the baseline's bins and
categories, added/removed/renamed columns, kind and dtype changes, the target's classes and the sensitive
groups. Shared by the drift checks (against ``--baseline``) and the split checks (the test set against the
training set's snapshot); :func:`comparison` computes it once per audit (``Dataset.memo``)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dataaudit.column_profiles import (
    OTHER,
    ColumnProfile,
    GroupProfile,
    bin_labels,
    category_counts,
    column_summary,
    group_counts,
    numeric_counts,
)
from dataaudit.dataset import Dataset
from dataaudit.snapshot import Snapshot

__all__ = ["ColumnDrift", "Comparison", "compare", "comparison", "js_distance", "psi"]

#: proportions are floored at this value in PSI, so an empty bin gives a large but finite term
PSI_EPSILON = 1e-4


def psi(old: Sequence[float], new: Sequence[float], eps: float = PSI_EPSILON) -> float:
    """Population stability index of two count vectors over the same bins: Σ (q − p)·ln(q / p), with
    proportions floored at ``eps``."""
    p = np.asarray(old, dtype="float64")
    q = np.asarray(new, dtype="float64")
    if p.sum() <= 0 or q.sum() <= 0:
        return 0.0
    p = np.maximum(p / p.sum(), eps)
    q = np.maximum(q / q.sum(), eps)
    return float(np.sum((q - p) * np.log(q / p)))


def js_distance(old: Sequence[float], new: Sequence[float]) -> float:
    """Jensen–Shannon distance (base 2, so between 0 and 1) of two count vectors over the same bins."""
    p = np.asarray(old, dtype="float64")
    q = np.asarray(new, dtype="float64")
    if p.sum() <= 0 or q.sum() <= 0:
        return 0.0
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        nz = a > 0
        return float(np.sum(a[nz] * np.log2(a[nz] / m[nz])))

    return math.sqrt(max(0.0, (kl(p) + kl(q)) / 2))


@dataclass(frozen=True)
class ColumnDrift:
    """One column in both datasets: counts over the same bins or categories, PSI and JS distance."""

    name: str
    kind: str
    old_kind: str
    old_rows: int
    new_rows: int
    old_missing: float
    new_missing: float
    labels: tuple[str, ...] = ()
    old_counts: tuple[int, ...] = ()
    new_counts: tuple[int, ...] = ()
    psi: float | None = None
    js: float | None = None
    new_categories: tuple[tuple[str, int], ...] = ()
    vanished: tuple[tuple[str, int], ...] = ()
    categories_known: bool = False  # the baseline listed every category, so new/vanished are exact
    old_summary: Mapping[str, float] | None = None
    new_summary: Mapping[str, float] | None = None
    note: str = ""

    @property
    def compared(self) -> bool:
        return self.psi is not None

    @property
    def score(self) -> float:
        """The PSI of a compared column (raises ValueError for one that was not compared)."""
        if self.psi is None:
            raise ValueError(f"column {self.name!r} was not compared: {self.note}")
        return self.psi

    @property
    def distance(self) -> float:
        """The JS distance of a compared column (raises ValueError for one that was not compared)."""
        if self.js is None:
            raise ValueError(f"column {self.name!r} was not compared: {self.note}")
        return self.js

    @property
    def old_values(self) -> int:
        return sum(self.old_counts)

    @property
    def new_values(self) -> int:
        return sum(self.new_counts)


@dataclass(frozen=True)
class Comparison:
    """New data measured against a baseline snapshot."""

    baseline: Snapshot
    new_rows: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    kinds: Mapping[str, tuple[str, str]]  # column → (old kind, new kind), for changed kinds
    dtypes: Mapping[str, tuple[str, str]]  # column → (old dtype, new dtype), same kind
    columns: Mapping[str, ColumnDrift]
    renames: tuple[tuple[str, str, str], ...]  # (old name, new name, why)
    target: ColumnDrift | None = None
    groups: Mapping[str, ColumnDrift] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _measure(data: Dataset, col: str, old: ColumnProfile) -> ColumnDrift:
    """Column ``col`` of ``data`` measured over the bins or categories of its baseline profile ``old``."""
    st = data.stats[col]
    common: dict[str, Any] = {
        "name": col,
        "kind": st.kind,
        "old_kind": old.kind,
        "old_rows": old.rows,
        "new_rows": st.rows,
        "old_missing": old.missing_share,
        "new_missing": st.missing_share,
    }
    if old.edges is not None and old.bins is not None:
        counts = numeric_counts(data, col, old.edges)
        if counts is None:
            return ColumnDrift(**common, note=f"baseline numeric, now {st.kind}: not comparable")
        return ColumnDrift(
            **common,
            labels=tuple(bin_labels(old.edges)),
            old_counts=old.bins,
            new_counts=counts,
            psi=psi(old.bins, counts),
            js=js_distance(old.bins, counts),
            old_summary=old.summary,
            new_summary=column_summary(data, col),
        )
    if old.categories is not None:
        new = category_counts(data, col)
        known = dict(old.categories)
        labels = list(known)
        old_counts = [known[k] for k in labels]
        new_counts = [new.get(k, 0) for k in labels]
        new_other = new.get(OTHER, 0)
        unseen = [(k, n) for k, n in new.items() if k not in known and k != OTHER]
        if old.complete:
            # every baseline category is known: each unseen category is its own bin (old count 0)
            labels += [k for k, _ in unseen]
            old_counts += [0] * len(unseen)
            new_counts += [n for _, n in unseen]
            if new_other:
                labels.append(OTHER)
                old_counts.append(0)
                new_counts.append(new_other)
            new_cats = tuple(unseen) + (((OTHER, new_other),) if new_other else ())
            vanished = tuple((k, n) for k, n in old.categories if new.get(k, 0) == 0)
        else:
            labels.append(OTHER)
            old_counts.append(old.other)
            new_counts.append(new_other + sum(n for _, n in unseen))
            new_cats, vanished = (), ()
        return ColumnDrift(
            **common,
            labels=tuple(labels),
            old_counts=tuple(old_counts),
            new_counts=tuple(new_counts),
            psi=psi(old_counts, new_counts),
            js=js_distance(old_counts, new_counts),
            new_categories=new_cats,
            vanished=vanished,
            categories_known=old.complete,
        )
    why = {
        "text": "free text or high-cardinality: values are not stored",
        "datetime": "dates move with time: compared by latency checks, not here",
        "empty": "no values in the baseline",
    }.get(old.kind, f"{old.kind} column: values not stored")
    return ColumnDrift(**common, note=why)


def _target(data: Dataset, base: Snapshot) -> ColumnDrift | None:
    t = data.roles.target
    if not t or t != base.target or t not in data.frame.columns:
        return None
    old = base.column(t)
    if base.target_classes is not None:
        profile = ColumnProfile(
            name=t,
            dtype=old.dtype if old else "",
            kind=old.kind if old else "categorical",
            rows=old.rows if old else base.rows,
            missing=old.missing if old else 0,
            distinct=len(base.target_classes),
            categories=base.target_classes,
            complete=True,
        )
        drift = _measure(data, t, profile)
        # the classes, not the column's kind, are what is compared
        return dataclasses.replace(
            drift, kind=data.target_kind or drift.kind, old_kind=base.target_kind or ""
        )
    if old is not None and old.edges is not None:
        return dataclasses.replace(_measure(data, t, old), old_kind=base.target_kind or old.kind)
    return None


def _group(data: Dataset, col: str, ref: GroupProfile) -> ColumnDrift:
    new = group_counts(data, col, ref=ref)
    old_map, new_map = dict(ref.counts), dict(new.counts)
    labels = list(old_map) + [k for k in new_map if k not in old_map]
    old_counts = [old_map.get(k, 0) for k in labels]
    new_counts = [new_map.get(k, 0) for k in labels]
    st = data.stats[col]
    return ColumnDrift(
        name=col,
        kind=st.kind,
        old_kind=st.kind,
        old_rows=sum(old_counts),
        new_rows=st.rows,
        old_missing=0.0,
        new_missing=st.missing_share,
        labels=tuple(labels),
        old_counts=tuple(old_counts),
        new_counts=tuple(new_counts),
        psi=psi(old_counts, new_counts),
        js=js_distance(old_counts, new_counts),
        new_categories=tuple((k, n) for k, n in new_map.items() if k not in old_map),
        vanished=tuple((k, n) for k, n in old_map.items() if new_map.get(k, 0) == 0),
        categories_known=True,
    )


def _renames(data: Dataset, base: Snapshot, removed: Sequence[str], added: Sequence[str]):
    """Pairs (removed, added) that look like one column renamed: the same kind and the same distribution
    (PSI below 0.1 over the removed column's bins, missing share within 2 points), or the same kind and a
    close name."""
    import difflib

    out: list[tuple[str, str, str]] = []
    taken: set[str] = set()
    for old_name in removed[:50]:
        old = base.column(old_name)
        if old is None:  # not reached: the removed names are the baseline's
            continue
        best: tuple[float, str, str] | None = None
        for new_name in added[:50]:
            if new_name in taken or data.stats[new_name].kind != old.kind:
                continue
            similar = difflib.SequenceMatcher(None, old_name.lower(), new_name.lower()).ratio()
            st = data.stats[new_name]
            # only columns with about as many distinct values and missing values are measured (cheap first)
            alike = abs(st.distinct - old.distinct) <= 0.1 * max(old.distinct, 10)
            alike = alike and abs(st.missing_share - old.missing_share) <= 0.02
            m = _measure(data, new_name, old) if alike else None
            same_values = m is not None and m.psi is not None and m.psi < 0.1
            if same_values or similar >= 0.8:
                why = "same values" if same_values else "similar name"
                if same_values and similar >= 0.5:
                    why = "same values, similar name"
                score = (1.0 if same_values else 0.0) + similar
                if best is None or score > best[0]:
                    best = (score, new_name, why)
        if best is not None:
            taken.add(best[1])
            out.append((old_name, best[1], best[2]))
    return tuple(out)


def compare(data: Dataset, base: Snapshot) -> Comparison:
    """Measure ``data`` against the baseline snapshot ``base``."""
    new_cols = data.columns
    old_names = base.names
    # sets and a name index built once: per-column lookups were quadratic in the number of columns
    old_by_name: dict[str, ColumnProfile] = {}
    for c in base.columns:
        old_by_name.setdefault(c.name, c)  # the first of a name, as Snapshot.column returns
    new_set = set(new_cols)
    added = tuple(c for c in new_cols if c not in old_by_name)
    removed = tuple(c for c in old_names if c not in new_set)
    kinds, dtypes, columns = {}, {}, {}
    for col in new_cols:
        old = old_by_name.get(col)
        if old is None:
            continue
        st = data.stats[col]
        if st.kind != old.kind and "empty" not in (st.kind, old.kind):
            kinds[col] = (old.kind, st.kind)
        elif st.dtype != old.dtype:
            dtypes[col] = (old.dtype, st.dtype)
        columns[col] = _measure(data, col, old)
    groups = {}
    for col in data.roles.sensitive:
        ref = base.group(col)
        if ref is not None and col in data.frame.columns:
            groups[col] = _group(data, col, ref)
    return Comparison(
        baseline=base,
        new_rows=data.n_rows,
        added=added,
        removed=removed,
        kinds=kinds,
        dtypes=dtypes,
        columns=columns,
        renames=_renames(data, base, removed, added),
        target=_target(data, base),
        groups=groups,
    )


def comparison(data: Dataset) -> Comparison | None:
    """The comparison of ``data`` against ``data.baseline``, computed once per audit and shared by the drift
    checks; None without a baseline."""
    base = getattr(data, "baseline", None)
    if base is None:
        return None
    return data.memo(("drift.comparison", id(base)), lambda: compare(data, base))
