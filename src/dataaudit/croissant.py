"""Reading a Croissant file (MLCommons, JSON-LD, with the Responsible-AI extension) into the datasheet.

Hugging Face, Kaggle and OpenML publish a ``croissant.json`` per dataset. :func:`read_croissant` maps what
it declares onto the datasheet's fields (:data:`dataaudit.datasheet.FIELDS`):

==========================================  ===========================================================
Croissant                                   datasheet
==========================================  ===========================================================
``license`` (SPDX id, or a licence URL)     ``licence`` (URLs such as creativecommons.org/licenses/by/4.0/
                                            become SPDX ids: ``CC-BY-4.0``)
``creator`` (else ``publisher``)            ``owner``
``rai:dataCollection`` / ``description``,   ``source``
``url``, ``citeAs``
``rai:dataCollectionTimeframe``,            ``collection_period`` (the first one given)
``temporalCoverage``, ``datePublished``
``rai:personalSensitiveInformation``        ``contains_personal_data``: true when it names categories
                                            (gender, age, e-mail...), false when it says none
``rai:dataLimitations``, ``rai:dataBiases``  ``known_limitations``
``rai:dataUseCases``                        ``intended_uses``
==========================================  ===========================================================

Keys are resolved through the file's ``@context`` (``rai:dataBiases``, a bare ``dataBiases`` the context
maps to the RAI namespace, or the full IRI), and both spellings of the RAI timeframe term are read
(``dataCollectionTimeframe``, the vocabulary's, and ``dataCollectionTimeFrame``, mlcroissant's).
Only the standard library is needed. Errors are :class:`~dataaudit.errors.ConfigError` naming the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dataaudit.config_for import CROISSANT_NAMES, find_croissant
from dataaudit.croissant_jsonld import CR, RAI, _context, _dataset_node, _get, _texts
from dataaudit.errors import ConfigError
from dataaudit.licences import SPDX, licence_info, suggest_licence

__all__ = [
    "CROISSANT_NAMES",
    "FOUND_PREFIX",
    "CroissantSheet",
    "find_croissant",
    "licence_from_croissant",
    "merge_policy",
    "read_croissant",
]

MAX_CROISSANT_BYTES = 20 * 1024 * 1024  # the largest public cards (many record sets) are a few MB
SOURCE_MAX = 400  # characters of a description kept in ``source``
#: how entries that record what an audit *found* begin (dataaudit.croissant_writer); reading skips them, so a
#: file dataaudit wrote gives back only what was declared
FOUND_PREFIX = "Found by dataaudit"
NOT_FOR_PREFIX = "Not to be used for: "


class CroissantSheet(dict):
    """The datasheet fields read from one Croissant file (a plain ``{field: value}`` mapping), with the file
    it came from in ``path``."""

    def __init__(self, fields: Mapping[str, Any], path: str) -> None:
        super().__init__(fields)
        self.path = path


def read_croissant(path: str | Path) -> CroissantSheet:
    """Read a Croissant file and map it to datasheet fields (only those it declares)."""
    path = Path(path)
    doc = _load(path)
    node = _dataset_node(doc, path)
    return CroissantSheet(map_croissant(node, _context(doc)), str(path))


def _load(path: Path) -> Any:
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder, not a Croissant file")
    try:
        if path.stat().st_size > MAX_CROISSANT_BYTES:
            raise ConfigError(f"{path}: Croissant file larger than {MAX_CROISSANT_BYTES // 2**20} MiB")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: Croissant file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the Croissant file ({exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path}: not a Croissant file: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise ConfigError(f"{path}: not a Croissant file: JSON nested too deeply") from None


# ----------------------------------------------------------------------------------------------------------
# JSON-LD keys, resolved through the @context just enough to find the terms we map


# ----------------------------------------------------------------------------------------------------------
# The mapping


def map_croissant(node: Mapping[str, Any], ctx: Mapping[str, str]) -> dict[str, Any]:
    """Datasheet fields from a Croissant ``sc:Dataset`` node (only those it declares)."""

    def get(local: str, *namespaces: str) -> Any:
        value = _get(node, ctx, local, *namespaces)
        if namespaces and isinstance(value, (list, str)):  # an RAI field: drop what an audit found
            items = [v for v in (value if isinstance(value, list) else [value])]
            kept = [v for v in items if not (isinstance(v, str) and v.startswith(FOUND_PREFIX))]
            return kept or None
        return value

    out: dict[str, Any] = {}
    licences = [licence_from_croissant(t) for t in _licence_texts(get("license"))]
    if licences:
        out["licence"] = " AND ".join(dict.fromkeys(licences))
    owner = _people(get("creator")) or _people(get("publisher")) or _people(get("maintainer"))
    if owner:
        out["owner"] = owner
    description = get("description")  # Markdown: its line breaks matter, so not through _texts
    description = description if isinstance(description, str) else " ".join(_texts(description))
    if description.startswith(FOUND_PREFIX):  # written by dataaudit from what it found, not declared
        description = ""
    source = _source(_texts(get("dataCollection", RAI, CR)), description, get("url"), get("citeAs", CR))
    if source:
        out["source"] = source
    period = (
        _period(get("dataCollectionTimeframe", RAI, CR))
        or _period(get("temporalCoverage"))
        or (f"published {_texts(get('datePublished'))[0][:10]}" if _texts(get("datePublished")) else "")
    )
    if period:
        out["collection_period"] = period
    psi = _texts(get("personalSensitiveInformation", RAI, CR))
    if psi:
        personal = personal_from_text(psi)
        if personal is not None:
            out["contains_personal_data"] = personal
    limits = _texts(get("dataLimitations", RAI, CR)) + [
        f"bias: {t}" for t in _texts(get("dataBiases", RAI, CR))
    ]
    if limits:
        out["known_limitations"] = "; ".join(limits)
    uses = _texts(get("dataUseCases", RAI, CR))
    not_for = [u for t in uses if t.startswith(NOT_FOR_PREFIX) for u in t[len(NOT_FOR_PREFIX) :].split("; ")]
    uses = [t for t in uses if not t.startswith(NOT_FOR_PREFIX)]
    if uses:
        out["intended_uses"] = tuple(uses)
    not_for += _texts(get("dataNotIntendedUseCases", RAI, CR))  # seen in the wild, not in RAI 1.0
    if not_for:
        out["prohibited_uses"] = tuple(not_for)
    return out


def _licence_texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t for v in value for t in _licence_texts(v)]
    if isinstance(value, Mapping):  # {"@id": url} or a CreativeWork {"name": ..., "url": ...}
        for key in ("@id", "url", "identifier", "name"):
            if isinstance(value.get(key), str):
                return [value[key]]
        return []
    return _texts(value)


_CC_URL = re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)", re.I)
_URL_IDS: tuple[tuple[str, str], ...] = (
    # (pattern in the URL, SPDX id) for licence pages that do not carry the id in their path
    (r"creativecommons\.org/publicdomain/zero/1\.0", "CC0-1.0"),
    (r"creativecommons\.org/publicdomain/mark", "CC-PDDC"),
    (r"opendatacommons\.org/licenses/odbl", "ODbL-1.0"),
    (r"opendatacommons\.org/licenses/pddl", "PDDL-1.0"),
    (r"opendatacommons\.org/licenses/by", "ODC-By-1.0"),
    (r"apache\.org/licenses/LICENSE-2\.0", "Apache-2.0"),
    (r"gnu\.org/licenses/gpl-3\.0", "GPL-3.0-or-later"),
    (r"gnu\.org/licenses/lgpl-3\.0", "LGPL-3.0-or-later"),
    (r"gnu\.org/licenses/agpl-3\.0", "AGPL-3.0-or-later"),
    (r"nationalarchives\.gov\.uk/doc/open-government-licence/version/3", "OGL-UK-3.0"),
    (r"cdla\.(?:io|dev)/permissive-2-0", "CDLA-Permissive-2.0"),
    (r"cdla\.(?:io|dev)/permissive-1-0", "CDLA-Permissive-1.0"),
    (r"cdla\.(?:io|dev)/sharing-1-0", "CDLA-Sharing-1.0"),
)


def licence_from_croissant(text: str) -> str:
    """An SPDX id for a Croissant ``license``: licence URLs (Creative Commons, spdx.org, choosealicense.com,
    opensource.org, ...) and near-spellings (``cc-by-4.0``, ``CC BY 4.0``) are mapped; anything else is kept
    as written (``policy.licence`` then says it is not a known SPDX id)."""
    text = text.strip()
    if m := _CC_URL.search(text):
        lid = f"CC-{m.group(1).upper()}-{m.group(2)}"
        return lid if lid in SPDX else text
    for pattern, lid in _URL_IDS:
        if re.search(pattern, text, re.I):
            return lid
    if re.match(r"^https?://", text):  # the id as the URL's last segment: spdx.org/licenses/MIT.html
        last = re.sub(r"\.(html?|txt|json)$", "", text.rstrip("/").rsplit("/", 1)[-1], flags=re.I)
        known, unknown, _ = licence_info(last)
        if known and not unknown:
            return known[0].id
        return suggest_licence(last) or text
    known, unknown, _ = licence_info(text)
    if known and not unknown:
        return text if len(known) > 1 else known[0].id
    return suggest_licence(text) or text


def _people(value: Any) -> str:
    """``name (email)`` of each creator, joined with ``; ``."""
    items = value if isinstance(value, list) else [value] if value is not None else []
    out = []
    for item in items:
        if isinstance(item, Mapping):
            name = " ".join(_texts(item.get("name") or item.get("sc:name")))
            email = item.get("email") or item.get("sc:email")
            url = item.get("url")
            extra = email if isinstance(email, str) else url if isinstance(url, str) else ""
            if name:
                out.append(f"{name} ({extra})" if extra else name)
        else:
            out += _texts(item)
    return "; ".join(dict.fromkeys(out))


def _source(collection: list[str], description: str, url: Any, cite: Any) -> str:
    text = " ".join(collection) or _first_paragraph(description)
    if len(text) > SOURCE_MAX:
        text = text[: SOURCE_MAX - 1].rstrip() + "…"
    where = _texts(url)[:1] or [f"cite as {c[:200]}" for c in _texts(cite)[:1]]
    if text and where:
        return f"{text} ({where[0]})"
    return text or (where[0] if where else "")


def _first_paragraph(text: str) -> str:
    """Plain text from a Markdown description (OpenML and Hugging Face write Markdown), cut at a sentence
    end within :data:`SOURCE_MAX` characters."""
    text = re.sub(r"```.*?(```|$)", " ", text, flags=re.S)  # code blocks (OpenML's cost matrices)
    text = re.sub(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)", r"\1", text)  # [UCI](https://…): UCI
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"^\s*#+\s*", "", text, flags=re.M)
    text = " ".join(text.split())
    if len(text) > SOURCE_MAX:
        cut = text[:SOURCE_MAX]
        ends = [m.end() for m in re.finditer(r"[a-z)]\.(?=\s)", cut)]  # a sentence's end, not "1."
        short = ends and ends[-1] > SOURCE_MAX // 2
        text = cut[: ends[-1]] if short else cut[: SOURCE_MAX - 1].rstrip() + "…"
    return text


def _period(value: Any) -> str:
    """``2020-01-01 to 2020-12-31`` from a pair of dates, an ISO interval ``a/b`` or a free text."""
    texts = _texts(value)
    if not texts:
        return ""
    if len(texts) == 2:
        return f"{texts[0][:10]} to {texts[1][:10]}"
    text = texts[0]
    if re.fullmatch(r"[\d:T+.Z-]+/[\d:T+.Z-]+|\.\./[\d:T+.Z-]+|[\d:T+.Z-]+/\.\.", text):
        start, end = text.split("/")
        return f"{start[:10] if start != '..' else 'open'} to {end[:10] if end != '..' else 'open'}"
    return "; ".join(texts)


_NONE = re.compile(
    r"^\W*(?:none|no|n/?a|not applicable|nil|no (?:personal|sensitive|pii)\b|"
    r"(?:the )?(?:data(?:set)?|it) (?:does not|doesn't|do not) (?:contain|include|hold)|"
    r"there (?:is|are) no)",
    re.I,
)
_CATEGORIES = re.compile(
    r"\b(?:names?|e-?mails?|phones?|telephone|address(?:es)?|postcodes?|zip|age|birth|dob|gender|sex|"
    r"race|racial|ethnic\w*|religio\w*|health|medical|diagnos\w*|disabilit\w*|sexual|political|union|"
    r"biometric|genetic|faces?|voices?|(?:geo)?locations?|geograph\w*|gps|socio\W?economic|cultur\w*|"
    r"seniority|ip address\w*|financial|income|salary|credit|"
    r"national(?:ity)?|passport|social security|ssn|criminal|marital|personal|pii|identif\w*|"
    r"children|minors)\b",
    re.I,
)


def personal_from_text(texts: list[str]) -> bool | None:
    """``rai:personalSensitiveInformation`` → contains_personal_data: False when every statement says there
    is none ("None", "No personal data ..."); True when one names categories ("gender, age", "e-mail
    addresses"); None when it says neither."""
    if all(_NONE.match(t) for t in texts):
        return False
    if any(_CATEGORIES.search(t) and not _NONE.match(t) for t in texts):
        return True
    return None


# ----------------------------------------------------------------------------------------------------------
# Merging with the policy block of dataaudit.yaml


def merge_policy(policy: Any, sheet: CroissantSheet) -> Any:
    """The datasheet: the Croissant file's fields, overridden field by field by those the ``policy:`` block
    sets; the fields that came from the file are listed in ``from_croissant``."""
    from dataaudit.datasheet import Policy

    declared = policy.model_dump(exclude_unset=True, exclude={"from_croissant"}) if policy is not None else {}
    declared = {k: v for k, v in declared.items() if v is not None and v != () and v != []}
    taken = [k for k in sheet if k not in declared]
    try:
        return Policy.model_validate({**dict(sheet), **declared, "from_croissant": tuple(taken)})
    except ValidationError as exc:  # a value the datasheet cannot hold: name the file and the field
        from dataaudit.config import describe_validation_error

        raise ConfigError(f"{sheet.path}: {describe_validation_error(exc, Policy.model_fields)}") from None
