"""``crampnet diagnose`` runs without pandas and prints what the Python API's tables hold.

A fresh ``crampnet diagnose`` spent most of its time importing pandas (and
pyarrow) for tables it only printed. The command line now reads the
diagnosis's arrays; these tests check that a ``diagnose`` process (text and
``--json``) never imports pandas, that the detector does see pandas where it
is imported, and that every number printed is the one the pandas API gives
(the posteriors Series, the scores and must-not-miss tables, the next
questions table), formatted here from those tables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet._cli_output import (
    FULL_CITATIONS,
    QUESTIONS_HEADER,
    diagnosis_json,
    differential_lines,
    flag_lines,
    question_lines,
)
from crampnet.cli import EXAMPLE_CASE, main
from crampnet.reasoning._thresholds import compared_percents
from crampnet.reasoning.html import measure_value, ranked
from crampnet.reasoning.mustnotmiss import must_not_miss_rows, must_not_miss_table, rule_out_cite
from crampnet.reasoning.questions import (
    collect_answers,
    next_questions,
    rank_questions,
    ranked_rows,
)
from crampnet.reasoning.ranking import counterfactual_scores, order, order_positions
from crampnet.reasoning.redflags import red_flags

HEAVY = ("pandas", "pyarrow", "pgmpy", "numba")
# Runs the command line as ``python -m crampnet`` does, then lists the heavy
# modules the process imported (on stderr's last line).
RUNNER = (
    "import runpy, sys\n"
    "sys.argv = ['crampnet', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('crampnet', run_name='__main__', alter_sys=True)\n"
    "except SystemExit as stop:\n"
    "    code = stop.code\n"
    f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
)

CASES = [
    EXAMPLE_CASE,
    {"unilateral_calf_swelling": True, "calf_tenderness": True},
    {"muscle_cramps": True, "fasciculations": True, "age": 60, "hyperreflexia": True},
    {"exertional_pain_relieved_by_rest": True, "pain_location": "calf", "pedal_pulses": "diminished", "smoker": True, "age": 68},
    {"restless_legs_syndrome": {"present": 0.7, "absent": 0.3}, "ferritin": 30},
    {},
]
RANKINGS = ["counterfactual", "sufficiency", "posterior"]


def _run(*argv: str) -> tuple[str, list[str]]:
    env = {**os.environ, "CRAMPNET_JIT": "auto"}
    out = subprocess.run([sys.executable, "-c", RUNNER, *argv], capture_output=True, text=True, env=env, timeout=300, check=True)
    return out.stdout, json.loads(out.stderr.strip().splitlines()[-1].replace("'", '"'))


@pytest.mark.parametrize("argv", [["diagnose", "--example"], ["diagnose", "--example", "--json"], ["diagnose", "unilateral_calf_swelling=yes", "--ranking", "posterior", "--questions", "8"]])
def test_diagnose_imports_no_pandas(model, argv):
    """Check that a fresh ``crampnet diagnose`` (text and JSON) imports neither pandas nor pyarrow (nor pgmpy, numba), and prints a diagnosis."""
    stdout, heavy = _run(*argv)
    assert heavy == [], heavy
    assert "restless_legs_syndrome" in stdout or "deep_vein_thrombosis" in stdout


def test_the_detector_sees_pandas(model, tmp_path):
    """Check the detector itself: ``crampnet score`` reads its CSV with pandas, and the runner reports it."""
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("urge_to_move,ferritin\nyes,30\n", encoding="utf-8")
    stdout, heavy = _run("score", str(cohort), "--no-progress")
    assert "pandas" in heavy
    assert stdout.splitlines()[0].startswith("row,")


def test_the_subprocess_prints_what_main_prints(model, capsys):
    """Check that the pandas-free process prints exactly what ``main`` prints in this (pandas-loaded) process."""
    for argv in (["diagnose", "--example"], ["diagnose", "--example", "--json"]):
        stdout, _ = _run(*argv)
        assert main(argv) == 0
        assert stdout == capsys.readouterr().out


# --- what is printed is what the pandas API holds -------------------------------------------


def _reference_must_not_miss(dx: crampnet.Diagnosis) -> list[str]:
    table = dx.must_not_miss
    if table.empty:
        return ["Must-not-miss conditions: none marked in this network."]
    width = max(len(str(c)) for c in table.index)
    lines = ["Must-not-miss conditions (always listed; flagged at or above the threshold, or by a finding rule):"]
    for cond, row in table.iterrows():
        below = row["probability"] < row["threshold"]
        kind = f"{row['urgency']}, finding rule" if below else row["urgency"]
        mark = f"FLAGGED ({kind})" if row["flagged"] else "not flagged"
        shown, limit = compared_percents(row["probability"], row["threshold"])
        lines.append(f"  {cond!s:<{width}}  P = {shown:>7}  threshold {limit:>6}  {mark}")
        lines.append(f"  {'':<{width}}  rules out: {row['rule_out']} [{rule_out_cite(str(cond), str(row['source']))}]")
    return [*lines, FULL_CITATIONS]


def _reference_questions(dx: crampnet.Diagnosis, n: int) -> list[str]:
    table = dx.next_questions(n)
    if table.empty:
        return ["Next questions: none left."]
    return [QUESTIONS_HEADER] + [
        f"  {q!s:<32} {row['decision']:6.0%}  {row['information_gain']:6.3f}  {row['label']} ({row['kind']}{'; about ' + row['about'] if row['about'] else ''})"
        for q, row in table.iterrows()
    ]


@pytest.mark.parametrize("ranking", RANKINGS)
@pytest.mark.parametrize("case", range(len(CASES)))
def test_text_output_matches_the_tables(model, case, ranking):
    """Check the must-not-miss lines, each differential row and the question lines against the pandas tables."""
    dx = model.diagnose(CASES[case], ranking=ranking)
    flags = flag_lines(dx)
    assert flags[len(flags) - len(_reference_must_not_miss(dx)) :] == _reference_must_not_miss(dx)
    lines = differential_lines(dx, 4)
    rows = ranked(dx, 4)
    assert len(lines) == 1 + len(rows) + (any(r > 4 for r, _ in rows)) + len(dx.legend)
    for (rank, cond), line in zip(rows, lines[1:], strict=False):
        fields = line.split()
        assert fields[:3] == [str(rank), cond, f"{float(dx.posteriors[cond]):.4f}"]
        value = measure_value(dx, cond)
        if value is None:
            assert len(fields) == 4 or fields[4:] == ["[must", "not", "miss]"]
        else:
            assert float(fields[4]) == value and value == float(dx.scores.loc[cond, dx.measure])
    assert question_lines(dx, 6) == _reference_questions(dx, 6)


@pytest.mark.parametrize("ranking", RANKINGS)
@pytest.mark.parametrize("case", range(len(CASES)))
def test_json_matches_the_tables(model, case, ranking):
    """Check every number of the JSON against the posteriors Series, the scores and the next questions table."""
    dx = model.diagnose(CASES[case], ranking=ranking)
    out = json.loads(diagnosis_json(dx, CASES[case], 4))
    expected = {str(c): float(f"{float(p):.6g}") for c, p in dx.posteriors.items()}  # six significant digits
    assert list(out["posteriors"].items()) == list(expected.items())  # same order: most probable first
    assert [e["condition"] for e in out["differential"]] == dx.differential == list(dx.scores.index)
    for entry in out["differential"]:
        assert entry["posterior"] == expected[entry["condition"]]
        value = measure_value(dx, entry["condition"])
        parts = model.spec.parts_of(entry["condition"])  # a condition's hidden forms (crampnet.network.parts)
        if value is None:  # ordered by posterior: no other measure
            assert list(entry) == ["rank", "condition", "posterior", "must_not_miss"] + (["parts"] if parts else [])
        else:
            assert entry[dx.measure] == value
        for part in parts:
            assert entry["parts"][part] == float(f"{model.probability({part: 'present'}, CASES[case]):.6g}")
    table = dx.next_questions(4)
    assert [q["question"] for q in out["next_questions"]] == list(table.index)
    for q in out["next_questions"]:
        row = table.loc[q["question"]]
        assert (q["label"], q["kind"], q["about"]) == (row["label"], row["kind"], row["about"])
        assert q["information_gain"] == round(float(row["information_gain"]), 6)
    assert out["red_flags"] == [{"condition": f.condition, "urgency": f.urgency, "message": f.message, "source": f.source} for f in dx.red_flags]
    mnm = dx.must_not_miss
    assert [e["condition"] for e in out["must_not_miss"]] == list(mnm.index) == list(model.must_not_miss)
    for e in out["must_not_miss"]:
        row = mnm.loc[e["condition"]]
        assert e["probability"] == float(f"{float(row['probability']):.6g}") == expected[e["condition"]]
        assert e["threshold"] == float(f"{float(row['threshold']):.6g}")
        assert (e["flagged"], e["urgency"], e["rule_out"], e["source"]) == (bool(row["flagged"]), row["urgency"], row["rule_out"], row["source"])


# --- the Python API is unchanged -------------------------------------------------------------


@pytest.mark.parametrize("ranking", RANKINGS)
@pytest.mark.parametrize("case", range(len(CASES)))
def test_diagnosis_tables_are_the_reference_ones(model, case, ranking):
    """Check posteriors, differential, scores, must-not-miss and next questions against the public functions (exactly)."""
    evidence = CASES[case]
    dx = model.diagnose(evidence, ranking=ranking)
    post = model.posteriors(evidence)
    pd.testing.assert_series_equal(dx.posteriors, post, check_exact=True)
    frame = counterfactual_scores(model, evidence)
    frame["posterior"] = post.reindex(frame.index).to_numpy()
    differential = [str(c) for c in post.index] if ranking == "posterior" else order(frame, ranking)
    assert dx.differential == differential
    scores = frame.loc[differential].copy()
    for column in ("disablement", "sufficiency"):
        scores[column] = [float(np.round(v, 2)) + 0.0 for v in scores[column]]
    pd.testing.assert_frame_equal(dx.scores, scores, check_exact=True)
    flags = red_flags(model, evidence)
    assert dx.red_flags == flags
    pd.testing.assert_frame_equal(dx.must_not_miss, must_not_miss_table(model, post, flags), check_exact=True)
    pd.testing.assert_frame_equal(dx.next_questions(7), next_questions(model, evidence, 7), check_exact=True)
    assert isinstance(dx.posteriors, pd.Series) and isinstance(dx.scores, pd.DataFrame)


def test_posterior_array_is_the_posteriors(model):
    """Check that ``posterior_array`` gives, in network order, exactly the numbers of ``posteriors``."""
    for evidence in CASES:
        values = model.posterior_array(evidence)
        assert isinstance(values, np.ndarray) and values.shape == (len(model.conditions),)
        np.testing.assert_array_equal(values, model.posteriors(evidence).reindex(model.conditions).to_numpy())


def test_posterior_array_refuses_what_posteriors_refuses(model):
    """Check that bad evidence raises the same errors as ``posteriors`` (unknown id, impossible evidence, not a mapping)."""
    with pytest.raises(crampnet.exceptions.UnknownNodeError, match="Did you mean"):
        model.posterior_array({"urge_to_mov": True})
    with pytest.raises(crampnet.exceptions.EvidenceTypeError, match="mapping"):
        model.posterior_array([("urge_to_move", True)])  # type: ignore[arg-type]
    impossible = {"restless_legs_syndrome": True, "periodic_limb_movements": {"present": 0.0, "absent": 0.0}}
    with pytest.raises(ValueError):
        model.posteriors(impossible)
    with pytest.raises(ValueError):
        model.posterior_array(impossible)


@pytest.mark.parametrize("n", [0, 1, 5, None])
def test_ranked_rows_are_the_tables_rows(model, n):
    """Check that ``ranked_rows`` gives the rows of ``rank_questions`` in its order, value for value."""
    answers = collect_answers(model, {"muscle_cramps": True, "nocturnal": True})
    table = rank_questions(model, answers, n)
    rows = ranked_rows(model, answers, n)
    assert [q for q, _ in rows] == list(table.index)
    for q, row in rows:
        assert list(row) == list(table.columns)
        assert row == table.loc[q].to_dict()


def test_ranked_rows_refuse_a_bad_n(model):
    """Check that a negative or non-integer ``n`` is an error, as for ``next_questions``."""
    answers = collect_answers(model, {"muscle_cramps": True}, ["ferritin"])
    for bad in (-1, 2.5, True):
        with pytest.raises(crampnet.exceptions.InvalidValueError, match="'n' argument"):
            ranked_rows(model, answers, bad)  # type: ignore[arg-type]


def test_must_not_miss_rows_and_red_flags_take_a_mapping(model):
    """Check that a dict of posteriors gives the same red flags and must-not-miss rows as the Series."""
    evidence = {"unilateral_calf_swelling": True, "malignancy": True}
    post = model.posteriors(evidence)
    as_dict = {str(c): float(p) for c, p in post.items()}
    flags = red_flags(model, evidence, post)
    assert flags and red_flags(model, evidence, as_dict) == flags == red_flags(model, evidence)
    table = must_not_miss_table(model, post, flags)
    rows = must_not_miss_rows(model, as_dict, flags)
    assert [r[0] for r in rows] == list(table.index)
    assert [list(r[1:]) for r in rows] == table.to_numpy().tolist()


def test_order_positions_is_order():
    """Check ``order_positions`` against hand-made scores: the measure at two decimals first, then the posterior, ties stable."""
    post = np.array([0.2, 0.9, 0.5, 0.9])
    measure = np.array([1.004, 0.001, 1.0, 0.0])  # 1.004 and 1.0 tie at two decimals
    assert order_positions(post).tolist() == [1, 3, 2, 0]
    assert order_positions(post, measure).tolist() == [2, 0, 1, 3]
    frame = pd.DataFrame({"posterior": post, "disablement": measure, "sufficiency": measure}, index=list("abcd"))
    assert order(frame, "disablement") == ["c", "a", "b", "d"]


def test_question_lines_show_the_measure_they_are_ranked_by(model):
    """Check each question line's first number is next_questions' decision measure, in the table's order.

    The lines once showed only the information gain, which is not the order
    of the default ranking, so the numbers a clinician read were not sorted.
    """
    dx = model.diagnose(EXAMPLE_CASE)
    table = dx.next_questions(5)
    lines = question_lines(dx, 5)
    assert "testing or test-treatment threshold" in lines[0] and "information gain in bits" in lines[0]
    shown = [float(line.split()[1].rstrip("%")) / 100 for line in lines[1:]]
    assert shown == pytest.approx(list(table["decision"]), abs=0.005 + 1e-12)
    assert shown == sorted(shown, reverse=True)
    assert all(line.split()[1].rstrip("%").isdigit() for line in lines[1:])  # whole percent: the order's precision
