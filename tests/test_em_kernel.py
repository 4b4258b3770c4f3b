"""EM's E-step in the compiled kernel (each case's own junction tree, crampnet.inference._emloops).

References are independent of crampnet's trees: the full joint of a small
random network enumerated with numpy, pgmpy's VariableElimination on the
shipped network, and the numpy E-step (one junction tree per pattern, the
path EM took before the kernel, still taken without numba) for whole fits.
Speed is measured in benchmarks/bench_trust.py, never here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crampnet
from crampnet.inference import _emkernel
from crampnet.inference._emkernel import Families, family_counts
from crampnet.trust import _em
from crampnet.trust._em import BARREN, HARD, KEPT, SOFT, EStep
from crampnet.trust.simulate import ConvergenceWarning, fit

numba = pytest.importorskip("numba")


@pytest.fixture
def kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """EStep takes the compiled kernel whatever the batch's size."""
    monkeypatch.setenv("CRAMPNET_JIT", "always")
    monkeypatch.setattr(_emkernel, "ready", lambda cases: True)


def random_problem(seed: int, n_cases: int = 12):
    """A random network (8 nodes, up to 3 parents, 2-3 states, some zero entries) and random cases."""
    rng = np.random.default_rng(seed)
    n = 8
    cards = [int(c) for c in rng.integers(2, 4, size=n)]
    parents = [tuple(sorted(rng.choice(j, size=min(j, int(rng.integers(0, 4))), replace=False).tolist())) for j in range(n)]
    tables = []
    for j in range(n):
        raw = rng.random((cards[j], *(cards[p] for p in parents[j])))
        raw[rng.random(raw.shape) < 0.1] = 0.0
        raw[:1][raw.sum(axis=0, keepdims=True) == 0] = 1.0  # a column of zeros gets mass on its first state
        tables.append(raw / raw.sum(axis=0, keepdims=True))
    status = np.zeros((n_cases, n), dtype=np.int8)
    codes = np.zeros((n_cases, n), dtype=np.intp)
    soft = {j: np.ones((n_cases, cards[j])) for j in range(n)}
    for r in range(n_cases):
        observed = rng.random(n) < 0.45
        relevant = observed.copy()
        for j in range(n - 1, -1, -1):
            if relevant[j]:
                relevant[list(parents[j])] = True
        for j in range(n):
            if observed[j] and rng.random() < 0.25:
                status[r, j] = SOFT
                soft[j][r] = rng.random(cards[j]) + 0.05
            elif observed[j]:
                status[r, j], codes[r, j] = HARD, int(rng.integers(cards[j]))
            elif relevant[j]:
                status[r, j] = KEPT
    count = (status != BARREN) & (rng.random(status.shape) < 0.8)
    weights = rng.integers(1, 4, size=n_cases).astype(float)
    return cards, parents, tables, status, codes, count, {j: s for j, s in soft.items() if (status[:, j] == SOFT).any()}, weights


def enumerated(cards, parents, tables, status, codes, count, soft, weights):
    """Per node, the weighted sum over the possible cases that count it of P(family | case), by the full joint; and the impossible cases."""
    n = len(cards)
    operands: list[object] = []
    for j in range(n):
        operands += [tables[j], [j, *parents[j]]]
    joint = np.einsum(*operands, list(range(n)))
    out = [np.zeros(t.shape) for t in tables]
    impossible = []
    for r in range(status.shape[0]):
        post = joint.copy()
        for j in range(n):
            like = np.ones(cards[j])
            if status[r, j] == HARD:
                like = np.eye(cards[j])[codes[r, j]]
            elif status[r, j] == SOFT:
                like = soft[j][r]
            post = post * like.reshape([cards[j] if a == j else 1 for a in range(n)])
        if post.sum() <= 0:
            impossible.append(r)
            continue
        post /= post.sum()
        for j in range(n):
            if count[r, j]:
                out[j] += weights[r] * np.einsum(post, list(range(n)), [j, *parents[j]])
    return out, impossible


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("shift", [0, 1, _emkernel.SHIFT, 62])
def test_kernel_family_counts_equal_enumeration(seed, compiled, shift, monkeypatch):
    """Check the kernel's expected family counts (hard, soft, missing and barren cells, weights) against the enumerated joint.

    ``shift`` 0 puts each clique's tables in bins as large as the clique
    (crampnet.inference._embins), 62 in none.
    """
    if compiled:
        monkeypatch.setenv("CRAMPNET_JIT", "always")
    cards, parents, tables, status, codes, count, soft, weights = random_problem(seed)
    hard = status == HARD
    all_hard = np.stack([hard[:, [j, *parents[j]]].all(axis=1) for j in range(len(cards))], axis=1)
    # The kernel leaves families whose members are all observed to its caller (EStep counts
    # them once, and rejects the cases where one has probability zero): drop those cases here.
    zero = np.array([any(all_hard[r, j] and tables[j][tuple(codes[r, [j, *parents[j]]])] == 0 for j in range(len(cards))) for r in range(len(weights))])
    status, codes, count, weights = status[~zero], codes[~zero], count[~zero], weights[~zero]
    soft = {j: s[~zero] for j, s in soft.items()}
    mine = count & ~all_hard[~zero]
    expected, impossible = enumerated(cards, parents, tables, status, codes, mine, soft, weights)
    found, flags = family_counts(Families(parents, cards), tables, status, codes, mine, soft, weights, numba=compiled, shift=shift)
    assert np.flatnonzero(flags == 1).tolist() == impossible and not (flags == 2).any()
    for j in range(len(cards)):
        np.testing.assert_allclose(found[j], expected[j], rtol=0, atol=1e-9, err_msg=str(j))
    assert sum(float(e.sum()) for e in expected) > 0  # the check has teeth


