"""Chains of nested findings (a forest of ``entails``): e entails r, r entails b, x entails b.

The oracle is an enumeration of the joint model written out here from the
rule, not from crampnet's code: given the conditions C every finding keeps
its own noisy-OR n(C); a finding N whose direct implying findings are
c_1..c_k holds its positive state whenever one of them is positive, and
otherwise is positive with probability (n(C) - u(C)) / (1 - u(C)), where
u(C) = 1 - prod_j (1 - c_j(C)) is computed from the c_j's OWN noisy-ORs
(each c_j with its subtree independent of the others given C). So the
joint is the product over the findings of P(N | its direct implying
findings, C): e(C) for e; r = yes where e is, (r - e) / (1 - e) otherwise;
b = yes where r or x is, (b - u) / (1 - u) with u = 1 - (1 - r)(1 - x)
otherwise; x(C) and f(C) alone. The grandchild e reaches b only through r.
The conditions are tables on the context c, so the oracle needs nothing
of crampnet at all; its own properties (every finding's marginal given C
is its noisy-OR, no implication broken) are checked first, and against
pgmpy's VariableElimination on the DAG that conftest's ``nested_network``
writes out for a network loaded without the nesting and given the chain's
pairs by hand. Those tests pass whatever the loader says; the others need a
loader that takes chains.

The numbers are a trap for a loader that counts a grandchild: on d1 and the
leak, r and x together stay below b (0.85 <= 0.9, 0.0976 <= 0.12) while e,
r and x together do not (0.925, 0.1247).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.exceptions import ImpossibleEvidenceError, NetworkFileError

HEAD = 'schema = "crampnet-network/1"\nname = "chain"\nversion = "1"\n'
PRIOR_C = {"yes": 0.3, "no": 0.7}
#: P(condition present | c = yes), P(condition present | c = no)
CONDITIONS: dict[str, tuple[float, float]] = {"d1": (0.3, 0.1), "d2": (0.2, 0.08), "d3": (0.15, 0.12)}
#: Each finding's noisy-OR: leak and links from the conditions' "present".
FINDINGS: dict[str, tuple[float, dict[str, float]]] = {
    "b": (0.12, {"d1": 0.9, "d2": 0.6, "d3": 0.5}),
    "r": (0.06, {"d1": 0.7, "d2": 0.4, "d3": 0.2}),
    "x": (0.04, {"d1": 0.5, "d2": 0.3, "d3": 0.35}),
    "e": (0.03, {"d1": 0.5, "d2": 0.25}),
    "f": (0.2, {"d2": 0.7}),
}
#: Who entails whom (each finding at most one, no cycles): e inside r inside b, and x inside b.
IMPLIES: dict[str, tuple[str, ...]] = {"e": ("r",), "r": ("b",), "x": ("b",)}
CHAINED = ("e", "r", "b", "x")
DS = tuple(CONDITIONS)


def _context() -> str:
    c = ", ".join(f"{s} = {p}" for s, p in PRIOR_C.items())
    return f'[nodes.c]\nrole = "context"\nstates = ["yes", "no"]\nprior = {{ probabilities = {{ {c} }}, source = "judgment", reason = "test" }}\n'


def _condition(nid: str, yes: float, no: float) -> str:
    rows = ",\n".join(
        f'  {{ when = {{ c = "{c}" }}, probabilities = {{ present = {p!r}, absent = {round(1.0 - p, 12)!r} }}, source = "judgment", reason = "test" }}'
        for c, p in (("yes", yes), ("no", no))
    )
    return (
        f'[nodes.{nid}]\nrole = "condition"\nstates = ["present", "absent"]\n[nodes.{nid}.cpd]\nmodel = "table"\n'
        f'parents = ["c"]\nrows = [\n{rows}\n]\n'
    )


def _finding(nid: str, leak: float, links: Mapping[str, float], entails: tuple[str, ...] = ()) -> str:
    rows = ", ".join(
        f'{{ parent = "{p}", state = "present", value = {v!r}, source = "judgment", reason = "test" }}'
        for p, v in links.items()
    )
    extra = "entails = { " + ", ".join(f'{t} = "yes"' for t in entails) + " }\n" if entails else ""
    return (
        f'[nodes.{nid}]\nrole = "finding"\nstates = ["yes", "no"]\n{extra}[nodes.{nid}.cpd]\nmodel = "noisy_or"\n'
        f'leak = {{ value = {leak!r}, source = "judgment", reason = "test" }}\nlinks = [{rows}]\n'
    )


def _chain_text(
    findings: Mapping[str, tuple[float, Mapping[str, float]]] = FINDINGS,
    implies: Mapping[str, tuple[str, ...]] = IMPLIES,
    prefix: str = "",
) -> str:
    """The network file: context c, conditions d1..d3 (tables on c), the findings with their ``entails``; finding ids get ``prefix``."""
    body = HEAD + _context() + "".join(_condition(nid, *p) for nid, p in CONDITIONS.items())
    for nid, (leak, links) in findings.items():
        body += _finding(prefix + nid, leak, links, tuple(prefix + t for t in implies.get(nid, ())))
    return body


CHAIN = _chain_text()


def _load(folder: Path, text: str) -> crampnet.Model:
    path = folder / "net.toml"
    path.write_text(text)
    return crampnet.load(path)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> crampnet.Model:
    return _load(tmp_path_factory.mktemp("chain"), CHAIN)


@pytest.fixture(scope="module")
def hand_nested(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The network loaded without any ``entails`` (today's loader takes it), with the chain's pairs attached by hand for conftest's helpers."""
    plain = _load(tmp_path_factory.mktemp("plain"), _chain_text(implies={}))
    network = plain.network.copy()
    network.graph["crampnet_entails"] = tuple((a, "yes", b, "yes") for a, targets in IMPLIES.items() for b in targets)
    return network


