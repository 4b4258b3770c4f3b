"""crampnet score's column of red flags, worked out once per distinct case (session 52, h2).

``flag_column`` called ``red_flags`` once per row (about half of the time of
``crampnet score``); it now calls it once per distinct case of what decides
the flags. Its cells are compared here with a plain loop of ``red_flags``
over the rows, written here: on the 55 dev vignettes, on random frames with
empty, soft and unreadable cells, and with a threshold given; and the calls
of ``red_flags`` are counted.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crampnet._cohort_csv import flag_column
from crampnet.reasoning import redflags
from crampnet.reasoning._rules import RULE_NODES, RULES, WELLS_ITEMS

VIGNETTES = Path("/work/shared/vignettes/dev.jsonl")
RED_FLAGS = redflags.red_flags  # the function itself, before any test counts its calls


def _loop(model, cases, posteriors, threshold=None):
    """The flags of each row by one red_flags call per row: empty cells left out, most urgent first, 'condition (urgency)'."""
    out = []
    for i in range(len(cases)):
        row = cases.iloc[i : i + 1]
        evidence = {str(c): v for c, v in zip(row.columns, next(row.itertuples(index=False, name=None)), strict=True) if not row[c].isna().iloc[0]}
        post = {str(c): float(v) for c, v in posteriors.iloc[i].items()}
        out.append("; ".join(f"{f.condition} ({f.urgency})" for f in RED_FLAGS(model, evidence, post, threshold=threshold, baseline=False)))
    return out


def _outcome(function, *args):
    """What ``function(*args)`` gives, or the type and text of what it raises."""
    try:
        return "cells", function(*args)
    except Exception as err:  # the error itself is compared
        return "error", type(err).__name__, str(err)


def _vignettes():
    if not VIGNETTES.is_file():
        pytest.skip(f"{VIGNETTES} is not on this machine")
    rows = [json.loads(line)["evidence"] for line in VIGNETTES.read_text(encoding="utf-8").splitlines() if line.strip()]
    # age_group is the node that 'age' names: one column of the two (no vignette gives both)
    return pd.DataFrame([{("age" if k == "age_group" else k): v for k, v in row.items()} for row in rows])


@pytest.mark.parametrize("threshold", [None, 0.05, 0.5])
def test_the_dev_vignettes_flags_are_those_of_a_loop_of_red_flags(model, threshold):
    """Check the 55 dev vignettes (the columns' union, empty where a vignette has no entry), alone and repeated in a shuffled order."""
    cases = _vignettes()
    assert len(cases) == 55
    posteriors = model.posteriors(cases)
    expected = _loop(model, cases, posteriors, threshold)
    assert any(expected), "no vignette raises a flag: the comparison would say little"
    assert flag_column(model, cases, posteriors, threshold) == expected
    order = np.random.default_rng(52).permutation(np.repeat(np.arange(55), 3))
    assert flag_column(model, cases.iloc[order], posteriors.iloc[order], threshold) == [expected[i] for i in order]


# A handful of columns: most read by the finding rules (cauda equina, Wells, ALI with its typed days, the ABI's
# typed edge, pregnancy, rest pain through relief_by_dependency's entailment, the D-dimer rule-out), two that no
# rule reads; soft evidence and unreadable texts beside the states.
_VALUES = {
    "bladder_bowel_dysfunction": ["yes", "no"],
    "back_pain": ["yes", "no", {"yes": 1.0, "no": 0.5}],
    "calf_tenderness": ["yes", "no", True, {"yes": 1.0, "no": 1.0}],
    "malignancy": ["yes", "no"],
    "unilateral_calf_swelling": ["yes", "no"],
    "d_dimer": ["normal", "raised", True],
    "pe_symptoms": ["no", "yes"],
    "pregnancy": ["none", "first_trimester", "later_trimester"],
    "relief_by_dependency": ["yes", "no", {"yes": 1.0, "no": 0.01}],
    "rest_pain": ["yes", "no"],
    "ankle_brachial_index": [0.9, "0.90", 0.85, "low", "normal", 1.5],
    "symptom_duration": [10, 10.0, 30, "under_2_weeks", "over_3_months"],
    "cold_pale_limb": ["yes", "no"],
    "pedal_pulses": ["absent", "normal"],
    "atrial_fibrillation": ["yes", "no"],
    "fasciculations": ["yes", "no"],
    "weakness": ["yes", "no"],
    "hyperreflexia": ["yes"],
    "nocturnal": ["yes", "no"],
    "age": [25, 45.0, 70, "65_plus"],
}
_BAD = {"back_pain": "maybe", "ankle_brachial_index": "low-ish", "age": -3}


@st.composite
def _frames(draw):
    columns = draw(st.lists(st.sampled_from(sorted(_VALUES)), min_size=1, max_size=8, unique=True))
    pool = draw(st.lists(st.fixed_dictionaries({c: st.one_of(st.none(), st.sampled_from(_VALUES[c])) for c in columns}), min_size=1, max_size=6))
    picks = draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=25))
    rows = [dict(pool[i]) for i in picks]
    for row in rows:
        if not any(v is not None for v in row.values()):
            row[columns[0]] = _VALUES[columns[0]][0]  # a row with no entry is not a case (score refuses it)
    return pd.DataFrame(rows, columns=columns)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cases=_frames(), threshold=st.sampled_from([None, None, 0.05, 0.3, 1.0]), bad=st.data())
