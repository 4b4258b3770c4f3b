"""The weeks after delivery (``postpartum``, session 32): who is in them and what they do to DVT.

Expected figures come from the sources named in each docstring (the network
file's notes give the arithmetic), never from crampnet's output; the adult
population is used where the figures were measured.
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.reasoning.redflags import red_flags

#: Women under 40 who are neither pregnant nor on combined hormonal contraception: the comparison of the odds ratio.
YOUNG_WOMAN = {"sex": "female", "age_group": "under_40", "pregnancy": "none", "med_combined_hormonal_contraceptive": "no"}


def test_dvt_odds_ratio_in_the_mega_interval(adults, dvt_odds_ratio):
    """Check the odds ratio of DVT in the 6 weeks after delivery against other women under 40 in [31.7, 222.6]: OR 84.0 (31.7-222.6), Pomp 2008 (MEGA)."""
    assert 31.7 <= dvt_odds_ratio(adults, YOUNG_WOMAN, "postpartum", "yes", "no") <= 222.6


def test_share_of_young_women_within_6_weeks_of_a_delivery(adults):
    """Check P(postpartum | woman 18-39) between the bounds computed here (about 0.0076-0.0085): 3,613,647 US births in 2020 (NCHS db442) x 42 / 365.25 days, 93-96% of them to women 18-39, over 47-51 million women 18-39 (49.1 million, census)."""
    low, high = 3_613_647 * 42 / 365.25 * 0.93 / 51.0e6, 3_613_647 * 42 / 365.25 * 0.96 / 47.0e6  # census denominator +-4%, computed
    p = adults.probability({"postpartum": "yes"}, given={"sex": "female", "age_group": "under_40"})
    assert low <= p <= high


def test_share_falls_with_age_and_none_at_65(adults):
    """Check the 40-64 share under a tenth of the under-40 one (births to women of 40 and over, about 4% of births, over a larger band) and none at 65 and over."""
    young, middle, old = (adults.probability({"postpartum": "yes"}, given={"sex": "female", "age_group": band}) for band in ("under_40", "40_to_64", "65_plus"))
    assert 0 < middle < young / 10 and old == 0.0


@pytest.mark.parametrize("given", [
    {"sex": "male"},
    {"pregnancy": "later_trimester"},
    {"pregnancy": "first_trimester"},
    {"med_combined_hormonal_contraceptive": "yes"},  # not used in these weeks: WHO MEC 2015, category 4 while breastfeeding
])  # fmt: skip
def test_none_for_men_in_pregnancy_or_on_the_pill(adults, given):
    """Check that men, pregnant women and users of combined hormonal contraception are never within 6 weeks of a delivery, so evidence saying otherwise is refused, naming both entries."""
    assert adults.probability({"postpartum": "yes"}, given=given) == 0.0
    with pytest.raises(ValueError, match="postpartum") as err:
        adults.posteriors({**given, "postpartum": "yes"})
    assert next(iter(given)) in str(err.value)


def test_a_woman_after_delivery_with_one_sided_calf_pain_agrees_with_pgmpy_and_is_flagged(pgmpy_probability):
    """Check P(DVT) for a woman of 30, 2 weeks after delivery, with pain in one calf, against pgmpy, and that the RCOG rule flags it urgently."""
    model = crampnet.load()
    case = {"sex": "female", "age_group": "under_40", "postpartum": "yes", "presenting_complaint": "pain", "pain_location": "calf", "bilateral": "no"}
    p = model.posteriors(case)["deep_vein_thrombosis"]
    assert p == pytest.approx(pgmpy_probability(model.network, {"deep_vein_thrombosis": "present"}, case), abs=1e-9)
    assert p > model.posteriors({**case, "postpartum": "no"})["deep_vein_thrombosis"]
    flags = red_flags(model, case, threshold=1.0)
    assert [(f.condition, f.urgency) for f in flags] == [("deep_vein_thrombosis", "urgent")]
    assert "6 weeks after delivery" in flags[0].message and "Green-top" in flags[0].source


@pytest.mark.parametrize("population", ["pregnancy", "pregnancy_presenting"])
def test_the_pregnancy_population_counts_as_pregnancy_for_the_rules(population):
    """Check that in a pregnancy preset one-sided leg pain raises the RCOG rule, and a normal D-dimer meets no Wells rule-out.

    The preset makes pregnancy certain (its prior of 'none' is 0), which the posteriors saw and the rules, which read
    the evidence, did not: a tender calf with pain on one side got the Wells D-dimer 'test' flag, and with a normal
    D-dimer and every Wells item answered the must-not-miss row said 'ruled_out' and no flag was raised, where RCOG
    Green-top 37b asks for a duplex today and the Wells rule-out was not validated in pregnancy.
    """
    model = crampnet.load(population=population)
    case = {"presenting_complaint": "pain", "bilateral": False, "calf_tenderness": True}
    answered = {**case, "d_dimer": "normal", "malignancy": False, "recent_immobilisation": False, "unilateral_calf_swelling": False, "edema": False, "prior_vte": False}
    for evidence in (case, answered):
        dx = model.diagnose(evidence)
        (flag,) = [f for f in dx.red_flags if f.condition == "deep_vein_thrombosis"]
        assert flag.urgency == "urgent" and "RCOG" in flag.source and f"(population '{population}')" in flag.message
        assert not dx.must_not_miss.loc["deep_vein_thrombosis", "ruled_out"]


def test_a_population_without_pregnancy_keeps_the_wells_pathway():
    """Check that the presets that fix pregnancy at 'none' (or leave it open) keep the Wells D-dimer flag and rule-out."""
    case = {"presenting_complaint": "pain", "bilateral": False, "calf_tenderness": True}
    answered = {**case, "d_dimer": "normal", "malignancy": False, "recent_immobilisation": False, "unilateral_calf_swelling": False, "edema": False, "prior_vte": False}
    for population in ("older_adults", "presenting"):
        model = crampnet.load(population=population)
        assert [(f.condition, f.urgency) for f in model.diagnose(case).red_flags] == [("deep_vein_thrombosis", "test")]
        assert model.diagnose(answered).must_not_miss.loc["deep_vein_thrombosis", "ruled_out"]


@pytest.mark.parametrize("context", [{"pregnancy": "later_trimester"}, {"pregnancy": "first_trimester"}, {"postpartum": True}])
@pytest.mark.parametrize("d_dimer", [None, "normal"])
def test_a_normal_d_dimer_does_not_silence_a_sign_of_dvt_in_pregnancy(model, context, d_dimer):
    """Check that a Wells sign in pregnancy or after delivery keeps its flag with a normal D-dimer, and asks for a duplex, not a D-dimer.

    Tenderness along the deep veins, the side not entered, is a Wells point and a sign in the leg, but not the one-sided
    pain or swelling of the RCOG rule: the Wells flag asked for a D-dimer, and a normal one took the flag away, the
    D-dimer rule-out that RCOG Green-top 37b (and the rule-out's own exceptions here) says is not valid in pregnancy.
    """
    case = {**context, "calf_tenderness": True, "presenting_complaint": "pain"} | ({"d_dimer": d_dimer} if d_dimer else {})
    flags = [f for f in red_flags(model, case, threshold=1.0) if f.condition == "deep_vein_thrombosis"]
    assert len(flags) == 1 and flags[0].urgency in ("test", "urgent")
    assert "RCOG" in flags[0].source and "duplex" in flags[0].message and "a D-dimer test" not in flags[0].message


def test_outside_pregnancy_a_normal_d_dimer_still_settles_a_wells_score_of_one(model):
    """Check the NICE NG158 pathway is unchanged without pregnancy: a sign in the leg asks for a D-dimer, a normal one drops the rule's flag."""
    case = {"pregnancy": "none", "postpartum": False, "calf_tenderness": True, "presenting_complaint": "pain", "sex": "female"}
    (flag,) = [f for f in red_flags(model, case, threshold=1.0) if f.condition == "deep_vein_thrombosis"]
    assert flag.urgency == "test" and "a D-dimer test" in flag.message
    assert not [f for f in red_flags(model, {**case, "d_dimer": "normal"}, threshold=1.0) if f.condition == "deep_vein_thrombosis"]


@pytest.mark.parametrize("context", [{"pregnancy": "later_trimester"}, {"pregnancy": {"first_trimester": 1, "later_trimester": 1}}, {"postpartum": True}, "pregnancy", "pregnancy_presenting"])
def test_a_sign_of_dvt_in_pregnancy_with_the_side_not_entered_is_urgent(model, context):
    """Check RCOG Green-top 37b: any woman with symptoms or signs suggestive of DVT is tested at once, the side entered or not.

    A tender calf with the side not entered got the 'test' flag: the urgent pregnancy rule needs one-sided symptoms, so a
    side left blank lowered the urgency without saying so. It is urgent now and says the side is not entered; both legs
    entered keeps the 'test' (the rule's "usually unilateral"), and so does pregnancy only weakly suggested.
    """
    where = crampnet.load(population=context) if isinstance(context, str) else model
    case = {**({} if isinstance(context, str) else context), "calf_tenderness": True}
    (flag,) = [f for f in red_flags(where, case, threshold=1.0) if f.condition == "deep_vein_thrombosis"]
    assert flag.urgency == "urgent" and "RCOG" in flag.source
    assert "not entered" in flag.message and "low-molecular-weight heparin" in flag.message
    (both,) = [f for f in red_flags(where, {**case, "bilateral": True}, threshold=1.0) if f.condition == "deep_vein_thrombosis"]
    assert both.urgency == "test" and "not entered" not in both.message


def test_a_weak_hint_of_pregnancy_keeps_the_duplex_test_flag(model):
    case = {"pregnancy": {"none": 1.0, "first_trimester": 0.2, "later_trimester": 0.2}, "calf_tenderness": True}
    (flag,) = [f for f in red_flags(model, case, threshold=1.0) if f.condition == "deep_vein_thrombosis"]
    assert flag.urgency == "test" and "duplex" in flag.message


@pytest.mark.parametrize("context", [{"pregnancy": "later_trimester"}, {"postpartum": True}, {"pregnancy": {"none": 1.0, "first_trimester": 0.2, "later_trimester": 0.2}}, "pregnancy_presenting"])
def test_the_dvt_threshold_flag_in_pregnancy_gives_the_rcog_test_not_the_wells_d_dimer_pathway(model, context):
    """Check the DVT testing-threshold flag and the report's notes in pregnancy or after delivery: duplex, no Wells or D-dimer advice.

    With a swelling complaint (no finding rule fires) the threshold flag said "compression ultrasound (after a D-dimer
    when DVT is unlikely)" and "Estimate the clinical probability (Wells score) ... a negative D-dimer leaves a DVT risk
    of about 1.2%", and so did the report's notes: what RCOG Green-top 37b says not to do in pregnancy, beside the
    finding rules that say so.
    """
    where = crampnet.load(population=context) if isinstance(context, str) else model
    case = {**({} if isinstance(context, str) else context), "presenting_complaint": "swelling"}
    (flag,) = [f for f in red_flags(where, case) if f.condition == "deep_vein_thrombosis"]
    assert flag.message.startswith("Deep vein thrombosis: P = ")  # the threshold flag, no finding rule
    assert "duplex" in flag.message and "Green-top Guideline No. 37b" in flag.source
    assert "after a D-dimer" not in flag.message and "Wells 1 or less" not in flag.message
    notes = where.diagnose(case).report().split("Management notes", 1)[1]
    assert "a negative D-dimer leaves" not in notes and "D-dimer first" not in notes and "compression duplex ultrasound" in notes


def test_outside_pregnancy_the_dvt_threshold_flag_keeps_the_wells_d_dimer_pathway(model):
    case = {"pregnancy": "none", "presenting_complaint": "swelling"}
    (flag,) = [f for f in red_flags(model, case) if f.condition == "deep_vein_thrombosis"]
    assert "after a D-dimer when DVT is unlikely" in flag.message and "Wells 1 or less" in flag.message
    assert "a negative D-dimer leaves" in model.diagnose(case).report().split("Management notes", 1)[1]
