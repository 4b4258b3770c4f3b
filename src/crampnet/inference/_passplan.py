"""The shapes and axes of the numpy passes of :class:`crampnet.inference.engine.JunctionTree`.

A :class:`PassPlan` lays out the messages, evidence and query variables of
one pass (:mod:`crampnet.inference._numpypass`); a :class:`FamilyPlan` places
factor tables that change per call (EM's E-step) and reads each factor's
scope off its home clique's belief. Both are computed once per tree and
reused, since numpy's per-call overhead dominates on small trees.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._cliques import CliqueTree, Factor
>>> from crampnet.inference._passplan import FamilyPlan, PassPlan
>>> tree = CliqueTree([2, 2, 3], [Factor((0,), np.ones(2)), Factor((1, 0), np.ones((2, 2))), Factor((2, 1), np.ones((3, 2)))])
>>> tree.cliques, tree.root, tree.parent
([(0, 1), (1, 2)], 1, {0: 1})
>>> plan = PassPlan(tree, frozenset())
>>> plan.child_shape[0], plan.up_axes[0], plan.evidence_shape[2]
((2, 1, -1), (0,), (1, 3, -1))
>>> families = FamilyPlan(tree)
>>> [p.shape for p in families.potentials([np.ones((2, 1)), np.ones((2, 2, 1)), np.ones((3, 2, 1))])]
[(2, 2, 1), (2, 3, 1)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

if TYPE_CHECKING:
    from crampnet.inference._cliques import CliqueTree

__all__ = ["FamilyPlan", "PassPlan", "Step"]

#: One clique of a distribute pass (:meth:`PassPlan.schedule`).
Step = tuple[int, bool, tuple[int, ...], tuple[tuple[int, int, tuple[int, ...], tuple[int, ...]], ...]]


class PassPlan:
    """The shapes and axes of one pass, for one set of indexed-out variables.

    ``child_shape[d]`` lays clique ``d``'s separator (cases last) along its
    parent's axes, ``down_shape[d]`` along its own; ``up_axes[c]``/``down_axes[d]``
    are the axes summed to make a message; ``evidence_shape[v]`` and
    ``query_axes[v]`` place a variable in its home clique. ``collect`` and
    :meth:`schedule` lay out the two halves of a pass.
    """

    def __init__(self, tree: CliqueTree, fixed: frozenset[int], base: PassPlan | None = None) -> None:
        touched = {c for c, cl in enumerate(tree.cliques) if any(v in fixed for v in cl)}
        self.touched = sorted(touched)
        self.upward = list(reversed(tree.order[1:]))
        self.parent = tree.parent
        self.child_shape: dict[int, tuple[int, ...]] = {} if base is None else dict(base.child_shape)
        self.up_axes: dict[int, tuple[int, ...]] = {} if base is None else dict(base.up_axes)
        self.down_axes: dict[int, tuple[int, ...]] = {} if base is None else dict(base.down_axes)
        self.down_shape: dict[int, tuple[int, ...]] = {} if base is None else dict(base.down_shape)
        self.evidence_shape: dict[int, tuple[int, ...]] = {} if base is None else {v: s for v, s in base.evidence_shape.items() if v not in fixed}
        self.query_axes: dict[int, tuple[int, ...]] = {} if base is None else {v: a for v, a in base.query_axes.items() if v not in fixed}
        # Only the entries that involve a clique holding a fixed variable
        # differ from the plan with nothing fixed.
        redo = touched if base is not None else set(range(len(tree.cliques)))
        cliques: Mapping[int, tuple[int, ...]] | list[tuple[int, ...]] = tree.cliques
        if fixed:
            cliques = {c: tuple(v for v in tree.cliques[c] if v not in fixed) for c in redo | {tree.parent[c] for c in redo if c in tree.parent} | {d for c in redo for d in tree.children[c]}}
        for c, p in tree.parent.items():
            if c not in redo and p not in redo:
                continue
            sep = set(tree.separator[c]) - fixed
            self.child_shape[c] = (*(tree.cards[v] if v in sep else 1 for v in cliques[p]), -1)
            self.up_axes[c] = tuple(i for i, v in enumerate(cliques[c]) if v not in sep)
            self.down_axes[c] = tuple(i for i, v in enumerate(cliques[p]) if v not in sep)
            # The downward message into c is laid along c's own axes.
            self.down_shape[c] = (*(tree.cards[v] if v in sep else 1 for v in cliques[c]), -1)
        for v, h in tree.home.items():
            if h in redo and v not in fixed:
                self.evidence_shape[v] = (*(tree.cards[u] if u == v else 1 for u in cliques[h]), -1)
                self.query_axes[v] = tuple(i for i, u in enumerate(cliques[h]) if u != v)
        # The collect pass, leaves first: each clique, its children, the axes
        # summed into its message and the message's shape along its parent.
        self.collect = [(c, tuple(tree.children[c]), self.up_axes[c], self.child_shape[c]) for c in self.upward]
        # The tree's layout, not the tree: the tree caches its plans, and a
        # plan holding the tree would make a reference cycle that keeps an
        # evicted tree's tables alive until the cyclic garbage collector runs.
        self._order, self._children, self._root = tree.order, tree.children, tree.root
        self._schedules: dict[frozenset[int], list[Step]] = {}

    def schedule(self, wanted: set[int]) -> list[Step]:
        """The distribute pass towards the cliques in ``wanted`` (cached per set).

        Root first, the cliques on the paths from the root to ``wanted``, each
        as ``(clique, keep, children, sends)``: ``keep`` whether its belief
        is returned (``wanted`` and the root), and per child that needs a
        downward message ``(index among the children, child, axes summed,
        message shape)``, by decreasing index.

        Parameters
        ----------
        wanted : set of int
            The cliques whose beliefs the pass must return.

        Returns
        -------
        list of Step
            The steps in preorder: every clique that keeps its belief or
            sends a message down.
        """
        key = frozenset(wanted)
        steps = self._schedules.get(key)
        if steps is None:
            needed: set[int] = set()
            for c in wanted:
                while c in self.parent and c not in needed:
                    needed.add(c)
                    c = self.parent[c]
            steps = []
            for c in self._order:
                kids = tuple(self._children[c])
                sends = tuple((i, d, self.down_axes[d], self.down_shape[d]) for i, d in reversed(list(enumerate(kids))) if d in needed)
                keep = c in wanted or c == self._root
                if keep or sends:
                    steps.append((c, keep, kids, sends))
            if len(self._schedules) > 256:
                self._schedules.clear()
            self._schedules[key] = steps
        return steps


class FamilyPlan:
    """Where each factor's table enters a pass, and how its scope's posterior is read off.

    ``potentials(tables)`` multiplies per-call factor tables (cases last, in
    each factor's scope order) into all-ones clique tables; ``marginals(beliefs)``
    sums each factor's home-clique belief onto its scope and normalises it
    per case. Factors with the same scope share one posterior; ``homes``
    are the cliques whose beliefs a pass must keep.
    """

    def __init__(self, tree: CliqueTree) -> None:
        cards, cliques = tree.cards, tree.cliques
        covered: list[set[int]] = [set() for _ in cliques]
        for scope, home in zip(tree.scopes, tree.factor_home, strict=True):
            covered[home].update(scope)
        # Ones over the axes no factor of the clique covers (None: all covered),
        # so that the product of its factors has the clique's full shape.
        self._pad = [None if covered[c] == set(clique) else np.ones((*(1 if v in covered[c] else cards[v] for v in clique), 1)) for c, clique in enumerate(cliques)]
        self._place: list[tuple[int, tuple[int, ...] | None, tuple[int, ...]]] = []
        unique: dict[tuple[int, ...], int] = {}
        self._which: list[int] = []
        self._read: list[tuple[int, tuple[int, ...], tuple[int, ...] | None]] = []
        for scope, home in zip(tree.scopes, tree.factor_home, strict=True):
            clique = cliques[home]
            members = set(scope)
            # Clique order is increasing variable order: a factor whose scope is
            # not sorted is transposed in, and its posterior transposed back.
            order = None if tuple(sorted(scope)) == scope else sorted(range(len(scope)), key=scope.__getitem__)
            perm = None if order is None else (*order, len(scope))
            self._place.append((home, perm, (*(cards[v] if v in members else 1 for v in clique), -1)))
            if scope not in unique:
                unique[scope] = len(self._read)
                back = None if order is None else (*sorted(range(len(scope)), key=order.__getitem__), len(scope))
                self._read.append((home, tuple(i for i, v in enumerate(clique) if v not in members), back))
            self._which.append(unique[scope])
        self.homes = {tree.root, *tree.factor_home}

    def potentials(self, tables: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Clique tables, cases last: the product of each clique's factor tables ``(*scope_shape, n)``.

        Ones enter only for the axes that no factor of a clique covers (EM
        asks this of a thousand trees per iteration: all-ones clique tables
        took most of its set-up).

        Parameters
        ----------
        tables : sequence of numpy.ndarray
            Per factor of the tree (in its order), its table ``(*scope_shape, n)``.

        Returns
        -------
        list of numpy.ndarray
            Per clique, its potential with one axis per clique variable (in
            the clique's order; size 1 where no factor covers it and no pad
            is needed) and the cases last.
        """
        psi = list(self._pad)
        for table, (c, perm, shape) in zip(tables, self._place, strict=True):
            placed = (table if perm is None else table.transpose(perm)).reshape(shape)
            current = psi[c]
            psi[c] = placed if current is None else current * placed
        return cast("list[np.ndarray]", psi)  # a clique without a pad holds a factor on every axis

    def marginals(self, beliefs: dict[int, np.ndarray]) -> list[np.ndarray]:
        """Per factor, its scope's normalised posterior ``(*scope_shape, n)`` (NaN where a case has no mass).

        Parameters
        ----------
        beliefs : dict of int to numpy.ndarray
            Per clique (at least the :attr:`homes`), its belief with the cases last.

        Returns
        -------
        list of numpy.ndarray
            One per factor, in the tree's order (factors with one scope share the array).
        """
        totals = {c: beliefs[c].reshape(-1, beliefs[c].shape[-1]).sum(axis=0) for c in {c for c, _, _ in self._read}}
        out = []
        with np.errstate(invalid="ignore", divide="ignore"):
            for c, axes, back in self._read:
                marginal = (beliefs[c].sum(axis=axes) if axes else beliefs[c]) / totals[c]
                out.append(marginal if back is None else marginal.transpose(back))
        return [out[k] for k in self._which]
