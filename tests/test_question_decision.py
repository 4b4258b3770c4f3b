"""Questions that chase the decision (issue 13, item 4): the measures against brute force, focus, probes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.reasoning._decision import LEAD_TOLERANCE, collect, deciders, decisions
from crampnet.reasoning._question_order import GAIN_DECIMALS
from crampnet.reasoning.questions import information_gain, next_questions


def _possible(model, evidence) -> bool:
    try:
        model.posteriors(evidence)
    except crampnet.ImpossibleEvidenceError:
        return False
    return True


def _brute_force_decisions(oracle, model, evidence, question, focus, thresholds, treatments=None) -> dict[str, float]:
    """The four measures from the definitions, every probability from the full joint (a crossing of either threshold counts)."""
    before = oracle.posteriors(focus, evidence)
    leader = max(focus, key=lambda c: (before[c], -focus.index(c)))  # ties: first in network order
    out = dict.fromkeys(("leader_change", "threshold_change", "decision", "risk_shift"), 0.0)
    for state, p_state in oracle.marginal(question, evidence).items():
        if p_state <= 0:
            continue
        after = oracle.posteriors(focus, {**evidence, question: state})
        leads = len(focus) > 1 and max(after.values()) > after[leader] + LEAD_TOLERANCE
        limits = [(c, t) for c, t in thresholds.items() if c in focus] + [(c, t) for c, t in (treatments or {}).items() if c in focus and c in thresholds]
        crosses = any((after[c] >= t) != (before[c] >= t) for c, t in limits)
        out["leader_change"] += p_state * leads
        out["threshold_change"] += p_state * crosses
        out["decision"] += p_state * (leads or crosses)
        out["risk_shift"] += p_state * sum(abs(after[c] - before[c]) for c in thresholds if c in focus)
    return out


def _check_against_brute_force(model, oracle, evidence, focus, thresholds, treatments=None) -> None:
    answers = collect(model, evidence)
    measures = decisions(answers, focus, thresholds, treatments)
    assert answers.candidates
    for i, question in enumerate(answers.candidates):
        expected = _brute_force_decisions(oracle, model, evidence, question, focus, thresholds, treatments)
        for name, value in expected.items():
            assert measures[name][i] == pytest.approx(value, abs=1e-9), (question, name)


@pytest.mark.parametrize("evidence", [
    {},
    {"urge": "yes"},
    {"urge": "yes", "ferritin": "low", "age_group": "65_plus"},
    {"location": "calf", "pulses": "diminished"},
    {"ferritin": {"low": 0.7, "normal": 0.2}},
])  # fmt: skip
@pytest.mark.parametrize("focus", [["cramps", "rls", "plm"], ["rls", "plm"], ["plm"]])
def test_decision_measures_equal_brute_force_on_tiny(tiny, tiny_oracle, evidence, focus):
    """Check leader change, threshold change, decision and risk shift against enumeration of tiny's joint."""
    # Thresholds straddling the current posteriors, so that answers can cross them.
    post = tiny_oracle.posteriors(tiny.conditions, evidence)
    thresholds = {"rls": min(0.99, post["rls"] * 1.3 + 0.01), "plm": max(0.01, post["plm"] * 0.7)}
    _check_against_brute_force(tiny, tiny_oracle, evidence, focus, thresholds)


@given(seed=st.integers(0, 2**31 - 1), cuts=st.lists(st.floats(0.02, 0.98), min_size=12, max_size=12), upper=st.booleans())
@settings(max_examples=16)
def test_decision_measures_equal_brute_force_on_random_networks(random_networks, brute_force, seed, cuts, upper):
    """Check the decision measures against enumeration on random networks, random focus and random thresholds: testing ones, and test-treatment ones above them when ``upper``."""
    model, _, _ = random_networks.make(seed)
    evidence = random_networks.evidence(seed + 5, model, soft=False, max_size=3)
    assume(_possible(model, evidence))
    oracle = brute_force(model.network)
    thresholds = dict(zip(model.conditions, map(min, cuts[:6], cuts[6:]), strict=False))
    treatments = dict(zip(model.conditions, map(max, cuts[:6], cuts[6:]), strict=False)) if upper else None
    focus = model.conditions[: 1 + seed % len(model.conditions)]
    _check_against_brute_force(model, oracle, evidence, list(focus), thresholds, treatments)


