"""The expected value of an answer (by="value"): against brute force, its properties, the knife edge it fixes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.reasoning._decision import collect, decisions
from crampnet.reasoning._question_order import GAIN_DECIMALS
from crampnet.reasoning._thresholds import THRESHOLDS
from crampnet.reasoning._thresholds import testing_thresholds as shipped_thresholds
from crampnet.reasoning._value import VALUE_TOLERANCE, slopes, valuers, values
from crampnet.reasoning.questions import next_questions, rank_questions


def _expected_value(before: dict[str, float], after: list[tuple[float, dict[str, float]]], focus, thresholds, k) -> dict[str, float]:
    """V_lead and sum_i V_i from the definitions, given the posteriors before and after each answer (with its probability)."""
    lead = sum(p * max(post[c] for c in focus) for p, post in after) - max(before[c] for c in focus)
    threshold = 0.0
    for c, t in thresholds.items():
        if c in focus:
            threshold += k.get(c, 1.0) * (sum(p * max(post[c] - t, 0.0) for p, post in after) - max(before[c] - t, 0.0))
    return {"value_lead": lead, "value_threshold": threshold, "value": lead + threshold}


@pytest.mark.parametrize("evidence", [{}, {"urge": "yes"}, {"urge": "yes", "ferritin": "low", "age_group": "65_plus"}, {"location": "calf", "pulses": "diminished"}])
@pytest.mark.parametrize("focus", [["cramps", "rls", "plm"], ["rls", "plm"], ["plm"]])
def test_value_equals_brute_force_on_tiny(tiny, tiny_oracle, evidence, focus):
    """Check value_lead, value_threshold and value against enumeration of tiny's joint, with slopes other than 1."""
    post = tiny_oracle.posteriors(tiny.conditions, evidence)
    thresholds = {"rls": min(0.99, post["rls"] * 1.3 + 0.01), "plm": max(0.01, post["plm"] * 0.7)}
    k = {"rls": 0.8, "plm": 1.3}
    answers = collect(tiny, evidence)
    got = values(answers, focus, thresholds, k)
    before = tiny_oracle.posteriors(focus, evidence)
    for i, q in enumerate(answers.candidates):
        after = [(p, tiny_oracle.posteriors(focus, {**evidence, q: s})) for s, p in tiny_oracle.marginal(q, evidence).items() if p > 0]
        for name, value in _expected_value(before, after, focus, thresholds, k).items():
            assert got[name][i] == pytest.approx(value, abs=1e-9), (q, name)
    assert got["value"].max() > 1e-3, "no question has value: the check would be empty"


def test_value_equals_brute_force_on_the_shipped_network(model):
    """Check the value columns for a few candidates against answers entered one by one with model.probability and model.posteriors."""
    evidence = {"muscle_cramps": True, "age": 64}
    table = next_questions(model, evidence, None, by="value")
    thresholds = shipped_thresholds(model)
    # K = sens + (1 - spec) harm, read off the threshold inputs here, not from crampnet.reasoning._value.
    k = {c: THRESHOLDS[c].sensitivity.value + (1 - THRESHOLDS[c].specificity.value) * THRESHOLDS[c].harm.value for c in model.must_not_miss if c in THRESHOLDS}
    focus = list(model.conditions)
    before = model.posteriors(evidence).to_dict()
    for q in ("calf_tenderness", "symptom_duration", "ferritin"):
        after = []
        for s in model.states(q):
            p = model.probability({q: s}, given=evidence)
            if p > 0:
                after.append((p, model.posteriors({**evidence, q: s}).to_dict()))
        for name, value in _expected_value(before, after, focus, thresholds, k).items():
            assert table.loc[q, name] == pytest.approx(value, abs=1e-9), (q, name)
    assert (table.loc[["calf_tenderness", "symptom_duration", "ferritin"], "value"] > 0).any()


def test_slope_is_the_gain_of_testing_per_unit_probability():
    """Check K (p - T) equals the expected harm of not testing minus that of testing, at any p, for every threshold's inputs."""
    for t in THRESHOLDS.values():
        sens, spec, harm, risk = t.sensitivity.value, t.specificity.value, t.harm.value, t.test_risk.value
        k = sens + (1 - spec) * harm
        for p in (0.0, 0.01, t.value, 0.3, 1.0):
            gain = p - (risk + p * (1 - sens) + (1 - p) * (1 - spec) * harm)
            assert k * (p - t.value) == pytest.approx(gain, abs=1e-12)


