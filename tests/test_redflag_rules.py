"""The red-flag rules against the published criteria, written out here independently, the testing thresholds, and the published rule-outs."""

from __future__ import annotations

import itertools
import json
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crampnet
from crampnet._cli_output import must_not_miss_lines
from crampnet.reasoning._decision import _flag_changes
from crampnet.reasoning._scoring import observe
from crampnet.reasoning._thresholds import DEFAULT_THRESHOLD, THRESHOLDS, pauker_kassirer
from crampnet.reasoning._thresholds import testing_thresholds as thresholds_of
from crampnet.reasoning.redflags import red_flags, rule_flags, rule_outs_open

# Wells 2003 items the vocabulary can state, one point each (written from the published table).
WELLS = {
    "active cancer": {"malignancy": True},
    "bedridden or surgery": {"recent_immobilisation": True},
    "tenderness along the deep veins": {"calf_tenderness": True},
    "calf swelling": {"unilateral_calf_swelling": True},
    "pitting edema of the symptomatic leg only": {"edema": True, "bilateral": False},
    "previous DVT": {"prior_vte": True},
}


def _rule(model, evidence, condition):
    """The finding-rule flag for ``condition`` (threshold rule off), or None."""
    return next((f for f in red_flags(model, evidence, threshold=1.0) if f.condition == condition), None)


# The items that are signs in the leg: with one of them DVT is suspected (NICE NG158: "signs or symptoms of DVT, such as
# a swollen or painful leg"), so even a score of 1 calls for a D-dimer; the others are risk factors.
SIGNS = {"tenderness along the deep veins", "calf swelling", "pitting edema of the symptomatic leg only"}


@pytest.mark.parametrize("items", [c for n in range(4) for c in itertools.combinations(WELLS, n)])
def test_wells_rule_fires_at_two_points(model, items):
    """Check the DVT rule: urgent exactly when the hand-counted Wells score is 2 or more ("DVT likely"); a test (D-dimer) at 1 when the point is a sign in the leg (NICE NG158); nothing for a risk factor alone."""
    evidence = {k: v for item in items for k, v in WELLS[item].items()}
    flag = _rule(model, evidence, "deep_vein_thrombosis")
    suspected = len(items) == 1 and items[0] in SIGNS
    assert (flag is not None) == (len(items) >= 2 or suspected)
    if flag is not None:
        assert f"Wells score {len(items)}" in flag.message and "ultrasound" in flag.message
        assert "Wells" in flag.source and "Geersing" in flag.source
        assert flag.urgency == ("test" if suspected else "urgent")
        assert ("D-dimer test" in flag.message and "NG158" in flag.source) == suspected


def test_edema_in_both_legs_scores_no_wells_point(model):
    """Check pitting edema counts only when confined to the symptomatic leg."""
    assert _rule(model, {"edema": True, "bilateral": True, "malignancy": True}, "deep_vein_thrombosis") is None
    assert _rule(model, {"edema": True, "bilateral": False, "malignancy": True}, "deep_vein_thrombosis") is not None


@pytest.mark.parametrize(("evidence", "fires"), [
    ({"d_dimer": "raised"}, True),  # Wells 0, positive D-dimer: ultrasound
    ({"d_dimer": "raised", "malignancy": True}, True),
    ({"d_dimer": "normal", "malignancy": True}, False),  # Wells 1 with a negative D-dimer rules out (Geersing 2014)
    ({"d_dimer": "normal", "malignancy": True, "calf_tenderness": True}, True),  # Wells 2: a D-dimer does not rule out
])  # fmt: skip
def test_d_dimer(model, evidence, fires):
    """Check a raised D-dimer flags at any Wells score and a normal one rules out only at Wells <= 1."""
    assert (_rule(model, evidence, "deep_vein_thrombosis") is not None) == fires


def test_the_signs_in_the_leg_are_wells_items():
    """Check the D-dimer rule's signs name Wells items the score counts (a renamed item would silently drop the rule)."""
    from crampnet.reasoning._rules import WELLS_ITEMS, WELLS_SIGNS

    assert set(WELLS_SIGNS) <= {item for _, item in WELLS_ITEMS} and len(WELLS_SIGNS) == 3


@pytest.mark.parametrize(("evidence", "urgency"), [
    ({"calf_tenderness": True, "d_dimer": "normal"}, None),  # Wells 1, D-dimer normal: DVT unlikely (Geersing 2014)
    ({"calf_tenderness": True, "d_dimer": "raised"}, "urgent"),  # ultrasound
    ({"edema": True, "bilateral": False}, "test"),  # pitting edema of the symptomatic leg only
    ({"edema": True, "bilateral": True}, None),  # edema of both legs is no Wells point
    ({"prior_vte": True}, None),  # a risk factor without a sign in the leg: DVT not suspected
])  # fmt: skip
def test_a_sign_in_the_leg_with_wells_one_asks_for_a_d_dimer(model, evidence, urgency):
    """Check the NICE NG158 pathway at Wells <= 1: a sign in the leg and no D-dimer yet gives a test flag; a normal D-dimer rules out."""
    flag = _rule(model, evidence, "deep_vein_thrombosis")
    assert (None if flag is None else flag.urgency) == urgency


def test_probe_calf_tenderness_with_cancer(model):
    """Check the issue's probe: one-sided calf tenderness with active cancer (Wells 2) flags DVT by rule."""
    evidence = {"age": 60, "calf_tenderness": True, "malignancy": True, "bilateral": False, "pain_location": "calf"}
    assert _rule(model, evidence, "deep_vein_thrombosis") is not None


