"""A batch's cases as Quickscore pseudo-cases: the signed terms of their observed findings.

A finding decomposed by :func:`crampnet.inference.quickscore.decompose` is,
in each of its states, a signed sum of products of one-parent factors. A
case whose observed findings have ``T_1, T_2, ...`` terms becomes
``prod T_f`` pseudo-cases: each picks one term per finding, carries the
product of their weights and puts their factors on the parents as
likelihood vectors. :func:`expand` builds them for a whole batch (in numpy;
the compiled kernel expands them in its loops from
:func:`crampnet.inference.quickscore.flatten`'s arrays), and
:func:`term_counts` says how many each case needs.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.inference._expansion import expand
>>> from crampnet.inference.quickscore import decompose
>>> model = crampnet.load()
>>> terms = decompose(model.spec, model.compiled.tables)
>>> yes = {"urge_to_move": np.array([[1.0, 0.0]])}  # states: yes, no
>>> exp = expand(yes, terms, 1, 256)
>>> exp.row_of.tolist(), sorted(np.sign(exp.weights).tolist())  # one - product: two terms
([0, 0], [-1.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from crampnet.inference.quickscore import Terms

__all__ = ["Expansion", "Groups", "expand", "groups_of", "option_terms", "term_counts"]

#: Per decomposed finding, which term list applies to each row and the term
#: lists (:func:`groups_of`): what :func:`term_counts` and :func:`expand`
#: work out from a batch's evidence before anything else.
Groups = dict[str, tuple[np.ndarray, list[Terms]]]


#: The smallest normal float: a pseudo-case's weight or evidence below it
#: has lost digits to underflow (:func:`expand` leaves its row out).
NORMAL = float(np.finfo(float).tiny)

#: The term list of an unobserved finding: one term of weight 1, no factor.
_UNOBSERVED = Terms(np.ones(1), {})


@dataclass(frozen=True)
class Expansion:
    """Pseudo-cases of a batch: the signed terms of its observed findings.

    Attributes
    ----------
    rows : numpy.ndarray
        The input rows expanded (the others have too many terms).
    row_of : numpy.ndarray
        Per pseudo-case, its position in ``rows``; pseudo-cases of a row are
        contiguous.
    weights : numpy.ndarray
        Per pseudo-case, the product of its terms' weights.
    evidence : dict of str to numpy.ndarray
        Per node of the tree with evidence, ``(n_pseudo, card)`` likelihoods
        (or ``(1, card)`` when shared by every pseudo-case).
    """

    rows: np.ndarray
    row_of: np.ndarray
    weights: np.ndarray
    evidence: dict[str, np.ndarray]


def _underflowed(a: np.ndarray, b: np.ndarray, product: np.ndarray) -> np.ndarray:
    """Where ``product = a * b`` of two nonzero numbers fell below the normal floats (rounded or lost to 0).

    Parameters
    ----------
    a, b : numpy.ndarray
        The factors (broadcast together).
    product : numpy.ndarray
        Their product.

    Returns
    -------
    numpy.ndarray
        bool, ``product``'s shape.
    """
    return np.asarray((a != 0.0) & (b != 0.0) & (np.abs(product) < NORMAL), dtype=bool)


def _unique_rows(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(arr, axis=0, return_inverse=True)``, fast when rows are one-hot or all ones.

    Those rows (hard evidence, no evidence) are coded by their state (or
    -1) without sorting rows; only other rows (soft evidence) are sorted.
    """
    card = arr.shape[1]
    ones = arr == 1.0
    hard = ones.sum(axis=1) == 1
    hard &= (arr == 0.0).sum(axis=1) == card - 1
    code = np.where(hard, np.argmax(arr, axis=1), -1)
    code[ones.all(axis=1)] = card
    soft = np.flatnonzero(code < 0)
    if soft.size:
        rows, inv = np.unique(arr[soft], axis=0, return_inverse=True)
        code[soft] = card + 1 + inv.reshape(-1)
    used, inverse = np.unique(code, return_inverse=True)
    uniq = np.empty((used.size, card))
    for k, c in enumerate(used):
        if c < card:
            uniq[k] = 0.0
            uniq[k, c] = 1.0
        elif c == card:
            uniq[k] = 1.0
        else:
            uniq[k] = rows[c - card - 1]
    return uniq, inverse.reshape(-1)


