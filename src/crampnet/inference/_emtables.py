"""The table loops of EM's per-case junction trees (:mod:`crampnet.inference._emloops`), compiled by :mod:`crampnet.inference._kernel`.

A clique's table is laid out in C order over its *digits* (its variables,
in an order :mod:`crampnet.inference._emloops` chooses). Every other table
a clique reads or writes (a factor, read straight from its node's flat
table; a message) is addressed through an index and a stride per digit (0
for a digit it does not hold), so nothing is copied or transposed. The
last digits make an inner block of at most :data:`BLOCK` entries: a table
that does not vary over it is read or written once per block, the others
through precomputed offsets, once per run of entries over which they stay
the same (the block's loops: :mod:`crampnet.inference._emblocks`). Here:
the two sweeps over a clique (:func:`product`, :func:`scatter`), the
strides that address a family or a separator, and the rescaling of a
message. Plain Python as written, at module level.
"""

from __future__ import annotations

from typing import Any

from crampnet.inference._emblocks import BLOCK, add, blocks, gather, inner, prod, spread, step

__all__ = ["BLOCK", "TINY", "add", "blocks", "family_strides", "gather", "inner", "prod", "product", "rescale", "scatter", "separator_strides", "spread", "step"]

#: A message whose largest entry, or a rescaled entry, is below this flags the case (status 2).
TINY = 1e-250


def product(
    ws: Any, p0: int, size: int, nd: int, dcard: Any, d0: int, tab: Any, n_tab: int, idx: Any, strides: Any, n_idx: int, out: int,
    offsets: Any, run: Any, dig: Any, buf: Any,
) -> float:  # fmt: skip
    """``ws[p0 + e] = prod_k src_k[idx_k + ...]`` over the clique's entries; with ``out`` 0, their total.

    The first ``n_tab`` tables are read from ``tab``, the others from
    ``ws``; with ``out`` 1 each entry is also added, in the same sweep, to
    table ``n_idx`` in ``ws`` (the clique's message to its parent), and
    the total returned is not meaningful.
    """
    n_out, span = blocks(nd, dcard, d0, strides, n_idx + out, offsets, run, dig)
    total = 0.0
    for p in range(p0, p0 + size, span):
        vals = ws[p : p + span]  # built in place: no table read here lies in it
        v = 1.0
        for k in range(n_idx):
            if run[k] == span:
                v *= tab[idx[k]] if k < n_tab else ws[idx[k]]
        first = True
        for k in range(n_idx):
            if run[k] < span:
                gather(vals, tab if k < n_tab else ws, idx[k], offsets[k], span, run[k], first, v)
                first = False
        if first:
            for e in range(span):
                vals[e] = v
        if out and run[n_idx] < span:
            spread(vals, ws, idx[n_idx], offsets[n_idx], span, run[n_idx], 1.0)
        else:  # the root's total, or one message entry per block
            block = add(vals, 0, span)
            total += block
            if out:
                ws[idx[n_idx]] += block
        step(dig, n_out, dcard, d0, idx, strides, n_idx + out)
    return total


def scatter(
    ws: Any, p0: int, size: int, nd: int, dcard: Any, d0: int, dst: Any, idx: Any, strides: Any, scale: Any, n_idx: int, mul: int,
    offsets: Any, run: Any, dig: Any, buf: Any,
) -> float:  # fmt: skip
    """``dst[idx_k + ...] += b[e] * scale[k]`` over the clique's entries ``b``: their total.

    ``b[e]`` is ``ws[p0 + e]``; with ``mul`` 1, times table ``n_idx`` in
    ``ws`` (the message from the clique's parent), written back to
    ``ws[p0 + e]`` in the same sweep.
    """
    n_out, span = blocks(nd, dcard, d0, strides, n_idx + mul, offsets, run, dig)
    total = 0.0
    for p in range(p0, p0 + size, span):
        vals = ws[p : p + span]
        if mul:
            if run[n_idx] == span:
                x = ws[idx[n_idx]]
                for e in range(span):
                    vals[e] *= x
            else:
                gather(vals, ws, idx[n_idx], offsets[n_idx], span, run[n_idx], False, 1.0)
        block = add(vals, 0, span)
        total += block
        for k in range(n_idx):
            if run[k] == span:
                dst[idx[k]] += block * scale[k]
            else:
                spread(vals, dst, idx[k], offsets[k], span, run[k], scale[k])
        step(dig, n_out, dcard, d0, idx, strides, n_idx + mul)
    return total


def family_strides(nd: int, dig_var: Any, d0: int, fam_var: Any, fam_stride: Any, m0: int, m1: int, pos: Any, out: Any, k: int) -> None:
    """``out[k, d]``: the table stride of each clique digit that is a free member of family ``m0 .. m1`` (0 for the others)."""
    for d in range(nd):
        out[k, d] = 0
        for m in range(m0, m1):
            if pos[fam_var[m]] == dig_var[d0 + d]:
                out[k, d] = fam_stride[m]


def separator_strides(nd: int, dig_var: Any, d0: int, sep: Any, s0: int, s1: int, card: Any, out: Any, k: int) -> None:
    """``out[k, d]``: the C-order stride in a separator (variables ``sep[s0:s1]``, increasing) of each clique digit."""
    for d in range(nd):
        out[k, d] = 0
    stride = 1
    for s in range(s1 - 1, s0 - 1, -1):
        for d in range(nd):
            if dig_var[d0 + d] == sep[s]:
                out[k, d] = stride
        stride *= int(card[sep[s]])


def rescale(ws: Any, s0: int, s1: int) -> int:
    """Divide ``ws[s0:s1]`` by its maximum: 1 if it is zero, 2 if it or a nonzero quotient is below :data:`TINY`."""
    mx = 0.0
    for s in range(s0, s1):
        mx = max(mx, ws[s])
    if mx <= 0.0:
        return 1
    flag = 2 if mx < TINY else 0
    for s in range(s0, s1):
        v = ws[s] / mx
        ws[s] = v
        if 0.0 < v < TINY:
            flag = 2
    return flag
