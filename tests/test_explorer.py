"""The Jupyter explorer, headless: set the widgets' values, read what the form shows."""

from __future__ import annotations

import re
import sys

import pytest

import crampnet
from crampnet.reasoning.html import diagnosis_html

pytest.importorskip("ipywidgets")

from crampnet.explorer import control_groups, explore

# Hand-picked from the vocabulary: what is asked, what is examined, what is measured.
EXPECTED_GROUPS = {
    "context": ["age_group", "sex", "malignancy", "prior_vte", "med_statin"],
    "history": ["urge_to_move", "muscle_cramps", "presenting_complaint", "symptom_duration", "worse_evening"],
    "examination": ["calf_tenderness", "unilateral_calf_swelling", "pedal_pulses", "fasciculations", "straight_leg_raise"],
    "tests": ["ferritin", "potassium", "tsh", "creatine_kinase", "ankle_brachial_index"],
}
CASE = {"presenting_complaint": "cramps", "symptom_duration": "over_3_months"}


def _codes(page: str) -> list[str]:
    """The condition ids of the differential table, in the order shown."""
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<code>([a-z_0-9]+)</code>", table)


def test_one_control_per_finding_and_context_node_grouped(model):
    """Check the controls: every finding and context node once, no condition, on the four tabs."""
    ex = explore(model, questions=0)
    assert set(ex.controls) == set(model.findings) | set(model.context)
    assert not set(ex.controls) & set(model.conditions)
    groups = control_groups(model)
    flat = [n for ids in groups.values() for n in ids]
    assert sorted(flat) == sorted(ex.controls) and len(flat) == len(set(flat))
    for group, ids in EXPECTED_GROUPS.items():
        assert set(ids) <= set(groups[group]), (group, set(ids) - set(groups[group]))
    assert [len(tab.children) for tab in ex.tabs.children] == [len(ids) for ids in groups.values()]
    assert ex.tabs.titles[0].startswith("Context and risk factors (0/")
    for nid, control in ex.controls.items():
        labels, values = zip(*control.options, strict=True)
        assert labels[0] == "not asked" and values == (None, *model.states(nid)), nid
        assert control.value is None
    assert ex.evidence == {}


def test_numeric_controls_show_their_bands(model):
    """Check a numeric node's options give its bands in words, its label the unit."""
    ex = explore(model, questions=0)
    assert ex.controls["age_group"].description == "Age group (years)"
    assert [label for label, _ in ex.controls["age_group"].options][1:] == ["under_40: under 40", "40_to_64: 40 to under 65", "65_plus: 65 or over"]
    assert dict((v, k) for k, v in ex.controls["ferritin"].options)["low"] == "low: under 50"


def test_answers_redraw_the_differential_as_diagnose_computes_it(model):
    """Check that setting controls shows what model.diagnose gives for the same case, computed apart."""
    ex = explore(model, questions=0)
    ex.controls["age_group"].value = "65_plus"
    ex.controls["urge_to_move"].value = "yes"
    ex.controls["ferritin"].value = "low"
    independent = model.diagnose({"age": 72, "urge_to_move": True, "ferritin": 30})
    assert ex.evidence == {"age_group": "65_plus", "urge_to_move": "yes", "ferritin": "low"}
    assert ex.diagnosis.differential == independent.differential
    assert ex.differential.value == diagnosis_html(independent)
    shown = _codes(ex.differential.value)
    assert shown[:8] == independent.differential[:8]
    assert set(shown) >= set(model.must_not_miss)  # the must-not-miss conditions, always listed
    assert "crampnet-must-not-miss" in ex.differential.value
    assert ex.tabs.titles[1].startswith("History (1/") and ex.tabs.titles[3].startswith("Tests (1/")


def test_a_case_fills_the_controls(model):
    """Check explore(model, case): numbers fall in their bands, booleans become states, the diagnosis is the case's."""
    case = {"age": 72, "urge_to_move": True, "pedal_pulses": "diminished"}
    ex = model.explore(case, questions=0)
    assert ex.controls["age_group"].value == "65_plus"
    assert ex.controls["urge_to_move"].value == "yes"
    assert ex.controls["pedal_pulses"].value == "diminished"
    assert ex.diagnosis.differential == model.diagnose(case).differential


