"""The product form of a finding's table is found without a full-table multiplication per parent.

``quickscore._product`` rebuilt its candidate ``base * prod_i q_i(x_i)`` by
multiplying a full-size table once per parent, building each slice index
with a generator; on the shipped network's findings (up to 13 parents) that
was most of the first diagnosis's decomposition. These tests check the
decomposition itself against tables built by hand, and count its work.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from crampnet.inference import quickscore
from crampnet.inference.quickscore import _product


def _outer(base: float, qs: list[np.ndarray]) -> np.ndarray:
    """``base * prod_i q_i(x_i)`` over every configuration, written out entry by entry."""
    shape = tuple(q.size for q in qs)
    out = np.empty(shape)
    for idx in np.ndindex(*shape):
        value = base
        for q, x in zip(qs, idx, strict=True):
            value *= float(q[x])
        out[idx] = value
    return out


@pytest.mark.parametrize("cards", [(2,), (3, 2), (2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2), (4, 3, 2)])
def test_a_product_table_is_recovered_and_a_perturbed_one_refused(cards):
    """Check that a table of independent factors decomposes into factors whose product is the table, and that (over two parents or more) one entry off by 1e-11 relatively is refused."""
    rng = np.random.default_rng(len(cards))
    factors = [rng.uniform(0.05, 1.0, size=n) for n in cards]
    table = _outer(0.37, factors)
    found = _product(table)
    assert found is not None
    base, qs = found
    assert [q.shape for q in qs] == [(n,) for n in cards]
    np.testing.assert_allclose(_outer(base, qs), table, rtol=1e-13, atol=0.0)
    assert base == pytest.approx(float(table.max()), rel=0.0, abs=0.0)
    if len(cards) > 1:  # a vector is always a product of one factor
        bent = table.copy()
        bent[np.unravel_index(int(np.argmin(table)), table.shape)] *= 1.0 + 1e-11
        assert _product(bent) is None


def test_a_zero_table_is_a_zero_product():
    """Check the all-zero table: base 0 and zero factors."""
    base, qs = _product(np.zeros((2, 3)))  # type: ignore[misc]
    assert base == 0.0
    assert [q.tolist() for q in qs] == [[0.0, 0.0], [0.0, 0.0, 0.0]]


def test_decomposing_the_shipped_network_makes_few_python_calls(model):
    """Check the work of decomposing every finding of the shipped network: under 18,000 Python-level calls (25,510 when each slice index came from a generator)."""
    calls = 0

    def count(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        terms = quickscore.decompose(model.compiled.spec, model.compiled.tables)
    finally:
        sys.setprofile(None)
    assert len(terms) > 0
    assert calls < 18_000, calls
