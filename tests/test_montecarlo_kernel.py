"""Monte Carlo over parameters in the compiled kernel: every draw with its own factor tables.

The kernel path of ``trust._montecarlo.batch_posteriors`` (wide trees, via
``inference._drawpass.draw_marginals``) is checked against full-joint
enumeration and pgmpy VE draw by draw, against the numpy pass, and for
reproducible seeded intervals.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Iterator

import numpy as np
import pytest

import crampnet
import crampnet.trust._montecarlo as mc
from crampnet.inference import _drawpass
from crampnet.inference._cliques import Factor
from crampnet.inference.engine import JunctionTree
from crampnet.trust._parameters import parameter_space
from crampnet.trust.uncertainty import draw_parameters


@contextlib.contextmanager
def jit(mode: str) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CRAMPNET_JIT", mode)
        yield


@pytest.fixture
def kernel_calls(monkeypatch):
    """Counts the draws run through draw_marginals, and forces the kernel path for trees of any size."""
    calls: list[int] = []
    original = _drawpass.draw_marginals

    def spy(tree, tables, evidence, query, **kwargs):
        calls.append(max(t.shape[0] for t in tables))
        return original(tree, tables, evidence, query, **kwargs)

    monkeypatch.setattr(mc, "draw_marginals", spy)
    monkeypatch.setattr(mc, "KERNEL_TREE_ENTRIES", 0)
    monkeypatch.setenv("CRAMPNET_JIT", "always")
    return calls


def enumerate_posteriors(model: crampnet.Model, tables: dict[str, np.ndarray], evidence: dict[str, str]) -> list[float]:
    """P(condition present | evidence) for each condition, by summing the full joint configuration by configuration."""
    ids = list(model.spec.order)
    states = [model.spec.nodes[nid].states for nid in ids]
    present = np.zeros(len(model.compiled.conditions))
    total = 0.0
    for config in itertools.product(*(range(len(s)) for s in states)):
        if any(states[ids.index(nid)][config[ids.index(nid)]] != value for nid, value in evidence.items()):
            continue
        p = 1.0
        for i, nid in enumerate(ids):
            p *= tables[nid][(config[i], *(config[ids.index(q)] for q in model.spec.nodes[nid].parents))]
        total += p
        for j, cond in enumerate(model.compiled.conditions):
            if states[ids.index(cond)][config[ids.index(cond)]] == "present":
                present[j] += p
    return (present / total).tolist() if total > 0 else [math.nan] * len(present)


@pytest.mark.parametrize("group", [0, 10**6])
def test_draw_marginals_equal_the_numpy_pass_case_by_case(monkeypatch, group):
    """Check per-case factor tables in the draws loop (plain Python) against the engine's numpy pass with their potentials, with slots multiplied ahead (group) or not."""
    monkeypatch.setattr(_drawpass, "GROUP_ENTRIES", group)
    _drawpass._placed.cache_clear()
    rng = np.random.default_rng(0)
    factors = [Factor((0,), np.ones(2)), Factor((1, 0), np.ones((3, 2))), Factor((2, 1), np.ones((2, 3))), Factor((3, 0, 2), np.ones((2, 2, 2)))]
    tree = JunctionTree([2, 3, 2, 2], factors)
    tables = [rng.random((5, *f.table.shape)) for f in factors]
    evidence = {3: np.array([[0.0, 1.0]]), 1: rng.random((5, 3))}
    got, log_ev, flagged = _drawpass.draw_marginals(tree, tables, evidence, [0, 2], numba=False)
    recipe = _drawpass._placed(tree, (1, 3), (0, 2), False)[2]
    assert any(len(members) > 1 for members, _ in recipe) or not group  # products made ahead when allowed
    _drawpass._placed.cache_clear()
    for k in range(5):
        one = tree.marginals({v: e if e.shape[0] == 1 else e[k : k + 1] for v, e in evidence.items()}, [0, 2], potentials=tree.assemble([t[k : k + 1] for t in tables]))
        np.testing.assert_allclose(got[0][k], one.marginals[0][0], rtol=0, atol=1e-13)
        np.testing.assert_allclose(got[1][k], one.marginals[2][0], rtol=0, atol=1e-13)
        assert log_ev[k] == pytest.approx(float(one.log_evidence[0]), abs=1e-12)
    assert not flagged.any()


