"""Shared fixtures: hypothesis profiles, models, a brute-force oracle, random networks.

Under ``--import-mode=importlib`` the tests cannot import helper modules, so
every helper is defined here and handed to the tests through a fixture.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import crampnet

HERE = Path(__file__).parent
DATA = HERE / "data"
REPO = HERE.parent
SHARED = REPO.parent / "shared"
SHIPPED_FILE = REPO / "networks" / "leg_cramps.toml"

# The numpy engine is the default of the test suite: once a test compiles the
# numba kernel, "auto" would run every later pass in it, and which engine a
# test exercised would depend on test order. Tests of the kernel force it
# (CRAMPNET_JIT=always in tests/test_kernel.py and the "kernel" path of
# tests/test_quickscore.py); setting CRAMPNET_JIT runs the whole suite in one.
os.environ.setdefault("CRAMPNET_JIT", "never")



def _pruned_in_model_order(prune: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap pgmpy's ``Inference._prune_bayesian_model`` so that the pruned network lists its nodes and CPDs in the model's order.

    pgmpy prunes through sets, so the order of the pruned network's nodes and
    CPDs follows the hash seed, and so does the einsum contraction path its
    default ("greedy") query takes from that order: on the shipped network one
    query takes 1 s under one PYTHONHASHSEED and minutes under another (a CI
    run of session 42 spent over 11 minutes in tests/test_answers_by_condition.py,
    which takes 12-56 s under seeds 0-11). The reference answers are the same
    either way; in the model's order they cost the same in every run.
    """
    from pgmpy.models import DiscreteBayesianNetwork

    def pruned(self: Any, variables: Any, evidence: Any) -> Any:
        bn, evidence = prune(self, variables, evidence)
        rank = {node: i for i, node in enumerate(self.model.nodes())}
        ordered = DiscreteBayesianNetwork()
        ordered.add_nodes_from(sorted(bn.nodes(), key=rank.__getitem__))
        ordered.add_edges_from(sorted(bn.edges(), key=lambda edge: (rank[edge[1]], rank[edge[0]])))
        ordered.latents = set(getattr(bn, "latents", set()))
        ordered.cpds = sorted(bn.cpds, key=lambda cpd: rank[cpd.variable])
        return ordered, evidence

    return pruned


def _deterministic_pgmpy() -> None:
    """Make pgmpy's variable elimination take the same path in every run (:func:`_pruned_in_model_order`)."""
    from pgmpy.inference.base import Inference

    if not getattr(Inference._prune_bayesian_model, "_crampnet_ordered", False):
        wrapped = _pruned_in_model_order(Inference._prune_bayesian_model)
        wrapped._crampnet_ordered = True  # type: ignore[attr-defined]
        Inference._prune_bayesian_model = wrapped  # type: ignore[method-assign]


_deterministic_pgmpy()

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


# ---------------------------------------------------------------------------
# A child process limited to its size so far plus 1 GiB
# ---------------------------------------------------------------------------

#: Prepended to a child's script: ``limit_to_1_gib_more()`` caps the child's
#: address space at its size when called plus 1 GiB (Linux: reads /proc/self/status).
LIMIT_1_GIB = r"""
import resource

def _vm_size():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize")

def limit_to_1_gib_more():
    resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + (1 << 30), resource.getrlimit(resource.RLIMIT_AS)[1]))
"""