def test_red_flags_appear_when_a_case_triggers_one(model):
    """Check that calf tenderness with active cancer (Wells 2) shows the DVT flag, before the differential."""
    ex = explore(model, CASE, questions=0)
    assert "No red flags raised by this evidence." in ex.differential.value
    assert 'class="crampnet-red-flag' not in ex.differential.value
    ex.controls["calf_tenderness"].value = "yes"
    ex.controls["malignancy"].value = "yes"
    page = ex.differential.value
    assert [f.condition for f in ex.diagnosis.red_flags] == ["deep_vein_thrombosis"]
    assert "Wells score 2" in page and 'class="crampnet-red-flag' in page
    assert page.index('class="crampnet-red-flag') < page.index("<table")
    assert "No red flags" not in page


def test_clearing_a_control_removes_its_evidence(model):
    """Check that "not asked" takes an answer back, and the clear button takes them all back."""
    ex = explore(model, {**CASE, "calf_tenderness": True, "malignancy": True}, questions=0)
    ex.controls["malignancy"].value = None
    assert "malignancy" not in ex.evidence
    rest = {**CASE, "calf_tenderness": True}
    assert ex.differential.value == diagnosis_html(model.diagnose(rest))
    page = ex.differential.value  # Wells 1 from the tender calf alone: a D-dimer (test) flag, no longer Wells 2's ultrasound
    assert "Wells score 1" in page and "D-dimer test" in page and "Wells score 2" not in page
    buttons = [c for c in ex.widget.children[1].children[0].children if type(c).__name__ == "Button"]
    buttons[0].click()
    assert ex.evidence == {} and all(c.value is None for c in ex.controls.values())
    assert ex.differential.value == diagnosis_html(model.diagnose({}))


def test_next_questions_follow_the_answers(model):
    """Check the questions shown are the diagnosis's next questions, and that the status says it is computing first."""
    ex = explore(model, CASE, questions=3)
    seen: list[str] = []
    ex.status.observe(lambda change: seen.append(change["new"]), names="value")
    ex.controls["urge_to_move"].value = "yes"
    expected = model.diagnose({**CASE, "urge_to_move": True}).next_questions(3)
    assert list(ex.questions.index) == list(expected.index)
    page = ex.next_questions.value
    assert re.findall(r"<code>([a-z_0-9]+)</code>", page) == list(expected.index)
    assert "urge_to_move" not in re.findall(r"<code>([a-z_0-9]+)</code>", page)
    assert [("computing" in s, "Up to date" in s) for s in seen] == [(True, False), (True, False), (False, True)]


def test_no_questions_when_asked_for_none(model):
    """Check questions=0 computes and shows no questions."""
    ex = explore(model, CASE, questions=0)
    assert ex.questions is None and ex.next_questions.value == ""


def test_impossible_answers_are_reported_not_raised(tiny):
    """Check evidence of probability zero: the status says so and the last diagnosis stays."""
    older = crampnet.load(tiny.spec.path, population="older_adults")  # nobody under 40
    ex = explore(older, {"urge": "yes"}, questions=0)
    before = ex.differential.value
    ex.controls["age_group"].value = "under_40"
    assert "Not updated" in ex.status.value and "impossible" in ex.status.value
    assert ex.differential.value == before and ex.diagnosis.evidence == {"urge": "yes"}
    ex.controls["age_group"].value = "65_plus"
    assert "Up to date" in ex.status.value


@pytest.mark.parametrize(("case", "error", "match"), [
    ({"urge_to_mov": True}, crampnet.UnknownNodeError, "Did you mean 'urge_to_move'"),
    ({"deep_vein_thrombosis": True}, crampnet.InvalidValueError, "no control for the condition 'deep_vein_thrombosis'"),
    ({"urge_to_move": {"yes": 0.8, "no": 0.2}}, crampnet.EvidenceTypeError, "soft evidence"),
    ({"pedal_pulses": "weak"}, crampnet.InvalidStateError, "normal"),
    (["urge_to_move"], crampnet.EvidenceTypeError, "'case' argument of explore must be a mapping"),
])  # fmt: skip
def test_bad_cases_raise_clear_errors(model, case, error, match):
    """Check a case the controls cannot show is refused with a typed error saying why."""
    with pytest.raises(error, match=match):
        explore(model, case)


@pytest.mark.parametrize("questions", [-1, 2.5, True, "5"])
def test_bad_question_counts(model, questions):
    """Check questions must be a non-negative int."""
    with pytest.raises(crampnet.InvalidValueError, match="'questions' argument of explore"):
        explore(model, questions=questions)


def test_without_ipywidgets_the_error_names_the_extra(model, monkeypatch):
    """Check a missing ipywidgets gives an ImportError that says how to install the extra."""
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r'pip install "crampnet\[explorer\]"'):
        model.explore()


def test_jupyter_shows_the_form(model):
    """Check the explorer displays as its widget."""
    ex = explore(model, questions=0)
    bundle = ex._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.widget.model_id
