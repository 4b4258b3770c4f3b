"""The floor of EM's expected counts: a row the E-step finds impossible through underflow is refused as such.

EM's E-step (:mod:`crampnet.trust._em`) multiplies the tables into its
cliques in floats, with no log-space pass as posteriors have
(:mod:`crampnet.inference._logpass`): a row whose missing cells leave a
tree to run, of probability below ~1e-308 under the model, had entries
lost there, and came out "of probability zero" (or, partly lost, with
expected counts of the entries that survived). The E-step reports both
kinds with the impossible ones: a case whose tree sums to zero or below
1e-250 in floats (``_emtables.TINY``, where the kernel too gives up).
Their probability under the model is computed here (the engine's log
pass is exact): a row that is possible after all is refused with its
probability, not called impossible. Checking every row up front would
cost a full inference per distinct case (minutes on the shipped network).

EM's later iterations cannot make a possible row impossible (each raises
the data's likelihood), but their tables can make one that was likely
under the starting model too unlikely for the floats, such as a tiny
``prior_strength`` letting thousands of other rows push the entries it
needs to 1e-4 each: ``refuse_drifted`` says so with both of its
probabilities, under the starting tables and under EM's current ones.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> import crampnet
>>> from crampnet.trust._emfloor import refuse_below_floor
>>> model = crampnet.load()
>>> cases = {"urge_to_move": np.array([[1.0, 0.0]])}
>>> refuse_below_floor(model, cases, np.array([True]), np.array([0]), pd.RangeIndex(1)) is None
True
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crampnet.base import BaseModel
from crampnet.exceptions import InvalidValueError
from crampnet.inference._logpass import SAFE
from crampnet.inference.compiled import CompiledNetwork
from crampnet.network.batch import row_name

__all__ = ["refuse_below_floor", "refuse_drifted"]


def refuse_below_floor(model: BaseModel, cases: Mapping[str, np.ndarray], in_tree: np.ndarray, first: np.ndarray, rows: pd.Index) -> None:
    """Raise for the first of the picked cases whose probability is positive but below :data:`SAFE`.

    Parameters
    ----------
    model : BaseModel
        The model EM starts from.
    cases : mapping of str to numpy.ndarray
        Per observed node, ``(n_cases, card)`` likelihoods of the distinct cases.
    in_tree : numpy.ndarray
        Shape ``(n_cases,)``, bool: the cases to check (those the E-step
        found impossible).
    first : numpy.ndarray
        Shape ``(n_cases,)``: each case's first position in the data.
    rows : pandas.Index
        The data's index, to name the row.

    Raises
    ------
    InvalidValueError
        If such a case exists, naming its first row and its probability.
        Cases of probability zero are left to the E-step's own error.
    """
    picked = np.flatnonzero(in_tree)
    if not picked.size:
        return
    _, log_ev = model.compiled.run({nid: arr[picked] for nid, arr in cases.items()}, [])
    log_ev = np.broadcast_to(np.asarray(log_ev, dtype=float), picked.shape)
    low = np.isfinite(log_ev) & (log_ev < np.log(SAFE))
    if not low.any():
        return
    position = int(first[picked[low]].min())
    k = int(np.flatnonzero(first[picked] == position)[0])
    msg = (
        f"Fit cannot count {row_name(rows, position)} of the data exactly: it has probability 10^{log_ev[k] / np.log(10):.1f} under the model, below {SAFE:g}, "
        "and fit's expected counts for rows with missing cells multiply the tables in floats (none below ~1e-308), so they may be wrong for it. "
        "Drop the row (rows with every cell given are counted exactly, however unlikely)."
    )
    raise InvalidValueError(msg)


def refuse_drifted(model: BaseModel, tables: Mapping[str, np.ndarray], cases: Mapping[str, np.ndarray], bad: np.ndarray, first: np.ndarray, rows: pd.Index, iteration: int) -> InvalidValueError:
    """The error for a case the E-step lost after EM's first iteration: possible, EM's tables made it too unlikely.

    Parameters
    ----------
    model : BaseModel
        The model EM starts from.
    tables : mapping of str to numpy.ndarray
        The tables of the E-step that lost the case (EM's current ones),
        for the nodes EM updates; the others are ``model``'s.
    cases : mapping of str to numpy.ndarray
        Per observed node, ``(n_cases, card)`` likelihoods of the distinct cases.
    bad : numpy.ndarray
        Positions of the cases the E-step lost (non-empty).
    first : numpy.ndarray
        Shape ``(n_cases,)``: each case's first position in the data.
    rows : pandas.Index
        The data's index, to name the row.
    iteration : int
        The EM iteration whose E-step lost the case (2 or more: the first
        runs on ``model``'s tables, where a lost case is refused by
        ``refuse_below_floor`` or as impossible).

    Returns
    -------
    InvalidValueError
        The error to raise, naming the first such row, its probability
        under ``model`` and under ``tables`` (or "below the float range"
        where even the log pass finds none).
    """
    k = int(bad[np.argmin(first[bad])])
    row = {nid: arr[k : k + 1] for nid, arr in cases.items()}
    current = CompiledNetwork(model.spec, model.compiled.population, tables={**model.compiled.tables, **tables})
    before, after = (float(np.asarray(c.run(row, [])[1], dtype=float).reshape(-1)[0]) / np.log(10) for c in (model.compiled, current))
    now = f"10^{after:.1f}" if np.isfinite(after) else "below the float range"
    msg = (
        f"Fit cannot count {row_name(rows, int(first[k]))} of the data exactly: it has probability 10^{before:.1f} under the starting model, "
        f"but {now} under the tables EM reached after {iteration - 1} iteration{'s' * (iteration != 2)} (below {SAFE:g}), "
        "and fit's expected counts for rows with missing cells multiply the tables in floats (none below ~1e-308). "
        "A larger prior_strength keeps the tables nearer the starting ones; or drop the row."
    )
    return InvalidValueError(msg)
