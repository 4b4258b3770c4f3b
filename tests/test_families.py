"""Family marginals of the engine (JunctionTree.families, EM's E-step) against brute-force enumeration.

The reference multiplies every factor table and every likelihood into one
array over all variables with numpy (``np.einsum``), per case, and sums it
onto each factor's scope: no junction tree, no message passing.
"""

from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crampnet.inference.engine import Factor, JunctionTree

SEEDS = st.integers(0, 2**32 - 1)
TOL = 1e-12


def _network(rng: np.random.Generator) -> tuple[list[int], list[tuple[int, ...]]]:
    """A random DAG's families ``(child, *parents)`` (parents come first, so most scopes are unsorted), plus extra factors.

    The extras repeat a scope, take a sub-scope of a family, and take a
    family's scope in another order, so factors share home cliques and posteriors.
    """
    n = int(rng.integers(2, 7))
    cards = [int(c) for c in rng.integers(2, 4, size=n)]
    scopes: list[tuple[int, ...]] = []
    for v in range(n):
        k = int(rng.integers(0, min(v, 3) + 1))
        parents = sorted(rng.choice(v, size=k, replace=False).tolist()) if k else []
        scopes.append((v, *parents))
    widest = max(scopes, key=len)
    scopes.append(widest)  # the same scope twice
    scopes.append(widest[1:] or widest)  # a sub-scope
    scopes.append(tuple(reversed(widest)))  # the same variables in another order
    return cards, scopes


def _tables(rng: np.random.Generator, cards: list[int], scopes: list[tuple[int, ...]], n: int) -> list[np.ndarray]:
    """Per factor, random non-negative tables with the cases last: one shared column or one per case; some zeros."""
    tables = []
    for scope in scopes:
        shape = [cards[v] for v in scope]
        columns = n if rng.random() < 0.5 else 1
        table = rng.random((*shape, columns))
        table[rng.random(table.shape) < 0.1] = 0.0
        tables.append(table)
    return tables


def _evidence(rng: np.random.Generator, cards: list[int], n: int) -> dict[int, np.ndarray]:
    """Per-case likelihoods on a random subset of variables: hard indicators, soft vectors, or ones (unobserved)."""
    evidence = {}
    for v, card in enumerate(cards):
        if rng.random() < 0.4:
            continue
        rows = np.ones((n, card))
        for case in range(n):
            kind = rng.integers(0, 3)
            if kind == 0:
                rows[case] = np.eye(card)[rng.integers(0, card)]
            elif kind == 1:
                rows[case] = rng.random(card)
        evidence[v] = rows
    return evidence


def _brute_force(cards: list[int], scopes: list[tuple[int, ...]], tables: list[np.ndarray], evidence: dict[int, np.ndarray], n: int) -> tuple[list[np.ndarray], np.ndarray]:
    """P(scope | evidence) per factor and case, axes in scope order and cases last, by summing the full joint; and P(evidence)."""
    letters = string.ascii_letters[: len(cards)]
    case = "Z"
    operands: list[object] = []
    for scope, table in zip(scopes, tables, strict=True):
        operands.append(np.broadcast_to(table, (*table.shape[:-1], n)))
        operands.append("".join(letters[v] for v in scope) + case)
    for v, rows in evidence.items():
        operands.append(rows)
        operands.append(case + letters[v])
    joint = np.einsum(",".join(str(s) for s in operands[1::2]) + "->" + letters + case, *operands[0::2])
    total = joint.reshape(-1, n).sum(axis=0)
    families = []
    for scope in scopes:
        marginal = np.einsum(joint, list(range(len(cards) + 1)), [*scope, len(cards)])
        with np.errstate(invalid="ignore", divide="ignore"):
            families.append(marginal / total)
    return families, total


def _check(cards: list[int], scopes: list[tuple[int, ...]], tables: list[np.ndarray], evidence: dict[int, np.ndarray], n: int, heuristic: str) -> np.ndarray:
    tree = JunctionTree(cards, [Factor(s, np.ones([cards[v] for v in s])) for s in scopes], heuristic)
    families, possible = tree.families(tables, evidence)
    expected, total = _brute_force(cards, scopes, tables, evidence, n)
    np.testing.assert_array_equal(possible, total > 0)
    assert len(families) == len(scopes)
    for scope, got, want in zip(scopes, families, expected, strict=True):
        assert got.shape == (*(cards[v] for v in scope), n), scope
        np.testing.assert_allclose(got[..., possible], want[..., possible], rtol=0, atol=TOL, err_msg=f"P{scope} | evidence")
        assert np.isnan(got[..., ~possible]).all(), f"impossible cases of {scope} are not NaN"
    return possible


@given(seed=SEEDS, heuristic=st.sampled_from(["min-fill", "min-weight"]))
@settings(max_examples=40)
def test_families_match_brute_force_on_random_networks(seed, heuristic):
    """Check P(scope | evidence) of every factor, over a batch of cases, against enumeration of the joint.

    Hard, soft and no evidence mix per case; tables are per case or shared;
    the last case gets a likelihood of zero on every state of a variable,
    so its evidence is impossible and must come back as NaN.
    """
    rng = np.random.default_rng(seed)
    cards, scopes = _network(rng)
    n = int(rng.integers(2, 6))
    tables = _tables(rng, cards, scopes, n)
    evidence = _evidence(rng, cards, n)
    dead = int(rng.integers(0, len(cards)))
    evidence.setdefault(dead, np.ones((n, cards[dead])))
    evidence[dead][-1] = 0.0
    possible = _check(cards, scopes, tables, evidence, n, heuristic)
    assert not possible[-1]


