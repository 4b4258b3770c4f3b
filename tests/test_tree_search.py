"""The search for a smaller junction tree (``heuristic="search"`` of crampnet.inference._cliques) keeps every answer exact.

The kernel's Quickscore runs on a searched tree when its tree has more than
:data:`~crampnet.inference._cliques.SEARCH_ENTRIES` entries
(:meth:`~crampnet.inference._kerneltree.KernelTree.searched`). Checked here:
the searched tree is a valid junction tree, never larger than the greedy
one, the same in every build, and gives brute-force marginals; on the
shipped network, cases observing pain_location (whose Quickscore tree is
searched) match pgmpy in both engines.
"""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pandas as pd
import pytest

from crampnet.inference import _cliques
from crampnet.inference._cliques import CliqueTree, Factor
from crampnet.inference._triangulation import triangulate
from crampnet.inference.engine import JunctionTree

TOL = 1e-9


def _random_network(seed: int, n: int = 9) -> tuple[list[int], list[Factor]]:
    """A random DAG of ``n`` variables (cards 2-3, up to 3 parents each) with random tables."""
    rng = np.random.default_rng(seed)
    cards = [int(c) for c in rng.integers(2, 4, size=n)]
    factors = []
    for v in range(n):
        parents = sorted(rng.choice(v, size=min(v, int(rng.integers(0, 4))), replace=False).tolist()) if v else []
        table = rng.random([cards[v], *(cards[p] for p in parents)]) + 0.05
        factors.append(Factor((v, *parents), table / table.sum(axis=0, keepdims=True)))
    return cards, factors


def _brute(cards: list[int], factors: list[Factor], evidence: dict[int, np.ndarray], v: int) -> np.ndarray:
    """P(v | evidence) by summing the full joint."""
    joint = np.ones(cards)
    for f in factors:
        shape = [1] * len(cards)
        order = sorted(range(len(f.scope)), key=lambda i: f.scope[i])
        for i in order:
            shape[f.scope[i]] = cards[f.scope[i]]
        joint = joint * np.transpose(f.table, order).reshape(shape)
    for u, lam in evidence.items():
        shape = [1] * len(cards)
        shape[u] = cards[u]
        joint = joint * lam.reshape(shape)
    out = joint.sum(axis=tuple(a for a in range(len(cards)) if a != v))
    return np.asarray(out / out.sum())


def _is_junction_tree(tree: CliqueTree, factors: list[Factor]) -> bool:
    """Every factor inside a clique, and the cliques holding each variable connected in the tree."""
    sets = [set(c) for c in tree.cliques]
    if not all(any(set(f.scope) <= s for s in sets) for f in factors):
        return False
    for v in {u for f in factors for u in f.scope}:
        holding = {c for c, s in enumerate(sets) if v in s}
        # Connected: every holding clique but one has its parent holding v too.
        if sum(1 for c in holding if tree.parent.get(c) not in holding) != 1:
            return False
    return True


@pytest.mark.parametrize("seed", range(6))
def test_searched_trees_are_exact_valid_and_never_larger(seed):
    """Check that a searched tree's marginals equal brute force and that it is a valid junction tree no larger than the greedy one."""
    cards, factors = _random_network(seed)
    tree = JunctionTree(cards, factors, "search")
    assert _is_junction_tree(tree, factors)
    edges: dict[int, set[int]] = {v: set() for v in range(len(cards))}
    for f in factors:
        for a, b in itertools.combinations(f.scope, 2):
            edges[a].add(b)
            edges[b].add(a)
    greedy = sum(math.prod(cards[v] for v in c) for c in triangulate(cards, edges))
    assert tree.entries <= greedy
    rng = np.random.default_rng(seed + 100)
    evidence = {0: rng.random((1, cards[0])), len(cards) - 1: np.eye(cards[-1])[:1]}
    result = tree.marginals(evidence, list(range(len(cards))))
    for v in range(len(cards)):
        expected = _brute(cards, factors, {u: e[0] for u, e in evidence.items()}, v)
        np.testing.assert_allclose(result.marginals[v][0], expected, rtol=0, atol=1e-12)


def test_the_search_is_the_same_in_every_build(model):
    """Check that the searched tree of the shipped network's pain_location Quickscore tree is found again identically, and smaller than greedy."""
    compiled = model.compiled
    keep = compiled._always | {"pain_location"}
    ids = [nid for nid in compiled.ids if nid in keep]
    index = {nid: i for i, nid in enumerate(ids)}
    factors = [Factor((index[nid], *(index[p] for p in model.spec.nodes[nid].parents)), compiled.tables[nid]) for nid in ids]
    cards = [len(model.spec.nodes[nid].states) for nid in ids]
    first, second = CliqueTree(cards, factors, "search"), CliqueTree(cards, factors, "search")
    assert first.cliques == second.cliques
    assert _is_junction_tree(first, factors)
    edges: dict[int, set[int]] = {v: set() for v in range(len(cards))}
    for f in factors:
        for a, b in itertools.combinations(f.scope, 2):
            edges[a].add(b)
            edges[b].add(a)
    greedy = sum(math.prod(cards[v] for v in c) for c in triangulate(cards, edges, "min-weight"))
    assert greedy > _cliques.SEARCH_ENTRIES  # the kernel's Quickscore searches this tree
    assert first.entries < greedy
    tree = compiled.tree_for(frozenset({"pain_location"}))[0]
    assert tree.searched().cliques == first.cliques


