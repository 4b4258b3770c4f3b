"""Parameter draws of a fit with a weak prior keep every possible state possible (session 50, h4).

With ``prior_strength=1e-3`` a state the data never show gets a Dirichlet
alpha near 1e-6, and its drawn share is far below the float range
(``U ** (1 / alpha)``): it came out 0, so ``posterior_intervals`` counted
every draw as making evidence of that state impossible, dropped the draws,
and refused the evidence though the fitted model answers it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet.trust._distributions import distributions, draw_parameters
from crampnet.trust.simulate import fit
from crampnet.trust.uncertainty import posterior_intervals


@pytest.fixture(scope="module")
def fitted() -> crampnet.Model:
    return fit(crampnet.load(), pd.DataFrame({"hemodialysis": ["no"] * 50}), prior_strength=1e-3)


def test_no_drawn_share_of_a_possible_state_is_zero(fitted: crampnet.Model) -> None:
    dist = distributions(fitted, 0.95)
    live = (np.array(dist.family) == "dirichlet") & (dist.shape1 > 0)
    assert live.any()
    theta = draw_parameters(fitted, 200, np.random.default_rng(0))
    assert (theta[:, live] > 0).all()
    assert (theta[:, live] <= 1).all()


def test_intervals_of_a_state_the_data_never_show(fitted: crampnet.Model) -> None:
    evidence = {"hemodialysis": "yes"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no draw left out with a warning either
        table = posterior_intervals(fitted, evidence, draws=100)
    assert table.attrs["impossible_draws"] == 0
    values = table[["probability", "low", "high"]].to_numpy()
    assert np.isfinite(values).all()
    assert ((table["low"] <= table["high"]) & (table["low"] >= 0) & (table["high"] <= 1)).all()
    # hemodialysis is a root: its prior cancels from P(condition | hemodialysis), so the fitted model's point posteriors are the file's
    base = crampnet.load().posteriors(evidence)
    assert np.allclose(table["probability"].to_numpy(), base.reindex(table.index).to_numpy(), rtol=0, atol=1e-9)
