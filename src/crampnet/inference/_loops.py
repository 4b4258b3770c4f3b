"""The loops that :mod:`crampnet.inference._kernel` compiles with numba.

Plain Python as written (slow, but it runs: tests use it on tiny trees).
Every loop is a module-level function that calls the others by name, so
numba can cache each one on disk (:mod:`crampnet.inference._kernel` compiles
them all, each on its own: numba's compile time grows with the loops in one
function, and small functions compile several times faster than one big
one). Every buffer keeps the cases of a block on its last, contiguous axis,
so the innermost loops run over cases and the compiler vectorises them.
Here: the small loops, the block pass (collect and distribute) and the two
drivers the kernel calls, :func:`marginals` and :func:`quickscore`; the
per-case loops of Quickscore are in :mod:`crampnet.inference._quickloops`.

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

__all__ = ["TINY_MESSAGE", "block_pass", "marginals", "quickscore"]

#: A nonzero upward-message entry below this (its message's maximum is 1)
#: flags the case: a product with it could underflow before Hugin's division.
TINY_MESSAGE = 1e-250


# Small loops over (entries x cases) ------------------------------------------


def _fill(dst: Any, d0: int, n_e: int, values: Any, b: int) -> None:
    """``dst[d0 + e, :b] = values[d0 + e]``."""
    for e in range(n_e):
        p = values[d0 + e]
        for k in range(b):
            dst[d0 + e, k] = p


def _fill_mul(dst: Any, d0: int, n_e: int, values: Any, src: Any, r0: int, col0: int, idx: Any, m0: int, b: int) -> None:
    """``dst[d0 + e, :b] = values[d0 + e] * src[r0 + idx[m0 + e], col0 : col0 + b]``."""
    for e in range(n_e):
        p = values[d0 + e]
        r = r0 + idx[m0 + e]
        for k in range(b):
            dst[d0 + e, k] = p * src[r, col0 + k]


def _copy_mul(dst: Any, src: Any, s0: int, n_e: int, other: Any, r0: int, idx: Any, b: int) -> None:
    """``dst[e, :b] = src[s0 + e, :b] * other[r0 + idx[s0 + e], :b]``."""
    for e in range(n_e):
        r = r0 + idx[s0 + e]
        for k in range(b):
            dst[e, k] = src[s0 + e, k] * other[r, k]


def _copy(dst: Any, src: Any, s0: int, n_e: int, b: int) -> None:
    """``dst[e, :b] = src[s0 + e, :b]``."""
    for e in range(n_e):
        for k in range(b):
            dst[e, k] = src[s0 + e, k]


def _gather_mul(dst: Any, d0: int, n_e: int, src: Any, r0: int, col0: int, idx: Any, m0: int, b: int) -> None:
    """``dst[d0 + e, :b] *= src[r0 + idx[m0 + e], col0 : col0 + b]``."""
    for e in range(n_e):
        r = r0 + idx[m0 + e]
        for k in range(b):
            dst[d0 + e, k] *= src[r, col0 + k]


def _scatter_add(dst: Any, r0: int, idx: Any, m0: int, src: Any, s0: int, n_e: int, b: int) -> None:
    """``dst[r0 + idx[m0 + e], :b] += src[s0 + e, :b]``."""
    for e in range(n_e):
        r = r0 + idx[m0 + e]
        for k in range(b):
            dst[r, k] += src[s0 + e, k]


def _sum_rows(total: Any, src: Any, s0: int, n_e: int, b: int) -> None:
    """``total[:b] += src[s0 : s0 + n_e, :b].sum(axis=0)``."""
    for e in range(n_e):
        for k in range(b):
            total[k] += src[s0 + e, k]


def _ones(src: Any, r0: int, n_r: int, col0: int, b: int) -> bool:
    """Whether ``src[r0 : r0 + n_r, col0 : col0 + b]`` is all ones."""
    for r in range(r0, r0 + n_r):
        for k in range(b):
            if src[r, col0 + k] != 1.0:
                return False
    return True


def _zero(dst: Any, n_r: int, b: int) -> None:
    for r in range(n_r):
        for k in range(b):
            dst[r, k] = 0.0


def _rescale(msg: Any, s0: int, s1: int, b: int, mx: Any, lo: Any) -> None:
    """Divide rows ``s0 .. s1`` of ``msg`` by their maximum per case (into ``mx``); ``lo``: the smallest nonzero quotient."""
    for k in range(b):
        mx[k] = 0.0
        lo[k] = 1.0
    for s in range(s0, s1):
        for k in range(b):
            v = msg[s, k]
            mx[k] = v if v > mx[k] else mx[k]
    for s in range(s0, s1):
        for k in range(b):
            v = msg[s, k] / mx[k] if mx[k] > 0.0 else 0.0
            msg[s, k] = v
            lo[k] = v if 0.0 < v < lo[k] else lo[k]


def _start_pass(scale: Any, total: Any, flag: Any, up: Any, down: Any, out: Any, b: int) -> None:
    """Zero a pass's per-case log scales, totals and underflow flags, and its message and output buffers."""
    for k in range(b):
        scale[k] = 0.0
        total[k] = 0.0
        flag[k] = 0
    _zero(up, up.shape[0], b)
    _zero(down, down.shape[0], b)
    _zero(out, out.shape[0], b)


