"""Findings that imply others (``entails``): exact where the docs say so, refused where malformed.

The oracle is an enumeration of the nested model written out here, not
crampnet's reduction: the implying finding A is a child of the implied
finding B and of its conditions, with P(A = yes | B = yes, d) = a(d) / b(d)
and P(A = yes | B = no, d) = 0, where a and b are the two noisy-ORs of the
file. crampnet must match it for every evidence, hard or soft: by the
reduction where A is "yes" or B "no" (crampnet.network.entailment), by two
signed rows where A is "no" and B "yes" (crampnet.inference._nesting).
Several findings implying one are checked against the joint model written
out the same way (the implying findings independent, the implied one
holding whenever one of them does).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.exceptions import ImpossibleEvidenceError, NetworkFileError
from crampnet.reasoning._stamp import entries

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
    model: crampnet.Model,
    evidence: dict[str, dict[str, float]],
    *,
    nest: bool,
    a_links: dict[str, float] = A_LINKS,
    b_links: dict[str, float] = B_LINKS,
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
            _noisy_or(0.05, a_links, d),
            _noisy_or(0.1, b_links, d),
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
    if total == 0.0:  # subnormal likelihoods underflow here: no posterior to compare (callers assume total > 0)
        return {**dict.fromkeys(mass, math.nan), "total": 0.0}
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


def test_a_no_with_b_yes_is_the_nested_model_not_independence(nested):
    """Check A no with B yes (b - a, two signed rows in the engine) against the nested enumeration, and that it differs from independence."""
    evidence = {"a": "no", "b": "yes"}
    likelihoods = {k: _hard(v) for k, v in evidence.items()}
    _check(nested, evidence, likelihoods, nest=True)
    independent = _enumerate(nested, likelihoods, nest=False)["d1"]
    assert abs(nested.posteriors(evidence)["d1"] - independent) > 1e-3  # the case the reduction alone got wrong
    # P(evidence) too, read as P(a = no | b = yes) = 1 - P(a) / P(b) on the enumeration
    want = _enumerate(nested, likelihoods, nest=True)["total"] / _enumerate(nested, {"b": _hard("yes")}, nest=True)["total"]
    assert nested.probability({"a": "no"}, given={"b": "yes"}) == pytest.approx(want, rel=1e-9)


@settings(max_examples=60, deadline=None, database=None)
@given(a_yes=st.floats(0.0, 1.0), b_yes=st.floats(0.0, 1.0), b_no=st.floats(0.0, 1.0), f_yes=st.floats(0.0, 1.0))
def test_any_soft_evidence_on_the_pair_is_the_nested_model(nested, a_yes, b_yes, b_no, f_yes):
    """Check soft likelihoods on A and B together (every combination, the reduction's and the signed rows') against the nested enumeration."""
    soft = {"a": {"yes": a_yes, "no": 1.0}, "b": {"yes": b_yes, "no": b_no}, "f": {"yes": f_yes, "no": 1.0}}
    assume(max(b_yes, b_no) > 0.0)
    want = _enumerate(nested, soft, nest=True)
    assume(want["total"] > 1e-9)
    post = nested.posteriors(soft)
    for nid in ("d1", "d2"):
        assert post[nid] == pytest.approx(want[nid], rel=1e-8, abs=1e-11)


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


def test_draws_keep_the_nesting_for_links_below_1e_16(nested):
    """Check that ParameterSpace.nest raises an implied finding's link to its implying finding's however small (1 - (1 - 1e-20) is 0)."""
    from crampnet.trust._parameters import parameter_space

    space = parameter_space(nested)
    index = space.index()
    a_slot, b_slot = index[("a", "link", "d1", "present", "yes")], index[("b", "link", "d1", "present", "yes")]
    theta = space.point[None, :].copy()
    theta[0, a_slot], theta[0, b_slot] = 1e-20, 1e-25  # a entails b: P(a | d1) <= P(b | d1) is broken
    kept = space.nest(theta)
    assert kept[0, b_slot] >= 1e-20
    assert kept[0, b_slot] == pytest.approx(1e-20, rel=1e-12)  # the least value that keeps it, no more


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
    for answer in ("yes", "no"):
        both = _enumerate(nested, {"b": _hard("yes"), "a": _hard(answer)}, nest=True)
        row = start + nested.spec.nodes["a"].states.index(answer)
        assert answers.weight[row] == pytest.approx(both["total"] / given_b["total"], rel=1e-9)
        for j, cond in enumerate(answers.conditions):
            assert answers.post[row, j] == pytest.approx(both[cond], rel=1e-9)


@pytest.mark.parametrize(("evidence", "question"), [({"a": "no"}, "b"), ({"b": "yes"}, "a"), ({"a": {"yes": 0.3, "no": 0.8}}, "b")])
def test_answers_of_one_parent_findings_follow_the_nesting(tmp_path, evidence, question):
    """Check every candidate's answers at once (one pass per condition for one-parent findings) against the nested enumeration.

    With A and B each of one parent, the fast read of their answers off the
    parent's marginals took B's own table as the answer's likelihood beside
    an observed A (and A's beside B), as if the two were independent.
    """
    from crampnet.reasoning._decision import collect

    a_links, b_links = {"d1": 0.6}, {"d1": 0.9}
    path = tmp_path / "one_parent.toml"
    path.write_text(_text(a_links=a_links, b_model=_finding("b", 0.1, b_links)))
    model = crampnet.load(path)
    answers = collect(model, evidence)  # every candidate: c, f and the other finding of the pair
    assert question in answers.candidates and len(answers.candidates) == 3
    likelihoods = {k: (v if isinstance(v, dict) else _hard(v)) for k, v in evidence.items()}
    before = _enumerate(model, likelihoods, nest=True, a_links=a_links, b_links=b_links)
    start = int(answers.start[answers.candidates.index(question)])
    for answer in ("yes", "no"):
        after = _enumerate(model, {**likelihoods, question: _hard(answer)}, nest=True, a_links=a_links, b_links=b_links)
        row = start + model.spec.nodes[question].states.index(answer)
        assert answers.weight[row] == pytest.approx(after["total"] / before["total"], rel=1e-9)
        for j, cond in enumerate(answers.conditions):
            assert answers.post[row, j] == pytest.approx(after[cond], rel=1e-9)


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


# --- two findings implying one ---------------------------------------------------

A2_LINKS = {"d1": 0.5}
TWO = (
    HEAD
    + CONTEXT
    + _condition("d1", 0.2)
    + _condition("d2", 0.1)
    + _finding("b", 0.1, B_LINKS)
    + _finding("a", 0.05, A_LINKS, '{ b = "yes" }')
    + _finding("a2", 0.02, A2_LINKS, '{ b = "yes" }')
)


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> crampnet.Model:
    path = tmp_path_factory.mktemp("two") / "two.toml"
    path.write_text(TWO)
    return crampnet.load(path)


def _enumerate_two(model: crampnet.Model, evidence: dict[str, dict[str, float]]) -> dict[str, float]:
    """P(d1), P(d2) and P(evidence) under the joint model of FORMAT.md written out: a and a2 independent, b yes whenever one is yes."""
    total, mass = 0.0, {"d1": 0.0, "d2": 0.0}
    conditional = {(nid, c): _condition_probability(model, nid, c) for nid in ("d1", "d2") for c in ("yes", "no")}
    for c, d1, d2, a, a2, b in itertools.product(("yes", "no"), *[(True, False)] * 5):
        d = {"d1": d1, "d2": d2}
        p = PRIOR_C[c]
        for nid in ("d1", "d2"):
            q = conditional[(nid, c)]
            p *= q if d[nid] else 1 - q
        pa, pa2, pb = _noisy_or(0.05, A_LINKS, d), _noisy_or(0.02, A2_LINKS, d), _noisy_or(0.1, B_LINKS, d)
        p *= (pa if a else 1 - pa) * (pa2 if a2 else 1 - pa2)
        if a or a2:
            p *= 1.0 if b else 0.0
        else:
            rest = (pb - (1 - (1 - pa) * (1 - pa2))) / ((1 - pa) * (1 - pa2))
            p *= rest if b else 1 - rest
        for nid, value in (("a", a), ("a2", a2), ("b", b)):
            if nid in evidence:
                p *= evidence[nid]["yes" if value else "no"]
        total += p
        mass["d1"] += p * d1
        mass["d2"] += p * d2
    return {**{k: v / total if total > 0 else math.nan for k, v in mass.items()}, "total": total}


@pytest.mark.parametrize(
    "evidence",
    [
        {"a": "no", "a2": "no", "b": "yes"},
        {"a": "no", "b": "yes"},
        {"a2": "no", "b": "yes"},
        {"a": "yes", "a2": "no", "b": "yes"},
        {"a": "no", "a2": "no"},
        {"b": "no"},
        {"a2": "yes"},
    ],
)
def test_two_implying_findings_match_their_joint_model(two, evidence):
    """Check hard evidence on a, a2 and b (several rows of signed weights) against the enumeration of the joint model."""
    want = _enumerate_two(two, {k: _hard(v) for k, v in evidence.items()})
    post = two.posteriors(evidence)
    for nid in ("d1", "d2"):
        assert post[nid] == pytest.approx(want[nid], rel=1e-9, abs=1e-12)


def test_two_implying_findings_refuse_one_positive_with_the_implied_state_out(two):
    """Check that a2 yes with b no is impossible evidence naming the pair, as for one implying finding."""
    with pytest.raises(ImpossibleEvidenceError, match=r"a2=yes implies b=yes"):
        two.posteriors({"a2": "yes", "a": "no", "b": "no"})


#: A likelihood: 0, or one the enumeration's plain products do not underflow (crampnet itself takes subnormals, tests/test_fuzz_evidence.py).
WEIGHT = st.one_of(st.just(0.0), st.floats(1e-9, 1.0))


@settings(max_examples=40, deadline=None, database=None)
@given(a=WEIGHT, a2=WEIGHT, b_yes=WEIGHT, b_no=WEIGHT)
def test_two_implying_findings_with_soft_evidence(two, a, a2, b_yes, b_no):
    """Check soft likelihoods on all three against the joint model's enumeration."""
    soft = {"a": {"yes": a, "no": 1.0}, "a2": {"yes": 1.0, "no": a2}, "b": {"yes": b_yes, "no": b_no}}
    assume(max(b_yes, b_no) > 0.0)
    want = _enumerate_two(two, soft)
    if want["total"] == 0.0:  # a2 certainly yes (its "no" weighs 0) with b's yes ruled out
        with pytest.raises(ImpossibleEvidenceError):
            two.posteriors(soft)
        return
    assume(want["total"] > 1e-9)
    post = two.posteriors(soft)
    for nid in ("d1", "d2"):
        assert post[nid] == pytest.approx(want[nid], rel=1e-8, abs=1e-11)


def test_two_implying_findings_keep_their_marginals_when_simulated(two):
    """Check that simulated cohorts never have a or a2 yes without b yes and keep P(a), P(a2), P(b) (5 sigma)."""
    cohort = two.simulate(40_000, seed=5)
    assert not (((cohort["a"] == "yes") | (cohort["a2"] == "yes")) & (cohort["b"] != "yes")).any()
    for nid in ("a", "a2", "b"):
        p = two.probability({nid: "yes"})
        sigma = math.sqrt(p * (1 - p) / len(cohort))
        assert abs(float((cohort[nid] == "yes").mean()) - p) < 5 * sigma


@pytest.mark.parametrize(
    ("a2_links", "a2_leak", "message"),
    [
        ({"d1": 0.8}, 0.02, r"the links of a and a2 from d1=present give one of them 0.92, above b's \(0.9\)"),
        ({"d1": 0.5}, 0.06, r"the leaks of a and a2 give one of them 0.107, above b's leak 0.1"),
    ],
)
def test_findings_implying_one_together_beyond_it_are_refused(tmp_path, a2_links, a2_leak, message):
    """Check that two findings each below b but together above it on a parent (or the leak) are refused with the numbers."""
    text = TWO.replace(_finding("a2", 0.02, A2_LINKS, '{ b = "yes" }'), _finding("a2", a2_leak, a2_links, '{ b = "yes" }'))
    with pytest.raises(NetworkFileError, match=message):
        _load(tmp_path, text)


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
            + _finding("b", 0.1, B_LINKS, '{ a = "yes" }')
            + _finding("a", 0.05, A_LINKS, '{ b = "yes" }')
            + _finding("f", 0.2, {"d1": 0.95, "d2": 0.7}),
            r"nodes.a.entails: the entails form a cycle \(a -> b -> a\): a finding cannot imply itself",
        ),
        (
            HEAD
            + CONTEXT
            + _condition("d1", 0.2)
            + _condition("d2", 0.1)
            + _finding("b", 0.1, B_LINKS)
            + _finding("a", 0.05, A_LINKS, '{ b = "yes", f = "yes" }')
            + _finding("f", 0.2, {"d1": 0.95, "d2": 0.7}),
            r"nodes.a.entails: a entails 2 findings \(b, f\); a finding entails at most one",
        ),
    ],
)
def test_malformed_entails_are_refused_with_a_clear_error(tmp_path, text, message):
    """Check that an entails naming no finding, no state, or numbers that break the nesting is refused at load."""
    with pytest.raises(NetworkFileError, match=message):
        _load(tmp_path, text)


