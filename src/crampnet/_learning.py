"""The machinery of :func:`crampnet.simulate.fit`: prior pseudo-counts, counts, EM, the fitted model.

Examples
--------
>>> import crampnet
>>> from crampnet._learning import family_prior
>>> model = crampnet.load()
>>> alpha = family_prior(model, ["urge_to_move"], 10.0)
>>> round(float(alpha["urge_to_move"].sum()), 6)
10.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet._montecarlo import CHUNK_ENTRIES, FamilyTree, engine_factors, relevant_nodes
from crampnet.batch import batch_evidence
from crampnet.compiled import CompiledNetwork
from crampnet.engine import Factor, JunctionTree
from crampnet.evidence import resolve_id
from crampnet.exceptions import ImpossibleEvidenceError, InvalidValueError
from crampnet.model import Model
from crampnet.spec import NetworkSpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FittedModel", "expected_counts", "family_prior", "frame_evidence"]

#: The citation of fitted parameters in ``parameters()``.
FITTED_CITATION = "Bayesian update of the network's parameters from data (crampnet fit)"


def frame_evidence(spec: NetworkSpec, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Likelihood arrays per column, as :func:`crampnet.batch.batch_evidence`.

    Categorical columns whose categories are the node's state names (the
    output of :func:`crampnet.simulate.simulate`) are converted from their
    codes in one step; other columns go through ``batch_evidence``.
    """
    import pandas as pd

    fast: dict[str, np.ndarray] = {}
    slow = []
    for column in frame.columns:
        series = frame[column]
        nid = resolve_id(spec, column, "the DataFrame's columns")
        states = spec.nodes[nid].states
        if isinstance(series.dtype, pd.CategoricalDtype) and all(isinstance(c, str) and c in states for c in series.cat.categories) and nid not in fast:
            lookup = np.array([states.index(c) for c in series.cat.categories] + [-1], dtype=np.intp)
            codes = lookup[series.cat.codes.to_numpy()]
            arr = np.zeros((len(frame), len(states)))
            arr[np.arange(len(frame)), codes] = 1.0
            arr[codes < 0] = 1.0
            fast[nid] = arr
        else:
            slow.append(column)
    out = batch_evidence(spec, frame[slow]) if slow else {}
    for nid in set(out) & set(fast):
        msg = f"The DataFrame gives {nid} twice (two columns name the same node)."
        raise InvalidValueError(msg)
    return {**fast, **out}


def _family_tree(model: Model, fitted: Sequence[str]) -> tuple[FamilyTree, list[str]]:
    nodes = relevant_nodes(model, fitted)
    var = {nid: i for i, nid in enumerate(nodes)}
    spec = model.spec
    cards = [len(spec.nodes[nid].states) for nid in nodes]
    scopes = [(var[nid], *(var[p] for p in spec.nodes[nid].parents)) for nid in nodes]
    return FamilyTree(cards, scopes, [model.compiled.tables[nid] for nid in nodes]), nodes


def family_prior(model: Model, fitted: Sequence[str], strength: float) -> dict[str, np.ndarray]:
    """BDe pseudo-counts: ``strength * P(node, parents)`` under the model, per fitted node."""
    tree, nodes = _family_tree(model, fitted)
    families, _ = tree.families({}, tree.potentials([model.compiled.tables[nid] for nid in nodes]))
    return {nid: strength * families[nodes.index(nid)][0] for nid in fitted}


