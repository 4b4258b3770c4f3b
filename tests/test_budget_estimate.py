"""The load-time min-fill estimate on bit masks gives exactly what the set-based elimination gave.

``crampnet.network._budget._eliminate_min_fill`` runs at every load of the
shipped network (its min-weight estimate is over the clique limit). Session 41
rewrote it on bit masks (0.12 s to 0.05 s of a 0.5 s cold start); the limits a
file is refused at depend on its numbers, so they must not move. The reference
below is the set-based code it replaced (crampnet 70de765), kept here only to
compare against.
"""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from crampnet.network import _budget


def _reference(cards: list[int], graph: list[set[int]]) -> tuple[int, int]:
    """The set-based min-fill elimination of 70de765: fewest fill edges, then smaller clique, then lower index."""

    def score(v: int) -> tuple[int, int, int]:
        nbrs = graph[v]
        d = len(nbrs)
        present = sum(len(graph[a] & nbrs) for a in nbrs) // 2
        return (d * (d - 1) // 2 - present, cards[v] * math.prod(cards[u] for u in nbrs), v)

    scores = {v: score(v) for v in range(len(cards))}
    largest = total = 0
    while scores:
        _, w, v = min(scores.values())
        largest, total = max(largest, w), total + w
        if w > _budget.MAX_CLIQUE or total > _budget.MAX_TREE:
            break
        del scores[v]
        nbrs = graph[v]
        graph[v] = set()
        for a, b in itertools.combinations(nbrs, 2):
            graph[a].add(b)
            graph[b].add(a)
        affected = set(nbrs)
        for u in nbrs:
            graph[u].discard(v)
            affected |= graph[u]
        for u in affected:
            scores[u] = score(u)
    return largest, total


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_bit_masks_match_the_set_elimination(data):
    """Check equal largest clique and sum of cliques on random graphs of up to 24 vertices, limits reached or not."""
    n = data.draw(st.integers(1, 24))
    cards = data.draw(st.lists(st.integers(2, 6), min_size=n, max_size=n))
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    density = data.draw(st.floats(0.0, 1.0))
    chosen = [p for p in pairs if data.draw(st.floats(0.0, 1.0)) < density] if pairs else []
    graph: list[set[int]] = [set() for _ in range(n)]
    for a, b in chosen:
        graph[a].add(b)
        graph[b].add(a)
    assert _budget._eliminate_min_fill(cards, [set(g) for g in graph]) == _reference(cards, [set(g) for g in graph])


def test_the_shipped_network_gives_the_same_estimate(model):
    """Check the shipped network's moral graph in file order: the same (largest, total) both ways."""
    nodes = model.spec.nodes
    ids = list(nodes)
    index = {nid: i for i, nid in enumerate(ids)}
    cards = [len(nodes[nid].states) for nid in ids]
    graph: list[set[int]] = [set() for _ in ids]
    for nid in ids:
        family = [index[nid], *(index[p] for p in nodes[nid].parents)]
        for a, b in itertools.combinations(family, 2):
            graph[a].add(b)
            graph[b].add(a)
    fast = _budget._eliminate_min_fill(cards, [set(g) for g in graph])
    assert fast == _reference(cards, [set(g) for g in graph])
    assert fast[0] <= _budget.MAX_CLIQUE  # the min-fill estimate is what lets the shipped network load
