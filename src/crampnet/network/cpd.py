"""Turn a validated network spec into conditional probability tables.

Pure numpy: each node's table has shape ``(card(node), card(parent_1), ...,
card(parent_k))`` with parents in :attr:`crampnet.network.spec.Node.parents` order,
so ``table.reshape(card, -1)`` is the layout pgmpy's ``TabularCPD`` expects.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.network.cpd import build_tables
>>> tables = build_tables(crampnet.load().spec)
>>> bool(np.allclose(tables["urge_to_move"].sum(axis=0), 1.0))
True
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

from crampnet.network._tables import (
    axis_vector,
    mixture_table,
    noisy_max_table,
    noisy_or_table,
    refuse_below_float,
    rows_table,
)
from crampnet.network.spec import (
    Logistic,
    NetworkSpec,
    Node,
    NoisyMax,
    NoisyOr,
    Table,
)

__all__ = ["baseline_logit", "build_tables", "context_weight", "logistic_baseline", "node_table", "population_table", "under_parents"]


def build_tables(spec: NetworkSpec, population: str | None = None) -> dict[str, np.ndarray]:
    """Build every node's conditional probability table.

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    population : str, optional
        A key of ``spec.populations``: its context priors replace the
        default ones. Logistic intercepts given as a prevalence are always
        solved against the default priors, so a population shifts the
        conditions through their risk factors, as it should.

    Returns
    -------
    dict of str to numpy.ndarray
        ``tables[node][state, parent_state_1, ...]`` = P(node = state | parents).
    """
    tables: dict[str, np.ndarray] = {}
    for nid in spec.order:
        tables[nid] = node_table(spec, spec.nodes[nid], tables)
    if population is not None:
        for nid, dist in spec.populations[population].priors.items():
            tables[nid] = population_table(spec, nid, dist.probabilities)
    return tables


def population_table(spec: NetworkSpec, nid: str, probabilities: Mapping[str, float]) -> np.ndarray:
    """A preset's prior of ``nid`` as its table: the same column under every configuration of the node's context parents, if it has any.

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    nid : str
        The id of a context node.
    probabilities : mapping of str to float
        The preset's probability of each state of ``nid`` (every state a key).

    Returns
    -------
    numpy.ndarray
        Float table of shape ``(states, *parent cards)``, states in
        ``spec.nodes[nid].states`` order; shape ``(states,)`` for a root.
    """
    return under_parents(spec, nid, np.array([probabilities[s] for s in spec.nodes[nid].states], dtype=float))


def under_parents(spec: NetworkSpec, nid: str, column: np.ndarray) -> np.ndarray:
    """``column`` (one entry per state of ``nid``) repeated under every configuration of ``nid``'s parents: shape ``(states, *parent cards)``.

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    nid : str
        The id of a node.
    column : numpy.ndarray
        One entry per state of ``nid``, in ``spec.nodes[nid].states`` order
        (reshaped, so any shape of that size).

    Returns
    -------
    numpy.ndarray
        A new (writable) array of shape ``(states, *parent cards)``, parents
        in ``spec.nodes[nid].parents`` order, every column equal to ``column``.
    """
    cards = [len(spec.nodes[p].states) for p in spec.nodes[nid].parents]
    return np.array(np.broadcast_to(column.reshape([-1] + [1] * len(cards)), [column.size, *cards]))


def context_weight(spec: NetworkSpec, parents: tuple[str, ...], tables: Mapping[str, np.ndarray]) -> np.ndarray:
    """P(each configuration of the context nodes ``parents``), shape their cardinalities.

    The product of their priors where they are roots; where one depends on
    other context nodes (pregnancy on sex and age), their joint, with those
    nodes summed out. ``tables`` may carry a leading batch axis on every
    entry (parameter draws); the result then keeps it.

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    parents : tuple of str
        Context node ids; the result's axes follow their order.
    tables : mapping of str to numpy.ndarray
        The tables of these nodes and of their context ancestors, as
        :func:`build_tables` makes them (optionally with a leading batch axis).

    Returns
    -------
    numpy.ndarray
        Float array of shape ``(*batch, card(parents[0]), ..., card(parents[-1]))``
        summing to 1 over the node axes.
    """
    nodes = list(parents)
    for nid in nodes:  # grows while it is walked: the context ancestors
        nodes += [p for p in spec.nodes[nid].parents if p not in nodes]
    axis = {nid: i for i, nid in enumerate(nodes)}
    operands: list[Any] = []
    for nid in nodes:
        operands += [np.asarray(tables[nid], dtype=float), [Ellipsis, axis[nid], *(axis[p] for p in spec.nodes[nid].parents)]]
    return np.asarray(np.einsum(*operands, [Ellipsis, *(axis[p] for p in parents)]))


def node_table(spec: NetworkSpec, node: Node, tables: Mapping[str, np.ndarray]) -> np.ndarray:
    """Build the table of one node (``tables`` holds its context parents' priors).

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    node : Node
        One of its nodes.
    tables : mapping of str to numpy.ndarray
        Tables already built; a logistic node given by prevalence reads its
        context parents' tables here.

    Returns
    -------
    numpy.ndarray
        Float table of shape ``(card(node), card(parent_1), ..., card(parent_k))``,
        parents in ``node.parents`` order; shape ``(card(node),)`` for a root.

    Raises
    ------
    ValueError
        If the node has neither a prior nor a cpd (a validated spec never has).
    """
    if node.prior is not None:
        return np.array([node.prior.probabilities[s] for s in node.states], dtype=float)
    cpd = node.cpd
    if cpd is None:  # pragma: no cover - the spec guarantees prior or cpd
        msg = f"node {node.id!r} has neither prior nor cpd"
        raise ValueError(msg)
    parents = node.parents
    cards = [len(spec.nodes[p].states) for p in parents]
    if isinstance(cpd, NoisyOr):
        table = noisy_or_table(spec, node, cpd, parents, cards)
    elif isinstance(cpd, NoisyMax):
        table = noisy_max_table(spec, node, cpd, parents, cards)
    elif isinstance(cpd, Logistic):
        table = _logistic(spec, node, cpd, parents, cards, tables)
    elif isinstance(cpd, Table):
        table = rows_table(spec, node, cpd, cards)
    else:
        table = mixture_table(spec, node, cpd, parents, cards)
    return table


def _log_odds(spec: NetworkSpec, cpd: Logistic, parents: tuple[str, ...], cards: list[int]) -> np.ndarray:
    shift = np.zeros(cards)
    for parent in parents:
        values = {link.state: math.log(link.param.value) for link in cpd.odds_ratios if link.parent == parent}
        shift = shift + axis_vector(spec, parents, parent, values, 0.0)
    return shift


def _expit_both(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``expit(x)`` and ``expit(-x)``, each to full relative precision, from one :func:`numpy.exp` of ``-|x|``."""
    e = np.exp(-np.abs(x))
    big = 1.0 / (1.0 + e)
    small = e * big
    up = x >= 0.0
    return np.where(up, big, small), np.where(up, small, big)


def logistic_baseline(spec: NetworkSpec, cpd: Logistic, tables: Mapping[str, np.ndarray]) -> float:
    """The baseline probability of a logistic node (solved when given as prevalence).

    With ``prevalence``, the baseline b solves
    ``sum_x P(x) * expit(logit(b) + sum_i log OR_i(x_i)) = prevalence``
    over the (independent) context parents' priors in ``tables``
    (see :func:`baseline_logit`).

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    cpd : Logistic
        The node's logistic cpd.
    tables : mapping of str to numpy.ndarray
        Context tables, as :func:`baseline_logit` takes them.

    Returns
    -------
    float
        The baseline probability, ``expit`` of :func:`baseline_logit`.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network.cpd import logistic_baseline
    >>> model = crampnet.load()
    >>> cpd = model.spec.nodes["restless_legs_syndrome"].cpd
    >>> cpd.intercept.value                          # the prevalence the file gives
    0.07
    >>> 0.0 < logistic_baseline(model.spec, cpd, model.compiled.tables) < 0.07   # risk factors carry the rest
    True
    """
    logit = baseline_logit(spec, cpd, tables)
    if logit >= 0.0:
        return 1.0 / (1.0 + math.exp(-logit))
    e = math.exp(logit)
    return e / (1.0 + e)


def baseline_logit(spec: NetworkSpec, cpd: Logistic, tables: Mapping[str, np.ndarray]) -> float:
    """The log-odds of a logistic node's baseline, solved when the file gives a prevalence.

    The marginal ``g(L) = sum_x P(x) * expit(L + shift(x))`` increases in
    ``L``, and the root of ``g(L) = p`` lies between ``logit(p) - max shift``
    and ``logit(p) - min shift``. Newton's method on ``logit(g(L))``, kept
    inside that bracket (a bisection step whenever it would leave it),
    reaches 1e-13 in a few passes over the parents' configurations (3-6 on
    the shipped network), where 200 halvings of ``[-60, 60]`` took 7 s on a
    node of 2**21 configurations. The log-odds, not the baseline, is
    returned: a baseline within 1e-17 of 0 or 1 has no float log-odds.

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    cpd : Logistic
        A logistic node's cpd.
    tables : mapping of str to numpy.ndarray
        The tables of the context parents of its odds ratios (and of their
        context ancestors), used when the intercept is a prevalence.

    Returns
    -------
    float
        ``logit(baseline)``: straight from the intercept when it is a
        baseline, else the root solved to about 1e-13.
    """
    if cpd.intercept_kind == "baseline" or not cpd.odds_ratios:  # without odds ratios the prevalence is the baseline
        base = cpd.intercept.value
        return math.log(base) - math.log1p(-base)
    parents = tuple(dict.fromkeys(link.parent for link in cpd.odds_ratios))
    cards = [len(spec.nodes[p].states) for p in parents]
    shift = _log_odds(spec, cpd, parents, cards).ravel()
    weight = context_weight(spec, parents, tables).ravel()
    target = cpd.intercept.value
    centre = math.log(target) - math.log1p(-target)
    low, high = centre - float(shift.max()), centre - float(shift.min())
    logit = min(max(centre - float(weight @ shift), low), high)
    # Newton on F(L) = logit(g(L)) - logit(p): nearly linear (slope 1 at both
    # ends), so it takes a few steps from any start, for any prevalence.
    for _ in range(200):
        pos, neg = _expit_both(logit + shift)
        g, not_g = float(weight @ pos), float(weight @ neg)
        if g > 0.0 and not_g > 0.0:
            gap = math.log(g) - math.log(not_g) - centre
            slope = float(weight @ (pos * neg)) * (1.0 / g + 1.0 / not_g)
        else:  # g underflowed: far below (or above) the root
            gap, slope = (-math.inf if g <= 0.0 else math.inf), 0.0
        if gap == 0.0:
            break
        if gap < 0.0:
            low = logit
        else:
            high = logit
        step = logit - gap / slope if slope > 0.0 and math.isfinite(gap) else math.nan
        if not low < step < high:
            step = 0.5 * (low + high)
        close = abs(step - logit) <= 1e-13 * max(1.0, abs(logit))
        logit = step
        if close or high - low <= 1e-13 * max(1.0, abs(low), abs(high)):
            break
    return logit


def _logistic(spec: NetworkSpec, node: Node, cpd: Logistic, parents: tuple[str, ...], cards: list[int], tables: Mapping[str, np.ndarray]) -> np.ndarray:
    logit = baseline_logit(spec, cpd, tables) + _log_odds(spec, cpd, parents, cards)
    pos = node.states.index(cpd.positive)
    table = np.empty([2, *cards])
    # Both states from the log-odds: ``1 - expit`` cancels to 0 where the
    # positive state is within 1e-16 of 1 (an odds ratio of 1e20 made the
    # negative state impossible under that parent).
    table[pos], table[1 - pos] = _expit_both(logit)
    lost = np.argwhere(table < sys.float_info.min)  # every entry of a logistic is positive: this one underflowed
    if lost.size:
        at = tuple(int(k) for k in lost[0])
        x = float(logit[at[1:]])
        # -|x| / ln 10 is log10 P of the rarer state, to rounding when |x| > 700
        refuse_below_float(spec, node, node.states[at[0]], dict(zip(parents, at[1:], strict=True)), -abs(x) / math.log(10), "the intercept and odds ratios",
                           f"The log-odds there are {x:.6g}: bring the odds ratios that meet there closer to 1")
    return table
