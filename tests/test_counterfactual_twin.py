"""Counterfactual ranking of every finding model against an explicit twin network, by enumeration.

Each test network (2-4 conditions, an optional context parent, 1-3 findings
of one model) is written as a TOML file and loaded. The oracle below never
calls crampnet's counterfactual code: from the file's own numbers it builds
each finding's structural causal model (ranking.py's module docstring) as a
finite list of *noise cells* with their probabilities, every exogenous
variable of the finding enumerated jointly:

- noisy-OR: one bit for the leak and one per link;
- noisy-MAX: one draw (a level of ``order``) for the leak and one per link;
- mixture: the order in which the exponential clocks of the leak and of every
  link ring (a permutation, Plackett-Luce probabilities ``prod_i w_(i) /
  sum_(j >= i) w_(j)``, which is how independent exponential clocks order
  themselves; checked by simulation below) and one draw per clock;
- table and logistic: the uniform ``U``, cut at every breakpoint of every
  row's CDF along the declared states, so each cell gives one state for
  every parent configuration.

A finding's state is then a function of (its cell, its parents' states).
The twin evaluates the same function of the same cell with the intervened
conditions set absent (other parents factual). Upstream nodes (context and
conditions) are enumerated jointly; the findings' noises are independent
given them, so the sum over all noises of all findings factorises into one
sum per finding, which the oracle does for each upstream configuration.
"""

from __future__ import annotations

import itertools
import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.reasoning import _counterfactual
from crampnet.reasoning.ranking import counterfactual_scores

KINDS = ("noisy_or", "noisy_max", "mixture", "table", "logistic")
JUDGED = {"source": "judgment", "reason": "test"}
TOL = 1e-9


# ---------------------------------------------------------------------------
# Random networks, written as TOML
# ---------------------------------------------------------------------------


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | int):
        return repr(float(value))
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ "
            + ", ".join(
                f"{json.dumps(k) if not k.isidentifier() else k} = {_toml(v)}"
                for k, v in value.items()
            )
            + " }"
        )
    raise TypeError(value)


def _dist(rng: np.random.Generator, states: list[str], zeros: bool = True) -> dict[str, float]:
    raw = rng.dirichlet(np.ones(len(states)))
    if zeros and rng.random() < 0.15:
        raw[int(rng.integers(len(states)))] = 0.0
        raw = raw / raw.sum()
    values = [round(float(x), 4) for x in raw[:-1]]
    values.append(round(1.0 - sum(values), 10))
    return dict(zip(states, values, strict=True))


def _prob(rng: np.random.Generator, exact: float | None = None) -> float:
    if exact is not None and rng.random() < 0.12:
        return exact
    return round(float(rng.uniform(0.02, 0.98)), 4)


FINDING_STATES = {
    "noisy_or": [
        (["yes", "no"], {}),
        (["low", "normal"], {"positive": "low", "negative": "normal"}),
        (["normal", "raised"], {"positive": "raised"}),
    ],
    "logistic": [(["yes", "no"], {}), (["normal", "raised"], {"positive": "raised"})],
    "noisy_max": [
        (["none", "mild", "severe"], {}),
        (["severe", "none", "mild"], {"order": ["none", "mild", "severe"]}),
        (["yes", "no"], {"order": ["no", "yes"]}),
    ],
    "table": [
        (["low", "normal", "high"], {"negative": "normal"}),
        (["low", "normal", "high"], {}),
        (["yes", "no"], {}),
    ],
    "mixture": [
        (["calf", "foot", "thigh"], {}),
        (["yes", "no"], {}),
        (["calf", "foot", "thigh"], {"negative": "foot"}),
    ],
}


def _condition_rows(
    rng: np.random.Generator, parents: list[str], states: dict[str, list[str]], whole: str | None = None
) -> list[dict]:
    """A random table row per parent configuration of a condition; for a part of ``whole``, present 0 without it."""
    rows = []
    for combo in itertools.product(*(states[q] for q in parents)):
        p = round(float(rng.uniform(0.05, 0.95)), 4)
        if whole is not None and dict(zip(parents, combo, strict=True))[whole] == "absent":
            p = 0.0
        rows.append(
            {
                "when": dict(zip(parents, combo, strict=True)),
                "probabilities": {"present": p, "absent": round(1.0 - p, 10)},
                **JUDGED,
            }
        )
    return rows


