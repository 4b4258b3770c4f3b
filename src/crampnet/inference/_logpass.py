"""One collect and one distribute pass in log space: exact for evidence of any probability, however small.

The numpy pass (:mod:`crampnet.inference._numpypass`) and the compiled
kernel multiply floats: a clique potential is the product of its factors'
tables, computed once, so an entry such as ``P(c) P(f | c) = 1e-200 *
1e-150`` is 0 there before any evidence is entered, and rescaling the
messages cannot bring it back. Evidence whose probability is below the
smallest float (~1e-308) then came out impossible, or its posteriors were
those of the entries that survived. Here every table, potential and message
is a logarithm (products are sums, sums are log-sum-exps), so nothing
underflows. :meth:`crampnet.inference.engine.JunctionTree.marginals` runs
it for the few cases whose probability of the evidence
is below :data:`SAFE`, where the float passes may have lost terms that
matter.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._cliques import CliqueTree, Factor
>>> from crampnet.inference._logpass import log_marginals
>>> tree = CliqueTree([2, 2], [Factor((0,), np.array([1e-200, 1.0])), Factor((1, 0), np.array([[1e-150, 0.0], [1.0, 1.0]]))])
>>> marginals, log_ev = log_marginals(tree, {1: np.array([[1.0, 0.0]])}, [0])
>>> marginals[0].tolist(), round(float(log_ev[0] / np.log(10)), 6)  # P(x0 | x1 = 0) and log10 P(x1 = 0)
([[1.0, 0.0]], -350.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from crampnet.inference._cliques import CliqueTree

__all__ = ["SAFE", "log_marginals"]

#: Below this probability of the evidence a case runs again in logs
#: (:func:`log_marginals`): above it, what underflow can drop
#: (< 1e-308 per term) is far below the 1e-9 that posteriors promise.
SAFE = 1e-200


def _logsumexp(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """``log(sum(exp(x)))`` over ``axes`` (kept, of size 1), with ``-inf`` where every term is ``-inf``.

    Parameters
    ----------
    x : numpy.ndarray
        Logarithms.
    axes : tuple of int
        The axes summed over.

    Returns
    -------
    numpy.ndarray
        ``x``'s shape with ``axes`` of size 1.
    """
    if not axes:
        return x
    top = np.max(x, axis=axes, keepdims=True)
    shift = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        out: np.ndarray = np.log(np.sum(np.exp(x - shift), axis=axes, keepdims=True)) + shift
    return out


def _log(table: np.ndarray) -> np.ndarray:
    """``log(table)``, ``-inf`` at its zeros.

    Parameters
    ----------
    table : numpy.ndarray
        Nonnegative entries.

    Returns
    -------
    numpy.ndarray
        The logarithms, float64.
    """
    with np.errstate(divide="ignore"):
        out: np.ndarray = np.log(np.asarray(table, dtype=float))
    return out


def log_marginals(tree: CliqueTree, evidence: Mapping[int, np.ndarray], query: Sequence[int], potentials: Sequence[np.ndarray] | None = None) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """Marginals of ``query`` and ``log P(evidence)`` per case, every product and sum taken in logs.

    Parameters
    ----------
    tree : CliqueTree
        The tree; its factor tables must have no negative entry.
    evidence : mapping of int to numpy.ndarray
        ``evidence[v]`` has shape ``(n, cards[v])`` or ``(1, cards[v])``:
        nonnegative likelihoods.
    query : sequence of int
        Variables whose marginals are returned.
    potentials : sequence of numpy.ndarray, optional
        The log clique potentials to use instead of the tree's tables, one
        per clique with the cases last, shape ``(*cards of the clique, n)``
        or ``(..., 1)`` (the Monte Carlo draws give each case its own
        tables: :mod:`crampnet.trust._logdraws`).

    Returns
    -------
    marginals : dict of int to numpy.ndarray
        ``marginals[v][case, state]``, normalised; NaN where the evidence of
        a case has probability zero.
    log_evidence : numpy.ndarray
        ``(n,)``: the log of the sum of the product of the tables and the
        likelihoods (``-inf`` where it is exactly zero).
    """
    n = max((e.shape[0] for e in [*evidence.values(), *(p.T for p in potentials or ())]), default=1)
    cards, cliques = tree.cards, tree.cliques
    if potentials is None:
        psi = [np.zeros([cards[v] for v in cl] + [1]) for cl in cliques]
        for table, scope, home in zip(tree._tables, tree.scopes, tree.factor_home, strict=True):
            psi[home] = psi[home] + tree._expand(_log(table), scope, cliques[home])[..., None]
    else:
        psi = list(potentials)
    for v, vec in evidence.items():
        shape = [cards[u] if u == v else 1 for u in cliques[tree.home[v]]] + [vec.shape[0]]
        psi[tree.home[v]] = psi[tree.home[v]] + _log(vec).T.reshape(shape)
    psi = [np.broadcast_to(p, (*p.shape[:-1], n)) for p in psi]

    def onto(c: int, belief: np.ndarray, target: int) -> np.ndarray:
        """``belief`` of clique ``c`` summed onto its separator with ``target``, laid out along ``target``."""
        keep = set(cliques[c]) & set(cliques[target])
        axes = tuple(i for i, u in enumerate(cliques[c]) if u not in keep)
        summed = _logsumexp(belief, axes)
        return summed.reshape([cards[u] if u in keep else 1 for u in cliques[target]] + [n])

    up: dict[int, np.ndarray] = {}
    for c in reversed(tree.order):
        belief = psi[c] + sum((up[d] for d in tree.children[c]), np.zeros(1))
        if c in tree.parent:
            up[c] = onto(c, belief, tree.parent[c])
    down: dict[int, np.ndarray] = {}
    beliefs: dict[int, np.ndarray] = {}
    for c in tree.order:
        belief = psi[c] + down.get(c, np.zeros(1)) + sum((up[d] for d in tree.children[c]), np.zeros(1))
        beliefs[c] = belief
        for d in tree.children[c]:
            # Dividing out d's own message is a subtraction, exact to rounding unless it is -inf somewhere.
            rest = belief - up[d] if np.all(np.isfinite(up[d])) else _without(tree, c, d, psi, down, up)
            down[d] = onto(c, rest, d)
    root = beliefs[tree.root]
    log_evidence = _logsumexp(root, tuple(range(root.ndim - 1))).reshape(n) if cliques else np.zeros(n)
    marginals: dict[int, np.ndarray] = {}
    for v in query:
        c = tree.home[v]
        axes = tuple(i for i, u in enumerate(cliques[c]) if u != v)
        table = _logsumexp(beliefs[c], axes).reshape(cards[v], n)
        with np.errstate(invalid="ignore"):
            marginals[v] = np.where(np.isfinite(log_evidence)[None, :], np.exp(table - log_evidence[None, :]), np.nan).T
    return marginals, log_evidence


def _without(tree: CliqueTree, c: int, d: int, psi: list[np.ndarray], down: Mapping[int, np.ndarray], up: Mapping[int, np.ndarray]) -> np.ndarray:
    """Clique ``c``'s belief without child ``d``'s message: its potential, its downward message and its other children's messages.

    Parameters
    ----------
    tree : CliqueTree
        The tree.
    c, d : int
        The clique and the child the message goes to.
    psi : list of numpy.ndarray
        Log potentials with the evidence entered, cases last.
    down, up : mapping of int to numpy.ndarray
        The log messages computed so far, laid out along the clique that receives them.

    Returns
    -------
    numpy.ndarray
        The sum of those logs (subtracting ``up[d]`` instead is wrong where it is ``-inf``).
    """
    belief: np.ndarray = psi[c] + down.get(c, np.zeros(1))
    for e in tree.children[c]:
        if e != d:
            belief = belief + up[e]
    return belief
