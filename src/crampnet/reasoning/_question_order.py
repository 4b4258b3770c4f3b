"""How the scored questions are put in order: each candidate's row of measures, and the keys that sort them.

:func:`crampnet.reasoning.questions.rank_questions` and
:func:`~crampnet.reasoning.questions.ranked_rows` build their rows here
(the module docstring of :mod:`crampnet.reasoning.questions` defines the
measures and the orders); :data:`STAGES` is the order of ``staged=True``.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.questions import collect_answers, cost_of
>>> model = crampnet.load()
>>> answers = collect_answers(model, {"muscle_cramps": True}, ["ferritin", "urge_to_move"])
>>> rows, positions = question_rows(model, answers, None, staged=True, kinds=[cost_of(q) for q in answers.candidates])
>>> [answers.candidates[i] for i in positions]   # history before the laboratory test
['urge_to_move', 'ferritin']
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

import numpy as np

from crampnet.exceptions import EvidenceTypeError, InvalidValueError
from crampnet.network.evidence import resolve_id, show
from crampnet.reasoning._decision import (
    GAIN_DECIMALS,
    Answers,
    check_about,
    check_by,
    deciders,
    decisions,
    gains,
)
from crampnet.reasoning._value import VALUE_DECIMALS, assess, slopes
from crampnet.reasoning.ranking import DECIMALS

if TYPE_CHECKING:
    from crampnet.base import BaseModel

# GAIN_DECIMALS (the gain's decimals in the sort key) is defined beside deciders, which compares gains at it too.

__all__ = ["GAIN_DECIMALS", "STAGES", "check_n", "given_costs", "measure_rows", "order", "question_rows"]

#: Stages of ``staged=True``, first asked first.
STAGES = ("history", "examination", "lab", "abi")


def question_rows(
    model: BaseModel,
    answers: Answers,
    n: int | None,
    *,
    by: str = "decision",
    about: str | Iterable[str] | None = None,
    cost_aware: bool = False,
    costs: Mapping[str, float] | None = None,
    staged: bool = False,
    kinds: list[tuple[str, float]],
) -> tuple[list[dict[str, object]], np.ndarray]:
    """Every candidate's row (in candidate order) and the positions that rank them, best first.

    ``kinds`` gives each candidate's kind and default cost, in candidate
    order (:func:`crampnet.reasoning.questions.cost_of`).

    The order: by stage first when ``staged``; then, by ``"value"``, the
    value (to :data:`~crampnet.reasoning._value.VALUE_DECIMALS` decimals);
    by ``"decision"`` or ``"value"``, the decision measure (to
    :data:`~crampnet.reasoning.ranking.DECIMALS`); then the information
    gain; then the cheaper (each measure per unit cost if ``cost_aware``).

    Parameters
    ----------
    model : BaseModel
        The model.
    answers : Answers
        As :func:`crampnet.reasoning._decision.collect` returns.
    n : int or None
        Checked only (a non-negative int, or None); every row is returned.
    by : str, optional
        The order: "decision" (the default), "information" or "value".
    about : str, Iterable of str or None, optional
        The conditions that count (:func:`~crampnet.reasoning._decision.check_about`);
        None for all.
    cost_aware : bool, optional
        Whether to rank by measure per unit cost.
    costs : Mapping of str to float or None, optional
        Costs that replace the default ones, by node id or alias.
    staged : bool, optional
        Whether history comes first, then examination, then tests.
    kinds : list of tuple of (str, float)
        Per candidate, its kind and default cost.

    Returns
    -------
    rows : list of dict of str to object
        One dict per candidate: ``label``, ``kind``, ``information_gain``,
        ``cost``, ``gain_per_cost``, ``about``, the decision measures
        (``leader_change``, ``threshold_change``, ``decision``,
        ``risk_shift``) and the values (``value_lead``,
        ``value_threshold``, ``value``).
    positions : numpy.ndarray
        Int array: the indices of ``rows``, best first.

    Raises
    ------
    InvalidValueError
        For a bad ``n``, ``by``, ``about`` or cost.
    EvidenceTypeError
        For a ``cost_aware``, ``staged``, ``about`` or ``costs`` of the
        wrong type.
    UnknownNodeError
        For a name in ``about`` that is not a condition, or a key of
        ``costs`` that is not a node.
    """
    check_n(n)
    check_by(by, cost_aware=cost_aware, staged=staged)
    rows = measure_rows(model, answers, by=by, about=about, costs=costs, kinds=kinds)
    return rows, order(rows, by=by, cost_aware=cost_aware, staged=staged)


def check_n(n: object) -> None:
    """Refuse an ``n`` of ``next_questions`` that is not a non-negative int or None.

    Parameters
    ----------
    n : object
        The ``n`` argument (how many rows).

    Raises
    ------
    InvalidValueError
        For a bool, a negative int or anything but an int or None.
    """
    if n is not None and (isinstance(n, bool | np.bool_) or not isinstance(n, numbers.Integral) or n < 0):
        msg = f"The 'n' argument of next_questions must be a non-negative int or None. Got {show(n)} ({type(n).__name__}) instead."
        raise InvalidValueError(msg)


def measure_rows(
    model: BaseModel, answers: Answers, *, by: str = "decision", about: str | Iterable[str] | None = None, costs: Mapping[str, float] | None = None, kinds: list[tuple[str, float]],
) -> list[dict[str, object]]:  # fmt: skip
    """Every candidate's row of :func:`question_rows`, in candidate order, without the order: the costly part, shared by every order of the same ``by``.

    ``by`` is checked already (:func:`~crampnet.reasoning._decision.check_by`); it decides only
    the ``about`` column. ``cost_aware`` and ``staged`` change the order alone (:func:`order`),
    so the report's two tables (:mod:`crampnet.reasoning.report`) rank one list of rows twice.

    The ``about`` column, ranked by decision (the default): a question is about the condition
    whose probability it informs most among those whose decision one of its answers would change
    (the leading condition it could displace, the one that could take the lead, or a must-not-miss
    condition it could move across a threshold or whose finding-rule flag it could change;
    :func:`~crampnet.reasoning._decision.deciders`); ranked by value, the one with most of its
    value; otherwise, or if it changes no decision (has no value), the one it informs most.

    Parameters
    ----------
    model : BaseModel
        The model.
    answers : Answers
        As :func:`crampnet.reasoning._decision.collect` returns.
    by : str, optional
        The order the ``about`` column follows: "decision" (the default), "information" or "value".
    about : str, Iterable of str or None, optional
        The conditions that count; None for all.
    costs : Mapping of str to float or None, optional
        Costs that replace the default ones, by node id or alias.
    kinds : list of tuple of (str, float)
        Per candidate, its kind and default cost.

    Returns
    -------
    list of dict of str to object
        One dict per candidate, as :func:`question_rows` returns them.

    Raises
    ------
    InvalidValueError
        For a bad ``about`` or cost.
    EvidenceTypeError
        For an ``about`` or ``costs`` of the wrong type.
    UnknownNodeError
        For a name in ``about`` that is not a condition, or a key of ``costs`` that is not a node.
    """
    focus = check_about(model, about) or list(answers.conditions)
    given = given_costs(model, costs)
    cols = [answers.conditions.index(c) for c in focus]
    info = gains(answers)[:, cols]
    # Under a threshold given, T is it for every condition and K = 1 (its threshold alone is known, _value): a
    # condition's own K belongs with its own T, which the red flags at that threshold do not read.
    worth, owners = assess(answers, focus, answers.thresholds, slopes(model) if answers.given is None else {})
    measures = decisions(answers, focus, answers.thresholds, answers.treatments) | worth
    decider = deciders(answers, focus, answers.thresholds, answers.treatments) if by == "decision" else owners if by == "value" else []
    rows: list[dict[str, object]] = []
    for i, q in enumerate(answers.candidates):
        kind, cost = kinds[i]
        cost = given.get(q, cost)
        total = max(round(float(info[i].sum()), GAIN_DECIMALS), 0.0) + 0.0  # + 0.0: no -0.0
        # Ranked by decision, a question is about the condition it informs most among those whose decision
        # it can change (a displaced or new leader, a must-not-miss threshold or flag: deciders); by value,
        # the one with most of its value; otherwise, or if it changes none (has no value), what it informs most.
        about_q = (decider[i] if decider else "") or (focus[int(np.argmax(info[i]))] if total > 0 else "")
        row = {"label": model.spec.nodes[q].label, "kind": kind, "information_gain": total, "cost": cost, "gain_per_cost": total / cost, "about": about_q}
        rows.append(row | {k: float(v[i]) for k, v in measures.items()})
    return rows


def order(rows: list[dict[str, object]], *, by: str = "decision", cost_aware: bool = False, staged: bool = False) -> np.ndarray:
    """The positions that rank ``rows`` (:func:`measure_rows`), best first, as :func:`question_rows` orders them.

    Parameters
    ----------
    rows : list of dict of str to object
        The candidates' rows, in candidate order.
    by : str, optional
        The order: "decision" (the default), "information" or "value".
    cost_aware : bool, optional
        Whether to rank by measure per unit cost.
    staged : bool, optional
        Whether history comes first, then examination, then tests.

    Returns
    -------
    numpy.ndarray
        Int array: the indices of ``rows``, best first.
    """
    if not rows:
        return np.zeros(0, dtype=np.intp)
    price = np.array([row["cost"] for row in rows], dtype=float)
    per = price if cost_aware else np.ones(len(rows))
    keys: list[np.ndarray] = [price, -np.round(np.array([row["information_gain"] for row in rows], dtype=float) / per, GAIN_DECIMALS)]  # np.lexsort: last key first
    if by in ("decision", "value"):
        keys.append(-np.round(np.array([row["decision"] for row in rows], dtype=float) / per, DECIMALS))
    if by == "value":
        keys.append(-np.round(np.array([row["value"] for row in rows], dtype=float) / per, VALUE_DECIMALS))
    if staged:
        keys.append(np.array([STAGES.index(k) if k in STAGES else 0 for k in (row["kind"] for row in rows)]))
    positions: np.ndarray = np.lexsort(keys)
    return positions


def _positive_finite(value: object) -> bool:
    """Whether ``value`` is a real number (not a bool), above 0 and finite as a float.

    An int is compared as it is (float() of one too large raises
    OverflowError); any other real is made a float first, so that a numpy
    float32 infinity is not compared with the largest float64 cast to
    float32 (itself an infinity, with a RuntimeWarning).

    Parameters
    ----------
    value : object
        A cost as given.

    Returns
    -------
    bool
        True for a positive number that is finite as a float.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        return False
    if isinstance(value, numbers.Integral):
        return 0 < cast("int", value) <= sys.float_info.max
    try:
        with np.errstate(over="ignore"):  # a longdouble beyond float64 reads as inf, refused
            number = float(value)
    except OverflowError:  # a Fraction too large
        return False
    return 0.0 < number and math.isfinite(number)


