"""Bins of small tables for EM's per-case cliques (:mod:`crampnet.inference._emloops`), compiled by :mod:`crampnet.inference._kernel`.

A clique of an EM case's tree reads many small tables (each finding's
family sliced at the case's observed states, each child's message) and,
after the pass, adds each counted family's marginal to the counts. Done
table by table, every clique entry costs one gather or one scatter per
table: on the shipped network with every condition hidden ~9 gathers
per entry in the collect pass and ~6 scatters in the counts.

Here the tables are first put in *bins*: each joins the bin whose scope
(its digits among the clique's) grows least, as long as the bin's table
keeps at most ``limit`` entries (a small share of the clique). In the
collect pass a bin of two or more tables is multiplied out once into a
table of its own, which the clique then reads as one; in the counts the
clique is summed once onto each bin's scope and each family's counts are
summed from its bin's marginal. The same products and sums, grouped
differently: the counts agree to rounding.

Work arrays (per case, reused by every clique): ``ints`` rows 0 source
index, 1 member index, 2 bin of each source, 3 bin size, 4 members per
bin, 5 bin digits' cards, 6 bin digits; ``mats[0]`` sources' strides,
``mats[1]`` members' strides over their bin's digits; ``bmask`` each
bin's digits. Plain Python as written, at module level.
"""

from __future__ import annotations

from typing import Any

from crampnet.inference._emtables import product, scatter

__all__ = ["collect_bins", "count_bins", "group", "view"]


def group(n: int, nd: int, strides: Any, dcard: Any, d0: int, limit: int, ints: Any, bmask: Any) -> int:
    """Put sources ``0 .. n - 1`` (scopes: digits ``d`` with ``strides[k, d] != 0``) in bins of at most ``limit`` entries; the number of bins.

    A source whose scope alone exceeds ``limit`` gets a bin of its own.

    Parameters
    ----------
    n : int
        Number of sources.
    nd : int
        Number of the clique's digits.
    dcard : numpy.ndarray
        int64: digits' numbers of states; the clique's are ``dcard[d0 : d0 + nd]``.
    d0 : int
        The clique's first digit in ``dcard``.
    strides : numpy.ndarray
        int64 ``(at least n, at least nd)``: each source's strides over the clique's digits.
    limit : int
        Largest number of entries of a bin's table.
    ints : numpy.ndarray
        int64 work (module docstring): receives rows 2 (each source's
        bin), 3 (each bin's entries) and 4 (each bin's members).
    bmask : numpy.ndarray
        bool ``(bins, at least nd)``: receives each bin's digits.

    Returns
    -------
    int
        The number of bins.
    """
    nb = 0
    for k in range(n):
        best = -1
        grow = 0
        for b in range(nb):
            size = 1
            for d in range(nd):
                if bmask[b, d] or strides[k, d] != 0:
                    size *= dcard[d0 + d]
            if size <= limit and (best < 0 or size - ints[3, b] < grow):
                best = b
                grow = size - ints[3, b]
        if best < 0:
            best = nb
            nb += 1
            ints[3, best] = 1
            ints[4, best] = 0
            for d in range(nd):
                bmask[best, d] = strides[k, d] != 0
                if bmask[best, d]:
                    ints[3, best] *= dcard[d0 + d]
        else:
            for d in range(nd):
                if strides[k, d] != 0:
                    bmask[best, d] = True
            ints[3, best] += grow
        ints[2, k] = best
        ints[4, best] += 1
    return nb


def view(b: int, n: int, nd: int, dcard: Any, d0: int, ints: Any, mats: Any, bmask: Any) -> tuple[int, int]:
    """Bin ``b``'s digits (cards in ``ints[5]``, positions in ``ints[6]``) and its members (``ints[1]``, ``mats[1]``): the number of each.

    Parameters
    ----------
    b : int
        The bin (from :func:`group`).
    n : int
        Number of sources grouped.
    nd : int
        Number of the clique's digits.
    dcard : numpy.ndarray
        int64: digits' numbers of states; the clique's are ``dcard[d0 : d0 + nd]``.
    d0 : int
        The clique's first digit in ``dcard``.
    ints : numpy.ndarray
        int64 work: reads rows 0 and 2, writes rows 1, 5 and 6.
    mats : numpy.ndarray
        int64 work: reads ``mats[0]`` (sources' strides), writes
        ``mats[1]`` (members' strides over the bin's digits).
    bmask : numpy.ndarray
        bool: each bin's digits (from :func:`group`).

    Returns
    -------
    nu : int
        The bin's number of digits.
    m : int
        Its number of members, in source order.
    """
    nu = 0
    for d in range(nd):
        if bmask[b, d]:
            ints[5, nu] = dcard[d0 + d]
            ints[6, nu] = d
            nu += 1
    m = 0
    for k in range(n):
        if ints[2, k] == b:
            ints[1, m] = ints[0, k]
            for u in range(nu):
                mats[1, m, u] = mats[0, k, ints[6, u]]
            m += 1
    return nu, m


