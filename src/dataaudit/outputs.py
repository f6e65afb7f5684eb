"""Output paths are checked before the audit runs, so a mistyped ``-o`` fails in a second, not after a long
audit, and never overwrites the data being audited.

A path is refused (``ConfigError``, exit 2) when it is a directory, when its folder does not exist (it is
not created: a typo in a folder name should not silently make a new folder), when the folder is not
writable, or when it is the input data file itself (also through a symlink or a hard link).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from dataaudit.errors import ConfigError

__all__ = ["check_output"]


def check_output(path: str | Path, inputs: Iterable[str | Path] = (), new_folder_ok: bool = False) -> None:
    """Raise :class:`ConfigError` ``"<path>: cannot write output (<why>)"`` if ``path`` cannot be written or
    is one of ``inputs``. ``new_folder_ok``: a missing folder is fine (the writer creates it; ``init``)."""
    if str(path) == "-":  # `--json -` is stdout; elsewhere '-' would silently become a file named '-'
        _refuse(Path("-"), "'-' for standard output works with --json only; give a file path")
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        _refuse(path, "it is a directory")
    if not folder.exists():
        if new_folder_ok:
            return
        _refuse(path, f"folder {folder} does not exist")
    if not folder.is_dir():
        _refuse(path, f"{folder} is not a folder")
    for given in inputs:
        if _same_file(path, Path(given)):
            _refuse(path, "it is the input data file; refusing to overwrite it")
    if path.exists() and not os.access(path, os.W_OK):
        _refuse(path, "the file is read-only")
    try:  # a real probe: os.access says yes to root even on a folder that refuses new files
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        _refuse(path, f"folder {folder} is not writable: {exc.strerror or exc}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _refuse(path: Path, why: str) -> None:
    raise ConfigError(f"{path}: cannot write output ({why})")
