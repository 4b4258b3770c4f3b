"""The fitted slots, their rows and their Dirichlet shapes, checked against the one-configuration-at-a-time construction.

``_fitted_slots`` appends a fit's slots directly and ``distributions`` and
``row_slots`` treat them in bulk (a fit of the shipped network has ~81,000
of them); here each is rebuilt the slow, obvious way (one ``Dist`` and
``add_dist`` per parent configuration, ``row_key`` per row, one group at a
time) and must match exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

import crampnet
from crampnet.network.spec import Dist, Provenance
from crampnet.trust._distributions import distributions
from crampnet.trust._parameters import parameter_space, row_key
from crampnet.trust._space import ParameterSpace
from crampnet.trust.simulate import simulate
from crampnet.trust.uncertainty import parameter_rows

FITTED = ["sex", "pregnancy", "restless_legs_syndrome", "urge_to_move", "pain_location"]


@pytest.fixture(scope="module")
def fitted() -> crampnet.Model:
    model = crampnet.load()
    cohort = simulate(model, 300, seed=4)
    return model.fit(cohort, prior_strength=7.0)  # every column: complete data, every table fitted


def _reference(model: crampnet.Model, nid: str) -> ParameterSpace:
    """The slots of one fitted table, one Dist and add_dist per parent configuration."""
    spec, node = model.spec, model.spec.nodes[nid]
    alpha = model.posterior_counts[nid]
    total = alpha.sum(axis=0, keepdims=True)
    value = np.where(total > 0, alpha / np.where(total > 0, total, 1.0), model.compiled.tables[nid])
    space = ParameterSpace()
    for config in np.ndindex(*alpha.shape[1:]):
        when = ", ".join(f"{p}={spec.nodes[p].states[i]}" for p, i in zip(node.parents, config, strict=True))
        col = (slice(None), *config)
        key = (nid, "row", ",".join(node.parents), when) if node.parents else (nid, "prior", None, None)
        space.add_dist(key, Dist(dict(zip(node.states, value[col].tolist(), strict=True)), Provenance("fitted", None, "x")), node.states, alpha[col])
    return space


@pytest.mark.parametrize("nid", FITTED)
def test_fitted_slots_match_one_dist_per_configuration(fitted, nid):
    """Check that each fitted table's slots, groups and Dirichlet parameters are those of one add_dist per configuration."""
    space = parameter_space(fitted)
    ref = _reference(fitted, nid)
    mine = [i for i, s in enumerate(space.slots) if s.key[0] == nid and "(default)" not in s.key[1]]
    assert [space.slots[i] for i in mine] == [
        type(s)(s.key, s.value, s.kind, s.low, s.high, s.judgment, space.slots[mine[0]].group + s.group) for s in ref.slots
    ]
    groups = sorted({space.slots[i].group for i in mine})
    assert [space.groups[g].tolist() for g in groups] == [(g - ref.groups[0][0] + mine[0]).tolist() for g in ref.groups]
    for g, r in zip(groups, range(len(ref.groups)), strict=True):
        np.testing.assert_array_equal(space.alphas[g], ref.alphas[r])
    override = dict(space.overrides)[nid]
    assert sorted(override.reshape(-1).tolist()) == mine  # every slot of the table read back, once


def test_parameter_rows_match_row_key(fitted):
    """Check that the row-to-slot map is row_key's, row by row."""
    index = parameter_space(fitted).index()
    frame = fitted.parameters()
    expected = {}
    for label, row in frame.iterrows():
        key = row_key(row["node"], row["kind"], row["parent"], row["parent_state"], row["state"])
        if key is not None and key in index:
            expected[label] = index[key]
    assert parameter_rows(fitted) == expected
    assert sum(1 for i in expected.values() if parameter_space(fitted).slots[i].key[0] in FITTED) > 0


def test_fitted_dirichlet_shapes_match_one_group_at_a_time(fitted):
    """Check every fitted slot's family, shapes and range source against alpha_i, alpha_0 of its group."""
    space = parameter_space(fitted)
    dist = distributions(fitted, 0.95)
    for g, alpha in space.alphas.items():
        total = float(alpha.sum())
        for j, i in enumerate(space.groups[g].tolist()):
            if 0 < alpha[j] < total:
                assert (dist.family[i], dist.shape1[i], dist.shape2[i], dist.range_source[i]) == ("dirichlet", alpha[j], total, "fitted")
                assert dist.low[i] <= space.slots[i].value <= dist.high[i]
            else:
                assert dist.family[i] == "fixed"
