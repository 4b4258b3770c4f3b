"""What the numbers mean: the presenting population, its pre-test figures, and the textbook probes of issue 12.

crampnet answers by default for adults presenting with a leg complaint
(networks/FORMAT.md, "What the numbers mean"). The expected ranges below come
from the sources named in each docstring, never from crampnet's output; the
probes are textbook presentations whose expected answer is stated in issue 12.
"""

from __future__ import annotations

import pytest

import crampnet

PRESENTING = "presenting"


@pytest.fixture(scope="module")
def presenting() -> crampnet.Model:
    return crampnet.load(population=PRESENTING)


def test_default_population_is_presenting():
    """Check that load() with no population answers for adults presenting with a leg complaint."""
    model = crampnet.load()
    assert model.population == PRESENTING
    table = crampnet.populations()
    assert bool(table.loc[PRESENTING, "default"])
    assert int(table["default"].sum()) == 1


def test_populations_put_the_care_setting_where_they_say(presenting, adults):
    """Check that 'presenting' is everyone presenting and 'adults' nobody in particular (care_setting = general)."""
    assert presenting.probability({"care_setting": "presenting"}) == pytest.approx(1.0)
    assert adults.probability({"care_setting": "general"}) == pytest.approx(1.0)


def test_edema_no_more_sensitive_for_dvt_than_the_meta_analysis_allows(presenting):
    """Check P(edema | DVT) among presenters at most what Goodacre 2005 allows with the other causes of edema added.

    Goodacre 2005's 54 cohorts of suspected DVT: edema's likelihood ratio 1.35 (as
    quoted by the ICM-VTE consensus, question 15), and it is not among the features
    useful for ruling DVT out (only absence of calf swelling, 0.67, and calf-diameter
    difference, 0.57), so its negative likelihood ratio is at least 0.67; the
    sensitivity these allow is computed here. Other causes (venous insufficiency,
    drugs, the leak) add their share, P(edema | no DVT). The network of sessions
    14-31 gave 0.97, from one series' 'swelling or edema'.
    """
    lr_pos, lr_neg = 1.35, 0.67
    most = (1 - lr_neg) / (1 - lr_neg / lr_pos)  # 0.655: LR+ = s / (1 - p), LR- = (1 - s) / p
    other = presenting.probability({"edema": "yes"}, given={"deep_vein_thrombosis": "absent"})
    assert presenting.probability({"edema": "yes"}, given={"deep_vein_thrombosis": "present"}) <= 1 - (1 - most) * (1 - other) + 0.005


def test_dvt_pre_test_probability_in_presenters(presenting):
    """Check P(DVT) among presenters in [0.0117, 0.0233]: incidence 1-2 per 1000 a year (van der Velde 2011), 73.7% of it outpatient (Spencer 2007), over 63.2 new lower-limb consultations per 1000 (van der Waal 2006)."""
    low, high = 0.737 * 0.001 / 0.0632, 0.737 * 0.002 / 0.0632  # 0.0117 and 0.0233, computed from the published figures
    assert low <= presenting.posteriors({})["deep_vein_thrombosis"] <= high


@pytest.mark.xfail(
    strict=True,
    reason=(
        "the network gives about 0.71 (0.67 before session 42 sourced the lesions' calf swelling, 0.78 before the per-lesion links of s18-lcplinks, 0.98 before the local_calf_pathology node of session 17, 0.955 "
        "before the population odds ratios of session 11): the node (cellulitis, superficial thrombophlebitis, popliteal "
        "cysts and haematomas, 0.074 of presenters from their incidences) makes swelling and tenderness share a cause, "
        "but only every new number at its high bound reaches 0.53; Wells' 53% is measured among outpatients already "
        "suspected of DVT, after the 'alternative diagnosis as likely' item has taken 2 points from the obvious mimics (issue 12)"
    ),
)
def test_dvt_wells_high_probability_group(presenting):
    """Check P(DVT | calf swelling, tenderness, recent immobilisation) = 0.53 +/- 0.10 among presenters: 3 Wells points, DVT in about 53% of the high-probability group (Wells 2006, row 226)."""
    evidence = {"unilateral_calf_swelling": "yes", "calf_tenderness": "yes", "recent_immobilisation": "yes"}
    assert presenting.posteriors(evidence)["deep_vein_thrombosis"] == pytest.approx(0.53, abs=0.10)


