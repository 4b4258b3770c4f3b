"""Quantiles of Beta distributions at any size of their shape parameters.

A fitted table's entry is Beta-distributed with the Dirichlet posterior's
counts as its shapes, and ``fit(..., prior_strength=1e30)`` makes them 1e30.
scipy's ``betaincinv`` is exact at moderate shapes but slows as they grow
(about 0.4 ms a quantile at ``a + b = 1e12``, 40 ms at 1e20, so a fitted
network's ~57,000 entries took over half an hour), drifts from the right
answer past about 1e13 and returns NaN past about 1e17 (and near 1e-200,
where ``b`` is near 1e200). It also misses outright at ``a = 1000``
exactly with ``b`` above about 9000 (the 97.5% quantile of
Beta(1000, 9091.9) comes back 0.251, not 0.105), so its answers are checked
against ``betainc``, the forward function.

:func:`beta_quantiles` takes scipy's answer where both shapes are at most
:data:`EXACT_LIMIT` and the answer passes that check, and otherwise the
asymptotic limit that fits, each to about 1e-7 of the Beta's standard
deviation or better beyond :data:`EXACT_LIMIT`:

- **one shape small** (``min(a, b) <= sqrt(max(a, b))``): with ``b`` large,
  ``b X / (1 - X)`` is Gamma(``a``) distributed up to a relative ``1 / b``,
  whose first term (the spread of the Gamma(``b``) in the denominator) is
  corrected here; with ``a`` large the same holds of ``1 - X`` with the
  shapes swapped;
- **both large**: the normal with the Beta's mean and variance, corrected
  for its skewness and kurtosis (the Cornish-Fisher expansion to second
  order).

Examples
--------
>>> from crampnet.trust._betaquantiles import beta_quantiles
>>> [round(float(q), 4) for q in beta_quantiles(2.0, 3.0, [0.025, 0.975])]
[0.0676, 0.8059]
>>> low, high = beta_quantiles(1e30, 1e30, [0.025, 0.975])
>>> bool(low < 0.5 < high)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["EXACT_LIMIT", "beta_quantiles"]

#: Shapes up to this go to scipy's ``betaincinv`` (about 40 microseconds a quantile there); larger ones to the asymptotic limits.
EXACT_LIMIT = 1e8
#: scipy's ``gammaincinv`` is used up to this shape; beyond it, the Cornish-Fisher expansion of the Gamma.
_GAMMA_LIMIT = 1e10
#: A quantile of scipy's whose ``betainc`` misses ``p`` by more than this share of ``min(p, 1 - p)`` is checked against the limit.
_CHECK = 1e-6
#: Newton steps from the limit when scipy's answer is in doubt.
_STEPS = 4


def beta_quantiles(a: ArrayLike, b: ArrayLike, p: ArrayLike) -> np.ndarray:
    """The ``p`` quantiles of Beta(``a``, ``b``), broadcast, exact at moderate shapes and asymptotic beyond.

    Parameters
    ----------
    a, b : array_like of float
        The shapes, each positive, with a finite sum.
    p : array_like of float
        The probabilities, each in (0, 1).

    Returns
    -------
    numpy.ndarray
        The quantiles, in [0, 1], of the broadcast shape of ``a``, ``b``
        and ``p``: scipy's ``betaincinv`` where both shapes are at most
        :data:`EXACT_LIMIT` (unless ``betainc`` does not put ``p``
        between the CDF at its answer's neighbouring floats: then
        whichever of it and the limit, refined by Newton steps,
        ``betainc`` finds nearer ``p``), the limits of the module's
        docstring elsewhere. A quantile below the smallest normal float
        is 0 or that float.

    Examples
    --------
    >>> float(beta_quantiles(1.0, 1.0, 0.3))
    0.3
    """
    from scipy.special import betainc, betaincinv  # type: ignore[import-untyped,unused-ignore]

    a_, b_, p_ = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (a, b, p)))
    out = np.empty(a_.shape)
    exact = np.maximum(a_, b_) <= EXACT_LIMIT
    out[~exact] = _limit(a_[~exact], b_[~exact], p_[~exact])
    if exact.any():
        a1, b1, p1 = a_[exact], b_[exact], p_[exact]
        with np.errstate(invalid="ignore"):
            q = np.asarray(betaincinv(a1, b1, p1), dtype=float)
            # p lies between the CDF at q's neighbouring floats (0 below the smallest normal one, where
            # scipy stops): q is as near as a float gets, 1.0 for 1 - 1e-125 too.
            slack = _CHECK * np.minimum(p1, 1.0 - p1)
            below = np.where(q <= np.finfo(float).tiny, 0.0, np.nextafter(q, 0.0))
            doubt = ~((betainc(a1, b1, below) - slack <= p1) & (p1 <= betainc(a1, b1, np.nextafter(q, 1.0)) + slack))  # NaN too
        if doubt.any():
            a2, b2, p2 = a1[doubt], b1[doubt], p1[doubt]
            other = _polish(a2, b2, p2, _limit(a2, b2, p2))
            with np.errstate(invalid="ignore"):
                better = ~(np.abs(betainc(a2, b2, q[doubt]) - p2) <= np.abs(betainc(a2, b2, other) - p2))
            q[doubt] = np.where(better, other, q[doubt])
        _below_normal(a1, b1, p1, q)
        out[exact] = q
    return out


def _below_normal(a: np.ndarray, b: np.ndarray, p: np.ndarray, q: np.ndarray) -> None:
    """Replace, in place, scipy's floor ``q`` = the smallest normal float by the quantile below it.

    ``betaincinv`` stops at ~2.2e-308 where the quantile is smaller (the 2.5%
    quantile of Beta(1e-5, 50) is near 10^-160,000), which a fitted entry
    with tiny pseudo-counts showed as its ``low``. There ``betainc(a, b, x)``
    is ``x^a / (a B(a, b))`` to a relative ``x``, so the quantile is
    ``(p a B(a, b))^(1 / a)``: a subnormal float, or 0.0 below them.

    Parameters
    ----------
    a, b : numpy.ndarray
        The shapes.
    p : numpy.ndarray
        The probabilities.
    q : numpy.ndarray
        scipy's quantiles, updated where they are at the floor.
    """
    from scipy.special import betaln  # type: ignore[import-untyped,unused-ignore]

    floor = q <= np.finfo(float).tiny
    if floor.any():
        a3, b3, p3 = a[floor], b[floor], p[floor]
        with np.errstate(divide="ignore", over="ignore", under="ignore"):  # p = 0 or a near 1e-300: the log is -inf, the quantile 0
            q[floor] = np.minimum(q[floor], np.exp((np.log(p3) + np.log(a3) + betaln(a3, b3)) / a3))


def _polish(a: np.ndarray, b: np.ndarray, p: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``x`` moved by Newton steps on ``betainc(a, b, x) = p``, for shapes where ``betainc`` is exact (up to :data:`EXACT_LIMIT`).

    The asymptotic limits are off by up to ~1e-4 standard deviations at
    shapes near 1e4; a few steps from there give the quantile to the
    float's resolution. A step that would leave (0, 1) is not taken.

    Parameters
    ----------
    a, b : numpy.ndarray
        The shapes.
    p : numpy.ndarray
        The probabilities.
    x : numpy.ndarray
        The starting quantiles.

    Returns
    -------
    numpy.ndarray
        The improved quantiles.
    """
    from scipy.special import betainc, betaln  # type: ignore[import-untyped,unused-ignore]

    for _ in range(_STEPS):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            density = np.exp((a - 1.0) * np.log(x) + (b - 1.0) * np.log1p(-x) - betaln(a, b))
            moved = x - (betainc(a, b, x) - p) / density
        x = np.where(np.isfinite(moved) & (moved > 0.0) & (moved < 1.0), moved, x)
    return x


