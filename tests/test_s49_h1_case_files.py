"""A saved case's wrong values are named as JSON names them, not by crampnet's internal types.

Each test failed before its fix.
"""

from __future__ import annotations

import json

import pytest

_SAVED = {"crampnet_case": 1, "crampnet_version": "0", "network": {"name": "leg_cramps", "version": "0.2.0", "digest": "0" * 64}, "population": "presenting", "evidence": {}, "skipped": [], "questions_asked": 0}


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [("crampnet_case", "1.0", "crampnet_case must be the integer 1 in a saved case. Got 1.0 (a number with a fraction or an exponent)."), ("questions_asked", "2e0", "questions_asked must be an integer in a saved case. Got 2.0 (a number with a fraction or an exponent)."), ("questions_asked", "true", "questions_asked must be an integer in a saved case. Got true."), ("population", "null", "population must be a string in a saved case. Got null.")],
)
def test_a_saved_case_names_a_wrong_value_as_json_does(tmp_path, cli_run, key, value, text):
    """Check that a saved case's key holding a number with a fraction says so, not '(Written)', crampnet's internal float type."""
    document = json.dumps({**_SAVED, key: "MARK"}).replace('"MARK"', value)
    case = tmp_path / "case.json"
    case.write_text(document, encoding="utf-8")
    code, _, err = cli_run(["diagnose", "--case", str(case)])
    assert code != 0
    assert text in err
    assert "Written" not in err


@pytest.mark.parametrize(("nid", "number", "state"), [("ferritin", "49.99999999999999999999", "low"), ("symptom_duration", "90.00000000000000000001", "over_3_months")])
def test_a_case_file_number_with_more_digits_than_a_float_keeps_its_band(tmp_path, cli_run, nid, number, state):
    """Check that a case file's number whose float is a cut point (50.0, 90.0) is banded by the number written, and echoed as written."""
    case = tmp_path / "case.json"
    case.write_text(f'{{"{nid}": {number}}}', encoding="utf-8")
    code, out, _ = cli_run(["diagnose", "--case", str(case)])
    assert code == 0
    assert f"Evidence: {nid}={number} ({state})" in out
    _, expected, _ = cli_run(["diagnose", f"{nid}={state}"])
    assert out.splitlines()[1:] == expected.splitlines()[1:]


@pytest.mark.parametrize(("number", "shown"), [("32.1", "32.1"), ("7e1", "70"), ("1.200", "1.2"), ("50.000000000000000000", "50")])
def test_a_case_file_number_a_float_holds_is_still_a_number(tmp_path, cli_run, number, shown):
    """Check that numbers a float holds (1.200 in JSON is 1.2, no thousands) are read as before."""
    case = tmp_path / "case.json"
    case.write_text(f'{{"ferritin": {number}}}', encoding="utf-8")
    code, out, _ = cli_run(["diagnose", "--case", str(case)])
    assert code == 0
    assert f"Evidence: ferritin={shown} (" in out
