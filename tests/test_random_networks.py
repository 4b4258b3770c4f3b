"""Random small networks: crampnet's junction tree against brute force and pgmpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

SEEDS = st.integers(0, 2**32 - 1)
TOL = 1e-9


def _close(actual: dict[str, float], expected: dict[str, float], what: str) -> None:
    assert set(actual) == set(expected)
    for key in expected:
        assert abs(actual[key] - expected[key]) <= TOL, f"{what}: {key} crampnet={actual[key]!r} reference={expected[key]!r}"


@given(seed=SEEDS)
@settings(max_examples=30)
def test_random_network_loads_with_its_roles(random_networks, seed):
    """Check that a random network loads, passes pgmpy's check_model and keeps its roles."""
    model, doc, _ = random_networks.make(seed)
    roles = {nid: body["role"] for nid, body in doc["nodes"].items()}
    assert model.context == [n for n, r in roles.items() if r == "context"]
    assert model.conditions == [n for n, r in roles.items() if r == "condition"]
    assert model.findings == [n for n, r in roles.items() if r == "finding"]
    assert model.must_not_miss == [n for n in model.conditions if doc["nodes"][n]["must_not_miss"]]
    assert model.network.check_model()
    assert sorted(model.network.nodes()) == sorted(roles)


@given(seed=SEEDS)
@settings(max_examples=30)
def test_hard_evidence_matches_brute_force_and_pgmpy(random_networks, brute_force, pgmpy_ve, seed):
    """Check posteriors under hard evidence against full enumeration and pgmpy VE to 1e-9."""
    model, _, _ = random_networks.make(seed)
    evidence = random_networks.evidence(seed + 1, model, soft=False)
    ours = model.posteriors(evidence).to_dict()
    _close(ours, brute_force(model.network).posteriors(model.conditions, evidence), f"brute force, evidence {evidence}")
    _close(ours, pgmpy_ve(model.network, model.conditions, evidence), f"pgmpy VE, evidence {evidence}")


@given(seed=SEEDS)
@settings(max_examples=30)
def test_soft_evidence_matches_brute_force_and_pgmpy(random_networks, brute_force, pgmpy_ve, seed):
    """Check posteriors under soft (likelihood) evidence against enumeration and pgmpy virtual evidence."""
    model, _, _ = random_networks.make(seed)
    evidence = random_networks.evidence(seed + 2, model, soft=True)
    ours = model.posteriors(evidence).to_dict()
    _close(ours, brute_force(model.network).posteriors(model.conditions, evidence), f"brute force, evidence {evidence}")
    _close(ours, pgmpy_ve(model.network, model.conditions, evidence), f"pgmpy VE, evidence {evidence}")


@given(seed=SEEDS)
@settings(max_examples=20)
def test_soft_evidence_is_scale_free(random_networks, seed):
    """Check that multiplying a likelihood vector by a constant leaves the posteriors unchanged."""
    model, _, _ = random_networks.make(seed)
    evidence = random_networks.evidence(seed + 3, model, soft=True)
    scaled = {k: ({s: 7.5 * w for s, w in v.items()} if isinstance(v, dict) else v) for k, v in evidence.items()}
    pd.testing.assert_series_equal(model.posteriors(scaled).sort_index(), model.posteriors(evidence).sort_index(), rtol=0, atol=1e-12)


@given(seed=SEEDS)
@settings(max_examples=20)
def test_batch_equals_row_by_row_and_brute_force(random_networks, brute_force, seed):
    """Check that a DataFrame batch (hard, soft and missing cells) equals one call per row and brute force."""
    model, _, _ = random_networks.make(seed)
    # The first case observes something, so the frame has a column (an all-empty frame has its own test).
    cases = [random_networks.evidence(seed + 10 + i, model, soft=bool(i % 2), min_size=int(i == 0)) for i in range(6)]
    frame = pd.DataFrame(cases, index=[f"case{i}" for i in range(len(cases))], dtype=object)
    frame = frame.where(frame.notna(), None)
    batch = model.posteriors(frame)
    assert list(batch.index) == list(frame.index)
    assert list(batch.columns) == model.conditions
    oracle = brute_force(model.network)
    for label, case in zip(frame.index, cases, strict=True):
        one = model.posteriors(case)
        for cond in model.conditions:
            assert abs(batch.loc[label, cond] - one[cond]) <= 1e-12, (label, cond)
        _close(batch.loc[label].to_dict(), oracle.posteriors(model.conditions, case), f"row {label}: {case}")


def test_batch_of_one_empty_row_is_the_prior(random_networks, brute_force):
    """Check that a batch row with every cell missing gives the prior marginals."""
    model, _, _ = random_networks.make(12345)
    frame = pd.DataFrame({model.findings[0]: [None, model.states(model.findings[0])[0]]}, index=["nothing", "one"])
    batch = model.posteriors(frame)
    _close(batch.loc["nothing"].to_dict(), brute_force(model.network).posteriors(model.conditions), "empty row")


@given(seed=SEEDS)
@settings(max_examples=30)
def test_probability_matches_brute_force(random_networks, brute_force, seed):
    """Check model.probability(event, given) against enumeration for random joint events."""
    model, _, _ = random_networks.make(seed)
    rng = np.random.default_rng(seed)
    given_ = random_networks.evidence(seed + 4, model, soft=False, max_size=3)
    free = [n for n in model.spec.nodes if n not in given_]
    chosen = rng.choice(free, size=int(rng.integers(1, min(3, len(free)) + 1)), replace=False)
    event = {str(n): model.states(str(n))[int(rng.integers(len(model.states(str(n)))))] for n in chosen}
    expected = brute_force(model.network).probability(event, given_)
    assert model.probability(event, given_) == pytest.approx(expected, abs=TOL, rel=0)
