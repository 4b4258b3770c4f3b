"""Every answer to every candidate question, scored once; the measures of :mod:`crampnet.reasoning.questions` from it.

:func:`collect` (:mod:`crampnet.reasoning._collect`, re-exported here with
:class:`Answers` and :func:`thresholds`) enters each answer ``q`` of each candidate question ``Q`` as
evidence, one row of one batch (:mod:`crampnet.reasoning._scoring`), and keeps
two numbers per row: ``P(Q = q | e)`` (the row's probability of evidence over
the case's) and ``P(C present | e, Q = q)`` for every condition ``C``. Every
measure is a sum over a question's rows of ``P(Q = q | e)`` times a function
of the posteriors before and after the answer:

- :func:`gains`: ``KL(P(C | e, q) || P(C | e))`` in bits, per condition
  (the information gain, summed over answers);
- :func:`decisions`: the indicator that the answer changes the leader, moves
  a must-not-miss condition across its testing or test-treatment threshold
  or (for the candidates collected as ``ruled``) changes a finding rule's
  flag, or any of these; and the
  absolute change of the must-not-miss probabilities;
- :func:`deciders`: per candidate, the condition the question is about: of
  the focus conditions whose decision an answer changes (the leader it
  would displace, the condition that would take the lead, a must-not-miss
  condition across its threshold or with its finding-rule flag changed),
  the one :func:`gains` says it informs most.

An answer of probability zero weighs nothing. Conditions outside ``focus``
are ignored by every measure.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._decision import collect, decisions, gains
>>> model = crampnet.load()
>>> answers = collect(model, {"muscle_cramps": True}, ["fasciculations", "ferritin"])
>>> answers.candidates, answers.post.shape == (1 + 2 + 2, len(model.conditions))
(('fasciculations', 'ferritin'), True)
>>> bool(abs(answers.weight[1:3].sum() - 1.0) < 1e-9)  # P(yes | e) + P(no | e)
True
>>> gains(answers).shape, sorted(decisions(answers, model.conditions, {}))
((2, 21), ['decision', 'leader_change', 'risk_shift', 'threshold_change'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import (
    InvalidValueError,
    UnknownNodeError,
    hint,
)
from crampnet.network.evidence import check_bool, resolve_id, show
from crampnet.network.parts import not_listed
from crampnet.reasoning._collect import Answers, collect, thresholds
from crampnet.reasoning._collect import _flag_changes as _flag_changes
from crampnet.reasoning._id_lists import id_items
from crampnet.reasoning._thresholds import REACH_RTOL

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["BY", "GAIN_DECIMALS", "LEAD_TOLERANCE", "Answers", "check_about", "check_by", "collect", "deciders", "decisions", "focus_gains", "gains", "informed_most", "thresholds"]

#: The orders of :func:`crampnet.reasoning.questions.next_questions`.
BY = ("decision", "information", "value")

#: A condition takes the lead only when it is more probable than the leader by more than this.
LEAD_TOLERANCE = 1e-9

#: Decimals of the information gain (bits) in the sort key: the two exact engines (numpy, the numba
#: kernel) and the paths within them sum in different orders, so a gain of 0 comes out as noise of
#: about 1e-15 and equal gains differ in their last digits; rounded, such ties fall to the cost and
#: the candidate order, the same in every engine. The gains shown are rounded alike and floored at 0
#: (mutual information is never negative), so the column never contradicts the order and a gain of 0
#: shows as 0, not as noise. :func:`deciders` compares the conditions' gains at these decimals too.
GAIN_DECIMALS = 12


def _kl_bits(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    """KL(Bernoulli(p) || Bernoulli(r)) in bits, elementwise (0 log 0 = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0) / np.where(r > 0, r, 1.0)), 0.0)
        q, s = 1.0 - p, 1.0 - r
        b = np.where(q > 0, q * np.log2(np.where(q > 0, q, 1.0) / np.where(s > 0, s, 1.0)), 0.0)
    return a + b


def gains(answers: Answers) -> np.ndarray:
    """``I(C ; Q | e)`` in bits: one row per candidate, one column per condition.

    Parameters
    ----------
    answers : Answers
        As :func:`collect` returns.

    Returns
    -------
    numpy.ndarray
        Float array of shape ``(len(answers.candidates),
        len(answers.conditions))``: per candidate and condition, the
        ``P(Q = q | e)``-weighted sum over answers of the Bernoulli
        Kullback-Leibler divergence of ``P(C present)`` after the answer
        from before it; tiny negative rounding errors (above -1e-15) are 0.
    """
    out = np.zeros((len(answers.candidates), len(answers.conditions)))
    if not answers.candidates:
        return out
    # Every answer row at once; an answer of probability zero weighs nothing.
    live = answers.weight > 0
    terms = np.where(live[:, None], answers.weight[:, None] * _kl_bits(answers.post, answers.post[0][None, :]), 0.0)
    for i in range(len(answers.candidates)):
        for row in answers.rows(i):
            out[i] += terms[row]
    out[(out < 0) & (out > -1e-15)] = 0.0
    return out


def _crossings(post: np.ndarray, columns: Sequence[int] | np.ndarray, limits: Sequence[Sequence[float]]) -> np.ndarray:
    """Per row and listed column: how many of the column's limits the row's posterior is on the other side of, against row 0."""
    out = np.zeros((len(post), len(columns)))
    for k, (j, row_limits) in enumerate(zip(columns, limits, strict=True)):
        for limit in row_limits:
            above = post[:, j] >= limit * (1.0 - REACH_RTOL)  # as _thresholds.reaches
            out[:, k] += above != above[0]
    return out


def _limits(focus: Sequence[str], thresholds: Mapping[str, float], treatments: Mapping[str, float] | None) -> tuple[list[str], list[tuple[float, ...]]]:
    """The focus conditions with a testing threshold, and each one's limits: the testing threshold, then the test-treatment one if known."""
    guarded = [c for c in focus if c in thresholds]
    extra = treatments or {}
    return guarded, [(thresholds[c], *((extra[c],) if c in extra else ())) for c in guarded]


def decisions(answers: Answers, focus: Sequence[str], thresholds: Mapping[str, float], treatments: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
    """The decision measures of each candidate, over the conditions of ``focus``.

    Parameters
    ----------
    answers : Answers
        As :func:`collect` returns.
    focus : sequence of str
        The conditions that count: the leader is the most probable of them
        (ties: the first in network order), and the thresholds are theirs.
    thresholds : mapping of str to float
        Testing threshold per must-not-miss condition; focus conditions
        without one have no threshold to cross.
    treatments : mapping of str to float, optional
        Test-treatment threshold per must-not-miss condition (Pauker &
        Kassirer's upper threshold: above it the flag is urgent); crossing it
        changes a decision too. None: the testing thresholds only.

    Returns
    -------
    dict of str to numpy.ndarray
        ``leader_change``, ``threshold_change``, ``decision`` (either) and
        ``risk_shift``, one value per candidate (see
        :mod:`crampnet.reasoning.questions` for the definitions).
    """
    guarded, limits = _limits(focus, thresholds, treatments)
    mnm = np.array([answers.conditions.index(c) for c in guarded], dtype=int)
    # Per row: another focus condition now leads; a threshold is crossed or a finding rule's flag changes.
    _, leads = _leads(answers, focus)
    crosses = np.any(_crossings(answers.post, mnm, limits) > 0, axis=1) | _ruled(answers, focus).any(axis=1)
    shift = np.abs(answers.post[:, mnm] - answers.post[0, mnm]).sum(axis=1)
    out = {k: np.zeros(len(answers.candidates)) for k in ("leader_change", "threshold_change", "decision", "risk_shift")}
    for i in range(len(answers.candidates)):
        rows = np.array(answers.rows(i))
        w = answers.weight[rows]
        out["leader_change"][i] = float(w @ leads[rows])
        out["threshold_change"][i] = float(w @ crosses[rows])
        out["decision"][i] = float(w @ (leads[rows] | crosses[rows]))
        out["risk_shift"][i] = float(w @ shift[rows])
    return out


def _ruled(answers: Answers, focus: Sequence[str]) -> np.ndarray:
    """Per row and focus condition: whether the answer changes the condition's finding-rule flag (all False where not checked)."""
    if answers.flag_change is None:
        return np.zeros((len(answers.post), len(focus)), dtype=bool)
    return answers.flag_change[:, [answers.conditions.index(c) for c in focus]]


def _leads(answers: Answers, focus: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The focus conditions' posteriors per row, and whether another focus condition than the case's leader leads in that row."""
    post = answers.post[:, [answers.conditions.index(c) for c in focus]]
    leader = int(np.argmax(post[0]))
    leads = (post.max(axis=1) > post[:, leader] + LEAD_TOLERANCE) if len(focus) > 1 else np.zeros(len(post), dtype=bool)
    return post, leads


def _changes(answers: Answers, focus: Sequence[str], thresholds: Mapping[str, float], treatments: Mapping[str, float] | None) -> np.ndarray:
    """Per row and focus condition: how many of the condition's decisions the answer changes (0, 1 or 2).

    A new leader changes the decision for two conditions, the leader it
    displaces and itself; a must-not-miss condition's decision changes when
    the answer moves it across its testing or test-treatment threshold (one
    change for both), or changes its finding-rule flag (at least one).
    """
    post, leads = _leads(answers, focus)
    changes = np.zeros(post.shape)
    if leads.any():
        changes[np.flatnonzero(leads), np.argmax(post, axis=1)[leads]] = 1.0  # the new leader
        changes[leads, int(np.argmax(post[0]))] = 1.0  # the leader it displaces
    guarded, limits = _limits(focus, thresholds, treatments)
    columns = [list(focus).index(c) for c in guarded]
    changes[:, columns] += np.minimum(_crossings(post, columns, limits), 1.0)
    out: np.ndarray = np.maximum(changes, _ruled(answers, focus))  # a finding rule's flag changes: at least one change for it
    return out


def deciders(answers: Answers, focus: Sequence[str], thresholds: Mapping[str, float], treatments: Mapping[str, float] | None = None) -> list[str]:
    """Per candidate, the condition of ``focus`` the question is about: of those whose decision an answer changes, the one it informs most; or ``""``.

    In a clinician's words: a question is about the condition whose
    probability it informs most among those whose decision one of its
    answers would change (the leading condition it could displace, the one
    that could take the lead, or a must-not-miss condition it could move
    across its testing or test-treatment threshold or whose finding-rule
    flag it could change).

    Precisely: a condition's decision changes in an answer row of positive
    probability when the row's leader (:func:`decisions`) is another
    condition than the case's (the displaced leader and the new one both
    count), or the row crosses one of the condition's thresholds or changes
    its finding-rule flag. Among the conditions with such a row, the decider
    has the largest information gain (:func:`gains`, compared at
    :data:`GAIN_DECIMALS` decimals); ties go to the one whose decision the
    answers change most often (the answers' probabilities summed, one count
    for a new or displaced leader, one for any threshold crossing or flag
    change), then to the first in ``focus``. A question none of whose
    answers changes a decision has none.

    Parameters
    ----------
    answers : Answers
        As :func:`collect` returns.
    focus : Sequence of str
        The conditions that count, as :func:`decisions` takes them.
    thresholds : Mapping of str to float
        Testing threshold per must-not-miss condition.
    treatments : Mapping of str to float or None, optional
        Test-treatment threshold per must-not-miss condition; None: the
        testing thresholds only.

    Returns
    -------
    list of str
        One condition id of ``focus`` per candidate, in the order of
        ``answers.candidates``, or ``""`` for a candidate with none.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.reasoning._decision import collect, deciders
    >>> model = crampnet.load()
    >>> answers = collect(model, {"muscle_cramps": True}, ["sex", "calf_tenderness"])
    >>> deciders(answers, model.conditions, answers.thresholds)  # sex changes no decision
    ['', 'deep_vein_thrombosis']
    """
    changes = _changes(answers, focus, thresholds, treatments)
    info = focus_gains(answers, focus)
    out = []
    for i in range(len(answers.candidates)):
        rows = np.array(answers.rows(i))
        weight = answers.weight[rows] @ changes[rows]
        out.append(informed_most(focus, weight > 0, info[i], weight))  # ties: the most often changed
    return out


def focus_gains(answers: Answers, focus: Sequence[str]) -> np.ndarray:
    """:func:`gains` over the ``focus`` conditions, rounded to :data:`GAIN_DECIMALS` as the orders compare them.

    Parameters
    ----------
    answers : Answers
        As :func:`collect` returns.
    focus : Sequence of str
        The conditions that count, in their order.

    Returns
    -------
    numpy.ndarray
        Bits, one row per candidate, one column per condition of ``focus``.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> answers = collect(model, {"muscle_cramps": True}, ["sex", "calf_tenderness"])
    >>> focus_gains(answers, ["deep_vein_thrombosis"]).shape
    (2, 1)
    """
    return np.round(gains(answers)[:, [answers.conditions.index(c) for c in focus]], GAIN_DECIMALS)


def informed_most(focus: Sequence[str], among: np.ndarray, info: np.ndarray, second: np.ndarray) -> str:
    """The condition a question is about: of ``focus`` where ``among`` holds, the largest gain ``info``, then the largest ``second``, then the first; ``""`` for none.

    What :func:`deciders` and :func:`crampnet.reasoning._value.valuers` name, each with its own ``among``
    (the conditions whose decision, or value, an answer changes) and ``second`` (how often, or how much).

    Parameters
    ----------
    focus : Sequence of str
        The conditions, in their order.
    among : numpy.ndarray
        Bool per condition of ``focus``: those that may be named.
    info : numpy.ndarray
        The question's gain about each, compared as given (:func:`focus_gains`).
    second : numpy.ndarray
        What breaks a tie of gains, the larger first.

    Returns
    -------
    str
        A condition of ``focus``, or ``""`` if ``among`` holds for none.

    Examples
    --------
    >>> import numpy as np
    >>> informed_most(["a", "b", "c"], np.array([True, True, False]), np.array([0.1, 0.1, 0.9]), np.array([0.0, 1.0, 0.0]))
    'b'
    >>> informed_most(["a"], np.array([False]), np.array([0.1]), np.array([1.0]))
    ''
    """
    idx = np.flatnonzero(among)
    return focus[int(idx[np.lexsort((idx, -second[idx], -info[idx]))[0]])] if len(idx) else ""  # lexsort: last key first


def check_by(by: object, *, cost_aware: object = False, staged: object = False) -> None:
    """Refuse a ``by`` that is not one of :data:`BY`, and a ``cost_aware`` or ``staged`` that is not True or False (``"false"`` would switch it on).

    Parameters
    ----------
    by : object
        The ``by`` argument of ``next_questions``.
    cost_aware : object, optional
        Its ``cost_aware`` argument (a bool or numpy bool passes).
    staged : object, optional
        Its ``staged`` argument (a bool or numpy bool passes).

    Raises
    ------
    InvalidValueError
        If ``by`` is not one of :data:`BY`.
    EvidenceTypeError
        If ``cost_aware`` or ``staged`` is not a bool.
    """
    if not isinstance(by, str) or by not in BY:
        msg = f"The 'by' argument of next_questions must be one of {', '.join(map(repr, BY))}. Got {show(by)} instead.{hint(by if isinstance(by, str) else '', BY)}"
        raise InvalidValueError(msg)
    for name, value in (("cost_aware", cost_aware), ("staged", staged)):
        check_bool(value, name, "next_questions")


def check_about(model: BaseModel, about: str | Iterable[str] | None) -> list[str]:
    """The condition ids ``about`` names, in network order ([] for None), or an error naming the bad one.

    Parameters
    ----------
    model : BaseModel
        The model whose conditions ``about`` names.
    about : str, Iterable of str or None
        A condition id (or alias), several, or None for all.

    Returns
    -------
    list of str
        The named conditions' ids, each once, in the model's order of
        conditions; empty for None.

    Raises
    ------
    EvidenceTypeError
        If ``about`` is not a string, an iterable of them, or None (a
        mapping or a 0-d array is refused).
    UnknownNodeError
        If a name is not a node, or is a node but not a condition.
    InvalidValueError
        If ``about`` names no condition (an empty list).
    """
    if about is None:
        return []
    names = id_items(about, "about", "next_questions", what="condition")  # a 0-d array too
    chosen = set()
    for name in names:
        nid = resolve_id(model.spec, name, "the 'about' argument of next_questions", among=model.conditions)
        if nid not in model.conditions:
            msg = f"{nid!r} in the 'about' argument of next_questions is {not_listed(model.spec.nodes, nid)}. Conditions: {', '.join(model.conditions)}."
            raise UnknownNodeError(msg, nid, [])
        chosen.add(nid)
    if not chosen:
        msg = "The 'about' argument of next_questions names no condition; give at least one, or None for all."
        raise InvalidValueError(msg)
    return [c for c in model.conditions if c in chosen]
