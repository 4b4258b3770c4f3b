"""Score cohorts larger than memory, or spread over a cluster, with Dask.

:func:`posteriors_dask` is :meth:`crampnet.Model.posteriors` for a
``dask.dataframe.DataFrame``: it returns a lazy Dask DataFrame, one partition
of posteriors per partition of cases, built with ``map_partitions`` over the
batch engine. Nothing is computed until you ask (``.compute()``,
``.to_parquet(...)``, ``.mean().compute()``), and each worker holds one
partition at a time, so a cohort read with ``dask.dataframe.read_parquet`` or
``read_csv`` can be larger than memory.

Columns are node ids (or aliases) as for a pandas DataFrame; every column is
read as evidence, so drop or set as index any identifier column first. Text
cells are read as typed (:func:`read_text_cells`): Dask stores object
columns as strings, so ``True`` arrives as ``'True'``. The
model travels to the workers as its network spec (about 150 kB) and is
compiled once per worker process.

Dask is imported only by these functions (``pip install crampnet[dask]``).

Examples
--------
>>> import dask
>>> import dask.dataframe as dd
>>> import pandas as pd
>>> import crampnet
>>> from crampnet.interop.cohorts import posteriors_dask
>>> model = crampnet.load()
>>> cases = pd.DataFrame({"urge_to_move": ["yes", "no", None, "yes"], "ferritin": [30, 120, None, 45]})
>>> lazy = posteriors_dask(model, dd.from_pandas(cases, npartitions=2))
>>> list(lazy.columns) == model.conditions
True
>>> with dask.config.set(scheduler="synchronous"):
...     scored = lazy.compute()
>>> bool((scored - model.posteriors(cases)).abs().max().max() < 1e-12)
True
"""

from __future__ import annotations

import hashlib
import pickle
from typing import TYPE_CHECKING, Any, cast

from crampnet.exceptions import EvidenceTypeError

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel
    from crampnet.network.spec import NetworkSpec

__all__ = ["is_dask_dataframe", "posteriors_dask", "read_text_cells"]

_MODELS: dict[str, BaseModel] = {}


def is_dask_dataframe(obj: object) -> bool:
    """Whether ``obj`` is a Dask DataFrame, checked without importing Dask.

    Parameters
    ----------
    obj : object
        Anything.

    Returns
    -------
    bool
        True if ``obj``'s type comes from ``dask`` (or ``dask_expr``) and it
        has ``map_partitions`` and ``columns``.

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask_dataframe(pd.DataFrame())
    False
    """
    module = type(obj).__module__ or ""
    return module.split(".")[0] in ("dask", "dask_expr") and hasattr(obj, "map_partitions") and hasattr(obj, "columns")


def _rebuild(key: str, spec: NetworkSpec, population: str) -> BaseModel:
    """The model for ``spec`` in this process, compiled once (used when a handle is unpickled)."""
    from crampnet.base import BaseModel

    model = _MODELS.get(key)
    if model is None:
        model = _MODELS[key] = BaseModel(spec, population)
    return model


class _Handle:
    """A model that pickles as its spec and population, and tokenizes by their digest.

    Dask puts the handle into each task; in a worker process it becomes the
    model again through :func:`_rebuild`, compiled once per process.
    """

    def __init__(self, model: BaseModel) -> None:
        self.model = model
        self.key = hashlib.sha256(pickle.dumps((model.spec, model.population))).hexdigest()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Handle._restore, (self.key, self.model.spec, self.model.population))

    @staticmethod
    def _restore(key: str, spec: NetworkSpec, population: str) -> _Handle:
        handle = _Handle.__new__(_Handle)
        handle.model, handle.key = _rebuild(key, spec, population), key
        return handle

    def __dask_tokenize__(self) -> str:
        return self.key


