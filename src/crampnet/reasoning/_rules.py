"""The finding rules of the red flags, each taken from a published criterion.

A :class:`Rule` fires when every group of entries has at least one match
(:func:`observed`: a tie between alternatives of the group counts) and its
``excluded`` entries are not entered outright (:func:`excludes`); deep vein
thrombosis is decided by the Wells score instead (:func:`wells_score`, :func:`wells_flag`),
unless its pulmonary embolism rule has fired: urgent at 2 or more or with a
raised D-dimer, a ``test`` (a D-dimer) at 1 when the point is a sign in the
leg (NICE NG158: signs of DVT make it suspected, and an unlikely score is
tested by D-dimer), nothing with a normal D-dimer.
Node ids and states are those of the shipped network (the project vocabulary).
The Wells score, its flag and the rule-outs live in
:mod:`crampnet.reasoning._wells`; they are re-exported here.

- **Acute limb ischemia** (emergency): a cold or pale limb with absent pedal
  pulses or atrial fibrillation (an embolic source), or absent pulses with
  atrial fibrillation in a history of 2 weeks or less; not when the history is
  stated to be longer than 2 weeks (14 days or fewer, typed, is acute: ``≤2 wk``
  in the 2024 ACC/AHA guideline, ``notes.ACC_AHA_2024_ALI``). ESVS 2020 (Björck et al.): ALI is a sudden
  loss of perfusion (under 2 weeks, as RCEMLearning summarises it), recognised by the six Ps (pain, pallor,
  pulselessness, paraesthesia, paralysis, perishing cold). A cold or pale
  limb of 2 weeks or less with sensory loss or weakness is an emergency with
  the pulses not entered: a sensory or motor deficit makes the limb
  immediately threatened (Rutherford IIb, the category ESVS 2020 adopts:
  salvageable only if promptly revascularised); foot pulses entered as
  normal stop it, since a IIb limb's arterial Doppler signal is rarely
  audible and a felt pulse is perfusion (diminished ones do not: a weak
  pulse is no perfused foot). Normal foot pulses do not stop the first
  rule (a cold or pale limb with atrial fibrillation): 2024 ACC/AHA lists
  pulselessness among the signs ALI may show, and suspected ALI is assessed
  emergently (2016 AHA/ACC, ``notes.AHA_ACC_2016_ALI``); its flag says that
  they argue against an occlusion and to check the Doppler signals
  (``Rule.against``).
- **Chronic limb-threatening ischemia** (urgent): rest pain, ulcer or
  gangrene with haemodynamic evidence of PAD (absent pedal pulses, an ABI
  of 0.90 or less). Global Vascular Guidelines (Conte et al. 2019). Their
  ">2 weeks" is not required: a shorter history with these findings needs
  at least as much urgency (the ALI rule looks at it). An ABI typed as a
  number is read against the 2016 AHA/ACC guideline's edge (:data:`AHA_ACC_2016`:
  0.90 or less is abnormal, the diagnosis of PAD), not the network's band:
  the vocabulary bands 0.90 itself as ``normal`` (0.9 up to 1.4), and the
  rule reads the typed number (``Rule.numbers``, :func:`typed_numbers`).
  An ABI that does not show PAD is a ``test``, perfusion measured by toe
  pressure and TBI (``_CLTI_PERFUSION``): over 1.40 (calcified) with rest pain
  or an ulcer (2016 AHA/ACC, Class I), normal or borderline with an ulcer or
  gangrene (Class IIa; GVG 2019); with rest pain alone the 2016 algorithm
  searches for another diagnosis, so no rule flag.
- **Cauda equina** (emergency): bladder or bowel dysfunction with radicular
  (dermatomal radiation, positive straight leg raise, back pain) or bilateral
  symptoms; bladder or bowel dysfunction alone is urgent.
- **Pulmonary embolism** (emergency, flagged as deep vein thrombosis, its
  source in the leg): new breathlessness, pleuritic chest pain, haemoptysis
  or fainting with the leg complaint, whatever the Wells score. NICE CG144
  (2012; now NG158): signs or symptoms of PE are assessed at once (PE Wells
  score, CT pulmonary angiography or D-dimer); NHS advice: call 999.
- **Deep vein thrombosis in pregnancy** (urgent): pregnancy (entered, or
  certain in the population: a pregnancy preset), or the 6 weeks after
  delivery (``postpartum``), with leg pain or swelling on one
  side: the other leg spared (``bilateral`` no) or a one-sided calf
  swelling, with a complaint of pain or swelling, calf tenderness or edema.
  RCOG Green-top Guideline 37b (2015): any clinical suspicion of VTE in
  pregnancy or the puerperium is tested at once by compression duplex
  ultrasound, with low-molecular-weight heparin until it is excluded; the
  Wells score was not validated in pregnancy (Chan 2009 derived the LEFt
  rule instead), so this rule, not the Wells score, decides the flag when it
  fires. The first 6 weeks after delivery carry the highest risk (odds ratio
  84, Pomp 2008). A sign of the Wells score (tenderness along the deep
  veins) with the side not entered is urgent too, saying that the side is
  not entered (:func:`wells_flag`): 37b tests any woman with symptoms or
  signs suggestive of DVT.
- **Rhabdomyolysis** (urgent, flagged as metabolic myopathy, the condition
  the file links dark urine to): dark urine after exercise with a raised CK,
  muscle pain or weakness; dark urine alone is a ``test`` (ask when it last
  happened). Bosch et al. 2009 (NEJM): weakness, myalgia and pigmenturia
  are the picture of rhabdomyolysis, acute kidney injury its threat;
  Huerta-Alardín et al. 2005: early vigorous hydration. The finding asks
  whether urine has *ever* turned dark, so a raised CK or muscle symptoms
  make the episode likely to be current, and dark urine alone asks when.
  Its emergencies (oliguria, CK above 5,000 U/L, a raised creatinine) are
  not in the vocabulary: the action names them.
- **Motor neuron disease** (urgent): upper (brisk reflexes) with lower motor
  neuron signs (fasciculations, wasting) in the legs; lower motor neuron signs
  in the legs with the arms or the bulbar region involved; bulbar symptoms
  with weakness or brisk reflexes in the legs. Gold Coast criteria (Shefner
  et al. 2020), with fasciculations as a lower motor neuron sign (Awaji, de
  Carvalho et al. 2008); the two-region rules refer on less than the
  criteria (symptoms in a region, weakness without wasting), and say so.
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

import numpy as np

from crampnet.reasoning._typed_numbers import typed_numbers, typed_reading
from crampnet.reasoning._wells import (
    _PREGNANT_OR_POSTPARTUM,
    _WELLS_ENTRIES,
    WELLS_ITEMS,
    WELLS_NOT_SCORED,
    WELLS_SIGNS,
    Entry,
    matches,
    observed,
    rule_outs,
    rule_outs_open,
    stated,
    wells_flag,
    wells_score,
    wells_unstated,
)
from crampnet.reasoning.notes import (
    ACC_AHA_2024_ALI,
    AHA_ACC_2016_ALI,
    BJORCK_2020,
    CAUDA_EQUINA,
    GOLD_COAST,
    GVG_2019,
    MND_RED_FLAG_TOOL,
    PULMONARY_EMBOLISM,
    RCOG_37B,
    RHABDOMYOLYSIS,
    RUTHERFORD_1997,
)

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["AHA_ACC_2016", "RULES", "RULE_NODES", "WELLS_ITEMS", "WELLS_NOT_SCORED", "WELLS_SIGNS", "Entry", "Rule", "excludes", "matches", "observed", "rule_outs", "rule_outs_open", "stated", "typed_numbers", "typed_reading", "wells_flag", "wells_score", "wells_unstated"]

#: The ABI categories of the 2016 AHA/ACC guideline: 0.90 or less is abnormal (the diagnosis of PAD).
AHA_ACC_2016 = (
    "Gerhard-Herman MD et al. 2016 AHA/ACC Guideline on the Management of Patients With Lower Extremity Peripheral "
    "Artery Disease. Circulation 2017;135(12):e726-e779 (online 13 November 2016), PMC5477786, recommendations for "
    "resting ABI: 'Resting ABI results should be reported as abnormal (ABI \u22640.90), borderline (ABI 0.91\u20130.99), "
    "normal (1.00\u20131.40), or noncompressible (ABI >1.40)'; 'Patients with ABI \u22640.90 are diagnosed with PAD'"
)

#: 2016 AHA/ACC and GVG 2019 on perfusion tests (toe pressure, TBI, TcPO2, SPP) where the ABI does not show PAD.
_CLTI_PERFUSION = (
    "Gerhard-Herman MD et al. 2016 AHA/ACC PAD guideline, Circulation 2017;135:e726-e779, PMC5477786: 'Toe-brachial index (TBI) "
    "should be measured to diagnose patients with suspected PAD when the ABI is greater than 1.40' (Class I): 'A TBI \u22640.70 is "
    "abnormal and diagnostic of PAD because the digital arteries are rarely noncompressible', and 'Patients with "
    "longstanding diabetes mellitus or advanced chronic kidney disease have a high incidence of noncompressible arteries'; 'In "
    "patients with normal (1.00-1.40) or borderline (0.91-0.99) ABI in the setting of non-healing wounds or gangrene, it is "
    "reasonable to diagnose CLI by using TBI with waveforms, TcPO2, or SPP' (Class IIa); its Figure 2 (suspected CLI) searches for "
    "an alternative diagnosis after a normal or borderline ABI without a non-healing wound or gangrene. Conte MS et al. Global "
    "Vascular Guidelines, J Vasc Surg 2019;69(6S):3S-125S, PMC8365864: 'Measure TP and TBI in all patients with suspected CLTI and "
    "tissue loss' (3.5, strong); Table 3.1, AP or ABI: 'Because of incompressible tibial arteries, may be falsely elevated or normal "
    "in patients with diabetes, renal insufficiency, or advanced age'"
)
#: The 2024 ACC/AHA definition of ALI, day 14 acute: a typed number of days is read against it (``Rule.numbers``).
_ALI_2024 = ACC_AHA_2024_ALI
_ALI_DAYS = (("symptom_duration", 14.0, "under_2_weeks", "2 weeks or less is acute, 2024 ACC/AHA guideline: the rule reads this edge, the probability the network's band"),)
_CALCIFIED = (("diabetes", "yes"), ("chronic_kidney_disease", "yes"), ("hemodialysis", "yes"))


@dataclass(frozen=True)
class Rule:
    """A finding rule: fires when every group has a matching entry and the ``excluded`` ones are not entered outright.

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
        Entries that stop the rule (e.g. a history longer than 2 weeks for an
        acute rule), when entered outright (``_rules.excludes``).
    numbers : tuple of (str, float, str, str)
        ``(node, at_most, state, why)``: a number typed for ``node`` at or
        under ``at_most`` counts as the entry ``(node, state)`` where the
        network's band (the vocabulary's cut point) does not count it, as
        the rule's source draws the line there (an ``excluded`` band then does not stop it); ``why`` says so in the
        message (``_rules.typed_reading``).
    against : tuple of ((str, str), str)
        ``(entry, sentence)``: an entry that argues against the condition
        without stopping the rule (the danger stays real); when it is
        observed, its sentence follows the action, saying so and what to do.
    """

    name: str
    condition: str
    urgency: str
    groups: tuple[tuple[Entry, ...], ...]
    action: str
    source: str
    supporting: tuple[Entry, ...] = ()
    excluded: tuple[Entry, ...] = ()
    numbers: tuple[tuple[str, float, str, str], ...] = ()
    against: tuple[tuple[Entry, str], ...] = ()


def excludes(model: BaseModel, vectors: Mapping[str, np.ndarray], entries: tuple[Entry, ...]) -> bool:
    """Whether the evidence rules the ``excluded`` entries of a rule in outright: a node of theirs whose every possible state is among them.

    An exclusion takes a flag away, so it reads entries made outright, as the
    rule-outs do (:func:`~crampnet.reasoning._wells.rule_outs`): soft
    evidence that leans to a history of months (``{"over_3_months": 1,
    "under_2_weeks": 0.95}``) took the emergency flag of a cold pulseless
    leg away on almost no information. A history entered as longer than
    2 weeks, the band not known (``{"2_weeks_to_3_months": 1,
    "over_3_months": 1}``), is outright.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence (:func:`~crampnet.reasoning._scoring.observe`).
    entries : tuple of tuple of (str, str)
        A rule's ``excluded`` entries.

    Returns
    -------
    bool
        True when a node of ``entries`` is entered with a likelihood above 0
        on some of its states, all of them states of ``entries``.
    """
    for nid in dict.fromkeys(n for n, _ in entries):
        node = model.spec.nodes.get(nid)
        if node is not None and nid in vectors:
            possible = {node.states[i] for i in np.flatnonzero(np.asarray(vectors[nid]) > 0)}
            if possible and possible <= {s for n, s in entries if n == nid}:
                return True
    return False


_CHRONIC = (("symptom_duration", "2_weeks_to_3_months"), ("symptom_duration", "over_3_months"))
_SIX_PS = (("paresthesia", "yes"), ("sensory_loss", "yes"), ("weakness", "yes"), ("rest_pain", "yes"), ("symptom_duration", "under_2_weeks"))
_LMN = (("fasciculations", "yes"), ("muscle_atrophy", "yes"))
_ALI_ACTION = "Possible acute limb ischemia: emergency vascular referral now (ESVS 2020; sensory loss or weakness means the limb is threatened)."
#: Foot pulses felt as normal beside a cold limb and atrial fibrillation: 2024 ACC/AHA lists pulselessness among the signs ALI "may" show.
_PULSES_FELT = (
    (("pedal_pulses", "normal"),
     "The pedal pulses are entered as normal: felt foot pulses argue against an occluded artery but do not exclude acute limb "
     "ischemia (pulselessness is one of the signs it may show, 2024 ACC/AHA), so suspected ALI is still assessed emergently "
     "(2016 AHA/ACC): check the foot's arterial signals with a hand-held Doppler and compare the other leg; an audible arterial "
     "signal without sensory loss or weakness is a viable limb (Rutherford class I)."),
)
_RHABDO = "Dark urine after exercise (possible rhabdomyolysis: myoglobin from broken-down muscle can injure the kidney)"
_RHABDO_CAUSES = (("exercise_triggered", "yes"), ("exertion_or_heat", "yes"), ("med_statin", "yes"))
#: What the Gold Coast criteria need beyond two regions involved (Shefner 2020, box 1 of Turner 2022).
_GOLD_COAST_NEED = "two regions involved; the Gold Coast criteria need progressive motor impairment with lower motor neuron dysfunction in two regions, or upper and lower in one, which the examination and EMG decide"
_MND_ACTION = "Upper and lower motor neuron signs (Gold Coast criteria): refer to neurology for examination and EMG to exclude motor neuron disease."

#: The finding rules, in the order they are checked; within a condition, only the first that fires is reported.
RULES = (
    Rule("acute_limb_ischemia", "acute_limb_ischemia", "emergency",
         ((("cold_pale_limb", "yes"),), (("pedal_pulses", "absent"), ("atrial_fibrillation", "yes"))),
         _ALI_ACTION, f"{BJORCK_2020}; {_ALI_2024}; {AHA_ACC_2016_ALI}; {RUTHERFORD_1997}", supporting=_SIX_PS, excluded=_CHRONIC, numbers=_ALI_DAYS,
         against=_PULSES_FELT),
    Rule("acute_limb_ischemia_embolic", "acute_limb_ischemia", "emergency",
         ((("symptom_duration", "under_2_weeks"),), (("pedal_pulses", "absent"),), (("atrial_fibrillation", "yes"),)),
         _ALI_ACTION, f"{BJORCK_2020}; {_ALI_2024}", supporting=_SIX_PS, numbers=_ALI_DAYS),
    Rule("acute_limb_ischemia_threatened", "acute_limb_ischemia", "emergency",
         ((("cold_pale_limb", "yes"),), (("symptom_duration", "under_2_weeks"),), (("sensory_loss", "yes"), ("weakness", "yes"))),
         "Possible acute limb ischemia, the limb immediately threatened (a sensory or motor deficit, Rutherford IIb): emergency vascular referral now for revascularisation (ESVS 2020); the pulses need not be examined first.",
         f"{BJORCK_2020}; {RUTHERFORD_1997}; {_ALI_2024}", supporting=(*_SIX_PS, ("atrial_fibrillation", "yes")), excluded=(("pedal_pulses", "normal"),), numbers=_ALI_DAYS),
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
         f"{GVG_2019}; {AHA_ACC_2016}", supporting=(("symptom_duration", "2_weeks_to_3_months"), ("symptom_duration", "over_3_months"), ("relief_by_dependency", "yes")),
         numbers=(("ankle_brachial_index", 0.90, "low", "0.90 or less is abnormal, the diagnosis of PAD, 2016 AHA/ACC guideline: the rule reads this edge, the probability the network's band"),)),
    Rule("critical_limb_ischemia_calcified", "critical_limb_ischemia", "test",
         ((("rest_pain", "yes"), ("ulcer_or_gangrene", "yes")), (("ankle_brachial_index", "non_compressible"),)),
         "An ABI over 1.40 (calcified, non-compressible arteries) cannot show the ischemia: measure the toe pressure and toe-brachial index (TBI 0.70 or less is PAD, 2016 AHA/ACC), or TcPO2 or skin perfusion pressure where toes cannot be measured; if low, possible chronic limb-threatening ischemia: urgent referral to a vascular specialist (Global Vascular Guidelines).",
         _CLTI_PERFUSION, supporting=_CALCIFIED),
    Rule("critical_limb_ischemia_wound", "critical_limb_ischemia", "test",
         ((("ulcer_or_gangrene", "yes"),), (("ankle_brachial_index", "normal"),)),
         "A normal or borderline ABI (over 0.90 up to 1.40) does not exclude ischemia in an ulcer or gangrene (falsely normal in diabetes, kidney disease or old age): measure the toe pressure and toe-brachial index with waveforms, TcPO2 or skin perfusion pressure (2016 AHA/ACC; Global Vascular Guidelines); if low, possible chronic limb-threatening ischemia: urgent referral to a vascular specialist.",
         _CLTI_PERFUSION, supporting=(("rest_pain", "yes"), *_CALCIFIED)),
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
    Rule("rhabdomyolysis", "metabolic_myopathy", "urgent",
         ((("myoglobinuria", "yes"),), (("creatine_kinase", "raised"), ("myalgia", "yes"), ("weakness", "yes"))),
         f"{_RHABDO}: test today: CK, renal function (creatinine) and potassium, and a urine dipstick (blood without red cells is myoglobin); with dark urine now, scanty urine, a CK above 5,000 U/L or a raised creatinine, hospital care for intravenous fluids.",
         RHABDOMYOLYSIS, supporting=_RHABDO_CAUSES),
    Rule("dark_urine", "metabolic_myopathy", "test",
         ((("myoglobinuria", "yes"),),),
         f"{_RHABDO}: ask when the urine was last dark; within the last days, CK, renal function and a urine dipstick today; recurrent episodes point to a metabolic myopathy (McArdle disease): refer to neuromuscular clinic.",
         RHABDOMYOLYSIS, supporting=_RHABDO_CAUSES),
    Rule("mnd_one_region", "motor_neuron_disease", "urgent",
         ((("hyperreflexia", "yes"),), _LMN), _MND_ACTION, GOLD_COAST, supporting=(("weakness", "yes"),)),
    Rule("mnd_two_regions", "motor_neuron_disease", "urgent",
         (_LMN, (("upper_limb_involvement", "yes"), ("bulbar_symptoms", "yes"))),
         f"Lower motor neuron signs in the legs with the arms or the bulbar region involved ({_GOLD_COAST_NEED}): refer to neurology for examination and EMG to exclude motor neuron disease.",
         GOLD_COAST, supporting=(("weakness", "yes"),)),
    Rule("mnd_bulbar", "motor_neuron_disease", "urgent",
         ((("bulbar_symptoms", "yes"),), (("weakness", "yes"), ("hyperreflexia", "yes"))),
         f"Bulbar symptoms with weakness or brisk reflexes in the legs ({_GOLD_COAST_NEED}): refer to neurology for examination and EMG to exclude motor neuron disease.",
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
