"""Findings that imply others (``entails``): exact where the docs say so, refused where malformed.

The oracle is an enumeration of the nested model written out here, not
crampnet's reduction: the implying finding A is a child of the implied
finding B and of its conditions, with P(A = yes | B = yes, d) = a(d) / b(d)
and P(A = yes | B = no, d) = 0, where a and b are the two noisy-ORs of the
file. crampnet must match it whenever A is observed "yes", or B "no", or
either is unobserved (crampnet.network.entailment); where A is "no" and B
"yes", it keeps the file's independence, which the same enumeration
without the nesting gives.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.exceptions import ImpossibleEvidenceError, NetworkFileError

HEAD = 'schema = "crampnet-network/1"\nname = "nested"\nversion = "1"\n'
CONTEXT = '[nodes.c]\nrole = "context"\nstates = ["yes", "no"]\nprior = { probabilities = { yes = 0.3, no = 0.7 }, source = "judgment", reason = "test" }\n'


def _condition(nid: str, prevalence: float) -> str:
    return (
        f'[nodes.{nid}]\nrole = "condition"\nstates = ["present", "absent"]\n[nodes.{nid}.cpd]\nmodel = "logistic"\n'
        f'intercept = {{ prevalence = {prevalence}, source = "judgment", reason = "test" }}\n'
        'odds_ratios = [{ parent = "c", state = "yes", value = 2.0, source = "judgment", reason = "test" }]\n'
    )


def _finding(nid: str, leak: float, links: dict[str, float], entails: str = "") -> str:
    rows = ", ".join(
        f'{{ parent = "{p}", state = "present", value = {v}, source = "judgment", reason = "test" }}'
        for p, v in links.items()
    )
    extra = f"entails = {entails}\n" if entails else ""
    return (
        f'[nodes.{nid}]\nrole = "finding"\nstates = ["yes", "no"]\n{extra}[nodes.{nid}.cpd]\nmodel = "noisy_or"\n'
        f'leak = {{ value = {leak}, source = "judgment", reason = "test" }}\nlinks = [{rows}]\n'
    )


A_LINKS = {"d1": 0.6, "d2": 0.3}
B_LINKS = {"d1": 0.9, "d2": 0.5}
F_LINKS = {"d2": 0.7}
PRIOR_C = {"yes": 0.3, "no": 0.7}
PREVALENCE = {"d1": 0.2, "d2": 0.1}


def _text(
    a_links: dict[str, float] = A_LINKS,
    a_leak: float = 0.05,
    entails: str = '{ b = "yes" }',
    b_model: str | None = None,
) -> str:
    b = b_model if b_model is not None else _finding("b", 0.1, B_LINKS)
    return (
        HEAD
        + CONTEXT
        + _condition("d1", 0.2)
        + _condition("d2", 0.1)
        + b
        + _finding("a", a_leak, a_links, entails)
        + _finding("f", 0.2, F_LINKS)
    )


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> crampnet.Model:
    path = tmp_path_factory.mktemp("nested") / "nested.toml"
    path.write_text(_text())
    return crampnet.load(path)


def _noisy_or(leak: float, links: dict[str, float], d: dict[str, bool]) -> float:
    return 1.0 - (1.0 - leak) * math.prod(1.0 - v for p, v in links.items() if d[p])


def _condition_probability(model: crampnet.Model, nid: str, c: str) -> float:
    # The logistic's intercept is solved by crampnet for the prevalence; read P(d | c) off the model, not its code.
    return model.probability({nid: "present"}, given={"c": c})


def _enumerate(
    model: crampnet.Model, evidence: dict[str, dict[str, float]], *, nest: bool
) -> dict[str, float]:
    """P(d1), P(d2) given soft likelihoods per node, and P(evidence) as "total", by summing the joint (nested or as independent)."""
    total, mass = 0.0, {"d1": 0.0, "d2": 0.0}
    conditional = {
        (nid, c): _condition_probability(model, nid, c)
        for nid in ("d1", "d2")
        for c in ("yes", "no")
    }
    for c, d1, d2, b, a, f in itertools.product(("yes", "no"), *[(True, False)] * 5):
        d = {"d1": d1, "d2": d2}
        p = PRIOR_C[c]
        for nid in ("d1", "d2"):
            q = conditional[(nid, c)]
            p *= q if d[nid] else 1 - q
        pa, pb, pf = (
            _noisy_or(0.05, A_LINKS, d),
            _noisy_or(0.1, B_LINKS, d),
            _noisy_or(0.2, F_LINKS, d),
        )
        p *= pb if b else 1 - pb
        if nest:
            p *= (pa / pb if a else 1 - pa / pb) if b else (0.0 if a else 1.0)
        else:
            p *= pa if a else 1 - pa
        p *= pf if f else 1 - pf
        for nid, value in (("b", b), ("a", a), ("f", f)):
            if nid in evidence:
                p *= evidence[nid]["yes" if value else "no"]
        total += p
        mass["d1"] += p * d1
        mass["d2"] += p * d2
    return {**{k: v / total for k, v in mass.items()}, "total": total}


def _hard(state: str) -> dict[str, float]:
    return {"yes": 1.0, "no": 0.0} if state == "yes" else {"yes": 0.0, "no": 1.0}


def _check(
    model: crampnet.Model,
    evidence: dict[str, object],
    likelihoods: dict[str, dict[str, float]],
    *,
    nest: bool,
) -> None:
    post = model.posteriors(evidence)
    want = _enumerate(model, likelihoods, nest=nest)
    for nid in ("d1", "d2"):
        assert post[nid] == pytest.approx(want[nid], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    "evidence",
    [
        {"a": "yes", "b": "yes"},
        {"a": "yes"},
        {"a": "yes", "b": "yes", "f": "no"},
        {"b": "no", "a": "no"},
        {"b": "no"},
        {"b": "yes"},
        {"a": "no"},
        {"b": "no", "a": "no", "f": "yes"},
    ],
)
def test_posteriors_match_the_nested_model_where_the_reduction_is_exact(nested, evidence):
    """Check posteriors against an enumeration of the nested model (A a child of B) for hard evidence the docs call exact."""
    _check(nested, evidence, {k: _hard(str(v)) for k, v in evidence.items()}, nest=True)


def test_a_no_with_b_yes_keeps_the_files_independence(nested):
    """Check the one approximation the docs state: A no and B yes are combined as independent given the conditions."""
    evidence = {"a": "no", "b": "yes"}
    _check(nested, evidence, {k: _hard(v) for k, v in evidence.items()}, nest=False)
    # and it is an approximation: the nested model says otherwise
    nested_answer = _enumerate(nested, {k: _hard(v) for k, v in evidence.items()}, nest=True)["d1"]
    assert abs(nested.posteriors(evidence)["d1"] - nested_answer) > 1e-3


@settings(max_examples=40, deadline=None, database=None)
@given(
    b_yes=st.floats(0.01, 1.0),
    b_no=st.floats(0.0, 1.0),
    f_yes=st.floats(0.0, 1.0),
)
def test_soft_evidence_on_the_implied_finding_is_exact_beside_a_yes(nested, b_yes, b_no, f_yes):
    """Check that with A observed yes, any soft evidence on B (that allows B's yes) gives the nested model's posteriors."""
    evidence = {"a": "yes", "b": {"yes": b_yes, "no": b_no}, "f": {"yes": f_yes, "no": 1.0}}
    likelihoods = {
        "a": _hard("yes"),
        "b": {"yes": b_yes, "no": b_no},
        "f": {"yes": f_yes, "no": 1.0},
    }
    _check(nested, evidence, likelihoods, nest=True)


def test_the_implied_finding_is_certain_given_the_implying_one(nested):
    """Check P(B = yes | A = yes) = 1 and P(A = yes | B = no) = 0, with other evidence beside them."""
    assert nested.probability({"b": "yes"}, given={"a": "yes", "f": "yes"}) == pytest.approx(1.0)
    assert nested.probability({"a": "yes"}, given={"b": "no"}) == 0.0
    # and the pair's probability is A's alone: P(A = yes, B = yes) = P(A = yes)
    assert nested.probability({"a": "yes", "b": "yes"}) == pytest.approx(
        nested.probability({"a": "yes"}), rel=1e-12
    )


def test_contradicting_evidence_names_both_findings(nested):
    """Check that A yes with B no is impossible evidence naming the pair and the rule."""
    with pytest.raises(ImpossibleEvidenceError, match=r"a=yes implies b=yes") as info:
        nested.posteriors({"a": "yes", "b": "no"})
    assert sorted(info.value.conflicting) == ["a", "b"]
    assert isinstance(info.value, ValueError)


def test_a_batch_applies_the_same_reduction_and_names_the_bad_row(nested):
    """Check that DataFrame rows give the single-case numbers, and a contradicting row is named."""
    rows = [{"a": "yes", "b": "yes"}, {"b": "no", "a": "no"}, {"a": "no", "b": "yes"}, {"f": "yes"}]
    frame = pd.DataFrame(rows, index=["p1", "p2", "p3", "p4"])
    batch = nested.posteriors(frame)
    for label, row in zip(frame.index, rows, strict=True):
        single = nested.posteriors(row)
        assert batch.loc[label, "d1"] == pytest.approx(single["d1"], rel=1e-12)
    bad = pd.DataFrame(
        [{"a": "yes", "b": "yes"}, {"a": "yes", "b": "no"}], index=["ok", "patient-7"]
    )
    with pytest.raises(ImpossibleEvidenceError, match="patient-7"):
        nested.posteriors(bad)


def test_questions_do_not_ask_what_the_evidence_implies(nested):
    """Check that next_questions never offers B once A is yes, nor A once B is no; and does offer them otherwise."""

    def asked(evidence: dict[str, str]) -> set[str]:
        return set(nested.diagnose(evidence).next_questions(None, by="information").index)

    assert "b" not in asked({"a": "yes"}) and "f" in asked({"a": "yes"})
    assert "a" not in asked({"b": "no"})
    assert {"a", "b"} <= asked({})


def test_the_answers_of_a_question_follow_the_nesting(nested):
    """Check P(A = yes | B = yes) and the posteriors after that answer, as the questions score them, against the nested enumeration."""
    from crampnet.reasoning._decision import collect

    answers = collect(nested, {"b": "yes"}, ["a"])
    start = int(answers.start[0])
    given_b = _enumerate(nested, {"b": _hard("yes")}, nest=True)
    both = _enumerate(nested, {"b": _hard("yes"), "a": _hard("yes")}, nest=True)
    yes = start + nested.spec.nodes["a"].states.index("yes")
    assert answers.weight[yes] == pytest.approx(both["total"] / given_b["total"], rel=1e-9)
    for j, cond in enumerate(answers.conditions):
        assert answers.post[yes, j] == pytest.approx(both[cond], rel=1e-9)


def test_simulated_cohorts_respect_the_nesting_and_the_marginals(nested):
    """Check that no simulated case has A yes without B yes, and that P(A = yes) and P(B = yes) stay the model's (5 sigma)."""
    cohort = nested.simulate(40_000, seed=3)
    assert not ((cohort["a"] == "yes") & (cohort["b"] != "yes")).any()
    for nid in ("a", "b"):
        p = nested.probability({nid: "yes"})
        sigma = math.sqrt(p * (1 - p) / len(cohort))
        assert abs(float((cohort[nid] == "yes").mean()) - p) < 5 * sigma


def test_the_report_says_an_entered_finding_is_counted_with_the_one_implying_it(nested):
    """Check that the report's evidence line keeps B and says it is implied by A (no silent drop)."""
    text = nested.diagnose({"a": "yes", "b": "yes"}).report()
    assert "implied by a" in text


# --- the file -----------------------------------------------------------------


def _load(tmp_path: Path, text: str) -> crampnet.Model:
    path = tmp_path / "net.toml"
    path.write_text(text)
    return crampnet.load(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_text(entails='{ bb = "yes" }'), r"'bb' is not another finding.*Did you mean"),
        (_text(entails='{ d1 = "present" }'), r"'d1' is not another finding"),
        (_text(entails='{ b = "maybe" }'), r"unknown state 'maybe' of b; valid states: yes, no"),
        (_text(entails='{ b = "no" }'), r"positive state"),
        (_text(entails='"b"'), r"nodes.a.entails: expected a table"),
        (_text(entails="{}"), r"entails must map finding ids"),
        (
            _text(a_links={"d1": 0.95, "d2": 0.3}),
            r"a's link from d1=present \(0.95\) is above b's \(0.9\)",
        ),
        (_text(a_leak=0.2), r"a's leak 0.2 is above b's 0.1"),
        (
            _text(a_links={"d1": 0.6, "d2": 0.3}, b_model=_finding("b", 0.1, {"d1": 0.9})),
            r"a's link from d2=present \(0.3\) is above b's \(0\)",
        ),
        (
            HEAD
            + CONTEXT
            + _condition("d1", 0.2)
            + _condition("d2", 0.1)
            + _finding("b", 0.1, B_LINKS, '{ f = "yes" }')
            + _finding("a", 0.05, A_LINKS, '{ b = "yes" }')
            + _finding("f", 0.2, {"d1": 0.95, "d2": 0.7}),
            r"nodes.b.entails: a finding implied by another cannot itself entail one \(no chains\)",
        ),
    ],
)
def test_malformed_entails_are_refused_with_a_clear_error(tmp_path, text, message):
    """Check that an entails naming no finding, no state, or numbers that break the nesting is refused at load."""
    with pytest.raises(NetworkFileError, match=message):
        _load(tmp_path, text)


