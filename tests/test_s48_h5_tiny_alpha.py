"""Dirichlet draws of a fit with a tiny prior_strength: no NaN, no overflow warning.

A parent configuration the data never shows keeps only the prior's
pseudo-counts, ``prior_strength * P(x, pa)``; with ``prior_strength=1e-300``
those fall below the smallest normal float, and the log-space redraw
(``_log_dirichlet``: log Gamma(a + 1) + log(U) / a) overflowed to -inf in
every entry, whose softmax is NaN. A Dirichlet whose alphas all tend to 0 in
fixed ratios puts all its mass on one vertex, vertex i with probability
``a_i / sum(a)``: that is what the draws must do.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crampnet
from crampnet.trust._distributions import _log_dirichlet
from crampnet.trust.simulate import simulate
from crampnet.trust.uncertainty import draw_tables, posterior_intervals

COLUMNS = ["sex", "age_group", "pregnancy", "restless_legs_syndrome", "urge_to_move"]


def test_log_dirichlet_of_subnormal_alphas_picks_a_vertex_in_proportion():
    """Check that alphas of 1e-310 and 2e-310 give one-hot draws, the second vertex about 2/3 of the time."""
    alpha = np.array([1e-310, 2e-310, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draws = _log_dirichlet(np.random.default_rng(5), alpha, 3000)
    assert not np.isnan(draws).any()
    assert np.all(draws[:, 2] == 0.0)
    assert np.all(np.sort(draws[:, :2], axis=1) == [0.0, 1.0])
    share = draws[:, 1].mean()
    assert abs(share - 2 / 3) < 4 * np.sqrt(2 / 9 / 3000)  # binomial, 4 standard errors


@pytest.fixture(scope="module")
def fitted() -> crampnet.Model:
    model = crampnet.load()
    cohort = simulate(model, 100, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EM may stop at max_iter: not what is tested
        return model.fit(cohort[COLUMNS], prior_strength=1e-300)


def test_draws_of_a_fit_with_a_tiny_prior_are_tables(fitted):
    """Check that every drawn table of a fit at prior_strength=1e-300 is a distribution (no NaN), without numpy warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tables = draw_tables(fitted, 200, seed=1)
    for nid in COLUMNS:
        assert not np.isnan(tables[nid]).any(), nid
        np.testing.assert_allclose(tables[nid].sum(axis=1), 1.0, atol=1e-12)


def test_posterior_intervals_of_a_fit_with_a_tiny_prior(fitted):
    """Check that posterior_intervals does not call every draw impossible: the intervals come out finite and in [0, 1]."""
    table = posterior_intervals(fitted, {"urge_to_move": "yes"}, draws=100)
    assert not table.isna().any().any()
    assert ((table >= 0) & (table <= 1)).all().all()
