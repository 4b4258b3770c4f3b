"""Keyword arguments of the public API that are not evidence (session 46's fuzzing pass, helper h5b).

Each test pins a wrong value that crashed with a bare traceback, was
misread (a string taken as a list of one-letter ids) or silently ignored
before; the fix gives a crampnet error that names the argument.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import crampnet
from crampnet.exceptions import (
    CrampnetError,
    EvidenceTypeError,
    InvalidValueError,
    UnknownNodeError,
)
from crampnet.reasoning.questions import information_gain

CASE = {"muscle_cramps": True}


def test_information_gain_names_an_unknown_candidate(model):
    """Check an unknown candidate id is an UnknownNodeError naming the argument with "Did you mean", not a KeyError."""
    with pytest.raises(UnknownNodeError, match=r"Unknown node 'feritin' in the 'candidates' argument of information_gain\. Did you mean 'ferritin'\?"):
        information_gain(model, CASE, ["feritin"])


def test_information_gain_takes_an_alias_and_a_single_id(model):
    """Check an alias ("age") and a bare id string are read as one node each, not as a KeyError or a list of letters."""
    by_alias = information_gain(model, CASE, ["age"])
    assert list(by_alias.index) == ["age_group"]
    single = information_gain(model, CASE, "ferritin")
    assert list(single.index) == ["ferritin"]
    assert np.allclose(single.loc["ferritin"].to_numpy(), information_gain(model, CASE, ["ferritin"]).loc["ferritin"].to_numpy())


def test_information_gain_scores_a_repeated_candidate_once(model):
    """Check a candidate given twice is one row, not two rows under the same index label."""
    table = information_gain(model, CASE, ["ferritin", "ferritin", "sodium"])
    assert list(table.index) == ["ferritin", "sodium"]


@pytest.mark.parametrize("bad", [5, 1.5, True, {"ferritin": 1}, np.array(3)])
def test_information_gain_refuses_candidates_that_are_not_ids(model, bad):
    """Check a number, a bool, a mapping or a 0-d array is an EvidenceTypeError naming 'candidates', not a bare TypeError."""
    with pytest.raises(EvidenceTypeError, match="'candidates' argument of information_gain"):
        information_gain(model, CASE, bad)


def test_log_odds_contributions_reads_one_condition_string_as_one_condition(model):
    """Check conditions="restless_legs_syndrome" is that condition, not the nodes 'r', 'e', 's', ... ("Unknown node 'r'")."""
    from crampnet.reasoning.explain import log_odds_contributions

    case = {"urge_to_move": True, "ferritin": 30}
    single = log_odds_contributions(model, case, "restless_legs_syndrome")
    listed = log_odds_contributions(model, case, ["restless_legs_syndrome"])
    assert list(single.columns) == ["restless_legs_syndrome"]
    assert np.allclose(single.to_numpy(), listed.to_numpy())


def test_log_odds_contributions_gives_a_repeated_condition_one_column(model):
    """Check a condition named twice is one column, not two columns under one label."""
    from crampnet.reasoning.explain import log_odds_contributions

    table = log_odds_contributions(model, {"urge_to_move": True}, ["restless_legs_syndrome", "deep_vein_thrombosis", "restless_legs_syndrome"])
    assert list(table.columns) == ["restless_legs_syndrome", "deep_vein_thrombosis"]


@pytest.mark.parametrize("bad", [3, 0.5, True, {"restless_legs_syndrome": 1}, np.array(2)])
def test_log_odds_contributions_refuses_conditions_that_are_not_ids(model, bad):
    """Check a number, a bool, a mapping or a 0-d array is an EvidenceTypeError naming 'conditions', not "'int' object is not iterable"."""
    from crampnet.reasoning.explain import log_odds_contributions

    with pytest.raises(EvidenceTypeError, match="'conditions' argument of log_odds_contributions"):
        log_odds_contributions(model, {"urge_to_move": True}, bad)


def test_log_odds_contributions_names_its_argument_for_an_unknown_condition(model):
    """Check an unknown condition's message names the 'conditions' argument and suggests the close one."""
    from crampnet.reasoning.explain import log_odds_contributions

    with pytest.raises(UnknownNodeError, match=r"Unknown node 'restless_legs' in the 'conditions' argument of log_odds_contributions\. Did you mean 'restless_legs_syndrome'\?"):
        log_odds_contributions(model, {"urge_to_move": True}, ["restless_legs"])


@pytest.mark.parametrize(
    "call",
    [
        lambda: crampnet.load(population=5),
        lambda: crampnet.load(population=["adults"]),
        lambda: crampnet.load(3),
        lambda: crampnet.populations(3.5),
        lambda: crampnet.load(b"networks/leg_cramps.toml"),
    ],
    ids=["population-int", "population-list", "path-int", "populations-path-float", "path-bytes"],
)
def test_load_refuses_a_wrong_type_with_a_crampnet_error(call):
    """Check a non-string population or path is a CrampnetError (and still a TypeError): ``except CrampnetError`` catches every error crampnet raises on purpose."""
    with pytest.raises(CrampnetError) as caught:
        call()
    assert isinstance(caught.value, TypeError)


def test_export_refuses_a_path_of_the_wrong_type_with_a_crampnet_error(model):
    """Check export's path given as a number is a CrampnetError that is a TypeError, as load's path is."""
    from crampnet.interop.export import export

    with pytest.raises(CrampnetError, match=r"must be a str or os\.PathLike") as caught:
        export(model, "uai", 7)
    assert isinstance(caught.value, TypeError)


