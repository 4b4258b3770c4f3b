"""Counterfactual ranking: noisy-OR networks against twin-network enumeration, and cases computed by hand.

The other finding models (noisy-MAX, mixture, table, logistic) and soft
evidence are checked against their own twin networks in
tests/test_counterfactual_twin.py.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.model import Model
from crampnet.network.spec import NoisyOr, parse_network
from crampnet.reasoning.ranking import MEASURE_DEFINITIONS, RANKINGS, counterfactual_scores, order

# ---------------------------------------------------------------------------
# Small noisy-OR networks and the twin-network oracle
# ---------------------------------------------------------------------------


def _prob(rng: np.random.Generator, low: float = 0.05, high: float = 0.95) -> float:
    return round(float(rng.uniform(low, high)), 4)


def noisy_or_network(seed: int) -> Model:
    """A random small network whose findings are all leaky noisy-ORs.

    1-2 context nodes, 2-3 conditions (one may have a condition parent), 2-4
    findings with links from 1-3 conditions and sometimes a context node.
    Some links are exactly 1 and some leaks exactly 0, to reach every branch.
    """
    rng = np.random.default_rng(seed)
    lines = [
        'schema = "crampnet-network/1"',
        'name = "twin"',
        'version = "1"',
        "[sources.s]",
        'kind = "literature"',
        'citation = "made up"',
    ]
    contexts = [f"ctx{i}" for i in range(int(rng.integers(1, 3)))]
    ctx_states: dict[str, list[str]] = {}
    for c in contexts:
        states = ["yes", "no"] if rng.random() < 0.6 else ["low", "mid", "high"]
        ctx_states[c] = states
        raw = rng.dirichlet(np.ones(len(states))) * 0.9 + 0.1 / len(states)
        probs = [round(float(x), 6) for x in raw[:-1]]
        probs.append(round(1 - sum(probs), 6))
        lines += [
            f"[nodes.{c}]",
            'role = "context"',
            f"states = {json.dumps(states)}",
            f'prior = {{ probabilities = {{ {", ".join(f"{s} = {p!r}" for s, p in zip(states, probs, strict=True))} }}, source = "s" }}',
        ]
    conditions = [f"d{i}" for i in range(int(rng.integers(2, 4)))]
    for i, d in enumerate(conditions):
        c = str(rng.choice(contexts))
        links = [
            f'{{ parent = "{c}", state = "{ctx_states[c][0]}", value = {_prob(rng)}, source = "s" }}'
        ]
        if i > 0 and rng.random() < 0.4:
            links.append(
                f'{{ parent = "{conditions[i - 1]}", state = "present", value = {_prob(rng)}, source = "s" }}'
            )
        lines += [
            f"[nodes.{d}]",
            'role = "condition"',
            'states = ["present", "absent"]',
            f"[nodes.{d}.cpd]",
            'model = "noisy_or"',
            f'leak = {{ value = {_prob(rng, 0.05, 0.4)}, source = "s" }}',
            f"links = [{', '.join(links)}]",
        ]
    for j in range(int(rng.integers(2, 5))):
        parents = [
            str(p)
            for p in rng.choice(
                conditions, size=int(rng.integers(1, len(conditions) + 1)), replace=False
            )
        ]
        links = [
            f'{{ parent = "{p}", state = "present", value = {1.0 if rng.random() < 0.15 else _prob(rng)}, source = "s" }}'
            for p in parents
        ]
        if rng.random() < 0.4:
            c = str(rng.choice(contexts))
            links.append(
                f'{{ parent = "{c}", state = "{ctx_states[c][0]}", value = {_prob(rng)}, source = "s" }}'
            )
        leak = 0.0 if rng.random() < 0.15 else _prob(rng, 0.01, 0.3)
        lines += [
            f"[nodes.f{j}]",
            'role = "finding"',
            'states = ["yes", "no"]',
            f"[nodes.f{j}.cpd]",
            'model = "noisy_or"',
            f'leak = {{ value = {leak}, source = "s" }}',
            f"links = [{', '.join(links)}]",
        ]
    return Model(parse_network("\n".join(lines) + "\n", f"twin-{seed}"))


def twin_network(model: Model, evidence: dict[str, str]) -> pd.DataFrame:
    """Expected disablement and sufficiency by enumerating the twin network.

    Every upstream node (context, condition) and every exogenous bit of every
    observed finding (its leak and one bit per link) is enumerated jointly.
    The factual finding is the OR of the leak bit and the bits of its active
    links; the counterfactual under do(D_k = absent) drops D_k's links
    (other conditions held at their factual states); under do(every other
    condition = absent) it keeps only D_k's links and the context links.
    Returns the expectations given the evidence, per condition.
    """
    spec, tables = model.spec, model.compiled.tables
    upstream = [n for n in spec.order if spec.nodes[n].role != "finding"]
    observed = [n for n in evidence if spec.nodes[n].role == "finding"]
    configs = list(itertools.product(*(spec.nodes[n].states for n in upstream)))
    w_up = np.ones(len(configs))
    for i, conf in enumerate(configs):
        state = dict(zip(upstream, conf, strict=True))
        for n in upstream:
            node = spec.nodes[n]
            index = (
                node.states.index(state[n]),
                *(spec.nodes[p].states.index(state[p]) for p in node.parents),
            )
            w_up[i] *= tables[n][index]
            if n in evidence and evidence[n] != state[n]:
                w_up[i] = 0.0
    bits = []  # (finding, parent or None, state or None, probability of firing)
    for f in observed:
        cpd = spec.nodes[f].cpd
        assert isinstance(cpd, NoisyOr)
        bits.append((f, None, None, cpd.leak.value))
        bits += [(f, link.parent, link.state, link.param.value) for link in cpd.links]
    patterns = list(itertools.product((False, True), repeat=len(bits)))
    fired = np.array(patterns, dtype=bool).reshape(len(patterns), len(bits))
    p_fire = np.array([p for *_, p in bits])
    w_bits = np.prod(np.where(fired, p_fire, 1.0 - p_fire), axis=1)
    # active[u, j]: bit j's cause is active in upstream configuration u (the leak always is)
    active = np.array(
        [
            [
                par is None or dict(zip(upstream, conf, strict=True))[par] == st_
                for (_, par, st_, _) in bits
            ]
            for conf in configs
        ],
        dtype=bool,
    ).reshape(len(configs), len(bits))
    on = fired[:, None, :] & active[None, :, :]  # (bit patterns, configs, bits)

    def finding_on(keep: np.ndarray, f: str) -> np.ndarray:
        mine = np.array([bf == f for (bf, *_) in bits]) & keep
        return on[:, :, mine].any(axis=2)

    everything = np.ones(len(bits), dtype=bool)
    weight = w_bits[:, None] * w_up[None, :]
    for f in observed:
        weight = weight * (finding_on(everything, f) == (evidence[f] == "yes"))
    total = weight.sum()
    positives = [f for f in observed if evidence[f] == "yes"]
    conds = model.conditions
    num_dis = np.zeros(len(conds))
    num_suf = np.zeros(len(conds))
    for k, d in enumerate(conds):
        parent = [par for (_, par, _, _) in bits]
        without_d = np.array([par != d for par in parent])
        d_and_context = np.array(
            [par is None or par == d or spec.nodes[par].role == "context" for par in parent]
        )
        for f in positives:
            num_dis[k] += (weight * ~finding_on(without_d, f)).sum()
            num_suf[k] += (weight * finding_on(d_and_context, f)).sum()
    return pd.DataFrame(
        {"disablement": num_dis / total, "sufficiency": num_suf / total}, index=conds
    )


def random_evidence(model: Model, seed: int) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    evidence: dict[str, str] = {}
    for f in model.findings:
        r = rng.random()
        if r < 0.6:
            evidence[f] = "yes"
        elif r < 0.85:
            evidence[f] = "no"
    for n in model.context + model.conditions:
        if rng.random() < 0.2:
            evidence[n] = str(rng.choice(model.states(n)))
    return evidence


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


@given(seed=st.integers(0, 2**31 - 1))
@settings(max_examples=40)
def test_counterfactuals_equal_twin_network_enumeration(seed):
    """Check expected disablement and sufficiency against brute-force twin-network enumeration."""
    model = noisy_or_network(seed)
    evidence = random_evidence(model, seed + 1)
    try:
        posterior = model.posteriors(evidence)
    except crampnet.ImpossibleEvidenceError:
        assume(False)
    ours = counterfactual_scores(model, evidence)
    oracle = twin_network(model, evidence)
    np.testing.assert_allclose(
        ours["disablement"].to_numpy(),
        oracle["disablement"].to_numpy(),
        atol=1e-9,
        err_msg=str(evidence),
    )
    np.testing.assert_allclose(
        ours["sufficiency"].to_numpy(),
        oracle["sufficiency"].to_numpy(),
        atol=1e-9,
        err_msg=str(evidence),
    )
    np.testing.assert_allclose(
        ours["posterior"].to_numpy(), posterior[model.conditions].to_numpy(), atol=1e-12
    )


def test_hand_computed_single_cause():
    """Check the closed form on one condition and one finding, computed by hand.

    D has prior 0.2, S = leak 0.1 or D with link 0.8. Given S = yes:
    P(D | S) = 0.2 * 0.82 / (0.2 * 0.82 + 0.8 * 0.1) = 0.164 / 0.244.
    S would go away without D iff D present, D's link fired and the leak did
    not: P = 0.2 * 0.8 * 0.9 / 0.244 = 0.144 / 0.244. It would stay with D
    alone iff the leak or D's link fired: P = 1 (S is on).
    """
    text = """
