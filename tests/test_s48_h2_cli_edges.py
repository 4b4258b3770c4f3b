"""What a careless user meets at the terminal (session 48): the interview and the command line's options and errors."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("95", "Got 95. 95 reads as a percentage? 95% is 0.95: pass 0.95."),
        ("99.5", "Got 99.5. 99.5 reads as a percentage? 99.5% is 0.995: pass 0.995."),
        ("0", "Got 0."),
        ("-0.5", "Got -0.5."),
        ("150", "Got 150."),
        ("nan", "Got nan."),
        ("95%", "Got '95%'. 95% is 0.95: give --confidence 0.95."),  # argparse's "invalid float value" before
        ("0.5%", "Got '0.5%'. 0.5% is 0.005: give --confidence 0.005."),
        ("abc", "Got 'abc'."),
        ("1_0", "Got '1_0'."),
    ],
)
def test_a_confidence_given_as_a_percentage_says_what_to_pass(value, says, cli_run):
    """Check interview --confidence 95 says it reads as 95% and to pass 0.95, as --threshold 5 does; one line, nothing asked."""
    code, out, err = cli_run(["interview", "--confidence", value], "yes\n")
    assert (code, out) == (2, "")
    assert err == f"crampnet: error: --confidence must be a number in (0, 1] (leave it out to stop at 0.95; 0.9 stops sooner, 0.99 later). {says}\n"
