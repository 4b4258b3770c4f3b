"""Session 49, helper 5: defects of the trust layer a researcher would hit (fitting, metrics, batches, cohorts)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from crampnet.trust.evaluate import calibration_table


def test_calibration_table_puts_a_prediction_on_a_bin_edge_in_the_bin_it_opens():
    """Check a score equal to a bin's lower edge (0.3, 0.6, 0.7 of ten bins) falls in that bin, as [low, high) says.

    The edges were ``linspace(0, 1, 11)``, whose third is 3 * 0.1 =
    0.30000000000000004: a score of 0.3 (a rounded clinical score, say)
    went to the bin [0.2, 0.3), and 0.6 and 0.7 to the bins below theirs.
    The expected bins come from exact fractions of the decimal scores.
    """
    scores = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.35, 0.65]
    for bins in (10, 20, 5, 3):
        expected = [0] * bins
        for s in scores:
            expected[min(int(Fraction(str(s)) * bins), bins - 1)] += 1  # exact floor of s * bins on the decimal
        table = calibration_table(np.array(scores), np.zeros(len(scores)), bins=bins)
        assert table["n"].tolist() == expected, bins
        assert table["bin_low"].tolist() == [k / bins for k in range(bins)]
