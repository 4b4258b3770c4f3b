"""Write a file whole or not at all, to a regular file only: :func:`write_atomic`; a stream likewise: :func:`write_whole`.

The content goes to a temporary file beside the target, flushed and
``fsync``-ed, then renamed over it. A symbolic link, FIFO, device or
directory at the target is refused, never replaced; a failed write leaves
the target as it was and no temporary file behind. :mod:`crampnet._files`
re-exports :func:`write_atomic`. Output produced piece by piece for a
stream (the standard output) is held back by :func:`write_whole` until it
is complete, so that an error half-way writes none of it. The command line
sets up its standard streams here, too: :func:`tolerant_stdout`,
:func:`csv_stdout` and :func:`quiet_closed_stderr`.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from crampnet._file_names import _CHUNK, ErrorFactory, _kind, _name, _reason, _value_error, shown

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = ["csv_stdout", "document_stdout", "is_terminal", "quiet_closed_stderr", "tolerant_stdout", "write_atomic", "write_whole"]

_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _check_target(name: str, what: str, error: ErrorFactory) -> os.stat_result | None:
    """The target's lstat, None if it does not exist; refuses anything but a regular file."""
    try:
        info = os.lstat(name)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        msg = f"{shown(name)}: cannot write the {what}: {_reason(err)}"
        raise error(msg, name) from err
    if not stat.S_ISREG(info.st_mode):
        msg = f"{shown(name)}: refusing to write the {what} there: it is {_kind(info.st_mode)}, not a regular file. Give the name of a regular file, or of one that does not exist yet."
        raise error(msg, name)
    return info


def _folder_problem(err: OSError | ValueError, folder: str) -> str:
    """After the reason ``err`` gives, what to do when a file cannot be made in ``folder``: it does not exist, or is not writable; ``""`` for another ``err``.

    Examples
    --------
    >>> print(_folder_problem(FileNotFoundError(2, "No such file or directory"), "results"))
    : the folder results does not exist; create it first (mkdir -p results) or give a file in a folder that exists.
    """
    if isinstance(err, FileNotFoundError | NotADirectoryError) and not os.path.isdir(folder or "."):
        import shlex

        return f": the folder {shown(folder)} does not exist; create it first (mkdir -p {shlex.quote(folder)}) or give a file in a folder that exists."
    if isinstance(err, PermissionError):
        return f" in the folder {shown(folder or '.')}; give a file in a folder you can write to."
    return ""


