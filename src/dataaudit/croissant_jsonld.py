"""Reading a Croissant file's JSON-LD without a JSON-LD processor: the dataset node, the ``@context``
prefixes, a property by its full IRI whatever prefix the file uses, and a value's texts."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dataaudit.errors import ConfigError

CR = "http://mlcommons.org/croissant/"
RAI = "http://mlcommons.org/croissant/RAI/"
SCHEMA = "https://schema.org/"


def _types(node: Mapping[str, Any]) -> set[str]:
    t = node.get("@type")
    return {str(x) for x in (t if isinstance(t, list) else [t]) if x}


def _is_dataset(node: Any) -> bool:
    return isinstance(node, Mapping) and bool(
        _types(node)
        & {"sc:Dataset", "Dataset", "schema:Dataset", f"{SCHEMA}Dataset", "http://schema.org/Dataset"}
    )


def _dataset_node(doc: Any, path: Path) -> Mapping[str, Any]:
    """The ``sc:Dataset`` node (top level, or in a ``@graph``) of a document that declares Croissant."""
    what = 'expected a JSON-LD object with "@type": "sc:Dataset" and a Croissant "conformsTo" or @context'
    if not isinstance(doc, Mapping):
        raise ConfigError(f"{path}: not a Croissant dataset: the JSON is a {type(doc).__name__}; {what}")
    node = doc if _is_dataset(doc) else None
    if node is None and isinstance(doc.get("@graph"), list):
        node = next((n for n in doc["@graph"] if _is_dataset(n)), None)
    if node is None:
        raise ConfigError(f"{path}: not a Croissant dataset: no sc:Dataset node; {what}")
    context = json.dumps(doc.get("@context", ""), default=str)
    conforms = json.dumps(_get(node, _context(doc), "conformsTo", "http://purl.org/dc/terms/", SCHEMA) or "")
    if "mlcommons.org/croissant" not in conforms and CR not in context:
        raise ConfigError(f"{path}: not a Croissant dataset: it does not declare Croissant; {what}")
    return node


def _context(doc: Any) -> dict[str, str]:
    """Term → IRI from the document's @context (a mapping, or a list of them; remote contexts ignored)."""
    raw = doc.get("@context") if isinstance(doc, Mapping) else None
    parts = raw if isinstance(raw, list) else [raw]
    ctx: dict[str, str] = {
        "sc": SCHEMA,
        "schema": SCHEMA,
        "cr": CR,
        "rai": RAI,
        "dct": "http://purl.org/dc/terms/",
    }
    vocab = SCHEMA
    for part in parts:
        if not isinstance(part, Mapping):
            continue
        for key, value in part.items():
            iri = value.get("@id") if isinstance(value, Mapping) else value
            if key == "@vocab" and isinstance(iri, str):
                vocab = iri
            elif isinstance(iri, str) and not key.startswith("@"):
                ctx[key] = iri
    ctx["@vocab"] = vocab
    return ctx


def _expand(key: str, ctx: Mapping[str, str]) -> str:
    """A key's IRI: ``rai:dataBiases`` and a term mapped to it both give ``http://…/RAI/dataBiases``."""
    for _ in range(3):  # a term may map to a compact IRI (dataBiases → rai:dataBiases)
        if key in ctx and key != ctx[key]:
            key = ctx[key]
            continue
        break
    if re.match(r"^https?://", key):
        return key
    prefix, sep, local = key.partition(":")
    if sep and prefix in ctx:
        return ctx[prefix] + local
    return ctx.get("@vocab", SCHEMA) + key


def _get(node: Mapping[str, Any], ctx: Mapping[str, str], local: str, *namespaces: str) -> Any:
    """The value of the first key of ``node`` whose IRI is ``namespace + local`` (case-insensitive name)."""
    spaces = namespaces or (SCHEMA,)
    wanted = {(ns + local).lower() for ns in spaces} | {
        (ns.replace("https:", "http:") + local).lower() for ns in spaces
    }
    for key, value in node.items():
        if _expand(str(key), ctx).lower() in wanted:
            return value
    return None


def _texts(value: Any) -> list[str]:
    """Strings in a value: a string, a list, a language map or an object's name/@value/@id."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, (str, int, float)):
        text = " ".join(str(value).split())
        return [text] if text else []
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    if isinstance(value, Mapping):
        for key in ("@value", "name", "sc:name", "@id", "url", "en"):
            if key in value:
                return _texts(value[key])
        if len(value) == 1:  # a language map {"fr": "..."}
            return _texts(next(iter(value.values())))
    return []
