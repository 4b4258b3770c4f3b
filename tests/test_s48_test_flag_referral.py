"""The "test" flags of the limb ischaemias make the referral depend on the test (session 48, h4's report).

Before, the acute limb ischaemia test flag read "pedal pulses with a handheld
Doppler or the ankle-brachial index, then emergency vascular referral": an
emergency referral whatever the test showed, for a flag whose point is that
the test decides (the probability is below the test-treatment threshold).
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.reasoning.redflags import red_flags


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


@pytest.mark.parametrize(
    ("evidence", "condition", "conditional"),
    [
        ({"rest_pain": True, "ankle_brachial_index": 0.9}, "acute_limb_ischemia", "emergency vascular referral if the signals are absent or reduced"),
        ({"rest_pain": True, "age": 75, "diabetes": True}, "critical_limb_ischemia", "urgent vascular referral if it is abnormal"),
    ],
)
def test_the_test_flag_refers_on_an_abnormal_result(model: crampnet.Model, evidence: dict[str, object], condition: str, conditional: str) -> None:
    flags = [f for f in red_flags(model, evidence) if f.condition == condition and f.urgency == "test"]
    assert flags, [(f.condition, f.urgency) for f in red_flags(model, evidence)]
    message = flags[0].message
    assert "the test decides" in message
    assert conditional in message
    assert "then emergency vascular referral" not in message and "then urgent vascular referral" not in message
