"""The tree cache's bound on entries counts the smaller trees kept on its trees (session 50, h3)."""

from __future__ import annotations

import numpy as np
import pytest

import crampnet
from crampnet.inference import _treecache
from crampnet.inference._pruning import reduced
from crampnet.inference._treecache import TreeCache, held
from crampnet.inference.engine import Factor, JunctionTree


def chain() -> JunctionTree:
    """A prior, its child and a side variable only one clique holds (which ``reduced`` sums out)."""
    prior = Factor((0,), np.array([0.3, 0.7]))
    child = Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))
    side = Factor((2, 1), np.array([[0.5, 0.1], [0.5, 0.9]]))
    return JunctionTree([2, 2, 2], [prior, child, side])


def test_a_reduced_tree_counts_toward_the_bound_of_its_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check that a tree with a reduced tree on it holds both trees' entries, and the cache drops it when they pass the bound."""
    first, second = chain(), chain()
    small = reduced(first, frozenset({0, 1}), cases=10**9)
    assert small is not first and 0 < small.entries < first.entries
    assert held(first) == first.entries + small.entries and held(second) == second.entries
    monkeypatch.setattr(_treecache, "TREE_CACHE_ENTRIES", first.entries + second.entries)  # fits the two trees, not the reduced one beside them
    cache = TreeCache()
    assert cache.put(frozenset({"a"}), (first, {})) == []
    assert cache.put(frozenset({"b"}), (second, {})) == [frozenset({"a"})]
    assert list(cache) == [frozenset({"b"})]


def test_a_tree_counts_each_smaller_tree_once() -> None:
    """Check that a reduced tree kept under two keys, or a tree that is its own reduced or searched tree, counts once or not at all."""
    tree = chain()
    small = reduced(tree, frozenset({0, 1}), cases=10**9)
    tree._reduced[frozenset({0, 1, 2})] = small
    tree._reduced[frozenset({2})] = tree
    assert held(tree) == tree.entries + small.entries


def test_the_explanation_grids_reduced_tree_is_counted() -> None:
    """Check on the shipped network that the coalition grid of the benchmark's restless-legs case leaves a reduced tree its cached tree counts."""
    model = crampnet.load()
    case = {"age": 52, "sex": "female", "presenting_complaint": "restlessness", "urge_to_move": True, "uncomfortable_sensations": True,
            "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True, "visible_hard_contraction": False, "ferritin": 32}  # fmt: skip
    model.diagnose(case).explain("restless_legs_syndrome")
    trees = [tree for tree, _ in model.compiled._trees.values()]
    with_reduced = [tree for tree in trees if any(r is not tree for r in tree._reduced.values())]
    assert with_reduced
    assert all(held(tree) > tree.entries for tree in with_reduced)
