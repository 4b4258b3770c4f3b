"""The compiled structure of a junction tree: cliques, the tree joining them, where each factor lives.

:class:`CliqueTree` triangulates the interaction graph of a set of factors
(:mod:`crampnet.inference._triangulation`), joins the maximal cliques into a
tree by a maximum-weight spanning tree on separator sizes, roots it at its
largest clique and places each variable and each factor in the smallest
clique that holds it. It runs no pass: :class:`crampnet.inference.engine.JunctionTree`
adds the passes, and the pass plans (:mod:`crampnet.inference._passplan`) and the
kernel's flat arrays (:mod:`crampnet.inference._arrays`) read only this structure.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._cliques import CliqueTree, Factor
>>> prior = Factor((0,), np.array([0.3, 0.7]))
>>> child = Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))
>>> grand = Factor((2, 1), np.array([[0.5, 0.1], [0.5, 0.9]]))
>>> tree = CliqueTree([2, 2, 2], [prior, child, grand])
>>> tree.cliques, tree.factor_home, tree.width
([(0, 1), (1, 2)], [0, 0, 1], 4)
>>> np.round(tree.potentials[0], 4).tolist()  # P(x0) P(x1 | x0), axes x0, x1
[[0.27, 0.03], [0.14, 0.56]]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np

from crampnet.inference._triangulation import triangulate

__all__ = ["SEARCH_ENTRIES", "SEARCH_TRIES", "CliqueTree", "Factor"]

#: Trees with more entries than this are worth a search when many passes
#: will run on them (the kernel's Quickscore trees, :mod:`crampnet.inference._kerneltree`).
SEARCH_ENTRIES = 50_000
#: ``heuristic="search"``: both greedy heuristics and this many min-fill
#: orders with randomised scores (fixed seeds, so every process builds the
#: same tree); the fewest entries are kept. Measured on the shipped
#: network: the Quickscore tree of cases observing pain_location falls from
#: 94,412 entries (largest clique 36,864) to 61,900 (12,288), for ~0.2 s.
SEARCH_TRIES = 8


@dataclass(frozen=True)
class Factor:
    """A table over ``scope`` (variable indices, one axis each, in that order)."""

    scope: tuple[int, ...]
    table: np.ndarray


class CliqueTree:
    """The cliques of a triangulated network, joined into a rooted tree.

    Parameters
    ----------
    cards : sequence of int
        Cardinality of each variable ``0 .. len(cards) - 1``; variables that
        no factor mentions are left out.
    factors : sequence of Factor
        The factors whose product is the (unnormalised) joint distribution.
    heuristic : {"min-fill", "min-weight", "search", "min-fill-matrix"}, default="min-fill"
        The triangulation heuristic (min-weight compiles faster; search
        keeps the smallest of several orders, see :data:`SEARCH_TRIES`;
        min-fill-matrix is min-fill scored on the adjacency matrix, the same
        cliques in about half the time on trees of ~60 variables).

    Attributes
    ----------
    cards : list of int
        The cardinalities, as given.
    cliques : list of tuple of int
        Each clique's variables, in increasing order (its table's axes).
    root, parent, children, order, separator
        The tree: its root (the largest clique), each other clique's parent,
        each clique's children, the cliques in preorder (root first), and
        each non-root clique's separator with its parent (sorted).
    home : dict of int to int
        The smallest clique holding each variable (where its evidence enters).
    scopes, factor_home : list
        Each factor's scope, and the smallest clique holding it.
    entries : int
        Entries of all clique tables together.
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
        if heuristic == "min-fill-matrix":
            self.cliques = _noisy_min_fill(self.cards, edges, _NoNoise())
        elif heuristic == "search":
            import random  # only the search draws: every other tree is built without the module

            tries = [triangulate(self.cards, edges, h) for h in ("min-fill", "min-weight")]
            tries += [_noisy_min_fill(self.cards, edges, random.Random(seed)) for seed in range(SEARCH_TRIES)]
            self.cliques = min(tries, key=lambda cl: (_entries(self.cards, cl), max(math.prod(self.cards[v] for v in c) for c in cl)))
        else:
            self.cliques = triangulate(self.cards, edges, heuristic)
        self._sizes = [math.prod(self.cards[v] for v in cl) for cl in self.cliques]
        self._build_tree()
        # Smallest clique holding each variable / each factor's scope, found
        # through a variable -> cliques index rather than scanning every clique.
        holding: dict[int, set[int]] = {}
        for c, cl in enumerate(self.cliques):
            for v in cl:
                holding.setdefault(v, set()).add(c)
        self.home = {v: min(holding[v], key=self._sizes.__getitem__) for v in edges}
        self.scopes = [f.scope for f in factors]
        self.factor_home = [min(set.intersection(*(holding[v] for v in f.scope)), key=self._sizes.__getitem__) for f in factors]
        self.entries = sum(self._sizes)
        self._tables = [f.table for f in factors]
        #: Smaller trees for batches that observe and query only some variables (:func:`crampnet.inference._pruning.reduced`).
        self._reduced: dict[frozenset[int], CliqueTree] = {}

    @cached_property
    def potentials(self) -> list[np.ndarray]:
        """Each clique's table: the product of the factors placed in it (built at first use)."""
        return [p[0] for p in self.assemble([t[None] for t in self._tables])]

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
            to :meth:`crampnet.inference.engine.JunctionTree.marginals` to run
            with other parameters (e.g. Monte Carlo draws) on the same
            compiled structure.
        """
        n = max((t.shape[0] for t in tables), default=1)
        pots = [np.ones([1] + [self.cards[v] for v in cl]) for cl in self.cliques]
        for table, scope, home in zip(tables, self.scopes, self.factor_home, strict=True):
            expanded = self._expand(table[0] if table.shape[0] == 1 else table, scope, self.cliques[home], batch=table.shape[0] != 1)
            pots[home] = pots[home] * (expanded if table.shape[0] != 1 else expanded[None])
        return [np.broadcast_to(p, (n, *p.shape[1:])) if p.shape[0] != n else p for p in pots]

    @cached_property
    def live_entries(self) -> list[np.ndarray | None]:
        """Per clique, the entries (C order) that can carry mass: ``None`` where all can.

        An entry is dead where some factor whose scope lies inside the
        clique is zero at the entry's states: the joint distribution is the
        product of all factors, so every term of a pass through that entry
        is either zero already or multiplied by that zero before it reaches
        a belief or ``P(evidence)`` (a factor placed below the clique has its
        whole scope in the separator on the way up; one placed above meets
        the message there). Dropping dead entries is therefore exact. On the
        shipped network it halves most trees: ``care_setting`` is a root
        with all its mass on one state in every population.
        """
        zero = [(scope, table != 0) for scope, table in zip(self.scopes, self._tables, strict=True) if not np.all(table)]
        out: list[np.ndarray | None] = []
        for cl in self.cliques:
            members = set(cl)
            mask = np.ones([self.cards[v] for v in cl], dtype=bool)
            for scope, nonzero in zero:
                if members.issuperset(scope):
                    mask &= self._expand(nonzero, scope, cl)
            out.append(None if mask.all() else np.flatnonzero(mask))
        return out

    @cached_property
    def live_sizes(self) -> list[int]:
        """Per clique, how many of its entries are live (:attr:`live_entries`)."""
        return [self._sizes[c] if live is None else int(live.size) for c, live in enumerate(self.live_entries)]

    def size(self, clique: int) -> int:
        """Number of entries of a clique's table.

        Parameters
        ----------
        clique : int
            The clique's index.

        Returns
        -------
        int
            The product of its variables' cardinalities (live or not).
        """
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


def _entries(cards: Sequence[int], cliques: Sequence[tuple[int, ...]]) -> int:
    """Entries of all the cliques' tables together."""
    return sum(math.prod(cards[v] for v in cl) for cl in cliques)


