"""Session 49, helper 5: defects of the trust layer a researcher would hit (fitting, metrics, batches, cohorts)."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from crampnet.exceptions import InvalidValueError
from crampnet.trust.evaluate import calibration_table
from crampnet.trust.simulate import ConvergenceWarning, fit, simulate


def test_calibration_table_puts_a_prediction_on_a_bin_edge_in_the_bin_it_opens():
    """Check a score equal to a bin's lower edge (0.3, 0.6, 0.7 of ten bins) falls in that bin, as [low, high) says.

    The edges were ``linspace(0, 1, 11)``, whose third is 3 * 0.1 =
    0.30000000000000004: a score of 0.3 (a rounded clinical score, say)
    went to the bin [0.2, 0.3), and 0.6 and 0.7 to the bins below theirs.
    The expected bins come from exact fractions of the decimal scores.
    """
    scores = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.35, 0.65]
    for bins in (10, 20, 5, 3):
        expected = [0] * bins
        for s in scores:
            expected[min(int(Fraction(str(s)) * bins), bins - 1)] += 1  # exact floor of s * bins on the decimal
        table = calibration_table(np.array(scores), np.zeros(len(scores)), bins=bins)
        assert table["n"].tolist() == expected, bins
        assert table["bin_low"].tolist() == [k / bins for k in range(bins)]


def _holed(model, n: int, seed: int) -> pd.DataFrame:
    """A simulated cohort of ``model`` with half its cells hidden and two conditions left out: EM's data."""
    cohort = simulate(model, n, seed=seed).astype(object)
    rng = np.random.default_rng(seed)
    return cohort.mask(rng.random(cohort.shape) < 0.5).drop(columns=["cramps", "rls"]).dropna(how="all")


def test_fit_refuses_a_tol_no_float_em_can_meet(tiny):
    """Check a tol below 1e-15 is refused up front, and 1e-15 itself converges.

    With half the cells of 2,000 tiny.toml cases hidden, EM settles to
    moves of 1e-17 to 4e-16 an iteration (float rounding of the
    normalised tables) and never below: ``tol=1e-300`` ran all 3,000
    iterations of ``max_iter`` (tens of seconds) to warn "raise max_iter",
    which would not have helped.
    """
    data = _holed(tiny, 300, 0)
    for tol in (1e-16, 1e-300, 5e-324):
        with pytest.raises(InvalidValueError, match=r"'tol' argument of fit must be at least 1e-15\. Got .*float rounding.*max_iter=7 iterations"):
            fit(tiny, data, tol=tol, max_iter=7)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fitted = fit(tiny, data, tol=1e-15, max_iter=5000)
    assert fitted.converged and fitted.method == "em"


def test_fit_convergence_warning_says_how_far_em_was(tiny):
    """Check the ConvergenceWarning gives the last iteration's largest move, which is what the tables show.

    The warning only said "raise max_iter", so a researcher could not tell
    a fit a hair from ``tol`` from one far off. The expected move is read
    from the tables of fits stopped one iteration apart.
    """
    data = _holed(tiny, 300, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        before = fit(tiny, data, max_iter=2)
    with pytest.warns(ConvergenceWarning) as caught:
        after = fit(tiny, data, max_iter=3)
    move = max(float(np.abs(after.compiled.tables[nid] - before.compiled.tables[nid]).max()) for nid in after.posterior_counts)
    assert move > 1e-6
    message = next(str(w.message) for w in caught if w.category is ConvergenceWarning)
    assert f"EM stopped after 3 iterations before the tables moved less than 1e-06: the last moved an entry by {move:.3g}." in message


def test_fitted_notes_say_em_did_not_converge(tiny):
    """Check an EM fit stopped by ``max_iter`` says so in every fitted parameter's note, with its last move; a settled one does not.

    The ConvergenceWarning was the only sign: the provenance the fitted
    numbers carry (``parameters()``, exports, reports) read "EM, 2
    iterations" like any settled fit. The move is read from the tables of
    fits stopped one iteration apart.
    """
    data = _holed(tiny, 200, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        once = fit(tiny, data, max_iter=1)
        twice = fit(tiny, data, max_iter=2)
    settled = fit(tiny, data, tol=1e-3, max_iter=500)
    move = max(float(np.abs(twice.compiled.tables[nid] - once.compiled.tables[nid]).max()) for nid in twice.posterior_counts)
    notes = twice.parameters().query("source == 'fitted'")["note"]
    assert not twice.converged and len(notes) > 0
    assert notes.str.contains(f"(EM, 2 iterations without converging (max_iter; the last moved an entry by {move:.3g}, tol 1e-06), ", regex=False).all()
    assert settled.converged and not settled.parameters()["note"].str.contains("without converging", na=False).any()


def test_beta_quantiles_below_the_normal_floats_are_not_scipys_floor(tiny):
    """Check a Beta quantile below ~2.2e-308 is the subnormal or 0.0 it rounds to, not the smallest normal float.

    scipy's ``betaincinv`` stops at 2.2250738585072014e-308, and a fitted
    entry that the data never shows, with tiny pseudo-counts, had that as
    its ``low`` in ``parameters()``: Beta(1e-5, 50) has ~99% of its mass
    below the smallest subnormal (its CDF there is above 0.98), so its 2.5%
    and 50% quantiles are 0.0. Where the quantile is a subnormal, the CDF
    (scipy's ``betainc``, the forward function) at 1e-9 either side of it
    brackets ``p``.
    """
    from scipy.special import betainc

    from crampnet.trust._betaquantiles import beta_quantiles

    smallest = np.nextafter(0.0, 1.0)
    assert betainc(1e-5, 50.0, smallest) > 0.98
    assert beta_quantiles(1e-5, 50.0, [0.025, 0.5]).tolist() == [0.0, 0.0]
    for a in (0.00517, 0.00519, 0.0052):
        q = float(beta_quantiles(a, 50.0, 0.025))
        assert 0.0 < q < np.finfo(float).tiny, a
        assert betainc(a, 50.0, q * (1 - 1e-9)) <= 0.025 <= betainc(a, 50.0, q * (1 + 1e-9)), a  # to 1e-9 of q: a subnormal has few digits
    data = simulate(tiny, 50, seed=1)[["urge", "rls", "cramps"]]
    data["urge"] = pd.Categorical(["yes"] * 50, categories=["yes", "no"])
    fitted = fit(tiny, data, prior_strength=1e-3)
    never = fitted.parameters().query("source == 'fitted' and node == 'urge' and state == 'no'")
    assert len(never) == 4 and (never["low"] == 0.0).all()
