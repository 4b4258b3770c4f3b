"""Fever (``fever``, session 25): what it says about a clot against a leg infection.

Expected figures come from the sources in each docstring (s25-fever), never from
crampnet's output; posteriors are checked against pgmpy's variable elimination.
"""

from __future__ import annotations

import pytest
from pgmpy.inference import VariableElimination

#: A red, swollen, tender calf at 60: DVT or a local lesion (cellulitis, thrombophlebitis, a ruptured cyst).
RED_CALF = {"age_group": "40_to_64", "unilateral_calf_swelling": "yes", "calf_tenderness": "yes", "leg_redness_warmth": "yes"}


def test_fever_in_dvt_within_the_sources(model):
    """Check P(fever | DVT) in [0.03, 0.10]: 4.9% of 14,480 symptomatic DVT in RIETE (Barba 2011); 4.6% at 38.3 C and 9.1% at 37.8 C of proximal DVT (Kazmers 2000)."""
    assert 0.03 <= model.probability({"fever": "yes"}, given={"deep_vein_thrombosis": "present"}) <= 0.10


def test_fever_argues_for_a_local_lesion_against_dvt(model):
    """Check that 'fever' raises the odds of a local lesion against DVT and 'no fever' lowers them, by pgmpy VE on the same network."""
    ve = VariableElimination(model.network)

    def ratio(evidence):
        joint = ve.query(["deep_vein_thrombosis", "local_calf_pathology"], evidence=evidence, show_progress=False)
        lesion = float(joint.marginalize(["deep_vein_thrombosis"], inplace=False).get_value(local_calf_pathology="present"))
        clot = float(joint.marginalize(["local_calf_pathology"], inplace=False).get_value(deep_vein_thrombosis="present"))
        return lesion / clot

    base = ratio(RED_CALF)
    assert ratio({**RED_CALF, "fever": "yes"}) > 1.5 * base
    assert ratio({**RED_CALF, "fever": "no"}) < base


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_posteriors_agree_with_pgmpy(model, answer):
    """Check P(DVT) and P(local lesion) with fever answered against pgmpy variable elimination."""
    evidence = {**RED_CALF, "fever": answer}
    ve = VariableElimination(model.network)
    got = model.posteriors(evidence)
    for cond in ("deep_vein_thrombosis", "local_calf_pathology"):
        factor = ve.query([cond], evidence=evidence, show_progress=False)
        assert got[cond] == pytest.approx(float(factor.get_value(**{cond: "present"})), abs=1e-9)
