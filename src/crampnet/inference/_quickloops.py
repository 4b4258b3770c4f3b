"""The Quickscore loops of a case that :mod:`crampnet.inference._kernel` compiles with numba.

A case of Quickscore is a signed sum of pseudo-cases, one per choice of a
term for each observed finding (:mod:`crampnet.inference.quickscore`). The
Quickscore driver (:func:`crampnet.inference._loops.quickscore`) expands
each case's pseudo-cases into the columns of a block with these loops, runs
the block pass on them and sums their signed masses per case, so nothing
per pseudo-case is built in numpy. As in :mod:`crampnet.inference._loops`,
the functions are plain Python as written, at module level, and call each
other by name; :mod:`crampnet.inference._kernel` compiles them (and caches
them on disk). Only :mod:`crampnet.inference._loops` imports this module.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["NORMAL", "accumulate", "candidates", "count", "finish", "pseudo_case"]

#: The smallest normal float (``numpy.finfo(float).tiny``): a pseudo-case's
#: weight or evidence below it has lost digits to underflow.
NORMAL = 2.2250738585072014e-308


def count(observed: Any, terms: Any, cap: int, counts: Any, status: Any) -> int:
    """Each case's number of pseudo-cases (0 and status 1 over ``cap``, status 2 for none); their total.

    Parameters
    ----------
    observed : numpy.ndarray
        float64 ``(finding states, cases)``: the decomposed findings' likelihoods.
    terms : tuple of numpy.ndarray
        int64: the flattened terms (:func:`crampnet.inference._loops.quickscore`),
        of which ``state_ptr``, ``finding_row`` and ``finding_card`` are read.
    cap : int
        The most pseudo-cases a case may have.
    counts : numpy.ndarray
        int64 ``(cases,)``: receives each case's count.
    status : numpy.ndarray
        int64 ``(cases,)``: receives 0, 1 (over ``cap``) or 2 (no pseudo-case).

    Returns
    -------
    int
        The sum of ``counts``.
    """
    state_ptr, finding_row, finding_card = terms[0], terms[1], terms[2]
    total = 0
    for c in range(observed.shape[1]):
        pseudo = 1
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
                pseudo = min(pseudo * m, cap + 1)
        status[c] = 1 if pseudo > cap else (2 if pseudo == 0 else 0)
        counts[c] = pseudo if pseudo <= cap else 0
        total += counts[c]
    return total


def candidates(observed: Any, c: int, terms: Any, weights: Any, cand_t: Any, cand_w: Any, f_start: Any, f_count: Any) -> int:
    """Case ``c``'s observed findings: per finding, its candidate terms and their weights; returns how many findings.

    ``terms`` = (state_ptr, finding_row, finding_card, ...): finding ``i``'s
    states are rows ``finding_row[i] ..`` of ``observed``; state row ``r``
    owns terms ``state_ptr[r] .. state_ptr[r + 1]`` of weights ``weights``.
    A state observed with likelihood ``lam`` contributes its terms times ``lam``.

    Parameters
    ----------
    observed : numpy.ndarray
        float64 ``(finding states, cases)``: the decomposed findings' likelihoods.
    c : int
        The case (column of ``observed``).
    terms : tuple of numpy.ndarray
        int64: the flattened terms (:func:`crampnet.inference._loops.quickscore`),
        of which ``state_ptr``, ``finding_row`` and ``finding_card`` are read.
    weights : numpy.ndarray
        float64: each term's signed weight.
    cand_t, cand_w : numpy.ndarray
        int64 and float64: receive the candidate terms and their weights, finding after finding.
    f_start, f_count : numpy.ndarray
        int64: receive each observed finding's first candidate and number of candidates.

    Returns
    -------
    int
        The number of findings the case observes (not all ones).
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


