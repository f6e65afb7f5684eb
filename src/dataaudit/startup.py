"""The command line's start-up, without the cyclic garbage collector.

Starting ``dataaudit`` imports pandas, pydantic, the checks and their dependencies: ~150,000 objects, none of
them garbage, which the collector nevertheless walks about 200 times while they are made (50-80 ms of a
1,000-row audit's ~1 s from the command line). :func:`defer_collection` (called by ``dataaudit.cli.main``)
turns collection off for the start-up; :func:`startup_done`, called before any data is read
(:func:`dataaudit.api.prepare`, :func:`dataaudit.loading.load`), turns it back on and freezes what the
start-up made, which lives until the process ends, so the full collections of a long audit skip it. Only the
command line defers: in a library user's process, where ``main`` does not run, both are no-ops.
"""

from __future__ import annotations

import gc

__all__ = ["defer_collection", "startup_done"]

_deferred = False


def defer_collection() -> None:
    """Turn the cyclic garbage collector off until :func:`startup_done` (unless it already is off)."""
    global _deferred
    if gc.isenabled():
        gc.disable()
        _deferred = True


def startup_done() -> None:
    """The data is about to be read: collect garbage as usual from now on (only after
    :func:`defer_collection`; otherwise nothing changes)."""
    global _deferred
    if _deferred:
        _deferred = False
        gc.freeze()
        gc.enable()