def expected_counts(model: Model, evidence: Mapping[str, np.ndarray], fitted: Sequence[str], alpha: Mapping[str, np.ndarray], *, complete: bool, max_iter: int, tol: float, rows: pd.Index) -> tuple[dict[str, np.ndarray], int, bool]:
    """Counts (complete data) or EM's expected counts at convergence, per fitted node.

    Returns the counts, the number of EM iterations (0 for complete data) and
    whether EM converged.
    """
    spec = model.spec
    if complete:
        counts = {}
        for nid in fitted:
            family = (nid, *spec.nodes[nid].parents)
            codes = tuple(np.argmax(evidence[m], axis=1) for m in family)
            table = np.zeros(alpha[nid].shape)
            np.add.at(table, codes, 1.0)
            counts[nid] = table
        return counts, 0, True
    tree, nodes = _family_tree(model, fitted)
    var = {nid: i for i, nid in enumerate(nodes)}
    matrix = np.ascontiguousarray(np.hstack([evidence[nid] for nid in fitted]))
    rows_as_bytes = matrix.view(np.dtype((np.void, matrix.dtype.itemsize * matrix.shape[1]))).ravel()
    _, first, weights = np.unique(rows_as_bytes, return_index=True, return_counts=True)
    patterns = matrix[first]
    widths = np.cumsum([0] + [evidence[nid].shape[1] for nid in fitted])
    cases = {var[nid]: patterns[:, widths[k] : widths[k + 1]] for k, nid in enumerate(fitted)}
    tables = {nid: model.compiled.tables[nid] for nid in nodes}
    chunk = max(1, CHUNK_ENTRIES // max(1, tree.per_row))
    counts = {nid: np.zeros(alpha[nid].shape) for nid in fitted}
    for iteration in range(1, max_iter + 1):
        pots = tree.potentials([tables[nid] for nid in nodes])
        counts = {nid: np.zeros(alpha[nid].shape) for nid in fitted}
        for start in range(0, len(patterns), chunk):
            part = {v: e[start : start + chunk] for v, e in cases.items()}
            families, log_ev = tree.families(part, pots)
            bad = np.flatnonzero(~np.isfinite(log_ev))
            if bad.size:
                label = rows[int(first[start + int(bad[0])])]
                msg = f"Row {label!r} of the data has probability zero under the model, so EM cannot use it: drop or correct it."
                raise ImpossibleEvidenceError(msg, [], label)
            w = weights[start : start + chunk].astype(float)
            for nid in fitted:
                counts[nid] += np.tensordot(w, families[var[nid]], axes=1)
        moved = 0.0
        for nid in fitted:
            new = _posterior_mean(alpha[nid] + counts[nid], tables[nid])
            moved = max(moved, float(np.abs(new - tables[nid]).max()))
            tables[nid] = new
        if moved < tol:
            return counts, iteration, True
    return counts, max_iter, False


def _posterior_mean(counts: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Normalise over the child axis; columns with no mass keep ``fallback``."""
    total = counts.sum(axis=0, keepdims=True)
    out: np.ndarray = np.where(total > 0, counts / np.where(total > 0, total, 1.0), fallback)
    return out


class _FittedCompiled(CompiledNetwork):
    """The base network compiled with fitted tables; fitted nodes are never factored.

    (A fitted table is a general table, not noisy-OR/MAX, so the
    noisy-OR/MAX factorisation of :mod:`crampnet.decompose` must skip it.)
    """

    def __init__(self, base: CompiledNetwork, tables: Mapping[str, np.ndarray], whole: frozenset[str]) -> None:
        self._whole = whole
        super().__init__(base.spec, base.population)
        self.tables = dict(tables)
        scopes, factors = engine_factors(self, {nid: t[None] for nid, t in self.tables.items()})
        self.tree = JunctionTree(self.tree.cards, [Factor(scope, t[0]) for scope, t in zip(scopes, factors, strict=True)])

    def _decomposable(self, nid: str, threshold: int) -> bool:
        """Never factor a fitted node (used when the network factors noisy nodes)."""
        base = getattr(super(), "_decomposable", None)
        return nid not in self._whole and base is not None and bool(base(nid, threshold))


class FittedModel(Model):
    """A :class:`~crampnet.Model` whose tables were updated from data.

    Made by :func:`crampnet.simulate.fit`; ``parameters()`` marks the updated
    numbers ``source = "fitted"``.

    Attributes
    ----------
    posterior_counts : dict of str to numpy.ndarray
        The Dirichlet posterior (prior pseudo-counts plus counts) of each
        fitted node's table, one distribution per parent configuration.
    prior_strength : float
        The equivalent sample size of the prior.
    cases : int
        Rows of the data.
    method : str
        ``"complete"`` or ``"em"``.
    iterations : int
        EM iterations (0 for complete data).
    converged : bool
        Whether EM converged.
    """

    def __init__(self, base: Model, posterior_counts: Mapping[str, np.ndarray], *, prior_strength: float, cases: int, method: str, iterations: int, converged: bool, how: str) -> None:
        cached = {name for klass in type(base).__mro__ for name, value in vars(klass).items() if isinstance(value, cached_property)}
        self.__dict__.update({k: v for k, v in vars(base).items() if k not in cached})
        tables = dict(base.compiled.tables)
        for nid, counts in posterior_counts.items():
            tables[nid] = _posterior_mean(counts, base.compiled.tables[nid])
        self.compiled = _FittedCompiled(base.compiled, tables, frozenset(posterior_counts))
        self.posterior_counts = {nid: np.array(c, dtype=float) for nid, c in posterior_counts.items()}
        self.prior_strength, self.cases, self.method = prior_strength, cases, method
        self.iterations, self.converged = iterations, converged
        self._parameters = _fitted_parameters(base, tables, self.posterior_counts, f"Dirichlet posterior mean: prior = the previous parameters worth {prior_strength:g} cases (BDe equivalent sample size), updated with {cases} cases ({how})")

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f", fitted to {self.cases} cases (prior_strength={self.prior_strength:g})>"

    def parameters(self) -> pd.DataFrame:
        """Every number with its source; fitted numbers say ``source = "fitted"``."""
        return self._parameters.copy()


def _fitted_parameters(base: Model, tables: Mapping[str, np.ndarray], counts: Mapping[str, np.ndarray], note: str) -> pd.DataFrame:
    import pandas as pd
    from scipy.special import betaincinv  # type: ignore[import-untyped,unused-ignore]

    from crampnet.uncertainty import COVERAGE

    spec = base.spec
    frame = base.parameters()
    frame = frame[~frame["node"].isin(list(counts))]
    tail = (1.0 - COVERAGE) / 2.0
    rows: list[dict[str, Any]] = []
    for nid, alpha in counts.items():
        node = spec.nodes[nid]
        total = alpha.sum(axis=0)
        old = base.compiled.tables[nid]
        for config in np.ndindex(*alpha.shape[1:]):
            when = ", ".join(f"{p}={spec.nodes[p].states[i]}" for p, i in zip(node.parents, config, strict=True))
            for k, state in enumerate(node.states):
                a, a0 = float(alpha[(k, *config)]), float(total[config])
                low, high = (betaincinv(a, a0 - a, [tail, 1 - tail]).tolist() if 0 < a < a0 else (a / a0 if a0 > 0 else np.nan,) * 2)
                rows.append({
                    "node": nid, "role": node.role, "model": "table", "kind": "row" if node.parents else "prior",
                    "parent": ",".join(node.parents) or None, "parent_state": when or None, "state": state,
                    "value": float(tables[nid][(k, *config)]), "low": low, "high": high, "source": "fitted",
                    "citation": FITTED_CITATION, "reason": None,
                    "note": f"{note}; was {float(old[(k, *config)]):.4g}",
                })
    fitted = pd.DataFrame(rows, columns=frame.columns)
    return pd.concat([frame, fitted], ignore_index=True)
