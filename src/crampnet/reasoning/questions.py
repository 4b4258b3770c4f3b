"""The next best question: which unobserved finding or context to ask or test next.

Definition
----------
For a candidate node Q (an unobserved finding or context node) and the
current evidence e, the expected information gain is

    ``IG(Q) = sum_i I(C_i ; Q | e)``  in bits,

the sum over the conditions C_i of the mutual information between C_i
(present/absent) and the answer to Q, given e. Each term is computed exactly
as ``sum_q P(Q=q | e) * KL(P(C_i | e, Q=q) || P(C_i | e))`` with base-2 logs,
so every term, and IG, is non-negative (values within 1e-15 of zero that
rounding makes negative are set to 0).

Why this entropy and not the entropy of the joint of the conditions: the
conditions are not exclusive (a patient can have several), so the joint has
``2**n_conditions`` states, which cannot be enumerated for the shipped
network; the per-condition marginals are exact and cheap. The sum counts
information about two correlated conditions twice (e.g. restless legs
syndrome and periodic limb movements), which favours questions about large
correlated groups; read it as "how much the answer would move the
differential, condition by condition". The condition the answer would
inform most is reported in ``about``.

Costs
-----
``cost`` is 1 for history (symptoms, medications, context), 2 for
examination, 3 for laboratory tests and 4 for the ankle-brachial index, by
the id lists below; a node in none of them (another network's) is history.
``gain_per_cost = information_gain / cost`` ranks with ``cost_aware=True``.

All candidates are scored in one batch (:mod:`crampnet.reasoning._scoring`):
one row per answer of each candidate, the answer entered as evidence, so a
row's probability of evidence is ``P(Q=q | e)`` and its posteriors are
``P(C_i | e, Q=q)``::

    I(C_i ; Q | e) = sum_q P(Q=q | e) KL(P(C_i | e, Q=q) || P(C_i | e))

A finding's answer costs a few Quickscore terms (two for a noisy-OR "yes"
or a noisy-MAX state); the batch has one row per state of each candidate
(at most 221 on the shipped network), where entering a finding through its
parents' configurations would take 2^parents rows.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.questions import next_questions
>>> model = crampnet.load()
>>> table = next_questions(model, {"muscle_cramps": True}, n=3)
>>> list(table.columns)
['label', 'kind', 'information_gain', 'cost', 'gain_per_cost', 'about']
>>> bool((table["information_gain"] >= 0).all()), "muscle_cramps" in table.index
(True, False)
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import numpy as np

from crampnet.exceptions import EvidenceTypeError, ImpossibleEvidenceError, InvalidValueError
from crampnet.network.evidence import resolve_id, show
from crampnet.reasoning._scoring import observe, score, stack

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["ABI", "COSTS", "EXAMINATION", "LABS", "cost_of", "information_gain", "next_questions", "rank_questions"]

#: Physical examination findings (cost 2).
EXAMINATION = (
    "straight_leg_raise", "sensory_loss", "ankle_reflex", "weakness", "fasciculations",
    "pedal_pulses", "femoral_bruit", "varicosities", "edema", "ulcer_or_gangrene",
    "unilateral_calf_swelling", "joint_abnormality", "calf_tenderness", "proximal_weakness",
    "hyperreflexia",
)  # fmt: skip
#: Laboratory tests (cost 3).
LABS = ("ferritin", "potassium", "magnesium", "calcium", "sodium", "tsh", "creatine_kinase")
#: The ankle-brachial index (cost 4): equipment and time.
ABI = ("ankle_brachial_index",)
#: Cost and kind by group; everything else is history (cost 1).
COSTS = {"history": 1.0, "examination": 2.0, "lab": 3.0, "abi": 4.0}


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


def _kl_bits(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    """KL(Bernoulli(p) || Bernoulli(r)) in bits, elementwise (0 log 0 = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0) / np.where(r > 0, r, 1.0)), 0.0)
        q, s = 1.0 - p, 1.0 - r
        b = np.where(q > 0, q * np.log2(np.where(q > 0, q, 1.0) / np.where(s > 0, s, 1.0)), 0.0)
    return a + b


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

    vectors = observe(model, evidence)
    spec = model.spec
    if candidates is None:
        candidates = [nid for nid in spec.nodes if spec.nodes[nid].role != "condition"]
    candidates = [c for c in candidates if c not in vectors]
    conds = model.conditions
    # One row per answer of each candidate, the answer entered as evidence:
    # its probability of evidence is P(Q = q | e) and its posteriors are
    # P(C | Q = q, e). For a finding that costs a few Quickscore terms per
    # answer, where its parents' configurations would cost 2^parents rows.
    rows: list[dict[str, np.ndarray]] = [vectors]
    first = []
    for q in candidates:
        first.append(len(rows))
        card = len(spec.nodes[q].states)
        rows.extend({**vectors, q: np.eye(card)[k]} for k in range(card))
    marg, log_ev = score(model, stack(model, rows), conds, n_rows=len(rows))
    if not np.isfinite(log_ev[0]):
        msg = "The evidence is impossible under the network (probability zero); use model.posteriors(evidence) to see which entries conflict."
        raise ImpossibleEvidenceError(msg, [])
    with np.errstate(invalid="ignore"):
        weight = np.exp(log_ev - log_ev[0])  # P(row's extra evidence | e)
    post = np.nan_to_num(np.column_stack([marg[c][:, spec.nodes[c].states.index("present")] for c in conds]))
    prior = post[0]
    gain = np.zeros((len(candidates), len(conds)))
    for i, (q, start) in enumerate(zip(candidates, first, strict=True)):
        for row in range(start, start + len(spec.nodes[q].states)):
            if weight[row] > 0:  # P(Q = answer | e)
                gain[i] += weight[row] * _kl_bits(np.clip(post[row], 0.0, 1.0), prior)
    gain[(gain < 0) & (gain > -1e-15)] = 0.0
    return pd.DataFrame(gain, index=pd.Index(candidates, name="question"), columns=conds)


