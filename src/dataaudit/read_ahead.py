"""The data file read, and its sha256 taken, while the command line imports pandas and the checks.

``dataaudit run data.csv`` spends its first ~0.6 s importing (pandas, pydantic, the checks' modules), on one
core, holding the GIL. Reading the file and hashing it need neither (both let go of the GIL), and neither
depends on the config: :func:`start` begins them in a thread at once, and :func:`dataaudit.loading.load`
takes the bytes and their digest (:func:`take`) instead of reading the file again (1M rows, 196 MB: ~0.3 s
off the audit's wall time on two cores).

Taken only while the file is as it was when the thread read it (same size, modification time and inode):
otherwise, and on any error in the thread, ``load`` reads the file itself, as it always did. Only files
of at most :data:`MAX_BYTES` on a machine with two cores, with no engine asked for but pandas; bytes that
are never taken (the data went to DuckDB or Spark) are let go by :func:`discard`. Only the command line
reads ahead: a library caller's ``load`` finds nothing and reads as before. No heavy import here.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from dataaudit.cores import cores

__all__ = ["MAX_BYTES", "discard", "start", "take"]

#: larger files may well go to an out-of-core engine, which reads them in place
MAX_BYTES = 512 * 1024**2

_lock = threading.Lock()
_ahead: _ReadAhead | None = None


class _ReadAhead(threading.Thread):
    def __init__(self, path: Path, stamp: tuple[int, ...]) -> None:
        super().__init__(name="dataaudit-read-ahead", daemon=True)
        self.path, self.stamp = path, stamp
        self.raw: bytes | None = None
        self.sha256 = ""

    def run(self) -> None:
        try:
            raw = self.path.read_bytes()
            sha256 = hashlib.sha256(raw).hexdigest()
            if _stamp(self.path) == self.stamp and len(raw) == self.stamp[0]:
                self.raw, self.sha256 = raw, sha256
        except (OSError, MemoryError, ValueError):
            return  # nothing kept: load reads the file itself and says what is wrong


def _stamp(path: Path) -> tuple[int, ...] | None:
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


def start(data: str | os.PathLike[str] | None, engine: str | None = None) -> None:
    """Begin reading ``data`` (a path; not ``-``) and hashing it in a background thread, when it is a regular
    file of at most :data:`MAX_BYTES`, two cores can share the work and no engine but pandas is asked for."""
    global _ahead
    if data is None or str(data) == "-" or engine not in (None, "auto", "pandas") or cores() < 2:
        return
    path = Path(data)
    stamp = _stamp(path)
    if stamp is None or not path.is_file() or not 0 < stamp[0] <= MAX_BYTES:
        return
    ahead = _ReadAhead(path, stamp)
    try:
        ahead.start()
    except RuntimeError:  # no thread to be had: load reads the file itself
        return
    with _lock:
        _ahead = ahead


def take(path: Path) -> tuple[bytes, str] | None:
    """The bytes of ``path`` and their sha256 hex digest, read ahead, if the file is unchanged since; or None
    (nothing read ahead for it, it changed, or the read failed). Either way, what was read is let go."""
    global _ahead
    with _lock:
        ahead, _ahead = _ahead, None
    if ahead is None or ahead.path != path:
        return None
    ahead.join()
    raw, ahead.raw = ahead.raw, None  # the caller's reference is the only one: it decides when they go
    if raw is None or _stamp(path) != ahead.stamp:
        return None
    return raw, ahead.sha256


def discard() -> None:
    """Let go of bytes read ahead and never taken (the data went to an out-of-core engine)."""
    global _ahead
    with _lock:
        _ahead = None
