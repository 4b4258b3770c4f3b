"""Red flags: findings that call for action whatever the differential says.

Two kinds of rule, both evaluated on every diagnosis:

1. **Finding rules** fire on the evidence alone, whatever the rank or
   posterior of the condition they point at. Each is taken from a published
   criterion and names it (:mod:`crampnet.reasoning._rules`): deep vein
   thrombosis from the Wells score (Wells 2003; Geersing 2014; at ``test``
   urgency, a D-dimer when a sign in the leg gives a score of 1, NICE NG158), in
   pregnancy and the 6 weeks after delivery from one-sided leg pain or
   swelling (RCOG Green-top 37b, 2015) or, as an emergency, from symptoms
   of pulmonary embolism (NICE CG144), acute limb
   ischemia (ESVS 2020), chronic limb-threatening ischemia (Global Vascular
   Guidelines 2019; a ``test`` for toe pressures where the ABI does not show
   PAD, 2016 AHA/ACC), cauda equina syndrome, and motor neuron disease (Gold
   Coast criteria 2020, Awaji 2008; at ``test`` urgency, weakness with lower
   motor neuron signs, to ask whether it is progressive: the MND
   Association and RCGP red flag tool, 2013), and possible rhabdomyolysis
   (dark urine after exercise, Bosch et al. 2009). A rule's flag whose condition
   the evidence enters as absent (or a condition it needs, as PAD for
   critical limb ischemia) stays and says so: P = 0 comes from the entry.
   A rule's flag of a must-not-miss condition ends with its posterior
   against its thresholds, as a threshold flag begins (``_with_posterior``).
2. **The testing-threshold rule** fires for every condition the network file
   marks ``must_not_miss`` whose posterior reaches its testing threshold
   (:func:`testing_thresholds`, derived after Pauker & Kassirer 1980 in
   :mod:`crampnet.reasoning._thresholds`), or ``threshold`` when one is given.
   Below the condition's test-treatment threshold (Pauker & Kassirer's upper
   threshold) the flag's urgency is ``test``: the first-line test decides;
   at or above it, ``urgent``. A given ``threshold`` always flags ``urgent``.
   A condition gets one flag: a finding rule's, unless the rule's is a
   ``test`` and the threshold's is more urgent, which then replaces it and
   keeps the rule's words. Where the evidence meets a condition's published
   rule-out (:func:`crampnet.reasoning._rules.rule_outs`: DVT at a Wells
   score of 1 or less with a normal D-dimer, every Wells item answered,
   NICE NG158), the guideline stops testing, so the ``test`` flag is not
   raised (an ``urgent`` one at the test-treatment threshold still is); the
   must-not-miss row says ``ruled_out`` (the table:
   :mod:`crampnet.reasoning.mustnotmiss`). Where a normal D-dimer would
   meet it but Wells items are not entered, the ``test`` flag stays and
   names them (:func:`rule_outs_open`). In pregnancy or the 6 weeks after
   delivery the DVT flag's test and advice are RCOG Green-top 37b's, not the
   Wells score and D-dimer (:mod:`crampnet.reasoning._pregnancy`).

A rule counts an entry when it is hard evidence in the flagged state, or soft
evidence whose largest likelihood is on that state alone (a tie between
states counts for none of them, unless the tied states are all alternatives
of one group: pregnancy with the trimester not known,
:func:`~crampnet.reasoning._wells.observed`). Rules naming nodes the
network does not have never fire. Every flag carries an action and the
document it comes from.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.redflags import red_flags
>>> model = crampnet.load()
>>> [flag.condition for flag in red_flags(model, {"calf_tenderness": True, "malignancy": True})]
['deep_vein_thrombosis']
>>> [flag.condition for flag in red_flags(model, {"age": 60, "fasciculations": True, "hyperreflexia": True}, threshold=1.0)]
['motor_neuron_disease']
>>> cramps = {"muscle_cramps": True, "relief_by_stretching": True, "nocturnal": True}
>>> [flag.condition for flag in red_flags(model, cramps)]   # DVT stays at its prior, above its testing threshold
['deep_vein_thrombosis']
>>> red_flags(model, {**cramps, "presenting_complaint": "cramps"})
[]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crampnet._files import escaped
from crampnet.network.evidence import check_bool, resolve_id
from crampnet.reasoning._flag_args import (
    check_threshold,
    checked_posteriors,
    thresholds_for,
)
from crampnet.reasoning._pregnancy import dvt_advice
from crampnet.reasoning._ruleouts import rule_outs_met, rule_outs_open
from crampnet.reasoning._rules import (
    RULES,
    Entry,
    Rule,
    excludes,
    matches,
    observed,
    rule_outs,
    stated,
    typed_numbers,
    typed_reading,
    wells_flag,
)
from crampnet.reasoning._rules import rule_outs_open as _rule_outs_open
from crampnet.reasoning._scoring import observe
from crampnet.reasoning._thresholds import (
    DEFAULT_THRESHOLD,
    PAUKER_KASSIRER,
    THRESHOLDS,
    compared_percent,
    compared_percents,
    reaches,
    testing_thresholds,
)
from crampnet.reasoning.notes import NOTES

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["DEFAULT_THRESHOLD", "RULES", "URGENCIES", "RedFlag", "Rule", "check_threshold", "red_flags", "rule_flags", "rule_outs_met", "rule_outs_open", "testing_thresholds", "thresholds_for"]

#: Urgencies, most urgent first.
URGENCIES = ("emergency", "urgent", "test")


@dataclass(frozen=True)
class RedFlag:
    """A finding or probability that calls for action.

    Attributes
    ----------
    condition : str
        The condition id the flag points at.
    urgency : {'emergency', 'urgent', 'test'}
        How soon to act: ``test`` is a must-not-miss condition between its
        testing and test-treatment thresholds (do the first-line test today).
    message : str
        What was found and what to do.
    source : str
        The document the action comes from.
    """

    condition: str
    urgency: str
    message: str
    source: str


def _describe(model: BaseModel, entries: list[Entry], fixed: frozenset[str] = frozenset(), typed: Mapping[str, str] | None = None) -> str:
    """``entries`` in words, ``label: state``, the states of one node joined by "or" (a tie the rule reads as one); a node in ``fixed`` says it is the population's, one in ``typed`` shows those words (``_rules.typed_reading``)."""
    states: dict[str, list[str]] = {}
    for nid, state in dict.fromkeys(entries):  # an entry two groups share, once
        states.setdefault(nid, []).append(state)
    whose, typed = f" (population {model.population!r})", typed or {}
    return ", ".join(f"{model.spec.nodes[n].label or n}: {typed.get(n) or ' or '.join(s)}{whose if n in fixed else ''}" for n, s in states.items())


