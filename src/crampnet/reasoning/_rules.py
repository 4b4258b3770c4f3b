"""The finding rules of the red flags, each taken from a published criterion.

A :class:`Rule` fires when every group of entries has at least one match
and none of its ``excluded`` entries matches; deep vein thrombosis is
decided by the Wells score instead (:func:`wells_score`, :func:`wells_flag`),
unless its pulmonary embolism rule has fired: urgent at 2 or more or with a
raised D-dimer, a ``test`` (a D-dimer) at 1 when the point is a sign in the
leg (NICE NG158: signs of DVT make it suspected, and an unlikely score is
tested by D-dimer), nothing with a normal D-dimer.
Node ids and states are those of the shipped network (the project vocabulary).

- **Acute limb ischemia** (emergency): a cold or pale limb with absent pedal
  pulses or atrial fibrillation (an embolic source), or absent pulses with
  atrial fibrillation in a history under 2 weeks; not when the history is
  stated to be 2 weeks or longer. ESVS 2020 (Björck et al.): ALI is a sudden
  loss of perfusion, under 2 weeks, recognised by the six Ps (pain, pallor,
  pulselessness, paraesthesia, paralysis, perishing cold).
- **Chronic limb-threatening ischemia** (urgent): rest pain, ulcer or
  gangrene with haemodynamic evidence of PAD (absent pedal pulses, ABI below
  0.9). Global Vascular Guidelines (Conte et al. 2019). Their ">2 weeks" is
  not required: a shorter history with these findings needs at least as much
  urgency (the ALI rule looks at it).
- **Cauda equina** (emergency): bladder or bowel dysfunction with radicular
  (dermatomal radiation, positive straight leg raise, back pain) or bilateral
  symptoms; bladder or bowel dysfunction alone is urgent.
- **Pulmonary embolism** (emergency, flagged as deep vein thrombosis, its
  source in the leg): new breathlessness, pleuritic chest pain, haemoptysis
  or fainting with the leg complaint, whatever the Wells score. NICE CG144
  (2012; now NG158): signs or symptoms of PE are assessed at once (PE Wells
  score, CT pulmonary angiography or D-dimer); NHS advice: call 999.
- **Deep vein thrombosis in pregnancy** (urgent): pregnancy, or the 6
  weeks after delivery (``postpartum``), with leg pain or swelling on one
  side: the other leg spared (``bilateral`` no) or a one-sided calf
  swelling, with a complaint of pain or swelling, calf tenderness or edema.
  RCOG Green-top Guideline 37b (2015): any clinical suspicion of VTE in
  pregnancy or the puerperium is tested at once by compression duplex
  ultrasound, with low-molecular-weight heparin until it is excluded; the
  Wells score was not validated in pregnancy (Chan 2009 derived the LEFt
  rule instead), so this rule, not the Wells score, decides the flag when it
  fires. The first 6 weeks after delivery carry the highest risk (odds ratio
  84, Pomp 2008).
- **Motor neuron disease** (urgent): upper (brisk reflexes) with lower motor
  neuron signs (fasciculations, wasting) in the legs; lower motor neuron signs
  in the legs with the arms or the bulbar region involved; bulbar symptoms
  with weakness or brisk reflexes in the legs. Gold Coast criteria (Shefner
  et al. 2020), with fasciculations as a lower motor neuron sign (Awaji, de
  Carvalho et al. 2008).
- **Motor neuron disease, progression to ask** (test): weakness with
  fasciculations or wasting in the legs (lower motor neuron signs in one
  region, which the Gold Coast criteria do not yet count), without sensory
  symptoms or bladder or bowel involvement: ask whether the weakness is
  progressive, and if so refer. The MND Association and RCGP red flag tool
  (2013) asks exactly this of a primary-care patient; the rule stands whatever
  the posterior, since a probability near the testing threshold can move
  either way with any number of the network.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._rules import wells_score
>>> from crampnet.reasoning._scoring import observe
>>> model = crampnet.load()
>>> wells_score(model, observe(model, {"calf_tenderness": True, "malignancy": True}))[0]
2
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crampnet.reasoning.notes import (
    BJORCK_2020,
    CAUDA_EQUINA,
    GEERSING_2014,
    GOLD_COAST,
    GVG_2019,
    MND_RED_FLAG_TOOL,
    NICE_NG158,
    NICE_NG158_RULE_OUT,
    PULMONARY_EMBOLISM,
    RCOG_37B,
    WELLS_2003,
)

if TYPE_CHECKING:
    import numpy as np

    from crampnet.base import BaseModel

__all__ = ["RULES", "RULE_NODES", "WELLS_ITEMS", "WELLS_NOT_SCORED", "WELLS_SIGNS", "Entry", "Rule", "matches", "rule_outs", "rule_outs_open", "wells_flag", "wells_score", "wells_unstated"]

Entry = tuple[str, str]  # (node id, state)


@dataclass(frozen=True)
class Rule:
    """A finding rule: fires when every group has a matching entry and no ``excluded`` entry matches.

    Attributes
    ----------
    name : str
        A short name.
    condition, urgency, action, source : str
        As in :class:`~crampnet.reasoning.redflags.RedFlag`; ``action`` follows the list of what was found.
    groups : tuple of tuple of (str, str)
        Each group is a set of alternative ``(node, state)`` entries.
    supporting : tuple of (str, str)
        Entries named in the message when present, without being required.
    excluded : tuple of (str, str)
        Entries that stop the rule (e.g. a history of 2 weeks or more for an acute rule).
    """

    name: str
    condition: str
    urgency: str
    groups: tuple[tuple[Entry, ...], ...]
    action: str
    source: str
    supporting: tuple[Entry, ...] = ()
    excluded: tuple[Entry, ...] = ()


_CHRONIC = (("symptom_duration", "2_weeks_to_3_months"), ("symptom_duration", "over_3_months"))
_SIX_PS = (("paresthesia", "yes"), ("sensory_loss", "yes"), ("weakness", "yes"), ("rest_pain", "yes"), ("symptom_duration", "under_2_weeks"))
_LMN = (("fasciculations", "yes"), ("muscle_atrophy", "yes"))
_PREGNANT_OR_POSTPARTUM = (("pregnancy", "first_trimester"), ("pregnancy", "later_trimester"), ("postpartum", "yes"))
_ALI_ACTION = "Possible acute limb ischemia: emergency vascular referral now (ESVS 2020; sensory loss or weakness means the limb is threatened)."
_MND_ACTION = "Upper and lower motor neuron signs (Gold Coast criteria): refer to neurology for examination and EMG to exclude motor neuron disease."

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

#: The finding rules, in the order they are checked; within a condition, only the first that fires is reported.
RULES = (
    Rule("acute_limb_ischemia", "acute_limb_ischemia", "emergency",
         ((("cold_pale_limb", "yes"),), (("pedal_pulses", "absent"), ("atrial_fibrillation", "yes"))),
         _ALI_ACTION, BJORCK_2020, supporting=_SIX_PS, excluded=_CHRONIC),
    Rule("acute_limb_ischemia_embolic", "acute_limb_ischemia", "emergency",
         ((("symptom_duration", "under_2_weeks"),), (("pedal_pulses", "absent"),), (("atrial_fibrillation", "yes"),)),
         _ALI_ACTION, BJORCK_2020, supporting=_SIX_PS),
    Rule("cauda_equina", "lumbar_radiculopathy", "emergency",
         ((("bladder_bowel_dysfunction", "yes"),), (("dermatomal_radiation", "yes"), ("straight_leg_raise", "positive"), ("back_pain", "yes"), ("bilateral", "yes"))),
         "Bladder or bowel dysfunction with radicular or bilateral symptoms (possible cauda equina syndrome): immediate hospital referral for an emergency MRI.",
         CAUDA_EQUINA, supporting=(("weakness", "yes"), ("sensory_loss", "yes"))),
    Rule("bladder_bowel", "lumbar_radiculopathy", "urgent",
         ((("bladder_bowel_dysfunction", "yes"),),),
         "Bladder or bowel dysfunction with a leg complaint: ask about saddle numbness and back or radicular pain today; cauda equina syndrome is an emergency.",
         CAUDA_EQUINA),
    Rule("critical_limb_ischemia", "critical_limb_ischemia", "urgent",
         ((("rest_pain", "yes"), ("ulcer_or_gangrene", "yes")), (("pedal_pulses", "absent"), ("ankle_brachial_index", "low"), ("ankle_brachial_index", "very_low"))),
         "Possible chronic limb-threatening ischemia: urgent referral to a vascular specialist (Global Vascular Guidelines).",
         GVG_2019, supporting=(("symptom_duration", "2_weeks_to_3_months"), ("symptom_duration", "over_3_months"), ("relief_by_dependency", "yes"))),
    Rule("pulmonary_embolism", "deep_vein_thrombosis", "emergency",
         ((("pe_symptoms", "yes"),),),
         "Possible pulmonary embolism with a leg complaint: emergency assessment now (NHS advice: call 999).",
         PULMONARY_EMBOLISM,
         supporting=_WELLS_ENTRIES),
    Rule("dvt_pregnancy", "deep_vein_thrombosis", "urgent",
         (_PREGNANT_OR_POSTPARTUM, (("bilateral", "no"), ("unilateral_calf_swelling", "yes")),
          (("presenting_complaint", "pain"), ("presenting_complaint", "swelling"), ("unilateral_calf_swelling", "yes"), ("calf_tenderness", "yes"), ("edema", "yes"))),
         "Leg pain or swelling on one side in pregnancy or the 6 weeks after delivery: compression duplex ultrasound today, with low-molecular-weight heparin until DVT is excluded unless contraindicated (RCOG Green-top 37b); the Wells score and its D-dimer rule-out were not validated in pregnancy.",
         RCOG_37B, supporting=(("calf_tenderness", "yes"), ("edema", "yes"), ("prior_vte", "yes"), ("family_history_vte", "yes"), ("recent_immobilisation", "yes"))),
    Rule("mnd_one_region", "motor_neuron_disease", "urgent",
         ((("hyperreflexia", "yes"),), _LMN), _MND_ACTION, GOLD_COAST, supporting=(("weakness", "yes"),)),
    Rule("mnd_two_regions", "motor_neuron_disease", "urgent",
         (_LMN, (("upper_limb_involvement", "yes"), ("bulbar_symptoms", "yes"))),
         "Lower motor neuron signs in the legs with the arms or the bulbar region involved (Gold Coast criteria): refer to neurology to exclude motor neuron disease.",
         GOLD_COAST, supporting=(("weakness", "yes"),)),
    Rule("mnd_bulbar", "motor_neuron_disease", "urgent",
         ((("bulbar_symptoms", "yes"),), (("weakness", "yes"), ("hyperreflexia", "yes"))),
         "Bulbar symptoms with motor signs in the legs (two regions, Gold Coast criteria): refer to neurology to exclude motor neuron disease.",
         GOLD_COAST),
    Rule("mnd_progression", "motor_neuron_disease", "test",
         ((("weakness", "yes"),), _LMN),
         "Ask whether the weakness is progressive: if it is, query motor neuron disease and refer to neurology, saying so in the letter (MND Association red flag tool).",
         MND_RED_FLAG_TOOL, supporting=(("muscle_cramps", "yes"),),
         excluded=(("sensory_loss", "yes"), ("paresthesia", "yes"), ("bladder_bowel_dysfunction", "yes"))),
)  # fmt: skip


#: Every node whose answer can change what the finding rules flag: their groups and exclusions, the Wells items and the D-dimer.
RULE_NODES = frozenset(
    {nid for rule in RULES for group in (*rule.groups, rule.excluded) for nid, _ in group}
    | {nid for entries, _ in WELLS_ITEMS for nid, _ in entries}
    | {"d_dimer"}
)


def matches(model: BaseModel, vectors: Mapping[str, np.ndarray], entry: Entry) -> bool:
    """Whether ``entry`` is observed: hard evidence in that state, or soft evidence whose largest likelihood is on it."""
    nid, state = entry
    node = model.spec.nodes.get(nid)
    if node is None or nid not in vectors or state not in node.states:
        return False
    vec = vectors[nid]
    value = vec[node.states.index(state)]
    return bool(value > 0 and value == vec.max())


def wells_score(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> tuple[int, list[str]]:
    """The Wells score (Wells 2003) from the items the evidence states, and the items counted.

    Unstated items count 0, so the score is a lower bound; items in
    :data:`WELLS_NOT_SCORED` are never counted.
    """
    found = [item for entries, item in WELLS_ITEMS if all(matches(model, vectors, e) for e in entries)]
    return len(found), found


def wells_flag(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> tuple[str, str, str] | None:
    """``(urgency, message, source)`` of the DVT flag, or None.

    ``urgent`` when DVT is likely (Wells >= 2: same-day compression
    ultrasound) or the D-dimer is raised (whatever the score: ultrasound).
    ``test`` when the score is 1 from a sign in the leg (:data:`WELLS_SIGNS`)
    and no D-dimer is entered: DVT is suspected but unlikely, and a D-dimer
    decides (NICE NG158). Wells <= 1 with a normal D-dimer raises no rule
    flag, nor does a risk factor alone: the testing threshold still applies,
    unless :func:`rule_outs` finds the rule-out met (Geersing 2014), which
    needs every Wells item answered.
    """
    score, items = wells_score(model, vectors)
    found = f"Wells score {score} ({', '.join(items) or 'no item stated'})"
    source = f"{WELLS_2003}; {GEERSING_2014}"
    if score >= 2:
        return "urgent", f"{found}: DVT likely (Wells >= 2). Same-day compression ultrasound.", source
    if matches(model, vectors, ("d_dimer", "raised")):
        return "urgent", f"{found} with a raised D-dimer: compression ultrasound (today).", source
    if not matches(model, vectors, ("d_dimer", "normal")) and any(item in WELLS_SIGNS for item in items):
        action = "DVT unlikely (Wells <= 1) but not excluded: a D-dimer test, and a proximal leg vein ultrasound scan if it is raised; a normal result makes DVT unlikely."
        return "test", f"{found}: {action}", f"{NICE_NG158}; {source}"
    return None


def wells_unstated(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> list[str]:
    """The Wells items the evidence leaves open: neither counted nor excluded by what is entered.

    An item is decided when each of its nodes is entered, or when one of
    them is entered in a state that rules the item out (pitting edema on
    both sides, or no edema, decides "pitting edema confined to the
    symptomatic leg"). Items on nodes the network does not have are not
    scored, so they are never open.
    """
    nodes = model.spec.nodes
    open_items = []
    for entries, item in WELLS_ITEMS:
        if any(nid not in nodes for nid, _ in entries):
            continue
        if all(nid in vectors for nid, _ in entries) or any(nid in vectors and not matches(model, vectors, (nid, state)) for nid, state in entries):
            continue
        open_items.append(item)
    return open_items


def _dvt_rule_out(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> tuple[int, list[str], list[str]] | None:
    """``(score, items counted, items open)`` when the DVT rule-out is in question (a normal D-dimer, none of its exceptions), else None."""
    if not matches(model, vectors, ("d_dimer", "normal")) or matches(model, vectors, ("pe_symptoms", "yes")):
        return None
    if any(matches(model, vectors, entry) for entry in _PREGNANT_OR_POSTPARTUM):
        return None
    score, items = wells_score(model, vectors)
    return score, items, wells_unstated(model, vectors)


def rule_outs(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> dict[str, tuple[str, str]]:
    """The published rule-outs the evidence meets: condition id to ``(what was found, source)``.

    Deep vein thrombosis: a Wells score of 1 or less with a normal D-dimer,
    every Wells item the network holds answered (:func:`wells_unstated`: an
    item left open might be the point that makes DVT likely, where a normal
    D-dimer alone does not rule it out). NICE NG158: DVT is not likely,
    consider another diagnosis; 3-month VTE risk 1.2% after it (Geersing
    2014). Not with symptoms of pulmonary embolism, which are assessed in
    their own right (NICE CG144), nor in pregnancy or the 6 weeks after
    delivery, where the Wells score is not validated and the D-dimer rises
    normally (RCOG Green-top 37b).
    """
    case = _dvt_rule_out(model, vectors)
    if case is None or case[0] >= 2 or case[2]:
        return {}
    score, items, _ = case
    found = f"Wells score {score} ({', '.join(items) or 'no item present'}; every item answered) with a normal D-dimer: DVT not likely, consider another diagnosis (NICE NG158; 3-month VTE risk 1.2% after it, Geersing 2014)."
    return {"deep_vein_thrombosis": (found, f"{NICE_NG158_RULE_OUT}; {GEERSING_2014}")}


def rule_outs_open(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> dict[str, str]:
    """The rule-outs a normal test would meet but for items not answered: condition id to what is missing.

    Deep vein thrombosis, when the D-dimer is normal and the Wells items
    entered score 1 or less but some are not entered (:func:`rule_outs`).
    """
    case = _dvt_rule_out(model, vectors)
    if case is None or case[0] >= 2 or not case[2]:
        return {}
    score, _, open_items = case
    return {"deep_vein_thrombosis": f"a normal D-dimer rules DVT out only at a Wells score of 1 or less (NICE NG158); the items entered score {score}, and these are not entered: {', '.join(open_items)}."}
