"""The numpy pass's dividing (Hugin) distribute pass, against enumeration of the full joint.

``_numpypass.propagate(divide=True)`` keeps each clique's collect-pass
product and divides the summed belief by the child's upward message instead
of multiplying the other children's messages; where that message is zero it
sends zero. Checked here on random networks whose tables and evidence have
many exact zeros (so that upward messages are zero on some separator
states), on batches of cases, with and without rescaling, with hard
evidence indexed out, against brute-force enumeration and against the
Shafer-Shenoy pass (``divide=False``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crampnet.inference._numpypass import propagate
from crampnet.inference.engine import Factor, JunctionTree

SEEDS = st.integers(0, 2**32 - 1)


def random_evidence(rng: np.random.Generator, cards: list[int], n: int, scale: float) -> dict[int, np.ndarray]:
    """Likelihood vectors on one to four variables for ``n`` cases, about a third of the entries zero, some rows hard and shared."""
    chosen = rng.choice(len(cards), size=int(rng.integers(1, min(4, len(cards)) + 1)), replace=False)
    out = {}
    for v in chosen.tolist():
        if rng.random() < 0.3:
            hard = np.zeros((1, cards[v]))
            hard[0, int(rng.integers(cards[v]))] = 1.0
            out[v] = hard  # shared by every case: indexed out of the cliques when FIX_ENTRIES allows
            continue
        lik = rng.random((n, cards[v])) * scale
        lik[rng.random(lik.shape) < 0.35] = 0.0
        out[v] = lik
    return out


@given(seed=SEEDS, scale=st.sampled_from([1.0, 7.0]), fix=st.booleans())
@settings(max_examples=60, deadline=None)
def test_dividing_pass_matches_enumeration(sparse_networks, seed, scale, fix):
    """Check marginals and log P(evidence) of every variable, per case, against the enumerated joint to 1e-12.

    ``scale`` 7 gives likelihoods above 1, so the pass rescales every
    message; ``fix`` indexes hard shared evidence out of the cliques.
    """
    cards, factors = sparse_networks.network(seed, (4, 9), 0.4)
    tree = JunctionTree(cards, factors)
    assert tree._nonnegative  # the pass divides
    joint = sparse_networks.joint(cards, factors)
    rng = np.random.default_rng(seed + 1)
    n = int(rng.integers(1, 6))
    evidence = random_evidence(rng, cards, n, scale)
    n = max(e.shape[0] for e in evidence.values())  # every vector may be shared (one row)
    query = list(range(len(cards)))
    want, want_log = sparse_networks.marginals(joint, evidence, query, n)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("crampnet.inference.engine.FIX_ENTRIES", 0 if fix else 10**9)
        got = tree.marginals(evidence, query)
    live = np.isfinite(want_log)
    assert np.array_equal(np.isfinite(got.log_evidence), live)
    np.testing.assert_allclose(got.log_evidence[live], want_log[live], rtol=0, atol=1e-12)
    for q in query:
        np.testing.assert_allclose(got.marginals[q][live], want[q][live], rtol=0, atol=1e-12)
        assert np.all(np.isnan(got.marginals[q][~live]))


@given(seed=SEEDS, rescale=st.booleans())
@settings(max_examples=60, deadline=None)
def test_dividing_pass_gives_the_beliefs_of_the_multiplying_pass(sparse_networks, seed, rescale):
    """Check every clique's belief of ``divide=True`` against ``divide=False`` on the same tables, each normalised per case, to 1e-12.

    Rescaled beliefs other than the root's are defined up to a constant per
    case: where a child's upward message is zero the dividing pass sends
    zero, so the largest entry that a downward message is rescaled by may
    differ; normalised they agree.
    """
    cards, factors = sparse_networks.network(seed, (4, 9), 0.4)
    tree = JunctionTree(cards, factors)
    rng = np.random.default_rng(seed + 2)
    n = int(rng.integers(1, 5))
    evidence = random_evidence(rng, cards, n, 1.0)
    plan = tree._plan(frozenset())
    psi = list(tree._last)
    for v, vec in evidence.items():
        c = tree.home[v]
        psi[c] = psi[c] * np.ascontiguousarray(vec.T).reshape(plan.evidence_shape[v])
    wanted = set(range(len(tree.cliques)))
    plain, _ = propagate(tree, plan, psi, wanted, rescale=rescale)
    dividing, _ = propagate(tree, plan, psi, wanted, rescale=rescale, divide=True)
    assert set(plain) == set(dividing) == wanted
    for c in wanted:
        a, b = (np.broadcast_to(x, np.broadcast_shapes(plain[c].shape, dividing[c].shape)).reshape(-1, max(plain[c].shape[-1], dividing[c].shape[-1])) for x in (plain[c], dividing[c]))
        sa, sb = a.sum(axis=0), b.sum(axis=0)
        assert np.array_equal(sa > 0, sb > 0)
        live = sa > 0
        np.testing.assert_allclose(b[:, live] / sb[live], a[:, live] / sa[live], rtol=0, atol=1e-12)


def test_a_negative_entry_turns_the_division_off():
    """Check that a tree with a negative table entry does not divide (a zero message need not mean zero mass below it)."""
    tree = JunctionTree([2, 2], [Factor((0,), np.array([0.5, 0.5])), Factor((1, 0), np.array([[1.5, 0.2], [-0.5, 0.8]]))])
    assert not tree._nonnegative
    assert JunctionTree([2, 2], [Factor((0,), np.array([0.5, 0.5])), Factor((1, 0), np.array([[1.0, 0.2], [0.0, 0.8]]))])._nonnegative


@given(seed=SEEDS)
@settings(max_examples=40, deadline=None)
def test_pass_width_is_the_widest_clique_array_a_pass_allocates(sparse_networks, seed):
    """Check ``JunctionTree.pass_width`` (the chunk bound of the Quickscore and answers paths) against the clique arrays of a real pass.

    With a point mass pinned, shared hard evidence indexed out (FIX_ENTRIES 0)
    and per-case soft evidence, the widest array handed to the pass, per
    case, is what ``pass_width`` says.
    """
    cards, factors = sparse_networks.network(seed, (4, 9), 0.4)
    rng = np.random.default_rng(seed + 3)
    v = int(rng.integers(len(cards)))
    point = np.zeros(cards[v])
    point[int(rng.integers(cards[v]))] = 1.0
    tree = JunctionTree(cards, [*factors, Factor((v,), point)])
    n = 3
    evidence = random_evidence(rng, cards, n, 1.0)
    evidence.pop(v, None)  # evidence on the pinned variable would keep it in the cliques
    seen: list[int] = []

    def spy(tree_, plan, psi, wanted, **kwargs):
        seen.extend(p.size // p.shape[-1] for p in psi)
        return propagate(tree_, plan, psi, wanted, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("crampnet.inference.engine.FIX_ENTRIES", 0)
        mp.setattr("crampnet.inference.engine.propagate", spy)
        tree.marginals(evidence, list(range(len(cards))))
    assert max(seen) == tree.pass_width(evidence)
    assert tree.pass_width(evidence) <= tree.width
