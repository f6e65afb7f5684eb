"""What the policy checks share: the declared datasheet."""

from __future__ import annotations

from dataaudit.dataset import Dataset
from dataaudit.datasheet import Policy, declared_policy


def _policy(data: Dataset) -> Policy | None:
    return declared_policy(data.settings)
