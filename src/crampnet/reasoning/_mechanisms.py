r"""Twins on the grid of a finding's parent configurations: the mixture's race and the monotone coupling.

:func:`grid_terms` gives one observed finding S's share of both measures
from the posterior of its family, ``sum_{s, pa} P(s, pa | E) [s counts] K(s
| pa, pa*)`` for each intervention, with ``K = P(S = s, S* = s | pa, pa*) /
P(S = s | pa)`` the probability that the twin, which shares S's exogenous
noise, stays in the factual state (the models and their derivations are in
the docstring of :mod:`crampnet.reasoning.ranking`). It serves the findings
whose twin is no product of one-parent factors
(:mod:`crampnet.reasoning._product_terms` does the noisy-OR and noisy-MAX):
the mixture, and the table and logistic findings and any finding whose
engine table its file model does not give (fitted), under the monotone
coupling.

For the race each parent contributes a clock's weight and weighted draw, and
the formula needs their sums over the clocks of both worlds, of the factual
world only and of the twin only. Under ``do(D_i = absent)`` every parent but
``i`` is uncured; under ``do(others absent)`` every condition parent but
``i`` is cured. Prefix and suffix sums give "all parents but ``i``" for
every ``i`` in a few passes over the grid. Only the child states that count
and carry posterior mass are computed.

Examples
--------
>>> import numpy as np
>>> from crampnet.network.cpd import build_tables
>>> from crampnet.network.spec import parse_network
>>> spec = parse_network('''
... schema = "crampnet-network/1"
... name = "one"
... version = "1"
... [nodes.d]
... role = "condition"
... states = ["present", "absent"]
... cpd = { model = "table", parents = [], rows = [{ when = {}, probabilities = { present = 0.5, absent = 0.5 }, source = "judgment", reason = "example" }] }
... [nodes.s]
... role = "finding"
... states = ["calf", "foot"]
... cpd = { model = "mixture", leak = { weight = 1.0, probabilities = { calf = 0.5, foot = 0.5 }, source = "judgment", reason = "example" }, links = [{ parent = "d", state = "present", weight = 3.0, probabilities = { calf = 1.0, foot = 0.0 }, source = "judgment", reason = "example" }] }
... ''')
>>> from crampnet.reasoning._mechanisms import grid_terms
>>> family = np.array([[0.4375, 0.25], [0.0, 0.0]]) / 0.6875  # P(s, d | s = calf)
>>> disable, suffice, rest = grid_terms(spec, spec.nodes["s"], build_tables(spec)["s"], family)
>>> round(disable["d"], 6), suffice["d"]  # 3/11: d's clock first, d's calf, the leak's foot
(0.272727, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

from crampnet.network.parts import units
from crampnet.network.spec import Dist, Mixture, NetworkSpec, Node, NoisyMax

__all__ = ["grid_terms", "ratio"]

#: (common, factual-only, twin-only) aggregates -> (stay, leave, marginal) per needed state.
Combine = Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``, 0 where ``den`` is 0 (a factual state of probability 0 weighs nothing).

    Parameters
    ----------
    num : numpy.ndarray
        The numerators.
    den : numpy.ndarray
        The denominators (broadcast against ``num``).

    Returns
    -------
    numpy.ndarray
        A new float array of the broadcast shape: the quotient where ``den``
        is positive, 0 elsewhere (negative or NaN ``den`` too).
    """
    num, den = np.broadcast_arrays(num, den)
    out = np.zeros(num.shape)
    np.divide(num, den, out=out, where=den > 0.0)
    return out