@pytest.mark.parametrize("evidence", [{}, {"urge": "yes"}, {"location": "calf", "pulses": "diminished"}])
def test_test_treatment_thresholds_count_as_decisions_on_tiny(tiny, tiny_oracle, evidence):
    """Check against enumeration that crossing a test-treatment threshold (Pauker & Kassirer's upper one) counts too.

    The testing thresholds are put out of reach (0: every posterior is at or above it), so only the
    test-treatment thresholds, straddling the current posteriors, can be crossed.
    """
    post = tiny_oracle.posteriors(tiny.conditions, evidence)
    thresholds = {"rls": 0.0, "plm": 0.0}
    treatments = {"rls": min(0.99, post["rls"] * 1.3 + 0.01), "plm": max(0.01, post["plm"] * 0.7)}
    _check_against_brute_force(tiny, tiny_oracle, evidence, ["cramps", "rls", "plm"], thresholds, treatments)
    answers = collect(tiny, evidence)
    with_upper = decisions(answers, ["rls", "plm"], thresholds, treatments)["threshold_change"]
    assert with_upper.max() > 0
    assert decisions(answers, ["rls", "plm"], thresholds)["threshold_change"].max() == 0  # the testing thresholds alone: never crossed


def test_probe_cold_pale_limb_asks_the_pulses_first(model):
    """Check that a cold, pale limb of recent onset asks the pedal pulses first (the shipped network's ALI case).

    Absent pulses make acute limb ischemia the most probable condition (an
    emergency by the ESVS rule); normal pulses take it below its
    test-treatment threshold. Counting only the testing threshold, the pulses
    ranked below six questions that merely settle other flags.
    """
    evidence = {"age": 63, "sex": "male", "cardiovascular_disease": "yes", "paresthesia": "yes", "bilateral": "no",
                "symptom_duration": "under_2_weeks", "cold_pale_limb": "yes", "presenting_complaint": "pain"}  # fmt: skip
    table = next_questions(model, evidence, n=3)
    assert table.index[0] == "pedal_pulses"
    assert table.loc["pedal_pulses", "decision"] == pytest.approx(1.0)


def test_measures_are_probabilities_and_decision_is_either(model):
    """Check 0 <= each <= 1 and max(leader, threshold) <= decision <= leader + threshold (an 'or' of two events)."""
    table = next_questions(model, {"muscle_cramps": True, "age": 70}, None)
    for column in ("leader_change", "threshold_change", "decision"):
        assert ((table[column] >= -1e-12) & (table[column] <= 1 + 1e-12)).all(), column
    both = np.maximum(table["leader_change"], table["threshold_change"])
    assert (table["decision"] >= both - 1e-12).all()
    assert (table["decision"] <= table["leader_change"] + table["threshold_change"] + 1e-12).all()
    assert (table["risk_shift"] >= 0).all()


def test_decision_order_and_information_order(model):
    """Check by='decision' sorts by decision at 2 decimals, then information; by='information' by information."""
    evidence = {"presenting_complaint": "pain", "age": 55, "sex": "female"}
    decision = next_questions(model, evidence, None)
    keys = list(zip(-decision["decision"].round(2), -decision["information_gain"].round(GAIN_DECIMALS), strict=True))
    assert keys == sorted(keys)
    information = next_questions(model, evidence, None, by="information")
    assert information["information_gain"].round(GAIN_DECIMALS).is_monotonic_decreasing
    assert set(decision.index) == set(information.index)
    cols = ["information_gain", "decision", "leader_change", "threshold_change", "risk_shift"]
    assert np.allclose(decision.loc[information.index, cols], information[cols])


@pytest.mark.parametrize("evidence", [{"muscle_cramps": True}, {"presenting_complaint": "pain", "age": 55, "sex": "female"}, {}])
def test_information_gains_shown_follow_their_order(model, evidence):
    """Check by='information': the gains shown, as shown, never rise down the table and are never negative.

    Gains of 0 come out of the engines as float noise of either sign (about 1e-16): the order compares
    gains at GAIN_DECIMALS, so unrounded noise in the column could rise between two tied rows (it did:
    care_setting 4.0e-16 above 8.4e-16 with muscle cramps, a failing doctest).
    """
    table = next_questions(model, evidence, None, by="information")
    assert table["information_gain"].is_monotonic_decreasing
    assert (table["information_gain"] >= 0).all()
    assert not np.signbit(table["information_gain"]).any()  # no -0.0 either