def test_d_dimer_raised_in_local_calf_lesions_maze_2013_jmv_2007(presenting):
    """Check P(D-dimer raised | local calf lesion, no DVT) among presenters in [0.60, 0.80].

    The lesions' own shares: 74% of 200 admitted lower-limb cellulitis (Maze 2013) and 68% of 100
    superficial venous thromboses of the leg without DVT (J Mal Vasc 2007), with people without a
    modelled cause below them (0.35 in suspected VTE without VTE under 60, Schouten 2013).
    """
    given = {"local_calf_pathology": "present", "deep_vein_thrombosis": "absent"}
    lesion = presenting.probability({"d_dimer": "raised"}, given=given)
    assert 0.60 <= lesion <= 0.80
    none = {"local_calf_pathology": "absent", "deep_vein_thrombosis": "absent", "acute_limb_ischemia": "absent"}
    assert presenting.probability({"d_dimer": "raised"}, given=none) < lesion


def test_a_normal_d_dimer_does_not_talk_down_acute_limb_ischemia(presenting):
    """Check that a normal D-dimer leaves P(acute limb ischemia) where it was (within 0.01): no study validates D-dimer for ruling it out (s17-vasc, s18-lcpdd)."""
    case = {"cold_pale_limb": "yes", "symptom_duration": "under_2_weeks", "presenting_complaint": "pain"}
    before = presenting.posteriors(case)["acute_limb_ischemia"]
    after = presenting.posteriors({**case, "d_dimer": "normal"})["acute_limb_ischemia"]
    assert after >= before - 0.01


def test_acute_limb_ischemia_pre_test_probability_in_presenters(presenting):
    """Check P(acute limb ischemia) among presenters in [0.0014, 0.0036]: 0.9-2.3 per 10,000 a year (Creager 2012) over 63.2 per 1000."""
    assert 0.0014 <= presenting.posteriors({})["acute_limb_ischemia"] <= 0.0036


def test_pad_in_older_presenters_jama_rce(presenting, adults):
    """Check P(PAD | 65 and over) among presenters in [0.10, 0.20] and above all adults of that age: 15% of people of 60+ presenting with leg discomfort (JAMA Rational Clinical Examination)."""
    p = presenting.posteriors({"age_group": "65_plus"})["peripheral_arterial_disease"]
    assert 0.10 <= p <= 0.20
    assert p > adults.posteriors({"age_group": "65_plus"})["peripheral_arterial_disease"]


@pytest.mark.parametrize("condition", ["deep_vein_thrombosis", "acute_limb_ischemia", "critical_limb_ischemia", "motor_neuron_disease"])
def test_must_not_miss_conditions_are_enriched_among_presenters(presenting, adults, condition):
    """Check that each must-not-miss condition is at least three times as likely among presenters as among all adults: they nearly always present."""
    assert presenting.spec.nodes[condition].must_not_miss
    assert presenting.posteriors({})[condition] >= 3 * adults.posteriors({})[condition]


# --- The probes of issue 12 --------------------------------------------------


