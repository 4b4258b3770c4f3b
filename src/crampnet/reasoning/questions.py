"""The next best question: which unobserved finding or context node to ask or test next.

Three orders (``by``): what the answer can change that matters (``"decision"``,
the default), what it tells about the conditions (``"information"``), or
what the answer is worth (``"value"``, :mod:`crampnet.reasoning._value`). The
first follows the threshold approach (Pauker & Kassirer, *The threshold
approach to clinical decision making*, N Engl J Med 1980;302:1109-17): a
test is worth doing only if its result can move a probability across a
threshold at which the clinician would act differently. Information gain
breaks its ties, so questions that can change no decision on their own
(one-step lookahead is myopic: Heckerman, Horvitz & Middleton, *An
approximate nonmyopic computation for value of information*, 1993) still
come in the order of what they tell.

Definitions
-----------
For a candidate question Q (an unobserved finding or context node) with
answers q, current evidence e, and ``P(q | e)`` the probability of each
answer, every measure is an average over the answers weighted by ``P(q | e)``:

- ``leader_change``: the probability that the answer puts another condition
  ahead of the current leader (the most probable condition now, ties in
  network order; ahead = more probable by more than 1e-9).
- ``threshold_change``: the probability that the answer moves a must-not-miss
  condition across its testing or test-treatment threshold, up or down
  (Pauker & Kassirer's two: the first-line test decides between them, the
  flag is urgent above; ``redflags.testing_thresholds``, ``_thresholds``),
  or across the one ``threshold`` given (``diagnose``'s, as its red flags),
  or, for a history or examination question, changes a finding rule's flag.
- ``decision``: the probability that the answer does either: changes the
  leader or changes a must-not-miss decision as above.
- ``risk_shift``: the expected absolute change in the must-not-miss
  conditions' probabilities, summed over them (0.05 = five points).
- ``information_gain``: ``sum_i I(C_i ; Q | e)`` in bits, the sum over the
  conditions C_i of the mutual information between C_i (present/absent) and
  the answer, ``sum_q P(q | e) KL(P(C_i | e, q) || P(C_i | e))``; never
  negative (values within 1e-15 of zero are set to 0).
- ``value`` = ``value_lead + value_threshold``: the expected gain in the
  probability that the leading condition is right, plus the expected gain of
  the testing decisions, ``K (E max(p_q - T, 0) - max(p - T, 0))`` per
  must-not-miss condition (:mod:`crampnet.reasoning._value`; K = 1 and T = ``threshold`` when one is given; the 1:1 weight
  of the two parts is a judgment).

``by="decision"`` sorts by ``decision`` compared at two decimals (a 1-in-100
chance of changing a decision; the precision the differential compares its
measures at), then ``information_gain``, then cost; ``by="value"`` sorts by
``value`` at four decimals, then as ``"decision"`` does: a crossing counts
in ``decision`` however small, in ``value`` by how far it goes. The leader
is the most probable condition, not the first of the counterfactual differential
(:mod:`crampnet.reasoning.ranking`): that would take a counterfactual pass per
answer, some 200 per question list.

Why the sum of per-condition information and not the entropy of the joint:
the conditions are not exclusive (a patient can have several), so the joint
has ``2**n_conditions`` states; the per-condition marginals are exact and
cheap. The sum counts information about two correlated conditions twice
(e.g. restless legs syndrome and periodic limb movements); read it as "how
much the answer would move the differential, condition by condition". The
condition a question is ``about``: ranked by decision (the default), of
the conditions whose decision one of its answers would change (the leader
it could displace, one that could take the lead, a must-not-miss condition
across one of its thresholds or with its finding-rule flag changed), the one
it informs most (:func:`crampnet.reasoning._decision.deciders`); ranked by value, the one
it informs most among those its value comes from (the leader an answer
could displace and the one that could take the lead, a must-not-miss
condition whose testing decision it could change:
:func:`crampnet.reasoning._value.valuers`); otherwise, and for a
question that changes no decision, the one its answer would inform most.

Focus (``about``)
-----------------
``about=[...]`` names the conditions that count (GeNIe's "focus faults"):
``information_gain`` sums over them only, each one's present/absent state
(not their joint); the leader is the most probable of them (with one named
condition it cannot change); only their thresholds count.

Costs and order
---------------
``cost`` is 1 for history (symptoms, medications, context), 2 for
examination, 3 for laboratory tests and 4 for the ankle-brachial index, by
the id lists ``EXAMINATION``, ``LABS`` and ``ABI`` (:func:`cost_of`); a
node in none of them (another network's) is history.
``cost_aware=True`` ranks by the measure per unit cost (``gain_per_cost`` for
information; ``decision / cost`` then ``gain_per_cost`` for decision;
``value / cost`` first for value).
``staged=True`` asks history first, then examination, then tests, each stage
in the order of ``by``.

All answers are scored in one batch (:mod:`crampnet.reasoning._decision`):
one row per answer of each candidate (at most 221 on the shipped network),
the answer entered as evidence, so a row's probability of evidence is
``P(q | e)`` and its posteriors are ``P(C_i | e, q)``. :func:`collect_answers`
scores them and :func:`rank_questions` ranks them (both, with
:func:`ranked_rows`, from :mod:`crampnet.reasoning._question_table`; the
costs from :mod:`crampnet.reasoning._question_costs`).

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.questions import next_questions
>>> model = crampnet.load()
>>> table = next_questions(model, {"muscle_cramps": True}, n=3)
>>> list(table.columns)
['label', 'kind', 'information_gain', 'cost', 'gain_per_cost', 'about', 'decision', 'leader_change', 'threshold_change', 'risk_shift', 'value', 'value_lead', 'value_threshold']
>>> bool((table["information_gain"] >= 0).all()), "muscle_cramps" in table.index
(True, False)
>>> dvt = next_questions(model, {"muscle_cramps": True}, n=2, about=["deep_vein_thrombosis"])
>>> set(dvt["about"])
{'deep_vein_thrombosis'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from crampnet.network.evidence import resolve_id
from crampnet.reasoning._decision import BY, check_about, check_by, collect, gains
from crampnet.reasoning._flag_args import check_threshold
from crampnet.reasoning._id_lists import id_items
from crampnet.reasoning._question_costs import ABI, COSTS, EXAMINATION, LABS, cost_of
from crampnet.reasoning._question_order import STAGES as STAGES
from crampnet.reasoning._question_table import COLUMNS, collect_answers, rank_questions, ranked_rows

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = [
    "ABI", "BY", "COLUMNS", "COSTS", "EXAMINATION", "LABS", "collect_answers", "cost_of", "information_gain", "next_questions", "rank_questions", "ranked_rows",
]  # fmt: skip


def information_gain(model: BaseModel, evidence: Mapping[str, object] | None, candidates: str | Iterable[str] | None = None) -> pd.DataFrame:
    """``I(C_i ; Q | e)`` in bits for every condition ``C_i`` and candidate ``Q``.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : mapping or None
        One case, as for :meth:`crampnet.Model.posteriors`.
    candidates : str or list of str, optional
        Node ids (or aliases) to score, each once; one string is one node
        (default: every unobserved finding and context node). Observed
        nodes are never candidates.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, one column per condition.

    Raises
    ------
    UnknownNodeError
        If a candidate is no node id or alias ("Did you mean ...?").
    EvidenceTypeError
        If ``candidates`` is not a string, an iterable of strings or None.
    ImpossibleEvidenceError
        If the evidence has probability zero.
    """
    import pandas as pd

    answers = collect(model, evidence, None if candidates is None else _candidate_ids(model, candidates))
    return pd.DataFrame(gains(answers), index=pd.Index(list(answers.candidates), name="question"), columns=list(answers.conditions))


def _candidate_ids(model: BaseModel, candidates: object) -> list[str]:
    """The node ids ``candidates`` names, each once in the order given, or an error naming the argument.

    Parameters
    ----------
    model : BaseModel
        The model whose nodes ``candidates`` names.
    candidates : object
        What the caller gave: one id or alias, or an iterable of them.

    Returns
    -------
    list of str
        The ids, aliases resolved, a repeated one kept at its first place.

    Raises
    ------
    EvidenceTypeError
        If ``candidates`` is a mapping or not iterable (a number, a 0-d
        array), or holds an item that is not a string.
    UnknownNodeError
        If an item is no node id or alias ("Did you mean ...?").
    """
    names = id_items(candidates, "candidates", "information_gain")
    return list(dict.fromkeys(resolve_id(model.spec, name, "the 'candidates' argument of information_gain") for name in names))


def next_questions(
    model: BaseModel,
    evidence: Mapping[str, object] | None,
    n: int | None = 10,
    *,
    by: str = "decision",
    about: str | Iterable[str] | None = None,
    cost_aware: bool = False,
    costs: Mapping[str, float] | None = None,
    staged: bool = False,
    threshold: float | None = None,
) -> pd.DataFrame:
    """Rank the unobserved findings and context nodes: what the answer can change, or tell.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : mapping or None
        One case, as for :meth:`crampnet.Model.posteriors`.
    n : int or None, default=10
        How many rows to return (None: all); any integer type, numpy's too.
    by : {'decision', 'information', 'value'}, default='decision'
        Sort by ``decision`` (at two decimals), then ``information_gain``; by
        ``information_gain`` alone; or by ``value`` (at four decimals), then
        as ``'decision'``. See the module docstring.
    about : str or list of str, optional
        Condition ids (or aliases) to focus on; every measure counts only them.
    cost_aware : bool, default=False
        Rank by the measure per unit cost.
    costs : mapping of str to float, optional
        Costs that override the defaults for some node ids (or aliases).
    staged : bool, default=False
        History first, then examination, laboratory tests, the ABI.
    threshold : float or None, default=None
        As :func:`crampnet.diagnose`'s: the thresholds whose crossings count (and the values weigh) are its red flags'.

    Returns
    -------
    pandas.DataFrame
        Indexed by node id, best first, columns ``label``, ``kind`` (history,
        examination, lab, abi), ``information_gain`` (bits), ``cost``,
        ``gain_per_cost``, ``about`` (the condition the question is about, as the module docstring says for each order),
        ``decision``, ``leader_change``, ``threshold_change``,
        ``risk_shift``, ``value``, ``value_lead`` and ``value_threshold``
        (defined in the module docstring). Last ties are broken by cost, then network order. ``attrs["left_out"]``: the tests left out as not indicated on the evidence, each with why
        (a D-dimer in pregnancy, RCOG Green-top 37b: :func:`~crampnet.reasoning._collect.not_indicated`).

    Raises
    ------
    InvalidValueError
        If ``n`` is negative, ``by`` unknown, ``about`` empty, a cost not a
        positive number or ``threshold`` neither None nor in (0, 1].
    UnknownNodeError
        If a key of ``costs`` is not a node, or ``about`` names no condition
        ("Did you mean ...?").
    ImpossibleEvidenceError
        If the evidence has probability zero.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.reasoning.questions import next_questions
    >>> model = crampnet.load()
    >>> table = next_questions(model, {"muscle_cramps": True}, n=None, by="information")
    >>> bool(table["information_gain"].is_monotonic_decreasing and (table["information_gain"] >= 0).all())
    True
    >>> worth = next_questions(model, {"muscle_cramps": True}, n=None, by="value")
    >>> bool(worth["value"].round(4).is_monotonic_decreasing and (worth["value"] >= 0).all())
    True
    """
    check_by(by, cost_aware=cost_aware, staged=staged)
    focus = check_about(model, about)  # before the batch: a typo costs nothing
    answers = collect_answers(model, evidence, threshold=None if threshold is None else check_threshold(threshold))
    return rank_questions(model, answers, n, by=by, about=focus or None, cost_aware=cost_aware, costs=costs, staged=staged)

