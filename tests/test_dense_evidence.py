"""Cases with many positive findings: the pruned tree's fallbacks (min-fill, then the hybrid) stay exact.

A case with more positive findings than Quickscore expands runs on a tree
pruned for them. Where that tree is over the budget, the engine first
retriangulates by min-fill, then expands the findings with the largest
families as Quickscore terms and keeps the rest in a smaller tree (the
hybrid). Both are checked here against brute-force enumeration (tiny and
random networks, with the budget forced to fail) and against each other on
the shipped network.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.exceptions import NetworkFileError
from crampnet.inference import _routing
from crampnet.inference.compiled import CompiledNetwork


def _over_budget_beyond(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every pruned tree keeping more than ``limit`` findings fail the budget, as a large one would."""
    original = CompiledNetwork.tree_for

    def tree_for(self: CompiledNetwork, findings: frozenset[str]):  # type: ignore[no-untyped-def]
        if len(findings) > limit:
            raise NetworkFileError("forced over the budget", "test")
        return original(self, findings)

    monkeypatch.setattr(CompiledNetwork, "tree_for", tree_for)
    monkeypatch.setattr(_routing, "TERM_CAP", 1)  # no case runs on Quickscore alone: all go to a pruned tree


def _all_positive(model: crampnet.Model) -> dict[str, str]:
    """Every binary finding in its positive state (the densest evidence a person can give)."""
    out = {}
    for nid in model.findings:
        node = model.spec.nodes[nid]
        cpd_positive = getattr(node.cpd, "positive", None)
        if cpd_positive in node.states:
            out[nid] = cpd_positive
    return out


def test_hybrid_equals_brute_force_on_tiny(tiny, tiny_oracle, monkeypatch):
    """Check posteriors and P(evidence) on tiny with every pruned tree over one finding refused (the hybrid answers)."""
    evidence = _all_positive(tiny)
    assert len(evidence) >= 3
    expected = tiny_oracle.posteriors(tiny.conditions, evidence)
    p_expected = tiny_oracle.probability(evidence)
    _over_budget_beyond(1, monkeypatch)
    got = tiny.posteriors(evidence)
    for cond in tiny.conditions:
        assert got[cond] == pytest.approx(expected[cond], abs=1e-9), cond
    assert tiny.probability(evidence) == pytest.approx(p_expected, rel=1e-9)


@given(seed=st.integers(0, 2**31 - 1))
@settings(max_examples=15, deadline=None)
def test_hybrid_equals_brute_force_on_random_networks(random_networks, brute_force, seed):
    """Check the hybrid against enumeration on random networks of every CPD model, hard evidence on up to six nodes."""
    model, _, _ = random_networks.make(seed)
    evidence = random_networks.evidence(seed + 5, model, soft=False, min_size=2, max_size=6)
    oracle = brute_force(model.network)
    p = oracle.probability(evidence)
    if p <= 1e-12:
        return
    expected = oracle.posteriors(model.conditions, evidence)
    # Findings that do not decompose must stay in any tree; refuse every tree keeping more.
    keep = sum(1 for k in evidence if k in model.findings and k not in model.compiled._terms)
    with pytest.MonkeyPatch.context() as mp:
        _over_budget_beyond(keep, mp)
        got = model.posteriors(evidence)
    for cond in model.conditions:
        assert got[cond] == pytest.approx(expected[cond], abs=1e-9), cond


def test_every_positive_finding_on_the_shipped_network_runs_and_agrees(model):
    """Check that the densest case (every binary finding positive) is answered, by min-fill or by the hybrid alike."""
    evidence = _all_positive(model)
    assert len(evidence) > 40
    direct = model.posteriors(evidence)
    p_direct = model.probability(evidence)
    assert np.all((direct >= 0) & (direct <= 1))
    assert 0 < p_direct < 1
    with pytest.MonkeyPatch.context() as mp:
        # Refuse the tree of all of them: the hybrid expands the six largest families (64 pseudo-cases).
        _over_budget_beyond(len(evidence) - 6, mp)
        hybrid = model.posteriors(evidence)
    for cond in model.conditions:
        assert hybrid[cond] == pytest.approx(direct[cond], abs=1e-9), cond


DIAGNOSE_CHILD = r"""
import json, resource, sys
import crampnet

model = crampnet.load()
evidence = json.loads(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
limit_to_1_gib_more()
dx = crampnet.diagnose(model, evidence)
first = dx.differential[0]
questions = dx.next_questions(n=3)
print(json.dumps({"findings": len(evidence), "first": first, "questions": len(questions), "before_mib": before, "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child reads /proc/self/status and limits RLIMIT_AS")
def test_the_densest_diagnosis_runs_within_1_gib(model, run_child):
    """Check the promise of networks/FORMAT.md for a whole diagnosis: every binary finding positive, its differential and three questions, in a child limited to its size after loading plus 1 GiB (numpy engine).

    Its counterfactual ranking compiles about sixty pruned trees of ~4.5 million
    entries; until session 37 each dropped tree stayed in memory until the
    cyclic garbage collector ran, and the peak RSS was 3.0 GB (0.55 GB since).
    """
    evidence = _all_positive(model)
    result = run_child(DIAGNOSE_CHILD, json.dumps(evidence), timeout=600.0)
    assert result["findings"] == len(evidence) > 40
    assert result["questions"] == 3
    assert result["maxrss_mib"] - result["before_mib"] < 1024, result
