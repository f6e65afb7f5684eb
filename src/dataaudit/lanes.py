"""Two lanes of checks on a machine with two or more cores: the checks that fit models (``cost = "fits
models"``: scikit-learn's fits run mostly without the GIL) in a second thread, beside the others in the
caller's thread. On 1M rows × 20 columns the model fits (learning curve, leak scan, label errors: about three
CPU-seconds with scikit-learn's import) overlap the other checks' hashing and counting: the checks took 4.28 s
instead of 4.97 s on a quiet machine, with every result identical (bench/RESULTS.md).

What keeps the lanes' results those of one lane:

- each check's work is its own and seeded; what checks share goes through :meth:`Dataset.memo`, which
  computes a key once whichever lane asks first (the other waits for it);
- a check that reads another's result declares it (``Check.reads``: the size rules of thumb read the
  learning curve): it runs after the second lane has finished, not waiting in the first;
- the second lane runs in a copy of the caller's context (the masking policy, ``--quick`` and the result's
  scope tracking are ContextVars), its checks in its own order, each with its time limit as before;
- ``warnings.catch_warnings`` is process-wide and not thread-safe: the lanes run under one that ignores
  warnings (checks never print; library warnings inside them are noise) and restores the filters after.

Out of core (DuckDB, Spark) the checks that fit models read the seeded sample, a pandas frame: the second
lane never touches the engine's connection, which serves one query at a time, and its fits overlap the
first lane's queries, which run outside the GIL too.

Before the lanes, while the data is read (pyarrow's and DuckDB's readers work outside the GIL), a background
thread imports the slow modules the checks to run declare (``Check.imports``: scikit-learn, ~0.6 s): the
second lane then starts fitting at once instead of importing against the first lane for the GIL.
"""

from __future__ import annotations

import contextvars
import importlib
import sys
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from dataaudit.check_api import FITS_MODELS
from dataaudit.cores import cores

if TYPE_CHECKING:
    from dataaudit.dataset import Dataset
    from dataaudit.model import Check, CheckResult
    from dataaudit.runner import Planned

__all__ = ["cores", "fits_lane", "run_in_lanes", "warm_imports"]


def warm_imports(checks: Iterable[Check]) -> threading.Thread | None:
    """Import the modules ``checks`` declare (``Check.imports``) in a background thread, when two cores can
    share the work and one is not imported yet; returns the thread, or None. A module that fails to import
    is left alone here: the check's own import raises again, in its run, and becomes its result."""
    declared = (m for c in checks for m in getattr(c, "imports", ()))
    modules = [m for m in dict.fromkeys(declared) if m not in sys.modules]
    if not modules or cores() < 2:
        return None

    def work() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001,S112 - raised again where the check imports it
                continue

    thread = threading.Thread(target=work, name="dataaudit-imports", daemon=True)
    thread.start()
    return thread


def fits_lane(planned: Sequence[Planned], data: Dataset, skipped: Callable[[Check], bool]) -> list[int]:
    """The positions in ``planned`` of the checks for the second lane: those that fit models and are not
    left out (``skipped``), when two cores can share the work and the check reads rows in memory: all of
    them, or out of core the seeded sample (``Check.all_rows`` false), which is then made here, before the
    lanes start, so that only the first lane ever uses the engine's connection."""
    if cores() < 2:
        return []
    lane = [
        i
        for i, p in enumerate(planned)
        if getattr(p.check, "cost", "light") == FITS_MODELS
        and not skipped(p.check)
        and (data.in_memory or not p.check.all_rows)
    ]
    if lane and not data.in_memory:
        data.sample_view()
    return lane


def run_in_lanes(
    planned: Sequence[Planned],
    second: Sequence[int],
    run: Callable[[Planned], CheckResult],
    progress: Callable[[int, int, str], None] | None,
) -> tuple[CheckResult, ...]:
    """``run`` each planned check: those at positions ``second`` in a second thread, in order, the rest
    here; when this lane is done first, it takes the second lane's next checks too (on a small table the
    fits outlast everything else). A check that ``reads`` a second-lane check's result runs after them
    all. Results in ``planned``'s order. ``progress(i, n, id)`` is called here, counting up, before each
    check of this lane and as each of the second lane's is reached in order (it may already be running)."""
    results: dict[int, CheckResult] = {}
    lane_ids = {planned[i].check.id for i in second}
    box: dict[str, BaseException] = {}
    queue = deque(second)
    taking = threading.Lock()

    def take() -> int | None:
        with taking:
            return queue.popleft() if queue else None

    def work() -> None:
        try:
            while (i := take()) is not None:
                results[i] = run(planned[i])
        except BaseException as exc:  # handed to the caller
            box["error"] = exc

    in_second = set(second)
    first = [i for i in range(len(planned)) if i not in in_second]
    after = [i for i in first if lane_ids.intersection(getattr(planned[i].check, "reads", ()))]
    first = [i for i in first if i not in after]
    n = len(planned)
    told: list[int] = []

    def tell(*positions: int) -> None:
        for i in positions:
            if i not in told:
                if progress is not None:
                    progress(len(told), n, planned[i].check.id)
                told.append(i)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        context = contextvars.copy_context()
        worker = threading.Thread(target=context.run, args=(work,), name="dataaudit-fits", daemon=True)
        worker.start()
        for i in first:
            tell(*(j for j in second if j < i), i)  # the second lane's, told as this lane passes them
            results[i] = run(planned[i])
        while (k := take()) is not None:  # done first: the second lane's next checks, here too
            tell(k)
            results[k] = run(planned[k])
        worker.join()
        if "error" in box:
            raise box["error"]
        tell(*second)
        for i in after:
            tell(i)
            results[i] = run(planned[i])
    return tuple(results[i] for i in range(n))
