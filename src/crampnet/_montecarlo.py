"""Run many parameter sets, or many cases, through a pruned junction tree.

Two helpers for the uncertainty, sensitivity and learning modules:

- :func:`batch_posteriors` gives the posteriors of one case under each row
  of a batch of parameter vectors. It runs on the sub-network that matters
  for the query: nodes that are neither observed nor ancestors of an
  observed or queried node are barren (their tables sum to one and drop
  out), so they are pruned exactly. The sub-network reuses the compiled
  network's engine factors (including its noisy-OR/MAX factorisation); the
  pruned :class:`~crampnet.engine.JunctionTree` is compiled once per model
  and set of observed nodes, and its clique potentials are rebuilt in one
  batched :meth:`~crampnet.engine.JunctionTree.assemble` per chunk of draws.
- :class:`FamilyTree` is a junction tree over whole families (one factor
  per node and its parents, no factorisation) that returns the posterior
  of every family for each case: the expected counts of EM.

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
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet._parameters import parameter_space
from crampnet.engine import Factor, JunctionTree

if TYPE_CHECKING:
    from crampnet.model import Model

__all__ = ["CHUNK_ENTRIES", "FamilyTree", "batch_posteriors", "engine_factors", "relevant_nodes"]

#: Bound on clique-table entries times rows held at once.
CHUNK_ENTRIES = 1_000_000


def relevant_nodes(model: Model, keep: Sequence[str]) -> list[str]:
    """``keep`` and all their ancestors, in the network's topological order."""
    spec = model.spec
    wanted = set(keep)
    for nid in reversed(spec.order):
        if nid in wanted:
            wanted.update(spec.nodes[nid].parents)
    return [nid for nid in spec.order if nid in wanted]


def engine_factors(compiled: Any, tables: Mapping[str, np.ndarray]) -> tuple[list[tuple[int, ...]], list[np.ndarray]]:
    """The compiled network's engine factors (scopes, batched tables) for node tables.

    Uses the network's own conversion when it factors some nodes
    (``factor_tables``/``scopes``); otherwise one factor per node and its parents.
    """
    convert = getattr(compiled, "factor_tables", None)
    if convert is not None and hasattr(compiled, "scopes"):
        return [tuple(s) for s in compiled.scopes], list(convert(tables))
    scopes = [(compiled.index[nid], *(compiled.index[p] for p in compiled.spec.nodes[nid].parents)) for nid in compiled.ids]
    return scopes, [tables[nid] for nid in compiled.ids]


class _Pruned:
    """The engine factors of a set of nodes, renumbered, and their junction tree."""

    def __init__(self, model: Model, nodes: list[str]) -> None:
        compiled = model.compiled
        n_nodes = len(compiled.ids)
        owner_of_aux = {aux: nid for nid, aux in getattr(compiled, "aux", {}).items()}
        keep = set(nodes)
        self.positions: list[int] = []
        scopes: list[tuple[int, ...]] = []
        all_scopes, factors = engine_factors(compiled, {nid: t[None] for nid, t in compiled.tables.items()})
        for pos, scope in enumerate(all_scopes):
            owner = compiled.ids[scope[0]] if scope[0] < n_nodes else owner_of_aux[scope[0]]
            if owner in keep:
                self.positions.append(pos)
                scopes.append(tuple(scope))
        used = sorted({v for scope in scopes for v in scope})
        self.var = {v: i for i, v in enumerate(used)}
        cards = [compiled.tree.cards[v] for v in used]
        self.tree = JunctionTree(cards, [Factor(tuple(self.var[v] for v in s), factors[p][0]) for p, s in zip(self.positions, scopes, strict=True)])
        self.nodes = frozenset(nodes)
        self.fixed = {nid: t[None] for nid, t in compiled.tables.items() if nid not in keep}
        self.per_row = sum(self.tree.size(c) for c in range(len(self.tree.cliques)))