@pytest.mark.parametrize("seed", range(4))
def test_estep_in_the_kernel_equals_enumeration_and_the_numpy_estep(seed, kernel, monkeypatch):
    """Check EStep's counts with the kernel against the enumerated joint, and against EStep's numpy pass."""
    cards, parents, tables, status, codes, count, soft, weights = random_problem(seed + 10, n_cases=20)
    nodes = [f"n{j}" for j in range(len(cards))]
    named = dict(zip(nodes, tables, strict=True))
    step = EStep(nodes, parents, cards, status, codes, count, soft, weights)
    assert step._families is not None and not step.groups  # the kernel path
    counts, bad = step.counts(named)
    expected, impossible = enumerated(cards, parents, tables, status, codes, count, soft, weights)
    assert sorted(bad.tolist()) == impossible
    ok = np.setdiff1d(np.arange(status.shape[0]), impossible)
    # Without the impossible cases (whose counts mean nothing), the counts are the joint's.
    step = EStep(nodes, parents, cards, status[ok], codes[ok], count[ok], {j: s[ok] for j, s in soft.items()}, weights[ok])
    counts, bad = step.counts(named)
    assert bad.size == 0
    monkeypatch.setattr(_emkernel, "ready", lambda cases: False)
    by_numpy, _ = EStep(nodes, parents, cards, status[ok], codes[ok], count[ok], {j: s[ok] for j, s in soft.items()}, weights[ok]).counts(named)
    for j, nid in enumerate(nodes):
        np.testing.assert_allclose(counts[nid], expected[j], rtol=0, atol=1e-9, err_msg=nid)
        np.testing.assert_allclose(counts[nid], by_numpy[nid], rtol=0, atol=1e-9, err_msg=nid)


def test_cases_near_underflow_run_on_numpy_trees(kernel, monkeypatch):
    """Check that cases the kernel flags (status 2) are counted by the numpy pass, once, and the totals are unchanged."""
    cards, parents, tables, status, codes, count, soft, weights = random_problem(3, n_cases=16)
    _, impossible = enumerated(cards, parents, tables, status, codes, count, soft, weights)
    ok = np.setdiff1d(np.arange(len(weights)), impossible)
    status, codes, count, weights, soft = status[ok], codes[ok], count[ok], weights[ok], {j: s[ok] for j, s in soft.items()}
    nodes = [f"n{j}" for j in range(len(cards))]
    named = dict(zip(nodes, tables, strict=True))
    expected, _ = enumerated(cards, parents, tables, status, codes, count, soft, weights)
    flagged = np.array([1, 5, 9])

    def flagging(families, tabs, st, co, cnt, sf, w, **kw):
        cnt = cnt.copy()
        cnt[flagged] = False  # the kernel adds nothing for a flagged case
        found, flags = family_counts(families, tabs, st, co, cnt, sf, w, **kw)
        flags[flagged] = 2
        return found, flags

    monkeypatch.setattr(_em, "family_counts", flagging)
    step = EStep(nodes, parents, cards, status, codes, count, soft, weights)
    for _ in range(2):  # the numpy trees of the flagged cases are built once
        counts, bad = step.counts(named)
        assert bad.size == 0 and list(step._fallback) == [(1, 5, 9)]
        for j, nid in enumerate(nodes):
            np.testing.assert_allclose(counts[nid], expected[j], rtol=0, atol=1e-9, err_msg=nid)


