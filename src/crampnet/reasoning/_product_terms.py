r"""Noisy-OR and noisy-MAX twins as rows of the batch: sums of products of one-parent factors.

For a noisy-MAX finding S (a noisy-OR is the noisy-MAX of its two states,
``order = (negative, positive)``, each link drawing ``positive`` with its
probability), let ``u_j(x)(l)`` be the CDF at level ``l`` of the draw of
parent j's link in state x (1 if unlinked, 1 at the top level),
``p_j(x)(l)`` its probability and ``t_j(x)(l)`` that of a draw above ``l``,
both summed from the file's numbers (never ``1 - u``). Under an
intervention that cures the parents in ``R`` (each to its target state
``a``), the docstring of :mod:`crampnet.reasoning.ranking` writes ``S =
max(C, A)`` and ``S* = max(C, B)``: C the draws of both worlds (the leak,
every parent not cured, a cured parent in ``a``), A the factual-only draws
(a cured parent's own link) and B the twin-only ones (its ``a`` link). The
twin leaves ``S = k`` either downwards or upwards, and both are events of
positive products:

- ``S = k, S* < k`` is ``C < k, A = k, B < k``; ``A = k`` is the union, over
  the cured parents in order, of "this one's draw is k, those before it
  below k, those after it at most k", so it is one row per cured member
  ``j``: the leak's CDF at ``k - 1``, ``u(k - 1)`` for every parent not cured
  and, for a cured one in ``x != a`` (in ``a`` only its common ``u_a(k -
  1)``), ``u_x(k - 1)``, ``p_x(k)`` or ``u_x(k)`` before, at or after ``j``,
  times ``u_a(k - 1)``;
- ``S = k, S* > k`` is ``S = k, B > k`` with B independent of S given the
  parents: the row that keeps S observed in ``k``, times ``t_a(k)`` of the
  cured parent (for a condition with parts, one row per member again).

So ``sum_pa P(pa, E \ S) prod_j f_j(x_j)`` is the probability of a row: the
evidence without S (or with S in ``k``), each parent's factor as a
likelihood, and every row is the probability of an event inside ``S = k``:
none is of the order of ``P(E \ S)``, so nothing cancels even where ``S =
k`` is very rare (disablement as ``P(S = k)`` less a signed sum of rows
without S lost ~12 digits at a link of 1e-12). Disablement is those rows for the condition cured; sufficiency is
``S = S* = k`` with the others cured, positive rows too
(``crampnet.reasoning._stay_rows``; as ``P(S = k, S* <= k)`` less ``P(S
= k, S* < k)`` a rare condition's cancelled to 0).

Rows are shared by every condition: curing ``D`` alone is the row of every
``u(k - 1)`` (``U``) with ``D``'s factor swapped for its ``p``-factor, read
as ``E[new / old]`` under that row's posterior of ``D``; leaving ``D`` alone
(the others cured) is each row of every condition cured with ``D``'s
factor swapped back to ``u(k - 1)``. Where the swap would divide by zero, or
multiply by more than :data:`SWAP`, the term gets a row of its own, as does
every term of a condition with parts. Sufficiency so needs a row or two
per parent that is no condition; its fast form (``signed=True``) needs two or three rows
per noisy-OR finding observed positive, a signed sum that the caller keeps
only where it lost few digits.

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
['dis', 'rest', 'suf', 'total']
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crampnet.network.parts import units
from crampnet.network.spec import NetworkSpec, Node, NoisyMax, NoisyOr
from crampnet.reasoning._stay_rows import stay_rows

__all__ = ["Term", "product_terms"]


@dataclass(frozen=True)
class Term:
    r"""``coef * P(row) * E_row[modifier(condition)]``, one summand of a finding's measures.

    ``measure`` is ``total`` (P(S = state, E \ S)), ``dis`` (S counts and
    the twin leaves it, ``condition`` cured alone), ``suf`` (the twin stays,
    ``condition`` left alone and every other condition parent cured) or
    ``rest`` (the twin stays, every condition parent cured). The row is the
    evidence without S, or with S observed in ``state`` if it is given,
    each parent in ``factors`` weighted by its vector.
    """

    measure: str
    condition: str | None
    coef: float
    factors: tuple[tuple[str, tuple[float, ...]], ...]
    modifier: tuple[float, ...] | None = None
    state: int | None = None


def _levels(
    spec: NetworkSpec, node: Node
) -> tuple[list[str], np.ndarray, dict[str, np.ndarray]]:
    """The order, the leak's distribution and each parent's link distributions ``(levels, parent states)`` of a noisy finding.

    A parent state without a link draws the lowest level (probability 1).
    Every probability is the file's own number, never a difference of
    cumulative sums, so a rare level keeps its relative precision.
    """
    cpd = node.cpd
    if isinstance(cpd, NoisyOr):
        order = [next(s for s in node.states if s != cpd.positive), cpd.positive]
        leak = np.array([1.0 - cpd.leak.value, cpd.leak.value])
        links = {
            (link.parent, link.state): np.array([1.0 - link.param.value, link.param.value])
            for link in cpd.links
        }
    else:
        assert isinstance(cpd, NoisyMax)
        order = list(cpd.order)
        leak = np.array([cpd.leak.probabilities[s] for s in order])
        links = {
            (link.parent, link.state): np.array([link.dist.probabilities[s] for s in order])
            for link in cpd.links
        }
    none = np.zeros(len(order))
    none[0] = 1.0
    per_parent = {
        parent: np.stack(
            [links.get((parent, s), none) for s in spec.nodes[parent].states], axis=1
        )
        for parent in node.parents
    }
    return order, leak, per_parent


def _cdf(pmf: np.ndarray) -> np.ndarray:
    """``P(draw <= level)`` along axis 0, the top level closed at exactly 1 (as the table does)."""
    out: np.ndarray = np.cumsum(pmf, axis=0)
    out[-1] = 1.0
    return out


def _tail(pmf: np.ndarray) -> np.ndarray:
    """``P(draw > level)`` along axis 0, summed from the top (0 at the top level)."""
    above = np.cumsum(pmf[::-1], axis=0)[::-1]
    return np.concatenate([above[1:], np.zeros_like(above[:1])])


#: Per network (by identity, checked through a weak reference), the terms
#: already worked out per (finding, likelihood): they depend on nothing else,
#: and working them out costs ~10 ms per finding in Python.
_MEMO: dict[int, tuple[weakref.ref[NetworkSpec], dict[tuple[str, tuple[float, ...], bool], tuple[Term, ...]]]] = {}


def product_terms(
    spec: NetworkSpec, node: Node, likelihood: Sequence[float] | np.ndarray, *, signed: bool = False
) -> list[Term]:
    r"""The terms of a noisy-OR or noisy-MAX finding observed with ``likelihood`` (one per state of the node).

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    node : Node
        A finding with a noisy-OR or noisy-MAX cpd.
    likelihood : sequence of float
        Its evidence; states whose likelihood is 0, and its normal state,
        get no terms.
    signed : bool, default=False
        Sufficiency's terms in the fast form (:func:`_signed_stay`), rows
        whose signed sum loses the digits of ``P(E \ S) / P(E)``
        (:data:`crampnet.reasoning._counterfactual.KAPPA` says when too
        many); disablement's are positive either way.

    Returns
    -------
    list of Term
        With ``P(E)`` the probability of the evidence, expected disablement
        of condition parent ``D`` is ``sum of dis for D / P(E)``, expected
        sufficiency ``sum of suf for D / P(E)``, and that of every other
        condition ``sum of rest / P(E)``; the ``dis`` terms are all
        positive, and so are ``suf`` and ``rest`` unless ``signed``
        (their sums none above ``sum of total``).

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
    key = (node.id, tuple(float(x) for x in likelihood), signed)
    found = memo.get(key)
    if found is None or spec.nodes.get(node.id) is not node:
        found = tuple(_terms(spec, node, likelihood, signed))
        if spec.nodes.get(node.id) is node:
            if len(memo) >= 4096:
                memo.clear()
            memo[key] = found
    return list(found)


