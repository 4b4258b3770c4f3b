"""Every coalition of one case's evidence at once, from its distinct pseudo-cases.

An explanation by Shapley values (:mod:`crampnet.reasoning.explain`) needs
the condition posteriors under each of the ``2**n`` subsets ("coalitions")
of a case's ``n`` evidence entries. Scored as ``2**n`` separate rows, each
row expands into the Quickscore pseudo-cases of its observed findings
(:mod:`crampnet.inference.quickscore`), and the pseudo-cases of different
rows repeat one another: a "yes" answer ``1 - (1 - leak) prod_i q_i`` gives
every coalition that holds it the same two terms.

Here each entry ``i`` has a short list of distinct *options*: option 0 is
"no factor" (the entry left out, or a term whose factors are all ones); the
others are its terms' distinct factor sets (a decomposed finding) or its
likelihood vector (any other entry, which stays in the tree). A pseudo-case
picks one option per entry, so the grid of all of them has ``prod_i |O_i|``
cells (``2**n`` for hard "yes"/"no" answers and context entries), each run
once on one tree. A coalition's unnormalised results are then a linear map of
the grid along each axis: ``(out) = option 0`` and ``(in) = sum_t w_t
option(t)``, the signed sum of the entry's terms. The maps apply one axis at
a time (a tensor product), so the whole table costs ``O(n 2**n)`` additions
besides the grid's passes, against the ``sum over S of prod_{i in S} T_i``
pseudo-cases of the rows scored one by one (17,496 for the README's RLS case
against 1,024 here).

Exactness: the signed sums are those of the Quickscore path and are checked
the same way; a coalition whose sum is not positive or cancels more than
:data:`~crampnet.inference._quickscore_path.CONDITION` allows (its own, or a
condition's numerator: a posterior explained away to ~1e-20) is scored again
as an ordinary row by the caller's fallback. A case with soft likelihoods
below :data:`~crampnet.network.batch.TINY` (which the engine splits in log
space) is not handled here at all.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.inference._coalitions import coalition_grid
>>> compiled = crampnet.load().compiled
>>> items = [("urge_to_move", np.array([1.0, 0.0])), ("ferritin", np.array([1.0, 0.0]))]
>>> post, log_ev, good = coalition_grid(compiled, items)
>>> post.shape == (4, len(compiled.conditions)), bool(good.all()), abs(float(log_ev[0])) < 1e-12  # row 0: no evidence
(True, True, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from crampnet.inference._expansion import option_terms
from crampnet.inference._pruning import reduced
from crampnet.inference._quickscore_path import CONDITION, well_conditioned
from crampnet.network.batch import TINY

if TYPE_CHECKING:
    from crampnet.inference.compiled import CompiledNetwork

__all__ = ["MAX_GRID", "coalition_grid", "coalitions"]

#: Most pseudo-cases in a grid; a case with more (many noisy-MAX entries)
#: is scored row by row instead.
MAX_GRID = 1 << 16


def _options(net: CompiledNetwork, nid: str, vec: np.ndarray) -> tuple[list[dict[str, np.ndarray]], np.ndarray]:
    """An entry's distinct options (factors on variables; option 0 is none) and its (2, options) map."""
    if nid not in net._terms:
        return [{}, {nid: vec}], np.eye(2)
    configs: list[dict[str, np.ndarray]] = [{}]
    weights = [0.0]
    terms = option_terms(vec, net._terms[nid])
    for k in range(terms.weights.size):
        conf = {p: f[k] for p, f in terms.factors.items() if not np.all(f[k] == 1.0)}
        j = next((j for j, c in enumerate(configs) if c.keys() == conf.keys() and all(np.array_equal(c[p], conf[p]) for p in c)), None)
        if j is None:
            configs.append(conf)
            weights.append(0.0)
            j = len(configs) - 1
        weights[j] += float(terms.weights[k])
    return configs, np.array([[1.0] + [0.0] * (len(configs) - 1), weights])


def _paired(net: CompiledNetwork, items: Sequence[tuple[str, np.ndarray]], masks: np.ndarray) -> np.ndarray:
    """The coalitions holding a finding beside one that implies it: scored as rows, which :mod:`crampnet.inference._nesting` expands."""
    bit = {nid: 1 << i for i, (nid, _) in enumerate(items)}
    out = np.zeros(masks.size, dtype=bool)
    for a, _, b, _ in net.spec.implications:
        if a in bit and b in bit:
            pair = bit[a] | bit[b]
            out |= (masks & pair) == pair
    return out