def test_probe_fasciculations_with_brisk_reflexes(model):
    """Check the issue's probe: fasciculations with brisk reflexes at 60 (UMN + LMN, one region) flag MND by rule."""
    flag = _rule(model, {"age": 60, "fasciculations": True, "hyperreflexia": True}, "motor_neuron_disease")
    assert flag is not None and flag.urgency == "urgent" and "Gold Coast" in flag.source


# Gold Coast criteria, written out: UMN and LMN in one region, or LMN in two regions (bulbar counts as a region).
UMN_LEG = {"hyperreflexia"}
LMN_LEG = {"fasciculations", "muscle_atrophy"}  # fasciculations as LMN signs after Awaji


@pytest.mark.parametrize("signs", [c for n in range(1, 4) for c in itertools.combinations(["hyperreflexia", "fasciculations", "muscle_atrophy", "weakness", "upper_limb_involvement", "bulbar_symptoms"], n)])
def test_mnd_rule_follows_gold_coast(model, signs):
    """Check the MND rules: urgent exactly by the Gold Coast criteria as written here (bulbar with a leg motor sign is two
    regions), and otherwise a 'test' flag exactly for weakness with a lower motor neuron sign (the MND Association red
    flag tool's question about progression)."""
    s = set(signs)
    one_region = bool(s & UMN_LEG) and bool(s & LMN_LEG)
    two_regions = bool(s & LMN_LEG) and bool(s & {"upper_limb_involvement", "bulbar_symptoms"})
    bulbar = "bulbar_symptoms" in s and bool(s & {"weakness", "hyperreflexia"})
    gold_coast = one_region or two_regions or bulbar
    flag = _rule(model, dict.fromkeys(signs, True), "motor_neuron_disease")
    assert (flag is not None and flag.urgency == "urgent") == gold_coast
    assert (flag is not None and flag.urgency == "test") == (not gold_coast and "weakness" in s and bool(s & LMN_LEG))


@pytest.mark.parametrize(("evidence", "fires"), [
    ({"cold_pale_limb": True, "pedal_pulses": "absent"}, True),  # pallor/cold + pulselessness
    ({"cold_pale_limb": True, "atrial_fibrillation": True}, True),  # with an embolic source
    ({"cold_pale_limb": True, "pedal_pulses": "absent", "symptom_duration": "under_2_weeks"}, True),
    ({"cold_pale_limb": True, "pedal_pulses": "absent", "symptom_duration": "over_3_months"}, False),  # not acute (ESVS: < 2 weeks)
    ({"symptom_duration": "under_2_weeks", "pedal_pulses": "absent", "atrial_fibrillation": True}, True),
    ({"pedal_pulses": "absent", "atrial_fibrillation": True}, False),  # onset not stated
    ({"cold_pale_limb": True}, False),
    ({"pedal_pulses": "absent"}, False),
])  # fmt: skip
def test_acute_limb_ischemia_rule(model, evidence, fires):
    """Check the ALI rule: sudden pallor or cold with pulselessness or an embolic source is an emergency."""
    flag = _rule(model, evidence, "acute_limb_ischemia")
    assert (flag is not None) == fires
    if fires:
        assert flag.urgency == "emergency" and "ESVS" in flag.source


@pytest.mark.parametrize(("evidence", "fires"), [
    ({"rest_pain": True, "ankle_brachial_index": 0.3}, True),
    ({"ulcer_or_gangrene": True, "ankle_brachial_index": 0.7}, True),
    ({"rest_pain": True, "pedal_pulses": "absent"}, True),
    ({"rest_pain": True, "ankle_brachial_index": 1.1}, False),  # no haemodynamic evidence of PAD
    ({"rest_pain": True}, False),
    ({"ulcer_or_gangrene": True, "pedal_pulses": "normal"}, False),
])  # fmt: skip
def test_chronic_limb_threatening_ischemia_rule(model, evidence, fires):
    """Check the CLTI rule: rest pain, ulcer or gangrene with haemodynamic evidence of PAD (GVG 2019)."""
    flag = _rule(model, evidence, "critical_limb_ischemia")
    assert (flag is not None) == fires
    if fires:
        assert flag.urgency == "urgent" and "Global Vascular Guidelines" in flag.source


def test_cauda_equina_with_bilateral_symptoms(model):
    """Check sphincter disturbance with bilateral symptoms is an emergency, alone urgent."""
    assert _rule(model, {"bladder_bowel_dysfunction": True, "bilateral": True}, "lumbar_radiculopathy").urgency == "emergency"
    assert _rule(model, {"bladder_bowel_dysfunction": True}, "lumbar_radiculopathy").urgency == "urgent"
    assert _rule(model, {"bilateral": True, "back_pain": True}, "lumbar_radiculopathy") is None


@pytest.mark.parametrize(("sens", "spec", "harm", "risk"), [(0.9, 0.98, 0.1, 0.01), (0.76, 0.915, 0.05, 0.001), (0.94, 0.82, 0.5, 0.02), (0.5, 0.5, 1.0, 0.0)])
def test_pauker_kassirer_is_where_testing_starts_to_beat_doing_nothing(sens, spec, harm, risk):
    """Check the threshold against expected harms: doing nothing costs p, testing costs risk + p(1-sens) + (1-p)(1-spec)harm."""
    threshold = pauker_kassirer(sensitivity=sens, specificity=spec, harm=harm, test_risk=risk)

    def nothing(p: float) -> float:
        return p

    def test(p: float) -> float:
        return risk + p * (1 - sens) + (1 - p) * (1 - spec) * harm

    assert nothing(threshold) == pytest.approx(test(threshold), abs=1e-12)
    assert nothing(threshold * 0.9) < test(threshold * 0.9)
    if threshold < 1:
        assert nothing(min(1.0, threshold * 1.1)) > test(min(1.0, threshold * 1.1))


