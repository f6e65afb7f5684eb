"""Load problems: ``_Problem`` carries a message fit for the user; ``load`` adds the file name."""

from __future__ import annotations


class _Problem(Exception):
    """A load problem whose text is already fit for the user; the file name is added by ``load``."""


class _NotUtf8(Exception):
    """A text reader met bytes that are not UTF-8: ``_read_text`` retries with a legacy encoding."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
