"""Check evidence and turn it into likelihood vectors.

Evidence maps node ids (or an alias such as ``age``) to a state name,
``True``/``False`` (yes/no, present/absent, positive/negative), a number (for
nodes with numeric bands, e.g. ``ferritin``), or a mapping ``{state:
likelihood}`` (soft evidence). Anything else is an error that says what was
given and what is allowed; nothing is silently dropped.

Examples
--------
>>> import crampnet
>>> from crampnet.network.evidence import normalise
>>> spec = crampnet.load().spec
>>> normalise(spec, {"ferritin": 32, "age": 70})["ferritin"].tolist()
[1.0, 0.0]
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping

import numpy as np

from crampnet.exceptions import (
    EvidenceTypeError,
    InvalidStateError,
    InvalidValueError,
    UnknownNodeError,
    did_you_mean,
)
from crampnet.network.spec import NetworkSpec, Node

__all__ = ["band", "describe", "interpret", "normalise", "resolve_id", "state_vector"]

#: What a person types for yes and no (see :func:`interpret`).
_YES = ("yes", "y", "true", "present", "positive")
_NO = ("no", "n", "false", "absent", "negative")


def resolve_id(spec: NetworkSpec, key: object, what: str = "evidence") -> str:
    """The node id that ``key`` names (an id or an alias).

    Raises
    ------
    EvidenceTypeError
        If ``key`` is not a string.
    UnknownNodeError
        If no node has that id or alias; the message suggests the closest.
    """
    if not isinstance(key, str):
        msg = f"Node ids in {what} must be strings. Got {key!r} ({type(key).__name__}) instead."
        raise EvidenceTypeError(msg)
    if key in spec.nodes:
        return key
    for node in spec.nodes.values():
        if key in node.aliases:
            return node.id
    names = list(spec.nodes) + [a for n in spec.nodes.values() for a in n.aliases]
    close = did_you_mean(key, names)
    hint = " Did you mean " + " or ".join(repr(c) for c in close) + "?" if close else " See model.findings, model.conditions and model.context for the ids."
    msg = f"Unknown node {key!r} in {what}.{hint}"
    raise UnknownNodeError(msg, key, close)


def band(node: Node, value: float) -> str:
    """The state of ``node`` that the number ``value`` falls in.

    Raises
    ------
    InvalidValueError
        If ``value`` is NaN, infinite or outside the node's valid range.
    InvalidStateError
        If the node does not accept numbers.
    """
    if not node.bands or node.valid is None:
        msg = f"{node.id} does not accept a number (got {value!r}); its states are {', '.join(node.states)}."
        raise InvalidStateError(msg, node.id, value, list(node.states))
    if not math.isfinite(value):
        msg = f"{node.id} must be a finite number. Got {value!r} instead."
        raise InvalidValueError(msg)
    low, high = node.valid
    if not low <= value <= high:
        unit = f" {node.unit}" if node.unit else ""
        msg = f"{node.id} = {value!r} is outside the plausible range {low:g} to {high:g}{unit}."
        raise InvalidValueError(msg)
    for b in node.bands:
        if (b.below is not None and value < b.below) or (b.up_to is not None and value <= b.up_to):
            return b.state
    return node.bands[-1].state


def state_vector(node: Node, value: object) -> np.ndarray:
    """The likelihood vector over ``node.states`` that ``value`` stands for."""
    card = len(node.states)
    if isinstance(value, bool | np.bool_):
        state = node.positive if value else node.negative
        if state is None:
            msg = f"{node.id} takes one of {', '.join(node.states)}; True and False are accepted only for yes/no, present/absent or positive/negative nodes. Got {value!r}."
            raise InvalidStateError(msg, node.id, value, list(node.states))
        return _indicator(node, state)
    if isinstance(value, str):
        if value in node.states:
            return _indicator(node, value)
        close = difflib.get_close_matches(value.lower(), list(node.states), n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        msg = f"{value!r} is not a state of {node.id}. Valid states: {', '.join(node.states)}.{hint}"
        raise InvalidStateError(msg, node.id, value, list(node.states))
    if isinstance(value, numbers.Real):
        return _indicator(node, band(node, float(value)))
    if isinstance(value, Mapping):
        vec = np.zeros(card)
        for state, weight in value.items():
            if state not in node.states:
                msg = f"Soft evidence for {node.id} names {state!r}, which is not a state. Valid states: {', '.join(node.states)}."
                raise InvalidStateError(msg, node.id, value, list(node.states))
            if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not math.isfinite(float(weight)) or float(weight) < 0:
                msg = f"Soft evidence for {node.id} must give finite non-negative likelihoods. Got {state!r}: {weight!r}."
                raise InvalidValueError(msg)
            vec[node.states.index(state)] = float(weight)
        if not vec.any():
            msg = f"Soft evidence for {node.id} gives every state likelihood 0. Got {dict(value)!r}."
            raise InvalidValueError(msg)
        return vec
    if value is None:
        msg = f"{node.id} is None. Leave a node out of the evidence to mark it unobserved; otherwise give one of {', '.join(node.states)}."
        raise EvidenceTypeError(msg)
    msg = f"Evidence for {node.id} must be a state name, True/False, a number or a mapping of state to likelihood. Got {value!r} ({type(value).__name__}) instead."
    raise EvidenceTypeError(msg)


def _indicator(node: Node, state: str) -> np.ndarray:
    vec = np.zeros(len(node.states))
    vec[node.states.index(state)] = 1.0
    return vec


def normalise(spec: NetworkSpec, evidence: object, what: str = "evidence") -> dict[str, np.ndarray]:
    """Check ``evidence`` and return one likelihood vector per observed node.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    evidence : mapping or None
        Node id (or alias) to value; ``None`` means no evidence.
    what : str, default="evidence"
        The argument's name, used in messages.

    Returns
    -------
    dict of str to numpy.ndarray
        Node id to likelihood vector over the node's states.

    Raises
    ------
    EvidenceTypeError
        If ``evidence`` is not a mapping, or a value has the wrong type.
    UnknownNodeError, InvalidStateError, InvalidValueError
        For an unknown id, a state the node does not have, or a bad number.
    """
    if evidence is None:
        return {}
    if not isinstance(evidence, Mapping):
        msg = f"The {what!r} argument must be a mapping of node id to state, e.g. {{'urge_to_move': True}}. Got {evidence!r} ({type(evidence).__name__}) instead."
        raise EvidenceTypeError(msg)
    out: dict[str, np.ndarray] = {}
    given: dict[str, str] = {}
    for key, value in evidence.items():
        nid = resolve_id(spec, key, what)
        vec = state_vector(spec.nodes[nid], value)
        if nid in out:
            if not np.array_equal(out[nid], vec):
                msg = f"{what} gives {nid} twice, as {given[nid]!r} and {key!r}, with different values."
                raise InvalidValueError(msg)
            continue
        out[nid] = vec
        given[nid] = str(key)
    return out


def describe(spec: NetworkSpec, nid: str, vec: np.ndarray) -> str:
    """A short text for an observed value: the state, or the soft likelihoods."""
    node = spec.nodes[nid]
    if np.count_nonzero(vec) == 1 and float(vec.max()) == 1.0:
        return node.states[int(np.argmax(vec))]
    return ", ".join(f"{s}:{w:g}" for s, w in zip(node.states, vec, strict=True))


def interpret(node: Node, value: object) -> object:
    """A value typed by a person, made into evidence for ``node``.

    State names are matched case-insensitively; yes/y/true and no/n/false
    mean ``True``/``False`` on a node that has a positive and a negative
    state; a number is kept for a node with numeric bands. Anything else is
    returned unchanged, so the evidence check explains what is wrong.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network.evidence import interpret
    >>> spec = crampnet.load().spec
    >>> interpret(spec.nodes["urge_to_move"], "Y"), interpret(spec.nodes["ferritin"], "30")
    (True, 30.0)
    """
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    if text in node.states:
        return text
    if node.positive is not None and text in _YES:
        return True
    if node.negative is not None and text in _NO:
        return False
    try:
        number = float(text)
    except ValueError:
        return value.strip()
    return number if node.bands else value.strip()
