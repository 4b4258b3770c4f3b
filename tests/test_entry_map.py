"""entry_map, the clique-entry -> sub-table index map of the kernel's structures, against a grid reference.

The reference enumerates every entry's states with ``numpy.indices`` (the
form entry_map had until session 23) and folds the chosen variables' states
into a C-order index; entry_map now broadcasts one ``arange`` per variable.
"""

from __future__ import annotations

import types

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from crampnet.inference._arrays import entry_map


def reference(cliques: list[list[int]], cards: dict[int, int], clique: int, variables: list[int]) -> np.ndarray:
    """Each entry's index in the table over ``variables``, the first variable the slowest."""
    cl = cliques[clique]
    grids = np.indices([cards[v] for v in cl]).reshape(len(cl), -1) if cl else np.zeros((0, 1), dtype=np.int64)
    out = np.zeros(grids.shape[1], dtype=np.int64)
    for v in variables:
        out = out * cards[v] + grids[cl.index(v)]
    return out


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[list[int]], dict[int, int], list[int]]:
    cards = {v: draw(st.integers(1, 4)) for v in range(7)}
    clique = draw(st.lists(st.integers(0, 6), unique=True, max_size=6))
    variables = draw(st.permutations(clique).flatmap(lambda p: st.integers(0, len(p)).map(lambda k: list(p[:k]))))
    return [clique], cards, variables


@settings(max_examples=300, deadline=None)
@given(cases())
def test_entry_map_matches_the_grid_reference(case):
    """Check entry_map against the index grid for random cliques, cardinalities and variable orders."""
    cliques, cards, variables = case
    tree = types.SimpleNamespace(cliques=cliques, cards=cards)
    got = entry_map(tree, 0, variables)
    want = reference(cliques, cards, 0, variables)
    assert got.shape == want.shape
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)
    got[...] = 0  # a fresh array: writable, not a view of shared memory


def test_entry_map_of_the_empty_clique_is_one_entry():
    """Check that a clique with no variables has one entry, index 0."""
    tree = types.SimpleNamespace(cliques=[[]], cards={})
    np.testing.assert_array_equal(entry_map(tree, 0, []), np.zeros(1, dtype=np.int64))
