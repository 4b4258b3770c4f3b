"""An argument that names one node or several, read as a list before each name is resolved.

``information_gain(candidates=...)``, ``log_odds_contributions(conditions=...)``
and ``next_questions(about=...)`` take one id or an iterable of ids.
:func:`id_items` reads such an argument the one way: a string is one name
(never its letters), a mapping or anything that cannot be iterated (a
number, a 0-d array) an error that names the argument. The caller resolves
each name (:func:`crampnet.network.evidence.resolve_id`).

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

from crampnet.exceptions import EvidenceTypeError
from crampnet.network.evidence import show

__all__ = ["id_items"]


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
