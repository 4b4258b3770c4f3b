"""Quickscore: findings as signed sums of one-parent factors (crampnet.inference.quickscore).

The decomposition is checked by rebuilding every table from its terms, and
both exact paths (the shared Quickscore tree and the trees pruned per
evidence pattern) are checked, each forced on its own in numpy and both
together in the compiled kernel, against brute-force enumeration and
pgmpy's VariableElimination.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import crampnet
import crampnet.inference._quickscore_path as quickscore_path
import crampnet.inference._routing as routing
from crampnet.inference._expansion import expand, term_counts
from crampnet.inference.quickscore import Terms, decompose
from crampnet.network.evidence import normalise

SEEDS = st.integers(0, 2**32 - 1)
TOL = 1e-9
PATHS = ("kernel", "pruned trees", "quickscore")  # forced by the forced_path fixture (tests/conftest.py)


def _rebuild(terms: Terms, parents: tuple[str, ...], cards: list[int]) -> np.ndarray:
    """sum_t w_t prod_p factor_p[t, x_p] over the parents' grid."""
    total = np.zeros(cards)
    for t, w in enumerate(terms.weights):
        product = np.full(cards, w)
        for i, parent in enumerate(parents):
            if parent in terms.factors:
                shape = [1] * len(cards)
                shape[i] = cards[i]
                product = product * terms.factors[parent][t].reshape(shape)
        total = total + product
    return total


def _check_rebuilds(model: crampnet.Model) -> set[str]:
    spec, tables = model.spec, model.compiled.tables
    found = decompose(spec, tables)
    for nid, states in found.items():
        node = spec.nodes[nid]
        cards = [len(spec.nodes[p].states) for p in node.parents]
        assert len(states) == len(node.states)
        for s, terms in enumerate(states):
            assert all(np.all(f >= 0) for f in terms.factors.values()), f"{nid}: negative factor"
            np.testing.assert_allclose(_rebuild(terms, node.parents, cards), tables[nid][s], rtol=0, atol=1e-12, err_msg=f"{nid}={node.states[s]}")
    return set(found)


@pytest.mark.parametrize("population", ["adults", "pregnancy", "hemodialysis"])
def test_shipped_findings_rebuild_from_their_terms(population):
    """Check that every decomposed finding's table equals the signed sum of its terms."""
    model = crampnet.load(population=population)
    found = _check_rebuilds(model)
    kinds = {nid: type(model.spec.nodes[nid].cpd).__name__ for nid in model.findings}
    # Every noisy-OR and noisy-MAX finding decomposes; the normalised mixture does not.
    assert {nid for nid, k in kinds.items() if k in {"NoisyOr", "NoisyMax"}} <= found
    assert "pain_location" not in found


def test_noisy_or_answers_have_one_and_two_terms(model):
    """Check the Quickscore shapes: "no" is one product, "yes" is one minus that product."""
    states = decompose(model.spec, model.compiled.tables)["urge_to_move"]
    yes, no = (states[model.states("urge_to_move").index(s)] for s in ("yes", "no"))
    assert no.weights.size == 1 and no.weights[0] > 0
    assert yes.weights.size == 2 and sorted(np.sign(yes.weights)) == [-1.0, 1.0]


@given(seed=SEEDS)
@settings(max_examples=25)
def test_random_network_terms_rebuild_tables(random_networks, seed):
    """Check the decomposition on random networks (all five CPD models)."""
    model, _, _ = random_networks.make(seed)
    _check_rebuilds(model)


def test_term_counts_multiply_across_findings(model):
    """Check that a case's pseudo-cases are the product of its findings' term counts."""
    terms = decompose(model.spec, model.compiled.tables)
    ev = normalise(model.spec, {"urge_to_move": True, "nocturnal": True, "worse_evening": False, "pedal_pulses": "absent"})
    arrays = {k: np.asarray(v, dtype=float).reshape(1, -1) for k, v in ev.items()}
    expected = math.prod(len(terms[k][int(np.argmax(arrays[k][0]))].weights) for k in arrays)
    assert term_counts(arrays, terms, 1, 256)[0] == expected == 2 * 2 * 1 * 2
    assert term_counts(arrays, terms, 1, 4)[0] == 5  # more than the cap: cap + 1
    assert expand(arrays, terms, 1, 4).rows.size == 0


