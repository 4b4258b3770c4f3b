"""The bridge between a network spec and the junction-tree engine.

:class:`CompiledNetwork` numbers the nodes, builds their tables, compiles the
junction tree once, and answers posterior and evidence-probability queries
for one case or a batch, in chunks of bounded memory. It keeps the trees
pruned per evidence pattern and absorbs "no" answers into the parents; the
choice of exact path for each case of a batch is
:mod:`crampnet.inference._routing`'s, and the Quickscore path is
:mod:`crampnet.inference._quickscore_path`.

Examples
--------
>>> import crampnet
>>> compiled = crampnet.load().compiled
>>> post = compiled.posterior_matrix({"urge_to_move": [0.0, 1.0]})
>>> post.shape == (1, len(crampnet.load().conditions))
True
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np

from crampnet.exceptions import ImpossibleEvidenceError
from crampnet.inference import (
    _absorption,
    _answers,
    _nesting,
    _pruning,
    _quickscore_path,
    _routing,
)
from crampnet.inference._treecache import TreeCache
from crampnet.inference.engine import JunctionTree
from crampnet.inference.quickscore import Flat, Terms, decompose
from crampnet.network._budget import MAX_CLIQUE, MAX_TREE
from crampnet.network.batch import split_evaluate, split_marginals
from crampnet.network.cpd import build_tables
from crampnet.network.spec import NetworkSpec

__all__ = ["CompiledNetwork"]

#: Upper bound on the entries of one clique array times the cases in a chunk.
CHUNK_ENTRIES = 2_000_000
#: One case of a batch costs about this many passes of the shared tree in
#: numpy (pseudo-cases and their bookkeeping: ~0.45 ms per random case
#: measured, a pass ~29 us): the estimate that decides whether a call
#: compiles the kernel (:func:`crampnet.inference._kernel.ready`); results never depend on it.
PASSES_PER_CASE = 16


class CompiledNetwork:
    """A network compiled for exact inference.

    Parameters
    ----------
    spec : NetworkSpec
        The validated network.
    population : str, optional
        A key of ``spec.populations`` whose context priors replace the defaults.
    tables : mapping of str to numpy.ndarray, optional
        Every node's table, to use instead of building them from the spec
        (e.g. tables fitted to data); ``tables[node]`` has the node's states
        on axis 0 and its parents', in order, on the next axes.
    """

    def __init__(self, spec: NetworkSpec, population: str | None = None, *, tables: Mapping[str, np.ndarray] | None = None) -> None:
        self.spec = spec
        self.population = population
        self.ids = list(spec.order)
        self.index = {nid: i for i, nid in enumerate(self.ids)}
        self.tables = build_tables(spec, population) if tables is None else {nid: np.asarray(tables[nid], dtype=float) for nid in self.ids}
        self.conditions = list(spec.listed_conditions)  # a part of a condition is not queried (crampnet.network.parts)
        self.findings = [nid for nid in spec.nodes if spec.nodes[nid].role == "finding"]
        self._present = [spec.nodes[c].states.index("present") for c in self.conditions]
        self._always = frozenset(nid for nid in self.ids if spec.nodes[nid].role != "finding")
        self._trees = TreeCache()
        self._flats: dict[frozenset[str], Flat] = {}
        self._thorough: weakref.WeakValueDictionary[frozenset[str], JunctionTree] = weakref.WeakValueDictionary()  # min-fill tried too

    @cached_property
    def tree(self) -> JunctionTree:
        """The junction tree of the whole network (every finding kept).

        Compiled on first use only: most queries run on the narrower
        per-pattern trees of :meth:`tree_for`, and loading a model should
        not pay for the widest triangulation.
        """
        return _pruning.whole_tree(self, (MAX_CLIQUE, MAX_TREE))

    @property
    def chunk(self) -> int:
        """Cases per chunk on the whole-network tree (bounded memory)."""
        return self._chunk_rows(self.tree.width)

    def tree_for(self, findings: frozenset[str], *, thorough: bool = False) -> tuple[JunctionTree, dict[str, int]]:
        """A junction tree without the findings that are neither observed nor asked for.

        Findings are leaves, so a barren one (nobody observes it) changes
        nothing and is left out, which makes the tree much narrower; trees
        are cached by the set of findings kept, and triangulated by
        min-weight or min-fill as :func:`crampnet.inference._pruning.tree_for`
        says.

        Parameters
        ----------
        findings : frozenset of str
            The findings to keep (observed, or asked for); context nodes and
            conditions are always kept.
        thorough : bool, default=False
            Also try min-fill and keep its tree where it has fewer entries
            (~10 ms more, for a tree that many passes will use).

        Returns
        -------
        tree : JunctionTree
            The tree, over variables numbered ``0 .. len(index) - 1``.
        index : dict of str to int
            Node id to variable number in ``tree``.

        Raises
        ------
        NetworkFileError
            If no triangulation tried fits the budget of a network file.
        """
        return _pruning.tree_for(self, findings, thorough, (MAX_CLIQUE, MAX_TREE))

    @cached_property
    def _factored(self) -> dict[str, _absorption.Factors]:
        """Noisy-OR findings whose "no" factorises (:func:`crampnet.inference._absorption.factored`)."""
        return _absorption.factored(self.spec, self.findings, self.tables)

    @cached_property
    def _terms(self) -> dict[str, list[Terms]]:
        """The findings whose states are signed sums of one-parent factors (:mod:`crampnet.inference.quickscore`)."""
        return decompose(self.spec, self.tables)

    def prepare(self, n: int) -> bool:
        """Say that ``n`` cases are about to be scored (in slices); compile the kernel now if that pays.

        Returns whether they will run in the compiled kernel (see
        :func:`crampnet.inference._kernel.ready`; ``CRAMPNET_JIT`` decides too).

        Parameters
        ----------
        n : int
            How many cases are about to be scored.

        Returns
        -------
        bool
            True if they will run in the compiled kernel (compiled by now),
            False if in numpy.

        Examples
        --------
        >>> import crampnet
        >>> crampnet.load().compiled.prepare(1) in (True, False)  # one case alone never compiles
        True
        """
        return self._jit(n)

    def _jit(self, n: int) -> bool:
        """Whether ``n`` cases run in the compiled kernel (see :data:`PASSES_PER_CASE`)."""
        shared_tree, _ = self.tree_for(frozenset())
        return shared_tree.kernel_ready(PASSES_PER_CASE * n)

    def _chunk_rows(self, width: int) -> int:
        """Cases per chunk on a tree (or kernel input) of ``width`` entries per case (bounded memory)."""
        return max(1, CHUNK_ENTRIES // max(1, width))

    def _quickscore(self, arrays: Mapping[str, np.ndarray], n: int, cap: int = _routing.TERM_CAP, jit: bool | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Posteriors of the rows that expand into at most ``cap`` pseudo-cases (:func:`crampnet.inference._quickscore_path.run`)."""
        return _quickscore_path.run(self, arrays, n, cap, jit)

    def _absorb(self, evidence: dict[str, np.ndarray], keep: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Turn rows that observe a noisy-OR finding as "no" into evidence on its parents (:func:`crampnet.inference._absorption.absorb`)."""
        return _absorption.absorb(self._factored, evidence, keep)

    def run(self, evidence: Mapping[str, np.ndarray], query: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Marginals of ``query`` and log P(evidence), for one chunk of cases.

        Noisy-OR findings observed "no" become evidence on their parents
        (:meth:`_absorb`); the rest runs on the tree of :meth:`tree_for` the
        findings still observed (a vector of ones is no observation) or that
        ``query`` names. Cases with tiny likelihoods whose evidence is very
        improbable are added up exactly from their parts (:func:`~crampnet.network.batch.split_evaluate`),
        nested findings as :func:`~crampnet.inference._nesting.nested` says.

        Parameters
        ----------
        evidence : mapping of str to numpy.ndarray
            Node id to a likelihood vector over its states (shared by every
            case) or an ``(n_cases, card)`` array.
        query : sequence of str
            The nodes whose marginals are wanted (any role).

        Returns
        -------
        marginals : dict of str to numpy.ndarray
            Each node of ``query`` to its posterior marginals, ``(n_cases,
            card)`` (or broadcastable to it), states in network order.
        log_evidence : numpy.ndarray
            ``log P(evidence)`` per case, ``-inf`` where impossible.
        """
        cards = [len(self.spec.nodes[q].states) for q in query]
        return _nesting.nested(self.spec, evidence, None, lambda rows, _: split_marginals(rows, query, cards, lambda part: self._run_direct(part, query)))

    def _run_direct(self, evidence: Mapping[str, np.ndarray], query: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """:meth:`run` without the exact split of tiny likelihoods."""
        evidence, log_const = self._absorb(dict(evidence), query)
        marginals, log_ev = self._run_tree(evidence, query)
        return marginals, log_ev + log_const

    def _run_tree(self, evidence: Mapping[str, np.ndarray], query: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """:meth:`run` without the absorption step (evidence already absorbed; :func:`crampnet.inference._pruning.run_tree`)."""
        return _pruning.run_tree(self, evidence, query)

    def coalitions(self, items: Sequence[tuple[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """Condition posteriors and ``log P(evidence)`` under each of the ``2**n`` subsets of ``items``.

        Row ``mask`` holds the entries whose bit is set in ``mask``; the same
        numbers as :meth:`evaluate` on those rows, with each distinct
        pseudo-case run once (:mod:`crampnet.inference._coalitions`).

        Parameters
        ----------
        items : sequence of (str, numpy.ndarray)
            ``n`` evidence entries: a node id and its likelihood vector.

        Returns
        -------
        posteriors : numpy.ndarray
            ``(2**n, n_conditions)`` P(present | the entries of ``mask``),
            conditions in :attr:`conditions` order; NaN where impossible.
        log_evidence : numpy.ndarray
            ``(2**n,)`` ``log P`` of those entries, ``-inf`` where impossible.
        """
        from crampnet.inference import _coalitions  # explanations only: not on every load
        return _coalitions.coalitions(self, items)

    def answers(self, evidence: Mapping[str, np.ndarray], nodes: Sequence[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """``P(Q = q | e)`` and the posteriors given each answer, read off one pass per condition (:func:`crampnet.inference._answers.answers`).

        Parameters
        ----------
        evidence : mapping of str to numpy.ndarray
            The case: node id to likelihood vector (or ``(1, card)`` row).
        nodes : sequence of str
            The candidate questions, nodes not observed.

        Returns
        -------
        dict of str to (numpy.ndarray, numpy.ndarray)
            Per node answered this way, ``(weights, posteriors)`` of shapes
            ``(card,)`` and ``(card, n_conditions)``; an answer of
            probability zero has weight 0 and NaN posteriors. Nodes left
            out (possibly all of them) are to be scored row by row.
        """
        return _answers.answers(self, evidence, nodes)

    def posterior_matrix(self, evidence: Mapping[str, np.ndarray], n_rows: int | None = None) -> np.ndarray:
        """P(present | evidence) for every condition: an ``(n_cases, n_conditions)`` array.

        ``evidence[node]`` is a likelihood vector (one case) or an
        ``(n_cases, card)`` array; ``n_rows`` gives the number of cases when no
        array does (a batch with no columns). See :meth:`evaluate`.
        Raises :class:`~crampnet.exceptions.ImpossibleEvidenceError` naming the
        first case (by position) whose evidence has probability zero.

        Parameters
        ----------
        evidence : mapping of str to numpy.ndarray
            Likelihoods by node id, as :meth:`evaluate` takes them.
        n_rows : int, optional
            The number of cases, as :meth:`evaluate` takes it.

        Returns
        -------
        numpy.ndarray
            ``(n_cases, n_conditions)`` floats, conditions in
            :attr:`conditions` order.

        Raises
        ------
        ImpossibleEvidenceError
            If the evidence of some case has probability zero.
        """
        post, log_ev = self.evaluate(evidence, n_rows)
        bad = np.flatnonzero(~np.isfinite(log_ev))
        if bad.size:
            msg = f"The evidence of case {int(bad[0])} has probability zero under the network."
            raise ImpossibleEvidenceError(msg, [], int(bad[0]))
        return post

    def evaluate(self, evidence: Mapping[str, np.ndarray], n_rows: int | None = None, *, nested: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Condition posteriors and ``log P(evidence)`` of every case, exactly.

        Two exact paths: cases with few signed terms run together on the shared Quickscore tree
        (:meth:`_quickscore`); the others run, grouped by the findings they keep once "no" answers
        are absorbed, on the tree pruned for those findings (:meth:`tree_for`), in chunks of bounded
        memory. A cost model picks per group in numpy; in the compiled kernel (:mod:`crampnet.inference._kernel`,
        when :meth:`_jit` says so) every case tries Quickscore first (:mod:`crampnet.inference._routing`).

        Parameters
        ----------
        evidence : mapping of str to numpy.ndarray
            Node id to a likelihood vector over its states (shared by every
            case) or an ``(n_cases, card)`` array.
        n_rows : int, optional
            How many cases there are; needed only when ``evidence`` has no
            ``(n_cases, card)`` array (a batch with no columns).
        nested : bool, default=True
            Count nested findings (``entails``) exactly; False treats them as
            independent given the conditions.

        Returns
        -------
        posteriors : numpy.ndarray
            ``(n_cases, n_conditions)`` P(present | evidence); NaN where the
            evidence is impossible.
        log_evidence : numpy.ndarray
            ``log P(evidence)`` per case, ``-inf`` where impossible.

        Notes
        -----
        A case whose evidence is very improbable (below
        :data:`~crampnet.network.batch.LOG_SPLIT`) and has soft likelihoods
        below :data:`~crampnet.network.batch.TINY` times its vector's largest
        is computed again from its parts, added up in log space (see
        :func:`~crampnet.network.batch.split_evaluate`), so every caller of
        the engine gets it exactly, as are nested findings (:func:`~crampnet.inference._nesting.nested`);
        ``nested=False`` counts them as independent given the conditions (the counterfactual measures' reading).
        """
        if not nested:
            return split_evaluate(evidence, *self._evaluate_direct(evidence, n_rows), self._evaluate_direct)
        return _nesting.nested(self.spec, evidence, n_rows, lambda rows, n: self.evaluate(rows, n, nested=False))

    def _evaluate_direct(self, evidence: Mapping[str, np.ndarray], n_rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`evaluate` without the exact split of tiny likelihoods (:mod:`crampnet.inference._routing`)."""
        return _routing.evaluate(self, evidence, n_rows)

    def log_evidence(self, evidence: Mapping[str, np.ndarray]) -> float:
        """Log P(evidence) for one case (``-inf`` when impossible).

        Parameters
        ----------
        evidence : mapping of str to numpy.ndarray
            One case: node id to its likelihood vector.

        Returns
        -------
        float
            ``log P(evidence)``: the natural log of the network's probability
            weighted by the likelihoods, ``-inf`` when impossible.
        """
        _, log_ev = self.run(evidence, [])
        return float(log_ev[0])

    def conflict(self, evidence: Mapping[str, np.ndarray]) -> list[str]:
        """A minimal set of evidence entries whose joint probability is zero.

        The set that dropping entries one at a time, in order, would leave
        (each dropped when the rest stays impossible), so every entry returned
        is needed; found by bisection, each run of the engine costing a tree
        of its own: beside the entries kept so far, the shortest impossible
        tail of those left to decide starts with the next entry kept (those
        before it are dropped), about ``log2(len(evidence))`` runs per entry.

        Parameters
        ----------
        evidence : mapping of str to numpy.ndarray
            One case, impossible as a whole: node id to its likelihood vector.

        Returns
        -------
        list of str
            The node ids of the conflict, in the order of ``evidence`` (all of them if the evidence is
            possible after all); never one whose likelihoods are all equal (a cell not observed).
        """
        keep: list[str] = []
        rest = [nid for nid, vec in evidence.items() if np.ptp(vec) > 0.0 or not np.any(vec)]  # a constant vector changes no probability

        def possible(tail: Sequence[str]) -> bool:
            return bool(np.isfinite(self.log_evidence({nid: evidence[nid] for nid in (*keep, *tail)})))

        if possible(rest):
            return rest
        while rest and (not keep or possible([])):  # keep with rest is impossible: bisect for the shortest impossible tail
            low, high = 0, len(rest)  # rest[low:] impossible, rest[high:] possible
            while high - low > 1:
                mid = (low + high) // 2
                low, high = (low, mid) if possible(rest[mid:]) else (mid, high)
            keep.append(rest[low])
            rest = rest[low + 1 :]
        return [nid for nid in evidence if nid in keep]