Vec = tuple[float, ...]


class _Level:
    """The one-parent factors of the events ``S = k, S* < k`` and ``S* > k`` at one level ``k``.

    Every factor is a vector over the parent's states (a tuple) and a
    probability, never a difference of two, so each row it weights is the
    probability of an event inside ``S = k``. For a cured member ``p``
    (absent state ``a``) in a state ``x != a`` its link's factual draw is
    factual-only and its ``a`` link's draw twin-only; in ``a`` the ``a`` link
    is common to both worlds.
    """

    def __init__(
        self,
        spec: NetworkSpec,
        node: Node,
        members: list[str],
        pmf: dict[str, np.ndarray],
        k: int,
    ) -> None:
        cdf = {p: _cdf(v) for p, v in pmf.items()}
        self.up: dict[str, Vec] = {p: tuple(cdf[p][k - 1].tolist()) for p in node.parents}
        self.pre: dict[str, Vec] = {}
        self.mid: dict[str, Vec] = {}
        self.post: dict[str, Vec] = {}
        self.stay: dict[str, Vec] = {}
        self.over: dict[str, Vec] = {}
        self.absent: dict[str, int] = {}
        for p in members:
            a = self.absent[p] = spec.nodes[p].states.index("absent")
            other = np.arange(len(spec.nodes[p].states)) != a
            low = cdf[p][k - 1, a]  # the a link's draw at most k - 1, in either role
            self.pre[p] = tuple(np.where(other, cdf[p][k - 1] * low, low).tolist())
            self.mid[p] = tuple(np.where(other, pmf[p][k] * low, 0.0).tolist())
            self.post[p] = tuple(np.where(other, cdf[p][k] * low, low).tolist())
            self.stay[p] = tuple(np.where(other, cdf[p][k, a], 1.0).tolist())
            self.over[p] = tuple(np.where(other, _tail(pmf[p])[k, a], 0.0).tolist())

    def below(self, cured: list[str], j: str) -> dict[str, Vec]:
        """``S = k, S* < k`` with ``cured`` cured: every draw below ``k`` but member ``j``'s factual-only one, at ``k``, those after ``j`` at most ``k`` (the leak's factor apart)."""
        out = dict(self.up)
        i = cured.index(j)
        for n, p in enumerate(cured):
            out[p] = self.pre[p] if n < i else self.mid[p] if n == i else self.post[p]
        return out

    def above(self, cured: list[str], j: str) -> dict[str, Vec]:
        """``S* > k`` with ``cured`` cured, beside ``S = k``: member ``j``'s twin-only draw above ``k``, those before ``j`` at most ``k``."""
        i = cured.index(j)
        return {**{p: self.stay[p] for p in cured[:i]}, j: self.over[j]}


