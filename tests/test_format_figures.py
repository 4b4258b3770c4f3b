"""networks/FORMAT.md's "Limits" table quotes the shipped network: each figure is the network's own.

A reading in session 40 found the file size (760 KB against 780), the
min-weight estimate (6,291,456 against 4,718,592) and the memory at the
clique limit (530 MB, measured at the old 2^21) gone stale: nothing tested
them. The table's third column is now read here and compared.
"""

from __future__ import annotations

import re
from pathlib import Path

import crampnet
from crampnet.network import _budget

ROOT = Path(__file__).resolve().parents[1]


def _shipped_column() -> dict[str, str]:
    """Limit name -> the "Shipped network" cell of FORMAT.md's Limits table."""
    text = (ROOT / "networks" / "FORMAT.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$", text, flags=re.MULTILINE)
    return {name.strip(): shipped.strip() for name, _, shipped in rows}


def _number(cell: str) -> int:
    """The first number of a cell, commas removed."""
    found = re.search(r"\d[\d,]*", cell)
    assert found is not None, cell
    return int(found.group(0).replace(",", ""))


def test_format_limits_table_quotes_the_shipped_network(model: crampnet.Model) -> None:
    """Check every "Shipped network" figure of the Limits table against the network and its file."""
    cells = _shipped_column()
    spec = model.spec
    cost = _budget.network_cost(spec.nodes)  # in file order, as the loader's check_network computes it
    size = (ROOT / "networks" / "leg_cramps.toml").stat().st_size
    assert cells["file size"] == f"{round(size / 1024, -1):.0f} KB"  # to the ten KiB the table gives
    assert _number(cells["nodes"]) == len(spec.nodes)
    assert _number(cells["states of a node"]) == max(len(n.states) for n in spec.nodes.values())
    assert _number(cells["parents of a node"]) == cost.most_parents
    assert _number(cells["entries of a node's table (its states times its parents' states)"]) == cost.largest_table
    assert _number(cells["entries of all tables together"]) == cost.total_entries
    assert _number(cells["entries of the largest clique of the junction tree"]) == cost.largest_clique
    assert _number(cells["entries of all cliques of the junction tree"]) == cost.tree_entries
    rows = [r for source in spec.sources.values() for r in source.evidence_rows]
    assert cells["a source's `evidence_rows`"] == f"{min(rows)} to {max(rows)}"


def test_format_quotes_the_estimates_of_both_eliminations(model: crampnet.Model) -> None:
    """Check the sentence on the load-time estimate: the min-weight and min-fill largest cliques and the moral graph's edges, as computed here."""
    import itertools

    nodes = model.spec.nodes  # file order, as network_cost and the loader take them
    ids = list(nodes)
    index = {nid: i for i, nid in enumerate(ids)}
    cards = [len(nodes[nid].states) for nid in ids]
    graph: list[set[int]] = [set() for _ in ids]
    for nid in ids:
        for a, b in itertools.combinations([index[nid], *(index[p] for p in nodes[nid].parents)], 2):
            graph[a].add(b)
            graph[b].add(a)
    edges = sum(len(n) for n in graph) // 2
    fill = _budget._eliminate_min_fill(cards, [set(n) for n in graph])[0]
    weight = _budget._eliminate(cards, graph)[0]
    text = " ".join((ROOT / "networks" / "FORMAT.md").read_text(encoding="utf-8").split())
    assert f"{weight:,} and {fill:,} since, on a moral graph of {edges} edges" in text


def test_format_names_every_condition_care_setting_does_not_reach(model: crampnet.Model) -> None:
    """Check "a parent of every condition but ...": the conditions of the file without a ``care_setting`` parent are the ones the sentence names.

    It named periodic limb movements only, while the part
    overt_thyroid_dysfunction (a table over thyroid_disease alone) has none either.
    """
    text = " ".join((ROOT / "networks" / "FORMAT.md").read_text(encoding="utf-8").split())
    found = re.search(r"is a parent of every condition but (.*?), with an odds ratio", text)
    assert found is not None
    named = found.group(1)
    missing = [nid for nid, node in model.spec.nodes.items() if node.role == "condition" and "care_setting" not in node.parents]
    assert sorted(missing) == ["overt_thyroid_dysfunction", "periodic_limb_movements"]
    for nid in missing:
        assert nid in named or nid.replace("_", " ") in named, nid


def test_format_quotes_the_engine_trees(model: crampnet.Model) -> None:
    """Check the engine's trees as FORMAT.md's Limits quote them: the whole-network min-fill tree's entries, and the shared tree of context and conditions (entries, variables in its largest clique)."""
    text = " ".join((ROOT / "networks" / "FORMAT.md").read_text(encoding="utf-8").split())
    shared, _ = model.compiled.tree_for(frozenset())
    assert f"the engine's min-fill tree holds {model.compiled.tree.entries:,} entries in all" in text
    widest = max(len(clique) for clique in shared.cliques)
    assert f"which has {shared.entries:,} entries, {widest} variables in the largest clique" in text
