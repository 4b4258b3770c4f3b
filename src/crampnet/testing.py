"""Hypothesis strategies and ready-made properties for your own tests of a crampnet model.

Strategies (hypothesis is imported when you call them, so ``import crampnet``
never needs it):

- :func:`cases` draws whole cases: every node in a state, by ancestral
  sampling from the model's tables, so every case has positive probability.
  The conditions are the truth; the other nodes are what could be observed.
- :func:`evidence` draws evidence dicts that :meth:`crampnet.Model.posteriors`
  accepts: a subset of the observable nodes of a drawn case, each given as a
  state name, ``True``/``False`` (nodes whose two states are a positive and a
  negative one: yes/no, raised/normal ...), a number inside the state's band
  (age, symptom duration, labs, ABI), or optionally soft evidence. Drawn from a case, the
  evidence is always possible (``possible=False`` draws states independently,
  which may be impossible).

Properties: each ``check_*(model, evidence)`` returns ``None`` when the
property holds and raises ``AssertionError`` saying what failed otherwise.
:data:`PROPERTIES` lists them and :func:`check_all` runs them all.

Examples
--------
>>> from hypothesis import given, settings
>>> import crampnet
>>> from crampnet import testing
>>> model = crampnet.load()
>>> @settings(max_examples=10, deadline=None, database=None)
... @given(testing.evidence(model, max_size=6))
... def test_posteriors(evidence):
...     testing.check_posteriors_in_unit_interval(model, evidence)
...     testing.check_order_invariance(model, evidence)
>>> test_posteriors()
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet._properties import (
    check_batch_agrees,
    check_certain_condition,
    check_order_invariance,
    check_posteriors_in_unit_interval,
    check_probability_agrees,
    check_representations_agree,
    check_total_probability,
)
from crampnet.network.evidence import truth_states

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

    from crampnet.base import BaseModel
    from crampnet.network.spec import Node

__all__ = [
    "PROPERTIES",
    "cases",
    "check_all",
    "check_batch_agrees",
    "check_certain_condition",
    "check_order_invariance",
    "check_posteriors_in_unit_interval",
    "check_probability_agrees",
    "check_representations_agree",
    "check_total_probability",
    "evidence",
    "number_range",
]



def number_range(node: Node, state: str) -> tuple[float, float, bool, bool] | None:
    """The numbers that ``node`` bands into ``state``: ``(low, high, exclude_low, exclude_high)``.

    Parameters
    ----------
    node : Node
        A node of the network.
    state : str
        One of its states.

    Returns
    -------
    tuple of (float, float, bool, bool) or None
        The band's bounds, clipped to the node's valid range, and whether
        each bound is excluded; ``None`` when the node takes no numbers or
        the band lies outside the node's valid range.

    Examples
    --------
    >>> import crampnet
    >>> number_range(crampnet.load().spec.nodes["ferritin"], "low")
    (0.0, 50.0, False, True)
    """
    if not node.bands or node.valid is None:
        return None
    low, high = float(node.valid[0]), float(node.valid[1])
    exclude_low = False
    for band in node.bands:
        bound = band.below if band.below is not None else band.up_to
        top, exclude_top = (high, False) if bound is None else (min(high, float(bound)), band.below is not None and bound <= high)
        if band.state == state:
            if low > top or (low == top and (exclude_low or exclude_top)):
                return None
            return low, top, exclude_low, exclude_top
        if bound is not None:
            low, exclude_low = max(low, float(bound)), band.up_to is not None
    return None


def _ancestral(model: BaseModel, nodes: Sequence[str]) -> list[str]:
    """``nodes`` and all their ancestors, in the network's topological order."""
    keep: set[str] = set()
    stack = list(nodes)
    while stack:
        nid = stack.pop()
        if nid not in keep:
            keep.add(nid)
            stack.extend(model.spec.nodes[nid].parents)
    return [nid for nid in model.spec.order if nid in keep]


def _sample(model: BaseModel, draw: DrawFn, nodes: Sequence[str] | None = None) -> dict[str, str]:
    """A case by ancestral sampling (of ``nodes`` and their ancestors only, if given).

    Each choice inverts a drawn uniform, so shrinking moves a node towards its
    first possible state; sampling only the ancestors keeps the draws short.
    A finding that implies another (``entails``) is set negative where the
    other's implied state was not drawn, so that the case stays possible.
    """
    from hypothesis import strategies as st

    spec, tables = model.spec, model.compiled.tables
    index: dict[str, int] = {}
    for nid in spec.order if nodes is None else _ancestral(model, nodes):
        node = spec.nodes[nid]
        where: tuple[Any, ...] = (slice(None), *(index[p] for p in node.parents))
        dist: np.ndarray = np.asarray(tables[nid][where], dtype=np.float64)
        cumulative = np.cumsum(dist)
        u = draw(st.floats(0.0, 1.0, exclude_max=True)) * cumulative[-1]
        i = int(np.searchsorted(cumulative, u, side="right"))
        if i >= len(dist) or dist[i] <= 0.0:
            i = int(np.flatnonzero(dist > 0.0)[-1])
        index[nid] = i
    for a, pos, b, state in spec.implications:  # a finding that implies another is positive only with it (crampnet.network.entailment)
        if a in index and b in index and index[b] != spec.nodes[b].states.index(state):
            index[a] = 1 - spec.nodes[a].states.index(pos)
    return {nid: spec.nodes[nid].states[i] for nid, i in index.items()}


