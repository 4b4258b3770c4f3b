"""Read and write the files crampnet is given: bounded, named, regular files only.

Every path the library or the command line opens goes through here:

- :func:`read_bytes` and :func:`read_text` read a whole file up to a size
  cap (reading stops at the cap plus one byte, so ``/proc`` files and files
  that grow are bounded too);
- :func:`open_regular` opens a file for reading in chunks (a cohort CSV);
- :func:`write_atomic` writes a file whole or not at all: into a temporary
  file beside the target, flushed and ``fsync``-ed, then renamed over it.

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

import contextlib
import io
import os
import secrets
import stat
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, BinaryIO

from crampnet.exceptions import InvalidValueError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = ["ErrorFactory", "open_regular", "read_bytes", "read_text", "shown", "write_atomic"]

#: Makes the error to raise from a message and the file's name.
ErrorFactory = Callable[[str, str], Exception]

_CHUNK = 1 << 16
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _value_error(msg: str, path: str) -> Exception:
    return InvalidValueError(msg)


def shown(path: str) -> str:
    """The file name for a message: whole, or its start and end when it is very long.

    Examples
    --------
    >>> shown("case.json"), len(shown("x" * 5000)) < 200
    ('case.json', True)
    """
    return path if len(path) <= 160 else f"{path[:100]}...{path[-40:]} ({len(path)} characters)"


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _name(path: object, what: str) -> str:
    name = os.fspath(path) if isinstance(path, str | os.PathLike) else None
    if not isinstance(name, str):
        msg = f"The path of the {what} must be a str or os.PathLike of str. Got {path!r} ({type(path).__name__}) instead."
        raise TypeError(msg)
    return name


def _reason(err: OSError | ValueError) -> str:
    return (err.strerror if isinstance(err, OSError) else None) or str(err) or type(err).__name__


def _open_fd(name: str, what: str, error: ErrorFactory) -> int:
    """A descriptor of the regular file ``name``, opened without blocking on a FIFO and checked with fstat."""
    try:
        fd = os.open(name, _READ_FLAGS)
    except (OSError, ValueError) as err:  # ValueError: a NUL character in the name
        msg = f"{shown(name)}: {_reason(err)}"
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


def open_regular(path: str | os.PathLike[str], *, what: str, error: ErrorFactory = _value_error) -> BinaryIO:
    """Open a regular file for reading in binary (close it: ``with``); refuse anything else.

    ``what`` says what the file is, for messages ("cohort CSV"); ``error(message,
    path)`` makes the exception (default
    :class:`~crampnet.exceptions.InvalidValueError`), raised if the file cannot
    be opened (with the operating system's reason) or is not a regular file.

    Examples
    --------
    >>> try:
    ...     open_regular("/no/such/file.csv", what="cohort CSV")
    ... except ValueError as err:
    ...     print(err)
    /no/such/file.csv: No such file or directory
    """
    name = _name(path, what)
    return os.fdopen(_open_fd(name, what, error), "rb")


def read_bytes(path: str | os.PathLike[str], *, limit: int, what: str, error: ErrorFactory = _value_error) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Reading stops at ``limit + 1`` bytes, whatever the file claims its size is.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike of str.
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

    Raises
    ------
    TypeError, InvalidValueError
        As :func:`read_bytes`, and for text that is not UTF-8 (naming the file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "latin1.csv"
    >>> _ = path.write_bytes("café au lait".encode("latin-1"))
    >>> try:
    ...     read_text(path, limit=100, what="cohort CSV")
    ... except ValueError as err:
    ...     print(str(err).split(": ", 1)[1])
    not UTF-8 text ('utf-8' codec can't decode byte 0xe9 in position 3: invalid continuation byte)
    """
    name = _name(path, what)
    data = read_bytes(name, limit=limit, what=what, error=error)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        msg = f"{shown(name)}: not UTF-8 text ({err})"
        raise error(msg, name) from err


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
    existing = _check_target(name, what, error)
    temp = os.path.join(folder, f".{base[:80]}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temp, _WRITE_FLAGS, 0o666)
    except (OSError, ValueError) as err:
        msg = f"{shown(name)}: cannot write the {what}: {_reason(err)}"
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
