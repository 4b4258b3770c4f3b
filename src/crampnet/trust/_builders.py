"""Batched table builders, one per model of conditional distribution.

:func:`builder` adds the slots of a node's cpd to a
:class:`~crampnet.trust._space.ParameterSpace` and returns the function that
builds the node's table from a whole batch of parameter vectors at once:
``build(theta, tables)`` with ``theta`` of shape ``(batch, n_slots)``
returns shape ``(batch, *table_shape)``, with no Python loop over the batch.
The builders are the batched twins of those in :mod:`crampnet.network.cpd`
(noisy-OR, noisy-MAX, logistic, explicit table, mixture); a logistic
intercept given as a prevalence is re-solved for every row of the batch
(a safeguarded Newton iteration) against the default context priors of that
row. :func:`gather` is the builder of a table read straight from its slots
(priors, explicit tables).

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.trust._builders import builder
>>> from crampnet.trust._space import ParameterSpace
>>> model = crampnet.load()
>>> node = model.spec.nodes["urge_to_move"]
>>> space = ParameterSpace()
>>> build = builder(space, model.spec, node)
>>> parents = {p: model.compiled.tables[p][None] for p in node.parents}
>>> bool(np.allclose(build(space.point[None, :], parents)[0], model.compiled.tables["urge_to_move"]))
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from crampnet.network.cpd import context_weight
from crampnet.network.spec import (
    Dist,
    Logistic,
    Mixture,
    NetworkSpec,
    Node,
    NoisyMax,
    NoisyOr,
    Table,
)
from crampnet.trust._space import Builder, Key, ParameterSpace

__all__ = ["builder", "gather"]


def gather(slots: np.ndarray) -> Builder:
    """The builder that reads a table straight from its ``slots`` (an index array of the table's shape).

    Parameters
    ----------
    slots : numpy.ndarray
        Integer slot positions, shape ``(card(node), *card(parents))``: the
        slot of each entry of the table.

    Returns
    -------
    Builder
        ``build(theta, tables)``, which returns ``theta[:, slots]``, shape
        ``(batch, *slots.shape)``, and ignores ``tables``.
    """

    def build(theta: np.ndarray, tables: Mapping[str, np.ndarray]) -> np.ndarray:
        return theta[:, slots]

    return build


def builder(space: ParameterSpace, spec: NetworkSpec, node: Node) -> Builder:
    """Add the slots of ``node``'s cpd to ``space`` and return the batched builder of its table.

    Parameters
    ----------
    space : ParameterSpace
        The space the cpd's slots are appended to.
    spec : NetworkSpec
        The network (the states of ``node``'s parents).
    node : Node
        A node with a cpd: noisy-OR, noisy-MAX, logistic, table or mixture.

    Returns
    -------
    Builder
        ``build(theta, tables)``: from ``theta`` of shape ``(batch,
        n_slots)`` and the batched tables built so far (a logistic
        intercept given as a prevalence reads its context parents' tables),
        the node's table for each row, float, shape ``(batch, card(node),
        *card(parents))``.

    Raises
    ------
    ValueError
        If ``node`` has no cpd (the spec guarantees one).
    """
    cpd = node.cpd
    cards = [len(spec.nodes[p].states) for p in node.parents]
    if isinstance(cpd, NoisyOr):
        return _noisy_or(space, spec, node, cpd, cards)
    if isinstance(cpd, NoisyMax):
        return _noisy_max(space, spec, node, cpd, cards)
    if isinstance(cpd, Logistic):
        return _logistic(space, spec, node, cpd, cards)
    if isinstance(cpd, Table):
        return _table(space, spec, node, cpd, cards)
    if isinstance(cpd, Mixture):
        return _mixture(space, spec, node, cpd, cards)
    msg = f"node {node.id!r} has no cpd"  # pragma: no cover - the spec guarantees one
    raise ValueError(msg)


def _axis(batch: int, vec: np.ndarray, axis: int, ndim: int, lead: int = 1) -> np.ndarray:
    """Reshape ``(batch, [lead-1 axes,] card)`` to broadcast along parent ``axis`` of ``ndim``."""
    shape = [batch, *vec.shape[1:lead]] + [1] * ndim
    shape[lead + axis] = vec.shape[-1]
    return vec.reshape(shape)


def _grow(start: np.ndarray, factors: list[np.ndarray], op: Callable[[np.ndarray, np.ndarray], np.ndarray] = np.multiply) -> np.ndarray:
    """``start * f_1 * ... * f_n`` (left to right), each ``f_i`` of shape ``(*start.shape, card_i)``, with the parent axes last in reverse order.

    With ``op=np.add``, the sum ``start + f_1 + ... + f_n`` on the same axes.

    The table grows by one parent axis at a time and the newest axis is
    put first, so every multiply runs along the long contiguous block of the
    axes before it (one full-size pass at the end, rather than one per
    parent along axes of 2 or 3). Multiplication commutes exactly, so the
    numbers are those of multiplying the broadcast factors in turn, bitwise.
    Shape ``(*start.shape, card_n, ..., card_1)``: see :func:`_parents_in_order`.
    """
    lead = start.ndim
    out = start
    for f in factors:
        out = op(f.reshape(*f.shape, *([1] * (out.ndim - lead))), out.reshape(*out.shape[:lead], 1, *out.shape[lead:]))
    return out


def _parents_in_order(table: np.ndarray, lead: int) -> np.ndarray:
    """A table whose axes after the first ``lead`` are the parents in reverse order (:func:`_grow`), contiguous with the parents in order."""
    return np.ascontiguousarray(table.transpose(*range(lead), *range(table.ndim - 1, lead - 1, -1)))


def _linked(space: ParameterSpace, spec: NetworkSpec, node: Node, parents: tuple[str, ...], links: list[tuple[str, str, int]]) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Per parent: (axis, state positions, slot indices) of its links."""
    out = []
    for i, parent in enumerate(parents):
        pstates = spec.nodes[parent].states
        mine = [(pstates.index(state), slot) for p, state, slot in links if p == parent]
        out.append((i, np.array([s for s, _ in mine], dtype=np.intp), np.array([j for _, j in mine], dtype=np.intp)))
    return out


def _noisy_or(space: ParameterSpace, spec: NetworkSpec, node: Node, cpd: NoisyOr, cards: list[int]) -> Builder:
    nid, pos = node.id, node.states.index(cpd.positive)
    leak = space.add_param((nid, "leak", None, None, cpd.positive), cpd.leak, "probability")
    links = [(link.parent, link.state, space.add_param((nid, "link", link.parent, link.state, cpd.positive), link.param, "probability")) for link in cpd.links]
    per_parent = _linked(space, spec, node, node.parents, links)

    def build(theta: np.ndarray, tables: Mapping[str, np.ndarray]) -> np.ndarray:
        b = theta.shape[0]
        inhibs, logs = [], []
        with np.errstate(divide="ignore"):  # a link or leak of 1: log 0 = -inf, and -expm1(-inf) = 1
            for axis, states, slots in per_parent:
                inhib = np.ones((b, cards[axis]))
                inhib[:, states] = 1.0 - theta[:, slots]
                inhibs.append(inhib)
                log = np.zeros((b, cards[axis]))
                log[:, states] = np.log1p(-theta[:, slots])
                logs.append(log)
            log_leak = np.log1p(-theta[:, leak])
        none = _grow(1.0 - theta[:, leak], inhibs)  # (b, last parent, ..., first parent)
        table = np.empty((b, 2, *none.shape[1:]))
        # 1 - none cancels to 0 where every cause and the leak are below ~1e-16 (a drawn leak can be
        # 1e-200): the positive state is -expm1(log none), exact to rounding however small.
        table[:, pos] = -np.expm1(_grow(log_leak, logs, np.add))
        table[:, 1 - pos] = none
        return _parents_in_order(table, 2)

    return build


def _noisy_max(space: ParameterSpace, spec: NetworkSpec, node: Node, cpd: NoisyMax, cards: list[int]) -> Builder:
    nid = node.id
    in_order = np.array([node.states.index(s) for s in cpd.order], dtype=np.intp)
    back = np.array([list(cpd.order).index(s) for s in node.states], dtype=np.intp)
    leak = space.add_dist((nid, "leak", None, None), cpd.leak, node.states)
    links: dict[str, list[tuple[int, np.ndarray]]] = {}
    for dlink in cpd.links:
        slots = space.add_dist((nid, "link", dlink.parent, dlink.state), dlink.dist, node.states)
        state = spec.nodes[dlink.parent].states.index(dlink.state)
        mine = links.setdefault(dlink.parent, [])
        if all(s != state for s, _ in mine):  # the first link of a parent state wins, as in cpd.py
            mine.append((state, slots))
    k = len(node.states)
    identity = bool((back == np.arange(k)).all())

    def _per_state(theta: np.ndarray, b: int, axis: int, parent: str) -> np.ndarray:
        per_state = np.ones((b, k, cards[axis]))
        for state, slots in links.get(parent, []):
            per_state[:, :, state] = np.cumsum(theta[:, slots[in_order]], axis=1)
        return per_state

    def build(theta: np.ndarray, tables: Mapping[str, np.ndarray]) -> np.ndarray:
        b = theta.shape[0]
        # The product grows one parent axis at a time (see _grow).
        cdf = _grow(np.cumsum(theta[:, leak[in_order]], axis=1), [_per_state(theta, b, axis, parent) for axis, parent in enumerate(node.parents)])
        cdf[:, -1] = 1.0
        probs = np.empty_like(cdf)  # np.diff with a leading 0, clipped to [0, 1], in place
        probs[:, 0] = cdf[:, 0]
        np.subtract(cdf[:, 1:], cdf[:, :-1], out=probs[:, 1:])
        np.clip(probs, 0.0, 1.0, out=probs)
        if not identity:
            probs = probs[:, back]
        probs /= probs.sum(axis=1, keepdims=True)
        return _parents_in_order(probs, 2)

    return build


def _logistic(space: ParameterSpace, spec: NetworkSpec, node: Node, cpd: Logistic, cards: list[int]) -> Builder:
    nid, pos = node.id, node.states.index(cpd.positive)
    intercept = space.add_param((nid, "intercept", None, None, cpd.positive), cpd.intercept, "probability")
    links = [(link.parent, link.state, space.add_param((nid, "odds_ratio", link.parent, link.state, cpd.positive), link.param, "positive")) for link in cpd.odds_ratios]
    per_parent = _linked(space, spec, node, node.parents, links)
    ndim = len(cards)
    solve = cpd.intercept_kind == "prevalence" and bool(node.parents)  # without parents the prevalence is the baseline

    def build(theta: np.ndarray, tables: Mapping[str, np.ndarray]) -> np.ndarray:
        b = theta.shape[0]
        shift = np.zeros((b, *cards))
        for axis, states, slots in per_parent:
            log_or = np.zeros((b, cards[axis]))
            log_or[:, states] = np.log(theta[:, slots])
            shift = shift + _axis(b, log_or, axis, ndim)
        target = theta[:, intercept]
        if solve:
            weight = context_weight(spec, node.parents, tables)  # the joint of the context parents, per draw
            logit = _solve_logit(weight, shift, target)
        else:
            logit = np.log(target) - np.log1p(-target)
        with np.errstate(over="ignore"):
            prob = 1.0 / (1.0 + np.exp(-(logit.reshape([b] + [1] * ndim) + shift)))
        table = np.empty((b, 2, *cards))
        table[:, pos] = prob
        table[:, 1 - pos] = 1.0 - prob
        return table

    return build


def _solve_logit(weight: np.ndarray, shift: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per row, the logit b with ``sum(weight * expit(b + shift)) = target``.

    The left side increases in b, so Newton steps are kept inside a shrinking
    bracket (a step that leaves it is replaced by bisection): safe and fast.
    """
    b = shift.shape[0]
    weight = np.broadcast_to(weight, shift.shape).reshape(b, -1)
    flat = shift.reshape(b, -1)
    low, high = np.full(b, -60.0), np.full(b, 60.0)
    x: np.ndarray = np.log(target) - np.log1p(-target)
    with np.errstate(over="ignore"):
        for _ in range(100):
            p = 1.0 / (1.0 + np.exp(-(x[:, None] + flat)))
            gap = (weight * p).sum(axis=1) - target
            slope = (weight * p * (1.0 - p)).sum(axis=1)
            low, high = np.where(gap < 0, x, low), np.where(gap < 0, high, x)
            step = np.where(slope > 0, x - gap / np.where(slope > 0, slope, 1.0), np.nan)
            inside = (step >= low) & (step <= high)
            new: np.ndarray = np.where(inside, step, 0.5 * (low + high))
            if np.all(np.abs(new - x) < 1e-12):
                return new
            x = new
    return x


def _table(space: ParameterSpace, spec: NetworkSpec, node: Node, cpd: Table, cards: list[int]) -> Builder:
    slots = np.empty((len(node.states), *cards), dtype=np.intp)
    for row in cpd.rows:
        where: tuple[slice | int, ...] = (slice(None), *(spec.nodes[p].states.index(row.when[p]) for p in cpd.parents))
        when = ", ".join(f"{k}={v}" for k, v in row.when.items())
        slots[where] = space.add_dist((node.id, "row", ",".join(row.when) or None, when or None), row.dist, node.states)
    return gather(slots)


def _mixture(space: ParameterSpace, spec: NetworkSpec, node: Node, cpd: Mixture, cards: list[int]) -> Builder:
    nid, k, ndim = node.id, len(node.states), len(cards)
    leak_dist = space.add_dist((nid, "leak", None, None), cpd.leak, node.states)
    leak_w = _weight(space, (nid, "weight", None, None, None), cpd.leak)
    links = []
    for dlink in cpd.links:
        dist = space.add_dist((nid, "link", dlink.parent, dlink.state), dlink.dist, node.states)
        weight = _weight(space, (nid, "weight", dlink.parent, dlink.state, None), dlink.dist)
        axis = node.parents.index(dlink.parent)
        active = np.zeros(cards[axis])
        active[spec.nodes[dlink.parent].states.index(dlink.state)] = 1.0
        links.append((axis, active, dist, weight))

    def build(theta: np.ndarray, tables: Mapping[str, np.ndarray]) -> np.ndarray:
        b = theta.shape[0]
        ones = [1] * ndim
        w0 = theta[:, leak_w].reshape([b, *ones])
        numerator = theta[:, leak_dist].reshape([b, k, *ones]) * w0[:, None]
        denominator = np.broadcast_to(w0, (b, *cards))
        for axis, active, dist, weight in links:
            w = theta[:, weight].reshape([b, *ones]) * _axis(1, active[None], axis, ndim)
            denominator = denominator + w
            numerator = numerator + theta[:, dist].reshape([b, k, *ones]) * w[:, None]
        out: np.ndarray = np.broadcast_to(numerator, (b, k, *cards)) / denominator[:, None]
        return out

    return build


def _weight(space: ParameterSpace, key: Key, dist: Dist) -> int:
    if dist.weight is None:  # pragma: no cover - the spec guarantees weights
        msg = "a mixture needs weights"
        raise ValueError(msg)
    return space.add_param(key, dist.weight, "positive")

