"""The machinery of :func:`crampnet.trust.simulate.fit`: prior pseudo-counts, counts, EM, the fitted tables.

Examples
--------
>>> import crampnet
>>> from crampnet.trust._learning import family_prior
>>> model = crampnet.load()
>>> alpha = family_prior(model, ["urge_to_move"], 10.0)
>>> round(float(alpha["urge_to_move"].sum()), 6)
10.0
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet.base import BaseModel, Fit
from crampnet.exceptions import ImpossibleEvidenceError, InvalidValueError
from crampnet.network.batch import batch_evidence, check_columns, row_name
from crampnet.network.entailment import entail_rows
from crampnet.network.evidence import resolve_id
from crampnet.network.spec import NetworkSpec
from crampnet.trust._em import BARREN, HARD, KEPT, SOFT, EStep
from crampnet.trust._emfloor import refuse_below_floor, refuse_drifted
from crampnet.trust._impossible import impossible_row
from crampnet.trust._montecarlo import relevant_nodes

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["expected_counts", "family_prior", "fit_result", "frame_evidence"]

#: The citation of fitted parameters in ``parameters()``.
FITTED_CITATION = "Bayesian update of the network's parameters from data (crampnet fit)"


def frame_evidence(spec: NetworkSpec, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Likelihood arrays per column, as :func:`crampnet.network.batch.batch_evidence`.

    Categorical columns whose categories are the node's state names (the
    output of :func:`crampnet.trust.simulate.simulate`) are converted from their
    codes in one step; other columns go through ``batch_evidence``. The
    columns are read as they are, not reduced by the file's entailments:
    each family is fitted to its own marginal, which the nested model of
    :mod:`crampnet.network.entailment` leaves as the file gives it.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    frame : pandas.DataFrame
        One row per case, one column per node (an id or alias); missing
        cells mean unobserved.

    Returns
    -------
    dict of str to numpy.ndarray
        Node id to float likelihoods of shape ``(len(frame), card)``, states
        in network order; a row of ones where the cell is missing. A
        categorical column of state names gives indicator rows.

    Raises
    ------
    UnknownNodeError, EvidenceTypeError
        For a column that names no node, or is not a string.
    InvalidValueError
        If two columns name the same node; and, with the other errors of
        :func:`~crampnet.network.batch.batch_evidence`, for a bad cell.
    """
    import pandas as pd

    check_columns(frame.columns)  # a repeated name makes frame[column] a DataFrame
    fast: dict[str, np.ndarray] = {}
    slow = []
    seen: dict[str, object] = {}
    for column in frame.columns:
        series = frame[column]
        nid = resolve_id(spec, column, "the DataFrame's columns")
        if nid in seen:
            msg = f"The DataFrame gives {nid} twice (columns {seen[nid]!r} and {column!r}); give each node once."
            raise InvalidValueError(msg)
        seen[nid] = column
        states = spec.nodes[nid].states
        if isinstance(series.dtype, pd.CategoricalDtype) and all(isinstance(c, str) and c in states for c in series.cat.categories):
            lookup = np.array([states.index(c) for c in series.cat.categories] + [-1], dtype=np.intp)
            codes = lookup[series.cat.codes.to_numpy()]
            arr = np.zeros((len(frame), len(states)))
            arr[np.arange(len(frame)), codes] = 1.0
            arr[codes < 0] = 1.0
            fast[nid] = arr
        else:
            slow.append(column)
    out = batch_evidence(spec, frame[slow], entailed=False) if slow else {}
    return {**fast, **out}


def _estep(model: BaseModel, nodes: Sequence[str], status: np.ndarray, codes: np.ndarray, count: np.ndarray, evidence: Mapping[int, np.ndarray], weights: np.ndarray) -> EStep:
    spec = model.spec
    var = {nid: j for j, nid in enumerate(nodes)}
    parents = [tuple(var[p] for p in spec.nodes[nid].parents) for nid in nodes]
    cards = [len(spec.nodes[nid].states) for nid in nodes]
    return EStep(nodes, parents, cards, status, codes, count, evidence, weights)


