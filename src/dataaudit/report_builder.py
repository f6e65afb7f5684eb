"""The :class:`~dataaudit.model.Report` of an audit: the results with the dataset's description, the run's
notes (roles detected or suggested, the datasheet's source, the overview's limits) and the config used."""

from __future__ import annotations

from pathlib import Path

from dataaudit import __version__
from dataaudit.config import Config
from dataaudit.dataset import Dataset
from dataaudit.model import DatasetInfo, Report, Severity
from dataaudit.overview import MAX_OVERVIEW_COLUMNS, column_summaries, ordered_tokens

__all__ = ["build_report"]


def build_report(
    dataset: Dataset,
    results,
    cfg: Config,
    cfg_path: Path | None,
    durations,
    config_missing: bool = False,
    section: str | None = None,
) -> Report:
    roles = dataset.roles
    notes = _notes(dataset, cfg, config_missing)
    overview = column_summaries(dataset)
    if dataset.n_cols > MAX_OVERVIEW_COLUMNS:
        notes.append(f"overview lists the first {MAX_OVERVIEW_COLUMNS} of {dataset.n_cols:,} columns")
    src = dataset.source
    info = DatasetInfo(
        path=src.path,
        format=src.format,
        bytes=src.bytes,
        sha256=src.sha256,
        rows=dataset.n_rows,
        columns=dataset.n_cols,
        load_seconds=src.load_seconds,
        encoding=src.encoding,
        notes=src.notes,
        null_tokens={c: dict(ordered_tokens(t)) for c, t in src.null_tokens.items() if c in dataset.columns},
        engine=dataset.engine.name,
        engine_reason=dataset.engine.reason,
        sample_rows=None if dataset.in_memory else len(dataset.sample()),
    )
    return Report(
        tool={"name": "dataaudit", "version": __version__},
        dataset=info,
        roles=roles.to_dict(),
        detected_roles=tuple(sorted(roles.detected)),
        as_of=dataset.as_of,
        fail_on=Severity(cfg.fail_on),
        results=results,
        overview=overview,
        config={
            "path": str(cfg_path) if cfg_path else None,
            "section": section,
            **cfg.model_dump(mode="json", exclude={"datasets"}),
        },
        notes=tuple(notes),
        durations=durations,
    )


def _notes(dataset: Dataset, cfg: Config, config_missing: bool) -> list[str]:
    """The run's notes (load notes stay on report.dataset.notes): roles detected or suggested, the
    datasheet's Croissant file, a missing dataaudit.yaml."""
    roles = dataset.roles
    notes: list[str] = []
    for role in sorted(roles.detected):
        notes.append(
            f"{role} column {getattr(roles, role)!r} was detected, not declared; set it in dataaudit.yaml"
        )
    for role, cols in roles.suggested.items():
        notes.append(
            f"{role} not set; likely candidate(s): {', '.join(cols)} (set {role}: in dataaudit.yaml)"
        )
    if cfg.croissant and cfg.policy is not None:
        taken = ", ".join(cfg.policy.from_croissant) or "none"
        notes.append(
            f"datasheet read from the Croissant file {cfg.croissant} (fields taken from it: {taken})"
        )
    if config_missing:
        notes.append("no dataaudit.yaml found; defaults used (run 'dataaudit init DATA' to write one)")
    return notes
