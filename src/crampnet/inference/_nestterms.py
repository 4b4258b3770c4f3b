"""The likelihood of a tree of nested findings as terms of non-negative weight, exact at any link.

:mod:`crampnet.inference._nesting` writes the likelihood of a finding B and
the findings A_1, ..., A_k that imply it as rows for the engine. With every
A negative, B holds its implied state ``t`` with probability
``1 - R(C)``, ``R(C) = q_B(C) / prod_j q_j(C)``, where each ``q`` is a
finding's probability of being negative given the conditions C (its
noisy-OR's ``(1 - leak) prod (1 - link)``). Writing that as
``prod_j q_j - q_B`` subtracts two numbers near 1 and loses the relative
precision of what is left (``b - a`` for one A) when the links are small:
about ``1e-16 / (b - a)``.

Here nothing is subtracted. ``R`` is a product of one factor per parent of
B and one for the leaks, ``R = r_0 prod_i x_i(C_i)``, each a ratio the file
keeps at most 1 (:mod:`crampnet.network.entailment`):
``r_0 = (1 - leak_B) / prod_j (1 - leak_j)`` and
``x_i(s) = (1 - link_B(i, s)) / prod_j (1 - link_j(i, s))``, computed as
``exp`` of sums of ``log1p``. A product's complement telescopes,

    1 - r_0 prod_i x_i = (1 - r_0) + r_0 sum_i (1 - x_i) prod_{h < i} x_h,

into terms that are each a weight times a likelihood vector on some
parents (``1 - x_i`` from ``-expm1``, exact to rounding even when it is
1e-14). Every finding's part of the likelihood is then split by its own
state: with ``w`` its likelihood, ``Pos`` (it holds ``t``, its own noisy-OR
left out, as the joint model gives that state) and ``Neg`` (it and all that
imply it negative, as the finding observed negative),

    Pos_B = w(t) [sum_k Pos_k prod_{j < k} Neg_j prod_{j > k} S_j
                  + prod_j Neg_j (1 - R)],
    Neg_B = w(o) prod_j z_j (B observed negative, the A's left out),

with ``S = Pos + Neg`` and ``z_j`` the product of the negative likelihoods of
A_j's tree; a finding that no other implies is ``Pos = w(t)`` times it
observed positive and ``Neg = w(o)`` times it observed negative. Every
weight is a product of likelihoods and probabilities, so no row of the sum
is negative and each case's sum keeps the relative precision of its rows.
A finding of the tree that no row observes is summed out first (the ones
implying it then imply the one it implies), so the rows observe only what
the case does, as a tree pruned to the observed findings needs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from crampnet.network._entails_file import MAX_ENTAILS_ROWS
from crampnet.network.records import NetworkSpec, NoisyOr

__all__ = ["CONDITION", "Term", "cases", "exact_rows", "spread", "tree_terms"]

#: Largest ``sum |row| / |sum of rows|`` of a case's signed rows (of its
#: ``P(evidence)`` or of a posterior's numerator) kept: the error of the
#: signed sum is about this ratio times each row's, so a case above it runs
#: again as the rows of :func:`tree_terms`. On the shipped network the ratio
#: is mostly below 20 (397 at most on 120 random cases of soft and hard
#: nested evidence); a link of 1e-8 beside one of 3e-9 makes it 1e8.
CONDITION = 100.0

#: A term of a tree's likelihood: its weight per row ``(m,)`` and the
#: likelihood vectors it puts on nodes, ``(m, card)`` or ``(card,)``: on the
#: tree's findings they replace the case's (ones: left out), on other nodes
#: (parents of the findings) they multiply it.
Term = tuple[np.ndarray, dict[str, np.ndarray]]


def _times(left: list[Term], right: list[Term]) -> list[Term]:
    """Every product of a term of ``left`` with a term of ``right`` (vectors on a shared node multiply)."""
    out: list[Term] = []
    for lw, lm in left:
        for rw, rm in right:
            mods = dict(lm)
            for k, v in rm.items():
                mods[k] = mods[k] * v if k in mods else v
            out.append((lw * rw, mods))
    return out


def _noisy_or(spec: NetworkSpec, nid: str) -> NoisyOr:
    """The noisy-OR of a nested finding (the loader refuses ``entails`` between other models)."""
    cpd = spec.nodes[nid].cpd
    if not isinstance(cpd, NoisyOr):  # pragma: no cover - the loader refuses it (crampnet.network._entails_file)
        msg = f"{nid}: entails needs a noisy-OR finding, not a {type(cpd).__name__}"
        raise TypeError(msg)
    return cpd


def _ratio(spec: NetworkSpec, node: str, implying: list[str], m: int) -> list[Term]:
    """``1 - R(C)`` of ``node`` beside its implying findings (all negative) as non-negative terms on its parents (see the module)."""
    b = _noisy_or(spec, node)
    others = [_noisy_or(spec, a) for a in implying]
    with np.errstate(invalid="ignore", divide="ignore"):
        log_r0 = np.log1p(-b.leak.value) - math.fsum(np.log1p(-c.leak.value) for c in others)
        logs: dict[str, np.ndarray] = {}
        for sign, cpd in [(1.0, b), *[(-1.0, c) for c in others]]:
            for link in cpd.links:
                vec = logs.setdefault(link.parent, np.zeros(len(spec.nodes[link.parent].states)))
                vec[spec.nodes[link.parent].states.index(link.state)] += sign * np.log1p(-link.param.value)
    # A ratio 0/0 (a link or leak of 1 on both sides) multiplies a row whose implying findings
    # cannot be negative there: any value in [0, 1] does; 0 is taken. The file keeps every ratio
    # at most 1 up to rounding (crampnet.network._entails_file), so it is clipped to 1.
    log_r0 = min(float(np.nan_to_num(log_r0, nan=-np.inf)), 0.0)
    terms: list[Term] = []
    if log_r0 < 0.0:
        terms.append((np.full(m, -math.expm1(log_r0)), {}))
    r0 = math.exp(log_r0)
    if r0 == 0.0:
        return terms
    before: dict[str, np.ndarray] = {}
    for parent in (p for p in spec.order if p in logs):
        log_x = np.minimum(np.nan_to_num(logs[parent], nan=-np.inf), 0.0)
        rest = -np.expm1(log_x)
        if np.any(rest > 0.0):
            terms.append((np.full(m, r0), {**before, parent: rest}))
            before[parent] = np.exp(log_x)
    return terms


def _indicator(m: int, state: int) -> np.ndarray:
    """``(m, 2)`` likelihoods observing ``state`` of a binary finding."""
    out = np.zeros((m, 2))
    out[:, state] = 1.0
    return out


def _parts(node: str, children: Mapping[str, tuple[tuple[str, int], ...]], arrays: Mapping[str, np.ndarray], spec: NetworkSpec, m: int) -> tuple[list[Term], list[Term], list[Term], set[str]]:
    """``Pos``, ``Neg`` and ``S`` of ``node``'s tree (see the module), and the tree's findings; every term sets every one of them.

    A finding that no other implies has ``S`` as one term (it observed as
    the case has it); the implying findings go largest ``S`` first, so the
    products ``prod_{j > k} S_j`` stay short.
    """
    w = np.asarray(arrays[node], dtype=float) if node in arrays else np.ones((m, 2))
    t = spec.nodes[node].states.index(str(spec.nodes[node].positive))  # the implied state: the loader checks it is the positive one
    if not children.get(node):
        whole: list[Term] = [(np.ones(m), {node: w})]
        return [(w[:, t].copy(), {node: _indicator(m, t)})], [(w[:, 1 - t].copy(), {node: _indicator(m, 1 - t)})], whole, {node}
    below = sorted((_parts(a, children, arrays, spec, m) for a, _ in children[node]), key=lambda part: -len(part[2]))
    tree = {node}.union(*(found for *_, found in below))
    pos: list[Term] = []
    for k, (pos_k, _, _, _) in enumerate(below):
        product = pos_k
        for j, (_, neg_j, whole_j, _) in enumerate(below):
            if j != k:
                product = _times(product, neg_j if j < k else whole_j)
        pos += product
    nothing: list[Term] = [(np.ones(m), {})]
    for _, neg_j, _, _ in below:
        nothing = _times(nothing, neg_j)
    pos += _times(nothing, _ratio(spec, node, [a for a, _ in children[node]], m))
    own = {node: np.ones((m, 2))}
    pos = [(w[:, t] * weight, {**mods, **own}) for weight, mods in pos if np.any(weight != 0.0)]
    z = w[:, 1 - t].copy()
    for _, neg_j, _, _ in below:
        z = z * neg_j[0][0]  # a tree's Neg is one term: its root observed negative
    neg: list[Term] = [(z, {**dict.fromkeys(tree - {node}, np.ones((m, 2))), node: _indicator(m, 1 - t)})]
    return pos, neg, pos + neg, tree


def tree_terms(root: str, children: Mapping[str, tuple[tuple[str, int], ...]], arrays: Mapping[str, np.ndarray], spec: NetworkSpec, m: int) -> tuple[list[Term], frozenset[str]]:
    """The likelihood of the tree of findings implying ``root``, as terms of non-negative weight, and the tree's findings.

    Parameters
    ----------
    root : str
        A finding that others imply and that implies none.
    children : mapping of str to tuple of (str, int)
        Per implied finding, the findings implying it and their positive
        states' indices (``NetworkSpec.implied_groups``).
    arrays : mapping of str to numpy.ndarray
        ``(m, 2)`` likelihoods of the tree's findings; one absent or all
        ones in every row is summed out (no term names it).
    spec : NetworkSpec
        The network, whose noisy-ORs give the ratios ``R`` (the point
        values: the terms are exact for the tables built from them).
    m : int
        The rows.

    Returns
    -------
    terms : list of Term
        The terms, summing (per row) to the tree's likelihood given the
        conditions; each sets a vector on every observed finding of the
        tree (ones where it is left out) and multiplies the case's on the
        parents it names.
    tree : frozenset of str
        The observed findings of the tree.
    """
    def observed(nid: str) -> bool:
        return nid in arrays and not np.all(np.asarray(arrays[nid]) == 1.0)

    def seen(nid: str) -> tuple[tuple[str, int], ...]:
        # A finding no row observes is summed out of the joint model: the findings implying
        # it then imply the one it implies (prod q over them, not over it, in R), so no row
        # puts a vector on it (a pruned tree may not hold it).
        return tuple(pair for c, i in children.get(nid, ()) for pair in ([(c, i)] if observed(c) else seen(c)))

    kids = {nid: seen(nid) for nid in _tree(root, children)}
    tops = [(root, 0)] if observed(root) else seen(root)
    whole: list[Term] = [(np.ones(m), {})]
    tree: set[str] = set()
    for top, _ in tops:
        *_, part, found = _parts(top, kids, arrays, spec, m)
        whole, tree = _times(whole, part), tree | found
    return [t for t in whole if np.any(t[0] != 0.0)], frozenset(tree)


def _tree(node: str, children: Mapping[str, tuple[tuple[str, int], ...]]) -> list[str]:
    """``node`` and every finding implying it, directly or through a chain."""
    return [node, *(x for c, _ in children.get(node, ()) for x in _tree(c, children))]


def _count(node: str, children: Mapping[str, tuple[tuple[str, int], ...]], spec: NetworkSpec) -> tuple[int, int]:
    """How many terms ``Pos`` and ``S`` of ``node``'s tree have at most (as :func:`_parts` builds them)."""
    if node not in children:
        return 1, 1
    below = sorted((_count(a, children, spec) for a, _ in children[node]), key=lambda c: -c[1])
    pos = len(_ratio(spec, node, [a for a, _ in children[node]], 1))
    for k, (pos_k, _) in enumerate(below):
        pos += pos_k * math.prod(whole for _, whole in below[k + 1 :])
    return pos, pos + 1


