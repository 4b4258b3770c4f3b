"""benchmarks/bench_interview.py: the simulated interview is honest, on 3 development vignettes and synthetic ones.

The script is not in a package: it is imported from its file.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "bench_interview.py"
DEV = REPO.parent / "shared" / "vignettes" / "dev.jsonl"


def _import_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_interview", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bi = _import_script()
needs_dev = pytest.mark.skipif(not DEV.exists(), reason="shared/vignettes/dev.jsonl is not there")


@pytest.fixture(scope="module")
def records():
    return bi.bv.load_vignettes(DEV)[:3]


@needs_dev
def test_answers_come_from_the_vignette_and_skips_are_counted(model, records):
    """Check each checkpoint: answers are the vignette's own entries, asked = answered + skipped, nothing asked twice."""
    for record, by in zip(records, ["decision", "information", "decision"], strict=True):
        answers = bi.vignette_answers(model, record["evidence"])
        intake = {key: value for nid, (key, value) in answers.items() if nid in bi.INTAKE}
        for point in bi.interview(model, record, bi.ranked(model, by)):
            asked = point["asked"]
            assert len(asked) == point["questions"] == point["answered"] + point["skipped"]
            # The intake the vignette has is observed, never asked (what it lacks may be asked, and skipped).
            assert len(set(asked)) == len(asked) and not set(asked) & {nid for nid in answers if nid in bi.INTAKE}
            assert point["answered"] == sum(q in answers for q in asked)
            expected = intake | {answers[q][0]: answers[q][1] for q in asked if q in answers}
            assert point["evidence"] == expected
            assert all(record["evidence"][k] == v for k, v in point["evidence"].items())


@needs_dev
def test_answerable_ceiling_asks_only_what_the_vignette_answers(model, records):
    """Check the ``decision*`` ceiling: every question asked is answered until the vignette has nothing left, in the ranking's order."""
    record = records[0]
    answers = bi.vignette_answers(model, record["evidence"])
    askable = {nid for nid in answers if nid not in bi.INTAKE}
    points = bi.interview(model, record, bi.ranked(model, "decision", only=set(answers)))
    for point in points:
        assert point["skipped"] == 0
        assert point["answered"] == min(point["questions"], len(askable))
    # the first question is the decision ranking's first answerable row
    evidence = {key: value for nid, (key, value) in answers.items() if nid in bi.INTAKE}
    table = bi.rank_questions(model, bi.collect_answers(model, evidence), None, by="decision")
    first = next(q for q in table.index if q in askable)
    assert points[0]["asked"][0] == first


@needs_dev
def test_fixed_order_asking_everything_is_full_evidence(model, records):
    """Check that asking every node in the fixed order ends with the vignette's whole evidence and its score."""
    order = bi.fixed_order(model)
    assert sorted(order) == sorted(n for n in model.spec.nodes if n not in model.conditions and n not in model.parts)
    for record in records:
        (last,) = bi.interview(model, record, bi.listed(order), steps=len(order), checkpoints=[len(order)])
        known = {key: value for key, value in record["evidence"].items() if key in last["evidence"]}
        assert last["evidence"] == known
        assert last["answered"] == len(bi.vignette_answers(model, record["evidence"])) - sum(
            nid in bi.INTAKE for nid in bi.vignette_answers(model, record["evidence"])
        )
        if known == record["evidence"]:  # every id is the network's
            assert bi._score(model, record, last["evidence"]) == bi._score(model, record, record["evidence"])


def test_interview_on_a_synthetic_vignette(model):
    """Check intake, answers and skips counted by hand on a made-up record and a fixed list of questions."""
    record = {"id": "SYN-1", "gold": ["deep_vein_thrombosis"], "evidence": {
        "age": 60, "sex": "male", "unilateral_calf_swelling": True, "calf_tenderness": True, "not_a_node": True}}  # fmt: skip
    plan = ["weakness", "unilateral_calf_swelling", "ferritin", "calf_tenderness", "edema", "tsh", "sodium", "d_dimer"]
    points = bi.interview(model, record, bi.listed(plan))
    assert [p["questions"] for p in points] == [3, 5, 8]
    assert [(p["answered"], p["skipped"]) for p in points] == [(1, 2), (2, 3), (2, 6)]
    assert points[0]["evidence"] == {"age": 60, "sex": "male", "unilateral_calf_swelling": True}
    assert "not_a_node" not in points[-1]["evidence"]


