"""The Quickscore loops that :mod:`crampnet.inference._kernel` compiles with numba.

A case of Quickscore is a signed sum of pseudo-cases, one per choice of a
term for each observed finding (:mod:`crampnet.inference.quickscore`). The
driver that :func:`make` builds expands each case's pseudo-cases into the
columns of a block, runs the block pass of :mod:`crampnet.inference._loops`
on them and sums their signed masses per case, so nothing per pseudo-case is
built in numpy. As in :mod:`crampnet.inference._loops`, the functions are
plain Python as written and :func:`make` wires them together through closures
(``make(numba.njit(...), block)`` compiles each one once); only
:mod:`crampnet.inference._loops` imports this module.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["make"]


def make(jit: Callable[[Any], Any], block: Callable[..., None]) -> Callable[..., None]:
    """The Quickscore driver, every loop compiled by ``jit``; ``block`` is the (compiled) block pass of :mod:`crampnet.inference._loops`."""
    count, candidates, pseudo_case, accumulate, finish = (jit(f) for f in (_count, _candidates, _pseudo_case, _accumulate, _finish))

    def quickscore(
        st: Any, pg: Any, potential: Any, direct: Any, observed: Any, terms: Any, values: Any, weights: Any,
        pick: Any, n_out: int, cap: int, condition: float, post: Any, log_ev: Any, status: Any, n_messages: int, width: int, size: int,
    ) -> None:  # fmt: skip
        """Expand, evaluate and sum the pseudo-cases of every case, a block at a time.

        ``direct`` (evidence states x cases) is the evidence on the tree's own
        variables; ``observed`` (finding states x cases) the likelihoods of
        the decomposed findings; ``terms``, ``values``, ``weights``: see
        :func:`_candidates` and :func:`_pseudo_case`. A case's pseudo-cases
        pick one term per observed finding (mixed radix); their signed
        masses are summed per case with a running log-sum-exp
        (:func:`_accumulate`). ``status``: 0 answered (``post``: the ``pick``
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
            fill_ = min(size, total_pseudo - done)
            for k in range(fill_):
                if c < 0 or idx == counts[c]:
                    c += 1
                    while counts[c] == 0:
                        c += 1
                    idx = 0
                    n_obs = candidates(observed, c, terms, weights, cand_t, cand_w, f_start, f_count)
                row_w[k] = pseudo_case(direct, c, idx, n_obs, terms, values, cand_t, cand_w, f_start, f_count, ev, k)
                row_case[k] = c
                idx += 1
            block(st, pg, potential, ev, 0, fill_, local, up, down, tmp, scale, total, res, flag, mx, lo)
            accumulate(fill_, row_case, row_w, total, scale, flag, res, pick, shift, den, spread, num, status)
            done += fill_
        finish(den, spread, num, shift, condition, post, log_ev, status)

    driver: Callable[..., None] = jit(quickscore)
    return driver


def _count(observed: Any, terms: Any, cap: int, counts: Any, status: Any) -> int:
    """Each case's number of pseudo-cases (0 and status 1 over ``cap``, status 2 for none); their total."""
    state_ptr, finding_row, finding_card = terms[0], terms[1], terms[2]
    total = 0
    for c in range(observed.shape[1]):
        count = 1
        for i in range(finding_row.shape[0]):
            r0 = finding_row[i]
            m = 0
            seen = False
            for s in range(finding_card[i]):
                lam = observed[r0 + s, c]
                if lam != 1.0:
                    seen = True
                if lam != 0.0:
                    m += state_ptr[r0 + s + 1] - state_ptr[r0 + s]
            if seen:
                count = min(count * m, cap + 1)
        status[c] = 1 if count > cap else (2 if count == 0 else 0)
        counts[c] = count if count <= cap else 0
        total += counts[c]
    return total


def _candidates(observed: Any, c: int, terms: Any, weights: Any, cand_t: Any, cand_w: Any, f_start: Any, f_count: Any) -> int:
    """Case ``c``'s observed findings: per finding, its candidate terms and their weights; returns how many findings.

    ``terms`` = (state_ptr, finding_row, finding_card, ...): finding ``i``'s
    states are rows ``finding_row[i] ..`` of ``observed``; state row ``r``
    owns terms ``state_ptr[r] .. state_ptr[r + 1]`` of weights ``weights``.
    A state observed with likelihood ``lam`` contributes its terms times ``lam``.
    """
    state_ptr, finding_row, finding_card = terms[0], terms[1], terms[2]
    n_obs = 0
    at = 0
    for i in range(finding_row.shape[0]):
        r0 = finding_row[i]
        seen = False
        for s in range(finding_card[i]):
            if observed[r0 + s, c] != 1.0:
                seen = True
        if not seen:
            continue
        f_start[n_obs] = at
        for s in range(finding_card[i]):
            lam = observed[r0 + s, c]
            if lam == 0.0:
                continue
            for t in range(state_ptr[r0 + s], state_ptr[r0 + s + 1]):
                cand_t[at] = t
                cand_w[at] = lam * weights[t]
                at += 1
        f_count[n_obs] = at - f_start[n_obs]
        n_obs += 1
    return n_obs


def _pseudo_case(direct: Any, c: int, idx: int, n_obs: int, terms: Any, values: Any, cand_t: Any, cand_w: Any, f_start: Any, f_count: Any, ev: Any, k: int) -> float:
    """Write pseudo-case ``idx`` of case ``c`` into column ``k`` of ``ev``; return its weight.

    ``terms[3:]`` = (term_ptr, factor_row, factor_card, factor_off): term
    ``t`` owns factors ``term_ptr[t] .. term_ptr[t + 1]``, each multiplying
    the evidence rows ``factor_row[j] ..`` by ``values[factor_off[j] ..]``.
    """
    term_ptr, factor_row, factor_card, factor_off = terms[3], terms[4], terms[5], terms[6]
    for r in range(direct.shape[0]):
        ev[r, k] = direct[r, c]
    w = 1.0
    rest = idx
    for o in range(n_obs):
        j = f_start[o] + rest % f_count[o]
        rest //= f_count[o]
        t = cand_t[j]
        w *= cand_w[j]
        for f in range(term_ptr[t], term_ptr[t + 1]):
            row = factor_row[f]
            off = factor_off[f]
            for x in range(factor_card[f]):
                ev[row + x, k] *= values[off + x]
    return w


def _accumulate(b: int, row_case: Any, row_w: Any, total: Any, scale: Any, flag: Any, res: Any, pick: Any, shift: Any, den: Any, spread: Any, num: Any, status: Any) -> None:
    """Add a block's signed pseudo-case masses to their cases (rescaled as larger ones come)."""
    for k in range(b):
        c = row_case[k]
        if flag[k]:
            status[c] = 2
        if not total[k] > 0.0:
            continue
        le = math.log(total[k]) + scale[k]
        if le > shift[c]:
            f = math.exp(shift[c] - le) if shift[c] > -math.inf else 0.0
            den[c] *= f
            spread[c] *= f
            for q in range(pick.shape[0]):
                num[c, q] *= f
            shift[c] = le
        m = row_w[k] * math.exp(le - shift[c])
        den[c] += m
        spread[c] += abs(m)
        for q in range(pick.shape[0]):
            num[c, q] += m * res[pick[q], k]


def _finish(den: Any, spread: Any, num: Any, shift: Any, condition: float, post: Any, log_ev: Any, status: Any) -> None:
    """Posteriors of the answered cases; status 2 where the sum has no mass or cancels too much."""
    for c in range(den.shape[0]):
        if status[c] != 0:
            continue
        if den[c] > 0.0 and spread[c] <= condition * den[c]:
            for q in range(num.shape[1]):
                v = num[c, q] / den[c]
                post[c, q] = 0.0 if v < 0.0 else (1.0 if v > 1.0 else v)
            log_ev[c] = math.log(den[c]) + shift[c]
        else:
            status[c] = 2
