"""Conditional probability tables against the formulas of networks/FORMAT.md, computed here.

The expected tables are computed in this file from the raw TOML (read with
tomllib), never from crampnet's own parser or table builder.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

import crampnet

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
TIGHT = 1e-12


def _raw(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _value(model: crampnet.Model, node: str, state: str, given: dict[str, str]) -> float:
    """P(node = state | parents = given) read by state name from the pgmpy CPD."""
    cpd = model.network.get_cpds(node)
    return float(cpd.get_value(**{node: state, **given}))


def _compiled_value(model: crampnet.Model, node: str, state: str, given: dict[str, str]) -> float:
    """The same entry read from crampnet's own table (axes: node, then spec parents in order)."""
    spec = model.spec
    index = [spec.nodes[node].states.index(state)]
    index += [spec.nodes[p].states.index(given[p]) for p in spec.nodes[node].parents]
    return float(model.compiled.tables[node][tuple(index)])


def _configs(states: dict[str, list[str]], parents: list[str]) -> list[dict[str, str]]:
    return [dict(zip(parents, combo, strict=True)) for combo in itertools.product(*(states[p] for p in parents))]


# ---------------------------------------------------------------------------
# tiny.toml, model by model, with the formulas written out
# ---------------------------------------------------------------------------


def test_noisy_or_urge_in_tiny(tiny):
    """Check noisy-OR: P(urge=no | rls, cramps) = (1 - leak) * prod over active causes of (1 - p_i)."""
    for rls, cramps in itertools.product(["present", "absent"], repeat=2):
        p_no = (1 - 0.02) * (1 - 0.95) ** (rls == "present") * (1 - 0.1) ** (cramps == "present")
        given = {"rls": rls, "cramps": cramps}
        assert _value(tiny, "urge", "no", given) == pytest.approx(p_no, abs=TIGHT)
        assert _value(tiny, "urge", "yes", given) == pytest.approx(1 - p_no, abs=TIGHT)
        assert _compiled_value(tiny, "urge", "no", given) == pytest.approx(p_no, abs=TIGHT)


def test_noisy_or_with_positive_low_in_tiny(tiny):
    """Check a noisy-OR whose positive state is 'low' (ferritin): the leak and link act on 'low'."""
    assert _value(tiny, "ferritin", "low", {"rls": "absent"}) == pytest.approx(0.1, abs=TIGHT)
    assert _value(tiny, "ferritin", "low", {"rls": "present"}) == pytest.approx(1 - 0.9 * 0.6, abs=TIGHT)


def test_noisy_max_pulses_in_tiny(tiny):
    """Check noisy-MAX: P(child <= k | x) = F_leak(k) * prod over active causes F_i(k)."""
    order = ["normal", "diminished", "absent"]
    leak = [0.9, 0.08, 0.02]
    by_cramps = [0.7, 0.2, 0.1]
    by_age = [0.8, 0.2, 0.0]
    for cramps in ["present", "absent"]:
        for age in ["under_40", "40_to_64", "65_plus"]:
            dists = [leak] + ([by_cramps] if cramps == "present" else []) + ([by_age] if age == "65_plus" else [])
            cdf = [math.prod(sum(d[: k + 1]) for d in dists) for k in range(3)]
            expected = [cdf[0], cdf[1] - cdf[0], cdf[2] - cdf[1]]
            for state, p in zip(order, expected, strict=True):
                given = {"cramps": cramps, "age_group": age}
                assert _value(tiny, "pulses", state, given) == pytest.approx(p, abs=TIGHT), (state, given)


def test_logistic_prevalence_marginal_in_tiny(tiny):
    """Check logistic with prevalence: the marginal of cramps over the context priors equals 0.5 to 1e-9."""
    age_prior = {"under_40": 0.4, "40_to_64": 0.35, "65_plus": 0.25}
    drug_prior = {"yes": 0.1, "no": 0.9}
    marginal = sum(
        age_prior[a] * drug_prior[d] * _value(tiny, "cramps", "present", {"age_group": a, "drug": d})
        for a in age_prior
        for d in drug_prior
    )
    assert marginal == pytest.approx(0.5, abs=1e-9)


