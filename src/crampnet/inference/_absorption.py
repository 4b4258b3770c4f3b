"""Noisy-OR findings answered "no", absorbed into their parents as one-parent likelihoods.

A noisy-OR finding's "no" is ``P(no | x) = (1 - leak) * prod_i q_i(x_i)``,
a product of one-parent factors: observed "no", such a finding couples
nothing, and each parent takes its factor as a likelihood instead
(:func:`absorb`). :func:`factored` reads the factors back from the
tables, so fitted or drawn tables are absorbed exactly as they are.
:class:`~crampnet.inference.compiled.CompiledNetwork` keeps the factors
(``_factored``) and absorbs every batch's "no" answers before it runs.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.inference._absorption import absorb, factored
>>> compiled = crampnet.load().compiled
>>> found = factored(compiled.spec, compiled.findings, compiled.tables)
>>> neg = found["urge_to_move"][0]
>>> no = np.eye(2)[neg]
>>> out, log_const = absorb(found, {"urge_to_move": no}, ())
>>> out["urge_to_move"].tolist() == [[1.0, 1.0]], bool(log_const[0] < 0)
(True, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from crampnet.inference.quickscore import _close
from crampnet.network.spec import NetworkSpec, NoisyOr

__all__ = ["absorb", "factored"]

#: A factorised finding: (index of its "no" state, ``1 - leak``, each parent's
#: inhibitor vector ``q_i`` over its states).
Factors = tuple[int, float, dict[str, np.ndarray]]


def factored(spec: NetworkSpec, findings: Sequence[str], tables: Mapping[str, np.ndarray]) -> dict[str, Factors]:
    """Noisy-OR findings whose "no" factorises: node -> (negative index, 1 - leak, inhibitors).

    Read back from the tables and kept only where the table is, each entry
    to 1e-13 of itself (:func:`crampnet.inference.quickscore._close`),
    ``P(no | x) = (1 - leak) * prod_i q_i(x_i)`` with ``1 - leak > 0``.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    findings : sequence of str
        The finding ids to try, in the order the result keeps.
    tables : mapping of str to numpy.ndarray
        Their tables, ``(card, *parent cards)`` with parents in
        ``node.parents`` order.

    Returns
    -------
    dict of str to tuple of (int, float, dict of str to numpy.ndarray)
        Each factorising finding with parents to the index of its negative
        state, ``P(no)`` with every parent in its unlinked state, and each
        parent's factor ``q_i`` (a float vector over its states, 1 at its
        unlinked state).
    """
    out = {}
    for nid in findings:
        node = spec.nodes[nid]
        cpd = node.cpd
        if not isinstance(cpd, NoisyOr) or not node.parents:
            continue
        neg = 1 - node.states.index(cpd.positive)
        table = tables[nid][neg]
        linked = {(link.parent, link.state) for link in cpd.links}
        ref = tuple(next(i for i, st in enumerate(spec.nodes[p].states) if (p, st) not in linked) for p in node.parents)
        base = float(table[ref])
        if base <= 0.0:
            continue
        qs = {}
        rebuilt = np.full(table.shape, base)
        for i, parent in enumerate(node.parents):
            index = tuple(slice(None) if j == i else r for j, r in enumerate(ref))
            q = np.asarray(table[index]) / base
            qs[parent] = q
            shape = [1] * table.ndim
            shape[i] = q.size
            rebuilt = rebuilt * q.reshape(shape)
        if _close(rebuilt, table):  # each entry to its own size: 1e-13 absolutely passed any tiny row
            out[nid] = (neg, base, qs)
    return out


def absorb(factored: Mapping[str, Factors], evidence: Mapping[str, np.ndarray], keep: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Turn rows that observe a noisy-OR finding as "no" into evidence on its parents.

    ``P(no | x) = (1 - leak) * prod_i q_i(x_i)`` is a product of one-parent
    factors, so such a finding couples nothing: each parent gets the
    likelihood ``q_i`` in those rows and the finding drops out of them.
    Only findings observed "yes" (or softly) stay in the junction tree.
    Returns the new evidence and the log of the constants taken out.

    Parameters
    ----------
    factored : mapping of str to tuple of (int, float, dict of str to numpy.ndarray)
        The factorising findings, as :func:`factored` returns them.
    evidence : mapping of str to numpy.ndarray
        Node id to likelihoods, ``(n, card)`` or ``(card,)`` / ``(1, card)``
        shared by every row (not changed).
    keep : sequence of str
        Findings to leave as they are (those queried).

    Returns
    -------
    evidence : dict of str to numpy.ndarray
        Node id to float likelihoods: a finding absorbed has rows of ones
        where it was "no" (then ``(n, card)``), its parents ``(n, card)``
        with ``q_i`` multiplied in on those rows; other entries as given.
    log_const : numpy.ndarray
        ``(n,)``: the log of the ``1 - leak`` constants taken out of each row.
    """
    n = max((np.asarray(v).shape[0] for v in evidence.values() if np.asarray(v).ndim == 2), default=1)
    log_const = np.zeros(n)
    out = {k: np.asarray(v, dtype=float) for k, v in evidence.items()}
    for nid, (neg, base, qs) in factored.items():
        if nid not in out or nid in keep:
            continue
        arr = out[nid].reshape(-1, out[nid].shape[-1])
        one_hot = np.zeros(arr.shape[-1])
        one_hot[neg] = 1.0
        rows = np.all(arr == one_hot, axis=1)
        if not rows.any():
            continue
        arr = np.broadcast_to(arr, (n, arr.shape[-1])).copy()
        arr[rows] = 1.0
        out[nid] = arr
        log_const[rows] += np.log(base)
        for parent, q in qs.items():
            prev = out.get(parent)
            parr = np.ones((n, q.size)) if prev is None else np.broadcast_to(prev.reshape(-1, q.size), (n, q.size)).copy()
            parr[rows] = parr[rows] * q
            out[parent] = parr
    return out, log_const
