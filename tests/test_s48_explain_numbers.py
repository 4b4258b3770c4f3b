"""The explanation's sentences show a number as the evidence line does (session 48, h1's report).

``explain``'s sentence (the report's "For:" and "Against:" lines) wrote a
number with ``%g``: an ankle-brachial index of 0.8999999, banded low, read
"0.9 ratio (low)", and 0.9 is normal; ferritin given as the text ``"32"``
showed no number at all ("Serum ferritin (low)").
"""

from __future__ import annotations

import decimal

import numpy as np
import pytest

import crampnet
from crampnet.reasoning.explain import explain_rows, log_odds_contributions


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


@pytest.mark.parametrize(
    ("node", "value", "condition", "says"),
    [
        ("ankle_brachial_index", 0.8999999, "peripheral_arterial_disease", "Ankle-brachial index 0.8999999 ratio (low)"),
        ("ferritin", "32", "restless_legs_syndrome", "Serum ferritin 32 ng/mL (low)"),
        ("ferritin", decimal.Decimal("1234.567"), "restless_legs_syndrome", "Serum ferritin 1234.567 ng/mL ("),
        ("ankle_brachial_index", np.float32(0.9), "peripheral_arterial_disease", "Ankle-brachial index 0.9 ratio (normal)"),
    ],
)
def test_the_sentence_shows_every_digit_read(model: crampnet.Model, node: str, value: object, condition: str, says: str) -> None:
    case = {node: value, "urge_to_move": True}
    rows = explain_rows(model, case, condition, log_odds_contributions(model, case))
    sentence = next(row[4] for row in rows if row[0] == node)
    assert sentence.startswith(says), sentence
