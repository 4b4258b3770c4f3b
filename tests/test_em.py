"""EM on per-pattern trees: the barren-row rule keeps EM's fixed point (its speed: benchmarks/bench_trust.py).

The references here enumerate the full joint of a small network with numpy
(one array over every node), independently of crampnet's junction trees:
its E-step counts every fitted node's family in every row, barren or not.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet.trust._em import HARD, KEPT, SOFT, EStep
from crampnet.trust.simulate import ConvergenceWarning, fit, simulate


class Joint:
    """The full joint of a network's tables as one array (axes in ``spec.order``)."""

    def __init__(self, model: crampnet.Model) -> None:
        self.spec = model.spec
        self.ids = list(model.spec.order)
        self.cards = [len(model.spec.nodes[n].states) for n in self.ids]

    def array(self, tables: dict[str, np.ndarray]) -> np.ndarray:
        operands: list[object] = []
        for nid in self.ids:
            operands += [tables[nid], [self.ids.index(nid), *(self.ids.index(p) for p in self.spec.nodes[nid].parents)]]
        return np.einsum(*operands, list(range(len(self.ids))))

    def family_axes(self, nid: str) -> list[int]:
        return [self.ids.index(nid), *(self.ids.index(p) for p in self.spec.nodes[nid].parents)]

    def marginal(self, joint: np.ndarray, nid: str) -> np.ndarray:
        """P(node, parents) in table order, from a joint with a leading row axis."""
        family = self.family_axes(nid)
        keep = [0, *(1 + a for a in family)]
        return np.einsum(joint, list(range(joint.ndim)), keep)


def likelihoods(model: crampnet.Model, data: pd.DataFrame) -> np.ndarray:
    """Per row, the indicator of its observed cells over the joint's axes: shape ``(n, *cards)``."""
    joint = Joint(model)
    out = np.ones((len(data), *joint.cards))
    for axis, nid in enumerate(joint.ids):
        if nid not in data.columns:
            continue
        states = model.states(nid)
        like = np.ones((len(data), len(states)))
        for r, value in enumerate(data[nid]):
            if isinstance(value, str):
                like[r] = [1.0 if s == value else 0.0 for s in states]
        shape = [len(data)] + [1] * len(joint.ids)
        shape[1 + axis] = len(states)
        out *= like.reshape(shape)
    return out


def full_em_step(model: crampnet.Model, tables: dict[str, np.ndarray], like: np.ndarray, fitted: list[str], strength: float) -> dict[str, np.ndarray]:
    """One EM update with every row counted for every fitted node (no pruning), by enumeration."""
    joint = Joint(model)
    base = joint.array(tables)
    alpha_joint = joint.array({nid: model.compiled.tables[nid] for nid in joint.ids})
    posterior = base[None] * like
    posterior /= posterior.reshape(len(like), -1).sum(axis=1).reshape([-1] + [1] * base.ndim)
    out = {}
    for nid in fitted:
        alpha = strength * joint.marginal(alpha_joint[None], nid)[0]
        counts = joint.marginal(posterior, nid).sum(axis=0)
        total = alpha + counts
        out[nid] = total / total.sum(axis=0, keepdims=True)
    return out


def holed(model: crampnet.Model, n: int, seed: int, fraction: float) -> pd.DataFrame:
    cohort = simulate(model, n, seed=seed)
    rng = np.random.default_rng(seed)
    return cohort.mask(rng.random(cohort.shape) < fraction)


def small_random(random_networks, seeds, max_entries: int = 3000):
    for seed in seeds:
        model, _, _ = random_networks.make(seed)
        if np.prod([len(model.spec.nodes[n].states) for n in model.spec.order]) <= max_entries:
            yield seed, model


@pytest.mark.parametrize("seed", [0, 1])
def test_barren_rule_keeps_the_em_fixed_point(random_networks, seed):
    """Check that the fitted tables are a fixed point of unpruned EM (every row counted), by enumeration."""
    picked = next(small_random(random_networks, range(seed * 40, seed * 40 + 40)), None)
    if picked is None:
        pytest.skip("no small random network in this range")
    _, model = picked
    data = holed(model, 120, seed, 0.35)
    fitted = fit(model, data, prior_strength=3, tol=1e-12, max_iter=5000)
    assert fitted.method == "em" and fitted.converged
    names = [nid for nid in model.spec.order if nid in fitted.posterior_counts]
    tables = dict(fitted.compiled.tables)
    again = full_em_step(model, tables, likelihoods(model, data), names, 3.0)
    for nid in names:
        np.testing.assert_allclose(again[nid], tables[nid], rtol=0, atol=1e-9, err_msg=nid)
    # The check has teeth: the tables moved from the prior, and the barren rows were
    # really dropped (a finding's Dirichlet counts only the rows that observe it).
    assert any(np.abs(tables[nid] - model.compiled.tables[nid]).max() > 1e-3 for nid in names)
    finding = next(nid for nid in names if model.spec.nodes[nid].role == "finding")
    assert fitted.posterior_counts[finding].sum() == pytest.approx(3.0 + data[finding].notna().sum(), abs=1e-9)


