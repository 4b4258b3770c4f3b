"""The answers of many questions about one case from one pass per condition, not one per answer.

A next-question list scores every answer ``q`` of every candidate ``Q`` as
evidence: ``P(Q = q | e)`` and ``P(C present | e, Q = q)`` for every
condition ``C``, one row per answer (~200 on the shipped network). For a
candidate whose answer is evidence on *one* variable ``V`` of the tree
(a context node, ``V = Q``; or a finding with a single parent,
``P(Q = q | V)`` as a likelihood on ``V``) the same numbers come from the
joint ``P(e, C = present, V = v)``, and one pass with ``C`` clamped to
present gives that joint for *every* ``V`` at once. So :func:`answers`
runs the case once plus once per condition (21 rows on the shipped network,
each expanded into its Quickscore pseudo-cases as
:func:`~crampnet.inference._quickscore_path.run_numpy` does) and reads
every such candidate's answers off their marginals::

    P(e, Q = q)        = sum_t w_t P_t(e) sum_v P(q | v) P_t(V = v | e)
    P(e, C, Q = q)     = sum_t w_t P_t(e, C) sum_v P(q | v) P_t(V = v | e, C)

(``t``: the signed pseudo-cases of ``e``, weights ``w_t``). The same exact
numbers as a row per answer, to rounding. A candidate whose sum is not
positive or cancels too much, or one of whose posteriors' numerators
``P(e, C, Q = q)`` does (:data:`~crampnet.inference._quickscore_path.CONDITION`),
is left out for the caller to score row by row, as is every candidate when
the case has tiny soft likelihoods (:data:`~crampnet.network.batch.TINY`) or
more pseudo-cases than the cap.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.inference._answers import answers
>>> compiled = crampnet.load().compiled
>>> context = [k for k, node in compiled.spec.nodes.items() if node.role == "context"]
>>> got = answers(compiled, {"urge_to_move": np.array([1.0, 0.0])}, [*context, "sodium", "ferritin"])
>>> got["smoker"][0].shape, got["smoker"][1].shape == (2, len(compiled.conditions)), "ferritin" in got  # 3 parents
((2,), True, False)
>>> bool(abs(got["sodium"][0].sum() - 1.0) < 1e-12)  # P(answer | e) over the answers
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import NetworkFileError
from crampnet.inference import _nesting
from crampnet.inference._expansion import expand, term_counts
from crampnet.inference._quickscore_path import CONDITION, kept_patterns, well_conditioned
from crampnet.inference._routing import TERM_CAP, THOROUGH
from crampnet.inference._treesplit import _narrowest
from crampnet.network.batch import TINY

if TYPE_CHECKING:
    from crampnet.inference.compiled import CompiledNetwork

__all__ = ["answers", "readable"]


def readable(net: CompiledNetwork, nid: str) -> str | None:
    """The one tree variable whose evidence an answer of ``nid`` is, or None.

    A context node is its own; a finding with a single parent gives
    evidence ``P(q | parent)`` on that parent; conditions (never
    candidates) and findings with several parents have none.

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    nid : str
        A node of the network.

    Returns
    -------
    str or None
        ``nid`` itself for a context node, the single parent of a finding
        whose one parent is not a finding, None otherwise.
    """
    node = net.spec.nodes[nid]
    if node.role == "context":
        return nid
    if node.role == "finding" and len(node.parents) == 1 and net.spec.nodes[node.parents[0]].role != "finding":
        return node.parents[0]
    return None


def answers(net: CompiledNetwork, evidence: Mapping[str, np.ndarray], nodes: Sequence[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``P(Q = q | e)`` and ``P(C present | e, Q = q)`` for each answer of each of ``nodes`` that :func:`readable` allows.

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    evidence : mapping of str to numpy.ndarray
        One case: a likelihood vector (or a ``(1, card)`` row) per observed node.
    nodes : sequence of str
        Unobserved nodes (the candidate questions).

    Returns
    -------
    dict of str to (numpy.ndarray, numpy.ndarray)
        Per node answered, ``(weights, posteriors)``: shape ``(card,)`` and
        ``(card, n_conditions)``; an answer of probability zero has weight 0
        and NaN posteriors. Nodes left out are to be scored row by row,
        among them a finding whose answer would sit beside an observed
        finding it implies or that implies it (``entails``: the two are
        not independent given the parent).
    """
    if _nesting.kept(net.spec, evidence):
        return {}  # the case runs as signed rows (crampnet.inference._nesting): scored row by row
    # An answer beside a finding it implies or is implied by runs as signed rows too: not a likelihood on one parent.
    via = {q: v for q in nodes if (v := readable(net, q)) is not None and q not in evidence and not _nesting.kept(net.spec, {**evidence, q: np.zeros(len(net.spec.nodes[q].states))})}
    conds = net.conditions
    arrays = {k: np.asarray(evidence[k], dtype=float).reshape(1, -1) for k in sorted(evidence, key=net.index.__getitem__)}
    answer_rows = sum(len(net.spec.nodes[q].states) for q in via)
    if answer_rows <= len(conds) + 1 or any(_tiny(a) for a in arrays.values()):
        return {}  # as many passes as rows, or likelihoods the split of tiny ones must add up
    n = len(conds) + 1
    rows = {k: np.repeat(a, n, axis=0) for k, a in arrays.items()}
    for j, (c, pos) in enumerate(zip(conds, net._present, strict=True), start=1):
        vec = rows.setdefault(c, np.ones((n, len(net.spec.nodes[c].states))))
        clamp = np.zeros(vec.shape[1])
        clamp[pos] = 1.0
        vec[j] *= clamp
    in_tree = _in_tree(net, arrays)
    terms = {k: t for k, t in net._terms.items() if k not in in_tree}
    exp = expand(rows, terms, n, TERM_CAP)
    if exp.rows.size < n:
        return {}
    others, patterns, _ = kept_patterns(net, rows, exp.rows, terms)
    kept = frozenset(k for k, on in zip(others, patterns[0], strict=True) if on)
    tree, index = net.tree_for(kept)
    if exp.row_of.size * tree.entries >= THOROUGH:
        tree, index = net.tree_for(kept, thorough=True)
    targets = sorted(set(via.values()) | set(conds), key=net.index.__getitem__)
    m = exp.row_of.size
    log_ev = np.empty(m)
    marg = {v: np.empty((m, len(net.spec.nodes[v].states))) for v in targets}
    step = net._chunk_rows(tree.pass_width({index[k]: a for k, a in exp.evidence.items() if k in index and a.shape[0] == 1}))
    for start in range(0, m, step):
        ev = {index[k]: a if a.shape[0] == 1 else a[start : start + step] for k, a in exp.evidence.items() if k in index}
        result = tree.marginals(ev, [index[v] for v in targets])
        log_ev[start : start + step] = result.log_evidence
        for v in targets:
            marg[v][start : start + step] = result.marginals[index[v]]
    # Per row, its pseudo-cases' masses relative to the largest, and the
    # signed and absolute sums of mass times each target's marginal.
    finite = np.isfinite(log_ev)
    shift = np.full(n, -np.inf)
    np.maximum.at(shift, exp.row_of, np.where(finite, log_ev, -np.inf))
    with np.errstate(invalid="ignore"):
        mass = np.where(finite, exp.weights * np.exp(log_ev - shift[exp.row_of]), 0.0)
    value: dict[str, np.ndarray] = {}
    spread: dict[str, np.ndarray] = {}
    for v in targets:
        table = np.where(finite[:, None], np.nan_to_num(marg[v]), 0.0)
        value[v] = np.zeros((n, table.shape[1]))
        spread[v] = np.zeros((n, table.shape[1]))
        np.add.at(value[v], exp.row_of, mass[:, None] * table)
        np.add.at(spread[v], exp.row_of, np.abs(mass)[:, None] * table)
    base = np.zeros(n)
    np.add.at(base, exp.row_of, mass)
    base_spread = np.zeros(n)
    np.add.at(base_spread, exp.row_of, np.abs(mass))
    if not (base[0] > 0 and base_spread[0] <= CONDITION * base[0]):
        return {}
    # Row j + 1's sums are P(e, C_j present, .) times exp(-shift[j + 1]).
    with np.errstate(over="ignore"):
        ratio = np.exp(np.where(np.isfinite(shift[1:]), shift[1:] - shift[0], -np.inf))
    out = {}
    for q, v in via.items():
        link = np.eye(len(net.spec.nodes[v].states)) if q == v else np.asarray(net.tables[q], dtype=float)
        joint = value[v] @ link.T  # (rows, answers): P(e, [C_j,] Q = q) up to each row's scale
        wide = spread[v] @ link.T
        den = joint[0]
        impossible = (den == 0.0) & (wide[0] == 0.0)
        if not np.all(impossible | ((den > 0) & (wide[0] <= CONDITION * den))):
            continue
        # P(e, C_j present, Q = q) cancelling loses a small posterior's relative precision: row by row too.
        if not np.all(impossible | well_conditioned(joint[1:].T, wide[1:].T)):
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            post = np.where(impossible[:, None], np.nan, np.clip(ratio[:, None] * joint[1:] / den, 0.0, 1.0).T)
        out[q] = (np.where(impossible, 0.0, den / base[0]), post)
    return out