def _own_strides(b: int, nd: int, dcard: Any, d0: int, bmask: Any, out: Any, k: int) -> None:
    """``out[k, d]``: the C-order stride of bin ``b``'s own table for each clique digit (0 off its scope)."""
    stride = 1
    for d in range(nd - 1, -1, -1):
        out[k, d] = 0
        if bmask[b, d]:
            out[k, d] = stride
            stride *= dcard[d0 + d]


def collect_bins(
    ws: Any, at: int, nd: int, dcard: Any, d0: int, tab: Any, n_tab: int, idx: Any, strides: Any, k: int, limit: int,
    ints: Any, mats: Any, bmask: Any, offsets: Any, run: Any, dig: Any, buf: Any,
) -> tuple[int, int]:  # fmt: skip
    """Replace the clique's ``k`` sources (the first ``n_tab`` in ``tab``, the others in ``ws``) by their bins' tables, built in ``ws`` from ``at``.

    A bin of one table keeps it. Returns the new number of sources and of
    those read from ``tab`` (they stay first).

    Parameters
    ----------
    ws : numpy.ndarray
        float64: the case's work store (messages, built tables).
    at : int
        Where in ``ws`` the bins' tables are built.
    nd : int
        Number of the clique's digits.
    dcard : numpy.ndarray
        int64: digits' numbers of states; the clique's are ``dcard[d0 : d0 + nd]``.
    d0 : int
        The clique's first digit in ``dcard``.
    tab : numpy.ndarray
        float64: the nodes' tables, flat.
    n_tab : int
        How many of the sources (the first) are read from ``tab``.
    idx : numpy.ndarray
        int64: each source's start in ``tab`` or ``ws``; rewritten with the new sources.
    strides : numpy.ndarray
        int64 ``(sources, digits)``: each source's strides over the
        clique's digits; rewritten with the new sources.
    k : int
        Number of sources.
    limit : int
        Largest number of entries of a bin's table.
    ints, mats : numpy.ndarray
        int64 work (module docstring).
    bmask : numpy.ndarray
        bool work: each bin's digits.
    offsets, run, dig, buf : numpy.ndarray
        Work of the table sweeps (:func:`crampnet.inference._emtables.product`).

    Returns
    -------
    sources : int
        The new number of sources in ``idx`` and ``strides``.
    kept : int
        How many of them (the first) are still read from ``tab``.
    """
    for q in range(k):
        ints[0, q] = idx[q]
        for d in range(nd):
            mats[0, q, d] = strides[q, d]
    nb = group(k, nd, mats[0], dcard, d0, limit, ints, bmask)
    out = 0
    kept = 0
    for q in range(k):
        if ints[4, ints[2, q]] == 1:
            idx[out] = ints[0, q]
            for d in range(nd):
                strides[out, d] = mats[0, q, d]
            out += 1
            if q < n_tab:
                kept += 1
    for b in range(nb):
        if ints[4, b] > 1:
            nu, m = view(b, k, nd, dcard, d0, ints, mats, bmask)
            in_tab = 0
            for q in range(n_tab):
                if ints[2, q] == b:
                    in_tab += 1
            product(ws, at, ints[3, b], nu, ints[5], 0, tab, in_tab, ints[1], mats[1], m, 0, offsets, run, dig, buf)
            idx[out] = at
            _own_strides(b, nd, dcard, d0, bmask, strides, out)
            out += 1
            at += ints[3, b]
    return out, kept


