"""Exact inference on a compiled junction tree, over numpy arrays.

The network is compiled once (:class:`JunctionTree`, whose structure comes
from :class:`~crampnet.inference._cliques.CliqueTree`): the interaction graph
is triangulated by greedy min-fill (:mod:`crampnet.inference._triangulation`), the
maximal cliques are joined into a tree by a maximum-weight spanning tree on
separator sizes, and each factor is multiplied into the smallest clique that
holds it. A query then runs one collect and one distribute pass
(Shafer-Shenoy, :mod:`crampnet.inference._numpypass`) over a whole batch of
cases at once: evidence enters as one likelihood vector per observed
variable and case (an indicator for hard evidence), so every array carries
a batch axis. Messages are rescaled per case to avoid underflow, and the
log of the scale is kept; evidence below :data:`SAFE` runs again in logs.
The same pass gives the posterior of every factor's scope
(:meth:`JunctionTree.families`, EM's expected counts) for factor tables
given per call. Once the numba kernel is compiled
(:mod:`crampnet.inference._kernel`, the only module that uses it), the
marginals run there instead, and :meth:`JunctionTree.quickscore` runs
Quickscore in it.

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
>>> families, possible = tree.families([prior.table[:, None], child.table[:, :, None]], {1: np.array([[1.0, 0.0]])})
>>> np.round(families[1][..., 0], 4).tolist()  # P(x1, x0 | x1 = 0), axes as child's scope
[[0.6585, 0.3415], [0.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from crampnet.inference._cliques import Factor
from crampnet.inference._kerneltree import KernelTree
from crampnet.inference._logpass import SAFE, log_marginals
from crampnet.inference._numpypass import normalised, propagate
from crampnet.inference._passplan import FamilyPlan, PassPlan

__all__ = ["SAFE", "Factor", "JunctionTree", "Result"]

#: Hard evidence shared by all cases is indexed out of the cliques only when
#: cases times the largest clique exceed this: on small arrays, slicing and a
#: pass plan per set of observed nodes cost more than the multiplications
#: they save (measured on the shared Quickscore tree, paired runs on 400
#: single cases: 2.04 vs 2.21 ms per case at best).
FIX_ENTRIES = 8192


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


class JunctionTree(KernelTree):
    """A compiled junction tree for exact marginals over batches of cases.

    Parameters
    ----------
    cards : sequence of int
        Cardinality of each variable ``0 .. len(cards) - 1``; variables that
        no factor mentions are left out.
    factors : sequence of Factor
        The factors whose product is the (unnormalised) joint distribution.
        Their tables are read when first needed (:attr:`potentials`), not
        at construction: do not modify them afterwards.
    heuristic : {"min-fill", "min-weight"}, default="min-fill"
        The triangulation heuristic (min-weight compiles faster).

    Notes
    -----
    The structure (``cards``, ``cliques``, ``root``, ``parent``,
    ``children``, ``order``, ``separator``, ``home``, ``scopes``,
    ``factor_home``, ``entries``, ``width``, :meth:`size`, :meth:`assemble`,
    ``potentials``) is :class:`~crampnet.inference._cliques.CliqueTree`'s;
    the calls into the compiled kernel (:meth:`kernel_ready`,
    :meth:`quickscore`) are :class:`~crampnet.inference._kerneltree.KernelTree`'s.
    """

    def __init__(self, cards: Sequence[int], factors: Sequence[Factor], heuristic: str = "min-fill") -> None:
        super().__init__(cards, factors, heuristic)
        self._plans: dict[frozenset[int], PassPlan] = {}

    @cached_property
    def _last(self) -> list[np.ndarray]:
        """The compiled potentials with a (size-1) case axis last."""
        return [p[..., None] for p in self.potentials]

    @cached_property
    def pinned(self) -> dict[int, int]:
        """Variables that one factor of their own pins to a single state (e.g. a point-mass prior), and that state.

        Where a factor over ``v`` alone has one nonzero entry, every other
        state of ``v`` has probability zero, so the numpy pass indexes ``v``
        out of its cliques (as it does hard evidence) unless a case gives
        evidence on it. On the shipped network, ``care_setting``: that
        halves every clique holding it.
        """
        out = {}
        for scope, table in zip(self.scopes, self._tables, strict=True):
            if len(scope) == 1 and np.count_nonzero(table) == 1:
                out[scope[0]] = int(np.flatnonzero(table)[0])
        return out

    @cached_property
    def _pinned_last(self) -> list[np.ndarray]:
        """:attr:`_last` with the :attr:`pinned` variables indexed out."""
        return [np.ascontiguousarray(p[(*(self.pinned.get(v, slice(None)) for v in cl), slice(None))]) for p, cl in zip(self._last, self.cliques, strict=True)]

    def pass_width(self, evidence: Mapping[int, np.ndarray]) -> int:
        """Entries per case of the largest clique a numpy pass with ``evidence`` allocates: its chunks' memory bound.

        Hard evidence that every case shares and the :attr:`pinned`
        variables are indexed out of the cliques (:meth:`_pass`; the pass
        does so only above :data:`FIX_ENTRIES`, below which the arrays are
        small anyway), so on a pruned tree the widest clique of a pass is
        often several times narrower than :attr:`width`.

        Parameters
        ----------
        evidence : mapping of int to numpy.ndarray
            Variable number to likelihoods of shape ``(n, cards[v])`` or
            ``(1, cards[v])``, as :meth:`marginals` takes it; only which
            variables it holds, and which of them have a single ``(1, card)``
            row with one non-zero entry, are read.

        Returns
        -------
        int
            The number of entries of the widest clique table after those
            variables are indexed out (1 for a tree without cliques).
        """
        fixed = {v for v, vec in evidence.items() if vec.shape[0] == 1 and np.count_nonzero(vec) == 1}
        if not any(v in evidence for v in self.pinned):
            fixed.update(self.pinned)
        return max((int(np.prod([self.cards[v] for v in cl if v not in fixed])) for cl in self.cliques), default=1)

    @cached_property
    def _support(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """:attr:`_last` and :attr:`_pinned_last` of the tables' nonzero entries (1.0 or 0.0): a pass over them (counts of configurations, which neither underflow nor, below ~1000 binary variables, overflow) is positive exactly where the evidence is possible."""
        last = [p[0][..., None] for p in self.assemble([(np.asarray(t) != 0.0).astype(float)[None] for t in self._tables])]
        return last, [np.ascontiguousarray(p[(*(self.pinned.get(v, slice(None)) for v in cl), slice(None))]) for p, cl in zip(last, self.cliques, strict=True)]

    @cached_property
    def _nonnegative(self) -> bool:
        """Whether no factor table has a negative entry (the numpy pass may then divide, :func:`~crampnet.inference._numpypass.propagate`)."""
        return all(bool(np.all(np.asarray(t) >= 0.0)) for t in self._tables)

    @cached_property
    def _family_plan(self) -> FamilyPlan:
        return FamilyPlan(self)

    def _plan(self, fixed: frozenset[int]) -> PassPlan:
        """Shapes and axes of a pass when the variables in ``fixed`` are indexed out (cached)."""
        plan = self._plans.get(fixed)
        if plan is None:
            plan = PassPlan(self, fixed, self._plan(frozenset()) if fixed else None)
            if len(self._plans) > 256:
                self._plans = {frozenset(): self._plans[frozenset()]}
            self._plans[fixed] = plan
        return plan

    def prepare_families(self) -> None:
        """Work out where :meth:`families` places each table now, not at its first call (EM does this at set-up)."""
        self._plan(frozenset()).schedule(self._family_plan.homes)

    def families(self, tables: Sequence[np.ndarray], evidence: Mapping[int, np.ndarray], floor: float = 0.0) -> tuple[list[np.ndarray], np.ndarray]:
        """Per factor, P(scope | evidence) for each case, and whether each case's evidence is possible.

        Parameters
        ----------
        tables : sequence of numpy.ndarray
            One table per factor given at construction, in the same order, in
            its factor's scope order with the cases *last*: shape
            ``(*factor_shape, n)`` (``n`` may be 1 for a table shared by all
            cases). They replace the tables given at construction.
        evidence : mapping of int to numpy.ndarray
            ``evidence[v]`` has shape ``(n, cards[v])`` (or ``(1, cards[v])``):
            likelihoods, an indicator for hard evidence.
        floor : float, default=0.0
            ``possible`` is also False where the evidence's total is at most this (EM: lost entries may matter).

        Returns
        -------
        families : list of numpy.ndarray
            Per factor, shape ``(*factor_shape, n)``, axes in its scope order,
            summing to one per case; NaN where the evidence of a case has
            probability zero.
        possible : numpy.ndarray
            Shape ``(n,)``: False where the evidence has probability zero (or at most ``floor``).

        Notes
        -----
        The expected counts of EM (:mod:`crampnet.trust._em`), which asks
        this of many small trees once per iteration: where each table enters
        and which axes are summed are worked out once per tree
        (:class:`~crampnet.inference._passplan.FamilyPlan`), since numpy's
        per-call overhead, not arithmetic, is the cost there. Every message
        is rescaled per case, so nothing underflows.
        """
        fam = self._family_plan
        plan = self._plan(frozenset())
        psi = fam.potentials(tables)
        for v, vec in evidence.items():
            c = self.home[v]
            psi[c] = psi[c] * np.asarray(vec, dtype=float).T.reshape(plan.evidence_shape[v])
        beliefs, scale = propagate(self, plan, psi, fam.homes, rescale=True, log_scale=np.zeros(1))
        root = beliefs[self.root].reshape(-1, beliefs[self.root].shape[-1]).sum(axis=0)
        with np.errstate(divide="ignore"):
            possible = (root > 0) & (np.log(root) + scale > np.log(floor) if floor > 0 else True)
        return fam.marginals(beliefs), possible

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
        computed once per set of such variables
        (:class:`~crampnet.inference._passplan.PassPlan`); the pass itself is
        :func:`~crampnet.inference._numpypass.propagate`, which distributes
        only towards the cliques that hold a queried variable.
        """
        if potentials is None:
            n = max((e.shape[0] for e in evidence.values()), default=1)
            # One case on a wide tree stays in numpy, which indexes its hard
            # evidence out of the cliques (measured on 24 pruned trees of
            # 2,000-47,000 entries: 0.07 s in numpy, 0.15 s in the kernel).
            if not (n == 1 and self.width > FIX_ENTRIES) and self.kernel_ready(n):
                return self._compiled(evidence, query, n)
        # With potentials and likelihoods at most 1 every message is at most 1: no rescaling
        # is needed unless the evidence is below SAFE, and those cases run again in logs.
        bounded = potentials is None and all(float(np.max(e)) <= 1.0 for e in evidence.values())
        result = self._pass(evidence, query, potentials, rescale=not bounded)
        return result if potentials is not None else self._below_safe(result, evidence, query, bounded)

    def _compiled(self, evidence: Mapping[int, np.ndarray], query: Sequence[int], n: int) -> Result:
        """:meth:`marginals` by the compiled kernel (:meth:`~crampnet.inference._kerneltree.KernelTree.kernel_marginals`).

        Cases whose messages came near underflow run again here, in numpy, rescaled.
        """
        marginals, log_ev, flagged = self.kernel_marginals(evidence, query, n)
        result = Result(dict(zip(query, marginals, strict=True)), log_ev)
        again = np.flatnonzero(flagged)
        if again.size:
            sub = self._pass({v: e if e.shape[0] == 1 else e[again] for v, e in evidence.items()}, query, None, rescale=True)
            for v, m in result.marginals.items():
                m[again] = sub.marginals[v]
            log_ev[again] = sub.log_evidence
        return self._below_safe(result, evidence, query)

    def _below_safe(self, result: Result, evidence: Mapping[int, np.ndarray], query: Sequence[int], bounded: bool | None = None) -> Result:
        """``result`` (updated in place) with its cases below :data:`SAFE` run again in logs (:func:`~crampnet.inference._logpass.log_marginals`).

        A float pass loses terms below ~1e-308, in the clique potentials (products of tables,
        made before any evidence) as in the messages: with likelihoods at most 1, below 1e-308
        of P(evidence) however the messages were rescaled, negligible above :data:`SAFE`
        (likelihoods above 1 raise that floor by their largest entries). A case of no mass
        runs in logs only if a pass over the nonzero entries (:attr:`_support`) finds it possible.

        Parameters
        ----------
        result : Result
            A float pass's marginals and ``log P(evidence)``.
        evidence : mapping of int to numpy.ndarray
            The likelihoods it was given (see :meth:`marginals`).
        query : sequence of int
            The queried variables.
        bounded : bool, optional
            Whether every likelihood is at most 1.

        Returns
        -------
        Result
            ``result``.
        """
        total = result.log_evidence
        floor = np.log(SAFE)
        if not (bounded if bounded is not None else all(float(np.max(e)) <= 1.0 for e in evidence.values())):
            floor = floor + sum((np.log(np.maximum(np.max(e, axis=1), 1.0)) for e in evidence.values()), np.zeros(total.shape))
        again = np.flatnonzero(~(total >= floor))
        if again.size == 0 or not self._nonnegative or any(float(np.min(vec)) < 0.0 for vec in evidence.values()):
            return result
        zero = again[total[again] == -np.inf]
        if zero.size:
            support = self._pass({v: (e if e.shape[0] == 1 else e[zero]) != 0.0 for v, e in evidence.items()}, [], None, rescale=False, support=True)
            again = np.union1d(again[total[again] > -np.inf], zero[support.log_evidence > -np.inf])
            if again.size == 0:
                return result
        marginals, log_ev = log_marginals(self, {v: e if e.shape[0] == 1 else e[again] for v, e in evidence.items()}, query)
        for v, m in result.marginals.items():
            m[again] = marginals[v]
        total[again] = log_ev
        return result

    def _pass(self, evidence: Mapping[int, np.ndarray], query: Sequence[int], potentials: Sequence[np.ndarray] | None, *, rescale: bool, support: bool = False) -> Result:
        """One collect and one distribute pass (see :meth:`marginals`); with ``support``, over :attr:`_support` (positive where the evidence is possible)."""
        sizes = [e.shape[0] for e in evidence.values()] + ([p.shape[0] for p in potentials] if potentials is not None else [])
        n = max(sizes, default=1)
        pots = (self._support[0] if support else self._last) if potentials is None else [np.moveaxis(p, 0, -1) for p in potentials]
        # Pinned variables leave the cliques (indexed out of _pinned_last once), unless a case gives evidence on one.
        pinned = self.pinned if potentials is None and not any(v in evidence for v in self.pinned) else {}
        fixed: dict[int, int] = dict(pinned)
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
        base = (self._support[1] if support else self._pinned_last) if pinned else pots
        psi = list(base)
        for c in plan.touched:
            rest = [v for v in self.cliques[c] if v not in pinned]
            if any(v in fixed for v in rest):
                psi[c] = np.ascontiguousarray(base[c][(*(fixed.get(v, slice(None)) for v in rest), slice(None))])
        for v, vec in evidence.items():
            if v not in fixed:
                c = self.home[v]
                psi[c] = psi[c] * np.ascontiguousarray(np.asarray(vec, dtype=float).T).reshape(plan.evidence_shape[v])
        wanted = {self.home[v] for v in query if v not in fixed}
        # Hugin's distribute pass (one product per clique) needs no negative entries anywhere.
        divide = potentials is None and self._nonnegative and all(float(np.min(vec)) >= 0.0 for vec in evidence.values())
        beliefs, scale = propagate(self, plan, psi, wanted, rescale=rescale, log_scale=log_scale, divide=divide)
        root = beliefs[self.root]
        total = np.broadcast_to(root.reshape(-1, root.shape[-1]).sum(axis=0), (n,))
        alive = total > 0
        with np.errstate(divide="ignore"):
            log_evidence = np.where(alive, np.log(np.where(alive, total, 1.0)) + scale, -np.inf)
        marginals: dict[int, np.ndarray] = {}
        by_card: dict[int, list[tuple[int, np.ndarray]]] = {}
        for v in query:
            if v in fixed:
                onehot = np.zeros((n, self.cards[v]))
                onehot[:, fixed[v]] = 1.0
                marginals[v] = np.where(alive[:, None], onehot, np.nan)
                continue
            axes = plan.query_axes[v]
            belief = beliefs[self.home[v]]
            table = (belief.sum(axis=axes) if axes else belief).reshape(self.cards[v], -1)
            by_card.setdefault(self.cards[v], []).append((v, table))
        # Normalise the queried tables of one cardinality together.
        for card, items in by_card.items():
            normal = normalised([t for _, t in items], card, alive)
            for k, (v, _) in enumerate(items):
                marginals[v] = normal[k]
        return Result(marginals, log_evidence)