def test_the_shipped_claudication_findings_are_nested(model):
    """Check the shipped nesting: classic claudication inside relief by standing still inside exercise-triggered symptoms (a chain, session 22), a contracture on exercise inside exercise-triggered symptoms, relief by dependency inside rest pain."""
    spec = model.spec
    assert spec.nodes["exertional_pain_relieved_by_rest"].entails == (
        ("relief_by_standing_still", "yes"),
    )
    assert spec.nodes["relief_by_standing_still"].entails == (("exercise_triggered", "yes"),)
    assert spec.nodes["exercise_contracture"].entails == (("exercise_triggered", "yes"),)
    assert spec.nodes["relief_by_dependency"].entails == (("rest_pain", "yes"),)
    given = {"peripheral_arterial_disease": "present"}
    alone = model.probability({"exertional_pain_relieved_by_rest": "yes"}, given=given)
    for implied in (["exercise_triggered"], ["relief_by_standing_still"], ["relief_by_standing_still", "exercise_triggered"]):
        event = {"exertional_pain_relieved_by_rest": "yes", **dict.fromkeys(implied, "yes")}
        assert model.probability(event, given=given) == pytest.approx(alone, rel=1e-9), implied


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


@pytest.mark.parametrize(
    "pair",
    [
        {"exercise_triggered": "yes", "exertional_pain_relieved_by_rest": "no"},
        {"exercise_triggered": "yes", "exertional_pain_relieved_by_rest": "no", "exercise_contracture": "no"},
        {"exercise_triggered": "yes", "exertional_pain_relieved_by_rest": {"yes": 0.3, "no": 1.0}, "exercise_contracture": "no"},
        {"rest_pain": "yes", "relief_by_dependency": "no"},
    ],
)
def test_walking_pain_not_relieved_by_rest_matches_pgmpy_on_the_nested_dag(model, pgmpy_ve, pair):
    """Check the shipped network's nested pairs with the implying finding negative against pgmpy VE on the DAG written out in conftest."""
    case = {"age_group": "40_to_64", "smoker": "yes", "pain_location": "calf", **pair}
    ours = model.posteriors(case)
    theirs = pgmpy_ve(model.network, model.conditions, case)
    for cond in model.conditions:
        assert ours[cond] == pytest.approx(theirs[cond], abs=1e-9), cond


