"""Symptoms of pulmonary embolism (``pe_symptoms``, session 25): the emergency rule and the DVT link.

The rule is checked against its statement in :mod:`crampnet.reasoning._rules`
(NICE CG144; NHS advice to call 999), the posterior against Bayes' rule
written out by hand from the file's two numbers and against pgmpy's variable
elimination, and the link against the range its sources give (s25-pe:
P(PE symptoms | leg DVT) between 0.12, the Tromsø split of 1996-97, and 0.31,
that of 2010-11).
"""

from __future__ import annotations

import pytest
from pgmpy.inference import VariableElimination

import crampnet
from crampnet.reasoning.redflags import red_flags

#: Two Wells items (DVT likely), for the one-flag-per-condition check.
WELLS_TWO = {"calf_tenderness": True, "malignancy": True}


def _dvt_flags(model, evidence):
    """The red flags naming deep vein thrombosis, the testing-threshold rule off (finding rules only)."""
    return [f for f in red_flags(model, evidence, threshold=1.0) if f.condition == "deep_vein_thrombosis"]


def test_pe_symptoms_alone_raise_an_emergency(model):
    """Check that a 'yes' alone (Wells 0) raises one emergency flag for DVT that names the symptoms and the source."""
    (flag,) = _dvt_flags(model, {"pe_symptoms": True})
    assert flag.urgency == "emergency"
    assert "pulmonary embolism" in flag.message and "999" in flag.message
    assert "NICE CG144" in flag.source and "999" in flag.source


@pytest.mark.parametrize("answer", [False, None])
def test_no_pe_symptoms_raise_nothing(model, answer):
    """Check that 'no', or no answer, raises no DVT flag at Wells 0."""
    evidence = {} if answer is None else {"pe_symptoms": answer}
    assert _dvt_flags(model, evidence) == []


def test_pe_rule_and_wells_give_one_flag(model):
    """Check that with PE symptoms and Wells 2 the DVT is flagged once, as the emergency, the Wells items named beside it."""
    flags = _dvt_flags(model, {"pe_symptoms": True, **WELLS_TWO})
    assert [f.urgency for f in flags] == ["emergency"]
    assert "Tenderness along the deep veins" in flags[0].message and "Active cancer" in flags[0].message
    wells_only = _dvt_flags(model, {"pe_symptoms": False, **WELLS_TWO})
    assert [f.urgency for f in wells_only] == ["urgent"] and "Wells score 2" in wells_only[0].message


def test_emergency_comes_first_in_the_diagnosis(model):
    """Check that the diagnosis lists the emergency first whatever the differential's order."""
    dx = crampnet.diagnose(model, {"pe_symptoms": True, "presenting_complaint": "cramps", "nocturnal": True})
    assert dx.red_flags[0].condition == "deep_vein_thrombosis" and dx.red_flags[0].urgency == "emergency"
    assert dx.differential[0] != "deep_vein_thrombosis"  # the flag does not depend on the rank


def test_posterior_follows_bayes_rule(model):
    """Check P(DVT | PE symptoms) against Bayes' rule written out from the file's leak and link (the node's only parent is DVT)."""
    cpd = model.spec.nodes["pe_symptoms"].cpd
    (link,) = [x for x in cpd.links if x.parent == "deep_vein_thrombosis"]
    leak, w = cpd.leak.value, link.param.value
    prior = float(VariableElimination(model.network).query(["deep_vein_thrombosis"], show_progress=False).get_value(deep_vein_thrombosis="present"))
    yes = 1 - (1 - leak) * (1 - w)
    expected = {True: prior * yes / (prior * yes + (1 - prior) * leak), False: prior * (1 - yes) / (prior * (1 - yes) + (1 - prior) * (1 - leak))}
    for answer, p in expected.items():
        assert model.posteriors({"pe_symptoms": answer})["deep_vein_thrombosis"] == pytest.approx(p, abs=1e-12)


def test_posterior_agrees_with_pgmpy(model):
    """Check P(DVT | PE symptoms, calf swelling) against pgmpy variable elimination."""
    evidence = {"pe_symptoms": "yes", "unilateral_calf_swelling": "yes"}
    factor = VariableElimination(model.network).query(["deep_vein_thrombosis"], evidence=evidence, show_progress=False)
    assert model.posteriors(evidence)["deep_vein_thrombosis"] == pytest.approx(float(factor.get_value(deep_vein_thrombosis="present")), abs=1e-9)


def test_pe_symptoms_in_dvt_within_the_sources_range(model):
    """Check P(PE symptoms | DVT) in [0.12, 0.31]: the Tromsø splits of 1996-97 and 2010-11 with 0.35 of PE carrying a symptomatic leg DVT (s25-pe)."""
    p = model.probability({"pe_symptoms": "yes"}, given={"deep_vein_thrombosis": "present"})
    assert 0.12 <= p <= 0.31
    assert model.probability({"pe_symptoms": "yes"}, given={"deep_vein_thrombosis": "absent"}) < 0.05


def test_dvt_rule_out_warns_about_pulmonary_embolism(model):
    """Check that what rules DVT out says it does not rule out a pulmonary embolism whose symptoms are present, with the guideline cited."""
    table = crampnet.diagnose(model, {"pe_symptoms": True}).must_not_miss
    assert "pulmonary embolism" in table.loc["deep_vein_thrombosis", "rule_out"]
    assert "CG144" in table.loc["deep_vein_thrombosis", "source"]
