"""Overt thyroid dysfunction reaches the ankle reflex (session 53): Eslamian et al. 2011.

"18 cases (45%) with decreased or absent deep tendon reflexes" among 40
untreated overt hypothyroid patients (mean age 39.5; PMID 21633261). The
network's overt part is half hypothyroid and half hyperthyroid (NHANES III,
Hollowell 2002), and hyperthyroid reflexes are brisk, not reduced, so in
adults under 65 with no other cause the part should give a reduced ankle
reflex to about 0.5 x 0.45 + 0.5 x (the 5% background): between the ends of
the Wilson 95% interval of 18/40 (0.307-0.602, computed below).
"""

from __future__ import annotations

import math

import pytest


def _wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval of k of n."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_the_overt_part_reduces_the_ankle_reflex_as_eslamian_2011_found(model):
    """Check P(ankle reflex reduced | overt part, 40-64, no neuropathy, radiculopathy or stenosis) in the pgmpy table against 18/40."""
    cpd = model.network.get_cpds("ankle_reflex")
    assert "overt_thyroid_dysfunction" in cpd.variables
    parents = {
        "overt_thyroid_dysfunction": "present", "peripheral_neuropathy": "absent", "lumbar_radiculopathy": "absent",
        "lumbar_spinal_stenosis": "absent", "age_group": "40_to_64",
    }  # fmt: skip
    without = cpd.get_value(ankle_reflex="reduced", **{**parents, "overt_thyroid_dysfunction": "absent"})
    with_part = cpd.get_value(ankle_reflex="reduced", **parents)
    low, high = _wilson(18, 40)
    assert low == pytest.approx(0.307, abs=0.001) and high == pytest.approx(0.602, abs=0.001)
    # half the part hypothyroid (45%, within its interval), half hyperthyroid (the background only)
    assert 0.5 * low + 0.5 * without <= with_part <= 0.5 * high + 0.5 * without
    assert with_part == pytest.approx(0.5 * 0.45 + 0.5 * without, abs=0.01)
