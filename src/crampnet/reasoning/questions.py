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
condition a question is ``about``: ranked by decision (the default), the one
whose decision its answers would change most often (a must-not-miss
condition across one of its thresholds, or a new leader:
:func:`crampnet.reasoning._decision.deciders`); ranked by value, the one
with the largest share of its value; otherwise, and for a
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
the id lists below; a node in none of them (another network's) is history.
``cost_aware=True`` ranks by the measure per unit cost (``gain_per_cost`` for
information; ``decision / cost`` then ``gain_per_cost`` for decision;
``value / cost`` first for value).
``staged=True`` asks history first, then examination, then tests, each stage
in the order of ``by``.

All answers are scored in one batch (:mod:`crampnet.reasoning._decision`):
one row per answer of each candidate (at most 221 on the shipped network),
the answer entered as evidence, so a row's probability of evidence is
``P(q | e)`` and its posteriors are ``P(C_i | e, q)``.

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

from crampnet.reasoning._decision import BY, Answers, check_about, check_by, collect, gains
from crampnet.reasoning._flag_args import check_threshold
from crampnet.reasoning._question_order import STAGES as STAGES
from crampnet.reasoning._question_order import question_rows

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = [
    "ABI", "BY", "COLUMNS", "COSTS", "EXAMINATION", "LABS", "collect_answers", "cost_of", "information_gain", "next_questions", "rank_questions", "ranked_rows",
]  # fmt: skip

#: The columns of :func:`next_questions`, in order.
COLUMNS = [
    "label", "kind", "information_gain", "cost", "gain_per_cost", "about", "decision", "leader_change", "threshold_change", "risk_shift",
    "value", "value_lead", "value_threshold",
]  # fmt: skip

#: Physical examination findings (cost 2).
EXAMINATION = (
    "straight_leg_raise", "sensory_loss", "ankle_reflex", "weakness", "fasciculations",
    "pedal_pulses", "femoral_bruit", "varicosities", "edema", "ulcer_or_gangrene",
    "unilateral_calf_swelling", "joint_abnormality", "calf_tenderness", "proximal_weakness",
    "hyperreflexia", "cold_pale_limb", "leg_redness_warmth", "knee_reflex", "muscle_atrophy", "tetany",
)  # fmt: skip
#: Laboratory tests (cost 3).
LABS = ("ferritin", "potassium", "magnesium", "calcium", "sodium", "tsh", "creatine_kinase", "d_dimer")
#: The ankle-brachial index (cost 4): equipment and time.
ABI = ("ankle_brachial_index",)
#: Cost and kind by group; everything else is history (cost 1).
COSTS = {"history": 1.0, "examination": 2.0, "lab": 3.0, "abi": 4.0}


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


def cost_of(nid: str) -> tuple[str, float]:
    """The kind (history, examination, lab, abi) and cost of asking about ``nid``.

    Parameters
    ----------
    nid : str
        A node id (not an alias).

    Returns
    -------
    tuple of (str, float)
        ``("examination", 2.0)`` for a node of :data:`EXAMINATION`, ``("lab", 3.0)`` for one of :data:`LABS`,
        ``("abi", 4.0)`` for one of :data:`ABI`, and ``("history", 1.0)`` for any other (the costs of :data:`COSTS`).

    Examples
    --------
    >>> from crampnet.reasoning.questions import cost_of
    >>> cost_of("ferritin"), cost_of("urge_to_move")
    (('lab', 3.0), ('history', 1.0))
    """
    kind = "examination" if nid in EXAMINATION else "lab" if nid in LABS else "abi" if nid in ABI else "history"
    return kind, COSTS[kind]


def information_gain(model: BaseModel, evidence: Mapping[str, object] | None, candidates: list[str] | None = None) -> pd.DataFrame:
    """``I(C_i ; Q | e)`` in bits for every condition ``C_i`` and candidate ``Q``.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : mapping or None
        One case, as for :meth:`crampnet.Model.posteriors`.
    candidates : list of str, optional
        Node ids to score (default: every unobserved finding and context node).
        Observed nodes are never candidates.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, one column per condition.

    Raises
    ------
    ImpossibleEvidenceError
        If the evidence has probability zero.
    """
    import pandas as pd

    answers = collect(model, evidence, candidates)
    return pd.DataFrame(gains(answers), index=pd.Index(list(answers.candidates), name="question"), columns=list(answers.conditions))


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
        ``gain_per_cost``, ``about`` (the condition the answer informs most),
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
    rows, positions = question_rows(model, answers, n, by=by, cost_aware=cost_aware, staged=staged, kinds=[cost_of(q) for q in answers.candidates])
    chosen = positions if n is None else positions[: int(n)]
    return [(answers.candidates[i], {c: rows[i][c] for c in COLUMNS}) for i in chosen.tolist()]