def test_not_relieved_by_rest_argues_against_pad_beside_exercise_triggered(model):
    """Check the direction a clinician expects: walking pain not relieved by standing still lowers P(PAD) below walking pain alone, and raises stenosis."""
    case = {"age": 63, "smoker": "yes", "exercise_triggered": "yes"}
    alone = model.posteriors(case)
    not_relieved = model.posteriors({**case, "exertional_pain_relieved_by_rest": "no"})
    assert not_relieved["peripheral_arterial_disease"] < 0.75 * alone["peripheral_arterial_disease"]
    assert not_relieved["lumbar_spinal_stenosis"] > alone["lumbar_spinal_stenosis"]


def test_describe_shows_the_nesting_both_ways(model):
    """Check that describe() names what a finding implies and what implies it."""
    relief = " ".join(str(model.describe("exertional_pain_relieved_by_rest")).split())
    assert "yes implies relief_by_standing_still = yes" in relief
    assert "yes implies exercise_triggered = yes (through a chain)" in relief
    text = " ".join(str(model.describe("exercise_triggered")).split())
    assert "implied (yes) by relief_by_standing_still = yes" in text
    assert "implied (yes) by exertional_pain_relieved_by_rest = yes (through a chain)" in text
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


def test_explain_of_a_negative_beside_b_adds_up_to_the_nested_posterior(nested):
    """Check that with A no beside B yes (signed rows) the Shapley rows still sum to logit(posterior) - logit(prior), the posterior being the nested model's."""
    evidence = {"a": "no", "b": "yes", "f": "yes"}
    dx = nested.diagnose(evidence)
    want = _enumerate(nested, {k: _hard(v) for k, v in evidence.items()}, nest=True)
    for cond in ("d1", "d2"):
        table = dx.explain(cond)
        assert sorted(table.index) == ["a", "b", "f"]
        prior, post = nested.posteriors({})[cond], dx.posteriors[cond]
        assert post == pytest.approx(want[cond], rel=1e-9)
        logit = math.log(post / (1 - post)) - math.log(prior / (1 - prior))
        assert float(table["log_odds"].sum()) == pytest.approx(logit, rel=1e-9, abs=1e-12)



