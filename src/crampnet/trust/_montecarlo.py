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
  the tree, compiled once per model and set of kept nodes; its clique
  potentials are rebuilt in one batched assembly per chunk of draws.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.trust._montecarlo import batch_posteriors
>>> from crampnet.trust._parameters import parameter_space
>>> model = crampnet.load()
>>> space = parameter_space(model)
>>> out = batch_posteriors(model, {}, space.point[None, :])
>>> bool(np.allclose(out[0], model.posteriors({}).reindex(model.conditions)))
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from crampnet.inference.engine import Factor, JunctionTree
from crampnet.network.batch import LOG_SPLIT, merge_split, split_tiny
from crampnet.network.spec import NoisyOr
from crampnet.trust._parameters import fitted_counts, parameter_space

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["CHUNK_ENTRIES", "batch_posteriors", "relevant_nodes"]

#: Bound on clique-table entries times rows held at once.
CHUNK_ENTRIES = 4_000_000
#: Largest accepted bound on ``sum |terms| / P(evidence)`` for a draw run on
#: the signed tree (see :func:`batch_posteriors`); the cancellation error of
#: its signed sums grows as this ratio times ~1e-16. Draws over it run on the
#: tree that keeps the positive findings.
CONDITION = 1e5
#: A run over a chunk of draws: (rows, tables) -> (posteriors, log P(evidence), ok) per draw.
_Run = Callable[[np.ndarray, Mapping[str, np.ndarray]], tuple[np.ndarray, np.ndarray, np.ndarray]]


def relevant_nodes(model: BaseModel, keep: Sequence[str]) -> list[str]:
    """``keep`` and all their ancestors, in the network's topological order."""
    spec = model.spec
    wanted = set(keep)
    for nid in reversed(spec.order):
        if nid in wanted:
            wanted.update(spec.nodes[nid].parents)
    return [nid for nid in spec.order if nid in wanted]


@dataclass(frozen=True)
class _NoisyOrSlots:
    """Where a noisy-OR finding's numbers sit in the parameter vector."""

    negative: int
    leak: int
    #: Per parent: (parent id, its number of states, linked state positions, their slots).
    parents: tuple[tuple[str, int, np.ndarray, np.ndarray], ...]

    def likelihoods(self, theta: np.ndarray) -> list[np.ndarray]:
        """Per parent, ``q_i(x_i)`` for each row of ``theta``; the first also carries ``1 - leak``.

        Their product over the parents is ``P(negative | parents)``, exactly as
        the batched noisy-OR builder of :mod:`crampnet.trust._parameters` forms it.
        """
        out = []
        for i, (_, card, states, slots) in enumerate(self.parents):
            inhib = np.ones((theta.shape[0], card))
            inhib[:, states] = 1.0 - theta[:, slots]
            out.append(inhib * (1.0 - theta[:, self.leak])[:, None] if i == 0 else inhib)
        return out


@lru_cache(maxsize=32)
def _noisy_or_slots(model: BaseModel) -> dict[str, _NoisyOrSlots]:
    """Findings whose tables are built as noisy-OR in every draw, with their slots.

    Fitted tables are general (a Dirichlet per parent configuration), so
    fitted nodes are left out, as are nodes with children or no parents.
    """
    spec = model.spec
    space = parameter_space(model)
    index = space.index()
    fitted = set(fitted_counts(model))
    has_children = {p for node in spec.nodes.values() for p in node.parents}
    out = {}
    for nid in model.compiled.findings:
        node = spec.nodes[nid]
        cpd = node.cpd
        if not isinstance(cpd, NoisyOr) or not node.parents or nid in fitted or nid in has_children:
            continue
        parents = []
        for parent in node.parents:
            pstates = spec.nodes[parent].states
            mine = [(pstates.index(link.state), index[(nid, "link", parent, link.state, cpd.positive)]) for link in cpd.links if link.parent == parent]
            parents.append((parent, len(pstates), np.array([s for s, _ in mine], dtype=np.intp), np.array([j for _, j in mine], dtype=np.intp)))
        leak = index[(nid, "leak", None, None, cpd.positive)]
        out[nid] = _NoisyOrSlots(1 - node.states.index(cpd.positive), leak, tuple(parents))
    return out


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


