"""Snapshots: a compact, versioned JSON of per-column statistics, and the comparison of new data against one.

``dataaudit run OLD --save-snapshot old.snapshot.json`` writes a snapshot; ``dataaudit run NEW --baseline
old.snapshot.json`` (or ``--baseline OLD`` with the old data file itself) compares NEW against it, so CI needs
no copy of the old data.

What a snapshot holds, per column: dtype, kind, rows, missing and distinct counts; numeric columns: the
interior edges of ten bins fixed at the column's deciles and the count in each bin, plus mean/std/median;
categorical and boolean columns: the top ``TOP_K`` categories with their counts, an ``other`` count for the
rest and whether the list is complete. Also the target's class counts and the shares of each sensitive
attribute's groups. It holds no rows. Category labels are stored only for low-cardinality columns, and
masked with :func:`dataaudit.privacy.mask_example` (e-mails and id-like numbers masked; columns whose name
says personal masked word by word); free-text and high-cardinality columns keep counts only.

The comparison computes the new data's side with the same code (:func:`numeric_counts`,
:func:`category_counts`, :func:`group_counts`) over the baseline's bins and categories, so comparing against
the raw baseline and against its snapshot gives identical results.

Format (``format: dataaudit-snapshot``, ``version: 1``); a reader refuses a newer major version.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dataaudit.errors import DataLoadError
from dataaudit.privacy import mask_example

if TYPE_CHECKING:
    from dataaudit.dataset import Dataset

__all__ = [
    "SNAPSHOT_FORMAT",
    "SNAPSHOT_VERSION",
    "ColumnDrift",
    "ColumnProfile",
    "Comparison",
    "Snapshot",
    "compare",
    "comparison",
    "is_snapshot",
    "js_distance",
    "psi",
]

SNAPSHOT_FORMAT = "dataaudit-snapshot"
SNAPSHOT_VERSION = 1
#: categories stored per categorical column (the rest are counted in ``other``)
TOP_K = 50
#: numeric columns are binned at the baseline's deciles (the usual PSI setup: ten equal-mass bins)
N_BINS = 10
#: the new side of a comparison labels at most this many distinct values per column; rarer ones are
#: counted together (bounded work on a column that suddenly holds many distinct values)
MAX_LABELLED = 1000
#: numeric bin edges are the deciles of at most this many values (a seeded sample of larger columns)
EDGE_SAMPLE = 100_000
#: proportions are floored at this value in PSI, so an empty bin gives a large but finite term
PSI_EPSILON = 1e-4
OTHER = "(other)"
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024
_STORED_KINDS = ("categorical", "boolean")


# ----------------------------------------------------------------------------------------------------------
# The snapshot


@dataclass(frozen=True)
class ColumnProfile:
    """One column's statistics. ``edges``/``bins`` for numeric columns; ``categories``/``other`` for
    categorical and boolean ones (``complete``: every category is listed)."""

    name: str
    dtype: str
    kind: str
    rows: int
    missing: int
    distinct: int
    edges: tuple[float, ...] | None = None
    bins: tuple[int, ...] | None = None
    summary: Mapping[str, float] | None = None
    categories: tuple[tuple[str, int], ...] | None = None
    other: int = 0
    complete: bool = False

    @property
    def missing_share(self) -> float:
        return self.missing / self.rows if self.rows else 0.0

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "dtype": self.dtype,
            "kind": self.kind,
            "rows": self.rows,
            "missing": self.missing,
            "distinct": self.distinct,
        }
        if self.edges is not None:
            d["edges"] = list(self.edges)
            d["bins"] = list(self.bins or ())
            d["summary"] = dict(self.summary or {})
        if self.categories is not None:
            d["categories"] = [[k, n] for k, n in self.categories]
            d["other"] = self.other
            d["complete"] = self.complete
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ColumnProfile:
        edges = d.get("edges")
        cats = d.get("categories")
        return cls(
            name=str(d["name"]),
            dtype=str(d["dtype"]),
            kind=str(d["kind"]),
            rows=int(d["rows"]),
            missing=int(d["missing"]),
            distinct=int(d["distinct"]),
            edges=None if edges is None else tuple(float(e) for e in edges),
            bins=None if edges is None else tuple(int(b) for b in d["bins"]),
            summary=None if edges is None else {str(k): float(v) for k, v in d.get("summary", {}).items()},
            categories=None if cats is None else tuple((str(k), int(n)) for k, n in cats),
            other=int(d.get("other", 0)),
            complete=bool(d.get("complete", False)),
        )


@dataclass(frozen=True)
class GroupProfile:
    """Counts of one sensitive attribute's groups. ``edges``: the groups are the column's numeric bins."""

    column: str
    counts: tuple[tuple[str, int], ...]
    edges: tuple[float, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"column": self.column, "counts": [[k, n] for k, n in self.counts]}
        if self.edges is not None:
            d["edges"] = list(self.edges)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> GroupProfile:
        edges = d.get("edges")
        return cls(
            str(d["column"]),
            tuple((str(k), int(n)) for k, n in d["counts"]),
            None if edges is None else tuple(float(e) for e in edges),
        )


@dataclass(frozen=True)
class Snapshot:
    """Per-column statistics of a dataset; see the module docstring."""

    rows: int
    columns: tuple[ColumnProfile, ...]
    target: str | None = None
    target_kind: str | None = None
    target_classes: tuple[tuple[str, int], ...] | None = None
    groups: tuple[GroupProfile, ...] = ()
    source: Mapping[str, Any] = field(default_factory=dict)
    created: str | None = None
    tool: str | None = None
    version: int = SNAPSHOT_VERSION

    def column(self, name: str) -> ColumnProfile | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def kind_of(self, name: str) -> str:
        """The kind of column ``name`` in the baseline ("" if it has none)."""
        c = self.column(name)
        return c.kind if c is not None else ""

    def group(self, name: str) -> GroupProfile | None:
        for g in self.groups:
            if g.column == name:
                return g
        return None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    # -- building ---------------------------------------------------------------------------------------
    @classmethod
    def from_dataset(cls, data: Dataset) -> Snapshot:
        """Profile ``data``: every column, the target's classes and the sensitive groups."""
        from dataaudit import __version__

        profiles = tuple(_profile(data, col) for col in data.columns)
        by_name = {p.name: p for p in profiles}
        target = data.roles.target if data.roles.target in by_name else None
        kind = data.target_kind if target else None
        classes = None
        if target and kind in ("binary", "multiclass"):
            classes = tuple(category_counts(data, target).items())
        groups = tuple(
            group_counts(data, col, own=by_name[col]) for col in data.roles.sensitive if col in by_name
        )
        src = data.source
        return cls(
            rows=data.n_rows,
            columns=profiles,
            target=target,
            target_kind=kind,
            target_classes=classes,
            groups=groups,
            source={
                "name": Path(src.path).name if src.path else None,
                "format": src.format,
                "sha256": src.sha256,
                "columns": data.n_cols,
            },
            created=data.as_of.isoformat(),
            tool=__version__,
        )

    # -- JSON -------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": SNAPSHOT_FORMAT,
            "version": self.version,
            "tool": self.tool,
            "created": self.created,
            "source": dict(self.source),
            "rows": self.rows,
            "target": None
            if self.target is None
            else {
                "column": self.target,
                "kind": self.target_kind,
                "classes": None if self.target_classes is None else [[k, n] for k, n in self.target_classes],
            },
            "groups": [g.to_dict() for g in self.groups],
            "columns": [c.to_dict() for c in self.columns],
        }

    def to_json(self) -> str:
        # floats are written with repr, so a round trip reproduces every edge exactly
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False, allow_nan=False) + "\n"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], source: str = "snapshot") -> Snapshot:
        if not isinstance(d, Mapping) or d.get("format") != SNAPSHOT_FORMAT:
            raise DataLoadError(f"{source}: not a dataaudit snapshot (no 'format: {SNAPSHOT_FORMAT}')")
        version = d.get("version")
        if not isinstance(version, int) or version > SNAPSHOT_VERSION:
            raise DataLoadError(
                f"{source}: snapshot format version {version!r} is newer than this dataaudit reads "
                f"({SNAPSHOT_VERSION}); upgrade dataaudit"
            )
        try:
            t = d.get("target") or {}
            classes = t.get("classes")
            return cls(
                rows=int(d["rows"]),
                columns=tuple(ColumnProfile.from_dict(c) for c in d["columns"]),
                target=t.get("column"),
                target_kind=t.get("kind"),
                target_classes=None if classes is None else tuple((str(k), int(n)) for k, n in classes),
                groups=tuple(GroupProfile.from_dict(g) for g in d.get("groups", ())),
                source=dict(d.get("source") or {}),
                created=d.get("created"),
                tool=d.get("tool"),
                version=version,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataLoadError(f"{source}: malformed snapshot ({type(exc).__name__}: {exc})") from None

    @classmethod
    def from_json(cls, text: str, source: str = "snapshot") -> Snapshot:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataLoadError(f"{source}: invalid JSON in snapshot: {exc}") from None
        return cls.from_dict(doc, source)

    @classmethod
    def load(cls, path: str | Path) -> Snapshot:
        path = Path(path)
        try:
            if path.stat().st_size > MAX_SNAPSHOT_BYTES:
                raise DataLoadError(f"{path}: snapshot larger than {MAX_SNAPSHOT_BYTES // 2**20} MiB")
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataLoadError(f"{path}: cannot read snapshot ({exc})") from None
        return cls.from_json(text, str(path))


def is_snapshot(path: str | Path) -> bool:
    """Whether ``path`` is a snapshot file (a JSON object whose ``format`` is ``dataaudit-snapshot``)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and b'"' + SNAPSHOT_FORMAT.encode() in head


# ----------------------------------------------------------------------------------------------------------
# The shared counting code: used to build a snapshot and to measure new data against one


def _finite(data: Dataset, col: str) -> np.ndarray | None:
    num = data.stats.numeric(col)
    if num is None:
        return None
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    return arr[np.isfinite(arr)]


def numeric_counts(data: Dataset, col: str, edges: Sequence[float]) -> tuple[int, ...] | None:
    """Counts of the column's finite values in the right-closed bins ``(-inf, e0], (e0, e1], ... (ek, inf)``;
    None when the column is not numeric."""
    arr = _finite(data, col)
    return None if arr is None else _bin_counts(arr, edges)


def _bin_counts(arr: np.ndarray, edges: Sequence[float]) -> tuple[int, ...]:
    # one vectorised comparison per edge (at most N_BINS - 1): faster than a binary search per value
    at_most = [int(np.count_nonzero(arr <= e)) for e in edges]
    return tuple(int(n) for n in np.diff([0, *at_most, arr.size]))


_NEEDS_MASK = re.compile(r"@|\d")


def _labels(values: pd.Index, column: str) -> list[str]:
    """Stored labels of category values: text (integral floats as integers, so 1.0 and 1 agree), masked as
    the report masks a low-cardinality category."""
    out = []
    for v in values:  # distinct values only, at most MAX_LABELLED
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        text = str(v)
        out.append(mask_example(text, column=column, kind="categorical") if _masked(text, column) else text)
    return out


def _masked(text: str, column: str) -> bool:
    from dataaudit.privacy import looks_personal

    return bool(_NEEDS_MASK.search(text)) or looks_personal(column) or len(text) > 40


def category_counts(data: Dataset, col: str) -> dict[str, int]:
    """Counts per (masked) category label, most frequent first. Values beyond the ``MAX_LABELLED`` most
    frequent are counted under ``(other)``."""
    vc = data.stats.value_counts(col)
    head, rest = vc.iloc[:MAX_LABELLED], vc.iloc[MAX_LABELLED:]
    counts = pd.Series(head.to_numpy(), index=_labels(head.index, col), dtype="int64")
    counts = counts.groupby(level=0, sort=False).sum().sort_values(ascending=False, kind="stable")
    out = {str(k): int(n) for k, n in counts.items()}
    if len(rest):
        out[OTHER] = out.get(OTHER, 0) + int(rest.sum())
    return out


def _profile(data: Dataset, col: str) -> ColumnProfile:
    st = data.stats[col]
    base: dict[str, Any] = {
        "name": col,
        "dtype": st.dtype,
        "kind": st.kind,
        "rows": st.rows,
        "missing": st.missing,
        "distinct": st.distinct,
    }
    if st.kind == "numeric":
        arr = _finite(data, col)
        if arr is not None and arr.size:
            probe = arr  # deciles from a seeded sample: the bins are fixed, counts use all rows
            if arr.size > EDGE_SAMPLE:
                probe = arr[np.random.default_rng(0).integers(0, arr.size, EDGE_SAMPLE)]
            qs = np.quantile(probe, np.arange(1, N_BINS) / N_BINS)
            edges = tuple(float(e) for e in np.unique(qs))
            return ColumnProfile(
                **base, edges=edges, bins=_bin_counts(arr, edges), summary=_summary(data, col)
            )
    if st.kind in _STORED_KINDS:
        counts = category_counts(data, col)
        other = counts.pop(OTHER, 0)
        items = list(counts.items())
        top, rest = items[:TOP_K], items[TOP_K:]
        return ColumnProfile(
            **base,
            categories=tuple(top),
            other=other + sum(n for _, n in rest),
            complete=not rest and not other,
        )
    return ColumnProfile(**base)


def group_counts(
    data: Dataset, col: str, *, own: ColumnProfile | None = None, ref: GroupProfile | None = None
):
    """A sensitive attribute's group counts. Groups are :meth:`Dataset.groups` labels, except for a numeric
    attribute banded in quantiles: its bands would move with the data, so it uses the baseline column's fixed
    bins instead (``ref.edges`` when comparing, ``own.edges`` when profiling)."""
    from dataaudit.dataset import MAX_CLASSES
    from dataaudit.roles import tokens

    edges = ref.edges if ref is not None else None
    quantile_banded = own is not None and own.distinct > MAX_CLASSES and "age" not in tokens(col)
    if ref is None and own is not None and own.edges is not None and quantile_banded:
        edges = own.edges
    if edges is not None:
        bins = numeric_counts(data, col, edges) or ()
        labels = bin_labels(edges)
        missing = data.stats[col].missing
        pairs = [(lab, n) for lab, n in zip(labels, bins)]
        if missing:
            from dataaudit.dataset import MISSING_GROUP

            pairs.append((MISSING_GROUP, missing))
        return GroupProfile(col, tuple(pairs), tuple(edges))
    from dataaudit.dataset import MISSING_GROUP

    st = data.stats[col]
    if st.kind == "numeric" and st.distinct > MAX_CLASSES:  # ages, in the bias checks' fixed bands
        vc = data.groups(col).value_counts()
        counts = dict(zip(_labels(vc.index, col), (int(n) for n in vc.to_numpy())))
    else:  # categories: the shared value counts, labelled as in the column's profile
        counts = category_counts(data, col)
        if st.missing:
            counts[MISSING_GROUP] = counts.get(MISSING_GROUP, 0) + st.missing
    pairs = sorted(counts.items(), key=lambda kv: -kv[1])
    return GroupProfile(col, tuple(pairs))


def _edge(x: float) -> str:
    return f"{x:,.0f}" if 1e4 <= abs(x) < 1e15 else f"{x:.4g}"


def bin_labels(edges: Sequence[float]) -> list[str]:
    if not len(edges):
        return ["all values"]
    e = [_edge(x) for x in edges]
    return [f"≤ {e[0]}", *(f"{a}–{b}" for a, b in zip(e[:-1], e[1:])), f"> {e[-1]}"]


# ----------------------------------------------------------------------------------------------------------
# Comparison


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


def _summary(data: Dataset, col: str) -> dict[str, float] | None:
    """Mean, std, min, median and max, from the column's shared statistics (computed once per column)."""
    q = data.stats[col].quantiles
    return None if q is None else {k: float(q[k]) for k in ("mean", "std", "min", "p50", "max")}


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
            new_summary=_summary(data, col),
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


_CACHE: weakref.WeakKeyDictionary[Any, Comparison] = weakref.WeakKeyDictionary()


def comparison(data: Dataset) -> Comparison | None:
    """The comparison of ``data`` against ``data.baseline``, computed once and shared by the drift checks;
    None without a baseline."""
    base = getattr(data, "baseline", None)
    if base is None:
        return None
    cached = _CACHE.get(data)
    if cached is None or cached.baseline is not base:
        cached = compare(data, base)
        _CACHE[data] = cached
    return cached


def baseline_dataset(path: str | Path, like: Dataset, fmt: str | None = None) -> Dataset:
    """Load a baseline *data file* as a Dataset with the roles of ``like`` (the new data), so its snapshot
    profiles the same target and sensitive columns."""
    from dataaudit.loading import load

    frame, source = load(path, fmt=fmt)
    return _baseline_from_frame(frame, source, like)


def _baseline_from_frame(frame: pd.DataFrame, source: Any, like: Dataset) -> Dataset:
    """A baseline frame as a Dataset with the roles of ``like`` that name one of its columns."""
    from dataaudit.dataset import Dataset, Roles

    r = like.roles
    cols = set(map(str, frame.columns))
    roles = Roles(
        target=r.target if r.target in cols else None,
        sensitive=tuple(c for c in r.sensitive if c in cols),
        timestamp=r.timestamp if r.timestamp in cols else None,
        ingested_at=r.ingested_at if r.ingested_at in cols else None,
        label_time=r.label_time if r.label_time in cols else None,
        id=r.id if r.id in cols else None,
        ignore=tuple(c for c in r.ignore if c in cols),
    )
    return Dataset(frame, source=source, roles=roles, as_of=like.as_of, sample_rows=like.sample_rows)


def load_baseline(path: str | Path, like: Dataset) -> Snapshot:
    """``--baseline OLD``: a snapshot file, or a data file profiled with the roles of ``like``."""
    path = Path(path)
    if not path.exists():
        raise DataLoadError(f"{path}: baseline not found")
    if is_snapshot(path):
        return Snapshot.load(path)
    return Snapshot.from_dataset(baseline_dataset(path, like))


def plan_baseline(dataset: Dataset, baseline: Any, planned: list) -> list:
    """Attach ``baseline`` (a path to a data file or snapshot, a DataFrame, or a :class:`Snapshot`) to
    ``dataset`` and return the planned checks. Without a baseline the drift checks are left out of the run
    entirely (they would only be skipped), and selecting nothing but them is a configuration error."""
    from dataaudit.errors import ConfigError
    from dataaudit.model import Area

    if baseline is None:
        kept = [p for p in planned if p.check.area != Area.DRIFT]
        if not kept:
            raise ConfigError(
                "the drift checks compare against a baseline: give one with --baseline OLD "
                "(a data file or a snapshot written with --save-snapshot)"
            )
        return kept
    if isinstance(baseline, Snapshot):
        snap = baseline
    elif isinstance(baseline, pd.DataFrame):
        from dataaudit.loading import from_frame

        frame, source = from_frame(baseline)
        snap = Snapshot.from_dataset(_baseline_from_frame(frame, source, dataset))
    else:
        snap = load_baseline(baseline, dataset)
    dataset.baseline = snap
    return planned