def coalition_grid(net: CompiledNetwork, items: Sequence[tuple[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Condition posteriors and ``log P(evidence)`` under every coalition of ``items``.

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    items : sequence of (str, numpy.ndarray)
        The case's evidence entries: node id and likelihood vector. Row
        ``mask`` of the results holds the entries ``i`` with bit ``i`` of
        ``mask`` set.

    Returns
    -------
    posteriors : numpy.ndarray
        ``(2**n, n_conditions)``, P(present | coalition).
    log_evidence : numpy.ndarray
        ``(2**n,)``.
    good : numpy.ndarray
        ``(2**n,)`` bool: the rows answered here. The others (a sum that is
        not positive or cancels too much) must be scored as ordinary rows.
    None
        Instead of all three when the grid would exceed :data:`MAX_GRID`
        pseudo-cases or a soft likelihood is below
        :data:`~crampnet.network.batch.TINY` times its vector's largest.
    """
    n = len(items)
    for _, vec in items:
        top = float(np.max(vec))
        if np.any((vec > 0) & (vec < TINY * top)):
            return None
    options = [_options(net, nid, np.asarray(vec, dtype=float)) for nid, vec in items]
    dims = tuple(len(configs) for configs, _ in options)
    size = math.prod(dims)
    if size > MAX_GRID:
        return None
    # Per node, its likelihood in every cell of the grid: the product of
    # what each entry's option puts on it (broadcast along the entry's axis).
    grid: dict[str, np.ndarray] = {}
    for axis, (configs, _) in enumerate(options):
        for var in dict.fromkeys(v for conf in configs for v in conf):
            card = len(net.spec.nodes[var].states)
            along = np.stack([conf.get(var, np.ones(card)) for conf in configs])
            shape = [1] * n + [card]
            shape[axis] = dims[axis]
            grid[var] = (grid[var] if var in grid else np.ones(card)) * along.reshape(shape)
    flat = {var: np.broadcast_to(a, (*dims, a.shape[-1])).reshape(size, a.shape[-1]) for var, a in grid.items()}
    # Findings that stay in the tree (they do not decompose) are needed only
    # in the cells whose coalition holds them: the others run on the tree
    # without them (on the shipped network, pain_location's widens the
    # shared tree ~7-fold).
    axes = [axis for axis, (nid, _) in enumerate(items) if nid not in net._terms and net.spec.nodes[nid].role == "finding"]
    if axes:
        holds = np.stack(np.unravel_index(np.arange(size), dims), axis=1)[:, axes] != 0
        patterns, group = np.unique(holds, axis=0, return_inverse=True)
    else:
        patterns, group = np.zeros((1, 0), dtype=bool), np.zeros(size, dtype=np.intp)
    log_ev = np.empty(size)
    present = np.empty((size, len(net.conditions)))
    for g, pattern in enumerate(patterns):
        kept = frozenset(items[axis][0] for axis, on in zip(axes, pattern, strict=True) if on)
        tree, index = net.tree_for(kept)
        query = [index[c] for c in net.conditions]
        cells = np.flatnonzero(group.reshape(-1) == g)
        # Every pass of the grid observes and asks for the same variables: the others that one clique holds are summed out once.
        tree = reduced(tree, frozenset(query) | {index[var] for var in flat if var in index}, cells.size)
        evidence = {index[var]: a[cells] for var, a in flat.items() if var in index}
        step = net._chunk_rows(tree.width)
        for start in range(0, cells.size, step):
            part = cells[start : start + step]
            result = tree.marginals({v: a[start : start + step] for v, a in evidence.items()}, query)
            log_ev[part] = result.log_evidence
            for j, (q, pos) in enumerate(zip(query, net._present, strict=True)):
                present[part, j] = result.marginals[q][:, pos]
    finite = np.isfinite(log_ev)
    shift = float(log_ev[finite].max()) if finite.any() else 0.0
    mass = np.where(finite, np.exp(np.where(finite, log_ev, 0.0) - shift), 0.0)
    # Unnormalised: P(evidence), sum |terms|, P(present, evidence) per cell
    # and its sum |terms| (a small posterior's own cancellation).
    k = len(net.conditions)
    joint = mass[:, None] * np.where(finite[:, None], present, 0.0)
    parts = np.concatenate([mass[:, None], mass[:, None], joint, joint], axis=1).reshape(*dims, -1)
    wide = np.r_[1, 2 + k : 2 + 2 * k]  # the columns summed with |weights|
    for axis, (_, signed) in enumerate(options):
        moved = np.moveaxis(parts, axis, -1)  # (..., columns, options)
        out = np.einsum("...o,io->...i", moved, signed)
        out[..., wide, :] = np.einsum("...o,io->...i", moved[..., wide, :], np.abs(signed))  # the spreads: |weights| on |terms|
        parts = np.moveaxis(out, -1, axis)
    # Axis i is entry i; row ``mask`` has bit i for entry i, so the last axis varies slowest.
    parts = parts.transpose(*range(n - 1, -1, -1), n).reshape(2**n, -1)
    den, spread, num = parts[:, 0], parts[:, 1], parts[:, 2 : 2 + k]
    good = (den > 0) & (spread <= CONDITION * den) & well_conditioned(num, parts[:, 2 + k :])
    post = np.full((2**n, len(net.conditions)), np.nan)
    logs = np.full(2**n, -np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        post[good] = np.clip(num[good] / den[good, None], 0.0, 1.0)
        logs[good] = np.log(den[good]) + shift
    return post, logs, good


def coalitions(net: CompiledNetwork, items: Sequence[tuple[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`coalition_grid`, with every row it cannot answer scored as an ordinary row.

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    items : sequence of (str, numpy.ndarray)
        The case's ``n`` evidence entries: node id and likelihood vector.
        Coalition ``m`` holds entry ``i`` when bit ``i`` of ``m`` is set.

    Returns
    -------
    posteriors : numpy.ndarray
        ``(2**n, n_conditions)``; NaN where the coalition is impossible.
    log_evidence : numpy.ndarray
        ``(2**n,)``, ``-inf`` where impossible.
    """
    n = len(items)
    masks = np.arange(2**n)
    answered = coalition_grid(net, items)
    if answered is None:
        todo = masks
        post, log_ev = np.full((2**n, len(net.conditions)), np.nan), np.full(2**n, -np.inf)
    else:
        post, log_ev, good = answered
        todo = masks[~good | _paired(net, items, masks)]
    if todo.size:
        rows = {nid: np.where((todo >> i & 1)[:, None] == 1, np.asarray(vec, dtype=float)[None, :], 1.0) for i, (nid, vec) in enumerate(items)}
        post[todo], log_ev[todo] = net.evaluate(rows, todo.size)
    return post, log_ev
