"""A 1 or a 0 given to a yes/no node is refused with what to write instead.

Before session 50 `model.posteriors({"urge_to_move": 1})` and a DataFrame column coded 1/0 said only that the node
"does not accept a number", though 1/0 is how most data sets code yes/no (h4's report). The number is still refused:
which code is yes is the data's convention.
"""

from __future__ import annotations

import pandas as pd
import pytest

import crampnet

HINT = "not read as yes or no"


@pytest.mark.parametrize("value", [1, 0, 1.0, "1", "0"])
def test_a_one_or_zero_on_a_yes_no_node_says_to_write_yes_or_no(model, value):
    """Check that the error names the coding and says what to write."""
    with pytest.raises(crampnet.InvalidStateError, match=HINT) as info:
        model.posteriors({"urge_to_move": value})
    assert "write yes or no" in str(info.value)


def test_a_dataframe_column_coded_one_zero_gets_the_hint_at_its_row(model):
    """Check that the batch path names the row and column and gives the same hint."""
    with pytest.raises(crampnet.InvalidStateError, match=rf"Row 0, column 'urge_to_move'.*{HINT}"):
        model.posteriors(pd.DataFrame({"urge_to_move": [1, 0]}))


@pytest.mark.parametrize(("node", "value"), [("d_dimer", 1), ("urge_to_move", 2), ("pedal_pulses", 0)])
def test_no_coding_hint_where_a_number_is_not_a_yes_no_code(model, node, value):
    """Check that a lab node's 1 (a value), a 2, and a node of other states get no yes/no hint."""
    with pytest.raises(crampnet.InvalidStateError) as info:
        model.posteriors({node: value})
    assert HINT not in str(info.value)


def test_true_and_false_are_still_read(model):
    """Check that booleans stay yes and no, and match the words."""
    assert model.posteriors({"urge_to_move": True}).equals(model.posteriors({"urge_to_move": "yes"}))
    assert model.posteriors({"urge_to_move": False}).equals(model.posteriors({"urge_to_move": "no"}))
