"""Arguments of the public API that are not evidence: each wrong one gets a clear error (session 40's fuzzing pass).

Before, these gave an AttributeError or a TypeError from deep inside (a None
model, a list population, a non-iterable for iter_posteriors), a MemoryError
(``simulate(10**12)``, ``evaluate(bins=10**9)``), silently wrong results
(``staged="false"`` switched staging on, ``fit(max_iter=-1)`` reported -1
iterations, ``probability(None)`` returned 1.0) or a refusal of a valid
number (``threshold=numpy.float32(0.5)``).
"""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet.exceptions import CrampnetError, EvidenceTypeError, InvalidValueError
from crampnet.trust.evaluate import MAX_BINS
from crampnet.trust.simulate import MAX_CASES


@pytest.fixture(scope="module")
def record(model):
    return model.diagnose({"urge_to_move": True}).to_dict()


@pytest.mark.parametrize("bad", [None, "leg_cramps", {"spec": 1}, 3])
def test_a_model_argument_that_is_not_a_model(model, record, bad):
    """Check crampnet.diagnose, Diagnosis.from_dict and crampnet.evaluate name their 'model' argument."""
    for call, where in (
        (lambda: crampnet.diagnose(bad, {}), "diagnose"),
        (lambda: crampnet.Diagnosis.from_dict(bad, record), "Diagnosis.from_dict"),
        (lambda: crampnet.evaluate(bad, pd.DataFrame({"restless_legs_syndrome": [True]})), "evaluate"),
    ):
        with pytest.raises(EvidenceTypeError, match=f"The 'model' argument of {where} must be a crampnet model"):
            call()


def test_simulate_and_evaluate_refuse_sizes_that_exhaust_memory(model):
    """Check the bounds of simulate's n and evaluate's bins, and that the bounds themselves are accepted by the checks."""
    with pytest.raises(InvalidValueError, match="at most 10,000,000"):
        model.simulate(MAX_CASES + 1)
    cohort = model.simulate(20, seed=1)
    with pytest.raises(InvalidValueError, match="an int from 1 to 10,000"):
        crampnet.evaluate(model, cohort, ranking="posterior", bins=MAX_BINS + 1)
    assert len(crampnet.evaluate(model, cohort, ranking="posterior", bins=MAX_BINS).calibration) == MAX_BINS


@pytest.mark.parametrize(("argument", "value"), [("max_iter", -1), ("max_iter", 0), ("max_iter", True), ("max_iter", 1.5), ("max_iter", "3"), ("max_iter", None), ("tol", 0.0), ("tol", -1.0), ("tol", float("nan")), ("tol", float("inf")), ("tol", "x"), ("tol", None), ("tol", True)])
def test_fit_checks_max_iter_and_tol(model, argument, value):
    """Check that fit refuses a max_iter that is not a positive int and a tol that is not a positive finite number."""
    data = model.simulate(30, seed=0)
    with pytest.raises(InvalidValueError, match=f"The '{argument}' argument of fit must be a positive"):
        model.fit(data, **{argument: value})


def test_evaluate_checks_the_seed_even_when_nothing_is_hidden(model):
    """Check that a bad seed is refused with hide=0 too (it was checked only when cells were hidden)."""
    with pytest.raises(CrampnetError, match="'seed' argument"):
        crampnet.evaluate(model, model.simulate(5), seed="x")


@pytest.mark.parametrize("value", ["false", "no", float("nan"), 1, None])
@pytest.mark.parametrize("argument", ["staged", "cost_aware"])
def test_next_questions_flags_must_be_booleans(model, argument, value):
    """Check that staged= and cost_aware= take only True or False ("false" switched staging on)."""
    dx = model.diagnose({"urge_to_move": True})
    with pytest.raises(EvidenceTypeError, match=f"The '{argument}' argument of next_questions must be True or False"):
        dx.next_questions(3, **{argument: value})
    assert list(dx.next_questions(3, **{argument: np.bool_(True)}).index) == list(dx.next_questions(3, **{argument: True}).index)


