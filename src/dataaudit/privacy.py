"""Masking: no raw personal data ever leaves dataaudit.

Every example value in the dataset overview goes through :func:`mask_example`; every check message, evidence
cell and crash text goes through :func:`mask_text` (done for checks by ``Outcome`` and ``Table``). The policy
checks detect personal data properly; this module only makes sure outputs never repeat it.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["looks_personal", "mask_example", "mask_text", "mask_word"]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
#: digit runs that may be phone, card, account or national numbers (masked when they hold 7+ digits)
_DIGIT_RUN = re.compile(r"\+?\(?\d[\d ()./-]{5,}\d")
#: runs that are dates, times or plain decimals, not identifiers
_NOT_AN_ID = re.compile(
    r"^(\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}:\d{2}|[+-]?\d+\.\d+)$"
    r"|^\d{4}-\d{2}-\d{2}[ T]"
)
#: words in a column name saying its values identify a person (the values are then masked word by word)
_PERSONAL_TOKENS = frozenset(
    [
        "name",
        "firstname",
        "first",
        "lastname",
        "last",
        "surname",
        "fullname",
        "forename",
        "email",
        "mail",
        "phone",
        "mobile",
        "tel",
        "telephone",
        "address",
        "street",
        "addr",
        "zip",
        "postcode",
        "postal",
        "ssn",
        "dob",
        "birth",
        "birthday",
        "birthdate",
        "passport",
        "iban",
        "card",
        "ip",
        "notes",
        "comment",
        "comments",
        "customer",
        "client",
        "patient",
        "applicant",
        "user",
        "username",
        "employee",
        "person",
        "contact",
        "account",
        "nino",
        "nin",
    ]
)
_MIN_ID_DIGITS = 7
_SCAN_MARGIN = 320  # > the longest valid e-mail address (254)
_LONG_NUMBER = 100_000_000  # integers with 9+ digits read as account/card/national numbers


def mask_word(word: str) -> str:
    """``Jonathan`` → ``J*******``: keep the first character and the length."""
    return word[:1] + "*" * (len(word) - 1) if len(word) > 1 else "*"


def _mask_email(m: re.Match[str]) -> str:
    local, _, domain = m.group(0).partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def _mask_digits(m: re.Match[str]) -> str:
    s = m.group(0)
    digits = sum(c.isdigit() for c in s)
    if digits < _MIN_ID_DIGITS or _NOT_AN_ID.search(s.strip()):
        return s
    keep = 2 if digits > 8 else 0
    out, seen = [], 0
    for c in s:
        if c.isdigit():
            seen += 1
            out.append(c if seen > digits - keep else "•")
        else:
            out.append(c)
    return "".join(out)


def mask_text(text: str, max_len: int | None = 60) -> str:
    """E-mail addresses and identifier-like digit runs (phones, cards, accounts) masked; dates, times and
    decimals kept; cut to ``max_len`` characters (None: no cut)."""
    if max_len is not None and len(text) > max_len + _SCAN_MARGIN:
        # only the shown part is scanned: the e-mail pattern backtracks quadratically on a long run of word
        # characters (a 40 MB cell took hours); the margin covers any e-mail address crossing the cut
        text = text[: max_len + _SCAN_MARGIN]
    text = _EMAIL.sub(_mask_email, text)
    text = _DIGIT_RUN.sub(_mask_digits, text)
    return text if max_len is None or len(text) <= max_len else text[: max_len - 1] + "…"


def looks_personal(column: str) -> bool:
    """Whether a column's *name* says it holds personal data."""
    from dataaudit.roles import tokens

    t = tokens(column)
    return bool(t & _PERSONAL_TOKENS) or {"national", "insurance"} <= t or "email" in column.lower()


def mask_example(value: Any, *, column: str = "", kind: str = "") -> str:
    """An example value fit for a report.

    Numbers, dates and booleans are shown as they are (long integers, which may be card or account numbers,
    are masked); low-cardinality categories are shown with any e-mail or long digit run masked; free text,
    high-cardinality strings and columns whose name says personal are masked word by word.
    """
    text = str(value)
    personal = looks_personal(column)
    if kind in ("numeric", "datetime", "boolean") and not personal:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _LONG_NUMBER:
            return mask_text(text, None) if len(text) >= _MIN_ID_DIGITS else text
        if isinstance(value, float) and value.is_integer() and abs(value) >= _LONG_NUMBER:
            return "•" * (len(str(int(value))) - 2) + str(int(value))[-2:]
        return text if len(text) <= 40 else text[:39] + "…"
    if kind == "categorical" and not personal:
        return mask_text(text, 40)
    return " ".join(mask_word(w) for w in mask_text(text, 40).split(" "))