def family_prior(model: BaseModel, fitted: Sequence[str], strength: float) -> dict[str, np.ndarray]:
    """BDe pseudo-counts: ``strength * P(node, parents)`` under the model, per fitted node.

    Each family's marginal comes from the sub-network of its node and the
    node's ancestors (the rest is barren): one tree for the fitted context
    and condition nodes together, one per fitted finding.

    Parameters
    ----------
    model : BaseModel
        The model whose tables give the prior.
    fitted : sequence of str
        The ids of the nodes to fit.
    strength : float
        The equivalent sample size: each family's pseudo-counts sum to it.

    Returns
    -------
    dict of str to numpy.ndarray
        Per fitted node, float pseudo-counts shaped like its table,
        ``(card(node), *card(parents))``.
    """
    nodes = relevant_nodes(model, fitted)
    var = {nid: j for j, nid in enumerate(nodes)}
    findings = [nid for nid in fitted if model.spec.nodes[nid].role == "finding"]
    others = [nid for nid in fitted if nid not in findings]
    sets = ([others] if others else []) + [[nid] for nid in findings]
    status = np.full((len(sets), len(nodes)), BARREN, dtype=np.int8)
    count = np.zeros(status.shape, dtype=bool)
    for r, members in enumerate(sets):
        status[r, [var[nid] for nid in relevant_nodes(model, members)]] = KEPT
        count[r, [var[nid] for nid in members]] = True
    step = _estep(model, nodes, status, np.zeros(status.shape, dtype=np.intp), count, {}, np.full(len(sets), float(strength)))
    counts, _ = step.counts(model.compiled.tables)
    return {nid: counts[nid] for nid in fitted}


