r"""Expected disablement and sufficiency of every condition from one batch of rows.

:func:`measures` turns one case into rows of the engine's batch
(:func:`crampnet.reasoning._scoring.score`: condition posteriors and the
probability of each row's evidence, exactly, by the Quickscore path where
it applies, so no row costs more than a posterior) and adds up each
observed finding's share of both measures (see the docstring of
:mod:`crampnet.reasoning.ranking` for the models and the formulas):

- a noisy-OR or noisy-MAX finding gives product rows
  (:mod:`crampnet.reasoning._product_terms`), a handful per finding (and,
  where their signed sum would lose more than :data:`KAPPA` allows, a
  second batch of about one per condition parent);
- any other finding (mixture, table, logistic, or a noisy finding whose
  engine table its file model does not give) needs the posterior of its
  family: from one row per configuration of its parents without hard
  evidence (the last condition among them read from the row's posterior),
  or, when cheaper (:data:`ENTRIES_PER_ROW`) or past
  :data:`CONFIGURATIONS` rows, from one pass of the junction tree that keeps
  every observed finding; then
  :func:`crampnet.reasoning._mechanisms.grid_terms`. The tree widens with
  every observed finding of many parents, while a row of the batch costs
  about one posterior.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._counterfactual import measures, normal_state
>>> from crampnet.reasoning._scoring import observe
>>> model = crampnet.load()
>>> posterior, disable, suffice = measures(model, observe(model, {"femoral_bruit": "yes"}))
>>> pad = model.conditions.index("peripheral_arterial_disease")
>>> bool(0.0 < disable[pad] <= posterior[pad])
True
>>> normal_state(model.spec.nodes["femoral_bruit"])
'no'
"""

from __future__ import annotations

import itertools
import math
import weakref
from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import ImpossibleEvidenceError, InvalidValueError
from crampnet.inference import _nesting
from crampnet.network.cpd import node_table
from crampnet.network.parts import units
from crampnet.network.spec import Logistic, NoisyMax, NoisyOr
from crampnet.reasoning._mechanisms import grid_terms
from crampnet.reasoning._product_terms import Term, product_terms
from crampnet.reasoning._scoring import families, hard_state, score, stack

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.inference.compiled import CompiledNetwork
    from crampnet.network.spec import Node

__all__ = [
    "CONFIGURATIONS",
    "ENTRIES_PER_ROW",
    "KAPPA",
    "MATCH",
    "counted_states",
    "measures",
    "normal_state",
]

#: Family posteriors come from one junction-tree pass (every observed finding
#: kept) when its tree has at most this many entries per row of parent
#: configurations it saves: on the shipped network a row of the batch costs
#: 5-8 ms and a pass 0.07-0.1 us per entry (measured on five textbook cases,
#: with and without the presenting complaint).
ENTRIES_PER_ROW = 50_000
#: At most this many rows of parent configurations for one finding; past
#: that, the junction-tree pass whatever its size.
CONFIGURATIONS = 1024
#: The log of the largest float (1.8e308): a row more probable than the evidence by more overflows its weight.
LOG_FLOAT_MAX = 709.78
#: A finding's file mechanism is used where the engine's table is the one
#: its file model gives, to this tolerance (a fitted table is not).
MATCH = 1e-9
#: A noisy finding's terms come first in their fast, signed form
#: (:func:`~crampnet.reasoning._product_terms.product_terms`); where the
#: absolute terms add up to more than this many times ``P(S counts, E)``
#: (a counted state rare given the parents: the rest of the evidence is
#: then that many times likelier than all of it), or those of one measure of
#: one condition to more than this many times their sum (a rare condition's
#: sufficiency), they are scored again as sums of positive terms, which lose
#: no digits.
KAPPA = 1e4
_MECHANISM: weakref.WeakKeyDictionary[CompiledNetwork, dict[str, bool]] = (
    weakref.WeakKeyDictionary()
)


