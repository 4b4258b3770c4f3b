"""Issue 16, evidence and the Python API: each item the hostile-input campaign found, kept fixed.

Every test here failed before the fix. Posteriors are checked against pgmpy
VariableElimination (``model.network``) or the brute-force oracle, never
against crampnet alone.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet.network.batch import batch_evidence
from crampnet.network.evidence import interpret, normalise, truth_states
from crampnet.reasoning.explain import CERTAIN_LOG_ODDS, explain, log_odds_contributions
from crampnet.reasoning.questions import next_questions
from crampnet.trust.sensitivity import sensitivity
from crampnet.trust.simulate import simulate
from crampnet.trust.uncertainty import MAX_DRAWS, posterior_intervals

BIG = 10**400  # an int no float holds
HUGE = 10**5000  # more digits than Python prints (int -> str refuses > 4300)


def _close(ours: pd.Series, theirs: dict[str, float], tol: float = 1e-9) -> float:
    gap = max(abs(float(ours[c]) - theirs[c]) for c in theirs)
    assert gap <= tol, gap
    return gap


# ---------------------------------------------------------------------------
# Item 1: soft evidence is scaled to max 1 before it reaches the engine
# ---------------------------------------------------------------------------


def test_equal_huge_weights_are_no_evidence(model, pgmpy_ve):
    """Check {present: 1e308, absent: 1e308} on RLS: the prior, not RLS 0.0 and akathisia NaN."""
    post = model.posteriors({"restless_legs_syndrome": {"present": 1e308, "absent": 1e308}})
    assert np.isfinite(post.to_numpy()).all()
    _close(post, pgmpy_ve(model.network, model.conditions, {}))


@pytest.mark.parametrize("evidence", [
    {"drug_induced_cramps": {"absent": 1e164}, "med_beta_agonist": {"no": 1e163}},
    {"med_teriparatide": {"yes": 1e-121}, "med_nsaid": {"no": 1e-144}, "med_beta_agonist": {"yes": 1e-146}},
])
def test_one_hot_weights_far_from_one_are_not_impossible(model, pgmpy_ve, evidence):
    """Check the campaign's false ImpossibleEvidenceError cases against pgmpy with the same states given hard."""
    hard = {nid: next(iter(weights)) for nid, weights in evidence.items()}
    _close(model.posteriors(evidence), pgmpy_ve(model.network, model.conditions, hard))


@pytest.mark.parametrize("scale", [1e-320, 1e160, 1e300])
def test_a_likelihood_vector_scaled_by_a_constant_changes_nothing(model, pgmpy_ve, scale):
    """Check soft evidence multiplied by 1e-320, 1e160 or 1e300 against pgmpy on the unscaled likelihoods."""
    base = {"urge_to_move": {"yes": 1.0, "no": 0.25}, "worse_at_rest": {"yes": 0.5, "no": 1.0}, "pedal_pulses": {"normal": 1.0, "diminished": 0.5, "absent": 0.125}}
    scaled = {nid: {s: w * scale for s, w in weights.items()} for nid, weights in base.items()}
    _close(model.posteriors(scaled), pgmpy_ve(model.network, model.conditions, base))


def test_both_producers_scale_to_max_one(model):
    """Check that one case and a DataFrame give the same vectors, each with largest entry exactly 1."""
    cells = {"urge_to_move": {"yes": 3e300, "no": 1.5e300}, "pedal_pulses": {"diminished": 4e-310, "absent": 1e-310}}
    single = normalise(model.spec, cells)
    frame = batch_evidence(model.spec, pd.DataFrame([cells], dtype=object))
    for nid, vec in single.items():
        assert vec.max() == 1.0
        assert frame[nid][0].tolist() == vec.tolist()
    assert single["urge_to_move"].tolist() == [1.0, 0.5]
    assert single["pedal_pulses"].tolist() == [0.0, 1.0, 0.25]


@pytest.mark.parametrize("weight", [1e-318, 1e-320, 1e-322, 5e-324])
def test_a_subnormal_weight_that_carries_the_case_is_exact(model, pgmpy_ve, weight):
    """Check PAD {present: w, absent: 1} with CLI present (CLI needs PAD): PAD is certain, as pgmpy says with PAD present.

    Before: 4e-4 off at w = 1e-320, and a false ImpossibleEvidenceError below 1e-322.
    """
    evidence = {"peripheral_arterial_disease": {"present": weight, "absent": 1.0}, "critical_limb_ischemia": "present"}
    expected = pgmpy_ve(model.network, model.conditions, {"peripheral_arterial_disease": "present", "critical_limb_ischemia": "present"})
    _close(model.posteriors(evidence), expected)
    batch = model.posteriors(pd.DataFrame([evidence, {"urge_to_move": "yes"}], dtype=object))
    _close(batch.iloc[0], expected)


