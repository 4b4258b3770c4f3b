"""Run many parameter sets, or many cases, through a pruned junction tree.

Two helpers for the uncertainty, sensitivity and learning modules:

- :func:`batch_posteriors` gives the posteriors of one case under each row
  of a batch of parameter vectors. It runs on the sub-network that matters
  for the query: nodes that are neither observed nor ancestors of an
  observed or queried node are barren (their tables sum to one and drop
  out), so they are pruned exactly. A noisy-OR finding observed at its
  negative state is not kept either: ``P(no | x) = (1 - leak) * prod_i
  q_i(x_i)`` is a product of one-parent factors, so it enters as a
  likelihood vector on each parent, one per draw (each draw has its own
  ``q_i``); only the findings observed otherwise stay in the tree. The
  pruned :class:`~crampnet.engine.JunctionTree` is compiled once per model
  and set of kept nodes, and its clique potentials are rebuilt in one
  batched :meth:`~crampnet.engine.JunctionTree.assemble` per chunk of draws.
- :class:`FamilyTree` is a thin layer over a compiled
  :class:`~crampnet.engine.JunctionTree` that returns, for a batch of cases,
  the posterior of every factor's scope (a node family): the expected
  counts of EM (see :mod:`crampnet._em`). The engine returns marginals of
  single variables only, so the layer runs its own collect and distribute
  passes (the same Shafer-Shenoy scheme, cases on the last axis) and keeps
  every clique's belief.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet._montecarlo import batch_posteriors
>>> from crampnet._parameters import parameter_space
>>> model = crampnet.load()
>>> space = parameter_space(model)
>>> out = batch_posteriors(model, {}, space.point[None, :])
>>> bool(np.allclose(out[0], model.posteriors({}).reindex(model.conditions)))
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from crampnet._parameters import fitted_counts, parameter_space
from crampnet.engine import Factor, JunctionTree
from crampnet.spec import NoisyOr

if TYPE_CHECKING:
    from crampnet.model import Model

__all__ = ["CHUNK_ENTRIES", "FamilyTree", "batch_posteriors", "relevant_nodes"]

#: Bound on clique-table entries times rows held at once.
CHUNK_ENTRIES = 4_000_000


def relevant_nodes(model: Model, keep: Sequence[str]) -> list[str]:
    """``keep`` and all their ancestors, in the network's topological order."""
    spec = model.spec
    wanted = set(keep)
    for nid in reversed(spec.order):
        if nid in wanted:
            wanted.update(spec.nodes[nid].parents)
    return [nid for nid in spec.order if nid in wanted]


@dataclass(frozen=True)
class _NoisyOrSlots:
    """Where a noisy-OR finding's numbers sit in the parameter vector."""

    negative: int
    leak: int
    #: Per parent: (parent id, its number of states, linked state positions, their slots).
    parents: tuple[tuple[str, int, np.ndarray, np.ndarray], ...]

    def likelihoods(self, theta: np.ndarray) -> list[np.ndarray]:
        """Per parent, ``q_i(x_i)`` for each row of ``theta``; the first also carries ``1 - leak``.

        Their product over the parents is ``P(negative | parents)``, exactly as
        the batched noisy-OR builder of :mod:`crampnet._parameters` forms it.
        """
        out = []
        for i, (_, card, states, slots) in enumerate(self.parents):
            inhib = np.ones((theta.shape[0], card))
            inhib[:, states] = 1.0 - theta[:, slots]
            out.append(inhib * (1.0 - theta[:, self.leak])[:, None] if i == 0 else inhib)
        return out