@pytest.mark.parametrize("bad", [{"sensitivity": 0.0}, {"specificity": 1.5}, {"harm": -0.1}, {"test_risk": float("nan")}])
def test_pauker_kassirer_rejects_bad_inputs(bad):
    """Check out-of-range inputs raise a ValueError naming the input."""
    args = {"sensitivity": 0.9, "specificity": 0.9, "harm": 0.1, "test_risk": 0.01, **bad}
    with pytest.raises(ValueError, match=next(iter(bad))):
        pauker_kassirer(**args)


def test_every_threshold_input_has_a_source_or_a_judgment_with_a_range(model):
    """Check each input names a source, or says judgment with a reason and a range; each condition says what rules it out."""
    assert set(THRESHOLDS) == set(model.must_not_miss)
    for entry in THRESHOLDS.values():
        for item in (entry.sensitivity, entry.specificity, entry.harm, entry.test_risk):
            assert len(item.source) > 20
            if item.source.startswith("judgment"):
                assert "range" in item.source
        assert entry.rule_out and entry.rule_out_source and 0 < entry.value < 1


def test_thresholds_fall_back_to_the_default():
    """Check a must-not-miss condition without its own figure gets DEFAULT_THRESHOLD."""
    stand_in = SimpleNamespace(must_not_miss=["deep_vein_thrombosis", "unheard_of"])
    thresholds = thresholds_of(stand_in)  # type: ignore[arg-type]
    assert thresholds["unheard_of"] == DEFAULT_THRESHOLD
    assert thresholds["deep_vein_thrombosis"] == THRESHOLDS["deep_vein_thrombosis"].value


def test_threshold_override_and_default(model):
    """Check None uses each condition's testing threshold and a number overrides them all."""
    evidence = {"cold_pale_limb": True}
    p = float(model.posteriors(evidence)["acute_limb_ischemia"])
    per_condition = THRESHOLDS["acute_limb_ischemia"].value
    flagged = {f.condition for f in red_flags(model, evidence)}
    assert ("acute_limb_ischemia" in flagged) == (p >= per_condition)
    assert "acute_limb_ischemia" not in {f.condition for f in red_flags(model, evidence, threshold=min(1.0, p * 1.01))}
    assert "acute_limb_ischemia" in {f.condition for f in red_flags(model, evidence, threshold=p)}
    dx = model.diagnose(evidence, threshold=0.5)
    assert set(dx.must_not_miss["threshold"]) == {0.5}
    for bad in (0, 1.5, "0.1", True):
        with pytest.raises(ValueError, match="'threshold' argument must be None"):
            red_flags(model, evidence, threshold=bad)  # type: ignore[arg-type]


_WELLS_ANSWERS = {
    "calf_tenderness": ("yes", "no"),
    "unilateral_calf_swelling": ("yes", "no"),
    "edema": ("yes", "no"),
    "bilateral": ("yes", "no"),
    "malignancy": ("yes", "no"),
    "recent_immobilisation": ("yes", "no"),
    "prior_vte": ("yes", "no"),
    "d_dimer": ("normal", "raised"),
}


@settings(max_examples=150, deadline=None)
@given(answers=st.dictionaries(st.sampled_from(sorted(_WELLS_ANSWERS)), st.sampled_from(("yes", "no", "normal", "raised"))))
def test_the_dvt_rule_follows_the_ng158_pathway(model, answers):
    """Check the DVT rule on any answers to the Wells items and the D-dimer against the pathway written out here.

    Score: one point per item (pitting edema only with 'bilateral: no'). A raised D-dimer, or 2 points: urgent. Otherwise,
    with a sign in the leg and no D-dimer entered: test. Otherwise: no rule flag (a normal D-dimer at <= 1 point rules out).
    """
    evidence = {k: v for k, v in answers.items() if v in _WELLS_ANSWERS[k]}
    yes = {k for k, v in evidence.items() if v == "yes"}
    edema_one_leg = "edema" in yes and evidence.get("bilateral") == "no"
    signs = len({"calf_tenderness", "unilateral_calf_swelling"} & yes) + edema_one_leg
    score = signs + len({"malignancy", "recent_immobilisation", "prior_vte"} & yes)
    dimer = evidence.get("d_dimer")
    expected = "urgent" if score >= 2 or dimer == "raised" else "test" if signs and dimer is None else None
    flag = _rule(model, evidence, "deep_vein_thrombosis")
    assert (None if flag is None else flag.urgency) == expected


# ---------------------------------------------------------------------------
# Published rule-outs: DVT at Wells <= 1 with a normal D-dimer (NICE NG158) stops the testing-threshold flag, and says so
# ---------------------------------------------------------------------------

DVT = "deep_vein_thrombosis"
# Pregnancy and the 6 weeks after delivery (Wells not validated, RCOG 37b); symptoms of PE (assessed in their own right).
EXCEPTIONS = [{}, {"pe_symptoms": True}, {"sex": "female", "pregnancy": "later_trimester"}, {"sex": "female", "postpartum": True}]


#: Each Wells item stated absent: its node in the other state (pitting edema of one leg only: no edema).
WELLS_ABSENT = {
    "active cancer": {"malignancy": False},
    "bedridden or surgery": {"recent_immobilisation": False},
    "tenderness along the deep veins": {"calf_tenderness": False},
    "calf swelling": {"unilateral_calf_swelling": False},
    "pitting edema of the symptomatic leg only": {"edema": False},
    "previous DVT": {"prior_vte": False},
}
#: Every Wells item answered no.
ALL_ABSENT = {nid: value for item in WELLS_ABSENT.values() for nid, value in item.items()}


