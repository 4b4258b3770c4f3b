"""The entries of a fitted table the fit cannot move say so (for ``_fitted_parameters``).

A table entry that is 0 before a fit (a part where its condition is absent,
no pregnancy among men, a noisy-MAX state one present cause rules out) has no
pseudo-count, and no case can hold it, so the fit leaves it at 0: it is not
learned from data, and its row of ``parameters()`` keeps the source,
citation and reason of the unfitted row that sets it to 0. So does the 1
such zeros leave where they are every other state of a possible
configuration (``pregnancy = none`` for a man). A parent
configuration the model makes impossible (a part present without its
condition, a pregnancy at 65) has no pseudo-count either, and no case
reaches it: the fit keeps the model's column there, fixed, its range is
that value, not NaN, and its entries are not counted as fitted. Each says
why in a short reason that starts "impossible:" (as the file's own rows of
such configurations do), and cites the one number of the file that gives
it (a table's row) or, where the model's numbers compute it (a noisy-OR's
links and leak), the source ``"structure"``.

Examples
--------
>>> import crampnet
>>> model = crampnet.load()
>>> table = model.fit(model.simulate(200, seed=3)).parameters()
>>> rows = table[(table["node"] == "overt_thyroid_dysfunction") & (table["value"] == 0)]
>>> sorted(set(rows["source"]))
['hollowell_2002_diseasefree']
>>> impossible = table[table["reason"].fillna("").str.startswith("impossible:")]
>>> "fitted" in set(impossible["source"]), "structure" in set(impossible["source"])
(False, True)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["IMPOSSIBLE_REASON", "KEPT_NOTE", "KEPT_ONE_NOTE", "STRUCTURE", "STRUCTURE_CITATION", "keep_unfitted"]

#: What the note of a kept structural 0 adds to the unfitted row's note.
KEPT_NOTE = "a structural 0: no case can hold it, so the fit keeps it (not fitted)"

#: What the note of a kept structural 1 (every other state of its configuration a structural 0) adds to the unfitted row's note.
KEPT_ONE_NOTE = "a structural 1: every other state is a structural 0, so the fit keeps it (not fitted)"

#: The reason of an entry whose parent configuration is impossible (no pseudo-count, no case); it starts "impossible:", as the file's reasons of such rows do.
IMPOSSIBLE_REASON = "impossible: its parent configuration cannot occur under the model, so no case reaches it and the fit keeps the model's value (not fitted)"

#: The source of such an entry where no single number of the file gives it (a noisy-OR, noisy-MAX or logistic node's table).
STRUCTURE = "structure"

#: The citation of :data:`STRUCTURE`.
STRUCTURE_CITATION = "the network's structure: a parent configuration the model makes impossible keeps the value the model's own numbers give it (see the unfitted model's parameters())"

_PROVENANCE = ("source", "citation", "reason", "note")


def keep_unfitted(base: BaseModel, columns: Mapping[str, Any], counts: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """The fitted rows' columns with what the fit cannot move said so: each structural 0, and the entries of impossible parent configurations.

    Parameters
    ----------
    base : BaseModel
        The model that was fitted: its tables and ``parameters()`` are the
        unfitted ones.
    columns : mapping of str to list or numpy.ndarray
        The fitted nodes' rows of the fitted ``parameters()``, column by
        column (``value``, ``low`` and ``high`` arrays, ``parent_state``,
        ``state``, ``source``, ``citation``, ``reason`` and ``note``
        lists), node by node in the order of ``counts``, one row
        per table entry (parent configurations in C order, the node's states
        within each).
    counts : mapping of str to numpy.ndarray
        The fitted nodes' posterior counts: a parent configuration whose
        counts sum to 0 has no pseudo-count (the model gives it probability
        0) and no case.

    Returns
    -------
    dict of str to list or numpy.ndarray
        ``columns`` (the provenance lists and ``low``, ``high`` copied) where
        every entry that is exactly 0 in both ``base``'s table and the
        fitted one has the range [0, 0] and takes ``source``, ``citation``
        and ``reason`` from the unfitted row that
        sets it to 0 (the same entry of a table or prior, else a 0 of a link
        or leak of that state whose parent is in the entry's
        configuration, else a 1 of such a link or leak for another state),
        and that row's note followed by :data:`KEPT_NOTE` (once: the row
        of a model fitted before has it already). Likewise an entry exactly
        1 before and after the fit in a possible configuration (every other
        state a structural 0: a man's ``pregnancy = none``) takes its own
        unfitted row's provenance, else that of the row setting another
        state to 0, and :data:`KEPT_ONE_NOTE`, range [1, 1].
        An entry no unfitted row accounts for stays ``"fitted"``. Every
        entry of a parent configuration without pseudo-counts (impossible
        under the model: the fit keeps the model's column there) has the
        range [value, value], not NaN, and is not ``"fitted"``: its reason
        is :data:`IMPOSSIBLE_REASON`, its source and citation those of the
        one unfitted row that gives it (the same entry of a table; for a 0,
        the row that sets it as above) with that row's note, else
        :data:`STRUCTURE` and :data:`STRUCTURE_CITATION` with no note.
    """
    out = dict(columns)
    for name in _PROVENANCE:
        out[name] = list(columns[name])
    out["low"], out["high"] = np.array(columns["low"], dtype=float), np.array(columns["high"], dtype=float)
    values = np.asarray(columns["value"], dtype=float)
    whens, names = columns["parent_state"], columns["state"]
    unfitted = None
    start = 0
    for nid in counts:
        node = base.spec.nodes[nid]
        parents, states = node.parents, node.states
        was = np.moveaxis(np.asarray(base.compiled.tables[nid], dtype=float), 0, -1).reshape(-1)
        # A configuration without pseudo-counts is impossible under the model: no case has it, the fit keeps its column.
        empty = np.repeat(np.moveaxis(counts[nid], 0, -1).reshape(-1, len(states)).sum(axis=1) == 0, len(states))
        zero = (was == 0) & (values[start : start + was.size] == 0)
        one = (was == 1) & (values[start : start + was.size] == 1) & ~empty  # every other state of its configuration is a structural 0
        if zero.any() or one.any() or empty.any():
            unfitted = _rows_by_node(base) if unfitted is None else unfitted
            own, links = unfitted.get(nid, ({}, []))
            configs = list(itertools.product(*[[(p, s) for s in base.spec.nodes[p].states] for p in parents])) if zero.any() or one.any() else []
            for i in np.flatnonzero((zero | one) & ~empty).tolist():
                when, state, config = whens[start + i], names[start + i], configs[i // len(states)]
                if zero[i]:
                    row, added = _setting_row(own, links, when, config, state), KEPT_NOTE
                else:  # its own row, else the row that sets another state to 0
                    row, added = own.get((when, state)) or _setting_row(own, links, when, config, states[(i % len(states) + 1) % len(states)]), KEPT_ONE_NOTE
                if row is not None:
                    out["low"][start + i] = out["high"][start + i] = values[start + i]
                    out["source"][start + i], out["citation"][start + i], out["reason"][start + i], note = row
                    out["note"][start + i] = added if not note else note if note.endswith(added) else f"{note}; {added}"  # a second fit's unfitted row says it already
            for i in np.flatnonzero(empty).tolist():
                when, state = whens[start + i], names[start + i]
                row = _setting_row(own, links, when, configs[i // len(states)], state) if zero[i] else own.get((when, state))
                out["low"][start + i] = out["high"][start + i] = values[start + i]
                out["source"][start + i], out["citation"][start + i] = (STRUCTURE, STRUCTURE_CITATION) if row is None else row[:2]
                out["reason"][start + i], out["note"][start + i] = IMPOSSIBLE_REASON, None if row is None else row[3]
        start += was.size
    return out


#: A row's ``source``, ``citation``, ``reason`` and ``note`` (empty cells None).
_Provenance = tuple[Any, Any, "str | None", "str | None"]


def _rows_by_node(base: BaseModel) -> dict[str, tuple[dict[tuple[str | None, str], _Provenance], list[dict[str, Any]]]]:
    """The rows of the unfitted ``parameters()``, node by node: its table and prior entries by entry, and the others.

    Parameters
    ----------
    base : BaseModel
        The model that was fitted.

    Returns
    -------
    dict of str to (dict, list)
        Per node, the provenance of its table and prior rows (kind ``row``
        or ``prior ...``) by ``(parent_state, state)``, the first of each;
        and its other rows (links, leaks...) in the frame's order, as dicts
        of every column. The frame is read column by column: iterating the
        rows of a frame of Arrow-backed strings costs tens of seconds for a
        fitted model's eighty thousand rows.
    """
    frame = base.parameters()
    cells = {name: frame[name].tolist() for name in frame.columns}
    reasons, notes = ([v if isinstance(v, str) and v else None for v in cells[name]] for name in ("reason", "note"))  # _text, inline: 160,000 calls
    provenance = list(zip(cells["source"], cells["citation"], reasons, notes, strict=True))
    out: dict[str, tuple[dict[tuple[str | None, str], _Provenance], list[dict[str, Any]]]] = {}
    for k, (nid, kind, when, state) in enumerate(zip(cells["node"], cells["kind"], cells["parent_state"], cells["state"], strict=True)):
        own, others = out.setdefault(nid, ({}, []))
        if kind == "row" or kind.startswith("prior"):
            own.setdefault((when if isinstance(when, str) and when else None, state), provenance[k])
        else:
            others.append({name: column[k] for name, column in cells.items()})
    return out


def _setting_row(own: Mapping[tuple[str | None, str], _Provenance], links: Sequence[Mapping[str, Any]], when: str | None, config: Sequence[tuple[str, str]], state: str) -> _Provenance | None:
    """The provenance of the unfitted row that sets a table entry to 0, or None.

    Parameters
    ----------
    own : mapping of (str or None, str) to tuple
        The provenance of the node's table and prior rows of the unfitted
        ``parameters()``, by ``(parent_state, state)``, as
        ``_rows_by_node`` gives it.
    links : sequence of mapping
        The node's other rows of the unfitted ``parameters()`` (links,
        leaks, odds ratios...).
    when : str or None
        The entry's ``parent_state`` cell (None for a node without parents).
    config : sequence of (str, str)
        The entry's parent configuration, ``(parent, state)`` pairs in the
        node's parent order.
    state : str
        The entry's state of the node.

    Returns
    -------
    tuple or None
        ``(source, citation, reason, note)`` of the row of this very entry
        (a table's row or a prior's entry) if there is one, else of the
        first other row valued 0 for ``state`` that has no parent or whose
        parent is in ``config`` at its ``parent_state``, else of the first
        such link or leak valued 1 for another state; None if no row is.
    """
    mine = own.get((when, state))
    if mine is not None:
        return mine
    active = set(config)
    for row in links:
        parent = _text(row["parent"])
        if row["state"] == state and row["value"] == 0 and (parent is None or (parent, _text(row["parent_state"])) in active):
            return row["source"], row["citation"], _text(row["reason"]), _text(row["note"])
    for row in links:  # a cause that gives another state for certain (a noisy-OR link of 1 rules "no" out)
        parent = _text(row["parent"])
        if row["state"] != state and row["value"] == 1 and row["kind"] in ("link", "leak") and (parent is None or (parent, _text(row["parent_state"])) in active):
            return row["source"], row["citation"], _text(row["reason"]), _text(row["note"])
    return None


def _text(value: object) -> str | None:
    """A frame cell as text, None for an empty cell (None or NaN).

    Parameters
    ----------
    value : object
        The cell.

    Returns
    -------
    str or None
        ``str(value)``, or None for None, NaN or an empty string.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value) or None
