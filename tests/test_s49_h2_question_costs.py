"""Costs of the next questions given as numpy floats (session 49): an infinity of float32 was taken as a cost."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest

from crampnet.exceptions import InvalidValueError
from crampnet.reasoning.questions import next_questions


@pytest.mark.parametrize("cost", [np.float32("inf"), np.float16("inf"), np.float32("nan"), np.longdouble("1e400"), Fraction(10**400), np.float32(-1)])
def test_a_numpy_float_infinity_is_no_cost(model, cost):
    """Check costs={'ferritin': np.float32('inf')}: it was compared with the largest float64, cast to float32 as inf, so inf <= inf let it through (cost inf, gain per cost 0); each non-finite or negative cost is refused now."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning on the way
        with pytest.raises(InvalidValueError, match=r"Costs must be positive finite numbers\. Got .* for 'ferritin'\."):
            next_questions(model, {"urge_to_move": True}, 3, cost_aware=True, costs={"ferritin": cost})


@pytest.mark.parametrize("cost", [np.float32(2.5), np.float16(0.5), np.int64(3), Fraction(1, 4), 10**300])
def test_finite_numpy_and_other_real_costs_are_taken_without_a_warning(model, cost):
    """Check a finite float32 (which warned "overflow encountered in cast"), float16, numpy int, Fraction and a large int are taken as the float they are."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = next_questions(model, {"urge_to_move": True}, None, by="information", costs={"ferritin": cost})
    assert table.loc["ferritin", "cost"] == float(cost)