def _tiny(a: np.ndarray) -> bool:
    """Whether a likelihood row has entries below :data:`~crampnet.network.batch.TINY` times its largest (but not zero)."""
    top = float(a.max())
    return bool(np.any((a > 0) & (a < TINY * top)))


def _in_tree(net: CompiledNetwork, arrays: Mapping[str, np.ndarray]) -> frozenset[str]:
    """The case's decomposable findings kept in the tree rather than expanded (:func:`~crampnet.inference._treesplit._narrowest`).

    Every row here observes them alike, so the choice is that of a batch
    of clinical rows: fewest pseudo-cases times the tree's entries, also
    against expanding all of them (the shared Quickscore tree).
    """
    terms = net._terms
    observed = [k for k, a in arrays.items() if net.spec.nodes[k].role == "finding" and not np.all(a == 1.0)]
    spread = {k: int(term_counts({k: arrays[k]}, terms, 1, TERM_CAP)[0]) for k in observed if k in terms}
    fixed = frozenset(k for k in observed if k not in terms)
    common = _narrowest(net, frozenset(k for k, t in spread.items() if t > 1), spread, fixed)
    best: frozenset[str] = frozenset()
    best_cost = np.inf
    for in_tree in (common, frozenset()):
        count = int(np.prod([t for k, t in spread.items() if k not in in_tree], dtype=np.int64))
        try:
            cost = float(count) * net.tree_for(in_tree | fixed)[0].entries
        except NetworkFileError:  # over the budget: not this plan
            continue
        if cost < best_cost:
            best, best_cost = in_tree, cost
    return best
