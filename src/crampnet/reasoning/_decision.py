"""Every answer to every candidate question, scored once; the measures of :mod:`crampnet.reasoning.questions` from it.

:func:`collect` enters each answer ``q`` of each candidate question ``Q`` as
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
- :func:`deciders`: per candidate, the focus condition whose decision its
  answers would change most often (a new leader, or a must-not-miss
  condition across its threshold).

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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import (
    EvidenceTypeError,
    ImpossibleEvidenceError,
    InvalidValueError,
    UnknownNodeError,
)
from crampnet.network.entailment import entail, implied
from crampnet.network.evidence import resolve_id, show
from crampnet.network.parts import not_listed
from crampnet.reasoning._rules import RULE_NODES, rule_outs
from crampnet.reasoning._scoring import observe, score, stack
from crampnet.reasoning._thresholds import THRESHOLDS

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.network.spec import NetworkSpec

__all__ = ["BY", "LEAD_TOLERANCE", "Answers", "check_about", "check_by", "collect", "deciders", "decisions", "gains", "thresholds"]

#: The orders of :func:`crampnet.reasoning.questions.next_questions`.
BY = ("decision", "information", "value")

#: A condition takes the lead only when it is more probable than the leader by more than this.
LEAD_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Answers:
    """Every answer of every candidate question, scored.

    Attributes
    ----------
    conditions : tuple of str
        The model's conditions: the columns of ``post``.
    candidates : tuple of str
        The questions (node ids), in network order.
    start : numpy.ndarray
        The first row of each candidate; its answers follow, one row per state.
    weight : numpy.ndarray
        ``P(Q = q | e)`` per row; row 0 is the case itself (weight 1).
    post : numpy.ndarray
        ``P(C present | e, Q = q)``: one row per answer, one column per condition.
    must_not_miss : tuple of str
        The model's must-not-miss conditions.
    thresholds : dict of str to float
        Each must-not-miss condition's testing threshold (see :func:`thresholds`).
    treatments : dict of str to float
        The test-treatment threshold of the must-not-miss conditions that have
        one (see :func:`treatments`): above it the flag is urgent, not a test.
    flag_change : numpy.ndarray or None
        Per row and condition, whether the answer changes the flag the
        finding rules (:mod:`crampnet.reasoning._rules`) give that condition:
        raises it, drops it or changes its urgency; computed for the
        candidates :func:`collect` was given as ``ruled`` (all False for the
        others); None if none were.
    """

    conditions: tuple[str, ...]
    candidates: tuple[str, ...]
    start: np.ndarray
    weight: np.ndarray
    post: np.ndarray
    must_not_miss: tuple[str, ...]
    thresholds: dict[str, float]
    treatments: dict[str, float] = field(default_factory=dict)
    flag_change: np.ndarray | None = None

    def rows(self, i: int) -> range:
        """The rows of candidate ``i``'s answers."""
        stop = int(self.start[i + 1]) if i + 1 < len(self.candidates) else len(self.weight)
        return range(int(self.start[i]), stop)


def thresholds(model: BaseModel) -> dict[str, float]:
    """The testing threshold of each must-not-miss condition (``redflags.testing_thresholds``).

    Falls back to the flagging threshold for every must-not-miss condition
    when :mod:`crampnet.reasoning.redflags` has no ``testing_thresholds``.
    """
    try:
        from crampnet.reasoning.redflags import testing_thresholds
    except ImportError:  # pragma: no cover - an older redflags module
        from crampnet.reasoning.redflags import DEFAULT_THRESHOLD

        return dict.fromkeys(model.must_not_miss, DEFAULT_THRESHOLD)
    given = testing_thresholds(model)
    return {c: float(given[c]) for c in model.must_not_miss if c in given}


def treatments(model: BaseModel) -> dict[str, float]:
    """The test-treatment threshold of each must-not-miss condition that has one (``_thresholds.THRESHOLDS``)."""
    return {c: float(THRESHOLDS[c].treatment) for c in model.must_not_miss if c in THRESHOLDS}


