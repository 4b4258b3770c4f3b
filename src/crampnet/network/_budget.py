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

The limits (module constants, also in ``networks/FORMAT.md``, "Limits") sit
above the shipped network: its largest table has 49,152 entries (the
presenting complaint's), all of them 81,583, the largest clique of its
whole-network tree 3,145,728 (the engine's min-fill tree and the estimate
here alike; 1,572,864 before session 36's thyroid links) and that tree
13,517,456 (estimate 19,409,758, by min-fill: the min-weight estimate reaches
4,718,592, 6,291,456 in session 36); queries run on a far smaller tree, the findings decomposed. Within them, loading
any file and answering a case stay under 1 GiB and a few seconds (figures in
the notes of issue 16). Every check raises
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

import heapq
import itertools
import math
import re
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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

#: Bytes of the file (shipped: 780 KB). tomllib is the floor of a file's cost:
#: the costliest TOML takes ~2.5 us a byte (dotted keys of 8 parts: 5.3 s and
#: 256 MB for 2 MiB, measured), so 1 MiB keeps any file's parse near 2.5 s.
MAX_BYTES = 1024 * 1024
#: Parts of one dotted key or table header (the format needs at most 5:
#: ``nodes.x.cpd.leak.value``); tomllib is quadratic in them (40,000 parts: 38 s).
MAX_KEY_PARTS = 8
#: Nodes (shipped: 129).
MAX_NODES = 1000
#: States of a node (shipped: 6).
MAX_STATES = 32
#: Characters of an id, state, source key, preset name or alias (shipped: 35).
MAX_NAME = 64
#: Presets in ``[populations]`` (shipped: 8). Each holds its own copy of the priors it
#: inherits: 20,000 chained presets over 1,000 context nodes took 1.5 GiB to list.
MAX_POPULATIONS = 256
#: Parents of a node (shipped: 13). With binary nodes the table limit binds
#: first (19 parents); this bounds the moral graph whatever the states.
MAX_PARENTS = 20
#: Entries of one node's table, its cardinality times its parents' (shipped: 49,152): 8 MiB.
MAX_TABLE = 2**20
#: Entries of all tables together (shipped: 81,583): 32 MiB.
MAX_TOTAL = 2**22
#: Entries of the largest clique of the junction tree, as estimated (shipped: 3,145,728): 32 MiB.
#: A query's peak memory grows with it, ~230 bytes an entry in the numpy engine
#: (measured: 530 MB at 2**21, 970 MB at 2**22, with ~45 MB for Python and numpy),
#: so a file at this limit still answers within 1 GiB (tests/test_hostile_networks.py).
#: 2**21 until session 36, when the overt thyroid part's tiredness and CK links
#: took the shipped estimate from 1,572,864 to 3,145,728.
MAX_CLIQUE = 2**22
#: Entries of all cliques of the junction tree, as estimated (shipped: 19,409,758): 256 MiB
#: (2**24 until session 36, shipped 11,742,142 before the thyroid part's two links).
MAX_TREE = 2**25
#: Edges of the moral graph up to which the load-time estimate, when its
#: min-weight elimination is over the limits, also tries min-fill (shipped: 803).
FILL_EDGES = 4096
#: Largest row number in a source's ``evidence_rows``.
MAX_ROW = 2**31 - 1

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
        raise reader.fail(_FILE, f"not valid TOML ({err})") from err
    except RecursionError:
        raise reader.fail(_FILE, "values nested too deeply (arrays or inline tables within each other)") from None
    except ValueError as err:
        # int() refuses strings of more digits than sys.get_int_max_str_digits(); tomllib lets it through.
        digits = sys.get_int_max_str_digits()
        number = re.search(_LONG_INTEGER % (digits + 1), text) if digits else None
        if number is None:
            raise reader.fail(_FILE, f"not valid TOML ({err})") from err
        raise reader.fail(_line(text, number.start()), f"a number of more than {digits} digits") from None


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


def _eliminate(cards: Sequence[int], graph: list[set[int]]) -> tuple[int, int]:
    """Largest clique and sum of cliques of a greedy min-weight elimination (``graph`` is consumed)."""
    weight = [cards[v] * math.prod(cards[u] for u in graph[v]) for v in range(len(cards))]
    heap = [(weight[v], len(graph[v]), v) for v in range(len(cards))]
    heapq.heapify(heap)
    gone = [False] * len(cards)
    largest = total = 0
    while heap:
        w, degree, v = heapq.heappop(heap)
        if gone[v] or (w, degree) != (weight[v], len(graph[v])):
            continue  # a stale entry: v was rescored since
        largest, total = max(largest, w), total + w
        if w > MAX_CLIQUE or total > MAX_TREE:
            break
        gone[v] = True
        nbrs = graph[v]
        for u in nbrs:
            graph[u].discard(v)
            weight[u] //= cards[v]
        for a, b in itertools.combinations(nbrs, 2):
            if b not in graph[a]:
                graph[a].add(b)
                graph[b].add(a)
                weight[a] *= cards[b]
                weight[b] *= cards[a]
        for u in nbrs:
            heapq.heappush(heap, (weight[u], len(graph[u]), u))
    return largest, total


def _eliminate_min_fill(cards: Sequence[int], graph: list[set[int]]) -> tuple[int, int]:
    """Largest clique and sum of cliques of a greedy min-fill elimination.

    The vertex adding fewest edges first (ties: smaller clique, then earlier
    in ``nodes``), as :func:`crampnet.inference._triangulation.triangulate`
    with ``"min-fill"``; a clique over :data:`MAX_CLIQUE` ends it. Each
    vertex's neighbours are a bit mask (an ``int``), so that counting the
    edges among them is an AND and a popcount per neighbour: this runs at
    every load of a network whose min-weight estimate is over the limits,
    the shipped one included (about 0.12 s with sets, 0.02 s with masks).
    """
    adjacency = [sum(1 << u for u in nbrs) for nbrs in graph]

    def members(mask: int) -> list[int]:
        out = []
        while mask:
            low = mask & -mask
            out.append(low.bit_length() - 1)
            mask ^= low
        return out

    def score(v: int) -> tuple[int, int, int]:
        nbrs = adjacency[v]
        members_v = members(nbrs)
        d = len(members_v)
        present = sum((adjacency[a] & nbrs).bit_count() for a in members_v) // 2
        return (d * (d - 1) // 2 - present, cards[v] * math.prod(cards[u] for u in members_v), v)

    scores = {v: score(v) for v in range(len(cards))}
    largest = total = 0
    while scores:
        _, w, v = min(scores.values())
        largest, total = max(largest, w), total + w
        if w > MAX_CLIQUE or total > MAX_TREE:
            break
        del scores[v]
        nbrs = adjacency[v]
        adjacency[v] = 0
        affected = nbrs
        for u in members(nbrs):
            adjacency[u] = (adjacency[u] | nbrs) & ~(1 << u) & ~(1 << v)
            affected |= adjacency[u]
        for u in members(affected):
            scores[u] = score(u)
    return largest, total


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
