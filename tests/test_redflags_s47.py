"""Red flags, session 47 (helper h3): the wording of the acute limb ischemia note matches its rules.

Session 46 made the ALI rules read a typed history of 14 days or fewer as acute (2024 ACC/AHA:
"ALI Acute (<=2 wk) hypoperfusion of the limb"); the clinical note shown with the ALI threshold flag
still said "under 2 weeks", so a clinician reading the note would take a 14-day history as chronic.
"""

from __future__ import annotations

import re

import pytest

import crampnet
from crampnet.reasoning import redflags
from crampnet.reasoning.notes import NOTES
from crampnet.reasoning.redflags import red_flags


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


def test_the_ali_note_says_2_weeks_or_less_as_the_rules_read_it(model: crampnet.Model) -> None:
    (note,) = NOTES["acute_limb_ischemia"]
    assert "under 2 weeks" not in note.text
    assert "2 weeks or less" in note.text
    assert "2024" in note.source and "\u22642 wk" in note.source  # the guideline that draws the line there
    # and the rule does what the note says: a cold pulseless leg of exactly 14 days is an emergency
    flags = red_flags(model, {"cold_pale_limb": True, "pedal_pulses": "absent", "symptom_duration": 14}, baseline=False)
    assert (flags[0].condition, flags[0].urgency) == ("acute_limb_ischemia", "emergency")


def test_no_ali_text_of_the_red_flags_says_under_2_weeks(model: crampnet.Model) -> None:
    # the ALI threshold flag prints the note: a case raising it by threshold shows the same words
    flags = red_flags(model, {"ulcer_or_gangrene": True}, baseline=False)
    (ali,) = [f for f in flags if f.condition == "acute_limb_ischemia"]
    assert "2 weeks or less" in ali.message and "under 2 weeks" not in ali.message


# A finding rule's flag gave no probability (session 46's note): a `test` rule (toe pressures after a normal ABI with an
# ulcer, or a calcified ABI with rest pain) or an emergency one stood in for the threshold flag of its condition, and the
# posterior ("P = x% ... at or above its testing threshold") a threshold flag shows was nowhere in it.
_P = re.compile(r"(?P<label>[A-Z][a-z ]+): P = (?P<p>[0-9.]+)% \((?P<before>[0-9.]+)% before the findings entered\), (?P<where>at or above|below) its testing threshold of (?P<limit>[0-9.]+)%")


def _said(message: str) -> re.Match[str]:
    found = list(_P.finditer(message))
    assert len(found) == 1, message  # the probability said once
    return found[0]


@pytest.mark.parametrize(
    ("case", "condition", "where", "words"),
    [
        ({"ulcer_or_gangrene": True, "ankle_brachial_index": "normal"}, "critical_limb_ischemia", "below", "toe pressure"),
        ({"rest_pain": True, "ankle_brachial_index": "non_compressible"}, "critical_limb_ischemia", "at or above", "toe-brachial index"),
        ({"weakness": True, "fasciculations": True}, "motor_neuron_disease", "below", "Ask whether the weakness is progressive"),
        ({"cold_pale_limb": True, "pedal_pulses": "absent"}, "acute_limb_ischemia", "at or above", "emergency vascular referral now"),
    ],
)
def test_a_finding_rule_flag_says_the_probability_after_its_words(model: crampnet.Model, case: dict[str, object], condition: str, where: str, words: str) -> None:
    (flag,) = [f for f in red_flags(model, case) if f.condition == condition]
    assert flag.message.index(words) < flag.message.index(": P = ")  # the rule's action first, kept
    said = _said(flag.message)
    p, limit = float(model.posteriors(case)[condition]), redflags.testing_thresholds(model)[condition]
    assert said["label"] == model.spec.nodes[condition].label
    assert abs(float(said["p"]) - 100 * p) <= 0.01 + 0.005 * 100 * p  # the posterior, as shown (3 significant digits)
    assert abs(float(said["limit"]) - 100 * limit) <= 0.01 + 0.005 * 100 * limit
    assert said["where"] == where == ("at or above" if p >= limit else "below")
    context = {k: v for k, v in case.items() if model.spec.nodes[k].role == "context"}
    assert abs(float(said["before"]) - 100 * float(model.posteriors(context)[condition])) <= 0.01


def test_the_rule_flag_at_test_urgency_keeps_its_urgency_and_names_the_test_treatment_threshold(model: crampnet.Model) -> None:
    case = {"rest_pain": True, "ankle_brachial_index": "non_compressible"}
    (flag,) = [f for f in red_flags(model, case) if f.condition == "critical_limb_ischemia"]
    assert flag.urgency == "test" and "below its test-treatment threshold of 27" in flag.message


def test_a_merged_flag_says_the_probability_once(model: crampnet.Model) -> None:
    # the rule's test flag under a threshold flag that is urgent: the threshold's words, then the rule's, one P
    case = {"rest_pain": True, "ulcer_or_gangrene": True, "ankle_brachial_index": "non_compressible", "diabetes": True, "age": 80, "smoker": True, "relief_by_dependency": True}
    (flag,) = [f for f in red_flags(model, case) if f.condition == "critical_limb_ischemia"]
    assert flag.urgency == "urgent" and "toe-brachial index" in flag.message
    assert flag.message.count("P = ") == 1


def test_a_rule_flag_for_a_condition_without_a_threshold_is_unchanged(model: crampnet.Model) -> None:
    # rhabdomyolysis is flagged as metabolic myopathy, not a must-not-miss condition: no threshold to compare with
    (flag,) = [f for f in red_flags(model, {"myoglobinuria": True}) if f.condition == "metabolic_myopathy"]
    assert "P = " not in flag.message and flag.urgency == "test"


def test_baseline_false_leaves_the_before_out_of_a_rule_flag(model: crampnet.Model) -> None:
    (flag,) = [f for f in red_flags(model, {"ulcer_or_gangrene": True, "ankle_brachial_index": "normal"}, baseline=False) if f.condition == "critical_limb_ischemia"]
    assert "Critical limb ischemia: P = " in flag.message and "before the findings" not in flag.message
