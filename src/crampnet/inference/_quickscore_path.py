"""The Quickscore path of :class:`~crampnet.inference.compiled.CompiledNetwork`.

A batch's decomposed findings leave the junction tree: each case becomes
the signed pseudo-cases of its observed findings
(:mod:`crampnet.inference._expansion`), all run on the tree of context,
conditions and the observed findings that do not decompose (one tree per
pattern of those, usually the single shared one), and their results are
summed back per case. :func:`run_numpy` does that with numpy passes;
:func:`run_kernel` hands the terms (:func:`crampnet.inference.quickscore.flatten`)
to the compiled kernel, which expands and sums them in its loops. Either
leaves out the cases whose sum is not positive or cancels too much
(:data:`CONDITION`); the caller answers those on a pruned tree.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.inference._quickscore_path import run_numpy
>>> compiled = crampnet.load().compiled
>>> urge = {"urge_to_move": np.array([[1.0, 0.0], [0.0, 1.0]])}  # yes; no
>>> rows, post, log_ev = run_numpy(compiled, urge, 2, 256)
>>> rows.tolist(), post.shape == (2, len(compiled.conditions)), bool(np.all(log_ev < 0))
([0, 1], True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from crampnet.inference._arrays import unique_masks
from crampnet.inference._expansion import Expansion, expand
from crampnet.inference.quickscore import Flat, flatten

if TYPE_CHECKING:
    from crampnet.inference.compiled import CompiledNetwork

__all__ = ["CONDITION", "distinct_count", "flat_for", "kept_patterns", "run", "run_kernel", "run_numpy", "well_conditioned"]

#: Largest ``sum |term| / |sum of terms|`` accepted. The cancellation error
#: of the signed sum grows as this ratio times ~1e-16: on 6,000 random and
#: clinic-like cases, the largest difference from the pruned-tree path was
#: 8e-12 at 1e5 (1e-12 at 1e4, 1.6e-9 with no bound), well inside 1e-9.
CONDITION = 1e6


def run(net: CompiledNetwork, arrays: Mapping[str, np.ndarray], n: int, cap: int, jit: bool | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posteriors of the rows that expand into at most ``cap`` pseudo-cases, in numpy or in the compiled kernel.

    Decomposable findings leave the tree: each case becomes the signed
    terms of its observed findings, all run on the tree of context,
    conditions and the observed findings that do not decompose, and
    summed back per case, in numpy or (``jit``, by default as
    :meth:`CompiledNetwork._jit` says) in the compiled kernel. Rows whose sum is not
    positive or is ill conditioned are not returned; the caller runs
    them on their own pruned tree.

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    arrays : mapping of str to numpy.ndarray
        Node id to likelihoods, one ``(n, card)`` row per case.
    n : int
        The number of rows.
    cap : int
        The most pseudo-cases a row may expand into.
    jit : bool or None
        Run in the compiled kernel; None lets :meth:`CompiledNetwork._jit` decide.

    Returns
    -------
    tuple of numpy.ndarray
        ``(rows, posteriors, log_evidence)``: the rows answered, their
        ``(len(rows), n_conditions)`` posteriors and ``log P(evidence)``, as
        :func:`run_numpy` and :func:`run_kernel` return them.
    """
    if net._jit(n) if jit is None else jit:
        return run_kernel(net, arrays, n, cap)
    return run_numpy(net, arrays, n, cap)


