"""The public model: the facade over the core, the clinical layer and the trust layer.

:class:`Model` is what :func:`load` returns: a :class:`~crampnet.base.BaseModel`
(ids, states, exact posteriors, provenance) with the methods of the layers
above it bound on: :meth:`Model.diagnose` (:mod:`crampnet.reasoning`),
intervals, :meth:`Model.sensitivity`, :meth:`Model.simulate` and
:meth:`Model.fit` (:mod:`crampnet.trust`), :attr:`Model.network` and Dask
frames (:mod:`crampnet.interop`), and :meth:`Model.draw`
(:mod:`crampnet.display`). This module sits above all of them, so none of
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

import hashlib
import os
from collections.abc import Mapping
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from crampnet.base import BATCH_ROWS, DEFAULT_POPULATION, BaseModel, Fit
from crampnet.exceptions import EvidenceTypeError, InvalidValueError, hint
from crampnet.network.loading import read_network_text, shipped_path, shipped_text
from crampnet.network.spec import NetworkSpec, parse_network

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.explorer import Explorer
    from crampnet.network.describe import NodeDescription
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["BATCH_ROWS", "DEFAULT_POPULATION", "FittedModel", "Model", "load", "populations"]


class Model(BaseModel):
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
        """
        from crampnet.interop._pgmpy import to_pgmpy

        return to_pgmpy(self.spec, self.compiled.tables)

    def posteriors(self, evidence: Mapping[str, object] | pd.DataFrame | None = None, *, progress: bool = False, interval: float | None = None, draws: int = 1000, seed: int | np.random.Generator | None = 0) -> pd.Series | pd.DataFrame:
        """Exact P(present | evidence) for every condition.

        Parameters
        ----------
        evidence : mapping or pandas.DataFrame, optional
            One case: node id (or ``age``) to a state name, ``True``/``False``,
            a number for the numeric nodes (age, labs, ABI), or a mapping of
            state to likelihood (soft evidence). Or a DataFrame: one case per
            row, one column per node id, missing cells meaning unobserved.
            Or a ``dask.dataframe.DataFrame``: returns a lazy Dask DataFrame
            (:func:`crampnet.interop.cohorts.posteriors_dask`).
        progress : bool, default=False
            With a DataFrame, show a progress bar on stderr (tqdm if installed).
        interval : float, optional
            For one case: also return a central credible interval of this
            mass (e.g. 0.9) from Monte Carlo over the parameters' ranges
            (:func:`crampnet.trust.uncertainty.posterior_intervals`).
        draws : int, default=1000
            Parameter draws for ``interval``.
        seed : int or numpy.random.Generator, optional, default=0
            Seed of the draws, for reproducible intervals.

        Returns
        -------
        pandas.Series or pandas.DataFrame
            One case: a Series indexed by condition id, sorted descending.
            A DataFrame: one row per case (same index), one column per
            condition in network order. With ``interval``: a DataFrame with
            columns ``probability``, ``low`` and ``high`` per condition.

        Raises
        ------
        UnknownNodeError
            An id the network does not have ("Did you mean ...?").
        InvalidStateError
            A state the node does not have (the message lists the valid ones).
        InvalidValueError, EvidenceTypeError
            NaN, infinite or out-of-range numbers; values of the wrong type.
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

        if is_dask_dataframe(evidence):
            if interval is not None:
                msg = "interval= is for one case; a Dask DataFrame is scored without intervals."
                raise EvidenceTypeError(msg)
            from crampnet.interop.cohorts import posteriors_dask

            lazy: pd.DataFrame = posteriors_dask(self, evidence)  # a dask.dataframe.DataFrame, same columns
            return lazy
        if interval is not None:
            if isinstance(evidence, pd.DataFrame):
                msg = "interval= is for one case; for a DataFrame, call posteriors(row.to_dict(), interval=...) per row."
                raise EvidenceTypeError(msg)
            from crampnet.trust.uncertainty import posterior_intervals

            return posterior_intervals(self, evidence, interval=interval, draws=draws, seed=seed)
        return super().posteriors(evidence, progress=progress)

    def diagnose(self, evidence: Mapping[str, object] | None = None, *, ranking: str = "counterfactual", threshold: float | None = None) -> Diagnosis:
        """Diagnose one case: differential, explanation, next questions, red flags, report.

        See :func:`crampnet.reasoning.diagnosis.diagnose`.

        Examples
        --------
        >>> import crampnet
        >>> dx = crampnet.load().diagnose({"exertional_pain_relieved_by_rest": True, "age": 70})
        >>> dx.differential[0]
        'peripheral_arterial_disease'
        """
        from crampnet.reasoning.diagnosis import diagnose

        return diagnose(self, evidence, ranking=ranking, threshold=threshold)

    def draw(self, evidence: Mapping[str, object] | None = None, ax: Any = None, *, whole: bool = False) -> Any:
        """Draw the part of the network that matters for a case, each condition with its posterior as a bar.

        ``whole=True`` draws every node. See :func:`crampnet.display.draw`.
        """
        from crampnet.display import draw

        return draw(self, evidence, ax, whole=whole)

    def explore(self, case: Mapping[str, object] | None = None, *, questions: int = 5) -> Explorer:
        """A Jupyter form: one control per finding; the differential, red flags and next questions redrawn as you answer.

        Needs ipywidgets (``pip install "crampnet[explorer]"``). See :func:`crampnet.explorer.explore`.
        """
        from crampnet.explorer import explore

        return explore(self, case, questions=questions)

    def describe(self, node: str) -> NodeDescription:
        """What a node is: its meaning, states, bands, parents, children and sources.

        Parameters
        ----------
        node : str
            A node id or alias (``"age"`` is ``age_group``).

        Returns
        -------
        NodeDescription
            ``id``, ``label``, ``role``, ``states``, ``description`` (what
            it means and how it is elicited or measured), ``aliases``,
            ``unit``, ``valid`` and ``bands`` (``band_ranges`` in words) of
            a numeric node, ``parents``, ``children``, ``must_not_miss``,
            ``model`` and ``sources`` (each source of its numbers in
            :meth:`parameters`, in this model's population: key, citation,
            how many numbers). Prints as text; Jupyter shows it as HTML.

        Raises
        ------
        UnknownNodeError
            If the network has no such node ("Did you mean ...?").
        EvidenceTypeError
            If ``node`` is not a string.

        See Also
        --------
        crampnet.network.describe.describe_node : the same, from a provenance table computed once.

        Examples
        --------
        >>> import crampnet
        >>> info = crampnet.load().describe("tsh")
        >>> info.label, info.unit, info.band_ranges
        ('TSH', 'mIU/L', (('low', 'under 0.4'), ('normal', '0.4 to 4.5'), ('high', 'over 4.5')))
        >>> "restless_legs_syndrome" in crampnet.load().describe("urge_to_move").parents
        True
        """
        from crampnet.network.describe import describe_node

        return describe_node(self.spec, node, self.parameters())

    def sensitivity(self, condition: str, evidence: Mapping[str, object] | None = None) -> pd.DataFrame:
        """Posterior of ``condition`` with each parameter at the ends of its range.

        See :func:`crampnet.trust.sensitivity.sensitivity` (the tornado table, sorted
        by swing) and :func:`crampnet.trust.sensitivity.plot_tornado`.
        """
        from crampnet.trust.sensitivity import sensitivity

        return sensitivity(self, condition, evidence)

    def simulate(self, n: int, *, seed: int | np.random.Generator | None = 0) -> pd.DataFrame:
        """A synthetic cohort of ``n`` cases, one column per node (see :func:`crampnet.trust.simulate.simulate`)."""
        from crampnet.trust.simulate import simulate

        return simulate(self, n, seed=seed)

    def fit(self, data: pd.DataFrame, *, prior_strength: float = 10.0, max_iter: int = 200, tol: float = 1e-6) -> FittedModel:
        """A new model with parameters updated from ``data`` (see :func:`crampnet.trust.simulate.fit`)."""
        from crampnet.trust.simulate import fit

        return cast("FittedModel", fit(self, data, prior_strength=prior_strength, max_iter=max_iter, tol=tol))

    def refit(self, fit: Fit) -> FittedModel:
        """A :class:`FittedModel`: this model with ``fit``'s tables (see :meth:`fit`)."""
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
        Rows of the data.
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

    def parameters(self) -> pd.DataFrame:
        """Every number with its source; fitted numbers say ``source = "fitted"``."""
        return self._fit.parameters.copy()