class _Factors:
    """Per-parent factors of a noisy model on a ``(values, *parents)`` grid, aggregated by ``op``."""

    def __init__(
        self,
        spec: NetworkSpec,
        node: Node,
        leak: np.ndarray,
        link: Callable[[str, str], np.ndarray | None],
        op: np.ufunc,
        identity: float,
    ) -> None:
        ndim = 1 + len(node.parents)
        self.op, self.ndim = op, ndim
        self.leak = leak.reshape((-1,) + (1,) * (ndim - 1))
        self.uncured: list[np.ndarray] = []
        for i, parent in enumerate(node.parents):
            states = spec.nodes[parent].states
            none = np.full(self.leak.shape[0], identity)
            per_state = np.stack(
                [v if (v := link(parent, s)) is not None else none for s in states], axis=1
            )
            shape = [per_state.shape[0]] + [1] * (ndim - 1)
            shape[i + 1] = len(states)
            self.uncured.append(per_state.reshape(shape))
        self.identity = np.full((1,) * ndim, identity)

    def split(self, i: int, target: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Parent ``i`` cured to ``target``: its factor in both worlds, the factual only, the twin only."""
        factor = self.uncured[i]
        other = (np.arange(factor.shape[i + 1]) != target).reshape(
            [1] * (i + 1) + [-1] + [1] * (self.ndim - i - 2)
        )
        at_target = np.take(factor, [target], axis=i + 1)
        return (
            np.where(other, self.identity, at_target),
            np.where(other, factor, self.identity),
            np.where(other, at_target, self.identity),
        )

    def all_but(self, factors: list[np.ndarray]) -> Iterator[np.ndarray]:
        """The aggregate of ``factors`` without each one in turn (prefix and suffix aggregates)."""
        suffix = [self.identity]
        for factor in reversed(factors[1:]):
            suffix.append(self.op(suffix[-1], factor))
        prefix = self.identity
        for i, factor in enumerate(factors):
            yield self.op(prefix, suffix[len(factors) - 1 - i])
            prefix = self.op(prefix, factor)

    def total(self, factors: list[np.ndarray]) -> np.ndarray:
        out = self.identity
        for factor in factors:
            out = self.op(out, factor)
        return out


def _mixture(
    spec: NetworkSpec, node: Node, cpd: Mixture, needed: list[int]
) -> tuple[_Factors, Combine]:
    """Clock weights and weighted draws; ``P(S = S* = s) = [N_c + N_a (N_b + N_c) / (b + c) + N_b (N_a + N_c) / (a + c)] / (a + b + c)``.

    With ``M = sum w_j (1 - p_j(s))`` (the other states' draws, summed from
    the file's probabilities of those states), ``P(S = s, S* != s) = [N_a
    (M_b + M_c) / (b + c) + M_b (N_a + N_c) / (a + c)] / (a + b + c)``: a
    common first clock never parts the worlds. Both come back, and ``P(S =
    s)``, so that a twin that rarely leaves ``s`` is scored without ``1 -
    K`` for a ``K`` near 1.
    """
    dists = {(link.parent, link.state): link.dist for link in cpd.links}
    weights = [d.weight.value for d in (cpd.leak, *dists.values()) if d.weight is not None]
    scale = max(weights)  # weights are relative: dividing by the largest keeps every sum finite

    def clock(dist: Dist) -> np.ndarray:
        if dist.weight is None:  # pragma: no cover - the reader requires the weights of a mixture
            msg = f"the mixture of {node.id!r} needs weights"
            raise ValueError(msg)
        w = dist.weight.value / scale
        p = [dist.probabilities[state] for state in node.states]
        return np.array(
            [
                w,
                *(w * p[s] for s in needed),
                *(w * math.fsum(p[:s] + p[s + 1 :]) for s in needed),
            ]
        )

    factors = _Factors(
        spec,
        node,
        clock(cpd.leak),
        lambda p, s: clock(dists[(p, s)]) if (p, s) in dists else None,
        np.add,
        0.0,
    )

    n = 1 + len(needed)

    def combine(c: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        c, a, b = np.broadcast_arrays(c, a, b)
        total = a[:1] + b[:1] + c[:1]
        factual = ratio(a[1:n] + c[1:n], a[:1] + c[:1])
        stay = (c[1:n] + a[1:n] * ratio(b[1:n] + c[1:n], b[:1] + c[:1]) + b[1:n] * factual) / total
        leave = (a[1:n] * ratio(b[n:] + c[n:], b[:1] + c[:1]) + b[n:] * factual) / total
        return stay, leave, factual

    return factors, combine


def _race_kept(
    spec: NetworkSpec,
    node: Node,
    needed: list[int],
    conditions: list[int],
    target: list[int],
    mass: np.ndarray,
    cures: list[list[int]],
) -> tuple[list[float], list[float]]:
    """``sum mass * K`` for each intervention (each condition cured alone, each left alone, all cured), by the race.

    A unit of ``cures`` of several parents (a condition and its parts) is
    cured as one; without units, prefix and suffix sums give each parent's
    interventions in a few passes. The cures of one condition come back a
    second time as ``sum mass * (1 - K)``, from ``P(S = s, S* != s)``.
    """
    cpd = node.cpd
    assert isinstance(cpd, Mixture)
    factors, combine = _mixture(spec, node, cpd, needed)
    splits = {i: factors.split(i, target[i]) for i in conditions}
    cured = [
        splits[i][0] if i in splits else u for i, u in enumerate(factors.uncured)
    ]  # in both worlds
    own_all = [splits[i][1] if i in splits else factors.identity for i in range(len(cured))]
    twin_all = [splits[i][2] if i in splits else factors.identity for i in range(len(cured))]

    def kept(common: np.ndarray, own: np.ndarray, twin: np.ndarray) -> tuple[float, float]:
        stay, leave, marginal = combine(factors.op(factors.leak, common), own, twin)
        return float(np.sum(mass * ratio(stay, marginal))), float(np.sum(mass * ratio(leave, marginal)))

    if cures:

        def curing(unit: list[int]) -> tuple[float, float]:
            """Every parent in ``unit`` cured, the others factual."""
            return kept(
                factors.total([cured[i] if i in unit else u for i, u in enumerate(factors.uncured)]),
                factors.total([own_all[i] for i in unit]),
                factors.total([twin_all[i] for i in unit]),
            )

        cure = [curing(unit) for unit in cures]
        return [
            *(k for k, _ in cure),
            *(curing([j for j in conditions if j not in unit])[0] for unit in cures),
            curing(conditions)[0],
        ], [moved for _, moved in cure]

    uncured_but = list(factors.all_but(factors.uncured))
    disable = [
        kept(factors.op(uncured_but[i], splits[i][0]), splits[i][1], splits[i][2])
        for i in conditions
    ]
    cured_but = dict(zip(range(len(cured)), factors.all_but(cured), strict=True))
    own_but = dict(zip(range(len(cured)), factors.all_but(own_all), strict=True))
    twin_but = dict(zip(range(len(cured)), factors.all_but(twin_all), strict=True))
    suffice = [
        kept(factors.op(cured_but[i], factors.uncured[i]), own_but[i], twin_but[i])
        for i in conditions
    ]
    return [
        *(k for k, _ in disable),
        *(k for k, _ in suffice),
        kept(factors.total(cured), factors.total(own_all), factors.total(twin_all))[0],
    ], [moved for _, moved in disable]


def _monotone_kept(
    node: Node,
    table: np.ndarray,
    needed: list[int],
    conditions: list[int],
    target: list[int],
    mass: np.ndarray,
    cures: list[list[int]],
) -> tuple[list[float], list[float]]:
    """``sum mass * K`` per intervention under the comonotone coupling: one uniform, inverse CDFs along the states.

    The interventions cure each unit of ``cures`` (parent indices; by
    default each condition parent alone), leave each alone with every other
    condition parent cured, and cure them all. The cures of the units come
    back a second time as ``sum mass * (1 - K)``, from the parts of the
    state's interval the twin leaves (no ``1 - K`` near 0 from a ``K`` near 1).
    """
    cpd = node.cpd
    order = (
        [node.states.index(s) for s in cpd.order]
        if isinstance(cpd, NoisyMax)
        else list(range(len(node.states)))
    )
    probs = table[order]
    probs = ratio(probs, probs.sum(axis=0, keepdims=True))
    rank = [order.index(s) for s in needed]
    zero = np.zeros_like(probs[:1])
    # Masses strictly before, through, from and strictly after each state, each
    # summed without removing the state's own mass (a rare neighbour of a state
    # near 1 keeps its digits).
    through, start = np.cumsum(probs, axis=0), np.cumsum(probs[::-1], axis=0)[::-1]
    below = np.concatenate([zero, through[:-1]])
    after = np.concatenate([start[1:], zero])
    marginal, low, high, up, past = probs[rank], below[rank], start[rank], through[rank], after[rank]

    def kept(cured: list[int]) -> tuple[float, float]:
        if not cured:
            return float(np.sum(mass * (marginal > 0.0))), 0.0
        twin = (
            slice(None),
            *(
                slice(target[i], target[i] + 1) if i in cured else slice(None)
                for i in range(table.ndim - 1)
            ),
        )
        # The state's interval of U is [l, u) = [l, l + p), the twin's [l*, u*).
        # l - l* = T* - T (T the mass from the state on) and u - u* = A* - A (A
        # the mass after it) are each taken from whichever end sums the smaller
        # masses, so that a rare state, or a rare neighbour, keeps its digits.
        shift = np.where(low + low[twin] <= high + high[twin], low - low[twin], high[twin] - high)
        rise = np.where(past + past[twin] <= up + up[twin], past[twin] - past, up - up[twin])
        twin_marginal = marginal[twin]
        stay = np.maximum(
            np.minimum(np.minimum(marginal, twin_marginal), np.minimum(marginal + shift, twin_marginal - shift)),
            0.0,
        )
        # What the twin leaves of [l, u): [l, l*) and [u*, u), the whole if they do not meet.
        leave = np.minimum(marginal, np.maximum(-shift, 0.0) + np.maximum(rise, 0.0))
        same = np.all(table == table[(slice(None), *twin[1:])], axis=0)
        return (
            float(np.sum(mass * np.where(same, marginal > 0.0, ratio(stay, marginal)))),
            float(np.sum(mass * np.where(same, 0.0, ratio(leave, marginal)))),
        )

    units = cures or [[i] for i in conditions]
    cure = [kept(unit) for unit in units]
    return (
        [k for k, _ in cure]
        + [kept([j for j in conditions if j not in unit])[0] for unit in units]
        + [kept(conditions)[0]],
        [moved for _, moved in cure],
    )


def grid_terms(
    spec: NetworkSpec,
    node: Node,
    table: np.ndarray,
    family: np.ndarray,
    counted: np.ndarray | None = None,
    *,
    mechanism: bool = True,
) -> tuple[dict[str, float], dict[str, float], float]:
    """One observed finding's share of expected disablement and sufficiency.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    node : Node
        The finding.
    table : numpy.ndarray
        Its table in the engine (states on axis 0, parents after).
    family : numpy.ndarray
        ``P(S = s, pa | evidence)``, shaped as ``table``.
    counted : numpy.ndarray, optional
        Per state of S, whether it counts (by default every state).
    mechanism : bool, default=True
        Whether ``table`` is what the file's model gives, so that its
        mixture's race applies; otherwise, and for table and logistic
        findings, the monotone coupling on ``table``.

    Returns
    -------
    disablement : dict of str to float
        Condition parent to ``P(S counts, S* != S | E, do(parent = absent))``.
    sufficiency : dict of str to float
        Condition parent to ``P(S counts, S* = S | E, do(other condition parents = absent))``.
    rest : float
        The sufficiency share of every condition that is not a parent of S
        (all its condition parents cured).
    """
    parents = node.parents
    conditions = [i for i, p in enumerate(parents) if spec.nodes[p].role == "condition"]
    target = [
        spec.nodes[p].states.index("absent") if i in conditions else 0
        for i, p in enumerate(parents)
    ]
    # Curing a condition cures its parts (crampnet.network.parts): one
    # intervention per condition, on every parent that belongs to it.
    groups = {whole: [parents.index(p) for p in unit] for whole, unit in units(spec.nodes, parents).items()}
    counted = np.ones(len(node.states), dtype=bool) if counted is None else counted
    needed = [s for s in range(len(node.states)) if counted[s] and family[s].sum() > 0.0]
    if not needed:
        return dict.fromkeys(groups, 0.0), dict.fromkeys(groups, 0.0), 0.0
    mass = family[needed]
    cures = [*groups.values()]
    if all(len(g) == 1 for g in cures):
        cures = []  # each intervention cures one parent: the shorter passes below
    if mechanism and isinstance(node.cpd, Mixture):
        kept, moved = _race_kept(spec, node, needed, conditions, target, mass, cures)
    else:
        kept, moved = _monotone_kept(node, table, needed, conditions, target, mass, cures)
    m = len(groups)
    disable = dict(zip(groups, moved, strict=True))
    suffice = {g: kept[m + k] for k, g in enumerate(groups)}
    return disable, suffice, kept[-1]
