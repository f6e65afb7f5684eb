"""Text from the data (column names, values, file names, plugin titles) made safe to print on a terminal.

A column named ``\\x1b[2J`` or a file named with an OSC 8 hyperlink must not clear a reviewer's screen,
recolour a CI log or hide text. Control characters (C0 but newline when kept, DEL, C1) and the Unicode
bidirectional overrides that can reorder what a reader sees ("Trojan Source") are shown as visible escapes,
``\\x1b`` or ``\\u202e``, as Python's ``repr`` would: the reader still sees that they were there.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")
_UNSAFE_WITH_NEWLINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, keep_newlines: bool = False) -> str:
    """``str(text)`` with every control or bidi-override character replaced by a visible escape; newlines
    stay only with ``keep_newlines`` (a traceback), otherwise they are escaped too (a one-line message)."""
    text = str(text)
    pattern = _UNSAFE if keep_newlines else _UNSAFE_WITH_NEWLINE
    return pattern.sub(_escape, text)
