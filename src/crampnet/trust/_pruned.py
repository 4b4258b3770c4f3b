"""A case's pruned sub-network and its junction tree, compiled once per set of kept nodes.

:func:`relevant_nodes` is the sub-network that matters for a query (the
kept nodes and their ancestors: the others are barren and drop out
exactly); :class:`Pruned` puts one factor per node family on it, plus the
factors of the signed noisy-OR findings, and compiles its junction tree;
:func:`pruned` caches it per model and set of kept nodes. Used by
:mod:`crampnet.trust._montecarlo` and (``relevant_nodes``) :mod:`crampnet.trust._learning`.

Examples
--------
>>> import crampnet
>>> from crampnet.trust._pruned import pruned
>>> model = crampnet.load()
>>> tree = pruned(model, frozenset({"urge_to_move"}))
>>> "urge_to_move" in tree.nodes and set(model.conditions) <= tree.nodes
True
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np

from crampnet.inference.engine import Factor, JunctionTree

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["Pruned", "absorbable", "pruned", "relevant_nodes"]

def relevant_nodes(model: BaseModel, keep: Sequence[str]) -> list[str]:
    """``keep`` and all their ancestors, in the network's topological order.

    Parameters
    ----------
    model : BaseModel
        The model whose network is pruned.
    keep : sequence of str
        The node ids to keep (repeats allowed).

    Returns
    -------
    list of str
        The ids of ``keep`` and of every ancestor of theirs, each once, in
        the order of ``model.spec.order``.
    """
    spec = model.spec
    wanted = set(keep)
    for nid in reversed(spec.order):
        if nid in wanted:
            wanted.update(spec.nodes[nid].parents)
    return [nid for nid in spec.order if nid in wanted]


class Pruned:
    """One factor per node family over a set of nodes, and its junction tree.

    Each finding of ``signed`` (a noisy-OR observed at its positive state,
    itself not among ``nodes``) adds a binary variable ``t`` and one factor
    ``g_i(t, x_i)`` per parent: ``g_i(0, .) = 1``, ``g_i(1, .) = q_i`` (the
    first parent's also times ``-(1 - leak)``), so that summing ``t`` out
    gives ``1 - (1 - leak) prod_i q_i(x_i) = P(yes | x)``. The finding's
    parents are then joined through ``t`` rather than all to each other
    (Diez and Galan's factorisation of noisy-OR/MAX, 2003).

    Each node of ``absorbed`` (an observed node of ``nodes`` with parents
    and without children there) is summed out at once: its factor is
    ``sum_x lik(x) P(x | parents)``, over its parents only, and its
    variable is not in the tree (:meth:`factor_tables` forms it per draw).
    Such a tree runs in the compiled kernel only.

    The tree is triangulated both ways (min-fill and min-weight) and the one
    with fewer clique entries is kept: it is compiled once per evidence
    pattern and then runs for every chunk of draws.
    """

    def __init__(self, model: BaseModel, nodes: list[str], signed: Sequence[str] = (), absorbed: Sequence[str] = ()) -> None:
        spec, tables = model.spec, model.compiled.tables
        self._tables = tables
        self.nodes = frozenset(nodes)
        self.order = list(nodes)
        self.signed = list(signed)
        self.absorbed = frozenset(absorbed)
        self.var = {nid: i for i, nid in enumerate(nodes)}
        cards = [len(spec.nodes[nid].states) for nid in nodes]
        scopes = [(*(() if nid in self.absorbed else (self.var[nid],)), *(self.var[p] for p in spec.nodes[nid].parents)) for nid in nodes]
        # An absorbed factor's zeros depend on the evidence: none are assumed (all ones here).
        factors = [Factor(scope, np.ones(tables[nid].shape[1:]) if nid in self.absorbed else tables[nid]) for scope, nid in zip(scopes, nodes, strict=True)]
        for nid in self.signed:
            t = len(cards)
            cards.append(2)
            for parent in spec.nodes[nid].parents:
                scopes.append((t, self.var[parent]))
                factors.append(Factor(scopes[-1], np.ones((2, cards[self.var[parent]]))))
        trees = [JunctionTree(cards, factors, heuristic) for heuristic in ("min-fill", "min-weight")]
        self.tree = tree = min(trees, key=lambda t: sum(t.size(c) for c in range(len(t.cliques))))
        self.per_row = sum(tree.size(c) for c in range(len(tree.cliques)))
        self._zeros = [(nid, tables[nid] == 0) for nid in nodes if not np.all(tables[nid])]
        self._ones = [np.ones((*(cards[v] for v in clique), 1)) for clique in tree.cliques]
        self._place = []
        for scope, home in zip(scopes, tree.factor_home, strict=True):
            clique = tree.cliques[home]
            axes = sorted(range(len(scope)), key=lambda i: scope[i])
            self._place.append((home, (*(1 + i for i in axes), 0), (*(cards[v] if v in scope else 1 for v in clique), -1)))

    def potentials(self, tables: Mapping[str, np.ndarray], signed: Sequence[np.ndarray] = ()) -> list[np.ndarray]:
        """Clique potentials for batched node tables, as :meth:`~crampnet.inference.engine.JunctionTree.assemble` gives.

        ``signed`` holds the ``(batch, 2, card)`` tables of the signed
        findings' factors, finding by finding and parent by parent. Built with
        the batch axis last and contiguous (the engine runs with the cases
        last) and returned as views with the batch axis first.

        Parameters
        ----------
        tables : mapping of str to numpy.ndarray
            Per node of the tree (at least), its batched table, shape
            ``(batch, card(node), *card(parents))``.
        signed : sequence of numpy.ndarray, default=()
            The signed findings' factor tables, shape ``(batch, 2, card)``
            each, as many as the tree has signed factors.

        Returns
        -------
        list of numpy.ndarray
            One float potential per clique of :attr:`tree`, in its order,
            shape ``(batch, *cards of the clique's variables)`` (``batch`` is
            1 for a clique that holds no factor).
        """
        pots = list(self._ones)
        for table, (home, axes, shape) in zip([*(tables[nid] for nid in self.order), *signed], self._place, strict=True):
            pots[home] = pots[home] * table.transpose(axes).reshape(shape)
        return [np.moveaxis(p, -1, 0) for p in pots]

    def log_potentials(self, tables: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        """The logs of :meth:`potentials` (no signed findings), summed from the tables' logs so that nothing underflows, batch axis last.

        Parameters
        ----------
        tables : mapping of str to numpy.ndarray
            Per node of the tree (at least), its batched table, shape
            ``(batch, card(node), *card(parents))``.

        Returns
        -------
        list of numpy.ndarray
            One log potential per clique of :attr:`tree`, in its order,
            shape ``(*cards of the clique's variables, batch)`` (``batch`` is
            1 for a clique that holds no factor), ``-inf`` at zeros.

        Raises
        ------
        ValueError
            If the tree has signed findings or absorbed nodes.
        """
        if self.signed or self.absorbed:
            msg = "a tree with signed findings or absorbed nodes has factors that are not node tables"
            raise ValueError(msg)
        pots = [np.zeros(p.shape) for p in self._ones]
        with np.errstate(divide="ignore"):
            for nid, (home, axes, shape) in zip(self.order, self._place, strict=True):
                pots[home] = pots[home] + np.log(tables[nid].transpose(axes).reshape(shape))
        return pots

    def factor_tables(self, tables: Mapping[str, np.ndarray], kept: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        """Batched node ``tables`` in the order of the tree's factors (for :func:`~crampnet.inference._drawpass.draw_marginals`; no signed findings).

        An absorbed node's table is summed against its evidence vector in
        ``kept`` (``(1, card)`` or ``(batch, card)``): its row where that
        vector is one state's indicator.

        Parameters
        ----------
        tables : mapping of str to numpy.ndarray
            Per node of the tree (at least), its batched table, shape
            ``(batch, card(node), *card(parents))``.
        kept : mapping of str to numpy.ndarray
            The evidence vectors of the kept nodes, those of the absorbed
            nodes among them.

        Returns
        -------
        list of numpy.ndarray
            One table per node, in :attr:`order`: the node's own table, or
            for an absorbed node its table summed against its evidence, shape
            ``(batch, *card(parents))``.

        Raises
        ------
        ValueError
            If the tree has signed findings.
        """
        if self.signed:
            msg = "a tree with signed findings has factors that are not node tables"
            raise ValueError(msg)
        return [_absorb(tables[nid], kept[nid]) if nid in self.absorbed else tables[nid] for nid in self.order]

    @cached_property
    def table_entries(self) -> int:
        """Entries of the node tables per row (a draw's tables, before any is summed out)."""
        return sum(int(self._tables[nid].size) for nid in self.order)

    @cached_property
    def live_per_row(self) -> int:
        """Clique entries per row that the compiled pass keeps (see :meth:`zeros_kept`)."""
        return sum(self.tree.live_sizes)

    def zeros_kept(self, tables: Mapping[str, np.ndarray]) -> bool:
        """Whether batched node ``tables`` are zero wherever the model's own tables are.

        Then the tree's dead entries (:attr:`~crampnet.inference._cliques.CliqueTree.live_entries`,
        found from the model's tables) are dead in every row, and the
        compiled pass may leave them out (``sparse=True`` in
        :func:`~crampnet.inference._drawpass.draw_marginals`).

        Parameters
        ----------
        tables : mapping of str to numpy.ndarray
            Per node of the tree (at least), its batched table, shape
            ``(batch, card(node), *card(parents))``.

        Returns
        -------
        bool
            True if, in every row of the batch, each entry that is zero in
            the model's own table is zero in ``tables`` too.
        """
        return not any(tables[nid][:, zero].any() for nid, zero in self._zeros)

    def evidence(self, kept: Mapping[str, np.ndarray], likelihoods: Mapping[str, list[np.ndarray]]) -> dict[int, np.ndarray]:
        """Engine evidence: ``kept`` vectors and per-draw likelihood vectors, multiplied per variable.

        Parameters
        ----------
        kept : mapping of str to numpy.ndarray
            The evidence vector of each kept node, shape ``(1, card)`` or
            ``(batch, card)``; those of absorbed nodes are left out (their
            factors hold them).
        likelihoods : mapping of str to list of numpy.ndarray
            Per node of the tree, per-draw likelihood vectors on it, shape
            ``(batch, card)`` each (those of summed-out noisy-OR findings).

        Returns
        -------
        dict of int to numpy.ndarray
            Per variable of the tree (a node's position in :attr:`order`),
            the product of its vectors, shape ``(1, card)`` or ``(batch, card)``.
        """
        out = {self.var[nid]: v for nid, v in kept.items() if nid not in self.absorbed}
        for parent, vectors in likelihoods.items():
            var = self.var[parent]
            for vec in vectors:
                out[var] = out[var] * vec if var in out else vec
        return out


def _absorb(table: np.ndarray, lik: np.ndarray) -> np.ndarray:
    """``sum_x lik[:, x] * table[:, x, ...]`` for a batched ``(batch, card, *parents)`` table."""
    lik = np.asarray(lik, dtype=float).reshape(-1, table.shape[1])
    if lik.shape[0] == 1 and np.count_nonzero(lik) == 1 and lik.max() == 1.0:
        return table[:, int(np.argmax(lik[0]))]  # the observed state's row
    out: np.ndarray = np.einsum("bk...,bk->b...", table, np.broadcast_to(lik, table.shape[:2]))
    return out


def absorbable(model: BaseModel, keep: frozenset[str], observed: Collection[str]) -> frozenset[str]:
    """The ``observed`` nodes that :func:`pruned` of ``keep`` may absorb: with parents, and no children in its nodes.

    Parameters
    ----------
    model : BaseModel
        The model.
    keep : frozenset of str
        The nodes kept in the tree (its other nodes are the conditions and
        the ancestors of both).
    observed : collection of str
        The nodes with evidence.

    Returns
    -------
    frozenset of str
        The nodes of ``observed`` that are in ``keep``, have parents, and
        are no parent of a node of the tree.
    """
    spec = model.spec
    nodes = relevant_nodes(model, [*sorted(keep), *model.compiled.conditions])
    parents = {p for nid in nodes for p in spec.nodes[nid].parents}
    return frozenset(nid for nid in observed if nid in keep and spec.nodes[nid].parents and nid not in parents)


@lru_cache(maxsize=64)
def pruned(model: BaseModel, keep: frozenset[str], signed: frozenset[str] = frozenset(), absorbed: frozenset[str] = frozenset()) -> Pruned:
    """The :class:`Pruned` tree of ``keep``, the conditions and their ancestors, with ``signed`` findings and ``absorbed`` nodes (cached)."""
    return Pruned(model, relevant_nodes(model, [*sorted(keep), *model.compiled.conditions]), sorted(signed), sorted(absorbed))