def test_families_of_a_chain_with_structural_zeros():
    """Check a hand-made chain a -> b -> c whose tables forbid states, so hard evidence alone can be impossible.

    Case 0: c observed (possible); case 1: a = 1 and c = 1, which b's and c's
    tables rule out (impossible); case 2: soft evidence on b only.
    """
    cards = [2, 2, 2]
    scopes = [(0,), (1, 0), (2, 1)]
    a = np.array([0.4, 0.6])
    b = np.array([[0.7, 1.0], [0.3, 0.0]])  # b[b, a]: a = 1 forces b = 0
    c = np.array([[1.0, 0.2], [0.0, 0.8]])  # c[c, b]: b = 0 forces c = 0
    tables = [a[:, None], b[..., None], c[..., None]]
    evidence = {0: np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 1.0]]), 1: np.array([[1.0, 1.0], [1.0, 1.0], [0.2, 0.9]]), 2: np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 1.0]])}
    possible = _check(cards, scopes, tables, evidence, 3, "min-fill")
    assert possible.tolist() == [True, False, True]


@pytest.mark.parametrize("n", [1, 4])
def test_families_with_construction_tables_agree_with_marginals(n):
    """Check that one engine answers both queries alike: a single-variable factor's family is that variable's marginal."""
    rng = np.random.default_rng(n)
    cards, scopes = _network(rng)
    factors = [Factor(s, rng.random([cards[v] for v in s])) for s in scopes]
    tree = JunctionTree(cards, factors)
    evidence = _evidence(rng, cards, n)
    families, possible = tree.families([f.table[..., None] for f in factors], evidence)
    result = tree.marginals(evidence, [s[0] for s in scopes])
    assert possible.all()
    np.testing.assert_allclose(np.exp(result.log_evidence), _brute_force(cards, scopes, [f.table[..., None] for f in factors], evidence, n)[1], rtol=1e-12)
    for scope, family in zip(scopes, families, strict=True):
        # sum the family onto its first variable: that variable's marginal
        onto_first = family.reshape(family.shape[0], -1, n).sum(axis=1).T
        np.testing.assert_allclose(onto_first, result.marginals[scope[0]], rtol=0, atol=TOL)


@given(seed=SEEDS)
@settings(max_examples=40)
def test_clique_tables_are_the_product_of_their_factors_at_full_shape(seed):
    """Check FamilyPlan.potentials against all-ones clique tables times each factor (the clique's full shape, axes no factor covers included)."""
    from crampnet.inference._passplan import FamilyPlan

    rng = np.random.default_rng(seed)
    cards, scopes = _network(rng)
    n = int(rng.integers(1, 4))
    tables = _tables(rng, cards, scopes, n)
    tree = JunctionTree(cards, [Factor(scope, np.ones([cards[v] for v in scope])) for scope in scopes])
    got = FamilyPlan(tree).potentials(tables)
    for c, clique in enumerate(tree.cliques):
        want = np.ones((*(cards[v] for v in clique), 1))
        for scope, home, table in zip(tree.scopes, tree.factor_home, tables, strict=True):
            if home == c:
                order = sorted(range(len(scope)), key=scope.__getitem__)
                placed = table.transpose((*order, len(scope))).reshape((*(cards[v] if v in scope else 1 for v in clique), -1))
                want = want * placed
        assert got[c].shape == want.shape
        np.testing.assert_array_equal(got[c], want)


def test_a_clique_with_an_axis_no_factor_covers_gets_its_full_shape():
    """Check FamilyPlan.potentials and families on a five-cycle, whose middle clique holds one factor and a fill-in variable."""
    from crampnet.inference._passplan import FamilyPlan

    cards = [2, 3, 2, 3, 2]
    scopes = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0)]
    rng = np.random.default_rng(0)
    tables = [rng.random((cards[a], cards[b], 1)) + 0.1 for a, b in scopes]
    tree = JunctionTree(cards, [Factor(scope, np.ones([cards[v] for v in scope])) for scope in scopes])
    plan = FamilyPlan(tree)
    padded = [c for c, pad in enumerate(plan._pad) if pad is not None]
    assert padded  # a clique with a variable that only fill-in brought
    got = plan.potentials(tables)
    for c in padded:
        assert got[c].shape == (*(cards[v] for v in tree.cliques[c]), 1)
    joint = np.ones(cards)
    for (a, b), table in zip(scopes, tables, strict=True):
        shape = [1] * 5
        shape[a], shape[b] = cards[a], cards[b]
        joint = joint * (table[..., 0] if a < b else table[..., 0].T).reshape(shape)
    families, possible = tree.families(tables, {})
    assert possible.all()
    for (a, b), fam in zip(scopes, families, strict=True):
        want = joint.sum(axis=tuple(v for v in range(5) if v not in (a, b))) / joint.sum()
        np.testing.assert_allclose(fam[..., 0], want if a < b else want.T, rtol=0, atol=1e-12)
