"""Session 51: a state typed as its initial (``sex=F``, ``sex=M``, as notes write it) is offered that state.

``sex=F`` got only "Valid states: female, male". A single letter that begins exactly one of the node's states
is now offered it ("Did you mean 'female'?"), never read as it; the letters the yes/no words take (``y``,
``n``) keep their sense, so ``n`` on a node without a yes/no pair is not offered a state by its initial.
"""

from __future__ import annotations

import pytest

import crampnet


def _refusal(model, nid: str, typed: str) -> crampnet.InvalidStateError:
    with pytest.raises(crampnet.InvalidStateError) as info:
        model.posteriors({nid: typed})
    return info.value


@pytest.mark.parametrize(("nid", "typed"), [("sex", "F"), ("sex", "m"), ("tsh", "H"), ("ferritin", "l"), ("presenting_complaint", "w"), ("d_dimer", "r")])
def test_an_initial_of_one_state_is_offered_that_state(model, nid, typed):
    states = model.spec.nodes[nid].states
    meant = [s for s in states if s[0] == typed.lower()]
    assert len(meant) == 1  # the test's premise, read from the network
    err = _refusal(model, nid, typed)
    assert f"Did you mean {meant[0]!r}?" in str(err)


def test_an_initial_of_two_states_is_offered_none(model):
    """episode_duration's seconds_to_minutes and sustained share their initial: 's' is offered neither."""
    assert [s[0] for s in model.spec.nodes["episode_duration"].states].count("s") == 2  # the premise, read from the network
    assert "Did you mean" not in str(_refusal(model, "episode_duration", "s"))


def test_the_command_line_offers_it(cli_run):
    code, _, err = cli_run(["diagnose", "sex=F"])
    assert code == 2 and "Valid states: female, male. Did you mean 'female'?" in err
