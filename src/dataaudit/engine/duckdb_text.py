"""Text files for the duckdb loader: decompressed in a stream and, unless UTF-8, transcoded in chunks to a
UTF-8 file in the temporary folder. Part of :mod:`dataaudit.engine.duckdb_load`.
"""

from __future__ import annotations

import codecs
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dataaudit.loading.problems import _first_line, _Problem

BLOCK = 1024 * 1024  # hashing and transcoding block


def _chunks(path: Path | str, compression: str | None = None) -> Iterator[bytes]:
    """The (decompressed) bytes of a file in blocks."""
    import bz2
    import gzip
    import lzma
    import zipfile

    if compression == "zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise _Problem(f"not a valid zip archive ({_first_line(exc)})") from None
        with zf:
            members = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")]
            if len(members) != 1:
                names = ", ".join(i.filename for i in members[:5]) or "none"
                raise _Problem(f"zip archive must hold exactly one data file, found {len(members)} ({names})")
            with zf.open(members[0]) as stream:
                while block := stream.read(BLOCK):
                    yield block
        return
    opener: Any = {None: open, "gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}[compression]
    try:
        with opener(path, "rb") as stream:
            while block := stream.read(BLOCK):
                yield block
    except EOFError:
        raise _Problem(f"{compression} data is truncated (ends before the end of the stream)") from None
    except (OSError, lzma.LZMAError) as exc:
        if compression is None:
            raise
        raise _Problem(f"not valid {compression} data ({_first_line(exc)})") from None


class _Text:
    """A UTF-8 text file ready for the CSV parser: the file itself, or a decompressed / transcoded copy in
    the temporary folder; with what the pandas loader computes over its bytes (size, quote characters)."""

    def __init__(self, file: str, size: int, quotes: int | None, encoding: str, name: str = "") -> None:
        self.file, self.size, self._quotes, self.encoding = file, size, quotes, encoding
        self.name = name or os.path.basename(file)

    @property
    def quotes(self) -> int:
        """How many quote characters the file holds (counted when first asked: the native path never asks,
        which saves a pass over the file)."""
        if self._quotes is None:
            self._quotes = sum(block.count(b'"') for block in _chunks(self.file))
        return self._quotes


def _prepare_text(path: Path, compression: str | None, fmt: str, tmp: str, k: int = 0) -> _Text:
    """Decompress (in a stream) when compressed; refuse binary data; transcode UTF-16 to UTF-8."""
    from dataaudit.loading.text import _UTF8_BOM, _UTF16_BOMS, _refuse_binary

    source: str = str(path)
    if compression:
        source = os.path.join(tmp, f"decompressed-{k}.txt")
        total = 0
        with open(source, "wb") as out:
            for block in _chunks(path, compression):
                out.write(block)
                total += len(block)
        if total == 0:
            raise _Problem(f"{compression} archive holds 0 bytes")
    head = _head(source, 65537)
    if not _has_text(source, head):
        raise _Problem("file has no data (only whitespace)")
    if head.startswith(_UTF16_BOMS):
        return _transcode(source, os.path.join(tmp, f"utf8-{k}.txt"), "utf-16", "strict", "utf-16")
    encoding = "utf-8-sig" if head.startswith(_UTF8_BOM) else "utf-8"
    if encoding == "utf-8":
        _refuse_binary(head[:8192], fmt)
    return _Text(source, os.path.getsize(source), None, encoding)


def _head(file: str, n: int) -> bytes:
    with open(file, "rb") as f:
        return f.read(n)


def _has_text(file: str, head: bytes) -> bool:
    if head.strip():
        return True
    return any(block.strip() for block in _chunks(file))


def _transcode(source: str, target: str, encoding: str, errors: str, name: str) -> _Text:
    """``source`` decoded as ``encoding`` (in blocks) and written as UTF-8 to ``target``."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    size = quotes = 0
    try:
        with open(target, "wb") as out:
            for block in _chunks(source):
                text = decoder.decode(block).encode("utf-8")
                out.write(text)
                size += len(text)
                quotes += text.count(b'"')
            tail = decoder.decode(b"", final=True).encode("utf-8")
            out.write(tail)
            size += len(tail)
    except UnicodeDecodeError as exc:
        raise _Problem(f"not valid {name} text despite its byte-order mark ({exc.reason})") from None
    if name == "utf-16" and size >= 3:  # the BOM decodes to U+FEFF: the pandas loader's decode drops it
        with open(target, "rb") as f:
            first = f.read(3)
        if first == b"\xef\xbb\xbf":
            _strip_first(target, 3)
            size -= 3
    return _Text(target, size, quotes, name)


def _strip_first(file: str, n: int) -> None:
    tmp = file + ".tmp"
    with open(file, "rb") as src, open(tmp, "wb") as dst:
        src.seek(n)
        shutil.copyfileobj(src, dst, BLOCK)
    os.replace(tmp, file)


def _repair(text: _Text, tmp: str, notes: list[str], k: int = 0) -> _Text:
    """Text that is not valid UTF-8, the pandas loader's way (:func:`dataaudit.loading.text._repair_utf8`):
    mostly UTF-8 with stray bytes → replace them; else cp1252 if it decodes, else latin-1."""
    from dataaudit.loading.text import _NON_ASCII_UTF8

    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    damaged_utf8 = False
    replaced = 0
    for block in _chunks(text.file):
        chunk = decoder.decode(block)
        replaced += chunk.count("\ufffd") - block.count("\ufffd".encode())
        damaged_utf8 = damaged_utf8 or bool(_NON_ASCII_UTF8.search(chunk))
    target = os.path.join(tmp, f"repaired-{k}.txt")
    if damaged_utf8:
        out = _transcode(text.file, target, "utf-8", "replace", "utf-8")
        notes.append(
            f"not valid UTF-8 throughout: {replaced:,} undecodable byte sequence(s) replaced with U+FFFD"
        )
        return out
    try:
        out = _transcode(text.file, target, "cp1252", "strict", "cp1252")
        encoding = "cp1252"
    except _Problem:
        out = _transcode(text.file, target, "latin-1", "strict", "latin-1")
        encoding = "latin-1"
    notes.append(f"not valid UTF-8: decoded as {encoding} (legacy 8-bit encoding); check accented characters")
    return out