@pytest.mark.parametrize("bad", ["table", 3, {"urge_to_move": 1.0}, None.__class__])
def test_explain_refuses_contributions_that_are_not_a_table(model, bad):
    """Check a contributions argument that is not a DataFrame is an EvidenceTypeError naming it, not "'str' object has no attribute 'attrs'"."""
    from crampnet.reasoning.explain import explain

    with pytest.raises(EvidenceTypeError, match="'contributions' argument of explain"):
        explain(model, {"urge_to_move": True}, "restless_legs_syndrome", contributions=bad)


def test_explain_refuses_contributions_of_another_case(model):
    """Check a table computed for other entries, or without the condition's column, is refused rather than a KeyError or rows silently missing."""
    from crampnet.reasoning.explain import explain, log_odds_contributions

    case = {"urge_to_move": True, "ferritin": 30}
    fewer = log_odds_contributions(model, {"urge_to_move": True})
    with pytest.raises(InvalidValueError, match=r"'contributions' argument of explain .* ferritin"):
        explain(model, case, "restless_legs_syndrome", contributions=fewer)
    other = log_odds_contributions(model, {"muscle_cramps": True})
    with pytest.raises(InvalidValueError, match="'contributions' argument of explain"):
        explain(model, case, "restless_legs_syndrome", contributions=other)
    narrow = log_odds_contributions(model, case, ["deep_vein_thrombosis"])
    with pytest.raises(InvalidValueError, match="no column for 'restless_legs_syndrome'"):
        explain(model, case, "restless_legs_syndrome", contributions=narrow)
    whole = log_odds_contributions(model, case)
    assert list(explain(model, case, "restless_legs_syndrome", contributions=whole).index) == list(explain(model, case, "restless_legs_syndrome").index)


@pytest.mark.parametrize("tol", [1e6, 1, 1.0, 5])
def test_fit_refuses_a_tol_no_table_entry_can_exceed(model, tol):
    """Check fit refuses tol >= 1 (1e6 for 1e-6): a probability never moves that much, so EM stopped after one iteration and reported converged."""
    data = model.simulate(60, seed=3)
    data.iloc[::2, 3:30] = None  # missing cells: EM
    with pytest.raises(InvalidValueError, match=rf"The 'tol' argument of fit must be a positive number below 1 .* Got {re.escape(repr(tol))} instead"):
        model.fit(data, tol=tol)


def test_fit_still_takes_a_loose_tol_below_one(model):
    """Check a tol below 1 is accepted and honoured: a loose one stops EM within a few iterations, marked converged."""
    data = model.simulate(60, seed=3)
    data.iloc[::2, 3:30] = None
    fitted = model.fit(data, tol=0.5)
    assert fitted.method == "em"
    assert fitted.converged
    assert fitted.iterations < 200


def test_export_refuses_a_path_whose_suffix_names_another_format(model, tmp_path):
    """Check export(model, "bif", "net.xdsl") is refused, as the command line refuses it, rather than BIF text written under a GeNIe suffix."""
    from crampnet.interop.export import export

    target = tmp_path / "leg_cramps.xdsl"
    with pytest.raises(InvalidValueError, match=r"format 'bif' contradicts the suffix \.xdsl, which means xdsl.*leg_cramps\.bif"):
        export(model, "bif", target)
    assert not target.exists()
    with pytest.raises(InvalidValueError, match=r"contradicts the suffix \.bif"):
        export(model, "uai", str(tmp_path / "net.BIF"))


def test_export_takes_a_path_whose_suffix_agrees_or_names_no_format(model, tmp_path):
    """Check a matching suffix, .xml for XDSL (XDSL is XML), and a suffix of no format are all written."""
    from crampnet.interop.export import export

    for name, fmt in (("a.uai", "uai"), ("b.xml", "xdsl"), ("c.xml", "xmlbif"), ("d.txt", "bif"), ("e", "uai")):
        text = export(model, fmt, tmp_path / name)
        assert (tmp_path / name).read_text(encoding="utf-8") == text


def test_next_questions_refuses_a_0d_array_for_about(model):
    """Check about=numpy.array(...) (0-d) is the EvidenceTypeError naming 'about', not Python's "iteration over a 0-d array"."""
    dx = model.diagnose(CASE)
    with pytest.raises(EvidenceTypeError, match="The 'about' argument of next_questions must be a condition id or a list of them"):
        dx.next_questions(3, about=np.array("restless_legs_syndrome"))


def test_a_misspelt_choice_gets_did_you_mean() -> None:
    # Unknown ids get "Did you mean ...?"; the choice arguments (ranking, by, report format) listed the choices but did
    # not name the one meant, as export's format already did.
    model = crampnet.load()
    dx = crampnet.diagnose(model, {"muscle_cramps": True})
    cases = model.simulate(4, seed=1)
    calls = [
        (lambda: crampnet.diagnose(model, {"muscle_cramps": True}, ranking="counterfactul"), "'counterfactual'"),
        (lambda: dx.next_questions(by="informaton"), "'information'"),
        (lambda: dx.report(format="HTML"), "'html'"),
        (lambda: crampnet.evaluate(model, cases, ranking="posterio"), "'posterior'"),
    ]
    for call, meant in calls:
        with pytest.raises(InvalidValueError, match=f"Did you mean {meant}\\?"):
            call()
    # nothing close, or not a string: the choices are listed, no guess
    with pytest.raises(InvalidValueError) as info:
        crampnet.diagnose(model, {"muscle_cramps": True}, ranking=5)  # type: ignore[arg-type]
    assert "Did you mean" not in str(info.value) and "'posterior'" in str(info.value)
