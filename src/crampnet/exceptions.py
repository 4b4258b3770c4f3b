"""Exceptions raised by crampnet.

Every exception subclasses :class:`CrampnetError` and a built-in
(:class:`ValueError` or :class:`TypeError`), so callers can catch them plainly.

Examples
--------
>>> import crampnet
>>> model = crampnet.load()
>>> try:
...     model.posteriors({"urge_to_mov": True})
... except ValueError as err:
...     print(err)
Unknown node 'urge_to_mov' in evidence. Did you mean 'urge_to_move'?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "CrampnetError",
    "EvidenceTypeError",
    "ImpossibleEvidenceError",
    "InvalidStateError",
    "InvalidValueError",
    "NetworkFileError",
    "UnknownNodeError",
    "did_you_mean",
]


def did_you_mean(key: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The names closest to ``key``: close spellings, else names containing it.

    Parameters
    ----------
    key : str
        The name that was not found.
    names : iterable of str
        The names it could have meant.
    n : int, default=3
        At most how many to suggest.

    Returns
    -------
    list of str
        Up to ``n`` of ``names``: those spelled close to ``key`` (difflib's
        ratio of at least 0.6), best first; if none is, those that contain
        ``key`` written in lower case, or that it contains, in the order of
        ``names``. Empty for a blank ``key``.

    Examples
    --------
    >>> did_you_mean("urge_to_mov", ["urge_to_move", "edema"])
    ['urge_to_move']
    >>> did_you_mean("older", ["adults", "older_adults"])
    ['older_adults']
    >>> did_you_mean("", ["adults", "older_adults"])
    []
    """
    names = list(names)
    if not key.strip():  # every name contains the empty string: suggest none
        return []
    close = difflib.get_close_matches(key, names, n=n, cutoff=0.6)
    if not close:
        low = key.lower()
        close = [name for name in names if low in name or name in low][:n]
    return close


def hint(key: str, names: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` for the closest names, or an empty string."""
    close = did_you_mean(key, names)
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""


class CrampnetError(Exception):
    """Base class of every error crampnet raises on purpose."""


class UnknownNodeError(CrampnetError, ValueError):
    """A node id that the network does not have.

    Attributes
    ----------
    node : str
        The id that was given.
    suggestions : list of str
        The closest valid ids, best first (may be empty).
    """

    def __init__(self, msg: str, node: str, suggestions: list[str]) -> None:
        super().__init__(msg)
        self.node = node
        self.suggestions = suggestions


class InvalidStateError(CrampnetError, ValueError):
    """A state name, boolean or number that does not fit the node.

    Attributes
    ----------
    node : str
        The node the value was given for.
    value : object
        The value that was given.
    valid : list of str
        The node's valid states.
    """

    def __init__(self, msg: str, node: str, value: object, valid: list[str]) -> None:
        super().__init__(msg)
        self.node = node
        self.value = value
        self.valid = valid


class InvalidValueError(CrampnetError, ValueError):
    """An argument with a value crampnet cannot use (NaN, out of range, ...)."""


class EvidenceTypeError(CrampnetError, TypeError):
    """Evidence, or a value in it, of a type crampnet does not accept."""


class ImpossibleEvidenceError(CrampnetError, ValueError):
    """Evidence whose probability under the network is zero.

    Attributes
    ----------
    conflicting : list of str
        The evidence entries that cannot hold together.
    row : object or None
        In a batch, the index label of the offending case.
    """

    def __init__(
        self, msg: str, conflicting: list[str], row: object | None = None
    ) -> None:
        super().__init__(msg)
        self.conflicting = conflicting
        self.row = row


class NetworkFileError(CrampnetError, ValueError):
    """A network file that is malformed, hostile or inconsistent.

    Attributes
    ----------
    path : str
        The file (or resource name) that was being read.
    """

    def __init__(self, msg: str, path: str) -> None:
        super().__init__(msg)
        self.path = path
