"""The compiled loops' block pass keeps no table of every clique per block (session 48, h3).

A block's cliques, potential times evidence for every live entry, took 8
bytes per entry and case (4.8 MB for 64 cases on the 9,377 live entries
of the explanation's tree on the README's case), more than a 1 MB cache,
written once and read twice per pass. The pass forms each clique's table
where it meets the clique instead; the marginals stay those of brute
force.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from crampnet.inference import _kernel, _kerneltree, _loops
from crampnet.inference._arrays import Program, Structure
from crampnet.inference.engine import Factor, JunctionTree


def _chain() -> tuple[JunctionTree, list[np.ndarray]]:
    """A five-variable tree: x0 -> x1 -> x2, x1 -> x3, (x2, x3) -> x4, with random tables."""
    rng = np.random.default_rng(7)
    cards = [2, 3, 2, 3, 2]

    def cpt(*shape: int) -> np.ndarray:
        t = rng.uniform(0.05, 1.0, shape)
        return t / t.sum(axis=0, keepdims=True)

    tables = [cpt(2), cpt(3, 2), cpt(2, 3), cpt(3, 3), cpt(2, 2, 3)]
    scopes = [(0,), (1, 0), (2, 1), (3, 1), (4, 2, 3)]
    return JunctionTree(cards, [Factor(s, t) for s, t in zip(scopes, tables, strict=True)]), [*zip(scopes, tables, strict=True)]  # type: ignore[list-item]


def _brute(cards: list[int], factors: list[tuple[tuple[int, ...], np.ndarray]], likelihood: dict[int, np.ndarray]) -> np.ndarray:
    """P(x0 | evidence) by summing the joint."""
    out = np.zeros(cards[0])
    for x in itertools.product(*[range(c) for c in cards]):
        p = 1.0
        for scope, table in factors:
            p *= float(table[tuple(x[v] for v in scope)])
        for v, vec in likelihood.items():
            p *= float(vec[x[v]])
        out[x[0]] += p
    return out / out.sum()


def test_block_pass_allocates_no_table_of_every_clique(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check that the marginals driver's buffers hold no (live entries x block) table, and its marginals are brute force's."""
    tree, factors = _chain()
    structure = Structure(tree)
    program = Program(structure, [4, 2], [0])
    rng = np.random.default_rng(3)
    ev4, ev2 = rng.uniform(0.0, 1.0, (5, 2)), rng.uniform(0.0, 1.0, (5, 2))
    shapes: list[tuple[int, ...]] = []
    real_empty = np.empty

    def recording_empty(shape: object, *args: object, **kwargs: object) -> np.ndarray:
        shapes.append(tuple(np.atleast_1d(shape).tolist()))  # type: ignore[arg-type]
        return real_empty(shape, *args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(_loops.np, "empty", recording_empty)
    marg, _, _ = _kerneltree.run_marginals(program, [ev4, ev2], numba=False)
    block = min(5, _kernel.BLOCK)
    assert shapes, "the driver allocated its work buffers elsewhere"
    assert (structure.entries, block) not in shapes, shapes
    for k in range(5):
        want = _brute(tree.cards, factors, {4: ev4[k], 2: ev2[k]})
        assert marg[0][k] == pytest.approx(want, rel=1e-12)
