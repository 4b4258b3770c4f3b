"""EM's expected family counts, one case at a time, as loops that :mod:`crampnet.inference._kernel` compiles.

EM's E-step (:mod:`crampnet.trust._em`) needs, for every case, the posterior
of each fitted node's family given the case's evidence. Cases with missing
cells rarely share a pattern of observed nodes, and a junction tree per
pattern built in Python costs more than its pass. Here each case builds its
own tree inside the compiled loop and runs it:

1. The tree's variables are the case's *free* nodes (status ``KEPT`` or
   ``SOFT``); observed nodes are sliced out of every table (their state is
   an offset into it), barren ones are left out.
2. Each family with a free member is a factor over its free members,
   read from the node's flat table through strides, never copied.
3. Greedy min-weight elimination gives one clique per eliminated variable;
   a clique contained in the next one along the elimination tree is merged
   into it, which leaves the maximal cliques.
4. Collect and distribute (Hugin) pass, every message rescaled to a maximum
   of 1; each counted family's marginal is summed from its home clique's
   belief into the counts, at the table positions of the case's observed
   states, weighted and normalised. A clique's small tables are grouped in
   bins (:mod:`crampnet.inference._embins`): each bin is multiplied out
   once and read as one table, and one sweep of the belief gives the
   children's messages and the bins' marginals, whence the families' counts.

Status codes are :mod:`crampnet.trust._em`'s (``BARREN``, ``HARD``, ``KEPT``,
``SOFT``). :func:`family_counts` returns per case 0 (counted), 1 (evidence
of probability zero: not counted) or 2 (a message came near underflow: not
counted; the caller computes the case another way). Plain Python as
written; tests run it so on small networks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crampnet.inference._embins import collect_bins, count_bins
from crampnet.inference._emlayout import _eliminate, _family_base, _order_digits
from crampnet.inference._emtables import (
    BLOCK,
    TINY,
    family_strides,
    product,
    rescale,
    separator_strides,
)

__all__ = ["BARREN", "HARD", "KEPT", "POOL", "SOFT", "family_counts"]

BARREN, HARD, KEPT, SOFT = 0, 1, 2, 3
#: Entries of the workspace a batch of cases shares (a case needing more gets its own).
POOL = 1 << 20


def case_counts(
    i: int, cards: Any, fam_ptr: Any, fam_var: Any, fam_stride: Any, tab_off: Any, tab: Any, status: Any, codes: Any, count: Any,
    soft: Any, soft_off: Any, weight: float, cnt: Any, shift: int, pool: Any,
) -> int:  # fmt: skip
    """Add case ``i``'s expected family counts to ``cnt``; 0, or 1 (impossible) / 2 (near underflow) with nothing added."""
    n_nodes = cards.shape[0]
    pos = np.full(n_nodes, -1, dtype=np.int64)
    fv = np.empty(n_nodes, dtype=np.int64)
    nf = 0
    for j in range(n_nodes):
        if status[i, j] == KEPT or status[i, j] == SOFT:
            pos[j] = nf
            fv[nf] = j
            nf += 1
    if nf == 0:
        return 0
    card = np.empty(nf)
    for u in range(nf):
        card[u] = cards[fv[u]]
    # Factors: the families (not barren) with a free member; the interaction graph.
    fac = np.empty(n_nodes, dtype=np.int64)
    nfac = 0
    adj = np.zeros((nf, nf), dtype=np.bool_)
    for j in range(n_nodes):
        if status[i, j] == BARREN:
            continue
        free = False
        for a in range(fam_ptr[j], fam_ptr[j + 1]):
            if pos[fam_var[a]] >= 0:
                free = True
                for b in range(fam_ptr[j], fam_ptr[j + 1]):
                    if pos[fam_var[b]] >= 0 and b != a:
                        adj[pos[fam_var[a]], pos[fam_var[b]]] = True
        if free:
            fac[nfac] = j
            nfac += 1
    member = np.zeros((nf, nf), dtype=np.bool_)
    step_of = np.empty(nf, dtype=np.int64)
    order = np.empty(nf, dtype=np.int64)
    csize = np.empty(nf)
    ssize = np.empty(nf)
    _eliminate(nf, adj, card, member, step_of, order, csize, ssize)
    # The elimination tree; a parent clique equal to a step's separator merges into it.
    rep = np.arange(nf)
    link = np.full(nf, -1, dtype=np.int64)
    for t in range(nf):
        p = -1
        for u in range(nf):
            if member[t, u] and u != order[t] and (p < 0 or step_of[u] < p):
                p = step_of[u]
        if p < 0:
            continue
        if rep[p] == p and csize[p] == ssize[t]:
            rep[p] = rep[t]
        else:
            link[t] = p
    cid = np.full(nf, -1, dtype=np.int64)
    nc = 0
    for t in range(nf):
        if rep[t] == t:
            cid[t] = nc
            nc += 1
    first = np.empty(nc, dtype=np.int64)  # the step whose clique it is
    cpar = np.full(nc, -1, dtype=np.int64)
    sep_step = np.full(nc, -1, dtype=np.int64)
    for t in range(nf):
        if rep[t] == t:
            first[cid[t]] = t
        if link[t] >= 0:
            c = cid[rep[t]]
            cpar[c] = cid[rep[link[t]]]
            sep_step[c] = t
    # Digits (free variables, increasing), sizes and offsets of cliques and separators.
    dig_ptr = np.zeros(nc + 1, dtype=np.int64)
    sep_ptr = np.zeros(nc + 1, dtype=np.int64)
    for c in range(nc):
        nd = 0
        ns = 0
        for u in range(nf):
            if member[first[c], u]:
                nd += 1
            if sep_step[c] >= 0 and member[sep_step[c], u] and u != order[sep_step[c]]:
                ns += 1
        dig_ptr[c + 1] = dig_ptr[c] + nd
        sep_ptr[c + 1] = sep_ptr[c] + ns
    dig_var = np.empty(dig_ptr[nc], dtype=np.int64)
    dcard = np.empty(dig_ptr[nc], dtype=np.int64)
    sep = np.empty(max(sep_ptr[nc], 1), dtype=np.int64)
    psi_off = np.zeros(nc + 1, dtype=np.int64)
    msg_off = np.zeros(nc + 1, dtype=np.int64)
    for c in range(nc):
        d = dig_ptr[c]
        s = sep_ptr[c]
        for u in range(nf):
            if member[first[c], u]:
                dig_var[d] = u
                dcard[d] = int(card[u])
                d += 1
            if sep_step[c] >= 0 and member[sep_step[c], u] and u != order[sep_step[c]]:
                sep[s] = u
                s += 1
        psi_off[c + 1] = psi_off[c] + int(csize[first[c]])
        msg_off[c + 1] = msg_off[c] + (int(ssize[sep_step[c]]) if sep_step[c] >= 0 else 0)
    # Collect order: deeper cliques first.
    depth = np.zeros(nc, dtype=np.int64)
    for c in range(nc):
        p = cpar[c]
        while p >= 0:
            depth[c] += 1
            p = cpar[p]
    collect = np.argsort(-depth, kind="mergesort")
    # Each factor's home: the clique of its first-eliminated free member.
    home = np.empty(nfac, dtype=np.int64)
    for f in range(nfac):
        j = fac[f]
        best = nf
        for m in range(fam_ptr[j], fam_ptr[j + 1]):
            u = pos[fam_var[m]]
            if u >= 0 and step_of[u] < best:
                best = step_of[u]
        home[f] = cid[rep[best]]
    width = n_nodes + 2 * nf + 1
    srcm = np.zeros((width, max(nf, 1)), dtype=np.bool_)
    for c in range(nc):
        _order_digits(c, nf, nc, dig_ptr, dig_var, dcard, card, home, nfac, fac, fam_ptr, fam_var, pos, sep, sep_ptr, cpar, srcm)
    # Workspace: clique tables, upward and downward messages, the case's soft likelihoods.
    n_soft = soft.shape[1]
    up0 = psi_off[nc]
    down0 = up0 + msg_off[nc]
    soft0 = down0 + msg_off[nc]
    big = 0  # the largest bin (:mod:`crampnet.inference._embins`): a clique's entries >> shift
    for c in range(nc):
        big = max(big, (psi_off[c + 1] - psi_off[c]) >> shift)
    scr0 = soft0 + n_soft
    need = scr0 + width * big  # clique tables are written before they are read; messages are sums
    ws = pool if need <= pool.shape[0] else np.empty(need)
    for s in range(up0, soft0):
        ws[s] = 0.0
    for s in range(n_soft):
        ws[soft0 + s] = soft[i, s]
    idx = np.empty(width, dtype=np.int64)
    strides = np.empty((width, max(nf, 1)), dtype=np.int64)
    scale = np.empty(width)
    span = BLOCK  # a block holds at least one digit, whatever its states
    for u in range(nf):
        span = max(span, int(card[u]))
    offsets = np.empty((width, span), dtype=np.int64)
    run = np.empty(width, dtype=np.int64)
    dig = np.zeros(max(nf, 1), dtype=np.int64)
    buf = np.empty(span)
    ints = np.empty((7, width), dtype=np.int64)
    mats = np.empty((2, width, max(nf, 1)), dtype=np.int64)
    bmask = np.empty((width, max(nf, 1)), dtype=np.bool_)
    for ci in range(nc):
        c = collect[ci]
        d0 = dig_ptr[c]
        nd = dig_ptr[c + 1] - d0
        k = 0
        for f in range(nfac):
            if home[f] == c:
                j = fac[f]
                idx[k] = _family_base(i, j, codes, tab_off, fam_ptr, fam_var, fam_stride, pos)
                family_strides(nd, dig_var, d0, fam_var, fam_stride, fam_ptr[j], fam_ptr[j + 1], pos, strides, k)
                k += 1
        n_tab = k
        for d in range(nd):
            u = dig_var[d0 + d]
            if status[i, fv[u]] == SOFT and cid[rep[step_of[u]]] == c:
                idx[k] = soft0 + soft_off[fv[u]]
                for dd in range(nd):
                    strides[k, dd] = 1 if dd == d else 0
                k += 1
        for g in range(nc):
            if cpar[g] == c:
                idx[k] = up0 + msg_off[g]
                separator_strides(nd, dig_var, d0, sep, sep_ptr[g], sep_ptr[g + 1], card, strides, k)
                k += 1
        size = psi_off[c + 1] - psi_off[c]
        k, n_tab = collect_bins(ws, scr0, nd, dcard, d0, tab, n_tab, idx, strides, k, size >> shift, ints, mats, bmask, offsets, run, dig, buf)
        out = 0
        if cpar[c] >= 0:  # the message to the parent, summed in the product's sweep
            idx[k] = up0 + msg_off[c]
            separator_strides(nd, dig_var, d0, sep, sep_ptr[c], sep_ptr[c + 1], card, strides, k)
            out = 1
        total = product(ws, psi_off[c], size, nd, dcard, d0, tab, n_tab, idx, strides, k, out, offsets, run, dig, buf)
        if out == 0:
            if total <= 0.0:
                return 1
            if total < TINY:
                return 2
            continue
        flag = rescale(ws, up0 + msg_off[c], up0 + msg_off[c + 1])
        if flag != 0:
            return flag
    # Distribute, root first; each counted family's marginal goes to the counts.
    for ci in range(nc - 1, -1, -1):
        c = collect[ci]
        d0 = dig_ptr[c]
        nd = dig_ptr[c + 1] - d0
        size = psi_off[c + 1] - psi_off[c]
        mul = 0
        if cpar[c] >= 0:  # the parent's message, multiplied in by count_bins's sweep (last row)
            idx[width - 1] = down0 + msg_off[c]
            separator_strides(nd, dig_var, d0, sep, sep_ptr[c], sep_ptr[c + 1], card, strides, width - 1)
            mul = 1
        # The children's messages and the counted families' counts, through bins of the belief's marginals.
        k = 0
        for g in range(nc):
            if cpar[g] == c:
                ints[0, k] = down0 + msg_off[g]
                separator_strides(nd, dig_var, d0, sep, sep_ptr[g], sep_ptr[g + 1], card, mats[0], k)
                k += 1
        n = 0
        for f in range(nfac):
            j = fac[f]
            if home[f] == c and count[i, j]:
                ints[0, k + n] = _family_base(i, j, codes, tab_off, fam_ptr, fam_var, fam_stride, pos)
                family_strides(nd, dig_var, d0, fam_var, fam_stride, fam_ptr[j], fam_ptr[j + 1], pos, mats[0], k + n)
                n += 1
        if count_bins(ws, psi_off[c], size, nd, dcard, d0, cnt, idx, strides, scale, k, n, weight, mul, scr0, size >> shift, ints, mats, bmask, offsets, run, dig, buf):
            return 1
        for g in range(nc):
            if cpar[g] == c:
                for s in range(msg_off[g], msg_off[g + 1]):
                    u = ws[up0 + s]
                    ws[down0 + s] = ws[down0 + s] / u if u > 0.0 else 0.0
                rescale(ws, down0 + msg_off[g], down0 + msg_off[g + 1])
    return 0


