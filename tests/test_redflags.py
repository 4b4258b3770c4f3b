"""Red flags fire on the must-not-miss findings, whatever the rank, and never on benign cramps (small network)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import crampnet
from crampnet.model import Model
from crampnet.network.spec import parse_network
from crampnet.reasoning._thresholds import THRESHOLDS
from crampnet.reasoning.redflags import RULES, RedFlag, red_flags

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _binary(nid: str, role: str, parents: dict[str, float], leak: float, states: tuple[str, str] = ("yes", "no")) -> str:
    links = ", ".join(f'{{ parent = "{p}", state = "present", value = {v}, source = "judgment", reason = "test" }}' for p, v in parents.items())
    head = f'[nodes.{nid}]\nrole = "{role}"\nstates = ["{states[0]}", "{states[1]}"]\n'
    return head + f'[nodes.{nid}.cpd]\nmodel = "noisy_or"\nleak = {{ value = {leak}, source = "judgment", reason = "test" }}\nlinks = [{links}]\n'


def _condition(nid: str, prior: float, must_not_miss: bool) -> str:
    return (
        f'[nodes.{nid}]\nrole = "condition"\nstates = ["present", "absent"]\nmust_not_miss = {str(must_not_miss).lower()}\n'
        f'[nodes.{nid}.cpd]\nmodel = "noisy_or"\nleak = {{ value = {prior}, source = "judgment", reason = "test" }}\n'
        f'links = [{{ parent = "ctx", state = "yes", value = 0.1, source = "judgment", reason = "test" }}]\n'
    )


def _network() -> Model:
    """A small network carrying the vocabulary ids the rules look at."""
    parts = [
        'schema = "crampnet-network/1"\nname = "flags"\nversion = "1"\n',
        '[nodes.ctx]\nrole = "context"\nstates = ["yes", "no"]\nprior = { probabilities = { yes = 0.2, no = 0.8 }, source = "judgment", reason = "test" }\n',
        _condition("nocturnal_leg_cramps", 0.5, False),
        _condition("critical_limb_ischemia", 0.002, True),
        _condition("deep_vein_thrombosis", 0.002, True),
        _condition("motor_neuron_disease", 0.0005, True),
        _condition("lumbar_radiculopathy", 0.05, False),
        _binary("muscle_cramps", "finding", {"nocturnal_leg_cramps": 0.95}, 0.1),
        _binary("nocturnal", "finding", {"nocturnal_leg_cramps": 0.8}, 0.2),
        _binary("relief_by_stretching", "finding", {"nocturnal_leg_cramps": 0.8}, 0.1),
        _binary("visible_hard_contraction", "finding", {"nocturnal_leg_cramps": 0.7}, 0.02),
        _binary("rest_pain", "finding", {"critical_limb_ischemia": 0.9}, 0.02),
        _binary("ulcer_or_gangrene", "finding", {"critical_limb_ischemia": 0.5}, 0.01),
        _binary("unilateral_calf_swelling", "finding", {"deep_vein_thrombosis": 0.8}, 0.03),
        _binary("calf_tenderness", "finding", {"deep_vein_thrombosis": 0.6}, 0.05),
        _binary("bladder_bowel_dysfunction", "finding", {"lumbar_radiculopathy": 0.05}, 0.02),
        _binary("dermatomal_radiation", "finding", {"lumbar_radiculopathy": 0.8}, 0.05),
        _binary("straight_leg_raise", "finding", {"lumbar_radiculopathy": 0.7}, 0.05, ("positive", "negative")),
        _binary("back_pain", "finding", {"lumbar_radiculopathy": 0.8}, 0.2),
        _binary("weakness", "finding", {"motor_neuron_disease": 0.9, "lumbar_radiculopathy": 0.2}, 0.03),
        _binary("fasciculations", "finding", {"motor_neuron_disease": 0.8}, 0.05),
        _binary("hyperreflexia", "finding", {"motor_neuron_disease": 0.6}, 0.03),
        '[nodes.pedal_pulses]\nrole = "finding"\nstates = ["normal", "diminished", "absent"]\n[nodes.pedal_pulses.cpd]\nmodel = "noisy_max"\n'
        'leak = { probabilities = { normal = 0.9, diminished = 0.08, absent = 0.02 }, source = "judgment", reason = "test" }\n'
        'links = [{ parent = "critical_limb_ischemia", state = "present", probabilities = { normal = 0.1, diminished = 0.3, absent = 0.6 }, source = "judgment", reason = "test" }]\n',
    ]
    return Model(parse_network("\n".join(parts), "flags.toml"))


@pytest.fixture(scope="module")
def flags_model() -> Model:
    return _network()


BENIGN = {"muscle_cramps": True, "nocturnal": True, "relief_by_stretching": True, "visible_hard_contraction": True}
NEGATIVE = {"rest_pain": False, "ulcer_or_gangrene": False, "unilateral_calf_swelling": False, "bladder_bowel_dysfunction": False, "weakness": False, "fasciculations": False}


def _conditions(flags: list[RedFlag]) -> list[tuple[str, str]]:
    return [(f.condition, f.urgency) for f in flags]


@pytest.mark.parametrize(("evidence", "expected"), [
    ({"rest_pain": True, "pedal_pulses": "absent"}, [("critical_limb_ischemia", "urgent")]),  # GVG 2019: rest pain with PAD
    ({"ulcer_or_gangrene": True, "pedal_pulses": "absent"}, [("critical_limb_ischemia", "urgent")]),
    ({"unilateral_calf_swelling": True, "calf_tenderness": True}, [("deep_vein_thrombosis", "urgent")]),  # Wells 2
    ({"bladder_bowel_dysfunction": True, "dermatomal_radiation": True}, [("lumbar_radiculopathy", "emergency")]),
    ({"bladder_bowel_dysfunction": True, "straight_leg_raise": "positive"}, [("lumbar_radiculopathy", "emergency")]),
    ({"bladder_bowel_dysfunction": True, "back_pain": True}, [("lumbar_radiculopathy", "emergency")]),
    ({"bladder_bowel_dysfunction": True}, [("lumbar_radiculopathy", "urgent")]),
    ({"hyperreflexia": True, "fasciculations": True}, [("motor_neuron_disease", "urgent")]),  # Gold Coast: UMN + LMN, one region
])  # fmt: skip
def test_finding_rules_fire_whatever_the_rank(flags_model, evidence, expected):
    """Check each rule fires, even when benign cramp findings put cramps first by far."""
    flags = red_flags(flags_model, {**BENIGN, **evidence}, threshold=1.0)
    assert _conditions(flags) == expected
    for flag in flags:
        assert flag.message and flag.source


def test_rank_is_irrelevant(flags_model):
    """Check a flagged condition can be far down the differential and still be flagged."""
    evidence = {**BENIGN, "rest_pain": True, "pedal_pulses": "absent"}
    post = flags_model.posteriors(evidence)
    assert post.index[0] == "nocturnal_leg_cramps"
    assert any(f.condition == "critical_limb_ischemia" for f in red_flags(flags_model, evidence, threshold=1.0))


@pytest.mark.parametrize("evidence", [BENIGN, {**BENIGN, **NEGATIVE}, {}])
def test_benign_histories_raise_none(flags_model, evidence):
    """Check that benign cramps and negative answers raise no flag (posterior rule at 0.10: the toy priors are not the shipped ones)."""
    assert red_flags(flags_model, evidence, threshold=0.10) == []


@pytest.mark.parametrize("evidence", [
    {"weakness": True},
    {"fasciculations": True},
    {"fasciculations": True, "hyperreflexia": False},  # a lower motor neuron sign without weakness
    {"rest_pain": True},  # no haemodynamic evidence (GVG 2019)
    {"dermatomal_radiation": True, "back_pain": True, "straight_leg_raise": "positive"},
    {"pedal_pulses": "absent"},
    {"rest_pain": {"yes": 0.2, "no": 0.9}},
])  # fmt: skip
def test_half_a_rule_fires_no_finding_rule(flags_model, evidence):
    """Check that an incomplete pattern fires no finding rule (posterior rule switched off)."""
    assert red_flags(flags_model, evidence, threshold=1.0) == []


def test_weakness_with_lower_motor_neuron_signs_asks_about_progression(flags_model):
    """Check the MND Association red flag tool's rule: weakness with fasciculations is a 'test' flag to ask about progression.

    Lower motor neuron signs in one region do not meet the Gold Coast criteria,
    so no urgent flag; the primary-care tool asks whether the weakness is
    progressive and refers if it is.
    """
    flags = red_flags(flags_model, {**BENIGN, "weakness": True, "fasciculations": True}, threshold=1.0)
    assert _conditions(flags) == [("motor_neuron_disease", "test")]
    assert "progressive" in flags[0].message and "MND Association" in flags[0].source
    assert "Gold Coast" in flags[0].source  # progression is the first Gold Coast criterion


@pytest.mark.parametrize("negative", [{"sensory_loss": True}, {"paresthesia": True}, {"bladder_bowel_dysfunction": True}])
def test_sensory_or_sphincter_features_stop_the_progression_rule(model, negative):
    """Check that what the red flag tool lists as not supportive of MND stops its rule (shipped network, posterior rule off)."""
    evidence = {"weakness": True, "fasciculations": True}
    assert "motor_neuron_disease" in {f.condition for f in red_flags(model, evidence, threshold=1.0)}
    assert "motor_neuron_disease" not in {f.condition for f in red_flags(model, {**evidence, **negative}, threshold=1.0)}


def test_a_more_urgent_threshold_flag_replaces_a_test_rule_flag(flags_model):
    """Check that a condition keeps one flag, the more urgent: a given threshold (urgent) over the 'test' rule, the rule's words kept."""
    evidence = {"weakness": True, "fasciculations": True}
    p = float(flags_model.posteriors(evidence)["motor_neuron_disease"])
    flags = [f for f in red_flags(flags_model, evidence, threshold=p) if f.condition == "motor_neuron_disease"]
    assert [f.urgency for f in flags] == ["urgent"]
    assert "progressive" in flags[0].message and "threshold given" in flags[0].message
    below = [f for f in red_flags(flags_model, evidence, threshold=min(1.0, p * 1.01)) if f.condition == "motor_neuron_disease"]
    assert [f.urgency for f in below] == ["test"]


