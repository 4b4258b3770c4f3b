"""Every coalition of a case's evidence at once (crampnet.inference._coalitions), against enumeration and row-by-row scoring."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.inference import _coalitions
from crampnet.reasoning._scoring import observe

SEEDS = st.integers(0, 10_000)

#: The textbook cases of benchmarks/bench_inference.py, plus soft evidence and a "no".
CASES = [
    {"age": 52, "sex": "female", "presenting_complaint": "restlessness", "urge_to_move": True, "uncomfortable_sensations": True,
     "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True, "visible_hard_contraction": False, "ferritin": 32},
    {"age": 72, "presenting_complaint": "pain", "symptom_duration": "over_3_months", "exertional_pain_relieved_by_rest": True,
     "pedal_pulses": "diminished", "ankle_brachial_index": 0.7},
    {"exertional_pain_relieved_by_rest": True, "pain_location": "calf", "pedal_pulses": "diminished", "smoker": True, "age": 68},
    {"muscle_cramps": True, "fasciculations": True, "hyperreflexia": True, "weakness": {"yes": 0.8, "no": 0.3}},
    {"urge_to_move": {"yes": 0.9, "no": 0.2}, "ferritin": 30, "nocturnal": False, "sex": {"female": 0.7, "male": 0.3}},
]


def _rows(items: list[tuple[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The 2**n coalitions as ordinary rows (ones: the entry left out), row ``mask`` holding bit i for entry i."""
    masks = np.arange(2 ** len(items))
    return {nid: np.where((masks >> i & 1)[:, None] == 1, vec[None, :], 1.0) for i, (nid, vec) in enumerate(items)}


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


@pytest.mark.parametrize("case", range(len(CASES)))
def test_shipped_network_coalitions_equal_rows_scored_one_by_one(model, case):
    """Check every coalition's posteriors and log P(evidence) against the engine scoring the 2**n rows (1e-10)."""
    items = list(observe(model, CASES[case]).items())
    grid = _coalitions.coalition_grid(model.compiled, items)
    assert grid is not None and grid[2].all(), "these cases are answered on the grid, not by the fallback"
    post, log_ev = model.compiled.coalitions(items)
    ref_post, ref_log = model.compiled.evaluate(_rows(items), 2 ** len(items))
    np.testing.assert_allclose(post, ref_post, rtol=0, atol=1e-10)
    np.testing.assert_allclose(log_ev, ref_log, rtol=1e-12, atol=1e-10)


def test_grid_has_one_cell_per_distinct_pseudo_case(model):
    """Check that hard yes/no answers and context entries give two options each, a noisy-MAX answer three (not prod of terms per row)."""
    items = list(observe(model, CASES[1]).items())
    dims = [len(_coalitions._options(model.compiled, nid, vec)[0]) for nid, vec in items]
    names = [nid for nid, _ in items]
    assert dims[names.index("exertional_pain_relieved_by_rest")] == 2  # 1 - (1 - leak) prod q: the "1" is "no factor"
    assert dims[names.index("age_group")] == 2
    assert dims[names.index("pedal_pulses")] == 3  # noisy-MAX: C_s - C_{s-1}, two distinct factor sets
    assert math.prod(dims) < 3 ** len(items)


@given(seed=SEEDS)
@settings(max_examples=25, deadline=None)
def test_random_networks_coalitions_match_brute_force(random_networks, brute_force, seed):
    """Check each coalition of hard and soft evidence on random networks (noisy-OR, noisy-MAX, mixtures, tables) against full enumeration."""
    net_model, _, _ = random_networks.make(seed)
    evidence = random_networks.evidence(seed + 3, net_model, soft=bool(seed % 2), min_size=2, max_size=5)
    oracle = brute_force(net_model.network)
    vectors = observe(net_model, evidence)
    items = list(vectors.items())
    assert set(vectors) == set(evidence)  # node ids: observe keeps them
    post, log_ev = net_model.compiled.coalitions(items)
    for mask in range(2 ** len(items)):
        # The vectors as crampnet reads them (soft ones scaled to a largest entry of 1), so P(evidence) is comparable.
        subset = {nid: dict(zip(net_model.states(nid), vec.tolist(), strict=True)) for i, (nid, vec) in enumerate(items) if mask >> i & 1}
        total = float(oracle.weights(subset).sum())
        if total <= 0:
            assert np.isneginf(log_ev[mask]) and np.isnan(post[mask]).all(), f"coalition {subset} is impossible"
            continue
        assert log_ev[mask] == pytest.approx(math.log(total), abs=1e-9), f"log P(evidence), coalition {subset}"
        expected = oracle.posteriors(net_model.conditions, subset)
        for j, cond in enumerate(net_model.compiled.conditions):
            assert post[mask, j] == pytest.approx(expected[cond], abs=1e-9), f"{cond}, coalition {subset}"


