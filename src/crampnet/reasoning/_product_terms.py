r"""Noisy-OR and noisy-MAX twins as rows of the batch: sums of products of one-parent factors.

For a noisy-MAX finding S (a noisy-OR is the noisy-MAX of its two states,
``order = (negative, positive)``, each link's CDF ``(1 - link, 1)``), let
``u_j(x)(l)`` be the CDF at level ``l`` of parent j's link in state x (1 if
unlinked, 1 at the top level). Under an intervention that cures the
parents in ``R``, the docstring of :mod:`crampnet.reasoning.ranking` gives
``P(S = S* = k) = P(C = k) P(A <= k) P(B <= k) + P(C < k) P(A = k) P(B = k)``;
expanded, it is ``C(k)A(k)B(k) - C(k-1)A(k)B(k-1) - C(k-1)A(k-1)B(k) +
C(k-1)A(k-1)B(k-1)``, and each ``C(l1)A(l2)B(l3)`` is a product over
parents: the leak's CDF at ``l1``, ``u_j(x_j)(l1)`` for a parent not cured
and, for a cured parent, ``w_j(x_j) = u_j(a)(l1)`` if it is in its target
state ``a`` and ``u_j(x_j)(l2) u_j(a)(l3)`` if not.

So ``sum_pa P(pa, E \ S) C(l1)A(l2)B(l3)`` is the probability of a row: the
evidence without S, each parent's factor as a likelihood. Rows are shared
by every condition: curing ``D_i`` alone is the row of every factor at
``l1`` (``U(l1)``) with ``D_i``'s factor swapped for ``w_i``, read as
``E[w_i / u_i(l1)]`` under that row's posterior of ``D_i``; leaving ``D_i``
alone (the others cured) is the row ``W`` of every condition's ``w`` with
``D_i``'s swapped back. Where the swap would divide by zero the term gets a
row of its own. A noisy-OR finding observed positive needs two or three
rows: without S, with S off, and with its context causes alone.

Examples
--------
>>> from crampnet.network.spec import parse_network
>>> spec = parse_network('''
... schema = "crampnet-network/1"
... name = "one"
... version = "1"
... [nodes.d]
... role = "condition"
... states = ["present", "absent"]
... cpd = { model = "table", parents = [], rows = [{ when = {}, probabilities = { present = 0.2, absent = 0.8 }, source = "judgment", reason = "example" }] }
... [nodes.s]
... role = "finding"
... states = ["yes", "no"]
... cpd = { model = "noisy_or", leak = { value = 0.1, source = "judgment", reason = "example" }, links = [{ parent = "d", state = "present", value = 0.8, source = "judgment", reason = "example" }] }
... ''')
>>> from crampnet.reasoning._product_terms import product_terms
>>> terms = product_terms(spec, spec.nodes["s"], [1.0, 0.0])
>>> sorted({t.measure for t in terms})
['rest', 'stay_dis', 'stay_suf', 'total']
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crampnet.network.parts import units
from crampnet.network.spec import NetworkSpec, Node, NoisyMax, NoisyOr
from crampnet.reasoning._mechanisms import ratio

__all__ = ["Term", "product_terms"]


@dataclass(frozen=True)
class Term:
    r"""``coef * P(row) * E_row[modifier(condition)]``, one summand of a finding's measures.

    ``measure`` is ``total`` (P(S = state, E \ S): the row keeps S observed
    in ``state``), ``stay_dis``/``stay_suf`` (the twin stays, ``condition``
    cured alone or left alone) or ``rest`` (every condition parent cured).
    The row is the evidence without S, each parent in ``factors`` weighted
    by its vector.
    """

    measure: str
    condition: str | None
    coef: float
    factors: tuple[tuple[str, tuple[float, ...]], ...]
    modifier: tuple[float, ...] | None = None
    state: int | None = None


def _cdfs(spec: NetworkSpec, node: Node) -> tuple[list[str], np.ndarray, dict[str, np.ndarray]]:
    """The order, the leak's CDF and each parent's CDFs ``(levels, parent states)`` of a noisy finding."""
    cpd = node.cpd
    if isinstance(cpd, NoisyOr):
        order = [next(s for s in node.states if s != cpd.positive), cpd.positive]
        leak = np.array([1.0 - cpd.leak.value, 1.0])
        links = {
            (link.parent, link.state): np.array([1.0 - link.param.value, 1.0]) for link in cpd.links
        }
    else:
        assert isinstance(cpd, NoisyMax)
        order = list(cpd.order)
        leak = np.cumsum([cpd.leak.probabilities[s] for s in order])
        links = {
            (link.parent, link.state): np.cumsum([link.dist.probabilities[s] for s in order])
            for link in cpd.links
        }
    per_parent = {}
    for parent in node.parents:
        states = spec.nodes[parent].states
        cdf = np.stack([links.get((parent, s), np.ones(len(order))) for s in states], axis=1)
        cdf[-1] = 1.0  # the top level closes every CDF (as the table does)
        per_parent[parent] = cdf
    leak[-1] = 1.0
    return order, leak, per_parent


#: Per network (by identity, checked through a weak reference), the terms
#: already worked out per (finding, likelihood): they depend on nothing else,
#: and working them out costs ~10 ms per finding in Python.
_MEMO: dict[int, tuple[weakref.ref[NetworkSpec], dict[tuple[str, tuple[float, ...]], tuple[Term, ...]]]] = {}


def product_terms(
    spec: NetworkSpec, node: Node, likelihood: Sequence[float] | np.ndarray
) -> list[Term]:
    """The terms of a noisy-OR or noisy-MAX finding observed with ``likelihood`` (one per state of the node).

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    node : Node
        A finding with a noisy-OR or noisy-MAX cpd.
    likelihood : sequence of float
        Its evidence; states whose likelihood is 0, and its normal state,
        get no terms.

    Returns
    -------
    list of Term
        With ``P(E)`` the probability of the evidence, expected disablement
        of condition parent ``D`` is ``(sum of total - sum of stay_dis for
        D) / P(E)``, expected sufficiency ``sum of stay_suf for D / P(E)``,
        and that of every other condition ``sum of rest / P(E)``.

    Notes
    -----
    Remembered per network, finding and likelihood (the terms are
    immutable), so a later diagnosis with the same answer reuses them.
    """
    entry = _MEMO.get(id(spec))
    if entry is None or entry[0]() is not spec:
        if len(_MEMO) >= 16:
            _MEMO.clear()
        entry = (weakref.ref(spec), {})
        _MEMO[id(spec)] = entry
    memo = entry[1]
    key = (node.id, tuple(float(x) for x in likelihood))
    found = memo.get(key)
    if found is None or spec.nodes.get(node.id) is not node:
        found = tuple(_terms(spec, node, likelihood))
        if spec.nodes.get(node.id) is node:
            if len(memo) >= 4096:
                memo.clear()
            memo[key] = found
    return list(found)


def _terms(spec: NetworkSpec, node: Node, likelihood: Sequence[float] | np.ndarray) -> list[Term]:
    """:func:`product_terms`, worked out."""
    order, leak, cdf = _cdfs(spec, node)
    conditions = [p for p in node.parents if spec.nodes[p].role == "condition"]
    absent = {p: spec.nodes[p].states.index("absent") for p in conditions}
    cures = units(spec.nodes, node.parents)  # curing a condition cures its parts (crampnet.network.parts)

    def u(parent: str, level: int) -> np.ndarray:
        out: np.ndarray = cdf[parent][level]
        return out

    def w(parent: str, l1: int, l2: int, l3: int) -> np.ndarray:
        a = absent[parent]
        out: np.ndarray = cdf[parent][l2] * cdf[parent][l3, a]
        out[a] = cdf[parent][l1, a]
        return out

    def pack(factors: dict[str, np.ndarray]) -> tuple[tuple[str, tuple[float, ...]], ...]:
        return tuple((p, tuple(map(float, v))) for p, v in factors.items() if not np.all(v == 1.0))

    def swapped(
        measure: str,
        condition: str,
        coef: float,
        base: dict[str, np.ndarray],
        packed: tuple[tuple[str, tuple[float, ...]], ...],
        new: np.ndarray,
    ) -> Term:
        """``base`` (packed: ``packed``) with ``condition``'s factor swapped for ``new``: read from the row's posterior, or a row of its own."""
        old = base[condition]
        if np.any((old == 0.0) & (new != 0.0)):
            return Term(measure, condition, coef, pack({**base, condition: new}))
        return Term(measure, condition, coef, packed, tuple(map(float, ratio(new, old))))

    terms = []
    states = [node.states.index(s) for s in order]
    for k in range(1, len(order)):  # level 0 is the normal state, never counted
        weight = float(likelihood[states[k]])
        if weight == 0.0:
            continue
        terms.append(Term("total", None, weight, (), state=states[k]))
        for l1, l2, l3, sign in (
            (k, k, k, 1.0),
            (k - 1, k, k - 1, -1.0),
            (k - 1, k - 1, k, -1.0),
            (k - 1, k - 1, k - 1, 1.0),
        ):
            coef = sign * weight * float(leak[l1])
            every = {p: u(p, l1) for p in node.parents}
            cured = {p: (w(p, l1, l2, l3) if p in absent else u(p, l1)) for p in node.parents}
            packed_every, packed_cured = pack(every), pack(cured)  # once, not once per condition
            for whole, unit in cures.items():
                if len(unit) == 1 and unit[0] == whole:
                    p = unit[0]
                    terms.append(swapped("stay_dis", p, coef, every, packed_every, w(p, l1, l2, l3)))
                    terms.append(swapped("stay_suf", p, coef, cured, packed_cured, u(p, l1)))
                else:  # a part's posterior is not read from the rows: a row of its own
                    dis = {**every, **{p: w(p, l1, l2, l3) for p in unit}}
                    suf = {**cured, **{p: u(p, l1) for p in unit}}
                    terms.append(Term("stay_dis", whole, coef, pack(dis)))
                    terms.append(Term("stay_suf", whole, coef, pack(suf)))
            terms.append(Term("rest", None, coef, packed_cured))
    return terms