@lru_cache(maxsize=32)
def _noisy_or_slots(model: Model) -> dict[str, _NoisyOrSlots]:
    """Findings whose tables are built as noisy-OR in every draw, with their slots.

    Fitted tables are general (a Dirichlet per parent configuration), so
    fitted nodes are left out, as are nodes with children or no parents.
    """
    spec = model.spec
    space = parameter_space(model)
    index = space.index()
    fitted = set(fitted_counts(model))
    has_children = {p for node in spec.nodes.values() for p in node.parents}
    out = {}
    for nid in model.compiled.findings:
        node = spec.nodes[nid]
        cpd = node.cpd
        if not isinstance(cpd, NoisyOr) or not node.parents or nid in fitted or nid in has_children:
            continue
        parents = []
        for parent in node.parents:
            pstates = spec.nodes[parent].states
            mine = [(pstates.index(link.state), index[(nid, "link", parent, link.state, cpd.positive)]) for link in cpd.links if link.parent == parent]
            parents.append((parent, len(pstates), np.array([s for s, _ in mine], dtype=np.intp), np.array([j for _, j in mine], dtype=np.intp)))
        leak = index[(nid, "leak", None, None, cpd.positive)]
        out[nid] = _NoisyOrSlots(1 - node.states.index(cpd.positive), leak, tuple(parents))
    return out


def _absorbed(model: Model, vectors: Mapping[str, np.ndarray]) -> list[str]:
    """The noisy-OR findings of ``vectors`` observed exactly at their negative state."""
    out = []
    for nid, slots in _noisy_or_slots(model).items():
        vec = vectors.get(nid)
        if vec is not None:
            arr = np.asarray(vec, dtype=float).reshape(-1)
            if arr[slots.negative] == 1.0 and np.count_nonzero(arr) == 1:
                out.append(nid)
    return out


