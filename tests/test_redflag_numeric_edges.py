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


# Acute limb ischemia: the vocabulary bands day 14 as "2_weeks_to_3_months", which the ALI rules exclude;
# the 2024 ACC/AHA guideline defines ALI as "Acute (<=2 wk) hypoperfusion of the limb", so a typed 14 is acute.
_COLD_PULSELESS = {"cold_pale_limb": True, "pedal_pulses": "absent"}


def _ali(model: crampnet.Model, case: dict[str, object]) -> list[tuple[str, str, str]]:
    """The acute limb ischemia flags of ``case``: (urgency, message, source)."""
    return [(f.urgency, f.message, f.source) for f in red_flags(model, case) if f.condition == "acute_limb_ischemia"]


@pytest.mark.parametrize("days", [13, 14, 14.0, Decimal("14"), "under_2_weeks"])
def test_cold_pulseless_limb_of_14_days_or_fewer_is_an_ali_emergency(model: crampnet.Model, days: object) -> None:
    assert [u for u, _, _ in _ali(model, {**_COLD_PULSELESS, "symptom_duration": days})] == ["emergency"]


@pytest.mark.parametrize("days", [15, 14.5, "2_weeks_to_3_months", "over_3_months"])
def test_cold_pulseless_limb_past_2_weeks_is_no_ali_rule_flag(model: crampnet.Model, days: object) -> None:
    # Over 14 days, or the band entered as a state, still excludes the acute rule: only a typed number reads the guideline's edge.
    assert "emergency" not in [u for u, _, _ in _ali(model, {**_COLD_PULSELESS, "symptom_duration": days})]


def test_ali_at_14_days_shows_the_number_and_cites_the_guideline(model: crampnet.Model) -> None:
    [(_, message, source)] = _ali(model, {**_COLD_PULSELESS, "symptom_duration": 14})
    assert "lasted: 14 (2 weeks or less is acute" in message
    assert "the network's band is 2_weeks_to_3_months" in message
    assert "Gornik" in source and "Acute (\u22642 wk) hypoperfusion of the limb" in source


@pytest.mark.parametrize(
    "case",
    [
        {"symptom_duration": 14, "pedal_pulses": "absent", "atrial_fibrillation": True},
        {"symptom_duration": 14, "cold_pale_limb": True, "sensory_loss": True},
    ],
)
def test_embolic_and_threatened_ali_rules_read_day_14_as_acute(model: crampnet.Model, case: dict[str, object]) -> None:
    assert [u for u, _, _ in _ali(model, case)] == ["emergency"]


@pytest.mark.parametrize(("days", "changes"), [(14, True), (15, False)])
def test_next_questions_read_the_typed_duration_as_the_flags_do(model: crampnet.Model, days: int, changes: bool) -> None:
    # Absent pulses in a cold limb of 14 days make the ALI emergency, as red_flags reads it; at 15 days they do not.
    answers = collect(model, {"cold_pale_limb": True, "symptom_duration": days}, ["pedal_pulses"], ruled=["pedal_pulses"])
    assert answers.flag_change is not None
    assert bool(answers.flag_change[:, answers.conditions.index("acute_limb_ischemia")].any()) is changes


@pytest.mark.parametrize("abi", ["0.90", ".90", " 0.9 "])
def test_an_abi_written_as_text_is_read_against_the_guideline_edge_too(model: crampnet.Model, abi: str) -> None:
    # The evidence reader takes a number written as text ("0.90") as the number; the rules must read it as the typed 0.90
    # (urgent), not only as its band "normal" (no rule flag), or the flag depends on whether the caller quoted the number.
    assert [u for u, _, _ in _cli(model, {"rest_pain": True, "ankle_brachial_index": abi})] == ["urgent"]
    assert [u for u, _, _ in _cli(model, {"rest_pain": True, "ankle_brachial_index": "0.91"})] == []


def test_a_duration_written_as_text_is_read_against_the_guideline_edge_too(model: crampnet.Model) -> None:
    assert [u for u, _, _ in _ali(model, {**_COLD_PULSELESS, "symptom_duration": "14"})] == ["emergency"]
    assert "emergency" not in [u for u, _, _ in _ali(model, {**_COLD_PULSELESS, "symptom_duration": "15"})]
    answers = collect(model, {"cold_pale_limb": True, "symptom_duration": "14"}, ["pedal_pulses"], ruled=["pedal_pulses"])
    assert answers.flag_change is not None
    assert bool(answers.flag_change[:, answers.conditions.index("acute_limb_ischemia")].any())