def test_slopes_default_to_one_without_threshold_inputs(tiny, model):
    """Check every shipped must-not-miss condition with inputs gets its own slope, and a network without them gets none (1 when used)."""
    shipped = slopes(model)
    assert set(shipped) == set(model.must_not_miss)
    assert all(shipped[c] != 1.0 for c in model.must_not_miss if c in THRESHOLDS)
    assert slopes(tiny) == {}


def _check_properties(model, evidence, focus, thresholds, k) -> None:
    answers = collect(model, evidence)
    got = values(answers, focus, thresholds, k)
    decided = decisions(answers, focus, thresholds)["decision"]
    for name in ("value", "value_lead", "value_threshold"):
        assert (got[name] >= 0).all(), name
    assert np.allclose(got["value"], got["value_lead"] + got["value_threshold"], atol=1e-15)
    # No crossing and no new leader: the answer is worth nothing (the posteriors are a martingale).
    assert (got["value"][decided == 0] == 0).all()
    for i in range(len(answers.candidates)):
        rows = np.array(answers.rows(i))
        assert np.allclose(answers.weight[rows] @ answers.post[rows], answers.post[0], atol=1e-9, rtol=0)
    about = valuers(answers, focus, thresholds, k)
    assert all((a == "") == (v == 0) for a, v in zip(about, got["value"], strict=True))


@given(data=st.data(), cuts=st.lists(st.floats(0.02, 0.98), min_size=3, max_size=3), k=st.lists(st.floats(0.5, 1.5), min_size=3, max_size=3), n_focus=st.integers(1, 3))
@settings(max_examples=30, deadline=None)
def test_value_properties_on_tiny(tiny, evidence_st, data, cuts, k, n_focus):
    """Check value >= 0, value = 0 without a crossing or a new leader, and the martingale, on random evidence, thresholds and slopes."""
    evidence = data.draw(evidence_st(tiny, max_size=3))
    try:
        tiny.posteriors(evidence)
    except crampnet.ImpossibleEvidenceError:
        assume(False)
    conditions = list(tiny.conditions)
    _check_properties(tiny, evidence, conditions[:n_focus], dict(zip(conditions, cuts, strict=True)), dict(zip(conditions, k, strict=True)))


@given(seed=st.integers(0, 2**31 - 1), cuts=st.lists(st.floats(0.02, 0.98), min_size=6, max_size=6))
@settings(max_examples=10, deadline=None)
def test_value_properties_on_random_networks(random_networks, seed, cuts):
    """Check the same properties on random networks and random evidence."""
    model, _, _ = random_networks.make(seed)
    evidence = random_networks.evidence(seed + 5, model, soft=seed % 2 == 0, max_size=3)
    try:
        model.posteriors(evidence)
    except crampnet.ImpossibleEvidenceError:
        assume(False)
    thresholds = dict(zip(model.conditions, cuts, strict=False))
    _check_properties(model, evidence, list(model.conditions), thresholds, {})


@pytest.mark.parametrize("evidence", [{}, {"urge": "yes"}])
def test_knife_edge_decision_chases_a_hair_value_does_not(tiny, evidence):
    """Check the knife edge: with plm a hair (1e-6) under its threshold, decision puts first a question that only nudges plm across; value does not.

    Any answer that raises plm at all crosses the threshold, so ``decision``
    counts it in full, however little it moves plm; ``value`` counts how far.
    """
    answers = collect(tiny, evidence)
    p = float(answers.post[0, tiny.conditions.index("plm")])
    edge = dataclasses.replace(answers, thresholds={"plm": p + 1e-6}, must_not_miss=("plm",))
    by_decision = rank_questions(tiny, edge, None)
    by_value = rank_questions(tiny, edge, None, by="value")
    first = by_decision.index[0]
    assert by_decision.loc[first, "threshold_change"] > 0.25  # a crossing, in full
    assert by_decision.loc[first, "leader_change"] == 0  # and nothing else
    assert by_value.index[0] != first
    assert by_decision.loc[first, "value"] < 0.1 * by_value["value"].iloc[0]  # worth a tenth of the best, or less
    assert by_value["value"].round(4).is_monotonic_decreasing


