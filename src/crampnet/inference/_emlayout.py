"""The layout of an EM case's junction tree (:mod:`crampnet.inference._emloops`), compiled by :mod:`crampnet.inference._kernel`.

Greedy min-weight elimination of a case's free variables (one clique per
step), the order of each clique's digits (innermost first, so that each
table it reads or writes ends early), and where a family's table starts
once the case's observed members are sliced out. Plain Python as written.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__: list[str] = []


def _eliminate(nf: int, adj: Any, card: Any, member: Any, step_of: Any, order: Any, csize: Any, ssize: Any) -> None:
    """Greedy min-weight elimination of the ``nf`` free variables: per step its variable and clique."""
    alive = np.ones(nf, dtype=np.bool_)
    for t in range(nf):
        best = -1
        weight = 0.0
        for v in range(nf):
            if alive[v]:
                w = card[v]
                for u in range(nf):
                    if alive[u] and adj[v, u]:
                        w *= card[u]
                if best < 0 or w < weight:
                    best = v
                    weight = w
        v = best
        step_of[v] = t
        order[t] = v
        for u in range(nf):
            member[t, u] = u == v or (alive[u] and adj[v, u])
        for u in range(nf):
            if member[t, u] and u != v:
                for x in range(nf):
                    if member[t, x] and x != v and x != u:
                        adj[u, x] = True
        alive[v] = False
        csize[t] = weight
        ssize[t] = weight / card[v]


def _order_digits(
    c: int, nf: int, nc: int, dig_ptr: Any, dig_var: Any, dcard: Any, card: Any, home: Any, nfac: int, fac: Any, fam_ptr: Any, fam_var: Any,
    pos: Any, sep: Any, sep_ptr: Any, cpar: Any, srcm: Any,
) -> None:  # fmt: skip
    """Lay out clique ``c``'s digits, innermost first: the variable in the fewest of its tables, then in the fewest of those left.

    A table (factor or message) whose variables all lie before a digit is
    read or written once per value of those variables only
    (:func:`crampnet.inference._emtables.product`, :func:`crampnet.inference._emtables.scatter`), so each table should end early.
    """
    n_src = 0
    for f in range(nfac):
        if home[f] == c:
            j = fac[f]
            for u in range(nf):
                srcm[n_src, u] = False
            for m in range(fam_ptr[j], fam_ptr[j + 1]):
                if pos[fam_var[m]] >= 0:
                    srcm[n_src, pos[fam_var[m]]] = True
            n_src += 1
    for g in range(nc):
        if (g == c and cpar[c] >= 0) or cpar[g] == c:
            for u in range(nf):
                srcm[n_src, u] = False
            for q in range(sep_ptr[g], sep_ptr[g + 1]):
                srcm[n_src, sep[q]] = True
            n_src += 1
    d0 = dig_ptr[c]
    nd = dig_ptr[c + 1] - d0
    alive = np.ones(max(n_src, 1), dtype=np.bool_)
    placed = np.zeros(nd, dtype=np.bool_)
    laid = np.empty(nd, dtype=np.int64)
    for slot in range(nd - 1, -1, -1):
        best = -1
        fewest = 0
        for d in range(nd):
            if not placed[d]:
                held = 0
                for r in range(n_src):
                    if alive[r] and srcm[r, dig_var[d0 + d]]:
                        held += 1
                if best < 0 or held < fewest:
                    best = d
                    fewest = held
        placed[best] = True
        laid[slot] = dig_var[d0 + best]
        for r in range(n_src):
            if srcm[r, laid[slot]]:
                alive[r] = False
    for d in range(nd):
        dig_var[d0 + d] = laid[d]
        dcard[d0 + d] = int(card[laid[d]])


def _family_base(i: int, j: int, codes: Any, tab_off: Any, fam_ptr: Any, fam_var: Any, fam_stride: Any, pos: Any) -> int:
    """Where family ``j``'s table starts for case ``i``: its offset, moved along each member the case pins (``pos < 0``) to its observed state."""
    base = tab_off[j]
    for m in range(fam_ptr[j], fam_ptr[j + 1]):
        if pos[fam_var[m]] < 0:
            base += codes[i, fam_var[m]] * fam_stride[m]
    result: int = base
    return result
