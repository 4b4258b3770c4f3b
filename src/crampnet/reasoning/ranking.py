r"""Rank the differential: by posterior, or counterfactually (Richens et al. 2020).

Ranking by posterior puts first the condition most likely to be present. A
patient can have several conditions at once, and nocturnal leg cramps are
common in everyone, so the most probable condition is not always the one
that explains the complaint. Richens, Lee and Johri (*Improving the accuracy
of medical diagnosis with causal machine learning*, Nat Commun 2020;11:3923)
rank instead by counterfactual questions about the findings a condition
causes. crampnet computes both of their measures exactly.

Setting
-------
Findings are leaves. A finding S modelled as a leaky noisy-OR is, in the
twin network, ``S = L or OR_j (X_j active and U_j)``: ``L`` is the leak
(probability ``1 - lambda_L``), and each parent ``X_j`` in a linked state
turns S on through its own independent ``U_j`` (probability
``1 - lambda_jS``, the link); the ``lambda`` are inhibitor probabilities.
``E`` is the evidence, ``S+`` the findings of noisy-OR model observed in
their positive state (hard evidence), and ``E \ S`` the evidence without S.

Expected disablement
    ``E_dis(D_k) = sum_{S in S+} P(S would be off | E, do(D_k = absent))``:
    the expected number of positive findings that would go away if D_k alone
    were cured. For noisy-OR findings it has the closed form

    .. math::

        E_{dis}(D_k) = \sum_{S \in S^+} \Big(\frac{1}{\lambda_{kS}} - 1\Big)
            \, P(D_k{=}T \mid E \setminus S, S{=}F)
            \, \frac{P(S{=}F \mid E \setminus S)}{P(S{=}T \mid E \setminus S)}

    Derivation: ``S`` on and its twin off happen exactly when D_k is present,
    ``U_k`` fires and every other cause and the leak fail, so given the
    parents ``pa``, ``P(S=T, S*=F | pa) = [D_k=T] (1 - lambda_kS) /
    lambda_kS * P(S=F | pa)``. S is a leaf whose noise is independent of the
    rest given ``pa``; summing over everything else gives
    ``(1/lambda_kS - 1) P(D_k=T, S=F, E \ S) / P(E)``, which is the formula.
    Each positive finding costs one row of the batch (S flipped to off) and
    the row answers for every condition at once. When ``lambda_kS = 0`` (a
    link of 1) the formula is 0/0; the term is then computed exactly from the
    joint of S's parents (one row per configuration of its unobserved parents):
    ``sum_pa P(pa, E \ S) [P(S=F | pa, D_k:=absent) - P(S=F | pa)] / P(E)``.

Expected sufficiency
    ``E_suff(D_k) = sum_{S in S+} P(S would stay on | E, do(other conditions
    = absent))``: the expected number of positive findings D_k would still
    produce alone (with the leak and the context causes left as they are).
    As the twin of S can only lose causes, ``P(S*=T | pa) = 1 - Lambda_c
    lambda_kS^[D_k=T]``, where ``Lambda_c = lambda_L * prod(context
    inhibitors)``, and

    .. math::

        E_{suff}(D_k) = \sum_{S \in S^+} \sum_c
            \frac{P(c, E \setminus S)}{P(E)} \Big[1 - \Lambda_c \big(1 -
            (1 - \lambda_{kS}) P(D_k{=}T \mid c, E \setminus S)\big)\Big]

    over the configurations ``c`` of S's context parents that are not
    observed (usually none, so one row per positive finding).

Both measures count the direct effect of D_k on the findings: other
conditions, including D_k's condition children (periodic limb movements
under restless legs syndrome), are held at their factual states. In the
networks of Richens et al. diseases have no disease parents and the two
readings coincide. Findings of other models (logistic, table, noisy-MAX,
mixture) or observed by soft evidence have no counterfactual semantics in the
file and are not counted; links from a condition's ``absent`` state are not
supported.

The differential (:func:`order`) sorts by one measure, compared at two
decimals (the precision the report prints), then by posterior.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.ranking import counterfactual_scores, order
>>> model = crampnet.load()
>>> rls = {"urge_to_move": True, "uncomfortable_sensations": True, "worse_at_rest": True,
...        "relief_by_movement": True, "worse_evening": True}
>>> scores = counterfactual_scores(model, rls)
>>> list(scores.columns)
['posterior', 'disablement', 'sufficiency']
>>> order(scores, "counterfactual")[0]
'restless_legs_syndrome'
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import ImpossibleEvidenceError, InvalidValueError
from crampnet.network.spec import NoisyOr
from crampnet.reasoning._scoring import hard_state, observe, score, stack

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["DECIMALS", "RANKINGS", "counterfactual_scores", "order"]

#: The orders :func:`order` knows. ``counterfactual`` is expected disablement.
RANKINGS = ("counterfactual", "disablement", "sufficiency", "posterior")
#: Expected numbers of findings are compared after rounding to this many decimals.
DECIMALS = 2


@dataclass
class _Plan:
    """Rows of the batch and what each positive finding needs from them."""

    rows: list[dict[str, np.ndarray]]
    off: dict[str, int]  # finding -> row with S flipped off
    context: dict[str, list[tuple[int, float]]]  # finding -> (row, Lambda_c) per context configuration
    family: dict[str, list[tuple[int, dict[str, str]]]]  # finding -> (row, parent states), for links of 1


def _inhibition(cpd: NoisyOr, states: Mapping[str, str], skip: frozenset[str] = frozenset()) -> float:
    """P(S off | parents in ``states``), ignoring the links of parents in ``skip``."""
    value = 1.0 - cpd.leak.value
    for link in cpd.links:
        if link.parent not in skip and states.get(link.parent) == link.state:
            value *= 1.0 - link.param.value
    return value


def _link(cpd: NoisyOr, condition: str) -> float:
    """The link from ``condition`` = present (0 when there is none)."""
    return next((link.param.value for link in cpd.links if link.parent == condition and link.state == "present"), 0.0)


def _configurations(model: BaseModel, nodes: list[str], base: dict[str, np.ndarray]) -> list[tuple[dict[str, np.ndarray], dict[str, str]]]:
    """Rows ``base`` extended by every joint state of ``nodes`` (soft evidence kept)."""
    out = []
    for combo in itertools.product(*(model.spec.nodes[n].states for n in nodes)):
        row = dict(base)
        for nid, state in zip(nodes, combo, strict=True):
            states = model.spec.nodes[nid].states
            ind = np.zeros(len(states))
            ind[states.index(state)] = 1.0
            row[nid] = row[nid] * ind if nid in row else ind
        out.append((row, dict(zip(nodes, combo, strict=True))))
    return out


def _plan(model: BaseModel, vectors: dict[str, np.ndarray], positives: dict[str, NoisyOr], hard: dict[str, str]) -> _Plan:
    plan = _Plan([vectors], {}, {}, {})
    spec = model.spec
    for finding, cpd in positives.items():
        minus = {k: v for k, v in vectors.items() if k != finding}
        node = spec.nodes[finding]
        negative = np.array([0.0 if s == cpd.positive else 1.0 for s in node.states])
        plan.off[finding] = len(plan.rows)
        plan.rows.append({**minus, finding: negative})
        context = [p for p in node.parents if spec.nodes[p].role == "context"]
        loose = [p for p in context if p not in hard]
        plan.context[finding] = []
        for row, states in _configurations(model, loose, minus):
            plan.context[finding].append((len(plan.rows), _inhibition(cpd, {**hard, **states}, frozenset(p for p in node.parents if p not in context))))
            plan.rows.append(row)
        if any(link.param.value == 1.0 and spec.nodes[link.parent].role == "condition" for link in cpd.links):
            plan.family[finding] = []
            for row, states in _configurations(model, [p for p in node.parents if p not in hard], minus):
                plan.family[finding].append((len(plan.rows), {**{p: hard[p] for p in node.parents if p in hard}, **states}))
                plan.rows.append(row)
    return plan


def counterfactual_scores(model: BaseModel, evidence: Mapping[str, object] | None) -> pd.DataFrame:
    """Posterior, expected disablement and expected sufficiency of every condition.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : mapping or None
        One case, as for :meth:`crampnet.Model.posteriors`.

    Returns
    -------
    pandas.DataFrame
        Indexed by condition id (network order), columns ``posterior``,
        ``disablement`` and ``sufficiency`` (expected numbers of positive
        noisy-OR findings; see the module docstring for the formulas).

    Raises
    ------
    ImpossibleEvidenceError
        If the evidence has probability zero.
    """
    import pandas as pd

    vectors = observe(model, evidence)
    hard = {nid: s for nid, vec in vectors.items() if (s := hard_state(model, nid, vec)) is not None}
    positives = {}
    for nid, state in hard.items():
        node = model.spec.nodes[nid]
        if node.role == "finding" and isinstance(node.cpd, NoisyOr) and state == node.cpd.positive:
            positives[nid] = node.cpd
    plan = _plan(model, vectors, positives, hard)
    conditions = model.conditions
    marg, log_ev = score(model, stack(model, plan.rows), conditions, n_rows=len(plan.rows))
    if not np.isfinite(log_ev[0]):
        msg = "The evidence is impossible under the network (probability zero); use model.posteriors(evidence) to see which entries conflict."
        raise ImpossibleEvidenceError(msg, [])
    present = np.column_stack([marg[c][:, model.spec.nodes[c].states.index("present")] for c in conditions])
    present = np.nan_to_num(present)  # rows of probability zero carry weight zero below
    weight = np.exp(log_ev - log_ev[0])
    disable = np.zeros(len(conditions))
    suffice = np.zeros(len(conditions))
    for finding, cpd in positives.items():
        for j, cond in enumerate(conditions):
            link = _link(cpd, cond)
            for row, lam_c in plan.context[finding]:
                suffice[j] += weight[row] * (1.0 - lam_c * (1.0 - link * present[row, j]))
            if link == 0.0:
                continue
            if link < 1.0:
                row = plan.off[finding]
                disable[j] += (1.0 / (1.0 - link) - 1.0) * present[row, j] * weight[row]
                continue
            for row, states in plan.family[finding]:
                if states.get(cond) == "present":
                    disable[j] += weight[row] * (_inhibition(cpd, states, frozenset({cond})) - _inhibition(cpd, states))
    frame = pd.DataFrame({"posterior": present[0], "disablement": disable, "sufficiency": suffice}, index=pd.Index(conditions, name="condition"))
    return frame


def order(scores: pd.DataFrame, ranking: str = "counterfactual") -> list[str]:
    """Condition ids in the order ``ranking`` recommends.

    Parameters
    ----------
    scores : pandas.DataFrame
        As :func:`counterfactual_scores` returns.
    ranking : {'counterfactual', 'disablement', 'sufficiency', 'posterior'}, default='counterfactual'
        ``posterior`` sorts by P(present | evidence). ``disablement`` (the
        default, also called ``counterfactual``) and ``sufficiency`` sort by
        the expected number of positive findings the condition explains,
        rounded to :data:`DECIMALS` decimals (the precision the report shows:
        a condition explaining 0.001 of a finding explains, in practice,
        nothing), then by posterior. Conditions that explain no positive
        finding thus follow in posterior order.

    Returns
    -------
    list of str
        Every condition, best first (ties keep network order).

    Raises
    ------
    InvalidValueError
        For an unknown ``ranking`` (the message lists the valid ones).

    Examples
    --------
    >>> import pandas as pd
    >>> from crampnet.reasoning.ranking import order
    >>> scores = pd.DataFrame({"posterior": [0.6, 0.3], "disablement": [0.1, 0.9],
    ...                        "sufficiency": [0.2, 0.8]}, index=["a", "b"])
    >>> order(scores, "posterior"), order(scores, "counterfactual")
    (['a', 'b'], ['b', 'a'])
    """
    if ranking not in RANKINGS:
        msg = f"The 'ranking' argument must be one of {', '.join(map(repr, RANKINGS))}. Got {ranking!r} instead."
        raise InvalidValueError(msg)
    column = {"counterfactual": "disablement", "disablement": "disablement", "sufficiency": "sufficiency"}.get(ranking)
    keys = [-scores["posterior"].to_numpy()]
    if column is not None:
        keys.append(-np.round(scores[column].to_numpy(), DECIMALS))
    positions = np.lexsort(keys)  # last key is primary; lexsort is stable
    return [str(scores.index[i]) for i in positions]
