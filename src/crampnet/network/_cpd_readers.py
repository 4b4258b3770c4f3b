"""Readers of a node's ``cpd`` table, one per model of the format.

:func:`parse_cpd` reads the ``cpd`` of a condition or finding: ``noisy_or``
and ``logistic`` (a binary node, links or odds ratios on single parent
states), ``noisy_max`` and ``mixture`` (a distribution per linked parent
state) and ``table`` (one row per parent configuration). It checks each
parent against the roles (context -> condition -> finding), each linked
state against the parent's states, and the size of the resulting table. It
is called by :func:`crampnet.network.spec.parse_network` once every node's
role and states are known (``headers``), and raises
:class:`~crampnet.exceptions.NetworkFileError` through the
:class:`~crampnet.network._reader.Reader`.

Examples
--------
>>> from crampnet.network._cpd_readers import parse_cpd
>>> from crampnet.network._reader import Reader
>>> headers = {"a": {"role": "context", "states": ("yes", "no")}, "b": {"role": "finding", "states": ("yes", "no")}}
>>> judged = {"source": "judgment", "reason": "example"}
>>> cpd = parse_cpd(Reader("tiny.toml"), {"model": "noisy_or", "leak": {"value": 0.1, **judged}, "links": [{"parent": "a", "state": "yes", "value": 0.8, **judged}]}, "nodes.b.cpd", "b", "finding", ("yes", "no"), "yes", headers, {})
>>> [(link.parent, link.state, link.param.value) for link in cpd.links]
[('a', 'yes', 0.8)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from crampnet.exceptions import hint as _hint
from crampnet.network._budget import check_family
from crampnet.network._reader import Reader
from crampnet.network.records import (
    Cpd,
    DistLink,
    Link,
    Logistic,
    Mixture,
    NoisyMax,
    NoisyOr,
    Row,
    Source,
    Table,
    cpd_parents,
)

__all__ = ["parse_cpd"]

#: The header of every node (``role`` and ``states`` read, the rest not yet), by id.
Headers = Mapping[str, dict[str, Any]]


def parse_cpd(reader: Reader, data: dict[str, Any], where: str, nid: str, role: str, states: tuple[str, ...], positive: str | None, headers: Headers, sources: Mapping[str, Source]) -> Cpd:
    """Read the ``cpd`` table ``data`` of node ``nid`` at ``where``.

    Parameters
    ----------
    reader : Reader
        The reader of the file (it names the file in errors).
    data : dict
        The ``cpd`` table; its known keys are popped.
    where : str
        The place of the table in the file (``nodes.<nid>.cpd``).
    nid, role : str
        The node and its role (``"condition"`` or ``"finding"``; or ``"context"``, whose
        cpd can only be a table over other context nodes).
    states : tuple of str
        The node's states.
    positive : str or None
        The node's ``positive`` state, the default of the cpd's own.
    headers : mapping
        ``role`` and ``states`` of every node, by id.
    sources : mapping of str to Source
        The file's ``[sources]``.

    Returns
    -------
    Cpd
        One of NoisyOr, Logistic, NoisyMax, Mixture, Table.

    Raises
    ------
    NetworkFileError
        If the table breaks a rule of the format.
    """
    model = reader.text(data, "model", where)
    cpd: Cpd
    if model in ("noisy_or", "logistic"):
        cpd = _binary(reader, data, where, model, nid, role, states, positive, headers, sources)
    elif model in ("noisy_max", "mixture"):
        cpd = _distributional(reader, data, where, model, nid, role, states, headers, sources)
    elif model == "table":
        cpd = _table(reader, data, where, nid, role, states, headers, sources)
    else:
        raise reader.fail(where, f"unknown model {reader.show(model)}; models: noisy_or, noisy_max, logistic, table, mixture")
    check_family(reader, where, nid, len(states), [len(headers[p]["states"]) for p in cpd_parents(cpd)])
    return cpd


def _binary(reader: Reader, data: dict[str, Any], where: str, model: str, nid: str, role: str, states: tuple[str, ...], positive: str | None, headers: Headers, sources: Mapping[str, Source]) -> NoisyOr | Logistic:
    """A ``noisy_or`` (leak and links) or ``logistic`` (intercept and odds ratios) of a binary node."""
    pos = reader.state_key(data, "positive", where, states, ())
    pos = pos or positive
    if pos is None:
        raise reader.fail(where, f"give 'positive': which of {', '.join(states)} the causes produce")
    if len(states) != 2:
        raise reader.fail(where, f"{model} needs a binary node, {nid} has {len(states)} states")
    cpd: NoisyOr | Logistic
    if model == "noisy_or":
        leak = reader.param(data.pop("leak", None) if "leak" in data else reader.missing(where, "leak"), f"{where}.leak", sources, probability=True)
        links = _links(reader, data, where, "links", nid, role, headers, sources, probability=True)
        reader.done(data, where, ["model", "positive", "leak", "links"])
        cpd = NoisyOr(pos, leak, links)
    else:
        spot = f"{where}.intercept"
        raw = reader.table(data.pop("intercept", None) if "intercept" in data else reader.missing(where, "intercept"), spot)
        kinds = [k for k in ("baseline", "prevalence") if k in raw]
        if len(kinds) != 1:
            raise reader.fail(spot, "give exactly one of 'baseline' or 'prevalence'")
        kind: Literal["baseline", "prevalence"] = "baseline" if kinds[0] == "baseline" else "prevalence"
        intercept = reader.param(raw, spot, sources, probability=True, key=kind)
        if not 0.0 < intercept.value < 1.0:
            raise reader.fail(spot, f"{kind} must be strictly between 0 and 1")
        ors = _links(reader, data, where, "odds_ratios", nid, role, headers, sources, probability=False)
        if kind == "prevalence" and any(headers[link.parent]["role"] != "context" for link in ors):
            raise reader.fail(where, "an intercept given as 'prevalence' needs context parents only")
        reader.done(data, where, ["model", "positive", "intercept", "odds_ratios"])
        cpd = Logistic(pos, kind, intercept, ors)
    _check_link_states(reader, cpd.links if isinstance(cpd, NoisyOr) else cpd.odds_ratios, where, headers)
    return cpd


def _distributional(reader: Reader, data: dict[str, Any], where: str, model: str, nid: str, role: str, states: tuple[str, ...], headers: Headers, sources: Mapping[str, Source]) -> NoisyMax | Mixture:
    """A ``noisy_max`` (with its ``order``) or a weighted ``mixture``: a distribution per link."""
    weighted = model == "mixture"
    order: tuple[str, ...] = states
    if model == "noisy_max" and "order" in data:
        order_raw = data.pop("order")
        if not isinstance(order_raw, list) or not all(isinstance(s, str) for s in order_raw) or sorted(order_raw) != sorted(states):
            raise reader.fail(where, f"order must list each of {', '.join(states)} once, got {reader.show(order_raw)}")
        order = tuple(order_raw)
    dleak = reader.dist(data.pop("leak", None) if "leak" in data else reader.missing(where, "leak"), f"{where}.leak", states, sources, weighted=weighted)
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
    return NoisyMax(order, dleak, tuple(dlinks)) if model == "noisy_max" else Mixture(dleak, tuple(dlinks))


def _table(reader: Reader, data: dict[str, Any], where: str, nid: str, role: str, states: tuple[str, ...], headers: Headers, sources: Mapping[str, Source]) -> Table:
    """An explicit ``table``: one row (a distribution) for each configuration of its parents."""
    parents_raw = data.pop("parents", [])
    if not isinstance(parents_raw, list) or not all(isinstance(p, str) for p in parents_raw) or len(set(parents_raw)) != len(parents_raw):
        raise reader.fail(where, f"parents must be a list of distinct ids, got {reader.show(parents_raw)}")
    parents = tuple(_parent(reader, p, where, nid, role, headers) for p in parents_raw)
    check_family(reader, where, nid, len(states), [len(headers[p]["states"]) for p in parents])  # before reading the rows
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
                raise reader.fail(spot, f"{parent} has no state {reader.show(state)}; valid states: {', '.join(headers[parent]['states'])}")
        key = tuple(when[p] for p in parents)
        if key in seen:
            raise reader.fail(spot, f"duplicate row for {dict(zip(parents, key, strict=True))}")
        seen.add(key)
        rows.append(Row({p: when[p] for p in parents}, reader.dist(body, spot, states, sources)))
    expected = math.prod(len(headers[p]["states"]) for p in parents)
    if len(rows) != expected:
        raise reader.fail(where, f"a table over {', '.join(parents) or 'no parents'} needs {expected} rows, got {len(rows)}")
    reader.done(data, where, ["model", "parents", "rows"])
    return Table(parents, tuple(rows))


def _parent(reader: Reader, parent: object, where: str, nid: str, role: str, headers: Headers) -> str:
    """``parent``, checked to be another node whose role may point at a ``role`` node."""
    if not isinstance(parent, str) or parent not in headers:
        hint = _hint(str(parent), list(headers))
        raise reader.fail(where, f"parent {reader.show(parent)} is not a node.{hint}")
    if parent == nid:
        raise reader.fail(where, f"{nid} cannot be its own parent")
    prole = headers[parent]["role"]
    if prole == "finding" or (role == "condition" and prole not in ("context", "condition")) or (role == "context" and prole != "context"):
        raise reader.fail(where, f"a {role} cannot have the {prole} {reader.show(parent)} as parent (roles flow context -> condition -> finding)")
    return parent


def _links(reader: Reader, data: dict[str, Any], where: str, key: str, nid: str, role: str, headers: Headers, sources: Mapping[str, Source], *, probability: bool) -> tuple[Link, ...]:
    """Pop the list ``key`` of links (``parent``, ``state`` and a ranged number each)."""
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


def _check_link_states(reader: Reader, links: tuple[Link, ...] | list[DistLink], where: str, headers: Headers) -> None:
    """Each link names a state of its parent, once, and leaves a reference state unlinked."""
    seen: dict[str, set[str]] = {}
    for link in links:
        states = headers[link.parent]["states"]
        if link.state not in states:
            raise reader.fail(where, f"{link.parent} has no state {reader.show(link.state)}; valid states: {', '.join(states)}")
        if link.state in seen.setdefault(link.parent, set()):
            raise reader.fail(where, f"{link.parent}={link.state} is linked twice")
        seen[link.parent].add(link.state)
    for parent, linked in seen.items():
        if len(linked) == len(headers[parent]["states"]):
            raise reader.fail(where, f"every state of {parent} is linked; leave its reference (inactive) state out")
