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

from crampnet._synonyms import SYNONYMS

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


_FILLERS = frozenset({"a", "an", "and", "of", "or", "the", "to", "with"})


def _words(name: str) -> list[str]:
    """The words of an id, lower case, split at underscores, hyphens and spaces."""
    return [w for w in name.lower().replace("-", "_").replace(" ", "_").split("_") if w]


def _initials(name: str) -> str:
    """The first letters of an id's words (``ankle_brachial_index`` -> ``abi``)."""
    return "".join(w[0] for w in _words(name))


def did_you_mean(key: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The names closest to ``key``: its abbreviation or its words, else close spellings.

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
        Up to ``n`` of ``names``, found in this order, stopping at the first
        step that finds any:

        1. the ids a clinician's word names (``"cancer"`` for ``malignancy``;
           the module ``crampnet._synonyms``), the names equal to ``key`` but
           for case, the names of two or more words whose initials ``key`` is
           (``"DVT"`` for
           ``deep_vein_thrombosis``), and the names that have every word of a
           ``key`` of two or more words, in any order;
        2. those spelled close to ``key`` in lower case (difflib's ratio of
           at least 0.6), best first;
        3. for a ``key`` of three letters or more, those that contain it
           written in lower case, or that it contains;
        4. those sharing at least half of ``key``'s words (short fillers such
           as "or" left out), most shared first.

        Empty for a blank ``key``.

    Examples
    --------
    >>> did_you_mean("urge_to_mov", ["urge_to_move", "edema"])
    ['urge_to_move']
    >>> did_you_mean("older", ["adults", "older_adults"])
    ['older_adults']
    >>> did_you_mean("ABI", ["ankle_reflex", "ankle_brachial_index"])
    ['ankle_brachial_index']
    >>> did_you_mean("limb_cold_or_pale", ["cold_pale_limb", "edema"])
    ['cold_pale_limb']
    >>> did_you_mean("", ["adults", "older_adults"])
    []
    """
    names = list(names)
    if not key.strip():  # every name contains the empty string: suggest none
        return []
    low = key.lower()
    words = [w for w in _words(key) if w not in _FILLERS]
    meant = SYNONYMS.get("_".join(_words(key)), ())
    first = [name for name in meant if name in names] + [
        name
        for name in names
        if name.lower() == low
        or (len(low) >= 2 and len(_words(name)) >= 2 and _initials(name) == low)
        or (len(words) >= 2 and set(words) <= set(_words(name)))
    ]
    if first:
        return list(dict.fromkeys(first))[:n]
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)
    close = [by_lower[c] for c in difflib.get_close_matches(low, list(by_lower), n=n, cutoff=0.6)]
    if not close:
        close = [name for name in names if len(low) >= 3 and (low in name.lower() or name.lower() in low)][:n]
    if not close and words:
        shared = {name: len(set(words) & set(_words(name))) for name in names}
        close = sorted((name for name in names if 2 * shared[name] >= len(words) and shared[name]), key=lambda name: -shared[name])[:n]
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
