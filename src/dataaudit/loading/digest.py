"""The sha256 of a data file (or a directory's files, one after the other), read in 1 MiB blocks: the
out-of-core engines never hold a file whole to hash it."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["file_sha256"]

BLOCK = 1 << 20


def file_sha256(*paths: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            while block := f.read(BLOCK):
                h.update(block)
    return h.hexdigest()
