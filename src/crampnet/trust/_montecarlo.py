"""Run many parameter sets through a pruned junction tree (Monte Carlo over parameters).

For the uncertainty and sensitivity modules (EM's family marginals are a
query of the same engine, used by :mod:`crampnet.trust._em`):

- :func:`batch_posteriors` gives the posteriors of one case under each row
  of a batch of parameter vectors. It runs on the sub-network that matters
  for the query: nodes that are neither observed nor ancestors of an
  observed or queried node are barren (their tables sum to one and drop
  out), so they are pruned exactly. A noisy-OR finding observed at its
  negative state is not kept either: ``P(no | x) = (1 - leak) * prod_i
  q_i(x_i)`` is a product of one-parent factors, so it enters as a
  likelihood vector on each parent, one per draw (each draw has its own
  ``q_i``). One answered "yes" has ``P(yes | x) = 1 - (1 - leak) *
  prod_i q_i(x_i)``, two signed terms of one-parent factors (Heckerman's
  Quickscore); with one parent that is a likelihood vector too, and with
  more it may leave the tree as a signed binary variable (see
  :func:`batch_posteriors`). Only the findings observed otherwise stay in
  the tree, compiled once per model and set of kept nodes
  (:mod:`crampnet.trust._pruned`); its clique potentials are rebuilt in one
  batched assembly per chunk of draws. Wide trees (many findings observed)
  run their draws in the compiled kernel when it is ready, each draw with
  its own node tables (:func:`crampnet.inference._drawpass.draw_marginals`),
  on the same tree with the findings it keeps summed out at once (observed
  leaves: each becomes a factor over its parents, :class:`~crampnet.trust._pruned.Pruned`).

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.trust._montecarlo import batch_posteriors
>>> from crampnet.trust._parameters import parameter_space
>>> model = crampnet.load()
>>> out = batch_posteriors(model, {}, parameter_space(model).point[None, :])
>>> bool(np.allclose(out[0], model.posteriors({}).reindex(model.conditions)))
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from crampnet.inference._drawpass import draw_marginals
from crampnet.inference._nesting import each_row
from crampnet.network.batch import LOG_SPLIT, merge_split, split_tiny
from crampnet.trust._distributions import draw_parameters
from crampnet.trust._logdraws import below_safe
from crampnet.trust._noisyor import _noisy_or_slots, _signed_factors
from crampnet.trust._parameters import parameter_space
from crampnet.trust._pruned import Pruned, absorbable, relevant_nodes
from crampnet.trust._pruned import pruned as _pruned

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["CHUNK_ENTRIES", "DRAW_BYTES", "batch_posteriors", "drawn_posteriors", "relevant_nodes"]

#: The most memory (bytes) the parameter draws of one chunk of :func:`drawn_posteriors` (and of ``drawn_tables``) take.
DRAW_BYTES = 256 * 2**20

#: Bound on clique-table entries times rows held at once.
CHUNK_ENTRIES = 4_000_000
#: Largest accepted bound on ``sum |terms| / P(evidence)`` for a draw run on the signed tree
#: (:func:`batch_posteriors`); its cancellation error grows as this ratio times ~1e-16.
#: Draws over it run on the tree that keeps the positive findings.
CONDITION = 1e5
#: When numpy's tree (the signed one, or else the one keeping the findings)
#: has at least this many clique entries, the draws may run on the tree
#: keeping the findings in the compiled kernel, if it is ready
#: (:meth:`~crampnet.inference._kerneltree.KernelTree.kernel_ready`) and
#: :data:`KERNEL_LIVE_RATIO` allows. Measured for 1,000 draws, kernel loaded,
#: 2 cores (``benchmarks/bench_trust.py`` cases and subsets of its nine "yes"
#: answers, session 15): the kernel was never slower on trees of 16,044
#: numpy entries and up (no findings: 0.44 s against 0.54 s; both are then
#: mostly the building of the draws' tables, ~0.2 s), so this is the
#: smallest tree measured, not a crossover.
KERNEL_TREE_ENTRIES = 16_000
#: The kernel runs the draws only while the live entries of its tree (the
#: one keeping the findings, those summed out at once) are at most this many
#: times numpy's entries. Measured as above (seconds for 1,000 draws, numpy
#: then kernel; live entries over numpy's): six findings 0.77 / 0.39 (0.53);
#: nine "yes" answers 1.39 / 0.78 (1.28); twenty findings 1.01 / 0.95
#: (2.06); three to seven of the nine "yes" answers 0.76-0.88 / 0.83-1.00
#: (2.6-4.0). The kernel's time grew with its live entries (about 0.25 s
#: plus 3.2 us per live entry per 1,000 draws); numpy's, about 13 ns per
#: entry per draw, with more spread. The earlier rule (the kernel's tree at
#: most twice numpy's, from 100,000 numpy entries) predates the fused sweeps
#: of :mod:`crampnet.inference._drawloops` and kept every one of these in numpy.
KERNEL_LIVE_RATIO = 1.5
#: Node-table entries times draws per chunk run in the compiled kernel (:func:`~crampnet.inference._drawpass.draw_marginals`,
#: :attr:`~crampnet.trust._pruned.Pruned.table_entries` per draw): a chunk
#: holds its tables, and the kernel's input (about a third as many
#: numbers on the every-finding case of ``benchmarks/bench_trust.py``,
#: 44,491 table entries per draw, so 359 draws per chunk); the kernel's own
#: buffers hold its messages for a block of draws per thread.
KERNEL_CHUNK_ENTRIES = 16_000_000
#: A run over a chunk of draws: (rows, tables) -> (posteriors, log P(evidence), ok) per draw.
_Run = Callable[[np.ndarray, Mapping[str, np.ndarray]], tuple[np.ndarray, np.ndarray, np.ndarray]]


def _observed_at(model: BaseModel, vectors: Mapping[str, np.ndarray], *, positive: bool) -> list[str]:
    """The noisy-OR findings of ``vectors`` observed exactly at their positive (or negative) state."""
    out = []
    for nid, slots in _noisy_or_slots(model).items():
        vec = vectors.get(nid)
        if vec is not None:
            arr = np.asarray(vec, dtype=float).reshape(-1)
            state = 1 - slots.negative if positive else slots.negative
            if arr[state] == 1.0 and np.count_nonzero(arr) == 1:
                out.append(nid)
    return out


def _absorbed(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> list[str]:
    """The noisy-OR findings of ``vectors`` observed exactly at their negative state."""
    return _observed_at(model, vectors, positive=False)


def _positive(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> list[str]:
    """The noisy-OR findings of ``vectors`` observed exactly at their positive state."""
    return _observed_at(model, vectors, positive=True)


def drawn_posteriors(model: BaseModel, vectors: Mapping[str, np.ndarray], draws: int, rng: np.random.Generator, coverage: float) -> np.ndarray:
    """Condition posteriors with the file's values, then with each of ``draws`` parameter draws, drawn and run in chunks.

    A chunk holds at most :data:`DRAW_BYTES` of parameters (a fitted
    model's tables have tens of thousands of numbers); a call that fits in
    one chunk draws exactly as ``draw_parameters(model, draws, rng,
    coverage)`` does.

    Parameters
    ----------
    model : BaseModel
        A compiled model.
    vectors : mapping of str to numpy.ndarray
        One case: a likelihood vector per observed node.
    draws : int
        How many parameter draws.
    rng : numpy.random.Generator
        The generator drawn from, chunk after chunk.
    coverage : float
        The probability a range of the file is read to hold.

    Returns
    -------
    numpy.ndarray
        Shape ``(1 + draws, n_conditions)``: row 0 with the file's values,
        as :func:`batch_posteriors` (NaN where the evidence is impossible).
    """
    point = parameter_space(model).point
    size = max(1, DRAW_BYTES // (8 * point.size))
    rows = [batch_posteriors(model, vectors, point[None, :])]
    for start in range(0, draws, size):
        rows.append(batch_posteriors(model, vectors, draw_parameters(model, min(size, draws - start), rng, coverage)))
    return np.vstack(rows)


def batch_posteriors(model: BaseModel, vectors: Mapping[str, np.ndarray], theta: np.ndarray, query: Sequence[str] | None = None, *, signed: bool | None = None) -> np.ndarray:
    """P(present | evidence) of ``query`` for each row of ``theta``.

    Parameters
    ----------
    model : BaseModel
        The model whose :func:`~crampnet.trust._parameters.parameter_space` ``theta`` fills.
    vectors : mapping of str to numpy.ndarray
        One case: a likelihood vector per observed node.
    theta : numpy.ndarray
        Shape ``(batch, n_slots)``.
    query : sequence of str, optional
        Condition ids (default: all, in network order).
    signed : bool, optional
        Whether noisy-OR findings answered "yes" (with several parents)
        leave the tree as signed variables: by default when that is
        cheaper; True or False forces the choice (results never depend on
        it).

    Returns
    -------
    numpy.ndarray
        Shape ``(batch, len(query))``; NaN where the evidence is impossible
        under that row's parameters.

    Notes
    -----
    Noisy-OR findings answered "no", and those answered "yes" that have one
    parent, enter as per-draw likelihood vectors on their parents. Those
    answered "yes" with several parents either stay in the tree or, when
    that has fewer clique entries (counting half those of the tree without
    them, for the check below), become signed binary variables
    (:class:`~crampnet.trust._pruned.Pruned`): one exact pass over the signed tree per draw.

    Quickscore's other form, ``2^k`` pseudo-cases per draw on the tree
    without the ``k`` findings (1,948 entries per row on the shipped
    network), does not pay here: six "yes" answers of a cramp-like case cost
    124,672 entries per draw against 20,174 for the tree keeping them (9,322
    signed), nine of a restless-legs case 997,376 against 28,754 (22,214).

    Signed sums can cancel, so a draw is kept only if ``P(o) prod_f (2 -
    leak_f)``, which bounds the sum of the terms' magnitudes (``o``: the
    evidence other than those findings, one collect pass on its narrower
    tree), is at most :data:`CONDITION` times ``P(evidence)``; the other
    draws run on the tree that keeps the findings (and, unless ``signed``
    is True, so do all the draws after a chunk where most failed the
    check).

    When the tree numpy would run has at least :data:`KERNEL_TREE_ENTRIES`
    clique entries and the tree keeping the findings (with them summed
    out) at most :data:`KERNEL_LIVE_RATIO` times as many live entries,
    every draw runs on the latter in the compiled kernel, if that is ready (not on a signed tree: the kernel
    needs non-negative factors), with the findings it keeps summed out at
    once; the few draws it flags near underflow run again in numpy. Both
    give the same posteriors to rounding.

    Tiny likelihoods in very improbable draws are split and added up per
    draw, as :func:`~crampnet.network.batch.split_evaluate` does for one parameter set,
    and nested findings as :func:`crampnet.inference._nesting.each_row` says.

    Examples
    --------
    >>> import numpy as np
    >>> import crampnet
    >>> from crampnet.trust._montecarlo import batch_posteriors
    >>> from crampnet.trust._parameters import parameter_space
    >>> model = crampnet.load()
    >>> vectors = crampnet.network.evidence.normalise(model.spec, {"urge_to_move": "yes", "worse_evening": "yes"})
    >>> got = batch_posteriors(model, vectors, parameter_space(model).point[None, :])
    >>> expected = model.posteriors({"urge_to_move": "yes", "worse_evening": "yes"}).reindex(model.conditions)
    >>> bool(np.allclose(got[0], expected, rtol=0, atol=1e-12))
    True
    """
    theta = parameter_space(model).nest(theta)  # draws that break a nesting, as their tables are built
    return each_row(model.spec, vectors, lambda row: _split(model, row, theta, query, signed))[0]


def _split(model: BaseModel, vectors: Mapping[str, np.ndarray], theta: np.ndarray, query: Sequence[str] | None, signed: bool | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`batch_posteriors` of evidence with no nested pair, and ``log P(evidence)`` per row of ``theta``."""
    values, log_ev = _batch(model, vectors, theta, query, signed)
    low = np.flatnonzero(~(log_ev >= LOG_SPLIT))
    if low.size == 0 or not vectors:
        return values, log_ev
    rows, log_weight, _ = split_tiny({k: np.asarray(v, dtype=float).reshape(1, -1) for k, v in vectors.items()})
    if log_weight.size == 1 and not log_weight.any():
        return values, log_ev  # no tiny likelihood: nothing to add up
    parts = [_batch(model, {k: a[r] for k, a in rows.items()}, theta[low], query, signed) for r in range(log_weight.size)]
    owner = np.tile(np.arange(low.size), log_weight.size)  # part r's rows follow part r - 1's
    part_log = np.concatenate([lg + w for (_, lg), w in zip(parts, log_weight, strict=True)])
    values[low], log_ev[low] = merge_split(np.concatenate([v for v, _ in parts]), part_log, owner, low.size)
    return values, log_ev


