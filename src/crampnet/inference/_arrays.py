"""A junction tree as the flat integer arrays that the compiled loops take.

A :class:`Structure` flattens a tree's cliques, messages and entry maps into
integer arrays once per tree; a :class:`Program` places the evidence and
query variables of a kind of call on it. :mod:`crampnet.inference._kernel`
passes both to the loops (:mod:`crampnet.inference._loops`); this module
needs neither numba nor the loops.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._arrays import Program, Structure, entry_map
>>> from crampnet.inference._cliques import CliqueTree, Factor
>>> tree = CliqueTree([2, 3], [Factor((0,), np.ones(2)), Factor((1, 0), np.ones((3, 2)))])
>>> tree.cliques, entry_map(tree, 0, [1]).tolist()  # the state of variable 1 at each entry of (x0, x1)
([(0, 1)], [0, 1, 2, 0, 1, 2])
>>> program = Program(Structure(tree), evidence=[1], query=[0])
>>> program.rows.tolist(), program.q_card.tolist()
([0, 3], [2])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from crampnet.inference._cliques import CliqueTree

__all__ = ["DIGITS_ENTRIES", "Program", "Structure", "entry_map", "unique_masks"]

#: Cliques of at most this many entries get their separator maps from one
#: table of every kept entry's states (``numpy.unravel_index``), made once;
#: larger ones by :func:`entry_map`'s broadcasts, whose cost does not grow
#: with the clique's variables. On the 21 pruned trees of the bench's five
#: clinical cases' diagnose + next_questions (4,608-49,152 entries in the
#: largest clique) a :class:`Structure` and a :class:`Program` of every
#: variable build in ~40% less time (paired, 34 to 21 ms each on a loaded
#: machine); the maps are the same.
DIGITS_ENTRIES = 8192


class Structure:
    """A tree's cliques, messages and entry maps as flat integer arrays (built once per tree).

    Only the entries that can carry mass are kept
    (:attr:`~crampnet.inference._cliques.CliqueTree.live_entries`): a clique's
    ``size`` counts its live entries, and every entry map runs over them in
    C order. The loops need no change. Factor tables given in place of the
    tree's own (:mod:`crampnet.inference._drawpass`) may run on it only if
    they have at least the zeros of the tree's; otherwise on a dense
    structure (``sparse=False``).

    Parameters
    ----------
    tree : CliqueTree
        The compiled tree (its potentials are used as they are).
    sparse : bool, default=True
        Keep only the live entries (False keeps every entry).
    """

    def __init__(self, tree: CliqueTree, *, sparse: bool = True) -> None:
        n = len(tree.cliques)
        self.tree = tree
        #: Per clique, the indices (C order) of its entries kept, or None for all.
        self.live: list[np.ndarray | None] = list(tree.live_entries) if sparse else [None] * n
        sizes = list(tree.live_sizes) if sparse else [tree.size(c) for c in range(n)]
        self.entries = sum(sizes)
        self.width = max(sizes, default=1)
        self.size = np.array(sizes, dtype=np.int64)
        self.eoff = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.potential = np.concatenate([self.kept(c, np.asarray(p, dtype=float).reshape(-1)) for c, p in enumerate(tree.potentials)]) if n else np.zeros(0)
        # Preorder (root first); the collect pass runs it backwards.
        self.order = np.array(tree.order, dtype=np.int64)
        parent = np.full(n, -1, dtype=np.int64)
        for c, p in tree.parent.items():
            parent[c] = p
        self.parent = parent
        # Per clique, its children (CSR).
        kids = [tree.children[c] for c in range(n)]
        self.ch_ptr = np.concatenate([[0], np.cumsum([len(k) for k in kids])]).astype(np.int64)
        self.ch_idx = np.array([d for k in kids for d in k], dtype=np.int64)
        # Per non-root clique: its separator's size and offset in the message
        # store, and two entry -> separator maps: over its own entries and
        # over its parent's.
        ssize = np.zeros(n, dtype=np.int64)
        soff = np.zeros(n, dtype=np.int64)
        own = np.zeros(self.entries, dtype=np.int64)
        pmaps: list[np.ndarray] = []
        poff = np.zeros(n, dtype=np.int64)
        total_sep = 0
        total_p = 0
        digits: dict[int, np.ndarray] = {}  # per clique, the states at its kept entries (freed after the loop)
        for c, p in tree.parent.items():
            sep = tree.separator[c]
            ssize[c] = math.prod(tree.cards[v] for v in sep)
            soff[c] = total_sep
            total_sep += int(ssize[c])
            own[self.eoff[c] : self.eoff[c] + sizes[c]] = self._map(c, sep, digits)
            poff[c] = total_p
            pmaps.append(self._map(p, sep, digits))
            total_p += sizes[p]
        self.ssize, self.soff, self.own, self.poff = ssize, soff, own, poff
        self.pmap = np.concatenate(pmaps).astype(np.int64) if pmaps else np.zeros(0, dtype=np.int64)
        self.messages = total_sep
        self._maps: dict[int, np.ndarray] = {}

    def state_map(self, v: int) -> np.ndarray:
        """For each entry of ``v``'s home clique, the state of ``v`` (cached).

        Parameters
        ----------
        v : int
            A variable of the tree.

        Returns
        -------
        numpy.ndarray
            int64, one state of ``v`` per live entry of its home clique (C order).
        """
        out = self._maps.get(v)
        if out is None:
            home = self.tree.home[v]
            cl = self.tree.cliques[home]
            shape = [self.tree.cards[u] for u in cl]
            axis = cl.index(v)
            live = self.live[home]
            flat = np.arange(math.prod(shape), dtype=np.int64) if live is None else live.astype(np.int64, copy=False)
            out = flat // math.prod(shape[axis + 1 :]) % shape[axis]
            self._maps[v] = out
        return out

    def _map(self, clique: int, variables: Sequence[int], digits: dict[int, np.ndarray]) -> np.ndarray:
        """``kept(clique, entry_map(tree, clique, variables))`` from the states at the clique's kept entries, ``digits[clique]`` (made once).

        Parameters
        ----------
        clique : int
            The clique's index.
        variables : sequence of int
            Variables of the clique, in the order of the target table's axes.
        digits : dict of int to numpy.ndarray
            Per clique, ``(variables, kept entries)``: each kept entry's
            state of each of its variables; filled here where missing.

        Returns
        -------
        numpy.ndarray
            int64, per kept entry (C order), its index in the table over ``variables``.
        """
        tree = self.tree
        cl = tree.cliques[clique]
        if not variables:
            return np.zeros(self.size[clique], dtype=np.int64)
        if tree.size(clique) > DIGITS_ENTRIES:  # a table of every state would cost more than the broadcasts
            return self.kept(clique, entry_map(tree, clique, variables))
        states = digits.get(clique)
        if states is None:
            shape = [tree.cards[v] for v in cl]
            live = self.live[clique]
            states = np.array(np.unravel_index(np.arange(math.prod(shape)) if live is None else live, shape))
            digits[clique] = states
        index: np.ndarray = np.ravel_multi_index(tuple(states[cl.index(v)] for v in variables), [tree.cards[v] for v in variables])
        return index.astype(np.int64, copy=False)

    def kept(self, clique: int, values: np.ndarray) -> np.ndarray:
        """``values`` (first axis over the clique's entries, C order) at the entries kept.

        Parameters
        ----------
        clique : int
            The clique's index.
        values : numpy.ndarray
            First axis over every entry of the clique, in C order.

        Returns
        -------
        numpy.ndarray
            ``values`` itself when the clique keeps every entry, else the rows
            at its live entries (a copy).
        """
        live = self.live[clique]
        return values if live is None else values[live]

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The tree's arrays in the kernel's argument order.

        Returns
        -------
        tuple of numpy.ndarray
            The int64 arrays ``(size, eoff, order, parent, ch_ptr, ch_idx,
            ssize, soff, own, poff, pmap)``.
        """
        return (self.size, self.eoff, self.order, self.parent, self.ch_ptr, self.ch_idx, self.ssize, self.soff, self.own, self.poff, self.pmap)


class Program:
    """A :class:`Structure` with its evidence and query variables placed.

    Parameters
    ----------
    structure : Structure
        The tree's arrays.
    evidence : sequence of int
        Variables that carry per-case likelihoods, in the order :func:`run` takes them.
    query : sequence of int
        Variables whose marginals are returned, in that order.
    """

    def __init__(self, structure: Structure, evidence: Sequence[int], query: Sequence[int]) -> None:
        self.structure = structure
        self.evidence = list(evidence)
        self.query = list(query)
        tree = structure.tree
        n = len(tree.cliques)
        # Evidence and query variables: home clique, entry -> state map, and
        # the row of their first state in the stacked input / output.
        self.ev_ptr, self.ev_map, self.ev_moff, self.ev_row, self.ev_states = _slots(structure, self.evidence, n)
        self.q_ptr, self.q_map, self.q_moff, self.q_row, self.q_states = _slots(structure, self.query, n)
        self.q_card = np.array([tree.cards[v] for v in self.query], dtype=np.int64)

        self.rows = np.concatenate([[0], np.cumsum([tree.cards[v] for v in self.evidence])]).astype(np.int64)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The evidence and query placement, in the kernel's argument order.

        Returns
        -------
        tuple of numpy.ndarray
            The int64 arrays ``(ev_ptr, ev_map, ev_moff, ev_row, ev_states,
            q_ptr, q_map, q_moff, q_row, q_states)``: for the evidence, then
            the query variables, CSR pointers by home clique, their entry ->
            state maps, the maps' offsets, first rows and state counts.
        """
        return (self.ev_ptr, self.ev_map, self.ev_moff, self.ev_row, self.ev_states, self.q_ptr, self.q_map, self.q_moff, self.q_row, self.q_states)


def entry_map(tree: CliqueTree, clique: int, variables: Sequence[int]) -> np.ndarray:
    """For each entry of ``clique`` (C order), its index in the table over ``variables``.

    Built by broadcasting one ``arange`` per variable along its axis (the
    last variable the fastest), so it allocates the result alone, not a grid
    of every variable's index over the clique.

    Parameters
    ----------
    tree : CliqueTree
        The tree.
    clique : int
        The clique's index.
    variables : sequence of int
        Variables of the clique, in the order of the target table's axes.

    Returns
    -------
    numpy.ndarray
        int64, of the clique's full size (every entry, not only the live ones).
    """
    cl = tree.cliques[clique]
    shape = [tree.cards[v] for v in cl]
    out = np.zeros([1] * len(cl), dtype=np.int64)
    step = 1
    for v in reversed(variables):
        axis = cl.index(v)
        view = [1] * len(cl)
        view[axis] = shape[axis]
        out = out + np.arange(shape[axis], dtype=np.int64).reshape(view) * step
        step *= tree.cards[v]
    return np.array(np.broadcast_to(out, shape)).reshape(-1)


def _slots(structure: Structure, variables: Sequence[int], n: int) -> tuple[np.ndarray, ...]:
    """CSR by home clique of ``variables``: pointers, entry maps, map offsets, first rows, states."""
    tree = structure.tree
    homes = [tree.home[v] for v in variables]
    order = sorted(range(len(variables)), key=lambda j: homes[j])
    counts = np.bincount(np.array(homes, dtype=np.int64), minlength=n) if variables else np.zeros(n, dtype=np.int64)
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    rows = np.concatenate([[0], np.cumsum([tree.cards[v] for v in variables])]).astype(np.int64)
    maps, moff, first, states = [], [], [], []
    at = 0
    for j in order:
        m = structure.state_map(variables[j])
        maps.append(m)
        moff.append(at)
        at += m.size
        first.append(rows[j])
        states.append(tree.cards[variables[j]])
    flat = np.concatenate(maps).astype(np.int64) if maps else np.zeros(0, dtype=np.int64)
    return ptr, flat, np.array(moff, dtype=np.int64), np.array(first, dtype=np.int64), np.array(states, dtype=np.int64)


def unique_masks(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(mask, axis=0, return_inverse=True)`` for a boolean matrix, via packed bits.

    Parameters
    ----------
    mask : numpy.ndarray
        Boolean, shape ``(rows, columns)``.

    Returns
    -------
    unique : numpy.ndarray
        Boolean, the distinct rows of ``mask`` (sorted by their packed bytes;
        one empty row when ``mask`` has no columns).
    inverse : numpy.ndarray
        intp, shape ``(rows,)``: each row's index in ``unique``.
    """
    if mask.shape[1] == 0:
        return np.zeros((1, 0), dtype=bool), np.zeros(mask.shape[0], dtype=np.intp)
    packed = np.packbits(mask, axis=1)
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return mask[first], inverse.reshape(-1)
