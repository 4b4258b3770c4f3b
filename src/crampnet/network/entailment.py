"""Findings that imply others: the ``entails`` key of a finding, read and applied to evidence.

Some findings are nested by definition: pain on walking that is relieved
by standing still (``exertional_pain_relieved_by_rest``) is a symptom that
comes on with exercise (``exercise_triggered``). The file format lets a
finding say so, ``entails = { exercise_triggered = "yes" }``: its
``positive`` state implies that state of the other finding, and its
parameters are then read as the probability of the pair together
(P(relieved by rest, and so exercise-triggered | conditions)), which is
what a study counting classic claudication among patients measures.

Without this the two are independent given the conditions, and a patient
with both is counted twice: P(both | PAD) came out as 0.51 x 0.33 = 0.17
where the nested truth is 0.33, and P(both | no modelled cause) as
0.1 x 0.038 where it is 0.038 (session 20, issue 12).

The exact model of the pair is the implied finding B with its own
distribution, and the implying finding A a child of B and of its
conditions with P(A = pos | B = t, C) = a(C) / b(C), P(A = pos | B != t, C)
= 0. Findings cannot have finding parents in the file (the engine
decomposes noisy-OR findings one at a time), so the evidence is reduced
instead, exactly where the reduction is exact:

- A observed in its positive state: B's evidence becomes the constant
  likelihood of its state t, so B is left out (the conditions see a(C));
  if B's evidence rules t out, the evidence is impossible and
  :class:`~crampnet.exceptions.ImpossibleEvidenceError` names the pair.
- B observed with state t ruled out: A cannot be positive, so A's evidence
  becomes the constant likelihood of its other state and A is left out.
- Otherwise (A negative or soft and B consistent with t) both are kept,
  and the engine runs the case as two signed rows whose sum is the nested
  model's likelihood, b(C) - a(C) for "B = t, A negative"
  (:mod:`crampnet.inference._nesting`, which also gives the joint model of
  several findings implying one).

A finding entails at most one other, and that one may entail a third (a
chain, session 22: classic claudication implies relief by standing still,
which implies exercise-triggered symptoms); the reductions follow the
chain (``NetworkSpec.implications``), and the loader refuses cycles.

:func:`implied` lists what the reduced evidence implies, so that displays
can say why a finding the user gave does not appear, and questions do
not ask what is already known.

Examples
--------
>>> import crampnet
>>> from crampnet.network.evidence import normalise
>>> from crampnet.network.entailment import implied
>>> spec = crampnet.load().spec
>>> vectors = normalise(spec, {"exertional_pain_relieved_by_rest": "yes", "exercise_triggered": "yes"})
>>> sorted(vectors)
['exertional_pain_relieved_by_rest']
>>> implied(spec, vectors)  # through the chain too
{'relief_by_standing_still': ('yes', 'exertional_pain_relieved_by_rest'), 'exercise_triggered': ('yes', 'exertional_pain_relieved_by_rest')}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet.exceptions import ImpossibleEvidenceError
from crampnet.exceptions import hint as _hint
from crampnet.network.records import Node, NoisyOr

if TYPE_CHECKING:
    from crampnet.network._reader import Reader
    from crampnet.network.records import NetworkSpec

__all__ = ["check_entails", "entail", "entail_rows", "implied", "pairs", "parse_entails"]


def parse_entails(reader: Reader, raw: object, where: str) -> tuple[tuple[str, str], ...]:
    """Read a node's ``entails`` table (finding id to state); checked against the nodes by :func:`check_entails`.

    Parameters
    ----------
    reader : Reader
        The network file's reader (:mod:`crampnet.network._reader`), which
        makes the error.
    raw : object
        The ``entails`` value as parsed from TOML, or None where the node has none.
    where : str
        The node's dotted place in the file (``"nodes.<id>"``), for errors.

    Returns
    -------
    tuple of (str, str)
        The ``(finding id, state)`` pairs sorted by id; empty when ``raw`` is None.

    Raises
    ------
    NetworkFileError
        If ``raw`` is not a non-empty table of strings to strings.
    """
    if raw is None:
        return ()
    spot = f"{where}.entails"
    data = reader.table(raw, spot)
    if not data or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise reader.fail(
            spot,
            f'entails must map finding ids to one of their states, e.g. {{ exercise_triggered = "yes" }}, got {reader.show(raw)}',
        )
    return tuple(sorted(data.items()))


def check_entails(reader: Reader, nodes: Mapping[str, Node]) -> None:
    """Refuse an ``entails`` that names no finding, no state of it, or numbers that break the nesting.

    The implying finding A needs a ``positive`` state and two states; the
    implied finding B another finding of two states. The nested model needs
    P(A = pos | C) <= P(B = t | C) for every configuration C of the
    conditions: it is checked for two noisy-ORs with t B's positive state,
    where it holds when each of A's links (and its leak) is at most B's on
    the same parent state; other models are refused, as the check would
    need their tables. Several findings implying one B need P(one of them)
    <= P(B = t | C) too (:func:`_check_union`), the condition for their
    joint model (:mod:`crampnet.inference._nesting`) to exist. A finding
    entails at most one other and chains never close into a cycle
    (:func:`_check_forest`).

    Parameters
    ----------
    reader : Reader
        The network file's reader (:mod:`crampnet.network._reader`), which
        makes the error.
    nodes : mapping of str to Node
        Every node of the network by id, with its ``entails`` read.

    Raises
    ------
    NetworkFileError
        On the first ``entails`` that breaks one of these rules.
    """
    _check_forest(reader, nodes)
    for nid, node in nodes.items():
        for target, state in node.entails:
            where = f"nodes.{nid}.entails"
            if node.role != "finding" or node.positive is None or len(node.states) != 2:
                raise reader.fail(
                    where,
                    "only a finding with two states and a positive state can entail another finding",
                )
            if target == nid or target not in nodes or nodes[target].role != "finding":
                hint = _hint(target, [n for n in nodes if nodes[n].role == "finding" and n != nid])
                raise reader.fail(
                    where, f"{reader.show(target)} is not another finding of the network.{hint}"
                )
            implied_node = nodes[target]
            if state not in implied_node.states:
                raise reader.fail(
                    where,
                    f"unknown state {reader.show(state)} of {target}; valid states: {', '.join(implied_node.states)}",
                )
            _check_nesting(reader, where, node, implied_node, state)
    implied_ids = {target for node in nodes.values() for target, _ in node.entails}
    for target in sorted(implied_ids):
        _check_union(reader, nodes, target)


def _check_forest(reader: Reader, nodes: Mapping[str, Node]) -> None:
    """Each finding entails at most one other, and no chain of ``entails`` comes back to where it started.

    Chains are allowed (A implies B, which implies C: A then implies C
    too); the joint model of :mod:`crampnet.inference._nesting` is a forest.
    """
    for nid, node in nodes.items():
        if len(node.entails) > 1:
            spot = f"nodes.{nid}.entails"
            raise reader.fail(
                spot,
                f"{nid} entails {len(node.entails)} findings ({', '.join(t for t, _ in node.entails)}); a finding entails at most one "
                "(entail the outermost and let that one entail the next: the implications then form a chain)",
            )
    up = {nid: node.entails[0][0] for nid, node in nodes.items() if node.entails}
    for start in sorted(up):
        path, at = [start], up[start]
        while at in up and at not in path:
            path.append(at)
            at = up[at]
        if at in path:
            loop = [*path[path.index(at) :], at]
            spot = f"nodes.{start}.entails"
            raise reader.fail(spot, f"the entails form a cycle ({' -> '.join(loop)}): a finding cannot imply itself")


def _check_union(reader: Reader, nodes: Mapping[str, Node], target: str) -> None:
    """Several findings implying one: on every parent (and the leak) P(one of them) <= the implied finding's own link.

    Each implying finding passed :func:`_check_nesting`, so all are noisy-ORs.
    """
    implying = [node for node in nodes.values() if any(t == target for t, _ in node.entails)]
    if len(implying) < 2:
        return
    b = nodes[target]
    if not isinstance(b.cpd, NoisyOr):  # pragma: no cover - _check_nesting refused it
        return
    cpds = [node.cpd for node in implying if isinstance(node.cpd, NoisyOr)]
    names = " and ".join(node.id for node in implying)
    where = f"nodes.{implying[-1].id}.entails"
    union = 1.0 - math.prod(1.0 - cpd.leak.value for cpd in cpds)
    if union > b.cpd.leak.value + 1e-12:
        raise reader.fail(where, f"the leaks of {names} give one of them {union:g}, above {target}'s leak {b.cpd.leak.value:g}: together they cannot imply {target}")
    theirs = {(link.parent, link.state): link.param.value for link in b.cpd.links}
    keys = dict.fromkeys((link.parent, link.state) for cpd in cpds for link in cpd.links)
    for key in keys:
        union = 1.0 - math.prod(1.0 - next((link.param.value for link in cpd.links if (link.parent, link.state) == key), 0.0) for cpd in cpds)
        if union > theirs.get(key, 0.0) + 1e-12:
            raise reader.fail(
                where,
                f"the links of {names} from {key[0]}={key[1]} give one of them {union:g}, above {target}'s ({theirs.get(key, 0.0):g}): together they cannot imply {target}",
            )


def _check_nesting(reader: Reader, where: str, a: Node, b: Node, state: str) -> None:
    if not (
        isinstance(a.cpd, NoisyOr)
        and isinstance(b.cpd, NoisyOr)
        and b.positive == state
        and len(b.states) == 2
    ):
        raise reader.fail(
            where,
            f"entails needs two noisy-OR findings, the implied state being {b.id}'s positive state",
        )
    if a.cpd.leak.value > b.cpd.leak.value:
        raise reader.fail(
            where,
            f"{a.id}'s leak {a.cpd.leak.value:g} is above {b.id}'s {b.cpd.leak.value:g}: {a.id} cannot imply {b.id}",
        )
    theirs = {(link.parent, link.state): link.param.value for link in b.cpd.links}
    for link in a.cpd.links:
        other = theirs.get((link.parent, link.state), 0.0)
        if link.param.value > other:
            raise reader.fail(
                where,
                f"{a.id}'s link from {link.parent}={link.state} ({link.param.value:g}) is above {b.id}'s ({other:g}): {a.id} cannot imply {b.id}",
            )


def pairs(spec: NetworkSpec) -> tuple[tuple[str, str, str, str], ...]:
    """Every entailment as (A, A's positive state, B, B's implied state), in network order (``spec.entailments``).

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.

    Returns
    -------
    tuple of (str, str, str, str)
        ``spec.entailments``: the direct entailments the file gives, chains
        not followed (``spec.implications`` follows them).
    """
    return spec.entailments


def _indices(spec: NetworkSpec, a: str, pos: str, b: str, state: str) -> tuple[int, int]:
    """The index of A's positive state and of B's implied state."""
    return spec.nodes[a].states.index(pos), spec.nodes[b].states.index(state)


def _masks(spec: NetworkSpec, a: str, pos: str, b: str, state: str, va: np.ndarray, vb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where A is observed positive (hard) and where B is observed with ``state`` ruled out: vectors or ``(rows, card)`` arrays."""
    ia, it = _indices(spec, a, pos, b, state)
    a_positive = (va[..., ia] > 0) & (va[..., 1 - ia] == 0)
    b_out = (vb[..., it] == 0) & vb.any(axis=-1)
    return a_positive, b_out