def test_emergencies_come_first_and_rules_combine(flags_model):
    """Check several rules at once, emergencies first, the weaker bladder rule suppressed."""
    evidence = {"rest_pain": True, "pedal_pulses": "absent", "bladder_bowel_dysfunction": True, "back_pain": True, "weakness": True, "fasciculations": True, "hyperreflexia": True}
    flags = red_flags(flags_model, evidence)
    assert flags[0].urgency == "emergency"
    assert [f.condition for f in flags].count("lumbar_radiculopathy") == 1
    assert {"critical_limb_ischemia", "motor_neuron_disease"} <= {f.condition for f in flags}
    mnd = next(f for f in flags if f.condition == "motor_neuron_disease")
    assert "hyperreflexia" in mnd.message


def test_soft_evidence_counts_when_the_flagged_state_is_most_likely(flags_model):
    """Check soft evidence: it fires when the red-flag state has the largest likelihood."""
    assert _conditions(red_flags(flags_model, {"rest_pain": {"yes": 0.9, "no": 0.1}, "pedal_pulses": "absent"}, threshold=1.0)) == [("critical_limb_ischemia", "urgent")]


def test_must_not_miss_threshold(flags_model):
    """Check the posterior rule with a threshold given: must-not-miss conditions at or above it are flagged."""
    evidence = {"calf_tenderness": True, "ctx": "yes"}
    p = float(flags_model.posteriors(evidence)["deep_vein_thrombosis"])
    below = [f for f in red_flags(flags_model, evidence, threshold=min(1.0, p * 1.01)) if f.condition == "deep_vein_thrombosis"]
    assert [f.urgency for f in below] == ["test"] and below[0].message.startswith("Wells score")  # only Wells 1's D-dimer rule
    assert "below its threshold given" in below[0].message  # which says the probability under it (session 47)
    flags = red_flags(flags_model, evidence, threshold=p)
    dvt = next(f for f in flags if f.condition == "deep_vein_thrombosis")
    assert dvt.urgency == "urgent" and "threshold given" in dvt.message and "D-dimer test" in dvt.message  # keeps the rule's words
    assert "Geersing" in dvt.source
    assert "nocturnal_leg_cramps" not in {f.condition for f in red_flags(flags_model, BENIGN, threshold=0.01)}
    with pytest.raises(ValueError, match=r"'threshold' argument must be None .* or a number in"):
        red_flags(flags_model, {}, threshold=0)


