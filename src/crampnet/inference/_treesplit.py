"""Which decomposable findings stay in a tree and which are expanded into Quickscore terms.

:func:`_narrowest` picks, among the findings every row of a batch observes
alike, those to keep in the tree (:func:`crampnet.inference._routing.shared_tree`,
:mod:`crampnet.inference._answers`); :func:`_hybrid` answers the rows whose
pruned tree is over the budget by expanding its largest families as terms
(:func:`crampnet.inference._routing.evaluate`). Only speed depends on the
first choice; the second makes such rows answerable at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import NetworkFileError
from crampnet.inference import _quickscore_path

if TYPE_CHECKING:
    from crampnet.inference.compiled import CompiledNetwork

__all__ = ["HYBRID_CAP"]

#: Most pseudo-cases per case when a pruned tree is over the budget and some
#: of its findings are expanded instead (:func:`_hybrid`).
HYBRID_CAP = 1 << 10


def _hybrid(net: CompiledNetwork, kept: frozenset[str], arrays: Mapping[str, np.ndarray], target: np.ndarray, out: np.ndarray, log_out: np.ndarray) -> None:
    """Answer rows whose pruned tree for ``kept`` is over the budget: some findings as terms, the rest in a tree.

    Decomposable findings are expanded largest family first (in the tree a
    family joins all its parents in one clique; as terms it doubles or
    triples the pseudo-cases) until the tree of the others fits the budget,
    with at most :data:`HYBRID_CAP` pseudo-cases per case. Exact like both
    paths; raises the budget error if no split fits or a sum is ill
    conditioned.
    """
    terms = net._terms
    size = {k: int(np.prod([len(net.spec.nodes[p].states) for p in net.spec.nodes[k].parents])) for k in kept}
    in_tree = set(kept)
    count = 1
    for k in sorted((k for k in kept if k in terms), key=lambda k: -size[k]):
        most = max(len(t.weights) for t in terms[k])
        if count * most > HYBRID_CAP:
            break
        count *= most
        in_tree.discard(k)
        try:
            net.tree_for(frozenset(in_tree))
        except NetworkFileError:
            continue
        break
    net.tree_for(frozenset(in_tree))  # raises the budget error (naming the limits) if no split fits
    done, post, log_ev = _quickscore_path.run_numpy(net, arrays, target.size, HYBRID_CAP, frozenset(in_tree))
    if done.size < target.size:
        net.tree_for(kept)  # an ill-conditioned sum: the budget error of the tree that would have been needed
    out[target[done]] = post
    log_out[target[done]] = log_ev


def _narrowest(net: CompiledNetwork, common: frozenset[str], spread: Mapping[str, int], fixed: frozenset[str] = frozenset()) -> frozenset[str]:
    """The findings of ``common`` to keep in the tree: fewest distinct pseudo-cases times the tree's entries.

    Every row observes the findings of ``common`` alike, so expanding one of
    them (``spread[k]`` terms) multiplies every row's pseudo-cases by
    ``spread[k]``, while keeping it may widen the tree many times over (on
    the shipped network, a PAD-like case's ``presenting_complaint`` takes
    the tree from ~23,000 to ~285,000 entries). Greedy: a finding widens
    the tree through its family, so the largest families are tried first,
    each dropped while that lowers ``pseudo-cases x entries``, up to the
    first that does not pay (each trial compiles a pruned tree, ~2 ms).
    Only speed depends on the choice. ``fixed``: the findings every row
    keeps in its tree whatever the choice (those that do not decompose).
    """

    def size(kept: frozenset[str]) -> float:
        try:
            return float(net.tree_for(kept | fixed)[0].entries)
        except NetworkFileError:
            return np.inf

    family = {k: math.prod(len(net.spec.nodes[p].states) for p in net.spec.nodes[k].parents) for k in common}
    best, factor, best_cost = common, 1, size(common)
    for k in sorted(common, key=lambda k: (-family[k], k)):
        cost = size(best - {k}) * factor * spread[k]
        if not cost < best_cost:
            break
        best, factor, best_cost = best - {k}, factor * spread[k], cost
    return best
