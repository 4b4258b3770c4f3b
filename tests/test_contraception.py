"""Combined hormonal contraception (``med_combined_hormonal_contraceptive``, session 25): who uses it and what it does to DVT.

Expected figures come from the sources named in each docstring (the network
file's notes give the arithmetic), never from crampnet's output; the adult
population is used where the figures were measured.
"""

from __future__ import annotations

import pytest
from pgmpy.inference import VariableElimination

import crampnet

CHC = "med_combined_hormonal_contraceptive"
#: Non-users are neither pregnant nor within 6 weeks of a delivery, the periods the studies of the pill count apart (postpartum since session 32).
YOUNG_WOMAN = {"sex": "female", "age_group": "under_40", "pregnancy": "none", "postpartum": "no"}


def test_dvt_odds_ratio_in_the_cochrane_interval(adults, dvt_odds_ratio):
    """Check the odds ratio of DVT, users against non-users among women under 40 who are not pregnant, in [2.9, 4.3]: RR 3.5 (2.9-4.3), de Bastos 2014 (Cochrane)."""
    assert 2.9 <= dvt_odds_ratio(adults, YOUNG_WOMAN, CHC, "yes", "no") <= 4.3


def test_use_among_women_under_40(adults):
    """Check P(use | woman 18-39) in [0.14, 0.22]: combined pill 17% of US women 15-44 with its age shape (Hall 2012), 14.0% pill use of women 15-49 in 2017-2019 (NCHS db388), patch and ring 1% (db327)."""
    p = adults.probability({CHC: "yes"}, given={"sex": "female", "age_group": "under_40"})
    assert 0.14 <= p <= 0.22


def test_use_falls_with_age(adults):
    """Check use at 40-64 under a quarter of that under 40 and none at 65 and over (pill use 11% at 40-44 against 20% at 25-34, Hall 2012; the surveys stop at 49)."""
    young, middle, old = (adults.probability({CHC: "yes"}, given={"sex": "female", "age_group": band}) for band in ("under_40", "40_to_64", "65_plus"))
    assert 0 < middle < young / 4 and old == 0.0


@pytest.mark.parametrize("given", [{"sex": "male"}, {"pregnancy": "later_trimester"}, {"pregnancy": "first_trimester"}])
def test_no_use_by_men_or_in_pregnancy(adults, given):
    """Check that men and pregnant women have no use, so that evidence saying otherwise is refused, naming both entries."""
    assert adults.probability({CHC: "yes"}, given=given) == 0.0
    with pytest.raises(ValueError, match=CHC) as err:
        adults.posteriors({**given, CHC: "yes"})
    assert next(iter(given)) in str(err.value)


def test_a_user_with_a_swollen_calf_agrees_with_pgmpy():
    """Check P(DVT) for a woman of 30 on the pill with a swollen calf against pgmpy variable elimination, and that the pill raises it."""
    model = crampnet.load()
    case = {"sex": "female", "age_group": "under_40", "unilateral_calf_swelling": "yes", "symptom_duration": "under_2_weeks"}
    on = model.posteriors({**case, CHC: "yes"})["deep_vein_thrombosis"]
    off = model.posteriors({**case, CHC: "no"})["deep_vein_thrombosis"]
    factor = VariableElimination(model.network).query(["deep_vein_thrombosis"], evidence={**case, CHC: "yes"}, show_progress=False)
    assert on == pytest.approx(float(factor.get_value(deep_vein_thrombosis="present")), abs=1e-9)
    assert on > off