class _Pruned:
    """One factor per node family over a set of nodes, and its junction tree.

    Each finding of ``signed`` (a noisy-OR observed at its positive state,
    itself not among ``nodes``) adds a binary variable ``t`` and one factor
    ``g_i(t, x_i)`` per parent: ``g_i(0, .) = 1``, ``g_i(1, .) = q_i`` (the
    first parent's also times ``-(1 - leak)``), so that summing ``t`` out
    gives ``1 - (1 - leak) prod_i q_i(x_i) = P(yes | x)``. The finding's
    parents are then joined through ``t`` rather than all to each other
    (Diez and Galan's factorisation of noisy-OR/MAX, 2003).

    The tree is triangulated both ways (min-fill and min-weight) and the one
    with fewer clique entries is kept: it is compiled once per evidence
    pattern and then runs for every chunk of draws.
    """

    def __init__(self, model: BaseModel, nodes: list[str], signed: Sequence[str] = ()) -> None:
        spec, tables = model.spec, model.compiled.tables
        self.nodes = frozenset(nodes)
        self.order = list(nodes)
        self.signed = list(signed)
        self.var = {nid: i for i, nid in enumerate(nodes)}
        cards = [len(spec.nodes[nid].states) for nid in nodes]
        scopes = [(self.var[nid], *(self.var[p] for p in spec.nodes[nid].parents)) for nid in nodes]
        factors = [Factor(scope, tables[nid]) for scope, nid in zip(scopes, nodes, strict=True)]
        for nid in self.signed:
            t = len(cards)
            cards.append(2)
            for parent in spec.nodes[nid].parents:
                scopes.append((t, self.var[parent]))
                factors.append(Factor(scopes[-1], np.ones((2, cards[self.var[parent]]))))
        trees = [JunctionTree(cards, factors, heuristic) for heuristic in ("min-fill", "min-weight")]
        self.tree = tree = min(trees, key=lambda t: sum(t.size(c) for c in range(len(t.cliques))))
        self.per_row = sum(tree.size(c) for c in range(len(tree.cliques)))
        self._ones = [np.ones((*(cards[v] for v in clique), 1)) for clique in tree.cliques]
        self._place = []
        for scope, home in zip(scopes, tree.factor_home, strict=True):
            clique = tree.cliques[home]
            axes = sorted(range(len(scope)), key=lambda i: scope[i])
            self._place.append((home, (*(1 + i for i in axes), 0), (*(cards[v] if v in scope else 1 for v in clique), -1)))

    def potentials(self, tables: Mapping[str, np.ndarray], signed: Sequence[np.ndarray] = ()) -> list[np.ndarray]:
        """Clique potentials for batched node tables, as :meth:`~crampnet.inference.engine.JunctionTree.assemble` gives.

        ``signed`` holds the ``(batch, 2, card)`` tables of the signed
        findings' factors, finding by finding and parent by parent. Built with
        the batch axis last and contiguous (the engine runs with the cases
        last) and returned as views with the batch axis first.
        """
        pots = list(self._ones)
        for table, (home, axes, shape) in zip([*(tables[nid] for nid in self.order), *signed], self._place, strict=True):
            pots[home] = pots[home] * table.transpose(axes).reshape(shape)
        return [np.moveaxis(p, -1, 0) for p in pots]

    def evidence(self, kept: Mapping[str, np.ndarray], likelihoods: Mapping[str, list[np.ndarray]]) -> dict[int, np.ndarray]:
        """Engine evidence: ``kept`` vectors and per-draw likelihood vectors, multiplied per variable."""
        out = {self.var[nid]: v for nid, v in kept.items()}
        for parent, vectors in likelihoods.items():
            var = self.var[parent]
            for vec in vectors:
                out[var] = out[var] * vec if var in out else vec
        return out


@lru_cache(maxsize=64)
def _pruned(model: BaseModel, keep: frozenset[str], signed: frozenset[str] = frozenset()) -> _Pruned:
    return _Pruned(model, relevant_nodes(model, [*sorted(keep), *model.compiled.conditions]), sorted(signed))


