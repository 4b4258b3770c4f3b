"""A number typed on the command line with more digits than a float holds is banded as typed.

``crampnet diagnose ferritin=49.99999999999999999999`` printed "ferritin=49.99999999999999999999 (normal)":
the pair's value became the float 50.0, ferritin's cut point, before the evidence reader saw the text.
"""

from __future__ import annotations

import json

import pytest

from crampnet._cli_input import parse_assignment


@pytest.mark.parametrize("typed", ["49.99999999999999999999", "49.9999999999999999"])
def test_a_long_number_below_a_cut_point_stays_below_it(cli_run, typed):
    """Check that ferritin just under 50 ng/mL is low on the command line, as in Python and in case files."""
    code, out, err = cli_run(["diagnose", f"ferritin={typed}", "--json"])
    assert code == 0, err
    record = json.loads(out)
    assert float(record["evidence"]["ferritin"]) < 50  # the record keeps a number under the cut, as typed or the float just below
    low = cli_run(["diagnose", "ferritin=49", "--json"])
    assert json.loads(low[1])["posteriors"] == record["posteriors"]


@pytest.mark.parametrize(("typed", "value"), [("0.1", 0.1), ("32", 32), ("1e2", 100.0), ("-0.5", -0.5), ("0.90", 0.9)])
def test_a_number_a_float_writes_stays_a_number(typed, value):
    """Check that ordinary numbers are still read as numbers, of the type typed."""
    key, read = parse_assignment(f"ferritin={typed}")
    assert key == "ferritin" and read == value and type(read) is type(value)