def test_logistic_prevalence_baseline_solved_independently_in_tiny(tiny):
    """Check the cramps table against a baseline solved here with scipy's brentq."""
    age_prior = {"under_40": 0.4, "40_to_64": 0.35, "65_plus": 0.25}
    drug_prior = {"yes": 0.1, "no": 0.9}

    def shift(a: str, d: str) -> float:
        return math.log(3.0) * (a == "65_plus") + math.log(2.0) * (d == "yes")

    def gap(logit: float) -> float:
        return sum(age_prior[a] * drug_prior[d] / (1 + math.exp(-(logit + shift(a, d)))) for a in age_prior for d in drug_prior) - 0.5

    logit = brentq(gap, -30, 30, xtol=1e-15)
    for a, d in itertools.product(age_prior, drug_prior):
        expected = 1 / (1 + math.exp(-(logit + shift(a, d))))
        assert _value(tiny, "cramps", "present", {"age_group": a, "drug": d}) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("numerator", "denominator", "ratio"), [
    ({"age_group": "65_plus", "drug": "no"}, {"age_group": "under_40", "drug": "no"}, 3.0),
    ({"age_group": "65_plus", "drug": "yes"}, {"age_group": "under_40", "drug": "yes"}, 3.0),
    ({"age_group": "40_to_64", "drug": "no"}, {"age_group": "under_40", "drug": "no"}, 1.0),
    ({"age_group": "under_40", "drug": "yes"}, {"age_group": "under_40", "drug": "no"}, 2.0),
    ({"age_group": "65_plus", "drug": "yes"}, {"age_group": "65_plus", "drug": "no"}, 2.0),
    ({"age_group": "65_plus", "drug": "yes"}, {"age_group": "40_to_64", "drug": "no"}, 6.0),
])
def test_logistic_odds_ratios_hold_in_tiny(tiny, numerator, denominator, ratio):
    """Check that the odds of cramps between two parent configurations is the stated odds ratio."""
    def odds(given: dict[str, str]) -> float:
        p = _value(tiny, "cramps", "present", given)
        return p / (1 - p)

    assert odds(numerator) / odds(denominator) == pytest.approx(ratio, rel=1e-9)


def test_table_rows_plm_in_tiny(tiny):
    """Check that an explicit table reproduces its rows exactly."""
    assert _value(tiny, "plm", "present", {"rls": "present"}) == pytest.approx(0.85, abs=TIGHT)
    assert _value(tiny, "plm", "absent", {"rls": "present"}) == pytest.approx(0.15, abs=TIGHT)
    assert _value(tiny, "plm", "present", {"rls": "absent"}) == pytest.approx(0.1, abs=TIGHT)
    assert _value(tiny, "plm", "absent", {"rls": "absent"}) == pytest.approx(0.9, abs=TIGHT)


def test_mixture_location_in_tiny(tiny):
    """Check mixture: the weight-averaged distribution of the leak and the active causes."""
    leak = (1.0, {"calf": 0.3, "foot": 0.3, "diffuse": 0.4})
    by_cramps = (3.0, {"calf": 0.8, "foot": 0.15, "diffuse": 0.05})
    by_rls = (2.0, {"calf": 0.2, "foot": 0.1, "diffuse": 0.7})
    for cramps, rls in itertools.product(["present", "absent"], repeat=2):
        parts = [leak] + ([by_cramps] if cramps == "present" else []) + ([by_rls] if rls == "present" else [])
        total = sum(w for w, _ in parts)
        for state in ["calf", "foot", "diffuse"]:
            expected = sum(w * d[state] for w, d in parts) / total
            given = {"cramps": cramps, "rls": rls}
            assert _value(tiny, "location", state, given) == pytest.approx(expected, abs=TIGHT), (state, given)


def test_context_priors_in_tiny(tiny):
    """Check that a context node's table is its prior."""
    cpd = tiny.network.get_cpds("age_group")
    assert [float(cpd.get_value(age_group=s)) for s in ["under_40", "40_to_64", "65_plus"]] == pytest.approx([0.4, 0.35, 0.25], abs=TIGHT)


def test_deterministic_noisy_or_in_tiny(tiny):
    """Check that leak 0 and link 1 give a deterministic table (jerks iff plm)."""
    assert _value(tiny, "jerks", "yes", {"plm": "present"}) == 1.0
    assert _value(tiny, "jerks", "yes", {"plm": "absent"}) == 0.0


# ---------------------------------------------------------------------------
# Options not used by tiny: logistic baseline, noisy-MAX order, multi-state links
# ---------------------------------------------------------------------------

