"""The ``entails`` key of a finding, read from a network file and checked against the nodes.

:func:`parse_entails` reads one node's ``entails`` table;
:func:`check_entails` refuses, once every node is read, an ``entails``
that names no finding or no state of it, or whose numbers break the
nesting that :mod:`crampnet.network.entailment` (which re-exports both)
applies to evidence.

Examples
--------
>>> from crampnet.network._entails_file import parse_entails
>>> from crampnet.network._reader import Reader
>>> parse_entails(Reader("net.toml"), {"exercise_triggered": "yes"}, "nodes.a")
(('exercise_triggered', 'yes'),)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from crampnet.exceptions import hint as _hint
from crampnet.network.records import Node, NoisyOr

if TYPE_CHECKING:
    from crampnet.network._reader import Reader

__all__ = ["MAX_ENTAILS_DEPTH", "MAX_ENTAILS_ROWS", "check_entails", "parse_entails"]

#: The longest chain of ``entails`` (findings, the implied one included):
#: the engine walks each chain recursively. The shipped network's longest is 3.
MAX_ENTAILS_DEPTH = 64
#: The most signed rows the nesting may expand one case into (the product,
#: over the implication trees, of each tree's terms: one for a finding that
#: nothing implies, one more than the product of its implying findings'
#: for the others; :mod:`crampnet.inference._nesting`). The shipped network
#: needs 6; a file may not make one query run millions of rows.
MAX_ENTAILS_ROWS = 4096


def parse_entails(reader: Reader, raw: object, where: str) -> tuple[tuple[str, str], ...]:
    """Read a node's ``entails`` table (finding id to state); checked against the nodes by :func:`check_entails`.

    Parameters
    ----------
    reader : Reader
        The network file's reader (:mod:`crampnet.network._reader`), which
        makes the error.
    raw : object
        The ``entails`` value as parsed from TOML, or None where the node has none.
    where : str
        The node's dotted place in the file (``"nodes.<id>"``), for errors.

    Returns
    -------
    tuple of (str, str)
        The ``(finding id, state)`` pairs sorted by id; empty when ``raw`` is None.

    Raises
    ------
    NetworkFileError
        If ``raw`` is not a non-empty table of strings to strings.
    """
    if raw is None:
        return ()
    spot = f"{where}.entails"
    data = reader.table(raw, spot)
    if not data or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise reader.fail(
            spot,
            f'entails must map finding ids to one of their states, e.g. {{ exercise_triggered = "yes" }}, got {reader.show(raw)}',
        )
    return tuple(sorted(data.items()))


def check_entails(reader: Reader, nodes: Mapping[str, Node]) -> None:
    """Refuse an ``entails`` that names no finding, no state of it, or numbers that break the nesting.

    The implying finding A needs a ``positive`` state and two states; the
    implied finding B another finding of two states. The nested model needs
    P(A = pos | C) <= P(B = t | C) for every configuration C of the
    conditions: it is checked for two noisy-ORs with t B's positive state,
    where it holds when each of A's links (and its leak) is at most B's on
    the same parent state; other models are refused, as the check would
    need their tables. Several findings implying one B need P(one of them)
    <= P(B = t | C) too (:func:`_check_union`), the condition for their
    joint model (:mod:`crampnet.inference._nesting`) to exist. A finding
    entails at most one other and chains never close into a cycle
    (:func:`_check_forest`), of at most :data:`MAX_ENTAILS_DEPTH` findings,
    and the signed rows a case may expand into stay within
    :data:`MAX_ENTAILS_ROWS` (:func:`_check_size`).

    Parameters
    ----------
    reader : Reader
        The network file's reader (:mod:`crampnet.network._reader`), which
        makes the error.
    nodes : mapping of str to Node
        Every node of the network by id, with its ``entails`` read.

    Raises
    ------
    NetworkFileError
        On the first ``entails`` that breaks one of these rules.
    """
    _check_forest(reader, nodes)
    _check_size(reader, nodes)
    for nid, node in nodes.items():
        for target, state in node.entails:
            where = f"nodes.{nid}.entails"
            if node.role != "finding" or node.positive is None or len(node.states) != 2:
                raise reader.fail(
                    where,
                    "only a finding with two states and a positive state can entail another finding",
                )
            if target == nid or target not in nodes or nodes[target].role != "finding":
                hint = _hint(target, [n for n in nodes if nodes[n].role == "finding" and n != nid])
                raise reader.fail(
                    where, f"{reader.show(target)} is not another finding of the network.{hint}"
                )
            implied_node = nodes[target]
            if state not in implied_node.states:
                raise reader.fail(
                    where,
                    f"unknown state {reader.show(state)} of {target}; valid states: {', '.join(implied_node.states)}",
                )
            _check_nesting(reader, where, node, implied_node, state)
    implied_ids = {target for node in nodes.values() for target, _ in node.entails}
    for target in sorted(implied_ids):
        _check_union(reader, nodes, target)


def _check_forest(reader: Reader, nodes: Mapping[str, Node]) -> None:
    """Each finding entails at most one other, and no chain of ``entails`` comes back to where it started.

    Chains are allowed (A implies B, which implies C: A then implies C
    too); the joint model of :mod:`crampnet.inference._nesting` is a forest.
    """
    for nid, node in nodes.items():
        if len(node.entails) > 1:
            spot = f"nodes.{nid}.entails"
            raise reader.fail(
                spot,
                f"{nid} entails {len(node.entails)} findings ({', '.join(t for t, _ in node.entails)}); a finding entails at most one "
                "(entail the outermost and let that one entail the next: the implications then form a chain)",
            )
    up = {nid: node.entails[0][0] for nid, node in nodes.items() if node.entails}
    for start in sorted(up):
        path, at = [start], up[start]
        while at in up and at not in path:
            path.append(at)
            at = up[at]
        if at in path:
            loop = [*path[path.index(at) :], at]
            spot = f"nodes.{start}.entails"
            raise reader.fail(spot, f"the entails form a cycle ({' -> '.join(loop)}): a finding cannot imply itself")


def _check_size(reader: Reader, nodes: Mapping[str, Node]) -> None:
    """Chains of at most :data:`MAX_ENTAILS_DEPTH` findings, and a case's signed rows within :data:`MAX_ENTAILS_ROWS`.

    Runs after :func:`_check_forest`, so the implications form a forest.
    A finding's terms are 1 when nothing implies it, else one more than the
    product of its implying findings' terms; a case expands into at most the
    product of the roots' terms. Both are computed without recursion.
    """
    up = {nid: node.entails[0][0] for nid, node in nodes.items() if node.entails}
    depth: dict[str, int] = {}
    for start in sorted(up):
        at, steps = start, 1
        while at in up:
            at, steps = up[at], steps + 1
            if steps > MAX_ENTAILS_DEPTH:
                spot = f"nodes.{start}.entails"
                raise reader.fail(spot, f"a chain of entails of more than {MAX_ENTAILS_DEPTH} findings starts here")
        depth[start] = steps
    cap = MAX_ENTAILS_ROWS + 1  # products are cut there, so a huge tree costs no huge integers
    implied = set(up.values())
    product: dict[str, int] = {}  # each implied finding: the product of its implying findings' terms
    for nid in sorted(up, key=lambda n: -depth[n]):  # the implying findings before the findings they imply
        own = product[nid] + 1 if nid in implied else 1
        product[up[nid]] = min(product.get(up[nid], 1) * own, cap)
    rows = 1
    for root in sorted(implied - set(up)):
        rows = min(rows * (product[root] + 1), cap)
    if rows > MAX_ENTAILS_ROWS:
        spot = "nodes"
        raise reader.fail(spot, f"the entails would expand one case into more than {MAX_ENTAILS_ROWS} signed rows (a tree of findings implying findings): too many implications nested in one another")


def _check_union(reader: Reader, nodes: Mapping[str, Node], target: str) -> None:
    """Several findings implying one: on every parent (and the leak) P(one of them) <= the implied finding's own link.

    Each implying finding passed :func:`_check_nesting`, so all are noisy-ORs.
    """
    implying = [node for node in nodes.values() if any(t == target for t, _ in node.entails)]
    if len(implying) < 2:
        return
    b = nodes[target]
    if not isinstance(b.cpd, NoisyOr):  # pragma: no cover - _check_nesting refused it
        return
    cpds = [node.cpd for node in implying if isinstance(node.cpd, NoisyOr)]
    names = " and ".join(node.id for node in implying)
    where = f"nodes.{implying[-1].id}.entails"
    union = 1.0 - math.prod(1.0 - cpd.leak.value for cpd in cpds)
    if union > b.cpd.leak.value + 1e-12:
        raise reader.fail(where, f"the leaks of {names} give one of them {union:g}, above {target}'s leak {b.cpd.leak.value:g}: together they cannot imply {target}")
    theirs = {(link.parent, link.state): link.param.value for link in b.cpd.links}
    keys = dict.fromkeys((link.parent, link.state) for cpd in cpds for link in cpd.links)
    for key in keys:
        union = 1.0 - math.prod(1.0 - next((link.param.value for link in cpd.links if (link.parent, link.state) == key), 0.0) for cpd in cpds)
        if union > theirs.get(key, 0.0) + 1e-12:
            raise reader.fail(
                where,
                f"the links of {names} from {key[0]}={key[1]} give one of them {union:g}, above {target}'s ({theirs.get(key, 0.0):g}): together they cannot imply {target}",
            )


def _check_nesting(reader: Reader, where: str, a: Node, b: Node, state: str) -> None:
    if not (
        isinstance(a.cpd, NoisyOr)
        and isinstance(b.cpd, NoisyOr)
        and b.positive == state
        and len(b.states) == 2
    ):
        raise reader.fail(
            where,
            f"entails needs two noisy-OR findings, the implied state being {b.id}'s positive state",
        )
    if a.cpd.leak.value > b.cpd.leak.value:
        raise reader.fail(
            where,
            f"{a.id}'s leak {a.cpd.leak.value:g} is above {b.id}'s {b.cpd.leak.value:g}: {a.id} cannot imply {b.id}",
        )
    theirs = {(link.parent, link.state): link.param.value for link in b.cpd.links}
    for link in a.cpd.links:
        other = theirs.get((link.parent, link.state), 0.0)
        if link.param.value > other:
            raise reader.fail(
                where,
                f"{a.id}'s link from {link.parent}={link.state} ({link.param.value:g}) is above {b.id}'s ({other:g}): {a.id} cannot imply {b.id}",
            )
