"""Nested findings keep their relative precision at tiny links (``entails``, crampnet.inference._nesting).

"A negative, B positive" is ``P(A neg | C) - P(B neg | C)`` in the joint model:
two numbers near 1 whose difference is of the order of the links. The oracle
here enumerates the joint model of the file format (networks/FORMAT.md,
"Nested findings") in exact rational arithmetic from the links the file
gives, so a result that subtracts rounded numbers near 1 fails it.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.inference import _nestterms
from crampnet.network.evidence import normalise
from crampnet.reasoning._scoring import score

HEAD = 'schema = "crampnet-network/1"\nname = "tiny links"\nversion = "1"\n'
CONTEXT = '[nodes.c]\nrole = "context"\nstates = ["yes", "no"]\nprior = { probabilities = { yes = 0.3, no = 0.7 }, source = "judgment", reason = "test" }\n'
PRIOR_C = {"yes": F(3, 10), "no": F(7, 10)}
CONDITIONS = ("d1", "d2")


def _condition(nid: str, prevalence: float) -> str:
    return (
        f'[nodes.{nid}]\nrole = "condition"\nstates = ["present", "absent"]\n[nodes.{nid}.cpd]\nmodel = "logistic"\n'
        f'intercept = {{ prevalence = {prevalence}, source = "judgment", reason = "test" }}\n'
        'odds_ratios = [{ parent = "c", state = "yes", value = 2.0, source = "judgment", reason = "test" }]\n'
    )


def _finding(nid: str, leak: float, links: dict[str, float], entails: str | None) -> str:
    rows = ", ".join(f'{{ parent = "{p}", state = "present", value = {v!r}, source = "judgment", reason = "test" }}' for p, v in links.items())
    extra = f'entails = {{ {entails} = "yes" }}\n' if entails else ""
    return (
        f'[nodes.{nid}]\nrole = "finding"\nstates = ["yes", "no"]\n{extra}[nodes.{nid}.cpd]\nmodel = "noisy_or"\n'
        f'leak = {{ value = {leak!r}, source = "judgment", reason = "test" }}\nlinks = [{rows}]\n'
    )


#: finding -> (leak, links, the finding it entails), per shape, as functions of the link scale s.
SHAPES = {
    "pair, no leak": lambda s: {"b": (0.0, {"d1": s}, None), "a": (0.0, {"d1": s / 3}, "b")},
    "pair, two causes and leaks": lambda s: {"b": (s / 10, {"d1": s, "d2": 2 * s}, None), "a": (s / 20, {"d1": s / 3, "d2": s}, "b")},
    "chain and a sibling": lambda s: {
        "b": (s / 10, {"d1": s, "d2": 2 * s}, None),
        "a": (s / 20, {"d1": s / 2, "d2": s}, "b"),
        "a2": (0.0, {"d2": s / 4}, "b"),
        "aa": (s / 40, {"d1": s / 5}, "a"),
    },
}


def _model(tmp_path: Path, findings: dict[str, tuple[float, dict[str, float], str | None]]) -> crampnet.Model:
    path = tmp_path / "tiny.toml"
    path.write_text(HEAD + CONTEXT + _condition("d1", 0.2) + _condition("d2", 0.1) + "".join(_finding(k, *v) for k, v in findings.items()))
    return crampnet.load(path)


def _q(leak: float, links: dict[str, float], d: dict[str, bool]) -> F:
    """P(finding negative | conditions), exactly, from the file's floats."""
    out = 1 - F(leak)
    for p, v in links.items():
        if d[p]:
            out *= 1 - F(v)
    return out


def _implying(node: str, findings: dict[str, tuple[float, dict[str, float], str | None]]) -> list[str]:
    """Every finding implying ``node``, directly or through a chain."""
    below = [a for a, (_, _, up) in findings.items() if up == node]
    return below + [x for a in below for x in _implying(a, findings)]


def _tree(node: str, states: dict[str, bool], findings: dict[str, tuple[float, dict[str, float], str | None]], d: dict[str, bool]) -> F:
    """P(the states of ``node`` and every finding implying it | conditions) in the joint model of FORMAT.md."""
    below = [a for a, (_, _, up) in findings.items() if up == node]
    q = _q(findings[node][0], findings[node][1], d)
    if not states[node]:  # negative: everything implying it (up any chain) negative too, with P(node negative) = q
        return q if not any(states[a] for a in _implying(node, findings)) else F(0)
    p = F(1)
    for a in below:
        p *= _tree(a, states, findings, d)
    if any(states[a] for a in below):
        return p
    qs = F(1)
    for a in below:
        qs *= _q(findings[a][0], findings[a][1], d)
    return p * (1 - q / qs)  # all implying findings negative: the rest of node's own probability