def test_random_frames_flags_are_those_of_a_loop_of_red_flags(model, cases, threshold, bad):
    """Check random small frames (repeated rows, empty, soft and typed-number cells), and with an unreadable cell the same error."""
    scored = _outcome(model.posteriors, cases)
    assume(scored[0] == "cells")  # not a frame of impossible evidence (relief on dependency without rest pain)
    posteriors = scored[1]
    assert _outcome(flag_column, model, cases, posteriors, threshold) == ("cells", _loop(model, cases, posteriors, threshold))
    spoilt = [c for c in cases.columns if c in _BAD]
    if spoilt:  # the posteriors of the readable frame, a cell the evidence reader refuses: the loop's error, from its row
        column = bad.draw(st.sampled_from(spoilt))
        row = bad.draw(st.integers(0, len(cases) - 1))
        broken = cases.astype(object)
        broken.iloc[row, list(cases.columns).index(column)] = _BAD[column]
        expected = _outcome(_loop, model, broken, posteriors, threshold)
        assert expected[0] == "error"
        assert _outcome(flag_column, model, broken, posteriors, threshold) == expected


# Cases whose flags the posteriors change: rule flags a threshold flag replaces (MND's 'test'), the DVT rule-out met,
# rest pain entailed by relief on dependency (or not), pregnancy's DVT advice, a rule of a condition not must-not-miss.
_CASES = [
    {"nocturnal": "yes"},
    {"bladder_bowel_dysfunction": "yes", "back_pain": "yes"},
    {"weakness": "yes", "fasciculations": "yes"},
    {"hyperreflexia": "yes", "fasciculations": "yes"},
    {"d_dimer": "normal", "malignancy": "no", "recent_immobilisation": "no", "calf_tenderness": "no", "unilateral_calf_swelling": "no", "edema": "no", "prior_vte": "no"},
    {"calf_tenderness": "yes"},
    {"rest_pain": "yes", "ankle_brachial_index": "non_compressible"},
    {"relief_by_dependency": "yes", "pedal_pulses": "absent"},
    {"relief_by_dependency": "no", "pedal_pulses": "absent"},
    {"pregnancy": "later_trimester", "calf_tenderness": "yes"},
    {"myoglobinuria": "yes"},
]


