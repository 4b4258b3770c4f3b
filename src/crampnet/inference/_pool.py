"""One process-wide pool of worker threads for the compiled loops, and the calling thread as one more worker.

The compiled loops (:mod:`crampnet.inference._kernel`) release the GIL, so
a batch split into ranges runs on every CPU. A new
:class:`~concurrent.futures.ThreadPoolExecutor` per call starts its threads
each time (about 0.3-3 ms a thread on a 2-core machine, measured in
``report()`` of the README's case: 49 starts, 0.14 s over five reports),
which is a large share of an interview step. Here the pool is made once
per process (and made again in a forked child, where the parent's threads
do not exist), and the calling thread runs the first range itself instead
of waiting idle.

Examples
--------
>>> from crampnet.inference._pool import run
>>> out = {}
>>> run([lambda k=k: out.__setitem__(k, k * k) for k in range(4)])
>>> out == {0: 0, 1: 1, 2: 4, 3: 9}
True
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["run"]

#: Worker threads of the pool: the callers split at most
#: :data:`crampnet.inference._kerneltree.MAX_THREADS` (8) ways and run one
#: range themselves (a module below them cannot import the constant; more
#: ranges than workers would only queue).
WORKERS = 7

_state: dict[str, object] = {"pool": None, "pid": None}
_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """The process's pool, made on first use (again after a fork)."""
    with _LOCK:
        pool = _state["pool"]
        if not isinstance(pool, ThreadPoolExecutor) or _state["pid"] != os.getpid():
            pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="crampnet-kernel")
            _state["pool"], _state["pid"] = pool, os.getpid()
        return pool


def run(tasks: Sequence[Callable[[], object]]) -> None:
    """Run every task, the first on the calling thread and the others on the pool; return when all are done.

    An exception of any task is raised here, after every task has ended
    (none is left running on shared buffers).

    Parameters
    ----------
    tasks : sequence of callable
        Functions of no argument; what they return is dropped.

    Raises
    ------
    BaseException
        The first task's exception if it raised, else the first raised by
        another task, in their order.
    """
    if not tasks:
        return
    futures: list[Future[object]] = [_pool().submit(task) for task in tasks[1:]]
    error: BaseException | None = None
    try:
        tasks[0]()
    except BaseException as exc:  # re-raised below, once the others are done
        error = exc
    for future in futures:
        failed = future.exception()
        if error is None and failed is not None:
            error = failed
    if error is not None:
        raise error
