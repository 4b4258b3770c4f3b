"""Parameter uncertainty: a distribution for every number, and posterior intervals.

Every number of the network file is uncertain: it comes from a study with
its own confidence interval, a range of reported values, or a judgment. This
module turns each into a distribution, draws whole sets of node tables in
one vectorised pass, and runs them through the compiled junction tree in
batch, so a posterior comes with an interval.

The distributions
-----------------
Ranges are read as central ``coverage`` intervals (default 0.95, the level
of the confidence intervals in the evidence table; from
:data:`MIN_COVERAGE`, 0.5, to below 1: a range read to hold its number
with less than even odds is no range of it).

- **Probabilities with a range** (noisy-OR leaks and links, logistic
  intercepts): a Beta whose central ``coverage`` interval is exactly
  ``[low, high]`` (both shape parameters solved numerically). A range that
  touches 0 or 1 is one-sided: the Beta keeps the file's value as its mean
  and puts its other bound at the matching quantile (the nearest it can: a
  ``UserWarning`` names the ranges left with under half the tail asked).
- **Odds ratios and mixture weights with a range**: log-normal around the
  file's value, ``log X ~ Normal(log value, sigma)``, with ``sigma`` from
  the width of ``[low, high]`` on the log scale (one-sided if ``low <= 0``).
- **Numbers without a range** get a default spread, and
  :func:`parameter_distributions` says so (column ``range`` is
  ``"default"``): the value is taken to be uncertain by a factor of
  :data:`SOURCED_FACTOR` (2) with 95% probability, or
  :data:`JUDGMENT_FACTOR` (3) when the source is a judgment, on the odds
  scale for probabilities and on the value for odds ratios and weights.
  Odds ratios and weights get a log-normal with ``sigma = ln(factor) /
  1.96``; a probability ``p`` a Beta with mean ``p`` and the variance of
  that spread on the logit scale (delta method), i.e. concentration
  ``a + b = 1 / (sigma**2 * p * (1 - p)) - 1``.
- **Distributions** (priors, table rows, noisy-MAX and mixture
  distributions): a Dirichlet with mean the file's probabilities. With
  entry ``ranges`` in the file, its concentration ``alpha_0`` is the
  geometric mean of the concentrations ``a + b`` of the Betas fitted to
  each ranged entry (an entry of a Dirichlet is a Beta with the same
  total), so one spread serves the whole distribution and each entry's
  interval comes close to its range; without ranges, the concentration is
  set by the default rule from the largest probability below 1, so a
  two-state distribution gets exactly the Beta of a probability. An entry
  of exactly 0 or 1 stays fixed whatever its range. Fitted tables (:func:`crampnet.trust.simulate.fit`)
  carry their Dirichlet posterior instead.
- **Structural numbers** (a probability of exactly 0 or 1, or a scalar
  whose range has ``low == high``) are never varied: they encode logical
  rules.

A logistic intercept given as a prevalence is re-solved for every draw
against that draw's default context priors.

What an interval is
-------------------
An interval of :func:`posterior_intervals` is over the parameters'
plausible ranges: the central quantiles of the posterior as the numbers
are drawn from the distributions above. It is not built around the
posterior with the file's values (column ``probability``) and need not
contain it: a file's value may sit at an end of its range (a link of 0.85
with range 0.85-0.99 gets the Beta of the range, whose 2.5% quantile is
0.85), so the point estimate can lie outside its own interval.

The distributions and the draws of whole parameter vectors are built in
:mod:`crampnet.trust._distributions` and re-exported here
(:func:`distributions`, :func:`draw_parameters`, :class:`Distributions`);
this module runs the draws through the junction tree.

Examples
--------
>>> import crampnet
>>> from crampnet.trust.uncertainty import posterior_intervals
>>> model = crampnet.load()
>>> table = posterior_intervals(model, {"urge_to_move": True}, draws=200)
>>> list(table.columns)
['probability', 'low', 'high']
>>> bool((table["low"] <= table["high"]).all())
True
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import numpy as np

from crampnet.exceptions import EvidenceTypeError, InvalidValueError
from crampnet.network._ranges import COVERAGE, beta_from_interval
from crampnet.network.evidence import normalise, show
from crampnet.reasoning._probability_hint import probability_hint
from crampnet.trust._distributions import (
    JUDGMENT_FACTOR,
    SOURCED_FACTOR,
    Distributions,
    distributions,
    draw_parameters,
    warn_short,
)
from crampnet.trust._drawn_tables import drawn_tables
from crampnet.trust._logdraws import lost
from crampnet.trust._montecarlo import drawn_posteriors
from crampnet.trust._parameters import parameter_space

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

#: The smallest ``coverage`` taken: a range read to hold its number with less than even odds is no range of it,
#: and the log-normal spread of a ranged odds ratio grows as ``1 / z((1 + coverage) / 2)`` (overflowing draws below about 0.005).
MIN_COVERAGE = 0.5
#: The most Monte Carlo draws one call takes (a draw holds every parameter of the network; posterior_intervals draws and runs them in chunks).
MAX_DRAWS = 100_000

__all__ = ["COVERAGE", "JUDGMENT_FACTOR", "MAX_DRAWS", "MIN_COVERAGE", "SOURCED_FACTOR", "Distributions", "beta_from_interval",
           "distributions", "draw_parameters", "draw_tables", "parameter_distributions", "posterior_intervals"]  # fmt: skip


def draw_tables(model: BaseModel, draws: int = 1000, seed: int | np.random.Generator | None = 0, coverage: float = COVERAGE) -> dict[str, np.ndarray]:
    """Draws of every node's table: ``tables[node]`` has shape ``(draws, *table_shape)``.

    Parameters
    ----------
    model : BaseModel
        A compiled model.
    draws : int, default=1000
        How many draws of the whole parameter set, from 1 to
        :data:`MAX_DRAWS`.
    seed : int, numpy.random.Generator or None, default=0
        An int >= 0 (the same seed, the same draws), a Generator (drawn
        from), or None (fresh entropy).
    coverage : float, default=0.95
        The probability the file's ranges are read to hold, from
        :data:`MIN_COVERAGE` (0.5) to below 1.

    Returns
    -------
    dict of str to numpy.ndarray
        Every node id to its drawn tables, ``[draw, state, parent_1, ...,
        parent_k]``, each column a distribution over the node's states (all held at once; drawn in chunks).

    Raises
    ------
    InvalidValueError
        ``draws`` not an int from 1 to :data:`MAX_DRAWS` (or more than ``TABLE_BYTES`` of tables, in ``_drawn_tables``: 6,576 for the shipped network), ``coverage``
        outside [0.5, 1), or a negative ``seed``.
    EvidenceTypeError
        If ``seed`` is not an int, a Generator or None.

    Warns
    -----
    UserWarning
        Naming the one-sided ranges whose Beta cannot reach the quantile ``coverage`` asks.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.trust.uncertainty import draw_tables
    >>> model = crampnet.load()
    >>> tables = draw_tables(model, draws=5)
    >>> tables["urge_to_move"].shape[0]
    5
    """
    n = _count(draws, "draw_tables")
    rng = _rng(seed, "draw_tables")
    return drawn_tables(model, n, rng, _coverage(coverage, "draw_tables", model))


def posterior_intervals(model: BaseModel, evidence: Mapping[str, object] | None = None, interval: float = 0.9, draws: int = 1000, seed: int | np.random.Generator | None = 0, *, coverage: float = COVERAGE) -> pd.DataFrame:
    """Posteriors with Monte Carlo intervals over the parameters' uncertainty.

    Parameters
    ----------
    model : BaseModel
        A compiled model.
    evidence : mapping, optional
        One case, as for :meth:`crampnet.Model.posteriors`.
    interval : float, default=0.9
        The probability of the central interval, in (0, 1).
    draws : int, default=1000
        Monte Carlo draws of the whole parameter set, from 2 to
        :data:`MAX_DRAWS` (100,000).
    seed : int, numpy.random.Generator or None, default=0
        The seed, an int >= 0 (the same seed gives the same draws and the
        same intervals, to rounding: ``probability`` may differ in the last
        bit once the process has switched from numpy to the compiled kernel,
        see ``CRAMPNET_JIT``), a Generator (drawn from), or None (fresh entropy).
    coverage : float, default=0.95
        The probability the file's ranges are read to hold (see the module
        doc), from :data:`MIN_COVERAGE` (0.5) to below 1.

    Returns
    -------
    pandas.DataFrame
        Indexed by condition, sorted by ``probability`` (descending):
        ``probability`` is the posterior with the file's values, ``low`` and
        ``high`` the ``(1 - interval) / 2`` and ``(1 + interval) / 2``
        quantiles of the posterior over the draws. The interval is over the
        parameters' plausible ranges and need not contain ``probability``:
        a file's value may sit at an end of its range (see the module doc,
        "What an interval is"). ``attrs["impossible_draws"]`` is how many
        draws made the evidence impossible and were left out (0 as a rule).

    Warns
    -----
    UserWarning
        When some draws make the evidence impossible (probability 0, or
        too small for the Monte Carlo pass): the warning says how many were
        left out of the quantiles. And naming the one-sided ranges whose
        Beta cannot reach the quantile ``coverage`` asks (see the module doc).

    Raises
    ------
    InvalidValueError
        ``interval`` outside (0, 1), ``coverage`` outside [0.5, 1), ``draws`` not an int
        from 2 to :data:`MAX_DRAWS`, or a negative ``seed``; evidence
        possible with the file's values but impossible in every draw.
    EvidenceTypeError
        A ``seed`` that is not an int, a Generator or None.
    ImpossibleEvidenceError, UnknownNodeError, InvalidStateError
        As for :meth:`crampnet.Model.posteriors`.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.trust.uncertainty import posterior_intervals
    >>> model = crampnet.load()
    >>> a = posterior_intervals(model, {"urge_to_move": True}, draws=100, seed=1)
    >>> b = posterior_intervals(model, {"urge_to_move": True}, draws=100, seed=1)
    >>> import numpy as np
    >>> a.index.equals(b.index) and bool(np.allclose(a, b, rtol=1e-12, atol=0))  # to rounding: see ``seed``
    True
    """
    import pandas as pd

    interval = _fraction("interval", interval, "posterior_intervals")
    coverage = _coverage(coverage, "posterior_intervals", model)
    n = _count(draws, "posterior_intervals", low=2)
    rng = _rng(seed, "posterior_intervals")
    if evidence is not None and not isinstance(evidence, Mapping):
        msg = f"The 'evidence' argument of posterior_intervals must be a mapping of node id to state (one case). Got {type(evidence).__name__} instead."
        raise EvidenceTypeError(msg)
    vectors = normalise(model.spec, evidence)
    samples = drawn_posteriors(model, vectors, n, rng, coverage)  # row 0: the file's values
    point, samples = samples[0], samples[1:]
    if np.isnan(point).any():
        model.posteriors(evidence)  # raises ImpossibleEvidenceError naming the conflict
        lost("posterior_intervals")  # unreachable: draws below the float range run the log pass (_logdraws.below_safe)
    samples, dropped = _possible_draws(samples)
    low, high = np.quantile(samples, [(1.0 - interval) / 2.0, (1.0 + interval) / 2.0], axis=0)
    frame = pd.DataFrame({"probability": point, "low": low, "high": high}, index=list(model.compiled.conditions))
    frame = frame.sort_values("probability", ascending=False, kind="stable")
    frame.attrs["impossible_draws"] = dropped
    return frame


def _possible_draws(samples: np.ndarray) -> tuple[np.ndarray, int]:
    """The draws' posteriors without the draws that make the evidence impossible, and how many those were (warned of)."""
    impossible = np.isnan(samples).any(axis=1)
    dropped, n = int(impossible.sum()), len(samples)
    if dropped == n:
        msg = f"posterior_intervals cannot give intervals for this evidence: it is possible with the file's values, but every one of the {n:,} parameter draws makes it impossible (probability 0)."
        raise InvalidValueError(msg)
    if dropped:
        warnings.warn(f"posterior_intervals: {dropped:,} of {n:,} parameter draws {'makes' if dropped == 1 else 'make'} this evidence impossible (probability 0); the intervals are over the other {n - dropped:,} (attrs['impossible_draws'] of the result).", UserWarning, stacklevel=3)
    return samples[~impossible], dropped