def test_summarise_counts_by_hand():
    """Check top-1, reciprocal rank and recall from two synthetic rows, random runs averaged over seeds."""
    def run(top1s, flags, rrs=(0.5, 0.5, 0.5)):
        return [{"top1": t, "rr": 1.0 if t else rr, "flagged": f, "answered": 1, "error": None} for t, f, rr in zip(top1s, flags, rrs, strict=True)]
    rows = [
        {"must_not_miss": True, "full": {"top1": True, "rr": 1.0, "flagged": True}, "decision": run([0, 1, 1], [0, 1, 1], (0.25, 0, 0)),
         "random0": run([1, 1, 1], [0, 0, 0]), "random1": run([0, 0, 0], [0, 0, 0])},
        {"must_not_miss": False, "full": {"top1": False, "rr": 1 / 3, "flagged": None}, "decision": run([0, 0, 1], [None] * 3, (0, 0.5, 0)),
         "random0": run([0, 0, 0], [None] * 3), "random1": run([0, 0, 1], [None] * 3)},
    ]  # fmt: skip
    s = bi.summarise(rows, seeds=2)
    assert s["full"] == {"top1": 0.5, "mrr": (1.0 + 1 / 3) / 2, "recall": 1.0}
    assert [s["decision"][q]["top1"] for q in ("3", "5", "8")] == [0.0, 0.5, 1.0]
    assert [s["decision"][q]["mrr"] for q in ("3", "5", "8")] == [0.125, 0.75, 1.0]  # (1/4 + 0) / 2, (1 + 1/2) / 2, (1 + 1) / 2
    assert s["random"]["8"]["mrr"] == ((1.0 + 0.5) / 2 + (0.5 + 1.0) / 2) / 2  # seed 0 and seed 1, averaged
    assert s["decision"]["5"]["recall"] == 1.0
    assert [s["random"][q]["top1"] for q in ("3", "5", "8")] == [0.25, 0.25, 0.5]
    assert "information" not in s and "fixed" not in s
    assert "answerable" not in s  # rows without the counts: no line


def test_summarise_answerable_share():
    """Check the mean number of questions a vignette answers, and its share of the askable ones, from two synthetic rows."""
    def run(top1):
        return [{"top1": top1, "rr": float(top1), "flagged": None, "answered": 0, "error": None}] * 3
    rows = [
        {"must_not_miss": False, "full": {"top1": True, "rr": 1.0, "flagged": None}, "decision": run(True), "answerable": 4, "candidates": 100},
        {"must_not_miss": False, "full": {"top1": False, "rr": 0.0, "flagged": None}, "decision": run(False), "answerable": 10, "candidates": 100},
    ]  # fmt: skip
    s = bi.summarise(rows, seeds=1)
    assert s["answerable"] == {"mean": 7.0, "candidates": 100.0}
    assert "answers 7.0 of the 100 questions that can be asked (7.0%)" in bi.render(s, 1.0, [])


@needs_dev
def test_main_runs_with_limit(tmp_path, capsys):
    """Check the script end to end on 1 vignette: the table, the target line, and the JSON rows."""
    out = tmp_path / "interview.json"
    assert bi.main(["--limit", "1", "--jobs", "1", "--seeds", "1", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "full evidence" in text and "target: decision top-1 after 5 questions" in text
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["vignettes"] == 1 and len(data["rows"]) == 1
    assert {"decision", "information", "fixed", "random0", "full"} <= set(data["rows"][0])
    row = data["rows"][0]
    assert 0 < row["answerable"] < row["candidates"] and "questions that can be asked" in text


@needs_dev
def test_staged_strategy_asks_history_then_examination_then_tests(model, records):
    """Check ``decision+staged``: the stages of the questions asked never go back, and the first is the staged ranking's first."""
    record = records[1]
    answers = bi.vignette_answers(model, record["evidence"])
    (point,) = bi.interview(model, record, bi.ranked(model, "decision", staged=True), steps=8, checkpoints=[8])
    stages = [bi.STAGES.index(bi.cost_of(q)[0]) for q in point["asked"]]
    assert stages == sorted(stages)
    evidence = {key: value for nid, (key, value) in answers.items() if nid in bi.INTAKE}
    table = bi.rank_questions(model, bi.collect_answers(model, evidence), None, by="decision", staged=True)
    assert point["asked"][0] == table.index[0]