def _groups(arr: np.ndarray, states: list[Terms]) -> tuple[np.ndarray, list[Terms]]:
    """Per row, which term list applies, and the term lists."""
    if arr.shape[0] == 1:
        # One row (the usual single case): plain Python on a short vector.
        lam = arr[0].tolist()
        if all(x == 1.0 for x in lam):
            return np.zeros(1, dtype=np.intp), [_UNOBSERVED]
        nonzero = [i for i, x in enumerate(lam) if x != 0.0]
        if len(nonzero) == 1 and lam[nonzero[0]] == 1.0:
            return np.zeros(1, dtype=np.intp), [states[nonzero[0]]]
        uniq, inverse = arr, np.zeros(1, dtype=np.intp)
    else:
        uniq, inverse = _unique_rows(arr)
    lists = []
    for lam in uniq:
        hit = np.flatnonzero(lam != 1.0)
        if hit.size == 0:
            lists.append(_UNOBSERVED)
            continue
        if hit.size == lam.size - 1 and lam[hit].max() == 0.0:
            lists.append(states[int(np.flatnonzero(lam == 1.0)[0])])
            continue
        picked = [(float(lam[s]), states[s]) for s in range(lam.size) if lam[s] != 0.0]
        weights = np.concatenate([w * t.weights for w, t in picked]) if picked else np.zeros(0)
        parents = {p for _, t in picked for p in t.factors}
        factors = {}
        for p in parents:
            card = next(t.factors[p].shape[1] for _, t in picked if p in t.factors)
            factors[p] = np.concatenate([t.factors.get(p, np.ones((t.weights.size, card))) for _, t in picked])
        lists.append(Terms(weights, factors))
    return inverse.reshape(-1), lists


def option_terms(vec: np.ndarray, states: list[Terms]) -> Terms:
    """The terms of one likelihood vector of a decomposed finding (hard, soft or all ones).

    Parameters
    ----------
    vec : numpy.ndarray
        The finding's likelihood vector, ``(card,)`` (or ``(1, card)``).
    states : list of Terms
        The finding's terms per state (:func:`~crampnet.inference.quickscore.decompose`).

    Returns
    -------
    Terms
        One term of weight 1 and no factor for a vector of ones; a state's
        own terms for a hard vector; else every nonzero state's terms, their
        weights times the state's likelihood, one after the other.
    """
    return _groups(np.asarray(vec, dtype=float).reshape(1, -1), states)[1][0]


def groups_of(evidence: Mapping[str, np.ndarray], terms: Mapping[str, list[Terms]]) -> Groups:
    """Per finding of ``terms`` that ``evidence`` names, which of its term lists each row takes, and the lists.

    Worked out once, they serve every :func:`term_counts` and :func:`expand`
    of the same arrays (a clinical batch weighs several plans of one batch).

    Parameters
    ----------
    evidence : mapping of str to numpy.ndarray
        ``(rows, card)`` likelihoods per node.
    terms : mapping of str to list of Terms
        :func:`~crampnet.inference.quickscore.decompose`'s output.

    Returns
    -------
    Groups
        Per finding in both, ``(group, lists)``: an intp array ``(rows,)``
        of each row's index into ``lists``, and the distinct term lists.
    """
    return {nid: _groups(np.asarray(evidence[nid], dtype=float), terms[nid]) for nid in evidence if nid in terms}


