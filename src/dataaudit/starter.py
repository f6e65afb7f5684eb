"""``dataaudit init DATA``: a commented starter ``dataaudit.yaml`` inferred from the data."""

from __future__ import annotations

import json
from collections.abc import Sequence

from dataaudit.dataset import Dataset
from dataaudit.datasheet import FIELDS
from dataaudit.role_table import ROLES, Role
from dataaudit.roles import detect

#: the datasheet fields and their one-line prompts come from the Policy model's module
POLICY_FIELDS = FIELDS


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _c(text: str) -> str:
    """Text safe inside a YAML comment: a line break in a column name or path would end the comment."""
    return " ".join(str(text).split())


def starter_config(data: Dataset) -> str:
    guesses = detect(data.columns, data.stats)
    id_notes = {c: _id_caveat(data, c) for c in guesses.get("id", ())}
    name = _c(data.source.path or "the data")
    lines = [
        f"# dataaudit configuration, written by 'dataaudit init' from {name}.",
        "# Lines marked 'guessed' were inferred from column names and values: check them.",
        "# Every key: 'dataaudit explain config'; a check's settings: 'dataaudit explain CHECK_ID'.",
        "# Command-line flags override this file.",
        "",
        "# -- column roles ------------------------------------------------------------------",
    ]

    for role in sorted(ROLES, key=lambda r: r.starter_rank):
        lines.append(_role_line(role, guesses.get(role.key, ()), id_notes))
    lines += [
        "",
        "# -- verdict and selection -----------------------------------------------------------",
        "fail_on: fail  # 'warn' makes warnings block too",
        "# select: [size, consistency]  # run only checks whose id starts with these",
        "# ignore: [consistency.outliers]  # skip these checks",
        "",
        "# -- per-check settings (see 'dataaudit checks' and 'dataaudit explain ID') --------------",
        "# checks:",
        "#   size.min_rows: {warn_below: 1000, fail_below: 100}",
        "#   size.group_counts: {severity: warn}",
        "#   consistency.outliers: {enabled: false}",
        "",
        "# -- policy notes: the dataset's datasheet ----------------------------------------------",
        "policy:",
    ]
    for key, prompt in POLICY_FIELDS.items():
        lines.append(f"  # {key}:  # {prompt}")
    return "\n".join(lines) + "\n"


def _role_line(role: Role, found: Sequence[str], id_notes: dict[str, str]) -> str:
    """A role's line: the guess, or the key commented out. A guessed list (sensitive attributes) stays
    commented out: the bias checks grade on these, so a guess must be confirmed before it counts."""
    key, doc = role.key, role.starter
    if role.many:
        if found:
            return f"# {key}: [{', '.join(_q(s) for s in found)}]  # {role.starter_guess}"
        return f"# {key}: []  # {doc}{' (none found)' if role.detectable else ''}"
    if found:
        others = f"; other candidates: {', '.join(_c(f) for f in found[1:])}" if len(found) > 1 else ""
        caveat = f" ({id_notes[found[0]]})" if key == "id" and id_notes.get(found[0]) else ""
        return f"{key}: {_q(found[0])}  # guessed: {doc}{caveat}{others}"
    return f"# {key}:  # {doc}{' (none found)' if role.detectable else ''}"


def _id_caveat(data: Dataset, col: str) -> str:
    """For an id that is only nearly unique: how far from unique it is (its duplicates are a finding)."""
    st = data.stats[col]
    if st.unique:
        return ""
    note = f"{st.distinct:,} distinct values in {data.n_rows:,} rows"
    if st.count - st.distinct:
        note += f": {st.count - st.distinct:,} repeated"
    if st.missing:
        note += f", {st.missing:,} missing"
    return note + "; check for duplicates"