@pytest.fixture(scope="session")
def run_child() -> Callable[..., dict[str, Any]]:
    """Run a script in a child (numpy engine) that may call ``limit_to_1_gib_more()``; its last line of output, read as JSON."""

    def run(script: str, *args: str, timeout: float = 120.0) -> dict[str, Any]:
        env = {**os.environ, "CRAMPNET_JIT": "never"}
        done = subprocess.run([sys.executable, "-c", LIMIT_1_GIB + script, *args], capture_output=True, text=True, timeout=timeout, env=env, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    return run


#: How each exact path of the engine is forced: the cost-model settings of
#: ``crampnet.inference._routing`` and CRAMPNET_JIT. Numpy on the shared
#: Quickscore tree for every case with few enough terms, or on the pruned trees
#: for none of them; or the compiled kernel, where every case tries Quickscore
#: first. Tests name the paths in their parametrisation and force one with
#: the ``forced_path`` fixture.
ENGINE_PATHS: dict[str, tuple[dict[str, float], str]] = {
    "quickscore": ({"COST_TERM": 0.0}, "never"),
    "pruned trees": ({"COST_TERM": math.inf}, "never"),
    "kernel": ({}, "always"),
}


@contextmanager
def _force_path(path: str) -> Iterator[None]:
    """Force one exact path of the engine (a key of ``ENGINE_PATHS``) for a ``with`` block; ``"default"`` forces none."""
    import crampnet.inference._routing as routing

    if path == "default":
        yield
        return
    settings_, jit = ENGINE_PATHS[path]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CRAMPNET_JIT", jit)
        for name, value in settings_.items():
            mp.setattr(routing, name, value)
        yield


@pytest.fixture(scope="session")
def forced_path() -> Callable[[str], AbstractContextManager[None]]:
    """``forced_path(path)``: a context manager that forces ``path`` (``"quickscore"``, ``"pruned trees"``, ``"kernel"`` or ``"default"``)."""
    return _force_path


@pytest.fixture
def cli_error(capsys: pytest.CaptureFixture[str]) -> Callable[[list[str]], str]:
    """Run ``crampnet.cli.main(argv)``, check it exits 2 with one clean error line and no output, and return stderr."""
    from crampnet.cli import main

    def run(argv: list[str]) -> str:
        assert main(argv) == 2
        captured = capsys.readouterr()
        assert captured.err.startswith("crampnet: error: ") and "Traceback" not in captured.err, captured.err
        assert captured.err.count("\n") == 1, captured.err
        assert captured.out == ""
        return captured.err

    return run


def _run_cli(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    from crampnet.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = main(argv)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def cli_run() -> Callable[..., tuple[int, str, str]]:
    """``cli_run(argv, stdin="")``: run ``crampnet.cli.main(argv)`` with ``stdin`` as its standard input; the exit code, stdout and stderr."""
    return _run_cli


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def model() -> crampnet.Model:
    """The shipped network (tests needing it skip while the file does not exist yet)."""
    try:
        return crampnet.load()
    except crampnet.NetworkFileError as err:
        if "missing" in str(err) and not SHIPPED_FILE.exists():
            pytest.skip(f"the shipped network networks/leg_cramps.toml does not exist yet ({err})")
        raise


@pytest.fixture(scope="session")
def clinical_cases() -> list[dict[str, object]]:
    """The five textbook cases of ``benchmarks/bench_inference.py --clinical``, read from the script (one list for the benchmark and the tests)."""
    spec = importlib.util.spec_from_file_location("bench_inference_cases", REPO / "benchmarks" / "bench_inference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CLINICAL_CASES)


@pytest.fixture(scope="session")
def random_cases() -> Callable[[crampnet.Model, int, int], list[dict[str, object]]]:
    """``draw(model, n, seed)``: ``n`` cases of 3 to 11 context and finding nodes, their states drawn from the network (so possible)."""

    def draw(model: crampnet.Model, n: int, seed: int) -> list[dict[str, object]]:
        sample = model.simulate(n, seed=seed)
        rng = np.random.default_rng(seed)
        observable = [nid for nid in model.spec.nodes if model.spec.nodes[nid].role != "condition"]
        return [{str(nid): sample.iloc[i][str(nid)] for nid in rng.choice(observable, size=int(rng.integers(3, 12)), replace=False)} for i in range(n)]

    return draw


@pytest.fixture(scope="session")
def adults() -> crampnet.Model:
    """The shipped network in the general adult population (the file's own priors), where risk-factor studies measured their odds ratios."""
    return crampnet.load(population="adults")


@pytest.fixture(scope="session")
def dvt_odds_ratio() -> Callable[[crampnet.Model, dict[str, str], str, str, str], float]:
    """``dvt_odds_ratio(model, given, exposure, exposed, unexposed)``: the odds of DVT with ``exposure`` at ``exposed`` over its odds at ``unexposed``, both given ``given``."""

    def ratio(model: crampnet.Model, given: dict[str, str], exposure: str, exposed: str, unexposed: str) -> float:
        odds = []
        for state in (exposed, unexposed):
            p = model.probability({"deep_vein_thrombosis": "present"}, given={**given, exposure: state})
            odds.append(p / (1 - p))
        return odds[0] / odds[1]

    return ratio


@pytest.fixture(scope="session")
def tiny() -> crampnet.Model:
    """The small test network tests/data/tiny.toml (all five models, one deterministic node)."""
    return crampnet.load(DATA / "tiny.toml")


# ---------------------------------------------------------------------------
# The brute-force oracle
# ---------------------------------------------------------------------------


class BruteForce:
    """Exact probabilities by enumerating the full joint of a small pgmpy network.

    The joint is built from the pgmpy CPDs alone (``network.get_cpds()``,
    addressed by state name), one configuration per row of
    ``itertools.product`` over every variable's states. Evidence is a mapping
    of node id to a state name (hard) or to ``{state: likelihood}`` (soft;
    states left out have likelihood 0).
    """

    def __init__(self, network: Any, max_configs: int = 2_000_000) -> None:
        cpds = network.get_cpds()
        self.variables = sorted(str(v) for v in network.nodes())
        self.pos = {v: i for i, v in enumerate(self.variables)}
        self.states: dict[str, list[str]] = {}
        for cpd in cpds:
            self.states.setdefault(cpd.variable, list(cpd.state_names[cpd.variable]))
        missing = set(self.variables) - set(self.states)
        if missing:
            msg = f"no CPD for {sorted(missing)}"
            raise ValueError(msg)
        size = math.prod(len(self.states[v]) for v in self.variables)
        if size > max_configs:
            msg = f"the joint has {size} configurations, too many to enumerate"
            raise ValueError(msg)
        ranges = [range(len(self.states[v])) for v in self.variables]
        self.configs = np.array(list(itertools.product(*ranges)), dtype=np.intp).reshape(size, len(self.variables))
        joint = np.ones(size)
        for cpd in cpds:
            values = np.asarray(cpd.values, dtype=float)
            index = []
            for var in cpd.variables:
                to_cpd = np.array([list(cpd.state_names[var]).index(s) for s in self.states[var]])
                index.append(to_cpd[self.configs[:, self.pos[var]]])
            joint = joint * values[tuple(index)]
        self.joint = joint

    def likelihood(self, var: str, value: object) -> np.ndarray:
        """The likelihood vector over ``var``'s states for a state name or a soft mapping."""
        states = self.states[var]
        if isinstance(value, Mapping):
            unknown = set(value) - set(states)
            if unknown:
                msg = f"{sorted(unknown)} are not states of {var}"
                raise ValueError(msg)
            return np.array([float(value.get(s, 0.0)) for s in states])
        if value not in states:
            msg = f"{value!r} is not a state of {var}"
            raise ValueError(msg)
        return np.array([1.0 if s == value else 0.0 for s in states])

    def weights(self, evidence: Mapping[str, object] | None = None) -> np.ndarray:
        """The joint multiplied by the evidence likelihoods, one entry per configuration."""
        w = self.joint
        for var, value in (evidence or {}).items():
            w = w * self.likelihood(var, value)[self.configs[:, self.pos[var]]]
        return w

    def marginal(self, var: str, evidence: Mapping[str, object] | None = None) -> dict[str, float]:
        """P(var = s | evidence) for every state s."""
        w = self.weights(evidence)
        total = w.sum()
        if total <= 0:
            msg = "the evidence has probability zero"
            raise ZeroDivisionError(msg)
        col = self.configs[:, self.pos[var]]
        return {s: float(w[col == i].sum() / total) for i, s in enumerate(self.states[var])}

    def posterior(self, condition: str, evidence: Mapping[str, object] | None = None) -> float:
        """P(condition = present | evidence)."""
        return self.marginal(condition, evidence)["present"]

    def posteriors(self, conditions: list[str], evidence: Mapping[str, object] | None = None) -> dict[str, float]:
        """P(c = present | evidence) for each condition c."""
        return {c: self.posterior(c, evidence) for c in conditions}

    def probability(self, event: Mapping[str, object], given: Mapping[str, object] | None = None) -> float:
        """P(event | given) for hard assignments."""
        both = self.weights(given)
        for var, value in event.items():
            both = both * self.likelihood(var, value)[self.configs[:, self.pos[var]]]
        return float(both.sum() / self.weights(given).sum())


@pytest.fixture(scope="session")
def brute_force() -> type[BruteForce]:
    """The brute-force oracle class: ``brute_force(model.network)``."""
    return BruteForce


@pytest.fixture(scope="session")
def tiny_oracle(tiny: crampnet.Model) -> BruteForce:
    """The brute-force oracle over tiny.toml's full joint."""
    return BruteForce(tiny.network)


# ---------------------------------------------------------------------------
# pgmpy variable elimination as a second reference
# ---------------------------------------------------------------------------


class ImpossiblePair(ValueError):
    """Evidence with a finding positive and a state it rules out of the finding it implies."""


def reduce_entailed(network: Any, evidence: Mapping[str, object] | None) -> dict[str, object]:
    """The evidence as crampnet counts it: a finding implied by another observed one left out.

    Written here from the rule of networks/FORMAT.md ("Nested findings"),
    not imported: the pairs come from ``network.graph["crampnet_entails"]``
    (crampnet.interop._pgmpy.to_pgmpy). The implications are followed
    transitively along chains (e entails r, r entails b: e's positive state
    implies b's too). With A observed in its positive state, every finding
    A implies, directly or through others, is dropped (or, if one of them
    rules out the implied state, the evidence is impossible: ImpossiblePair
    naming A and it); with B observed without the implied state, every
    finding that implies B, directly or through others, is dropped. Values
    are state names or soft mappings.
    """
    out = dict(evidence or {})
    pairs = getattr(network, "graph", {}).get("crampnet_entails", ())

    def weight(value: object, state: str) -> float:
        return float(value.get(state, 0.0)) if isinstance(value, Mapping) else float(value == state)

    def states(node: str) -> list[str]:
        return list(network.get_cpds(node).state_names[node])

    def above(a: str, pos: str) -> list[tuple[str, str]]:
        """What ``a = pos`` implies, directly or through a chain: (finding, its implied state)."""
        found: list[tuple[str, str]] = []
        todo = [(a, pos)]
        while todo:
            node, state = todo.pop()
            for x, x_pos, b, t in pairs:
                if x == node and x_pos == state and (b, t) not in found:
                    found.append((b, t))
                    todo.append((b, t))
        return found

    def below(b: str, t: str) -> list[str]:
        """The findings whose positive state implies ``b = t``, directly or through a chain."""
        found: list[str] = []
        todo = [(b, t)]
        while todo:
            node, state = todo.pop()
            for a, pos, x, x_t in pairs:
                if x == node and x_t == state and a not in found:
                    found.append(a)
                    todo.append((a, pos))
        return found

    drop: set[str] = set()
    for a, pos in dict.fromkeys((a, pos) for a, pos, _, _ in pairs):
        if a not in out:
            continue
        other = next(s for s in states(a) if s != pos)
        if not (weight(out[a], pos) > 0 and weight(out[a], other) == 0):
            continue  # A is not observed positive
        for b, t in above(a, pos):
            if b in out:
                if weight(out[b], t) == 0:
                    msg = f"{a}={pos} implies {b}={t}"
                    raise ImpossiblePair(msg)
                drop.add(b)
    for b, t in dict.fromkeys((b, t) for _, _, b, t in pairs):
        if b in out and weight(out[b], t) == 0 and any(weight(out[b], s) > 0 for s in states(b)):
            drop.update(a for a in below(b, t) if a in out)
    return {k: v for k, v in out.items() if k not in drop}


_NESTED: dict[int, tuple[Any, Any]] = {}


def _on_union(cpd: Any, state: str, union: list[str], cards: Mapping[str, int]) -> np.ndarray:
    """P(cpd's variable = state | its parents) as an array over ``union`` (axes in its order; 1-wide where not a parent)."""
    var, parents = cpd.variable, cpd.variables[1:]
    values = cpd.get_values().reshape([len(cpd.state_names[var]), *(cards[e] for e in parents)])
    row = values[cpd.state_names[var].index(state)]
    row = row.transpose(sorted(range(len(parents)), key=lambda i: union.index(parents[i])))
    return np.broadcast_to(row.reshape([cards[p] if p in parents else 1 for p in union]), [cards[p] for p in union])


def nested_network(network: Any) -> Any:
    """The pgmpy network with its nested findings written out as a DAG (networks/FORMAT.md, "Nested findings").

    Written here from the rule, not imported: for each finding B that
    findings A_1..A_k imply (``network.graph["crampnet_entails"]``), B gets
    the A's and all their parents as parents, with P(B = t | A's, U) = 1
    where some A is positive and (P(B = t | U) - P(some A | U)) / P(no A | U)
    elsewhere, so the A's keep their own tables and B its marginal. A
    network with no pairs is returned as it is.

    Chains (a forest of implications: e entails r, r entails b, x entails
    b) come out right as they are: every B's table is computed from the
    input network's own noisy-OR tables of B and of its direct A's (never
    the rewritten ones), over the A's own parents, so r gets e and e's
    parents, b gets r and x and their parents, and P(some A | U) is the
    union of r's and x's own noisy-ORs. A grandchild (e) reaches b only
    through r, whose marginal given U its new table keeps.
    """
    from pgmpy.factors.discrete import TabularCPD

    pairs = getattr(network, "graph", {}).get("crampnet_entails", ())
    if not pairs:
        return network
    if id(network) in _NESTED:
        return _NESTED[id(network)][1]
    out = network.copy()
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for a, pos, b, t in pairs:
        groups.setdefault(b, []).append((a, pos, t))
    for b, implying in groups.items():
        cpd_b = network.get_cpds(b)
        cpds_a = [network.get_cpds(a) for a, _, _ in implying]
        union = list(dict.fromkeys([p for cpd in [cpd_b, *cpds_a] for p in cpd.variables[1:]]))
        cards = {p: len(network.get_cpds(p).state_names[p]) for p in union}

        t = implying[0][2]
        p_b = _on_union(cpd_b, t, union, cards)
        p_a = [_on_union(cpd, pos, union, cards) for cpd, (_, pos, _) in zip(cpds_a, implying, strict=True)]
        none = np.prod([1.0 - x for x in p_a], axis=0)
        rest = np.clip(np.divide(p_b - (1.0 - none), none, out=np.zeros_like(p_b), where=none > 0), 0.0, 1.0)
        states_b = list(cpd_b.state_names[b])
        other = next(s for s in states_b if s != t)
        a_names = [a for a, _, _ in implying]
        a_states = [list(network.get_cpds(a).state_names[a]) for a in a_names]
        columns = []
        for combo in itertools.product(*a_states):
            some = any(state == pos for state, (_, pos, _) in zip(combo, implying, strict=True))
            yes = np.ones_like(rest) if some else rest
            columns.append(yes.reshape(-1))
        yes = np.concatenate(columns)
        rows = {t: yes, other: 1.0 - yes}
        values = np.array([rows[s] for s in states_b])
        evidence = [*a_names, *union]
        names = {b: states_b, **{a: s for a, s in zip(a_names, a_states, strict=True)}, **{p: list(network.get_cpds(p).state_names[p]) for p in union}}
        out.remove_cpds(out.get_cpds(b))
        out.add_edges_from([(a, b) for a in a_names] + [(p, b) for p in union if not out.has_edge(p, b)])
        out.add_cpds(TabularCPD(b, len(states_b), values, evidence=evidence, evidence_card=[len(names[e]) for e in evidence], state_names=names))
    out.check_model()
    _NESTED[id(network)] = (network, out)
    return out


def ve_posteriors(network: Any, targets: list[str], evidence: Mapping[str, object] | None = None) -> dict[str, float]:
    """P(target = present | evidence) by pgmpy's VariableElimination.

    Hard evidence (state names) goes in ``evidence``; soft evidence
    (``{state: likelihood}``) goes in ``virtual_evidence``. Observed targets
    are answered from the evidence itself (pgmpy refuses to query them).
    Evidence is first reduced by the network's nested findings (:func:`reduce_entailed`),
    and the network's nested findings are written out as a DAG (:func:`nested_network`).
    """
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.inference import VariableElimination

    evidence = reduce_entailed(network, evidence)
    network = nested_network(network)
    hard = {k: v for k, v in evidence.items() if not isinstance(v, Mapping)}
    virtual = []
    for var, lik in evidence.items():
        if not isinstance(lik, Mapping):
            continue
        states = list(network.get_cpds(var).state_names[var])
        vec = np.array([float(lik.get(s, 0.0)) for s in states])
        vec = vec / vec.max()
        virtual.append(TabularCPD(var, len(states), vec.reshape(-1, 1), state_names={var: states}))
    query = [t for t in targets if t not in hard]
    out: dict[str, float] = {}
    # pgmpy's greedy contraction builds the joint of all queried variables before
    # marginalising, so the targets are queried a few at a time.
    for start in range(0, len(query), 6):
        group = query[start : start + 6]
        # A fresh engine per query: pgmpy rebuilds its model in place for virtual evidence.
        engine = VariableElimination(network)
        result = engine.query(group, evidence=hard or None, virtual_evidence=virtual or None, joint=False, show_progress=False)
        for t in group:
            out[t] = float(result[t].get_value(**{t: "present"}))
    for t in targets:
        if t in hard:
            out[t] = 1.0 if hard[t] == "present" else 0.0
    return out


def ve_probability(network: Any, event: Mapping[str, str], given: Mapping[str, str] | None = None) -> float:
    """P(event | given) for hard assignments, by pgmpy joint queries (evidence reduced as :func:`reduce_entailed` says)."""
    given = dict(given or {})
    if any(k in given and given[k] != v for k, v in event.items()):
        return 0.0
    return ve_evidence_probability(network, {**given, **event}) / ve_evidence_probability(network, given)


def ve_evidence_probability(network: Any, evidence: Mapping[str, object] | None) -> float:
    """P(evidence) for hard assignments by a pgmpy joint query, reduced as :func:`reduce_entailed` says (0 if it forbids them)."""
    from pgmpy.inference import VariableElimination

    try:
        assignment = reduce_entailed(network, evidence)
    except ImpossiblePair:
        return 0.0
    if not assignment:
        return 1.0
    factor = VariableElimination(nested_network(network)).query(list(assignment), joint=True, show_progress=False)
    return float(factor.get_value(**assignment))


@pytest.fixture(scope="session")
def pgmpy_reduce() -> Callable[[Any, Mapping[str, object] | None], dict[str, object]]:
    """:func:`reduce_entailed`: evidence reduced by a pgmpy network's nested findings (ImpossiblePair, a ValueError, if it contradicts them)."""
    return reduce_entailed


@pytest.fixture(scope="session")
def pgmpy_ve() -> Callable[..., dict[str, float]]:
    """``pgmpy_ve(network, targets, evidence)``: posteriors by pgmpy VariableElimination."""
    return ve_posteriors


@pytest.fixture(scope="session")
def pgmpy_nested() -> Callable[[Any], Any]:
    """:func:`nested_network`: a pgmpy network with its nested findings written out as a DAG."""
    return nested_network


@pytest.fixture(scope="session")
def pgmpy_evidence_probability() -> Callable[..., float]:
    """``pgmpy_evidence_probability(network, evidence)``: P(evidence) by a pgmpy joint query, nested findings counted once."""
    return ve_evidence_probability


@pytest.fixture(scope="session")
def pgmpy_probability() -> Callable[..., float]:
    """``pgmpy_probability(network, event, given)``: P(event | given) by a pgmpy joint query."""
    return ve_probability


# ---------------------------------------------------------------------------
# Evidence strategies
# ---------------------------------------------------------------------------


def evidence_strategy(model: crampnet.Model, nodes: list[str] | None = None, *, min_size: int = 0, max_size: int = 8, soft: bool = False) -> st.SearchStrategy[dict[str, object]]:
    """Evidence dicts over ``nodes`` (default: every node): state names, or soft likelihoods."""
    ids = sorted(nodes if nodes is not None else model.spec.nodes)

    def value(nid: str) -> st.SearchStrategy[object]:
        states = model.states(nid)
        hard = st.sampled_from(states)
        if not soft:
            return hard
        weights = st.lists(st.floats(0.05, 1.0), min_size=len(states), max_size=len(states))
        return st.one_of(hard, weights.map(lambda ws: dict(zip(states, ws, strict=True))))

    picks = st.lists(st.sampled_from(ids), unique=True, min_size=min_size, max_size=min(max_size, len(ids)))
    return picks.flatmap(lambda chosen: st.fixed_dictionaries({nid: value(nid) for nid in chosen}))


@pytest.fixture(scope="session")
def evidence_st() -> Callable[..., st.SearchStrategy[dict[str, object]]]:
    """``evidence_st(model, nodes=None, min_size=0, max_size=8, soft=False)``: a hypothesis strategy."""
    return evidence_strategy


# ---------------------------------------------------------------------------
# Random small networks
# ---------------------------------------------------------------------------

_BINARY_FINDING_STATES = (("yes", "no"), ("low", "normal"))
_TERNARY_STATES = ("low", "mid", "high")
_CONTEXT_BINARY = ("yes", "no")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            msg = f"not a finite float: {value!r}"
            raise ValueError(msg)
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    msg = f"cannot write {value!r} as TOML"
    raise TypeError(msg)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def to_toml(doc: Mapping[str, Any]) -> str:
    """Write a network document (plain dicts) as TOML: top keys, then [sources.*], then [nodes.*]."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    for section in ("sources", "nodes", "populations"):
        for key, body in doc.get(section, {}).items():
            lines.append("")
            lines.append(f"[{section}.{_toml_key(key)}]")
            lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in body.items())
    return "\n".join(lines) + "\n"


class RandomNetwork:
    """Writes random valid networks: 2-3 context nodes, 2-4 conditions, 3-5 findings.

    Every probability lies strictly inside (0, 1), so no evidence is
    impossible. Each node draws one of the models its role and states allow.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def prob(self) -> float:
        return round(float(self.rng.uniform(0.03, 0.97)), 6)

    def dist(self, states: tuple[str, ...] | list[str]) -> dict[str, float]:
        raw = self.rng.dirichlet(np.full(len(states), 1.5))
        raw = 0.04 + raw * (1.0 - 0.04 * len(states))
        values = [round(float(x), 6) for x in raw[:-1]]
        values.append(round(1.0 - sum(values), 6))
        return dict(zip(states, values, strict=True))

    def provenance(self) -> dict[str, str]:
        kind = int(self.rng.integers(3))
        if kind == 0:
            return {"source": "paper_a"}
        if kind == 1:
            return {"source": "seed_b", "note": "made up for a test"}
        return {"source": "judgment", "reason": "random test parameter"}

    def active_states(self, parent: str, states: tuple[str, ...]) -> list[str]:
        if states == ("present", "absent"):
            return ["present"]
        candidates = list(states[:-1])  # the last state is the reference
        k = int(self.rng.integers(1, len(candidates) + 1))
        return sorted(self.rng.choice(candidates, size=k, replace=False).tolist(), key=states.index)

    def cpd(self, model: str, states: tuple[str, ...], parents: list[str], all_states: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
        if model == "noisy_or":
            links = [{"parent": p, "state": s, "value": self.prob(), **self.provenance()} for p in parents for s in self.active_states(p, all_states[p])]
            return {"model": "noisy_or", "leak": {"value": self.prob(), **self.provenance()}, "links": links}
        if model in ("logistic_baseline", "logistic_prevalence"):
            key = model.split("_")[1]
            ors = [{"parent": p, "state": s, "value": round(float(np.exp(self.rng.uniform(-1.5, 1.5))), 6), **self.provenance()} for p in parents for s in self.active_states(p, all_states[p])]
            return {"model": "logistic", "intercept": {key: self.prob(), **self.provenance()}, "odds_ratios": ors}
        if model == "table":
            rows = []
            for combo in itertools.product(*(all_states[p] for p in parents)):
                rows.append({"when": dict(zip(parents, combo, strict=True)), "probabilities": self.dist(states), **self.provenance()})
            return {"model": "table", "parents": list(parents), "rows": rows}
        if model == "noisy_max":
            out: dict[str, Any] = {"model": "noisy_max"}
            if self.rng.random() < 0.5:
                out["order"] = [str(s) for s in self.rng.permutation(list(states))]
            out["leak"] = {"probabilities": self.dist(states), **self.provenance()}
            out["links"] = [{"parent": p, "state": s, "probabilities": self.dist(states), **self.provenance()} for p in parents for s in self.active_states(p, all_states[p])]
            return out
        if model == "mixture":
            def weight() -> float:
                return round(float(self.rng.uniform(0.2, 3.0)), 6)

            leak = {"weight": weight(), "probabilities": self.dist(states), **self.provenance()}
            links = [{"parent": p, "state": s, "weight": weight(), "probabilities": self.dist(states), **self.provenance()} for p in parents for s in self.active_states(p, all_states[p])]
            return {"model": "mixture", "leak": leak, "links": links}
        msg = f"unknown model {model}"
        raise ValueError(msg)

    def document(self) -> dict[str, Any]:
        rng = self.rng
        nodes: dict[str, dict[str, Any]] = {}
        all_states: dict[str, tuple[str, ...]] = {}
        contexts = [f"ctx{i}" for i in range(int(rng.integers(2, 4)))]
        for i, nid in enumerate(contexts):
            states = _TERNARY_STATES if rng.random() < 0.5 else _CONTEXT_BINARY
            all_states[nid] = states
            body: dict[str, Any] = {"role": "context", "states": list(states)}
            if i == 0 and states == _TERNARY_STATES:
                body.update({"aliases": ["level"], "unit": "units", "valid": [0.0, 100.0], "bands": [{"state": "low", "below": 10.0}, {"state": "mid", "up_to": 20.0}, {"state": "high"}]})
            body["prior"] = {"probabilities": self.dist(states), **self.provenance()}
            nodes[nid] = body
        conditions = [f"cond{i}" for i in range(int(rng.integers(2, 5)))]
        for i, nid in enumerate(conditions):
            states = ("present", "absent")
            all_states[nid] = states
            pool_ctx = list(contexts)
            parents = [str(p) for p in rng.choice(pool_ctx, size=int(rng.integers(1, 3)), replace=False)]
            if i > 0 and rng.random() < 0.6:
                parents.append(str(rng.choice(conditions[:i])))
            models = ["noisy_or", "logistic_baseline", "table", "noisy_max", "mixture"]
            if all(p in contexts for p in parents):
                models.append("logistic_prevalence")
            model = str(rng.choice(models))
            nodes[nid] = {"role": "condition", "states": list(states), "must_not_miss": bool(rng.random() < 0.3), "cpd": self.cpd(model, states, parents, all_states)}
        findings = [f"find{i}" for i in range(int(rng.integers(3, 6)))]
        for nid in findings:
            if rng.random() < 0.35:
                states = _TERNARY_STATES
                models = ["noisy_max", "table", "mixture"]
            else:
                states = _BINARY_FINDING_STATES[int(rng.integers(2))]
                models = ["noisy_or", "logistic_baseline", "table", "noisy_max", "mixture"]
            all_states[nid] = states
            k = int(rng.integers(1, min(3, len(conditions)) + 1))
            parents = [str(p) for p in rng.choice(conditions, size=k, replace=False)]
            if rng.random() < 0.3:
                parents.append(str(rng.choice(contexts)))
            model = str(rng.choice(models))
            body = {"role": "finding", "states": list(states)}
            if states == ("low", "normal"):
                body["positive"] = "low"
                body["negative"] = "normal"
            body["cpd"] = self.cpd(model, states, parents, all_states)
            nodes[nid] = body
        return {
            "schema": "crampnet-network/1",
            "name": "random",
            "version": "1",
            "title": "A random network for tests",
            "sources": {
                "paper_a": {"kind": "literature", "citation": "A made-up paper."},
                "seed_b": {"kind": "seed", "citation": "A made-up seed document."},
            },
            "nodes": nodes,
        }


def random_evidence(rng: np.random.Generator, model: crampnet.Model, *, soft: bool, min_size: int = 0, max_size: int = 5) -> dict[str, object]:
    """A random evidence dict over any nodes: state names, and soft likelihoods when ``soft``."""
    ids = sorted(model.spec.nodes)
    chosen = rng.choice(ids, size=int(rng.integers(min_size, min(max_size, len(ids)) + 1)), replace=False)
    evidence: dict[str, object] = {}
    for nid in chosen:
        states = model.states(str(nid))
        if soft and rng.random() < 0.5:
            weights = rng.uniform(0.0, 1.0, size=len(states))
            weights[int(rng.integers(len(states)))] = max(weights.max(), 0.1)
            evidence[str(nid)] = {s: float(w) for s, w in zip(states, weights, strict=True)}
        else:
            evidence[str(nid)] = states[int(rng.integers(len(states)))]
    return evidence


class RandomNetworks:
    """Makes, writes and loads random networks: ``make(seed) -> (model, doc, path)``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def document(self, seed: int) -> dict[str, Any]:
        return RandomNetwork(np.random.default_rng(seed)).document()

    def make(self, seed: int) -> tuple[crampnet.Model, dict[str, Any], Path]:
        doc = self.document(seed)
        path = self.folder / f"random_{seed}.toml"
        path.write_text(to_toml(doc), encoding="utf-8")
        return crampnet.load(path), doc, path

    @staticmethod
    def evidence(seed: int, model: crampnet.Model, *, soft: bool, min_size: int = 0, max_size: int = 5) -> dict[str, object]:
        return random_evidence(np.random.default_rng(seed), model, soft=soft, min_size=min_size, max_size=max_size)


@pytest.fixture(scope="session")
def random_networks(tmp_path_factory: pytest.TempPathFactory) -> RandomNetworks:
    """Random small networks written as TOML to a temporary folder and loaded."""
    return RandomNetworks(tmp_path_factory.mktemp("random_networks"))


@pytest.fixture(scope="session")
def toml_writer() -> Callable[[Mapping[str, Any]], str]:
    """``toml_writer(doc)``: the TOML text of a network document made of plain dicts."""
    return to_toml


class SparseFactorNetworks:
    """Random factor networks with zeros for the engine's own tests, and their joint by enumeration.

    ``network(seed, sizes=(lo, hi), zero_share=z)``: ``lo`` to ``hi - 1``
    variables of 2-3 states, up to 3 parents each, about ``z`` of the table
    entries zero; every parent configuration keeps some mass (a zero column
    would make the network inconsistent, not sparse); roots may be point
    masses. ``joint(cards, factors)``: the full joint, one configuration at a
    time; ``marginals``: what a pass must give, from that joint.
    """

    @staticmethod
    def network(seed: int, sizes: tuple[int, int] = (3, 7), zero_share: float = 0.35) -> tuple[list[int], list[Any]]:
        from crampnet.inference.engine import Factor

        rng = np.random.default_rng(seed)
        n = int(rng.integers(*sizes))
        cards = rng.integers(2, 4, size=n).tolist()
        factors = []
        for v in range(n):
            parents = sorted(rng.choice(v, size=int(rng.integers(0, min(v, 3) + 1)), replace=False).tolist()) if v else []
            table = rng.random((cards[v], *(cards[p] for p in parents)))
            table[rng.random(table.shape) < zero_share] = 0.0
            cols = table.reshape(cards[v], -1)
            cols[int(rng.integers(cards[v])), cols.sum(axis=0) == 0] = 1.0
            factors.append(Factor((v, *parents), cols.reshape(table.shape) / cols.sum(axis=0).reshape(table.shape[1:])))
        return cards, factors

    @staticmethod
    def joint(cards: list[int], factors: list[Any]) -> np.ndarray:
        joint = np.zeros(cards)
        for config in itertools.product(*(range(c) for c in cards)):
            joint[config] = math.prod(float(f.table[tuple(config[v] for v in f.scope)]) for f in factors)
        return joint

    @staticmethod
    def marginals(joint: np.ndarray, evidence: dict[int, np.ndarray], query: list[int], n: int | None = None) -> tuple[list[np.ndarray], np.ndarray]:
        """Per case (``n``, by default the longest evidence), the normalised marginals of ``query`` (NaN where impossible) and log P(evidence)."""
        n = max(e.shape[0] for e in evidence.values()) if n is None else n
        marginals = [np.full((n, joint.shape[q]), np.nan) for q in query]
        log_ev = np.full(n, -np.inf)
        for k in range(n):
            weighted = joint.copy()
            for v, e in evidence.items():
                shape = [1] * joint.ndim
                shape[v] = -1
                weighted = weighted * e[k if e.shape[0] > 1 else 0].reshape(shape)
            total = weighted.sum()
            if total > 0:
                log_ev[k] = math.log(total)
                for j, q in enumerate(query):
                    marginals[j][k] = weighted.sum(axis=tuple(a for a in range(joint.ndim) if a != q)) / total
        return marginals, log_ev


@pytest.fixture(scope="session")
def sparse_networks() -> type[SparseFactorNetworks]:
    """:class:`SparseFactorNetworks` (random factor networks with zeros, and their joint)."""
    return SparseFactorNetworks