def shipped_cases(model: crampnet.Model, n: int, seed: int):
    """Simulated cases with every condition column (and every part's) dropped and 30% of the other cells hidden."""
    cohort = model.simulate(n, seed=seed)
    hidden = cohort.mask(np.random.default_rng(seed).random(cohort.shape) < 0.3)
    return hidden.drop(columns=[*model.conditions, *model.parts])


def test_shipped_network_counts_equal_variable_elimination(kernel):
    """Check one E-step's counts of a handful of shipped-network cases against pgmpy VariableElimination's family marginals."""
    from pgmpy.inference import VariableElimination

    from crampnet.trust._learning import _case_status, _estep, frame_evidence
    from crampnet.trust._montecarlo import relevant_nodes

    model = crampnet.load()
    spec = model.spec
    ve = VariableElimination(model.network)
    data = shipped_cases(model, 3, seed=11)
    data.loc[data.index[0], "care_setting"] = None  # a point-mass root left hidden: taken as observed at its state
    vectors = frame_evidence(spec, data)
    fitted = [nid for nid in spec.order if nid in vectors]
    nodes = relevant_nodes(model, fitted)
    tables = {nid: model.compiled.tables[nid] for nid in nodes}
    checked = 0
    for r in range(len(data)):
        cases = {nid: vectors[nid][r : r + 1] for nid in fitted}
        status, codes, count = _case_status(model, nodes, fitted, cases)
        step = _estep(model, nodes, status, codes, count, {j: cases[nid] for j, nid in enumerate(nodes) if nid in cases}, np.ones(1))
        assert step._families is not None
        counts, bad = step.counts(tables)
        assert bad.size == 0
        row = {k: v for k, v in data.iloc[r].items() if isinstance(v, str)}
        # The observed findings with the most parents, and the hidden context nodes that are not barren.
        findings = sorted((nid for nid in row if spec.nodes[nid].role == "finding"), key=lambda nid: -len(spec.nodes[nid].parents))[:3]
        hidden = [nid for j, nid in enumerate(nodes) if spec.nodes[nid].role == "context" and status[0, j] == KEPT][:2]
        hidden += ["care_setting"] if r == 0 else []
        for nid in [*findings, *hidden]:
            parents = list(spec.nodes[nid].parents)
            expected = np.zeros(tables[nid].shape)
            if nid in row:
                factor = ve.query(parents, evidence=row, joint=True, show_progress=False)
                expected[spec.nodes[nid].states.index(row[nid])] = factor.values.transpose([factor.variables.index(p) for p in parents])
            else:
                factor = ve.query([nid], evidence=row, joint=True, show_progress=False)
                expected = factor.values
            np.testing.assert_allclose(counts[nid], expected, rtol=0, atol=1e-9, err_msg=f"row {r}: {nid}")
            checked += 1
    assert checked >= 9


