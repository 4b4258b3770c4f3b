"""Turn a DataFrame of cases into per-node likelihood arrays.

Each column is checked once per distinct value, so scoring millions of rows
costs one vectorised pass per column. Missing cells (None, NaN, pandas NA)
mean unobserved. A bad cell is reported with its row and column. Every
vector comes from :func:`~crampnet.network.evidence.state_vector`, as for
one case: booleans follow the same rule and soft evidence is scaled to
max 1 the same way, so a row scores as the same case given alone.

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

import re
from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet.exceptions import (
    EvidenceTypeError,
    InvalidStateError,
    InvalidValueError,
    UnknownNodeError,
)
from crampnet.network._splitting import (
    LOG_SPLIT,
    MAX_SPLIT,
    TINY,
    merge_split,
    split_evaluate,
    split_marginals,
    split_tiny,
)
from crampnet.network._state_words import column_coding
from crampnet.network.entailment import entail_rows
from crampnet.network.evidence import resolve_id, show, state_vector
from crampnet.network.records import Node
from crampnet.network.spec import NetworkSpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LOG_SPLIT", "MAX_SPLIT", "TINY", "batch_evidence", "check_columns", "checked_frames", "label", "merge_split", "progress_bar", "row_name", "split_evaluate", "split_marginals", "split_tiny"]

#: A column pandas.read_csv renamed because its header repeats an earlier one (``x.1`` after ``x``).
_RENAMED = re.compile(r"(.+)\.[1-9][0-9]*")


def check_columns(columns: Iterable[Hashable]) -> None:
    """Raise InvalidValueError naming the first column name that ``columns`` repeats.

    Parameters
    ----------
    columns : iterable of hashable
        A DataFrame's column names.

    Raises
    ------
    InvalidValueError
        If a name appears more than once (the first repeated one is named,
        with its count), or beside the name ``pandas.read_csv`` gives a
        header that repeats it (``urge_to_move.1`` beside ``urge_to_move``).

    Examples
    --------
    >>> from crampnet.network.batch import check_columns
    >>> check_columns(["urge_to_move", "ferritin", "urge_to_move"])
    Traceback (most recent call last):
    ...
    crampnet.exceptions.InvalidValueError: The DataFrame has 2 columns named 'urge_to_move'; each column must be named once (one column per node).
    """
    import pandas as pd

    names = pd.Index(list(columns))
    repeated = names[names.duplicated()]
    if len(repeated):
        msg = f"The DataFrame has {int((names == repeated[0]).sum())} columns named {label(repeated[0])}; each column must be named once (one column per node)."
        raise InvalidValueError(msg)
    texts = {c for c in names if isinstance(c, str)}
    renamed = next((c for c in names if isinstance(c, str) and (m := _RENAMED.fullmatch(c)) is not None and m.group(1) in texts), None)  # the first, in column order
    if renamed is not None:  # pandas.read_csv's name for a repeated header: not an unknown node to be corrected
        first = renamed.rsplit(".", 1)[0]
        msg = f"The DataFrame has columns {label(first)} and {label(renamed)}, as pandas.read_csv names a header given twice: the file names {label(first)} twice; each column must be named once (one column per node)."
        raise InvalidValueError(msg)


def batch_evidence(spec: NetworkSpec, frame: pd.DataFrame, *, rows: pd.Index | None = None, offset: int = 0, entailed: bool = True) -> dict[str, np.ndarray]:
    """Likelihood arrays ``(n_rows, card)`` for each column of ``frame``.

    ``frame`` may be a slice of a larger DataFrame: ``rows`` is the whole
    index and ``offset`` the slice's first position, so a bad cell is named
    unambiguously (see :func:`row_name`). With ``entailed`` (the default,
    as for one case) the rows are reduced by the file's entailments
    (:func:`crampnet.network.entailment.entail_rows`); learning from data
    reads the columns as they are.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    frame : pandas.DataFrame
        One row per case, one column per node (an id or alias); missing
        cells mean unobserved.
    rows : pandas.Index, optional
        The index of the whole DataFrame ``frame`` was sliced from, to name
        rows in errors; by default ``frame.index``.
    offset : int, default=0
        The position in ``rows`` of ``frame``'s first row.
    entailed : bool, default=True
        Reduce the rows by the file's entailments.

    Returns
    -------
    dict of str to numpy.ndarray
        Node id (not the column's alias) to float likelihoods of shape
        ``(len(frame), card)``, states in network order, each row scaled to
        max 1; a row of ones where the cell is missing (or the finding was
        left out by an entailment).

    Raises
    ------
    UnknownNodeError, InvalidStateError, InvalidValueError, EvidenceTypeError
        As for one case, with the row and column in the message; and
        InvalidValueError for a column name that appears twice.
    ImpossibleEvidenceError
        For a row with a positive finding beside a state it rules out of a
        finding it implies, naming the row.
    """
    import pandas as pd

    check_columns(frame.columns)
    whole = frame.index if rows is None else rows
    out: dict[str, np.ndarray] = {}
    n = len(frame)
    for column in frame.columns:
        try:
            nid = resolve_id(spec, column, "the DataFrame's columns")
        except UnknownNodeError as err:
            raise UnknownNodeError(str(err), err.node, err.suggestions) from None
        if nid in out:
            first = next(c for c in frame.columns if resolve_id(spec, c, "the DataFrame's columns") == nid)
            msg = f"The DataFrame gives {nid} twice (columns {first!r} and {column!r}); give each node once."
            raise InvalidValueError(msg)
        node = spec.nodes[nid]
        series = frame[column]
        if series.dtype != object:
            # A typed column cannot mix True with 1 or "yes" with 1.0: pandas'
            # hash-based factorize finds its distinct values (missing: -1).
            codes_, distinct = pd.factorize(series, use_na_sentinel=True)
            codes = np.asarray(codes_)
            narrow = getattr(series.dtype, "numpy_dtype", series.dtype)  # pandas' nullable Float32 too
            if isinstance(narrow, np.dtype) and narrow.kind == "f" and narrow.itemsize < 8:
                # float16/float32 cells stay numpy scalars of their own width (pandas widens a float16
                # index), so the reader takes the decimal they write, as it does for one case
                values = np.empty(len(distinct), dtype=object)
                values[:] = list(np.asarray(distinct).astype(narrow))
            else:
                values = np.asarray(distinct.tolist() if hasattr(distinct, "tolist") else list(distinct), dtype=object)
            first_rows = np.full(len(values), -1, dtype=np.int64)
            seen = codes >= 0
            first_rows[codes[seen][::-1]] = np.flatnonzero(seen)[::-1]
            vectors = np.empty((len(values), len(node.states)))
            for u in range(len(values)):
                vectors[u] = _vector(node, values[u], whole, offset + int(first_rows[u]), column, series)
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
            uniques, index, inverse = np.unique(keys, return_index=True, return_inverse=True)
            vectors = np.empty((len(uniques), len(node.states)))
            for u in np.argsort(index, kind="stable"):  # in the order of the rows: an error names the first bad one
                first = present[int(index[u])]
                vectors[u] = _vector(node, values[first], whole, offset + int(first), column, series)
            arr[present] = vectors[inverse]
        out[nid] = arr
    if entailed:
        entail_rows(spec, out, lambda position: row_name(whole, offset + position))
    return out


def _vector(node: Node, value: object, rows: pd.Index, position: int, column: object, cells: pd.Series) -> np.ndarray:
    """:func:`~crampnet.network.evidence.state_vector` of one cell, errors naming its row and column (and a yes/no column's 1/2 coding, ``cells``)."""
    try:
        return state_vector(node, value, name=column if isinstance(column, str) else None)
    except InvalidStateError as err:
        coded = column_coding(node, column, cells.dropna().tolist())  # an SPSS 1/2 column, told by its values, not by one cell
        raise InvalidStateError(_at(rows, position, column, err) + coded, err.node, err.value, err.valid) from None
    except InvalidValueError as err:
        raise InvalidValueError(_at(rows, position, column, err)) from None
    except EvidenceTypeError as err:
        raise EvidenceTypeError(_at(rows, position, column, err)) from None


def _key(value: object) -> str:
    """A hashable, sortable key that keeps True apart from 1 and 'yes' apart from 1.0."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"int:{value:x}"  # hex: Python refuses decimal text for huge integers
    if isinstance(value, Mapping):  # one level: a nested mapping keys by identity (it is refused anyway)
        return "{" + ",".join(f"{_key(k)}={f'@{id(v)}' if isinstance(v, Mapping) else _key(v)}" for k, v in value.items()) + "}"
    try:
        return f"{type(value).__name__}:{value!r}"
    except Exception:  # an unprintable value: its own key, checked on its own
        return f"{type(value).__name__}@{id(value)}"


def label(value: object) -> str:
    """A row label as a reader expects it: ``20`` or ``'a'``, never ``np.int64(20)``.

    Parameters
    ----------
    value : object
        A row label or column name; a numpy scalar is made a Python one.

    Returns
    -------
    str
        Its short ``repr`` (:func:`~crampnet.network.evidence.show`).

    Examples
    --------
    >>> import numpy as np
    >>> label(np.int64(20)), label("a")
    ('20', "'a'")
    """
    if isinstance(value, np.generic):
        value = value.item()
    return show(value)


def row_name(rows: pd.Index, position: int) -> str:
    """The row at ``position`` of an index, named so that a reader finds it.

    By its label alone (``row 20``) when no other row has that label;
    otherwise with its position too.

    Parameters
    ----------
    rows : pandas.Index
        The index of the whole DataFrame.
    position : int
        The row's position in it (0-based).

    Returns
    -------
    str
        ``"row <label>"``, followed by its position and the number of rows
        sharing the label when the label is not unique.

    Examples
    --------
    >>> import pandas as pd
    >>> from crampnet.network.batch import row_name
    >>> row_name(pd.Index(["a", "b"]), 1), row_name(pd.Index([7, 7, 7]), 2)
    ("row 'b'", 'row 7 (position 2; 3 rows are labelled 7)')
    """
    name = rows[position]
    same = 1
    if not rows.is_unique:
        try:
            same = int(np.count_nonzero(rows == name))
        except (TypeError, ValueError):  # labels that do not compare
            same = 2
    if same <= 1:
        return f"row {label(name)}"
    return f"row {label(name)} (position {position}; {same} rows are labelled {label(name)})"


def _at(rows: pd.Index, position: int, column: object, err: Exception) -> str:
    name = row_name(rows, position)
    return f"R{name[1:]}, column {label(column)}: {err}"


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


def progress_bar(total: int) -> Any:
    """A progress bar of ``total`` cases on stderr: tqdm's if installed, else a minimal one.

    Parameters
    ----------
    total : int
        The number of cases to be scored.

    Returns
    -------
    tqdm.auto.tqdm or object
        A bar with ``update(n)`` (``n`` more cases done) and ``close()``.
    """
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with pgmpy
        return _Bar(total)
    return tqdm(total=total, unit="case", desc="crampnet")


def checked_frames(frames: object) -> Iterator[pd.DataFrame]:
    """The chunks of ``frames`` (an iterable of DataFrames, as ``iter_posteriors`` takes), each checked before it is scored.

    Parameters
    ----------
    frames : iterable of pandas.DataFrame
        The chunks; anything else is refused, a single DataFrame included.

    Yields
    ------
    pandas.DataFrame
        Each chunk, unchanged, in order.

    Raises
    ------
    EvidenceTypeError
        If ``frames`` is a DataFrame, a string, bytes, a mapping or not
        iterable (when the generator is first advanced), or a chunk is not a
        DataFrame (when it is reached).

    Examples
    --------
    >>> import pandas as pd
    >>> from crampnet.network.batch import checked_frames
    >>> next(checked_frames(pd.DataFrame({"urge_to_move": [True]})))
    Traceback (most recent call last):
        ...
    crampnet.exceptions.EvidenceTypeError: iter_posteriors takes an iterable of pandas DataFrames (chunks of cases). Got one DataFrame: score it with posteriors(frame), or pass [frame].
    """
    import pandas as pd

    if isinstance(frames, pd.DataFrame):
        msg = "iter_posteriors takes an iterable of pandas DataFrames (chunks of cases). Got one DataFrame: score it with posteriors(frame), or pass [frame]."
        raise EvidenceTypeError(msg)
    if not isinstance(frames, Iterable) or isinstance(frames, str | bytes | Mapping):
        msg = f"iter_posteriors takes an iterable of pandas DataFrames (chunks of cases). Got {show(frames)} ({type(frames).__name__}) instead."
        raise EvidenceTypeError(msg)
    for frame in frames:
        if not isinstance(frame, pd.DataFrame):
            msg = f"iter_posteriors takes an iterable of pandas DataFrames. Got an item of type {type(frame).__name__}."
            raise EvidenceTypeError(msg)
        yield frame
