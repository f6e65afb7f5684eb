"""Snapshots: a compact, versioned JSON of per-column statistics (:mod:`dataaudit.column_profiles`).

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

The comparison (``dataaudit.checks._drift_compare``, shared by the drift and split checks) measures the new
data with the same counting code over the baseline's bins and categories; :mod:`dataaudit.baseline` reads
``--baseline``.

Format (``format: dataaudit-snapshot``, ``version: 1``); a reader refuses a newer major version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.column_profiles import (
    N_BINS,
    OTHER,
    TOP_K,
    ColumnProfile,
    GroupProfile,
    category_counts,
    group_counts,
    profile_column,
)
from dataaudit.errors import DataLoadError

if TYPE_CHECKING:
    from dataaudit.dataset import Dataset

__all__ = [
    "N_BINS",
    "OTHER",
    "SNAPSHOT_FORMAT",
    "SNAPSHOT_VERSION",
    "TOP_K",
    "ColumnProfile",
    "GroupProfile",
    "Snapshot",
    "is_snapshot",
]

SNAPSHOT_FORMAT = "dataaudit-snapshot"
SNAPSHOT_VERSION = 1
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024


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

        profiles = tuple(profile_column(data, col) for col in data.columns)
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
