"""Evidence as a notebook passes it: Decimal numbers (a database's numeric columns), missing-value markers, impossible cases.

Each test failed before its fix.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest

import crampnet


@pytest.mark.parametrize(("node", "number"), [("age", "70"), ("ferritin", "30.5"), ("ankle_brachial_index", "0.70"), ("tsh", "4.5")])
def test_a_decimal_is_a_number(model, node, number):
    """Check that a Decimal is banded like the float it equals, in a case, a DataFrame and the JSON record (it was refused as 'not a number')."""
    exact, plain = model.posteriors({node: Decimal(number)}), model.posteriors({node: float(number)})
    assert exact.equals(plain)
    frame = model.posteriors(pd.DataFrame({node: [Decimal(number), None]}, index=["a", "b"]))
    assert frame.equals(model.posteriors(pd.DataFrame({node: [float(number), None]}, index=["a", "b"])))
    record = json.loads(json.dumps(model.diagnose({node: Decimal(number)}).to_dict(), allow_nan=False))
    assert crampnet.Diagnosis.from_dict(model, record).posteriors.equals(model.diagnose({node: float(number)}).posteriors)


def test_decimal_likelihoods_and_event_weights(model):
    """Check that Decimal soft-evidence likelihoods and event weights count as the floats they equal (they were 'not finite non-negative')."""
    soft = model.posteriors({"urge_to_move": {"yes": Decimal("0.5"), "no": Decimal(2)}})
    assert soft.equals(model.posteriors({"urge_to_move": {"yes": 0.5, "no": 2.0}}))
    event = model.probability({"age": {"under_40": Decimal(1), "40_to_64": Decimal(0)}})
    assert event == model.probability({"age": {"under_40": 1, "40_to_64": 0}})


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1e400")])
def test_a_decimal_that_is_no_finite_float_is_an_invalid_value(model, value):
    """Check that a Decimal NaN, infinity or one beyond float range is an InvalidValueError naming the node, for a lab and as a likelihood."""
    with pytest.raises(crampnet.InvalidValueError, match="ferritin"):
        model.posteriors({"ferritin": value})
    with pytest.raises(crampnet.InvalidValueError, match="urge_to_move"):
        model.posteriors({"urge_to_move": {"yes": value, "no": 1}})
    with pytest.raises(crampnet.InvalidValueError, match="urge_to_move"):
        model.probability({"urge_to_move": {"yes": value}})


def test_the_advice_for_intervals_on_a_dataframe_works_on_rows_with_missing_cells(model):
    """Check that the error for interval= on a DataFrame gives advice that works where a row has missing cells (row.to_dict() kept them as NaN, which posteriors refuses)."""
    frame = pd.DataFrame({"urge_to_move": [True, None], "ferritin": [None, 30.0]}, index=["a", "b"])
    with pytest.raises(crampnet.EvidenceTypeError, match=r"row\.dropna\(\)\.to_dict\(\)") as caught:
        model.posteriors(frame, interval=0.9)
    assert "row.dropna().to_dict()" in str(caught.value)
    for _, row in frame.iterrows():
        assert model.posteriors(row.dropna().to_dict(), interval=0.9, draws=20, seed=0).notna().all().all()


@pytest.mark.parametrize("marker", [None, float("nan"), pd.NA, pd.NaT])
@pytest.mark.parametrize("node", ["urge_to_move", "pedal_pulses", "ferritin"])
def test_a_missing_value_marker_says_to_leave_the_node_out(model, node, marker):
    """Check that None, NaN, pd.NA and NaT in a case (a DataFrame's missing cells, as row.to_dict() gives them) are errors that say to leave the node out, and how for a row (pd.NA and NaT got 'must be a state name ... a number', NaN 'does not accept a number')."""
    with pytest.raises((crampnet.EvidenceTypeError, crampnet.InvalidStateError, crampnet.InvalidValueError), match=f"{node}.*Leave a node out of the evidence.*row.dropna"):
        model.posteriors({node: marker})


@pytest.mark.parametrize("name", ["next_questions", "information_gain", "collect_answers", "counterfactual_scores"])
def test_the_reasoning_functions_name_the_conflict_of_impossible_evidence(model, name):
    """Check that next_questions, information_gain, collect_answers and counterfactual_scores, called on impossible evidence, name the entries in conflict as posteriors does (they said only 'use model.posteriors(evidence) to see which entries conflict')."""
    from crampnet.reasoning import questions, ranking

    function = getattr(questions, name, None) or getattr(ranking, name)
    with pytest.raises(crampnet.ImpossibleEvidenceError, match="sex=male and pregnancy=first_trimester") as caught:
        function(model, {"sex": "male", "pregnancy": "first_trimester", "urge_to_move": True})
    assert sorted(caught.value.conflicting) == ["pregnancy", "sex"]


def test_an_entry_impossible_by_itself_is_not_said_to_conflict_with_another(model):
    """Check the message for a conflict of one entry (a state the population rules out): it said 'care_setting=general cannot hold together'."""
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"in the population .presenting.: care_setting=general has probability zero on its own") as caught:
        model.posteriors({"care_setting": "general", "urge_to_move": True})
    assert caught.value.conflicting == ["care_setting"] and "hold together" not in str(caught.value)
    data = model.simulate(3, seed=0).assign(care_setting="general")
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"care_setting=general has probability zero on its own in the population 'presenting'"):
        model.fit(data)


