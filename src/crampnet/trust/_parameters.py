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

This module walks a model's network into its :func:`parameter_space`
(fitted tables and population priors included) and maps parameter rows to
slots (:func:`row_key`). The records (:class:`Slot`, :class:`ParameterSpace`,
:data:`Key`) live in :mod:`crampnet.trust._space` and the per-model builders
in :mod:`crampnet.trust._builders`; the records are re-exported here.

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

import itertools
import math
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from crampnet.network.cpd import under_parents
from crampnet.network.spec import NetworkSpec, Node
from crampnet.trust._builders import builder, gather
from crampnet.trust._space import Key, ParameterSpace, Slot

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["Key", "ParameterSpace", "Slot", "fitted_counts", "parameter_space", "row_key", "row_slots"]

def row_key(node: object, kind: object, parent: object, parent_state: object, state: object) -> Key | None:
    """The slot key of a row of ``parameters()`` (None for derived rows).

    Parameters
    ----------
    node, kind, parent, parent_state, state : object
        The row's cells of those columns; None or NaN for an empty cell.

    Returns
    -------
    Key or None
        ``(node, kind, parent, parent_state, state)`` as strings, empty
        cells as None, ``kind`` ``"prior ..."`` shortened to ``"prior"``
        and ``"intercept ..."`` to ``"intercept"``; None for a
        ``"baseline (solved)"`` row, which has no slot.
    """

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


def row_slots(frame: pd.DataFrame, index: Mapping[Key, int]) -> dict[object, int]:
    """The slot of each row of a ``parameters()`` frame that is a parameter, by row label.

    Parameters
    ----------
    frame : pandas.DataFrame
        A model's ``parameters()``.
    index : mapping of Key to int
        Slot position by key (``ParameterSpace.index``).

    Returns
    -------
    dict of object to int
        Row label to slot, for the rows whose :func:`row_key` is a slot's
        key; derived rows and rows without a slot are left out.
    """
    # Plain lists (None for a missing cell): iterating the frame's string columns costs ~20 us a cell.
    columns = [frame[name].astype(object).where(frame[name].notna(), None).tolist() for name in ("node", "kind", "parent", "parent_state", "state")]
    out: dict[object, int] = {}
    heads: dict[tuple[object, object], Key | None] = {}  # row_key of a node and kind; the other cells are str or None already
    for label, node, kind, parent, pstate, state in zip(frame.index.tolist(), *columns, strict=True):
        if (node, kind) not in heads:
            heads[node, kind] = row_key(node, kind, None, None, None)
        head = heads[node, kind]
        if head is not None:
            i = index.get((head[0], head[1], None if parent is None else str(parent), None if pstate is None else str(pstate), None if state is None else str(state)))
            if i is not None:
                out[label] = i
    return out


def fitted_counts(model: BaseModel) -> Mapping[str, np.ndarray]:
    """The Dirichlet posterior counts of the fitted tables of ``model`` (empty if none).

    Parameters
    ----------
    model : BaseModel
        Any model; a fitted one has ``posterior_counts``.

    Returns
    -------
    mapping of str to numpy.ndarray
        Per fitted node, its posterior counts, shaped like its table; empty
        for a model without a mapping ``posterior_counts``.
    """
    counts = getattr(model, "posterior_counts", None)
    return counts if isinstance(counts, Mapping) else {}


@lru_cache(maxsize=32)
def parameter_space(model: BaseModel) -> ParameterSpace:
    """The parameter space of a model (cached per model; models are immutable).

    Fitted tables (see :func:`crampnet.trust.simulate.fit`) become one Dirichlet
    group per parent configuration; population priors and fitted context
    tables replace the default ones after the logistic intercepts are solved
    against the defaults.
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
            space.builders.append((nid, gather(slots)))
        elif nid not in fitted:
            space.builders.append((nid, builder(space, spec, node)))
        elif node.role == "context":
            # A fitted context table over other context nodes (pregnancy): its
            # default still weighs the contexts a logistic intercept given as
            # a prevalence is solved against, as a fitted prior's default does.
            # Its slots say "(default)", so no row of parameters() maps to them.
            first = len(space.slots)
            build = builder(space, spec, node)
            space.slots[first:] = [replace(s, key=(s.key[0], f"{s.key[1]} (default)", *s.key[2:])) for s in space.slots[first:]]
            space.builders.append((nid, build))
    if population:
        for nid, dist in spec.populations[population].priors.items():
            if nid not in fitted:
                slots = space.add_dist((nid, "prior", None, None), dist, spec.nodes[nid].states)
                space.overrides.append((nid, under_parents(spec, nid, slots)))  # a context table: the prior under every parent state
    for nid, alpha in fitted.items():
        space.overrides.append((nid, _fitted_slots(space, spec, spec.nodes[nid], alpha, model.compiled.tables[nid])))
    index = space.index()
    for b, _, implying in spec.implied_groups:  # draws keep the nesting (ParameterSpace.tables), innermost first
        for key, slot in index.items():
            if key[0] != b or key[1] not in ("link", "leak"):
                continue
            same = [index.get((a, key[1], key[2], key[3], spec.nodes[a].positive)) for a, _ in implying]
            if any(i is not None for i in same):
                space.nested.append((slot, np.array([i for i in same if i is not None], dtype=np.intp)))
    return space


def _fitted_slots(space: ParameterSpace, spec: NetworkSpec, node: Node, alpha: np.ndarray, table: np.ndarray) -> np.ndarray:
    """One group per parent configuration of a fitted table; slot array of the table's shape.

    A configuration without pseudo-counts keeps ``table``'s column (the
    fitted model's), fixed, as the fit keeps the prior model's there.
    The slots are those ``ParameterSpace.add_dist`` makes of one
    ``Dist`` per configuration (no ranges, not a judgment), appended here
    directly: a fit of the shipped network has ~22,000 configurations.
    """
    parents, states = node.parents, node.states
    total = alpha.sum(axis=0, keepdims=True)
    value = np.where(total > 0, alpha / np.where(total > 0, total, 1.0), table)
    card = len(states)
    # Configurations in C order (np.ndindex's), each a column of card slots.
    columns = np.moveaxis(value, 0, -1).reshape(-1, card).tolist()
    alphas = np.moveaxis(np.asarray(alpha, dtype=float), 0, -1).reshape(-1, card)
    labels = [[f"{p}={state}" for state in spec.nodes[p].states] for p in parents]
    parent = ",".join(parents) if parents else None
    kind = "row" if parents else "prior"
    first_slot, first_group = len(space.slots), len(space.groups)
    for c, config in enumerate(itertools.product(*labels)):
        pstate = ", ".join(config) if parents else None
        group = first_group + c
        space.slots.extend(Slot((node.id, kind, parent, pstate, state), float(v), "simplex", None, None, judgment=False, group=group) for state, v in zip(states, columns[c], strict=True))
        space.groups.append(np.arange(first_slot + c * card, first_slot + (c + 1) * card, dtype=np.intp))
        space.alphas[group] = alphas[c]
    return np.moveaxis(np.arange(first_slot, len(space.slots), dtype=np.intp).reshape(*alpha.shape[1:], card), -1, 0)