def test_sources_are_seed_files_that_exist_or_literature():
    """Check every rule names a seed document that exists, or a study with its journal reference."""
    for rule in RULES:
        seeds = re.findall(r"shared/seeds/(\S+\.txt)", rule.source)
        if SEEDS.exists():
            for name in seeds:
                assert (SEEDS / name).is_file(), name
        assert seeds or re.search(r"\d{4};\d+", rule.source), rule.source


def test_networks_without_the_nodes_raise_none(tiny):
    """Check that rules naming nodes a network lacks never fire (tiny has none of them)."""
    assert red_flags(tiny, {"urge": True, "pulses": "absent"}) == []


@pytest.mark.parametrize(("evidence", "condition"), [
    ({"rest_pain": True, "pedal_pulses": "absent", "age": 75, "smoker": True}, "critical_limb_ischemia"),
    ({"unilateral_calf_swelling": True, "calf_tenderness": True}, "deep_vein_thrombosis"),
    ({"bladder_bowel_dysfunction": True, "dermatomal_radiation": True, "back_pain": True}, "lumbar_radiculopathy"),
    ({"weakness": True, "fasciculations": True, "muscle_cramps": True}, "motor_neuron_disease"),
])  # fmt: skip
def test_shipped_network_flags(model, evidence, condition):
    """Check the rules on the shipped network."""
    assert condition in {f.condition for f in red_flags(model, evidence)}