def rule_flags(model: BaseModel, vectors: Mapping[str, np.ndarray], typed: Mapping[str, float] | None = None) -> list[RedFlag]:
    """The finding rules' flags for observed ``vectors`` (:func:`crampnet.reasoning._scoring.observe`): in :data:`RULES` order, then the Wells rule.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : mapping of str to numpy.ndarray
        The observed evidence, each node id to its likelihood vector.
    typed : mapping of str to float, optional
        The numbers typed in the case, by node id (``_rules.typed_numbers``):
        a rule whose source draws its line elsewhere than the network's band
        reads them (an ABI of 0.90 is abnormal, 2016 AHA/ACC guideline).

    Returns
    -------
    list of RedFlag
        At most one flag per condition: the first rule of :data:`RULES` whose
        every group has a finding present (and no excluding finding is),
        its message naming what was found and what to do; then the Wells
        rule's flag for deep vein thrombosis, when it fires and no rule
        above flagged it. A finding the file's entailments imply (rest pain,
        by relief on dependency) counts as entered (:func:`~crampnet.reasoning._wells.stated`).
    """
    vectors = stated(model, vectors)
    flags: list[RedFlag] = []
    done: set[str] = set()
    for rule in RULES:
        read, shown = typed_reading(model, vectors, rule, typed or {})
        if rule.condition in done or excludes(model, read, rule.excluded):
            continue
        found: list[Entry] = []
        for group in rule.groups:
            hits = observed(model, read, group)
            if not hits:
                break
            found += hits
        else:
            done.add(rule.condition)
            also = [e for e in rule.supporting if e not in found and matches(model, read, e)]
            fixed: frozenset[str] = getattr(vectors, "fixed", frozenset())
            extra = f"; also {_describe(model, also, fixed, shown)}" if also else ""
            against = "".join(f" {why}" for entry, why in rule.against if matches(model, read, entry))  # the rule stands; the words say what argues against it
            flags.append(RedFlag(rule.condition, rule.urgency, f"{_describe(model, found, fixed, shown)}{extra}. {rule.action}{against}", rule.source))
    if "deep_vein_thrombosis" in model.spec.nodes and "deep_vein_thrombosis" not in done and (dvt := wells_flag(model, vectors)) is not None:
        flags.append(RedFlag("deep_vein_thrombosis", *dvt))
    return flags