@pytest.mark.parametrize("items", [c for n in range(3) for c in itertools.combinations(WELLS, n)])
@pytest.mark.parametrize("d_dimer", [None, "normal", "raised"])
@pytest.mark.parametrize("exception", range(len(EXCEPTIONS)))
@pytest.mark.parametrize("answered", [True, False])
def test_the_rule_out_is_met_exactly_by_ng158(model, items, d_dimer, exception, answered):
    """Check ``ruled_out`` against the rule written out here: a normal D-dimer, a hand-counted Wells score <= 1 with every item answered (the others stated absent, or left open), no symptoms of PE, not pregnant or postpartum; that a met rule-out leaves DVT unflagged under its test-treatment threshold, and that one left open by unanswered items keeps the 'test' flag and names them."""
    evidence: dict[str, object] = {"age": 60, **EXCEPTIONS[exception]}
    if answered:
        for item in WELLS:
            evidence.update(WELLS_ABSENT[item])
    for item in items:
        evidence.update(WELLS[item])
    if d_dimer is not None:
        evidence["d_dimer"] = d_dimer
    dx = crampnet.diagnose(model, evidence)
    row = dx.must_not_miss.loc[DVT]
    expected = d_dimer == "normal" and len(items) <= 1 and exception == 0 and answered
    assert bool(row["ruled_out"]) == expected
    named = [f for f in dx.red_flags if f.condition == DVT]
    if expected and row["probability"] < THRESHOLDS[DVT].treatment:
        assert not named and not row["flagged"]
    if not expected and row["probability"] >= row["threshold"]:
        assert named and row["flagged"]  # without the rule-out the threshold (or a rule) flags it, as before
    left_open = d_dimer == "normal" and len(items) <= 1 and exception == 0 and not answered
    assert bool(rule_outs_open(model, evidence)) == left_open
    if left_open:
        # Nothing but the items stated present is entered, so the other 6 - len(items) are named as open.
        named_open = rule_outs_open(model, evidence)[DVT].split("only as soft evidence): ")[1].rstrip(".").split(", ")
        assert len(named_open) == 6 - len(items)
        if named and named[0].urgency == "test":
            assert named[0].message.endswith(f"Rule-out not met: {rule_outs_open(model, evidence)[DVT]}")


#: Every Wells item answered, one sign present (Wells 1), a normal D-dimer, and enough else (70, a swelling brought
#: within two weeks, a relative with VTE) that DVT stays over its testing threshold: the regime where the two disagree.
ANSWERED_WELLS_ONE = {
    "age": 70, "presenting_complaint": "swelling", "symptom_duration": "under_2_weeks", "family_history_vte": True,
    **ALL_ABSENT, "unilateral_calf_swelling": True, "d_dimer": "normal",
}


def test_a_normal_d_dimer_at_wells_one_no_longer_asks_for_an_ultrasound(model):
    """Check the case that contradicted NG158: one sign in the leg, the other Wells items answered no and a normal D-dimer leave DVT above its testing threshold, and crampnet said 'test' (session 36's note); now the row says why it is not flagged, in every output."""
    evidence = ANSWERED_WELLS_ONE
    dx = crampnet.diagnose(model, evidence)
    row = dx.must_not_miss.loc[DVT]
    assert row["threshold"] <= row["probability"] < THRESHOLDS[DVT].treatment  # the regime where the two disagreed
    assert not [f for f in dx.red_flags if f.condition == DVT]
    assert (row["flagged"], row["urgency"], row["ruled_out"]) == (False, None, True)
    lines = must_not_miss_lines(dx)
    assert any(line.lstrip().startswith(DVT) and line.endswith("not flagged (rule-out met)") for line in lines)
    # What the rule counted is shown.
    assert any(line.lstrip().startswith("rule-out met: Wells score 1 (calf swelling on one side; every item the network asks answered)") for line in lines)
    entry = next(e for e in json.loads(json.dumps(dx.to_dict()))["must_not_miss"] if e["condition"] == DVT)
    assert entry["ruled_out"] is True and entry["flagged"] is False
    report = dx.report()
    assert "not flagged (rule-out met)" in report and "Met here: Wells score 1 (calf swelling on one side" in report
    assert "rule-out met: NICE NG158 (2020) as summarised by primarycarenotebook.com" in report  # the rule-out's own source, cited
    # Without the D-dimer the same sign asks for one (a 'test' flag), as NG158 does.
    assert [(f.condition, f.urgency) for f in crampnet.diagnose(model, {"age": 60, "unilateral_calf_swelling": True}).red_flags] == [(DVT, "test")]


def test_a_threshold_given_by_the_caller_is_not_overridden(model):
    """Check that ``threshold=`` keeps its meaning (every must-not-miss condition at or above it flagged, urgent): the rule-out applies to the testing thresholds only."""
    dx = crampnet.diagnose(model, {"age": 60, "unilateral_calf_swelling": True, "d_dimer": "normal"}, threshold=0.01)
    row = dx.must_not_miss.loc[DVT]
    assert row["probability"] >= 0.01 and row["flagged"] and row["urgency"] == "urgent" and not row["ruled_out"]