def test_every_row_falls_back_when_the_sums_are_ill_conditioned(model, monkeypatch):
    """Check that rows the grid refuses (here: every signed sum, with CONDITION at 1) are scored as rows, with the same numbers."""
    items = list(observe(model, CASES[0]).items())
    ref_post, ref_log = model.compiled.evaluate(_rows(items), 2 ** len(items))
    monkeypatch.setattr(_coalitions, "CONDITION", 1.0)
    _, _, good = _coalitions.coalition_grid(model.compiled, items)
    assert 0 < good.sum() < good.size, "only rows with a cancelling sum are refused"
    post, log_ev = model.compiled.coalitions(items)
    np.testing.assert_allclose(post, ref_post, rtol=0, atol=1e-10)
    np.testing.assert_allclose(log_ev, ref_log, rtol=1e-12, atol=1e-10)


def test_large_grids_and_tiny_likelihoods_go_row_by_row(model, monkeypatch):
    """Check that a grid over MAX_GRID cells, or a likelihood below TINY, is not attempted and the rows still come out right."""
    tiny = {"urge_to_move": {"yes": 1.0, "no": 1e-40}, "ferritin": 30, "nocturnal": False}
    items = list(observe(model, tiny).items())
    assert _coalitions.coalition_grid(model.compiled, items) is None
    ref_post, ref_log = model.compiled.evaluate(_rows(items), 2 ** len(items))
    post, log_ev = model.compiled.coalitions(items)
    np.testing.assert_allclose(post, ref_post, rtol=0, atol=1e-12)
    np.testing.assert_allclose(log_ev, ref_log, rtol=0, atol=1e-12)
    items = list(observe(model, CASES[0]).items())
    monkeypatch.setattr(_coalitions, "MAX_GRID", 2 ** len(items) - 1)
    assert _coalitions.coalition_grid(model.compiled, items) is None


def test_explanation_equals_shapley_of_rows_scored_one_by_one(model, monkeypatch):
    """Check that Diagnosis.explain's contributions are unchanged when the coalitions are scored as rows instead of on the grid."""
    from crampnet.reasoning.explain import log_odds_contributions

    fast = log_odds_contributions(model, CASES[0])
    monkeypatch.setattr(_coalitions, "coalition_grid", lambda net, items: None)
    slow = log_odds_contributions(model, CASES[0])
    np.testing.assert_allclose(fast.to_numpy(), slow.to_numpy(), rtol=0, atol=1e-9)
    assert fast.attrs["certain"] == slow.attrs["certain"]


def test_cells_without_a_tree_finding_run_on_the_tree_without_it(model, monkeypatch):
    """Check that only the coalitions holding pain_location (a mixture, kept in the tree) pass over its wider tree, and the grid is still exact."""
    items = list(observe(model, CASES[2]).items())
    net = model.compiled
    wide, _ = net.tree_for(frozenset({"pain_location"}))
    narrow, _ = net.tree_for(frozenset())
    cases: dict[int, int] = {}
    original = type(wide).marginals

    def spy(self, evidence, query, potentials=None):
        cases[self.entries] = cases.get(self.entries, 0) + max((e.shape[0] for e in evidence.values()), default=1)
        return original(self, evidence, query, potentials)

    monkeypatch.setattr(type(wide), "marginals", spy)
    post, log_ev, good = _coalitions.coalition_grid(net, items)
    monkeypatch.undo()
    assert good.all()
    assert wide.entries > narrow.entries and cases[wide.entries] == cases[narrow.entries]  # half the cells each
    ref_post, ref_log = net.evaluate(_rows(items), 2 ** len(items))
    np.testing.assert_allclose(post, ref_post, rtol=0, atol=1e-10)
    np.testing.assert_allclose(log_ev, ref_log, rtol=1e-12, atol=1e-10)