def given_costs(model: BaseModel, costs: Mapping[str, float] | None) -> dict[str, float]:
    """``costs`` by node id (aliases resolved), each a finite positive number, or an error naming it.

    Parameters
    ----------
    model : BaseModel
        The model whose node ids the keys name.
    costs : Mapping of str to float or None
        Node id (or alias) to cost; None for none.

    Returns
    -------
    dict of str to float
        Node id to cost as a float; empty for None.

    Raises
    ------
    EvidenceTypeError
        If ``costs`` is not a mapping.
    UnknownNodeError
        For a key that is not a node.
    InvalidValueError
        For a cost that is not a real number in (0, largest float] (a
        bool is refused), a node given two costs (an alias and its id), or a
        condition (never asked, so its cost would be ignored).
    """
    if costs is None:
        return {}
    if not isinstance(costs, Mapping):
        msg = f"The 'costs' argument of next_questions must be a mapping of node id to cost. Got {show(costs)} ({type(costs).__name__}) instead."
        raise EvidenceTypeError(msg)
    out: dict[str, float] = {}
    keys: dict[str, object] = {}  # node id -> the key that gave its cost
    for key, value in costs.items():
        nid = resolve_id(model.spec, key, "the 'costs' argument")
        if nid in keys:  # an alias and its id: one of the two costs would be dropped
            msg = f"Costs: {show(keys[nid])} and {show(key)} both name {nid}; give it one cost."
            raise InvalidValueError(msg)
        if nid in model.conditions:
            msg = f"Costs: {show(key)} is {'the condition ' + nid if key != nid else 'a condition'}, which is never asked, so its cost would be ignored; give costs for questions (findings and context)."
            raise InvalidValueError(msg)
        keys[nid] = key
        if not _positive_finite(value):
            msg = f"Costs must be positive finite numbers. Got {show(value)} for {key!r}."
            raise InvalidValueError(msg)
        out[nid] = float(value)
    return out
