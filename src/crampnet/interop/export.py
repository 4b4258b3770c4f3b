"""Write a network for other tools: BIF, XMLBIF, XDSL (GeNIe/SMILE) and UAI.

Every format carries the structure and the probability tables, for the
model's population; none carries the sources of the numbers (see
:meth:`crampnet.Model.parameters`), so the network file stays the source of
truth and an export is regenerated from it. A fitted model's export holds
its fitted tables (XDSL's comment says so, with the cases and the prior
strength), which only that model's ``parameters()`` describes.

- ``bif`` and ``xmlbif`` are written by pgmpy's ``BIFWriter`` and
  ``XMLBIFWriter`` (variables sorted by name, probabilities in full
  precision). pyAgrum, pgmpy, bnlearn and Weka read them. pyAgrum (3.3)
  reads BIF numbers in single precision, so its posteriors then agree to
  about 1e-7; save as ``.bifxml`` (XMLBIF) for agreement to 1e-9. A node
  id with ``table`` or ``default`` before a digit or ``e`` (``stable1``)
  is refused for BIF: pgmpy's ``BIFReader`` reads it as a table row.
- ``xdsl`` is GeNIe/SMILE's XML: one ``<cpt>`` per node in topological order,
  its parents in the order of the network file, and the probabilities with
  the node's own states changing fastest, then the last parent, ..., the
  first parent slowest (as pgmpy's ``XDSLReader`` reads it; pyAgrum 3.3
  reads XDSL and UAI tables with the first parent fastest, so load those
  in pyAgrum from BIF or XMLBIF instead). SMILE identifiers must start with a letter, so a
  state that does not (``40_to_64``) is written with an ``s`` in front
  (``s40_to_64``); the GeNIe extension gives each node its label and a
  position, one row per role.
- ``uai`` is the UAI inference-competition format (``BAYES``): variables
  numbered in topological order, each table's scope lists the parents and
  then the child, and entries run with the last variable of the scope
  changing fastest.

The network's ``name`` is free text in the network file; BIF, XMLBIF and
XDSL get it as an identifier (other characters than letters, digits and
``_`` become ``_``; BIF capitalizes ``variable`` and ``probability`` in it,
which pgmpy's reader takes for the start of a block), and XDSL's labels, title and comment drop the
characters XML cannot hold (:mod:`crampnet.interop._names`), so that no
text of the file can break the exported file or add to it.

Examples
--------
>>> import crampnet
>>> from crampnet.interop.export import export
>>> model = crampnet.load()
>>> export(model, "uai").splitlines()[:2]
['BAYES', '129']
>>> "<smile" in export(model, "xdsl")
True
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from crampnet._files import shown, write_atomic
from crampnet.exceptions import InvalidValueError, hint
from crampnet.interop._names import identifier, xml_comment, xml_text

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.network.spec import NetworkSpec

__all__ = ["FORMATS", "SUFFIXES", "export", "format_for", "to_uai", "to_xdsl", "xdsl_state_ids"]

#: The formats :func:`export` writes.
FORMATS = ("bif", "xmlbif", "xdsl", "uai")
#: File suffixes and the format each one means.
SUFFIXES = {".bif": "bif", ".xmlbif": "xmlbif", ".bifxml": "xmlbif", ".xml": "xmlbif", ".xdsl": "xdsl", ".uai": "uai"}

_SMILE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ROLES = ("context", "condition", "finding")
_COLOURS = {"context": "c6dbef", "condition": "fdd0a2", "finding": "d9f0d3"}


def export(model: BaseModel, format: str, path: str | os.PathLike[str] | None = None) -> str:
    """The network of ``model`` as text in ``format``, optionally written to ``path``.

    Parameters
    ----------
    model : BaseModel
        A compiled model; its population's priors are written.
    format : {'bif', 'xmlbif', 'xdsl', 'uai'}
        The file format (see the module docstring).
    path : str or os.PathLike, optional
        Where to write the text (UTF-8, Unix line endings), atomically: a
        regular file or a new name; the file is replaced only once the whole
        text is written (see :func:`crampnet._files.write_atomic`).

    Returns
    -------
    str
        The text.

    Raises
    ------
    InvalidValueError
        For an unknown ``format`` (the message lists the formats); for
        ``bif``, a node id pgmpy's ``BIFReader`` would misread (``stable1``:
        see :func:`crampnet.interop._pgmpy.write_text`); for a
        ``path`` whose suffix names another format (:data:`SUFFIXES`;
        ``.xml`` goes with ``xdsl`` too), that is a symbolic link, FIFO,
        device or directory, or that cannot be written (the operating
        system's reason, nothing replaced).

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.interop.export import export
    >>> export(crampnet.load(), "bif").splitlines()[0]
    'network leg_cramps {'
    """
    if format not in FORMATS:
        msg = f"The 'format' argument of export must be one of {', '.join(FORMATS)}. Got {format!r} instead.{hint(str(format), FORMATS)}"
        raise InvalidValueError(msg)
    if path is not None:
        _check_suffix(path, format)
    spec, tables = model.spec, model.compiled.tables
    if format in ("bif", "xmlbif"):
        from crampnet.interop._pgmpy import write_text

        text = write_text(spec, tables, format)
    elif format == "xdsl":
        prior_strength = getattr(model, "prior_strength", None)  # a FittedModel (crampnet.model); this layer does not import it
        fitted = None if prior_strength is None else f"tables fitted to {getattr(model, 'cases', '?')} cases (method {getattr(model, 'method', '?')}, prior_strength {prior_strength:g})"
        text = to_xdsl(spec, tables, fitted=fitted)
    else:
        text = to_uai(spec, tables)
    if path is not None:
        write_atomic(path, text, what=f"{format} export")
    return text


def format_for(path: str | os.PathLike[str]) -> str:
    """The format a file name's suffix means (``.bif``, ``.xmlbif``/``.xml``, ``.xdsl``, ``.uai``).

    Parameters
    ----------
    path : str or os.PathLike
        The file name; only its suffix counts, in any case.

    Returns
    -------
    str
        One of :data:`FORMATS`, as :data:`SUFFIXES` maps the suffix.

    Raises
    ------
    InvalidValueError
        If the suffix is not one of those.

    Examples
    --------
    >>> format_for("networks/leg_cramps.xdsl")
    'xdsl'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        msg = f"Cannot tell the export format from the file name {os.fspath(path)!r}: use one of the suffixes {', '.join(SUFFIXES)}, or give the format."
        raise InvalidValueError(msg)
    return SUFFIXES[suffix]


def _check_suffix(path: str | os.PathLike[str], format: str) -> None:
    """Refuse a ``path`` whose suffix names a format other than ``format`` (an unknown suffix, or none, goes with any).

    Parameters
    ----------
    path : str or os.PathLike
        Where the export is to be written.
    format : str
        One of :data:`FORMATS`.

    Raises
    ------
    InvalidValueError
        If the suffix is one of :data:`SUFFIXES` and means another format
        (``.xml`` means ``xmlbif`` or ``xdsl``, both XML).
    """
    name = os.fspath(path) if isinstance(path, str | os.PathLike) else None
    if not isinstance(name, str):
        return  # write_atomic refuses it, naming its type
    suffix = Path(name).suffix.lower()
    means = ("xmlbif", "xdsl") if suffix == ".xml" else (SUFFIXES[suffix],) if suffix in SUFFIXES else (format,)
    if format not in means:
        own = next(s for s, f in SUFFIXES.items() if f == format)
        msg = f"{shown(name)}: format {format!r} contradicts the suffix {suffix}, which means {' or '.join(means)}; give format={means[0]!r}, or name the file for {format} ({shown(str(Path(name).with_suffix(own)))})."
        raise InvalidValueError(msg)


def _number(value: float) -> str:
    """Shortest positional text that reads back as the same float (``0.1``, ``0.00001``, ``1``).

    No exponent: some UAI readers accept digits and a point only.
    """
    return np.format_float_positional(float(value), unique=True, trim="-")


def _rows(table: np.ndarray) -> np.ndarray:
    """A table ``[state, parent_1, ..., parent_k]`` as rows ``[parent configuration, state]``.

    Parent configurations run in C order: the last parent changes fastest.
    """
    card = table.shape[0]
    return np.moveaxis(np.asarray(table, dtype=float), 0, -1).reshape(-1, card)


def xdsl_state_ids(states: tuple[str, ...] | list[str]) -> list[str]:
    """SMILE identifiers for state names: other characters become ``_``, an ``s`` goes in front of a digit.

    Parameters
    ----------
    states : tuple of str or list of str
        A node's state names, in its order.

    Returns
    -------
    list of str
        One identifier per state, in the same order: the name itself where
        it is already a SMILE identifier (a letter, then letters, digits and
        ``_``); otherwise changed as above, with ``_`` appended until it
        differs from the identifiers before it and from the other state
        names.

    Examples
    --------
    >>> xdsl_state_ids(["under_40", "40_to_64", "65_plus"])
    ['under_40', 's40_to_64', 's65_plus']
    """
    out: list[str] = []
    for state in states:
        name = re.sub(r"[^A-Za-z0-9_]", "_", state)
        if not _SMILE_ID.match(name):
            name = "s" + name
        while name in out or (name != state and name in states):
            name += "_"
        out.append(name)
    return out


def to_xdsl(spec: NetworkSpec, tables: dict[str, np.ndarray], *, fitted: str | None = None) -> str:
    """The network as GeNIe/SMILE XDSL text (see the module docstring for the layout).

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    tables : dict of str to numpy.ndarray
        Each node's probability table, ``[state, parent_1, ..., parent_k]``
        (a compiled model's ``compiled.tables``).
    fitted : str, optional
        For a fitted model's tables, how they were fitted (``"tables fitted
        to 300 cases (...)"``); the comment then says the numbers are no
        longer the network file's.

    Returns
    -------
    str
        The XML document, with its declaration and a comment naming the
        network and its version, ending in a newline.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> text = to_xdsl(model.spec, model.compiled.tables)
    >>> '<state id="s40_to_64" />' in text
    True
    """
    root = ET.Element("smile", {"version": "1.0", "id": identifier(spec.name), "numsamples": "10000", "discsamples": "10000"})
    nodes = ET.SubElement(root, "nodes")
    for nid in spec.order:
        node = spec.nodes[nid]
        cpt = ET.SubElement(nodes, "cpt", {"id": nid})
        for state in xdsl_state_ids(node.states):
            ET.SubElement(cpt, "state", {"id": state})
        if node.parents:
            ET.SubElement(cpt, "parents").text = " ".join(node.parents)
        ET.SubElement(cpt, "probabilities").text = " ".join(_number(v) for v in _rows(tables[nid]).ravel())
    extensions = ET.SubElement(root, "extensions")
    genie = ET.SubElement(extensions, "genie", {"version": "1.0", "app": "crampnet", "name": xml_text(spec.title or spec.name)})
    for role_row, role in enumerate(_ROLES):
        ids = [nid for nid in spec.order if spec.nodes[nid].role == role]
        for i, nid in enumerate(ids):
            entry = ET.SubElement(genie, "node", {"id": nid})
            ET.SubElement(entry, "name").text = xml_text(spec.nodes[nid].label or nid)
            ET.SubElement(entry, "interior", {"color": _COLOURS[role]})
            ET.SubElement(entry, "outline", {"color": "000080"})
            ET.SubElement(entry, "font", {"color": "000000", "name": "Arial", "size": "8"})
            left, top = 20 + 130 * (i % 12), 40 + 60 * (4 * role_row + i // 12)
            ET.SubElement(entry, "position").text = f"{left} {top} {left + 120} {top + 40}"
    ET.indent(root, space="  ")
    origin = (
        "written by crampnet from its network file. The sources of the numbers are in the network file (crampnet: model.parameters())."
        if fitted is None
        else f"written by crampnet, its {xml_comment(fitted)} from the network file's numbers, so they are not the file's: the fitted model's parameters() describes them."
    )
    comment = f"<!-- {xml_comment(spec.name + ' ' + spec.version)}, {origin} -->"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + comment + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def to_uai(spec: NetworkSpec, tables: dict[str, np.ndarray]) -> str:
    """The network in the UAI ``BAYES`` format (see the module docstring for the layout).

    Parameters
    ----------
    spec : NetworkSpec
        The network, its variables numbered in its topological order.
    tables : dict of str to numpy.ndarray
        The probability tables, as for :func:`to_xdsl`.

    Returns
    -------
    str
        The file's text: the preamble (``BAYES``, the number of variables,
        their cardinalities, the scopes), then one table per node, ending in
        a newline.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> lines = to_uai(model.spec, model.compiled.tables).splitlines()
    >>> lines[0], lines[1] == str(len(model.spec.nodes))
    ('BAYES', True)
    """
    index = {nid: i for i, nid in enumerate(spec.order)}
    lines = ["BAYES", str(len(spec.order)), " ".join(str(len(spec.nodes[nid].states)) for nid in spec.order), str(len(spec.order))]
    for nid in spec.order:
        scope = [*spec.nodes[nid].parents, nid]
        lines.append(" ".join([str(len(scope)), *(str(index[v]) for v in scope)]))
    for nid in spec.order:
        rows = _rows(tables[nid])
        lines.append("")
        lines.append(str(rows.size))
        lines.extend(" " + " ".join(_number(v) for v in row) for row in rows)
    return "\n".join(lines) + "\n"
