"""``dataaudit init DATA``: a commented starter ``dataaudit.yaml`` inferred from the data."""

from __future__ import annotations

import json

from dataaudit.dataset import Dataset
from dataaudit.datasheet import FIELDS
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

    def role(key: str, doc: str) -> None:
        found = guesses.get(key, ())
        if found:
            others = f"; other candidates: {', '.join(_c(f) for f in found[1:])}" if len(found) > 1 else ""
            caveat = f" ({id_notes[found[0]]})" if key == "id" and id_notes.get(found[0]) else ""
            lines.append(f"{key}: {_q(found[0])}  # guessed: {doc}{caveat}{others}")
        else:
            lines.append(f"# {key}:  # {doc} (none found)")

    role("target", "the label a model would predict")
    role("id", "unique row identifier")
    role("timestamp", "event time of each row")
    role("ingested_at", "when each row was ingested")
    sens = guesses.get("sensitive", ())
    if sens:
        # commented out: the bias checks grade on these, so a guess must be confirmed before it counts
        lines.append(
            f"# sensitive: [{', '.join(_q(s) for s in sens)}]  # guessed sensitive attributes: "
            "uncomment what is right"
        )
    else:
        lines.append("# sensitive: []  # sensitive attributes, e.g. [gender, age] (none found)")
    lines += [
        "# label_time:  # when each row's label became known",
        "# ignore_columns: []  # columns left out of the audit",
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
