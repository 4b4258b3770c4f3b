"""The table loops of EM's per-case junction trees (:mod:`crampnet.inference._emloops`), compiled by :mod:`crampnet.inference._kernel`.

A clique's table is laid out in C order over its *digits* (its variables,
in an order :mod:`crampnet.inference._emloops` chooses). Every other table
a clique reads or writes (a factor, read straight from its node's flat
table; a message) is addressed through an index and a stride per digit (0
for a digit it does not hold), so nothing is copied or transposed. The
last digits make an inner block of at most :data:`BLOCK` entries: a table
that does not vary over it is read or written once per block, the others
through precomputed offsets, once per run of entries over which they stay
the same. Plain Python as written, at module level.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BLOCK", "TINY", "add", "blocks", "family_strides", "gather", "inner", "prod", "product", "rescale", "scatter", "separator_strides", "spread", "step"]

#: A message whose largest entry, or a rescaled entry, is below this flags the case (status 2).
TINY = 1e-250

#: Entries of a clique handled as one inner block (its last digits): each
#: table's offsets over the block are worked out once per call, tables that
#: do not vary over the block are read or written once per block, and the
#: others are plain gathers and scatters, one per run of entries over which
#: the table is constant. Measured on EM's E-step of 1,000 shipped-network
#: cases with every condition hidden (one run each, 2 threads, before runs):
#: 4.0 s with 16, 3.5 s with 64, 2.4-2.6 s with 256, 4.4 s with 1,024.
BLOCK = 256


def inner(nd: int, dcard: Any, d0: int, strides: Any, n_idx: int, offsets: Any, run: Any) -> int:
    """The inner block (the last digits, at most :data:`BLOCK` entries, at least one digit): its digits, each table's offsets over it, and its runs.

    ``run[k]``: over how many consecutive entries of the block table ``k``
    stays the same (the product of the last digits' states it does not
    vary over; the block's length if it is constant over the block).
    """
    n_in = 0
    span = 1
    while n_in < nd and (n_in == 0 or span * dcard[d0 + nd - 1 - n_in] <= BLOCK):
        span *= dcard[d0 + nd - 1 - n_in]
        n_in += 1
    for k in range(n_idx):
        run[k] = 1
        d = nd - 1
        while d >= nd - n_in and strides[k, d] == 0:
            run[k] *= dcard[d0 + d]
            d -= 1
    for k in range(n_idx):
        if run[k] == span:
            continue
        # C order, built outer digit first: each entry so far spreads over the next digit's states
        # (written from the back, so nothing is overwritten before it is read).
        offsets[k, 0] = 0
        length = 1
        for d in range(nd - n_in, nd):
            card = dcard[d0 + d]
            for e in range(length - 1, -1, -1):
                base = offsets[k, e]
                for x in range(card - 1, -1, -1):
                    offsets[k, e * card + x] = base + x * strides[k, d]
            length *= card
    return n_in


def gather(vals: Any, src: Any, b0: int, off: Any, span: int, r: int, first: bool, v: float) -> None:
    """``vals[e] *= src[b0 + off[e]]`` (if ``first``, ``vals[e] = v * src[...]``) over a block whose table is constant over runs of ``r`` entries."""
    if r == 1:
        if first:
            for e in range(span):
                vals[e] = v * src[b0 + off[e]]
        else:
            for e in range(span):
                vals[e] *= src[b0 + off[e]]
        return
    for e in range(0, span, r):
        x = src[b0 + off[e]]
        if first:
            x *= v
            for t in range(e, e + r):
                vals[t] = x
        else:
            for t in range(e, e + r):
                vals[t] *= x


def add(vals: Any, a: int, b: int) -> float:
    """``vals[a:b].sum()``, in four running sums (four independent chains of additions, not one)."""
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    e = a
    while e + 4 <= b:
        s0 += vals[e]
        s1 += vals[e + 1]
        s2 += vals[e + 2]
        s3 += vals[e + 3]
        e += 4
    while e < b:
        s0 += vals[e]
        e += 1
    return (s0 + s1) + (s2 + s3)


def spread(vals: Any, dst: Any, b0: int, off: Any, span: int, r: int, x: float) -> None:
    """``dst[b0 + off[e]] += vals[e] * x`` over a block whose table is constant over runs of ``r`` entries (each run summed first)."""
    if r == 1:
        for e in range(span):
            dst[b0 + off[e]] += vals[e] * x
        return
    for e in range(0, span, r):
        total = 0.0
        for t in range(e, e + r):
            total += vals[t]
        dst[b0 + off[e]] += total * x


def step(dig: Any, nd: int, dcard: Any, d0: int, idx: Any, strides: Any, n_idx: int) -> None:
    """Next block: step the outer digits ``0 .. nd - 1`` (C order), moving every table's index."""
    d = nd - 1
    while d >= 0:
        dig[d] += 1
        for k in range(n_idx):
            idx[k] += strides[k, d]
        if dig[d] < dcard[d0 + d]:
            return
        for k in range(n_idx):
            idx[k] -= strides[k, d] * dcard[d0 + d]
        dig[d] = 0
        d -= 1


def blocks(nd: int, dcard: Any, d0: int, strides: Any, n_idx: int, offsets: Any, run: Any, dig: Any) -> tuple[int, int]:
    """Set up a sweep over a clique's entries (for :func:`product` and :func:`scatter`): the outer digits and the inner block's length; the digits start at zero."""
    n_out = nd - inner(nd, dcard, d0, strides, n_idx, offsets, run)
    span = prod(dcard, d0 + n_out, d0 + nd)
    for d in range(nd):
        dig[d] = 0
    return n_out, span


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


def prod(dcard: Any, a: int, b: int) -> int:
    """The product of ``dcard[a:b]``."""
    out = 1
    for d in range(a, b):
        out *= dcard[d]
    return out


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