def test_em_reaches_the_same_tables_as_unpruned_em(random_networks):
    """Check that EM with barren rows dropped and EM counting every row, from the same start, settle on the same tables."""
    _, model = next(small_random(random_networks, range(100), max_entries=1500))
    data = holed(model, 120, 7, 0.3)
    fitted = fit(model, data, prior_strength=2, tol=1e-11, max_iter=5000)
    names = list(fitted.posterior_counts)
    tables = {nid: model.compiled.tables[nid] for nid in model.spec.order}
    like = likelihoods(model, data)
    for _ in range(5000):
        new = full_em_step(model, tables, like, names, 2.0)
        moved = max(float(np.abs(new[nid] - tables[nid]).max()) for nid in names)
        tables.update(new)
        if moved < 1e-11:
            break
    else:
        pytest.fail("unpruned EM did not converge")
    for nid in names:
        np.testing.assert_allclose(fitted.compiled.tables[nid], tables[nid], rtol=0, atol=1e-7, err_msg=nid)


def test_finding_counts_come_from_the_rows_that_observe_it(tiny):
    """Check that a fitted finding's Dirichlet posterior is the prior plus the rows that observe it."""
    cohort = simulate(tiny, 400, seed=3)
    rng = np.random.default_rng(1)
    data = cohort.mask(rng.random(cohort.shape) < 0.3)
    fitted = fit(tiny, data, prior_strength=4)
    for nid in ("urge", "ferritin", "pulses", "location"):
        assert fitted.posterior_counts[nid].sum() == pytest.approx(4.0 + data[nid].notna().sum(), abs=1e-9), nid
    # age_group counts in the rows that observe it or a descendant (cramps and its findings).
    informed = data[["age_group", "cramps", "pulses", "urge", "location"]].notna().any(axis=1)
    assert 0 < (~informed).sum() and fitted.posterior_counts["age_group"].sum() == pytest.approx(4.0 + informed.sum(), abs=1e-9)


def test_estep_counts_with_soft_evidence_and_weights_equal_enumeration(tiny):
    """Check EStep directly: hard, soft and missing cells, a barren node, repeated cases, against the joint."""
    ids = list(tiny.spec.order)
    tables = dict(tiny.compiled.tables)
    joint = Joint(tiny)
    base = joint.array(tables)
    var = {nid: j for j, nid in enumerate(ids)}
    parents = [tuple(var[p] for p in tiny.spec.nodes[nid].parents) for nid in ids]
    cards = [len(tiny.spec.nodes[nid].states) for nid in ids]
    soft_urge = np.array([0.8, 0.3])
    cases = [
        {"urge": "yes", "age_group": "65_plus"},
        {"urge": soft_urge, "pulses": "absent"},
        {"location": "diffuse", "rls": "present", "drug": "no"},
    ]
    weights = np.array([2.0, 1.0, 3.0])
    status = np.zeros((3, len(ids)), dtype=np.int8)
    codes = np.zeros((3, len(ids)), dtype=np.intp)
    evidence = {var["urge"]: np.ones((3, 2))}
    expected = {nid: np.zeros(t.shape) for nid, t in tables.items()}
    for r, case in enumerate(cases):
        post = base.copy()
        relevant = set()
        for nid, value in case.items():
            axis = var[nid]
            if isinstance(value, str):
                like = np.array([1.0 if s == value else 0.0 for s in tiny.states(nid)])
                status[r, axis], codes[r, axis] = HARD, tiny.states(nid).index(value)
            else:
                like = value
                status[r, axis] = SOFT
                evidence[axis][r] = value
            shape = [1] * post.ndim
            shape[axis] = len(like)
            post = post * like.reshape(shape)
            stack = [nid]
            while stack:
                node = stack.pop()
                relevant.add(node)
                stack.extend(tiny.spec.nodes[node].parents)
        for nid in relevant - set(case):
            status[r, var[nid]] = KEPT
        post = post / post.sum()
        for nid in relevant:
            expected[nid] += weights[r] * joint.marginal(post[None], nid)[0]
    step = EStep(ids, parents, cards, status, codes, status > 0, evidence, weights)
    counts, impossible = step.counts(tables)
    assert impossible.size == 0
    for nid in ids:
        np.testing.assert_allclose(counts[nid], expected[nid], rtol=0, atol=1e-12, err_msg=nid)
    assert not expected["plm"].any() and not expected["jerks"].any()  # barren in every case
    # Under tables that rule out urge = yes, the cases observing it are impossible.
    never = dict(tables, urge=np.stack([np.zeros(tables["urge"].shape[1:]), np.ones(tables["urge"].shape[1:])]))
    _, impossible = step.counts(never)
    assert impossible.tolist() == [0]


def test_impossible_rows_are_named(tiny):
    """Check that EM names the first row of probability zero (here jerks=yes with plm=absent)."""
    data = pd.DataFrame({"jerks": ["no", "yes", "yes"], "rls": ["present", None, None], "plm": [None, "absent", "absent"]}, index=["a", "b", "c"])
    with pytest.raises(crampnet.ImpossibleEvidenceError, match="row 'b'"):
        fit(tiny, data)


def test_shipped_network_em_iterations_give_distributions(model):
    """Check two EM iterations on 1,000 cases with 30% of cells and three condition columns missing: every table sums to one."""
    cohort = simulate(model, 1000, seed=1)
    rng = np.random.default_rng(0)
    data = cohort.mask(rng.random(cohort.shape) < 0.3).drop(columns=model.conditions[:3])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = fit(model, data, prior_strength=20, max_iter=2)
    assert fitted.method == "em" and fitted.iterations == 2
    for nid, table in fitted.compiled.tables.items():
        np.testing.assert_allclose(table.sum(axis=0), 1.0, atol=1e-12, err_msg=nid)
