"""``crampnet describe ""`` (an empty shell variable) says the id is empty, not that node '' is unknown."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("node", ["", "   "])
def test_describe_an_empty_id_says_so(cli_run, node):
    """Check exit 2 with one line naming the empty id and what to type, and no "Unknown node"."""
    code, out, err = cli_run(["describe", node])
    assert code == 2 and out == ""
    assert err.startswith(f"crampnet: error: describe was given an empty node id ({node!r}).")
    assert "crampnet describe ferritin" in err and "Unknown node" not in err
    assert err.count("\n") == 1


def test_describe_a_real_id_still_describes(cli_run):
    """Check the guard leaves a real id alone."""
    code, out, err = cli_run(["describe", "ferritin"])
    assert code == 0 and out.startswith("ferritin: Serum ferritin"), err
