"""A probability given as a percentage or as text gets a hint in its error (session 47, helper h3).

``m.diagnose(case, threshold=5)`` said only "must be None ... or a number in (0, 1]. Got 5 instead.":
5 was meant as 5%, and ``threshold="0.05"`` as the number 0.05.
"""

from __future__ import annotations

import decimal

import numpy as np
import pytest

import crampnet
from crampnet.exceptions import InvalidValueError
from crampnet.reasoning.redflags import red_flags, rule_outs_met, rule_outs_open

_CASE = {"muscle_cramps": True}


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        (5, "5 reads as a percentage? 5% is 0.05: pass 0.05."),
        (12.5, "12.5 reads as a percentage? 12.5% is 0.125: pass 0.125."),
        (np.float64(100.0), "100% is 1: pass 1."),
        ("0.05", "'0.05' is text: pass the number 0.05."),
        ("5%", "'5%' is text: pass the number 0.05."),
        ("5", "'5' is text: pass a number; 5 reads as a percentage? 5% is 0.05: pass 0.05."),
        (decimal.Decimal("0.05"), "pass the float 0.05"),
    ],
)
def test_diagnose_says_what_a_wrong_threshold_was_probably_meant_as(model: crampnet.Model, given: object, hint: str) -> None:
    with pytest.raises(InvalidValueError, match=r"number in \(0, 1\]") as caught:
        model.diagnose(_CASE, threshold=given)  # type: ignore[arg-type]
    assert hint in str(caught.value)


@pytest.mark.parametrize("given", [101, 0, -5, "x", "nan", float("inf"), True])
def test_no_hint_where_none_fits(model: crampnet.Model, given: object) -> None:
    with pytest.raises(InvalidValueError) as caught:
        red_flags(model, _CASE, threshold=given)  # type: ignore[arg-type]
    assert "percentage" not in str(caught.value) and "pass the" not in str(caught.value)


@pytest.mark.parametrize("function", [red_flags, rule_outs_met, rule_outs_open])
def test_the_other_threshold_arguments_say_it_too(model: crampnet.Model, function: object) -> None:
    with pytest.raises(InvalidValueError, match=r"5% is 0\.05: pass 0\.05\."):
        function(model, _CASE, threshold=5)  # type: ignore[operator]


def test_a_posterior_given_as_a_percentage_says_so(model: crampnet.Model) -> None:
    post = {**model.posteriors(_CASE).to_dict(), "deep_vein_thrombosis": 45.0}
    with pytest.raises(InvalidValueError, match=r"45% is 0\.45"):
        red_flags(model, _CASE, post)
    post["deep_vein_thrombosis"] = "0.45"
    with pytest.raises(InvalidValueError, match=r"'0\.45' is text: pass the number 0\.45\."):
        red_flags(model, _CASE, post)
