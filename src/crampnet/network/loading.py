"""Find, read and cache network files.

The shipped network lives in the wheel at ``crampnet/networks/`` and is read
from the package's folder (through :mod:`importlib.resources` where the
package is not in a folder, as in a zip); in a source checkout it is read
from the repository's ``networks/`` folder. Files are read as text and parsed with
:mod:`tomllib` (the shipped file's data may come from its JSON twin,
:mod:`crampnet.network.twin`): loading never runs code.

Examples
--------
>>> from crampnet.network.loading import shipped_text
>>> shipped_text().startswith("#") or "schema" in shipped_text()
True
"""

from __future__ import annotations

import os
from pathlib import Path

from crampnet._files import read_text, shown
from crampnet.exceptions import EvidenceTypeError, NetworkFileError
from crampnet.network.spec import MAX_BYTES

__all__ = ["SHIPPED", "other_content", "other_format", "read_network_text", "shipped_file_text", "shipped_text"]

#: File name of the network that ships with crampnet.
SHIPPED = "leg_cramps.toml"

# Suffixes of files that are networks in another format, or the shipped network's JSON twin.
_OTHER_FORMATS = {
    ".bif": "BIF", ".xmlbif": "XMLBIF", ".bifxml": "XMLBIF", ".xml": "XML", ".xdsl": "XDSL (GeNIe)", ".uai": "UAI",
    ".net": "Hugin NET", ".dne": "Netica", ".json": "JSON",
}


def shipped_text(name: str = SHIPPED) -> str:
    """The text of a network shipped with crampnet.

    Parameters
    ----------
    name : str, default=SHIPPED
        The file name in ``crampnet/networks/`` (in a source checkout, the
        repository's ``networks/``).

    Returns
    -------
    str
        The text of the file, as UTF-8.

    Raises
    ------
    NetworkFileError
        If neither the installed package nor the checkout has the file.
    """
    text = shipped_file_text(name)
    if text is not None:
        return text
    msg = f"the shipped network {name!r} is missing from the installation"
    raise NetworkFileError(msg, name)


def shipped_file_text(name: str) -> str | None:
    """The text of a file shipped in ``crampnet/networks/`` (in a source checkout, the repository's ``networks/``), if there is one.

    The package's own folder is where :mod:`importlib.resources` finds the
    file of a package in a folder, so it is looked at first, and
    :mod:`importlib.resources` is imported only for a package that is not
    in a folder (a zip): importing it (with :mod:`tempfile`, :mod:`shutil`
    and :mod:`zipfile`) cost each cold start of the command line about
    10 ms.

    Parameters
    ----------
    name : str
        The file name (``leg_cramps.toml``, or the twin ``leg_cramps.json``).

    Returns
    -------
    str or None
        The file's text, as UTF-8; ``None`` if neither the package nor the
        checkout has it.

    Raises
    ------
    OSError, UnicodeDecodeError
        If the file is there but cannot be read, or is not UTF-8.
    """
    package = Path(__file__).resolve().parents[1]  # src/crampnet/network/ -> the package
    beside = package / "networks" / name
    if beside.is_file():
        return beside.read_text(encoding="utf-8")
    if not package.is_dir():  # a package in a zip: its resources say
        from importlib import resources

        resource = resources.files("crampnet") / "networks" / name
        if resource.is_file():
            return resource.read_text(encoding="utf-8")
    checkout = package.parents[1] / "networks" / name  # src/crampnet/ -> the repository's root
    return checkout.read_text(encoding="utf-8") if checkout.is_file() else None


def shipped_path(name: str = SHIPPED) -> str:
    """A printable location of a shipped network, for messages."""
    return f"crampnet/networks/{name}"


def other_format(path: str) -> str:
    """What to tell a user whose network file's name says it is in another format; empty otherwise.

    Parameters
    ----------
    path : str
        The file's name.

    Returns
    -------
    str
        A sentence saying which format the suffix means and that crampnet
        reads networks only in its own TOML format (the formats
        ``crampnet export`` writes are not read back); ``""`` for any other
        suffix, ``.toml`` included.

    Examples
    --------
    >>> other_format("leg_cramps.bif")
    "A .bif file is BIF, but crampnet reads networks only in its own TOML format (networks/FORMAT.md); it writes BIF, XMLBIF, XDSL and UAI ('crampnet export') for other tools, and does not read them."
    >>> other_format("leg_cramps.toml")
    ''
    """
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in _OTHER_FORMATS:
        return ""
    return f"A {suffix} file is {_OTHER_FORMATS[suffix]}, but crampnet reads networks only in its own TOML format (networks/FORMAT.md); it writes BIF, XMLBIF, XDSL and UAI ('crampnet export') for other tools, and does not read them."


