"""Network files with extreme numbers: posteriors right or refused, never silently wrong.

Every expected posterior is computed here by enumerating the full joint in
exact rational arithmetic (:class:`fractions.Fraction`), with each table
written from networks/FORMAT.md and the raw TOML (read with tomllib), never
from crampnet's parser or table builder. Each exact path of the engine is
forced on its own (the shared Quickscore tree and the pruned trees in numpy,
and the compiled kernel) by the ``forced_path`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import crampnet

PATHS = ("kernel", "pruned trees", "quickscore")  # forced by the forced_path fixture (tests/conftest.py)

HEAD = """schema = "crampnet-network/1"
name = "extreme"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
"""


def _distribution(nodes: dict[str, Any], nid: str, given: dict[str, str]) -> dict[str, Fraction]:
    """P(nid = s | parents = given), exactly, from the raw TOML (noisy-OR, noisy-MAX, mixture, table and prior only)."""
    body = nodes[nid]
    states = list(body["states"])
    if "prior" in body:
        return {s: Fraction(body["prior"]["probabilities"].get(s, 0.0)) for s in states}
    cpd = body["cpd"]
    if cpd["model"] == "noisy_or":
        none = 1 - Fraction(cpd["leak"]["value"])
        for link in cpd.get("links", []):
            if given[link["parent"]] == link["state"]:
                none *= 1 - Fraction(link["value"])
        positive = states[0]
        return {s: (1 - none if s == positive else none) for s in states}
    if cpd["model"] == "noisy_max":  # the highest state any active cause (or the leak) draws; each draw normalised
        order = list(cpd.get("order", states))
        cdf = [Fraction(1)] * len(order)
        for cause in [cpd["leak"], *(link for link in cpd["links"] if given[link["parent"]] == link["state"])]:
            dist = [Fraction(cause["probabilities"].get(s, 0.0)) for s in order]
            cdf = [c * sum(dist[: k + 1]) / sum(dist) for k, c in enumerate(cdf)]
        return {s: cdf[k] - (cdf[k - 1] if k else 0) for k, s in enumerate(order)}
    if cpd["model"] == "mixture":  # the weight-averaged distribution of the active causes and the leak
        causes = [cpd["leak"], *(link for link in cpd["links"] if given[link["parent"]] == link["state"])]
        total = sum(Fraction(cause["weight"]) for cause in causes)
        return {s: sum(Fraction(c["weight"]) * Fraction(c["probabilities"].get(s, 0.0)) for c in causes) / total for s in states}
    if cpd["model"] == "table":
        for row in cpd["rows"]:
            if all(given[p] == row["when"][p] for p in cpd["parents"]):
                return {s: Fraction(row["probabilities"].get(s, 0.0)) for s in states}
    msg = f"no reference for {nid}"
    raise AssertionError(msg)


def _parents(body: dict[str, Any]) -> list[str]:
    if "prior" in body:
        return []
    cpd = body["cpd"]
    if cpd["model"] == "table":
        return list(cpd["parents"])
    return list(dict.fromkeys(link["parent"] for link in cpd.get("links", [])))


def exact_posteriors(text: str, evidence: dict[str, str]) -> dict[str, Fraction]:
    """P(condition present | evidence) for every condition, by exact enumeration of the joint."""
    nodes = tomllib.loads(text)["nodes"]
    ids = list(nodes)
    domains = [[evidence[n]] if n in evidence else list(nodes[n]["states"]) for n in ids]
    conditions = [n for n in ids if nodes[n]["role"] == "condition"]
    total = Fraction(0)
    present = dict.fromkeys(conditions, Fraction(0))
    for combo in itertools.product(*domains):
        world = dict(zip(ids, combo, strict=True))
        weight = Fraction(1)
        for n in ids:
            weight *= _distribution(nodes, n, {p: world[p] for p in _parents(nodes[n])})[world[n]]
        total += weight
        for c in conditions:
            if world[c] == "present":
                present[c] += weight
    assert total > 0, "the evidence is impossible"
    return {c: present[c] / total for c in conditions}


def _load(tmp_path: Path, body: str, name: str = "extreme") -> tuple[crampnet.Model, str]:
    text = HEAD + body
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return crampnet.load(path), text


TWO_NODES = """
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = {c_leak}, source = "s" }} }}
[nodes.f]
role = "finding"
states = ["yes", "no"]
[nodes.f.cpd]
model = "noisy_or"
leak = {{ value = {f_leak}, source = "s" }}
links = [{{ parent = "c", state = "present", value = 0.7, source = "s" }}]
"""

#: A finding with two condition parents, every number of its "yes" far below 1e-16.
TWO_CAUSES = """
[nodes.a]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.3, source = "s" }} }}
[nodes.b]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.6, source = "s" }} }}
[nodes.f]
role = "finding"
states = ["yes", "no"]
[nodes.f.cpd]
model = "noisy_or"
leak = {{ value = {leak}, source = "s" }}
links = [
  {{ parent = "a", state = "present", value = {a}, source = "s" }},
  {{ parent = "b", state = "present", value = {b}, source = "s" }},
]
"""


@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_leak_of_1e_20_leaves_yes_possible(tmp_path, path, forced_path):
    """Check that leaks of 1e-20 keep "yes" possible, with the posterior of exact enumeration (0.7/1.7), on each path.

    ``1 - (1 - 1e-20)`` is 0 in floats: the finding's "yes" under an absent
    condition, and the condition itself, came out impossible.
    """
    model, text = _load(tmp_path, TWO_NODES.format(c_leak=1e-20, f_leak=1e-20))
    expected = exact_posteriors(text, {"f": "yes"})
    assert float(expected["c"]) == pytest.approx(0.7 / 1.7, rel=1e-12)
    with forced_path(path):
        got = model.posteriors({"f": "yes"})
        prior = model.posteriors({})
    assert got["c"] == pytest.approx(float(expected["c"]), rel=1e-9)
    assert prior["c"] == pytest.approx(1e-20, rel=1e-9, abs=0.0)


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize(("leak", "a", "b"), [(1e-20, 1e-18, 3e-19), (1e-30, 0.9, 1e-25), (0.0, 1e-17, 2e-17)])
def test_yes_from_causes_below_1e_16_matches_enumeration(tmp_path, path, leak, a, b, forced_path):
    """Check a finding whose leak and links are far below 1e-16 against exact enumeration, on each path."""
    model, text = _load(tmp_path, TWO_CAUSES.format(leak=leak, a=a, b=b))
    expected = exact_posteriors(text, {"f": "yes"})
    with forced_path(path):
        got = model.posteriors({"f": "yes"})
    for c in ("a", "b"):
        assert got[c] == pytest.approx(float(expected[c]), rel=1e-9, abs=1e-12), c


#: A context node ``x`` of prior {p}, a condition it raises, and a finding only ``x`` produces.
RARE_CONTEXT = """
[nodes.x]
role = "context"
states = ["yes", "no"]
prior = {{ probabilities = {{ yes = {p}, no = 1.0 }}, source = "s" }}
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.01, source = "s" }}, links = [{{ parent = "x", state = "yes", value = 0.9, source = "s" }}] }}
[nodes.g]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.0, source = "s" }}, links = [{{ parent = "x", state = "yes", value = 1.0, source = "s" }}] }}
"""


@pytest.mark.parametrize("p", ["5e-324", "1e-320", "-0.0e0", "2.2e-308"])
def test_a_subnormal_number_is_refused_by_its_place(tmp_path, p):
    """Check that a prior below the smallest normal float (2.2e-308) is refused, naming the entry.

    A subnormal keeps fewer digits (5e-324 has one bit): the engine's products
    with it round to powers of two, and P(d | g = yes), 0.901 by exact
    enumeration, came out 1.0 (0.90119 at 1e-320). -0.0 is zero, and loads.
    """
    if p == "-0.0e0":
        model, _ = _load(tmp_path, RARE_CONTEXT.format(p=p))
        assert model.posteriors({})["d"] == pytest.approx(0.01, rel=1e-12)
        return
    with pytest.raises(crampnet.NetworkFileError, match=rf"nodes\.x\.prior\.probabilities\.yes: {p} is below 2\.23e-308, the smallest float with full precision"):
        _load(tmp_path, RARE_CONTEXT.format(p=p))


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("p", ["1e-300", "2.3e-308"])
def test_a_tiny_normal_prior_gives_the_exact_posterior(tmp_path, path, p, forced_path):
    """Check a prior of 1e-300 or just above the subnormals against exact enumeration (P(d | g = yes) = 0.901), on each path."""
    model, text = _load(tmp_path, RARE_CONTEXT.format(p=p))
    expected = exact_posteriors(text, {"g": "yes"})
    assert expected["d"] == Fraction(0.9) + Fraction(0.01) - Fraction(0.9) * Fraction(0.01)
    with forced_path(path):
        got = model.posteriors({"g": "yes"})
    assert got["d"] == pytest.approx(float(expected["d"]), rel=1e-9)


LOGISTIC = """
[nodes.x]
role = "context"
states = ["yes", "no"]
prior = {{ probabilities = {{ yes = {p}, no = 0.5 }}, source = "s" }}
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "logistic", intercept = {{ baseline = 0.1, source = "s" }}, odds_ratios = [{{ parent = "x", state = "yes", value = {ratio}, source = "s" }}] }}
"""


@pytest.mark.parametrize(
    ("p", "ratio", "place", "message"),
    [
        ("0.5", "1e-400", "nodes.d.cpd.odds_ratios[0]", "1e-400 underflows: no float is that small"),
        ("0.5", "-1_0e-400", "nodes.d.cpd.odds_ratios[0]", "-1_0e-400 underflows"),
        ("0.5", "1e400", "nodes.d.cpd.odds_ratios[0]", "1e400 overflows: no float is that large"),
        ("0.5e-400", "2.0", "nodes.x.prior.probabilities.yes", "0.5e-400 underflows"),
    ],
)
def test_a_number_beyond_floats_is_refused_as_written(tmp_path, p, ratio, place, message):
    """Check that a number TOML reads as 0.0 or inf is refused by its text, not as "got 0.0" (or, for a probability, loaded as impossible)."""
    with pytest.raises(crampnet.NetworkFileError, match=rf"{re.escape(place)}: {re.escape(message)}.*an odds ratio or a weight must be positive and finite"):
        _load(tmp_path, LOGISTIC.format(p=p, ratio=ratio))


@pytest.mark.parametrize("ratio", ["0e10", "0.0", "-0.0"])
def test_a_zero_written_as_zero_is_not_an_underflow(tmp_path, ratio):
    """Check that zeros keep the plain "> 0" message: only nonzero digits underflow."""
    with pytest.raises(crampnet.NetworkFileError, match=r"value must be > 0, got -?0\.0$"):
        _load(tmp_path, LOGISTIC.format(p="0.5", ratio=ratio))


#: A logistic condition whose odds ratio puts it within 1e-20 of certain, and a finding that only its absence produces.
CERTAIN = """
[nodes.x]
role = "context"
states = ["yes", "no"]
prior = { probabilities = { yes = 0.5, no = 0.5 }, source = "s" }
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = { model = "logistic", intercept = { baseline = 0.5, source = "s" }, odds_ratios = [{ parent = "x", state = "yes", value = 1e20, source = "s" }] }
[nodes.e]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.0, source = "s" }, links = [{ parent = "d", state = "absent", value = 1.0, source = "s" }] }
[nodes.g]
role = "finding"
states = ["yes", "no"]
cpd = { model = "noisy_or", leak = { value = 0.0, source = "s" }, links = [{ parent = "x", state = "yes", value = 1.0, source = "s" }] }
[nodes.f]
role = "finding"
states = ["yes", "no"]
cpd = { model = "noisy_or", leak = { value = 0.0, source = "s" }, links = [{ parent = "e", state = "present", value = 0.5, source = "s" }] }
"""


@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_logistic_within_1e_20_of_certain_keeps_its_other_state(tmp_path, path, forced_path):
    """Check that an odds ratio of 1e20 leaves P(absent | x = yes) = 1e-20, not 0: g = yes with f = yes is possible (P(d) = 0), on each path."""
    model, _ = _load(tmp_path, CERTAIN)
    table = model.compiled.tables["d"]
    assert table[1, 0] == pytest.approx(1 / (1 + 1e20), rel=1e-12, abs=0.0)  # absent given x = yes: odds 1:1e20
    with forced_path(path):
        got = model.posteriors({"g": "yes", "f": "yes"})
    assert got["d"] == 0.0
    assert got["e"] == 1.0


#: A noisy-MAX finding whose higher states have probabilities of 1e-20 beside 1.
PULSES = """
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.3, source = "s" } }
[nodes.e]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.4, source = "s" } }
[nodes.p]
role = "finding"
states = ["normal", "diminished", "absent"]
[nodes.p.cpd]
model = "noisy_max"
leak = { probabilities = { normal = 1.0, diminished = 1e-20, absent = 1e-20 }, source = "s" }
links = [
  { parent = "c", state = "present", probabilities = { normal = 1.0, diminished = 0.0, absent = 3e-20 }, source = "s" },
  { parent = "e", state = "present", probabilities = { normal = 0.5, diminished = 0.5, absent = 0.0 }, source = "s" },
]
"""


@pytest.mark.parametrize("path", sorted(PATHS))
def test_noisy_max_states_of_1e_20_match_enumeration(tmp_path, path, forced_path):
    """Check a noisy-MAX whose top state has probabilities of 1e-20 beside 1 against exact enumeration, on each path.

    ``P(child = k) = C(k) - C(k-1)`` with both near 1 cancelled them to 0:
    "absent" (from the leak, or c) was impossible, where P(c | absent) is 1.2/1.9.
    """
    model, text = _load(tmp_path, PULSES)
    expected = exact_posteriors(text, {"p": "absent"})
    assert float(expected["c"]) == pytest.approx(1.2 / 1.9, rel=1e-12)
    with forced_path(path):
        got = model.posteriors({"p": "absent"})
    for c in ("c", "e"):
        assert got[c] == pytest.approx(float(expected[c]), rel=1e-9), c
    table = model.compiled.tables["p"]  # axes: p, c, e
    assert table[2, 1, 1] == pytest.approx(1e-20, rel=1e-12, abs=0.0)  # c and e absent: the leak's
    assert table[2, 0, 0] == pytest.approx(4e-20, rel=1e-12, abs=0.0)
    assert table[1, 1, 1] == pytest.approx(1e-20, rel=1e-12, abs=0.0)


#: A context ``x`` and a condition ``y``, each all but certain to make ``s``
#: "yes"; a condition ``z``; ten findings ``f0``..``f9`` of ``y`` and ``z``
#: (positive, their Quickscore sum has 2**10 terms: over the cap of 256, so
#: the case goes to a pruned tree, with "no" answers absorbed).
NEAR_CERTAIN_CAUSES = """
[nodes.x]
role = "context"
states = ["yes", "no"]
prior = { probabilities = { yes = 0.5, no = 0.5 }, source = "s" }
[nodes.y]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.5, source = "s" } }
[nodes.z]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.3, source = "s" } }
[nodes.s]
role = "finding"
states = ["yes", "no"]
[nodes.s.cpd]
model = "noisy_or"
leak = { value = 0.0, source = "s" }
links = [
  { parent = "x", state = "yes", value = 0.9999999999, source = "s" },
  { parent = "y", state = "present", value = 0.9999999999, source = "s" },
]
""" + "".join(
    f"""