def test_a_subnormal_weight_on_a_small_network_matches_brute_force(tiny, tiny_oracle):
    """Check tiny.toml (jerks iff plm): plm {present: 1, absent: 1e-320} with jerks=no equals plm absent, by brute force."""
    evidence = {"jerks": "no", "plm": {"present": 1.0, "absent": 1e-320}, "urge": {"yes": 5e-324, "no": 1.0}}
    expected = tiny_oracle.posteriors(tiny.conditions, {"jerks": "no", "plm": "absent", "urge": "no"})
    _close(tiny.posteriors(evidence), expected, 1e-12)


def test_probability_with_soft_given_uses_ratios_only(tiny, tiny_oracle):
    """Check P(event | soft given) with likelihoods near 1e308 and 1e-300 against brute force on the ratios (was a false ImpossibleEvidenceError)."""
    for scale in (1e308, 1e-300):
        given = {c: {"present": scale, "absent": scale / 2} for c in ("plm", "rls", "cramps")}
        ratios = {c: {"present": 1.0, "absent": 0.5} for c in given}
        for event in ({"urge": "yes"}, {"jerks": "yes"}, {"drug": "yes"}):
            assert tiny.probability(event, given=given) == pytest.approx(tiny_oracle.probability(event, ratios), abs=1e-12), (scale, event)


def test_a_ratio_no_float_holds_is_an_error_not_a_silent_zero(model):
    """Check {yes: 1e308, no: 1e-308}: the ratio 1e-616 is refused, naming the node and the states."""
    with pytest.raises(crampnet.InvalidValueError, match=r"urge_to_move gives 'no' the likelihood 1e-308 and 'yes' 1e\+308.*below the smallest float"):
        model.posteriors({"urge_to_move": {"yes": 1e308, "no": 1e-308}})


# ---------------------------------------------------------------------------
# Item 2: an event is a set of states
# ---------------------------------------------------------------------------


def test_an_event_is_a_set_of_states(model, pgmpy_probability):
    """Check probability({urge_to_move: {yes: 5, no: 5}}): not 5.0 but an error pointing at 'given'; 0/1 weights are a set."""
    with pytest.raises(crampnet.InvalidValueError, match=r"The event gives urge_to_move the weight 5 for 'yes'.*set of states.*'given'"):
        model.probability({"urge_to_move": {"yes": 5, "no": 5}})
    for bad in ({"yes": 0.5}, {"yes": True}, {"yes": "1"}, {"yes": math.nan}, {"yes": BIG}):
        with pytest.raises(crampnet.InvalidValueError, match="The event gives urge_to_move the weight"):
            model.probability({"urge_to_move": bad})
    with pytest.raises(crampnet.InvalidValueError, match=r"every state likelihood 0.*weight"):
        model.probability({"urge_to_move": {"yes": 0, "no": 0}})
    # Weights of 0 and 1 are a set: P(pedal_pulses in {diminished, absent}) = P(diminished) + P(absent), by pgmpy.
    given = {"smoker": "yes", "diabetes": "yes"}
    got = model.probability({"pedal_pulses": {"diminished": 1, "absent": 1.0, "normal": 0}}, given=given)
    expected = sum(pgmpy_probability(model.network, {"pedal_pulses": s}, given) for s in ("diminished", "absent"))
    assert got == pytest.approx(expected, abs=1e-12)
    assert model.probability({"urge_to_move": {"yes": 1, "no": 1}}, given=given) == 1.0
    assert model.probability({"urge_to_move": {"yes": Fraction(1)}}) == pytest.approx(model.probability({"urge_to_move": "yes"}), abs=1e-15)


# ---------------------------------------------------------------------------
# Item 7: one rule for booleans
# ---------------------------------------------------------------------------