def test_parameter_draws_keep_the_nesting_and_intervals_centre_on_the_exact_posterior(nested):
    """Check that a draw with A's link above B's gets B's raised to it (the joint model must exist), and that intervals of A no with B yes hold the nested point value."""
    from crampnet.trust._parameters import parameter_space

    space = parameter_space(nested)
    index = space.index()
    a_link, b_link = index[("a", "link", "d1", "present", "yes")], index[("b", "link", "d1", "present", "yes")]
    theta = np.repeat(space.point[None, :], 2, axis=0)
    theta[1, a_link] = 0.95  # above b's 0.9
    nested_theta = space.nest(theta)
    assert nested_theta[0, b_link] == pytest.approx(0.9) and nested_theta[1, b_link] == pytest.approx(0.95)
    assert theta[1, b_link] == pytest.approx(0.9)  # the input is left as it was
    table = nested.posteriors({"a": "no", "b": "yes"}, interval=0.9, draws=200, seed=1)
    want = _enumerate(nested, {"a": _hard("no"), "b": _hard("yes")}, nest=True)
    for cond in ("d1", "d2"):
        assert table.loc[cond, "probability"] == pytest.approx(want[cond], rel=1e-9)
        assert table.loc[cond, "low"] <= table.loc[cond, "probability"] <= table.loc[cond, "high"]


