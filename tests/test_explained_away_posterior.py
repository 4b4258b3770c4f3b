"""A posterior explained away to ~1e-20 keeps its relative precision on every exact path.

Conditions c (prior ``pc``) and d (0.3); a finding f (noisy-OR, no leak)
whose only causes are d's *absent* state (link 0.3) and c (link 0.9); two
findings g1, g2 (leak 0.1) caused by d present (0.5). With f "yes", d present
needs c: ``P(d present | f) = 0.3 * 0.9 pc / P(f)``, ~1.3e-20 for ``pc`` of
1e-20. Quickscore writes f's "yes" as ``1 - q_d q_c``, so the numerator of
d's posterior was ``P(d) - P(d, inhibited)``, two terms of 0.3 that
cancelled to 0.0 while the evidence's own sum (0.21 of 1.79) passed the
conditioning check. The expected values are worked out here in exact
rational arithmetic (:class:`fractions.Fraction`) from the numbers of the
network text, never from crampnet's engine; each path of the engine is
forced by the ``forced_path`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from contextlib import AbstractContextManager
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet.inference import _answers

PATHS = ("default", "kernel", "pruned trees", "quickscore")  # forced by the forced_path fixture (tests/conftest.py)
PRIOR_D = 0.3
#: Per finding: leak, then (parent, state, link).
FINDINGS: dict[str, tuple[float, list[tuple[str, str, float]]]] = {
    "f": (0.0, [("d", "absent", 0.3), ("c", "present", 0.9)]),
    "g1": (0.1, [("d", "present", 0.5)]),
    "g2": (0.1, [("d", "present", 0.5)]),
}


def _text(pc: float) -> str:
    """The network file for c's prior ``pc``."""
    judged = 'source = "judgment", reason = "test"'
    lines = ['schema = "crampnet-network/1"', 'name = "explained"', 'version = "1"']
    for nid, prior in (("c", pc), ("d", PRIOR_D)):
        lines += [f"[nodes.{nid}]", 'role = "condition"', 'states = ["present", "absent"]', f"cpd = {{ model = \"noisy_or\", leak = {{ value = {prior!r}, {judged} }} }}"]
    for nid, (leak, links) in FINDINGS.items():
        items = ", ".join(f'{{ parent = "{p}", state = "{s}", value = {v!r}, {judged} }}' for p, s, v in links)
        lines += [f"[nodes.{nid}]", 'role = "finding"', 'states = ["no", "yes"]', f"cpd = {{ model = \"noisy_or\", leak = {{ value = {leak!r}, {judged} }}, links = [{items}] }}"]
    return "\n".join(lines) + "\n"


def _exact(pc: float, evidence: dict[str, str]) -> dict[str, Fraction]:
    """``P(condition present | evidence)`` by enumerating c and d, from the file's numbers."""
    priors = {"c": Fraction(pc), "d": Fraction(PRIOR_D)}
    joint = {"c": Fraction(0), "d": Fraction(0)}
    total = Fraction(0)
    for states in itertools.product(("present", "absent"), repeat=2):
        world = dict(zip(("c", "d"), states, strict=True))
        p = Fraction(1)
        for nid in ("c", "d"):
            p *= priors[nid] if world[nid] == "present" else 1 - priors[nid]
        for nid, answer in evidence.items():
            leak, links = FINDINGS[nid]
            none = 1 - Fraction(leak)
            for parent, state, link in links:
                none *= 1 - Fraction(link) if world[parent] == state else 1
            p *= none if answer == "no" else 1 - none
        total += p
        for nid in ("c", "d"):
            joint[nid] += p if world[nid] == "present" else 0
    return {nid: v / total for nid, v in joint.items()}


def _model(tmp_path: Path, pc: float) -> crampnet.Model:
    """The network for ``pc``, loaded."""
    file = tmp_path / "explained.toml"
    file.write_text(_text(pc), encoding="utf-8")
    return crampnet.load(file)


CASES = [{"f": "yes"}, {"f": "yes", "g1": "yes"}, {"f": "yes", "g1": "no", "g2": "yes"}, {"g1": "yes"}]


@pytest.mark.parametrize("pc", [1e-3, 1e-20, 1e-200])
@pytest.mark.parametrize("path", PATHS)
def test_a_posterior_explained_away_keeps_its_relative_precision(tmp_path: Path, path: str, pc: float, forced_path: Callable[[str], AbstractContextManager[None]]) -> None:
    """Check every condition's posterior to 1e-9 relative (no absolute floor), one case at a time and as a batch."""
    with forced_path(path):
        model = _model(tmp_path, pc)
        ones = [model.posteriors(case) for case in CASES]
        batch = model.posteriors(pd.DataFrame(CASES))
    for i, case in enumerate(CASES):
        exact = _exact(pc, case)
        want = [float(exact[c]) for c in ("c", "d")]
        assert min(want) > 0.0
        np.testing.assert_allclose([ones[i][c] for c in ("c", "d")], want, rtol=1e-9, atol=0.0, err_msg=f"{case} one")
        np.testing.assert_allclose(batch.loc[i, ["c", "d"]].to_numpy(dtype=float), want, rtol=1e-9, atol=0.0, err_msg=f"{case} batch")


@pytest.mark.parametrize("pc", [1e-3, 1e-20])
def test_every_coalition_of_a_case_keeps_a_small_posterior(tmp_path: Path, pc: float) -> None:
    """Check the coalitions an explanation scores (``compiled.coalitions``): each subset of f = yes, g1 = yes against the exact posteriors.

    Their grid sums the same signed pseudo-cases, so d's posterior under a
    coalition holding f = yes was 0.0 where it is ~1.3e-20.
    """
    model = _model(tmp_path, pc)
    items = [("f", np.array([0.0, 1.0])), ("g1", np.array([0.0, 1.0]))]
    post, _ = model.compiled.coalitions(items)
    conds = list(model.compiled.conditions)
    for mask in range(4):
        case = {nid: "yes" for i, (nid, _) in enumerate(items) if mask >> i & 1}
        exact = _exact(pc, case)
        np.testing.assert_allclose(post[mask, [conds.index(c) for c in ("c", "d")]], [float(exact[c]) for c in ("c", "d")], rtol=1e-9, atol=0.0, err_msg=str(case))


def test_the_answers_of_a_next_question_keep_a_small_posterior(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check ``compiled.answers`` (a next question's answers read off one pass per condition) with f = yes expanded into its terms.

    The rows with a condition clamped present sum the same signed
    pseudo-cases, so ``P(d | f = yes, g1 = q)`` was 0.0 where it is ~1e-20.
    On this tiny network f stays in the tree unless told otherwise
    (``_in_tree``: the cheaper plan), so the test expands it.
    """
    monkeypatch.setattr(_answers, "_in_tree", lambda net, arrays: frozenset())
    model = _model(tmp_path, 1e-20)
    got = model.compiled.answers({"f": np.array([0.0, 1.0])}, ["g1", "g2"])
    conds = list(model.compiled.conditions)
    for node in ("g1", "g2"):
        for q, answer in enumerate(("no", "yes")):
            exact = _exact(1e-20, {"f": "yes", node: answer})
            # a node left out is scored by the caller row by row, as a case of its own
            ours = got[node][1][q, [conds.index(c) for c in ("c", "d")]] if node in got else model.posteriors({"f": "yes", node: answer})[["c", "d"]]
            np.testing.assert_allclose(ours, [float(exact[c]) for c in ("c", "d")], rtol=1e-9, atol=0.0, err_msg=f"{node}={answer}")