@pytest.mark.parametrize("evidence", [
    {"muscle_cramps": True, "nocturnal": True, "visible_hard_contraction": True, "relief_by_stretching": True, "pain_location": "calf", "episode_duration": "seconds_to_minutes", "age": 55},
    {"muscle_cramps": True, "nocturnal": True, "relief_by_stretching": True, "age": 70, "sex": "female"},
    {"muscle_cramps": True, "exercise_triggered": True, "exertion_or_heat": True, "relief_by_stretching": True, "age": 30},
])  # fmt: skip
def test_shipped_network_benign_cramps_raise_none(model, evidence):
    """Check that benign cramp histories fire no finding rule, and no flag at all once the complaint (cramps) is stated.

    Without a stated complaint DVT keeps its presenting-population prior (2.4%),
    above its testing threshold (about 1.3%), so the threshold rule flags it.
    """
    assert red_flags(model, evidence, threshold=1.0) == []
    flags = red_flags(model, {**evidence, "presenting_complaint": "cramps"})
    assert flags == [], [(f.condition, f.message) for f in flags]


def test_shipped_must_not_miss_exist(model):
    """Check the shipped network marks the must-not-miss conditions the rules point at."""
    assert {"critical_limb_ischemia", "deep_vein_thrombosis", "motor_neuron_disease"} <= set(model.must_not_miss)
    assert isinstance(crampnet.load(), Model)


@pytest.mark.parametrize("evidence", [
    {"age": 70, "presenting_complaint": "pain", "pain_location": "knee", "joint_abnormality": True},  # the findings lower DVT
    {"muscle_cramps": True, "relief_by_stretching": True, "nocturnal": True},  # no context: 'before' is every presenter
    {"age_group": "40_to_64", "sex": "female", "malignancy": "no", "edema": True},  # context by id, alias and a risk factor
])  # fmt: skip
def test_threshold_flag_says_the_probability_before_the_findings(model, evidence):
    """Check that a testing-threshold flag also gives the posterior on the context entries alone, computed here by model.posteriors."""
    context = {k: v for k, v in evidence.items() if k in ("age", "age_group", "sex", "malignancy")}
    flags = [f for f in red_flags(model, evidence) if "testing threshold" in f.message]
    assert flags, "the case should reach a must-not-miss testing threshold"
    before = model.posteriors(context)
    shown = lambda p: f"{p:.2%}" if p < 0.1 else f"{p:.1%}"  # noqa: E731  two decimals under 10%, as beside a threshold
    for flag in flags:
        assert f"P = {shown(model.posteriors(evidence)[flag.condition])} ({shown(before[flag.condition])} before the findings entered)," in flag.message