# --- the oracle ----------------------------------------------------------------


def _noisy_or(nid: str, d: Mapping[str, bool]) -> float:
    leak, links = FINDINGS[nid]
    return 1.0 - (1.0 - leak) * math.prod(1.0 - v for p, v in links.items() if d[p])


def _implying(nid: str) -> list[str]:
    """The findings that entail ``nid`` directly."""
    return [a for a, targets in IMPLIES.items() if nid in targets]


def _above(nid: str) -> list[str]:
    """Every finding that ``nid`` = yes implies, directly or through a chain."""
    out: list[str] = []
    for target in IMPLIES.get(nid, ()):
        out += [target, *_above(target)]
    return out


def _given_implying(nid: str, value: bool, states: Mapping[str, bool], d: Mapping[str, bool]) -> float:
    """P(nid = value | its direct implying findings' states, C), the rule written out."""
    children = _implying(nid)
    if any(states[k] for k in children):
        p_yes = 1.0
    else:
        u = 1.0 - math.prod(1.0 - _noisy_or(k, d) for k in children)  # the children's OWN noisy-ORs
        p_yes = (_noisy_or(nid, d) - u) / (1.0 - u) if u < 1.0 else 0.0
    return p_yes if value else 1.0 - p_yes


def _build_joint() -> list[tuple[dict[str, bool], float]]:
    """Every configuration of c, the conditions and the findings (True = yes/present) with its probability."""
    rows = []
    names = ["c", *DS, *FINDINGS]
    for values in itertools.product((True, False), repeat=len(names)):
        config = dict(zip(names, values, strict=True))
        p = PRIOR_C["yes" if config["c"] else "no"]
        for nid, (yes, no) in CONDITIONS.items():
            q = yes if config["c"] else no
            p *= q if config[nid] else 1.0 - q
        d = {nid: config[nid] for nid in DS}
        for nid in FINDINGS:
            p *= _given_implying(nid, config[nid], config, d)
        rows.append((config, p))
    return rows


JOINT = _build_joint()

Likelihoods = Mapping[str, Mapping[str, float]]


def _weighted(likelihoods: Likelihoods) -> list[tuple[dict[str, bool], float]]:
    out = []
    for config, p in JOINT:
        for nid, lik in likelihoods.items():
            p *= lik.get("yes" if config[nid] else "no", 0.0)
        out.append((config, p))
    return out


