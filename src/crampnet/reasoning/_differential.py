"""The lines of a displayed differential: which conditions, and their numbers as every display shows them.

The HTML (:mod:`crampnet.reasoning.html`, which re-exports these), the
report and the command line list the same conditions (:func:`ranked`) with
the same numbers: a probability as :func:`percent` writes it, a
counterfactual measure at the precision the order compares it
(:func:`rounded`), and each part of a condition with its own probability
(:func:`part_probabilities`, :func:`form_tags`); the report and the HTML
show a must-not-miss row's rule-out with what a rule-out met counted
(:func:`rule_out_cells`).

Examples
--------
>>> percent(0.053), rounded(-1e-12), form_tags({"overt_thyroid_dysfunction": 0.897})
('5.3%', 0.0, ['[overt_thyroid_dysfunction 0.90]'])
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import ImpossibleEvidenceError, InvalidValueError
from crampnet.network.evidence import conjunction, normalise, show
from crampnet.reasoning._scoring import stack
from crampnet.reasoning.ranking import DECIMALS

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["form_tags", "fraction", "part_probabilities", "percent", "present_given", "ranked", "rounded", "rule_out_cells"]


def rounded(value: float) -> float:
    """A counterfactual measure at the precision the differential compares it (no ``-0.0``).

    Parameters
    ----------
    value : float
        The measure (an expected disablement or sufficiency).

    Returns
    -------
    float
        ``value`` rounded to ``DECIMALS`` (2) decimals, a negative zero
        made ``0.0``.

    Examples
    --------
    >>> rounded(1.23456), rounded(-1e-12)
    (1.23, 0.0)
    """
    import numpy as np

    return float(np.round(float(value), DECIMALS)) + 0.0


def part_probabilities(dx: Diagnosis, conditions: list[str]) -> dict[str, dict[str, float]]:
    """Per condition among ``conditions`` that has parts: P(part present | evidence) of each.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis, for its model and evidence.
    conditions : list of str
        The condition ids shown.

    Returns
    -------
    dict of str to dict of str to float
        Each of ``conditions`` that has parts in the network file (others
        are left out), in the order given, to its parts: each part's id to
        the probability that it is present given the diagnosis's evidence,
        in the network file's order of the parts.

    Examples
    --------
    >>> import crampnet
    >>> dx = crampnet.load().diagnose({"proximal_weakness": True, "tsh": 0.05})
    >>> forms = part_probabilities(dx, ["thyroid_disease", "restless_legs_syndrome"])
    >>> list(forms), 0.0 < forms["thyroid_disease"]["overt_thyroid_dysfunction"] <= float(dx.posteriors["thyroid_disease"])
    (['thyroid_disease'], True)
    """
    spec = dx.model.spec
    shown = [(c, part) for c in conditions for part in spec.parts_of(c)]
    values = dx._present_given(tuple(part for _, part in shown)) if shown else []  # one batch per list of parts, kept by the diagnosis
    out: dict[str, dict[str, float]] = {}
    for (c, part), p in zip(shown, values, strict=True):
        out.setdefault(c, {})[part] = p
    return out


def present_given(model: BaseModel, nodes: list[str], given: Mapping[str, object] | None) -> list[float]:
    """``model.probability({node: "present"}, given)`` for each of ``nodes``, all in one batch of the engine.

    :meth:`~crampnet.base.BaseModel.probability` runs two cases per node
    (the evidence, and the evidence with the node present: the ratio of
    their probabilities); here the evidence runs once and every node's
    case beside it, as rows of one batch (about half the time for one part:
    a pair of rows that share their findings runs on one tree). The numbers
    are the same ratios, to rounding (the batch's plan sums in another order).

    Parameters
    ----------
    model : BaseModel
        The model.
    nodes : list of str
        Node ids with a state ``"present"`` (the parts of conditions).
    given : mapping or None
        The conditioning evidence, as :meth:`~crampnet.base.BaseModel.probability` takes it.

    Returns
    -------
    list of float
        Per node, in order, P(node present | given) in [0, 1]; 0.0 where the
        evidence rules it out. Raises as :meth:`~crampnet.base.BaseModel.probability`
        (impossible evidence names its conflict).

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> case = {"proximal_weakness": True, "tsh": 0.05}
    >>> (p,) = present_given(model, ["overt_thyroid_dysfunction"], case)
    >>> abs(p - model.probability({"overt_thyroid_dysfunction": "present"}, case)) < 1e-12
    True
    """
    if not nodes:
        return []
    spec = model.spec
    cond = normalise(spec, given, "given")
    events = [conjunction(spec, cond, {nid: "present"}) for nid in nodes]
    live = [k for k, both in enumerate(events) if all(vec.any() for vec in both.values())]  # the others contradict the evidence
    rows = [cond, *(events[k] for k in live)]
    _, log_ev = model.compiled.evaluate(stack(model, rows), n_rows=len(rows))
    if not np.isfinite(log_ev[0]):
        model.probability({nodes[0]: "present"}, given)  # raises the error naming the conflict
        msg = "The evidence is impossible under the network (probability zero)."  # pragma: no cover - raised above
        raise ImpossibleEvidenceError(msg, [])  # pragma: no cover
    at = {k: j for j, k in enumerate(live, start=1)}
    return [min(1.0, float(np.exp(log_ev[at[k]] - log_ev[0]))) if k in at else 0.0 for k in range(len(nodes))]


def form_tags(forms: dict[str, float]) -> list[str]:
    """Each part's bracket for a differential line, ``[part P]`` (:data:`~crampnet.reasoning.html.FORMS_NOTE` says what it means).

    Parameters
    ----------
    forms : dict of str to float
        One condition's parts and their probabilities (a value of
        :func:`part_probabilities`).

    Returns
    -------
    list of str
        ``"[part P]"`` per part, in the order given, ``P`` at two decimals
        (``fraction``: a part above 0 never reads 0.00).

    Examples
    --------
    >>> form_tags({"overt_thyroid_dysfunction": 0.897})
    ['[overt_thyroid_dysfunction 0.90]']
    """
    return [f"[{part} {fraction(q, 2)}]" for part, q in forms.items()]


def fraction(p: float, places: int) -> str:
    """A probability as a decimal fraction at ``places`` decimals, never zero above 0 nor one below 1.

    Parameters
    ----------
    p : float
        A probability.
    places : int
        The decimals shown.

    Returns
    -------
    str
        ``p`` at ``places`` decimals; ``"<0.001"`` (at 3) for a probability
        above 0 that would read zero, ``">0.999"`` for one below 1 that
        would read one.

    Examples
    --------
    >>> fraction(0.53, 3), fraction(1.9e-05, 4), fraction(0.99996, 3), fraction(0.0, 3), fraction(1.0, 3)
    ('0.530', '<0.0001', '>0.999', '0.000', '1.000')
    """
    text = f"{p:.{places}f}"
    if p > 0 and float(text) == 0:
        return f"<{10.0 ** -places:.{places}f}"
    return f">{1 - 10.0 ** -places:.{places}f}" if p < 1 and float(text) == 1 else text


def ranked(dx: Diagnosis, top: int | None = None) -> list[tuple[int, str]]:
    """``(rank, condition)`` for the first ``top`` of the differential, then every must-not-miss condition.

    Must-not-miss conditions below ``top`` follow, in order, with their own rank.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis.
    top : int or None, default=None
        How many conditions of the differential to list first (None: all).

    Returns
    -------
    list of tuple of (int, str)
        ``(rank, condition id)`` pairs, the rank counted from 1 in the whole
        differential: the first ``top`` conditions in the differential's
        order, then the must-not-miss conditions not among them, by rank.

    Raises
    ------
    InvalidValueError
        If ``top`` is neither None nor a non-negative int (``-1`` would
        list all but the last).

    Examples
    --------
    >>> import crampnet
    >>> dx = crampnet.load().diagnose({"urge_to_move": True})
    >>> ranked(dx, 1)[0] == (1, dx.differential[0])
    True
    >>> {c for _, c in ranked(dx, 1)} >= set(dx.model.must_not_miss)
    True
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 0):
        msg = f"The 'top' argument must be a non-negative int (how many conditions of the differential to list) or None (all). Got {show(top)} ({type(top).__name__}) instead."
        raise InvalidValueError(msg)
    head = dx.differential if top is None else dx.differential[: int(top)]
    rank = {c: i for i, c in enumerate(dx.differential, start=1)}
    return [(rank[c], c) for c in head] + sorted(
        (rank[c], c) for c in dx.model.must_not_miss if c not in head
    )