def parameter_distributions(model: BaseModel, coverage: float = COVERAGE) -> pd.DataFrame:
    """The distribution each row of ``model.parameters()`` is given.

    Parameters
    ----------
    model : BaseModel
        A compiled model.
    coverage : float, default=0.95
        The probability a range of the file is read to hold, from
        :data:`MIN_COVERAGE` (0.5) to below 1: the central interval of the
        fitted Beta or log-normal.

    Returns
    -------
    pandas.DataFrame
        Same index as ``model.parameters()`` (rows that are parameters;
        derived rows such as a solved baseline are left out), with columns
        ``node, kind, state, value, family, shape1, shape2, low, high,
        range``: ``range`` is ``"file"`` (the file's range), ``"default"``
        (no range: the default spread), ``"fitted"`` (a Dirichlet posterior)
        or ``"fixed"`` (a structural 0 or 1, never varied).

    Warns
    -----
    UserWarning
        Naming the one-sided ranges whose Beta cannot reach the quantile ``coverage`` asks.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.trust.uncertainty import parameter_distributions
    >>> table = parameter_distributions(crampnet.load())
    >>> set(table["range"]) <= {"file", "default", "fitted", "fixed"}
    True
    """
    import pandas as pd

    dist = distributions(model, _coverage(coverage, "parameter_distributions", model))
    rows = parameter_rows(model)
    frame = model.parameters()
    labels = frame.index.tolist()
    slot = [rows.get(i) for i in labels]
    at = np.array([-1 if i is None else i for i in slot], dtype=np.intp)
    shapes = {name: np.where(at >= 0, getattr(dist, name)[at], np.nan) for name in ("shape1", "shape2", "low", "high")}
    out = pd.DataFrame(
        {
            "node": frame["node"],
            "kind": frame["kind"],
            "state": frame["state"],
            "value": frame["value"],
            "family": [None if i is None else dist.family[i] for i in slot],
            **shapes,
            "range": [None if i is None else dist.range_source[i] for i in slot],
        },
        index=frame.index,
    )
    return out.loc[[i for i in labels if i in rows]]


