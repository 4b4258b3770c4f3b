"""A probability argument given as a percentage (95 for 95%) is told what it should be, and no wrong reason.

``coverage=95`` was refused with "a range read to hold its number with less
than even odds is no range of it", which is the reason for 0.3, not for 95.
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.exceptions import InvalidValueError
from crampnet.trust.sensitivity import sensitivity
from crampnet.trust.uncertainty import parameter_distributions, posterior_intervals


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


@pytest.mark.parametrize(("value", "meant"), [(95, "0.95"), (99.5, "0.995"), (50, "0.5")])
def test_a_coverage_in_percent_says_what_was_meant(model, value, meant):
    """Check that coverage=95 says it reads as a percentage and to pass 0.95, as every probability argument does, and gives no reason about even odds."""
    for call in (lambda: parameter_distributions(model, coverage=value), lambda: sensitivity(model, "restless_legs_syndrome", coverage=value)):
        with pytest.raises(InvalidValueError) as caught:
            call()
        message = str(caught.value)
        assert f"reads as a percentage? {value}% is {meant}: pass {meant}." in message
        assert "less than even odds" not in message


@pytest.mark.parametrize("value", [1, 1.0, float("nan"), 250, 10**400])
def test_a_coverage_of_one_or_more_gets_no_even_odds_reason(model, value):
    """Check that coverage=1 (or NaN, 250, an int too large for a float) is refused without the reason that belongs to a coverage below 0.5, and without a percent guess."""
    with pytest.raises(InvalidValueError) as caught:
        parameter_distributions(model, coverage=value)
    assert "less than even odds" not in str(caught.value)
    assert "percentage" not in str(caught.value)


def test_a_coverage_below_one_half_keeps_its_reason(model):
    """Check that coverage=0.3 still says why."""
    with pytest.raises(InvalidValueError, match="less than even odds"):
        parameter_distributions(model, coverage=0.3)


@pytest.mark.parametrize(("value", "meant"), [(90, "0.9"), (95, "0.95")])
def test_an_interval_in_percent_says_what_was_meant(model, value, meant):
    """Check that interval=90 asks whether 0.9 was meant."""
    with pytest.raises(InvalidValueError, match=f"reads as a percentage\\? {value}% is {meant}: pass {meant}\\."):
        posterior_intervals(model, {"urge_to_move": "yes"}, interval=value, draws=10)
