"""Two states typed for one node (``pain_location=calf,foot``) are named as such, with how to give both (session 52, h3's CLI fuzzing).

A clinician whose patient feels it in the calf and the foot typed
``pain_location=calf,foot`` and was offered "Did you mean 'calf'?", one of the
two picked by spelling; ``calf and foot`` likewise.
"""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("typed", ["calf,foot", "calf and foot", "Calf/Foot", "calf + foot", "calf or foot"])
def test_two_states_typed_for_one_node_say_it_takes_one_and_how_to_give_both(cli_run, typed):
    """Check the message names both states, offers no single one, and gives the soft evidence to type; exit 2."""
    code, out, err = cli_run(["diagnose", f"pain_location={typed}"])
    assert (code, out) == (2, "")
    assert "It names 2 states, and a node takes one: give the one that fits best (calf or foot)" in err, err
    assert '{"pain_location": {"calf": 1, "foot": 1}} in a case file' in err
    assert "Did you mean" not in err


def test_the_soft_evidence_offered_is_read(cli_run, tmp_path):
    """Check that the case file the message offers is accepted, as given, by diagnose."""
    _, _, err = cli_run(["diagnose", "pain_location=calf,foot"])
    offered = err.split("as ", 1)[1].split(" in a case file", 1)[0]
    path = tmp_path / "case.json"
    path.write_text(offered, encoding="utf-8")
    code, out, err = cli_run(["diagnose", "--case", str(path), "--json"])
    assert code == 0, err
    assert json.loads(out)["evidence"] == {"pain_location": {"calf": 1, "foot": 1}}


@pytest.mark.parametrize(("typed", "offered"), [("calf calf", "calf"), ("buttock or hip", "buttock_or_hip")])
def test_one_state_or_a_state_with_blanks_keeps_its_suggestion(cli_run, typed, offered):
    """Check that text naming one state (twice, or a state's words) is still offered that state."""
    _, _, err = cli_run(["diagnose", f"pain_location={typed}"])
    assert f"Did you mean {offered!r}?" in err and "It names" not in err, err