@pytest.mark.parametrize("population", [["adults"], {"adults": 1}, 3])
def test_load_refuses_a_population_that_is_not_a_string(population):
    """Check that load names its 'population' argument for a list or dict (the cache raised 'unhashable type')."""
    with pytest.raises(TypeError, match="The 'population' argument of load must be a str"):
        crampnet.load(population=population)


def test_iter_posteriors_takes_an_iterable_of_frames(model):
    """Check iter_posteriors with one DataFrame, a non-iterable and a wrong item; and that a list of frames matches posteriors."""
    frame = pd.DataFrame({"urge_to_move": [True, False]})
    with pytest.raises(EvidenceTypeError, match=r"Got one DataFrame: score it with posteriors\(frame\), or pass \[frame\]"):
        next(model.iter_posteriors(frame))
    for bad in (5, None, "urge_to_move"):
        with pytest.raises(EvidenceTypeError, match="iter_posteriors takes an iterable of pandas DataFrames"):
            next(model.iter_posteriors(bad))
    with pytest.raises(EvidenceTypeError, match="Got an item of type dict"):
        next(model.iter_posteriors([{"urge_to_move": True}]))
    (chunk,) = model.iter_posteriors([frame])
    pd.testing.assert_frame_equal(chunk, model.posteriors(frame))


def test_probability_needs_an_event(model):
    """Check that probability(None) is refused (it returned 1.0), while given=None stays the documented default."""
    with pytest.raises(EvidenceTypeError, match="The 'event' argument of probability must be a mapping"):
        model.probability(None)
    assert model.probability({"urge_to_move": "yes"}, given=None) == pytest.approx(model.probability({"urge_to_move": "yes"}))


@pytest.mark.parametrize("threshold", [np.float32(0.25), np.float64(0.25), np.int64(1)])
def test_threshold_takes_numpy_numbers(model, threshold):
    """Check that a numpy number in (0, 1] is a threshold like the same float (it was refused)."""
    case = {"unilateral_calf_swelling": True, "calf_tenderness": True}
    got = model.diagnose(case, threshold=threshold).red_flags
    want = model.diagnose(case, threshold=float(threshold)).red_flags
    assert [(f.condition, f.urgency) for f in got] == [(f.condition, f.urgency) for f in want]
    with pytest.raises(InvalidValueError, match="a number in"):
        model.diagnose(case, threshold=np.bool_(True))


def test_an_empty_id_gets_no_suggestions(model):
    """Check that '' is refused without "Did you mean" (every id contains the empty string)."""
    dx = model.diagnose({})
    for call in (lambda: dx.explain(""), lambda: model.describe(""), lambda: model.states("")):
        with pytest.raises(CrampnetError) as info:
            call()
        assert "Did you mean" not in str(info.value)


@pytest.mark.parametrize(("change", "shown"), [({"population": None}, "None"), ({"population": ["presenting"]}, "['presenting']"), ({"network": "leg_cramps"}, "'leg_cramps'")])
def test_from_dict_refuses_a_malformed_network_or_population(model, record, change, shown):
    """Check from_dict with a None or list population, or a network named by a string (the checks were skipped or advised load(population=None))."""
    with pytest.raises(EvidenceTypeError, match="the record's 'network' must be the mapping to_dict writes") as info:
        crampnet.Diagnosis.from_dict(model, {**record, **change})
    assert shown in str(info.value)


@pytest.mark.parametrize(("key", "value"), [("ranking", "bogus"), ("ranking", 3), ("threshold", -1), ("threshold", {"deep_vein_thrombosis": 0.5})])
def test_from_dict_names_the_records_bad_ranking_or_threshold(model, record, key, value):
    """Check that a tampered record's bad ranking or threshold is called the record's key, not an argument of diagnose (which from_dict's caller never gave)."""
    with pytest.raises(InvalidValueError) as info:
        crampnet.Diagnosis.from_dict(model, {**record, key: value})
    message = str(info.value)
    assert f"the record's {key!r}" in message
    assert "argument" not in message
    assert repr(value) in message


def test_refit_needs_a_fit(model):
    """Check that refit(None) names its argument and points to model.fit."""
    with pytest.raises(EvidenceTypeError, match=r"call model.fit\(data\)"):
        model.refit(None)


