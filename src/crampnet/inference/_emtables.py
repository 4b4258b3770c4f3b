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

    Parameters
    ----------
    ws : numpy.ndarray
        float64: the case's work store, written at ``p0 .. p0 + size``.
    p0 : int
        Where the clique's entries start in ``ws``.
    size : int
        The clique's number of entries.
    nd : int
        Number of the clique's digits.
    dcard : numpy.ndarray
        int64: digits' numbers of states; the clique's are ``dcard[d0 : d0 + nd]``.
    d0 : int
        The clique's first digit in ``dcard``.
    tab : numpy.ndarray
        float64: the nodes' tables, flat.
    n_tab : int
        How many of the tables (the first) are read from ``tab``.
    idx : numpy.ndarray
        int64 ``(tables,)``: each table's start; stepped through the sweep
        and back where it began at its end.
    strides : numpy.ndarray
        int64 ``(tables, digits)``: each table's stride per digit (0 off its scope).
    n_idx : int
        Number of tables multiplied.
    out : int
        1 to add each entry to table ``n_idx`` (the message), 0 not to.
    offsets, run, dig : numpy.ndarray
        int64 work of the inner block (:func:`crampnet.inference._emblocks.blocks`).
    buf : numpy.ndarray
        float64 work, not read by this loop.

    Returns
    -------
    float
        With ``out`` 0, the sum of the clique's entries; not meaningful with ``out`` 1.
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

    Parameters
    ----------
    ws : numpy.ndarray
        float64: the case's work store, holding the clique's entries.
    p0 : int
        Where the clique's entries start in ``ws``.
    size : int
        The clique's number of entries.
    nd : int
        Number of the clique's digits.
    dcard : numpy.ndarray
        int64: digits' numbers of states; the clique's are ``dcard[d0 : d0 + nd]``.
    d0 : int
        The clique's first digit in ``dcard``.
    dst : numpy.ndarray
        float64: the flat store the tables are added to (``ws`` or the counts).
    idx : numpy.ndarray
        int64 ``(tables,)``: each table's start; stepped through the sweep
        and back where it began at its end.
    strides : numpy.ndarray
        int64 ``(tables, digits)``: each table's stride per digit (0 off its scope).
    scale : numpy.ndarray
        float64 ``(tables,)``: each table's factor.
    n_idx : int
        Number of tables summed onto.
    mul : int
        1 to multiply the parent's message in first, 0 not to.
    offsets, run, dig : numpy.ndarray
        int64 work of the inner block (:func:`crampnet.inference._emblocks.blocks`).
    buf : numpy.ndarray
        float64 work, not read by this loop.

    Returns
    -------
    float
        The sum of the entries ``b`` (after the product with the message).
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
    """``out[k, d]``: the table stride of each clique digit that is a free member of family ``m0 .. m1`` (0 for the others).

    Parameters
    ----------
    nd : int
        Number of the clique's digits.
    dig_var : numpy.ndarray
        int64: each digit's variable (its position among the case's free
        variables); the clique's from ``d0``.
    d0 : int
        The clique's first digit in ``dig_var``.
    fam_var, fam_stride : numpy.ndarray
        int64: every family's members (nodes) and their strides in the
        family's table, flat.
    m0, m1 : int
        The family's range in ``fam_var``.
    pos : numpy.ndarray
        int64 ``(nodes,)``: each node's free variable, -1 where the case observes it.
    out : numpy.ndarray
        int64 ``(tables, digits)``: row ``k`` is written.
    k : int
        The row of ``out``.
    """
    for d in range(nd):
        out[k, d] = 0
        for m in range(m0, m1):
            if pos[fam_var[m]] == dig_var[d0 + d]:
                out[k, d] = fam_stride[m]


def separator_strides(nd: int, dig_var: Any, d0: int, sep: Any, s0: int, s1: int, card: Any, out: Any, k: int) -> None:
    """``out[k, d]``: the C-order stride in a separator (variables ``sep[s0:s1]``, increasing) of each clique digit.

    Parameters
    ----------
    nd : int
        Number of the clique's digits.
    dig_var : numpy.ndarray
        int64: each digit's free variable; the clique's from ``d0``.
    d0 : int
        The clique's first digit in ``dig_var``.
    sep : numpy.ndarray
        int64: the separators' variables, flat.
    s0, s1 : int
        The separator's range in ``sep``.
    card : numpy.ndarray
        Each free variable's number of states.
    out : numpy.ndarray
        int64 ``(tables, digits)``: row ``k`` is written (0 for a digit off the separator).
    k : int
        The row of ``out``.
    """
    for d in range(nd):
        out[k, d] = 0
    stride = 1
    for s in range(s1 - 1, s0 - 1, -1):
        for d in range(nd):
            if dig_var[d0 + d] == sep[s]:
                out[k, d] = stride
        stride *= int(card[sep[s]])


def rescale(ws: Any, s0: int, s1: int) -> int:
    """Divide ``ws[s0:s1]`` by its maximum: 1 if it is zero, 2 if it or a nonzero quotient is below :data:`TINY`.

    Parameters
    ----------
    ws : numpy.ndarray
        float64: the store holding the message, rescaled in place.
    s0, s1 : int
        The message's range in ``ws``.

    Returns
    -------
    int
        0, or 1 (largest entry not positive: left as it is) or 2 (near underflow).
    """
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