def red_flags(model: BaseModel, evidence: Mapping[str, object] | None, posteriors: pd.Series | Mapping[str, float] | None = None, *, threshold: float | None = None, baseline: bool = True) -> list[RedFlag]:
    """The red flags raised by one case, most urgent first.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : mapping or None
        One case, as for :meth:`crampnet.Model.posteriors`.
    posteriors : pandas.Series or mapping of str to float, optional
        ``model.posteriors(evidence)`` (or condition id to posterior) if
        already computed.
    threshold : float or None, default=None
        None: each must-not-miss condition is flagged at its own testing
        threshold (:func:`testing_thresholds`); a number in (0, 1]: the
        posterior at or above which every must-not-miss condition is flagged.
    baseline : bool, default=True
        Say in a threshold flag's message the condition's posterior before
        the findings, on the context entries alone (one more query when a
        threshold flag is raised on a case with findings). False leaves it
        out, for callers that read only the conditions and urgencies.

    Returns
    -------
    list of RedFlag
        Finding rules first (in :data:`RULES` order, then the Wells rule),
        then must-not-miss conditions by decreasing posterior; emergencies
        before the rest; at most one flag per condition.

    Raises
    ------
    InvalidValueError
        If ``threshold`` is neither None nor a number in (0, 1], or ``posteriors`` lacks a
        must-not-miss condition, names a node that is not a condition, or gives a value not in
        [0, 1] (NaN, a percentage, a string).
    UnknownNodeError
        If ``posteriors`` names no node ("Did you mean ...?" among the conditions).
    EvidenceTypeError
        If ``posteriors`` is neither a mapping nor a pandas Series (or is a whole
        table), or ``baseline`` is not True or False.
    """
    limits, baseline = thresholds_for(model, threshold), check_bool(baseline, "baseline", "red_flags")
    vectors = stated(model, observe(model, evidence))  # the entailed findings read once, for the rules and the rule-outs
    flags = rule_flags(model, vectors, typed_numbers(model, evidence))  # the numbers typed: a rule may draw its line off the band
    post = dict(zip(model.conditions, model.posterior_array(evidence).tolist(), strict=True)) if posteriors is None else checked_posteriors(model, posteriors)
    ruled = {f.condition: f for f in flags}
    before: dict[str, float] | None = None  # on the context entries alone: looked up once, at the first flag that shows it
    if baseline and any(f.condition in model.must_not_miss for f in flags):
        before = _before_findings(model, evidence or {})
    flags = [_entered_absent(model, vectors, post, _with_posterior(model, flag, post[flag.condition], limits, threshold, before)) for flag in flags]
    # The published rule-outs, met or waiting on items not answered (none when a threshold is given).
    met = rule_outs(model, vectors) if threshold is None else {}
    waiting = _rule_outs_open(model, vectors) if threshold is None else {}
    for cond in sorted(model.must_not_miss, key=lambda c: -post[c]):
        p, limit = post[cond], limits[cond]
        if not reaches(p, limit) or (cond in ruled and ruled[cond].urgency != "test"):
            continue
        if cond in met and cond in THRESHOLDS and p < THRESHOLDS[cond].treatment:
            continue  # its published rule-out is met: the guideline stops testing, so no 'test' flag (the row says so)
        if baseline and before is None:
            before = _before_findings(model, evidence or {})
        label = model.spec.nodes[cond].label or cond
        kind = "threshold given" if threshold is not None else "testing threshold" if cond in THRESHOLDS else "default must-not-miss threshold"
        notes, test = NOTES.get(cond), THRESHOLDS[cond].test if cond in THRESHOLDS else ""
        if cond == "deep_vein_thrombosis" and (pregnant := dvt_advice(model, vectors)) is not None:
            test, notes = pregnant  # RCOG Green-top 37b: in pregnancy or after delivery no Wells score or D-dimer decides
        action, source = (notes[0].text, notes[0].source) if notes else ("The network marks it must-not-miss: evaluate it specifically.", f"network file {escaped(model.spec.path)} (must_not_miss)")
        urgency, shown = "urgent", compared_percent(p)
        if threshold is None and cond in THRESHOLDS:
            act = THRESHOLDS[cond].treatment
            if not reaches(p, act):
                urgency = "test"
                shown, below = compared_percents(p, act)  # told apart from the threshold it is under
                action = f"Test: {test} (below its test-treatment threshold of {below}, the test decides). {action}"
                if cond in waiting:  # the rule-out a normal result would meet but for items not answered
                    action = f"{action} Rule-out not met: {waiting[cond]}"
            else:
                action = f"At or above its test-treatment threshold of {compared_percent(act)}: act now ({test}). {action}"
            source = f"{PAUKER_KASSIRER}; {source}"
        earlier = f" ({compared_percent(before[cond])} before the findings entered)" if before and cond in before else ""
        message = f"{label}: P = {shown}{earlier}, at or above its {kind} of {compared_percent(limit)}. {action}"
        if cond in ruled:  # a 'test' finding rule: the probability, and the rule's words after it
            if urgency == "test":
                continue
            flags = [f for f in flags if f.condition != cond]  # the rule's flag, its probability now said first
            message, source = f"{message} Also: {ruled[cond].message}", f"{source}; {ruled[cond].source}"
        flags.append(RedFlag(cond, urgency, message, source))
    return sorted(flags, key=lambda f: URGENCIES.index(f.urgency))