def _oracle(likelihoods: Likelihoods) -> dict[str, float]:
    """P(d = present | evidence) for d1..d3, P(N = yes | evidence) for each finding, and P(evidence) as "total"."""
    rows = _weighted(likelihoods)
    total = sum(p for _, p in rows)
    out = {"total": total}
    for nid in (*DS, *FINDINGS):
        out[nid] = sum(p for config, p in rows if config[nid]) / total if total > 0 else math.nan
    return out


def _hard(state: str) -> dict[str, float]:
    return {"yes": 1.0, "no": 0.0} if state == "yes" else {"yes": 0.0, "no": 1.0}


def _hard_likelihoods(evidence: Mapping[str, str]) -> dict[str, dict[str, float]]:
    return {k: _hard(v) for k, v in evidence.items()}


def _combos() -> list[dict[str, str]]:
    """Every hard combination of e, r, b, x in yes / no / missing (81)."""
    out = []
    for values in itertools.product(("yes", "no", None), repeat=len(CHAINED)):
        out.append({nid: v for nid, v in zip(CHAINED, values, strict=True) if v is not None})
    return out


def _name(evidence: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in evidence.items()) or "none"


COMBOS = _combos()
#: The likelihoods of one finding: 0, or one the enumeration's plain products do not underflow.
WEIGHT = st.one_of(st.just(0.0), st.floats(1e-9, 1.0))


#: One finding's soft evidence: either state may weigh 0 (hard evidence written softly), never both.
LIKELIHOOD = st.tuples(WEIGHT, st.floats(1e-9, 1.0), st.booleans()).map(
    lambda t: {"yes": t[0], "no": t[1]} if t[2] else {"yes": t[1], "no": t[0]}
)
CHAIN_LIKELIHOODS = st.tuples(*[LIKELIHOOD] * len(CHAINED))


def _soft(likelihoods: tuple[dict[str, float], ...], f_yes: float) -> dict[str, dict[str, float]]:
    soft = dict(zip(CHAINED, likelihoods, strict=True))
    soft["f"] = {"yes": f_yes, "no": 1.0}
    return soft


# --- the oracle on its own (these pass whatever the loader does) -------------------


def test_the_numbers_satisfy_the_existence_rule_and_set_the_grandchild_trap():
    """Check the file's numbers: each link at most its implied finding's, r and x together at most b on every parent and the leak, and e, r, x together above b (the trap)."""

    def link(nid: str, parent: str) -> float:
        leak, links = FINDINGS[nid]
        return leak if parent == "leak" else links.get(parent, 0.0)

    for parent in ("leak", *DS):
        for target in {t for ts in IMPLIES.values() for t in ts}:
            children = _implying(target)
            assert all(link(k, parent) <= link(target, parent) for k in children)
            assert 1.0 - math.prod(1.0 - link(k, parent) for k in children) <= link(target, parent)
    for parent in ("leak", "d1"):
        assert 1.0 - math.prod(1.0 - link(k, parent) for k in ("e", "r", "x")) > link("b", parent)


def test_the_oracle_keeps_every_findings_own_noisy_or_given_the_conditions():
    """Check that in the enumerated joint, for each configuration of c and the conditions, P(N = yes | C) is N's noisy-OR, and the joint sums to 1."""
    assert sum(p for _, p in JOINT) == pytest.approx(1.0, abs=1e-12)
    for c, *ds in itertools.product((True, False), repeat=1 + len(DS)):
        d = dict(zip(DS, ds, strict=True))
        rows = [(config, p) for config, p in JOINT if config["c"] == c and all(config[k] == v for k, v in d.items())]
        given_c = sum(p for _, p in rows)
        for nid in FINDINGS:
            yes = sum(p for config, p in rows if config[nid]) / given_c
            assert yes == pytest.approx(_noisy_or(nid, d), rel=1e-12, abs=1e-15), (nid, c, d)


