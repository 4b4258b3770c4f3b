"""The inner block of EM's table sweeps (:mod:`crampnet.inference._emtables`), compiled by :mod:`crampnet.inference._kernel`.

A sweep over a clique's entries (C order over its digits) runs its last
digits as an inner block of at most :data:`BLOCK` entries. Here: the
block's set-up (its digits, each table's offsets over it and the runs over
which a table stays the same), the gathers and scatters over one block,
a sum in four running sums, and the step of the outer digits from one
block to the next. Plain Python as written, at module level.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BLOCK", "add", "blocks", "gather", "inner", "prod", "spread", "step"]

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

    Parameters
    ----------
    nd : int
        Number of the clique's digits.
    dcard : numpy.ndarray
        int64: digits' numbers of states; the clique's are ``dcard[d0 : d0 + nd]``.
    d0 : int
        The clique's first digit in ``dcard``.
    strides : numpy.ndarray
        int64 ``(tables, digits)``: each table's stride per digit (0 off its scope).
    n_idx : int
        Number of tables.
    offsets : numpy.ndarray
        int64 ``(tables, at least BLOCK)``: receives, for each table not
        constant over the block, its offset at each entry of the block.
    run : numpy.ndarray
        int64 ``(tables,)``: receives each table's runs.

    Returns
    -------
    int
        The number of digits in the inner block.
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
    """``vals[e] *= src[b0 + off[e]]`` (if ``first``, ``vals[e] = v * src[...]``) over a block whose table is constant over runs of ``r`` entries.

    Parameters
    ----------
    vals : numpy.ndarray
        float64 ``(at least span,)``: the block's entries, multiplied in place.
    src : numpy.ndarray
        float64: the flat store the table is read from.
    b0 : int
        The table's index at the block's first entry.
    off : numpy.ndarray
        int64: the table's offset at each entry of the block.
    span : int
        Entries of the block.
    r : int
        The table's run (:func:`inner`): it stays the same over runs of ``r`` entries.
    first : bool
        Overwrite ``vals`` (with ``v`` times the table) instead of multiplying it.
    v : float
        The factor of the tables constant over the block (used with ``first``).
    """
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
    """``vals[a:b].sum()``, in four running sums (four independent chains of additions, not one).

    Parameters
    ----------
    vals : numpy.ndarray
        float64, one-dimensional.
    a, b : int
        The range summed.

    Returns
    -------
    float
        The sum (0.0 for an empty range).
    """
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
    """``dst[b0 + off[e]] += vals[e] * x`` over a block whose table is constant over runs of ``r`` entries (each run summed first).

    Parameters
    ----------
    vals : numpy.ndarray
        float64 ``(at least span,)``: the block's entries.
    dst : numpy.ndarray
        float64: the flat store the table is added to.
    b0 : int
        The table's index at the block's first entry.
    off : numpy.ndarray
        int64: the table's offset at each entry of the block.
    span : int
        Entries of the block.
    r : int
        The table's run (:func:`inner`): it stays the same over runs of ``r`` entries.
    x : float
        The factor of every addition.
    """
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
    """Next block: step the outer digits ``0 .. nd - 1`` (C order), moving every table's index.

    Parameters
    ----------
    dig : numpy.ndarray
        int64: the outer digits' states, stepped in place (back to zero
        after the last block).
    nd : int
        Number of outer digits.
    dcard : numpy.ndarray
        int64: digits' numbers of states, the clique's from ``d0``.
    d0 : int
        The clique's first digit in ``dcard``.
    idx : numpy.ndarray
        int64 ``(tables,)``: each table's index, moved in place.
    strides : numpy.ndarray
        int64 ``(tables, digits)``: each table's stride per digit.
    n_idx : int
        Number of tables.
    """
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
    """Set up a sweep over a clique's entries (for :func:`~crampnet.inference._emtables.product` and :func:`~crampnet.inference._emtables.scatter`): the outer digits and the inner block's length; the digits start at zero.

    Parameters
    ----------
    nd : int
        Number of the clique's digits.
    dcard : numpy.ndarray
        int64: digits' numbers of states; the clique's are ``dcard[d0 : d0 + nd]``.
    d0 : int
        The clique's first digit in ``dcard``.
    strides : numpy.ndarray
        int64 ``(tables, digits)``: each table's stride per digit.
    n_idx : int
        Number of tables.
    offsets, run : numpy.ndarray
        int64: receive the tables' offsets over the block and their runs (:func:`inner`).
    dig : numpy.ndarray
        int64 ``(at least nd,)``: the outer digits' states, set to zero.

    Returns
    -------
    n_out : int
        The number of outer digits.
    span : int
        The inner block's number of entries.
    """
    n_out = nd - inner(nd, dcard, d0, strides, n_idx, offsets, run)
    span = prod(dcard, d0 + n_out, d0 + nd)
    for d in range(nd):
        dig[d] = 0
    return n_out, span


def prod(dcard: Any, a: int, b: int) -> int:
    """The product of ``dcard[a:b]``.

    Parameters
    ----------
    dcard : numpy.ndarray
        int64: digits' numbers of states.
    a, b : int
        The range multiplied.

    Returns
    -------
    int
        The product (1 for an empty range).
    """
    out = 1
    for d in range(a, b):
        out *= dcard[d]
    return out