[nodes.f{i}]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.1, source = "s" }}, links = [{{ parent = "y", state = "present", value = 0.5, source = "s" }}, {{ parent = "z", state = "present", value = 0.4, source = "s" }}] }}
"""
    for i in range(10)
)


@pytest.mark.parametrize("path", ["default", *sorted(PATHS)])
def test_a_fitted_no_that_does_not_factorise_below_1e_13_is_not_absorbed(tmp_path, path, forced_path):
    """Check P(y | x = yes, s = no, f0..f9 = yes) of a fitted model against exact enumeration over its fitted tables.

    Fitted, ``P(s = no | x, y)`` is no longer a noisy-OR: at ``x = yes,
    y = present`` it is 2.5e-23, not the product 2.4e-12 * 1e-10 = 2.4e-22
    that the other entries give. Both are below 1e-13, so an absolute check
    took the table as a product, and the pruned tree absorbed a "no" of
    2.4e-22 for 2.5e-23: P(y = present | evidence) came out 5.6e-8 for
    5.8e-9, with default settings as on each path.
    """
    import pandas as pd

    model, _ = _load(tmp_path, NEAR_CERTAIN_CAUSES)
    cases = [{"x": "yes", "y": "absent", "s": "yes"}] * 100 + [{"x": "yes", "y": "present", "s": "yes"}] * 1000
    cases += [{"x": "no", "y": "absent", "s": "no"}] * 100
    fitted = model.fit(pd.DataFrame(cases))
    tables = fitted.compiled.tables
    assert fitted.spec.nodes["s"].parents == ("x", "y")
    no = tables["s"][1]  # axes: x (yes, no), y (present, absent)
    product = no[0, 1] * no[1, 0] / no[1, 1]  # what a product of one-parent factors would give
    assert no[0, 0] < product / 2 and product < 1e-13
    weight = {}
    for y, z in itertools.product(range(2), repeat=2):  # 0 = present, 1 = absent
        w = Fraction(float(tables["y"][y])) * Fraction(float(tables["z"][z])) * Fraction(float(no[0, y]))
        for i in range(10):
            assert fitted.spec.nodes[f"f{i}"].parents == ("y", "z")
            w *= Fraction(float(tables[f"f{i}"][0, y, z]))
        weight[y, z] = w
    expected = (weight[0, 0] + weight[0, 1]) / sum(weight.values())
    evidence = {"x": "yes", "s": "no", **{f"f{i}": "yes" for i in range(10)}}
    with forced_path(path):
        got = fitted.posteriors(evidence)
    assert got["y"] == pytest.approx(float(expected), rel=1e-9, abs=0.0)


#: Two rare conditions (priors 1e-200, 3e-200) and a finding only they
#: produce, each with a link below 1e-149: P(f = yes) is ~7e-350, and every
#: entry of the clique potential P(c) P(d) P(f | c, d) that makes f "yes" is
#: below the smallest float. ``g`` is "yes" exactly when c is present.
RARE_PAIR = """
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 1e-200, source = "s" } }
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 3e-200, source = "s" } }
[nodes.f]
role = "finding"
states = ["yes", "no"]
cpd = { model = "noisy_or", leak = { value = 0.0, source = "s" }, links = [{ parent = "c", state = "present", value = 1e-150, source = "s" }, { parent = "d", state = "present", value = 2e-150, source = "s" }] }
[nodes.g]
role = "finding"
states = ["yes", "no"]
cpd = { model = "noisy_or", leak = { value = 0.0, source = "s" }, links = [{ parent = "c", state = "present", value = 1.0, source = "s" }] }
"""

#: Twelve findings of two common conditions, each "yes" below 3e-30: twelve "yes" together have probability ~1e-360.
MANY_RARE = """
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.3, source = "s" } }
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.4, source = "s" } }
""" + "".join(
    f"""