def test_a_plot_without_matplotlib_names_the_extra(model, monkeypatch):
    """Check that draw, plot_calibration and plot_tornado say which extra to install when matplotlib is missing."""
    real = importlib.import_module

    def without_matplotlib(name: str, *args: object, **kwargs: object) -> object:
        if name.split(".")[0] == "matplotlib":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real(name, *args, **kwargs)

    from crampnet.trust.evaluate import plot_calibration
    from crampnet.trust.sensitivity import plot_tornado

    monkeypatch.setattr(importlib, "import_module", without_matplotlib)
    for plot in (model.draw, lambda: plot_calibration(pd.DataFrame()), lambda: plot_tornado(pd.DataFrame())):
        with pytest.raises(ModuleNotFoundError, match=r'Plotting needs matplotlib, which is not installed: pip install "crampnet\[plot\]"'):
            plot()


def test_a_banded_node_says_a_number_is_accepted(model):
    """Check that a word that is not a band of age or ferritin says the node takes a number too (a new user's check: age=abc named only the bands)."""
    with pytest.raises(crampnet.InvalidStateError, match=r"Valid states: under_40, 40_to_64, 65_plus\. Or a number in years, 0 to 120\."):
        model.diagnose({"age": "abc"})
    with pytest.raises(crampnet.InvalidStateError, match=r"Or a number in ng/mL, 0 to 5000\. Did you mean 'low'\?"):
        model.diagnose({"ferritin": "lowish"})
    with pytest.raises(crampnet.InvalidStateError) as info:
        model.diagnose({"urge_to_move": "maybe"})
    assert "Or a number" not in str(info.value)


def test_repr_counts_in_the_singular_too(model):
    """Check the first line of a diagnosis's repr: "1 evidence entry; 1 red flag", and the plurals otherwise."""
    one = model.diagnose({"unilateral_calf_swelling": True})
    assert len(one.red_flags) == 1
    assert repr(one).startswith("<crampnet.Diagnosis: 1 evidence entry; 1 red flag; ")
    assert repr(model.diagnose({"urge_to_move": True, "worse_at_rest": True})).startswith("<crampnet.Diagnosis: 2 evidence entries; ")


@pytest.mark.parametrize("value", ["false", "no", 1, None, 0.0])
def test_posteriors_progress_must_be_a_boolean(model, value):
    """Check that progress= takes only True or False, as staged= and whole= do ("false" showed the bar)."""
    frame = pd.DataFrame({"age": [70, 30]})
    with pytest.raises(EvidenceTypeError, match="The 'progress' argument of posteriors must be True or False"):
        model.posteriors(frame, progress=value)
    assert model.posteriors(frame, progress=np.bool_(False)).equals(model.posteriors(frame))


@pytest.mark.parametrize(("kwargs", "named"), [({"draws": 0}, "'draws' argument"), ({"seed": "x"}, "'seed' argument"), ({"draws": 1000}, "'draws' argument"), ({"seed": 0}, "'seed' argument"), ({"seed": None}, "'seed' argument"), ({"draws": 10, "seed": 1}, "'draws' and 'seed' arguments")])
def test_posteriors_refuses_draws_and_seed_without_interval(model, kwargs, named):
    """Check draws= or seed= without interval= is an InvalidValueError naming them (they were ignored), even when given their default values."""
    with pytest.raises(InvalidValueError, match=f"The {named} of posteriors .* for intervals only: give interval="):
        model.posteriors({"urge_to_move": True}, **kwargs)
    with pytest.raises(InvalidValueError, match=named):
        model.posteriors(pd.DataFrame({"urge_to_move": [True]}), **kwargs)


def test_posteriors_defaults_of_draws_and_seed_are_1000_and_0(model):
    """Check interval= alone still draws 1,000 times from seed 0, and the signature shows those numbers."""
    import inspect

    evidence = {"urge_to_move": True}
    pd.testing.assert_frame_equal(model.posteriors(evidence, interval=0.9), model.posteriors(evidence, interval=0.9, draws=1000, seed=0))
    signature = inspect.signature(crampnet.Model.posteriors)
    assert (repr(signature.parameters["draws"].default), repr(signature.parameters["seed"].default)) == ("1000", "0")
    assert isinstance(model.posteriors(evidence), pd.Series)