@st.composite
def _posteriors(draw, model, rows):
    """Posteriors on and around each must-not-miss condition's thresholds (a hair under, at, the rounding of an engine outside [0, 1])."""
    from crampnet.reasoning._thresholds import THRESHOLDS, testing_thresholds

    limits = testing_thresholds(model)
    near = {c: [0.0, -5e-10, limits[c] * (1 - 2e-9), limits[c] * (1 - 5e-10), limits[c], 0.05, 0.3, 0.9, 1.0, 1.0 + 5e-10] + ([THRESHOLDS[c].treatment * (1 - 2e-9), THRESHOLDS[c].treatment * (1 - 5e-10), THRESHOLDS[c].treatment] if c in THRESHOLDS else []) for c in model.must_not_miss}
    return pd.DataFrame([{c: draw(st.sampled_from(near[c])) if c in near else 0.1 for c in model.conditions} for _ in range(rows)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), threshold=st.sampled_from([None, None, 0.05, 0.3]))
def test_posteriors_around_the_thresholds_give_the_flags_of_a_loop(model, data, threshold):
    """Check rows of a few cases with posteriors drawn on and around the thresholds: which flags, their urgency and order."""
    picks = data.draw(st.lists(st.integers(0, len(_CASES) - 1), min_size=1, max_size=30))
    cases = pd.DataFrame([_CASES[i] for i in picks])
    posteriors = data.draw(_posteriors(model, len(cases)))
    assert flag_column(model, cases, posteriors, threshold) == _loop(model, cases, posteriors, threshold)


@pytest.mark.parametrize("case", [0, 2, 4], ids=["no rule", "MND's test rule", "DVT rule-out met"])
def test_each_condition_on_and_around_its_thresholds(model, case):
    """Check one case with each must-not-miss condition in turn a hair under, within the tolerance of, and at its thresholds."""
    from crampnet.reasoning._thresholds import THRESHOLDS, testing_thresholds

    limits, rows = testing_thresholds(model), []
    for cond in model.must_not_miss:
        edges = [limits[cond]] + ([THRESHOLDS[cond].treatment] if cond in THRESHOLDS else [])
        rows += [{c: 0.0 for c in model.conditions} | {cond: edge * factor} for edge in edges for factor in (1 - 2e-9, 1 - 5e-10, 1.0)]
    posteriors = pd.DataFrame(rows)
    cases = pd.DataFrame([_CASES[case]] * len(rows))
    for threshold in (None, 0.05):
        expected = _loop(model, cases, posteriors, threshold)
        assert len(set(expected)) > 2
        assert flag_column(model, cases, posteriors, threshold) == expected


def test_a_posterior_a_hair_over_1_ties_at_1(model):
    """Check the order of two flags at posterior 1 and 1 + 5e-10 (an engine's rounding, read as 1): as at 1 and 1, not as at 0.9 and 1."""
    first, second = model.must_not_miss[:2]
    cases = pd.DataFrame({"nocturnal": ["yes", "yes"]})
    posteriors = pd.DataFrame([{c: 0.0 for c in model.conditions} | {first: 1.0, second: 1.0 + 5e-10}, {c: 0.0 for c in model.conditions} | {first: 0.9, second: 1.0}])
    expected = _loop(model, cases, posteriors)
    assert expected[0].startswith(first) and expected[1].startswith(second)
    assert flag_column(model, cases, posteriors) == expected


def test_rest_pain_entailed_by_a_column_no_rule_names_tells_rows_apart(model):
    """Check relief on dependency yes and no beside absent pulses, with the same posteriors: CLI's rule flags the first only (urgent)."""
    cases = pd.DataFrame([_CASES[7], _CASES[8]] * 3)
    posteriors = pd.concat([model.posteriors(cases.iloc[1:2])] * len(cases), ignore_index=True)
    expected = _loop(model, cases, posteriors)
    assert "critical_limb_ischemia (urgent)" in expected[0] and "critical_limb_ischemia (urgent)" not in expected[1]
    assert flag_column(model, cases, posteriors) == expected


