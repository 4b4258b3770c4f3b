"""Read and validate a network file into plain, typed records.

This module knows the file format (``networks/FORMAT.md``) and nothing about
inference: it turns TOML text into :class:`NetworkSpec` or raises
:class:`~crampnet.exceptions.NetworkFileError` naming the file and the
problem. Loading never runs code: the text is parsed with :mod:`tomllib`,
and never costs more than the budget of :mod:`crampnet.network._budget`
(checked before parsing, per node and for the whole network, before any
table is built).

The reading is split by concern: :class:`~crampnet.network._reader.Reader`
reads the typed building blocks (numbers, provenance, ranged parameters,
distributions) and builds every error message,
:mod:`crampnet.network._cpd_readers` reads each model of conditional
distribution, :mod:`crampnet.network._node_reader` each node (its header,
then the rest), and this module reads the file's structure: the top level,
``[sources]``, ``[populations]``, the nodes together, and their order
(parents first). The records live in :mod:`crampnet.network.records`, re-exported here.

Examples
--------
>>> from crampnet.network.spec import parse_network
>>> text = '''
... schema = "crampnet-network/1"
... name = "tiny"
... version = "1"
... [nodes.a]
... role = "context"
... states = ["yes", "no"]
... prior = { probabilities = { yes = 0.2, no = 0.8 }, source = "judgment", reason = "example" }
... '''
>>> spec = parse_network(text, "tiny.toml")
>>> spec.nodes["a"].states
('yes', 'no')
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from crampnet.exceptions import hint as _hint
from crampnet.network._budget import MAX_POPULATIONS, MAX_ROW, check_network, read_toml
from crampnet.network._node_reader import ID as _ID
from crampnet.network._node_reader import check_aliases, parse_body, parse_header
from crampnet.network._reader import Reader
from crampnet.network.entailment import check_entails
from crampnet.network.parts import check_parts
from crampnet.network.records import (
    FILE_POPULATION,
    MAX_BYTES,
    MAX_NODES,
    SCHEMA,
    Band,
    Cpd,
    Dist,
    DistLink,
    Link,
    Logistic,
    Mixture,
    NetworkSpec,
    Node,
    NoisyMax,
    NoisyOr,
    Param,
    Population,
    Provenance,
    Role,
    Row,
    Source,
    Table,
)

# The records are re-exported so ``from crampnet.network.spec import Node`` keeps working.
__all__ = [
    "FILE_POPULATION",
    "MAX_BYTES",
    "SCHEMA",
    "Band",
    "Cpd",
    "Dist",
    "DistLink",
    "Link",
    "Logistic",
    "Mixture",
    "NetworkSpec",
    "Node",
    "NoisyMax",
    "NoisyOr",
    "Param",
    "Population",
    "Provenance",
    "Role",
    "Row",
    "Source",
    "Table",
    "parse_network",
]


def parse_network(text: str, path: str = "<string>", *, parsed: dict[str, Any] | None = None, digest: str | None = None) -> NetworkSpec:
    """Parse and validate the text of a network file.

    Parameters
    ----------
    text : str
        The TOML text.
    path : str, default="<string>"
        Name used in error messages.
    parsed : dict, optional
        What :func:`tomllib.loads` returns for ``text``, when the caller
        already has it (the shipped network's twin,
        :mod:`crampnet.network.twin`); it is consumed, and validated like
        freshly parsed data.
    digest : str, optional
        The SHA-256 (hex) of ``text`` encoded as UTF-8, when the caller has
        already computed it; computed here otherwise.

    Returns
    -------
    NetworkSpec
        The validated network, with the ``digest`` of its text.

    Raises
    ------
    NetworkFileError
        If the text is not valid TOML or breaks a rule of the format.
    """
    reader = Reader(path)
    raw = read_toml(reader, text) if parsed is None else parsed
    reader.plain_text(raw)
    schema = reader.text(raw, "schema", "top level")
    if schema != SCHEMA:
        raise reader.fail("schema", f"expected {SCHEMA!r}, got {reader.show(schema)}")
    name = reader.text(raw, "name", "top level", shown=True)
    version = reader.text(raw, "version", "top level", shown=True)
    title = reader.text(raw, "title", "top level", "", shown=True)
    description = reader.text(raw, "description", "top level", "", shown=True)
    sources = _parse_sources(reader, reader.table(raw.pop("sources", {}), "sources"))
    nodes_raw = reader.table(raw.pop("nodes", None) if "nodes" in raw else reader.missing("top level", "nodes"), "nodes")
    populations_raw = reader.table(raw.pop("populations", {}), "populations")
    default_population = reader.text(raw, "default_population", "top level", FILE_POPULATION)
    reader.done(raw, "top level", ["schema", "name", "version", "title", "description", "sources", "nodes", "populations", "default_population"])
    if not nodes_raw:
        raise reader.fail("nodes", "the network has no nodes")
    if len(nodes_raw) > MAX_NODES:
        raise reader.fail("nodes", f"more than {MAX_NODES} nodes")
    if len(populations_raw) > MAX_POPULATIONS:
        raise reader.fail("populations", f"{len(populations_raw)} presets, more than the {MAX_POPULATIONS} a file may have")
    headers = {nid: parse_header(reader, nid, reader.table(body, f"nodes.{nid}")) for nid, body in nodes_raw.items()}
    nodes = {nid: parse_body(reader, header, headers, sources) for nid, header in headers.items()}
    order = _topological_order(reader, nodes)
    check_aliases(reader, nodes)
    check_entails(reader, nodes)
    check_parts(reader, nodes)
    populations = _extend({key: _parse_population(reader, key, body, nodes, sources) for key, body in populations_raw.items()}, reader)
    if default_population != FILE_POPULATION and default_population not in populations:
        names = ", ".join([FILE_POPULATION, *populations])
        raise reader.fail("default_population", f"{default_population!r} is not a population of the file (the populations: {names})")
    check_network(reader, {nid: nodes[nid] for nid in order})
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest() if digest is None else digest
    return NetworkSpec(name, version, title, description, sources, nodes, path, order, populations, default_population, digest)


def _parse_population(reader: Reader, key: str, body: object, nodes: Mapping[str, Node], sources: Mapping[str, Source]) -> Population:
    where = f"populations.{key}"
    if not _ID.match(key):
        raise reader.bad_name(where, "a population name", key)
    if key == FILE_POPULATION:
        raise reader.fail(where, f"{FILE_POPULATION!r} names the file's own priors; a preset needs another name")
    data = reader.table(body, where)
    label = reader.text(data, "label", where, key.replace("_", " "), shown=True)
    description = reader.text(data, "description", where, "", shown=True)
    extends = reader.text(data, "extends", where, "") or None
    priors_raw = reader.table(data.pop("priors", {}), f"{where}.priors")
    reader.done(data, where, ["label", "description", "extends", "priors"])
    priors = {}
    for nid, prior in priors_raw.items():
        if nid not in nodes or nodes[nid].role != "context":
            hint = _hint(nid, [n for n in nodes if nodes[n].role == "context"])
            raise reader.fail(f"{where}.priors", f"{reader.show(nid)} is not a context node.{hint}")
        priors[nid] = reader.dist(prior, f"{where}.priors.{nid}", nodes[nid].states, sources)
    return Population(key, label, description, priors, extends)


def _extend(populations: dict[str, Population], reader: Reader) -> dict[str, Population]:
    """Resolve ``extends``: a preset starts from the priors of the one it names, then sets its own.

    Iterative and linear: a file may chain thousands of presets, deeper than
    Python recurses, and the chain met is also kept as a set for membership.
    """
    resolved: dict[str, Population] = {}
    for start in populations:
        chain: list[str] = []  # the presets met from start, none resolved yet
        met: set[str] = set()  # the same, for membership
        key = start
        while key not in resolved:
            pop = populations[key]
            if pop.extends is None:
                resolved[key] = pop
                break
            where = f"populations.{key}.extends"
            if pop.extends == key or pop.extends in met:
                cycle = [*chain[chain.index(pop.extends) if pop.extends in met else len(chain) :], key, pop.extends]
                shown = cycle if len(cycle) <= 8 else [*cycle[:3], "...", *cycle[-3:]]
                raise reader.fail(where, f"the presets extend each other in a cycle: {' -> '.join(shown)}")
            if pop.extends not in populations:
                hint = _hint(pop.extends, list(populations))
                raise reader.fail(where, f"{reader.show(pop.extends)} is not a population of the file.{hint}")
            chain.append(key)
            met.add(key)
            key = pop.extends
        for key in reversed(chain):
            pop = populations[key]
            base = resolved[pop.extends or ""]
            resolved[key] = Population(pop.name, pop.label, pop.description, {**base.priors, **pop.priors}, pop.extends)
    return {key: resolved[key] for key in populations}


def _parse_sources(reader: Reader, raw: dict[str, Any]) -> dict[str, Source]:
    sources = {}
    for key, body in raw.items():
        where = f"sources.{key}"
        if not _ID.match(key) or key == "judgment":
            raise reader.fail(where, "a source key must not be 'judgment', which is reserved for a parameter's own judgment (source = 'judgment' with a reason)") if key == "judgment" else reader.bad_name(where, "a source key", key)
        data = reader.table(body, where)
        kind = reader.text(data, "kind", where)
        if kind not in ("literature", "seed", "evidence_table"):
            raise reader.fail(where, f"kind must be 'literature', 'seed' or 'evidence_table', got {reader.show(kind)}")
        citation = reader.text(data, "citation", where, shown=True)
        rows = data.pop("evidence_rows", [])
        if not isinstance(rows, list) or not all(isinstance(r, int) and not isinstance(r, bool) and 0 <= r <= MAX_ROW for r in rows):
            raise reader.fail(where, f"evidence_rows must be a list of row numbers from 0 to {MAX_ROW}, got {reader.show(rows)}")
        reader.done(data, where, ["kind", "citation", "evidence_rows"])
        sources[key] = Source(key, kind, citation, tuple(rows))
    return sources




def _topological_order(reader: Reader, nodes: Mapping[str, Node]) -> tuple[str, ...]:
    """Kahn's algorithm, iterative so that a hostile deep chain cannot overflow."""
    waiting = {nid: set(node.parents) for nid, node in nodes.items()}
    children: dict[str, list[str]] = {nid: [] for nid in nodes}
    for nid, node in nodes.items():
        for parent in node.parents:
            children[parent].append(nid)
    ready = [nid for nid, parents in waiting.items() if not parents]
    order: list[str] = []
    while ready:
        nid = ready.pop(0)
        order.append(nid)
        for child in children[nid]:
            waiting[child].discard(nid)
            if not waiting[child]:
                ready.append(child)
    if len(order) != len(nodes):
        # Every stuck node has a stuck parent: walking up parents must repeat.
        stuck = {nid for nid, parents in waiting.items() if parents}
        walk = [min(stuck)]
        while walk.count(walk[-1]) < 2:
            walk.append(min(waiting[walk[-1]]))
        start = walk.index(walk[-1])
        cycle = list(reversed(walk[start:]))
        raise reader.fail("nodes", f"the graph has a cycle: {' -> '.join(cycle)}")
    return tuple(order)
