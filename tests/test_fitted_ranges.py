"""A fitted entry's range holds its value, in ``parameters()`` as in ``parameter_distributions``.

A fitted entry's value is the mean of its Beta posterior; a Beta with a
tiny first shape (a rare parent configuration's entry, whose prior
pseudo-count is ``prior_strength`` times a small probability) has its mean
above its 97.5% quantile, so the equal-tailed interval alone read, say,
"value 0.000226, range 0 to 2.4e-49". Whether a Beta is that skewed is
checked here with scipy's forward function ``betainc`` at the value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import betainc

import crampnet
from crampnet.trust.simulate import fit, simulate
from crampnet.trust.uncertainty import parameter_distributions


def _beta_shapes(fitted: crampnet.Model, row: Any) -> tuple[float, float]:
    """The shapes ``a, a0 - a`` of the Beta posterior of a fitted parameter row."""
    spec = fitted.spec
    node = spec.nodes[row.node]
    named = dict(part.split("=") for part in row.parent_state.split(", ")) if node.parents else {}
    config = tuple(spec.nodes[p].states.index(named[p]) for p in node.parents)
    counts = fitted.posterior_counts[row.node][(slice(None), *config)]
    a = float(counts[node.states.index(row.state)])
    return a, float(counts.sum()) - a


def _is_quantile(a: float, b: float, x: float, p: float) -> bool:
    """Whether ``x`` is the ``p`` quantile of Beta(a, b) as nearly as a float can be: ``p`` lies between the CDF at its neighbouring floats (0 below the smallest normal one)."""
    below = 0.0 if x <= np.finfo(float).tiny else np.nextafter(x, 0.0)
    return bool(betainc(a, b, below) - 1e-9 <= p <= betainc(a, b, np.nextafter(x, 1.0)) + 1e-9)


def test_every_fitted_value_lies_in_its_range_on_the_shipped_network():
    """Check ``m.fit(m.simulate(300, seed=2), prior_strength=10).parameters()``: 24,883 of its 81,007 fitted rows had their value outside [low, high]."""
    model = crampnet.load()
    fitted = model.fit(model.simulate(300, seed=2), prior_strength=10)
    table = fitted.parameters()
    rows = table[table["source"] == "fitted"]
    outside = rows[(rows["value"] < rows["low"]) | (rows["value"] > rows["high"])]
    assert outside.empty, outside[["node", "parent_state", "state", "value", "low", "high"]].head().to_string()
    # akathisia given lithium and an antidepressant, no dopamine antagonist: few cases, a Beta whose mean is above its 97.5% quantile
    (row,) = rows[(rows["node"] == "akathisia") & (rows["state"] == "present") & (rows["parent_state"] == "med_dopamine_antagonist=no, med_antidepressant=yes, med_lithium=yes, care_setting=presenting")].itertuples()
    a, b = _beta_shapes(fitted, row)
    assert row.value == a / (a + b) and betainc(a, b, row.value) > 0.975  # skewed: the interval alone would not hold the value
    assert row.high == row.value and 0.0 <= row.low <= betainc(a, b, 1e-300)


def test_fitted_ranges_are_the_central_interval_widened_to_the_value_and_match_parameter_distributions(tiny):
    """Check, on a fit with a weak prior (skewed Betas in rare configurations), that each fitted range is the Beta's central 95% stretched to its value, and that ``parameter_distributions`` of the fitted model gives the same ends."""
    fitted = fit(tiny, simulate(tiny, 60, seed=3), prior_strength=0.05)
    table = fitted.parameters()
    rows = table[table["source"] == "fitted"]
    widened = central = 0
    for row in rows.itertuples():
        a, b = _beta_shapes(fitted, row)
        assert row.low <= row.value <= row.high, row
        if a == 0 or b == 0:
            continue
        above, below = betainc(a, b, row.value) > 0.975, betainc(a, b, row.value) < 0.025
        if above:
            assert row.high == row.value and _is_quantile(a, b, row.low, 0.025), row
        elif below:
            assert row.low == row.value and _is_quantile(a, b, row.high, 0.975), row
        else:
            assert _is_quantile(a, b, row.low, 0.025) and _is_quantile(a, b, row.high, 0.975), row
        widened += above or below
        central += not (above or below)
    assert widened >= 1 and central >= 5, (widened, central)
    ranges = parameter_distributions(fitted)
    fitted_rows = ranges[ranges["range"] == "fitted"]
    assert len(fitted_rows) >= 5
    np.testing.assert_array_equal(fitted_rows["low"].to_numpy(), table.loc[fitted_rows.index, "low"].to_numpy())
    np.testing.assert_array_equal(fitted_rows["high"].to_numpy(), table.loc[fitted_rows.index, "high"].to_numpy())
