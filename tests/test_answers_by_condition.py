"""Check the answers read off one pass per condition (inference._answers) against pgmpy VE and the row-per-answer path."""

from __future__ import annotations

import numpy as np
import pytest

import crampnet
from crampnet.inference import _answers
from crampnet.reasoning._decision import collect
from crampnet.reasoning._scoring import observe

#: Many positive findings (signed Quickscore sums); a PAD-like case whose
#: pain_location (a mixture) stays in the tree; a case with an observed condition.
CASES = [
    {"age": 52, "sex": "female", "presenting_complaint": "restlessness", "urge_to_move": True, "uncomfortable_sensations": True,
     "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True, "visible_hard_contraction": False, "ferritin": 32},
    {"exertional_pain_relieved_by_rest": True, "pain_location": "calf", "pedal_pulses": "diminished", "smoker": True, "age": 68},
    {"muscle_cramps": True, "thyroid_disease": "present", "fasciculations": True},
]  # fmt: skip
#: Context nodes (one binary, one of three states, one pinned by its prior) and single-parent findings
#: (hypothyroid_symptoms: its one parent is a part of a condition, crampnet.network.parts).
CHECKED = ("diabetes", "pregnancy", "care_setting", "hypothyroid_symptoms", "potassium", "femoral_bruit")


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


def _hard(model: crampnet.Model, case: dict[str, object]) -> dict[str, str]:
    return {k: model.spec.nodes[k].states[int(np.argmax(v))] for k, v in observe(model, case).items()}


@pytest.mark.parametrize("case", CASES, ids=["restless", "pad", "observed-condition"])
def test_answers_match_pgmpy_variable_elimination(model: crampnet.Model, case: dict[str, object]) -> None:
    """Check P(Q = q | e) and P(C present | e, Q = q) against pgmpy VE for context nodes and single-parent findings."""
    from pgmpy.inference import VariableElimination

    vectors = observe(model, case)
    nodes = [k for k, n in model.spec.nodes.items() if n.role != "condition" and k not in vectors]
    got = _answers.answers(model.compiled, vectors, nodes)
    assert set(CHECKED) <= set(got)
    assert "ferritin" not in got and "pain_location" not in got and "tsh" not in got  # several parents: row by row
    ve = VariableElimination(model.network)
    base = _hard(model, case)
    for q in CHECKED:
        weights, post = got[q]
        prior = ve.query([q], evidence=base, show_progress=False)
        for k, state in enumerate(model.spec.nodes[q].states):
            expected_weight = float(prior.get_value(**{q: state}))
            assert weights[k] == pytest.approx(expected_weight, abs=1e-9)
            if expected_weight == 0:
                assert np.all(np.isnan(post[k]))
                continue
            free = [c for c in model.conditions if c not in base]
            result = ve.query(free, evidence={**base, q: state}, joint=False, show_progress=False)
            expected = [float(result[c].get_value(**{c: "present"})) if c in free else float(base[c] == "present") for c in model.conditions]
            np.testing.assert_allclose(post[k], expected, atol=1e-9, rtol=0)


@pytest.mark.parametrize("case", [*CASES, {}], ids=["restless", "pad", "observed-condition", "no-evidence"])
def test_collect_is_the_same_with_and_without_the_condition_passes(model: crampnet.Model, case: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    """Check that every candidate's answers agree (1e-9) whether read off the condition passes or scored row by row, in candidate order."""
    fast = collect(model, case)
    monkeypatch.setattr(_answers, "readable", lambda net, nid: None)
    slow = collect(model, case)
    assert fast.candidates == slow.candidates
    np.testing.assert_array_equal(fast.start, slow.start)
    np.testing.assert_allclose(fast.weight, slow.weight, atol=1e-9, rtol=0)
    np.testing.assert_allclose(fast.post, slow.post, atol=1e-9, rtol=0)


def test_mixed_candidates_keep_their_order(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check collect's merge when only some readable candidates are read off (every other context node left to rows)."""
    case = CASES[0]
    slow_nodes = set(list(k for k, n in model.spec.nodes.items() if n.role == "context")[::2])
    fast = collect(model, case)
    real = _answers.readable
    monkeypatch.setattr(_answers, "readable", lambda net, nid: None if nid in slow_nodes else real(net, nid))
    mixed = collect(model, case)
    np.testing.assert_allclose(mixed.weight, fast.weight, atol=1e-9, rtol=0)
    np.testing.assert_allclose(mixed.post, fast.post, atol=1e-9, rtol=0)


def test_left_out_when_it_does_not_pay_or_likelihoods_are_tiny(model: crampnet.Model) -> None:
    """Check that few candidates, or soft likelihoods the exact split must add up, leave every node to the rows."""
    vectors = observe(model, {"urge_to_move": True})
    assert _answers.answers(model.compiled, vectors, ["smoker", "sodium"]) == {}
    context = [k for k, n in model.spec.nodes.items() if n.role == "context"]
    tiny = {**vectors, "ferritin": np.array([1.0, 1e-40])}
    assert _answers.answers(model.compiled, tiny, context) == {}
    assert _answers.readable(model.compiled, "ferritin") is None
    assert _answers.readable(model.compiled, "sodium") == "electrolyte_disturbance"
    assert _answers.readable(model.compiled, "hypothyroid_symptoms") == "overt_thyroid_dysfunction"  # a part
    assert _answers.readable(model.compiled, "tsh") is None  # the condition and its part
    assert _answers.readable(model.compiled, "smoker") == "smoker"
