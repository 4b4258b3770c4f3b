"""Read and validate a network file into plain, typed records.

This module knows the file format (``networks/FORMAT.md``) and nothing about
inference: it turns TOML text into :class:`NetworkSpec` or raises
:class:`~crampnet.exceptions.NetworkFileError` naming the file and the
problem. Loading never runs code: the text is parsed with :mod:`tomllib`.

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
import tomllib
from collections.abc import Mapping
from typing import Any, Literal

from crampnet.exceptions import NetworkFileError
from crampnet.exceptions import hint as _hint
from crampnet.network.records import (
    MAX_BYTES,
    MAX_NODES,
    MAX_STATES,
    MAX_TABLE,
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
    cpd_parents,
)

# The records are re-exported so ``from crampnet.network.spec import Node`` keeps working.
__all__ = [
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

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_STATE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_TRUE_STATES = ("yes", "present", "positive")
_FALSE_STATES = ("no", "absent", "negative")


class _Reader:
    """Walks the parsed TOML, popping known keys and failing on anything else."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, msg: str) -> NetworkFileError:
        text = f"{self.path}: {where}: {msg}" if where else f"{self.path}: {msg}"
        return NetworkFileError(text, self.path)

    def table(self, value: object, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a table, got {type(value).__name__}")
        return dict(value)

    def done(self, data: Mapping[str, Any], where: str, allowed: list[str]) -> None:
        for key in data:
            hint = _hint(key, allowed)
            raise self.fail(where, f"unknown key {key!r}.{hint}")

    def text(self, data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
        if key not in data:
            if default is None:
                raise self.fail(where, f"missing required key {key!r}")
            return default
        value = data.pop(key)
        if not isinstance(value, str):
            raise self.fail(where, f"{key!r} must be a string, got {value!r}")
        return value

    def number(self, value: object, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, f"expected a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise self.fail(where, f"expected a finite number, got {value!r}")
        return number

    def provenance(self, data: dict[str, Any], where: str, sources: Mapping[str, Source]) -> Provenance:
        source = self.text(data, "source", where)
        reason = data.pop("reason", None)
        note = data.pop("note", None)
        for key, value in (("reason", reason), ("note", note)):
            if value is not None and not isinstance(value, str):
                raise self.fail(where, f"{key!r} must be a string, got {value!r}")
        if source == "judgment":
            if not reason or not reason.strip():
                raise self.fail(where, "a judgment must give a 'reason'")
        elif source not in sources:
            hint = _hint(source, list(sources))
            raise self.fail(where, f"source {source!r} is not a key of [sources].{hint}")
        return Provenance(source, reason, note)

    def param(self, value: object, where: str, sources: Mapping[str, Source], *, probability: bool, key: str = "value") -> Param:
        data = self.table(value, where)
        number = self.number(data.pop(key, None) if key in data else self._missing(where, key), where)
        if probability and not 0.0 <= number <= 1.0:
            raise self.fail(where, f"{key} must be a probability in [0, 1], got {number}")
        if not probability and number <= 0.0:
            raise self.fail(where, f"{key} must be > 0, got {number}")
        low = self.number(data.pop("low"), where) if "low" in data else None
        high = self.number(data.pop("high"), where) if "high" in data else None
        if (low is not None and low > number) or (high is not None and high < number):
            raise self.fail(where, f"range low={low}, high={high} does not contain {key}={number}")
        if probability and any(b is not None and not 0.0 <= b <= 1.0 for b in (low, high)):
            raise self.fail(where, f"range low={low}, high={high} must lie in [0, 1]")
        prov = self.provenance(data, where, sources)
        self.done(data, where, [key, "low", "high", "source", "reason", "note"])
        return Param(number, prov, low, high)

    def _missing(self, where: str, key: str) -> object:
        raise self.fail(where, f"missing required key {key!r}")

    def dist(self, value: object, where: str, states: tuple[str, ...], sources: Mapping[str, Source], *, weighted: bool = False) -> Dist:
        data = self.table(value, where)
        probs_raw = self.table(data.pop("probabilities", None) if "probabilities" in data else self._missing(where, "probabilities"), f"{where}.probabilities")
        probs: dict[str, float] = {}
        for state, number in probs_raw.items():
            if state not in states:
                raise self.fail(where, f"unknown state {state!r}; valid states: {', '.join(states)}")
            probs[state] = self.number(number, f"{where}.probabilities.{state}")
            if not 0.0 <= probs[state] <= 1.0:
                raise self.fail(where, f"probability of {state!r} must be in [0, 1], got {probs[state]}")
        for state in states:
            probs.setdefault(state, 0.0)
        total = sum(probs.values())
        if abs(total - 1.0) > 1e-9:
            raise self.fail(where, f"probabilities must sum to 1, they sum to {total!r}")
        weight = None
        if weighted:
            weight_raw = {"value": data.pop("weight", None) if "weight" in data else self._missing(where, "weight"), "source": data.get("source", ""), "reason": data.get("reason"), "note": data.get("note")}
            weight_raw = {k: v for k, v in weight_raw.items() if v is not None}
            weight = self.param(weight_raw, f"{where}.weight", sources, probability=False)
        prov = self.provenance(data, where, sources)
        self.done(data, where, ["probabilities", "source", "reason", "note", "weight"])
        return Dist({s: probs[s] for s in states}, prov, weight)


def parse_network(text: str, path: str = "<string>") -> NetworkSpec:
    """Parse and validate the text of a network file.

    Parameters
    ----------
    text : str
        The TOML text.
    path : str, default="<string>"
        Name used in error messages.

    Returns
    -------
    NetworkSpec
        The validated network.

    Raises
    ------
    NetworkFileError
        If the text is not valid TOML or breaks a rule of the format.
    """
    reader = _Reader(path)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise reader.fail("", f"file is larger than {MAX_BYTES} bytes")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise reader.fail("", f"not valid TOML ({err})") from err
    schema = reader.text(raw, "schema", "top level")
    if schema != SCHEMA:
        raise reader.fail("schema", f"expected {SCHEMA!r}, got {schema!r}")
    name = reader.text(raw, "name", "top level")
    version = reader.text(raw, "version", "top level")
    title = reader.text(raw, "title", "top level", "")
    description = reader.text(raw, "description", "top level", "")
    sources = _parse_sources(reader, reader.table(raw.pop("sources", {}), "sources"))
    nodes_raw = reader.table(raw.pop("nodes", None) if "nodes" in raw else reader._missing("top level", "nodes"), "nodes")
    populations_raw = reader.table(raw.pop("populations", {}), "populations")
    reader.done(raw, "top level", ["schema", "name", "version", "title", "description", "sources", "nodes", "populations"])
    if not nodes_raw:
        raise reader.fail("nodes", "the network has no nodes")
    if len(nodes_raw) > MAX_NODES:
        raise reader.fail("nodes", f"more than {MAX_NODES} nodes")
    headers = {nid: _parse_header(reader, nid, reader.table(body, f"nodes.{nid}")) for nid, body in nodes_raw.items()}
    nodes = {nid: _parse_body(reader, header, headers, sources) for nid, header in headers.items()}
    order = _topological_order(reader, nodes)
    populations = {key: _parse_population(reader, key, body, nodes, sources) for key, body in populations_raw.items()}
    return NetworkSpec(name, version, title, description, sources, nodes, path, order, populations)


def _parse_population(reader: _Reader, key: str, body: object, nodes: Mapping[str, Node], sources: Mapping[str, Source]) -> Population:
    where = f"populations.{key}"
    if not _ID.match(key):
        raise reader.fail(where, "a population name must be lower snake case")
    data = reader.table(body, where)
    label = reader.text(data, "label", where, key.replace("_", " "))
    description = reader.text(data, "description", where, "")
    priors_raw = reader.table(data.pop("priors", {}), f"{where}.priors")
    reader.done(data, where, ["label", "description", "priors"])
    priors = {}
    for nid, prior in priors_raw.items():
        if nid not in nodes or nodes[nid].role != "context":
            hint = _hint(nid, [n for n in nodes if nodes[n].role == "context"])
            raise reader.fail(f"{where}.priors", f"{nid!r} is not a context node.{hint}")
        priors[nid] = reader.dist(prior, f"{where}.priors.{nid}", nodes[nid].states, sources)
    return Population(key, label, description, priors)


def _parse_sources(reader: _Reader, raw: dict[str, Any]) -> dict[str, Source]:
    sources = {}
    for key, body in raw.items():
        where = f"sources.{key}"
        if not _ID.match(key) or key == "judgment":
            raise reader.fail(where, "a source key must be lower snake case and not 'judgment'")
        data = reader.table(body, where)
        kind = reader.text(data, "kind", where)
        if kind not in ("literature", "seed", "evidence_table"):
            raise reader.fail(where, f"kind must be 'literature', 'seed' or 'evidence_table', got {kind!r}")
        citation = reader.text(data, "citation", where)
        rows = data.pop("evidence_rows", [])
        if not isinstance(rows, list) or not all(isinstance(r, int) and not isinstance(r, bool) for r in rows):
            raise reader.fail(where, f"evidence_rows must be a list of integers, got {rows!r}")
        reader.done(data, where, ["kind", "citation", "evidence_rows"])
        sources[key] = Source(key, kind, citation, tuple(rows))
    return sources


_NODE_KEYS = ["role", "states", "label", "description", "aliases", "must_not_miss", "positive", "negative", "unit", "valid", "bands", "prior", "cpd"]


def _parse_header(reader: _Reader, nid: str, data: dict[str, Any]) -> dict[str, Any]:
    where = f"nodes.{nid}"
    if not _ID.match(nid):
        raise reader.fail(where, "a node id must be lower snake case")
    role = reader.text(data, "role", where)
    if role not in ("context", "condition", "finding"):
        raise reader.fail(where, f"role must be 'context', 'condition' or 'finding', got {role!r}")
    states = data.pop("states", None)
    if not isinstance(states, list) or not 2 <= len(states) <= MAX_STATES:
        raise reader.fail(where, f"states must be a list of 2 to {MAX_STATES} names, got {states!r}")
    if not all(isinstance(s, str) and _STATE.match(s) for s in states) or len(set(states)) != len(states):
        raise reader.fail(where, f"states must be distinct lower snake case names, got {states!r}")
    if role == "condition" and states != ["present", "absent"]:
        raise reader.fail(where, f"a condition's states must be ['present', 'absent'], got {states!r}")
    data["role"] = role
    data["states"] = tuple(states)
    return data


def _parse_body(reader: _Reader, data: dict[str, Any], headers: Mapping[str, dict[str, Any]], sources: Mapping[str, Source]) -> Node:
    nid = next(k for k, v in headers.items() if v is data)
    where = f"nodes.{nid}"
    data = dict(data)
    role: Role = data.pop("role")
    states: tuple[str, ...] = data.pop("states")
    label = reader.text(data, "label", where, nid.replace("_", " "))
    description = reader.text(data, "description", where, "")
    aliases = data.pop("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and _ID.match(a) for a in aliases):
        raise reader.fail(where, f"aliases must be a list of ids, got {aliases!r}")
    must_not_miss = data.pop("must_not_miss", False)
    if not isinstance(must_not_miss, bool):
        raise reader.fail(where, f"must_not_miss must be true or false, got {must_not_miss!r}")
    positive = _state_key(reader, data, "positive", where, states, _TRUE_STATES)
    negative = _state_key(reader, data, "negative", where, states, _FALSE_STATES)
    unit = data.pop("unit", None)
    if unit is not None and not isinstance(unit, str):
        raise reader.fail(where, f"unit must be a string, got {unit!r}")
    valid = _parse_valid(reader, data.pop("valid", None), where)
    bands = _parse_bands(reader, data.pop("bands", []), where, states)
    if bands and valid is None:
        raise reader.fail(where, "a node with bands must give 'valid' = [min, max]")
    prior = None
    cpd: Cpd | None = None
    if role == "context":
        if "cpd" in data:
            raise reader.fail(where, "a context node is a root: give 'prior', not 'cpd'")
        prior_raw = data.pop("prior", None) if "prior" in data else reader._missing(where, "prior")
        prior = reader.dist(prior_raw, f"{where}.prior", states, sources)
    else:
        if "prior" in data:
            raise reader.fail(where, f"a {role} has a 'cpd', not a 'prior'")
        cpd_raw = reader.table(data.pop("cpd", None) if "cpd" in data else reader._missing(where, "cpd"), f"{where}.cpd")
        cpd = _parse_cpd(reader, cpd_raw, f"{where}.cpd", nid, role, states, positive, headers, sources)
    reader.done(data, where, _NODE_KEYS)
    return Node(nid, role, states, label, description, tuple(aliases), must_not_miss, positive, negative, unit, valid, bands, prior, cpd)


def _state_key(reader: _Reader, data: dict[str, Any], key: str, where: str, states: tuple[str, ...], defaults: tuple[str, ...]) -> str | None:
    if key in data:
        value = data.pop(key)
        if value not in states:
            raise reader.fail(where, f"{key} must be one of {', '.join(states)}, got {value!r}")
        return str(value)
    return next((s for s in defaults if s in states), None)


def _parse_valid(reader: _Reader, raw: object, where: str) -> tuple[float, float] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise reader.fail(where, f"valid must be [min, max], got {raw!r}")
    low, high = (reader.number(v, f"{where}.valid") for v in raw)
    if low >= high:
        raise reader.fail(where, f"valid must have min < max, got {raw!r}")
    return (low, high)


def _parse_bands(reader: _Reader, raw: object, where: str, states: tuple[str, ...]) -> tuple[Band, ...]:
    if not isinstance(raw, list):
        raise reader.fail(where, f"bands must be a list, got {raw!r}")
    bands = []
    last = -math.inf
    for i, item in enumerate(raw):
        spot = f"{where}.bands[{i}]"
        data = reader.table(item, spot)
        state = reader.text(data, "state", spot)
        if state not in states:
            raise reader.fail(spot, f"unknown state {state!r}; valid states: {', '.join(states)}")
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


def _parse_cpd(reader: _Reader, data: dict[str, Any], where: str, nid: str, role: str, states: tuple[str, ...], positive: str | None, headers: Mapping[str, dict[str, Any]], sources: Mapping[str, Source]) -> Cpd:
    model = reader.text(data, "model", where)
    cpd: Cpd
    if model in ("noisy_or", "logistic"):
        pos = _state_key(reader, data, "positive", where, states, ())
        pos = pos or positive
        if pos is None:
            raise reader.fail(where, f"give 'positive': which of {', '.join(states)} the causes produce")
        if len(states) != 2:
            raise reader.fail(where, f"{model} needs a binary node, {nid} has {len(states)} states")
        if model == "noisy_or":
            leak = reader.param(data.pop("leak", None) if "leak" in data else reader._missing(where, "leak"), f"{where}.leak", sources, probability=True)
            links = _links(reader, data, where, "links", nid, role, headers, sources, probability=True)
            reader.done(data, where, ["model", "positive", "leak", "links"])
            cpd = NoisyOr(pos, leak, links)
        else:
            raw = reader.table(data.pop("intercept", None) if "intercept" in data else reader._missing(where, "intercept"), f"{where}.intercept")
            kinds = [k for k in ("baseline", "prevalence") if k in raw]
            if len(kinds) != 1:
                raise reader.fail(f"{where}.intercept", "give exactly one of 'baseline' or 'prevalence'")
            kind: Literal["baseline", "prevalence"] = "baseline" if kinds[0] == "baseline" else "prevalence"
            intercept = reader.param(raw, f"{where}.intercept", sources, probability=True, key=kind)
            if not 0.0 < intercept.value < 1.0:
                raise reader.fail(f"{where}.intercept", f"{kind} must be strictly between 0 and 1")
            ors = _links(reader, data, where, "odds_ratios", nid, role, headers, sources, probability=False)
            if kind == "prevalence" and any(headers[link.parent]["role"] != "context" for link in ors):
                raise reader.fail(where, "an intercept given as 'prevalence' needs context parents only")
            reader.done(data, where, ["model", "positive", "intercept", "odds_ratios"])
            cpd = Logistic(pos, kind, intercept, ors)
        _check_link_states(reader, cpd.links if isinstance(cpd, NoisyOr) else cpd.odds_ratios, where, headers)
    elif model in ("noisy_max", "mixture"):
        weighted = model == "mixture"
        order: tuple[str, ...] = states
        if model == "noisy_max" and "order" in data:
            order_raw = data.pop("order")
            if not isinstance(order_raw, list) or sorted(order_raw) != sorted(states):
                raise reader.fail(where, f"order must list each of {', '.join(states)} once, got {order_raw!r}")
            order = tuple(order_raw)
        dleak = reader.dist(data.pop("leak", None) if "leak" in data else reader._missing(where, "leak"), f"{where}.leak", states, sources, weighted=weighted)
        links_raw = data.pop("links", [])
        if not isinstance(links_raw, list) or not links_raw:
            raise reader.fail(where, "links must be a non-empty list")
        dlinks = []
        for i, item in enumerate(links_raw):
            spot = f"{where}.links[{i}]"
            body = reader.table(item, spot)
            parent = _parent(reader, reader.text(body, "parent", spot), spot, nid, role, headers)
            state = reader.text(body, "state", spot)
            dlinks.append(DistLink(parent, state, reader.dist(body, spot, states, sources, weighted=weighted)))
        _check_link_states(reader, dlinks, where, headers)
        reader.done(data, where, ["model", "order", "leak", "links"])
        cpd = NoisyMax(order, dleak, tuple(dlinks)) if model == "noisy_max" else Mixture(dleak, tuple(dlinks))
    elif model == "table":
        parents_raw = data.pop("parents", [])
        if not isinstance(parents_raw, list) or len(set(parents_raw)) != len(parents_raw):
            raise reader.fail(where, f"parents must be a list of distinct ids, got {parents_raw!r}")
        parents = tuple(_parent(reader, p, where, nid, role, headers) for p in parents_raw)
        size = len(states) * math.prod(len(headers[p]["states"]) for p in parents)
        if size > MAX_TABLE:
            raise reader.fail(where, f"table would have {size} entries, more than {MAX_TABLE}")
        rows_raw = data.pop("rows", None)
        if not isinstance(rows_raw, list):
            raise reader.fail(where, "rows must be a list")
        rows = []
        seen = set()
        for i, item in enumerate(rows_raw):
            spot = f"{where}.rows[{i}]"
            body = reader.table(item, spot)
            when = reader.table(body.pop("when", {}), f"{spot}.when")
            if set(when) != set(parents):
                raise reader.fail(spot, f"'when' must give a state for each parent ({', '.join(parents) or 'none'})")
            for parent, state in when.items():
                if state not in headers[parent]["states"]:
                    raise reader.fail(spot, f"{parent} has no state {state!r}; valid states: {', '.join(headers[parent]['states'])}")
            key = tuple(when[p] for p in parents)
            if key in seen:
                raise reader.fail(spot, f"duplicate row for {dict(zip(parents, key, strict=True))}")
            seen.add(key)
            rows.append(Row({p: when[p] for p in parents}, reader.dist(body, spot, states, sources)))
        expected = math.prod(len(headers[p]["states"]) for p in parents)
        if len(rows) != expected:
            raise reader.fail(where, f"a table over {', '.join(parents) or 'no parents'} needs {expected} rows, got {len(rows)}")
        reader.done(data, where, ["model", "parents", "rows"])
        cpd = Table(parents, tuple(rows))
    else:
        raise reader.fail(where, f"unknown model {model!r}; models: noisy_or, noisy_max, logistic, table, mixture")
    parent_states = math.prod(len(headers[p]["states"]) for p in cpd_parents(cpd))
    if parent_states * len(states) > MAX_TABLE:
        raise reader.fail(where, f"the table of {nid} would have more than {MAX_TABLE} entries")
    return cpd


def _parent(reader: _Reader, parent: object, where: str, nid: str, role: str, headers: Mapping[str, dict[str, Any]]) -> str:
    if not isinstance(parent, str) or parent not in headers:
        hint = _hint(str(parent), list(headers))
        raise reader.fail(where, f"parent {parent!r} is not a node.{hint}")
    if parent == nid:
        raise reader.fail(where, f"{nid} cannot be its own parent")
    prole = headers[parent]["role"]
    if prole == "finding" or (role == "condition" and prole not in ("context", "condition")):
        raise reader.fail(where, f"a {role} cannot have the {prole} {parent!r} as parent (roles flow context -> condition -> finding)")
    return parent


def _links(reader: _Reader, data: dict[str, Any], where: str, key: str, nid: str, role: str, headers: Mapping[str, dict[str, Any]], sources: Mapping[str, Source], *, probability: bool) -> tuple[Link, ...]:
    raw = data.pop(key, [])
    if not isinstance(raw, list):
        raise reader.fail(where, f"{key} must be a list")
    links = []
    for i, item in enumerate(raw):
        spot = f"{where}.{key}[{i}]"
        body = reader.table(item, spot)
        parent = _parent(reader, reader.text(body, "parent", spot), spot, nid, role, headers)
        state = reader.text(body, "state", spot)
        links.append(Link(parent, state, reader.param(body, spot, sources, probability=probability)))
    return tuple(links)


def _check_link_states(reader: _Reader, links: tuple[Link, ...] | list[DistLink], where: str, headers: Mapping[str, dict[str, Any]]) -> None:
    seen: dict[str, set[str]] = {}
    for link in links:
        states = headers[link.parent]["states"]
        if link.state not in states:
            raise reader.fail(where, f"{link.parent} has no state {link.state!r}; valid states: {', '.join(states)}")
        if link.state in seen.setdefault(link.parent, set()):
            raise reader.fail(where, f"{link.parent}={link.state} is linked twice")
        seen[link.parent].add(link.state)
    for parent, linked in seen.items():
        if len(linked) == len(headers[parent]["states"]):
            raise reader.fail(where, f"every state of {parent} is linked; leave its reference (inactive) state out")


def _topological_order(reader: _Reader, nodes: Mapping[str, Node]) -> tuple[str, ...]:
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