def collect(model: BaseModel, evidence: Mapping[str, object] | None, candidates: Sequence[str] | None = None, *, ruled: Iterable[str] = ()) -> Answers:
    """Score every answer of every candidate (default: every unobserved finding and context node).

    The answers of the candidates in ``ruled`` are also checked against the
    finding rules of the red flags (``Answers.flag_change``).

    Raises
    ------
    ImpossibleEvidenceError
        If the evidence has probability zero.
    """
    vectors = observe(model, evidence)
    spec = model.spec
    if candidates is None:
        candidates = [nid for nid in spec.nodes if spec.nodes[nid].role != "condition"]
    known = implied(spec, vectors)  # a finding another observed one implies needs no asking
    kept = [c for c in candidates if c not in vectors and c not in known]
    conds = model.conditions
    # One row per answer of each candidate, the answer entered as evidence:
    # its probability of evidence is P(Q = q | e) and its posteriors are
    # P(C | Q = q, e). For a finding that costs a few Quickscore terms per
    # answer, where its parents' configurations would cost 2^parents rows.
    # Context nodes and single-parent findings: their answers are read off
    # one pass per condition (CompiledNetwork.answers), the same numbers.
    read = model.compiled.answers(vectors, kept)
    rows: list[dict[str, np.ndarray]] = [vectors]
    for q in kept:
        if q not in read:
            card = len(spec.nodes[q].states)
            rows.extend(_answer(spec, vectors, q, np.eye(card)[k]) for k in range(card))
    marg, log_ev = score(model, stack(model, rows), conds, n_rows=len(rows))
    if not np.isfinite(log_ev[0]):
        msg = "The evidence is impossible under the network (probability zero); use model.posteriors(evidence) to see which entries conflict."
        raise ImpossibleEvidenceError(msg, [])
    with np.errstate(invalid="ignore"):
        scored = np.nan_to_num(np.exp(log_ev - log_ev[0]))  # P(row's extra evidence | e)
    present = np.column_stack([marg[c][:, spec.nodes[c].states.index("present")] for c in conds])
    # Back in candidate order: row 0 the case, then each candidate's answers.
    weights, posts, start = [scored[:1]], [present[:1]], []
    at, size = 1, 1
    for q in kept:
        start.append(size)
        card = len(spec.nodes[q].states)
        if q in read:
            weights.append(read[q][0])
            posts.append(read[q][1])
        else:
            weights.append(scored[at : at + card])
            posts.append(present[at : at + card])
            at += card
        size += card
    post = np.nan_to_num(np.concatenate(posts))
    # Only a node a rule reads (or one whose answer entails such a node) can change a rule's flag.
    ruled = set(ruled)
    checked = {q for q in ruled & set(kept) if q in RULE_NODES or any(nid in RULE_NODES for nid, _ in spec.nodes[q].entails)}
    flags = _flag_changes(model, vectors, kept, checked) if ruled else None
    return Answers(tuple(conds), tuple(kept), np.array(start, dtype=int), np.concatenate(weights), np.clip(post, 0.0, 1.0), tuple(model.must_not_miss), thresholds(model), treatments(model), flags)


def _flag_changes(model: BaseModel, vectors: Mapping[str, np.ndarray], kept: Sequence[str], checked: set[str]) -> np.ndarray:
    """Per answer row (row 0: the case), per condition: whether the finding rules flag it otherwise than for the case (only ``checked`` candidates' rows)."""
    from crampnet.reasoning.redflags import rule_flags

    def state(row: Mapping[str, np.ndarray]) -> dict[str, str]:
        # A published rule-out met stops a condition's 'test' flag (redflags.red_flags): a change of it counts too.
        return {c: "rule-out met" for c in rule_outs(model, row)} | {f.condition: f.urgency for f in rule_flags(model, row)}

    spec, conds = model.spec, list(model.conditions)
    base = state(vectors)
    rows = [np.zeros(len(conds), dtype=bool)]
    for q in kept:
        card = len(spec.nodes[q].states)
        for k in range(card):
            row = np.zeros(len(conds), dtype=bool)
            if q in checked:
                now = state(_answer(spec, vectors, q, np.eye(card)[k]))
                for c in (base.keys() | now.keys()) & set(conds):
                    row[conds.index(c)] = base.get(c) != now.get(c)
            rows.append(row)
    return np.array(rows)


def _answer(spec: NetworkSpec, vectors: Mapping[str, np.ndarray], q: str, vec: np.ndarray) -> dict[str, np.ndarray]:
    """The evidence with the answer ``q`` = ``vec`` added, reduced by the file's entailments (weight 0 if it contradicts them)."""
    row = {**vectors, q: vec}
    try:
        return dict(entail(spec, row))
    except ImpossibleEvidenceError:
        return {**row, q: np.zeros_like(vec)}


def _kl_bits(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    """KL(Bernoulli(p) || Bernoulli(r)) in bits, elementwise (0 log 0 = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0) / np.where(r > 0, r, 1.0)), 0.0)
        q, s = 1.0 - p, 1.0 - r
        b = np.where(q > 0, q * np.log2(np.where(q > 0, q, 1.0) / np.where(s > 0, s, 1.0)), 0.0)
    return a + b


def gains(answers: Answers) -> np.ndarray:
    """``I(C ; Q | e)`` in bits: one row per candidate, one column per condition."""
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
            above = post[:, j] >= limit
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


def deciders(answers: Answers, focus: Sequence[str], thresholds: Mapping[str, float], treatments: Mapping[str, float] | None = None) -> list[str]:
    """Per candidate, the condition of ``focus`` whose decision its answers would change most often, or ``""``.

    An answer row counts once for the condition that becomes the leader, and
    once for each must-not-miss condition it moves across its testing or
    test-treatment threshold (once for one that crosses both; twice for one
    that leads and crosses), weighted by the answer's
    probability, as in :func:`decisions`; the condition with the largest
    weight is the question's decider (ties: the first in ``focus``). A
    question none of whose answers changes a decision has none.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.reasoning._decision import collect, deciders
    >>> model = crampnet.load()
    >>> answers = collect(model, {"muscle_cramps": True}, ["sex", "calf_tenderness"])
    >>> deciders(answers, model.conditions, answers.thresholds)  # sex changes no decision
    ['', 'deep_vein_thrombosis']
    """
    post, leads = _leads(answers, focus)
    new = np.argmax(post, axis=1)
    # Per row and focus condition: how many of its decisions the row changes (it leads; it crosses its threshold).
    changes = np.zeros(post.shape)
    changes[np.flatnonzero(leads), new[leads]] = 1.0
    guarded, limits = _limits(focus, thresholds, treatments)
    columns = [list(focus).index(c) for c in guarded]
    changes[:, columns] += np.minimum(_crossings(post, columns, limits), 1.0)
    changes = np.maximum(changes, _ruled(answers, focus))  # a finding rule's flag changes: at least one change for it
    out = []
    for i in range(len(answers.candidates)):
        rows = np.array(answers.rows(i))
        weight = answers.weight[rows] @ changes[rows]
        out.append(focus[int(np.argmax(weight))] if weight.max() > 0 else "")
    return out


def check_by(by: object, *, cost_aware: object = False, staged: object = False) -> None:
    """Refuse a ``by`` that is not one of :data:`BY`, and a ``cost_aware`` or ``staged`` that is not True or False (``"false"`` would switch it on)."""
    if not isinstance(by, str) or by not in BY:
        msg = f"The 'by' argument of next_questions must be one of {', '.join(map(repr, BY))}. Got {show(by)} instead."
        raise InvalidValueError(msg)
    for name, value in (("cost_aware", cost_aware), ("staged", staged)):
        if not isinstance(value, bool | np.bool_):
            msg = f"The '{name}' argument of next_questions must be True or False. Got {show(value)} ({type(value).__name__}) instead."
            raise EvidenceTypeError(msg)


def check_about(model: BaseModel, about: str | Iterable[str] | None) -> list[str]:
    """The condition ids ``about`` names, in network order ([] for None), or an error naming the bad one."""
    if about is None:
        return []
    names = [about] if isinstance(about, str) else about
    if not isinstance(names, Iterable) or isinstance(names, Mapping):
        msg = f"The 'about' argument of next_questions must be a condition id or a list of them. Got {show(about)} ({type(about).__name__}) instead."
        raise EvidenceTypeError(msg)
    chosen = set()
    for name in names:
        nid = resolve_id(model.spec, name, "the 'about' argument of next_questions")
        if nid not in model.conditions:
            msg = f"{nid!r} in the 'about' argument of next_questions is {not_listed(model.spec.nodes, nid)}. Conditions: {', '.join(model.conditions)}."
            raise UnknownNodeError(msg, nid, [])
        chosen.add(nid)
    if not chosen:
        msg = "The 'about' argument of next_questions names no condition; give at least one, or None for all."
        raise InvalidValueError(msg)
    return [c for c in model.conditions if c in chosen]
