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

This module finds the terms (:func:`decompose`) and packs them as flat
arrays for the compiled kernel (:func:`flatten`); expanding a batch into
pseudo-cases in numpy is :mod:`crampnet.inference._expansion`'s, and running
them is :mod:`crampnet.inference._quickscore_path`'s.

The decomposition is read back from the numeric tables and checked entry
by entry to 1e-13 of each entry (:func:`_close`), so it holds for any
parameter values, however small (fitted tables that are no longer noisy-OR
simply do not decompose and stay in the tree).

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

__all__ = ["Flat", "Terms", "decompose", "flatten"]

#: Relative tolerance of a decomposition rebuilt against the table, entry by entry.
TOLERANCE = 1e-13


def _close(rebuilt: np.ndarray, table: np.ndarray) -> bool:
    """Whether every entry of ``rebuilt`` is within :data:`TOLERANCE` of the same entry of ``table``, relatively.

    An absolute tolerance accepted any product for a row whose entries are
    all below it: a finding whose links are 1e-15 rebuilt with a factor 2
    wrong, and the posterior with it. Only ratios of a finding's likelihoods
    count, so each entry is held to its own size (a zero to exactly zero).

    Parameters
    ----------
    rebuilt : numpy.ndarray
        The table rebuilt from a decomposition.
    table : numpy.ndarray
        The table, of the same shape.

    Returns
    -------
    bool
        True if ``|rebuilt - table| <= TOLERANCE * |table|`` everywhere.
    """
    return bool(np.all(np.abs(rebuilt - table) <= TOLERANCE * np.abs(table)))


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
    # Built up axis by axis as outer products (each entry is the same
    # ``base * q_0 * q_1 * ...`` in the same order, so the same floats),
    # not by multiplying a full table once per parent.
    rebuilt = np.asarray(base)
    for i in range(table.ndim):
        index: tuple[int | slice, ...] = (*map(int, ref[:i]), slice(None), *map(int, ref[i + 1 :]))
        q = np.asarray(table[index], dtype=float) / base
        qs.append(q)
        rebuilt = np.multiply.outer(rebuilt, q)
    return (base, qs) if _close(rebuilt, table) else None


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
    return (const, parts) if _close(rebuilt, table) else None


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
        upper = (1.0, None) if _close(np.ones_like(high), high) else _product(high)
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

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    tables : mapping of str to numpy.ndarray
        Every finding's table, ``(card, *parent cards)`` with parents in
        ``node.parents`` order (:func:`crampnet.network.cpd.build_tables`).

    Returns
    -------
    dict of str to list of Terms
        Each decomposed finding, in ``spec.order``, to one :class:`Terms` per
        state in ``node.states`` order; each product of factors found is
        checked against the table to within :data:`TOLERANCE` of each entry.
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

    Parameters
    ----------
    terms : mapping of str to list of Terms
        Finding id to one :class:`Terms` per state, as :func:`decompose`
        returns it; findings keep the mapping's order.
    index : mapping of str to int
        The number of every parent variable that a factor names (the
        tree's variable numbering).

    Returns
    -------
    Flat
        The findings, state rows, terms and factors packed as flat arrays
        (int64 pointers and variable numbers, float64 values and weights).

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
