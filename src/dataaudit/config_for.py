"""Which configuration applies to the data being audited: the one given (a :class:`Config`, a mapping or a
file), else a ``dataaudit.yaml`` found beside the data; its ``datasets:`` entry for this file; the datasheet
read from a Croissant file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dataaudit.config import Config, find_config, load_config, validate_config

__all__ = ["CROISSANT_NAMES", "config_for", "find_croissant", "with_croissant"]

#: the names looked for beside a data file, ``{stem}`` being the data file's name without its extensions
CROISSANT_NAMES = ("{stem}.croissant.json", "croissant.json")


def find_croissant(data_path: Path | None) -> Path | None:
    """``<data-stem>.croissant.json`` or ``croissant.json`` beside the data file, or None. Here rather than in
    :mod:`dataaudit.croissant` (which re-exports it): looking costs two ``stat`` calls, reading needs the
    SPDX licence table."""
    if data_path is None:
        return None
    folder = data_path.resolve().parent
    stem = data_path.name.split(".")[0]
    for pattern in CROISSANT_NAMES:
        candidate = folder / pattern.format(stem=stem)
        if candidate.is_file():
            return candidate
    return None


def with_croissant(cfg: Config, cfg_path: Path | None, data_path: Path | None, explicit) -> Config:
    """The config with the datasheet read from a Croissant file: ``croissant=`` (``--croissant``), else
    ``croissant:`` in dataaudit.yaml (relative to its folder), else one beside the data file. The policy
    block overrides the file field by field (see :mod:`dataaudit.croissant`)."""
    if explicit is not None:
        file: Path | None = Path(explicit)
    elif cfg.croissant:
        file = Path(cfg.croissant)
        if not file.is_absolute() and cfg_path is not None:
            file = cfg_path.parent / file
    else:
        file = find_croissant(data_path)
    if file is None:
        return cfg
    from dataaudit.croissant import merge_policy, read_croissant  # only with a Croissant file

    sheet = read_croissant(file)
    return cfg.model_copy(update={"policy": merge_policy(cfg.policy, sheet), "croissant": str(file)})


def config_for(
    config: Config | dict[str, Any] | str | Path | None, path: Path | None
) -> tuple[Config, Path | None, str | None]:
    """The config, its file, and the ``datasets:`` entry applied for ``path`` (if any)."""
    if isinstance(config, Config):
        cfg = config
    elif isinstance(config, dict):
        cfg = validate_config(config)
    elif (
        config is None and path is None
    ):  # a DataFrame has no folder: a stray ./dataaudit.yaml must not apply
        return Config(), None, None
    else:
        return _config_file(config, path)
    if path is not None and cfg.datasets:
        cfg, section = cfg.for_file(path, None)
        return cfg, None, section
    return cfg, None, None


def _config_file(
    config: str | os.PathLike[str] | None, path: Path | None
) -> tuple[Config, Path | None, str | None]:
    cfg_path = find_config(path, Path(config) if config is not None else None)
    cfg = load_config(cfg_path)
    if path is not None and cfg.datasets:
        cfg, section = cfg.for_file(path, cfg_path.parent if cfg_path else None)
        if section is not None:
            return cfg, cfg_path, section
    return cfg, cfg_path, None
