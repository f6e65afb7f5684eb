"""The DuckDB engine's temporary folder: one ``dataaudit-*`` folder per audit, removed when the audit ends,
at exit and on Ctrl-C. A process killed outright (the kernel's OOM killer, ``kill -9``, a CI job's timeout)
cannot remove its own: each folder records its owner's process id, and the next audit removes the folders
whose owner is gone (a killed 100M-row run left 3.6 GB behind)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["make_workdir"]

OWNER = "owner.pid"


def make_workdir(temp_dir: str | None = None) -> str:
    """A new temporary folder (in ``temp_dir``, else the system's), after removing abandoned ones there."""
    root = Path(temp_dir or tempfile.gettempdir())
    _remove_abandoned(root)
    tmp = tempfile.mkdtemp(prefix="dataaudit-", dir=temp_dir)
    (Path(tmp) / OWNER).write_text(str(os.getpid()), encoding="ascii")
    return tmp


def _remove_abandoned(root: Path) -> None:
    try:
        candidates = list(root.glob("dataaudit-*"))
    except OSError:
        return
    for folder in candidates:
        try:
            pid = int((folder / OWNER).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue  # not ours to judge: no owner recorded
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process, or the platform cannot say: leave it
    return True
