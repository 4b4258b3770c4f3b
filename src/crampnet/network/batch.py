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

import itertools
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet.exceptions import (
    EvidenceTypeError,
    InvalidStateError,
    InvalidValueError,
    UnknownNodeError,
)
from crampnet.network.entailment import entail_rows
from crampnet.network.evidence import resolve_id, show, state_vector
from crampnet.network.records import Node
from crampnet.network.spec import NetworkSpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LOG_SPLIT", "MAX_SPLIT", "TINY", "batch_evidence", "check_columns", "checked_frames", "label", "merge_split", "progress_bar", "row_name", "split_evaluate", "split_marginals", "split_tiny"]

#: Likelihoods below this (their vector's largest is 1) are split into rows
#: of their own when the evidence is very improbable (:func:`split_tiny`).
TINY = 1e-30
#: The most rows one case may be split into.
MAX_SPLIT = 65_536
#: Below this ``log P(evidence)`` a case with tiny likelihoods is added up
#: exactly from its parts (:func:`split_tiny`, :func:`merge_split`).
LOG_SPLIT = float(np.log(1e-200))


def check_columns(columns: Iterable[Hashable]) -> None:
    """Raise InvalidValueError naming the first column name that ``columns`` repeats.

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


def batch_evidence(spec: NetworkSpec, frame: pd.DataFrame, *, rows: pd.Index | None = None, offset: int = 0, entailed: bool = True) -> dict[str, np.ndarray]:
    """Likelihood arrays ``(n_rows, card)`` for each column of ``frame``.

    ``frame`` may be a slice of a larger DataFrame: ``rows`` is the whole
    index and ``offset`` the slice's first position, so a bad cell is named
    unambiguously (see :func:`row_name`). With ``entailed`` (the default,
    as for one case) the rows are reduced by the file's entailments
    (:func:`crampnet.network.entailment.entail_rows`); learning from data
    reads the columns as they are.

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
                vectors[u] = _vector(node, values[u], whole, offset + int(first_rows[u]), column)
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
                vectors[u] = _vector(node, values[first], whole, offset + int(first), column)
            arr[present] = vectors[inverse]
        out[nid] = arr
    if entailed:
        entail_rows(spec, out, lambda position: row_name(whole, offset + position))
    return out


