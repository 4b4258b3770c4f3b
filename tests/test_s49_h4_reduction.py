"""Trees with the variables a batch neither observes nor asks for summed out of their only clique (crampnet.inference._pruning)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import crampnet
from crampnet.inference import _coalitions, _pruning
from crampnet.inference.engine import Factor, JunctionTree
from crampnet.reasoning._scoring import observe

#: The README's RLS case (the bench's clinical case 0): ten entries, a grid of 1,536 passes.
RLS = {"age": 52, "sex": "female", "presenting_complaint": "restlessness", "urge_to_move": True, "uncomfortable_sensations": True,
       "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True, "visible_hard_contraction": False, "ferritin": 32}


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


def test_a_clique_summed_out_whole_keeps_its_constant_in_p_evidence():
    """Check that a part of the network nobody observes still counts its total mass in P(evidence), by hand.

    Variables 2 and 3 form a clique of their own whose tables have total
    mass (2 + 1) * 1 = 3, not 1: P(evidence) = P(x1 = 0) * 3, with
    P(x1 = 0) = 0.3 * 0.9 + 0.7 * 0.2 = 0.41.
    """
    factors = [
        Factor((0,), np.array([0.3, 0.7])),
        Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]])),
        Factor((2,), np.array([2.0, 1.0])),
        Factor((3, 2), np.array([[0.5, 0.5], [0.5, 0.5]])),
    ]
    tree = JunctionTree([2, 2, 2, 2], factors)
    small = _pruning.reduced(tree, frozenset({0, 1}), cases=10**9)
    assert small is not tree and small.entries < tree.entries
    result = small.marginals({1: np.array([[1.0, 0.0]])}, [0])
    assert float(np.exp(result.log_evidence[0])) == pytest.approx(0.41 * 3.0, rel=1e-14)
    assert float(result.marginals[0][0, 0]) == pytest.approx(0.27 / 0.41, rel=1e-14)


def test_reduced_tree_of_the_shipped_network_gives_the_same_marginals(model):
    """Check that the RLS case's grid tree, reduced, answers random evidence on its variables as the tree does (to 1e-12), with fewer live entries."""
    net = model.compiled
    tree, index = net.tree_for(frozenset())
    conditions = [index[c] for c in net.conditions]
    observed = [index[v] for v in ("age_group", "sex", "pregnancy")] + conditions[:10]
    small = _pruning.reduced(tree, frozenset(conditions) | set(observed), cases=10**6)
    assert small is not tree and sum(small.live_sizes) < sum(tree.live_sizes) / 2
    rng = np.random.default_rng(3)
    evidence = {v: rng.random((50, tree.cards[v])) for v in observed}
    a = tree.marginals(evidence, conditions)
    b = small.marginals(evidence, conditions)
    np.testing.assert_allclose(b.log_evidence, a.log_evidence, rtol=0, atol=1e-12)
    for v in conditions:
        np.testing.assert_allclose(b.marginals[v], a.marginals[v], rtol=0, atol=1e-12)


def test_small_batches_keep_the_tree(model):
    """Check that a batch too small to pay for a build runs on the tree itself, and a reduced tree is built once per set of variables kept."""
    tree, index = model.compiled.tree_for(frozenset())
    keep = frozenset(index[c] for c in model.compiled.conditions)
    assert _pruning.reduced(tree, keep, cases=1) is tree
    big = math.ceil(_pruning.REDUCE_WORK / _pruning.saved_entries(tree, keep))
    first = _pruning.reduced(tree, keep, cases=big)
    assert first is not tree and _pruning.reduced(tree, keep, cases=1) is first


def test_coalition_grid_of_the_rls_case_runs_on_a_reduced_tree(model, monkeypatch):
    """Check that the 1,536 passes of the RLS case's grid run on a tree with fewer live entries than its pruned tree, and the grid still equals row-by-row scoring."""
    net = model.compiled
    items = list(observe(model, RLS).items())
    pruned, _ = net.tree_for(frozenset())
    seen: list[int] = []
    original = JunctionTree.marginals

    def spy(self, evidence, query, potentials=None):
        seen.append(sum(self.live_sizes))
        return original(self, evidence, query, potentials)

    monkeypatch.setattr(JunctionTree, "marginals", spy)
    post, log_ev, good = _coalitions.coalition_grid(net, items)
    monkeypatch.undo()
    assert seen and max(seen) < sum(pruned.live_sizes) / 2
    masks = np.arange(2 ** len(items))
    rows = {nid: np.where((masks >> i & 1)[:, None] == 1, vec[None, :], 1.0) for i, (nid, vec) in enumerate(items)}
    ref_post, ref_log = net.evaluate(rows, masks.size)
    np.testing.assert_allclose(post[good], ref_post[good], rtol=0, atol=1e-10)
    np.testing.assert_allclose(log_ev[good], ref_log[good], rtol=1e-12, atol=1e-10)
