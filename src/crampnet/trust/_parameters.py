"""Every number of a network as one flat vector, and batched table builders.

A :class:`ParameterSpace` lays the scalar parameters of a network out as the
slots of one vector ``theta`` and builds every node's table from a whole
batch of such vectors at once: ``space.tables(theta)`` with ``theta`` of
shape ``(batch, n_slots)`` returns ``tables[node]`` of shape ``(batch,
*table_shape)``, with no Python loop over the batch. The builders are the
batched twins of those in :mod:`crampnet.network.cpd` (noisy-OR, noisy-MAX,
logistic, explicit table, mixture); a logistic intercept given as a
prevalence is re-solved for every row of the batch by a vectorised
bisection against the default context priors of that row. At
``theta = space.point`` the tables equal ``model.compiled.tables``.

Slots are keyed like the rows of :meth:`crampnet.Model.parameters`
(``node, kind, parent, parent_state, state``), so callers can move between a
parameter row and its slot. Each slot also says what kind of number it is
(``"probability"``, ``"positive"`` for odds ratios and mixture weights, or
``"simplex"`` for one entry of a distribution, whose group of slots sums to
one) and carries the file's ``low``/``high`` range; the distributions put on
them live in :mod:`crampnet.trust.uncertainty`.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.trust._parameters import parameter_space
>>> model = crampnet.load()
>>> space = parameter_space(model)
>>> tables = space.tables(space.point[None, :])
>>> bool(all(np.allclose(tables[n][0], model.compiled.tables[n]) for n in model.compiled.ids))
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from crampnet.network.spec import (
    Dist,
    Logistic,
    Mixture,
    NetworkSpec,
    Node,
    NoisyMax,
    NoisyOr,
    Param,
    Provenance,
    Table,
)

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["Key", "ParameterSpace", "Slot", "fitted_counts", "parameter_space", "row_key"]

#: ``(node, kind, parent, parent_state, state)``, as in :meth:`crampnet.Model.parameters`.
Key = tuple[str, str, str | None, str | None, str | None]
Builder = Callable[[np.ndarray, Mapping[str, np.ndarray]], np.ndarray]
_FITTED = Provenance("fitted", None, "Bayesian update from data")


@dataclass(frozen=True)
class Slot:
    """One scalar parameter: its key, value, kind, file range and provenance."""

    key: Key
    value: float
    kind: str
    low: float | None = None
    high: float | None = None
    judgment: bool = False
    group: int | None = None


@dataclass
class ParameterSpace:
    """The slots of a network and the batched builders of its tables.

    Attributes
    ----------
    slots : list of Slot
        One per scalar parameter.
    point : numpy.ndarray
        The slots' values from the network (shape ``(n_slots,)``).
    groups : list of numpy.ndarray
        Slot indices of each distribution (they sum to one).
    alphas : dict of int to numpy.ndarray
        Dirichlet parameters fixed by a fit, per group (others get defaults).
    """

    slots: list[Slot] = field(default_factory=list)
    groups: list[np.ndarray] = field(default_factory=list)
    alphas: dict[int, np.ndarray] = field(default_factory=dict)
    builders: list[tuple[str, Builder]] = field(default_factory=list)
    overrides: list[tuple[str, np.ndarray]] = field(default_factory=list)

    @property
    def point(self) -> np.ndarray:
        """The network's own values of every slot."""
        return np.array([s.value for s in self.slots], dtype=float)

    def index(self) -> dict[Key, int]:
        """Slot position by key."""
        return {s.key: i for i, s in enumerate(self.slots)}

    def tables(self, theta: np.ndarray, only: Collection[str] | None = None) -> dict[str, np.ndarray]:
        """Every node's table for each row of ``theta`` (shape ``(batch, n_slots)``).

        With ``only`` (a set of nodes closed under taking parents), just those.
        """
        tables: dict[str, np.ndarray] = {}
        for nid, build in self.builders:
            if only is None or nid in only:
                tables[nid] = build(theta, tables)
        for nid, slots in self.overrides:
            if only is None or nid in only:
                tables[nid] = theta[:, slots]
        return tables

    # -- construction helpers -------------------------------------------------

    def add(self, key: Key, value: float, kind: str, param: Param | None = None, *, judgment: bool = False) -> int:
        low = param.low if param is not None else None
        high = param.high if param is not None else None
        self.slots.append(Slot(key, float(value), kind, low, high, judgment))
        return len(self.slots) - 1

    def add_param(self, key: Key, param: Param, kind: str) -> int:
        return self.add(key, param.value, kind, param, judgment=param.provenance.source == "judgment")

    def add_dist(self, key: tuple[str, str, str | None, str | None], dist: Dist, states: tuple[str, ...], alpha: np.ndarray | None = None) -> np.ndarray:
        """Slots for a distribution over ``states`` (key gets the state appended)."""
        group = len(self.groups)
        idx = []
        for s in states:
            judgment = dist.provenance.source == "judgment"
            self.slots.append(Slot((*key, s), float(dist.probabilities[s]), "simplex", judgment=judgment, group=group))
            idx.append(len(self.slots) - 1)
        arr = np.array(idx, dtype=np.intp)
        self.groups.append(arr)
        if alpha is not None:
            self.alphas[group] = np.asarray(alpha, dtype=float)
        return arr


def row_key(node: object, kind: object, parent: object, parent_state: object, state: object) -> Key | None:
    """The slot key of a row of ``parameters()`` (None for derived rows)."""

    def text(value: object) -> str | None:
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)

    k = str(kind)
    if k == "baseline (solved)":
        return None
    if k.startswith("prior"):
        k = "prior"
    elif k.startswith("intercept"):
        k = "intercept"
    return (str(node), k, text(parent), text(parent_state), text(state))


