"""red_flags and the rule-out functions check their switches: a wrong value is an error, never a flag silently lost.

Found by fuzzing the public API's keyword arguments (helper h5b, session 46): ``threshold="x"``
switched the DVT rule-out off, ``baseline="no"`` was read as true, and a misspelt condition in
``posteriors`` was dropped, leaving that condition to the default.
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.exceptions import (
    CrampnetError,
    EvidenceTypeError,
    InvalidValueError,
    UnknownNodeError,
)
from crampnet.reasoning.redflags import red_flags, rule_outs_met, rule_outs_open

# Wells 1 (tenderness), every item answered, normal D-dimer: NICE NG158's rule-out is met.
_RULED_OUT = {"calf_tenderness": True, "d_dimer": "normal", "malignancy": False, "recent_immobilisation": False,
              "unilateral_calf_swelling": False, "edema": False, "prior_vte": False}  # fmt: skip


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


@pytest.mark.parametrize("threshold", ["x", 5, 0, -0.1, float("nan"), True])
@pytest.mark.parametrize("function", [rule_outs_met, rule_outs_open])
def test_rule_out_functions_refuse_a_threshold_that_is_no_probability(model: crampnet.Model, function: object, threshold: object) -> None:
    assert list(rule_outs_met(model, _RULED_OUT)) == ["deep_vein_thrombosis"]  # the case does meet it
    with pytest.raises(InvalidValueError, match=r"'threshold' argument of rule_outs_(met|open).*\(0, 1\]"):
        function(model, _RULED_OUT, threshold=threshold)  # type: ignore[operator]


def test_rule_out_functions_still_stand_aside_for_a_valid_threshold(model: crampnet.Model) -> None:
    assert rule_outs_met(model, _RULED_OUT, threshold=0.05) == {}
    assert rule_outs_open(model, {"calf_tenderness": True, "d_dimer": "normal"}, threshold=0.05) == {}


@pytest.mark.parametrize("baseline", ["no", "false", 0, 1, None])
def test_red_flags_refuses_a_baseline_that_is_not_a_bool(model: crampnet.Model, baseline: object) -> None:
    with pytest.raises(EvidenceTypeError, match="'baseline' argument of red_flags must be True or False"):
        red_flags(model, {"muscle_cramps": True}, baseline=baseline)  # type: ignore[arg-type]


def test_red_flags_refuses_a_posteriors_key_that_is_not_a_condition(model: crampnet.Model) -> None:
    case = {"unilateral_calf_swelling": True, "calf_tenderness": True}
    post = model.posteriors(case).to_dict()
    with pytest.raises(UnknownNodeError, match="Did you mean 'deep_vein_thrombosis'"):
        red_flags(model, case, {**post, "deep_vein_thrombsis": 0.5})
    with pytest.raises(InvalidValueError, match="takes conditions; 'calf_tenderness'"):
        red_flags(model, case, {**post, "calf_tenderness": 1.0})


def test_red_flags_refuses_a_whole_table_of_posteriors(model: crampnet.Model) -> None:
    import pandas as pd

    frame = model.posteriors(pd.DataFrame([{"muscle_cramps": True}, {"muscle_cramps": False}]))
    with pytest.raises(EvidenceTypeError, match=r"one row of model.posteriors\(frame\)"):
        red_flags(model, {"muscle_cramps": True}, frame)
    # the row the message asks for works
    assert isinstance(red_flags(model, {"muscle_cramps": True}, frame.iloc[0]), list)


def test_every_refusal_is_a_crampnet_error() -> None:
    assert all(issubclass(e, CrampnetError) and issubclass(e, ValueError | TypeError) for e in (EvidenceTypeError, InvalidValueError, UnknownNodeError))