def test_staged_asks_history_then_examination_then_tests(model):
    """Check staged=True: kinds in the order history, examination, lab, abi; the measure's order inside each."""
    table = next_questions(model, {"muscle_cramps": True}, None, staged=True)
    stages = ["history", "examination", "lab", "abi"]
    kinds = [stages.index(k) for k in table["kind"]]
    assert kinds == sorted(kinds)
    history = table[table["kind"] == "history"]
    keys = list(zip(-history["decision"].round(2), -history["information_gain"].round(GAIN_DECIMALS), strict=True))
    assert keys == sorted(keys)


def test_about_restricts_information_and_decisions(model):
    """Check about=[...]: information gain is the sum of the named columns; one non-must-not-miss condition has no decision."""
    evidence = {"muscle_cramps": True, "fasciculations": True}
    named = ["motor_neuron_disease", "electrolyte_disturbance"]
    table = next_questions(model, evidence, None, about=named)
    per_condition = information_gain(model, evidence)
    assert np.allclose(table["information_gain"], per_condition.loc[table.index, named].sum(axis=1))
    assert set(table["about"]) <= {*named, ""}
    single = next_questions(model, evidence, None, about="electrolyte_disturbance")
    assert (single["decision"] == 0).all()  # one condition cannot lose the lead; no threshold
    assert single["information_gain"].round(GAIN_DECIMALS).is_monotonic_decreasing  # so information decides (at GAIN_DECIMALS)
    # The must-not-miss condition's own threshold still counts when it is named.
    mnd = next_questions(model, evidence, None, about=["motor_neuron_disease"])
    assert (mnd["leader_change"] == 0).all()
    assert np.allclose(mnd["decision"], mnd["threshold_change"])


def test_about_errors(model):
    """Check unknown ids say 'Did you mean', non-conditions and empty lists are refused, as elsewhere."""
    with pytest.raises(crampnet.UnknownNodeError, match="Did you mean 'motor_neuron_disease'"):
        next_questions(model, {}, about=["motor_neuron_diseas"])
    with pytest.raises(crampnet.UnknownNodeError, match="is a finding, not a condition"):
        next_questions(model, {}, about=["weakness"])
    with pytest.raises(crampnet.InvalidValueError, match="names no condition"):
        next_questions(model, {}, about=[])
    with pytest.raises(crampnet.EvidenceTypeError, match="'about' argument"):
        next_questions(model, {}, about=3)
    with pytest.raises(crampnet.InvalidValueError, match="'by' argument"):
        next_questions(model, {}, by="entropy")


def test_diagnosis_next_questions_equals_the_function(model):
    """Check Diagnosis.next_questions (answers scored once) equals the module function for by, about, costs."""
    evidence = {"muscle_cramps": True, "nocturnal": True, "age": 70}
    dx = model.diagnose(evidence)
    for kwargs in ({}, {"by": "information"}, {"about": ["deep_vein_thrombosis"]}, {"cost_aware": True}, {"staged": True}):
        expected = next_questions(model, evidence, 6, **kwargs)
        got = dx.next_questions(6, **kwargs)
        assert list(got.index) == list(expected.index), kwargs
        assert np.allclose(got["decision"], expected["decision"])


def test_probe_smoker_with_claudication_asks_abi_or_pulses_first(model):
    """Check the issue's probe: in a smoker with claudication the ABI or the pulses are in the top 3."""
    table = next_questions(model, {"age": 68, "smoker": True, "exertional_pain_relieved_by_rest": True}, 3)
    assert {"ankle_brachial_index", "pedal_pulses"} & set(table.index)


def test_probe_cramps_with_fasciculations_focus_asks_for_motor_signs(model):
    """Check the issue's probe under focus: about motor neuron disease, weakness or hyperreflexia come in the first 3."""
    evidence = {"muscle_cramps": True, "fasciculations": True}
    focused = next_questions(model, evidence, 3, about=["motor_neuron_disease"])
    assert {"weakness", "hyperreflexia"} & set(focused.index)
    # Without focus, the decision order asks weakness before the information order does.
    ranks = {by: list(next_questions(model, evidence, None, by=by).index).index("weakness") for by in ("decision", "information")}
    assert ranks["decision"] < ranks["information"]


def test_probe_varicose_veins_rarely_first_at_intake(model):
    """Check the issue's probe: over simulated intake cases (context and complaint only), varicose veins first in < 20%."""
    cohort = model.simulate(50, seed=13)
    keep = [*model.context, "presenting_complaint"]
    first = []
    for _, case in cohort.iterrows():
        evidence = {k: case[k] for k in keep if isinstance(case[k], str)}
        first.append(next_questions(model, evidence, 1).index[0])
    assert first.count("varicosities") / len(first) < 0.20