def test_draw_marginals_threads_change_no_bit(monkeypatch):
    """Check that splitting the draws across threads gives bitwise the results of one thread (compiled)."""
    rng = np.random.default_rng(1)
    factors = [Factor((0,), np.ones(2)), Factor((1, 0), np.ones((2, 2))), Factor((2, 0, 1), np.ones((2, 2, 2)))]
    tree = JunctionTree([2, 2, 2], factors)
    tables = [rng.random((40, *f.table.shape)) for f in factors]
    evidence = {2: np.array([[1.0, 0.0]])}
    with jit("always"):
        monkeypatch.setattr(_drawpass, "THREAD_ENTRIES", 10**12)
        one = _drawpass.draw_marginals(tree, tables, evidence, [0, 1])
        monkeypatch.setattr(_drawpass, "THREAD_ENTRIES", 0)
        monkeypatch.setattr(_drawpass, "_threads", lambda: 3)
        split = _drawpass.draw_marginals(tree, tables, evidence, [0, 1])
    for a, b in zip([*one[0], one[1]], [*split[0], split[1]], strict=True):
        np.testing.assert_array_equal(a, b)


def test_kernel_path_equals_enumeration_for_each_draw(tiny, kernel_calls):
    """Check the kernel path (noisy-OR "yes" and "no", a mixture, a noisy-MAX kept) against full-joint enumeration, draw by draw."""
    evidence = {"urge": "yes", "ferritin": "low", "jerks": "no", "location": "calf", "pulses": "diminished", "age_group": "65_plus"}
    vectors = crampnet.network.evidence.normalise(tiny.spec, evidence)
    theta = draw_parameters(tiny, 6, np.random.default_rng(4))
    got = mc.batch_posteriors(tiny, vectors, theta)
    assert sum(kernel_calls) == 6
    tables = parameter_space(tiny).tables(theta)
    for i in range(6):
        expected = enumerate_posteriors(tiny, {n: t[i] for n, t in tables.items()}, evidence)
        np.testing.assert_allclose(got[i], expected, rtol=0, atol=1e-12, err_msg=str(i))


def test_kernel_path_sums_out_soft_evidence_on_kept_leaves(tiny, kernel_calls):
    """Check soft evidence on findings the kernel's tree sums out (a mixture, a noisy-MAX) against enumeration weighted by the likelihoods."""
    from crampnet.trust._pruned import absorbable

    evidence = {"location": {"calf": 0.7, "foot": 0.2, "diffuse": 0.1}, "pulses": {"normal": 0.25, "diminished": 1.0, "absent": 0.5}, "urge": "yes"}
    vectors = crampnet.network.evidence.normalise(tiny.spec, evidence)
    assert {"location", "pulses"} <= absorbable(tiny, frozenset(vectors), list(vectors))
    theta = draw_parameters(tiny, 5, np.random.default_rng(7))
    got = mc.batch_posteriors(tiny, vectors, theta, signed=False)
    assert sum(kernel_calls) == 5
    tables = parameter_space(tiny).tables(theta)
    ids = list(tiny.spec.order)
    states = [tiny.spec.nodes[nid].states for nid in ids]
    for i in range(5):
        present = np.zeros(len(tiny.compiled.conditions))
        total = 0.0
        for config in itertools.product(*(range(len(s)) for s in states)):
            p = 1.0
            for j, nid in enumerate(ids):
                p *= tables[nid][i][(config[j], *(config[ids.index(q)] for q in tiny.spec.nodes[nid].parents))]
                value = evidence.get(nid)
                if isinstance(value, dict):
                    p *= value[states[j][config[j]]]
                elif value is not None and states[j][config[j]] != value:
                    p = 0.0
            total += p
            for k, cond in enumerate(tiny.compiled.conditions):
                present[k] += p if states[ids.index(cond)][config[ids.index(cond)]] == "present" else 0.0
        np.testing.assert_allclose(got[i], present / total, rtol=0, atol=1e-12, err_msg=str(i))


def test_kernel_path_impossible_draws_are_nan(tiny, kernel_calls):
    """Check that evidence impossible under every draw gives NaN on the kernel path, as on the numpy path."""
    from crampnet.network.spec import NoisyOr

    vectors = crampnet.network.evidence.normalise(tiny.spec, {"urge": "yes"})
    node = tiny.spec.nodes["urge"]
    assert isinstance(node.cpd, NoisyOr)
    theta = draw_parameters(tiny, 3, np.random.default_rng(2))
    space = parameter_space(tiny)
    index = space.index()
    for key, slot in index.items():
        if key[0] == "urge":
            theta[:, slot] = 0.0  # no leak, no link: "yes" cannot happen
    got = mc.batch_posteriors(tiny, vectors, theta)
    assert kernel_calls and np.isnan(got).all()


