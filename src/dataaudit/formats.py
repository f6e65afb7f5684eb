"""Which format a data file is in, from ``--format`` or its extensions.

Light on purpose: the CLI imports it at start-up.
"""

from __future__ import annotations

from pathlib import Path

from dataaudit.errors import DataLoadError

__all__ = ["FORMATS", "detect_format"]

FORMATS = ("csv", "tsv", "parquet", "feather", "json", "jsonl", "xlsx")
_EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".feather": "feather",  # Feather v1/v2; v2 is the Arrow IPC file format
    ".arrow": "feather",
    ".arrows": "feather",  # the Arrow IPC stream format
    ".ipc": "feather",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}
_COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zip": "zip"}


def detect_format(path: Path, fmt: str | None = None) -> tuple[str, str | None]:
    """(format, compression) from ``--format`` or the file's extensions, e.g. ``x.csv.gz`` → (csv, gzip)."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = _COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if compression:
        suffixes = suffixes[:-1]
    if fmt:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise DataLoadError(f"{path}: unsupported --format {fmt!r} (choose from {', '.join(FORMATS)})")
        return fmt, compression
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]], compression
    if compression:  # data.gz: assume CSV inside
        return "csv", compression
    ext = path.suffix or "(none)"
    raise DataLoadError(
        f"{path}: unsupported file type {ext!r}; supported: .csv .tsv .parquet .feather .arrow .json .jsonl "
        ".xlsx (optionally .gz/.bz2/.xz/.zip), or pass --format"
    )
