"""The inputs of a testing threshold (``pauker_kassirer``, ``test_treatment``): percentages, text and edge values (session 48).

``pauker_kassirer(sensitivity=90, ...)`` said only that the sensitivity must
be a number in (0, 1], where every other probability argument
(``threshold=5``) says "5 reads as a percentage? 5% is 0.05"; the hint now
lives in ``reasoning/_probability_hint``, below both users. A perfect test
with no harm divided by zero; an infinite harm made a NaN that ``min`` read
as a threshold of 1.
"""

from __future__ import annotations

import pytest

from crampnet.exceptions import InvalidValueError
from crampnet.reasoning._flag_args import check_threshold
from crampnet.reasoning._thresholds import pauker_kassirer
from crampnet.reasoning._thresholds import test_treatment as treatment_threshold

GOOD = {"sensitivity": 0.9, "specificity": 0.9, "harm": 0.5, "test_risk": 0.0}


@pytest.mark.parametrize("function", [pauker_kassirer, treatment_threshold])
@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("sensitivity", 90, "Got 90 instead. 90 reads as a percentage? 90% is 0.9: pass 0.9."),
        ("specificity", 97.8, "Got 97.8 instead. 97.8 reads as a percentage? 97.8% is 0.978: pass 0.978."),
        ("sensitivity", "0.9", "'0.9' is text: pass the number 0.9."),
    ],
)
def test_a_percentage_accuracy_gets_the_percentage_hint(function, name, value, says):
    """Check the message names the input and the value, and says the probability to pass."""
    with pytest.raises(InvalidValueError) as info:
        function(**{**GOOD, name: value})
    message = str(info.value)
    assert message.startswith(f"The '{name}' of a testing threshold must be a number in (0, 1].")
    assert message.endswith(says)


def test_a_long_text_threshold_is_cut_in_the_hint():
    """Check text of 100,000 digits is not quoted whole by the hint (it was, making a 100 kB message)."""
    text = "0.5" + "0" * 100_000
    with pytest.raises(InvalidValueError) as info:
        check_threshold(text)
    message = str(info.value)
    assert len(message) < 1_000
    assert message.endswith("is text: pass the number 0.5.")


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