def next_questions(model: BaseModel, evidence: Mapping[str, object] | None, n: int | None = 10, *, cost_aware: bool = False, costs: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Rank the unobserved findings and context nodes by expected information gain.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : mapping or None
        One case, as for :meth:`crampnet.Model.posteriors`.
    n : int or None, default=10
        How many rows to return (None: all); any integer type, numpy's too.
    cost_aware : bool, default=False
        Rank by ``gain_per_cost`` instead of ``information_gain``.
    costs : mapping of str to float, optional
        Costs that override the defaults for some node ids (or aliases).

    Returns
    -------
    pandas.DataFrame
        Indexed by node id, best first, columns ``label``, ``kind`` (history,
        examination, lab, abi), ``information_gain`` (bits, see the module
        docstring), ``cost``, ``gain_per_cost`` and ``about`` (the condition
        the answer informs most). Ties are broken by cost, then network order.

    Raises
    ------
    InvalidValueError
        If ``n`` is negative or a cost is not a positive number.
    UnknownNodeError
        If a key of ``costs`` is not a node ("Did you mean ...?").
    """
    return rank_questions(model, information_gain(model, evidence), n, cost_aware=cost_aware, costs=costs)


def rank_questions(model: BaseModel, gains: pd.DataFrame, n: int | None = 10, *, cost_aware: bool = False, costs: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Rank a table of :func:`information_gain` as :func:`next_questions` does."""
    import pandas as pd

    if n is not None and (isinstance(n, bool | np.bool_) or not isinstance(n, numbers.Integral) or n < 0):
        msg = f"The 'n' argument of next_questions must be a non-negative int or None. Got {show(n)} ({type(n).__name__}) instead."
        raise InvalidValueError(msg)
    given = _costs(model, costs)
    table = gains
    rows = []
    for q in table.index:
        kind, cost = cost_of(str(q))
        cost = given.get(str(q), cost)
        per_condition = table.loc[q]
        total = float(per_condition.sum())
        about = str(per_condition.idxmax()) if total > 0 else ""
        rows.append({"label": model.spec.nodes[str(q)].label, "kind": kind, "information_gain": total, "cost": cost, "gain_per_cost": total / cost, "about": about})
    frame = pd.DataFrame(rows, index=pd.Index([str(q) for q in table.index], name="question"), columns=["label", "kind", "information_gain", "cost", "gain_per_cost", "about"])
    key = "gain_per_cost" if cost_aware else "information_gain"
    ordered = np.lexsort((frame["cost"].to_numpy(), -frame[key].to_numpy())) if len(frame) else np.array([], dtype=int)
    frame = frame.iloc[ordered]
    return frame if n is None else frame.iloc[: int(n)]


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
