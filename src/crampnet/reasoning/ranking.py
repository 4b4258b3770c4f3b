r"""Rank the differential: by posterior, or counterfactually (Richens et al. 2020).

Ranking by posterior puts first the condition most likely to be present. A
patient can have several conditions at once, and nocturnal leg cramps are
common in everyone, so the most probable condition is not always the one
that explains the complaint. Richens, Lee and Johri (*Improving the accuracy
of medical diagnosis with causal machine learning*, Nat Commun 2020;11:3923)
rank instead by counterfactual questions about the findings a condition
causes. crampnet computes both of their measures exactly, for findings of
every model of the file format and for soft evidence.

The measures
------------
``E`` is the evidence, a likelihood vector per observed node (an indicator
for hard evidence); a finding is *observed* when its vector is not constant.
A finding's *normal* state is the state of a noisy-OR or logistic finding
that is not its ``positive`` one, the first state of a noisy-MAX finding's
``order`` (its inactive state) and the ``negative`` state of a table or
mixture finding, if it has one. A finding *counts* in every other state; a
node without a normal state (pain_location) counts in all of them. Each
finding S has a twin ``S*``: the same mechanism and the same exogenous noise
(below), with the parents ``pa*`` of an intervention on conditions. Then

- expected disablement ``E_dis(D_k) = sum_S P(S counts, S* != S | E,
  do(D_k = absent))``: the findings that would go away (leave their observed
  state) if D_k alone were cured;
- expected sufficiency ``E_suff(D_k) = sum_S P(S counts, S* = S | E,
  do(every other condition = absent))``: the findings D_k would still
  produce alone, the leak and the context causes left as they are.

With hard evidence ``S = s`` a term is ``P(S* != s | E, do(...))`` if ``s``
counts and 0 if not: Richens et al.'s definition, which counted noisy-OR
findings observed positive. Soft evidence is virtual evidence (Pearl): a
term is ``sum_s P(S = s | E) [s counts] P(S* != s | E, S = s, do(...))``,
the hard term averaged over S's posterior with the likelihood applied; a
one-hot likelihood gives the hard term back.

Computation. S is a leaf and its noise is independent of everything else
given its parents, so given the factual ``(s, pa)`` its twin does not
depend on the rest of E:

.. math::

    P(S \text{ counts}, S^* = S \mid E) = \sum_{s, pa} P(s, pa \mid E)\,
        [s \text{ counts}]\, K(s \mid pa, pa^*), \qquad
    K = \frac{P(S = s, S^* = s \mid pa, pa^*)}{P(S = s \mid pa)},

and disablement is the same sum with ``1 - K``. Everything runs as rows of
the engine's batch, each costing about one posterior (so never more than the
limits of a network file), in one call (:mod:`crampnet.reasoning._counterfactual`).
For a noisy-OR or noisy-MAX finding, ``P(S = s, S* != s | pa)`` is a sum of
products of one-parent factors, each the probability of an event inside
``S = s``, and ``P(S = S* = s | pa)`` a signed sum of four such products
(below), so the sum over ``pa`` is the probability of a row that puts those
factors on the parents, two or three rows per noisy-OR finding shared by
every condition. Where ``s`` is so rare given the parents that the signed
sum would lose digits, sufficiency is scored again as ``P(S = s)`` less
positive rows, one per condition parent
(:mod:`crampnet.reasoning._product_terms`). A mixture, table or logistic
finding needs ``P(s, pa | E)``, the posterior of its family: from a row per
configuration of its parents, or one junction-tree pass when cheaper
(:mod:`crampnet.reasoning._mechanisms`).

Structural models
-----------------
**noisy-OR.** ``S = L or OR_j (X_j = x_j and U_j)``: the leak ``L`` and one
``U_j`` per link (parent ``X_j`` in state ``x_j``) are independent
Bernoulli(leak) and Bernoulli(link); ``P(off | pa)`` is the product of the
inhibitors ``lambda`` (``1 - leak``, ``1 - link`` of each active link): the
file's table. The twin re-uses ``L`` and every ``U_j``. Let ``B`` be the
product of the inhibitors of links active in both worlds (the leak's
included), ``F`` of those active in the factual world only, ``T`` in the
twin only. S is off in both worlds iff all those fail, ``P(off, off*) =
BFT``; ``P(on, off*) = P(off*) - P(off, off*) = BT(1 - F)`` and ``P(on,
on*) = P(on) - BT(1 - F)``. For ``do(D_k = absent)`` with D_k present
(``F = lambda_k``, ``T = 1``) this is ``P(on, off*) = (1/lambda_k - 1)
P(off | pa)``, Richens et al.'s closed form.

**noisy-MAX.** Each link and the leak independently draws a state from its
distribution; S is the highest, along ``order``, of the leak's draw and the
draws of the active links (an inactive link draws nothing), so ``P(S <= k
| pa) = F_L(k) prod_active F_j(k)``: the file's table. The twin re-uses
every draw, the cured condition's link dropped (or the other conditions'),
a link that becomes active added. With ``C`` the highest draw active in
both worlds (the leak's included), ``A`` in the factual world only and
``B`` in the twin only, ``S = max(C, A)`` and ``S* = max(C, B)`` with C, A
and B independent, so ``P(S = S* = k) = P(C = k) P(A <= k) P(B <= k) + P(C
< k) P(A = k) P(B = k)``.

**mixture (race).** Each active link and the leak has an independent
exponential clock of rate its ``weight`` and its own independent draw from
its distribution; S is the draw of the earliest clock. Clock ``j`` is first
with probability ``w_j / sum w``, so ``P(S = s | pa) = sum_j w_j p_j(s) /
sum_j w_j``: exactly the file's mixture. The twin re-uses clocks and
draws, the removed causes' clocks taken out. Let ``c``, ``a``, ``b`` be the
summed weights of the clocks of both worlds (the leak's included), of the
factual world only and of the twin only, and ``N_c(s) = sum w_j p_j(s)``
over the first set (``N_a``, ``N_b`` likewise). The earliest clock of all is
a common one with probability ``c / (a + b + c)``, and both worlds show its
draw. It is a factual-only one with probability ``a / (a + b + c)``: S shows
its draw and, the clocks being memoryless, S* shows the draw of the
earliest twin clock, independently, ``P(S* = s) = (N_b + N_c)(s) / (b +
c)``; and symmetrically for ``b``. Hence ``P(S = S* = s) = [N_c + N_a (N_b
+ N_c) / (b + c) + N_b (N_a + N_c) / (a + c)](s) / (a + b + c)``.

**table and logistic (monotone coupling).** The file gives these findings a
distribution but no mechanism, and their counterfactuals are not identified
by it. crampnet assumes the comonotone coupling (for a binary finding,
Pearl's monotonicity): one
uniform ``U`` per finding, S the state of ``U`` under the inverse CDF of
``P(S | pa)`` along the node's declared ``states``, and S* that of ``P(S |
pa*)`` with the same ``U``. Each state is an interval of ``U``, so ``P(S =
S* = k) = max(0, min(F(k), F*(k)) - max(F(k-1), F*(k-1)))``; for a binary
child ``P(S on, S* off | pa, pa*) = max(0, p - p*)``: a cause never moves
the finding against the direction it moves its probability. The same
coupling is used for a noisy-OR, noisy-MAX or mixture finding whose table
in the engine its file mechanism no longer reproduces (to 1e-9), such as a
table fitted to data.

Scope. Both measures count the direct effect of D_k on the findings: the
conditions not intervened upon, including D_k's condition children
(periodic limb movements under restless legs syndrome), and the context keep
their factual states, as in Richens et al., whose diseases have no disease
parents. A link from a condition's ``absent`` state is part of the same
models: curing the condition activates it, with its own noise. Evidence on
context and conditions is conditioned on, never counted.

The differential (:func:`order`) sorts by one measure, compared at two
decimals (the precision the report prints), then by posterior.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.ranking import MEASURE_DEFINITIONS, counterfactual_scores, order
>>> model = crampnet.load()
>>> rls = {"urge_to_move": True, "uncomfortable_sensations": True, "worse_at_rest": True,
...        "relief_by_movement": True, "worse_evening": True}
>>> scores = counterfactual_scores(model, rls)
>>> list(scores.columns)
['posterior', 'disablement', 'sufficiency']
>>> order(scores, "counterfactual")[0]
'restless_legs_syndrome'
>>> MEASURE_DEFINITIONS["disablement"]
'expected disablement: how many of the observed findings would go away if this condition alone were cured'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import ImpossibleEvidenceError, InvalidValueError, hint
from crampnet.network.evidence import show
from crampnet.reasoning._counterfactual import measures
from crampnet.reasoning._scoring import observe

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["DECIMALS", "MEASURE_DEFINITIONS", "RANKINGS", "counterfactual_scores", "order", "order_positions"]

#: The orders :func:`order` knows. ``counterfactual`` is expected disablement.
RANKINGS = ("counterfactual", "disablement", "sufficiency", "posterior")
#: Expected numbers of findings are compared after rounding to this many decimals.
DECIMALS = 2
#: One line per measure (a column of :func:`counterfactual_scores`), for displays.
MEASURE_DEFINITIONS: dict[str, str] = {
    "disablement": "expected disablement: how many of the observed findings would go away if this condition alone were cured",
    "sufficiency": "expected sufficiency: how many of the observed findings this condition alone would still produce if every other condition were cured",
}


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
        ``disablement`` and ``sufficiency`` (expected numbers of observed
        findings outside their normal state; see the module docstring).

    Raises
    ------
    ImpossibleEvidenceError
        If the evidence has probability zero.
    """
    import pandas as pd

    try:
        posterior, disable, suffice = measures(model, observe(model, evidence))
    except ImpossibleEvidenceError:
        model.posterior_array(evidence)  # raises ImpossibleEvidenceError naming the conflict
        raise  # pragma: no cover - raised above
    columns = {"posterior": posterior, "disablement": disable, "sufficiency": suffice}
    return pd.DataFrame(columns, index=pd.Index(model.conditions, name="condition"))


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
    column = _column(ranking)
    measure = None if column is None else scores[column].to_numpy()
    return [str(scores.index[i]) for i in order_positions(scores["posterior"].to_numpy(), measure)]


