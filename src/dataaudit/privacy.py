"""Masking: no raw personal data ever leaves dataaudit.

Every example value in the dataset overview goes through :func:`mask_example`; every check message, evidence
cell and crash text goes through :func:`mask_text` (done for checks by ``Outcome`` and ``Table``). The policy
checks detect personal data properly; this module only makes sure outputs never repeat it.

How much is masked is the audit's :class:`MaskPolicy` (``privacy: {mask: auto|all|none}`` in dataaudit.yaml,
``--mask``): ``auto`` (the default) masks the values of columns that hold personal data — named like it,
declared sensitive, or whose values hold e-mails, phone or card numbers or person names — and shows the rest;
``all`` masks every text value word by word; ``none`` shows values as they are. In every mode e-mail
addresses and identifier-like digit runs are masked wherever they appear (:func:`mask_text`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from dataaudit.dataset import Dataset

__all__ = [
    "MaskMode",
    "MaskPolicy",
    "looks_personal",
    "mask_config_text",
    "mask_example",
    "mask_text",
    "mask_word",
    "masking",
    "policy_for",
]

MaskMode = Literal["auto", "all", "none"]


@dataclass(frozen=True, slots=True)
class MaskPolicy:
    """How example values are masked: the mode and, for ``auto``, which columns hold personal data."""

    mode: MaskMode = "all"
    personal: Callable[[str], bool] | None = None

    def is_personal(self, column: str) -> bool:
        if self.mode == "none":
            return False
        if self.mode == "all" or self.personal is None:
            return looks_personal(column)
        return self.personal(column)


#: the policy in force; outside an audit everything is masked (the safe default)
_EVERYTHING = MaskPolicy()
_POLICY: ContextVar[MaskPolicy | None] = ContextVar("dataaudit_mask_policy", default=None)


def _policy() -> MaskPolicy:
    return _POLICY.get() or _EVERYTHING


@contextmanager
def masking(policy: MaskPolicy) -> Iterator[None]:
    """Apply ``policy`` to every :func:`mask_example` call in this context (and in threads started with a
    copy of it)."""
    token = _POLICY.set(policy)
    try:
        yield
    finally:
        _POLICY.reset(token)


def policy_for(dataset: Dataset, mode: MaskMode, sensitive: tuple[str, ...] = ()) -> MaskPolicy:
    """The audit's policy: for ``auto``, a column is personal when its name says so, its most frequent values
    hold personal data, or it is a declared sensitive column of free text (a sensitive column's few group
    labels, ``Female``/``Male``, are shown as the bias checks show them). Decided once per column, lazily."""
    if mode != "auto":
        return MaskPolicy(mode)
    decided: dict[str, bool] = {}

    def personal(column: str) -> bool:
        if column not in decided:
            decided[column] = (
                looks_personal(column, free_text=False)
                or (column in sensitive and _kind(dataset, column) == "text")
                or _values_look_personal(dataset, column)
            )
        return decided[column]

    return MaskPolicy("auto", personal)


#: values scanned per column to decide whether it holds personal data (the most frequent ones)
_SCAN_VALUES = 2000
#: share of a free-text column's values shaped like a person's name that makes it personal
_NAME_SHAPE_SHARE = 0.3


def _kind(dataset: Dataset, column: str) -> str:
    return dataset.stats[column].kind if column in dataset.frame.columns else ""


def _values_look_personal(dataset: Dataset, column: str) -> bool:
    from dataaudit.pii import name_shape_share, scan_values

    kind = _kind(dataset, column)
    if kind not in ("text", "categorical"):
        return False
    counts = dataset.stats.value_counts(column).head(_SCAN_VALUES)
    if counts.empty:
        return False
    if scan_values(counts.index.astype(str), counts.to_numpy()):
        return True
    return kind == "text" and name_shape_share(counts)[0] >= _NAME_SHAPE_SHARE


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
#: digit runs that may be phone, card, account or national numbers (masked when they hold 7+ digits)
_DIGIT_RUN = re.compile(r"\+?\(?\d[\d ()./-]{5,}\d")
#: runs that are dates, times or plain decimals, not identifiers
_NOT_AN_ID = re.compile(
    r"^(\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}:\d{2}|[+-]?\d+\.\d+)$"
    r"|^\d{4}-\d{2}-\d{2}[ T]|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}[ T]"
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
#: words naming a free-text column, which may hold anything: under ``all`` its values are masked for the name
#: alone; under ``auto``, only when the values themselves hold personal data
_FREE_TEXT_TOKENS = frozenset(["notes", "note", "comment", "comments", "remarks"])
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


def looks_personal(column: str, *, free_text: bool = True) -> bool:
    """Whether a column's *name* says it holds personal data (``free_text``: count names of free-text
    columns, ``notes`` or ``comment``, as personal too)."""
    from dataaudit.roles import tokens

    t = tokens(column)
    named = _PERSONAL_TOKENS | _FREE_TEXT_TOKENS if free_text else _PERSONAL_TOKENS
    return bool(t & named) or {"national", "insurance"} <= t or "email" in column.lower()


def mask_config_text(text: str, max_len: int | None = None) -> str:
    """Text the user wrote in the configuration (a waiver's reason and owner): masked like data only when
    everything is masked (``all``); else only cut to ``max_len``."""
    if _policy().mode == "all":
        return mask_text(text, max_len)
    return text if max_len is None or len(text) <= max_len else text[: max_len - 1] + "…"


def mask_example(value: Any, *, column: str = "", kind: str = "") -> str:
    """An example value fit for a report, under the :class:`MaskPolicy` in force.

    Numbers, dates and booleans are shown as they are (long integers, which may be card or account numbers,
    are masked); e-mails and long digit runs are masked in any text. Under ``all``, free text and
    high-cardinality strings are masked word by word, and so is every value of a column whose name says
    personal; under ``auto``, only the values of columns holding personal data; under ``none``, nothing more.
    """
    text = str(value)
    policy = _policy()
    personal = policy.is_personal(column)
    if kind in ("numeric", "datetime", "boolean") and not personal:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _LONG_NUMBER:
            return mask_text(text, None) if len(text) >= _MIN_ID_DIGITS else text
        if isinstance(value, float) and value.is_integer() and abs(value) >= _LONG_NUMBER:
            return "•" * (len(str(int(value))) - 2) + str(int(value))[-2:]
        return text if len(text) <= 40 else text[:39] + "…"
    if (kind == "categorical" or policy.mode != "all") and not personal:
        return mask_text(text, 40)
    return " ".join(mask_word(w) for w in mask_text(text, 40).split(" "))
