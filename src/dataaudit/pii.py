"""Vectorised personal-data detectors over values: e-mails, phones, payment cards, US SSNs, IBANs, IP
addresses, street addresses, and the shape of a person's name. Shared by the masking of examples
(:mod:`dataaudit.privacy`) and the policy checks, whose column-level detection (column names, dates of birth,
names from faker's lists) lives beside them in ``dataaudit.checks.policy._pii``.

Each value pattern is written once and compiled twice: for RE2 (``pyarrow.compute``, fast, no look-arounds:
boundaries consume a character, which is fine for a yes/no match) and for Python ``re`` (look-arounds, used by
``pandas .str.findall`` only on the values RE2 flagged, to pull out matches for validation and masked
examples).
Validators are numpy over all matches at once: Luhn for cards, mod-97 for IBANs, octets <= 255 for IPv4, digit
counts for phones. Nothing loops over rows in Python.

A column is scanned through its distinct values (``stats.value_counts``, already computed and shared),
weighted by their counts, so the shares are exact. A column with more distinct values than ``scan_limit`` is
first scanned on a seeded sample of ``scan_limit`` rows; only the kinds found there are then counted over
every distinct value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "DETECTORS",
    "LABELS",
    "Pattern",
    "iban_valid",
    "luhn_valid",
    "mask_match",
    "name_shape_share",
    "scan_values",
]


@dataclass(frozen=True)
class Pattern:
    """A value pattern: its ``kind`` and plural ``label``, the ``core`` regex (RE2- and Python-compatible,
    no capturing groups), the characters that must not touch it on the ``left``/``right`` (a regex class
    body), whether a ``.digit`` next to it disqualifies it (versions, decimals), and an optional vectorised
    ``validate(matches) -> bool array``."""

    kind: str
    label: str
    core: str
    left: str = r"\w"
    right: str = r"\w"
    dotted: bool = True
    validate: Callable[[pd.Series], np.ndarray] | None = None
    skip_in_id_columns: bool = False
    re2: str = field(init=False)
    py: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        left = f"(?:^|[^.{self.left}]|(?:^|[^0-9])\\.)" if self.dotted else f"(?:^|[^{self.left}])"
        right = f"(?:$|[^.{self.right}]|\\.(?:$|[^0-9]))" if self.dotted else f"(?:$|[^{self.right}])"
        object.__setattr__(self, "re2", f"{left}(?:{self.core}){right}")
        py_left = f"(?<![{self.left}])" + (r"(?<!\d\.)" if self.dotted else "")
        py_right = f"(?![{self.right}])" + (r"(?!\.\d)" if self.dotted else "")
        object.__setattr__(self, "py", re.compile(f"{py_left}(?:{self.core}){py_right}"))


# -- validators (numpy over every match at once) ----------------------------------------------------------


def _digits(m: pd.Series) -> pd.Series:
    return m.str.replace(r"\D", "", regex=True)


def _digit_matrix(digits: pd.Series, width: int) -> np.ndarray:
    """Right-aligned digit matrix (zero padded on the left), one row per string."""
    padded = digits.str.zfill(width).str[-width:]
    buf = "".join(padded.tolist()).encode("ascii")
    return (np.frombuffer(buf, dtype=np.uint8).reshape(-1, width) - 48).astype(np.int64)


def luhn_valid(digits: pd.Series) -> np.ndarray:
    """Luhn checksum over digit strings (any length up to 19): leading zeros do not change the sum."""
    if digits.empty:
        return np.zeros(0, dtype=bool)
    mat = _digit_matrix(digits, 19)
    doubled = mat[:, -2::-2] * 2  # every second digit from the right, starting with the second
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    total = mat[:, -1::-2].sum(axis=1) + doubled.sum(axis=1)
    return total % 10 == 0


def _card(m: pd.Series) -> np.ndarray:
    d = _digits(m)
    n = d.str.len()
    seps = m.str.count(r"[ -]").to_numpy()
    # separators, when used, come in 3-5 groups (4-4-4-4, 4-6-5, ...), not every other digit
    ok_seps = (seps == 0) | ((seps >= 2) & (seps <= 4))
    repeated = d.str.fullmatch(r"(\d)\1+").to_numpy(dtype=bool)
    return ((n >= 13) & (n <= 19)).to_numpy() & ok_seps & ~repeated & luhn_valid(d)


def iban_valid(compact: pd.Series) -> np.ndarray:
    """ISO 13616 mod-97 over IBANs without spaces: move the first 4 characters to the end, letters to
    10..35, and the number mod 97 must be 1. Computed position by position, vectorised over all IBANs."""
    if compact.empty:
        return np.zeros(0, dtype=bool)
    s = compact.str.upper()
    rearranged = s.str[4:] + s.str[:4]
    width = 34
    lengths = rearranged.str.len().to_numpy()
    padded = rearranged.str.pad(width, side="right", fillchar=" ")
    buf = "".join(padded.tolist()).encode("ascii", errors="replace")
    chars = np.frombuffer(buf, dtype=np.uint8).reshape(-1, width).astype(np.int64)
    rem = np.zeros(len(s), dtype=np.int64)
    for i in range(width):  # a loop over at most 34 positions, not over rows
        c = chars[:, i]
        is_digit = (c >= 48) & (c <= 57)
        is_letter = (c >= 65) & (c <= 90)
        active = i < lengths
        rem = np.where(active & is_digit, (rem * 10 + (c - 48)) % 97, rem)
        rem = np.where(active & is_letter, (rem * 100 + (c - 55)) % 97, rem)
    return (rem == 1) & (lengths >= 15) & (lengths <= 34)


def _iban(m: pd.Series) -> np.ndarray:
    return iban_valid(m.str.replace(" ", "", regex=False))


def _ipv4(m: pd.Series) -> np.ndarray:
    parts = m.str.split(".", expand=True).astype(int)
    return (parts <= 255).all(axis=1).to_numpy()


def _ipv6(m: pd.Series) -> np.ndarray:
    groups = m.str.count(r"[0-9A-Fa-f]{1,4}").to_numpy()
    # loopback and tiny compressed forms (::1, a::b) are not addresses of people
    return (groups >= 3) & m.str.contains(r"[0-9A-Fa-f]{2,}", regex=True).to_numpy(dtype=bool)


def _phone(m: pd.Series) -> np.ndarray:
    n = m.str.count(r"\d").to_numpy()
    intl = m.str.startswith("+").to_numpy(dtype=bool)
    uk = m.str.startswith("0").to_numpy(dtype=bool)
    decimal = m.str.fullmatch(r"\+\d+\.\d+").to_numpy(dtype=bool)
    has_sep = m.str.contains(r"[ ()-]", regex=True).to_numpy(dtype=bool)
    ok_intl = intl & (n >= 8) & (n <= 15) & ~decimal
    ok_uk = uk & (n >= 10) & (n <= 11) & has_sep
    ok_us = ~intl & ~uk & ((n == 7) | (n == 10))
    return ok_intl | ok_uk | ok_us


_H = "[0-9A-Fa-f]{1,4}"
_IPV6 = "|".join(
    [
        f"(?:{_H}:){{7}}{_H}",
        f"(?:{_H}:){{1,6}}:{_H}",
        f"(?:{_H}:){{1,5}}(?::{_H}){{1,2}}",
        f"(?:{_H}:){{1,4}}(?::{_H}){{1,3}}",
        f"(?:{_H}:){{1,3}}(?::{_H}){{1,4}}",
        f"(?:{_H}:){{1,2}}(?::{_H}){{1,5}}",
        f"{_H}:(?::{_H}){{1,6}}",
        f"::(?:{_H}:){{1,6}}{_H}",
    ]
)
_STREET_WORDS = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Terrace|Close|Crescent|"
    "Way|Square|Sq|Gardens|Parkway|Pkwy|Highway|Hwy|Mews|Grove|Strasse|Straße|Rue|Calle|Via"
)
_SSN = (
    r"(?:00[1-9]|0[1-9]\d|[1-578]\d\d|6[0-57-9]\d|66[0-57-9])-(?:0[1-9]|[1-9]\d)-"
    r"(?:000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})"
)

DETECTORS: tuple[Pattern, ...] = (
    Pattern(
        "email",
        "e-mail addresses",
        r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}",
        left=r"A-Za-z0-9._%+'-",
        right=r"A-Za-z0-9-",
        dotted=False,
    ),
    Pattern(
        "phone",
        "phone numbers",
        # international (+cc ...), US/Canada ((212) 555-0142, 212-555-0142), UK national (020 7946 0958,
        # 07700 900123) and 7-digit local (555-0142)
        r"\+[1-9][0-9 ().-]{6,20}[0-9]"
        r"|(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[-. ])[0-9]{3}[-. ][0-9]{4}"
        r"|0[0-9]{2,4}[ -]?[0-9]{3,4}[ -]?[0-9]{3,4}"
        r"|[2-9][0-9]{2}-[0-9]{4}",
        left=r"\w#/+-",
        right=r"\w-",
        validate=_phone,
        skip_in_id_columns=True,
    ),
    Pattern(
        "card",
        "payment card numbers",
        r"(?:4[0-9]{3}|5[1-5][0-9]{2}|2[2-7][0-9]{2}|3[0-9]{3}|6[0-9]{3})(?:[ -]?[0-9]){9,15}",
        left=r"\w#/-",
        right=r"\w-",
        validate=_card,
        skip_in_id_columns=True,
    ),
    Pattern("ssn", "US social security numbers", _SSN, left=r"\w-", right=r"\w-"),
    Pattern(
        "iban",
        "IBANs",
        r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?",
        left=r"A-Za-z0-9",
        right=r"A-Za-z0-9",
        validate=_iban,
    ),
    Pattern("ipv4", "IPv4 addresses", r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}", validate=_ipv4),
    Pattern("ipv6", "IPv6 addresses", _IPV6, left=r"\w:", right=r"\w:", dotted=False, validate=_ipv6),
    Pattern(
        "address",
        "street addresses",
        rf"[0-9]{{1,5}}[A-Za-z]?,? (?:[A-Z][A-Za-z'-]+ ){{1,3}}(?:{_STREET_WORDS})\.?",
        left=r"\w.,/-",
        right=r"A-Za-z",
        dotted=False,
    ),
)
_BY_KIND = {p.kind: p for p in DETECTORS}
LABELS = {
    **{p.kind: p.label for p in DETECTORS},
    "dob": "dates of birth",
    "name": "person names",
}
#: a character every match of a kind contains
_NEEDS = {p.kind: "0-9" for p in DETECTORS} | {"email": "@", "ipv6": ":"}
#: one RE2 pattern for "could hold anything at all": most free text fails it and costs one pass
_ANY = "|".join(f"(?:{p.re2})" for p in DETECTORS)


# -- masking -------------------------------------------------------------------------------------------------


def _mask_email(s: str) -> str:
    local, _, domain = s.partition("@")
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{tld}"


def _keep_last_digits(s: str, keep: int, fill: str = "*") -> str:
    total = sum(c.isdigit() for c in s)
    out, seen = [], 0
    for c in s:
        if c.isdigit():
            seen += 1
            out.append(c if seen > total - keep else fill)
        else:
            out.append(c)
    return "".join(out)


def mask_match(kind: str, s: str) -> str:
    """A matched value fit for a report: ``j***@e***.com``, ``**** **** **** 4242``, ``+** ** **** **58``,
    ``GB** **** ... **34``, ``192.*.*.*``, street names reduced to initials."""
    if kind == "email":
        return _mask_email(s)
    if kind == "card":
        digits = re.sub(r"\D", "", s)
        return " ".join(["****"] * ((len(digits) - 4 + 3) // 4)) + " " + digits[-4:]
    if kind in ("phone", "ssn"):
        return _keep_last_digits(s, 2)
    if kind == "iban":
        compact = s.replace(" ", "")
        return compact[:2] + "*" * (len(compact) - 4) + compact[-2:]
    if kind == "ipv4":
        return s.split(".")[0] + ".*.*.*"
    if kind == "ipv6":
        return s.split(":")[0] + ":****:…"
    if kind == "address":
        return re.sub(r"\b([A-Za-z])[A-Za-z'-]+", r"\1***", re.sub(r"\d", "#", s))
    if kind == "dob":
        return re.sub(r"\d", "*", s[:10])
    return " ".join(w[:1] + "*" * (len(w) - 1) for w in s.split())


# -- scanning ------------------------------------------------------------------------------------------------


def _to_arrow(values: pd.Index | pd.Series):
    import pyarrow as pa

    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, UnicodeEncodeError):
        # not text, or text that cannot be UTF-8 (a lone surrogate from 'surrogateescape'): U+FFFD there
        text = [
            None if v is None else str(v).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            for v in pd.Index(values).astype(object)
        ]
        return pa.array(text, type=pa.string(), from_pandas=True)


def _match(arr, pattern: str) -> np.ndarray:
    """RE2 search of ``pattern`` in each string of a pyarrow array, as a numpy bool array (null: False)."""
    import pyarrow.compute as pc

    return pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False)


def scan_values(
    values: pd.Index | pd.Series,
    weights: np.ndarray,
    kinds: Iterable[str] | None = None,
    max_examples: int = 5,
) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Scan text ``values`` (each standing for ``weights`` rows) for the given kinds (default: all).

    Returns ``{kind: (weighted rows matching, masked examples)}`` for the kinds found."""

    detectors = [_BY_KIND[k] for k in kinds] if kinds is not None else list(DETECTORS)
    if not detectors or len(values) == 0:
        return {}
    arr = _to_arrow(values)
    weights = np.asarray(weights)
    # three passes, each on what the last one kept: a one-character class every match needs (most free
    # text has no digit, '@' or ':'), the union of the patterns, then each pattern
    idx = np.flatnonzero(_match(arr, "[" + "".join(sorted({_NEEDS[d.kind] for d in detectors})) + "]"))
    if idx.size:
        pattern = _ANY if kinds is None else "|".join(f"(?:{d.re2})" for d in detectors)
        idx = idx[_match(arr.take(idx), pattern)]
    if not idx.size:
        return {}
    candidates = arr.take(idx)
    cand_weights = weights[idx]
    out: dict[str, tuple[int, tuple[str, ...]]] = {}
    for det in detectors:
        hit = _match(candidates, det.re2)
        if not hit.any():
            continue
        texts = pd.Series(candidates.filter(hit).to_pylist(), dtype=object)
        w = cand_weights[hit]
        # every match in each flagged value, one per line, so a validator sees them all
        found = texts.str.findall(det.py).explode().dropna()
        if found.empty:
            continue
        matches = found.astype(str)
        ok = det.validate(matches) if det.validate is not None else np.ones(len(matches), dtype=bool)
        good = matches[ok]
        if good.empty:
            continue
        rows_with = np.unique(good.index.to_numpy())
        n = int(w[rows_with].sum())
        examples = tuple(dict.fromkeys(mask_match(det.kind, s) for s in good.head(50)))[:max_examples]
        out[det.kind] = (n, examples)
    return out


# -- the shape of a person's name -----------------------------------------------------------------------

#: one name word: Jane, O'Brien, McDonald, Mary-Jane
_NAME_WORD = r"[A-Z](?:[a-z]+|['’][A-Z][a-z]+)(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)*"
_NAME_SHAPE = rf"{_NAME_WORD}(?: (?:(?:van|von|de|der|den|da|di|du|del|la|le|bin|al) )*{_NAME_WORD}){{0,3}}"


def name_shape_share(counts: pd.Series) -> tuple[float, tuple[str, ...]]:
    """Share of non-missing values (weighted) shaped like a person's name (1-4 capitalised words)."""

    if counts.empty:
        return 0.0, ()
    arr = _to_arrow(counts.index)
    hit = _match(arr, f"^(?:{_NAME_SHAPE})$")
    w = counts.to_numpy()
    share = float(w[hit].sum() / w.sum())
    examples = tuple(mask_match("name", str(v)) for v in counts.index[hit][:5])
    return share, examples
