"""Session 49, helper 7: red flags read soft evidence of an implying finding as its outright entry does."""

from __future__ import annotations

import pytest

import crampnet
from crampnet.reasoning.redflags import red_flags

CLTI = "critical_limb_ischemia"


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    """The shipped network."""
    return crampnet.load()


@pytest.mark.parametrize("relief", [True, {"yes": 1.0, "no": 0.001}, {"yes": 0.9, "no": 0.1}])
def test_relief_by_dependency_as_nearly_certain_soft_evidence_raises_the_clti_rule(model, relief):
    """Relief on hanging the leg down implies rest pain (the file's entailment); with an ABI typed as 0.90 (abnormal, 2016 AHA/ACC) the GVG rule fires.

    Entered as soft evidence leaning to 'yes', the implied rest pain was not read and no flag named chronic
    limb-threatening ischemia at all (its posterior is under the testing threshold): the rule's flag must be there,
    urgent, naming the rest pain, as for the outright entry.
    """
    flags = [f for f in red_flags(model, {"relief_by_dependency": relief, "ankle_brachial_index": 0.9}) if f.condition == CLTI]
    assert [f.urgency for f in flags] == ["urgent"]
    assert flags[0].message.startswith("Ischemic rest pain (often the foot at night): yes, Ankle-brachial index: 0.9")


@pytest.mark.parametrize("relief", [{"yes": 1.0, "no": 1.0}, {"yes": 0.2, "no": 1.0}])
def test_soft_relief_that_does_not_lean_to_yes_implies_nothing(model, relief):
    """A tie or a lean to 'no' is no finding of relief, so no rest pain is read and the rule does not fire."""
    flags = red_flags(model, {"relief_by_dependency": relief, "ankle_brachial_index": 0.9})
    assert not [f for f in flags if f.message.startswith("Ischemic rest pain")]


def test_soft_implied_finding_does_not_count_as_outright(model):
    """The implied finding from soft evidence is read as present, not outright: the ALI rule's exclusion of a long history is not touched, and a chain is followed."""
    from crampnet.reasoning._entries import _definite, matches, stated
    from crampnet.reasoning._scoring import observe

    read = stated(model, observe(model, {"exertional_pain_relieved_by_rest": {"yes": 1.0, "no": 0.01}}))
    for entry in (("relief_by_standing_still", "yes"), ("exercise_triggered", "yes")):
        assert matches(model, read, entry) and not _definite(model, read, entry)
