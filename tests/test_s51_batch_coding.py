"""Session 51: a DataFrame's yes/no column coded 1/2 (SPSS, Stata) is named as such, with a recoding that works.

The CSV reader names such columns (h2, ``crampnet._cohort_cells``); ``model.posteriors(frame)`` gave only the
first cell's message, which speaks of 1 and 0, a coding the frame does not use.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from crampnet.exceptions import InvalidStateError


def _refusal(model, frame: pd.DataFrame) -> str:
    with pytest.raises(InvalidStateError) as info:
        model.posteriors(frame)
    return str(info.value)


@pytest.mark.parametrize("column", [[1, 2, 2], [2, 1], [1.0, 2.0, None], ["1", "2"], pd.array([1, 2, None], dtype="Int64")])
def test_a_column_of_ones_and_twos_is_named_coded_1_2_and_its_recoding_scores_as_yes_and_no(model, column):
    """The message names the column and the coding; the recoding it gives, run on the frame, scores as yes/no would."""
    frame = pd.DataFrame({"urge_to_move": column, "ferritin": [30.0] * len(column)})
    message = _refusal(model, frame)
    assert "Column 'urge_to_move' holds only 1 and 2" in message and "SPSS and Stata" in message and "check the codebook" in message
    recoding = re.search(r"frame\['urge_to_move'\] = (frame\['urge_to_move'\]\.map\(\{.*?\}\))", message)
    assert recoding is not None, message
    recoded = frame.copy()
    recoded["urge_to_move"] = eval(recoding[1], {}, {"frame": frame})  # the text the message tells the user to run
    by_hand = frame.copy()
    by_hand["urge_to_move"] = [None if pd.isna(v) else ("yes" if str(v).strip() in ("1", "1.0") else "no") for v in frame["urge_to_move"]]
    np.testing.assert_array_equal(model.posteriors(recoded).to_numpy(), model.posteriors(by_hand).to_numpy())


@pytest.mark.parametrize(("node", "column"), [("urge_to_move", [1, 1]), ("urge_to_move", [0, 1]), ("urge_to_move", [1, 2, 3]), ("urge_to_move", [2, "no"])])
def test_other_columns_are_not_said_to_be_coded_1_2(model, node, column):
    """Only 1s alone, 0/1, a 3 among them or a word among them: refused as before, with no word of a 1/2 coding."""
    message = _refusal(model, pd.DataFrame({node: column}))
    assert "coded 1/2" not in message
    assert "Row 0" in message or "Row 1" in message


def test_a_node_that_is_not_yes_no_gets_no_coding_note(model):
    """d_dimer's states are normal/raised: 1 and 2 there are no yes/no coding."""
    message = _refusal(model, pd.DataFrame({"d_dimer": [1, 2]}))
    assert "coded 1/2" not in message


def test_yes_and_no_columns_are_scored_as_before(model):
    """True/False and yes/no columns are read, and give the same posteriors."""
    words = model.posteriors(pd.DataFrame({"urge_to_move": ["yes", "no"]}))
    truths = model.posteriors(pd.DataFrame({"urge_to_move": [True, False]}))
    np.testing.assert_array_equal(words.to_numpy(), truths.to_numpy())
