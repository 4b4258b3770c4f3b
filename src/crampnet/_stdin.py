"""What still waits on a non-interactive standard input, found without waiting for it: :func:`unread`.

The interview reads its answers one line at a time and stops at its own
limits (``--max-questions``, ``--confidence``, no question left); a file or
pipe of answers longer than the interview used to lose its rest without a
word. :func:`unread` looks for the first line left, never blocking on a pipe
whose writer is still open (``yes | crampnet interview``).
"""

from __future__ import annotations

import os
import select
import stat
from typing import IO

from crampnet._file_names import escaped

__all__ = ["unread"]


def unread(stdin: IO[str], lines: int = 100) -> str:
    r"""What the interview says when it stopped with answers still waiting on a non-interactive ``stdin`` (else ``""``).

    It looks without waiting and, where it can, without taking anything: a
    terminal is never read; a seekable stream (a file, an in-memory one) is
    read ahead and put back where it was, so a stream that holds the answers
    of several interviews in turn keeps the next one's; a pipe is read only
    while ``select`` says a read will not block (``yes | crampnet interview``
    gives up one line: a pipe cannot be read twice, and the process is
    ending). Any other stream (an object with a ``readline`` only) is not
    read. Blank lines are passed over, at most ``lines`` of them.

    Parameters
    ----------
    stdin : typing.IO of str
        The stream the answers came from.
    lines : int, optional
        The most lines read looking for one that is not blank (default 100).

    Returns
    -------
    str
        ``" Not read: the answers that followed on the standard input, from
        'X' on."`` (with a leading blank, to follow the reason for stopping),
        or ``""`` when nothing is waiting or it cannot be told without waiting.

    Examples
    --------
    >>> import io
    >>> answers = io.StringIO("yes\nno\n")
    >>> unread(answers)
    " Not read: the answers that followed on the standard input, from 'yes' on."
    >>> answers.readline()  # put back
    'yes\n'
    >>> unread(io.StringIO("\n"))
    ''
    """
    try:
        if stdin.isatty():
            return ""
        if stdin.seekable():
            start = stdin.tell()
            try:
                return _first(stdin, lines, -1)
            finally:
                stdin.seek(start)
        fd = stdin.fileno()
        if stat.S_ISREG(os.fstat(fd).st_mode):  # a regular file that says it cannot seek: left alone
            return ""
        return _first(stdin, lines, fd)
    except (OSError, ValueError, AttributeError, UnicodeDecodeError):  # no fileno (io.UnsupportedOperation), closed, unreadable: nothing to say
        return ""


def _first(stdin: IO[str], lines: int, fd: int) -> str:
    """The note for the first line of ``stdin`` that is not blank; a pipe ``fd`` (else -1) only while a read will not block."""
    for _ in range(lines):
        if fd >= 0 and not select.select([fd], [], [], 0)[0]:  # nothing waiting, or a platform whose select takes no pipes (OSError)
            return ""
        line = stdin.readline()
        if not line:
            return ""
        if line.strip():
            return f" Not read: the answers that followed on the standard input, from {escaped(line.strip())!r} on."
    return ""
