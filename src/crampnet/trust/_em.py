"""The E-step of EM: expected family counts on small per-pattern junction trees.

EM's E-step needs, for every case and every fitted node X with parents Pa,
the posterior ``P(X, Pa | case)``. On the whole network that is slow: the
findings have six or seven condition parents, so the whole-network cliques
hold ~10^5 entries per case. Two exact reductions make the trees small.

**Hard evidence is sliced out.** A node observed at one state is not a
variable of the tree: every table it enters is indexed at that state (per
case), so the tree has only the nodes a case does not pin down, and a
family whose members are all observed is a constant (its count is 1).

**Barren nodes are dropped, with their counts.** A node that is neither
observed in a case nor an ancestor of a node observed in it is barren
there: it sums out to one, so dropping it changes no posterior. EM would
still give it the expected counts ``n(pa) * theta(x | pa)`` from those
cases, where ``n(pa) = sum over the cases of P(Pa = pa | case)``; here they are
left out. That leaves the EM fixed point unchanged: with ``alpha`` the prior
pseudo-counts and ``N_obs`` the (expected) counts from the cases where X is
not barren, EM's update is

    theta'(x | pa) = (alpha(x, pa) + N_obs(x, pa) + n(pa) theta(x | pa)) / (alpha(pa) + N_obs(pa) + n(pa)),

whose fixed points satisfy ``theta (alpha(pa) + N_obs(pa)) = alpha(x, pa) +
N_obs(x, pa)`` (the ``n(pa) theta`` terms cancel), which is exactly the fixed
point of the update without them, ``theta' = (alpha + N_obs) / (alpha(pa) +
N_obs(pa))``. No other node's counts change, since a barren node changes no
posterior. The iterations differ (without the barren cases X converges
faster), the tables EM settles on do not. The Dirichlet posterior of a
fitted table then counts only the cases that inform it: the cases where X
is barren add ``n(pa)`` pseudo-cases that only repeat the current estimate.

Where the compiled kernel runs (:func:`crampnet.inference._emkernel.ready`),
each case builds and runs its own tree inside it
(:func:`crampnet.inference._emkernel.family_counts`): with cells missing at
random nearly every case has a pattern of its own, and a tree compiled in
Python per pattern cost more than its pass (1,000 shipped-network cases
with every condition hidden: ~1,000 patterns). Otherwise, and for the few
cases the kernel flags as near underflow, cases are grouped by their
*pattern* (which nodes are observed, sliced, soft or barren); each group
gets its own junction tree (:class:`~crampnet.inference.engine.JunctionTree`,
one factor per sliced family), compiled once per fit, whose family
marginals (:meth:`~crampnet.inference.engine.JunctionTree.families`) give
the expected counts of the group's cases, their sliced tables run as one
batch. Both give the same counts to rounding.

Examples
--------
>>> import numpy as np
>>> from crampnet.trust._em import HARD, KEPT, EStep
>>> # Two binary nodes a -> b; tables[b][b, a]. Case 0 observes b = 0, case 1 sees a = 1, b = 0.
>>> tables = {"a": np.array([0.3, 0.7]), "b": np.array([[0.9, 0.2], [0.1, 0.8]])}
>>> status = np.array([[KEPT, HARD], [HARD, HARD]])
>>> codes = np.array([[-1, 0], [1, 0]])
>>> step = EStep(["a", "b"], [(), (0,)], [2, 2], status, codes, status > 0, {}, np.ones(2))
>>> counts, bad = step.counts(tables)
>>> np.round(counts["a"], 4).tolist()  # P(a | b = 0) = (0.27, 0.14) / 0.41, plus case 1
[0.6585, 1.3415]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from crampnet.inference import _emkernel
from crampnet.inference._emkernel import Families, family_counts
from crampnet.inference._emtables import TINY
from crampnet.inference.engine import Factor, JunctionTree

__all__ = ["BARREN", "HARD", "KEPT", "SOFT", "EStep"]

#: Status of a node in a case: barren (dropped), observed at one state
#: (sliced out), a variable of the tree with no evidence, or with soft evidence.
BARREN, HARD, KEPT, SOFT = 0, 1, 2, 3


@dataclass(frozen=True)
class _Slice:
    """One node's table in a group's tree: its observed axes indexed per case."""

    node: str
    #: The table's axes in tree order: free (sorted by variable), then observed.
    perm: tuple[int, ...]
    #: ``(..., *codes)``: the observed state of each case, per observed axis.
    index: tuple[Any, ...]
    #: The counts' axes: observed, then free; and for one case, its observed states.
    count_perm: tuple[int, ...] | None
    first: tuple[int, ...]
    codes: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class _Group:
    rows: np.ndarray
    tree: JunctionTree | None
    slices: list[_Slice]
    evidence: dict[int, np.ndarray]


class EStep:
    """Expected family counts of a set of cases, for any tables.

    Parameters
    ----------
    nodes : sequence of str
        Node ids, in topological order; variables are their positions.
    parents : sequence of tuple of int
        Per node, its parents' positions (a family is ``(node, *parents)``).
    cards : sequence of int
        Per node, its number of states.
    status : numpy.ndarray
        Shape ``(n_cases, n_nodes)``: :data:`BARREN`, :data:`HARD`,
        :data:`KEPT` or :data:`SOFT` per case and node. A node that is not
        barren must have no barren parent.
    codes : numpy.ndarray
        Shape ``(n_cases, n_nodes)``: the observed state where ``HARD``.
    count : numpy.ndarray
        Shape ``(n_cases, n_nodes)``, bool: whose family counts to gather
        from which case (never from a barren node).
    evidence : mapping of int to numpy.ndarray
        Per node with ``SOFT`` cases, ``(n_cases, card)`` likelihoods.
    weights : numpy.ndarray
        Shape ``(n_cases,)``: how many times each case counts.
    """

    def __init__(self, nodes: Sequence[str], parents: Sequence[tuple[int, ...]], cards: Sequence[int], status: np.ndarray, codes: np.ndarray, count: np.ndarray, evidence: Mapping[int, np.ndarray], weights: np.ndarray) -> None:
        self.nodes = list(nodes)
        self.families = [(j, *parents[j]) for j in range(len(nodes))]
        self.weights = np.asarray(weights, dtype=float)
        hard = status == HARD
        # Families all observed: constant, counted once here and checked each iteration.
        self.fixed: dict[str, np.ndarray] = {nid: np.zeros([cards[m] for m in family]) for nid, family in zip(self.nodes, self.families, strict=True)}
        self._checks: list[tuple[int, np.ndarray, tuple[np.ndarray, ...]]] = []
        for j, family in enumerate(self.families):
            rows = np.flatnonzero((status[:, j] != BARREN) & hard[:, list(family)].all(axis=1))
            if rows.size:
                index = tuple(codes[rows, m] for m in family)
                self._checks.append((j, rows, index))
                mine = count[rows, j]
                np.add.at(self.fixed[self.nodes[j]], tuple(i[mine] for i in index), self.weights[rows[mine]])
        # Nodes in each case's tree: not barren, and not all of the family observed.
        self._in_tree = (status != BARREN) & ~np.stack([hard[:, list(family)].all(axis=1) for family in self.families], axis=1)
        self._cases = (status, codes, count, cards, evidence)
        key = np.hstack([status, count.astype(status.dtype) * 4])
        patterns = np.unique(key, axis=0)
        # The compiled kernel builds each case's tree itself; numpy needs one compiled per pattern.
        self._families = Families(parents, cards) if _emkernel.ready(len(patterns)) else None
        self.groups = [] if self._families is not None else self._groups(np.arange(status.shape[0]))
        self._fallback: dict[tuple[int, ...], list[_Group]] = {}

    def _groups(self, cases: np.ndarray) -> list[_Group]:
        """The trees of ``cases`` (positions), one per status pattern, for the numpy pass."""
        status, codes, count, cards, evidence = self._cases
        key = np.hstack([status[cases], count[cases].astype(status.dtype) * 4])
        patterns, inverse = np.unique(key, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        by_group = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[by_group], np.arange(len(patterns) + 1))
        groups = []
        for g in range(len(patterns)):
            rows = cases[by_group[bounds[g] : bounds[g + 1]]]
            groups.append(self._group(rows, status[rows[0]].tolist(), codes, count[rows[0]].tolist(), cards, evidence))
        return groups

    def _group(self, rows: np.ndarray, status: list[int], codes: np.ndarray, count: list[bool], cards: Sequence[int], evidence: Mapping[int, np.ndarray]) -> _Group:
        """The tree and the sliced tables of the cases that share one status pattern."""
        slices, scopes = [], []
        for j in np.flatnonzero(self._in_tree[rows[0]]).tolist():
            family = self.families[j]
            observed = [i for i, m in enumerate(family) if status[m] == HARD]
            free = sorted((i for i, m in enumerate(family) if status[m] != HARD), key=lambda i: family[i])
            at = tuple(codes[rows, family[i]] for i in observed)
            index: tuple[Any, ...] = (Ellipsis, *at) if at else (Ellipsis, None)
            first = tuple(int(c[0]) for c in at)
            slices.append(_Slice(self.nodes[j], (*free, *observed), index, (*observed, *free) if count[j] else None, first, at))
            scopes.append(tuple(family[i] for i in free))
        tree = None
        if slices:
            # The factors' tables only give their shapes: each E-step passes the sliced tables.
            tree = JunctionTree(cards, [Factor(s, _ones(tuple(cards[v] for v in s))) for s in scopes], "min-weight")
            tree.prepare_families()  # part of the set-up, not of the first E-step
        soft = {m: np.asarray(evidence[m], dtype=float)[rows] for m, st in enumerate(status) if st == SOFT}
        return _Group(rows, tree, slices, soft)

    def counts(self, tables: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Expected counts per node under ``tables``, and the cases of probability zero.

        Parameters
        ----------
        tables : mapping of str to numpy.ndarray
            Every node's table by id, shape ``(card(node), *card(parents))``
            (the node's axis first, its parents in family order).

        Returns
        -------
        counts : dict of str to numpy.ndarray
            Per node, the weighted sum over the cases that count it of
            ``P(node, parents | case)``, shaped like its table.
        impossible : numpy.ndarray
            Positions of the cases whose evidence has probability zero, or
            whose tree sums below 1e-250 in floats (``_emtables.TINY``:
            entries of theirs may have underflowed; their
            contributions are not meaningful): sorted, without repeats,
            integer dtype, empty when every case is possible.
        """
        counts = {nid: c.copy() for nid, c in self.fixed.items()}
        bad = [rows[tables[self.nodes[j]][index] <= 0] for j, rows, index in self._checks]
        groups = self.groups
        if self._families is not None:
            status, codes, count, _, evidence = self._cases
            soft = {m: e for m, e in evidence.items() if (status[:, m] == SOFT).any()}
            found, flags = family_counts(self._families, [tables[nid] for nid in self.nodes], status, codes, count & self._in_tree, soft, self.weights)
            for nid, c in zip(self.nodes, found, strict=True):
                counts[nid] += c
            bad.append(np.flatnonzero(flags == 1))
            # Cases near underflow in the kernel run on numpy trees (built once per set of such cases).
            again = np.flatnonzero(flags == 2)
            if again.size:
                key = tuple(again.tolist())
                if key not in self._fallback:
                    self._fallback[key] = self._groups(again)
                groups = self._fallback[key]
        for group in groups:
            if group.tree is None:
                continue
            sliced = [tables[s.node].transpose(s.perm)[s.index] for s in group.slices]
            # A case whose tree sums below TINY (where the kernel too gives up) may
            # have lost entries to underflow, partly (its counts those of the
            # survivors): it is reported as one of probability zero is.
            families, possible = group.tree.families(sliced, group.evidence, floor=TINY)
            n = group.rows.size
            if not possible.all():
                bad.append(group.rows[~np.broadcast_to(possible, (n,))])
            w = self.weights[group.rows]
            for s, family in zip(group.slices, families, strict=True):
                if s.count_perm is None:
                    continue
                target = counts[s.node].transpose(s.count_perm)
                if n == 1:
                    target[s.first] += w[0] * family[..., 0]
                elif not s.codes:
                    target += family @ w if family.shape[-1] == n else family[..., 0] * w.sum()
                else:
                    np.add.at(target, s.codes, np.moveaxis(family, -1, 0) * w.reshape((-1,) + (1,) * (family.ndim - 1)))
        return counts, np.unique(np.concatenate(bad)) if bad else np.zeros(0, dtype=np.intp)


_ONES: dict[tuple[int, ...], np.ndarray] = {}


def _ones(shape: tuple[int, ...]) -> np.ndarray:
    """A read-only table of ones of ``shape``, shared (a tree's factors need only their shapes)."""
    table = _ONES.get(shape)
    if table is None:
        table = np.ones(shape)
        table.flags.writeable = False
        _ONES[shape] = table
    return table
