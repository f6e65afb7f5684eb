"""What the policy checks share: the declared datasheet and a short list for messages."""

from __future__ import annotations

from dataaudit.dataset import Dataset
from dataaudit.datasheet import Policy, declared_policy


def _policy(data: Dataset) -> Policy | None:
    return declared_policy(data.settings)


def _list(items: list[str], limit: int = 3) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")
