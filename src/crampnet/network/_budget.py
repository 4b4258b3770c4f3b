"""What a network file may cost: limits checked before anything large is allocated.

A file can follow every rule of the format and still exhaust the machine:
tables of millions of entries, a junction tree whose cliques hold billions,
keys that the TOML parser handles in quadratic time. The loader therefore
checks a budget at three moments, each before the cost it guards:

- before parsing (:func:`read_toml`): the size of the text and the parts of
  each dotted key; while parsing, nesting too deep for :mod:`tomllib` and
  integers too long for Python become errors naming the file;
- while reading each ``cpd`` (:func:`check_family`): the parents of a node
  and the entries of its table (the product of its and its parents'
  cardinalities), before its rows are read;
- once every node is read (:func:`check_network`): the entries of all
  tables together, and the cliques of a junction tree, estimated by a greedy
  min-weight elimination of the moral graph (:func:`network_cost`), which
  stops at the first clique over the limit.

The limits (module constants of :mod:`crampnet.network._limits`, re-exported
here, also in ``networks/FORMAT.md``, "Limits") sit above the shipped network,
whose figures their comments give; the eliminations that estimate the tree
are in :mod:`crampnet.network._elimination`. Every check raises
:class:`~crampnet.exceptions.NetworkFileError` through the
:class:`~crampnet.network._reader.Reader`, naming the file and the place.

Examples
--------
>>> from crampnet.network._budget import read_toml
>>> from crampnet.network._reader import Reader
>>> read_toml(Reader("tiny.toml"), "a.b = 1")
{'a': {'b': 1}}
>>> read_toml(Reader("tiny.toml"), "x = " + "[" * 2000 + "]" * 2000)
Traceback (most recent call last):
    ...
crampnet.exceptions.NetworkFileError: tiny.toml: values nested too deeply (arrays or inline tables within each other)
"""

from __future__ import annotations

import itertools
import math
import re
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crampnet.network._elimination import eliminate_min_fill as _eliminate_min_fill
from crampnet.network._elimination import eliminate_min_weight as _eliminate
from crampnet.network._limits import (
    MAX_BYTES,
    MAX_CLIQUE,
    MAX_KEY_PARTS,
    MAX_NAME,
    MAX_NODES,
    MAX_PARENTS,
    MAX_POPULATIONS,
    MAX_ROW,
    MAX_STATES,
    MAX_TABLE,
    MAX_TOTAL,
    MAX_TREE,
)

if TYPE_CHECKING:
    from crampnet.network._reader import Reader
    from crampnet.network.records import Node

__all__ = [
    "MAX_BYTES",
    "MAX_CLIQUE",
    "MAX_KEY_PARTS",
    "MAX_NAME",
    "MAX_NODES",
    "MAX_PARENTS",
    "MAX_POPULATIONS",
    "MAX_ROW",
    "MAX_STATES",
    "MAX_TABLE",
    "MAX_TOTAL",
    "MAX_TREE",
    "Cost",
    "check_family",
    "check_network",
    "network_cost",
    "read_toml",
]

#: Edges of the moral graph up to which the load-time estimate, when its
#: min-weight elimination is over the limits, also tries min-fill (shipped: 803).
FILL_EDGES = 4096

_PART = r"""(?:[A-Za-z0-9_-]++|"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|'[^'\n]*+')"""
# A chain of more than MAX_KEY_PARTS parts joined by dots where a key may start:
# at the start of a line, after "[" (a header) or after "{" or "," (an inline
# table). Strings and comments rarely put a chain there; the search tries each
# such place once and stops at the chain's end, so it is linear.
_DOTTED = re.compile(rf"""(?m)(?:^|[{{,\[])[ \t]*+({_PART}(?:[ \t]*+\.[ \t]*+{_PART}){{{MAX_KEY_PARTS},}}+)""")
_LONG_INTEGER = r"(?<![0-9_])(?:[0-9]_?+){%d,}+"
# Places named in errors: the whole file, and the nodes together.
_FILE, _NODES = "", "nodes"


def _line(text: str, at: int) -> str:
    return f"line {text.count(chr(10), 0, at) + 1}"


