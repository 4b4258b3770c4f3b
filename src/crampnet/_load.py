"""Loading a network: read the file, compile it once per text, apply a population preset.

:func:`load` returns a :class:`crampnet.Model` (:mod:`crampnet.model`), kept in
a cache keyed by the file's text, so loading the same network twice costs
nothing; :func:`populations` lists a network's presets. ``crampnet.load`` and
``crampnet.populations`` are these functions.

Examples
--------
>>> import crampnet
>>> crampnet.load() is crampnet.load()
True
>>> crampnet.load(population="adults").population
'adults'
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import TYPE_CHECKING

from crampnet._files import shown
from crampnet.base import DEFAULT_POPULATION
from crampnet.exceptions import EvidenceTypeError, InvalidValueError, NetworkFileError, hint
from crampnet.model import Model
from crampnet.network.loading import (
    other_content,
    other_format,
    read_network_text,
    shipped_path,
    shipped_text,
)
from crampnet.network.spec import NetworkSpec, parse_network

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load", "populations"]


@lru_cache(maxsize=16)
def _compile(text: str, name: str, digest: str, population: str | None) -> Model:
    # The shipped network's JSON twin, when it was made from exactly this
    # text, spares the TOML parse (crampnet.network.twin); else tomllib.
    # Imported here so that ``python -m crampnet.network.twin`` runs cleanly.
    from crampnet.network.twin import read_twin

    spec = parse_network(text, name, parsed=read_twin(digest), digest=digest)
    population = spec.default_population if population is None else population
    _check_population(spec, population)
    return Model(spec, population)


def _check_population(spec: NetworkSpec, population: str) -> None:
    names = [DEFAULT_POPULATION, *spec.populations]
    if population not in names:
        msg = f"Unknown population {population!r}.{hint(population, names)} Presets of {spec.name}: {', '.join(names)}."
        raise InvalidValueError(msg)


def load(path: str | os.PathLike[str] | None = None, *, population: str | None = None) -> Model:
    """Load and compile a network.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A network file (``networks/FORMAT.md``). By default, the leg-cramp
        network shipped with crampnet.
    population : str, optional
        A population preset of the network (see :func:`populations`): its
        context priors replace the file's own (``"adults"``). By default the
        file's ``default_population``: for the shipped network, adults
        presenting with a leg complaint (``"presenting"``).

    Returns
    -------
    Model
        The compiled model. Loading the same text twice returns the same
        (immutable) model from a cache.

    Raises
    ------
    NetworkFileError
        If the file is missing, malformed or breaks a rule of the format; the
        message names the file and the problem, and, for a file whose suffix
        names another format (``.bif``, ``.xdsl``, ``.json`` ...), says that
        crampnet reads only its own TOML format.
    InvalidValueError
        If ``population`` is not a preset of the network (the message lists them).
    EvidenceTypeError
        If ``path`` or ``population`` is of the wrong type (a ``TypeError`` too).

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> "restless_legs_syndrome" in model.conditions
    True
    """
    if population is not None and not isinstance(population, str):  # before the cache, which would fail to hash a list
        msg = f"The 'population' argument of load must be a str. Got {population!r} ({type(population).__name__}) instead."
        raise EvidenceTypeError(msg)
    if path is None:
        text, name = shipped_text(), shipped_path()
        return _compile(text, name, hashlib.sha256(text.encode("utf-8")).hexdigest(), population)
    read: str | None = None
    try:
        read, name = read_network_text(path), os.fspath(path)
        return _compile(read, name, hashlib.sha256(read.encode("utf-8")).hexdigest(), population)
    except NetworkFileError as err:
        other = other_format(err.path)
        if not other and read is not None and (str(err).startswith(f"{shown(err.path)}: not valid TOML") or not read.removeprefix("\ufeff").strip()):
            other = other_content(read)  # an XDSL saved as net.toml, or an empty file ("missing required key 'schema'")
        if not other:
            raise
        msg = f"{shown(err.path)}: {other}" if other.startswith("The file is") else f"{str(err).rstrip('.')}. {other}"
        raise NetworkFileError(msg, err.path) from None


def populations(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The population presets of a network (by default the shipped one).

    Parameters
    ----------
    path : str or os.PathLike, optional
        A network file, as for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        Indexed by preset name, with columns ``label``, ``description``,
        ``priors`` (the context nodes whose priors the preset replaces),
        ``extends`` (the preset it starts from, or an empty string) and
        ``default`` (True for the one :func:`load` uses when given none).

    Examples
    --------
    >>> import crampnet
    >>> "adults" in crampnet.populations().index
    True
    """
    import pandas as pd

    spec = load(path).spec
    rows = {DEFAULT_POPULATION: {"label": "Adults", "description": "The network file's own context priors.", "priors": "", "extends": "", "default": False}}
    for key, pop in spec.populations.items():
        rows[key] = {"label": pop.label, "description": pop.description, "priors": ", ".join(pop.priors), "extends": pop.extends or "", "default": False}
    rows[spec.default_population]["default"] = True
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "population"
    return frame