def _store_block(total: Any, scale: Any, flag: Any, res: Any, r0: int, b: int, log_ev: Any, flags: Any, out: Any) -> None:
    """Copy a block's ``b`` cases to rows ``r0 ..`` of the outputs: ``log P(evidence) = log(total) + scale`` (``-inf`` without mass), the flags, the marginals."""
    for k in range(b):
        log_ev[r0 + k] = math.log(total[k]) + scale[k] if total[k] > 0.0 else -math.inf
        flags[r0 + k] = flag[k]
    for r in range(out.shape[0]):
        for k in range(b):
            out[r, r0 + k] = res[r, k]


def _log_scale(mx: Any, lo: Any, scale: Any, flag: Any, b: int) -> None:
    """After :func:`_rescale`: add each column's factor to its log scale, and flag a column whose smallest entry fell below :data:`TINY_MESSAGE`."""
    for k in range(b):
        if mx[k] > 0.0:
            scale[k] += math.log(mx[k])
            if lo[k] < TINY_MESSAGE:
                flag[k] = 1


def _divide(down: Any, up: Any, s0: int, s1: int, b: int) -> None:
    """Hugin's division of a separator sum by the upward message (zero where that is zero)."""
    for s in range(s0, s1):
        for k in range(b):
            u = up[s, k]
            down[s, k] = down[s, k] / u if u > 0.0 else 0.0


def _normalise(out: Any, r0: int, card: int, total: Any, b: int, acc: Any) -> None:
    """Normalise rows ``r0 .. r0 + card`` of ``out`` per case (NaN where the case has no mass)."""
    for k in range(b):
        acc[k] = 0.0
    for r in range(r0, r0 + card):
        for k in range(b):
            v = out[r, k]
            v = v if v > 0.0 else 0.0
            out[r, k] = v
            acc[k] += v
    for k in range(b):
        acc[k] = 1.0 / acc[k] if acc[k] > 0.0 and total[k] > 0.0 else math.nan
    for r in range(r0, r0 + card):
        for k in range(b):
            out[r, k] *= acc[k]


