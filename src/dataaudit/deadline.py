"""Run one call with a time limit: the per-check ``check_timeout``.

Python cannot kill a thread, so the limit is enforced as honestly as the interpreter allows:

1. The call runs in a daemon worker thread; the caller waits for it at most ``seconds``.
2. When the time is up, the caller stops waiting and the call becomes an error for the caller. The worker is
   asked to stop: an exception (:class:`_Stop`, a ``BaseException`` so that ``except Exception`` in a check
   does not swallow it) is raised in it with ``PyThreadState_SetAsyncExc``. Python delivers it at the worker's
   next bytecode, so a check looping in Python code stops at once; one inside a long C call (a pandas
   operation, a regex) stops when that call returns.
3. A worker still running after a short grace period is abandoned: it is a daemon thread, so it never keeps
   the process alive, and the result says it may still be using CPU.

Why not ``signal.alarm``? It works only in the main thread (a notebook kernel or a web server runs the audit
elsewhere), it would replace a handler the host application installed, and it cannot interrupt a C call
either. Why not a subprocess per check? The dataset would have to be copied or pickled into every child.

A call stuck in one C function that holds the GIL (a catastrophic regex, for instance) blocks every Python
thread, this one included, until it returns: no in-process mechanism can enforce a limit on it.
"""

from __future__ import annotations

import contextvars
import ctypes
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["TimedOut", "call_with_deadline"]

T = TypeVar("T")

#: how long to wait for a worker to stop after it has been asked to
GRACE_SECONDS = 0.5


class TimedOut(Exception):
    """The call did not finish within its time limit. ``stopped``: whether the worker has stopped since."""

    def __init__(self, seconds: float, stopped: bool) -> None:
        self.seconds = seconds
        self.stopped = stopped
        state = "stopped" if stopped else "abandoned, and may still be using CPU until the process exits"
        super().__init__(f"did not finish within {seconds:g} s; {state}")


class _Stop(BaseException):
    """Raised inside a worker whose time is up."""


def call_with_deadline(fn: Callable[[], T], seconds: float | None) -> T:
    """``fn()``, or :class:`TimedOut` after ``seconds`` (``None`` or 0: no limit, and no thread).

    Exceptions raised by ``fn`` (``BaseException`` included) are re-raised in the caller. A
    ``KeyboardInterrupt`` in the caller while it waits stops the worker too and propagates.
    """
    if not seconds:
        return fn()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except _Stop:
            box["stopped"] = True
        except BaseException as exc:  # handed to the caller, never printed by threading's excepthook
            box["error"] = exc

    # the check sees the caller's context (the audit's masking policy lives in a ContextVar)
    context = contextvars.copy_context()
    worker = threading.Thread(target=context.run, args=(work,), name="dataaudit-check", daemon=True)
    worker.start()
    try:
        worker.join(seconds)
    except BaseException:  # Ctrl-C while waiting: do not leave the check running behind the interrupt
        _ask_to_stop(worker)
        raise
    if worker.is_alive():
        _ask_to_stop(worker)
        worker.join(GRACE_SECONDS)
        raise TimedOut(seconds, stopped=not worker.is_alive())
    if "error" in box:
        raise box["error"]
    return box["value"]


def _ask_to_stop(worker: threading.Thread) -> None:
    if worker.ident is not None and worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(_Stop))