def test_the_oracle_never_breaks_an_implication():
    """Check that no configuration of positive probability has e yes with r or b no, r yes with b no, or x yes with b no."""
    for config, p in JOINT:
        for nid in FINDINGS:
            if config[nid] and p > 0.0:
                assert all(config[t] for t in _above(nid)), config
    assert _above("e") == ["r", "b"]
    assert not any(p > 0 and config["e"] and not config["r"] for config, p in JOINT)


def test_the_oracle_has_independent_subtrees_given_the_conditions():
    """Check that r (with e below it) and x are independent given C, and e's positive share of r's is e / r (the nesting of a single pair)."""
    for ds in itertools.product((True, False), repeat=len(DS)):
        d = dict(zip(DS, ds, strict=True))
        rows = [(config, p) for config, p in JOINT if config["c"] and all(config[k] == v for k, v in d.items())]
        total = sum(p for _, p in rows)
        both = sum(p for config, p in rows if config["r"] and config["x"]) / total
        assert both == pytest.approx(_noisy_or("r", d) * _noisy_or("x", d), rel=1e-12)
        e_given_r = sum(p for config, p in rows if config["e"] and config["r"]) / sum(p for config, p in rows if config["r"])
        assert e_given_r == pytest.approx(_noisy_or("e", d) / _noisy_or("r", d), rel=1e-12)


def test_conftest_reduce_entailed_follows_chains(hand_nested, pgmpy_reduce):
    """Check the pgmpy reference's evidence reduction: implied findings dropped along the chain, findings below a 'no' dropped, contradictions raised."""
    assert pgmpy_reduce(hand_nested, {"e": "yes", "b": "yes", "f": "no"}) == {"e": "yes", "f": "no"}
    assert pgmpy_reduce(hand_nested, {"e": "yes", "r": {"yes": 0.7, "no": 0.2}, "x": "no"}) == {"e": "yes", "x": "no"}
    assert pgmpy_reduce(hand_nested, {"b": "no", "r": "no", "e": "no", "x": "no", "f": "yes"}) == {"b": "no", "f": "yes"}
    assert pgmpy_reduce(hand_nested, {"r": "no", "e": {"yes": 0.3, "no": 1.0}, "b": "yes"}) == {"r": "no", "b": "yes"}
    assert pgmpy_reduce(hand_nested, {"e": "no", "r": "yes", "b": "yes", "x": "no"}) == {"e": "no", "r": "yes", "x": "no"}
    assert pgmpy_reduce(hand_nested, {"e": "no", "b": "yes", "x": "no"}) == {"e": "no", "b": "yes", "x": "no"}  # the signed-rows case: all kept
    for bad in ({"e": "yes", "b": "no"}, {"e": "yes", "r": "yes", "b": {"no": 1.0}}, {"x": "yes", "b": "no"}, {"e": {"yes": 0.4}, "r": "no"}):
        with pytest.raises(ValueError, match="implies"):
            pgmpy_reduce(hand_nested, bad)


@pytest.mark.parametrize("evidence", COMBOS, ids=_name)
def test_the_oracle_matches_pgmpy_on_conftests_nested_dag(hand_nested, pgmpy_ve, pgmpy_evidence_probability, evidence):
    """Check the oracle against pgmpy VE on conftest.nested_network of the chain's pairs: posteriors, P(evidence), impossibility (a check of both)."""
    want = _oracle(_hard_likelihoods(evidence))
    if want["total"] == 0.0:
        with pytest.raises(ValueError, match="implies"):
            pgmpy_ve(hand_nested, list(DS), evidence)
        assert pgmpy_evidence_probability(hand_nested, evidence) == 0.0
        return
    theirs = pgmpy_ve(hand_nested, list(DS), evidence)
    for d in DS:
        assert theirs[d] == pytest.approx(want[d], rel=1e-9), d
    assert pgmpy_evidence_probability(hand_nested, evidence) == pytest.approx(want["total"], rel=1e-9)


