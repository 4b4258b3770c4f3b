"""The presenting complaint's leak masks the complaints below its pain: the figures its description quotes.

``presenting_complaint`` is a noisy-MAX whose leak proposes a complaint in
everyone, so a condition's low complaint (restlessness, numbness, cramps) is
overridden whenever the leak proposes a higher one. Its description quotes
three likelihood ratios of one condition against none (session 27,
``networks/research/2026-12-05-s27-complaint.md``). These tests recompute
them from the file's numbers with the noisy-MAX formula written out here,
and from the engine's table, so that the description stays true when a link
or the leak changes.
"""

from __future__ import annotations

import math

import pytest

import crampnet

NODE = "presenting_complaint"


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


def _by_formula(model: crampnet.Model, condition: str, state: str) -> float:
    """P(state | condition alone) / P(state | none), from the leak's and the link's distributions."""
    cpd = model.spec.nodes[NODE].cpd
    order = list(cpd.order)
    leak = [cpd.leak.probabilities[s] for s in order]
    link = next(lk for lk in cpd.links if lk.parent == condition and lk.state == "present")
    own = [link.dist.probabilities[s] for s in order]
    k = order.index(state)
    at_most = math.fsum(leak[: k + 1]) * math.fsum(own[: k + 1])
    below = math.fsum(leak[:k]) * math.fsum(own[:k])
    return (at_most - below) / leak[k]


def _by_table(model: crampnet.Model, condition: str, state: str) -> float:
    """The same ratio read from the engine's table, every other parent absent."""
    spec = model.spec
    node = spec.nodes[NODE]
    table = model.compiled.tables[NODE]
    none = tuple(spec.nodes[p].states.index("absent") for p in node.parents)
    alone = tuple(
        spec.nodes[p].states.index("present" if p == condition else "absent") for p in node.parents
    )
    s = node.states.index(state)
    return float(table[(s, *alone)] / table[(s, *none)])


@pytest.mark.parametrize(
    ("condition", "state", "quoted"),
    [
        ("restless_legs_syndrome", "restlessness", 4.25),
        ("peripheral_neuropathy", "numbness_or_tingling", 1.94),
        ("motor_neuron_disease", "cramps", 0.20),
    ],
)
def test_the_description_quotes_the_network(model, condition, state, quoted):
    """Check each likelihood ratio the description quotes (two decimals) against the formula and the engine's table."""
    by_formula = _by_formula(model, condition, state)
    assert _by_table(model, condition, state) == pytest.approx(by_formula, rel=1e-9)
    assert abs(by_formula - quoted) <= 0.005 + 1e-12
    assert f"{quoted:.2f}" in model.spec.nodes[NODE].description


def test_a_complaint_of_cramps_weighs_each_linked_condition_by_its_cramps_entry(model):
    """Check the description's rule: with cramps at the bottom of the order, its likelihood ratio is the link's cramps entry, for every link."""
    cpd = model.spec.nodes[NODE].cpd
    for link in cpd.links:
        assert _by_table(model, link.parent, "cramps") == pytest.approx(link.dist.probabilities["cramps"], rel=1e-9)


def test_the_leak_masks_restlessness(model):
    """Check that restlessness weighs less for RLS than its link read alone would say (0.70 against the leak's 0.05): the masking the description names."""
    cpd = model.spec.nodes[NODE].cpd
    link = next(lk for lk in cpd.links if lk.parent == "restless_legs_syndrome")
    unmasked = link.dist.probabilities["restlessness"] / cpd.leak.probabilities["restlessness"]
    assert _by_formula(model, "restless_legs_syndrome", "restlessness") < unmasked / 2
