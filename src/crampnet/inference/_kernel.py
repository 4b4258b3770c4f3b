"""A compiled (numba) junction-tree pass over a batch of cases.

The numpy pass of the engine (:mod:`crampnet.inference._numpypass`) makes ~15 passes over memory per
clique entry and case: each broadcast product and each sum is its own numpy
call with its own temporary array. Here the same collect pass, and Hugin's
distribute pass, run as compiled loops (:mod:`crampnet.inference._loops`) over blocks
of :data:`BLOCK` cases kept in cache, with the cases on the innermost,
contiguous axis so the compiler vectorises them. :func:`quickscore` also
expands every case into its Quickscore pseudo-cases and sums them inside
the compiled loop, so nothing per pseudo-case is built in numpy.

The kernel is compiled by numba (the standard just-in-time compiler for
numerical Python) when a call's work is big enough to pay for it (about
10 s per process on a 2-core machine; :func:`ready`), or at the first pass
with ``CRAMPNET_JIT=always``. Nothing is cached on disk. Where numba is
missing, or ``CRAMPNET_JIT=never`` is set, every pass stays in numpy; both
give the same numbers to rounding (tests hold them to 1e-9 of pgmpy).

Only the engine's kernel driver (:mod:`crampnet.inference._kerneltree`) uses this
module, and only this module imports numba and the loops. A :class:`~crampnet.inference._arrays.Structure`
flattens a tree into integer arrays once, a :class:`~crampnet.inference._arrays.Program`
places evidence and query variables on it (:mod:`crampnet.inference._arrays`);
:func:`run` and :func:`quickscore` evaluate batches.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference import _kernel
>>> from crampnet.inference._arrays import Program, Structure
>>> from crampnet.inference._cliques import CliqueTree, Factor
>>> tree = CliqueTree([2, 2], [Factor((0,), np.array([0.3, 0.7])), Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))])
>>> program = Program(Structure(tree), evidence=[1], query=[0])
>>> marg, log_ev, flagged = _kernel.run(program, [np.array([[1.0, 0.0]])], numba=False)
>>> round(float(marg[0][0, 0]), 4), round(float(np.exp(log_ev[0])), 4)
(0.6585, 0.41)
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from crampnet.inference._arrays import Program, Structure
from crampnet.inference._cliques import CliqueTree, Factor

__all__ = ["COMPILE_SECONDS", "quickscore", "ready", "run"]

#: Seconds of estimated numpy time above which one call compiles the kernel
#: (about what compiling costs on a 2-core machine, 8-22 s): a big batch
#: pays for it at once, while a query or a small batch never waits for the
#: compiler. Once compiled (in this process), the kernel runs every pass it can.
COMPILE_SECONDS = 10.0
#: Estimated numpy cost of one clique entry for one case (seconds; measured
#: ~13-18 ns on the shipped network's shared tree, 2-core machine).
NUMPY_ENTRY = 15e-9
#: Cases per block of the compiled loops (a block's buffers stay in cache).
BLOCK = 64
#: A batch is split across threads (one per usable CPU, at most
#: MAX_THREADS) only when each gets at least this many cases.
THREAD_CASES = 256
MAX_THREADS = 8

_state: dict[str, Any] = {"kernel": None, "failed": False}
_LOCK = threading.Lock()


def _mode() -> str:
    mode = os.environ.get("CRAMPNET_JIT", "auto").strip().lower()
    if mode not in {"auto", "always", "never"}:
        msg = f"The environment variable CRAMPNET_JIT must be 'auto', 'always' or 'never', got {mode!r}."
        raise ValueError(msg)
    return mode


def ready(seconds: float) -> bool:
    """Whether work estimated at ``seconds`` of numpy time should run compiled.

    ``CRAMPNET_JIT=auto`` (the default): yes once the kernel is compiled in
    this process; before that, only when ``seconds`` exceeds
    :data:`COMPILE_SECONDS` (the kernel is then compiled now).
    ``CRAMPNET_JIT=always`` compiles at the first pass; ``never`` keeps
    every pass in numpy. Results agree to rounding either way.
    """
    mode = _mode()
    if mode == "never" or _state["failed"]:
        return False
    if _state["kernel"] is not None:
        return True
    if mode == "always" or seconds > COMPILE_SECONDS:
        return _compile() is not None
    return False


def _compile() -> tuple[Callable[..., None], Callable[..., None]] | None:
    """The compiled drivers, or None (and numpy from then on) when numba is missing.

    numba compiles each driver at its first call, once per process (8-22 s
    in all on a 2-core machine, measured with numba 0.68); its dispatchers
    are thread-safe, and the lock keeps threads from building two sets.
    """
    with _LOCK:
        if _state["kernel"] is None and not _state["failed"]:
            try:
                import numba
            except ImportError:
                _state["failed"] = True
                return None
            from crampnet.inference import _loops

            drivers = _loops.make(numba.njit(nogil=True, cache=False, error_model="numpy"))
            _warm(drivers)
            _state["kernel"] = drivers
    kernel: tuple[Callable[..., None], Callable[..., None]] | None = _state["kernel"]
    return kernel


def _warm(drivers: tuple[Callable[..., None], Callable[..., None]]) -> None:
    """Compile both drivers now, on a two-variable tree (numba compiles at a driver's first call).

    Compiling is then one event when the kernel is first wanted, not a
    second pause at the first call of the other driver.
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


def _drivers(numba: bool) -> tuple[Callable[..., None], Callable[..., None]]:
    if not numba:
        from crampnet.inference import _loops

        return _loops.make(lambda f: f)
    kernel = _compile()
    if kernel is None:
        msg = "numba is not installed; run with numba=False."
        raise RuntimeError(msg)
    return kernel


def run(program: Program, evidence: Sequence[np.ndarray], *, numba: bool = True, potential: np.ndarray | None = None) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Normalised marginals of the program's query variables, and log P(evidence), per case.

    Parameters
    ----------
    program : Program
        The tree's structure.
    evidence : sequence of numpy.ndarray
        Per evidence variable of ``program``, ``(n_cases, card)`` likelihoods.
    numba : bool, default=True
        Run compiled (False runs the same loop as plain Python: for tests).
    potential : numpy.ndarray, optional
        Flat clique potentials to use instead of the program's (e.g. with
        evidence shared by every case already multiplied in).

    Returns
    -------
    marginals : list of numpy.ndarray
        Per query variable, ``(n_cases, card)``; NaN where the evidence is impossible.
    log_evidence : numpy.ndarray
        ``log P(evidence)`` per case, ``-inf`` where impossible.
    flagged : numpy.ndarray
        Cases whose messages came close enough to underflow that Hugin's
        division may have lost precision (:data:`crampnet.inference._loops.TINY_MESSAGE`):
        run them another way.
    """
    n = max((e.shape[0] for e in evidence), default=1)
    stacked = np.empty((int(program.ev_states.sum()) if len(program.evidence) else 0, n))
    at = 0
    for e in evidence:
        k = e.shape[1]
        stacked[at : at + k] = e.T
        at += k
    q_rows = int(program.q_card.sum())
    out = np.zeros((q_rows, n))
    log_ev = np.zeros(n)
    flags = np.zeros(n, dtype=np.int64)
    marginals_driver, _ = _drivers(numba)
    pot = program.structure.potential if potential is None else potential
    structure = program.structure

    def part(a: int, b: int) -> None:
        cols = np.ascontiguousarray(stacked[:, a:b])
        res = np.zeros((q_rows, b - a))
        marginals_driver(structure.arrays(), program.arrays(), pot, cols, res, log_ev[a:b], flags[a:b], structure.messages, structure.width, BLOCK)
        out[:, a:b] = res

    _split(n, part, numba)
    marginals = []
    at = 0
    for card in program.q_card.tolist():
        marginals.append(out[at : at + card].T)
        at += card
    return marginals, log_ev, flags.astype(bool)


def quickscore(
    program: Program, direct: np.ndarray, observed: np.ndarray, terms: tuple[np.ndarray, ...], values: np.ndarray, weights: np.ndarray,
    pick: np.ndarray, cap: int, condition: float, *, numba: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Posteriors by Quickscore, every case's pseudo-cases expanded and summed in the kernel.

    Parameters
    ----------
    program : Program
        The tree, with every variable that gets evidence or a term factor as
        an evidence variable and the conditions as the query.
    direct : numpy.ndarray
        ``(evidence states, n_cases)``: each case's evidence on the tree's
        own variables (ones where unobserved), rows as ``program.rows``.
    observed : numpy.ndarray
        ``(finding states, n_cases)``: the likelihoods of the decomposed findings.
    terms, values, weights : numpy.ndarray
        The flattened terms (:func:`crampnet.inference.quickscore.flatten`).
    pick : numpy.ndarray
        Per query variable, the row of its output state in a block's marginals.
    cap : int
        Cases with more pseudo-cases are not answered (status 1).
    condition : float
        Largest accepted ``sum |mass| / |sum of masses|`` (status 2 beyond).
    numba : bool, default=True
        Run compiled (False: the same loops in plain Python, for tests).

    Returns
    -------
    posteriors : numpy.ndarray
        ``(n_cases, len(pick))``; meaningful where ``status == 0``.
    log_evidence : numpy.ndarray
        ``log P(evidence)`` per case where ``status == 0``.
    status : numpy.ndarray
        0 answered, 1 over ``cap``, 2 no mass or ill conditioned.
    """
    n = direct.shape[1]
    post = np.zeros((n, pick.size))
    log_ev = np.full(n, -np.inf)
    status = np.zeros(n, dtype=np.int64)
    _, driver = _drivers(numba)
    structure = program.structure
    n_out = int(program.q_card.sum())

    def part(a: int, b: int) -> None:
        driver(
            structure.arrays(), program.arrays(), structure.potential, np.ascontiguousarray(direct[:, a:b]), np.ascontiguousarray(observed[:, a:b]),
            terms, values, weights, pick, n_out, cap, condition, post[a:b], log_ev[a:b], status[a:b], structure.messages, structure.width, BLOCK,
        )  # fmt: skip

    _split(n, part, numba)
    return post, log_ev, status


def _threads() -> int:
    """The CPUs this process may use (at most :data:`MAX_THREADS`)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_THREADS))


def _split(n: int, part: Callable[[int, int], None], numba: bool) -> None:
    """Run ``part(a, b)`` over consecutive ranges of the ``n`` cases, on one thread per CPU.

    The compiled loops release the GIL, and every case is computed on its
    own (no sum runs across cases), so the split changes no result, not even
    in the last bit. Batches smaller than :data:`THREAD_CASES` per thread,
    and the plain-Python loops, run on the calling thread.
    """
    parts = min(_threads(), n // THREAD_CASES) if numba else 1
    if parts <= 1:
        part(0, n)
        return
    from concurrent.futures import ThreadPoolExecutor

    bounds = np.linspace(0, n, parts + 1).astype(int).tolist()
    with ThreadPoolExecutor(max_workers=parts) as pool:
        for done in [pool.submit(part, a, b) for a, b in itertools.pairwise(bounds)]:
            done.result()