def _signed_factors(slots: _NoisyOrSlots, theta: np.ndarray) -> list[np.ndarray]:
    """Per parent, the ``(batch, 2, card)`` table of ``g_i(t, x_i)`` (see :class:`_Pruned`)."""
    out = []
    for i, q in enumerate(slots.likelihoods(theta)):
        g = np.ones((theta.shape[0], 2, q.shape[1]))
        g[:, 1] = -q if i == 0 else q
        out.append(g)
    return out


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
    (:class:`_Pruned`): one exact pass over the signed tree per draw.

    Quickscore's other form, ``2^k`` pseudo-cases per draw on the tree
    without the ``k`` findings, does not pay here: on the shipped network
    that tree has 1,948 clique entries per row, so the six positive answers
    of a cramp-like case cost 64 x 1,948 = 124,672 entries per draw against
    20,174 for the tree keeping them (9,322 signed), and nine "yes" answers
    of a restless-legs case 997,376 against 28,754 (22,214 signed).
    Expanding the best subset only and keeping the rest gives 13,276 (one
    finding expanded) and 28,754 (none) entries.

    Signed sums can cancel, so a draw is kept only if ``P(o) prod_f (2 -
    leak_f)``, which bounds the sum of the terms' magnitudes (``o``: the
    evidence other than those findings, one collect pass on its narrower
    tree), is at most :data:`CONDITION` times ``P(evidence)``; the other
    draws run on the tree that keeps the findings (and, unless ``signed``
    is True, so do all the draws after a chunk where most failed the
    check).

    Tiny likelihoods in very improbable draws are split and added up per
    draw, as :func:`~crampnet.network.batch.split_evaluate` does for one parameter set.

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
    values, log_ev = _batch(model, vectors, theta, query, signed)
    low = np.flatnonzero(~(log_ev >= LOG_SPLIT))
    if low.size == 0 or not vectors:
        return values
    rows, log_weight, _ = split_tiny({k: np.asarray(v, dtype=float).reshape(1, -1) for k, v in vectors.items()})
    if log_weight.size == 1 and not log_weight.any():
        return values  # no tiny likelihood: nothing to add up
    parts = [_batch(model, {k: a[r] for k, a in rows.items()}, theta[low], query, signed) for r in range(log_weight.size)]
    owner = np.tile(np.arange(low.size), log_weight.size)  # part r's rows follow part r - 1's
    part_log = np.concatenate([lg + w for (_, lg), w in zip(parts, log_weight, strict=True)])
    values[low] = merge_split(np.concatenate([v for v, _ in parts]), part_log, owner, low.size)[0]
    return values


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
            out.setdefault(noisy[nid].parents[0][0], []).append(1.0 - noisy[nid].likelihoods(part)[0])
        return out

    wide_keep = frozenset([*kept, *linked])
    out = np.full((theta.shape[0], len(query)), np.nan)
    log_out = np.full(theta.shape[0], -np.inf)
    rest = np.arange(theta.shape[0])
    if several and signed is not False:
        kept_other = {nid: v for nid, v in kept.items() if nid not in several}
        star = _pruned(model, frozenset([*kept_other, *linked, *(p for nid in several for p, *_ in noisy[nid].parents)]), frozenset(several))
        base = _pruned(model, frozenset([*kept_other, *linked]))
        if signed or star.per_row + base.per_row // 2 < _pruned(model, wide_keep).per_row:
            leaks = [noisy[nid].leak for nid in star.signed]

            def signed_run(part: np.ndarray, tables: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
                lik = likelihoods(part)
                factors = [g for nid in star.signed for g in _signed_factors(noisy[nid], part)]
                values, log_ev = _posteriors(star, star.potentials(tables, factors), star.evidence(kept_other, lik), asked, part.shape[0])
                with np.errstate(invalid="ignore", divide="ignore"):
                    log_other = base.tree.marginals(base.evidence(kept_other, lik), [], potentials=base.potentials(tables)).log_evidence
                    log_bound = log_other + np.log(2.0 - part[:, leaks]).sum(axis=1)
                ok = np.isfinite(log_ev) & np.isfinite(log_other) & (log_bound - log_ev <= np.log(CONDITION))
                return values, log_ev, ok

            ok = _chunked(model, star, theta, signed_run, out, give_up=signed is None, log_out=log_out)
            rest = np.flatnonzero(~ok)
    if rest.size:
        wide = _pruned(model, wide_keep)

        def wide_run(part: np.ndarray, tables: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            values, log_ev = _posteriors(wide, wide.potentials(tables), wide.evidence(kept, likelihoods(part)), asked, part.shape[0])
            return values, log_ev, np.isfinite(log_ev)

        part_out = np.full((rest.size, len(query)), np.nan)
        part_log = np.full(rest.size, -np.inf)
        _chunked(model, wide, theta[rest], wide_run, part_out, log_out=part_log)
        out[rest] = part_out
        log_out[rest] = part_log
    return out, log_out


def _chunked(model: BaseModel, pruned: _Pruned, theta: np.ndarray, run: _Run, out: np.ndarray, *, give_up: bool = False, log_out: np.ndarray | None = None) -> np.ndarray:
    """Run ``run(rows, tables)`` over chunks of ``theta``; fill ``out`` and ``log_out`` where it says ok, return ok per row.

    With ``give_up``, stop after a chunk where fewer than half the rows are
    ok (the rest are then not ok either).
    """
    space = parameter_space(model)
    chunk = max(1, CHUNK_ENTRIES // max(1, pruned.per_row))
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


def _posteriors(pruned: _Pruned, potentials: list[np.ndarray], evidence: Mapping[int, np.ndarray], query: Sequence[tuple[str, int]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """P(query node at the given state) and ``log P(evidence)`` for the ``n`` rows of one chunk."""
    targets = [pruned.var[q] for q, _ in query]
    with np.errstate(invalid="ignore", divide="ignore"):
        result = pruned.tree.marginals(evidence, targets, potentials=potentials)
    values = np.empty((n, len(query)))
    for j, (var, (_, state)) in enumerate(zip(targets, query, strict=True)):
        values[:, j] = np.broadcast_to(result.marginals[var][:, state], (n,))
    return values, np.broadcast_to(result.log_evidence, (n,))