schema = "crampnet-network/1"
name = "one"
version = "1"
[nodes.c]
role = "context"
states = ["yes", "no"]
prior = { probabilities = { yes = 0.5, no = 0.5 }, source = "judgment", reason = "test" }
[nodes.d]
role = "condition"
states = ["present", "absent"]
[nodes.d.cpd]
model = "table"
parents = ["c"]
rows = [
  { when = { c = "yes" }, probabilities = { present = 0.2, absent = 0.8 }, source = "judgment", reason = "test" },
  { when = { c = "no" }, probabilities = { present = 0.2, absent = 0.8 }, source = "judgment", reason = "test" },
]
[nodes.s]
role = "finding"
states = ["yes", "no"]
[nodes.s.cpd]
model = "noisy_or"
leak = { value = 0.1, source = "judgment", reason = "test" }
links = [{ parent = "d", state = "present", value = 0.8, source = "judgment", reason = "test" }]
"""
    model = Model(parse_network(text, "one"))
    scores = counterfactual_scores(model, {"s": "yes"})
    assert scores.loc["d", "posterior"] == pytest.approx(0.164 / 0.244, abs=1e-12)
    assert scores.loc["d", "disablement"] == pytest.approx(0.144 / 0.244, abs=1e-12)
    assert scores.loc["d", "sufficiency"] == pytest.approx(1.0, abs=1e-12)
    assert counterfactual_scores(model, {"s": "no"}).loc["d", "disablement"] == 0.0


def test_no_counted_findings_means_posterior_order(tiny):
    """Check that with every observed finding in its normal state the counterfactual order is the posterior order."""
    evidence = {"age_group": "65_plus", "urge": "no"}
    scores = counterfactual_scores(tiny, evidence)
    assert (scores["disablement"] == 0).all()
    assert order(scores, "counterfactual") == list(tiny.posteriors(evidence).index)


def test_order_sorts_by_measure_then_posterior():
    """Check the order: measure first, posterior breaks ties, network order breaks the rest."""
    scores = pd.DataFrame(
        {
            "posterior": [0.2, 0.9, 0.5, 0.5],
            "disablement": [0.0, 0.0, 0.3, 0.0],
            "sufficiency": [1.0, 0.5, 0.5, 0.5],
        },
        index=["a", "b", "c", "d"],
    )
    assert order(scores, "posterior") == ["b", "c", "d", "a"]
    assert order(scores, "counterfactual") == ["c", "b", "d", "a"]
    assert order(scores, "disablement") == order(scores, "counterfactual")
    assert order(scores, "sufficiency") == ["a", "b", "c", "d"]
    # a condition explaining a negligible fraction of a finding (below the
    # reported precision of 0.01) does not jump ahead of probable ones
    scores.loc["a", "disablement"] = 0.004
    assert order(scores, "counterfactual") == ["c", "b", "d", "a"]
    scores.loc["a", "disablement"] = 0.006
    assert order(scores, "counterfactual") == ["c", "a", "b", "d"]


def test_unknown_ranking_is_an_error():
    """Check that an unknown ranking names the valid ones."""
    scores = pd.DataFrame(
        {"posterior": [0.5], "disablement": [0.0], "sufficiency": [0.0]}, index=["a"]
    )
    with pytest.raises(ValueError, match="'ranking' argument must be one of 'counterfactual'"):
        order(scores, "bayes")
    assert set(RANKINGS) == {"counterfactual", "disablement", "sufficiency", "posterior"}


def test_impossible_evidence_is_an_error(tiny):
    """Check that evidence of probability zero raises ImpossibleEvidenceError."""
    with pytest.raises(crampnet.ImpossibleEvidenceError):
        counterfactual_scores(tiny, {"jerks": "yes", "plm": "absent"})


# ---------------------------------------------------------------------------
# One condition, one finding of each model: computed by hand
# ---------------------------------------------------------------------------


def one_cause(prior: float, finding: str) -> Model:
    """A network: context c, condition d (P(present) = ``prior``), and the finding ``s`` given as TOML."""
    text = f"""
