"""Which exact path answers each case of a batch, and the cost model that decides.

:meth:`CompiledNetwork.evaluate <crampnet.inference.compiled.CompiledNetwork.evaluate>`
has two exact paths: cases with few signed terms run together on the
shared Quickscore tree (:mod:`crampnet.inference._quickscore_path`); the
others run, grouped by the findings they keep once "no" answers are
absorbed, on the tree pruned for those findings, in chunks of bounded
memory. In numpy a cost model (:func:`route`, the ``COST_`` constants)
picks per group; in the compiled kernel every case tries Quickscore first.
Before either, a batch of many rows that share evidence (a clinical call:
the answers of next questions, the coalitions of an explanation) may run
whole on one tree, each distinct pseudo-case once (:func:`shared_tree`),
when its cost model says that is cheaper than numpy's per-group plan or
the kernel's Quickscore. Results never depend on the choice, only speed does.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._arrays import unique_masks
>>> # rows grouped by the findings they keep, as route() groups a batch
>>> patterns, group = unique_masks(np.array([[True, False], [False, False], [True, False]]))
>>> patterns.tolist(), group.tolist()
([[False, False], [True, False]], [1, 0, 1])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import NetworkFileError
from crampnet.inference import _quickscore_path
from crampnet.inference._arrays import unique_masks
from crampnet.inference._expansion import Expansion, expand, groups_of, term_counts
from crampnet.inference._treesplit import HYBRID_CAP, _hybrid, _narrowest

if TYPE_CHECKING:
    from crampnet.inference.compiled import CompiledNetwork

__all__ = ["COST_COMPILE", "COST_ENTRY", "COST_EXPAND", "COST_KERNEL_TERM", "COST_PASS", "COST_ROW", "COST_TERM", "HYBRID_CAP", "MIXED_ROWS", "TERM_CAP", "THOROUGH", "evaluate", "route", "shared_tree"]

#: Most pseudo-cases (signed terms) one case may expand into; cases with more
#: observed positive findings run on a tree pruned for them instead.
TERM_CAP = 256
#: Cost model of the choice between the two exact paths (seconds, measured on
#: the shipped network on a 2-core machine): one pseudo-case on the shared
#: tree; compiling a pruned tree; one pass over a (cached) pruned tree; one
#: case in that pass. Only speed depends on them, never the result.
COST_TERM, COST_COMPILE, COST_PASS, COST_ROW = 25e-6, 4e-3, 1.5e-3, 60e-6
#: One pseudo-case per entry of its tree in numpy (COST_TERM over the
#: shared tree's ~14,000 entries), and one pseudo-case in the compiled
#: kernel's Quickscore (5-10 us measured): what :func:`shared_tree` weighs.
COST_ENTRY, COST_KERNEL_TERM = COST_TERM / 14_000, 8e-6
#: Expanding one pseudo-case in numpy (terms, weights, the search for
#: repeats), before any pass: what rules out expanding a large batch.
COST_EXPAND = 15e-6
#: Distinct pseudo-cases times tree entries of a shared-tree plan above which
#: its tree is also triangulated by min-fill, the smaller kept (~10 ms of
#: compiling against ~10 ns per entry and pseudo-case in numpy; on the
#: shipped network min-fill halves the restless-legs case's 52,072 entries).
THOROUGH = 1_000_000
#: Most rows of a batch in which :func:`shared_tree` also weighs keeping the
#: findings most (not all) rows observe (a clinical call has at most ~220).
MIXED_ROWS = 256


def evaluate(net: CompiledNetwork, evidence: Mapping[str, np.ndarray], n_rows: int | None = None, *, shared: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`CompiledNetwork.evaluate <crampnet.inference.compiled.CompiledNetwork.evaluate>`: every case on the path chosen for it.

    With ``shared``, a batch whose rows share evidence first tries one tree for all of them (:func:`shared_tree`).

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    evidence : mapping of str to numpy.ndarray
        Node id to a likelihood vector (shared by every row) or ``(n, card)`` array.
    n_rows : int, optional
        The number of rows when no array is two-dimensional (default 1).
    shared : bool, default=True
        Try :func:`shared_tree` first for a batch of several rows.

    Returns
    -------
    posteriors : numpy.ndarray
        ``(n, n_conditions)``: ``P(condition present | evidence)`` per row;
        NaN where the evidence is impossible.
    log_evidence : numpy.ndarray
        ``(n,)``: ``log P(evidence)`` per row, ``-inf`` where impossible.

    Raises
    ------
    NetworkFileError
        If a group's pruned tree is over the budget and no split into
        terms and a tree fits it.
    """
    # Network order, whatever the caller's: pseudo-cases are then summed
    # in one order, so shuffled evidence gives bitwise the same answer.
    arrays = {k: np.asarray(evidence[k], dtype=float) for k in sorted(evidence, key=net.index.__getitem__)}
    n = max((a.shape[0] for a in arrays.values() if a.ndim == 2), default=1 if n_rows is None else n_rows)
    arrays = {k: a.reshape(1, -1) if n == 1 else np.broadcast_to(a, (n, a.shape[-1])) for k, a in arrays.items()}
    out = np.full((n, len(net.conditions)), np.nan)
    log_out = np.full(n, -np.inf)
    jit = net._jit(n)
    if n == 1:
        # One case with few terms: the shared tree, whatever the pattern
        # (a single case seldom finds its pruned tree in the cache). Its
        # pseudo-cases share its context, which the engine indexes out of
        # the cliques, so each costs about half of COST_TERM (measured:
        # ~13 vs 25-30 us on the shipped network).
        budget = (COST_COMPILE + COST_PASS + COST_ROW) / (COST_TERM / 2) if COST_TERM > 0 else np.inf
        done, post, log_ev = net._quickscore(arrays, 1, TERM_CAP if jit else int(min(TERM_CAP, budget)), jit)
        if done.size:
            return post, log_ev
    if shared and n > 1:
        answered = shared_tree(net, arrays, n, jit)
        if answered is not None:
            done, post, log_ev = answered
            out[done], log_out[done] = post, log_ev
            left = np.ones(n, dtype=bool)
            left[done] = False
            rest = np.flatnonzero(left)  # setdiff1d's rows, without np.unique's import of numpy.ma
            if rest.size:
                out[rest], log_out[rest] = evaluate(net, {k: a[rest] for k, a in arrays.items()}, rest.size, shared=False)
            return out, log_out
    arrays_all = arrays
    quick = np.zeros(n, dtype=bool)
    tried = n == 1  # that case's Quickscore sum failed above: straight to its pruned tree
    if jit and not tried:
        # In the compiled kernel a pseudo-case costs ~5-10 us, less than a
        # pruned tree's compile and pass for any group of rows: every row
        # tries Quickscore first (the kernel leaves out rows over the cap).
        done, post, log_ev = net._quickscore(arrays, n, TERM_CAP, jit)
        out[done], log_out[done], quick[done] = post, log_ev, True
        left = np.flatnonzero(~quick)
        if left.size == 0:
            return out, log_out
        arrays = {k: a[left] for k, a in arrays.items()}
    else:
        left = np.arange(n)
    absorbed, log_const = net._absorb(arrays, ())
    # With no evidence at all _absorb sees one row; every row shares it.
    log_const = np.broadcast_to(log_const, (left.size,))
    columns = [k for k in absorbed if net.spec.nodes[k].role == "finding"]
    mask = np.stack([~np.all(absorbed[k] == 1.0, axis=1) for k in columns], axis=1) if columns else np.zeros((left.size, 0), dtype=bool)
    if not jit and not tried:
        quick = route(net, arrays, columns, mask, n)
        chosen = np.flatnonzero(quick)
        if chosen.size:
            done, post, log_ev = net._quickscore({k: a[chosen] for k, a in arrays.items()}, chosen.size, TERM_CAP, jit)
            out[chosen[done]] = post
            log_out[chosen[done]] = log_ev
            quick[:] = False
            quick[chosen[done]] = True
        left = np.flatnonzero(~quick)
        if left.size == 0:
            return out, log_out
        absorbed = {k: a[left] for k, a in absorbed.items()}
        log_const = log_const[left]
        mask = mask[left]
    left = np.flatnonzero(~quick)
    if left.size == 0:
        return out, log_out
    # The rest (many positive findings, ill-conditioned sums, or cheaper
    # so): each group on the tree pruned for its findings.
    patterns, groups = unique_masks(mask)
    for g, pattern in enumerate(patterns):
        rows = np.flatnonzero(groups.reshape(-1) == g)
        kept = frozenset(c for c, on in zip(columns, pattern, strict=True) if on)
        try:
            tree, _ = net.tree_for(kept)
        except NetworkFileError:
            # The pruned tree is over the budget: expand the findings with
            # the largest families as Quickscore terms, the rest in a tree.
            _hybrid(net, kept, {k: a[left[rows]] for k, a in arrays_all.items()}, left[rows], out, log_out)
            continue
        step = net._chunk_rows(tree.width)
        for start in range(0, rows.size, step):
            part_rows = rows[start : start + step]
            marg, log_ev = net._run_tree({k: a[part_rows] for k, a in absorbed.items()}, net.conditions)
            target = left[part_rows]
            log_out[target] = np.broadcast_to(log_ev, (part_rows.size,)) + log_const[part_rows]
            for j, (cond, pos) in enumerate(zip(net.conditions, net._present, strict=True)):
                out[target, j] = np.broadcast_to(marg[cond], (part_rows.size, marg[cond].shape[-1]))[:, pos]
    return out, log_out


