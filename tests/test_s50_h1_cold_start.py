"""The cold start of ``crampnet diagnose``: work that loading and the command do not need is not done.

Timing tests would be flaky on a shared machine; these count work instead
(Python-level calls, modules imported in a fresh process), so each fails
when the cost comes back.
"""

from __future__ import annotations

import itertools
import sys

from crampnet.network import _elimination


def _moral_graph(model) -> tuple[list[int], list[set[int]]]:  # type: ignore[no-untyped-def]
    """The shipped network's moral graph, in file order, as ``network_cost`` builds it."""
    nodes = model.spec.nodes
    ids = list(nodes)
    index = {nid: i for i, nid in enumerate(ids)}
    cards = [len(nodes[nid].states) for nid in ids]
    graph: list[set[int]] = [set() for _ in ids]
    for nid in ids:
        for a, b in itertools.combinations([index[nid], *(index[p] for p in nodes[nid].parents)], 2):
            graph[a].add(b)
            graph[b].add(a)
    return cards, graph


def test_min_fill_estimate_rescores_only_what_changed(model):
    """Check the load-time min-fill estimate of the shipped network stays cheap: few Python calls, same answer.

    Rescoring every neighbour's neighbour after each elimination made about
    230,000 Python-level calls (a tenth of a second of each cold start on a
    busy machine); keeping the scores up to date makes about 7,000.
    """
    cards, graph = _moral_graph(model)
    calls = 0

    def count(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        result = _elimination.eliminate_min_fill(cards, graph)
    finally:
        sys.setprofile(None)
    assert calls < 30_000
    assert result[0] <= _elimination.MAX_CLIQUE  # the estimate that lets the shipped network load
