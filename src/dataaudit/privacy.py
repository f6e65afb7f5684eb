"""Masking: no raw personal data ever leaves dataaudit. Every example value shown in any output goes
through :func:`mask_example` (or :func:`mask_text` for free text)."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["looks_personal", "mask_example", "mask_text", "mask_word"]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_LONG_DIGITS = re.compile(r"\+?\d[\d ()./-]{5,}\d")
_PERSONAL_TOKENS = {
    "name",
    "firstname",
    "first",
    "lastname",
    "last",
    "surname",
    "fullname",
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
}


def mask_word(word: str) -> str:
    """``Jonathan`` → ``J*******``: keep the first character and the length."""
    return word[:1] + "*" * (len(word) - 1) if len(word) > 1 else "*"


def _mask_email(m: re.Match[str]) -> str:
    local, _, domain = m.group(0).partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def _mask_digits(m: re.Match[str]) -> str:
    s = m.group(0)
    digits = sum(c.isdigit() for c in s)
    keep = 2 if digits > 6 else 0
    out, seen = [], 0
    for c in s:
        if c.isdigit():
            seen += 1
            out.append(c if seen > digits - keep else "•")
        else:
            out.append(c)
    return "".join(out)


def mask_text(text: str, max_len: int = 60) -> str:
    """Free text: e-mail addresses and long digit runs (phones, cards, ids) masked, words kept short."""
    text = _EMAIL.sub(_mask_email, text)
    text = _LONG_DIGITS.sub(_mask_digits, text)
    return text if len(text) <= max_len else text[: max_len - 1] + "…"


def looks_personal(column: str) -> bool:
    """Whether a column's *name* says it holds personal data (its values are then masked word by word)."""
    from dataaudit.roles import tokens

    t = tokens(column)
    return bool(t & _PERSONAL_TOKENS) or "email" in column.lower() or "phone" in column.lower()


def mask_example(value: Any, *, column: str = "", kind: str = "") -> str:
    """An example value fit for a report: personal-looking columns and free text are masked."""
    text = str(value)
    if kind in ("numeric", "datetime", "boolean") and not looks_personal(column):
        return text if len(text) <= 40 else text[:39] + "…"
    if looks_personal(column):
        return " ".join(mask_word(w) for w in mask_text(text, 40).split(" "))
    return mask_text(text, 60 if kind == "text" else 40)