@lru_cache(maxsize=16)
def _compile(text: str, name: str, digest: str, population: str | None) -> Model:
    # The shipped network's JSON twin, when it was made from exactly this
    # text, spares the TOML parse (crampnet.network.twin); else tomllib.
    # Imported here so that ``python -m crampnet.network.twin`` runs cleanly.
    from crampnet.network.twin import read_twin

    spec = parse_network(text, name, parsed=read_twin(digest))
    population = spec.default_population if population is None else population
    _check_population(spec, population)
    return Model(spec, population)


def _check_population(spec: NetworkSpec, population: str) -> None:
    names = [DEFAULT_POPULATION, *spec.populations]
    if population not in names:
        msg = f"Unknown population {population!r}.{hint(population, names)} Presets of {spec.name}: {', '.join(names)}."
        raise InvalidValueError(msg)


def load(path: str | os.PathLike[str] | None = None, *, population: str | None = None) -> Model:
    """Load and compile a network.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A network file (``networks/FORMAT.md``). By default, the leg-cramp
        network shipped with crampnet.
    population : str, optional
        A population preset of the network (see :func:`populations`): its
        context priors replace the file's own (``"adults"``). By default the
        file's ``default_population``: for the shipped network, adults
        presenting with a leg complaint (``"presenting"``).

    Returns
    -------
    Model
        The compiled model. Loading the same text twice returns the same
        (immutable) model from a cache.

    Raises
    ------
    NetworkFileError
        If the file is missing, malformed or breaks a rule of the format; the
        message names the file and the problem.
    InvalidValueError
        If ``population`` is not a preset of the network (the message lists them).

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> "restless_legs_syndrome" in model.conditions
    True
    """
    if path is None:
        text, name = shipped_text(), shipped_path()
    else:
        text, name = read_network_text(path), os.fspath(path)
    if population is not None and not isinstance(population, str):  # before the cache, which would fail to hash a list
        msg = f"The 'population' argument of load must be a str. Got {population!r} ({type(population).__name__}) instead."
        raise TypeError(msg)
    return _compile(text, name, hashlib.sha256(text.encode("utf-8")).hexdigest(), population)


def populations(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The population presets of a network (by default the shipped one).

    Returns
    -------
    pandas.DataFrame
        Indexed by preset name, with columns ``label``, ``description``,
        ``priors`` (the context nodes whose priors the preset replaces),
        ``extends`` (the preset it starts from, or an empty string) and
        ``default`` (True for the one :func:`load` uses when given none).

    Examples
    --------
    >>> import crampnet
    >>> "adults" in crampnet.populations().index
    True
    """
    import pandas as pd

    spec = load(path).spec
    rows = {DEFAULT_POPULATION: {"label": "Adults", "description": "The network file's own context priors.", "priors": "", "extends": "", "default": False}}
    for key, pop in spec.populations.items():
        rows[key] = {"label": pop.label, "description": pop.description, "priors": ", ".join(pop.priors), "extends": pop.extends or "", "default": False}
    rows[spec.default_population]["default"] = True
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "population"
    return frame