def other_content(text: str) -> str:
    r"""What to tell a user whose network file is not TOML but begins like another format (or is empty); empty otherwise.

    :func:`other_format` reads the file's suffix; this reads its start, for
    a file of another format under another name (an XDSL saved as
    ``net.toml``, the JSON twin as ``net.txt``), which the parser refused
    only as "not valid TOML (Invalid statement ...)".

    Parameters
    ----------
    text : str
        The file's text.

    Returns
    -------
    str
        A sentence naming the format the text begins like (JSON, XMLBIF,
        XDSL, other XML, BIF or UAI) and that crampnet reads networks only
        in its own TOML format; one saying the file is empty or blank; or
        ``""``.

    Examples
    --------
    >>> other_content('<?xml version="1.0"?>\n<smile version="1.0">')
    "It begins like XDSL (GeNIe), but crampnet reads networks only in its own TOML format (networks/FORMAT.md); it writes BIF, XMLBIF, XDSL and UAI ('crampnet export') for other tools, and does not read them."
    >>> other_content("schema = 1")
    ''
    """
    body = text.removeprefix("\ufeff")
    start = body.lstrip()
    if not start:
        return f"The file is {'empty' if not body else 'blank'}: a network file is TOML that begins with schema = \"crampnet-network/1\" (networks/FORMAT.md)."
    head = start[:4096]
    if start.startswith("<"):
        kind = "XDSL (GeNIe)" if "<smile" in head else "XMLBIF" if "<BIF" in head else "XML"
    elif start.startswith(("{", "[{", "[\n", "[ ")) and not start.startswith("[nodes") and not start.startswith("[sources"):
        kind = "JSON"
    elif start.startswith("network ") or start.startswith("network\t"):
        kind = "BIF"
    elif start.split(None, 1)[0] in ("BAYES", "MARKOV"):
        kind = "UAI"
    else:
        return ""
    return f"It begins like {kind}, but crampnet reads networks only in its own TOML format (networks/FORMAT.md); it writes BIF, XMLBIF, XDSL and UAI ('crampnet export') for other tools, and does not read them."


def read_network_text(path: str | os.PathLike[str]) -> str:
    """Read a network file, refusing anything that is not a small regular text file.

    The file is read through :func:`crampnet._files.read_text`: at most
    :data:`~crampnet.network.spec.MAX_BYTES` bytes are read, whatever the
    file claims its size is, and a FIFO or device is refused before a byte
    is read.

    Parameters
    ----------
    path : str or os.PathLike
        The network file.

    Returns
    -------
    str
        The file's text, decoded as UTF-8.

    Raises
    ------
    EvidenceTypeError
        If ``path`` is not a string or path (a ``TypeError`` too).
    NetworkFileError
        If the file is missing, cannot be read (with the operating system's
        reason), is not a regular file, is too large, or is not UTF-8; the
        message starts with the file's name.

    Examples
    --------
    >>> try:
    ...     read_network_text("/dev/zero")
    ... except ValueError as err:
    ...     print(err)
    /dev/zero: not a regular file (it is a character device); the network file must be a regular file.
    """
    if not isinstance(path, str | os.PathLike):
        msg = f"The 'path' argument of load must be a str or os.PathLike. Got {path!r} ({type(path).__name__}) instead."
        raise EvidenceTypeError(msg)
    name = os.fspath(path)
    if not isinstance(name, str):
        msg = f"The 'path' argument of load must be a str or os.PathLike of str. Got {path!r}, a path of {type(name).__name__}, instead."
        raise EvidenceTypeError(msg)
    try:
        os.stat(name)
    except FileNotFoundError:
        msg = f"{shown(name)}: no such file"
        raise NetworkFileError(msg, name) from None
    except (OSError, ValueError):
        pass  # read_text reports it, with the reason
    return read_text(name, limit=MAX_BYTES, what="network file", error=NetworkFileError)