def test_a_numpy_string_id_is_resolved_to_a_plain_str(model):
    """Check that an id given as numpy.str_ (a DataFrame's values) comes back as a plain str: describe showed NodeDescription(id=np.str_('ferritin'))."""
    import numpy as np

    from crampnet.network.evidence import resolve_id

    assert type(resolve_id(model.spec, np.str_("ferritin"))) is str
    assert "np.str_" not in repr(model.describe(np.str_("ferritin")))


@pytest.mark.parametrize("complete", [True, False])
def test_fit_refuses_a_row_that_breaks_an_entails_rule(model, complete):
    """Check that fit, with complete data and under EM, refuses a row with a finding positive and what it entails ruled out, naming the row and both findings (it fitted such a row, which posteriors refuses)."""
    data = model.simulate(4, seed=0) if complete else pd.DataFrame({"exercise_triggered": ["yes"] * 4, "exertional_pain_relieved_by_rest": ["no"] * 4}, dtype=object)
    data.index = ["a", "b", "c", "d"]
    for column, state in (("exertional_pain_relieved_by_rest", "yes"), ("relief_by_standing_still", "yes"), ("exercise_triggered", "no")):
        if column in data:
            data.loc["c", column] = state
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"row 'c'.*exertional_pain_relieved_by_rest=yes implies exercise_triggered=yes") as caught:
        model.fit(data)
    assert sorted(caught.value.conflicting) == ["exercise_triggered", "exertional_pain_relieved_by_rest"] and caught.value.row == "c"


def _drop_one_at_a_time(compiled, evidence):
    """The conflict that dropping entries one at a time in order leaves (the search conflict made before it was made fast)."""
    import numpy as np

    keep = list(evidence)
    for nid in list(keep):
        if not np.isfinite(compiled.log_evidence({k: evidence[k] for k in keep if k != nid})):
            keep.remove(nid)
    return keep


