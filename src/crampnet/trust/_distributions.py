"""The distribution of every parameter of a network, and draws from them.

:func:`distributions` gives each slot of a model's
:class:`~crampnet.trust._space.ParameterSpace` a family and its shape
parameters: a Beta for a probability, a log-normal for an odds ratio or a
mixture weight, a Dirichlet entry for a distribution, fitted to the file's
range or, without one, a default spread of :data:`SOURCED_FACTOR` or
:data:`JUDGMENT_FACTOR`; structural numbers stay fixed. The rules are set
out in :mod:`crampnet.trust.uncertainty`, which re-exports these names.
:func:`draw_parameters` draws whole parameter vectors, vectorised by family.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.trust._distributions import distributions, draw_parameters
>>> model = crampnet.load()
>>> dist = distributions(model)
>>> set(dist.family) <= {"beta", "lognormal", "dirichlet", "fixed"}
True
>>> theta = draw_parameters(model, 4, np.random.default_rng(0))
>>> theta.shape == (4, len(dist.space.slots))
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from crampnet.network._ranges import (
    COVERAGE,
    Z95,
    beta_from_interval,
    log_sigma,
    quantile_scale,
    usable_range,
)
from crampnet.trust._parameters import ParameterSpace, parameter_space

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = [
    "JUDGMENT_FACTOR",
    "SOURCED_FACTOR",
    "Distributions",
    "distributions",
    "draw_parameters",
    "warn_short",
]

#: Without a range, a sourced number is uncertain by this factor (95%).
SOURCED_FACTOR = 2.0
#: Without a range, a judgment is uncertain by this factor (95%).
JUDGMENT_FACTOR = 3.0


@dataclass(frozen=True)
class Distributions:
    """The distribution of every slot of a :class:`~crampnet.trust._parameters.ParameterSpace`.

    Attributes
    ----------
    space : ParameterSpace
        The slots and the batched table builders.
    family : list of str
        Per slot: ``"beta"``, ``"lognormal"``, ``"dirichlet"`` or ``"fixed"``.
    shape1, shape2 : numpy.ndarray
        Per slot: Beta ``a, b``; log-normal ``mu, sigma``; Dirichlet
        ``alpha_i, alpha_0``; NaN when fixed.
    low, high : numpy.ndarray
        Per slot: the range used for sensitivity (the file's, else the
        distribution's central ``coverage`` interval).
    range_source : list of str
        Per slot: ``"file"``, ``"default"``, ``"fitted"`` or ``"fixed"``.
    short : tuple of str
        The one-sided probability ranges whose Beta puts less than half the
        wanted probability beyond the bound (``warn_short``), described.
    """

    space: ParameterSpace
    family: list[str]
    shape1: np.ndarray
    shape2: np.ndarray
    low: np.ndarray
    high: np.ndarray
    range_source: list[str]
    short: tuple[str, ...] = ()


def _sigma(factor: float) -> float:
    return math.log(factor) / Z95


def _default_concentration(p: np.ndarray, judgment: np.ndarray) -> np.ndarray:
    """``a + b`` of the default Beta: the logit-scale spread of the default factor.

    At most the largest float: a sourced probability below ~4.5e-308 would
    need more, and infinite shapes made NaN draws; capped, its Beta keeps
    the value as its mean, a little wider than the default.
    """
    sigma = np.where(judgment, _sigma(JUDGMENT_FACTOR), _sigma(SOURCED_FACTOR))
    with np.errstate(over="ignore"):
        out: np.ndarray = np.minimum(1.0 / (sigma**2 * p * (1.0 - p)) - 1.0, np.finfo(float).max)
    return out


@lru_cache(maxsize=32)
def distributions(model: BaseModel, coverage: float = COVERAGE) -> Distributions:
    """The distribution of every parameter of ``model`` (cached per model and coverage)."""
    space = parameter_space(model)
    n = len(space.slots)
    family = ["fixed"] * n
    source = ["fixed"] * n
    s1, s2 = np.full(n, np.nan), np.full(n, np.nan)
    point = space.point
    low, high = point.copy(), point.copy()
    tail = (1.0 - coverage) / 2.0
    probs = [i for i, s in enumerate(space.slots) if s.kind == "probability"]
    short = _probabilities(space, probs, coverage, family, source, s1, s2)
    for i, slot in enumerate(space.slots):
        if slot.kind != "positive":
            continue
        sigma = log_sigma(slot.value, slot.low, slot.high, coverage)
        if sigma is None:
            sigma, source[i] = _sigma(JUDGMENT_FACTOR if slot.judgment else SOURCED_FACTOR), "default"
        else:
            source[i] = "file"
        if sigma > 0:
            family[i], s1[i], s2[i] = "lognormal", math.log(slot.value), sigma
    fitted = [g for g in range(len(space.groups)) if g in space.alphas]
    if fitted:  # a fit's ~22,000 Dirichlet groups at once: alpha_i and alpha_0 where 0 < alpha_i < alpha_0
        at = np.concatenate([space.groups[g] for g in fitted])
        entries = np.concatenate([space.alphas[g] for g in fitted])
        totals = np.repeat([float(space.alphas[g].sum()) for g in fitted], [len(space.groups[g]) for g in fitted])
        inside = (entries > 0) & (entries < totals)
        s1[at[inside]], s2[at[inside]] = entries[inside], totals[inside]
        for i in at[inside].tolist():
            family[i], source[i] = "dirichlet", "fitted"
    for g, slots in enumerate(space.groups):
        if g in space.alphas:
            continue
        values = point[slots]
        inner = values[(values > 0) & (values < 1)]
        if inner.size == 0:
            continue
        ranged = _range_concentration(space, slots, coverage)
        if ranged is not None:
            alpha, how = values * ranged, "file"
        else:
            judgment = np.array([space.slots[int(slots[0])].judgment])
            alpha, how = values * _default_concentration(inner.max(keepdims=True), judgment)[0], "default"
        total = float(alpha.sum())
        for j, i in enumerate(slots):
            if 0 < alpha[j] < total:
                family[i], s1[i], s2[i], source[i] = "dirichlet", alpha[j], total, how
    q = _central(family, s1, s2, tail, coverage)
    varied = ~np.isnan(q[:, 0])
    low[varied], high[varied] = np.minimum(q[varied, 0], point[varied]), np.maximum(q[varied, 1], point[varied])  # widened to hold the value
    for i in np.flatnonzero(varied & (np.array(source) == "file")).tolist():  # a file's own range where it gives one
        slot = space.slots[i]
        low[i] = slot.low if slot.low is not None else low[i]
        high[i] = slot.high if slot.high is not None else high[i]
    return Distributions(space, family, s1, s2, low, high, source, short)


def _central(family: list[str], s1: np.ndarray, s2: np.ndarray, tail: float, coverage: float) -> np.ndarray:
    """The ``tail`` and ``1 - tail`` quantiles of every slot's distribution, all slots at once.

    Parameters
    ----------
    family : list of str
        Per slot, as ``Distributions.family``.
    s1, s2 : numpy.ndarray
        Per slot, the shapes, as ``Distributions.shape1`` and ``Distributions.shape2``.
    tail : float
        The probability below the low quantile (and above the high one).
    coverage : float
        ``1 - 2 * tail``, for the log-normal's spread.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_slots, 2)``: the low and high quantile per slot, NaN
        for a fixed slot. A Beta's and a Dirichlet entry's (a Beta with
        shapes ``alpha_i, alpha_0 - alpha_i``) come from
        ``beta_quantiles``, exact or asymptotic, however large the shapes
        (a fit's ``prior_strength`` of 1e30) or small the value (a leak of
        1e-200, whose ``b`` is near 1e200).
    """
    from crampnet.trust._betaquantiles import beta_quantiles

    fam = np.array(family)
    q = np.full((len(family), 2), np.nan)
    beta = np.flatnonzero((fam == "beta") | (fam == "dirichlet"))
    if beta.size:
        second = np.where(fam[beta] == "dirichlet", s2[beta] - s1[beta], s2[beta])
        q[beta] = beta_quantiles(s1[beta, None], second[:, None], [tail, 1.0 - tail])
    logn = np.flatnonzero(fam == "lognormal")
    q[logn] = np.exp(s1[logn, None] + np.array([-1.0, 1.0]) * Z95 * s2[logn, None] * quantile_scale(coverage))
    return q


def _range_concentration(space: ParameterSpace, slots: np.ndarray, coverage: float) -> float | None:
    """The Dirichlet concentration ``alpha_0`` a distribution's entry ranges imply, or None without any.

    Each entry strictly between 0 and 1 with a usable range implies the
    concentration ``a + b`` of the Beta whose central ``coverage`` interval is
    that range (an entry of a Dirichlet is Beta-distributed with the same
    total); one total serves the whole distribution, so it is the geometric
    mean of the entries' totals.
    """
    ranged = [slot for slot in (space.slots[int(i)] for i in slots) if 0.0 < slot.value < 1.0 and usable_range(slot.value, slot.low, slot.high)]
    if not ranged:
        return None
    lo = np.array([slot.low for slot in ranged], dtype=float)
    hi = np.array([slot.high for slot in ranged], dtype=float)
    a, b = beta_from_interval(lo, hi, np.array([slot.value for slot in ranged]), coverage)
    return float(np.exp(np.mean(np.log(a + b))))


def _probabilities(space: ParameterSpace, probs: list[int], coverage: float, family: list[str], source: list[str], s1: np.ndarray, s2: np.ndarray) -> tuple[str, ...]:
    """Beta shapes for the probability slots (fitted to ranges, or the default), and the one-sided ranges their Beta falls short of.

    Parameters
    ----------
    space : ParameterSpace
        The slots.
    probs : list of int
        The indices of the probability slots.
    coverage : float
        The probability a range is read to hold.
    family, source : list of str
        Per slot, filled in here for ``probs``.
    s1, s2 : numpy.ndarray
        Per slot, the Beta's shapes, filled in here for ``probs``.

    Returns
    -------
    tuple of str
        A description of each one-sided range whose Beta (the closest one
        with the file's value as its mean, :func:`crampnet.network._ranges.beta_from_interval`)
        puts less than half of ``(1 - coverage) / 2`` beyond its bound.
    """
    from scipy.special import betainc  # type: ignore[import-untyped,unused-ignore]

    ranged, default, short = [], [], []
    for i in probs:
        slot = space.slots[i]
        v = slot.value
        if usable_range(v, slot.low, slot.high):
            ranged.append(i)
        elif 0.0 < v < 1.0 and not (slot.low is not None and slot.low == slot.high):
            default.append(i)
    if ranged:
        lo = np.array([space.slots[i].low for i in ranged], dtype=float)
        hi = np.array([space.slots[i].high for i in ranged], dtype=float)
        value = np.array([space.slots[i].value for i in ranged])
        a, b = beta_from_interval(lo, hi, value, coverage)
        tail, above = (1.0 - coverage) / 2.0, lo <= 0.0
        beyond = np.where(above, 1.0 - betainc(a, b, np.where(above, hi, lo)), betainc(a, b, np.where(above, hi, lo)))
        for j, i in enumerate(ranged):
            family[i], s1[i], s2[i], source[i] = "beta", a[j], b[j], "file"
            if (lo[j] <= 0.0 or hi[j] >= 1.0) and beyond[j] < tail / 2.0:
                node, kind, parent, pstate, _ = space.slots[i].key
                where = f"{'above' if above[j] else 'below'} {hi[j] if above[j] else lo[j]:g}"
                short.append(f"{node} {kind}{f' {parent}={pstate}' if parent else ''} ({value[j]:g} in [{lo[j]:g}, {hi[j]:g}]: {beyond[j]:.1%} {where}, not {tail:.1%})")
    if default:
        means = np.array([space.slots[i].value for i in default])
        k = _default_concentration(means, np.array([space.slots[i].judgment for i in default]))
        for j, i in enumerate(default):
            family[i], s1[i], s2[i], source[i] = "beta", means[j] * k[j], (1 - means[j]) * k[j], "default"
    return tuple(short)


def warn_short(model: BaseModel, coverage: float, caller: str) -> None:
    """Warn of the one-sided ranges whose Beta cannot reach the quantile ``coverage`` asks of their bound.

    A range that starts at 0 (or ends at 1) keeps the file's value as its
    mean, and its Beta's tail beyond the bound cannot grow past a peak: a
    value far inside a wide range (0.004 in ``[0, 0.011]``) at a low
    ``coverage`` gets the closest Beta, with less beyond its bound than
    asked, so its draws are narrower than ``coverage`` says. The warning
    names the ranges that get less than half of it (at the default 0.95
    none of the shipped file's do; at 0.5, 15 of its 16 one-sided ranges).

    Parameters
    ----------
    model : BaseModel
        A compiled model.
    coverage : float
        The probability the file's ranges are read to hold.
    caller : str
        The public function's name, for the message.

    Warns
    -----
    UserWarning
        Naming each such range, its value, its Beta's probability beyond
        the bound and the probability asked.
    """
    short = distributions(model, coverage).short
    if short:
        import warnings

        message = f"{caller}: at coverage {coverage:g}, {len(short)} one-sided range{'s' * (len(short) != 1)} of the network cannot put {(1 - coverage) / 2:.1%} of the probability beyond {'their' if len(short) != 1 else 'its'} bound with the file's value as the mean, and get{'s' * (len(short) == 1)} the closest Beta, narrower than the range says: {'; '.join(short)}."
        warnings.warn(message, UserWarning, stacklevel=4)


def draw_parameters(model: BaseModel, draws: int, rng: np.random.Generator, coverage: float = COVERAGE) -> np.ndarray:
    """Draws of every slot: shape ``(draws, n_slots)``, vectorised by family.

    Parameters
    ----------
    model : BaseModel
        A compiled model.
    draws : int
        How many draws.
    rng : numpy.random.Generator
        The generator drawn from.
    coverage : float, default=COVERAGE
        The probability a range of the file is read to hold.

    Returns
    -------
    numpy.ndarray
        One row per draw, one column per parameter slot: Beta and log-normal
        slots drawn from their distributions, each Dirichlet group drawn
        jointly (its fixed entries kept, the others sharing what is left;
        a share below the float range, as a fit's tiny alphas draw, is
        floored at the smallest normal float, about 2.2e-308, not made 0,
        which would make a state impossible),
        fixed slots at their value.

    Examples
    --------
    >>> import numpy as np, crampnet
    >>> theta = draw_parameters(crampnet.load(), 3, np.random.default_rng(0))
    >>> theta.shape[0]
    3
    """
    dist = distributions(model, coverage)
    theta = np.repeat(dist.space.point[None, :], draws, axis=0)
    fam = np.array(dist.family)
    beta = np.flatnonzero(fam == "beta")
    if beta.size:
        theta[:, beta] = rng.beta(dist.shape1[beta], dist.shape2[beta], size=(draws, beta.size))
    logn = np.flatnonzero(fam == "lognormal")
    if logn.size:
        theta[:, logn] = np.exp(dist.shape1[logn] + dist.shape2[logn] * rng.standard_normal((draws, logn.size)))
    groups = [g for g in dist.space.groups if (fam[g] == "dirichlet").any()]
    if groups:
        flat = np.concatenate(groups)
        alpha = np.array([dist.shape1[i] if fam[i] == "dirichlet" else 0.0 for i in flat])
        gam = rng.standard_gamma(alpha, size=(draws, flat.size))
        starts = np.cumsum([0] + [len(g) for g in groups[:-1]])
        sums = np.add.reduceat(gam, starts, axis=1)
        for g in np.flatnonzero((sums < _UNDERFLOW).any(axis=0)):  # tiny alphas (a fit's rare parent configurations)
            cols = np.arange(starts[g], starts[g] + len(groups[g]))
            rows = np.flatnonzero(sums[:, g] < _UNDERFLOW)
            gam[np.ix_(rows, cols)] = _log_dirichlet(rng, alpha[cols], rows.size)
            sums[rows, g] = 1.0
        fixed_mass = np.add.reduceat(np.where(alpha > 0, 0.0, dist.space.point[flat]), starts)
        scale = np.repeat((1.0 - fixed_mass)[None, :] / np.where(sums > 0, sums, 1.0), [len(g) for g in groups], axis=1)
        theta[:, flat] = np.where(alpha > 0, np.maximum(gam * scale, np.finfo(float).tiny), dist.space.point[flat])
    return theta


#: A Dirichlet draw whose gammas sum below this is redrawn in log space (:func:`_log_dirichlet`).
_UNDERFLOW = 1e-150


def _log_dirichlet(rng: np.random.Generator, alpha: np.ndarray, draws: int) -> np.ndarray:
    """``draws`` Dirichlet(``alpha``) vectors computed in log space, for alphas so small that their gammas underflow.

    ``Gamma(a) = Gamma(a + 1) * U ** (1 / a)`` (Marsaglia and Tsang), so the
    log of each gamma is ``log Gamma(a + 1) + log(U) / a`` and the shares are their softmax; a row
    where ``log(U) / a`` overflows in every entry (``a`` below ~1e-306) is scaled by the least alpha
    first. Entries with ``alpha == 0`` stay 0.
    """
    live = alpha > 0
    safe = np.where(live, alpha, 1.0)
    with np.errstate(divide="ignore", over="ignore"):
        log_g, log_u = np.log(rng.standard_gamma(safe + 1.0, size=(draws, alpha.size))), np.log(rng.random((draws, alpha.size)))
        log_gamma = np.where(live, log_g + log_u / safe, -np.inf)
    shares = np.zeros((draws, alpha.size))
    ok = np.isfinite(log_gamma.max(axis=1))
    shares[ok] = np.exp(log_gamma[ok] - log_gamma[ok].max(axis=1, keepdims=True))
    if not ok.all():  # log(U) / a overflowed (a below ~1e-306) in every entry: the same in units of the least alpha
        least = alpha[live].min()
        with np.errstate(over="ignore", divide="ignore"):
            scaled = np.where(live, least * log_g[~ok] + log_u[~ok] * (least / safe), -np.inf)
            shares[~ok] = np.exp((scaled - scaled.max(axis=1, keepdims=True)) / least)
    return np.asarray(shares / shares.sum(axis=1, keepdims=True))
