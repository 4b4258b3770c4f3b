"""The names, reasons and error makers that the file readers and the writer share.

:func:`shown` cuts a very long file name for a message and :func:`escaped`
writes what is not printable as Python escapes it; the private helpers
check that a path is a str or os.PathLike of str, name the kind of a file
that is not a regular one, and give the operating system's reason for an
``OSError``. :data:`ErrorFactory` is the type of the ``error`` argument of
:mod:`crampnet._files` and :mod:`crampnet._file_write`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable

from crampnet.exceptions import EvidenceTypeError, InvalidValueError

__all__ = ["ErrorFactory", "escaped", "shown"]

#: Makes the error to raise from a message and the file's name.
ErrorFactory = Callable[[str, str], Exception]

_CHUNK = 1 << 16
_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _value_error(msg: str, path: str) -> Exception:
    return InvalidValueError(msg)


def escaped(text: str) -> str:
    r"""``text`` with each character that is not printable written as Python escapes it: one line of plain text.

    A newline, a terminal's escape, a bidirectional override or a byte that
    was not UTF-8 can then neither move nor clear a terminal nor reorder
    what it shows.

    Parameters
    ----------
    text : str
        The text, from a file name or an answer read from a file.

    Returns
    -------
    str
        ``text`` itself when every character is printable.

    Examples
    --------
    >>> escaped("case.json"), escaped("\x1b[2Jyes\rno")
    ('case.json', '\\x1b[2Jyes\\rno')
    """
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def shown(path: str) -> str:
    r"""The file name for a message: whole, or its start and end when it is very long.

    Parameters
    ----------
    path : str
        The file name.

    Returns
    -------
    str
        ``path`` itself if it has at most 160 characters, else its first 100
        and last 40 characters around "..." and its length in characters;
        a character that is not printable (a newline, a terminal's escape,
        a byte that was not UTF-8) is written as Python escapes it, so that
        the message stays one line of plain text.

    Examples
    --------
    >>> shown("case.json"), len(shown("x" * 5000)) < 200, shown("a\nb.json")
    ('case.json', True, 'a\\nb.json')
    """
    path = escaped(path)
    return path if len(path) <= 160 else f"{path[:100]}...{path[-40:]} ({len(path)} characters)"


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _name(path: object, what: str) -> str:
    name = os.fspath(path) if isinstance(path, str | os.PathLike) else None
    if not isinstance(name, str):
        msg = f"The path of the {what} must be a str or os.PathLike of str. Got {path!r} ({type(path).__name__}) instead."
        raise EvidenceTypeError(msg)
    return name


def _reason(err: OSError | ValueError) -> str:
    return (err.strerror if isinstance(err, OSError) else None) or str(err) or type(err).__name__
