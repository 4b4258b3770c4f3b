"""Typed evidence values read as the user wrote them: numbers not rounded across a cut point, dates not taken for grouped numbers.

Each test failed before its fix.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet.network.evidence import interpret, state_vector

#: Ferritin's cut point is 50 ng/mL (below 50: low); symptom_duration's 14 and 90 days (90 itself: 2 weeks to 3 months).
_JUST_BELOW_50 = "49.99999999999999999999"  # float() makes it 50.0
_JUST_ABOVE_90 = "90.00000000000000000001"  # float() makes it 90.0


@pytest.mark.parametrize("value", [Decimal(_JUST_BELOW_50), _JUST_BELOW_50, Fraction(Decimal(_JUST_BELOW_50))])
def test_a_number_just_below_a_cut_point_is_below_it(model, value):
    """Check that a Decimal, a text or a Fraction just below ferritin's cut at 50 is low, not rounded onto 50 and read as normal."""
    assert model.posteriors({"ferritin": value}).equals(model.posteriors({"ferritin": "low"}))
    assert not model.posteriors({"ferritin": value}).equals(model.posteriors({"ferritin": "normal"}))


def test_a_number_just_above_an_up_to_cut_is_above_it(model):
    """Check that a Decimal just above symptom_duration's 90 days is over 3 months, while 90 itself stays 2 weeks to 3 months."""
    node = model.spec.nodes["symptom_duration"]
    assert state_vector(node, Decimal(_JUST_ABOVE_90)).tolist() == [0.0, 0.0, 1.0]
    assert state_vector(node, Decimal(90)).tolist() == [0.0, 1.0, 0.0]


def test_a_dataframe_of_decimals_bands_each_exactly(model):
    """Check that a DataFrame column of Decimals (a database's numeric column) bands each cell by its exact value."""
    frame = model.posteriors(pd.DataFrame({"ferritin": [Decimal(_JUST_BELOW_50), Decimal(50)]}, index=["below", "at"]))
    for row, state in (("below", "low"), ("at", "normal")):
        pd.testing.assert_series_equal(frame.loc[row].sort_index(), model.posteriors({"ferritin": state}).sort_index(), check_names=False)


@pytest.mark.parametrize("value", [Decimal("5000.00000000000000000001"), Decimal("-1e-400")])
def test_a_decimal_just_outside_the_range_is_refused(model, value):
    """Check that a Decimal just beyond ferritin's plausible range (0 to 5000) is refused, not rounded into it."""
    with pytest.raises(crampnet.InvalidValueError, match="outside the plausible range 0 to 5000"):
        model.posteriors({"ferritin": value})


def test_a_long_double_is_banded_by_its_own_value(model):
    """Check that a numpy long double just below 50 is low where it holds more bits than a float (its float is 50.0)."""
    value = np.longdouble(50) - np.longdouble(2) ** -50
    if float(value) != 50.0 or value >= 50:  # a platform whose long double is a float has no such number
        pytest.skip("long double is no wider than a float here")
    assert state_vector(model.spec.nodes["ferritin"], value).tolist() == [1.0, 0.0]


@pytest.mark.parametrize("text", ["2024.01.05", "12.03.2024", "5.1.24", "12/03/2024", "2024-01-05"])
def test_a_date_typed_for_a_duration_is_called_a_date(model, text):
    """Check that a date typed for symptom_duration is called a date, with the states and the number of days to give, not a thousands separator."""
    with pytest.raises(crampnet.InvalidStateError) as err:
        model.posteriors({"symptom_duration": text})
    message = str(err.value)
    assert f"{text} is a date, not a number" in message
    assert "number of days since that date" in message
    assert "under_2_weeks, 2_weeks_to_3_months, over_3_months" in message
    assert "thousands separator" not in message


def test_a_date_on_a_lab_asks_for_the_number_in_its_unit(cli_run):
    """Check that the command line calls a date typed for ferritin a date and asks for the number in ng/mL."""
    code, _, err = cli_run(["diagnose", "ferritin=12.03.2024"])
    assert code != 0
    assert "12.03.2024 is a date, not a number: give the number in ng/mL" in err
    assert "thousands separator" not in err


@pytest.mark.parametrize("text", ["1.000.000", "1.200.500"])
def test_thousands_groups_still_get_the_separator_hint(model, text):
    """Check that three-digit groups (1.000.000) still get the thousands-separator hint, not the date's."""
    with pytest.raises(crampnet.InvalidStateError, match="no thousands separator"):
        model.posteriors({"ferritin": text})


@pytest.mark.parametrize("weight", [Decimal("1e-400"), Fraction(1, 10**400)])
def test_a_likelihood_below_the_smallest_float_is_refused_not_made_zero(model, weight):
    """Check that a positive likelihood float() makes 0 is refused, not read as 0 (which ruled the state out: urge_to_move=no)."""
    with pytest.raises(crampnet.InvalidValueError, match=r"likelihood of 'yes' for urge_to_move .*below the smallest float") as err:
        model.posteriors({"urge_to_move": {"yes": weight, "no": 1}})
    assert "Give 0 for a state that is ruled out" in str(err.value)