def test_probe_all_four_rls_criteria_rank_rls_first(presenting):
    """Check that a woman of 45 with all four RLS criteria has RLS first (IRLSSG 2012 criteria)."""
    case = {"sex": "female", "age": 45, "urge_to_move": True, "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True}
    assert presenting.diagnose(case).differential[0] == "restless_legs_syndrome"


def test_probe_low_abi_and_absent_pulses_rank_pad_first(presenting):
    """Check that a person of 70 with ABI 0.5, absent pulses and night cramps has PAD first (AHA/ACC 2016: ABI <= 0.90 is diagnostic)."""
    case = {"age": 70, "ankle_brachial_index": 0.5, "pedal_pulses": "absent", "nocturnal": True, "muscle_cramps": True}
    assert presenting.diagnose(case).differential[0] == "peripheral_arterial_disease"


def test_probe_high_tsh_with_cramps_ranks_thyroid_first(presenting):
    """Check that TSH 20 with cramps puts thyroid disease first (Hollowell 2002: TSH over 4.5 defines hypothyroidism)."""
    assert presenting.diagnose({"tsh": 20, "muscle_cramps": True}).differential[0] == "thyroid_disease"


def test_probe_proximal_weakness_alone_gives_no_certainty(presenting):
    """Check that proximal weakness alone at 70 leaves thyroid disease less likely than not: one soft sign of a mostly subclinical condition."""
    assert presenting.posteriors({"age": 70, "proximal_weakness": True})["thyroid_disease"] < 0.5


def test_probe_fasciculations_and_brisk_reflexes_rank_mnd_first_and_flag_it(presenting):
    """Check that fasciculations with brisk reflexes at 60 (upper and lower motor neuron signs) put motor neuron disease first, flagged (seed_004)."""
    dx = presenting.diagnose({"age": 60, "fasciculations": True, "hyperreflexia": True})
    assert dx.differential[0] == "motor_neuron_disease"
    assert any(flag.condition == "motor_neuron_disease" for flag in dx.red_flags)


def test_probe_calf_tenderness_with_cancer_puts_dvt_first_or_flags_it(presenting):
    """Check that one-sided calf tenderness with active cancer at 60 (Wells 2) ranks DVT first or flags it (Wells 2003)."""
    dx = presenting.diagnose({"age": 60, "calf_tenderness": True, "bilateral": False, "malignancy": True})
    assert dx.differential[0] == "deep_vein_thrombosis" or any(flag.condition == "deep_vein_thrombosis" for flag in dx.red_flags)


def test_probe_sudden_cold_pale_pulseless_painful_limb_ranks_acute_limb_ischemia_first(presenting):
    """Check that sudden pain (under 2 weeks), a cold pale limb and absent foot pulses at 70 put acute limb ischemia first, as an emergency.

    The six Ps (pain, pallor, pulselessness, poikilothermia, paraesthesia,
    paralysis) and onset under two weeks define acute limb ischaemia (ESVS
    2020; Rutherford's categories); it was third (P 0.24) behind PAD while
    pedal_pulses had no link from acute_limb_ischemia (session 27).
    """
    dx = presenting.diagnose({"age": 70, "presenting_complaint": "pain", "symptom_duration": "under_2_weeks", "cold_pale_limb": True, "pedal_pulses": "absent"})
    assert dx.differential[0] == "acute_limb_ischemia"
    assert any(flag.condition == "acute_limb_ischemia" and flag.urgency == "emergency" for flag in dx.red_flags)


def test_absent_foot_pulses_argue_for_acute_limb_ischemia(presenting):
    """Check that absent foot pulses raise acute limb ischemia, and palpable normal ones lower it (pulselessness: class II limbs have no audible pedal signal)."""
    case = {"age": 70, "presenting_complaint": "pain", "symptom_duration": "under_2_weeks", "cold_pale_limb": True}
    before = presenting.posteriors(case)["acute_limb_ischemia"]
    assert presenting.posteriors({**case, "pedal_pulses": "absent"})["acute_limb_ischemia"] > before
    assert presenting.posteriors({**case, "pedal_pulses": "normal"})["acute_limb_ischemia"] < before / 4


def test_legend_names_the_population_the_numbers_are_about(presenting, adults):
    """Check that the probability's legend line says which population it is about (presenting by default, else the preset)."""
    case = {"urge_to_move": True}
    assert "among adults presenting with a leg complaint" in presenting.diagnose(case).legend[0]
    line = adults.diagnose(case).legend[0]
    assert "among all adults" in line and "presenting" not in line
    pregnant = crampnet.load(population="pregnancy").diagnose(case).legend[0]
    assert "pregnant women" in pregnant.lower() and "'pregnancy'" in pregnant


def test_claudication_predicts_pad_among_presenters_stoffers_1997(presenting):
    """Check P(PAD | typical claudication) among presenters of 40 and over in [0.35, 0.55]: 'highest PV+: typical intermittent claudication (IC) (45.0%)' among 2,455 people with leg complaints aged 40.7-78.4 in 18 Dutch general practices (Stoffers 1997, abstract; the interval is judgment, the number of people with claudication is not in the abstract).

    A check the network's numbers were not set from: session 31 solved the claudication leak from
    McDermott 1999's controls; before it the network gave 0.28.
    """
    bands = ("40_to_64", "65_plus")
    both = sum(presenting.probability({"exertional_pain_relieved_by_rest": "yes", "peripheral_arterial_disease": "present", "age_group": b}) for b in bands)
    claudication = sum(presenting.probability({"exertional_pain_relieved_by_rest": "yes", "age_group": b}) for b in bands)
    assert 0.35 <= both / claudication <= 0.55
