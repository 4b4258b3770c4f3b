"""The limits of a network file: the figures every check of the budget compares against.

Each constant bounds one cost of a file (its bytes, the parts of a dotted
key, its nodes, states, names, presets, parents, the entries of a table, of
all tables, of the largest clique of a junction tree and of all its cliques,
a source's row numbers); each comment gives the shipped network's figure
beside it. They sit above the shipped network: its largest table has 49,152
entries (the presenting complaint's), all of them 81,631, the largest clique
of its whole-network tree 3,145,728 (the engine's min-fill tree and the
estimate alike; 1,572,864 before session 36's thyroid links) and that tree
13,517,504 (estimate 19,409,806, by min-fill: the min-weight estimate reaches
4,718,592, 6,291,456 in session 36); queries run on a far smaller tree, the
findings decomposed. Within them, loading any file and answering a case stay
under 1 GiB and a few seconds (figures in the notes of issue 16). The checks
are in :mod:`crampnet.network._budget`, which re-exports every limit; they
are also listed in ``networks/FORMAT.md``, "Limits".

Examples
--------
>>> from crampnet.network._limits import MAX_CLIQUE, MAX_TABLE
>>> MAX_TABLE < MAX_CLIQUE
True
"""

from __future__ import annotations

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
#: Entries of all tables together (shipped: 81,631): 32 MiB.
MAX_TOTAL = 2**22
#: Entries of the largest clique of the junction tree, as estimated (shipped: 3,145,728): 32 MiB.
#: A query's peak memory grows with it, ~230 bytes an entry in the numpy engine
#: (measured: 530 MB at 2**21, 970 MB at 2**22, with ~45 MB for Python and numpy),
#: so a file at this limit still answers within 1 GiB (tests/test_hostile_networks.py).
#: 2**21 until session 36, when the overt thyroid part's tiredness and CK links
#: took the shipped estimate from 1,572,864 to 3,145,728.
MAX_CLIQUE = 2**22
#: Entries of all cliques of the junction tree, as estimated (shipped: 19,409,806): 256 MiB
#: (2**24 until session 36, shipped 11,742,142 before the thyroid part's two links).
MAX_TREE = 2**25
#: Largest row number in a source's ``evidence_rows``.
MAX_ROW = 2**31 - 1
