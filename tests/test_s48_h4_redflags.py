"""Red flags, session 48 (helper h4): the finding rules' words against their cited guidelines.

The acute limb ischemia emergency rule fires on a cold or pale limb with atrial fibrillation whatever the
pedal pulses (the 2024 ACC/AHA definition lists pulselessness among the signs ALI "may be characterized
by", not as a requirement); a case entering the foot pulses as normal got the flag with no word of them.
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.reasoning._rules import RULES
from crampnet.reasoning.redflags import red_flags


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


_COLD_AF = {"cold_pale_limb": True, "atrial_fibrillation": True}


def _ali(model: crampnet.Model, case: dict[str, object]) -> crampnet.reasoning.redflags.RedFlag:
    (flag,) = [f for f in red_flags(model, case, baseline=False) if f.condition == "acute_limb_ischemia"]
    return flag


def test_normal_foot_pulses_keep_the_ali_emergency_and_say_they_argue_against_it(model: crampnet.Model) -> None:
    flag = _ali(model, {**_COLD_AF, "pedal_pulses": "normal"})
    assert flag.urgency == "emergency"  # a red flag is never hidden: pulselessness is not required (2024 ACC/AHA)
    message = flag.message.lower()
    assert "pedal pulses" in message and "normal" in message  # the entry the rule does not need is named
    assert "argue against" in message  # and what it means
    assert "doppler" in message  # and what to do about it
    assert "Rutherford" in flag.source and "emergently evaluated" in flag.source  # where the words come from


@pytest.mark.parametrize("pulses", [None, "absent", "diminished"])
def test_other_pulse_entries_do_not_get_the_normal_pulse_note(model: crampnet.Model, pulses: str | None) -> None:
    case: dict[str, object] = dict(_COLD_AF) if pulses is None else {**_COLD_AF, "pedal_pulses": pulses}
    flag = _ali(model, case)
    assert flag.urgency == "emergency"
    assert "argue against" not in flag.message


def test_only_the_first_ali_rule_can_fire_with_normal_pulses() -> None:
    # the embolic rule needs absent pulses, the threatened-limb rule is stopped by normal ones: the note belongs to the first
    ali = [rule for rule in RULES if rule.condition == "acute_limb_ischemia"]
    assert ali[0].against and not ali[1].against and not ali[2].against
    assert ("pedal_pulses", "absent") in ali[1].groups[1] and ("pedal_pulses", "normal") in ali[2].excluded


def test_the_toe_brachial_cut_off_the_calcified_abi_flag_gives_is_quoted_in_its_source(model: crampnet.Model) -> None:
    # the flag says "TBI 0.70 or less is PAD, 2016 AHA/ACC": the number a clinician acts on must be in the text it cites
    (flag,) = [f for f in red_flags(model, {"rest_pain": True, "ankle_brachial_index": "non_compressible"}, baseline=False) if f.condition == "critical_limb_ischemia"]
    assert "TBI 0.70 or less is PAD" in flag.message
    assert "A TBI \u22640.70 is abnormal and diagnostic of PAD" in flag.source


@pytest.mark.parametrize(
    ("case", "condition"),
    [
        ({"rest_pain": True, "ankle_brachial_index": 0.9}, "critical_limb_ischemia"),  # 0.90: abnormal (AHA/ACC), band normal
        ({"cold_pale_limb": True, "pedal_pulses": "absent", "symptom_duration": 14}, "acute_limb_ischemia"),  # 14 days: acute
    ],
)
def test_a_number_read_off_the_band_says_the_probability_reads_the_band(model: crampnet.Model, case: dict[str, object], condition: str) -> None:
    # an urgent CLTI flag beside "P = 0.07% (0.60% before the findings entered)" read as a contradiction: the rule counts
    # an ABI of 0.90 as PAD (2016 AHA/ACC), the network's posterior reads it in its 'normal' band
    (flag,) = [f for f in red_flags(model, case) if f.condition == condition]
    assert flag.urgency in ("urgent", "emergency")
    assert "the rule reads this edge, the probability the network's band" in flag.message
    assert flag.message.index("the probability the network's band") < flag.message.index("P = ")  # said before the number


# Gold Coast criteria (Shefner 2020, box 1 of Turner 2022): progressive motor impairment and upper and lower motor neuron
# dysfunction in one region, or lower motor neuron dysfunction in two. Bulbar symptoms with leg weakness, or wasting in the
# legs with symptoms in the arms, are motor involvement of two regions, not yet the criteria: the flag refers either way.
@pytest.mark.parametrize(
    "case",
    [
        {"bulbar_symptoms": True, "weakness": True},
        {"fasciculations": True, "upper_limb_involvement": True},
    ],
)
def test_two_region_mnd_flags_do_not_say_the_gold_coast_criteria_are_met(model: crampnet.Model, case: dict[str, object]) -> None:
    (flag,) = [f for f in red_flags(model, case, baseline=False) if f.condition == "motor_neuron_disease"]
    assert flag.urgency == "urgent"  # the referral stands
    assert "two regions, Gold Coast criteria" not in flag.message and "involved (Gold Coast criteria)" not in flag.message
    assert "the Gold Coast criteria need" in flag.message and "refer to neurology" in flag.message