OPTIONS = """
schema = "crampnet-network/1"
name = "options"
version = "1"

[sources.s]
kind = "literature"
citation = "Test numbers."

[nodes.level]
role = "context"
states = ["low", "mid", "high"]
prior = { probabilities = { low = 0.2, mid = 0.5, high = 0.3 }, source = "s" }

[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.05, source = "s" }, links = [{ parent = "level", state = "mid", value = 0.3, source = "s" }, { parent = "level", state = "high", value = 0.6, source = "s" }] }

[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = { model = "logistic", intercept = { baseline = 0.1, source = "s" }, odds_ratios = [{ parent = "level", state = "high", value = 4.0, source = "s" }, { parent = "c", state = "present", value = 0.5, source = "s" }] }

[nodes.grade]
role = "finding"
states = ["severe", "none", "mild"]
cpd = { model = "noisy_max", order = ["none", "mild", "severe"], leak = { probabilities = { none = 0.7, mild = 0.2, severe = 0.1 }, source = "s" }, links = [{ parent = "c", state = "present", probabilities = { none = 0.2, mild = 0.5, severe = 0.3 }, source = "s" }, { parent = "d", state = "present", probabilities = { none = 0.5, mild = 0.1, severe = 0.4 }, source = "s" }] }

[nodes.flag]
role = "finding"
states = ["positive", "negative"]
cpd = { model = "noisy_or", positive = "positive", leak = { value = 0.01, source = "s" }, links = [{ parent = "d", state = "present", value = 0.9, source = "s" }] }
"""


@pytest.fixture(scope="module")
def options(tmp_path_factory):
    path = tmp_path_factory.mktemp("options") / "options.toml"
    path.write_text(OPTIONS, encoding="utf-8")
    return crampnet.load(path)


def test_noisy_or_with_two_active_states_of_one_parent(options):
    """Check noisy-OR links on two states of a three-state parent; the third is the reference."""
    assert _value(options, "c", "present", {"level": "low"}) == pytest.approx(0.05, abs=TIGHT)
    assert _value(options, "c", "present", {"level": "mid"}) == pytest.approx(1 - 0.95 * 0.7, abs=TIGHT)
    assert _value(options, "c", "present", {"level": "high"}) == pytest.approx(1 - 0.95 * 0.4, abs=TIGHT)


@pytest.mark.parametrize(("level", "c", "log_odds"), [
    ("low", "absent", 0.0),
    ("mid", "absent", 0.0),
    ("high", "absent", math.log(4.0)),
    ("low", "present", math.log(0.5)),
    ("high", "present", math.log(4.0) + math.log(0.5)),
])
def test_logistic_baseline(options, level, c, log_odds):
    """Check logistic with baseline: logit P = logit(baseline) + sum of log odds ratios of active states."""
    expected = 1 / (1 + math.exp(-(math.log(0.1 / 0.9) + log_odds)))
    assert _value(options, "d", "present", {"level": level, "c": c}) == pytest.approx(expected, abs=TIGHT)


def test_noisy_max_with_explicit_order(options):
    """Check noisy-MAX with 'order' differing from the state order: cumulative products along the order."""
    order = ["none", "mild", "severe"]
    leak = {"none": 0.7, "mild": 0.2, "severe": 0.1}
    by_c = {"none": 0.2, "mild": 0.5, "severe": 0.3}
    by_d = {"none": 0.5, "mild": 0.1, "severe": 0.4}
    for c, d in itertools.product(["present", "absent"], repeat=2):
        dists = [leak] + ([by_c] if c == "present" else []) + ([by_d] if d == "present" else [])
        cdf = [math.prod(sum(dist[s] for s in order[: k + 1]) for dist in dists) for k in range(3)]
        expected = {"none": cdf[0], "mild": cdf[1] - cdf[0], "severe": cdf[2] - cdf[1]}
        for state, p in expected.items():
            assert _value(options, "grade", state, {"c": c, "d": d}) == pytest.approx(p, abs=TIGHT), (state, c, d)
            assert _compiled_value(options, "grade", state, {"c": c, "d": d}) == pytest.approx(p, abs=TIGHT)


def test_noisy_or_with_positive_negative_states(options):
    """Check a noisy-OR over positive/negative states."""
    assert _value(options, "flag", "positive", {"d": "present"}) == pytest.approx(1 - 0.99 * 0.1, abs=TIGHT)
    assert _value(options, "flag", "negative", {"d": "absent"}) == pytest.approx(0.99, abs=TIGHT)


# ---------------------------------------------------------------------------
# A reference table builder, written from FORMAT.md, for any network file
# ---------------------------------------------------------------------------

_POSITIVE = ("yes", "present", "positive")