def network(seed: int, kind: str) -> tuple[str, dict[str, dict]]:
    """A random network as TOML text, and its nodes as plain dicts (what the oracle reads)."""
    rng = np.random.default_rng(seed)
    nodes: dict[str, dict] = {}
    states: dict[str, list[str]] = {}
    if rng.random() < 0.7:
        states["ctx"] = ["yes", "no"] if rng.random() < 0.5 else ["low", "mid", "high"]
        nodes["ctx"] = {
            "role": "context",
            "states": states["ctx"],
            "prior": {"probabilities": _dist(rng, states["ctx"], zeros=False), **JUDGED},
        }
    conditions = [f"d{i}" for i in range(int(rng.integers(2, 5)))]
    for i, d in enumerate(conditions):
        states[d] = ["present", "absent"]
        parents = (["ctx"] if "ctx" in nodes and rng.random() < 0.5 else []) + (
            [conditions[i - 1]] if i > 0 and rng.random() < 0.3 else []
        )
        nodes[d] = {
            "role": "condition",
            "states": states[d],
            "cpd": {"model": "table", "parents": parents, "rows": _condition_rows(rng, parents, states)},
        }
    curable = list(conditions)
    if kind == "parts":  # 1-2 parts of conditions (crampnet.network.parts), each a table over it and maybe ctx
        for k in range(int(rng.integers(1, 3))):
            whole = str(rng.choice(conditions))
            part = f"p{k}"
            states[part] = ["present", "absent"]
            parents = [whole] + (["ctx"] if "ctx" in nodes and rng.random() < 0.5 else [])
            rows = _condition_rows(rng, parents, states, whole=whole)
            nodes[part] = {
                "role": "condition",
                "states": states[part],
                "part_of": whole,
                "cpd": {"model": "table", "parents": parents, "rows": rows},
            }
            curable.append(part)
    for j in range(int(rng.integers(1, 4))):
        model = kind if kind in KINDS else str(rng.choice(KINDS))
        f_states, extra = FINDING_STATES[model][int(rng.integers(len(FINDING_STATES[model])))]
        parents = [
            str(p)
            for p in rng.choice(
                curable, size=int(rng.integers(1, min(3, len(curable)) + 1)), replace=False
            )
        ]
        if "ctx" in nodes and rng.random() < 0.4 and not (model == "mixture" and len(parents) == 3):
            parents.append("ctx")
        links = []  # (parent, state): a condition's present (sometimes absent) state, a context state other than the last
        for p in parents:
            links.append(
                (
                    p,
                    ("absent" if rng.random() < 0.25 else "present")
                    if p != "ctx"
                    else str(rng.choice(states["ctx"][:-1])),
                )
            )
        body: dict = {"role": "finding", "states": f_states}
        body.update({k: v for k, v in extra.items() if k in ("positive", "negative")})
        cpd: dict = {"model": model}
        if model == "noisy_or":
            cpd["leak"] = {"value": _prob(rng, 0.0), **JUDGED}
            cpd["links"] = [
                {"parent": p, "state": s, "value": _prob(rng, 1.0), **JUDGED} for p, s in links
            ]
        elif model == "logistic":
            cpd["intercept"] = {"baseline": _prob(rng), **JUDGED}
            cpd["odds_ratios"] = [
                {
                    "parent": p,
                    "state": s,
                    "value": round(float(np.exp(rng.uniform(-2.5, 2.5))), 4),
                    **JUDGED,
                }
                for p, s in links
            ]
        elif model == "noisy_max":
            if "order" in extra:
                cpd["order"] = extra["order"]
            cpd["leak"] = {"probabilities": _dist(rng, f_states), **JUDGED}
            cpd["links"] = [
                {"parent": p, "state": s, "probabilities": _dist(rng, f_states), **JUDGED}
                for p, s in links
            ]
        elif model == "mixture":
            cpd["leak"] = {
                "weight": round(float(rng.uniform(0.2, 5.0)), 4),
                "probabilities": _dist(rng, f_states),
                **JUDGED,
            }
            cpd["links"] = [
                {
                    "parent": p,
                    "state": s,
                    "weight": round(float(rng.uniform(0.2, 5.0)), 4),
                    "probabilities": _dist(rng, f_states),
                    **JUDGED,
                }
                for p, s in links
            ]
        else:
            cpd["parents"] = parents
            cpd["rows"] = [
                {
                    "when": dict(zip(parents, combo, strict=True)),
                    "probabilities": _dist(rng, f_states),
                    **JUDGED,
                }
                for combo in itertools.product(*(states[p] for p in parents))
            ]
        body["cpd"] = cpd
        nodes[f"f{j}"] = body
    lines = ['schema = "crampnet-network/1"', 'name = "twin"', 'version = "1"']
    for nid, body in nodes.items():
        lines.append(f"[nodes.{nid}]")
        lines += [f"{k} = {_toml(v)}" for k, v in body.items() if k != "cpd"]
        if "cpd" in body:
            lines.append(f"[nodes.{nid}.cpd]")
            lines += [f"{k} = {_toml(v)}" for k, v in body["cpd"].items()]
    return "\n".join(lines) + "\n", nodes


