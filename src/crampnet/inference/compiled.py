"""The bridge between a network spec and the junction-tree engine.

:class:`CompiledNetwork` numbers the nodes, builds their tables, compiles the
junction tree once, and answers posterior and evidence-probability queries
for one case or a batch, in chunks of bounded memory.

Examples
--------
>>> import crampnet
>>> compiled = crampnet.load().compiled
>>> post = compiled.posterior_matrix({"urge_to_move": [0.0, 1.0]})
>>> post.shape == (1, len(crampnet.load().conditions))
True
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np

from crampnet.exceptions import ImpossibleEvidenceError
from crampnet.inference.engine import Factor, JunctionTree
from crampnet.inference.quickscore import Flat, Terms, decompose, expand, flatten, term_counts
from crampnet.network.cpd import build_tables
from crampnet.network.spec import NetworkSpec, NoisyOr

__all__ = ["CompiledNetwork"]

#: Upper bound on the entries of one clique array times the cases in a chunk.
CHUNK_ENTRIES = 2_000_000
#: How many pruned junction trees a compiled network keeps.
TREE_CACHE = 256
#: Most pseudo-cases (signed terms) one case may expand into; cases with more
#: observed positive findings run on a tree pruned for them instead.
TERM_CAP = 256
#: Cost model of the choice between the two exact paths (seconds, measured on
#: the shipped network on a 2-core machine): one pseudo-case on the shared
#: tree; compiling a pruned tree; one pass over a (cached) pruned tree; one
#: case in that pass. Only speed depends on them, never the result.
COST_TERM, COST_COMPILE, COST_PASS, COST_ROW = 25e-6, 4e-3, 1.5e-3, 60e-6
#: Largest ``sum |term| / |sum of terms|`` accepted. The cancellation error
#: of the signed sum grows as this ratio times ~1e-16: on 6,000 random and
#: clinic-like cases, the largest difference from the pruned-tree path was
#: 8e-12 at 1e5 (1e-12 at 1e4, 1.6e-9 with no bound), well inside 1e-9.
CONDITION = 1e6
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
        self.conditions = [nid for nid in spec.nodes if spec.nodes[nid].role == "condition"]
        self.findings = [nid for nid in spec.nodes if spec.nodes[nid].role == "finding"]
        self._present = [spec.nodes[c].states.index("present") for c in self.conditions]
        self._always = frozenset(nid for nid in self.ids if spec.nodes[nid].role != "finding")
        self._trees: OrderedDict[frozenset[str], tuple[JunctionTree, dict[str, int]]] = OrderedDict()
        self._flats: dict[frozenset[str], Flat] = {}

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
        return JunctionTree(cards, factors)

    @property
    def chunk(self) -> int:
        """Cases per chunk on the whole-network tree (bounded memory)."""
        return max(1, CHUNK_ENTRIES // max(1, self.tree.width))

    def tree_for(self, findings: frozenset[str]) -> tuple[JunctionTree, dict[str, int]]:
        """A junction tree without the findings that are neither observed nor asked for.

        Findings are leaves, so one that nobody observes is barren: summing it
        out gives 1 and changes no posterior and no probability of the
        evidence. Dropping the barren findings removes the couplings they
        bring, and the tree gets much narrower (on the shipped network the
        largest clique falls from ~10^5 entries to ~10^2-10^4). Trees are
        cached by the set of findings kept (least recently used first out).

        Returns
        -------
        tree : JunctionTree
            The tree, over variables numbered ``0 .. len(index) - 1``.
        index : dict of str to int
            Node id to variable number in ``tree``.
        """
        if len(findings) == len(self.findings):
            return self.tree, self.index
        cached = self._trees.get(findings)
        if cached is not None:
            self._trees.move_to_end(findings)
            return cached
        keep = self._always | findings
        ids = [nid for nid in self.ids if nid in keep]
        index = {nid: i for i, nid in enumerate(ids)}
        factors = [Factor((index[nid], *(index[p] for p in self.spec.nodes[nid].parents)), self.tables[nid]) for nid in ids]
        # Pruned trees are compiled per evidence pattern, so the cheaper heuristic pays.
        entry = (JunctionTree([len(self.spec.nodes[nid].states) for nid in ids], factors, "min-weight"), index)
        self._trees[findings] = entry
        if len(self._trees) > TREE_CACHE:
            self._trees.popitem(last=False)
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

    def _quickscore(self, arrays: Mapping[str, np.ndarray], n: int, cap: int = TERM_CAP, jit: bool | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Posteriors of the rows that expand into at most ``cap`` pseudo-cases.

        Decomposable findings leave the tree: each case becomes the signed
        terms of its observed findings (:func:`crampnet.inference.quickscore.expand`),
        all run on the tree of context, conditions and the observed findings
        that do not decompose, and summed back per case. Rows whose sum is
        not positive or is ill conditioned (more than :data:`CONDITION`
        times smaller than the sum of its terms' magnitudes) are not
        returned; the caller runs them on their own pruned tree.

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
            return self._quickscore_kernel(arrays, n, cap)
        exp = expand(arrays, self._terms, n, cap)
        m = exp.row_of.size
        log_ev = np.full(m, -np.inf)
        present = np.zeros((m, len(self.conditions)))
        others, patterns, group_of_row = self._kept_patterns(arrays, exp.rows)
        group = group_of_row[exp.row_of]
        for g, pattern in enumerate(patterns):
            kept = frozenset(k for k, on in zip(others, pattern, strict=True) if on)
            tree, index = self.tree_for(kept)
            query = [index[c] for c in self.conditions]
            members = np.flatnonzero(group == g) if len(patterns) > 1 else np.arange(m)
            step = max(1, CHUNK_ENTRIES // max(1, tree.width))
            for start in range(0, members.size, step):
                part = members[start : start + step]
                ev = {}
                for nid, arr in exp.evidence.items():
                    if nid not in index:
                        continue
                    if arr.shape[0] != 1:
                        ev[index[nid]] = arr[part]
                    elif not np.all(arr == 1.0):
                        ev[index[nid]] = arr
                result = tree.marginals(ev, query)
                log_ev[part] = result.log_evidence
                for j, (q, pos) in enumerate(zip(query, self._present, strict=True)):
                    present[part, j] = result.marginals[q][:, pos]
        rows = exp.rows.size
        # Pseudo-cases of a row are contiguous: sum them with reduceat over
        # the rows that kept any (zero-weight terms were dropped).
        bounds = np.searchsorted(exp.row_of, np.arange(rows + 1))
        filled = np.flatnonzero(bounds[:-1] < bounds[1:])
        starts = bounds[:-1][filled]
        finite = np.isfinite(log_ev)
        shift = np.full(rows, -np.inf)
        if m:
            shift[filled] = np.maximum.reduceat(np.where(finite, log_ev, -np.inf), starts)
        with np.errstate(invalid="ignore"):
            scale = np.where(finite, np.exp(log_ev - shift[exp.row_of]), 0.0)
        mass = exp.weights * scale
        sums = np.zeros((rows, len(self.conditions) + 2))
        if m:
            parts = np.column_stack([mass, np.abs(mass), mass[:, None] * np.where(finite[:, None], present, 0.0)])
            sums[filled] = np.add.reduceat(parts, starts, axis=0)
        den, spread, num = sums[:, 0], sums[:, 1], sums[:, 2:]
        good = (den > 0) & (spread <= CONDITION * den)
        with np.errstate(invalid="ignore", divide="ignore"):
            post = np.clip(num[good] / den[good, None], 0.0, 1.0)
            log_den = np.log(den[good]) + shift[good]
        return exp.rows[good], post, log_den

    def _kept_patterns(self, arrays: Mapping[str, np.ndarray], rows: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
        """``rows`` grouped by which observed findings stay in the Quickscore tree (those that do not decompose).

        Returns those findings, the distinct patterns (rows of booleans over
        them) and each row's pattern number.
        """
        others = [k for k in arrays if k not in self._terms and self.spec.nodes[k].role == "finding"]
        if not others:
            return others, np.zeros((1, 0), dtype=bool), np.zeros(rows.size, dtype=np.intp)
        seen = np.stack([~np.all(np.asarray(arrays[k])[rows] == 1.0, axis=1) for k in others], axis=1)
        patterns, group = _unique_masks(seen)
        return others, patterns, group.reshape(-1)

    def _flat(self, kept: frozenset[str]) -> Flat:
        """The decomposed findings' terms, numbered for the tree that keeps ``kept`` (cached)."""
        flat = self._flats.get(kept)
        if flat is None:
            _, index = self.tree_for(kept)
            flat = flatten(self._terms, index)
            self._flats[kept] = flat
        return flat

    def _quickscore_kernel(self, arrays: Mapping[str, np.ndarray], n: int, cap: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`_quickscore` in the compiled kernel: terms expanded and summed there, nothing per pseudo-case in numpy."""
        terms = self._terms
        others, patterns, group = self._kept_patterns(arrays, np.arange(n))
        # The findings' observations, one row per state (ones: unobserved);
        # their layout depends only on the terms, not on the tree.
        layout = self._flat(frozenset())
        observed = np.ones((int(layout.finding_card.sum()), n))
        for i, f in enumerate(layout.findings):
            if f in arrays:
                observed[layout.finding_row[i] : layout.finding_row[i] + layout.finding_card[i]] = arrays[f].T
        post = np.zeros((n, len(self.conditions)))
        log_ev = np.full(n, -np.inf)
        status = np.ones(n, dtype=np.int64)
        for g, pattern in enumerate(patterns):
            kept = frozenset(k for k, on in zip(others, pattern, strict=True) if on)
            tree, index = self.tree_for(kept)
            members = np.flatnonzero(group == g) if len(patterns) > 1 else np.arange(n)
            evidence = {}
            for nid, arr in arrays.items():
                if nid in terms or nid not in index:
                    continue
                part = arr[members]
                if not np.all(part == 1.0):
                    evidence[index[nid]] = part
            query = [index[c] for c in self.conditions]
            # Chunks bound the kernel's inputs (evidence and observation
            # states x cases) whatever the batch.
            step = max(1, CHUNK_ENTRIES // 64)
            for start in range(0, members.size, step):
                rows = members[start : start + step]
                ev = {v: e[start : start + step] for v, e in evidence.items()}
                p, lg, st = tree.quickscore(ev, observed[:, rows], self._flat(kept), query, self._present, cap, CONDITION)
                post[rows], log_ev[rows], status[rows] = p, lg, st
        done = np.flatnonzero(status == 0)
        return done, post[done], log_ev[done]

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
        ``query`` names.
        """
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

    def evaluate(self, evidence: Mapping[str, np.ndarray], n_rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Condition posteriors and ``log P(evidence)`` of every case, exactly.

        Two exact paths: cases with few signed terms run together on the
        shared Quickscore tree (:meth:`_quickscore`); the others run, grouped
        by the findings they keep once "no" answers are absorbed, on the
        tree pruned for those findings (:meth:`tree_for`), in chunks of
        bounded memory. In numpy a cost model picks per group; in the
        compiled kernel (:mod:`crampnet.inference._kernel`, when :meth:`_jit` says so)
        every case tries Quickscore first. Results never depend on the choice.

        Returns
        -------
        posteriors : numpy.ndarray
            ``(n_cases, n_conditions)`` P(present | evidence); NaN where the
            evidence is impossible.
        log_evidence : numpy.ndarray
            ``log P(evidence)`` per case, ``-inf`` where impossible.
        """
        # Network order, whatever the caller's: pseudo-cases are then summed
        # in one order, so shuffled evidence gives bitwise the same answer.
        arrays = {k: np.asarray(evidence[k], dtype=float) for k in sorted(evidence, key=self.index.__getitem__)}
        n = max((a.shape[0] for a in arrays.values() if a.ndim == 2), default=1 if n_rows is None else n_rows)
        arrays = {k: a.reshape(1, -1) if n == 1 else np.broadcast_to(a, (n, a.shape[-1])) for k, a in arrays.items()}
        out = np.full((n, len(self.conditions)), np.nan)
        log_out = np.full(n, -np.inf)
        jit = self._jit(n)
        if n == 1:
            # One case with few terms: the shared tree, whatever the pattern
            # (a single case seldom finds its pruned tree in the cache). Its
            # pseudo-cases share its context, which the engine indexes out of
            # the cliques, so each costs about half of COST_TERM (measured:
            # ~13 vs 25-30 us on the shipped network).
            budget = (COST_COMPILE + COST_PASS + COST_ROW) / (COST_TERM / 2) if COST_TERM > 0 else np.inf
            done, post, log_ev = self._quickscore(arrays, 1, TERM_CAP if jit else int(min(TERM_CAP, budget)), jit)
            if done.size:
                return post, log_ev
        quick = np.zeros(n, dtype=bool)
        tried = n == 1  # that case's Quickscore sum failed above: straight to its pruned tree
        if jit and not tried:
            # In the compiled kernel a pseudo-case costs ~5-10 us, less than a
            # pruned tree's compile and pass for any group of rows: every row
            # tries Quickscore first (the kernel leaves out rows over the cap).
            done, post, log_ev = self._quickscore(arrays, n, TERM_CAP, jit)
            out[done], log_out[done], quick[done] = post, log_ev, True
            left = np.flatnonzero(~quick)
            if left.size == 0:
                return out, log_out
            arrays = {k: a[left] for k, a in arrays.items()}
        else:
            left = np.arange(n)
        absorbed, log_const = self._absorb(arrays, ())
        # With no evidence at all _absorb sees one row; every row shares it.
        log_const = np.broadcast_to(log_const, (left.size,))
        columns = [k for k in absorbed if self.spec.nodes[k].role == "finding"]
        mask = np.stack([~np.all(absorbed[k] == 1.0, axis=1) for k in columns], axis=1) if columns else np.zeros((left.size, 0), dtype=bool)
        if not jit and not tried:
            quick = self._route(arrays, columns, mask, n)
            chosen = np.flatnonzero(quick)
            if chosen.size:
                done, post, log_ev = self._quickscore({k: a[chosen] for k, a in arrays.items()}, chosen.size, TERM_CAP, jit)
                out[chosen[done]] = post
                log_out[chosen[done]] = log_ev
                quick[:] = False
                quick[chosen[done]] = True
            left = np.flatnonzero(~quick)
            if left.size == 0:
                return out, log_out
            absorbed = {k: a[left] for k, a in absorbed.items()}
            log_const = log_const[left]
            mask = mask[left]
        left = np.flatnonzero(~quick)
        if left.size == 0:
            return out, log_out
        # The rest (many positive findings, ill-conditioned sums, or cheaper
        # so): each group on the tree pruned for its findings.
        patterns, groups = _unique_masks(mask)
        for g, pattern in enumerate(patterns):
            rows = np.flatnonzero(groups.reshape(-1) == g)
            kept = frozenset(c for c, on in zip(columns, pattern, strict=True) if on)
            tree, _ = self.tree_for(kept)
            step = max(1, CHUNK_ENTRIES // max(1, tree.width))
            for start in range(0, rows.size, step):
                part_rows = rows[start : start + step]
                marg, log_ev = self._run_tree({k: a[part_rows] for k, a in absorbed.items()}, self.conditions)
                target = left[part_rows]
                log_out[target] = np.broadcast_to(log_ev, (part_rows.size,)) + log_const[part_rows]
                for j, (cond, pos) in enumerate(zip(self.conditions, self._present, strict=True)):
                    out[target, j] = np.broadcast_to(marg[cond], (part_rows.size, marg[cond].shape[-1]))[:, pos]
        return out, log_out

    def _route(self, arrays: Mapping[str, np.ndarray], columns: list[str], mask: np.ndarray, n: int) -> np.ndarray:
        """Which rows to try on the shared Quickscore tree (the cost model).

        Rows are grouped by the findings a pruned tree would keep; a group's
        rows with at most :data:`TERM_CAP` terms go to Quickscore when their
        terms cost less than compiling (unless cached) and running that tree.
        """
        patterns, groups = _unique_masks(mask)
        groups = groups.reshape(-1)
        counts = term_counts(arrays, self._terms, n, TERM_CAP)
        quick = np.zeros(n, dtype=bool)
        for g, pattern in enumerate(patterns):
            rows = np.flatnonzero(groups == g) if len(patterns) > 1 else np.arange(n)
            small = rows[counts[rows] <= TERM_CAP]
            kept = frozenset(c for c, on in zip(columns, pattern, strict=True) if on)
            tree_cost = (COST_PASS if kept in self._trees or not kept else COST_COMPILE + COST_PASS) + rows.size * COST_ROW
            if small.size and counts[small].sum() * COST_TERM < tree_cost * small.size / rows.size:
                quick[small] = True
        return quick

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


def _unique_masks(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(mask, axis=0, return_inverse=True)`` for a boolean matrix, via packed bits."""
    if mask.shape[1] == 0:
        return np.zeros((1, 0), dtype=bool), np.zeros(mask.shape[0], dtype=np.intp)
    packed = np.packbits(mask, axis=1)
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return mask[first], inverse.reshape(-1)