def test_fit_is_unchanged_by_the_kernel(kernel, monkeypatch):
    """Check that EM on shipped-network data gives the same posterior counts with the kernel as with the numpy E-step."""
    model = crampnet.load()
    data = shipped_cases(model, 60, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        by_kernel = fit(model, data, prior_strength=20, max_iter=2)
        monkeypatch.setattr(_emkernel, "ready", lambda cases: False)
        by_numpy = fit(model, data, prior_strength=20, max_iter=2)
    assert by_kernel.method == by_numpy.method == "em" and by_kernel.iterations == by_numpy.iterations == 2
    assert set(by_kernel.posterior_counts) == set(by_numpy.posterior_counts)
    for nid, counts in by_numpy.posterior_counts.items():
        np.testing.assert_allclose(by_kernel.posterior_counts[nid], counts, rtol=1e-9, atol=1e-9, err_msg=nid)
    assert any(np.abs(by_numpy.compiled.tables[nid] - model.compiled.tables[nid]).max() > 1e-3 for nid in by_numpy.posterior_counts)


def test_shipped_network_counts_are_the_same_in_any_bins():
    """Check one E-step of shipped-network cases with the tables in bins of every size against the numpy E-step (one tree per pattern)."""
    from crampnet.trust._learning import _case_status, frame_evidence
    from crampnet.trust._montecarlo import relevant_nodes

    model = crampnet.load()
    spec = model.spec
    vectors = frame_evidence(spec, shipped_cases(model, 12, seed=21))
    fitted = [nid for nid in spec.order if nid in vectors]
    nodes = relevant_nodes(model, fitted)
    status, codes, count = _case_status(model, nodes, fitted, vectors)
    var = {nid: j for j, nid in enumerate(nodes)}
    parents = [tuple(var[p] for p in spec.nodes[nid].parents) for nid in nodes]
    cards = [len(spec.nodes[nid].states) for nid in nodes]
    tables = {nid: model.compiled.tables[nid] for nid in nodes}
    weights = np.arange(1.0, 13.0)
    by_numpy = EStep(nodes, parents, cards, status, codes, count, {}, weights)
    assert by_numpy._families is None  # 12 cases: numpy's trees
    expected, bad = by_numpy.counts(tables)
    assert bad.size == 0
    step = EStep(nodes, parents, cards, status, codes, count, {}, weights)
    families = Families(parents, cards)
    mine = count & step._in_tree
    for shift in (0, 2, _emkernel.SHIFT, 62):
        found, flags = family_counts(families, [tables[nid] for nid in nodes], status, codes, mine, {}, weights, shift=shift)
        assert not flags.any()
        for nid, c in zip(nodes, found, strict=True):
            np.testing.assert_allclose(c + step.fixed[nid], expected[nid], rtol=1e-10, atol=1e-9, err_msg=f"shift {shift}: {nid}")


def possible_cases(cards, parents, tables, status, codes, count, soft, weights):
    """The problem's possible cases, the families each counts (not wholly observed), and their counts by enumeration."""
    _, impossible = enumerated(cards, parents, tables, status, codes, count, soft, weights)
    ok = np.setdiff1d(np.arange(len(weights)), impossible)
    status, codes, count, weights, soft = status[ok], codes[ok], count[ok], weights[ok], {j: s[ok] for j, s in soft.items()}
    hard = status == HARD
    all_hard = np.stack([hard[:, [j, *parents[j]]].all(axis=1) for j in range(len(cards))], axis=1)
    mine = count & ~all_hard
    expected, _ = enumerated(cards, parents, tables, status, codes, mine, soft, weights)
    return status, codes, mine, weights, soft, expected


def test_cases_larger_than_the_shared_workspace_get_their_own(monkeypatch):
    """Check the plain-Python loops with a shared workspace too small for any case (each allocates its own) against enumeration."""
    from crampnet.inference import _emloops

    monkeypatch.setattr(_emloops, "POOL", 4)
    cards, parents, tables, status, codes, count, soft, weights = random_problem(4)
    status, codes, mine, weights, soft, expected = possible_cases(cards, parents, tables, status, codes, count, soft, weights)
    found, flags = family_counts(Families(parents, cards), tables, status, codes, mine, soft, weights, numba=False, shift=0)
    assert not flags.any()
    for j in range(len(cards)):
        np.testing.assert_allclose(found[j], expected[j], rtol=0, atol=1e-9, err_msg=str(j))


@pytest.mark.parametrize("share", [1, 5, 1000])
def test_shares_and_threads_change_no_count(share, monkeypatch):
    """Check the compiled counts in shares of ``share`` cases on 1 and 3 threads: bitwise the same, and equal to enumeration."""
    monkeypatch.setenv("CRAMPNET_JIT", "always")
    monkeypatch.setattr(_emkernel, "SHARE", share)
    cards, parents, tables, status, codes, count, soft, weights = random_problem(5, n_cases=40)
    status, codes, mine, weights, soft, expected = possible_cases(cards, parents, tables, status, codes, count, soft, weights)
    runs = []
    for threads in (1, 3):
        monkeypatch.setattr(_emkernel, "_threads", lambda threads=threads: threads)
        found, flags = family_counts(Families(parents, cards), tables, status, codes, mine, soft, weights)
        assert not flags.any()
        runs.append(found)
    for j in range(len(cards)):
        assert np.array_equal(runs[0][j], runs[1][j]), j
        np.testing.assert_allclose(runs[1][j], expected[j], rtol=0, atol=1e-9, err_msg=str(j))
