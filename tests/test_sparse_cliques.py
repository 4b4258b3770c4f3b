"""Dead clique entries left out of the compiled passes (``CliqueTree.live_entries``), against enumeration.

An entry of a clique is dead where a factor whose scope lies inside the
clique is zero at the entry's states; the kernel's flat arrays
(``inference._arrays.Structure``) keep only the live ones. Checked here on
random networks with zeros (point-mass roots, deterministic rows) against
brute-force enumeration of the full joint, against the dense structure and
the numpy pass, and for Monte Carlo draws (``inference._drawpass``), whose
potentials may run sparse only while the draws keep the tree's zeros
(``trust._pruned.Pruned.zeros_kept``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crampnet
import crampnet.trust._montecarlo as mc
from crampnet.inference import _drawpass
from crampnet.inference._arrays import Program, Structure
from crampnet.inference._kerneltree import run_marginals
from crampnet.inference.engine import Factor, JunctionTree
from crampnet.trust._parameters import parameter_space
from crampnet.trust._pruned import pruned
from crampnet.trust.uncertainty import draw_parameters

SEEDS = st.integers(0, 2**32 - 1)


def random_evidence(seed: int, cards: list[int], n: int) -> dict[int, np.ndarray]:
    """Likelihood vectors (some entries zero) on one to three variables, ``n`` cases."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(cards), size=int(rng.integers(1, min(3, len(cards)) + 1)), replace=False)
    out = {}
    for v in chosen.tolist():
        lik = rng.random((n, cards[v]))
        lik[rng.random(lik.shape) < 0.3] = 0.0
        out[v] = lik
    return out


@given(seed=SEEDS)
@settings(max_examples=40, deadline=None)
def test_kernel_loops_on_live_entries_match_enumeration(sparse_networks, seed):
    """Check the kernel's loops on the sparse structure against the full joint, case by case (impossible cases included)."""
    cards, factors = sparse_networks.network(seed)
    tree = JunctionTree(cards, factors)
    joint = sparse_networks.joint(cards, factors)
    evidence = random_evidence(seed + 1, cards, 4)
    query = list(range(len(cards)))
    expected, expected_log = sparse_networks.marginals(joint, evidence, query)
    rows = sorted(evidence)
    for sparse in (True, False):
        program = Program(Structure(tree, sparse=sparse), rows, query)
        got, log_ev, flagged = run_marginals(program, [evidence[v] for v in rows], numba=False)
        assert not flagged.any()
        np.testing.assert_array_equal(np.isfinite(log_ev), np.isfinite(expected_log))
        finite = np.isfinite(expected_log)
        np.testing.assert_allclose(log_ev[finite], expected_log[finite], rtol=0, atol=1e-12)
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_allclose(g, e, rtol=0, atol=1e-12)


def test_a_point_mass_root_leaves_half_of_every_clique_that_holds_it():
    """Check that a root with all its mass on one of two states kills half the entries of each clique holding it, wherever its prior sits."""
    a, b, c, d = range(4)
    rng = np.random.default_rng(0)

    def cpd(*shape: int) -> np.ndarray:
        t = rng.random(shape) + 0.1
        return t / t.sum(axis=0)

    factors = [Factor((a,), np.array([1.0, 0.0])), Factor((b, a), cpd(3, 2)), Factor((c, a, b), cpd(2, 2, 3)), Factor((d, c, a), cpd(2, 2, 2))]
    tree = JunctionTree([2, 3, 2, 2], factors)
    assert sum(a in cl for cl in tree.cliques) >= 2  # the prior is placed in one of them only
    structure = Structure(tree)
    for clique, live in enumerate(structure.live):
        if a in tree.cliques[clique]:
            assert live is not None and live.size * 2 == tree.size(clique)
            states_of_a = np.indices([tree.cards[v] for v in tree.cliques[clique]])[tree.cliques[clique].index(a)].reshape(-1)
            assert (states_of_a[live] == 0).all()
        else:
            assert live is None
    assert structure.entries < Structure(tree, sparse=False).entries


@given(seed=SEEDS)
@settings(max_examples=25, deadline=None)
def test_draws_that_keep_the_zeros_run_sparse_with_the_numbers_of_the_numpy_pass(sparse_networks, seed):
    """Check draw_marginals with its own factor tables per draw: sparse, dense and the numpy pass agree, and match enumeration."""
    cards, factors = sparse_networks.network(seed)
    tree = JunctionTree(cards, factors)
    rng = np.random.default_rng(seed + 2)
    draws = 3
    tables = []
    for f in factors:  # each draw scales the nonzero entries and renormalises: the zeros stay
        t = f.table[None] * rng.uniform(0.5, 1.5, size=(draws, *f.table.shape))
        tables.append(t / t.sum(axis=1, keepdims=True))
    evidence = random_evidence(seed + 3, cards, 1)
    query = list(range(len(cards)))
    pots = tree.assemble(tables)
    numpy_pass = tree.marginals(evidence, query, potentials=pots)
    for sparse in (True, False):
        got, log_ev, flagged = _drawpass.draw_marginals(tree, tables, evidence, query, numba=False, sparse=sparse)
        assert not flagged.any()
        for k in range(draws):
            joint = sparse_networks.joint(cards, [Factor(f.scope, t[k]) for f, t in zip(factors, tables, strict=True)])
            expected, expected_log = sparse_networks.marginals(joint, evidence, query)
            assert (np.isfinite(log_ev[k]) and abs(log_ev[k] - expected_log[0]) <= 1e-12) or (log_ev[k] == -np.inf == expected_log[0])
            for j, q in enumerate(query):
                np.testing.assert_allclose(got[j][k], expected[j][0], rtol=0, atol=1e-12)
                np.testing.assert_allclose(got[j][k], numpy_pass.marginals[q][k], rtol=0, atol=1e-12)


