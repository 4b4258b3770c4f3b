"""Every answer to every candidate question, scored once: :func:`collect` and the :class:`Answers` it returns.

Each answer ``q`` of each candidate question ``Q`` is entered as evidence,
one row of one batch (:mod:`crampnet.reasoning._scoring`), and two numbers
are kept per row: ``P(Q = q | e)`` (the row's probability of evidence over
the case's) and ``P(C present | e, Q = q)`` for every condition ``C``. The
measures over them are in :mod:`crampnet.reasoning._decision`, which
re-exports :class:`Answers`, :func:`collect` and :func:`thresholds`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import ImpossibleEvidenceError
from crampnet.network.entailment import entail, implied
from crampnet.reasoning._entries import _possible
from crampnet.reasoning._rules import RULE_NODES, rule_outs, stated, typed_numbers
from crampnet.reasoning._scoring import observe, score, stack
from crampnet.reasoning._thresholds import THRESHOLDS
from crampnet.reasoning._wells import _PREGNANT_OR_POSTPARTUM

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.network.spec import NetworkSpec

__all__ = ["NOT_INDICATED", "Answers", "collect", "not_indicated", "thresholds", "treatments"]

#: Tests a guideline says not to do when one of its ``(node, state)`` entries is possible on the evidence (entered
#: with a likelihood above 0, soft evidence of any weight, or fixed by the population): node id to (the entries, any
#: of which counts; the reason shown). RCOG Green-top Guideline 37b
#: (2015): "D-dimer testing should not be performed in the investigation of acute VTE in pregnancy" (it rises in
#: normal pregnancy and a normal result does not exclude VTE). The 6 weeks after delivery too: the red flags and the
#: rule-out already read a D-dimer there as deciding nothing (the Wells flag, the rule-out's exceptions and the DVT
#: threshold flag, after 37b, :mod:`crampnet.reasoning._pregnancy`), so suggesting one there contradicted them. Those
#: read a pregnancy or delivery that soft evidence makes possible, however weakly, as one (the safe side: a D-dimer
#: cannot rule DVT out there), so this list does too: read outright, it suggested the D-dimer the flag beside it said
#: decides nothing.
NOT_INDICATED: dict[str, tuple[tuple[tuple[str, str], ...], str]] = {
    "d_dimer": (
        _PREGNANT_OR_POSTPARTUM,
        "not suggested in pregnancy or the 6 weeks after delivery (entered, or possible on the evidence): D-dimer testing should not be performed in the investigation of acute VTE in pregnancy (RCOG Green-top Guideline 37b, 2015) and a normal D-dimer does not exclude DVT after delivery either; suspected DVT is tested by compression duplex ultrasound",
    ),
}


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
        Each must-not-miss condition's testing threshold (see :func:`thresholds`),
        or the one threshold :func:`collect` was given.
    treatments : dict of str to float
        The test-treatment threshold of the must-not-miss conditions that have
        one (see :func:`treatments`): above it the flag is urgent, not a test;
        empty when a threshold was given (its flags are all urgent).
    flag_change : numpy.ndarray or None
        Per row and condition, whether the answer changes the flag the
        finding rules (:mod:`crampnet.reasoning._rules`) give that condition:
        raises it, drops it or changes its urgency; computed for the
        candidates :func:`collect` was given as ``ruled`` (all False for the
        others); None if none were.
    left_out : dict of str to str
        The questions left out as not indicated (:func:`not_indicated`), each with why; empty unless
        :func:`collect` was asked to leave them out.
    given : float or None
        The one threshold :func:`collect` was given, or None (each condition's own).
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
    left_out: dict[str, str] = field(default_factory=dict)
    given: float | None = None

    def rows(self, i: int) -> range:
        """The rows of candidate ``i``'s answers.

        Parameters
        ----------
        i : int
            The candidate's position in ``candidates``.

        Returns
        -------
        range
            The indices of its answer rows in ``weight`` and ``post``, one
            per state of the question, in state order.
        """
        stop = int(self.start[i + 1]) if i + 1 < len(self.candidates) else len(self.weight)
        return range(int(self.start[i]), stop)


def thresholds(model: BaseModel) -> dict[str, float]:
    """The testing threshold of each must-not-miss condition (``redflags.testing_thresholds``).

    Falls back to the flagging threshold for every must-not-miss condition
    when :mod:`crampnet.reasoning.redflags` has no ``testing_thresholds``.

    Parameters
    ----------
    model : BaseModel
        The model.

    Returns
    -------
    dict of str to float
        Must-not-miss condition id to its testing threshold, in the
        model's order of must-not-miss conditions (those without one left
        out).
    """
    try:
        from crampnet.reasoning.redflags import testing_thresholds
    except ImportError:  # pragma: no cover - an older redflags module
        from crampnet.reasoning.redflags import DEFAULT_THRESHOLD

        return dict.fromkeys(model.must_not_miss, DEFAULT_THRESHOLD)
    given = testing_thresholds(model)
    return {c: float(given[c]) for c in model.must_not_miss if c in given}


def treatments(model: BaseModel) -> dict[str, float]:
    """The test-treatment threshold of each must-not-miss condition that has one (``_thresholds.THRESHOLDS``).

    Parameters
    ----------
    model : BaseModel
        The model.

    Returns
    -------
    dict of str to float
        Must-not-miss condition id to its test-treatment threshold, in the
        model's order of must-not-miss conditions.
    """
    return {c: float(THRESHOLDS[c].treatment) for c in model.must_not_miss if c in THRESHOLDS}


def not_indicated(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> dict[str, str]:
    """The tests of :data:`NOT_INDICATED` the evidence makes not indicated: node id to why.

    The entries are read as the DVT flag's pregnancy advice and the Wells rule-out's exceptions read them
    (:func:`~crampnet.reasoning._pregnancy.dvt_advice`, :func:`~crampnet.reasoning._wells.rule_outs`): possible on
    the evidence, entered with a likelihood above 0 (soft evidence of any weight, the trimester not known
    included) or fixed by the population (a pregnancy preset). Read outright, as the finding rules read their
    groups, weak soft evidence of pregnancy left the D-dimer suggested while the flag said it decides nothing.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence (:func:`~crampnet.reasoning._scoring.observe`).

    Returns
    -------
    dict of str to str
        Node id to the reason, for each test of the network not to suggest; empty if none.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.reasoning._scoring import observe
    >>> model = crampnet.load()
    >>> list(not_indicated(model, observe(model, {"pregnancy": "later_trimester"}))), not_indicated(model, observe(model, {}))
    (['d_dimer'], {})
    """
    read = stated(model, vectors)
    return {nid: why for nid, (entries, why) in NOT_INDICATED.items() if nid in model.spec.nodes and any(_possible(model, read, e) for e in entries)}


def collect(model: BaseModel, evidence: Mapping[str, object] | None, candidates: Sequence[str] | None = None, *, ruled: Iterable[str] = (), threshold: float | None = None, indicated: bool = False) -> Answers:
    """Score every answer of every candidate (default: every unobserved finding and context node).

    The answers of the candidates in ``ruled`` are also checked against the
    finding rules of the red flags (``Answers.flag_change``). The thresholds
    are those the red flags read with the same ``threshold``
    (:func:`crampnet.reasoning.redflags.red_flags`): each condition's testing
    and test-treatment thresholds, with the published rule-outs; or, given
    one, that one for every must-not-miss condition, without either.

    Parameters
    ----------
    model : BaseModel
        The model.
    evidence : Mapping or None
        The case (node id to value), as :func:`crampnet.diagnose` takes it.
    candidates : Sequence of str or None, optional
        The questions to score (node ids; None, the default: every node that
        is not a condition); those observed, implied by the evidence
        through the network's entailments, or whose answer the evidence
        makes certain (one answer of probability above 0, unless entering
        it changes a finding rule's flag), are left out.
    ruled : Iterable of str, optional
        The candidates whose answers are also checked against the finding
        rules (only those a rule reads, or that entail such a node, can
        change a flag).
    threshold : float or None, optional
        One threshold in (0, 1] for every must-not-miss condition, checked
        already (:func:`crampnet.reasoning.redflags.check_threshold`); None,
        the default: each condition's own.
    indicated : bool, optional
        Leave out the tests a guideline says not to do on this evidence
        (:func:`not_indicated`: no D-dimer in pregnancy), naming them in
        ``Answers.left_out``; False, the default: every candidate is scored.

    Returns
    -------
    Answers
        Row 0 the case, then each kept candidate's answers, one row per
        state: ``weight`` of shape ``(rows,)``, ``post`` of shape ``(rows,
        conditions)`` clipped to [0, 1], ``start`` an int array of one entry
        per kept candidate; ``flag_change`` None unless ``ruled`` is
        non-empty.

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
    left_out = {nid: why for nid, why in not_indicated(model, vectors).items() if nid in kept} if indicated else {}
    kept = [c for c in kept if c not in left_out]
    conds = model.conditions
    # One row per answer of each candidate, the answer entered as evidence:
    # its probability of evidence is P(Q = q | e) and its posteriors are
    # P(C | Q = q, e). For a finding that costs a few Quickscore terms per
    # answer, where its parents' configurations would cost 2^parents rows.
    # Context nodes and single-parent findings: their answers are read off
    # one pass per condition (CompiledNetwork.answers), the same numbers.
    read = model.compiled.answers(vectors, kept)
    # Only a node a rule reads (or one whose answer entails such a node) can change a rule's flag.
    ruled = set(ruled)
    checked = {q for q in ruled & set(kept) if q in RULE_NODES or any(nid in RULE_NODES for nid, _ in spec.nodes[q].entails)}
    # Each answer's evidence built once: the batch scores it, the finding rules read it.
    answered = {q: [_answer(spec, vectors, q, vec) for vec in np.eye(len(spec.nodes[q].states))] for q in kept if q not in read or q in checked}
    rows: list[dict[str, np.ndarray]] = [vectors]
    for q in kept:
        if q not in read:
            rows.extend(answered[q])
    marg, log_ev = score(model, stack(model, rows), conds, n_rows=len(rows))
    if not np.isfinite(log_ev[0]):
        model.posterior_array(evidence)  # raises ImpossibleEvidenceError naming the conflict
        msg = "The evidence is impossible under the network (probability zero); use model.posteriors(evidence) to see which entries conflict."  # pragma: no cover - raised above
        raise ImpossibleEvidenceError(msg, [])  # pragma: no cover
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
    flags = _flag_changes(model, vectors, kept, checked, outs=threshold is None, typed=typed_numbers(model, evidence), answered=answered) if ruled else None
    # A question whose answer the evidence makes certain (pregnancy once sex=male is entered, postpartum during a
    # pregnancy, sex in a pregnancy preset) can tell nothing: it is left out, unless entering the answer changes a
    # finding rule's flag (the rules read entries, not probabilities).
    useless = [i for i, q in enumerate(kept) if np.count_nonzero(weights[i + 1] > 0) <= 1 and (flags is None or not flags[start[i] : start[i] + len(spec.nodes[q].states)].any())]
    if useless:
        rows_kept = np.concatenate([[0], *(np.arange(start[i], start[i] + len(spec.nodes[q].states)) for i, q in enumerate(kept) if i not in useless)]).astype(int)
        kept = [q for i, q in enumerate(kept) if i not in useless]
        post, flags = post[rows_kept], None if flags is None else flags[rows_kept]
        weights, start = [np.concatenate(weights)[rows_kept]], list(np.cumsum([1] + [len(spec.nodes[q].states) for q in kept])[:-1])
    # As the red flags read them: a given threshold replaces both of each condition's, and its rule-outs.
    limits, acts = (thresholds(model), treatments(model)) if threshold is None else (dict.fromkeys(model.must_not_miss, float(threshold)), {})
    return Answers(tuple(conds), tuple(kept), np.array(start, dtype=int), np.concatenate(weights), np.clip(post, 0.0, 1.0), tuple(model.must_not_miss), limits, acts, flags, left_out, None if threshold is None else float(threshold))


def _flag_changes(
    model: BaseModel,
    vectors: Mapping[str, np.ndarray],
    kept: Sequence[str],
    checked: set[str],
    *,
    outs: bool = True,
    typed: Mapping[str, float] | None = None,
    answered: Mapping[str, Sequence[Mapping[str, np.ndarray]]] | None = None,
) -> np.ndarray:
    """Per answer row (row 0: the case), per condition: whether the finding rules flag it otherwise than for the case (only ``checked`` candidates' rows).

    With ``outs``, a published rule-out met counts too; ``typed``, the
    numbers typed in the case, the rules read as the red flags do;
    ``answered``, each checked candidate's answer rows as :func:`collect`
    built them for its batch (:func:`_answer` of each state in order), so
    that they are not built twice.
    """
    from crampnet.reasoning.redflags import rule_flags

    def state(row: Mapping[str, np.ndarray]) -> dict[str, str]:
        # A published rule-out met stops a condition's 'test' flag (redflags.red_flags): a change of it counts too.
        row = stated(model, row)  # read once for both
        return {c: "rule-out met" for c in (rule_outs(model, row) if outs else ())} | {f.condition: f.urgency for f in rule_flags(model, row, typed)}

    spec = model.spec
    at = {c: i for i, c in enumerate(model.conditions)}
    base = state(vectors)
    out = np.zeros((1 + sum(len(spec.nodes[q].states) for q in kept), len(at)), dtype=bool)
    start = 1
    for q in kept:
        card = len(spec.nodes[q].states)
        if q in checked:
            given = answered[q] if answered is not None and q in answered else [_answer(spec, vectors, q, vec) for vec in np.eye(card)]
            for k, row in enumerate(given):
                now = state(row)
                for c in (base.keys() | now.keys()) & at.keys():
                    out[start + k, at[c]] = base.get(c) != now.get(c)
        start += card
    return out


def _answer(spec: NetworkSpec, vectors: Mapping[str, np.ndarray], q: str, vec: np.ndarray) -> dict[str, np.ndarray]:
    """The evidence with the answer ``q`` = ``vec`` added, reduced by the file's entailments (weight 0 if it contradicts them)."""
    row = {**vectors, q: vec}
    try:
        return dict(entail(spec, row))
    except ImpossibleEvidenceError:
        return {**row, q: np.zeros_like(vec)}
