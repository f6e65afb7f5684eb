"""Spot likely sensitive attributes by their *values*: a column holding Male/Female, ethnicity, religion,
nationality, disability or marital-status words, whatever it is called.

Used by :func:`dataaudit.roles.detect` next to the name-based guess. Like every sensitive guess, the result
is only a suggestion shown in the report: a detected column is never used as if it had been declared.
"""

from __future__ import annotations

import re
import unicodedata

from dataaudit.stats import ColumnStats

__all__ = ["VOCABULARIES", "sensitive_kind"]


def _words(*parts: str) -> frozenset[str]:
    return frozenset(w for part in parts for w in part.split("|") if w)


#: attribute → the values that give it away (normalised: casefolded, accents removed, spaces collapsed)
VOCABULARIES: dict[str, frozenset[str]] = {
    "gender": _words(
        "male|female|m|f|man|woman|men|women|non binary|non-binary|nonbinary|genderqueer|gender fluid|",
        "genderfluid|transgender|trans|agender|intersex|other|unknown|prefer not to say|not stated",
    ),
    "ethnicity": _words(
        "white|black|asian|hispanic|latino|latina|latinx|indigenous|caucasian|african american|",
        "black or african american|american indian|alaska native|american indian or alaska native|",
        "native american|native hawaiian|pacific islander|native hawaiian or other pacific islander|mixed|",
        "multiracial|two or more races|hispanic or latino|not hispanic or latino|asian pacific islander|",
        "asian-pac-islander|amer-indian-eskimo|aboriginal|first nations|maori|arab|middle eastern|",
        "white british|white other|black african|black caribbean|indian|pakistani|bangladeshi|chinese|roma|",
        "other|unknown|prefer not to say",
    ),
    "religion": _words(
        "christian|christianity|catholic|roman catholic|protestant|orthodox|muslim|islam|jewish|judaism|",
        "hindu|hinduism|buddhist|buddhism|sikh|sikhism|atheist|agnostic|no religion|none|jain|shinto|taoist|",
        "baha'i|bahai|other|unknown|prefer not to say",
    ),
    "nationality": _words(
        "british|english|scottish|welsh|irish|american|canadian|mexican|brazilian|argentinian|french|german|",
        "italian|spanish|portuguese|dutch|belgian|swiss|austrian|swedish|norwegian|danish|finnish|polish|",
        "czech|romanian|bulgarian|hungarian|greek|turkish|russian|ukrainian|indian|pakistani|bangladeshi|",
        "chinese|japanese|korean|vietnamese|filipino|thai|indonesian|nigerian|ghanaian|kenyan|south african|",
        "egyptian|moroccan|australian|new zealander|other|unknown",
    ),
    "disability": _words(
        "disabled|not disabled|non disabled|non-disabled|no disability|has disability|disability|",
        "physical disability|learning disability|mental health condition|visual impairment|",
        "hearing impairment|blind|deaf|wheelchair user|prefer not to say|unknown",
    ),
    "marital status": _words(
        "married|single|divorced|widowed|widow|widower|separated|never married|never-married|",
        "married-civ-spouse|married-spouse-absent|married-af-spouse|civil partnership|civil partner|",
        "domestic partner|domestic partnership|cohabiting|in a relationship|engaged|unknown|other|",
        "prefer not to say",
    ),
}
#: values that occur in several vocabularies and say nothing on their own
_NEUTRAL = frozenset(["other", "unknown", "prefer not to say", "none", "not stated", "m", "f"])
#: share of a column's counted values that must belong to one vocabulary
MIN_SHARE = 0.8
#: distinct vocabulary words (beyond the neutral ones) a column must show
MIN_WORDS = 2


def _norm(value: object) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", str(value)) if not unicodedata.combining(c))
    return re.sub(r"[\s_]+", " ", text.strip().casefold())


def sensitive_kind(st: ColumnStats) -> str | None:
    """The sensitive attribute a categorical column's values point to (e.g. ``"gender"``), or None.

    Looks at the column's most frequent values (``st.top``): at least 80% of their rows must be words of
    one vocabulary, with at least two distinctive words (``M``/``F`` alone count as gender only together
    with the column being two-valued, as in a ``sex`` column coded M/F)."""
    if st.kind not in ("categorical", "boolean") or not st.top:
        return None
    values = [(_norm(v), n) for v, n in st.top]
    total = sum(n for _, n in values)
    if total == 0:
        return None
    best: tuple[float, str] | None = None
    for attr, vocab in VOCABULARIES.items():
        hits = [(v, n) for v, n in values if v in vocab]
        share = sum(n for _, n in hits) / total
        words = {v for v, _ in hits} - _NEUTRAL
        coded_mf = attr == "gender" and {v for v, _ in values} == {"m", "f"}
        if share >= MIN_SHARE and (len(words) >= MIN_WORDS or coded_mf) and (best is None or share > best[0]):
            best = (share, attr)
    return best[1] if best else None