def test_a_probability_just_under_its_threshold_reads_apart_from_it(model):
    """Check that DVT at 1.30% beside its 1.35% threshold shows as two numbers, not "1.3%" twice (session 40).

    A woman of 70 with a complaint of 2 weeks to 3 months leaves DVT a hair
    under its testing threshold (until session 54 the four RLS criteria at 45
    did, at 1.34%; the NAMCS age mix and complaint links took them to 1.23%):
    the report's must-not-miss row, the notebook table and the CLI give both
    to two decimals, and no flag names DVT.
    """
    from crampnet.reasoning.redflags import testing_thresholds

    case = {"age": 70, "sex": "female", "symptom_duration": "2_weeks_to_3_months"}
    dx = model.diagnose(case)
    p, limit = float(dx.posteriors["deep_vein_thrombosis"]), testing_thresholds(model)["deep_vein_thrombosis"]
    assert p < limit and round(100 * p, 1) == round(100 * limit, 1)  # one decimal would not tell them apart
    assert not any(f.condition == "deep_vein_thrombosis" for f in dx.red_flags)
    row = f"| Deep vein thrombosis | {100 * p:.2f}% | {100 * limit:.2f}% | not flagged |"
    assert row in dx.report()
    assert f"<td class=\"num\">{100 * p:.2f}%</td><td class=\"num\">{100 * limit:.2f}%</td>" in dx._repr_html_()


@pytest.mark.parametrize("evidence", [{}, {"age": 70}, {"age": 75, "sex": "male", "smoker": True}])
def test_threshold_flag_on_context_alone_has_no_before(model, evidence):
    """Check that with no finding entered a threshold flag gives the posterior once (it is already the context's)."""
    flags = [f for f in red_flags(model, evidence) if "testing threshold" in f.message]
    assert flags and all("before the findings" not in f.message for f in flags)


def test_finding_rule_flags_keep_their_words_first(model):
    """Check that a finding rule's flag (Wells 2 here) keeps its own words first; the probability follows them (session 47)."""
    flags = red_flags(model, {"age": 60, "calf_tenderness": True, "bilateral": False, "malignancy": True})
    assert [f.condition for f in flags] == ["deep_vein_thrombosis"]
    assert flags[0].message.startswith("Wells score 2") and flags[0].message.index("Deep vein thrombosis: P = ") > flags[0].message.index("ultrasound")


def test_baseline_false_leaves_the_message_without_it(model):
    """Check that baseline=False gives the same flags without the 'before the findings' words (trust.evaluate reads only conditions and urgencies)."""
    case = {"age": 70, "presenting_complaint": "pain", "pain_location": "knee", "joint_abnormality": True}
    with_it, without = red_flags(model, case), red_flags(model, case, baseline=False)
    assert [(f.condition, f.urgency) for f in with_it] == [(f.condition, f.urgency) for f in without]
    assert any("before the findings" in f.message for f in with_it) and not any("before the findings" in f.message for f in without)


#: Pregnancy with leg pain or swelling on one side: the RCOG Green-top 37b rule (clinical suspicion of DVT in pregnancy).
PREGNANT_ONE_SIDED = [
    {"age": 30, "sex": "female", "pregnancy": "later_trimester", "presenting_complaint": "pain", "bilateral": False},
    {"age": 28, "sex": "female", "pregnancy": "first_trimester", "unilateral_calf_swelling": True},
    {"age": 34, "sex": "female", "pregnancy": "later_trimester", "calf_tenderness": True, "bilateral": "no"},
    {"age": 26, "sex": "female", "pregnancy": "later_trimester", "presenting_complaint": "swelling", "bilateral": "no", "edema": True},
]  # fmt: skip


