"""Read and write the files crampnet is given: bounded, named, regular files only.

Every path the library or the command line opens goes through here:

- :func:`read_bytes` and :func:`read_text` read a whole file up to a size
  cap (reading stops at the cap plus one byte, so ``/proc`` files and files
  that grow are bounded too);
- :func:`open_regular` opens a file for reading in chunks (a cohort CSV);
- :func:`write_atomic` writes a file whole or not at all: into a temporary
  file beside the target, flushed and ``fsync``-ed, then renamed over it;
- :func:`write_whole` writes to a stream (the standard output) only once
  the whole output is made, so an error half-way writes none of it.

Only regular files are read (a FIFO, a device such as ``/dev/zero`` or a
directory is refused before a byte is read), and only a regular file, or a
name that does not exist yet, is written: a symbolic link, FIFO, device or
directory at the target is refused, never replaced. Every failure is an
error naming the file and saying why (with the operating system's reason
for an ``OSError``); a failed write leaves the target as it was and no
temporary file behind.

Examples
--------
>>> import tempfile, pathlib
>>> from crampnet._files import read_text, write_atomic
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(folder / "case.json", '{"urge_to_move": true}', what="case file")
>>> read_text(folder / "case.json", limit=1000, what="case file")
'{"urge_to_move": true}'
>>> try:
...     read_text("/dev/zero", limit=1000, what="case file")
... except ValueError as err:
...     print(err)
/dev/zero: not a regular file (it is a character device); the case file must be a regular file.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from crampnet._file_names import (
    _CHUNK,
    ErrorFactory,
    _kind,
    _name,
    _reason,
    _value_error,
    escaped,
    shown,
)
from crampnet._file_write import write_atomic, write_whole

__all__ = ["ErrorFactory", "escaped", "open_regular", "read_bytes", "read_text", "shown", "write_atomic", "write_whole"]

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _open_fd(name: str, what: str, error: ErrorFactory) -> int:
    """A descriptor of the regular file ``name``, opened without blocking on a FIFO and checked with fstat."""
    try:
        fd = os.open(name, _READ_FLAGS)
    except (OSError, ValueError) as err:  # ValueError: a NUL character in the name
        msg = f"the {what}'s name is empty; give the name of a file." if not name else f"{shown(name)}: {_reason(err)}{_missing(name, what) if isinstance(err, FileNotFoundError) else ''}"
        raise error(msg, name) from err
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            msg = f"{shown(name)}: not a regular file (it is {_kind(mode)}); the {what} must be a regular file."
            raise error(msg, name)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except OSError as err:
        os.close(fd)
        msg = f"{shown(name)}: {_reason(err)}"
        raise error(msg, name) from err
    except BaseException:
        os.close(fd)
        raise
    return fd


def _missing(name: str, what: str) -> str:
    """For ``name`` that does not exist: a file beside it of a close name, or where a relative name was looked for.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "cohort.csv").write_text("urge_to_move")
    >>> print(_missing(str(folder / "cohort"), "cohort CSV").replace(str(folder), "F"))
    . Did you mean 'F/cohort.csv'?
    """
    from crampnet.exceptions import did_you_mean

    folder, base = os.path.split(name)
    try:
        with os.scandir(folder or ".") as entries:
            names = [e.name for _, e in zip(range(2000), entries, strict=False)]
    except OSError:
        names = []
    close = [n for n in names if n.lower() == base.lower() or os.path.splitext(n)[0] == base] or did_you_mean(base, names)
    if close:
        return f". Did you mean {shown(os.path.join(folder, close[0]))!r}?"
    if not os.path.isabs(name):
        return f"; check the {what}'s name: it is looked for from the current folder, {shown(os.getcwd())}"
    return f"; check the {what}'s name"


def open_regular(path: str | os.PathLike[str], *, what: str, error: ErrorFactory = _value_error) -> BinaryIO:
    """Open a regular file for reading in binary (close it: ``with``); refuse anything else.

    ``what`` says what the file is, for messages ("cohort CSV"); ``error(message,
    path)`` makes the exception (default
    :class:`~crampnet.exceptions.InvalidValueError`), raised if the file cannot
    be opened (with the operating system's reason) or is not a regular file.

    Parameters
    ----------
    path : str or os.PathLike of str
        The file to read.
    what : str
        What the file is, for messages ("case file").
    error : callable, optional
        ``error(message, path)`` makes the exception raised (default
        :class:`~crampnet.exceptions.InvalidValueError`).

    Returns
    -------
    typing.BinaryIO
        The open file (a buffered binary reader), at its start.

    Raises
    ------
    EvidenceTypeError
        If ``path`` is not a str or os.PathLike of str (a ``TypeError`` too).

    Examples
    --------
    >>> try:
    ...     open_regular("/no/such/file.csv", what="cohort CSV")
    ... except ValueError as err:
    ...     print(err)
    /no/such/file.csv: No such file or directory; check the cohort CSV's name
    """
    name = _name(path, what)
    return os.fdopen(_open_fd(name, what, error), "rb")


def read_bytes(path: str | os.PathLike[str], *, limit: int, what: str, error: ErrorFactory = _value_error) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Reading stops at ``limit + 1`` bytes, whatever the file claims its size is.

    Parameters
    ----------
    path : str or os.PathLike of str
        The file to read.
    limit : int
        The largest size accepted, in bytes.
    what : str
        What the file is, for messages ("case file").
    error : callable, optional
        ``error(message, path)`` makes the exception raised (default
        :class:`~crampnet.exceptions.InvalidValueError`).

    Returns
    -------
    bytes
        The whole content of the file.

    Raises
    ------
    EvidenceTypeError
        If ``path`` is not a str or os.PathLike of str (a ``TypeError`` too).
    InvalidValueError
        (Or what ``error`` makes.) If the file cannot be opened or read (the
        operating system's reason), is not a regular file, or is larger
        than ``limit`` bytes; the message starts with the file's name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "big.txt"
    >>> _ = path.write_bytes(b"x" * 11)
    >>> try:
    ...     read_bytes(path, limit=10, what="case file")
    ... except ValueError as err:
    ...     print(str(err).split(": ")[1])
    file is larger than 10 bytes
    """
    name = _name(path, what)
    too_large = f"{shown(name)}: file is larger than {limit} bytes"
    fd = _open_fd(name, what, error)
    try:
        if os.fstat(fd).st_size > limit:
            raise error(too_large, name)
        data = bytearray()
        while len(data) <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - len(data)))
            if not chunk:
                break
            data += chunk
    except OSError as err:
        msg = f"{shown(name)}: {_reason(err)}"
        raise error(msg, name) from err
    finally:
        os.close(fd)
    if len(data) > limit:
        raise error(too_large, name)
    return bytes(data)