def test_a_draw_that_breaks_a_zero_is_not_run_sparse():
    """Check Pruned.zeros_kept: true for the model's draws, false once a draw puts mass where the model has none."""
    model = crampnet.load()
    tree = pruned(model, frozenset())
    assert tree.live_per_row < tree.per_row  # care_setting: one state has all the mass in every population
    tables = parameter_space(model).tables(draw_parameters(model, 20, np.random.default_rng(1)), tree.nodes)
    assert tree.zeros_kept(tables)
    care = tables["care_setting"].copy()
    assert (care[:, 1] == 0).all()
    care[3] = [0.5, 0.5]
    assert not tree.zeros_kept({**tables, "care_setting": care})


def test_intervals_run_sparse_only_while_the_draws_keep_the_zeros(monkeypatch):
    """Check on the shipped network that the kernel path goes sparse for model draws and dense when told the zeros broke, with the same numbers."""
    model = crampnet.load()
    seen: list[bool] = []
    original = _drawpass.draw_marginals

    def spy(tree, tables, evidence, query, **kwargs):
        seen.append(kwargs["sparse"])
        return original(tree, tables, evidence, query, **kwargs)

    monkeypatch.setattr(mc, "draw_marginals", spy)
    monkeypatch.setattr(mc, "KERNEL_TREE_ENTRIES", 0)
    monkeypatch.setenv("CRAMPNET_JIT", "always")
    vectors = crampnet.network.evidence.normalise(model.spec, {"muscle_cramps": "yes", "nocturnal": "yes", "pain_location": "calf", "pedal_pulses": "absent"})
    theta = draw_parameters(model, 8, np.random.default_rng(5))
    sparse = mc.batch_posteriors(model, vectors, theta, signed=False)
    assert seen and all(seen)
    seen.clear()
    with monkeypatch.context() as mp:
        mp.setattr("crampnet.trust._pruned.Pruned.zeros_kept", lambda self, tables: False)
        dense = mc.batch_posteriors(model, vectors, theta, signed=False)
    assert seen and not any(seen)
    np.testing.assert_allclose(sparse, dense, rtol=0, atol=1e-12)
    monkeypatch.setenv("CRAMPNET_JIT", "never")
    monkeypatch.setattr(mc, "KERNEL_TREE_ENTRIES", 10**12)
    np.testing.assert_allclose(sparse, mc.batch_posteriors(model, vectors, theta, signed=False), rtol=0, atol=1e-12)


@pytest.mark.parametrize("population", ["presenting", "adults", "pregnancy_presenting"])
def test_kernel_trees_of_the_shipped_network_keep_about_half_their_entries(population):
    """Check that the sparse structure of the shipped network's full tree leaves out care_setting's empty state and no more than the zeros allow."""
    model = crampnet.load(population=population)
    tree = model.compiled.tree
    structure = Structure(tree)
    dense = Structure(tree, sparse=False)
    assert structure.entries < 0.6 * dense.entries
    care = model.compiled.index["care_setting"]
    prior = model.compiled.tables["care_setting"]
    assert sorted(prior.tolist()) == [0.0, 1.0]
    empty = int(np.argmin(prior))
    for clique, live in enumerate(structure.live):
        if care in tree.cliques[clique]:
            assert live is not None
            grid = np.indices([tree.cards[v] for v in tree.cliques[clique]])[tree.cliques[clique].index(care)].reshape(-1)
            assert not (grid[live] == empty).any()


@given(seed=SEEDS, fix=st.booleans())
@settings(max_examples=40, deadline=None)
def test_numpy_pass_indexes_pinned_variables_out_exactly(sparse_networks, seed, fix):
    """Check the numpy pass with point-mass variables indexed out (JunctionTree.pinned) against enumeration.

    With and without hard evidence indexed out beside them (``fix``), with
    evidence on a pinned variable (which then stays in the cliques), and
    with that variable queried.
    """
    cards, factors = sparse_networks.network(seed)
    rng = np.random.default_rng(seed + 4)
    v = int(rng.integers(len(cards)))
    point = np.zeros(cards[v])
    point[int(rng.integers(cards[v]))] = 1.0
    factors = [*factors, Factor((v,), point)]  # pins v, wherever it sits
    tree = JunctionTree(cards, factors)
    assert v in tree.pinned  # (roots of the random network may be pinned too)
    joint = sparse_networks.joint(cards, factors)
    query = list(range(len(cards)))
    with pytest.MonkeyPatch.context() as mp:
        if fix:
            mp.setattr("crampnet.inference.engine.FIX_ENTRIES", 0)
        for k in range(3):
            evidence = random_evidence(seed + 5 + k, cards, 1)
            if k == 2:
                evidence[v] = rng.random((1, cards[v]))  # evidence on the pinned variable
            for e in evidence.values():
                if fix and rng.random() < 0.5:
                    e[:] = 0.0
                    e[0, int(rng.integers(e.shape[1]))] = 1.0  # hard: indexed out too
            expected, expected_log = sparse_networks.marginals(joint, evidence, query)
            got = tree.marginals(evidence, query)
            assert (got.log_evidence[0] == -np.inf == expected_log[0]) or abs(got.log_evidence[0] - expected_log[0]) <= 1e-12
            for q in query:
                np.testing.assert_allclose(got.marginals[q], expected[q], rtol=0, atol=1e-12)