@pytest.mark.parametrize("evidence", PREGNANT_ONE_SIDED)
def test_one_sided_leg_pain_or_swelling_in_pregnancy_flags_dvt_urgently(model, evidence):
    """Check RCOG Green-top 37b: any clinical suspicion of DVT in pregnancy is tested at once, whatever the posterior.

    The threshold rule is switched off (threshold=1.0), so the flag can only be the
    finding rule's; its words name the guideline and the test, not the Wells score
    (not validated in pregnancy).
    """
    flags = red_flags(model, evidence, threshold=1.0)
    assert [(f.condition, f.urgency) for f in flags] == [("deep_vein_thrombosis", "urgent")]
    assert "Green-top Guideline No. 37b" in flags[0].source and "compression duplex ultrasound" in flags[0].message
    assert "Wells score 2" not in flags[0].message and "Pregnancy: " in flags[0].message


@pytest.mark.parametrize("evidence", [
    {"age": 30, "sex": "female", "presenting_complaint": "pain", "bilateral": False},  # not pregnant
    {"age": 30, "sex": "female", "pregnancy": "none", "unilateral_calf_swelling": True},
    {"age": 30, "sex": "female", "pregnancy": "later_trimester", "presenting_complaint": "swelling", "bilateral": True},  # both legs: physiological
    {"age": 30, "sex": "female", "pregnancy": "later_trimester", "presenting_complaint": "pain"},  # side not stated
    {"age": 30, "sex": "female", "pregnancy": "later_trimester", "presenting_complaint": "cramps", "bilateral": False},  # a cramp is not pain or swelling
])  # fmt: skip
def test_the_pregnancy_rule_needs_pregnancy_one_side_and_pain_or_swelling(model, evidence):
    """Check the rule's three parts are each required (threshold rule switched off); a swollen calf outside pregnancy gets the Wells score's D-dimer flag instead."""
    flags = red_flags(model, evidence, threshold=1.0)
    assert not any("37b" in f.source for f in flags)
    assert [(f.condition, f.urgency) for f in flags] == ([("deep_vein_thrombosis", "test")] if evidence.get("unilateral_calf_swelling") else [])


def test_pulmonary_embolism_symptoms_outrank_the_pregnancy_rule(model):
    """Check that symptoms of pulmonary embolism in pregnancy stay an emergency (one flag per condition, the first rule that fires)."""
    evidence = {**PREGNANT_ONE_SIDED[0], "pe_symptoms": True}
    assert [(f.condition, f.urgency) for f in red_flags(model, evidence, threshold=1.0)] == [("deep_vein_thrombosis", "emergency")]


def test_the_pregnancy_rule_replaces_the_wells_score(model):
    """Check Wells 2 in a pregnant woman is flagged by the pregnancy rule, and the same case outside pregnancy by the Wells score."""
    case = {"age": 30, "sex": "female", "calf_tenderness": True, "unilateral_calf_swelling": True}
    pregnant = red_flags(model, {**case, "pregnancy": "later_trimester"}, threshold=1.0)
    not_pregnant = red_flags(model, {**case, "pregnancy": "none"}, threshold=1.0)
    assert "RCOG" in pregnant[0].message and "Wells score 2" not in pregnant[0].message
    assert "Wells score 2" in not_pregnant[0].message and "RCOG" not in not_pregnant[0].message


def test_the_dvt_rule_out_says_what_decides_in_pregnancy():
    """Check the DVT rule-out names the pregnancy exception and its guideline, short and in full."""
    entry = THRESHOLDS["deep_vein_thrombosis"]
    assert "In pregnancy" in entry.rule_out and "RCOG Green-top 37b" in entry.rule_out_cite and "No. 37b" in entry.rule_out_source


