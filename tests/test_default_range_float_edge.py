"""A sourced probability just above the smallest normal float gets a usable default distribution.

Without a range, a probability ``p`` gets the Beta of concentration
``1 / (sigma**2 p (1 - p)) - 1`` (``sigma = ln 2 / 1.96`` for a sourced
number): about ``8 / p``, beyond the largest float for ``p`` below ~4.5e-308,
which loading accepts down to 2.23e-308. Such a leak got infinite shapes,
NaN draws, and posterior_intervals refused the evidence as impossible in
every draw.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import crampnet

NETWORK = """schema = "crampnet-network/1"
name = "edge"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = {leak}, source = "s" }} }}
[nodes.f]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.01, source = "s" }}, links = [{{ parent = "c", state = "present", value = 0.9, source = "s" }}] }}
"""


@pytest.mark.parametrize("leak", [2.3e-308, 3e-308, 4e-308])
def test_a_leak_near_the_smallest_float_has_a_finite_beta_and_draws(tmp_path: Path, leak: float):
    """Check that c's leak gets finite Beta shapes whose mean is the leak, a range around it, and finite draws and intervals."""
    from crampnet.trust.uncertainty import draw_tables, parameter_distributions, posterior_intervals

    path = tmp_path / "edge.toml"
    path.write_text(NETWORK.format(leak=repr(leak)), encoding="utf-8")
    model = crampnet.load(path)
    table = parameter_distributions(model)
    (row,) = table[(table["node"] == "c") & (table["kind"] == "leak")].itertuples()
    assert row.family == "beta" and row.range == "default"
    assert math.isfinite(row.shape1) and math.isfinite(row.shape2) and math.isfinite(row.shape1 + row.shape2)
    assert row.shape1 / (row.shape1 + row.shape2) == pytest.approx(leak, rel=1e-12)
    assert row.shape1 > 1.0  # still concentrated around the value, not spread towards 0
    assert 0.0 < row.low < leak < row.high < 1e-306
    drawn = draw_tables(model, 200, seed=0)["c"][:, 0]
    assert np.isfinite(drawn).all() and (drawn >= 0).all() and (drawn < 1e-306).all()
    intervals = posterior_intervals(model, {"f": "yes"}, draws=50, seed=0)
    assert np.isfinite(intervals.to_numpy()).all() and intervals.attrs["impossible_draws"] == 0