def split_tiny(arrays: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Each row's tiny likelihoods as rows of their own, carrying their log as a weight.

    The probability of the evidence is linear in each likelihood vector,
    and a vector is the sum of its part at or above :data:`TINY` and one
    indicator per tiny entry ``x`` times ``v_x``. So each case becomes a
    sum of rows: one per choice, for every node with tiny entries, of its
    large part or one tiny entry; a row's weight is the log of the ``v_x``
    it took. No row then multiplies likelihoods that underflow (a weight of
    1e-320 times a table entry is subnormal), and the caller adds the rows'
    probabilities in log space, exactly.

    Returns
    -------
    arrays : dict of str to numpy.ndarray
        ``(m, card)`` likelihoods of the rows.
    log_weight : numpy.ndarray
        ``(m,)``: the log of the tiny likelihoods each row took.
    owner : numpy.ndarray
        ``(m,)``: the input row each row belongs to.

    Raises
    ------
    InvalidValueError
        If a case would need more than :data:`MAX_SPLIT` rows.
    """
    n = max((a.shape[0] for a in arrays.values()), default=1)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in arrays}
    weights: list[float] = []
    owner: list[int] = []
    for r in range(n):
        row = {k: a[r if a.shape[0] > 1 else 0] for k, a in arrays.items()}
        options = []
        for vec in row.values():
            tiny = np.flatnonzero((vec > 0) & (vec < TINY))
            big = np.where(vec >= TINY, vec, 0.0)
            # A vector with no mass at all (an event that contradicts what is
            # given) stays as it is: the engine answers it as impossible.
            options.append([(big, 0.0)] * bool(big.any()) + [(np.eye(vec.size)[x], float(np.log(vec[x]))) for x in tiny] or [(vec, 0.0)])
        count = int(np.prod([len(o) for o in options]))
        if count > MAX_SPLIT:
            msg = f"The evidence is very improbable and gives likelihoods below {TINY:g} times the largest on {sum(len(o) > 1 for o in options)} nodes: {count:,} combinations to add up exactly, more than {MAX_SPLIT:,}. Give such likelihoods on fewer nodes."
            raise InvalidValueError(msg)
        for combo in itertools.product(*options):
            for k, (vec, _) in zip(row, combo, strict=True):
                parts[k].append(vec)
            weights.append(sum(w for _, w in combo))
            owner.append(r)
    return {k: np.array(v).reshape(len(owner), -1) for k, v in parts.items()}, np.array(weights), np.array(owner, dtype=np.intp)


def merge_split(posteriors: np.ndarray, log_evidence: np.ndarray, owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Add the rows of :func:`split_tiny` back up per case: posteriors and ``log P(evidence)``.

    ``log_evidence`` is each row's, plus its log weight; a case whose rows
    are all impossible gets NaN posteriors and ``-inf``.
    """
    post = np.full((n, posteriors.shape[1]), np.nan)
    total = np.full(n, -np.inf)
    for r in range(n):
        rows = np.flatnonzero((owner == r) & np.isfinite(log_evidence))
        if rows.size:
            top = float(log_evidence[rows].max())
            w = np.exp(log_evidence[rows] - top)
            total[r] = top + float(np.log(w.sum()))
            post[r] = w @ posteriors[rows] / w.sum()
    return post, total


def split_evaluate(
    evidence: Mapping[str, np.ndarray], values: np.ndarray, log_ev: np.ndarray,
    direct: Callable[[Mapping[str, np.ndarray], int], tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``values`` and ``log_ev`` of the cases, those below :data:`LOG_SPLIT` added up from their parts.

    A case whose evidence is that improbable and has soft likelihoods below
    :data:`TINY` is computed again by ``direct(rows, m)`` (the engine's
    unsplit computation of ``m`` rows) on the rows of :func:`split_tiny`,
    and the results are added up in log space (:func:`merge_split`):
    products of such likelihoods underflow (1e-320 times a table entry is
    subnormal). Returns ``values`` and ``log_ev`` themselves when no case
    needs that, new arrays otherwise.
    """
    low = np.flatnonzero(~(log_ev >= LOG_SPLIT))
    if low.size == 0 or not evidence:
        return values, log_ev
    n = log_ev.shape[0]
    arrays = {k: np.broadcast_to(np.reshape(np.asarray(v, dtype=float), (-1, np.shape(v)[-1])), (n, np.shape(v)[-1]))[low] for k, v in evidence.items()}
    rows, log_weight, owner = split_tiny(arrays)
    if owner.size == low.size and not log_weight.any():
        return values, log_ev  # no tiny likelihood in those cases: nothing to add up
    part, part_log = direct(rows, owner.size)
    values, log_ev = np.array(values, dtype=float), np.array(log_ev, dtype=float)
    values[low], log_ev[low] = merge_split(part, part_log + log_weight, owner, low.size)
    return values, log_ev


def split_marginals(
    evidence: Mapping[str, np.ndarray], query: Sequence[str], cards: Sequence[int],
    direct: Callable[[Mapping[str, np.ndarray]], tuple[Mapping[str, np.ndarray], np.ndarray]],
) -> tuple[dict[str, np.ndarray], np.ndarray]:  # fmt: skip
    """``direct(evidence)``: marginals of ``query`` (``cards`` states each) and log P(evidence), with tiny likelihoods split.

    Cases whose evidence is very improbable and carries likelihoods below
    :data:`TINY` are computed again from their parts
    and added up in log space (:func:`split_evaluate`).
    """
    marginals, log_ev = direct(evidence)
    n = max([np.shape(log_ev)[0], *(np.shape(v)[0] for v in evidence.values() if np.ndim(v) == 2)])

    def stack(marg: Mapping[str, np.ndarray], m: int) -> np.ndarray:
        return np.concatenate([np.zeros((m, 0)), *(np.broadcast_to(marg[q], (m, c)) for q, c in zip(query, cards, strict=True))], axis=1)

    def parts(rows: Mapping[str, np.ndarray], m: int) -> tuple[np.ndarray, np.ndarray]:
        marg, part_log = direct(rows)
        return stack(marg, m), np.broadcast_to(part_log, (m,))

    before = np.broadcast_to(log_ev, (n,))
    if np.all(before >= LOG_SPLIT):
        return dict(marginals), log_ev
    stacked, after = split_evaluate(evidence, stack(marginals, n), before, parts)
    if after is before:
        return dict(marginals), log_ev
    bounds = np.cumsum([0, *cards])
    return {q: stacked[:, bounds[i] : bounds[i + 1]] for i, q in enumerate(query)}, after


def _vector(node: Node, value: object, rows: pd.Index, position: int, column: object) -> np.ndarray:
    """:func:`~crampnet.network.evidence.state_vector` of one cell, errors naming its row and column."""
    try:
        return state_vector(node, value)
    except InvalidStateError as err:
        raise InvalidStateError(_at(rows, position, column, err), err.node, err.value, err.valid) from None
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
    """A row label as a reader expects it: ``20`` or ``'a'``, never ``np.int64(20)``."""
    if isinstance(value, np.generic):
        value = value.item()
    return show(value)


def row_name(rows: pd.Index, position: int) -> str:
    """The row at ``position`` of an index, named so that a reader finds it.

    By its label alone (``row 20``) when no other row has that label;
    otherwise with its position too.

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
    """A progress bar of ``total`` cases on stderr: tqdm's if installed, else a minimal one."""
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with pgmpy
        return _Bar(total)
    return tqdm(total=total, unit="case", desc="crampnet")


def checked_frames(frames: object) -> Iterator[pd.DataFrame]:
    """The chunks of ``frames`` (an iterable of DataFrames, as ``iter_posteriors`` takes), each checked before it is scored.

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