def test_value_order_and_cost_aware(model):
    """Check by='value' sorts by value at 4 decimals, then decision at 2, then information; cost_aware divides each by the cost."""
    evidence = {"presenting_complaint": "pain", "age": 55, "sex": "female"}
    table = next_questions(model, evidence, None, by="value")
    keys = list(zip(-table["value"].round(4), -table["decision"].round(2), -table["information_gain"].round(GAIN_DECIMALS), table["cost"], strict=True))
    assert keys == sorted(keys)
    aware = next_questions(model, evidence, None, by="value", cost_aware=True)
    c = aware["cost"]
    keys = list(zip(-(aware["value"] / c).round(4), -(aware["decision"] / c).round(2), -(aware["information_gain"] / c).round(GAIN_DECIMALS), c, strict=True))
    assert keys == sorted(keys)
    decision = next_questions(model, evidence, None)
    assert np.allclose(decision.loc[table.index, "value"], table["value"])
    # A question worth nothing is about what it informs most, as in the information order.
    information = next_questions(model, evidence, None, by="information")
    zero = table.index[table["value"] == 0]
    assert len(zero) and (table.loc[zero, "about"] == information.loc[zero, "about"]).all()


def test_value_about_is_the_largest_share(model):
    """Check a question whose value is all one must-not-miss condition's threshold part is about that condition."""
    evidence = {"muscle_cramps": True, "age": 64}
    table = next_questions(model, evidence, None, by="value")
    only_threshold = table[(table["value_lead"] == 0) & (table["value_threshold"] > 0)]
    assert len(only_threshold)
    assert set(only_threshold["about"]) <= set(model.must_not_miss)
    dvt = next_questions(model, evidence, None, by="value", about=["deep_vein_thrombosis"])
    assert (dvt["value_lead"] == 0).all()  # one focus condition cannot lose the lead
    assert set(dvt.loc[dvt["value"] > 0, "about"]) == {"deep_vein_thrombosis"}


def test_diagnosis_value_order_equals_the_function(model):
    """Check Diagnosis.next_questions(by='value') equals the module function."""
    evidence = {"muscle_cramps": True, "nocturnal": True, "age": 70}
    expected = next_questions(model, evidence, 6, by="value")
    got = model.diagnose(evidence).next_questions(6, by="value")
    assert list(got.index) == list(expected.index)
    assert np.allclose(got["value"], expected["value"])


def test_bad_by_lists_every_order(model):
    """Check an unknown 'by' raises the error naming the three valid orders."""
    with pytest.raises(crampnet.InvalidValueError, match=r"must be one of 'decision', 'information', 'value'\. Got 'worth'"):
        next_questions(model, {}, by="worth")
    with pytest.raises(crampnet.InvalidValueError, match="'by' argument"):
        model.diagnose({}).next_questions(by=3)  # type: ignore[arg-type]


def test_tolerance_is_far_below_the_order_precision():
    """Check the zero tolerance cannot change the order (compared at 4 decimals)."""
    assert VALUE_TOLERANCE < 0.5e-4


def test_value_under_a_given_threshold_weighs_each_crossing_with_k_one(model):
    """Check value_threshold under threshold=t against the definition with T = t and K = 1 for every must-not-miss condition.

    The module says K = sens + (1 - spec) harm goes with T derived from the same inputs; under a threshold given, T is
    that number for every condition and only it is known (the red flags read no test-treatment threshold, no rule-out),
    so K = 1, as for a condition without inputs. value_threshold kept each condition's own K there (DVT's 0.905).
    """
    evidence, t = {"unilateral_calf_swelling": True, "presenting_complaint": "swelling", "symptom_duration": 3}, 0.2
    table = next_questions(model, evidence, None, by="value", threshold=t)
    focus = list(model.conditions)
    before = model.posteriors(evidence).to_dict()
    for q in ("d_dimer", "calf_tenderness"):
        after = [(p, model.posteriors({**evidence, q: s}).to_dict()) for s in model.states(q) if (p := model.probability({q: s}, given=evidence)) > 0]
        expected = _expected_value(before, after, focus, dict.fromkeys(model.must_not_miss, t), {})
        assert table.loc[q, "value_threshold"] == pytest.approx(expected["value_threshold"], abs=1e-9), q
    assert table.loc["d_dimer", "value_threshold"] > 0.01  # a normal D-dimer takes DVT from about 34% to under 20%
