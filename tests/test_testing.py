"""crampnet.testing: the strategies draw only valid evidence, and the ready-made properties hold and catch faults."""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crampnet
from crampnet import testing
from crampnet.network.evidence import band, normalise, truth_states

FEW = settings(max_examples=15, deadline=None)


# The strategies are built when the tests are defined, so the model is loaded at import.
MODEL = crampnet.load()
BANDED = [(nid, state) for nid, node in MODEL.spec.nodes.items() if node.bands for state in node.states]


@FEW
@given(testing.evidence(MODEL, soft=True))
def test_evidence_is_valid_and_possible(ev):
    """Check that drawn evidence names observable nodes with accepted values, and has positive probability."""
    assert set(ev) <= set(MODEL.findings) | set(MODEL.context)
    for nid, value in ev.items():
        node = MODEL.spec.nodes[nid]
        if isinstance(value, bool):
            assert truth_states(node) is not None
        elif isinstance(value, float):
            assert node.bands and math.isfinite(value)
            band(node, value)  # inside the valid range
        elif isinstance(value, dict):
            assert set(value) == set(node.states) and max(value.values()) > 0
        else:
            assert value in node.states
    normalise(MODEL.spec, ev)
    post = MODEL.posteriors(ev)
    assert len(post) == len(MODEL.conditions)


@FEW
@given(testing.evidence(MODEL, possible=False, numbers=False, booleans=False, min_size=1, max_size=8))
def test_independent_evidence_is_valid_but_may_be_impossible(ev):
    """Check that possible=False still draws valid ids and states; the posteriors are either computed or ImpossibleEvidenceError."""
    assert 1 <= len(ev) <= 8
    assert all(value in MODEL.spec.nodes[nid].states for nid, value in ev.items())
    try:
        MODEL.posteriors(ev)
    except crampnet.ImpossibleEvidenceError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(BANDED), st.data())
def test_number_range_agrees_with_band(pair, data):
    """Check that every number drawn in a state's range bands into that state."""
    nid, state = pair
    node = MODEL.spec.nodes[nid]
    span = testing.number_range(node, state)
    if span is None:
        return
    low, high, exclude_low, exclude_high = span
    value = data.draw(st.floats(low, high, exclude_min=exclude_low, exclude_max=exclude_high))
    assert band(node, value) == state


def test_number_range_edges():
    """Check the band edges: below is exclusive, up_to inclusive, the valid range closes the ends."""
    nodes = MODEL.spec.nodes
    assert testing.number_range(nodes["tsh"], "normal") == (0.4, 4.5, False, False)
    assert testing.number_range(nodes["tsh"], "high") == (4.5, 500.0, True, False)
    assert testing.number_range(nodes["urge_to_move"], "yes") is None


@FEW
@given(testing.cases(MODEL))
def test_cases_are_whole_and_possible(case):
    """Check that a case puts every node in one of its states, with positive joint probability."""
    assert set(case) == set(MODEL.spec.nodes)
    log_p = 0.0
    for nid in MODEL.spec.order:
        node = MODEL.spec.nodes[nid]
        index = tuple(MODEL.spec.nodes[p].states.index(case[p]) for p in node.parents)
        p = float(MODEL.compiled.tables[nid][(node.states.index(case[nid]), *index)])
        assert p > 0, nid
        log_p += math.log(p)
    assert math.isfinite(log_p)


@FEW
@given(testing.evidence(MODEL, nodes=["ferritin", "age", "pain_location"], min_size=1))
def test_evidence_nodes_restricts_and_resolves_aliases(ev):
    """Check that nodes= limits the draws (aliases resolved to ids)."""
    assert 1 <= len(ev) and set(ev) <= {"ferritin", "age_group", "pain_location"}


def test_evidence_unknown_node():
    """Check that an unknown id in nodes= is an UnknownNodeError with a suggestion."""
    with pytest.raises(crampnet.UnknownNodeError, match="Did you mean 'ferritin'"):
        testing.evidence(MODEL, nodes=["feritin"])


@pytest.mark.parametrize("prop", testing.PROPERTIES, ids=[p.__name__ for p in testing.PROPERTIES])
def test_properties_hold_on_the_shipped_network(prop):
    """Check that each ready-made property holds on drawn evidence."""

    @settings(max_examples=6, deadline=None)
    @given(testing.evidence(MODEL, max_size=8, soft=True))
    def run(ev):
        prop(MODEL, ev)

    run()


def test_check_all_on_the_tiny_network(tiny):
    """Check that the strategies and check_all work on another network (tests/data/tiny.toml)."""

    @settings(max_examples=10, deadline=None)
    @given(testing.evidence(tiny, soft=True))
    def run(ev):
        testing.check_all(tiny, ev)

    run()


class _Broken:
    """A stand-in model whose posteriors break one property each."""

    def __init__(self, fault: str) -> None:
        self.fault = fault
        self.conditions = ["a", "b"]
        self.findings = ["f"]
        self.spec = MODEL.spec

    def posteriors(self, evidence):
        if isinstance(evidence, pd.DataFrame):
            return pd.DataFrame([[0.2, 0.3]], columns=self.conditions)
        values = {"range": [1.5, 0.2], "nan": [float("nan"), 0.2]}.get(self.fault, [0.2, 0.1])
        if self.fault == "order" and list(evidence)[:1] == ["worse_evening"]:
            values = [0.25, 0.1]
        return pd.Series(values, index=self.conditions)


@pytest.mark.parametrize(("fault", "prop", "message"), [
    ("range", testing.check_posteriors_in_unit_interval, "outside \\[0, 1\\]"),
    ("nan", testing.check_posteriors_in_unit_interval, "non-finite"),
    ("order", testing.check_order_invariance, "the order of the evidence moved a posterior"),
    ("fine", testing.check_batch_agrees, "batch and single-case posteriors differ"),
])
def test_properties_catch_faults(fault, prop, message):
    """Check that a property fails, saying what is wrong, on a model that breaks it."""
    with pytest.raises(AssertionError, match=message):
        prop(_Broken(fault), {"urge_to_move": True, "worse_evening": True})


def test_importing_crampnet_imports_no_optional_dependency():
    """Check that crampnet and these modules import without hypothesis, matplotlib, dask or pgmpy."""
    code = (
        "import sys, crampnet, crampnet.testing, crampnet.display, crampnet.interop.cohorts, crampnet.interop.export, crampnet.cli\n"
        "heavy = [m for m in ('hypothesis', 'matplotlib', 'dask', 'distributed', 'pgmpy', 'pyagrum', 'networkx') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr

