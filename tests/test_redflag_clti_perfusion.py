"""Rest pain, an ulcer or gangrene with an ABI that does not show PAD: a ``test`` flag for toe pressures.

2016 AHA/ACC PAD guideline: 'TBI should be measured to diagnose patients with
suspected PAD when the ABI is greater than 1.40' (Class I); 'In patients with
normal (1.00-1.40) or borderline (0.91-0.99) ABI in the setting of non-healing
wounds or gangrene, it is reasonable to diagnose CLI by using TBI with
waveforms, TcPO2, or SPP' (Class IIa); its Figure 2 sends rest pain with a
normal or borderline ABI and no wound to a search for another diagnosis.
Global Vascular Guidelines 2019, 3.5: 'Measure TP and TBI in all patients
with suspected CLTI and tissue loss'. Before, none of these raised a rule flag.
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.reasoning._rules import typed_numbers
from crampnet.reasoning._scoring import observe
from crampnet.reasoning.redflags import red_flags, rule_flags


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load(population="presenting")


def _rule(model: crampnet.Model, case: dict[str, object]) -> list[tuple[str, str, str]]:
    """The finding rules' critical limb ischemia flags of ``case`` (no posterior threshold): (urgency, message, source)."""
    flags = rule_flags(model, observe(model, case), typed_numbers(model, case))
    return [(f.urgency, f.message, f.source) for f in flags if f.condition == "critical_limb_ischemia"]


@pytest.mark.parametrize("finding", ["rest_pain", "ulcer_or_gangrene"])
@pytest.mark.parametrize("abi", [1.41, "non_compressible"])
def test_a_non_compressible_abi_asks_for_the_toe_brachial_index(model: crampnet.Model, finding: str, abi: object) -> None:
    flags = _rule(model, {finding: True, "ankle_brachial_index": abi})
    assert [u for u, _, _ in flags] == ["test"]
    _, message, source = flags[0]
    assert "Ankle-brachial index: non_compressible" in message
    assert "toe-brachial index" in message and "over 1.40" in message
    assert "greater than 1.40" in source and "Class I" in source


@pytest.mark.parametrize("abi", [0.95, 0.91, 0.99, 1.2, 1.40, "normal"])
def test_an_ulcer_with_a_normal_or_borderline_abi_asks_for_perfusion_tests(model: crampnet.Model, abi: object) -> None:
    flags = _rule(model, {"ulcer_or_gangrene": True, "ankle_brachial_index": abi})
    assert [u for u, _, _ in flags] == ["test"]
    _, message, source = flags[0]
    assert "toe pressure" in message and "TcPO2" in message and "skin perfusion pressure" in message
    assert "non-healing wounds or gangrene" in source and "tissue loss" in source


def test_the_flag_reaches_red_flags_at_test_urgency(model: crampnet.Model) -> None:
    flags = [f for f in red_flags(model, {"rest_pain": True, "ankle_brachial_index": 1.41}) if f.condition == "critical_limb_ischemia"]
    assert [f.urgency for f in flags] == ["test"]
    assert "toe-brachial index" in flags[0].message


@pytest.mark.parametrize("abi", [0.95, "normal", 1.40])
def test_rest_pain_alone_with_a_normal_or_borderline_abi_raises_no_rule_flag(model: crampnet.Model, abi: object) -> None:
    # 2016 AHA/ACC Figure 2: no non-healing wound or gangrene -> search for an alternative diagnosis, not perfusion tests.
    assert _rule(model, {"rest_pain": True, "ankle_brachial_index": abi}) == []


@pytest.mark.parametrize("abi", [0.85, 0.90, "low", "very_low"])
@pytest.mark.parametrize("finding", ["rest_pain", "ulcer_or_gangrene"])
def test_a_low_abi_keeps_the_urgent_rule(model: crampnet.Model, finding: str, abi: object) -> None:
    flags = _rule(model, {finding: True, "ankle_brachial_index": abi})
    assert [u for u, _, _ in flags] == ["urgent"]
    assert "urgent referral to a vascular specialist (Global Vascular Guidelines)." in flags[0][1]
    assert "toe" not in flags[0][1]


def test_absent_pulses_with_a_calcified_abi_keep_the_urgent_rule(model: crampnet.Model) -> None:
    flags = _rule(model, {"rest_pain": True, "ankle_brachial_index": 1.41, "pedal_pulses": "absent"})
    assert [u for u, _, _ in flags] == ["urgent"]
    assert "Pedal pulses: absent" in flags[0][1]


@pytest.mark.parametrize(
    "case",
    [
        {"rest_pain": False, "ankle_brachial_index": 1.41},
        {"ankle_brachial_index": "non_compressible"},
        {"ulcer_or_gangrene": False, "rest_pain": False, "ankle_brachial_index": "normal"},
        {"ankle_brachial_index": 0.95},
    ],
)
def test_without_rest_pain_or_an_ulcer_no_rule_flag(model: crampnet.Model, case: dict[str, object]) -> None:
    assert _rule(model, case) == []


def test_diabetes_is_named_beside_the_calcified_abi(model: crampnet.Model) -> None:
    flags = _rule(model, {"ulcer_or_gangrene": True, "ankle_brachial_index": 1.41, "diabetes": True})
    assert len(flags) == 1 and "also Diabetes mellitus: yes" in flags[0][1]
