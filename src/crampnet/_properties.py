"""The ready-made properties of :mod:`crampnet.testing`, each a check of one evidence dict.

Each ``check_*(model, evidence)`` returns None when its property holds and
raises ``AssertionError`` saying what failed otherwise; the two sides of
each comparison are exact computations, so they must agree to
:data:`TOLERANCE`. :mod:`crampnet.testing` re-exports them, lists them in
``PROPERTIES`` and runs them all in ``check_all``.

Examples
--------
>>> import crampnet
>>> check_order_invariance(crampnet.load(), {"urge_to_move": True, "ferritin": 30})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet.network.evidence import describe, normalise

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = [
    "TOLERANCE",
    "check_batch_agrees",
    "check_certain_condition",
    "check_order_invariance",
    "check_posteriors_in_unit_interval",
    "check_probability_agrees",
    "check_representations_agree",
    "check_total_probability",
]

#: Absolute tolerance of the properties that compare two exact computations.
TOLERANCE = 1e-9


def _posteriors(model: BaseModel, evidence: Mapping[str, object]) -> Any:
    return model.posteriors(dict(evidence))


def check_posteriors_in_unit_interval(model: BaseModel, evidence: Mapping[str, object]) -> None:
    """Every condition gets a finite posterior in [0, 1], and only conditions do.

    Parameters
    ----------
    model : BaseModel
        The model under test.
    evidence : mapping of str to object
        One case, as :meth:`crampnet.Model.posteriors` takes it.

    Raises
    ------
    AssertionError
        If the posteriors are not indexed by the model's conditions, or one
        is not finite or lies outside [0, 1]; the message gives them.

    Examples
    --------
    >>> import crampnet
    >>> check_posteriors_in_unit_interval(crampnet.load(), {"urge_to_move": True})
    """
    post = _posteriors(model, evidence)
    assert sorted(map(str, post.index)) == sorted(model.conditions), f"posteriors are indexed by {list(post.index)}, not by the conditions"
    values = post.to_numpy(dtype=float)
    assert np.all(np.isfinite(values)), f"non-finite posterior for evidence {dict(evidence)!r}: {post[~np.isfinite(values)].to_dict()}"
    assert np.all((values >= 0.0) & (values <= 1.0)), f"posterior outside [0, 1] for evidence {dict(evidence)!r}: {post[(values < 0) | (values > 1)].to_dict()}"


def check_order_invariance(model: BaseModel, evidence: Mapping[str, object]) -> None:
    """Giving the same evidence in reverse order gives the same posteriors.

    Parameters
    ----------
    model : BaseModel
        The model whose posteriors are compared.
    evidence : mapping of str to object
        The case, scored as given and with its entries reversed.

    Raises
    ------
    AssertionError
        If a posterior moves by more than :data:`TOLERANCE`.
    """
    forward = _posteriors(model, evidence)
    backward = _posteriors(model, dict(reversed(list(evidence.items()))))
    gap = float((forward - backward.reindex(forward.index)).abs().max()) if len(forward) else 0.0
    assert gap <= TOLERANCE, f"the order of the evidence moved a posterior by {gap:g}: {dict(evidence)!r}"


def check_batch_agrees(model: BaseModel, evidence: Mapping[str, object]) -> None:
    """A one-row DataFrame of the evidence scores as the evidence does on its own.

    Parameters
    ----------
    model : BaseModel
        The model, scoring one case and then a batch.
    evidence : mapping of str to object
        The case, scored as a mapping and as a one-row
        :class:`pandas.DataFrame` (an empty case as a row of no columns).

    Raises
    ------
    AssertionError
        If the two differ by more than :data:`TOLERANCE` for a condition.

    Examples
    --------
    >>> import crampnet
    >>> check_batch_agrees(crampnet.load(), {"ferritin": 30, "age": 70})
    """
    import pandas as pd

    single = _posteriors(model, evidence)
    frame = pd.DataFrame([{k: v for k, v in evidence.items()}], dtype=object) if evidence else pd.DataFrame(index=[0])
    batch = model.posteriors(frame).iloc[0]
    gap = float((single - batch.reindex(single.index)).abs().max())
    assert gap <= TOLERANCE, f"batch and single-case posteriors differ by {gap:g} for {dict(evidence)!r}"


def check_probability_agrees(model: BaseModel, evidence: Mapping[str, object]) -> None:
    """P(condition present | evidence) from ``probability`` equals ``posteriors``.

    Parameters
    ----------
    model : BaseModel
        The model, asked both ways for each condition.
    evidence : mapping of str to object
        The case the probabilities are conditioned on.

    Raises
    ------
    AssertionError
        If they differ by more than :data:`TOLERANCE` for a condition,
        named in the message.
    """
    post = _posteriors(model, evidence)
    for cond in model.conditions:
        p = model.probability({cond: True}, given=dict(evidence))
        assert abs(p - float(post[cond])) <= TOLERANCE, f"probability() gives {p!r} and posteriors() {float(post[cond])!r} for {cond} given {dict(evidence)!r}"


def check_total_probability(model: BaseModel, evidence: Mapping[str, object]) -> None:
    """Averaging over the answers to an unasked finding gives back today's posteriors.

    For the first finding ``f`` not in the evidence:
    ``sum_s P(f = s | e) P(c | e, f = s) == P(c | e)`` for every condition ``c``.
    Nothing is checked when every finding is observed.

    Parameters
    ----------
    model : BaseModel
        The model; ``f`` is the first of its findings, in its order, that
        the evidence leaves unasked.
    evidence : mapping of str to object
        The case ``e``.

    Raises
    ------
    AssertionError
        If the average moves a posterior by more than :data:`TOLERANCE`
        (the message names ``f``).

    Examples
    --------
    >>> import crampnet
    >>> check_total_probability(crampnet.load(), {"muscle_cramps": True})
    """
    from crampnet.network.evidence import resolve_id

    observed = {resolve_id(model.spec, k) for k in evidence}
    unasked = [f for f in model.findings if f not in observed]
    if not unasked:
        return
    finding = unasked[0]
    post = _posteriors(model, evidence)
    total = post * 0.0
    for state in model.states(finding):
        weight = model.probability({finding: state}, given=dict(evidence))
        if weight > 0.0:
            total = total + weight * _posteriors(model, {**evidence, finding: state}).reindex(post.index)
    gap = float((total - post).abs().max())
    assert gap <= TOLERANCE, f"averaging over {finding} moves a posterior by {gap:g} for {dict(evidence)!r}"


def _canonical(model: BaseModel, evidence: Mapping[str, object]) -> dict[str, object]:
    """Evidence with every hard value written as its state name (soft values kept)."""
    vectors = normalise(model.spec, evidence, entailed=False)
    out: dict[str, object] = {}
    for nid, vec in vectors.items():
        text = describe(model.spec, nid, vec)
        out[nid] = text if text in model.spec.nodes[nid].states else dict(zip(model.spec.nodes[nid].states, map(float, vec), strict=True))
    return out


def check_representations_agree(model: BaseModel, evidence: Mapping[str, object]) -> None:
    """Booleans, numbers and aliases give the same posteriors as the state names they stand for.

    Parameters
    ----------
    model : BaseModel
        The model that reads the values.
    evidence : mapping of str to object
        The case as given; rewritten with node ids and state names (soft
        evidence kept as likelihoods) for the comparison.

    Raises
    ------
    AssertionError
        If the rewritten case moves a posterior by more than
        :data:`TOLERANCE`.

    Examples
    --------
    >>> import crampnet
    >>> check_representations_agree(crampnet.load(), {"age": 70, "urge_to_move": True})
    """
    given = _posteriors(model, evidence)
    named = _posteriors(model, _canonical(model, evidence)).reindex(given.index)
    gap = float((given - named).abs().max())
    assert gap <= TOLERANCE, f"writing {dict(evidence)!r} with state names moves a posterior by {gap:g}"


def check_certain_condition(model: BaseModel, evidence: Mapping[str, object]) -> None:
    """Observing the leading condition present makes its posterior 1; absent makes it 0.

    Parameters
    ----------
    model : BaseModel
        The model; its most probable condition given the evidence leads.
    evidence : mapping of str to object
        The case, to which the leading condition is added observed present
        (unless its posterior is 0) and absent (unless it is 1).

    Raises
    ------
    AssertionError
        If the leading condition's posterior is then more than
        :data:`TOLERANCE` from 1 or 0.
    """
    post = _posteriors(model, evidence)
    lead = str(post.index[0])
    if float(post.iloc[0]) > 0.0:
        p = float(_posteriors(model, {**evidence, lead: True})[lead])
        assert abs(p - 1.0) <= TOLERANCE, f"P({lead} | evidence, {lead} present) = {p!r}, not 1"
    if float(post.iloc[0]) < 1.0:
        p = float(_posteriors(model, {**evidence, lead: False})[lead])
        assert abs(p) <= TOLERANCE, f"P({lead} | evidence, {lead} absent) = {p!r}, not 0"