def _plans(evidence: Mapping[str, np.ndarray], terms: Mapping[str, list[Terms]], groups: Groups | None = None) -> list[tuple[str, np.ndarray, list[Terms]]]:
    if groups is None:
        return [(nid, *_groups(np.asarray(evidence[nid], dtype=float), terms[nid])) for nid in evidence if nid in terms]
    out = []
    for nid in evidence:
        if nid in terms:
            group, lists = groups[nid]
            if group.shape[0] != np.shape(evidence[nid])[0]:
                msg = f"groups_of worked out {nid!r} for {group.shape[0]} rows, not the {np.shape(evidence[nid])[0]} given"
                raise ValueError(msg)
            out.append((nid, group, lists))
    return out


def _counts(plans: list[tuple[str, np.ndarray, list[Terms]]], n: int, cap: int) -> np.ndarray:
    if n == 1:
        count = 1
        for _, _, lists in plans:
            count = min(count * lists[0].weights.size, cap + 1)
        return np.array([count], dtype=np.int64)
    counts = np.ones(n, dtype=np.int64)
    for _, group, lists in plans:
        sizes = np.array([t.weights.size for t in lists], dtype=np.int64)
        counts = np.minimum(counts * np.minimum(sizes[group], cap + 1), cap + 1)
    return counts


def term_counts(evidence: Mapping[str, np.ndarray], terms: Mapping[str, list[Terms]], n: int, cap: int, groups: Groups | None = None) -> np.ndarray:
    """Pseudo-cases each of ``n`` rows expands into (``cap + 1`` for more than ``cap``).

    Parameters
    ----------
    evidence : mapping of str to numpy.ndarray
        ``(n, card)`` likelihoods per node (a row of ones: unobserved).
    terms : mapping of str to list of Terms
        :func:`~crampnet.inference.quickscore.decompose`'s output; other
        nodes do not count.
    n : int
        Rows of the batch.
    cap : int
        The largest count told apart.
    groups : Groups, optional
        :func:`groups_of` these arrays (or arrays with the same rows for
        every finding of ``terms`` named here), if already worked out.

    Returns
    -------
    numpy.ndarray
        int64 ``(n,)``: each row's number of pseudo-cases, at most ``cap + 1``
        (0 for a row with an impossible state).

    Raises
    ------
    ValueError
        If ``groups`` was worked out for another number of rows.

    Examples
    --------
    >>> import numpy as np
    >>> import crampnet
    >>> from crampnet.inference._expansion import term_counts
    >>> from crampnet.inference.quickscore import decompose
    >>> model = crampnet.load()
    >>> terms = decompose(model.spec, model.compiled.tables)
    >>> no_yes = {"urge_to_move": np.array([[0.0, 1.0], [1.0, 0.0]])}  # states: yes, no
    >>> term_counts(no_yes, terms, 2, 256).tolist()
    [1, 2]
    """
    return _counts(_plans(evidence, terms, groups), n, cap)