def _conflict(a: str, pos: str, b: str, state: str, where: str = "") -> ImpossibleEvidenceError:
    msg = (
        f"The evidence{where} is impossible under the network: {a}={pos} implies {b}={state} "
        f"(the network file says so: '{a}' entails it), so {a}={pos} cannot hold with {b} other than {state}."
    )
    return ImpossibleEvidenceError(msg, [a, b])


def entail(spec: NetworkSpec, vectors: MutableMapping[str, np.ndarray]) -> MutableMapping[str, np.ndarray]:
    """Reduce one case's likelihood vectors by the file's entailments (in place; also returned).

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    vectors : mutable mapping of str to numpy.ndarray
        Node id to likelihood vector over its states (as
        :func:`crampnet.network.evidence.normalise` makes them); changed in place.

    Returns
    -------
    mutable mapping of str to numpy.ndarray
        ``vectors`` itself, with each implied (or ruled-out implying) finding
        removed and its constant likelihood multiplied into the other's vector.

    Raises
    ------
    ImpossibleEvidenceError
        If a finding is positive and what it implies is ruled out.
    """
    for a, pos, b, state in spec.implications:
        if a in vectors and b in vectors:
            a_positive, b_out = _masks(spec, a, pos, b, state, vectors[a], vectors[b])
            if a_positive and b_out:
                raise _conflict(a, pos, b, state)
            # B left out beside a positive A is B's likelihood of t, a constant: kept on A so that P(evidence) keeps it (and A's of its negative state on B)
            ia, it = _indices(spec, a, pos, b, state)
            if a_positive:
                vectors[a] = vectors[a] * vectors[b][it]
                del vectors[b]
            elif b_out:
                vectors[b] = vectors[b] * vectors[a][1 - ia]
                del vectors[a]
    return vectors


