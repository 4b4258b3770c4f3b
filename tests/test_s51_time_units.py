"""Session 51: an amount of time in weeks, hours, months or years on a node counted in days gets the days to type.

``symptom_duration=3 weeks`` was refused with "Give the number alone, in days ('weeks' is not read: convert
a value in another unit)", leaving the clinician to multiply. A week and an hour convert exactly (7 days;
1/24 day), so the message gives the days; a calendar month is 28 to 31 days and a year 365 or 366, so an
amount in months or years is a span, and the message gives the state when the whole span is in one band
and says so when it straddles a cut (3 months: 84 to 93 days, the cut at 90). Nothing is read: the
amount stays refused, as every unit that is another quantity is. The bands (under 14 days; 14 up to 90;
over 90) are written out here, not taken from the code.
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import crampnet
from crampnet._interview_answers import answer_value
from crampnet.exceptions import InvalidStateError

MODEL = crampnet.load()


def _band(days: Fraction) -> str:
    """symptom_duration's band, from networks/leg_cramps.toml read by eye: under 14, 14 up to 90, over 90."""
    return "under_2_weeks" if days < 14 else "2_weeks_to_3_months" if days <= 90 else "over_3_months"


def _refusal(text: str) -> str:
    with pytest.raises(InvalidStateError) as info:
        MODEL.posteriors({"symptom_duration": text})
    return str(info.value)


@pytest.mark.parametrize(("text", "days"), [("3 weeks", "21"), ("2 wks", "14"), ("1.5 weeks", "10.5"), ("36 hours", "1.5"), ("10 weeks", "70")])
def test_weeks_and_hours_give_the_days_to_type_and_those_days_are_read(text, days):
    message = _refusal(text)
    assert f"type symptom_duration={days}." in message, message
    read = MODEL.posteriors({"symptom_duration": days})
    as_state = MODEL.posteriors({"symptom_duration": _band(Fraction(days))})
    assert read.equals(as_state)


@pytest.mark.parametrize(("text", "state"), [("4 months", "over_3_months"), ("1 year", "over_3_months"), ("2 months", "2_weeks_to_3_months"), ("0.5 months", "2_weeks_to_3_months")])
def test_months_and_years_wholly_in_one_band_give_that_state(text, state):
    number = Fraction(text.split()[0])
    per = (28, 31) if "month" in text else (365, 366)
    assert _band(number * per[0]) == _band(number * per[1]) == state  # the span is in one band, by the test's own bands
    message = _refusal(text)
    assert f"type symptom_duration={state}, or the number of days." in message, message


@pytest.mark.parametrize("text", ["3 months", "1 month"])
def test_an_amount_across_a_cut_names_both_states_and_suggests_none(text):
    number = Fraction(text.split()[0])
    low, high = _band(number * 28), _band(number * 31)
    assert low != high or text == "1 month"
    message = _refusal(text)
    if low != high:
        assert f"on both sides of a cut ({low} or {high})" in message and "type symptom_duration=" not in message
    else:
        assert f"type symptom_duration={low}" in message


@pytest.mark.parametrize("text", ["1000 years", "-2 weeks", "3 fortnights"])
def test_other_amounts_keep_the_plain_refusal(text):
    message = _refusal(text)
    assert "type symptom_duration=" not in message
    assert "Valid states: under_2_weeks, 2_weeks_to_3_months, over_3_months." in message


@given(st.integers(min_value=0, max_value=5000))
def test_any_whole_number_of_weeks_gives_seven_times_it(weeks):
    message = _refusal(f"{weeks} weeks")
    typed = re.search(r"type symptom_duration=([0-9.]+)\.", message)
    assert typed is not None, message
    assert Fraction(typed[1]) == 7 * weeks


def test_the_command_line_and_the_interview_say_it(cli_run, capsys):
    code, _, err = cli_run(["diagnose", "symptom_duration=3 weeks"])
    assert code != 0 and "3 weeks is 21 days (7 days a week): type symptom_duration=21." in err
    assert answer_value(MODEL, {}, "symptom_duration", "3 weeks") == (None, None)  # asked again
    assert "3 weeks is 21 days (7 days a week): type symptom_duration=21." in capsys.readouterr().out
    assert answer_value(MODEL, {}, "symptom_duration", "21") == (21.0, "21")
