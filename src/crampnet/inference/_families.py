"""Family marginals on a compiled junction tree: the expected counts of EM.

:class:`FamilyTree` is a thin layer over a compiled
:class:`~crampnet.inference.engine.JunctionTree` that returns, for a batch of cases,
the posterior of every factor's scope (a node family): the expected counts
of EM (see :mod:`crampnet.trust._em`). The engine returns marginals of single
variables only, so the layer runs its own collect and distribute passes
(the same Shafer-Shenoy scheme, cases on the last axis) and keeps every
clique's belief.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._families import FamilyTree
>>> tree = FamilyTree([2, 2], [(0,), (0, 1)])
>>> prior, child = np.array([0.3, 0.7]), np.array([[0.9, 0.2], [0.1, 0.8]])
>>> tables = [prior[:, None], child.T[:, :, None]]  # scope order, cases last
>>> families, possible = tree.families(tables, {1: np.array([[1.0, 0.0]])})
>>> families[1].shape
(2, 2, 1)
>>> round(float(families[1][0, 0, 0]), 4)  # P(x0=0, x1=0 | x1=0) = .27 / (.27 + .14)
0.6585
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from crampnet.inference.engine import Factor, JunctionTree

__all__ = ["FamilyTree"]


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
        Triangulation heuristic of the :class:`~crampnet.inference.engine.JunctionTree`.

    Notes
    -----
    The structure (cliques, tree, each factor's home clique) comes from the
    engine's :class:`~crampnet.inference.engine.JunctionTree`; this class adds the
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
