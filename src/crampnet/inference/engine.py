"""Exact inference on a compiled junction tree, over numpy arrays.

The network is compiled once (:class:`JunctionTree`): the interaction graph
is triangulated by greedy min-fill (:mod:`crampnet.inference._triangulation`), the
maximal cliques are joined into a tree by a maximum-weight spanning tree on
separator sizes, and each factor is multiplied into the smallest clique that
holds it. A query then runs one collect and one distribute pass
(Shafer-Shenoy) over a whole batch of cases at once: evidence enters as one
likelihood vector per observed variable and case (an indicator for hard
evidence), so every array carries a batch axis. Messages are rescaled per
case to avoid underflow, and the log of the scale is kept, so the
probability of the evidence is exact too. Once the numba kernel is compiled
(:mod:`crampnet.inference._kernel`, the only module that uses it), the same passes run
there instead, and :meth:`JunctionTree.quickscore` runs Quickscore in it.

This module knows nothing of networks or node names; see
:mod:`crampnet.inference.compiled` for the bridge.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference.engine import Factor, JunctionTree
>>> prior = Factor((0,), np.array([0.3, 0.7]))
>>> child = Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))
>>> tree = JunctionTree([2, 2], [prior, child])
>>> result = tree.marginals({1: np.array([[1.0, 0.0]])}, [0])
>>> round(float(result.marginals[0][0, 0]), 4)
0.6585
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from crampnet.inference import _kernel
from crampnet.inference._passplan import PassPlan
from crampnet.inference._triangulation import triangulate

if TYPE_CHECKING:
    from crampnet.inference.quickscore import Flat

__all__ = ["Factor", "JunctionTree", "Result"]

#: Floor of a message's rescaling constant (an all-zero message stays zero).
TINY = 1e-300
#: Below this probability of the evidence a case is run again with every
#: message rescaled: above it, what underflow can drop (< 1e-308 per term)
#: is far below the 1e-9 that posteriors promise.
SAFE = 1e-200
#: Hard evidence shared by all cases is indexed out of the cliques only when
#: cases times the largest clique exceed this: on small arrays, slicing and a
#: pass plan per set of observed nodes cost more than the multiplications
#: they save (measured on the shared Quickscore tree, paired runs on 400
#: single cases: 2.04 vs 2.21 ms per case at best).
FIX_ENTRIES = 8192


@dataclass(frozen=True)
class Factor:
    """A table over ``scope`` (variable indices, one axis each, in that order)."""

    scope: tuple[int, ...]
    table: np.ndarray


@dataclass(frozen=True)
class Result:
    """Marginals of the queried variables for each case of a batch.

    Attributes
    ----------
    marginals : dict of int to numpy.ndarray
        ``marginals[v][case, state]``, normalised over states.
    log_evidence : numpy.ndarray
        ``log P(evidence)`` per case (``-inf`` where the evidence is impossible).
    """

    marginals: dict[int, np.ndarray]
    log_evidence: np.ndarray


class JunctionTree:
    """A compiled junction tree for exact marginals over batches of cases.

    Parameters
    ----------
    cards : sequence of int
        Cardinality of each variable ``0 .. len(cards) - 1``; variables that
        no factor mentions are left out.
    factors : sequence of Factor
        The factors whose product is the (unnormalised) joint distribution.
    heuristic : {"min-fill", "min-weight"}, default="min-fill"
        The triangulation heuristic (min-weight compiles faster).
    """

    def __init__(self, cards: Sequence[int], factors: Sequence[Factor], heuristic: str = "min-fill") -> None:
        self.cards = [int(c) for c in cards]
        edges: dict[int, set[int]] = {}
        for factor in factors:
            for v in factor.scope:
                edges.setdefault(v, set())
            for a, b in itertools.combinations(factor.scope, 2):
                edges[a].add(b)
                edges[b].add(a)
        self.cliques = triangulate(self.cards, edges, heuristic)
        self._sizes = [math.prod(self.cards[v] for v in cl) for cl in self.cliques]
        self._build_tree()
        # Smallest clique holding each variable / each factor's scope, found
        # through a variable -> cliques index rather than scanning every clique.
        holding: dict[int, set[int]] = {}
        for c, cl in enumerate(self.cliques):
            for v in cl:
                holding.setdefault(v, set()).add(c)
        self._home = {v: min(holding[v], key=self._sizes.__getitem__) for v in edges}
        self.scopes = [f.scope for f in factors]
        self.factor_home = [min(set.intersection(*(holding[v] for v in f.scope)), key=self._sizes.__getitem__) for f in factors]
        self.potentials = [p[0] for p in self.assemble([f.table[None] for f in factors])]
        self._last = [p[..., None] for p in self.potentials]
        self._plans: dict[frozenset[int], PassPlan] = {}
        self._programs: dict[tuple[tuple[int, ...], tuple[int, ...]], _kernel.Program] = {}
        self.entries = sum(self._sizes)
        self._structure: _kernel.Structure | None = None

    def assemble(self, tables: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Clique potentials from factor tables that carry a leading batch axis.

        Parameters
        ----------
        tables : sequence of numpy.ndarray
            One array per factor given at construction, in the same order,
            each of shape ``(n, *factor_shape)`` (``n`` may be 1).

        Returns
        -------
        list of numpy.ndarray
            Per clique, shape ``(n, *clique_shape)``: pass as ``potentials=``
            to :meth:`marginals` to run with other parameters (e.g. Monte
            Carlo draws) on the same compiled structure.
        """
        n = max((t.shape[0] for t in tables), default=1)
        pots = [np.ones([1] + [self.cards[v] for v in cl]) for cl in self.cliques]
        for table, scope, home in zip(tables, self.scopes, self.factor_home, strict=True):
            expanded = self._expand(table[0] if table.shape[0] == 1 else table, scope, self.cliques[home], batch=table.shape[0] != 1)
            pots[home] = pots[home] * (expanded if table.shape[0] != 1 else expanded[None])
        return [np.broadcast_to(p, (n, *p.shape[1:])) if p.shape[0] != n else p for p in pots]

    def size(self, clique: int) -> int:
        """Number of entries of a clique's table."""
        return self._sizes[clique]

    @property
    def width(self) -> int:
        """Largest clique table, in entries."""
        return max(self._sizes, default=1)

    def _expand(self, table: np.ndarray, scope: tuple[int, ...], clique: tuple[int, ...], *, batch: bool = False) -> np.ndarray:
        """Reorder ``table`` to clique order, with size-1 axes for absent variables."""
        order = sorted(range(len(scope)), key=lambda i: scope[i])
        lead = [0] if batch else []
        table = np.transpose(table, lead + [i + len(lead) for i in order])
        present = {scope[i] for i in order}
        shape = [self.cards[v] if v in present else 1 for v in clique]
        return table.reshape(([table.shape[0]] if batch else []) + shape)

    def _build_tree(self) -> None:
        n = len(self.cliques)
        sets = [set(c) for c in self.cliques]
        pairs = sorted(((len(sets[a] & sets[b]), a, b) for a in range(n) for b in range(a + 1, n)), key=lambda t: -t[0])
        root_of = list(range(n))

        def find(x: int) -> int:
            while root_of[x] != x:
                root_of[x] = root_of[root_of[x]]
                x = root_of[x]
            return x

        adjacent: dict[int, list[int]] = {c: [] for c in range(n)}
        for _, a, b in pairs:
            ra, rb = find(a), find(b)
            if ra != rb:
                root_of[ra] = rb
                adjacent[a].append(b)
                adjacent[b].append(a)
        self.root = max(range(n), key=self.size) if n else 0
        self.parent: dict[int, int] = {}
        self.children: dict[int, list[int]] = {c: [] for c in range(n)}
        self.order = [self.root]
        for c in self.order:
            for d in adjacent[c]:
                if d != self.root and d not in self.parent:
                    self.parent[d] = c
                    self.children[c].append(d)
                    self.order.append(d)
        self.separator = {c: tuple(sorted(sets[c] & sets[p])) for c, p in self.parent.items()}

    def _plan(self, fixed: frozenset[int]) -> PassPlan:
        """Shapes and axes of a pass when the variables in ``fixed`` are indexed out (cached)."""
        plan = self._plans.get(fixed)
        if plan is None:
            plan = PassPlan(self, fixed, self._plan(frozenset()) if fixed else None)
            if len(self._plans) > 256:
                self._plans = {frozenset(): self._plans[frozenset()]}
            self._plans[fixed] = plan
        return plan

    def marginals(self, evidence: Mapping[int, np.ndarray], query: Sequence[int], potentials: Sequence[np.ndarray] | None = None) -> Result:
        """Marginals of ``query`` given per-case likelihood vectors.

        Parameters
        ----------
        evidence : mapping of int to numpy.ndarray
            ``evidence[v]`` has shape ``(n_cases, cards[v])``: the likelihood of
            each state of ``v`` in each case (an indicator for hard evidence),
            or ``(1, cards[v])`` when shared by every case. Variables not in
            the mapping are unobserved.
        query : sequence of int
            Variables whose marginals are returned.
        potentials : sequence of numpy.ndarray, optional
            Clique potentials from :meth:`assemble` (one batch row per case,
            or a single row shared by all cases); by default the compiled ones.

        Returns
        -------
        Result
            Normalised marginals and ``log P(evidence)`` per case. Where the
            evidence of a case is impossible its marginals are NaN and its
            ``log_evidence`` is ``-inf``; callers must check.

        Notes
        -----
        Arrays keep the cases on their last, contiguous axis, so numpy's
        inner loops run over the batch rather than over size-2 state axes.
        Hard evidence shared by every case is indexed out of the cliques
        rather than multiplied in, when the arrays are large enough for that
        to pay (:data:`FIX_ENTRIES`). The shapes and axes of a pass are
        computed once per set of such variables (:class:`PassPlan`). The
        distribute pass uses prefix and suffix products, so a clique with
        k children costs O(k) products, not O(k^2), and only runs towards
        the cliques that hold a queried variable.
        """
        if potentials is None:
            n = max((e.shape[0] for e in evidence.values()), default=1)
            # One case on a wide tree stays in numpy, which indexes its hard
            # evidence out of the cliques (measured on 24 pruned trees of
            # 2,000-47,000 entries: 0.07 s in numpy, 0.15 s in the kernel).
            if not (n == 1 and self.width > FIX_ENTRIES) and self.kernel_ready(n):
                return self._compiled(evidence, query, n)
        # Every message is a probability of part of the evidence, at most 1,
        # when potentials and likelihoods are at most 1; then messages need no
        # rescaling unless the evidence is very improbable. Cases whose total
        # falls below SAFE (or has no mass) run again, rescaled per message.
        bounded = potentials is None and all(float(np.max(e)) <= 1.0 for e in evidence.values())
        result = self._pass(evidence, query, potentials, rescale=not bounded)
        if not bounded:
            return result
        total = result.log_evidence
        again = np.flatnonzero(~(total >= np.log(SAFE)))
        if again.size == 0:
            return result
        sub = self._pass({v: e if e.shape[0] == 1 else e[again] for v, e in evidence.items()}, query, None, rescale=True)
        for v, m in result.marginals.items():
            m[again] = sub.marginals[v]
        total[again] = sub.log_evidence
        return result

    def kernel_ready(self, cases: int) -> bool:
        """Whether a pass over ``cases`` cases runs in the compiled kernel (:func:`crampnet.inference._kernel.ready`)."""
        return _kernel.ready(cases * self.entries * _kernel.NUMPY_ENTRY)

    def _program(self, rows: tuple[int, ...], query: tuple[int, ...]) -> _kernel.Program:
        key = (rows, query)
        program = self._programs.get(key)
        if program is None:
            if self._structure is None:
                self._structure = _kernel.Structure(self)
            program = _kernel.Program(self._structure, rows, query)
            if len(self._programs) > 256:
                self._programs.clear()
            self._programs[key] = program
        return program

    def quickscore(
        self, evidence: Mapping[int, np.ndarray], observed: np.ndarray, flat: Flat, query: Sequence[int], states: Sequence[int],
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
        flat : Flat
            The decomposed findings' terms, parents numbered as this tree's variables.
        query, states : sequence of int
            The variables and the state of each whose posterior is returned.
        cap, condition : int, float
            See :func:`crampnet.inference._kernel.quickscore`.

        Returns
        -------
        posteriors, log_evidence, status : numpy.ndarray
            As :func:`crampnet.inference._kernel.quickscore`: rows with ``status != 0``
            (too many terms, no mass, ill conditioned) are not answered.
        """
        n = observed.shape[1]
        # Every variable of the tree takes evidence (ones where unobserved,
        # which the kernel skips), so one program serves every case.
        targets = sorted(self._home)
        program = self._program(tuple(targets), tuple(query))
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
        return _kernel.quickscore(program, direct, observed, terms, flat.values, flat.weights, pick, cap, condition)

    def _compiled(self, evidence: Mapping[int, np.ndarray], query: Sequence[int], n: int) -> Result:
        """:meth:`marginals` by the compiled kernel (:mod:`crampnet.inference._kernel`).

        Evidence shared by every case is multiplied into the potentials;
        per-case evidence enters the kernel, whose program is cached per set
        of such variables and query.
        """
        rows = tuple(sorted(v for v, e in evidence.items() if e.shape[0] != 1 or n == 1))
        program = self._program(rows, tuple(query))
        structure = program.structure
        potential = structure.potential
        shared = [v for v in evidence if v not in rows]
        if shared:
            potential = potential.copy()
            for v in shared:
                start = int(structure.eoff[self._home[v]])
                states = structure.state_map(v)
                potential[start : start + states.size] *= np.asarray(evidence[v], dtype=float).reshape(-1)[states]
        marginals, log_ev, flagged = _kernel.run(program, [np.asarray(evidence[v], dtype=float) for v in rows], potential=potential)
        result = Result(dict(zip(query, marginals, strict=True)), log_ev)
        again = np.flatnonzero(flagged)
        if again.size:
            # Messages near underflow: these cases run again in numpy, rescaled.
            sub = self._pass({v: e if e.shape[0] == 1 else e[again] for v, e in evidence.items()}, query, None, rescale=True)
            for v, m in result.marginals.items():
                m[again] = sub.marginals[v]
            log_ev[again] = sub.log_evidence
        return result

    def _pass(self, evidence: Mapping[int, np.ndarray], query: Sequence[int], potentials: Sequence[np.ndarray] | None, *, rescale: bool) -> Result:
        """One collect and one distribute pass (see :meth:`marginals`)."""
        sizes = [e.shape[0] for e in evidence.values()] + ([p.shape[0] for p in potentials] if potentials is not None else [])
        n = max(sizes, default=1)
        pots = self._last if potentials is None else [np.moveaxis(p, 0, -1) for p in potentials]
        fixed: dict[int, int] = {}
        log_scale = np.zeros(n)
        if potentials is None and n * self.width > FIX_ENTRIES:
            for v, vec in evidence.items():
                if vec.shape[0] != 1:
                    continue
                row = np.asarray(vec, dtype=float).reshape(-1)
                hit = np.flatnonzero(row)
                if hit.size == 1:
                    fixed[v] = int(hit[0])
                    log_scale = log_scale + np.log(row[hit[0]])
        plan = self._plan(frozenset(fixed))
        psi = list(pots)
        for c in plan.touched:
            psi[c] = np.ascontiguousarray(pots[c][(*(fixed.get(v, slice(None)) for v in self.cliques[c]), slice(None))])
        for v, vec in evidence.items():
            if v not in fixed:
                c = self._home[v]
                psi[c] = psi[c] * np.ascontiguousarray(np.asarray(vec, dtype=float).T).reshape(plan.evidence_shape[v])
        up: dict[int, np.ndarray] = {}
        children = self.children
        for c in plan.upward:
            belief = psi[c]
            for d in children[c]:
                belief = belief * up[d].reshape(plan.child_shape[d])
            axes = plan.up_axes[c]
            message = belief.sum(axis=axes) if axes else belief
            if rescale:
                # A message of all zeros stays zero (impossible evidence):
                # the floor only keeps the division finite.
                safe = np.maximum(message.reshape(-1, message.shape[-1]).max(axis=0), TINY)
                message = message / safe
                log_scale = log_scale + np.log(safe)
            up[c] = message
        wanted = {self._home[v] for v in query if v not in fixed}
        needed = plan.needed(wanted)
        down: dict[int, np.ndarray] = {}
        beliefs: dict[int, np.ndarray] = {}
        for c in self.order:
            base = psi[c]
            if c in down:
                base = base * down[c].reshape(plan.down_shape[c])
            kids = [up[d].reshape(plan.child_shape[d]) for d in children[c]]
            if c in wanted or c == self.root:
                full = base
                for m in kids:
                    full = full * m
                beliefs[c] = full
            send = [i for i, d in enumerate(children[c]) if d in needed]
            if not send:
                continue
            prefix = [base]
            for m in kids[:-1]:
                prefix.append(prefix[-1] * m)
            suffix: list[np.ndarray | None] = [None] * len(kids)
            acc: np.ndarray | None = None
            for i in range(len(kids) - 1, -1, -1):
                suffix[i] = acc
                acc = kids[i] if acc is None else acc * kids[i]
            for i in send:
                d = children[c][i]
                after = suffix[i]
                belief = prefix[i] if after is None else prefix[i] * after
                axes = plan.down_axes[d]
                message = belief.sum(axis=axes) if axes else belief
                down[d] = message / np.maximum(message.reshape(-1, message.shape[-1]).max(axis=0), TINY) if rescale else message
        root = beliefs[self.root]
        total = np.broadcast_to(root.reshape(-1, root.shape[-1]).sum(axis=0), (n,))
        alive = total > 0
        with np.errstate(divide="ignore"):
            log_evidence = np.where(alive, np.log(np.where(alive, total, 1.0)) + log_scale, -np.inf)
        marginals: dict[int, np.ndarray] = {}
        by_card: dict[int, list[tuple[int, np.ndarray]]] = {}
        for v in query:
            if v in fixed:
                onehot = np.zeros((n, self.cards[v]))
                onehot[:, fixed[v]] = 1.0
                marginals[v] = np.where(alive[:, None], onehot, np.nan)
                continue
            axes = plan.query_axes[v]
            belief = beliefs[self._home[v]]
            table = (belief.sum(axis=axes) if axes else belief).reshape(self.cards[v], -1)
            by_card.setdefault(self.cards[v], []).append((v, table))
        # Normalise the queried tables of one cardinality together.
        for card, items in by_card.items():
            stacked = np.empty((len(items), card, n))
            for k, (_, t) in enumerate(items):
                stacked[k] = t
            np.clip(stacked, 0.0, None, out=stacked)
            sums = stacked.sum(axis=1, keepdims=True)
            ok = (sums > 0) & alive[None, None, :]
            with np.errstate(invalid="ignore", divide="ignore"):
                normal = np.where(ok, stacked / np.where(sums > 0, sums, 1.0), np.nan).transpose(0, 2, 1)
            for k, (v, _) in enumerate(items):
                marginals[v] = normal[k]
        return Result(marginals, log_evidence)