def test_booleans_only_on_positive_negative_pairs(model):
    """Check that True/False on pedal_pulses (normal/diminished/absent) are both refused, listing the states."""
    assert truth_states(model.spec.nodes["pedal_pulses"]) is None
    assert truth_states(model.spec.nodes["straight_leg_raise"]) == ("positive", "negative")
    for flag in (False, True, np.bool_(False)):
        with pytest.raises(crampnet.InvalidStateError, match="pedal_pulses takes one of normal, diminished, absent") as info:
            model.posteriors({"pedal_pulses": flag})
        assert info.value.valid == ["normal", "diminished", "absent"]
    with pytest.raises(crampnet.InvalidStateError, match=r"Row 1, column 'pedal_pulses'.*True and False are accepted only"):
        model.posteriors(pd.DataFrame({"pedal_pulses": ["normal", False]}, dtype=object))
    assert normalise(model.spec, {"straight_leg_raise": False})["straight_leg_raise"].tolist() == [0.0, 1.0]


def test_typed_yes_and_no_follow_the_same_rule(model):
    """Check text cells (CSV, Dask): 'no' on pedal_pulses stays text and is refused as a state, 'no' on a yes/no node is False."""
    assert interpret(model.spec.nodes["pedal_pulses"], "no") == "no"
    assert interpret(model.spec.nodes["pedal_pulses"], "False") == "False"
    assert interpret(model.spec.nodes["urge_to_move"], "False") is False
    dd = pytest.importorskip("dask.dataframe")
    lazy = model.posteriors(dd.from_pandas(pd.DataFrame({"pedal_pulses": ["normal", "False"]}), npartitions=1))
    with pytest.raises(crampnet.InvalidStateError, match="'False' is not a state of pedal_pulses"):
        lazy.compute(scheduler="synchronous")


def test_command_line_refuses_a_boolean_for_pedal_pulses():
    """Check `crampnet diagnose pedal_pulses=false`: refused, naming pedal_pulses (it used to mean 'absent')."""
    run = subprocess.run([sys.executable, "-m", "crampnet", "diagnose", "pedal_pulses=false"], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode != 0
    assert "pedal_pulses" in run.stderr


# ---------------------------------------------------------------------------
# Item 8: integers beyond float range
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("evidence", [
    {"age": BIG}, {"age": -BIG}, {"age": HUGE}, {"ferritin": Fraction(BIG, 3)},
    {"urge_to_move": {"yes": BIG, "no": 1}}, {"urge_to_move": {"yes": HUGE}},
])
def test_numbers_beyond_float_range_are_invalid_values(model, evidence):
    """Check 10**400 and a 5,001-digit integer as a number or a likelihood: InvalidValueError naming the node, not OverflowError."""
    with pytest.raises(crampnet.InvalidValueError, match=r"(age_group|ferritin|urge_to_move).*beyond the range of a float") as info:
        model.posteriors(evidence)
    assert "integer of" in str(info.value) or "Fraction" in str(info.value)
    frame = pd.DataFrame({k: [v] for k, v in evidence.items()}, dtype=object, index=["big"])
    with pytest.raises(crampnet.InvalidValueError, match=r"^Row 'big', column .*beyond the range of a float"):
        model.posteriors(frame)


def test_huge_integers_in_other_places_are_named(model):
    """Check a huge integer as a node id, a state, an interval, a cost: crampnet's errors, no OverflowError or Python's ValueError."""
    with pytest.raises(crampnet.EvidenceTypeError, match=r"must be strings. Got an integer of 5001 digits"):
        model.posteriors({HUGE: True})
    with pytest.raises(crampnet.InvalidStateError, match="does not accept a number"):
        model.posteriors({"urge_to_move": HUGE})
    with pytest.raises(crampnet.InvalidValueError, match="'interval' argument of posterior_intervals"):
        model.posteriors({}, interval=BIG)
    with pytest.raises(crampnet.InvalidValueError, match=r"Costs must be positive finite numbers. Got an integer of 401 digits"):
        next_questions(model, {"urge_to_move": True}, costs={"ferritin": BIG})


# ---------------------------------------------------------------------------
# Item 10: duplicated column names
# ---------------------------------------------------------------------------


def test_duplicated_columns_are_named(model):
    """Check a DataFrame with urge_to_move twice: InvalidValueError naming it, not AttributeError (pandas and Dask)."""
    frame = pd.DataFrame([["yes", "no", 30]], columns=["urge_to_move", "urge_to_move", "ferritin"])
    with pytest.raises(crampnet.InvalidValueError, match="The DataFrame has 2 columns named 'urge_to_move'"):
        model.posteriors(frame)
    dd = pytest.importorskip("dask.dataframe")
    with pytest.raises(crampnet.InvalidValueError, match="2 columns named 'urge_to_move'"):
        model.posteriors(dd.from_pandas(frame, npartitions=1))


# ---------------------------------------------------------------------------
# Item 12: seed, draws and interval are checked and named
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"seed": -1}, crampnet.InvalidValueError, "'seed' argument of posterior_intervals must be an int >= 0"),
    ({"seed": 1.5}, crampnet.EvidenceTypeError, "'seed' argument of posterior_intervals"),
    ({"seed": True}, crampnet.EvidenceTypeError, "'seed' argument of posterior_intervals"),
    ({"draws": 10**9}, crampnet.InvalidValueError, f"'draws' argument of posterior_intervals must be an int from 2 to {MAX_DRAWS:,}"),
    ({"draws": 10**400}, crampnet.InvalidValueError, "'draws' argument of posterior_intervals"),
])
def test_interval_arguments_are_checked(tiny, kwargs, error, match):
    """Check seed=-1 (numpy's ValueError before), draws=1e9 (MemoryError before) and the fractions, each named."""
    with pytest.raises(error, match=match):
        posterior_intervals(tiny, {"urge": True}, **{"interval": 0.9, "draws": 10, **kwargs})