def test_the_d_dimer_question_counts_the_rule_out_it_can_meet(model):
    """Check the question ranking's flag changes: at 70 with every Wells item answered no, no rule flags DVT either way, but a normal D-dimer meets the rule-out (Wells 0), which stops the flag; with the items open it cannot."""
    states = model.states("d_dimer")
    dvt = list(model.conditions).index(DVT)
    normal, raised = 1 + states.index("normal"), 1 + states.index("raised")
    answered = observe(model, {"age": 70, **ALL_ABSENT})
    changes = _flag_changes(model, answered, ["d_dimer"], {"d_dimer"})
    assert changes.shape == (1 + len(states), len(model.conditions))
    assert changes[normal, dvt]  # the rule-out met ...
    with_normal = {**answered, "d_dimer": np.eye(len(states))[states.index("normal")]}
    assert not any(f.condition == DVT for f in rule_flags(model, with_normal))  # ... while no finding rule flags DVT either way
    assert changes[raised, dvt]  # a raised D-dimer: the Wells rule's urgent flag
    assert not np.any(np.delete(changes[[normal, raised]], dvt, axis=1))
    # With the Wells items not entered, a normal D-dimer meets nothing: only the raised one changes a flag.
    open_changes = _flag_changes(model, observe(model, {"age": 70}), ["d_dimer"], {"d_dimer"})
    assert not open_changes[normal, dvt] and open_changes[raised, dvt]


def test_a_rule_out_left_open_keeps_the_test_flag_and_names_what_is_missing(model):
    """Check session 37's case without the other Wells items: at 60, a one-sided calf swelling and a normal D-dimer score Wells 1 on what is entered, but tenderness or a cancer not asked might make DVT likely, where NG158 wants an ultrasound; the 'test' flag stays and names the five items not entered, in the flag every output shows."""
    evidence = {"age": 60, "unilateral_calf_swelling": True, "d_dimer": "normal"}
    dx = crampnet.diagnose(model, evidence)
    row = dx.must_not_miss.loc[DVT]
    assert row["threshold"] <= row["probability"] < THRESHOLDS[DVT].treatment
    assert (row["flagged"], row["urgency"], row["ruled_out"]) == (True, "test", False)
    (flag,) = [f for f in dx.red_flags if f.condition == DVT]
    assert "Rule-out not met" in flag.message
    for item in ("active cancer", "bedridden", "tenderness along the deep veins", "pitting edema", "previously documented DVT"):
        assert item in flag.message.split("Rule-out not met")[1]
    assert "calf swelling on one side" not in flag.message.split("Rule-out not met")[1]  # the item entered is not open
    assert "Rule-out not met" in dx.report() and "Rule-out not met" in json.dumps(dx.to_dict())
    # Answering the open items (no to each) meets the rule-out, and the flag goes.
    answered = {**evidence, **ALL_ABSENT, "unilateral_calf_swelling": True}
    assert crampnet.diagnose(model, answered).must_not_miss.loc[DVT, "ruled_out"]


RULE_OUT_NODES = ["age_group", "sex", "d_dimer", "pe_symptoms", "pregnancy", "postpartum", "malignancy", "recent_immobilisation", "calf_tenderness", "unilateral_calf_swelling", "edema", "bilateral", "prior_vte", "presenting_complaint", "symptom_duration"]


@given(data=st.data())
@settings(max_examples=25, deadline=None)
def test_the_rule_out_and_the_flags_agree_for_any_evidence(model, data):
    """Check, for any evidence on the nodes the rule reads (soft evidence too): a met rule-out needs an observed D-dimer and every Wells item answered, leaves no 'test' flag on DVT, and shows in every output alike; an unmet one changes nothing."""
    from crampnet.testing import evidence as evidence_strategy

    evidence = data.draw(evidence_strategy(model, nodes=RULE_OUT_NODES, min_size=1, max_size=len(RULE_OUT_NODES), soft=True))
    dx = crampnet.diagnose(model, evidence)
    row = dx.must_not_miss.loc[DVT]
    flags = [f for f in dx.red_flags if f.condition == DVT]
    entry = next(e for e in dx.to_dict()["must_not_miss"] if e["condition"] == DVT)
    assert entry["ruled_out"] == bool(row["ruled_out"])
    if row["ruled_out"]:
        assert _outright(model, evidence, "d_dimer") == "normal"
        # Every Wells item answered outright: its node entered in one state (edema of one leg only: edema or bilateral entered).
        assert all(_outright(model, evidence, nid) is not None for nid in ("malignancy", "recent_immobilisation", "calf_tenderness", "unilateral_calf_swelling", "prior_vte"))
        assert _outright(model, evidence, "edema") is not None or _outright(model, evidence, "bilateral") is not None
        for nid, state in (("pe_symptoms", "yes"), ("pregnancy", "first_trimester"), ("pregnancy", "later_trimester"), ("postpartum", "yes")):
            value = evidence.get(nid)
            assert not (isinstance(value, dict) and value.get(state, 0) > 0)  # no soft evidence for an exception, however weak
        assert all(f.urgency != "test" for f in flags)
        assert not flags or row["probability"] >= THRESHOLDS[DVT].treatment  # only the urgent threshold flag may stay
    elif row["probability"] >= row["threshold"]:
        assert flags  # without a met rule-out the testing threshold flags DVT, as before


def _outright(model: crampnet.Model, evidence: dict[str, object], nid: str) -> str | None:
    """The state ``nid`` is entered in outright (one likelihood above 0, hard or soft, True/False read as the node's states); None when not entered or spread over several states."""
    if nid not in evidence:
        return None
    from crampnet.network.evidence import normalise

    vector = normalise(model.spec, {nid: evidence[nid]})[nid]
    positive = [state for state, weight in zip(model.states(nid), vector, strict=True) if weight > 0]
    return positive[0] if len(positive) == 1 else None