class _Raw(io.RawIOBase):
    """Writes to a descriptor through :func:`os.write`, so a failing write surfaces as it is."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        return os.write(self.fd, data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_stream(fd: int, content: Callable[[IO[str]], None], encoding: str) -> None:
    """Hand ``content`` a text stream onto ``fd``; the stream is closed (fd stays open) whatever happens."""
    stream = io.TextIOWrapper(io.BufferedWriter(_Raw(fd), _CHUNK), encoding=encoding, newline="")
    try:
        content(stream)
        stream.flush()
    finally:
        with contextlib.suppress(OSError, ValueError):
            stream.close()  # after an error, whatever is still buffered goes to the temporary file or nowhere


def write_atomic(
    path: str | os.PathLike[str],
    content: str | bytes | Callable[[IO[str]], None],
    *,
    what: str,
    encoding: str = "utf-8",
    error: ErrorFactory = _value_error,
) -> None:
    """Write ``content`` to ``path`` whole or not at all, to a regular file only.

    The content goes to a new temporary file in the target's folder, is
    flushed and ``fsync``-ed, and only then renamed over the target (which
    keeps its permission bits). On any error the temporary file is removed
    and the target is left as it was.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write: a regular file, or a name that does not exist yet.
    content : str, bytes or callable
        The text (encoded with ``encoding``, line endings as given), the
        bytes, or a function that writes text to the stream it is handed
        (for output produced piece by piece).
    what : str
        What the file is, for messages ("report").
    encoding : str, optional
        The encoding of text (default UTF-8).
    error : callable, optional
        ``error(message, path)`` makes the exception raised (default
        :class:`~crampnet.exceptions.InvalidValueError`).

    Raises
    ------
    EvidenceTypeError
        If ``path`` is not a str or os.PathLike of str (a ``TypeError`` too).
    InvalidValueError
        (Or what ``error`` makes.) If the target exists and is not a regular
        file (a symbolic link, FIFO, device or directory), or the write
        fails (the operating system's reason, e.g. "No space left on
        device"); the message starts with the file's name.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> os.symlink(os.path.join(folder, "real.txt"), os.path.join(folder, "link.txt"))
    >>> try:
    ...     write_atomic(os.path.join(folder, "link.txt"), "text", what="report")
    ... except ValueError as err:
    ...     print(str(err).split(": ", 1)[1])
    refusing to write the report there: it is a symbolic link, not a regular file. Give the name of a regular file, or of one that does not exist yet.
    >>> sorted(os.listdir(folder))
    ['link.txt']
    """
    name = _name(path, what)
    folder, base = os.path.split(name)
    if base in ("", ".", ".."):
        msg = f"{shown(name)}: not a file name; give the name of the {what} to write."
        raise error(msg, name)
    import secrets  # here, not at the top: a command that writes no file does not import it (a cold start's milliseconds)

    existing = _check_target(name, what, error)
    temp = os.path.join(folder, f".{base[:80]}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temp, _WRITE_FLAGS, 0o666)
    except (OSError, ValueError) as err:
        msg = f"{shown(name)}: cannot write the {what}: {_reason(err)}{_folder_problem(err, folder)}"
        raise error(msg, name) from err
    try:
        try:
            if existing is not None and hasattr(os, "fchmod"):
                with contextlib.suppress(OSError):
                    os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            if isinstance(content, str | bytes):
                _write_all(fd, content.encode(encoding) if isinstance(content, str) else content)
            else:
                _write_stream(fd, content, encoding)
            os.fsync(fd)
        finally:
            os.close(fd)
        _check_target(name, what, error)  # still not a link, FIFO or device
        os.replace(temp, name)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        msg = f"{shown(name)}: cannot write the {what}: {_reason(err)}; nothing was replaced."
        raise error(msg, name) from err
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(folder or ".")


def _sync_folder(folder: str) -> None:
    """Make the rename durable where the platform allows it (best effort)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


#: Output that :func:`write_whole` holds in memory; beyond it, in a temporary file.
_SPOOL = 1 << 24


def write_whole(stream: IO[str], content: Callable[[IO[str]], None]) -> None:
    r"""Write what ``content`` writes to ``stream`` only once all of it is written: nothing if it raises.

    The text is held in memory up to 16 MiB, then in an anonymous
    temporary file (removed whatever happens), and copied to ``stream`` at
    the end; so an error found late in the output (a bad row of a cohort)
    leaves no partial output before its message.

    Parameters
    ----------
    stream : typing.IO of str
        Where the text goes (the standard output).
    content : callable
        A function that writes text to the stream it is handed.

    Raises
    ------
    Exception
        What ``content`` raised (then nothing reaches ``stream``), or what
        writing to ``stream`` raised.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> def rows(to):
    ...     to.write("a\n")
    ...     raise ValueError("row 2 is bad")
    >>> try:
    ...     write_whole(out, rows)
    ... except ValueError as err:
    ...     print(err, repr(out.getvalue()))
    row 2 is bad ''
    """
    import shutil  # here, not at the top, as secrets in write_atomic
    import tempfile

    with tempfile.SpooledTemporaryFile(_SPOOL, mode="w+", encoding="utf-8", newline="") as held:
        content(held)
        held.seek(0)
        shutil.copyfileobj(held, stream)


def csv_stdout() -> IO[str]:
    r"""The standard output for a CSV (``score``'s): UTF-8 whatever the terminal's encoding, as its ``-o`` file is.

    Data is not text for a terminal: on a standard output that is not UTF-8
    the escapes :func:`tolerant_stdout` allows would change the ids of an
    ``--index-col`` ("Bj\xf6rck" for "Björck") without a word, so a CSV goes
    out in UTF-8 (its cohort CSV is read as UTF-8, too), strictly.

    Returns
    -------
    typing.IO of str
        ``sys.stdout``, set to UTF-8 with strict errors if it is a text file
        (a test's ``StringIO`` is returned as it is).
    """
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8", errors="strict")
    return sys.stdout


def document_stdout() -> IO[str]:
    r"""The standard output for a document (``report``'s markdown or HTML, ``export``'s network file): UTF-8 unless it is a terminal.

    Written to a file or a pipe (``crampnet report > report.html``), a
    document is data, as ``score``'s CSV is (:func:`csv_stdout`): under a
    standard output that is not UTF-8 (``PYTHONIOENCODING=ascii``, a Latin-1
    locale) the escapes :func:`tolerant_stdout` allows put "\u2014" and
    "Bj\xf6rck" into an HTML page that declares ``charset="utf-8"``, where
    ``-o report.html`` writes the characters. A terminal keeps the escapes,
    which it can show.

    Returns
    -------
    typing.IO of str
        ``sys.stdout``, set to UTF-8 with strict errors if it is a text file
        that is not a terminal (a test's ``StringIO`` is returned as it is).
    """
    if isinstance(sys.stdout, io.TextIOWrapper) and not sys.stdout.isatty():
        sys.stdout.reconfigure(encoding="utf-8", errors="strict")
    return sys.stdout


def is_terminal(stream: object) -> bool:
    """Whether ``stream`` is a terminal: what ``crampnet score`` asks before drawing its progress bar on stderr.

    Parameters
    ----------
    stream : object
        A standard stream, or anything in its place.

    Returns
    -------
    bool
        False for a file, a pipe, a closed stream, None or an object without ``isatty``.

    Examples
    --------
    >>> import io
    >>> is_terminal(io.StringIO()), is_terminal(None)
    (False, False)
    """
    isatty = getattr(stream, "isatty", None)
    try:
        return callable(isatty) and bool(isatty())
    except (ValueError, OSError):  # a closed stream
        return False


def quiet_closed_stderr() -> None:
    """Point a closed standard error (``2>&-``: ``sys.stderr`` is None) at the null device.

    ``print(..., file=None)`` writes to the standard output, so with stderr
    closed every warning and error went into the output (into the JSON of
    ``diagnose --json``), and ``score``'s progress bar failed with an
    ``AttributeError`` (exit 1, no output). The messages now go nowhere, as
    the user asked by closing stderr.
    """
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # for the rest of the process


def tolerant_stdout() -> None:
    r"""Let the standard output write what its encoding cannot: as ``\xf6`` escapes (as stderr does), not an error.

    A terminal or pipe that is not UTF-8 (``PYTHONIOENCODING=ascii``, a
    Windows code page) cannot encode the names and sources the output
    quotes ("Björck", an en dash); without this, ``crampnet diagnose`` and
    ``report`` printed nothing but "'ascii' codec can't encode character".
    A standard output that is not a text file (a test's ``StringIO``) is left
    as it is.
    """
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="backslashreplace")