def percent(p: float) -> str:
    """A probability in the differential of the report and the notebook table: "<0.1%", one decimal under 10%, then whole percent, never 0 or 100% short of certainty.

    Parameters
    ----------
    p : float
        A probability.

    Returns
    -------
    str
        ``"<0.1%"`` above 0 and below 0.001 (``"0.0%"`` at exactly 0, a
        condition ruled out); a percentage with one decimal below 10%
        as rounded; a whole percentage from there up, ``">99%"`` for a
        probability below 1 that would read 100%.

    Examples
    --------
    >>> percent(0.0004), percent(0.053), percent(0.42)
    ('<0.1%', '5.3%', '42%')
    >>> percent(0.09996), percent(0.9991), percent(1.0), percent(0.0)
    ('10%', '>99%', '100%', '0.0%')
    """
    if 0 < p < 0.001:
        return "<0.1%"
    text = f"{p:.1%}" if round(100 * p, 1) < 10 else f"{p:.0%}"
    return ">99%" if p < 1 and text == "100%" else text


def rule_out_cells(dx: Diagnosis, condition: str, rule_out: object, source: object) -> tuple[str, str]:
    """A must-not-miss row's "what would rule it out" and its source, as the report and the notebook table show them.

    Where the case meets the condition's published rule-out, the text goes
    on with what the rule counted ("Met here: Wells score 1 (...). Not
    asked: ...", the items left open that would undo it) and the source with
    the rule-out's own, as the command line's "rule-out met:" line does.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis; its ``_rule_outs_met`` (what each rule-out met
        counted, and its source) is read, an empty mapping if it has none.
    condition : str
        The must-not-miss condition's id.
    rule_out : object
        The row's ``rule_out``.
    source : object
        The row's ``source``.

    Returns
    -------
    tuple of (str, str)
        The rule-out text and the source text.

    Examples
    --------
    >>> import crampnet
    >>> case = {"age": 60, "unilateral_calf_swelling": True, "d_dimer": "normal", "malignancy": False, "recent_immobilisation": False,
    ...         "calf_tenderness": False, "edema": False, "prior_vte": False, "presenting_complaint": "swelling", "symptom_duration": 3}
    >>> text, source = rule_out_cells(crampnet.load().diagnose(case), "deep_vein_thrombosis", "Wells <= 1 ...", "Geersing 2014")
    >>> text.startswith("Wells <= 1 ... Met here: Wells score 1"), source.startswith("Geersing 2014; rule-out met: NICE NG158")
    (True, True)
    """
    met = getattr(dx, "_rule_outs_met", {})
    if condition not in met:
        return str(rule_out), str(source)
    return f"{rule_out} Met here: {met[condition][0]}", f"{source}; rule-out met: {met[condition][1]}"
