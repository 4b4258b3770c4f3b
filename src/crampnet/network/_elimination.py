"""Greedy eliminations of a moral graph: the cliques a network's junction tree would need, estimated.

The load-time budget (:func:`crampnet.network._budget.network_cost`) builds
the moral graph of a file's nodes and eliminates it greedily to estimate the
junction tree before the engine builds one: by min-weight
(:func:`eliminate_min_weight`, the vertex of the smallest clique first), and,
where that is over the limits on a small graph, by min-fill
(:func:`eliminate_min_fill`, the engine's own heuristic for the whole
network). Both stop at the first clique over
:data:`~crampnet.network._limits.MAX_CLIQUE`, or once the cliques together
pass :data:`~crampnet.network._limits.MAX_TREE`; both take the graph as a
list of neighbour sets, indexed as ``cards``.

Examples
--------
>>> from crampnet.network._elimination import eliminate_min_weight
>>> eliminate_min_weight([2, 3, 2], [{1}, {0, 2}, {1}])   # a chain: cliques of 6 and 6, then 2
(6, 14)
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Sequence

from crampnet.network._limits import MAX_CLIQUE, MAX_TREE

__all__ = ["eliminate_min_fill", "eliminate_min_weight"]


def eliminate_min_weight(cards: Sequence[int], graph: list[set[int]]) -> tuple[int, int]:
    """Largest clique and sum of cliques of a greedy min-weight elimination (``graph`` is consumed).

    The vertex of the smallest clique first (ties: fewer neighbours, then
    the lower index): the ``min-weight`` heuristic of
    :mod:`crampnet.inference._triangulation`. Weights are kept up to date
    edge by edge, so each step costs the square of a clique's variables; a
    clique over :data:`~crampnet.network._limits.MAX_CLIQUE`, or a sum over
    :data:`~crampnet.network._limits.MAX_TREE`, ends the elimination.

    Parameters
    ----------
    cards : sequence of int
        Each vertex's number of states.
    graph : list of set of int
        Each vertex's neighbours in the moral graph, by index into ``cards``;
        emptied as the vertices are eliminated.

    Returns
    -------
    tuple of (int, int)
        The entries of the largest clique and of all elimination cliques
        together (lower bounds, over the limit, where the elimination
        stopped early).
    """
    weight = [cards[v] * math.prod(cards[u] for u in graph[v]) for v in range(len(cards))]
    heap = [(weight[v], len(graph[v]), v) for v in range(len(cards))]
    heapq.heapify(heap)
    gone = [False] * len(cards)
    largest = total = 0
    while heap:
        w, degree, v = heapq.heappop(heap)
        if gone[v] or (w, degree) != (weight[v], len(graph[v])):
            continue  # a stale entry: v was rescored since
        largest, total = max(largest, w), total + w
        if w > MAX_CLIQUE or total > MAX_TREE:
            break
        gone[v] = True
        nbrs = graph[v]
        for u in nbrs:
            graph[u].discard(v)
            weight[u] //= cards[v]
        for a, b in itertools.combinations(nbrs, 2):
            if b not in graph[a]:
                graph[a].add(b)
                graph[b].add(a)
                weight[a] *= cards[b]
                weight[b] *= cards[a]
        for u in nbrs:
            heapq.heappush(heap, (weight[u], len(graph[u]), u))
    return largest, total


def eliminate_min_fill(cards: Sequence[int], graph: list[set[int]]) -> tuple[int, int]:
    """Largest clique and sum of cliques of a greedy min-fill elimination.

    The vertex adding fewest edges first (ties: smaller clique, then earlier
    in ``nodes``), as :func:`crampnet.inference._triangulation.triangulate`
    with ``"min-fill"``; a clique over :data:`MAX_CLIQUE` ends it. Each
    vertex's neighbours are a bit mask (an ``int``), so that counting the
    edges among them is an AND and a popcount per neighbour: this runs at
    every load of a network whose min-weight estimate is over the limits,
    the shipped one included. Scores are kept up to date, not recomputed
    around each step: only the eliminated vertex's neighbours gain or lose
    neighbours, so only they are scored anew; any other vertex keeps its
    neighbours and clique, and its fill drops by one for each fill edge
    joining two of its neighbours (scoring every neighbour's neighbour
    anew, as before, cost about 50 ms of the shipped network's cold start).

    Parameters
    ----------
    cards : sequence of int
        Each vertex's number of states.
    graph : list of set of int
        Each vertex's neighbours in the moral graph, by index into ``cards``
        (read, not changed).

    Returns
    -------
    tuple of (int, int)
        The entries of the largest clique and of all elimination cliques
        together (lower bounds, over the limit, where the elimination
        stopped early).
    """
    adjacency = [sum(1 << u for u in nbrs) for nbrs in graph]

    def members(mask: int) -> list[int]:
        out = []
        while mask:
            low = mask & -mask
            out.append(low.bit_length() - 1)
            mask ^= low
        return out

    def score(v: int) -> tuple[int, int, int]:
        nbrs = adjacency[v]
        members_v = members(nbrs)
        d = len(members_v)
        present = sum([(adjacency[a] & nbrs).bit_count() for a in members_v]) // 2
        return (d * (d - 1) // 2 - present, cards[v] * math.prod([cards[u] for u in members_v]), v)

    scores = {v: score(v) for v in range(len(cards))}
    largest = total = 0
    while scores:
        _, w, v = min(scores.values())
        largest, total = max(largest, w), total + w
        if w > MAX_CLIQUE or total > MAX_TREE:
            break
        del scores[v]
        nbrs = adjacency[v]
        adjacency[v] = 0
        outside = ~(nbrs | 1 << v)  # the vertices whose neighbours do not change
        around = members(nbrs)
        fill = [(a, b) for a in around for b in members(nbrs & ~adjacency[a] & -(2 << a))]  # the new edges, a < b
        for u in around:
            adjacency[u] = (adjacency[u] | nbrs) & ~(1 << u) & ~(1 << v)
        for a, b in fill:  # an outside vertex next to both ends gains an edge among its neighbours: one fill edge less
            for x in members(adjacency[a] & adjacency[b] & outside):
                fewer, weight, _ = scores[x]
                scores[x] = (fewer - 1, weight, x)
        for u in around:
            scores[u] = score(u)
    return largest, total
