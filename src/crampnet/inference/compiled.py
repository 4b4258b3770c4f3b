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

from crampnet.exceptions import ImpossibleEvidenceError, NetworkFileError
from crampnet.inference import _answers, _coalitions, _nesting, _quickscore_path, _routing
from crampnet.inference._treecache import TreeCache
from crampnet.inference.engine import Factor, JunctionTree
from crampnet.inference.quickscore import Flat, Terms, decompose
from crampnet.network._budget import MAX_CLIQUE, MAX_TREE
from crampnet.network.batch import split_evaluate, split_marginals
from crampnet.network.cpd import build_tables
from crampnet.network.spec import NetworkSpec, NoisyOr

__all__ = ["CompiledNetwork"]

#: Upper bound on the entries of one clique array times the cases in a chunk.
CHUNK_ENTRIES = 2_000_000
#: One case of a batch costs about this many passes of the shared tree in
#: numpy (pseudo-cases and their bookkeeping: ~0.45 ms per random case
#: measured, a pass ~29 us): the estimate that decides whether a call
#: compiles the kernel (:func:`crampnet.inference._kernel.ready`); results never depend on it.
PASSES_PER_CASE = 16


def _fits(tree: JunctionTree) -> bool:
    """Whether ``tree``'s cliques fit the budget of a network file (:mod:`crampnet.network._budget`)."""
    return tree.width <= MAX_CLIQUE and tree.entries <= MAX_TREE


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
        spec = self.spec
        cards = [len(spec.nodes[nid].states) for nid in self.ids]
        factors = [Factor((self.index[nid], *(self.index[p] for p in spec.nodes[nid].parents)), self.tables[nid]) for nid in self.ids]
        return self._within_budget(JunctionTree(cards, factors))

    def _within_budget(self, tree: JunctionTree) -> JunctionTree:
        """``tree``, whose clique tables are not allocated yet, if they fit the budget of a network file.

        The loader refuses a network whose junction tree, estimated by a
        greedy elimination, exceeds :data:`~crampnet.network._budget.MAX_CLIQUE`
        or :data:`~crampnet.network._budget.MAX_TREE` entries; the engine's
        own triangulation is checked here too, so no heuristic's miss can
        allocate more.
        """
        if not _fits(tree):
            path = self.spec.path
            msg = f"{path}: nodes: the junction tree needs a clique of {tree.width} entries and {tree.entries} in all, more than the limits ({MAX_CLIQUE} and {MAX_TREE})"
            raise NetworkFileError(msg, path)
        return tree

    @property
    def chunk(self) -> int:
        """Cases per chunk on the whole-network tree (bounded memory)."""
        return self._chunk_rows(self.tree.width)

    def tree_for(self, findings: frozenset[str], *, thorough: bool = False) -> tuple[JunctionTree, dict[str, int]]:
        """A junction tree without the findings that are neither observed nor asked for.

        Findings are leaves, so one that nobody observes is barren: summing it
        out gives 1 and changes no posterior and no probability of the
        evidence. Dropping the barren findings removes the couplings they
        bring, and the tree gets much narrower (on the shipped network the
        largest clique falls from ~10^5 entries to ~10^2-10^4). Trees are
        cached by the set of findings kept (least recently used first out).
        A tree is triangulated by min-weight (cheap), or also by min-fill
        where that fits and min-weight's does not or, with ``thorough``,
        where min-fill's has fewer entries (~10 ms more, for a tree that
        many passes will use: on the shipped network it can halve one).

        Returns
        -------
        tree : JunctionTree
            The tree, over variables numbered ``0 .. len(index) - 1``.
        index : dict of str to int
            Node id to variable number in ``tree``.
        """
        if len(findings) == len(self.findings):
            return self.tree, self.index
        cached = self._trees.lookup(findings)
        if cached is not None and (not thorough or self._thorough.get(findings) is cached[0]):
            return cached
        keep = self._always | findings
        ids = [nid for nid in self.ids if nid in keep]
        index = {nid: i for i, nid in enumerate(ids)}
        factors = [Factor((index[nid], *(index[p] for p in self.spec.nodes[nid].parents)), self.tables[nid]) for nid in ids]
        # Pruned trees are compiled per evidence pattern, so the cheaper
        # heuristic pays; where its tree is over the budget, min-fill (as for
        # the whole network, which bounds every pruned tree) may fit.
        cards = [len(self.spec.nodes[nid].states) for nid in ids]
        tree = cached[0] if cached is not None else JunctionTree(cards, factors, "min-weight")
        if not _fits(tree):
            tree = JunctionTree(cards, factors, "min-fill")
        elif thorough:
            other = JunctionTree(cards, factors, "min-fill-matrix")
            if _fits(other) and other.entries < tree.entries:
                tree = other
        if thorough:
            self._thorough[findings] = tree
        entry = (self._within_budget(tree), index)
        for dropped in self._trees.put(findings, entry):
            self._thorough.pop(dropped, None)
        return entry

    @cached_property
    def _factored(self) -> dict[str, tuple[int, float, dict[str, np.ndarray]]]:
        """Noisy-OR findings whose "no" factorises: node -> (negative index, 1 - leak, inhibitors).

        Read back from the tables and kept only where the table is exactly
        ``P(no | x) = (1 - leak) * prod_i q_i(x_i)`` with ``1 - leak > 0``.
        """
        out = {}
        for nid in self.findings:
            node = self.spec.nodes[nid]
            cpd = node.cpd
            if not isinstance(cpd, NoisyOr) or not node.parents:
                continue
            neg = 1 - node.states.index(cpd.positive)
            table = self.tables[nid][neg]
            linked = {(link.parent, link.state) for link in cpd.links}
            ref = tuple(next(i for i, st in enumerate(self.spec.nodes[p].states) if (p, st) not in linked) for p in node.parents)
            base = float(table[ref])
            if base <= 0.0:
                continue
            qs = {}
            rebuilt = np.full(table.shape, base)
            for i, parent in enumerate(node.parents):
                index = tuple(slice(None) if j == i else r for j, r in enumerate(ref))
                q = np.asarray(table[index]) / base
                qs[parent] = q
                shape = [1] * table.ndim
                shape[i] = q.size
                rebuilt = rebuilt * q.reshape(shape)
            if np.allclose(rebuilt, table, rtol=0.0, atol=1e-13):
                out[nid] = (neg, base, qs)
        return out

    @cached_property
    def _terms(self) -> dict[str, list[Terms]]:
        """The findings whose states are signed sums of one-parent factors (:mod:`crampnet.inference.quickscore`)."""
        return decompose(self.spec, self.tables)

    def prepare(self, n: int) -> bool:
        """Say that ``n`` cases are about to be scored (in slices); compile the kernel now if that pays.

        Returns whether they will run in the compiled kernel (see
        :func:`crampnet.inference._kernel.ready`; ``CRAMPNET_JIT`` decides too).

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
        """Posteriors of the rows that expand into at most ``cap`` pseudo-cases (:mod:`crampnet.inference._quickscore_path`).

        Decomposable findings leave the tree: each case becomes the signed
        terms of its observed findings, all run on the tree of context,
        conditions and the observed findings that do not decompose, and
        summed back per case, in numpy or (``jit``, by default as
        :meth:`_jit` says) in the compiled kernel. Rows whose sum is not
        positive or is ill conditioned are not returned; the caller runs
        them on their own pruned tree.

        Returns
        -------
        rows : numpy.ndarray
            The rows answered.
        posteriors : numpy.ndarray
            ``(len(rows), n_conditions)``.
        log_evidence : numpy.ndarray
            ``log P(evidence)`` of those rows.
        """
        if self._jit(n) if jit is None else jit:
            return _quickscore_path.run_kernel(self, arrays, n, cap)
        return _quickscore_path.run_numpy(self, arrays, n, cap)

    def _absorb(self, evidence: dict[str, np.ndarray], keep: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Turn rows that observe a noisy-OR finding as "no" into evidence on its parents.

        ``P(no | x) = (1 - leak) * prod_i q_i(x_i)`` is a product of one-parent
        factors, so such a finding couples nothing: each parent gets the
        likelihood ``q_i`` in those rows and the finding drops out of them.
        Only findings observed "yes" (or softly) stay in the junction tree.
        Returns the new evidence and the log of the constants taken out.
        """
        n = max((np.asarray(v).shape[0] for v in evidence.values() if np.asarray(v).ndim == 2), default=1)
        log_const = np.zeros(n)
        out = {k: np.asarray(v, dtype=float) for k, v in evidence.items()}
        for nid, (neg, base, qs) in self._factored.items():
            if nid not in out or nid in keep:
                continue
            arr = out[nid].reshape(-1, out[nid].shape[-1])
            one_hot = np.zeros(arr.shape[-1])
            one_hot[neg] = 1.0
            rows = np.all(arr == one_hot, axis=1)
            if not rows.any():
                continue
            arr = np.broadcast_to(arr, (n, arr.shape[-1])).copy()
            arr[rows] = 1.0
            out[nid] = arr
            log_const[rows] += np.log(base)
            for parent, q in qs.items():
                prev = out.get(parent)
                parr = np.ones((n, q.size)) if prev is None else np.broadcast_to(prev.reshape(-1, q.size), (n, q.size)).copy()
                parr[rows] = parr[rows] * q
                out[parent] = parr
        return out, log_const

    def run(self, evidence: Mapping[str, np.ndarray], query: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Marginals of ``query`` and log P(evidence), for one chunk of cases.

        Noisy-OR findings observed "no" become evidence on their parents
        (:meth:`_absorb`); the rest runs on the tree of :meth:`tree_for` the
        findings still observed (a vector of ones is no observation) or that
        ``query`` names. Cases with tiny likelihoods whose evidence is very
        improbable are added up exactly from their parts (:func:`~crampnet.network.batch.split_evaluate`),
        nested findings as :func:`~crampnet.inference._nesting.nested` says.
        """
        cards = [len(self.spec.nodes[q].states) for q in query]
        return _nesting.nested(self.spec, evidence, None, lambda rows, _: split_marginals(rows, query, cards, lambda part: self._run_direct(part, query)))

    def _run_direct(self, evidence: Mapping[str, np.ndarray], query: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """:meth:`run` without the exact split of tiny likelihoods."""
        evidence, log_const = self._absorb(dict(evidence), query)
        marginals, log_ev = self._run_tree(evidence, query)
        return marginals, log_ev + log_const

    def _run_tree(self, evidence: Mapping[str, np.ndarray], query: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """:meth:`run` without the absorption step (evidence already absorbed)."""
        evidence = {nid: v for nid, v in evidence.items() if not np.all(np.asarray(v) == 1.0)}
        kept = frozenset(nid for nid in (*evidence, *query) if self.spec.nodes[nid].role == "finding")
        tree, index = self.tree_for(kept)
        engine_evidence = {}
        for nid, vec in evidence.items():
            arr = np.asarray(vec, dtype=float)
            engine_evidence[index[nid]] = arr[None, :] if arr.ndim == 1 else arr
        result = tree.marginals(engine_evidence, [index[q] for q in query])
        return {q: result.marginals[index[q]] for q in query}, result.log_evidence

    def coalitions(self, items: Sequence[tuple[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """Condition posteriors and ``log P(evidence)`` under each of the ``2**n`` subsets of ``items``.

        Row ``mask`` holds the entries whose bit is set in ``mask``; the same
        numbers as :meth:`evaluate` on those rows, with each distinct
        pseudo-case run once (:mod:`crampnet.inference._coalitions`).
        """
        return _coalitions.coalitions(self, items)

    def answers(self, evidence: Mapping[str, np.ndarray], nodes: Sequence[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """``P(Q = q | e)`` and the posteriors given each answer, read off one pass per condition (:func:`crampnet.inference._answers.answers`)."""
        return _answers.answers(self, evidence, nodes)

    def posterior_matrix(self, evidence: Mapping[str, np.ndarray], n_rows: int | None = None) -> np.ndarray:
        """P(present | evidence) for every condition: an ``(n_cases, n_conditions)`` array.

        ``evidence[node]`` is a likelihood vector (one case) or an
        ``(n_cases, card)`` array; ``n_rows`` gives the number of cases when no
        array does (a batch with no columns). See :meth:`evaluate`.
        Raises :class:`~crampnet.exceptions.ImpossibleEvidenceError` naming the
        first case (by position) whose evidence has probability zero.
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
        """Log P(evidence) for one case (``-inf`` when impossible)."""
        _, log_ev = self.run(evidence, [])
        return float(log_ev[0])

    def conflict(self, evidence: Mapping[str, np.ndarray]) -> list[str]:
        """A minimal set of evidence entries whose joint probability is zero.

        Drops entries one at a time, keeping each whose removal makes the rest
        possible, so every entry returned is needed for the conflict.
        """
        keep = list(evidence)
        for nid in list(keep):
            trial = {k: evidence[k] for k in keep if k != nid}
            if not np.isfinite(self.log_evidence(trial)):
                keep.remove(nid)
        return keep