@given(
    present=st.sets(st.sampled_from(sorted(WELLS)), max_size=3),
    d_dimer=st.sampled_from(["normal", "raised", None]),
    age=st.integers(18, 95),
    pe=st.booleans(),
)
@settings(max_examples=40, deadline=None)
def test_with_every_wells_item_answered_the_rule_out_is_the_hand_count(model, present, d_dimer, age, pe):
    """Check, with every Wells item answered yes or no (hard evidence), that the rule-out is met exactly when the D-dimer is normal, the items answered yes number at most one and there are no symptoms of PE; then no 'test' flag names DVT, and none is left open."""
    evidence: dict[str, object] = {"age": age, "pe_symptoms": pe}
    for item in WELLS:
        evidence.update(WELLS[item] if item in present else WELLS_ABSENT[item])
    if d_dimer is not None:
        evidence["d_dimer"] = d_dimer
    dx = crampnet.diagnose(model, evidence)
    expected = d_dimer == "normal" and len(present) <= 1 and not pe
    assert bool(dx.must_not_miss.loc[DVT, "ruled_out"]) == expected
    assert rule_outs_open(model, evidence) == {}
    if expected:
        assert all(f.urgency != "test" for f in dx.red_flags if f.condition == DVT)


@pytest.mark.parametrize("tie", [{"normal": 1.0, "raised": 1.0}, {"normal": 0.3, "raised": 0.3}])
def test_a_tied_soft_d_dimer_is_neither_normal_nor_raised(model, tie):
    """Check that soft evidence giving both D-dimer states the same likelihood (no information) observes neither: it both flagged DVT urgent for a 'raised D-dimer' and met the rule-out by a 'normal' one."""
    case = {"presenting_complaint": "pain", "symptom_duration": "under_2_weeks", **ALL_ABSENT}
    entered = crampnet.diagnose(model, {**case, "d_dimer": tie})
    alone = crampnet.diagnose(model, case)
    assert not entered.must_not_miss.loc[DVT, "ruled_out"]
    assert not any("D-dimer" in f.message for f in entered.red_flags if f.condition == DVT)
    assert [(f.condition, f.urgency) for f in entered.red_flags] == [(f.condition, f.urgency) for f in alone.red_flags]


def test_a_tied_soft_wells_item_is_left_open(model):
    """Check that a Wells item entered as tied soft evidence is not an answer: with a normal D-dimer the rule-out waits for it and names it (two tied items scored 0 and met the rule-out once ties matched no state)."""
    case = {**ALL_ABSENT, "d_dimer": "normal", "calf_tenderness": {"yes": 1, "no": 1}, "prior_vte": {"yes": 2, "no": 2}}
    dx = crampnet.diagnose(model, case)
    assert not dx.must_not_miss.loc[DVT, "ruled_out"]
    waiting = rule_outs_open(model, case)[DVT]
    assert "localized tenderness" in waiting and "previously documented DVT" in waiting


def test_soft_evidence_leaning_to_a_normal_d_dimer_does_not_rule_dvt_out(model):
    """Check that a D-dimer entered as soft evidence, however it leans, neither meets the rule-out nor takes the flag away.

    ``{"normal": 1, "raised": 0.95}`` (almost no information) met the rule-out and removed the 'test' flag of a case over
    DVT's testing threshold; with the D-dimer entered outright as normal the rule-out is met, as NG158 says.
    """
    soft = {**ANSWERED_WELLS_ONE, "d_dimer": {"normal": 1.0, "raised": 0.95}}
    dx = crampnet.diagnose(model, soft)
    row = dx.must_not_miss.loc[DVT]
    assert not row["ruled_out"]
    assert row["probability"] >= row["threshold"] and [f.urgency for f in dx.red_flags if f.condition == DVT] == ["test"]
    assert crampnet.diagnose(model, ANSWERED_WELLS_ONE).must_not_miss.loc[DVT, "ruled_out"]  # the same case, entered outright
    assert crampnet.diagnose(model, {**ANSWERED_WELLS_ONE, "d_dimer": {"normal": 1.0, "raised": 0.0}}).must_not_miss.loc[DVT, "ruled_out"]


def test_a_wells_item_entered_as_soft_evidence_is_left_open(model):
    """Check that a Wells item entered as soft evidence leaning to 'no' is not an answer for the rule-out: it waits and names the item."""
    case = {**ALL_ABSENT, "d_dimer": "normal", "calf_tenderness": {"no": 1.0, "yes": 0.2}}
    dx = crampnet.diagnose(model, case)
    assert not dx.must_not_miss.loc[DVT, "ruled_out"]
    assert "localized tenderness" in rule_outs_open(model, case)[DVT]
    assert crampnet.diagnose(model, {**case, "calf_tenderness": False}).must_not_miss.loc[DVT, "ruled_out"]


@pytest.mark.parametrize("exception", [{"pe_symptoms": {"yes": 0.2, "no": 1.0}}, {"sex": "female", "postpartum": {"yes": 0.1, "no": 1.0}}])
def test_weak_soft_evidence_for_an_exception_stops_the_rule_out(model, exception):
    """Check that soft evidence for symptoms of pulmonary embolism or a recent delivery, however weak, stops the rule-out (it did not when the evidence leaned to 'no')."""
    case = {**ALL_ABSENT, "d_dimer": "normal"}
    assert crampnet.diagnose(model, case).must_not_miss.loc[DVT, "ruled_out"]
    assert not crampnet.diagnose(model, {**case, **exception}).must_not_miss.loc[DVT, "ruled_out"]


