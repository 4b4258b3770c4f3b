"""The public model: the facade over the core, the clinical layer and the trust layer.

:class:`Model` is what :func:`crampnet.load` (:mod:`crampnet._load`) returns: a
:class:`~crampnet.base.BaseModel` (ids, states, exact posteriors, provenance)
with the methods of the layers above it bound on: :meth:`Model.diagnose`,
:meth:`Model.describe`, :meth:`Model.draw` and :meth:`Model.explore` from
:class:`~crampnet._clinical.ClinicalMethods` (:mod:`crampnet.reasoning`,
:mod:`crampnet.display`, :mod:`crampnet.explorer`); here, intervals,
:meth:`Model.sensitivity`, :meth:`Model.simulate` and :meth:`Model.fit`
(:mod:`crampnet.trust`), :attr:`Model.network` and Dask frames
(:mod:`crampnet.interop`). This module sits above all of them, so none of
them imports it.

Examples
--------
>>> import crampnet
>>> model = crampnet.load()
>>> post = model.posteriors({"urge_to_move": True, "uncomfortable_sensations": True,
...                          "worse_at_rest": True, "ferritin": 32})
>>> post.index[0]
'restless_legs_syndrome'
>>> bool(((post >= 0) & (post <= 1)).all())
True
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from crampnet._clinical import ClinicalMethods
from crampnet.base import BaseModel, Fit
from crampnet.exceptions import EvidenceTypeError, InvalidValueError
from crampnet.network.evidence import check_bool

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["FittedModel", "Model"]


class _Default(int):
    """An int default that ``is`` tells from the same number given by a caller (shown as the number)."""

    def __repr__(self) -> str:
        return repr(int(self))


#: The defaults of posteriors' draws and seed: used only with interval=.
_DRAWS, _SEED = _Default(1000), _Default(0)


class Model(ClinicalMethods):
    """A compiled leg-cramp differential network.

    Use :func:`crampnet.load` to make one. A model is immutable: every
    method is a pure function of its arguments.

    Attributes
    ----------
    spec : NetworkSpec
        The validated network file.
    compiled : CompiledNetwork
        The junction tree used for exact inference.
    population : str
        The population preset whose context priors are in use.
    """

    @cached_property
    def network(self) -> Any:
        """The network as a checked ``pgmpy.models.DiscreteBayesianNetwork``.

        pgmpy is imported on first access only.

        Examples
        --------
        >>> import crampnet
        >>> net = crampnet.load().network
        >>> type(net).__name__
        'DiscreteBayesianNetwork'
        >>> net.get_cpds("ferritin").state_names["ferritin"]
        ['low', 'normal']
        """
        from crampnet.interop._pgmpy import to_pgmpy

        return to_pgmpy(self.spec, self.compiled.tables)

    def posteriors(self, evidence: Mapping[str, object] | pd.DataFrame | None = None, *, progress: bool = False, interval: float | None = None, draws: int = _DRAWS, seed: int | np.random.Generator | None = _SEED) -> pd.Series | pd.DataFrame:
        """Exact P(present | evidence) for every condition.

        Parameters
        ----------
        evidence : mapping or pandas.DataFrame, optional
            One case: node id (or ``age``) to a state name, ``True``/``False``,
            a number for the numeric nodes (age, symptom duration, labs, ABI), or a mapping of
            state to likelihood (soft evidence). Or a DataFrame: one case per
            row, one column per node id, missing cells meaning unobserved.
            Or a ``dask.dataframe.DataFrame``: returns a lazy Dask DataFrame
            (:func:`crampnet.interop.cohorts.posteriors_dask`).
        progress : bool, default=False
            With a DataFrame, show a progress bar on stderr (tqdm if installed).
        interval : float, optional
            For one case: also return a central credible interval of this
            mass (e.g. 0.9) from Monte Carlo over the parameters' ranges
            (:func:`crampnet.trust.uncertainty.posterior_intervals`). The
            interval is over those plausible ranges and need not contain
            the point estimate: a file's value may sit at an end of its range.
        draws : int, default=1000
            Parameter draws for ``interval``; only with ``interval``.
        seed : int or numpy.random.Generator, optional, default=0
            Seed of the draws, for reproducible intervals; only with
            ``interval`` (None: fresh entropy).

        Returns
        -------
        pandas.Series or pandas.DataFrame
            One case: a Series indexed by condition id, sorted descending.
            A DataFrame: one row per case (same index), one column per
            condition in network order. With ``interval``: a DataFrame with
            columns ``probability``, ``low`` and ``high`` per condition;
            ``attrs["impossible_draws"]`` counts the draws that made the
            evidence impossible, left out with a UserWarning.

        Raises
        ------
        UnknownNodeError
            An id the network does not have ("Did you mean ...?").
        InvalidStateError
            A state the node does not have (the message lists the valid ones).
        InvalidValueError, EvidenceTypeError
            NaN, infinite or out-of-range numbers; values of the wrong type
            (``progress`` not True or False too). ``draws`` or ``seed``
            given without ``interval`` is an InvalidValueError.
        ImpossibleEvidenceError
            Evidence of probability zero; the message names the entries that
            conflict (and, in a batch, the row).

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> post = model.posteriors({"visible_hard_contraction": True})
        >>> post.index[0]
        'nocturnal_leg_cramps'
        """
        import pandas as pd

        from crampnet.interop.cohorts import is_dask_dataframe

        check_bool(progress, "progress", "posteriors")  # "false" would show the bar
        unused = [name for name, value, default in (("draws", draws, _DRAWS), ("seed", seed, _SEED)) if value is not default]
        if interval is None and unused:
            msg = f"The {' and '.join(repr(name) for name in unused)} argument{'s' if len(unused) > 1 else ''} of posteriors {'are' if len(unused) > 1 else 'is'} for intervals only: give interval= too (e.g. interval=0.9), or leave {'them' if len(unused) > 1 else 'it'} out."
            raise InvalidValueError(msg)
        if is_dask_dataframe(evidence):
            if interval is not None:
                msg = "interval= is for one case; a Dask DataFrame is scored without intervals."
                raise EvidenceTypeError(msg)
            from crampnet.interop.cohorts import posteriors_dask

            lazy: pd.DataFrame = posteriors_dask(self, evidence)  # a dask.dataframe.DataFrame, same columns
            return lazy
        if interval is not None:
            if isinstance(evidence, pd.DataFrame):
                msg = "interval= is for one case; for a DataFrame, call posteriors(row.dropna().to_dict(), interval=...) per row (dropna leaves out the missing cells, as the DataFrame does)."
                raise EvidenceTypeError(msg)
            from crampnet.trust.uncertainty import posterior_intervals

            return posterior_intervals(self, evidence, interval=interval, draws=draws, seed=seed)
        return super().posteriors(evidence, progress=progress)

    def sensitivity(self, condition: str, evidence: Mapping[str, object] | None = None) -> pd.DataFrame:
        """Posterior of ``condition`` with each parameter at the ends of its range.

        Parameters
        ----------
        condition : str
            A condition id.
        evidence : mapping, optional
            One case, as for :meth:`posteriors`.

        Returns
        -------
        pandas.DataFrame
            The tornado table of :func:`crampnet.trust.sensitivity.sensitivity`,
            one row per parameter, sorted by swing (plot it with
            :func:`crampnet.trust.sensitivity.plot_tornado`).

        Examples
        --------
        >>> import crampnet
        >>> table = crampnet.load().sensitivity("restless_legs_syndrome", {"urge_to_move": True})
        >>> bool(table["swing"].is_monotonic_decreasing)
        True
        """
        from crampnet.trust.sensitivity import sensitivity

        return sensitivity(self, condition, evidence)

    def simulate(self, n: int, *, seed: int | np.random.Generator | None = 0) -> pd.DataFrame:
        """A synthetic cohort drawn from the network.

        Parameters
        ----------
        n : int
            Cases to draw (at most 10 million a call).
        seed : int or numpy.random.Generator, optional, default=0
            Seed of the draws, for a reproducible cohort.

        Returns
        -------
        pandas.DataFrame
            ``n`` rows, one column per node, of state names
            (:func:`crampnet.trust.simulate.simulate`).

        Examples
        --------
        >>> import crampnet
        >>> cohort = crampnet.load().simulate(100, seed=1)
        >>> cohort.shape[0], "restless_legs_syndrome" in cohort.columns
        (100, True)
        """
        from crampnet.trust.simulate import simulate

        return simulate(self, n, seed=seed)

    def fit(self, data: pd.DataFrame, *, prior_strength: float = 10.0, max_iter: int = 200, tol: float = 1e-6) -> FittedModel:
        """A new model with parameters updated from ``data`` (Bayesian, this model's tables as prior).

        Parameters
        ----------
        data : pandas.DataFrame
            One case per row, one column per node id; missing cells are unobserved.
        prior_strength : float, default=10.0
            How many cases this model's tables are worth.
        max_iter : int, default=200
            EM iterations at most (with missing cells).
        tol : float, default=1e-6
            EM stops once no table entry moves by ``tol`` or more in an
            iteration; at least 1e-15, which float rounding lets EM reach
            (a fit stopped by ``max_iter`` warns and says so in its notes).

        Returns
        -------
        FittedModel
            As :func:`crampnet.trust.simulate.fit` returns it (it raises and warns as that does).

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> fitted = model.fit(model.simulate(500, seed=2))
        >>> fitted.cases, fitted.method
        (500, 'complete')
        """
        from crampnet.trust.simulate import fit

        return cast("FittedModel", fit(self, data, prior_strength=prior_strength, max_iter=max_iter, tol=tol))

    def refit(self, fit: Fit) -> FittedModel:
        """A copy of the model with ``fit``'s tables: the hook through which :meth:`fit` returns; call that.

        Parameters
        ----------
        fit : Fit
            The record that :func:`crampnet.trust.simulate.fit` computed.

        Returns
        -------
        FittedModel
            The same network and population with the fitted tables.

        Raises
        ------
        EvidenceTypeError
            If ``fit`` is not a ``Fit``.

        Examples
        --------
        >>> import crampnet
        >>> crampnet.load().refit(None)
        Traceback (most recent call last):
            ...
        crampnet.exceptions.EvidenceTypeError: The 'fit' argument of refit must be what crampnet.trust.simulate.fit computed (a Fit); to update from data, call model.fit(data). Got NoneType instead.
        """
        if not isinstance(fit, Fit):
            msg = f"The 'fit' argument of refit must be what crampnet.trust.simulate.fit computed (a Fit); to update from data, call model.fit(data). Got {type(fit).__name__} instead."
            raise EvidenceTypeError(msg)
        return FittedModel(self, fit)


class FittedModel(Model):
    """A :class:`~crampnet.Model` whose tables were updated from data.

    Made by :meth:`Model.fit`; ``parameters()`` marks the updated numbers
    ``source = "fitted"``.

    Attributes
    ----------
    posterior_counts : dict of str to numpy.ndarray
        The Dirichlet posterior (prior pseudo-counts plus counts) of each
        fitted node's table, one distribution per parent configuration.
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
    """

    def __init__(self, base: BaseModel, fit: Fit) -> None:
        # A fitted table is a general table; CompiledNetwork absorbs a noisy-OR
        # finding's "no" answers only where its table is exactly noisy-OR.
        super().__init__(base.spec, base.population, tables=fit.tables)
        self.posterior_counts = {nid: np.array(c, dtype=float) for nid, c in fit.posterior_counts.items()}
        self.prior_strength, self.cases, self.method = fit.prior_strength, fit.cases, fit.method
        self.iterations, self.converged = fit.iterations, fit.converged
        self._fit = fit  # its parameter table is built when first asked for

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f", fitted to {self.cases} cases (prior_strength={self.prior_strength:g})>"

    def __getstate__(self) -> dict[str, object]:
        """As the model's, with the fit's parameter table built now (its builder is a closure, which pickle cannot take).

        Returns
        -------
        dict of str to object
            The attributes but ``compiled``, the fit's ``build`` made a
            copy of its built parameter table.
        """
        import pandas as pd

        state = super().__getstate__()
        state["_fit"] = dataclasses.replace(self._fit, build=functools.partial(pd.DataFrame.copy, self._fit.parameters))
        return state

    def parameters(self) -> pd.DataFrame:
        """Every number with its source; fitted numbers say ``source = "fitted"``, a structural 0 (which no case can move) keeps its own.

        What no case can reach keeps the model's value and says so: a
        structural 0 and the structural 1 beside it keep their row's
        source, and an entry of a parent configuration that cannot occur (a
        part present without its condition) has a ``reason`` starting
        ``"impossible:"`` and the source of its file row where one row gives
        it, else ``"structure"``.

        Returns
        -------
        pandas.DataFrame
            As :meth:`crampnet.Model.parameters`, a new copy.

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> table = model.fit(model.simulate(200, seed=3)).parameters()
        >>> bool((table["source"] == "fitted").any())
        True
        """
        return self._fit.parameters.copy()
