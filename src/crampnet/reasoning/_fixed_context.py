"""The context a model's population fixes, for the red-flag rules to read as entered.

A population preset may make some states of a context node impossible:
among pregnant women (``population="pregnancy"``) ``pregnancy`` is never
``none``, and the preset is how a user says so once for every case. The
posteriors see it through the preset's priors; the finding rules and the
rule-outs read the evidence, so they read it there too
(:func:`crampnet.reasoning._entries.stated`): else the pregnancy rule (RCOG
Green-top 37b) did not fire for a pregnant woman with a painful leg on one
side, and a normal D-dimer met the Wells rule-out, which is not valid in
pregnancy.

Examples
--------
>>> import crampnet
>>> fixed_context(crampnet.load(population="pregnancy"))["pregnancy"].tolist()
[0.0, 1.0, 1.0]
>>> "pregnancy" in fixed_context(crampnet.load())
False
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["fixed_context", "soft_implied"]

#: Per compiled network (a model's tables), what :func:`fixed_context` found: computed once.
_FOUND: weakref.WeakKeyDictionary[object, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


def fixed_context(model: BaseModel) -> dict[str, np.ndarray]:
    """Each context node some of whose states the model's tables make impossible for everyone, with the indicator of the others.

    A state is impossible when its probability is 0 under every
    configuration of the node's parents: a preset's prior of 0
    (``pregnancy`` ``none`` among pregnant women, ``sex`` ``male`` there too),
    or a structural zero of the file.

    Parameters
    ----------
    model : BaseModel
        The model, in its population.

    Returns
    -------
    dict of str to numpy.ndarray
        Node id to a 0/1 vector over its states, 1 on each state still
        possible; only nodes with an impossible state (a new dict each call).
    """
    found = _FOUND.get(model.compiled)
    if found is None:
        found = {}
        for nid in model.context:
            table = np.asarray(model.compiled.tables[nid])
            possible = table.reshape(table.shape[0], -1).any(axis=1)
            if not possible.all():
                found[nid] = possible.astype(float)
        _FOUND[model.compiled] = found
    return dict(found)


def soft_implied(model: BaseModel, out: dict[str, np.ndarray]) -> None:
    """Put back, in place, each finding implied by one entered as soft evidence whose largest likelihood is on its positive state alone.

    The entailments read hard evidence (:func:`crampnet.network.entailment.implied`):
    relief on hanging the leg down entered as ``{"yes": 1, "no": 0.001}``
    is a finding the rules read as present, yet the rest pain it implies was
    not put back, and the chronic limb-threatening ischemia rule (rest pain
    with an ABI of 0.90) did not fire where the same entry made outright
    flagged it. The implied finding gets the implying one's likelihoods: its
    implied state that of the positive state, the others the largest of the
    rest. It is then read as the implying finding is (``_entries.matches``)
    and is not outright, so nothing that lowers a flag reads it (``_entries._definite``).
    Chains (a finding implying one that implies another) are followed.

    Parameters
    ----------
    model : BaseModel
        The model.
    out : dict of str to numpy.ndarray
        The evidence being read (``_entries.stated``), node id to likelihood
        vector; changed in place (an implied finding already in it is kept).
    """
    spec, added = model.spec, True
    while added:
        added = False
        for a, pos, b, state in spec.implications:
            if b in out or a not in out:
                continue
            va, ia = np.asarray(out[a], dtype=float), spec.nodes[a].states.index(pos)
            rest = float(np.delete(va, ia).max())
            if va[ia] > rest:  # leans to the positive state alone (hard evidence is put back by ``_entries.stated`` already)
                vec = np.full(len(spec.nodes[b].states), rest)
                vec[spec.nodes[b].states.index(state)] = va[ia]
                out[b], added = vec, True