def normal_state(node: Node) -> str | None:
    """The state of ``node`` that is no finding: noisy-OR/logistic non-positive, noisy-MAX inactive, else ``negative``.

    Parameters
    ----------
    node : Node
        The node, as the network file declares it.

    Returns
    -------
    str or None
        For a noisy-OR or logistic node the first state that is not its
        positive one; for a noisy-MAX node its lowest (first) state;
        otherwise the node's ``negative`` state (None if it has none).
    """
    cpd = node.cpd
    if isinstance(cpd, NoisyOr | Logistic):
        return next(s for s in node.states if s != cpd.positive)
    if isinstance(cpd, NoisyMax):
        return cpd.order[0]
    return node.negative


def counted_states(node: Node) -> np.ndarray:
    """Per state of ``node``, whether observing it counts as a finding to explain.

    Parameters
    ----------
    node : Node
        The node.

    Returns
    -------
    numpy.ndarray
        Bool array of shape ``(len(node.states),)``: False for the state
        :func:`normal_state` names, True for every other (all True when it
        names none).
    """
    normal = normal_state(node)
    return np.array([s != normal for s in node.states])


def _mechanism(model: BaseModel, nid: str) -> bool:
    """Whether the engine's table of ``nid`` is its file model's (checked once per compiled network)."""
    known = _MECHANISM.setdefault(model.compiled, {})
    if nid not in known:
        tables = model.compiled.tables
        table = node_table(model.spec, model.spec.nodes[nid], tables)
        known[nid] = bool(np.allclose(table, tables[nid], rtol=0.0, atol=MATCH))
    return known[nid]


class _Rows:
    """The rows of the batch, each kept once."""

    def __init__(self, evidence: dict[str, np.ndarray]) -> None:
        self.rows = [evidence]
        self.seen: dict[object, int] = {}

    def add(self, key: object, row: dict[str, np.ndarray]) -> int:
        if key not in self.seen:
            self.seen[key] = len(self.rows)
            self.rows.append(row)
        return self.seen[key]