def test_sensitivity_and_simulate_check_their_arguments(tiny):
    """Check sensitivity's coverage (2 and 'x' were accepted or raised TypeError), simulate's negative seed, numpy integers."""
    for coverage in (2, "x", BIG):
        with pytest.raises(crampnet.InvalidValueError, match="'coverage' argument of sensitivity"):
            sensitivity(tiny, "rls", {"urge": True}, coverage=coverage)
    with pytest.raises(crampnet.InvalidValueError, match="'seed' argument of simulate must be an int >= 0"):
        simulate(tiny, 3, seed=-1)
    a = posterior_intervals(tiny, {"urge": True}, draws=np.int64(20), seed=np.int64(3))
    assert a.equals(posterior_intervals(tiny, {"urge": True}, draws=20, seed=3))


# ---------------------------------------------------------------------------
# Item 14: rows named unambiguously, numpy integers, explain never NaN
# ---------------------------------------------------------------------------


def test_an_impossible_row_among_rows_of_the_same_label_is_named_by_position(tiny):
    """Check three rows labelled 7: the impossible one is named with its position, in every slice of a large batch."""
    frame = pd.DataFrame({"jerks": ["yes", "yes", "yes", "yes"], "plm": ["present", "present", "absent", "present"]}, index=[1, 7, 7, 7])
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"in row 7 \(position 2; 3 rows are labelled 7\)") as info:
        tiny.posteriors(frame)
    assert info.value.row == 7
    bad = pd.DataFrame({"ferritin": [30, 30, "lo", 30]}, index=[1, 7, 7, 7])
    with pytest.raises(crampnet.InvalidStateError, match=r"^Row 7 \(position 2; 3 rows are labelled 7\), column 'ferritin'"):
        tiny.posteriors(bad)


def test_positions_count_across_slices(tiny, monkeypatch):
    """Check that a batch scored in slices of 2 rows names the row by its position in the whole DataFrame."""
    monkeypatch.setattr(crampnet.base, "BATCH_ROWS", 2)
    frame = pd.DataFrame({"jerks": ["yes"] * 5, "plm": ["present"] * 4 + ["absent"]}, index=["a", "b", "a", "b", "a"])
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"in row 'a' \(position 4; 3 rows are labelled 'a'\)"):
        tiny.posteriors(frame)
    bad = pd.DataFrame({"ferritin": [30, 30, 30, "lo"]}, index=["a", "b", "a", "b"])
    with pytest.raises(crampnet.InvalidStateError, match=r"^Row 'b' \(position 3; 2 rows are labelled 'b'\)"):
        tiny.posteriors(bad)


def test_numpy_integers_count_as_integers(model):
    """Check next_questions(np.int64(3)) and Diagnosis.next_questions(np.int32(2)), as numpy integers work elsewhere."""
    assert len(next_questions(model, {"urge_to_move": True}, np.int64(3))) == 3
    assert len(model.diagnose({"urge_to_move": True}).next_questions(np.int32(2))) == 2
    with pytest.raises(crampnet.InvalidValueError, match="'n' argument of next_questions"):
        next_questions(model, {"urge_to_move": True}, np.float64(3.0))


