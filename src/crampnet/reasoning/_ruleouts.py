"""The published rule-outs of the must-not-miss conditions, met or waiting on items not answered, for a case.

:func:`rule_outs_met` and :func:`rule_outs_open` read a case as
:func:`crampnet.reasoning.redflags.red_flags` does (which re-exports them):
the DVT rule-out of NICE NG158 (a Wells score of 1 or less, every item
answered, with a normal D-dimer) stops the testing-threshold ``test`` flag.
A ``threshold`` given by the caller flags every condition at or above it,
so no rule-out applies; a wrong one is an error, not the rule-outs silently
switched off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from crampnet.reasoning._flag_args import check_threshold
from crampnet.reasoning._rules import rule_outs
from crampnet.reasoning._rules import rule_outs_open as _rule_outs_open
from crampnet.reasoning._scoring import observe

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["rule_outs_met", "rule_outs_open"]


def rule_outs_met(model: BaseModel, evidence: Mapping[str, object] | None, threshold: float | None = None) -> dict[str, tuple[str, str]]:
    """The must-not-miss conditions whose published rule-out ``evidence`` meets, each with what was found and its source.

    Empty when a ``threshold`` is given: then every condition at or above it
    is flagged, as the caller asked (:func:`crampnet.reasoning.redflags.red_flags`). The DVT rule-out
    needs every Wells item answered (an item left open might make DVT
    likely): :func:`rule_outs_open` says which are missing.

    Parameters
    ----------
    model : BaseModel
        The model.
    evidence : mapping or None
        The case: node ids (or aliases) to what was observed.
    threshold : float or None, default=None
        The threshold the caller gave :func:`crampnet.reasoning.redflags.red_flags`, if any.

    Returns
    -------
    dict of str to tuple of (str, str)
        Condition id to ``(what was found, source)``, for each rule-out met.

    Raises
    ------
    InvalidValueError
        If ``threshold`` is neither None nor a number in (0, 1].

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.reasoning.redflags import rule_outs_met, rule_outs_open
    >>> case = {"calf_tenderness": True, "d_dimer": "normal", "malignancy": False, "recent_immobilisation": False,
    ...         "unilateral_calf_swelling": False, "edema": False, "prior_vte": False}
    >>> met = rule_outs_met(crampnet.load(), case)
    >>> list(met), met["deep_vein_thrombosis"][0].split(":")[0]
    (['deep_vein_thrombosis'], 'Wells score 1 (localized tenderness along the deep veins; every item the network asks answered) with a normal D-dimer')
    >>> rule_outs_met(crampnet.load(), {"calf_tenderness": True, "d_dimer": "normal"})
    {}
    """
    if threshold is not None and check_threshold(threshold, subject="The 'threshold' argument of rule_outs_met"):
        return {}  # a threshold given (checked: a wrong one is an error, not the rule-outs silently off)
    return rule_outs(model, observe(model, evidence))


def rule_outs_open(model: BaseModel, evidence: Mapping[str, object] | None, threshold: float | None = None) -> dict[str, str]:
    """The rule-outs ``evidence`` would meet but for items not answered: condition id to what is missing.

    Empty when a ``threshold`` is given, as :func:`rule_outs_met`.

    Parameters
    ----------
    model : BaseModel
        The model.
    evidence : mapping or None
        The case so far.
    threshold : float or None, default=None
        The threshold the caller gave :func:`crampnet.reasoning.redflags.red_flags`, if any.

    Returns
    -------
    dict of str to str
        Condition id to a sentence naming the items not entered.

    Raises
    ------
    InvalidValueError
        If ``threshold`` is neither None nor a number in (0, 1].

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.reasoning.redflags import rule_outs_met, rule_outs_open
    >>> rule_outs_open(crampnet.load(), {"calf_tenderness": True, "d_dimer": "normal", "malignancy": False})["deep_vein_thrombosis"]
    'a normal D-dimer rules DVT out only at a Wells score of 1 or less (NICE NG158); the items entered score 1, and these are not entered (or only as soft evidence): recently bedridden or major surgery, calf swelling on one side, pitting edema confined to the symptomatic leg, previously documented DVT.'
    """
    if threshold is not None and check_threshold(threshold, subject="The 'threshold' argument of rule_outs_open"):
        return {}  # as rule_outs_met
    return _rule_outs_open(model, observe(model, evidence))
