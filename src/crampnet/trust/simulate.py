"""Simulate cohorts from a network, and update its numbers from data.

:func:`simulate` draws a synthetic cohort by ancestral sampling, vectorised
over cases. :func:`fit` updates the tables from data by Bayesian estimation
with the model's current tables as the prior: for the family of each node
X with parents Pa, the prior pseudo-counts are ``alpha[x, pa] =
prior_strength * P(X = x, Pa = pa)`` under the current model (the BDe prior:
``prior_strength`` is the equivalent sample size, the number of cases the
current numbers are worth), and the new table is the posterior mean
``(alpha + N) / sum_x (alpha + N)``. With complete data ``N`` are counts;
with missing cells (or nodes absent from the data) EM replaces them by
expected counts and iterates to convergence. The expected counts come from
small junction trees, one per pattern of observed cells (:mod:`crampnet.trust._em`),
and a node's counts only from the rows in which it is not barren (neither
observed nor an ancestor of an observed node): that leaves EM's fixed point
unchanged, and a fitted table's Dirichlet posterior then counts only the
rows that inform it. Only nodes observed in at least one row are updated;
their parameters then say ``source = "fitted"`` in
:meth:`~crampnet.Model.parameters`, with a note naming ``prior_strength``,
the number of cases and the method, and their Dirichlet posteriors feed
:mod:`crampnet.trust.uncertainty`.

Examples
--------
>>> import crampnet
>>> from crampnet.trust.simulate import fit, simulate
>>> model = crampnet.load()
>>> cohort = simulate(model, 500, seed=1)
>>> list(cohort.columns) == list(model.spec.nodes)
True
>>> fitted = fit(model, cohort, prior_strength=50)
>>> "fitted" in set(fitted.parameters()["source"])
True
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import TYPE_CHECKING

import numpy as np

from crampnet._arguments import check_frame, check_model
from crampnet.exceptions import InvalidValueError
from crampnet.trust._learning import expected_counts, family_prior, fit_result, frame_evidence

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["ConvergenceWarning", "fit", "simulate"]

#: Most cases one call draws: about 7 GB at the measured 0.7 kB a case (200,000 cases peaked 0.13 GB over the loaded model).
MAX_CASES = 10_000_000

#: The smallest ``tol`` of :func:`fit`: a settled EM still moves its tables by float rounding, a few 1e-16 an iteration.
MIN_TOL = 1e-15


class ConvergenceWarning(RuntimeWarning):
    """EM stopped at ``max_iter`` before the tables settled."""


def simulate(model: BaseModel, n: int, seed: int | np.random.Generator | None = 0) -> pd.DataFrame:
    """Draw ``n`` cases from the model by ancestral sampling.

    Parameters
    ----------
    model : BaseModel
        A compiled model (its population and any fitted tables are used).
    n : int
        Number of cases, at most :data:`MAX_CASES` a call (draw more in
        batches from one ``numpy.random.Generator``).
    seed : int, numpy.random.Generator or None, default=0
        The seed: the same seed gives the same cohort.

    Returns
    -------
    pandas.DataFrame
        One row per case and one categorical column per node (in file
        order) holding state names; usable as evidence and as labelled cases
        for :func:`crampnet.trust.evaluate.evaluate`. A finding that the
        file says implies another is drawn nested in it
        (:mod:`crampnet.network.entailment`).

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.trust.simulate import simulate
    >>> cohort = simulate(crampnet.load(), 1000, seed=0)
    >>> cohort.shape[0]
    1000
    """
    import pandas as pd

    from crampnet.trust.uncertainty import _rng

    check_model(model, "simulate")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or int(n) < 0:
        msg = f"The 'n' argument of simulate must be a non-negative int. Got {n!r} instead."
        raise InvalidValueError(msg)
    if int(n) > MAX_CASES:
        msg = (
            f"The 'n' argument of simulate is at most {MAX_CASES:,} (about 0.7 kB of memory a case while drawing). Got {int(n):,}. "
            "Draw in batches from one generator instead: rng = numpy.random.default_rng(0), then simulate(model, n, seed=rng) repeatedly."
        )
        raise InvalidValueError(msg)
    rng = _rng(seed, "simulate")
    spec, tables = model.spec, model.compiled.tables
    codes: dict[str, np.ndarray] = {}
    for nid in spec.order:
        node = spec.nodes[nid]
        table = tables[nid]
        if node.parents:
            probs = table[(slice(None), *(codes[p] for p in node.parents))].T
        else:
            probs = np.broadcast_to(table, (int(n), len(node.states)))
        u = rng.random(int(n))[:, None]
        codes[nid] = np.minimum((u > np.cumsum(probs, axis=1)).sum(axis=1), len(node.states) - 1)
    _nest(model, codes, rng)
    return pd.DataFrame({nid: pd.Categorical.from_codes(codes[nid], categories=list(spec.nodes[nid].states)) for nid in spec.nodes})


def _nest(model: BaseModel, codes: dict[str, np.ndarray], rng: np.random.Generator) -> None:
    """Redraw the nested findings from the joint model of :mod:`crampnet.inference._nesting`.

    One implying finding A of a finding B that implies nothing and that A
    alone implies: A is positive only where B has the implied state, with
    probability P(A = pos | C) / P(B = t | C) there. Otherwise, from the
    innermost findings outwards: each implying finding keeps its draw from
    its own table (or, implied itself, the draw made here before), and B
    takes state t where one of them is positive, elsewhere with
    probability (P(B = t | C) - P(some A positive | C)) / P(no A positive
    | C). Either way each finding keeps its own distribution given the
    conditions and a positive finding never comes without what it implies.
    """
    spec, tables = model.spec, model.compiled.tables

    def table(nid: str, state: int) -> np.ndarray:
        return np.asarray(tables[nid][(state, *(codes[p] for p in spec.nodes[nid].parents))], dtype=float)

    implied = {b for b, _, _ in spec.implied_groups}
    below = {a for a, _, _, _ in spec.entailments}
    for b, ib, implying in spec.implied_groups:  # innermost first
        pb = table(b, ib)
        if len(implying) == 1 and b not in below and implying[0][0] not in implied:
            (a, ia), = implying
            pa = table(a, ia)
            ratio = np.divide(pa, pb, out=np.zeros_like(pa), where=pb > 0)
            yes = (codes[b] == ib) & (rng.random(len(codes[a])) < np.minimum(ratio, 1.0))
            codes[a] = np.where(yes, ia, 1 - ia)
            continue
        none = np.prod([1.0 - table(a, ia) for a, ia in implying], axis=0)
        some = np.any([codes[a] == ia for a, ia in implying], axis=0)
        rest = np.divide(pb - (1.0 - none), none, out=np.zeros_like(pb), where=none > 0)
        codes[b] = np.where(some | (rng.random(len(codes[b])) < np.clip(rest, 0.0, 1.0)), ib, 1 - ib)


def fit(model: BaseModel, data: pd.DataFrame, *, prior_strength: float = 10.0, max_iter: int = 200, tol: float = 1e-6) -> BaseModel:
    """A new model whose tables are updated from ``data`` (Bayesian, current tables as prior).

    Parameters
    ----------
    model : BaseModel
        The prior model.
    data : pandas.DataFrame
        One case per row, one column per node id (as for
        :meth:`~crampnet.Model.posteriors`); missing cells are unobserved.
        A part of a condition (``model.parts``, a hidden form such as
        ``overt_thyroid_dysfunction``) is fitted from its column like any
        node, as :func:`simulate` writes one: its table keeps the 0 the file
        gives it where its condition is absent (the prior puts no weight
        there), and a row with the part present and its condition absent
        is impossible. Without its column a part keeps its table.
    prior_strength : float, default=10.0
        The equivalent sample size of the prior (BDe): how many cases the
        current tables are worth.
    max_iter : int, default=200
        EM iterations at most (with missing cells).
    tol : float, default=1e-6
        EM stops when no table entry moves by this much or more in an
        iteration; in [:data:`MIN_TOL`, 1), as the entries are probabilities
        and a settled EM still moves them by float rounding (a few 1e-16).

    Returns
    -------
    FittedModel
        A :class:`~crampnet.Model` with the updated tables. Attributes
        ``posterior_counts`` (Dirichlet posterior per fitted node),
        ``prior_strength``, ``cases`` (the rows with an observed cell),
        ``method`` (``"complete"`` or ``"em"``, of those rows),
        ``iterations`` and ``converged``. A fit whose EM reached
        ``max_iter`` says so in the note of every fitted parameter too.

    Raises
    ------
    EvidenceTypeError
        If ``data`` is not a DataFrame.
    InvalidValueError
        If ``prior_strength`` is not a positive number, ``tol`` not one from
        1e-15 to below 1,
        ``max_iter`` not a positive int, or no cell of ``data`` is observed;
        or if EM's float E-step loses a row with missing cells whose
        probability under the model, or under the tables EM has reached,
        is below 1e-200 (it names the row and both probabilities).
    ImpossibleEvidenceError
        If a row has probability zero under the model (it names the row
        and a minimal conflict), with complete data as under EM.

    Warns
    -----
    ConvergenceWarning
        If EM reaches ``max_iter`` first, saying how far its last iteration
        moved a table's entry.
    UserWarning
        If some rows have no observed cell: they carry nothing and are left
        out (the warning and the fitted numbers' note say how many).
    """
    check_model(model, "fit")
    check_frame(data, "data", "fit")
    if isinstance(prior_strength, bool) or not isinstance(prior_strength, numbers.Real) or not math.isfinite(prior_strength) or prior_strength <= 0:
        msg = f"The 'prior_strength' argument of fit must be a positive number. Got {prior_strength!r} instead."
        raise InvalidValueError(msg)
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral) or int(max_iter) < 1:
        msg = f"The 'max_iter' argument of fit must be a positive int. Got {max_iter!r} instead."
        raise InvalidValueError(msg)
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not 0 < tol < 1:  # no probability moves by 1 or more: EM would stop at once, "converged"
        msg = f"The 'tol' argument of fit must be a positive number below 1 (the largest move of a table's probability that counts as converged, e.g. 1e-6). Got {tol!r} instead."
        raise InvalidValueError(msg)
    if tol < MIN_TOL:
        msg = (
            f"The 'tol' argument of fit must be at least {MIN_TOL:g}. Got {tol!r}: once EM has settled, the float rounding of a probability "
            f"(1.1e-16 near 1) still moves its tables by a few 1e-16 every iteration, so a smaller tol is never met and EM would run all max_iter={max_iter} iterations."
        )
        raise InvalidValueError(msg)
    vectors = frame_evidence(model.spec, data)
    observed = {nid: ~np.all(v == v[:, :1], axis=1) for nid, v in vectors.items()}
    fitted = [nid for nid in model.spec.order if nid in observed and observed[nid].any()]
    if not fitted:
        msg = "The 'data' argument of fit has no observed cell: give at least one column naming a node, with values."
        raise InvalidValueError(msg)
    keep = np.any([observed[nid] for nid in fitted], axis=0)
    rows = data.index[keep]
    evidence = {nid: vectors[nid][keep] for nid in fitted}
    empty = _empty_rows(data.index[~keep], len(data), len(rows))
    complete = all(_hard(evidence.get(m)) for nid in fitted for m in (nid, *model.spec.nodes[nid].parents))
    alpha = family_prior(model, fitted, float(prior_strength))
    counts, iterations, converged, moved = expected_counts(model, evidence, fitted, alpha, complete=complete, max_iter=int(max_iter), tol=float(tol), rows=rows)
    if not converged:
        warnings.warn(f"EM stopped after {iterations} iteration{'s' * (iterations != 1)} before the tables moved less than {tol}: the last moved an entry by {moved:.3g}. Raise max_iter (or tol).", ConvergenceWarning, stacklevel=2)
    missing = 1.0 - float(np.mean([observed[nid][keep].mean() for nid in fitted]))
    unsettled = "" if converged else f" without converging (max_iter; the last moved an entry by {moved:.3g}, tol {tol:g})"  # the warning goes, the note stays with the numbers
    how = ("complete data" if complete else f"EM, {iterations} iteration{'s' * (iterations != 1)}{unsettled}, {missing:.0%} of the fitted nodes' cells missing") + empty
    posterior = {nid: alpha[nid] + counts[nid] for nid in fitted}
    return model.refit(fit_result(model, posterior, prior_strength=float(prior_strength), cases=len(rows), method="complete" if complete else "em", iterations=iterations, converged=converged, how=how))


def _empty_rows(labels: pd.Index, total: int, kept: int) -> str:
    """Warn of the rows of ``data`` with no observed cell (left out of the fit) and say so for the parameters' note.

    Parameters
    ----------
    labels : pandas.Index
        The labels of the rows with no observed cell.
    total : int
        Rows of the data.
    kept : int
        Rows fitted (those with an observed cell).

    Returns
    -------
    str
        ``""`` when no row is empty, else ``"; N rows with no observed cell
        left out"``, appended to the note of every fitted number.

    Warns
    -----
    UserWarning
        Naming how many rows were left out and the first of their labels.
    """
    if not len(labels):
        return ""
    shown = ", ".join(str(label) for label in labels[:5]) + (", ..." if len(labels) > 5 else "")
    one = len(labels) == 1
    warnings.warn(f"fit: {len(labels):,} of the {total:,} rows of data {'has' if one else 'have'} no observed cell ({'row' if one else 'rows'} {shown}) and {'carries' if one else 'carry'} nothing; {'it is' if one else 'they are'} left out and the model is fitted to the other {kept:,}.", UserWarning, stacklevel=3)
    return f"; {len(labels):,} {'row' if one else 'rows'} with no observed cell left out"


def _hard(v: np.ndarray | None) -> bool:
    """Every row an indicator (one 1, the rest 0)."""
    return v is not None and bool(np.all((v == 0) | (v == 1)) and np.all(v.sum(axis=1) == 1))