def _parents(cpd: dict[str, Any]) -> list[str]:
    if cpd["model"] == "table":
        return list(cpd.get("parents", []))
    links = cpd["odds_ratios"] if cpd["model"] == "logistic" else cpd.get("links", [])
    return list(dict.fromkeys(link["parent"] for link in links))


def _active(links: list[dict[str, Any]], given: dict[str, str]) -> list[dict[str, Any]]:
    return [link for link in links if given[link["parent"]] == link["state"]]


def _probs(states: list[str], probabilities: dict[str, float]) -> dict[str, float]:
    return {s: float(probabilities.get(s, 0.0)) for s in states}


class Reference:
    """Expected tables computed from a network's raw TOML, following FORMAT.md."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.nodes = raw["nodes"]
        self.states = {nid: list(body["states"]) for nid, body in self.nodes.items()}
        self._baselines: dict[str, float] = {}

    def positive(self, nid: str) -> str:
        body = self.nodes[nid]
        if "positive" in body["cpd"]:
            return body["cpd"]["positive"]
        if "positive" in body:
            return body["positive"]
        return next(s for s in _POSITIVE if s in self.states[nid])

    def baseline(self, nid: str) -> float:
        cpd = self.nodes[nid]["cpd"]
        if "baseline" in cpd["intercept"]:
            return float(cpd["intercept"]["baseline"])
        if nid not in self._baselines:
            parents = _parents(cpd)
            configs = _configs(self.states, parents)
            weights = [self.context_weight(g) for g in configs]
            shifts = [self.log_odds(cpd, g) for g in configs]
            target = float(cpd["intercept"]["prevalence"])

            def gap(logit: float) -> float:
                return sum(w / (1 + math.exp(-(logit + s))) for w, s in zip(weights, shifts, strict=True)) - target

            logit = brentq(gap, -60, 60, xtol=1e-15)
            self._baselines[nid] = 1 / (1 + math.exp(-logit))
        return self._baselines[nid]

    def context_weight(self, config: dict[str, str]) -> float:
        """P(the context nodes of ``config`` take its states): their joint, summing out the context nodes they depend on (FORMAT.md, "Context nodes")."""
        involved = list(config)
        for nid in involved:
            involved += [p for p in self.parents(nid) if p not in involved]
        rest = [n for n in involved if n not in config]
        total = 0.0
        for extra in _configs(self.states, rest):
            full = {**config, **extra}
            total += math.prod(self.distribution(n, {p: full[p] for p in self.parents(n)})[full[n]] for n in involved)
        return total

    @staticmethod
    def log_odds(cpd: dict[str, Any], given: dict[str, str]) -> float:
        return sum(math.log(link["value"]) for link in _active(cpd["odds_ratios"], given))

    def distribution(self, nid: str, given: dict[str, str]) -> dict[str, float]:
        """P(nid = s | parents = given) for each state s."""
        body = self.nodes[nid]
        states = self.states[nid]
        if "prior" in body:
            return _probs(states, body["prior"]["probabilities"])
        cpd = body["cpd"]
        model = cpd["model"]
        if model == "noisy_or":
            pos = self.positive(nid)
            p_none = (1 - cpd["leak"]["value"]) * math.prod(1 - link["value"] for link in _active(cpd.get("links", []), given))
            return {s: (1 - p_none if s == pos else p_none) for s in states}
        if model == "logistic":
            pos = self.positive(nid)
            b = self.baseline(nid)
            p = 1 / (1 + math.exp(-(math.log(b / (1 - b)) + self.log_odds(cpd, given))))
            return {s: (p if s == pos else 1 - p) for s in states}
        if model == "noisy_max":
            order = list(cpd.get("order", states))
            dists = [_probs(states, cpd["leak"]["probabilities"])]
            dists += [_probs(states, link["probabilities"]) for link in _active(cpd["links"], given)]
            cdf = [math.prod(sum(d[s] for s in order[: k + 1]) for d in dists) for k in range(len(order))]
            return {s: cdf[k] - (cdf[k - 1] if k else 0.0) for k, s in enumerate(order)}
        if model == "table":
            for row in cpd["rows"]:
                if all(row["when"][p] == given[p] for p in _parents(cpd)):
                    return _probs(states, row["probabilities"])
            msg = f"no row of {nid} for {given}"
            raise AssertionError(msg)
        if model == "mixture":
            parts = [(_weight(cpd["leak"]), _probs(states, cpd["leak"]["probabilities"]))]
            parts += [(_weight(link), _probs(states, link["probabilities"])) for link in _active(cpd["links"], given)]
            total = sum(w for w, _ in parts)
            return {s: sum(w * d[s] for w, d in parts) / total for s in states}
        msg = f"unknown model {model}"
        raise AssertionError(msg)

    def parents(self, nid: str) -> list[str]:
        body = self.nodes[nid]
        return [] if "prior" in body else _parents(body["cpd"])


def _weight(dist: dict[str, Any]) -> float:
    """A mixture weight as the file writes it: a number, or { value, low, high }."""
    w = dist["weight"]
    return float(w["value"] if isinstance(w, dict) else w)


def _check_against_reference(model: crampnet.Model, raw: dict[str, Any], atol: float) -> int:
    reference = Reference(raw)
    checked = 0
    for nid in raw["nodes"]:
        parents = reference.parents(nid)
        assert sorted(model.network.get_parents(nid)) == sorted(parents), nid
        for config in _configs(reference.states, parents):
            expected = reference.distribution(nid, config)
            for state, p in expected.items():
                actual = _value(model, nid, state, config)
                assert abs(actual - p) <= atol, f"P({nid}={state} | {config}): crampnet {actual!r}, formula {p!r}"
                checked += 1
    return checked


def test_tiny_tables_match_the_reference_builder(tiny):
    """Check every table of tiny.toml against the reference builder written from FORMAT.md."""
    assert _check_against_reference(tiny, _raw(DATA / "tiny.toml"), 1e-9) > 0


def test_options_tables_match_the_reference_builder(options):
    """Check every table of the options network against the reference builder."""
    assert _check_against_reference(options, tomllib.loads(OPTIONS), 1e-9) > 0


@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=40)
def test_random_network_tables_match_the_reference_builder(random_networks, seed):
    """Check every table of a random network (all five models) against the reference builder."""
    model, _, path = random_networks.make(seed)
    assert _check_against_reference(model, _raw(path), 1e-9) > 0


def test_shipped_tables_match_the_reference_builder():
    """Check every table of the shipped network, with the file's own priors ('adults'), against the reference builder."""
    path = REPO / "networks" / "leg_cramps.toml"
    if not path.exists():
        pytest.skip("networks/leg_cramps.toml is not in this checkout")
    assert _check_against_reference(crampnet.load(population="adults"), _raw(path), 1e-9) > 0


