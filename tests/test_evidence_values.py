"""Evidence values as a notebook passes them: Decimal numbers (a database's numeric columns) and missing-value markers.

Each test failed before its fix.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest

import crampnet


@pytest.mark.parametrize(("node", "number"), [("age", "70"), ("ferritin", "30.5"), ("ankle_brachial_index", "0.70"), ("tsh", "4.5")])
def test_a_decimal_is_a_number(model, node, number):
    """Check that a Decimal is banded like the float it equals, in a case, a DataFrame and the JSON record (it was refused as 'not a number')."""
    exact, plain = model.posteriors({node: Decimal(number)}), model.posteriors({node: float(number)})
    assert exact.equals(plain)
    frame = model.posteriors(pd.DataFrame({node: [Decimal(number), None]}, index=["a", "b"]))
    assert frame.equals(model.posteriors(pd.DataFrame({node: [float(number), None]}, index=["a", "b"])))
    record = json.loads(json.dumps(model.diagnose({node: Decimal(number)}).to_dict(), allow_nan=False))
    assert crampnet.Diagnosis.from_dict(model, record).posteriors.equals(model.diagnose({node: float(number)}).posteriors)


def test_decimal_likelihoods_and_event_weights(model):
    """Check that Decimal soft-evidence likelihoods and event weights count as the floats they equal (they were 'not finite non-negative')."""
    soft = model.posteriors({"urge_to_move": {"yes": Decimal("0.5"), "no": Decimal(2)}})
    assert soft.equals(model.posteriors({"urge_to_move": {"yes": 0.5, "no": 2.0}}))
    event = model.probability({"age": {"under_40": Decimal(1), "40_to_64": Decimal(0)}})
    assert event == model.probability({"age": {"under_40": 1, "40_to_64": 0}})


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1e400")])
def test_a_decimal_that_is_no_finite_float_is_an_invalid_value(model, value):
    """Check that a Decimal NaN, infinity or one beyond float range is an InvalidValueError naming the node, for a lab and as a likelihood."""
    with pytest.raises(crampnet.InvalidValueError, match="ferritin"):
        model.posteriors({"ferritin": value})
    with pytest.raises(crampnet.InvalidValueError, match="urge_to_move"):
        model.posteriors({"urge_to_move": {"yes": value, "no": 1}})
    with pytest.raises(crampnet.InvalidValueError, match="urge_to_move"):
        model.probability({"urge_to_move": {"yes": value}})
