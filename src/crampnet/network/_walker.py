"""The walk of parsed TOML: errors that name the file and the place, and the checks of plain values.

:class:`Walker` is the base of :class:`~crampnet.network._reader.Reader`:
it builds every :class:`~crampnet.exceptions.NetworkFileError` of a network
file (:meth:`Walker.fail`), quotes values in messages shortened
(:meth:`Walker.show`), and checks the plain values of the format: tables,
strings, finite numbers, a state among a node's, no key left over. The
format's own building blocks (provenance, parameters, distributions) are
read by :class:`~crampnet.network._reader.Reader`.

Examples
--------
>>> from crampnet.network._walker import Walker
>>> walker = Walker("tiny.toml")
>>> data = {"model": "noisy_or", "colour": "red"}
>>> walker.text(data, "model", "nodes.a.cpd")
'noisy_or'
>>> walker.done(data, "nodes.a.cpd", ["model", "leak", "links"])
Traceback (most recent call last):
    ...
crampnet.exceptions.NetworkFileError: tiny.toml: nodes.a.cpd: unknown key 'colour'.
"""

from __future__ import annotations

import math
import reprlib
import sys
import unicodedata
from collections.abc import Mapping
from typing import Any

from crampnet.exceptions import NetworkFileError
from crampnet.exceptions import hint as _hint
from crampnet.network._budget import MAX_NAME
from crampnet.network._control import CONTROL as _CONTROL
from crampnet.network._control import holds_control
from crampnet.network._literals import read_float, unfit

__all__ = ["Walker"]

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


