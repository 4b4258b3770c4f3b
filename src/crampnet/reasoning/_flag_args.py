"""The arguments of the red flags, checked: a threshold given by the caller and posteriors computed already.

:func:`check_threshold` and :func:`thresholds_for` read the ``threshold``
argument of :func:`crampnet.reasoning.redflags.red_flags` (and of
``Diagnosis``), :func:`checked_posteriors` its ``posteriors``. Bad input is
an error that names it, never a flag silently missed: a percentage given
for a probability would flag everything, a NaN nothing.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import numpy as np

from crampnet.exceptions import EvidenceTypeError, InvalidValueError
from crampnet.network.evidence import resolve_id, show
from crampnet.reasoning._probability_hint import probability_hint
from crampnet.reasoning._thresholds import testing_thresholds

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["check_threshold", "checked_posteriors", "probability_hint", "thresholds_for"]


def check_threshold(threshold: object, *, subject: str = "The 'threshold' argument") -> float:
    """Return ``threshold`` as a float, or raise if it is not a number in (0, 1].

    Parameters
    ----------
    threshold : object
        What the caller gave as ``threshold``.
    subject : str, default="The 'threshold' argument"
        What the error calls it (a record's key is no argument).

    Returns
    -------
    float
        ``threshold`` as a float.

    Raises
    ------
    InvalidValueError
        If it is a bool or not a real number in (0, 1].

    Examples
    --------
    >>> check_threshold(0.05)
    0.05
    """
    if isinstance(threshold, bool | np.bool_) or not isinstance(threshold, numbers.Real) or not 0.0 < cast("float", threshold) <= 1.0:  # compared as given: float() of a huge int overflows
        msg = f"{subject} must be None (each condition's testing threshold) or a number in (0, 1]. Got {show(threshold)} instead.{probability_hint(threshold)}"
        raise InvalidValueError(msg)
    return float(threshold)


def thresholds_for(model: BaseModel, threshold: float | None) -> dict[str, float]:
    """Each must-not-miss condition's threshold: ``threshold`` for all when given, else :func:`testing_thresholds`.

    Parameters
    ----------
    model : BaseModel
        The model.
    threshold : float or None
        One threshold in (0, 1] for every condition, or None.

    Returns
    -------
    dict of str to float
        Each must-not-miss condition id to its threshold.

    Raises
    ------
    InvalidValueError
        If ``threshold`` is not None or a number in (0, 1].
    """
    if threshold is None:
        return testing_thresholds(model)
    value = check_threshold(threshold)
    return dict.fromkeys(model.must_not_miss, value)


def checked_posteriors(model: BaseModel, posteriors: object) -> dict[str, float]:
    """``posteriors`` as condition id to float, or an error: each must-not-miss condition needs a probability in [0, 1].

    Parameters
    ----------
    model : BaseModel
        The model.
    posteriors : object
        What the caller gave :func:`~crampnet.reasoning.redflags.red_flags`
        as ``posteriors``: a mapping of condition id to probability, or a
        pandas Series.

    Returns
    -------
    dict of str to float
        Condition id to its probability, clipped into [0, 1] (an engine's
        rounding may step a hair outside).

    Raises
    ------
    EvidenceTypeError
        If ``posteriors`` is neither a mapping nor a pandas Series, or is a
        table (a DataFrame of several cases).
    UnknownNodeError
        If a key names no node ("Did you mean ...?" among the conditions).
    InvalidValueError
        If a value is not a probability in [0, 1] (NaN, a percentage, a
        string, a bool), a key is a node that is not a condition (its flag
        would silently fall to the default), or a must-not-miss condition
        has none.
    """
    if not isinstance(posteriors, Mapping) and not callable(getattr(posteriors, "to_dict", None)):
        msg = f"The 'posteriors' argument of red_flags must be model.posteriors(evidence) or a mapping of condition id to probability. Got {type(posteriors).__name__} instead."
        raise EvidenceTypeError(msg)
    if getattr(posteriors, "ndim", 1) != 1:
        msg = "The 'posteriors' argument of red_flags takes one case's probabilities: pass one row of model.posteriors(frame) (frame.iloc[i]), not the whole table."
        raise EvidenceTypeError(msg)
    items = posteriors.items() if isinstance(posteriors, Mapping) else posteriors.to_dict().items()  # type: ignore[attr-defined]
    post: dict[str, float] = {}
    for key, value in items:
        if key not in model.conditions:  # a misspelt id would leave that condition's flag to the default silently
            resolve_id(model.spec, key, "the 'posteriors' argument of red_flags", among=model.conditions)
            msg = f"The 'posteriors' argument of red_flags takes conditions; {key!r} is a finding or context node. Valid ids: {', '.join(model.conditions)}."
            raise InvalidValueError(msg)
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real) or not -1e-9 <= float(value) <= 1.0 + 1e-9:  # rounding of an engine's sums passes
            msg = f"The 'posteriors' argument of red_flags must give probabilities in [0, 1]. Got {value!r} for {key!r}.{probability_hint(value)}"
            raise InvalidValueError(msg)
        post[str(key)] = min(1.0, max(0.0, float(value)))
    if missing := [c for c in model.must_not_miss if c not in post]:
        msg = f"The 'posteriors' argument of red_flags gives no probability for the must-not-miss condition{'s' * (len(missing) > 1)} {', '.join(missing)}: give model.posteriors(evidence), or leave it out."
        raise InvalidValueError(msg)
    return post
