"""explain's caption takes its two probabilities from the coalitions it has scored, not two more inference passes.

The first coalition is no entry and the last every entry; h4 measured the two extra ``posterior_array`` calls of the
caption at 21 and 50 ms each on the loaded machine, on every explain and report().
"""

from __future__ import annotations

import pytest

from crampnet.reasoning._differential import percent

CASES = [
    ({"urge_to_move": True, "ferritin": 30}, "restless_legs_syndrome"),
    ({"calf_tenderness": True, "unilateral_calf_swelling": True, "malignancy": True}, "deep_vein_thrombosis"),
    ({"fasciculations": True, "weakness": True, "hyperreflexia": True, "age": 60}, "motor_neuron_disease"),
]



@pytest.mark.parametrize(("evidence", "condition"), CASES)
def test_the_caption_quotes_the_model_s_prior_and_posterior(model, evidence, condition):
    """Check the caption's two percentages against posterior_array with no evidence and with the case."""
    i = model.conditions.index(condition)
    prior, post = float(model.posterior_array(None)[i]), float(model.posterior_array(evidence)[i])
    caption = model.diagnose(evidence).explain(condition).attrs["caption"]
    assert f"{percent(prior)} with nothing entered, {percent(post)} given the evidence." in caption


@pytest.mark.parametrize(("evidence", "condition"), CASES)
def test_the_contributions_carry_the_first_and_last_coalition(model, evidence, condition):
    """Check attrs['ends'] of log_odds_contributions against posterior_array to 1e-9."""
    from crampnet.reasoning.explain import log_odds_contributions

    i = model.conditions.index(condition)
    ends = log_odds_contributions(model, evidence, [condition]).attrs["ends"][condition]
    assert ends == pytest.approx((float(model.posterior_array(None)[i]), float(model.posterior_array(evidence)[i])), abs=1e-9)


def test_the_caption_runs_no_inference_of_its_own(model, monkeypatch):
    """Check that explain, once the diagnosis is made, does not call posterior_array for its caption."""
    dx = model.diagnose(CASES[0][0])
    calls = []
    original = model.posterior_array
    monkeypatch.setattr(model, "posterior_array", lambda *a, **k: calls.append(a) or original(*a, **k))
    dx.explain(CASES[0][1])
    assert calls == []
