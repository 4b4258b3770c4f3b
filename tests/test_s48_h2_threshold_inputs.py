"""The inputs of a testing threshold (``pauker_kassirer``, ``test_treatment``): edge values (session 48).

A perfect test with no harm divided by zero; an infinite harm made a NaN
that ``min`` read as a threshold of 1. (A percentage hint for an accuracy,
"90 reads as a percentage", needs ``probability_hint`` of
``reasoning/_flag_args``, which imports this module: not done, see the
session's report.)
"""

from __future__ import annotations

import pytest

from crampnet.exceptions import InvalidValueError
from crampnet.reasoning._thresholds import pauker_kassirer
from crampnet.reasoning._thresholds import test_treatment as treatment_threshold

GOOD = {"sensitivity": 0.9, "specificity": 0.9, "harm": 0.5, "test_risk": 0.0}


@pytest.mark.parametrize(("name", "value"), [("sensitivity", 150), ("sensitivity", -0.5), ("specificity", 0), ("harm", -5), ("test_risk", -1)])
def test_no_percentage_hint_where_none_fits(name, value):
    """Check a value no percentage explains (over 100, negative, 0; a harm or test risk, which may exceed 1) gets no hint."""
    with pytest.raises(InvalidValueError) as info:
        pauker_kassirer(**{**GOOD, name: value})
    assert "percentage" not in str(info.value)
    assert str(info.value).endswith("instead.")


@pytest.mark.parametrize("test_risk", [0.0, 0.01])
def test_a_perfect_test_with_no_harm_has_a_test_treatment_threshold(test_risk):
    """Check sensitivity 1 with harm 0: acting costs 0 and testing test_risk, so acting never loses; the threshold is the testing one.

    ``(spec * harm - test_risk) / (spec * harm + 1 - sens)`` divided by 0
    there: ZeroDivisionError.
    """
    inputs = {"sensitivity": 1.0, "specificity": 0.9, "harm": 0.0, "test_risk": test_risk}
    low = test_risk  # (0 + test_risk) / (0 + 1), the testing threshold
    assert pauker_kassirer(**inputs) == pytest.approx(low)
    assert treatment_threshold(**inputs) == pytest.approx(low)


@pytest.mark.parametrize("name", ["harm", "test_risk"])
@pytest.mark.parametrize("function", [pauker_kassirer, treatment_threshold])
def test_an_infinite_harm_is_refused(function, name):
    """Check an infinite harm or test risk is an error naming it (inf * (1 - 1) made a NaN that min() turned into a threshold of 1)."""
    with pytest.raises(InvalidValueError, match=rf"The '{name}' of a testing threshold must be a finite number, 0 or more. Got inf instead."):
        function(**{**GOOD, "specificity": 1.0, name: float("inf")})
