"""Junction-tree passes in the compiled kernel where every case has factor tables of its own.

Monte Carlo over parameters (:mod:`crampnet.trust._montecarlo`) runs one
case under many parameter draws: every draw has its own node tables. The
kernel's draws loop (:mod:`crampnet.inference._drawloops`) takes them as
they are, one input row per table entry and one column per draw (a block
of draws at a time), and forms each clique entry's value from them where
it is needed, so no clique potential is ever stored. A clique's small
tables are multiplied together first (:data:`GROUP_ENTRIES`). On the
1.35M-entry tree of a case with every finding observed (658,420 live
entries once its findings are summed out), a draw takes 3-4 ms of CPU;
assembling its potentials and streaming them through the passes of
:mod:`crampnet.inference._loops` took about 19 ms. The numbers are those
of the numpy pass to rounding (and the same whatever the number of
threads).

Tables must be non-negative (the kernel's rescaling and Hugin's division
assume it): signed Quickscore trees stay in numpy. With ``sparse=True``
the tree's dead entries are left out, as the kernel's other passes do;
that is exact while the draws keep the zeros of the tree's own tables.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._cliques import Factor
>>> from crampnet.inference._drawpass import draw_marginals
>>> from crampnet.inference.engine import JunctionTree
>>> tree = JunctionTree([2, 2], [Factor((0,), np.array([0.3, 0.7])), Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))])
>>> priors = np.array([[0.3, 0.7], [0.5, 0.5]])  # two draws of the prior of variable 0
>>> tables = [priors, np.array([[[0.9, 0.2], [0.1, 0.8]]])]  # the second table shared by both draws
>>> marg, log_ev, flagged = draw_marginals(tree, tables, {1: np.array([[1.0, 0.0]])}, [0], numba=False)
>>> np.round(marg[0][:, 0], 4).tolist(), np.round(np.exp(log_ev), 4).tolist()
([0.6585, 0.8182], [0.41, 0.55])
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache, partial

import numpy as np

from crampnet.inference import _kernel, _pool
from crampnet.inference._arrays import Program, Structure, entry_map
from crampnet.inference._kerneltree import THREAD_ENTRIES, KernelTree, _threads

__all__ = ["DRAW_BLOCK", "GROUP_ENTRIES", "THREAD_ENTRIES", "draw_marginals"]

#: Draws per block of the draws loop. Its messages (157,904 separator rows
#: on the every-finding tree) are kept for a block at a time; 32 and 64 ran
#: alike there (~6 ms of CPU per draw), 8 and 16 slower.
DRAW_BLOCK = 32


@lru_cache(maxsize=16)
def _structure(tree: KernelTree, sparse: bool) -> Structure:
    return Structure(tree, sparse=sparse)


#: A clique's slots are multiplied together ahead of the loop (in numpy, per
#: draw) while the table over their joint scope has at most this many
#: entries, or an eighth of the clique's (live) entries if fewer: each
#: product saves the loop a pass over the clique's entries, for a few
#: thousand numbers per draw. On the every-finding tree the 11 slots of its
#: second-largest clique (196,608 live entries) become 3.
GROUP_ENTRIES = 16_384

#: How one input block is made: ``(members, scope)``, each member
#: ``(source, its scope)`` with source ``i < n_factors`` the tree's factor
#: ``i`` and ``n_factors + j`` the ``j``-th evidence variable; a product of
#: several members is laid out in C order over ``scope`` (sorted variables).
Recipe = tuple[tuple[tuple[tuple[int, tuple[int, ...]], ...], tuple[int, ...]], ...]


def _groups(tree: KernelTree, items: list[tuple[int, tuple[int, ...]]], cap: int) -> list[list[tuple[int, tuple[int, ...]]]]:
    """Greedy merging of a clique's slots: the pair with the smallest joint table first, while it has at most ``cap`` entries or no more than its larger member."""
    groups = [[item] for item in items]
    scopes = [set(scope) for _, scope in items]

    def size(vs: set[int]) -> int:
        return math.prod(tree.cards[v] for v in vs)

    while True:
        best = None
        for i, j in itertools.combinations(range(len(groups)), 2):
            joint = size(scopes[i] | scopes[j])
            if joint <= max(cap, size(scopes[i]), size(scopes[j])) and (best is None or joint < best[0]):
                best = (joint, i, j)
        if best is None:
            return groups
        _, i, j = best
        groups[i] += groups.pop(j)
        scopes[i] |= scopes.pop(j)


