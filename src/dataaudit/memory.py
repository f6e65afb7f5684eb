"""How much more memory this process may use: the tightest of the machine's available memory, a container's
memory limit (cgroup v2 ``memory.max``/``memory.current``, or cgroup v1 ``memory.limit_in_bytes``/
``memory.usage_in_bytes``) and an address-space limit (``ulimit -v`` / ``RLIMIT_AS``). Used to bound what a
compressed file may expand to before it is refused, and by the DuckDB engine to size its memory limit and
refuse up front (with :func:`disk_free_bytes` for its temporary folder). Best effort: ``None`` where the
platform cannot say."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

__all__ = ["available_bytes", "describe_limits", "disk_free_bytes", "give_back"]

#: a cgroup v1 "limit" at or above this is the kernel's way of saying "no limit" (2^63 rounded to a page)
_NO_LIMIT = 2**60


def give_back() -> None:
    """Return the memory this process freed to the system. glibc's malloc keeps freed heap memory for
    reuse, and the arrays a check frees (row keys, codes, masks over every row) leave holes that later,
    differently sized arrays do not fill: the resident size climbs check after check to well above what
    is in use (1M rows × 20 columns: 0.89 GiB peak against 0.82 GiB with this after each check).
    ``malloc_trim(0)`` hands every free page back; elsewhere (macOS, musl) nothing is done. Arrow's pool,
    if arrow is loaded, likewise."""
    import sys

    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()


_TRIM: list[Callable[[int], object] | None] = []


def _malloc_trim() -> Callable[[int], object] | None:
    """glibc's ``malloc_trim``, looked up once; None where there is none."""
    if not _TRIM:
        import ctypes
        import sys

        fn: Callable[[int], object] | None = None
        if sys.platform.startswith("linux"):
            try:
                fn = ctypes.CDLL("libc.so.6").malloc_trim
                fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
            except (OSError, AttributeError):  # not glibc
                fn = None
        _TRIM.append(fn)
    return _TRIM[0]


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
    """Limit minus usage of this process's memory cgroup: v2 (``memory.max``, "max" when unlimited) or v1
    (``memory.limit_in_bytes``, a huge number when unlimited); None when neither sets a limit."""
    found = _cgroup_limit_and_usage()
    return None if found is None else found[0] - found[1]


def _cgroup_limit_and_usage() -> tuple[int, int] | None:
    """The tightest (limit, usage) of this process's own memory cgroup and the hierarchy's root, v2 or v1:
    a job put in a child group (``cgcreate``, systemd, a CI runner) is limited there, not at the root."""
    found = []
    for base in _cgroup_dirs():
        for limit_name, usage_name in (
            ("memory.max", "memory.current"),  # v2 (unified)
            ("memory.limit_in_bytes", "memory.usage_in_bytes"),  # v1
        ):
            limit, used = _read(f"{base}/{limit_name}"), _read(f"{base}/{usage_name}")
            if not limit or not used or not limit.strip().isdigit() or not used.strip().isdigit():
                continue  # no such file, or "max" (v2 without a limit)
            if int(limit) >= _NO_LIMIT:
                continue  # v1 without a limit
            found.append((int(limit), int(used)))
    return min(found, key=lambda lu: lu[0] - lu[1]) if found else None


def _cgroup_dirs() -> list[str]:
    """The root of the v2 and v1 memory hierarchies, and this process's own group in each, from
    ``/proc/self/cgroup`` (``0::/path`` for v2, ``N:memory:/path`` or ``N:...,memory,...:/path`` for v1)."""
    dirs = ["/sys/fs/cgroup", "/sys/fs/cgroup/memory"]
    for line in (_read("/proc/self/cgroup") or "").splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3 or parts[2] in ("", "/"):
            continue
        if parts[0] == "0" and parts[1] == "":
            dirs.append("/sys/fs/cgroup" + parts[2])
        elif "memory" in parts[1].split(","):
            dirs.append("/sys/fs/cgroup/memory" + parts[2])
    return list(dict.fromkeys(dirs))


def disk_free_bytes(path: str) -> int | None:
    """Free bytes on the file system holding ``path`` (what an unprivileged user may write), or None."""
    import os

    try:
        st = os.statvfs(path)
    except (OSError, AttributeError):  # no such path; Windows has no statvfs
        try:
            import shutil

            return shutil.disk_usage(path).free
        except OSError:
            return None
    return st.f_bavail * st.f_frsize


def describe_limits() -> str:
    """The limits in force, for a refusal message: e.g. "MemAvailable 21.3 GiB, cgroup 8.0 GiB (6.1 GiB
    free), ulimit -v unlimited"."""
    gib = 1024**3
    parts = []
    avail = _meminfo_available()
    if avail is not None:
        parts.append(f"MemAvailable {avail / gib:.1f} GiB")
    cg = _cgroup_limit_and_usage()
    if cg is not None:
        parts.append(f"cgroup limit {cg[0] / gib:.1f} GiB ({(cg[0] - cg[1]) / gib:.1f} GiB free)")
    rl = _rlimit_headroom()
    if rl is not None:
        parts.append(f"ulimit -v headroom {rl / gib:.1f} GiB")
    return ", ".join(parts) or "no limit known"


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