def random_evidence(seed: int, nodes: dict[str, dict], soft: bool) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    evidence: dict[str, object] = {}
    for nid, body in nodes.items():
        observe = rng.random() < (0.8 if body["role"] == "finding" else 0.15)
        if not observe:
            continue
        if soft and rng.random() < 0.6:
            weights = rng.uniform(0.0, 1.0, size=len(body["states"]))
            weights[rng.random(len(weights)) < 0.2] = 0.0
            weights[int(rng.integers(len(weights)))] = max(weights.max(), 0.1)
            evidence[nid] = {s: float(w) for s, w in zip(body["states"], weights, strict=True)}
        else:
            evidence[nid] = str(rng.choice(body["states"]))
    return evidence


# ---------------------------------------------------------------------------
# The oracle: each finding's SCM as noise cells, and the twin network
# ---------------------------------------------------------------------------


def _links(cpd: dict) -> list[dict]:
    return cpd.get("links", cpd.get("odds_ratios", []))


def _parents(body: dict) -> list[str]:
    cpd = body["cpd"]
    return (
        list(cpd["parents"])
        if cpd["model"] == "table"
        else list(dict.fromkeys(link["parent"] for link in _links(cpd)))
    )


def normal_state(body: dict) -> str | None:
    """The normal state, from the file: FORMAT.md's defaults and the format's meaning of each model."""
    cpd = body["cpd"]
    if cpd["model"] in ("noisy_or", "logistic"):
        positive = body.get(
            "positive",
            next((s for s in ("yes", "present", "positive") if s in body["states"]), None),
        )
        return next(s for s in body["states"] if s != positive)
    if cpd["model"] == "noisy_max":
        return cpd.get("order", body["states"])[0]
    return body.get(
        "negative", next((s for s in ("no", "absent", "negative") if s in body["states"]), None)
    )