#: A condition's factor is swapped in a shared row (read from its posterior
#: in that row) where the new factor is at most this many times the old one;
#: past that, or where the old one is 0, the term gets a row of its own.
SWAP = 1e4


@dataclass(frozen=True)
class _Row:
    """A row's factors, their key (those not all 1) and the parents whose factor is all 0."""

    factors: dict[str, Vec]
    key: tuple[tuple[str, Vec], ...]
    zeros: frozenset[str]

    @classmethod
    def of(cls, factors: dict[str, Vec]) -> _Row:
        """The row of ``factors``."""
        key = tuple((p, v) for p, v in factors.items() if any(x != 1.0 for x in v))
        return cls(factors, key, frozenset(p for p, v in factors.items() if not any(v)))


def _swapped(
    measure: str, condition: str, coef: float, row: _Row, new: Vec, state: int | None
) -> Term | None:
    """``row`` with ``condition``'s factor (1 if it has none) swapped for ``new``: read from the row's posterior, or a row of its own; None if the row has probability 0."""
    if coef == 0.0 or not any(new) or row.zeros - {condition}:
        return None
    old = row.factors.get(condition, (1.0,) * len(new))
    if any((o == 0.0 and n != 0.0) or n > SWAP * o for n, o in zip(new, old, strict=True)):
        return Term(measure, condition, coef, _Row.of({**row.factors, condition: new}).key, state=state)
    if new == old:
        return Term(measure, condition, coef, row.key, state=state)
    modifier = tuple(n / o if o > 0.0 else 0.0 for n, o in zip(new, old, strict=True))
    return Term(measure, condition, coef, row.key, modifier, state)


def _plain(measure: str, condition: str | None, coef: float, row: _Row, state: int | None) -> Term | None:
    """The term of ``row`` as it is; None if it has probability 0."""
    return None if coef == 0.0 or row.zeros else Term(measure, condition, coef, row.key, state=state)