def read_toml(reader: Reader, text: str) -> dict[str, Any]:
    """Parse ``text`` with :mod:`tomllib` once it fits the budget.

    Parameters
    ----------
    reader : Reader
        The reader of the file (it names the file in errors).
    text : str
        The file's text.

    Returns
    -------
    dict of str to Any
        The parsed TOML document, tables as dicts (a byte-order mark at the
        start of ``text`` is skipped, as in case files).

    Raises
    ------
    NetworkFileError
        If the text is larger than :data:`MAX_BYTES`, has a dotted key of
        more than :data:`MAX_KEY_PARTS` parts, is not valid TOML, nests
        values deeper than the parser can follow, or has an integer of more
        digits than Python converts (:func:`sys.get_int_max_str_digits`).
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8")) > MAX_BYTES:
        raise reader.fail(_FILE, f"file is larger than {MAX_BYTES} bytes")
    text = text.removeprefix("\ufeff")  # a byte-order mark (Windows editors), which tomllib takes for a statement
    long_key = _DOTTED.search(text)
    if long_key:
        raise reader.fail(_line(text, long_key.start(1)), f"a dotted key of more than {MAX_KEY_PARTS} parts: {reader.show(long_key.group(1))}")
    try:
        return tomllib.loads(text, parse_float=reader.read_float)
    except tomllib.TOMLDecodeError as err:
        raise reader.fail(_FILE, f"not valid TOML ({_cut(str(err))})") from err
    except RecursionError:
        raise reader.fail(_FILE, "values nested too deeply (arrays or inline tables within each other)") from None
    except ValueError as err:
        # int() refuses strings of more digits than sys.get_int_max_str_digits(); tomllib lets it through.
        digits = sys.get_int_max_str_digits()
        number = re.search(_LONG_INTEGER % (digits + 1), text) if digits else None
        if number is None:
            raise reader.fail(_FILE, f"not valid TOML ({_cut(str(err))})") from err
        raise reader.fail(_line(text, number.start()), f"a number of more than {digits} digits") from None


def _cut(message: str) -> str:
    """``message`` (of :mod:`tomllib`) cut in its middle when longer than 300 characters.

    :mod:`tomllib` quotes a key whole ("Cannot declare ('kkk...',) twice",
    "Duplicate inline table key"): a key of 100,000 characters made a
    message of as many. The start (the problem and the key's start) and the
    end (the line and column) are kept.

    Parameters
    ----------
    message : str
        The parser's message.

    Returns
    -------
    str
        ``message`` itself, or its first 160 and last 100 characters around
        "..." and its length.
    """
    return message if len(message) <= 300 else f"{message[:160]}...{message[-100:]} ({len(message):,} characters)"


def check_family(reader: Reader, where: str, nid: str, card: int, parent_cards: Sequence[int]) -> None:
    """Fail if node ``nid`` has more than :data:`MAX_PARENTS` parents or a table of more than :data:`MAX_TABLE` entries.

    Parameters
    ----------
    reader : Reader
        The reader of the file (it names the file in errors).
    where : str
        The place in the file the error names (``nodes.<nid>.cpd``).
    nid : str
        The node's id.
    card : int
        The node's number of states.
    parent_cards : sequence of int
        Each parent's number of states.

    Raises
    ------
    NetworkFileError
        If the node has too many parents or too large a table.
    """
    if len(parent_cards) > MAX_PARENTS:
        raise reader.fail(where, f"{nid} has {len(parent_cards)} parents, more than {MAX_PARENTS}")
    size = card * math.prod(parent_cards)
    if size > MAX_TABLE:
        raise reader.fail(where, f"the table of {nid} would have {size} entries, more than {MAX_TABLE}")


@dataclass(frozen=True)
class Cost:
    """What a network costs, in table entries (see :func:`network_cost`).

    Attributes
    ----------
    most_parents, largest_table, total_entries : int
        The most parents of a node, the largest table, all tables together.
    largest_clique, tree_entries : int
        The largest clique of a greedy min-weight junction tree and the
        entries of its elimination cliques together (an upper bound on the
        tree's). Once a clique exceeds :data:`MAX_CLIQUE` or the sum
        :data:`MAX_TREE`, elimination stops: they are then lower bounds,
        over the limit.
    """

    most_parents: int
    largest_table: int
    total_entries: int
    largest_clique: int
    tree_entries: int


def network_cost(nodes: Mapping[str, Node]) -> Cost:
    """The cost of a network's nodes: parents, table entries and an estimate of its junction tree.

    The moral graph (each node joined to its parents and its parents to one
    another) is eliminated greedily, the vertex of the smallest clique first
    (ties: fewer neighbours, then earlier in ``nodes``): the ``min-weight``
    heuristic of :mod:`crampnet.inference._triangulation`. Weights are kept
    up to date edge by edge, so each step costs the square of a clique's
    variables, and a clique over :data:`MAX_CLIQUE` ends the elimination.
    Where that elimination is over the limits and the moral graph has at most
    :data:`FILL_EDGES` edges, a min-fill elimination (the engine's heuristic
    for the whole network) is tried too, and kept if it fits.

    Parameters
    ----------
    nodes : mapping of str to Node
        The network's nodes by id (their ``states`` and ``parents``).

    Returns
    -------
    Cost
        The most parents, the largest table, all tables' entries, and the
        estimated largest clique and clique entries of the junction tree.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._budget import network_cost
    >>> network_cost(crampnet.load().spec.nodes).largest_table == 6 * 2**13   # the complaint: 6 states, 13 parents
    True
    """
    ids = list(nodes)
    index = {nid: i for i, nid in enumerate(ids)}
    cards = [len(nodes[nid].states) for nid in ids]
    graph: list[set[int]] = [set() for _ in ids]
    tables = []
    for nid in ids:
        family = [index[nid], *(index[p] for p in nodes[nid].parents)]
        tables.append(math.prod(cards[v] for v in family))
        for a, b in itertools.combinations(family, 2):
            graph[a].add(b)
            graph[b].add(a)
    edges = sum(len(nbrs) for nbrs in graph) // 2
    fill_graph = [set(nbrs) for nbrs in graph] if edges <= FILL_EDGES else None
    largest, total = _eliminate(cards, graph)
    if fill_graph is not None and (largest > MAX_CLIQUE or total > MAX_TREE):
        # min-weight missed; min-fill, the engine's own heuristic for the
        # whole network, may fit (it is kept to small graphs: its scores cost
        # the square of a vertex's neighbours).
        fill_largest, fill_total = _eliminate_min_fill(cards, fill_graph)
        if fill_largest <= MAX_CLIQUE and fill_total <= MAX_TREE:
            largest, total = fill_largest, fill_total
    most_parents = max((len(nodes[nid].parents) for nid in ids), default=0)
    return Cost(most_parents, max(tables, default=0), sum(tables), largest, total)



def check_network(reader: Reader, nodes: Mapping[str, Node]) -> Cost:
    """Fail if all tables together, or the estimated junction tree, exceed the budget; return the cost.

    Parameters
    ----------
    reader : Reader
        The reader of the file (it names the file in errors).
    nodes : mapping of str to Node
        The network's nodes by id, every one read.

    Returns
    -------
    Cost
        The network's cost (:func:`network_cost`), within the limits.

    Raises
    ------
    NetworkFileError
        If the tables hold more than :data:`MAX_TOTAL` entries, or the
        estimated tree a clique of more than :data:`MAX_CLIQUE` or more than
        :data:`MAX_TREE` entries in all.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._budget import check_network
    >>> from crampnet.network._reader import Reader
    >>> budget = check_network(Reader("leg_cramps.toml"), crampnet.load().spec.nodes)
    >>> 0 < budget.total_entries <= MAX_TOTAL and budget.largest_clique <= MAX_CLIQUE  # the shipped network passes
    True
    """
    cost = network_cost(nodes)
    if cost.total_entries > MAX_TOTAL:
        raise reader.fail(_NODES, f"the tables would have {cost.total_entries} entries in all, more than {MAX_TOTAL}")
    if cost.largest_clique > MAX_CLIQUE:
        raise reader.fail(_NODES, f"the junction tree would need a clique of more than {MAX_CLIQUE} entries (an elimination of the moral graph reaches {cost.largest_clique}): the network is too densely connected")
    if cost.tree_entries > MAX_TREE:
        raise reader.fail(_NODES, f"the junction tree would have more than {MAX_TREE} entries in all")
    return cost
