"""A model and its diagnoses pickle and deep-copy (session 48, h6)."""

from __future__ import annotations

import copy
import pickle
import warnings

import crampnet

DVT = {"unilateral_calf_swelling": "yes", "calf_tenderness": "yes", "d_dimer": "raised"}


def test_a_diagnosis_pickles_and_deep_copies(model):
    """Check pickle and copy.deepcopy of a diagnosis give the same diagnosis (both raised "cannot pickle '_thread.lock' object")."""
    dx = model.diagnose(DVT)
    dx.explain("deep_vein_thrombosis")  # with its cached parts
    for again in (pickle.loads(pickle.dumps(dx)), copy.deepcopy(dx)):
        assert again.differential == dx.differential
        assert again.posteriors.equals(dx.posteriors)
        assert [(f.condition, f.urgency) for f in again.red_flags] == [(f.condition, f.urgency) for f in dx.red_flags] != []
        assert again.report(now=None).split("## Red flags")[1] == dx.report(now=None).split("## Red flags")[1]
        assert again.model.posteriors({"muscle_cramps": True}).equals(model.posteriors({"muscle_cramps": True}))  # its model computes again


def test_a_population_and_a_fitted_model_pickle_as_themselves():
    """Check a model of another population, and a fitted model (its tables, its parameter table), come back as they were."""
    adults = crampnet.load(population="adults")
    again = pickle.loads(pickle.dumps(adults))
    assert again.population == "adults" and again.posteriors({}).equals(adults.posteriors({}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fit's own convergence notes
        fitted = adults.fit(adults.simulate(150, seed=5).drop(columns=adults.conditions), max_iter=3)
    back = pickle.loads(pickle.dumps(fitted))
    assert type(back) is type(fitted) and back.cases == fitted.cases == 150
    assert back.posteriors({"muscle_cramps": True}).equals(fitted.posteriors({"muscle_cramps": True}))
    assert not back.posteriors({"muscle_cramps": True}).equals(adults.posteriors({"muscle_cramps": True}))  # the fitted tables, not the file's
    assert back.parameters().equals(fitted.parameters())