def fitted_counts(model: BaseModel) -> Mapping[str, np.ndarray]:
    """The Dirichlet posterior counts of the fitted tables of ``model`` (empty if none)."""
    counts = getattr(model, "posterior_counts", None)
    return counts if isinstance(counts, Mapping) else {}


@lru_cache(maxsize=32)
def parameter_space(model: BaseModel) -> ParameterSpace:
    """The parameter space of a model (cached per model; models are immutable).

    Fitted tables (see :func:`crampnet.trust.simulate.fit`) become one Dirichlet
    group per parent configuration; population priors replace the default
    ones after the logistic intercepts are solved against the defaults.
    """
    spec = model.spec
    population = model.compiled.population
    fitted = fitted_counts(model)
    replaced = set(spec.populations[population].priors) if population else set()
    space = ParameterSpace()
    for nid in spec.order:
        node = spec.nodes[nid]
        if node.prior is not None:
            kind = "prior (default)" if nid in replaced or nid in fitted else "prior"
            slots = space.add_dist((nid, kind, None, None), node.prior, node.states)
            space.builders.append((nid, _gather(slots)))
        elif nid not in fitted:
            space.builders.append((nid, _builder(space, spec, node)))
    if population:
        for nid, dist in spec.populations[population].priors.items():
            if nid not in fitted:
                space.overrides.append((nid, space.add_dist((nid, "prior", None, None), dist, spec.nodes[nid].states)))
    for nid, alpha in fitted.items():
        space.overrides.append((nid, _fitted_slots(space, spec, spec.nodes[nid], alpha)))
    return space


def _fitted_slots(space: ParameterSpace, spec: NetworkSpec, node: Node, alpha: np.ndarray) -> np.ndarray:
    """One group per parent configuration of a fitted table; slot array of the table's shape."""
    parents = node.parents
    total = alpha.sum(axis=0, keepdims=True)
    value = np.where(total > 0, alpha / np.where(total > 0, total, 1.0), 0.0)
    out = np.empty(alpha.shape, dtype=np.intp)
    for config in np.ndindex(*alpha.shape[1:]):
        when = [f"{p}={spec.nodes[p].states[i]}" for p, i in zip(parents, config, strict=True)]
        kind, parent, pstate = ("row", ",".join(parents), ", ".join(when)) if parents else ("prior", None, None)
        col: tuple[slice | int, ...] = (slice(None), *(int(c) for c in config))
        dist = Dist(dict(zip(node.states, value[col].tolist(), strict=True)), _FITTED)
        out[col] = space.add_dist((node.id, kind, parent, pstate), dist, node.states, alpha[col])
    return out


def _gather(slots: np.ndarray) -> Builder:
    def build(theta: np.ndarray, tables: Mapping[str, np.ndarray]) -> np.ndarray:
        return theta[:, slots]

    return build


def _builder(space: ParameterSpace, spec: NetworkSpec, node: Node) -> Builder:
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
        none = np.broadcast_to((1.0 - theta[:, leak]).reshape([b] + [1] * len(cards)), (b, *cards))
        for axis, states, slots in per_parent:
            inhib = np.ones((b, cards[axis]))
            inhib[:, states] = 1.0 - theta[:, slots]
            none = none * _axis(b, inhib, axis, len(cards))
        table = np.empty((b, 2, *cards))
        table[:, pos] = 1.0 - none
        table[:, 1 - pos] = none
        return table

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
    k, ndim = len(node.states), len(cards)

    def build(theta: np.ndarray, tables: Mapping[str, np.ndarray]) -> np.ndarray:
        b = theta.shape[0]
        cdf = np.cumsum(theta[:, leak[in_order]], axis=1).reshape([b, k] + [1] * ndim)
        cdf = np.broadcast_to(cdf, (b, k, *cards))
        for axis, parent in enumerate(node.parents):
            per_state = np.ones((b, k, cards[axis]))
            for state, slots in links.get(parent, []):
                per_state[:, :, state] = np.cumsum(theta[:, slots[in_order]], axis=1)
            cdf = cdf * _axis(b, per_state, axis, ndim, lead=2)
        cdf = np.array(cdf)
        cdf[:, -1] = 1.0
        probs = np.clip(np.diff(cdf, axis=1, prepend=0.0), 0.0, 1.0)[:, back]
        out: np.ndarray = probs / probs.sum(axis=1, keepdims=True)
        return out

    return build


def _logistic(space: ParameterSpace, spec: NetworkSpec, node: Node, cpd: Logistic, cards: list[int]) -> Builder:
    nid, pos = node.id, node.states.index(cpd.positive)
    intercept = space.add_param((nid, "intercept", None, None, cpd.positive), cpd.intercept, "probability")
    links = [(link.parent, link.state, space.add_param((nid, "odds_ratio", link.parent, link.state, cpd.positive), link.param, "positive")) for link in cpd.odds_ratios]
    per_parent = _linked(space, spec, node, node.parents, links)
    ndim = len(cards)
    solve = cpd.intercept_kind == "prevalence"

    def build(theta: np.ndarray, tables: Mapping[str, np.ndarray]) -> np.ndarray:
        b = theta.shape[0]
        shift = np.zeros((b, *cards))
        for axis, states, slots in per_parent:
            log_or = np.zeros((b, cards[axis]))
            log_or[:, states] = np.log(theta[:, slots])
            shift = shift + _axis(b, log_or, axis, ndim)
        target = theta[:, intercept]
        if solve:
            weight = np.ones((b, *cards))
            for axis, parent in enumerate(node.parents):
                weight = weight * _axis(tables[parent].shape[0], tables[parent], axis, ndim)
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
    return _gather(slots)


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

