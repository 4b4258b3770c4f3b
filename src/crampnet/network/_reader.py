"""The typed reader a network file is walked with: one place builds every error.

:class:`Reader` pops the keys it knows from the parsed TOML tables, checks
each value's type and range, and raises
:class:`~crampnet.exceptions.NetworkFileError` naming the file and the place
(``nodes.x.cpd.links[0]``) on anything else, unknown keys included. It reads
the shared building blocks of the format (``networks/FORMAT.md``): strings,
finite numbers, provenance, ranged parameters and distributions over a
node's states. The file's structure is read in :mod:`crampnet.network.spec`,
the conditional distributions in :mod:`crampnet.network._cpd_readers`.
The errors and the checks of plain values are inherited from
:class:`~crampnet.network._walker.Walker`.

Examples
--------
>>> from crampnet.network._reader import Reader
>>> reader = Reader("tiny.toml")
>>> reader.param({"value": 0.3, "low": 0.2, "high": 0.4, "source": "judgment", "reason": "example"}, "nodes.a.cpd.leak", {}, probability=True).value
0.3
>>> reader.number("many", "nodes.a.valid")
Traceback (most recent call last):
    ...
crampnet.exceptions.NetworkFileError: tiny.toml: nodes.a.valid: expected a number, got 'many'
>>> reader.number(10**400, "nodes.a.valid")
Traceback (most recent call last):
    ...
crampnet.exceptions.NetworkFileError: tiny.toml: nodes.a.valid: expected a finite number, got 100000000000000000...0000000000000000000

Values are quoted in messages by :meth:`Reader.show`, which shortens them:
a hostile file may hold megabyte strings, lists nested hundreds deep, or
integers too long for :func:`repr`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crampnet._files import escaped
from crampnet.exceptions import NetworkFileError
from crampnet.exceptions import hint as _hint
from crampnet.network._walker import Walker
from crampnet.network.records import Dist, Param, Provenance, Source

__all__ = ["Reader"]


class Reader(Walker):
    """Walks the parsed TOML, popping known keys and failing on anything else.

    The errors and the plain values (tables, strings, numbers, states) are
    :class:`~crampnet.network._walker.Walker`'s; this class reads the
    format's building blocks on them.

    Parameters
    ----------
    path : str
        The file's name, put at the start of every error message with each
        character that is not printable (a newline, a terminal's escape)
        written as Python escapes it; the errors' ``path`` is the name as
        given.
    """

    def __init__(self, path: str) -> None:
        super().__init__(escaped(path))  # a name holding ESC[2J or a newline must not drive the terminal that prints an error
        self.file = path

    def fail(self, where: str, msg: str) -> NetworkFileError:
        """The error to raise: ``msg`` at ``where``, its message naming the file escaped, its ``path`` the name as given.

        Parameters
        ----------
        where : str
            The place in the file (``nodes.x.cpd.links[0]``); empty for the
            whole file.
        msg : str
            What is wrong.

        Returns
        -------
        NetworkFileError
            The error (not raised), as ``Walker.fail`` makes it, its
            ``path`` set back to the name as given.
        """
        err = super().fail(where, msg)
        err.path = self.file
        return err

    def provenance(self, data: dict[str, Any], where: str, sources: Mapping[str, Source]) -> Provenance:
        """Pop ``source``, ``reason`` and ``note``; a judgment needs a reason.

        Parameters
        ----------
        data : dict of str to Any
            The table; the three keys are popped from it.
        where : str
            The table's place in the file.
        sources : mapping of str to Source
            The file's ``[sources]``, by key.

        Returns
        -------
        Provenance
            ``(source, reason, note)``, the last two None where absent.

        Raises
        ------
        NetworkFileError
            If ``source`` is missing or not a string, ``reason`` or ``note``
            is not a string or is blank, a ``"judgment"`` gives no reason,
            or another source is not a key of ``sources``.
        """
        source = self.text(data, "source", where)
        reason = data.pop("reason", None)
        note = data.pop("note", None)
        for key, value in (("reason", reason), ("note", note)):
            if value is not None and not isinstance(value, str):
                raise self.fail(where, f"{key!r} must be a string, got {self.show(value)}")
        if source == "judgment":
            if not reason or not reason.strip():
                raise self.fail(where, "a judgment must give a 'reason'")
        elif source not in sources:
            hint = _hint(source, list(sources))
            raise self.fail(where, f"source {self.show(source)} is not a key of [sources].{hint}")
        self.not_blank(reason, "reason", where)
        self.not_blank(note, "note", where)
        return Provenance(source, reason, note)

    def param(self, value: object, where: str, sources: Mapping[str, Source], *, probability: bool, key: str = "value") -> Param:
        """A number with its optional ``low``/``high`` range and provenance.

        Parameters
        ----------
        value : object
            The parameter's table: ``key``, optional ``low`` and ``high``,
            and the keys of :meth:`provenance`.
        where : str
            Its place in the file.
        sources : mapping of str to Source
            The file's ``[sources]``, by key.
        probability : bool
            Whether the number is a probability (in [0, 1], as its range);
            otherwise it must be > 0 (an odds ratio or a weight).
        key : str, default="value"
            The key of the number.

        Returns
        -------
        Param
            The number, its provenance, and ``low`` and ``high`` (None where
            not given).

        Raises
        ------
        NetworkFileError
            If ``value`` is not a table, lacks ``key``, holds a value out of
            bounds, a range that does not contain the number, a bad
            provenance, or an unknown key.
        """
        data = self.table(value, where)
        number = self.number(data.pop(key, None) if key in data else self.missing(where, key), where)
        if probability and not 0.0 <= number <= 1.0:
            raise self.fail(where, f"{key} must be a probability in [0, 1], got {number}")
        if not probability and number <= 0.0:
            raise self.fail(where, f"{key} must be > 0, got {number}")
        low = self.number(data.pop("low"), where) if "low" in data else None
        high = self.number(data.pop("high"), where) if "high" in data else None
        if (low is not None and low > number) or (high is not None and high < number):
            raise self.fail(where, f"range low={low}, high={high} does not contain {key}={number}")
        if probability and any(b is not None and not 0.0 <= b <= 1.0 for b in (low, high)):
            raise self.fail(where, f"range low={low}, high={high} must lie in [0, 1]")
        prov = self.provenance(data, where, sources)
        self.done(data, where, [key, "low", "high", "source", "reason", "note"])
        return Param(number, prov, low, high)

    def dist(self, value: object, where: str, states: tuple[str, ...], sources: Mapping[str, Source], *, weighted: bool = False) -> Dist:
        """A distribution over ``states`` (missing states get 0) with provenance, and a weight if ``weighted``.

        Parameters
        ----------
        value : object
            The distribution's table: ``probabilities``, the keys of
            :meth:`provenance`, optional ``entry_sources`` and ``ranges``, and
            ``weight`` if ``weighted``.
        where : str
            Its place in the file.
        states : tuple of str
            The node's states.
        sources : mapping of str to Source
            The file's ``[sources]``, by key.
        weighted : bool, default=False
            Whether the distribution is one of a mixture's, which needs a
            ``weight`` (:meth:`weight`); others may not have one.

        Returns
        -------
        Dist
            The probabilities by state in the order of ``states``, the
            provenance, the weight (None unless ``weighted``), the entry
            sources and the entry ranges (both empty where not given).

        Raises
        ------
        NetworkFileError
            If ``value`` or its ``probabilities`` is not a table, a state is
            unknown, a probability is not in [0, 1], they do not sum to 1
            (within 1e-9), the weight, entry sources, ranges or provenance
            are wrong, ``entry_sources`` repeats the distribution's source,
            or a key is unknown.
        """
        data = self.table(value, where)
        probs_raw = self.table(data.pop("probabilities", None) if "probabilities" in data else self.missing(where, "probabilities"), f"{where}.probabilities")
        probs: dict[str, float] = {}
        for state, number in probs_raw.items():
            if state not in states:
                raise self.fail(where, f"unknown state {self.show(state)}; valid states: {', '.join(states)}")
            probs[state] = self.number(number, f"{where}.probabilities.{state}")
            if not 0.0 <= probs[state] <= 1.0:
                raise self.fail(where, f"probability of {state!r} must be in [0, 1], got {probs[state]}")
        for state in states:
            probs.setdefault(state, 0.0)
        total = sum(probs.values())
        if abs(total - 1.0) > 1e-9:
            raise self.fail(where, f"probabilities must sum to 1, they sum to {total!r}")
        weight = None
        if weighted:
            weight = self.weight(data, where, sources)
        elif "weight" in data:
            raise self.fail(where, "'weight' is only for the distributions of a mixture")
        entry_sources = self.entry_sources(data, where, states, sources)
        ranges = self.entry_ranges(data, where, probs)
        prov = self.provenance(data, where, sources)
        if prov.source in entry_sources.values():
            raise self.fail(where, f"entry_sources repeats the distribution's own source {self.show(prov.source)}; name only entries another source gives")
        self.done(data, where, ["probabilities", "source", "reason", "note", "entry_sources", "ranges"])
        return Dist({s: probs[s] for s in states}, prov, weight, entry_sources, ranges)

    def weight(self, data: dict[str, Any], where: str, sources: Mapping[str, Source]) -> Param:
        """Pop a mixture ``weight``: a number, or ``{ value, low, high }``; it shares the distribution's provenance.

        Parameters
        ----------
        data : dict of str to Any
            The distribution's table; ``weight`` is popped from it, its
            ``source``, ``reason`` and ``note`` are read and left.
        where : str
            The distribution's place in the file.
        sources : mapping of str to Source
            The file's ``[sources]``, by key.

        Returns
        -------
        Param
            The weight, > 0, with its range and the distribution's provenance.

        Raises
        ------
        NetworkFileError
            If ``weight`` is missing, a weight table has a key other than
            ``value``, ``low`` and ``high``, the distribution has no
            ``source``, or :meth:`param` fails on it.
        """
        raw = data.pop("weight", None) if "weight" in data else self.missing(where, "weight")
        spot = f"{where}.weight"
        body = dict(self.table(raw, spot)) if isinstance(raw, dict) else {"value": raw}
        unknown = sorted(set(body) - {"value", "low", "high"})
        if unknown:
            raise self.fail(spot, f"unknown key {self.show(unknown[0])}; a weight table takes value, low and high (its source is the distribution's)")
        if data.get("source") is None:
            self.missing(where, "source")  # the distribution's, which its weight shares: named there, not at the weight
        for key in ("source", "reason", "note"):
            if data.get(key) is not None:
                body[key] = data[key]
        return self.param(body, spot, sources, probability=False)

    def entry_ranges(self, data: dict[str, Any], where: str, probs: Mapping[str, float]) -> dict[str, tuple[float, float]]:
        """Pop ``ranges``: state to a ``[low, high]`` interval holding that entry, within [0, 1].

        Since each range holds its entry and the entries sum to one, the lows
        sum to at most 1 and the highs to at least 1: the ranges always hold
        a distribution.

        Parameters
        ----------
        data : dict of str to Any
            The distribution's table; ``ranges`` is popped from it.
        where : str
            The distribution's place in the file.
        probs : mapping of str to float
            The distribution's probabilities, by state (every state).

        Returns
        -------
        dict of str to tuple of (float, float)
            ``(low, high)`` by state, for the states given; empty without
            ``ranges``.

        Raises
        ------
        NetworkFileError
            If ``ranges`` is not a table, names an unknown state, or a range
            is not a list of two numbers with ``0 <= low <= high <= 1`` that
            holds its probability.
        """
        if "ranges" not in data:
            return {}
        raw = self.table(data.pop("ranges"), f"{where}.ranges")
        out: dict[str, tuple[float, float]] = {}
        for state, pair in raw.items():
            spot = f"{where}.ranges.{state}"
            if state not in probs:
                raise self.fail(where, f"ranges: unknown state {self.show(state)}; valid states: {', '.join(probs)}")
            if not isinstance(pair, list) or len(pair) != 2:
                raise self.fail(spot, f"a range must be a list [low, high], got {self.show(pair)}")
            low, high = (self.number(x, spot) for x in pair)
            if not 0.0 <= low <= high <= 1.0:
                raise self.fail(spot, f"range [{low}, {high}] must satisfy 0 <= low <= high <= 1")
            if not low <= probs[state] <= high:
                raise self.fail(spot, f"range [{low}, {high}] does not contain the probability {probs[state]}")
            out[state] = (low, high)
        return out

    def entry_sources(self, data: dict[str, Any], where: str, states: tuple[str, ...], sources: Mapping[str, Source]) -> dict[str, str]:
        """Pop ``entry_sources``: state to the source key that gives that entry (not ``judgment``).

        Parameters
        ----------
        data : dict of str to Any
            The distribution's table; ``entry_sources`` is popped from it.
        where : str
            The distribution's place in the file.
        states : tuple of str
            The node's states.
        sources : mapping of str to Source
            The file's ``[sources]``, by key.

        Returns
        -------
        dict of str to str
            Source key by state, for the states given; empty without
            ``entry_sources``.

        Raises
        ------
        NetworkFileError
            If ``entry_sources`` is not a table, names an unknown state, or
            gives a value that is not a key of ``sources``.
        """
        if "entry_sources" not in data:
            return {}
        raw = self.table(data.pop("entry_sources"), f"{where}.entry_sources")
        out: dict[str, str] = {}
        for state, key in raw.items():
            if state not in states:
                raise self.fail(where, f"entry_sources: unknown state {self.show(state)}; valid states: {', '.join(states)}")
            if not isinstance(key, str) or key not in sources:
                hint = _hint(key, list(sources)) if isinstance(key, str) else ""
                raise self.fail(where, f"entry_sources.{state}: {self.show(key)} is not a key of [sources] (an entry a source gives; the rest keep the distribution's 'source').{hint}")
            out[state] = key
        return out