def test_a_number_one_beside_true_is_refused_from_its_row(model):
    """Check a column holding True and 1 (equal in Python): the 1 is refused as red_flags refuses it, not read as the True."""
    cases = pd.DataFrame({"calf_tenderness": [True, True, 1, True]}, dtype=object)
    posteriors = model.posteriors(cases.iloc[[0, 0, 0, 0]].reset_index(drop=True))
    expected = _outcome(_loop, model, cases, posteriors)
    assert expected[0] == "error" and "got 1" in expected[2]
    assert _outcome(flag_column, model, cases, posteriors) == expected


def test_a_posterior_red_flags_refuses_is_refused_from_its_row(model):
    """Check that a NaN posterior in the fourth row raises the loop's error, not a flag read off another row."""
    cases = pd.DataFrame({"back_pain": ["yes"] * 6, "bladder_bowel_dysfunction": ["yes"] * 6})
    posteriors = model.posteriors(cases)
    posteriors.iloc[3, 0] = np.nan
    expected = _outcome(_loop, model, cases, posteriors)
    assert expected[0] == "error"
    assert _outcome(flag_column, model, cases, posteriors) == expected


def test_a_threshold_red_flags_refuses_is_refused(model):
    """Check that --threshold 5 (a percentage) is refused as red_flags refuses it."""
    cases = pd.DataFrame({"back_pain": ["yes", "no"]})
    posteriors = model.posteriors(cases)
    expected = _outcome(_loop, model, cases, posteriors, 5.0)
    assert expected[0] == "error"
    assert _outcome(flag_column, model, cases, posteriors, 5.0) == expected


def _counting(monkeypatch):
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return RED_FLAGS(*args, **kwargs)

    monkeypatch.setattr(redflags, "red_flags", counted)
    return calls


def test_red_flags_is_called_once_per_distinct_row(model, monkeypatch):
    """Check 500 rows that are 5 distinct cases repeated: at most 5 calls (a loop makes 500)."""
    distinct = pd.DataFrame({"back_pain": ["yes", "yes", None, "no", "yes"], "bladder_bowel_dysfunction": ["yes", None, "yes", "no", None], "calf_tenderness": ["yes", "yes", "no", None, None], "nocturnal": [None, "yes", "yes", "no", "yes"]})
    order = np.random.default_rng(7).permutation(np.repeat(np.arange(5), 100))
    cases = distinct.iloc[order].reset_index(drop=True)
    posteriors = model.posteriors(cases)
    expected = _loop(model, cases, posteriors)
    calls = _counting(monkeypatch)
    assert flag_column(model, cases, posteriors) == expected
    assert 1 <= len(calls) <= 5


def test_columns_no_rule_reads_do_not_multiply_the_calls(model, monkeypatch):
    """Check 300 rows with 3 cases of the rules' columns and 100 ages and two answers of nocturnal: at most 3 calls.

    The posteriors are given alike for every row, so only the columns the finding rules read tell the rows apart.
    """
    rules = [{"bladder_bowel_dysfunction": "yes", "back_pain": "yes"}, {"calf_tenderness": "yes", "malignancy": "yes"}, {"back_pain": "no"}]
    cases = pd.DataFrame([{**rules[i % 3], "age": float(20 + i % 100), "nocturnal": ["yes", "no"][i % 2]} for i in range(300)])
    posteriors = pd.concat([model.posteriors(cases.iloc[:1])] * len(cases), ignore_index=True)
    expected = _loop(model, cases, posteriors)
    assert len(set(expected)) > 1
    calls = _counting(monkeypatch)
    assert flag_column(model, cases, posteriors) == expected
    assert 1 <= len(calls) <= 3


def test_every_node_the_rules_name_is_one_the_rules_read():
    """Check RULE_NODES, the columns flag_column tells rows apart by, against the nodes RULES, the Wells items and the rule-outs name."""
    named = {nid for rule in RULES for group in (*rule.groups, rule.excluded) for nid, _ in group}
    named |= {nid for rule in RULES for nid, _, _, _ in rule.numbers}
    named |= {nid for entries, _ in WELLS_ITEMS for nid, _ in entries} | {"d_dimer", "pe_symptoms", "pregnancy", "postpartum", "bilateral"}
    assert named <= RULE_NODES, named - RULE_NODES
