"""Vectorised personal-data detectors: e-mails, phones, payment cards, US SSNs, IBANs, IP addresses, street
addresses (patterns in values), dates of birth and person names (column name plus value shape).

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

from dataaudit.engine.scope import note_sample

__all__ = [
    "DOB_TOKENS",
    "LABELS",
    "is_name_column",
    "known_name_shares",
    "name_shape_share",
    "DETECTORS",
    "Finding",
    "Pattern",
    "mask_match",
    "scan_column",
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


@dataclass(frozen=True)
class Finding:
    """One kind of personal data in one column: how many rows hold it, and masked examples."""

    column: str
    kind: str
    rows: int  # rows whose value holds at least one match
    share: float  # of all rows
    share_of_values: float  # of non-missing values
    examples: tuple[str, ...]
    basis: str = "values"  # values | column name + values

    @property
    def label(self) -> str:
        return LABELS[self.kind]


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
        matches = texts.str.findall(det.py).explode().dropna()
        if matches.empty:
            continue
        matches = matches.astype(str)
        ok = det.validate(matches) if det.validate is not None else np.ones(len(matches), dtype=bool)
        good = matches[ok]
        if good.empty:
            continue
        rows_with = np.unique(good.index.to_numpy())
        n = int(w[rows_with].sum())
        examples = tuple(dict.fromkeys(mask_match(det.kind, s) for s in good.head(50)))[:max_examples]
        out[det.kind] = (n, examples)
    return out


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ID_TOKENS = _words(
    "id ids uuid guid key order invoice ref reference number no num nr sku code serial ticket tracking "
    "transaction txn batch lot part item product hash checksum version build"
)
CONTACT_TOKENS = _words(
    "phone tel telephone mobile cell fax contact card pan cc credit debit payment msisdn whatsapp"
)


def scan_column(
    s: pd.Series,
    counts: pd.Series,
    *,
    column_tokens: set[str],
    is_id: bool,
    scan_limit: int,
    seed: int = 0,
    kinds: Iterable[str] | None = None,
) -> tuple[list[Finding], bool]:
    """Scan one text column for every value pattern.

    ``counts`` is the column's value counts (shared stats). Returns the findings and whether a sample was
    used to decide which kinds to count exactly."""
    rows = len(s)
    non_missing = int(counts.sum())
    if non_missing == 0:
        return [], False
    wanted = set(kinds) if kinds is not None else {d.kind for d in DETECTORS}
    kinds = [
        d.kind
        for d in DETECTORS
        if d.kind in wanted
        if not (
            d.skip_in_id_columns
            and (is_id or column_tokens & ID_TOKENS)
            and not column_tokens & CONTACT_TOKENS
        )
    ]
    sampled = len(counts) > scan_limit
    if sampled:
        # the same seeded rows as Dataset.sample(scan_limit) picks; missing values are dropped after sampling
        sample = s.sample(n=min(scan_limit, rows), random_state=seed).dropna()
        note_sample(min(scan_limit, rows))  # the result covers a sample (dataaudit.engine.scope)
        found = scan_values(sample, np.ones(len(sample), dtype=np.int64), kinds)
        kinds = list(found)
        if not kinds:
            return [], True
    found = scan_values(counts.index, counts.to_numpy(), kinds)
    findings = [
        Finding(str(s.name), kind, n, n / rows, n / non_missing, ex) for kind, (n, ex) in found.items()
    ]
    return findings, sampled


# -- column-name based kinds ------------------------------------------------------------------------------

NAME_TOKENS = _words(
    "name names firstname lastname surname fullname forename forenames givenname familyname middlename "
    "maidenname"
)
#: "<thing> name" columns that are not people
NOT_PERSON_TOKENS = _words(
    "file product company brand item column table host domain branch region city country street dataset "
    "model bank employer business org organisation organization app device project team department category "
    "class group school store shop field sheet feature event campaign plan vendor supplier merchant town "
    "state county place station hospital site server machine service package library schema database "
    "username user screen display nick nickname beer brewery brewer brew wine winery style animal pet dog "
    "cat horse breed species hurricane storm ship vessel airline carrier airport hotel restaurant venue"
)
DOB_TOKENS = _words("dob birth birthday birthdate born")
#: one name word: Jane, O'Brien, McDonald, Mary-Jane
_NAME_WORD = r"[A-Z](?:[a-z]+|['’][A-Z][a-z]+)(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)*"
_NAME_SHAPE = rf"{_NAME_WORD}(?: (?:(?:van|von|de|der|den|da|di|du|del|la|le|bin|al) )*{_NAME_WORD}){{0,3}}"


def is_name_column(tokens: set[str]) -> bool:
    return bool(tokens & NAME_TOKENS) and not tokens & NOT_PERSON_TOKENS or {"first", "name"} <= tokens


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


# ----------------------------------------------------------------------------------------------------------
# Person names from a maintained list: faker's per-locale first and last names (Latin-script locales)

#: the locales whose name lists are read: faker is pure Python (~16 MB installed) and reading these ~20 lists
#: takes about 0.3 s, once per process and only when a column looks like names. ``names-dataset`` was the
#: other candidate: a 56 MB wheel that needs 3.2 GB of RAM to load, too heavy for a readiness gate.
NAME_LOCALES = (
    "en_US", "en_GB", "en_IE", "en_IN", "de_DE", "fr_FR", "es_ES", "es_MX", "it_IT", "nl_NL", "pt_BR",
    "pt_PT", "pl_PL", "sv_SE", "da_DK", "no_NO", "fi_FI", "cs_CZ", "hu_HU", "ro_RO", "tr_TR", "id_ID",
)  # fmt: skip
#: words of organisations, products and places: a value holding one is not a person ("Company" is also a
#: surname in faker's lists, and "10 Barrel Brewing Company" is no one's name)
ORG_WORDS = _words(
    "company co inc ltd llc plc gmbh corp corporation group holdings brewing brewery brewers beer ale lager "
    "stout ipa porter pilsner house hotel inn restaurant bar cafe hospital clinic center centre university "
    "college school academy bank airlines airways airport county city town street st avenue ave road rd "
    "park lake river mountain valley island church club association foundation institute society services "
    "systems solutions partners international"
)
#: at most this many distinct values are matched against the lists (a seeded sample when there are more)
NAME_LIST_SAMPLE = 5_000


def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Case-folded first and last names of ``NAME_LOCALES`` (faker is imported here, on first use only)."""
    global _NAME_LISTS
    if _NAME_LISTS is None:
        import importlib

        first: set[str] = set()
        last: set[str] = set()
        for loc in NAME_LOCALES:
            try:
                provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
            except ImportError:  # a locale dropped by a later faker: the others still cover most names
                continue
            for attr in ("first_names", "first_names_male", "first_names_female"):
                first.update(x.casefold() for x in getattr(provider, attr, ()) or ())
            last.update(x.casefold() for x in getattr(provider, "last_names", ()) or ())
        _NAME_LISTS = (frozenset(first - ORG_WORDS), frozenset(last - ORG_WORDS))
    return _NAME_LISTS


_NAME_LISTS: tuple[frozenset[str], frozenset[str]] | None = None


def known_name_shares(values: pd.Index | pd.Series, seed: int = 0) -> tuple[float, float, float, int]:
    """Of the distinct text values (a seeded sample of ``NAME_LIST_SAMPLE`` when there are more), the share
    whose first word is a known first name, whose last word is a known last name, and both, and how many
    values were looked at. A value holding an organisation or place word (``ORG_WORDS``) counts as no name.
    """
    v = pd.Series(pd.unique(pd.Series(values, dtype=object).dropna().astype(str)), dtype=object)
    if len(v) > NAME_LIST_SAMPLE:
        v = v.sample(NAME_LIST_SAMPLE, random_state=seed)
    if v.empty:
        return 0.0, 0.0, 0.0, 0
    first_names, last_names = _name_lists()
    words = v.str.casefold().str.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
    org = words.map(lambda w: not ORG_WORDS.isdisjoint(w)).to_numpy(dtype=bool)  # per distinct value
    first = words.str[0].isin(first_names).to_numpy() & ~org
    last = words.str[-1].isin(last_names).to_numpy() & ~org
    n = len(v)
    return float(first.mean()), float(last.mean()), float((first & last).mean()), n
