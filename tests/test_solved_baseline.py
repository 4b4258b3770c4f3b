"""The solved baselines that ``parameters()`` shows are the ones inference uses, in every population."""

from __future__ import annotations

import numpy as np
import pytest

import crampnet
from crampnet.network.spec import Logistic


def _reference_entry(model: crampnet.Model, nid: str) -> float:
    """P(node = positive | every parent at a state without an odds ratio), read off the compiled table."""
    spec = model.spec
    node = spec.nodes[nid]
    cpd = node.cpd
    assert isinstance(cpd, Logistic)
    index: list[int] = [node.states.index(cpd.positive)]
    for parent in node.parents:
        raised = {link.state for link in cpd.odds_ratios if link.parent == parent}
        reference = [s for s in spec.nodes[parent].states if s not in raised]
        index.append(spec.nodes[parent].states.index(reference[0]))
    return float(model.compiled.tables[nid][tuple(index)])


@pytest.mark.parametrize("population", ["presenting", "adults"])
def test_solved_baselines_are_the_ones_in_the_tables(population):
    """Check each ``baseline (solved)`` row against the table entry at the reference parent states (the presenting population once showed baselines solved against its own priors)."""
    model = crampnet.load(population=population)
    table = model.parameters()
    rows = table[table.kind == "baseline (solved)"]
    assert len(rows) >= 5
    for _, row in rows.iterrows():
        assert row.value == pytest.approx(_reference_entry(model, row.node), rel=1e-9), row.node


def test_solved_baselines_do_not_depend_on_the_population():
    """Check that both populations show the same solved baselines: they are solved against the file's default priors."""
    shown = [crampnet.load(population=p).parameters() for p in ("presenting", "adults")]
    values = [t[t.kind == "baseline (solved)"].set_index("node").value for t in shown]
    np.testing.assert_allclose(values[0].to_numpy(), values[1].reindex(values[0].index).to_numpy(), rtol=1e-12)
