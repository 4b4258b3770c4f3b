"""The numeric edges the red-flag rules read: a typed number against its source's line, not only the network's band.

The vocabulary bands an ABI of 0.90 as ``normal`` (0.9 up to 1.4); the 2016
AHA/ACC guideline calls 0.90 or less abnormal (the diagnosis of PAD), so
the critical limb ischemia rule reads the typed number.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import crampnet
from crampnet.reasoning._collect import collect
from crampnet.reasoning.redflags import red_flags


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load(population="presenting")


def _cli(model: crampnet.Model, case: dict[str, object]) -> list[tuple[str, str, str]]:
    """The critical limb ischemia flags of ``case``: (urgency, message, source)."""
    return [(f.urgency, f.message, f.source) for f in red_flags(model, case) if f.condition == "critical_limb_ischemia"]


@pytest.mark.parametrize("abi", [0.90, 0.9, Decimal("0.90")])
def test_abi_of_090_with_rest_pain_flags_critical_limb_ischemia(model: crampnet.Model, abi: object) -> None:
    flags = _cli(model, {"rest_pain": True, "ankle_brachial_index": abi})
    assert [urgency for urgency, _, _ in flags] == ["urgent"]
    _, message, source = flags[0]
    assert "Ankle-brachial index: 0.9 (0.90 or less is abnormal" in message
    assert "the network's band is normal" in message
    assert "Gerhard-Herman" in source and "ABI \u22640.90" in source


def test_abi_of_090_with_an_ulcer_flags_critical_limb_ischemia(model: crampnet.Model) -> None:
    assert [u for u, _, _ in _cli(model, {"ulcer_or_gangrene": True, "ankle_brachial_index": 0.90})] == ["urgent"]


def test_abi_of_091_is_borderline_and_raises_no_rule_flag(model: crampnet.Model) -> None:
    # 0.91-0.99 is borderline (2016 AHA/ACC), not the diagnosis of PAD: the finding rule stays silent.
    assert not [m for _, m, _ in _cli(model, {"rest_pain": True, "ankle_brachial_index": 0.91}) if "Ankle-brachial index" in m]


def test_abi_of_089_reads_its_band(model: crampnet.Model) -> None:
    flags = _cli(model, {"rest_pain": True, "ankle_brachial_index": 0.89})
    assert [u for u, _, _ in flags] == ["urgent"]
    assert "Ankle-brachial index: low." in flags[0][1]


@pytest.mark.parametrize("state", ["low", "very_low"])
def test_abi_band_states_still_flag(model: crampnet.Model, state: str) -> None:
    flags = _cli(model, {"rest_pain": True, "ankle_brachial_index": state})
    assert [u for u, _, _ in flags] == ["urgent"]
    assert f"Ankle-brachial index: {state}." in flags[0][1]


def test_abi_normal_state_raises_no_rule_flag(model: crampnet.Model) -> None:
    assert not [m for _, m, _ in _cli(model, {"rest_pain": True, "ankle_brachial_index": "normal"}) if "Ankle-brachial index" in m]


def test_abi_of_090_alone_raises_no_rule_flag(model: crampnet.Model) -> None:
    # The number is one group of the rule: without rest pain, an ulcer or gangrene it flags nothing.
    assert not [m for _, m, _ in _cli(model, {"rest_pain": False, "ankle_brachial_index": 0.90}) if "Ankle-brachial index" in m]


def test_next_questions_read_the_typed_abi_as_the_flags_do(model: crampnet.Model) -> None:
    # The case is flagged already (ABI 0.90 with rest pain): absent pulses change nothing of the rule's flag.
    answers = collect(model, {"rest_pain": True, "ankle_brachial_index": 0.90}, ["pedal_pulses"], ruled=["pedal_pulses"])
    assert answers.flag_change is not None
    column = answers.conditions.index("critical_limb_ischemia")
    assert not answers.flag_change[:, column].any()
