"""Writing a Croissant description (MLCommons JSON-LD, Croissant 1.0 + RAI 1.0) of an audited data file.

:func:`croissant_document` is a pure function of the :class:`~dataaudit.model.Report`: the dataset (name,
description, licence and creator from the datasheet), a ``cr:FileObject`` for the file (``contentUrl``
relative to the output, ``encodingFormat``, ``sha256``), one ``cr:RecordSet`` with a ``cr:Field`` per
column (``dataType`` from the column's kind), and the Responsible-AI fields filled from the datasheet and
from what the audit found:

- ``rai:personalSensitiveInformation``: the declared ``contains_personal_data``, and the messages of
  ``policy.pii_detected``, ``policy.special_categories`` and ``policy.reidentification_risk`` when they
  warn or fail (their examples are already masked);
- ``rai:dataLimitations``: the declared ``known_limitations`` and every other warning or failing check;
- ``rai:dataBiases``: the bias checks that warn or fail;
- ``rai:dataUseCases``, ``rai:dataCollection``, ``rai:dataCollectionTimeframe``: from the datasheet.

What the audit found is written as separate entries starting with :data:`FOUND_PREFIX`, so that reading the
file back as a datasheet (:mod:`dataaudit.croissant`) takes only what was declared. Writing needs only the
standard library; :func:`validate_croissant` needs ``mlcroissant`` (``pip install dataaudit[croissant]``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dataaudit.croissant import FOUND_PREFIX
from dataaudit.errors import ConfigError
from dataaudit.licences import licence_info

__all__ = ["CONTEXT", "FOUND_PREFIX", "croissant_document", "croissant_json", "validate_croissant"]

#: the standard Croissant 1.0 @context (as in mlcommons/croissant's datasets/1.0 examples), with ``rai``
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
CONFORMS_TO = ["http://mlcommons.org/croissant/1.0", "http://mlcommons.org/croissant/RAI/1.0"]
ENCODING = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "parquet": "application/x-parquet",
    "json": "application/json",
    "jsonl": "application/jsonlines",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COMPRESSED = {
    "gzip": "application/gzip",
    "bz2": "application/x-bzip2",
    "xz": "application/x-xz",
    "zip": "application/zip",
}
PSI_CHECKS = ("policy.pii_detected", "policy.special_categories", "policy.reidentification_risk")


def _data_type(dtype: str, kind: str) -> str:
    if kind == "boolean":
        return (
            "sc:Boolean"
            if dtype == "bool"
            else "sc:Integer"
            if dtype.startswith(("int", "Int"))
            else "sc:Text"
        )
    if kind == "numeric":
        if dtype.startswith(("int", "Int", "uint", "UInt")):
            return "sc:Integer"
        return "sc:Float" if dtype.startswith(("float", "Float")) else "sc:Text"
    if kind == "datetime":
        return "sc:DateTime" if dtype.startswith("datetime") else "sc:Text"
    return "sc:Text"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "dataset"


def _findings(report: Any, ids: tuple[str, ...] = (), area: str | None = None, exclude=()) -> list[str]:
    from dataaudit.privacy import mask_text

    out = []
    for r in report.results:
        if str(r.status) not in ("warn", "fail") or r.id in exclude:
            continue
        if (ids and r.id in ids) or (area and str(r.area) == area) or (not ids and area is None):
            # check messages mask personal examples already; mask_text again so no raw value slips through
            out.append(f"{r.id} ({r.status}): {mask_text(r.message, None)}")
    return out


def croissant_document(report: Any, output: str | Path) -> dict[str, Any]:
    """The Croissant JSON-LD (a dict) describing the report's data file, to be written at ``output``."""
    from dataaudit.datasheet import declared_policy

    info = report.dataset
    if not info.path:
        raise ConfigError("a Croissant description needs a data file (a DataFrame has no file to describe)")
    policy = declared_policy(report.config or {})
    data_path = Path(info.path)
    name = _slug(data_path.name.split(".")[0])
    fmt, _, compression = (info.format or "").partition("+")
    file_id = data_path.name
    rel = os.path.relpath(data_path.resolve(), Path(output).resolve().parent).replace(os.sep, "/")
    verdict = "ready" if report.ready else "not ready"
    when = report.as_of.date().isoformat() if hasattr(report.as_of, "date") else str(report.as_of)
    stamp = f"{FOUND_PREFIX} {report.tool['version']} (as of {when})"
    shape = f"{info.rows:,} rows × {info.columns:,} columns"
    if policy and policy.source:
        description = f"{policy.source.rstrip('.')}. {shape}; {stamp}: {verdict} for modelling."
    else:  # all of it found, nothing declared: reading the file back takes no source from it
        description = f"{stamp}: {data_path.name}, {shape}, {verdict} for modelling."
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": name,
        "description": description,
        "conformsTo": CONFORMS_TO,
    }
    if policy and policy.licence:
        known, unknown, _ = licence_info(policy.licence)
        single = len(known) == 1 and not unknown and known[0].kind == "spdx"
        doc["license"] = f"https://spdx.org/licenses/{known[0].id}.html" if single else policy.licence
    if policy and policy.owner:
        doc["creator"] = {"@type": "sc:Organization", "name": policy.owner}
    doc["distribution"] = [
        {
            "@type": "cr:FileObject",
            "@id": file_id,
            "name": file_id,
            "contentUrl": rel,
            "encodingFormat": COMPRESSED.get(compression) or ENCODING.get(fmt, "application/octet-stream"),
            "sha256": info.sha256,
            **({"contentSize": f"{info.bytes} B"} if info.bytes is not None else {}),
        }
    ]
    fields = [
        {
            "@type": "cr:Field",
            "@id": f"{name}/{quote(c.name, safe='')}",
            "name": c.name,
            "dataType": _data_type(c.dtype, c.kind),
            "source": {"fileObject": {"@id": file_id}, "extract": {"column": c.name}},
        }
        for c in report.overview
    ]
    listed = (
        "" if len(fields) == info.columns else f" (the first {len(fields):,} of {info.columns:,} columns)"
    )
    doc["recordSet"] = [
        {
            "@type": "cr:RecordSet",
            "@id": name,
            "name": name,
            "description": f"The rows of {data_path.name}{listed}.",
            "field": fields,
        }
    ]
    doc.update(_rai(report, policy, stamp))
    return doc