@pytest.mark.parametrize("entered", [{"relief_by_dependency": True}, {"relief_by_dependency": True, "rest_pain": True}])
def test_a_finding_implied_through_entails_counts_for_the_rules(model, entered):
    """Check that the CLTI rule reads rest pain implied by relief on dependency (its ``entails``), entered with it or not.

    The evidence is reduced by the file's entailments before the rules read it, and the reduction leaves the implied
    finding out (rest_pain, counted with relief_by_dependency): rest pain with absent pulses flagged CLTI, and adding
    that hanging the leg down relieves it took the rule's flag away (with a threshold given, every CLTI flag).
    """
    case = {"age": 70, "pedal_pulses": "absent", **entered}
    rule = [f for f in rule_flags(model, observe(model, case)) if f.condition == "critical_limb_ischemia"]
    assert len(rule) == 1 and "Global Vascular Guidelines" in rule[0].source
    flagged = [f for f in crampnet.diagnose(model, case, threshold=1.0).red_flags if f.condition == "critical_limb_ischemia"]
    assert [f.urgency for f in flagged] == ["urgent"] and "Global Vascular Guidelines" in flagged[0].source


def test_red_flags_reads_the_entailed_findings_once(model, monkeypatch):
    """Check that one call of red_flags reads what the entailments imply once, for the rules and the DVT rule-out alike.

    The finding rules and the rule-out (met, or open with items to name) each read the case back with its implied
    findings; each did it anew on the same evidence, three times a call. The flags read the same either way.
    """
    from crampnet.reasoning import _entries

    case = {"relief_by_dependency": True, "pedal_pulses": "absent", "calf_tenderness": True, "d_dimer": "normal", "malignancy": False}
    expected = red_flags(model, case)
    calls = []
    monkeypatch.setattr(_entries, "implied", lambda spec, vectors: calls.append(1) or _wells_implied(spec, vectors))
    assert red_flags(model, case) == expected
    assert len(calls) == 1
    assert {"critical_limb_ischemia", "deep_vein_thrombosis"} <= {f.condition for f in expected}


def _wells_implied(spec, vectors):
    """The entailments' own ``implied``, for the counting stand-in above."""
    from crampnet.network.entailment import implied

    return implied(spec, vectors)


@pytest.mark.parametrize(("evidence", "condition", "words"), [
    # pregnant, the trimester not known: RCOG Green-top 37b asks for a duplex today whatever the trimester
    ({"pregnancy": {"first_trimester": 1, "later_trimester": 1}, "presenting_complaint": "pain", "bilateral": False, "calf_tenderness": True},
     "deep_vein_thrombosis", "RCOG"),
    # the same with a normal D-dimer: the Wells rule-out is not valid in pregnancy, the rule still stands
    ({"pregnancy": {"first_trimester": 1, "later_trimester": 1, "none": 0}, "presenting_complaint": "pain", "bilateral": False,
      "calf_tenderness": True, "d_dimer": "normal", "malignancy": False, "recent_immobilisation": False,
      "unilateral_calf_swelling": False, "edema": False, "prior_vte": False}, "deep_vein_thrombosis", "RCOG"),
    # rest pain with an ABI below 0.9, low or very low not told apart: the GVG rule
    ({"rest_pain": True, "ankle_brachial_index": {"low": 1, "very_low": 1}}, "critical_limb_ischemia", "Global Vascular Guidelines"),
])  # fmt: skip
def test_a_tie_between_alternatives_of_one_group_meets_the_group(model, evidence, condition, words):
    """Check that soft evidence tied between states a rule takes alike counts for the rule (RCOG 37b, GVG 2019).

    A tie counted for none of the tied states, so a pregnancy entered without its trimester raised no pregnancy rule:
    a tender calf with pain on one side got a D-dimer 'test' flag, and with a normal D-dimer no flag at all.
    """
    flag = _rule(model, evidence, condition)
    assert flag is not None and flag.urgency == "urgent" and words in flag.source


def test_a_tie_reaching_a_state_outside_the_group_meets_nothing(model):
    """Check that a tie between a state of the group and one outside it still counts for neither (pregnant or not: no rule)."""
    case = {"pregnancy": {"none": 1, "later_trimester": 1}, "presenting_complaint": "pain", "bilateral": False}
    assert _rule(model, case, "deep_vein_thrombosis") is None
    assert _rule(model, {"rest_pain": True, "ankle_brachial_index": {"normal": 1, "low": 1}}, "critical_limb_ischemia") is None


def test_an_entry_two_groups_share_is_named_once(model):
    """Check that a finding meeting two groups of a rule is named once in its flag (one-sided calf swelling in pregnancy)."""
    flag = _rule(model, {"pregnancy": "later_trimester", "unilateral_calf_swelling": True}, "deep_vein_thrombosis")
    label = model.spec.nodes["unilateral_calf_swelling"].label
    assert flag is not None and flag.message.count(label) == 1


@pytest.mark.parametrize(("evidence", "condition", "urgency"), [
    # a cold pulseless leg, the history leaning to months on almost no information: ESVS's emergency stands
    ({"cold_pale_limb": True, "pedal_pulses": "absent", "symptom_duration": {"over_3_months": 1, "under_2_weeks": 0.95}}, "acute_limb_ischemia", "emergency"),
    # weakness with fasciculations, sensory loss barely more likely than not: the MND red flag tool's question stands
    ({"weakness": True, "fasciculations": True, "sensory_loss": {"yes": 1, "no": 0.95}}, "motor_neuron_disease", "test"),
])  # fmt: skip
def test_soft_evidence_leaning_to_an_exclusion_does_not_take_a_rule_away(model, evidence, condition, urgency):
    """Check that a rule's exclusion reads entries made outright, as the rule-outs do: a lean of 1 to 0.95 removed the flag."""
    flag = _rule(model, evidence, condition)
    assert flag is not None and flag.urgency == urgency