@pytest.mark.parametrize("path", sorted(PATHS))
@given(seed=SEEDS, soft=st.booleans())
@settings(max_examples=25)
def test_each_path_matches_brute_force_on_random_networks(random_networks, brute_force, path, seed, soft, forced_path):
    """Check each exact path alone against full enumeration, hard and soft evidence, one case and a batch."""
    model, _, _ = random_networks.make(seed)
    cases = [random_networks.evidence(seed + 1 + i, model, soft=soft) for i in range(4)]
    oracle = brute_force(model.network)
    with forced_path(path):
        single = [model.posteriors(case).to_dict() for case in cases]
        frame = pd.DataFrame(cases, dtype=object)
        batch = model.posteriors(frame.where(frame.notna(), None)) if len(frame.columns) else None
    for i, case in enumerate(cases):
        expected = oracle.posteriors(model.conditions, case)
        for c in model.conditions:
            assert abs(single[i][c] - expected[c]) <= TOL, f"{path}: {c} given {case}"
            if batch is not None:
                assert abs(batch.iloc[i][c] - expected[c]) <= TOL, f"{path}, batch row {i}: {c} given {case}"


@pytest.mark.parametrize("path", sorted(PATHS))
@given(data=st.data())
@settings(max_examples=15, deadline=None)
def test_each_path_matches_pgmpy_on_the_shipped_network(model, evidence_st, pgmpy_ve, pgmpy_probability, path, data, forced_path):
    """Check each exact path alone against pgmpy VE on the shipped network, up to 12 observed nodes.

    Evidence the network rules out (e.g. critical limb ischemia without PAD)
    must raise, and pgmpy must give its conflicting entries probability zero.
    """
    evidence = data.draw(evidence_st(model, max_size=12))
    try:
        with forced_path(path):
            ours = model.posteriors(evidence).to_dict()
    except crampnet.ImpossibleEvidenceError as err:
        conflict = {k: evidence[k] for k in err.conflicting}
        assume(all(isinstance(v, str) for v in conflict.values()))
        assert pgmpy_probability(model.network, conflict) == 0.0, f"{path}: {conflict} called impossible"
        return
    expected = pgmpy_ve(model.network, model.conditions, evidence)
    for c in model.conditions:
        assert abs(ours[c] - expected[c]) <= TOL, f"{path}: {c} given {evidence}"


def test_ill_conditioned_sums_fall_back_to_a_pruned_tree(model, pgmpy_ve):
    """Check that rows whose signed sum cancels too much are answered by a pruned tree, still exactly."""
    evidence = {"urge_to_move": "yes", "worse_at_rest": "yes", "relief_by_movement": "yes", "worse_evening": "yes", "age_group": "65_plus"}
    arrays = {k: np.asarray(v, dtype=float).reshape(1, -1) for k, v in normalise(model.spec, evidence).items()}
    compiled = model.compiled
    rows, _, _ = compiled._quickscore(arrays, 1)
    assert rows.tolist() == [0]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(quickscore_path, "CONDITION", 1.0)  # any cancellation at all is too much
        rows, _, _ = compiled._quickscore(arrays, 1)
        assert rows.size == 0
        ours = model.posteriors(evidence).to_dict()
    expected = pgmpy_ve(model.network, model.conditions, evidence)
    assert max(abs(ours[c] - expected[c]) for c in model.conditions) <= TOL