schema = "crampnet-network/1"
name = "one"
version = "1"
[nodes.c]
role = "context"
states = ["yes", "no"]
prior = {{ probabilities = {{ yes = 0.5, no = 0.5 }}, source = "judgment", reason = "test" }}
[nodes.d]
role = "condition"
states = ["present", "absent"]
[nodes.d.cpd]
model = "table"
parents = []
rows = [{{ when = {{}}, probabilities = {{ present = {prior}, absent = {1 - prior} }}, source = "judgment", reason = "test" }}]
[nodes.s]
role = "finding"
{finding}
"""
    return Model(parse_network(text, "one"))


def test_hand_computed_noisy_max():
    """Check a noisy-MAX finding: each cause draws a level, the twin keeps the leak's draw.

    Leak (none, mild, severe) = (0.9, 0.1, 0), D's link (0.2, 0.3, 0.5), P(D) = 0.2.
    Severe comes only from D: P(D | severe) = 1 and without D the leak's draw
    is never severe, so E_dis = 1. Mild: P(mild | D) = 0.5 - 0.9 * 0.2 = 0.32,
    P(mild | no D) = 0.1, P(mild) = 0.064 + 0.08 = 0.144; without D the twin
    shows the leak's draw, which is not mild iff it is none:
    P(leak none, D draws mild) = 0.9 * 0.3 = 0.27 of D's 0.32, so
    E_dis = 0.2 * 0.27 / 0.144 = 0.375.
    """
    model = one_cause(
        0.2,
        """states = ["none", "mild", "severe"]