def _with_posterior(model: BaseModel, flag: RedFlag, p: float, limits: Mapping[str, float], threshold: float | None, before: Mapping[str, float] | None) -> RedFlag:
    """``flag``, a finding rule's, with its must-not-miss condition's probability said after the rule's words.

    A finding rule's flag stood in for the threshold flag of its condition
    and dropped the probability that flag shows: dark urine after exercise
    or weakness with fasciculations read as a ``test`` with no word of a
    posterior of 11% or 10%. The rule's words and urgency stay (it fires
    whatever the probability); the sentence after them gives the posterior,
    before the findings where known, against the testing threshold (or the
    ``threshold`` given) and, at or above it, against the test-treatment
    threshold. A condition that is not must-not-miss (a rule's stand-in, as
    metabolic myopathy for rhabdomyolysis) has no threshold: unchanged.

    Parameters
    ----------
    model : BaseModel
        The model.
    flag : RedFlag
        A finding rule's flag.
    p : float
        Its condition's posterior.
    limits : Mapping of str to float
        Each must-not-miss condition's flagging threshold (``thresholds_for``).
    threshold : float or None
        The one threshold given, or None (each condition's own).
    before : Mapping of str to float or None
        Each condition's posterior on the context entries alone, or None or
        empty when not looked up (``_before_findings``).

    Returns
    -------
    RedFlag
        ``flag`` itself, or a copy whose message ends with the sentence.
    """
    cond = flag.condition
    if cond not in model.must_not_miss or cond not in limits:
        return flag
    limit, label = limits[cond], model.spec.nodes[cond].label or cond
    kind = "threshold given" if threshold is not None else "testing threshold" if cond in THRESHOLDS else "default must-not-miss threshold"
    shown, limit_shown = compared_percents(p, limit)
    earlier = f" ({compared_percent(before[cond])} before the findings entered)" if before and cond in before else ""
    where = f"{'at or above' if reaches(p, limit) else 'below'} its {kind} of {limit_shown}"
    if threshold is None and cond in THRESHOLDS and reaches(p, limit):
        act = THRESHOLDS[cond].treatment
        if reaches(p, act):
            where = f"{where} and its test-treatment threshold of {compared_percent(act)}"
        else:  # told apart from the threshold it is under, as the threshold flag does
            shown, act_shown = compared_percents(p, act)
            where = f"{where} and below its test-treatment threshold of {act_shown}"
    return RedFlag(cond, flag.urgency, f"{flag.message} {label}: P = {shown}{earlier}, {where}; the finding rule stands whatever the probability.", flag.source)


