"""Numbers typed nearly right (session 52, h3's fuzzing): the node's unit cut short, or an approximate number.

``calcium=2.2mmol`` was told "'mmol' is not read: convert a value in another unit", though mmol is the
node's own unit without its "/L"; ``ferritin=~30`` got the states and the range only. Neither is read as
a number: the person types it again, as every near number is refused.
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.exceptions import InvalidStateError


@pytest.mark.parametrize(
    ("node", "text", "says"),
    [
        ("calcium", "2.2mmol", "Give the number alone, in mmol/L: 2.2, if the result is 2.2 mmol/L ('mmol' alone is an amount, not mmol/L)."),
        ("sodium", "130 mmol", "in mmol/L: 130, if the result is 130 mmol/L"),
        ("ferritin", "32 NG", "in ng/mL: 32, if the result is 32 ng/mL"),
        ("ferritin", "~30", "~30 is an approximate number: give the result as measured, alone (30 if that is it), or one of the states."),
        ("ferritin", "\u224830", "is an approximate number"),
        ("tsh", "approx. 4", "approx. 4 is an approximate number: give the result as measured, alone (4 if that is it)"),
        ("potassium", "ca 3.1", "(3.1 if that is it)"),
    ],
)
def test_a_near_number_is_refused_saying_what_to_type(model, cli_run, node, text, says):
    """Check each text is refused, never read as the number, with what to type, in Python and on the command line."""
    with pytest.raises(InvalidStateError) as caught:
        model.posteriors({node: text})
    assert says in str(caught.value)
    assert "convert a value in another unit" not in str(caught.value)
    code, _, err = cli_run(["diagnose", f"{node}={text}"])
    assert code == 2 and says in err, err


def test_another_unit_is_still_told_to_convert(model):
    """Check that a unit that is not the node's own cut short (mg on ferritin, ng/mL's numerator is ng) keeps the conversion message."""
    with pytest.raises(InvalidStateError) as caught:
        model.posteriors({"ferritin": "32mg"})
    assert "('mg' is not read: convert a value in another unit)" in str(caught.value)
    assert "alone: 32" not in str(caught.value) and "in ng/mL: 32" not in str(caught.value)


def test_the_number_read_is_not_taken_from_either(model):
    """Check that leaving the text out and typing the number alone gives a posterior, so the hint's number is one the node reads."""
    assert 0.0 <= crampnet.load().posteriors({"calcium": 2.2})["electrolyte_disturbance"] <= 1.0
    assert 0.0 <= model.posteriors({"ferritin": 30})["restless_legs_syndrome"] <= 1.0
