"""The one module that talks to pgmpy.

pgmpy is imported here only, and only when a pgmpy object is asked for, so
``import crampnet`` and exact posteriors never pay for pgmpy's import.

Examples
--------
>>> import crampnet
>>> bn = crampnet.load().network
>>> bn.check_model()
True
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from crampnet._files import escaped
from crampnet.exceptions import InvalidValueError, NetworkFileError
from crampnet.network.entailment import pairs

if TYPE_CHECKING:
    import numpy as np

    from crampnet.network.spec import NetworkSpec

__all__ = ["to_pgmpy", "write_text"]

# pgmpy's BIFReader (1.1) searches a probability block for 'table' or
# 'default' followed by numbers anywhere, inside a node id of its header too:
# 'stable1' gives a row [1] and the read fails (or misplaces the numbers).
_BIF_MISREAD = re.compile(r"(?:table|default)[0-9eE.+-]")


def to_pgmpy(spec: NetworkSpec, tables: dict[str, np.ndarray]) -> Any:
    """Build a checked ``pgmpy.models.DiscreteBayesianNetwork``.

    Parameters
    ----------
    spec : NetworkSpec
        The validated network.
    tables : dict of str to numpy.ndarray
        Each node's table, as :func:`crampnet.network.cpd.build_tables` returns.

    Returns
    -------
    pgmpy.models.DiscreteBayesianNetwork
        The network, with one ``TabularCPD`` per node carrying state names.
        A DAG cannot say that one finding implies another (``entails``,
        :mod:`crampnet.network.entailment`): the pairs are listed in
        ``network.graph["crampnet_entails"]`` as (finding, its positive
        state, implied finding, implied state), and evidence is reduced by
        them before it is compared with crampnet's.

    Raises
    ------
    NetworkFileError
        If pgmpy rejects the model (translated, naming the file).
    """
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    edges = [(parent, nid) for nid in spec.order for parent in spec.nodes[nid].parents]
    network = DiscreteBayesianNetwork(edges)
    network.add_nodes_from(spec.order)
    network.graph["crampnet_entails"] = tuple(pairs(spec))
    cpds = []
    for nid in spec.order:
        node = spec.nodes[nid]
        parents = list(node.parents)
        table = tables[nid].reshape(len(node.states), -1)
        state_names = {nid: list(node.states), **{p: list(spec.nodes[p].states) for p in parents}}
        cpds.append(
            TabularCPD(
                nid,
                len(node.states),
                table,
                evidence=parents or None,
                evidence_card=[len(spec.nodes[p].states) for p in parents] or None,
                state_names=state_names,
            )
        )
    network.add_cpds(*cpds)
    try:
        network.check_model()
    except ValueError as err:
        msg = f"{escaped(spec.path)}: pgmpy rejected the network: {err}"
        raise NetworkFileError(msg, spec.path) from err
    return network


def write_text(spec: NetworkSpec, tables: dict[str, np.ndarray], format: str) -> str:
    """The network as BIF or XMLBIF text, written by pgmpy's own writers.

    Parameters
    ----------
    spec : NetworkSpec
        The validated network.
    tables : dict of str to numpy.ndarray
        Each node's table, as :func:`crampnet.network.cpd.build_tables` returns.
    format : {'bif', 'xmlbif'}
        ``BIFWriter`` or ``XMLBIFWriter``; probabilities are written in full
        precision (no rounding) and the network is named ``spec.name``
        made an identifier (:func:`crampnet.interop._names.identifier`); in
        BIF the words ``variable`` and ``probability`` in it are capitalized,
        since pgmpy's ``BIFReader`` takes them anywhere for the start of a
        block (``probability_model`` is written ``Probability_model``).

    Returns
    -------
    str
        The file's text.

    Raises
    ------
    InvalidValueError
        For ``bif``, if a node id holds ``table`` or ``default`` followed
        by a digit or ``e`` (``stable1``): pgmpy's ``BIFReader`` reads
        that as a table row and cannot read the file back.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> write_text(model.spec, model.compiled.tables, "bif").splitlines()[0]
    'network leg_cramps {'
    """
    from pgmpy.readwrite import BIFWriter, XMLBIFWriter

    found = next((m for nid in spec.order if (m := _BIF_MISREAD.search(nid))), None) if format == "bif" else None
    if found is not None:
        word = found.group()
        msg = (
            f"{escaped(spec.path)}: the node id {found.string!r} cannot be exported to BIF: pgmpy's BIFReader takes {word!r} in it for the keyword "
            f"{word[:-1]!r} and a number, and fails to read the file back. Rename the node, or export to 'xmlbif', which pgmpy, pyAgrum and bnlearn read."
        )
        raise InvalidValueError(msg)

    from crampnet.interop._names import identifier

    network = to_pgmpy(spec, tables)
    network.name = identifier(spec.name)  # BIF reads 'network NAME {': free text there could close it and inject variables
    if format == "bif":  # pgmpy's BIFReader starts a block at 'variable' or 'probability' anywhere, the name's line included
        network.name = re.sub("variable|probability", lambda word: word.group().capitalize(), network.name)
    writer = BIFWriter(network) if format == "bif" else XMLBIFWriter(network)
    return str(writer)