def test_ranking_measures_of_a_kept_pair_read_it_as_independent_and_posteriors_stay_exact(nested, tmp_path):
    """Check the documented split: with A no beside B yes, expected disablement and sufficiency are those of the same network without the nesting (the twin network's mechanisms), while the posteriors are the nested model's."""
    from crampnet.reasoning._counterfactual import measures
    from crampnet.reasoning._scoring import observe

    plain = _load(tmp_path, _text(entails=""))
    evidence = {"a": "no", "b": "yes", "f": "yes"}
    post, dis, suf = measures(nested, observe(nested, evidence))
    post_plain, dis_plain, suf_plain = measures(plain, observe(plain, evidence))
    np.testing.assert_allclose(dis, dis_plain, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(suf, suf_plain, rtol=1e-9, atol=1e-12)
    want = _enumerate(nested, {k: _hard(v) for k, v in evidence.items()}, nest=True)
    for i, cond in enumerate(nested.conditions):
        assert post[i] == pytest.approx(want[cond], rel=1e-9)
        assert abs(post[i] - post_plain[i]) > 1e-4  # the nesting does move the posterior



def test_independent_scoring_is_refused_for_non_condition_queries(nested):
    """Check that score(nested=False), the counterfactual measures' reading, raises a clear ValueError for a finding query instead of ignoring the flag."""
    from crampnet.reasoning._scoring import observe, score, stack

    rows = stack(nested, [observe(nested, {"a": "no", "b": "yes"})])
    with pytest.raises(ValueError, match="condition queries only"):
        score(nested, rows, ["f"], n_rows=1, nested=False)


@settings(max_examples=40, deadline=None, database=None)
@given(b_yes=st.floats(0.01, 1.0), b_no=st.floats(0.0, 1.0), a_no=st.floats(0.01, 1.0))
def test_probability_beside_soft_evidence_keeps_the_weight_of_what_is_left_out(nested, b_yes, b_no, a_no):
    """Check P(a = yes | soft b) and P(b = no | soft a) against the enumeration: the likelihood of the finding left out is a constant that P(evidence) keeps (session 22; before, it was dropped and the first came out b_yes times too high)."""
    soft_b = {"b": {"yes": b_yes, "no": b_no}}
    want = _enumerate(nested, {**soft_b, "a": _hard("yes")}, nest=True)["total"] / _enumerate(nested, soft_b, nest=True)["total"]
    assert nested.probability({"a": "yes"}, given=soft_b) == pytest.approx(want, rel=1e-9)
    soft_a = {"a": {"yes": 1.0, "no": a_no}}
    want = _enumerate(nested, {**soft_a, "b": _hard("no")}, nest=True)["total"] / _enumerate(nested, soft_a, nest=True)["total"]
    assert nested.probability({"b": "no"}, given=soft_a) == pytest.approx(want, rel=1e-9)


@settings(max_examples=40, deadline=None, database=None)
@given(rows=st.lists(st.tuples(*[st.sampled_from([0.0, 0.3, 1.0])] * 4), min_size=1, max_size=6))
def test_the_batch_reduction_is_the_one_case_reduction_row_by_row(nested, rows):
    """Check entail_rows against entail on each row (soft and hard vectors on a and b), the constants kept alike."""
    from crampnet.network.entailment import entail, entail_rows

    rows = [r for r in rows if any(r[:2]) and any(r[2:])]
    assume(rows)
    spec = nested.spec
    arrays = {"a": np.array([r[:2] for r in rows], dtype=float), "b": np.array([r[2:] for r in rows], dtype=float)}
    try:
        batch = entail_rows(spec, {k: v.copy() for k, v in arrays.items()})
    except ImpossibleEvidenceError:
        with pytest.raises(ImpossibleEvidenceError):
            for i in range(len(rows)):
                entail(spec, {k: v[i].copy() for k, v in arrays.items()})
        return
    for i in range(len(rows)):
        one = entail(spec, {k: v[i].copy() for k, v in arrays.items()})
        for k in ("a", "b"):
            assert batch[k][i].tolist() == (one[k].tolist() if k in one else [1.0, 1.0]), (i, k)


def test_an_implied_entry_names_the_finding_implying_it_by_its_label(model):
    """Check that the report's evidence line and explain say "implied by <label>", as they name every other node, not by its id."""
    by, implied_nid = "exertional_pain_relieved_by_rest", "exercise_triggered"
    label = model.spec.nodes[by].label
    assert label != by
    dx = model.diagnose({by: True, implied_nid: True})
    sentence = dx.explain("peripheral_arterial_disease").loc[implied_nid, "sentence"]
    line = next(entry for entry in entries(dx) if entry.startswith(model.spec.nodes[implied_nid].label))
    for text in (sentence, line):
        assert f"implied by {label}" in text
        assert by not in text