def exact_rows(spec: NetworkSpec) -> int | None:
    """About how many rows :func:`tree_terms` may expand one case into (the product over the whole trees), or None above ``MAX_ENTAILS_ROWS``.

    Parameters
    ----------
    spec : NetworkSpec
        The network, whose implications say which findings imply which.

    Returns
    -------
    int or None
        The bound, or None where it is above the limit the loader puts on
        the signed rows (networks/FORMAT.md): such a case keeps its signed
        rows.
    """
    children = {b: implying for b, _, implying in spec.implied_groups}
    below = {a for a, _, _, _ in spec.entailments}
    rows = 1
    for root in (b for b in children if b not in below):
        rows *= _count(root, children, spec)[1]
        if rows > MAX_ENTAILS_ROWS:
            return None
    return rows


def spread(source: np.ndarray, weight: np.ndarray, values: np.ndarray | dict[str, np.ndarray], log_evidence: np.ndarray, n: int) -> np.ndarray:
    """Per case, how much its signed rows cancel: the largest ``sum |row| / |sum of rows|`` of its ``P(evidence)`` and of its results' numerators.

    Parameters
    ----------
    source : numpy.ndarray
        ``(rows,)``: the case of each row.
    weight : numpy.ndarray
        ``(rows,)``: the rows' signed weights.
    values : numpy.ndarray or dict of str to numpy.ndarray
        The rows' normalised results, ``(rows, ...)`` (NaN rows count as zeros).
    log_evidence : numpy.ndarray
        ``(rows,)``: each row's ``log P(evidence)``.
    n : int
        The cases.

    Returns
    -------
    numpy.ndarray
        ``(n,)``: 1 for a case with no cancellation, ``inf`` where a sum
        of rows not all zero is not positive.
    """
    log_ev = np.asarray(log_evidence, dtype=float)
    finite = np.isfinite(log_ev)
    top = np.full(n, -np.inf)
    np.maximum.at(top, source[finite], log_ev[finite])
    scale = np.zeros(source.size)
    scale[finite] = weight[finite] * np.exp(log_ev[finite] - top[source[finite]])
    out = np.ones(n)
    for rows in [np.ones((source.size, 1)), *(values.values() if isinstance(values, dict) else [values])]:
        terms = scale.reshape(-1, *[1] * (np.ndim(rows) - 1)) * np.nan_to_num(np.asarray(rows, dtype=float))
        total, wide = np.zeros((n, *terms.shape[1:])), np.zeros((n, *terms.shape[1:]))
        np.add.at(total, source, terms)
        np.add.at(wide, source, np.abs(terms))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(wide == 0.0, 1.0, np.where(total > 0.0, wide / total, np.inf))
        out = np.maximum(out, ratio.reshape(n, -1).max(axis=1))
    return out


def cases(evidence: Mapping[str, np.ndarray], pick: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """The evidence of the cases ``pick`` (a boolean mask over ``n``) of a batch: ``(picked, card)`` arrays.

    Parameters
    ----------
    evidence : mapping of str to numpy.ndarray
        Likelihood vectors (shared by every case) or ``(n, card)`` arrays per node.
    pick : numpy.ndarray
        ``(n,)`` booleans.
    n : int
        The batch's cases.

    Returns
    -------
    dict of str to numpy.ndarray
        ``(pick.sum(), card)`` per node.
    """
    out = {}
    for k, v in evidence.items():
        arr = np.asarray(v, dtype=float)
        out[k] = np.broadcast_to(arr.reshape(-1, arr.shape[-1]), (n, arr.shape[-1]))[pick]
    return out