def _bits(p: float, r: float) -> float:
    """KL(Bernoulli(p) || Bernoulli(r)) in bits, 0 log 0 = 0."""
    return sum(a * np.log2(a / b) for a, b in ((p, r), (1 - p, 1 - r)) if a > 0)


def _brute_force_decider(oracle, evidence, question, focus, thresholds) -> str:
    """Of the focus conditions whose decision an answer changes (the displaced leader and the new one, a threshold crossed), the one the question informs most, from the full joint.

    Ties (gains at GAIN_DECIMALS): the one whose decision changes most often, then the first in focus.
    """
    before = oracle.posteriors(focus, evidence)
    leader = max(focus, key=lambda c: (before[c], -focus.index(c)))
    weight = dict.fromkeys(focus, 0.0)
    info = dict.fromkeys(focus, 0.0)
    for state, p_state in oracle.marginal(question, evidence).items():
        if p_state <= 0:
            continue
        after = oracle.posteriors(focus, {**evidence, question: state})
        for c in focus:
            info[c] += p_state * _bits(after[c], before[c])
        top = max(focus, key=lambda c: (after[c], -focus.index(c)))
        if len(focus) > 1 and after[top] > after[leader] + LEAD_TOLERANCE:
            weight[top] += p_state
            weight[leader] += p_state
        for c, t in thresholds.items():
            if c in focus and (after[c] >= t) != (before[c] >= t):
                weight[c] += p_state
    changed = [c for c in focus if weight[c] > 0]
    return max(changed, key=lambda c: (round(info[c], GAIN_DECIMALS), weight[c], -focus.index(c))) if changed else ""


@pytest.mark.parametrize("evidence", [{}, {"urge": "yes"}, {"location": "calf", "pulses": "diminished"}])
@pytest.mark.parametrize("thresholds", [{}, {"plm": 0.3}, {"plm": 0.3, "rls": 0.2}])
def test_deciders_equal_brute_force_on_tiny(tiny, tiny_oracle, evidence, thresholds):
    """Check each question's decider (of the conditions whose decision it changes, the one it informs most) against enumeration of tiny's joint."""
    focus = list(tiny.conditions)
    answers = collect(tiny, evidence)
    found = deciders(answers, focus, thresholds)
    expected = [_brute_force_decider(tiny_oracle, evidence, q, focus, thresholds) for q in answers.candidates]
    assert found == expected
    assert any(found), "no question changes a decision: the check would be empty"