def test_costs_are_keyed_by_node_and_checked(model):
    """Check costs: an alias counts for its node, an unknown id and a non-number are named (the typo used to be ignored)."""
    table = next_questions(model, {"urge_to_move": True}, None, costs={"age": 7.0})
    assert table.loc["age_group", "cost"] == 7.0
    with pytest.raises(crampnet.UnknownNodeError, match="Did you mean 'ferritin'"):
        next_questions(model, {"urge_to_move": True}, costs={"feritin": 2.0})
    with pytest.raises(crampnet.InvalidValueError, match=r"Costs must be positive finite numbers. Got 'cheap'"):
        next_questions(model, {"urge_to_move": True}, costs={"ferritin": "cheap"})


def test_explain_a_certain_posterior_is_finite_and_json_safe(model, pgmpy_ve):
    """Check explain when the posterior is exactly 1 (the condition observed): finite shares, no NaN, valid JSON."""
    evidence = {"restless_legs_syndrome": "present", "urge_to_move": True}
    table = explain(model, evidence, "restless_legs_syndrome")
    assert np.isfinite(table[["log_odds", "likelihood_ratio"]].to_numpy()).all()
    json.dumps(table.to_dict(), allow_nan=False)
    prior = pgmpy_ve(model.network, ["restless_legs_syndrome"], {})["restless_legs_syndrome"]
    total = CERTAIN_LOG_ODDS - (math.log(prior) - math.log1p(-prior))
    assert float(table["log_odds"].sum()) == pytest.approx(total, abs=1e-9)
    assert "certain under part of the evidence" in table.loc["restless_legs_syndrome", "sentence"]
    absent = log_odds_contributions(model, {"restless_legs_syndrome": "absent"}, ["restless_legs_syndrome"])
    assert float(absent.iloc[0, 0]) == pytest.approx(-CERTAIN_LOG_ODDS - (math.log(prior) - math.log1p(-prior)), abs=1e-9)


def test_paths_beside_posteriors_with_a_subnormal_weight_that_carries_the_case(model):
    """Check diagnose and intervals when a 1e-323 likelihood carries the case (PAD needed by CLI): as with PAD present."""
    tiny_pad = {"peripheral_arterial_disease": {"present": 1e-323, "absent": 1.0}, "critical_limb_ischemia": "present"}
    hard = {"peripheral_arterial_disease": "present", "critical_limb_ischemia": "present"}
    assert model.diagnose(tiny_pad).differential == model.diagnose(hard).differential
    assert model.posteriors(tiny_pad, interval=0.9, draws=20).equals(model.posteriors(hard, interval=0.9, draws=20))


def test_scoring_on_a_pruned_tree_adds_up_tiny_likelihoods(tiny, tiny_oracle):
    """Check reasoning._scoring.score with a query beyond the conditions (its pruned-tree path) on 1e-320 and 5e-324 weights, by brute force."""
    from crampnet.reasoning._scoring import score

    evidence = normalise(tiny.spec, {"jerks": "no", "plm": {"present": 1.0, "absent": 1e-320}, "urge": {"yes": 5e-324, "no": 1.0}})
    batch = {k: np.asarray(v, dtype=float).reshape(1, -1) for k, v in evidence.items()}
    query = [*tiny.conditions, "location"]
    marginals, log_ev = score(tiny, batch, query)
    hard = {"jerks": "no", "plm": "absent", "urge": "no"}
    expected = tiny_oracle.posteriors(tiny.conditions, hard)
    _close(pd.Series({c: float(marginals[c][0, tiny.states(c).index("present")]) for c in tiny.conditions}), expected, 1e-12)
    for state in tiny.states("location"):
        assert float(marginals["location"][0, tiny.states("location").index(state)]) == pytest.approx(tiny_oracle.probability({"location": state}, hard), abs=1e-12)
    assert log_ev[0] == pytest.approx(math.log(1e-320) + math.log(tiny_oracle.probability(hard, {})), abs=1e-9)


