"""The public model: load a network, ask for posteriors, see the sources.

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
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet.batch import batch_evidence, label
from crampnet.compiled import CompiledNetwork
from crampnet.evidence import describe, normalise, resolve_id
from crampnet.exceptions import EvidenceTypeError, ImpossibleEvidenceError, InvalidValueError, hint
from crampnet.loading import read_network_text, shipped_path, shipped_text
from crampnet.spec import NetworkSpec, parse_network

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.diagnosis import Diagnosis

__all__ = ["DEFAULT_POPULATION", "Model", "load", "populations"]

#: The population whose context priors are the network file's own.
DEFAULT_POPULATION = "adults"
#: Rows of a DataFrame converted and scored at a time (bounds memory).
BATCH_ROWS = 20_000


class Model:
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

    def __init__(self, spec: NetworkSpec, population: str = DEFAULT_POPULATION) -> None:
        self.spec = spec
        self.population = population
        self.compiled = CompiledNetwork(spec, None if population == DEFAULT_POPULATION else population)

    def __repr__(self) -> str:
        return (
            f"<crampnet.Model {self.spec.name} {self.spec.version} ({self.population}): "
            f"{len(self.context)} context, {len(self.conditions)} conditions, "
            f"{len(self.findings)} findings>"
        )

    def _ids(self, role: str) -> list[str]:
        return [nid for nid, node in self.spec.nodes.items() if node.role == role]

    @property
    def conditions(self) -> list[str]:
        """Ids of the condition nodes, whose posteriors :meth:`posteriors` returns."""
        return self._ids("condition")

    @property
    def findings(self) -> list[str]:
        """Ids of the finding nodes (symptoms, signs, tests)."""
        return self._ids("finding")

    @property
    def context(self) -> list[str]:
        """Ids of the context nodes (age, sex, medications, risk factors)."""
        return self._ids("context")

    @property
    def must_not_miss(self) -> list[str]:
        """Conditions flagged must-not-miss in the network file."""
        return [c for c in self.conditions if self.spec.nodes[c].must_not_miss]

    def states(self, node: str) -> list[str]:
        """The states of ``node``, in network order.

        Examples
        --------
        >>> import crampnet
        >>> crampnet.load().states("ferritin")
        ['low', 'normal']
        """
        return list(self.spec.nodes[resolve_id(self.spec, node, "states")].states)

    @cached_property
    def network(self) -> Any:
        """The network as a checked ``pgmpy.models.DiscreteBayesianNetwork``.

        pgmpy is imported on first access only.
        """
        from crampnet._pgmpy import to_pgmpy

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
            (:func:`crampnet.cohorts.posteriors_dask`).
        progress : bool, default=False
            With a DataFrame, show a progress bar on stderr (tqdm if installed).
        interval : float, optional
            For one case: also return a central credible interval of this
            mass (e.g. 0.9) from Monte Carlo over the parameters' ranges
            (:func:`crampnet.uncertainty.posterior_intervals`).
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

        from crampnet.cohorts import is_dask_dataframe

        if is_dask_dataframe(evidence):
            if interval is not None:
                msg = "interval= is for one case; a Dask DataFrame is scored without intervals."
                raise EvidenceTypeError(msg)
            from crampnet.cohorts import posteriors_dask

            lazy: pd.DataFrame = posteriors_dask(self, evidence)  # a dask.dataframe.DataFrame, same columns
            return lazy
        if interval is not None:
            if isinstance(evidence, pd.DataFrame):
                msg = "interval= is for one case; for a DataFrame, call posteriors(row.to_dict(), interval=...) per row."
                raise EvidenceTypeError(msg)
            from crampnet.uncertainty import posterior_intervals

            return posterior_intervals(self, evidence, interval=interval, draws=draws, seed=seed)
        if isinstance(evidence, pd.DataFrame):
            return self._batch(evidence, progress=progress)
        if evidence is not None and not isinstance(evidence, Mapping):
            msg = f"The 'evidence' argument of posteriors must be a mapping of node id to state, or a pandas DataFrame. Got {evidence!r} ({type(evidence).__name__}) instead."
            raise EvidenceTypeError(msg)
        vectors = normalise(self.spec, evidence)
        try:
            values = self.compiled.posterior_matrix(vectors)[0]
        except ImpossibleEvidenceError:
            raise self._impossible(vectors) from None
        order = np.argsort(-values, kind="stable")
        return pd.Series(values[order], index=self._condition_index[order], name="P(present | evidence)")

    @cached_property
    def _condition_index(self) -> pd.Index:
        """The conditions as a pandas Index, built once (Series of one case are indexed by it)."""
        import pandas as pd

        return pd.Index(self.conditions)

    def _impossible(self, vectors: dict[str, np.ndarray], row: object | None = None) -> ImpossibleEvidenceError:
        conflict = self.compiled.conflict(vectors)
        entries = [f"{nid}={describe(self.spec, nid, vectors[nid])}" for nid in conflict]
        where = f" in row {label(row)}" if row is not None else ""
        msg = f"The evidence{where} is impossible under the network: {' and '.join(entries)} cannot hold together (probability zero)."
        return ImpossibleEvidenceError(msg, conflict, row)

    def _batch(self, frame: pd.DataFrame, *, progress: bool) -> pd.DataFrame:
        import pandas as pd

        bar = _progress_bar(len(frame)) if progress else None
        parts = []
        # The whole batch decides whether compiling the kernel pays, not
        # each slice (crampnet._kernel.ready).
        self.compiled.prepare(len(frame))
        try:
            # Convert and score in slices so memory stays bounded whatever the
            # number of rows: only one slice's likelihood arrays exist at once.
            step = BATCH_ROWS
            for start in range(0, len(frame), step):
                part = frame.iloc[start : start + step]
                parts.append(self._score(part))
                if bar is not None:
                    bar.update(len(part))
        finally:
            if bar is not None:
                bar.close()
        if not parts:
            return pd.DataFrame(np.empty((0, len(self.conditions))), index=frame.index, columns=self.conditions)
        return pd.DataFrame(np.concatenate(parts), index=frame.index, columns=self.conditions)

    def _score(self, frame: pd.DataFrame) -> np.ndarray:
        vectors = batch_evidence(self.spec, frame)
        try:
            return self.compiled.posterior_matrix(vectors, n_rows=len(frame))
        except ImpossibleEvidenceError as err:
            pos = int(err.row) if isinstance(err.row, int) else 0
            row = {k: v[pos] for k, v in vectors.items() if not np.all(v[pos] == 1.0)}
            raise self._impossible(row, frame.index[pos]) from None

    def iter_posteriors(self, frames: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        """Score a stream of DataFrames (e.g. ``pandas.read_csv(..., chunksize=...)``).

        Memory is bounded by one input chunk, whatever the stream's length.

        Parameters
        ----------
        frames : iterable of pandas.DataFrame
            Chunks of cases, as for :meth:`posteriors`.

        Yields
        ------
        pandas.DataFrame
            The posteriors of each chunk, with the chunk's index.

        Examples
        --------
        >>> import pandas as pd
        >>> import crampnet
        >>> model = crampnet.load()
        >>> chunks = [pd.DataFrame({"urge_to_move": [True, False]})] * 3
        >>> sum(len(part) for part in model.iter_posteriors(chunks))
        6
        """
        import pandas as pd

        for frame in frames:
            if not isinstance(frame, pd.DataFrame):
                msg = f"iter_posteriors takes an iterable of pandas DataFrames. Got an item of type {type(frame).__name__}."
                raise EvidenceTypeError(msg)
            yield self._batch(frame, progress=False)

    def probability(self, event: Mapping[str, object], given: Mapping[str, object] | None = None) -> float:
        """Exact P(event | given) for joint assignments of any nodes.

        Parameters
        ----------
        event : mapping
            Node id to value, as in :meth:`posteriors`.
        given : mapping, optional
            The conditioning evidence.

        Returns
        -------
        float
            The conditional probability (0.0 when the event contradicts ``given``).

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> p = model.probability({"periodic_limb_movements": True}, given={"restless_legs_syndrome": True})
        >>> 0.8 <= p <= 0.9
        True
        """
        cond = normalise(self.spec, given, "given")
        both = dict(cond)
        for nid, vec in normalise(self.spec, event, "event").items():
            both[nid] = both[nid] * vec if nid in both else vec
        log_given = self.compiled.log_evidence(cond)
        if not np.isfinite(log_given):
            raise self._impossible(cond)
        return float(np.exp(self.compiled.log_evidence(both) - log_given))

    def diagnose(self, evidence: Mapping[str, object] | None = None, *, ranking: str = "counterfactual", threshold: float = 0.10) -> Diagnosis:
        """Diagnose one case: differential, explanation, next questions, red flags, report.

        See :func:`crampnet.diagnosis.diagnose`.

        Examples
        --------
        >>> import crampnet
        >>> dx = crampnet.load().diagnose({"exertional_pain_relieved_by_rest": True, "age": 70})
        >>> dx.differential[0]
        'peripheral_arterial_disease'
        """
        from crampnet.diagnosis import diagnose

        return diagnose(self, evidence, ranking=ranking, threshold=threshold)

    def draw(self, evidence: Mapping[str, object] | None = None, ax: Any = None) -> Any:
        """Draw the network with matplotlib, coloured by role, observed nodes outlined.

        See :func:`crampnet.display.draw`.
        """
        from crampnet.display import draw

        return draw(self, evidence, ax)

    def sensitivity(self, condition: str, evidence: Mapping[str, object] | None = None) -> pd.DataFrame:
        """Posterior of ``condition`` with each parameter at the ends of its range.

        See :func:`crampnet.sensitivity.sensitivity` (the tornado table, sorted
        by swing) and :func:`crampnet.sensitivity.plot_tornado`.
        """
        from crampnet.sensitivity import sensitivity

        return sensitivity(self, condition, evidence)

    def simulate(self, n: int, *, seed: int | np.random.Generator | None = 0) -> pd.DataFrame:
        """A synthetic cohort of ``n`` cases, one column per node (see :func:`crampnet.simulate.simulate`)."""
        from crampnet.simulate import simulate

        return simulate(self, n, seed=seed)

    def fit(self, data: pd.DataFrame, *, prior_strength: float = 10.0, max_iter: int = 200, tol: float = 1e-6) -> Model:
        """A new model with parameters updated from ``data`` (see :func:`crampnet.simulate.fit`)."""
        from crampnet.simulate import fit

        return fit(self, data, prior_strength=prior_strength, max_iter=max_iter, tol=tol)

    def parameters(self) -> pd.DataFrame:
        """Every number of the network with its source: one row per parameter.

        Returns
        -------
        pandas.DataFrame
            Columns ``node, role, model, kind, parent, parent_state, state,
            value, low, high, source, citation, reason, note``. ``source`` is a
            key of the file's ``[sources]`` or ``"judgment"`` (then ``reason``
            says why).

        Examples
        --------
        >>> import crampnet
        >>> table = crampnet.load().parameters()
        >>> bool((table["source"] != "").all())
        True
        """
        from crampnet.provenance import parameter_table

        return parameter_table(self.spec, self.compiled.tables, self.compiled.population)


class _Bar:
    """A minimal stderr progress bar, used when tqdm is not installed."""

    def __init__(self, total: int) -> None:
        import sys

        self.total, self.done, self.stream = total, 0, sys.stderr

    def update(self, n: int) -> None:
        self.done += n
        self.stream.write(f"\rcrampnet: {self.done}/{self.total} cases")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


def _progress_bar(total: int) -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with pgmpy
        return _Bar(total)
    return tqdm(total=total, unit="case", desc="crampnet")


@lru_cache(maxsize=16)
def _compile(text: str, name: str, digest: str, population: str) -> Model:
    del digest  # part of the cache key only
    spec = parse_network(text, name)
    _check_population(spec, population)
    return Model(spec, population)


def _check_population(spec: NetworkSpec, population: object) -> None:
    if not isinstance(population, str):
        msg = f"The 'population' argument of load must be a str. Got {population!r} ({type(population).__name__}) instead."
        raise TypeError(msg)
    names = [DEFAULT_POPULATION, *spec.populations]
    if population not in names:
        msg = f"Unknown population {population!r}.{hint(population, names)} Presets of {spec.name}: {', '.join(names)}."
        raise InvalidValueError(msg)


def load(path: str | os.PathLike[str] | None = None, *, population: str = DEFAULT_POPULATION) -> Model:
    """Load and compile a network.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A network file (``networks/FORMAT.md``). By default, the leg-cramp
        network shipped with crampnet.
    population : str, default="adults"
        A population preset of the network (see :func:`populations`): its
        context priors replace the default adult ones.

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
    return _compile(text, name, hashlib.sha256(text.encode("utf-8")).hexdigest(), population)


def populations(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The population presets of a network (by default the shipped one).

    Returns
    -------
    pandas.DataFrame
        Indexed by preset name, with columns ``label``, ``description`` and
        ``priors`` (the context nodes whose priors the preset replaces).

    Examples
    --------
    >>> import crampnet
    >>> "adults" in crampnet.populations().index
    True
    """
    import pandas as pd

    spec = load(path).spec
    rows = {DEFAULT_POPULATION: {"label": "Adults", "description": "The default: the general adult population (the network file's own context priors).", "priors": ""}}
    for key, pop in spec.populations.items():
        rows[key] = {"label": pop.label, "description": pop.description, "priors": ", ".join(pop.priors)}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "population"
    return frame
