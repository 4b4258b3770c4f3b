"""A compiled (numba) junction-tree pass over a batch of cases.

The numpy pass of the engine (:mod:`crampnet.inference._numpypass`) makes ~15 passes over memory per
clique entry and case: each broadcast product and each sum is its own numpy
call with its own temporary array. Here the same collect pass, and Hugin's
distribute pass, run as compiled loops (:mod:`crampnet.inference._loops`) over blocks
of :data:`BLOCK` cases kept in cache, with the cases on the innermost,
contiguous axis so the compiler vectorises them. The Quickscore driver also
expands every case into its Quickscore pseudo-cases and sums them inside
the compiled loop, so nothing per pseudo-case is built in numpy.

numba (the standard just-in-time compiler for numerical Python) compiles
the loops once per installation, 10-40 s on a 2-core machine, and keeps
them in its on-disk cache (crampnet's own compiled functions, as trusted
as its ``.pyc`` files; nothing of the user's is stored): in
``NUMBA_CACHE_DIR`` if set, else in ``__pycache__`` beside the loops'
sources if writable, else in the user's cache directory
(``~/.cache/numba/inference_<hash of the path>`` on Linux). A later
process loads them, numba's import included, in about half a second on an
idle machine (2-3 s on a busy one) when :func:`ready` first says so
(``CRAMPNET_JIT`` decides); :func:`warm_up` compiles ahead. Where numba
is missing, or ``CRAMPNET_JIT=never`` is set, every pass stays in numpy;
both give the same numbers to rounding (tests hold them to 1e-9 of pgmpy).

Only the engine's kernel driver (:mod:`crampnet.inference._kerneltree`,
which runs batches through the drivers) and the pass of parameter draws
(:mod:`crampnet.inference._drawpass`, through :func:`draw_driver`) use
this module, and only this module imports numba and the loops.

Examples
--------
>>> from crampnet.inference import _kernel
>>> _kernel.OPTIONS  # every loop's, and cache=True where numba can write its cache
{'nogil': True, 'error_model': 'numpy'}
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from crampnet.inference._arrays import Program, Structure
from crampnet.inference._cliques import CliqueTree, Factor
from crampnet.inference._jit import _jit_modules, _refresh

__all__ = ["BLOCK", "COMPILE_SECONDS", "LOAD_SECONDS", "draw_driver", "drivers", "family_driver", "ready", "warm_up"]

#: Estimated numpy seconds, of one call or of a process's numpy work so
#: far, above which ``auto`` loads the kernel (:func:`ready`). Importing
#: numba and loading the kernel from its cache cost about 0.5-0.7 s on an
#: idle 2-core machine (2-3 s when it is busy); the kernel saves about that
#: on a batch of 450 cases of the shipped network (0.45 s on 300, 2.2-2.8 s
#: on 1,000). The estimates (:data:`NUMPY_ENTRY` per clique entry and case)
#: run above the measured numpy time of the clinical calls (about 1.5 s
#: estimated for 0.3-0.5 s of diagnose, questions, explanation and report
#: of the README's case), so the load comes after about as much real numpy
#: work as it costs. A process below it never imports numba.
LOAD_SECONDS = 1.5
#: Where numba finds no writable cache directory a process compiles for
#: itself (10-40 s on a 2-core machine): ``auto`` then compiles only for
#: one call estimated above this many seconds of numpy time.
COMPILE_SECONDS = 10.0
#: Estimated numpy cost of one clique entry for one case (seconds; measured
#: ~13-18 ns on the shipped network's shared tree, 2-core machine).
NUMPY_ENTRY = 15e-9
#: Cases per block of the compiled loops (a block's buffers stay in cache).
BLOCK = 64
#: numba options of every loop (``cache=True`` is added where numba finds a writable cache directory).
OPTIONS: dict[str, Any] = {"nogil": True, "error_model": "numpy"}

Drivers = tuple[Callable[..., None], Callable[..., None]]
_state: dict[str, Any] = {"kernel": None, "failed": False, "loops": None, "cache": None, "stamp": None, "spent": 0.0}
_LOCK = threading.RLock()


def _mode() -> str:
    mode = os.environ.get("CRAMPNET_JIT", "auto").strip().lower()
    if mode not in {"auto", "always", "never"}:
        msg = f"The environment variable CRAMPNET_JIT must be 'auto', 'always' or 'never', got {mode!r}."
        raise ValueError(msg)
    return mode


def ready(seconds: float) -> bool:
    """Whether work estimated at ``seconds`` of numpy time should run compiled.

    ``CRAMPNET_JIT=auto`` (the default): yes once the kernel is in this
    process; before that, when ``seconds`` plus the estimated numpy time
    of the work this process has already run in numpy exceeds
    :data:`LOAD_SECONDS`: one large call, or a session of small ones
    (a few diagnoses with their questions and reports). This is the
    ski-rental rule (rent until the rent paid reaches the price of buying;
    never more than twice the cost of the better choice in hindsight,
    Karlin et al., Algorithmica 1988): a script of a few calls never
    loads numba, a session that keeps working pays one load and then runs
    compiled. The kernel is then loaded from numba's cache, or compiled
    and cached once per installation, with a one-line notice on stderr (a
    warning of the ``crampnet.inference._kernel`` logger). Where numba
    finds no writable cache directory, the price is
    :data:`COMPILE_SECONDS` instead: the process compiles for itself.
    ``always`` runs every pass compiled, ``never`` every pass in numpy.
    Results agree to rounding either way.

    Parameters
    ----------
    seconds : float
        The work's estimated numpy time (with ``auto``, added to the
        process's tally when it stays in numpy).

    Returns
    -------
    bool
        True when the kernel is (now) loaded and the work should use it.

    Raises
    ------
    ValueError
        If ``CRAMPNET_JIT`` is not ``auto``, ``always`` or ``never``.
    """
    mode = _mode()
    if mode == "never" or _state["failed"]:
        return False
    if _state["kernel"] is not None:
        return True
    if mode == "auto":
        # Rent until the rent paid reaches the price: numpy until this
        # call and the numpy work already run in this process add up to
        # more than a load (or, with no cache, a compile) would cost.
        spent = _state["spent"] + seconds
        if spent <= LOAD_SECONDS or (spent <= COMPILE_SECONDS and (_loops() is None or _state["cache"] is None)):
            _state["spent"] = spent
            return False
    return _compile() is not None


def warm_up() -> str:
    """Compile the kernel now, or load it from numba's cache, whatever ``CRAMPNET_JIT`` says.

    For installers, images and ``crampnet warm-up``: later processes load
    the kernel instead of compiling it.

    Returns
    -------
    str
        One line: what was done, how long it took, and where the cache is.

    Examples
    --------
    >>> from crampnet.inference import _kernel
    >>> print(_kernel.warm_up())  # compiles only if this installation never has  # doctest: +ELLIPSIS
    crampnet: ...
    """
    start = time.perf_counter()
    if _loops() is None:
        return "crampnet: numba is not installed; every pass runs in numpy."
    done = "was already loaded" if _state["kernel"] is not None else "loaded" if _cached() else "compiled"
    _compile()
    where = f"numba's cache: {_state['cache']}" if _state["cache"] is not None else "no writable cache directory: set NUMBA_CACHE_DIR"
    return f"crampnet: inference kernel {done} in {time.perf_counter() - start:.1f} s ({where})."


def _compile() -> Drivers | None:
    """The compiled drivers, or None (and numpy from then on) when numba is missing.

    The first call of a process loads every loop from numba's cache, or
    compiles them (and saves them there) after a notice; numba's
    dispatchers are thread-safe, and the lock keeps threads from doing it twice.
    """
    with _LOCK:
        if _state["kernel"] is None and not _state["failed"]:
            loops = _loops()
            if loops is None:
                return None
            if not _cached():
                where = f"once per installation, cached in {_state['cache']}" if _state["cache"] is not None else "once per process: no writable cache directory, see NUMBA_CACHE_DIR"
                import logging  # only for this notice: a process that never compiles does not import it

                logging.getLogger(__name__).warning("crampnet: compiling the inference kernel with numba (10-40 s, %s)", where)
            drivers = (loops["marginals"], loops["quickscore"])
            _warm(drivers)
            _warm_draws(loops["draws"])
            stamp: Path | None = _state["stamp"]
            if stamp is not None and not stamp.exists():
                with contextlib.suppress(OSError):  # it still loads; the next process checks again
                    stamp.write_text("crampnet.inference._smallloops, _quickloops, _loops, _drawloops, _emblocks, _emtables, _embins, _emlayout and _emloops are compiled in this directory\n")
            _state["kernel"] = drivers
    kernel: Drivers | None = _state["kernel"]
    return kernel


def _loops() -> dict[str, Any] | None:
    """Every loop as a numba dispatcher, built once per process (nothing is compiled yet); None without numba.

    With ``cache=True`` where numba finds a writable cache directory (then
    kept in ``_state["cache"]``, after :func:`_refresh`), without it else.
    """
    with _LOCK:
        if _state["loops"] is None and not _state["failed"]:
            try:
                import numba
            except ImportError:
                _state["failed"] = True
                return None
            from crampnet.inference import (
                _drawloops,
                _embins,
                _emblocks,
                _emlayout,
                _emloops,
                _emtables,
                _loops,
                _quickloops,
                _smallloops,
            )

            modules = (_smallloops, _quickloops, _loops, _drawloops, _emblocks, _emtables, _embins, _emlayout, _emloops)
            try:
                loops = _jit_modules(modules, numba.njit(cache=True, **OPTIONS))
            except RuntimeError:  # "cannot cache function ...: no locator available"
                loops = _jit_modules(modules, numba.njit(**OPTIONS))
            path = loops["marginals"].stats.cache_path
            if path is not None:
                _state["cache"] = Path(path)
                with contextlib.suppress(OSError):  # sources not in files (a zip): numba's own checks only
                    _state["stamp"] = _refresh(Path(path), modules, numba.__version__)
            _state["loops"] = loops
    loops_: dict[str, Any] | None = _state["loops"]
    return loops_


def _cached() -> bool:
    stamp: Path | None = _state["stamp"]
    return stamp is not None and stamp.exists()


def _warm(drivers: Drivers) -> None:
    """Load or compile both drivers now, on a two-variable tree (numba does it at a driver's first call).

    Compiling is then one event when the kernel is first wanted, not a
    second pause at the first call of the other driver; the arguments have
    the types of every real call, so no call compiles again.
    """
    tree = CliqueTree([2, 2], [Factor((0,), np.array([0.5, 0.5])), Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))])
    structure = Structure(tree)
    program = Program(structure, [0, 1], [0])
    marginals, quick = drivers
    ones = np.ones((4, 1))
    marginals(structure.arrays(), program.arrays(), structure.potential, ones, np.zeros((2, 1)), np.zeros(1), np.zeros(1, dtype=np.int64), structure.messages, structure.width, BLOCK)
    ints = [np.zeros(0, dtype=np.int64)] * 3
    terms = (np.array([0, 1], dtype=np.int64), np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.int64), np.zeros(2, dtype=np.int64), *ints)
    quick(
        structure.arrays(), program.arrays(), structure.potential, ones, np.ones((1, 1)), terms, np.zeros(0), np.ones(1),
        np.zeros(1, dtype=np.int64), 2, 1, 1e6, np.zeros((1, 1)), np.zeros(1), np.zeros(1, dtype=np.int64), structure.messages, structure.width, BLOCK,
    )  # fmt: skip
    # EM's family counts (a -> b, b observed), with the argument types of every real call.
    ints = [np.array(x, dtype=np.int64) for x in ([2, 2], [0, 1, 3], [0, 1, 0], [1, 2, 1], [0, 2], [[2, 1]], [[0, 0]])]
    loops = _state["loops"]
    loops["family_counts"](*ints[:5], np.array([0.5, 0.5, 0.9, 0.2, 0.1, 0.8]), *ints[5:], np.ones((1, 2), dtype=np.bool_), np.zeros((1, 0)), np.zeros(2, dtype=np.int64), np.ones(1), np.zeros(6), np.zeros(1, dtype=np.int64), 0, 1, 6)


def family_driver(numba: bool = True) -> Callable[..., None]:
    """EM's family-count driver, :func:`crampnet.inference._emloops.family_counts`: compiled, or plain Python (``numba=False``).

    Parameters
    ----------
    numba : bool, default=True
        The compiled driver (loading or compiling the kernel if need be);
        False for the plain Python loop.

    Returns
    -------
    callable
        The driver, called with ``family_counts``'s arguments; it returns None.

    Raises
    ------
    RuntimeError
        If ``numba`` is True and numba is not installed.
    """
    if not numba:
        from crampnet.inference import _emloops

        return _emloops.family_counts
    if _compile() is None:
        msg = "numba is not installed; run with numba=False."
        raise RuntimeError(msg)
    driver: Callable[..., None] = _state["loops"]["family_counts"]
    return driver


def _warm_draws(driver: Callable[..., None]) -> None:
    """Load or compile the draws' driver (:func:`crampnet.inference._drawloops.draws`) now, on the warm-up tree, with the types of every real call."""
    tree = CliqueTree([2, 2], [Factor((0,), np.array([0.5, 0.5])), Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))])
    structure = Structure(tree)
    program = Program(structure, [], [0])
    index = np.arange(4, dtype=np.int64)
    slots = (np.array([0, 1], dtype=np.int64), index, np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))
    driver(structure.arrays(), slots, program.arrays()[5:], np.ones((1, 4, 1)), np.zeros((2, 1)), np.zeros(1), np.zeros(1, dtype=np.int64), structure.messages)


