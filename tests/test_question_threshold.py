"""The threshold a diagnosis is asked with is the one its next questions cross (and its red flags read)."""

from __future__ import annotations

import pytest

import crampnet
from crampnet.reasoning.questions import next_questions

SWELLING = {"unilateral_calf_swelling": True, "presenting_complaint": "swelling", "symptom_duration": 3}
#: One sign in the leg, a normal D-dimer and every other Wells item answered no but tenderness: a 'no' meets NG158's
#: rule-out, which stops the testing-threshold flag only (a threshold given flags at or above it whatever the rule-out).
WELLS_ONE_OPEN = {
    "age": 70, "presenting_complaint": "swelling", "symptom_duration": "under_2_weeks", "family_history_vte": True, "malignancy": False,
    "recent_immobilisation": False, "edema": False, "prior_vte": False, "unilateral_calf_swelling": True, "d_dimer": "normal",
}  # fmt: skip


def _threshold_change_by_hand(model, evidence, question, threshold):
    """``threshold_change`` from its definition with one threshold for every must-not-miss condition.

    Each answer, weighted by P(answer | evidence), counts when a must-not-miss
    posterior (``model.posteriors`` with the answer added) lands on the other side
    of ``threshold``, or, for a history or examination question, when the finding
    rules' flags differ (red_flags at ``threshold`` reads no rule-out and no
    test-treatment threshold, so neither counts).
    """
    from crampnet.reasoning.questions import cost_of
    from crampnet.reasoning.redflags import red_flags

    def rules(ev):  # at a threshold of 1 only the finding rules flag here
        return {(f.condition, f.urgency) for f in red_flags(model, ev, threshold=1.0)} if cost_of(question)[0] in ("history", "examination") else set()

    before = model.posteriors(evidence)
    rules_before = rules(evidence)
    total = 0.0
    for state in model.states(question):
        weight = model.probability({question: state}, given=evidence)
        if weight <= 0:
            continue
        after_ev = {**evidence, question: state}
        after = model.posteriors(after_ev)
        crosses = any((after[c] >= threshold) != (before[c] >= threshold) for c in model.must_not_miss)
        total += weight * (crosses or rules(after_ev) != rules_before)
    return total


@pytest.mark.parametrize(("evidence", "threshold"), [
    (SWELLING, 0.5), (SWELLING, 0.2), ({"age": 60, "muscle_cramps": "yes", "fasciculations": "yes"}, 0.001), (WELLS_ONE_OPEN, 0.5),
])
def test_next_questions_cross_the_threshold_the_diagnosis_was_asked_with(model, evidence, threshold):
    """Check diagnose(..., threshold=t).next_questions: its crossings are of t, as its red flags are, not of the testing thresholds.

    It counted crossings of each condition's own testing and test-treatment
    thresholds whatever threshold was given: with a swollen calf and t = 0.5 a
    D-dimer, which can carry DVT (34%) over 50%, scored no threshold change.
    """
    dx = model.diagnose(evidence, threshold=threshold)
    table = dx.next_questions(None)
    questions = ["d_dimer", "calf_tenderness", "edema", "leg_redness_warmth", "weakness", "creatine_kinase", "age_group"]
    for q in (q for q in questions if q in table.index):
        assert table.loc[q, "threshold_change"] == pytest.approx(_threshold_change_by_hand(model, evidence, q, threshold), abs=1e-9), q
    assert next_questions(model, evidence, None, threshold=threshold).equals(table)


def test_d_dimer_is_about_dvt_at_the_given_threshold(model):
    """Check the probe: at threshold 0.2 a normal D-dimer takes DVT (34%) below it, so the D-dimer changes a decision about DVT, and has value.

    Against the default thresholds DVT stayed between its testing and
    test-treatment thresholds whatever the result until session 54. Since the
    NAMCS complaint links the local calf lesions bring swelling less often
    (0.231, was 0.48), so a complaint of swelling argues more for DVT, and a
    raised D-dimer takes it over its test-treatment threshold: that answer
    now changes the decision.
    """
    from crampnet.reasoning._collect import treatments
    p_normal = model.probability({"d_dimer": "normal"}, given=SWELLING)
    after = {s: model.posteriors({**SWELLING, "d_dimer": s})["deep_vein_thrombosis"] for s in ("normal", "raised")}
    assert after["normal"] < 0.2 <= model.posteriors(SWELLING)["deep_vein_thrombosis"] and after["raised"] >= 0.2
    row = model.diagnose(SWELLING, threshold=0.2).next_questions(None).loc["d_dimer"]
    assert row["threshold_change"] == pytest.approx(p_normal, abs=1e-9)
    assert row["value_threshold"] > 0  # a crossing: E max(p_q - 0.2, 0) > p - 0.2
    focused = model.diagnose(SWELLING, threshold=0.2).next_questions(None, about=["deep_vein_thrombosis"]).loc["d_dimer"]
    assert focused["decision"] == pytest.approx(p_normal, abs=1e-9) and focused["about"] == "deep_vein_thrombosis"
    treat = treatments(model)["deep_vein_thrombosis"]
    assert model.diagnose(SWELLING).must_not_miss.loc["deep_vein_thrombosis", "threshold"] < after["normal"] < treat <= after["raised"]
    default = model.diagnose(SWELLING).next_questions(None).loc["d_dimer"]
    assert default["threshold_change"] == pytest.approx(1 - p_normal, abs=1e-9)  # the raised answer crosses


def test_next_questions_threshold_is_checked(model):
    """Check a bad threshold of next_questions is an InvalidValueError naming it, as diagnose's is."""
    with pytest.raises(crampnet.InvalidValueError, match=r"threshold.*Got 2"):
        next_questions(model, SWELLING, threshold=2)


def test_report_says_which_thresholds_its_questions_cross(model):
    """Check the report's question section names the thresholds its order counted: the given one, or each condition's two."""
    given = model.diagnose(SWELLING, threshold=0.2).report()
    assert "across the threshold given, as the red flags do" in given and "across its testing or test-treatment threshold" not in given
    assert "across its testing or test-treatment threshold" in model.diagnose(SWELLING).report()
