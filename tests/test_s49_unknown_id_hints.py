"""What an unknown node id is told: the id a clinician's abbreviation or reordered words mean.

Clinicians write ABI, DVT, PAD, RLS and name a sign in their own word order; before session 49 these got no
suggestion at all ("See model.findings ..."), and "ali" was offered 'myalgia' or 'calcium'.
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.exceptions import did_you_mean


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("abi", "ankle_brachial_index"),
        ("ABI", "ankle_brachial_index"),
        ("dvt", "deep_vein_thrombosis"),
        ("PAD", "peripheral_arterial_disease"),
        ("rls", "restless_legs_syndrome"),
        ("plm", "periodic_limb_movements"),
        ("ali", "acute_limb_ischemia"),
        ("mnd", "motor_neuron_disease"),
        ("TSH", "tsh"),
        ("limb_cold_or_pale", "cold_pale_limb"),
        ("pulses_absent", "pedal_pulses"),
    ],
)
def test_an_abbreviation_or_reordered_words_name_the_node_first(model, given, meant):
    """Check that the evidence error's first suggestion is the node the clinician meant."""
    with pytest.raises(crampnet.UnknownNodeError) as info:
        model.posteriors({given: True})
    assert info.value.suggestions[0] == meant
    assert f"Did you mean '{meant}'" in str(info.value)


def test_an_abbreviation_offers_no_unrelated_spelling():
    """Check that 'ali' suggests acute limb ischemia alone, not ids that merely share letters."""
    assert did_you_mean("ali", ["myalgia", "calcium", "acute_limb_ischemia"]) == ["acute_limb_ischemia"]


def test_initials_need_two_words():
    """Check that a one-word id is not matched by its first letter alone."""
    assert did_you_mean("e", ["edema", "exercise"]) == []


@pytest.mark.parametrize("given", ["x", "ab", "or"])
def test_one_or_two_letters_get_no_containment_guess(given):
    """Check that a fragment of one or two letters is not 'found' inside every id containing it."""
    assert did_you_mean(given, ["exertional_pain_relieved_by_rest", "worse_evening", "joint_abnormality"]) == []


def test_close_spellings_still_come_first():
    """Check that a misspelling still gets its id (the step before words and abbreviations are no better)."""
    assert did_you_mean("feritin", ["ferritin", "edema"]) == ["ferritin"]
    assert did_you_mean("Urge_To_Mov", ["urge_to_move", "edema"]) == ["urge_to_move"]


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("cancer", "malignancy"),
        ("erythema", "leg_redness_warmth"),  # a close spelling offered 'edema'
        ("redness", "leg_redness_warmth"),  # a close spelling offered 'weakness'
        ("dysphagia", "bulbar_symptoms"),  # a close spelling offered 'myalgia'
        ("wasting", "muscle_atrophy"),  # a close spelling offered 'care_setting'
        ("pins and needles", "paresthesia"),
        ("K", "potassium"),
        ("claudication", "exertional_pain_relieved_by_rest"),
    ],
)
def test_a_clinical_word_names_the_node_it_means(model, given, meant):
    """Check that a clinician's word for a node is told that node first, not a look-alike spelling."""
    with pytest.raises(crampnet.UnknownNodeError) as info:
        model.posteriors({given: True})
    assert info.value.suggestions[0] == meant


def test_every_clinical_word_names_ids_of_the_shipped_network(model):
    """Check that the word table offers only ids the shipped network has, and none of its own ids as a word."""
    from crampnet._synonyms import SYNONYMS

    ids = {n.id for n in model.spec.nodes.values()}
    assert {t for targets in SYNONYMS.values() for t in targets} <= ids
    assert not set(SYNONYMS) & ids


def test_a_clinical_word_offers_only_ids_among_the_names_given():
    """Check that a word whose id is not among the names (another network, a list of conditions) offers nothing for it."""
    assert did_you_mean("cancer", ["edema", "ferritin"]) == []