class _Pruned:
    """One factor per node family over a set of nodes, and its junction tree.

    The tree is triangulated both ways (min-fill and min-weight) and the one
    with fewer clique entries is kept: it is compiled once per evidence
    pattern and then runs for every chunk of draws.
    """

    def __init__(self, model: Model, nodes: list[str]) -> None:
        spec, tables = model.spec, model.compiled.tables
        self.nodes = frozenset(nodes)
        self.order = list(nodes)
        self.var = {nid: i for i, nid in enumerate(nodes)}
        cards = [len(spec.nodes[nid].states) for nid in nodes]
        scopes = [(self.var[nid], *(self.var[p] for p in spec.nodes[nid].parents)) for nid in nodes]
        factors = [Factor(scope, tables[nid]) for scope, nid in zip(scopes, nodes, strict=True)]
        trees = [JunctionTree(cards, factors, heuristic) for heuristic in ("min-fill", "min-weight")]
        self.tree = tree = min(trees, key=lambda t: sum(t.size(c) for c in range(len(t.cliques))))
        self.per_row = sum(tree.size(c) for c in range(len(tree.cliques)))
        self._ones = [np.ones((*(cards[v] for v in clique), 1)) for clique in tree.cliques]
        self._place = []
        for scope, home in zip(scopes, tree.factor_home, strict=True):
            clique = tree.cliques[home]
            axes = sorted(range(len(scope)), key=lambda i: scope[i])
            self._place.append((home, (*(1 + i for i in axes), 0), (*(cards[v] if v in scope else 1 for v in clique), -1)))

    def potentials(self, tables: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        """Clique potentials for batched node tables, as :meth:`~crampnet.engine.JunctionTree.assemble` gives.

        Built with the batch axis last and contiguous (the engine runs with
        the cases last) and returned as views with the batch axis first.
        """
        pots = list(self._ones)
        for nid, (home, axes, shape) in zip(self.order, self._place, strict=True):
            pots[home] = pots[home] * tables[nid].transpose(axes).reshape(shape)
        return [np.moveaxis(p, -1, 0) for p in pots]


@lru_cache(maxsize=64)
def _pruned(model: Model, keep: frozenset[str]) -> _Pruned:
    return _Pruned(model, relevant_nodes(model, [*sorted(keep), *model.compiled.conditions]))


def batch_posteriors(model: Model, vectors: Mapping[str, np.ndarray], theta: np.ndarray, query: Sequence[str] | None = None) -> np.ndarray:
    """P(present | evidence) of ``query`` for each row of ``theta``.

    Parameters
    ----------
    model : Model
        The model whose :func:`~crampnet._parameters.parameter_space` ``theta`` fills.
    vectors : mapping of str to numpy.ndarray
        One case: a likelihood vector per observed node.
    theta : numpy.ndarray
        Shape ``(batch, n_slots)``.
    query : sequence of str, optional
        Condition ids (default: all, in network order).

    Returns
    -------
    numpy.ndarray
        Shape ``(batch, len(query))``; NaN where the evidence is impossible
        under that row's parameters.
    """
    compiled = model.compiled
    query = list(compiled.conditions) if query is None else list(query)
    present = [model.spec.nodes[q].states.index("present") for q in query]
    absorbed = [nid for nid in _absorbed(model, vectors) if nid not in query]
    noisy = _noisy_or_slots(model)
    kept = {nid: np.asarray(v, dtype=float).reshape(1, -1) for nid, v in vectors.items() if nid not in absorbed}
    pruned = _pruned(model, frozenset([*kept, *(p for nid in absorbed for p, *_ in noisy[nid].parents)]))
    space = parameter_space(model)
    targets = [pruned.var[q] for q in query]
    chunk = max(1, CHUNK_ENTRIES // max(1, pruned.per_row))
    out = np.empty((theta.shape[0], len(query)))
    for start in range(0, theta.shape[0], chunk):
        part = theta[start : start + chunk]
        tables = space.tables(part, pruned.nodes)
        pots = pruned.potentials(tables)
        evidence = {pruned.var[nid]: v for nid, v in kept.items()}
        for nid in absorbed:
            for (parent, *_), q in zip(noisy[nid].parents, noisy[nid].likelihoods(part), strict=True):
                var = pruned.var[parent]
                evidence[var] = evidence[var] * q if var in evidence else q
        with np.errstate(invalid="ignore", divide="ignore"):
            result = pruned.tree.marginals(evidence, targets, potentials=pots)
        ok = np.broadcast_to(np.isfinite(result.log_evidence), (part.shape[0],))
        for j, (var, pos) in enumerate(zip(targets, present, strict=True)):
            values = np.broadcast_to(result.marginals[var][:, pos], (part.shape[0],))
            out[start : start + part.shape[0], j] = np.where(ok, values, np.nan)
    return out


class FamilyTree:
    """The posterior of every factor's scope, for a batch of cases, on a compiled junction tree.

    Parameters
    ----------
    cards : sequence of int
        Cardinality of each variable (variables no scope mentions are left out).
    scopes : sequence of tuple of int
        One scope per factor (e.g. a node family), its variables in
        increasing order; none empty.
    heuristic : {"min-weight", "min-fill"}, default="min-weight"
        Triangulation heuristic of the :class:`~crampnet.engine.JunctionTree`.

    Notes
    -----
    The structure (cliques, tree, each factor's home clique) comes from the
    engine's :class:`~crampnet.engine.JunctionTree`; this class adds the
    passes that keep every clique's belief, and works out once every shape
    and axis they use, since EM runs them for many small trees, where numpy's
    per-call overhead, not arithmetic, is the cost. Cases sit on the last
    axis of every array, as in the engine.
    """

    def __init__(self, cards: Sequence[int], scopes: Sequence[tuple[int, ...]], heuristic: str = "min-weight") -> None:
        self.scopes = [tuple(s) for s in scopes]
        if any(list(s) != sorted(set(s)) or not s for s in self.scopes):
            msg = "FamilyTree scopes must be non-empty and in increasing order."
            raise ValueError(msg)
        # The tree needs only the scopes no other scope contains; each scope is
        # then read from (and its table multiplied into) a clique holding a
        # maximal scope that contains it.
        maximal: list[tuple[int, ...]] = []
        sets: list[frozenset[int]] = []
        cover = {}
        for scope in sorted(set(self.scopes), key=len, reverse=True):
            members = frozenset(scope)
            holder = next((k for k, other in enumerate(sets) if members <= other), None)
            if holder is None:
                holder = len(maximal)
                maximal.append(scope)
                sets.append(members)
            cover[scope] = holder
        self.tree = tree = JunctionTree(cards, [Factor(s, np.ones([cards[v] for v in s])) for s in maximal], heuristic)
        cards = tree.cards
        cl, sep = tree.cliques, tree.separator
        self.per_row = sum(tree.size(c) for c in range(len(cl)))

        def layout(scope: tuple[int, ...], clique: tuple[int, ...]) -> tuple[int, ...]:
            return (*(cards[v] if v in scope else 1 for v in clique), -1)

        def summed(clique: tuple[int, ...], keep: tuple[int, ...]) -> tuple[int, ...]:
            return tuple(i for i, v in enumerate(clique) if v not in keep)

        self._ones = [np.ones((*(cards[v] for v in clique), 1)) for clique in cl]
        self._upward = [(c, tree.children[c], summed(cl[c], sep[c]), layout(sep[c], cl[tree.parent[c]])) for c in reversed(tree.order[1:])]
        self._downward: list[tuple[int, list[tuple[int, tuple[int, ...], tuple[int, ...]]]]] = [(c, [(d, summed(cl[c], sep[d]), layout(sep[d], cl[d])) for d in tree.children[c]]) for c in tree.order]
        self._home: dict[int, tuple[int, tuple[int, ...]]] = {}
        for c in sorted(range(len(cl)), key=tree.size):
            for v in cl[c]:
                if v not in self._home:
                    self._home[v] = (c, layout((v,), cl[c]))
        homes = {scope: tree.factor_home[cover[scope]] for scope in cover}
        self._factor = [(homes[scope], layout(scope, cl[homes[scope]])) for scope in self.scopes]
        # Factors with the same scope share one posterior.
        unique = list(dict.fromkeys(self.scopes))
        self._marginal = [(homes[scope], summed(cl[homes[scope]], scope)) for scope in unique]
        self._which = [unique.index(scope) for scope in self.scopes]
        self._homes = {tree.root, *homes.values()}

    def families(self, tables: Sequence[np.ndarray], evidence: Mapping[int, np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
        """Per factor, P(scope | evidence) for each case, and whether the evidence is possible.

        Parameters
        ----------
        tables : sequence of numpy.ndarray
            Per factor, its table with the cases last: shape
            ``(*scope_shape, n)`` (``n`` may be 1 for a table shared by all).
        evidence : mapping of int to numpy.ndarray
            ``evidence[v]`` has shape ``(n, cards[v])``.

        Returns
        -------
        families : list of numpy.ndarray
            Per factor, shape ``(*scope_shape, n)``; NaN where the evidence of
            a case has probability zero.
        possible : numpy.ndarray
            Shape ``(n,)``: False where the evidence has probability zero.
        """
        psi = list(self._ones)
        for table, (c, shape) in zip(tables, self._factor, strict=True):
            psi[c] = psi[c] * table.reshape(shape)
        for v, vec in evidence.items():
            c, shape = self._home[v]
            psi[c] = psi[c] * vec.T.reshape(shape)
        up: dict[int, np.ndarray] = {}
        for c, kids, axes, shape in self._upward:
            belief = psi[c]
            for d in kids:
                belief = belief * up[d]
            up[c] = _scaled(belief.sum(axis=axes) if axes else belief).reshape(shape)
        beliefs: dict[int, np.ndarray] = {}
        down: dict[int, np.ndarray] = {}
        for c, sends in self._downward:
            prefix = [psi[c] * down[c] if c in down else psi[c]]
            for d, _, _ in sends:
                prefix.append(prefix[-1] * up[d])
            beliefs[c] = prefix[-1]
            after: np.ndarray | None = None
            for i in range(len(sends) - 1, -1, -1):
                d, axes, shape = sends[i]
                belief = prefix[i] if after is None else prefix[i] * after
                down[d] = _scaled(belief.sum(axis=axes) if axes else belief).reshape(shape)
                after = up[d] if after is None else after * up[d]
        totals = {c: beliefs[c].reshape(-1, beliefs[c].shape[-1]).sum(axis=0) for c in self._homes}
        possible = totals[self.tree.root] > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            unique = [(beliefs[c].sum(axis=axes) if axes else beliefs[c]) / totals[c] for c, axes in self._marginal]
        return [unique[k] for k in self._which], possible


def _scaled(message: np.ndarray) -> np.ndarray:
    """Divide each case's message by its largest entry (against underflow; posteriors are scale-free)."""
    peak = message.reshape(-1, message.shape[-1]).max(axis=0)
    peak[peak <= 0] = 1.0
    out: np.ndarray = message / peak
    return out
