"""The expected value of an answer: the ``value`` order of :func:`crampnet.reasoning.questions.next_questions`.

``decision`` counts how often an answer moves a probability across a
threshold, however little: a must-not-miss condition a hair under its
testing threshold makes almost any answer "decisive". The value of the
answer weighs each crossing by how far it goes, in the units of the
threshold model (Pauker & Kassirer, N Engl J Med 1980;302:1109-17): the
expected value of sample information with linear utilities.

Must-not-miss conditions
------------------------
With the benefit of treating one case set to 1 (as in
:mod:`crampnet.reasoning._thresholds`), doing nothing costs ``p`` and
testing costs ``test_risk + p (1 - sens) + (1 - p)(1 - spec) harm``, so the
gain of testing over not testing at probability ``p`` is

    K (p - T),   K = sens + (1 - spec) harm,   T = ((1 - spec) harm + test_risk) / K

(``T`` the testing threshold of that module). A condition without its own
inputs (flagged at ``DEFAULT_THRESHOLD``, or a network other than the
shipped one) has ``K = 1``: its threshold alone is known. So has every
condition under a ``threshold`` given to :func:`crampnet.diagnose` (or
:func:`~crampnet.reasoning.questions.next_questions`): ``T`` is then that
threshold, not derived from the test's inputs, and the red flags at it read
none of them (no test-treatment threshold, no rule-out). The clinician
tests when the gain is positive, so the value of answer ``Q`` for
condition ``i`` is

    V_i = K_i ( sum_q P(q | e) max(p_iq - T_i, 0) - max(p_i - T_i, 0) )

with ``p_i`` its posterior now and ``p_iq`` after answer ``q``. Only the
testing threshold counts: above the test-treatment threshold the gain is
no longer linear in ``p`` with this slope, and that is not modelled.

Leading condition
-----------------
With 0-1 loss on naming the leading condition (right: 1, wrong: 0),

    V_lead = sum_q P(q | e) max_j p_jq - max_j p_j

over the focus conditions: the expected gain in the probability that the
leading condition is right.

The value
---------
``value = V_lead + sum_i V_i`` (``value_lead`` and ``value_threshold`` its
two parts). The 1:1 weight is a judgment: one treated must-not-miss case
counts as much as one correct leading diagnosis. Both parts are zero unless
some answer moves a must-not-miss condition across its threshold or puts
another condition in the lead (the posteriors are a martingale: ``sum_q
P(q | e) p_iq = p_i``), and never negative (convexity); values within
:data:`VALUE_TOLERANCE` of zero are set to 0. The order compares ``value``
at :data:`VALUE_DECIMALS` decimals: one case in 10,000, the precision the
differential prints its probabilities at, so that questions worth less than
that are ordered by the next keys (``decision``, information gain, cost).

A question is ``about`` the condition it informs most among those its value
comes from, as ranked by decision
(:func:`crampnet.reasoning._decision.deciders`): each must-not-miss
condition with a ``V_i``, and, where some answer puts another condition in
the lead, the leader it would displace and the condition that would take
the lead. Ties go to the larger share of the value (each must-not-miss
condition its ``V_i``, each condition the part of ``V_lead`` from the
answers that put it in the lead: ``V_lead = sum_q P(q | e) (max_j p_jq -
p_lq)`` for the current leader ``l``, again by the martingale), then to the
first in ``focus``.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._decision import collect
>>> from crampnet.reasoning._value import slopes, values
>>> model = crampnet.load()
>>> round(slopes(model)["deep_vein_thrombosis"], 4)  # 0.903 + (1 - 0.978) * 0.1
0.9052
>>> answers = collect(model, {"muscle_cramps": True}, ["sex", "calf_tenderness"])
>>> out = values(answers, model.conditions, answers.thresholds, slopes(model))
>>> sorted(out), bool((out["value"] >= 0).all())
(['value', 'value_lead', 'value_threshold'], True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.reasoning._decision import Answers

__all__ = ["VALUE_DECIMALS", "VALUE_TOLERANCE", "assess", "slopes", "valuers", "values"]

#: ``by="value"`` compares ``value`` at this many decimals (one case in 10,000).
VALUE_DECIMALS = 4
#: A part of the value within this of zero is zero (rounding in the posteriors).
VALUE_TOLERANCE = 1e-12


def slopes(model: BaseModel) -> dict[str, float]:
    """``K = sens + (1 - spec) harm`` of each must-not-miss condition (1 for one without threshold inputs).

    Parameters
    ----------
    model : BaseModel
        The model whose must-not-miss conditions are wanted.

    Returns
    -------
    dict of str to float
        Must-not-miss condition id to ``K``, in the model's order; the
        inputs are those of :data:`crampnet.reasoning._thresholds.THRESHOLDS`.
    """
    from crampnet.reasoning._thresholds import THRESHOLDS

    out = {}
    for c in model.must_not_miss:
        t = THRESHOLDS.get(c)
        out[c] = 1.0 if t is None else t.sensitivity.value + (1.0 - t.specificity.value) * t.harm.value
    return out


def _clip(x: np.ndarray) -> np.ndarray:
    return np.where(np.abs(x) < VALUE_TOLERANCE, 0.0, x)


def _parts(answers: Answers, focus: Sequence[str], thresholds: Mapping[str, float], slopes: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate: ``V_lead``; ``V_i`` per focus condition (0 without a threshold); each focus condition's share of ``V_lead``."""
    post = answers.post[:, [answers.conditions.index(c) for c in focus]]
    weight = np.where(answers.weight > 0, answers.weight, 0.0)
    guarded = np.array([c in thresholds for c in focus])
    limit = np.array([thresholds.get(c, 0.0) for c in focus])
    slope = np.array([slopes.get(c, 1.0) for c in focus])
    gain = np.where(guarded, slope * np.maximum(post - limit, 0.0), 0.0)  # per row: K_i max(p_i - T_i, 0)
    best, top = post.max(axis=1), np.argmax(post, axis=1)
    ahead = best - post[:, int(np.argmax(post[0]))]  # per row: how far the new leader is ahead of the old one
    n = len(answers.candidates)
    lead, each, share = np.zeros(n), np.zeros((n, len(focus))), np.zeros((n, len(focus)))
    for i in range(n):
        rows = np.array(answers.rows(i))
        w = weight[rows]
        lead[i] = float(w @ best[rows]) - float(best[0])
        each[i] = w @ gain[rows] - gain[0]
        np.add.at(share[i], top[rows], w * ahead[rows])
    return _clip(lead), _clip(each), share