@pytest.mark.parametrize("duration", ["over_3_months", {"2_weeks_to_3_months": 1, "over_3_months": 1}, {"over_3_months": 1, "2_weeks_to_3_months": 0.2, "under_2_weeks": 0}])
def test_a_history_entered_as_two_weeks_or_more_stops_the_acute_rule(model, duration):
    """Check that a history stated outright as 2 weeks or more (the band known or not) stops the ESVS rule of a cold pulseless leg."""
    assert _rule(model, {"cold_pale_limb": True, "pedal_pulses": "absent", "symptom_duration": duration}, "acute_limb_ischemia") is None


# Rutherford 1997 (SVS/ISCVS), the classification ESVS 2020 uses: sensory loss beyond the toes or muscle weakness make
# a limb "immediately threatened" (class IIb, salvageable only with immediate revascularisation); its arterial Doppler
# signal is inaudible, so foot pulses felt normal put the limb outside the class.
_THREATENED = {"cold_pale_limb": True, "symptom_duration": "under_2_weeks"}


@pytest.mark.parametrize(("evidence", "fires"), [
    ({**_THREATENED, "sensory_loss": True}, True),
    ({**_THREATENED, "weakness": True}, True),
    ({**_THREATENED, "sensory_loss": True, "weakness": True, "paresthesia": True, "presenting_complaint": "pain"}, True),
    ({**_THREATENED, "weakness": True, "pedal_pulses": "diminished"}, True),  # a weak pulse is not a perfused foot
    ({**_THREATENED, "weakness": True, "pedal_pulses": "normal"}, False),  # pulses felt: not Rutherford IIb
    ({**_THREATENED, "paresthesia": True}, False),  # no deficit: Rutherford I or IIa, left to the threshold
    ({"cold_pale_limb": True, "weakness": True, "sensory_loss": True}, False),  # onset not stated
    ({"cold_pale_limb": True, "weakness": True, "symptom_duration": "2_weeks_to_3_months"}, False),  # not acute
    ({"symptom_duration": "under_2_weeks", "weakness": True, "sensory_loss": True}, False),  # the limb not cold or pale
])  # fmt: skip
def test_a_cold_limb_of_sudden_onset_with_a_deficit_is_an_emergency_without_pulses(model, evidence, fires):
    """Check that a cold or pale limb of under 2 weeks with sensory loss or weakness is an ALI emergency with the pulses not entered.

    Both ALI rules needed absent pedal pulses or atrial fibrillation, so the
    threatened limb of ESVS 2020 (sensory or motor deficit: emergency
    revascularisation) got only the threshold's ``urgent`` flag.
    """
    flag = _rule(model, evidence, "acute_limb_ischemia")
    assert (flag is not None and flag.urgency == "emergency" and "ESVS" in flag.source) == fires
    if fires:
        assert "Rutherford" in flag.source and "revascularisation" in flag.message


def test_the_threatened_limb_of_the_issue_is_an_emergency_in_the_presenting_population():
    """Check the reported case: it had only the threshold's ``urgent`` flag (P(ALI) 0.42) among presenters."""
    model = crampnet.load(population="presenting")
    evidence = {**_THREATENED, "paresthesia": True, "weakness": True, "sensory_loss": True, "presenting_complaint": "pain"}
    flags = red_flags(model, evidence)
    assert flags[0].condition == "acute_limb_ischemia" and flags[0].urgency == "emergency"
    assert [f.condition for f in flags].count("acute_limb_ischemia") == 1


# Rhabdomyolysis: muscle pain, weakness and dark (myoglobin) urine with a raised CK; myoglobin injures the kidney
# (acute kidney injury in 13-50%), so dark urine with a sign of muscle breakdown is tested the same day.
_DARK_URINE = {"myoglobinuria": True}


@pytest.mark.parametrize(("evidence", "urgency"), [
    ({**_DARK_URINE, "creatine_kinase": "raised", "exercise_triggered": True, "myalgia": True}, "urgent"),  # the issue's case
    ({**_DARK_URINE, "creatine_kinase": "raised"}, "urgent"),
    ({**_DARK_URINE, "myalgia": True}, "urgent"),
    ({**_DARK_URINE, "weakness": True}, "urgent"),
    ({**_DARK_URINE}, "test"),  # dark urine at some time after exercise: ask when, test if recent
    ({**_DARK_URINE, "creatine_kinase": "normal"}, "test"),
    ({"creatine_kinase": "raised", "myalgia": True, "exercise_triggered": True}, None),  # no dark urine: no rhabdomyolysis rule
    ({"myoglobinuria": False, "creatine_kinase": "raised", "myalgia": True}, None),
])  # fmt: skip
def test_dark_urine_after_exercise_flags_possible_rhabdomyolysis(model, evidence, urgency):
    """Check that dark urine after exercise raises a flag: urgent with a raised CK, muscle pain or weakness, else a test.

    The issue's case (dark urine, raised CK, exercise-triggered muscle pain)
    raised only the DVT test flag: nothing said that myoglobin can injure
    the kidney and that CK, renal function and the urine are checked today.
    """
    flags = [f for f in red_flags(model, evidence, threshold=1.0) if "rhabdomyolysis" in f.message.lower()]
    assert [f.urgency for f in flags] == ([urgency] if urgency else [])
    if flags:
        assert flags[0].condition == "metabolic_myopathy"
        assert "kidney" in flags[0].message and "renal function" in flags[0].message
        assert "Nye" in flags[0].source or "Bosch" in flags[0].source
