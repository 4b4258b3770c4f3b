"""The small loops of the junction-tree passes, over (entries x cases), compiled by :mod:`crampnet.inference._kernel`.

Fills, gathers and scatters through entry maps, the rescaling of messages
with its log scales and underflow flags, Hugin's division and the
normalisation of marginals: the pieces of :func:`crampnet.inference._loops.block_pass`
and :func:`crampnet.inference._drawloops.draw_block`. Plain Python as
written; every buffer keeps a block's cases on its last axis.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["TINY_MESSAGE"]

#: A nonzero upward-message entry below this (its message's maximum is 1)
#: flags the case: a product with it could underflow before Hugin's division.
TINY_MESSAGE = 1e-250


# Small loops over (entries x cases) ------------------------------------------


def _fill(dst: Any, n_e: int, values: Any, v0: int, b: int) -> None:
    """``dst[e, :b] = values[v0 + e]``."""
    for e in range(n_e):
        p = values[v0 + e]
        for k in range(b):
            dst[e, k] = p


def _fill_mul(dst: Any, n_e: int, values: Any, v0: int, src: Any, r0: int, col0: int, idx: Any, m0: int, b: int) -> None:
    """``dst[e, :b] = values[v0 + e] * src[r0 + idx[m0 + e], col0 : col0 + b]``."""
    for e in range(n_e):
        p = values[v0 + e]
        r = r0 + idx[m0 + e]
        for k in range(b):
            dst[e, k] = p * src[r, col0 + k]


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
