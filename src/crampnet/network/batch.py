"""Turn a DataFrame of cases into per-node likelihood arrays.

Each column is checked once per distinct value, so scoring millions of rows
costs one vectorised pass per column. Missing cells (None, NaN, pandas NA)
mean unobserved. A bad cell is reported with its row and column.

Examples
--------
>>> import pandas as pd
>>> import crampnet
>>> from crampnet.network.batch import batch_evidence
>>> frame = pd.DataFrame({"ferritin": [30, None], "urge_to_move": [True, False]})
>>> batch_evidence(crampnet.load().spec, frame)["ferritin"].tolist()
[[1.0, 0.0], [1.0, 1.0]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import (
    EvidenceTypeError,
    InvalidStateError,
    InvalidValueError,
    UnknownNodeError,
)
from crampnet.network.evidence import resolve_id, state_vector
from crampnet.network.records import Node
from crampnet.network.spec import NetworkSpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["batch_evidence", "label"]


def batch_evidence(spec: NetworkSpec, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Likelihood arrays ``(n_rows, card)`` for each column of ``frame``.

    Raises
    ------
    UnknownNodeError, InvalidStateError, InvalidValueError, EvidenceTypeError
        As for one case, with the row label and column in the message.
    """
    import pandas as pd

    out: dict[str, np.ndarray] = {}
    n = len(frame)
    for column in frame.columns:
        try:
            nid = resolve_id(spec, column, "the DataFrame's columns")
        except UnknownNodeError as err:
            raise UnknownNodeError(str(err), err.node, err.suggestions) from None
        if nid in out:
            msg = f"The DataFrame gives {nid} twice (column {column!r} and another column naming the same node)."
            raise InvalidValueError(msg)
        node = spec.nodes[nid]
        series = frame[column]
        if series.dtype != object:
            # A typed column cannot mix True with 1 or "yes" with 1.0: pandas'
            # hash-based factorize finds its distinct values (missing: -1).
            codes_, distinct = pd.factorize(series, use_na_sentinel=True)
            codes = np.asarray(codes_)
            values = np.asarray(distinct.tolist() if hasattr(distinct, "tolist") else list(distinct), dtype=object)
            first_rows = np.full(len(values), -1, dtype=np.int64)
            seen = codes >= 0
            first_rows[codes[seen][::-1]] = np.flatnonzero(seen)[::-1]
            vectors = np.empty((len(values), len(node.states)))
            for u in range(len(values)):
                vectors[u] = _vector(node, values[u], frame, int(first_rows[u]), column)
            arr = np.ones((n, len(node.states)))
            arr[seen] = vectors[codes[seen]]
            out[nid] = arr
            continue
        values = series.to_numpy(dtype=object)
        missing = pd.isna(values)
        arr = np.ones((n, len(node.states)))
        present = np.flatnonzero(~missing)
        if present.size:
            observed = values[present]
            keys = np.array([_key(v) for v in observed], dtype=object)
            uniques, inverse = np.unique(keys, return_inverse=True)
            vectors = np.empty((len(uniques), len(node.states)))
            for u in range(len(uniques)):
                first = present[int(np.flatnonzero(inverse == u)[0])]
                vectors[u] = _vector(node, values[first], frame, int(first), column)
            arr[present] = vectors[inverse]
        out[nid] = arr
    return out


def _vector(node: Node, value: object, frame: pd.DataFrame, position: int, column: object) -> np.ndarray:
    """:func:`~crampnet.network.evidence.state_vector` of one cell, errors naming its row and column."""
    try:
        return state_vector(node, value)
    except InvalidStateError as err:
        raise InvalidStateError(_at(frame, position, column, err), err.node, err.value, err.valid) from None
    except InvalidValueError as err:
        raise InvalidValueError(_at(frame, position, column, err)) from None
    except EvidenceTypeError as err:
        raise EvidenceTypeError(_at(frame, position, column, err)) from None


def _key(value: object) -> str:
    """A hashable, sortable key that keeps True apart from 1 and 'yes' apart from 1.0."""
    return f"{type(value).__name__}:{value!r}"


def label(value: object) -> str:
    """A row label as a reader expects it: ``20`` or ``'a'``, never ``np.int64(20)``."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _at(frame: pd.DataFrame, position: int, column: object, err: Exception) -> str:
    return f"Row {label(frame.index[position])}, column {label(column)}: {err}"