class Scm:
    """A finding's noise cells (``probs``) and its state as a function of (cell, parents' states)."""

    def __init__(self, body: dict, states: dict[str, list[str]]) -> None:
        self.body, self.cpd, self.states = body, body["cpd"], body["states"]
        self.parents = _parents(body)
        self.configs = list(itertools.product(*(states[p] for p in self.parents)))
        model = self.cpd["model"]
        links = _links(self.cpd)
        self.active = np.array(
            [
                [1]
                + [
                    int(dict(zip(self.parents, c, strict=True))[link["parent"]] == link["state"])
                    for link in links
                ]
                for c in self.configs
            ],
            dtype=bool,
        )
        if model == "noisy_or":
            p = np.array([self.cpd["leak"]["value"]] + [link["value"] for link in links])
            bits = np.array(list(itertools.product((False, True), repeat=len(p))))
            self.probs = np.prod(np.where(bits, p, 1.0 - p), axis=1)
            positive = body.get(
                "positive",
                next((s for s in ("yes", "present", "positive") if s in self.states), None),
            )
            on = (bits[:, None, :] & self.active[None, :, :]).any(axis=2)
            self._table = np.where(on, self.states.index(positive), 1 - self.states.index(positive))
        elif model == "noisy_max":
            order = self.cpd.get("order", self.states)
            dists = [
                [d["probabilities"].get(s, 0.0) for s in order] for d in [self.cpd["leak"], *links]
            ]
            draws = np.array(list(itertools.product(range(len(order)), repeat=len(dists))))
            self.probs = np.prod([np.array(d)[draws[:, j]] for j, d in enumerate(dists)], axis=0)
            level = np.where(self.active[None, :, :], draws[:, None, :], 0).max(axis=2)
            self._table = np.array([self.states.index(s) for s in order])[level]
        elif model == "mixture":
            clocks = [self.cpd["leak"], *links]
            weights = [c["weight"] for c in clocks]
            dists = [[c["probabilities"].get(s, 0.0) for s in self.states] for c in clocks]
            rows, probs = [], []
            for perm in itertools.permutations(range(len(clocks))):
                p_perm = math.prod(
                    weights[perm[i]] / sum(weights[j] for j in perm[i:]) for i in range(len(perm))
                )
                for draw in itertools.product(range(len(self.states)), repeat=len(clocks)):
                    p_draw = math.prod(dists[j][draw[j]] for j in range(len(clocks)))
                    # the first clock to ring among the active ones decides (the leak's is always active)
                    winner = [
                        next(j for j in perm if self.active[c, j]) for c in range(len(self.configs))
                    ]
                    rows.append([draw[w] for w in winner])
                    probs.append(p_perm * p_draw)
            self.probs, self._table = np.array(probs), np.array(rows)
        else:
            cdf = np.cumsum(np.array([self._row(c) for c in self.configs]), axis=1)
            cdf[:, -1] = 1.0
            cuts = np.unique(np.concatenate([[0.0, 1.0], cdf.ravel()]))
            cuts = cuts[(cuts >= 0.0) & (cuts <= 1.0)]
            lo, hi = cuts[:-1], cuts[1:]
            keep = hi > lo
            mid = 0.5 * (lo[keep] + hi[keep])
            self.probs = (hi - lo)[keep]
            self._table = np.array([[int(np.argmax(u < row)) for row in cdf] for u in mid])

    def _row(self, config: tuple[str, ...]) -> list[float]:
        """P(S | parents) of a table or logistic finding, read off the file."""
        when = dict(zip(self.parents, config, strict=True))
        if self.cpd["model"] == "table":
            row = next(r for r in self.cpd["rows"] if r["when"] == when)
            return [row["probabilities"].get(s, 0.0) for s in self.states]
        b = self.cpd["intercept"]["baseline"]
        logit = math.log(b / (1 - b)) + sum(
            math.log(o["value"]) for o in self.cpd["odds_ratios"] if when[o["parent"]] == o["state"]
        )
        p = 1.0 / (1.0 + math.exp(-logit))
        positive = self.body.get(
            "positive", next((s for s in ("yes", "present", "positive") if s in self.states), None)
        )
        return [p if s == positive else 1.0 - p for s in self.states]

    def column(self, assignment: dict[str, str]) -> int:
        return self.configs.index(tuple(assignment[p] for p in self.parents))

    def values(self, assignment: dict[str, str]) -> np.ndarray:
        """The finding's state index in every noise cell, given its parents' states."""
        return self._table[:, self.column(assignment)]

    def cpd_table(self) -> np.ndarray:
        """P(S = s | parents) by summing the noise cells: ``(states, configs)``."""
        out = np.zeros((len(self.states), len(self.configs)))
        for c in range(len(self.configs)):
            np.add.at(out[:, c], self._table[:, c], self.probs)
        return out


def likelihood(value: object, states: list[str]) -> np.ndarray:
    if isinstance(value, dict):
        return np.array([float(value.get(s, 0.0)) for s in states])
    return np.array([float(s == value) for s in states])


