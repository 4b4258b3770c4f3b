"""Batched scoring on the junction tree, shared by the clinical-reasoning modules.

:mod:`crampnet.reasoning.explain`, :mod:`crampnet.reasoning.questions` and :mod:`crampnet.reasoning.ranking`
each ask many related questions of one case (every coalition of the evidence,
every answer to every question, every finding flipped). This module turns a
list of evidence rows into one ``(n_rows, card)`` likelihood array per node and
runs them through the junction tree in slices of bounded memory, so each of
those modules makes a single batched call.

Findings are leaves, so a finding that no row observes and no one queries is
barren: summing it out gives 1, and dropping it changes no posterior and no
probability of the evidence. When a batch leaves findings barren, it runs on
a junction tree compiled for the rest of the network only (cached), which is
much narrower: the cliques of the full network come from the findings with
many condition parents. Otherwise it runs on ``model.compiled``.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._scoring import observe, score, stack
>>> model = crampnet.load()
>>> rows = [{}, observe(model, {"urge_to_move": True})]
>>> marg, log_ev = score(model, stack(model, rows), ["restless_legs_syndrome"])
>>> marg["restless_legs_syndrome"].shape
(2, 2)
>>> bool(abs(log_ev[0]) < 1e-9)  # P(no evidence) = 1
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import NetworkFileError
from crampnet.inference import _nesting
from crampnet.inference.compiled import CHUNK_ENTRIES, CompiledNetwork
from crampnet.inference.engine import JunctionTree
from crampnet.network.batch import split_marginals
from crampnet.network.evidence import normalise

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["Batch", "families", "hard_state", "observe", "score", "score_coalitions", "stack"]

#: Node id to a ``(n_rows, card)`` likelihood array (all ones where unobserved).
Batch = dict[str, np.ndarray]


def observe(model: BaseModel, evidence: Mapping[str, object] | None) -> dict[str, np.ndarray]:
    """Check ``evidence`` and return node id to likelihood vector (ids resolved).

    Parameters
    ----------
    model : BaseModel
        The model.
    evidence : Mapping or None
        Node id (or alias) to value; None for no evidence.

    Returns
    -------
    dict of str to numpy.ndarray
        As :func:`crampnet.network.evidence.normalise` returns it: per
        observed node, a float vector over its states whose largest entry
        is 1 (reduced by the network's entailments).

    Raises
    ------
    CrampnetError
        As :func:`~crampnet.network.evidence.normalise` raises for evidence
        that is not a mapping, an unknown node, a wrong state or value.
    """
    return normalise(model.spec, evidence)


def hard_state(model: BaseModel, nid: str, vec: np.ndarray) -> str | None:
    """The state an observed vector names, or None for soft evidence.

    Parameters
    ----------
    model : BaseModel
        The model.
    nid : str
        The node's id.
    vec : numpy.ndarray
        Its likelihood vector, one entry per state.

    Returns
    -------
    str or None
        The state of the one nonzero entry, or None if there are several.
    """
    if np.count_nonzero(vec) == 1:
        return model.spec.nodes[nid].states[int(np.argmax(vec))]
    return None


def stack(model: BaseModel, rows: Sequence[Mapping[str, np.ndarray]]) -> Batch:
    """One likelihood array per node observed in any row; ones mean unobserved.

    Parameters
    ----------
    model : BaseModel
        The model.
    rows : Sequence of Mapping of str to numpy.ndarray
        One case per row: node id to likelihood vector (as :func:`observe`
        returns).

    Returns
    -------
    Batch
        Node id (in the order first met) to a float array of shape
        ``(len(rows), card)``: the row's vector where it observes the node,
        ones elsewhere.
    """
    nodes = dict.fromkeys(nid for row in rows for nid in row)
    out: Batch = {}
    for nid in nodes:
        arr = np.ones((len(rows), len(model.spec.nodes[nid].states)))
        for i, row in enumerate(rows):
            if nid in row:
                arr[i] = row[nid]
        out[nid] = arr
    return out


def families(
    model: BaseModel,
    evidence: Mapping[str, np.ndarray],
    nodes: Sequence[str],
    limit: int | None = None,
) -> dict[str, np.ndarray] | None:
    """P(node, its parents | evidence) for each of ``nodes``, from one pass of the junction tree.

    The tree keeps every observed finding and ``nodes``; with many findings of
    many parents it can be wide (and past the limits of a network file).

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : mapping of str to numpy.ndarray
        One case: node id to likelihood vector (as :func:`observe` returns).
    nodes : sequence of str
        Nodes whose family posteriors are wanted.
    limit : int, optional
        Return None, instead of passing, when the tree has more entries than
        this or more than a network file may have.

    Returns
    -------
    dict of str to numpy.ndarray or None
        Shaped as the node's table (its states, then its parents' in
        order), summing to 1; NaN if the evidence is impossible.

    Raises
    ------
    NetworkFileError
        Without ``limit``, if the tree is past the limits of a network file.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.reasoning._scoring import families, observe
    >>> model = crampnet.load()
    >>> joint = families(model, observe(model, {"femoral_bruit": True}), ["femoral_bruit"])["femoral_bruit"]
    >>> joint.shape == model.compiled.tables["femoral_bruit"].shape, round(float(joint.sum()), 12)
    (True, 1.0)
    >>> float(joint[model.states("femoral_bruit").index("no")].sum())
    0.0
    """
    spec, compiled = model.spec, model.compiled
    observed = {nid: vec for nid, vec in evidence.items() if not np.all(vec == 1.0)}
    kept = frozenset(nid for nid in (*observed, *nodes) if spec.nodes[nid].role == "finding")
    try:
        tree, index = compiled.tree_for(kept)
    except NetworkFileError:
        if limit is None:
            raise
        return None
    if limit is not None and tree.entries > limit:
        return None
    # Each factor of the tree is one node's table, its scope (node, *parents).
    name = {v: nid for nid, v in index.items()}
    tables = [compiled.tables[name[scope[0]]][..., None] for scope in tree.scopes]
    position = {scope[0]: k for k, scope in enumerate(tree.scopes)}
    posteriors, _ = tree.families(
        tables, {index[nid]: np.asarray(vec, dtype=float)[None, :] for nid, vec in observed.items()}
    )
    return {nid: posteriors[position[index[nid]]][..., 0] for nid in nodes}


def _pruned(compiled: CompiledNetwork, keep: frozenset[str]) -> tuple[JunctionTree, dict[str, int]]:
    """The compiled network's tree for the findings in ``keep`` (see ``CompiledNetwork.tree_for``)."""
    return compiled.tree_for(
        frozenset(nid for nid in keep if compiled.spec.nodes[nid].role == "finding")
    )


