"""The measures :func:`crampnet.trust.evaluate.evaluate` scores with: exact AUROC, the reliability table, and the truth they are scored against.

Both are plain functions of arrays (no model), so a researcher can apply them
to any other scorer's output on the same cases; ``crampnet.trust.evaluate``
re-exports them.

Examples
--------
>>> import numpy as np
>>> from crampnet.trust._metrics import auroc
>>> auroc(np.array([0.8, 0.2]), np.array([1, 0]))
1.0
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet.exceptions import InvalidStateError, InvalidValueError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["auroc", "calibration_table", "truth_column"]


def auroc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Exact AUROC: the Mann-Whitney statistic over positives and negatives, ties counted 1/2.

    Parameters
    ----------
    scores : numpy.ndarray
        One score per case, higher meaning more likely positive.
    labels : numpy.ndarray
        One label per case: 1 positive, 0 negative (other values count as
        neither).

    Returns
    -------
    float
        The probability that a random positive scores above a random
        negative (ties 1/2); NaN when there are no positives or no negatives.

    Raises
    ------
    InvalidValueError
        If ``scores`` and ``labels`` are not one-dimensional of one length,
        or a score of a case labelled 1 or 0 is NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> auroc(np.array([0.9, 0.4, 0.4, 0.1]), np.array([1, 1, 0, 0]))
    0.875
    """
    import pandas as pd

    scores, labels = _pair(scores, labels, "auroc", "scores", "labels")
    counted = (labels == 0) | (labels == 1)  # the others are ranked with neither side
    scores, labels = scores[counted], labels[counted]
    if not np.isfinite(scores).all():
        msg = f"The 'scores' of auroc must be finite numbers where the label is 1 or 0. Got {scores[~np.isfinite(scores)][0]!r}."
        raise InvalidValueError(msg)
    pos, neg = int((labels == 1).sum()), int((labels == 0).sum())
    if pos == 0 or neg == 0:
        return math.nan
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    return float((ranks[labels == 1].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def calibration_table(predicted: np.ndarray, observed: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Reliability table: equal-width bins of ``predicted`` (the last bin includes 1).

    Parameters
    ----------
    predicted : numpy.ndarray
        One predicted probability per case.
    observed : numpy.ndarray
        One outcome per case, 1 or 0, in the same order.
    bins : int, default=10
        How many bins of equal width over [0, 1].

    Returns
    -------
    pandas.DataFrame
        One row per bin, lowest first, columns ``bin_low``, ``bin_high``,
        ``n`` (how many predictions fall in the bin: one per case here,
        one per case and condition in
        :func:`~crampnet.trust.evaluate.evaluate`), ``mean_predicted`` and
        ``observed`` (the mean outcome; both NaN for an empty bin).

    Raises
    ------
    InvalidValueError
        If ``predicted`` and ``observed`` are not one-dimensional of one
        length, a prediction is not in [0, 1] (NaN included), an outcome
        is not 1 or 0, or ``bins`` is not a positive int.

    Examples
    --------
    >>> import numpy as np
    >>> calibration_table(np.array([0.05, 0.15, 0.95]), np.array([0, 1, 1]), bins=2)["n"].tolist()
    [2, 1]
    """
    import pandas as pd

    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or int(bins) < 1:
        msg = f"The 'bins' argument of calibration_table must be a positive int. Got {bins!r} instead."
        raise InvalidValueError(msg)
    predicted, observed = _pair(predicted, observed, "calibration_table", "predicted", "observed")
    if not np.all((predicted >= -_SLACK) & (predicted <= 1.0 + _SLACK)):  # NaN fails too
        msg = f"The 'predicted' of calibration_table must be probabilities in [0, 1]. Got {predicted[~((predicted >= -_SLACK) & (predicted <= 1.0 + _SLACK))][0]!r}."
        raise InvalidValueError(msg)
    if not np.all((observed == 0) | (observed == 1)):
        msg = f"The 'observed' of calibration_table must be outcomes 1 or 0. Got {observed[(observed != 0) & (observed != 1)][0]!r}."
        raise InvalidValueError(msg)
    edges = np.arange(bins + 1) / bins  # k / bins rounded once, as 0.3 is: linspace's 3 * 0.1 is 0.30000000000000004, putting 0.3 in [0.2, 0.3)
    which = np.clip(np.searchsorted(edges, predicted, side="right") - 1, 0, bins - 1)
    rows: list[dict[str, Any]] = []
    for b in range(bins):
        inside = which == b
        n = int(inside.sum())
        rows.append({"bin_low": edges[b], "bin_high": edges[b + 1], "n": n, "mean_predicted": float(predicted[inside].mean()) if n else math.nan, "observed": float(observed[inside].mean()) if n else math.nan})
    return pd.DataFrame(rows, columns=["bin_low", "bin_high", "n", "mean_predicted", "observed"])


#: How far a predicted probability may stray outside [0, 1] by rounding.
_SLACK = 1e-9


def _pair(first: object, second: object, caller: str, names: str, other: str) -> tuple[np.ndarray, np.ndarray]:
    """Two one-dimensional float arrays of one length, or InvalidValueError naming them."""
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if a.ndim != 1 or a.shape != b.shape:
        msg = f"The {names!r} and {other!r} of {caller} must be one-dimensional arrays of the same length (one entry per case). Got shapes {a.shape} and {b.shape}."
        raise InvalidValueError(msg)
    return a, b


def truth_column(column: pd.Series, nid: str) -> np.ndarray:
    """A condition's truth column as 1.0 present, 0.0 absent, NaN missing, from states, booleans or 1/0.

    Parameters
    ----------
    column : pandas.Series
        The cases' column of the condition's truth.
    nid : str
        The condition's id, for the message.

    Returns
    -------
    numpy.ndarray
        Float, one value a row.

    Raises
    ------
    InvalidStateError
        For a cell that is none of these, naming its row and column.

    Examples
    --------
    >>> import pandas as pd
    >>> truth_column(pd.Series(["present", None, False, 1]), "c").tolist()
    [1.0, nan, 0.0, 1.0]
    """
    import pandas as pd

    out = np.full(len(column), np.nan)
    for i, value in enumerate(column.to_numpy(dtype=object)):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            continue
        if isinstance(value, bool | np.bool_):
            out[i] = float(bool(value))
        elif isinstance(value, str) and value in ("present", "absent"):
            out[i] = 1.0 if value == "present" else 0.0
        elif isinstance(value, numbers.Real) and float(value) in (0.0, 1.0):
            out[i] = float(value)
        else:
            msg = f"Row {column.index[i]!r}, column {column.name!r}: the truth of {nid} must be 'present' or 'absent', True or False, or 1 or 0. Got {value!r}."
            raise InvalidStateError(msg, nid, value, ["present", "absent"])
    return out