def twin_network(
    model: crampnet.Model, nodes: dict[str, dict], evidence: dict[str, object]
) -> dict[str, np.ndarray]:
    """Posterior, expected disablement and sufficiency of every condition, by enumeration ({} if P(evidence) = 0)."""
    spec, tables = model.spec, model.compiled.tables
    states = {nid: list(body["states"]) for nid, body in nodes.items()}
    upstream = [n for n in spec.order if nodes[n]["role"] != "finding"]
    findings = [n for n in nodes if nodes[n]["role"] == "finding"]
    conditions = [
        n for n in nodes if nodes[n]["role"] == "condition" and "part_of" not in nodes[n]
    ]  # file order, as the scores; a part is not listed
    parts = {n: nodes[n]["part_of"] for n in nodes if "part_of" in nodes[n]}
    scms = {f: Scm(nodes[f], states) for f in findings}
    lik = {n: likelihood(v, states[n]) for n, v in evidence.items()}
    observed = [f for f in findings if f in lik and not np.all(lik[f] == lik[f][0])]
    worlds = [
        dict(zip(upstream, c, strict=True))
        for c in itertools.product(*(states[n] for n in upstream))
    ]
    prior = np.ones(len(worlds))
    for w, world in enumerate(worlds):
        for n in upstream:
            index = (
                states[n].index(world[n]),
                *(states[p].index(world[p]) for p in spec.nodes[n].parents),
            )
            prior[w] *= tables[n][index] * (lik[n][states[n].index(world[n])] if n in lik else 1.0)
    # L_f(world): the probability of f's evidence, summed over f's noise cells
    like = {
        f: np.array([scms[f].probs @ lik[f][scms[f].values(world)] for world in worlds])
        if f in lik
        else np.ones(len(worlds))
        for f in findings
    }
    total = prior * np.prod([like[f] for f in findings], axis=0)
    p_evidence = total.sum()
    if p_evidence == 0.0:
        return {}
    posterior = (
        np.array(
            [
                sum(t for t, world in zip(total, worlds, strict=True) if world[d] == "present")
                for d in conditions
            ]
        )
        / p_evidence
    )
    dis, suf = np.zeros(len(conditions)), np.zeros(len(conditions))
    for f in observed:
        scm = scms[f]
        counts = np.array([s != normal_state(nodes[f]) for s in states[f]])
        others = prior * np.prod([like[g] for g in findings if g != f], axis=0)
        for k, d in enumerate(conditions):
            for out, wholes in ((dis, [d]), (suf, [c for c in conditions if c != d])):
                # a part is its condition and its own noise: curing the condition cures it
                cured = wholes + [q for q, whole in parts.items() if whole in wholes]
                for w, world in enumerate(worlds):
                    factual = scm.values(world)
                    twin = scm.values({**world, **dict.fromkeys(cured, "absent")})
                    weight = scm.probs * lik[f][factual] * counts[factual]
                    stays = weight @ (twin == factual)
                    out[k] += others[w] * (weight.sum() - stays if out is dis else stays)
    return {
        "posterior": posterior,
        "disablement": dis / p_evidence,
        "sufficiency": suf / p_evidence,
    }


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("twin_networks")


def load(folder: Path, seed: int, kind: str) -> tuple[crampnet.Model, dict[str, dict]]:
    text, nodes = network(seed, kind)
    path = folder / f"{kind}_{seed}.toml"
    path.write_text(text, encoding="utf-8")
    return crampnet.load(path), nodes


@pytest.mark.parametrize("kind", [*KINDS, "soft", "parts"])
@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=100, deadline=None)
def test_measures_equal_twin_network_enumeration(folder, kind, seed):
    """Check expected disablement and sufficiency against the enumerated twin network to 1e-9, per finding model."""
    model, nodes = load(folder, seed, kind)
    evidence = random_evidence(seed + 1, nodes, soft=kind == "soft")
    oracle = twin_network(model, nodes, evidence)
    if not oracle:  # evidence of probability zero
        with pytest.raises(crampnet.ImpossibleEvidenceError):
            counterfactual_scores(model, evidence)
        assume(False)
    ours = counterfactual_scores(model, evidence)
    for column in ("posterior", "disablement", "sufficiency"):
        np.testing.assert_allclose(
            ours[column].to_numpy(),
            oracle[column],
            rtol=0,
            atol=TOL,
            err_msg=f"{column}: {evidence}",
        )


@pytest.mark.parametrize("kind", ["mixture", "table", "logistic", "soft", "parts"])
@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_family_from_parent_rows_equals_enumeration(folder, kind, seed):
    """Check the other way to a finding's family posterior: rows of its parents' configurations (wide trees)."""
    model, nodes = load(folder, seed, kind)
    evidence = random_evidence(seed + 1, nodes, soft=kind == "soft")
    states = {nid: list(body["states"]) for nid, body in nodes.items()}
    for f, value in evidence.items():
        if nodes[f]["role"] == "finding":
            assume((likelihood(value, states[f]) @ Scm(nodes[f], states).cpd_table()).max() > 0.0)
    oracle = twin_network(model, nodes, evidence)
    assume(bool(oracle))
    for limits in ({"ENTRIES_PER_ROW": 0}, {"ENTRIES_PER_ROW": 0, "CONFIGURATIONS": 0}):
        with pytest.MonkeyPatch.context() as patch:
            for (
                name,
                value,
            ) in limits.items():  # rows of parent configurations; past their cap, the tree anyway
                patch.setattr(_counterfactual, name, value)
            ours = counterfactual_scores(model, evidence)
        for column in ("disablement", "sufficiency"):
            np.testing.assert_allclose(
                ours[column].to_numpy(), oracle[column], rtol=0, atol=TOL, err_msg=str(limits)
            )