def test_flagged_draws_run_again_in_numpy(tiny, kernel_calls, monkeypatch):
    """Check that draws the kernel flags near underflow are answered by the numpy pass, with its numbers."""
    evidence = {"urge": "no", "location": "calf", "pulses": "diminished"}
    vectors = crampnet.network.evidence.normalise(tiny.spec, evidence)
    theta = draw_parameters(tiny, 5, np.random.default_rng(9))
    with jit("never"):
        expected = mc.batch_posteriors(tiny, vectors, theta)
    original = _drawpass.draw_marginals

    def flag_odd(tree, tables, ev, query, **kwargs):
        marginals, log_ev, flagged = original(tree, tables, ev, query, **kwargs)
        flagged[1::2] = True
        for m in marginals:
            m[1::2] = 0.5  # a wrong answer that must not survive
        return marginals, log_ev, flagged

    monkeypatch.setattr(mc, "draw_marginals", flag_odd)
    got = mc.batch_posteriors(tiny, vectors, theta)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(got[1::2], expected[1::2])


def every_finding_case(model: crampnet.Model) -> dict[str, object]:
    """benchmarks/bench_trust.py's case: the first simulated (seed 3) with 14 findings answered "yes", every finding observed."""
    for _, row in model.simulate(400, seed=3).iterrows():
        case = {f: row[f] for f in model.findings}
        if sum(str(v) == "yes" for v in case.values()) == 14:
            return case
    raise AssertionError("no such case")


def test_every_finding_observed_matches_pgmpy_per_draw(model, pgmpy_ve):
    """Check a case with every finding observed (a 1.35M-entry tree, run compiled by default) against pgmpy VE, draw by draw."""
    from crampnet.interop._pgmpy import to_pgmpy

    case = every_finding_case(model)
    vectors = crampnet.network.evidence.normalise(model.spec, case)
    theta = draw_parameters(model, 2, np.random.default_rng(5))
    calls: list[int] = []
    original = _drawpass.draw_marginals
    with jit("always"), pytest.MonkeyPatch.context() as mp:
        mp.setattr(mc, "draw_marginals", lambda *a, **k: calls.append(1) or original(*a, **k))
        got = mc.batch_posteriors(model, vectors, theta)
    assert calls  # the default threshold sends this tree to the kernel
    tables = parameter_space(model).tables(theta)
    states = {k: str(v) for k, v in case.items()}
    for i in range(2):
        expected = pgmpy_ve(to_pgmpy(model.spec, {n: t[i] for n, t in tables.items()}), model.conditions, states)
        for j, cond in enumerate(model.compiled.conditions):
            assert got[i, j] == pytest.approx(expected[cond], abs=1e-9), (i, cond)


def test_seeded_intervals_agree_between_kernel_and_numpy(model, monkeypatch):
    """Check that a seeded interval is the same, to rounding, whether its draws run compiled or in numpy (same draws)."""
    evidence = {"muscle_cramps": "yes", "nocturnal": "yes", "urge_to_move": "yes", "worse_evening": "yes", "paresthesia": "yes", "edema": "no"}
    with jit("never"):
        numpy_table = model.posteriors(evidence, interval=0.9, draws=40, seed=11)
    monkeypatch.setattr(mc, "KERNEL_TREE_ENTRIES", 0)
    with jit("always"):
        kernel_table = model.posteriors(evidence, interval=0.9, draws=40, seed=11)
    for column in ("probability", "low", "high"):
        np.testing.assert_allclose(kernel_table[column].to_numpy(), numpy_table[column].to_numpy(), rtol=0, atol=1e-9)


@pytest.mark.parametrize(("ratio", "compiled"), [(0.0, False), (1e9, True)])
def test_live_ratio_decides_where_the_draws_run(model, kernel_calls, monkeypatch, ratio, compiled):
    """Check that the draws run in the kernel exactly when its tree's live entries are within KERNEL_LIVE_RATIO of numpy's, with the same posteriors either way."""
    evidence = {"muscle_cramps": "yes", "nocturnal": "yes", "urge_to_move": "yes", "worse_evening": "yes", "edema": "no"}
    vectors = crampnet.network.evidence.normalise(model.spec, evidence)
    theta = draw_parameters(model, 6, np.random.default_rng(2))
    monkeypatch.setattr(mc, "KERNEL_LIVE_RATIO", ratio)
    got = mc.batch_posteriors(model, vectors, theta)
    assert bool(kernel_calls) is compiled
    with jit("never"):
        expected = mc.batch_posteriors(model, vectors, theta)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
