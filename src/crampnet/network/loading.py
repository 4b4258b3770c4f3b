"""Find, read and cache network files.

The shipped network lives in the wheel at ``crampnet/networks/`` and is read
through :mod:`importlib.resources`; in a source checkout it is read from the
repository's ``networks/`` folder. Files are read as text and parsed with
:mod:`tomllib`: loading never runs code.

Examples
--------
>>> from crampnet.network.loading import shipped_text
>>> shipped_text().startswith("#") or "schema" in shipped_text()
True
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from crampnet.exceptions import NetworkFileError
from crampnet.network.spec import MAX_BYTES

__all__ = ["SHIPPED", "read_network_text", "shipped_text"]

#: File name of the network that ships with crampnet.
SHIPPED = "leg_cramps.toml"


def shipped_text(name: str = SHIPPED) -> str:
    """The text of a network shipped with crampnet."""
    resource = resources.files("crampnet") / "networks" / name
    if resource.is_file():
        return resource.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[3] / "networks" / name  # src/crampnet/network/ -> root
    if checkout.is_file():
        return checkout.read_text(encoding="utf-8")
    msg = f"the shipped network {name!r} is missing from the installation"
    raise NetworkFileError(msg, name)


def shipped_path(name: str = SHIPPED) -> str:
    """A printable location of a shipped network, for messages."""
    return f"crampnet/networks/{name}"


def read_network_text(path: str | os.PathLike[str]) -> str:
    """Read a network file, refusing anything that is not a small text file.

    Raises
    ------
    TypeError
        If ``path`` is not a string or path.
    NetworkFileError
        If the file is missing, not a regular file, too large, or not UTF-8.
    """
    if not isinstance(path, str | os.PathLike):
        msg = f"The 'path' argument of load must be a str or os.PathLike. Got {path!r} ({type(path).__name__}) instead."
        raise TypeError(msg)
    name = os.fspath(path)
    file = Path(name)
    if not file.exists():
        msg = f"{name}: no such file"
        raise NetworkFileError(msg, name)
    if not file.is_file():
        msg = f"{name}: not a regular file"
        raise NetworkFileError(msg, name)
    if file.stat().st_size > MAX_BYTES:
        msg = f"{name}: file is larger than {MAX_BYTES} bytes"
        raise NetworkFileError(msg, name)
    try:
        return file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        msg = f"{name}: not UTF-8 text ({err})"
        raise NetworkFileError(msg, name) from err
