"""Findings as signed sums of one-parent factors (Quickscore), for exact inference.

Almost every finding of crampnet's networks is a leaky noisy-OR or
noisy-MAX node. For those, ``P(finding = s | parents)`` is a short signed sum
of products of one-parent factors (Heckerman 1989, "A tractable inference
algorithm for diagnosing multiple diseases", UAI; the "Quickscore"
algorithm):

- a noisy-OR answered "no": ``(1 - leak) * prod_i q_i(x_i)``, one term;
- a noisy-OR answered "yes": ``1 - (1 - leak) * prod_i q_i(x_i)``, two terms;
- a noisy-MAX state ``s``: ``C_s(x) - C_{s-1}(x)`` where the cumulative
  ``C_s = P(finding <= s | x)`` is a product of one-parent factors, two terms;
- a node with at most one parent, or an additive table: one term per parent.

Each term enters a junction tree as plain likelihood vectors on the parents,
so the finding adds no edge to the graph. A case whose observed findings
have ``T_1, T_2, ...`` terms becomes ``prod T_f`` pseudo-cases on one small
tree (context and conditions only, plus any finding that does not
decompose); the signed, weighted sum of their results is the exact answer.
Every case then runs on the same compiled tree, so nothing is compiled per
evidence pattern, and the pseudo-cases of a whole batch run together.

The decomposition is read back from the numeric tables and checked to
1e-13, so it holds for any parameter values (fitted tables that are no
longer noisy-OR simply do not decompose and stay in the tree).

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.inference.quickscore import decompose
>>> model = crampnet.load()
>>> model.states("urge_to_move")
['yes', 'no']
>>> terms = decompose(model.spec, model.compiled.tables)["urge_to_move"]
>>> [len(t.weights) for t in terms]  # "yes": two terms; "no": one
[2, 1]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from crampnet.network.spec import NetworkSpec, NoisyMax

__all__ = ["Expansion", "Flat", "Terms", "decompose", "expand", "flatten", "term_counts"]

#: Absolute tolerance of a decomposition rebuilt against the table.
TOLERANCE = 1e-13


@dataclass(frozen=True)
class Terms:
    """``P(finding = s | parents) = sum_t weights[t] * prod_p factors[p][t, x_p]``.

    Attributes
    ----------
    weights : numpy.ndarray
        One signed weight per term, shape ``(T,)``.
    factors : dict of str to numpy.ndarray
        Per parent that some term depends on, non-negative ``(T, card)``
        factors (parents absent from the mapping contribute 1).
    """

    weights: np.ndarray
    factors: dict[str, np.ndarray]


def _product(table: np.ndarray) -> tuple[float, list[np.ndarray]] | None:
    """``table = base * prod_i q_i(x_i)`` with ``q_i >= 0``, or None.

    The reference configuration is the table's largest entry, so every
    ratio is at most well conditioned.
    """
    if not np.any(table):
        return 0.0, [np.zeros(n) for n in table.shape]
    ref = np.unravel_index(int(np.argmax(table)), table.shape)
    base = float(table[ref])
    qs = []
    rebuilt = np.full(table.shape, base)
    for i, n in enumerate(table.shape):
        index = tuple(slice(None) if j == i else r for j, r in enumerate(ref))
        q = np.asarray(table[index], dtype=float) / base
        qs.append(q)
        shape = [1] * table.ndim
        shape[i] = n
        rebuilt = rebuilt * q.reshape(shape)
    return (base, qs) if np.allclose(rebuilt, table, rtol=0.0, atol=TOLERANCE) else None


def _additive(table: np.ndarray) -> tuple[float, list[np.ndarray]] | None:
    """``table = const + sum_i a_i(x_i)`` with ``a_i >= 0``, or None."""
    ref = (0,) * table.ndim
    parts = []
    rebuilt = np.full(table.shape, float(table[ref]))
    const = float(table[ref])
    for i, n in enumerate(table.shape):
        index = tuple(slice(None) if j == i else 0 for j in range(table.ndim))
        d = np.asarray(table[index], dtype=float) - float(table[ref])
        shape = [1] * table.ndim
        shape[i] = n
        rebuilt = rebuilt + d.reshape(shape)
        low = float(d.min())
        const += low
        parts.append(d - low)
    return (const, parts) if np.allclose(rebuilt, table, rtol=0.0, atol=TOLERANCE) else None


def _terms(parents: tuple[str, ...], entries: list[tuple[float, list[np.ndarray] | None]], cards: list[int]) -> Terms:
    """Pack ``[(weight, per-parent factors or None for all ones)]`` as :class:`Terms`."""
    kept = [(w, f) for w, f in entries if w != 0.0]
    weights = np.array([w for w, _ in kept], dtype=float)
    factors = {}
    for i, parent in enumerate(parents):
        rows = [np.ones(cards[i]) if f is None else f[i] for _, f in kept]
        stacked = np.array(rows, dtype=float).reshape(len(kept), cards[i])
        if not np.all(stacked == 1.0):
            factors[parent] = stacked
    return Terms(weights, factors)


def _state_terms(table: np.ndarray, s: int, parents: tuple[str, ...], orders: list[list[int]]) -> Terms | None:
    """The decomposition of ``table[s]`` (one finding state), or None.

    ``orders`` are the state orders tried for the cumulative (noisy-MAX) form.
    """
    cards = list(table.shape[1:])
    row = np.asarray(table[s], dtype=float)
    product = _product(row)
    if product is not None:
        return _terms(parents, [(product[0], product[1])], cards)
    for order in orders:
        at = order.index(s)
        high = table[order[: at + 1]].sum(axis=0)
        low = table[order[:at]].sum(axis=0)
        upper = (1.0, None) if np.allclose(high, 1.0, rtol=0.0, atol=TOLERANCE) else _product(high)
        lower = _product(low)
        if upper is not None and lower is not None:
            return _terms(parents, [(upper[0], upper[1]), (-lower[0], lower[1])], cards)
    additive = _additive(row)
    if additive is not None:
        const, parts = additive
        entries: list[tuple[float, list[np.ndarray] | None]] = [(const, None)]
        for i in range(len(parents)):
            if np.any(parts[i]):
                entries.append((1.0, [parts[i] if j == i else np.ones(cards[j]) for j in range(len(parents))]))
        return _terms(parents, entries, cards)
    return None


def decompose(spec: NetworkSpec, tables: Mapping[str, np.ndarray]) -> dict[str, list[Terms]]:
    """Per finding that decomposes, one :class:`Terms` per state.

    Findings whose table has no such form for some state (e.g. a normalised
    mixture over several parents) are left out: they stay in the junction
    tree when observed.
    """
    out = {}
    for nid in spec.order:
        node = spec.nodes[nid]
        if node.role != "finding":
            continue
        table = np.asarray(tables[nid], dtype=float)
        if not node.parents:
            states = [Terms(np.array([float(table[s])]), {}) for s in range(table.shape[0])]
        else:
            natural = list(range(table.shape[0]))
            orders = [natural, natural[::-1]]
            if isinstance(node.cpd, NoisyMax):
                orders.insert(0, [node.states.index(st) for st in node.cpd.order])
            found = [_state_terms(table, s, node.parents, orders) for s in range(table.shape[0])]
            if any(t is None for t in found):
                continue
            states = [t for t in found if t is not None]
        out[nid] = states
    return out


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


def _plans(evidence: Mapping[str, np.ndarray], terms: Mapping[str, list[Terms]]) -> list[tuple[str, np.ndarray, list[Terms]]]:
    return [(nid, *_groups(np.asarray(evidence[nid], dtype=float), terms[nid])) for nid in evidence if nid in terms]


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


def term_counts(evidence: Mapping[str, np.ndarray], terms: Mapping[str, list[Terms]], n: int, cap: int) -> np.ndarray:
    """Pseudo-cases each of ``n`` rows expands into (``cap + 1`` for more than ``cap``).

    Examples
    --------
    >>> import numpy as np
    >>> import crampnet
    >>> from crampnet.inference.quickscore import decompose, term_counts
    >>> model = crampnet.load()
    >>> terms = decompose(model.spec, model.compiled.tables)
    >>> no_yes = {"urge_to_move": np.array([[0.0, 1.0], [1.0, 0.0]])}  # states: yes, no
    >>> term_counts(no_yes, terms, 2, 256).tolist()
    [1, 2]
    """
    return _counts(_plans(evidence, terms), n, cap)


def expand(evidence: Mapping[str, np.ndarray], terms: Mapping[str, list[Terms]], n: int, cap: int) -> Expansion:
    """Expand the findings of ``terms`` observed in ``evidence`` into pseudo-cases.

    Parameters
    ----------
    evidence : mapping of str to numpy.ndarray
        ``(n, card)`` likelihoods per node (a row of ones: unobserved).
    terms : mapping of str to list of Terms
        :func:`decompose`'s output; findings not in it pass through.
    n : int
        Rows of the batch.
    cap : int
        Rows with more pseudo-cases than this are left out of ``rows``.
    """
    plans = _plans(evidence, terms)
    counts = _counts(plans, n, cap)
    rows = np.flatnonzero((counts <= cap) & (counts > 0))
    per = counts[rows]
    row_of = np.repeat(np.arange(rows.size), per)
    start = np.concatenate([[0], np.cumsum(per)[:-1]]) if rows.size else np.zeros(0, dtype=np.int64)
    j = np.arange(row_of.size) - start[row_of]
    stride = np.ones(row_of.size, dtype=np.int64)
    weights = np.ones(row_of.size)
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
            if only.weights.size > 1 or only.weights[0] != 1.0:
                weights = weights * only.weights[t]
            factors = {parent: f[t] for parent, f in only.factors.items()}
        else:
            width = int(sizes.max())
            w_pad = np.zeros((len(lists), width))
            for k, lst in enumerate(lists):
                w_pad[k, : lst.weights.size] = lst.weights
            weights = weights * w_pad[g, t]
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
                out[parent] = (prev if prev.shape[0] == row_of.size else np.broadcast_to(prev, (row_of.size, card))) * factor
    if shared:
        # One case: hard evidence on a node that terms multiply is folded into
        # the weights, so the node stays observed and the engine slices it out.
        for nid, arr in list(out.items()):
            base = evidence.get(nid)
            hit = np.flatnonzero(np.asarray(base).reshape(-1)) if base is not None else np.zeros(0)
            if arr.shape[0] == 1 or hit.size != 1:
                continue
            weights = weights * arr[:, hit[0]]
            one_hot = np.zeros((1, arr.shape[1]))
            one_hot[0, hit[0]] = 1.0
            out[nid] = one_hot
    keep = weights != 0.0
    if not keep.all():
        row_of, weights = row_of[keep], weights[keep]
        out = {k: v if v.shape[0] == 1 else v[keep] for k, v in out.items()}
    return Expansion(rows, row_of, weights, out)


@dataclass(frozen=True)
class Flat:
    """The terms of every decomposed finding as flat arrays, for the compiled kernel.

    Finding ``findings[i]`` has states at rows ``finding_row[i] ..
    finding_row[i] + finding_card[i]`` of the observation array; state row
    ``r`` owns terms ``state_ptr[r] .. state_ptr[r + 1]``; term ``t`` has
    weight ``weights[t]`` and factors ``term_ptr[t] .. term_ptr[t + 1]``;
    factor ``j`` multiplies variable ``factor_var[j]`` (a tree variable
    number) by ``values[factor_off[j] : factor_off[j] + factor_card[j]]``.
    """

    findings: list[str]
    state_ptr: np.ndarray
    finding_row: np.ndarray
    finding_card: np.ndarray
    term_ptr: np.ndarray
    factor_var: np.ndarray
    factor_card: np.ndarray
    factor_off: np.ndarray
    values: np.ndarray
    weights: np.ndarray


def flatten(terms: Mapping[str, list[Terms]], index: Mapping[str, int]) -> Flat:
    """Pack :func:`decompose`'s terms as a :class:`Flat`, parents numbered by ``index``.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.inference.quickscore import decompose, flatten
    >>> model = crampnet.load()
    >>> terms = decompose(model.spec, model.compiled.tables)
    >>> flat = flatten(terms, {nid: i for i, nid in enumerate(model.spec.order)})
    >>> int(flat.finding_card.sum()) == sum(len(model.states(f)) for f in flat.findings)
    True
    """
    findings = list(terms)
    state_ptr, finding_row, finding_card, term_ptr = [0], [], [], [0]
    factor_var, factor_card, factor_off = [], [], []
    values: list[float] = []
    weights: list[float] = []
    row = 0
    for nid in findings:
        finding_row.append(row)
        finding_card.append(len(terms[nid]))
        row += len(terms[nid])
        for state in terms[nid]:
            for t in range(state.weights.size):
                weights.append(float(state.weights[t]))
                for parent, factor in state.factors.items():
                    factor_var.append(index[parent])
                    factor_card.append(factor.shape[1])
                    factor_off.append(len(values))
                    values.extend(float(x) for x in factor[t])
                term_ptr.append(len(factor_var))
            state_ptr.append(len(weights))

    def ints(xs: list[int]) -> np.ndarray:
        return np.array(xs, dtype=np.int64)

    return Flat(
        findings, ints(state_ptr), ints(finding_row), ints(finding_card), ints(term_ptr),
        ints(factor_var), ints(factor_card), ints(factor_off), np.array(values, dtype=float), np.array(weights, dtype=float),
    )  # fmt: skip
