"""The entries of a fitted table the fit cannot move say so (for ``_fitted_parameters``).

A table entry that is 0 before a fit (a part where its condition is absent,
no pregnancy among men, a noisy-MAX state one present cause rules out) has no
pseudo-count, and no case can hold it, so the fit leaves it at 0: it is not
learned from data, and its row of ``parameters()`` keeps the source,
citation and reason of the unfitted row that sets it to 0. A parent
configuration the model makes impossible has no pseudo-count either: the
fit keeps the model's column there, fixed, and its range is that value, not
NaN.

Examples
--------
>>> import crampnet
>>> model = crampnet.load()
>>> table = model.fit(model.simulate(200, seed=3)).parameters()
>>> rows = table[(table["node"] == "overt_thyroid_dysfunction") & (table["value"] == 0)]
>>> sorted(set(rows["source"]))
['hollowell_2002_diseasefree']
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["KEPT_NOTE", "UNWEIGHTED_NOTE", "keep_unfitted"]

#: What the note of a kept structural 0 adds to the unfitted row's note.
KEPT_NOTE = "a structural 0: no case can hold it, so the fit keeps it (not fitted)"

#: What the note of an entry whose parent configuration has no pseudo-count adds (its range was NaN).
UNWEIGHTED_NOTE = "its parent configuration is impossible under the model (no pseudo-count, no case), so the fit keeps the model's value, fixed"

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
        column (``value``, ``low`` and ``high`` arrays, ``source``,
        ``citation``, ``reason`` and ``note`` lists), node by node in the order of ``counts``, one row
        per table entry (parent configurations in C order, the node's states
        within each).
    counts : mapping of str to numpy.ndarray
        The fitted nodes' posterior counts (only the keys and their order are
        read).

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
        and that row's note followed by :data:`KEPT_NOTE`.
        An entry no unfitted row accounts for stays ``"fitted"``. Every
        entry of a parent configuration without pseudo-counts (impossible
        under the model: the fit keeps the model's column there) has the
        range [value, value], not NaN, and its note followed by
        :data:`UNWEIGHTED_NOTE`.
    """
    out = dict(columns)
    for name in _PROVENANCE:
        out[name] = list(columns[name])
    out["low"], out["high"] = np.array(columns["low"], dtype=float), np.array(columns["high"], dtype=float)
    values = np.asarray(columns["value"], dtype=float)
    unfitted = None
    start = 0
    for nid in counts:
        node = base.spec.nodes[nid]
        parents, states = node.parents, node.states
        was = np.moveaxis(np.asarray(base.compiled.tables[nid], dtype=float), 0, -1).reshape(-1)
        # A configuration without pseudo-counts is impossible under the model: no case has it, the fit keeps its column.
        for i in np.flatnonzero(np.repeat(np.moveaxis(counts[nid], 0, -1).reshape(-1, len(states)).sum(axis=1) == 0, len(states))).tolist():
            out["low"][start + i] = out["high"][start + i] = values[start + i]
            out["note"][start + i] = f"{out['note'][start + i]}; {UNWEIGHTED_NOTE}"
        zeros = np.flatnonzero((was == 0) & (values[start : start + was.size] == 0))
        if zeros.size:
            unfitted = base.parameters() if unfitted is None else unfitted
            rows = [dict(zip(unfitted.columns, r, strict=True)) for r in unfitted[unfitted["node"] == nid].itertuples(index=False)]
            configs = list(itertools.product(*[[(p, s) for s in base.spec.nodes[p].states] for p in parents]))
            for i in zeros.tolist():
                row = _setting_row(rows, configs[i // len(states)], states[i % len(states)])
                if row is not None:
                    out["low"][start + i] = out["high"][start + i] = 0.0  # NaN where the configuration has no pseudo-count
                    for name in ("source", "citation", "reason"):
                        out[name][start + i] = row[name]
                    note = _text(row["note"])
                    out["note"][start + i] = f"{note}; {KEPT_NOTE}" if note else KEPT_NOTE
        start += was.size
    return out


def _setting_row(rows: Sequence[Mapping[str, Any]], config: Sequence[tuple[str, str]], state: str) -> Mapping[str, Any] | None:
    """The unfitted row that sets a table entry to 0, or None.

    Parameters
    ----------
    rows : sequence of mapping
        The node's rows of the unfitted ``parameters()``.
    config : sequence of (str, str)
        The entry's parent configuration, ``(parent, state)`` pairs in the
        node's parent order.
    state : str
        The entry's state of the node.

    Returns
    -------
    mapping or None
        The row of this very entry (a table's row or a prior's entry) if
        there is one, else the first row valued 0 for ``state`` that is a
        leak or whose parent is in ``config`` at its ``parent_state``, else
        the first such link or leak valued 1 for another state; None if no
        row is.
    """
    when = ", ".join(f"{p}={s}" for p, s in config) or None
    active = set(config)
    for row in rows:
        if _text(row["parent_state"]) == when and row["state"] == state and (row["kind"] == "row" or str(row["kind"]).startswith("prior")):
            return row
    for row in rows:
        parent = _text(row["parent"])
        if row["state"] == state and row["value"] == 0 and (parent is None or (parent, _text(row["parent_state"])) in active):
            return row
    for row in rows:  # a cause that gives another state for certain (a noisy-OR link of 1 rules "no" out)
        parent = _text(row["parent"])
        if row["state"] != state and row["value"] == 1 and row["kind"] in ("link", "leak") and (parent is None or (parent, _text(row["parent_state"])) in active):
            return row
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