class _Draws(Protocol):
    """What :func:`_noisy_min_fill` draws its noise from: a ``random.Random``, or :class:`_NoNoise`."""

    def random(self) -> float:
        """A float in [0, 1)."""


class _NoNoise:
    """Scores without noise: :func:`_noisy_min_fill` is then min-fill itself (the same cliques as :func:`~crampnet.inference._triangulation.triangulate`'s)."""

    def random(self) -> float:
        return 0.0


def _noisy_min_fill(cards: Sequence[int], edges: Mapping[int, set[int]], rng: _Draws) -> list[tuple[int, ...]]:
    """Maximal cliques of a greedy elimination by fill-in times a random factor in [1, 2) (ties: smaller table).

    Exact whatever the order (any elimination order triangulates); only
    the tree's size depends on it. The scores of every remaining vertex
    are computed at once on the adjacency matrix: the edges among ``v``'s
    neighbours are ``(A * (A @ A))[v].sum() / 2``. Each step draws one
    random factor per remaining vertex, in vertex order (3.4 times faster
    than scoring vertex by vertex in Python, with the same cliques: on the
    shipped network's largest Quickscore tree, 58 vertices, 17 ms against
    58 ms for :data:`SEARCH_TRIES` orders).
    """
    nodes = sorted(edges)
    place = {v: i for i, v in enumerate(nodes)}
    adj = np.zeros((len(nodes), len(nodes)))
    for v, nbrs in edges.items():
        for u in nbrs:
            adj[place[v], place[u]] = 1.0
    log_card = np.log(np.array([cards[v] for v in nodes], dtype=float))
    alive = np.arange(len(nodes))
    cliques: list[frozenset[int]] = []
    while alive.size:
        sub = adj[np.ix_(alive, alive)]
        degree = sub.sum(axis=1)
        fill = degree * (degree - 1) / 2 - (sub * (sub @ sub)).sum(axis=1) / 2
        first = (fill + 1) * (1.0 + np.array([rng.random() for _ in range(alive.size)]))
        weight = sub @ log_card[alive] + log_card[alive]  # log of the table the elimination makes
        k = int(np.lexsort((alive, weight, first))[0])
        v = int(alive[k])
        nbrs = alive[sub[k] > 0]
        adj[np.ix_(nbrs, nbrs)] = 1.0
        adj[nbrs, nbrs] = 0.0
        adj[v, :] = 0.0
        adj[:, v] = 0.0
        alive = np.delete(alive, k)
        clique = frozenset([nodes[i] for i in nbrs.tolist()] + [nodes[v]])
        if not any(clique <= other for other in cliques):
            cliques = [c for c in cliques if not c < clique]
            cliques.append(clique)
    return [tuple(sorted(c)) for c in cliques]