def test_the_shipped_claudication_findings_are_nested(model):
    """Check the shipped pairs: relief by rest and a contracture on exercise imply exercise-triggered symptoms, relief by dependency rest pain."""
    spec = model.spec
    assert spec.nodes["exertional_pain_relieved_by_rest"].entails == (
        ("exercise_triggered", "yes"),
    )
    assert spec.nodes["exercise_contracture"].entails == (("exercise_triggered", "yes"),)
    assert spec.nodes["relief_by_dependency"].entails == (("rest_pain", "yes"),)
    given = {"peripheral_arterial_disease": "present"}
    both = model.probability(
        {"exertional_pain_relieved_by_rest": "yes", "exercise_triggered": "yes"}, given=given
    )
    assert both == pytest.approx(
        model.probability({"exertional_pain_relieved_by_rest": "yes"}, given=given), rel=1e-9
    )


def test_claudication_counts_once_on_the_shipped_network(model):
    """Check that adding 'exercise-triggered' to classic claudication changes nothing (it is implied), on a 63-year-old smoker."""
    case = {
        "age": 63,
        "smoker": "yes",
        "exertional_pain_relieved_by_rest": "yes",
        "pain_location": "calf",
    }
    alone = model.posteriors(case)
    with_both = model.posteriors({**case, "exercise_triggered": "yes"})
    np.testing.assert_allclose(
        with_both.sort_index().to_numpy(), alone.sort_index().to_numpy(), rtol=1e-12
    )


def test_describe_shows_the_nesting_both_ways(model):
    """Check that describe() names what a finding implies and what implies it."""
    assert "yes implies exercise_triggered = yes" in str(model.describe("exertional_pain_relieved_by_rest"))
    text = " ".join(str(model.describe("exercise_triggered")).split())
    assert "implied (yes) by exertional_pain_relieved_by_rest = yes" in text
    assert "exercise_contracture = yes" in text
    assert model.describe("ferritin").nesting == ()


def test_explain_keeps_an_implied_entry_at_zero_and_says_why(nested):
    """Check that explain lists B (0 log-odds, 'implied by a') and that A's row carries the whole change of the log-odds."""
    dx = nested.diagnose({"a": "yes", "b": "yes"})
    table = dx.explain("d1")
    assert list(table.index) == ["a", "b"]
    assert table.loc["b", "log_odds"] == 0.0
    assert "implied by a" in table.loc["b", "sentence"]
    prior = nested.posteriors({})["d1"]
    post = dx.posteriors["d1"]
    assert table.loc["a", "log_odds"] == pytest.approx(math.log(post / (1 - post)) - math.log(prior / (1 - prior)), rel=1e-9)