def entail_rows(spec: NetworkSpec, arrays: MutableMapping[str, np.ndarray], describe_row: Any = None) -> MutableMapping[str, np.ndarray]:
    """:func:`entail` for a batch: arrays ``(n_rows, card)``, ones where unobserved (in place; also returned).

    ``describe_row(position)`` names a row in the error (a batch's row label).

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    arrays : mutable mapping of str to numpy.ndarray
        Node id to float array of shape ``(n_rows, card)``; changed in place.
    describe_row : callable, optional
        Takes a row position (int) and returns its name (str) for the error
        message; without it the message names no row.

    Returns
    -------
    mutable mapping of str to numpy.ndarray
        ``arrays`` itself, row by row reduced as :func:`entail` reduces one
        case: a finding left out becomes a row of ones, its constant
        multiplied into the other's row. No key is removed.

    Raises
    ------
    ImpossibleEvidenceError
        If in some row a finding is positive and what it implies is ruled
        out (the first such row is named).
    """
    for a, pos, b, state in spec.implications:
        if a in arrays and b in arrays:
            a_positive, b_out = _masks(spec, a, pos, b, state, arrays[a], arrays[b])
            bad = np.flatnonzero(a_positive & b_out)
            if bad.size:
                raise _conflict(a, pos, b, state, "" if describe_row is None else f" in {describe_row(int(bad[0]))}")
            ia, it = _indices(spec, a, pos, b, state)
            arrays[a][a_positive] *= arrays[b][a_positive, it][:, None]  # the constant left out with B (see entail)
            arrays[b][a_positive] = 1.0
            arrays[b][b_out] *= arrays[a][b_out, 1 - ia][:, None]
            arrays[a][b_out] = 1.0
    return arrays


