"""Licences: a compact list of the SPDX ids datasets commonly carry, with the restrictions that matter for
use.

Read by the ``policy.licence`` check, by the Croissant reader (``dataaudit.croissant``: a ``license`` URL or
name to an SPDX id) and by the Croissant writer."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

__all__ = ["SPDX", "Licence", "licence_info", "suggest_licence"]


class Licence(BaseModel):
    """What is known about one licence id."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    non_commercial: bool = False
    no_derivatives: bool = False
    share_alike: bool = False
    kind: str = "spdx"  # spdx | proprietary | reference (LicenseRef-*)


def _cc() -> dict[str, Licence]:
    out = {}
    flavours = {
        "BY": (False, False, False, "Attribution"),
        "BY-SA": (False, False, True, "Attribution-ShareAlike"),
        "BY-ND": (False, True, False, "Attribution-NoDerivatives"),
        "BY-NC": (True, False, False, "Attribution-NonCommercial"),
        "BY-NC-SA": (True, False, True, "Attribution-NonCommercial-ShareAlike"),
        "BY-NC-ND": (True, True, False, "Attribution-NonCommercial-NoDerivatives"),
    }
    for version in ("1.0", "2.0", "2.5", "3.0", "4.0"):
        for code, (nc, nd, sa, name) in flavours.items():
            lid = f"CC-{code}-{version}"
            out[lid] = Licence(
                id=lid,
                name=f"Creative Commons {name} {version}",
                non_commercial=nc,
                no_derivatives=nd,
                share_alike=sa,
            )
    return out


_OTHERS: tuple[tuple[str, str, str], ...] = (
    # (id, name, restrictions: n = non-commercial, d = no derivatives, s = share-alike / copyleft)
    ("CC0-1.0", "Creative Commons Zero 1.0 (public domain dedication)", ""),
    ("CC-PDDC", "Creative Commons Public Domain Dedication and Certification", ""),
    ("PDDL-1.0", "Open Data Commons Public Domain Dedication and License 1.0", ""),
    ("ODC-By-1.0", "Open Data Commons Attribution License 1.0", ""),
    ("ODbL-1.0", "Open Data Commons Open Database License 1.0", "s"),
    ("CDLA-Permissive-1.0", "Community Data License Agreement Permissive 1.0", ""),
    ("CDLA-Permissive-2.0", "Community Data License Agreement Permissive 2.0", ""),
    ("CDLA-Sharing-1.0", "Community Data License Agreement Sharing 1.0", "s"),
    ("C-UDA-1.0", "Computational Use of Data Agreement 1.0", ""),
    ("O-UDA-1.0", "Open Use of Data Agreement 1.0", ""),
    ("OGL-UK-2.0", "Open Government Licence v2.0 (UK)", ""),
    ("OGL-UK-3.0", "Open Government Licence v3.0 (UK)", ""),
    ("OGL-Canada-2.0", "Open Government Licence - Canada 2.0", ""),
    ("etalab-2.0", "Etalab Open License 2.0 (France)", ""),
    ("DL-DE-BY-2.0", "Data licence Germany - attribution - version 2.0", ""),
    ("DL-DE-ZERO-2.0", "Data licence Germany - zero - version 2.0", ""),
    ("NLOD-2.0", "Norwegian Licence for Open Government Data 2.0", ""),
    ("MIT", "MIT License", ""),
    ("Apache-2.0", "Apache License 2.0", ""),
    ("BSD-2-Clause", 'BSD 2-Clause "Simplified" License', ""),
    ("BSD-3-Clause", 'BSD 3-Clause "New" or "Revised" License', ""),
    ("ISC", "ISC License", ""),
    ("Unlicense", "The Unlicense", ""),
    ("0BSD", "BSD Zero Clause License", ""),
    ("Zlib", "zlib License", ""),
    ("BSL-1.0", "Boost Software License 1.0", ""),
    ("MPL-2.0", "Mozilla Public License 2.0", "s"),
    ("EPL-2.0", "Eclipse Public License 2.0", "s"),
    ("EUPL-1.2", "European Union Public License 1.2", "s"),
    ("GPL-2.0-only", "GNU General Public License v2.0 only", "s"),
    ("GPL-2.0-or-later", "GNU General Public License v2.0 or later", "s"),
    ("GPL-3.0-only", "GNU General Public License v3.0 only", "s"),
    ("GPL-3.0-or-later", "GNU General Public License v3.0 or later", "s"),
    ("LGPL-2.1-only", "GNU Lesser General Public License v2.1 only", "s"),
    ("LGPL-2.1-or-later", "GNU Lesser General Public License v2.1 or later", "s"),
    ("LGPL-3.0-only", "GNU Lesser General Public License v3.0 only", "s"),
    ("LGPL-3.0-or-later", "GNU Lesser General Public License v3.0 or later", "s"),
    ("AGPL-3.0-only", "GNU Affero General Public License v3.0 only", "s"),
    ("AGPL-3.0-or-later", "GNU Affero General Public License v3.0 or later", "s"),
    ("GFDL-1.3-only", "GNU Free Documentation License v1.3 only", "s"),
    ("GFDL-1.3-or-later", "GNU Free Documentation License v1.3 or later", "s"),
    ("Artistic-2.0", "Artistic License 2.0", ""),
)

