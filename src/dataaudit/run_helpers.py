"""What the commands that audit share (``run``, ``hook``, ``init``, ``croissant``): one-line error text, the
comma-separated option values, ``--as-of``, and writing outputs all-or-nothing. Imported by ``cli`` and
``hook`` alike, so neither imports the other's helpers."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path

from dataaudit.errors import ConfigError
from dataaudit.terminal import printable

__all__ = ["one_line", "parse_as_of", "split_values", "write_all", "write_atomic"]


def one_line(text: str, limit: int = 2000) -> str:
    """Errors are one line on stderr, whatever the exception text holds (control characters escaped)."""
    text = printable(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_values(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for item in values for v in item.split(",") if v.strip())


def parse_as_of(text: str | None) -> dt.datetime | None:
    from dataaudit.dataset import as_of_datetime

    return as_of_datetime(text, "--as-of")


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same folder + rename, so no reader sees a half-written file."""
    write_all([(Path(path), text)])


def write_all(files: list[tuple[Path, str]]) -> None:
    """Write every file or none: each goes to a temp file beside its target first, and only when all of them
    are written are they renamed into place. A failure removes the temp files and leaves no output behind."""
    temps: list[tuple[str, Path]] = []
    made: list[Path] = []  # folders we created, removed again on failure
    path = Path(".")
    try:
        try:
            for path, text in files:
                missing = [d for d in (path.parent, *path.parent.parents) if not d.exists()]
                for d in reversed(missing):
                    d.mkdir()
                    made.append(d)
                if not path.parent.is_dir():
                    raise NotADirectoryError(0, f"{path.parent} is not a folder")
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                temps.append((tmp, path))
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                    fh.write(text)
                os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is as readable as any file
            for tmp, path in temps:
                os.replace(tmp, path)
        except BaseException:
            for tmp, _ in temps:
                Path(tmp).unlink(missing_ok=True)
            for d in reversed(made):
                with contextlib.suppress(OSError):
                    d.rmdir()
            raise
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write output ({exc.strerror or exc})") from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
