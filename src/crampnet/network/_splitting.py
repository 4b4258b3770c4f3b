"""Cases with tiny likelihoods, split into rows that do not underflow and added back up exactly.

A soft likelihood far below its vector's largest (below :data:`TINY`
times it) multiplied into a table entry can be subnormal, and a case
carrying several such likelihoods loses its probability to underflow.
:func:`split_tiny` makes each such case a sum of rows, each with at most
one tiny entry per node taken out as a log weight, and :func:`merge_split`
adds the rows' answers back up in log space; :func:`split_evaluate` and
:func:`split_marginals` do both around an engine's computation.
Re-exported by :mod:`crampnet.network.batch`, where these names are used.

Examples
--------
>>> import numpy as np
>>> from crampnet.network.batch import split_tiny
>>> rows, log_weight, owner = split_tiny({"ferritin": np.array([[1.0, 1e-300]])})
>>> rows["ferritin"].tolist(), owner.tolist()
([[1.0, 0.0], [0.0, 1.0]], [0, 0])
>>> bool(np.isclose(log_weight[1], np.log(1e-300)))
True
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from crampnet.exceptions import InvalidValueError

__all__ = ["LOG_SPLIT", "MAX_SPLIT", "TINY", "merge_split", "split_evaluate", "split_marginals", "split_tiny"]

#: Likelihoods below this (their vector's largest is 1) are split into rows
#: of their own when the evidence is very improbable (:func:`split_tiny`).
TINY = 1e-30
#: The most rows one case may be split into.
MAX_SPLIT = 65_536
#: Below this ``log P(evidence)`` a case with tiny likelihoods is added up
#: exactly from its parts (:func:`split_tiny`, :func:`merge_split`).
LOG_SPLIT = float(np.log(1e-200))


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

    Parameters
    ----------
    arrays : mapping of str to numpy.ndarray
        Node id to likelihoods of shape ``(n, card)``, or ``(1, card)`` for
        a vector every row shares; ``n`` is the largest first dimension.

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

    Parameters
    ----------
    posteriors : numpy.ndarray
        ``(m, k)``: what was computed for each split row (posteriors, or
        any values that add up weighted by the rows' probabilities).
    log_evidence : numpy.ndarray
        ``(m,)``: each split row's ``log P(evidence)`` plus its log weight.
    owner : numpy.ndarray
        ``(m,)`` integers: the case each split row belongs to (0 to ``n - 1``).
    n : int
        The number of cases.

    Returns
    -------
    posteriors : numpy.ndarray
        ``(n, k)`` floats: each case's rows averaged, weighted by their
        probabilities (NaN for an impossible case).
    log_evidence : numpy.ndarray
        ``(n,)`` floats: the log of each case's summed row probabilities.
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

    Parameters
    ----------
    evidence : mapping of str to numpy.ndarray
        Node id to likelihoods: ``(n, card)``, or ``(1, card)`` or
        ``(card,)`` for a vector shared by every case.
    values : numpy.ndarray
        ``(n, k)``: what the engine computed for each case.
    log_ev : numpy.ndarray
        ``(n,)``: each case's ``log P(evidence)`` as computed.
    direct : callable
        ``direct(rows, m)`` takes likelihood arrays of ``m`` rows and returns
        their ``(m, k)`` values and ``(m,)`` log probabilities.

    Returns
    -------
    values : numpy.ndarray
        ``(n, k)``, the improbable cases' rows recomputed from their parts.
    log_ev : numpy.ndarray
        ``(n,)``, likewise.
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

    Parameters
    ----------
    evidence : mapping of str to numpy.ndarray
        Node id to likelihoods, ``(n, card)`` or shared by every case.
    query : sequence of str
        The nodes whose marginals ``direct`` returns.
    cards : sequence of int
        Their numbers of states, in the order of ``query``.
    direct : callable
        ``direct(evidence)`` returns the marginals (a mapping of each query
        node to an array broadcastable to ``(n, card)``) and the ``(n,)``
        (or broadcastable) ``log P(evidence)``.

    Returns
    -------
    marginals : dict of str to numpy.ndarray
        Each query node's marginals, as ``direct`` gave them where no case
        was split, else ``(n, card)`` arrays with the split cases recomputed.
    log_evidence : numpy.ndarray
        ``log P(evidence)`` per case, likewise.
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
