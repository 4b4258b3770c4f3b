"""The model core: a loaded, compiled network that answers exact queries.

:class:`BaseModel` holds a validated network file and its compiled exact
engine, and answers what every layer above needs: the ids and states,
posteriors of one case or a DataFrame, any conditional probability, and the provenance table. The reasoning, trust and interop layers take a
``BaseModel``; :class:`crampnet.Model` (:mod:`crampnet.model`) is the
facade on top that adds their methods (``diagnose``, ``sensitivity``,
``fit``, ``network``...), so no layer imports upward.

Examples
--------
>>> import crampnet
>>> from crampnet.base import BaseModel
>>> model = crampnet.load()
>>> isinstance(model, BaseModel)
True
>>> post = model.posteriors({"urge_to_move": True, "uncomfortable_sensations": True,
...                          "worse_at_rest": True, "ferritin": 32})
>>> post.index[0]
'restless_legs_syndrome'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from crampnet._fit import Fit
from crampnet._ids import NodeIds
from crampnet.exceptions import EvidenceTypeError, ImpossibleEvidenceError
from crampnet.inference.compiled import CompiledNetwork
from crampnet.network.batch import batch_evidence, checked_frames, progress_bar, row_name
from crampnet.network.evidence import conjunction, describe, normalise, show
from crampnet.network.spec import FILE_POPULATION, NetworkSpec

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["BATCH_ROWS", "DEFAULT_POPULATION", "BaseModel", "Fit"]

#: The population whose context priors are the network file's own.
DEFAULT_POPULATION = FILE_POPULATION
#: Rows of a DataFrame converted and scored at a time (bounds memory).
BATCH_ROWS = 20_000


class BaseModel(NodeIds):
    """A compiled network: its ids and states, exact posteriors, its sources.

    The core that every layer above may rely on. Users get a
    :class:`crampnet.Model` (the facade, which adds the clinical and trust
    methods) from :func:`crampnet.load`; the reasoning, trust and interop
    layers take any ``BaseModel``. A model is immutable: every method is a
    pure function of its arguments.

    Parameters
    ----------
    spec : NetworkSpec
        The validated network file.
    population : str, optional
        A population preset of the network; by default the file's
        ``default_population`` (``"adults"``, the file's own priors, unless
        the file names another).
    tables : mapping of str to numpy.ndarray, optional
        Tables that replace the file's (a fitted model's).

    Attributes
    ----------
    spec : NetworkSpec
        The validated network file.
    compiled : CompiledNetwork
        The junction tree used for exact inference.
    population : str
        The population preset whose context priors are in use.
    """

    def __init__(self, spec: NetworkSpec, population: str | None = None, *, tables: Mapping[str, np.ndarray] | None = None) -> None:
        self.spec = spec
        population = spec.default_population if population is None else population
        self.population = population
        self._tables = None if tables is None else dict(tables)  # what the compiled network is made again from when unpickled
        self.compiled = CompiledNetwork(spec, None if population == DEFAULT_POPULATION else population, tables=tables)

    def __getstate__(self) -> dict[str, object]:
        """The model without its compiled network (it holds locks and numba kernels), for pickle and ``copy.deepcopy``.

        Returns
        -------
        dict of str to object
            The instance's attributes but ``compiled``; ``__setstate__``
            compiles it again from ``spec``, ``population`` and the tables
            the model was made with.
        """
        return {k: v for k, v in vars(self).items() if k != "compiled"}

    def __setstate__(self, state: Mapping[str, object]) -> None:
        """Restore a pickled model: its attributes, then its compiled network made again (as ``__init__`` makes it).

        Parameters
        ----------
        state : Mapping of str to object
            What ``__getstate__`` returned.
        """
        vars(self).update(state)
        self.compiled = CompiledNetwork(self.spec, None if self.population == DEFAULT_POPULATION else self.population, tables=self._tables)

    def __repr__(self) -> str:
        return f"<crampnet.Model {self.spec.name} {self.spec.version} ({self.population}): {len(self.context)} context, {len(self.conditions)} conditions, {len(self.findings)} findings>"

    def posteriors(self, evidence: Mapping[str, object] | pd.DataFrame | None = None, *, progress: bool = False) -> pd.Series | pd.DataFrame:
        """Exact P(present | evidence) for every condition.

        Parameters
        ----------
        evidence : mapping or pandas.DataFrame, optional
            One case: node id (or ``age``) to a state name, ``True``/``False``,
            a number for the numeric nodes (age, symptom duration, labs, ABI), or a mapping of
            state to likelihood (soft evidence). Or a DataFrame: one case per
            row, one column per node id, missing cells meaning unobserved.
        progress : bool, default=False
            With a DataFrame, show a progress bar on stderr (tqdm if installed).

        Returns
        -------
        pandas.Series or pandas.DataFrame
            One case: a Series indexed by condition id, sorted descending.
            A DataFrame: one row per case (same index), one column per
            condition in network order.

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

        if isinstance(evidence, pd.DataFrame):
            return self._batch(evidence, progress=progress)
        if evidence is not None and not isinstance(evidence, Mapping):
            msg = f"The 'evidence' argument of posteriors must be a mapping of node id to state, or a pandas DataFrame. Got {show(evidence)} ({type(evidence).__name__}) instead."
            raise EvidenceTypeError(msg)
        return self._posterior_series(self.posterior_array(evidence))

    def posterior_array(self, evidence: Mapping[str, object] | None = None) -> np.ndarray:
        """One case's :meth:`posteriors`, unsorted, as a numpy array in the order of :attr:`conditions` (no pandas).

        Parameters
        ----------
        evidence : mapping, optional
            One case, as for :meth:`posteriors` (no DataFrame).

        Returns
        -------
        numpy.ndarray
            P(present | evidence) of each condition, shape ``(len(conditions),)``.
            Raises as :meth:`posteriors`.

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> values = model.posterior_array({"visible_hard_contraction": True})
        >>> model.conditions[int(values.argmax())]
        'nocturnal_leg_cramps'
        """
        vectors = normalise(self.spec, evidence)
        post, log_ev = self._evaluate(vectors, 1)
        if not np.isfinite(log_ev[0]):
            raise self._impossible(vectors)
        return np.asarray(post[0], dtype=float)

    def _posterior_series(self, values: np.ndarray) -> pd.Series:
        """One case's :meth:`posterior_array` as :meth:`posteriors` returns it: a Series sorted descending."""
        import pandas as pd

        order = np.argsort(-values, kind="stable")
        return pd.Series(values[order], index=self._condition_index[order], name="P(present | evidence)")

    @cached_property
    def _condition_index(self) -> pd.Index:
        """The conditions as a pandas Index, built once (Series of one case are indexed by it)."""
        import pandas as pd

        return pd.Index(self.conditions)

    def _evaluate(self, vectors: Mapping[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
        """Condition posteriors and ``log P(evidence)`` of ``n`` cases (NaN and ``-inf`` where impossible).

        Exact for tiny soft likelihoods too: the engine adds such cases up
        from their parts (:meth:`CompiledNetwork.evaluate <crampnet.inference.compiled.CompiledNetwork.evaluate>`).
        """
        return self.compiled.evaluate(vectors, n_rows=n)

    def _impossible(self, vectors: dict[str, np.ndarray], rows: pd.Index | None = None, position: int = 0) -> ImpossibleEvidenceError:
        """The error for impossible evidence, naming a minimal conflict (and, in a batch, the row of ``rows`` at ``position``)."""
        conflict = self.compiled.conflict(vectors)
        entries = [f"{nid}={describe(self.spec, nid, vectors[nid])}" for nid in conflict]
        where = f" in {row_name(rows, position)}" if rows is not None else ""
        if len(entries) == 1:  # no other entry takes part: the conflict is with the population's context priors or the network itself
            msg = f"The evidence{where} is impossible under the network in the population {self.population!r}: {entries[0]} has probability zero on its own. Leave it out, or use a population where it can hold (crampnet.populations(); --population on the command line)."
        else:
            msg = f"The evidence{where} is impossible under the network: {' and '.join(entries)} cannot hold together (probability zero). Check them: one may be mistyped or another patient's; correct it or leave it out."
        return ImpossibleEvidenceError(msg, conflict, None if rows is None else rows[position])

    def _batch(self, frame: pd.DataFrame, *, progress: bool) -> pd.DataFrame:
        import pandas as pd

        bar = progress_bar(len(frame)) if progress else None
        parts = []
        self.compiled.prepare(len(frame))  # the whole batch decides whether compiling the kernel pays (_kernel.ready)
        try:
            # Convert and score in slices so that only one slice's likelihood arrays exist at once.
            for start in range(0, len(frame), BATCH_ROWS):
                part = frame.iloc[start : start + BATCH_ROWS]
                parts.append(self._score(part, frame.index, start))
                if bar is not None:
                    bar.update(len(part))
        finally:
            if bar is not None:
                bar.close()
        if not parts:
            return pd.DataFrame(np.empty((0, len(self.conditions))), index=frame.index, columns=self.conditions)
        return pd.DataFrame(np.concatenate(parts), index=frame.index, columns=self.conditions)

    def _score(self, frame: pd.DataFrame, rows: pd.Index, offset: int) -> np.ndarray:
        """Posteriors of ``frame``, the slice of a DataFrame with index ``rows`` that starts at ``offset``."""
        vectors = batch_evidence(self.spec, frame, rows=rows, offset=offset)
        post, log_ev = self._evaluate(vectors, len(frame))
        bad = np.flatnonzero(~np.isfinite(log_ev))
        if bad.size:
            pos = int(bad[0])
            row = {k: v[pos] for k, v in vectors.items() if not np.all(v[pos] == 1.0)}
            raise self._impossible(row, rows, offset + pos)
        return post

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
        for frame in checked_frames(frames):
            yield self._batch(frame, progress=False)

    def probability(self, event: Mapping[str, object], given: Mapping[str, object] | None = None) -> float:
        """Exact P(event | given) for joint assignments of any nodes.

        Parameters
        ----------
        event : mapping
            Node id to a set of its states: a state name, ``True``/``False``,
            a number (banded), or a mapping of state to 1 (in the set) or 0
            (``{"diminished": 1, "absent": 1}``: either). Other weights are
            soft evidence and raise InvalidValueError: they belong in ``given``.
        given : mapping, optional
            The conditioning evidence, as in :meth:`posteriors` (soft evidence too).

        Returns
        -------
        float
            The conditional probability, in [0, 1] (0.0 when the event
            contradicts ``given``).

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> p = model.probability({"periodic_limb_movements": True}, given={"restless_legs_syndrome": True})
        >>> 0.8 <= p <= 0.9
        True
        """
        cond = normalise(self.spec, given, "given")
        both = conjunction(self.spec, cond, event)  # ``given``'s vectors scaled to max 1, the event's 0/1
        log_given = self._evaluate(cond, 1)[1][0]
        if not np.isfinite(log_given):
            raise self._impossible(cond)
        if not all(vec.any() for vec in both.values()):
            return 0.0  # the event contradicts what is given on one of its nodes
        return min(1.0, float(np.exp(self._evaluate(both, 1)[1][0] - log_given)))

    def parameters(self) -> pd.DataFrame:
        """Every number of the network with its source: one row per parameter.

        Returns
        -------
        pandas.DataFrame
            Columns ``node, role, model, kind, parent, parent_state, state, value, low, high,
            source, citation, reason, note`` (a new copy: the model builds it once). ``source``
            is a key of the file's ``[sources]`` or ``"judgment"`` (then ``reason`` says why);
            ``low``, ``high``: its range, for a distribution's entries too (every judgment has one).

        Examples
        --------
        >>> import crampnet
        >>> table = crampnet.load().parameters()
        >>> bool((table["source"] != "").all())
        True
        >>> bool(table.loc[table["source"] == "judgment", ["low", "high"]].notna().all().all())
        True
        """
        return self._parameters.copy()

    @cached_property
    def _parameters(self) -> pd.DataFrame:
        """:meth:`parameters`, built once per model (its spec and tables never change; ~8 ms, once per report)."""
        from crampnet.network.provenance import parameter_table
        return parameter_table(self.spec, self.compiled.tables, self.compiled.population)

    def refit(self, fit: Fit) -> BaseModel:
        """A model of the same kind whose tables are ``fit``'s (see :func:`crampnet.trust.simulate.fit`).

        The hook through which :func:`crampnet.trust.simulate.fit` (above this
        layer) returns its result; call ``fit``, not this.

        Parameters
        ----------
        fit : Fit
            The record that :func:`crampnet.trust.simulate.fit` computed.

        Returns
        -------
        BaseModel
            The same network and population with the fitted tables (the
            facade :class:`crampnet.Model` returns a :class:`crampnet.FittedModel`).

        Examples
        --------
        >>> import crampnet
        >>> from crampnet.base import BaseModel
        >>> from crampnet.trust.simulate import fit
        >>> model = crampnet.load()
        >>> core = BaseModel(model.spec, model.population)
        >>> refitted = fit(core, model.simulate(300, seed=1))  # fit ends with core.refit(its Fit)
        >>> type(refitted).__name__, refitted.population == model.population
        ('BaseModel', True)
        """
        return BaseModel(self.spec, self.population, tables=fit.tables)
