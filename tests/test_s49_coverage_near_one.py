"""A coverage just below 1 gives finite ranges, not the normal quantile of 1.0.

``quantile_scale`` computed ``ndtri(0.5 + coverage / 2)``, which rounds to ``ndtri(1.0) = inf`` at
``coverage = 1 - 1e-16``: the odds ratio 3.0 with range [2, 4] then became the family "fixed", a default-range
odds ratio [0, inf], and ``sensitivity`` printed about 100 numpy RuntimeWarnings (h5's report).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import norm

import crampnet
from crampnet.network._ranges import Z95, quantile_scale
from crampnet.trust.uncertainty import parameter_distributions

TINY = Path(__file__).parent / "data" / "tiny.toml"


@pytest.mark.parametrize("coverage", [0.5, 0.95, 0.999999, 0.9999999999999999, 1 - 2**-53])
def test_the_scale_is_the_normal_quantile_of_the_upper_tail(coverage):
    """Check quantile_scale against scipy's isf of (1 - coverage) / 2, finite up to the last float below 1."""
    expected = norm.isf((1 - coverage) / 2) / Z95
    assert math.isfinite(quantile_scale(coverage))
    assert quantile_scale(coverage) == pytest.approx(expected, rel=1e-12)


def test_parameter_distributions_at_a_coverage_near_one_are_finite_and_warn_nothing():
    """Check that every range of tiny.toml stays finite and keeps its family at coverage 1 - 1e-16."""
    model = crampnet.load(TINY)
    usual = parameter_distributions(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        near = parameter_distributions(model, coverage=0.9999999999999999)
    assert list(near["family"]) == list(usual["family"])
    numbers = near.select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(numbers[~np.isnan(numbers)]).all()