def values(answers: Answers, focus: Sequence[str], thresholds: Mapping[str, float], slopes: Mapping[str, float]) -> dict[str, np.ndarray]:
    """``value_lead`` (``V_lead``), ``value_threshold`` (``sum_i V_i``) and ``value`` (their sum), one per candidate.

    Parameters
    ----------
    answers : Answers
        As :func:`crampnet.reasoning._decision.collect` returns.
    focus : sequence of str
        The conditions that count (the leader is the most probable of them; only their thresholds count).
    thresholds : mapping of str to float
        Testing threshold per must-not-miss condition.
    slopes : mapping of str to float
        ``K_i`` per must-not-miss condition (:func:`slopes`); 1 for one not named.

    Returns
    -------
    dict of str to numpy.ndarray
        ``value_lead``, ``value_threshold`` and ``value``, each a float
        array of one entry per candidate (parts within
        :data:`VALUE_TOLERANCE` of zero are zero).
    """
    return assess(answers, focus, thresholds, slopes)[0]


def valuers(answers: Answers, focus: Sequence[str], thresholds: Mapping[str, float], slopes: Mapping[str, float]) -> list[str]:
    """Per candidate, the focus condition the question is about by value, or ``""`` if it has no value.

    Of the conditions its value comes from (each must-not-miss condition
    with a ``V_i`` above 0; where ``V_lead`` is above 0, the case's leader
    and each condition an answer puts in the lead), the one the question
    informs most (:func:`crampnet.reasoning._decision.gains`, compared at
    ``GAIN_DECIMALS``); ties go to the larger share of the value (its own
    ``V_i`` plus, over the answers that make it the leader, their
    probability times how far it is then ahead of the case's leader), then
    to the first in ``focus``.

    Parameters
    ----------
    answers : Answers
        As :func:`crampnet.reasoning._decision.collect` returns.
    focus : sequence of str
        The conditions that count (the leader is the most probable of them; only their thresholds count).
    thresholds : mapping of str to float
        Testing threshold per must-not-miss condition.
    slopes : mapping of str to float
        ``K_i`` per must-not-miss condition (:func:`slopes`); 1 for one not named.

    Returns
    -------
    list of str
        One condition id of ``focus`` (or ``""``) per candidate, in the
        order of ``answers.candidates``.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.reasoning._decision import collect
    >>> model = crampnet.load()
    >>> answers = collect(model, {"muscle_cramps": True}, ["sex", "calf_tenderness"])
    >>> valuers(answers, model.conditions, answers.thresholds, slopes(model))[1]
    'deep_vein_thrombosis'
    """
    return assess(answers, focus, thresholds, slopes)[1]


def assess(answers: Answers, focus: Sequence[str], thresholds: Mapping[str, float], slopes: Mapping[str, float]) -> tuple[dict[str, np.ndarray], list[str]]:
    """:func:`values` and :func:`valuers` from one pass over the answers (what :func:`crampnet.reasoning.questions.next_questions` uses).

    Parameters
    ----------
    answers : Answers
        As :func:`crampnet.reasoning._decision.collect` returns.
    focus : sequence of str
        The conditions that count (the leader is the most probable of them; only their thresholds count).
    thresholds : mapping of str to float
        Testing threshold per must-not-miss condition.
    slopes : mapping of str to float
        ``K_i`` per must-not-miss condition (:func:`slopes`); 1 for one not named.

    Returns
    -------
    values : dict of str to numpy.ndarray
        ``value_lead``, ``value_threshold`` and ``value``, each a float
        array of one entry per candidate (parts within
        :data:`VALUE_TOLERANCE` of zero are zero).
    valuers : list of str
        Per candidate, as :func:`valuers` returns.
    """
    from crampnet.reasoning._decision import focus_gains, informed_most

    lead, each, share = _parts(answers, focus, thresholds, slopes)
    threshold = each.sum(axis=1)
    total = share + each
    info = focus_gains(answers, focus)
    leader = int(np.argmax(answers.post[0, [answers.conditions.index(c) for c in focus]]))
    owners = []
    for i in range(len(answers.candidates)):
        valued = each[i] > 0
        if lead[i] > 0:  # an answer puts another condition ahead: the leader it displaces and the one that leads
            valued |= share[i] > 0
            valued[leader] = True
        owners.append(informed_most(focus, valued, info[i], total[i]) if lead[i] + threshold[i] > 0 else "")  # ties: the larger share of the value
    return {"value_lead": lead, "value_threshold": threshold, "value": lead + threshold}, owners
