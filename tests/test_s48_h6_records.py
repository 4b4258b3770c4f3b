"""Diagnosis.from_dict says when a record's numbers are not the ones it computes again (session 48, h6)."""

from __future__ import annotations

import json
import re
import warnings

import pytest

import crampnet

DVT = {"unilateral_calf_swelling": "yes", "calf_tenderness": "yes", "d_dimer": "raised", "prior_vte": "yes"}


def _record(model):
    return json.loads(json.dumps(model.diagnose(DVT).to_dict()))


def test_from_dict_of_an_untouched_record_warns_nothing(model):
    """Check the JSON round trip of a record is silent (the comparison is not a false alarm)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = crampnet.Diagnosis.from_dict(model, _record(model))
    assert [f.condition for f in again.red_flags] == ["deep_vein_thrombosis"]


def test_from_dict_of_a_record_without_its_red_flag_warns(model):
    """Check a record whose DVT red flag was removed is not taken back silently (the flag came back and nothing said the record lacked it)."""
    record = _record(model)
    record["red_flags"] = []
    with pytest.warns(UserWarning, match=r"red flags \(none\) are not the ones computed again \(deep_vein_thrombosis \(urgent\)\)"):
        crampnet.Diagnosis.from_dict(model, record)


@pytest.mark.parametrize("value", [0.01, float("nan"), "0.89", None])
def test_from_dict_of_a_record_with_another_posterior_warns(model, value):
    """Check an edited or corrupted posterior (another number, NaN, text, null) is named with the number computed now."""
    record = _record(model)
    record["posteriors"]["deep_vein_thrombosis"] = value
    with pytest.warns(UserWarning, match=r"P\(deep_vein_thrombosis\) is .*, computed again 0\.89"):
        crampnet.Diagnosis.from_dict(model, record)


def test_from_dict_with_the_model_a_record_was_not_made_with_warns(model):
    """Check a record of a fitted model (same network name and version) read back with the shipped model says its posteriors differ."""
    data = model.simulate(200, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fit's own convergence notes
        fitted = model.fit(data.drop(columns=model.conditions), max_iter=3)
    record = json.loads(json.dumps(fitted.diagnose(DVT).to_dict()))
    assert record["network"] == {"name": model.spec.name, "version": model.spec.version, "digest": model.spec.digest}
    with pytest.warns(UserWarning, match=r"The record's P\(\w+\) is .*computed again .*a fitted model"):
        crampnet.Diagnosis.from_dict(model, record)


def test_from_dict_of_a_record_with_evidence_only_is_silent(model):
    """Check a hand-written record giving only the evidence is not compared on what it does not state."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dx = crampnet.Diagnosis.from_dict(model, {"evidence": DVT})
    assert dx.differential[0] == "deep_vein_thrombosis"


def test_from_dict_of_a_record_at_six_significant_digits_is_silent(model):
    """Check posteriors written at six significant digits (as the command line's --json writes them) are not called different.

    The comparison at 1e-9 called every posterior of such a record different ("P(deep_vein_thrombosis) is 0.890643,
    computed again 0.8906431667283344 (and 19 more)").
    """
    record = _record(model)
    record["posteriors"] = {c: float(f"{p:.6g}") for c, p in record["posteriors"].items()}
    assert any(record["posteriors"][c] != p for c, p in _record(model)["posteriors"].items())  # the rounding changed them
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        crampnet.Diagnosis.from_dict(model, record)
    computed = _record(model)["posteriors"]["deep_vein_thrombosis"]
    other = round(computed - 1e-4, 4)  # another number, about 1e-4 off
    record["posteriors"]["deep_vein_thrombosis"] = other
    with pytest.warns(UserWarning, match=rf"P\(deep_vein_thrombosis\) is {re.escape(f'{other:g}')}, computed again {re.escape(f'{computed:.6g}')}"):
        crampnet.Diagnosis.from_dict(model, record)
