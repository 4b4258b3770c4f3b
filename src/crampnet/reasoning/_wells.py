"""The Wells score for deep vein thrombosis, its flag and its rule-out, on the evidence entered.

:func:`wells_score` counts the Wells items (Wells 2003) the evidence states,
:func:`wells_flag` makes the DVT flag from it and the D-dimer (NICE NG158),
:func:`wells_unstated` lists the items left open, and :func:`rule_outs` and
:func:`rule_outs_open` say whether the published rule-out (a Wells score of 1
or less with a normal D-dimer, Geersing 2014) is met. :func:`matches` reads
one ``(node, state)`` entry off the evidence, for these and the finding rules
of :mod:`crampnet.reasoning._rules`, which re-exports everything here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from crampnet.network.entailment import implied
from crampnet.reasoning._fixed_context import fixed_context, soft_implied
from crampnet.reasoning.notes import (
    GEERSING_2014,
    NICE_NG158,
    NICE_NG158_RULE_OUT,
    NICE_NG158_SCAN,
    RCOG_37B,
    WELLS_2003,
)

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["WELLS_ITEMS", "WELLS_NOT_SCORED", "WELLS_SIGNS", "Entry", "matches", "observed", "rule_outs", "rule_outs_open", "stated", "wells_flag", "wells_score", "wells_unstated"]

Entry = tuple[str, str]  # (node id, state)

_PREGNANT_OR_POSTPARTUM = (("pregnancy", "first_trimester"), ("pregnancy", "later_trimester"), ("postpartum", "yes"))

#: The Wells items the network can hold: ``(entries that must all match, item)``, one point each (Wells 2003).
WELLS_ITEMS: tuple[tuple[tuple[Entry, ...], str], ...] = (
    ((("malignancy", "yes"),), "active cancer"),
    ((("recent_immobilisation", "yes"),), "recently bedridden or major surgery"),
    ((("calf_tenderness", "yes"),), "localized tenderness along the deep veins"),
    ((("unilateral_calf_swelling", "yes"),), "calf swelling on one side"),
    ((("edema", "yes"), ("bilateral", "no")), "pitting edema confined to the symptomatic leg"),
    ((("prior_vte", "yes"),), "previously documented DVT"),
)
#: The Wells items that are signs in the leg (tenderness, swelling, edema of that leg only): with one of them DVT is
#: suspected, so a score of 1 calls for a D-dimer (NICE NG158); a risk factor alone (cancer, bed rest) does not.
WELLS_SIGNS = ("localized tenderness along the deep veins", "calf swelling on one side", "pitting edema confined to the symptomatic leg")
#: The Wells items left out, and why.
WELLS_NOT_SCORED = {
    "paralysis, paresis or recent plaster immobilisation": "no node (objective weakness of any cause is not taken for it)",
    "entire leg swollen": "no node (calf swelling is scored)",
    "collateral superficial veins (non-varicose)": "no node (varicosities are varicose, which the item excludes)",
    "alternative diagnosis at least as likely (-2)": "left out, the conservative choice: it is a clinician's judgment, and taking it from the network's own differential would let the model argue away its own flag",
}
#: The single-entry Wells items, named beside the pulmonary embolism flag when present.
_WELLS_ENTRIES = tuple(entries[0] for entries, _ in WELLS_ITEMS if len(entries) == 1)


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


def wells_score(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> tuple[int, list[str]]:
    """The Wells score (Wells 2003) from the items the evidence states, and the items counted.

    Unstated items count 0, so the score is a lower bound; items in
    :data:`WELLS_NOT_SCORED` are never counted.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence: node id to its likelihood vector over the node's
        states (:func:`~crampnet.reasoning._scoring.observe`).

    Returns
    -------
    tuple of (int, list of str)
        The score (0 to 6) and the items counted, in :data:`WELLS_ITEMS`
        order.
    """
    found = [item for entries, item in WELLS_ITEMS if all(matches(model, vectors, e) for e in entries)]
    return len(found), found


def wells_flag(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> tuple[str, str, str] | None:
    """``(urgency, message, source)`` of the DVT flag, or None.

    ``urgent`` when DVT is likely (Wells >= 2) or the D-dimer is raised
    (whatever the score): a leg vein scan within 4 hours, else interim anticoagulation (NICE NG158).
    ``test`` when the score is 1 from a sign in the leg (:data:`WELLS_SIGNS`)
    and no D-dimer is entered: DVT is suspected but unlikely, and a D-dimer
    decides (NICE NG158); in pregnancy or the 6 weeks after delivery (soft
    evidence of any weight, as for :func:`rule_outs`) a duplex, and a normal
    D-dimer does not take it away (RCOG Green-top 37b); ``urgent`` there, with 37b's heparin, at a score of 2 or a raised
    D-dimer (the Wells pathway is not validated there), or with pregnancy or delivery observed and ``bilateral`` not
    entered (the side unknown). Otherwise Wells <= 1
    with a normal D-dimer raises no rule flag, nor does a risk factor alone: the testing threshold still applies,
    unless :func:`rule_outs` finds the rule-out met (Geersing 2014), which
    needs every Wells item answered.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence: node id to its likelihood vector over the node's
        states (:func:`~crampnet.reasoning._scoring.observe`).

    Returns
    -------
    tuple of (str, str, str) or None
        ``urgency`` ("urgent" or "test"), the message (the score and its
        items, then the action) and the sources; None for no flag.
    """
    score, items = wells_score(model, vectors)
    found, source = f"Wells score {score} ({', '.join(items) or 'no item stated'})", f"{WELLS_2003}; {GEERSING_2014}"
    raised, pregnant = matches(model, vectors, ("d_dimer", "raised")), any(_possible(model, vectors, e) for e in _PREGNANT_OR_POSTPARTUM)
    action, lmwh = "in pregnancy or the 6 weeks after delivery the Wells score is not validated and a D-dimer does not exclude DVT (RCOG Green-top 37b): compression duplex ultrasound today", ", with low-molecular-weight heparin until DVT is excluded unless contraindicated."
    if pregnant and (score >= 2 or raised):  # RCOG 37b, not the Wells pathway: treat until a duplex excludes it
        return "urgent", f"{found}{'' if score >= 2 else ' with a raised D-dimer'}: {action}{lmwh}", f"{RCOG_37B}; {source}"
    if score >= 2:
        return "urgent", f"{found}: DVT likely (Wells >= 2). A proximal leg vein ultrasound scan with the result within 4 hours, and a D-dimer if it is negative; if the result cannot be had within 4 hours, a D-dimer and interim therapeutic anticoagulation now, with the scan result within 24 hours (NICE NG158).", f"{NICE_NG158_SCAN}; {source}"
    if raised:
        return "urgent", f"{found} with a raised D-dimer: a proximal leg vein ultrasound scan within 4 hours; if it cannot be done within 4 hours, interim anticoagulation now and the scan within 24 hours (NICE).", f"{NICE_NG158_SCAN}; {source}"
    if any(item in WELLS_SIGNS for item in items) and pregnant:
        # RCOG 37b tests any suspicion at once; the dvt_pregnancy rule (urgent) needs the side, so a side not entered stays urgent.
        if observed(model, vectors, _PREGNANT_OR_POSTPARTUM) and not _answered(model, vectors, "bilateral"):
            return "urgent", f"{found}: {action}{lmwh} Whether one leg or both is affected is not entered: urgent as for one side until it is.", f"{RCOG_37B}; {source}"
        return "test", f"{found}: {action}.", f"{RCOG_37B}; {source}"
    if not _definite(model, vectors, ("d_dimer", "normal")) and any(item in WELLS_SIGNS for item in items):
        action = "DVT unlikely (Wells <= 1) but not excluded: a D-dimer test, and a proximal leg vein ultrasound scan if it is raised; a normal result makes DVT unlikely."
        return "test", f"{found}: {action}", f"{NICE_NG158}; {source}"
    return None


def wells_unstated(model: BaseModel, vectors: Mapping[str, np.ndarray], *, definite: bool = False) -> list[str]:
    """The Wells items the evidence leaves open: neither counted nor excluded by what is entered.

    An item is decided when each of its nodes is entered in one state
    (:func:`matches`: soft evidence tied between states answers nothing),
    or when one of them is entered in a state that rules the item out
    (pitting edema on both sides, or no edema, decides "pitting edema
    confined to the symptomatic leg"). Items on nodes the network does not have are not
    scored, so they are never open.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence: node id to its likelihood vector over the node's
        states (:func:`~crampnet.reasoning._scoring.observe`).
    definite : bool, default=False
        Count only nodes entered outright (one state of likelihood above 0)
        as answers, as the rule-out does: soft evidence leaves its item open.

    Returns
    -------
    list of str
        The open items' names, in :data:`WELLS_ITEMS` order.
    """
    nodes = model.spec.nodes
    open_items = []
    for entries, item in WELLS_ITEMS:
        if any(nid not in nodes for nid, _ in entries):
            continue
        if all(_answered(model, vectors, nid, definite) for nid, _ in entries) or any(_answered(model, vectors, nid, definite) and not matches(model, vectors, (nid, state)) for nid, state in entries):
            continue
        open_items.append(item)
    return open_items


def _answered(model: BaseModel, vectors: Mapping[str, np.ndarray], nid: str, definite: bool = False) -> bool:
    """Whether ``nid`` is entered in one state (:func:`matches`; with ``definite``, :func:`_definite`): soft evidence tied between states answers nothing."""
    read = _definite if definite else matches
    return nid in vectors and any(read(model, vectors, (nid, state)) for state in model.spec.nodes[nid].states)


def _dvt_rule_out(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> tuple[int, list[str], list[str]] | None:
    """``(score, items counted, items open)`` when the DVT rule-out is in question (a normal D-dimer, none of its exceptions), else None."""
    # It lowers a flag, so it reads entries outright: a normal D-dimer entered as such, and none of its
    # exceptions possible on what is entered (soft evidence of PE symptoms or pregnancy, however weak, stops it).
    vectors = stated(model, vectors)  # a finding implied by another entered one is read as entered
    if not _definite(model, vectors, ("d_dimer", "normal")) or _possible(model, vectors, ("pe_symptoms", "yes")):
        return None
    if any(_possible(model, vectors, entry) for entry in _PREGNANT_OR_POSTPARTUM):
        return None
    score, items = wells_score(model, vectors)
    return score, items, wells_unstated(model, vectors, definite=True)


def rule_outs(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> dict[str, tuple[str, str]]:
    """The published rule-outs the evidence meets: condition id to ``(what was found, source)``.

    Deep vein thrombosis: a Wells score of 1 or less with a normal D-dimer,
    every Wells item the network holds answered (:func:`wells_unstated`: an
    item left open might be the point that makes DVT likely, where a normal
    D-dimer alone does not rule it out). A rule-out takes a flag away, so it
    reads entries made outright (its words name the NICE items the network does not ask): a D-dimer or a Wells item entered as soft
    evidence leaves it open, and soft evidence of any weight for symptoms of
    pulmonary embolism, pregnancy or a recent delivery stops it. NICE NG158: DVT is not likely,
    consider another diagnosis; 3-month VTE risk 1.2% after it (Geersing
    2014). Not with symptoms of pulmonary embolism, which are assessed in
    their own right (NICE CG144), nor in pregnancy or the 6 weeks after
    delivery, where the Wells score is not validated and the D-dimer rises
    normally (RCOG Green-top 37b).

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence: node id to its likelihood vector over the node's
        states (:func:`~crampnet.reasoning._scoring.observe`).

    Returns
    -------
    dict of str to tuple of (str, str)
        ``{"deep_vein_thrombosis": (found, source)}`` when it is met, else
        empty.
    """
    case = _dvt_rule_out(model, vectors)
    if case is None or case[0] >= 2 or case[2]:
        return {}
    score, items, _ = case
    found = f"Wells score {score} ({', '.join(items) or 'no item present'}; every item the network asks answered) with a normal D-dimer: DVT not likely, consider another diagnosis (NICE NG158; 3-month VTE risk 1.2% after it, Geersing 2014). Not asked: {'; '.join(k for k in WELLS_NOT_SCORED if '(-2)' not in k)}: check them, as each present adds 1, and at 2 or more a normal D-dimer does not rule DVT out."
    return {"deep_vein_thrombosis": (found, f"{NICE_NG158_RULE_OUT}; {GEERSING_2014}")}


def rule_outs_open(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> dict[str, str]:
    """The rule-outs a normal test would meet but for items not answered: condition id to what is missing.

    Deep vein thrombosis, when the D-dimer is normal and the Wells items
    entered score 1 or less but some are not entered (:func:`rule_outs`).

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence: node id to its likelihood vector over the node's
        states (:func:`~crampnet.reasoning._scoring.observe`).

    Returns
    -------
    dict of str to str
        ``{"deep_vein_thrombosis": message}`` naming the items not entered,
        or empty.
    """
    case = _dvt_rule_out(model, vectors)
    if case is None or case[0] >= 2 or not case[2]:
        return {}
    score, _, open_items = case
    return {"deep_vein_thrombosis": f"a normal D-dimer rules DVT out only at a Wells score of 1 or less (NICE NG158); the items entered score {score}, and these are not entered (or only as soft evidence): {', '.join(open_items)}."}