def test_the_conflict_of_a_full_row_is_found_in_few_engine_runs(model, monkeypatch):
    """Check that naming the conflict of a full row (129 entries, care_setting=general) takes a few runs of the engine, each a tree of its own, and names the conflict that dropping one entry at a time names (it dropped one entry at a time: 130 runs, 5 to 14 s)."""
    from crampnet.inference.compiled import CompiledNetwork
    from crampnet.network.evidence import normalise

    row = model.simulate(1, seed=0).iloc[0].dropna().to_dict()
    tails = [("sex", "male"), ("pregnancy", "first_trimester")]
    runs: list[int] = []
    original = CompiledNetwork.run
    monkeypatch.setattr(CompiledNetwork, "run", lambda self, *args: runs.append(1) or original(self, *args))
    for order in ([("care_setting", "general"), *row.items(), *tails], [*tails, *row.items(), ("care_setting", "general")]):
        evidence = normalise(model.spec, dict(order))
        expected = _drop_one_at_a_time(model.compiled, evidence)
        runs.clear()
        assert model.compiled.conflict(evidence) == expected
        assert len(runs) <= 30, len(runs)
    with pytest.raises(crampnet.ImpossibleEvidenceError, match="care_setting=general has probability zero on its own"):
        model.posteriors({**row, "care_setting": "general"})


@pytest.mark.parametrize("age_group", [70, "65_plus", "under_40"])
def test_a_node_given_as_its_id_and_an_alias_is_refused_in_a_dict_as_in_a_dataframe(model, age_group):
    """Check that age and age_group together are an error naming both keys, in a dict as in a DataFrame (posteriors and fit), as the command line refuses them (a dict that agreed was accepted, a DataFrame refused)."""
    pattern = r"gives age_group twice \((as|columns) 'age' and 'age_group'\)"
    with pytest.raises(crampnet.InvalidValueError, match=pattern):
        model.posteriors({"age": 70, "age_group": age_group})
    with pytest.raises(crampnet.InvalidValueError, match=pattern):
        model.diagnose({"age": 70, "age_group": age_group})
    frame = pd.DataFrame({"age": [70], "age_group": [age_group]}, dtype=object)
    for function in (model.posteriors, model.fit):
        with pytest.raises(crampnet.InvalidValueError, match=pattern):
            function(frame)


def test_a_condition_argument_suggests_only_conditions(model):
    """Check that explain, next_questions(about=...) and sensitivity, which take a condition, suggest conditions only ('RLS' suggested the context family_history_rls; it now suggests restless_legs_syndrome, whose initials it is) and list them when none is close."""
    from crampnet.trust.sensitivity import sensitivity

    dx = model.diagnose({"urge_to_move": True})
    calls = [lambda name: dx.explain(name), lambda name: dx.next_questions(about=name), lambda name: sensitivity(model, name, {"urge_to_move": True})]
    for call in calls:
        with pytest.raises(crampnet.UnknownNodeError) as caught:
            call("RLS")
        assert "family_history_rls" not in str(caught.value) and caught.value.suggestions == ["restless_legs_syndrome"]
        with pytest.raises(crampnet.UnknownNodeError) as caught:
            call("xyzzy")
        assert caught.value.suggestions == [] and all(c in str(caught.value) for c in model.conditions)
        with pytest.raises(crampnet.UnknownNodeError) as caught:
            call("restless_leg")
        assert caught.value.suggestions == ["restless_legs_syndrome"]


@pytest.mark.parametrize(("value", "error"), [(500, crampnet.InvalidValueError), ("old", crampnet.InvalidStateError), ({"65_plus": -1}, crampnet.InvalidValueError)])
def test_a_bad_value_under_an_alias_names_the_key_typed(model, value, error):
    """Check that a bad value given as 'age' is reported as 'age (age_group)', in a dict, a DataFrame and probability (messages named only age_group, which the user never typed), and as age_group when typed so."""
    with pytest.raises(error, match=r"age \(age_group\)"):
        model.posteriors({"age": value})
    with pytest.raises(error, match=r"column 'age': .*age \(age_group\)"):
        model.posteriors(pd.DataFrame({"age": [value]}, dtype=object))
    with pytest.raises(error, match=r"age \(age_group\)"):
        model.probability({"restless_legs_syndrome": True}, given={"age": value})
    with pytest.raises(error) as caught:
        model.posteriors({"age_group": value})
    assert "age_group" in str(caught.value) and "age (" not in str(caught.value)
