"""The finding rules read a typed number on the side of their edge that its exact value is, as the evidence reader bands it (session 50, h4).

A Decimal, Fraction or text with more digits than a float holds rounds onto
the float of a rule's edge (the ABI's 0.90 of the critical limb ischemia
rule, the 14 days of the acute limb ischemia rules); the evidence reader
bands it by its exact value (``crampnet.network._exact``), and the rules
now compare it the same way.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import crampnet
from crampnet.network.evidence import state_vector
from crampnet.reasoning.redflags import red_flags

MODEL = crampnet.load()
_CLTI = "0.90 or less is abnormal"  # the words of the CLTI rule's ABI edge in its message
_ALI = "Possible acute limb ischemia: emergency vascular referral now"  # the ALI rule's action


def _messages(evidence: dict[str, object]) -> str:
    return " | ".join(flag.message for flag in red_flags(MODEL, evidence, baseline=False))


def _band(nid: str, value: object) -> str:
    node = MODEL.spec.nodes[nid]
    return node.states[int(np.argmax(state_vector(node, value)))]


ABOVE_09 = [Decimal("0.90000000000000000001"), Fraction(9, 10) + Fraction(1, 10**30), "0.90000000000000000001"]
BELOW_09 = [Decimal("0.89999999999999999999"), Fraction(9, 10) - Fraction(1, 10**30), "0.89999999999999999999"]
ON_09 = [Decimal("0.90"), Fraction(9, 10), "0.900", 0.9]


@pytest.mark.parametrize("abi", ABOVE_09, ids=repr)
def test_abi_just_above_the_edge_is_not_read_as_090(abi: object) -> None:
    assert _band("ankle_brachial_index", abi) == "normal"
    assert _CLTI not in _messages({"rest_pain": "yes", "ankle_brachial_index": abi})


@pytest.mark.parametrize("abi", BELOW_09, ids=repr)
def test_abi_just_below_the_edge_flags(abi: object) -> None:
    assert _band("ankle_brachial_index", abi) == "low"
    assert "Possible chronic limb-threatening ischemia" in _messages({"rest_pain": "yes", "ankle_brachial_index": abi})


@pytest.mark.parametrize("abi", ON_09, ids=repr)
def test_abi_on_the_edge_is_read_as_the_edge(abi: object) -> None:
    assert _band("ankle_brachial_index", abi) == "normal"  # the band starts at 0.9; the rule's 0.90 or less counts it
    assert _CLTI in _messages({"rest_pain": "yes", "ankle_brachial_index": abi})


ALI = {"pedal_pulses": "absent", "atrial_fibrillation": "yes"}


@pytest.mark.parametrize("days", [Decimal("14.000000000000000001"), Fraction(14) + Fraction(1, 10**30), "14.000000000000000001"], ids=repr)
def test_days_just_above_14_are_not_acute(days: object) -> None:
    assert _band("symptom_duration", days) == "2_weeks_to_3_months"
    assert _ALI not in _messages({"symptom_duration": days, **ALI})


@pytest.mark.parametrize("days", [Decimal("14"), Fraction(14), "14.0", 14, Decimal("13.999999999999999999"), "13.999999999999999999"], ids=repr)
def test_days_at_or_below_14_are_acute(days: object) -> None:
    assert _ALI in _messages({"symptom_duration": days, **ALI})