def _terms(
    spec: NetworkSpec, node: Node, likelihood: Sequence[float] | np.ndarray, signed: bool = False
) -> list[Term]:
    """:func:`product_terms`, worked out: per counted level ``k``, disablement's positive rows, then sufficiency's."""
    order, leak, pmf = _levels(spec, node)
    leak_cdf = _cdf(leak)
    cures = units(spec.nodes, node.parents)  # curing a condition cures its parts (crampnet.network.parts)
    members = [p for unit in cures.values() for p in unit]
    terms: list[Term | None] = []
    states = [node.states.index(s) for s in order]
    for k in range(1, len(order)):  # level 0 is the normal state, never counted
        weight, s = float(likelihood[states[k]]), states[k]
        if weight == 0.0:
            continue
        terms.append(Term("total", None, weight, (), state=s))
        level = _Level(spec, node, members, pmf, k)
        below = weight * float(leak_cdf[k - 1])  # the leak's draw below k in both worlds
        every, none = _Row.of(level.up), _Row.of({})
        for whole, unit in cures.items():  # S* < k or S* > k, the condition cured
            if len(unit) == 1 and unit[0] == whole:  # swapped in the shared rows
                terms += [
                    _swapped("dis", whole, below, every, level.mid[whole], None),
                    _swapped("dis", whole, weight, none, level.over[whole], s),
                ]
            else:  # a part's posterior is not read from the rows: rows of their own
                for j in unit:
                    terms += [
                        _plain("dis", whole, below, _Row.of(level.below(unit, j)), None),
                        _plain("dis", whole, weight, _Row.of(level.above(unit, j)), s),
                    ]
        if signed:
            terms += _signed_stay(node, {p: _cdf(v) for p, v in pmf.items()}, leak_cdf, level, cures, k, weight)
        else:
            terms += _positive_stay(node, pmf, leak, level, cures, k, weight)
    return [t for t in terms if t is not None]


def _positive_stay(
    node: Node, pmf: dict[str, np.ndarray], leak: np.ndarray, level: _Level, cures: dict[str, list[str]], k: int, weight: float
) -> list[Term | None]:
    """Sufficiency's terms at one level: ``S = S* = k`` as positive rows (``_stay_rows.stay_rows``), a condition left alone swapped into the rows of every condition parent cured."""
    parents, at, below = list(node.parents), weight * float(leak[k]), weight * float(_cdf(leak)[k - 1])
    rows = stay_rows(parents, pmf, level.absent, k, at, below)
    terms: list[Term | None] = [_plain("rest", None, c, _Row.of(f), None) for c, f, _, alone in rows if alone]
    cdf = {p: _cdf(v) for p, v in pmf.items()}
    for whole, unit in cures.items():
        if len(unit) == 1 and unit[0] == whole:
            new = {1: tuple(cdf[whole][k].tolist()), -1: tuple(cdf[whole][k - 1].tolist()), 0: tuple(pmf[whole][k].tolist())}
            terms += [_swapped("suf", whole, c, _Row.of(f), new[alone], None) for c, f, inv, alone in rows if whole not in inv]
        else:
            others = {p: a for p, a in level.absent.items() if p not in unit}
            terms += [_plain("suf", whole, c, _Row.of(f), None) for c, f, _, alone in stay_rows(parents, pmf, others, k, at, below) if alone]
    return terms


def _signed_stay(
    node: Node,
    cdf: dict[str, np.ndarray],
    leak_cdf: np.ndarray,
    level: _Level,
    cures: dict[str, list[str]],
    k: int,
    weight: float,
) -> list[Term | None]:
    r"""Sufficiency's terms at one level in the fast form: ``P(S = S* = k)`` as a signed sum of ``C(l1)A(l2)B(l3)`` rows.

    ``P(S = S* = k) = C(k)A(k)B(k) - C(k-1)A(k)B(k-1) - C(k-1)A(k-1)B(k) +
    C(k-1)A(k-1)B(k-1)`` (the CDFs of the common, factual-only and twin-only
    draws): each row is of the order of ``P(E \ S)``, however rare ``S =
    k``, so the caller checks how many digits the sum kept.
    """
    absent = {p: level.absent[p] for unit in cures.values() for p in unit}

    def w(p: str, l1: int, l2: int, l3: int) -> Vec:
        out = cdf[p][l2] * cdf[p][l3, absent[p]]
        out[absent[p]] = cdf[p][l1, absent[p]]
        return tuple(out.tolist())

    terms: list[Term | None] = []
    for l1, l2, l3, sign in ((k, k, k, 1.0), (k - 1, k, k - 1, -1.0), (k - 1, k - 1, k, -1.0), (k - 1, k - 1, k - 1, 1.0)):
        coef = sign * weight * float(leak_cdf[l1])
        up = {p: tuple(cdf[p][l1].tolist()) for p in node.parents}
        cured = _Row.of({**up, **{p: w(p, l1, l2, l3) for p in absent}})
        terms.append(_plain("rest", None, coef, cured, None))
        for whole, unit in cures.items():
            if len(unit) == 1 and unit[0] == whole:
                terms.append(_swapped("suf", whole, coef, cured, up[whole], None))
            else:
                terms.append(_plain("suf", whole, coef, _Row.of({**cured.factors, **{p: up[p] for p in unit}}), None))
    return terms