def read_text(path: str | os.PathLike[str], *, limit: int, what: str, error: ErrorFactory = _value_error) -> str:
    r"""The UTF-8 text of a regular file of at most ``limit`` bytes.

    Parameters
    ----------
    path : str or os.PathLike of str
        The file to read.
    limit : int
        The largest size accepted, in bytes (of the encoded text).
    what : str
        What the file is, for messages ("case file").
    error : callable, optional
        ``error(message, path)`` makes the exception raised (default
        :class:`~crampnet.exceptions.InvalidValueError`).

    Returns
    -------
    str
        The file's text, decoded as UTF-8 (a byte-order mark is kept; line
        endings as in the file).

    Raises
    ------
    EvidenceTypeError, InvalidValueError
        As :func:`read_bytes`, and for text that is not UTF-8 (naming the
        file and the line of the first byte that is not, and saying so for
        a file that starts with a UTF-16 byte-order mark).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "latin1.csv"
    >>> _ = path.write_bytes("café au lait".encode("latin-1"))
    >>> try:
    ...     read_text(path, limit=100, what="cohort CSV")
    ... except ValueError as err:
    ...     print(str(err).split(": ", 1)[1])
    not UTF-8 text (line 1: 'utf-8' codec can't decode byte 0xe9 in position 3: invalid continuation byte); save it as UTF-8 (in a text editor, Save As with the encoding UTF-8)
    """
    name = _name(path, what)
    data = read_bytes(name, limit=limit, what=what, error=error)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1  # a byte offset alone does not say where to look
        utf16 = "; it starts with a UTF-16 byte-order mark: save it as UTF-8" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        advice = utf16 or "; save it as UTF-8 (in a text editor, Save As with the encoding UTF-8)"  # Latin-1, Notepad's 'ANSI'
        msg = f"{shown(name)}: not UTF-8 text (line {line}: {err}){advice}"
        raise error(msg, name) from err
