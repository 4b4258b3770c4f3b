"""How the red-flag rules read one ``(node, state)`` entry off the evidence entered.

:func:`stated` puts back the findings the network file's entailments imply and
the context the population fixes; :func:`matches` says whether an entry is
observed (hard evidence, or soft evidence whose largest likelihood is on it
alone), :func:`observed` which entries of a group of alternatives are. The
Wells score (``reasoning._wells``), the finding rules (``reasoning._rules``)
and the typed-number rules (``reasoning._typed_numbers``) read entries through
these. Moved out of ``reasoning._wells`` in session 50, unchanged, to keep
that module under the size limit.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> model = crampnet.load()
>>> matches(model, {"d_dimer": np.array([0.0, 1.0])}, ("d_dimer", "raised"))
True
>>> matches(model, {"d_dimer": np.array([1.0, 1.0])}, ("d_dimer", "raised"))
False
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from crampnet.network.entailment import implied
from crampnet.reasoning._fixed_context import fixed_context, soft_implied

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["Entry", "matches", "observed", "stated"]

Entry = tuple[str, str]  # (node id, state)


class _Stated(dict[str, np.ndarray]):
    """Evidence :func:`stated` has read already: passed to it again, it is returned as it is.

    ``fixed`` names the nodes read from the population, not entered.
    """

    fixed: frozenset[str] = frozenset()


def stated(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    """``vectors`` with each finding the file's entailments imply put back, outright in its implied state.

    The evidence is reduced by the entailments before it is scored (:func:`crampnet.network.entailment.entail`): a finding implied by
    another entered one is left out, counted with it. The rules read findings,
    not likelihoods, so they read it back: relief on hanging the leg down
    is rest pain (``relief_by_dependency`` entails ``rest_pain``), whether
    rest pain was entered beside it or not, and whether the relief was entered
    outright or as soft evidence leaning to it (:func:`~crampnet.reasoning._fixed_context.soft_implied`). The context the population
    fixes is read as entered too (:func:`~crampnet.reasoning._fixed_context.fixed_context`:
    pregnancy among pregnant women), its impossible states taken out of an entry.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence (:func:`~crampnet.reasoning._scoring.observe`); not changed.

    Returns
    -------
    Mapping of str to numpy.ndarray
        A new dict, with an indicator vector for each implied finding and
        each context node the population fixes (the nodes not entered named
        in its ``fixed``); or ``vectors`` itself when it is what this function returned already
        (the rules and the rule-outs of one case read it once,
        :func:`crampnet.reasoning.redflags.red_flags`).
    """
    if isinstance(vectors, _Stated):
        return vectors
    out = _Stated(vectors)
    for nid, (state, _) in implied(model.spec, vectors).items():
        states = model.spec.nodes[nid].states
        out[nid] = np.eye(len(states))[states.index(state)]
    soft_implied(model, out)  # and each a finding entered as soft evidence leaning to its positive state implies
    fixed = fixed_context(model)
    out.fixed = frozenset(fixed.keys() - out.keys())
    for nid, possible in fixed.items():
        out[nid] = out[nid] * possible if nid in out else possible
    return out


def matches(model: BaseModel, vectors: Mapping[str, np.ndarray], entry: Entry) -> bool:
    """Whether ``entry`` is observed: hard evidence in that state, or soft evidence whose largest likelihood is on it alone.

    Soft evidence whose largest likelihood several states share (``{"normal":
    1, "raised": 1}``, no information) observes none of them: a tie read as
    each state at once raised a flag for a raised D-dimer and met the
    rule-out by a normal one on the same entry.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence: node id to its likelihood vector over the node's
        states (:func:`~crampnet.reasoning._scoring.observe`).
    entry : tuple of (str, str)
        ``(node id, state)``.

    Returns
    -------
    bool
        False too for a node or state the network lacks, or a node not
        entered.
    """
    found = _entered(model, vectors, entry)
    if found is None:
        return False
    vec, value = found
    return bool(value > 0 and value == vec.max() and np.count_nonzero(vec == value) == 1)


def observed(model: BaseModel, vectors: Mapping[str, np.ndarray], group: tuple[Entry, ...]) -> list[Entry]:
    """The entries of ``group`` (alternatives) the evidence observes: each that :func:`matches`, or those of one node it observes together.

    A node's entries in the group are observed together when every state of
    the node's largest likelihood is among them: pregnancy entered as
    ``{"first_trimester": 1, "later_trimester": 1}`` (pregnant, the
    trimester not known) is a pregnancy, and an ABI tied between ``low`` and
    ``very_low`` is below 0.9, though neither state alone :func:`matches`.
    A tie that reaches a state outside the group observes none.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence (:func:`~crampnet.reasoning._scoring.observe`).
    group : tuple of tuple of (str, str)
        Alternative ``(node id, state)`` entries.

    Returns
    -------
    list of tuple of (str, str)
        The entries observed, in ``group`` order; those of a tie are each
        of its states in the group.
    """
    hits = []
    for entry in group:
        found = _entered(model, vectors, entry)
        if found is not None and found[1] > 0 and found[1] == found[0].max():
            states = model.spec.nodes[entry[0]].states
            tied = {states[i] for i in np.flatnonzero(found[0] == found[1])}
            if tied <= {state for nid, state in group if nid == entry[0]}:
                hits.append(entry)
    return hits


def _entered(model: BaseModel, vectors: Mapping[str, np.ndarray], entry: Entry) -> tuple[np.ndarray, float] | None:
    """``entry``'s node's likelihood vector and the likelihood of its state; None for a node or state the network lacks, or a node not entered."""
    nid, state = entry
    node = model.spec.nodes.get(nid)
    if node is None or nid not in vectors or state not in node.states:
        return None
    vec = vectors[nid]
    return vec, float(vec[node.states.index(state)])


def _definite(model: BaseModel, vectors: Mapping[str, np.ndarray], entry: Entry) -> bool:
    """Whether ``entry`` is entered outright: its node entered with a likelihood above 0 on that state alone.

    What lowers a flag reads only such entries: soft evidence that leans to
    a normal D-dimer (``{"normal": 1, "raised": 0.95}``) met the rule-out
    and took the flag away on almost no information.
    """
    found = _entered(model, vectors, entry)
    return found is not None and found[1] > 0 and int(np.count_nonzero(found[0] > 0)) == 1


def _possible(model: BaseModel, vectors: Mapping[str, np.ndarray], entry: Entry) -> bool:
    """Whether ``entry``'s node is entered and its likelihood of that state is above 0 (soft evidence for it, however weak)."""
    found = _entered(model, vectors, entry)
    return found is not None and found[1] > 0
