"""Parts of a condition: the ``part_of`` key, read and checked.

A condition can hold forms that are not independent of one another. Thyroid
dysfunction in people without known thyroid disease is mostly subclinical
(3.9 of 4.5% in NHANES III, Hollowell et al. 2002), and only the overt few
have weakness, proximal weakness and a raised CK, together. Links from the
condition to each of those findings, each the overt share times the overt
rate, treat them as independent coins and underweight a patient who has
all three about twentyfold (``networks/research/2026-12-05-s33-cases.md``).
A *part* is a hidden condition that carries such a form:
``part_of = "thyroid_disease"`` on a node ``overt_thyroid_dysfunction``,
whose findings then come together from the same overt few.

What a part is:

- a condition (states ``present``, ``absent``) that is present only when its
  condition is: its cpd is a table over that condition and, at most, context
  nodes, and every row with the condition ``absent`` gives ``present`` 0;
- never listed on its own: ``Model.conditions`` and every posterior, display
  and differential leave it out (its posterior is that of its condition's
  form, ``Model.posteriors(..., parts=True)`` in the API docs);
- cured with its condition: the counterfactual ranking's ``do(D = absent)``
  sets D's parts absent too, which is what their mechanism gives (a part is
  its condition *and* its own noise), so the findings of the form count for
  the condition (:mod:`crampnet.reasoning.ranking`);
- not must-not-miss itself (its condition carries the flag) and not a part
  of a part.

Examples
--------
>>> from crampnet.network.spec import parse_network
>>> spec = parse_network('''
... schema = "crampnet-network/1"
... name = "parts"
... version = "1"
... [nodes.d]
... role = "condition"
... states = ["present", "absent"]
... cpd = { model = "table", parents = [], rows = [{ when = {}, probabilities = { present = 0.1, absent = 0.9 }, source = "judgment", reason = "example" }] }
... [nodes.overt]
... role = "condition"
... states = ["present", "absent"]
... part_of = "d"
... cpd = { model = "table", parents = ["d"], rows = [{ when = { d = "present" }, probabilities = { present = 0.2, absent = 0.8 }, source = "judgment", reason = "example" }, { when = { d = "absent" }, probabilities = { present = 0.0, absent = 1.0 }, source = "judgment", reason = "a part needs its condition" }] }
... ''')
>>> spec.nodes["overt"].part_of, spec.parts_of("d")
('d', ('overt',))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from crampnet.exceptions import hint as _hint
from crampnet.network.records import Table

if TYPE_CHECKING:
    from crampnet.network._reader import Reader
    from crampnet.network.records import Node

__all__ = ["check_parts", "not_listed", "owner", "units"]


def owner(nodes: Mapping[str, Node], nid: str) -> str:
    """The condition ``nid`` belongs to: its ``part_of``, or itself.

    Parameters
    ----------
    nodes : mapping of str to Node
        The network's nodes by id.
    nid : str
        The id of one of them.

    Returns
    -------
    str
        The id of the condition ``nid`` is a part of, or ``nid`` when it is
        not a part.
    """
    return nodes[nid].part_of or nid


def units(nodes: Mapping[str, Node], parents: Sequence[str]) -> dict[str, list[str]]:
    """The condition parents among ``parents``, grouped by the condition they belong to (curing it cures them all).

    Parameters
    ----------
    nodes : mapping of str to Node
        The network's nodes by id.
    parents : sequence of str
        Node ids (a node's parents); those not conditions are skipped.

    Returns
    -------
    dict of str to list of str
        Each owning condition (:func:`owner`) to its members among
        ``parents``, both in the order of ``parents``.

    Examples
    --------
    >>> from crampnet.network.records import Node
    >>> nodes = {"d": Node("d", "condition", ("present", "absent"), "d"), "o": Node("o", "condition", ("present", "absent"), "o", part_of="d"),
    ...          "c": Node("c", "context", ("yes", "no"), "c")}
    >>> units(nodes, ["c", "o", "d"])
    {'d': ['o', 'd']}
    """
    out: dict[str, list[str]] = {}
    for p in parents:
        if nodes[p].role == "condition":
            out.setdefault(owner(nodes, p), []).append(p)
    return out


def not_listed(nodes: Mapping[str, Node], nid: str) -> str:
    """What ``nid`` is, for an error where a listed condition was expected: a part of its condition, or its role.

    Parameters
    ----------
    nodes : mapping of str to Node
        The network's nodes by id.
    nid : str
        The id of a node that is not a listed condition.

    Returns
    -------
    str
        A phrase for the error message: that it is a part of a condition
        (and to ask about that), or ``"a <role>, not a condition"``.

    Examples
    --------
    >>> from crampnet.network.records import Node
    >>> not_listed({"f": Node("f", "finding", ("yes", "no"), "f")}, "f")
    'a finding, not a condition'
    """
    whole = nodes[nid].part_of
    if whole is not None:
        return f"a part of {whole!r} (a hidden form of it, counted in its numbers): ask about {whole!r}"
    return f"a {nodes[nid].role}, not a condition"


def check_parts(reader: Reader, nodes: Mapping[str, Node]) -> None:
    """Refuse a ``part_of`` that names no condition, or a part whose table lets it exist without its condition.

    Parameters
    ----------
    reader : Reader
        Reads the network file and makes the error (:mod:`crampnet.network._reader`).
    nodes : mapping of str to Node
        Every node by id, ``part_of`` read.

    Raises
    ------
    NetworkFileError
        If a ``part_of`` names no condition that can have parts, a part is
        must-not-miss, its cpd is not a table over its condition and context
        nodes, or a row with the condition absent gives the part a chance.
    """
    conditions = [n for n in nodes if nodes[n].role == "condition" and nodes[n].part_of is None]  # those that can have parts
    for nid, node in nodes.items():
        whole = node.part_of
        if whole is None:
            continue
        where, cpd_where = f"nodes.{nid}.part_of", f"nodes.{nid}.cpd"
        if whole not in conditions:
            hint = _hint(whole, conditions)
            raise reader.fail(where, f"{reader.show(whole)} is not a condition that can have parts (a part of a part is refused).{hint}")
        if node.must_not_miss:
            raise reader.fail(where, f"a part is never listed, so it cannot be must_not_miss; flag {whole!r} instead")
        cpd = node.cpd
        if not isinstance(cpd, Table) or whole not in cpd.parents:
            raise reader.fail(cpd_where, f"a part needs a cpd of model 'table' over its condition {whole!r}")
        others = [p for p in cpd.parents if p != whole and nodes[p].role != "context"]
        if others:
            raise reader.fail(cpd_where, f"a part's table is over its condition and context nodes only, not {', '.join(others)}")
        for i, row in enumerate(cpd.rows):
            if row.when[whole] == "absent" and row.dist.probabilities["present"] != 0.0:
                raise reader.fail(
                    cpd_where + f".rows[{i}]",
                    f"a part is present only with its condition: with {whole} = 'absent', 'present' must be 0, got {row.dist.probabilities['present']}",
                )
