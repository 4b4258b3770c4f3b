"""A DataFrame read from a CSV whose header names a node twice is refused as such (session 48, h5's report).

``pandas.read_csv`` renames the second ``urge_to_move`` to
``urge_to_move.1``; ``model.posteriors(frame)`` and ``model.fit(frame)``
then said "Unknown node 'urge_to_move.1' ... Did you mean 'urge_to_move'?",
advice to rename a column that is really a repeat.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

import crampnet
from crampnet.exceptions import InvalidValueError
from crampnet.network.batch import check_columns


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


@pytest.mark.parametrize("call", ["posteriors", "fit"])
def test_a_repeated_header_is_named(model: crampnet.Model, call: str) -> None:
    frame = pd.read_csv(io.StringIO("ferritin,urge_to_move,urge_to_move\n30,yes,no\n"))
    assert list(frame.columns) == ["ferritin", "urge_to_move", "urge_to_move.1"]  # what pandas does
    with pytest.raises(InvalidValueError) as info:
        getattr(model, call)(frame)
    message = str(info.value)
    assert "'urge_to_move' and 'urge_to_move.1'" in message and "names 'urge_to_move' twice" in message
    assert "Did you mean" not in message


@pytest.mark.parametrize("columns", [["urge_to_move.1"], ["ferritin", "age.0"], ["a", "a.01"], ["a", "b.1"]])
def test_other_dotted_names_are_left_to_the_node_check(columns: list[str]) -> None:
    check_columns(columns)  # no repeat pandas would make: the node check says what is wrong, if anything