def check_ranking(ranking: object, where: str = "", *, subject: str = "") -> str:
    """``ranking`` if it is one of :data:`RANKINGS`, else an error naming the 'ranking' argument (of ``where``), or ``subject``."""
    if not isinstance(ranking, str) or ranking not in RANKINGS:
        subject = subject or "The 'ranking' argument" + (f" of {where}" if where else "")
        msg = f"{subject} must be one of {', '.join(map(repr, RANKINGS))}. Got {show(ranking)} instead.{hint(ranking if isinstance(ranking, str) else '', RANKINGS)}"
        raise InvalidValueError(msg)
    return ranking


def _column(ranking: str) -> str | None:
    """The column ``ranking`` sorts by first (None: the posterior), or an error for an unknown one."""
    return {"counterfactual": "disablement", "disablement": "disablement", "sufficiency": "sufficiency"}.get(check_ranking(ranking))


def order_positions(posterior: np.ndarray, measure: np.ndarray | None = None) -> np.ndarray:
    """The positions :func:`order` sorts by: ``measure`` at :data:`DECIMALS` decimals, then ``posterior``, both descending.

    Arrays in, arrays out (no pandas); ties keep the given order. ``measure``
    None sorts by ``posterior`` alone.

    Parameters
    ----------
    posterior : numpy.ndarray
        Each condition's posterior, one entry per condition.
    measure : numpy.ndarray, optional
        Each condition's counterfactual measure, in the same order.

    Returns
    -------
    numpy.ndarray
        The positions of the conditions, first in the differential first
        (``posterior[positions]`` is the differential's order).

    Examples
    --------
    >>> import numpy as np
    >>> order_positions(np.array([0.6, 0.3])), order_positions(np.array([0.6, 0.3]), np.array([0.1, 0.9]))
    (array([0, 1]), array([1, 0]))
    """
    keys = [-posterior]
    if measure is not None:
        keys.append(-np.round(measure, DECIMALS))
    positions: np.ndarray = np.lexsort(keys)  # last key is primary; lexsort is stable
    return positions