def test_the_nesting_moves_the_posteriors_away_from_independence(hand_nested, pgmpy_ve):
    """Check that the comparisons above are not vacuous: with e, r, x negative beside b positive, the oracle is far from the same network read as independent."""
    evidence = {"e": "no", "r": "no", "b": "yes", "x": "no"}
    independent = hand_nested.copy()  # pgmpy's copy drops graph["crampnet_entails"]: no pairs, no nesting
    assert not independent.graph.get("crampnet_entails")
    want = _oracle(_hard_likelihoods(evidence))
    plain = pgmpy_ve(independent, list(DS), evidence)
    assert max(abs(plain[d] - want[d]) for d in DS) > 1e-2


@settings(max_examples=25, deadline=None, database=None)
@given(likelihoods=CHAIN_LIKELIHOODS, f_yes=WEIGHT)
def test_the_oracle_matches_pgmpy_with_soft_evidence(hand_nested, pgmpy_ve, likelihoods, f_yes):
    """Check soft likelihoods on e, r, b, x and f against pgmpy VE with virtual evidence on conftest's nested DAG."""
    soft = _soft(likelihoods, f_yes)
    want = _oracle(soft)
    if want["total"] == 0.0:
        with pytest.raises(ValueError, match="implies"):
            pgmpy_ve(hand_nested, list(DS), soft)
        return
    assume(want["total"] > 1e-9)
    theirs = pgmpy_ve(hand_nested, list(DS), soft)
    for d in DS:
        assert theirs[d] == pytest.approx(want[d], rel=1e-8, abs=1e-11), d


# --- crampnet against the oracle (need a loader that takes chains) --------------------


def test_the_chain_loads_though_the_grandchild_with_the_others_exceeds_the_top(chain):
    """Check that the chain loads: e counts towards b only through r, so e, r and x together above b is no refusal."""
    assert {"e", "r", "b", "x", "f"} <= set(chain.findings)


def _check_conflict(err: ImpossibleEvidenceError, evidence: Mapping[str, str]) -> None:
    """The error names one pair: a finding observed yes and one it implies (through the chain or not) observed no."""
    pair = set(err.conflicting)
    assert any(
        pair == {a, b} and evidence.get(a) == "yes" and evidence.get(b) == "no" and b in _above(a)
        for a in evidence
        for b in evidence
    ), (err.conflicting, evidence)
    for nid in pair:
        assert re.search(rf"\b{nid}\b", str(err)), (nid, str(err))


@pytest.mark.parametrize("evidence", COMBOS, ids=_name)
def test_every_hard_combination_matches_the_joint_model(chain, evidence):
    """Check posteriors of d1..d3 and P(evidence) for every hard e, r, b, x (81), and that those breaking an implication are impossible evidence naming a pair."""
    want = _oracle(_hard_likelihoods(evidence))
    if want["total"] == 0.0:
        with pytest.raises(ImpossibleEvidenceError) as info:
            chain.posteriors(evidence)
        _check_conflict(info.value, evidence)
        assert chain.probability(evidence) == 0.0
        return
    post = chain.posteriors(evidence)
    for d in DS:
        assert post[d] == pytest.approx(want[d], rel=1e-9, abs=1e-12), d
    if evidence:
        assert chain.probability(evidence) == pytest.approx(want["total"], rel=1e-9)


@pytest.mark.parametrize("evidence", COMBOS, ids=_name)
def test_every_hard_combination_matches_pgmpy_on_the_models_network(chain, pgmpy_ve, pgmpy_evidence_probability, evidence):
    """Check the model's own pgmpy network, nested by conftest.nested_network, against the oracle (posteriors and P(evidence))."""
    want = _oracle(_hard_likelihoods(evidence))
    if want["total"] == 0.0:
        with pytest.raises(ValueError, match="implies"):
            pgmpy_ve(chain.network, list(DS), evidence)
        return
    theirs = pgmpy_ve(chain.network, list(DS), evidence)
    for d in DS:
        assert theirs[d] == pytest.approx(want[d], rel=1e-9), d
    assert pgmpy_evidence_probability(chain.network, evidence) == pytest.approx(want["total"], rel=1e-9)


