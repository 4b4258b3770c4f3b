"""``node=unknown`` (or ``?``) on the command line or in a case file says how to mark a node unknown (session 52, h3).

``ferritin=NA`` and ``ferritin=`` were told "To mark ferritin unknown, leave it
out of the command line"; ``ferritin=unknown`` and ``ferritin=?``, which a
clinician types to mean the same, got "'unknown' is not a state of ferritin.
Valid states: low, normal." and were not told how to say unknown.
"""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("word", ["unknown", "Unknown", "?", "don't know", "not known", "unk", "missing"])
@pytest.mark.parametrize("node", ["ferritin", "urge_to_move", "restless_legs_syndrome"])
def test_an_unknown_word_on_the_command_line_says_to_leave_the_node_out(cli_run, word, node):
    """Check that each word for unknown is told to leave the node out, with the states to give otherwise, and exits 2."""
    code, out, err = cli_run(["diagnose", f"{node}={word}"])
    assert code == 2 and out == ""
    assert f"To mark {node} unknown, leave it out of the command line; otherwise give " in err, err
    assert "is not a state of" not in err


def test_an_unknown_word_in_a_case_file_says_to_leave_the_node_out_of_the_file(cli_run, tmp_path):
    """Check that a case file's "unknown" names the file and says to leave the node out of it."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"urge_to_move": "yes", "ferritin": "unknown"}), encoding="utf-8")
    code, _, err = cli_run(["report", "--case", str(path)])
    assert code == 2
    assert str(path) in err and "To mark ferritin unknown, leave it out of the case file" in err, err