[nodes.s.cpd]
model = "noisy_max"
leak = { probabilities = { none = 0.9, mild = 0.1, severe = 0.0 }, source = "judgment", reason = "test" }
links = [{ parent = "d", state = "present", probabilities = { none = 0.2, mild = 0.3, severe = 0.5 }, source = "judgment", reason = "test" }]
""",
    )
    assert counterfactual_scores(model, {"s": "severe"}).loc["d", "disablement"] == pytest.approx(
        1.0, abs=1e-12
    )
    mild = counterfactual_scores(model, {"s": "mild"}).loc["d"]
    assert mild["posterior"] == pytest.approx(0.064 / 0.144, abs=1e-12)
    assert mild["disablement"] == pytest.approx(0.375, abs=1e-12)
    assert mild["sufficiency"] == pytest.approx(
        1.0, abs=1e-12
    )  # no other condition: the twin is the factual world
    assert (
        counterfactual_scores(model, {"s": "none"}).loc["d", "disablement"] == 0.0
    )  # the normal state is not counted


def test_hand_computed_mixture_race():
    """Check a mixture finding under the race: the earliest clock's draw shows.

    Leak weight 1, (calf, foot) = (0.5, 0.5); D weight 3, (1, 0); P(D) = 0.5.
    P(calf | D) = (0.5 + 3) / 4 = 0.875, P(calf | no D) = 0.5, so
    P(calf) = 0.6875. Without D the twin shows the leak's draw; calf and a
    twin foot need D's clock first (3/4), D's calf (1) and the leak's foot
    (1/2): 0.375, so E_dis = 0.5 * 0.375 / 0.6875 = 3/11.
    """
    model = one_cause(
        0.5,
        """states = ["calf", "foot"]
