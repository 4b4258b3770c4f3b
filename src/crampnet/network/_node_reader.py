"""Read one node of a network file: its header first, then the rest once every header is known.

A node is read in two passes (:func:`crampnet.network.spec.parse_network`
runs them): :func:`parse_header` checks the id, role and states every other
node's ``cpd`` needs of it; :func:`parse_body` then reads the rest (label,
aliases, must-not-miss, positive and negative states, the unit, valid range
and bands of a numeric node, prior or cpd through
:mod:`crampnet.network._cpd_readers`, ``entails``, ``part_of``) into a
:class:`~crampnet.network.records.Node`; :func:`check_aliases` checks the
aliases of all nodes together. :data:`ID` and :data:`STATE` are the names
the format allows (``spec`` reads source keys and preset names with
:data:`ID` too). Errors are :class:`~crampnet.exceptions.NetworkFileError`,
raised through the :class:`~crampnet.network._reader.Reader`.

Examples
--------
>>> from crampnet.network._node_reader import parse_header
>>> from crampnet.network._reader import Reader
>>> parse_header(Reader("tiny.toml"), "a", {"role": "condition", "states": ["present", "absent"]})
{'role': 'condition', 'states': ('present', 'absent')}
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from crampnet.network._budget import MAX_NAME
from crampnet.network._cpd_readers import parse_cpd
from crampnet.network._reader import Reader
from crampnet.network.entailment import parse_entails
from crampnet.network.records import MAX_STATES, Band, Cpd, Node, Role, Source

__all__ = ["ID", "STATE", "check_aliases", "parse_body", "parse_header"]

#: A node id, alias, source key or preset name. \Z, not $: "$" also matches
#: before a final newline, which let "drug\n" through as an id.
ID = re.compile(rf"[a-z][a-z0-9_]{{0,{MAX_NAME - 1}}}\Z")
#: A state name.
STATE = re.compile(rf"[a-z0-9][a-z0-9_]{{0,{MAX_NAME - 1}}}\Z")
_TRUE_STATES = ("yes", "present", "positive")
_FALSE_STATES = ("no", "absent", "negative")
_NODE_KEYS = ["role", "states", "label", "description", "aliases", "must_not_miss", "positive", "negative", "unit", "valid", "bands", "prior", "cpd", "entails", "part_of"]


def parse_header(reader: Reader, nid: str, data: dict[str, Any]) -> dict[str, Any]:
    """Read what every other node needs of node ``nid`` first: its id, role and states.

    Parameters
    ----------
    reader : Reader
        The reader of the file (it names the file in errors).
    nid : str
        The node's id, a key of ``[nodes]``.
    data : dict of str to Any
        The node's table as parsed; its ``role`` and ``states`` are checked
        and replaced in place (the states as a tuple).

    Returns
    -------
    dict of str to Any
        ``data`` itself, its role and states checked, the rest unread (for
        :func:`parse_body`).

    Raises
    ------
    NetworkFileError
        If the id is no valid name, the role none of context, condition or
        finding, the states not 2 to :data:`~crampnet.network._limits.MAX_STATES`
        distinct valid names, or a condition's states not present/absent.
    """
    where = f"nodes.{nid}"
    if not ID.match(nid):
        raise reader.bad_name(where, "a node id", nid)
    role = reader.text(data, "role", where)
    if role not in ("context", "condition", "finding"):
        raise reader.fail(where, f"role must be 'context', 'condition' or 'finding', got {reader.show(role)}")
    states = data.pop("states", None)
    if not isinstance(states, list) or not 2 <= len(states) <= MAX_STATES:
        raise reader.fail(where, f"states must be a list of 2 to {MAX_STATES} names, got {reader.show(states)}")
    if not all(isinstance(s, str) and STATE.match(s) for s in states) or len(set(states)) != len(states):
        bad = next((s for s in states if not (isinstance(s, str) and STATE.match(s))), None)
        raise reader.bad_name(where, "a state", bad) if bad is not None else reader.fail(where, f"states must be distinct, got {reader.show(states)}")
    if role == "condition" and states != ["present", "absent"]:
        raise reader.fail(where, f"a condition's states must be ['present', 'absent'], got {reader.show(states)}")
    data["role"] = role
    data["states"] = tuple(states)
    return data


def parse_body(reader: Reader, data: dict[str, Any], headers: Mapping[str, dict[str, Any]], sources: Mapping[str, Source]) -> Node:
    """Read the rest of a node once every node's header is known: a :class:`~crampnet.network.records.Node`.

    The label, description, aliases, must-not-miss, the positive and
    negative states, the unit, valid range and bands of a numeric node, the
    prior (a context node) or cpd (any other, or a context node over other
    context nodes), ``entails`` and ``part_of``; any other key is an error.

    Parameters
    ----------
    reader : Reader
        The reader of the file (it names the file in errors).
    data : dict of str to Any
        The node's header, as :func:`parse_header` returned it (one of the
        values of ``headers``: the node's id is the key it is found under);
        read from a copy, not changed.
    headers : mapping of str to dict
        Every node's header by id (the parents' roles and states).
    sources : mapping of str to Source
        The file's ``[sources]``, which provenance may cite.

    Returns
    -------
    Node
        The node, validated.

    Raises
    ------
    NetworkFileError
        If a key is of the wrong type or value, unknown, or missing.
    """
    nid = next(k for k, v in headers.items() if v is data)
    where = f"nodes.{nid}"
    data = dict(data)
    role: Role = data.pop("role")
    states: tuple[str, ...] = data.pop("states")
    label = reader.text(data, "label", where, nid.replace("_", " "), shown=True)
    description = reader.text(data, "description", where, "", shown=True)
    aliases = data.pop("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and ID.match(a) for a in aliases):
        raise reader.fail(where, f"aliases must be a list, got {reader.show(aliases)}") if not isinstance(aliases, list) else reader.bad_name(where, "an alias", next(a for a in aliases if not (isinstance(a, str) and ID.match(a))))
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


def check_aliases(reader: Reader, nodes: Mapping[str, Node]) -> None:
    """Fail unless each alias names one node: it is no node's id and no other alias.

    Parameters
    ----------
    reader : Reader
        The reader of the file (it names the file in errors).
    nodes : mapping of str to Node
        Every node of the file by id.

    Raises
    ------
    NetworkFileError
        If an alias is a node's id, or is given twice.
    """
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
    """Read a numeric node's ``valid = [min, max]``.

    Parameters
    ----------
    reader : Reader
        The reader of the file (it names the file in errors).
    raw : object
        The ``valid`` value as parsed, or None if the node gives none.
    where : str
        The node's place in the file (``nodes.<nid>``).

    Returns
    -------
    tuple of (float, float) or None
        ``(min, max)``, or None where ``raw`` is None.

    Raises
    ------
    NetworkFileError
        If it is not a list of two numbers with min < max.
    """
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise reader.fail(where, f"valid must be [min, max], got {reader.show(raw)}")
    low, high = (reader.number(v, f"{where}.valid") for v in raw)
    if low >= high:
        raise reader.fail(where, f"valid must have min < max, got {reader.show(raw)}")
    return (low, high)


def _parse_bands(reader: Reader, raw: object, where: str, states: tuple[str, ...]) -> tuple[Band, ...]:
    """Read a numeric node's ``bands``: each a state and a bound, increasing, the last unbounded.

    Parameters
    ----------
    reader : Reader
        The reader of the file (it names the file in errors).
    raw : object
        The ``bands`` value as parsed (``[]`` if the node gives none).
    where : str
        The node's place in the file (``nodes.<nid>``).
    states : tuple of str
        The node's states, which the bands name.

    Returns
    -------
    tuple of Band
        The bands in file order (empty for a node without bands).

    Raises
    ------
    NetworkFileError
        If ``raw`` is not a list of tables, names an unknown state, gives a
        band other than the last not exactly one of ``below`` or ``up_to``,
        bounds the last, has bounds that do not increase, or has one band
        only; or if a state of the node reads as a number (``50``), which
        evidence for a node with bands could mean as either.
    """
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
    number = next((s for s in states if bands and _is_number(s)), None)
    if number is not None:  # the evidence readers take "50" on such a node as the state or as a number, by context
        raise reader.fail(f"{where}.states", f"the state {number!r} reads as a number, and this node has bands, which take numbers: {number} could mean this state or the band the number falls in (a CSV column of numbers is read as numbers, other values as states). Give the state a name that is not a number, such as 'value_{number}'")
    return tuple(bands)


def _is_number(name: str) -> bool:
    """Whether the state ``name`` reads as a number as typed evidence does (``50``, ``1e3``, ``nan``; not ``30_0``)."""
    if "_" in name:
        return False
    try:
        float(name)
    except ValueError:
        return False
    return True
