"""Monte Carlo draws whose evidence is below the float range, run again in log space (for ``crampnet.trust._montecarlo._batch``).

The draws' passes multiply floats: a clique potential such as ``P(c) P(f |
c) = 1e-200 * 1e-150`` is 0 there, so evidence of probability below ~1e-308
came out impossible in every draw (and ``posterior_intervals`` refused it)
where :meth:`crampnet.Model.posteriors` answers it exactly in logs
(:mod:`crampnet.inference._logpass`). The draws whose ``P(evidence)`` is
below :data:`~crampnet.inference._logpass.SAFE` run that same log pass here,
on the tree that keeps every observed node, with each draw's own tables as
log potentials. Only such draws pay for it: with every draw forced through
it, a case of four findings on the shipped network took about 13 ms a draw
more than the float passes' 10.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.trust._logdraws import below_safe
>>> model = crampnet.load()
>>> out, log_ev = np.array([[0.5]]), np.array([-1.0])
>>> below_safe(model, None, {}, lambda part: {}, np.zeros((1, 0)), [], out, log_ev)[1].tolist()  # nothing below SAFE: as given
[-1.0]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NoReturn

import numpy as np

from crampnet.inference._logpass import SAFE, log_marginals
from crampnet.trust._parameters import parameter_space

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.trust._pruned import Pruned

__all__ = ["LOG_CHUNK_ENTRIES", "below_safe", "lost"]

#: Clique entries per chunk of draws in the log pass (each held a few times over: potentials, messages, beliefs).
LOG_CHUNK_ENTRIES = 2_000_000


def below_safe(
    model: BaseModel, wide: Pruned | None, kept: Mapping[str, np.ndarray], likelihoods: Callable[[np.ndarray], Mapping[str, list[np.ndarray]]],
    theta: np.ndarray, asked: Sequence[tuple[str, int]], out: np.ndarray, log_out: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``out`` and ``log_out`` (updated in place) with the draws below :data:`~crampnet.inference._logpass.SAFE` run again in logs.

    Parameters
    ----------
    model : BaseModel
        The model whose parameter space ``theta`` fills.
    wide : Pruned or None
        The tree that keeps every observed node (no signed findings, no
        absorbed nodes); None only when no draw is below SAFE.
    kept : mapping of str to numpy.ndarray
        The evidence vectors of the observed nodes in the tree, shape
        ``(1, card)``.
    likelihoods : callable
        Given rows of ``theta``, the per-draw likelihood vectors on the
        parents of the noisy-OR findings summed out of the tree, shape
        ``(rows, card)`` each, per parent.
    theta : numpy.ndarray
        The draws' parameters, shape ``(draws, n_slots)``.
    asked : sequence of (str, int)
        The queried nodes and the state whose probability is given.
    out : numpy.ndarray
        The float pass's posteriors, shape ``(draws, len(asked))`` (NaN
        where it found the evidence impossible).
    log_out : numpy.ndarray
        Its ``log P(evidence)`` per draw.

    Returns
    -------
    out : numpy.ndarray
        ``out``, the draws whose ``log_out`` is below ``log(SAFE)`` (raised
        by the log of the largest likelihood above 1) replaced by the log
        pass's posteriors: exact however small ``P(evidence)``, NaN only
        where it is exactly 0.
    log_out : numpy.ndarray
        ``log_out``, those draws' ``log P(evidence)`` replaced likewise.
    """
    floor = np.log(SAFE) + sum(np.log(max(float(np.max(v)), 1.0)) for v in kept.values())
    again = np.flatnonzero(~(log_out >= floor))
    if again.size == 0 or wide is None or any(float(np.min(v)) < 0.0 for v in kept.values()):
        return out, log_out
    space, tree = parameter_space(model), wide.tree
    targets = [wide.var[q] for q, _ in asked]
    chunk = max(1, LOG_CHUNK_ENTRIES // max(1, wide.per_row))
    for start in range(0, again.size, chunk):
        rows = again[start : start + chunk]
        part = theta[rows]
        pots = wide.log_potentials(space.tables(part, wide.nodes))
        vectors = [(wide.var[nid], v) for nid, v in kept.items()] + [(wide.var[nid], v) for nid, vs in likelihoods(part).items() for v in vs]
        with np.errstate(divide="ignore"):
            for var, vec in vectors:  # each vector's log added on its own: their product could underflow
                home = tree.home[var]
                shape = [tree.cards[u] if u == var else 1 for u in tree.cliques[home]] + [-1]
                pots[home] = pots[home] + np.log(np.asarray(vec, dtype=float)).T.reshape(shape)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            marginals, log_ev = log_marginals(tree, {}, targets, potentials=pots)
        for j, (var, (_, state)) in enumerate(zip(targets, asked, strict=True)):
            out[rows, j] = np.broadcast_to(marginals[var][:, state], (rows.size,))
        log_out[rows] = np.broadcast_to(log_ev, (rows.size,))
    return out, log_out


def lost(caller: str) -> NoReturn:
    """Raise the internal error for evidence whose posteriors under the file's values the Monte Carlo pass lost though ``posteriors`` answers it.

    The draws' float passes lose evidence below ~1e-308, and
    ``posterior_intervals`` and ``sensitivity`` used to refuse it, asking
    for larger likelihoods; :func:`below_safe` now runs such draws in logs,
    exact however small ``P(evidence)`` (NaN only where it is exactly 0,
    when ``posteriors`` raises ``ImpossibleEvidenceError`` first). So this
    is a broken invariant, said as one, not advice to the user.

    Parameters
    ----------
    caller : str
        The public function's name, for the message.

    Raises
    ------
    AssertionError
        Always, saying that it is crampnet's fault and asking for a report.
    """
    msg = f"{caller}: the Monte Carlo pass found this evidence impossible under the network's own numbers, which posteriors answers; this is a crampnet bug, please report it with the evidence."
    raise AssertionError(msg)
