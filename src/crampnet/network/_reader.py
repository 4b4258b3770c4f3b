"""The typed reader a network file is walked with: one place builds every error.

:class:`Reader` pops the keys it knows from the parsed TOML tables, checks
each value's type and range, and raises
:class:`~crampnet.exceptions.NetworkFileError` naming the file and the place
(``nodes.x.cpd.links[0]``) on anything else, unknown keys included. It reads
the shared building blocks of the format (``networks/FORMAT.md``): strings,
finite numbers, provenance, ranged parameters and distributions over a
node's states. The file's structure is read in :mod:`crampnet.network.spec`,
the conditional distributions in :mod:`crampnet.network._cpd_readers`.

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

import math
import reprlib
from collections.abc import Mapping
from typing import Any

from crampnet.exceptions import NetworkFileError
from crampnet.exceptions import hint as _hint
from crampnet.network.records import Dist, Param, Provenance, Source

__all__ = ["Reader"]

#: Longest place (``where``) an error message quotes whole.
_WHERE = 200


class _Short(reprlib.Repr):
    """:func:`repr` cut short: a few levels, items and characters; huge integers by their size."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxdict, self.maxlist = 3, 4, 6
        self.maxstring, self.maxother = 60, 60

    def repr_int(self, x: int, level: int) -> str:
        # repr() of an integer of more than 4300 digits raises ValueError.
        return f"<an integer of {x.bit_length()} bits>" if x.bit_length() > 4096 else super().repr_int(x, level)


_SHORT = _Short()


class Reader:
    """Walks the parsed TOML, popping known keys and failing on anything else.

    Parameters
    ----------
    path : str
        The file's name, put at the start of every error message.
    """

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, msg: str) -> NetworkFileError:
        """The error to raise: ``msg`` at ``where`` (a dotted place; empty for the file)."""
        if len(where) > _WHERE:
            where = where[: _WHERE // 2] + "..." + where[-_WHERE // 2 :]
        text = f"{self.path}: {where}: {msg}" if where else f"{self.path}: {msg}"
        return NetworkFileError(text, self.path)

    @staticmethod
    def show(value: object) -> str:
        """``repr(value)``, shortened to a few dozen characters (for messages)."""
        return _SHORT.repr(value)

    def missing(self, where: str, key: str) -> object:
        """Raise the error for the required ``key`` missing at ``where`` (an expression)."""
        raise self.fail(where, f"missing required key {key!r}")

    def table(self, value: object, where: str) -> dict[str, Any]:
        """A copy of ``value``, which must be a TOML table."""
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a table, got {type(value).__name__}")
        return dict(value)

    def done(self, data: Mapping[str, Any], where: str, allowed: list[str]) -> None:
        """Fail on the first key left in ``data``, suggesting the nearest of ``allowed``."""
        for key in data:
            hint = _hint(key, allowed)
            raise self.fail(where, f"unknown key {self.show(key)}.{hint}")

    def text(self, data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
        """Pop the string ``key`` (required unless a ``default`` is given)."""
        if key not in data:
            if default is None:
                raise self.fail(where, f"missing required key {key!r}")
            return default
        value = data.pop(key)
        if not isinstance(value, str):
            raise self.fail(where, f"{key!r} must be a string, got {self.show(value)}")
        return value

    def number(self, value: object, where: str) -> float:
        """``value`` as a float; it must be a finite int or float (not a bool)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, f"expected a number, got {self.show(value)}")
        try:
            number = float(value)
        except OverflowError:  # an integer beyond the range of a float
            number = math.inf
        if not math.isfinite(number):
            raise self.fail(where, f"expected a finite number, got {self.show(value)}")
        return number

    def state_key(self, data: dict[str, Any], key: str, where: str, states: tuple[str, ...], defaults: tuple[str, ...]) -> str | None:
        """Pop ``key`` naming one of ``states``; without it, the first of ``defaults`` in ``states``."""
        if key in data:
            value = data.pop(key)
            if value not in states:
                raise self.fail(where, f"{key} must be one of {', '.join(states)}, got {self.show(value)}")
            return str(value)
        return next((s for s in defaults if s in states), None)

    def provenance(self, data: dict[str, Any], where: str, sources: Mapping[str, Source]) -> Provenance:
        """Pop ``source``, ``reason`` and ``note``; a judgment needs a reason."""
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
        return Provenance(source, reason, note)

    def param(self, value: object, where: str, sources: Mapping[str, Source], *, probability: bool, key: str = "value") -> Param:
        """A number with its optional ``low``/``high`` range and provenance."""
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
        """A distribution over ``states`` (missing states get 0) with provenance, and a weight if ``weighted``."""
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
        """Pop a mixture ``weight``: a number, or ``{ value, low, high }``; it shares the distribution's provenance."""
        raw = data.pop("weight", None) if "weight" in data else self.missing(where, "weight")
        spot = f"{where}.weight"
        body = dict(self.table(raw, spot)) if isinstance(raw, dict) else {"value": raw}
        unknown = sorted(set(body) - {"value", "low", "high"})
        if unknown:
            raise self.fail(spot, f"unknown key {self.show(unknown[0])}; a weight table takes value, low and high (its source is the distribution's)")
        for key in ("source", "reason", "note"):
            if data.get(key) is not None:
                body[key] = data[key]
        body.setdefault("source", "")
        return self.param(body, spot, sources, probability=False)

    def entry_ranges(self, data: dict[str, Any], where: str, probs: Mapping[str, float]) -> dict[str, tuple[float, float]]:
        """Pop ``ranges``: state to a ``[low, high]`` interval holding that entry, within [0, 1].

        Since each range holds its entry and the entries sum to one, the lows
        sum to at most 1 and the highs to at least 1: the ranges always hold
        a distribution.
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
        """Pop ``entry_sources``: state to the source key that gives that entry (not ``judgment``)."""
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
