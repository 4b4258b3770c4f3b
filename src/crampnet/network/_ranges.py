"""Fit distributions to the ranges of a network file.

A probability's ``[low, high]`` becomes a Beta whose central ``coverage``
interval it is (:func:`beta_from_interval`); an odds ratio's or weight's
range a log-normal ``sigma`` (:func:`log_sigma`). Used by
:mod:`crampnet.trust.uncertainty`; scipy is imported inside the functions.

Examples
--------
>>> import numpy as np
>>> from crampnet.network._ranges import log_sigma
>>> round(log_sigma(2.0, 1.0, 4.0, 0.95), 4)
0.3537
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["COVERAGE", "Z95", "beta_from_interval", "log_sigma", "quantile_scale", "usable_range"]

Z95 = 1.959963984540054
#: The probability a file's ``[low, high]`` range is read to hold.
COVERAGE = 0.95


def quantile_scale(coverage: float) -> float:
    """z(coverage) / z(0.95), so log-normal ranges follow ``coverage``.

    Parameters
    ----------
    coverage : float
        The probability a range is read to hold, in (0, 1).

    Returns
    -------
    float
        The normal quantile of ``(1 + coverage) / 2`` divided by
        :data:`Z95`: 1.0 at ``coverage = 0.95``; finite for every coverage
        below 1 (computed from the upper tail, ``(1 - coverage) / 2``).

    Examples
    --------
    >>> round(quantile_scale(0.95), 12)
    1.0
    >>> 4.2 < quantile_scale(0.9999999999999999) < 4.3
    True
    """
    from scipy.special import ndtri  # type: ignore[import-untyped,unused-ignore]

    return float(-ndtri((1.0 - coverage) / 2.0)) / Z95 + 0.0  # + 0.0: no -0.0; not ndtri(0.5 + coverage / 2): that rounds to ndtri(1.0) = inf at coverage 1 - 1e-16


def log_sigma(value: float, low: float | None, high: float | None, coverage: float) -> float | None:
    """Log-normal sigma from a range (None when the file gives none).

    Parameters
    ----------
    value : float
        The positive value (an odds ratio or a weight).
    low, high : float or None
        The file's range; None where it gives no bound.
    coverage : float
        The probability the log-normal puts inside ``[low, high]``.

    Returns
    -------
    float or None
        The sigma that puts ``low`` and ``high`` at the central
        ``coverage`` quantiles; 0.0 for an empty range (``high <= low``);
        with ``low <= 0``, the sigma that puts ``high`` at the upper
        quantile of a log-normal centred on ``value``. None without a
        bound, or with ``low <= 0`` and ``high <= value``.
    """
    if low is None or high is None:
        return None
    z = Z95 * quantile_scale(coverage)
    if high <= low:
        return 0.0
    if low <= 0.0:
        return math.log(high / value) / z if high > value else None
    return (math.log(high) - math.log(low)) / (2.0 * z)


def usable_range(v: float, low: float | None, high: float | None) -> bool:
    """A probability range the Beta can be fitted to (one-sided needs the value inside).

    Parameters
    ----------
    v : float
        The probability.
    low, high : float or None
        Its range; None where the file gives no bound.

    Returns
    -------
    bool
        True for ``0 < low < high < 1``, and for a one-sided range (``low
        <= 0`` or ``high >= 1``, not both) that has ``v`` strictly inside;
        False without both bounds, for an empty range or for ``[0, 1]``.
    """
    if low is None or high is None or not low < high:
        return False
    if low <= 0.0 and high >= 1.0:
        return False
    if low <= 0.0:
        return 0.0 < v < high
    if high >= 1.0:
        return low < v < 1.0
    return True


def beta_from_interval(low: np.ndarray, high: np.ndarray, value: np.ndarray, coverage: float = COVERAGE) -> tuple[np.ndarray, np.ndarray]:
    """Beta shapes whose central ``coverage`` interval is ``[low, high]`` (vectorised).

    Two-sided ranges solve both shapes by nested root finding (outer: the
    concentration ``a + b`` on a log scale; inner: the mean on the logit
    scale, centring the two tails), each by the Illinois method. A range
    with ``low <= 0`` (or ``high >= 1``) is one-sided: the mean stays
    ``value`` and the concentration puts ``high`` (``low``) at the
    ``(1 + coverage) / 2`` (``(1 - coverage) / 2``) quantile: the largest
    such concentration, as the tail beyond the bound need not fall
    steadily with it, and where none does (0.01 in ``[0, 0.22]``: at most
    1.5% above), the one of the largest tail
    (``_one_sided_bracket``).

    Parameters
    ----------
    low, high : numpy.ndarray
        The ranges' bounds, probabilities, one entry per range.
    value : numpy.ndarray
        The point values, inside their ranges; the mean of a one-sided range.
    coverage : float, default=COVERAGE
        The probability the Beta puts inside ``[low, high]``.

    Returns
    -------
    tuple of numpy.ndarray
        ``(a, b)``, the two shapes of each Beta, in the order of the ranges.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.special import betainc
    >>> a, b = beta_from_interval(np.array([0.2]), np.array([0.4]), np.array([0.3]))
    >>> [round(float(betainc(a[0], b[0], x)), 4) for x in (0.2, 0.4)]
    [0.025, 0.975]
    """
    from scipy.special import betainc, expit  # type: ignore[import-untyped,unused-ignore]

    tail = (1.0 - coverage) / 2.0
    lower_open, upper_open = low <= 0.0, high >= 1.0
    two = ~lower_open & ~upper_open
    lo, hi = np.where(lower_open, 0.5, low), np.where(upper_open, 0.5, high)
    fixed_mean: np.ndarray = np.clip(value, 1e-12, 1 - 1e-12)
    logit_lo, logit_hi = np.log(lo) - np.log1p(-lo), np.log(hi) - np.log1p(-hi)

    def mean(k: np.ndarray) -> np.ndarray:
        if not two.any():
            return fixed_mean

        def centre(x: np.ndarray) -> np.ndarray:
            m = expit(x)
            out: np.ndarray = betainc(m * k, (1 - m) * k, lo) + betainc(m * k, (1 - m) * k, hi) - 1.0
            return -out

        centred: np.ndarray = np.where(two, expit(_illinois(centre, logit_lo - 2.0, logit_hi + 2.0)), fixed_mean)
        return centred

    def width(log_k: np.ndarray) -> np.ndarray:
        k = np.exp(log_k)
        m = mean(k)
        f_lo, f_hi = betainc(m * k, (1 - m) * k, lo), betainc(m * k, (1 - m) * k, hi)
        out: np.ndarray = np.where(two, f_hi - f_lo - coverage, np.where(lower_open, f_hi - (1 - tail), tail - f_lo))
        return out

    # Bracket the concentration around its normal approximation.
    sd = np.where(two, hi - lo, np.abs(np.where(lower_open, hi, lo) - fixed_mean)) / (2.0 * Z95)
    centre_k = np.log(np.maximum(fixed_mean * (1 - fixed_mean) / np.maximum(sd, 1e-300) ** 2, 1.0))
    first, last = np.maximum(centre_k - 5.0, math.log(0.5)), np.minimum(centre_k + 5.0, math.log(1e12))
    if not two.all():
        first, last = _one_sided_bracket(fixed_mean, np.where(lower_open, hi, lo), lower_open, tail, two, first, last)
    k = np.exp(_illinois(width, first, last))
    m = mean(k)
    return m * k, (1 - m) * k


def _one_sided_bracket(mean: np.ndarray, bound: np.ndarray, lower_open: np.ndarray, tail: float, two: np.ndarray, first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Brackets of the log concentration of the one-sided ranges: the last upward crossing of their width function on a grid.

    With the mean fixed, the tail beyond the bound is not monotone in the
    concentration ``k``: it tends to the mean's share (``mean`` above a
    high bound, ``1 - mean`` below a low one) as ``k`` goes to 0, to 0 as
    ``k`` grows, and can peak between, so a value far inside its range
    (0.005 in ``[0, 0.03]``) has two roots, or none when the peak stays
    below the tail. The bracket holds the larger root, the narrowest Beta
    with the tail beyond its bound; without a root, both ends sit at the
    grid's largest tail, the closest the Beta can come. The grid runs over
    concentrations from 0.5 (the floor of the two-sided brackets too, short
    of the two-point limit as ``k`` goes to 0) to 1e12.

    Parameters
    ----------
    mean : numpy.ndarray
        The means (the file's values), one per range.
    bound : numpy.ndarray
        The finite bound of each range (``high`` when ``low <= 0``, else ``low``).
    lower_open : numpy.ndarray
        Whether each range starts at 0 (else, for a one-sided range, it ends at 1).
    tail : float
        The probability wanted beyond the bound, ``(1 - coverage) / 2``.
    two : numpy.ndarray
        Whether each range is two-sided (its bracket is kept).
    first, last : numpy.ndarray
        The brackets of the two-sided ranges (log concentration).

    Returns
    -------
    tuple of numpy.ndarray
        ``(first, last)``, the one-sided entries replaced.
    """
    from scipy.special import betainc  # type: ignore[import-untyped,unused-ignore]

    grid = np.linspace(math.log(0.5), math.log(1e12), 401)
    k = np.exp(grid)[:, None]
    beyond = betainc(mean * k, (1 - mean) * k, bound)
    below: np.ndarray = np.where(lower_open, beyond - (1 - tail), tail - beyond) < 0
    top = len(grid) - 1
    crossing = top - np.argmax(below[::-1], axis=0)
    closest = np.argmin(np.where(lower_open, beyond, -beyond), axis=0)
    low_end = np.where(below.any(axis=0), crossing, closest)
    high_end = np.where(below.any(axis=0), np.minimum(crossing + 1, top), closest)
    return np.where(two, first, grid[low_end]), np.where(two, last, grid[high_end])


def _illinois(f: Callable[[np.ndarray], np.ndarray], a: np.ndarray, b: np.ndarray, iterations: int = 60) -> np.ndarray:
    """Roots of an increasing ``f`` in ``[a, b]``, element-wise (Illinois false position).

    Where ``f`` does not change sign on the bracket, the nearer end is returned.
    """
    fa, fb = f(a), f(b)
    stuck_low, stuck_high = fa >= 0, fb <= 0
    first, last = a, b
    for _ in range(iterations):
        denom = fb - fa
        c = np.where(denom != 0, b - fb * (b - a) / np.where(denom != 0, denom, 1.0), 0.5 * (a + b))
        c = np.clip(c, np.minimum(a, b), np.maximum(a, b))
        fc = f(c)
        flip = fc * fb < 0
        a, fa = np.where(flip, b, a), np.where(flip, fb, fa * 0.5)
        b, fb = c, fc
        if np.all((np.abs(fc) < 1e-12) | (np.abs(b - a) < 1e-12) | stuck_low | stuck_high):
            break
    out: np.ndarray = np.where(stuck_low, first, np.where(stuck_high, last, b))
    return out