def test_engine_calls_beside_posteriors_add_up_tiny_likelihoods(tiny, tiny_oracle):
    """Check CompiledNetwork.evaluate, run and log_evidence on tiny.toml with 1e-320 and 5e-324 weights, by brute force."""
    evidence = normalise(tiny.spec, {"jerks": "no", "plm": {"present": 1.0, "absent": 1e-320}, "urge": {"yes": 5e-324, "no": 1.0}})
    expected = tiny_oracle.posteriors(tiny.conditions, {"jerks": "no", "plm": "absent", "urge": "no"})
    post, log_ev = tiny.compiled.evaluate(evidence, n_rows=1)
    _close(pd.Series(post[0], index=tiny.conditions), expected, 1e-12)
    marginals, run_log = tiny.compiled.run(evidence, tiny.conditions)
    _close(pd.Series({c: float(marginals[c][0, tiny.states(c).index("present")]) for c in tiny.conditions}), expected, 1e-12)
    # log P(evidence) = log(1e-320) + log P(jerks=no, plm=absent, urge=no) (the 5e-324 part adds ~1e-323 of it)
    hard = math.log(tiny_oracle.probability({"jerks": "no", "plm": "absent", "urge": "no"}, {}))
    for value in (log_ev[0], run_log[0], tiny.compiled.log_evidence(evidence)):
        assert value == pytest.approx(math.log(1e-320) + hard, abs=1e-9)


def test_monte_carlo_pass_adds_up_tiny_likelihoods(tiny, tiny_oracle):
    """Check trust._montecarlo.batch_posteriors at the file's parameters with a 1e-320 weight that carries the case, by brute force."""
    from crampnet.trust._montecarlo import batch_posteriors
    from crampnet.trust._parameters import parameter_space

    vectors = normalise(tiny.spec, {"jerks": "no", "plm": {"present": 1.0, "absent": 1e-320}, "urge": {"yes": 5e-324, "no": 1.0}})
    got = batch_posteriors(tiny, vectors, np.vstack([parameter_space(tiny).point] * 3))
    expected = tiny_oracle.posteriors(tiny.conditions, {"jerks": "no", "plm": "absent", "urge": "no"})
    for row in got:
        _close(pd.Series(row, index=tiny.conditions), expected, 1e-12)


def test_probability_of_an_event_that_contradicts_what_is_given_is_zero(model):
    """Check that an event contradicting ``given`` on the same node is 0.0, not an error.

    The product of the event's and the given vector has no mass; the split
    of tiny likelihoods once failed on it ("cannot reshape array of size 0").
    """
    assert model.probability({"restless_legs_syndrome": "present"}, given={"restless_legs_syndrome": "absent"}) == 0.0
    assert model.probability({"urge_to_move": True}, given={"urge_to_move": False, "age": 70}) == 0.0


IMPOSSIBLE_STATE_NETWORK = """
schema = "crampnet-network/1"
name = "zero_state"
version = "1"
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = { model = "table", parents = [], rows = [{ when = {}, probabilities = { present = 0.3, absent = 0.7 }, source = "judgment", reason = "test" }] }
[nodes.s]
role = "finding"
states = ["none", "mild", "severe"]
cpd = { model = "noisy_max", leak = { probabilities = { none = 1.0, mild = 0.0, severe = 0.0 }, source = "judgment", reason = "test" }, links = [{ parent = "d", state = "present", probabilities = { none = 0.5, mild = 0.5, severe = 0.0 }, source = "judgment", reason = "test" }] }
"""


@pytest.mark.parametrize("jit", ["never", "always"])
def test_a_state_impossible_under_every_parent_configuration_is_impossible_evidence(tmp_path, monkeypatch, jit):
    """Check that a noisy-MAX state of probability zero whatever the parents is ImpossibleEvidenceError, not an IndexError (issue 16)."""
    monkeypatch.setenv("CRAMPNET_JIT", jit)
    path = tmp_path / "zero_state.toml"
    path.write_text(IMPOSSIBLE_STATE_NETWORK, encoding="utf-8")
    model = crampnet.load(path)
    # P(mild) = P(d) * 0.5 = 0.15 and then d is certain, by hand
    assert model.probability({"s": "mild"}) == pytest.approx(0.15, abs=1e-12)
    assert model.posteriors({"s": "mild"})["d"] == pytest.approx(1.0, abs=1e-12)
    assert model.probability({"s": "severe"}) == 0.0
    with pytest.raises(crampnet.ImpossibleEvidenceError, match="s=severe"):
        model.posteriors({"s": "severe"})
    with pytest.raises(crampnet.ImpossibleEvidenceError, match="row 0"):
        model.posteriors(pd.DataFrame({"s": ["severe", "mild"]}))
