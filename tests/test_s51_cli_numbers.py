"""Session 51: ``--confidence 1e999`` is named as typed; it read "Got inf.", a value nobody typed."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("typed", ["1e999", "-1e999", "2E+400"])
def test_a_confidence_beyond_a_float_is_named_as_typed(cli_run, typed):
    code, _, err = cli_run(["interview", f"--confidence={typed}", "age=60"])
    assert code == 2
    assert f"Got {typed!r}, beyond the largest number a float holds." in err
    assert "Got inf" not in err and "Got -inf" not in err


def test_inf_typed_as_inf_is_still_named_inf(cli_run):
    code, _, err = cli_run(["interview", "--confidence", "inf", "age=60"])
    assert code == 2 and "Got inf." in err