@pytest.mark.parametrize("weight", [Decimal("-1e-400"), Fraction(-1, 10**400)])
def test_a_negative_likelihood_that_rounds_to_minus_zero_is_refused(model, weight):
    """Check that a negative likelihood whose float is -0.0 is refused as negative, not read as 0."""
    with pytest.raises(crampnet.InvalidValueError, match="finite non-negative likelihoods"):
        model.posteriors({"urge_to_move": {"yes": weight, "no": 1}})


@pytest.mark.parametrize("number", ["1e-400", "1.5E-400", "-1e-400", "0.0000001e-320"])
def test_a_case_file_number_below_the_smallest_float_is_refused(tmp_path, cli_run, number):
    """Check that a case file's likelihood written below the smallest float is refused naming the file, not read as 0."""
    case = tmp_path / "case.json"
    case.write_text(f'{{"urge_to_move": {{"yes": {number}, "no": 1}}}}', encoding="utf-8")
    code, out, err = cli_run(["diagnose", "--case", str(case)])
    assert code != 0
    assert f"case.json: the number {number} is below the smallest floating-point number" in err
    assert "Evidence:" not in out


@pytest.mark.parametrize("number", ["0e-500", "0.0", "0.000e5"])
def test_a_case_file_zero_written_with_an_exponent_is_zero(tmp_path, cli_run, number):
    """Check that zero written with an exponent or a fraction is still read, as 0 (the underflow check is not fooled)."""
    case = tmp_path / "case.json"
    case.write_text(f'{{"urge_to_move": {{"yes": {number}, "no": 1}}}}', encoding="utf-8")
    code, out, _ = cli_run(["diagnose", "--case", str(case)])
    assert code == 0
    assert "urge_to_move=no" in out


@pytest.mark.parametrize(("nid", "text", "state"), [("ferritin", _JUST_BELOW_50, "low"), ("symptom_duration", _JUST_ABOVE_90, "over_3_months"), ("ferritin", "50.000000000000000000", "normal")])
def test_interpret_keeps_a_long_number_on_its_side_of_a_cut(model, nid, text, state):
    """Check that interpret (the interview's reading of an answer) gives a float in the band the text writes, not the cut point it rounds to."""
    value = interpret(model.spec.nodes[nid], text)
    assert isinstance(value, float)
    assert model.posteriors({nid: value}).equals(model.posteriors({nid: state}))


def test_interpret_moves_a_range_end_off_so_the_check_refuses_it(model):
    """Check that a number typed just above ferritin's range end (5000) is read above it, so the evidence check refuses it."""
    value = interpret(model.spec.nodes["ferritin"], "5000.0000000000000000001")
    with pytest.raises(crampnet.InvalidValueError, match="outside the plausible range"):
        model.posteriors({"ferritin": value})


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("3 weeks", "3 weeks is 21 days (7 days a week): type symptom_duration=21."),  # 21 days are 2 weeks to 3 months
        ("2 weeks", "2 weeks is 14 days (7 days a week): type symptom_duration=14."),
        ("3 months", "3 months is 84 to 93 days (a month is 28 to 31 days), on both sides of a cut (2_weeks_to_3_months or over_3_months)"),
        ("6mo", "6 mo is 168 to 186 days (a month is 28 to 31 days), all over_3_months: type symptom_duration=over_3_months"),
        ("1 year", "1 year is 365 to 366 days (a year is 365 or 366 days), all over_3_months: type symptom_duration=over_3_months"),
    ],
)
def test_a_duration_in_another_unit_is_not_matched_to_a_state_by_spelling(model, text, said):
    """Check that '3 weeks' for symptom_duration (days) gives the days, not 'Did you mean under_2_weeks?' (21 days are 2 weeks to 3 months); months and years, a span of days, give the state only where the span is in one band (session 51: the message said only to give the days)."""
    with pytest.raises(crampnet.InvalidStateError) as err:
        model.posteriors({"symptom_duration": text})
    message = str(err.value)
    assert "Did you mean" not in message
    assert said in message
    assert "under_2_weeks, 2_weeks_to_3_months, over_3_months" in message


@pytest.mark.parametrize(("nid", "text", "state"), [("symptom_duration", "over 3 months", "over_3_months"), ("age_group", "65 plus", "65_plus"), ("age_group", "40 to 64", "40_to_64")])
def test_a_state_written_with_blanks_is_still_suggested(model, nid, text, state):
    """Check that a state name written with blanks (over 3 months, 65 plus) still gets its 'Did you mean ...?'."""
    with pytest.raises(crampnet.InvalidStateError, match=f"Did you mean '{state}'"):
        model.posteriors({nid: text})