@settings(max_examples=60, deadline=None, database=None)
@given(likelihoods=CHAIN_LIKELIHOODS, f_yes=WEIGHT)
def test_soft_evidence_on_the_whole_chain_is_the_joint_model(chain, likelihoods, f_yes):
    """Check soft likelihoods on e, r, b, x (and f) together: posteriors and each finding's P(yes | evidence) against the oracle, impossible where it says so."""
    soft = _soft(likelihoods, f_yes)
    want = _oracle(soft)
    if want["total"] == 0.0:  # some finding certainly yes with something it implies ruled out
        with pytest.raises(ImpossibleEvidenceError):
            chain.posteriors(soft)
        return
    assume(want["total"] > 1e-9)
    post = chain.posteriors(soft)
    for d in DS:
        assert post[d] == pytest.approx(want[d], rel=1e-8, abs=1e-11), d
    for nid in FINDINGS:
        assert chain.probability({nid: "yes"}, given=soft) == pytest.approx(want[nid], rel=1e-8, abs=1e-11), nid


@settings(max_examples=25, deadline=None, database=None)
@given(likelihoods=CHAIN_LIKELIHOODS, f_yes=WEIGHT)
def test_soft_evidence_matches_pgmpy_on_the_models_network(chain, pgmpy_ve, likelihoods, f_yes):
    """Check the model's pgmpy network (nested by conftest) with virtual evidence against the oracle."""
    soft = _soft(likelihoods, f_yes)
    want = _oracle(soft)
    if want["total"] == 0.0:
        with pytest.raises(ValueError, match="implies"):
            pgmpy_ve(chain.network, list(DS), soft)
        return
    assume(want["total"] > 1e-9)
    theirs = pgmpy_ve(chain.network, list(DS), soft)
    for d in DS:
        assert theirs[d] == pytest.approx(want[d], rel=1e-8, abs=1e-11), d


def test_implications_are_certain_along_the_chain(chain):
    """Check P(b = yes | e = yes) = 1, P(e = no | b = no) = 1, P(r = yes | e = yes, x = no) = 1, and P(e = yes | b = yes) as the oracle gives it."""
    assert chain.probability({"b": "yes"}, given={"e": "yes"}) == pytest.approx(1.0, abs=1e-12)
    assert chain.probability({"e": "no"}, given={"b": "no"}) == pytest.approx(1.0, abs=1e-12)
    assert chain.probability({"r": "yes"}, given={"e": "yes", "x": "no"}) == pytest.approx(1.0, abs=1e-12)
    assert chain.probability({"e": "yes"}, given={"b": "no"}) == 0.0
    want = _oracle({"b": _hard("yes")})["e"]
    assert chain.probability({"e": "yes"}, given={"b": "yes"}) == pytest.approx(want, rel=1e-9)
    # and the chain's joint is e's alone: P(e, r, b all yes) = P(e = yes)
    assert chain.probability({"e": "yes", "r": "yes", "b": "yes"}) == pytest.approx(_oracle({})["e"], rel=1e-9)


@pytest.mark.parametrize(
    ("event", "evidence"),
    [
        ({"e": "yes"}, {"r": "yes", "x": "no"}),
        ({"r": "yes"}, {"b": "yes", "e": "no"}),
        ({"x": "yes"}, {"b": "yes", "r": "no"}),
        ({"b": "yes"}, {"e": "no", "x": "no"}),
        ({"e": "yes"}, {"b": "yes", "x": "yes"}),
        ({"f": "yes"}, {"e": "no", "r": "yes", "b": "yes", "x": "no"}),
    ],
)
def test_conditional_probabilities_match_the_joint_model(chain, event, evidence):
    """Check P(event | evidence) for findings inside the chain against the oracle."""
    want = _oracle({**_hard_likelihoods(evidence), **_hard_likelihoods(event)})["total"] / _oracle(_hard_likelihoods(evidence))["total"]
    assert chain.probability(event, given=evidence) == pytest.approx(want, rel=1e-9)


