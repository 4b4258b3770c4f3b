"""The questions in two steps: every answer scored once, then ranked as often as needed.

:func:`collect_answers` scores every answer of every candidate question in
one batch (:func:`crampnet.reasoning._decision.collect`), and
:func:`rank_questions` ranks what it scored into the table of
:func:`crampnet.reasoning.questions.next_questions`, which runs both;
:func:`ranked_rows` gives the same rows without pandas. Scoring is the
costly step: a ``Diagnosis``, the report and the interview score a case
once and rank it several ways. :mod:`crampnet.reasoning.questions`
re-exports all three and :data:`COLUMNS`, and its module docstring defines
the measures and the orders.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._question_table import collect_answers, rank_questions
>>> model = crampnet.load()
>>> answers = collect_answers(model, {"muscle_cramps": True}, ["ferritin", "urge_to_move"])
>>> list(rank_questions(model, answers, None, staged=True).index)   # history before the laboratory test
['urge_to_move', 'ferritin']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from crampnet.reasoning._decision import Answers, check_by, collect
from crampnet.reasoning._question_costs import cost_of
from crampnet.reasoning._question_order import check_n, measure_rows, order, question_rows

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["COLUMNS", "collect_answers", "rank_questions", "ranked_orders", "ranked_rows"]

#: The columns of :func:`crampnet.reasoning.questions.next_questions`, in order.
COLUMNS = [
    "label", "kind", "information_gain", "cost", "gain_per_cost", "about", "decision", "leader_change", "threshold_change", "risk_shift",
    "value", "value_lead", "value_threshold",
]  # fmt: skip


def collect_answers(model: BaseModel, evidence: Mapping[str, object] | None, candidates: list[str] | None = None, *, threshold: float | None = None) -> Answers:
    """Score every answer of every candidate once (:func:`~crampnet.reasoning._decision.collect`), history and examination answers also against the finding rules.

    Tests count by the thresholds only: the one rule a result can fire (a raised D-dimer) presumes the test was indicated, which the thresholds decide.
    A test a guideline says not to do on the evidence is left out, named in ``Answers.left_out`` (:func:`~crampnet.reasoning._collect.not_indicated`: no D-dimer in pregnancy, RCOG Green-top 37b).

    Parameters
    ----------
    model : BaseModel
        The model that scores the answers.
    evidence : mapping or None
        The case so far, as :meth:`crampnet.Model.posteriors` takes it.
    candidates : list of str, optional
        Node ids to score (default: every finding and context node); those
        observed or implied by the evidence are left out.
    threshold : float or None, optional
        The red flags' ``threshold``, checked already (:func:`~crampnet.reasoning._decision.collect`).

    Returns
    -------
    Answers
        Per answer of each candidate kept: its probability given the
        evidence, the posteriors given both, and whether it changes a
        finding rule's flag (what :func:`rank_questions` ranks).

    Raises
    ------
    ImpossibleEvidenceError
        If the evidence has probability zero.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> answers = collect_answers(model, {"muscle_cramps": True, "fasciculations": True}, ["weakness", "d_dimer"])
    >>> [bool(answers.flag_change[list(answers.rows(i))].any()) for i in range(2)]  # weakness can raise the MND rule
    [True, False]
    """
    clinical = [nid for nid in model.spec.nodes if cost_of(nid)[0] in ("history", "examination")]
    return collect(model, evidence, candidates, ruled=clinical, threshold=threshold, indicated=True)


def rank_questions(
    model: BaseModel,
    answers: Answers,
    n: int | None = 10,
    *,
    by: str = "decision",
    about: str | Iterable[str] | None = None,
    cost_aware: bool = False,
    costs: Mapping[str, float] | None = None,
    staged: bool = False,
) -> pd.DataFrame:
    """Rank the answers :func:`collect_answers` scored, as :func:`next_questions` does.

    Parameters
    ----------
    model : BaseModel
        The model the answers were scored with.
    answers : Answers
        What :func:`collect_answers` returned.
    n : int or None, default=10
        How many rows (None: all).
    by : {'decision', 'information', 'value'}, default='decision'
        The order; it and the three below as for :func:`next_questions`.
    about : str or list of str, optional
        The conditions that count (ids or aliases).
    cost_aware, staged : bool, default=False
        Per unit cost; history first.
    costs : mapping of str to float, optional
        Costs that replace the defaults.

    Returns
    -------
    pandas.DataFrame
        The table of :func:`next_questions` (its errors too): the first
        ``n`` candidates of ``answers``, best first, indexed by node id,
        with the columns of :data:`COLUMNS`.
    """
    import pandas as pd

    rows, positions = question_rows(model, answers, n, by=by, about=about, cost_aware=cost_aware, costs=costs, staged=staged, kinds=[cost_of(q) for q in answers.candidates])
    frame = pd.DataFrame(rows, index=pd.Index(list(answers.candidates), name="question"), columns=COLUMNS)
    frame.attrs["left_out"] = dict(answers.left_out)  # the tests not suggested on this evidence, and why
    frame = frame.iloc[positions] if len(frame) else frame
    return frame if n is None else frame.iloc[: int(n)]


def ranked_rows(model: BaseModel, answers: Answers, n: int | None = 10, *, by: str = "decision", cost_aware: bool = False, staged: bool = False) -> list[tuple[str, dict[str, object]]]:
    """The first ``n`` rows of :func:`rank_questions` (in the order ``by``, or ``cost_aware``, ``staged``), as ``(question, row)`` pairs, without pandas.

    Each row maps the :data:`COLUMNS` to their values, as the table holds them.

    Parameters
    ----------
    model : BaseModel
        The model of ``answers``.
    answers : Answers
        The scored answers (:func:`collect_answers`).
    n : int or None, default=10
        How many pairs (None: all).
    by : {'decision', 'information', 'value'}, default='decision'
        The order.
    cost_aware, staged : bool, default=False
        Per unit cost; history first (see :func:`next_questions`).

    Returns
    -------
    list of tuple of (str, dict)
        ``(node id, row)`` pairs, best first, in the order of the index of
        :func:`rank_questions`.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> answers = collect_answers(model, {"muscle_cramps": True})
    >>> [q for q, _ in ranked_rows(model, answers, 3)] == list(rank_questions(model, answers, 3).index)
    True
    >>> [q for q, _ in ranked_rows(model, answers, 3, by="value")] == list(rank_questions(model, answers, 3, by="value").index)
    True
    >>> [q for q, _ in ranked_rows(model, answers, 3, staged=True)] == list(rank_questions(model, answers, 3, staged=True).index)
    True
    """
    (pairs,) = ranked_orders(model, answers, [(n, cost_aware, staged)], by=by)
    return pairs


def ranked_orders(model: BaseModel, answers: Answers, orders: Sequence[tuple[int | None, bool, bool]], *, by: str = "decision") -> list[list[tuple[str, dict[str, object]]]]:
    """:func:`ranked_rows` in several orders of the same ``by``, the measures worked out once for all of them.

    The rows of one ``by`` are the same whatever ``cost_aware`` and
    ``staged`` say (they change the order alone), so the report's two
    tables (:mod:`crampnet.reasoning.report`: the first five, and the best
    three for their cost) rank one list of rows twice instead of working out
    every candidate's measures twice.

    Parameters
    ----------
    model : BaseModel
        The model of ``answers``.
    answers : Answers
        The scored answers (:func:`collect_answers`).
    orders : sequence of (int or None, bool, bool)
        Per table: ``n`` (how many pairs; None: all), ``cost_aware`` and ``staged``, as :func:`ranked_rows` takes them.
    by : {'decision', 'information', 'value'}, default='decision'
        The order, shared by every table.

    Returns
    -------
    list of list of tuple of (str, dict)
        Per entry of ``orders``, what :func:`ranked_rows` returns for it.

    Raises
    ------
    InvalidValueError, EvidenceTypeError
        For a bad ``n``, ``by``, ``cost_aware`` or ``staged`` (every order is checked before any measure is worked out).

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> answers = collect_answers(model, {"muscle_cramps": True})
    >>> best, cheap = ranked_orders(model, answers, [(3, False, False), (2, True, False)])
    >>> best == ranked_rows(model, answers, 3), cheap == ranked_rows(model, answers, 2, cost_aware=True)
    (True, True)
    """
    for n, cost_aware, staged in orders:
        check_n(n)
        check_by(by, cost_aware=cost_aware, staged=staged)
    rows = measure_rows(model, answers, by=by, kinds=[cost_of(q) for q in answers.candidates])
    out = []
    for n, cost_aware, staged in orders:
        positions = order(rows, by=by, cost_aware=cost_aware, staged=staged)
        chosen = positions if n is None else positions[: int(n)]
        out.append([(answers.candidates[i], {c: rows[i][c] for c in COLUMNS}) for i in chosen.tolist()])
    return out