def draw_driver(numba: bool = True) -> Callable[..., None]:
    """The draws' driver, :func:`crampnet.inference._drawloops.draws`: compiled, or plain Python (``numba=False``, for tests).

    Parameters
    ----------
    numba : bool, default=True
        The compiled driver (loading or compiling the kernel if need be);
        False for the plain Python loop.

    Returns
    -------
    callable
        The driver, called with ``draws``'s arguments; it returns None.

    Raises
    ------
    RuntimeError
        If ``numba`` is True and numba is not installed.
    """
    if numba and _compile() is not None:
        loops: dict[str, Any] = _state["loops"]
        driver: Callable[..., None] = loops["draws"]
        return driver
    if numba:
        msg = "numba is not installed; run with numba=False."
        raise RuntimeError(msg)
    from crampnet.inference import _drawloops

    return _drawloops.draws


def drivers(numba: bool = True) -> Drivers:
    """The two drivers, ``(marginals, quickscore)`` of :mod:`crampnet.inference._loops`: compiled, or plain Python (``numba=False``, for tests).

    Parameters
    ----------
    numba : bool, default=True
        The compiled driver (loading or compiling the kernel if need be);
        False for the plain Python loop.

    Returns
    -------
    tuple of (callable, callable)
        :func:`~crampnet.inference._loops.marginals` and
        :func:`~crampnet.inference._loops.quickscore`; each returns None.

    Raises
    ------
    RuntimeError
        If ``numba`` is True and numba is not installed.
    """
    if not numba:
        from crampnet.inference import _loops

        return _loops.marginals, _loops.quickscore
    kernel = _compile()
    if kernel is None:
        msg = "numba is not installed; run with numba=False."
        raise RuntimeError(msg)
    return kernel