def read_text_cells(spec: NetworkSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Read the text cells of ``frame`` as a person would type them, column by column.

    CSV and Parquet readers, and Dask (which stores object columns as
    strings), hand over ``'True'``, ``'Yes'``, ``'30'`` where the evidence
    means ``True``, ``'yes'``, ``30.0``. Each distinct text is read once with
    :func:`crampnet.network.evidence.interpret` for its column's node: state names in any
    case, yes/y/true/present/positive and no/n/false/absent/negative as
    booleans on a node that takes them (``d_dimer`` too: ``True`` is
    ``raised``), numbers on numeric nodes. Other cells, and texts that fit nothing (left for the
    evidence check to report), are unchanged.

    Parameters
    ----------
    spec : NetworkSpec
        The network (``model.spec``).
    frame : pandas.DataFrame
        Cases, one column per node id or alias.

    Returns
    -------
    pandas.DataFrame
        A copy when anything changed; the columns read are of object dtype.

    Raises
    ------
    UnknownNodeError
        For a column that is not a node id or alias ("Did you mean ...?").
    InvalidValueError
        For a column name that appears twice.

    Examples
    --------
    >>> import pandas as pd
    >>> import crampnet
    >>> frame = pd.DataFrame({"urge_to_move": ["True", "No", None], "ferritin": ["30", "low", None]})
    >>> read_text_cells(crampnet.load().spec, frame).to_dict("list")
    {'urge_to_move': [True, 'no', None], 'ferritin': [30.0, 'low', None]}
    """
    import pandas as pd

    from crampnet.network.batch import check_columns
    from crampnet.network.evidence import interpret, resolve_id

    check_columns(frame.columns)
    out = frame
    for column in frame.columns:
        node = spec.nodes[resolve_id(spec, column, "the DataFrame's columns")]
        values = frame[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        texts = {v for v in values.dropna().unique() if isinstance(v, str)}
        mapping = {t: interpret(node, t) for t in texts}
        if all(mapping[t] == t for t in texts) and values.dtype == object:
            continue
        if out is frame:
            out = frame.copy()
        cells = [mapping.get(v, v) if isinstance(v, str) else (None if pd.isna(v) else v) for v in values.astype(object)]
        out[column] = pd.Series(cells, index=values.index, dtype=object)
    return out


def _score(partition: pd.DataFrame, handle: _Handle) -> pd.DataFrame:
    frame = read_text_cells(handle.model.spec, partition)
    return cast("pd.DataFrame", handle.model.posteriors(frame))  # a DataFrame in, a DataFrame out


def posteriors_dask(model: BaseModel, frame: Any) -> Any:
    """P(present | evidence) for every case of a Dask DataFrame, as a lazy Dask DataFrame.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    frame : dask.dataframe.DataFrame
        One case per row, one column per node id; missing cells are unobserved.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; one float64 column per condition (network order), the same
        index and partitions as ``frame``. Computing it raises what
        :meth:`crampnet.Model.posteriors` raises for a bad cell, naming the
        row and column.

    Raises
    ------
    EvidenceTypeError
        If ``frame`` is not a Dask DataFrame.
    UnknownNodeError
        At once (not when computed) for a column that is not a node id.
    InvalidValueError
        At once for a column name that appears twice.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> import crampnet
    >>> model = crampnet.load()
    >>> lazy = posteriors_dask(model, dd.from_pandas(pd.DataFrame({"ferritin": [30.0]}), npartitions=1))
    >>> lazy.npartitions
    1
    """
    import numpy as np
    import pandas as pd

    from crampnet.network.batch import check_columns
    from crampnet.network.evidence import resolve_id

    if not is_dask_dataframe(frame):
        msg = f"posteriors_dask takes a dask.dataframe.DataFrame. Got {type(frame).__module__}.{type(frame).__name__} instead; use model.posteriors for a pandas DataFrame."
        raise EvidenceTypeError(msg)
    check_columns(frame.columns)
    for column in frame.columns:
        resolve_id(model.spec, column, "the DataFrame's columns")
    empty = frame._meta.index[:0]
    meta = pd.DataFrame({c: np.array([], dtype="float64") for c in model.conditions}, index=empty)
    return frame.map_partitions(_score, _Handle(model), meta=meta)