def family_counts(
    cards: Any, fam_ptr: Any, fam_var: Any, fam_stride: Any, tab_off: Any, tab: Any, status: Any, codes: Any, count: Any,
    soft: Any, soft_off: Any, weights: Any, cnt: Any, flags: Any, a: int, b: int, shift: int,
) -> None:  # fmt: skip
    """Cases ``a .. b``: add their expected family counts to ``cnt`` (flat, as ``tab``); ``flags`` per case as :func:`case_counts`.

    Parameters
    ----------
    cards : numpy.ndarray
        int64 ``(nodes,)``: each node's number of states.
    fam_ptr, fam_var, fam_stride, tab_off : numpy.ndarray
        int64: the families, flat (:class:`crampnet.inference._emkernel.Families`):
        pointers per node, members, their strides in the node's table, and
        where each table starts in ``tab``.
    tab : numpy.ndarray
        float64: every node's table, flat.
    status, codes : numpy.ndarray
        int64 ``(cases, nodes)``: each node's status (``BARREN``, ``HARD``,
        ``KEPT``, ``SOFT``) and observed state.
    count : numpy.ndarray
        bool ``(cases, nodes)``: whether to count the node's family in the case.
    soft : numpy.ndarray
        float64 ``(cases, columns)``: the soft likelihoods, side by side.
    soft_off : numpy.ndarray
        int64 ``(nodes,)``: each soft node's first column in ``soft``.
    weights : numpy.ndarray
        float64 ``(cases,)``: how many times each case counts.
    cnt : numpy.ndarray
        float64, laid out as ``tab``: the counts, added to.
    flags : numpy.ndarray
        int64 ``(cases,)``: rows ``a .. b`` receive 0 (counted), 1
        (impossible) or 2 (near underflow).
    a, b : int
        The range of cases.
    shift : int
        A clique's bins hold at most its entries ``>> shift`` (:mod:`crampnet.inference._embins`).
    """
    pool = np.empty(POOL)  # each case's workspace, unless it needs more: its pages are mapped once, not per case
    for i in range(a, b):
        flags[i] = case_counts(i, cards, fam_ptr, fam_var, fam_stride, tab_off, tab, status, codes, count, soft, soft_off, weights[i], cnt, shift, pool)