def _limit(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The asymptotic ``p`` quantiles of Beta(``a``, ``b``): the Gamma limit on the small shape's side, else the corrected normal.

    Parameters
    ----------
    a, b : numpy.ndarray
        The shapes, positive and finite, of one shape.
    p : numpy.ndarray
        The probabilities, in (0, 1), of the same shape.

    Returns
    -------
    numpy.ndarray
        The quantiles, clipped to [0, 1].
    """
    small, large = np.minimum(a, b), np.maximum(a, b)
    gamma = small <= np.sqrt(large)
    out = np.empty(a.shape)
    left = gamma & (a <= b)  # b X / (1 - X) is about Gamma(a)
    y = _corrected_gamma(a[left], b[left], p[left])
    out[left] = y / (b[left] + y)
    right = gamma & (a > b)  # a (1 - X) / X is about Gamma(b), at 1 - p
    y = _corrected_gamma(b[right], a[right], 1.0 - p[right])
    out[right] = a[right] / (a[right] + y)
    out[~gamma] = _cornish_fisher(a[~gamma], b[~gamma], p[~gamma])
    return np.clip(out, 0.0, 1.0)


def _corrected_gamma(shape: np.ndarray, other: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The ``p`` quantiles of ``other X / (1 - X)``, X Beta(``shape``, ``other``): Gamma(``shape``)'s, corrected to first order in ``1 / other``.

    Conditioned on the large Gamma ``G`` (mean and variance ``other``), the
    small one is below ``y G / other`` with probability ``F(y G / other)``;
    averaging over ``G`` adds ``y**2 F''(y) / (2 other)``, and
    ``F''(y) / F'(y) = (shape - 1) / y - 1`` for a Gamma, so the quantile
    ``y`` of the Gamma moves by ``y (y - shape + 1) / (2 other)``.

    Parameters
    ----------
    shape : numpy.ndarray
        The small shape.
    other : numpy.ndarray
        The large shape.
    p : numpy.ndarray
        The probabilities.

    Returns
    -------
    numpy.ndarray
        The corrected quantiles (of ``other X / (1 - X)`` for X Beta(``shape``, ``other``)).
    """
    y = _gamma_quantiles(shape, p)
    out: np.ndarray = y + y * ((y - shape + 1.0) / other) * 0.5  # divided first: other may be near the largest float
    return out


def _gamma_quantiles(shape: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The ``p`` quantiles of Gamma(``shape``): scipy up to ``_GAMMA_LIMIT``, the Cornish-Fisher expansion beyond.

    scipy's ``gammaincinv`` drifts past about 1e15 (its 97.5% quantile at
    1e25 is 4e-5 standard deviations off); beyond 1e10 the expansion's next
    term is below 1e-15 of a standard deviation.

    Parameters
    ----------
    shape : numpy.ndarray
        The shapes, positive.
    p : numpy.ndarray
        The probabilities.

    Returns
    -------
    numpy.ndarray
        The quantiles (0 where they are below the smallest float).
    """
    from scipy.special import gammaincinv, ndtri  # type: ignore[import-untyped,unused-ignore]

    out = np.empty(shape.shape)
    exact = shape <= _GAMMA_LIMIT
    out[exact] = gammaincinv(shape[exact], p[exact])
    root, z = np.sqrt(shape[~exact]), ndtri(p[~exact])
    out[~exact] = shape[~exact] + root * z + (z * z - 1.0) / 3.0 + (z**3 - 7.0 * z) / (36.0 * root)
    return out


def _cornish_fisher(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The ``p`` quantiles of Beta(``a``, ``b``) from its mean, variance, skewness and kurtosis (Cornish-Fisher, second order).

    Written in the mean ``a / (a + b)`` and its complement, so shapes up to
    the float range neither overflow nor cancel.

    Parameters
    ----------
    a, b : numpy.ndarray
        The shapes, both large.
    p : numpy.ndarray
        The probabilities.

    Returns
    -------
    numpy.ndarray
        The quantiles (not clipped).
    """
    from scipy.special import ndtri  # type: ignore[import-untyped,unused-ignore]

    total = a + b
    mean, rest = a / total, b / total
    sd = np.sqrt(mean * rest) / np.sqrt(total + 1.0)
    skew = 2.0 * (rest - mean) / np.sqrt(mean * rest * (total + 2.0)) * np.sqrt((total + 1.0) / (total + 2.0))
    kurt = 6.0 * ((rest - mean) ** 2 * (total + 1.0) / (total + 2.0) - mean * rest) / (mean * rest * (total + 3.0))
    z = ndtri(p)
    w = z + skew / 6.0 * (z * z - 1.0) + kurt / 24.0 * (z**3 - 3.0 * z) - skew * skew / 36.0 * (2.0 * z**3 - 5.0 * z)
    out: np.ndarray = mean + sd * w
    return out
