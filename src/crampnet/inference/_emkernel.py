"""EM's expected family counts of a batch of cases, in the compiled kernel.

The E-step of EM (:mod:`crampnet.trust._em`) gives every case's evidence
as a status per node (barren, observed at one state, free, or free with
soft evidence), the observed states, which families to count and a weight.
:func:`family_counts` hands them to :func:`crampnet.inference._emloops.family_counts`,
which builds and runs each case's own junction tree inside the compiled
loop (shares of the cases on one thread per CPU), and returns the counts per node,
shaped like its table, and a flag per case (0 counted, 1 impossible, 2
near underflow: the caller computes those cases another way).

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._emkernel import Families, family_counts
>>> # a -> b; case 0 observes b = 0 (a free, counted), case 1 sees neither (both barren).
>>> families = Families([(), (0,)], [2, 2])
>>> tables = [np.array([0.3, 0.7]), np.array([[0.9, 0.2], [0.1, 0.8]])]
>>> status, codes = np.array([[2, 1], [0, 0]]), np.zeros((2, 2), dtype=np.int64)
>>> count = np.array([[True, True], [False, False]])
>>> counts, flags = family_counts(families, tables, status, codes, count, {}, np.ones(2), numba=False)
>>> np.round(counts[0], 4).tolist(), np.round(counts[1], 4).tolist(), flags.tolist()
([0.6585, 0.3415], [[0.6585, 0.3415], [0.0, 0.0]], [0, 0])
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from crampnet.inference import _kernel, _pool
from crampnet.inference._kerneltree import _threads

__all__ = ["CASE_SECONDS", "SHARE", "SHIFT", "Families", "family_counts", "ready"]

#: Estimated seconds of one case's E-step on the numpy path (its own
#: junction tree compiled and run: ~10-25 ms on the shipped network with
#: every condition hidden), against which the kernel's load time is weighed.
CASE_SECONDS = 0.01

#: A clique's bins of small tables hold at most its entries >> SHIFT
#: (:mod:`crampnet.inference._embins`).
SHIFT = 4

#: Cases per share of a batch: the threads (one per CPU) take the next share
#: as they finish one, so a thread slowed by other processes takes fewer;
#: the shares' counts are added in case order, whatever the threads' number
#: and timing (so the counts are the same to the last bit).
SHARE = 25


class Families:
    """A network's families as flat arrays: members, their strides in the node's table, the tables' offsets.

    Parameters
    ----------
    parents : sequence of tuple of int
        Per node, its parents' positions (a table's axes are ``(node, *parents)``).
    cards : sequence of int
        Per node, its number of states.
    """

    def __init__(self, parents: Sequence[tuple[int, ...]], cards: Sequence[int]) -> None:
        self.cards = np.asarray(cards, dtype=np.int64)
        self.shapes = [(int(cards[j]), *(int(cards[p]) for p in pa)) for j, pa in enumerate(parents)]
        members = [(j, *pa) for j, pa in enumerate(parents)]
        self.fam_ptr = np.concatenate([[0], np.cumsum([len(m) for m in members])]).astype(np.int64)
        self.fam_var = np.array([v for m in members for v in m], dtype=np.int64)
        strides = []
        for shape in self.shapes:
            strides += [math.prod(shape[a + 1 :]) for a in range(len(shape))]
        self.fam_stride = np.array(strides, dtype=np.int64)
        sizes = [math.prod(s) for s in self.shapes]
        self.tab_off = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.size = int(sum(sizes))

    def flatten(self, tables: Sequence[np.ndarray]) -> np.ndarray:
        """The tables (one per node, in node order) as one flat array.

        Parameters
        ----------
        tables : sequence of numpy.ndarray
            One table per node, axes ``(node, *parents)``.

        Returns
        -------
        numpy.ndarray
            float64 ``(size,)``: the tables in C order, one after the other
            (each at its ``tab_off``); empty without tables.
        """
        return np.concatenate([np.asarray(t, dtype=float).reshape(-1) for t in tables]) if tables else np.zeros(0)

    def split(self, flat: np.ndarray) -> list[np.ndarray]:
        """A flat array back into one table per node.

        Parameters
        ----------
        flat : numpy.ndarray
            ``(size,)``, laid out as :meth:`flatten` gives.

        Returns
        -------
        list of numpy.ndarray
            Per node, a view of ``flat`` shaped ``(card, *parent cards)``.
        """
        return [flat[o : o + math.prod(s)].reshape(s) for o, s in zip(self.tab_off.tolist(), self.shapes, strict=True)]


def ready(cases: int) -> bool:
    """Whether ``cases`` cases' E-step runs in the compiled kernel (:func:`crampnet.inference._kernel.ready`).

    Parameters
    ----------
    cases : int
        Number of cases of the E-step.

    Returns
    -------
    bool
        The kernel's answer for ``cases`` times :data:`CASE_SECONDS` of numpy time.
    """
    return _kernel.ready(cases * CASE_SECONDS)


def family_counts(
    families: Families, tables: Sequence[np.ndarray], status: np.ndarray, codes: np.ndarray, count: np.ndarray,
    soft: Mapping[int, np.ndarray], weights: np.ndarray, *, numba: bool = True, shift: int = SHIFT,
) -> tuple[list[np.ndarray], np.ndarray]:  # fmt: skip
    """Every case's weighted posterior of each counted family, summed per node.

    Parameters
    ----------
    families : Families
        The network's families.
    tables : sequence of numpy.ndarray
        One table per node, axes ``(node, *parents)``.
    status, codes, count : numpy.ndarray
        ``(n_cases, n_nodes)``: status (:mod:`crampnet.inference._emloops`),
        observed state where observed, and whether to count the node's
        family in the case (never where barren, nor where every member is
        observed: such families are the caller's).
    soft : mapping of int to numpy.ndarray
        Per node with soft evidence in some case, ``(n_cases, card)`` likelihoods.
    weights : numpy.ndarray
        ``(n_cases,)``: how many times each case counts.
    numba : bool, default=True
        Run compiled (False runs the same loops as plain Python: for tests).
    shift : int, default=:data:`SHIFT`
        A clique's small tables are grouped in bins of at most its
        entries ``>> shift`` (:mod:`crampnet.inference._embins`); 0 puts
        them in as few bins as the clique allows, 62 in none (each table
        on its own). Every value gives the same counts to rounding.

    Returns
    -------
    counts : list of numpy.ndarray
        Per node, shaped like its table.
    flags : numpy.ndarray
        Per case: 0 counted, 1 evidence of probability zero, 2 near
        underflow (1 and 2: not counted).
    """
    n = status.shape[0]
    soft_off = np.zeros(len(families.shapes), dtype=np.int64)
    columns = []
    at = 0
    for j, like in sorted(soft.items()):
        soft_off[j] = at
        columns.append(np.asarray(like, dtype=float))
        at += like.shape[1]
    soft_rows = np.ascontiguousarray(np.hstack(columns)) if columns else np.zeros((n, 0))
    flat = families.flatten(tables)
    args = (families.cards, families.fam_ptr, families.fam_var, families.fam_stride, families.tab_off, flat)
    cases = (np.ascontiguousarray(status, dtype=np.int64), np.ascontiguousarray(codes, dtype=np.int64), np.ascontiguousarray(count, dtype=np.bool_), soft_rows, soft_off)
    w = np.ascontiguousarray(weights, dtype=float)
    flags = np.zeros(n, dtype=np.int64)
    driver = _kernel.family_driver(numba)
    parts: dict[int, np.ndarray] = {}

    def part(a: int, b: int) -> None:
        cnt = np.zeros(families.size)
        driver(*args, *cases, w, cnt, flags, a, b, shift)
        parts[a] = cnt

    bounds = [*range(0, n, SHARE), n]
    threads = min(_threads(), len(bounds) - 1) if numba else 1
    if threads <= 1:
        for a, b in itertools.pairwise(bounds):
            part(a, b)
    else:
        ranges = list(itertools.pairwise(bounds))
        # Each thread runs every threads-th range in turn; the counts are
        # added in case order below, so the split changes no bit.
        _pool.run([functools.partial(_each, part, ranges[t::threads]) for t in range(threads)])
    total = np.zeros(families.size)
    for a in sorted(parts):  # in case order, whatever the threads' timing
        total += parts[a]
    return families.split(total), flags


def _each(part: Callable[[int, int], None], ranges: Sequence[tuple[int, int]]) -> None:
    """``part(a, b)`` for each range in turn (one thread's share)."""
    for a, b in ranges:
        part(a, b)
