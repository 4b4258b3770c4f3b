"""A number typed exactly on a cut point falls where the cut as the file writes it puts it, whatever its type.

After h1's exact banding (session 49) the Decimal, Fraction and text readings compared with the float's exact
value: ``"0.90"`` was below 0.90000000000000002 and banded the ABI low (PAD 56%), where the float 0.9 is
normal (1.5%); ``"1.40"`` became non-compressible and a flag then spoke of "an ABI over 1.40" (h7's report).
"""

from __future__ import annotations

import decimal
import fractions

import pytest

from crampnet.network.evidence import interpret

CUTS = [("ankle_brachial_index", 0.9), ("ankle_brachial_index", 1.4), ("ankle_brachial_index", 0.4), ("ferritin", 50.0), ("symptom_duration", 90.0)]


def _forms(cut: float) -> list[object]:
    text = repr(cut)
    return [f"{text}0", decimal.Decimal(f"{text}0"), fractions.Fraction(text), text]


@pytest.mark.parametrize(("node", "cut"), CUTS)
def test_a_cut_typed_in_any_type_bands_as_its_float(model, node, cut):
    """Check text, Decimal and Fraction forms of a cut point against the float's posteriors."""
    expected = model.posteriors({node: cut})
    for form in _forms(cut):
        assert model.posteriors({node: form}).equals(expected), form


@pytest.mark.parametrize(("node", "cut"), CUTS)
def test_an_interview_answer_on_a_cut_is_the_cut(model, node, cut):
    """Check that interpret keeps an answer written as the cut with a trailing zero on the cut, not the float below it."""
    assert interpret(model.spec.nodes[node], f"{cut!r}0") == cut


def test_just_below_a_cut_stays_below(model):
    """Check that the exact reading still keeps a long number under the cut on its side."""
    low = model.posteriors({"ferritin": 49})
    assert model.posteriors({"ferritin": "49.99999999999999999999"}).equals(low)
    assert model.posteriors({"ferritin": decimal.Decimal("49.99999999999999999999")}).equals(low)