def count_bins(
    ws: Any, p0: int, size: int, nd: int, dcard: Any, d0: int, cnt: Any, idx: Any, strides: Any, scale: Any, k: int, n: int, weight: float,
    mul: int, at: int, limit: int, ints: Any, mats: Any, bmask: Any, offsets: Any, run: Any, dig: Any, buf: Any,
) -> int:  # fmt: skip
    """The clique's belief (entries ``ws[p0 : p0 + size]``, with ``mul`` 1 times the parent's message first) summed onto ``k`` messages in ``ws`` and ``n`` families' counts in ``cnt``; 1 if its total is 0, else 0.

    With ``mul`` 1 the parent's message is the last row of ``idx`` and
    ``strides``; the belief is written back. The targets (``ints[0]``:
    where each starts, the messages first; ``mats[0]``: strides over the
    clique's digits) are put in bins; one sweep of the clique makes the
    belief, its total, and its sums onto each bin of at most ``limit``
    entries (built in ``ws`` from ``at``) and onto the larger messages;
    each target of a bin is then summed from the bin's marginal, the
    families' times ``weight`` over the total. Families in larger bins are
    summed straight from the belief (a second sweep).

    Parameters
    ----------
    ws : numpy.ndarray
        float64: the case's work store (the clique's entries, messages, bins).
    p0, size : int
        Where the clique's entries start in ``ws``, and how many.
    nd : int
        Number of the clique's digits.
    dcard : numpy.ndarray
        int64: digits' numbers of states; the clique's are ``dcard[d0 : d0 + nd]``.
    d0 : int
        The clique's first digit in ``dcard``.
    cnt : numpy.ndarray
        float64: the flat counts of every node's table, added to.
    idx : numpy.ndarray
        int64 work: start of each table swept (with ``mul`` 1, the last row
        is the parent's message).
    strides : numpy.ndarray
        int64 work ``(tables, digits)``, likewise.
    scale : numpy.ndarray
        float64 work: each target's factor.
    k : int
        Number of messages among the targets (they come first).
    n : int
        Number of families counted.
    weight : float
        How many times the case counts.
    mul : int
        1 to multiply the parent's message in first, 0 not to.
    at : int
        Where in ``ws`` the bins' tables are built.
    limit : int
        Largest number of entries of a bin's table.
    ints, mats : numpy.ndarray
        int64 work (module docstring); ``ints[0]`` and ``mats[0]`` hold the targets.
    bmask : numpy.ndarray
        bool work: each bin's digits.
    offsets, run, dig, buf : numpy.ndarray
        Work of the table sweeps (:func:`crampnet.inference._emtables.product`).

    Returns
    -------
    int
        1 if the belief's total is not positive (nothing counted), else 0.
    """
    nb = group(k + n, nd, mats[0], dcard, d0, limit, ints, bmask)
    out = 0
    for b in range(nb):
        if ints[3, b] <= limit:
            for e in range(at, at + ints[3, b]):
                ws[e] = 0.0
            idx[out] = at
            _own_strides(b, nd, dcard, d0, bmask, strides, out)
            out += 1
            at += ints[3, b]
    for q in range(k):
        if ints[3, ints[2, q]] > limit:
            idx[out] = ints[0, q]
            for d in range(nd):
                strides[out, d] = mats[0, q, d]
            out += 1
    for q in range(max(out, k + n)):
        scale[q] = 1.0
    if mul:
        last = idx.shape[0] - 1
        idx[out] = idx[last]
        for d in range(nd):
            strides[out, d] = strides[last, d]
    total = scatter(ws, p0, size, nd, dcard, d0, ws, idx, strides, scale, out, mul, offsets, run, dig, buf)
    if total <= 0.0:
        return 1
    for into in range(2):  # the messages of each bin, then (scale weight / total) its families
        if into == 1:
            for q in range(k + n):
                scale[q] = weight / total
        out = 0
        for b in range(nb):
            if ints[3, b] <= limit:
                nu, m = view(b, k + n, nd, dcard, d0, ints, mats, bmask)
                mm = 0
                for q in range(k):
                    if ints[2, q] == b:
                        mm += 1
                if into == 0 and mm:
                    scatter(ws, idx[out], ints[3, b], nu, ints[5], 0, ws, ints[1], mats[1], scale, mm, 0, offsets, run, dig, buf)
                elif into == 1 and m > mm:
                    scatter(ws, idx[out], ints[3, b], nu, ints[5], 0, cnt, ints[1][mm:], mats[1][mm:], scale, m - mm, 0, offsets, run, dig, buf)
                out += 1
    m = 0
    for q in range(k, k + n):
        if ints[3, ints[2, q]] > limit:
            idx[m] = ints[0, q]
            for d in range(nd):
                strides[m, d] = mats[0, q, d]
            m += 1
    if m:
        scatter(ws, p0, size, nd, dcard, d0, cnt, idx, strides, scale, m, 0, offsets, run, dig, buf)
    return 0