def expand(evidence: Mapping[str, np.ndarray], terms: Mapping[str, list[Terms]], n: int, cap: int, groups: Groups | None = None) -> Expansion:
    """Expand the findings of ``terms`` observed in ``evidence`` into pseudo-cases.

    Parameters
    ----------
    evidence : mapping of str to numpy.ndarray
        ``(n, card)`` likelihoods per node (a row of ones: unobserved).
    terms : mapping of str to list of Terms
        :func:`~crampnet.inference.quickscore.decompose`'s output; findings
        not in it pass through.
    n : int
        Rows of the batch.
    cap : int
        Rows with more pseudo-cases than this are left out of ``rows``.
    groups : Groups, optional
        :func:`groups_of` the same arrays (for every finding of ``terms``
        that ``evidence`` names), if already worked out.

    Returns
    -------
    Expansion
        The pseudo-cases of the rows with between 1 and ``cap`` of them;
        those of weight zero are dropped. A row with a pseudo-case whose
        weight or evidence fell below the normal floats (``NORMAL``)
        is left out, as one with too many: its sum would drop or round
        terms that the others may cancel.

    Raises
    ------
    ValueError
        If ``groups`` was worked out for another number of rows.
    """
    plans = _plans(evidence, terms, groups)
    counts = _counts(plans, n, cap)
    rows = np.flatnonzero((counts <= cap) & (counts > 0))
    per = counts[rows]
    row_of = np.repeat(np.arange(rows.size), per)
    start = np.concatenate([[0], np.cumsum(per)[:-1]]) if rows.size else np.zeros(0, dtype=np.int64)
    j = np.arange(row_of.size) - start[row_of]
    stride = np.ones(row_of.size, dtype=np.int64)
    weights = np.ones(row_of.size)
    # Pseudo-cases whose weight or evidence, a product of nonzero numbers,
    # fell below the normal floats: rounded (~1e-310 keeps a few digits) or
    # lost (5e-324 times 0.4 is 0), while its row's other terms, which they
    # may cancel, are not. Their rows are left to the pruned tree.
    lost = np.zeros(row_of.size, dtype=bool)
    out: dict[str, np.ndarray] = {}
    shared = n == 1
    for nid, arr in evidence.items():
        if nid in terms:
            continue
        arr = np.asarray(arr, dtype=float)
        out[nid] = arr if shared or arr.shape[0] == 1 else arr[rows][row_of]
    for _, group, lists in plans:
        g = group[rows][row_of]
        sizes = np.array([t.weights.size for t in lists], dtype=np.int64)
        size = sizes[g]
        t = (j // stride) % np.maximum(size, 1)
        stride = stride * size
        if len(lists) == 1:
            only = lists[0]
            if only.weights.size != 1 or only.weights[0] != 1.0:  # no term at all: an impossible state
                weights = weights * only.weights[t]
                lost |= np.abs(weights) < NORMAL
            factors = {parent: f[t] for parent, f in only.factors.items()}
        else:
            width = int(sizes.max())
            w_pad = np.zeros((len(lists), width))
            for k, lst in enumerate(lists):
                w_pad[k, : lst.weights.size] = lst.weights
            weights = weights * w_pad[g, t]
            lost |= np.abs(weights) < NORMAL
            factors = {}
            for parent in {p for lst in lists for p in lst.factors}:
                card = next(lst.factors[parent].shape[1] for lst in lists if parent in lst.factors)
                f_pad = np.ones((len(lists), width, card))
                for k, lst in enumerate(lists):
                    if parent in lst.factors:
                        f_pad[k, : lst.weights.size] = lst.factors[parent]
                factors[parent] = f_pad[g, t]
        for parent, factor in factors.items():
            card = factor.shape[1]
            prev = out.get(parent)
            if prev is None:
                out[parent] = factor
            else:
                prev = prev if prev.shape[0] == row_of.size else np.broadcast_to(prev, (row_of.size, card))
                out[parent] = prev * factor
                lost |= np.any(_underflowed(prev, factor, out[parent]), axis=1)
    if shared:
        # One case: hard evidence on a node that terms multiply is folded into
        # the weights, so the node stays observed and the engine slices it out.
        for nid, arr in list(out.items()):
            base = evidence.get(nid)
            hit = np.flatnonzero(np.asarray(base).reshape(-1)) if base is not None else np.zeros(0)
            if arr.shape[0] == 1 or hit.size != 1:
                continue
            folded = weights * arr[:, hit[0]]
            lost |= _underflowed(weights, arr[:, hit[0]], folded)
            weights = folded
            one_hot = np.zeros((1, arr.shape[1]))
            one_hot[0, hit[0]] = 1.0
            out[nid] = one_hot
    if lost.any():
        bad = np.zeros(rows.size, dtype=bool)
        bad[row_of[lost]] = True
        keep = ~bad[row_of]
        rows, row_of, weights = rows[~bad], (np.cumsum(~bad) - 1)[row_of[keep]], weights[keep]
        out = {k: v if v.shape[0] == 1 else v[keep] for k, v in out.items()}
    keep = weights != 0.0
    if not keep.all():
        row_of, weights = row_of[keep], weights[keep]
        out = {k: v if v.shape[0] == 1 else v[keep] for k, v in out.items()}
    return Expansion(rows, row_of, weights, out)
