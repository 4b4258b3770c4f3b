"""The calls of a junction tree into the compiled kernel (:mod:`crampnet.inference._kernel`).

:class:`KernelTree` is the part of :class:`crampnet.inference.engine.JunctionTree`
that drives the kernel: whether a batch is worth running compiled, the
tree's flat arrays and the programs cached on them
(:mod:`crampnet.inference._arrays`), marginals of a batch, and Quickscore.
:func:`run_marginals` and :func:`run_quickscore` hand a batch to the
kernel's drivers (on one thread per CPU for big batches). The numpy passes,
and the rerun of the cases the kernel flags, are the engine's.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._arrays import Program, Structure
>>> from crampnet.inference._cliques import SEARCH_ENTRIES, CliqueTree, Factor
>>> from crampnet.inference._kerneltree import run_marginals
>>> tree = CliqueTree([2, 2], [Factor((0,), np.array([0.3, 0.7])), Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))])
>>> program = Program(Structure(tree), evidence=[1], query=[0])
>>> marg, log_ev, flagged = run_marginals(program, [np.array([[1.0, 0.0]])], numba=False)
>>> round(float(marg[0][0, 0]), 4), round(float(np.exp(log_ev[0])), 4)
(0.6585, 0.41)
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from crampnet.inference import _kernel
from crampnet.inference._arrays import Program, Structure
from crampnet.inference._cliques import SEARCH_ENTRIES, CliqueTree, Factor
from crampnet.inference._flatterms import FlatTerms, pseudo_cases

__all__ = ["SEARCH_WORK", "THREAD_ENTRIES", "FlatTerms", "KernelTree", "pseudo_cases", "run_marginals", "run_quickscore"]

#: A batch is split across threads (one per usable CPU, at most
#: MAX_THREADS) only when each gets at least this many cases.
THREAD_CASES = 256
MAX_THREADS = 8
#: Cases times the tree's (live) entries from which a batch is split across
#: threads however few its cases (from two): a hundred rows of
#: ``next_questions`` on a pruned tree, or their Quickscore pseudo-cases,
#: are already worth two threads.
THREAD_ENTRIES = 1_000_000
#: Pseudo-cases times the tree's entries from which Quickscore first
#: searches for a smaller tree (:meth:`KernelTree.searched`). On the shipped
#: network's tree that keeps pain_location (94,412 entries) the search takes
#: ~0.07 s; next questions' few pain_location rows (~100 pseudo-cases, 9e6)
#: run faster without it, a call whose every row is on that tree (~1,000,
#: 1e8) faster with it: diagnose + next_questions(5) + explain of the bench's
#: clinical cases 1-4, paired medians of 8 rounds, 10-25% faster at 3e7
#: than searching always.
SEARCH_WORK = 3e7


class KernelTree(CliqueTree):
    """A :class:`~crampnet.inference._cliques.CliqueTree` that runs batches in the compiled kernel.

    Parameters
    ----------
    cards, factors, heuristic
        As :class:`~crampnet.inference._cliques.CliqueTree`.
    """

    def __init__(self, cards: Sequence[int], factors: Sequence[Factor], heuristic: str = "min-fill") -> None:
        super().__init__(cards, factors, heuristic)
        self._programs: dict[tuple[tuple[int, ...], tuple[int, ...]], Program] = {}
        self._structure: Structure | None = None
        self._smaller: KernelTree | None = None

    def searched(self) -> KernelTree:
        """The tree Quickscore runs on: this one or, over :data:`~crampnet.inference._cliques.SEARCH_ENTRIES` entries, a smaller one over the same factors (built once).

        Quickscore runs every pseudo-case of a case on its tree, so there a
        search for a smaller triangulation (``heuristic="search"``) pays;
        the answers are the same (same factors, same variable numbers).

        Returns
        -------
        KernelTree
            This tree, or the searched one if it has fewer entries.
        """
        if self.entries <= SEARCH_ENTRIES:
            return self
        if self._smaller is None:
            factors = [Factor(scope, table) for scope, table in zip(self.scopes, self._tables, strict=True)]
            smaller = KernelTree(self.cards, factors, "search")
            self._smaller = smaller if smaller.entries < self.entries else self
        return self._smaller

    def kernel_ready(self, cases: int) -> bool:
        """Whether a pass over ``cases`` cases runs in the compiled kernel (:func:`crampnet.inference._kernel.ready`).

        Parameters
        ----------
        cases : int
            Number of cases (or pseudo-cases) of the pass.

        Returns
        -------
        bool
            The kernel's answer for ``cases`` times the tree's entries times
            :data:`~crampnet.inference._kernel.NUMPY_ENTRY` seconds.
        """
        return _kernel.ready(cases * self.entries * _kernel.NUMPY_ENTRY)

    def _program(self, rows: tuple[int, ...], query: tuple[int, ...]) -> Program:
        key = (rows, query)
        program = self._programs.get(key)
        if program is None:
            if self._structure is None:
                self._structure = Structure(self)
            program = Program(self._structure, rows, query)
            if len(self._programs) > 256:
                self._programs.clear()
            self._programs[key] = program
        return program

    def quickscore(
        self, evidence: Mapping[int, np.ndarray], observed: np.ndarray, flat: FlatTerms, query: Sequence[int], states: Sequence[int],
        cap: int, condition: float,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
        """``P(query[j] = states[j] | evidence)`` per case by Quickscore, in the compiled kernel.

        Parameters
        ----------
        evidence : mapping of int to numpy.ndarray
            Likelihoods on the tree's variables, ``(n_cases, card)`` or ``(1, card)``.
        observed : numpy.ndarray
            ``(finding states, n_cases)`` likelihoods of ``flat.findings`` (rows
            as ``flat.finding_row``; all ones where a finding is unobserved).
        flat : FlatTerms
            The decomposed findings' terms, parents numbered as this tree's variables.
        query, states : sequence of int
            The variables and the state of each whose posterior is returned.
        cap, condition : int, float
            See :func:`run_quickscore`.

        Returns
        -------
        posteriors, log_evidence, status : numpy.ndarray
            As :func:`run_quickscore`: rows with ``status != 0``
            (too many terms, no mass, ill conditioned) are not answered.
        """
        n = observed.shape[1]
        # The search pays only for a call with many pseudo-cases (a cohort,
        # an explanation), not for next questions' few rows on a wide tree.
        counts = pseudo_cases(observed, (flat.state_ptr, flat.finding_row, flat.finding_card), cap)
        tree = self.searched() if float(counts.sum()) * self.entries >= SEARCH_WORK else self
        # Every variable of the tree takes evidence (ones where unobserved,
        # which the kernel skips), so one program serves every case.
        targets = sorted(tree.home)
        program = tree._program(tuple(targets), tuple(query))
        position = np.zeros(len(self.cards), dtype=np.int64)
        position[targets] = np.arange(len(targets))
        direct = np.ones((int(program.rows[-1]), n))
        for v, e in evidence.items():
            j = int(position[v])
            direct[program.rows[j] : program.rows[j + 1]] = np.asarray(e, dtype=float).T
        factor_row = program.rows[position[flat.factor_var]]
        terms = (flat.state_ptr, flat.finding_row, flat.finding_card, flat.term_ptr, factor_row, flat.factor_card, flat.factor_off)
        first = np.concatenate([[0], np.cumsum(program.q_card)[:-1]]).astype(np.int64)
        pick = first + np.asarray(states, dtype=np.int64)
        return run_quickscore(program, direct, observed, terms, flat.values, flat.weights, pick, cap, condition, counts=counts)

    def kernel_marginals(self, evidence: Mapping[int, np.ndarray], query: Sequence[int], n: int) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
        """Marginals of ``query`` over ``n`` cases by the compiled kernel, as :func:`run_marginals`.

        Evidence shared by every case is multiplied into the potentials;
        per-case evidence enters the kernel, whose program is cached per set
        of such variables and query. The cases flagged in the third array
        came near underflow: the caller must compute them another way.

        Parameters
        ----------
        evidence : mapping of int to numpy.ndarray
            Likelihoods on the tree's variables, ``(n, card)`` or ``(1, card)``
            (shared by every case).
        query : sequence of int
            The variables whose marginals are returned.
        n : int
            Number of cases.

        Returns
        -------
        marginals : list of numpy.ndarray
            Per query variable, ``(n, card)``; NaN where the evidence is impossible.
        log_evidence : numpy.ndarray
            ``(n,)``: ``log P(evidence)`` per case, ``-inf`` where impossible.
        flagged : numpy.ndarray
            bool ``(n,)``: the cases to compute another way.
        """
        rows = tuple(sorted(v for v, e in evidence.items() if e.shape[0] != 1 or n == 1))
        program = self._program(rows, tuple(query))
        structure = program.structure
        potential = structure.potential
        shared = [v for v in evidence if v not in rows]
        if shared:
            potential = potential.copy()
            for v in shared:
                start = int(structure.eoff[self.home[v]])
                states = structure.state_map(v)
                potential[start : start + states.size] *= np.asarray(evidence[v], dtype=float).reshape(-1)[states]
        return run_marginals(program, [np.asarray(evidence[v], dtype=float) for v in rows], potential=potential)


def run_marginals(program: Program, evidence: Sequence[np.ndarray], *, numba: bool = True, potential: np.ndarray | None = None) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
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
    marginals_driver, _ = _kernel.drivers(numba)
    pot = program.structure.potential if potential is None else potential
    structure = program.structure

    def part(a: int, b: int) -> None:
        cols = np.ascontiguousarray(stacked[:, a:b])
        res = np.zeros((q_rows, b - a))
        # Blocks no wider than the cases: each buffer row holds a block, so a
        # narrow call in wide rows would stride through memory (one case in
        # rows of 64 took ~50 ns per entry and pass instead of a few).
        block = min(b - a, _kernel.BLOCK)
        marginals_driver(structure.arrays(), program.arrays(), pot, cols, res, log_ev[a:b], flags[a:b], structure.messages, structure.width, block)
        out[:, a:b] = res

    _split(n, part, numba, min_cases=1 if n * structure.entries >= THREAD_ENTRIES else None)
    marginals = []
    at = 0
    for card in program.q_card.tolist():
        marginals.append(out[at : at + card].T)
        at += card
    return marginals, log_ev, flags.astype(bool)


def run_quickscore(
    program: Program, direct: np.ndarray, observed: np.ndarray, terms: tuple[np.ndarray, ...], values: np.ndarray, weights: np.ndarray,
    pick: np.ndarray, cap: int, condition: float, *, numba: bool = True, counts: np.ndarray | None = None,
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
    counts : numpy.ndarray, optional
        :func:`pseudo_cases` of these cases, when the caller has them already.

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
    _, driver = _kernel.drivers(numba)
    structure = program.structure
    n_out = int(program.q_card.sum())

    counts = pseudo_cases(observed, terms, cap) if counts is None else counts

    def part(a: int, b: int) -> None:
        block = max(1, min(_kernel.BLOCK, int(counts[a:b].sum())))  # as run_marginals: no wider than the work
        driver(
            structure.arrays(), program.arrays(), structure.potential, np.ascontiguousarray(direct[:, a:b]), np.ascontiguousarray(observed[:, a:b]),
            terms, values, weights, pick, n_out, cap, condition, post[a:b], log_ev[a:b], status[a:b], structure.messages, structure.width, block,
        )  # fmt: skip

    _split(n, part, numba, min_cases=1 if int(counts.sum()) * structure.entries >= THREAD_ENTRIES else None)
    return post, log_ev, status


def _threads() -> int:
    """The CPUs this process may use (at most :data:`MAX_THREADS`)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_THREADS))


def _split(n: int, part: Callable[[int, int], None], numba: bool, min_cases: int | None = None) -> None:
    """Run ``part(a, b)`` over consecutive ranges of the ``n`` cases, on one thread per CPU.

    The compiled loops release the GIL, and every case is computed on its
    own (no sum runs across cases), so the split changes no result, not even
    in the last bit. Batches smaller than ``min_cases`` (default
    :data:`THREAD_CASES`) per thread, and the plain-Python loops, run on
    the calling thread.
    """
    parts = max(1, min(_threads(), n // (THREAD_CASES if min_cases is None else min_cases))) if numba else 1
    bounds = np.linspace(0, n, parts + 1).astype(int).tolist()
    # Threads serve only the compiled kernel's passes: a process running numpy alone never imports them.
    from crampnet.inference import _pool

    _pool.run([functools.partial(part, a, b) for a, b in itertools.pairwise(bounds)])  # one range: on this thread
