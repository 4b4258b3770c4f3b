r"""Sufficiency's rows of a noisy finding as positive products: ``S = k`` and ``S* = k`` together.

With the draws of ``crampnet.reasoning._product_terms`` (C common to
both worlds, A factual-only, B twin-only, independent given the parents),
``S = S* = k`` is the disjoint union of ``C = k, A <= k, B <= k`` and ``C <
k, A = k, B = k``. Each ``= k`` is a union over the draws in a fixed order
("this one at k, those before it below k, those after at most k"), so every
row is the probability of an event inside ``S = S* = k``: a rare condition's
sufficiency keeps its relative precision (written as ``P(S = k, S* <= k)``
less ``P(S = k, S* < k)`` it cancelled from ``P(S = k)``: 0 for a condition
of posterior 7e-45).

Examples
--------
>>> import numpy as np
>>> from crampnet.reasoning._stay_rows import stay_rows
>>> pmf = {"d": np.array([[0.2, 1.0], [0.8, 0.0]])}  # d present links 0.8, absent none
>>> [(c, f["d"], sorted(j), alone) for c, f, j, alone in stay_rows(["d"], pmf, {"d": 1}, 1, 0.1, 0.9)]
[(0.1, (1.0, 1.0), [], 1), (0.9, (0.0, 0.0), ['d'], 1), (0.9, (0.0, 0.0), ['d'], -1), (0.9, (1.0, 1.0), [], 0)]

Cured, d leaves ``S = S* = 1`` to the leak alone (the rows of 0 drop out);
left alone, the last row with its factor ``(0.8, 0.0)`` adds its own draw.
"""

from __future__ import annotations

import numpy as np

__all__ = ["stay_rows"]

Vec = tuple[float, ...]


def _cdf(pmf: np.ndarray) -> np.ndarray:
    """``P(draw <= level)`` along axis 0, the top level closed at exactly 1 (as the table does)."""
    out: np.ndarray = np.cumsum(pmf, axis=0)
    out[-1] = 1.0
    return out


def stay_rows(
    parents: list[str],
    pmf: dict[str, np.ndarray],
    absent: dict[str, int],
    k: int,
    leak_at: float,
    leak_below: float,
) -> list[tuple[float, dict[str, Vec], frozenset[str], int]]:
    """The rows of ``S = S* = k`` with the parents in ``absent`` cured, and the row of one condition left alone drawn at ``k``.

    Parameters
    ----------
    parents : list of str
        The finding's parents, in the order the unions use.
    pmf : dict of str to numpy.ndarray
        Each parent's link distributions, ``(levels, parent states)``.
    absent : dict of str to int
        The cured parents, each with the index of its target (absent) state.
    k : int
        The level.
    leak_at, leak_below : float
        The leak's probability of drawing ``k`` and of drawing below ``k``.

    Returns
    -------
    list of tuple
        ``(coefficient, factors, involved, alone)``: the row is
        ``coefficient`` times the probability of the evidence without S with
        each parent's vector in ``factors`` as a likelihood; ``involved``
        holds the parents whose row it is (the parent of ``C = k``'s draw at
        ``k``, or the cured pair of ``A = k`` and ``B = k``). A cured parent
        ``D`` not involved, left alone instead (its draw common, last in the
        order), swaps its factor for its CDF at ``k`` (``alone = 1``, rows
        of ``C = k``) or at ``k - 1`` (``alone = -1``, rows of ``C < k``).
        The last row (``alone = 0``) is no row of the cured parents': with
        its factor swapped for its ``p``-factor at ``k``, it is ``D``'s own
        draw at ``k``, after all the others.
    """
    cdf = {p: _cdf(v) for p, v in pmf.items()}

    def factor(p: str, where: int) -> Vec:
        """Parent ``p``'s factor in ``C = k, A <= k, B <= k``: its common draw below (-1), at (0) or at most (1) ``k``."""
        if p not in absent:
            return tuple((cdf[p][k - 1] if where < 0 else pmf[p][k] if where == 0 else cdf[p][k]).tolist())
        a = absent[p]
        other = np.arange(pmf[p].shape[1]) != a
        common = cdf[p][k - 1, a] if where < 0 else pmf[p][k, a] if where == 0 else cdf[p][k, a]
        return tuple(np.where(other, 0.0 if where == 0 else cdf[p][k] * cdf[p][k, a], common).tolist())

    rows = [(leak_at, {p: factor(p, 1) for p in parents}, frozenset[str](), 1)]
    for i, q in enumerate(parents):
        rows.append((leak_below, {p: factor(p, (n > i) - (n < i)) for n, p in enumerate(parents)}, frozenset({q}), 1))
    cured = [p for p in parents if p in absent]
    for j, jj in ((j, jj) for j in cured for jj in cured):  # C < k, A = k (j's draw), B = k (jj's)
        factors = {p: tuple(cdf[p][k - 1].tolist()) for p in parents if p not in absent}
        for p in cured:
            a, n = absent[p], cured.index(p)
            first = cdf[p][k - 1] if n < cured.index(j) else pmf[p][k] if p == j else cdf[p][k]
            twin = cdf[p][k - 1, a] if n < cured.index(jj) else pmf[p][k, a] if p == jj else cdf[p][k, a]
            common = 0.0 if p in (j, jj) else cdf[p][k - 1, a]  # in its absent state it draws neither A nor B
            factors[p] = tuple(np.where(np.arange(pmf[p].shape[1]) != a, first * twin, common).tolist())
        rows.append((leak_below, factors, frozenset({j, jj}), -1))
    rows.append((leak_below, {p: factor(p, -1) for p in parents}, frozenset(), 0))
    return rows
