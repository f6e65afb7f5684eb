"""How much more memory this process may use: the tightest of the machine's available memory, a container's
memory limit (cgroup v2) and an address-space limit (``ulimit -v`` / ``RLIMIT_AS``). Used to bound what a
compressed file may expand to before it is refused. Best effort: ``None`` where the platform cannot say."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["available_bytes"]


def available_bytes() -> int | None:
    """Bytes this process can still allocate, or ``None`` if unknown."""
    limits = [x for x in (_meminfo_available(), _cgroup_headroom(), _rlimit_headroom()) if x is not None]
    return max(0, min(limits)) if limits else None


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="ascii", errors="replace")
    except OSError:
        return None


def _kib_field(text: str | None, field: str) -> int | None:
    m = re.search(rf"^{field}:\s+(\d+) kB", text or "", re.MULTILINE)
    return int(m.group(1)) * 1024 if m else None


def _meminfo_available() -> int | None:
    return _kib_field(_read("/proc/meminfo"), "MemAvailable")


def _cgroup_headroom() -> int | None:
    limit, used = _read("/sys/fs/cgroup/memory.max"), _read("/sys/fs/cgroup/memory.current")
    if not limit or not used or not limit.strip().isdigit() or not used.strip().isdigit():
        return None  # no cgroup v2 limit ("max"), or not Linux
    return int(limit) - int(used)


def _rlimit_headroom() -> int | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    used = _kib_field(_read("/proc/self/status"), "VmSize")
    return soft - used if used is not None else None
