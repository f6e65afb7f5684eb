"""Values computed once per key, also when threads ask at the same time: the shared work of checks running
beside each other (``Dataset.memo``, :mod:`dataaudit.lanes`) and the per-column statistics a background
thread computes while role detection asks for them (``Stats.prefetch``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Once"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Once(Generic[K, V]):
    """``get(key, compute)``: ``compute()`` the first time a key is asked for, its value after. One lock per
    key: a thread asking while another computes the key waits for that value, and keys computed by
    different threads do not wait for each other. A ``compute`` that raises keeps nothing (the next to ask
    computes again)."""

    def __init__(self) -> None:
        self._values: dict[K, V] = {}
        self._guard = threading.Lock()
        self._locks: dict[K, threading.RLock] = {}

    def get(self, key: K, compute: Callable[[], V]) -> V:
        if key in self._values:
            return self._values[key]
        with self._guard:
            lock = self._locks.setdefault(key, threading.RLock())
        with lock:
            if key not in self._values:
                self._values[key] = compute()
        return self._values[key]
