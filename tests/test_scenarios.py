"""Seed 000, "Practical Clinical Approach": each question points the differential the right way.

Each test's docstring quotes its line of shared/seeds/000_a33e0a225f857b2e.txt.

How "points to" is measured. Conditions are not mutually exclusive and
nocturnal leg cramps have a prior of 0.55 (figure 1: "up to 60% of
adults"), while the four RLS criteria are met by 16% of people without RLS
(figure 2). Together those figures cap P(RLS | urge to move, relief by
walking) near 0.3, below the cramps' prior, so no network that keeps both
figures can put RLS above cramps by raw posterior. "-> Consider RLS" is
therefore read as the seed means it: the finding is evidence *for* RLS more
than for the conditions it is contrasted with, i.e. its Bayes factor
P(e | C present) / P(e | C absent) is larger. Where the raw posterior
ranking also holds, it is asserted too, and the counterfactual differential
(issue 4) is checked where it puts the expected condition first.
"""

from __future__ import annotations

import math

import pytest

NLC = "nocturnal_leg_cramps"
RLS = "restless_legs_syndrome"
PAD = "peripheral_arterial_disease"
LSS = "lumbar_spinal_stenosis"
VENOUS = "venous_insufficiency"
RADIC = "lumbar_radiculopathy"


def bayes_factor(model, evidence, condition):
    """P(evidence | condition present) / P(evidence | condition absent)."""
    present = model.probability(evidence, given={condition: "present"})
    absent = model.probability(evidence, given={condition: "absent"})
    return present / absent


def assert_points_to(model, evidence, target, others):
    factors = {c: bayes_factor(model, evidence, c) for c in [target, *others]}
    assert factors[target] > 1.0, f"the evidence does not support {target}: Bayes factor {factors[target]:.3f}"
    for other in others:
        assert factors[target] > factors[other], f"Bayes factor for {target} ({factors[target]:.3f}) is not above {other} ({factors[other]:.3f})"


def test_bayes_factor_is_the_posterior_odds_ratio(model):
    """Check the Bayes factor used here equals posterior odds over prior odds (Bayes' rule)."""
    evidence = {"urge_to_move": "yes", "relief_by_movement": "yes"}
    prior = model.posteriors({})[RLS]
    post = model.posteriors(evidence)[RLS]
    odds_ratio = (post / (1 - post)) / (prior / (1 - prior))
    assert math.isclose(bayes_factor(model, evidence, RLS), odds_ratio, rel_tol=1e-9)


@pytest.mark.parametrize("evidence", [
    {"visible_hard_contraction": "yes"},
    {"visible_hard_contraction": True},
])
def test_visible_hardness_means_true_cramp(model, evidence):
    """Seed 000: "Is there sudden muscle contraction with visible hardness? → True cramp"."""
    assert_points_to(model, evidence, NLC, [RLS])
    post = model.posteriors(evidence)
    assert post[NLC] > post[RLS]
    assert post.index[0] == NLC


@pytest.mark.parametrize("evidence", [
    {"urge_to_move": "yes", "relief_by_movement": "yes"},
    {"urge_to_move": True, "relief_by_movement": True, "worse_evening": True},
])
def test_urge_to_move_with_relief_means_rls(model, evidence):
    """Seed 000: "Is there an urge to move with relief from walking? → Consider RLS"."""
    assert_points_to(model, evidence, RLS, [NLC])
    assert model.posteriors(evidence)[RLS] > 3 * model.posteriors({})[RLS]


def test_classic_rls_history_ranks_rls_first(model):
    """Seed 003: the four criteria with uncomfortable sensations and ferritin < 50 -> RLS first."""
    evidence = {"urge_to_move": True, "uncomfortable_sensations": True, "worse_at_rest": True,
                "relief_by_movement": True, "worse_evening": True, "ferritin": 30}
    assert model.posteriors(evidence).index[0] == RLS


@pytest.mark.parametrize("evidence", [
    {"exertional_pain_relieved_by_rest": "yes"},
    {"exertional_pain_relieved_by_rest": "yes", "age_group": "65_plus"},
])
def test_exertional_pain_relieved_by_rest_means_claudication(model, evidence):
    """Seed 000: "Does pain occur with exercise and resolve with rest? → Consider claudication".

    The seed's pointer is checked as evidence (PAD's Bayes factor above
    stenosis's, RLS's and cramps') and as the differential's first place. The
    posterior order of PAD and stenosis on this one finding is not the seed's:
    it follows their prevalences among people presenting with a leg complaint,
    stenosis 0.13 against PAD 0.065 since session 28 (Jensen 2020: clinically
    diagnosed stenosis in 25% of primary-care back or leg pain patients), and
    the two come out within 0.001 of each other without an age.
    """
    assert_points_to(model, evidence, PAD, [NLC, RLS, LSS])
    post = model.posteriors(evidence)
    assert post[PAD] > post[RLS]
    assert model.diagnose(evidence).differential[0] == PAD


@pytest.mark.parametrize("evidence", [
    {"varicosities": "yes"},
    {"edema": "yes"},
    {"varicosities": "yes", "edema": "yes"},
])
def test_varicosities_or_edema_mean_venous_stasis(model, evidence):
    """Seed 000: "Are there visible varicosities or edema? → Consider venous stasis"."""
    assert_points_to(model, evidence, VENOUS, [RLS, NLC])
    post = model.posteriors(evidence)
    assert post[VENOUS] > post[RLS]
    assert post[VENOUS] > model.posteriors({})[VENOUS]


@pytest.mark.parametrize("evidence", [
    {"dermatomal_radiation": "yes"},
    {"straight_leg_raise": "positive"},
    {"straight_leg_raise": True},
    {"dermatomal_radiation": "yes", "straight_leg_raise": "positive"},
])
def test_dermatomal_pain_or_positive_slr_means_radiculopathy(model, evidence):
    """Seed 000: "Is there dermatomal distribution or positive straight leg raise? → Consider radiculopathy"."""
    assert_points_to(model, evidence, RADIC, [RLS, NLC])
    post = model.posteriors(evidence)
    assert post[RADIC] > post[RLS]
    assert model.diagnose(evidence).differential[0] == RADIC


def test_both_spine_findings_rank_radiculopathy_first_by_posterior(model):
    """Seed 000: dermatomal pain and a positive straight leg raise together put radiculopathy first."""
    post = model.posteriors({"dermatomal_radiation": "yes", "straight_leg_raise": "positive"})
    assert post.index[0] == RADIC