def pseudo_case(direct: Any, c: int, idx: int, n_obs: int, terms: Any, values: Any, cand_t: Any, cand_w: Any, f_start: Any, f_count: Any, ev: Any, k: int) -> float:
    """Write pseudo-case ``idx`` of case ``c`` into column ``k`` of ``ev``; return its weight.

    ``terms[3:]`` = (term_ptr, factor_row, factor_card, factor_off): term
    ``t`` owns factors ``term_ptr[t] .. term_ptr[t + 1]``, each multiplying
    the evidence rows ``factor_row[j] ..`` by ``values[factor_off[j] ..]``.

    Parameters
    ----------
    direct : numpy.ndarray
        float64 ``(evidence states, cases)``: evidence on the tree's own variables.
    c : int
        The case.
    idx : int
        The pseudo-case, in mixed radix over the findings' candidates (the first fastest).
    n_obs : int
        The case's observed findings (:func:`candidates`).
    terms : tuple of numpy.ndarray
        int64: the flattened terms, of which ``terms[3:]`` are read.
    values : numpy.ndarray
        float64: the terms' factors, flat.
    cand_t, cand_w : numpy.ndarray
        int64 and float64: the candidate terms and their weights, finding after finding.
    f_start, f_count : numpy.ndarray
        int64: each observed finding's first candidate and number of candidates.
    ev : numpy.ndarray
        float64 ``(evidence states, block size)``: column ``k`` is written.
    k : int
        The column.

    Returns
    -------
    float
        The pseudo-case's weight: the product of its candidates' weights;
        0.0 if it, or a product of nonzero factors in its evidence, fell
        below the normal floats (``NORMAL``): rounded or lost terms
        that others may cancel, so the caller answers the case another way.
    """
    term_ptr, factor_row, factor_card, factor_off = terms[3], terms[4], terms[5], terms[6]
    for r in range(direct.shape[0]):
        ev[r, k] = direct[r, c]
    w = 1.0
    lost = False
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
                before = ev[row + x, k]
                ev[row + x, k] = before * values[off + x]
                if before != 0.0 and values[off + x] != 0.0 and abs(ev[row + x, k]) < NORMAL:
                    lost = True
    return 0.0 if lost or abs(w) < NORMAL else w


def accumulate(b: int, row_case: Any, row_w: Any, total: Any, scale: Any, flag: Any, res: Any, pick: Any, shift: Any, den: Any, spread: Any, num: Any, wide: Any, status: Any) -> None:
    """Add a block's signed pseudo-case masses to their cases (rescaled as larger ones come).

    Parameters
    ----------
    b : int
        Pseudo-cases in the block.
    row_case, row_w : numpy.ndarray
        ``(block size,)``: each pseudo-case's case (int64) and weight (float64).
    total, scale, flag, res : numpy.ndarray
        The block pass's results: root sums, log scales, underflow flags and
        marginals ``(query states, block size)``.
    pick : numpy.ndarray
        int64: the rows of ``res`` summed into ``num``.
    shift : numpy.ndarray
        float64 ``(cases,)``: each case's largest log mass so far, updated.
    den, spread : numpy.ndarray
        float64 ``(cases,)``: the signed and absolute sums of masses, relative to ``shift``.
    num, wide : numpy.ndarray
        float64 ``(cases, len(pick))``: the signed and absolute sums of mass times the picked marginals.
    status : numpy.ndarray
        int64 ``(cases,)``: set to 2 for a case with a flagged pseudo-case.
    """
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
                wide[c, q] *= f
            shift[c] = le
        m = row_w[k] * math.exp(le - shift[c])
        den[c] += m
        spread[c] += abs(m)
        a = abs(m)
        for q in range(pick.shape[0]):
            r = res[pick[q], k]
            num[c, q] += m * r
            wide[c, q] += a * r


def finish(den: Any, spread: Any, num: Any, wide: Any, shift: Any, condition: float, post: Any, log_ev: Any, status: Any) -> None:
    """Posteriors of the answered cases; status 2 where a sum has no mass or cancels too much.

    A posterior is ``num / den``: ``num`` cancelling more than ``condition``
    times (``wide`` against ``num``) loses the relative precision of a small
    posterior even where ``den`` keeps its own, so that fails the case too
    (as ``_quickscore_path.well_conditioned`` checks in numpy).

    Parameters
    ----------
    den, spread, num, wide, shift : numpy.ndarray
        The sums of :func:`accumulate`.
    condition : float
        Largest accepted ``spread / den`` and ``wide / num``.
    post : numpy.ndarray
        float64 ``(cases, picks)``: receives ``num / den`` clipped to [0, 1].
    log_ev : numpy.ndarray
        float64 ``(cases,)``: receives ``log(den) + shift``.
    status : numpy.ndarray
        int64 ``(cases,)``: cases not 0 are skipped; set to 2 where the sum fails.
    """
    for c in range(den.shape[0]):
        if status[c] != 0:
            continue
        ok = den[c] > 0.0 and spread[c] <= condition * den[c]
        for q in range(num.shape[1]):
            if not wide[c, q] <= condition * num[c, q]:
                ok = False
        if ok:
            for q in range(num.shape[1]):
                v = num[c, q] / den[c]
                post[c, q] = 0.0 if v < 0.0 else (1.0 if v > 1.0 else v)
            log_ev[c] = math.log(den[c]) + shift[c]
        else:
            status[c] = 2