@lru_cache(maxsize=64)
def _pruned(model: Model, observed: frozenset[str]) -> _Pruned:
    return _Pruned(model, relevant_nodes(model, [*observed, *model.compiled.conditions]))


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
    pruned = _pruned(model, frozenset(vectors))
    space = parameter_space(model)
    evidence = {pruned.var[compiled.index[nid]]: np.asarray(v, dtype=float).reshape(1, -1) for nid, v in vectors.items()}
    targets = [pruned.var[compiled.index[q]] for q in query]
    chunk = max(1, CHUNK_ENTRIES // max(1, pruned.per_row))
    out = np.empty((theta.shape[0], len(query)))
    for start in range(0, theta.shape[0], chunk):
        part = theta[start : start + chunk]
        _, factors = engine_factors(compiled, {**pruned.fixed, **space.tables(part, pruned.nodes)})
        pots = pruned.tree.assemble([factors[p] for p in pruned.positions])
        with np.errstate(invalid="ignore", divide="ignore"):
            result = pruned.tree.marginals(evidence, targets, potentials=pots)
        ok = np.isfinite(result.log_evidence)
        for j, (var, pos) in enumerate(zip(targets, present, strict=True)):
            values = np.broadcast_to(result.marginals[var][:, pos], (part.shape[0],))
            out[start : start + part.shape[0], j] = np.where(np.broadcast_to(ok, (part.shape[0],)), values, np.nan)
    return out


class FamilyTree:
    """A junction tree with one factor per node family, answering family posteriors.

    Parameters
    ----------
    cards : sequence of int
        Cardinality of each variable.
    scopes : sequence of tuple of int
        Per node, ``(node, *parents)``.
    tables : sequence of numpy.ndarray
        The nodes' tables (unbatched), in ``scopes`` order.
    """

    def __init__(self, cards: Sequence[int], scopes: Sequence[tuple[int, ...]], tables: Sequence[np.ndarray]) -> None:
        self.tree = JunctionTree(cards, [Factor(s, t) for s, t in zip(scopes, tables, strict=True)])
        self.scopes = list(scopes)
        tree = self.tree
        self.home = {v: min((c for c, cl in enumerate(tree.cliques) if v in cl), key=tree.size) for v in range(len(tree.cards))}
        self.per_row = sum(tree.size(c) for c in range(len(tree.cliques)))

    def potentials(self, tables: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Clique potentials for new (unbatched) tables."""
        return self.tree.assemble([np.asarray(t)[None] for t in tables])

    def families(self, evidence: Mapping[int, np.ndarray], potentials: Sequence[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
        """Per node, P(node, parents | evidence) for each case, and log P(evidence).

        ``evidence[v]`` has shape ``(n, cards[v])``. Families come back with
        shape ``(n, *family_shape)`` in scope order; where the evidence of a
        case is impossible they are NaN and its log-evidence is ``-inf``.
        Internally the cases sit on the last axis, so numpy's inner loops
        run over the batch.
        """
        tree, cards = self.tree, self.tree.cards
        n = max([e.shape[0] for e in evidence.values()] + [1])
        psi = []
        for c, clique in enumerate(tree.cliques):
            pot = np.moveaxis(potentials[c], 0, -1)
            for v, vec in evidence.items():
                if self.home[v] == c:
                    pot = pot * _lift(np.asarray(vec, dtype=float).T, (v,), clique, cards)
            psi.append(pot)
        log_scale = np.zeros(n)
        up: dict[int, np.ndarray] = {}
        for c in reversed(tree.order[1:]):
            belief = psi[c]
            for d in tree.children[c]:
                belief = belief * _lift(up[d], tree.separator[d], tree.cliques[c], cards)
            up[c], log_scale = _scaled(_sum_to(belief, tree.cliques[c], tree.separator[c]), log_scale)
        down: dict[int, np.ndarray] = {}
        beliefs: dict[int, np.ndarray] = {}
        for c in tree.order:
            clique = tree.cliques[c]
            parts = [_lift(down[c], tree.separator[c], clique, cards)] if c in down else []
            kids = {d: _lift(up[d], tree.separator[d], clique, cards) for d in tree.children[c]}
            full = psi[c]
            for m in parts + list(kids.values()):
                full = full * m
            beliefs[c] = full
            for d in tree.children[c]:
                msg = psi[c]
                for m in parts + [m for e, m in kids.items() if e != d]:
                    msg = msg * m
                down[d], _ = _scaled(_sum_to(msg, clique, tree.separator[d]), np.zeros(n))
        root = beliefs[tree.root]
        total = np.broadcast_to(root.reshape(-1, root.shape[-1]).sum(axis=0), (n,))
        with np.errstate(divide="ignore"):
            log_evidence = np.where(total > 0, np.log(np.where(total > 0, total, 1.0)) + log_scale, -np.inf)
        out = []
        for f, scope in enumerate(self.scopes):
            c = tree.factor_home[f]
            table = _sum_to(beliefs[c], tree.cliques[c], tuple(sorted(scope)))
            order = sorted(range(len(scope)), key=lambda i: scope[i])
            table = np.moveaxis(table, -1, 0)
            table = np.broadcast_to(np.transpose(table, [0, *(1 + order.index(i) for i in range(len(scope)))]), (n, *(cards[v] for v in scope)))
            sums = table.reshape(n, -1).sum(axis=1).reshape([n] + [1] * len(scope))
            with np.errstate(invalid="ignore", divide="ignore"):
                out.append(np.where(sums > 0, table / np.where(sums > 0, sums, 1.0), np.nan))
        return out, log_evidence


def _lift(message: np.ndarray, scope: tuple[int, ...], clique: tuple[int, ...], cards: Sequence[int]) -> np.ndarray:
    """A message over sorted ``scope`` (cases last) reshaped to broadcast over ``clique``."""
    return message.reshape([cards[v] if v in scope else 1 for v in clique] + [message.shape[-1]])


def _sum_to(array: np.ndarray, clique: tuple[int, ...], keep: tuple[int, ...]) -> np.ndarray:
    axes = tuple(i for i, v in enumerate(clique) if v not in keep)
    return array.sum(axis=axes) if axes else array


def _scaled(message: np.ndarray, log_scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    last = message.shape[-1]
    peak = np.abs(message.reshape(-1, last)).max(axis=0)
    safe = np.where(peak > 0, peak, 1.0)
    return message / safe, log_scale + np.log(safe)