def shared_tree(net: CompiledNetwork, arrays: Mapping[str, np.ndarray], n: int, jit: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Answer a batch on one tree, each row's pseudo-cases run once, if the cost model says that is cheapest; else None.

    The rows of a clinical call differ from one case in a few entries
    (next questions: one answer each; explanations: coalitions of the
    evidence). Two single-tree plans: Quickscore on the shared tree, or
    the findings every row observes alike (``common``) kept in the tree
    and only the others expanded. Either way pseudo-cases with the same
    evidence run once (:func:`~crampnet.inference._quickscore_path.run_numpy`),
    so their cost is the distinct pseudo-cases times the tree's entries
    (:data:`COST_ENTRY`), against the cost of the per-group plan of
    :func:`route` (numpy) or of the kernel's Quickscore, which expands
    every row (:data:`COST_KERNEL_TERM`).

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    arrays : mapping of str to numpy.ndarray
        Node id to ``(n, card)`` likelihoods, in network order.
    n : int
        The number of rows.
    jit : bool
        Whether the alternative is the compiled kernel's Quickscore.

    Returns
    -------
    tuple of numpy.ndarray or None
        ``(rows, posteriors, log_evidence)`` as
        :func:`~crampnet.inference._quickscore_path.run_numpy` returns them
        (the rows it leaves out are the caller's), or None when no
        single-tree plan costs less.
    """
    terms = net._terms
    constant = [k for k, a in arrays.items() if not np.all(a == 1.0) and bool(np.all(a == a[:1]))]
    # Decomposable findings that most rows observe may stay in the tree for
    # every row (a row of ones there is no evidence): e.g. the rows of the
    # counterfactual measures each drop or replace one of the case's
    # findings, so none is constant, yet keeping them all leaves each row a
    # pseudo-case or two instead of the product of every finding's terms.
    # (A question's answer, in two rows of ~200, is cheaper expanded.) Only
    # in batches of a clinical call's size: cohorts keep the constant ones.
    groups = groups_of(arrays, terms)  # each finding's term lists per row, worked out once for every plan below
    seen = [k for k, a in arrays.items() if k in terms and net.spec.nodes[k].role == "finding" and (k in constant or (n <= MIXED_ROWS and 2 * int(np.count_nonzero(~np.all(a == 1.0, axis=1))) >= n))]
    spread = {k: int(term_counts({k: arrays[k][:1]}, terms, 1, TERM_CAP)[0] if k in constant else term_counts({k: arrays[k]}, terms, n, TERM_CAP, groups).max()) for k in seen}
    # Observed findings that never decompose stay in every row's tree too.
    fixed = frozenset(k for k in constant if k not in terms and net.spec.nodes[k].role == "finding")
    common = _narrowest(net, frozenset(k for k, t in spread.items() if t > 1), spread, fixed)
    counts = term_counts(arrays, terms, n, TERM_CAP, groups)
    small = counts <= TERM_CAP
    if jit:
        current = float(counts[small].sum()) * COST_KERNEL_TERM + (~small).sum() * (COST_COMPILE + COST_PASS)
    else:
        absorbed, _ = net._absorb(dict(arrays), ())
        columns = [k for k in absorbed if net.spec.nodes[k].role == "finding"]
        mask = np.stack([~np.all(absorbed[k] == 1.0, axis=1) for k in columns], axis=1) if columns else np.zeros((n, 0), dtype=bool)
        patterns, _ = unique_masks(mask)
        quick = float(np.minimum(counts, TERM_CAP).sum()) * COST_TERM
        current = min(quick, len(patterns) * (COST_COMPILE + COST_PASS) + n * COST_ROW)
    best: tuple[float, frozenset[str], dict[str, np.ndarray], Expansion] | None = None
    best_work = 0
    for in_tree in (common, frozenset()) if common else (frozenset(),):
        if not in_tree and float(counts[small].sum()) * COST_EXPAND > (current if best is None else best[0]):
            continue  # expanding every row's terms alone costs more
        cached = in_tree in net._trees or not in_tree
        try:
            tree, _ = net.tree_for(in_tree)
        except NetworkFileError:
            continue
        # Evidence every row shares enters once, so the engine indexes it out
        # (only of findings not expanded: those keep their full arrays, whose groups are worked out).
        compact = {k: a[:1] if k in constant and (k in in_tree or k not in terms) else a for k, a in arrays.items()}
        exp = expand(compact, {k: v for k, v in terms.items() if k not in in_tree}, n, TERM_CAP, groups)
        cost = (0.0 if cached else COST_COMPILE) + COST_PASS + exp.row_of.size * COST_EXPAND + _quickscore_path.distinct_count(exp) * COST_ENTRY * tree.entries
        cost += (n - exp.rows.size) * (COST_COMPILE + COST_PASS)  # rows left to their own trees
        if cost < (current if best is None else best[0]):
            best = (cost, in_tree, compact, exp)
            best_work = _quickscore_path.distinct_count(exp) * tree.entries
    if best is None:
        return None
    _, in_tree, compact, exp = best
    if best_work >= THOROUGH:
        net.tree_for(in_tree | fixed, thorough=True)  # many passes: worth trying min-fill's tree too
    return _quickscore_path.run_numpy(net, compact, n, TERM_CAP, in_tree, exp)  # the plan's expansion, not worked out again


def route(net: CompiledNetwork, arrays: Mapping[str, np.ndarray], columns: list[str], mask: np.ndarray, n: int) -> np.ndarray:
    """Which rows to try on the shared Quickscore tree (the cost model).

    Rows are grouped by the findings a pruned tree would keep; a group's
    rows with at most :data:`TERM_CAP` terms go to Quickscore when their
    terms cost less than compiling (unless cached) and running that tree.

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    arrays : mapping of str to numpy.ndarray
        Node id to ``(n, card)`` likelihoods.
    columns : list of str
        The findings of the absorbed evidence.
    mask : numpy.ndarray
        bool ``(n, len(columns))``: which of them each row observes (what
        its pruned tree keeps).
    n : int
        The number of rows.

    Returns
    -------
    numpy.ndarray
        bool ``(n,)``: the rows to try on the shared Quickscore tree.
    """
    patterns, groups = unique_masks(mask)
    groups = groups.reshape(-1)
    counts = term_counts(arrays, net._terms, n, TERM_CAP)
    quick = np.zeros(n, dtype=bool)
    for g, pattern in enumerate(patterns):
        rows = np.flatnonzero(groups == g) if len(patterns) > 1 else np.arange(n)
        small = rows[counts[rows] <= TERM_CAP]
        kept = frozenset(c for c, on in zip(columns, pattern, strict=True) if on)
        tree_cost = (COST_PASS if kept in net._trees or not kept else COST_COMPILE + COST_PASS) + rows.size * COST_ROW
        if small.size and counts[small].sum() * COST_TERM < tree_cost * small.size / rows.size:
            quick[small] = True
    return quick