def test_shipped_logistic_prevalences_hold(model):
    """Check that every logistic node given a prevalence has that marginal over the context priors (their joint, where one depends on others)."""
    path = REPO / "networks" / "leg_cramps.toml"
    if not path.exists():
        pytest.skip("networks/leg_cramps.toml is not in this checkout")
    raw = _raw(path)
    found = 0
    for nid, body in raw["nodes"].items():
        cpd = body.get("cpd", {})
        if cpd.get("model") != "logistic" or "prevalence" not in cpd["intercept"]:
            continue
        found += 1
        parents = _parents(cpd)
        marginal = 0.0
        reference = Reference(raw)
        for config in _configs({p: list(raw["nodes"][p]["states"]) for p in parents}, parents):
            weight = reference.context_weight(config)  # the joint of the context parents (pregnancy depends on sex and age)
            positive = body.get("positive", cpd.get("positive", next(s for s in _POSITIVE if s in body["states"])))
            marginal += weight * _value(model, nid, positive, config)
        assert marginal == pytest.approx(cpd["intercept"]["prevalence"], abs=1e-9), nid
    if not found:
        pytest.skip("the shipped network gives no logistic prevalence")


# ---------------------------------------------------------------------------
# Every table is a conditional distribution
# ---------------------------------------------------------------------------


def _assert_columns_sum_to_one(model: crampnet.Model) -> None:
    for nid, table in model.compiled.tables.items():
        assert np.all(table >= 0), nid
        assert np.allclose(table.sum(axis=0), 1.0, rtol=0, atol=1e-12), nid
    for cpd in model.network.get_cpds():
        assert np.allclose(cpd.get_values().sum(axis=0), 1.0, rtol=0, atol=1e-12), cpd.variable


def test_tiny_columns_sum_to_one(tiny):
    """Check that every column of every tiny.toml table sums to 1."""
    _assert_columns_sum_to_one(tiny)


def test_shipped_columns_sum_to_one(model):
    """Check that every column of every shipped table sums to 1 and nothing is negative."""
    _assert_columns_sum_to_one(model)


@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=30)
def test_random_columns_sum_to_one(random_networks, seed):
    """Check that every column of every random network's table sums to 1."""
    model, _, _ = random_networks.make(seed)
    _assert_columns_sum_to_one(model)
