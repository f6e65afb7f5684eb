"""Column-level personal-data detection for the policy checks: the value detectors of :mod:`dataaudit.pii`
run over a column's distinct values (weighted by their counts, so the shares are exact), the words of column
names that say what a column holds, and person names from faker's per-locale lists.

A column with more distinct values than ``scan_limit`` is first scanned on a seeded sample of ``scan_limit``
rows; only the kinds found there are then counted over every distinct value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dataaudit.engine.scope import note_sample
from dataaudit.pii import DETECTORS, LABELS, scan_values

__all__ = [
    "CONTACT_TOKENS",
    "DOB_TOKENS",
    "ID_TOKENS",
    "NAME_TOKENS",
    "NOT_PERSON_TOKENS",
    "Finding",
    "is_name_column",
    "known_name_shares",
    "scan_column",
]


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


def is_name_column(tokens: set[str]) -> bool:
    return bool(tokens & NAME_TOKENS) and not tokens & NOT_PERSON_TOKENS or {"first", "name"} <= tokens


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