[nodes.f{i}]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = 1e-30, source = "s" }}, links = [{{ parent = "c", state = "present", value = 2e-30, source = "s" }}, {{ parent = "d", state = "present", value = 5e-31, source = "s" }}] }}
"""
    for i in range(12)
)


@pytest.mark.parametrize("path", ["default", *sorted(PATHS)])
@pytest.mark.parametrize(
    ("network", "evidence"),
    [
        (RARE_PAIR, {"f": "yes"}),
        (RARE_PAIR, {"f": "yes", "g": "yes"}),
        (MANY_RARE, {f"f{i}": "yes" for i in range(12)}),
        (MANY_RARE, {**{f"f{i}": "yes" for i in range(9)}, "f9": "no"}),
    ],
    ids=["pair", "pair-with-g", "twelve-yes", "nine-yes-one-no"],
)
def test_evidence_below_the_smallest_float_gives_the_exact_posteriors(tmp_path, path, network, evidence, forced_path):
    """Check posteriors of evidence of probability 1e-350 to 1e-360 against exact enumeration, on each path.

    The clique potentials are products of the tables computed before any
    evidence: P(c) P(f = yes | c) = 1e-350 was 0 there, so f = yes came out
    impossible (ImpossibleEvidenceError) however the messages were rescaled,
    where P(c | f = yes) is 1/7 exactly.
    """
    model, text = _load(tmp_path, network)
    expected = exact_posteriors(text, evidence)
    with forced_path(path):
        got = model.posteriors(evidence)
    for c in expected:
        assert got[c] == pytest.approx(float(expected[c]), rel=1e-9, abs=1e-300), c
    if network is RARE_PAIR:
        assert float(expected["c"]) == pytest.approx(1 / 7 if "g" not in evidence else 1.0, rel=1e-12)


@pytest.mark.parametrize("path", ["default", *sorted(PATHS)])
def test_impossible_evidence_among_tiny_numbers_still_names_its_conflict(tmp_path, path, forced_path):
    """Check that evidence of probability exactly 0 (f = yes needs c or d, g = no rules c out, and d is observed absent) still raises, naming the conflict."""
    model, _ = _load(tmp_path, RARE_PAIR)
    with forced_path(path), pytest.raises(crampnet.ImpossibleEvidenceError, match=r"f=yes"):
        model.posteriors({"f": "yes", "g": "no", "d": "absent"})


#: Two rare conditions (priors 1e-100) and a mixture finding whose "b" only
#: they give, at weights {w} beside the leak's {big}: P(f = b | c) is {w} / {big}.
RARE_MIXTURE = """
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = 1e-100, source = "s" }} }}
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = 1e-100, source = "s" }} }}
[nodes.f]
role = "finding"
states = ["a", "b"]
[nodes.f.cpd]
model = "mixture"
leak = {{ weight = {big}, probabilities = {{ a = 1.0, b = 0.0 }}, source = "s" }}
links = [
  {{ parent = "c", state = "present", weight = {w}, probabilities = {{ a = 0.0, b = 1.0 }}, source = "s" }},
  {{ parent = "d", state = "present", weight = 2e-150, probabilities = {{ a = 0.5, b = 0.5 }}, source = "s" }},
]
"""


def test_a_mixture_entry_below_the_smallest_float_is_refused_by_its_place(tmp_path):
    """Check that weights of 1e-200 and 2e-150 beside 1e200 are refused, naming the first entry they lose: P(f = b | c, d present) = 1e-350.

    P(f = b | c present, d absent), 1e-400, was 0 in the table: f = b with
    d absent came out impossible, and a posterior that needed such an entry
    was that of the entries that survived.
    """
    with pytest.raises(crampnet.NetworkFileError, match=r"nodes\.f\.cpd: the weights make P\(f = b \| c = present, d = present\) 1e-350, below 2\.23e-308, the smallest float with full precision"):
        _load(tmp_path, RARE_MIXTURE.format(w=1e-200, big=1e200))


@pytest.mark.parametrize("path", ["default", *sorted(PATHS)])
def test_a_mixture_of_weights_1e300_apart_gives_the_exact_posteriors(tmp_path, path, forced_path):
    """Check a mixture whose weights are 1e300 apart (P(f = b | c) = 1e-300, P(f = b) ~ 2e-400) against exact enumeration, on each path."""
    model, text = _load(tmp_path, RARE_MIXTURE.format(w=1e-150, big=1e150))
    expected = exact_posteriors(text, {"f": "b"})
    with forced_path(path):
        got = model.posteriors({"f": "b"})
    for c in ("c", "d"):
        assert got[c] == pytest.approx(float(expected[c]), rel=1e-9), c
    assert 0.3 < float(expected["c"]) < 0.7


#: A logistic condition whose intercept (baseline {base}) and odds ratio ({ratio}, under x = yes) meet, and a finding only it gives.
RARE_LOGISTIC = """
[nodes.x]
role = "context"
states = ["yes", "no"]
prior = {{ probabilities = {{ yes = 0.5, no = 0.5 }}, source = "s" }}
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "logistic", intercept = {{ baseline = {base}, source = "s" }}, odds_ratios = [{{ parent = "x", state = "yes", value = {ratio}, source = "s" }}] }}
[nodes.g]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.0, source = "s" }}, links = [{{ parent = "d", state = "present", value = 1.0, source = "s" }}] }}
"""


@pytest.mark.parametrize(
    ("base", "ratio", "entry"),
    [("1e-200", "1e-200", r"P\(d = present \| x = yes\) 1e-400"), ("0.9999999999999999", "1e300", r"P\(d = absent \| x = yes\) 1\.11e-316")],
)
def test_a_logistic_entry_below_the_smallest_float_is_refused_by_its_place(tmp_path, base, ratio, entry):
    """Check that an intercept and odds ratio whose product is 1e-400 (or 9e315 to 1) are refused, naming the entry.

    P(d = present | x = yes) = 1e-400 was 0 in the table: x = yes with
    g = yes came out impossible (its probability is 5e-401).
    """
    with pytest.raises(crampnet.NetworkFileError, match=rf"nodes\.d\.cpd: the intercept and odds ratios make {entry}, below 2\.23e-308, the smallest float with full precision"):
        _load(tmp_path, RARE_LOGISTIC.format(base=base, ratio=ratio))


def test_a_noisy_or_no_below_the_smallest_float_is_refused_by_its_place(tmp_path):
    """Check that a leak and 19 links of 1 - 2**-53 are refused: "no" under every cause is their product of one minus each, ~8.1e-320.

    That entry was a subnormal (a few bits): with the 19 causes observed
    present, P(f = no) and the posteriors that need it kept no digits.
    """
    near = 0.9999999999999999
    body = "".join(f'\n[nodes.c{i}]\nrole = "condition"\nstates = ["present", "absent"]\ncpd = {{ model = "noisy_or", leak = {{ value = 0.5, source = "s" }} }}\n' for i in range(19))
    links = ", ".join(f'{{ parent = "c{i}", state = "present", value = {near!r}, source = "s" }}' for i in range(19))
    body += f'\n[nodes.f]\nrole = "finding"\nstates = ["yes", "no"]\ncpd = {{ model = "noisy_or", leak = {{ value = {near!r}, source = "s" }}, links = [{links}] }}\n'
    exact = (1 - Fraction(near)) ** 20
    assert 8e-320 < exact < 8.2e-320
    given = ", ".join(f"c{i} = present" for i in range(19))
    with pytest.raises(crampnet.NetworkFileError, match=rf"nodes\.f\.cpd: the leak and links make P\(f = no \| {given}\) {float(exact * 10**320):.3g}e-320, below 2\.23e-308"):
        _load(tmp_path, body)


#: A noisy-MAX finding whose lowest state each cause gives with probability 1e-200 only.
LOW_PULSES = """
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.3, source = "s" } }
[nodes.e]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.4, source = "s" } }
[nodes.p]
role = "finding"
states = ["normal", "diminished", "absent"]
[nodes.p.cpd]
model = "noisy_max"
leak = { probabilities = { normal = 1.0, diminished = 0.0, absent = 0.0 }, source = "s" }
links = [
  { parent = "c", state = "present", probabilities = { normal = 1e-200, diminished = 0.5, absent = 0.5 }, source = "s" },
  { parent = "e", state = "present", probabilities = { normal = 1e-200, diminished = 1.0, absent = 0.0 }, source = "s" },
]
"""


def test_a_noisy_max_state_below_the_smallest_float_is_refused_by_its_place(tmp_path):
    """Check that two causes each giving "normal" 1e-200 are refused: together "normal" is their product, 1e-400, which the table held as 0."""
    nodes = tomllib.loads(HEAD + LOW_PULSES)["nodes"]
    exact = _distribution(nodes, "p", {"c": "present", "e": "present"})["normal"]
    log10 = math.log10(exact.numerator) - math.log10(exact.denominator)
    assert -400.01 < log10 < -399.99
    value = f"{10 ** (log10 - math.floor(log10)):.3g}e{math.floor(log10)}"
    with pytest.raises(crampnet.NetworkFileError, match=rf"nodes\.p\.cpd: the leak and links make P\(p = normal \| c = present, e = present\) {value}, below 2\.23e-308"):
        _load(tmp_path, LOW_PULSES)


def test_a_counterfactual_ranking_of_evidence_below_the_smallest_float_is_refused_not_nan(tmp_path):
    """Check that diagnose of evidence of probability ~7e-350 refuses the counterfactual ranking by name, and ranks by posterior exactly.

    Its terms are weighted by P(row) / P(evidence), ~1e349 here, which
    overflowed: every expected disablement came out NaN, shown as such.
    """
    model, text = _load(tmp_path, RARE_PAIR)
    with pytest.raises(crampnet.InvalidValueError, match=r"The counterfactual ranking cannot use this evidence: it is possible, but so improbable \(log P\(evidence\) = -80\d\).*ranking='posterior'"):
        model.diagnose({"f": "yes"}).differential  # noqa: B018 - the ranking is worked out when first read
    expected = exact_posteriors(text, {"f": "yes"})
    dx = model.diagnose({"f": "yes"}, ranking="posterior")
    assert dx.differential == ["d", "c"]
    assert dx.posteriors["c"] == pytest.approx(float(expected["c"]), rel=1e-9)


@pytest.mark.parametrize(
    ("network", "evidence"),
    [(RARE_PAIR, {"f": "yes"}), (RARE_PAIR, {"f": "yes", "g": "yes"}), (MANY_RARE, {f"f{i}": "yes" for i in range(12)})],
    ids=["pair", "pair-with-g", "twelve-yes"],
)
def test_monte_carlo_draws_of_evidence_below_the_smallest_float_are_exact(tmp_path, network, evidence):
    """Check each parameter draw's posteriors of evidence of probability ~1e-350 against enumeration of that draw's tables in logs, and posterior_intervals.

    The draws' passes multiply floats, so P(c) P(f = yes | c) = 1e-350 was
    0 in every draw: posterior_intervals refused the evidence ("the Monte
    Carlo pass underflows") that posteriors answers exactly (1/7 for c
    given f = yes). Here every draw's tables are enumerated with each world's
    probability a sum of logs, so nothing underflows in the reference.
    """
    import numpy as np

    from crampnet.network.evidence import normalise
    from crampnet.trust._distributions import draw_parameters
    from crampnet.trust._montecarlo import batch_posteriors
    from crampnet.trust._parameters import parameter_space
    from crampnet.trust.uncertainty import COVERAGE, posterior_intervals

    model, text = _load(tmp_path, network)
    spec = model.spec
    theta = np.vstack([parameter_space(model).point[None, :], draw_parameters(model, 12, np.random.default_rng(3), COVERAGE)])
    got = batch_posteriors(model, normalise(spec, evidence), theta)
    tables = parameter_space(model).tables(theta, frozenset(spec.order))
    hidden = [n for n in spec.order if n not in evidence]
    for row in range(theta.shape[0]):
        logs: dict[tuple[str, ...], float] = {}
        for combo in itertools.product(*(spec.nodes[n].states for n in hidden)):
            world = {**evidence, **dict(zip(hidden, combo, strict=True))}
            weight = 0.0
            for n in spec.order:
                node = spec.nodes[n]
                entry = float(tables[n][(row, node.states.index(world[n]), *(spec.nodes[p].states.index(world[p]) for p in node.parents))])
                weight = weight + math.log(entry) if entry > 0 else -math.inf
            logs[combo] = weight
        top = max(logs.values())
        total = sum(math.exp(w - top) for w in logs.values())
        assert top > -math.inf and math.log(total) + top < math.log(1e-308), row  # the evidence is below the float range
        for j, c in enumerate(model.compiled.conditions):
            present = sum(math.exp(w - top) for combo, w in logs.items() if dict(zip(hidden, combo, strict=True)).get(c, evidence.get(c)) == "present")
            assert got[row, j] == pytest.approx(present / total, rel=1e-9, abs=1e-300), (row, c)
    expected = exact_posteriors(text, evidence)
    table = posterior_intervals(model, evidence, draws=50, seed=0)
    for c in expected:
        assert table.loc[c, "probability"] == pytest.approx(float(expected[c]), rel=1e-9, abs=1e-300)
        assert table.loc[c, "low"] <= table.loc[c, "probability"] <= table.loc[c, "high"] or expected[c] in (0, 1)
    assert table.attrs["impossible_draws"] == 0


def test_monte_carlo_log_pass_agrees_with_the_float_passes_on_the_shipped_network(monkeypatch):
    """Check that the draws' log pass, forced on every draw (SAFE raised to 1e300), gives the float passes' posteriors on the shipped network, noisy-OR answers summed out onto their parents included."""
    import numpy as np

    import crampnet.trust._logdraws as logdraws
    from crampnet.network.evidence import normalise
    from crampnet.trust._distributions import draw_parameters
    from crampnet.trust._montecarlo import batch_posteriors

    model = crampnet.load()
    vectors = normalise(model.spec, {"urge_to_move": "yes", "worse_evening": "yes", "muscle_cramps": "yes", "unilateral_calf_swelling": "no", "age": 70})
    theta = draw_parameters(model, 20, np.random.default_rng(1), 0.95)
    floats = batch_posteriors(model, vectors, theta)
    monkeypatch.setattr(logdraws, "SAFE", 1e300)
    logs = batch_posteriors(model, vectors, theta)
    assert not np.isnan(floats).any()
    np.testing.assert_allclose(logs, floats, rtol=1e-9, atol=1e-12)


def test_a_default_range_around_1e_200_has_both_ends(tmp_path):
    """Check that a leak of 1e-200 (a default Beta with shape2 ~8e200) gets a low end, not NaN, and sensitivity then swings it like the link it multiplies.

    scipy's betaincinv gives NaN for that quantile, so parameter_distributions
    listed low NaN and sensitivity a NaN low and swing for both rare leaks
    of RARE_PAIR. For b that large, b X is Gamma(a) distributed to ~1/sqrt(b),
    so b times the quantile is that of Beta(a, 1e12) times 1e12.
    """
    from scipy.special import betaincinv

    from crampnet.trust.sensitivity import sensitivity
    from crampnet.trust.uncertainty import parameter_distributions

    model, _ = _load(tmp_path, RARE_PAIR)
    table = parameter_distributions(model)
    leaks = table[(table["kind"] == "leak") & table["node"].isin(["c", "d"])]
    assert len(leaks) == 2 and leaks[["low", "high"]].notna().all().all()
    for _, row in leaks.iterrows():
        assert row["shape2"] > 1e199 and 0 < row["low"] < row["value"] < row["high"]
        assert row["low"] * row["shape2"] == pytest.approx(float(betaincinv(row["shape1"], 1e12, 0.025)) * 1e12, rel=1e-6)
    sens = sensitivity(model, "c", {"f": "yes"})
    assert sens["swing"].notna().all()
    # P(c | f = yes) depends on c's leak and c's link only through their product: equal relative ranges, equal swings.
    leak = sens.loc[(sens["node"] == "c") & (sens["kind"] == "leak"), "swing"].item()
    link = sens.loc[(sens["node"] == "f") & (sens["parent"] == "c"), "swing"].item()
    assert leak == pytest.approx(link, rel=1e-6)
