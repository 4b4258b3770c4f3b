"""A posterior at a must-not-miss threshold is flagged, whatever the float rounding of inference.

A condition with a leak of 0.45 and no evidence has P(present) = 0.45 exactly, which
a threshold of 0.45 flags ("at or above"); inference computes it one unit in the last
place under 0.45 (0.44999999999999996), which went unflagged. Every place that compares
a posterior with a threshold reads it as reaching it (``_thresholds.reaches``).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import crampnet
from crampnet.reasoning._thresholds import compared_percent, compared_percents
from crampnet.reasoning.mustnotmiss import flag_mark

ONE = """
schema = "crampnet-network/1"
name = "one"
version = "1"

[sources.made_up]
kind = "literature"
citation = "Test fixture"

[nodes.dvt]
role = "condition"
states = ["present", "absent"]
label = "DVT"
must_not_miss = true
[nodes.dvt.cpd]
model = "noisy_or"
leak = { value = 0.1, source = "made_up" }
links = []

[nodes.swelling]
role = "finding"
states = ["yes", "no"]
label = "Swelling"
[nodes.swelling.cpd]
model = "noisy_or"
leak = { value = 0.05, source = "made_up" }
links = [{ parent = "dvt", state = "present", value = 0.8, source = "made_up" }]
"""


def _one(tmp_path: Path, leak: float) -> crampnet.Model:
    path = tmp_path / "one.toml"
    path.write_text(ONE.replace("value = 0.1,", f"value = {leak!r},"), encoding="utf-8")
    return crampnet.load(path)


def test_a_posterior_equal_to_the_default_threshold_is_flagged(tmp_path: Path) -> None:
    dx = _one(tmp_path, 0.1).diagnose({})
    assert dx.posteriors["dvt"] == pytest.approx(0.1, rel=1e-12)  # the leak: P(dvt) = 0.1 exactly
    assert [flag.condition for flag in dx.red_flags] == ["dvt"]
    assert bool(dx.must_not_miss.loc["dvt", "flagged"])
    assert "not flagged" not in dx.report()


@pytest.mark.parametrize("leak", [0.1, 0.3, 0.45, 0.7])
@pytest.mark.parametrize("swelling", [None, "yes", "no"])
def test_a_given_threshold_equal_to_the_exact_posterior_flags(tmp_path: Path, leak: float, swelling: str | None) -> None:
    # The exact posterior, in rationals: the leak alone, or Bayes over the swelling's noisy-OR
    # (yes: 1 - 0.95 * 0.2 = 0.81 with DVT, 0.05 without); the threshold is it rounded once.
    prior = Fraction(leak)
    given = {"yes": (Fraction(81, 100), Fraction(5, 100)), "no": (Fraction(19, 100), Fraction(95, 100))}
    if swelling is None:
        exact = prior
    else:
        with_dvt, without = given[swelling]
        exact = prior * with_dvt / (prior * with_dvt + (1 - prior) * without)
    evidence = {} if swelling is None else {"swelling": swelling}
    dx = _one(tmp_path, leak).diagnose(evidence, threshold=float(exact))
    assert dx.posteriors["dvt"] == pytest.approx(float(exact), rel=1e-12)
    assert [flag.condition for flag in dx.red_flags] == ["dvt"]
    assert bool(dx.must_not_miss.loc["dvt", "flagged"])
    assert "FLAGGED (urgent)" in dx.report()


@pytest.mark.parametrize(("p", "limit", "expected"), [(0.1, 0.1, True), (0.09999999999999998, 0.1, True), (0.1 - 1e-6, 0.1, False), (0.2, 0.1, True), (0.0, 0.1, False)])
def test_reaches_is_at_or_above_within_rounding(p: float, limit: float, expected: bool) -> None:
    from crampnet.reasoning._thresholds import reaches

    assert reaches(p, limit) is expected


def test_the_shown_percents_and_the_flag_mark_agree_at_the_threshold() -> None:
    # At the threshold both read the same percent, not 9.999999999999998% against 10.000000000000000%.
    shown, limit = compared_percents(0.09999999999999998, 0.1)
    assert shown == limit == compared_percent(0.1)
    assert flag_mark(0.09999999999999998, 0.1, "urgent") == "FLAGGED (urgent)"