[nodes.s.cpd]
model = "mixture"
leak = { weight = 1.0, probabilities = { calf = 0.5, foot = 0.5 }, source = "judgment", reason = "test" }
links = [{ parent = "d", state = "present", weight = 3.0, probabilities = { calf = 1.0, foot = 0.0 }, source = "judgment", reason = "test" }]
""",
    )
    calf = counterfactual_scores(model, {"s": "calf"}).loc["d"]
    assert calf["posterior"] == pytest.approx(0.4375 / 0.6875, abs=1e-12)
    assert calf["disablement"] == pytest.approx(3 / 11, abs=1e-12)
    # foot: D's draw is never foot, so the foot came from the leak's clock and stays
    assert counterfactual_scores(model, {"s": "foot"}).loc["d", "disablement"] == pytest.approx(
        0.0, abs=1e-12
    )


def test_hand_computed_table_is_monotone():
    """Check a table finding under the monotone coupling (one uniform, inverse CDF along the states).

    P(D) = 0.3; TSH (low, normal, high) is (0.15, 0.05, 0.80) with D and
    (0.01, 0.98, 0.01) without. High is U >= 0.2 with D; without D only
    U >= 0.99 stays high: P(stay | high, D) = 0.01 / 0.8. P(D | high) =
    0.24 / 0.247, so E_dis = 0.24 * (1 - 0.0125) / 0.247. Normal is the
    negative state here and is not counted.
    """
    model = one_cause(
        0.3,
        """states = ["low", "normal", "high"]
negative = "normal"
[nodes.s.cpd]
model = "table"
parents = ["d"]
rows = [
  { when = { d = "present" }, probabilities = { low = 0.15, normal = 0.05, high = 0.80 }, source = "judgment", reason = "test" },
  { when = { d = "absent" }, probabilities = { low = 0.01, normal = 0.98, high = 0.01 }, source = "judgment", reason = "test" },
]
""",
    )
    high = counterfactual_scores(model, {"s": "high"}).loc["d"]
    assert high["disablement"] == pytest.approx(0.24 * 0.9875 / 0.247, abs=1e-12)
    assert counterfactual_scores(model, {"s": "normal"}).loc["d", "disablement"] == 0.0
    # low is U < 0.15 with D; without D, U < 0.01 stays low
    low = counterfactual_scores(model, {"s": "low"}).loc["d"]
    assert low["disablement"] == pytest.approx(
        0.3 * (0.15 - 0.01) / (0.3 * 0.15 + 0.7 * 0.01), abs=1e-12
    )


def test_hand_computed_soft_evidence():
    """Check soft evidence: the hard measure averaged over the finding's posterior with the likelihood applied.

    The single-cause noisy-OR of test_hand_computed_single_cause, S observed
    with likelihood (yes, no) = (1, 0.5): P(E) = 0.244 + 0.5 * 0.756 = 0.622.
    Only S = yes counts: E_dis = 0.144 / 0.622, E_suff = P(S = yes | E) = 0.244 / 0.622.
    """
    model = one_cause(
        0.2,
        """states = ["yes", "no"]
