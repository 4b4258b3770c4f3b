"""Beta quantiles at any size of the shapes: the shared helper of fitted ranges and parameter distributions.

The expected values are computed here independently of the helper: closed
forms (Beta(1, b), Beta(a, 1), the Gamma(2) limit), the normal limit
computed from the Beta's mean and variance, root-finding on scipy's forward
function ``betainc`` at moderate shapes, and scipy's ``betaincinv`` where it
is exact (shapes near 1e8, away from its miss at ``a = 1000``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq
from scipy.special import betainc, betaincinv, ndtri

import crampnet
from crampnet.trust._betaquantiles import EXACT_LIMIT, beta_quantiles

P = np.array([0.025, 0.1, 0.5, 0.9, 0.975])


def _root(a: float, b: float, p: float) -> float:
    """The ``p`` quantile of Beta(a, b) by bisection on the forward function (moderate shapes only)."""
    return float(brentq(lambda x: betainc(a, b, x) - p, 0.0, 1.0, xtol=1e-300, rtol=1e-14, maxiter=500))


def _sd(a: float, b: float) -> float:
    total = a + b
    return math.sqrt(a / total) * math.sqrt(b / total) / math.sqrt(total + 1.0)


@pytest.mark.parametrize("b", [1.0, 3.0, 1e6, 1e12, 1e30, 1e200])
def test_beta_one_b_is_its_closed_form(b):
    """Check Beta(1, b), whose CDF is ``1 - (1 - x)**b``, against ``x = 1 - (1 - p)**(1/b)`` at every size of ``b``."""
    expected = -np.expm1(np.log1p(-P) / b)
    np.testing.assert_allclose(beta_quantiles(1.0, b, P), expected, rtol=1e-9)


@pytest.mark.parametrize("a", [1.0, 3.0, 1e6, 1e12, 1e30])
def test_beta_a_one_is_its_closed_form(a):
    """Check Beta(a, 1), whose CDF is ``x**a``, against ``p**(1/a)``, and its distance from 1 where that is resolved."""
    got = beta_quantiles(a, 1.0, P)
    np.testing.assert_allclose(got, P ** (1.0 / a), rtol=1e-12)
    np.testing.assert_allclose(1.0 - got, -np.expm1(np.log(P) / a), rtol=1e-6, atol=2e-16)


@pytest.mark.parametrize("b", [1e9, 1e15, 1e20, 1e30, 1e250])
def test_a_small_shape_beside_a_huge_one_is_the_gamma_limit(b):
    """Check Beta(2, b) for huge ``b``: ``b X`` is Gamma(2), whose CDF ``1 - exp(-y) (1 + y)`` is solved here."""
    for p in P:
        y = brentq(lambda y, p=p: -math.expm1(-y) - y * math.exp(-y) - p, 0.0, 50.0, xtol=1e-15, rtol=1e-15)
        assert float(beta_quantiles(2.0, b, p)) * b == pytest.approx(y, rel=1e-7), p


@pytest.mark.parametrize("s", [1e9, 1e13, 1e18, 1e30, 1e100, 1e300])
def test_equal_huge_shapes_are_the_normal_limit(s):
    """Check Beta(s, s): symmetric, so its quantiles are ``1/2 +- z sd`` (kurtosis ``-6 / (2 s + 3)`` aside)."""
    expected = ndtri(P) * 0.5 / math.sqrt(2.0 * s + 1.0)
    np.testing.assert_allclose(beta_quantiles(s, s, P) - 0.5, expected, rtol=1e-6, atol=2e-16)


@pytest.mark.parametrize(("a", "b"), [(1e12, 1e20), (3e17, 7e17), (1e25, 1e30), (2e150, 5e299)])
def test_both_huge_shapes_are_near_the_normal_limit(a, b):
    """Check huge unequal shapes against the normal with the Beta's mean and variance, to the skewness's share of a standard deviation (and the floats' resolution)."""
    mean, sd = a / (a + b), _sd(a, b)
    skew = 2.0 / math.sqrt(min(a, b))  # the Beta's skewness is at most this
    got = beta_quantiles(a, b, P)
    assert np.isfinite(got).all() and (np.diff(got) >= 0).all()
    resolution = 2.0 * np.spacing(mean) / sd  # a float near the mean moves by this many standard deviations
    np.testing.assert_allclose((got - mean) / sd, ndtri(P), atol=skew + resolution + 1e-6)


@pytest.mark.parametrize("small", [1e-3, 0.5, 1.0, 7.0, 100.0, 999.0, 1e4, 1e5, 1e6, 1e7, 1e8])
def test_the_limits_meet_scipy_at_the_switch(small):
    """Check the asymptotic quantiles just past ``EXACT_LIMIT`` against scipy's exact ones there, to 1e-6 standard deviations.

    Both shape orders, so the Gamma limit on either side and the corrected
    normal are each compared with scipy where scipy is still exact.
    """
    large = EXACT_LIMIT * (1.0 + 1e-6)
    small = min(small, large)
    for a, b in ((small, large), (large, small)):
        exact = betaincinv(a, b, P)
        got = beta_quantiles(a, b, P)
        np.testing.assert_allclose(got, exact, rtol=0.0, atol=1e-6 * _sd(a, b) + 1e-300)


def test_scipys_miss_at_a_1000_is_caught():
    """Check Beta(1000, 9091.86): scipy's ``betaincinv`` gives 0.251 for its 97.5% quantile; the forward function's root is 0.105."""
    b = 9091.86302771
    got = beta_quantiles(1000.0, b, [0.025, 0.975])
    assert got == pytest.approx([_root(1000.0, b, 0.025), _root(1000.0, b, 0.975)], rel=1e-9)
    got = beta_quantiles(b, 1000.0, [0.025, 0.975])
    assert got == pytest.approx([_root(b, 1000.0, 0.025), _root(b, 1000.0, 0.975)], rel=1e-9)


def test_quantiles_below_the_float_range_are_zero():
    """Check Beta(1e-5, 1e10): its 97.5% quantile is about ``0.975**1e5`` times a tiny number, below 1e-308: 0, not scipy's 2.2e-308 floor or NaN."""
    got = beta_quantiles(1e-5, 1e10, [0.025, 0.975])
    assert (got == 0.0).all()
    assert beta_quantiles(1e-200 * 8e200, 8e200, 0.025) > 0.0  # a leak of 1e-200 keeps a low end


def test_shapes_broadcast():
    """Check that shapes and probabilities broadcast as numpy does."""
    got = beta_quantiles(np.array([2.0, 3.0]), 5.0, np.array([[0.025], [0.975]]))
    assert got.shape == (2, 2)
    assert got[0, 1] == pytest.approx(_root(3.0, 5.0, 0.025), rel=1e-10)


@settings(max_examples=150, deadline=None)
@given(st.floats(-2.0, 6.0), st.floats(-2.0, 6.0), st.floats(0.001, 0.999))
def test_moderate_shapes_invert_the_forward_function(log_a, log_b, p):
    """Check that at moderate shapes ``betainc`` of the quantile gives back ``p`` (where the quantile is a normal float)."""
    a, b = 10.0**log_a, 10.0**log_b
    q = float(beta_quantiles(a, b, p))
    assert 0.0 <= q <= 1.0
    if 1e-300 < q < 0.999999:  # nearer 1 a float's step moves betainc more than this
        assert betainc(a, b, q) == pytest.approx(p, rel=1e-7)


@settings(max_examples=150, deadline=None)
@given(st.floats(-3.0, 300.0), st.floats(-3.0, 300.0), st.floats(0.001, 0.999))
def test_swapping_the_shapes_mirrors_the_quantile(log_a, log_b, p):
    """Check ``q(a, b, p) = 1 - q(b, a, 1 - p)`` (X and 1 - X) at any size, exact and asymptotic branches alike."""
    a, b = 10.0**log_a, 10.0**log_b
    here, mirrored = float(beta_quantiles(a, b, p)), float(beta_quantiles(b, a, 1.0 - p))
    assert here == pytest.approx(1.0 - mirrored, rel=0.0, abs=1e-7 * _sd(a, b) + 1e-15)


@settings(max_examples=150, deadline=None)
@given(st.floats(-3.0, 300.0), st.floats(-3.0, 300.0))
def test_quantiles_are_ordered_and_bracket_the_median_at_any_size(log_a, log_b):
    """Check that for any shapes up to 1e300 the quantiles are finite, in [0, 1] and ordered in ``p``."""
    got = beta_quantiles(10.0**log_a, 10.0**log_b, P)
    assert np.isfinite(got).all() and ((got >= 0.0) & (got <= 1.0)).all()
    assert (np.diff(got) >= 0.0).all(), got


def test_a_fit_with_a_huge_prior_strength_has_finite_ranges():
    """Check that ``fit(..., prior_strength=1e30).parameters()`` finishes with finite ``low <= high``, each the normal limit's.

    It hung (scipy's ``betaincinv`` took ~40 ms an entry at shapes near
    1e30, for ~57,000 entries), and gives NaN past about 1e17. Where both
    shapes are huge, each end is checked against the normal limit computed
    here from the posterior counts.
    """
    model = crampnet.load()
    fitted = model.fit(model.simulate(300, seed=2), prior_strength=1e30)
    table = fitted.parameters()
    rows = table[table["source"] == "fitted"]
    assert len(rows) > 1000
    assert np.isfinite(rows[["low", "high"]].to_numpy()).all()
    assert (rows["low"] <= rows["high"]).all() and (rows["low"] >= 0).all() and (rows["high"] <= 1).all()
    node = model.spec.nodes["pregnancy"]
    counts = fitted.posterior_counts["pregnancy"]
    checked = 0
    for (k, *config), a in np.ndenumerate(counts):
        b = counts[(slice(None), *config)].sum() - a
        when = ", ".join(f"{p}={model.spec.nodes[p].states[i]}" for p, i in zip(node.parents, config, strict=True))
        if min(a, b) > 1e20:
            (row,) = rows[(rows["node"] == "pregnancy") & (rows["parent_state"] == when) & (rows["state"] == node.states[k])].itertuples()
            mean, sd = a / (a + b), _sd(a, b)
            assert row.low == pytest.approx(mean - 1.959963984540054 * sd, abs=1e-3 * sd + 4e-16)
            assert row.high == pytest.approx(mean + 1.959963984540054 * sd, abs=1e-3 * sd + 4e-16)
            checked += 1
    assert checked >= 6


TINY = """schema = "crampnet-network/1"
name = "tiny"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.3, source = "s" } }
[nodes.f]
role = "finding"
states = ["yes", "no"]
cpd = { model = "noisy_or", leak = { value = 0.05, source = "s" }, links = [{ parent = "c", state = "present", value = 0.8, source = "s" }] }
"""


def test_a_huge_prior_strength_keeps_the_fitted_distributions_and_sensitivity_finite(tmp_path: Path):
    """Check that a model fitted with ``prior_strength=1e30`` gets finite fitted ranges (the normal limit's) and finite sensitivity swings.

    ``distributions`` called scipy's ``betaincinv`` per slot, which at such
    shapes is slow, and NaN past about 1e17.
    """
    from crampnet.trust.uncertainty import parameter_distributions

    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    model = crampnet.load(path)
    fitted = model.fit(model.simulate(200, seed=1), prior_strength=1e30)
    table = parameter_distributions(fitted)
    rows = table[table["range"] == "fitted"]
    assert len(rows) == 6  # c's two entries, f's four
    for _, row in rows.iterrows():
        a, b = row["shape1"], row["shape2"] - row["shape1"]
        assert np.isfinite([row["low"], row["high"]]).all()
        mean, sd = a / (a + b), _sd(a, b)
        assert row["low"] == pytest.approx(mean - 1.959963984540054 * sd, abs=1e-3 * sd + 4e-16)
        assert row["high"] == pytest.approx(mean + 1.959963984540054 * sd, abs=1e-3 * sd + 4e-16)
    swings = fitted.sensitivity("c", {"f": "yes"})["swing"]
    assert swings.notna().all() and np.isfinite(swings.to_numpy(dtype=float)).all()
