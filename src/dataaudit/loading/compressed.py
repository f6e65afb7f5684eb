"""Decompression (.gz, .bz2, .xz, .zip), bounded so that a decompression bomb is refused."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from dataaudit.loading.problems import _first_line, _Problem
from dataaudit.memory import available_bytes

#: decompressed data beyond this is refused rather than filling memory (a decompression bomb)
MAX_DECOMPRESSED_BYTES = 4 * 1024**3
#: an audited frame, its Arrow copy and its statistics take several times the text's size: decompressed text
#: is also refused beyond the memory still available (see dataaudit.memory) divided by this
MEMORY_PER_TEXT_BYTE = 8
#: ... but never below this, so a busy machine still audits an ordinary file
MIN_DECOMPRESSED_LIMIT = 64 * 1024**2


def _decompress(raw: bytes, compression: str) -> bytes:
    if compression == "zip":
        return _unzip(raw)
    openers: dict[str, Callable[[Any], Any]] = {
        "gzip": lambda f: gzip.GzipFile(fileobj=f),
        "bz2": bz2.BZ2File,
        "xz": lzma.LZMAFile,
    }
    opener = openers[compression]
    try:
        with opener(io.BytesIO(raw)) as stream:
            return _read_bounded(stream)
    except EOFError:
        raise _Problem(f"{compression} data is truncated (ends before the end of the stream)") from None
    except (OSError, lzma.LZMAError, zlib.error) as exc:
        raise _Problem(f"not valid {compression} data ({_first_line(exc)})") from None


def _unzip(raw: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            members = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")]
            if len(members) != 1:
                names = ", ".join(i.filename for i in members[:5]) or "none"
                raise _Problem(f"zip archive must hold exactly one data file, found {len(members)} ({names})")
            with zf.open(members[0]) as stream:
                return _read_bounded(stream)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as exc:
        # RuntimeError: encrypted member; NotImplementedError: unsupported compression method
        raise _Problem(f"not a valid zip archive ({_first_line(exc)})") from None


def decompressed_limit() -> int:
    """The most decompressed bytes accepted: :data:`MAX_DECOMPRESSED_BYTES`, less when memory is short."""
    available = available_bytes()
    if available is None:
        return MAX_DECOMPRESSED_BYTES
    return min(MAX_DECOMPRESSED_BYTES, max(MIN_DECOMPRESSED_LIMIT, available // MEMORY_PER_TEXT_BYTE))


def _read_bounded(stream: Any) -> bytes:
    chunks, total, limit = [], 0, decompressed_limit()
    while chunk := stream.read(min(16 * 1024 * 1024, limit + 1)):
        total += len(chunk)
        if total > limit:
            short = "" if limit == MAX_DECOMPRESSED_BYTES else " (the most this machine's free memory allows)"
            raise _Problem(
                f"decompresses to more than {_human_bytes(limit)}{short}; "
                "refusing (possible decompression bomb)"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _human_bytes(n: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"