@lru_cache(maxsize=64)
def _placed(tree: KernelTree, rows: tuple[int, ...], query: tuple[int, ...], sparse: bool) -> tuple[Program, tuple[np.ndarray, ...], Recipe]:
    """The query placement, the slots (CSR by clique) and how their input rows are made.

    A factor's slot is in its home clique, an evidence variable's in its
    own home; the slots of a clique are grouped (:data:`GROUP_ENTRIES`)
    and each group becomes one slot, mapping every entry to its row of the
    group's table.
    """
    structure = _structure(tree, sparse)
    program = Program(structure, [], query)
    n_factors = len(tree.scopes)
    by_clique: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
    for i, (scope, home) in enumerate(zip(tree.scopes, tree.factor_home, strict=True)):
        by_clique.setdefault(home, []).append((i, tuple(scope)))
    for j, v in enumerate(rows):
        by_clique.setdefault(tree.home[v], []).append((n_factors + j, (v,)))
    slots = []  # (clique, entry map, first input row)
    recipe = []
    at = 0
    for c in sorted(by_clique):
        for group in _groups(tree, by_clique[c], min(GROUP_ENTRIES, structure.size[c] // 8)):
            scope = group[0][1] if len(group) == 1 else tuple(sorted({v for _, sc in group for v in sc}))
            slots.append((c, structure.kept(c, entry_map(tree, c, scope)), at))
            recipe.append((tuple(group), scope))
            at += math.prod(tree.cards[v] for v in scope)
    counts = np.bincount(np.array([s[0] for s in slots], dtype=np.int64), minlength=len(tree.cliques))
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    maps = np.concatenate([s[1] for s in slots]).astype(np.int64) if slots else np.zeros(0, dtype=np.int64)
    moff = np.concatenate([[0], np.cumsum([s[1].size for s in slots])[:-1]]).astype(np.int64)
    first = np.array([s[2] for s in slots], dtype=np.int64)
    return program, (ptr, maps, moff, first), tuple(recipe)


def _block(tree: KernelTree, members: tuple[tuple[int, tuple[int, ...]], ...], scope: tuple[int, ...], sources: Sequence[np.ndarray]) -> np.ndarray:
    """One input block, ``(cases or 1, entries)``: a source as it is, or the product of several over ``scope``."""
    if len(members) == 1:
        alone = sources[members[0][0]]
        return alone.reshape(alone.shape[0], -1)
    out: np.ndarray | None = None
    for source, own in members:
        table = sources[source]
        axes = sorted(range(len(own)), key=lambda i: scope.index(own[i]))
        shaped = table.transpose(0, *(1 + i for i in axes)).reshape(table.shape[0], *(tree.cards[v] if v in own else 1 for v in scope))
        out = shaped if out is None else out * shaped
    assert out is not None
    full = np.broadcast_to(out, (out.shape[0], *(tree.cards[v] for v in scope)))
    return full.reshape(out.shape[0], -1)


def draw_marginals(
    tree: KernelTree, tables: Sequence[np.ndarray], evidence: Mapping[int, np.ndarray], query: Sequence[int], *, numba: bool = True,
    sparse: bool = False,
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:  # fmt: skip
    """Normalised marginals of ``query`` and log P(evidence) per case, each case with its own factor tables.

    Parameters
    ----------
    tree : KernelTree
        The compiled tree (a :class:`~crampnet.inference.engine.JunctionTree`).
    tables : sequence of numpy.ndarray
        Per factor of the tree (in the order of its ``scopes``),
        ``(n_cases, *factor_shape)`` or ``(1, *factor_shape)`` non-negative
        tables, as :meth:`~crampnet.inference._cliques.CliqueTree.assemble` takes.
    evidence : mapping of int to numpy.ndarray
        ``(n_cases, card)`` or ``(1, card)`` likelihoods per observed variable.
    query : sequence of int
        Variables whose marginals are returned.
    numba : bool, default=True
        Run compiled (False runs the same loops as plain Python: for tests).
    sparse : bool, default=False
        Leave out the tree's dead entries
        (:attr:`~crampnet.inference._cliques.CliqueTree.live_entries`). Exact
        only when the tables are zero wherever the tree's own factors are
        (as parameter draws keep them: see :meth:`crampnet.trust._pruned.Pruned.zeros_kept`).

    Returns
    -------
    marginals : list of numpy.ndarray
        Per query variable, ``(n_cases, card)``; NaN where the evidence is impossible.
    log_evidence : numpy.ndarray
        ``log P(evidence)`` per case, ``-inf`` where impossible.
    flagged : numpy.ndarray
        Cases whose messages came near underflow
        (:data:`crampnet.inference._loops.TINY_MESSAGE`): run them another way.
    """
    n = max([t.shape[0] for t in tables] + [e.shape[0] for e in evidence.values()])
    rows = tuple(sorted(evidence))
    program, slots, recipe = _placed(tree, rows, tuple(query), sparse)
    structure = program.structure
    sources = [*tables, *(np.asarray(evidence[v], dtype=float) for v in rows)]
    n_rows = sum(math.prod(tree.cards[v] for v in scope) for _, scope in recipe)
    q_rows = int(program.q_card.sum())
    out = np.zeros((q_rows, n))
    log_ev = np.zeros(n)
    flags = np.zeros(n, dtype=np.int64)
    driver = _kernel.draw_driver(numba)
    placement = program.arrays()[5:]

    def part(a: int, b: int) -> None:
        size = min(b - a, DRAW_BLOCK)
        blocks_of = -(-(b - a) // size)
        # A row per table entry and evidence state, a column per case, a block of cases at a time.
        inp = np.ones((blocks_of, n_rows, size))
        at = 0
        mine = [t if t.shape[0] == 1 else t[a:b] for t in sources]
        for members, scope in recipe:
            block = _block(tree, members, scope, mine)
            k = block.shape[1]
            if block.shape[0] == 1:
                inp[:, at : at + k] = block.T
            else:
                full = (b - a) // size
                inp[:full, at : at + k] = block[: full * size].reshape(full, size, k).transpose(0, 2, 1)
                if full < blocks_of:
                    inp[full, at : at + k, : block.shape[0] - full * size] = block[full * size :].T
            at += k
        res = np.zeros((q_rows, b - a))
        driver(structure.arrays(), slots, placement, inp, res, log_ev[a:b], flags[a:b], structure.messages)
        out[:, a:b] = res

    parts = max(1, min(_threads(), n)) if numba and n * structure.entries >= THREAD_ENTRIES else 1
    bounds = np.linspace(0, n, parts + 1).astype(int).tolist()
    _pool.run([partial(part, a, b) for a, b in itertools.pairwise(bounds)])  # one range: on this thread
    marginals, at = [], 0
    for card in program.q_card.tolist():
        marginals.append(out[at : at + card].T)
        at += card
    return marginals, log_ev, flags.astype(bool)