def parameter_rows(model: BaseModel) -> dict[object, int]:
    """The slot of each row label of ``model.parameters()`` that is a parameter."""
    from crampnet.trust._parameters import row_slots

    return row_slots(model.parameters(), parameter_space(model).index())


def _fraction(name: str, value: object, caller: str) -> float:
    """``value`` as a float strictly between 0 and 1, or InvalidValueError naming ``name``."""
    # Compared before float(): an int too large for a float must not raise OverflowError.
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real) or not 0 < cast("float", value) < 1:
        msg = f"The {name!r} argument of {caller} must be a number strictly between 0 and 1 (e.g. 0.9). Got {show(value)} instead.{probability_hint(value)}"
        raise InvalidValueError(msg)
    return float(value)


def _coverage(value: object, caller: str, model: BaseModel | None = None) -> float:
    """``value`` as a coverage from :data:`MIN_COVERAGE` to below 1, or InvalidValueError naming it.

    Parameters
    ----------
    value : object
        The ``coverage`` argument as given.
    caller : str
        The public function's name, for the message.
    model : BaseModel, optional
        The model drawn from: its one-sided ranges out of reach at this coverage are warned of (:func:`~crampnet.trust._distributions.warn_short`).

    Returns
    -------
    float
        The coverage.

    Raises
    ------
    InvalidValueError
        Not a real number, or outside ``[MIN_COVERAGE, 1)``.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real) or not MIN_COVERAGE <= cast("float", value) < 1:
        reason = ": a range read to hold its number with less than even odds is no range of it." if isinstance(value, numbers.Real) and cast("float", value) < MIN_COVERAGE else f".{probability_hint(value)}"
        msg = f"The 'coverage' argument of {caller} must be a number from {MIN_COVERAGE} to below 1 (the probability a range of the network file is read to hold; {COVERAGE} by default). Got {show(value)} instead{reason}"
        raise InvalidValueError(msg)
    if model is not None:
        warn_short(model, float(value), caller)
    return float(value)


def _count(draws: object, caller: str = "draw_tables", low: int = 1) -> int:
    """``draws`` as an int from ``low`` to :data:`MAX_DRAWS`, or InvalidValueError naming it."""
    if isinstance(draws, bool | np.bool_) or not isinstance(draws, numbers.Integral) or not low <= int(draws) <= MAX_DRAWS:
        msg = f"The 'draws' argument of {caller} must be an int from {low} to {MAX_DRAWS:,}. Got {show(draws)} ({type(draws).__name__}) instead."
        raise InvalidValueError(msg)
    return int(draws)


def _rng(seed: object, caller: str | None = None) -> np.random.Generator:
    """The generator ``seed`` stands for: an int >= 0, a numpy Generator, or None (fresh entropy)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Integral):
        msg = f"The 'seed' argument{f' of {caller}' if caller else ''} must be an int >= 0, a numpy Generator or None. Got {show(seed)} ({type(seed).__name__}) instead."
        raise EvidenceTypeError(msg)
    if int(seed) < 0:
        msg = f"The 'seed' argument{f' of {caller}' if caller else ''} must be an int >= 0, a numpy Generator or None. Got {show(seed)} instead."
        raise InvalidValueError(msg)
    return np.random.default_rng(int(seed))