def test_questions_do_not_ask_what_the_chain_implies(chain):
    """Check that next_questions drops r and b once e is yes, b once x is yes, and e, r, x once b is no."""

    def asked(evidence: dict[str, str]) -> set[str]:
        return set(chain.diagnose(evidence).next_questions(None, by="information").index)

    assert {"e", "r", "b", "x"} <= asked({})
    after_e = asked({"e": "yes"})
    assert not {"r", "b"} & after_e and {"x", "f"} <= after_e
    after_x = asked({"x": "yes"})
    assert "b" not in after_x and {"e", "r"} <= after_x
    after_b = asked({"b": "no"})
    assert not {"e", "r", "x"} & after_b and "f" in after_b


def test_simulated_cohorts_respect_the_chain_and_keep_each_marginal(chain):
    """Check that no simulated case breaks an implication, and each of e, r, b, x keeps the oracle's marginal (5 sigma)."""
    cohort = chain.simulate(40_000, seed=7)
    for nid in CHAINED:
        for target in _above(nid):
            assert not ((cohort[nid] == "yes") & (cohort[target] != "yes")).any(), (nid, target)
    marginals = _oracle({})
    for nid in CHAINED:
        p = marginals[nid]
        sigma = math.sqrt(p * (1 - p) / len(cohort))
        assert abs(float((cohort[nid] == "yes").mean()) - p) < 5 * sigma, nid


# --- the file: what the forest rule refuses ------------------------------------------

P = "find_"  # distinctive ids, so that "names the finding" is not met by a stray letter


def _with(**changes: tuple[float, dict[str, float]]) -> dict[str, tuple[float, dict[str, float]]]:
    return {**{k: (v[0], dict(v[1])) for k, v in FINDINGS.items()}, **changes}


SAME_AS_B = FINDINGS["b"]


@pytest.mark.parametrize(
    ("findings", "implies", "named", "fragment"),
    [
        pytest.param(
            # every link equal, so each pair passes "at most"; only the cycle is wrong
            _with(e=SAME_AS_B, r=SAME_AS_B),
            {"e": ("r",), "r": ("b",), "b": ("e",)},
            ("e", "r", "b"),
            r"cycl",
            id="cycle",
        ),
        pytest.param(
            FINDINGS,
            {"e": ("r", "x"), "r": ("b",), "x": ("b",)},
            ("e",),
            None,
            id="two-targets",
        ),
        pytest.param(
            _with(r=(0.06, {"d1": 0.45, "d2": 0.4, "d3": 0.2})),
            IMPLIES,
            ("e", "r"),
            r"d1",
            id="middle-link-below-its-child",
        ),
        pytest.param(
            _with(x=(0.04, {"d1": 0.7, "d2": 0.3, "d3": 0.35})),
            IMPLIES,
            ("r", "x", "b"),
            r"d1",
            id="union-above-the-top-on-a-parent",
        ),
        pytest.param(
            _with(x=(0.07, {"d1": 0.5, "d2": 0.3, "d3": 0.35})),
            IMPLIES,
            ("r", "x", "b"),
            r"leak",
            id="union-above-the-top-on-the-leak",
        ),
    ],
)
def test_what_the_forest_rule_refuses(tmp_path, findings, implies, named, fragment):
    """Check that a cycle, a finding entailing two, a broken middle link and a union above the top (parent or leak) are refused, naming the findings, and not as 'no chains'."""
    with pytest.raises(NetworkFileError) as info:
        _load(tmp_path, _chain_text(findings, implies, prefix=P))
    message = str(info.value).replace(str(tmp_path), "")  # the file's path is no part of what is checked
    assert "no chains" not in message, message
    if fragment is not None:
        assert re.search(fragment, message), message
    for nid in named:
        assert re.search(rf"\b{P}{nid}\b", message), (nid, message)


def test_the_refusals_base_file_loads(tmp_path):
    """Check that the refusal tests' base (the chain with prefixed ids) loads once chains do: each refusal is its change's, not the prefix's."""
    model = _load(tmp_path, _chain_text(prefix=P))
    assert {P + nid for nid in FINDINGS} <= set(model.findings)

