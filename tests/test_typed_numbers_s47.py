"""What a person types that nearly writes a number, or a yes/no word with a full stop: refused, saying what to type (session 47)."""

from __future__ import annotations

import pytest

import crampnet
from crampnet.cli import main
from crampnet.exceptions import InvalidStateError


@pytest.fixture(scope="module")
def model():
    return crampnet.load()


@pytest.mark.parametrize(
    ("node", "text", "hint", "not_said"),
    [
        ("ferritin", "1 200", "no thousands separator", "'200' is not read"),  # said 200 was a unit to convert from
        ("ferritin", "1_200", "no thousands separator", None),
        ("ferritin", "32ng", "Give the number alone, in ng/mL: 32, if the result is 32 ng/mL ('ng' alone is an amount, not ng/mL).", "convert a value in another unit"),  # the node's unit cut short, not another unit (session 52)
        ("ferritin", "32mg", "('mg' is not read: convert a value in another unit)", "alone: 32"),
        ("ferritin", "0x10", "Write the number in decimal digits.", "'x10' is not read"),
        ("ferritin", "\u22125", "Write the minus sign as '-'", None),
        ("ferritin", "<30", "<30 is a bound, not a number: give the state the result is in (low, normal) if the bound settles it, or leave ferritin out.", None),
        ("ferritin", "32-40", "Give one number, not a range.", None),
        ("potassium", "K 3.1", "Give the number alone: 3.1.", None),
        ("urge_to_move", "y.", "Did you mean 'yes'?", None),
        ("urge_to_move", "true.", "Did you mean 'yes'?", None),
        ("d_dimer", "positive.", "Did you mean 'raised'?", None),
    ],
)
def test_a_near_number_or_word_is_refused_saying_what_to_type(capsys, model, node, text, hint, not_said):
    """Check each text is refused (never read as some number) with what to type, in Python and on the command line alike."""
    with pytest.raises(InvalidStateError) as caught:
        model.posteriors({node: text})
    message = str(caught.value)
    assert hint in message, message
    assert not_said is None or not_said not in message, message
    assert main(["diagnose", f"{node}={text}"]) == 2
    err = capsys.readouterr().err
    assert hint in err, err


@pytest.mark.parametrize("text", ["32?", "abc", "?"])  # "~32" is told it is approximate since session 52 (test_s52_near_numbers.py), never read as 32
def test_no_hint_is_made_up_for_other_text(model, text):
    """Check text that is no near number gets the list of states and no hint that would mislead (no "Give the number alone: 32")."""
    with pytest.raises(InvalidStateError) as caught:
        model.posteriors({"ferritin": text})
    message = str(caught.value)
    assert message.endswith("Or a number in ng/mL, 0 to 5000."), message