def implied(spec: NetworkSpec, vectors: Mapping[str, np.ndarray]) -> dict[str, tuple[str, str]]:
    """What the evidence implies: finding id to (its state, the finding that implies it).

    A positive implying finding implies the other's state; an implied
    finding with that state ruled out implies the other finding's negative
    state. Neither needs asking, and an entry so implied is counted with the
    finding that implies it. ``vectors`` may be reduced by :func:`entail` or
    as entered (they are reduced here first, so an entered pair that
    contradicts raises as :func:`entail` does).

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    vectors : mapping of str to numpy.ndarray
        One case's likelihood vectors by node id (not changed: a copy is reduced).

    Returns
    -------
    dict of str to (str, str)
        Each implied finding's id to ``(its implied state, the id of the
        finding that implies it)``, in the order of ``spec.implications``.

    Raises
    ------
    ImpossibleEvidenceError
        If a finding is positive and what it implies is ruled out.
    """
    vectors = entail(spec, dict(vectors))
    out: dict[str, tuple[str, str]] = {}
    for a, pos, b, state in spec.implications:
        if (a in vectors) == (b in vectors):
            continue  # both observed (nothing was left out) or neither
        va = vectors.get(a, np.ones(len(spec.nodes[a].states)))
        vb = vectors.get(b, np.ones(len(spec.nodes[b].states)))
        a_positive, b_out = _masks(spec, a, pos, b, state, va, vb)
        if a_positive:
            out[b] = (state, a)
        elif b_out:
            out[a] = (next(s for s in spec.nodes[a].states if s != pos), b)
    return out
