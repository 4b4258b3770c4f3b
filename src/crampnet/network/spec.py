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
distribution, and this module reads the file's structure: the top level,
``[sources]``, ``[populations]``, the nodes, and their order (parents
first). The records live in :mod:`crampnet.network.records`, re-exported here.

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

import math
import re
from collections.abc import Mapping
from typing import Any

from crampnet.exceptions import hint as _hint
from crampnet.network._budget import MAX_NAME, MAX_POPULATIONS, MAX_ROW, check_network, read_toml
from crampnet.network._cpd_readers import parse_cpd
from crampnet.network._reader import Reader
from crampnet.network.entailment import check_entails, parse_entails
from crampnet.network.parts import check_parts
from crampnet.network.records import (
    FILE_POPULATION,
    MAX_BYTES,
    MAX_NODES,
    MAX_STATES,
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

# \Z, not $: "$" also matches before a final newline, which let "drug\n" through as an id.
_ID = re.compile(rf"[a-z][a-z0-9_]{{0,{MAX_NAME - 1}}}\Z")
_STATE = re.compile(rf"[a-z0-9][a-z0-9_]{{0,{MAX_NAME - 1}}}\Z")
_TRUE_STATES = ("yes", "present", "positive")
_FALSE_STATES = ("no", "absent", "negative")


def parse_network(text: str, path: str = "<string>", *, parsed: dict[str, Any] | None = None) -> NetworkSpec:
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

    Returns
    -------
    NetworkSpec
        The validated network.

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
    headers = {nid: _parse_header(reader, nid, reader.table(body, f"nodes.{nid}")) for nid, body in nodes_raw.items()}
    nodes = {nid: _parse_body(reader, header, headers, sources) for nid, header in headers.items()}
    order = _topological_order(reader, nodes)
    _check_aliases(reader, nodes)
    check_entails(reader, nodes)
    check_parts(reader, nodes)
    populations = _extend({key: _parse_population(reader, key, body, nodes, sources) for key, body in populations_raw.items()}, reader)
    if default_population != FILE_POPULATION and default_population not in populations:
        names = ", ".join([FILE_POPULATION, *populations])
        raise reader.fail("default_population", f"{default_population!r} is not a population of the file (the populations: {names})")
    check_network(reader, {nid: nodes[nid] for nid in order})
    return NetworkSpec(name, version, title, description, sources, nodes, path, order, populations, default_population)


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


_NODE_KEYS = ["role", "states", "label", "description", "aliases", "must_not_miss", "positive", "negative", "unit", "valid", "bands", "prior", "cpd", "entails", "part_of"]


def _parse_header(reader: Reader, nid: str, data: dict[str, Any]) -> dict[str, Any]:
    where = f"nodes.{nid}"
    if not _ID.match(nid):
        raise reader.bad_name(where, "a node id", nid)
    role = reader.text(data, "role", where)
    if role not in ("context", "condition", "finding"):
        raise reader.fail(where, f"role must be 'context', 'condition' or 'finding', got {reader.show(role)}")
    states = data.pop("states", None)
    if not isinstance(states, list) or not 2 <= len(states) <= MAX_STATES:
        raise reader.fail(where, f"states must be a list of 2 to {MAX_STATES} names, got {reader.show(states)}")
    if not all(isinstance(s, str) and _STATE.match(s) for s in states) or len(set(states)) != len(states):
        bad = next((s for s in states if not (isinstance(s, str) and _STATE.match(s))), None)
        raise reader.bad_name(where, "a state", bad) if bad is not None else reader.fail(where, f"states must be distinct, got {reader.show(states)}")
    if role == "condition" and states != ["present", "absent"]:
        raise reader.fail(where, f"a condition's states must be ['present', 'absent'], got {reader.show(states)}")
    data["role"] = role
    data["states"] = tuple(states)
    return data


def _parse_body(reader: Reader, data: dict[str, Any], headers: Mapping[str, dict[str, Any]], sources: Mapping[str, Source]) -> Node:
    nid = next(k for k, v in headers.items() if v is data)
    where = f"nodes.{nid}"
    data = dict(data)
    role: Role = data.pop("role")
    states: tuple[str, ...] = data.pop("states")
    label = reader.text(data, "label", where, nid.replace("_", " "), shown=True)
    description = reader.text(data, "description", where, "", shown=True)
    aliases = data.pop("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and _ID.match(a) for a in aliases):
        raise reader.fail(where, f"aliases must be a list, got {reader.show(aliases)}") if not isinstance(aliases, list) else reader.bad_name(where, "an alias", next(a for a in aliases if not (isinstance(a, str) and _ID.match(a))))
    must_not_miss = data.pop("must_not_miss", False)
    if not isinstance(must_not_miss, bool):
        raise reader.fail(where, f"must_not_miss must be true or false, got {reader.show(must_not_miss)}")
    if must_not_miss and role != "condition":
        raise reader.fail(where, f"must_not_miss is for conditions only; this node is a {role}")
    positive = reader.state_key(data, "positive", where, states, _TRUE_STATES)
    negative = reader.state_key(data, "negative", where, states, _FALSE_STATES)
    if positive is not None and positive == negative:
        raise reader.fail(where, f"positive and negative are both {positive!r}: true and false would be the same state; give each its own")
    unit = reader.text(data, "unit", where, "", shown=True) or None
    valid = _parse_valid(reader, data.pop("valid", None), where)
    bands = _parse_bands(reader, data.pop("bands", []), where, states)
    if bands and valid is None:
        raise reader.fail(where, "a node with bands must give 'valid' = [min, max]")
    if valid is not None and not bands:
        raise reader.fail(where, "'valid' is the range of the numbers a node with bands takes; this node has no bands")
    for i, bound in enumerate(b.below if b.below is not None else b.up_to for b in bands[:-1]):
        if valid is not None and bound is not None and not valid[0] < bound < valid[1]:
            raise reader.fail(f"{where}.bands[{i}]", f"bound {bound:g} is not inside valid = [{valid[0]:g}, {valid[1]:g}]: a band would take no number, or the bound alone")
    prior = None
    cpd: Cpd | None = None
    if role == "context" and "cpd" not in data:
        prior_raw = data.pop("prior", None) if "prior" in data else reader.missing(where, "prior")
        prior = reader.dist(prior_raw, f"{where}.prior", states, sources)
    elif role == "context":
        # A context node that depends on other context nodes (pregnancy on sex and age) gives a table over them.
        if "prior" in data:
            raise reader.fail(where, "a context node gives 'prior' or a 'cpd' of model 'table' over other context nodes, not both")
        cpd_raw = reader.table(data.pop("cpd"), f"{where}.cpd")
        if cpd_raw.get("model") != "table":
            raise reader.fail(f"{where}.cpd", f"a context node's cpd must be of model 'table' (over other context nodes), got {reader.show(cpd_raw.get('model'))}")
        cpd = parse_cpd(reader, cpd_raw, f"{where}.cpd", nid, role, states, positive, headers, sources)
    else:
        if "prior" in data:
            raise reader.fail(where, f"a {role} has a 'cpd', not a 'prior'")
        cpd_raw = reader.table(data.pop("cpd", None) if "cpd" in data else reader.missing(where, "cpd"), f"{where}.cpd")
        cpd = parse_cpd(reader, cpd_raw, f"{where}.cpd", nid, role, states, positive, headers, sources)
    entails = parse_entails(reader, data.pop("entails", None), where)
    part_of = reader.text(data, "part_of", where, "") or None
    if part_of is not None and role != "condition":
        raise reader.fail(where, f"only a condition can be 'part_of' another condition; this node is a {role}")
    reader.done(data, where, _NODE_KEYS)
    return Node(nid, role, states, label, description, tuple(aliases), must_not_miss, positive, negative, unit, valid, bands, prior, cpd, entails, part_of)


def _check_aliases(reader: Reader, nodes: Mapping[str, Node]) -> None:
    """Each alias names one node: it is no node's id and no other alias."""
    owner: dict[str, str] = {}
    for nid, node in nodes.items():
        for alias in node.aliases:
            if alias in nodes:
                raise reader.fail(f"nodes.{nid}.aliases", f"{alias!r} is the id of a node; an alias must be another name")
            if alias in owner:
                other = "twice" if owner[alias] == nid else f"also for {owner[alias]}"
                raise reader.fail(f"nodes.{nid}.aliases", f"{alias!r} is given {other}; an alias names one node")
            owner[alias] = nid


def _parse_valid(reader: Reader, raw: object, where: str) -> tuple[float, float] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise reader.fail(where, f"valid must be [min, max], got {reader.show(raw)}")
    low, high = (reader.number(v, f"{where}.valid") for v in raw)
    if low >= high:
        raise reader.fail(where, f"valid must have min < max, got {reader.show(raw)}")
    return (low, high)


def _parse_bands(reader: Reader, raw: object, where: str, states: tuple[str, ...]) -> tuple[Band, ...]:
    if not isinstance(raw, list):
        raise reader.fail(where, f"bands must be a list, got {reader.show(raw)}")
    bands = []
    last = -math.inf
    for i, item in enumerate(raw):
        spot = f"{where}.bands[{i}]"
        data = reader.table(item, spot)
        state = reader.text(data, "state", spot)
        if state not in states:
            raise reader.fail(spot, f"unknown state {reader.show(state)}; valid states: {', '.join(states)}")
        below = reader.number(data.pop("below"), spot) if "below" in data else None
        up_to = reader.number(data.pop("up_to"), spot) if "up_to" in data else None
        reader.done(data, spot, ["state", "below", "up_to"])
        is_last = i == len(raw) - 1
        bounds = [b for b in (below, up_to) if b is not None]
        if is_last and bounds:
            raise reader.fail(spot, "the last band has no bound")
        if not is_last and len(bounds) != 1:
            raise reader.fail(spot, "a band other than the last needs exactly one of 'below' or 'up_to'")
        if bounds:
            if bounds[0] <= last:
                raise reader.fail(spot, "band bounds must increase")
            last = bounds[0]
        bands.append(Band(state, below, up_to))
    if len(bands) == 1:
        raise reader.fail(where, "bands need at least two entries")
    return tuple(bands)


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