def _case_status(model: BaseModel, nodes: Sequence[str], fitted: Sequence[str], cases: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per case and node: status (see :mod:`crampnet.trust._em`), observed state, and whether to count its family.

    A cell is hard evidence when one state has all the likelihood, missing
    when every state has the same, soft otherwise. A node that is neither
    observed nor an ancestor of an observed node is barren in that case.
    A missing cell of a root whose table puts all its mass on one state
    (the shipped network's ``care_setting``) is taken as observed there:
    its posterior is that state in every case, and stays so through EM
    (an entry that is zero in the prior tables gets no pseudo-counts and no
    expected counts), so the counts are the same and the case's tree halves.
    """
    spec = model.spec
    n = len(next(iter(cases.values())))
    observed = np.zeros((n, len(nodes)), dtype=bool)
    hard = np.zeros((n, len(nodes)), dtype=bool)
    codes = np.zeros((n, len(nodes)), dtype=np.intp)
    for j, nid in enumerate(nodes):
        if nid in cases:
            arr = cases[nid]
            observed[:, j] = ~np.all(arr == arr[:, :1], axis=1)
            hard[:, j] = np.count_nonzero(arr, axis=1) == 1
            codes[:, j] = np.argmax(arr, axis=1)
    relevant = observed.copy()
    var = {nid: j for j, nid in enumerate(nodes)}
    for j in range(len(nodes) - 1, -1, -1):
        for p in spec.nodes[nodes[j]].parents:
            relevant[:, var[p]] |= relevant[:, j]
    status = np.where(relevant, np.where(hard, HARD, np.where(observed, SOFT, KEPT)), BARREN).astype(np.int8)
    for j, nid in enumerate(nodes):
        support = np.flatnonzero(model.compiled.tables[nid]) if not spec.nodes[nid].parents else np.zeros(0, dtype=np.intp)
        if len(support) == 1:
            pinned = status[:, j] == KEPT
            status[pinned, j] = HARD
            codes[pinned, j] = support[0]
    count = relevant & np.isin(np.array(nodes), list(fitted))[None, :]
    return status, codes, count


def expected_counts(model: BaseModel, evidence: Mapping[str, np.ndarray], fitted: Sequence[str], alpha: Mapping[str, np.ndarray], *, complete: bool, max_iter: int, tol: float, rows: pd.Index) -> tuple[dict[str, np.ndarray], int, bool, float]:
    """Counts (complete data) or EM's expected counts at convergence, per fitted node.

    With missing cells each node's expected counts come from the cases in
    which it is not barren (see :mod:`crampnet.trust._em`: the fixed point is
    EM's). Returns the counts, the number of EM iterations (0 for complete
    data) and whether EM converged.

    Parameters
    ----------
    model : BaseModel
        The model whose tables EM starts from.
    evidence : mapping of str to numpy.ndarray
        Per fitted node, likelihoods of shape ``(n_rows, card)`` (as
        :func:`frame_evidence` gives); with ``complete``, indicator rows for
        every member of every fitted family.
    fitted : sequence of str
        The ids of the nodes to fit, in network order.
    alpha : mapping of str to numpy.ndarray
        Per fitted node, its prior pseudo-counts (:func:`family_prior`),
        shaped like its table.
    complete : bool
        Whether every fitted family is observed in every row: the counts
        are then counted directly, without EM.
    max_iter : int
        The most EM iterations.
    tol : float
        EM stops once no entry of a fitted table moves by ``tol`` or more
        in an iteration.
    rows : pandas.Index
        The data's index, to name a row in errors.

    Returns
    -------
    counts : dict of str to numpy.ndarray
        Per fitted node, its (expected) counts, float, shaped like its table
        (without ``alpha``).
    iterations : int
        EM iterations run; 0 for complete data.
    converged : bool
        Whether EM met ``tol`` (always True for complete data).
    moved : float
        EM's largest move of a fitted entry in its last iteration (0.0 for complete data).

    Raises
    ------
    ImpossibleEvidenceError
        If a row has probability zero under the model (complete data too),
        naming its label in ``rows`` and a minimal conflict.
    """
    spec = model.spec
    _check_entailments(model, evidence, rows)
    if complete:
        counts = {}
        zero = np.zeros(len(rows), dtype=bool)
        for nid in fitted:
            family = (nid, *spec.nodes[nid].parents)
            observed = tuple(np.argmax(evidence[m], axis=1) for m in family)
            zero |= model.compiled.tables[nid][observed] == 0  # the observed nodes hold their parents: a row's probability is the product of these entries
            table = np.zeros(alpha[nid].shape)
            np.add.at(table, observed, 1.0)
            counts[nid] = table
        if zero.any():
            raise impossible_row(model, evidence, rows, int(np.flatnonzero(zero)[0]))
        return counts, 0, True, 0.0
    nodes = relevant_nodes(model, fitted)
    matrix = np.ascontiguousarray(np.hstack([evidence[nid] for nid in fitted]))
    rows_as_bytes = matrix.view(np.dtype((np.void, matrix.dtype.itemsize * matrix.shape[1]))).ravel()
    _, first, weights = np.unique(rows_as_bytes, return_index=True, return_counts=True)
    widths = np.cumsum([0] + [evidence[nid].shape[1] for nid in fitted])
    cases = {nid: matrix[first, widths[k] : widths[k + 1]] for k, nid in enumerate(fitted)}
    status, codes, count = _case_status(model, nodes, fitted, cases)
    step = _estep(model, nodes, status, codes, count, {j: cases[nid] for j, nid in enumerate(nodes) if nid in cases}, weights.astype(float))
    tables = {nid: model.compiled.tables[nid] for nid in nodes}
    counts, moved = {nid: np.zeros(alpha[nid].shape) for nid in fitted}, 0.0
    for iteration in range(1, max_iter + 1):
        found, bad = step.counts(tables)
        if bad.size and iteration > 1:  # possible under the starting tables (EM's cannot make it impossible): they drove it below the floats
            raise refuse_drifted(model, tables, cases, bad, first, rows, iteration)
        if bad.size:
            refuse_below_floor(model, cases, np.isin(np.arange(first.size), bad), first, rows)  # a float underflow, not a zero
            raise impossible_row(model, evidence, rows, int(first[bad].min()))
        counts = {nid: found[nid] for nid in fitted}
        moved = 0.0
        for nid in fitted:
            new = _posterior_mean(alpha[nid] + counts[nid], tables[nid])
            moved = max(moved, float(np.abs(new - tables[nid]).max()))
            tables[nid] = new
        if moved < tol:
            return counts, iteration, True, moved
    return counts, max_iter, False, moved


def _check_entailments(model: BaseModel, evidence: Mapping[str, np.ndarray], rows: pd.Index) -> None:
    """Refuse a row whose findings break an ``entails`` rule (A positive, what it implies ruled out).

    Each family is fitted to its own columns, unreduced (see
    :func:`frame_evidence`), so the tables alone cannot see the nested
    model's zero: the rule is checked here, on copies, as
    :func:`~crampnet.network.entailment.entail_rows` checks a batch.
    """
    involved = {nid for a, _, b, _ in model.spec.implications for nid in (a, b)}
    arrays = {nid: evidence[nid].copy() for nid in involved if nid in evidence}
    named: list[int] = []

    def describe_row(position: int) -> str:
        named.append(position)
        return f"{row_name(rows, position)} of the data"

    try:
        entail_rows(model.spec, arrays, describe_row)
    except ImpossibleEvidenceError as err:
        msg = f"{err} fit cannot use the row: drop or correct it."
        raise ImpossibleEvidenceError(msg, err.conflicting, rows[named[0]]) from None


def _posterior_mean(counts: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Normalise over the child axis; columns with no mass keep ``fallback``."""
    total = counts.sum(axis=0, keepdims=True)
    out: np.ndarray = np.where(total > 0, counts / np.where(total > 0, total, 1.0), fallback)
    return out


def fit_result(base: BaseModel, posterior_counts: Mapping[str, np.ndarray], *, prior_strength: float, cases: int, method: str, iterations: int, converged: bool, how: str) -> Fit:
    """The :class:`~crampnet.base.Fit` of ``base`` updated to ``posterior_counts`` (their posterior means).

    Parameters
    ----------
    base : BaseModel
        The model fitted.
    posterior_counts : mapping of str to numpy.ndarray
        Per fitted node, its Dirichlet posterior (prior pseudo-counts plus
        counts), shaped like its table.
    prior_strength : float
        The equivalent sample size of the prior.
    cases : int
        Rows of the data fitted (those with an observed cell).
    method : str
        ``"complete"`` or ``"em"``.
    iterations : int
        EM iterations (0 for complete data).
    converged : bool
        Whether EM converged.
    how : str
        How the counts were found, for the note of each fitted parameter
        (such as ``"complete data"``).

    Returns
    -------
    Fit
        Every node's table, a fitted node's replaced by the normalised
        counts (a parent configuration with no counts keeps ``base``'s
        column), the counts as float arrays, and the parameter table, built
        when first read (a fitted entry's ``low`` and ``high``: the central
        ``COVERAGE`` interval of its Beta posterior, widened to hold its
        value, as ``parameter_distributions`` gives them).
    """
    tables = dict(base.compiled.tables)
    counts = {nid: np.array(c, dtype=float) for nid, c in posterior_counts.items()}
    for nid, alpha in counts.items():
        tables[nid] = _posterior_mean(alpha, base.compiled.tables[nid])
    note = f"Dirichlet posterior mean: prior = the previous parameters worth {prior_strength:g} case{'s' * (prior_strength != 1)} (BDe equivalent sample size), updated with {cases} case{'s' * (cases != 1)} ({how})"
    return Fit(tables, counts, prior_strength, cases, method, iterations, converged, lambda: _fitted_parameters(base, tables, counts, note))


def _fitted_parameters(base: BaseModel, tables: Mapping[str, np.ndarray], counts: Mapping[str, np.ndarray], note: str) -> pd.DataFrame:
    import pandas as pd

    from crampnet.trust._betaquantiles import beta_quantiles
    from crampnet.trust._kept import keep_unfitted
    from crampnet.trust.uncertainty import COVERAGE

    spec = base.spec
    frame = base.parameters()
    frame = frame[~frame["node"].isin(list(counts))]
    tail = (1.0 - COVERAGE) / 2.0
    # Column by column, one row per table entry, parent configurations in C order and the node's states within each.
    text: dict[str, list[Any]] = {name: [] for name in ("node", "role", "kind", "parent", "parent_state", "state", "note")}
    numbers: dict[str, list[np.ndarray]] = {"value": [], "low": [], "high": []}
    for nid, alpha in counts.items():
        node = spec.nodes[nid]
        parents, states = node.parents, node.states  # properties that rebuild their value: read once
        # The equal-tailed interval of each entry's Beta(a, a0 - a) marginal, every entry at once, widened to hold the
        # mean (its value), which a Beta with a tiny a puts above its 97.5% quantile; distributions() does the same.
        a0 = np.broadcast_to(alpha.sum(axis=0, keepdims=True), alpha.shape)
        inside = (alpha > 0) & (alpha < a0)
        with np.errstate(divide="ignore", invalid="ignore"):
            point = np.where(a0 > 0, alpha / np.where(a0 > 0, a0, 1.0), np.nan)
        low, high = point.copy(), point.copy()
        if inside.any():
            a, b = alpha[inside], a0[inside] - alpha[inside]
            q = beta_quantiles(a, b, [[tail], [1.0 - tail]])
            low[inside], high[inside] = np.minimum(q[0], point[inside]), np.maximum(q[1], point[inside])
        labels = [[f"{p}={state}" for state in spec.nodes[p].states] for p in parents]
        whens = [", ".join(config) or None for config in itertools.product(*labels)]
        n = alpha.size
        text["node"] += [nid] * n
        text["role"] += [node.role] * n
        text["kind"] += ["row" if parents else "prior"] * n
        text["parent"] += [",".join(parents) or None] * n
        text["parent_state"] += [when for when in whens for _ in states]
        text["state"] += list(states) * len(whens)
        was: dict[float, str] = {}
        text["note"] += [was.get(v) or was.setdefault(v, f"{note}; was {v:.4g}") for v in _entries(base.compiled.tables[nid]).tolist()]
        for name, arr in (("value", tables[nid]), ("low", low), ("high", high)):
            numbers[name].append(_entries(np.asarray(arr, dtype=float)))
    total = len(text["node"])
    columns: dict[str, Any] = {**text, "model": ["table"] * total, "source": ["fitted"] * total, "citation": [FITTED_CITATION] * total, "reason": [None] * total}
    columns |= {name: np.concatenate(parts) if parts else np.zeros(0) for name, parts in numbers.items()}
    fitted = pd.DataFrame(keep_unfitted(base, columns, counts), columns=frame.columns)  # what the fit cannot move says so
    return pd.concat([frame, fitted], ignore_index=True)


def _entries(table: np.ndarray) -> np.ndarray:
    """A table's entries in the parameter frame's row order: parent configurations in C order, the node's states within each."""
    return np.moveaxis(table, 0, -1).reshape(-1)