[nodes.s.cpd]
model = "noisy_or"
leak = { value = 0.1, source = "judgment", reason = "test" }
links = [{ parent = "d", state = "present", value = 0.8, source = "judgment", reason = "test" }]
""",
    )
    soft = counterfactual_scores(model, {"s": {"yes": 1.0, "no": 0.5}}).loc["d"]
    assert soft["disablement"] == pytest.approx(0.144 / 0.622, abs=1e-12)
    assert soft["sufficiency"] == pytest.approx(0.244 / 0.622, abs=1e-12)
    hard = counterfactual_scores(model, {"s": {"yes": 1.0, "no": 0.0}})
    assert hard.equals(
        counterfactual_scores(model, {"s": "yes"})
    )  # a one-hot likelihood is hard evidence


def test_fitted_table_falls_back_to_the_monotone_coupling():
    """Check a noisy-OR finding whose engine table no longer is the file's noisy-OR (fitted): monotone coupling.

    P(D) = 0.2 and the table P(yes | D) = 0.9, P(yes | no D) = 0.3. Monotone:
    P(S on, S* off | D) = 0.9 - 0.3, so E_dis = 0.2 * 0.6 / (0.18 + 0.24).
    """
    model = one_cause(
        0.2,
        """states = ["yes", "no"]
[nodes.s.cpd]
model = "noisy_or"
leak = { value = 0.1, source = "judgment", reason = "test" }
links = [{ parent = "d", state = "present", value = 0.8, source = "judgment", reason = "test" }]
""",
    )
    tables = dict(model.compiled.tables)
    tables["s"] = np.array([[0.9, 0.3], [0.1, 0.7]])
    fitted = Model(model.spec, tables=tables)
    assert counterfactual_scores(fitted, {"s": "yes"}).loc["d", "disablement"] == pytest.approx(
        0.12 / 0.42, abs=1e-12
    )


def test_every_abnormal_finding_of_the_shipped_network_is_bounded_and_direct(model):
    """Check, for each finding of the shipped network observed alone in each counted state, what the measures must satisfy.

    Only a condition parent (or a part parent's condition) can disable the finding, and at most when it is
    present: ``0 <= E_dis(D) <= P(D | E)`` (no link from an absent state in
    the file) ; ``0 <= E_suff <= 1``; and some parent disables it unless no
    condition raises the state's probability.
    """
    for finding in model.findings:
        node = model.spec.nodes[finding]
        for state in node.states:
            try:
                scores = counterfactual_scores(model, {finding: state})
            except crampnet.ImpossibleEvidenceError:
                continue
            # a condition parent, or the condition of a part parent (curing it cures the part)
            parents = sorted({model.spec.nodes[p].part_of or p for p in node.parents if model.spec.nodes[p].role == "condition"})
            others = scores.drop(index=parents)
            assert (others["disablement"] == 0.0).all(), (finding, state)
            assert (scores["disablement"] >= -1e-12).all() and (
                scores["sufficiency"] <= 1 + 1e-12
            ).all(), (finding, state)
            assert (scores["disablement"] <= scores["posterior"] + 1e-12).all(), (finding, state)


def test_measure_definitions_name_both_measures():
    """Check the one-line definitions displays import: one per measure column, each saying what it counts."""
    assert set(MEASURE_DEFINITIONS) == {"disablement", "sufficiency"}
    assert MEASURE_DEFINITIONS["disablement"].startswith("expected disablement: ")
    assert "cured" in MEASURE_DEFINITIONS["sufficiency"] and MEASURE_DEFINITIONS[
        "sufficiency"
    ].startswith("expected sufficiency: ")
    scores = counterfactual_scores(crampnet.load(), {"urge_to_move": True})
    assert set(MEASURE_DEFINITIONS) <= set(scores.columns)
