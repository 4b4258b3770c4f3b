"""The explorer's refusal of soft evidence quotes what the case gave (session 48, h6)."""

from __future__ import annotations

import pytest

import crampnet

pytest.importorskip("ipywidgets")


def test_soft_evidence_is_quoted_as_given(model):
    """Check the message shows the likelihoods the case gave, not their rescaled form (it read "low:1, normal:0.428571" for 0.7/0.3)."""
    with pytest.raises(crampnet.EvidenceTypeError) as err:
        model.explore({"ferritin": {"low": 0.7, "normal": 0.3}})
    message = str(err.value)
    assert "'ferritin' was given soft evidence ({'low': 0.7, 'normal': 0.3})" in message
    assert "0.428571" not in message and "Give one of low, normal." in message