def _run(
    model: BaseModel, part: Batch, query: Sequence[str], keep: frozenset[str] | None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    if keep is None:
        return model.compiled.run(part, list(query))
    tree, index = _pruned(model.compiled, keep)

    def direct(rows: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        result = tree.marginals({index[nid]: arr for nid, arr in rows.items()}, [index[q] for q in query])
        return {q: result.marginals[index[q]] for q in query}, result.log_evidence

    cards = [len(model.spec.nodes[q].states) for q in query]
    return _nesting.nested(model.spec, part, None, lambda rows, _: split_marginals(rows, query, cards, direct))


def score(
    model: BaseModel,
    batch: Batch,
    query: Sequence[str],
    n_rows: int | None = None,
    groups: Sequence[int] | None = None,
    *,
    nested: bool = True,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Marginals of ``query`` and ``log P(evidence)`` for every row of ``batch``.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    batch : dict of str to numpy.ndarray
        ``(n_rows, card)`` likelihoods per observed node, as :func:`stack` returns.
    query : sequence of str
        Node ids whose marginals are wanted.
    n_rows : int, optional
        The number of rows; needed only when ``batch`` is empty.
    groups : sequence of int, optional
        A label per row. Rows with the same label run together, on a tree
        pruned to the findings they observe; by default all rows run together.
    nested : bool, default=True
        False counts nested findings (``entails``) as independent given the
        conditions, as the counterfactual twin network does; for condition
        queries only (anything else raises ``ValueError``).

    Returns
    -------
    marginals : dict of str to numpy.ndarray
        ``(n_rows, card)`` normalised marginals (NaN in rows of probability zero).
    log_evidence : numpy.ndarray
        ``log P(row's evidence)``, ``-inf`` where the row is impossible.
    """
    n = n_rows if n_rows is not None else next(iter(batch.values())).shape[0] if batch else 1
    if query and all(
        q in model.compiled.conditions for q in query  # listed conditions (a part is queried as any node)
    ):
        # Condition posteriors only: CompiledNetwork.evaluate picks, per row,
        # the shared Quickscore tree or a pruned one (``groups`` is moot).
        post, log_ev = model.compiled.evaluate(batch, n_rows=n, nested=nested)
        return _condition_tables(model, post, query), log_ev
    if not nested:
        msg = "score(nested=False) is for condition queries only"
        raise ValueError(msg)
    labels = np.zeros(n, dtype=int) if groups is None else np.asarray(groups)
    marginals = {q: np.empty((n, len(model.spec.nodes[q].states))) for q in query}
    log_evidence = np.empty(n)
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        part = {nid: arr[rows] for nid, arr in batch.items()}
        marg, log_ev = _score_group(model, part, query, len(rows))
        for q in query:
            marginals[q][rows] = marg[q]
        log_evidence[rows] = log_ev
    return marginals, log_evidence


def score_coalitions(model: BaseModel, items: Sequence[tuple[str, np.ndarray]], query: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """:func:`score` of the conditions ``query`` under every coalition of one case's entries.

    Row ``mask`` holds entry ``i`` where bit ``i`` of ``mask`` is set. The
    posteriors come from
    :meth:`~crampnet.inference.compiled.CompiledNetwork.coalitions`, each
    distinct pseudo-case run once: the same numbers as :func:`score` of the
    ``2**n`` rows.

    Parameters
    ----------
    model : BaseModel
        The model.
    items : Sequence of tuple of (str, numpy.ndarray)
        The case's entries: node id and likelihood vector, ``n`` of them.
    query : Sequence of str
        The conditions whose marginals are wanted (binary, listed in
        ``model.compiled.conditions``).

    Returns
    -------
    marginals : dict of str to numpy.ndarray
        Per condition of ``query``, its ``(2**n, 2)`` marginals over its
        states (one row per coalition ``mask``; NaN where impossible).
    log_evidence : numpy.ndarray
        ``log P(coalition's entries)`` per row, shape ``(2**n,)``, ``-inf``
        where impossible.
    """
    post, log_ev = model.compiled.coalitions(items)
    return _condition_tables(model, post, query), log_ev


def _condition_tables(model: BaseModel, post: np.ndarray, query: Sequence[str]) -> dict[str, np.ndarray]:
    """Per binary condition of ``query``, its ``(n_rows, 2)`` marginals from P(present) per row."""
    out = {}
    for q in query:
        p = post[:, model.compiled.conditions.index(q)]
        pos = model.spec.nodes[q].states.index("present")
        table = np.empty((post.shape[0], 2))
        table[:, pos], table[:, 1 - pos] = p, 1.0 - p
        out[q] = table
    return out


def _score_group(
    model: BaseModel, batch: Batch, query: Sequence[str], n: int
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    spec = model.spec
    batch = {nid: arr for nid, arr in batch.items() if not np.all(arr == 1.0)}
    needed = (
        {nid for nid in spec.nodes if spec.nodes[nid].role != "finding"} | set(batch) | set(query)
    )
    keep = frozenset(needed) if len(needed) < len(spec.nodes) else None
    width = (
        _pruned(model.compiled, keep)[0].width if keep is not None else model.compiled.tree.width
    )
    step = max(1, CHUNK_ENTRIES // max(1, width))
    parts: list[dict[str, np.ndarray]] = []
    logs: list[np.ndarray] = []
    for start in range(0, n, step):
        stop = min(n, start + step)
        marg, log_ev = _run(
            model, {nid: arr[start:stop] for nid, arr in batch.items()}, query, keep
        )
        size = stop - start
        parts.append({q: np.broadcast_to(m, (size, m.shape[-1])) for q, m in marg.items()})
        logs.append(np.broadcast_to(np.asarray(log_ev, dtype=float), (size,)))
    return {q: np.concatenate([p[q] for p in parts]) for q in query}, np.concatenate(logs)