def _exact(model: crampnet.Model, findings: dict[str, tuple[float, dict[str, float], str | None]], evidence: dict[str, dict[str, F]], absent: tuple[str, ...] = ()) -> dict[str, F]:
    """P(d1), P(d2) given the likelihoods (and the conditions ``absent`` absent), and P(evidence) as "total", by enumerating the joint model exactly."""
    # The logistic intercept is solved by crampnet for the prevalence: P(d | c) is read off the model, then kept exact.
    given = {(nid, c): F(model.probability({nid: "present"}, given={"c": c})) for nid in CONDITIONS for c in PRIOR_C}
    names = list(findings)
    roots = [k for k, v in findings.items() if v[2] is None]
    total, mass = F(0), dict.fromkeys(CONDITIONS, F(0))
    for c, *ds in itertools.product(PRIOR_C, *[(True, False)] * len(CONDITIONS)):
        d = dict(zip(CONDITIONS, ds, strict=True))
        if any(d[nid] for nid in absent):
            continue
        prior = PRIOR_C[c]
        for nid in CONDITIONS:
            prior *= given[(nid, c)] if d[nid] else 1 - given[(nid, c)]
        for values in itertools.product((True, False), repeat=len(names)):
            states = dict(zip(names, values, strict=True))
            p = prior
            for r in roots:
                p *= _tree(r, states, findings, d)
            for nid, like in evidence.items():
                p *= like["yes" if states[nid] else "no"]
            total += p
            for nid in CONDITIONS:
                mass[nid] += p * d[nid]
    if total == 0:  # impossible evidence: no posteriors
        return {"total": total}
    return {**{k: v / total for k, v in mass.items()}, "total": total}


def _rel(got: float, want: F) -> float:
    return float(abs(F(got) - want) / want)


HARD = {"yes": {"yes": F(1), "no": F(0)}, "no": {"yes": F(0), "no": F(1)}}


@pytest.mark.parametrize("scale", [1e-4, 1e-8, 1e-12, 1e-14])
def test_a_negative_beside_b_positive_keeps_its_relative_precision_at_tiny_links(tmp_path, scale):
    """Check P(a = no | b = yes), exactly 2/3 but for the links' rounding, against exact rational arithmetic down to links of 1e-14."""
    findings = SHAPES["pair, no leak"](scale)
    model = _model(tmp_path, findings)
    want = _exact(model, findings, {"a": HARD["no"], "b": HARD["yes"]})["total"] / _exact(model, findings, {"b": HARD["yes"]})["total"]
    assert abs(want - F(2, 3)) < F(1, 10**12)  # the reproducer's value, whatever the scale
    assert _rel(model.probability({"a": "no"}, given={"b": "yes"}), want) < 1e-10


@pytest.mark.parametrize("scale", [1e-4, 1e-8, 1e-12, 1e-14])
@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("soft", [False, True])
def test_nested_posteriors_and_evidence_are_exact_at_tiny_links(tmp_path, scale, shape, soft):
    """Check condition posteriors and P(evidence) of every implying finding negative beside a positive implied one, hard or soft, against the exact joint."""
    findings = SHAPES[shape](scale)
    model = _model(tmp_path, findings)
    if soft:
        likes = {k: ({"yes": F(1), "no": F(1, 5)} if v[2] is None else {"yes": F(1, 10), "no": F(1)}) for k, v in findings.items()}
        evidence: dict[str, object] = {k: {s: float(p) for s, p in like.items()} for k, like in likes.items()}
    else:
        likes = {k: HARD["yes" if v[2] is None else "no"] for k, v in findings.items()}
        evidence = {k: "yes" if v[2] is None else "no" for k, v in findings.items()}
    want = _exact(model, findings, likes)
    post = model.posteriors(evidence)
    for nid in CONDITIONS:
        assert _rel(float(post[nid]), want[nid]) < 1e-10, nid
    log_evidence = model.compiled.evaluate(normalise(model.spec, evidence))[1][0]
    assert _rel(math.exp(log_evidence), want["total"]) < 1e-10


