"""Sufficiency of a very rare condition keeps its relative precision, against an exact twin network.

With conditions c (prior ``pc``) and d (0.5) and a finding f (noisy-OR,
leak 0, links d 0.5 and c 0.9) observed "yes", c's sufficiency is ``0.9 pc
/ P(f)``. It was written as ``P(f, f* <= f)`` less ``P(f, f* < f)``, two
terms of the order of ``P(f)`` whose difference cancelled: 0.0 for ``pc`` of
1e-20 and below (posterior 3.7e-20, disablement 2.7e-20), whatever
:data:`crampnet.reasoning._counterfactual.KAPPA`. The oracle here never calls
crampnet's counterfactual code: it enumerates, in exact rational arithmetic,
the conditions and every link's own draw (one per parent state, so that a
cured parent's twin draws its absent state's link), as the structural model
of :mod:`crampnet.reasoning.ranking` says.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from contextlib import AbstractContextManager
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import crampnet
from crampnet.reasoning import _counterfactual
from crampnet.reasoning.ranking import counterfactual_scores

JUDGED = 'source = "judgment", reason = "test"'
LEVELS = {"noisy_or": ["no", "yes"], "noisy_max": ["none", "mild", "severe"]}


def _toml(priors: dict[str, float], model: str, leak: list[float], links: dict[tuple[str, str], list[float]]) -> str:
    """A network of root conditions and one noisy finding ``f``; ``leak`` and each link are distributions over the levels."""
    lines = ['schema = "crampnet-network/1"', 'name = "rare"', 'version = "1"']
    for nid, prior in priors.items():
        lines += [f"[nodes.{nid}]", 'role = "condition"', 'states = ["present", "absent"]',
                  f"cpd = {{ model = \"noisy_or\", leak = {{ value = {prior!r}, {JUDGED} }} }}"]
    levels = LEVELS[model]
    lines += ["[nodes.f]", 'role = "finding"', f"states = {levels!r}".replace("'", '"')]
    if model == "noisy_or":
        items = [f'{{ parent = "{p}", state = "{s}", value = {v[1]!r}, {JUDGED} }}' for (p, s), v in links.items()]
        lines.append(f"cpd = {{ model = \"noisy_or\", leak = {{ value = {leak[1]!r}, {JUDGED} }}, links = [{', '.join(items)}] }}")
    else:
        def dist(v: list[float]) -> str:
            return ", ".join(f"{s} = {x!r}" for s, x in zip(levels, v, strict=True))
        items = [f'{{ parent = "{p}", state = "{s}", probabilities = {{ {dist(v)} }}, {JUDGED} }}' for (p, s), v in links.items()]
        lines.append(f'cpd = {{ model = "noisy_max", order = {levels!r}, leak = {{ probabilities = {{ {dist(leak)} }}, {JUDGED} }}, links = [{", ".join(items)}] }}'.replace("'", '"'))
    return "\n".join(lines) + "\n"


def oracle(priors: dict[str, float], leak: list[float], links: dict[tuple[str, str], list[float]], k: int) -> dict[str, list[Fraction]]:
    """Posterior, disablement and sufficiency of each condition given ``f`` at level ``k``, by exact enumeration of the twin network."""
    conds = list(priors)
    q = {key: [Fraction(x) for x in v] for key, v in links.items()}
    q = {**q, **{(c, s): [Fraction(1)] + [Fraction(0)] * (len(leak) - 1) for c in conds for s in ("present", "absent") if (c, s) not in q}}
    for key, v in q.items():  # the lowest level takes what the file's numbers leave, as the table does
        q[key] = [1 - sum(v[1:]), *v[1:]]
    lk = [Fraction(x) for x in leak]
    lk = [1 - sum(lk[1:]), *lk[1:]]
    keys = list(q)
    evidence = Fraction(0)
    post = {c: Fraction(0) for c in conds}
    dis = {c: Fraction(0) for c in conds}
    suf = {c: Fraction(0) for c in conds}
    for states in itertools.product(("present", "absent"), repeat=len(conds)):
        world = dict(zip(conds, states, strict=True))
        p_world = np.prod([Fraction(priors[c]) if world[c] == "present" else 1 - Fraction(priors[c]) for c in conds])
        for drawn in itertools.product(range(len(lk)), *(range(len(lk)) for _ in keys)):
            draw = dict(zip(keys, drawn[1:], strict=True))
            p = p_world * lk[drawn[0]] * np.prod([q[key][draw[key]] for key in keys])
            if p == 0:
                continue

            def level(cured: set[str], draw: dict = draw, world: dict = world, leak_draw: int = drawn[0]) -> int:
                return max([leak_draw] + [draw[c, "absent" if c in cured else world[c]] for c in conds])

            if level(set()) != k:
                continue
            evidence += p
            for c in conds:
                post[c] += p if world[c] == "present" else 0
                dis[c] += p if level({c}) != k else 0
                suf[c] += p if level(set(conds) - {c}) == k else 0
    return {name: [v[c] / evidence for c in conds] for name, v in (("posterior", post), ("disablement", dis), ("sufficiency", suf))}


CASES = {
    # the report's case: leak 0, d 0.5, c 0.9
    "noisy_or": ({"d": 0.5}, "noisy_or", [1.0, 0.0], {("d", "present"): [0.5, 0.5], ("c", "present"): [0.1, 0.9]}, 1),
    # a leak, and a link of d's absent state (its cure draws it in the twin)
    "noisy_or_absent_link": ({"d": 0.3}, "noisy_or", [0.99, 0.01], {("d", "absent"): [0.7, 0.3], ("c", "present"): [0.1, 0.9]}, 1),
    "noisy_max_middle": ({"d": 0.4}, "noisy_max", [0.875, 0.0625, 0.0625], {("d", "absent"): [0.75, 0.125, 0.125], ("c", "present"): [0.125, 0.375, 0.5]}, 1),
    "noisy_max_top": ({"d": 0.4}, "noisy_max", [0.875, 0.0625, 0.0625], {("d", "present"): [0.5, 0.375, 0.125], ("c", "present"): [0.125, 0.375, 0.5]}, 2),
    "noisy_max_top_absent_link": ({"d": 0.4}, "noisy_max", [0.875, 0.0625, 0.0625], {("d", "absent"): [0.75, 0.125, 0.125], ("c", "present"): [0.125, 0.375, 0.5]}, 2),
    # no leak: all of c's sufficiency is its own (tiny) share
    "noisy_or_absent_link_no_leak": ({"d": 0.3}, "noisy_or", [1.0, 0.0], {("d", "absent"): [0.7, 0.3], ("c", "present"): [0.1, 0.9]}, 1),
    "noisy_max_middle_no_leak": ({"d": 0.4}, "noisy_max", [1.0, 0.0, 0.0], {("d", "present"): [0.5, 0.375, 0.125], ("c", "present"): [0.125, 0.375, 0.5]}, 1),
    "noisy_max_top_absent_link_no_leak": ({"d": 0.4}, "noisy_max", [1.0, 0.0, 0.0], {("d", "absent"): [0.75, 0.125, 0.125], ("c", "present"): [0.125, 0.375, 0.5]}, 2),
}


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("pc", [1e-3, 1e-20, 2e-45, 1e-200])
@pytest.mark.parametrize("name", list(CASES))
def test_a_rare_condition_keeps_the_relative_precision_of_every_measure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, pc: float, positive: bool
) -> None:
    """Check posterior, disablement and sufficiency of a condition of prior ``pc`` to 1e-9 relative (no absolute floor), also in the positive form only (``KAPPA = 0``)."""
    if positive:
        monkeypatch.setattr(_counterfactual, "KAPPA", 0.0)
    others, model, leak, links, k = CASES[name]
    priors = {"c": pc, **others}
    path = tmp_path / f"{name}.toml"
    path.write_text(_toml(priors, model, leak, links), encoding="utf-8")
    ours = counterfactual_scores(crampnet.load(path), {"f": LEVELS[model][k]})
    exact = oracle(priors, leak, links, k)
    for column in ("posterior", "disablement", "sufficiency"):
        want = np.array([float(exact[column][list(priors).index(c)]) for c in ours.index])
        assert want[list(ours.index).index("c")] > 0.0
        got = ours[column].to_numpy()
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=0.0, err_msg=f"{name} {pc}: {column}")


@pytest.mark.parametrize("engine", ["default", "kernel", "pruned trees", "quickscore"])
def test_the_posterior_of_a_condition_explained_away_keeps_its_relative_precision(
    tmp_path: Path, engine: str, forced_path: Callable[[str], AbstractContextManager[None]]
) -> None:
    """Check d's posterior where f (no leak) has only d's absent link and c (prior 1e-20) as causes: ``P(d | f) = 0.3 * 0.9 pc / P(f)``, on every exact path."""
    others, model, leak, links, k = CASES["noisy_or_absent_link_no_leak"]
    priors = {"c": 1e-20, **others}
    path = tmp_path / "explained.toml"
    path.write_text(_toml(priors, model, leak, links), encoding="utf-8")
    with forced_path(engine):
        ours = counterfactual_scores(crampnet.load(path), {"f": "yes"})
    want = float(oracle(priors, leak, links, k)["posterior"][1])
    np.testing.assert_allclose(ours.loc["d", "posterior"], want, rtol=1e-9, atol=0.0)


def test_oracle_by_hand() -> None:
    """Check the oracle on the report's case by hand: ``P(f) = 0.25 + 0.75 * 0.9 pc``, sufficiency of c ``0.9 pc / P(f)``, disablement ``0.75 * 0.9 pc / P(f)``."""
    pc, link = Fraction(1e-3), Fraction(0.9)  # the file's floats, exactly
    exact = oracle({"c": 1e-3, "d": 0.5}, [1.0, 0.0], {("d", "present"): [0.5, 0.5], ("c", "present"): [0.1, 0.9]}, 1)
    evidence = Fraction(1, 4) + Fraction(3, 4) * link * pc
    assert exact["sufficiency"][0] == link * pc / evidence
    assert exact["disablement"][0] == Fraction(3, 4) * link * pc / evidence
    assert exact["posterior"][0] == pc * (1 - Fraction(3, 4) * (1 - link)) / evidence