#: canonical SPDX id → licence; look ups are case-insensitive, as SPDX matching is
SPDX: dict[str, Licence] = {
    **_cc(),
    **{
        lid: Licence(
            id=lid, name=name, non_commercial="n" in r, no_derivatives="d" in r, share_alike="s" in r
        )
        for lid, name, r in _OTHERS
    },
}
_BY_LOWER = {k.lower(): v for k, v in SPDX.items()}
_PROPRIETARY = frozenset({"proprietary", "commercial", "all rights reserved", "internal", "confidential"})
_EXPRESSION_SPLIT = re.compile(r"\s+(?:OR|AND|WITH)\s+|[()]", re.IGNORECASE)


def licence_info(text: str) -> tuple[list[Licence], list[str], str]:
    """Parse a licence declaration (an SPDX id or a simple expression such as ``MIT OR Apache-2.0``).

    Returns (known licences, unknown parts, operator: ``OR``/``AND``/``""``). ``proprietary`` and
    ``LicenseRef-*`` ids are known, of kinds ``proprietary`` and ``reference``.
    """
    text = text.strip()
    op = "OR" if re.search(r"\sOR\s", text, re.I) else "AND" if re.search(r"\sAND\s", text, re.I) else ""
    known, unknown = [], []
    for part in (p.strip() for p in _EXPRESSION_SPLIT.split(text)):
        if not part:
            continue
        lower = part.lower().removesuffix("+")
        if lower in _BY_LOWER:
            known.append(_BY_LOWER[lower])
        elif lower in _PROPRIETARY:
            known.append(Licence(id=part, name="proprietary licence", kind="proprietary"))
        elif re.fullmatch(r"(DocumentRef-[\w.-]+:)?LicenseRef-[\w.-]+", part, re.IGNORECASE):
            known.append(Licence(id=part, name="custom licence reference", kind="reference"))
        else:
            unknown.append(part)
    return known, unknown, op


def suggest_licence(text: str) -> str:
    """A close SPDX id for a misspelt one (``CC BY 4.0`` → ``CC-BY-4.0``), or ``""``."""
    import difflib

    norm = re.sub(r"[\s_]+", "-", text.strip()).replace("--", "-").lower()
    norm = re.sub(r"-v(?=\d)", "-", norm)
    if norm in _BY_LOWER:
        return _BY_LOWER[norm].id
    found = difflib.get_close_matches(norm, list(_BY_LOWER), n=1, cutoff=0.75)
    return _BY_LOWER[found[0]].id if found else ""
