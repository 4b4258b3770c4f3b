"""Nested findings counted exactly: each case as at most two signed runs per implied finding.

A finding B that other findings A_1, ..., A_k imply (``entails`` in the
file, :mod:`crampnet.network.entailment`) is, with them, one joint
distribution given the conditions C: the A's are independent, each with
its own noisy-OR a_j(C), and B holds its implied state t whenever one of
them is positive; with every A negative, B holds t with the rest of its
own noisy-OR b(C). So each finding keeps the distribution the file gives
it, and

    P(all A_j negative, B = t | C) = prod_j (1 - a_j(C)) - (1 - b(C)).

For one A this is the nesting the file format describes (A a child of B,
P(A | B = t, C) = a / b). With likelihood vectors ``v_j`` on the A's and
``w`` on B, the likelihood of the evidence given C is

    w(t) prod_j L_j(C) + (w(o) - w(t)) prod_j v_j(neg) (1 - b(C)),

where ``L_j(C) = v_j(pos) a_j(C) + v_j(neg) (1 - a_j(C))`` is A_j's own
likelihood and ``o`` is B's other state. Each product is an ordinary case
for the engine: the first with B left out, the second with the A's left out
and B observed ``o``. So a case holding B beside one of its A's runs as
those two rows, and its posteriors and ``P(evidence)`` are their signed,
weighted sum (:func:`expand`, :func:`combine`), exact for hard and soft
evidence alike. Where the rows cancel (``b - a`` with small links loses
the relative precision of what is left), the case runs again as rows of
non-negative weight (:mod:`crampnet.inference._nestterms`, :func:`nested`).
Where only one of the two weights is non-zero (an A
positive, or B's state ``t`` ruled out) this is the reduction of
:func:`crampnet.network.entailment.entail`; "A negative and B = t" is the
case that needs both, ``b - a`` for one A.

An A may itself be implied by another finding (a chain: classic
claudication inside relief by standing still inside exercise-triggered
symptoms). Then A's own likelihood ``L_j`` is its subtree's, expanded the
same way, and ``v_j(neg)`` becomes the product of the negative likelihoods
of the whole subtree (a negative A has nothing positive inside it), so the
rows multiply out from the outermost finding inwards (:func:`_terms`).

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.inference._nesting import expand
>>> spec = crampnet.load().spec
>>> case = {"exertional_pain_relieved_by_rest": np.array([0.0, 1.0]), "exercise_triggered": np.array([1.0, 0.0])}
>>> rows = expand(spec, case)
>>> rows.weight.tolist()  # B left out (times w(t) = 1), minus the row with B "no" and the A's left out
[1.0, -1.0]
>>> sorted(rows.evidence["exercise_triggered"].tolist())
[[0.0, 1.0], [1.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar, overload

import numpy as np

from crampnet.network.records import NetworkSpec

__all__ = ["Expansion", "combine", "each_row", "expand", "kept", "nested"]

#: What a run returns besides log P(evidence): posteriors (an array) or marginals (a dict of arrays), one row per case.
V = TypeVar("V", np.ndarray, dict[str, np.ndarray])


def _observed(vec: np.ndarray) -> np.ndarray:
    """Per row, whether a ``(rows, card)`` likelihood array says anything (not all ones)."""
    return np.asarray(~np.all(vec == 1.0, axis=-1))


def kept(spec: NetworkSpec, evidence: Mapping[str, np.ndarray]) -> bool:
    """Whether some row of ``evidence`` holds an implied finding beside a finding that implies it (directly or through a chain).

    Parameters
    ----------
    spec : NetworkSpec
        The network, whose implications say which findings imply which.
    evidence : mapping of str to numpy.ndarray
        Likelihood vectors (one case) or ``(rows, card)`` arrays per node;
        a vector of ones says nothing.

    Returns
    -------
    bool
        True if some row observes both findings of an implication.
    """
    return bool(np.any(_kept_rows(spec, evidence)))


def _kept_rows(spec: NetworkSpec, evidence: Mapping[str, np.ndarray], within: frozenset[str] | None = None) -> np.ndarray:
    """Per row (one entry for one case), whether it holds a finding beside one it implies; only pairs inside ``within`` if given."""
    out = np.zeros(1, dtype=bool)
    for a, _, b, _ in spec.implications:
        if a in evidence and b in evidence and (within is None or a in within):
            out = out | (_observed(np.asarray(evidence[a], dtype=float)) & _observed(np.asarray(evidence[b], dtype=float)))
    return np.atleast_1d(out)


@dataclass(frozen=True)
class Expansion:
    """The rows a batch runs as: row ``r`` counts ``weight[r]`` times towards case ``source[r]``.

    Attributes
    ----------
    evidence : dict of str to numpy.ndarray
        ``(rows, card)`` likelihoods per node, no row holding B beside an A.
    source : numpy.ndarray
        The case of each row, ``(rows,)``.
    weight : numpy.ndarray
        The signed weight of each row, ``(rows,)``, never 0.
    cases : int
        The number of cases expanded.
    """

    evidence: dict[str, np.ndarray]
    source: np.ndarray
    weight: np.ndarray
    cases: int

    @property
    def rows(self) -> int:
        """How many rows the engine runs."""
        return int(self.source.size)


def _rows(evidence: Mapping[str, np.ndarray], n_rows: int | None) -> int:
    if n_rows is not None:
        return int(n_rows)
    return max((np.asarray(v).shape[0] for v in evidence.values() if np.asarray(v).ndim == 2), default=1)


def expand(spec: NetworkSpec, evidence: Mapping[str, np.ndarray], n_rows: int | None = None, *, exact: bool = False) -> Expansion | None:
    """The rows of a batch (or one case) whose rows hold B beside an A, or None if none does.

    Parameters
    ----------
    spec : NetworkSpec
        The network, whose implications say which findings imply which.
    evidence : mapping of str to numpy.ndarray
        Likelihood vectors (one case) or ``(n_rows, card)`` arrays per
        node, as the engine takes them.
    n_rows : int, optional
        The batch's rows (default: the longest two-dimensional array's, or 1).
    exact : bool, default=False
        Rows of non-negative weight that keep their relative precision at
        any link (:mod:`crampnet.inference._nestterms`), some with
        likelihoods on the parents of the nested findings computed from the
        point values of ``spec``, instead of the signed rows of ``_terms``:
        fewer and free of any parameter, but losing relative precision
        where they cancel (``1e-16 / (b - a)`` for "A negative, B = t").

    Returns
    -------
    Expansion or None
        The rows (rows of the batch without such a pair pass through
        unchanged, with weight 1; rows of weight 0 are dropped), or None
        when no row holds a finding beside one it implies.
    """
    if not kept(spec, evidence):
        return None
    n = _rows(evidence, n_rows)
    arrays = {k: np.array(np.broadcast_to(np.asarray(v, dtype=float).reshape(-1, np.asarray(v).shape[-1]), (n, np.asarray(v).shape[-1]))) for k, v in evidence.items()}
    source, weight = np.arange(n), np.ones(n)
    children = {b: implying for b, _, implying in spec.implied_groups}
    implied = {b: t for b, t, _ in spec.implied_groups}
    below = {a for a, _, _, _ in spec.entailments}
    for root in (b for b in implied if b not in below):
        tree = _subtree(root, children)
        both = np.broadcast_to(_kept_rows(spec, arrays, tree), (source.size,))
        if not both.any():
            continue
        at = np.flatnonzero(both)
        picked = {k: v[at] for k, v in arrays.items()}
        if exact:
            from crampnet.inference import _nestterms  # only for rows that cancel too much

            terms, replaced = _nestterms.tree_terms(root, children, picked, spec, at.size)
        else:
            terms, replaced = _terms(root, implied, children, picked, spec, at.size)[0], tree
        for k in {k for _, mods in terms for k in mods} - arrays.keys() if exact else ():  # findings and parents the terms weigh, with no evidence of their own
            arrays[k] = np.ones((source.size, len(spec.nodes[k].states)))
            picked[k] = arrays[k][at]
        rest = np.flatnonzero(~both)
        parts = [{k: v[rest] for k, v in arrays.items()}]
        weights, sources = [weight[rest]], [source[rest]]
        for w, mods in terms:
            row = {k: v if k not in mods else np.broadcast_to(mods[k], v.shape) if k in replaced else v * mods[k] for k, v in picked.items()}
            parts.append(row)
            weights.append(weight[at] * w)
            sources.append(source[at])
        arrays = {k: np.concatenate([p[k] for p in parts]) for k in arrays}
        weight, source = np.concatenate(weights), np.concatenate(sources)
    live = weight != 0.0
    return Expansion({k: v[live] for k, v in arrays.items()}, source[live], weight[live], n)


def _subtree(node: str, children: Mapping[str, tuple[tuple[str, int], ...]]) -> frozenset[str]:
    """``node`` and every finding that implies it, directly or through a chain."""
    out = {node}
    for a, _ in children.get(node, ()):
        out |= _subtree(a, children)
    return frozenset(out)


#: A signed term of a subtree's likelihood: its weight per row and the likelihoods its nodes take in that row (ones: left out).
Term = tuple[np.ndarray, dict[str, np.ndarray]]


def _terms(node: str, implied: Mapping[str, int], children: Mapping[str, tuple[tuple[str, int], ...]], arrays: Mapping[str, np.ndarray], spec: NetworkSpec, m: int) -> tuple[list[Term], np.ndarray]:
    """The likelihood of ``node``'s subtree as signed terms, and its weight with the whole subtree negative (both per row).

    For a node N implied by c_1..c_k, with likelihood w on N, its implied
    state t and other state o, the subtree's likelihood is
    ``w(t) prod_j F_j + (w(o) - w(t)) prod_j Z_j (1 - n(C))``: N left out
    beside each product of the children's terms F_j, and one term with N
    observed ``o`` and the rest of the subtree left out, weighted by the
    children's all-negative weights Z_j. N's own is ``w(o) prod_j Z_j``. A
    finding that no other implies is its own term, with Z its negative
    likelihood.
    """
    card = len(spec.nodes[node].states)
    w = arrays[node] if node in arrays else np.ones((m, card))
    t = implied[node] if node in children else spec.nodes[node].states.index(str(spec.nodes[node].positive))
    if node not in children:
        return [(np.ones(m), {node: w})], w[:, 1 - t]
    products: list[Term] = [(w[:, t].copy(), {node: np.ones((m, card))})]
    negative = np.ones(m)
    for a, _ in children[node]:
        terms, z = _terms(a, implied, children, arrays, spec, m)
        products = [(pw * tw, {**pm, **tm}) for pw, pm in products for tw, tm in terms]
        negative = negative * z
    observed = np.zeros((m, card))
    observed[:, 1 - t] = 1.0
    rest = {k: np.ones((m, len(spec.nodes[k].states))) for k in _subtree(node, children) if k != node}
    return [*products, ((w[:, 1 - t] - w[:, t]) * negative, {**rest, node: observed})], w[:, 1 - t] * negative


@overload
def combine(expansion: Expansion, values: np.ndarray, log_evidence: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...
@overload
def combine(expansion: Expansion, values: dict[str, np.ndarray], log_evidence: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]: ...
def combine(expansion: Expansion, values: np.ndarray | dict[str, np.ndarray], log_evidence: np.ndarray) -> tuple[np.ndarray | dict[str, np.ndarray], np.ndarray]:
    """Each case's normalised results and ``log P(evidence)`` from its rows' (see :func:`expand`).

    ``values`` are the rows' posteriors ``(rows, k)`` or marginals (a dict
    of ``(rows, card)`` arrays), normalised per row. A case whose signed sum
    is not positive is impossible: NaN results and ``-inf``.

    Parameters
    ----------
    expansion : Expansion
        The rows' cases and signed weights.
    values : numpy.ndarray or dict of str to numpy.ndarray
        The rows' normalised results (NaN rows count as zeros).
    log_evidence : numpy.ndarray
        ``(rows,)``: each row's ``log P(evidence)``.

    Returns
    -------
    values : numpy.ndarray or dict of str to numpy.ndarray
        As ``values``, one row per case (``expansion.cases``), clipped to [0, 1].
    log_evidence : numpy.ndarray
        ``(cases,)``: each case's ``log P(evidence)``.
    """
    n, source = expansion.cases, expansion.source
    log_ev = np.asarray(log_evidence, dtype=float)
    finite = np.isfinite(log_ev)
    top = np.full(n, -np.inf)
    np.maximum.at(top, source[finite], log_ev[finite])
    scale = np.zeros(source.size)
    scale[finite] = expansion.weight[finite] * np.exp(log_ev[finite] - top[source[finite]])
    total = np.zeros(n)
    np.add.at(total, source, scale)
    good = total > 0.0
    with np.errstate(divide="ignore"):
        log_out = np.where(good, top + np.log(np.where(good, total, 1.0)), -np.inf)

    def mix(rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=float)
        out = np.zeros((n, *rows.shape[1:]))
        np.add.at(out, source, scale.reshape(-1, *[1] * (rows.ndim - 1)) * np.nan_to_num(rows))
        out[good] /= total[good].reshape(-1, *[1] * (rows.ndim - 1))
        out[~good] = np.nan
        return np.clip(out, 0.0, 1.0)

    if isinstance(values, dict):
        return {k: mix(v) for k, v in values.items()}, log_out
    return mix(values), log_out


def nested(spec: NetworkSpec, evidence: Mapping[str, np.ndarray], n_rows: int | None, run: Callable[[Mapping[str, np.ndarray], int | None], tuple[V, np.ndarray]]) -> tuple[V, np.ndarray]:
    """``run(evidence, n_rows)`` with nested findings counted exactly: the signed rows of :func:`expand`, combined (or the plain run when no row needs them).

    A case whose signed rows cancel more than ``_nestterms.CONDITION``
    times (small links: "A negative, B = t" is ``b - a``) runs again as rows
    of non-negative weight (``expand(..., exact=True)``), which keep the
    relative precision of its results at any link.

    Parameters
    ----------
    spec : NetworkSpec
        The network, whose implications say which findings imply which.
    evidence : mapping of str to numpy.ndarray
        Likelihood vectors (one case) or ``(n_rows, card)`` arrays per node.
    n_rows : int or None
        The batch's rows, or None to infer them (:func:`expand`).
    run : callable
        ``run(evidence, n_rows)``: each row's normalised results (an array
        or a dict of arrays) and ``log P(evidence)``.

    Returns
    -------
    values : numpy.ndarray or dict of str to numpy.ndarray
        Each case's normalised results, as ``run`` gives them.
    log_evidence : numpy.ndarray
        Each case's ``log P(evidence)``.
    """
    nest = expand(spec, evidence, n_rows)
    if nest is None:
        return run(evidence, n_rows)
    from crampnet.inference import _nestterms  # only cases holding a nested pair reach here

    values, log_ev = run(nest.evidence, nest.rows)
    out, log_out = combine(nest, values, log_ev)
    again = _nestterms.spread(nest.source, nest.weight, values, log_ev, nest.cases) > _nestterms.CONDITION
    if not again.any() or _nestterms.exact_rows(spec) is None:
        return out, log_out
    exact = expand(spec, _nestterms.cases(evidence, again, nest.cases), int(again.sum()), exact=True)
    if exact is None:  # pragma: no cover - the cases picked hold a nested pair
        return out, log_out
    fine, log_fine = combine(exact, *run(exact.evidence, exact.rows))
    log_out[again] = log_fine
    if isinstance(out, dict) and isinstance(fine, dict):
        for k, v in fine.items():
            out[k][again] = v
    elif isinstance(out, np.ndarray) and isinstance(fine, np.ndarray):
        out[again] = fine
    return out, log_out


def each_row(spec: NetworkSpec, vectors: Mapping[str, np.ndarray], run: Callable[[Mapping[str, np.ndarray]], tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """One case under many parameter sets: ``run(vectors)`` gives ``(draws, k)`` results and ``(draws,)`` log P(evidence).

    With a nested pair, ``run`` sees each signed row of :func:`expand` in
    turn and the draws are combined draw by draw.

    Parameters
    ----------
    spec : NetworkSpec
        The network, whose implications say which findings imply which.
    vectors : mapping of str to numpy.ndarray
        One case: a likelihood vector per node.
    run : callable
        ``run(vectors)``: ``(draws, k)`` normalised results and ``(draws,)``
        log P(evidence) of one row.

    Returns
    -------
    values : numpy.ndarray
        ``(draws, k)``: the case's results per draw.
    log_evidence : numpy.ndarray
        ``(draws,)``: its ``log P(evidence)`` per draw.
    """
    nest = expand(spec, vectors)  # the signed rows, free of parameters: the draws' are not the spec's
    if nest is None:
        return run(vectors)
    parts = [run({k: a[r] for k, a in nest.evidence.items()}) for r in range(nest.rows)]
    draws = parts[0][1].shape[0]
    flat = Expansion({}, np.tile(np.arange(draws), nest.rows), np.repeat(nest.weight, draws), draws)
    return combine(flat, np.concatenate([v for v, _ in parts]), np.concatenate([lg for _, lg in parts]))