@pytest.fixture(scope="module")
def moderate(tmp_path_factory: pytest.TempPathFactory) -> crampnet.Model:
    return _model(tmp_path_factory.mktemp("moderate"), SHAPES["chain and a sibling"](0.3))


@settings(max_examples=25, deadline=None, database=None)
@given(likes=st.lists(st.tuples(st.sampled_from([0.0, 0.05, 0.5, 1.0]), st.sampled_from([0.0, 0.2, 1.0])), min_size=4, max_size=4))
def test_the_rows_of_non_negative_weight_are_the_joint_model_for_any_evidence(moderate, likes):
    """Check the rows a cancelling case runs again as, forced for every case, against the exact joint: a chain and a sibling, any soft or hard evidence."""
    findings = SHAPES["chain and a sibling"](0.3)
    assume(all(max(like) > 0 for like in likes))
    # largest entry 1, as crampnet scales a likelihood vector (so P(evidence) compares as it is)
    soft = {k: {"yes": F(yes) / F(max(yes, no)), "no": F(no) / F(max(yes, no))} for k, (yes, no) in zip(findings, likes, strict=True)}
    want = _exact(moderate, findings, soft)
    assume(want["total"] > 0)
    evidence = normalise(moderate.spec, {k: {s: float(p) for s, p in like.items()} for k, like in soft.items()})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_nestterms, "CONDITION", 0.0)  # every nested case runs again as those rows
        post, log_evidence = moderate.compiled.evaluate(evidence)
    for j, nid in enumerate(moderate.conditions):
        assert _rel(float(post[0, j]), want[nid]) < 1e-12, nid
    assert _rel(math.exp(log_evidence[0]), want["total"]) < 1e-12


def test_a_batch_runs_again_only_its_cancelling_rows_and_each_as_alone(tmp_path):
    """Check a batch mixing a cancelling nested row (links of 1e-12) with rows that need no second run: each row exact, as the case alone."""
    findings = SHAPES["pair, two causes and leaks"](1e-12)
    model = _model(tmp_path, findings)
    rows = [{"a": "no", "b": "yes"}, {"b": "yes"}, {"a": "no"}, {"a": "no", "b": "no"}, {"a": "no", "b": "yes", "d2": "absent"}]
    table = model.posteriors(pd.DataFrame(rows))
    for r, row in enumerate(rows):
        likes = {k: HARD[v] for k, v in row.items() if k in findings}
        want = _exact(model, findings, likes, absent=tuple(k for k in row if k in CONDITIONS))
        for nid in CONDITIONS:
            if nid not in row:
                assert _rel(float(table.iloc[r][nid]), want[nid]) < 1e-10, (row, nid)


#: A case of the shipped network whose signed rows cancel about 400 times (the claudication chain beside soft rest pain).
SHIPPED = {
    "exercise_contracture": "yes",
    "exertional_pain_relieved_by_rest": "no",
    "relief_by_standing_still": "yes",
    "relief_by_dependency": {"yes": 1.0, "no": 0.25},
    "rest_pain": {"yes": 1.0, "no": 0.25},
}


def test_a_cancelling_case_of_the_shipped_network_matches_pgmpy(model, pgmpy_ve):
    """Check the shipped network's case above against pgmpy VE on the nested DAG to 1e-11 (its signed rows alone were 1.1e-10 away)."""
    ours = model.posteriors(SHIPPED)
    theirs = pgmpy_ve(model.network, model.conditions, SHIPPED)
    for cond in model.conditions:
        assert ours[cond] == pytest.approx(theirs[cond], rel=1e-11), cond


def test_findings_no_row_observes_stay_out_of_the_rows_on_a_pruned_tree(tmp_path):
    """Check a chain whose middle and sibling no row observes, queried with a context node (a tree pruned to the observed findings), at links of 1e-12."""
    findings = SHAPES["chain and a sibling"](1e-12)
    model = _model(tmp_path, findings)
    vectors = normalise(model.spec, {"aa": "no", "b": "yes"})
    marginals, _ = score(model, {k: np.asarray(v)[None, :] for k, v in vectors.items()}, ["c", "d1", "d2"])
    want = _exact(model, findings, {"aa": HARD["no"], "b": HARD["yes"]})
    for nid in CONDITIONS:
        present = model.spec.nodes[nid].states.index("present")
        assert _rel(float(marginals[nid][0, present]), want[nid]) < 1e-10, nid
