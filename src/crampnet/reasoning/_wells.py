"""The Wells score for deep vein thrombosis, its flag and its rule-out, on the evidence entered.

:func:`wells_score` counts the Wells items (Wells 2003) the evidence states,
:func:`wells_flag` makes the DVT flag from it and the D-dimer (NICE NG158),
:func:`wells_unstated` lists the items left open, and :func:`rule_outs` and
:func:`rule_outs_open` say whether the published rule-out (a Wells score of 1
or less with a normal D-dimer, Geersing 2014) is met. :func:`matches` reads
one ``(node, state)`` entry off the evidence, for these and the finding rules
of :mod:`crampnet.reasoning._rules` (from ``reasoning._entries``, re-exported
here), which re-exports everything here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from crampnet.reasoning._entries import Entry, _definite, _possible, matches, observed, stated
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
