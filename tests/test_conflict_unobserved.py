"""The conflict named for impossible evidence never lists a node that was not observed (a likelihood vector of equal entries)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import crampnet
from crampnet.network.evidence import normalise

#: A condition ``x`` of prevalence 1e-200 and four findings that only it makes likely (link 1e-100, leak 1e-300):
#: all four "yes" has probability ~1e-600, possible.
RARE = """schema = "crampnet-network/1"
name = "rare"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
[nodes.x]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 1e-200, source = "s" } }
""" + "".join(
    f"""
[nodes.f{i}]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = 1e-300, source = "s" }}, links = [{{ parent = "x", state = "present", value = 1e-100, source = "s" }}] }}
"""
    for i in range(4)
)

#: The tiny network's jerks (leak 0, link 1 from plm) rules out jerks = yes with plm = absent.
TINY = Path(__file__).parent / "data" / "tiny.toml"


@pytest.fixture(scope="module")
def rare(tmp_path_factory: pytest.TempPathFactory) -> crampnet.Model:
    path = tmp_path_factory.mktemp("rare") / "rare.toml"
    path.write_text(RARE, encoding="utf-8")
    return crampnet.load(path)


def test_the_conflict_of_possible_evidence_leaves_out_an_unobserved_node(rare):
    """Check that conflict, given evidence that is possible after all, returns the observed entries, not x's vector of ones.

    It returned every entry, x = (1, 1) among them, and the message built
    from it read "... and x=present:1, absent:1 cannot hold together".
    """
    vectors = {**normalise(rare.spec, {f"f{i}": "yes" for i in range(4)}), "x": np.array([1.0, 1.0])}
    assert np.isfinite(rare.compiled.log_evidence(vectors))  # the premise: possible (log P ~ -1381.6)
    assert rare.compiled.conflict(vectors) == ["f0", "f1", "f2", "f3"]


@pytest.mark.parametrize("unobserved", [np.array([1.0, 1.0]), np.array([0.5, 0.5])])
def test_the_conflict_of_impossible_evidence_leaves_out_an_unobserved_node(tiny, unobserved):
    """Check that a constant vector (ones, or halves) before the entries that conflict is never part of the conflict."""
    vectors = {"rls": unobserved, **normalise(tiny.spec, {"jerks": "yes", "plm": "absent"})}
    assert not np.isfinite(tiny.compiled.log_evidence(vectors))
    assert sorted(tiny.compiled.conflict(vectors)) == ["jerks", "plm"]


def test_posteriors_never_name_a_node_given_likelihoods_of_one_as_evidence(rare):
    """Check that the refusal of f0..f3 = yes with x given as {present: 1, absent: 1} does not list x as evidence.

    The Quickscore path of posteriors lost this evidence (~1e-600: every
    term's weight underflowed), and the error named "x=present:1, absent:1"
    among the entries that "cannot hold together (probability zero)". Now
    that the engine answers it (tests/test_quickscore_underflow.py), the
    posterior of x is 1 (only x makes the findings likely); were it refused
    again, x must not be named.
    """
    evidence = {**{f"f{i}": "yes" for i in range(4)}, "x": {"present": 1.0, "absent": 1.0}}
    try:
        posteriors = rare.posteriors(evidence)
    except crampnet.ImpossibleEvidenceError as err:
        assert "x=" not in str(err), str(err)
        assert "x" not in err.conflicting
    else:
        assert posteriors["x"] == pytest.approx(1.0)