def _batch(model: BaseModel, vectors: Mapping[str, np.ndarray], theta: np.ndarray, query: Sequence[str] | None, signed: bool | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`batch_posteriors` without the split of tiny likelihoods, and ``log P(evidence)`` per row."""
    compiled = model.compiled
    query = list(compiled.conditions) if query is None else list(query)
    asked = [(q, model.spec.nodes[q].states.index("present")) for q in query]
    noisy = _noisy_or_slots(model)
    negative = [nid for nid in _absorbed(model, vectors) if nid not in query]
    positive = [nid for nid in _positive(model, vectors) if nid not in query]
    single = [nid for nid in positive if len(noisy[nid].parents) == 1]
    several = [nid for nid in positive if nid not in single]
    kept = {nid: np.asarray(v, dtype=float).reshape(1, -1) for nid, v in vectors.items() if nid not in negative and nid not in single}
    linked = [p for nid in (*negative, *single) for p, *_ in noisy[nid].parents]

    def likelihoods(part: np.ndarray) -> dict[str, list[np.ndarray]]:
        out: dict[str, list[np.ndarray]] = {}
        for nid in negative:
            for (parent, *_), q in zip(noisy[nid].parents, noisy[nid].likelihoods(part), strict=True):
                out.setdefault(parent, []).append(q)
        for nid in single:
            out.setdefault(noisy[nid].parents[0][0], []).append(noisy[nid].positive(part))
        return out

    wide_keep = frozenset([*kept, *linked])
    out = np.full((theta.shape[0], len(query)), np.nan)
    log_out = np.full(theta.shape[0], -np.inf)
    rest = np.arange(theta.shape[0])
    wide = _pruned(model, wide_keep)
    use_signed = False
    if several and signed is not False:
        kept_other = {nid: v for nid, v in kept.items() if nid not in several}
        star = _pruned(model, frozenset([*kept_other, *linked, *(p for nid in several for p, *_ in noisy[nid].parents)]), frozenset(several))
        base = _pruned(model, frozenset([*kept_other, *linked]))
        use_signed = bool(signed) or star.per_row + base.per_row // 2 < wide.per_row
    numpy_entries = star.per_row + base.per_row // 2 if use_signed else wide.per_row
    # The kernel runs the wide tree (it takes no signed factors), with the findings it keeps summed out at once
    # (observed leaves): worth it while that tree's live entries are not many more than numpy's.
    lean = _pruned(model, wide_keep, frozenset(), absorbable(model, wide_keep, [nid for nid in kept if nid not in query])) if signed is not True and numpy_entries >= KERNEL_TREE_ENTRIES else None
    if lean is not None and lean.live_per_row <= KERNEL_LIVE_RATIO * numpy_entries and wide.tree.kernel_ready(theta.shape[0]):

        def kernel_run(part: np.ndarray, tables: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            sparse = lean.zeros_kept(tables)
            return _posteriors(lean, lean.factor_tables(tables, kept), lean.evidence(kept, likelihoods(part)), asked, part.shape[0], compiled=True, sparse=sparse)

        ok = _chunked(model, lean, theta, kernel_run, out, log_out=log_out, entries=KERNEL_CHUNK_ENTRIES, per_row=lean.table_entries)
        rest = np.flatnonzero(~ok)
    elif use_signed:
        leaks = [noisy[nid].leak for nid in star.signed]

        def signed_run(part: np.ndarray, tables: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            lik = likelihoods(part)
            factors = [g for nid in star.signed for g in _signed_factors(noisy[nid], part)]
            values, log_ev, _ = _posteriors(star, star.potentials(tables, factors), star.evidence(kept_other, lik), asked, part.shape[0])
            with np.errstate(invalid="ignore", divide="ignore"):
                log_other = base.tree.marginals(base.evidence(kept_other, lik), [], potentials=base.potentials(tables)).log_evidence
                log_bound = log_other + np.log(2.0 - part[:, leaks]).sum(axis=1)
            ok = np.isfinite(log_ev) & np.isfinite(log_other) & (log_bound - log_ev <= np.log(CONDITION))
            return values, log_ev, ok

        ok = _chunked(model, star, theta, signed_run, out, give_up=signed is None, log_out=log_out)
        rest = np.flatnonzero(~ok)
    if rest.size:

        def wide_run(part: np.ndarray, tables: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            values, log_ev, _ = _posteriors(wide, wide.potentials(tables), wide.evidence(kept, likelihoods(part)), asked, part.shape[0])
            return values, log_ev, np.isfinite(log_ev)

        part_out = np.full((rest.size, len(query)), np.nan)
        part_log = np.full(rest.size, -np.inf)
        _chunked(model, wide, theta[rest], wide_run, part_out, log_out=part_log)
        out[rest] = part_out
        log_out[rest] = part_log
    return below_safe(model, wide, kept, likelihoods, theta, asked, out, log_out)  # the float passes lose what is below ~1e-308


def _chunked(
    model: BaseModel, pruned: Pruned, theta: np.ndarray, run: _Run, out: np.ndarray, *, give_up: bool = False, log_out: np.ndarray | None = None,
    entries: int | None = None, per_row: int | None = None,
) -> np.ndarray:  # fmt: skip
    """Run ``run(rows, tables)`` over chunks of ``theta``; fill ``out`` and ``log_out`` where it says ok, return ok per row.

    A chunk holds ``entries`` (default :data:`CHUNK_ENTRIES`) clique entries,
    counting ``per_row`` per row (default: all of ``pruned``'s).

    With ``give_up``, stop after a chunk where fewer than half the rows are
    ok (the rest are then not ok either).
    """
    space = parameter_space(model)
    chunk = max(1, (CHUNK_ENTRIES if entries is None else entries) // max(1, pruned.per_row if per_row is None else per_row))
    ok = np.zeros(theta.shape[0], dtype=bool)
    for start in range(0, theta.shape[0], chunk):
        part = theta[start : start + chunk]
        values, log_ev, good = run(part, space.tables(part, pruned.nodes))
        rows = start + np.flatnonzero(good)
        out[rows] = values[good]
        if log_out is not None:
            log_out[rows] = log_ev[good]
        ok[rows] = True
        if give_up and 2 * rows.size < part.shape[0]:
            break
    return ok


def _posteriors(
    pruned: Pruned, potentials: list[np.ndarray], evidence: Mapping[int, np.ndarray], query: Sequence[tuple[str, int]], n: int, *, compiled: bool = False,
    sparse: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """P(query node at the given state), ``log P(evidence)`` and ok (the compiled kernel's flag is not raised) for the ``n`` rows of one chunk.

    ``potentials`` are the tree's clique potentials, or with ``compiled``
    its factor tables (:meth:`~crampnet.trust._pruned.Pruned.factor_tables`).
    """
    targets = [pruned.var[q] for q, _ in query]
    values = np.empty((n, len(query)))
    if compiled:
        marginals, log_ev, flagged = draw_marginals(pruned.tree, potentials, evidence, targets, sparse=sparse)
        for j, (_, state) in enumerate(query):
            values[:, j] = marginals[j][:, state]
        return values, log_ev, ~flagged
    with np.errstate(invalid="ignore", divide="ignore"):
        result = pruned.tree.marginals(evidence, targets, potentials=potentials)
    for j, (var, (_, state)) in enumerate(zip(targets, query, strict=True)):
        values[:, j] = np.broadcast_to(result.marginals[var][:, state], (n,))
    return values, np.broadcast_to(result.log_evidence, (n,)), np.ones(n, dtype=bool)
