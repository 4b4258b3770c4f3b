"""Red flags, session 47 (helper h3): the wording of the acute limb ischemia note matches its rules.

Session 46 made the ALI rules read a typed history of 14 days or fewer as acute (2024 ACC/AHA:
"ALI Acute (<=2 wk) hypoperfusion of the limb"); the clinical note shown with the ALI threshold flag
still said "under 2 weeks", so a clinician reading the note would take a 14-day history as chronic.
"""

from __future__ import annotations

import pytest

import crampnet
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