def _with(base: dict[str, np.ndarray], factors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``base`` with each node's vector multiplied by its factor."""
    row = dict(base)
    for nid, vec in factors.items():
        row[nid] = row[nid] * vec if nid in row else vec
    return row


def _indicator(card: int, index: int) -> np.ndarray:
    vec = np.zeros(card)
    vec[index] = 1.0
    return vec


Grid = tuple[str, list[str], str | None, list[tuple[tuple[str, ...], int]]]


def _observed(model: BaseModel, evidence: dict[str, np.ndarray]) -> list[str]:
    """The findings whose evidence puts weight on a state that counts (and is not constant)."""
    out = []
    for nid, vec in evidence.items():
        node = model.spec.nodes[nid]
        if (
            node.role == "finding"
            and np.any(vec != 1.0)
            and np.any(vec[counted_states(node)] > 0.0)
        ):
            out.append(nid)
    return out


def _product_rows(
    model: BaseModel, evidence: dict[str, np.ndarray], nid: str, rows: _Rows, *, signed: bool = True
) -> list[tuple[Term, int]]:
    """The terms of a noisy finding (signed or positive), each with its row of the batch."""
    node = model.spec.nodes[nid]
    vec = evidence[nid]
    base = {k: v for k, v in evidence.items() if k != nid}
    out = []
    for term in product_terms(model.spec, node, vec, signed=signed):
        factors = {p: np.array(v) for p, v in term.factors}
        if term.state is None:
            row = rows.add((nid, term.factors), _with(base, factors))
        elif not factors and hard_state(model, nid, vec) == node.states[term.state]:
            row = 0  # the case itself
        else:  # S observed in the term's state, and the term's factors
            own = {**base, nid: _indicator(len(node.states), term.state)}
            row = rows.add((nid, term.state, term.factors), _with(own, factors))
        out.append((term, row))
    return out


def _configurations(
    model: BaseModel, evidence: dict[str, np.ndarray], nid: str
) -> tuple[list[str], str | None, int]:
    """The parents of a finding to enumerate in rows, the condition read from their posteriors, and the rows."""
    spec = model.spec
    free = [
        p
        for p in spec.nodes[nid].parents
        if p not in evidence or hard_state(model, p, evidence[p]) is None
    ]
    last = next(
        (p for p in reversed(free) if spec.nodes[p].role == "condition" and spec.nodes[p].part_of is None),
        None,
    )  # a part's posterior is not among the rows' marginals: it is enumerated
    enum = [p for p in free if p != last]
    return enum, last, math.prod(len(spec.nodes[p].states) for p in enum)


def _grid_rows(model: BaseModel, evidence: dict[str, np.ndarray], nid: str, rows: _Rows) -> Grid:
    """Rows of the configurations of a finding's parents without hard evidence."""
    spec = model.spec
    enum, last, _ = _configurations(model, evidence, nid)
    base = {k: v for k, v in evidence.items() if k != nid}
    configs = []
    for combo in itertools.product(*(spec.nodes[p].states for p in enum)):
        factors = {
            p: _indicator(len(spec.nodes[p].states), spec.nodes[p].states.index(s))
            for p, s in zip(enum, combo, strict=True)
        }
        configs.append((combo, rows.add((nid, combo), _with(base, factors))))
    return nid, enum, last, configs


def measures(
    model: BaseModel, evidence: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior, expected disablement and expected sufficiency of each condition (``model.conditions`` order).

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : dict of str to numpy.ndarray
        One case, as :func:`crampnet.reasoning._scoring.observe` returns.

    Returns
    -------
    posterior, disablement, sufficiency : numpy.ndarray
        One entry per condition.

    Raises
    ------
    ImpossibleEvidenceError
        If the evidence has probability zero.
    """
    spec, conditions = model.spec, model.conditions
    rows = _Rows(evidence)
    products: dict[str, list[tuple[Term, int]]] = {}
    grid: list[str] = []
    for nid in _observed(model, evidence):
        if isinstance(spec.nodes[nid].cpd, NoisyOr | NoisyMax) and _mechanism(model, nid):
            products[nid] = _product_rows(model, evidence, nid, rows)
        else:
            grid.append(nid)
    counts = {nid: _configurations(model, evidence, nid)[2] for nid in grid}
    few = [nid for nid in grid if counts[nid] <= CONFIGURATIONS]
    saved = sum(counts[nid] for nid in few)
    family = (
        families(model, evidence, grid, limit=ENTRIES_PER_ROW * saved) if grid else None
    ) or {}
    planned = [_grid_rows(model, evidence, nid, rows) for nid in few if nid not in family]
    late = [nid for nid in grid if nid not in family and nid not in few]
    # The twin network's mechanisms are each finding's own noisy-OR, with no
    # mechanism for a nested pair (crampnet.inference._nesting): every row is
    # scored as independent given the conditions, so that each finding's
    # shares are of one model; the posteriors returned are the exact ones.
    marg, log_ev = score(model, stack(model, rows.rows), conditions, n_rows=len(rows.rows), nested=False)
    if not np.isfinite(log_ev[0]):
        msg = "The evidence is impossible under the network (probability zero); use model.posteriors(evidence) to see which entries conflict."
        raise ImpossibleEvidenceError(msg, [])
    if np.any(log_ev - log_ev[0] > LOG_FLOAT_MAX):  # possible, but so rare that P(row) / P(E) overflows
        msg = (f"The counterfactual ranking cannot use this evidence: it is possible, but so improbable (log P(evidence) = {log_ev[0]:.4g}) "
               "that the ratios of its terms to it overflow a float. Use diagnose(evidence, ranking='posterior') or model.posteriors(evidence).")
        raise InvalidValueError(msg)
    weight = np.exp(log_ev - log_ev[0])  # P(row) / P(E); 0 for a row of probability zero
    marg = {c: np.nan_to_num(m) for c, m in marg.items()}
    disable, suffice = np.zeros(len(conditions)), np.zeros(len(conditions))
    shares = {nid: _shares(terms, weight, marg) for nid, terms in products.items()}
    loose = [nid for nid, (share, spread) in shares.items()
             if any(spread[key] > KAPPA * abs(share[key] if key[0] != "all" else share.get(("total", None), 0.0)) for key in spread)]
    if loose:  # too many digits lost: the positive terms, in a batch of their own
        again = _Rows(evidence)
        exact = {nid: _product_rows(model, evidence, nid, again, signed=False) for nid in loose}
        marg2, log_ev2 = score(model, stack(model, again.rows), conditions, n_rows=len(again.rows), nested=False)
        weight2, marg2 = np.exp(log_ev2 - log_ev2[0]), {c: np.nan_to_num(m) for c, m in marg2.items()}
        shares.update({nid: _shares(terms, weight2, marg2) for nid, terms in exact.items()})
    for nid, (share, _) in shares.items():
        total = share.get(("total", None), 0.0)
        causes = units(spec.nodes, spec.nodes[nid].parents)
        for i, cond in enumerate(conditions):
            kept = share.get(("suf", cond) if cond in causes else ("rest", None), 0.0)
            suffice[i] += min(max(kept, 0.0), total)
            if cond in causes:
                disable[i] += min(max(share.get(("dis", cond), 0.0), 0.0), total)
    for g in planned:
        family[g[0]] = _family(model, evidence, g, weight, marg)
    family.update(families(model, evidence, late) or {} if late else {})
    for nid, joint in family.items():
        node = spec.nodes[nid]
        dis, suf, rest = grid_terms(
            spec,
            node,
            model.compiled.tables[nid],
            joint,
            counted_states(node),
            mechanism=_mechanism(model, nid),
        )
        for i, cond in enumerate(conditions):
            disable[i] += dis.get(cond, 0.0)
            suffice[i] += suf.get(cond, rest)
    posterior = model.compiled.evaluate(evidence, 1)[0][0] if _nesting.kept(spec, evidence) else np.array([marg[c][0, spec.nodes[c].states.index("present")] for c in conditions])
    return posterior, disable, suffice


def _shares(
    terms: list[tuple[Term, int]], weight: np.ndarray, marg: dict[str, np.ndarray]
) -> tuple[dict[tuple[str, str | None], float], dict[tuple[str, str | None], float]]:
    """Each (measure, condition)'s sum of a finding's terms, and the sums of their absolute values: each one's, and all of them (key ``("all", None)``)."""
    share: dict[tuple[str, str | None], float] = {}
    spread: dict[tuple[str, str | None], float] = {("all", None): 0.0}
    for term, row in terms:
        value = term.coef * weight[row]
        if term.modifier is not None and term.condition is not None:
            value *= float(marg[term.condition][row] @ np.array(term.modifier))
        key = (term.measure, term.condition)
        share[key] = share.get(key, 0.0) + value
        spread[key] = spread.get(key, 0.0) + abs(value)
        spread["all", None] += abs(value)
    return share, spread


def _family(
    model: BaseModel,
    evidence: dict[str, np.ndarray],
    grid: Grid,
    weight: np.ndarray,
    marg: dict[str, np.ndarray],
) -> np.ndarray:
    """P(S = s, pa | E) from the rows of S's parent configurations."""
    nid, enum, last, configs = grid
    spec = model.spec
    table = model.compiled.tables[nid]
    joint = np.zeros(table.shape)
    for combo, row in configs:
        where: list[int | slice] = [slice(None)]
        for p in spec.nodes[nid].parents:
            if p in enum:
                where.append(spec.nodes[p].states.index(combo[enum.index(p)]))
            elif p == last:
                where.append(slice(None))
            else:  # hard evidence
                where.append(spec.nodes[p].states.index(str(hard_state(model, p, evidence[p]))))
        part = table[tuple(where)] * weight[row]
        if last is not None:
            part = part * marg[last][row]  # the one axis left is ``last``'s
        joint[tuple(where)] += part * evidence[nid].reshape((-1,) + (1,) * (part.ndim - 1))
    return joint
