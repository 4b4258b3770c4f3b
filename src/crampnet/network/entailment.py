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

from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet.exceptions import ImpossibleEvidenceError
from crampnet.network._entails_file import check_entails, parse_entails

if TYPE_CHECKING:
    from crampnet.network.records import NetworkSpec

__all__ = ["check_entails", "entail", "entail_rows", "implied", "pairs", "parse_entails"]


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
