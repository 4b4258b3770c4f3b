"""The loops of :mod:`crampnet.inference._drawpass`: a junction-tree pass where every case has its own factor tables.

Compiled by :mod:`crampnet.inference._kernel` with the other loops (plain
Python as written: tests run it on tiny trees). Monte Carlo over parameters
runs one case under many parameter draws, so every draw has its own node
tables. Rather than assembling each draw's clique potentials in memory (a
table as large as the tree per draw, streamed through the loops several
times), each clique entry's value is formed where it is needed: the
product of its factor tables and likelihood vectors (the clique's "slots":
each a map from the clique's entries to rows of the input, whose columns
are the draws), times the messages of its children. The collect pass
scatters that product onto the parent's separator; the distribute pass
forms it again, times the message from the parent, and scatters it onto
the query variables' marginals and the children's separators, all in one
sweep over the clique. Each entry is thus visited twice per draw, and only
the inputs (a few thousand rows per draw) and the messages are stored.

``st`` is a tree's structure (:meth:`crampnet.inference._arrays.Structure.arrays`);
``sl`` the slots, CSR by clique: pointers, the concatenated entry -> row
maps, each slot's offset in them and its first row in the input; ``pq``
the query placement (the last five arrays of
:meth:`crampnet.inference._arrays.Program.arrays`). Messages are rescaled
and flagged near underflow exactly as in :mod:`crampnet.inference._loops`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crampnet.inference._smallloops import (
    _divide,
    _log_scale,
    _normalise,
    _rescale,
    _start_pass,
    _store_block,
)

__all__ = ["draw_block", "draws"]


def draw_block(st: Any, sl: Any, pq: Any, inp: Any, b: int, up: Any, down: Any, acc: Any, scale: Any, total: Any, out: Any, flag: Any, mx: Any, lo: Any) -> None:
    """Collect and distribute (Hugin, rescaled) for the cases in the first ``b`` columns of ``inp`` (one block's input).

    As :func:`crampnet.inference._loops.block_pass`, with each entry's
    local value formed from the slots (see the module docstring).

    Parameters
    ----------
    st : tuple of numpy.ndarray
        The tree's structure (:meth:`crampnet.inference._arrays.Structure.arrays`).
    sl : tuple of numpy.ndarray
        The slots, CSR by clique (int64): pointers, entry -> row maps, each
        slot's offset in the maps, its first row in ``inp``.
    pq : tuple of numpy.ndarray
        The query placement (int64): pointers, maps, map offsets, first
        rows in ``out``, numbers of states.
    inp : numpy.ndarray
        float64 ``(input rows, block size)``: the block's factor-table and
        likelihood rows, one column per case.
    b : int
        How many columns (cases) of the block are used.
    up, down : numpy.ndarray
        float64 ``(messages, block size)``: the upward and downward
        messages (work, zeroed here).
    acc : numpy.ndarray
        float64 ``(block size,)``: one entry's value per case (work).
    scale : numpy.ndarray
        float64 ``(block size,)``: receives each case's log scale of the
        upward messages.
    total : numpy.ndarray
        float64 ``(block size,)``: receives each case's sum at the root.
    out : numpy.ndarray
        float64 ``(query states, block size)``: receives the normalised
        marginals (NaN where the case has no mass).
    flag : numpy.ndarray
        int64 ``(block size,)``: set to 1 where an upward message came near
        underflow, else 0.
    mx, lo : numpy.ndarray
        float64 ``(block size,)``: work of the rescaling.
    """
    size, eoff, order, parent, ch_ptr, ch_idx, ssize, soff, own, poff, pmap = st
    sl_ptr, sl_map, sl_moff, sl_row = sl
    q_ptr, q_map, q_moff, q_row, q_states = pq
    n_cliques = size.shape[0]
    _start_pass(scale, total, flag, up, down, out, b)
    # Collect: leaves first.
    for i in range(n_cliques - 1, -1, -1):
        c = order[i]
        p = parent[c]
        s0, s1, c0, c1 = sl_ptr[c], sl_ptr[c + 1], ch_ptr[c], ch_ptr[c + 1]
        for e in range(size[c]):
            # The product of the entry's slots and its children's upward messages
            # (written out here: a call per entry costs ~40% of the pass).
            if s1 > s0:
                r = sl_row[s0] + sl_map[sl_moff[s0] + e]
                for k in range(b):
                    acc[k] = inp[r, k]
            else:
                for k in range(b):
                    acc[k] = 1.0
            for s in range(s0 + 1, s1):
                r = sl_row[s] + sl_map[sl_moff[s] + e]
                for k in range(b):
                    acc[k] *= inp[r, k]
            for j in range(c0, c1):
                d = ch_idx[j]
                r = soff[d] + pmap[poff[d] + e]
                for k in range(b):
                    acc[k] *= up[r, k]
            if p < 0:
                for k in range(b):
                    total[k] += acc[k]
            else:
                r = soff[c] + own[eoff[c] + e]
                for k in range(b):
                    up[r, k] += acc[k]
        if p >= 0:
            _rescale(up, soff[c], soff[c] + ssize[c], b, mx, lo)
            _log_scale(mx, lo, scale, flag, b)
    # Distribute: root first; one sweep per clique feeds its queries and its children.
    for i in range(n_cliques):
        c = order[i]
        p = parent[c]
        s0, s1, c0, c1 = sl_ptr[c], sl_ptr[c + 1], ch_ptr[c], ch_ptr[c + 1]
        if c1 == c0 and q_ptr[c + 1] == q_ptr[c]:
            continue
        for e in range(size[c]):
            # As in the collect pass, then times the downward message.
            if s1 > s0:
                r = sl_row[s0] + sl_map[sl_moff[s0] + e]
                for k in range(b):
                    acc[k] = inp[r, k]
            else:
                for k in range(b):
                    acc[k] = 1.0
            for s in range(s0 + 1, s1):
                r = sl_row[s] + sl_map[sl_moff[s] + e]
                for k in range(b):
                    acc[k] *= inp[r, k]
            for j in range(c0, c1):
                d = ch_idx[j]
                r = soff[d] + pmap[poff[d] + e]
                for k in range(b):
                    acc[k] *= up[r, k]
            if p >= 0:
                r = soff[c] + own[eoff[c] + e]
                for k in range(b):
                    acc[k] *= down[r, k]
            for q in range(q_ptr[c], q_ptr[c + 1]):
                r = q_row[q] + q_map[q_moff[q] + e]
                for k in range(b):
                    out[r, k] += acc[k]
            for j in range(c0, c1):
                d = ch_idx[j]
                r = soff[d] + pmap[poff[d] + e]
                for k in range(b):
                    down[r, k] += acc[k]
        for j in range(c0, c1):
            d = ch_idx[j]
            _divide(down, up, soff[d], soff[d] + ssize[d], b)
            _rescale(down, soff[d], soff[d] + ssize[d], b, mx, lo)
    for q in range(q_row.shape[0]):
        _normalise(out, q_row[q], q_states[q], total, b, mx)


def draws(st: Any, sl: Any, pq: Any, inp: Any, out: Any, log_ev: Any, flags: Any, n_messages: int) -> None:
    """Normalised marginals (``out``: query states x cases), log P(evidence) and ``flags`` of every case.

    ``inp`` holds the input a block of cases at a time, ``(blocks, rows,
    block size)``: each block's rows are contiguous (its cases on the last
    axis, which the loops run over), and the cases run in that order; the
    last block may be partly unused.

    Parameters
    ----------
    st : tuple of numpy.ndarray
        The tree's structure (:meth:`crampnet.inference._arrays.Structure.arrays`).
    sl : tuple of numpy.ndarray
        The slots, CSR by clique (see :func:`draw_block`).
    pq : tuple of numpy.ndarray
        The query placement (the last five arrays of
        :meth:`crampnet.inference._arrays.Program.arrays`).
    inp : numpy.ndarray
        float64 ``(blocks, input rows, block size)``: the input, a block of
        cases at a time.
    out : numpy.ndarray
        float64 ``(query states, cases)``: receives the normalised marginals.
    log_ev : numpy.ndarray
        float64 ``(cases,)``: receives log P(evidence), ``-inf`` without mass.
    flags : numpy.ndarray
        int64 ``(cases,)``: receives 1 for a case near underflow, else 0.
    n_messages : int
        Rows of the message store (the structure's ``messages``).
    """
    n = out.shape[1]
    size = inp.shape[2]
    up = np.empty((n_messages, size))
    down = np.empty((n_messages, size))
    acc = np.empty(size)
    res = np.empty((out.shape[0], size))
    scale, total, mx, lo = np.empty(size), np.empty(size), np.empty(size), np.empty(size)
    flag = np.zeros(size, dtype=np.int64)
    for blk in range(inp.shape[0]):
        r0 = blk * size
        b = min(size, n - r0)
        draw_block(st, sl, pq, inp[blk], b, up, down, acc, scale, total, res, flag, mx, lo)
        _store_block(total, scale, flag, res, r0, b, log_ev, flags, out)
