"""The kernel's flat arrays of a tree (crampnet.inference._arrays.Structure): separator and state maps over the live entries."""

from __future__ import annotations

import numpy as np
import pytest

import crampnet
from crampnet.inference import _arrays
from crampnet.inference._arrays import Program, Structure, entry_map
from crampnet.inference.engine import Factor, JunctionTree


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


def _random_tree(seed: int) -> JunctionTree:
    """A random network of 12 variables (cards 2-4), parents among the earlier ones, with zeros in its tables (dead entries)."""
    rng = np.random.default_rng(seed)
    cards = [int(c) for c in rng.integers(2, 5, size=12)]
    factors = []
    for v in range(12):
        parents = sorted(int(p) for p in rng.choice(v, size=min(v, int(rng.integers(0, 4))), replace=False)) if v else []
        table = rng.random([cards[v], *(cards[p] for p in parents)])
        table[rng.random(table.shape) < 0.2] = 0.0
        factors.append(Factor((v, *parents), table / np.maximum(table.sum(axis=0, keepdims=True), 1e-300)))
    return JunctionTree(cards, factors)


def _check(tree: JunctionTree) -> None:
    """Compare every map of the tree's Structure and Program with one built from entry_map at the live entries."""
    structure = Structure(tree)
    for c, p in tree.parent.items():
        sep = tree.separator[c]
        own = structure.own[structure.eoff[c] : structure.eoff[c] + structure.size[c]]
        np.testing.assert_array_equal(own, structure.kept(c, entry_map(tree, c, sep)))
        pmap = structure.pmap[structure.poff[c] : structure.poff[c] + structure.size[p]]
        np.testing.assert_array_equal(pmap, structure.kept(p, entry_map(tree, p, sep)))
    for v, home in tree.home.items():
        got = structure.state_map(v)
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, structure.kept(home, entry_map(tree, home, [v])))
    variables = sorted(tree.home)
    program = Program(structure, variables, variables[:3])
    assert all(a.dtype == np.int64 for a in program.arrays() + structure.arrays())


@pytest.mark.parametrize("seed", range(6))
def test_maps_of_random_trees_with_dead_entries_match_entry_map(seed):
    """Check each separator map and state map against entry_map, read at the live entries, on random trees with zeros in their tables."""
    tree = _random_tree(seed)
    assert any(live is not None for live in tree.live_entries)
    _check(tree)


def test_maps_of_the_shipped_pruned_trees_match_entry_map(model):
    """Check the maps of the shipped network's pruned trees (care_setting's dead half everywhere) against entry_map, read at the live entries."""
    net = model.compiled
    for kept in (frozenset(), frozenset({"urge_to_move", "pain_location"}), frozenset({"pedal_pulses", "ankle_brachial_index"})):
        tree, _ = net.tree_for(kept)
        _check(tree)


def test_small_cliques_get_their_maps_from_one_table_of_states(model, monkeypatch):
    """Check that a Structure of a tree whose cliques are all within DIGITS_ENTRIES calls entry_map for none of them (one unravel per clique instead)."""
    tree, _ = model.compiled.tree_for(frozenset())
    assert tree.width <= _arrays.DIGITS_ENTRIES
    calls: list[int] = []
    original = _arrays.entry_map

    def counting(tree, clique, variables):
        calls.append(clique)
        return original(tree, clique, variables)

    monkeypatch.setattr(_arrays, "entry_map", counting)
    structure = Structure(tree)
    for v in tree.home:
        structure.state_map(v)
    assert calls == []
