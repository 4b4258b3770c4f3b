"""The ``costs`` of ``next_questions``: one cost per question, for questions only (session 48).

``costs={"age": 1, "age_group": 50}`` named one node twice (an alias and its
id) and the later key silently won; a cost for a condition, which is never
asked, was silently ignored.
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.reasoning.questions import next_questions

EVIDENCE = {"urge_to_move": True}


@pytest.mark.parametrize("costs", [{"age": 1.0, "age_group": 50.0}, {"age_group": 50.0, "age": 1.0}])
def test_a_question_given_two_costs_is_an_error_naming_both_keys(model, costs):
    """Check an alias and its id with costs is refused, naming both keys and their costs, whatever their order."""
    with pytest.raises(crampnet.InvalidValueError) as info:
        next_questions(model, EVIDENCE, None, costs=costs, cost_aware=True)
    message = str(info.value)
    first, second = costs
    assert f"{first!r} and {second!r} both name age_group" in message
    assert "give it one cost" in message


def test_the_same_cost_under_an_alias_and_its_id_is_an_error_too(model):
    """Check the same number twice is refused as well: the caller meant two questions or made a slip."""
    with pytest.raises(crampnet.InvalidValueError, match="both name age_group"):
        next_questions(model, EVIDENCE, None, costs={"age": 2.0, "age_group": 2.0})


def test_a_cost_for_a_condition_is_an_error(model):
    """Check a cost for a condition (never asked; its cost would be ignored) names it and says costs are for questions."""
    with pytest.raises(crampnet.InvalidValueError) as info:
        next_questions(model, EVIDENCE, None, costs={"deep_vein_thrombosis": 5.0})
    assert "deep_vein_thrombosis" in str(info.value) and "a condition" in str(info.value)


def test_a_cost_for_an_observed_finding_is_still_taken(model):
    """Check a cost for a finding already answered stays allowed (a table of costs serves every case) and the others apply."""
    table = next_questions(model, EVIDENCE, None, costs={"urge_to_move": 5.0, "ferritin": 9.0})
    assert "urge_to_move" not in table.index
    assert table.loc["ferritin", "cost"] == 9.0