class Walker:
    """Walks the parsed TOML, popping known keys and failing on anything else.

    Parameters
    ----------
    path : str
        The file's name, put at the start of every error message.
    """

    #: The parser's ``parse_float``: marks a number no float holds (:mod:`crampnet.network._literals`).
    read_float = staticmethod(read_float)

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, msg: str) -> NetworkFileError:
        """The error to raise: ``msg`` at ``where`` (a dotted place; empty for the file).

        Parameters
        ----------
        where : str
            The place in the file, such as ``nodes.x.cpd.links[0]``; one of
            more than 200 characters is cut in its middle. Empty for the
            whole file.
        msg : str
            What is wrong.

        Returns
        -------
        NetworkFileError
            The error (not raised), its message ``"<path>: <where>: <msg>"``
            (``"<path>: <msg>"`` without a place), its ``path`` the file's.
        """
        if len(where) > _WHERE:
            where = where[: _WHERE // 2] + "..." + where[-_WHERE // 2 :]
        text = f"{self.path}: {where}: {msg}" if where else f"{self.path}: {msg}"
        return NetworkFileError(text, self.path)

    @staticmethod
    def show(value: object) -> str:
        """``repr(value)``, shortened to a few dozen characters (for messages).

        Parameters
        ----------
        value : object
            Any value of a parsed file, however large or deep.

        Returns
        -------
        str
            Its :func:`repr` cut short (:class:`reprlib.Repr`): a string or
            other value to about 60 characters, a list to 6 items, a table
            to 4, three levels deep, and an integer of more than 4096 bits
            given by its size.
        """
        return _SHORT.repr(value)

    def bad_name(self, where: str, what: str, name: object) -> NetworkFileError:
        """The error for ``name``, given as ``what``, that is not lower snake case of at most :data:`MAX_NAME` characters.

        The message says the rule, quotes the name shortened and, for one
        too long, gives its length.

        Parameters
        ----------
        where : str
            The place in the file (``"nodes.rls.states"``).
        what : str
            What the name is, for the message (``"a state"``).
        name : object
            The name as the file gives it.

        Returns
        -------
        NetworkFileError
            The error, for the caller to raise.
        """
        size = f" ({len(name):,} characters)" if isinstance(name, str) and len(name) > MAX_NAME else ""
        return self.fail(where, f"{what} must be lower snake case of at most {MAX_NAME} characters, got {self.show(name)}{size}")

    def missing(self, where: str, key: str) -> object:
        """Raise the error for the required ``key`` missing at ``where`` (an expression).

        Parameters
        ----------
        where : str
            The place of the table that lacks the key.
        key : str
            The missing key.

        Returns
        -------
        object
            Never returns: typed so that it can stand where the key's value
            is read (``data.pop(key) if key in data else missing(...)``).

        Raises
        ------
        NetworkFileError
            Always.
        """
        raise self.fail(where, f"missing required key {key!r}")

    def table(self, value: object, where: str) -> dict[str, Any]:
        """A copy of ``value``, which must be a TOML table.

        Parameters
        ----------
        value : object
            The value read.
        where : str
            Its place in the file, for the error.

        Returns
        -------
        dict of str to Any
            A shallow copy of ``value``, whose keys the caller may pop.

        Raises
        ------
        NetworkFileError
            If ``value`` is not a table (a dict).
        """
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a table, got {type(value).__name__}")
        return dict(value)

    def done(self, data: Mapping[str, Any], where: str, allowed: list[str]) -> None:
        """Fail on the first key left in ``data``, suggesting the nearest of ``allowed``.

        Parameters
        ----------
        data : mapping of str to Any
            A table whose known keys have been popped.
        where : str
            Its place in the file.
        allowed : list of str
            The keys the table takes, for the suggestion.

        Raises
        ------
        NetworkFileError
            If ``data`` has a key left.
        """
        for key in data:
            hint = _hint(key, allowed)
            raise self.fail(where, f"unknown key {self.show(key)}.{hint}")

    def text(self, data: dict[str, Any], key: str, where: str, default: str | None = None, *, shown: bool = False) -> str:
        """Pop the string ``key`` (required unless a ``default`` is given).

        A text ``shown`` to readers (a label, a citation) must not be blank:
        it would show as an empty cell in the report and the HTML, where
        ``label or id`` takes ``"  "`` for a label. Leaving the key out gives
        ``default`` instead.

        Parameters
        ----------
        data : dict of str to Any
            The table; ``key`` is popped from it.
        key : str
            The key to read.
        where : str
            The table's place in the file.
        default : str, optional
            The value when ``key`` is absent; None (the default) makes the
            key required.
        shown : bool, default=False
            Whether the text is shown to readers; a given one must then not
            be blank (empty or only whitespace).

        Returns
        -------
        str
            The key's value, or ``default``.

        Raises
        ------
        NetworkFileError
            If the key is absent without a default, its value is not a
            string, or it is ``shown`` and blank.
        """
        if key not in data:
            if default is None:
                raise self.fail(where, f"missing required key {key!r}")
            return default
        value = data.pop(key)
        if not isinstance(value, str):
            raise self.fail(where, f"{key!r} must be a string, got {self.show(value)}")
        if shown:
            self.not_blank(value, key, where, optional=default is not None)
        return value

    def not_blank(self, value: str | None, key: str, where: str, *, optional: bool = True) -> None:
        """Fail if the text ``value`` given for ``key`` is blank (empty or only whitespace).

        Parameters
        ----------
        value : str or None
            The text read; None (the key absent) passes.
        key : str
            Its key, named in the error.
        where : str
            The table's place in the file.
        optional : bool, default=True
            Whether the key may be left out (the error then says so).

        Raises
        ------
        NetworkFileError
            If ``value`` is a blank string.
        """
        if value is not None and not value.strip():
            advice = "give the text, or leave the key out" if optional else "give the text"
            raise self.fail(where, f"{key!r} must not be blank, got {self.show(value)}: {advice}")

    def number(self, value: object, where: str) -> float:
        """``value`` as a float; it must be a finite int or float (not a bool).

        Parameters
        ----------
        value : object
            The value read.
        where : str
            Its place in the file.

        Returns
        -------
        float
            ``float(value)``, finite.

        Raises
        ------
        NetworkFileError
            If ``value`` is not an int or float, is a bool, was written as a
            number no float holds (``1e-400``, read as 0.0), is not finite
            (an infinity, NaN, or an integer beyond the range of a float), or
            is subnormal (nonzero and below ``sys.float_info.min``, about
            2.2e-308, where a float keeps fewer significant digits: 5e-324
            has one bit, and every product with it is rounded to a power of
            two before any rescaling could act).
        """
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, f"expected a number, got {self.show(value)}")
        why = unfit(value)
        if why is not None:  # 1e-400 or 1e400 in the text, read as 0.0 or inf
            raise self.fail(where, f"{why}. Write 0 where zero is meant, else a number from 2.23e-308 to 1.8e308 in size (an odds ratio or a weight must be positive and finite)")
        try:
            number = float(value)
        except OverflowError:  # an integer beyond the range of a float
            number = math.inf
        if not math.isfinite(number):
            raise self.fail(where, f"expected a finite number, got {self.show(value)}")
        if 0.0 < abs(number) < sys.float_info.min:
            raise self.fail(where, f"{number!r} is below {sys.float_info.min:.3g}, the smallest float with full precision: it keeps too few digits for exact tables and posteriors. Give 0, or a number of at least {sys.float_info.min:.3g}")
        return number

    def plain_text(self, document: Mapping[str, Any]) -> None:
        """Fail on the first key or string of ``document`` that holds a control character.

        Labels, descriptions and notes are printed by the command line and
        written into exports: an escape sequence there would drive the
        user's terminal, and XML cannot hold most control characters.
        Tab, newline and carriage return are text.

        Parameters
        ----------
        document : mapping of str to Any
            The parsed file, walked whole (iteratively: it may be nested
            hundreds deep).

        Raises
        ------
        NetworkFileError
            Naming the place of the string (or of the table holding the key)
            and the character's code point.
        """
        if not holds_control(document):  # the usual case: no place to name, so no walk that names places
            return
        stack: list[tuple[str, object]] = [("", document)]
        while stack:  # in the order of the file: each table's and list's items are pushed last first
            where, value = stack.pop()
            if isinstance(value, dict):
                for key, item in reversed(value.items()):
                    if found := _CONTROL.search(key) or next((c for c in key if unicodedata.category(c) == "Cf"), None):
                        raise self.fail(where, f"a control character (U+{ord(found if isinstance(found, str) else found.group()):04X}) in the key {self.show(key)}; a network file's text holds none")
                    stack.append((f"{where}.{key}" if where else key, item))
            elif isinstance(value, list):
                stack.extend((f"{where}[{i}]", value[i]) for i in reversed(range(len(value))))
            elif isinstance(value, str) and (found := _CONTROL.search(value)):
                raise self.fail(where, f"a control character (U+{ord(found.group()):04X}) in {self.show(value)}; a network file's text holds none")

    def state_key(self, data: dict[str, Any], key: str, where: str, states: tuple[str, ...], defaults: tuple[str, ...]) -> str | None:
        """Pop ``key`` naming one of ``states``; without it, the first of ``defaults`` in ``states``.

        Parameters
        ----------
        data : dict of str to Any
            The table; ``key`` is popped from it.
        key : str
            The key to read (such as ``positive``).
        where : str
            The table's place in the file.
        states : tuple of str
            The node's states.
        defaults : tuple of str
            The states to fall back on, in order of preference.

        Returns
        -------
        str or None
            The state named by ``key``; without the key, the first of
            ``defaults`` that is among ``states``, or None if none is.

        Raises
        ------
        NetworkFileError
            If the key's value is not one of ``states``.
        """
        if key in data:
            value = data.pop(key)
            if value not in states:
                raise self.fail(where, f"{key} must be one of {', '.join(states)}, got {self.show(value)}")
            return str(value)
        return next((s for s in defaults if s in states), None)
