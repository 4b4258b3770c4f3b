"""The tables of the noisy-OR, noisy-MAX, table and mixture nodes, built from their cpds.

:func:`crampnet.network.cpd.node_table` dispatches a node here by its
model (logistic nodes, whose baseline may need solving, are built in
:mod:`crampnet.network.cpd`). Each table has shape ``(card(node),
card(parent_1), ..., card(parent_k))``, parents in ``node.parents`` order.

Examples
--------
>>> import crampnet
>>> from crampnet.network._tables import inhibitors
>>> spec = crampnet.load().spec
>>> node = spec.nodes["urge_to_move"]
>>> parent = node.parents[0]
>>> inhibitors(node.cpd, spec, parent).shape == (len(spec.nodes[parent].states),)
True
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from fractions import Fraction
from typing import NoReturn

import numpy as np

from crampnet._files import escaped
from crampnet.exceptions import NetworkFileError
from crampnet.network.spec import Mixture, NetworkSpec, Node, NoisyMax, NoisyOr, Table

__all__ = ["axis_vector", "inhibitors", "log_inhibitors", "max_logs", "mixture_table", "noisy_max_table", "noisy_or_table", "refuse_below_float", "rows_table"]


def refuse_below_float(spec: NetworkSpec, node: Node, state: str, given: Mapping[str, int], log10: float, cause: str, remedy: str) -> NoReturn:
    """Refuse a possible entry of a node's table that is below the smallest full-precision float, in the one form every model's check uses.

    Parameters
    ----------
    spec : NetworkSpec
        The network (its file, the parents' states).
    node : Node
        The node whose table it is.
    state : str
        The node's state of the entry.
    given : Mapping of str to int
        Each parent of the entry's configuration and the index of its state.
    log10 : float
        ``log10`` of the entry's exact value.
    cause : str
        What in the cpd makes it, a plural noun phrase ("the weights").
    remedy : str
        What to change, a sentence without its full stop.

    Raises
    ------
    NetworkFileError
        Always: "<file>: nodes.<node>.cpd: <cause> make P(<node> = <state> | <given>)
        <m>e<k>, below 2.23e-308, the smallest float with full precision: no
        table can hold it. <remedy>".
    """
    when = ", ".join(f"{p} = {spec.nodes[p].states[k]}" for p, k in given.items()) or "no parent"
    exponent = math.floor(log10)
    mantissa = f"{10 ** (log10 - exponent):.3g}"
    if mantissa == "10":  # 9.995 and up round to the next power of ten: 1e-400, not 10e-401
        mantissa, exponent = "1", exponent + 1
    msg = (f"{escaped(spec.path)}: nodes.{node.id}.cpd: {cause} make P({node.id} = {state} | {when}) {mantissa}e{exponent}, "
           f"below {sys.float_info.min:.3g}, the smallest float with full precision: no table can hold it. {remedy}")
    raise NetworkFileError(msg, spec.path)


def axis_vector(spec: NetworkSpec, parents: tuple[str, ...], parent: str, values: Mapping[str, float], default: float) -> np.ndarray:
    """A vector over ``parent``'s states, shaped to broadcast over the parent axes.

    Parameters
    ----------
    spec : NetworkSpec
        The network (the states of the parents).
    parents : tuple of str
        The parents of the table, in the order of its axes.
    parent : str
        One of ``parents``.
    values : mapping of str to float
        Values by state of ``parent``.
    default : float
        The value of a state missing from ``values``.

    Returns
    -------
    numpy.ndarray
        Float, of shape ``(1, ..., card(parent), ..., 1)``: one axis per
        parent, ``parent``'s the only one longer than 1.
    """
    states = spec.nodes[parent].states
    vec = np.array([values.get(s, default) for s in states], dtype=float)
    shape = [1] * len(parents)
    shape[parents.index(parent)] = len(states)
    return vec.reshape(shape)


def inhibitors(cpd: NoisyOr, spec: NetworkSpec, parent: str) -> np.ndarray:
    """P(the cause ``parent`` fails to produce the child), per parent state.

    Parameters
    ----------
    cpd : NoisyOr
        The child's cpd.
    spec : NetworkSpec
        The network (the states of the parents).
    parent : str
        One of the child's parents.

    Returns
    -------
    numpy.ndarray
        Float, shape ``(card(parent),)``: ``1 - link`` for a linked state of
        ``parent`` (the last link wins if a state has several), 1.0 for the others.
    """
    values = {link.state: 1.0 - link.param.value for link in cpd.links if link.parent == parent}
    states = spec.nodes[parent].states
    return np.array([values.get(s, 1.0) for s in states], dtype=float)


def log_inhibitors(cpd: NoisyOr, spec: NetworkSpec, parent: str) -> np.ndarray:
    """The log of P(the cause ``parent`` fails to produce the child), per parent state: :func:`inhibitors` in logs.

    Parameters
    ----------
    cpd : NoisyOr
        The child's cpd.
    spec : NetworkSpec
        The network (the states of the parents).
    parent : str
        One of the child's parents.

    Returns
    -------
    numpy.ndarray
        Float, shape ``(card(parent),)``: ``log1p(-link)`` for a linked
        state of ``parent`` (the last link wins; ``-inf`` for a link of 1),
        0.0 for the others. Exact for links far below 1e-16, whose
        ``1 - link`` rounds to 1.
    """
    values = {link.state: link.param.value for link in cpd.links if link.parent == parent}
    states = spec.nodes[parent].states
    with np.errstate(divide="ignore"):  # a link of 1: log 0 = -inf
        out: np.ndarray = np.log1p(-np.array([values.get(s, 0.0) for s in states], dtype=float))
    return out


def noisy_or_table(spec: NetworkSpec, node: Node, cpd: NoisyOr, parents: tuple[str, ...], cards: list[int]) -> np.ndarray:
    """The table of a noisy-OR node: the positive state unless every cause present and the leak fail, shape ``(2, *cards)``.

    Parameters
    ----------
    spec : NetworkSpec
        The network (the states of the parents).
    node : Node
        The node, binary.
    cpd : NoisyOr
        Its cpd.
    parents : tuple of str
        The node's parents, in the order of the table's axes.
    cards : list of int
        Their numbers of states, in the same order.

    Returns
    -------
    numpy.ndarray
        Float, shape ``(2, *cards)``: the node's states (in its order) by
        its parents' configurations.
    """
    none = np.full(cards, 1.0 - cpd.leak.value)
    # The positive state in logs, ``-expm1(log none)``: ``1 - none`` cancels
    # to 0 where the leak and every active link are below ~1e-16 (a leak of
    # 1e-20 made the positive state impossible), as in the Monte Carlo
    # tables (crampnet.trust._builders).
    with np.errstate(divide="ignore"):  # a leak of 1: log 0 = -inf, and -expm1(-inf) = 1
        log_none = np.full(cards, np.log1p(-cpd.leak.value))
    for i, parent in enumerate(parents):
        shape = [1] * len(parents)
        shape[i] = cards[i]
        none = none * inhibitors(cpd, spec, parent).reshape(shape)
        log_none = log_none + log_inhibitors(cpd, spec, parent).reshape(shape)
    pos = node.states.index(cpd.positive)
    table = np.empty([2, *cards])
    table[pos] = -np.expm1(log_none)
    table[1 - pos] = none
    lost = np.argwhere(np.isfinite(log_none) & (none < sys.float_info.min))  # no link of 1 active: "no" is possible
    if lost.size:
        at = tuple(int(k) for k in lost[0])
        refuse_below_float(spec, node, node.states[1 - pos], dict(zip(parents, at, strict=True)), float(log_none[at]) / math.log(10), "the leak and links",
                           "It is the product of one minus the leak and each link active there: give a link that is certain 1.0, or make fewer of them near 1")
    return table


def max_logs(probabilities: np.ndarray) -> np.ndarray:
    """One cause's ``log C(k)`` and ``log(C(k-1) / C(k))`` along the order, ``C`` its cumulative distribution.

    The noisy-MAX child is at most ``k`` when every cause is, so
    ``P(child = k) = prod_i C_i(k) - prod_i C_i(k-1)``, which is
    ``prod_i C_i(k) * -expm1(sum_i log(C_i(k-1) / C_i(k)))``: the second
    form keeps a state of probability far below 1e-16 that the first,
    a difference of numbers near 1, cancels to 0.

    Parameters
    ----------
    probabilities : numpy.ndarray
        Float, shape ``(len(order), ...)``: the cause's distribution along
        the order on the first axis (any further axes alongside).

    Returns
    -------
    numpy.ndarray
        Float, shape ``(2, *probabilities.shape)``: ``log C(k)`` (``-inf``
        where ``C(k) = 0``) and ``log1p(-p(k) / C(k))`` (``-inf`` at the
        first state with mass; 0 where ``C(k) = 0``).
    """
    cdf = np.cumsum(probabilities, axis=0)
    ratio = np.divide(probabilities, cdf, out=np.zeros_like(cdf), where=cdf > 0.0)
    with np.errstate(divide="ignore"):
        out: np.ndarray = np.stack([np.log(cdf), np.log1p(-np.minimum(ratio, 1.0))])
    return out


def noisy_max_table(spec: NetworkSpec, node: Node, cpd: NoisyMax, parents: tuple[str, ...], cards: list[int]) -> np.ndarray:
    """The table of a noisy-MAX node: the cumulative distributions of the causes multiplied along ``cpd.order``, shape ``(states, *cards)``.

    Each state is computed in logs (:func:`max_logs`), so a state of
    probability far below 1e-16 keeps it.

    Parameters
    ----------
    spec : NetworkSpec
        The network (the states of the parents).
    node : Node
        The node.
    cpd : NoisyMax
        Its cpd.
    parents : tuple of str
        The node's parents, in the order of the table's axes.
    cards : list of int
        Their numbers of states, in the same order.

    Returns
    -------
    numpy.ndarray
        Float, shape ``(card(node), *cards)``, the node's states in its own
        order; each column normalised.
    """
    order = cpd.order
    logs = max_logs(np.array([cpd.leak.probabilities[s] for s in order], dtype=float)).reshape([2, len(order)] + [1] * len(parents))
    for i, parent in enumerate(parents):
        pstates = spec.nodes[parent].states
        dists = {link.state: link.dist for link in reversed(cpd.links) if link.parent == parent}  # the first link of a state
        probs = np.array([[dists[s].probabilities[o] if s in dists else 0.0 for s in pstates] for o in order], dtype=float)
        per_state = np.where(np.array([s in dists for s in pstates]), max_logs(probs), 0.0)  # an unlinked state: C = 1
        shape = [2, len(order)] + [1] * len(parents)
        shape[i + 2] = len(pstates)
        logs = logs + per_state.reshape(shape)
    in_order = np.exp(logs[0]) * -np.expm1(logs[1])
    with np.errstate(divide="ignore"):
        exact_log = logs[0] + np.log(-np.expm1(logs[1]))  # log P(k), finite where k is possible
    lost = np.argwhere(np.isfinite(exact_log) & (in_order < sys.float_info.min))
    if lost.size:
        at = tuple(int(k) for k in lost[0])
        refuse_below_float(spec, node, order[at[0]], dict(zip(parents, at[1:], strict=True)), float(exact_log[at]) / math.log(10), "the leak and links",
                           f"Raise the probabilities of {order[at[0]]} that meet there, or give one of them 0 where the state is meant to be impossible")
    table = np.empty_like(in_order)
    for k, state in enumerate(order):
        table[node.states.index(state)] = in_order[k]
    normalised: np.ndarray = table / table.sum(axis=0, keepdims=True)
    return normalised


def rows_table(spec: NetworkSpec, node: Node, cpd: Table, cards: list[int]) -> np.ndarray:
    """The table given row by row in the file, shape ``(states, *cards)``.

    Parameters
    ----------
    spec : NetworkSpec
        The network (the states of the parents).
    node : Node
        The node.
    cpd : Table
        Its cpd, one row per parent configuration.
    cards : list of int
        The numbers of states of ``cpd.parents``, in order.

    Returns
    -------
    numpy.ndarray
        Float, shape ``(card(node), *cards)``, a row's distribution in the
        column of its configuration (entries of a configuration without a row
        are left uninitialised; the spec gives every one).
    """
    table = np.empty([len(node.states), *cards])
    for row in cpd.rows:
        key: tuple[slice | int, ...] = (slice(None), *(spec.nodes[p].states.index(row.when[p]) for p in cpd.parents))
        table[key] = [row.dist.probabilities[s] for s in node.states]
    return table


def mixture_table(spec: NetworkSpec, node: Node, cpd: Mixture, parents: tuple[str, ...], cards: list[int]) -> np.ndarray:
    """The table of a mixture node: each configuration's active distributions averaged by their weights, shape ``(states, *cards)``.

    Parameters
    ----------
    spec : NetworkSpec
        The network (the states of the parents).
    node : Node
        The node.
    cpd : Mixture
        Its cpd: a weighted leak and weighted distributions linked to parent states.
    parents : tuple of str
        The node's parents, in the order of the table's axes.
    cards : list of int
        Their numbers of states, in the same order.

    Returns
    -------
    numpy.ndarray
        Float, shape ``(card(node), *cards)``: per configuration, the leak
        and the distributions of the active links averaged by their weights.

    Raises
    ------
    ValueError
        If a distribution has no weight (the spec guarantees them).
    """
    if cpd.leak.weight is None:  # pragma: no cover - the spec guarantees weights
        msg = "a mixture needs weights"
        raise ValueError(msg)
    # Each configuration's weights are divided by its largest active one: no
    # sum overflows however large the weights, and the denominator is >= 1.
    leak_w = cpd.leak.weight.value
    active = []
    top = np.full(cards, leak_w)
    for link in cpd.links:
        if link.dist.weight is None:  # pragma: no cover
            msg = "a mixture needs weights"
            raise ValueError(msg)
        w = link.dist.weight.value * axis_vector(spec, parents, link.parent, {link.state: 1.0}, 0.0)
        active.append((w, link.dist))
        top = np.maximum(top, w)
    share = leak_w / top
    numerator = np.array([cpd.leak.probabilities[s] for s in node.states]).reshape([-1] + [1] * len(parents)) * share[None]
    denominator = share
    for w, dist in active:
        share = w / top
        denominator = denominator + share
        numerator = numerator + np.array([dist.probabilities[s] for s in node.states]).reshape([-1] + [1] * len(parents)) * share[None]
    mixed: np.ndarray = numerator / denominator[None]
    possible = np.array([cpd.leak.probabilities[s] > 0 for s in node.states]).reshape([-1] + [1] * len(parents)) | np.zeros(mixed.shape, dtype=bool)
    for w, dist in active:
        possible |= np.array([dist.probabilities[s] > 0 for s in node.states]).reshape([-1] + [1] * len(parents)) & (w > 0)[None]
    lost = np.argwhere(possible & (mixed < sys.float_info.min))
    if lost.size:
        _refuse_lost(spec, node, cpd, parents, lost[0])
    return mixed


def _refuse_lost(spec: NetworkSpec, node: Node, cpd: Mixture, parents: tuple[str, ...], at: np.ndarray) -> NoReturn:
    """Refuse a mixture whose weights make a possible entry of its table smaller than the smallest full-precision float.

    Parameters
    ----------
    spec : NetworkSpec
        The network (its file, the parents' states).
    node : Node
        The mixture node.
    cpd : Mixture
        Its cpd.
    parents : tuple of str
        The table's parent axes.
    at : numpy.ndarray
        The entry's index: the node's state, then each parent's.

    Raises
    ------
    NetworkFileError
        Always: naming the entry, its exact value and what to change.
    """
    state = node.states[int(at[0])]
    given = {p: spec.nodes[p].states[int(k)] for p, k in zip(parents, at[1:], strict=True)}
    causes = [cpd.leak, *(link.dist for link in cpd.links if given[link.parent] == link.state)]
    weights = [Fraction(c.weight.value if c.weight else 0) for c in causes]
    exact = Fraction(sum(w * Fraction(c.probabilities[state]) for w, c in zip(weights, causes, strict=True))) / sum(weights)
    log10 = math.log10(exact.numerator) - math.log10(exact.denominator)
    refuse_below_float(spec, node, state, {p: spec.nodes[p].states.index(s) for p, s in given.items()}, log10, "the weights",
                       f"Bring that mixture's weights closer together or its probabilities of {state} up, or give {state} probability 0 where it is meant to be impossible")