def run_numpy(
    net: CompiledNetwork, arrays: Mapping[str, np.ndarray], n: int, cap: int, in_tree: frozenset[str] = frozenset(), exp: Expansion | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Posteriors of the rows that expand into at most ``cap`` pseudo-cases, in numpy.

    Rows whose sum is ill conditioned (more than :data:`CONDITION` times
    smaller than the sum of its terms' magnitudes) or not positive, or one
    of whose posteriors' numerators is (:func:`well_conditioned`), are not
    returned, except impossible rows (no term with any mass: NaN
    posteriors, ``-inf``). Findings named in ``in_tree`` are not expanded even
    where they decompose: they stay in the tree as plain evidence (the
    hybrid for cases with too many terms whose pruned tree is too large).
    ``exp``: ``expand(arrays, terms without in_tree, n, cap)`` if the caller
    already has it (:func:`~crampnet.inference._routing.shared_tree` weighs
    its plans by their expansions).

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    arrays : mapping of str to numpy.ndarray
        Node id to likelihoods, one ``(n, card)`` row per case.
    n : int
        The number of rows.
    cap : int
        The most pseudo-cases a row may expand into.
    in_tree : frozenset of str, default=frozenset()
        Decomposable findings kept in the tree as plain evidence.
    exp : Expansion, optional
        The expansion of ``arrays`` without the findings of ``in_tree``.

    Returns
    -------
    rows : numpy.ndarray
        The rows answered.
    posteriors : numpy.ndarray
        ``(len(rows), n_conditions)``.
    log_evidence : numpy.ndarray
        ``log P(evidence)`` of those rows.
    """
    terms = net._terms if not in_tree else {k: v for k, v in net._terms.items() if k not in in_tree}
    if exp is None:
        exp = expand(arrays, terms, n, cap)
    m = exp.row_of.size
    log_ev = np.full(m, -np.inf)
    present = np.zeros((m, len(net.conditions)))
    # Findings of ``in_tree`` stay in every row's tree, observed or not (a
    # row of ones there is no evidence): one tree for the batch.
    others, patterns, group_of_row = kept_patterns(net, arrays, exp.rows, terms, in_tree)
    group = group_of_row[exp.row_of]
    for g, pattern in enumerate(patterns):
        kept = frozenset(k for k, on in zip(others, pattern, strict=True) if on)
        tree, index = net.tree_for(kept)
        query = [index[c] for c in net.conditions]
        members = np.flatnonzero(group == g) if len(patterns) > 1 else np.arange(m)
        shared = {index[nid]: arr for nid, arr in exp.evidence.items() if nid in index and arr.shape[0] == 1 and not np.all(arr == 1.0)}
        varying = [(index[nid], arr) for nid, arr in exp.evidence.items() if nid in index and arr.shape[0] != 1]
        # Pseudo-cases with the same evidence run once: the rows of a
        # clinical batch share most of their terms (the empty term of each
        # "yes", every coalition's common factors).
        members, back = _distinct(members, varying)
        step = net._chunk_rows(tree.pass_width(shared))
        lg = np.empty(members.size)
        pr = np.empty((members.size, len(net.conditions)))
        for start in range(0, members.size, step):
            part = members[start : start + step]
            ev = dict(shared) | {v: arr[part] for v, arr in varying}
            result = tree.marginals(ev, query)
            lg[start : start + step] = result.log_evidence
            for j, (q, pos) in enumerate(zip(query, net._present, strict=True)):
                pr[start : start + step, j] = result.marginals[q][:, pos]
        log_ev[back[0]] = lg[back[1]]
        present[back[0]] = pr[back[1]]
    rows = exp.rows.size
    # Pseudo-cases of a row are contiguous: sum them with reduceat over
    # the rows that kept any (zero-weight terms were dropped).
    bounds = np.searchsorted(exp.row_of, np.arange(rows + 1))
    filled = np.flatnonzero(bounds[:-1] < bounds[1:])
    starts = bounds[:-1][filled]
    finite = np.isfinite(log_ev)
    shift = np.full(rows, -np.inf)
    if m:
        shift[filled] = np.maximum.reduceat(np.where(finite, log_ev, -np.inf), starts)
    with np.errstate(invalid="ignore"):
        scale = np.where(finite, np.exp(log_ev - shift[exp.row_of]), 0.0)
    mass = exp.weights * scale
    k = len(net.conditions)
    sums = np.zeros((rows, 2 * k + 2))
    if m:
        joint = np.where(finite[:, None], present, 0.0)
        parts = np.column_stack([mass, np.abs(mass), mass[:, None] * joint, np.abs(mass)[:, None] * joint])
        sums[filled] = np.add.reduceat(parts, starts, axis=0)
    den, spread, num, wide = sums[:, 0], sums[:, 1], sums[:, 2 : k + 2], sums[:, k + 2 :]
    good = (den > 0) & (spread <= CONDITION * den) & well_conditioned(num, wide)
    # A row none of whose pseudo-cases has any mass is impossible: each came
    # back -inf from a rescaled pass (marginals runs again, rescaled, every
    # case below SAFE), as any other path would find; answered here (NaN,
    # -inf), not run again on a pruned tree. A row with no pseudo-case left
    # is not: its terms' weights may have underflowed (four findings of
    # 1e-100 make 1e-400), so the pruned tree, whose log pass keeps them, answers it.
    keep = good | ((spread == 0) & (bounds[:-1] < bounds[1:]))
    post = np.full((rows, len(net.conditions)), np.nan)
    log_den = np.full(rows, -np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        post[good] = np.clip(num[good] / den[good, None], 0.0, 1.0)
        log_den[good] = np.log(den[good]) + shift[good]
    return exp.rows[keep], post[keep], log_den[keep]


def well_conditioned(num: np.ndarray, wide: np.ndarray) -> np.ndarray:
    """Per row, whether every condition's signed sum keeps its relative precision (``wide <= CONDITION * num``).

    ``P(c present | evidence)`` is ``num / den``; ``num``, a signed sum of
    pseudo-case masses, carries an error of ~1e-16 times ``wide``, its sum
    of magnitudes. Checking only ``den`` bounds that error by ``den``, not by
    ``num``: where a "yes" finding (no leak) is all but impossible with c
    present, its two terms ``P(c) - P(c, inhibited)`` cancel to 0.0 for a
    posterior of 1e-20. A row fails where a sum cancels more than
    :data:`CONDITION` (or is negative); a condition with no mass in any
    pseudo-case (``wide`` 0) is an exact 0 and passes.

    Parameters
    ----------
    num : numpy.ndarray
        ``(rows, n_conditions)``: signed sums of mass times ``P(present)``.
    wide : numpy.ndarray
        The same shape: sums of ``|mass|`` times ``P(present)``.

    Returns
    -------
    numpy.ndarray
        bool ``(rows,)``.
    """
    return np.asarray(np.all(wide <= CONDITION * num, axis=1), dtype=bool)


def distinct_count(exp: Expansion) -> int:
    """How many pseudo-cases of ``exp`` have distinct evidence (what :func:`run_numpy` passes).

    Parameters
    ----------
    exp : Expansion
        A batch's pseudo-cases.

    Returns
    -------
    int
        The number of distinct rows over the evidence that varies per
        pseudo-case (every pseudo-case when none varies).
    """
    varying = [(0, arr) for arr in exp.evidence.values() if arr.shape[0] != 1]
    return int(_distinct(np.arange(exp.row_of.size), varying)[0].size)


def _distinct(members: np.ndarray, varying: list[tuple[int, np.ndarray]]) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The pseudo-cases among ``members`` with distinct evidence, and where each member's answer comes from.

    Returns the distinct ones (a subset of ``members``) and ``(members,
    position in the distinct ones)`` to copy their answers back.
    """
    if members.size < 2 or not varying:
        return members, (members, np.arange(members.size))
    keys = np.ascontiguousarray(np.concatenate([arr[members] for _, arr in varying], axis=1))
    _, first, inverse = np.unique(keys.view(np.dtype((np.void, keys.dtype.itemsize * keys.shape[1]))).reshape(-1), return_index=True, return_inverse=True)
    return members[first], (members, inverse.reshape(-1))


def _rows_of(arr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``arr[rows]``, or ``arr``'s one row (shared by every case) repeated."""
    return arr[rows] if arr.shape[0] != 1 else np.broadcast_to(arr, (rows.size, arr.shape[1]))


def kept_patterns(
    net: CompiledNetwork, arrays: Mapping[str, np.ndarray], rows: np.ndarray, terms: Mapping[str, object] | None = None, always: frozenset[str] = frozenset(),
) -> tuple[list[str], np.ndarray, np.ndarray]:  # fmt: skip
    """``rows`` grouped by which observed findings stay in the Quickscore tree (those not in ``terms``, by default those that do not decompose).

    Findings in ``always`` count as observed in every row. Returns those
    findings, the distinct patterns (rows of booleans over them) and each
    row's pattern number.

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    arrays : mapping of str to numpy.ndarray
        Node id to ``(n, card)`` likelihoods, or ``(1, card)`` shared by every row.
    rows : numpy.ndarray
        The rows of ``arrays`` grouped.
    terms : mapping of str to object, optional
        The findings expanded out of the tree (default: ``net``'s decomposed findings).
    always : frozenset of str, default=frozenset()
        Findings kept in every row's tree.

    Returns
    -------
    findings : list of str
        The findings of ``arrays`` not in ``terms``.
    patterns : numpy.ndarray
        bool ``(patterns, len(findings))``: the distinct patterns (one empty
        pattern when there is no such finding).
    group : numpy.ndarray
        intp ``(len(rows),)``: each row's pattern.
    """
    terms = net._terms if terms is None else terms
    others = [k for k in arrays if k not in terms and net.spec.nodes[k].role == "finding"]
    if not others:
        return others, np.zeros((1, 0), dtype=bool), np.zeros(rows.size, dtype=np.intp)
    seen = np.stack([np.full(rows.size, True) if k in always else ~np.all(_rows_of(np.asarray(arrays[k]), rows) == 1.0, axis=1) for k in others], axis=1)
    patterns, group = unique_masks(seen)
    return others, patterns, group.reshape(-1)


def flat_for(net: CompiledNetwork, kept: frozenset[str]) -> Flat:
    """The decomposed findings' terms, numbered for the tree that keeps ``kept`` (cached on ``net``).

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    kept : frozenset of str
        The findings the tree keeps.

    Returns
    -------
    Flat
        :func:`~crampnet.inference.quickscore.flatten` of the terms, with
        that tree's variable numbers.
    """
    flat = net._flats.get(kept)
    if flat is None:
        _, index = net.tree_for(kept)
        flat = flatten(net._terms, index)
        net._flats[kept] = flat
    return flat


def run_kernel(net: CompiledNetwork, arrays: Mapping[str, np.ndarray], n: int, cap: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`run_numpy` in the compiled kernel: terms expanded and summed there, nothing per pseudo-case in numpy.

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    arrays : mapping of str to numpy.ndarray
        Node id to likelihoods, one ``(n, card)`` row per case.
    n : int
        The number of rows.
    cap : int
        The most pseudo-cases a row may expand into.

    Returns
    -------
    rows : numpy.ndarray
        The rows answered (status 0: at most ``cap`` pseudo-cases, a
        positive and well-conditioned sum, no pseudo-case near underflow).
    posteriors : numpy.ndarray
        ``(len(rows), n_conditions)``.
    log_evidence : numpy.ndarray
        ``log P(evidence)`` of those rows.
    """
    terms = net._terms
    others, patterns, group = kept_patterns(net, arrays, np.arange(n))
    # The findings' observations, one row per state (ones: unobserved);
    # their layout depends only on the terms, not on the tree.
    layout = flat_for(net, frozenset())
    observed = np.ones((int(layout.finding_card.sum()), n))
    for i, f in enumerate(layout.findings):
        if f in arrays:
            observed[layout.finding_row[i] : layout.finding_row[i] + layout.finding_card[i]] = arrays[f].T
    post = np.zeros((n, len(net.conditions)))
    log_ev = np.full(n, -np.inf)
    status = np.ones(n, dtype=np.int64)
    for g, pattern in enumerate(patterns):
        kept = frozenset(k for k, on in zip(others, pattern, strict=True) if on)
        tree, index = net.tree_for(kept)
        members = np.flatnonzero(group == g) if len(patterns) > 1 else np.arange(n)
        evidence = {}
        for nid, arr in arrays.items():
            if nid in terms or nid not in index:
                continue
            part = arr[members]
            if not np.all(part == 1.0):
                evidence[index[nid]] = part
        query = [index[c] for c in net.conditions]
        # Chunks bound the kernel's inputs (evidence and observation
        # states x cases) whatever the batch.
        step = net._chunk_rows(64)
        for start in range(0, members.size, step):
            rows = members[start : start + step]
            ev = {v: e[start : start + step] for v, e in evidence.items()}
            p, lg, st = tree.quickscore(ev, observed[:, rows], flat_for(net, kept), query, net._present, cap, CONDITION)
            post[rows], log_ev[rows], status[rows] = p, lg, st
    done = np.flatnonzero(status == 0)
    return done, post[done], log_ev[done]
