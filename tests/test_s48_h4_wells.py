"""The Wells flag's actions, session 48 (helper h4): each says what its cited guideline says.

In pregnancy or the 6 weeks after delivery (RCOG Green-top 37b) the Wells score is not validated and a
D-dimer does not exclude DVT: any suspicion is tested by compression duplex ultrasound with low-molecular-
weight heparin until DVT is excluded. A Wells score of 2 or a raised D-dimer there, with the side not
entered or both legs affected (so the pregnancy rule did not fire), gave the non-pregnant words instead.
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.reasoning.redflags import RedFlag, red_flags


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


def _dvt(model: crampnet.Model, case: dict[str, object]) -> RedFlag:
    (flag,) = [f for f in red_flags(model, case, baseline=False) if f.condition == "deep_vein_thrombosis"]
    return flag


@pytest.mark.parametrize(
    "case",
    [
        {"pregnancy": "later_trimester", "calf_tenderness": True, "malignancy": True},  # Wells 2, the side not entered
        {"postpartum": True, "calf_tenderness": True, "prior_vte": True, "bilateral": True},  # Wells 2, both legs
        {"pregnancy": "first_trimester", "calf_tenderness": True, "d_dimer": "raised"},  # Wells 1 with a raised D-dimer
    ],
)
def test_a_likely_score_or_raised_d_dimer_in_pregnancy_gets_the_rcog_action(model: crampnet.Model, case: dict[str, object]) -> None:
    flag = _dvt(model, case)
    assert flag.urgency == "urgent"
    assert "low-molecular-weight heparin until DVT is excluded" in flag.message  # RCOG 37b: treat until excluded
    assert "duplex" in flag.message and "not validated" in flag.message
    assert "DVT likely (Wells >= 2)" not in flag.message  # the score's verdict is not claimed where it was not validated
    assert "Green-top Guideline No. 37b" in flag.source


def test_outside_pregnancy_a_likely_score_keeps_the_wells_words(model: crampnet.Model) -> None:
    flag = _dvt(model, {"calf_tenderness": True, "malignancy": True, "pregnancy": "none"})
    assert flag.urgency == "urgent"
    assert "DVT likely (Wells >= 2)" in flag.message and "heparin" not in flag.message
    assert "37b" not in flag.source


# NICE NG158 1.1.3-1.1.4 (the guideline the module cites for the Wells pathway): a likely score gets a proximal leg vein
# scan with the result within 4 hours, and if it cannot be had in 4 hours a D-dimer and interim therapeutic anticoagulation
# with the scan within 24 hours. The flag said "Same-day compression ultrasound": no anticoagulation while a day passes.
@pytest.mark.parametrize(
    ("case", "words"),
    [
        ({"calf_tenderness": True, "malignancy": True}, "DVT likely (Wells >= 2)"),
        ({"calf_tenderness": True, "d_dimer": "raised"}, "with a raised D-dimer"),
    ],
)
def test_the_wells_scan_action_gives_nice_s_4_hours_and_interim_anticoagulation(model: crampnet.Model, case: dict[str, object], words: str) -> None:
    flag = _dvt(model, case)
    assert flag.urgency == "urgent" and words in flag.message
    assert "Same-day" not in flag.message and "(today)" not in flag.message
    assert "within 4 hours" in flag.message and "within 24 hours" in flag.message
    assert "interim" in flag.message and "anticoagulation" in flag.message
    assert "within 4 hours" in flag.source and "interim" in flag.source  # the timing's source is quoted


# NICE NG158's two-level Wells score has nine items; the network holds six. The rule-out's words said "every item
# answered" beside a score that never asked about paralysis or plaster, a whole swollen leg or collateral veins, any one of
# which could make a score of 1 "likely", where a normal D-dimer rules nothing out.
_ANSWERED_ONE = {"calf_tenderness": True, "d_dimer": "normal", "malignancy": False, "recent_immobilisation": False,
                 "unilateral_calf_swelling": False, "edema": False, "prior_vte": False}


def test_a_met_dvt_rule_out_names_the_wells_items_the_network_never_asked(model: crampnet.Model) -> None:
    from crampnet.reasoning.redflags import rule_outs_met

    found, _ = rule_outs_met(model, _ANSWERED_ONE)["deep_vein_thrombosis"]
    assert "every item answered" not in found
    for item in ("paralysis, paresis or recent plaster immobilisation", "entire leg swollen", "collateral superficial veins"):
        assert item in found, item
    assert "alternative diagnosis" not in found  # the -2 item only lowers the score: not one to check
    assert "a normal D-dimer does not rule DVT out" in found
    # the rule-out itself is unchanged: met, and no DVT flag
    assert not [f for f in red_flags(model, _ANSWERED_ONE) if f.condition == "deep_vein_thrombosis"]