def _entered_absent(model: BaseModel, vectors: Mapping[str, np.ndarray], post: Mapping[str, float], flag: RedFlag) -> RedFlag:
    """``flag`` with a note when the evidence enters its condition as absent, or a condition without which it has P = 0.

    A finding rule fires on the findings whatever the probability (the safe
    side): the flag stays, at its urgency, and the note says that its
    condition's P = 0 comes from an entry, so that the flag beside it does not
    read as a contradiction. Read for the condition itself and its condition
    parents (critical limb ischemia is present only with PAD), entered with a
    likelihood of 0 on ``present``, when its probability is 0.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : mapping of str to numpy.ndarray
        The evidence, node id to likelihood vector.
    post : mapping of str to float
        Each condition's posterior.
    flag : RedFlag
        A finding rule's flag.

    Returns
    -------
    RedFlag
        ``flag`` itself, or a copy whose message ends with the note.
    """
    nodes = model.spec.nodes
    if post.get(flag.condition, 1.0) > 0.0:
        return flag
    for nid in (flag.condition, *nodes[flag.condition].parents):
        states = nodes[nid].states
        if nodes[nid].role == "condition" and nid in vectors and "present" in states and vectors[nid][states.index("present")] == 0:
            whose = "" if nid == flag.condition else f" for {nodes[flag.condition].label or flag.condition}"
            note = f"{nodes[nid].label or nid} is entered as absent, so P = 0{whose}"
            return RedFlag(flag.condition, flag.urgency, f"{flag.message} Note: {note}; the finding rule stands on the findings whatever the probability: check what excluded it.", flag.source)
    return flag


def _before_findings(model: BaseModel, evidence: Mapping[str, object]) -> dict[str, float]:
    """Each condition's posterior on the context entries of ``evidence`` alone (age, sex, risk factors, medicines).

    Empty when ``evidence`` holds no finding: the posterior is then already
    this one. A flag at a must-not-miss condition's threshold that says both
    numbers shows whether the findings raised it there or left it near where
    the person's context put it (a DVT at its share among presenters, say).
    """
    spec = model.spec
    context = {key: value for key, value in evidence.items() if spec.nodes[resolve_id(spec, key)].role == "context"}
    if len(context) == len(evidence):
        return {}
    return dict(zip(model.conditions, model.posterior_array(context).tolist(), strict=True))