def test_cases_over_the_term_cap_use_a_pruned_tree(model, pgmpy_ve):
    """Check that a case with more terms than the cap is still answered exactly."""
    evidence = {"urge_to_move": "yes", "nocturnal": "yes", "muscle_cramps": "yes", "bilateral": "yes", "sex": "female"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(routing, "TERM_CAP", 4)
        ours = model.posteriors(evidence).to_dict()
    expected = pgmpy_ve(model.network, model.conditions, evidence)
    assert max(abs(ours[c] - expected[c]) for c in model.conditions) <= TOL


@pytest.mark.parametrize("path", sorted(PATHS))
def test_impossible_row_is_named_on_either_path(tiny, path, forced_path):
    """Check that an impossible row (tiny.toml: jerks only with plm) is named whichever path runs it, never NaN."""
    frame = pd.DataFrame({"jerks": ["yes", "yes", "no"], "plm": ["present", "absent", "absent"]}, index=["first", "second", "third"])
    with forced_path(path):
        with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"in row 'second'"):
            tiny.posteriors(frame)
        fine = tiny.posteriors(frame.drop(index="second"))
    assert np.isfinite(fine.to_numpy()).all()


@pytest.mark.parametrize("path", sorted(PATHS))
@given(seed=SEEDS, soft=st.booleans())
@settings(max_examples=20)
def test_log_evidence_matches_brute_force_on_either_path(random_networks, brute_force, path, seed, soft, forced_path):
    """Check CompiledNetwork.evaluate's log P(evidence) per row against the sum of the full joint."""
    model, _, _ = random_networks.make(seed)
    cases = [random_networks.evidence(seed + 5 + i, model, soft=soft) for i in range(3)]
    oracle = brute_force(model.network)
    rows = [normalise(model.spec, case) for case in cases]
    nodes = sorted({k for row in rows for k in row})
    arrays = {k: np.array([row.get(k, np.ones(len(model.states(k)))) for row in rows], dtype=float) for k in nodes}
    with forced_path(path):
        _, log_ev = model.compiled.evaluate(arrays, n_rows=len(rows))
    for i, case in enumerate(cases):
        # normalise scales soft likelihoods to max 1 (issue 16): the oracle gets the same vectors.
        scaled = {k: dict(zip(model.states(k), vec.tolist(), strict=True)) for k, vec in rows[i].items()}
        expected = float(oracle.weights(scaled).sum())
        assert abs(np.exp(log_ev[i]) - expected) <= 1e-12 + 1e-9 * expected, f"{path}: P({case})"


@pytest.mark.parametrize("path", sorted(PATHS))
def test_vanishing_evidence_probability_is_rescaled_not_lost(model, path, forced_path):
    """Check that evidence of probability ~1e-300 is exact: uniform tiny likelihoods change nothing.

    A likelihood vector (c, c) carries no information, so the posteriors equal
    the priors and P(evidence) = c^k exactly; with c = 1e-110 on three
    findings the total, 1e-330, underflows unless messages are rescaled.
    """
    tiny = 1e-110
    evidence = {k: {s: tiny for s in model.states(k)} for k in ("urge_to_move", "nocturnal", "ferritin")}
    # Built by hand: normalise would scale them to max 1 (issue 16), and the engine must rescale raw ones too.
    vectors = {k: np.full(len(model.states(k)), tiny) for k in evidence}
    with forced_path(path):
        post = model.posteriors(evidence)
        _, log_ev = model.compiled.evaluate({k: v.reshape(1, -1) for k, v in vectors.items()})
    prior = model.posteriors({})
    assert np.abs(post.sort_index() - prior.sort_index()).max() <= 1e-12
    assert log_ev[0] == pytest.approx(3 * math.log(tiny), rel=1e-12)


@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_batch_with_no_evidence_at_all_gives_the_prior(model, path, forced_path):
    """Check evaluate() on rows with no evidence at all (no columns): every row is the prior, P(evidence) = 1.

    Regression: the pruned-tree path indexed a one-row constant by row number.
    """
    with forced_path(path):
        post, log_ev = model.compiled.evaluate({}, n_rows=3)
    prior = model.posteriors({})[model.conditions].to_numpy()
    assert np.abs(post - prior).max() <= 1e-12
    assert np.abs(log_ev).max() <= 1e-12