@pytest.mark.parametrize("kind", KINDS)
@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=20, deadline=None)
def test_scm_reproduces_the_file_cpd(folder, kind, seed):
    """Check that each finding's SCM (noisy-MAX draws, the mixture's race, ...) gives exactly the engine's table."""
    model, nodes = load(folder, seed, kind)
    states = {nid: list(body["states"]) for nid, body in nodes.items()}
    for f, body in nodes.items():
        if body["role"] != "finding":
            continue
        scm = Scm(body, states)
        table = model.compiled.tables[f].reshape(
            len(states[f]), -1
        )  # parents in file order, as the SCM's configurations
        assert [p for p in model.spec.nodes[f].parents] == scm.parents
        np.testing.assert_allclose(scm.cpd_table(), table, rtol=0, atol=1e-12)


def test_exponential_clocks_order_as_plackett_luce():
    """Check by simulation that independent exponential clocks ring in the order the oracle enumerates."""
    rng = np.random.default_rng(20201)
    weights = np.array([0.7, 2.0, 1.3])
    n = 400_000
    rings = rng.exponential(1.0 / weights, size=(n, 3))
    seen = np.argsort(rings, axis=1)
    for perm in itertools.permutations(range(3)):
        expected = math.prod(weights[perm[i]] / weights[list(perm[i:])].sum() for i in range(3))
        frequency = np.mean(np.all(seen == perm, axis=1))
        assert abs(frequency - expected) < 5 * math.sqrt(expected * (1 - expected) / n), (
            perm,
            frequency,
            expected,
        )


def test_oracle_counts_what_ranking_docstring_says():
    """Check the oracle's normal states on a hand-made case: noisy-OR non-positive, noisy-MAX first of order, table negative."""
    assert (
        normal_state({"states": ["low", "normal"], "positive": "low", "cpd": {"model": "noisy_or"}})
        == "normal"
    )
    assert (
        normal_state(
            {
                "states": ["severe", "none", "mild"],
                "cpd": {"model": "noisy_max", "order": ["none", "mild", "severe"]},
            }
        )
        == "none"
    )
    assert normal_state({"states": ["low", "normal", "high"], "cpd": {"model": "table"}}) is None
    assert normal_state({"states": ["yes", "no"], "cpd": {"model": "mixture"}}) == "no"


@pytest.fixture(scope="module")
def shipped() -> tuple[crampnet.Model, dict[str, dict]]:
    """The shipped network, loaded and read as plain TOML from the same file."""
    path = Path(__file__).resolve().parent.parent / "networks" / "leg_cramps.toml"
    return crampnet.load(path), tomllib.loads(path.read_text(encoding="utf-8"))["nodes"]


@pytest.mark.parametrize(
    ("finding", "state"),
    [("ankle_brachial_index", "very_low"), ("pedal_pulses", "absent"), ("tsh", "high")],
)
def test_shipped_network_findings_against_their_scm(shipped, finding, state):
    """Check a noisy-MAX and a table finding of the shipped network: the measures given that finding alone, by enumeration.

    ``P(pa)`` comes from ``model.probability`` (the engine's exact joint of the
    finding's parents) and the twin from the finding's SCM enumerated over its
    noise cells, read from the network file itself.
    """
    model, raw = shipped
    if finding not in raw or state not in raw[finding]["states"]:
        pytest.skip(f"the network has no {finding}={state}")
    states = {nid: list(body["states"]) for nid, body in raw.items()}
    scm = Scm(raw[finding], states)
    s = states[finding].index(state)
    counts = state != normal_state(raw[finding])
    p_state = model.probability({finding: state})
    dis, suf = dict.fromkeys(model.conditions, 0.0), dict.fromkeys(model.conditions, 0.0)
    cond_parents = [p for p in scm.parents if p in model.conditions]
    for config in scm.configs:
        world = dict(zip(scm.parents, config, strict=True))
        p_world = model.probability(world)
        factual = scm.values(world) == s
        for d in model.conditions:
            cured_dis = scm.values({**world, d: "absent"} if d in world else world) == s
            cured_suf = scm.values({**world, **{c: "absent" for c in cond_parents if c != d}}) == s
            dis[d] += p_world * (scm.probs @ (factual & ~cured_dis)) * counts / p_state
            suf[d] += p_world * (scm.probs @ (factual & cured_suf)) * counts / p_state
    ours = counterfactual_scores(model, {finding: state})
    np.testing.assert_allclose(
        ours["disablement"].to_numpy(), [dis[d] for d in model.conditions], rtol=0, atol=TOL
    )
    np.testing.assert_allclose(
        ours["sufficiency"].to_numpy(), [suf[d] for d in model.conditions], rtol=0, atol=TOL
    )
    assert max(dis.values()) > 0.1  # the finding weighs in the differential
