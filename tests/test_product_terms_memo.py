"""Check that the remembered product terms (reasoning._product_terms) are those worked out afresh, per network."""

from __future__ import annotations

import numpy as np

import crampnet
from crampnet.network.spec import parse_network
from crampnet.reasoning import _product_terms

ONE = """
schema = "crampnet-network/1"
name = "one"
version = "1"
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = { model = "table", parents = [], rows = [{ when = {}, probabilities = { present = 0.2, absent = 0.8 }, source = "judgment", reason = "example" }] }
[nodes.s]
role = "finding"
states = ["yes", "no"]
cpd = { model = "noisy_or", leak = { value = LEAK, source = "judgment", reason = "example" }, links = [{ parent = "d", state = "present", value = 0.8, source = "judgment", reason = "example" }] }
"""


def test_remembered_terms_equal_fresh_ones() -> None:
    """Check every noisy finding of the shipped network, each answer and a soft one, twice: the second call gives the fresh terms."""
    spec = crampnet.load().spec
    for nid, node in spec.nodes.items():
        if node.role != "finding" or type(node.cpd).__name__ not in ("NoisyOr", "NoisyMax"):
            continue
        vectors = [*np.eye(len(node.states)), np.linspace(0.2, 1.0, len(node.states))]
        for vec in vectors:
            fresh = _product_terms._terms(spec, node, vec)
            assert _product_terms.product_terms(spec, node, vec) == fresh
            assert _product_terms.product_terms(spec, node, vec) == fresh, nid


def test_each_network_gets_its_own_terms() -> None:
    """Check two networks with the same node ids but different leaks do not share remembered terms."""
    low = parse_network(ONE.replace("LEAK", "0.1"))
    high = parse_network(ONE.replace("LEAK", "0.3"))
    a = _product_terms.product_terms(low, low.nodes["s"], [1.0, 0.0])
    b = _product_terms.product_terms(high, high.nodes["s"], [1.0, 0.0])
    assert a != b
    assert a == _product_terms._terms(low, low.nodes["s"], [1.0, 0.0])
    assert b == _product_terms._terms(high, high.nodes["s"], [1.0, 0.0])
