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
  must-not-miss condition (:mod:`crampnet.reasoning._value`; the 1:1 weight
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

import numbers
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

import numpy as np

from crampnet.exceptions import EvidenceTypeError, InvalidValueError
from crampnet.network.evidence import resolve_id, show
from crampnet.reasoning._decision import (
    BY,
    Answers,
    check_about,
    check_by,
    collect,
    deciders,
    decisions,
    gains,
)
from crampnet.reasoning._value import VALUE_DECIMALS, assess, slopes
from crampnet.reasoning.ranking import DECIMALS

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = [
    "ABI", "BY", "COLUMNS", "COSTS", "EXAMINATION", "LABS", "collect_answers", "cost_of",
    "information_gain", "next_questions", "rank_questions", "ranked_rows",
]  # fmt: skip

#: The columns of :func:`next_questions`, in order.
COLUMNS = [
    "label", "kind", "information_gain", "cost", "gain_per_cost", "about", "decision", "leader_change", "threshold_change", "risk_shift",
    "value", "value_lead", "value_threshold",
]  # fmt: skip
#: Stages of ``staged=True``, first asked first.
STAGES = ("history", "examination", "lab", "abi")

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


def collect_answers(model: BaseModel, evidence: Mapping[str, object] | None, candidates: list[str] | None = None) -> Answers:
    """Score every answer of every candidate once (:func:`~crampnet.reasoning._decision.collect`), history and examination answers also against the finding rules.

    Tests count by the thresholds only: the one rule a result can fire (a raised D-dimer) presumes the test was indicated, which the thresholds decide.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> answers = collect_answers(model, {"muscle_cramps": True, "fasciculations": True}, ["weakness", "d_dimer"])
    >>> [bool(answers.flag_change[list(answers.rows(i))].any()) for i in range(2)]  # weakness can raise the MND rule
    [True, False]
    """
    clinical = [nid for nid in model.spec.nodes if cost_of(nid)[0] in ("history", "examination")]
    return collect(model, evidence, candidates, ruled=clinical)


def cost_of(nid: str) -> tuple[str, float]:
    """The kind (history, examination, lab, abi) and cost of asking about ``nid``.

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

    Returns
    -------
    pandas.DataFrame
        Indexed by node id, best first, columns ``label``, ``kind`` (history,
        examination, lab, abi), ``information_gain`` (bits), ``cost``,
        ``gain_per_cost``, ``about`` (the condition the answer informs most),
        ``decision``, ``leader_change``, ``threshold_change``,
        ``risk_shift``, ``value``, ``value_lead`` and ``value_threshold``
        (defined in the module docstring). Last ties are broken by cost, then
        network order.

    Raises
    ------
    InvalidValueError
        If ``n`` is negative, ``by`` unknown, ``about`` empty or a cost not a
        positive number.
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
    >>> bool(table["information_gain"].is_monotonic_decreasing)
    True
    >>> worth = next_questions(model, {"muscle_cramps": True}, n=None, by="value")
    >>> bool(worth["value"].round(4).is_monotonic_decreasing and (worth["value"] >= 0).all())
    True
    """
    check_by(by, cost_aware=cost_aware, staged=staged)
    focus = check_about(model, about)  # before the batch: a typo costs nothing
    return rank_questions(model, collect_answers(model, evidence), n, by=by, about=focus or None, cost_aware=cost_aware, costs=costs, staged=staged)


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
    """Rank the answers :func:`collect_answers` scored, as :func:`next_questions` does."""
    import pandas as pd

    rows, positions = _rows(model, answers, n, by=by, about=about, cost_aware=cost_aware, costs=costs, staged=staged)
    frame = pd.DataFrame(rows, index=pd.Index(list(answers.candidates), name="question"), columns=COLUMNS)
    if not len(frame):
        return frame
    frame = frame.iloc[positions]
    return frame if n is None else frame.iloc[: int(n)]


def ranked_rows(model: BaseModel, answers: Answers, n: int | None = 10, *, by: str = "decision", cost_aware: bool = False, staged: bool = False) -> list[tuple[str, dict[str, object]]]:
    """The first ``n`` rows of :func:`rank_questions` (in the order ``by``, or ``cost_aware``, ``staged``), as ``(question, row)`` pairs, without pandas.

    Each row maps the :data:`COLUMNS` to their values, as the table holds them.

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
    rows, positions = _rows(model, answers, n, by=by, cost_aware=cost_aware, staged=staged)
    chosen = positions if n is None else positions[: int(n)]
    return [(answers.candidates[i], {c: rows[i][c] for c in COLUMNS}) for i in chosen.tolist()]


def _rows(
    model: BaseModel,
    answers: Answers,
    n: int | None,
    *,
    by: str = "decision",
    about: str | Iterable[str] | None = None,
    cost_aware: bool = False,
    costs: Mapping[str, float] | None = None,
    staged: bool = False,
) -> tuple[list[dict[str, object]], np.ndarray]:
    """Every candidate's row (in candidate order) and the positions that rank them, best first."""
    if n is not None and (isinstance(n, bool | np.bool_) or not isinstance(n, numbers.Integral) or n < 0):
        msg = f"The 'n' argument of next_questions must be a non-negative int or None. Got {show(n)} ({type(n).__name__}) instead."
        raise InvalidValueError(msg)
    check_by(by, cost_aware=cost_aware, staged=staged)
    focus = check_about(model, about) or list(answers.conditions)
    given = _costs(model, costs)
    cols = [answers.conditions.index(c) for c in focus]
    info = gains(answers)[:, cols]
    worth, owners = assess(answers, focus, answers.thresholds, slopes(model))
    measures = decisions(answers, focus, answers.thresholds, answers.treatments) | worth
    decider = deciders(answers, focus, answers.thresholds, answers.treatments) if by == "decision" else owners if by == "value" else []
    rows: list[dict[str, object]] = []
    for i, q in enumerate(answers.candidates):
        kind, cost = cost_of(q)
        cost = given.get(q, cost)
        total = float(info[i].sum())
        # Ranked by decision, a question is about the condition whose decision it can change (a
        # must-not-miss threshold, a new leader); by value, the one with most of its value; otherwise,
        # or if it changes none (has no value), what it informs most.
        about_q = (decider[i] if decider else "") or (focus[int(np.argmax(info[i]))] if total > 0 else "")
        row = {"label": model.spec.nodes[q].label, "kind": kind, "information_gain": total, "cost": cost, "gain_per_cost": total / cost, "about": about_q}
        rows.append(row | {k: float(v[i]) for k, v in measures.items()})
    if not rows:
        return rows, np.zeros(0, dtype=np.intp)
    price = np.array([row["cost"] for row in rows], dtype=float)
    per = price if cost_aware else np.ones(len(rows))
    keys: list[np.ndarray] = [price, -np.array([row["information_gain"] for row in rows], dtype=float) / per]  # np.lexsort: last key first
    if by in ("decision", "value"):
        keys.append(-np.round(np.array([row["decision"] for row in rows], dtype=float) / per, DECIMALS))
    if by == "value":
        keys.append(-np.round(np.array([row["value"] for row in rows], dtype=float) / per, VALUE_DECIMALS))
    if staged:
        keys.append(np.array([STAGES.index(k) if k in STAGES else 0 for k in (row["kind"] for row in rows)]))
    positions: np.ndarray = np.lexsort(keys)
    return rows, positions


def _costs(model: BaseModel, costs: Mapping[str, float] | None) -> dict[str, float]:
    """``costs`` by node id (aliases resolved), each a finite positive number, or an error naming it."""
    if costs is None:
        return {}
    if not isinstance(costs, Mapping):
        msg = f"The 'costs' argument of next_questions must be a mapping of node id to cost. Got {show(costs)} ({type(costs).__name__}) instead."
        raise EvidenceTypeError(msg)
    out: dict[str, float] = {}
    for key, value in costs.items():
        nid = resolve_id(model.spec, key, "the 'costs' argument")
        # Compared before float(): an int too large for a float must not raise OverflowError.
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real) or not 0 < cast("float", value) <= sys.float_info.max:
            msg = f"Costs must be positive finite numbers. Got {show(value)} for {key!r}."
            raise InvalidValueError(msg)
        out[nid] = float(value)
    return out
