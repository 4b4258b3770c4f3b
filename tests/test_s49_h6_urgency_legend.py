"""The report's line on what each urgency means says why these flags have it (session 49, h6).

It read the same whatever raised the flags: ``test`` was always "the probability lies between the
testing and the test-treatment thresholds", and ``urgent`` always "... or the probability is at or
above the test-treatment threshold", beside flags that a finding rule raised whatever the probability
or that a threshold given to ``diagnose`` raised.
"""

from __future__ import annotations

from crampnet.reasoning._thresholds import THRESHOLDS


def _legend(report: str) -> str:
    return next(line for line in report.splitlines() if line.startswith("Urgency, most urgent first: "))


def test_a_finding_rules_test_flag_is_not_said_to_lie_between_thresholds(model):
    """Check dark urine after exercise (a rule's ``test`` on metabolic myopathy, no threshold at all) is called a rule's."""
    case = {"myoglobinuria": True, "exercise_triggered": True, "presenting_complaint": "cramps", "symptom_duration": "over_3_months", "age": 30}
    dx = model.diagnose(case)
    assert [(f.condition, f.urgency) for f in dx.red_flags] == [("metabolic_myopathy", "test")]
    assert "metabolic_myopathy" not in model.must_not_miss and "metabolic_myopathy" not in THRESHOLDS
    legend = _legend(dx.report())
    assert "between the testing and the test-treatment thresholds" not in legend
    assert "test = a published rule asks for a test or a question whatever the probability" in legend


def test_a_rule_flag_below_its_threshold_beside_threshold_flags_names_both_reasons(model):
    """Check weakness with fasciculations (the MND red flag tool, under MND's testing threshold) beside DVT's threshold flag.

    The legend said only "the probability lies between the testing and the test-treatment thresholds", which
    the motor neuron disease flag beside it (P under its testing threshold) contradicts.
    """
    dx = model.diagnose({"fasciculations": True, "weakness": True})
    mnd = dx.must_not_miss.loc["motor_neuron_disease"]
    assert mnd["urgency"] == "test" and mnd["probability"] < mnd["threshold"]  # raised by the rule, not the threshold
    dvt = dx.must_not_miss.loc["deep_vein_thrombosis"]
    assert dvt["urgency"] == "test" and dvt["threshold"] <= dvt["probability"] < THRESHOLDS["deep_vein_thrombosis"].treatment
    legend = _legend(dx.report())
    assert "a published rule asks for a test or a question" in legend
    assert "; or the probability lies between the testing and the test-treatment thresholds" in legend


def test_a_flag_of_a_threshold_given_is_not_said_to_be_at_the_test_treatment_threshold(model):
    """Check ``threshold=0.02`` flags DVT at 2.6% ``urgent`` and the legend says the threshold given, not the test-treatment one (45%)."""
    dx = model.diagnose({"urge_to_move": True}, threshold=0.02)
    (flag,) = dx.red_flags
    assert flag.urgency == "urgent" and dx.posteriors[flag.condition] < THRESHOLDS[flag.condition].treatment
    legend = _legend(dx.report())
    assert legend == "Urgency, most urgent first: urgent = urgent referral or treatment (the probability is at or above the threshold given)."


def test_the_legend_of_threshold_flags_names_their_threshold(model):
    """Check flags the probability alone raised are said to be at their threshold, and not that a published criterion is met."""
    dx = model.diagnose({"deep_vein_thrombosis": "present"})
    assert [(f.condition, f.urgency) for f in dx.red_flags] == [("deep_vein_thrombosis", "urgent")]
    assert _legend(dx.report()).endswith("urgent = urgent referral or treatment (the probability is at or above the test-treatment threshold).")
    dx = model.diagnose({"urge_to_move": True})
    assert [(f.condition, f.urgency) for f in dx.red_flags] == [("deep_vein_thrombosis", "test")]
    assert _legend(dx.report()).endswith(
        "test = the probability lies between the testing and the test-treatment thresholds: do the first-line test, its result decides."
    )
