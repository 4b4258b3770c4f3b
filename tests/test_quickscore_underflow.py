"""Evidence whose Quickscore terms all underflow is answered exactly, not called impossible.

The expected values are worked out here in exact rational arithmetic
(:class:`fractions.Fraction`) from the numbers of the network text, never
from crampnet's engine; each path of the engine is forced by the
``forced_path`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

import crampnet
from crampnet.network.evidence import normalise

PATHS = ("kernel", "pruned trees", "quickscore")  # forced by the forced_path fixture (tests/conftest.py)

PREVALENCE, LINK, LEAK, K = 1e-200, 1e-100, 1e-150, 4

#: A condition x of prevalence 1e-200 and four findings of link 1e-100 and leak 1e-150: all four "yes" has
#: probability ~2e-600, half of it with x present (1e-200 * 1e-400) and half with x absent (1e-600).
RARE = f"""schema = "crampnet-network/1"
name = "rare"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
[nodes.x]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = {PREVALENCE!r}, source = "s" }} }}
""" + "".join(
    f"""
[nodes.f{i}]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = {LEAK!r}, source = "s" }}, links = [{{ parent = "x", state = "present", value = {LINK!r}, source = "s" }}] }}
"""
    for i in range(K)
)


def _exact() -> tuple[Fraction, Fraction]:
    """P(f0..f3 = yes) and P(x = present | it), from the file's numbers."""
    prevalence, link, leak = Fraction(PREVALENCE), Fraction(LINK), Fraction(LEAK)
    with_x = prevalence * (1 - (1 - leak) * (1 - link)) ** K
    without = (1 - prevalence) * leak**K
    return with_x + without, with_x / (with_x + without)


def _log(x: Fraction) -> float:
    return math.log(x.numerator) - math.log(x.denominator)


@pytest.mark.parametrize("path", ["default", *sorted(PATHS)])
def test_evidence_whose_terms_all_underflow_gets_its_exact_posterior(tmp_path: Path, path: str, forced_path: Callable[[str], AbstractContextManager[None]]):
    """Check that four findings of probability ~1e-100 each (evidence ~2e-600) give the exact posterior of x, one case and a batch.

    On the Quickscore path every pseudo-case's weight underflowed to 0 and
    was dropped, and a row with no pseudo-case left was answered as
    impossible: posteriors raised "f0=yes and ... cannot hold together
    (probability zero)", while the pruned tree's log pass finds it.
    """
    file = tmp_path / "rare.toml"
    file.write_text(RARE, encoding="utf-8")
    evidence = {f"f{i}": "yes" for i in range(K)}
    p_evidence, p_x = _exact()
    assert 0.49 < p_x < 0.51 and 0 < p_evidence < Fraction(1, 10**599)
    with forced_path(path):
        model = crampnet.load(file)
        one = model.posteriors(evidence)
        batch = model.posteriors(pd.DataFrame([evidence] * 3))
        vectors = normalise(model.spec, evidence)
        _, log_ev = model.compiled.evaluate(vectors, 1)
    assert one["x"] == pytest.approx(float(p_x), rel=1e-9)
    assert batch["x"].tolist() == pytest.approx([float(p_x)] * 3, rel=1e-9)
    assert float(log_ev[0]) == pytest.approx(_log(p_evidence), rel=1e-12)


#: A condition x of prior 0.3 and a finding f (leak 0.6, link 0.5: two signed terms for "yes"), beside four
#: findings t0..t3 whose "yes" has probability ~1e-81 (one term each, the weights ~2e-81 multiplied): f's two terms
#: weigh ~1.6e-323 and ~0.4 times that, at the bottom of the subnormal floats, where the second rounds or is lost.
PARTIAL = """schema = "crampnet-network/1"
name = "partial"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
[nodes.x]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.3, source = "s" }} }}
[nodes.f]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.6, source = "s" }}, links = [{{ parent = "x", state = "present", value = 0.5, source = "s" }}] }}
""" + "".join(
    f"""
[nodes.t{i}]
role = "finding"
states = ["yes", "no"]
cpd = {{{{ model = "noisy_or", leak = {{{{ value = {{tiny!r}}, source = "s" }}}}, links = [{{{{ parent = "x", state = "present", value = {{tiny!r}}, source = "s" }}}}] }}}}
"""
    for i in range(K)
)


def _exact_partial(tiny: float, t_state: str) -> Fraction:
    """P(x = present | f = yes, t0..t3 = t_state), from the file's numbers."""
    t, third = Fraction(tiny), Fraction(3, 10)
    t_given_present = 1 - (1 - t) ** 2 if t_state == "yes" else (1 - t) ** 2
    t_given_absent = t if t_state == "yes" else 1 - t
    with_x = third * (1 - Fraction(4, 10) * Fraction(1, 2)) * t_given_present**K
    without = (1 - third) * (1 - Fraction(4, 10)) * t_given_absent**K
    return with_x / (with_x + without)


@pytest.mark.parametrize("tiny", [1e-80, 3e-81, 1e-81])
@pytest.mark.parametrize("path", ["default", *sorted(PATHS)])
def test_terms_that_underflow_partly_are_not_dropped_or_rounded(tmp_path: Path, path: str, tiny: float, forced_path: Callable[[str], AbstractContextManager[None]]):
    """Check that a case whose Quickscore terms fall partly below the normal floats gets its exact posterior, one case and in a batch.

    The weights of f's two terms were ~1.6e-323 and ~0.4 times that: the
    second rounded to a subnormal of one or two digits, or underflowed to
    0 and was dropped while the first was kept, so the signed sum lost the
    leak of f: P(x | evidence) came out 0.901417 (tiny 1e-80), 0.9 (3e-81)
    or 1.0 (1e-81) instead of 0.901408, on the Quickscore path in numpy
    and in the compiled kernel alike.
    """
    file = tmp_path / "partial.toml"
    file.write_text(PARTIAL.format(tiny=tiny), encoding="utf-8")
    rare = {"f": "yes", **{f"t{i}": "yes" for i in range(K)}}
    common = {"f": "yes", **{f"t{i}": "no" for i in range(K)}}
    p_rare, p_common = float(_exact_partial(tiny, "yes")), float(_exact_partial(tiny, "no"))
    assert 0.9 < p_rare < 0.902 and 0.36 < p_common < 0.37
    with forced_path(path):
        model = crampnet.load(file)
        one = model.posteriors(rare)
        batch = model.posteriors(pd.DataFrame([common, rare, common, rare]))
    assert one["x"] == pytest.approx(p_rare, rel=1e-9)
    assert batch["x"].tolist() == pytest.approx([p_common, p_rare] * 2, rel=1e-9)