def cases(model: BaseModel) -> SearchStrategy[dict[str, str]]:
    """Whole cases: every node id to a state, drawn by ancestral sampling.

    Every case has positive probability under ``model``. Shrinking moves each
    node towards its first possible state.

    Parameters
    ----------
    model : BaseModel
        The model whose tables the cases are drawn from.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of ``dict[str, str]``: every node id of the network, in its
        topological order, to a state name.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import crampnet
    >>> from crampnet.testing import cases
    >>> model = crampnet.load()
    >>> @settings(max_examples=5, deadline=None, database=None)
    ... @given(cases(model))
    ... def test_a_case_is_possible(case):
    ...     assert set(case) == set(model.spec.nodes)
    ...     assert model.probability({k: v for k, v in case.items() if k in model.findings}) > 0
    >>> test_a_case_is_possible()
    """
    from hypothesis import strategies as st

    @st.composite
    def strategy(draw: DrawFn) -> dict[str, str]:
        return _sample(model, draw)

    return strategy()


def _value(node: Node, state: str, draw: DrawFn, *, numbers: bool, booleans: bool, soft: bool) -> object:
    from hypothesis import strategies as st

    forms = ["state"]
    pair = truth_states(node)  # True/False only where the evidence check accepts them (issue 16)
    if booleans and pair is not None:
        forms.append("bool")
    span = number_range(node, state) if numbers else None
    if span is not None:
        forms.append("number")
    if soft:
        forms.append("soft")
    form = draw(st.sampled_from(forms))
    if form == "bool" and pair is not None:
        return state == pair[0]
    if form == "number" and span is not None:
        low, high, exclude_low, exclude_high = span
        return draw(st.floats(low, high, exclude_min=exclude_low, exclude_max=exclude_high, allow_nan=False, allow_infinity=False))
    if form == "soft":
        weights = {s: draw(st.floats(0.0, 1.0)) for s in node.states}
        weights[state] = max(weights[state], 0.05)  # the case's own state stays possible
        return weights
    return state


def evidence(
    model: BaseModel,
    *,
    nodes: Sequence[str] | None = None,
    min_size: int = 0,
    max_size: int | None = None,
    numbers: bool = True,
    booleans: bool = True,
    soft: bool = False,
    possible: bool = True,
) -> SearchStrategy[dict[str, object]]:
    """Evidence dicts that ``model.posteriors`` accepts.

    Parameters
    ----------
    model : BaseModel
        The model the evidence is for.
    nodes : sequence of str, optional
        The node ids to draw from (default: every finding and context node).
    min_size, max_size : int, optional
        Bounds on the number of observed nodes.
    numbers : bool, default=True
        Give numeric nodes (age, symptom duration, labs, ABI) a number inside
        the state's band sometimes (``age`` is given under the id ``age_group``).
    booleans : bool, default=True
        Give ``True``/``False`` sometimes to the nodes that accept them: two
        states that are the node's positive and negative (yes/no,
        present/absent, positive/negative, or as the file names them:
        ``d_dimer`` raised/normal).
    soft : bool, default=False
        Give soft evidence ``{state: likelihood}`` sometimes.
    possible : bool, default=True
        Draw the states from one sampled case, so the evidence has positive
        probability; with False, each state is drawn on its own and the
        evidence may be impossible.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of ``dict[str, object]``; shrinks towards fewer nodes and first states.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import crampnet
    >>> from crampnet.testing import evidence
    >>> model = crampnet.load()
    >>> @settings(max_examples=5, deadline=None, database=None)
    ... @given(evidence(model, nodes=["ferritin", "age_group"], min_size=1))
    ... def test_labs(ev):
    ...     assert set(ev) <= {"ferritin", "age_group"}
    ...     assert 0 <= model.posteriors(ev).min()
    >>> test_labs()
    """
    from hypothesis import strategies as st

    from crampnet.network.evidence import resolve_id

    pool = [resolve_id(model.spec, n, "the 'nodes' argument of evidence") for n in nodes] if nodes is not None else [n for n in model.spec.order if model.spec.nodes[n].role != "condition"]
    pool = list(dict.fromkeys(pool))

    @st.composite
    def strategy(draw: DrawFn) -> dict[str, object]:
        chosen = draw(st.lists(st.sampled_from(pool), unique=True, min_size=min_size, max_size=len(pool) if max_size is None else max_size)) if pool else []
        truth = _sample(model, draw, chosen) if possible and chosen else {}
        out: dict[str, object] = {}
        for nid in chosen:
            node = model.spec.nodes[nid]
            state = truth[nid] if possible else draw(st.sampled_from(node.states))
            out[nid] = _value(node, state, draw, numbers=numbers, booleans=booleans, soft=soft)
        return out

    return strategy()


# ---------------------------------------------------------------------------
# Properties (the check_* functions are in crampnet._properties)
# ---------------------------------------------------------------------------


#: Every ready-made property, in the order :func:`check_all` runs them.
PROPERTIES: tuple[Callable[[BaseModel, Mapping[str, object]], None], ...] = (
    check_posteriors_in_unit_interval,
    check_order_invariance,
    check_batch_agrees,
    check_probability_agrees,
    check_total_probability,
    check_representations_agree,
    check_certain_condition,
)


def check_all(model: BaseModel, evidence: Mapping[str, object]) -> None:
    """Run every property of :data:`PROPERTIES` on one evidence dict.

    Parameters
    ----------
    model : BaseModel
        The model under test.
    evidence : mapping of str to object
        One case, as :meth:`crampnet.Model.posteriors` takes it (e.g. drawn
        by :func:`evidence`).

    Raises
    ------
    AssertionError
        From the first property that fails, in the order of
        :data:`PROPERTIES`.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.testing import check_all
    >>> check_all(crampnet.load(), {"urge_to_move": True, "ferritin": 30, "age": 70})
    """
    for prop in PROPERTIES:
        prop(model, evidence)
