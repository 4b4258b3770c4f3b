"""Red flags: findings that call for action whatever the differential says.

Two kinds of rule, both evaluated on every diagnosis:

1. **Finding rules** fire on the evidence alone, whatever the rank or
   posterior of the condition they point at: ischemic rest pain or an ulcer
   or gangrene (critical limb ischemia); unilateral calf swelling (deep vein
   thrombosis); bladder or bowel dysfunction, an emergency when it comes with
   radicular pain (dermatomal radiation, a positive straight leg raise or
   back pain); weakness with fasciculations (motor neuron disease).
2. **The must-not-miss rule** fires for every condition the network file
   marks ``must_not_miss`` whose posterior reaches ``threshold``.

A rule counts an entry when it is hard evidence in the flagged state, or soft
evidence whose largest likelihood is on that state. Rules naming nodes the
network does not have never fire. Every flag carries an action and the
document it comes from (a seed document or a study of the evidence table).

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.redflags import red_flags
>>> model = crampnet.load()
>>> [flag.condition for flag in red_flags(model, {"unilateral_calf_swelling": True})]
['deep_vein_thrombosis']
>>> red_flags(model, {"muscle_cramps": True, "relief_by_stretching": True, "nocturnal": True})
[]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import InvalidValueError
from crampnet.reasoning._scoring import observe
from crampnet.reasoning.notes import GOODACRE_2005, NOTES, seed

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["DEFAULT_THRESHOLD", "RULES", "URGENCIES", "RedFlag", "Rule", "check_threshold", "red_flags"]

#: Posterior at or above which a must-not-miss condition is flagged.
DEFAULT_THRESHOLD = 0.10
#: Urgencies, most urgent first.
URGENCIES = ("emergency", "urgent")

Entry = tuple[str, str]  # (node id, state)


@dataclass(frozen=True)
class RedFlag:
    """A finding or probability that calls for action.

    Attributes
    ----------
    condition : str
        The condition id the flag points at.
    urgency : {'emergency', 'urgent'}
        How soon to act.
    message : str
        What was found and what to do.
    source : str
        The document the action comes from.
    """

    condition: str
    urgency: str
    message: str
    source: str


@dataclass(frozen=True)
class Rule:
    """A finding rule: fires when every group has at least one matching entry.

    Attributes
    ----------
    name : str
        A short name, used by ``unless``.
    condition, urgency, action, source : str
        As in :class:`RedFlag`; ``action`` follows the list of what was found.
    groups : tuple of tuple of (str, str)
        Each group is a set of alternative ``(node, state)`` entries.
    supporting : tuple of (str, str)
        Entries named in the message when present, without being required.
    unless : str or None
        Do not fire when the rule of this name fires.
    """

    name: str
    condition: str
    urgency: str
    groups: tuple[tuple[Entry, ...], ...]
    action: str
    source: str
    supporting: tuple[Entry, ...] = ()
    unless: str | None = None


#: The finding rules, in the order they are checked.
RULES = (
    Rule(
        "critical_limb_ischemia", "critical_limb_ischemia", "urgent",
        ((("rest_pain", "yes"), ("ulcer_or_gangrene", "yes")),),
        "Possible critical limb ischemia: arrange urgent vascular evaluation.",
        seed("001", "002"),
        supporting=(("pedal_pulses", "absent"), ("ankle_brachial_index", "very_low")),
    ),
    Rule(
        "deep_vein_thrombosis", "deep_vein_thrombosis", "urgent",
        ((("unilateral_calf_swelling", "yes"),),),
        "Assess for deep vein thrombosis today: Wells score, then D-dimer (when DVT is unlikely) or imaging.",
        f"{GOODACRE_2005}; {NOTES['deep_vein_thrombosis'][0].source}",
        supporting=(("calf_tenderness", "yes"), ("prior_vte", "yes"), ("malignancy", "yes"), ("recent_immobilisation", "yes")),
    ),
    Rule(
        "cauda_equina", "lumbar_radiculopathy", "emergency",
        ((("bladder_bowel_dysfunction", "yes"),), (("dermatomal_radiation", "yes"), ("straight_leg_raise", "positive"), ("back_pain", "yes"))),
        "Bladder or bowel dysfunction with radicular pain (possible cauda equina compression): same-day neurological assessment and referral.",
        seed("004"),
        supporting=(("weakness", "yes"), ("sensory_loss", "yes")),
    ),
    Rule(
        "bladder_bowel", "lumbar_radiculopathy", "urgent",
        ((("bladder_bowel_dysfunction", "yes"),),),
        "Bladder or bowel dysfunction with leg symptoms warrants neurological assessment and referral.",
        seed("004"),
        unless="cauda_equina",
    ),
    Rule(
        "motor_neuron_disease", "motor_neuron_disease", "urgent",
        ((("weakness", "yes"),), (("fasciculations", "yes"),)),
        "Cramps with weakness and fasciculations: refer to neurology to exclude motor neuron disease.",
        seed("004"),
        supporting=(("hyperreflexia", "yes"), ("proximal_weakness", "yes")),
    ),
)  # fmt: skip


def _matches(model: BaseModel, vectors: Mapping[str, np.ndarray], entry: Entry) -> bool:
    nid, state = entry
    node = model.spec.nodes.get(nid)
    if node is None or nid not in vectors or state not in node.states:
        return False
    vec = vectors[nid]
    return bool(vec[node.states.index(state)] > 0 and vec[node.states.index(state)] == vec.max())


def _describe(model: BaseModel, entries: list[Entry]) -> str:
    return ", ".join(f"{model.spec.nodes[n].label or n}: {s}" for n, s in entries)


def check_threshold(threshold: object) -> float:
    """Return ``threshold`` as a float, or raise if it is not a number in (0, 1]."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0.0 < threshold <= 1.0:
        msg = f"The 'threshold' argument must be a number in (0, 1]. Got {threshold!r} instead."
        raise InvalidValueError(msg)
    return float(threshold)


