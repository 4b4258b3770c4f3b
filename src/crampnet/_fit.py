"""What fitting a model to data produced: the record :meth:`BaseModel.refit <crampnet.base.BaseModel.refit>` reads.

:func:`crampnet.trust.simulate.fit` makes a :class:`Fit`; the core only reads
its tables, so the record sits below the core and the trust layer above it.
``crampnet.base.Fit`` is the same class.

Examples
--------
>>> import numpy as np
>>> from crampnet._fit import Fit
>>> fit = Fit({"a": np.array([0.2, 0.8])}, {}, 10.0, 0, "complete", 0, True, build=lambda: None)
>>> fit.method, fit.converged
('complete', True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["Fit"]


@dataclass(frozen=True)
class Fit:
    """What fitting a model to data produced (see :func:`crampnet.trust.simulate.fit`).

    Attributes
    ----------
    tables : dict of str to numpy.ndarray
        Every node's table, the fitted ones updated.
    posterior_counts : dict of str to numpy.ndarray
        The Dirichlet posterior (prior pseudo-counts plus counts) of each fitted node's table, one distribution per parent configuration.
    prior_strength : float
        The equivalent sample size of the prior.
    cases : int
        Rows of the data fitted (those with an observed cell; rows with none are left out, and said so).
    method : str
        ``"complete"`` or ``"em"``.
    iterations : int
        EM iterations (0 for complete data).
    converged : bool
        Whether EM converged.
    parameters : pandas.DataFrame
        The provenance table, fitted numbers with ``source = "fitted"``: made by ``build`` (no arguments) when first read, so a fit nobody asks it of spares ~0.1 s.
    """

    tables: dict[str, np.ndarray]
    posterior_counts: dict[str, np.ndarray]
    prior_strength: float
    cases: int
    method: str
    iterations: int
    converged: bool
    build: Callable[[], pd.DataFrame] = field(repr=False, compare=False)

    @cached_property
    def parameters(self) -> pd.DataFrame:
        """The provenance table, fitted numbers with ``source = "fitted"`` (made by ``build`` on first read)."""
        return self.build()
