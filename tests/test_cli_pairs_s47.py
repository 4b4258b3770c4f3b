"""The command line's node=value pairs mistyped: what to type instead, never "Unknown node ''" (session 47)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("argv", "said", "not_said"),
    [
        (["=yes"], "Expected node=value, got '=yes': write node=value with the node's id", "Unknown node ''"),
        (["urge_to_move", "=yes"], "Expected node=value, got 'urge_to_move'. Write each as node=value with no blank around the '='", None),  # urge_to_move =yes
        (["urge_to_move=", "yes"], "Expected node=value, got 'yes'. Write each as node=value with no blank around the '='", None),  # urge_to_move= yes
        (["urge_to_move==yes"], "Expected node=value, got 'urge_to_move==yes': write urge_to_move=yes, one '='.", "Did you mean"),
        (["ferritin==32"], "write ferritin=32, one '='.", "is not a state"),
        (["urge_to_move:yes"], "Expected node=value, got 'urge_to_move:yes'. Did you mean 'urge_to_move=yes'?", None),
    ],
)
def test_a_mistyped_pair_says_what_to_type(cli_error, argv, said, not_said):
    """Check ``=yes`` (a blank before the '=' split the pair) no longer says "Unknown node ''", ``==`` not "'=yes' is not a state", and ``:`` offers the '='."""
    err = cli_error(["diagnose", *argv])
    assert said in err, err
    assert not_said is None or not_said not in err, err


def test_pairs_that_are_right_are_read_as_before(capsys):
    """Check a quoted pair with blanks around its node, '=' and value is read as before: ``' urge_to_move = yes '``."""
    from crampnet.cli import main

    assert main(["diagnose", " urge_to_move = yes ", "--top", "1", "--questions", "0"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Evidence: urge_to_move=yes"
