"""Session 51: the interview's ``?`` at a numeric question says the unit may follow the number, and which others are read.

Since h1 (ecce761) an answer ``30 ng/mL`` or ``30 µg/L`` is read at ferritin's question; the help said only
"a number in ng/mL from 0 to 5000". Every spelling the help lists must be read, and the node's own unit too.
"""

from __future__ import annotations

import re

import pytest

import crampnet
from crampnet._interview_answers import help_lines
from crampnet.network._words import typed_number

MODEL = crampnet.load()
NUMERIC = [nid for nid, node in MODEL.spec.nodes.items() if node.bands and node.unit]


@pytest.mark.parametrize("nid", NUMERIC)
def test_every_unit_the_help_lists_is_read(nid):
    node = MODEL.spec.nodes[nid]
    line = help_lines(MODEL, nid)[0]
    assert f"a number in {node.unit}" in line and "its unit after it or not" in line
    listed = re.search(r"\(also read: ([^)]*)\)", line)
    units = [node.unit, *(listed[1].split(", ") if listed else [])]
    low, high = node.valid if node.valid else (0.0, 1.0)
    value = (low + high) / 2
    for unit in units:
        assert typed_number(node, f"{value!r} {unit}") == value, unit


def test_ferritin_and_sodium_list_their_equal_units_and_calcium_none():
    assert "(also read: µg/L, ug/L, mcg/L)" in help_lines(MODEL, "ferritin")[0]
    assert "(also read: mEq/L)" in help_lines(MODEL, "sodium")[0]
    assert "also read" not in help_lines(MODEL, "calcium")[0]  # mEq/L of a divalent ion is not mmol/L


def test_a_node_without_a_unit_says_nothing_of_one():
    assert "unit" not in help_lines(MODEL, "urge_to_move")[0]