def red_flags(model: BaseModel, evidence: Mapping[str, object] | None, posteriors: pd.Series | None = None, *, threshold: float = DEFAULT_THRESHOLD) -> list[RedFlag]:
    """The red flags raised by one case, most urgent first.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : mapping or None
        One case, as for :meth:`crampnet.Model.posteriors`.
    posteriors : pandas.Series, optional
        ``model.posteriors(evidence)`` if already computed.
    threshold : float, default=0.10
        Posterior at or above which a must-not-miss condition is flagged.

    Returns
    -------
    list of RedFlag
        Finding rules first (in :data:`RULES` order), then must-not-miss
        conditions by decreasing posterior; emergencies before the rest.

    Raises
    ------
    InvalidValueError
        If ``threshold`` is not a number in (0, 1].
    """
    threshold = check_threshold(threshold)
    vectors = observe(model, evidence)
    flags: list[RedFlag] = []
    fired: set[str] = set()
    for rule in RULES:
        found: list[Entry] = []
        for group in rule.groups:
            hits = [e for e in group if _matches(model, vectors, e)]
            if not hits:
                break
            found += hits
        else:
            if rule.unless in fired:
                continue
            fired.add(rule.name)
            also = [e for e in rule.supporting if _matches(model, vectors, e)]
            extra = f"; also {_describe(model, also)}" if also else ""
            flags.append(RedFlag(rule.condition, rule.urgency, f"{_describe(model, found)}{extra}. {rule.action}", rule.source))
    series = posteriors if posteriors is not None else model.posteriors(evidence)
    post = {str(k): float(v) for k, v in series.to_dict().items()}
    flagged = {f.condition for f in flags}
    for cond in sorted(model.must_not_miss, key=lambda c: -post[c]):
        p = post[cond]
        if cond in flagged or p < threshold:
            continue
        label = model.spec.nodes[cond].label or cond
        notes = NOTES.get(cond)
        action, source = (notes[0].text, notes[0].source) if notes else ("The network marks it must-not-miss: evaluate it specifically.", f"network file {model.spec.path} (must_not_miss)")
        flags.append(RedFlag(cond, "urgent", f"{label}: P = {p:.0%}, at or above the must-not-miss threshold of {threshold:.0%}. {action}", source))
    return sorted(flags, key=lambda f: URGENCIES.index(f.urgency))
