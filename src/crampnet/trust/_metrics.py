"""The measures :func:`crampnet.trust.evaluate.evaluate` scores with: exact AUROC and the reliability table.

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
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["auroc", "calibration_table"]


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

    Examples
    --------
    >>> import numpy as np
    >>> auroc(np.array([0.9, 0.4, 0.4, 0.1]), np.array([1, 1, 0, 0]))
    0.875
    """
    import pandas as pd

    labels = np.asarray(labels, dtype=float)
    pos, neg = int((labels == 1).sum()), int((labels == 0).sum())
    if pos == 0 or neg == 0:
        return math.nan
    ranks = pd.Series(np.asarray(scores, dtype=float)).rank(method="average").to_numpy()
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
        ``n`` (cases in the bin), ``mean_predicted`` and ``observed`` (the
        mean outcome; both NaN for an empty bin).

    Examples
    --------
    >>> import numpy as np
    >>> calibration_table(np.array([0.05, 0.15, 0.95]), np.array([0, 1, 1]), bins=2)["n"].tolist()
    [2, 1]
    """
    import pandas as pd

    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, predicted, side="right") - 1, 0, bins - 1)
    rows: list[dict[str, Any]] = []
    for b in range(bins):
        inside = which == b
        n = int(inside.sum())
        rows.append({"bin_low": edges[b], "bin_high": edges[b + 1], "n": n, "mean_predicted": float(predicted[inside].mean()) if n else math.nan, "observed": float(observed[inside].mean()) if n else math.nan})
    return pd.DataFrame(rows, columns=["bin_low", "bin_high", "n", "mean_predicted", "observed"])
