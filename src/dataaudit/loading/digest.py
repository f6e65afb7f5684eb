"""The sha256 of a data file (or a directory's files, one after the other), read in 1 MiB blocks: the
out-of-core engines never hold a file whole to hash it. :class:`BackgroundDigest` takes it in a thread
beside the load that reads the same file (hashlib and file reads release the GIL): a 20 GB CSV took 17 s to
hash before DuckDB's reader started, and under a memory cap that leaves no room for the page cache the two
reads of the file went to the disk one after the other."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

__all__ = ["BackgroundDigest", "file_sha256"]

BLOCK = 1 << 20
CANCEL_WAIT = 10.0


def file_sha256(*paths: Path, cancel: threading.Event | None = None) -> str:
    """The hex digest of ``paths`` read one after the other; "" when ``cancel`` is set before the end."""
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            while block := f.read(BLOCK):
                if cancel is not None and cancel.is_set():
                    return ""
                h.update(block)
    return h.hexdigest()


class BackgroundDigest:
    """:func:`file_sha256` of ``paths`` in a daemon thread, started at once. :meth:`result` waits for it
    (and raises what it raised, e.g. an OSError); :meth:`cancel` stops it at the next block, for a load that
    failed."""

    def __init__(self, *paths: Path) -> None:
        self._cancel = threading.Event()
        self._digest = ""
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, args=paths, name="dataaudit-sha256", daemon=True)
        self._thread.start()

    def _work(self, *paths: Path) -> None:
        try:
            self._digest = file_sha256(*paths, cancel=self._cancel)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread by result()
            self._error = exc

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._digest

    def cancel(self) -> None:
        """Stop at the next block; wait for that (a read stuck on a dead network disk is left to its daemon
        thread after :data:`CANCEL_WAIT` seconds, so the caller's cleanup and error message still come)."""
        self._cancel.set()
        self._thread.join(CANCEL_WAIT)
