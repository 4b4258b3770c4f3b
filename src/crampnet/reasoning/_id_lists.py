"""Arguments that name nodes: one id or several, read as a list before each name is resolved.

``information_gain(candidates=...)``, ``log_odds_contributions(conditions=...)``
and ``next_questions(about=...)`` take one id or an iterable of ids.
:func:`id_items` reads such an argument the one way: a string is one name
(never its letters), a mapping or anything that cannot be iterated (a
number, a 0-d array) an error that names the argument. The caller resolves
each name (:func:`crampnet.network.evidence.resolve_id`); a condition's by
:func:`resolve_condition` (re-exported by :mod:`crampnet.reasoning.explain`),
a list of conditions' by :func:`condition_ids`.

Examples
--------
>>> from crampnet.reasoning._id_lists import id_items
>>> id_items("ferritin", "candidates", "information_gain")
['ferritin']
>>> id_items(("ferritin", "sodium"), "candidates", "information_gain")
['ferritin', 'sodium']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from crampnet.exceptions import EvidenceTypeError, UnknownNodeError
from crampnet.network.evidence import resolve_id, show
from crampnet.network.parts import not_listed

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["condition_ids", "id_items", "resolve_condition"]


def id_items(value: object, argument: str, function: str, *, what: str = "node") -> list[object]:
    """The names an argument holds: ``[value]`` for a string, else its items.

    Parameters
    ----------
    value : object
        What the caller gave.
    argument : str
        The argument's name, for the message (``"candidates"``).
    function : str
        The function it was given to, for the message.
    what : str, default="node"
        What each name should be, for the message (``"condition"``).

    Returns
    -------
    list of object
        The items, unchecked: the caller resolves each name.

    Raises
    ------
    EvidenceTypeError
        If ``value`` is a mapping or cannot be iterated (a number, a bool,
        a 0-d array).

    Examples
    --------
    >>> id_items(5, "candidates", "information_gain")
    Traceback (most recent call last):
        ...
    crampnet.exceptions.EvidenceTypeError: The 'candidates' argument of information_gain must be a node id or a list of them. Got 5 (int) instead.
    """
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        try:  # a 0-d array is an Iterable that cannot be iterated
            return list(value)
        except TypeError:
            pass
    msg = f"The {argument!r} argument of {function} must be a{'n' if what[0] in 'aeiou' else ''} {what} id or a list of them. Got {show(value)} ({type(value).__name__}) instead."
    raise EvidenceTypeError(msg)


def resolve_condition(model: BaseModel, condition: object, where: str = "the condition argument") -> str:
    """The condition id ``condition`` names.

    Parameters
    ----------
    model : BaseModel
        The model.
    condition : str
        A condition id or one of its aliases.
    where : str, default="the condition argument"
        Where ``condition`` was given, for the messages.

    Returns
    -------
    str
        The condition's id.

    Raises
    ------
    EvidenceTypeError
        If ``condition`` is not a string.
    UnknownNodeError
        If it names no node ("Did you mean ...?"), or a node that is not a
        condition.
    """
    nid = resolve_id(model.spec, condition, where, among=model.conditions)
    if nid not in model.conditions:
        msg = f"{nid!r} is {not_listed(model.spec.nodes, nid)}. Conditions: {', '.join(model.conditions)}."
        raise UnknownNodeError(msg, nid, [])
    return nid


def condition_ids(model: BaseModel, conditions: object) -> list[str]:
    """The condition ids ``conditions`` names (one string is one), each once in the order given.

    Parameters
    ----------
    model : BaseModel
        The model whose conditions ``conditions`` names.
    conditions : object
        What the caller gave: a condition id or alias, or an iterable of them.

    Returns
    -------
    list of str
        The condition ids, a repeated one kept at its first place.

    Raises
    ------
    EvidenceTypeError
        If ``conditions`` is a mapping or not iterable, or holds a non-string.
    UnknownNodeError
        If an item names no condition ("Did you mean ...?").
    """
    names = id_items(conditions, "conditions", "log_odds_contributions", what="condition")
    return list(dict.fromkeys(resolve_condition(model, name, "the 'conditions' argument of log_odds_contributions") for name in names))