def _rai(report: Any, policy: Any, stamp: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if policy and policy.source:
        parts = [policy.source]
        if policy.legal_basis:
            parts.append(f"Legal basis: {policy.legal_basis}")
        if policy.consent:
            parts.append(f"Consent: {policy.consent}")
        out["rai:dataCollection"] = ". ".join(p.rstrip(".") for p in parts) + "."
    if policy and policy.collection_period:
        m = re.fullmatch(
            r"\s*(\d{4}-\d{2}-\d{2})\s*(?:to|/|–|-{1,2})\s*(\d{4}-\d{2}-\d{2})\s*", policy.collection_period
        )
        out["rai:dataCollectionTimeframe"] = list(m.groups()) if m else [policy.collection_period]
    psi = []
    if policy and policy.contains_personal_data is True:
        psi.append("Declared in the datasheet: the data contains personal data.")
    elif policy and policy.contains_personal_data is False:
        psi.append("None declared: the datasheet says the data holds no personal data.")
    psi += [f"{stamp}: {f}" for f in _findings(report, PSI_CHECKS)]
    if psi:
        out["rai:personalSensitiveInformation"] = psi
    limits = [policy.known_limitations] if policy and policy.known_limitations else []
    limits += [f"{stamp}: {f}" for f in _findings(report, exclude=PSI_CHECKS) if not f.startswith("bias.")]
    if limits:
        out["rai:dataLimitations"] = limits
    biases = [f"{stamp}: {f}" for f in _findings(report, area="bias")]
    if biases:
        out["rai:dataBiases"] = biases
    uses = list(policy.intended_uses) if policy else []
    if policy and policy.prohibited_uses:
        uses.append("Not to be used for: " + "; ".join(policy.prohibited_uses))
    if uses:
        out["rai:dataUseCases"] = uses
    return out


def croissant_json(report: Any, output: str | Path) -> str:
    """:func:`croissant_document` as indented JSON text."""
    return json.dumps(croissant_document(report, output), indent=2, ensure_ascii=False) + "\n"


def validate_croissant(path: str | Path | None) -> list[str]:
    """Validate a written Croissant file with mlcroissant; returns its warnings, raises
    :class:`ConfigError` on errors. ``None``: only check that mlcroissant is installed."""
    try:
        import mlcroissant as mlc
    except ImportError:
        raise ConfigError("--validate needs mlcroissant: pip install 'dataaudit[croissant]'") from None
    if path is None:
        return []
    import logging

    from absl import logging as absl_logging

    absl_logging.set_verbosity(absl_logging.ERROR)  # its warnings are returned, not printed
    logging.getLogger("absl").setLevel(logging.ERROR)
    import warnings

    try:
        with warnings.catch_warnings():  # rdflib's DeprecationWarnings are mlcroissant's business
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset = mlc.Dataset(jsonld=str(path))
    except mlc.ValidationError as exc:
        raise ConfigError(f"{path}: mlcroissant found errors: {' '.join(str(exc).split())}") from None
    return [w.split("] ", 1)[-1] for w in sorted(dataset.metadata.ctx.issues.warnings)]