@pytest.mark.parametrize("mode", ["always", "never"])
def test_cases_observing_pain_location_match_pgmpy(model, pgmpy_ve, monkeypatch, mode):
    """Check that a batch observing pain_location (its Quickscore tree is the searched one) matches pgmpy VE in either engine."""
    monkeypatch.setenv("CRAMPNET_JIT", mode)
    cases = [
        {"pain_location": "calf", "exertional_pain_relieved_by_rest": "yes", "age_group": "65_plus"},
        {"pain_location": "foot", "paresthesia": "yes", "diabetes": "yes", "urge_to_move": "no"},
        {"pain_location": "diffuse", "urge_to_move": "yes", "worse_evening": "yes", "relief_by_movement": "yes"},
        {"pain_location": "thigh", "back_pain": "yes", "straight_leg_raise": "positive", "sex": "male"},
    ]
    frame = pd.DataFrame(cases)
    got = model.posteriors(frame)
    for i, case in enumerate(cases):
        expected = pgmpy_ve(model.network, model.conditions, case)
        for c in model.conditions:
            assert abs(float(got.iloc[i][c]) - expected[c]) <= TOL, (i, c)


def _scored_one_by_one(cards: list[int], edges: dict[int, set[int]], rng: random.Random) -> list[tuple[int, ...]]:
    """The randomised min-fill of ``_noisy_min_fill`` written vertex by vertex on sets: the reference for the matrix version."""
    graph = {v: set(n) for v, n in edges.items()}
    cliques: list[frozenset[int]] = []
    while graph:

        def score(v: int) -> tuple[float, int, int]:
            nbrs = graph[v]
            d = len(nbrs)
            fill = d * (d - 1) // 2 - sum(len(graph[a] & nbrs) for a in nbrs) // 2
            return ((fill + 1) * (1.0 + rng.random()), math.prod(cards[u] for u in nbrs) * cards[v], v)

        v = min(score(u) for u in sorted(graph))[2]
        nbrs = graph.pop(v)
        for a, b in itertools.combinations(nbrs, 2):
            graph[a].add(b)
            graph[b].add(a)
        for u in nbrs:
            graph[u].discard(v)
        clique = frozenset(nbrs | {v})
        if not any(clique <= other for other in cliques):
            cliques = [c for c in cliques if not c < clique]
            cliques.append(clique)
    return [tuple(sorted(c)) for c in cliques]


@pytest.mark.parametrize("seed", range(40))
def test_matrix_min_fill_eliminates_as_the_set_version(seed):
    """Check that the randomised min-fill on the adjacency matrix gives the cliques of the vertex-by-vertex version, same random stream."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 45))
    cards = [int(c) for c in rng.integers(2, 5, size=n)]
    p = float(rng.uniform(0.05, 0.6))
    edges: dict[int, set[int]] = {v: set() for v in range(n)}
    for a, b in itertools.combinations(range(n), 2):
        if rng.random() < p:
            edges[a].add(b)
            edges[b].add(a)
    for trial in range(3):
        assert _cliques._noisy_min_fill(cards, edges, random.Random(trial)) == _scored_one_by_one(cards, edges, random.Random(trial))


@pytest.mark.parametrize("seed", range(12))
def test_min_fill_matrix_gives_min_fill_cliques(seed: int) -> None:
    """Check that min-fill scored on the adjacency matrix (tree_for's thorough try) triangulates exactly as min-fill does."""
    cards, factors = _random_network(seed, n=14)
    assert sorted(CliqueTree(cards, factors, "min-fill-matrix").cliques) == sorted(CliqueTree(cards, factors, "min-fill").cliques)


def test_min_fill_matrix_on_pruned_trees_of_the_shipped_network() -> None:
    """Check the same on pruned trees of the shipped network (random sets of kept findings)."""
    import crampnet

    net = crampnet.load().compiled
    rng = random.Random(3)
    for kept in [frozenset({"pain_location", "pedal_pulses"}), *(frozenset(rng.sample(net.findings, 5)) for _ in range(6))]:
        ids = [nid for nid in net.ids if nid in net._always | kept]
        index = {nid: i for i, nid in enumerate(ids)}
        cards = [len(net.spec.nodes[nid].states) for nid in ids]
        factors = [Factor((index[nid], *(index[p] for p in net.spec.nodes[nid].parents)), net.tables[nid]) for nid in ids]
        assert sorted(CliqueTree(cards, factors, "min-fill-matrix").cliques) == sorted(CliqueTree(cards, factors, "min-fill").cliques)
