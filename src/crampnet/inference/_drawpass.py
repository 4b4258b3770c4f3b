"""Junction-tree passes in the compiled kernel where every case has clique potentials of its own.

Monte Carlo over parameters (:mod:`crampnet.trust._montecarlo`) runs one
case under many parameter draws: every draw has its own clique potentials,
while the kernel's drivers (:mod:`crampnet.inference._loops`) multiply one
potential shared by all cases by per-case likelihood vectors. The two meet
here without a new compiled loop: each clique gets one more evidence slot
whose entry map is the identity over its entries, so a draw's potential
enters as that slot's "likelihoods" (rows ``eoff[c] .. eoff[c] + size[c]``
of the stacked input), the shared potential is all ones, and the ordinary
likelihood vectors follow as usual. The numbers are those of the numpy pass
to rounding (and the same whatever the number of threads); the compiled
pass was 5-8 times faster than numpy's on the 1.35M-entry tree of a case
with every finding observed.

Potentials must be non-negative (the kernel's rescaling and Hugin's
division assume it): signed Quickscore trees stay in numpy. With
``sparse=True`` the tree's dead entries are left out (potentials are
gathered at the live ones), as the kernel's other passes do; that is exact
while the draws keep the zeros of the tree's own tables.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._cliques import Factor
>>> from crampnet.inference._drawpass import draw_marginals
>>> from crampnet.inference.engine import JunctionTree
>>> tree = JunctionTree([2, 2], [Factor((0,), np.array([0.3, 0.7])), Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))])
>>> priors = np.array([[0.3, 0.7], [0.5, 0.5]])  # two draws of the prior of variable 0
>>> pots = tree.assemble([priors, np.array([[[0.9, 0.2], [0.1, 0.8]]])])
>>> marg, log_ev, flagged = draw_marginals(tree, pots, {1: np.array([[1.0, 0.0]])}, [0], numba=False)
>>> np.round(marg[0][:, 0], 4).tolist(), np.round(np.exp(log_ev), 4).tolist()
([0.6585, 0.8182], [0.41, 0.55])
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np

from crampnet.inference import _kernel
from crampnet.inference._arrays import Program, Structure
from crampnet.inference._kerneltree import THREAD_ENTRIES, KernelTree, _threads

__all__ = ["THREAD_ENTRIES", "draw_marginals"]


@lru_cache(maxsize=16)
def _structure(tree: KernelTree, sparse: bool) -> Structure:
    return Structure(tree, sparse=sparse)


@lru_cache(maxsize=64)
def _placed(tree: KernelTree, rows: tuple[int, ...], query: tuple[int, ...], sparse: bool) -> tuple[Program, tuple[np.ndarray, ...]]:
    """The program of ``rows`` and ``query``, and its arrays with one identity slot first in every clique."""
    structure = _structure(tree, sparse)
    program = Program(structure, rows, query)
    ev_ptr, ev_map, ev_moff, ev_row, ev_states, *query_arrays = program.arrays()
    n = structure.size.size
    entries = structure.entries
    ptr = ev_ptr + np.arange(n + 1, dtype=np.int64)  # one more slot per clique
    moff, row, states = (np.empty(int(ptr[-1]), dtype=np.int64) for _ in range(3))
    first = ptr[:-1]
    moff[first], row[first], states[first] = ev_map.size + structure.eoff, structure.eoff, structure.size
    rest = np.setdiff1d(np.arange(int(ptr[-1])), first)
    moff[rest], row[rest], states[rest] = ev_moff, ev_row + entries, ev_states
    identity = np.arange(entries, dtype=np.int64) - np.repeat(structure.eoff, structure.size)
    return program, (ptr, np.concatenate([ev_map, identity]), moff, row, states, *query_arrays)


def draw_marginals(
    tree: KernelTree, potentials: Sequence[np.ndarray], evidence: Mapping[int, np.ndarray], query: Sequence[int], *, numba: bool = True,
    sparse: bool = False,
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:  # fmt: skip
    """Normalised marginals of ``query`` and log P(evidence) per case, each case with its own potentials.

    Parameters
    ----------
    tree : KernelTree
        The compiled tree (a :class:`~crampnet.inference.engine.JunctionTree`).
    potentials : sequence of numpy.ndarray
        Per clique, ``(n_cases, *clique_shape)`` non-negative potentials, as
        :meth:`~crampnet.inference._cliques.CliqueTree.assemble` gives
        (fastest when the case axis is last in memory).
    evidence : mapping of int to numpy.ndarray
        ``(n_cases, card)`` or ``(1, card)`` likelihoods per observed variable.
    query : sequence of int
        Variables whose marginals are returned.
    numba : bool, default=True
        Run compiled (False runs the same loops as plain Python: for tests).
    sparse : bool, default=False
        Leave out the tree's dead entries
        (:attr:`~crampnet.inference._cliques.CliqueTree.live_entries`). Exact
        only when the potentials were assembled from factor tables that are
        zero wherever the tree's own factors are (as parameter draws keep
        them: see :meth:`crampnet.trust._pruned.Pruned.zeros_kept`).

    Returns
    -------
    marginals : list of numpy.ndarray
        Per query variable, ``(n_cases, card)``; NaN where the evidence is impossible.
    log_evidence : numpy.ndarray
        ``log P(evidence)`` per case, ``-inf`` where impossible.
    flagged : numpy.ndarray
        Cases whose messages came near underflow
        (:data:`crampnet.inference._loops.TINY_MESSAGE`): run them another way.
    """
    n = max(p.shape[0] for p in potentials)
    rows = tuple(sorted(evidence))
    program, arrays = _placed(tree, rows, tuple(query), sparse)
    structure = program.structure
    flat = [np.moveaxis(pot, 0, -1).reshape(-1, pot.shape[0]) for pot in potentials]
    q_rows = int(program.q_card.sum())
    out = np.zeros((q_rows, n))
    log_ev = np.zeros(n)
    flags = np.zeros(n, dtype=np.int64)
    driver, _ = _kernel.drivers(numba)
    ones = np.ones(structure.entries)
    vectors = [np.asarray(evidence[v], dtype=float).T for v in rows]

    def part(a: int, b: int) -> None:
        stacked = np.empty((structure.entries + int(program.rows[-1]), b - a))
        for c, pot in enumerate(flat):
            start = int(structure.eoff[c])
            cols = pot if pot.shape[1] == 1 else pot[:, a:b]
            live = structure.live[c]
            dest = stacked[start : start + structure.size[c]]
            if live is not None and cols.shape[1] == b - a:
                np.take(cols, live, axis=0, out=dest)  # gathers straight into place
            else:
                dest[:] = cols if live is None else cols[live]
        at = structure.entries
        for vec in vectors:
            stacked[at : at + vec.shape[0]] = vec if vec.shape[1] == 1 else vec[:, a:b]
            at += vec.shape[0]
        res = np.zeros((q_rows, b - a))
        driver(structure.arrays(), arrays, ones, stacked, res, log_ev[a:b], flags[a:b], structure.messages, structure.width, min(b - a, _kernel.BLOCK))
        out[:, a:b] = res

    parts = min(_threads(), n) if numba and n * structure.entries >= THREAD_ENTRIES else 1
    bounds = np.linspace(0, n, parts + 1).astype(int).tolist()
    if parts == 1:
        part(0, n)
    else:
        with ThreadPoolExecutor(max_workers=parts) as pool:
            for done in [pool.submit(part, a, b) for a, b in itertools.pairwise(bounds)]:
                done.result()
    marginals, at = [], 0
    for card in program.q_card.tolist():
        marginals.append(out[at : at + card].T)
        at += card
    return marginals, log_ev, flags.astype(bool)
