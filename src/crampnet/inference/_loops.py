"""The loops that :mod:`crampnet.inference._kernel` compiles with numba.

Plain Python as written (slow, but it runs: tests use it on tiny trees).
Every loop is a module-level function that calls the others by name, so
numba can cache each one on disk (:mod:`crampnet.inference._kernel` compiles
them all, each on its own: numba's compile time grows with the loops in one
function, and small functions compile several times faster than one big
one). Every buffer keeps the cases of a block on its last, contiguous axis,
so the innermost loops run over cases and the compiler vectorises them.
Here: the block pass (collect and distribute) and the two drivers the
kernel calls, :func:`marginals` and :func:`quickscore`; the small loops
over (entries x cases) are in :mod:`crampnet.inference._smallloops`, the
per-case loops of Quickscore in :mod:`crampnet.inference._quickloops`.

``st`` is a tree's structure (:meth:`crampnet.inference._arrays.Structure.arrays`):
clique sizes and entry offsets, preorder, parents, children (CSR), and per
non-root clique its separator's size and offset in the message store and the
entry -> separator maps over its own entries and over its parent's. ``pg``
places evidence and query variables (:meth:`crampnet.inference._arrays.Program.arrays`):
per home clique (CSR) their entry -> state maps, the first row of their
states in the evidence or output array, and their number of states.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from crampnet.inference._quickloops import accumulate, candidates, count, finish, pseudo_case
from crampnet.inference._smallloops import (
    TINY_MESSAGE,
    _divide,
    _fill,
    _fill_mul,
    _gather_mul,
    _log_scale,
    _normalise,
    _ones,
    _rescale,
    _scatter_add,
    _start_pass,
    _store_block,
    _sum_rows,
)

__all__ = ["TINY_MESSAGE", "block_pass", "marginals", "quickscore"]

def _local(pg: Any, potential: Any, evidence: Any, col0: int, b: int, c: int, e0: int, n_e: int, tmp: Any) -> None:
    """Clique ``c``'s potential times its evidence into rows ``0 .. n_e`` of ``tmp`` (evidence all ones in the block is skipped).

    The factors multiply in the same order wherever it is formed (the
    potential, then each evidence variable in turn), so the collect and
    distribute passes see the same table to the last bit.

    Parameters
    ----------
    pg : tuple of numpy.ndarray
        The evidence and query placement (:meth:`crampnet.inference._arrays.Program.arrays`).
    potential : numpy.ndarray
        float64 ``(live entries,)``: the cliques' potentials, flat.
    evidence : numpy.ndarray
        float64 ``(evidence states, cases)``: likelihoods, rows as ``Program.rows``.
    col0 : int
        The block's first column of ``evidence``.
    b : int
        Number of cases in the block.
    c : int
        The clique.
    e0 : int
        Its first entry in ``potential``.
    n_e : int
        Its live entries.
    tmp : numpy.ndarray
        float64 ``(width, block size)``: receives the table in its first ``n_e`` rows.
    """
    ev_ptr, ev_map, ev_moff, ev_row, ev_states = pg[0], pg[1], pg[2], pg[3], pg[4]
    filled = False
    for s in range(ev_ptr[c], ev_ptr[c + 1]):
        if _ones(evidence, ev_row[s], ev_states[s], col0, b):
            continue
        if filled:
            _gather_mul(tmp, 0, n_e, evidence, ev_row[s], col0, ev_map, ev_moff[s], b)
        else:
            _fill_mul(tmp, n_e, potential, e0, evidence, ev_row[s], col0, ev_map, ev_moff[s], b)
            filled = True
    if not filled:
        _fill(tmp, n_e, potential, e0, b)


def block_pass(st: Any, pg: Any, potential: Any, evidence: Any, col0: int, b: int, up: Any, down: Any, tmp: Any, scale: Any, total: Any, out: Any, flag: Any, mx: Any, lo: Any) -> None:
    """Collect and distribute for the cases in columns ``col0 .. col0 + b`` of ``evidence``.

    A clique's potential times its evidence (``_local``) is formed in
    ``tmp`` when the pass reaches the clique, in either direction, rather
    than kept for the whole tree: a block's table of every clique (8 bytes
    per live entry and case, ~4.8 MB for 64 cases on a 9,377-entry pruned
    tree) would not stay in a 1 MB cache, and it was written once and read
    twice per pass. ``up``/``down`` hold the messages (each rescaled to a
    maximum of 1 per case; the logs of the upward scales are summed in
    ``scale``), ``total`` the root's sum; the normalised marginals of the
    query variables land in ``out`` (NaN where the case has no mass).
    ``log P(evidence) = log(total) + scale``.

    The distribute pass is Hugin's: a clique's full belief (local times
    its downward message times all its children's upward ones) is summed
    onto each child's separator and divided there by that child's upward
    message. Where that message is zero the child's belief is zero
    whatever comes down (every term is non-negative), so the quotient is
    set to zero. ``flag[k]`` is set where an upward message has a nonzero
    entry below :data:`TINY_MESSAGE` times its maximum: a product with it
    could underflow before the division, and the caller reruns the case.

    Parameters
    ----------
    st : tuple of numpy.ndarray
        The tree's structure (:meth:`crampnet.inference._arrays.Structure.arrays`).
    pg : tuple of numpy.ndarray
        The evidence and query placement (:meth:`crampnet.inference._arrays.Program.arrays`).
    potential : numpy.ndarray
        float64 ``(live entries,)``: the cliques' potentials, flat.
    evidence : numpy.ndarray
        float64 ``(evidence states, cases)``: likelihoods, rows as ``Program.rows``.
    col0 : int
        The block's first column of ``evidence``.
    b : int
        Number of cases in the block.
    up, down : numpy.ndarray
        float64 ``(messages, block size)``: the upward and downward messages (work).
    tmp : numpy.ndarray
        float64 ``(width, block size)``: one clique's table or belief (work).
    scale, total : numpy.ndarray
        float64 ``(block size,)``: receive the log scales and the root's sums.
    out : numpy.ndarray
        float64 ``(query states, block size)``: receives the marginals.
    flag : numpy.ndarray
        int64 ``(block size,)``: receives 1 for a case near underflow, else 0.
    mx, lo : numpy.ndarray
        float64 ``(block size,)``: work of the rescaling.
    """
    size, eoff, order, parent, ch_ptr, ch_idx, ssize, soff, own, poff, pmap = st
    q_ptr, q_map, q_moff, q_row, q_states = pg[5], pg[6], pg[7], pg[8], pg[9]
    n_cliques = size.shape[0]
    _start_pass(scale, total, flag, up, down, out, b)
    # Collect: leaves first.
    for i in range(n_cliques - 1, -1, -1):
        c = order[i]
        _local(pg, potential, evidence, col0, b, c, eoff[c], size[c], tmp)
        for j in range(ch_ptr[c], ch_ptr[c + 1]):
            d = ch_idx[j]
            _gather_mul(tmp, 0, size[c], up, soff[d], 0, pmap, poff[d], b)
        if parent[c] < 0:
            _sum_rows(total, tmp, 0, size[c], b)
            continue
        _scatter_add(up, soff[c], own, eoff[c], tmp, 0, size[c], b)
        _rescale(up, soff[c], soff[c] + ssize[c], b, mx, lo)
        _log_scale(mx, lo, scale, flag, b)
    # Distribute: root first.
    for i in range(n_cliques):
        c = order[i]
        first = ch_ptr[c]
        end = ch_ptr[c + 1]
        if end == first and q_ptr[c + 1] == q_ptr[c]:
            continue
        # The full belief: local * down * every child's up.
        _local(pg, potential, evidence, col0, b, c, eoff[c], size[c], tmp)
        if parent[c] >= 0:
            _gather_mul(tmp, 0, size[c], down, soff[c], 0, own, eoff[c], b)
        for j in range(first, end):
            d = ch_idx[j]
            _gather_mul(tmp, 0, size[c], up, soff[d], 0, pmap, poff[d], b)
        for q in range(q_ptr[c], q_ptr[c + 1]):
            _scatter_add(out, q_row[q], q_map, q_moff[q], tmp, 0, size[c], b)
        for j in range(first, end):
            d = ch_idx[j]
            _scatter_add(down, soff[d], pmap, poff[d], tmp, 0, size[c], b)
            _divide(down, up, soff[d], soff[d] + ssize[d], b)
            _rescale(down, soff[d], soff[d] + ssize[d], b, mx, lo)
    for q in range(q_row.shape[0]):
        _normalise(out, q_row[q], q_states[q], total, b, mx)


def marginals(st: Any, pg: Any, potential: Any, evidence: Any, out: Any, log_ev: Any, flags: Any, n_messages: int, width: int, size: int) -> None:
    """Normalised marginals (``out``: query states x cases), log P(evidence) and ``flags`` of every case.

    Parameters
    ----------
    st : tuple of numpy.ndarray
        The tree's structure (:meth:`crampnet.inference._arrays.Structure.arrays`).
    pg : tuple of numpy.ndarray
        The evidence and query placement (:meth:`crampnet.inference._arrays.Program.arrays`).
    potential : numpy.ndarray
        float64 ``(live entries,)``: the cliques' potentials, flat.
    evidence : numpy.ndarray
        float64 ``(evidence states, cases)``: likelihoods, rows as ``Program.rows``.
    out : numpy.ndarray
        float64 ``(query states, cases)``: receives the marginals (NaN without mass).
    log_ev : numpy.ndarray
        float64 ``(cases,)``: receives log P(evidence), ``-inf`` without mass.
    flags : numpy.ndarray
        int64 ``(cases,)``: receives 1 for a case near underflow, else 0.
    n_messages : int
        Rows of the message store (the structure's ``messages``).
    width : int
        Entries of the largest clique (the structure's ``width``).
    size : int
        Cases per block (the buffers' width).
    """
    n = evidence.shape[1]
    up = np.empty((n_messages, size))
    down = np.empty((n_messages, size))
    tmp = np.empty((width, size))
    res = np.empty((out.shape[0], size))
    scale, total, mx, lo = np.empty(size), np.empty(size), np.empty(size), np.empty(size)
    flag = np.zeros(size, dtype=np.int64)
    for r0 in range(0, n, size):
        b = min(size, n - r0)
        block_pass(st, pg, potential, evidence, r0, b, up, down, tmp, scale, total, res, flag, mx, lo)
        _store_block(total, scale, flag, res, r0, b, log_ev, flags, out)


def quickscore(
    st: Any, pg: Any, potential: Any, direct: Any, observed: Any, terms: Any, values: Any, weights: Any,
    pick: Any, n_out: int, cap: int, condition: float, post: Any, log_ev: Any, status: Any, n_messages: int, width: int, size: int,
) -> None:  # fmt: skip
    """Expand, evaluate and sum the pseudo-cases of every case, a block at a time.

    ``direct`` (evidence states x cases) is the evidence on the tree's own
    variables; ``observed`` (finding states x cases) the likelihoods of
    the decomposed findings; ``terms``, ``values``, ``weights``: see
    :func:`crampnet.inference._quickloops.candidates` and
    :func:`crampnet.inference._quickloops.pseudo_case`. A case's pseudo-cases
    pick one term per observed finding (mixed radix); their signed
    masses are summed per case with a running log-sum-exp
    (:func:`crampnet.inference._quickloops.accumulate`). ``status``: 0 answered (``post``: the ``pick``
    rows of the marginals; ``log_ev``), 1 more than ``cap`` pseudo-cases,
    2 no mass, a sum (of the evidence or of a posterior's numerator) that cancels more than ``condition`` times, or a
    flagged pseudo-case: the caller runs those another way.

    Parameters
    ----------
    st : tuple of numpy.ndarray
        The tree's structure (:meth:`crampnet.inference._arrays.Structure.arrays`).
    pg : tuple of numpy.ndarray
        The evidence and query placement (:meth:`crampnet.inference._arrays.Program.arrays`).
    potential : numpy.ndarray
        float64 ``(live entries,)``: the cliques' potentials, flat.
    direct : numpy.ndarray
        float64 ``(evidence states, cases)``: evidence on the tree's own variables.
    observed : numpy.ndarray
        float64 ``(finding states, cases)``: the decomposed findings' likelihoods.
    terms : tuple of numpy.ndarray
        int64: ``state_ptr``, ``finding_row``, ``finding_card``, ``term_ptr``,
        each factor's first evidence row, its card and its offset in ``values``.
    values : numpy.ndarray
        float64: the terms' factors, flat.
    weights : numpy.ndarray
        float64: each term's signed weight.
    pick : numpy.ndarray
        int64: the rows of the marginals whose sums are the posteriors.
    n_out : int
        Rows of a block's marginals (all the query states).
    cap : int
        The most pseudo-cases a case may have.
    condition : float
        Largest accepted ``sum |mass| / |sum of masses|``.
    post : numpy.ndarray
        float64 ``(cases, len(pick))``: receives the posteriors.
    log_ev : numpy.ndarray
        float64 ``(cases,)``: receives log P(evidence).
    status : numpy.ndarray
        int64 ``(cases,)``: receives 0, 1 or 2.
    n_messages : int
        Rows of the message store (the structure's ``messages``).
    width : int
        Entries of the largest clique (the structure's ``width``).
    size : int
        Cases per block (the buffers' width).
    """
    state_ptr = terms[0]
    n = direct.shape[1]
    up = np.empty((n_messages, size))
    down = np.empty((n_messages, size))
    tmp = np.empty((width, size))
    res = np.empty((n_out, size))
    scale, total, mx, lo = np.empty(size), np.empty(size), np.empty(size), np.empty(size)
    flag = np.zeros(size, dtype=np.int64)
    ev = np.empty((direct.shape[0], size))
    row_case = np.empty(size, dtype=np.int64)
    row_w = np.empty(size)
    shift = np.full(n, -math.inf)
    den = np.zeros(n)
    spread = np.zeros(n)
    num = np.zeros((n, pick.shape[0]))
    wide = np.zeros((n, pick.shape[0]))
    cand_t = np.empty(state_ptr[-1] + 1, dtype=np.int64)
    cand_w = np.empty(state_ptr[-1] + 1)
    f_start = np.empty(terms[1].shape[0] + 1, dtype=np.int64)
    f_count = np.empty(terms[1].shape[0] + 1, dtype=np.int64)
    counts = np.zeros(n, dtype=np.int64)
    total_pseudo = count(observed, terms, cap, counts, status)
    c = -1
    idx = 0
    n_obs = 0
    done = 0
    while done < total_pseudo:
        b = min(size, total_pseudo - done)
        for k in range(b):
            if c < 0 or idx == counts[c]:
                c += 1
                while counts[c] == 0:
                    c += 1
                idx = 0
                n_obs = candidates(observed, c, terms, weights, cand_t, cand_w, f_start, f_count)
            row_w[k] = pseudo_case(direct, c, idx, n_obs, terms, values, cand_t, cand_w, f_start, f_count, ev, k)
            if row_w[k] == 0.0:  # its weight or evidence underflowed: answered another way
                status[c] = 2
            row_case[k] = c
            idx += 1
        block_pass(st, pg, potential, ev, 0, b, up, down, tmp, scale, total, res, flag, mx, lo)
        accumulate(b, row_case, row_w, total, scale, flag, res, pick, shift, den, spread, num, wide, status)
        done += b
    finish(den, spread, num, wide, shift, condition, post, log_ev, status)