def block_pass(st: Any, pg: Any, potential: Any, evidence: Any, col0: int, b: int, local: Any, up: Any, down: Any, tmp: Any, scale: Any, total: Any, out: Any, flag: Any, mx: Any, lo: Any) -> None:
    """Collect and distribute for the cases in columns ``col0 .. col0 + b`` of ``evidence``.

    ``local`` holds each clique's potential times its evidence (evidence
    that is all ones in the block is skipped), ``up``/``down`` the
    messages (each rescaled to a maximum of 1 per case; the logs of the
    upward scales are summed in ``scale``), ``total`` the root's sum;
    the normalised marginals of the query variables land in ``out`` (NaN
    where the case has no mass). ``log P(evidence) = log(total) + scale``.

    The distribute pass is Hugin's: a clique's full belief (local times
    its downward message times all its children's upward ones) is summed
    onto each child's separator and divided there by that child's upward
    message. Where that message is zero the child's belief is zero
    whatever comes down (every term is non-negative), so the quotient is
    set to zero. ``flag[k]`` is set where an upward message has a nonzero
    entry below :data:`TINY_MESSAGE` times its maximum: a product with it
    could underflow before the division, and the caller reruns the case.
    """
    size, eoff, order, parent, ch_ptr, ch_idx, ssize, soff, own, poff, pmap = st
    ev_ptr, ev_map, ev_moff, ev_row, ev_states, q_ptr, q_map, q_moff, q_row, q_states = pg
    n_cliques = size.shape[0]
    _start_pass(scale, total, flag, up, down, out, b)
    for c in range(n_cliques):
        filled = False
        for s in range(ev_ptr[c], ev_ptr[c + 1]):
            if _ones(evidence, ev_row[s], ev_states[s], col0, b):
                continue
            if filled:
                _gather_mul(local, eoff[c], size[c], evidence, ev_row[s], col0, ev_map, ev_moff[s], b)
            else:
                _fill_mul(local, eoff[c], size[c], potential, evidence, ev_row[s], col0, ev_map, ev_moff[s], b)
                filled = True
        if not filled:
            _fill(local, eoff[c], size[c], potential, b)
    # Collect: leaves first. A leaf sends its local table as it is.
    for i in range(n_cliques - 1, -1, -1):
        c = order[i]
        src = local
        at = eoff[c]
        if ch_ptr[c + 1] > ch_ptr[c]:
            _copy(tmp, local, eoff[c], size[c], b)
            for j in range(ch_ptr[c], ch_ptr[c + 1]):
                d = ch_idx[j]
                _gather_mul(tmp, 0, size[c], up, soff[d], 0, pmap, poff[d], b)
            src = tmp
            at = 0
        if parent[c] < 0:
            _sum_rows(total, src, at, size[c], b)
            continue
        _scatter_add(up, soff[c], own, eoff[c], src, at, size[c], b)
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
        if parent[c] >= 0:
            _copy_mul(tmp, local, eoff[c], size[c], down, soff[c], own, b)
        else:
            _copy(tmp, local, eoff[c], size[c], b)
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
    """Normalised marginals (``out``: query states x cases), log P(evidence) and ``flags`` of every case."""
    n = evidence.shape[1]
    local = np.empty((potential.shape[0], size))
    up = np.empty((n_messages, size))
    down = np.empty((n_messages, size))
    tmp = np.empty((width, size))
    res = np.empty((out.shape[0], size))
    scale, total, mx, lo = np.empty(size), np.empty(size), np.empty(size), np.empty(size)
    flag = np.zeros(size, dtype=np.int64)
    for r0 in range(0, n, size):
        b = min(size, n - r0)
        block_pass(st, pg, potential, evidence, r0, b, local, up, down, tmp, scale, total, res, flag, mx, lo)
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
    2 no mass, a sum that cancels more than ``condition`` times, or a
    flagged pseudo-case: the caller runs those another way.
    """
    state_ptr = terms[0]
    n = direct.shape[1]
    local = np.empty((potential.shape[0], size))
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
            row_case[k] = c
            idx += 1
        block_pass(st, pg, potential, ev, 0, b, local, up, down, tmp, scale, total, res, flag, mx, lo)
        accumulate(b, row_case, row_w, total, scale, flag, res, pick, shift, den, spread, num, status)
        done += b
    finish(den, spread, num, shift, condition, post, log_ev, status)