@pytest.mark.parametrize(("posteriors", "words"), [
    ({"deep_vein_thrombosis": 0.5}, "critical_limb_ischemia"),  # a must-not-miss condition left out: was a bare KeyError
    ("nan", "nan"),  # every posterior NaN: four 'urgent' flags at "P = nan%"
    ("percent", "25.0"),  # percentages, not probabilities: flags at "P = 2500%"
    ({"critical_limb_ischemia": "0.5"}, "'0.5'"),
])  # fmt: skip
def test_posteriors_given_to_red_flags_are_checked(model, posteriors, words):
    """Check that posteriors given to red_flags must give every must-not-miss condition a probability in [0, 1]."""
    case = {"calf_tenderness": True}
    if posteriors == "nan":
        posteriors = dict.fromkeys(model.conditions, float("nan"))
    elif posteriors == "percent":
        posteriors = dict.fromkeys(model.conditions, 25.0)
    with pytest.raises(crampnet.InvalidValueError, match=re.escape(words)):
        red_flags(model, case, posteriors)
    with pytest.raises(crampnet.EvidenceTypeError, match="list"):
        red_flags(model, case, [0.5] * len(model.conditions))  # type: ignore[arg-type]
    exact = model.posteriors(case)
    assert red_flags(model, case, exact) == red_flags(model, case)  # a Series, as documented


@pytest.mark.parametrize(("evidence", "condition", "absent"), [
    ({"deep_vein_thrombosis": False, "unilateral_calf_swelling": True, "calf_tenderness": True}, "deep_vein_thrombosis", "deep_vein_thrombosis"),
    ({"acute_limb_ischemia": False, "cold_pale_limb": True, "pedal_pulses": "absent"}, "acute_limb_ischemia", "acute_limb_ischemia"),
    ({"motor_neuron_disease": False, "fasciculations": True, "hyperreflexia": True}, "motor_neuron_disease", "motor_neuron_disease"),
    # critical limb ischemia is present only with PAD (its table): PAD entered absent leaves it at P = 0 too
    ({"peripheral_arterial_disease": False, "rest_pain": True, "pedal_pulses": "absent"}, "critical_limb_ischemia", "peripheral_arterial_disease"),
])  # fmt: skip
def test_a_finding_rule_on_a_condition_entered_absent_says_so(model, evidence, condition, absent):
    """Check that a finding rule's flag stands when its condition is entered as absent, and says that the entry put it at 0.

    The rules fire on the findings whatever the probability (the safe side), so the flag stayed, at its urgency, beside
    P = 0 in the must-not-miss table, and read as a contradiction: "same-day compression ultrasound" for a DVT the user
    had entered as absent. The message now names the entry; the urgency is the rule's, as without the entry.
    """
    label = model.spec.nodes[absent].label
    without = {k: v for k, v in evidence.items() if k != absent}
    (plain,) = [f for f in red_flags(model, without) if f.condition == condition]
    (flag,) = [f for f in red_flags(model, evidence) if f.condition == condition]
    assert model.posteriors(evidence)[condition] == 0.0
    assert flag.urgency == plain.urgency and flag.message.startswith(plain.message.split(". ")[0])
    assert f"{label} is entered as absent" in flag.message and "entered as absent" not in plain.message
    assert "P = 0" in flag.message and "the finding rule stands" in flag.message


def test_a_condition_entered_absent_annotates_no_other_flag(model):
    """Check that an entry of one condition as absent names no other condition's flag, nor a condition entered as present."""
    case = {"acute_limb_ischemia": False, "unilateral_calf_swelling": True, "calf_tenderness": True}
    (dvt,) = [f for f in red_flags(model, case) if f.condition == "deep_vein_thrombosis"]
    assert "entered as absent" not in dvt.message
    present = {"deep_vein_thrombosis": True, "unilateral_calf_swelling": True, "calf_tenderness": True}
    assert not any("entered as absent" in f.message for f in red_flags(model, present))
    soft = {"deep_vein_thrombosis": {"present": 0.01, "absent": 1.0}, "unilateral_calf_swelling": True, "calf_tenderness": True}
    assert not any("entered as absent" in f.message for f in red_flags(model, soft))  # unlikely is not absent: P > 0
