"""Tests a guideline says not to do are not suggested as next questions: no D-dimer in pregnancy (RCOG Green-top 37b)."""

from __future__ import annotations

import json

import pytest

import crampnet
from crampnet._cli_json import diagnosis_json
from crampnet._cli_output import question_lines
from crampnet.reasoning.questions import next_questions
from crampnet.reasoning.redflags import red_flags

TENDER = {"calf_tenderness": True, "presenting_complaint": "pain"}


@pytest.mark.parametrize("population", ["pregnancy", "pregnancy_presenting"])
def test_no_d_dimer_is_suggested_in_a_pregnancy_preset(population):
    """RCOG Green-top 37b (2015): D-dimer testing should not be performed in the investigation of acute VTE in pregnancy."""
    model = crampnet.load(population=population)
    table = next_questions(model, TENDER, n=None)
    assert "d_dimer" not in table.index
    assert "RCOG Green-top Guideline 37b" in table.attrs["left_out"]["d_dimer"]
    # Left out, not hidden: a D-dimer entered is still read, and the red flags do not change.
    flags = red_flags(model, {**TENDER, "d_dimer": "raised"})
    assert [(f.condition, f.urgency) for f in flags][:1] == [("deep_vein_thrombosis", "urgent")]


@pytest.mark.parametrize("pregnancy", ["first_trimester", "later_trimester", {"first_trimester": 1.0, "later_trimester": 1.0}])
def test_no_d_dimer_is_suggested_when_pregnancy_is_entered(model, pregnancy):
    table = next_questions(model, {**TENDER, "pregnancy": pregnancy}, n=None)
    assert "d_dimer" not in table.index and list(table.attrs["left_out"]) == ["d_dimer"]


@pytest.mark.parametrize("extra", [{}, {"pregnancy": "none"}, {"sex": "male"}])
def test_a_d_dimer_is_still_suggested_outside_pregnancy(model, extra):
    table = next_questions(model, {**TENDER, **extra}, n=None)
    assert "d_dimer" in table.index and table.attrs["left_out"] == {}


def test_the_report_the_command_line_and_the_json_say_why_the_d_dimer_is_left_out():
    dx = crampnet.load(population="pregnancy").diagnose(TENDER)
    section = dx.report().split("What to ask or test next", 1)[1]
    assert "D-dimer testing should not be performed" in section
    lines = question_lines(dx, 3)
    assert lines[-1].startswith("  (d_dimer not suggested in pregnancy") and len(lines) == 5
    record = json.loads(diagnosis_json(dx, TENDER, 3))
    assert list(record["questions_left_out"]) == ["d_dimer"]
    assert "d_dimer" not in [q["question"] for q in record["next_questions"]]


@pytest.mark.parametrize(("population", "evidence", "certain"), [
    (None, {"muscle_cramps": True, "sex": "male"}, ["pregnancy", "postpartum", "med_combined_hormonal_contraceptive"]),
    (None, {"muscle_cramps": True, "age": 70}, ["pregnancy", "postpartum"]),
    ("pregnancy", {"calf_tenderness": True}, ["sex", "postpartum", "med_combined_hormonal_contraceptive"]),
])  # fmt: skip
def test_a_question_whose_answer_is_certain_is_not_offered(population, evidence, certain):
    """Check next_questions(None) offers no question the evidence answers already (one answer of probability 1).

    Pregnancy was offered to a man and to a woman of 70, and sex in the pregnancy preset, at the end of the full table
    (information gain 0, no decision): questions that cannot help. Each is certain by the network's own numbers.
    """
    model = crampnet.load(population=population) if population else crampnet.load()
    table = next_questions(model, evidence, n=None)
    for q in certain:
        assert len([s for s in model.states(q) if model.probability({q: s}, given=evidence) > 0]) == 1, q  # certain indeed
        assert q not in table.index, q
    assert "pregnancy" in next_questions(model, {"muscle_cramps": True, "sex": "female", "age": 30}, n=None).index


def test_no_d_dimer_is_suggested_in_the_6_weeks_after_delivery(model):
    """Check the questions agree with the red flags after delivery: the flag says no D-dimer decides, so none is suggested.

    With postpartum entered and a swelling complaint the DVT flag says "neither the Wells score nor a D-dimer decides"
    (RCOG Green-top 37b, as the rule-out's exceptions read it) while the third question was a D-dimer.
    """
    case = {"postpartum": True, "presenting_complaint": "swelling"}
    (flag,) = [f for f in red_flags(model, case) if f.condition == "deep_vein_thrombosis"]
    assert "nor a D-dimer decides" in flag.message
    table = next_questions(model, case, n=None)
    assert "d_dimer" not in table.index and "after delivery" in table.attrs["left_out"]["d_dimer"]
    assert "d_dimer" in next_questions(model, {**case, "postpartum": False}, n=None).index


@pytest.mark.parametrize("context", [
    {"pregnancy": {"none": 1.0, "first_trimester": 0.2, "later_trimester": 0.2}},  # leans to no pregnancy, one possible
    {"pregnancy": {"none": 1.0, "later_trimester": 0.05}},
    {"postpartum": {"no": 1.0, "yes": 0.1}},
])  # fmt: skip
def test_weak_soft_evidence_of_pregnancy_reads_alike_in_the_flag_and_the_questions(model, context):
    """Check that the D-dimer is left out of the questions whenever the DVT flag says a D-dimer decides nothing.

    The flag's pregnancy wording (RCOG Green-top 37b) and the Wells rule-out read pregnancy or a recent delivery as
    soon as soft evidence gives it any weight, while the questions left the D-dimer out only when pregnancy was
    entered outright: with weak soft evidence the flag said a D-dimer decides nothing and the questions suggested one.
    """
    case = {**TENDER, **context}
    (flag,) = [f for f in red_flags(model, case) if f.condition == "deep_vein_thrombosis"]
    assert "D-dimer does not exclude DVT" in flag.message or "nor a D-dimer decides" in flag.message
    table = next_questions(model, case, n=None)
    assert "d_dimer" not in table.index and "RCOG Green-top Guideline 37b" in table.attrs["left_out"]["d_dimer"]


@pytest.mark.parametrize("context", [{"pregnancy": {"none": 1.0, "first_trimester": 0.0, "later_trimester": 0.0}}, {"postpartum": {"no": 1.0, "yes": 0.0}}])
def test_soft_evidence_that_rules_pregnancy_out_keeps_the_d_dimer(model, context):
    """Check that soft evidence giving pregnancy and delivery no weight at all leaves the D-dimer suggested (NICE NG158)."""
    assert "d_dimer" in next_questions(model, {**TENDER, **context}, n=None).index