def test_about_names_the_must_not_miss_condition_a_question_can_move(model):
    """Check that, ranked by decision, a question that can move DVT across its testing threshold is about DVT, although it tells more about the local calf lesions (the README case)."""
    case = {"age": 52, "sex": "female", "presenting_complaint": "restlessness", "urge_to_move": True, "uncomfortable_sensations": True, "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True, "visible_hard_contraction": False, "ferritin": 32}
    by_decision = next_questions(model, case, None)
    row = by_decision.loc["calf_tenderness"]
    assert row["threshold_change"] > 0
    assert row["about"] == "deep_vein_thrombosis"
    by_information = next_questions(model, case, None, by="information")
    assert by_information.loc["calf_tenderness", "about"] == "local_calf_pathology"


#: Bilateral thigh pain after squatting with dark urine at 33 (CNV-078's evidence): exercise cramps lead both orders.
SQUATTER = {"age": 33, "sex": "male", "pain_location": "thigh", "bilateral": "yes", "exercise_triggered": "yes", "myoglobinuria": "yes", "presenting_complaint": "pain"}


def test_leader_change_is_about_the_most_probable_condition_as_the_displays_say(model):
    """Check what the question displays claim: the chance of changing the most probable condition, not the differential's first.

    Visible varicose veins make venous insufficiency the most probable
    condition here while exercise cramps stay first by expected disablement,
    so the answer 'yes' counts as a change although the differential keeps
    its first; the CLI header must therefore say 'most probable condition'.
    """
    from crampnet._cli_output import QUESTION_HEADERS

    yes = {**SQUATTER, "varicosities": "yes"}
    assert model.posteriors(SQUATTER).idxmax() == "exercise_associated_cramps"
    assert model.posteriors(yes).idxmax() == "venous_insufficiency"
    assert crampnet.diagnose(model, SQUATTER).differential[0] == crampnet.diagnose(model, yes).differential[0] == "exercise_associated_cramps"
    p_yes = model.probability({"varicosities": "yes"}, given=SQUATTER)
    row = next_questions(model, SQUATTER, n=None).loc["varicosities"]
    assert row["leader_change"] == pytest.approx(p_yes, abs=1e-9)  # only 'yes' changes the most probable condition
    for header in QUESTION_HEADERS.values():
        assert "most probable condition" in header and "leading condition" not in header


def _decision_by_hand(model, evidence, question, focus):
    """The decision measure of one question from its definition, through model.posteriors and red_flags (not the batch).

    An answer changes a decision when another focus condition leads, a must-not-miss
    posterior crosses its testing or test-treatment threshold, or the finding rules'
    flags differ (condition and urgency), each answer weighted by P(answer | evidence).
    """
    from crampnet.reasoning._thresholds import THRESHOLDS
    from crampnet.reasoning.redflags import red_flags, testing_thresholds

    limits = {c: (t, THRESHOLDS[c].treatment) if c in THRESHOLDS else (t,) for c, t in testing_thresholds(model).items()}
    before = model.posteriors(evidence)
    leader = max(focus, key=lambda c: (before[c], -focus.index(c)))
    rules_before = {(f.condition, f.urgency) for f in red_flags(model, evidence, threshold=1.0)}
    total = 0.0
    for state in model.states(question):
        weight = model.probability({question: state}, given=evidence)
        if weight <= 0:
            continue
        after = model.posteriors({**evidence, question: state})
        leads = max(after[c] for c in focus) > after[leader] + LEAD_TOLERANCE
        crosses = any((after[c] >= t) != (before[c] >= t) for c, ts in limits.items() if c in focus for t in ts)
        rules = {(f.condition, f.urgency) for f in red_flags(model, {**evidence, question: state}, threshold=1.0)} != rules_before
        total += weight * (leads or crosses or rules)
    return total


@pytest.mark.parametrize(("evidence", "questions"), [
    ({"age": 60, "muscle_cramps": "yes", "fasciculations": "yes"}, ["weakness", "hyperreflexia", "upper_limb_involvement", "sodium"]),
    ({"rest_pain": "yes", "smoker": "yes"}, ["pedal_pulses", "ulcer_or_gangrene", "ankle_brachial_index"]),
    ({"calf_tenderness": "yes", "age": 70}, ["malignancy", "unilateral_calf_swelling", "d_dimer"]),
])  # fmt: skip
def test_finding_rule_flags_count_as_decisions(model, evidence, questions):
    """Check next_questions' decision against the definition computed answer by answer, finding rules included.

    History and examination answers that raise, drop or change a finding rule's
    flag change a decision (weakness raises the MND Association rule beside
    fasciculations; a second Wells item raises the DVT rule); a laboratory test
    or the ABI counts by the thresholds only.
    """
    from crampnet.reasoning.questions import collect_answers, cost_of

    answers = collect_answers(model, evidence, questions)
    got = decisions(answers, list(model.conditions), answers.thresholds, answers.treatments)["decision"]
    for i, q in enumerate(answers.candidates):
        if cost_of(q)[0] in ("history", "examination"):
            assert got[i] == pytest.approx(_decision_by_hand(model, evidence, q, list(model.conditions)), abs=1e-9), q
        else:  # thresholds and leader only: the same as without the rules
            plain = decisions(collect(model, evidence, [q]), list(model.conditions), answers.thresholds, answers.treatments)["decision"][0]
            assert got[i] == pytest.approx(plain, abs=1e-12), q


def test_probe_cramps_with_fasciculations_ask_about_weakness(model):
    """Check issue 13's probe: with cramps and fasciculations, weakness (which would raise the MND flag) is among the first 8 questions.

    Counting thresholds only it ranked 39th: P(weakness | evidence) is about 0.05,
    too little to move MND across its testing threshold, but a 'yes' raises the red
    flag tool's rule whatever the posterior.
    """
    evidence = {"age": 60, "muscle_cramps": "yes", "fasciculations": "yes", "presenting_complaint": "cramps"}
    table = next_questions(model, evidence, n=8)
    assert "weakness" in table.index
    p_yes = model.probability({"weakness": "yes"}, given=evidence)
    assert table.loc["weakness", "threshold_change"] >= p_yes - 1e-9
